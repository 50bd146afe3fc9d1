// SPDX-License-Identifier: MIT
// Zero-copy receive shim (docs/host.md "Zero-copy receive") on either backend: the NIC writes a
// VM's frames straight into the buffers the VM posted in its own memory, the shim turns the
// NIC's completions into the guest's and notifies it, with no frame byte copied by the host;
// a buffer outside the VM's memory (another VM's, the host's, wrapping, overrunning, too
// short, over its own ring) is refused and never reaches the NIC; a frame for one VM never
// touches another VM's memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "fixture.hpp"
#include "nicsim/host/driver/zerocopy.hpp"
#include "nicsim/model/hash.hpp"
#include "steer.hpp"

namespace nicsim::host::test {
namespace {

constexpr std::uint64_t kGpaBase = 0x8000'0000;  // both VMs: the same guest-physical addresses
constexpr std::size_t kMem = 256 * 1024;
constexpr std::uint64_t kRing = kGpaBase;             // the guest ring at the start of RAM
constexpr std::uint64_t kBufs = kGpaBase + 0x1'0000;  // its buffers from 64 KiB on
constexpr std::uint32_t kBuf = 2048;
constexpr unsigned kLog2 = 4;
constexpr std::uint8_t kFill = 0xA5;  // guest memory the NIC must not touch

std::uint64_t buf_gpa(unsigned i) { return kBufs + std::uint64_t{i} * kBuf; }

class ZeroCopy : public HostTest {
 protected:
  ZeroCopy() : ft(drv) {}
  /// VNIC v on receive queue v - 1 (RSS on its one queue), its frames steered there by a
  /// flow that marks them with 0x100 + v.
  void route(unsigned v, std::uint32_t quota = 0) {
    steer_to_vnic(drv, ft, v, {.quota = quota, .rss = true, .first = {ActionMark{0x100 + v}}});
  }
  /// Guest memory filled with kFill outside its ring.
  static void fill(GuestMemory& m) {
    auto b = m.bytes();
    std::fill(b.begin() + static_cast<std::ptrdiff_t>(guest_ring::bytes(kLog2)), b.end(), kFill);
  }
  FlowTable ft;
};

std::vector<std::uint8_t> vec(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

TEST_F(ZeroCopy, FramesLandInGuestBuffersWithNoHostCopy) {
  route(1);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  GuestRxRing ring(vm, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {.vport = 1});
  unsigned notified = 0;
  shim.on_notify([&] { ++notified; });
  ring.enable_notifications(true);
  for (unsigned i = 0; i < 8; ++i) ASSERT_TRUE(ring.post(buf_gpa(i), kBuf));
  EXPECT_EQ(shim.service(), 0u);
  EXPECT_EQ(shim.stats().posted, 8u);
  EXPECT_EQ(shim.queue().outstanding(), 8u) << "the guest's buffers are on the NIC's ring";
  EXPECT_FALSE(ring.take_notification());

  std::vector<std::vector<std::uint8_t>> sent;
  for (std::uint16_t i = 0; i < 5; ++i) {
    sent.push_back(to_vnic(1, static_cast<std::uint16_t>(1000 + i), 46 + 100 * i));
    w.wire_rx(sent.back());
  }
  EXPECT_EQ(shim.service(), 5u);
  EXPECT_TRUE(ring.take_notification());
  EXPECT_FALSE(ring.take_notification()) << "cleared by the guest";
  EXPECT_EQ(notified, 1);
  const auto got = ring.poll();
  ASSERT_EQ(got.size(), 5u);
  const auto key = VnicConfig::default_rss_key();
  for (unsigned i = 0; i < 5; ++i) {
    const GuestCompletion& c = got[i];
    EXPECT_EQ(c.cpl.slot, i);
    EXPECT_EQ(c.buf_gpa, buf_gpa(i));
    EXPECT_EQ(c.cpl.len, sent[i].size());
    // The frame is at the guest's buffer address in the guest's memory.
    EXPECT_EQ(vec(vm.at(buf_gpa(i), sent[i].size())), sent[i]);
    EXPECT_EQ(vec(c.data), sent[i]);
    // The NIC's completion, as it wrote it: mark, RSS hash, types, checksum status.
    EXPECT_TRUE(c.cpl.mark_valid());
    EXPECT_EQ(c.cpl.mark, 0x101u);
    ASSERT_TRUE(c.cpl.rss_valid());
    const std::vector<std::uint8_t> in(sent[i].begin() + 26, sent[i].begin() + 38);
    EXPECT_EQ(c.cpl.rss_hash, model::toeplitz_hash(key, in));
    EXPECT_TRUE(c.cpl.csum_checked());
    EXPECT_TRUE(c.cpl.ip_csum_ok());
    EXPECT_EQ(c.cpl.src_vport, 0);
  }
  const ZeroCopyStats& s = shim.stats();
  EXPECT_EQ(s.frames_zero_copy, 5u);
  std::uint64_t bytes = 0;
  for (const auto& f : sent) bytes += f.size();
  EXPECT_EQ(s.bytes_zero_copy, bytes);
  EXPECT_EQ(s.host_copy_bytes, 0u) << s.to_string();
  EXPECT_EQ(s.frames_copied, 0u);
  EXPECT_EQ(s.refused(), 0u);
  EXPECT_EQ(drv.stats().out_vnic, 5u);
  // The guest reposts its buffers; the ring goes round more than once (phase flips).
  for (unsigned round = 0; round < 3; ++round) {
    for (unsigned i = 0; i < 8; ++i) {
      ASSERT_TRUE(ring.post(buf_gpa(8 + 8 * round + i), kBuf)) << round;
    }
    shim.service();
    for (std::uint16_t i = 0; i < 8; ++i) w.wire_rx(to_vnic(1, i));
    shim.service();
    const auto more = ring.poll();
    ASSERT_EQ(more.size(), 8u) << round;
    for (std::uint16_t i = 0; i < 8; ++i) EXPECT_EQ(vec(more[i].data), to_vnic(1, i)) << round;
  }
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 0u);
  EXPECT_EQ(shim.stats().host_copy_bytes, 0u);
}

TEST_F(ZeroCopy, RefusesGuestBuffersOutsideItsMemory) {
  route(1);
  GuestMemory vm1(w.device(), 1, kGpaBase, kMem);
  GuestMemory vm2(w.device(), 2, kGpaBase, kMem);
  // A VM at the very top of the address space: a buffer near its end wraps past 2^64.
  constexpr std::uint64_t kTop = ~std::uint64_t{0} - kMem + 1;
  GuestMemory vm3(w.device(), 3, kTop, kMem);
  DmaRegion host = w.device().alloc_dma(4096, 64);  // the host's own memory
  std::fill(host.host().begin(), host.host().end(), kFill);
  fill(vm1);
  fill(vm2);
  GuestRxRing ring(vm1, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm1, kRing, kLog2, {.vport = 1});
  // A raw device address is no guest-physical address of VM 1 (else the case proves nothing).
  ASSERT_FALSE(vm1.contains(vm2.iova_base(), kBuf));
  ASSERT_FALSE(vm1.contains(host.iova(), kBuf));
  ASSERT_TRUE(ring.post(vm2.iova_base(), kBuf));          // another VM's memory
  ASSERT_TRUE(ring.post(host.iova(), kBuf));              // the host's memory
  ASSERT_TRUE(ring.post(kGpaBase - kBuf, kBuf));          // just below its memory
  ASSERT_TRUE(ring.post(kGpaBase + kMem, kBuf));          // just above it
  ASSERT_TRUE(ring.post(kGpaBase + kMem - 100, kBuf));    // overrunning its end
  ASSERT_TRUE(ring.post(~std::uint64_t{0} - 99, kBuf));   // wrapping (outside VM 1)
  ASSERT_TRUE(ring.post(buf_gpa(0), kBuf - 1));           // too short for the queue's frames
  ASSERT_TRUE(ring.post(buf_gpa(0), 0));                  // empty
  ASSERT_TRUE(ring.post(kRing + 64, kBuf));               // over its own ring
  ASSERT_TRUE(ring.post(buf_gpa(1), kBuf));               // the one good buffer
  shim.service();
  const ZeroCopyStats& s = shim.stats();
  EXPECT_EQ(s.refused_outside, 5u) << s.to_string();
  EXPECT_EQ(s.refused_overrun, 1u);
  EXPECT_EQ(s.refused_short, 2u);
  EXPECT_EQ(s.refused_ring, 1u);
  EXPECT_EQ(s.posted, 1u);
  EXPECT_EQ(shim.queue().outstanding(), 1u) << "no refused buffer reached the NIC";
  const auto refused = ring.poll();
  ASSERT_EQ(refused.size(), 9u);
  for (unsigned i = 0; i < 9; ++i) {
    EXPECT_TRUE(refused[i].refused());
    EXPECT_EQ(refused[i].cpl.slot, i);
    EXPECT_TRUE(refused[i].data.empty());
  }
  // Frames now: the first lands in the good buffer; the rest find no descriptor.
  const auto f = to_vnic(1, 7, 1400);
  for (int i = 0; i < 3; ++i) w.wire_rx(f);
  shim.service();
  const auto got = ring.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].buf_gpa, buf_gpa(1));
  EXPECT_EQ(vec(got[0].data), f);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 2u);
  // Nothing else was written: VM 2, the host's memory, VM 1 outside its ring and that buffer.
  EXPECT_TRUE(std::all_of(host.host().begin(), host.host().end(),
                          [](std::uint8_t b) { return b == kFill; }));
  const auto ring_end = static_cast<std::ptrdiff_t>(guest_ring::bytes(kLog2));
  EXPECT_TRUE(std::all_of(vm2.bytes().begin() + ring_end, vm2.bytes().end(),
                          [](std::uint8_t b) { return b == kFill; }));
  const auto b1 = static_cast<std::ptrdiff_t>(buf_gpa(1) - kGpaBase);
  const auto v1 = vm1.bytes();
  EXPECT_TRUE(std::all_of(v1.begin() + ring_end, v1.begin() + b1,
                          [](std::uint8_t b) { return b == kFill; }));
  EXPECT_TRUE(std::all_of(v1.begin() + b1 + static_cast<std::ptrdiff_t>(f.size()), v1.end(),
                          [](std::uint8_t b) { return b == kFill; }));
  // The wrap, for a VM where end-of-buffer arithmetic overflows: refused, not posted.
  GuestRxRing top_ring(vm3, kTop, kLog2);
  {
    ZeroCopyRx top(drv, 1, vm3, kTop, kLog2, {});
    ASSERT_TRUE(top_ring.post(kTop + kMem - 1024, kBuf));  // ends 1024 bytes past 2^64
    ASSERT_TRUE(top_ring.post(kTop, kMem));                // all of it, its ring too
    ASSERT_TRUE(top_ring.post(kTop + kMem - kBuf, kBuf));  // the last 2 KiB: fine
    top.service();
    EXPECT_EQ(top.stats().refused_overrun, 1u) << top.stats().to_string();
    EXPECT_EQ(top.stats().refused_ring, 1u);
    EXPECT_EQ(top.stats().posted, 1u);
  }
}

