// SPDX-License-Identifier: MIT
// The slow path in the shape of DASH's test plans: outbound VNET routing with CA-to-PA
// encapsulation (IPv4 and IPv6 customer addresses), vnet_direct, peering to another VNET,
// direct and drop routes, route and mapping misses, ENI admin state, ACLs in both directions;
// inbound VIP check, VNI, ENI by inner MAC, PA validation on and off. The frames are built here
// byte by byte (not with the code under test); the expected decisions come from the semantics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nicsim/host/vswitch/pipeline.hpp"

namespace nicsim::host::vswitch {
namespace {

using Bytes = std::vector<std::uint8_t>;

model::IpAddr ip(const std::string& s) { return *model::IpAddr::parse(s); }
model::MacAddr mac(const std::string& s) { return *model::MacAddr::parse(s); }
IpPrefix pfx(const std::string& s) { return *IpPrefix::parse(s); }

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put_mac(Bytes& b, const std::string& m) {
  const auto a = mac(m).bytes();
  b.insert(b.end(), a.begin(), a.end());
}
void put_ip(Bytes& b, const model::IpAddr& a) {
  if (a.is_v4()) {
    const auto x = a.v4().bytes();
    b.insert(b.end(), x.begin(), x.end());
  } else {
    const auto x = a.v6().bytes();
    b.insert(b.end(), x.begin(), x.end());
  }
}

// Ethernet + IPv4 or IPv6 + TCP (20 bytes, flags) with 8 bytes of payload.
Bytes tcp_frame(const std::string& smac, const std::string& dmac, const std::string& sip,
                const std::string& dip, std::uint16_t sport, std::uint16_t dport,
                std::uint8_t flags = 0x02) {
  const model::IpAddr s = ip(sip), d = ip(dip);
  Bytes b;
  put_mac(b, dmac);
  put_mac(b, smac);
  put16(b, s.is_v4() ? 0x0800 : 0x86DD);
  const std::uint16_t l4len = 28;
  if (s.is_v4()) {
    b.insert(b.end(), {0x45, 0x00});
    put16(b, 20 + l4len);
    b.insert(b.end(), {0x00, 0x01, 0x40, 0x00, 64, 6, 0x00, 0x00});  // checksum not needed here
  } else {
    b.insert(b.end(), {0x60, 0x00, 0x00, 0x00});
    put16(b, l4len);
    b.insert(b.end(), {6, 64});
  }
  put_ip(b, s);
  put_ip(b, d);
  put16(b, sport);
  put16(b, dport);
  b.insert(b.end(), {0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0});
  b.insert(b.end(), 8, 0xAB);
  return b;
}

// The frame inside Ethernet + IPv4 + UDP 4789 + VXLAN (VNI).
Bytes vxlan(const Bytes& inner, const std::string& osrc, const std::string& odst,
            std::uint32_t vni) {
  Bytes b;
  put_mac(b, "02:00:00:00:ff:01");
  put_mac(b, "02:00:00:00:ff:02");
  put16(b, 0x0800);
  b.insert(b.end(), {0x45, 0x00});
  put16(b, static_cast<std::uint16_t>(20 + 8 + 8 + inner.size()));
  b.insert(b.end(), {0x00, 0x02, 0x40, 0x00, 64, 17, 0x00, 0x00});
  put_ip(b, ip(osrc));
  put_ip(b, ip(odst));
  put16(b, 49152);
  put16(b, 4789);
  put16(b, static_cast<std::uint16_t>(8 + 8 + inner.size()));
  put16(b, 0);
  b.insert(b.end(), {0x08, 0, 0, 0, static_cast<std::uint8_t>(vni >> 16),
                     static_cast<std::uint8_t>(vni >> 8), static_cast<std::uint8_t>(vni), 0});
  b.insert(b.end(), inner.begin(), inner.end());
  return b;
}

constexpr const char* kVmMac = "02:00:00:00:00:0a";
constexpr const char* kPeerMac = "02:00:00:00:00:0b";  // the remote VM's overlay MAC
constexpr const char* kHostPa = "192.0.2.1";
constexpr const char* kPeerPa = "192.0.2.50";

// VNET 1 (VNI 100) with the ENI 7 of a VM at 10.1.0.4, its remote peer 10.1.0.5 / 2001:db8:1::5
// on PA 192.0.2.50; VNET 2 (VNI 200) peered, with 10.2.0.9 on PA 192.0.2.60.
Pipeline make() {
  Pipeline p(ip(kHostPa), ip(kHostPa));
  Vnet& v1 = p.vnet(1);
  v1.vni = 100;
  v1.mappings[ip("10.1.0.5")] = {ip(kPeerPa), mac(kPeerMac)};
  v1.mappings[ip("2001:db8:1::5")] = {ip(kPeerPa), mac(kPeerMac)};
  v1.mappings[ip("10.1.0.77")] = {ip("192.0.2.77"), mac("02:00:00:00:00:77")};
  v1.valid_pas.insert(ip(kPeerPa));
  Vnet& v2 = p.vnet(2);
  v2.vni = 200;
  v2.mappings[ip("10.2.0.9")] = {ip("192.0.2.60"), mac("02:00:00:00:00:99")};
  Eni& e = p.eni(7);
  e.mac = mac(kVmMac);
  e.vnet = 1;
  e.vport = 3;
  e.routes.insert(pfx("10.1.0.0/16"), {RouteType::kVnet, 0, {}});
  e.routes.insert(pfx("2001:db8:1::/48"), {RouteType::kVnet, 0, {}});
  e.routes.insert(pfx("10.2.0.0/16"), {RouteType::kVnet, 2, {}});
  e.routes.insert(pfx("10.3.0.0/16"), {RouteType::kVnetDirect, 0, ip("10.1.0.77")});
  e.routes.insert(pfx("10.66.0.0/16"), {RouteType::kDrop, 0, {}});
  e.routes.insert(pfx("0.0.0.0/0"), {RouteType::kDirect, 0, {}});
  // Inbound: VNI 100 from the underlay 192.0.2.0/24 is decapsulated with PA validation against
  // VNET 1; from 198.51.100.0/24 (a trusted gateway, higher priority) without.
  e.inbound_routes.push_back({100, pfx("192.0.2.0/24"), 10, true, 1});
  e.inbound_routes.push_back({100, pfx("198.51.100.0/24"), 5, false, 0});
  return p;
}

Decision out(const Pipeline& p, const Bytes& f) {
  const auto i = packet_info(f);
  EXPECT_TRUE(i.has_value());
  return i ? p.outbound(*i) : Decision{};
}
Decision in(const Pipeline& p, const Bytes& f) {
  const auto i = packet_info(f);
  EXPECT_TRUE(i.has_value());
  return i ? p.inbound(*i) : Decision{};
}

TEST(VswitchPipeline, OutboundVnetEncapsulatesToTheMappingsPa) {
  const Pipeline p = make();
  for (const char* dst : {"10.1.0.5", "2001:db8:1::5"}) {
    SCOPED_TRACE(dst);
    const std::string src = std::string(dst).find(':') != std::string::npos ? "2001:db8:1::4" : "10.1.0.4";
    const Decision d = out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", src, dst, 40000, 80));
    ASSERT_EQ(d.kind, Decision::Kind::kEncap) << d.reason;
    EXPECT_EQ(d.eni, 7u);
    EXPECT_EQ(d.vni, 100u);
    EXPECT_EQ(d.outer_src, ip(kHostPa));
    EXPECT_EQ(d.outer_dst, ip(kPeerPa));
    EXPECT_EQ(d.inner_dmac, mac(kPeerMac));
  }
}

TEST(VswitchPipeline, OutboundRouteTypesAndMisses) {
  const Pipeline p = make();
  auto go = [&](const char* dst) {
    return out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", dst, 40000, 443));
  };
  const Decision peer = go("10.2.0.9");  // the route names VNET 2: its VNI and mapping
  ASSERT_EQ(peer.kind, Decision::Kind::kEncap);
  EXPECT_EQ(peer.vni, 200u);
  EXPECT_EQ(peer.outer_dst, ip("192.0.2.60"));
  const Decision vd = go("10.3.4.5");  // vnet_direct: the mapping of the route's overlay IP
  ASSERT_EQ(vd.kind, Decision::Kind::kEncap);
  EXPECT_EQ(vd.outer_dst, ip("192.0.2.77"));
  EXPECT_EQ(vd.vni, 100u);
  EXPECT_EQ(go("198.51.100.7").kind, Decision::Kind::kDirect);
  EXPECT_EQ(go("10.66.1.1").reason, "route_drop");
  EXPECT_EQ(go("10.1.9.9").reason, "mapping_miss") << "a route, no CA-to-PA mapping";
  EXPECT_EQ(go("10.2.0.10").reason, "mapping_miss");
  const Decision v6 =
      out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", "2001:db8:1::4", "2001:db9::1", 1, 2));
  EXPECT_EQ(v6.reason, "route_miss") << "no IPv6 default route";
}

TEST(VswitchPipeline, MirrorRulesFirstMatchPerDirectionNeverOnADrop) {
  Pipeline p = make();
  p.mirror_session(1) = {ip("192.0.2.200"), 4001};
  p.mirror_session(2) = {ip("192.0.2.201"), 4002};
  AclRule web;
  web.dports = {{443, 443}};
  Eni& e = p.eni(7);
  e.mirror.push_back({.session = 1, .direction = Direction::kOutbound, .match = web});
  e.mirror.push_back({.session = 2});  // everything else, both directions
  const auto go = [&](const char* dst, std::uint16_t dport) {
    return out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", dst, 40000, dport));
  };
  using Sessions = std::array<std::uint32_t, 2>;
  EXPECT_EQ(go("10.1.0.5", 443).mirror, (Sessions{1, 0}));
  EXPECT_EQ(go("10.1.0.5", 80).mirror, (Sessions{2, 0}));
  EXPECT_EQ(go("198.51.100.7", 443).mirror, (Sessions{1, 0})) << "any route type";
  EXPECT_EQ(go("10.66.1.1", 443).mirror, (Sessions{0, 0})) << "a drop is not mirrored";
  const Decision d = in(p, vxlan(tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 443, 40000),
                                 kPeerPa, kHostPa, 100));
  ASSERT_EQ(d.kind, Decision::Kind::kToVnic) << d.reason;
  EXPECT_EQ(d.mirror, (Sessions{2, 0})) << "the outbound-only rule does not apply";
}

TEST(VswitchPipeline, OutboundEniStateAndAcl) {
  Pipeline p = make();
  const Bytes web = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80);
  const Bytes ssh = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 22);
  EXPECT_EQ(out(p, tcp_frame("02:00:00:00:00:ee", "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5",
                             1, 2)).reason,
            "no_eni");
  auto g = std::make_shared<AclGroup>("out");
  AclRule deny_ssh;
  deny_ssh.name = "deny-ssh";
  deny_ssh.priority = 1;
  deny_ssh.protocols = {6};
  deny_ssh.dports = {{22, 22}};
  deny_ssh.action = AclAction::kDeny;
  AclRule rest;
  rest.name = "rest";
  rest.priority = 100;
  rest.action = AclAction::kPermit;
  ASSERT_FALSE(g->add(deny_ssh));
  ASSERT_FALSE(g->add(rest));
  p.eni(7).outbound_acl.set(0, g);
  const Decision d = out(p, ssh);
  EXPECT_EQ(d.reason, "acl");
  EXPECT_EQ(d.acl.rule, "deny-ssh");
  EXPECT_EQ(out(p, web).kind, Decision::Kind::kEncap);
  EXPECT_EQ(out(p, web).acl.rule, "rest");
  p.eni(7).admin_up = false;
  EXPECT_EQ(out(p, web).reason, "eni_down");
}

