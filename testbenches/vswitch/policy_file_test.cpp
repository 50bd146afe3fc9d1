// SPDX-License-Identifier: MIT
// The native policy file (policy_file.hpp, docs/vswitch-policy.md): the bundled example loads
// and reads as written, drives the slow path as its text says, and every kind of mistake is an
// error naming the file, the line and the key.
#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "nicsim/host/vswitch/policy_file.hpp"

namespace nicsim::host::vswitch {
namespace {

const std::string kExample = std::string(NICSIM_TRACE_DIR) + "/scenarios/vswitch/policy.yaml";

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }

PacketInfo from_vm(std::uint64_t smac, const char* sip, const char* dip, std::uint8_t proto,
                   std::uint16_t dport) {
  PacketInfo p;
  p.src_mac = model::MacAddr::from_u64(smac);
  p.tuple = {ip(sip), ip(dip), proto, 40000, dport};
  return p;
}

TEST(VswitchPolicyFile, TheExampleReadsAsWritten) {
  const Policy p = load_policy(kExample);
  const Eni* e1 = p.pipeline->find_eni(1);
  ASSERT_NE(e1, nullptr);
  EXPECT_EQ(e1->mac, model::MacAddr::from_u64(0x020000000011));
  EXPECT_EQ(e1->vport, 1u);
  EXPECT_EQ(e1->vnet, 1u);
  EXPECT_TRUE(e1->admin_up);
  ASSERT_NE(e1->outbound_acl.group(0), nullptr);
  EXPECT_EQ(e1->outbound_acl.group(0)->name(), "out-allow-web-dns");
  EXPECT_EQ(e1->outbound_acl.group(1)->name(), "out-audit");
  EXPECT_EQ(e1->outbound_acl.group(2), nullptr);
  EXPECT_EQ(e1->inbound_acl.group(0)->name(), "in-from-tenant");
  ASSERT_TRUE(e1->snat.has_value());
  EXPECT_EQ(e1->snat->public_ip, ip("100.64.0.1"));
  EXPECT_EQ(e1->snat->ports, (PortRange{20000, 29999}));
  ASSERT_EQ(e1->inbound_routes.size(), 1u);
  EXPECT_TRUE(e1->inbound_routes[0].pa_validate);
  EXPECT_EQ(e1->inbound_routes[0].src_vnet, 1u);
  EXPECT_EQ(p.acl_groups.size(), 3u);
  EXPECT_EQ(p.acl_groups.at("out-allow-web-dns")->size(), 4u);
  EXPECT_EQ(p.acl_groups.at("out-audit")->size(), 3u);
  EXPECT_EQ(p.config.underlay_mac, model::MacAddr::from_u64(0x0a0000000001).bytes());
  EXPECT_EQ(p.config.underlay_next_hop, model::MacAddr::from_u64(0x0a00000000fe).bytes());
  EXPECT_TRUE(p.config.offload);
  const Eni* e2 = p.pipeline->find_eni(2);
  ASSERT_NE(e2, nullptr);
  EXPECT_FALSE(e2->inbound_routes[0].pa_validate);
  EXPECT_EQ(e2->inbound_routes[0].sip.len, 0u);
}

TEST(VswitchPolicyFile, TheExampleDecidesAsItsTextSays) {
  const Policy p = load_policy(kExample);
  const Pipeline& pl = *p.pipeline;
  // Web to a peer on host 100.64.0.3: VXLAN 1000 there, the peer's MAC inside.
  Decision d = pl.outbound(from_vm(0x020000000011, "10.1.0.1", "10.1.0.5", 6, 443));
  ASSERT_EQ(d.kind, Decision::Kind::kEncap) << d.reason;
  EXPECT_EQ(d.vni, 1000u);
  EXPECT_EQ(d.outer_src, ip("100.64.0.1"));
  EXPECT_EQ(d.outer_dst, ip("100.64.0.3"));
  EXPECT_EQ(d.inner_dmac, model::MacAddr::from_u64(0x020000010005));
  // SSH to the database: denied by the first stage's terminating rule.
  d = pl.outbound(from_vm(0x020000000011, "10.1.0.1", "10.1.0.7", 6, 22));
  EXPECT_EQ(d.reason, "acl");
  EXPECT_EQ(d.acl.rule, "no-ssh-to-db");
  // Telnet passes stage 0 (permit_and_continue) and is denied by stage 1.
  d = pl.outbound(from_vm(0x020000000011, "10.1.0.1", "10.1.0.5", 6, 23));
  EXPECT_EQ(d.reason, "acl");
  EXPECT_EQ(d.acl.stage, 1);
  // The drop route, the default route to the underlay.
  EXPECT_EQ(pl.outbound(from_vm(0x020000000011, "10.1.0.1", "10.99.1.1", 17, 53)).reason,
            "route_drop");
  const Decision direct = pl.outbound(from_vm(0x020000000011, "10.1.0.1", "192.0.2.1", 17, 53));
  EXPECT_EQ(direct.kind, Decision::Kind::kDirect);
  EXPECT_EQ(direct.snat, ip("100.64.0.1"));  // its port: the flow cache's to give
  // ENI 2 has no ACL: not filtered; no default route: a miss.
  EXPECT_EQ(pl.outbound(from_vm(0x020000000022, "10.1.0.9", "10.1.0.5", 6, 23)).kind,
            Decision::Kind::kEncap);
  EXPECT_EQ(pl.outbound(from_vm(0x020000000022, "10.1.0.9", "192.0.2.1", 6, 80)).reason,
            "route_miss");
}

TEST(VswitchPolicyFile, MirrorSessionsRulesAndMappingTunnels) {
  const Policy p = parse_policy(
      "nicsim_policy: 1\n"
      "underlay: {pa: 100.64.0.1}\n"
      "mirror_sessions:\n"
      "  - {id: 3, collector: 100.64.9.9, vni: 4000}\n"
      "vnets:\n"
      "  - id: 1\n"
      "    vni: 1\n"
      "    mappings: [{ca: 10.1.0.5, pa: 100.64.0.3, mac: 02:00:00:01:00:05, encap: geneve,\n"
      "                tunnel_key: 77}]\n"
      "enis:\n"
      "  - id: 1\n"
      "    mac: 02:00:00:00:00:11\n"
      "    vnet: 1\n"
      "    vport: 1\n"
      "    routes: [{prefix: 0.0.0.0/0, type: direct}]\n"
      "    mirror:\n"
      "      - {session: 3, direction: outbound, protocols: [tcp], dst_ports: [443]}\n"
      "      - {session: 3, direction: inbound}\n",
      "m.yaml");
  const CaPaMapping& m = p.pipeline->find_vnet(1)->mappings.at(ip("10.1.0.5"));
  EXPECT_EQ(m.encap, model::TunnelType::kGeneve);
  EXPECT_EQ(m.tunnel_key, 77u);
  const MirrorSession* s = p.pipeline->find_mirror_session(3);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s, (MirrorSession{ip("100.64.9.9"), 4000}));
  const Eni& e = *p.pipeline->find_eni(1);
  ASSERT_EQ(e.mirror.size(), 2u);
  EXPECT_EQ(e.mirror[0].direction, Direction::kOutbound);
  EXPECT_EQ(e.mirror[1].direction, Direction::kInbound);
  // HTTPS out is mirrored, DNS out is not.
  EXPECT_EQ(p.pipeline->outbound(from_vm(0x020000000011, "10.1.0.1", "192.0.2.1", 6, 443)).mirror,
            (std::array<std::uint32_t, 2>{3, 0}));
  EXPECT_EQ(p.pipeline->outbound(from_vm(0x020000000011, "10.1.0.1", "192.0.2.1", 17, 53)).mirror,
            (std::array<std::uint32_t, 2>{0, 0}));
}

