// SPDX-License-Identifier: MIT
// Per-destination receive buffer pools (docs/host.md "Buffer pools") on either backend: a
// pool lends its buffers to the consumer until released, its budget bounds what a
// destination holds, its policy (wait or drop) decides what happens over it, the NIC's
// quota follows the returned buffers, and one VNIC flooding does not starve another.
#include <gtest/gtest.h>

#include <vector>

#include "fixture.hpp"
#include "nicsim/host/driver/pool.hpp"
#include "steer.hpp"

namespace nicsim::host::test {
namespace {

constexpr std::uint32_t kBuf = 2048;

class PoolTest : public HostTest {
 protected:
  PoolTest() : ft(drv) {}
  /// VNIC v on receive queue v - 1, its frames (any source port) steered there by a flow.
  void route(unsigned v, std::uint32_t quota = 0) {
    steer_to_vnic(drv, ft, v, {.quota = quota});
  }
  FlowTable ft;
};

TEST_F(PoolTest, PoolLendsBuffersUntilReleased) {
  route(1);
  RxPool pool(drv, {.budget_bytes = 8 * kBuf, .buf_size = kBuf});
  RxQueue rx(drv, 0, {.size_log2 = 4, .pool = &pool});
  EXPECT_EQ(pool.stats().buffers, 8u);
  EXPECT_EQ(pool.stats().buffers_posted, 8u) << "a 16-entry ring takes the whole pool";
  EXPECT_EQ(pool.free_buffers(), 0u);
  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t i = 0; i < 3; ++i) {
    sent.push_back(to_vnic(1, i));
    w.wire_rx(sent.back());
  }
  std::vector<RxLent> got = rx.receive();
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(got[i].buffer.valid());
    EXPECT_EQ(std::vector<std::uint8_t>(got[i].buffer.data().begin(), got[i].buffer.data().end()),
              sent[i]);
    EXPECT_TRUE(got[i].packet.bytes.empty()) << "lent, not copied";
    EXPECT_EQ(got[i].packet.length, sent[i].size());
  }
  const std::uint64_t len = sent[0].size();
  EXPECT_EQ(pool.stats().buffers_in_use, 3u);
  EXPECT_EQ(pool.stats().bytes_in_use, 3 * len);
  EXPECT_EQ(pool.stats().buffers_posted, 5u);
  EXPECT_EQ(pool.stats().waits, 3u) << "no free buffer to post in place of the lent ones";
  EXPECT_EQ(rx.outstanding(), 5u);
  got[1].buffer.release();
  got[1].buffer.release();  // idempotent
  EXPECT_EQ(pool.stats().buffers_in_use, 2u);
  EXPECT_EQ(pool.stats().buffers_posted, 6u) << "a returned buffer is posted again at once";
  EXPECT_EQ(rx.outstanding(), 6u);
  RxQueue moved(std::move(rx));  // the pool follows the queue object
  got.clear();
  EXPECT_EQ(moved.outstanding(), 8u);
  EXPECT_EQ(pool.stats().buffers_in_use, 0u);
  EXPECT_EQ(pool.stats().bytes_in_use, 0u);
  EXPECT_EQ(pool.stats().high_water, 3 * len);
  EXPECT_EQ(pool.stats().lent, 3u);
  EXPECT_EQ(pool.stats().returned, 3u);
  EXPECT_EQ(pool.stats().buffers_posted, 8u);
  // The copying API works on a pool queue as before: the buffer is reposted at once.
  w.wire_rx(sent[0]);
  const auto copied = moved.poll();
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0].bytes, sent[0]);
  EXPECT_EQ(pool.stats().buffers_posted, 8u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 0u);
}

TEST_F(PoolTest, PoolRefusesBadConfigurationAndReceiveWithoutPool) {
  EXPECT_THROW(RxPool(drv, {.budget_bytes = 1000, .buf_size = kBuf}), DriverError);
  EXPECT_THROW(RxPool(drv, {.buf_size = 0}), DriverError);
  EXPECT_THROW(RxPool(drv, {.reserve = 0}), DriverError);
  EXPECT_THROW(RxPool(drv, {.vport = drv.features().num_vnic + 1}), DriverError);
  RxPool pool(drv, {.budget_bytes = 4 * kBuf, .buf_size = kBuf});
  EXPECT_THROW(RxQueue(drv, 1, {.release_quota_vport = 1, .pool = &pool}), DriverError)
      << "a lent frame could never give the quota back";
  EXPECT_EQ(pool.stats().buffers_posted, 0u) << "nothing taken by the refused queue";
  RxQueue rx(drv, 0, {.size_log2 = 4});
  EXPECT_THROW(rx.receive(), DriverError);
}