TEST(VswitchPipeline, InboundRoutingDecapsWithOrWithoutPaValidation) {
  Pipeline p = make();
  const Bytes inner = tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 40000, 0x12);
  const Decision ok = in(p, vxlan(inner, kPeerPa, kHostPa, 100));
  ASSERT_EQ(ok.kind, Decision::Kind::kToVnic) << ok.reason;
  EXPECT_TRUE(ok.decap);
  EXPECT_EQ(ok.vport, 3u);
  EXPECT_EQ(ok.eni, 7u);
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, "192.0.2.2", 100)).reason, "wrong_vip");
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 101)).reason, "inbound_route_miss")
      << "no inbound routing entry for VNI 101";
  EXPECT_EQ(in(p, vxlan(inner, "203.0.113.1", kHostPa, 100)).reason, "inbound_route_miss")
      << "no entry for that underlay source";
  EXPECT_EQ(in(p, vxlan(inner, "192.0.2.51", kHostPa, 100)).reason, "pa_validation")
      << "192.0.2.51 is not a valid PA of VNET 1";
  EXPECT_EQ(in(p, vxlan(inner, "198.51.100.7", kHostPa, 100)).kind, Decision::Kind::kToVnic)
      << "the gateway's entry decaps without PA validation";
  Bytes other_vm = inner;
  other_vm[5] = 0x0c;  // an inner destination MAC no ENI has
  EXPECT_EQ(in(p, vxlan(other_vm, kPeerPa, kHostPa, 100)).reason, "no_eni");
  // The lowest priority value wins among overlapping entries.
  p.eni(7).inbound_routes.push_back({100, pfx("192.0.2.51/32"), 1, false, 0});
  EXPECT_EQ(in(p, vxlan(inner, "192.0.2.51", kHostPa, 100)).kind, Decision::Kind::kToVnic);
  // Inbound ACL on the decapsulated packet.
  auto g = std::make_shared<AclGroup>("in");
  AclRule only_web;
  only_web.name = "only-web-replies";
  only_web.priority = 1;
  only_web.sports = {{80, 80}};
  only_web.action = AclAction::kPermit;
  ASSERT_FALSE(g->add(only_web));
  p.eni(7).inbound_acl.set(0, g);
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).kind, Decision::Kind::kToVnic);
  const Bytes other = tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 8080, 40000);
  EXPECT_EQ(in(p, vxlan(other, kPeerPa, kHostPa, 100)).reason, "acl");
  EXPECT_EQ(in(p, tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 1)).reason, "not_tunnelled");
  p.eni(7).admin_up = false;
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).reason, "eni_down");
}

