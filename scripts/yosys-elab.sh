#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Elaborates every module of rtl/ (rtl/sources.f) as its own top with Yosys 0.23
# (read_verilog -sv, hierarchy -check) at its default parameters and at DATA_W 64 and 512
# where it has one. Seconds per module, so the test suite can make sure every file parses and
# elaborates in the synthesis tool too, not only in Verilator (`$bits` of a package type, for
# one, is a Yosys syntax error); the full mapping of the large tops (nic_datapath with a
# 64K-entry table, ~1 h) is scripts/synth-block.sh's and is run by hand (docs/synthesis.md).
# Exits non-zero on any Yosys error or warning.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"
YOSYS="${YOSYS:-yosys}"

# The source list: rtl/sources.f, with the generated files (nic_regs_pkg, nic_regfile from
# $RTL/regs.yaml) generated into a temp dir and read from there (scripts/rtl-sources.sh).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
# shellcheck source=rtl-sources.sh
source "$ROOT/scripts/rtl-sources.sh"
rtl_sources "$gen_dir" || { echo "yosys-elab.sh: no source list" >&2; exit 1; }

# One Yosys process: parse everything once (-defer: nothing is elaborated as it is read), then
# elaborate each top from a saved copy of the parsed design, so each hierarchy elaborates the
# top and what it instantiates at their parameters.
script="$gen_dir/elab.ys"
{
  echo "read_verilog -defer -sv ${sources[*]}"
  echo "design -save sources"
  for f in "${sources[@]}"; do
    m="$(rtl_module "$f")"
    [[ -n "$m" ]] || continue
    if grep -q 'parameter int DATA_W' "$f"; then ws=(64 512); else ws=(""); fi
    for w in "${ws[@]}"; do
      echo "log ELAB $m${w:+ DATA_W=$w}"
      echo "design -load sources"
      echo "hierarchy -check -top $m${w:+ -chparam DATA_W $w}"
    done
  done
} > "$script"
log="$gen_dir/elab.log"
status=0
if ! "$YOSYS" -q -l "$log" -s "$script" > /dev/null 2>&1; then
  at="$(grep '^ELAB' "$log" | tail -1 | cut -c6- || true)"
  echo "yosys elab: FAILED ${at:+at $at}${at:-reading the sources}" >&2
  grep -E 'ERROR' "$log" >&2 || tail -5 "$log" >&2
  status=1
fi
if grep -q 'Warning:' "$log"; then
  echo "yosys elab: warnings" >&2
  grep -E 'Warning:|^ELAB' "$log" | grep -B1 'Warning:' >&2
  status=1
fi
[[ $status -eq 0 ]] && grep '^ELAB' "$log" | sed 's/^ELAB /yosys elab /; s/$/: clean/'
exit $status
