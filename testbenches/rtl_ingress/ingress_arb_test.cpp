// SPDX-License-Identifier: MIT
// ingress_arb (rtl/ingress_arb.sv) driven from GoogleTest, clock by clock.
//
// Three inputs (0: the wire port, 1 and 2: transmit queues). Each input has a queue of
// frames; its driver raises tvalid on random clocks and holds the beat until it is accepted
// (AXI4-Stream). On the clock a frame's first beat is accepted the bench decides what must
// come out: nothing (a wire frame while cfg_enable is low) or the frame's beats up to the
// cut (MAX_FRAME), tagged with the input's vport and ts = that clock. The arbiter does not
// interleave frames, so output frames leave in the order of their first-beat handshakes:
// every output frame is compared with the head of one expected queue (data, keep, user,
// last of every beat, vport and ts constant over the frame). Fairness: an input whose first
// beat is waiting sees at most N-1 frames of other inputs start before its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vingress_arb_w512.h"
#include "Vingress_arb_w64.h"
#include "common/axis.hpp"
#include "common/harness.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::model {
namespace {

constexpr int kN = 3;
constexpr int kWireInputs = 1;

using bench::AxisBeat;
using bench::AxisFrame;

NICSIM_AXIS_PORT(InPort, s_axis_);
NICSIM_AXIS_PORT(OutPort, m_axis_);

// An input frame: bytes, tuser beat by beat, the vport in AxisFrame::id.
using Frame = AxisFrame;

struct OutFrame {
  std::vector<AxisBeat> beats;
  std::uint8_t vport = 0;
  std::uint64_t ts = 0;
  int input = 0;
};

struct Counters {
  std::uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0, discard = 0;
};

// Traffic profile of a run.
struct Profile {
  double p_valid = 1.0;    // chance an input with a beat to send raises tvalid on a clock
  double p_ready = 1.0;    // chance m_axis_tready is high on a clock
  double p_toggle = 0.0;   // chance cfg_enable flips on a clock
};

template <class V, unsigned DATA_W, std::uint32_t MAX_FRAME>
class Bench {
 public:
  static constexpr unsigned kKeepW = DATA_W / 8;

  Bench() : h_({.name = "ingress_arb w" + std::to_string(DATA_W)}) {
    V& d = h_.dut();
    d.cfg_enable = 1;
    d.s_axis_tvalid = 0;
    d.m_axis_tready = 1;
    h_.reset(3, 1);
    // Each input holds a beat until it is taken (AXI4-Stream), raising tvalid on random
    // clocks; then the output's ready: in this order from the run's generator.
    for (unsigned i = 0; i < kN; ++i) {
      in_[i].src = std::make_unique<Source>(
          h_, bench::AxisSourceConfig{
                  .valid = [this](std::uint64_t) { return rng_->chance(prof_.p_valid); },
                  .lane = i,
                  .beat_bytes = kKeepW,
                  .user_bits = 1});
      in_[i].src->side = [i](V& m, const Frame* f, std::size_t, bool) {
        bench::put_bits(m.s_axis_vport, i * 8, 8, f ? f->id : 0);
      };
      in_[i].src->on_accept = [this, i](const Frame&, std::size_t beat, bool) {
        if (beat == 0) first_beat(static_cast<int>(i));
      };
    }
    out_ = std::make_unique<Sink>(h_, bench::AxisSinkConfig{.ready = [this](std::uint64_t) {
                                    return rng_->chance(prof_.p_ready);
                                  }});
    out_->on_beat = [this](V& m, const AxisBeat& b) { take_output(m, b); };
    out_->on_frame = [](Frame&&) {};
  }

  V& dut() { return h_.dut(); }
  std::uint64_t cycle() const { return h_.cycle(); }

  Frame make_frame(Prng& rng, std::uint32_t bytes, std::uint8_t vport) const {
    Frame f;
    f.id = vport;
    f.data.reserve(bytes);
    std::uint32_t left = bytes;
    while (left > 0) {
      const std::uint32_t n = std::min<std::uint32_t>(left, kKeepW);
      for (std::uint32_t i = 0; i < n; ++i) f.data.push_back(static_cast<std::uint8_t>(rng.next()));
      f.beat_user.push_back(rng.below(2));
      left -= n;
    }
    return f;
  }

