#!/usr/bin/env bash
# Runs the project's benchmarks and prints one line per figure: `NAME VALUE UNIT`.
#   scripts/bench.sh            every figure
#   scripts/bench.sh PREFIX     only the figures whose names start with PREFIX
# Builds what it needs (Release-like RelWithDebInfo, -j2) into build/ first.
# Progress and tool output go to stderr; stdout carries only the figures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NICSIM_BUILD_DIR:-$root/build}"
prefix="${1:-}"
work="$build/bench"
mkdir -p "$work"

# wants NAME...: true if any of the figures NAME... is selected by PREFIX
wants() { local n; for n in "$@"; do [[ "$n" == "$prefix"* ]] && return 0; done; return 1; }
# figure NAME VALUE UNIT: print it if selected
figure() { [[ "$1" == "$prefix"* ]] && printf '%s %s %s\n' "$1" "$2" "$3"; return 0; }
# json FILE EXPR: a value from a JSON report
json() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

nicsim="$build/bin/nicsim"

# --- the co-simulation: nic_top (Verilated, DATA_W=512, 250 MHz) in the SystemC system, the
# driver and host program on the SystemC host. cosim_cycles_per_s / cosim_frames_per_s: the
# default scenario (the NIC as a bump in the wire), 64-byte frames back to back, with and
# without the scoreboard (_noscb); model_engine_frames_per_s: the same frames on the golden
# model engine (`--engine model`, driver and host program included). ---
if wants cosim_cycles_per_s cosim_frames_per_s cosim_cycles_per_s_noscb \
    cosim_frames_per_s_noscb model_engine_frames_per_s host_mmio_read_ns; then
  "$root/scripts/build.sh" --target nicsim >&2
  frames="${NICSIM_BENCH_FRAMES:-50000}"
  "$nicsim" gen -o "$work/c64.pcap" --seed 7 -n "$frames" --flows 1024 --sizes 64 \
    --kinds udp >&2
  "$nicsim" run --wire-in "$work/c64.pcap" --data-width 512 --report "$work/c64.json" >&2
  figure cosim_cycles_per_s "$(json "$work/c64.json" 'round(r["cycles_per_s"])')" cycles/s
  figure cosim_frames_per_s "$(json "$work/c64.json" 'round(r["frames_per_s"])')" frames/s
  "$nicsim" run --wire-in "$work/c64.pcap" --data-width 512 --no-scoreboard \
    --report "$work/c64n.json" >&2
  figure cosim_cycles_per_s_noscb "$(json "$work/c64n.json" 'round(r["cycles_per_s"])')" cycles/s
  figure cosim_frames_per_s_noscb "$(json "$work/c64n.json" 'round(r["frames_per_s"])')" frames/s
  "$nicsim" run --wire-in "$work/c64.pcap" --engine model --report "$work/c64m.json" >&2
  figure model_engine_frames_per_s "$(json "$work/c64m.json" 'round(r["frames_per_s"])')" frames/s
  # host_mmio_read_ns: the mean register read the driver saw (the link's modelled round trip
  # plus the NIC's AXI4-Lite response), over the run above.
  figure host_mmio_read_ns "$(json "$work/c64.json" 'round(r["host"]["mmio_read_ns"], 1)')" ns
fi

