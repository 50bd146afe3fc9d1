#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Elaborates every module of rtl/ as its own top with Yosys 0.23 (read_verilog -sv, hierarchy
# -check, proc) at its default parameters and at DATA_W 64 and 512 where it has one. Seconds
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

status=0
for f in "${sources[@]}"; do
  m="$(sed -n 's/^module \([a-z_0-9]*\).*/\1/p' "$f" | head -1)"
  [[ -n "$m" ]] || continue
  if grep -q 'parameter int DATA_W' "$f"; then ws=(64 512); else ws=(""); fi
  for w in "${ws[@]}"; do
    log="$gen_dir/elab_${m}_$w.log"
    chp=""
    [[ -n "$w" ]] && chp="chparam -set DATA_W $w $m"
    if "$YOSYS" -q -l "$log" -p "read_verilog -sv ${sources[*]}; $chp; hierarchy -check -top $m; proc" \
        > /dev/null 2>&1 && ! grep -q 'Warning:' "$log"; then
      echo "yosys elab $m${w:+ DATA_W=$w}: clean"
    else
      echo "yosys elab $m${w:+ DATA_W=$w}: FAILED" >&2
      grep -E 'ERROR|Warning' "$log" >&2 || tail -5 "$log" >&2
      status=1
    fi
  done
done
exit $status
