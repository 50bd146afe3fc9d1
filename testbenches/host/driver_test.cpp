// SPDX-License-Identifier: MIT
// The driver on either backend (world.hpp): probe, queues, RSS, interrupts, transmit and
// anti-spoof, loopback, the exception path with a slow path installing flows, statistics.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "fixture.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host::test {
namespace {

namespace R = nicsim::regs;
using namespace std::chrono_literals;

// ---- probe ------------------------------------------------------------------------------------

TEST_F(HostTest, ProbeFindsEveryBlockAndFeature) {
  for (unsigned b = 0; b < static_cast<unsigned>(Block::kCount); ++b) {
    EXPECT_TRUE(drv.has(static_cast<Block>(b))) << to_string(static_cast<Block>(b));
  }
  EXPECT_EQ(drv.block(Block::kNic).base, 0u);
  EXPECT_EQ(drv.block(Block::kRxq).base, R::rxq::kBase);
  EXPECT_EQ(drv.block(Block::kVnic).tag, R::vnic::kTag);
  EXPECT_TRUE(drv.unknown_blocks().empty());
  const Features& f = drv.features();
  const auto cfg = host_test_config();
  EXPECT_EQ(f.num_vnic, cfg.pipeline.num_vnic);
  EXPECT_EQ(f.num_rxq, cfg.num_rxq);
  EXPECT_EQ(f.num_txq, cfg.num_txq);
  EXPECT_EQ(f.em_buckets, cfg.pipeline.em_buckets);
  EXPECT_EQ(f.em_ways, 4u);
  EXPECT_EQ(f.em_entries, cfg.pipeline.em_buckets * 2u * 4u);  // two banks of 4-way buckets
  EXPECT_EQ(f.tcam_entries, cfg.pipeline.tcam_entries);
  EXPECT_EQ(f.num_meters, cfg.pipeline.num_meters);
  EXPECT_EQ(f.num_encap, cfg.pipeline.num_encap);
  EXPECT_EQ(f.num_vectors, cfg.num_vectors);
  EXPECT_EQ(f.parse_window, 256u);
  EXPECT_EQ(f.data_width, cfg.data_w);
  EXPECT_TRUE(f.flow_table && f.tcam && f.actions && f.flow_command_ring && f.exception_queue &&
              f.counters);
  EXPECT_TRUE(f.tcp_ctl_copy && f.encap_nvgre_geneve && f.check_osrc && f.em_activity)
      << f.to_string();
  EXPECT_TRUE(drv.enabled());
  drv.enable(false);
  EXPECT_FALSE(drv.enabled());
  drv.enable(true);
}

/// Test decorator over a device: hides blocks by relinking BLOCK_NEXT around them, or
/// pretends to be no NIC at all, or reads other values at some addresses (`reads`: an older
/// NIC's block versions).
class HidingDevice final : public Device {
 public:
  HidingDevice(Device& inner, std::set<std::uint32_t> hidden_tags, bool blank = false,
               std::map<std::uint32_t, std::uint32_t> reads = {})
      : inner_(inner), blank_(blank), next_(std::move(reads)) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> chain;  // (base, tag)
    for (std::uint32_t a = 0;;) {
      chain.emplace_back(a, inner.read32(a + R::BLOCK_ID));
      const std::uint32_t n = inner.read32(a + R::BLOCK_NEXT);
      if (n == 0) break;
      a = n;
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
      std::uint32_t next = 0;
      for (std::size_t j = i + 1; j < chain.size(); ++j) {
        if (!hidden_tags.contains(chain[j].second)) {
          next = chain[j].first;
          break;
        }
      }
      next_[chain[i].first + R::BLOCK_NEXT] = next;
    }
  }
  std::uint32_t read32(std::uint32_t off) override {
    if (blank_) return 0;
    if (auto it = next_.find(off); it != next_.end()) return it->second;
    return inner_.read32(off);
  }
  void write32(std::uint32_t off, std::uint32_t v) override { inner_.write32(off, v); }
  DmaRegion alloc_dma(std::size_t b, std::size_t a) override { return inner_.alloc_dma(b, a); }
  bool wait_interrupt(unsigned v, std::chrono::nanoseconds t) override {
    return inner_.wait_interrupt(v, t);
  }
  [[nodiscard]] std::string name() const override { return "hiding(" + inner_.name() + ")"; }

 private:
  Device& inner_;
  bool blank_;
  std::map<std::uint32_t, std::uint32_t> next_;
};

TEST_F(HostTest, MissingBlocksFailOnlyWhenUsed) {
  HidingDevice hd(w.device(), {R::tcam::kTag, R::excq::kTag, R::fcmd::kTag});
  Driver d = Driver::probe(hd);
  EXPECT_FALSE(d.has(Block::kTcam));
  EXPECT_FALSE(d.has(Block::kExcq));
  EXPECT_TRUE(d.has(Block::kRxq));
  EXPECT_FALSE(d.features().tcam);
  EXPECT_FALSE(d.features().flow_command_ring);
  // Receive queues still work; the exception ring is a clear error.
  RxQueue rx(d, 0, {});
  try {
    auto q = RxQueue::exception(d, {});
    FAIL() << "exception queue without an excq block";
  } catch (const DriverError& e) {
    EXPECT_EQ(e.code(), DriverErrc::kMissingBlock);
    EXPECT_NE(std::string(e.what()).find("excq"), std::string::npos) << e.what();
  }
  FlowTable ft(d);
  // Exact rules work, wildcard rules need the TCAM.
  auto em =
      ft.create({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 1, 2), {{ActionDrop{}}});
  EXPECT_TRUE(em.ok()) << em.error().to_string();
  auto wc = ft.create({}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionDrop{}}});
  ASSERT_FALSE(wc.ok());
  EXPECT_EQ(wc.error().type, FlowError::Type::kUnsupported);
  // Batch without the command ring falls back to registers.
  std::vector<FlowRule> rules{
      {{.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 1, 3), {ActionDrop{}}}};
  auto r = ft.create_batch(rules);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].ok());
  EXPECT_TRUE(ft.flush().ok());
}