TEST(VswitchPipeline, PacketInfoReadsPlainAndTunnelledFrames) {
  const Bytes f = tcp_frame(kVmMac, kPeerMac, "10.1.0.4", "10.1.0.5", 40000, 80, 0x11);
  const auto p = packet_info(f);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->tunnelled);
  EXPECT_EQ(p->src_mac, mac(kVmMac));
  EXPECT_EQ(p->tuple.dport, 80);
  EXPECT_EQ(p->tuple.proto, 6);
  EXPECT_EQ(p->tcp_flags, 0x11);
  const auto t = packet_info(vxlan(f, kPeerPa, kHostPa, 0xABCDEF));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->tunnelled);
  EXPECT_EQ(t->vni, 0xABCDEFu);
  EXPECT_EQ(t->outer_src, ip(kPeerPa));
  EXPECT_EQ(t->tuple.src, ip("10.1.0.4")) << "the inner tuple";
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x06};
  arp.resize(60, 0);
  EXPECT_FALSE(packet_info(arp)) << "not IP: the switch does not route it";
  EXPECT_FALSE(packet_info(Bytes(f.begin(), f.begin() + 20))) << "truncated";
}

// --- DASH's appliance placement, several VIPs, the ENI address map, routing groups, trusted
// VNIs, metering. The appliance: VMs on other hosts reach it over VXLAN; VNI 9 says "outbound
// from a remote VM" (DIRECTION_LOOKUP_ENTRY), its ENI found by the inner source MAC.