// A migration staged in the file (docs/vswitch-migration.md): inactive until activated.
TEST(VswitchPolicyFile, AStagedMigrationIsInactiveUntilActivated) {
  const Policy p = parse_policy(
      "nicsim_policy: 1\n"
      "underlay: {pa: 100.64.0.1}\n"
      "vnets:\n"
      "  - id: 1\n"
      "    vni: 1000\n"
      "    mappings: [{ca: 10.1.0.5, pa: 100.64.0.3, mac: 02:00:00:01:00:05}]\n"
      "    valid_pas: [100.64.0.3]\n"
      "migrations:\n"
      "  - id: 7\n"
      "    mappings:\n"
      "      - {vnet: 1, ca: 10.1.0.5, pa: 100.64.0.4, mac: 02:00:00:01:00:05, encap: geneve}\n"
      "    valid_pas:\n"
      "      - {vnet: 1, pa: 100.64.0.4}\n"
      "      - {vnet: 1, pa: 100.64.0.3, valid: false}\n",
      "m.yaml");
  Pipeline& pl = *p.pipeline;
  const ShadowPolicy* sh = pl.shadow(7);
  ASSERT_NE(sh, nullptr);
  ASSERT_EQ(sh->mappings.size(), 1u);
  EXPECT_EQ(sh->mappings[0].mapping.underlay_ip, ip("100.64.0.4"));
  EXPECT_EQ(sh->mappings[0].mapping.encap, model::TunnelType::kGeneve);
  ASSERT_EQ(sh->valid_pas.size(), 2u);
  EXPECT_FALSE(sh->valid_pas[1].valid);
  EXPECT_EQ(pl.find_vnet(1)->mappings.at(ip("10.1.0.5")).underlay_ip, ip("100.64.0.3"));
  EXPECT_EQ(pl.activate(7), 3u);
  EXPECT_EQ(pl.find_vnet(1)->mappings.at(ip("10.1.0.5")).underlay_ip, ip("100.64.0.4"));
  EXPECT_EQ(pl.find_vnet(1)->valid_pas,
            (std::unordered_set<model::IpAddr, IpHash>{ip("100.64.0.4")}));
}

