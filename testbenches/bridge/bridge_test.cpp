// SPDX-License-Identifier: MIT
// The learning bridge end to end on the NIC (bridge.hpp), in the host suite's world (the driver
// on the golden model; a few also run on the Verilated NIC, testbenches/bridge/CMakeLists.txt):
// frames from the VMs' transmit queues and from the wire, the NIC's misses on the exception
// ring, the bridge's learning, offload, re-injection and flooding, and what comes out on the
// wire and in the VMs' receive queues, compared with frames built here with the packet library
// (tagged or untagged as the port sends them), not by the code under test.
//
// The bridge: docs/examples/bridge/bridge.yaml (so the example cannot rot): the uplink (vport 0)
// a trunk of VLANs 10 and 20, VNICs 1 and 2 access ports of VLAN 10, VNIC 3 an access port of
// VLAN 20.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "fixture.hpp"
#include "nicsim/host/bridge/bridge.hpp"
#include "nicsim/host/bridge/bridge_file.hpp"
#include "nicsim/model/builder.hpp"

namespace nicsim::host::bridge {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint64_t kA = 0x020000000011;  // the VM on VNIC 1 (VLAN 10)
constexpr std::uint64_t kB = 0x020000000022;  // the VM on VNIC 2 (VLAN 10)
constexpr std::uint64_t kC = 0x020000000033;  // the VM on VNIC 3 (VLAN 20)
constexpr std::uint64_t kX = 0x0200000000aa;  // a host behind the uplink
constexpr std::uint64_t kY = 0x0200000000bb;  // another one
constexpr std::uint64_t kBroadcast = 0xffffffffffff;
constexpr std::uint64_t kSec = 1'000'000'000ull;

/// A UDP frame from `smac` to `dmac`, tagged with `vid` when given; `n` tells frames apart.
Bytes frame(std::uint64_t smac, std::uint64_t dmac, std::optional<std::uint16_t> vid,
            std::uint8_t n = 0) {
  model::PacketBuilder b;
  b.eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)});
  if (vid) b.vlan({.vid = *vid});
  b.ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = model::Ipv4Addr(10, 0, 0, 2)});
  b.udp({.sport = 1000, .dport = 2000});
  return b.payload(32, n).bytes();
}

PortConfig access(unsigned vport, std::uint16_t vid) {
  PortConfig p;
  p.vport = vport;
  p.access = vid;
  return p;
}
PortConfig trunk(unsigned vport, std::vector<std::uint16_t> vids) {
  PortConfig p;
  p.vport = vport;
  p.trunk = std::move(vids);
  return p;
}

class BridgeTest : public test::HostTest {
 protected:
  explicit BridgeTest(std::size_t capacity = 1024) : ft(drv) {
    vnic(1, 0, 1, false, kA);
    vnic(2, 1, 1, false, kB);
    vnic(3, 2, 1, false, kC);
    for (unsigned v = 1; v <= 3; ++v) {
      rx.emplace_back(std::make_unique<RxQueue>(drv, v - 1, RxQueueConfig{}));
      tx.emplace_back(std::make_unique<TxQueue>(drv, v, TxQueueConfig{.vport = v}));
    }
    BridgeConfig c = load_bridge_config(NICSIM_BRIDGE_EXAMPLE);
    EXPECT_EQ(c.ports.size(), 4u);
    c.capacity = capacity;
    c.age_ns = 10 * kSec;
    br = std::make_unique<Bridge>(drv, ft, c);
    br->bring_up();
  }

  void TearDown() override {
    serve();
    EXPECT_EQ(br->stats().other, 0u);       // every host copy found its delivery rule
    EXPECT_EQ(br->stats().tx_refused, 0u);
    br.reset();
    EXPECT_EQ(ft.size(), 0u);  // the bridge left nothing in the NIC
    test::HostTest::TearDown();
  }

