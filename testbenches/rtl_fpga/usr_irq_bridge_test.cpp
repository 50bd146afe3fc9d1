// SPDX-License-Identifier: MIT
// fpga/rtl/usr_irq_bridge.sv (nic_top's interrupt vector requests to the XDMA's usr_irq_req /
// usr_irq_ack) between two unrelated clocks, against a model of the XDMA's side (PG195 "User
// Interrupts"): a message for vector v leaves as soon as usr_irq_req[v] is seen high after
// being low since the previous message of v (a rising edge; the worst case for the bridge),
// and is acknowledged after a delay with a one-clock usr_irq_ack[v]. Checked:
//   - no raise is lost: after the last raise of each vector a message of it leaves, and a
//     raise while a message is in flight (sent, not yet acknowledged) gets one of its own;
//   - no message without a raise: messages of v <= raises of v (raises may merge);
//   - a request is never withdrawn before its ack;
//   - at the end nothing is pending; merging does happen under a burst of one vector.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "Vusr_irq_bridge_v16.h"
#include "Vusr_irq_bridge_v4.h"
#include "nicsim/model/prng.hpp"
#include "two_clock.hpp"

namespace {

using nicsim::bench::Clocks;
using nicsim::model::Prng;

template <class V, unsigned N>
class IrqBench : public nicsim::bench::TwoClockBench<V> {
 public:
  IrqBench(Clocks c, std::uint64_t seed) : nicsim::bench::TwoClockBench<V>(c), rng_(seed) {
    this->dut().s_irq_valid = 0;
    this->dut().usr_irq_ack = 0;
    armed_.fill(true);
    wait_.fill(-1);  // before the reset: drive_m runs in it
    this->reset();
  }

  std::deque<unsigned> to_raise;
  double raise_p = 0.5;
  unsigned max_ack_delay = 6;  // a random delay 0..max_ack_delay clocks
  std::array<std::uint64_t, N> raises{}, messages{}, last_raise{}, last_sent{};
  std::uint64_t withdrawn = 0;

  [[nodiscard]] std::uint32_t req() { return this->dut().usr_irq_req; }

 protected:
  [[nodiscard]] std::uint64_t now() const { return this->s_edges() + this->m_edges(); }

  void sample_s() override {
    V& d = this->dut();
    took_ = d.s_irq_valid && d.s_irq_ready;
    if (took_) {
      const unsigned v = to_raise.front();
      to_raise.pop_front();
      ++raises[v];
      last_raise[v] = now();
    }
  }
  void drive_s() override {
    V& d = this->dut();
    if (!d.s_irq_valid || took_) {
      const bool go = !to_raise.empty() && rng_.chance(raise_p);
      d.s_irq_valid = go;
      if (go) d.s_irq_vector = to_raise.front();
    }
    took_ = false;
  }
  // The XDMA: sees the request on this edge, acknowledges it on a later one.
  void sample_m() override {
    const std::uint32_t r = this->dut().usr_irq_req;
    for (unsigned v = 0; v < N; ++v) {
      const bool high = ((r >> v) & 1u) != 0;
      if (wait_[v] >= 0 && !high) ++withdrawn;  // dropped before its ack
      if (!high) armed_[v] = true;
      if (high && armed_[v] && wait_[v] < 0) {  // the message leaves now
        wait_[v] = static_cast<int>(rng_.below(max_ack_delay + 1));
        armed_[v] = false;
        ++messages[v];
        last_sent[v] = now();
      }
    }
  }
  void drive_m() override {
    std::uint32_t ack = 0;
    for (unsigned v = 0; v < N; ++v) {
      if (wait_[v] == 0) ack |= 1u << v;
      if (wait_[v] >= 0) --wait_[v];
    }
    this->dut().usr_irq_ack = ack;
  }
  [[nodiscard]] std::string status() const override {
    return std::to_string(to_raise.size()) + " raises left";
  }

