// SPDX-License-Identifier: MIT
// The VNIC manager end to end (docs/vnic.md): tenants' requests checked against the permissions
// database, applied to the NIC through the driver, and their effect on packets from the wire and
// from the VNICs' own transmit queues; refusals with their audit rows; restart persistence.
//
// Runs in the host test world (testbenches/host/world.hpp): VnicEndToEnd.* on the golden model
// (vnic.*) and on the Verilated NIC in SystemC (vnic_sim.*); VnicManagerTest.* on the model.
#include "nicsim/host/vnic/manager.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host::test {
namespace {

namespace fs = std::filesystem;
using namespace nicsim::host::vnic;  // NOLINT(google-build-using-namespace): a test of it

const MacAddr kA = MacAddr::from_u64(0x020000000011);
const MacAddr kB = MacAddr::from_u64(0x020000000022);
const MacAddr kOther = MacAddr::from_u64(0x0200000000aa);
const MacAddr kGroup = MacAddr::from_u64(0x01005e000001);  // 224.0.0.1's group MAC
const MacAddr kGroup2 = MacAddr::from_u64(0x01005e000002);
const MacAddr kPeer = MacAddr::from_u64(0x0200000000fe);  // a machine on the wire

/// A TCP frame to `dst` (tagged with `vid` when not 0) from the wire's peer.
std::vector<std::uint8_t> to(const MacAddr& dst, std::uint16_t vid = 0, std::uint16_t sport = 1000,
                             std::size_t payload = 32, const MacAddr& src = kPeer) {
  model::PacketBuilder b;
  b.eth({.dst = dst, .src = src});
  if (vid != 0) b.vlan({.vid = vid});
  return b.ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
      .tcp({.sport = sport, .dport = 80})
      .payload(payload)
      .bytes();
}

Permissions everything() {
  Permissions p;
  p.any_mac = true;
  p.promiscuous = true;
  p.vids = {10, 20};
  p.max_groups = 2;
  p.max_queues = 4;
  return p;
}

std::string db_path() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path p = fs::path(::testing::TempDir()) /
                     (std::string("vnic_") + info->test_suite_name() + "_" + info->name() + ".db");
  fs::remove(p);
  fs::remove(p.string() + "-journal");
  return p.string();
}

class VnicFixture : public HostTest {
 protected:
  VnicFixture() : path(db_path()) { open(); }

  void open() { mgr = std::make_unique<VnicManager>(drv, ft, path, cfg()); }
  static ManagerConfig cfg() {
    ManagerConfig c;
    c.burst_ms = 0;  // the bucket holds one maximum frame (tx_burst_min): easy to count
    return c;
  }

  /// Everything waiting in the VNIC's rings: queue index within the VNIC -> frames.
  std::map<unsigned, std::vector<RxPacket>> drain(unsigned v) {
    w.settle();
    std::map<unsigned, std::vector<RxPacket>> out;
    const auto st = mgr->stored(v);
    for (unsigned i = 0; i < st->queues; ++i) {
      auto got = mgr->rx(v, i).poll(256);
      if (!got.empty()) out[i] = std::move(got);
    }
    return out;
  }
  std::size_t count(unsigned v) {
    std::size_t n = 0;
    for (const auto& [q, frames] : drain(v)) n += frames.size();
    return n;
  }
  /// Which VNIC (0: none) each frame lands in.
  unsigned lands_in(const std::vector<std::uint8_t>& frame, const std::vector<unsigned>& vnics) {
    w.wire_rx(frame);
    unsigned where = 0;
    for (const unsigned v : vnics) {
      const std::size_t n = count(v);
      EXPECT_LE(n, 1u);
      if (n == 1) {
        EXPECT_EQ(where, 0u) << "a frame in two VNICs";
        where = v;
      }
    }
    return where;
  }
  void accept(const std::string& who, unsigned v, const Request& r) {
    const Outcome o = mgr->request(who, v, r);
    ASSERT_TRUE(o.accepted()) << request_name(r) << " " << request_value(r) << ": "
                              << to_string(o.verdict) << ": " << o.reason;
  }
  /// The request is refused with `verdict`, its audit row says so, and nothing changed.
  void refuse(const std::string& who, unsigned v, const Request& r, Verdict verdict,
              const std::string& reason_has) {
    const auto before = mgr->stored(v);
    const auto rules_before =
        mgr->vnics().empty() || !before ? std::vector<std::string>{} : mgr->rules(v);
    const std::size_t flows_before = ft.size();
    const Outcome o = mgr->request(who, v, r);
    EXPECT_EQ(o.verdict, verdict) << request_name(r) << " " << request_value(r) << ": " << o.reason;
    EXPECT_NE(o.reason.find(reason_has), std::string::npos) << o.reason;
    const auto rows = mgr->audit({.after_id = o.audit_id - 1});
    ASSERT_FALSE(rows.empty());
    const AuditRow& row = rows.front();
    EXPECT_EQ(row.id, o.audit_id);
    EXPECT_EQ(row.tenant, who);
    EXPECT_EQ(row.vnic, v);
    EXPECT_EQ(row.request, request_name(r));
    EXPECT_EQ(row.value, request_value(r));
    EXPECT_EQ(row.verdict, verdict);
    EXPECT_FALSE(row.accepted());
    EXPECT_EQ(row.reason, o.reason);
    EXPECT_EQ(mgr->stored(v), before);
    if (before) {
      EXPECT_EQ(mgr->rules(v), rules_before);
    }
    EXPECT_EQ(ft.size(), flows_before);
  }