# --- cosim_rx_gbps_256: 256-byte IPv4 frames from the wire to VNIC 1 (vnics-rss.yaml with one
# receive queue per VNIC, DATA_W=512), goodput counted at the driver's poll: frame bytes
# received, from the start of the traffic to the poll that took the last frame (simulated time).
# _rss4: the scenario as it is, RSS over four queues (the receive engine's descriptor cache
# serves one ring at a time: docs/rtl-rx.md). ---
if wants cosim_rx_gbps_256 cosim_rx_gbps_256_rss4; then
  "$root/scripts/build.sh" --target nicsim >&2
  frames="${NICSIM_BENCH_FRAMES:-50000}"
  "$nicsim" gen -o "$work/c256.pcap" --seed 8 -n "$((frames / 2))" --flows 1024 --sizes 256 \
    --kinds udp >&2
  sed -e 's/count: 4/count: 1/; s/rss: {enable: true}/rss: {enable: false}/' \
    -e 's/^name: .*/name: vnics-one-queue/' -e "s|pcap: \.\./|pcap: $root/traces/|" \
    "$root/traces/scenarios/vnics-rss.yaml" >"$work/vnics-one-queue.yaml"
  "$nicsim" run --scenario "$work/vnics-one-queue.yaml" --wire-in "$work/c256.pcap" \
    --data-width 512 --report "$work/c256.json" >&2
  figure cosim_rx_gbps_256 "$(json "$work/c256.json" 'round(r["host"]["rx_gbps"], 2)')" Gbit/s
  "$nicsim" run --scenario "$root/traces/scenarios/vnics-rss.yaml" --wire-in "$work/c256.pcap" \
    --data-width 512 --report "$work/c256r.json" >&2
  figure cosim_rx_gbps_256_rss4 "$(json "$work/c256r.json" 'round(r["host"]["rx_gbps"], 2)')" Gbit/s
fi

# --- golden model alone: >= 1M generated frames over 10K installed flows, one core ---
if wants model_frames_per_s model_burst_frames_per_s; then
  "$root/scripts/build.sh" --target model_bench >&2
  "$build/bin/model_bench" | while read -r name value unit; do figure "$name" "$value" "$unit"; done
fi

# --- driver flow inserts on the model backend (flow-command ring and register path); the
# register accesses to read the counters of 4096 offloaded flows, by FlowTable::query flow by
# flow and by query_bulk (the ring's EM_ACTIVITY) ---
if wants driver_flow_inserts_per_s driver_flow_inserts_regs_per_s \
    driver_activity_mmio_query_4096 driver_activity_mmio_bulk_4096; then
  "$root/scripts/build.sh" --target driver_bench >&2
  "$build/bin/driver_bench" | while read -r name value unit; do figure "$name" "$value" "$unit"; done
fi

# --- cosim_activity_query_us / cosim_activity_bulk_us: the simulated host time to read the
# counters of 400 offloaded flows in the co-simulation (DATA_W=64, 512-entry table), by
# FlowTable::query flow by flow and by query_bulk (EM_ACTIVITY; testbenches/host/
# activity_bench.cpp) ---
if wants cosim_activity_query_us cosim_activity_bulk_us; then
  "$root/scripts/build.sh" --target activity_bench >&2
  "$build/bin/activity_bench" | while read -r name value unit; do figure "$name" "$value" "$unit"; done
fi

# --- the virtual switch on the model backend (testbenches/vswitch/vswitch_bench.cpp: what each
# figure counts; docs/vswitch.md, "Figures") ---
if wants vswitch_flow_setups_per_s vswitch_sw_fastpath_pps vswitch_policy_update_ms \
    vswitch_bytes_per_flow vswitch_bytes_per_route vswitch_bytes_per_mapping; then
  "$root/scripts/build.sh" --target vswitch_bench >&2
  "$build/bin/vswitch_bench" 1 "$prefix" | while read -r name value unit; do
    figure "$name" "$value" "$unit"
  done
fi