TEST_F(ZeroCopy, FrameForOneVmNeverLandsInAnother) {
  route(1);
  route(2);
  GuestMemory vm1(w.device(), 1, kGpaBase, kMem);
  GuestMemory vm2(w.device(), 2, kGpaBase, kMem);  // the same guest-physical addresses
  fill(vm1);
  fill(vm2);
  GuestRxRing ring1(vm1, kRing, kLog2), ring2(vm2, kRing, kLog2);
  ZeroCopyRx shim1(drv, 0, vm1, kRing, kLog2, {.vport = 1});
  ZeroCopyRx shim2(drv, 1, vm2, kRing, kLog2, {.vport = 2});
  for (unsigned i = 0; i < 12; ++i) {
    ASSERT_TRUE(ring1.post(buf_gpa(i), kBuf));
    ASSERT_TRUE(ring2.post(buf_gpa(i), kBuf));  // the same GPAs, VM 2's memory
  }
  shim1.service();
  shim2.service();
  // Only VM 2's traffic: VM 1's memory does not change by one byte.
  const std::vector<std::uint8_t> before(vm1.bytes().begin(), vm1.bytes().end());
  for (std::uint16_t i = 0; i < 3; ++i) w.wire_rx(to_vnic(2, i, 200));
  shim1.service();
  shim2.service();
  EXPECT_EQ(vec(vm1.bytes()), before);
  // Both, interleaved.
  std::vector<std::vector<std::uint8_t>> sent1, sent2{to_vnic(2, 0, 200), to_vnic(2, 1, 200),
                                                      to_vnic(2, 2, 200)};
  for (std::uint16_t i = 0; i < 8; ++i) {
    sent1.push_back(to_vnic(1, static_cast<std::uint16_t>(100 + i), 60 + 50 * i));
    w.wire_rx(sent1.back());
    if (i % 2 == 0) {
      sent2.push_back(to_vnic(2, static_cast<std::uint16_t>(200 + i), 900 - 40 * i));
      w.wire_rx(sent2.back());
    }
  }
  shim1.service();
  shim2.service();
  // Each VM's memory is: its ring, its own frames at its own buffers, and kFill elsewhere.
  auto check = [&](GuestMemory& vm, GuestRxRing& ring,
                   const std::vector<std::vector<std::uint8_t>>& sent) {
    const auto got = ring.poll();
    ASSERT_EQ(got.size(), sent.size()) << "VM " << vm.vm();
    std::vector<std::uint8_t> expect(vm.bytes().begin(), vm.bytes().end());
    const std::size_t ring_end = guest_ring::bytes(kLog2);
    std::fill(expect.begin() + static_cast<std::ptrdiff_t>(ring_end), expect.end(), kFill);
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].buf_gpa, buf_gpa(static_cast<unsigned>(i)));
      EXPECT_EQ(vec(got[i].data), sent[i]) << "VM " << vm.vm() << " frame " << i;
      std::copy(sent[i].begin(), sent[i].end(),
                expect.begin() + static_cast<std::ptrdiff_t>(got[i].buf_gpa - kGpaBase));
    }
    const auto mem = vm.bytes();
    for (std::size_t k = ring_end; k < expect.size(); ++k) {
      ASSERT_EQ(mem[k], expect[k]) << "VM " << vm.vm() << " byte at GPA " << kGpaBase + k;
    }
  };
  check(vm1, ring1, sent1);
  check(vm2, ring2, sent2);
  EXPECT_EQ(shim1.stats().frames_zero_copy, sent1.size());
  EXPECT_EQ(shim2.stats().frames_zero_copy, sent2.size());
  EXPECT_EQ(shim1.stats().host_copy_bytes + shim2.stats().host_copy_bytes, 0u);
  EXPECT_EQ(drv.stats().out_vnic, sent1.size() + sent2.size());
}