constexpr const char* kVip1 = "192.0.2.1";   // the host's PA is also the first VIP
constexpr const char* kVip2 = "192.0.2.200";
constexpr const char* kRemoteVmMac = "02:00:00:00:0c:01";
constexpr const char* kRemoteVmHost = "198.51.100.20";  // VM_UNDERLAY_DIP of the remote VM

// ENI 7 as in make(); ENI 8 is a remote VM's (no VNIC) on VNET 1, found through the MAC map,
// routed by the shared routing group 1.
Pipeline make_appliance() {
  Pipeline p = make();
  p.add_vip(ip(kVip2));
  p.set_direction(9, Direction::kOutbound);
  Eni& r = p.eni(8);
  r.vnet = 1;
  r.vport = 0;
  r.vm_underlay_ip = ip(kRemoteVmHost);
  r.vm_vni = 9;
  r.routing_group = 1;
  r.inbound_routes.push_back({100, pfx("0.0.0.0/0"), 1, false, 0});
  p.map_mac(mac(kRemoteVmMac), 8);
  OutboundRoutingGroup& g = p.routing_group(1);
  g.routes.insert(pfx("10.1.0.0/16"), {RouteType::kVnet, 0, {}});
  g.routes.insert(pfx("10.9.0.0/16"), {RouteType::kDirect, 0, {}});
  return p;
}

TEST(VswitchPipeline, DirectionOfVnicWireAndDirectionLookup) {
  const Pipeline p = make_appliance();
  const Bytes inner = tcp_frame(kRemoteVmMac, "02:00:00:00:00:01", "10.1.0.8", "10.1.0.5", 1, 2);
  const auto plain = packet_info(inner, 3);
  ASSERT_TRUE(plain);
  EXPECT_EQ(p.direction_of(*plain, 3), Direction::kOutbound) << "from a VNIC";
  EXPECT_EQ(p.direction_of(*plain, 0), std::nullopt) << "untunnelled from the wire";
  const auto out9 = packet_info(vxlan(inner, kRemoteVmHost, kVip2, 9), 0);
  ASSERT_TRUE(out9);
  EXPECT_EQ(p.direction_of(*out9, 0), Direction::kOutbound) << "VNI 9 has a direction entry";
  const auto in100 = packet_info(vxlan(inner, kPeerPa, kVip1, 100), 0);
  ASSERT_TRUE(in100);
  EXPECT_EQ(p.direction_of(*in100, 0), Direction::kInbound) << "no entry: inbound";
  Pipeline q = make_appliance();
  q.set_direction(100, Direction::kInbound);
  q.set_direction(9, Direction::kInbound);
  EXPECT_EQ(q.direction_of(*out9, 0), Direction::kInbound);
  EXPECT_TRUE(q.clear_direction(9));
  EXPECT_FALSE(q.clear_direction(9));
}

TEST(VswitchPipeline, PacketInfoFromAVnicDoesNotOpenItsTunnel) {
  // A VM that sends VXLAN itself: from its VNIC the outer headers are the VM's.
  const Bytes inner = tcp_frame("02:00:00:00:0d:01", "02:00:00:00:0d:02", "10.7.0.1", "10.7.0.2",
                                5, 6);
  const Bytes f = vxlan(inner, "10.1.0.4", "10.1.0.5", 77);
  const auto v = packet_info(f, 3);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->tunnelled);
  EXPECT_EQ(v->tuple.src, ip("10.1.0.4"));
  EXPECT_EQ(v->tuple.dport, 4789);
  EXPECT_EQ(v->overlay_len, f.size());
  const auto w = packet_info(f, 0);
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->tunnelled);
  EXPECT_EQ(w->tuple.src, ip("10.7.0.1"));
  EXPECT_EQ(w->overlay_len, inner.size()) << "the inner frame is what meters bill";
}

