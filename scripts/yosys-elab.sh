#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Elaborates every module of rtl/ as its own top with Yosys 0.23 (read_verilog -sv, hierarchy
# -check) at its default parameters and at DATA_W 64 and 512 where it has one. Seconds
# per module, so the test suite can make sure every file parses and elaborates in the
# synthesis tool too, not only in Verilator (`$bits` of a package type, for one, is a Yosys
# syntax error); the full mapping of the large tops (nic_datapath with a 64K-entry table,
# ~1 h) is scripts/synth-block.sh's and is run by hand (docs/synthesis.md).
# Exits non-zero on any Yosys error or warning.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"
YOSYS="${YOSYS:-yosys}"

gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
"${PYTHON:-python3}" "$ROOT/scripts/regs/gen_regs.py" "$RTL/regs.yaml" \
  --sv "$gen_dir/nic_regs_pkg.sv" 2> "$gen_dir/gen.log" || {
  cat "$gen_dir/gen.log" >&2
  exit 1
}
sources=("$gen_dir/nic_regs_pkg.sv" "$RTL/nic_pkg.sv")
while IFS= read -r f; do
  [[ "$f" == "$RTL/nic_pkg.sv" || "$f" == "$RTL/nic_regs_pkg.sv" ]] || sources+=("$f")
done < <(find "$RTL" -maxdepth 1 -name '*.sv' | sort)

# One Yosys process: read everything once, then elaborate each top from a saved copy (reading
# the sources, the generated register file above all, is most of the time).
script="$gen_dir/elab.ys"
{
  echo "read_verilog -sv ${sources[*]}"
  echo "design -save sources"
  for f in "${sources[@]}"; do
    m="$(sed -n 's/^module \([a-z_0-9]*\).*/\1/p' "$f" | head -1)"
    [[ -n "$m" ]] || continue
    if grep -q 'parameter int DATA_W' "$f"; then ws=(64 512); else ws=(""); fi
    for w in "${ws[@]}"; do
      echo "log ELAB $m${w:+ DATA_W=$w}"
      echo "design -load sources"
      [[ -n "$w" ]] && echo "chparam -set DATA_W $w $m"
      echo "hierarchy -check -top $m"
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
