// SPDX-License-Identifier: MIT
// fpga/rtl/axis_async_fifo.sv between two unrelated clocks (periods in picoseconds that share
// no small ratio, both orders of fast and slow), with random valid/ready stalls on both sides:
//   word mode: every word out in order, none lost or duplicated; the full and empty flags
//     (a stopped reader lets exactly DEPTH + 1 words in: the array and the output register);
//   frame mode dropping when full (the CMAC's RX: no backpressure): only whole good frames
//     come out, in order, never with a gap inside a frame; every frame not delivered is
//     counted by exactly one overflow or bad-frame pulse; frames longer than the FIFO drop;
//   frame mode with backpressure (the CMAC's TX): every frame that fits comes out whole and
//     without gaps; a frame longer than the FIFO is dropped and counted instead of hanging.
//
// The two clocks: two_clock.hpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vaafifo_frame_drop.h"
#include "Vaafifo_frame_stall.h"
#include "Vaafifo_word.h"
#include "nicsim/model/prng.hpp"
#include "two_clock.hpp"

namespace {

using nicsim::model::Prng;

constexpr unsigned kDepth = 32;  // DEPTH of every configuration (CMakeLists.txt)

struct Beat {
  std::uint64_t data = 0;
  std::uint8_t keep = 0;
  bool last = false;
  bool user = false;
  bool operator==(const Beat&) const = default;
};
using Frame = std::vector<Beat>;

using nicsim::bench::Clocks;

/// The FIFO with a writer that sends `to_send` in order (tvalid with probability s_valid_p
/// while it has any) and a reader (tready with probability m_ready_p).
template <class V>
class Bench : public nicsim::bench::TwoClockBench<V> {
 public:
  Bench(Clocks c, std::uint64_t seed) : nicsim::bench::TwoClockBench<V>(c), rng_(seed) {
    this->dut().s_axis_tvalid = 0;
    this->dut().m_axis_tready = 0;
    this->reset();
  }

  std::deque<Beat> to_send;
  std::vector<Beat> received;
  double s_valid_p = 1.0, m_ready_p = 1.0;
  std::uint64_t overflows = 0, bad_frames = 0, accepted = 0;
  std::uint64_t gaps_in_frame = 0;  // read clocks without tvalid inside a frame
  std::uint64_t s_tready_low = 0;   // write clocks with tvalid and no tready

 protected:
  void sample_s() override {
    V& d = this->dut();
    took_ = d.s_axis_tvalid && d.s_axis_tready;
    if (took_) {
      to_send.pop_front();
      ++accepted;
    } else if (d.s_axis_tvalid) {
      ++s_tready_low;
    }
    overflows += d.s_status_overflow;
    bad_frames += d.s_status_bad_frame;
  }
  void drive_s() override {
    V& d = this->dut();
    // A shown beat stays until taken (AXI4-Stream).
    if (!d.s_axis_tvalid || took_) {
      const bool v = !to_send.empty() && rng_.chance(s_valid_p);
      d.s_axis_tvalid = v;
      if (v) {
        const Beat& b = to_send.front();
        d.s_axis_tdata = b.data;
        d.s_axis_tkeep = b.keep;
        d.s_axis_tlast = b.last;
        d.s_axis_tuser = b.user;
      }
    }
    took_ = false;
  }
  void sample_m() override {
    V& d = this->dut();
    if (d.m_axis_tvalid && d.m_axis_tready) {
      received.push_back(Beat{d.m_axis_tdata, static_cast<std::uint8_t>(d.m_axis_tkeep),
                              d.m_axis_tlast != 0, d.m_axis_tuser != 0});
      in_frame_ = !d.m_axis_tlast;
    } else if (in_frame_ && !d.m_axis_tvalid) {
      ++gaps_in_frame;
    }
  }
  void drive_m() override { this->dut().m_axis_tready = rng_.chance(m_ready_p); }
  [[nodiscard]] std::string status() const override {
    return "sent " + std::to_string(accepted) + ", received " +
           std::to_string(received.size()) + ", left " + std::to_string(to_send.size());
  }

