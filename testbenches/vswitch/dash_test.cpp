// SPDX-License-Identifier: MIT
// DASH's front-end: SAI DASH records (SAI-Challenger's JSON form) configure the pipeline, and
// traffic behaves as DASH's test plans expect: outbound VNET routing with CA-to-PA encap over
// IPv4 and IPv6, route and mapping misses, wrong VIP, ENI admin down, inbound decap with and
// without PA validation, ACL priority / terminating / non-terminating / protocol / port-range
// cases across stages, metering per class, the appliance placement; every refusal names the
// record, the attribute and why. Frames are built with the packet builder, the expected
// decisions written from DASH's semantics (docs/vswitch-dash.md).
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "nicsim/host/vswitch/dash.hpp"
#include "nicsim/model/builder.hpp"

namespace nicsim::host::vswitch {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Kind = Decision::Kind;

model::IpAddr ip(const std::string& s) { return *model::IpAddr::parse(s); }
model::MacAddr mac(const std::string& s) { return *model::MacAddr::parse(s); }

model::PacketBuilder l3(const std::string& smac, const std::string& dmac, const std::string& sip,
                        const std::string& dip) {
  model::PacketBuilder b;
  b.eth({.dst = mac(dmac), .src = mac(smac)});
  if (ip(sip).is_v4()) {
    b.ipv4({.src = ip(sip).v4(), .dst = ip(dip).v4()});
  } else {
    b.ipv6({.src = ip(sip).v6(), .dst = ip(dip).v6()});
  }
  return b;
}
Bytes tcp(const std::string& smac, const std::string& dmac, const std::string& sip,
          const std::string& dip, std::uint16_t sport, std::uint16_t dport) {
  return l3(smac, dmac, sip, dip).tcp({.sport = sport, .dport = dport}).payload(8).bytes();
}
Bytes udp(const std::string& smac, const std::string& dmac, const std::string& sip,
          const std::string& dip, std::uint16_t sport, std::uint16_t dport) {
  return l3(smac, dmac, sip, dip).udp({.sport = sport, .dport = dport}).payload(8).bytes();
}
Bytes vxlan(const Bytes& inner, const std::string& osrc, const std::string& odst,
            std::uint32_t vni) {
  return model::PacketBuilder()
      .eth()
      .ipv4({.src = ip(osrc).v4(), .dst = ip(odst).v4()})
      .udp({.sport = 49152})
      .vxlan({.vni = vni})
      .payload(inner)
      .bytes();
}

/// What the switch does with a frame that came in on `vport` (0: the wire): the direction, then
/// that direction's slow path.
Decision decide(const Pipeline& p, const Bytes& f, unsigned vport) {
  const auto i = packet_info(f, vport);
  EXPECT_TRUE(i.has_value());
  if (!i) return {};
  const auto dir = p.direction_of(*i, vport);
  EXPECT_TRUE(dir.has_value());
  return dir == Direction::kOutbound ? p.outbound(*i) : p.inbound(*i);
}

std::string doc(std::initializer_list<std::string> records) {
  std::string s = "[";
  for (const std::string& r : records) s += (s.size() > 1 ? "," : "") + r;
  return s + "]";
}

const std::string kExamples = NICSIM_DASH_EXAMPLES;

// The example of docs/examples/dash/two-enis.json: eni-web is a VM on this host (vport 3),
// eni-db a VM elsewhere that reaches this appliance over VXLAN with VNI 9.
constexpr const char* kWebMac = "02:00:00:00:01:0a";
constexpr const char* kDbMac = "02:00:00:00:01:0b";
constexpr const char* kPeerMac = "02:00:00:00:01:05";
constexpr const char* kGw = "02:00:00:00:00:01";  // the VM's gateway MAC: not used to route
constexpr unsigned kWebPort = 3;

class DashExample : public ::testing::Test {
 protected:
  DashExample() : cfg_(p_, DashOptions{{{"eni-web", kWebPort}}, {}}) {
    cfg_.apply_file(kExamples + "/two-enis.json");
  }
  Decision web_out(const Bytes& f) const { return decide(p_, f, kWebPort); }
  Decision wire(const Bytes& f) const { return decide(p_, f, 0); }

  Pipeline p_{ip("192.0.2.1")};
  DashConfig cfg_;
};

TEST_F(DashExample, OutboundVnetEncapsulatesByCaToPaOverIpv4AndIpv6) {
  const Decision v4 = web_out(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 80));
  ASSERT_EQ(v4.kind, Kind::kEncap) << v4.reason;
  EXPECT_EQ(v4.eni, *cfg_.eni("eni-web"));
  EXPECT_EQ(v4.vni, 100u);
  EXPECT_EQ(v4.outer_src, ip("192.0.2.1")) << "this host's PA";
  EXPECT_EQ(v4.outer_dst, ip("192.0.2.50"));
  EXPECT_EQ(v4.inner_dmac, mac(kPeerMac));
  EXPECT_FALSE(v4.decap);
  const Decision v6 = web_out(tcp(kWebMac, kGw, "2001:db8:1::4", "2001:db8:1::5", 40000, 80));
  ASSERT_EQ(v6.kind, Kind::kEncap) << v6.reason;
  EXPECT_EQ(v6.vni, 100u);
  EXPECT_EQ(v6.outer_dst, ip("192.0.2.50"));
  EXPECT_EQ(v6.inner_dmac, mac(kPeerMac));
}

TEST_F(DashExample, RouteTypesRouteMissAndMappingMiss) {
  auto to = [&](const char* dst) { return web_out(tcp(kWebMac, kGw, "10.1.0.4", dst, 1, 443)); };
  const Decision peer = to("10.2.0.9");
  ASSERT_EQ(peer.kind, Kind::kEncap);
  EXPECT_EQ(peer.vni, 200u) << "the peered VNET's VNI (USE_DST_VNET_VNI)";
  EXPECT_EQ(peer.outer_dst, ip("192.0.2.60"));
  const Decision direct_vnet = to("10.3.7.7");
  ASSERT_EQ(direct_vnet.kind, Kind::kEncap);
  EXPECT_EQ(direct_vnet.outer_dst, ip("192.0.2.77")) << "the mapping of the overlay IP";
  EXPECT_EQ(to("198.51.100.7").kind, Kind::kDirect);
  EXPECT_EQ(to("10.66.1.1").reason, "route_drop");
  EXPECT_EQ(to("10.1.9.9").reason, "mapping_miss");
  EXPECT_EQ(web_out(tcp(kWebMac, kGw, "2001:db8:1::4", "2001:db9::1", 1, 2)).reason,
            "route_miss");
}

