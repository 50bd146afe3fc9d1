#!/usr/bin/env bash
# Configures and builds everything into build/ (or $NICSIM_BUILD_DIR) with -j2.
#   scripts/build.sh [--pgo] [cmake --build options, e.g. --target nicsim]
# --pgo: the Verilated NIC (sim/'s nicsim_nic_rtl_w64/_w512, what `nicsim run` and the rtl_top
# bench simulate) compiled with GCC's profile-guided optimization, in two builds: instrumented
# (NICSIM_PGO=generate), a training run (the rtl_top bench's differential tests: the NIC at
# both widths against the golden model, ~30 s), then with the profiles (NICSIM_PGO=use, kept in
# the build directory's cache for later builds). About 20 % more cycles per second, at the
# price of a second build of the NIC (docs/perf-rtl.md, step 8). Best in a build directory of
# its own: NICSIM_BUILD_DIR=build-pgo scripts/build.sh --pgo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
jobs="${NICSIM_JOBS:-2}"
configure() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${NICSIM_BUILD_TYPE:-RelWithDebInfo}" "$@" \
    >/dev/null
}
if [[ "${1:-}" == "--pgo" ]]; then
  shift
  profiles="$build/pgo"
  rm -rf "$profiles"
  echo "build.sh: --pgo: the instrumented NIC and the training run" >&2
  configure -DNICSIM_PGO=generate -DNICSIM_PGO_DIR="$profiles"
  cmake --build "$build" -j"$jobs" --target rtl_top_test
  "$build/bin/rtl_top_test" --gtest_filter='RtlTop.Differential*' >&2
  if ! compgen -G "$profiles/*.gcda" >/dev/null; then
    echo "build.sh: --pgo: the training run wrote no profile to $profiles" >&2
    exit 1
  fi
  echo "build.sh: --pgo: the NIC compiled with the profiles" >&2
  configure -DNICSIM_PGO=use -DNICSIM_PGO_DIR="$profiles"
else
  configure
fi
cmake --build "$build" -j"$jobs" "$@"