// A NIC whose actions and flow-command blocks are minor 0 (before tcp_ctl_copy, NVGRE and
// Geneve templates, check_osrc and EM_ACTIVITY): the driver refuses what it would ignore, and
// reads activity flow by flow.
TEST_F(HostTest, AnOlderNicIsRefusedTheActionsItWouldIgnore) {
  HidingDevice old(w.device(), {}, false,
                   {{R::actions::kBase + R::BLOCK_VERSION, 0x0001'0000u},
                    {R::fcmd::kBase + R::BLOCK_VERSION, 0x0001'0000u}});
  Driver d = Driver::probe(old);
  EXPECT_TRUE(d.features().actions && d.features().flow_command_ring);
  EXPECT_FALSE(d.features().tcp_ctl_copy || d.features().encap_nvgre_geneve ||
               d.features().check_osrc || d.features().em_activity)
      << d.features().to_string();
  FlowTable ft(d);
  auto pat = tcp4_pattern(0x0a000001, 0x0a000002, 1, 2);
  auto a = ft.create({.ingress_vport = 0}, pat, {{ActionTcpCtlCopy{}, ActionDrop{}}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().type, FlowError::Type::kUnsupported) << a.error().to_string();
  auto b = ft.create({.ingress_vport = 0}, pat, {{ActionCheckOuterSrc{}, ActionDrop{}}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().type, FlowError::Type::kUnsupported) << b.error().to_string();
  EncapTemplate t;
  t.set_tunnel(fmt::EncapTunnel::kGeneve);
  auto g = ft.set_encap_template(1, t);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().type, FlowError::Type::kUnsupported) << g.error().to_string();
  t.set_tunnel(fmt::EncapTunnel::kVxlan);
  EXPECT_TRUE(ft.set_encap_template(1, t).ok());
  // Activity without EM_ACTIVITY: query() per flow, the same answers.
  auto f = ft.create({.ingress_vport = 0}, pat, {{ActionDrop{}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  w.wire_rx(tcp4(0x0a000001, 0x0a000002, 1, 2));
  const auto q = ft.query_bulk(std::vector<Flow>{*f});
  ASSERT_EQ(q.size(), 1u);
  ASSERT_TRUE(q[0].ok());
  EXPECT_EQ(q[0]->packets, 1u);
  EXPECT_TRUE(ft.flush().ok());
}

// Provider-address validation in the NIC (spec 5.2, check_osrc): an offloaded decapsulating
// flow delivers what its underlay source sends; a frame of the same customer flow from another
// underlay source reaches the host as received (reason OUTER_SRC), not the VM.
TEST_F(HostTest, OffloadedDecapFlowChecksTheUnderlaySource) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  FlowTable ft(drv);
  const std::uint32_t pa = 0xc0a80701;  // 192.168.7.1, the remote host's PA
  ActionCheckOuterSrc check;
  for (int i = 0; i < 4; ++i) check.addr[12 + i] = static_cast<std::uint8_t>(pa >> (24 - 8 * i));
  const std::vector<FlowItem> pat{
      ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{{.spec = TunHdr{77}}}, ItemEth{},
      ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000001, .dst = 0x0a000002}}},
      ItemTcp{{.spec = TcpHdr{.sport = 1111, .dport = 80}}}, ItemEnd{}};
  const auto f = ft.create({.ingress_vport = 0}, pat,
                           {{ActionVxlanDecap{}, check, ActionMark{4}, ActionVnic{1}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  auto from = [](std::uint32_t outer_src) {
    return model::PacketBuilder()
        .eth()
        .ipv4({.src = model::Ipv4Addr(outer_src), .dst = model::Ipv4Addr(0xc0a80702)})
        .udp({.sport = 5000, .dport = 4789})
        .vxlan({.vni = 77})
        .eth({.dst = model::MacAddr::from_u64(kMacVnic1), .src = model::MacAddr::from_u64(kMacGw)})
        .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
        .tcp({.sport = 1111, .dport = 80, .flags = model::tcpflag::kAck})
        .payload(20)
        .bytes();
  };
  const auto good = from(pa), spoof = from(0xc0a80742);
  w.wire_rx(good);
  w.wire_rx(spoof);
  w.wire_rx(good);
  const std::vector<RxPacket> got = rx.poll();
  ASSERT_EQ(got.size(), 2u) << "only the PA's frames reach the VM";
  for (const RxPacket& p : got) {
    EXPECT_EQ(p.bytes, std::vector<std::uint8_t>(good.begin() + 50, good.end())) << "decapsulated";
    EXPECT_TRUE(p.mark_valid);
  }
  const std::vector<RxPacket> e = exc.poll();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].reason, ExceptionReason::kOuterSrc);
  EXPECT_EQ(fmt::to_string(e[0].reason), std::string("outer_src"));
  EXPECT_EQ(e[0].bytes, spoof) << "as received";
  EXPECT_FALSE(e[0].mark_valid);
  EXPECT_EQ(drv.stats().out_exception, 1u);
  // With a source rewrite the record's one sip field cannot hold both.
  auto both = ft.create({.ingress_vport = 0}, tcp4_pattern(1, 2, 3, 4),
                        {{check, ActionSetIpv4Src{5}, ActionDrop{}}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().type, FlowError::Type::kAction) << both.error().to_string();
}

TEST_F(HostTest, ProbeRejectsANonNic) {
  HidingDevice blank(w.device(), {}, true);
  try {
    (void)Driver::probe(blank);
    FAIL() << "probe accepted a device reading all zeros";
  } catch (const DriverError& e) {
    EXPECT_EQ(e.code(), DriverErrc::kNoDevice);
  }
}

TEST_F(HostTest, QueueArgumentsAreChecked) {
  const unsigned nq = drv.features().num_rxq;
  EXPECT_THROW(RxQueue(drv, nq, {}), DriverError);  // queues are 0..nq-1
  EXPECT_THROW(RxQueue(drv, 0, {.size_log2 = 3}), DriverError);
  EXPECT_THROW(RxQueue(drv, 0, {.irq = {.enable = true, .vector = 8}}), DriverError);
  RxQueue a(drv, 0, {});
  try {
    RxQueue b(drv, 0, {});
    FAIL() << "two owners of one queue";
  } catch (const DriverError& e) {
    EXPECT_EQ(e.code(), DriverErrc::kBusy);
  }
  EXPECT_THROW(TxQueue(drv, 0, {.vport = 9}), DriverError);
  VnicConfig bad;
  bad.vport = 1;
  bad.rxq_base = nq - 1;
  bad.rxq_count = 2;
  EXPECT_THROW(drv.configure_vnic(bad), DriverError);
}

// ---- receive: RSS, ring wrap, interrupts -------------------------------------------------------

std::uint32_t toeplitz(const std::array<std::uint8_t, 40>& key,
                       const std::vector<std::uint8_t>& in) {
  std::uint32_t h = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    for (int b = 7; b >= 0; --b) {
      if ((in[i] >> b) & 1) {
        const std::size_t bit = i * 8 + static_cast<std::size_t>(7 - b);
        std::uint32_t w = 0;
        for (std::size_t k = 0; k < 32; ++k) {
          const std::size_t kb = bit + k;
          const unsigned v = (key[kb / 8] >> (7 - kb % 8)) & 1;
          w = (w << 1) | v;
        }
        h ^= w;
      }
    }
  }
  return h;
}

TEST_F(HostTest, RssSpreadsOverTheQueueSet) {
  vnic(1, 4, 4, /*rss=*/true);
  std::vector<RxQueue> qs;
  for (unsigned q = 4; q < 8; ++q) qs.emplace_back(drv, q, RxQueueConfig{});
  FlowTable ft(drv);
  auto f = ft.create({.priority = 10, .ingress_vport = 0},
                     {{ItemEth{}, ItemIpv4{}, ItemTcp{}, ItemEnd{}}}, {{ActionVnic{1}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_EQ(ft.table_of(*f), FlowTableKind::kTcam);
  constexpr unsigned kN = 64;
  for (unsigned i = 0; i < kN; ++i) {
    w.wire_rx(tcp4(0x0a000001, 0x0a000002, static_cast<std::uint16_t>(1000 + i * 7), 80));
  }
  unsigned total = 0;
  const auto key = VnicConfig::default_rss_key();
  for (auto& q : qs) {
    const auto pk = q.poll(kN);
    EXPECT_GT(pk.size(), 0u) << "queue " << q.index() << " got nothing";
    for (const auto& p : pk) {
      ASSERT_TRUE(p.rss_valid);
      EXPECT_EQ(p.src_vport, 0);
      EXPECT_EQ(p.tcam_index, *ft.hw_handle(*f));
      // Host-side Toeplitz over src, dst, sport, dport of the delivered frame.
      std::vector<std::uint8_t> in(p.bytes.begin() + 26, p.bytes.begin() + 38);
      EXPECT_EQ(p.rss_hash, toeplitz(key, in));
      EXPECT_EQ(p.queue, 4 + (p.rss_hash & 127) % 4);  // round-robin indirection
      EXPECT_EQ(p.l3, 1);
      EXPECT_EQ(p.l4, 1);
    }
    total += static_cast<unsigned>(pk.size());
  }
  EXPECT_EQ(total, kN);
  EXPECT_EQ(drv.stats().out_vnic, kN);
  EXPECT_EQ(drv.stats().tcam_hits, kN);
  auto c = ft.query(*f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->packets, kN);
}

TEST_F(HostTest, CompletionsWrapByPhaseAndBuffersAreReposted) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {.size_log2 = 4, .buf_size = 256});
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 0}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionVnic{1}}})
          .ok());
  std::uint16_t next = 0;
  unsigned got = 0;
  for (unsigned round = 0; round < 10; ++round) {
    for (unsigned i = 0; i < 11; ++i) {
      w.wire_rx(tcp4(0x0a000001, 0x0a000002, static_cast<std::uint16_t>(round * 11 + i), 80));
    }
    EXPECT_EQ(rx.pending(), 11u);
    for (const auto& p : rx.poll(64)) {
      const std::uint16_t sport = static_cast<std::uint16_t>(p.bytes[34] << 8 | p.bytes[35]);
      EXPECT_EQ(sport, next++) << "order";
      ++got;
    }
  }
  EXPECT_EQ(got, 110u);
  EXPECT_EQ(rx.hw_cq_prod(), 110u);
  // Ring full: 15 buffers posted (one slot spare); 16 more frames drop one (rx_no_desc).
  for (unsigned i = 0; i < 16; ++i) w.wire_rx(tcp4(0x0a000001, 0x0a000002, 5, 80));
  EXPECT_EQ(rx.poll(64).size(), 15u);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 1u);
  // Too long for the 256-byte buffer.
  w.wire_rx(tcp4(0x0a000001, 0x0a000002, 5, 80, 400));
  EXPECT_EQ(rx.poll(64).size(), 0u);
  EXPECT_EQ(drv.stats().drop_rx_too_long, 1u);
}