struct Mistake {
  const char* yaml;
  const char* message;  // expected in the error, after "name:LINE: "
  int line;
};

/// Each case, after `head`, is refused with its message at its line.
void expect_refused(const std::string& head, const std::vector<Mistake>& cases) {
  for (const Mistake& m : cases) {
    SCOPED_TRACE(m.yaml);
    try {
      (void)parse_policy(head + m.yaml, "p.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const PolicyError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(m.message), std::string::npos) << what;
      EXPECT_EQ(what.rfind("p.yaml:" + std::to_string(m.line) + ":", 0), 0u) << what;
    }
  }
}

TEST(VswitchPolicyFile, MistakesNameTheFileLineAndKey) {
  const std::string head =
      "nicsim_policy: 1\n"
      "underlay: {pa: 100.64.0.1}\n";
  const std::vector<Mistake> cases = {
      {"colour: blue\n", "unknown key 'colour'", 3},
      {"vnets:\n  - {id: 1, vni: 99999999}\n", "vnets[0].vni: 99999999 is outside", 4},
      {"vnets:\n  - {id: 1, vni: 1}\n  - {id: 1, vni: 2}\n", "duplicate VNET 1", 5},
      {"vnets:\n  - id: 1\n    vni: 1\n    mappings:\n      - {ca: 10.0.0.1, pa: 1.2.3.4}\n",
       "a mapping needs ca, pa and mac", 7},
      {"acl_groups:\n  - name: g\n    rules:\n      - {name: r, action: allow}\n",
       "'allow' is not one of permit", 6},
      {"acl_groups:\n  - name: g\n    rules:\n      - {name: r, action: deny, src: [10.0.0.1/8]}\n",
       "expected a prefix", 6},
      {"acl_groups:\n  - name: g\n    rules:\n      - {name: r, action: deny, dst_ports: [90-80]}\n",
       "empty range 90-80", 6},
      {"acl_groups:\n  - name: g\n    rules:\n      - {name: r, action: deny, src: [fd00::/8]}\n",
       "prefix fd00::/8 is not IPv4 like group 'g'", 6},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - {id: 1, mac: 02:00:00:00:00:01, vnet: 2, vport: 1}\n",
       "enis[0].vnet: no VNET 2", 5},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - {id: 1, mac: 02:00:00:00:00:01, vnet: 1, vport: 1}\n"
       "  - {id: 2, mac: 02:00:00:00:00:01, vnet: 1, vport: 2}\n",
       "another ENI has MAC 02:00:00:00:00:01", 6},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n"
       "    vport: 1\n    acl: {outbound: [nope]}\n",
       "enis[0].acl.outbound[0]: no ACL group 'nope'", 9},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n"
       "    vport: 1\n    routes:\n      - {prefix: 10.0.0.0/8, type: vnet_direct}\n",
       "a vnet_direct route needs overlay_ip", 10},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n"
       "    vport: 1\n    routes:\n      - {prefix: 10.0.0.0/8, type: direct}\n"
       "      - {prefix: 10.0.0.0/8, type: drop}\n",
       "duplicate route 10.0.0.0/8", 11},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - {id: 1, mac: 02:00:00:00:00:01, vnet: 1, vport: 300}\n",
       "enis[0].vport: 300 is outside 1..254", 5},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - {id: 1, mac: 02:00:00:00:00:01, vnet: 1, vport: 1,\n"
       "     bridge: {vlan: 4095}}\n",
       "enis[0].bridge.vlan: 4095 is outside 1..4094", 6},
      {"enis: [1, 2]\n", "expected a mapping, found '1'", 3},
      {"vnets:\n  - id: 1\n    vni: 1\n    mappings:\n"
       "      - {ca: 10.0.0.1, pa: 1.2.3.4, mac: 02:00:00:00:00:01, encap: gre}\n",
       "'gre' is not one of vxlan", 7},
      {"mirror_sessions:\n  - {id: 1, collector: fd00::1, vni: 5}\n",
       "mirror_sessions[0].collector: the collector must be of the underlay's address family", 4},
      {"mirror_sessions:\n  - {id: 1, vni: 5}\n", "a mirror session needs id, collector and vni", 4},
      {"vnets: [{id: 1, vni: 1}]\nenis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n"
       "    vport: 1\n    mirror: [{session: 2}]\n",
       "enis[0].mirror[0].session: no mirror session 2", 9},
      {"mirror_sessions: [{id: 1, collector: 1.2.3.4, vni: 5}]\nvnets: [{id: 1, vni: 1}]\nenis:\n"
       "  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n    vport: 1\n"
       "    mirror: [{session: 1, direction: sideways}]\n",
       "'sideways' is not one of both", 10},
      {"vnets: [{id: 1, vni: 1}]\nmigrations:\n"
       "  - id: 1\n    mappings: [{vnet: 2, ca: 10.0.0.9, pa: 1.2.3.4, mac: 02:00:00:00:00:09}]\n",
       "migrations[0].mappings[0]: migration 1: VNET 2 does not exist", 6},
      {"vnets: [{id: 1, vni: 1}]\nmigrations:\n  - {id: 1}\n", "a migration stages nothing", 5},
      {"vnets: [{id: 1, vni: 1}]\nmigrations:\n  - id: 1\n    valid_pas: [{vnet: 1}]\n",
       "a valid PA change needs vnet and pa", 6},
      {"vnets: [{id: 1, vni: 1}]\nmigrations:\n"
       "  - id: 1\n    mappings: [{vnet: 1, ca: 10.0.0.9, pa: 1.2.3.4, mac: 02:00:00:00:00:09}]\n"
       "  - id: 2\n    mappings: [{vnet: 1, ca: 10.0.0.9, pa: 1.2.3.5, mac: 02:00:00:00:00:09}]\n",
       "10.0.0.9 in VNET 1 is staged by migration 1 already", 8},
      {"x: [oops\n", "not valid YAML", 4},  // yaml-cpp names the line where it gave up
  };
  expect_refused(head, cases);
  EXPECT_THROW((void)parse_policy("underlay: {pa: 1.2.3.4}\n", "p.yaml"), PolicyError);
  EXPECT_THROW((void)parse_policy("nicsim_policy: 1\n", "p.yaml"), PolicyError);
  EXPECT_THROW((void)load_policy("/nonexistent/policy.yaml"), PolicyError);
}