// The guest not posting, or not reading: the NIC finds no descriptor for this VNIC and drops
// the frame (rx_no_desc, counted); nothing is lost silently and delivery resumes.
TEST_F(ZeroCopy, GuestNotPostingOrNotReadingDropsAreCounted) {
  route(1);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  GuestRxRing ring(vm, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {.vport = 1});
  ASSERT_TRUE(ring.post(buf_gpa(0), kBuf));
  ASSERT_TRUE(ring.post(buf_gpa(1), kBuf));
  shim.service();
  for (std::uint16_t i = 0; i < 4; ++i) w.wire_rx(to_vnic(1, i));
  shim.service();
  EXPECT_EQ(ring.poll().size(), 2u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 2u);
  // A full guest ring: 16 posted, the NIC's ring takes 15 (one slot stays empty), the shim
  // holds one back until the NIC has room.
  for (unsigned i = 0; i < 16; ++i) ASSERT_TRUE(ring.post(buf_gpa(i), kBuf));
  EXPECT_FALSE(ring.post(buf_gpa(16), kBuf)) << "every slot is the NIC's or the shim's";
  shim.service();
  EXPECT_EQ(shim.stats().posted, 2u + 15u);
  EXPECT_EQ(shim.held(), 1u);
  // The guest stops reading: all 16 buffers fill, then the NIC drops.
  for (std::uint16_t i = 0; i < 20; ++i) {
    w.wire_rx(to_vnic(1, i));
    shim.service();
  }
  EXPECT_EQ(shim.held(), 0u);
  EXPECT_EQ(shim.stats().frames_zero_copy, 2u + 16u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 2u + 4u);
  const auto got = ring.poll();
  ASSERT_EQ(got.size(), 16u);
  for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(got[i].buf_gpa, buf_gpa(i));
  ASSERT_TRUE(ring.post(buf_gpa(0), kBuf));
  shim.service();
  w.wire_rx(to_vnic(1, 99));
  shim.service();
  EXPECT_EQ(ring.poll().size(), 1u) << "delivery resumes";
}