  FlowTable ft{drv};
  std::string path;
  std::unique_ptr<VnicManager> mgr;
};

using VnicEndToEnd = VnicFixture;
using VnicManagerTest = VnicFixture;

// ---- end to end, on both backends ------------------------------------------------------------

TEST_F(VnicEndToEnd, MacVlanGroupAndPromiscuousDecideWhichRingsAFrameLandsIn) {
  auto exc = RxQueue::exception(drv, {});
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("vm-b", everything());
  const std::vector<unsigned> both{a, b};
  // Nothing lands before a MAC is set.
  EXPECT_EQ(lands_in(to(kA), both), 0u);

  accept("vm-a", a, SetMac{kA});
  accept("vm-b", b, SetMac{kB});
  EXPECT_EQ(lands_in(to(kA), both), a);
  EXPECT_EQ(lands_in(to(kB), both), b);
  EXPECT_EQ(lands_in(to(kOther), both), 0u);  // nobody's MAC
  EXPECT_EQ(lands_in(to(kA, 10), both), 0u);  // VLAN 10: not a member yet

  accept("vm-a", a, AddVlan{10});
  w.wire_rx(to(kA, 10));
  auto got = drain(a);
  ASSERT_EQ(got[0].size(), 1u);
  EXPECT_TRUE(got[0][0].vlan);  // a trunk: the tag reaches the VM
  EXPECT_EQ(got[0][0].vlan_tci & 0x0FFF, 10);
  EXPECT_EQ(lands_in(to(kA, 20), both), 0u);  // a VLAN it is not in
  EXPECT_EQ(lands_in(to(kB, 10), both), 0u);  // b is not in VLAN 10

  accept("vm-a", a, JoinGroup{kGroup});
  EXPECT_EQ(lands_in(to(kGroup), both), a);
  EXPECT_EQ(lands_in(to(kGroup, 10), both), a);
  EXPECT_EQ(lands_in(to(kGroup2), both), 0u);
  accept("vm-a", a, LeaveGroup{kGroup});
  EXPECT_EQ(lands_in(to(kGroup), both), 0u);
  accept("vm-a", a, RemoveVlan{10});
  EXPECT_EQ(lands_in(to(kA, 10), both), 0u);
  EXPECT_EQ(lands_in(to(kA), both), a);

  accept("vm-b", b, SetPromiscuous{true});
  EXPECT_EQ(lands_in(to(kOther), both), b);       // unknown unicast
  EXPECT_EQ(lands_in(to(kGroup), both), b);       // a group nobody joined
  EXPECT_EQ(lands_in(to(kA), both), a);           // a's frames stay a's
  EXPECT_EQ(lands_in(to(kOther, 10), both), 0u);  // b is not in VLAN 10
  accept("vm-b", b, SetPromiscuous{false});
  EXPECT_EQ(lands_in(to(kOther), both), 0u);

  // What no VNIC took went to the host (a miss), untouched.
  w.settle();
  const auto misses = exc.poll(64);
  EXPECT_EQ(misses.size(), 10u);
  for (const auto& p : misses) EXPECT_EQ(p.reason, ExceptionReason::kMiss);
  EXPECT_EQ(drv.stats().out_vnic, 9u);
}

TEST_F(VnicEndToEnd, TransmitRateLimitDropsTheExcessAndCountsIt) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  auto burst = [&](unsigned n) {
    const Stats before = drv.stats();
    for (unsigned i = 0; i < n; ++i) {
      EXPECT_TRUE(mgr->tx(a).send(to(kPeer, 0, static_cast<std::uint16_t>(i), 986, kA)));
    }
    w.settle();
    (void)mgr->tx(a).reap();
    unsigned out = 0;
    while (w.wire_tx()) ++out;
    const Stats s = drv.stats();
    EXPECT_EQ(s.out_wire - before.out_wire, out);
    return std::pair{out, s.drop_meter - before.drop_meter};
  };
  // 1040-byte frames: Ethernet 14, IPv4 20, TCP 20, payload 986.
  const auto frame_len = to(kPeer, 0, 0, 986, kA).size();
  ASSERT_EQ(frame_len, 1040u);
  EXPECT_EQ(burst(20), (std::pair<unsigned, std::uint64_t>{20, 0}));  // unlimited
  // 1 MB/s: ~1 byte per 256-cycle tick; the bucket holds one maximum frame (9018 bytes).
  accept("vm-a", a, SetRate{1'000'000});
  EXPECT_NE(mgr->meter(a), 0u);
  EXPECT_EQ(mgr->meter_rate(1'000'000), 1u);
  const auto [passed, dropped] = burst(20);
  EXPECT_EQ(passed, 9018u / 1040u);
  EXPECT_EQ(dropped, 20u - passed);
  // Back to unlimited: every frame passes, the meter is released.
  accept("vm-a", a, SetRate{0});
  EXPECT_EQ(mgr->meter(a), 0u);
  EXPECT_EQ(burst(20), (std::pair<unsigned, std::uint64_t>{20, 0}));
}