TEST_F(DashExample, AclStagesTerminatingAndNotAcrossStages) {
  auto out = [&](const Bytes& f) { return web_out(f); };
  const Decision ssh = out(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 22));
  EXPECT_EQ(ssh.reason, "acl");
  EXPECT_EQ(ssh.acl.stage, 0);
  EXPECT_EQ(ssh.acl.rule, "web-out-1-no-ssh") << "a terminating deny in stage 1";
  const Decision game = out(udp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 5500));
  EXPECT_EQ(game.reason, "acl");
  EXPECT_EQ(game.acl.stage, 1) << "stage 1 permitted and continued, stage 2 denied";
  EXPECT_EQ(game.acl.rule, "web-out-2-no-games");
  const Decision dns = out(udp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 6000));
  EXPECT_EQ(dns.kind, Kind::kEncap);
  EXPECT_EQ(dns.acl.stage, 1);
  EXPECT_EQ(dns.acl.rule, "web-out-2-rest");
  // Inbound: only sources in 10.1/16; the group's default denies the rest.
  const Decision in_ok = wire(vxlan(tcp(kPeerMac, kWebMac, "10.1.0.5", "10.1.0.4", 80, 40000),
                                    "192.0.2.50", "192.0.2.1", 100));
  EXPECT_EQ(in_ok.kind, Kind::kToVnic) << in_ok.reason;
  EXPECT_EQ(in_ok.acl.rule, "web-in-from-blue");
  const Decision in_no = wire(vxlan(tcp(kPeerMac, kWebMac, "10.9.0.5", "10.1.0.4", 80, 40000),
                                    "192.0.2.50", "192.0.2.1", 100));
  EXPECT_EQ(in_no.reason, "acl");
  EXPECT_EQ(in_no.acl.rule, "") << "the group's default deny";
}

TEST_F(DashExample, InboundDecapWithAndWithoutPaValidation) {
  const Bytes inner = tcp(kPeerMac, kWebMac, "10.1.0.5", "10.1.0.4", 80, 40000);
  const Decision ok = wire(vxlan(inner, "192.0.2.50", "192.0.2.1", 100));
  ASSERT_EQ(ok.kind, Kind::kToVnic) << ok.reason;
  EXPECT_EQ(ok.direction, Direction::kInbound);
  EXPECT_EQ(ok.vport, kWebPort);
  EXPECT_TRUE(ok.decap);
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.51", "192.0.2.1", 100)).reason, "pa_validation")
      << "192.0.2.51 is no valid PA of vnet-blue";
  EXPECT_EQ(wire(vxlan(inner, "203.0.113.9", "192.0.2.1", 100)).kind, Kind::kToVnic)
      << "the gateway's entry decapsulates without PA validation";
  EXPECT_EQ(wire(vxlan(inner, "198.51.100.1", "192.0.2.1", 100)).reason, "inbound_route_miss");
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.50", "192.0.2.1", 150)).reason, "inbound_route_miss")
      << "a trusted VNI without an inbound routing entry";
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.50", "192.0.2.1", 300)).reason, "trusted_vni");
}

TEST_F(DashExample, WrongVipDrops) {
  const Bytes inner = tcp(kPeerMac, kWebMac, "10.1.0.5", "10.1.0.4", 80, 40000);
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.50", "192.0.2.3", 100)).reason, "wrong_vip");
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.50", "192.0.2.2", 100)).kind, Kind::kToVnic)
      << "either VIP";
  cfg_.apply(R"([{"name": "vip-appliance", "op": "remove"}])");
  EXPECT_EQ(wire(vxlan(inner, "192.0.2.50", "192.0.2.2", 100)).reason, "wrong_vip");
}

TEST_F(DashExample, ApplianceServesARemoteVmBothWays) {
  // eni-db's VM sends from its host with VNI 9 (the direction lookup says outbound).
  const Bytes from_db = tcp(kDbMac, kGw, "10.1.0.6", "10.1.0.5", 5432, 40000);
  const Decision out = wire(vxlan(from_db, "198.51.100.20", "192.0.2.2", 9));
  ASSERT_EQ(out.kind, Kind::kEncap) << out.reason;
  EXPECT_EQ(out.direction, Direction::kOutbound);
  EXPECT_EQ(out.eni, *cfg_.eni("eni-db"));
  EXPECT_TRUE(out.decap);
  EXPECT_EQ(out.vni, 100u);
  EXPECT_EQ(out.outer_src, ip("192.0.2.2")) << "from the VIP the packet came to";
  EXPECT_EQ(out.outer_dst, ip("192.0.2.50"));
  // eni-web talks to eni-db: encapsulated to the appliance VIP...
  const Bytes to_db = tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.6", 40000, 5432);
  const Decision first = web_out(to_db);
  ASSERT_EQ(first.kind, Kind::kEncap);
  EXPECT_EQ(first.outer_dst, ip("192.0.2.2"));
  // ... where it arrives (as the encap made it) and goes on to the VM's host with its VNI.
  Bytes arrived = to_db;
  const auto dmac = mac(kDbMac).bytes();
  std::copy(dmac.begin(), dmac.end(), arrived.begin());
  const Decision in = wire(vxlan(arrived, "192.0.2.1", "192.0.2.2", 100));
  ASSERT_EQ(in.kind, Kind::kEncap) << in.reason;
  EXPECT_EQ(in.direction, Direction::kInbound);
  EXPECT_EQ(in.vni, 9u);
  EXPECT_EQ(in.outer_src, ip("192.0.2.2"));
  EXPECT_EQ(in.outer_dst, ip("198.51.100.20"));
  EXPECT_EQ(in.inner_dmac, mac(kDbMac));
  // VNI 9 is trusted for eni-db only.
  const Bytes web_on_9 = tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 1, 80);
  EXPECT_EQ(wire(vxlan(web_on_9, "198.51.100.20", "192.0.2.2", 9)).reason, "trusted_vni");
}

