#!/usr/bin/env bash
# Regression over the bundled traces: every capture in traces/ goes through the
# Verilated NIC (pass-through for now) on both wire-port backends and both data
# widths; the output capture must equal the input frame for frame.
# Usage: scripts/regress.sh [TRACE...]   (default: traces/*.pcap traces/*.pcapng)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
nicsim="$build/bin/nicsim"
out="$build/regress"
mkdir -p "$out"
if [ $# -gt 0 ]; then traces=("$@"); else
  traces=("$root"/traces/*.pcap "$root"/traces/*.pcapng)
fi

# Known limits: "trace<TAB>port<TAB>error text<TAB>why"; such a run must fail with that text.
declare -A xfail
while IFS=$'\t' read -r kt kp ke _; do
  [[ -z "$kt" || "$kt" == \#* ]] && continue
  xfail["$kt/$kp"]="$ke"
done <"$root/traces/known-limits.tsv"

pass=0; fail=0; xfails=0
printf '%-46s %-5s %5s %8s %10s %10s  %s\n' TRACE PORT WIDTH FRAMES BYTES CYCLES RESULT
for t in "${traces[@]}"; do
  name="$(basename "$t")"
  for port in pcap dpdk; do
    for width in 64 512; do
      o="$out/${name%.*}.$port.$width.pcap"
      r="$out/${name%.*}.$port.$width.json"
      log="$out/${name%.*}.$port.$width.log"
      if [[ -n "${xfail[$name/$port]:-}" ]]; then
        if ! "$nicsim" run --wire-in "$t" --wire-out "$o" --port "$port" --data-width "$width" \
             >"$log" 2>&1 && grep -q -- "${xfail[$name/$port]}" "$log"; then
          result="XFAIL (known limit, traces/known-limits.tsv)"; xfails=$((xfails + 1))
        else
          result="FAIL (expected error '${xfail[$name/$port]}', see $log)"; fail=$((fail + 1))
        fi
        printf '%-46s %-5s %5s %8s %10s %10s  %s\n' "$name" "$port" "$width" - - - "$result"
        continue
      fi
      if "$nicsim" run --wire-in "$t" --wire-out "$o" --port "$port" --data-width "$width" \
           --report "$r" >"$log" 2>&1 && "$nicsim" diff "$t" "$o" >>"$log" 2>&1; then
        result=PASS; pass=$((pass + 1))
      else
        result="FAIL (see $log)"; fail=$((fail + 1))
      fi
      read -r frames bytes cycles < <(python3 - "$r" <<'PY' 2>/dev/null || echo "- - -"
import json, sys
r = json.load(open(sys.argv[1]))
print(r["frames_in"], r["bytes_in"], r["cycles"])
PY
)
      printf '%-46s %-5s %5s %8s %10s %10s  %s\n' "$name" "$port" "$width" "$frames" "$bytes" \
        "$cycles" "$result"
    done
  done
done
echo "regression: $pass passed, $fail failed, $xfails known limits"
[ "$fail" -eq 0 ]