TEST_F(VnicEndToEnd, QueueCountDecidesWhereRssSpreads) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  for (unsigned i = 0; i < 32; ++i) w.wire_rx(to(kA, 0, static_cast<std::uint16_t>(1000 + 7 * i)));
  auto got = drain(a);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].size(), 32u);
  EXPECT_FALSE(got[0][0].rss_valid);

  accept("vm-a", a, SetQueues{4});
  for (unsigned i = 0; i < 64; ++i) w.wire_rx(to(kA, 0, static_cast<std::uint16_t>(1000 + 7 * i)));
  got = drain(a);
  EXPECT_EQ(got.size(), 4u) << "RSS spreads over the 4 queues";
  std::size_t total = 0;
  for (const auto& [q, frames] : got) {
    for (const auto& p : frames) {
      EXPECT_TRUE(p.rss_valid);
      EXPECT_EQ(p.queue - mgr->rx(a, 0).index(), (p.rss_hash & 127) % 4);
    }
    total += frames.size();
  }
  EXPECT_EQ(total, 64u);
  refuse("vm-a", a, SetQueues{5}, Verdict::kOverLimit, "above the permitted 4");
}

TEST_F(VnicEndToEnd, AManagerOpenedAgainReappliesTheSameConfiguration) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("vm-b", everything());
  accept("vm-a", a, SetMac{kA});
  accept("vm-a", a, AddVlan{10});
  accept("vm-a", a, JoinGroup{kGroup});
  accept("vm-a", a, SetQueues{2});
  accept("vm-b", b, SetMac{kB});
  accept("vm-b", b, SetPromiscuous{true});
  const std::vector<std::vector<std::uint8_t>> frames{
      to(kA), to(kA, 0, 2000), to(kA, 10), to(kGroup, 10), to(kB), to(kOther), to(kA, 20)};
  // Where each frame lands: (VNIC, queue within it), or (0, 0).
  auto outcome = [&]() {
    std::vector<std::pair<unsigned, unsigned>> out;
    for (const auto& f : frames) {
      w.wire_rx(f);
      std::pair<unsigned, unsigned> where{0, 0};
      for (const unsigned v : {a, b}) {
        for (const auto& [q, got] : drain(v)) {
          EXPECT_EQ(got.size(), 1u);
          where = {v, q};
        }
      }
      out.push_back(where);
    }
    return out;
  };
  const auto first = outcome();
  EXPECT_EQ(first[0].first, a);
  EXPECT_EQ(first[5].first, b);
  EXPECT_EQ(first[6].first, 0u);  // VLAN 20: a is not in it, b (promiscuous) neither
  const auto rules_a = mgr->rules(a), rules_b = mgr->rules(b);
  const auto stored_a = mgr->stored(a);

  mgr.reset();  // the manager goes: its VNICs leave the NIC, the file keeps them
  w.wire_rx(to(kA));
  EXPECT_EQ(drv.stats().out_vnic, 6u) << "nothing delivered without the manager";

  open();
  EXPECT_EQ(mgr->vnics(), (std::vector<unsigned>{a, b}));
  EXPECT_EQ(mgr->stored(a), stored_a);
  EXPECT_EQ(mgr->rules(a), rules_a);
  EXPECT_EQ(mgr->rules(b), rules_b);
  EXPECT_EQ(outcome(), first);
}

// ---- the golden model only --------------------------------------------------------------------