TEST_F(DashExample, MeteringCountsPerClassAndDirection) {
  // Each packet the switch forwards is billed with its overlay size.
  std::uint64_t web_private_out = 0, web_private_in = 0, web_peering = 0, web_internet = 0;
  auto send = [&](const Bytes& f, unsigned vport) {
    const auto i = packet_info(f, vport);
    const Decision d = decide(p_, f, vport);
    p_.account(d, i->overlay_len);
    return std::pair{d, static_cast<std::uint64_t>(i->overlay_len)};
  };
  for (int n = 0; n < 3; ++n) {
    web_private_out += send(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 80), kWebPort).second;
  }
  web_peering += send(udp(kWebMac, kGw, "10.1.0.4", "10.2.0.9", 1, 53), kWebPort).second;
  web_internet += send(tcp(kWebMac, kGw, "10.1.0.4", "198.51.100.7", 1, 443), kWebPort).second;
  const Bytes reply = tcp(kPeerMac, kWebMac, "10.1.0.5", "10.1.0.4", 80, 40000);
  const auto [in, n_in] = send(vxlan(reply, "192.0.2.50", "192.0.2.1", 100), 0);
  EXPECT_EQ(in.meter_class, 1u) << "inbound: the policy by the overlay source";
  web_private_in += n_in;
  EXPECT_EQ(n_in, reply.size()) << "the overlay packet, without the tunnel";
  // Dropped traffic is not billed.
  send(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 22), kWebPort);
  EXPECT_EQ(*cfg_.meter_bucket("bucket-web-private"),
            (MeterCounters{web_private_out, 3, web_private_in, 1}));
  EXPECT_EQ(*cfg_.meter_bucket("bucket-web-peering"), (MeterCounters{web_peering, 1, 0, 0}))
      << "the route's class 2 wins over the policy's 1";
  EXPECT_EQ(*cfg_.meter_bucket("bucket-web-internet"), (MeterCounters{web_internet, 1, 0, 0}));
  EXPECT_EQ(web_private_out, 3u * 62u) << "14 + 20 + 20 + 8 bytes a frame";
}

TEST_F(DashExample, RemoveFileUndoesEverythingAndTheExampleLoadsAgain) {
  EXPECT_EQ(cfg_.size(), 42u);
  EXPECT_TRUE(p_.trusted_vni_check());
  cfg_.apply_file(kExamples + "/two-enis-remove.json");
  EXPECT_EQ(cfg_.size(), 0u);
  EXPECT_FALSE(p_.has_vip(ip("192.0.2.1")));
  EXPECT_FALSE(p_.trusted_vni_check());
  EXPECT_EQ(p_.find_eni(1), nullptr);
  EXPECT_EQ(p_.find_vnet(1), nullptr);
  EXPECT_EQ(p_.find_routing_group(1), nullptr);
  EXPECT_EQ(p_.find_meter_policy(1), nullptr);
  EXPECT_EQ(web_out(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 1, 80)).reason, "no_eni");
  cfg_.apply_file(kExamples + "/two-enis.json");
  EXPECT_EQ(web_out(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 1, 80)).kind, Kind::kEncap);
}

TEST_F(DashExample, RemovingWhatIsReferencedIsRefused) {
  try {
    cfg_.apply(R"([{"name": "vnet-blue", "op": "remove"}])", "edit");
    FAIL() << "accepted";
  } catch (const DashError& e) {
    EXPECT_EQ(e.index(), 0u);
    EXPECT_EQ(e.name(), "vnet-blue");
    EXPECT_NE(e.why().find("still referenced by"), std::string::npos) << e.what();
    EXPECT_NE(e.why().find("'eni-web'"), std::string::npos) << e.what();
    EXPECT_NE(e.why().find("'ca-peer'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(cfg_.size(), 42u);
  // The rule goes, its group stays until nothing uses it.
  cfg_.apply(R"([{"name": "web-out-1-no-ssh", "op": "remove"}])");
  EXPECT_EQ(web_out(tcp(kWebMac, kGw, "10.1.0.4", "10.1.0.5", 40000, 22)).kind, Kind::kEncap);
  EXPECT_THROW(cfg_.apply(R"([{"name": "web-out-1", "op": "remove"}])"), DashError);
}

// --- Small configurations of their own ----------------------------------------------------

constexpr const char* kVnet = R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
  "attributes": ["SAI_VNET_ATTR_VNI", "100"]})";
constexpr const char* kVip = R"({"name": "vip", "op": "create",
  "type": "SAI_OBJECT_TYPE_VIP_ENTRY", "key": {"switch_id": "$SWITCH_ID", "vip": "192.0.2.1"},
  "attributes": []})";
constexpr const char* kMapping = R"({"name": "ca", "op": "create",
  "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
  "key": {"switch_id": "$SWITCH_ID", "dst_vnet_id": "$v", "dip": "10.1.0.5"},
  "attributes": ["SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP", "192.0.2.50",
    "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DMAC", "02:00:00:00:01:05"]})";

std::string eni(const std::string& name, const std::string& attrs) {
  return R"({"name": ")" + name + R"(", "op": "create", "type": "SAI_OBJECT_TYPE_ENI",
    "attributes": [)" + attrs + "]}";
}
std::string mac_entry(const std::string& name, const std::string& m, const std::string& e) {
  return R"({"name": ")" + name + R"(", "op": "create",
    "type": "SAI_OBJECT_TYPE_ENI_ETHER_ADDRESS_MAP_ENTRY",
    "key": {"switch_id": "$SWITCH_ID", "address": ")" + m + R"("},
    "attributes": ["SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ATTR_ENI_ID", "$)" + e + R"("]})";
}
std::string acl_group(const std::string& name, bool v6 = false) {
  return R"({"name": ")" + name + R"(", "op": "create", "type": "SAI_OBJECT_TYPE_DASH_ACL_GROUP",
    "attributes": ["SAI_DASH_ACL_GROUP_ATTR_IP_ADDR_FAMILY", "SAI_IP_ADDR_FAMILY_IPV)" +
         (v6 ? "6" : "4") + R"("]})";
}
std::string acl_rule(const std::string& name, const std::string& group, unsigned prio,
                     const std::string& action, const std::string& more = "") {
  return R"({"name": ")" + name + R"(", "op": "create", "type": "SAI_OBJECT_TYPE_DASH_ACL_RULE",
    "attributes": ["SAI_DASH_ACL_RULE_ATTR_DASH_ACL_GROUP_ID", "$)" + group + R"(",
      "SAI_DASH_ACL_RULE_ATTR_PRIORITY", ")" + std::to_string(prio) + R"(",
      "SAI_DASH_ACL_RULE_ATTR_ACTION", "SAI_DASH_ACL_RULE_ACTION_)" + action + "\"" +
         (more.empty() ? "" : ", " + more) + "]}";
}
/// An ENI-keyed route (the older SAI key) and its single route.
std::string route(const std::string& name, const std::string& owner_key,
                  const std::string& prefix, const std::string& attrs) {
  return R"({"name": ")" + name + R"(", "op": "create",
    "type": "SAI_OBJECT_TYPE_OUTBOUND_ROUTING_ENTRY",
    "key": {"switch_id": "$SWITCH_ID", )" + owner_key + R"(, "destination": ")" + prefix +
         R"("}, "attributes": [)" + attrs + "]}";
}

