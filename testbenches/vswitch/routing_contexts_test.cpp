// SPDX-License-Identifier: MIT
// Routing contexts for containers (docs/vswitch.md, "Routing contexts") end to end on the NIC:
// four containers, each on a VNIC of its own (the NIC's four), in three contexts (routing
// groups with the VNET of their addresses and the host router's MAC on them). Frames go into
// the containers' transmit queues; what comes out on the wire and in their receive queues is
// compared with frames built here with the packet library (not by the switch or the NIC's
// transposer): a routed frame has the router's source MAC, the destination container's MAC,
// TTL 63 and its header checksum computed again from scratch.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/host/vswitch/policy_file.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/model/pcap_io.hpp"

namespace nicsim::host::vswitch {
namespace {

using Bytes = std::vector<std::uint8_t>;

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
IpPrefix pfx(const char* s) { return *IpPrefix::parse(s); }

constexpr std::uint64_t kSec = 1'000'000'000ull;
constexpr const char* kPa = "100.64.0.1";
constexpr std::uint64_t kUnderlayMac = 0x0a0000000001, kNextHop = 0x0a00000000fe;
constexpr std::uint64_t kGatewayMac = 0x0200000000fe;  // what a container sends off-link to
/// The host router's MAC on each context (1..3).
constexpr std::array<std::uint64_t, 4> kRouterMac{0, 0x0a00000000c1, 0x0a00000000c2,
                                                  0x0a00000000c3};
/// Container n (1..4) is on vport n with this MAC.
constexpr std::uint64_t container_mac(unsigned n) { return 0x020000000100 + n; }

/// A container's TCP segment (`ttl`: its IPv4 TTL).
Bytes segment(std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
              std::uint16_t sport, std::uint16_t dport, std::uint8_t ttl = 64) {
  return model::PacketBuilder()
      .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
      .ipv4({.src = *model::Ipv4Addr::parse(sip), .dst = *model::Ipv4Addr::parse(dip), .ttl = ttl})
      .tcp({.sport = sport, .dport = dport, .flags = model::tcpflag::kAck})
      .payload(40)
      .bytes();
}

/// Contexts 1 and 2 own the same 10.0.0.0/24 (containers 1 and 2 in context 1 at 10.0.0.1 and
/// 10.0.0.2, container 3 in context 2 at 10.0.0.1); context 3 owns 10.3.0.0/24 (container 4 at
/// 10.3.0.5). Each context routes its own subnet to its VNET's mappings (the containers of this
/// host); nothing else, until a test adds it.
class RoutingContexts : public test::HostTest, public ::testing::WithParamInterface<bool> {
 protected:
  RoutingContexts() : policy(ip(kPa), ip(kPa)), ft(drv) {
    for (unsigned n = 1; n <= 4; ++n) vnic(n, n - 1, 1, false, container_mac(n));
    const auto local = [&](unsigned n) {
      return CaPaMapping{ip(kPa), model::MacAddr::from_u64(container_mac(n))};
    };
    policy.vnet(1).vni = 100;
    policy.vnet(1).mappings = {{ip("10.0.0.1"), local(1)}, {ip("10.0.0.2"), local(2)}};
    policy.vnet(2).vni = 200;
    policy.vnet(2).mappings = {{ip("10.0.0.1"), local(3)}};
    policy.vnet(3).vni = 300;
    policy.vnet(3).mappings = {{ip("10.3.0.5"), local(4)}};
    for (std::uint32_t c = 1; c <= 3; ++c) {
      OutboundRoutingGroup& g = policy.routing_group(c);
      g.vnet = c;
      g.router_mac = model::MacAddr::from_u64(kRouterMac[c]);
      g.routes.insert(pfx(c == 3 ? "10.3.0.0/24" : "10.0.0.0/24"), {RouteType::kVnet});
    }
    constexpr std::array<std::uint32_t, 5> kContextOf{0, 1, 1, 2, 3};
    for (unsigned n = 1; n <= 4; ++n) {
      Eni& e = policy.eni(n);
      e.mac = model::MacAddr::from_u64(container_mac(n));
      e.vnet = kContextOf[n];
      e.vport = n;
      e.routing_group = kContextOf[n];
    }
  }