# --- nic_top (rtl/nic_top.sv, Verilated, the whole NIC through its external interfaces):
# DATA_W=512 at 250 MHz nominal, host memory (AxiMem) read latency 100 clocks, write latency 50,
# no stalls. rx_gbps_*: wire -> one VNIC receive queue, frames back to back, goodput (frame
# bytes) from the first wire beat to the last completion in host memory; tx_gbps_*: the
# host's transmit queue -> wire, from the doorbell to the last wire beat; rx_latency_clocks:
# one 64-byte frame, first wire beat to its completion in host memory;
# flow_cmd_inserts_per_sim_s: 400 EM inserts through the flow-command ring, doorbell to the
# last status (simulated seconds at 250 MHz); flow_activity_entries_per_sim_s: then one
# EM_ACTIVITY command over the 512 handles of the table, doorbell to its status;
# wire_clocks_per_frame_64(_during_activity): 1000 64-byte frames wire to wire (a TCAM rule),
# clocks per frame, alone and while EM_ACTIVITY scans run (they hold the table's lookups);
# rtl_top_cycles_per_s_512 / _64: simulation speed, 4000 IMIX frames wire -> VNIC back to back,
# NIC clocks per second of the bench thread's CPU time (harness included; docs/perf-rtl.md). ---
top_figures=()
for s in 64 128 256 512 1518 imix; do top_figures+=("rx_gbps_$s" "tx_gbps_$s"); done
if wants "${top_figures[@]}" rx_latency_clocks flow_cmd_inserts_per_sim_s \
    flow_activity_entries_per_sim_s wire_clocks_per_frame_64 \
    wire_clocks_per_frame_64_during_activity rtl_top_cycles_per_s_512 rtl_top_cycles_per_s_64; then
  "$root/scripts/build.sh" --target rtl_top_test >&2
  "$build/bin/rtl_top_test" --gtest_filter='RtlTopFigures.*' |
    grep -E '^(rx|tx|flow|wire|rtl_top)_[a-z0-9_]+ [0-9.]+ [a-z_/]+$' |
    while read -r name value unit; do figure "$name" "$value" "$unit"; done
fi

# --- RTL datapath (rtl/nic_datapath.sv, Verilated): DATA_W=512, back-to-back frames of flows
# that hit the EM table and go to the wire, no idle, no back-pressure; latency of one frame ---
if wants datapath_clocks_per_frame_64 datapath_clocks_per_frame_128 datapath_clocks_per_frame_256 \
    datapath_clocks_per_frame_1518 datapath_clocks_per_frame_imix \
    datapath_clocks_per_frame_64_encap datapath_clocks_per_frame_64_decap datapath_latency_clocks; then
  "$root/scripts/build.sh" --target rtl_datapath_test >&2
  "$build/bin/rtl_datapath_test" --gtest_filter='RtlDatapathFigures.*' |
    grep -E '^datapath_[a-z0-9_]+ [0-9.]+ [a-z]+$' |
    while read -r name value unit; do figure "$name" "$value" "$unit"; done
fi

# --- rtl_line_coverage_pct: Verilator line coverage of rtl/ from the quick and coverage suites
# (traces/suites/quick.yaml, coverage.yaml) through the Verilated NIC, every run's data merged
# (scripts/coverage.sh, docs/coverage.md; the per-module table and the lines not hit go to
# stderr). Named (scripts/bench.sh rtl_line_coverage_pct): runs scripts/coverage.sh (its own
# build directory, build-cov: a long first build; a rerun keeps the runs that passed with the
# same binary). Among every figure (no PREFIX): the last coverage.sh result if there is one
# (NICSIM_BENCH_COVERAGE=1: run it), else none. ---
if wants rtl_line_coverage_pct; then
  cov_out="${NICSIM_COV_BUILD_DIR:-$root/build-cov}/coverage/report"
  if [[ -n "$prefix" || "${NICSIM_BENCH_COVERAGE:-0}" == 1 ]]; then
    "$root/scripts/coverage.sh" >&2 || echo "bench.sh: coverage.sh: a run failed" >&2
  fi
  if [[ -f "$cov_out/summary.json" ]]; then
    cat "$cov_out/modules.txt" "$cov_out/uncovered.txt" >&2
    figure rtl_line_coverage_pct "$(json "$cov_out/summary.json" 'r["line"]["pct"]')" %
  else
    echo "bench.sh: no coverage result ($cov_out): scripts/bench.sh rtl_line_coverage_pct" >&2
  fi
fi

