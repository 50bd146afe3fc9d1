// SPDX-License-Identifier: MIT
// Subnet relocation over a tunnel through a NAT (docs/vswitch-relocation.md), end to end on the
// golden model: three hosts, each a switch on its own NIC, with the example policies of
// docs/examples/relocation: H at the home site (VM h, 10.0.0.1), the anchor router A at the home
// site, the tether router T at the new site behind an address translator (VM r keeps its
// address 10.0.5.9 of the home subnet). The tether opens the tunnel (its keepalive), the anchor
// learns the NAT's address and port for it; h and r talk TCP and UDP both ways, every frame
// checked byte for byte at the receiving VM; the NAT rebinds, the keepalives keep its binding.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "multi_host.hpp"
#include "nicsim/host/vswitch/policy_file.hpp"
#include "vm_frame.hpp"

namespace nicsim::host::vswitch {
namespace {

using test_world::Bytes;
using test_world::Host;
using test_world::kSec;
using test_world::NatBox;

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
std::uint32_t ip4(const char* s) { return model::Ipv4Addr::parse(s)->value(); }

constexpr std::uint64_t kHMac = 0x0200000000a1, kRMac = 0x020000000509;
constexpr std::uint64_t kAnchorVmMac = 0x0200000000f1;  // the anchor's VNIC (no VM of the VNET)
constexpr const char* kH = "10.0.0.1";
constexpr const char* kR = "10.0.5.9";
constexpr const char* kHomePa = "10.1.0.2";
constexpr const char* kAnchorPa = "10.1.0.1";
constexpr const char* kTetherPa = "192.168.0.2";
constexpr const char* kNatIp = "10.1.0.200";
constexpr std::uint64_t kNatTimeout = 30 * kSec;
enum HostId : unsigned { kHome, kAnchor, kTether };

std::unique_ptr<Pipeline> example(const char* name) {
  return std::move(load_policy(std::string(NICSIM_RELOCATION_EXAMPLES) + "/" + name).pipeline);
}

/// A VM's TCP (`udp` false) or UDP frame with `n` as its payload's last byte.
Bytes frame(std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
            std::uint16_t sport, std::uint16_t dport, bool udp, std::uint8_t n,
            std::uint8_t flags = model::tcpflag::kAck) {
  Bytes payload(40, 0x5A);
  payload.back() = n;
  return vm_frame(smac, dmac, sip, dip, sport, dport, udp, flags, payload);
}

class SubnetRelocation : public ::testing::TestWithParam<bool> {
 protected:
  SubnetRelocation() : nat(ip4(kNatIp), kNatTimeout) {
    hosts[kHome] = std::make_unique<Host>(example("home.yaml"), 0x0a0000000002, kHMac, GetParam());
    hosts[kAnchor] =
        std::make_unique<Host>(example("anchor.yaml"), 0x0a0000000001, kAnchorVmMac, GetParam());
    hosts[kTether] =
        std::make_unique<Host>(example("tether.yaml"), 0x0a0000000003, kRMac, GetParam());
    underlay.add(*hosts[kHome], kHomePa);
    underlay.add(*hosts[kAnchor], kAnchorPa);
    underlay.add(*hosts[kTether], kTetherPa, true);
    underlay.set_nat(&nat);
  }
  void TearDown() override {
    for (auto& h : hosts) h->check_end();
    EXPECT_EQ(underlay.unroutable, 0u);
  }

  Host& host(HostId h) { return *hosts[h]; }
  const Switch::Stats& stats(HostId h) { return host(h).sw->stats(); }

