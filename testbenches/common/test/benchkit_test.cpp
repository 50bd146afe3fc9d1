// SPDX-License-Identifier: MIT
// Self-test of the bench kit (testbenches/common) on the register slice axis_pipe_reg, wrapped
// by benchkit_tb.sv, at DATA_W 64 and 512: random frames (0 to 3 beats and a half, per-frame
// and per-beat tuser) go source -> slice -> sink under valid/ready patterns and every Offer
// rule, and must come out whole, in order, with a monitor on the input port seeing what the
// source sent; a full-rate run moves a beat per clock; side-band hooks see every beat; the
// tkeep rules catch a gap; the watchdog fires on a frozen slice (and the frames finish once it
// thaws); a ChannelSource / ChannelSink pair carries single beats; the FST trace is written
// (only the 64-bit model is verilated with TRACE); the bit helpers on QData and VlWide.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "Vbenchkit_tb_w512.h"
#include "Vbenchkit_tb_w64.h"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::bench {
namespace {

NICSIM_AXIS_PORT(SAxis, s_axis_);
NICSIM_AXIS_PORT(MAxis, m_axis_);

constexpr unsigned kUserW = 4;  // benchkit_tb's USER_W

std::vector<AxisFrame> random_frames(std::uint64_t seed, std::size_t n, unsigned beat_bytes,
                                     bool per_beat_user = false) {
  model::Prng rng(seed);
  std::vector<AxisFrame> out(n);
  for (AxisFrame& f : out) {
    f.data.resize(rng.below(beat_bytes * 7 / 2 + 1));
    for (auto& b : f.data) b = static_cast<std::uint8_t>(rng.next());
    f.user = rng.below(1u << kUserW);
    if (per_beat_user) {
      const std::size_t beats = f.data.empty() ? 1 : (f.data.size() + beat_bytes - 1) / beat_bytes;
      for (std::size_t i = 0; i < beats; ++i) f.beat_user.push_back(rng.below(1u << kUserW));
    }
  }
  return out;
}

// Source -> slice -> sink, with a monitor on the source's side.
template <class V>
struct Loop {
  Harness<V> h;
  AxisSource<V, SAxis> in;
  AxisMonitor<V, SAxis> seen;
  AxisSink<V, MAxis> out;