// Policy wait: descriptors are not replenished while the consumer keeps the pool's buffers,
// so the NIC runs out of descriptors for this destination (rx_no_desc) until they return.
TEST_F(PoolTest, PoolWaitPolicyHoldsBackDescriptors) {
  route(1);
  RxPool pool(drv, {.budget_bytes = 4 * kBuf, .buf_size = kBuf, .policy = PoolPolicy::kWait});
  RxQueue rx(drv, 0, {.size_log2 = 4, .pool = &pool});
  std::vector<RxLent> held;
  for (std::uint16_t i = 0; i < 6; ++i) {
    w.wire_rx(to_vnic(1, i));
    for (auto& l : rx.receive()) held.push_back(std::move(l));
  }
  EXPECT_EQ(held.size(), 4u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 2u);
  EXPECT_EQ(pool.stats().waits, 4u);
  EXPECT_EQ(pool.stats().drops, 0u);
  EXPECT_EQ(pool.stats().buffers_posted, 0u);
  held.erase(held.begin(), held.begin() + 2);  // two come back and are posted
  EXPECT_EQ(pool.stats().buffers_posted, 2u);
  w.settle();  // the PROD doorbell is a posted write: let it land before the next frame
  w.wire_rx(to_vnic(1, 7));
  auto more = rx.receive();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].packet.length, to_vnic(1, 7).size());
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 2u);
}

// Policy drop: the ring keeps `reserve` descriptors; frames beyond what the consumer can be
// lent are dropped by the driver (counted in the pool) and the NIC never lacks a descriptor.
TEST_F(PoolTest, PoolDropPolicyKeepsTheRingFlowing) {
  route(1);
  RxPool pool(drv, {.budget_bytes = 4 * kBuf,
                    .buf_size = kBuf,
                    .policy = PoolPolicy::kDrop,
                    .reserve = 2});
  RxQueue rx(drv, 0, {.size_log2 = 4, .pool = &pool});
  std::vector<RxLent> held;
  for (std::uint16_t i = 0; i < 10; ++i) {
    w.wire_rx(to_vnic(1, i));
    for (auto& l : rx.receive()) held.push_back(std::move(l));
  }
  ASSERT_EQ(held.size(), 2u) << "4 buffers, 2 kept on the ring";
  EXPECT_EQ(held[0].packet.length, to_vnic(1, 0).size());
  EXPECT_EQ(pool.stats().drops, 8u);
  EXPECT_EQ(pool.stats().buffers_posted, 2u);
  EXPECT_EQ(pool.stats().high_water, 2 * to_vnic(1, 0).size());
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 0u);
  EXPECT_EQ(rx.packets(), 10u);
  held.clear();
  w.settle();
  w.wire_rx(to_vnic(1, 11));
  EXPECT_EQ(rx.receive().size(), 1u) << "lent again once buffers came back";
  EXPECT_EQ(pool.stats().drops, 8u);
}

// A pool tied to a VNIC gives the NIC's quota back when a buffer returns, not when the frame
// is polled: the NIC's quota then bounds what the consumer holds (the NIC's job: drop `quota`).
TEST_F(PoolTest, PoolReleasesTheNicQuotaWhenBuffersReturn) {
  route(1, 300);
  RxPool pool(drv, {.budget_bytes = 8 * kBuf, .buf_size = kBuf, .vport = 1});
  RxQueue rx(drv, 0, {.size_log2 = 4, .pool = &pool});
  const auto f = to_vnic(1, 1);
  ASSERT_EQ(f.size(), 100u);
  for (int i = 0; i < 3; ++i) w.wire_rx(f);
  std::vector<RxLent> held = rx.receive();
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(drv.quota_inflight(1), 300u) << "lent frames still count";
  w.wire_rx(f);
  EXPECT_EQ(drv.stats().drop_quota, 1u);
  held.pop_back();
  EXPECT_EQ(drv.quota_inflight(1), 200u);
  w.wire_rx(f);
  EXPECT_EQ(rx.receive().size(), 1u);  // lent and returned at once (a temporary)
  EXPECT_EQ(drv.quota_inflight(1), 200u);
  EXPECT_EQ(drv.stats().drop_quota, 1u);
  held.clear();
  EXPECT_EQ(drv.quota_inflight(1), 0u);
}