TEST_F(VnicManagerTest, EveryRefusalIsAuditedAndChangesNothing) {
  Permissions pa;
  pa.macs = {kA};
  pa.vids = {10};
  pa.max_groups = 1;
  pa.max_rate = 10'000'000;
  pa.max_queues = 2;
  const unsigned a = mgr->create_vnic("vm-a", pa);
  const unsigned b = mgr->create_vnic("ctr-b", everything());
  accept("vm-a", a, SetMac{kA});
  accept("ctr-b", b, SetMac{kB});
  accept("vm-a", a, JoinGroup{kGroup});
  accept("ctr-b", b, SetPromiscuous{true});

  // Not permitted.
  refuse("vm-a", a, SetMac{kOther}, Verdict::kNotPermitted, "not among the MACs permitted");
  refuse("vm-a", a, AddVlan{20}, Verdict::kNotPermitted, "VLAN 20 is not permitted");
  refuse("vm-a", a, SetPromiscuous{true}, Verdict::kNotPermitted, "promiscuous");
  // Over a limit.
  refuse("vm-a", a, JoinGroup{kGroup2}, Verdict::kOverLimit, "the most permitted is 1");
  refuse("vm-a", a, SetRate{20'000'000}, Verdict::kOverLimit, "above the permitted 10000000");
  refuse("vm-a", a, SetRate{0}, Verdict::kOverLimit, "an unlimited rate");
  refuse("vm-a", a, SetQueues{3}, Verdict::kOverLimit, "above the permitted 2");
  // Another tenant's VNIC, a VNIC that does not exist.
  refuse("ctr-b", a, SetMac{kOther}, Verdict::kNotOwner, "belongs to another tenant");
  refuse("vm-a", b, SetPromiscuous{false}, Verdict::kNotOwner, "belongs to another tenant");
  refuse("vm-a", 4, SetMac{kA}, Verdict::kNoSuchVnic, "no VNIC 4");
  // Held by another VNIC.
  refuse("ctr-b", b, SetMac{kA}, Verdict::kConflict, "belongs to VNIC 1");
  refuse("ctr-b", b, JoinGroup{kGroup}, Verdict::kConflict, "cannot replicate");
  const unsigned c = mgr->create_vnic("vm-c", everything());
  refuse("vm-c", c, SetPromiscuous{true}, Verdict::kConflict, "promiscuous already");
  // Values no NIC takes.
  refuse("ctr-b", b, SetMac{kGroup}, Verdict::kInvalid, "group address");
  refuse("ctr-b", b, JoinGroup{kOther}, Verdict::kInvalid, "not a group");
  refuse("ctr-b", b, AddVlan{4095}, Verdict::kInvalid, "outside 1..4094");
  refuse("ctr-b", b, RemoveVlan{10}, Verdict::kInvalid, "not a member");
  refuse("ctr-b", b, SetQueues{0}, Verdict::kInvalid, "at least one");
  refuse("ctr-b", b, SetRate{500}, Verdict::kNicRefused, "granularity");

  // The refused MAC did not reach the NIC: a frame to it still goes to b (promiscuous), not a.
  EXPECT_EQ(lands_in(to(kOther), {a, b}), b);
  EXPECT_EQ(mgr->audit({.accepted = false}).size(), 19u);
  EXPECT_EQ(mgr->audit({.tenant = "vm-a", .accepted = false}).size(), 9u);
}

TEST_F(VnicManagerTest, AcceptedRequestsAreAuditedToo) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const auto first = mgr->audit();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].tenant, "admin");
  EXPECT_EQ(first[0].request, "create_vnic");
  EXPECT_EQ(first[0].value, "vm-a");
  accept("vm-a", a, SetMac{kA});
  accept("vm-a", a, AddVlan{10});
  accept("vm-a", a, AddVlan{10});  // already a member: accepted, no change
  accept("vm-a", a, SetRate{5'000'000});
  const auto rows = mgr->audit({.tenant = "vm-a"});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].request, "set_mac");
  EXPECT_EQ(rows[0].value, "02:00:00:00:00:11");
  EXPECT_EQ(rows[1].request, "add_vlan");
  EXPECT_EQ(rows[1].value, "10");
  EXPECT_EQ(rows[2].reason, "no change");
  EXPECT_EQ(rows[3].request, "set_rate");
  EXPECT_EQ(rows[3].value, "5000000");
  for (const auto& r : rows) {
    EXPECT_TRUE(r.accepted());
    EXPECT_EQ(r.vnic, a);
  }
}

TEST_F(VnicManagerTest, ARequestTheNicCannotCarryOutLeavesNicAndDatabaseUnchanged) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});  // rx dst, tx untagged, tx tagged-drop: 3 rules
  // Fill the TCAM up to one free entry with rules of someone else.
  std::vector<Flow> others;
  for (std::uint16_t port = 1;; ++port) {
    auto f = ft.create({.priority = 50, .ingress_vport = 0, .placement = Placement::kTcam},
                       {{ItemEth{}, ItemIpv4{}, ItemUdp{{.spec = UdpHdr{.dport = port}}}}},
                       {{ActionDrop{}}});
    if (!f) {
      ASSERT_EQ(f.error().type, FlowError::Type::kTableFull) << f.error().to_string();
      break;
    }
    others.push_back(*f);
  }
  ASSERT_TRUE(ft.destroy(others.back()).ok());
  others.pop_back();

  // VLAN 10 needs two rules (receive and transmit): the second does not fit.
  const auto rules = mgr->rules(a);
  const auto stored = mgr->stored(a);
  const std::size_t flows = ft.size();
  refuse("vm-a", a, AddVlan{10}, Verdict::kNicRefused, "TCAM full");
  EXPECT_EQ(mgr->stored(a), stored);
  EXPECT_EQ(mgr->rules(a), rules);
  EXPECT_EQ(ft.size(), flows);
  EXPECT_EQ(lands_in(to(kA, 10), {a}), 0u);
  EXPECT_EQ(lands_in(to(kA), {a}), a);
  // The one free entry is still free: a request needing one rule fits.
  accept("vm-a", a, JoinGroup{kGroup});
  EXPECT_EQ(lands_in(to(kGroup), {a}), a);
  for (const Flow f : others) ASSERT_TRUE(ft.destroy(f).ok());

  // Receive queues are contiguous: b sits in the middle, a cannot grow past it.
  const unsigned b = mgr->create_vnic("vm-b", everything());
  const unsigned c = mgr->create_vnic("vm-c", everything());
  accept("vm-b", b, SetQueues{4});  // queues 2..5 (a has 0, c has 1)
  refuse("vm-c", c, SetQueues{3}, Verdict::kNicRefused, "contiguous receive queues");
  accept("vm-c", c, SetQueues{2});  // 6..7
}

