// SPDX-License-Identifier: MIT
// Pipeline behaviour (spec 2.2, 4, 5.2, 5.4, 5.6, 6, 7.1 status, 9): lookup order, destinations,
// mirror, meters, parse-error policy and window, RSS, completion status, counters and ledger.
#include <gtest/gtest.h>

#include "dp_test_util.hpp"
#include "nicsim/model/checksum.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/tracegen.hpp"

#include <memory>

namespace nicsim::model {
namespace {

using test::Bench;
using test::Bytes;
using test::to_vec;

Bytes tcp_frame(std::uint16_t sport = 1234) {
  return PacketBuilder().eth().ipv4().tcp({.sport = sport, .dport = 80}).payload(20).bytes();
}

TEST(Pipeline, MissGoesToExceptionWithH1) {
  Pipeline p(PipelineConfig{});
  const Bytes f = tcp_frame();
  const Result& r = p.process(f, 0, 5);
  EXPECT_EQ(r.primary.dest, DestType::kException);
  EXPECT_EQ(r.primary.reason, ExcReason::kMiss);
  EXPECT_EQ(r.primary.port, kHostVport);
  EXPECT_EQ(to_vec(r.primary.bytes), f);
  EXPECT_EQ(r.primary.h1, crc32c(flow_key_of(f, 0)));
  EXPECT_EQ(r.primary.tcam_index, 0xFFFF);
  EXPECT_EQ(p.counters().misses, 1u);
  EXPECT_EQ(p.counters().out_exception, 1u);
}

TEST(Pipeline, EmBeforeTcamAndCounters) {
  Pipeline p(PipelineConfig{});
  const Bytes f = tcp_frame();
  TcamKey zero{};
  ASSERT_TRUE(p.tcam().write(7, 1, zero, zero, forward_to_vnic(2)));  // catch-all
  const Result& r1 = p.process(f, 0, 1 << 20);
  EXPECT_EQ(r1.primary.dest, DestType::kVnic);
  EXPECT_EQ(r1.primary.port, 2);
  EXPECT_EQ(r1.primary.tcam_index, 7);
  EXPECT_EQ(p.tcam().rule(7).pkts, 1u);
  EXPECT_EQ(p.tcam().rule(7).bytes, f.size());
  const auto ins = p.em().insert(flow_key_of(f, 0), forward_to_wire());
  const Result& r2 = p.process(f, 0, 3ull << 20);
  EXPECT_EQ(r2.primary.dest, DestType::kWire);
  EXPECT_EQ(r2.primary.tcam_index, 0xFFFF);
  EXPECT_EQ(p.em().counters(ins.handle).pkts, 1u);
  EXPECT_EQ(p.em().counters(ins.handle).last_seen, 48u);
  EXPECT_EQ(p.counters().em_hits, 1u);
  EXPECT_EQ(p.counters().tcam_hits, 1u);
  // A different source vport is a different key: TCAM again.
  EXPECT_EQ(p.process(f, 3, 0).primary.dest, DestType::kVnic);
  EXPECT_EQ(p.counters().loopback, 1u);
}

TEST(Pipeline, TcamMatchesOnMacAndEtherType) {
  Pipeline p(PipelineConfig{});
  TcamKey v{};
  TcamKey m{};
  store_be16(&v[54], 0x0806);
  m[54] = m[55] = 0xFF;
  ASSERT_TRUE(p.tcam().write(0, 5, v, m, forward_to_vnic(1)));
  EXPECT_EQ(p.process(PacketBuilder().eth().arp().bytes(), 0, 0).primary.dest, DestType::kVnic);
  EXPECT_EQ(p.process(tcp_frame(), 0, 0).primary.reason, ExcReason::kMiss);
}

TEST(Pipeline, Destinations) {
  Bench b;
  ActionRecord drop;  // dest DROP
  EXPECT_EQ(b.run(tcp_frame(1), drop).drop, DropReason::kFlowDrop);
  ActionRecord exc = ActionRecord{}.set_dest_type(ActionDest::kException);
  exc.flags |= ActionRecord::kMark | ActionRecord::kSetDmac;
  exc.mark_value = 77;
  const Result& re = b.run(tcp_frame(2), exc);
  EXPECT_EQ(re.primary.reason, ExcReason::kAction);
  EXPECT_EQ(to_vec(re.primary.bytes), tcp_frame(2));  // as received
  EXPECT_TRUE(re.primary.mark_valid);
  EXPECT_EQ(re.primary.status & RxCpl::kMarkValid, RxCpl::kMarkValid);
  ActionRecord reserved;
  reserved.flags = 5u << ActionRecord::kDestTypeShift;
  EXPECT_EQ(b.run(tcp_frame(3), reserved).drop, DropReason::kBadAction);
  EXPECT_EQ(b.run(tcp_frame(4), forward_to_vnic(9)).drop, DropReason::kBadAction);  // > 8 VNICs
  EXPECT_EQ(b.run(tcp_frame(5), forward_to_vnic(0)).drop, DropReason::kBadAction);
  EXPECT_EQ(b.run(tcp_frame(6), forward_to_wire(1)).drop, DropReason::kBadAction);
  ActionRecord bad_meter = forward_to_wire();
  bad_meter.meter = 64;
  EXPECT_EQ(b.run(tcp_frame(7), bad_meter).drop, DropReason::kBadAction);
  const Result& rv = b.run(tcp_frame(8), forward_to_vnic(8), 4);
  EXPECT_EQ(rv.primary.dest, DestType::kVnic);
  EXPECT_EQ(rv.primary.port, 8);
  const auto& c = b.p.counters();
  EXPECT_EQ(c.drop(DropReason::kFlowDrop), 1u);
  EXPECT_EQ(c.drop(DropReason::kBadAction), 5u);
  EXPECT_EQ(c.out_exception, 1u);
  EXPECT_EQ(c.out_vnic, 1u);
  EXPECT_EQ(c.loopback, 1u);
  EXPECT_EQ(c.tx_frames, 1u);
  EXPECT_TRUE(c.ledger_balanced());
}

TEST(Pipeline, DeliveredBytesOutliveTheInput) {
  Bench b;
  const Bytes f = tcp_frame(11);
  b.p.em().insert(flow_key_of(f, 0), forward_to_wire());
  ActionRecord m = forward_to_vnic(1);
  m.flags |= ActionRecord::kMirror;
  b.p.em().insert(flow_key_of(f, 2), m);
  for (const std::uint8_t src : {std::uint8_t{0}, std::uint8_t{2}}) {
    auto tmp = std::make_unique<Bytes>(f);
    const Result& r = b.p.process(*tmp, src, 0);
    tmp->assign(tmp->size(), 0xEE);  // the caller reuses its buffer
    tmp.reset();
    EXPECT_EQ(to_vec(r.primary.bytes), f);
    if (r.has_mirror) {
      EXPECT_EQ(to_vec(r.mirror.bytes), f);
    }
  }
}

TEST(Pipeline, HostSourceIsNotLoopback) {
  Bench b;
  EXPECT_EQ(b.run(tcp_frame(12), forward_to_vnic(1), kHostVport).primary.dest, DestType::kVnic);
  EXPECT_EQ(b.p.counters().loopback, 0u);
  EXPECT_EQ(b.run(tcp_frame(13), forward_to_vnic(1), 1).primary.dest, DestType::kVnic);
  EXPECT_EQ(b.p.counters().loopback, 1u);
  EXPECT_EQ(b.p.counters().out_vnic, 2u);
}

TEST(Pipeline, WireMtu) {
  PipelineConfig cfg;
  cfg.wire_max_frame = 100;
  Bench b(cfg);
  const Bytes ok = PacketBuilder().eth().ipv4().udp().payload_to(100).bytes();
  const Bytes big = PacketBuilder().eth().ipv4().udp({.sport = 2}).payload_to(101).bytes();
  EXPECT_EQ(b.run(ok, forward_to_wire()).primary.dest, DestType::kWire);
  EXPECT_EQ(b.run(big, forward_to_wire()).drop, DropReason::kMtu);
  // A VLAN push that makes the frame too long is caught too (check after transposition).
  ActionRecord push = forward_to_wire();
  push.set_vlan_op(VlanOp::kPush);
  push.vlan_tci = 1;
  b.p.em().clear();
  EXPECT_EQ(b.run(ok, push).drop, DropReason::kMtu);
}

TEST(Pipeline, MirrorCopiesFrameAsReceived) {
  Bench b;
  ActionRecord a = forward_to_wire();
  a.flags |= ActionRecord::kMirror | ActionRecord::kSetDmac;
  a.dmac = {2, 2, 2, 2, 2, 2};
  const Bytes f = tcp_frame();
  const Result& r = b.run(f, a);
  ASSERT_TRUE(r.has_mirror);
  EXPECT_EQ(r.mirror.dest, DestType::kException);
  EXPECT_EQ(r.mirror.reason, ExcReason::kMirror);
  EXPECT_EQ(to_vec(r.mirror.bytes), f);
  EXPECT_EQ(r.primary.dest, DestType::kWire);
  EXPECT_NE(to_vec(r.primary.bytes), f);
  EXPECT_EQ(b.p.counters().mirror, 1u);
  EXPECT_EQ(b.p.counters().out_exception, 0u);  // copies are outside the ledger
  // Mirror with DROP destination: copy delivered, original dropped.
  ActionRecord d;
  d.flags = ActionRecord::kMirror;
  const Result& r2 = b.run(tcp_frame(99), d);
  EXPECT_TRUE(r2.has_mirror);
  EXPECT_EQ(r2.drop, DropReason::kFlowDrop);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
  // Next packet without mirror clears the flag.
  EXPECT_FALSE(b.run(tcp_frame(98), forward_to_wire()).has_mirror);
}

// Spec 5.2 step 2: tcp_ctl_copy copies a TCP segment with SYN, FIN or RST of the key level.
Bytes tcp_flags_frame(std::uint8_t flags, std::uint16_t sport = 4000) {
  return PacketBuilder().eth().ipv4().tcp({.sport = sport, .dport = 80, .flags = flags})
      .payload(10).bytes();
}

ActionRecord tcp_ctl(ActionRecord a) {
  a.set_tcp_ctl_copy(true);
  return a;
}

TEST(Pipeline, TcpCtlCopyOfSynFinRst) {
  Bench b;
  using namespace tcpflag;
  struct Case {
    std::uint8_t flags;
    bool copied;
  };
  const Case cases[] = {{kSyn, true},        {kSyn | kAck, true}, {kFin | kAck, true},
                        {kRst, true},        {kRst | kAck, true}, {kAck, false},
                        {kAck | kPsh, false}, {0, false},         {kUrg | kEce | kCwr, false}};
  std::uint64_t copies = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.flags));
    const Bytes f = tcp_flags_frame(c.flags);
    b.p.em().clear();
    ActionRecord a = tcp_ctl(forward_to_vnic(1));
    a.flags |= ActionRecord::kMark | ActionRecord::kSetDmac;
    a.mark_value = 5;
    a.dmac = {2, 2, 2, 2, 2, 2};
    const Result& r = b.run(f, a);
    ASSERT_EQ(r.has_mirror, c.copied);
    EXPECT_EQ(r.primary.dest, DestType::kVnic);  // the original continues, transposed
    EXPECT_NE(to_vec(r.primary.bytes), f);
    EXPECT_TRUE(r.primary.mark_valid);
    if (c.copied) {
      ++copies;
      EXPECT_EQ(r.mirror.dest, DestType::kException);
      EXPECT_EQ(r.mirror.port, kHostVport);
      EXPECT_EQ(r.mirror.reason, ExcReason::kTcpCtl);
      EXPECT_EQ(to_vec(r.mirror.bytes), f);  // as received
      EXPECT_FALSE(r.mirror.mark_valid);
      EXPECT_EQ(r.mirror.h1, r.primary.h1);
    }
  }
  EXPECT_EQ(b.p.counters().mirror, copies);
  EXPECT_EQ(b.p.counters().out_exception, 0u);  // copies are outside the ledger
  EXPECT_TRUE(b.p.counters().ledger_balanced());
  // Without the bit a SYN is not copied.
  b.p.em().clear();
  EXPECT_FALSE(b.run(tcp_flags_frame(kSyn), forward_to_vnic(1)).has_mirror);
}