TEST_F(HostTest, QueueCanBeReopenedAndResetQuiesces) {
  vnic(1, 0, 1);
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 0}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionVnic{1}}})
          .ok());
  const auto f = tcp4(1, 2, 3, 4);
  {
    RxQueue rx(drv, 0, {.size_log2 = 4});
    for (int i = 0; i < 21; ++i) w.wire_rx(f);
    EXPECT_EQ(rx.poll().size(), 15u);  // 15 posted; 6 dropped rx_no_desc
  }
  // The destructor disabled the queue: frames for it are dropped, not written.
  w.wire_rx(f);
  EXPECT_EQ(drv.stats().drop_rx_no_desc, 7u);
  {
    RxQueue rx(drv, 0, {.size_log2 = 5});  // new rings, indices continue
    for (int i = 0; i < 40; ++i) {
      w.wire_rx(f);
      ASSERT_EQ(rx.poll().size(), 1u) << i;
    }
  }
  drv.reset();
  EXPECT_FALSE(drv.enabled());
  const auto before = drv.stats();
  w.wire_rx(f);
  if (const auto n = w.wire_discards()) {
    EXPECT_EQ(*n, 1u);
  }
  EXPECT_EQ(drv.stats().rx_wire_frames, before.rx_wire_frames) << "disabled NIC took a frame";
  drv.enable();
}

