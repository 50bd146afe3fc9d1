#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Yosys synthesis (synth_xilinx, UltraScale+) with the resource report as `NAME VALUE UNIT`
# lines (synth_luts, synth_ffs, synth_bram36, synth_uram, synth_dsp, synth_lut_levels,
# synth_logic_levels). The flow, the waived Yosys warnings and the logic-depth measure are
# those of scripts/synth-block.sh.
#
# usage: scripts/synth.sh [DATA_W ...]   nic_top, the whole NIC, per DATA_W (default 512) with
#                                        its default tables (64K EM entries): by hand, it takes
#                                        over an hour of CPU (docs/synthesis.md)
#        scripts/synth.sh --suite        the test suite's pass (ctest rtl_synth_*): the blocks of
#                                        the host interface, the pipeline glue, the
#                                        receive classifier's sum trees, the library's
#                                        arbiter and popcount (rtl/lib), one AES round
#                                        (a stage of aes128_pipe), the action engine
#                                        (action_edit), tx_engine, rx_engine and the TCAM
#                                        (16 rules), synthesized
#                                        one by one at DATA_W=64 (every other module is
#                                        elaborated by rtl_yosys_elab; the big blocks and
#                                        nic_top are synthesized by hand, figures in
#                                        docs/synthesis.md); each block's LUT levels are
#                                        bounded (`levels<=N` in its entry below, the depth
#                                        it had when the bound was set): a block whose
#                                        logic depth grows past its bound fails the pass
#        scripts/synth.sh --suite K/N    shard K (1..N) of that pass: the entries dealt out
#                                        longest first (`secs=S`, each entry's measured
#                                        seconds) to the shard with the least so far, so the
#                                        N shards (ctest rtl_synth_1, rtl_synth_2) take
#                                        about equal time on N cores
#   env: SYNTH_OUT=DIR keeps the Yosys logs and JSON netlists there (default: a temp dir)
set -uo pipefail

here="$(dirname "${BASH_SOURCE[0]}")"
status=0
if [[ "${1:-}" == "--suite" ]]; then
  # Each entry: TOP [NAME=VALUE ...] levels<=N secs=S, S the seconds it took on one core
  # (Yosys 0.23, this VM, 2026-12-06, synth-block.sh reading rtl/ with -defer: 11 minutes for
  # the suite, 21 when every block elaborated all of rtl/ first).
  blocks=(
    "dma_mux DATA_W=64 levels<=8 secs=16"
    "axi_dma DATA_W=64 levels<=10 secs=18"
    "nic_mgmt levels<=7 secs=19"
    "fcmd_engine DATA_W=64 levels<=7 secs=37"
    # 4 LUT levels until synth-block.sh read rtl/ with -defer, 5 since, the block unchanged
    # (ABC's mapping): rr_arb's grant, the granted beat's tkeep popcount, the length check, tlast.
    "ingress_arb DATA_W=64 levels<=5 secs=12"
    "action_edit DATA_W=64 levels<=8 secs=42"
    # 9 LUT levels by hand, 10 in the suite with rx_engine's later change and nothing changed
    # in tx_engine (ABC, as aes128_round below): the anti-spoof verdict into its counter.
    "tx_engine DATA_W=64 levels<=10 secs=38"
    "rx_engine DATA_W=64 levels<=10 secs=160"
    # One engine and one VNIC (2.5 CPU minutes): the walk and the capture are what is deep;
    # more engines and VNICs add copies and a wider RSS table mux (10 levels at 2 and 4 too).
    "rx_classify DATA_W=64 ENGINES=1 NUM_VNIC=1 levels<=10 secs=130"
    "meter_bank NUM_METERS=64 levels<=8 secs=15"
    # One parser engine (docs/rtl-parser.md, Timing): the cursor view, a header's length
    # into the cursor; the checks from registers a clock later (16 levels before 2026-12-07,
    # 12 with errors acted on a clock later, 10 with the checks made a clock later).
    "parser_engine levels<=10 secs=40"
    # The LUTRAM TCAM (docs/rtl-tcam.md): 4 LUT levels at 16 rules, 5 at 64 (the command's
    # op decode; the match is a LUTRAM read and a 75-input AND).
    "tcam TCAM_ENTRIES=16 levels<=5 secs=38"
    "axis_fifo WIDTH=73 DEPTH=512 levels<=4 secs=11"
    "sync_fifo levels<=2 secs=12"
    "add_tree N=128 W=16 OUT_W=24 levels<=7 secs=22"
    "rss_toeplitz levels<=4 secs=36"
    "crc32_key levels<=3 secs=20"
    "rr_arb N=16 levels<=4 secs=19"
    "popcount N=64 levels<=4 secs=11"
    # 2 LUT levels (1,519 LUTs) until the link-status registers were added, 3 (1,171) since,
    # with no change to the block: ABC maps it either way depending on the files read before
    # it (rtl/sources.f); 2 again since synth-block.sh reads with -defer. An 8-input S-box then
    # the MixColumns XOR is 3 levels of LUT6.
    "aes128_round levels<=3 secs=20"
  )
  shard="${2:-1/1}"
  [[ "$shard" =~ ^([0-9]+)/([0-9]+)$ ]] && (( BASH_REMATCH[1] >= 1 &&
      BASH_REMATCH[1] <= BASH_REMATCH[2] )) || {
    echo "synth.sh: shard '$shard' is not K/N with 1 <= K <= N" >&2; exit 2; }
  k="${BASH_REMATCH[1]}"
  n="${BASH_REMATCH[2]}"
  # Deal the entries out longest first, each to the shard with the least seconds so far
  # (ties to the lowest shard): every shard computes the same deal and keeps its own.
  mapfile -t order < <(for i in "${!blocks[@]}"; do
    [[ "${blocks[$i]}" =~ \ secs=([0-9]+)$ ]] || {
      echo "synth.sh: entry '${blocks[$i]}' has no secs=S" >&2; exit 2; }
    echo "${BASH_REMATCH[1]} $i"
  done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
  [[ ${#order[@]} -eq ${#blocks[@]} ]] || exit 2
  load=()
  for ((j = 1; j <= n; j++)); do load[j]=0; done
  mine=()
  for i in "${order[@]}"; do
    [[ "${blocks[$i]}" =~ \ secs=([0-9]+)$ ]]
    best=1
    for ((j = 2; j <= n; j++)); do (( load[j] < load[best] )) && best=$j; done
    (( load[best] += BASH_REMATCH[1] ))
    (( best == k )) && mine+=("$i")
  done
  echo "synth.sh: shard $k/$n: ${#mine[@]} of ${#blocks[@]} blocks, about ${load[k]} s"
  for i in "${mine[@]}"; do
    b="${blocks[$i]% secs=*}"
    echo "== $b"
    bound=""
    if [[ "$b" =~ ^(.*)\ levels\<=([0-9]+)$ ]]; then
      b="${BASH_REMATCH[1]}"
      bound="${BASH_REMATCH[2]}"
    fi
    t0=$SECONDS
    # shellcheck disable=SC2086
    SYNTH_MAX_LUT_LEVELS="$bound" bash "$here/synth-block.sh" $b || status=1
    echo "synth_seconds $((SECONDS - t0)) s"
  done
  exit $status
fi

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(512)
for w in "${widths[@]}"; do
  bash "$here/synth-block.sh" nic_top DATA_W="$w" || status=1
done
exit $status