  void push(int input, Frame f) { in_[input].src->send(std::move(f)); }
  void set_enable(bool e) { enable_ = e; }
  bool enable() const { return enable_; }

  bool inputs_empty() const {
    for (const auto& in : in_) {
      if (!in.src->idle()) return false;
    }
    return true;
  }
  bool done() const { return inputs_empty() && expected_.empty() && !out_open_; }

  // One clock with the given profile.
  void clock(Prng& rng, const Profile& p) {
    if (p.p_toggle > 0 && rng.chance(p.p_toggle)) enable_ = !enable_;
    rng_ = &rng;
    prof_ = p;
    h_.tick();
  }

  // Runs until every frame is out (or the watchdog fires).
  void drain(Prng& rng, const Profile& p, std::uint64_t max_cycles = 2'000'000) {
    const std::uint64_t end = h_.cycle() + max_cycles;
    while (!done() && h_.cycle() < end) clock(rng, p);
    ASSERT_TRUE(done()) << "stuck at cycle " << h_.cycle() << ": " << expected_.size()
                        << " frames expected";
    for (int i = 0; i < 3; ++i) clock(rng, p);  // counters lag 2 clocks
  }

  void check_counters() {
    EXPECT_EQ(h_->cnt_rx_wire_frames, exp_cnt_.rx_frames);
    EXPECT_EQ(h_->cnt_rx_wire_bytes, exp_cnt_.rx_bytes);
    EXPECT_EQ(h_->cnt_tx_frames, exp_cnt_.tx_frames);
    EXPECT_EQ(h_->cnt_tx_bytes, exp_cnt_.tx_bytes);
    EXPECT_EQ(h_->cnt_wire_discard, exp_cnt_.discard);
  }

  const Counters& exp_counters() const { return exp_cnt_; }
  std::uint64_t frames_out() const { return frames_out_; }
  std::uint64_t cut_frames() const { return cut_frames_; }
  const std::vector<std::uint64_t>& out_cycles() const { return out_cycles_; }
  const std::vector<int>& out_inputs() const { return out_inputs_; }
  const std::vector<std::uint64_t>& accept_cycles(int i) const { return in_[i].accept_cycles; }
  int max_wait_frames() const { return max_wait_; }

 private:
  using Source = bench::AxisSource<V, InPort>;
  using Sink = bench::AxisSink<V, OutPort>;

  struct Input {
    std::unique_ptr<Source> src;
    int others_started = 0;  // other inputs' frames started while this first beat waited
    std::vector<std::uint64_t> accept_cycles;  // first-beat handshakes
  };

  // Before the edges: the time and the enable; after settling, the arbiter's handshakes.
  void drive() {
    h_->now = h_.cycle();
    h_->cfg_enable = enable_ ? 1 : 0;
  }
  void sample() {
    if (h_->rst) return;
    const auto ready = static_cast<unsigned>(h_->s_axis_tready);
    const auto valid = static_cast<unsigned>(h_->s_axis_tvalid);
    int fired_inputs = 0;
    for (unsigned i = 0; i < kN; ++i) {
      if (((valid & ready) >> i) & 1u) ++fired_inputs;
    }
    EXPECT_LE(fired_inputs, 1) << "two inputs accepted on cycle " << h_.cycle();
    EXPECT_LE(__builtin_popcount(ready), 1) << "tready to two inputs on cycle " << h_.cycle();
  }