  /// A route of context `from` for `prefix` to context `to`.
  void route(std::uint32_t from, const char* prefix, std::uint32_t to) {
    OutboundRoute r{RouteType::kContext};
    r.context = to;
    policy.routing_group(from).routes.insert(pfx(prefix), r);
  }

  void start() {
    SwitchConfig c;
    c.offload = GetParam();
    c.underlay_mac = test::mac(kUnderlayMac);
    c.underlay_next_hop = test::mac(kNextHop);
    c.host_txq = 0;
    c.exception_ring.size_log2 = 6;
    c.exception_ring.buf_size = 2048;
    sw = std::make_unique<Switch>(drv, ft, policy, c);
    sw->bring_up();
    for (unsigned n = 1; n <= 4; ++n) {
      tx[n] = std::make_unique<TxQueue>(drv, n, TxQueueConfig{.size_log2 = 6, .vport = n});
      rx[n] = std::make_unique<RxQueue>(drv, n - 1, RxQueueConfig{.size_log2 = 6});
    }
  }

  /// Container `n` sends `f`; the switch serves the exception ring. Returns the misses it
  /// handled; what the wire and each container got is in wire_got and got[].
  std::size_t send(unsigned n, const Bytes& f) {
    EXPECT_TRUE(tx[n]->send(f));
    const std::uint64_t before = sw->stats().exceptions - sw->stats().tcp_ctl_copies;
    w.settle();
    while (sw->service(kSec) != 0) w.settle();
    w.settle();
    tx[n]->reap();
    wire_got.clear();
    while (auto x = w.wire_tx()) wire_got.push_back(x->data);
    for (unsigned v = 1; v <= 4; ++v) {
      got[v].clear();
      for (const RxPacket& p : rx[v]->poll()) got[v].push_back(p.bytes);
    }
    return sw->stats().exceptions - sw->stats().tcp_ctl_copies - before;
  }

  /// Only container `n` got something, and that is `want`.
  void only(unsigned n, const Bytes& want) {
    EXPECT_TRUE(wire_got.empty()) << "nothing on the wire";
    for (unsigned v = 1; v <= 4; ++v) {
      EXPECT_EQ(got[v], v == n ? std::vector<Bytes>{want} : std::vector<Bytes>{})
          << "container " << v;
    }
  }
  void nobody() {
    EXPECT_TRUE(wire_got.empty()) << "nothing on the wire";
    for (unsigned v = 1; v <= 4; ++v) EXPECT_TRUE(got[v].empty()) << "container " << v;
  }

  void TearDown() override {
    if (sw) sw->flush();
    HostTest::TearDown();
  }