  /// Time passes: every host is served at `now` (the tether's keepalive when due), the underlay
  /// delivers.
  void at(std::uint64_t t) {
    now = t;
    for (auto& h : hosts) h->serve(now);
    underlay.deliver(now);
  }
  /// The VM on `h` sends `f`; the underlay delivers; returns what each VM received.
  void send(HostId h, const Bytes& f) {
    ASSERT_TRUE(host(h).vm_tx->send(f));
    host(h).serve(now);
    underlay.deliver(now);
    for (unsigned i = 0; i < 3; ++i) {
      for (const RxPacket& p : hosts[i]->vm_rx->poll()) got[i].push_back(p.bytes);
    }
  }
  /// `f` sent from `from` reaches the VM of `to` exactly as sent, and nothing else arrives.
  void expect_delivered(HostId from, HostId to, const Bytes& f) {
    for (auto& g : got) g.clear();
    send(from, f);
    ASSERT_EQ(got[to].size(), 1u) << "from " << from << " to " << to;
    EXPECT_EQ(got[to][0], f) << "the inner frame unchanged, TTL included";
    for (unsigned i = 0; i < 3; ++i) {
      if (i != to) {
        EXPECT_TRUE(got[i].empty()) << i;
      }
    }
  }
  void expect_lost(HostId from, const Bytes& f) {
    for (auto& g : got) g.clear();
    send(from, f);
    for (const auto& g : got) EXPECT_TRUE(g.empty());
  }
  /// The tether's keepalive opens the tunnel: the anchor learns where the NAT put it.
  void establish() {
    at(kSec);
    ASSERT_EQ(stats(kTether).keepalives_sent, 1u);
    ASSERT_EQ(stats(kAnchor).keepalives_received, 1u);
    const auto port = nat.port_of(ip4(kTetherPa), 4789);
    ASSERT_TRUE(port);
    const auto& learned = host(kAnchor).policy.relocation()->tether;
    ASSERT_TRUE(learned);
    EXPECT_EQ(*learned, (TunnelEndpoint{ip(kNatIp), *port}));
  }
  /// A TCP exchange (handshake and data) and a UDP exchange between h and r, both ways.
  void converse(std::uint8_t n) {
    if (n == 0) {
      expect_delivered(kHome, kTether, frame(kHMac, kRMac, kH, kR, 1000, 80, false, n,
                                             model::tcpflag::kSyn));
      expect_delivered(kTether, kHome, frame(kRMac, kHMac, kR, kH, 80, 1000, false, n,
                                             model::tcpflag::kSyn | model::tcpflag::kAck));
    }
    expect_delivered(kHome, kTether, frame(kHMac, kRMac, kH, kR, 1000, 80, false, n + 1));
    expect_delivered(kTether, kHome, frame(kRMac, kHMac, kR, kH, 80, 1000, false, n + 2));
    expect_delivered(kHome, kTether, frame(kHMac, kRMac, kH, kR, 2000, 53, true, n + 3));
    expect_delivered(kTether, kHome, frame(kRMac, kHMac, kR, kH, 53, 2000, true, n + 4));
  }