// The VNIC's NIC quota is given back as the guest reads its completions, so it bounds what
// the guest has been written and not yet read.
TEST_F(ZeroCopy, ReleasesTheNicQuotaAsTheGuestReads) {
  route(1, 300);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  GuestRxRing ring(vm, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {.vport = 1});
  for (unsigned i = 0; i < 8; ++i) ASSERT_TRUE(ring.post(buf_gpa(i), kBuf));
  shim.service();
  const auto f = to_vnic(1, 1);
  ASSERT_EQ(f.size(), 100u);
  for (int i = 0; i < 4; ++i) w.wire_rx(f);
  shim.service();
  EXPECT_EQ(drv.stats().drop_quota, 1u);
  EXPECT_EQ(drv.quota_inflight(1), 300u);
  EXPECT_EQ(ring.poll(1).size(), 1u);
  shim.service();
  EXPECT_EQ(drv.quota_inflight(1), 200u);
  EXPECT_EQ(shim.stats().quota_released, 100u);
  w.wire_rx(f);
  shim.service();
  EXPECT_EQ(drv.stats().drop_quota, 1u);
  EXPECT_EQ(ring.poll().size(), 3u);
  shim.service();
  EXPECT_EQ(drv.quota_inflight(1), 0u);
}

// The host's own path into the VM copies, and says so: host_copy_bytes moves only there.
TEST_F(ZeroCopy, HostCopyPathIsCounted) {
  route(1);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  GuestRxRing ring(vm, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {.vport = 1, .copy_reserve = 2});
  for (unsigned i = 0; i < 5; ++i) ASSERT_TRUE(ring.post(buf_gpa(i), kBuf));
  shim.service();
  EXPECT_EQ(shim.stats().posted, 3u);
  EXPECT_EQ(shim.held(), 2u);
  const auto a = to_vnic(1, 1, 300);
  w.wire_rx(a);
  shim.service();
  EXPECT_EQ(shim.stats().host_copy_bytes, 0u);
  const auto b = to_vnic(1, 2, 500);
  fmt::RxCpl meta;
  meta.mark = 77;
  meta.set_mark_valid(true);
  EXPECT_TRUE(shim.deliver_copy(b, meta));
  EXPECT_FALSE(shim.deliver_copy(std::vector<std::uint8_t>(kBuf + 1, 0)));  // too long
  EXPECT_TRUE(shim.deliver_copy(a));
  EXPECT_FALSE(shim.deliver_copy(a));  // none kept back
  const ZeroCopyStats& s = shim.stats();
  EXPECT_EQ(s.frames_zero_copy, 1u);
  EXPECT_EQ(s.frames_copied, 2u);
  EXPECT_EQ(s.host_copy_bytes, b.size() + a.size());
  EXPECT_EQ(s.copy_too_long, 1u);
  EXPECT_EQ(s.copy_no_buffer, 1u);
  const auto got = ring.poll();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(vec(got[0].data), a);
  EXPECT_EQ(got[0].buf_gpa, buf_gpa(0));
  EXPECT_EQ(vec(got[1].data), b);
  EXPECT_EQ(got[1].buf_gpa, buf_gpa(3)) << "a buffer kept back from the NIC";
  EXPECT_EQ(got[1].cpl.mark, 77u);
  EXPECT_EQ(vec(got[2].data), a);
}