  /// Lets the bridge handle what the NIC gave it until nothing is left (a frame going round
  /// between the host and the NIC fails the test instead of hanging it).
  void serve() {
    w.settle();
    unsigned rounds = 0;
    while (br->service(now) != 0) {
      w.settle();
      if (++rounds == 64) {
        ADD_FAILURE() << "the exception ring does not run dry: a frame is going round";
        break;
      }
    }
    w.settle();
  }
  void from_vm(unsigned v, const Bytes& f) {
    ASSERT_TRUE(tx[v - 1]->send(f));
    serve();
    tx[v - 1]->reap();
  }
  void from_wire(const Bytes& f) {
    w.wire_rx(f);
    serve();
  }
  std::vector<Bytes> wire() {
    std::vector<Bytes> out;
    while (auto f = w.wire_tx()) out.push_back(f->data);
    return out;
  }
  std::vector<Bytes> to_vm(unsigned v) {
    std::vector<Bytes> out;
    for (const RxPacket& p : rx[v - 1]->poll()) out.push_back(p.bytes);
    return out;
  }
  /// Nothing anywhere (the wire and every VM).
  void expect_quiet() {
    EXPECT_TRUE(wire().empty());
    for (unsigned v = 1; v <= 3; ++v) EXPECT_TRUE(to_vm(v).empty()) << "VNIC " << v;
  }

  FlowTable ft;
  std::vector<std::unique_ptr<RxQueue>> rx;
  std::vector<std::unique_ptr<TxQueue>> tx;
  std::unique_ptr<Bridge> br;
  std::uint64_t now = kSec;
};

TEST_F(BridgeTest, LearnsAndOffloadsKnownUnicast) {
  // X (uplink, VLAN 10) to A, unknown: flooded to the VLAN's VNICs, untagged.
  from_wire(frame(kX, kA, 10, 1));
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kA, std::nullopt, 1)});
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kA, std::nullopt, 1)});
  expect_quiet();
  EXPECT_EQ(br->port_of(10, test::mac(kX)), 0u);

  // A answers: X is known behind the uplink: a flow with a pushed tag, the first frame too.
  from_vm(1, frame(kA, kX, std::nullopt, 2));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, 2)});
  EXPECT_EQ(br->port_of(10, test::mac(kA)), 1u);
  EXPECT_EQ(br->stats().installed, 1u);
  EXPECT_EQ(br->stats().reinjected, 1u);

  // X to A, now known: a flow that pops the tag.
  from_wire(frame(kX, kA, 10, 3));
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kA, std::nullopt, 3)});
  expect_quiet();
  EXPECT_EQ(br->flow_count(), 2u);
  const auto seen = br->stats().exceptions;
  EXPECT_EQ(seen, 3u);

  // Later frames of both directions never reach the host: the NIC's TCAM forwards them.
  const auto hits = drv.stats().tcam_hits;
  for (std::uint8_t n = 10; n < 14; ++n) {
    from_vm(1, frame(kA, kX, std::nullopt, n));
    EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, n)});
    from_wire(frame(kX, kA, 10, n));
    EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kA, std::nullopt, n)});
  }
  expect_quiet();
  EXPECT_EQ(br->stats().exceptions, seen);
  EXPECT_EQ(drv.stats().tcam_hits, hits + 8);
  EXPECT_EQ(br->stats().installed, 2u);
}

TEST_F(BridgeTest, FloodsUnknownUnicastAndBroadcastWithinTheVlan) {
  // A broadcast from A (VLAN 10): the other VNIC of VLAN 10 and the uplink tagged 10; not VNIC 3.
  from_vm(1, frame(kA, kBroadcast, std::nullopt, 1));
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kA, kBroadcast, std::nullopt, 1)});
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kBroadcast, 10, 1)});
  expect_quiet();

  // Unknown unicast from C (VLAN 20): the uplink tagged 20 only.
  from_vm(3, frame(kC, kY, std::nullopt, 2));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kC, kY, 20, 2)});
  expect_quiet();

  // A broadcast from the uplink in VLAN 20: VNIC 3 only, untagged; never back to the wire.
  from_wire(frame(kY, kBroadcast, 20, 3));
  EXPECT_EQ(to_vm(3), std::vector<Bytes>{frame(kY, kBroadcast, std::nullopt, 3)});
  expect_quiet();

  // Broadcast is never offloaded: the next one floods again.
  from_vm(1, frame(kA, kBroadcast, std::nullopt, 4));
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kA, kBroadcast, std::nullopt, 4)});
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kBroadcast, 10, 4)});
  expect_quiet();

  const Bridge::Stats& s = br->stats();
  EXPECT_EQ(s.flooded, 4u);
  EXPECT_EQ(s.unknown_unicast, 1u);
  EXPECT_EQ(s.flood_copies, 6u);
  EXPECT_EQ(br->flow_count(), 0u);
}

