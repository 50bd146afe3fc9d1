#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Synthesize a top of rtl/ with Yosys for a Xilinx UltraScale+ part and print the resource
# report as `NAME VALUE UNIT` lines: synth_luts, synth_ffs, synth_bram36, synth_uram,
# synth_dsp (synth_srl, synth_lutram when present), synth_lut_levels, synth_logic_levels.
# The one synthesis recipe of the project: scripts/synth.sh (nic_top per DATA_W) and
# scripts/synth-em.sh (the exact-match table) call it.
#
# usage: scripts/synth-block.sh TOP [NAME=VALUE ...]   (e.g. `scripts/synth-block.sh tcam
#        TCAM_ENTRIES=64`, `scripts/synth-block.sh nic_top DATA_W=512`)
#   env: SYNTH_OUT=DIR keeps the Yosys log and JSON netlist there (default: a temp dir)
#
# Flow: `read_verilog -sv` of the generated nic_regs_pkg and every rtl/*.sv (packages
# first), `chparam -set NAME VALUE` per parameter, `synth_xilinx -family xcup -top TOP
# -flatten -noiopad -noclkbuf` (modules TOP does not use are dropped). The top is a core that
# drops into an FPGA shell, so no I/O or clock buffers are inserted, and the design is
# flattened so the path analysis sees one netlist.
#
# Logic depth: Yosys has no timing model for Xilinx cells, so the script walks the mapped
# netlist (write_json) and finds the longest combinational path between sequential cells
# (FD*, block/ultra/distributed RAM, DSP, SRL) and core ports:
#   synth_lut_levels   = most LUTs (LUT1..LUT6, INV) on one path; CARRY/MUXF cells count 0
#   synth_logic_levels = most LUT + CARRY + MUXF cells on one path (Vivado's "logic levels")
# Carry cells are taken as one node (any input to any output), a slight overestimate.
#
# Exits non-zero if Yosys fails, if it prints any warning not waived below, or if a figure
# cannot be computed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"  # RTL_DIR: lint/synthesize another copy (script tests)
YOSYS="${YOSYS:-yosys}"

# Waived warnings: an extended regex per line, each with its reason.
WAIVERS=(
  # ABC is handed the purely combinational logic between flip-flops (Yosys keeps the FFs),
  # and says so; it is a note about ABC's input, not about the design.
  'ABC: Warning: The network is combinational'
  # memory_libmap narrows a block RAM's data ports to the bits the memory uses (one line per
  # RAMB cell, thousands for the 64K-entry table); the RAM is mapped as intended.
  'Warning: Resizing cell port .*RAMB(18|36)E2'
  # The same warning as Yosys 0.23 prints it, `module.cell.PORT` with the cell named after
  # the memory (e.g. `meter_bank.u_st_ram.mem.0.0.DINADIN`): matched by the RAMB18E2/RAMB36E2
  # address and data port names only, so a resized port of any other cell still fails.
  'Warning: Resizing cell port [^ ]+\.(ADDRARDADDR|ADDRBWRADDR|DINADIN|DINBDIN|DINPADINP|DINPBDINP|DOUTADOUT|DOUTBDOUT|DOUTPADOUTP|DOUTPBDOUTP|WEA|WEBWE) from [0-9]+ bits to [0-9]+ bits\.$'
)

[[ $# -ge 1 ]] || { echo "usage: $0 TOP [NAME=VALUE ...]" >&2; exit 2; }
top="$1"
shift
params=("$@")
tag="$top"
label="$top"
chparams=""
for p in "${params[@]}"; do
  [[ "$p" == *=* ]] || { echo "synth-block.sh: parameter '$p' is not NAME=VALUE" >&2; exit 2; }
  chparams+="chparam -set ${p%%=*} ${p#*=} $top; "
  tag+="_${p%%=*}${p#*=}"
  label+=" $p"
done
[[ -f "$RTL/$top.sv" ]] || { echo "synth-block.sh: no $RTL/$top.sv" >&2; exit 2; }

# The register-map package and the register file (nic_regfile) are generated from
# $RTL/regs.yaml into a temp dir (this script runs outside CMake). Packages first (nic_regs_pkg, nic_pkg), then every other module (one
# module per file; the committed copies of nic_regs_pkg and nic_regfile are not read twice).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
"${PYTHON:-python3}" "$ROOT/scripts/regs/gen_regs.py" "$RTL/regs.yaml" \
  --sv "$gen_dir/nic_regs_pkg.sv" --regfile "$gen_dir/nic_regfile.sv" 2> "$gen_dir/gen.log" || {
  cat "$gen_dir/gen.log" >&2
  echo "synth-block.sh: the register-map generator failed on $RTL/regs.yaml" >&2
  exit 1
}
sources=("$gen_dir/nic_regs_pkg.sv" "$RTL/nic_pkg.sv" "$gen_dir/nic_regfile.sv")
while IFS= read -r f; do
  [[ "$f" == "$RTL/nic_pkg.sv" || "$f" == "$RTL/nic_regs_pkg.sv" \
    || "$f" == "$RTL/nic_regfile.sv" ]] || sources+=("$f")
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
for w in "$tag"; do
  log="$out/synth_$w.log"
  json="$out/synth_$w.json"
  if ! "$YOSYS" -q -l "$log" -p "
      read_verilog -sv ${sources[*]}
      $chparams
      synth_xilinx -family xcup -top $top -flatten -noiopad -noclkbuf
      tee -o $out/stat_$w.txt stat
      write_json $json" > /dev/null 2>&1; then
    echo "synth-block.sh: Yosys failed for $w$keep_hint" >&2
    grep -E 'ERROR' "$log" >&2 || tail -20 "$log" >&2
    status=1
    continue
  fi

  warnings="$(grep -E '(^|ABC: )Warning:' "$log" || true)"
  for waiver in "${WAIVERS[@]}"; do
    warnings="$(grep -vE "$waiver" <<< "$warnings" || true)"
  done
  if [[ -n "$warnings" ]]; then
    echo "synth-block.sh: Yosys warnings for $w$keep_hint:" >&2
    sort -u <<< "$warnings" >&2
    status=1
  fi

  if ! python3 - "$json" "$label" "$top" <<'PY'
import json, sys
from functools import lru_cache

path, label, topname = sys.argv[1], sys.argv[2], sys.argv[3]
top = json.load(open(path))["modules"][topname]
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
lutram = total(lambda t: t.startswith("RAM") and not t.startswith("RAMB"))

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

print(f"# {label} (Yosys synth_xilinx -family xcup)")
print(f"synth_luts {luts} count")
print(f"synth_ffs {ffs} count")
print(f"synth_bram36 {bram36:g} count")
print(f"synth_uram {uram} count")
print(f"synth_dsp {dsp} count")
if srl:
    print(f"synth_srl {srl} count")
if lutram:
    print(f"synth_lutram {lutram} count")
print(f"synth_lut_levels {lut_levels} levels")
print(f"synth_logic_levels {logic_levels} levels")
PY
  then
    echo "synth-block.sh: could not compute the report for $w" >&2
    status=1
  fi
done
exit $status