constexpr const char* kVmMac = "02:00:00:00:00:0a";

/// One ENI "e" (MAC kVmMac, vport 2) on VNET v with a direct default route and the given
/// attributes, after `before` records.
Pipeline& load(Pipeline& p, DashConfig& c, std::initializer_list<std::string> before,
               const std::string& eni_attrs, std::initializer_list<std::string> after = {}) {
  std::vector<std::string> r(before);
  r.push_back(eni("e", R"("SAI_ENI_ATTR_ADMIN_STATE", "true", "SAI_ENI_ATTR_VNET_ID", "$v")" +
                           (eni_attrs.empty() ? "" : ", " + eni_attrs)));
  r.push_back(mac_entry("m", kVmMac, "e"));
  r.push_back(route("default", R"("eni_id": "$e")", "0.0.0.0/0",
                    R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                       "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT")"));
  r.insert(r.end(), after);
  std::string d = "[";
  for (const std::string& x : r) d += (d.size() > 1 ? "," : "") + x;
  c.apply(d + "]", "test");
  return p;
}

TEST(VswitchDash, EniAdminStateIsSaisDefaultDown) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"up", 2}, {"down", 3}, {"unset", 4}}, {}});
  c.apply(doc({kVnet,
               eni("up", R"("SAI_ENI_ATTR_ADMIN_STATE", "True", "SAI_ENI_ATTR_VNET_ID", "$v")"),
               eni("down", R"("SAI_ENI_ATTR_ADMIN_STATE", "False")"), eni("unset", ""),
               mac_entry("m1", "02:00:00:00:00:01", "up"),
               mac_entry("m2", "02:00:00:00:00:02", "down"),
               mac_entry("m3", "02:00:00:00:00:03", "unset"),
               route("r", R"("eni_id": "$up")", "0.0.0.0/0",
                     R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT")")}));
  auto from = [&](const char* m, unsigned port) {
    return decide(p, tcp(m, "02:00:00:00:00:ff", "10.1.0.4", "198.51.100.1", 1, 2), port);
  };
  EXPECT_EQ(from("02:00:00:00:00:01", 2).kind, Kind::kDirect);
  EXPECT_EQ(from("02:00:00:00:00:02", 3).reason, "eni_down");
  EXPECT_EQ(from("02:00:00:00:00:03", 4).reason, "eni_down") << "SAI's default is down";
  EXPECT_EQ(p.find_eni(*c.eni("up"))->vport, 2u);
}

TEST(VswitchDash, AclPriorityProtocolsPortRangesAcrossThreeStages) {
  // Stage 1: 10.1/16 deny-and-continue, the rest permit-and-continue. Stage 2: TCP/UDP to 80 or
  // 8000-8080 permit (terminating), UDP deny-and-continue, the rest permit-and-continue.
  // Stage 3: sources 10.0.0.128/25 and 10.0.9.0/24 denied, TCP permit-and-continue (UDP falls
  // to the group's default deny).
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  load(p, c,
       {kVnet, acl_group("g1"), acl_group("g2"), acl_group("g3"),
        acl_rule("g1-blue", "g1", 10, "DENY_AND_CONTINUE",
                 R"("SAI_DASH_ACL_RULE_ATTR_DIP", "1:10.1.0.0/16")"),
        acl_rule("g1-rest", "g1", 20, "PERMIT_AND_CONTINUE"),
        acl_rule("g2-web", "g2", 5, "PERMIT",
                 R"("SAI_DASH_ACL_RULE_ATTR_PROTOCOL", "2:6,17",
                    "SAI_DASH_ACL_RULE_ATTR_DST_PORT", "2:80,80,8000,8080")"),
        acl_rule("g2-udp", "g2", 10, "DENY_AND_CONTINUE",
                 R"("SAI_DASH_ACL_RULE_ATTR_PROTOCOL", "1:17")"),
        acl_rule("g2-rest", "g2", 50, "PERMIT_AND_CONTINUE"),
        acl_rule("g3-bad-sources", "g3", 1, "DENY",
                 R"("SAI_DASH_ACL_RULE_ATTR_SIP", "2:10.0.0.128/25,10.0.9.0/24")"),
        acl_rule("g3-tcp", "g3", 2, "PERMIT_AND_CONTINUE",
                 R"("SAI_DASH_ACL_RULE_ATTR_PROTOCOL", "1:6")")},
       R"("SAI_ENI_ATTR_OUTBOUND_V4_STAGE1_DASH_ACL_GROUP_ID", "$g1",
          "SAI_ENI_ATTR_OUTBOUND_V4_STAGE2_DASH_ACL_GROUP_ID", "$g2",
          "SAI_ENI_ATTR_OUTBOUND_V4_STAGE3_DASH_ACL_GROUP_ID", "$g3")");
  struct Case {
    Bytes frame;
    bool allow;
    int stage;
    const char* rule;
  };
  const char* gw = "02:00:00:00:00:ff";
  const Case cases[] = {
      {tcp(kVmMac, gw, "10.0.0.4", "10.1.0.5", 1, 80), true, 1, "g2-web"},
      {udp(kVmMac, gw, "10.0.0.4", "10.1.0.5", 1, 8080), true, 1, "g2-web"},
      {udp(kVmMac, gw, "10.0.0.4", "10.1.0.5", 1, 8081), false, 2, ""},
      {udp(kVmMac, gw, "10.0.0.4", "10.1.0.5", 1, 53), false, 2, ""},
      {tcp(kVmMac, gw, "10.0.0.4", "10.1.0.5", 1, 22), true, 2, "g3-tcp"},
      {tcp(kVmMac, gw, "10.0.0.200", "10.1.0.5", 1, 22), false, 2, "g3-bad-sources"},
      {tcp(kVmMac, gw, "10.0.9.1", "10.1.0.5", 1, 22), false, 2, "g3-bad-sources"},
      {tcp(kVmMac, gw, "10.0.0.200", "10.1.0.5", 1, 8000), true, 1, "g2-web"},
      {tcp(kVmMac, gw, "10.0.0.4", "10.5.0.1", 1, 22), true, 2, "g3-tcp"},
  };
  for (const Case& k : cases) {
    const Decision d = decide(p, k.frame, 2);
    SCOPED_TRACE(k.rule);
    EXPECT_EQ(d.acl.allow, k.allow);
    EXPECT_EQ(d.kind, k.allow ? Kind::kDirect : Kind::kDrop);
    EXPECT_EQ(d.acl.stage, k.stage);
    EXPECT_EQ(d.acl.rule, k.rule);
  }
  // Priority within a group: the lower value wins whatever the order of creation.
  c.apply(doc({acl_rule("g2-ssh-ok", "g2", 3, "PERMIT",
                        R"("SAI_DASH_ACL_RULE_ATTR_DST_PORT", "1:22,22")"),
               acl_rule("g2-ssh-no", "g2", 2, "DENY",
                        R"("SAI_DASH_ACL_RULE_ATTR_DST_PORT", "1:22,22")")}));
  const Bytes ssh = tcp(kVmMac, gw, "10.0.0.4", "10.5.0.1", 1, 22);
  EXPECT_EQ(decide(p, ssh, 2).acl.rule, "g2-ssh-no");
  c.apply(R"([{"name": "g2-ssh-no", "op": "remove"}])");
  EXPECT_EQ(decide(p, ssh, 2).acl.rule, "g2-ssh-ok");
  EXPECT_EQ(decide(p, ssh, 2).acl.stage, 1);
}