 private:
  Prng rng_;
  bool took_ = false, in_frame_ = false;
};

Beat random_beat(Prng& rng, bool last) {
  return Beat{rng.next(), static_cast<std::uint8_t>(rng.next()), last, false};
}

Frame random_frame(Prng& rng, unsigned beats, bool bad) {
  Frame f;
  for (unsigned i = 0; i < beats; ++i) f.push_back(random_beat(rng, i + 1 == beats));
  f.back().user = bad;
  return f;
}

const Clocks kClockPairs[] = {
    {3103, 4271},  // reader slower
    {4271, 3103},  // writer slower
    {3103, 3109},  // nearly equal: the phases drift through every alignment
    {2000, 9973},  // reader five times slower
};

// ---------------------------------------------------------------------------------------
// Word mode
// ---------------------------------------------------------------------------------------

TEST(AxisAsyncFifoWord, EveryWordInOrderUnderRandomStalls) {
  std::uint64_t seed = 1;
  for (const Clocks& c : kClockPairs) {
    for (const double ready : {1.0, 0.5}) {
      SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) +
                   " ps, ready " + std::to_string(ready));
      Bench<Vaafifo_word> b(c, seed++);
      Prng rng(seed * 77);
      std::vector<Beat> sent;
      for (unsigned i = 0; i < 3000; ++i) {
        sent.push_back(random_beat(rng, rng.chance(0.1)));
        sent.back().user = rng.chance(0.5);
      }
      b.to_send.assign(sent.begin(), sent.end());
      b.s_valid_p = 0.7;
      b.m_ready_p = ready;
      ASSERT_TRUE(b.run_until([&] { return b.received.size() == sent.size(); }, 200000,
                              "word stream"));
      for (unsigned i = 0; i < 200; ++i) b.step();  // nothing more may come out
      ASSERT_EQ(b.received.size(), sent.size());
      for (std::size_t i = 0; i < sent.size(); ++i) {
        ASSERT_EQ(b.received[i], sent[i]) << "word " << i;
      }
      EXPECT_EQ(b.overflows, 0u);
      EXPECT_TRUE(b.dut().m_status_empty);
      EXPECT_FALSE(b.dut().m_axis_tvalid);
    }
  }
}

TEST(AxisAsyncFifoWord, FullAndEmptyFlags) {
  for (const Clocks& c : kClockPairs) {
    SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) + " ps");
    Bench<Vaafifo_word> b(c, 5);
    Prng rng(9);
    std::vector<Beat> sent;
    for (unsigned i = 0; i < 2 * kDepth; ++i) sent.push_back(random_beat(rng, false));
    b.to_send.assign(sent.begin(), sent.end());
    EXPECT_TRUE(b.dut().m_status_empty);
    EXPECT_FALSE(b.dut().s_status_full);
    // The reader takes nothing: the writer fills the array and the output register, then
    // sees tready low and the full flag, and stays there.
    b.m_ready_p = 0.0;
    ASSERT_TRUE(b.run_until([&] { return b.dut().s_status_full != 0; }, 10000, "fill"));
    for (unsigned i = 0; i < 300; ++i) b.step();
    EXPECT_EQ(b.accepted, kDepth + 1);
    EXPECT_TRUE(b.dut().s_status_full);
    EXPECT_FALSE(b.dut().s_axis_tready);
    EXPECT_TRUE(b.dut().m_axis_tvalid);
    EXPECT_FALSE(b.dut().m_status_empty);
    // Drain: everything in order, then the flags flip.
    b.m_ready_p = 1.0;
    ASSERT_TRUE(b.run_until([&] { return b.received.size() == sent.size(); }, 10000, "drain"));
    for (unsigned i = 0; i < 100; ++i) b.step();
    ASSERT_EQ(b.received, sent);
    EXPECT_FALSE(b.dut().s_status_full);
    EXPECT_TRUE(b.dut().s_axis_tready);
    EXPECT_TRUE(b.dut().m_status_empty);
    EXPECT_FALSE(b.dut().m_axis_tvalid);
  }
}

// ---------------------------------------------------------------------------------------
// Frame modes
// ---------------------------------------------------------------------------------------

/// Checks that `got` is made of whole frames of `good`, in order (a subsequence); returns how
/// many frames came out.
std::size_t check_subsequence(const std::vector<Beat>& got, const std::vector<Frame>& good) {
  std::size_t pos = 0, frames = 0, g = 0;
  while (pos < got.size()) {
    // The next frame out must be one of the remaining good frames, whole.
    bool found = false;
    for (; g < good.size(); ++g) {
      const Frame& f = good[g];
      if (pos + f.size() <= got.size() &&
          std::equal(f.begin(), f.end(), got.begin() + static_cast<std::ptrdiff_t>(pos))) {
        pos += f.size();
        ++frames;
        ++g;
        found = true;
        break;
      }
    }
    if (!found) {
      ADD_FAILURE() << "beat " << pos << " does not start a whole good frame (in order)";
      return frames;
    }
  }
  return frames;
}

