// SPDX-License-Identifier: MIT
// Frames through a block that passes an AXI4-Stream through and emits one record per frame on
// a valid/ready channel (rtl/parser.sv's metadata, rtl/rx_classify.sv's m_info): the frames
// that came out, the records in order, the clocks from the first input beat to the last record
// and the latency of frame 0 (its tlast handshake to its record), on the harness's clock.
//
//   RecordRun<Meta> r = run_with_records<Meta, SAxis, MAxis, MetaPort>(
//       h, frames, {.in_valid = every("1110")}, [](V& m) { return decode(m.m_meta_data); });
#pragma once

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/axis.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"

namespace nicsim::bench {

template <class Record>
struct RecordRun {
  std::vector<std::vector<std::uint8_t>> out_frames;
  std::vector<Record> records;
  std::uint64_t cycles = 0;   // from the first beat accepted to the last record, inclusive
  std::uint64_t latency = 0;  // frame 0: clocks from its tlast handshake to its record
  bool hung = false;          // the watchdog fired (the run stopped there)
};

struct RecordRunConfig {
  Pattern in_valid = always();
  Pattern out_ready = always();
  Pattern record_ready = always();
  std::function<std::uint8_t(unsigned lane)> fill{};  // the input's unused lanes
  std::uint64_t watchdog = 5000;                       // clocks without a handshake
};

/// Sends `frames` (AxisFrame::id: their index) into InPort, takes OutPort and a record per
/// frame from RecordPort (`take` reads it), until every frame and record is out or the
/// watchdog fires. `side` drives the input's side-band signals (AxisSource::side).
template <class Record, class InPort, class OutPort, class RecordPort, class V>
RecordRun<Record> run_with_records(
    Harness<V>& h, const std::vector<AxisFrame>& frames, const RecordRunConfig& cfg,
    std::type_identity_t<std::function<Record(V&)>> take,
    typename AxisSource<V, InPort>::Side side = {}) {
  RecordRun<Record> r;
  const std::uint64_t t0 = h.cycle();
  std::uint64_t first = 0, tlast0 = 0;
  bool started = false;
  AxisSource<V, InPort> in(h, {.valid = cfg.in_valid, .fill = cfg.fill});
  AxisSink<V, OutPort> out(h, {.ready = cfg.out_ready});
  ChannelSink<V, RecordPort> rec(
      h,
      [&](V& m) {
        const std::uint64_t cycle = h.cycle() - t0;
        if (r.records.empty()) r.latency = cycle - tlast0;
        r.records.push_back(take(m));
        r.cycles = cycle + 1 - first;
      },
      {.ready = cfg.record_ready});
  in.side = std::move(side);
  in.on_accept = [&](const AxisFrame& f, std::size_t, bool last) {
    if (!started) {
      started = true;
      first = h.cycle() - t0;
    }
    if (last && f.id == 0) tlast0 = h.cycle() - t0;
  };
  out.on_frame = [&](AxisFrame&& f) { r.out_frames.push_back(std::move(f.data)); };
  for (const AxisFrame& f : frames) in.send(f);
  h.set_watchdog(cfg.watchdog);
  try {
    while (r.records.size() < frames.size() || r.out_frames.size() < frames.size()) h.tick();
  } catch (const Stuck&) {
    r.hung = true;
  }
  h.set_watchdog(0);
  return r;
}

}  // namespace nicsim::bench