TEST(VswitchPipeline, ApplianceOutboundFromARemoteVm) {
  const Pipeline p = make_appliance();
  const Bytes inner =
      tcp_frame(kRemoteVmMac, "02:00:00:00:00:01", "10.1.0.8", "10.1.0.5", 40000, 80);
  const Decision d = out(p, vxlan(inner, kRemoteVmHost, kVip2, 9));
  ASSERT_EQ(d.kind, Decision::Kind::kEncap) << d.reason;
  EXPECT_EQ(d.eni, 8u) << "by the inner source MAC, through the address map";
  EXPECT_TRUE(d.decap) << "the VM's tunnel comes off";
  EXPECT_EQ(d.vni, 100u);
  EXPECT_EQ(d.outer_src, ip(kVip2)) << "DASH encapsulates from the VIP the packet came to";
  EXPECT_EQ(d.outer_dst, ip(kPeerPa));
  EXPECT_EQ(d.inner_dmac, mac(kPeerMac));
  EXPECT_EQ(out(p, vxlan(inner, kRemoteVmHost, "192.0.2.201", 9)).reason, "wrong_vip");
  const Bytes web = tcp_frame(kRemoteVmMac, "02:00:00:00:00:01", "10.1.0.8", "10.9.1.1", 1, 80);
  const Decision direct = out(p, vxlan(web, kRemoteVmHost, kVip1, 9));
  EXPECT_EQ(direct.kind, Decision::Kind::kDirect);
  EXPECT_TRUE(direct.decap);
  // The local placement keeps encapsulating from the host's PA.
  const Decision local =
      out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80));
  EXPECT_EQ(local.outer_src, ip(kHostPa));
  EXPECT_FALSE(local.decap);
}

TEST(VswitchPipeline, ApplianceInboundReencapsulatesToTheVmsHost) {
  Pipeline p = make_appliance();
  const Bytes inner =
      tcp_frame(kPeerMac, kRemoteVmMac, "10.1.0.5", "10.1.0.8", 80, 40000, 0x12);
  const Decision d = in(p, vxlan(inner, kPeerPa, kVip2, 100));
  ASSERT_EQ(d.kind, Decision::Kind::kEncap) << d.reason;
  EXPECT_EQ(d.direction, Direction::kInbound);
  EXPECT_EQ(d.eni, 8u);
  EXPECT_TRUE(d.decap);
  EXPECT_EQ(d.vni, 9u) << "the ENI's VM_VNI";
  EXPECT_EQ(d.outer_src, ip(kVip2));
  EXPECT_EQ(d.outer_dst, ip(kRemoteVmHost));
  EXPECT_EQ(d.inner_dmac, mac(kRemoteVmMac));
  p.eni(8).vm_underlay_ip.reset();
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kVip2, 100)).reason, "eni_unbound");
  EXPECT_TRUE(p.remove_vip(ip(kVip2)));
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kVip2, 100)).reason, "wrong_vip");
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kVip1, 100)).reason, "eni_unbound") << "VIP 1 stays";
}

TEST(VswitchPipeline, AddressMapComesBeforeTheEnisOwnMac) {
  Pipeline p = make_appliance();
  const Bytes f = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80);
  EXPECT_EQ(out(p, f).eni, 7u);
  p.map_mac(mac(kVmMac), 8);
  EXPECT_EQ(out(p, f).eni, 8u);
  EXPECT_TRUE(p.unmap_mac(mac(kVmMac)));
  EXPECT_EQ(out(p, f).eni, 7u);
  EXPECT_TRUE(p.unmap_mac(mac(kRemoteVmMac)));
  const Bytes r = tcp_frame(kRemoteVmMac, "02:00:00:00:00:01", "10.1.0.8", "10.1.0.5", 1, 2);
  EXPECT_EQ(out(p, vxlan(r, kRemoteVmHost, kVip1, 9)).reason, "no_eni");
  EXPECT_TRUE(p.remove_eni(7));
  EXPECT_EQ(out(p, f).reason, "no_eni");
  EXPECT_FALSE(p.remove_eni(7));
}

TEST(VswitchPipeline, RoutingGroupsSharedDisabledOrMissing) {
  Pipeline p = make_appliance();
  p.eni(7).routing_group = 1;  // ENI 7 now routes by the shared group instead of its own table
  const Bytes direct = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.9.0.1", 1, 2);
  const Bytes peer = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.2.0.9", 1, 2);
  EXPECT_EQ(out(p, direct).kind, Decision::Kind::kDirect);
  EXPECT_EQ(out(p, peer).reason, "route_miss") << "the group has no 10.2/16";
  p.routing_group(1).disabled = true;
  EXPECT_EQ(out(p, direct).reason, "routing_group_disabled");
  EXPECT_TRUE(p.remove_routing_group(1));
  EXPECT_EQ(out(p, direct).reason, "routing_group_miss");
  p.eni(7).routing_group = 0;
  EXPECT_EQ(out(p, peer).vni, 200u) << "its own routes again";
}

