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
  EXPECT_EQ(in(p, tcp_frame(kPeerMac, kVmMac, "10.1.0.5", "10.1.0.4", 80, 1)).reason, "not_vxlan");
  p.eni(7).admin_up = false;
  EXPECT_EQ(in(p, vxlan(inner, kPeerPa, kHostPa, 100)).reason, "eni_down");
}

TEST(VswitchPipeline, PacketInfoReadsPlainAndTunnelledFrames) {
  const Bytes f = tcp_frame(kVmMac, kPeerMac, "10.1.0.4", "10.1.0.5", 40000, 80, 0x11);
  const auto p = packet_info(f);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->vxlan);
  EXPECT_EQ(p->src_mac, mac(kVmMac));
  EXPECT_EQ(p->tuple.dport, 80);
  EXPECT_EQ(p->tuple.proto, 6);
  EXPECT_EQ(p->tcp_flags, 0x11);
  const auto t = packet_info(vxlan(f, kPeerPa, kHostPa, 0xABCDEF));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->vxlan);
  EXPECT_EQ(t->vni, 0xABCDEFu);
  EXPECT_EQ(t->outer_src, ip(kPeerPa));
  EXPECT_EQ(t->tuple.src, ip("10.1.0.4")) << "the inner tuple";
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x06};
  arp.resize(60, 0);
  EXPECT_FALSE(packet_info(arp)) << "not IP: the switch does not route it";
  EXPECT_FALSE(packet_info(Bytes(f.begin(), f.begin() + 20))) << "truncated";
}

}  // namespace
}  // namespace nicsim::host::vswitch
