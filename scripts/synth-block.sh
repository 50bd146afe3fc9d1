#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Synthesize a top of rtl/ with Yosys for a Xilinx UltraScale+ part and print the resource
# report as `NAME VALUE UNIT` lines: synth_luts, synth_ffs, synth_bram36, synth_uram,
# synth_dsp (synth_srl, synth_lutram when present), synth_lut_levels, synth_logic_levels.
# The one synthesis recipe of the project: scripts/synth.sh (nic_top per DATA_W) and
# scripts/synth-em.sh (the exact-match table) call it.
#
# usage: scripts/synth-block.sh TOP [NAME=VALUE ...]   (e.g. `scripts/synth-block.sh tcam
#        TCAM_ENTRIES=64`, `scripts/synth-block.sh nic_top DATA_W=512`)
#   env: SYNTH_OUT=DIR keeps the Yosys log and JSON netlist there (default: a temp dir)
#        SYNTH_PATH=1 also prints the deepest path, cell by cell with its RTL source lines
#        SYNTH_MAX_LUT_LEVELS=N fails when the LUT levels exceed N (and prints the path)
#        SYNTH_EXTRA_SOURCES="FILE ..." also reads these files, after rtl/'s: a top outside
#          rtl/ (the board top of fpga/, scripts/fpga-elab.sh)
#        SYNTH_BLACKBOX="MODULE ..." keeps these modules as black-box cells (their ports
#          only): a top around a block synthesized on its own (nic_top in the board top)
#        SYNTH_HIER=1 synthesizes without -flatten and prints Yosys' resource count per module
#          (where the LUTs go) instead of the report (no depth: paths cross the modules)
#
# Flow: `read_verilog -defer -sv -DNICSIM_XILINX_URAM` of the files of rtl/sources.f in order
# (packages first; the generated ones freshly generated from rtl/regs.yaml; the define makes
# sdp_ram build its deep memories from URAM288_BASE, docs/rtl.md), `hierarchy -top TOP
# -chparam NAME VALUE ...`, `synth_xilinx -family xcup -top TOP -flatten -noiopad -noclkbuf`.
# -defer parses only: the hierarchy elaborates TOP and what it instantiates, nothing else
# (elaborating all of rtl/ at its defaults took 25 of a small block's ~40 s); with
# SYNTH_BLACKBOX the sources are elaborated as read, so that `blackbox` finds the modules.
# The top is a core that drops into an FPGA shell, so no I/O or clock buffers are inserted,
# and the design is flattened so the path analysis sees one netlist.
#
# Report and logic depth: scripts/synth-report.py on the netlist (write_json); it can be run
# again by hand on a kept netlist. Yosys has no timing model for Xilinx cells, so it walks the
# mapped netlist for the longest combinational path between sequential cells and core ports:
#   synth_lut_levels   = most LUTs (LUT1..LUT6, INV) on one path; CARRY/MUXF cells count 0
#   synth_logic_levels = most LUT + CARRY + MUXF cells on one path (Vivado's "logic levels")
#
# Exits non-zero if Yosys fails, if it prints any warning not waived below, or if a figure
# cannot be computed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTL="${RTL_DIR:-$ROOT/rtl}"  # RTL_DIR: lint/synthesize another copy (script tests)
YOSYS="${YOSYS:-yosys}"

# Waived warnings: an extended regex per line, each with its reason.
WAIVERS=(
  # ABC is handed the purely combinational logic between flip-flops (Yosys keeps the FFs),
  # and says so; it is a note about ABC's input, not about the design.
  'ABC: Warning: The network is combinational'
  # memory_libmap narrows a block RAM's data ports to the bits the memory uses (one line per
  # RAMB cell, thousands for the 64K-entry table); the RAM is mapped as intended.
  'Warning: Resizing cell port .*RAMB(18|36)E2'
  # The same warning as Yosys 0.23 prints it, `module.cell.PORT` with the cell named after
  # the memory (e.g. `meter_bank.u_st_ram.mem.0.0.DINADIN`): matched by the RAMB18E2/RAMB36E2
  # address and data port names only, so a resized port of any other cell still fails.
  'Warning: Resizing cell port [^ ]+\.(ADDRARDADDR|ADDRBWRADDR|DINADIN|DINBDIN|DINPADINP|DINPBDINP|DOUTADOUT|DOUTBDOUT|DOUTPADOUTP|DOUTPBDOUTP|WEA|WEBWE) from [0-9]+ bits to [0-9]+ bits\.$'
)