  Loop(AxisSourceConfig src, Pattern ready, std::string name = "benchkit")
      : h({.name = std::move(name)}), in(h, std::move(src)),
        seen(h, {.name = "s_axis", .keep = KeepRule::kPacked}),
        out(h, {.ready = std::move(ready), .name = "m_axis", .keep = KeepRule::kPacked,
                .keep_beats = true}) {
    h.reset(4, 1);
    h.set_watchdog(200, [this] {
      return std::to_string(out.frames().size()) + " frames out, " +
             std::to_string(in.queued()) + " to send";
    });
  }
};

template <class V>
void loopback(std::uint64_t seed, AxisSourceConfig src, Pattern ready) {
  Loop<V> l(std::move(src), std::move(ready));
  const unsigned w = l.in.beat_bytes();
  const auto frames = random_frames(seed, 300, w);
  for (const AxisFrame& f : frames) l.in.send(f);
  ASSERT_TRUE(l.h.run_until([&] { return l.out.frames().size() == frames.size(); }));
  ASSERT_EQ(l.seen.frames().size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(l.out.frames()[i].data, frames[i].data) << "W=" << 8 * w << " frame " << i;
    EXPECT_EQ(l.out.frames()[i].user, frames[i].user) << "W=" << 8 * w << " frame " << i;
    EXPECT_EQ(l.seen.frames()[i].data, frames[i].data) << "W=" << 8 * w << " frame " << i;
    EXPECT_LE(l.seen.frames()[i].last_cycle, l.out.frames()[i].last_cycle);
  }
  EXPECT_TRUE(l.in.idle());
  EXPECT_EQ(l.in.beats_sent(), l.out.beats());
}

template <class V>
void patterns(std::uint64_t seed) {
  loopback<V>(seed, {}, always());
  loopback<V>(seed + 1, {.valid = every("1110")}, every("110"));
  loopback<V>(seed + 2, {.valid = random(seed, 60)}, random(seed + 3, 50));
  model::Prng shared(seed + 4);
  loopback<V>(seed + 5, {.valid = chance(shared, 0.5), .offer = Offer::kHoldDrawEveryClock},
              chance(shared, 0.5));
  loopback<V>(seed + 6, {.valid = random(seed + 7, 40), .offer = Offer::kEveryClock},
              random(seed + 8, 70));
}

TEST(BenchKit, FramesThroughSliceW64) { patterns<Vbenchkit_tb_w64>(1); }
TEST(BenchKit, FramesThroughSliceW512) { patterns<Vbenchkit_tb_w512>(100); }

// Nothing stalls: the slice moves a beat per clock, its latency is one clock.
template <class V>
void full_rate() {
  Loop<V> l({}, always());
  const auto frames = random_frames(7, 200, l.in.beat_bytes());
  for (const AxisFrame& f : frames) l.in.send(f);
  const std::uint64_t t0 = l.h.cycle();
  ASSERT_TRUE(l.h.run_until([&] { return l.out.frames().size() == frames.size(); }));
  const std::uint64_t beats = l.out.beats();
  EXPECT_EQ(l.out.last_beat_cycle() - l.out.first_beat_cycle() + 1, beats);
  EXPECT_EQ(l.out.first_beat_cycle() - l.seen.first_beat_cycle(), 1u);
  EXPECT_EQ(l.seen.first_beat_cycle(), t0);
}
TEST(BenchKit, OneBeatPerClockW64) { full_rate<Vbenchkit_tb_w64>(); }
TEST(BenchKit, OneBeatPerClockW512) { full_rate<Vbenchkit_tb_w512>(); }

// tuser beat by beat, the fill of unused lanes, and the hooks on both sides.
template <class V>
void beats_and_hooks() {
  const auto fill = [](unsigned lane) { return static_cast<std::uint8_t>(0xA5 ^ lane); };
  Loop<V> l({.valid = every("10"), .fill = fill}, every("1101"));
  const unsigned w = l.in.beat_bytes();
  const auto frames = random_frames(9, 100, w, true);
  std::uint64_t accepted = 0, lasts = 0, side_valid = 0, out_beats = 0;
  l.in.on_accept = [&](const AxisFrame& f, std::size_t beat, bool last) {
    EXPECT_EQ(last, (beat + 1) * w >= f.data.size());
    ++accepted;
    lasts += last ? 1 : 0;
  };
  l.in.side = [&](V& m, const AxisFrame* f, std::size_t beat, bool valid) {
    side_valid += valid ? 1 : 0;
    if (valid) {
      EXPECT_EQ(m.s_axis_tuser, f->beat_user[beat]);
    }
  };
  l.out.on_beat = [&](V& m, const AxisBeat& b) {
    EXPECT_EQ(m.m_axis_tlast != 0, b.last);
    ++out_beats;
  };
  for (const AxisFrame& f : frames) l.in.send(f);
  ASSERT_TRUE(l.h.run_until([&] { return l.out.frames().size() == frames.size(); }));
  EXPECT_EQ(lasts, frames.size());
  EXPECT_EQ(accepted, l.out.beats());
  EXPECT_EQ(out_beats, accepted);
  EXPECT_GE(side_valid, accepted);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const AxisFrame& got = l.out.frames()[i];
    ASSERT_EQ(got.beats.size(), frames[i].beat_user.size());
    for (std::size_t b = 0; b < got.beats.size(); ++b) {
      EXPECT_EQ(got.beats[b].user, frames[i].beat_user[b]) << "frame " << i << " beat " << b;
      for (unsigned lane = 0; lane < w; ++lane) {
        if (((got.beats[b].keep >> lane) & 1u) == 0) {
          EXPECT_EQ(got.beats[b].data[lane], fill(lane)) << "frame " << i << " beat " << b;
        }
      }
    }
  }
}
TEST(BenchKit, BeatUserFillAndHooksW64) { beats_and_hooks<Vbenchkit_tb_w64>(); }
TEST(BenchKit, BeatUserFillAndHooksW512) { beats_and_hooks<Vbenchkit_tb_w512>(); }

