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
