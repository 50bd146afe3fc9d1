#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The synthesis suite's shards (scripts/synth.sh --suite K/N, ctest rtl_synth_1 and _2): run
# with a stand-in for synth-block.sh that only prints what it was asked to synthesize, the
# two shards together run every entry of the whole suite exactly once, each with its LUT-level
# bound, their announced seconds differ by at most the longest entry, and a bad K/N is refused.
# A deal that lost or repeated a block would otherwise pass unnoticed (the block is just not
# synthesized).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$root/scripts/synth.sh" "$tmp/synth.sh"
cat > "$tmp/synth-block.sh" <<'STUB'
#!/usr/bin/env bash
echo "RUN $* bound=${SYNTH_MAX_LUT_LEVELS:-none}"
STUB
fail() { echo "synth_shard_test: $*" >&2; exit 1; }

bash "$tmp/synth.sh" --suite > "$tmp/all.txt"
bash "$tmp/synth.sh" --suite 1/2 > "$tmp/s1.txt"
bash "$tmp/synth.sh" --suite 2/2 > "$tmp/s2.txt"
grep '^RUN ' "$tmp/all.txt" | sort > "$tmp/all.runs"
cat "$tmp/s1.txt" "$tmp/s2.txt" | grep '^RUN ' | sort > "$tmp/both.runs"
n_all=$(wc -l < "$tmp/all.runs")
[[ $n_all -ge 10 ]] || fail "the whole suite ran only $n_all entries"
diff "$tmp/all.runs" "$tmp/both.runs" > /dev/null ||
  fail "the two shards do not run the suite's entries exactly once: $(diff "$tmp/all.runs" "$tmp/both.runs" | head -5)"
! grep -q 'bound=none' "$tmp/all.runs" || fail "an entry has no LUT-level bound"
[[ $(grep -c '^RUN ' "$tmp/s1.txt") -ge 1 && $(grep -c '^RUN ' "$tmp/s2.txt") -ge 1 ]] ||
  fail "a shard is empty"
# The announced loads (about S s) differ by at most the longest entry's seconds.
l1=$(sed -n 's/^synth.sh: shard 1\/2: .* about \([0-9]*\) s$/\1/p' "$tmp/s1.txt")
l2=$(sed -n 's/^synth.sh: shard 2\/2: .* about \([0-9]*\) s$/\1/p' "$tmp/s2.txt")
max=$(grep -o 'secs=[0-9]*' "$tmp/synth.sh" | cut -d= -f2 | sort -n | tail -1)
[[ -n "$l1" && -n "$l2" && -n "$max" ]] || fail "no shard loads announced"
d=$(( l1 > l2 ? l1 - l2 : l2 - l1 ))
(( d <= max )) || fail "shards of $l1 s and $l2 s differ by more than the longest entry ($max s)"
for bad in 0/2 3/2 x; do
  if bash "$tmp/synth.sh" --suite "$bad" > /dev/null 2>&1; then fail "shard '$bad' accepted"; fi
done
echo "synth_shard_test: $n_all entries, shards of $l1 s and $l2 s"
