// SPDX-License-Identifier: MIT
// run_scenario: one run of a scenario, on the Verilated NIC inside the SystemC system (engine
// rtl) or on the golden model alone (engine model), with the same driver and host program.
//
// The rtl engine's system:
//
//   wire captures ──► NicRtl (Verilated nic_cosim_top) ──► wire out (capture)
//                      │ AXI4 DMA ─► TLM ─► PcieLink ─► HostMemoryTarget ─┐ model::HostMemory
//                      │ AXI4-Lite ◄─ TLM ◄─ PcieLink ◄─ SimHost (CPU) ◄──┼─ SimDevice ◄─ Driver
//                      │ MSI-X ──────────────► PcieLink ─► SimHost irq     │   ScenarioHost (the
//                      └ monitors ─► Scoreboard (golden model beside it)   └── host program, in a
//                                                                              SystemC thread)
//
// The host thread probes the NIC, brings the scenario up, puts the wire captures on the wire,
// sends the VNICs' captures through their transmit queues, and polls every queue (every
// poll_ns of simulated time) until all traffic is in and the NIC has been quiet for the
// scenario's drain cycles; then it reads the NIC's counters. SystemC elaborates once per
// process: run_scenario with the rtl engine runs at most once per process (a second call is
// an error in the result).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/host/driver/stats.hpp"
#include "nicsim/sim/nic_rtl.hpp"
#include "nicsim/sim/scenario.hpp"
#include "nicsim/sim/scoreboard.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

struct CosimOptions {
  enum class Engine { kRtl, kModel };
  Engine engine = Engine::kRtl;
  bool scoreboard = true;       // rtl engine: the golden model beside the RTL
  std::string out_dir;          // captures written here ("" = none): wire.pcap, rxqN.pcap,
                                // exceptions.pcap with exceptions.jsonl (reasons),
                                // tx-completions.jsonl (every transmit completion)
  std::string fst_path;         // rtl engine: FST waveform of the run
  std::pair<std::uint64_t, std::uint64_t> fst_cycles{0, ~std::uint64_t{0}};  // the cycles in it
  std::string coverage_path;    // rtl engine: Verilator coverage data of the run, written at
                                // its end (a build with coverage only: docs/coverage.md)
  std::string log_path;         // rtl engine with the scoreboard: one JSON line per input frame
                                // (FrameRecord: parse, lookup, action, destination, cycles)
  /// rtl engine with the scoreboard: a self-test of the checker; the expected output of this
  /// input frame is changed, so its output is a mismatch (Scoreboard::inject_mismatch).
  std::optional<std::uint64_t> inject_mismatch;
  /// The wire port (pcap, DPDK; not owned): when set, the wire input comes from it instead of
  /// the scenario's wire sources, and the NIC's wire output goes to it.
  WirePort* wire = nullptr;
  /// Ports behind VNICs (vport -> port, not owned; e.g. a TapPort): the frames a port receives
  /// are sent by the VNIC's transmit queue, the frames the driver receives on the VNIC's queues
  /// are written to it. The vport must be a VNIC of the scenario with a transmit queue.
  std::map<unsigned, WirePort*> vnic_ports;
  /// Polled during a run; true ends it (what is in flight drains, then the run reports as at
  /// the end of its traffic). A run with a live port (WirePort::live) ends only this way (or at
  /// the scenario's run.max_cycles).
  std::function<bool()> stop;
  double poll_ns = 1000.0;      // the host program's receive loop period
  // rtl engine: wire source valid / wire sink ready patterns (NicRtlConfig).
  std::vector<bool> valid_pattern, ready_pattern;
  /// rtl engine: another Verilated build of nic_cosim_top instead of the project's own
  /// (nic_rtl_model.hpp), e.g. a variant of the RTL under test.
  NicRtlModel rtl_model;
  /// Called now and then for a progress display.
  struct Progress {
    std::uint64_t cycles = 0;        // NIC cycles so far
    double sim_seconds = 0;          // simulated time so far
    std::uint64_t frames_in = 0;     // frames into the NIC so far (wire and VNICs)
    std::uint64_t frames_total = 0;  // frames the run will put in; 0: not known (a port)
  };
  std::function<void(const Progress&)> progress;
};

/// Ingress-to-output latency of one path (FrameRecord::path()), in NIC cycles: to the wire's
/// last beat, or to the driver's poll for frames received by the host.
struct LatencyFigures {
  std::uint64_t count = 0, p50 = 0, p99 = 0, max = 0;
};

struct CosimResult {
  std::string error;  // empty when the run completed (mismatches are counted, not errors)
  std::string engine;
  std::uint64_t cycles = 0;
  double sim_seconds = 0, wall_seconds = 0;
  std::uint64_t wire_frames_sent = 0, vnic_frames_sent = 0;
  std::uint64_t wire_frames_out = 0;
  std::map<int, std::uint64_t> received;  // per receive queue (-1: exception ring)
  std::map<std::string, std::uint64_t> exceptions_by_reason;
  std::map<std::string, std::uint64_t> vswitch;  // host program vswitch: its counters
  std::map<std::string, std::uint64_t> bridge;   // host program bridge: its counters
  std::map<std::string, std::uint64_t> pools;    // VNIC buffer pools: "vnic<v>.<counter>"
  std::map<std::string, std::uint64_t> zero_copy;  // zero-copy shims: "vnic<v>.<counter>"
  std::map<std::string, std::uint64_t> link;  // link events: reports, changes, up, speed_mbps
  /// Scenario `tokens`: enabled, key0, key1 and the verdict counters by name (ok, bad_tag, ...).
  std::map<std::string, std::uint64_t> tokens;
  std::map<std::string, std::uint64_t> tx_completions;  // transmit completions by status
  std::uint64_t flows_installed = 0, install_failed = 0, reinjected = 0, not_forwarded = 0;
  std::map<unsigned, std::uint64_t> vnic_port_in, vnic_port_out;  // frames per VNIC port
  host::Stats stats;          // the NIC's counters read at the end
  bool ledger_balanced = false;
  bool scoreboard = false;    // a scoreboard ran
  std::uint64_t mismatches = 0, compared = 0;
  /// Scenario run.register_walk: register words read at the end, and of them compared with the
  /// model (the plain rw ones).
  std::uint64_t registers_walked = 0, registers_compared = 0;
  /// Scenario run.audit_flows: flows read back from the NIC and compared with what the driver
  /// wrote, and what differed (FlowTable::audit; each also an expectation failure).
  std::uint64_t flows_audited = 0;
  std::vector<std::string> audit_failures;
  std::vector<Mismatch> first_mismatches;
  std::map<std::string, LatencyFigures> latency;  // rtl engine with the scoreboard, per path
  std::vector<std::string> expectation_failures;  // the scenario's `expect` not met
  std::uint64_t mmio_reads = 0, mmio_writes = 0, interrupts = 0;
  double mmio_read_ns = 0;  // rtl engine: mean simulated time of a register read
  DmaReadStats dma_reads;   // rtl engine: nic_top's DMA reads (pcie.read_tags limits them)
  /// Goodput at the driver's poll: frame bytes received on VNIC queues, from the start of the
  /// traffic (after bring-up) to the poll that received the last one.
  std::uint64_t rx_bytes = 0;
  double rx_gbps = 0;

  [[nodiscard]] bool passed() const {
    return error.empty() && mismatches == 0 && ledger_balanced && expectation_failures.empty();
  }
  [[nodiscard]] std::string summary() const;
};

[[nodiscard]] CosimResult run_scenario(const Scenario& s, const CosimOptions& opt);

}  // namespace nicsim::sim
