#!/usr/bin/env bash
# Regenerates traces/expected/<capture>.jsonl from `nicsim parse` for every capture in
# traces/. The result must be reviewed (git diff) before it is committed: the CLI tests
# compare against these files. scripts/review-parse.py cross-checks them with tshark.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nicsim="${NICSIM_BUILD_DIR:-$root/build}/bin/nicsim"
mkdir -p "$root/traces/expected"
for t in "$root"/traces/*.pcap "$root"/traces/*.pcapng; do
  name="$(basename "$t")"
  "$nicsim" parse "$t" >"$root/traces/expected/$name.jsonl"
done
ls "$root/traces/expected" | wc -l
