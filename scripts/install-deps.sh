#!/usr/bin/env bash
# Installs every Debian package nicsim needs to build, test, simulate and synthesize.
# Idempotent: when everything is already installed it changes nothing and touches no
# network. Runs as root, or through sudo when not root. Debian starts a package's daemon when it
# installs it; the Slurm and munge daemons are not wanted running (ctest slurm_array starts its
# own with its own configuration, docs/regress.md), so while installing, a policy-rc.d that
# refuses every start is put in place when there is none (removed afterwards).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git python3 python3-yaml
  verilator            # RTL -> C++/SystemC, and lint
  yosys                # synthesis checks (synth_xilinx)
  libsystemc-dev       # Accellera SystemC 2.3
  libpcap-dev          # pcap/pcapng wire ports
  libdpdk-dev dpdk     # DPDK ethdev wire port (net_pcap PMD)
  libgtest-dev libgmock-dev
  nlohmann-json3-dev   # JSON reports and per-packet logs
  libcli11-dev         # command line
  libspdlog-dev libfmt-dev  # logging
  libyaml-cpp-dev      # scenario files
  libsqlite3-dev       # the VNIC manager's permissions database (host/vnic)
  libssl-dev           # OpenSSL's libcrypto: AES/CMAC reference of the token bench (rtl_token)
  python3-matplotlib   # the regression's HTML report (scripts/regress-report.py)
  lcov                 # genhtml: the RTL coverage page (scripts/coverage.sh)
  iproute2 iputils-ping curl  # the kernel-stack test: namespaces, TAP devices, ping, HTTP
  slurmctld slurmd slurm-client munge  # the regression as a Slurm job array (scripts/slurm/)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# scripts/install-deps.sh: no daemon starts while it installs\nexit 101\n' |
    $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