  void first_beat(int i) {
    Input& in = in_[i];
    const Frame& f = *in.src->head();
    const auto vport = static_cast<std::uint8_t>(f.id);
    const auto bytes = static_cast<std::uint32_t>(f.data.size());
    in.accept_cycles.push_back(h_.cycle());
    max_wait_ = std::max(max_wait_, in.others_started);
    EXPECT_LE(in.others_started, kN - 1) << "input " << i << " waited too long";
    in.others_started = 0;
    for (int j = 0; j < kN; ++j) {
      Input& o = in_[j];
      if (j != i && o.src->offered() && o.src->beat() == 0 && !o.src->idle()) ++o.others_started;
    }
    if (i < kWireInputs && !enable_) {
      ++exp_cnt_.discard;
      return;
    }
    if (i < kWireInputs) {  // counted by the input, whatever the vport (spec 9)
      ++exp_cnt_.rx_frames;
      exp_cnt_.rx_bytes += bytes;
    } else {
      ++exp_cnt_.tx_frames;
      exp_cnt_.tx_bytes += bytes;
    }
    OutFrame o;
    o.vport = vport;
    o.ts = h_.cycle();
    o.input = i;
    // The frame's beats as the source drives them (zero past the end), up to the cut.
    std::uint32_t n = 0;
    for (std::uint32_t k = 0; k * kKeepW < bytes; ++k) {
      AxisBeat b;
      const std::uint32_t len = std::min<std::uint32_t>(kKeepW, bytes - k * kKeepW);
      std::copy_n(f.data.begin() + k * kKeepW, len, b.data.begin());
      b.keep = bench::low_mask(len);
      b.user = f.beat_user[k];
      b.last = (k + 1) * kKeepW >= bytes;
      o.beats.push_back(b);
      n += len;
      if (n > MAX_FRAME) {
        if (!b.last) ++cut_frames_;
        o.beats.back().last = true;
        break;
      }
    }
    expected_.push_back(std::move(o));
  }

  void take_output(V& m, const AxisBeat& b) {
    const auto vport = static_cast<std::uint8_t>(m.m_axis_vport);
    const std::uint64_t ts = m.m_axis_ts;
    if (!out_open_) {
      out_open_ = true;
      out_beats_ = 0;
      out_vport_ = vport;
      out_ts_ = ts;
      out_cycles_.push_back(h_.cycle());
    }
    EXPECT_EQ(vport, out_vport_) << "vport changed within a frame at cycle " << h_.cycle();
    EXPECT_EQ(ts, out_ts_) << "ts changed within a frame at cycle " << h_.cycle();
    ASSERT_FALSE(expected_.empty()) << "unexpected output beat at cycle " << h_.cycle();
    const OutFrame& e = expected_.front();
    ASSERT_LT(out_beats_, e.beats.size()) << "output frame too long at cycle " << h_.cycle();
    EXPECT_TRUE(b == e.beats[out_beats_])
        << "beat " << out_beats_ << " of the frame from input " << e.input << " (ts " << e.ts
        << ") differs at cycle " << h_.cycle();
    ++out_beats_;
    if (b.last) {
      EXPECT_EQ(out_beats_, e.beats.size());
      EXPECT_EQ(out_vport_, e.vport) << "frame from input " << e.input;
      EXPECT_EQ(out_ts_, e.ts) << "frame from input " << e.input;
      out_inputs_.push_back(e.input);
      expected_.pop_front();
      out_open_ = false;
      ++frames_out_;
    }
  }