TEST_F(HostTest, InterruptModerationByPacketsAndCycles) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {.irq = {.enable = true, .vector = 3, .mod_pkts = 4}});
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 0}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionVnic{1}}})
          .ok());
  auto send = [&](unsigned n) {
    for (unsigned i = 0; i < n; ++i) w.wire_rx(tcp4(0x0a000001, 0x0a000002, 1, 2));
  };
  send(3);
  EXPECT_FALSE(rx.wait_interrupt(kIrqQuiet)) << "fired before mod_pkts";
  send(1);
  EXPECT_TRUE(rx.wait_interrupt(1ms));
  EXPECT_FALSE(rx.wait_interrupt(kIrqQuiet)) << "taking clears";
  send(8);
  EXPECT_FALSE(rx.wait_interrupt(kIrqQuiet)) << "raising disarms";
  EXPECT_EQ(rx.poll(64).size(), 12u);
  rx.arm();
  send(4);
  EXPECT_TRUE(rx.wait_interrupt(1ms)) << "re-armed";
  EXPECT_EQ(rx.poll(64).size(), 4u);
  // Time-based moderation: one completion, then mod_cycles. (On the RTL, send() returns a few
  // hundred clocks after the completion; the margins are far wider than that.)
  rx.set_irq({.enable = true, .vector = 3, .mod_pkts = 100, .mod_cycles = 5000});
  rx.arm();
  send(1);
  w.advance(2000);
  EXPECT_FALSE(rx.wait_interrupt(0ns)) << "before mod_cycles";
  w.advance(4000);
  EXPECT_TRUE(rx.wait_interrupt(1ms)) << "mod_cycles timer";
  EXPECT_EQ(rx.poll(64).size(), 1u);
  // Disabled interrupts never fire.
  rx.set_irq({.enable = false, .vector = 3});
  rx.arm();
  send(5);
  EXPECT_FALSE(rx.wait_interrupt(kIrqQuiet));
  EXPECT_EQ(rx.poll(64).size(), 5u);
}

// ---- transmit, anti-spoof, loopback ------------------------------------------------------------

TEST_F(HostTest, TransmitWithAntiSpoofPassAndFail) {
  VnicConfig c;
  c.vport = 1;
  c.rxq_base = 0;
  c.mac = mac(kMacVnic1);
  c.ipv4 = 0x0a000001;
  c.spoof_check = true;
  c.ipv4_check = true;
  drv.configure_vnic(c);
  TxQueue tx(drv, 0, {.vport = 1});
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 1}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionPort{0}}})
          .ok());

  const auto good = tcp4(0x0a000001, 0x0a0000fe, 1234, 80, 32, kMacVnic1, kMacGw);
  ASSERT_TRUE(tx.send(good));
  w.settle();
  auto done = tx.reap();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].status, TxStatus::kOk);
  auto out = w.wire_tx();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->data, good);

  ASSERT_TRUE(tx.send(tcp4(0x0a000001, 0x0a0000fe, 1, 80, 32, kMacVnic2, kMacGw)));  // wrong MAC
  ASSERT_TRUE(tx.send(tcp4(0x0a000009, 0x0a0000fe, 1, 80, 32, kMacVnic1, kMacGw)));  // wrong IP
  ASSERT_TRUE(tx.send(std::vector<std::uint8_t>{}));                                 // length 0
  ASSERT_TRUE(tx.send(good, std::uint8_t{2}));  // override from a VNIC queue
  w.settle();
  done = tx.reap();
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done[0].status, TxStatus::kSpoof);
  EXPECT_EQ(done[1].status, TxStatus::kSpoof);
  EXPECT_EQ(done[2].status, TxStatus::kBadLength);
  EXPECT_EQ(done[3].status, TxStatus::kBadOverride);
  EXPECT_FALSE(w.wire_tx().has_value());
  const Stats s = drv.stats();
  EXPECT_EQ(s.drop_spoof, 2u);
  EXPECT_EQ(s.tx_bad_desc, 2u);
  EXPECT_EQ(s.tx_frames, 3u);
  EXPECT_EQ(s.out_wire, 1u);
  EXPECT_EQ(tx.completed(TxStatus::kSpoof), 2u);
  EXPECT_EQ(tx.in_flight(), 0u);
}