TEST_F(BridgeTest, VlansSeparateBroadcastDomains) {
  // The same MAC in two VLANs is two entries.
  from_wire(frame(kX, kBroadcast, 10, 1));
  from_wire(frame(kX, kBroadcast, 20, 2));
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 1)});
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 1)});
  EXPECT_EQ(to_vm(3), std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 2)});
  expect_quiet();
  EXPECT_EQ(br->port_of(10, test::mac(kX)), 0u);
  EXPECT_EQ(br->port_of(20, test::mac(kX)), 0u);
  EXPECT_EQ(br->size(), 2u);

  // A is known in VLAN 10; C (VLAN 20) sending to A's MAC does not reach it: in VLAN 20 it is
  // unknown, flooded to VLAN 20's ports only.
  from_vm(1, frame(kA, kBroadcast, std::nullopt, 3));
  (void)wire();
  (void)to_vm(2);
  from_vm(3, frame(kC, kA, std::nullopt, 4));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kC, kA, 20, 4)});
  expect_quiet();
  EXPECT_EQ(br->stats().unknown_unicast, 1u);

  // Frames outside a port's VLANs are dropped, counted: a VLAN the trunk does not carry, a
  // tagged frame from an access port, an untagged frame on the trunk.
  from_wire(frame(kY, kBroadcast, 30, 5));
  from_vm(1, frame(kA, kBroadcast, 20, 6));
  from_wire(frame(kY, kBroadcast, std::nullopt, 7));
  expect_quiet();
  EXPECT_EQ(br->stats().vlan_refused, 3u);
  EXPECT_FALSE(br->port_of(30, test::mac(kY)));
}

TEST_F(BridgeTest, MacMoveFollowsTheHost) {
  from_wire(frame(kX, kBroadcast, 10, 1));
  from_vm(1, frame(kA, kX, std::nullopt, 2));   // flow A -> X
  from_wire(frame(kX, kA, 10, 3));              // flow X -> A (to VNIC 1)
  (void)wire();
  EXPECT_EQ(to_vm(1).size(), 2u);
  (void)to_vm(2);
  EXPECT_EQ(br->flow_count(), 2u);

  // A moves to VNIC 2: its first frame there misses (another vport), the move is learned and
  // A's flows leave the NIC.
  from_vm(2, frame(kA, kX, std::nullopt, 4));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, 4)});
  EXPECT_EQ(br->stats().moves, 1u);
  EXPECT_EQ(br->port_of(10, test::mac(kA)), 2u);
  EXPECT_EQ(br->stats().removed, 2u);
  EXPECT_EQ(br->flow_count(), 1u);  // A -> X from VNIC 2

  // X's frames to A follow it to VNIC 2 (a miss, a new flow), then stay in the NIC.
  from_wire(frame(kX, kA, 10, 5));
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kA, std::nullopt, 5)});
  const auto seen = br->stats().exceptions;
  from_wire(frame(kX, kA, 10, 6));
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kA, std::nullopt, 6)});
  expect_quiet();
  EXPECT_EQ(br->stats().exceptions, seen);
  EXPECT_EQ(br->flow_count(), 2u);
}

TEST_F(BridgeTest, IdleMacsAgeOutAndLeaveTheNic) {
  now = 1 * kSec;
  from_wire(frame(kX, kBroadcast, 10, 1));
  from_vm(1, frame(kA, kX, std::nullopt, 2));
  from_wire(frame(kX, kA, 10, 3));
  (void)wire();
  (void)to_vm(1);
  (void)to_vm(2);
  ASSERT_EQ(br->flow_count(), 2u);
  const std::size_t rules = ft.size();

  // Traffic through the NIC only (the host sees none of it) keeps both MACs alive.
  EXPECT_EQ(br->age(6 * kSec), 0u);
  from_vm(1, frame(kA, kX, std::nullopt, 4));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, 4)});
  EXPECT_EQ(br->age(9 * kSec), 0u);  // the flow's counter moved: A and X active at 9 s
  EXPECT_EQ(br->age(18 * kSec), 0u);
  EXPECT_EQ(br->size(), 2u);

  // Idle for longer than the timeout: both go, with their flows.
  EXPECT_EQ(br->age(20 * kSec), 2u);
  EXPECT_EQ(br->size(), 0u);
  EXPECT_EQ(br->flow_count(), 0u);
  EXPECT_EQ(ft.size(), rules - 2);
  EXPECT_EQ(br->stats().aged, 2u);
  EXPECT_EQ(br->stats().removed, 2u);

  // X's next frame to A misses in the NIC and floods again.
  now = 21 * kSec;
  from_wire(frame(kX, kA, 10, 5));
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kA, std::nullopt, 5)});
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kA, std::nullopt, 5)});
  expect_quiet();
  EXPECT_EQ(br->stats().unknown_unicast, 1u);
}

