#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The memory wrapper (rtl/lib/sdp_ram.sv) on UltraScale+ through the project's synthesis
# recipe (scripts/synth-block.sh, which defines NICSIM_XILINX_URAM): a memory 4096 words deep
# or deeper is URAM288_BASE primitives (160 x 8192: 3 columns by 2 rows, 6 URAMs, no block
# RAM; the only LUTs the read row's mux), a shallower one is left to block RAM (160 x 2048:
# no URAM). Fails if either report differs, or if the report cannot name the top (Yosys
# elaborates a top with a library cell under its derived name; scripts/synth-report.py).
#
# usage: uram_synth_test.sh ROOT
set -uo pipefail
root="${1:?usage: $0 ROOT}"
status=0

check() {  # check "REPORT" NAME OP VALUE
  local v
  v="$(awk -v n="$2" '$1 == n { print $2 }' <<< "$1")"
  if [[ -z "$v" ]] || ! (( v $3 $4 )); then
    echo "FAIL: $2 is '${v}', expected $3 $4" >&2
    status=1
  else
    echo "ok: $2 = $v ($3 $4)"
  fi
}

deep="$(bash "$root/scripts/synth-block.sh" sdp_ram WIDTH=160 DEPTH=8192)" || status=1
echo "$deep"
check "$deep" synth_uram == 6
check "$deep" synth_bram36 == 0
check "$deep" synth_luts "<=" 200
check "$deep" synth_lut_levels "<=" 1

shallow="$(bash "$root/scripts/synth-block.sh" sdp_ram WIDTH=160 DEPTH=2048)" || status=1
echo "$shallow"
check "$shallow" synth_uram == 0
check "$shallow" synth_bram36 ">=" 1

exit $status
