#!/usr/bin/env bash
# Configures and builds everything into build/ (or $NICSIM_BUILD_DIR) with -j2.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
jobs="${NICSIM_JOBS:-2}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${NICSIM_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" -j"$jobs" "$@"