class SmallBridgeTest : public BridgeTest {
 protected:
  SmallBridgeTest() : BridgeTest(2) {}
};

TEST_F(SmallBridgeTest, FullTableRefusesLearningCounted) {
  from_wire(frame(kX, kBroadcast, 10, 1));
  from_vm(1, frame(kA, kBroadcast, std::nullopt, 2));
  from_vm(2, frame(kB, kBroadcast, std::nullopt, 3));  // full: B is not learned, still flooded
  EXPECT_EQ(to_vm(1), (std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 1),
                                          frame(kB, kBroadcast, std::nullopt, 3)}));
  EXPECT_EQ(wire(), (std::vector<Bytes>{frame(kA, kBroadcast, 10, 2),
                                        frame(kB, kBroadcast, 10, 3)}));
  (void)to_vm(2);
  EXPECT_EQ(br->stats().learn_refused, 1u);
  EXPECT_EQ(br->size(), 2u);
  EXPECT_FALSE(br->port_of(10, test::mac(kB)));

  // B to X: X is known but B is not: the host forwards it (no flow: B's frames must keep
  // reaching the host to be learned once there is room), each time.
  for (std::uint8_t n = 4; n < 6; ++n) {
    from_vm(2, frame(kB, kX, std::nullopt, n));
    EXPECT_EQ(wire(), std::vector<Bytes>{frame(kB, kX, 10, n)});
  }
  expect_quiet();
  EXPECT_EQ(br->stats().sw_forwarded, 2u);
  EXPECT_EQ(br->stats().learn_refused, 3u);
  EXPECT_EQ(br->flow_count(), 0u);

  // X to B: unknown, flooded.
  from_wire(frame(kX, kB, 10, 6));
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kB, std::nullopt, 6)});
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kB, std::nullopt, 6)});
  EXPECT_EQ(br->stats().unknown_unicast, 1u);
}

TEST_F(BridgeTest, FramesToTheirOwnPortAreFiltered) {
  from_wire(frame(kX, kBroadcast, 10, 1));
  (void)to_vm(1);
  (void)to_vm(2);
  from_wire(frame(kY, kX, 10, 2));  // X is behind the uplink too: nothing to forward
  expect_quiet();
  EXPECT_EQ(br->stats().filtered, 1u);
  EXPECT_EQ(br->flow_count(), 0u);
}

TEST_F(BridgeTest, TunnelledFramesAreDroppedCountedNotLooped) {
  // The NIC keys a tunnelled frame on its inner headers: no bridge rule can match it, so a
  // re-injected one would miss again and again. The bridge drops it, counted.
  from_wire(frame(kX, kBroadcast, 10, 1));
  (void)to_vm(1);
  (void)to_vm(2);
  const Bytes vxlan = model::PacketBuilder()
                          .eth({.dst = model::MacAddr::from_u64(kX),
                                .src = model::MacAddr::from_u64(kA)})
                          .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1),
                                 .dst = model::Ipv4Addr(10, 0, 0, 2)})
                          .udp({.sport = 49152})
                          .vxlan({.vni = 5})
                          .payload(frame(kA, kY, std::nullopt, 2))
                          .bytes();
  for (unsigned i = 0; i < 2; ++i) from_vm(1, vxlan);
  expect_quiet();
  EXPECT_EQ(br->stats().tunnelled, 2u);
  EXPECT_EQ(br->stats().exceptions, 3u);
  EXPECT_EQ(br->flow_count(), 0u);
}

TEST_F(BridgeTest, TcamFullForwardsInTheHostCounted) {
  // A known to every X_i: one TCAM rule per pair until the TCAM (16 rules, 4 of them the
  // delivery rules) is full; the pairs after that are forwarded by the host, each frame.
  from_vm(1, frame(kA, kBroadcast, std::nullopt, 0));
  (void)wire();
  (void)to_vm(2);
  const unsigned free_rules = drv.features().tcam_entries - 4;
  for (unsigned i = 0; i <= free_rules; ++i) {
    from_wire(frame(kX + i, kA, 10, static_cast<std::uint8_t>(i)));
    EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX + i, kA, std::nullopt,
                                                 static_cast<std::uint8_t>(i))});
  }
  EXPECT_EQ(br->flow_count(), free_rules);
  EXPECT_EQ(br->stats().offload_failed, 1u);
  EXPECT_EQ(br->stats().sw_forwarded, 1u);
  const auto seen = br->stats().exceptions;
  const std::uint64_t last = kX + free_rules;
  from_wire(frame(last, kA, 10, 99));  // the pair the NIC has no room for: the host, again
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(last, kA, std::nullopt, 99)});
  expect_quiet();
  EXPECT_EQ(br->stats().exceptions, seen + 1);
  EXPECT_EQ(br->stats().sw_forwarded, 2u);
}