TEST(VswitchPipeline, MappingVniIsTheEnisVnetsUnlessUseDstVnetVni) {
  Pipeline p = make();
  const Bytes f = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.2.0.9", 1, 2);
  EXPECT_EQ(out(p, f).vni, 200u);
  p.vnet(2).mappings[ip("10.2.0.9")].use_dst_vnet_vni = false;
  const Decision d = out(p, f);
  EXPECT_EQ(d.vni, 100u) << "the ENI's VNET's VNI";
  EXPECT_EQ(d.outer_dst, ip("192.0.2.60")) << "still the mapping's PA";
}

TEST(VswitchPipeline, TrustedVnisGateTunnelledPacketsOnceConfigured) {
  Pipeline p = make_appliance();
  const Bytes inner = tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 40000, 0x12);
  const Bytes remote =
      tcp_frame(kRemoteVmMac, "02:00:00:00:00:01", "10.1.0.8", "10.1.0.5", 40000, 80);
  const Bytes local = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80);
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).kind, Decision::Kind::kToVnic)
      << "no trusted-VNI entry: no check";
  p.add_trusted_vni({1000, 1999});
  EXPECT_TRUE(p.trusted_vni_check());
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).reason, "trusted_vni");
  EXPECT_EQ(out(p, vxlan(remote, kRemoteVmHost, kVip1, 9)).reason, "trusted_vni");
  EXPECT_EQ(out(p, local).kind, Decision::Kind::kEncap) << "from a VNIC there is no VNI";
  p.eni(7).trusted_vnis.push_back({100, 100});
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).kind, Decision::Kind::kToVnic)
      << "ENI 7 trusts VNI 100";
  EXPECT_EQ(out(p, vxlan(remote, kRemoteVmHost, kVip1, 9)).reason, "trusted_vni")
      << "ENI 8 does not trust VNI 9";
  p.add_trusted_vni({5, 9});
  EXPECT_EQ(out(p, vxlan(remote, kRemoteVmHost, kVip1, 9)).kind, Decision::Kind::kEncap);
  EXPECT_TRUE(p.remove_trusted_vni({5, 9}));
  EXPECT_FALSE(p.remove_trusted_vni({5, 9}));
  EXPECT_EQ(out(p, vxlan(remote, kRemoteVmHost, kVip1, 9)).reason, "trusted_vni");
}

TEST(VswitchPipeline, SeparateIpv6AclStages) {
  Pipeline p = make();
  auto deny_all = [](const char* name, bool v6) {
    auto g = std::make_shared<AclGroup>(name, v6);
    AclRule r;
    r.name = "deny";
    r.priority = 1;
    r.action = AclAction::kDeny;
    EXPECT_FALSE(g->add(r));
    return g;
  };
  const Bytes v4 = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 1, 80);
  const Bytes v6 = tcp_frame(kVmMac, "02:00:00:00:00:01", "2001:db8:1::4", "2001:db8:1::5", 1, 80);
  const std::uint64_t before = p.find_eni(7)->acl_version(Direction::kOutbound);
  p.eni(7).outbound_acl_v6.set(0, deny_all("v6", true));
  EXPECT_NE(p.find_eni(7)->acl_version(Direction::kOutbound), before);
  EXPECT_EQ(out(p, v4).kind, Decision::Kind::kEncap);
  EXPECT_EQ(out(p, v6).reason, "acl");
  // An IPv6 group in the shared stages is not consulted once the IPv6 stages hold a group.
  auto permit6 = std::make_shared<AclGroup>("p6", true);
  AclRule all;
  all.name = "all";
  all.priority = 1;
  all.action = AclAction::kPermit;
  ASSERT_FALSE(permit6->add(all));
  p.eni(7).outbound_acl.set(0, permit6);
  EXPECT_EQ(out(p, v6).reason, "acl");
  p.eni(7).outbound_acl_v6.set(0, nullptr);
  EXPECT_EQ(out(p, v6).kind, Decision::Kind::kEncap) << "no IPv6 stages: the shared ones";
}