TEST(AxisAsyncFifoFrameDrop, WholeGoodFramesOnlyEveryDropCounted) {
  std::uint64_t seed = 11;
  for (const Clocks& c : kClockPairs) {
    SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) + " ps");
    Bench<Vaafifo_frame_drop> b(c, seed++);
    Prng rng(seed * 31);
    std::vector<Frame> all, good;
    std::uint64_t bad_sent = 0, oversize_sent = 0;
    for (unsigned i = 0; i < 400; ++i) {
      const bool oversize = rng.chance(0.03);
      const bool bad = rng.chance(0.1);
      Frame f = random_frame(rng, oversize ? kDepth + 1 + static_cast<unsigned>(rng.below(8))
                                           : static_cast<unsigned>(rng.between(1, 20)), bad);
      bad_sent += bad;
      oversize_sent += oversize;
      if (!bad && !oversize) good.push_back(f);
      all.push_back(f);
      for (const Beat& x : f) b.to_send.push_back(x);
    }
    b.s_valid_p = 0.9;
    b.m_ready_p = 0.4;  // slower than the writer: the FIFO overflows
    ASSERT_TRUE(b.run_until([&] { return b.to_send.empty(); }, 400000, "send"));
    for (unsigned i = 0; i < 2000; ++i) b.step();
    EXPECT_EQ(b.s_tready_low, 0u) << "DROP_WHEN_FULL must never stall the writer";
    const std::size_t out = check_subsequence(b.received, good);
    EXPECT_EQ(out + b.overflows + b.bad_frames, all.size());
    EXPECT_LE(b.bad_frames, bad_sent);
    EXPECT_GE(b.overflows, oversize_sent);
    EXPECT_GT(out, 0u);
    EXPECT_GT(b.overflows, oversize_sent) << "the bench did not make the FIFO overflow";
    EXPECT_EQ(b.gaps_in_frame, 0u);
    EXPECT_TRUE(b.dut().m_status_empty);
  }
}

// A frame is readable only once whole, and its room comes back only as the reader's pointer
// crosses back: a reader that keeps up loses nothing as long as a frame is at most half the
// FIFO (the board's RX FIFO holds two largest frames, fpga/README.md).
TEST(AxisAsyncFifoFrameDrop, NoDropsWhenTheReaderKeepsUp) {
  Bench<Vaafifo_frame_drop> b({4271, 3103}, 3);
  Prng rng(4);
  std::vector<Frame> good;
  std::vector<Beat> sent;
  for (unsigned i = 0; i < 200; ++i) {
    good.push_back(random_frame(rng, static_cast<unsigned>(rng.between(1, kDepth / 2)), false));
    sent.insert(sent.end(), good.back().begin(), good.back().end());
  }
  b.to_send.assign(sent.begin(), sent.end());
  b.s_valid_p = 1.0;
  b.m_ready_p = 1.0;
  ASSERT_TRUE(b.run_until([&] { return b.received.size() == sent.size(); }, 100000, "frames"));
  EXPECT_EQ(b.received, sent);
  EXPECT_EQ(b.overflows, 0u);
  EXPECT_EQ(b.bad_frames, 0u);
  EXPECT_EQ(b.gaps_in_frame, 0u);
}

TEST(AxisAsyncFifoFrameStall, FramesThatFitAllArriveOversizeDroppedNotHung) {
  std::uint64_t seed = 21;
  for (const Clocks& c : kClockPairs) {
    SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) + " ps");
    Bench<Vaafifo_frame_stall> b(c, seed++);
    Prng rng(seed * 13);
    std::vector<Frame> good;
    std::uint64_t oversize_sent = 0, frames = 0;
    for (unsigned i = 0; i < 300; ++i) {
      const bool oversize = rng.chance(0.05);
      Frame f = random_frame(rng, oversize ? kDepth + 1 + static_cast<unsigned>(rng.below(8))
                                           : static_cast<unsigned>(rng.between(1, kDepth)),
                             rng.chance(0.2));  // tuser passes through: DROP_BAD_FRAME = 0
      oversize_sent += oversize;
      ++frames;
      if (!oversize) good.push_back(f);
      for (const Beat& x : f) b.to_send.push_back(x);
    }
    b.s_valid_p = 0.8;
    b.m_ready_p = 0.5;
    ASSERT_TRUE(b.run_until([&] { return b.to_send.empty(); }, 400000, "send"));
    for (unsigned i = 0; i < 2000; ++i) b.step();
    std::vector<Beat> expect;
    for (const Frame& f : good) expect.insert(expect.end(), f.begin(), f.end());
    ASSERT_EQ(b.received.size(), expect.size());
    EXPECT_EQ(b.received, expect);
    EXPECT_EQ(b.overflows, oversize_sent);
    EXPECT_GT(oversize_sent, 0u);
    EXPECT_GT(b.s_tready_low, 0u) << "the bench never saw backpressure";
    EXPECT_EQ(b.gaps_in_frame, 0u);
  }
}

}  // namespace