TEST_F(VnicManagerTest, ARestartOnAFreshNicBehavesTheSame) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  accept("vm-a", a, AddVlan{20});
  accept("vm-a", a, SetQueues{2});
  accept("vm-a", a, SetRate{1'000'000});
  const auto rules = mgr->rules(a);
  mgr.reset();

  // Another NIC, driver and flow table: a host that rebooted.
  auto world2 = make_model_world();
  Driver drv2(world2->device());
  drv2.enable();
  FlowTable ft2(drv2);
  VnicManager again(drv2, ft2, path, cfg());
  EXPECT_EQ(again.rules(a), rules);
  EXPECT_NE(again.meter(a), 0u);
  std::set<unsigned> queues;
  for (unsigned i = 0; i < 16; ++i) {
    world2->wire_rx(to(kA, 20, static_cast<std::uint16_t>(3000 + 11 * i)));
  }
  std::size_t got = 0;
  for (unsigned q = 0; q < 2; ++q) {
    const auto frames = again.rx(a, q).poll(64);
    if (!frames.empty()) queues.insert(q);
    got += frames.size();
  }
  EXPECT_EQ(got, 16u);
  EXPECT_EQ(queues.size(), 2u);
  world2->wire_rx(to(kA, 10));
  EXPECT_EQ(drv2.stats().out_vnic, 16u);
  // The rate came back too: 20 frames of 1040 bytes, 8 pass.
  for (unsigned i = 0; i < 20; ++i) {
    ASSERT_TRUE(again.tx(a).send(to(kPeer, 0, static_cast<std::uint16_t>(i), 986, kA)));
  }
  EXPECT_EQ(drv2.stats().drop_meter, 12u);
  EXPECT_TRUE(drv2.stats().ledger_balanced());
}

TEST_F(VnicManagerTest, TransmitCarriesTheVnicsMacAndVlansOnly) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  accept("vm-a", a, AddVlan{10});
  auto send = [&](const std::vector<std::uint8_t>& f) {
    ASSERT_TRUE(mgr->tx(a).send(f));
    w.settle();
    (void)mgr->tx(a).reap();
  };
  send(to(kPeer, 0, 1, 32, kA));
  send(to(kPeer, 10, 2, 32, kA));
  EXPECT_TRUE(w.wire_tx().has_value());
  EXPECT_TRUE(w.wire_tx().has_value());
  send(to(kPeer, 20, 3, 32, kA));  // a VLAN it is not in: dropped, counted
  send(to(kPeer, 0, 4, 32, kB));   // another MAC: the NIC's anti-spoof check
  EXPECT_FALSE(w.wire_tx().has_value());
  const Stats s = drv.stats();
  EXPECT_EQ(s.drop_flow, 1u);
  EXPECT_EQ(s.drop_spoof, 1u);
  EXPECT_EQ(s.out_wire, 2u);
}

TEST_F(VnicManagerTest, TheAdministratorsApi) {
  Permissions p;
  p.macs = {kA};
  p.max_rate = 10'000'000;
  const unsigned a = mgr->create_vnic("vm-a", p);
  EXPECT_EQ(mgr->permissions(a), p);
  EXPECT_EQ(mgr->stored(a)->rate, 10'000'000u) << "a VNIC starts at its permitted rate";
  accept("vm-a", a, SetMac{kA});

  // Permissions the VNIC is outside of are refused until the administrator changes it.
  Permissions tighter = p;
  tighter.macs = {kB};
  try {
    mgr->set_permissions(a, tighter);
    FAIL() << "permissions below the current configuration were accepted";
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kConflict);
    EXPECT_NE(std::string(e.what()).find("its MAC 02:00:00:00:00:11 is not permitted"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(mgr->permissions(a), p);
  const Outcome o = mgr->admin_request(a, SetMac{kB});  // the permissions are not consulted
  ASSERT_TRUE(o.accepted()) << o.reason;
  mgr->set_permissions(a, tighter);
  EXPECT_EQ(mgr->permissions(a), tighter);
  EXPECT_EQ(mgr->audit({.tenant = "admin"}).size(), 3u);  // create, set_mac, set_permissions
  // The administrator is still bound by the other VNICs and the NIC.
  const unsigned b = mgr->create_vnic("vm-b", everything());
  EXPECT_EQ(mgr->admin_request(b, SetMac{kB}).verdict, Verdict::kConflict);

  // Every vport in use: no more VNICs.
  (void)mgr->create_vnic("vm-c", everything());
  (void)mgr->create_vnic("vm-d", everything());
  try {
    (void)mgr->create_vnic("vm-e", everything());
    FAIL() << "a fifth VNIC on a NIC with four";
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kNoResource);
  }
  EXPECT_THROW((void)mgr->create_vnic("", everything()), VnicError);

  // Destroyed: its rules leave the NIC, its rows the database (the audit log stays).
  const std::size_t flows = ft.size();
  const std::size_t rules = mgr->rules(a).size();
  mgr->destroy_vnic(a);
  EXPECT_EQ(ft.size(), flows - rules);
  EXPECT_FALSE(mgr->stored(a).has_value());
  EXPECT_EQ(lands_in(to(kB), {b}), 0u);
  EXPECT_EQ(mgr->request("vm-a", a, SetMac{kA}).verdict, Verdict::kNoSuchVnic);
  EXPECT_THROW(mgr->destroy_vnic(a), VnicError);
  // Its vport is free again.
  EXPECT_EQ(mgr->create_vnic("vm-f", everything()), a);
}

TEST_F(VnicManagerTest, ABadDatabaseFileIsAClearErrorAndTheNicIsLeftAlone) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  mgr.reset();
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    for (int i = 0; i < 100; ++i) f << "garbage garbage garbage garbage garbage garbage\n";
  }
  try {
    open();
    FAIL() << "a garbage file was opened";
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kDatabase);
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ft.size(), 0u);
  EXPECT_EQ(lands_in(to(kA), {}), 0u);
  EXPECT_EQ(drv.stats().out_vnic, 0u);
}

