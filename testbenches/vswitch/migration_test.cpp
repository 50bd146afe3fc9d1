// SPDX-License-Identifier: MIT
// Live migration with a shadow policy across hosts (docs/vswitch-migration.md): three hosts,
// each a switch on its own NIC (the driver on the golden model), joined by an underlay that
// routes wire frames by their outer destination IP. A VM on host A talks to VM M (TCP and UDP,
// offloaded in A's NIC); M moves from host B to host C. The new mapping is staged on every host
// while traffic flows (still to B), then activated on every host in one step when the move
// completes: what A sends after the flip reaches C only, nothing reaches B, what was in flight
// at the flip is forwarded by B to C, M's replies from C are accepted by A.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "multi_host.hpp"
#include "nicsim/host/vswitch/migration.hpp"
#include "vm_frame.hpp"

namespace nicsim::host::vswitch {
namespace {

using test_world::Bytes;
using test_world::Host;
using test_world::kSec;

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
IpPrefix pfx(const char* s) { return *IpPrefix::parse(s); }

constexpr std::uint64_t kVmAMac = 0x0200000000a1, kVmMMac = 0x0200000000a9;
constexpr const char* kVmA = "10.0.0.1";
constexpr const char* kVmM = "10.0.0.9";
constexpr unsigned kVni = 100, kVnet = 1, kMigration = 1;
constexpr std::array<const char*, 3> kPa{"10.1.0.1", "10.1.0.2", "10.1.0.3"};  // A, B, C
enum HostId : unsigned { kA, kB, kC };

/// A VM's TCP (`udp` false) or UDP frame whose last 4 bytes carry `seq` (to find it again
/// wherever it arrives).
Bytes seq_frame(std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
                std::uint16_t sport, std::uint16_t dport, bool udp, std::uint32_t seq,
                std::uint8_t flags = model::tcpflag::kAck) {
  Bytes payload(36, 0x5A);
  for (unsigned i = 0; i < 4; ++i) {
    payload.push_back(static_cast<std::uint8_t>(seq >> (24 - 8 * i)));
  }
  return vm_frame(smac, dmac, sip, dip, sport, dport, udp, flags, payload);
}

std::uint32_t seq_of(const Bytes& f) {
  std::uint32_t s = 0;
  for (std::size_t i = f.size() - 4; i < f.size(); ++i) s = s << 8 | f[i];
  return s;
}

/// The sequence numbers a VM received, sorted: frames of different connections may arrive
/// out of order (one hits in the NIC, the other's first frame misses and waits for the
/// switch), so they are compared as sets (none lost, none twice).
std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// The policy every host of the VNET shares: A's VM on A, M on B; valid PAs A and B; the ENI of
/// the host's VM (`vm_mac`) on VNIC 1.
std::unique_ptr<Pipeline> shared_policy(const char* pa, std::uint64_t vm_mac) {
  auto policy = std::make_unique<Pipeline>(ip(pa), ip(pa));
  Vnet& vn = policy->vnet(kVnet);
  vn.vni = kVni;
  vn.mappings[ip(kVmA)] = {ip(kPa[kA]), model::MacAddr::from_u64(kVmAMac)};
  vn.mappings[ip(kVmM)] = {ip(kPa[kB]), model::MacAddr::from_u64(kVmMMac)};
  vn.valid_pas = {ip(kPa[kA]), ip(kPa[kB])};
  Eni& e = policy->eni(1);
  e.mac = model::MacAddr::from_u64(vm_mac);
  e.vnet = kVnet;
  e.vport = 1;
  e.routes.insert(pfx("10.0.0.0/16"), {RouteType::kVnet});
  e.inbound_routes.push_back(
      {.vni = kVni, .sip = pfx("0.0.0.0/0"), .pa_validate = true, .src_vnet = kVnet});
  return policy;
}

/// The scenario's world: hosts A, B, C and the underlay between them (test_world::Underlay:
/// a wire frame goes to the host whose PA is its outer IPv4 destination). Frames are held in
/// the underlay until deliver(): what is there at a flip is in flight.
class MigrationTest : public ::testing::TestWithParam<bool> {
 protected:
  MigrationTest() {
    for (unsigned h = 0; h < 3; ++h) {
      const std::uint64_t vm = h == kA ? kVmAMac : kVmMMac;
      hosts[h] = std::make_unique<Host>(shared_policy(kPa[h], vm), 0x0a0000000001 + h, vm,
                                        GetParam());
      underlay.add(*hosts[h], kPa[h]);
    }
    underlay.on_route([this](unsigned to) { ++addressed[epoch][to]; });
    // M runs on B; on C its VNIC is there (the same MAC) but its port is down until it moves.
    host(kC).policy.eni(1).admin_up = false;
    host(kC).sw->policy_changed();
  }

