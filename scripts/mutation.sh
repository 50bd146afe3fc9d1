#!/usr/bin/env bash
# Mutation score of the regression (docs/mutation.md): how many small changes of rtl/ the
# regression's mutation subset (traces/suites/mutation.yaml) notices.
#
#  1. Yosys elaborates nic_top at the co-simulation's parameters and DATA_W=64, samples N
#     mutations spread over its modules and source lines (`mutate -list N -seed S`: a bit of a
#     cell's port inverted, stuck at 0 or 1, or replaced by its XOR with another bit of the same
#     signal) and puts them all into one netlist, mutant ID active when `mutsel` equals ID
#     (`mutate -ctrl mutsel 16 ID ...`), a drop-in nic_top (scripts/mutation-netlist.py).
#  2. `nicsim` is built in a build directory of its own with that netlist as the DATA_W=64 NIC
#     (cmake -DNICSIM_NIC_NETLIST_W64=...): one build for every mutant.
#  3. Mutant 0 (none) runs the whole subset and must pass: the netlist without mutants is the
#     RTL as Yosys reads it, and a failure there says Yosys and Verilator read the RTL
#     differently (or the subset fails on this tree); nothing is scored then.
#  4. Every mutant runs the subset's runs in order (NICSIM_MUTANT=ID) until one fails: killed
#     (a mismatch with the golden model, an unbalanced ledger, a protocol checker, a crash, or
#     no end within --timeout seconds); survived when every run passes. A mutant that step 1
#     found unobservable (no path from its mutated bit to any output of nic_top, in the
#     flattened netlist: equivalent by structure) is not run and not scored, unless
#     --run-unobservable.
#  5. scripts/mutation-report.py: the score per module and per kind, every survivor with its
#     source line; the last line printed is `rtl_mutation_score_pct VALUE`.
#
# usage: scripts/mutation.sh [-j N] [--sample N] [--seed S] [--suite SUITE] [--timeout SEC]
#                            [--rerun-all] [--report-only] [--run-unobservable]
#   -j N: mutants at a time (default $NICSIM_JOBS or 1); the build uses N jobs too.
#   --sample N: mutants (default 300; at least 200 for the figure docs/mutation.md gives).
#   --seed S: Yosys' sampling seed (default 1): the same seed and tree give the same mutants.
#   --suite SUITE: the subset (a file, or a name in traces/suites/; default mutation).
#   --timeout SEC: wall-clock bound of one mutant's run (default 300); over it: killed.
#   --rerun-all: run every mutant again (otherwise a mutant with a result for the same nicsim
#     binary, subset and --timeout keeps it: an interrupted campaign resumes).
#   --report-only: build and run nothing; report the results there are.
#   --run-unobservable: run the unobservable mutants too (a check of the structural analysis:
#     the report fails when one of them is killed).
#   --keep LIST: modules kept as RTL in the netlist, without mutants (comma-separated leaves;
#     default crc32_key,tcam,nic_regfile,rss_toeplitz,add_tree: their netlists are bit-level
#     concatenations that Verilate ~50x slower than their RTL, docs/mutation.md; "" for none).
#   --equiv: check the survivors formally afterwards (scripts/mutation-equiv.py: does the
#     mutant change its module's ports within 20 cycles of reset?), shown in the report.
# Build directory: $NICSIM_MUT_BUILD_DIR, default build-mut. Outputs in BUILD/mutation/:
#   netlist/ (mutations.ys: the sample as Yosys' commands; mutants.v; key: what it was made
#   from), mutants/ID/ (result, the regression's output), report/ (summary.json, mutants.tsv,
#   survivors.txt).
# Exit status: 0 when the campaign ran (whatever the score), 1 when mutant 0 fails or a step
# fails, 2 on a bad option.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${NICSIM_JOBS:-1}"
sample=300
seed=1
suite=mutation
timeout_s=300
rerun_all=0
report_only=0
equiv=0
run_unobs=0
keep=crc32_key,tcam,nic_regfile,rss_toeplitz,add_tree
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) jobs="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --suite) suite="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --rerun-all) rerun_all=1; shift ;;
    --report-only) report_only=1; shift ;;
    --equiv) equiv=1; shift ;;
    --run-unobservable) run_unobs=1; shift ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "mutation.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for v in "$jobs" "$sample" "$seed" "$timeout_s"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "mutation.sh: not a number: $v" >&2; exit 2; }