// A guest that writes nonsense into its ring's indices gets nothing taken, counted.
TEST_F(ZeroCopy, IgnoresBadGuestIndices) {
  route(1);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  GuestRxRing ring(vm, kRing, kLog2);
  ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {.vport = 1});
  auto u16 = [&](const fmt::IntField& f, std::uint16_t v) {
    f.put(vm.at(kRing, fmt::guest_rx_ctrl::kBytes), v);
  };
  u16(fmt::guest_rx_ctrl::DESC_PROD, 1000);  // more than the ring holds
  shim.service();
  EXPECT_EQ(shim.stats().bad_index, 1u);
  EXPECT_EQ(shim.stats().posted, 0u);
  u16(fmt::guest_rx_ctrl::DESC_PROD, 0);
  ASSERT_TRUE(ring.post(buf_gpa(0), kBuf));
  shim.service();
  EXPECT_EQ(shim.stats().posted, 1u);
  // Slot 0 is the NIC's. A guest claiming 16 more descriptors: slots 1..15 hold nothing
  // (refused), then the completion ring is full and the pass stops.
  u16(fmt::guest_rx_ctrl::DESC_PROD, 17);
  shim.service();
  EXPECT_EQ(shim.stats().refused_outside, 15u);
  EXPECT_EQ(shim.stats().bad_index, 1u);
  EXPECT_EQ(ring.poll().size(), 15u);
  shim.service();  // room again: the 17th descriptor would reuse slot 0, still the NIC's
  EXPECT_EQ(shim.stats().bad_index, 2u);
  EXPECT_EQ(shim.stats().posted, 1u);
  u16(fmt::guest_rx_ctrl::CQ_CONS, 100);  // read completions never written
  shim.service();
  EXPECT_EQ(shim.stats().bad_index, 4u);
  EXPECT_EQ(shim.queue().outstanding(), 1u);
  w.wire_rx(to_vnic(1, 5));  // the one good buffer still works
  shim.service();
  EXPECT_EQ(shim.stats().frames_zero_copy, 1u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 0u);
}