TEST(VswitchDash, InboundStagesAndIpv6StagesAreSeparate) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  load(p, c,
       {kVnet, kVip, acl_group("in3"), acl_group("out6", true),
        acl_rule("in3-no-telnet", "in3", 1, "DENY", R"("SAI_DASH_ACL_RULE_ATTR_DST_PORT",
                 "1:23,23")"),
        acl_rule("in3-rest", "in3", 2, "PERMIT"),
        acl_rule("out6-none", "out6", 1, "DENY")},
       R"("SAI_ENI_ATTR_INBOUND_V4_STAGE3_DASH_ACL_GROUP_ID", "$in3",
          "SAI_ENI_ATTR_OUTBOUND_V6_STAGE1_DASH_ACL_GROUP_ID", "$out6")",
       {R"({"name": "in", "op": "create", "type": "SAI_OBJECT_TYPE_INBOUND_ROUTING_ENTRY",
           "key": {"switch_id": "$SWITCH_ID", "eni_id": "$e", "vni": "100", "sip": "0.0.0.0",
                   "sip_mask": "0.0.0.0", "priority": "1"},
           "attributes": []})",
        route("v6", R"("eni_id": "$e")", "::/0",
              R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                 "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT")")});
  const char* peer = "02:00:00:00:00:05";
  const Decision telnet =
      decide(p, vxlan(tcp(peer, kVmMac, "10.1.0.5", "10.1.0.4", 1, 23), "192.0.2.9", "192.0.2.1",
                      100), 0);
  EXPECT_EQ(telnet.reason, "acl");
  EXPECT_EQ(telnet.acl.stage, 2);
  EXPECT_EQ(telnet.acl.rule, "in3-no-telnet");
  EXPECT_EQ(decide(p, vxlan(tcp(peer, kVmMac, "10.1.0.5", "10.1.0.4", 1, 80), "192.0.2.9",
                            "192.0.2.1", 100), 0)
                .kind,
            Kind::kToVnic);
  EXPECT_EQ(decide(p, tcp(kVmMac, peer, "2001:db8::4", "2001:db8::5", 1, 80), 2).reason, "acl");
  EXPECT_EQ(decide(p, tcp(kVmMac, peer, "10.1.0.4", "10.1.0.5", 1, 80), 2).kind, Kind::kDirect)
      << "no IPv4 outbound stage";
}

TEST(VswitchDash, DashsOwnFormAttributesAtTheirDefaultsOrListedToIgnore) {
  // DASH's test files give many ENI attributes at SAI's defaults, some not: what this switch
  // does not do is refused unless the caller names it.
  const std::string dash_style = eni("e", R"(
      "SAI_ENI_ATTR_CPS", "10000", "SAI_ENI_ATTR_PPS", "100000",
      "SAI_ENI_ATTR_ADMIN_STATE", "True", "SAI_ENI_ATTR_VNET_ID", "$v",
      "SAI_ENI_ATTR_HA_SCOPE_ID", "0", "SAI_ENI_ATTR_PL_UNDERLAY_SIP", "0.0.0.0",
      "SAI_ENI_ATTR_INBOUND_V4_STAGE1_DASH_ACL_GROUP_ID", "0",
      "SAI_ENI_ATTR_V4_METER_POLICY_ID", "SAI_NULL_OBJECT_ID",
      "SAI_ENI_ATTR_DASH_TUNNEL_DSCP_MODE", "SAI_DASH_TUNNEL_DSCP_MODE_PRESERVE_MODEL",
      "SAI_ENI_ATTR_DSCP", "0", "SAI_ENI_ATTR_FULL_FLOW_RESIMULATION_REQUESTED", "False")");
  {
    Pipeline p(ip("192.0.2.1"));
    DashConfig c(p);
    try {
      c.apply(doc({kVnet, dash_style}), "dash-style.json");
      FAIL() << "accepted";
    } catch (const DashError& e) {
      EXPECT_EQ(e.index(), 1u);
      EXPECT_EQ(e.name(), "e");
      EXPECT_EQ(e.attribute(), "SAI_ENI_ATTR_CPS");
      EXPECT_NE(e.why().find("known, not implemented"), std::string::npos);
      EXPECT_EQ(std::string(e.what()).rfind("dash-style.json: record 1 'e': SAI_ENI_ATTR_CPS: ", 0),
                0u)
          << e.what();
    }
    EXPECT_EQ(c.eni("e"), std::nullopt) << "the record is refused whole";
  }
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{}, {"SAI_ENI_ATTR_CPS", "SAI_ENI_ATTR_PPS"}});
  c.apply(doc({kVnet, dash_style,
               route("r", R"("eni_id": "$e")", "10.0.0.0/8",
                     R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DST_VNET_ID", "$v",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DASH_TUNNEL_ID", "SAI_NULL_OBJECT_ID",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_OR", "0",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_AND", "-1")")}));
  ASSERT_TRUE(c.eni("e"));
  const Eni& e = *p.find_eni(*c.eni("e"));
  EXPECT_TRUE(e.admin_up);
  EXPECT_EQ(e.vport, 0u) << "not bound: a remote VM";
  const OutboundRoute* r = e.routes.lookup(ip("10.1.2.3"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, RouteType::kVnet) << "SAI's default action";
  EXPECT_EQ(r->meter_class_and, kMeterClassAll) << "\"-1\" is all ones";
}

TEST(VswitchDash, MappingVniFollowsUseDstVnetVni) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  const std::string peer_vnet = R"({"name": "v2", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
    "attributes": ["SAI_VNET_ATTR_VNI", "200"]})";
  const std::string mapping = R"({"name": "ca2", "op": "create",
    "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
    "key": {"switch_id": "$SWITCH_ID", "dst_vnet_id": "$v2", "dip": "10.2.0.9"},
    "attributes": ["SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP", "192.0.2.60",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DMAC", "02:00:00:00:02:09"]})";
  load(p, c, {kVnet, peer_vnet, mapping}, "",
       {route("r2", R"("eni_id": "$e")", "10.2.0.0/16",
              R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DST_VNET_ID", "$v2")")});
  const Decision d = decide(p, tcp(kVmMac, "02:00:00:00:00:ff", "10.1.0.4", "10.2.0.9", 1, 2), 2);
  ASSERT_EQ(d.kind, Kind::kEncap);
  EXPECT_EQ(d.vni, 100u) << "USE_DST_VNET_VNI is false by default: the ENI's VNET's VNI";
  EXPECT_EQ(d.outer_dst, ip("192.0.2.60"));
}

TEST(VswitchDash, MappingEncapsulationAndTunnelKey) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  const std::string nvgre = R"({"name": "ca9", "op": "create",
    "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
    "key": {"switch_id": "$SWITCH_ID", "dst_vnet_id": "$v", "dip": "10.1.0.9"},
    "attributes": ["SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP", "192.0.2.61",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DMAC", "02:00:00:00:02:09",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_DASH_ENCAPSULATION", "SAI_DASH_ENCAPSULATION_NVGRE",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_TUNNEL_KEY", "4321"]})";
  const std::string vxlan = R"({"name": "ca8", "op": "create",
    "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
    "key": {"switch_id": "$SWITCH_ID", "dst_vnet_id": "$v", "dip": "10.1.0.8"},
    "attributes": ["SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP", "192.0.2.62",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DMAC", "02:00:00:00:02:08",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_DASH_ENCAPSULATION", "SAI_DASH_ENCAPSULATION_VXLAN",
      "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_TUNNEL_KEY", "0"]})";
  load(p, c, {kVnet, nvgre, vxlan}, "",
       {route("r1", R"("eni_id": "$e")", "10.1.0.0/16", "")});
  Decision d = decide(p, tcp(kVmMac, "02:00:00:00:00:ff", "10.1.0.4", "10.1.0.9", 1, 2), 2);
  ASSERT_EQ(d.kind, Kind::kEncap) << d.reason;
  EXPECT_EQ(d.encap, model::TunnelType::kNvgre);
  EXPECT_EQ(d.vni, 4321u) << "the tunnel key, not the VNET's VNI";
  d = decide(p, tcp(kVmMac, "02:00:00:00:00:ff", "10.1.0.4", "10.1.0.8", 1, 2), 2);
  ASSERT_EQ(d.kind, Kind::kEncap) << d.reason;
  EXPECT_EQ(d.encap, model::TunnelType::kVxlan);
  EXPECT_EQ(d.vni, 100u) << "tunnel key 0: the VNET's";
}