TEST(VswitchPipeline, MeterClassFromRoutesMappingsAndPolicy) {
  Pipeline p = make();
  Eni& e = p.eni(7);
  // Route 10.1/16 sets bits 0x10, the mapping of 10.1.0.5 bit 0x1; route 10.2/16 masks the
  // mapping's bits away (AND 0xF0).
  e.routes.insert(pfx("10.1.0.0/16"), {RouteType::kVnet, 0, {}, 0x10, kMeterClassAll});
  e.routes.insert(pfx("10.2.0.0/16"), {RouteType::kVnet, 2, {}, 0x20, 0xF0});
  p.vnet(1).mappings[ip("10.1.0.5")].meter_class_or = 0x1;
  p.vnet(2).mappings[ip("10.2.0.9")].meter_class_or = 0x3;
  // The policy: 198.51.100.0/24 -> 7, 198.51.100.128/25 -> 8 at a lower priority value (wins).
  MeterPolicy& mp = p.meter_policy(1);
  mp.rules.push_back({"wide", pfx("198.51.100.0/24"), 20, 7});
  mp.rules.push_back({"narrow", pfx("198.51.100.128/25"), 10, 8});
  e.meter_policy_v4 = 1;
  auto cls = [&](const char* dst) {
    return out(p, tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", dst, 1, 2)).meter_class;
  };
  EXPECT_EQ(cls("10.1.0.5"), 0x11u);
  EXPECT_EQ(cls("10.2.0.9"), 0x20u) << "(0x20 | 0x3) & 0xF0";
  EXPECT_EQ(cls("198.51.100.7"), 7u) << "direct, class 0 from the entries: the policy";
  EXPECT_EQ(cls("198.51.100.200"), 8u);
  EXPECT_EQ(cls("203.0.113.1"), 0u) << "no rule: no bucket";
  EXPECT_EQ(cls("10.66.0.1"), 0u) << "a drop bills nothing";
  // Inbound: the entry's class, else the policy by the overlay source.
  p.eni(7).inbound_routes.clear();
  p.eni(7).inbound_routes.push_back({100, pfx("0.0.0.0/0"), 1, false, 0, 0x40, kMeterClassAll});
  const Bytes reply = tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 1, 0x12);
  EXPECT_EQ(in(p, vxlan(reply, kPeerPa, kHostPa, 100)).meter_class, 0x40u);
  p.eni(7).inbound_routes[0].meter_class_and = 0;
  const Bytes web = tcp_frame(kPeerMac, kVmMac, "198.51.100.130", "10.1.0.4", 80, 1, 0x12);
  EXPECT_EQ(in(p, vxlan(web, kPeerPa, kHostPa, 100)).meter_class, 8u);
}

TEST(VswitchPipeline, MeterBucketsCountOverlayBytesPerClassAndDirection) {
  Pipeline p = make();
  p.eni(7).routes.insert(pfx("10.1.0.0/16"), {RouteType::kVnet, 0, {}, 5, kMeterClassAll});
  p.eni(7).inbound_routes.clear();
  p.eni(7).inbound_routes.push_back({100, pfx("0.0.0.0/0"), 1, false, 0, 5, kMeterClassAll});
  const Bytes syn = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 1, 80);
  const Bytes reply = tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 1, 0x12);
  const auto o = packet_info(syn, 3);
  const auto i = packet_info(vxlan(reply, kPeerPa, kHostPa, 100), 0);
  ASSERT_TRUE(o && i);
  const Decision od = p.outbound(*o), id = p.inbound(*i);
  ASSERT_EQ(od.meter_class, 5u);
  ASSERT_EQ(id.meter_class, 5u);
  EXPECT_TRUE(p.account(od, o->overlay_len));
  EXPECT_TRUE(p.account(od, o->overlay_len));
  EXPECT_TRUE(p.account(id, i->overlay_len));
  // 14 Ethernet + 20 IPv4 + 20 TCP + 8 payload = 62 bytes a frame, inner ones alike.
  const MeterCounters want{124, 2, 62, 1};
  EXPECT_EQ(p.meter_bucket(7, 5), want);
  EXPECT_EQ(p.meter_bucket(7, 6), MeterCounters{});
  Decision dropped = od;
  dropped.kind = Decision::Kind::kDrop;
  EXPECT_FALSE(p.account(dropped, 100));
  Decision unclassed = od;
  unclassed.meter_class = 0;
  EXPECT_FALSE(p.account(unclassed, 100));
  EXPECT_EQ(p.meter_bucket(7, 5), want);
  p.remove_eni(7);
  EXPECT_FALSE(p.account(od, 100)) << "the ENI is gone";
  EXPECT_EQ(p.meter_bucket(7, 5), MeterCounters{}) << "its buckets went with it";
}