  Pipeline policy;
  FlowTable ft;
  std::unique_ptr<Switch> sw;
  std::array<std::unique_ptr<TxQueue>, 5> tx;
  std::array<std::unique_ptr<RxQueue>, 5> rx;
  std::vector<Bytes> wire_got;
  std::array<std::vector<Bytes>, 5> got;
};

// Containers 1 and 2 share context 1: one route added to the context (one policy change)
// reaches the wire for both at once; container 3 (context 2) still has no such route.
TEST_P(RoutingContexts, ContainersSharingAContextShareItsRoutes) {
  start();
  const auto out = [](unsigned n, const char* sip) {
    return segment(container_mac(n), kGatewayMac, sip, "198.51.100.7",
                   static_cast<std::uint16_t>(4000 + n), 443);
  };
  for (unsigned n : {1u, 2u}) {
    EXPECT_EQ(send(n, out(n, n == 1 ? "10.0.0.1" : "10.0.0.2")), 1u);
    nobody();
  }
  EXPECT_EQ(sw->stats().policy_drops, 2u);
  policy.routing_group(1).routes.insert(pfx("0.0.0.0/0"), {RouteType::kDirect});
  sw->policy_changed();
  for (int round = 0; round < 2; ++round) {
    for (unsigned n : {1u, 2u}) {
      const Bytes f = out(n, n == 1 ? "10.0.0.1" : "10.0.0.2");
      (void)send(n, f);
      EXPECT_EQ(wire_got, std::vector<Bytes>{f}) << "container " << n << " round " << round;
    }
  }
  const Bytes f3 = out(3, "10.0.0.1");
  (void)send(3, f3);
  nobody();
  EXPECT_EQ(sw->stats().policy_drops, 3u) << "context 2 did not get context 1's route";
  // Inside the shared context its members reach each other (the loopback, MAC rewritten).
  const Bytes f12 = segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.0.0.2", 5000, 80);
  (void)send(1, f12);
  only(2, segment(container_mac(1), container_mac(2), "10.0.0.1", "10.0.0.2", 5000, 80));
}

// Without a route between them, a context's containers cannot reach another context's, not by
// its address and not by an address their own context has no owner for.
TEST_P(RoutingContexts, SeparateContextsAreIsolated) {
  start();
  // Context 1 has no route to 10.3.0.0/24 (context 3's).
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 1000, 80));
  nobody();
  // Context 3 has no route back either.
  (void)send(4, segment(container_mac(4), kGatewayMac, "10.3.0.5", "10.0.0.1", 1000, 80));
  nobody();
  EXPECT_EQ(sw->stats().policy_drops, 2u);
  const auto decided = [&](unsigned n, const char* sip, const char* dip) {
    const auto info = packet_info(segment(container_mac(n), kGatewayMac, sip, dip, 1, 2), n);
    return policy.outbound(*info).reason;
  };
  EXPECT_EQ(decided(1, "10.0.0.1", "10.3.0.5"), "route_miss");
  EXPECT_EQ(decided(4, "10.3.0.5", "10.0.0.1"), "route_miss");
  // A context route needs an owner of the address in the context it names: context 1 routing
  // 10.3.0.0/24 to context 2 reaches nobody (context 2 owns no 10.3.0.5).
  route(1, "10.3.0.0/24", 2);
  sw->policy_changed();
  EXPECT_EQ(decided(1, "10.0.0.1", "10.3.0.5"), "context_miss");
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 1001, 80));
  nobody();
  EXPECT_EQ(sw->stats().policy_drops, 3u);
}

// Contexts 1 and 3 route to each other: the host's virtual router delivers container 1's
// segment to container 4 and the reply back, TTL decremented, MACs rewritten (the router's
// MAC on the destination's context as source), nothing on the wire. Offloaded, the NIC carries
// each direction after its first packet (the host sees one miss per direction).
TEST_P(RoutingContexts, TrafficBetweenContextsIsRoutedByTheHostWithoutReachingTheWire) {
  route(1, "10.3.0.0/24", 3);
  route(3, "10.0.0.0/24", 1);
  start();
  const Bytes there = segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 3333, 80);
  const Bytes back = segment(container_mac(4), kGatewayMac, "10.3.0.5", "10.0.0.1", 80, 3333);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(send(1, there), round == 0 || !GetParam() ? 1u : 0u) << "round " << round;
    only(4, segment(kRouterMac[3], container_mac(4), "10.0.0.1", "10.3.0.5", 3333, 80, 63));
    EXPECT_EQ(send(4, back), round == 0 || !GetParam() ? 1u : 0u) << "round " << round;
    only(1, segment(kRouterMac[1], container_mac(1), "10.3.0.5", "10.0.0.1", 80, 3333, 63));
  }
  EXPECT_EQ(drv.stats().loopback, GetParam() ? 6u : 0u) << "the NIC's loopback when offloaded";
  EXPECT_EQ(sw->stats().installed, GetParam() ? 2u : 0u);
  EXPECT_EQ(sw->stats().sw_forwarded, GetParam() ? 0u : 6u);
  EXPECT_EQ(sw->stats().policy_drops, 0u);
}

