#!/usr/bin/env bash
# Installs everything, builds, and runs the main job: the regression over the
# bundled traces (traces/suites/bundled.yaml, docs/regress.md). Prints a table, writes
# build/regress/bundled/{junit.xml,summary.json,report.html} and exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" --target nicsim
exec "$root/scripts/regress.sh" "$@"
