// SPDX-License-Identifier: MIT
// AxisSink: takes AXI4-Stream beats from a master with a repeating per-cycle tready pattern,
// assembles them into frames and hands each to WirePort::transmit, timestamped
// first-input-timestamp + (cycle of its first beat) x clock period.
//
// It also ends the run (and then holds tready low): it notifies done() once the source has
// finished and every frame it sent has come out, or when something is stuck (the watchdog: no transfer on either
// stream for watchdog_cycles while frames are pending) or broken (a transmit error, a tkeep
// that is not contiguous from byte 0, a full tkeep on a beat that is not the last).
#pragma once

#include <systemc>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nicsim/model/frame.hpp"
#include "nicsim/sim/axis_beat.hpp"
#include "nicsim/sim/traffic_ledger.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

template <int W>
class AxisSink : public sc_core::sc_module {
 public:
  using Beat = AxisBeat<W>;

  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> rst;
  sc_core::sc_in<typename Beat::data_t> s_axis_tdata;
  sc_core::sc_in<typename Beat::keep_t> s_axis_tkeep;
  sc_core::sc_in<bool> s_axis_tvalid;
  sc_core::sc_out<bool> s_axis_tready;
  sc_core::sc_in<bool> s_axis_tlast;
  sc_core::sc_in<bool> s_axis_tuser;

  struct Options {
    std::vector<bool> ready_pattern;  // empty = always ready
    double clock_period_ns = 4.0;
    std::uint64_t watchdog_cycles = 100000;  // 0 = off
    std::function<void(std::uint64_t)> progress;
  };

  AxisSink(sc_core::sc_module_name name, WirePort& port, TrafficLedger& ledger, Options opt)
      : sc_module(name),
        clk("clk"),
        rst("rst"),
        s_axis_tdata("s_axis_tdata"),
        s_axis_tkeep("s_axis_tkeep"),
        s_axis_tvalid("s_axis_tvalid"),
        s_axis_tready("s_axis_tready"),
        s_axis_tlast("s_axis_tlast"),
        s_axis_tuser("s_axis_tuser"),
        port_(port),
        ledger_(ledger),
        pattern_(opt.ready_pattern.begin(), opt.ready_pattern.end()),
        period_ns_(opt.clock_period_ns),
        watchdog_cycles_(opt.watchdog_cycles),
        progress_(std::move(opt.progress)) {
    if (pattern_.empty()) pattern_.push_back(1);
    frame_.data.reserve(16384);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }

  // Notified once when the run is over (see the file comment); `done_cycle()` says when.
  const sc_core::sc_event& done() const { return done_event_; }
  bool is_done() const { return done_; }
  std::uint64_t done_cycle() const { return done_cycle_; }
  std::uint64_t cycle() const { return cycle_; }

 private:
  SC_HAS_PROCESS(AxisSink);

  void on_clock() {
    if (rst.read()) {
      cycle_ = 0;
      ready_ = false;
      in_frame_ = false;
      frame_.data.clear();
      s_axis_tready.write(false);
      return;
    }
    ++cycle_;
    if (done_) return;  // tready stays low

    // 1. A beat transferred at this edge?
    if (ready_ && s_axis_tvalid.read()) take_beat();

    // 2. tready for the next cycle.
    ready_ = pattern_[pattern_pos_] != 0;
    if (++pattern_pos_ == pattern_.size()) pattern_pos_ = 0;
    s_axis_tready.write(ready_);

    // 3. Progress, the end of the run, the watchdog.
    if ((cycle_ & 0xFFFF) == 0 && progress_) progress_(ledger_.frames_out);
    const bool pending =
        ledger_.source_busy || in_frame_ || ledger_.frames_out != ledger_.frames_in;
    if (ledger_.stop || (ledger_.feeding_done && !pending)) {
      finish();
    } else if (pending && watchdog_cycles_ != 0 &&
               cycle_ - ledger_.last_progress_cycle > watchdog_cycles_) {
      ledger_.fail(watchdog_message(), true);
      finish();
    }
  }