TEST_F(HostTest, TransmitRingWrapsAndBatchesDoorbells) {
  vnic(1, 0, 1);
  TxQueue tx(drv, 1,
             {.size_log2 = 4, .vport = 1, .irq = {.enable = true, .vector = 2, .mod_pkts = 8}});
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 1}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionPort{0}}})
          .ok());
  for (unsigned i = 0; i < 100; ++i) {
    // A full ring refuses the frame until the NIC has sent some (at once on the model).
    const auto f = tcp4(1, 2, static_cast<std::uint16_t>(i), 80, 16, kMacVnic1);
    for (unsigned tries = 0; !tx.send(f, {}, (i % 5) == 4); ++tries) {
      ASSERT_LT(tries, 3u) << "frame " << i << ": the ring stays full";
      w.settle();
    }
  }
  tx.doorbell();
  EXPECT_TRUE(tx.wait_interrupt(1ms)) << "transmit completions raise the vector";
  w.settle();
  (void)tx.reap();
  EXPECT_EQ(tx.completed(TxStatus::kOk), 100u);
  EXPECT_EQ(tx.in_flight(), 0u);
  tx.arm();
  ASSERT_TRUE(tx.send(tcp4(1, 2, 0, 80, 16, kMacVnic1)));
  EXPECT_FALSE(tx.wait_interrupt(kIrqQuiet)) << "1 of mod_pkts 8";
  (void)tx.reap();
  for (unsigned i = 0; i < 101; ++i) {
    auto f = w.wire_tx();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->data[34] << 8 | f->data[35], static_cast<int>(i % 100));
  }
  EXPECT_FALSE(w.wire_tx().has_value());
}

TEST_F(HostTest, LoopbackBetweenVnics) {
  vnic(1, 0, 1);
  vnic(2, 2, 1);
  TxQueue tx(drv, 0, {.vport = 1});
  RxQueue rx2(drv, 2, {});
  FlowTable ft(drv);
  auto f = ft.create({.ingress_vport = 1}, tcp4_pattern(0x0a000001, 0x0a000002, 4000, 80),
                     {{ActionSetMacDst{mac(kMacVnic2)}, ActionVnic{2}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_EQ(ft.table_of(*f), FlowTableKind::kExact);
  ASSERT_TRUE(tx.send(tcp4(0x0a000001, 0x0a000002, 4000, 80, 32, kMacVnic1, kMacGw)));
  w.settle();
  auto pk = rx2.poll();
  ASSERT_EQ(pk.size(), 1u);
  EXPECT_EQ(pk[0].src_vport, 1);
  const Mac want = mac(kMacVnic2);
  EXPECT_TRUE(std::equal(want.begin(), want.end(), pk[0].bytes.begin())) << "SET_MAC_DST";
  EXPECT_TRUE(pk[0].csum_checked && pk[0].ip_csum_ok && pk[0].l4_csum_ok);
  const Stats s = drv.stats();
  EXPECT_EQ(s.loopback, 1u);
  EXPECT_EQ(s.out_wire, 0u);
  EXPECT_EQ(s.em_hits, 1u);
  EXPECT_FALSE(w.wire_tx().has_value());
}

// ---- destination tokens (spec 11) -----------------------------------------------------------

// The host provisions a key; VNIC 1's frames with a good token are routed on its address (a
// rule on the inner destination the token carries, not the one in the frame), a replay is
// dropped, VNIC 3's forged token reaches the exception ring (its VNIC has token_exc); the
// status shows the slots and the verdicts, the keys read back as 0.
TEST_F(HostTest, DestinationTokensAreCheckedAndRoutedOnTheirAddress) {
  ASSERT_TRUE(drv.features().tokens);
  VnicConfig c1;
  c1.vport = 1;
  c1.mac = mac(kMacVnic1);
  drv.configure_vnic(c1);
  vnic(2, 2, 1);
  VnicConfig c3;
  c3.vport = 3;
  c3.rxq_base = 3;
  c3.mac = mac(kMacVnic1);
  c3.token_exc = true;
  drv.configure_vnic(c3);
  TxQueue tx1(drv, 0, {.vport = 1});
  TxQueue tx3(drv, 1, {.vport = 3});
  RxQueue rx2(drv, 2, {});
  RxQueue exc = RxQueue::exception(drv, {});
  FlowTable ft(drv);

  TokenKey key;
  model::TokenKeys mk;
  for (std::size_t i = 0; i < 16; ++i) {
    key.enc[i] = mk.enc[i] = static_cast<std::uint8_t>(0x40 + i);
    key.mac[i] = mk.mac[i] = static_cast<std::uint8_t>(0x91 * (i + 1));
  }
  drv.load_token_key(0, key);
  drv.enable_tokens();
  TokenStatus st = drv.token_status();
  EXPECT_TRUE(st.enabled);
  EXPECT_TRUE(st.key_valid[0]);
  EXPECT_FALSE(st.key_valid[1]);
  const std::uint32_t tb = drv.block(Block::kTokn).base;
  for (std::uint32_t off = R::tokn::KEY_ENC0; off <= R::tokn::KEY_MAC3; off += 4)
    EXPECT_EQ(drv.rd(tb + off), 0u) << "key word at " << off;

  const std::uint32_t dst = 0x0a640007;  // 10.100.0.7: where the token says
  for (unsigned vp : {1u, 3u}) {
    auto f = ft.create({.ingress_vport = vp},
                       {{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemGeneve{{.spec = TunHdr{77}}},
                         ItemEth{},
                         ItemIpv4{{.spec = Ipv4Hdr{.dst = dst}, .mask = Ipv4Hdr{.dst = ~0u}}},
                         ItemTcp{}}},
                       {{ActionMark{vp}, ActionVnic{2}}});
    ASSERT_TRUE(f.ok()) << f.error().to_string();
  }
  const auto frame = [&](std::uint16_t eni, std::uint64_t seq, bool forge) {
    model::TokenHeader h;
    h.eni = eni;
    h.seq = seq;
    model::Token t = model::make_token(mk, h, model::token_addr_v4(dst));
    if (forge) t[33] ^= 0x10;
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(kMacGw), .src = model::MacAddr::from_u64(kMacVnic1)})
        .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = model::Ipv4Addr(192, 168, 9, 9)})
        .udp({.sport = 49152, .dport = 6081})
        .geneve({.vni = 77, .options = {model::token_option(t)}})
        .eth().ipv4({.src = model::Ipv4Addr(172, 16, 0, 1), .dst = model::Ipv4Addr(172, 16, 0, 99)})
        .tcp({.sport = 5555, .dport = 443}).payload(40).bytes();
  };
  const auto good = frame(1, 1, false);
  ASSERT_TRUE(tx1.send(good));
  ASSERT_TRUE(tx1.send(good));  // a replay
  ASSERT_TRUE(tx3.send(frame(3, 1, true)));
  w.settle();
  auto got = rx2.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].bytes, good);  // routed, not rewritten
  EXPECT_EQ(got[0].src_vport, 1);
  EXPECT_TRUE(got[0].mark_valid);
  EXPECT_EQ(got[0].mark, 1u);
  auto refused = exc.poll();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].reason, ExceptionReason::kToken);
  EXPECT_EQ(refused[0].src_vport, 3);
  EXPECT_EQ(refused[0].bytes, frame(3, 1, true));
  st = drv.token_status();
  EXPECT_EQ(st.count(fmt::TokenVerdict::kOk), 1u);
  EXPECT_EQ(st.count(fmt::TokenVerdict::kReplay), 1u);
  EXPECT_EQ(st.count(fmt::TokenVerdict::kBadTag), 1u);
  const Stats s = drv.stats();
  EXPECT_EQ(s.drop_token, 1u);
  EXPECT_EQ(s.out_exception, 1u);
  EXPECT_EQ(s.loopback, 1u);

  // The window cleared, the replayed token is good once more; the slot cleared, refused.
  drv.clear_token_window(1);
  ASSERT_TRUE(tx1.send(good));
  w.settle();  // checked under the key before it is cleared (a frame on the ring is not yet)
  drv.clear_token_key(0);
  EXPECT_FALSE(drv.token_status().key_valid[0]);
  ASSERT_TRUE(tx1.send(frame(1, 2, false)));
  w.settle();
  EXPECT_EQ(rx2.poll().size(), 1u);
  EXPECT_EQ(drv.token_status().count(fmt::TokenVerdict::kNoKey), 1u);
  EXPECT_EQ(drv.stats().drop_token, 2u);
  EXPECT_THROW(drv.load_token_key(2, key), DriverError);
  EXPECT_THROW(drv.clear_token_window(0), DriverError);
  tx1.reap();
  tx3.reap();
}