done
if [[ $sample -lt 1 || $sample -gt 65535 ]]; then
  echo "mutation.sh: --sample must be 1..65535" >&2
  exit 2
fi
if [[ -f "$suite" ]]; then
  suite_file="$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")"
elif [[ -f "$root/traces/suites/$suite.yaml" ]]; then
  suite_file="$root/traces/suites/$suite.yaml"
else
  echo "mutation.sh: no suite file $suite (nor traces/suites/$suite.yaml)" >&2
  exit 2
fi

build="${NICSIM_MUT_BUILD_DIR:-$root/build-mut}"
out="$build/mutation"
net="$out/netlist"
nicsim="$build/bin/nicsim"
mkdir -p "$net" "$out/mutants"

if [[ $report_only -eq 0 ]]; then
  # --- 1. the netlist ------------------------------------------------------------------------
  if [[ ! -f "$build/nic_rtl_params.txt" ]]; then
    echo "mutation.sh: configuring $build" >&2
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${NICSIM_BUILD_TYPE:-RelWithDebInfo}" \
      -DNICSIM_NIC_NETLIST_W64= >/dev/null
  fi
  read -r -a params < "$build/nic_rtl_params.txt"
  gen="$(mktemp -d)"
  trap 'rm -rf "$gen"' EXIT
  RTL="$root/rtl" ROOT="$root"
  # shellcheck source=rtl-sources.sh
  source "$root/scripts/rtl-sources.sh"
  rtl_sources "$gen" || { echo "mutation.sh: no source list" >&2; exit 1; }
  key="$( { echo "sample=$sample seed=$seed params=${params[*]} keep=$keep"; yosys -V
            cat "${sources[@]}" "$root/scripts/mutation-netlist.py"; } | sha256sum | cut -c1-16)"
  if [[ ! -f "$net/mutants.v" || "$(cat "$net/key" 2>/dev/null)" != "$key" ]]; then
    echo "mutation.sh: Yosys: nic_top at DATA_W=64 ${params[*]}, $sample mutants (seed $seed)," \
      "kept as RTL: ${keep:-none}" >&2
    rm -f "$net/key" "$net/mutants.v"
    pargs=(--param DATA_W=64)
    for p in "${params[@]}"; do pargs+=(--param "$p"); done
    IFS=, read -r -a kept <<< "$keep"
    for k in "${kept[@]}"; do pargs+=(--keep "$k"); done
    python3 "$root/scripts/mutation-netlist.py" --top nic_top --top-sv "$root/rtl/nic_top.sv" \
      "${pargs[@]}" --sample "$sample" --seed "$seed" --out "$net" \
      --rel "$gen=rtl" --rel "$root=" "${sources[@]}" > /dev/null
    echo "$key" > "$net/key"
  fi

  # --- 2. the build --------------------------------------------------------------------------
  echo "mutation.sh: building nicsim with the mutants' netlist in $build (-j$jobs)" >&2
  cmake -S "$root" -B "$build" -DNICSIM_NIC_NETLIST_W64="$net/mutants.v" >/dev/null
  cmake --build "$build" --target nicsim -j"$jobs" >&2

  # --- 3 and 4. the runs ---------------------------------------------------------------------
  mapfile -t run_ids < <("$nicsim" regress "$suite_file" --list | awk '{ print $1 }')
  [[ ${#run_ids[@]} -gt 0 ]] || { echo "mutation.sh: $suite_file lists no runs" >&2; exit 1; }
  # A result is kept only for the same binary, subset (the suite file's text) and time bound.
  binhash="$( { sha256sum < "$nicsim"; sha256sum < "$suite_file"; echo "timeout=$timeout_s"; } |
              sha256sum | cut -c1-16)"
  run_mutant() {  # ID: runs until the first failure; writes mutants/ID/result
    local id="$1" d="$out/mutants/$1" r s msg
    if [[ $run_unobs -eq 0 && "$id" != 0 ]] && grep -qx "$id" "$net/unobservable"; then
      rm -rf "$d"
      mkdir -p "$d"
      printf '%s\nunobservable\t\tno path from the mutated bit to an output of nic_top\n' \
        "$binhash" > "$d/result"
      return 0
    fi
    if [[ $rerun_all -eq 0 && -f "$d/result" && "$(sed -n 1p "$d/result")" == "$binhash" &&
          "$(sed -n 2p "$d/result" | cut -f1)" != unobservable ]]; then
      return 0
    fi
    rm -rf "$d"
    mkdir -p "$d"
    for r in "${run_ids[@]}"; do
      s=0
      # SIGKILL to the whole process group: the regression and its `nicsim run` children (a run
      # takes SIGTERM as "stop taking input and drain", which a mutant that keeps the NIC busy
      # never finishes; timeout returns when the regression exits, before its -k would fire).
      NICSIM_MUTANT="$id" timeout -s KILL "$timeout_s" "$nicsim" regress "$suite_file" \
        --only "$r" --out "$d/regress" --no-html --fst-window 0 -j 1 > "$d/last.log" 2>&1 || s=$?
      if [[ $s -ne 0 ]]; then
        if [[ $s -eq 124 || $s -eq 137 ]]; then
          msg="no end within ${timeout_s} s"
        else
          msg="$(grep -m1 '^\[1/1\] FAIL' "$d/last.log" | sed 's/^\[1\/1\] FAIL *[^:]*: //; s/; [0-9]* failed, .*//')"
          [[ -n "$msg" ]] || msg="nicsim regress exit status $s"
        fi
        printf '%s\nkilled\t%s\t%s\n' "$binhash" "$r" "$msg" > "$d/result"
        return 0
      fi
    done
    printf '%s\nsurvived\t\t\n' "$binhash" > "$d/result"
  }
  export -f run_mutant
  export out net binhash rerun_all run_unobs suite_file nicsim timeout_s

  echo "mutation.sh: mutant 0 (none) through ${#run_ids[@]} runs of $suite_file" >&2
  run_ids_decl="$(declare -p run_ids)"
  export run_ids_decl
  bash -c 'eval "$run_ids_decl"; run_mutant 0'
  if [[ "$(sed -n 2p "$out/mutants/0/result" | cut -f1)" != survived ]]; then
    echo "mutation.sh: the netlist without mutants fails the suite:" \
      "$(sed -n 2p "$out/mutants/0/result" | cut -f2-) (log: $out/mutants/0/last.log)" >&2
    exit 1
  fi
  echo "mutation.sh: $sample mutants ($(grep -c . "$net/unobservable" || true) of them" \
    "unobservable$([[ $run_unobs -eq 1 ]] && echo ', run too' || echo ', not run')), $jobs at a time" >&2
  seq 1 "$sample" | xargs -P "$jobs" -I{} bash -c 'eval "$run_ids_decl"; run_mutant {}; \
    printf "mutant {}: %s\n" "$(sed -n 2p "$out/mutants/{}/result" | cut -f1,2)" >&2'
fi

# --- 5. the report -----------------------------------------------------------------------------
if [[ $equiv -eq 1 ]]; then
  python3 "$root/scripts/mutation-report.py" --quiet "$out" > /dev/null
  echo "mutation.sh: checking the survivors formally (scripts/mutation-equiv.py)" >&2
  python3 "$root/scripts/mutation-equiv.py" "$out" -j "$jobs" >&2
fi
python3 "$root/scripts/mutation-report.py" "$out"