# --- synth_luts, synth_ffs, synth_lut_levels, synth_logic_levels (and the RAM, DSP and SRL
# counts): Yosys synthesis of nic_top at DATA_W=64 with the co-simulation's small tables (the
# parameters sim/CMakeLists.txt writes to the build's nic_rtl_params.txt), the project's recipe
# (scripts/synth-block.sh; docs/synthesis.md). About 30 minutes of one core and 8 GB, so not in
# CI: the synthesis suite bounds the blocks on the deepest paths instead. The deepest path goes
# to stderr. Named (scripts/bench.sh synth_): runs it unless the last result is of the same
# rtl/, parameters and recipe (kept in bench/synth-nic/). Among every figure (no PREFIX): the
# last result if there is one (NICSIM_BENCH_SYNTH=1: run it), else none. ---
if wants synth_luts synth_ffs synth_bram36 synth_uram synth_dsp synth_srl synth_lutram \
    synth_lut_levels synth_logic_levels; then
  syn_out="$work/synth-nic"
  if [[ -n "$prefix" || "${NICSIM_BENCH_SYNTH:-0}" == 1 ]]; then
    "$root/scripts/build.sh" --target nicsim_regs_gen >&2  # configured: nic_rtl_params.txt
    read -r -a syn_params < "$build/nic_rtl_params.txt"
    syn_key="$( (cd "$root" && find rtl -type f | LC_ALL=C sort | xargs sha256sum;
                 sha256sum scripts/synth-block.sh scripts/synth-report.py;
                 echo "DATA_W=64 ${syn_params[*]}") | sha256sum | cut -d' ' -f1)"
    if [[ -f "$syn_out/report.txt" && "$(cat "$syn_out/key" 2>/dev/null)" == "$syn_key" ]]; then
      echo "bench.sh: synthesis of this rtl/ already done ($syn_out)" >&2
    else
      rm -rf "$syn_out"
      mkdir -p "$syn_out"
      if SYNTH_OUT="$syn_out" SYNTH_PATH=1 "$root/scripts/synth-block.sh" nic_top DATA_W=64 \
          "${syn_params[@]}" > "$syn_out/report.new"; then
        mv "$syn_out/report.new" "$syn_out/report.txt"
        echo "$syn_key" > "$syn_out/key"
      else
        echo "bench.sh: synth-block.sh nic_top failed (log in $syn_out)" >&2
      fi
    fi
  fi
  if [[ -f "$syn_out/report.txt" ]]; then
    grep '^#' "$syn_out/report.txt" >&2 || true
    while read -r name value unit; do
      figure "$name" "$value" "$unit"
    done < <(grep '^synth_' "$syn_out/report.txt")
  else
    echo "bench.sh: no synthesis result ($syn_out): scripts/bench.sh synth_" >&2
  fi
fi

# --- rtl_mutation_score_pct: the share of 300 sampled mutants of nic_top (Yosys `mutate`,
# seed 1) that the mutation subset of the regression kills (traces/suites/mutation.yaml;
# scripts/mutation.sh, docs/mutation.md; the tables and the survivors go to stderr). Named
# (scripts/bench.sh rtl_mutation_score_pct): runs scripts/mutation.sh (its own build
# directory, build-mut; a rerun keeps the mutants that have a result for the same netlist).
# Among every figure (no PREFIX): the last campaign's result if there is one
# (NICSIM_BENCH_MUTATION=1: run it), else none. ---
if wants rtl_mutation_score_pct; then
  mut_out="${NICSIM_MUT_BUILD_DIR:-$root/build-mut}/mutation"
  if [[ -n "$prefix" || "${NICSIM_BENCH_MUTATION:-0}" == 1 ]]; then
    "$root/scripts/mutation.sh" -j "${NICSIM_JOBS:-2}" >&2 ||
      echo "bench.sh: mutation.sh failed" >&2
  fi
  if [[ -f "$mut_out/netlist/mutations.ys" ]]; then
    python3 "$root/scripts/mutation-report.py" "$mut_out" | sed '$d' >&2
    figure rtl_mutation_score_pct "$(json "$mut_out/report/summary.json" 'r["score_pct"]')" %
  else
    echo "bench.sh: no mutation result ($mut_out): scripts/bench.sh rtl_mutation_score_pct" >&2
  fi
fi
