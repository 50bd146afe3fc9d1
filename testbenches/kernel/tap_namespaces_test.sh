#!/usr/bin/env bash
# The Linux kernel's network stack as the NIC's client (issue 11, item 7): three network
# namespaces (stand-ins for two VMs and a host on the wire) on TAP interfaces attached to
# `nicsim run` (--vnic-tap 1=A --vnic-tap 2=B --wire-tap W) with traces/scenarios/
# tap-namespaces.yaml: the tables start empty and the host program installs flows by
# destination MAC. Checked:
#   - ping A -> B (VNIC 1 to VNIC 2 through the NIC's loopback path) and W -> A (across the wire);
#   - a TCP transfer of 1.5 MB from an HTTP server in B to curl in A, and 256 KB from B to W,
#     the bytes compared by SHA-256;
#   - nicsim drains and exits 0 on SIGTERM: no scoreboard mismatch (rtl engine), a balanced
#     ledger; its report shows the flows the host installed and the frames through each port.
# Needs root (namespaces, TAP devices); without it the test is skipped (exit 77). Everything it
# creates has this process's id in its name and is removed on exit; traffic stays between the
# namespaces it made (static neighbours, IPv6 off, so nothing else is sent). Bounded: every
# step has a deadline, the whole test a ctest TIMEOUT.
#
# usage: tap_namespaces_test.sh NICSIM SCENARIO WORKDIR [rtl|model]
set -euo pipefail

nicsim=$1 scenario=$2 work=$3 engine=${4:-rtl}
if [ "$(id -u)" -ne 0 ]; then
  echo "tap_namespaces_test: needs root (network namespaces, TAP devices): skipped"
  exit 77
fi
for tool in ip ping curl python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "tap_namespaces_test: $tool missing (scripts/install-deps.sh)"; exit 1; }
done

id=$$
ns_a=nicsim-a-$id ns_b=nicsim-b-$id ns_w=nicsim-w-$id
tap_a=nst${id}a tap_b=nst${id}b tap_w=nst${id}w   # <= 15 characters
mac_a=02:00:00:00:01:01 mac_b=02:00:00:00:01:02 mac_w=02:00:00:00:01:99  # the scenario's VNICs
ip_a=10.213.0.1 ip_b=10.213.0.2 ip_w=10.213.0.3
rm -rf "$work" && mkdir -p "$work"
sim_pid=""

