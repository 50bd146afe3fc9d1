#!/usr/bin/env bash
# RTL coverage from the regression (docs/coverage.md): builds `nicsim` with the Verilated NIC
# instrumented for coverage in a build directory of its own, runs a suite through
# `nicsim regress --coverage` (every rtl run writes its coverage data), merges the runs' data
# and reports rtl/'s coverage per module, the lines not hit and genhtml's HTML page
# (scripts/coverage-report.py). The last line printed is `rtl_line_coverage_pct VALUE`.
#
# usage: scripts/coverage.sh [-j N] [--toggle] [--rerun-all] [--report-only] [SUITE...]
#   SUITE: a suite file, or a name in traces/suites/; the coverage of all of them is merged
#     (default: quick and coverage, the regression's quick share and the runs that reach the
#     RTL it leaves out; bundled also works).
#   -j N: builds and runs at a time (default $NICSIM_JOBS or 1).
#   --toggle: toggle coverage as well (another build directory: every Verilated block again,
#     and slower runs; docs/coverage.md has what it costs).
#   --rerun-all: run every run again (otherwise a run that passed with the same inputs, the
#     same binary included, keeps its coverage data from before: `nicsim regress` resuming).
#   --report-only: build and run nothing; report the data of the last run of SUITE.
# Build directory: $NICSIM_COV_BUILD_DIR, default build-cov (build-cov-toggle with --toggle).
# Outputs in BUILD/coverage/: regress/SUITE/ (each suite's regression: junit.xml,
# summary.json, report.html with coverage per block, runs/ID/coverage.dat) and report/ (the
# merged coverage: merged.dat, line.info, toggle.info, html/index.html, modules.txt,
# uncovered.txt, summary.json).
# Exit status: 1 when a run failed (the coverage is reported all the same) or a step failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${NICSIM_JOBS:-1}"
toggle=0
report_only=0
regress_args=()
suites=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    --toggle) toggle=1; shift ;;
    --rerun-all) regress_args+=(--rerun-all); shift ;;
    --report-only) report_only=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    *) suites+=("$1"); shift ;;
  esac
done
[[ ${#suites[@]} -gt 0 ]] || suites=(quick coverage)
suite_files=()
for suite in "${suites[@]}"; do
  if [[ -f "$suite" ]]; then
    suite_files+=("$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")")
  elif [[ -f "$root/traces/suites/$suite.yaml" ]]; then
    suite_files+=("$root/traces/suites/$suite.yaml")
  else
    echo "coverage.sh: no suite file $suite (nor traces/suites/$suite.yaml)" >&2
    exit 2
  fi
done

vargs="--coverage-line --coverage-user"
build="${NICSIM_COV_BUILD_DIR:-$root/build-cov}"
if [[ $toggle -eq 1 ]]; then
  vargs="$vargs --coverage-toggle"
  build="${NICSIM_COV_BUILD_DIR:-$root/build-cov-toggle}"
fi
out="$build/coverage"
mkdir -p "$out/regress"

rc=0
if [[ $report_only -eq 0 ]]; then
  echo "coverage.sh: configuring $build (Verilator $vargs)" >&2
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${NICSIM_BUILD_TYPE:-RelWithDebInfo}" \
    -DNICSIM_VERILATOR_ARGS="$vargs" >/dev/null
  echo "coverage.sh: building nicsim (-j$jobs)" >&2
  cmake --build "$build" --target nicsim -j"$jobs" >&2
  for f in "${suite_files[@]}"; do
    echo "coverage.sh: running $f" >&2
    s=0
    "$build/bin/nicsim" regress "$f" --coverage -j "$jobs" \
      --out "$out/regress/$(basename "$f" .yaml)" --no-html "${regress_args[@]}" >&2 || s=$?
    if [[ $s -ne 0 ]]; then
      rc=$s
      echo "coverage.sh: $f had failures (status $s); reporting the coverage of every run" \
        "all the same" >&2
    fi
  done
fi
runs=()
for f in "${suite_files[@]}"; do
  d="$out/regress/$(basename "$f" .yaml)"
  [[ -d "$d/runs" ]] || { echo "coverage.sh: no runs in $d" >&2; exit 1; }
  runs+=("$d/runs")
done

# rtl/ only: not the bench's monitors (sim/rtl), not the generated packages (their functions
# are the formats' field accessors, every line a one-liner the generator writes); the
# generated register file is rtl/nic_regfile.sv.
gen="$build/generated/rtl"
rm -rf "$out/report"
python3 "$root/scripts/coverage-report.py" --out "$out/report" --root "$root" \
  --include "$root/rtl" --include "$gen" --alias "$gen=$root/rtl" \
  --exclude 'nic_regs_pkg.sv' --exclude 'nic_fmt_pkg.sv' "${runs[@]}"
# Each regression's report again, with coverage per block (scripts/regress-report.py reads
# coverage.json beside it: the merged coverage of all the suites).
for r in "${runs[@]}"; do
  d="$(dirname "$r")"
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))
s["html"]="../../report/html/index.html"; json.dump(s, open(sys.argv[2], "w"), indent=1)' \
    "$out/report/summary.json" "$d/coverage.json"
  /usr/bin/python3 "$root/scripts/regress-report.py" "$d" >&2 ||
    echo "coverage.sh: no $d/report.html (scripts/regress-report.py failed)" >&2
done
exit "$rc"