[[ $# -ge 1 ]] || { echo "usage: $0 TOP [NAME=VALUE ...]" >&2; exit 2; }
top="$1"
shift
params=("$@")
tag="$top"
label="$top"
chparams=""
for p in "${params[@]}"; do
  [[ "$p" == *=* ]] || { echo "synth-block.sh: parameter '$p' is not NAME=VALUE" >&2; exit 2; }
  chparams+=" -chparam ${p%%=*} ${p#*=}"
  tag+="_${p%%=*}${p#*=}"
  label+=" $p"
done

# The source list: rtl/sources.f, with the generated files (nic_regs_pkg, nic_regfile from
# $RTL/regs.yaml) generated into a temp dir (this script runs outside CMake) and read from
# there (scripts/rtl-sources.sh).
gen_dir="$(mktemp -d)"
trap 'rm -rf "$gen_dir"' EXIT
# shellcheck source=rtl-sources.sh
source "$ROOT/scripts/rtl-sources.sh"
rtl_sources "$gen_dir" || { echo "synth-block.sh: no source list" >&2; exit 1; }
# shellcheck disable=SC2206  # a list of paths without spaces
[[ -n "${SYNTH_EXTRA_SOURCES:-}" ]] && sources+=(${SYNTH_EXTRA_SOURCES})
top_found=""
for f in "${sources[@]}"; do
  if [[ "$(rtl_module "$f")" == "$top" ]]; then top_found=1; fi
done
[[ -n "$top_found" ]] || {
  echo "synth-block.sh: no module $top in $RTL/sources.f${SYNTH_EXTRA_SOURCES:+ or extras}" >&2
  exit 2
}

out="${SYNTH_OUT:-}"
keep_hint=""
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out" "$gen_dir"' EXIT
  keep_hint=" (set SYNTH_OUT=DIR to keep the Yosys log)"
fi
mkdir -p "$out"

defer="-defer"
[[ -n "${SYNTH_BLACKBOX:-}" ]] && defer=""
flatten="-flatten"
[[ -n "${SYNTH_HIER:-}" ]] && flatten=""
status=0
for w in "$tag"; do
  log="$out/synth_$w.log"
  json="$out/synth_$w.json"
  if ! "$YOSYS" -q -l "$log" -p "
      read_verilog $defer -sv -DNICSIM_XILINX_URAM ${sources[*]}
      ${SYNTH_BLACKBOX:+blackbox $SYNTH_BLACKBOX}
      hierarchy -top $top$chparams
      synth_xilinx -family xcup -top $top $flatten -noiopad -noclkbuf
      tee -o $out/stat_$w.txt stat
      write_json $json" > /dev/null 2>&1; then
    echo "synth-block.sh: Yosys failed for $w$keep_hint" >&2
    grep -E 'ERROR' "$log" >&2 || tail -20 "$log" >&2
    status=1
    continue
  fi

  warnings="$(grep -E '(^|ABC: )Warning:' "$log" || true)"
  for waiver in "${WAIVERS[@]}"; do
    warnings="$(grep -vE "$waiver" <<< "$warnings" || true)"
  done
  if [[ -n "$warnings" ]]; then
    echo "synth-block.sh: Yosys warnings for $w$keep_hint:" >&2
    sort -u <<< "$warnings" >&2
    status=1
  fi

  if [[ -n "${SYNTH_HIER:-}" ]]; then
    # Per module: its name, then its cells by type (each instance counted in its parent's
    # "cells" once more as one cell; the flat total is the top's "design hierarchy" section).
    grep -E "^=== |^ +Number of cells|^ +(LUT[1-6]|MUXF[789]|CARRY[48]|FD[A-Z]+|RAM[0-9A-Z]+|SRL[0-9A-Z]+) +[0-9]+$" \
      "$out/stat_$w.txt"
    continue
  fi
  if ! python3 "$ROOT/scripts/synth-report.py" "$json" "$label" "$top" ${SYNTH_PATH:+--path} \
      ${SYNTH_MAX_LUT_LEVELS:+--max-lut-levels="$SYNTH_MAX_LUT_LEVELS"}
  then
    echo "synth-block.sh: no report for $w, or its logic depth is over the bound" >&2
    status=1
  fi
done
exit $status