TEST(Pipeline, TcpCtlCopyNeedsTheKeyLevelTcpHeader) {
  Bench b;
  using namespace tcpflag;
  const ActionRecord a = tcp_ctl(forward_to_wire());
  // Not TCP: UDP, ICMP, ARP.
  EXPECT_FALSE(b.run(PacketBuilder().eth().ipv4().udp().payload(20).bytes(), a).has_mirror);
  EXPECT_FALSE(b.run(PacketBuilder().eth().ipv4().icmp().bytes(), a).has_mirror);
  EXPECT_FALSE(b.run(PacketBuilder().eth().arp().bytes(), a).has_mirror);
  // A first fragment carries the TCP header: copied. A later fragment whose payload happens to
  // look like a SYN has no L4 header: not copied.
  const Bytes first =
      PacketBuilder().eth().ipv4({.id = 7, .mf = true}).tcp({.flags = kSyn}).payload(16).bytes();
  const Result& rf = b.run(first, a);
  ASSERT_TRUE(rf.has_mirror);
  EXPECT_EQ(rf.mirror.reason, ExcReason::kTcpCtl);
  b.p.em().clear();
  const Bytes later = PacketBuilder().eth().ipv4({.id = 7, .frag_offset = 4})
                          .tcp({.flags = kSyn}).payload(16).bytes();
  EXPECT_FALSE(b.run(later, a).has_mirror);
  // IPv6: the same through a fragment header.
  Ipv6Spec f0;
  f0.ext.push_back(Ipv6ExtSpec{.type = ipproto::kFragment, .more = true, .frag_id = 9});
  EXPECT_TRUE(b.run(PacketBuilder().eth().ipv6(f0).tcp({.flags = kFin}).payload(8).bytes(), a)
                  .has_mirror);
  Ipv6Spec f1;
  f1.ext.push_back(Ipv6ExtSpec{.type = ipproto::kFragment, .frag_offset = 3, .frag_id = 9});
  b.p.em().clear();
  EXPECT_FALSE(b.run(PacketBuilder().eth().ipv6(f1).tcp({.flags = kFin}).payload(8).bytes(), a)
                   .has_mirror);
  // IPv6 with extension headers before TCP, and VLAN tags: the key level's TCP header.
  Ipv6Spec e;
  e.ext.push_back(Ipv6ExtSpec{.type = ipproto::kHopByHop});
  e.ext.push_back(Ipv6ExtSpec{.type = ipproto::kDstOpts});
  EXPECT_TRUE(b.run(PacketBuilder().eth().vlan().ipv6(e).tcp({.flags = kRst}).bytes(), a)
                  .has_mirror);
  // Behind a tunnel the inner TCP header decides (the key level), not the outer one.
  const Bytes vx_syn = PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan().eth().ipv4()
                           .tcp({.flags = kSyn}).payload(4).bytes();
  const Bytes vx_ack = PacketBuilder().eth().ipv4().udp({.sport = 9, .dport = 4789}).vxlan()
                           .eth().ipv4().tcp({.flags = kAck}).payload(4).bytes();
  const Result& rv = b.run(vx_syn, a);
  ASSERT_TRUE(rv.has_mirror);
  EXPECT_EQ(to_vec(rv.mirror.bytes), vx_syn);
  EXPECT_FALSE(b.run(vx_ack, a).has_mirror);
  const Bytes gre_rst = PacketBuilder().eth().ipv6().gre({.key = 5}).ipv4()
                            .tcp({.flags = kRst | kAck}).bytes();
  EXPECT_TRUE(b.run(gre_rst, a).has_mirror);
  // A tunnel carrying no inner packet the parser knows: the outer level is the key level, and
  // it has no TCP header.
  const Bytes gre_other = PacketBuilder().eth().ipv4().gre({.protocol = 0x88be}).payload(40)
                              .bytes();
  EXPECT_FALSE(b.run(gre_other, a).has_mirror);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
}

