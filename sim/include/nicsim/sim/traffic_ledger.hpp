// SPDX-License-Identifier: MIT
// TrafficLedger: what an AxisSource and an AxisSink share during a run: the harness's
// counts at the AXI4-Stream handshakes, progress for the watchdog, and the first error.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace nicsim::sim {

struct TrafficLedger {
  std::uint64_t frames_in = 0, bytes_in = 0;    // taken by sim_wire_top (s_axis handshakes)
  std::uint64_t frames_out = 0, bytes_out = 0;  // given by sim_wire_top (m_axis handshakes)
  bool have_first_ts = false;
  std::uint64_t first_ts_ns = 0;      // timestamp of the first input frame
  bool source_busy = false;           // the source has sent part of a frame
  bool feeding_done = false;          // the source will start no new frame
  bool stop = false;                  // stop now (fatal error): no drain
  bool over = false;                  // the run is over: no more transfers on either stream
  std::uint64_t last_progress_cycle = 0;
  std::string error;                  // first error; empty while all is well

  void fail(std::string msg, bool fatal) {
    if (error.empty()) error = std::move(msg);
    feeding_done = true;
    if (fatal) stop = true;
  }
};

}  // namespace nicsim::sim
