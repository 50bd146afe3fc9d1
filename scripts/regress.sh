#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The regression: `nicsim regress` on a suite of traces/suites/ (docs/regress.md). bundled.yaml:
# every capture through the Verilated NIC (nic_top in the SystemC system, the driver and host
# program on the SystemC host, the golden model as scoreboard) at DATA_W 64 and 512, under the
# named scenarios of traces/scenarios/ (hairpin, the default: the NIC as a bump in the wire,
# also through DPDK; vnics-rss; actions; miss-install; flow-actions), with the known limits of
# traces/suites/known-limits.yaml. A run passes when it completes with zero scoreboard
# mismatches, a balanced ledger and the scenario's expectations met. Prints a line per run as it
# ends, then a table (frames, mismatches, exceptions, drops by reason, cycles/s, result) and a
# summary; writes junit.xml, summary.json and report.html into build/regress/SUITE/; exits
# non-zero on any failure. A rerun skips the runs that passed with the same inputs.
#
# usage: scripts/regress.sh [-j N] [--quick] [--rerun-all] [TRACE...]
#   --quick: the test suite's share (traces/suites/quick.yaml; ctest regression_bundled_traces,
#   a few minutes): every capture once through the default scenario at DATA_W=64, and every
#   scenario, port and width on three representative captures. TRACE: only the runs of these
#   captures of the suite. scripts/main.sh runs the whole regression.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
jobs="${NICSIM_JOBS:-2}"
suite=bundled
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    --quick) suite=quick; shift ;;
    --rerun-all) args+=(--rerun-all); shift ;;
    *) break ;;
  esac
done
for t in "$@"; do
  [[ -f "$t" ]] || { echo "regress.sh: no such capture: $t" >&2; exit 2; }
  name="$(basename "$t")"
  args+=(--only "${name%.*}.*")
done
exec "$build/bin/nicsim" regress "$root/traces/suites/$suite.yaml" -j "$jobs" \
  --out "$build/regress/$suite" "${args[@]}"