// ---- the exception path with a slow path -------------------------------------------------------

TEST_F(HostTest, ExceptionPathSlowPathInstallsFlowAndNextPacketHits) {
  vnic(1, 0, 2, /*rss=*/true);
  RxQueue q0(drv, 0, {}), q1(drv, 1, {});
  RxQueue exc = RxQueue::exception(drv, {.irq = {.enable = true, .vector = 0, .mod_pkts = 1}});
  TxQueue host_tx(drv, drv.features().num_txq - 1, {.vport = 255});
  FlowTable ft(drv);

  const auto first = tcp4(0xc0a80001, 0x0a000001, 33000, 443, 100);
  w.wire_rx(first);
  ASSERT_TRUE(exc.wait_interrupt(1ms));
  auto miss = exc.poll();
  ASSERT_EQ(miss.size(), 1u);
  EXPECT_EQ(miss[0].reason, ExceptionReason::kMiss);
  EXPECT_EQ(miss[0].src_vport, 0);
  EXPECT_EQ(miss[0].bytes, first);  // the frame as received
  EXPECT_EQ(drv.stats().misses, 1u);

  // Slow path: read the 5-tuple from the frame and install an exact flow.
  const auto& b = miss[0].bytes;
  auto be32 = [&](std::size_t o) {
    return std::uint32_t(b[o]) << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3];
  };
  auto be16 = [&](std::size_t o) { return static_cast<std::uint16_t>(b[o] << 8 | b[o + 1]); };
  auto f = ft.create({.ingress_vport = miss[0].src_vport},
                     tcp4_pattern(be32(26), be32(30), be16(34), be16(36)),
                     {{ActionMark{0xfeed}, ActionVnic{1}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  ASSERT_EQ(ft.table_of(*f), FlowTableKind::kExact);
  EXPECT_EQ(ft.em_count(), 1u);
  exc.arm();

  // Re-inject the first packet as if from the wire, then the next packet arrives.
  ASSERT_TRUE(host_tx.send(first, std::uint8_t{0}));
  w.settle();
  ASSERT_EQ(host_tx.reap().at(0).status, TxStatus::kOk);
  w.wire_rx(tcp4(0xc0a80001, 0x0a000001, 33000, 443, 200));
  std::vector<RxPacket> got;
  for (auto* q : {&q0, &q1}) {
    for (auto& p : q->poll()) got.push_back(std::move(p));
  }
  ASSERT_EQ(got.size(), 2u);
  for (const auto& p : got) {
    EXPECT_TRUE(p.mark_valid);
    EXPECT_EQ(p.mark, 0xfeedu);
    EXPECT_EQ(p.src_vport, 0);
    EXPECT_EQ(p.tcam_index, 0xFFFF);
    EXPECT_EQ(p.queue, got[0].queue) << "one flow, one queue";
  }
  EXPECT_FALSE(exc.wait_interrupt(0ns));
  EXPECT_EQ(exc.poll().size(), 0u);
  const Stats s = drv.stats();
  EXPECT_EQ(s.em_hits, 2u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.out_exception, 1u);
  auto c = ft.query(*f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->packets, 2u);
  EXPECT_EQ(c->bytes, first.size() + got[1].length);
}

TEST_F(HostTest, MirrorAndTtlExceptionsCarryTheirReason) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  FlowTable ft(drv);
  ASSERT_TRUE(ft.create({.ingress_vport = 0}, tcp4_pattern(1, 2, 3, 4),
                        {{ActionMirror{}, ActionDecTtl{}, ActionVnic{1}}})
                  .ok());
  w.wire_rx(tcp4(1, 2, 3, 4));
  auto m = exc.poll();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].reason, ExceptionReason::kMirror);
  auto d = rx.poll();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].bytes[22], 63) << "TTL decremented";
  // TTL 1: to the host with EXC_TTL, not forwarded.
  w.wire_rx(model::PacketBuilder()
                  .eth()
                  .ipv4({.src = model::Ipv4Addr(1), .dst = model::Ipv4Addr(2), .ttl = 1})
                  .tcp({.sport = 3, .dport = 4})
                  .payload(32)
                  .bytes());
  auto t = exc.poll();
  ASSERT_EQ(t.size(), 2u);  // the mirror copy, then the TTL exception
  EXPECT_EQ(t[0].reason, ExceptionReason::kMirror);
  EXPECT_EQ(t[1].reason, ExceptionReason::kTtl);
  EXPECT_EQ(rx.poll().size(), 0u);
  EXPECT_EQ(drv.stats().mirror, 2u);
}