// The same for IPv6 containers: the hop limit is decremented (IPv6 has no header checksum;
// TCP's pseudo-header does not include the hop limit).
TEST_P(RoutingContexts, Ipv6TrafficBetweenContextsIsRoutedWithTheHopLimitDecremented) {
  policy.vnet(1).mappings[ip("fd00::1")] = {ip(kPa), model::MacAddr::from_u64(container_mac(1))};
  policy.vnet(3).mappings[ip("fd03::5")] = {ip(kPa), model::MacAddr::from_u64(container_mac(4))};
  route(1, "fd03::/64", 3);
  start();
  const auto seg6 = [](std::uint64_t smac, std::uint64_t dmac, std::uint8_t hops) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
        .ipv6({.src = *model::Ipv6Addr::parse("fd00::1"), .dst = *model::Ipv6Addr::parse("fd03::5"),
               .hop_limit = hops})
        .tcp({.sport = 40000, .dport = 443, .flags = model::tcpflag::kAck})
        .payload(40)
        .bytes();
  };
  for (int round = 0; round < 2; ++round) {
    (void)send(1, seg6(container_mac(1), kGatewayMac, 64));
    only(4, seg6(kRouterMac[3], container_mac(4), 63));
  }
  (void)send(1, seg6(container_mac(1), kGatewayMac, 1));
  nobody();
  EXPECT_EQ(sw->stats().ttl_expired, 1u);
}

// A router does not forward a packet whose TTL runs out: the first packet of a connection (the
// switch's software path) and a later one (the NIC, offloaded: it hands the frame to the host,
// which drops it) are dropped and counted, not delivered.
TEST_P(RoutingContexts, AnExpiringTtlIsNotRoutedBetweenContexts) {
  route(1, "10.3.0.0/24", 3);
  start();
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 3334, 80, 1));
  nobody();
  EXPECT_EQ(sw->stats().ttl_expired, 1u);
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 3334, 80, 2));
  only(4, segment(kRouterMac[3], container_mac(4), "10.0.0.1", "10.3.0.5", 3334, 80, 1));
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.3.0.5", 3334, 80, 1));
  nobody();
  EXPECT_EQ(sw->stats().ttl_expired, 2u);
  // Inside one context nothing is routed: the TTL is the container's own business.
  (void)send(1, segment(container_mac(1), kGatewayMac, "10.0.0.1", "10.0.0.2", 7, 8, 1));
  only(2, segment(container_mac(1), container_mac(2), "10.0.0.1", "10.0.0.2", 7, 8, 1));
}

// Contexts 1 and 2 both own 10.0.0.0/24 (here container 4 joins context 2 as 10.0.0.2): the
// same segment (same addresses and ports) from 10.0.0.2 to 10.0.0.1 reaches container 1 from
// container 2, and container 3 from container 4, each container its own context's peer,
// offloaded as two flows.
TEST_P(RoutingContexts, OverlappingAddressSpacesInTwoContexts) {
  policy.vnet(2).mappings[ip("10.0.0.2")] = {ip(kPa), model::MacAddr::from_u64(container_mac(4))};
  policy.eni(4).vnet = 2;
  policy.eni(4).routing_group = 2;
  start();
  for (int round = 0; round < 2; ++round) {
    (void)send(2, segment(container_mac(2), kGatewayMac, "10.0.0.2", "10.0.0.1", 999, 22));
    only(1, segment(container_mac(2), container_mac(1), "10.0.0.2", "10.0.0.1", 999, 22));
    (void)send(4, segment(container_mac(4), kGatewayMac, "10.0.0.2", "10.0.0.1", 999, 22));
    only(3, segment(container_mac(4), container_mac(3), "10.0.0.2", "10.0.0.1", 999, 22));
  }
  EXPECT_EQ(sw->stats().installed, GetParam() ? 2u : 0u);
}

INSTANTIATE_TEST_SUITE_P(OffloadedOrSoftware, RoutingContexts, ::testing::Bool(),
                         [](const auto& i) { return i.param ? "Offloaded" : "Software"; });

