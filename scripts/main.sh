#!/usr/bin/env bash
# Installs everything, builds, and runs the main job: the regression over the
# bundled traces (traces/). Prints a table and exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" --target nicsim
exec "$root/scripts/regress.sh" "$@"
