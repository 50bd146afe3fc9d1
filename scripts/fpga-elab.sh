#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The board top's checks (fpga/README.md "In the test suite"), for ctest fpga_elab:
#   lint   Verilator 5.006 --lint-only -Wall of nic_board_u250 at its default parameters: the
#          files of rtl/sources.f, then those of fpga/sources.f (the vendor IP as black
#          boxes); waivers in rtl/lint_waivers.vlt and fpga/lint_waivers.vlt, with reasons;
#   synth  Yosys 0.23 synthesis of nic_board_u250 by scripts/synth-block.sh (synth_xilinx
#          for UltraScale+, flattened, its warning waivers and resource report) with nic_top
#          kept as a black-box cell of its real port list (nic_top's own synthesis is
#          scripts/synth.sh's; with it, even at small tables, Yosys takes over 40 minutes):
#          the board's FIFOs, synchronizers and glue, and every connection to
#          nic_top's and the vendor IP's ports, in about a minute. Each black box (vendor IP
#          and nic_top) must be in the netlist, so a dropped instance fails the check.
#   synth-full  the same with nic_top synthesized too, at small tables (FPGA_ELAB_PARAMS):
#          by hand, not in the suite (how long it takes: fpga/README.md).
# Exits non-zero on any lint warning, Yosys error or unwaived warning, or a missing black box.
#
# usage: scripts/fpga-elab.sh [lint|synth|synth-full]   (default: lint and synth)
#   env: SYNTH_OUT=DIR keeps the Yosys log and netlist (scripts/synth-block.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"
FPGA="$ROOT/fpga"
VERILATOR="${VERILATOR:-verilator}"
TOP=nic_board_u250
# synth-full: nic_top at the smallest tables its blocks accept; the board's logic at its sizes.
FPGA_ELAB_PARAMS=(NUM_VNIC=1 NUM_RXQ=1 NUM_TXQ=1 EM_BUCKETS=16 TCAM_ENTRIES=16 NUM_METERS=8
                  NUM_ENCAP=8 RD_FIFO_DEPTH=16)
# The vendor IP (fpga/ip/, `// vendor` in fpga/sources.f) the netlist must keep as cells.
BLACK_BOXES=(xdma_0 cmac_usplus_0 clk_wiz_0 axi_cc_dma axi_cc_ctl axi_dwc_ctl axi_pc_ctl)

what="${1:-all}"
[[ "$what" =~ ^(all|lint|synth|synth-full)$ ]] || {
  echo "usage: $0 [lint|synth|synth-full]" >&2; exit 2; }

# fpga/sources.f: one path per line relative to fpga/, `//` comments. A line marked `unisim`
# stands in for a Xilinx primitive: read by Verilator only (Yosys's synth_xilinx has its own).
fpga_sources=()
fpga_unisim=()
while IFS= read -r line || [[ -n "$line" ]]; do
  comment=""
  [[ "$line" == *//* ]] && comment="${line#*//}"
  read -r path <<< "${line%%//*}" || true
  [[ -z "$path" ]] && continue
  [[ -f "$FPGA/$path" ]] || { echo "fpga-elab: fpga/sources.f: no fpga/$path" >&2; exit 1; }
  if [[ "$comment" =~ ^[[:space:]]*unisim ]]; then
    fpga_unisim+=("$FPGA/$path")
  else
    fpga_sources+=("$FPGA/$path")
  fi
done < "$FPGA/sources.f"
missing=()
while IFS= read -r f; do
  case " ${fpga_sources[*]} ${fpga_unisim[*]} " in
    *" $f "*) ;;
    *) missing+=("${f#"$ROOT"/}") ;;
  esac
done < <(find "$FPGA" -name '*.sv' -not -path "$FPGA/sim/*" | sort)  # sim/: Verilator models only
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "fpga-elab: not in fpga/sources.f: ${missing[*]}" >&2
  exit 1
fi

status=0
if [[ "$what" == all || "$what" == lint ]]; then
  gen_dir="$(mktemp -d)"
  trap 'rm -rf "$gen_dir"' EXIT
  # shellcheck source=rtl-sources.sh
  source "$ROOT/scripts/rtl-sources.sh"
  rtl_sources "$gen_dir" || { echo "fpga-elab: no source list" >&2; exit 1; }
  if "$VERILATOR" --lint-only -Wall --top-module "$TOP" "$RTL/lint_waivers.vlt" \
      "$FPGA/lint_waivers.vlt" "${sources[@]}" "${fpga_unisim[@]}" "${fpga_sources[@]}"; then
    echo "lint $TOP: clean"
  else
    echo "lint $TOP: FAILED" >&2
    status=1
  fi
fi

if [[ "$what" != lint ]]; then
  out="${SYNTH_OUT:-}"
  if [[ -z "$out" ]]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out" "${gen_dir:-}"' EXIT
  fi
  params=()
  keep=(nic_top)
  if [[ "$what" == synth-full ]]; then
    params=("${FPGA_ELAB_PARAMS[@]}")
    keep=()
  fi
  if SYNTH_OUT="$out" SYNTH_EXTRA_SOURCES="${fpga_sources[*]}" SYNTH_BLACKBOX="${keep[*]}" \
      bash "$ROOT/scripts/synth-block.sh" "$TOP" "${params[@]}"; then
    tag="$TOP"
    for p in "${params[@]}"; do tag+="_${p%%=*}${p#*=}"; done
    for bb in "${BLACK_BOXES[@]}" "${keep[@]}"; do
      if ! grep -qE "^ +$bb +[0-9]+$" "$out/stat_$tag.txt"; then
        echo "fpga-elab: black box $bb is not in the netlist of $TOP" >&2
        status=1
      fi
    done
    [[ $status -eq 0 ]] && echo "synth $TOP: clean (black boxes: ${BLACK_BOXES[*]} ${keep[*]})"
  else
    echo "synth $TOP: FAILED" >&2
    status=1
  fi
fi
exit $status
