#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Synthesize rtl/ (top nic_top) with Yosys for a Xilinx UltraScale+ part and print the
# resource report as `NAME VALUE UNIT` lines, once per DATA_W:
#   synth_luts, synth_ffs, synth_bram36, synth_uram, synth_dsp, synth_lut_levels,
#   synth_logic_levels
#
# usage: scripts/synth.sh [DATA_W ...]        (default: 512; e.g. `scripts/synth.sh 64 512`)
#   env: SYNTH_OUT=DIR keeps the Yosys logs and JSON netlists there (default: a temp dir)
#
# Flow: `read_verilog -sv` of the generated nic_regs_pkg and every rtl/*.sv (packages
# first), `chparam -set DATA_W`, `synth_xilinx -family xcup -top nic_top -flatten -noiopad
# -noclkbuf`. nic_top is a core that drops into an FPGA shell, so no I/O buffers or clock
# buffers are inserted, and the design is flattened so the path analysis sees one netlist.
#
# Logic depth: Yosys has no timing model for Xilinx cells, so the script walks the mapped
# netlist (write_json) and finds the longest combinational path between sequential cells
# (FD*, block/ultra RAM, DSP) and core ports:
#   synth_lut_levels   = most LUTs (LUT1..LUT6, INV) on one path; CARRY/MUXF cells count 0
#   synth_logic_levels = most LUT + CARRY + MUXF cells on one path (Vivado's "logic levels")
# Carry cells are taken as one node (any input to any output), a slight overestimate.
#
# Exits non-zero if Yosys fails, if it prints any warning not waived below, or if a
# figure cannot be computed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"  # RTL_DIR: lint/synthesize another copy (script tests)
YOSYS="${YOSYS:-yosys}"

# Waived warnings: an extended regex per line, each with its reason.
WAIVERS=(
  # ABC is handed the purely combinational logic between flip-flops (Yosys keeps the FFs),
  # and says so; it is a note about ABC's input, not about the design.
  'ABC: Warning: The network is combinational'
)

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(512)

# The register-map package is generated from $RTL/regs.yaml into a temp dir (this script
# runs outside CMake). Packages first (nic_regs_pkg, nic_pkg), then every other module (one
# module per file).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
"${PYTHON:-python3}" "$ROOT/scripts/regs/gen_regs.py" "$RTL/regs.yaml" \
  --sv "$gen_dir/nic_regs_pkg.sv" 2> "$gen_dir/gen.log" || {
  cat "$gen_dir/gen.log" >&2
  echo "synth.sh: the register-map generator failed on $RTL/regs.yaml" >&2
  exit 1
}
sources=("$gen_dir/nic_regs_pkg.sv" "$RTL/nic_pkg.sv")
while IFS= read -r f; do
  [[ "$f" == "$RTL/nic_pkg.sv" || "$f" == "$RTL/nic_regs_pkg.sv" ]] || sources+=("$f")
done < <(find "$RTL" -maxdepth 1 -name '*.sv' | sort)

out="${SYNTH_OUT:-}"
keep_hint=""
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out" "$gen_dir"' EXIT
  keep_hint=" (set SYNTH_OUT=DIR to keep the Yosys log)"
fi
mkdir -p "$out"

status=0
for w in "${widths[@]}"; do
  log="$out/synth_w$w.log"
  json="$out/synth_w$w.json"
  if ! "$YOSYS" -q -l "$log" -p "
      read_verilog -sv ${sources[*]}
      chparam -set DATA_W $w nic_top
      synth_xilinx -family xcup -top nic_top -flatten -noiopad -noclkbuf
      tee -o $out/stat_w$w.txt stat
      write_json $json" > /dev/null 2>&1; then
    echo "synth.sh: Yosys failed for DATA_W=$w$keep_hint" >&2
    grep -E 'ERROR' "$log" >&2 || tail -20 "$log" >&2
    status=1
    continue
  fi

  warnings="$(grep -E '(^|ABC: )Warning:' "$log" || true)"
  for waiver in "${WAIVERS[@]}"; do
    warnings="$(grep -vE "$waiver" <<< "$warnings" || true)"
  done
  if [[ -n "$warnings" ]]; then
    echo "synth.sh: Yosys warnings for DATA_W=$w$keep_hint:" >&2
    sort -u <<< "$warnings" >&2
    status=1
  fi

  if ! python3 - "$json" "$w" <<'PY'
import json, sys
from functools import lru_cache

path, width = sys.argv[1], sys.argv[2]
top = json.load(open(path))["modules"]["nic_top"]
cells = top["cells"]

def kind(t):
    if t.startswith("LUT") or t == "INV":
        return "lut"
    if t.startswith("CARRY") or t.startswith("MUXF"):
        return "logic"
    if t in ("BUF",):
        return "wire"
    return "seq"   # FD*, RAMB*, URAM*, DSP*, SRL*: path start/end points

count = {}
for c in cells.values():
    count[c["type"]] = count.get(c["type"], 0) + 1
def total(pred):
    return sum(n for t, n in count.items() if pred(t))

luts = total(lambda t: t.startswith("LUT") or t == "INV")
ffs = total(lambda t: t.startswith("FD"))
bram36 = total(lambda t: t.startswith("RAMB36")) + total(lambda t: t.startswith("RAMB18")) / 2
uram = total(lambda t: t.startswith("URAM"))
dsp = total(lambda t: t.startswith("DSP"))
srl = total(lambda t: t.startswith("SRL"))

# bit -> combinational cells driving it (with their input bits)
drivers = {}
for name, c in cells.items():
    k = kind(c["type"])
    if k == "seq":
        continue
    ins = [b for p, bits in c["connections"].items()
           if c["port_directions"][p] == "input" for b in bits if isinstance(b, int)]
    for p, bits in c["connections"].items():
        if c["port_directions"][p] == "output":
            for b in bits:
                if isinstance(b, int):
                    drivers.setdefault(b, []).append((k, ins))

sys.setrecursionlimit(100000)
@lru_cache(maxsize=None)
def depth(bit):
    """(lut levels, logic levels) of the deepest path ending at `bit`."""
    best = (0, 0)
    for k, ins in drivers.get(bit, ()):
        for b in ins:
            l, g = depth(b)
            l += k == "lut"
            g += k in ("lut", "logic")
            best = (max(best[0], l), max(best[1], g))
    return best

lut_levels = logic_levels = 0
for b in list(drivers):
    l, g = depth(b)
    lut_levels, logic_levels = max(lut_levels, l), max(logic_levels, g)

print(f"# nic_top DATA_W={width} (Yosys synth_xilinx -family xcup)")
print(f"synth_luts {luts} count")
print(f"synth_ffs {ffs} count")
print(f"synth_bram36 {bram36:g} count")
print(f"synth_uram {uram} count")
print(f"synth_dsp {dsp} count")
if srl:
    print(f"synth_srl {srl} count")
print(f"synth_lut_levels {lut_levels} levels")
print(f"synth_logic_levels {logic_levels} levels")
PY
  then
    echo "synth.sh: could not compute the report for DATA_W=$w" >&2
    status=1
  fi
done
exit $status
