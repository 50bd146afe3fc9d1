#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Block-level synthesis check of the exact-match table: Yosys synth_xilinx (xcup) with top
# em_table at the given EM_BUCKETS, printing `NAME VALUE UNIT` lines (synth_luts, synth_ffs,
# synth_bram36, synth_uram, synth_lutram) and failing if the table is not mapped to RAM cells
# (block or ultra RAM; small tables go to distributed RAM).
#
# usage: scripts/synth-em.sh [EM_BUCKETS ...]   (default: 8192, the 64K-entry configuration)
#   env: SYNTH_OUT=DIR keeps the Yosys logs there (default: a temp dir)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"
YOSYS="${YOSYS:-yosys}"

sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(8192)

out="${SYNTH_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

# em_table needs nic_pkg and its own modules only.
sources=("$RTL/nic_pkg.sv" "$RTL/crc32_key.sv" "$RTL/em_sdp_ram.sv" "$RTL/em_table.sv")

status=0
for b in "${sizes[@]}"; do
  log="$out/synth_em_b$b.log"
  if ! "$YOSYS" -q -l "$log" -p "
      read_verilog -sv ${sources[*]}
      chparam -set EM_BUCKETS $b em_table
      synth_xilinx -family xcup -top em_table -flatten -noiopad -noclkbuf
      tee -o $out/stat_em_b$b.txt stat" > /dev/null 2>&1; then
    echo "synth-em.sh: Yosys failed for EM_BUCKETS=$b (log: $log)" >&2
    grep -E 'ERROR' "$log" >&2 || tail -20 "$log" >&2
    status=1
    continue
  fi
  python3 - "$out/stat_em_b$b.txt" "$b" <<'PY' || status=1
import re, sys
path, buckets = sys.argv[1], sys.argv[2]
count = {}
for line in open(path):
    m = re.match(r"\s+(\S+)\s+(\d+)\s*$", line)
    if m and not m.group(1).startswith("Number"):
        count[m.group(1)] = count.get(m.group(1), 0) + int(m.group(2))
def total(pred):
    return sum(n for t, n in count.items() if pred(t))
luts = total(lambda t: t.startswith("LUT") or t == "INV")
ffs = total(lambda t: t.startswith("FD"))
bram36 = total(lambda t: t.startswith("RAMB36")) + total(lambda t: t.startswith("RAMB18")) / 2
uram = total(lambda t: t.startswith("URAM"))
lutram = total(lambda t: t.startswith("RAM") and not t.startswith("RAMB"))
print(f"# em_table EM_BUCKETS={buckets} (Yosys synth_xilinx -family xcup)")
print(f"synth_luts {luts} count")
print(f"synth_ffs {ffs} count")
print(f"synth_bram36 {bram36:g} count")
print(f"synth_uram {uram} count")
print(f"synth_lutram {lutram} count")
if bram36 + uram + lutram == 0:
    print("synth-em.sh: the table is not in RAM cells", file=sys.stderr)
    sys.exit(1)
PY
done
exit $status
