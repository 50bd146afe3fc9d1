#!/usr/bin/env bash
# Regenerates the synthetic regression traces in traces/ with `nicsim gen`. The output is
# deterministic (seeded, platform-independent), so running this again changes nothing
# unless the generator changed; then refresh traces/expected with update-expected.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nicsim="${NICSIM_BUILD_DIR:-$root/build}/bin/nicsim"
t="$root/traces"
# Every header kind, IMIX sizes, 5% malformed or truncated frames.
"$nicsim" gen -o "$t/gen__all-kinds-imix.pcap" --seed 2026 -n 400 --flows 64 --sizes imix \
  --kinds all --malformed 0.05
# Jumbo and full-size frames with VLAN stacks and tunnels.
"$nicsim" gen -o "$t/gen__tunnels-jumbo.pcap" --seed 77 -n 24 --flows 8 --sizes 9000 \
  --kinds vlan,qinq,vxlan,nvgre,geneve,gre,ipv6,tcp,udp
# The traffic of one VM for the virtual switch's scenario (traces/scenarios/vswitch.yaml): from
# VM 1 (its MAC and address) to its gateway's MAC, towards eight peers of its VNET.
"$nicsim" gen -o "$t/scenarios/vswitch/vm1-tenant.pcap" --seed 12 -n 400 --flows 64 \
  --sizes imix --kinds ipv4,tcp,udp --src-mac 02:00:00:00:00:11 --dst-mac 02:00:00:00:00:01 \
  --src-ip 10.1.0.100/32 --dst-ip 10.1.0.0/29