TEST(Pipeline, TcpCtlCopyWithMirrorIsOneCopy) {
  Bench b;
  using namespace tcpflag;
  ActionRecord a = tcp_ctl(forward_to_wire());
  a.flags |= ActionRecord::kMirror;
  // A SYN: one copy, reason TCP_CTL (it wins over MIRROR).
  const Result& r1 = b.run(tcp_flags_frame(kSyn, 1), a);
  ASSERT_TRUE(r1.has_mirror);
  EXPECT_EQ(r1.mirror.reason, ExcReason::kTcpCtl);
  EXPECT_EQ(r1.primary.dest, DestType::kWire);
  // A plain ACK of the same kind of flow: the mirror copy.
  const Result& r2 = b.run(tcp_flags_frame(kAck, 2), a);
  ASSERT_TRUE(r2.has_mirror);
  EXPECT_EQ(r2.mirror.reason, ExcReason::kMirror);
  EXPECT_EQ(b.p.counters().mirror, 2u);
}

TEST(Pipeline, TcpCtlCopyWithDestinationsMeterAndTtl) {
  Bench b;
  using namespace tcpflag;
  // DROP: the copy is made, the original dropped flow_drop.
  const Result& rd = b.run(tcp_flags_frame(kFin, 1), tcp_ctl(ActionRecord{}));
  ASSERT_TRUE(rd.has_mirror);
  EXPECT_EQ(rd.mirror.reason, ExcReason::kTcpCtl);
  EXPECT_EQ(rd.drop, DropReason::kFlowDrop);
  // EXCEPTION: the copy, then the frame itself with reason ACTION (two on the exception ring).
  const Bytes f2 = tcp_flags_frame(kSyn, 2);
  const Result& re = b.run(f2, tcp_ctl(forward_to(ActionDest::kException)));
  ASSERT_TRUE(re.has_mirror);
  EXPECT_EQ(re.mirror.reason, ExcReason::kTcpCtl);
  EXPECT_EQ(re.primary.dest, DestType::kException);
  EXPECT_EQ(re.primary.reason, ExcReason::kAction);
  EXPECT_EQ(to_vec(re.primary.bytes), f2);
  EXPECT_EQ(b.p.counters().out_exception, 1u);
  // TTL expiry: the copy has happened before the TTL test (step 2 before step 4).
  const Bytes f3 = PacketBuilder().eth().ipv4({.ttl = 1}).tcp({.flags = kSyn}).bytes();
  ActionRecord ttl = tcp_ctl(forward_to_wire());
  ttl.flags |= ActionRecord::kDecTtl;
  const Result& rt = b.run(f3, ttl);
  ASSERT_TRUE(rt.has_mirror);
  EXPECT_EQ(rt.mirror.reason, ExcReason::kTcpCtl);
  EXPECT_EQ(rt.primary.reason, ExcReason::kTtl);
  // bad_action: no copy.
  const Result& rb = b.run(tcp_flags_frame(kSyn, 4), tcp_ctl(forward_to_vnic(0)));
  EXPECT_FALSE(rb.has_mirror);
  EXPECT_EQ(rb.drop, DropReason::kBadAction);
  // Meter drop: no copy (the meter comes first, step 1).
  ASSERT_TRUE(b.p.meters().configure(2, /*rate*/ 0, /*burst*/ 60, 0));
  ActionRecord m = tcp_ctl(forward_to_wire());
  m.meter = 2;
  const Bytes f5 = tcp_flags_frame(kSyn, 5);  // 64 bytes > burst 60
  ASSERT_GT(f5.size(), 60u);
  const Result& rm = b.run(f5, m);
  EXPECT_EQ(rm.drop, DropReason::kMeter);
  EXPECT_FALSE(rm.has_mirror);
  EXPECT_EQ(b.p.counters().mirror, 3u);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
}