/// Applies `records` to a fresh pipeline and returns the refusal.
DashError refusal(std::initializer_list<std::string> records, DashOptions o = {}) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, std::move(o));
  try {
    c.apply(doc(records), "t.json");
  } catch (const DashError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted";
  return DashError("", 0, "", "", "");
}

void expect_refusal(std::initializer_list<std::string> records, std::size_t index,
                    const std::string& name, const std::string& attribute,
                    const std::string& why_part) {
  const DashError e = refusal(records);
  EXPECT_EQ(e.index(), index) << e.what();
  EXPECT_EQ(e.name(), name) << e.what();
  EXPECT_EQ(e.attribute(), attribute) << e.what();
  EXPECT_NE(e.why().find(why_part), std::string::npos) << e.what();
}

TEST(VswitchDash, RefusalsNameTheRecordTheAttributeAndWhy) {
  expect_refusal({kVnet, R"({"name": "x", "op": "create", "type": "SAI_OBJECT_TYPE_FOO"})"}, 1,
                 "x", "type", "is not a SAI DASH object type");
  expect_refusal({R"({"name": "t", "op": "create", "type": "SAI_OBJECT_TYPE_DASH_TUNNEL"})"}, 0,
                 "t", "type", "does not implement");
  expect_refusal({R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
                     "attributes": ["SAI_VNET_ATTR_COLOUR", "blue"]})"},
                 0, "v", "SAI_VNET_ATTR_COLOUR", "not an attribute of SAI_OBJECT_TYPE_VNET");
  expect_refusal({kVnet, eni("e", R"("SAI_ENI_ATTR_PL_SIP", "2001:db8::1")")}, 1, "e",
                 "SAI_ENI_ATTR_PL_SIP", "known, not implemented");
  expect_refusal({R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
                     "attributes": ["SAI_VNET_ATTR_VNI", "blue"]})"},
                 0, "v", "SAI_VNET_ATTR_VNI", "not a 32-bit unsigned number");
  expect_refusal({R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
                     "attributes": ["SAI_VNET_ATTR_VNI", "16777216"]})"},
                 0, "v", "SAI_VNET_ATTR_VNI", "does not fit in 24 bits");
  expect_refusal({eni("e", R"("SAI_ENI_ATTR_ADMIN_STATE", "yes")")}, 0, "e",
                 "SAI_ENI_ATTR_ADMIN_STATE", "not a boolean");
  expect_refusal({kVnet, eni("e", R"("SAI_ENI_ATTR_VNET_ID", "$vnet")")}, 1, "e",
                 "SAI_ENI_ATTR_VNET_ID", "dangling reference");
  expect_refusal({acl_group("g"), eni("e", R"("SAI_ENI_ATTR_VNET_ID", "$g")")}, 1, "e",
                 "SAI_ENI_ATTR_VNET_ID",
                 "is a SAI_OBJECT_TYPE_DASH_ACL_GROUP, not a SAI_OBJECT_TYPE_VNET");
  expect_refusal({eni("e", R"("SAI_ENI_ATTR_VNET_ID", "v")")}, 0, "e", "SAI_ENI_ATTR_VNET_ID",
                 "not an object reference");
  expect_refusal({acl_group("g6", true),
                  eni("e", R"("SAI_ENI_ATTR_OUTBOUND_V4_STAGE2_DASH_ACL_GROUP_ID", "$g6")")},
                 1, "e", "SAI_ENI_ATTR_OUTBOUND_V4_STAGE2_DASH_ACL_GROUP_ID", "is IPv6");
  expect_refusal({kVnet, kVnet}, 1, "v", "name", "duplicate");
  expect_refusal({kVip, std::string(kVip).replace(10, 3, "vip2")}, 1, "vip2", "key",
                 "exists already");
  expect_refusal({kVnet, kMapping, R"({"name": "v", "op": "remove"})"}, 2, "v", "",
                 "still referenced by 'ca'");
  expect_refusal({R"({"name": "ghost", "op": "remove"})"}, 0, "ghost", "", "nothing of that name");
  expect_refusal({R"({"name": "v", "op": "set", "type": "SAI_OBJECT_TYPE_VNET"})"}, 0, "v", "op",
                 "not create or remove");
  expect_refusal({R"({"op": "create", "type": "SAI_OBJECT_TYPE_VNET"})"}, 0, "", "name",
                 "needs a name");
  expect_refusal({kVnet, std::string(kMapping).replace(std::string(kMapping).find("192.0.2.50"),
                                                       10, "300.0.2.50")},
                 1, "ca", "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP",
                 "not an IPv4 or IPv6 address");
  expect_refusal({kVnet, R"({"name": "ca", "op": "create",
                     "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
                     "key": {"dst_vnet_id": "$v", "dip": "10.1.0.5"},
                     "attributes": ["SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_ACTION",
                       "SAI_OUTBOUND_CA_TO_PA_ENTRY_ACTION_SET_PRIVATE_LINK_MAPPING"]})"},
                 1, "ca", "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_ACTION", "not implemented");
  expect_refusal({kVnet, R"({"name": "ca", "op": "create",
                     "type": "SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY",
                     "key": {"dst_vnet_id": "$v"}, "attributes": []})"},
                 1, "ca", "dip", "key field missing");
  expect_refusal({kVnet, eni("e", ""),
                  route("r", R"("eni_id": "$e")", "10.0.0.0/8",
                        R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                           "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_SERVICE_TUNNEL")")},
                 2, "r", "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION", "not implemented");
  expect_refusal({kVnet, eni("e", ""),
                  route("r", R"("eni_id": "$e")", "10.0.0.1/8", "")},
                 2, "r", "destination", "host bits zero");
  expect_refusal({kVnet, eni("e", ""),
                  route("r", R"("eni_id": "$e")", "10.0.0.0/8",
                        R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                           "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_VNET_DIRECT")")},
                 2, "r", "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_IP", "required");
  expect_refusal({kVnet, eni("e", ""),
                  route("r", R"("eni_id": "$e")", "10.0.0.0/8",
                        R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_IP_ADDR_FAMILY",
                           "SAI_IP_ADDR_FAMILY_IPV4")")},
                 2, "r", "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_IP_ADDR_FAMILY", "read-only");
  expect_refusal({kVnet, eni("e", ""),
                  R"({"name": "in", "op": "create", "type": "SAI_OBJECT_TYPE_INBOUND_ROUTING_ENTRY",
                      "key": {"eni_id": "$e", "vni": "1", "sip": "10.0.0.1",
                              "sip_mask": "255.0.0.0", "priority": "1"}, "attributes": []})"},
                 2, "in", "sip", "bits outside its mask");
  expect_refusal({kVnet, eni("e", ""),
                  R"({"name": "in", "op": "create", "type": "SAI_OBJECT_TYPE_INBOUND_ROUTING_ENTRY",
                      "key": {"eni_id": "$e", "vni": "1", "sip": "10.0.0.0",
                              "sip_mask": "255.0.0.0", "priority": "1"},
                      "attributes": ["SAI_INBOUND_ROUTING_ENTRY_ATTR_ACTION",
                        "SAI_INBOUND_ROUTING_ENTRY_ACTION_TUNNEL_DECAP_PA_VALIDATE"]})"},
                 2, "in", "SAI_INBOUND_ROUTING_ENTRY_ATTR_SRC_VNET_ID", "required");
  expect_refusal({acl_group("g"), acl_rule("r", "g", 1, "PERMIT",
                                           R"("SAI_DASH_ACL_RULE_ATTR_PROTOCOL", "3:6,17")")},
                 1, "r", "SAI_DASH_ACL_RULE_ATTR_PROTOCOL", "says 3 items and has 2");
  expect_refusal({acl_group("g"), acl_rule("r", "g", 1, "PERMIT",
                                           R"("SAI_DASH_ACL_RULE_ATTR_DIP", "1:2001:db8::/32")")},
                 1, "r", "SAI_DASH_ACL_RULE_ATTR_DIP", "not of the family");
  expect_refusal({acl_group("g"), acl_rule("r", "g", 1, "PERMIT",
                                           R"("SAI_DASH_ACL_RULE_ATTR_SRC_PORT", "1:90,80")")},
                 1, "r", "SAI_DASH_ACL_RULE_ATTR_SRC_PORT", "not a port range");
  expect_refusal({acl_group("g"), acl_rule("r", "g", 1, "PERMIT",
                                           R"("SAI_DASH_ACL_RULE_ATTR_COUNTER_ID", "$g")")},
                 1, "r", "SAI_DASH_ACL_RULE_ATTR_COUNTER_ID", "known, not implemented");
  expect_refusal({kVnet, eni("e", ""),
                  R"({"name": "b", "op": "create", "type": "SAI_OBJECT_TYPE_METER_BUCKET_ENTRY",
                      "key": {"eni_id": "$e", "meter_class": "0"}})"},
                 2, "b", "meter_class", "class 0");
  expect_refusal({R"({"name": "d", "op": "create",
                      "type": "SAI_OBJECT_TYPE_DIRECTION_LOOKUP_ENTRY",
                      "key": {"switch_id": "$OTHER", "vni": "9"}})"},
                 0, "d", "switch_id", "$SWITCH_ID");
  expect_refusal({R"({"name": "d", "op": "create",
                      "type": "SAI_OBJECT_TYPE_DIRECTION_LOOKUP_ENTRY",
                      "key": {"vni": "9", "eni_id": "$e"}})"},
                 0, "d", "eni_id", "not a key field");
  expect_refusal({R"({"name": "g", "op": "create",
                      "type": "SAI_OBJECT_TYPE_GLOBAL_TRUSTED_VNI_ENTRY",
                      "key": {"vni_range": "20,10"}})"},
                 0, "g", "vni_range", "is empty");
  expect_refusal({R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
                      "attributes": ["SAI_VNET_ATTR_VNI"]})"},
                 0, "v", "attributes", "flat list");
  expect_refusal({R"({"name": "v", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
                      "colour": "blue"})"},
                 0, "v", "colour", "not a field of a record");
}