// Subnet relocation (docs/vswitch-relocation.md): the examples read as written, and every
// mistake in a `relocation` section or a tether route names the file, line and key.
TEST(SubnetRelocationPolicy, TheExamplesReadAsWritten) {
  const std::string dir = NICSIM_RELOCATION_EXAMPLES;
  const Policy a = load_policy(dir + "/anchor.yaml");
  ASSERT_TRUE(a.pipeline->relocation());
  const Relocation& ra = *a.pipeline->relocation();
  EXPECT_EQ(ra.role, Relocation::Role::kAnchor);
  EXPECT_EQ(ra.vnet, 1u);
  ASSERT_EQ(ra.subnets.size(), 1u);
  EXPECT_EQ(ra.subnets[0].to_string(), "10.0.5.0/24");
  EXPECT_EQ(ra.vni, 5000u);
  EXPECT_EQ(ra.port, 4789u);
  EXPECT_FALSE(ra.anchor);
  EXPECT_FALSE(ra.tether) << "learned from the tunnel, never configured";
  const Policy t = load_policy(dir + "/tether.yaml");
  ASSERT_TRUE(t.pipeline->relocation());
  const Relocation& rt = *t.pipeline->relocation();
  EXPECT_EQ(rt.role, Relocation::Role::kTether);
  EXPECT_EQ(rt.anchor, ip("10.1.0.1"));
  EXPECT_EQ(rt.keepalive_ns, 1'000'000'000ull);
  const Eni* r = t.pipeline->find_eni(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->routes.lookup(ip("10.0.0.1"))->type, RouteType::kTether);
  EXPECT_EQ(r->routes.lookup(ip("10.0.5.7"))->type, RouteType::kVnet);
  // The tether route's decision: VXLAN with the tunnel's VNI to the anchor, from the tunnel's
  // port, the inner destination MAC as the VM sent it.
  PacketInfo p = from_vm(0x020000000509, "10.0.5.9", "10.0.0.1", 6, 80);
  p.dst_mac = model::MacAddr::from_u64(0x0200000000a1);
  const Decision d = t.pipeline->outbound(p);
  ASSERT_EQ(d.kind, Decision::Kind::kEncap) << d.reason;
  EXPECT_EQ(d.vni, 5000u);
  EXPECT_EQ(d.outer_src, ip("192.168.0.2"));
  EXPECT_EQ(d.outer_dst, ip("10.1.0.1"));
  EXPECT_EQ(d.encap_sport, std::optional<std::uint16_t>(4789));
  EXPECT_EQ(d.encap_dport, std::optional<std::uint16_t>(4789));
  EXPECT_EQ(d.inner_dmac, p.dst_mac);
  const Policy h = load_policy(dir + "/home.yaml");
  EXPECT_FALSE(h.pipeline->relocation()) << "the home hosts know nothing of it";
}

TEST(SubnetRelocationPolicy, MistakesNameTheFileLineAndKey) {
  const std::string head =
      "nicsim_policy: 1\n"
      "underlay: {pa: 10.1.0.1}\n"
      "vnets: [{id: 1, vni: 100}]\n";
  const std::vector<Mistake> cases = {
      {"relocation: {role: anchor, vnet: 1, subnets: [10.0.5.0/24]}\n",
       "relocation: a relocation needs role, vnet, subnets and tunnel", 4},
      {"relocation:\n  role: hub\n  vnet: 1\n  subnets: [10.0.5.0/24]\n  tunnel: {vni: 5}\n",
       "relocation.role: 'hub' is not one of anchor", 5},
      {"relocation:\n  role: anchor\n  vnet: 2\n  subnets: [10.0.5.0/24]\n  tunnel: {vni: 5}\n",
       "relocation.vnet: no VNET 2", 6},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: []\n  tunnel: {vni: 5}\n",
       "relocation.subnets: no subnet is relocated", 7},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: [10.0.5.1/24]\n  tunnel: {vni: 5}\n",
       "relocation.subnets[0]: expected a prefix", 7},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: [10.0.5.0/24]\n  tunnel: {vni: 100}\n",
       "relocation: relocation (anchor): the tunnel's VNI 100 is VNET 1's own", 5},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: [10.0.5.0/24]\n"
       "  tunnel: {vni: 5, port: 0}\n",
       "relocation.tunnel.port: 0 is outside 1..65535", 8},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: [10.0.5.0/24]\n"
       "  tunnel:\n    vni: 5\n    keepalive_ms: 100\n",
       "relocation.tunnel.keepalive_ms: only a tether names the anchor and sends keepalives", 10},
      {"relocation:\n  role: tether\n  vnet: 1\n  subnets: [10.0.5.0/24]\n  tunnel: {vni: 5}\n",
       "relocation.tunnel: a tether needs 'anchor'", 8},
      {"relocation:\n  role: tether\n  vnet: 1\n  subnets: [10.0.5.0/24]\n"
       "  tunnel: {vni: 5, anchor: fd00::1}\n",
       "relocation (tether): the anchor's address is not of the underlay's family", 5},
      {"relocation:\n  role: tether\n  vnet: 1\n  subnets: [10.0.5.0/24]\n"
       "  tunnel: {vni: 5, anchor: 10.9.9.9, colour: red}\n",
       "relocation.tunnel: unknown key 'colour'", 8},
      {"enis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n    vport: 1\n"
       "    routes:\n      - {prefix: 10.0.0.0/16, type: tether}\n",
       "enis[0].routes[0].type: a tether route needs 'relocation' with role tether", 10},
      {"relocation:\n  role: anchor\n  vnet: 1\n  subnets: [10.0.5.0/24]\n  tunnel: {vni: 5}\n"
       "enis:\n  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n    vport: 1\n"
       "    routes:\n      - {prefix: 10.0.0.0/16, type: tether}\n",
       "a tether route needs 'relocation' with role tether", 15},
  };
  expect_refused(head, cases);
}

