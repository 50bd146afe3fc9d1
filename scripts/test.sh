#!/usr/bin/env bash
# Installs everything, builds, and runs the whole test suite (ctest: GoogleTest
# benches, RTL lint, Yosys synthesis, CLI end-to-end tests). This is what CI runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j"${NICSIM_JOBS:-2}" --timeout 900 "$@"
