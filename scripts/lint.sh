#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lint rtl/ with Verilator (--lint-only -Wall, top nic_top) for every supported DATA_W: the
# files of rtl/sources.f, the generated ones freshly generated from rtl/regs.yaml; then every
# module on its own as top (blocks not yet instantiated in nic_top are linted too), at each
# DATA_W when the module has that parameter.
# Waivers live in rtl/lint_waivers.vlt, each with its reason. Exits non-zero on any
# warning or error.
#
# usage: scripts/lint.sh [DATA_W ...]        (default: 64 512)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"  # RTL_DIR: lint/synthesize another copy (script tests)
VERILATOR="${VERILATOR:-verilator}"

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(64 512)

# The source list: rtl/sources.f, with the generated files (nic_regs_pkg, nic_regfile from
# $RTL/regs.yaml) generated into a temp dir (this script runs outside CMake) and read from
# there (scripts/rtl-sources.sh).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
# shellcheck source=rtl-sources.sh
source "$ROOT/scripts/rtl-sources.sh"
rtl_sources "$gen_dir" || { echo "lint.sh: no source list" >&2; exit 1; }

status=0
for w in "${widths[@]}"; do
  if "$VERILATOR" --lint-only -Wall --top-module nic_top -GDATA_W="$w" \
      "$RTL/lint_waivers.vlt" "${sources[@]}"; then
    echo "lint DATA_W=$w: clean"
  else
    echo "lint DATA_W=$w: FAILED" >&2
    status=1
  fi
done
# Every module as its own top.
for f in "${sources[@]}"; do
  m="$(rtl_module "$f")"
  [[ -n "$m" && "$m" != nic_top ]] || continue
  if grep -q 'parameter int DATA_W' "$f"; then ws=("${widths[@]}"); else ws=(""); fi
  for w in "${ws[@]}"; do
    if "$VERILATOR" --lint-only -Wall --top-module "$m" ${w:+-GDATA_W="$w"} \
        "$RTL/lint_waivers.vlt" "${sources[@]}"; then
      echo "lint $m${w:+ DATA_W=$w}: clean"
    else
      echo "lint $m${w:+ DATA_W=$w}: FAILED" >&2
      status=1
    fi
  done
done
exit $status