  std::array<std::unique_ptr<Host>, 3> hosts;
  NatBox nat;
  test_world::Underlay underlay;
  std::array<std::vector<Bytes>, 3> got;
  std::uint64_t now = kSec;
};

TEST_P(SubnetRelocation, TrafficToAndFromTheRelocatedNodeFollowsTheTunnelBothWays) {
  const bool offload = GetParam();
  establish();
  converse(0);
  for (std::uint8_t n = 10; n < 40; n += 10) converse(n);
  // One NAT binding carries the whole tunnel (the tether's fixed source port), and nothing the
  // anchor sent was refused by it.
  EXPECT_EQ(nat.bindings_made, 1u);
  EXPECT_EQ(nat.unsolicited, 0u);
  EXPECT_GT(nat.translated_in, 0u);
  // The tether's frames into the tunnel are sent in software (the NIC's templates cannot fix
  // the UDP source port), its frames out of the tunnel to r by its NIC when offloaded; the
  // anchor's both ways (TCP and UDP) by its NIC.
  EXPECT_EQ(stats(kTether).fixed_sport_sw, 1u + 4 * 2) << "the SYN+ACK, TCP and UDP per round";
  if (offload) {
    EXPECT_EQ(host(kAnchor).sw->offloaded(), 4u) << "TCP and UDP, both directions";
    EXPECT_EQ(host(kAnchor).sw->encap_templates_used(), 2u) << "to the NAT's port, to H";
    EXPECT_EQ(host(kTether).sw->offloaded(), 2u) << "into r's VNIC; the way home in software";
    EXPECT_EQ(stats(kAnchor).sw_forwarded, 0u);
  } else {
    EXPECT_EQ(host(kAnchor).sw->offloaded(), 0u);
  }
  for (const HostId h : {kHome, kAnchor, kTether}) EXPECT_EQ(stats(h).policy_drops, 0u) << h;
}

TEST_P(SubnetRelocation, WithoutTheTethersLearnedAddressTheAnchorCannotReachIt) {
  // Nothing heard from the tether yet: the anchor has nowhere to send r's traffic.
  ASSERT_FALSE(host(kAnchor).policy.relocation()->tether);
  for (auto& g : got) g.clear();
  ASSERT_TRUE(host(kHome).vm_tx->send(frame(kHMac, kRMac, kH, kR, 2000, 53, true, 1)));
  host(kHome).serve(now);
  underlay.collect();
  underlay.hand_over();
  host(kAnchor).serve(now);  // before the tether's first keepalive reaches it
  EXPECT_EQ(underlay.in_flight(), 0u) << "nothing toward the tether";
  EXPECT_EQ(stats(kAnchor).policy_drops, 1u) << "relocation_unlearned";
  // The keepalive arrives: learned, the connection's (offloaded) drop replaced; the next
  // datagram gets through.
  establish();
  if (GetParam()) {
    EXPECT_EQ(stats(kAnchor).replaced, 1u);
  }
  expect_delivered(kHome, kTether, frame(kHMac, kRMac, kH, kR, 2000, 53, true, 2));
  expect_delivered(kTether, kHome, frame(kRMac, kHMac, kR, kH, 53, 2000, true, 3));
}

TEST_P(SubnetRelocation, ANatRebindingIsLearnedFromTheNextKeepalive) {
  establish();
  converse(0);
  const std::uint16_t first = host(kAnchor).policy.relocation()->tether->port;
  // The NAT restarts: the anchor's frames to the old port are unsolicited now.
  nat.rebind();
  expect_lost(kHome, frame(kHMac, kRMac, kH, kR, 1000, 80, false, 50));
  EXPECT_EQ(nat.unsolicited, 1u);
  // The tether's next keepalive (one period later) makes a new binding; the anchor follows it.
  at(now + kSec);
  const std::uint16_t second = host(kAnchor).policy.relocation()->tether->port;
  EXPECT_NE(second, first);
  EXPECT_EQ(second, *nat.port_of(ip4(kTetherPa), 4789));
  EXPECT_EQ(stats(kAnchor).tether_learned, 2u);
  if (GetParam()) {
    // Its offloaded flows toward the tether (TCP, UDP) now encapsulate to the new port.
    EXPECT_EQ(stats(kAnchor).replaced, 2u);
    EXPECT_EQ(host(kAnchor).sw->encap_templates_used(), 2u) << "the old port's template freed";
  }
  converse(60);
  EXPECT_EQ(nat.unsolicited, 1u);
}

TEST_P(SubnetRelocation, ANatThatChangesItsAddressIsFollowedBothWays) {
  establish();
  converse(0);
  // The NAT restarts with another public address; the tether's next keepalive shows it.
  nat.rebind(ip4("10.1.0.201"));
  at(now + kSec);
  const auto port = nat.port_of(ip4(kTetherPa), 4789);
  ASSERT_TRUE(port);
  EXPECT_EQ(host(kAnchor).policy.relocation()->tether, (TunnelEndpoint{ip("10.1.0.201"), *port}));
  EXPECT_EQ(stats(kAnchor).tether_learned, 2u);
  // Both ways again. Offloaded, the anchor's flows from the tunnel checked the old address
  // (check_osrc): the first frame of each from the new one reaches the host (OUTER_SRC), is
  // accepted (the learned tether), and the flow is replaced.
  converse(10);
  converse(20);
  if (GetParam()) {
    EXPECT_EQ(stats(kAnchor).outer_src, 2u) << "TCP and UDP";
    EXPECT_EQ(stats(kAnchor).underlay_moved, 2u);
    EXPECT_EQ(stats(kAnchor).underlay_refused, 0u);
    EXPECT_EQ(host(kAnchor).sw->offloaded(), 4u);
  }
  EXPECT_EQ(nat.unsolicited, 0u);
  EXPECT_EQ(stats(kAnchor).policy_drops, 0u);
}

TEST_P(SubnetRelocation, KeepalivesAtThePolicysPeriodKeepTheNatBindingAlive) {
  establish();
  converse(0);
  // A minute without traffic, twice the NAT's timeout: the keepalive every second (the
  // policy's keepalive_ms) keeps the binding.
  for (std::uint64_t t = 2; t <= 61; ++t) at(t * kSec);
  EXPECT_EQ(stats(kTether).keepalives_sent, 61u);
  EXPECT_EQ(stats(kAnchor).keepalives_received, 61u);
  EXPECT_EQ(nat.bindings_made, 1u);
  converse(10);
  // Without keepalives, the same minute lets the binding expire: what the anchor sends is
  // unsolicited at the NAT.
  Relocation r = *host(kTether).policy.relocation();
  r.keepalive_ns = 0;
  host(kTether).policy.set_relocation(r);
  const std::uint64_t sent = stats(kTether).keepalives_sent;
  for (std::uint64_t t = 62; t <= 122; ++t) at(t * kSec);
  EXPECT_EQ(stats(kTether).keepalives_sent, sent);
  expect_lost(kHome, frame(kHMac, kRMac, kH, kR, 1000, 80, false, 70));
  EXPECT_EQ(nat.unsolicited, 1u);
}

INSTANTIATE_TEST_SUITE_P(OffloadedOrSoftware, SubnetRelocation, ::testing::Bool());

/// A packet from the wire in a VXLAN tunnel (`vni`) from `osrc`:`sport` to `odst`.
PacketInfo tunnelled(std::uint32_t vni, const char* osrc, std::uint16_t sport, const char* odst,
                     const char* sip, const char* dip, std::uint64_t smac, std::uint64_t dmac) {
  PacketInfo p;
  p.src_mac = model::MacAddr::from_u64(smac);
  p.dst_mac = model::MacAddr::from_u64(dmac);
  p.tuple = {ip(sip), ip(dip), 17, 53, 2000};
  p.tunnelled = true;
  p.tunnel = model::TunnelType::kVxlan;
  p.vni = vni;
  p.outer_src = ip(osrc);
  p.outer_dst = ip(odst);
  p.outer_sport = sport;
  return p;
}

// The anchor's decisions, one refusal at a time (the policy of docs/examples/relocation).
TEST(SubnetRelocationDecisions, TheAnchorRefusesWhatIsNotTheRelocatedSubnetsTraffic) {
  std::unique_ptr<Pipeline> a = example("anchor.yaml");
  const auto from_t = [](const char* osrc, const char* sip, const char* dip) {
    return tunnelled(5000, osrc, 40000, kAnchorPa, sip, dip, kRMac, kHMac);
  };
  const auto to_r = [](const char* osrc, const char* odst) {
    return tunnelled(100, osrc, 50000, odst, kH, kR, kHMac, kRMac);
  };
  // Not learned yet: home traffic to r has nowhere to go; the tunnel's frames from anywhere
  // are from no known tether.
  EXPECT_EQ(a->inbound(to_r(kHomePa, kAnchorPa)).reason, "relocation_unlearned");
  EXPECT_TRUE(a->from_tether(from_t(kNatIp, kR, kH)));
  EXPECT_EQ(a->direction_of(from_t(kNatIp, kR, kH), 0), Direction::kOutbound);
  EXPECT_EQ(a->outbound(from_t(kNatIp, kR, kH)).reason, "relocation_peer");
  ASSERT_TRUE(a->learn_tether({ip(kNatIp), 40000}));
  EXPECT_FALSE(a->learn_tether({ip(kNatIp), 40000})) << "nothing changed";
  // Learned: both ways decided.
  const Decision in = a->inbound(to_r(kHomePa, kAnchorPa));
  ASSERT_EQ(in.kind, Decision::Kind::kEncap) << in.reason;
  EXPECT_TRUE(in.decap);
  EXPECT_EQ(in.vni, 5000u);
  EXPECT_EQ(in.outer_src, ip(kAnchorPa));
  EXPECT_EQ(in.outer_dst, ip(kNatIp));
  EXPECT_EQ(in.encap_dport, std::optional<std::uint16_t>(40000));
  EXPECT_FALSE(in.encap_sport) << "the NIC's entropy port: offloadable";
  EXPECT_EQ(in.inner_dmac, model::MacAddr::from_u64(kRMac));
  EXPECT_EQ(in.underlay_src, ip(kHomePa));
  const Decision out = a->outbound(from_t(kNatIp, kR, kH));
  ASSERT_EQ(out.kind, Decision::Kind::kEncap) << out.reason;
  EXPECT_TRUE(out.decap);
  EXPECT_EQ(out.vni, 100u);
  EXPECT_EQ(out.outer_dst, ip(kHomePa));
  EXPECT_EQ(out.inner_dmac, model::MacAddr::from_u64(kHMac));
  EXPECT_EQ(out.underlay_src, ip(kNatIp)) << "the NIC checks the tunnel's address (check_osrc)";
  // Refused: from another tunnel end, a source that is not relocated, relocated to relocated,
  // a destination with no mapping, home traffic from a host that is not a valid PA, to
  // another VIP.
  EXPECT_EQ(a->outbound(from_t("10.1.0.99", kR, kH)).reason, "relocation_peer");
  EXPECT_EQ(a->outbound(from_t("10.1.0.99", kR, kH)).underlay_src, ip("10.1.0.99"))
      << "a drop too is made for its tunnel address (else its NIC flow would keep the tether out)";
  EXPECT_EQ(a->outbound(from_t(kNatIp, "10.0.6.1", kH)).reason, "relocation_source");
  EXPECT_EQ(a->outbound(from_t(kNatIp, kR, "10.0.5.10")).reason, "relocation_loop");
  EXPECT_EQ(a->outbound(from_t(kNatIp, kR, "10.0.0.77")).reason, "mapping_miss");
  EXPECT_EQ(a->inbound(to_r("10.1.0.99", kAnchorPa)).reason, "pa_validation");
  EXPECT_EQ(a->inbound(to_r(kHomePa, "10.1.0.98")).reason, "wrong_vip");
  // Not the relocated subnet's: the ordinary pipeline (no ENI here).
  PacketInfo other = to_r(kHomePa, kAnchorPa);
  other.tuple.dst = ip("10.0.6.1");
  EXPECT_EQ(a->inbound(other).reason, "no_eni");
}

// The tether's: the tunnel's packets only from the anchor; a tether route with no tether.
TEST(SubnetRelocationDecisions, TheTetherTakesTheTunnelFromTheAnchorOnly) {
  std::unique_ptr<Pipeline> t = example("tether.yaml");
  const auto to_r = [](const char* osrc) {
    return tunnelled(5000, osrc, 61000, kTetherPa, kH, kR, kHMac, kRMac);
  };
  const Decision d = t->inbound(to_r(kAnchorPa));
  ASSERT_EQ(d.kind, Decision::Kind::kToVnic) << d.reason;
  EXPECT_TRUE(d.decap);
  EXPECT_EQ(d.vport, 1u);
  EXPECT_EQ(t->inbound(to_r("10.1.0.99")).reason, "relocation_peer");
  PacketInfo other_vni = to_r(kAnchorPa);
  other_vni.vni = 100;
  EXPECT_EQ(t->inbound(other_vni).reason, "inbound_route_miss");
  t->clear_relocation();
  PacketInfo p;
  p.src_mac = model::MacAddr::from_u64(kRMac);
  p.dst_mac = model::MacAddr::from_u64(kHMac);
  p.tuple = {ip(kR), ip(kH), 17, 53, 2000};
  EXPECT_EQ(t->outbound(p).reason, "relocation_miss");
  Relocation bad;
  bad.vnet = 1;
  bad.vni = 5000;
  EXPECT_THROW(t->set_relocation(bad), RelocationError) << "no subnet";
}

}  // namespace
}  // namespace nicsim::host::vswitch