TEST_F(VnicManagerTest, ARestartOnANicThatCannotTakeTheConfigurationIsAClearError) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  accept("vm-a", a, SetQueues{4});
  mgr.reset();
  ManagerConfig small = cfg();
  small.rxq_count = 2;  // fewer receive queues than the file's VNIC has
  try {
    VnicManager again(drv, ft, path, small);
    FAIL() << "a VNIC with 4 queues was re-applied on 2";
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kNic);
    EXPECT_NE(std::string(e.what()).find("re-applying VNIC 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("contiguous receive queues"), std::string::npos)
        << e.what();
  }
  // Nothing of it stays in the NIC, and the file still holds it for a NIC that can.
  EXPECT_EQ(ft.size(), 0u);
  EXPECT_EQ(lands_in(to(kA), {}), 0u);
  EXPECT_EQ(drv.stats().out_vnic, 0u);
  open();
  EXPECT_EQ(mgr->stored(a)->queues, 4u);
  EXPECT_EQ(lands_in(to(kA), {a}), a);
}

TEST_F(VnicManagerTest, ANewMacReplacesTheOldAndTheMeterRefillsWithTime) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  accept("vm-a", a, SetMac{kA});
  EXPECT_EQ(lands_in(to(kA), {a}), a);
  accept("vm-a", a, SetMac{kOther});
  EXPECT_EQ(lands_in(to(kA), {a}), 0u);
  EXPECT_EQ(lands_in(to(kOther), {a}), a);
  // The NIC's anti-spoof check follows the MAC.
  ASSERT_TRUE(mgr->tx(a).send(to(kPeer, 0, 1, 32, kA)));
  EXPECT_EQ(drv.stats().drop_spoof, 1u);

  // 25 MB/s: 25 bytes per 256-cycle tick, a bucket of 9018 bytes (8 frames of 1040).
  accept("vm-a", a, SetRate{25'000'000});
  EXPECT_EQ(mgr->meter_rate(25'000'000), 25u);
  auto burst = [&]() {
    const Stats before = drv.stats();
    for (unsigned i = 0; i < 20; ++i) {
      EXPECT_TRUE(mgr->tx(a).send(to(kPeer, 0, static_cast<std::uint16_t>(i), 986, kOther)));
    }
    (void)mgr->tx(a).reap();
    while (w.wire_tx()) {
    }
    return drv.stats().out_wire - before.out_wire;
  };
  EXPECT_EQ(burst(), 8u);
  EXPECT_EQ(burst(), 0u);          // no time passed: nothing refilled
  w.advance(256 * 1040 / 25 + 256);  // one frame's worth
  EXPECT_EQ(burst(), 1u);
  w.advance(10'000'000);  // much more than the bucket holds
  EXPECT_EQ(burst(), 8u);
  EXPECT_EQ(drv.stats().drop_meter, 20u * 4 - 17u);
}

// ---- traits: link and MTU (docs/vnic.md "Traits"), on both backends ---------------------------

/// The manager with the link interrupt on the NIC's last vector.
class TraitProjection : public VnicFixture {
 protected:
  TraitProjection() {
    mgr.reset();
    reopen();
  }
  void reopen(std::size_t depth = 64) {
    ManagerConfig c = cfg();
    c.link_vector = drv.features().num_vectors - 1;
    c.event_queue_depth = depth;
    mgr = std::make_unique<VnicManager>(drv, ft, path, c);
  }
  /// A frame of `len` bytes from `src` (untagged, to the wire's peer).
  static std::vector<std::uint8_t> frame_of(std::size_t len, const MacAddr& src) {
    return to(kPeer, 0, 1000, len - 54, src);
  }
};