cleanup() {
  set +e
  [ -n "$sim_pid" ] && kill -KILL "$sim_pid" 2>/dev/null
  for ns in "$ns_a" "$ns_b" "$ns_w"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  for t in "$tap_a" "$tap_b" "$tap_w"; do ip link del "$t" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # (a timeout's SIGTERM: the EXIT trap still removes what was made)

step() { echo "--- $*"; }
fail() {
  echo "FAIL: $*"
  echo "--- nicsim's output so far:"; cat "$work/nicsim.log" 2>/dev/null | tail -40
  exit 1
}

step "TAP interfaces and namespaces"
for t in "$tap_a" "$tap_b" "$tap_w"; do ip tuntap add dev "$t" mode tap; ip link set "$t" up; done
for ns in "$ns_a" "$ns_b" "$ns_w"; do
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done

step "nicsim run ($engine engine)"
"$nicsim" run --scenario "$scenario" --engine "$engine" \
  --vnic-tap 1="$tap_a" --vnic-tap 2="$tap_b" --wire-tap "$tap_w" \
  --report "$work/report.json" >"$work/nicsim.log" 2>&1 &
sim_pid=$!

# Attached: a TAP interface that is up has carrier once a process holds it.
for t in "$tap_a" "$tap_b" "$tap_w"; do
  for _ in $(seq 1 600); do
    [ "$(cat /sys/class/net/$t/carrier 2>/dev/null)" = 1 ] && break
    kill -0 "$sim_pid" 2>/dev/null || fail "nicsim exited before attaching $t"
    sleep 0.1
  done
  [ "$(cat /sys/class/net/$t/carrier 2>/dev/null)" = 1 ] || fail "nicsim did not attach $t"
done

# Each interface into its namespace (the descriptor nicsim holds follows it), addressed, with
# static neighbours so that no broadcast is needed.
setup() {  # ns tap mac ip
  ip link set "$2" netns "$1"
  ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
  ip -n "$1" link set "$2" address "$3" mtu 1500
  ip -n "$1" addr add "$4/24" dev "$2"
  ip -n "$1" link set "$2" up
  local n
  for n in "$ip_a $mac_a" "$ip_b $mac_b" "$ip_w $mac_w"; do
    set -- "$1" "$2" "$3" "$4" $n
    [ "$5" = "$4" ] || ip -n "$1" neigh replace "$5" lladdr "$6" dev "$2" nud permanent
  done
}
setup "$ns_a" "$tap_a" "$mac_a" "$ip_a"
setup "$ns_b" "$tap_b" "$mac_b" "$ip_b"
setup "$ns_w" "$tap_w" "$mac_w" "$ip_w"

step "ping A -> B (VNIC to VNIC, the NIC's loopback path)"
ip netns exec "$ns_a" ping -n -c 3 -i 0.5 -w 120 "$ip_b" || fail "ping A -> B"
step "ping W -> A (across the wire)"
ip netns exec "$ns_w" ping -n -c 3 -i 0.5 -w 120 "$ip_a" || fail "ping W -> A"

step "TCP: 1.5 MB from an HTTP server in B to curl in A, 256 KB from B to W"
mkdir -p "$work/www"
head -c 1572864 /dev/urandom >"$work/www/big.bin"
head -c 262144 /dev/urandom >"$work/www/small.bin"
ip netns exec "$ns_b" python3 -m http.server 8080 --bind "$ip_b" --directory "$work/www" \
  >"$work/http.log" 2>&1 &
disown $!  # killed with its namespace at the end
for _ in $(seq 1 100); do
  ip netns exec "$ns_b" bash -c "exec 3<>/dev/tcp/$ip_b/8080" 2>/dev/null && break
  sleep 0.1
done
ip netns exec "$ns_a" curl -sS --max-time 300 -o "$work/got-big.bin" "http://$ip_b:8080/big.bin" \
  || fail "curl A <- B"
ip netns exec "$ns_w" curl -sS --max-time 300 -o "$work/got-small.bin" "http://$ip_b:8080/small.bin" \
  || fail "curl W <- B"
for f in big small; do
  want=$(sha256sum <"$work/www/$f.bin") got=$(sha256sum <"$work/got-$f.bin")
  [ "$want" = "$got" ] || fail "$f.bin: the bytes received differ from the bytes sent"
  echo "$f.bin: $(stat -c %s "$work/got-$f.bin") bytes, SHA-256 equal"
done

step "stop nicsim: it drains, checks and reports"
kill -TERM "$sim_pid"
rc=0
for _ in $(seq 1 3000); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$sim_pid" 2>/dev/null && fail "nicsim did not stop within 300 s of SIGTERM"
wait "$sim_pid" || rc=$?
sim_pid=""
cat "$work/nicsim.log"
[ "$rc" -eq 0 ] || fail "nicsim exited with $rc"
python3 - "$work/report.json" "$engine" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
engine = sys.argv[2]
def need(cond, what):
    if not cond:
        sys.exit("report: " + what)
need(r["passed"], "the run did not pass")
need(r["host"]["flows_installed"] >= 4, "fewer than 4 flows installed by the host")
for v in ("1", "2"):
    need(r["vnic_ports"][v]["in"] > 0 and r["vnic_ports"][v]["out"] > 0, "VNIC %s's port idle" % v)
need(r["counters"]["loopback"] > 1000, "the A <-> B transfer did not use the loopback path")
need(r["counters"]["out_wire"] > 0 and r["wire_frames_in"] > 0, "nothing crossed the wire")
if engine == "rtl":
    need(r["scoreboard"]["ran"] and r["scoreboard"]["mismatches"] == 0, "scoreboard mismatches")
    need(r["scoreboard"]["compared"] > 1000, "the scoreboard compared too little")
print("report: passed; %d flows installed, %d loopback frames, %d cycles, %.0f cycles/s"
      % (r["host"]["flows_installed"], r["counters"]["loopback"], r["cycles"], r["cycles_per_s"]))
PY
echo "tap_namespaces_test: PASS"