  void take_beat() {
    const auto keep = s_axis_tkeep.read();
    const bool last = s_axis_tlast.read();
    std::size_t n = Beat::kBytes;
    if (keep != Beat::full_keep()) {
      const bool contiguous = keep != 0 && (keep & (keep + 1)) == 0;
      if (!last || !contiguous) {
        fail_beat(last ? "tkeep not contiguous from byte 0" : "partial tkeep before tlast",
                  static_cast<std::uint64_t>(keep));
        return;
      }
      n = static_cast<std::size_t>(__builtin_popcountll(static_cast<std::uint64_t>(keep)));
    }
    if (!in_frame_) {
      in_frame_ = true;
      first_beat_cycle_ = cycle_;
    }
    const std::size_t old = frame_.data.size();
    frame_.data.resize(old + n);
    Beat::unpack(s_axis_tdata.read(), frame_.data.data() + old, n);
    ledger_.bytes_out += n;
    ledger_.last_progress_cycle = cycle_;
    if (last) {
      in_frame_ = false;
      frame_.orig_len = static_cast<std::uint32_t>(frame_.data.size());
      frame_.ts_ns = ledger_.first_ts_ns +
                     static_cast<std::uint64_t>(
                         static_cast<double>(first_beat_cycle_) * period_ns_ + 0.5);
      ++ledger_.frames_out;
      try {
        port_.transmit(frame_);
      } catch (const PortError& e) {
        ledger_.fail(e.what(), true);
      }
      frame_.data.clear();
    }
  }

  void fail_beat(const char* what, std::uint64_t keep) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "nic_top m_axis_wire: %s (tkeep=0x%llx) in output frame %llu, cycle %llu",
                  what, static_cast<unsigned long long>(keep),
                  static_cast<unsigned long long>(ledger_.frames_out + 1),
                  static_cast<unsigned long long>(cycle_));
    ledger_.fail(buf, true);
  }

  std::string watchdog_message() const {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "watchdog: no AXI4-Stream transfer for %llu cycles (cycle %llu) with frames "
                  "pending: %llu in, %llu out, source mid-frame %s, sink mid-frame %s, "
                  "m_axis_wire tvalid %d, tready pattern %s",
                  static_cast<unsigned long long>(watchdog_cycles_),
                  static_cast<unsigned long long>(cycle_),
                  static_cast<unsigned long long>(ledger_.frames_in),
                  static_cast<unsigned long long>(ledger_.frames_out),
                  ledger_.source_busy ? "yes" : "no", in_frame_ ? "yes" : "no",
                  s_axis_tvalid.read() ? 1 : 0, pattern_has_ready() ? "has 1s" : "all 0");
    return buf;
  }

  bool pattern_has_ready() const {
    for (auto r : pattern_) {
      if (r) return true;
    }
    return false;
  }

  void finish() {
    // Nothing moves from here on, so the RTL counters read afterwards match the ledger.
    ledger_.over = true;
    ready_ = false;
    s_axis_tready.write(false);
    done_ = true;
    done_cycle_ = cycle_;
    if (progress_) progress_(ledger_.frames_out);
    done_event_.notify(sc_core::SC_ZERO_TIME);
  }

  WirePort& port_;
  TrafficLedger& ledger_;
  std::vector<std::uint8_t> pattern_;
  std::size_t pattern_pos_ = 0;
  double period_ns_;
  std::uint64_t watchdog_cycles_;
  std::function<void(std::uint64_t)> progress_;
  std::uint64_t cycle_ = 0;
  bool ready_ = false;
  bool in_frame_ = false;
  std::uint64_t first_beat_cycle_ = 0;
  model::Frame frame_;
  bool done_ = false;
  std::uint64_t done_cycle_ = 0;
  sc_core::sc_event done_event_;
};

}  // namespace nicsim::sim