// Several VNICs sharing the physical address: the scenario's policy reads as written, and a
// collision among the shared ranges is an error at the ENI that makes it (file, line, both
// ranges).
TEST(VswitchPolicyFile, SharedAddressRangesReadAsWrittenAndCollisionsAreRefused) {
  const Policy p =
      load_policy(std::string(NICSIM_TRACE_DIR) + "/scenarios/vswitch/shared-address.yaml");
  const Eni* e1 = p.pipeline->find_eni(1);
  const Eni* e2 = p.pipeline->find_eni(2);
  ASSERT_TRUE(e1 != nullptr && e2 != nullptr && e1->snat && e2->snat);
  EXPECT_EQ(*e1->snat, (Snat{ip("100.64.0.1"), PortRange{64, 4095}, ip("10.1.0.99"),
                             PortRange{64, 127}}));
  EXPECT_EQ(*e2->snat, (Snat{ip("100.64.0.1"), PortRange{4096, 12287}, ip("10.1.0.200"),
                             PortRange{8064, 8191}}));
  const std::string head =
      "nicsim_policy: 1\nunderlay: {pa: 100.64.0.1}\nvnets: [{id: 1, vni: 1}]\nenis:\n"
      "  - id: 1\n    mac: 02:00:00:00:00:01\n    vnet: 1\n    vport: 1\n"
      "    snat: {public_ip: 100.64.0.1, ports: 1000-1999, inbound_to: 10.0.0.1, listen: 1000}\n";
  const std::vector<Mistake> cases = {
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    snat: {public_ip: 100.64.0.1, ports: 1500-2999, inbound_to: 10.0.0.2, listen: 2000}\n",
       "enis[1].snat: ENI 1: shared address 100.64.0.1: ports 1000-1999 overlap ENI 2's "
       "1500-2999", 14},
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    snat: {public_ip: 100.64.0.1, ports: 0-999, inbound_to: 10.0.0.2, listen: 80}\n",
       "port range 0-999 is not within 1..65535", 14},
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    snat: {public_ip: 100.64.0.1, ports: 2000-2999, inbound_to: 10.0.0.2, listen: 80}\n",
       "listening ports 80-80 are not inside its range 2000-2999", 14},
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    snat: {public_ip: 100.64.0.1, ports: 2000-2999, inbound_to: 10.0.0.2}\n",
       "a shared address needs listening ports", 14},
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    snat: {public_ip: 100.64.0.1, ports: 2000-70000}\n",
       "port 70000 is above 65535", 14},
      {"  - id: 2\n    mac: 02:00:00:00:00:02\n    vnet: 1\n    vport: 2\n"
       "    dnat: [{public_ip: 100.64.0.1, public_port: 1500, vm_ip: 10.0.0.2, port: 80}]\n",
       "port 1500 of its range 1000-1999 is forwarded to ENI 2", 10},
  };
  expect_refused(head, cases);
  EXPECT_NO_THROW((void)parse_policy(head, "p.yaml"));
}

}  // namespace
}  // namespace nicsim::host::vswitch
