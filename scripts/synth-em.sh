#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Block-level synthesis check of the exact-match table (scripts/synth-block.sh em_table at the
# given EM_BUCKETS), failing if the table is not mapped to RAM cells (block or ultra RAM;
# small tables go to distributed RAM). Not in the test suite: the 64K-entry configuration
# takes about 16 minutes.
#
# usage: scripts/synth-em.sh [EM_BUCKETS ...]   (default: 8192, the 64K-entry configuration)
#   env: SYNTH_OUT=DIR keeps the Yosys logs there (default: a temp dir)
set -uo pipefail

sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(8192)
status=0
for b in "${sizes[@]}"; do
  report="$(bash "$(dirname "${BASH_SOURCE[0]}")/synth-block.sh" em_table EM_BUCKETS="$b")" ||
    status=1
  echo "$report"
  if ! grep -qE '^synth_(bram36|uram|lutram) [1-9]' <<< "$report"; then
    echo "synth-em.sh: EM_BUCKETS=$b: the table is not in RAM cells" >&2
    status=1
  fi
done
exit $status