  bench::Harness<V> h_;
  bench::Hook clock_hook_{h_, [this] { drive(); }, [this] { sample(); }};
  std::array<Input, kN> in_{};
  std::unique_ptr<Sink> out_;
  Prng* rng_ = nullptr;
  Profile prof_{};
  bool enable_ = true;
  std::deque<OutFrame> expected_;
  bool out_open_ = false;
  std::size_t out_beats_ = 0;
  std::uint8_t out_vport_ = 0;
  std::uint64_t out_ts_ = 0;
  Counters exp_cnt_;
  std::uint64_t frames_out_ = 0;
  std::uint64_t cut_frames_ = 0;
  int max_wait_ = 0;
  std::vector<std::uint64_t> out_cycles_;
  std::vector<int> out_inputs_;
};

using Bench64 = Bench<Vingress_arb_w64, 64, 256>;
using Bench512 = Bench<Vingress_arb_w512, 512, 16384>;

std::uint8_t vport_of(Prng& rng, int input) {
  if (input == 0) return 0;
  if (input == 1) return static_cast<std::uint8_t>(rng.between(1, 8));
  // A transmit input may carry vport 0 too: the host's queue re-injecting a frame as if from
  // the wire. It still counts as transmitted, not as received from the wire.
  if (rng.chance(0.2)) return 0;
  return rng.chance(0.5) ? std::uint8_t{255} : static_cast<std::uint8_t>(rng.between(1, 254));
}

// Frame length: mostly small, some around the cut, some far above it.
std::uint32_t random_len(Prng& rng, std::uint32_t max_frame, unsigned keep_w) {
  const auto r = rng.below(100);
  if (r < 30) return static_cast<std::uint32_t>(rng.between(1, keep_w));  // one beat
  if (r < 80) return static_cast<std::uint32_t>(rng.between(1, std::min<std::uint32_t>(max_frame, 1600)));
  if (r < 95) {
    return static_cast<std::uint32_t>(rng.between(max_frame - std::min<std::uint32_t>(max_frame - 1, 2 * keep_w),
                                                  max_frame + 2 * keep_w));
  }
  return static_cast<std::uint32_t>(rng.between(max_frame + 1, max_frame + 8 * keep_w + 100));
}

template <class B>
void random_run(std::uint64_t seed, int frames_per_input, const Profile& p, std::uint32_t max_frame,
                unsigned keep_w, bool expect_discards) {
  Prng rng(seed);
  B b;
  for (int n = 0; n < frames_per_input; ++n) {
    for (int i = 0; i < kN; ++i) {
      const std::uint8_t vp = vport_of(rng, i);
      b.push(i, b.make_frame(rng, random_len(rng, max_frame, keep_w), vp));
    }
  }
  b.drain(rng, p);
  b.check_counters();
  EXPECT_EQ(b.frames_out(), b.exp_counters().rx_frames + b.exp_counters().tx_frames);
  EXPECT_EQ(b.frames_out() + b.exp_counters().discard, 3u * static_cast<unsigned>(frames_per_input));
  EXPECT_GT(b.cut_frames(), 0u);
  if (expect_discards) {
    EXPECT_GT(b.exp_counters().discard, 0u);
    EXPECT_GT(b.exp_counters().rx_frames, 0u);
  }
  EXPECT_GT(b.exp_counters().tx_frames, 0u);
}

TEST(IngressArb, RandomW64Backpressure) {
  random_run<Bench64>(1, 3000, {.p_valid = 0.6, .p_ready = 0.6, .p_toggle = 0.003}, 256, 8, true);
}
TEST(IngressArb, RandomW64FullRate) {
  random_run<Bench64>(2, 3000, {.p_valid = 1.0, .p_ready = 1.0, .p_toggle = 0.002}, 256, 8, true);
}
TEST(IngressArb, RandomW64SparseInputs) {
  random_run<Bench64>(3, 1000, {.p_valid = 0.1, .p_ready = 0.9, .p_toggle = 0.002}, 256, 8, true);
}
TEST(IngressArb, RandomW512Backpressure) {
  random_run<Bench512>(4, 600, {.p_valid = 0.7, .p_ready = 0.5, .p_toggle = 0.002}, 16384, 64,
                       true);
}
TEST(IngressArb, RandomW512FullRate) {
  random_run<Bench512>(5, 600, {.p_valid = 1.0, .p_ready = 1.0, .p_toggle = 0.0}, 16384, 64,
                       false);
}

// The cut at MAX_FRAME = 256 (DATA_W 64: 8 bytes a beat).
TEST(IngressArb, OversizeCut) {
  Prng rng(11);
  Bench64 b;
  const Profile p{.p_valid = 1.0, .p_ready = 1.0, .p_toggle = 0.0};
  // 256: not over; 257, 263, 264: over on their own last beat (beat 33), passed whole; 300,
  // 1000 and 265: over at beat 33 (264 bytes) which is not their last: the output stops there
  // with tlast forced, the rest is discarded. A 1-byte frame follows each on input 1.
  for (const std::uint32_t len : {256u, 257u, 300u, 1000u, 263u, 264u, 265u}) {
    b.push(1, b.make_frame(rng, len, 3));
    b.push(1, b.make_frame(rng, 1, 3));
    b.push(0, b.make_frame(rng, len, 0));
  }
  b.drain(rng, p);
  b.check_counters();
  EXPECT_EQ(b.cut_frames(), 2u * 3u);  // 300, 1000, 265 on inputs 0 and 1
}

// Enable gating: wire frames are discarded whole while cfg_enable is low (decided at the first
// beat), transmit inputs flow.
TEST(IngressArb, EnableGating) {
  Prng rng(12);
  Bench64 b;
  const Profile p{.p_valid = 1.0, .p_ready = 1.0, .p_toggle = 0.0};
  b.set_enable(false);
  for (int n = 0; n < 20; ++n) {
    b.push(0, b.make_frame(rng, 100, 0));
    b.push(2, b.make_frame(rng, 60, 255));
  }
  b.drain(rng, p);
  b.check_counters();
  EXPECT_EQ(b.exp_counters().discard, 20u);
  EXPECT_EQ(b.exp_counters().rx_frames, 0u);
  EXPECT_EQ(b.exp_counters().tx_frames, 20u);

  // Flip the enable in the middle of long wire frames: each frame keeps the decision of its
  // first beat.
  for (int n = 0; n < 10; ++n) b.push(0, b.make_frame(rng, 200, 0));
  int flips = 0;
  while (!b.done()) {
    if (b.cycle() % 7 == 0) {
      b.set_enable(!b.enable());
      ++flips;
    }
    b.clock(rng, p);
  }
  for (int i = 0; i < 3; ++i) b.clock(rng, p);
  b.check_counters();
  EXPECT_GT(flips, 10);
  EXPECT_EQ(b.exp_counters().discard + b.exp_counters().rx_frames, 30u);
  EXPECT_GT(b.exp_counters().rx_frames, 0u);
}

// Fairness: all inputs saturated with long and short frames; each input's frames leave in
// round-robin turns.
TEST(IngressArb, RoundRobinUnderSaturation) {
  Prng rng(13);
  Bench512 b;
  const Profile p{.p_valid = 1.0, .p_ready = 0.7, .p_toggle = 0.0};
  for (int n = 0; n < 100; ++n) {
    for (int i = 0; i < kN; ++i) {
      b.push(i, b.make_frame(rng, static_cast<std::uint32_t>(rng.between(1, 1500)),
                             vport_of(rng, i)));
    }
  }
  b.drain(rng, p);
  b.check_counters();
  const auto& order = b.out_inputs();
  ASSERT_EQ(order.size(), 300u);
  for (std::size_t k = 0; k < order.size(); ++k) {
    EXPECT_EQ(order[k], static_cast<int>(k % kN)) << "frame " << k;
  }
}

template <class B>
void throughput(std::uint64_t seed, unsigned keep_w) {
  Prng rng(seed);
  const Profile p{.p_valid = 1.0, .p_ready = 1.0, .p_toggle = 0.0};
  {
    // One input: 1000 single-beat frames back to back.
    B b;
    for (int n = 0; n < 1000; ++n) {
      b.push(1, b.make_frame(rng, static_cast<std::uint32_t>(rng.between(1, keep_w)), 7));
    }
    b.drain(rng, p);
    b.check_counters();
    const auto& oc = b.out_cycles();
    ASSERT_EQ(oc.size(), 1000u);
    EXPECT_EQ(oc.back() - oc.front(), 999u) << "one frame per clock from one input";
    const auto& ac = b.accept_cycles(1);
    EXPECT_EQ(ac.back() - ac.front(), 999u);
    EXPECT_EQ(oc.front() - ac.front(), 1u) << "latency 1 clock";
  }
  {
    // Three inputs: 1000 single-beat frames each, all valid all the time.
    B b;
    for (int n = 0; n < 1000; ++n) {
      for (int i = 0; i < kN; ++i) {
        b.push(i, b.make_frame(rng, static_cast<std::uint32_t>(rng.between(1, keep_w)),
                               vport_of(rng, i)));
      }
    }
    b.drain(rng, p);
    b.check_counters();
    const auto& oc = b.out_cycles();
    ASSERT_EQ(oc.size(), 3000u);
    EXPECT_EQ(oc.back() - oc.front(), 2999u) << "one frame per clock from three inputs";
    for (std::size_t k = 0; k < b.out_inputs().size(); ++k) {
      EXPECT_EQ(b.out_inputs()[k], static_cast<int>(k % kN)) << "frame " << k;
    }
  }
}

TEST(IngressArb, OneFramePerClockW64) { throughput<Bench64>(21, 8); }
TEST(IngressArb, OneFramePerClockW512) { throughput<Bench512>(22, 64); }

}  // namespace
}  // namespace nicsim::model
