#!/usr/bin/env bash
# RTL coverage from the regression (docs/coverage.md): builds `nicsim` with the Verilated NIC
# instrumented for coverage in a build directory of its own, runs a suite through
# `nicsim regress --coverage` (every rtl run writes its coverage data), merges the runs' data
# and reports rtl/'s coverage per module, the lines not hit and genhtml's HTML page
# (scripts/coverage-report.py). The last line printed is `rtl_line_coverage_pct VALUE`.
#
# usage: scripts/coverage.sh [-j N] [--toggle] [--rerun-all] [--report-only] [SUITE]
#   SUITE: a suite file, or a name in traces/suites/ (default: coverage, the suite that reaches
#     the most of the RTL in about ten minutes on one core; quick and bundled also work).
#   -j N: builds and runs at a time (default $NICSIM_JOBS or 1).
#   --toggle: toggle coverage as well (another build directory: every Verilated block again,
#     and slower runs; docs/coverage.md has what it costs).
#   --rerun-all: run every run again (otherwise a run that passed with the same inputs, the
#     same binary included, keeps its coverage data from before: `nicsim regress` resuming).
#   --report-only: build and run nothing; report the data of the last run of SUITE.
# Build directory: $NICSIM_COV_BUILD_DIR, default build-cov (build-cov-toggle with --toggle).
# Outputs in BUILD/coverage/SUITE/: regress/ (the regression: junit.xml, summary.json,
# report.html with coverage per block, runs/ID/coverage.dat), merged.dat, line.info,
# toggle.info, html/index.html, modules.txt, uncovered.txt, summary.json.
# Exit status: 1 when a run failed (the coverage is reported all the same) or a step failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${NICSIM_JOBS:-1}"
toggle=0
report_only=0
regress_args=()
suite=coverage
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    --toggle) toggle=1; shift ;;
    --rerun-all) regress_args+=(--rerun-all); shift ;;
    --report-only) report_only=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) suite="$1"; shift ;;
  esac
done
if [[ -f "$suite" ]]; then
  suite_file="$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")"
elif [[ -f "$root/traces/suites/$suite.yaml" ]]; then
  suite_file="$root/traces/suites/$suite.yaml"
else
  echo "coverage.sh: no suite file $suite (nor traces/suites/$suite.yaml)" >&2
  exit 2
fi
name="$(basename "$suite_file" .yaml)"

vargs="--coverage-line --coverage-user"
build="${NICSIM_COV_BUILD_DIR:-$root/build-cov}"
if [[ $toggle -eq 1 ]]; then
  vargs="$vargs --coverage-toggle"
  build="${NICSIM_COV_BUILD_DIR:-$root/build-cov-toggle}"
fi
out="$build/coverage/$name"
mkdir -p "$out"

rc=0
if [[ $report_only -eq 0 ]]; then
  echo "coverage.sh: configuring $build (Verilator $vargs)" >&2
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${NICSIM_BUILD_TYPE:-RelWithDebInfo}" \
    -DNICSIM_VERILATOR_ARGS="$vargs" >/dev/null
  echo "coverage.sh: building nicsim (-j$jobs)" >&2
  cmake --build "$build" --target nicsim -j"$jobs" >&2
  echo "coverage.sh: running $suite_file" >&2
  "$build/bin/nicsim" regress "$suite_file" --coverage -j "$jobs" --out "$out/regress" \
    --no-html "${regress_args[@]}" >&2 || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "coverage.sh: the regression had failures (status $rc); reporting the coverage of" \
      "every run all the same" >&2
  fi
fi
[[ -d "$out/regress/runs" ]] || { echo "coverage.sh: no runs in $out/regress" >&2; exit 1; }

# rtl/ only: not the bench's monitors (sim/rtl), not the generated packages (their functions
# are the formats' field accessors, every line a one-liner the generator writes); the
# generated register file is rtl/nic_regfile.sv.
gen="$build/generated/rtl"
python3 "$root/scripts/coverage-report.py" --out "$out" --root "$root" \
  --include "$root/rtl" --include "$gen" --alias "$gen=$root/rtl" \
  --exclude 'nic_regs_pkg.sv' --exclude 'nic_fmt_pkg.sv' "$out/regress/runs"
# The regression's report again, with coverage per block (scripts/regress-report.py reads
# coverage.json beside it).
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s["html"]="../html/index.html"
json.dump(s, open(sys.argv[2], "w"), indent=1)' "$out/summary.json" "$out/regress/coverage.json"
/usr/bin/python3 "$root/scripts/regress-report.py" "$out/regress" >&2 ||
  echo "coverage.sh: no report.html (scripts/regress-report.py failed)" >&2
exit "$rc"