// A gap in tkeep (forced by a hook after the source drove its beat) is reported.
TEST(BenchKit, KeepRuleReportsAGap) {
  Harness<Vbenchkit_tb_w64> h({.name = "keep"});
  AxisSource<Vbenchkit_tb_w64, SAxis> in(h);
  Hook gap(h, [&] {
    if (h->s_axis_tvalid) h->s_axis_tkeep = 0x0B;
  });
  AxisSink<Vbenchkit_tb_w64, MAxis> out(h, {.keep = KeepRule::kContiguous});
  h.reset(4, 1);
  in.send(std::vector<std::uint8_t>(8, 1));  // one beat
  bool ok = false;
  EXPECT_NONFATAL_FAILURE(ok = h.run_until([&] { return out.frames().size() == 1; }),
                          "not contiguous from lane 0");
  EXPECT_TRUE(ok);
  EXPECT_EQ(out.frames()[0].data.size(), 3u);
}

// The watchdog on a frozen slice: Stuck with the bench's status, run_until() false with a
// failure; the frames complete once the slice thaws.
template <class V>
void watchdog() {
  Loop<V> l({}, always(), "frozen");
  const auto frames = random_frames(11, 20, l.in.beat_bytes());
  for (const AxisFrame& f : frames) l.in.send(f);
  l.h.ticks(3);
  l.h->freeze = 1;
  l.h.set_watchdog(50);
  try {
    l.h.ticks(1000);
    ADD_FAILURE() << "the watchdog did not fire";
  } catch (const Stuck& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("frozen: watchdog: no progress for 50 clocks"), std::string::npos) << what;
    EXPECT_NE(what.find("frames out"), std::string::npos) << what;
  }
  bool ok = true;
  EXPECT_NONFATAL_FAILURE(ok = l.h.run_until([] { return false; }), "no progress for 50 clocks");
  EXPECT_FALSE(ok);
  l.h->freeze = 0;
  ASSERT_TRUE(l.h.run_until([&] { return l.out.frames().size() == frames.size(); }));
  for (std::size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(l.out.frames()[i].data, frames[i].data);
}
TEST(BenchKit, WatchdogFiresOnFrozenDutW64) { watchdog<Vbenchkit_tb_w64>(); }
TEST(BenchKit, WatchdogFiresOnFrozenDutW512) { watchdog<Vbenchkit_tb_w512>(); }

// Single-beat items through the generic valid/ready agents (on the AXI4-Stream port's
// tvalid/tready): what goes in comes out, in order.
TEST(BenchKit, ChannelSourceAndSink) {
  using V = Vbenchkit_tb_w64;
  Harness<V> h({.name = "channel"});
  model::Prng rng(5);
  ChannelSource<V, SAxis, std::uint64_t> src(
      h,
      [](V& m, const std::uint64_t& v) {
        m.s_axis_tdata = v;
        m.s_axis_tkeep = 0xFF;
        m.s_axis_tlast = 1;
      },
      {.valid = chance(rng, 0.7)});
  std::vector<std::uint64_t> got, accepted;
  src.on_accept = [&](std::uint64_t&& v) { accepted.push_back(v); };
  ChannelSink<V, MAxis> dst(h, [&](V& m) { got.push_back(m.m_axis_tdata); },
                            {.ready = chance(rng, 0.6)});
  h.reset(4, 1);
  std::vector<std::uint64_t> sent;
  for (unsigned i = 0; i < 500; ++i) sent.push_back(rng.next());
  for (auto v : sent) src.send(v);
  h.set_watchdog(100);
  ASSERT_TRUE(h.run_until([&] { return got.size() == sent.size(); }));
  EXPECT_EQ(got, sent);
  EXPECT_EQ(accepted, sent);
  EXPECT_EQ(dst.handshakes(), sent.size());
}

