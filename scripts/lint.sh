#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lint rtl/ with Verilator (--lint-only -Wall, top nic_top) for every supported DATA_W,
# together with the register-map package generated from rtl/regs.yaml; then every module on
# its own as top (blocks not yet instantiated in nic_top are linted too), at each DATA_W
# when the module has that parameter.
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

# The register-map package and the register file (nic_regfile) are generated from
# $RTL/regs.yaml into a temp dir (this script runs outside CMake). Packages first (nic_regs_pkg, nic_pkg), then every other module (one
# module per file; the committed copies of the generated files are not read twice).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
"${PYTHON:-python3}" "$ROOT/scripts/regs/gen_regs.py" "$RTL/regs.yaml" \
  --sv "$gen_dir/nic_regs_pkg.sv" --regfile "$gen_dir/nic_regfile.sv" 2> "$gen_dir/gen.log" || {
  cat "$gen_dir/gen.log" >&2
  echo "lint.sh: the register-map generator failed on $RTL/regs.yaml" >&2
  exit 1
}
sources=("$gen_dir/nic_regs_pkg.sv" "$RTL/nic_pkg.sv" "$gen_dir/nic_regfile.sv")
while IFS= read -r f; do
  [[ "$f" == "$RTL/nic_pkg.sv" || "$f" == "$RTL/nic_regs_pkg.sv" \
    || "$f" == "$RTL/nic_regfile.sv" ]] || sources+=("$f")
done < <(find "$RTL" -maxdepth 1 -name '*.sv' | sort)

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
  m="$(sed -n 's/^module \([a-z_0-9]*\).*/\1/p' "$f" | head -1)"
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