TEST(VswitchDash, ARefusedRecordChangesNothingAndEarlierOnesStay) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  const std::string bad_route = route("r", R"("eni_id": "$e")", "10.1.0.0/16",
                                      R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DST_VNET_ID", "$v",
                                         "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_OR", "x")");
  EXPECT_THROW(load(p, c, {kVnet, kMapping}, "", {bad_route}), DashError);
  EXPECT_EQ(c.size(), 5u) << "v, ca, e, m, default";
  const Decision d = decide(p, tcp(kVmMac, "02:00:00:00:00:ff", "10.1.0.4", "10.1.0.5", 1, 2), 2);
  EXPECT_EQ(d.kind, Kind::kDirect) << "the refused route was not installed";
  EXPECT_THROW(c.apply("[{\"name\": ", "broken.json"), DashError);
  try {
    c.apply(R"({"name": "v"})", "obj.json");
  } catch (const DashError& e) {
    EXPECT_NE(std::string(e.what()).find("obj.json: a DASH configuration is a JSON list"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(c.apply_file(kExamples + "/no-such-file.json"), DashError);
  EXPECT_EQ(c.size(), 5u);
}

TEST(VswitchDash, TrustedVniEntriesTurnTheCheckOnAndOff) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  const std::string inbound = R"({"name": "in", "op": "create",
    "type": "SAI_OBJECT_TYPE_INBOUND_ROUTING_ENTRY",
    "key": {"eni_id": "$e", "vni": "700", "sip": "0.0.0.0", "sip_mask": "0.0.0.0",
            "priority": "1"}})";
  load(p, c, {kVnet, kVip}, "", {inbound});
  const Bytes f = vxlan(tcp("02:00:00:00:00:05", kVmMac, "10.1.0.5", "10.1.0.4", 1, 2),
                        "192.0.2.9", "192.0.2.1", 700);
  EXPECT_EQ(decide(p, f, 0).kind, Kind::kToVnic);
  c.apply(R"([{"name": "t", "op": "create", "type": "SAI_OBJECT_TYPE_ENI_TRUSTED_VNI_ENTRY",
               "key": {"eni_id": "$e", "vni_range": "100,200"}}])");
  EXPECT_EQ(decide(p, f, 0).reason, "trusted_vni");
  c.apply(R"([{"name": "g", "op": "create", "type": "SAI_OBJECT_TYPE_GLOBAL_TRUSTED_VNI_ENTRY",
               "key": {"vni_range": "700"}}])");
  EXPECT_EQ(decide(p, f, 0).kind, Kind::kToVnic);
  EXPECT_THROW(c.apply(R"([{"name": "e", "op": "remove"}])"), DashError) << "t refers to it";
  c.apply(R"([{"name": "g", "op": "remove"}])");
  EXPECT_EQ(decide(p, f, 0).reason, "trusted_vni");
  c.apply(R"([{"name": "t", "op": "remove"}])");
  EXPECT_FALSE(p.trusted_vni_check());
  EXPECT_EQ(decide(p, f, 0).kind, Kind::kToVnic);
}