// Live migration's shadow policy (docs/vswitch-migration.md): staged changes are invisible to
// every decision until activate() makes all of them the policy at once; abort() drops them.
TEST(VswitchPipeline, AStagedMigrationChangesNoDecisionUntilActivated) {
  Pipeline p = make();
  const Bytes to_peer = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80);
  const Bytes from_new = vxlan(tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 40000),
                               "192.0.2.51", kHostPa, 100);
  const Bytes from_old = vxlan(tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 40000),
                               kPeerPa, kHostPa, 100);
  // The peer moves from 192.0.2.50 to 192.0.2.51, the old host leaves the VNET's valid PAs.
  p.stage_mapping(3, 1, ip("10.1.0.5"), {ip("192.0.2.51"), mac(kPeerMac)});
  p.stage_valid_pa(3, 1, ip("192.0.2.51"), true);
  p.stage_valid_pa(3, 1, ip(kPeerPa), false);
  // Staged again: idempotent (one change each).
  p.stage_mapping(3, 1, ip("10.1.0.5"), {ip("192.0.2.51"), mac(kPeerMac)});
  p.stage_valid_pa(3, 1, ip("192.0.2.51"), true);
  const ShadowPolicy* sh = p.shadow(3);
  ASSERT_NE(sh, nullptr);
  ASSERT_EQ(sh->mappings.size(), 1u);
  EXPECT_EQ(sh->mappings[0].ca, ip("10.1.0.5"));
  EXPECT_EQ(sh->mappings[0].mapping.underlay_ip, ip("192.0.2.51"));
  EXPECT_EQ(sh->valid_pas.size(), 2u);
  // Nothing changed yet.
  EXPECT_EQ(out(p, to_peer).outer_dst, ip(kPeerPa));
  EXPECT_EQ(in(p, from_old).kind, Decision::Kind::kToVnic);
  EXPECT_EQ(in(p, from_new).reason, "pa_validation");
  EXPECT_EQ(p.find_vnet(1)->mappings.at(ip("10.1.0.5")).underlay_ip, ip(kPeerPa));
  // The flip: every staged change at once.
  EXPECT_EQ(p.activate(3), 3u);
  EXPECT_EQ(out(p, to_peer).outer_dst, ip("192.0.2.51"));
  EXPECT_EQ(in(p, from_new).kind, Decision::Kind::kToVnic);
  EXPECT_EQ(in(p, from_old).reason, "pa_validation");
  EXPECT_EQ(p.shadow(3), nullptr);
  EXPECT_TRUE(p.activated(3));
  // An id is activated once; it cannot stage or abort any more.
  EXPECT_THROW(p.activate(3), MigrationError);
  EXPECT_THROW(p.stage_mapping(3, 1, ip("10.1.0.5"), {ip(kPeerPa), mac(kPeerMac)}),
               MigrationError);
  EXPECT_THROW(p.abort(3), MigrationError);
}

TEST(VswitchPipeline, AnAbortedMigrationChangesNothingAndBadStagesAreRefused) {
  Pipeline p = make();
  const Bytes to_peer = tcp_frame(kVmMac, "02:00:00:00:00:01", "10.1.0.4", "10.1.0.5", 40000, 80);
  p.stage_mapping(4, 1, ip("10.1.0.5"), {ip("192.0.2.52"), mac(kPeerMac)});
  p.stage_valid_pa(4, 1, ip(kPeerPa), false);
  EXPECT_TRUE(p.abort(4));
  EXPECT_FALSE(p.abort(4)) << "nothing staged any more";
  EXPECT_EQ(p.shadow(4), nullptr);
  EXPECT_THROW(p.activate(4), MigrationError) << "an aborted migration has nothing to activate";
  EXPECT_EQ(out(p, to_peer).outer_dst, ip(kPeerPa));
  EXPECT_TRUE(p.find_vnet(1)->valid_pas.contains(ip(kPeerPa)));
  // Refused with a clear error, nothing staged.
  const auto message = [&](auto&& fn) {
    try {
      fn();
    } catch (const MigrationError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([&] { p.stage_mapping(5, 9, ip("10.1.0.5"), {ip(kPeerPa), mac(kPeerMac)}); }),
            "migration 5: VNET 9 does not exist");
  EXPECT_EQ(message([&] { p.stage_valid_pa(5, 9, ip(kPeerPa), true); }),
            "migration 5: VNET 9 does not exist");
  EXPECT_EQ(message([&] { p.stage_mapping(0, 1, ip("10.1.0.5"), {}); }),
            "migration ids start at 1 (0 means none)");
  EXPECT_EQ(message([&] { (void)p.activate(6); }), "migration 6 has nothing staged");
  EXPECT_EQ(p.shadow(5), nullptr);
  // Two pending migrations may not move one customer address.
  p.stage_mapping(7, 1, ip("10.1.0.5"), {ip("192.0.2.52"), mac(kPeerMac)});
  EXPECT_EQ(message([&] {
              p.stage_mapping(8, 1, ip("10.1.0.5"), {ip("192.0.2.53"), mac(kPeerMac)});
            }),
            "migration 8: 10.1.0.5 in VNET 1 is staged by migration 7 already");
  // Staged again under its own id: the latest mapping holds.
  p.stage_mapping(7, 1, ip("10.1.0.5"), {ip("192.0.2.53"), mac(kPeerMac)});
  ASSERT_EQ(p.shadow(7)->mappings.size(), 1u);
  EXPECT_EQ(p.shadow(7)->mappings[0].mapping.underlay_ip, ip("192.0.2.53"));
  // A VNET removed after staging: the activation is refused whole.
  p.stage_mapping(7, 2, ip("10.2.0.9"), {ip("192.0.2.61"), mac("02:00:00:00:00:99")});
  ASSERT_TRUE(p.remove_vnet(2));
  EXPECT_EQ(message([&] { (void)p.activate(7); }), "migration 7: VNET 2 was removed after staging");
  EXPECT_EQ(out(p, to_peer).outer_dst, ip(kPeerPa)) << "nothing applied";
  EXPECT_FALSE(p.activated(7));
}

}  // namespace
}  // namespace nicsim::host::vswitch
