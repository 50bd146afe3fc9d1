// SPDX-License-Identifier: MIT
// run_passthrough: frames from a wire port through the Verilated sim_wire_top (its wire
// pass-through) and back out to the port, cycle by cycle, in a SystemC system.
//
// SystemC elaborates once per process: call run_passthrough at most once per process
// (a second call returns an error instead of running). Tests use gtest_discover_tests so
// every test case is its own process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nicsim/sim/register_bus.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

struct RunOptions {
  int data_width = 512;     // sim_wire_top DATA_W: 64 or 512
  double clock_mhz = 250.0;
  // Per-cycle patterns, repeated; empty = always 1.
  // valid_pattern: may the source start a beat this cycle (a beat once offered stays
  //   offered until taken, as AXI4-Stream requires).
  // ready_pattern: the sink's m_axis tready in this cycle.
  std::vector<bool> valid_pattern;
  std::vector<bool> ready_pattern;
  std::uint32_t gap_cycles = 0;  // idle cycles the source inserts after every frame
  // No AXI4-Stream transfer for this many cycles while frames are pending -> error.
  // 0 disables the watchdog.
  std::uint64_t watchdog_cycles = 100000;
  std::string fst_path;  // FST waveform of sim_wire_top; empty = no waveform
  // Called with the frames sent so far, about every 65536 cycles and once at the end.
  std::function<void(std::uint64_t frames_out)> progress;
  // Runs in simulated time after reset and before traffic, with the AXI4-Lite master
  // (e.g. to configure or check registers). An exception it throws becomes the error.
  std::function<void(RegisterBus&)> before_traffic;
};

struct RunStats {
  // Clock cycles from reset release until the last frame left sim_wire_top (or the run stopped).
  std::uint64_t cycles = 0;
  // sim_wire_top's free-running cycle counter, read over AXI4-Lite right after that point
  // (a few cycles later than `cycles`).
  std::uint64_t rtl_cycles = 0;
  // Counted by the harness at the AXI4-Stream handshakes.
  std::uint64_t frames_in = 0, frames_out = 0, bytes_in = 0, bytes_out = 0;
  // sim_wire_top's own wire counters, read over AXI4-Lite at the end.
  std::uint64_t rtl_frames_in = 0, rtl_frames_out = 0, rtl_bytes_in = 0, rtl_bytes_out = 0;
  double wall_seconds = 0.0;  // elaboration + simulation
  std::string error;          // empty if the run completed
};

// Feeds frames from `port` until port.at_end(), drains sim_wire_top, flushes the port and reads
// the RTL counters. Output frames carry the timestamp of the first input frame plus the
// cycle of their first output beat times the clock period; their orig_len is their size.
// Errors (returned in RunStats::error, never thrown):
// - port.receive() throws PortError: error = its text; no new frames, what is in flight
//   is drained and transmitted.
// - a zero-length input frame: treated like a port error (AXI4-Stream has no empty frame).
// - port.transmit() or port.flush() throws PortError (error = its text; a transmit error
//   stops the run at once); an AXI4-Lite access fails.
// - the watchdog: no progress for watchdog_cycles while frames are pending.
// - an unsupported option (data_width, clock_mhz) or a second call in this process.
RunStats run_passthrough(WirePort& port, const RunOptions& opt);

}  // namespace nicsim::sim