// Spec 5.2, the outer source check: check_osrc compares level 0's IP source with sip.
Bytes vxlan_from(Ipv4Addr outer_src) {
  return PacketBuilder().eth().ipv4({.src = outer_src, .dst = Ipv4Addr(10, 9, 0, 1)})
      .udp({.sport = 5000, .dport = 4789}).vxlan({.vni = 77}).eth().ipv4()
      .tcp({.sport = 1111, .dport = 80, .flags = tcpflag::kAck}).payload(12).bytes();
}

ActionRecord decap_checked(std::array<std::uint8_t, 16> sip) {
  ActionRecord a = forward_to_vnic(1);
  a.flags |= ActionRecord::kDecap;
  a.set_check_osrc(true);
  a.sip = sip;
  return a;
}

// A decap alone delivers the inner frame without copying it in the transposer (it lies within the
// input): process() must still hand out bytes that outlive the input, process_in_place() the
// input's own bytes, and both the completion of the inner frame (parsed from the outer parse).
TEST(Pipeline, DecapAloneOutlivesTheInputAndDescribesTheInnerFrame) {
  const Bytes f = vxlan_from(Ipv4Addr(192, 168, 7, 1));
  const Bytes inner(f.begin() + 50, f.end());
  ActionRecord a = forward_to_vnic(1);
  a.flags |= ActionRecord::kDecap;
  Bench ref;  // the completion of the inner frame delivered as it is, without a decap
  ref.p.em().insert(flow_key_of(inner, 0), forward_to_vnic(1));
  const Result want = ref.p.process(inner, 0, 0);
  ASSERT_EQ(want.primary.dest, DestType::kVnic);
  for (const bool in_place : {false, true}) {
    Bench b;
    b.p.em().insert(flow_key_of(f, 0), a);
    auto tmp = std::make_unique<Bytes>(f);
    const Result& r = in_place ? b.p.process_in_place(*tmp, 0, 0) : b.p.process(*tmp, 0, 0);
    ASSERT_EQ(r.primary.dest, DestType::kVnic);
    EXPECT_EQ(r.primary.bytes.data() == tmp->data() + 50, in_place);
    if (!in_place) {
      tmp->assign(tmp->size(), 0xEE);  // the caller reuses its buffer
      tmp.reset();
    }
    EXPECT_EQ(to_vec(r.primary.bytes), inner) << in_place;
    EXPECT_EQ(r.primary.status, want.primary.status) << in_place;
    EXPECT_EQ(r.primary.types, want.primary.types) << in_place;
    EXPECT_EQ(r.primary.rss_hash, want.primary.rss_hash) << in_place;
    EXPECT_EQ(r.primary.queue, want.primary.queue) << in_place;
  }
}

