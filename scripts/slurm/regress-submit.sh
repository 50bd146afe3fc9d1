#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A regression suite on a Slurm cluster (docs/regress.md, "On a Slurm cluster"): submits a job
# array of N shards (scripts/slurm/regress.sbatch shard: `nicsim regress --shard I/N`, each into
# OUT/shard-I) and a merge job that starts when the array has ended, however it ended
# (--dependency=afterany; regress.sbatch merge: `nicsim regress --merge`, one junit.xml,
# summary.json and report.html in OUT, a run no shard has a result for is an error). Slurm's
# logs go to OUT/slurm/. The build (the nicsim binary), the suite with its captures and OUT
# must be on a filesystem every node sees, at the same path.
#
# usage: scripts/slurm/regress-submit.sh [OPTION...] SUITE
#   -n, --shards N          array tasks, one shard each (default 4)
#   -p, --partition P       partition of both jobs (default: the cluster's default)
#   -t, --time T            time limit per shard, sbatch syntax (default 01:00:00)
#   -c, --cpus-per-task C   CPUs per shard = its runs at a time (default 2)
#       --merge-time T      time limit of the merge job (default 00:15:00)
#       --nicsim BIN        the nicsim binary (default: build/bin/nicsim of this checkout)
#       --out DIR           output directory (default ./regress-SUITE-NAME)
#       --tasks LIST        only these array tasks (e.g. 2,5): rerun shards that died
#                           (with the same --shards as the first submission)
#       --only GLOB         only the runs whose id matches (both jobs); repeatable
#       --fst-window N      rtl runs: the waveform window (both jobs)
#       --rerun-all         shards run again the runs that passed before
#       --sbatch-arg ARG    an sbatch option for both jobs (e.g. --account=nic); repeatable
#       --wait              wait for the merge job; exit with its status (0: no run failed)
# Without --wait: prints the job ids and exits 0 once submitted. Submitting again with the same
# --out resumes: each shard skips the runs that passed with the same inputs before.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/scripts/slurm"

die() {
  echo "regress-submit.sh: $*" >&2
  exit 2
}
usage() {
  sed -n '/^# usage:/,/^# Without/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

shards=4 partition="" time_limit=01:00:00 cpus=2 merge_time=00:15:00
nicsim="$root/build/bin/nicsim" out="" tasks="" wait=0 suite=""
both=() only=() shard_only=() sbatch_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n | --shards) shards="${2:?}"; shift 2 ;;
    -p | --partition) partition="${2:?}"; shift 2 ;;
    -t | --time) time_limit="${2:?}"; shift 2 ;;
    -c | --cpus-per-task) cpus="${2:?}"; shift 2 ;;
    --merge-time) merge_time="${2:?}"; shift 2 ;;
    --nicsim) nicsim="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --tasks) tasks="${2:?}"; shift 2 ;;
    --only) both+=("$1" "${2:?}"); only+=("$1" "$2"); shift 2 ;;
    --fst-window) both+=("$1" "${2:?}"); shift 2 ;;
    --rerun-all) shard_only+=(--rerun-all); shift ;;
    --sbatch-arg) sbatch_args+=("${2:?}"); shift 2 ;;
    --wait) wait=1; shift ;;
    -h | --help) usage ;;
    -*) die "unknown option $1 (--help lists them)" ;;
    *) [[ -z "$suite" ]] || die "one suite file, got $suite and $1"; suite="$1"; shift ;;
  esac
done
[[ -n "$suite" ]] || usage
[[ -f "$suite" ]] || die "$suite: no such suite file"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards: a positive number, got '$shards'"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus-per-task: a positive number, got '$cpus'"
[[ -z "$tasks" || "$tasks" =~ ^[0-9,-]+$ ]] || die "--tasks: a list of task ids like 2,5-7"
[[ -x "$nicsim" ]] || die "$nicsim: no nicsim binary (build it, or --nicsim BIN)"
command -v sbatch >/dev/null || die "no sbatch on PATH (slurm-client; scripts/install-deps.sh)"

suite="$(realpath "$suite")"
nicsim="$(realpath "$nicsim")"
# The run list now, so a bad suite file or --only fails here rather than in every shard.
"$nicsim" regress "$suite" --list "${only[@]}" >/dev/null ||
  die "$suite: no run list (the error above)"
name="$(basename "$suite" .yaml)"
out="$(realpath -m "${out:-regress-$name}")"
mkdir -p "$out/slurm"
# OUT/shard-I of another N holds other runs: the merge would see runs twice or not at all.
if [[ -f "$out/slurm/shards" && "$(cat "$out/slurm/shards")" != "$shards" ]]; then
  die "$out was split into $(cat "$out/slurm/shards") shards, not $shards: give" \
    "--shards $(cat "$out/slurm/shards") or another --out"
fi
echo "$shards" >"$out/slurm/shards"

common=(--parsable "${sbatch_args[@]}")
[[ -z "$partition" ]] || common+=(--partition="$partition")
array_job="$(sbatch "${common[@]}" --job-name="nicsim-$name" --array="${tasks:-1-$shards}" \
  --cpus-per-task="$cpus" --ntasks=1 --time="$time_limit" \
  --output="$out/slurm/shard-%A_%a.log" \
  "$here/regress.sbatch" shard "$nicsim" "$suite" "$out" "$shards" "${both[@]}" "${shard_only[@]}")"
array_job="${array_job%%;*}"  # --parsable: ID or ID;CLUSTER
echo "regress-submit.sh: shards: job array $array_job (tasks ${tasks:-1-$shards} of $shards)," \
  "logs $out/slurm/shard-${array_job}_*.log"

merge=(sbatch "${common[@]}" --job-name="nicsim-$name-merge" --dependency="afterany:$array_job"
  --cpus-per-task=1 --ntasks=1 --time="$merge_time" --output="$out/slurm/merge-%j.log")
merge_args=("$here/regress.sbatch" merge "$nicsim" "$suite" "$out" "$shards" "${both[@]}")
echo "$array_job" >"$out/slurm/array.jobid"
if [[ $wait -eq 0 ]]; then
  merge_job="$("${merge[@]}" "${merge_args[@]}")"
  merge_job="${merge_job%%;*}"
  echo "$merge_job" >"$out/slurm/merge.jobid"
  echo "regress-submit.sh: merge: job $merge_job (after the array), log" \
    "$out/slurm/merge-$merge_job.log; reports $out/junit.xml, summary.json, report.html"
  exit 0
fi
# sbatch --wait prints the id when the job ends; the log names it.
echo "regress-submit.sh: merge job submitted after the array; waiting for it"
status=0
merge_job="$("${merge[@]}" --wait "${merge_args[@]}")" || status=$?
merge_job="${merge_job%%;*}"
echo "$merge_job" >"$out/slurm/merge.jobid"
log="$out/slurm/merge-$merge_job.log"
if [[ -f "$log" ]]; then grep -E '^(regression|reports|regress\.sbatch):' "$log" || true; fi
echo "regress-submit.sh: merge job $merge_job ended with status $status; log $log"
exit "$status"