// An FST trace from the 64-bit model (verilated with TRACE); the 512-bit one has none.
TEST(BenchKit, FstTrace) {
  using V = Vbenchkit_tb_w64;
  const auto path = std::filesystem::temp_directory_path() / "nicsim_benchkit_test.fst";
  std::filesystem::remove(path);
  {
    Harness<V> h({.name = "traced", .trace = path.string()});
    AxisSource<V, SAxis> in(h);
    AxisSink<V, MAxis> out(h);
    h.reset(4, 1);
    in.send(std::vector<std::uint8_t>(100, 7));
    ASSERT_TRUE(h.run_until([&] { return out.frames().size() == 1; }));
    const auto f = out.pop();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->data, std::vector<std::uint8_t>(100, 7));
    EXPECT_FALSE(out.pop().has_value());
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 100u);
  std::filesystem::remove(path);
  EXPECT_THROW(Harness<Vbenchkit_tb_w512>({.name = "untraced", .trace = path.string()}),
               std::logic_error);
}

// Bits across 32-bit words of a VlWide and in a QData; byte orders; neighbours untouched.
TEST(BenchKit, BitHelpers) {
  VlWide<16> w;
  clear(w);
  put_bits(w, 28, 40, 0xAB'CDEF'0123ull);
  EXPECT_EQ(get_bits(w, 28, 40), 0xAB'CDEF'0123ull);
  EXPECT_EQ(w[0], 0x3000'0000u);
  EXPECT_EQ(w[1], 0xBCDE'F012u);
  EXPECT_EQ(w[2], 0xAu);
  put_bits(w, 30, 4, 0);
  EXPECT_EQ(get_bits(w, 28, 40), 0xAB'CDEF'0103ull);
  put_bits(w, 448, 64, ~std::uint64_t{0});
  EXPECT_EQ(w[15], 0xFFFF'FFFFu);
  EXPECT_EQ(get_bits(w, 447, 2), 2u);
  EXPECT_TRUE(get_bit(w, 511));
  put_bit(w, 511, false);
  EXPECT_EQ(w[15], 0x7FFF'FFFFu);

  QData q = 0;
  put_bits(q, 60, 4, 0xF);
  put_bits(q, 0, 8, 0x1FF);  // only the low 8 bits
  EXPECT_EQ(q, 0xF000'0000'0000'00FFull);
  EXPECT_EQ(get_bits(q, 56, 8), 0xF0u);
  CData c = 0;
  put_bit(c, 7, true);
  EXPECT_EQ(c, 0x80);

  const std::vector<std::uint8_t> key = {1, 2, 3, 4, 5};
  clear(w);
  put_bytes_msb(w, 8, key);  // byte 0 most significant: bits [8 + 32 +: 8]
  EXPECT_EQ(get_bits(w, 8, 40), 0x01'0203'0405ull);
  std::vector<std::uint8_t> back(5);
  get_bytes_msb(w, 8, back);
  EXPECT_EQ(back, key);
  put_bytes(w, 100, key);  // lane order: byte i at [100 + 8i +: 8]
  EXPECT_EQ(get_bits(w, 100, 40), 0x05'0403'0201ull);
  get_bytes(w, 100, back);
  EXPECT_EQ(back, key);
  EXPECT_EQ(get_byte(w, 1), 5u);  // the key's last byte
  put_byte(w, 63, 0x5A);
  EXPECT_EQ(w[15] >> 24, 0x5Au);
  EXPECT_EQ(sig_bits<VlWide<16>>(), 512u);
  EXPECT_EQ(sig_bytes<QData>(), 8u);
}

}  // namespace
}  // namespace nicsim::bench