TEST_F(ZeroCopy, RefusesBadSetup) {
  EXPECT_THROW(GuestMemory(w.device(), 1, kGpaBase, 0), DriverError);
  EXPECT_THROW(GuestMemory(w.device(), 1, kGpaBase + 1, 4096), DriverError);
  EXPECT_THROW(GuestMemory(w.device(), 1, ~std::uint64_t{0} - 4095, 8192), DriverError);
  GuestMemory vm(w.device(), 1, kGpaBase, kMem);
  EXPECT_THROW(GuestRxRing(vm, kGpaBase + kMem - 64, kLog2), DriverError);  // past its end
  EXPECT_THROW(GuestRxRing(vm, kRing + 8, kLog2), DriverError);             // misaligned
  EXPECT_THROW(GuestRxRing(vm, kRing, 3), DriverError);
  EXPECT_THROW(ZeroCopyRx(drv, 0, vm, kGpaBase - 4096, kLog2, {}), DriverError);
  EXPECT_THROW(ZeroCopyRx(drv, 0, vm, kRing, kLog2, {.vport = drv.features().num_vnic + 1}),
               DriverError);
  EXPECT_THROW(ZeroCopyRx(drv, 0, vm, kRing, kLog2, {.min_buf = 0}), DriverError);
  EXPECT_THROW(ZeroCopyRx(drv, 0, vm, kRing, kLog2, {.copy_reserve = 16}), DriverError);
  {
    ZeroCopyRx shim(drv, 0, vm, kRing, kLog2, {});
    EXPECT_THROW(ZeroCopyRx(drv, 0, vm, kRing, kLog2, {}), DriverError) << "queue 0 is taken";
    EXPECT_THROW((void)shim.queue().poll(), DriverError);
    EXPECT_THROW((void)shim.queue().receive(), DriverError);
  }
  RxQueue normal(drv, 0, {.size_log2 = 4});  // the shim gave the queue back
  EXPECT_THROW((void)normal.post_buffer(0, kBuf, 0), DriverError);
  EXPECT_THROW((void)normal.take(), DriverError);
  RxPool pool(drv, {.budget_bytes = 4 * kBuf, .buf_size = kBuf});
  EXPECT_THROW(RxQueue(drv, 1, {.pool = &pool, .external = true}), DriverError);
  EXPECT_THROW(RxQueue(drv, 1, {.release_quota_vport = 1, .external = true}), DriverError);
}

}  // namespace
}  // namespace nicsim::host::test