  void TearDown() override {
    for (auto& h : hosts) h->check_end();
    EXPECT_EQ(underlay.unroutable, 0u) << "a frame to an address no host has";
  }

  Host& host(HostId h) { return *hosts[h]; }
  std::vector<Switch*> switches() {
    return {host(kA).sw.get(), host(kB).sw.get(), host(kC).sw.get()};
  }

  /// The underlay delivers everything it holds, the hosts serve what it brings, until nothing
  /// moves; what reached the VMs is recorded by host and epoch.
  void deliver() {
    underlay.deliver();
    for (unsigned h = 0; h < 3; ++h) {
      for (const RxPacket& p : hosts[h]->vm_rx->poll()) got[h][epoch].push_back(seq_of(p.bytes));
    }
  }
  /// The VM on `h` sends `f`; its host's NIC (and switch, on a miss) puts it on the wire.
  void send(HostId h, const Bytes& f) {
    ASSERT_TRUE(host(h).vm_tx->send(f));
    host(h).serve();
    underlay.collect();
  }
  /// A's VM sends one TCP segment and one UDP datagram to M; returns their sequence numbers.
  std::array<std::uint32_t, 2> a_to_m() {
    const std::uint32_t t = next++, u = next++;
    send(kA, seq_frame(kVmAMac, kVmMMac, kVmA, kVmM, 1000, 80, false, t));
    send(kA, seq_frame(kVmAMac, kVmMMac, kVmA, kVmM, 2000, 53, true, u));
    sent_a.push_back(t);
    sent_a.push_back(u);
    return {t, u};
  }
  /// M (on `h`) answers both.
  void m_to_a(HostId h) {
    const std::uint32_t t = next++, u = next++;
    send(h, seq_frame(kVmMMac, kVmAMac, kVmM, kVmA, 80, 1000, false, t));
    send(h, seq_frame(kVmMMac, kVmAMac, kVmM, kVmA, 53, 2000, true, u));
    sent_m.push_back(t);
    sent_m.push_back(u);
  }
  /// The connections opened (TCP handshake, the first UDP exchange), before anything moves.
  void open() {
    const std::uint32_t syn = next++;
    send(kA, seq_frame(kVmAMac, kVmMMac, kVmA, kVmM, 1000, 80, false, syn, model::tcpflag::kSyn));
    deliver();
    ASSERT_EQ(got[kB][0], std::vector<std::uint32_t>{syn});
    const std::uint32_t synack = next++;
    send(kB, seq_frame(kVmMMac, kVmAMac, kVmM, kVmA, 80, 1000, false, synack,
                      model::tcpflag::kSyn | model::tcpflag::kAck));
    deliver();
    ASSERT_EQ(got[kA][0], std::vector<std::uint32_t>{synack});
    got[kA][0].clear();
    got[kB][0].clear();
  }
  std::uint64_t version(HostId h) { return host(h).sw->cache().policy_version(); }