TEST_F(TraitProjection, EveryVnicInheritsThePhysicalNicsTraits) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("ct-b", everything());
  const Traits nic = mgr->nic_traits();
  EXPECT_TRUE(nic.link.up);
  EXPECT_EQ(nic.link.speed, fmt::LinkSpeed::kG100);
  EXPECT_EQ(nic.link.media, fmt::LinkMedia::kVirtual);
  EXPECT_EQ(nic.mtu, 9000u);
  EXPECT_EQ(mgr->traits(a), nic);
  EXPECT_EQ(mgr->traits(b), nic);
  EXPECT_TRUE(mgr->take_events(a).empty()) << "creation is not a change";
  EXPECT_THROW((void)mgr->traits(7), VnicError);
}

TEST_F(TraitProjection, ALinkChangeReachesEveryVnicAsAnEvent) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("ct-b", everything());
  std::vector<std::pair<unsigned, VnicEvent>> woken;
  mgr->on_event([&](unsigned v, const VnicEvent& e) { woken.emplace_back(v, e); });
  EXPECT_FALSE(mgr->service_link(kIrqQuiet).has_value()) << "no change, no event";

  w.set_link({.up = false, .speed = fmt::LinkSpeed::kUnknown, .media = fmt::LinkMedia::kFiber});
  const auto c = mgr->service_link(kIrqQuiet);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(mgr->nic_traits().link.up);
  ASSERT_EQ(woken.size(), 2u);
  for (const unsigned v : {a, b}) {
    const auto ev = mgr->take_events(v);
    ASSERT_EQ(ev.size(), 1u) << v;
    EXPECT_EQ(ev[0].kind, VnicEvent::Kind::kLink);
    EXPECT_FALSE(ev[0].traits.link.up);
    EXPECT_EQ(ev[0].traits.link.media, fmt::LinkMedia::kFiber);
    EXPECT_EQ(ev[0].traits.mtu, 9000u);
    EXPECT_EQ(ev[0].link_changes, 1u);
    EXPECT_FALSE(mgr->traits(v).link.up);
    EXPECT_TRUE(mgr->take_events(v).empty()) << "taken";
  }
  EXPECT_LT(woken[0].second.seq, woken[1].second.seq);

  // Up at 25G: the speed reaches the VNICs too.
  w.set_link({.up = true, .speed = fmt::LinkSpeed::kG25, .media = fmt::LinkMedia::kFiber});
  ASSERT_TRUE(mgr->service_link(kIrqQuiet).has_value());
  for (const unsigned v : {a, b}) {
    const auto ev = mgr->take_events(v);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(ev[0].traits.link.up);
    EXPECT_EQ(ev[0].traits.link.speed, fmt::LinkSpeed::kG25);
  }
  // A flap faster than the host looks: one event, the state now, the count of both changes.
  w.set_link({.up = false, .speed = fmt::LinkSpeed::kG25, .media = fmt::LinkMedia::kFiber});
  w.set_link({.up = true, .speed = fmt::LinkSpeed::kG25, .media = fmt::LinkMedia::kFiber});
  ASSERT_TRUE(mgr->service_link(kIrqQuiet).has_value());
  const auto ev = mgr->take_events(a);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].traits.link.up);
  EXPECT_EQ(ev[0].link_changes, 2u);
  // A VNIC created later starts with the link as it is.
  const unsigned c2 = mgr->create_vnic("vm-c", everything());
  EXPECT_EQ(mgr->traits(c2).link.speed, fmt::LinkSpeed::kG25);
}

TEST_F(TraitProjection, AnMtuChangeIsEnforcedOnEveryVnic) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("ct-b", everything());
  accept("vm-a", a, SetMac{kA});
  accept("ct-b", b, SetMac{kB});
  mgr->set_mtu(1500);
  // The NIC's max-frame registers.
  EXPECT_EQ(drv.mtu(), 1500u);
  EXPECT_EQ(drv.rd(regs::nic::WIRE_MAX_FRAME_ADDR), 1518u);
  EXPECT_EQ(drv.rd(regs::nic::TX_MAX_FRAME_ADDR), 1518u);
  // Every VNIC: an event, and its transmit refuses longer frames, counted.
  for (const auto& [v, src] : {std::pair{a, kA}, std::pair{b, kB}}) {
    const auto ev = mgr->take_events(v);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, VnicEvent::Kind::kMtu);
    EXPECT_EQ(ev[0].traits.mtu, 1500u);
    EXPECT_EQ(mgr->traits(v).mtu, 1500u);
    EXPECT_FALSE(mgr->tx(v).send(frame_of(1519, src)));
    EXPECT_EQ(mgr->tx_mtu_drops(v), 1u);
    EXPECT_TRUE(mgr->tx(v).send(frame_of(1518, src)));
  }
  w.settle();
  std::size_t out = 0;
  while (w.wire_tx()) ++out;
  EXPECT_EQ(out, 2u);
  // Audited as the administrator's.
  const auto rows = mgr->audit({.tenant = "admin"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().request, "set_mtu");
  EXPECT_EQ(rows.back().value, "1500");
  EXPECT_EQ(rows.back().vnic, 0u);
  // Out of range: refused, nothing changed.
  EXPECT_THROW(mgr->set_mtu(100), VnicError);
  EXPECT_EQ(drv.mtu(), 1500u);
  EXPECT_TRUE(mgr->take_events(a).empty());
}