TEST_F(BridgeTest, TrunkToTrunkKeepsTheTag) {
  // VNIC 3 as a trunk of VLANs 20 and 10 (a VM that tags its own frames): frames between it and
  // the uplink keep their tag, PCP included; VNIC 3 gets VLAN 10's floods tagged.
  br.reset();
  BridgeConfig c = load_bridge_config(NICSIM_BRIDGE_EXAMPLE);
  c.ports[3] = trunk(3, {20, 10});
  br = std::make_unique<Bridge>(drv, ft, c);
  br->bring_up();
  const auto tagged = [](std::uint64_t smac, std::uint64_t dmac, std::uint16_t vid,
                         std::uint8_t pcp, std::uint8_t n) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
        .vlan({.vid = vid, .pcp = pcp})
        .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = model::Ipv4Addr(10, 0, 0, 2)})
        .udp({.sport = 1000, .dport = 2000})
        .payload(32, n)
        .bytes();
  };
  from_wire(tagged(kX, kBroadcast, 10, 5, 1));
  EXPECT_EQ(to_vm(3), std::vector<Bytes>{tagged(kX, kBroadcast, 10, 5, 1)});
  EXPECT_EQ(to_vm(1), std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 1)});
  EXPECT_EQ(to_vm(2), std::vector<Bytes>{frame(kX, kBroadcast, std::nullopt, 1)});
  for (std::uint8_t n = 2; n < 5; ++n) {  // the first by re-injection, then by the NIC
    from_vm(3, tagged(kC, kX, 10, 3, n));
    EXPECT_EQ(wire(), std::vector<Bytes>{tagged(kC, kX, 10, 3, n)});
  }
  expect_quiet();
  EXPECT_EQ(br->port_of(10, test::mac(kC)), 3u);
  EXPECT_EQ(br->flow_count(), 1u);
  EXPECT_EQ(br->stats().exceptions, 2u);
}

TEST_F(BridgeTest, FlowsFlushedByAnotherOwnerAreInstalledAgain) {
  from_wire(frame(kX, kBroadcast, 10, 1));
  from_vm(1, frame(kA, kX, std::nullopt, 2));
  (void)wire();
  (void)to_vm(1);
  (void)to_vm(2);
  ASSERT_EQ(br->flow_count(), 1u);
  ASSERT_TRUE(ft.flush().ok());  // every flow of the table, the bridge's included
  // The pair's next frame misses: forwarded through a flow installed again, not re-injected
  // round and round through the one that is gone.
  from_vm(1, frame(kA, kX, std::nullopt, 3));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, 3)});
  EXPECT_EQ(br->stats().installed, 2u);
  EXPECT_EQ(br->stats().exceptions, 3u);
  from_vm(1, frame(kA, kX, std::nullopt, 4));
  EXPECT_EQ(wire(), std::vector<Bytes>{frame(kA, kX, 10, 4)});
  EXPECT_EQ(br->stats().exceptions, 3u);
  expect_quiet();
}

TEST(BridgeConfigCheck, RefusesWhatTheNicCannotRun) {
  auto world = test::make_world();
  Driver drv = Driver::probe(world->device());
  FlowTable ft(drv);
  const auto refused = [&](std::vector<PortConfig> ports, const char* what) {
    BridgeConfig c;
    c.ports = std::move(ports);
    try {
      Bridge b(drv, ft, c);
      ADD_FAILURE() << "accepted: " << what;
    } catch (const BridgeError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  refused({access(9, 10)}, "the NIC has vports 0");
  refused({access(1, 10), access(1, 20)}, "listed twice");
  refused({access(1, 4002)}, "is a select VID");
  refused({trunk(1, {20, 4003})}, "is a select VID");
  refused({trunk(1, {20, 20})}, "a VLAN listed twice");
  PortConfig both = access(1, 10);
  both.trunk = {20};
  refused({both}, "either an access VLAN");
  PortConfig none;
  none.vport = 1;
  refused({none}, "either an access VLAN");
  refused({}, "no ports");
}

}  // namespace
}  // namespace nicsim::host::bridge
