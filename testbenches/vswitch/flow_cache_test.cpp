// SPDX-License-Identifier: MIT
// The unified flow table: a connection's first packet runs the policy, the rest (both
// directions) are served from the cache; a policy change (an ACL rule, a route or mapping)
// recomputes the flows that carry packets, so no stale decision survives; idle connections
// expire; a full table still decides every packet (uncached, counted).
#include <gtest/gtest.h>

#include <memory>

#include "nicsim/host/vswitch/flow_cache.hpp"

namespace nicsim::host::vswitch {
namespace {

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
model::MacAddr mac(const char* s) { return *model::MacAddr::parse(s); }

constexpr const char* kVm = "02:00:00:00:00:0a";
constexpr const char* kPeer = "02:00:00:00:00:0b";

Pipeline make() {
  Pipeline p(ip("192.0.2.1"), ip("192.0.2.1"));
  Vnet& v = p.vnet(1);
  v.vni = 100;
  v.mappings[ip("10.1.0.5")] = {ip("192.0.2.50"), mac(kPeer)};
  Eni& e = p.eni(7);
  e.mac = mac(kVm);
  e.vnet = 1;
  e.vport = 3;
  e.routes.insert(*IpPrefix::parse("10.1.0.0/16"), {RouteType::kVnet, 0, {}});
  e.inbound_routes.push_back({100, *IpPrefix::parse("0.0.0.0/0"), 1, false, 0});
  return p;
}

// The VM's packet to its peer, and the peer's reply as it arrives (VXLAN from its PA).
PacketInfo out_pkt(std::uint16_t sport, std::uint8_t flags) {
  PacketInfo p;
  p.src_mac = mac(kVm);
  p.dst_mac = mac("02:00:00:00:00:01");
  p.tuple = {ip("10.1.0.4"), ip("10.1.0.5"), 6, sport, 80};
  p.tcp_flags = flags;
  return p;
}
PacketInfo in_pkt(std::uint16_t dport, std::uint8_t flags) {
  PacketInfo p;
  p.src_mac = mac(kPeer);
  p.dst_mac = mac(kVm);
  p.tuple = {ip("10.1.0.5"), ip("10.1.0.4"), 6, 80, dport};
  p.tcp_flags = flags;
  p.tunnelled = true;
  p.vni = 100;
  p.outer_src = ip("192.0.2.50");
  p.outer_dst = ip("192.0.2.1");
  return p;
}

using namespace tcp_flag;

TEST(VswitchFlowCache, FirstPacketsRunThePolicyTheRestHitBothWays) {
  const Pipeline p = make();
  FlowCache fc(p);
  FlowCache::Result r = fc.lookup(Direction::kOutbound, out_pkt(40000, kSyn), 0);
  EXPECT_TRUE(r.first);
  EXPECT_EQ(r.decision.kind, Decision::Kind::kEncap);
  const std::uint64_t conn = r.conn;
  r = fc.lookup(Direction::kInbound, in_pkt(40000, kSyn | kAck), 1);
  EXPECT_TRUE(r.first) << "the inbound direction's own decision";
  EXPECT_EQ(r.conn, conn);
  EXPECT_EQ(r.decision.kind, Decision::Kind::kToVnic);
  r = fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 2);
  EXPECT_FALSE(r.first);
  EXPECT_EQ(r.state, ConnState::kEstablished);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(fc.lookup(Direction::kInbound, in_pkt(40000, kAck), 3).first);
  }
  EXPECT_EQ(fc.stats().slow_path, 2u);
  EXPECT_EQ(fc.stats().hits, 11u);
  EXPECT_EQ(fc.size(), 1u);
  // Closed while cached: the states go on, the decisions stay.
  EXPECT_EQ(fc.lookup(Direction::kOutbound, out_pkt(40000, kFin | kAck), 4).state, ConnState::kFinWait);
  EXPECT_EQ(fc.lookup(Direction::kInbound, in_pkt(40000, kFin | kAck), 5).state, ConnState::kClosing);
  EXPECT_EQ(fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 6).state, ConnState::kTimeWait);
  EXPECT_EQ(fc.stats().slow_path, 2u);
}

TEST(VswitchFlowCache, APolicyChangeLeavesNoStaleDecision) {
  Pipeline p = make();
  FlowCache fc(p);
  fc.lookup(Direction::kOutbound, out_pkt(40000, kSyn), 0);
  fc.lookup(Direction::kInbound, in_pkt(40000, kSyn | kAck), 0);
  // An ACL rule denying the flow: both directions see it at their next packet.
  auto out_acl = std::make_shared<AclGroup>("out");
  AclRule deny;
  deny.name = "deny-web";
  deny.priority = 1;
  deny.dports = {{80, 80}};
  deny.action = AclAction::kDeny;
  ASSERT_FALSE(out_acl->add(deny));
  p.eni(7).outbound_acl.set(0, out_acl);
  FlowCache::Result r = fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 1);
  EXPECT_TRUE(r.first);
  EXPECT_EQ(r.decision.reason, "acl");
  EXPECT_EQ(fc.stats().recomputed, 1u);
  EXPECT_EQ(fc.lookup(Direction::kInbound, in_pkt(40000, kAck), 1).decision.kind,
            Decision::Kind::kToVnic) << "the inbound stages did not change";
  ASSERT_TRUE(out_acl->remove("deny-web"));
  r = fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 2);
  EXPECT_EQ(r.decision.reason, "acl") << "an empty group still denies (its default)";
  EXPECT_EQ(r.decision.acl.rule, "");
  p.eni(7).outbound_acl.set(0, nullptr);
  EXPECT_EQ(fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 2).decision.kind,
            Decision::Kind::kEncap) << "no group: unfiltered";
  // The peer moves (a new PA): the owner says the policy changed.
  p.vnet(1).mappings[ip("10.1.0.5")] = {ip("192.0.2.99"), mac(kPeer)};
  EXPECT_EQ(fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 3).decision.outer_dst,
            ip("192.0.2.50")) << "cached until told";
  fc.policy_changed();
  r = fc.lookup(Direction::kOutbound, out_pkt(40000, kAck), 4);
  EXPECT_TRUE(r.first);
  EXPECT_EQ(r.decision.outer_dst, ip("192.0.2.99"));
}