// Connection tracking while offloaded (spec 5.2 step 2): the SYN, FIN and RST of a flow with
// TCP_CTL_COPY reach the exception ring as copies (reason TCP_CTL) while every segment keeps
// its action; data segments do not.
TEST_F(HostTest, TcpControlSegmentsOfAnOffloadedFlowReachTheHost) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  FlowTable ft(drv);
  const auto f = ft.create({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 40000, 80),
                           {{ActionTcpCtlCopy{}, ActionMark{9}, ActionVnic{1}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  auto seg = [](std::uint8_t flags, std::size_t payload) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(kMacVnic1), .src = model::MacAddr::from_u64(kMacGw)})
        .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
        .tcp({.sport = 40000, .dport = 80, .flags = flags})
        .payload(payload)
        .bytes();
  };
  namespace F = model::tcpflag;
  const std::vector<std::vector<std::uint8_t>> conn = {
      seg(F::kSyn, 0),           seg(F::kAck, 0),          seg(F::kAck | F::kPsh, 100),
      seg(F::kFin | F::kAck, 0), seg(F::kAck | F::kPsh, 3), seg(F::kRst, 0)};
  for (const auto& s : conn) w.wire_rx(s);  // returns when the NIC has handled the frame
  const std::vector<RxPacket> copies = exc.poll();
  ASSERT_EQ(copies.size(), 3u);
  const std::size_t ctl[] = {0, 3, 5};  // SYN, FIN, RST
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(copies[i].reason, ExceptionReason::kTcpCtl);
    EXPECT_EQ(fmt::to_string(copies[i].reason), std::string("tcp_ctl"));
    EXPECT_EQ(copies[i].bytes, conn[ctl[i]]) << "the frame as received";
    EXPECT_EQ(copies[i].src_vport, 0);
    EXPECT_FALSE(copies[i].mark_valid) << "a copy carries no mark";
  }
  const std::vector<RxPacket> got = rx.poll();
  ASSERT_EQ(got.size(), conn.size()) << "every segment delivered by the flow";
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].bytes, conn[i]);
    EXPECT_TRUE(got[i].mark_valid);
  }
  const Stats s = drv.stats();
  EXPECT_EQ(s.mirror, 3u);
  EXPECT_EQ(s.mirror_drop, 0u);
  EXPECT_EQ(s.out_exception, 0u) << "copies are not outcomes";
  EXPECT_EQ(s.out_vnic, conn.size());
  auto c = ft.query(*f);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->packets, conn.size());
  // A flow without the action: its SYN is not copied.
  ASSERT_TRUE(ft.create({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 40001, 80),
                        {{ActionVnic{1}}})
                  .ok());
  w.wire_rx(tcp4(0x0a000001, 0x0a000002, 40001, 80));  // the fixture's frames are SYNs
  EXPECT_EQ(rx.poll().size(), 1u);
  EXPECT_EQ(exc.poll().size(), 0u);
  EXPECT_EQ(drv.stats().mirror, 3u);
}

TEST_F(HostTest, QuotaIsReleasedByThePoller) {
  VnicConfig c;
  c.vport = 1;
  c.quota_bytes = 300;
  drv.configure_vnic(c);
  RxQueue rx(drv, 0, {.release_quota_vport = 1});
  FlowTable ft(drv);
  ASSERT_TRUE(
      ft.create({.ingress_vport = 0}, {{ItemEth{}, ItemIpv4{}, ItemEnd{}}}, {{ActionVnic{1}}})
          .ok());
  const auto f = tcp4(1, 2, 3, 4, 46);  // 100 bytes
  ASSERT_EQ(f.size(), 100u);
  for (int i = 0; i < 4; ++i) w.wire_rx(f);
  EXPECT_EQ(drv.quota_inflight(1), 300u);
  EXPECT_EQ(drv.stats().drop_quota, 1u);
  EXPECT_EQ(rx.poll().size(), 3u);
  EXPECT_EQ(drv.quota_inflight(1), 0u);
  for (int i = 0; i < 3; ++i) w.wire_rx(f);
  EXPECT_EQ(rx.poll().size(), 3u);
  EXPECT_EQ(drv.stats().drop_quota, 1u);
}

// ---- the physical link and the MTU (docs/spec.md 12; link.hpp) ---------------------------------

using LinkState = HostTest;

