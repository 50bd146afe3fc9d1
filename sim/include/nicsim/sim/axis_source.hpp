// SPDX-License-Identifier: MIT
// AxisSource: takes frames from a WirePort and drives them into an AXI4-Stream slave beat by
// beat (tkeep marks the bytes of the last beat), with a repeating per-cycle "may start a
// beat" pattern and optional idle cycles after every frame.
//
// Protocol: signals change only after a rising clock edge; a beat is transferred at an edge
// where tvalid and tready were both high; an offered beat stays offered until it is taken,
// except when the run is over (TrafficLedger::over): then tvalid drops so nothing moves
// while the counters are read.
#pragma once

#include <systemc>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nicsim/model/frame.hpp"
#include "nicsim/sim/axis_beat.hpp"
#include "nicsim/sim/traffic_ledger.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

template <int W>
class AxisSource : public sc_core::sc_module {
 public:
  using Beat = AxisBeat<W>;

  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> rst;
  sc_core::sc_out<typename Beat::data_t> m_axis_tdata;
  sc_core::sc_out<typename Beat::keep_t> m_axis_tkeep;
  sc_core::sc_out<bool> m_axis_tvalid;
  sc_core::sc_in<bool> m_axis_tready;
  sc_core::sc_out<bool> m_axis_tlast;
  sc_core::sc_out<bool> m_axis_tuser;

  AxisSource(sc_core::sc_module_name name, WirePort& port, TrafficLedger& ledger,
             const std::vector<bool>& valid_pattern, std::uint32_t gap_cycles)
      : sc_module(name),
        clk("clk"),
        rst("rst"),
        m_axis_tdata("m_axis_tdata"),
        m_axis_tkeep("m_axis_tkeep"),
        m_axis_tvalid("m_axis_tvalid"),
        m_axis_tready("m_axis_tready"),
        m_axis_tlast("m_axis_tlast"),
        m_axis_tuser("m_axis_tuser"),
        port_(port),
        ledger_(ledger),
        pattern_(valid_pattern.begin(), valid_pattern.end()),
        gap_cycles_(gap_cycles) {
    if (pattern_.empty()) pattern_.push_back(1);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }

  // Frames are taken from the port only after start().
  void start() { started_ = true; }

  std::uint64_t cycle() const { return cycle_; }

 private:
  SC_HAS_PROCESS(AxisSource);

  void on_clock() {
    if (rst.read()) {
      cycle_ = 0;
      offering_ = false;
      m_axis_tvalid.write(false);
      return;
    }
    ++cycle_;

    // 1. The beat offered before this edge: transferred now?
    if (offering_ && m_axis_tready.read()) {
      offering_ = false;
      ledger_.bytes_in += beat_bytes_;
      ledger_.last_progress_cycle = cycle_;
      if (beat_last_) {
        ++ledger_.frames_in;
        ledger_.source_busy = false;
        frame_.reset();
        gap_left_ = gap_cycles_;
      }
    }

    if (ledger_.over) {
      offering_ = false;
      m_axis_tvalid.write(false);
      return;
    }

    // 2. The next beat.
    const bool allowed = pattern_[pattern_pos_] != 0;
    if (++pattern_pos_ == pattern_.size()) pattern_pos_ = 0;
    if (!offering_ && !ledger_.stop) {
      if (gap_left_ > 0) {
        --gap_left_;
      } else if (allowed && (frame_ || fetch())) {
        offer_beat();
      }
    }
    m_axis_tvalid.write(offering_);
  }

  // Takes the next frame from the port; false if there is none (now or ever).
  bool fetch() {
    if (!started_ || ledger_.feeding_done) return false;
    try {
      frame_ = port_.receive();
    } catch (const PortError& e) {
      ledger_.fail(e.what(), false);
      return false;
    }
    if (!frame_) {
      if (port_.at_end()) ledger_.feeding_done = true;
      return false;
    }
    ++frames_taken_;
    if (frame_->data.empty()) {
      ledger_.fail("wire port: input frame " + std::to_string(frames_taken_) +
                       " has no bytes (AXI4-Stream cannot carry an empty frame)",
                   false);
      frame_.reset();
      return false;
    }
    if (!ledger_.have_first_ts) {
      ledger_.have_first_ts = true;
      ledger_.first_ts_ns = frame_->ts_ns;
    }
    offset_ = 0;
    ledger_.source_busy = true;
    return true;
  }

  void offer_beat() {
    const std::size_t size = frame_->data.size();
    const std::size_t n = std::min(Beat::kBytes, size - offset_);
    Beat::pack(data_, frame_->data.data() + offset_, n);
    offset_ += n;
    beat_bytes_ = n;
    beat_last_ = offset_ == size;
    m_axis_tdata.write(data_);
    m_axis_tkeep.write(Beat::keep_mask(n));
    m_axis_tlast.write(beat_last_);
    m_axis_tuser.write(false);
    offering_ = true;
  }

  WirePort& port_;
  TrafficLedger& ledger_;
  std::vector<std::uint8_t> pattern_;
  std::size_t pattern_pos_ = 0;
  std::uint32_t gap_cycles_;
  std::uint32_t gap_left_ = 0;
  bool started_ = false;
  std::uint64_t cycle_ = 0;
  std::uint64_t frames_taken_ = 0;
  std::optional<model::Frame> frame_;
  std::size_t offset_ = 0;
  bool offering_ = false;
  std::size_t beat_bytes_ = 0;
  bool beat_last_ = false;
  typename Beat::data_t data_{};
};

}  // namespace nicsim::sim