std::array<std::uint8_t, 16> v4_field(Ipv4Addr ip) {
  std::array<std::uint8_t, 16> f{};
  const auto v = ip.value();
  for (int i = 0; i < 4; ++i) f[12 + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
  return f;
}

TEST(Pipeline, OuterSourceCheckPassesTheExpectedUnderlaySource) {
  Bench b;
  const ActionRecord a = decap_checked(v4_field(Ipv4Addr(192, 168, 7, 1)));
  const Bytes f = vxlan_from(Ipv4Addr(192, 168, 7, 1));
  const Result& r = b.run(f, a);
  EXPECT_EQ(r.primary.dest, DestType::kVnic);  // decapsulated, delivered
  EXPECT_EQ(r.primary.bytes.size(), f.size() - 50);
  EXPECT_EQ(b.p.counters().out_vnic, 1u);
}

TEST(Pipeline, OuterSourceCheckSendsAnotherSourceToTheHostAsReceived) {
  Bench b;
  ActionRecord a = decap_checked(v4_field(Ipv4Addr(192, 168, 7, 1)));
  a.flags |= ActionRecord::kMirror | ActionRecord::kMark | ActionRecord::kDecTtl;
  a.mark_value = 9;
  ASSERT_TRUE(b.p.meters().configure(3, /*rate*/ 0, /*burst*/ 10'000, 0));
  a.meter = 3;
  a.set_tcp_ctl_copy(true);
  // Another underlay host sends into the same customer flow (same inner 5-tuple and VNI, so
  // the same flow key): the frame goes to the host as it arrived, and nothing else happens.
  const Bytes spoof = vxlan_from(Ipv4Addr(192, 168, 7, 66));
  const Result& r = b.run(spoof, a);
  EXPECT_EQ(r.primary.dest, DestType::kException);
  EXPECT_EQ(r.primary.reason, ExcReason::kOuterSrc);
  EXPECT_EQ(to_vec(r.primary.bytes), spoof);
  EXPECT_FALSE(r.primary.mark_valid);
  EXPECT_FALSE(r.has_mirror);  // no copy
  EXPECT_EQ(b.p.meters().state(3).tokens, 10'000u);  // no meter update
  EXPECT_EQ(b.p.counters().em_hits, 1u);  // the entry was hit (its counters count it)
  EXPECT_EQ(b.p.counters().out_exception, 1u);
  // The expected source with the same action: meter, copy, mark, delivery.
  const Result& ok = b.run(vxlan_from(Ipv4Addr(192, 168, 7, 1)), a);
  EXPECT_EQ(ok.primary.dest, DestType::kVnic);
  EXPECT_TRUE(ok.has_mirror);
  EXPECT_TRUE(ok.primary.mark_valid);
  EXPECT_LT(b.p.meters().state(3).tokens, 10'000u);
  // Not IP at level 0 (ARP): no source to compare, to the host.
  ActionRecord w = forward_to_wire();
  w.set_check_osrc(true);
  w.sip = a.sip;
  const Result& arp = b.run(PacketBuilder().eth().arp().bytes(), w);
  EXPECT_EQ(arp.primary.reason, ExcReason::kOuterSrc);
  // The checks of bad_action come first: decap of a frame without a tunnel.
  b.p.em().clear();
  EXPECT_EQ(b.run(PacketBuilder().eth().arp().bytes(), a).drop, DropReason::kBadAction);
  // Only the 16 bytes count: an IPv4 source never equals a field whose first 12 bytes are not
  // zero, even when its last 4 are that source.
  std::array<std::uint8_t, 16> f = v4_field(Ipv4Addr(192, 168, 7, 1));
  f[0] = 0x20;
  b.p.em().clear();
  EXPECT_EQ(b.run(vxlan_from(Ipv4Addr(192, 168, 7, 1)), decap_checked(f)).primary.reason,
            ExcReason::kOuterSrc);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
}

TEST(Pipeline, OuterSourceCheckOnIpv6UnderlayAndUntunnelledFrames) {
  Bench b;
  Ipv6Spec o;
  o.src = Ipv6Addr::from_groups({0xfd00, 0, 0, 0, 0, 0, 0, 0x42});
  const Bytes v6 = PacketBuilder().eth().ipv6(o).udp({.dport = 4789}).vxlan().eth().ipv4()
                       .udp().payload(8).bytes();
  std::array<std::uint8_t, 16> want = o.src.bytes();
  EXPECT_EQ(b.run(v6, decap_checked(want)).primary.dest, DestType::kVnic);
  want[15] ^= 1;
  b.p.em().clear();
  EXPECT_EQ(b.run(v6, decap_checked(want)).primary.reason, ExcReason::kOuterSrc);
  // Without a tunnel level 0 is the only level: its source is checked the same way.
  ActionRecord w = forward_to_wire();
  w.set_check_osrc(true);
  w.sip = v4_field(Ipv4Addr(10, 0, 0, 1));  // tcp_frame's source
  EXPECT_EQ(b.run(tcp_frame(1), w).primary.dest, DestType::kWire);
  w.sip = v4_field(Ipv4Addr(10, 0, 0, 3));
  EXPECT_EQ(b.run(tcp_frame(2), w).primary.reason, ExcReason::kOuterSrc);
}

TEST(Pipeline, OuterSourceCheckWithSetSipIsBadAction) {
  Bench b;
  ActionRecord a = decap_checked(v4_field(Ipv4Addr(192, 168, 7, 1)));
  a.flags |= ActionRecord::kSetSip;
  const Result& r = b.run(vxlan_from(Ipv4Addr(192, 168, 7, 1)), a);
  EXPECT_EQ(r.drop, DropReason::kBadAction);
  EXPECT_FALSE(r.has_mirror);
}

TEST(Pipeline, MeterPassDropOverTime) {
  Bench b;
  ASSERT_TRUE(b.p.meters().configure(3, /*rate*/ 64, /*burst*/ 200, 0));
  ActionRecord a = forward_to_wire();
  a.flags |= ActionRecord::kMirror;
  a.meter = 3;
  const Bytes f = PacketBuilder().eth().ipv4().udp().payload_to(100).bytes();
  b.p.em().insert(flow_key_of(f, 0), a);
  std::vector<bool> pass;
  for (std::uint64_t t : {0, 0, 0, 256, 512, 768, 768, 100000}) {
    const Result& r = b.p.process(f, 0, t);
    pass.push_back(r.drop == DropReason::kNone);
    if (r.drop == DropReason::kMeter) {
      EXPECT_FALSE(r.has_mirror);  // meter before mirror
    }
  }
  // 200 -> 100 -> 0 -> drop; +64 = 64 drop; 128 pass -> 28; +64 = 92 drop; 92 drop; full 200 pass
  EXPECT_EQ(pass, (std::vector<bool>{true, true, false, false, true, false, false, true}));
  EXPECT_EQ(b.p.counters().drop(DropReason::kMeter), 4u);
}

TEST(Pipeline, ParseErrorPolicyAndWindow) {
  const Bytes bad = PacketBuilder().eth().ipv4({.ihl = 4}).tcp().bytes();
  {
    Pipeline p(PipelineConfig{});
    EXPECT_EQ(p.process(bad, 0, 0).drop, DropReason::kParseError);
    EXPECT_EQ(p.counters().drop(DropReason::kParseError), 1u);
    p.set_parse_err_to_exception(true);
    const Result& r = p.process(bad, 0, 0);
    EXPECT_EQ(r.primary.reason, ExcReason::kParseError);
    EXPECT_EQ(r.primary.status & RxCpl::kParseErr, RxCpl::kParseErr);
    EXPECT_EQ(r.primary.h1, 0u);
    EXPECT_TRUE(p.counters().ledger_balanced());
  }
  // Headers beyond the parse window: an otherwise valid frame is a parse error.
  Ipv6Spec ip;
  ip.ext = {{.type = 0, .len = 120}, {.type = 60, .len = 80}};  // L4 at 254
  const Bytes deep = PacketBuilder().eth().ipv6(ip).udp().payload(10).bytes();
  ASSERT_TRUE(parse(deep).ok());
  {
    Pipeline p(PipelineConfig{});
    EXPECT_EQ(p.process(deep, 0, 0).drop, DropReason::kParseError);
    PipelineConfig wide;
    wide.parse_window = 512;
    Pipeline q(wide);
    EXPECT_EQ(q.process(deep, 0, 0).primary.reason, ExcReason::kMiss);
  }
  // An error in a nested tunnel's payload (level 2) is ignored: key from level 1.
  const Bytes nested = PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4().udp().vxlan()
                           .eth().ipv4({.version = 5}).bytes();
  ASSERT_FALSE(parse(nested).ok());
  Pipeline p(PipelineConfig{});
  EXPECT_EQ(p.process(nested, 0, 0).primary.reason, ExcReason::kMiss);
}

// Spec 2.2: a frame longer than MAX_FRAME (16384) is dropped parse_error whatever the policy;
// the input counters count its full length.
TEST(Pipeline, OversizeFrameIsParseErrorUnderEitherPolicy) {
  Bytes big = PacketBuilder().eth().ipv4().udp().payload(16384).bytes();
  ASSERT_GT(big.size(), 16384u);
  const Bytes exact = PacketBuilder().eth().ipv4().udp().payload(16384 - 42).bytes();
  ASSERT_EQ(exact.size(), 16384u);
  for (const bool to_exc : {false, true}) {
    Pipeline p(PipelineConfig{});
    p.set_parse_err_to_exception(to_exc);
    EXPECT_EQ(p.process(big, 0, 0).drop, DropReason::kParseError);
    EXPECT_EQ(p.counters().rx_wire_bytes, big.size());
    EXPECT_EQ(p.process(exact, 0, 0).primary.reason, ExcReason::kMiss);
    EXPECT_EQ(p.counters().drop(DropReason::kParseError), 1u);
    EXPECT_TRUE(p.counters().ledger_balanced());
  }
}

TEST(Pipeline, RssQueueSelection) {
  Bench b;
  RssConfig& rc = b.p.rss(4);
  rc.enable = true;
  for (std::size_t i = 0; i < 128; ++i) rc.indir[i] = static_cast<std::uint8_t>(i % 5);
  const Ipv4Addr s(66, 9, 149, 187);
  const Ipv4Addr d(161, 142, 100, 80);
  const Bytes f = PacketBuilder().eth().ipv4({.src = s, .dst = d}).tcp({.sport = 2794, .dport = 1766})
                      .bytes();
  const Result& r = b.run(f, forward_to_vnic(4));
  EXPECT_TRUE(r.primary.rss_valid);
  EXPECT_EQ(r.primary.rss_hash, 0x51ccc178u);
  EXPECT_EQ(r.primary.queue, (0x51ccc178u & 127) % 5);
  EXPECT_EQ(r.primary.status & RxCpl::kRssValid, RxCpl::kRssValid);
  // UDP fragment: addresses only.
  const Bytes frag = PacketBuilder().eth().ipv4({.src = s, .dst = d, .mf = true})
                         .udp({.sport = 2794, .dport = 1766}).bytes();
  const Result& rf = b.run(frag, forward_to_vnic(4));
  EXPECT_EQ(rf.primary.rss_hash, 0x323e8fc2u);
  // Not IP: no hash, queue 0.
  const Result& ra = b.run(PacketBuilder().eth().arp().bytes(), forward_to_vnic(4));
  EXPECT_FALSE(ra.primary.rss_valid);
  EXPECT_EQ(ra.primary.queue, 0);
  // Hash taken after transposition (NAT of the source address).
  ActionRecord nat = forward_to_vnic(4);
  nat.flags |= ActionRecord::kSetSip;
  store_be32(&nat.sip[12], s.value());
  const Bytes pre = PacketBuilder().eth().ipv4({.src = Ipv4Addr(9, 9, 9, 9), .dst = d})
                        .tcp({.sport = 2794, .dport = 1766}).bytes();
  EXPECT_EQ(b.run(pre, nat).primary.rss_hash, 0x51ccc178u);
  // IPv6 vector, different key set at run time.
  const Bytes f6 = PacketBuilder()
                       .eth()
                       .ipv6({.src = *Ipv6Addr::parse("3ffe:2501:200:1fff::7"),
                              .dst = *Ipv6Addr::parse("3ffe:2501:200:3::1")})
                       .udp({.sport = 2794, .dport = 1766})
                       .bytes();
  EXPECT_EQ(b.run(f6, forward_to_vnic(4)).primary.rss_hash, 0x40207d3du);
  rc.key[0] ^= 1;
  b.p.em().clear();
  EXPECT_NE(b.run(f6, forward_to_vnic(4)).primary.rss_hash, 0x40207d3du);
  // Disabled: queue 0, not valid.
  rc.enable = false;
  b.p.em().clear();
  const Result& rd = b.run(f, forward_to_vnic(4));
  EXPECT_FALSE(rd.primary.rss_valid);
  EXPECT_EQ(rd.primary.queue, 0);
}

TEST(Pipeline, CompletionStatusAndTypes) {
  Bench b;
  using SP = std::pair<std::uint8_t, std::uint8_t>;
  const auto st = [&](const Bytes& f) {
    const Result& r = b.run(f, forward_to_vnic(1));
    return SP{r.primary.status, r.primary.types};
  };
  constexpr std::uint8_t kAll = RxCpl::kCsumChecked | RxCpl::kIpCsumOk | RxCpl::kL4CsumOk;
  EXPECT_EQ(st(PacketBuilder().eth().ipv4().tcp().bytes()), (SP(kAll, 1 | 1 << 2)));
  EXPECT_EQ(st(PacketBuilder().eth().ipv4({.bad_checksum = true}).tcp({.sport = 2}).bytes()).first,
            RxCpl::kCsumChecked | RxCpl::kL4CsumOk);
  EXPECT_EQ(st(PacketBuilder().eth().ipv4().tcp({.sport = 3, .bad_checksum = true}).bytes()).first,
            RxCpl::kCsumChecked | RxCpl::kIpCsumOk);
  EXPECT_EQ(st(PacketBuilder().eth().ipv6().udp({.bad_checksum = true}).bytes()),
            (SP(RxCpl::kCsumChecked | RxCpl::kIpCsumOk, 2 | 2 << 2)));
  EXPECT_EQ(st(PacketBuilder().eth().ipv6().icmpv6().bytes()),
            (SP(kAll, 2 | 3 << 2)));
  EXPECT_EQ(st(PacketBuilder().eth().ipv4().icmp().bytes()).first, kAll);
  EXPECT_EQ(st(PacketBuilder().eth().ipv4({.proto = 253}).payload(8).bytes()),
            (SP(RxCpl::kCsumChecked | RxCpl::kIpCsumOk, 1 | 4 << 2)));
  const auto v = st(PacketBuilder().eth().vlan({.vid = 12}).ipv4().udp().vxlan().eth().ipv4()
                        .tcp().bytes());
  EXPECT_EQ(v.first, kAll | RxCpl::kVlan);
  EXPECT_EQ(v.second, 1 | 2 << 2 | 2 << 5);
  EXPECT_EQ(st(PacketBuilder().eth().arp().bytes()), (SP(0, 0)));
}

// The tunnel type (and everything else in bytes 14-15) is that of the delivered frame: a
// rewrite of the outer UDP destination port turns a Geneve or VXLAN frame into plain UDP, and
// a rewrite to 4789 makes a VXLAN frame of one (found by the RTL's rx_classify, which parses
// what it delivers, in the nic_top differential).
TEST(Pipeline, CompletionTypesAfterDportRewrite) {
  Bench b;
  ActionRecord a = forward_to_vnic(1);
  a.flags |= ActionRecord::kSetDport;
  a.dport = 49624;
  const Bytes gen = PacketBuilder().eth().vlan({.vid = 3}).ipv6().udp({.dport = 6081}).geneve()
                        .eth().ipv4().tcp().bytes();
  EXPECT_EQ(b.run(gen, forward_to_vnic(1)).primary.types >> 5, 4);  // as received: Geneve
  b.p.em().clear();
  EXPECT_EQ(b.run(gen, a).primary.types, 2 | 2 << 2);  // IPv6, UDP, no tunnel
  b.p.em().clear();
  a.dport = 4789;
  const Bytes vx = PacketBuilder().eth().ipv4().udp({.dport = 1000}).vxlan().eth().ipv4().tcp()
                       .bytes();
  EXPECT_EQ(b.run(vx, a).primary.types, 1 | 2 << 2 | 2 << 5);  // now VXLAN
}

TEST(Pipeline, LedgerOverGeneratedTrace) {
  TraceSpec spec;
  spec.count = 5000;
  spec.flows = 200;
  spec.malformed = 0.05;
  spec.sizes = SizeMix::kMixed;
  TraceGenerator gen(spec);
  std::vector<Bytes> frames;
  while (auto f = gen.next()) frames.push_back(f->data);
  PipelineConfig cfg;
  cfg.em_buckets = 64;
  cfg.parse_err_to_exception = false;
  Pipeline p(cfg);
  p.meters().configure(1, 10, 3000, 0);
  std::uint32_t n = 0;
  Parser parser;
  for (const auto& f : frames) {
    if (!parse(f).ok()) continue;
    ActionRecord a;
    switch (n++ % 6) {
      case 0: a = forward_to_wire(); break;
      case 1: a = forward_to_vnic(static_cast<std::uint8_t>(1 + n % 8)); break;
      case 2: a = ActionRecord{}.set_dest_type(ActionDest::kException); break;
      case 3: a = ActionRecord{}; a.flags = ActionRecord::kMirror; break;
      case 4: a = forward_to_wire(); a.meter = 1; break;
      default: a = forward_to_vnic(1); a.flags |= ActionRecord::kDecTtl | ActionRecord::kDecap; break;
    }
    p.em().insert(flow_key_of(f, static_cast<std::uint8_t>(n % 3)), a);
  }
  std::uint64_t primaries = 0;
  std::uint64_t drops = 0;
  std::uint64_t mirrors = 0;
  std::uint64_t cycle = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const Result& r = p.process(frames[i], static_cast<std::uint8_t>(i % 3), cycle += 300);
    if (r.drop == DropReason::kNone) {
      ++primaries;
      EXPECT_NE(r.primary.dest, DestType::kDrop);
    } else {
      ++drops;
    }
    mirrors += r.has_mirror ? 1 : 0;
  }
  const auto& c = p.counters();
  EXPECT_EQ(c.rx_wire_frames + c.tx_frames, frames.size());
  EXPECT_EQ(c.out_wire + c.out_vnic + c.out_exception, primaries);
  EXPECT_EQ(c.total_drops(), drops);
  EXPECT_EQ(c.mirror, mirrors);
  EXPECT_TRUE(c.ledger_balanced());
  EXPECT_GT(c.drop(DropReason::kParseError), 0u);
  EXPECT_GT(c.em_hits, 0u);
  EXPECT_GT(c.misses, 0u);
  EXPECT_GT(mirrors, 0u);
}

// process_burst (parse, key and hash ahead, EM prefetch) gives what process() gives frame by
// frame: every field of every result, the bytes, the counters and the EM entries' counters; a
// change of the tunnel ports in the callback applies to the frames after it.
// process_burst and process_in_place against process (every field and byte of every result, the
// counters and the EM entries' counters).
TEST(Pipeline, BurstEqualsOneByOne) {
  TraceSpec spec;
  spec.count = 4000;
  spec.flows = 300;
  spec.malformed = 0.05;
  spec.sizes = SizeMix::kMixed;
  TraceGenerator gen(spec);
  std::vector<Bytes> frames;
  while (auto f = gen.next()) frames.push_back(f->data);
  const auto make = [&](Pipeline& p) {
    p.meters().configure(1, 10, 3000, 0);
    for (std::uint8_t v = 1; v <= 8; ++v) p.rss(v).enable = v % 2 == 1;
    std::uint32_t n = 0;
    for (const auto& f : frames) {
      if (!parse(f).ok()) continue;
      ActionRecord a;
      switch (n++ % 7) {
        case 0: a = forward_to_wire(); break;
        case 1: a = forward_to_vnic(static_cast<std::uint8_t>(1 + n % 8)); break;
        case 2: a = ActionRecord{}.set_dest_type(ActionDest::kException); break;
        case 3: a = forward_to_vnic(2); a.flags |= ActionRecord::kMirror | ActionRecord::kMark; a.mark_value = n; break;
        case 4: a = forward_to_wire(); a.meter = 1; break;
        case 5:
          a = forward_to_wire();
          a.flags |= ActionRecord::kSetSip | ActionRecord::kSetSport | ActionRecord::kDecTtl;
          a.sip[15] = 9;
          a.sport = 77;
          break;
        default: a = forward_to_vnic(1); a.flags |= ActionRecord::kDecTtl | ActionRecord::kDecap; break;
      }
      p.em().insert(flow_key_of(f, static_cast<std::uint8_t>(n % 3)), a);
    }
  };
  PipelineConfig cfg;
  cfg.em_buckets = 64;
  cfg.parse_err_to_exception = true;
  Pipeline one(cfg);
  Pipeline burst(cfg);
  Pipeline inplace(cfg);
  make(one);
  make(burst);
  make(inplace);
  const auto same = [](const Delivery& a, const Delivery& b) {
    return a.dest == b.dest && a.port == b.port && a.queue == b.queue && a.reason == b.reason &&
           to_vec(a.bytes) == to_vec(b.bytes) && a.rss_hash == b.rss_hash &&
           a.rss_valid == b.rss_valid && a.mark == b.mark && a.mark_valid == b.mark_valid &&
           a.tcam_index == b.tcam_index && a.h1 == b.h1 && a.status == b.status &&
           a.types == b.types && a.vlan_tci == b.vlan_tci;
  };
  // The VXLAN and Geneve ports swap after every 50th frame: the frames already prepared ahead
  // must be parsed again.
  bool swapped = false;
  std::vector<ByteSpan> spans(frames.begin(), frames.end());
  std::vector<std::uint64_t> cycles(frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) cycles[i] = 1000 + 300 * i;
  std::size_t checked = 0;
  std::size_t borrowed = 0;
  std::size_t borrowed_in_place = 0;
  for (std::size_t start = 0, k = 0; start < frames.size(); ++k) {
    const std::size_t n = std::min<std::size_t>(1 + k % 23, frames.size() - start);
    const auto vport = static_cast<std::uint8_t>(k % 3);
    burst.process_burst(
        std::span<const ByteSpan>(spans.data() + start, n),
        std::span<const std::uint64_t>(cycles.data() + start, n), vport,
        [&](std::size_t j, const Result& rb) {
          const std::size_t i = start + j;
          const Result& r1 = one.process(frames[i], vport, cycles[i]);
          EXPECT_TRUE(same(r1.primary, rb.primary)) << i;
          // Delivered as received: no copy, the bytes are the input's.
          if (rb.primary.bytes.data() == frames[i].data()) ++borrowed;
          // process copies what it delivers as received (the input may go away).
          EXPECT_NE(r1.primary.bytes.data(), frames[i].data()) << i;
          const Result& ri = inplace.process_in_place(frames[i], vport, cycles[i]);
          EXPECT_TRUE(same(r1.primary, ri.primary)) << i;
          if (ri.primary.bytes.data() == frames[i].data()) ++borrowed_in_place;
          EXPECT_EQ(r1.drop, ri.drop) << i;
          EXPECT_EQ(r1.has_mirror, ri.has_mirror) << i;
          if (r1.has_mirror && ri.has_mirror) {
            EXPECT_TRUE(same(r1.mirror, ri.mirror)) << i;
          }
          EXPECT_EQ(r1.drop, rb.drop) << i;
          EXPECT_EQ(r1.has_mirror, rb.has_mirror) << i;
          if (r1.has_mirror && rb.has_mirror) {
            EXPECT_TRUE(same(r1.mirror, rb.mirror)) << i;
          }
          ++checked;
          if (i % 50 == 7) {
            swapped = !swapped;
            const std::uint16_t vx = swapped ? 6081 : 4789;
            const std::uint16_t gn = swapped ? 4789 : 6081;
            one.set_tunnel_ports(vx, gn);
            burst.set_tunnel_ports(vx, gn);
            inplace.set_tunnel_ports(vx, gn);
          }
        });
    start += n;
  }
  EXPECT_EQ(checked, frames.size());
  EXPECT_GT(borrowed, 0u);
  EXPECT_EQ(borrowed_in_place, borrowed);
  const PipelineCounters& a = one.counters();
  for (Pipeline* other : {&burst, &inplace}) {
    const PipelineCounters& b = other->counters();
    EXPECT_EQ(a.rx_wire_frames, b.rx_wire_frames);
    EXPECT_EQ(a.tx_frames, b.tx_frames);
    EXPECT_EQ(a.em_hits, b.em_hits);
    EXPECT_EQ(a.misses, b.misses);
    EXPECT_EQ(a.out_wire, b.out_wire);
    EXPECT_EQ(a.out_vnic, b.out_vnic);
    EXPECT_EQ(a.out_exception, b.out_exception);
    EXPECT_EQ(a.mirror, b.mirror);
    EXPECT_EQ(a.drops, b.drops);
    for (std::uint32_t h = 0; h < one.em().capacity(); ++h) {
      EmEntry x;
      EmEntry y;
      ASSERT_EQ(one.em().read(h, x), other->em().read(h, y));
      EXPECT_EQ(x.counters.pkts, y.counters.pkts);
      EXPECT_EQ(x.counters.bytes, y.counters.bytes);
      EXPECT_EQ(x.counters.last_seen, y.counters.last_seen);
    }
  }
  EXPECT_GT(a.em_hits, 0u);
  EXPECT_GT(a.drop(DropReason::kMeter), 0u);
}

// The checksum bits of completion_status against the checksum library (ipv4_header_checksum_ok,
// pseudo_header_sum, l4_checksum_ok), over generated frames of every kind and size with random
// bytes changed (headers, payload, checksum fields), so that both outcomes of each check occur.
TEST(Pipeline, CompletionChecksumsAgreeWithTheChecksumLibrary) {
  TraceSpec spec = make_trace_spec("mixed", "all");
  spec.count = 3000;
  spec.seed = 21;
  TraceGenerator gen(spec);
  Prng rng(5);
  std::size_t ip_bad = 0;
  std::size_t l4_bad = 0;
  std::size_t l4_good = 0;
  while (auto fr = gen.next()) {
    for (int k = 0; k < 3; ++k) {
      Bytes f = fr->data;
      if (k > 0) {
        const std::size_t at = 14 + rng.next() % (f.size() > 14 ? f.size() - 14 : 1);
        if (at < f.size()) f[at] = static_cast<std::uint8_t>(f[at] ^ (1u << (rng.next() % 8)));
      }
      const ParseResult pr = parse(f);
      if (pr.depth == 0) continue;
      const Level& lv = pr.levels[0];
      Delivery d;
      completion_status(f, lv, false, d);
      std::uint8_t want = 0;
      if (lv.has_ip && !lv.ip.frag &&
          std::size_t{lv.ip.offset} + lv.ip.total_len <= f.size()) {
        const IpInfo& ip = lv.ip;
        const std::uint8_t* iph = &f[ip.offset];
        want |= RxCpl::kCsumChecked;
        if (ip.version != 4 || ipv4_header_checksum_ok(ByteSpan(iph, ip.header_len)))
          want |= RxCpl::kIpCsumOk;
        else
          ++ip_bad;
        if (lv.has_l4) {
          const std::size_t l4o = lv.l4.offset;
          const ByteSpan seg(&f[l4o], ip.offset + ip.total_len - l4o);
          const auto len = static_cast<std::uint32_t>(seg.size());
          std::uint16_t pseudo = 0;
          if (lv.l4.kind != Layer::kIcmp)
            pseudo = ip.version == 4
                         ? pseudo_header_sum(Ipv4Addr::from_bytes(iph + 12),
                                             Ipv4Addr::from_bytes(iph + 16), ip.proto, len)
                         : pseudo_header_sum(Ipv6Addr::from_bytes(iph + 8),
                                             Ipv6Addr::from_bytes(iph + 24), ip.proto, len);
          const bool ok = (lv.l4.kind == Layer::kUdp && ip.version == 4 &&
                           load_be16(&f[l4o + 6]) == 0) ||
                          l4_checksum_ok(pseudo, seg);
          if (ok) {
            want |= RxCpl::kL4CsumOk;
            ++l4_good;
          } else {
            ++l4_bad;
          }
        }
      }
      constexpr std::uint8_t kBits = RxCpl::kCsumChecked | RxCpl::kIpCsumOk | RxCpl::kL4CsumOk;
      ASSERT_EQ(d.status & kBits, want) << "frame " << fr->data.size() << " bytes, variant " << k;
    }
  }
  EXPECT_GT(ip_bad, 0u);
  EXPECT_GT(l4_bad, 0u);
  EXPECT_GT(l4_good, 0u);
}

}  // namespace
}  // namespace nicsim::model