TEST_F(LinkState, TheDriverReportsStateSpeedAndMedia) {
  ASSERT_TRUE(drv.features().link_status) << drv.features().to_string();
  // The configuration's link from reset: up, 100G, no physical medium.
  host::LinkState s = drv.link();
  EXPECT_TRUE(s.up);
  EXPECT_EQ(s.speed, fmt::LinkSpeed::kG100);
  EXPECT_EQ(s.media, fmt::LinkMedia::kVirtual);
  EXPECT_EQ(speed_mbps(s.speed), 100'000u);
  EXPECT_EQ(to_string(s), "up g100 virtual");
  EXPECT_FALSE(drv.service_link().has_value()) << "nothing changed since the probe";

  w.set_link({.up = false, .speed = fmt::LinkSpeed::kUnknown, .media = fmt::LinkMedia::kFiber});
  s = drv.link();
  EXPECT_FALSE(s.up);
  EXPECT_EQ(s.speed, fmt::LinkSpeed::kUnknown);
  EXPECT_EQ(s.media, fmt::LinkMedia::kFiber);
  EXPECT_EQ(to_string(s), "down fiber");
  // Without the interrupt, service_link polls the change counter.
  const auto c = drv.service_link();
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->before.up);
  EXPECT_FALSE(c->now.up);
  EXPECT_EQ(c->changes, 1u);
  EXPECT_FALSE(drv.service_link().has_value());
  // Reserved codes (a newer PHY side) read as unknown.
  w.set_link({.up = true, .speed = static_cast<fmt::LinkSpeed>(13),
              .media = static_cast<fmt::LinkMedia>(9)});
  s = drv.link();
  EXPECT_TRUE(s.up);
  EXPECT_EQ(s.speed, fmt::LinkSpeed::kUnknown);
  EXPECT_EQ(s.media, fmt::LinkMedia::kUnknown);
  EXPECT_EQ(R::nic::LINK_STATUS_SPEED.get(drv.rd(R::nic::LINK_STATUS_ADDR)), 13u)
      << "the NIC shows the code as it comes";
}

TEST_F(LinkState, TheLinkInterruptFiresOnAChangeAndFlapsMerge) {
  const unsigned vec = drv.features().num_vectors - 1;
  drv.enable_link_interrupt(vec);
  EXPECT_FALSE(drv.device().wait_interrupt(vec, kIrqQuiet)) << "enabling raises nothing";
  EXPECT_FALSE(drv.service_link(kIrqQuiet).has_value());

  w.set_link({.up = false});
  auto c = drv.service_link(kIrqQuiet);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->now.up);
  EXPECT_EQ(c->changes, 1u);

  // Down and up again before the driver looks: one interrupt, the count tells of both.
  w.set_link({.up = false, .speed = fmt::LinkSpeed::kG25});
  w.set_link({.up = true, .speed = fmt::LinkSpeed::kG25, .media = fmt::LinkMedia::kDac});
  c = drv.service_link(kIrqQuiet);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->before.up);
  EXPECT_TRUE(c->now.up);
  EXPECT_EQ(c->now.speed, fmt::LinkSpeed::kG25);
  EXPECT_EQ(c->now.media, fmt::LinkMedia::kDac);
  EXPECT_EQ(c->changes, 2u);
  // On the Verilated NIC the second raise may come as a second request once the first was
  // taken: whatever arrives later finds nothing new (the report was complete).
  EXPECT_FALSE(drv.service_link(kIrqQuiet).has_value());

  // Disabled (reset quiesces it too): a change is counted, not raised.
  drv.disable_link_interrupt();
  w.set_link({.up = false});
  EXPECT_FALSE(drv.device().wait_interrupt(vec, kIrqQuiet));
  c = drv.service_link();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->changes, 1u);
  drv.enable_link_interrupt(vec);
  drv.reset();
  EXPECT_EQ(drv.rd(R::nic::LINK_IRQ_ADDR), 0u);
  drv.enable();
}

TEST_F(LinkState, ArgumentsAreChecked) {
  EXPECT_THROW(drv.enable_link_interrupt(drv.features().num_vectors), DriverError);
  EXPECT_THROW(drv.set_mtu(kMinMtu - 1), DriverError);
  EXPECT_THROW(drv.set_mtu(kMaxMtu + 1), DriverError);
  EXPECT_EQ(drv.mtu(), 9000u) << "refused MTUs change nothing";
}

TEST_F(LinkState, TheMtuSetsBothMaxFrameRegistersAndTheNicEnforcesThem) {
  EXPECT_EQ(drv.mtu(), 9000u);  // WIRE_MAX_FRAME's reset value 9018
  drv.set_mtu(1500);
  EXPECT_EQ(drv.mtu(), 1500u);
  EXPECT_EQ(drv.rd(R::nic::WIRE_MAX_FRAME_ADDR), 1518u);
  EXPECT_EQ(drv.rd(R::nic::TX_MAX_FRAME_ADDR), 1518u);
  // The NIC refuses a longer frame from a transmit queue (tx_bad_desc) and sends one at the
  // limit.
  TxQueue tx(drv, 0, TxQueueConfig{.size_log2 = 4, .buf_size = 2048, .vport = 255});
  ASSERT_TRUE(tx.send(tcp4(1, 2, 3, 4, 1518 - 54)));
  ASSERT_TRUE(tx.send(tcp4(1, 2, 3, 4, 1519 - 54)));
  w.settle();
  (void)tx.reap();
  EXPECT_EQ(tx.completed(TxStatus::kBadLength), 1u);
  EXPECT_EQ(drv.stats().tx_bad_desc, 1u);
  // The queue's own software limit (a VNIC's MTU): refused before the ring, counted.
  tx.set_max_frame(1400);
  EXPECT_FALSE(tx.send(tcp4(1, 2, 3, 4, 1401 - 54)));
  EXPECT_EQ(tx.dropped_over_max_frame(), 1u);
  EXPECT_TRUE(tx.send(tcp4(1, 2, 3, 4, 1400 - 54)));
  w.settle();
}

}  // namespace
}  // namespace nicsim::host::test