TEST_F(TraitProjection, ATenantCannotRaiseItsMtuAboveThePhysicalOne) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  const unsigned b = mgr->create_vnic("ct-b", everything());
  accept("vm-a", a, SetMac{kA});
  refuse("vm-a", a, SetMtu{9001}, Verdict::kOverLimit, "above the physical NIC's MTU 9000");
  refuse("vm-a", a, SetMtu{1000}, Verdict::kInvalid, "below the minimum");
  refuse("ct-b", a, SetMtu{1400}, Verdict::kNotOwner, "another tenant");
  EXPECT_TRUE(mgr->take_events(a).empty());
  // Lower is the tenant's to choose: its own transmit only.
  accept("vm-a", a, SetMtu{1400});
  EXPECT_EQ(mgr->traits(a).mtu, 1400u);
  EXPECT_EQ(mgr->stored(a)->mtu, 1400u);
  EXPECT_EQ(mgr->traits(b).mtu, 9000u);
  EXPECT_EQ(drv.mtu(), 9000u) << "the NIC keeps the physical MTU";
  auto ev = mgr->take_events(a);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, VnicEvent::Kind::kMtu);
  EXPECT_EQ(ev[0].traits.mtu, 1400u);
  EXPECT_TRUE(mgr->take_events(b).empty());
  EXPECT_FALSE(mgr->tx(a).send(frame_of(1419, kA)));
  EXPECT_TRUE(mgr->tx(a).send(frame_of(1418, kA)));
  EXPECT_EQ(mgr->tx_mtu_drops(a), 1u);
  // The administrator lowers the physical MTU below it: both follow; raising it again gives
  // the tenant its own MTU back, and b the physical one.
  mgr->set_mtu(1300);
  EXPECT_EQ(mgr->traits(a).mtu, 1300u);
  EXPECT_EQ(mgr->traits(b).mtu, 1300u);
  EXPECT_EQ(mgr->take_events(a).size(), 1u);
  EXPECT_EQ(mgr->take_events(b).size(), 1u);
  refuse("vm-a", a, SetMtu{1400}, Verdict::kOverLimit, "above the physical NIC's MTU 1300");
  mgr->set_mtu(9000);
  EXPECT_EQ(mgr->traits(a).mtu, 1400u);
  EXPECT_EQ(mgr->traits(b).mtu, 9000u);
  // 0: follow the physical MTU again.
  accept("vm-a", a, SetMtu{0});
  EXPECT_EQ(mgr->traits(a).mtu, 9000u);
  w.settle();
  while (w.wire_tx()) {
  }
}

// ---- the golden model only --------------------------------------------------------------------

TEST_F(VnicManagerTest, TheMtusSurviveARestart) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  mgr->set_mtu(1500);
  accept("vm-a", a, SetMtu{1400});
  mgr.reset();
  drv.set_mtu(9000);  // the NIC forgot (a reset, another host)
  open();
  EXPECT_EQ(drv.mtu(), 1500u) << "the saved physical MTU is applied again";
  EXPECT_EQ(mgr->nic_traits().mtu, 1500u);
  EXPECT_EQ(mgr->traits(a).mtu, 1400u);
  EXPECT_FALSE(mgr->tx(a).send(to(kPeer, 0, 1, 1419 - 54, kA)));
  EXPECT_EQ(mgr->tx_mtu_drops(a), 1u);
}

TEST_F(VnicManagerTest, AFullEventQueueKeepsTheNewest) {
  ManagerConfig c = cfg();
  c.event_queue_depth = 2;
  mgr.reset();
  mgr = std::make_unique<VnicManager>(drv, ft, path, c);
  const unsigned a = mgr->create_vnic("vm-a", everything());
  for (const std::uint32_t m : {1500u, 1400u, 1300u}) mgr->set_mtu(m);
  const auto ev = mgr->take_events(a);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].traits.mtu, 1400u);
  EXPECT_EQ(ev[1].traits.mtu, 1300u);
  EXPECT_EQ(mgr->events_lost(a), 1u);
  c.event_queue_depth = 0;
  mgr.reset();
  EXPECT_THROW(VnicManager(drv, ft, path, c), VnicError);
}

TEST_F(VnicManagerTest, ALinkChangeWithoutTheInterruptIsPolled) {
  const unsigned a = mgr->create_vnic("vm-a", everything());
  w.set_link({.up = false});
  ASSERT_TRUE(mgr->service_link().has_value());
  const auto ev = mgr->take_events(a);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_FALSE(ev[0].traits.link.up);
}

}  // namespace
}  // namespace nicsim::host::test
