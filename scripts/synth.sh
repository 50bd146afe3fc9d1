#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Synthesize nic_top with Yosys for a Xilinx UltraScale+ part, once per DATA_W, and print the
# resource report as `NAME VALUE UNIT` lines (synth_luts, synth_ffs, synth_bram36, synth_uram,
# synth_dsp, synth_lut_levels, synth_logic_levels). The flow, the waived Yosys warnings and
# the logic-depth measure are those of scripts/synth-block.sh. Runs in the test suite
# (ctest rtl_synth); exits non-zero if any width fails.
#
# usage: scripts/synth.sh [DATA_W ...]        (default: 512; e.g. `scripts/synth.sh 64 512`)
#   env: SYNTH_OUT=DIR keeps the Yosys logs and JSON netlists there (default: a temp dir)
set -uo pipefail

widths=("$@")
[[ ${#widths[@]} -eq 0 ]] && widths=(512)
status=0
for w in "${widths[@]}"; do
  bash "$(dirname "${BASH_SOURCE[0]}")/synth-block.sh" nic_top DATA_W="$w" || status=1
done
exit $status