// The policy file's contexts (docs/vswitch-policy.md): the example scenario's policy loads into
// the groups above, and mistakes are errors naming the line and key.
TEST(RoutingContextsPolicyFile, TheExampleLoadsAsContexts) {
  const Policy pol =
      load_policy(std::string(NICSIM_TRACE_DIR) + "/scenarios/vswitch/routing-contexts.yaml");
  const OutboundRoutingGroup* g = pol.pipeline->find_routing_group(1);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->vnet, 1u);
  ASSERT_TRUE(g->router_mac);
  const OutboundRoute* r = g->routes.lookup(ip("10.3.0.5"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, RouteType::kContext);
  EXPECT_EQ(r->context, 3u);
  for (const auto& [id, e] : pol.pipeline->enis()) EXPECT_NE(e.routing_group, 0u) << id;
}

TEST(RoutingContextsPolicyFile, MistakesAreErrorsAtTheirLine) {
  const std::string head =
      "nicsim_policy: 1\n"
      "underlay: {pa: 100.64.0.1}\n"
      "vnets:\n"
      "  - {id: 1, vni: 100}\n";
  const auto error = [&](const std::string& rest) -> std::string {
    try {
      (void)parse_policy(head + rest, "p.yaml");
    } catch (const PolicyError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(error("contexts:\n"
                  "  - {id: 1, vnet: 1, router_mac: 0a:00:00:00:00:c1,\n"
                  "     routes: [{prefix: 10.3.0.0/24, type: context, context: 4}]}\n"),
            "p.yaml:7: contexts[0].routes[0].context: no context 4");
  EXPECT_EQ(error("contexts:\n"
                  "  - {id: 1, vnet: 1}\n"),
            "p.yaml:6: contexts[0]: a context needs id, vnet and router_mac");
  EXPECT_EQ(error("contexts:\n"
                  "  - {id: 1, vnet: 2, router_mac: 0a:00:00:00:00:c1}\n"),
            "p.yaml:6: contexts[0].vnet: no VNET 2");
  EXPECT_EQ(error("contexts:\n"
                  "  - {id: 1, vnet: 1, router_mac: 0a:00:00:00:00:c1,\n"
                  "     routes: [{prefix: 10.3.0.0/24, type: context}]}\n"),
            "p.yaml:7: contexts[0].routes[0]: a context route needs context (the context's id)");
  EXPECT_EQ(error("contexts:\n"
                  "  - {id: 1, vnet: 1, router_mac: 0a:00:00:00:00:c1}\n"
                  "enis:\n"
                  "  - {id: 1, mac: 02:00:00:00:01:01, vnet: 1, vport: 1, context: 1,\n"
                  "     routes: [{prefix: 0.0.0.0/0, type: direct}]}\n"),
            "p.yaml:9: enis[0].routes: an ENI bound to a context uses the context's routes (add "
            "them there)");
  EXPECT_EQ(error("enis:\n"
                  "  - {id: 1, mac: 02:00:00:00:01:01, vnet: 1, vport: 1, context: 2}\n"),
            "p.yaml:6: enis[0].context: no context 2");
  EXPECT_EQ(error("  - {id: 2, vni: 200}\n"
                  "contexts:\n"
                  "  - {id: 1, vnet: 1, router_mac: 0a:00:00:00:00:c1}\n"
                  "enis:\n"
                  "  - {id: 1, mac: 02:00:00:00:01:01, vnet: 2, vport: 1, context: 1}\n"),
            "p.yaml:9: enis[0].context: context 1 is VNET 1's, the ENI's vnet is 2");
}

/// `f` as a router forwards it: MACs `dmac` and `smac`, TTL one less, the IPv4 header checksum
/// computed again (RFC 791: one's complement sum of the header's 16-bit words).
Bytes routed(Bytes f, std::uint64_t smac, std::uint64_t dmac) {
  for (unsigned i = 0; i < 6; ++i) {
    f[i] = static_cast<std::uint8_t>(dmac >> (8 * (5 - i)));
    f[6 + i] = static_cast<std::uint8_t>(smac >> (8 * (5 - i)));
  }
  f[14 + 8] = static_cast<std::uint8_t>(f[14 + 8] - 1);
  f[14 + 10] = f[14 + 11] = 0;
  const std::size_t ihl = (f[14] & 0xFu) * 4;
  std::uint32_t sum = 0;
  for (std::size_t i = 14; i < 14 + ihl; i += 2) {
    sum += static_cast<std::uint32_t>(f[i] << 8 | f[i + 1]);
  }
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  f[14 + 10] = static_cast<std::uint8_t>(~sum >> 8);
  f[14 + 11] = static_cast<std::uint8_t>(~sum);
  return f;
}

// The example scenario (traces/scenarios/routing-contexts.yaml) on the switch: its policy file
// and captures. Container 1's frames to 10.3.0.5 reach container 4 routed by the host (nothing
// on the wire, one miss per flow); container 3's identical traffic from context 2 (the same
// 10.0.0.1) is dropped.
TEST(RoutingContextsExample, ContainerOnesTrafficIsRoutedAndContainerThreesIsDropped) {
  const std::string dir = std::string(NICSIM_TRACE_DIR) + "/scenarios/vswitch/";
  std::unique_ptr<test::World> world = test::make_world();
  test::World& w = *world;
  Driver drv = Driver::probe(w.device());
  drv.enable();
  for (unsigned n = 1; n <= 4; ++n) {
    VnicConfig c;
    c.vport = n;
    c.rxq_base = n - 1;
    c.rxq_count = 1;
    c.mac = test::mac(0x020000000000 + 0x11 * n);
    drv.configure_vnic(c);
  }
  Policy pol = load_policy(dir + "routing-contexts.yaml");
  FlowTable ft(drv);
  SwitchConfig c = pol.config;
  c.exception_ring = {.size_log2 = 6, .buf_size = 2048};
  auto sw = std::make_unique<Switch>(drv, ft, *pol.pipeline, c);
  sw->bring_up();
  std::array<std::unique_ptr<TxQueue>, 2> tx{
      std::make_unique<TxQueue>(drv, 1, TxQueueConfig{.size_log2 = 6, .vport = 1}),
      std::make_unique<TxQueue>(drv, 2, TxQueueConfig{.size_log2 = 6, .vport = 3})};
  std::array<std::unique_ptr<RxQueue>, 4> rx;
  for (unsigned q = 0; q < 4; ++q) {
    rx[q] = std::make_unique<RxQueue>(drv, q, RxQueueConfig{.size_log2 = 6});
  }
  std::set<model::FlowKey> flows;
  std::size_t delivered = 0;
  for (unsigned from : {0u, 1u}) {
    const auto frames = model::read_capture(
        dir + (from == 0 ? "routing-contexts-c1.pcap" : "routing-contexts-c3.pcap"));
    ASSERT_FALSE(frames.empty());
    for (const model::Frame& f : frames) {
      ASSERT_TRUE(tx[from]->send(f.data));
      w.settle();
      while (sw->service(kSec) != 0) w.settle();
      w.settle();
      (void)tx[from]->reap();
      EXPECT_FALSE(w.wire_tx()) << "nothing on the wire";
      for (unsigned q = 0; q < 4; ++q) {
        for (const RxPacket& p : rx[q]->poll()) {
          ASSERT_EQ(q, 3u) << "only container 4 gets anything";
          EXPECT_EQ(from, 0u) << "context 2 has no route to context 3";
          EXPECT_EQ(p.bytes, routed(f.data, 0x0a00000000c3, 0x020000000044));
          ++delivered;
        }
      }
      flows.insert(model::flow_key_of(f.data, from == 0 ? 1 : 3));
    }
    if (from == 0) {
      EXPECT_EQ(delivered, frames.size());
      EXPECT_EQ(sw->stats().exceptions - sw->stats().tcp_ctl_copies, flows.size())
          << "one miss per flow, then the NIC alone";
      EXPECT_EQ(sw->stats().policy_drops, 0u);
      flows.clear();
    } else {
      EXPECT_EQ(sw->stats().policy_drops, flows.size()) << "a drop per flow, offloaded as such";
    }
  }
  sw->flush();
  w.settle();
  EXPECT_TRUE(drv.stats().ledger_balanced());
}

}  // namespace
}  // namespace nicsim::host::vswitch