 private:
  Prng rng_;
  bool took_ = false;
  std::array<bool, N> armed_{};
  std::array<int, N> wait_{};
};

const Clocks kClockPairs[] = {{4000, 4000 * 250 / 322}, {3103, 4000}, {4000, 3109}, {2000, 9973}};

template <class V, unsigned N>
void random_raises(std::uint64_t seed, unsigned max_ack_delay) {
  for (const Clocks& c : kClockPairs) {
    SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) + " ps");
    IrqBench<V, N> b(c, seed++);
    b.max_ack_delay = max_ack_delay;
    Prng rng(seed * 7);
    for (unsigned i = 0; i < 3000; ++i) b.to_raise.push_back(static_cast<unsigned>(rng.below(N)));
    ASSERT_TRUE(b.run_until([&] { return b.to_raise.empty(); }, 400000, "raises"));
    b.steps(20 * max_ack_delay + 400);  // the last raises cross and are acknowledged
    std::uint64_t raised = 0, sent = 0;
    for (unsigned v = 0; v < N; ++v) {
      SCOPED_TRACE("vector " + std::to_string(v));
      raised += b.raises[v];
      sent += b.messages[v];
      EXPECT_LE(b.messages[v], b.raises[v]) << "a message without a raise";
      if (b.raises[v] > 0) {
        EXPECT_GT(b.last_sent[v], b.last_raise[v]) << "the last raise got no message";
      }
    }
    EXPECT_EQ(raised, 3000u);
    EXPECT_LT(sent, raised) << "no raise ever merged: the bench did not exercise merging";
    EXPECT_GT(sent, 0u);
    EXPECT_EQ(b.withdrawn, 0u) << "a request dropped before its ack";
    EXPECT_EQ(b.req(), 0u) << "a request still pending";
  }
}

TEST(UsrIrqBridge, RandomRaisesSixteenVectors) { random_raises<Vusr_irq_bridge_v16, 16>(1, 6); }
TEST(UsrIrqBridge, RandomRaisesSlowAcks) { random_raises<Vusr_irq_bridge_v16, 16>(50, 60); }
TEST(UsrIrqBridge, RandomRaisesFourVectorsManyCollisions) {
  random_raises<Vusr_irq_bridge_v4, 4>(100, 6);
}

// One raise at a time, each waiting for its message: every raise is its own message.
TEST(UsrIrqBridge, SeparateRaisesAreSeparateMessages) {
  IrqBench<Vusr_irq_bridge_v16, 16> b({3103, 4000}, 5);
  for (unsigned i = 0; i < 64; ++i) {
    const unsigned v = i % 16;
    b.to_raise.push_back(v);
    const std::uint64_t before = b.messages[v];
    ASSERT_TRUE(b.run_until([&] { return b.messages[v] == before + 1; }, 2000, "message"));
    b.steps(20);
  }
  for (unsigned v = 0; v < 16; ++v) {
    EXPECT_EQ(b.raises[v], 4u) << "vector " << v;
    EXPECT_EQ(b.messages[v], 4u) << "vector " << v;
  }
  EXPECT_EQ(b.withdrawn, 0u);
}

// A raise that reaches the bridge after the message of its vector left, before the ack: the
// message may not cover it, so the vector asks again after the ack (failed when a raise of a
// pending vector merged into the request in flight).
TEST(UsrIrqBridge, RaiseDuringAMessageInFlightGetsItsOwn) {
  for (const Clocks& c : kClockPairs) {
    SCOPED_TRACE("s " + std::to_string(c.s_ps) + " ps, m " + std::to_string(c.m_ps) + " ps");
    IrqBench<Vusr_irq_bridge_v16, 16> b(c, 9);
    b.max_ack_delay = 0;
    b.to_raise.push_back(3);
    ASSERT_TRUE(b.run_until([&] { return b.messages[3] == 1; }, 2000, "first message"));
    b.steps(40);
    EXPECT_EQ(b.req(), 0u);
    b.max_ack_delay = 200;  // the next message stays in flight long (a delay up to 200)
    b.to_raise.push_back(3);
    ASSERT_TRUE(b.run_until([&] { return b.messages[3] == 2; }, 2000, "second message"));
    b.to_raise.push_back(3);  // sent while message 2 is in flight
    ASSERT_TRUE(b.run_until([&] { return b.raises[3] == 3; }, 2000, "third raise"));
    b.max_ack_delay = 0;
    b.steps(3000);
    EXPECT_EQ(b.messages[3], 3u) << "the raise during the message in flight got no message";
    EXPECT_GT(b.last_sent[3], b.last_raise[3]);
    EXPECT_EQ(b.req(), 0u);
    EXPECT_EQ(b.withdrawn, 0u);
  }
}

}  // namespace
