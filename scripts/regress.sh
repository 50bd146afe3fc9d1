#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The regression: every capture through the Verilated NIC (nic_top in the SystemC system, the
# driver and host program on the SystemC host, the golden model as scoreboard) at DATA_W 64
# and 512, under the named scenarios of traces/scenarios/:
#   hairpin       the default scenario: the NIC as a bump in the wire (also through DPDK)
#   vnics-rss     everything to two VNICs, spread by RSS
#   actions       rules with decap, encap, NAT, VLAN push and a meter
#   miss-install  every flow misses; the host installs it and re-injects the frame
#   flow-actions  the same with rules derived from the capture's flows: NAT, TTL decrement,
#                 a meter and VXLAN encap to the wire
# A run passes when it completes with zero scoreboard mismatches, a balanced ledger and the
# scenario's expectations met. Prints one line per run (frames, mismatches, exceptions, drops
# by reason, cycles/s) and a summary; exits non-zero on any failure.
#
# usage: scripts/regress.sh [-j N] [--quick] [TRACE...]   (default: traces/*.pcap traces/*.pcapng)
#   --quick: the test suite's share (ctest regression_bundled_traces, a few minutes): every
#   capture once through the default scenario at DATA_W=64, and every scenario, port and width
#   on three representative captures (a web session, VXLAN, the generated mix of every header
#   kind). scripts/main.sh runs the whole regression.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
nicsim="$build/bin/nicsim"
out="$build/regress"
jobs="${NICSIM_JOBS:-2}"
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    *) break ;;
  esac
done
mkdir -p "$out"
if [ $# -gt 0 ]; then traces=("$@"); else
  traces=("$root"/traces/*.pcap "$root"/traces/*.pcapng)
fi
for t in "${traces[@]}"; do
  [[ -f "$t" ]] || { echo "regress.sh: no such capture: $t" >&2; exit 2; }
done

# Known limits: "trace<TAB>port<TAB>error text<TAB>why"; such a run must fail with that text.
declare -A xfail
while IFS=$'\t' read -r kt kp ke _; do
  [[ -z "$kt" || "$kt" == \#* ]] && continue
  xfail["$kt/$kp"]="$ke"
done <"$root/traces/known-limits.tsv"

# The runs: scenario port width trace.
runs="$out/runs.txt"
: >"$runs"
representative=(zeek__wikipedia.pcap tcpdump__vxlan.pcap gen__all-kinds-imix.pcap)
for t in "${traces[@]}"; do
  if [[ $quick -eq 1 && ! " ${representative[*]} " =~ " $(basename "$t") " ]]; then
    echo "hairpin pcap 64 $t" >>"$runs"
    continue
  fi
  for width in 64 512; do
    for s in hairpin vnics-rss actions miss-install flow-actions; do
      echo "$s pcap $width $t" >>"$runs"
    done
    echo "hairpin dpdk $width $t" >>"$runs"
  done
done

# One run: writes its result line to $out/<id>.line.
one() {
  local s="$1" port="$2" width="$3" t="$4"
  local name id scen log rep
  name="$(basename "$t")"
  id="${name%.*}.$s.$port.$width"
  log="$out/$id.log"
  rep="$out/$id.json"
  scen=()
  [[ "$s" != hairpin ]] && scen=(--scenario "$root/traces/scenarios/$s.yaml")
  "$nicsim" run "${scen[@]}" --wire-in "$t" --port "$port" --data-width "$width" \
    --report "$rep" --out "$out/$id.out" >"$log" 2>&1
  local rc=$?
  local xf="${xfail[$name/$port]:-}"
  local result
  if [[ -n "$xf" ]]; then
    if [[ $rc -ne 0 ]] && grep -q -- "$xf" "$log"; then result="XFAIL"; else result="FAIL"; fi
  elif [[ $rc -eq 0 ]]; then
    result=PASS
  else
    result=FAIL
  fi
  python3 - "$rep" "$name" "$s" "$port" "$width" "$result" "$log" >"$out/$id.line" <<'PY'
import json, sys
rep, name, s, port, width, result, log = sys.argv[1:]
try:
    r = json.load(open(rep))
    c = r["counters"]
    drops = {k[5:]: v for k, v in c.items() if k.startswith("drop_") and v}
    dtext = ",".join(f"{k}:{v}" for k, v in drops.items()) or "-"
    line = (f"{name:44} {s:12} {port:4} {width:>4} {r['frames_in']:>6} "
            f"{r['scoreboard']['mismatches']:>5} {c['out_exception']:>5} {dtext:30} "
            f"{r['cycles_per_s']:>9.0f}")
except Exception:
    line = f"{name:44} {s:12} {port:4} {width:>4} {'-':>6} {'-':>5} {'-':>5} {'-':30} {'-':>9}"
print(line + "  " + result + ("" if result in ("PASS", "XFAIL") else f" (see {log})"))
PY
}
export nicsim out root

printf '%-44s %-12s %-4s %4s %6s %5s %5s %-30s %9s  %s\n' TRACE SCENARIO PORT W FRAMES MISM EXC \
  DROPS CYCLES/S RESULT
# shellcheck disable=SC2016
xargs -P "$jobs" -L 1 bash -c "$(declare -p xfail); $(declare -f one); one \"\$@\"" _ <"$runs"
pass=0; fail=0; xfails=0
while read -r s port width t; do
  name="$(basename "$t")"
  line="$(cat "$out/${name%.*}.$s.$port.$width.line" 2>/dev/null || echo "$name $s $port $width  FAIL (no result)")"
  echo "$line"
  case "$line" in
    *"  PASS") pass=$((pass + 1)) ;;
    *"  XFAIL") xfails=$((xfails + 1)) ;;
    *) fail=$((fail + 1)) ;;
  esac
done <"$runs"
echo "regression: $pass passed, $fail failed, $xfails known limits ($(wc -l <"$runs") runs)"
[ "$fail" -eq 0 ]