// The exception ring is a destination too: on its own pool, a slow path that keeps its
// buffers runs the ring dry (exc_full) until they come back.
TEST_F(PoolTest, PoolForTheExceptionRing) {
  RxPool pool(drv, {.budget_bytes = 2 * kBuf, .buf_size = kBuf, .policy = PoolPolicy::kWait});
  RxQueue exc = RxQueue::exception(drv, {.size_log2 = 4, .pool = &pool});
  std::vector<RxLent> held;
  for (std::uint16_t i = 0; i < 3; ++i) {
    w.wire_rx(to_vnic(1, i));  // no flow: a miss
    for (auto& l : exc.receive()) held.push_back(std::move(l));
  }
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].packet.reason, ExceptionReason::kMiss);
  EXPECT_EQ(drv.stats().drop_exc_full, 1u);
  EXPECT_EQ(pool.stats().waits, 2u);
  held.clear();
  w.settle();  // the PROD doorbell lands before the next frame
  w.wire_rx(to_vnic(1, 9));
  const auto more = exc.receive();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(std::vector<std::uint8_t>(more[0].buffer.data().begin(), more[0].buffer.data().end()),
            to_vnic(1, 9));
  EXPECT_EQ(drv.stats().drop_exc_full, 1u);
}

/// What VNIC 2's consumer got while VNIC 1 was flooded.
struct FloodResult {
  std::size_t vnic2 = 0;
  bool vnic2_intact = true;
};

// The starvation test: with a pool per VNIC, VNIC 1's consumer holding everything costs
// VNIC 2 nothing; with one pool shared by both, the same traffic starves VNIC 2 (the
// control, so the first half cannot pass by accident).
TEST_F(PoolTest, PoolPerVnicOneFloodedVnicDoesNotStarveAnother) {
  route(1);
  route(2);
  constexpr std::uint16_t kFlood = 120, kVictim = 40;
  // VNIC 1 flooded while its consumer takes and keeps every buffer it gets; VNIC 2's
  // consumer receives after each of its frames (one every third flood frame).
  auto run = [&](RxQueue& rx1, RxQueue& rx2) {
    FloodResult r;
    std::vector<RxLent> hoard;
    for (std::uint16_t i = 0; i < kFlood; ++i) {
      w.wire_rx(to_vnic(1, i));
      for (auto& l : rx1.receive()) hoard.push_back(std::move(l));
      if (i % 3 == 0) {
        const auto f = to_vnic(2, i);
        w.wire_rx(f);
        for (auto& l : rx2.receive()) {  // consumed and returned at once
          ++r.vnic2;
          r.vnic2_intact = r.vnic2_intact &&
                           std::equal(f.begin(), f.end(), l.buffer.data().begin(),
                                      l.buffer.data().end());
        }
      }
    }
    return r;
  };
  const std::uint32_t budget = 16 * kBuf;
  {
    RxPool p1(drv, {.budget_bytes = budget, .buf_size = kBuf, .policy = PoolPolicy::kWait});
    RxPool p2(drv, {.budget_bytes = budget, .buf_size = kBuf, .policy = PoolPolicy::kWait});
    RxQueue rx1(drv, 0, {.size_log2 = 4, .pool = &p1});
    RxQueue rx2(drv, 1, {.size_log2 = 4, .pool = &p2});
    const FloodResult r = run(rx1, rx2);
    EXPECT_EQ(r.vnic2, kVictim) << "VNIC 2 delivered in full";
    EXPECT_TRUE(r.vnic2_intact);
    EXPECT_EQ(p1.stats().buffers_in_use, 0u) << "the hoard was returned at the end of run";
    EXPECT_EQ(p1.stats().high_water, std::uint64_t{16} * to_vnic(1, 0).size());
    EXPECT_GT(p1.stats().waits, 0u);
    EXPECT_EQ(p2.stats().waits, 0u);
    EXPECT_EQ(drv.stats().drop_rx_no_desc, kFlood - 16u) << "only VNIC 1 ran dry";
  }
  {
    RxPool shared(drv, {.budget_bytes = budget, .buf_size = kBuf, .policy = PoolPolicy::kWait});
    RxQueue rx1(drv, 0, {.size_log2 = 4, .pool = &shared});
    RxQueue rx2(drv, 1, {.size_log2 = 4, .pool = &shared});
    const FloodResult r = run(rx1, rx2);
    EXPECT_LT(r.vnic2, kVictim) << "a shared pool lets VNIC 1 starve VNIC 2";
  }
}

}  // namespace
}  // namespace nicsim::host::test