  std::array<std::unique_ptr<Host>, 3> hosts;
  test_world::Underlay underlay;
  unsigned epoch = 0;
  std::array<std::array<unsigned, 3>, 2> addressed{};  // [epoch][host]: frames sent to its PA
  std::array<std::array<std::vector<std::uint32_t>, 2>, 3> got;  // [host][epoch]: at its VM
  std::vector<std::uint32_t> sent_a, sent_m;
  std::uint32_t next = 1;
};

TEST_P(MigrationTest, TrafficDuringAMoveReachesTheOldHostUntilTheFlipAndTheNewOneAfter) {
  const bool offload = GetParam();
  open();
  // Before: A's traffic to M goes to B; offloaded, A's NIC carries it.
  for (int i = 0; i < 3; ++i) a_to_m();
  m_to_a(kB);
  deliver();
  EXPECT_EQ(sorted(got[kB][0]), sent_a);
  EXPECT_EQ(sorted(got[kA][0]), sent_m);
  const std::size_t a_flows = host(kA).sw->offloaded();
  EXPECT_EQ(a_flows, offload ? 4u : 0u) << "TCP and UDP, both directions";
  const std::size_t replaced_before = host(kA).sw->stats().replaced;

  // The shadow: staged on every host, no decision changes.
  Migration m(switches());
  const std::array<std::uint64_t, 3> v0{version(kA), version(kB), version(kC)};
  m.stage_mapping(kMigration, kVnet, ip(kVmM),
                  {ip(kPa[kC]), model::MacAddr::from_u64(kVmMMac)});
  m.stage_valid_pa(kMigration, kVnet, ip(kPa[kC]), true);
  for (const HostId h : {kA, kB, kC}) {
    const ShadowPolicy* sh = host(h).policy.shadow(kMigration);
    ASSERT_NE(sh, nullptr);
    EXPECT_EQ(sh->mappings.size(), 1u);
    EXPECT_EQ(version(h), v0[h]) << "staging is not a policy change";
  }
  for (int i = 0; i < 3; ++i) a_to_m();
  deliver();
  EXPECT_EQ(sorted(got[kB][0]), sent_a) << "staged: still to B";
  EXPECT_TRUE(got[kC][0].empty());
  EXPECT_EQ(host(kA).sw->stats().replaced, replaced_before);

  // In flight at the flip: sent by A's NIC toward B, still in the underlay.
  const auto in_flight = a_to_m();
  ASSERT_EQ(underlay.in_flight(), 2u);
  // The move completes: M's VNIC on B goes (B's ENI becomes a forwarder to M's new host, so
  // what is still on its way to B reaches M), on C it comes up; then every host flips, with no
  // packet processed between the first flip and the last.
  Eni& on_b = host(kB).policy.eni(1);
  on_b.vport = 0;
  on_b.vm_underlay_ip = ip(kPa[kC]);
  on_b.vm_vni = kVni;
  host(kC).policy.eni(1).admin_up = true;
  const std::size_t flipped = m.activate(kMigration);
  epoch = 1;
  for (const HostId h : {kA, kB, kC}) {
    EXPECT_EQ(version(h), v0[h] + 1) << "one generation flip per host";
    EXPECT_EQ(host(h).policy.find_vnet(kVnet)->mappings.at(ip(kVmM)).underlay_ip, ip(kPa[kC]));
    EXPECT_TRUE(host(h).policy.find_vnet(kVnet)->valid_pas.contains(ip(kPa[kC])));
  }
  if (offload) {
    // A: its two flows toward B now go to C (replaced in one batch, B's template given back);
    // B: its two flows into M's VNIC now forward to C.
    EXPECT_EQ(host(kA).sw->stats().replaced, replaced_before + 2);
    EXPECT_EQ(host(kA).sw->encap_templates_used(), 1u) << "no template toward B left";
    EXPECT_EQ(flipped, 4u);
  } else {
    EXPECT_EQ(flipped, 0u);
  }
  EXPECT_THROW(m.activate(kMigration), MigrationError);

  // The frames in flight reach B after the flip, which forwards them to M on C.
  deliver();
  EXPECT_TRUE(got[kB][1].empty()) << "nothing delivered to the old location after the flip";
  EXPECT_EQ(sorted(got[kC][1]), (std::vector<std::uint32_t>{in_flight[0], in_flight[1]}));
  EXPECT_EQ(addressed[1][kB], 0u) << "nothing sent to B after the flip (B's forwards go to C)";

  // After: every frame A sends reaches C, none B; offloaded, A's NIC sends them itself.
  const std::uint64_t a_exc = host(kA).sw->stats().exceptions;
  std::vector<std::uint32_t> after{in_flight[0], in_flight[1]};
  for (int i = 0; i < 4; ++i) {
    const auto s = a_to_m();
    after.insert(after.end(), s.begin(), s.end());
  }
  deliver();
  EXPECT_EQ(sorted(got[kC][1]), after) << "none lost that the policy should deliver";
  EXPECT_TRUE(got[kB][1].empty());
  EXPECT_EQ(addressed[1][kB], 0u);
  if (offload) {
    EXPECT_EQ(host(kA).sw->stats().exceptions, a_exc) << "in A's NIC, toward C";
  }

  // M answers from C: A accepts the new underlay source (a valid PA now) and takes the
  // connections over (its NIC flows checked B's PA: replaced for C's).
  got[kA][1].clear();
  sent_m.clear();
  m_to_a(kC);
  m_to_a(kC);
  deliver();
  EXPECT_EQ(sorted(got[kA][1]), sent_m);
  // Offloaded, A's entries were refreshed at the flip (their flows are in the NIC) for B's
  // source: C's frames move them. In software, the first frame after the flip recomputes them
  // (from C, the frame at hand).
  EXPECT_EQ(host(kA).sw->cache().stats().underlay_moved, offload ? 2u : 0u) << "TCP and UDP";
  EXPECT_EQ(host(kA).sw->stats().underlay_moved, offload ? 2u : 0u);
  EXPECT_EQ(addressed[1][kB], 0u);
  // Nothing was dropped anywhere.
  for (const HostId h : {kA, kB, kC}) EXPECT_EQ(host(h).sw->stats().policy_drops, 0u) << h;

  // B still is a valid PA (the forwards came from it): a stale copy of M left running on B
  // could still take the connections back. Once the underlay has drained, a second migration
  // takes B out of the VNET's valid PAs: what B sends into the connections is refused at A,
  // and M on C keeps them.
  m.stage_valid_pa(2, kVnet, ip(kPa[kB]), false);
  m.activate(2);
  got[kA][1].clear();
  m_to_a(kB);
  deliver();
  EXPECT_TRUE(got[kA][1].empty()) << "B is no valid PA any more";
  EXPECT_EQ(host(kA).sw->stats().policy_drops, 2u);
  sent_m.clear();
  m_to_a(kC);
  deliver();
  EXPECT_EQ(sorted(got[kA][1]), sent_m);
}

TEST_P(MigrationTest, AnAbortedMigrationChangesNothing) {
  const bool offload = GetParam();
  open();
  a_to_m();
  deliver();
  Migration m(switches());
  const std::array<std::uint64_t, 3> v0{version(kA), version(kB), version(kC)};
  m.stage_mapping(kMigration, kVnet, ip(kVmM),
                  {ip(kPa[kC]), model::MacAddr::from_u64(kVmMMac)});
  m.stage_valid_pa(kMigration, kVnet, ip(kPa[kB]), false);
  a_to_m();
  deliver();
  EXPECT_TRUE(m.abort(kMigration));
  EXPECT_FALSE(m.abort(kMigration));
  EXPECT_THROW(m.activate(kMigration), MigrationError) << "nothing staged any more";
  a_to_m();
  deliver();
  EXPECT_EQ(sorted(got[kB][0]), sent_a);
  EXPECT_TRUE(got[kC][0].empty());
  for (const HostId h : {kA, kB, kC}) {
    EXPECT_EQ(version(h), v0[h]);
    EXPECT_EQ(host(h).policy.shadow(kMigration), nullptr);
    EXPECT_EQ(host(h).policy.find_vnet(kVnet)->mappings.at(ip(kVmM)).underlay_ip, ip(kPa[kB]));
    EXPECT_TRUE(host(h).policy.find_vnet(kVnet)->valid_pas.contains(ip(kPa[kB])));
    EXPECT_EQ(host(h).sw->stats().replaced, 0u);
  }
  EXPECT_EQ(host(kA).sw->offloaded(), offload ? 3u : 0u) << "TCP both ways, UDP outbound";
  // A refused stage on one host stages nothing on any: VNET 2 exists only on C.
  host(kC).policy.vnet(2).vni = 200;
  EXPECT_THROW(m.stage_mapping(2, 2, ip(kVmM), {ip(kPa[kC]), model::MacAddr::from_u64(kVmMMac)}),
               MigrationError);
  for (const HostId h : {kA, kB, kC}) EXPECT_EQ(host(h).policy.shadow(2), nullptr);
}

INSTANTIATE_TEST_SUITE_P(OffloadedOrSoftware, MigrationTest, ::testing::Bool());

}  // namespace
}  // namespace nicsim::host::vswitch
