#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lint rtl/ with Verilator (--lint-only -Wall, top nic_top) for every supported DATA_W.
# Waivers live in rtl/lint_waivers.vlt, each with its reason. Exits non-zero on any
# warning or error.
#
# usage: scripts/lint.sh [DATA_W ...]        (default: 64 512)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"  # RTL_DIR: lint/synthesize another copy (script tests)
VERILATOR="${VERILATOR:-verilator}"

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(64 512)

# Package first, then every other module (one module per file).
sources=("$RTL/nic_pkg.sv")
while IFS= read -r f; do
  [[ "$f" == "$RTL/nic_pkg.sv" ]] || sources+=("$f")
done < <(find "$RTL" -maxdepth 1 -name '*.sv' | sort)

status=0
for w in "${widths[@]}"; do
  if "$VERILATOR" --lint-only -Wall --top-module nic_top -GDATA_W="$w" \
      "$RTL/lint_waivers.vlt" "${sources[@]}"; then
    echo "lint DATA_W=$w: clean"
  else
    echo "lint DATA_W=$w: FAILED" >&2
    status=1
  fi
done
exit $status