TEST(VswitchDash, RoutingGroupDisabledAndMeterRulesFromRecords) {
  Pipeline p(ip("192.0.2.1"));
  DashConfig c(p, DashOptions{{{"e", 2}}, {}});
  c.apply(doc({kVnet,
               R"({"name": "rg", "op": "create", "type": "SAI_OBJECT_TYPE_OUTBOUND_ROUTING_GROUP",
                   "attributes": ["SAI_OUTBOUND_ROUTING_GROUP_ATTR_DISABLED", "true"]})",
               R"({"name": "mp6", "op": "create", "type": "SAI_OBJECT_TYPE_METER_POLICY",
                   "attributes": ["SAI_METER_POLICY_ATTR_IP_ADDR_FAMILY",
                                  "SAI_IP_ADDR_FAMILY_IPV6"]})",
               R"({"name": "mr6", "op": "create", "type": "SAI_OBJECT_TYPE_METER_RULE",
                   "attributes": ["SAI_METER_RULE_ATTR_METER_POLICY_ID", "$mp6",
                     "SAI_METER_RULE_ATTR_DIP", "2001:db8::", "SAI_METER_RULE_ATTR_DIP_MASK",
                     "ffff:ffff::", "SAI_METER_RULE_ATTR_PRIORITY", "1",
                     "SAI_METER_RULE_ATTR_METER_CLASS", "42"]})",
               eni("e", R"("SAI_ENI_ATTR_ADMIN_STATE", "true",
                           "SAI_ENI_ATTR_OUTBOUND_ROUTING_GROUP_ID", "$rg",
                           "SAI_ENI_ATTR_V6_METER_POLICY_ID", "$mp6")"),
               mac_entry("m", kVmMac, "e"),
               route("r", R"("outbound_routing_group_id": "$rg")", "::/0",
                     R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT")")}));
  const Bytes f = tcp(kVmMac, "02:00:00:00:00:ff", "2001:db8:1::4", "2001:db8:2::5", 1, 2);
  EXPECT_EQ(decide(p, f, 2).reason, "routing_group_disabled");
  EXPECT_THROW(c.apply(doc({eni("e4", R"("SAI_ENI_ATTR_V4_METER_POLICY_ID", "$mp6")")})),
               DashError)
      << "an IPv6 policy in the IPv4 slot";
  EXPECT_THROW(c.apply(R"([{"name": "rg", "op": "remove"}])"), DashError);
  // Re-create the group enabled: remove what refers to it first.
  c.apply(R"([{"name": "r", "op": "remove"}, {"name": "m", "op": "remove"},
              {"name": "e", "op": "remove"}, {"name": "rg", "op": "remove"}])");
  c.apply(doc({R"({"name": "rg", "op": "create",
                   "type": "SAI_OBJECT_TYPE_OUTBOUND_ROUTING_GROUP", "attributes": []})",
               eni("e", R"("SAI_ENI_ATTR_ADMIN_STATE", "true",
                           "SAI_ENI_ATTR_OUTBOUND_ROUTING_GROUP_ID", "$rg",
                           "SAI_ENI_ATTR_V6_METER_POLICY_ID", "$mp6")"),
               mac_entry("m", kVmMac, "e"),
               route("r", R"("outbound_routing_group_id": "$rg")", "::/0",
                     R"("SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
                        "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT")")}));
  const Decision d = decide(p, f, 2);
  EXPECT_EQ(d.kind, Kind::kDirect);
  EXPECT_EQ(d.meter_class, 42u) << "2001:db8::/32 by the IPv6 meter rule";
  EXPECT_EQ(decide(p, tcp(kVmMac, "02:00:00:00:00:ff", "2001:db8:1::4", "2001:db9::5", 1, 2), 2)
                .meter_class,
            0u);
}

}  // namespace
}  // namespace nicsim::host::vswitch