TEST(VswitchFlowCache, IdleConnectionsExpireAndAFullTableStillDecides) {
  const Pipeline p = make();
  ConnTimeouts t;
  FlowCache fc(p, 1, t);
  const std::uint64_t c1 = fc.lookup(Direction::kOutbound, out_pkt(1, kSyn), 0).conn;
  EXPECT_NE(c1, 0u);
  const FlowCache::Result second = fc.lookup(Direction::kOutbound, out_pkt(2, kSyn), 0);
  EXPECT_EQ(second.conn, 0u) << "no room: not cached";
  EXPECT_EQ(second.decision.kind, Decision::Kind::kEncap) << "but decided";
  EXPECT_EQ(fc.stats().uncached, 1u);
  const FlowCache::Result bogus = fc.lookup(Direction::kOutbound, out_pkt(3, kAck), 0);
  EXPECT_EQ(bogus.conn, 0u) << "TCP without a SYN first";
  EXPECT_EQ(fc.stats().uncached, 2u);
  EXPECT_EQ(fc.expire(t.tcp_syn + 1), std::vector<std::uint64_t>{c1});
  EXPECT_EQ(fc.size(), 0u);
  EXPECT_EQ(fc.stats().expired, 1u);
  EXPECT_TRUE(fc.lookup(Direction::kOutbound, out_pkt(2, kSyn), t.tcp_syn + 2).first);
}

TEST(VswitchFlowCache, AReopenedTupleDropsTheOldEntry) {
  const Pipeline p = make();
  FlowCache fc(p);
  fc.lookup(Direction::kOutbound, out_pkt(9, kSyn), 0);
  fc.lookup(Direction::kInbound, in_pkt(9, kRst), 1);
  const FlowCache::Result r = fc.lookup(Direction::kOutbound, out_pkt(9, kSyn), 2);
  EXPECT_TRUE(r.first);
  EXPECT_EQ(fc.size(), 1u);
}

}  // namespace
}  // namespace nicsim::host::vswitch

namespace nicsim::host::vswitch {
namespace {

// Two tenants use the same customer addresses (their VNETs overlap): the same 5-tuple from each
// tenant's VM is two connections with two decisions, each encapsulated to its own tenant's
// peer. (Connections tracked by the 5-tuple alone gave the second tenant the first's decision.)
TEST(VswitchFlowCache, OverlappingTenantsAreSeparateConnections) {
  Pipeline p = make();
  Vnet& v2 = p.vnet(2);
  v2.vni = 200;
  v2.mappings[ip("10.1.0.5")] = {ip("192.0.2.99"), mac("02:00:00:00:00:bb")};
  Eni& e2 = p.eni(8);
  e2.mac = mac("02:00:00:00:00:0c");
  e2.vnet = 2;
  e2.vport = 4;
  e2.routes.insert(*IpPrefix::parse("10.1.0.0/16"), {RouteType::kVnet, 0, {}});
  FlowCache fc(p);
  const FlowCache::Result a = fc.lookup(Direction::kOutbound, out_pkt(40000, kSyn), 0);
  PacketInfo other = out_pkt(40000, kSyn);
  other.src_mac = mac("02:00:00:00:00:0c");
  const FlowCache::Result b = fc.lookup(Direction::kOutbound, other, 0);
  EXPECT_NE(a.conn, b.conn);
  EXPECT_TRUE(b.first);
  EXPECT_EQ(a.decision.vni, 100u);
  EXPECT_EQ(a.decision.outer_dst, ip("192.0.2.50"));
  EXPECT_EQ(b.decision.vni, 200u);
  EXPECT_EQ(b.decision.outer_dst, ip("192.0.2.99"));
  EXPECT_EQ(fc.size(), 2u);
  // Each tenant's reply finds its own connection.
  PacketInfo reply = in_pkt(40000, kSyn | kAck);
  reply.dst_mac = mac("02:00:00:00:00:0c");
  reply.vni = 200;
  EXPECT_EQ(fc.lookup(Direction::kInbound, reply, 1).conn, b.conn);
  EXPECT_EQ(fc.lookup(Direction::kInbound, in_pkt(40000, kSyn | kAck), 1).conn, a.conn);
}

}  // namespace
}  // namespace nicsim::host::vswitch
