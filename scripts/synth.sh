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
#        scripts/synth.sh --suite        the test suite's pass (ctest rtl_synth): the blocks of
#                                        the host interface, the pipeline glue, the
#                                        receive classifier's sum trees, the library's
#                                        arbiter and popcount (rtl/lib), one AES round
#                                        (a stage of aes128_pipe), the action engine
#                                        (action_edit), tx_engine and rx_engine, synthesized
#                                        one by one at DATA_W=64 (every other module is
#                                        elaborated by rtl_yosys_elab; the big blocks and
#                                        nic_top are synthesized by hand, figures in
#                                        docs/synthesis.md); each block's LUT levels are
#                                        bounded (`levels<=N` in its entry below, the depth
#                                        it had when the bound was set): a block whose
#                                        logic depth grows past its bound fails the pass
#   env: SYNTH_OUT=DIR keeps the Yosys logs and JSON netlists there (default: a temp dir)
set -uo pipefail

here="$(dirname "${BASH_SOURCE[0]}")"
status=0
if [[ "${1:-}" == "--suite" ]]; then
  blocks=(
    "dma_mux DATA_W=64 levels<=8"
    "axi_dma DATA_W=64 levels<=10"
    "nic_mgmt levels<=7"
    "fcmd_engine DATA_W=64 levels<=7"
    "ingress_arb DATA_W=64 levels<=4"
    "action_edit DATA_W=64 levels<=8"
    # 9 LUT levels by hand, 10 in the suite with rx_engine's later change and nothing changed
    # in tx_engine (ABC, as aes128_round below): the anti-spoof verdict into its counter.
    "tx_engine DATA_W=64 levels<=10"
    "rx_engine DATA_W=64 levels<=11"
    # One engine and one VNIC (2.5 CPU minutes): the walk and the capture are what is deep;
    # more engines and VNICs add copies and a wider RSS table mux (10 levels at 2 and 4 too).
    "rx_classify DATA_W=64 ENGINES=1 NUM_VNIC=1 levels<=10"
    "meter_bank NUM_METERS=64 levels<=8"
    "axis_fifo WIDTH=73 DEPTH=512 levels<=4"
    "sync_fifo levels<=2"
    "add_tree N=128 W=16 OUT_W=24 levels<=7"
    "rss_toeplitz levels<=4"
    "crc32_key levels<=3"
    "rr_arb N=16 levels<=4"
    "popcount N=64 levels<=4"
    # 2 LUT levels (1,519 LUTs) until the link-status registers were added, 3 (1,171) since,
    # with no change to the block: ABC maps it either way depending on the files read before
    # it (rtl/sources.f). An 8-input S-box then the MixColumns XOR is 3 levels of LUT6.
    "aes128_round levels<=3"
  )
  for b in "${blocks[@]}"; do
    echo "== $b"
    bound=""
    if [[ "$b" =~ ^(.*)\ levels\<=([0-9]+)$ ]]; then
      b="${BASH_REMATCH[1]}"
      bound="${BASH_REMATCH[2]}"
    fi
    # shellcheck disable=SC2086
    SYNTH_MAX_LUT_LEVELS="$bound" bash "$here/synth-block.sh" $b || status=1
  done
  exit $status
fi

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(512)
for w in "${widths[@]}"; do
  bash "$here/synth-block.sh" nic_top DATA_W="$w" || status=1
done
exit $status
