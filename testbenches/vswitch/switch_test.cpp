// SPDX-License-Identifier: MIT
// The switch end to end on the NIC (switch.hpp), in the host suite's world (the driver on the
// golden model; the same tests run on the Verilated NIC, testbenches/vswitch/CMakeLists.txt):
// frames from a VM's transmit queue and from the wire, the NIC's misses on the exception ring,
// the switch's offload, re-injection and software fast path, and what comes out on the wire
// and in the VM's receive queue, compared with frames built here from the spec (Ethernet, IPv4
// with its checksum, UDP, VXLAN written byte by byte), not by the code under test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/host/vswitch/dash.hpp"
#include "nicsim/host/vswitch/frame_rule.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/host/vswitch/policy_file.hpp"
#include "vm_frame.hpp"

namespace nicsim::host::vswitch {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::kMacVnic1;
using test::kMacVnic2;

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
IpPrefix pfx(const char* s) { return *IpPrefix::parse(s); }

constexpr std::uint64_t kUnderlayMac = 0x0a0000000001, kNextHop = 0x0a00000000fe;
constexpr std::uint64_t kRemoteVmMac = 0x0200000000b2;
constexpr unsigned kVni = 100;
constexpr std::uint64_t kSec = 1'000'000'000ull;

/// A TCP segment between any two hosts (NAT's frames on either side of the translation).
Bytes tcp(std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
          std::uint16_t sport, std::uint16_t dport, std::uint8_t flags) {
  return model::PacketBuilder()
      .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
      .ipv4({.src = *model::Ipv4Addr::parse(sip), .dst = *model::Ipv4Addr::parse(dip)})
      .tcp({.sport = sport, .dport = dport, .flags = flags})
      .payload(40)
      .bytes();
}

void put(Bytes& b, std::uint64_t v, unsigned n) {
  for (unsigned i = n; i-- > 0;) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_mac(Bytes& b, std::uint64_t m) { put(b, m, 6); }
std::uint32_t v4(const char* s) { return model::Ipv4Addr::parse(s)->value(); }

enum class Tun { kVxlan, kNvgre, kGeneve };

/// Spec 5.5 by hand: what the NIC sends for `inner` (already rewritten) in tunnel `t` with VNI
/// (NVGRE: VSID) `vni` from `sip` to `dip`, the UDP source port (NVGRE: the FlowID) from h1 of
/// the received frame's key.
Bytes tunnel4(Tun t, const Bytes& inner, const char* sip, const char* dip, std::uint32_t vni,
              std::uint32_t h1) {
  const bool nvgre = t == Tun::kNvgre;
  Bytes b;
  put_mac(b, kNextHop);
  put_mac(b, kUnderlayMac);
  put(b, 0x0800, 2);
  const std::size_t ip0 = b.size();
  put(b, 0x4500, 2);
  put(b, (nvgre ? 28 : 36) + inner.size(), 2);  // total length
  put(b, 0, 2);                                 // ID
  put(b, 0x4000, 2);                            // DF
  put(b, 64 * 256 + (nvgre ? 47 : 17), 2);      // TTL 64, GRE or UDP
  put(b, 0, 2);                                 // checksum, below
  put(b, v4(sip), 4);
  put(b, v4(dip), 4);
  std::uint32_t sum = 0;
  for (std::size_t i = ip0; i < ip0 + 20; i += 2) sum += (b[i] << 8) | b[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  b[ip0 + 10] = static_cast<std::uint8_t>(~sum >> 8);
  b[ip0 + 11] = static_cast<std::uint8_t>(~sum);
  if (nvgre) {
    put(b, 0x2000, 2);                     // K
    put(b, 0x6558, 2);                     // Ethernet inside
    put(b, vni << 8 | (h1 & 0xFF), 4);     // VSID, FlowID
  } else {
    put(b, 0xC000 | (h1 & 0x3FFF), 2);     // UDP source port
    put(b, t == Tun::kGeneve ? 6081 : 4789, 2);
    put(b, 16 + inner.size(), 2);
    put(b, 0, 2);                          // no checksum
    put(b, t == Tun::kGeneve ? 0x00006558 : 0x08000000, 4);  // Geneve: version, lengths,
    put(b, vni << 8, 4);                                     // protocol; VXLAN: flags
  }
  b.insert(b.end(), inner.begin(), inner.end());
  return b;
}

Bytes vxlan4(const Bytes& inner, const char* sip, const char* dip, std::uint32_t vni,
             std::uint32_t h1) {
  return tunnel4(Tun::kVxlan, inner, sip, dip, vni, h1);
}

/// h1 of a frame's flow key (spec 4.1) as received from `vport`.
std::uint32_t h1_of(const Bytes& f, unsigned vport) {
  const model::FlowKey k = model::flow_key_of(f, static_cast<std::uint8_t>(vport));
  return model::crc32c(k);
}

Bytes with_dmac(Bytes f, std::uint64_t dmac) {
  for (unsigned i = 0; i < 6; ++i) f[i] = static_cast<std::uint8_t>(dmac >> (8 * (5 - i)));
  return f;
}

/// A VXLAN packet from the underlay to this host.
Bytes from_wire(const Bytes& inner, const char* outer_sip, const char* outer_dip, std::uint32_t vni) {
  return model::PacketBuilder()
      .eth({.dst = model::MacAddr::from_u64(kUnderlayMac), .src = model::MacAddr::from_u64(kNextHop)})
      .ipv4({.src = *model::Ipv4Addr::parse(outer_sip), .dst = *model::Ipv4Addr::parse(outer_dip)})
      .udp({.sport = 49152})
      .vxlan({.vni = vni})
      .payload(inner)
      .bytes();
}

/// An ACL group `name` that permits everything but what `deny` matches (which it denies first).
std::shared_ptr<AclGroup> allow_all_but(const char* name, AclRule deny) {
  auto g = std::make_shared<AclGroup>(name);
  AclRule allow;
  allow.name = "allow-all";
  allow.priority = 10;
  allow.action = AclAction::kPermit;
  deny.priority = 1;
  deny.action = AclAction::kDeny;
  EXPECT_FALSE(g->add(allow));
  EXPECT_FALSE(g->add(deny));
  return g;
}

class SwitchTest : public test::HostTest {
 protected:
  SwitchTest() : policy(ip("10.1.0.1"), ip("10.1.0.1")), ft(drv) {
    vnic(1, 0, 1);
    vnic(2, 1, 1);
    Vnet& vn = policy.vnet(1);
    vn.vni = kVni;
    vn.mappings[ip("10.0.0.2")] = {ip("10.2.0.2"), model::MacAddr::from_u64(kRemoteVmMac)};
    vn.mappings[ip("10.0.0.3")] = {ip("10.2.0.3"), model::MacAddr::from_u64(kRemoteVmMac + 1)};
    vn.valid_pas = {ip("10.2.0.2"), ip("10.2.0.3")};
    Eni& e = policy.eni(1);
    e.mac = model::MacAddr::from_u64(kMacVnic1);
    e.vnet = 1;
    e.vport = 1;
    e.routes.insert(pfx("10.0.0.0/16"), {RouteType::kVnet});
    e.routes.insert(pfx("10.9.0.0/16"), {RouteType::kDrop});
    e.routes.insert(pfx("0.0.0.0/0"), {RouteType::kDirect});
    e.inbound_routes.push_back({.vni = kVni, .sip = pfx("0.0.0.0/0"), .pa_validate = true,
                                .src_vnet = 1});
    Eni& e2 = policy.eni(2);
    e2.mac = model::MacAddr::from_u64(kMacVnic2);
    e2.vnet = 1;
    e2.vport = 2;
  }

  void start(SwitchConfig c = {}) {
    c.underlay_mac = test::mac(kUnderlayMac);
    c.underlay_next_hop = test::mac(kNextHop);
    c.host_txq = 0;
    c.exception_ring.size_log2 = 6;
    c.exception_ring.buf_size = 2048;
    sw = std::make_unique<Switch>(drv, ft, policy, c);
    sw->bring_up();
    vm_tx = std::make_unique<TxQueue>(drv, 1, TxQueueConfig{.size_log2 = 6, .vport = 1});
    rx1 = std::make_unique<RxQueue>(drv, 0, RxQueueConfig{.size_log2 = 6});
  }

  /// The VM on vport 1 sends `f`; the switch serves the exception ring; returns what the wire
  /// got.
  std::vector<Bytes> send_from_vm(const Bytes& f, std::uint64_t now = kSec) {
    EXPECT_TRUE(vm_tx->send(f));
    served = serve(now);
    vm_tx->reap();
    return wire();
  }
  /// Lets the switch serve the exception ring until it is empty (what it re-injects or sends
  /// may bring more: the NIC's copies of re-injected SYNs); returns the misses it handled (the
  /// frames that were not the NIC's TCP control or mirror copies).
  std::size_t serve(std::uint64_t now = kSec) {
    const auto misses = [&] {
      return sw->stats().exceptions - sw->stats().tcp_ctl_copies - sw->stats().mirror_copies;
    };
    const std::uint64_t before = misses();
    w.settle();
    while (sw->service(now) != 0) w.settle();
    w.settle();
    return misses() - before;
  }
  std::vector<Bytes> wire() {
    std::vector<Bytes> out;
    while (auto f = w.wire_tx()) out.push_back(f->data);
    return out;
  }
  std::vector<Bytes> to_vm1() {
    std::vector<Bytes> out;
    for (const RxPacket& p : rx1->poll()) out.push_back(p.bytes);
    return out;
  }

  void TearDown() override {
    if (sw) sw->flush();
    HostTest::TearDown();
  }

  Pipeline policy;
  FlowTable ft;
  std::unique_ptr<Switch> sw;
  std::unique_ptr<TxQueue> vm_tx;
  std::unique_ptr<RxQueue> rx1;
  std::size_t served = 0;
};

TEST_F(SwitchTest, RuleSetsPerVmBecomeNicFlowsHitInTheNicMissToTheHost) {
  start();
  const Bytes syn = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80);
  const Bytes want = vxlan4(with_dmac(syn, kRemoteVmMac), "10.1.0.1", "10.2.0.2", kVni,
                            h1_of(syn, 1));
  EXPECT_EQ(send_from_vm(syn), std::vector<Bytes>{want});  // the first frame, re-injected
  EXPECT_EQ(served, 1u);
  EXPECT_EQ(sw->stats().installed, 1u);
  EXPECT_EQ(sw->stats().reinjected, 1u);
  EXPECT_EQ(sw->encap_templates_used(), 1u);
  // The next frames of the connection stay in the NIC.
  const Bytes ack = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80, false,
                             model::tcpflag::kAck);
  const Bytes want2 = vxlan4(with_dmac(ack, kRemoteVmMac), "10.1.0.1", "10.2.0.2", kVni,
                             h1_of(ack, 1));
  EXPECT_EQ(send_from_vm(ack), std::vector<Bytes>{want2});
  EXPECT_EQ(served, 0u);
  // The host saw the miss, and the NIC's copy of the re-injected SYN (the flow copies its
  // connection's SYN, FIN and RST); not the ACK.
  EXPECT_EQ(sw->stats().exceptions, 2u);
  EXPECT_EQ(sw->stats().tcp_ctl_copies, 1u);
  EXPECT_EQ(drv.stats().em_hits, 2u);
}

TEST_F(SwitchTest, SoftwareFastPathSendsTheBytesTheNicWould) {
  start({.offload = false});
  for (std::uint16_t port = 1000; port < 1003; ++port) {
    const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.3", port, 443, true);
    const Bytes want = vxlan4(with_dmac(f, kRemoteVmMac + 1), "10.1.0.1", "10.2.0.3", kVni,
                              h1_of(f, 1));
    EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{want});
    EXPECT_EQ(served, 1u);
  }
  // A second frame of a cached connection: a hit in the host's cache, again through software.
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.3", 1000, 443, true);
  EXPECT_EQ(send_from_vm(f).size(), 1u);
  EXPECT_EQ(sw->stats().sw_forwarded, 4u);
  EXPECT_EQ(sw->stats().installed, 0u);
  EXPECT_EQ(sw->cache().stats().hits, 1u);
}

TEST_F(SwitchTest, WithoutEncapTemplatesLeftFlowsStayInSoftware) {
  start();
  // One tunnel destination per mapping: as many as the NIC has templates, and one more.
  const unsigned templates = drv.features().num_encap - 1;
  for (unsigned i = 0; i <= templates; ++i) {
    const std::string ca = "10.0.1." + std::to_string(i + 1);
    const std::string pa = "10.3.0." + std::to_string(i + 1);
    policy.vnet(1).mappings[ip(ca.c_str())] = {ip(pa.c_str()), model::MacAddr::from_u64(kRemoteVmMac)};
  }
  sw->policy_changed();
  for (unsigned i = 0; i <= templates; ++i) {
    const std::string ca = "10.0.1." + std::to_string(i + 1);
    const std::string pa = "10.3.0." + std::to_string(i + 1);
    const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", ca.c_str(), 5000, 53, true);
    const Bytes want = vxlan4(with_dmac(f, kRemoteVmMac), "10.1.0.1", pa.c_str(), kVni,
                              h1_of(f, 1));
    EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{want}) << i;
  }
  EXPECT_EQ(sw->stats().installed, templates);
  EXPECT_EQ(sw->stats().encap_full, 1u);
  EXPECT_EQ(sw->stats().sw_forwarded, 1u);
  {  // The connection that found no template stays in software: not counted again per packet.
    const std::string ca = "10.0.1." + std::to_string(templates + 1);
    const Bytes again = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", ca.c_str(), 5000, 53, true);
    EXPECT_EQ(send_from_vm(again).size(), 1u);
    EXPECT_EQ(sw->stats().encap_full, 1u);
    EXPECT_EQ(sw->stats().sw_forwarded, 2u);
  }
  EXPECT_EQ(sw->encap_templates_used(), templates);
  // Two flows to one destination share its template.
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.1.1", 5001, 53, true);
  EXPECT_EQ(send_from_vm(f).size(), 1u);
  EXPECT_EQ(sw->stats().installed, templates + 1);
  // Flows removed give their templates back.
  sw->flush();
  EXPECT_EQ(sw->encap_templates_used(), 0u);
}

TEST_F(SwitchTest, NicForwardsStraightIntoTheVmsRings) {
  start();
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, false,
                               model::tcpflag::kSyn);
  const Bytes pkt = from_wire(inner, "10.2.0.2", "10.1.0.1", kVni);
  w.wire_rx(pkt);
  w.settle();
  EXPECT_EQ(serve(), 1u);
  w.settle();
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{inner});
  // The same flow again: the NIC decapsulates it alone.
  w.wire_rx(pkt);
  w.settle();
  EXPECT_EQ(serve(), 0u);
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{inner});
  // The VM's reply (the other direction of the connection) is offloaded too.
  const Bytes reply = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80, false,
                               model::tcpflag::kSyn | model::tcpflag::kAck);
  EXPECT_EQ(send_from_vm(reply).size(), 1u);
  EXPECT_EQ(sw->stats().installed, 2u);
  EXPECT_EQ(sw->cache().size(), 1u);  // one connection, both directions
}

// The overlay's other tunnels: NVGRE (the VSID is the VNI the inbound routing entry matches)
// and Geneve from the wire are decapsulated to the VM like VXLAN, by the NIC after the first.
TEST_F(SwitchTest, NvgreAndGeneveFromTheWireAreDecapsulatedToTheVm) {
  start();
  const auto outer = [](model::PacketBuilder b) {
    return b.eth({.dst = model::MacAddr::from_u64(kUnderlayMac),
                  .src = model::MacAddr::from_u64(kNextHop)});
  };
  std::uint16_t port = 1000;
  for (const bool nvgre : {true, false}) {
    SCOPED_TRACE(nvgre ? "NVGRE" : "Geneve");
    const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, ++port,
                                 false, model::tcpflag::kAck);
    model::PacketBuilder b = outer(model::PacketBuilder());
    b.ipv4({.src = *model::Ipv4Addr::parse("10.2.0.2"), .dst = *model::Ipv4Addr::parse("10.1.0.1")});
    if (nvgre) {
      b.nvgre(kVni, 7);
    } else {
      b.udp({.sport = 49152, .dport = 6081}).geneve({.vni = kVni, .protocol = 0x6558});
    }
    const Bytes pkt = b.payload(inner).bytes();
    for (int i = 0; i < 2; ++i) {
      w.wire_rx(pkt);
      w.settle();
      EXPECT_EQ(serve(), i == 0 ? 1u : 0u) << "the second one stays in the NIC";
      w.settle();
      EXPECT_EQ(to_vm1(), std::vector<Bytes>{inner});
    }
  }
  // From an underlay source whose PA is not valid: dropped, whatever the tunnel.
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 2000);
  model::PacketBuilder b = outer(model::PacketBuilder());
  b.ipv4({.src = *model::Ipv4Addr::parse("10.2.0.99"), .dst = *model::Ipv4Addr::parse("10.1.0.1")});
  w.wire_rx(b.nvgre(kVni).payload(inner).bytes());
  w.settle();
  EXPECT_EQ(serve(), 1u);
  w.settle();
  EXPECT_TRUE(to_vm1().empty());
  EXPECT_EQ(sw->stats().policy_drops, 1u);
}

TEST_F(SwitchTest, InboundWithoutPaValidationOrToTheWrongVipIsDropped) {
  start();
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234);
  w.wire_rx(from_wire(inner, "10.7.7.7", "10.1.0.1", kVni));  // not a valid PA
  w.wire_rx(from_wire(inner, "10.2.0.2", "10.1.0.9", kVni));  // not the VIP
  w.settle();
  EXPECT_EQ(serve(), 2u);
  w.settle();
  EXPECT_TRUE(to_vm1().empty());
  EXPECT_EQ(sw->stats().policy_drops, 2u);
}

TEST_F(SwitchTest, PolicyDropsAreOffloadedAsDrops) {
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.9.1.1", 1234, 80);
  EXPECT_TRUE(send_from_vm(f).empty());
  EXPECT_EQ(sw->stats().policy_drops, 1u);
  EXPECT_EQ(sw->stats().installed, 1u);
  EXPECT_TRUE(send_from_vm(f).empty());
  EXPECT_EQ(served, 0u);  // dropped by the NIC
  EXPECT_EQ(drv.stats().drop_flow, 1u);
}

TEST_F(SwitchTest, DirectRouteGoesToTheUnderlayUnchanged) {
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1234, 80);
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{f});
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{f});
  EXPECT_EQ(served, 0u);
}

TEST_F(SwitchTest, APolicyChangeReplacesOffloadedFlowsAndLeavesNoStaleAction) {
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80, true);
  ASSERT_EQ(send_from_vm(f).size(), 1u);
  // The VM moved: its mapping points to another PA.
  policy.vnet(1).mappings[ip("10.0.0.2")].underlay_ip = ip("10.2.9.9");
  EXPECT_EQ(sw->policy_changed(), 1u);
  EXPECT_EQ(sw->stats().replaced, 1u);
  const Bytes want = vxlan4(with_dmac(f, kRemoteVmMac), "10.1.0.1", "10.2.9.9", kVni, h1_of(f, 1));
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{want});
  EXPECT_EQ(served, 0u);  // the NIC's entry was replaced, not left to miss
  EXPECT_EQ(sw->encap_templates_used(), 1u);  // the old destination's template was given back
  // An ACL now denies it: the NIC drops it.
  AclRule deny;
  deny.name = "deny-vm2";
  deny.dst = {pfx("10.0.0.2/32")};
  policy.eni(1).outbound_acl.set(0, allow_all_but("out", deny));
  EXPECT_EQ(sw->policy_changed(), 1u);
  EXPECT_TRUE(send_from_vm(f).empty());
  EXPECT_EQ(served, 0u);
  // A change that does not touch the flow leaves its entry alone.
  policy.vnet(1).mappings[ip("10.0.0.77")] = {ip("10.2.0.77"), model::MacAddr::from_u64(1)};
  EXPECT_EQ(sw->policy_changed(), 0u);
}

TEST_F(SwitchTest, IdleFlowsAgeOutOfTheNicAndActiveOnesStay) {
  start();
  const Bytes a = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 7000, 53, true);
  const Bytes b = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 7001, 53, true);
  send_from_vm(a, 0);
  send_from_vm(b, 0);
  EXPECT_EQ(sw->offloaded(), 2u);
  const std::uint64_t t = ConnTimeouts{}.udp_unreplied;
  // `a` carries packets in the NIC only; the switch sees them through the flow's counters.
  send_from_vm(a, t / 2);
  EXPECT_EQ(sw->expire(t / 2), 0u);
  EXPECT_EQ(sw->stats().touched, 1u);
  EXPECT_EQ(sw->expire(t + 1), 1u);  // b: idle since 0
  EXPECT_EQ(sw->offloaded(), 1u);
  EXPECT_EQ(sw->stats().removed, 1u);
  // b's next packet misses again and is set up anew.
  send_from_vm(b, t + 2);
  EXPECT_EQ(served, 1u);
  EXPECT_EQ(sw->offloaded(), 2u);
}

// Aging reads the counters of all offloaded flows in bulk (the flow-command ring's EM_ACTIVITY),
// not with a register round trip per flow: on the model backend, whose device counts them, the
// register accesses of an expire() stay a handful however many flows there are.
TEST_F(SwitchTest, AgingReadsTheNicsCountersInBulk) {
  start();
  constexpr unsigned kFlows = 40;
  for (unsigned i = 0; i < kFlows; ++i) {
    send_from_vm(vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2",
                          static_cast<std::uint16_t>(8000 + i), 53, true),
                 0);
  }
  ASSERT_EQ(sw->offloaded(), kFlows);
  // Half of them carry packets in the NIC.
  for (unsigned i = 0; i < kFlows; i += 2) {
    send_from_vm(vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2",
                          static_cast<std::uint16_t>(8000 + i), 53, true),
                 1);
  }
  const auto* md = dynamic_cast<const ModelDevice*>(&w.device());
  const auto accesses = [&] { return md ? md->mmio_reads() + md->mmio_writes() : 0; };
  const std::uint64_t before = accesses();
  EXPECT_EQ(sw->expire(1), 0u);
  EXPECT_EQ(sw->stats().touched, kFlows / 2);
  if (md != nullptr) {
    EXPECT_LT(accesses() - before, 16u) << "per flow it would be ~8 each";
  }
  EXPECT_EQ(sw->expire(ConnTimeouts{}.udp_unreplied + 1), kFlows / 2) << "the idle half";
  EXPECT_EQ(sw->offloaded(), kFlows / 2);
}

TEST_F(SwitchTest, MeterBucketsBillSoftwareAndOffloadedPacketsAlike) {
  policy.eni(1).routes.insert(pfx("10.0.0.2/32"), {RouteType::kVnet, 0, {}, 7});
  for (const bool offload : {true, false}) {
    SCOPED_TRACE(offload ? "offloaded" : "software");
    sw.reset();  // a switch that goes takes its NIC entries with it
    vm_tx.reset();
    rx1.reset();
    start({.offload = offload});
    const MeterCounters before = policy.meter_bucket(1, 7);
    const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2",
                             offload ? 3000 : 3001, 53, true);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(send_from_vm(f, kSec).size(), 1u);
    (void)sw->expire(kSec);  // reads the NIC's counters of offloaded flows
    const MeterCounters m = policy.meter_bucket(1, 7);
    EXPECT_EQ(m.outbound_packets - before.outbound_packets, 3u);
    EXPECT_EQ(m.outbound_bytes - before.outbound_bytes, 3 * f.size());  // the VM's frame
    EXPECT_EQ(m.inbound_packets, 0u);
  }
}

// An offloaded tunnelled flow bills the overlay bytes (what it received less the tunnel), also
// after a policy change replaced its NIC entry (the replacement used to forget the tunnel's
// bytes and bill them as overlay).
TEST_F(SwitchTest, AReplacedTunnelledFlowStillBillsOverlayBytes) {
  policy.eni(1).inbound_routes[0].meter_class_or = 9;
  policy.mirror_session(1) = {ip("10.5.0.9"), 900};
  start();
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, true);
  const Bytes pkt = from_wire(inner, "10.2.0.2", "10.1.0.1", kVni);
  const auto receive = [&](int n) {
    for (int i = 0; i < n; ++i) {
      w.wire_rx(pkt);
      w.settle();
      serve();
    }
    EXPECT_EQ(to_vm1().size(), static_cast<std::size_t>(n));
  };
  receive(2);  // the first misses (software's bill), the second is the NIC's
  // A change of the flow's effect (now mirrored): its NIC entry is replaced.
  policy.eni(1).mirror.push_back({.session = 1, .direction = Direction::kInbound});
  ASSERT_EQ(sw->policy_changed(), 1u);
  (void)wire();
  receive(3);
  (void)wire();  // the mirror copies
  (void)sw->expire(kSec);
  const MeterCounters m = policy.meter_bucket(1, 9);
  EXPECT_EQ(m.inbound_packets, 5u);
  EXPECT_EQ(m.inbound_bytes, 5 * inner.size());
}

// A tunnel type no template can build (plain GRE, set by a program: no front-end makes one) is
// a counted drop, never a VXLAN frame by mistake.
TEST_F(SwitchTest, AnEncapInAnUnsupportedTunnelIsDroppedAndCounted) {
  policy.vnet(1).mappings[ip("10.0.0.8")] = {.underlay_ip = ip("10.2.0.8"),
                                             .overlay_mac = model::MacAddr::from_u64(8),
                                             .encap = model::TunnelType::kGre};
  start();
  EXPECT_TRUE(send_from_vm(vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.8", 1, 2, true))
                  .empty());
  EXPECT_EQ(sw->stats().encap_unsupported, 1u);
  EXPECT_EQ(sw->stats().mixed_underlay, 0u);
}

TEST_F(SwitchTest, AnEncapBetweenTwoAddressFamiliesIsDroppedAndCounted) {
  start();
  policy.vnet(1).mappings[ip("10.0.0.9")] = {ip("fd00::9"), model::MacAddr::from_u64(9)};
  (void)sw->policy_changed();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.9", 1, 2, true);
  EXPECT_TRUE(send_from_vm(f).empty());
  EXPECT_EQ(sw->stats().mixed_underlay, 1u);
  EXPECT_EQ(sw->stats().policy_drops, 1u);
}

// DASH's appliance: ENI 3's VM is remote (no VNIC); its outbound traffic comes as VXLAN with a
// VNI the direction lookup says is outbound, sent to this host's VIP. The NIC takes the received
// tunnel off and encapsulates the frame again, from the VIP to the peer's PA.
TEST_F(SwitchTest, ApplianceOutboundIsDecapsulatedAndEncapsulatedAgainInTheNic) {
  constexpr std::uint64_t kRemoteEniMac = 0x0200000000c3;
  Eni& e = policy.eni(3);
  e.mac = model::MacAddr::from_u64(kRemoteEniMac);
  e.vnet = 1;
  e.vport = 0;
  e.vm_underlay_ip = ip("10.5.0.5");
  e.vm_vni = 4000;
  e.routes.insert(pfx("10.0.0.0/16"), {RouteType::kVnet});
  policy.set_direction(4000, Direction::kOutbound);
  start();
  const Bytes inner = vm_frame(kRemoteEniMac, 0x0200000000fe, "10.0.3.3", "10.0.0.2", 999, 80);
  const Bytes pkt = from_wire(inner, "10.5.0.5", "10.1.0.1", 4000);
  const Bytes want = vxlan4(with_dmac(inner, kRemoteVmMac), "10.1.0.1", "10.2.0.2", kVni,
                            h1_of(pkt, 0));
  for (int i = 0; i < 2; ++i) {
    w.wire_rx(pkt);
    w.settle();
    EXPECT_EQ(serve(), i == 0 ? 1u : 0u);  // the second one stays in the NIC
    w.settle();
    EXPECT_EQ(wire(), std::vector<Bytes>{want}) << i;
  }
  EXPECT_EQ(sw->stats().installed, 1u);
}

// Source NAT (NAPT) of a VM's connections to the underlay: the frame leaves from the public
// address and a port of the range, as the host (its MACs); the reply comes back to the VM with its
// own address and port; a range with no port left refuses the next connection (counted).
// Expected frames are built by the packet builder with the translated fields (checksums computed
// from scratch: the NIC's incremental updates must agree).
TEST_F(SwitchTest, PrivateSubnetBehindNatToThePhysicalAddress) {
  policy.eni(1).snat = Snat{ip("10.1.0.1"), PortRange{20000, 20001}};
  start();
  using model::tcpflag::kAck;
  using model::tcpflag::kSyn;
  const Bytes syn = tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1234, 80, kSyn);
  EXPECT_EQ(send_from_vm(syn), std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1",
                                                       "192.0.2.7", 20000, 80, kSyn)});
  // The server's answer, to the public address and port.
  const Bytes synack = tcp(kNextHop, kUnderlayMac, "192.0.2.7", "10.1.0.1", 80, 20000, kSyn | kAck);
  for (int i = 0; i < 2; ++i) {
    w.wire_rx(synack);
    w.settle();
    EXPECT_EQ(serve(), i == 0 ? 1u : 0u) << "the second answer stays in the NIC";
    w.settle();
    EXPECT_EQ(to_vm1(), std::vector<Bytes>{tcp(kNextHop, kMacVnic1, "192.0.2.7", "10.0.0.1", 80,
                                               1234, kSyn | kAck)});
  }
  // A second connection takes the range's other port; a third finds none.
  const Bytes syn2 = tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1235, 80, kSyn);
  EXPECT_EQ(send_from_vm(syn2), std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1",
                                                        "192.0.2.7", 20001, 80, kSyn)});
  const Bytes syn3 = tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.8", 1236, 80, kSyn);
  EXPECT_TRUE(send_from_vm(syn3).empty());
  EXPECT_EQ(sw->cache().stats().nat_bound, 2u);
  EXPECT_EQ(sw->cache().stats().nat_refused, 1u);
  // Nobody asked for this one: unsolicited traffic to the public address is dropped.
  w.wire_rx(tcp(kNextHop, kUnderlayMac, "192.0.2.9", "10.1.0.1", 80, 20000, kSyn | kAck));
  w.settle();
  EXPECT_EQ(serve(), 1u);
  w.settle();
  EXPECT_TRUE(to_vm1().empty());
  // When the connections age out, their ports are free again.
  (void)sw->expire(kSec + ConnTimeouts{}.tcp_established + 1);
  EXPECT_EQ(send_from_vm(syn3, 2 * ConnTimeouts{}.tcp_established).size(), 1u);
}

TEST_F(SwitchTest, GatewayToNonVirtualizedHostsTranslatesAddresses) {
  policy.eni(1).snat = Snat{ip("203.0.113.5")};
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 4321, 53, true);
  const Bytes want = model::PacketBuilder()
                         .eth({.dst = model::MacAddr::from_u64(kNextHop),
                               .src = model::MacAddr::from_u64(kUnderlayMac)})
                         .ipv4({.src = model::Ipv4Addr(203, 0, 113, 5),
                                .dst = model::Ipv4Addr(192, 0, 2, 7)})
                         .udp({.sport = 4321, .dport = 53})
                         .payload(40)
                         .bytes();
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{want});
}

// Two VMs of one tenant on this host: VM 1's packet to VM 2's address goes straight to VM 2's
// VNIC with VM 2's MAC, never to the wire (the NIC counts it as loopback).
TEST_F(SwitchTest, LoopbackVmToVmNeverReachesTheWire) {
  policy.vnet(1).mappings[ip("10.0.0.20")] = {ip("10.1.0.1"), model::MacAddr::from_u64(kMacVnic2)};
  start();
  RxQueue rx2(drv, 1, RxQueueConfig{.size_log2 = 6});
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.20", 5555, 80);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(send_from_vm(f).empty()) << "nothing on the wire";
    EXPECT_EQ(served, i == 0 ? 1u : 0u);
    w.settle();
    std::vector<Bytes> got;
    for (const RxPacket& p : rx2.poll()) got.push_back(p.bytes);
    EXPECT_EQ(got, std::vector<Bytes>{with_dmac(f, kMacVnic2)});
  }
  EXPECT_EQ(drv.stats().loopback, 2u);
}

// A tenant's subnets are routed in every host (no router VM): VM 1 (10.0.0.0/24) reaches a VM
// of the tenant's other subnet (10.0.7.0/24) on another host in one hop, encapsulated straight
// to that host with the peer's MAC.
TEST_F(SwitchTest, DistributedRouterBetweenATenantsSubnetsInEveryHost) {
  policy.vnet(1).mappings[ip("10.0.7.9")] = {ip("10.2.0.7"), model::MacAddr::from_u64(0x0200000007)};
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.7.9", 2000, 443);
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{vxlan4(with_dmac(f, 0x0200000007), "10.1.0.1",
                                                       "10.2.0.7", kVni, h1_of(f, 1))});
}

// Customer addresses of one family over provider addresses of the other: the VM's IPv6 frame
// in VXLAN over the IPv4 underlay.
TEST_F(SwitchTest, EncapsulationWithCustomerAndProviderAddresses) {
  policy.vnet(1).mappings[ip("fd00::2")] = {ip("10.2.0.2"), model::MacAddr::from_u64(kRemoteVmMac)};
  policy.eni(1).routes.insert(pfx("fd00::/64"), {RouteType::kVnet});
  start();
  const Bytes f = model::PacketBuilder()
                      .eth({.dst = model::MacAddr::from_u64(0x0200000000fe),
                            .src = model::MacAddr::from_u64(kMacVnic1)})
                      .ipv6({.src = *model::Ipv6Addr::parse("fd00::1"),
                             .dst = *model::Ipv6Addr::parse("fd00::2")})
                      .udp({.sport = 7, .dport = 7})
                      .payload(30)
                      .bytes();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{vxlan4(with_dmac(f, kRemoteVmMac), "10.1.0.1",
                                                         "10.2.0.2", kVni, h1_of(f, 1))});
  }
}

// The NIC's MAC and VLAN table: bridged VMs' frames from the wire go to their rings by
// destination MAC and VLAN (the tag removed) without the host; a frame whose VLAN is not its
// VM's is not delivered to it.
TEST_F(SwitchTest, MacAndVlanTableClassifiesReceivedFramesIntoPerVnicRings) {
  policy.eni(1).bridge = Eni::Bridge{10};
  policy.eni(2).bridge = Eni::Bridge{};
  start();
  RxQueue rx2(drv, 1, RxQueueConfig{.size_log2 = 6});
  auto frame = [](std::uint64_t dmac, std::optional<std::uint16_t> vlan) {
    model::PacketBuilder b;
    b.eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(0x0c0000000001)});
    if (vlan) b.vlan({.vid = *vlan});
    return b.ipv4({.src = model::Ipv4Addr(192, 168, 1, 9), .dst = model::Ipv4Addr(192, 168, 1, 1)})
        .udp({.sport = 9, .dport = 9})
        .payload(20)
        .bytes();
  };
  w.wire_rx(frame(kMacVnic1, 10));
  w.wire_rx(frame(kMacVnic2, std::nullopt));
  w.wire_rx(frame(kMacVnic1, 20));           // not VM 1's VLAN
  w.wire_rx(frame(kMacVnic1, std::nullopt)); // VM 1 is on VLAN 10 only
  w.settle();
  EXPECT_EQ(serve(), 2u) << "the two frames no VM takes miss to the host";
  EXPECT_EQ(sw->stats().not_routable, 2u);
  w.settle();
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{frame(kMacVnic1, std::nullopt)});
  std::vector<Bytes> got2;
  for (const RxPacket& p : rx2.poll()) got2.push_back(p.bytes);
  EXPECT_EQ(got2, std::vector<Bytes>{frame(kMacVnic2, std::nullopt)});
  // A policy change that unbridges VM 2 removes its rule.
  policy.eni(2).bridge.reset();
  (void)sw->policy_changed();
  w.wire_rx(frame(kMacVnic2, std::nullopt));
  w.settle();
  EXPECT_EQ(serve(), 1u);
}

// A policy change invalidates a connection's offloaded flows in both directions: the VM's ENI
// goes down, and neither its outbound nor its inbound flow may keep forwarding.
TEST_F(SwitchTest, AnEniGoingDownInvalidatesBothDirectionsOfItsFlows) {
  start();
  const Bytes out = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80);
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, false,
                               model::tcpflag::kSyn | model::tcpflag::kAck);
  const Bytes in = from_wire(inner, "10.2.0.2", "10.1.0.1", kVni);
  ASSERT_EQ(send_from_vm(out).size(), 1u);
  w.wire_rx(in);
  w.settle();
  ASSERT_EQ(serve(), 1u);
  w.settle();
  ASSERT_EQ(to_vm1().size(), 1u);
  EXPECT_EQ(sw->offloaded(), 2u);
  policy.eni(1).admin_up = false;
  EXPECT_EQ(sw->policy_changed(), 2u) << "both NIC entries changed";
  EXPECT_TRUE(send_from_vm(out).empty());
  w.wire_rx(in);
  w.settle();
  EXPECT_EQ(serve(), 0u) << "dropped by the NIC, not missed";
  w.settle();
  EXPECT_TRUE(to_vm1().empty());
  EXPECT_EQ(drv.stats().drop_flow, 2u);
}

// The NIC's exact-match table has no room for a new flow: the connection is served by the
// software fast path, with the bytes the NIC would have sent, every packet through the host.
TEST_F(SwitchTest, AFullNicTableLeavesFlowsInSoftware) {
  start();
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 777, 53, true);
  const FlowRule probe = [&] {
    FlowRule r = *rule_of_frame(f, 1);
    r.actions = {ActionDrop{}};
    return r;
  }();
  // Other flows fill the table until the probe's two buckets are full.
  std::uint32_t n = 0;
  for (;;) {
    auto pf = ft.create(probe);
    if (!pf) {
      ASSERT_EQ(pf.error().type, FlowError::Type::kTableFull);
      break;
    }
    ASSERT_TRUE(ft.destroy(*pf));
    std::vector<FlowRule> fill;
    for (int k = 0; k < 64; ++k, ++n) {
      fill.push_back({{.ingress_vport = 4},
                      {ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0b000000 + n, .dst = 0x0c000001}}},
                       ItemUdp{{.spec = UdpHdr{.sport = 1, .dport = 2}}}},
                      {ActionDrop{}}});
    }
    (void)ft.create_batch(fill);
    ASSERT_LT(n, 100000u);
  }
  const Bytes want = vxlan4(with_dmac(f, kRemoteVmMac), "10.1.0.1", "10.2.0.2", kVni, h1_of(f, 1));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{want}) << i;
    EXPECT_EQ(served, 1u);
  }
  EXPECT_EQ(sw->stats().nic_full, 1u) << "tried once per connection";
  EXPECT_EQ(sw->stats().sw_forwarded, 3u);
  EXPECT_TRUE(ft.flush());
}

// opte's "TCP open and close while offloaded": after the first segments set the flows up, the
// NIC forwards the connection and copies its SYN, FIN and RST to the host, so connection
// tracking follows the handshake and the teardown and ages the closed connection out with the
// short timeout of its state, removing its NIC entries. Data segments never reach the host.
TEST_F(SwitchTest, TcpOpenAndCloseWhileOffloaded) {
  start();
  using namespace model::tcpflag;
  const auto vm = [&](std::uint8_t flags) {
    return vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 1234, 80, false, flags);
  };
  const auto peer = [&](std::uint8_t flags) {
    return from_wire(vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, false,
                              flags),
                     "10.2.0.2", "10.1.0.1", kVni);
  };
  const auto from_peer = [&](std::uint8_t flags) {
    w.wire_rx(peer(flags));
    const std::size_t m = serve();
    EXPECT_EQ(to_vm1().size(), 1u);
    return m;
  };
  ASSERT_EQ(send_from_vm(vm(kSyn)).size(), 1u);
  EXPECT_EQ(served, 1u);
  EXPECT_EQ(from_peer(kSyn | kAck), 1u) << "the inbound flow's first segment";
  ASSERT_EQ(sw->cache().connections_cached().size(), 1u);
  const std::uint64_t conn = sw->cache().connections_cached().front();
  const ConnTable& ct = sw->cache().connections();
  EXPECT_EQ(ct.state(conn), ConnState::kSynReceived);
  const std::uint64_t exceptions = sw->stats().exceptions;
  for (int i = 0; i < 5; ++i) {  // the handshake's ACK and data, both ways: the NIC alone
    EXPECT_EQ(send_from_vm(vm(kAck | kPsh)).size(), 1u);
    EXPECT_EQ(from_peer(kAck | kPsh), 0u);
  }
  EXPECT_EQ(sw->stats().exceptions, exceptions) << "no data segment reached the host";
  EXPECT_EQ(ct.state(conn), ConnState::kSynReceived) << "ACKs are not copied";
  // The teardown: each FIN is forwarded by the NIC and copied to the host.
  EXPECT_EQ(send_from_vm(vm(kFin | kAck)).size(), 1u);
  EXPECT_EQ(served, 0u);
  EXPECT_EQ(ct.state(conn), ConnState::kFinWait);
  EXPECT_EQ(from_peer(kFin | kAck), 0u);
  EXPECT_EQ(ct.state(conn), ConnState::kClosing);
  EXPECT_EQ(sw->stats().tcp_ctl_copies, 4u) << "two SYNs and two FINs";
  // Closed: it ages out with the FIN timeout, not the established one, and its flows go.
  EXPECT_EQ(sw->offloaded(), 2u);
  // (The NIC's counters show when a flow was active only to the reading's resolution: a read
  // at kSec sees the segments above as activity then.)
  EXPECT_EQ(sw->expire(kSec), 0u);
  EXPECT_EQ(sw->expire(kSec + ConnTimeouts{}.tcp_fin + 1), 1u);
  EXPECT_EQ(sw->offloaded(), 0u);
  EXPECT_EQ(ft.size(), sw->host_rules());
}

// An RST from either side closes the offloaded connection in the host's table at once.
TEST_F(SwitchTest, AResetWhileOffloadedClosesTheConnection) {
  start();
  using namespace model::tcpflag;
  ASSERT_EQ(send_from_vm(vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 9, 80)).size(),
            1u);
  const std::uint64_t conn = sw->cache().connections_cached().front();
  w.wire_rx(from_wire(vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 9, false,
                               kRst | kAck),
                      "10.2.0.2", "10.1.0.1", kVni));
  EXPECT_EQ(serve(), 1u);  // the inbound direction's first segment: a miss (no copy yet)
  EXPECT_EQ(sw->cache().connections().state(conn), ConnState::kClosed);
  EXPECT_EQ(sw->expire(kSec + ConnTimeouts{}.tcp_closed + 1), 1u);
  EXPECT_EQ(sw->offloaded(), 0u);
}

// Destination NAT (port forwarding): a connection from the underlay to the public address and
// port reaches the VM's own address and port; the VM's replies leave from the public side, as
// the host. Both directions offloaded; frames compared with builder-made ones.
TEST_F(SwitchTest, PortForwardingToAVm) {
  policy.eni(1).dnat.push_back({.proto = 6, .public_ip = ip("10.1.0.1"), .public_port = 8080,
                                .vm_ip = ip("10.0.0.1"), .port = 80});
  start();
  using model::tcpflag::kAck;
  using model::tcpflag::kSyn;
  for (int i = 0; i < 2; ++i) {
    w.wire_rx(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 8080, i == 0 ? kSyn : kAck));
    EXPECT_EQ(serve(), i == 0 ? 1u : 0u);
    EXPECT_EQ(to_vm1(), std::vector<Bytes>{tcp(kNextHop, kMacVnic1, "198.51.100.7", "10.0.0.1",
                                               5555, 80, i == 0 ? kSyn : kAck)});
    const Bytes reply = tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "198.51.100.7", 80, 5555,
                            i == 0 ? kSyn | kAck : kAck);
    EXPECT_EQ(send_from_vm(reply), std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1",
                                                          "198.51.100.7", 8080, 5555,
                                                          i == 0 ? kSyn | kAck : kAck)});
    EXPECT_EQ(served, i == 0 ? 1u : 0u);
  }
  EXPECT_EQ(sw->cache().size(), 1u) << "one connection, both directions";
  EXPECT_EQ(sw->offloaded(), 2u);
  // A port nothing forwards: dropped.
  w.wire_rx(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 8081, kSyn));
  EXPECT_EQ(serve(), 1u);
  EXPECT_TRUE(to_vm1().empty());
}

// A VM that tags its own frames (VLAN 42) on a direct route, served by the software fast path:
// the host port's catch-all rules take tagged frames to the wire too (none is lost).
TEST_F(SwitchTest, TaggedFramesOfTheSoftwarePathReachTheWire) {
  start({.offload = false});
  const Bytes f = model::PacketBuilder()
                      .eth({.dst = model::MacAddr::from_u64(0x0200000000fe),
                            .src = model::MacAddr::from_u64(kMacVnic1)})
                      .vlan({.vid = 42})
                      .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = model::Ipv4Addr(192, 0, 2, 9)})
                      .udp({.sport = 1, .dport = 2})
                      .payload(20)
                      .bytes();
  EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{f});
  EXPECT_EQ(sw->stats().sw_forwarded, 1u);
  EXPECT_EQ(sw->stats().other_reason, 0u);
}

// Port mirroring (VFP's, Azure's virtual network TAP): a session's collector on the underlay
// gets a VXLAN copy (the session's VNI, from this host's PA) of every packet of the VM, as the
// VM sent it or as it arrives for it (without the underlay's tunnel), whether the NIC or the
// software fast path forwards the flow.
/// A test run twice: the switch offloading to the NIC, and with every packet in software.
// Several VNICs sharing the physical address (issue 13 item 4, docs/vswitch.md "Several VNICs
// sharing the physical address"): VM 1 (10.0.0.1, vport 1) owns ports 40000-40999 of the host's
// address 10.1.0.1 and listens on 40000-40063; VM 2 (10.0.0.5, vport 2) owns 41000-41999 and
// listens on 41024-41087. The NIC's TCAM steers new connections to a listening port to its VM;
// outbound connections leave with a port of the VM's own range.
class SharedAddress : public SwitchTest {
 protected:
  SharedAddress() {
    policy.eni(1).snat = Snat{ip("10.1.0.1"), PortRange{40000, 40999}, ip("10.0.0.1"),
                              PortRange{40000, 40063}};
    Eni& e2 = policy.eni(2);
    e2.routes.insert(pfx("0.0.0.0/0"), {RouteType::kDirect});
    e2.snat = Snat{ip("10.1.0.1"), PortRange{41000, 41999}, ip("10.0.0.5"),
                   PortRange{41024, 41087}};
  }
  void start2(SwitchConfig c = {}) {
    start(c);
    vm2_tx = std::make_unique<TxQueue>(drv, 2, TxQueueConfig{.size_log2 = 6, .vport = 2});
    rx2 = std::make_unique<RxQueue>(drv, 1, RxQueueConfig{.size_log2 = 6});
  }
  /// From the wire: the switch serves what reaches the host; returns the misses it handled.
  std::size_t receive(const Bytes& f) {
    w.wire_rx(f);
    w.settle();
    return serve();
  }
  std::vector<Bytes> send_from_vm2(const Bytes& f) {
    EXPECT_TRUE(vm2_tx->send(f));
    served = serve();
    vm2_tx->reap();
    return wire();
  }
  std::vector<Bytes> to_vm2() {
    std::vector<Bytes> out;
    for (const RxPacket& p : rx2->poll()) out.push_back(p.bytes);
    return out;
  }
  static Bytes udp(std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
                   std::uint16_t sport, std::uint16_t dport) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
        .ipv4({.src = *model::Ipv4Addr::parse(sip), .dst = *model::Ipv4Addr::parse(dip)})
        .udp({.sport = sport, .dport = dport})
        .payload(30)
        .bytes();
  }
  void TearDown() override {
    vm2_tx.reset();
    rx2.reset();
    SwitchTest::TearDown();
  }
  std::unique_ptr<TxQueue> vm2_tx;
  std::unique_ptr<RxQueue> rx2;
};

TEST_F(SharedAddress, InboundSteeredByPortRangeInTheNic) {
  start2();
  using model::tcpflag::kAck;
  using model::tcpflag::kSyn;
  // One TCAM rule per protocol and prefix of each listening range (both ranges are one prefix).
  EXPECT_EQ(sw->steering_rules(1), 2u);
  EXPECT_EQ(sw->steering_rules(2), 2u);
  // A new TCP connection to VM 2's listening port: the NIC delivers it to VM 2 with its own
  // address and MAC; the host only sees the SYN's copy (no miss).
  const std::uint64_t tcam0 = drv.stats().tcam_hits;
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 41030, kSyn)),
            0u);
  EXPECT_EQ(to_vm2(), std::vector<Bytes>{tcp(kNextHop, kMacVnic2, "198.51.100.7", "10.0.0.5",
                                             5555, 41030, kSyn)});
  EXPECT_TRUE(to_vm1().empty());
  EXPECT_EQ(drv.stats().tcam_hits, tcam0 + 1);
  EXPECT_EQ(sw->stats().tcp_ctl_copies, 1u);
  // VM 2's answer leaves from the shared address and the same port (offloaded after the first).
  for (int i = 0; i < 2; ++i) {
    const std::uint8_t fl = i == 0 ? kSyn | kAck : kAck;
    EXPECT_EQ(send_from_vm2(tcp(kMacVnic2, 0x0200000000fe, "10.0.0.5", "198.51.100.7", 41030, 5555,
                                fl)),
              std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1", "198.51.100.7", 41030,
                                     5555, fl)});
    EXPECT_EQ(served, i == 0 ? 1u : 0u);
  }
  // UDP to VM 1's listening port: the NIC alone (no copy, no miss).
  const std::uint64_t exc = sw->stats().exceptions;
  EXPECT_EQ(receive(udp(kNextHop, kUnderlayMac, "198.51.100.8", "10.1.0.1", 53, 40001)), 0u);
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{udp(kNextHop, kMacVnic1, "198.51.100.8", "10.0.0.1", 53,
                                             40001)});
  EXPECT_EQ(sw->stats().exceptions, exc);
  EXPECT_TRUE(to_vm2().empty());
  // ... and VM 1's reply keeps its listening port.
  EXPECT_EQ(send_from_vm(udp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "198.51.100.8", 40001, 53)),
            std::vector<Bytes>{udp(kUnderlayMac, kNextHop, "10.1.0.1", "198.51.100.8", 40001, 53)});
  // A port of VM 1's range it does not listen on, and a port nobody owns: unsolicited, dropped
  // by the host.
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 40500, kSyn)),
            1u);
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 50000, kSyn)),
            1u);
  EXPECT_TRUE(to_vm1().empty());
  EXPECT_TRUE(to_vm2().empty());
  // The rules follow the policy: VM 2 going down takes its steering out of the NIC.
  policy.eni(2).admin_up = false;
  sw->policy_changed();
  EXPECT_EQ(sw->steering_rules(2), 0u);
  EXPECT_EQ(sw->steering_rules(1), 2u);
}

TEST_F(SharedAddress, OutboundUsesTheVnicsOwnRange) {
  start2();
  using model::tcpflag::kAck;
  using model::tcpflag::kSyn;
  // The same connection from both VMs: each gets the first port of its own range that is not
  // a listening one.
  EXPECT_EQ(send_from_vm(tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1234, 80, kSyn)),
            std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1", "192.0.2.7", 40064, 80,
                                   kSyn)});
  EXPECT_EQ(send_from_vm2(tcp(kMacVnic2, 0x0200000000fe, "10.0.0.5", "192.0.2.7", 1234, 80, kSyn)),
            std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1", "192.0.2.7", 41000, 80,
                                   kSyn)});
  // The replies reach each VM with its own address and port.
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "192.0.2.7", "10.1.0.1", 80, 40064, kSyn | kAck)),
            1u);
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{tcp(kNextHop, kMacVnic1, "192.0.2.7", "10.0.0.1", 80,
                                             1234, kSyn | kAck)});
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "192.0.2.7", "10.1.0.1", 80, 41000, kSyn | kAck)),
            1u);
  EXPECT_EQ(to_vm2(), std::vector<Bytes>{tcp(kNextHop, kMacVnic2, "192.0.2.7", "10.0.0.5", 80,
                                             1234, kSyn | kAck)});
  EXPECT_EQ(sw->cache().stats().nat_bound, 2u);
}

TEST_F(SharedAddress, OverlappingRangesRefused) {
  // VM 2's range reaching into VM 1's: refused, naming both, before the switch touches the NIC.
  policy.eni(2).snat->ports = PortRange{40900, 41999};
  try {
    policy.check_shared_addresses();
    ADD_FAILURE() << "overlap accepted";
  } catch (const SharedAddressError& e) {
    EXPECT_EQ(std::string(e.what()),
              "ENI 1: shared address 10.1.0.1: ports 40000-40999 overlap ENI 2's 40900-41999")
        << e.what();
  }
  EXPECT_THROW(start2(), SharedAddressError);
  EXPECT_EQ(ft.size(), 0u) << "nothing installed";
  // A working policy changed into a collision: refused by policy_changed, the NIC kept as it
  // was.
  policy.eni(2).snat->ports = PortRange{41000, 41999};
  sw.reset();
  start2();
  const std::size_t rules = ft.size();
  policy.eni(2).snat->ports = PortRange{40000, 41999};
  EXPECT_THROW(sw->policy_changed(), SharedAddressError);
  EXPECT_EQ(ft.size(), rules);
  // The other mistakes: port 0, listening ports outside the range, a forwarding into a range.
  policy.eni(2).snat->ports = PortRange{0, 999};
  policy.eni(2).snat->listen = PortRange{1, 64};
  EXPECT_THROW(policy.check_shared_addresses(), SharedAddressError);
  policy.eni(2).snat->ports = PortRange{41000, 41999};
  policy.eni(2).snat->listen = PortRange{42000, 42063};
  EXPECT_THROW(policy.check_shared_addresses(), SharedAddressError);
  policy.eni(2).snat->listen = PortRange{41024, 41087};
  policy.eni(1).dnat.push_back({.proto = 6, .public_ip = ip("10.1.0.1"), .public_port = 41500,
                                .vm_ip = ip("10.0.0.1"), .port = 80});
  EXPECT_THROW(policy.check_shared_addresses(), SharedAddressError);
  policy.eni(1).dnat.clear();
  EXPECT_NO_THROW(policy.check_shared_addresses());
}

TEST_F(SharedAddress, ExhaustedRangeRefusesNewConnections) {
  // VM 1's range leaves two ports beside its listening ones.
  policy.eni(1).snat->ports = PortRange{40000, 40065};
  start2();
  using model::tcpflag::kSyn;
  for (std::uint16_t i = 0; i < 2; ++i) {
    EXPECT_EQ(send_from_vm(tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1000 + i, 80,
                               kSyn)),
              std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1", "192.0.2.7", 40064 + i,
                                     80, kSyn)});
  }
  // The third is refused and counted; VM 2's range is untouched.
  EXPECT_TRUE(send_from_vm(tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1002, 80,
                               kSyn))
                  .empty());
  EXPECT_EQ(sw->cache().stats().nat_refused, 1u);
  EXPECT_GE(sw->stats().policy_drops, 1u);
  EXPECT_EQ(send_from_vm2(tcp(kMacVnic2, 0x0200000000fe, "10.0.0.5", "192.0.2.7", 1002, 80, kSyn)),
            std::vector<Bytes>{tcp(kUnderlayMac, kNextHop, "10.1.0.1", "192.0.2.7", 41000, 80,
                                   kSyn)});
}

// The NIC cannot evaluate ACL stages: an ENI with inbound ACL groups gets no steering rules, and
// the host steers its new connections through the ACL (a denied source never reaches the VM).
TEST_F(SharedAddress, AnEniWithAnInboundAclIsSteeredByTheHostThroughItsAcl) {
  AclRule deny;
  deny.name = "deny-one";
  deny.src = {pfx("198.51.100.66/32")};
  policy.eni(1).inbound_acl.set(0, allow_all_but("in", deny));
  start2();
  EXPECT_EQ(sw->steering_rules(1), 0u);
  EXPECT_EQ(sw->steering_rules(2), 2u);
  using model::tcpflag::kSyn;
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.66", "10.1.0.1", 5555, 40010, kSyn)),
            1u);
  EXPECT_TRUE(to_vm1().empty()) << "denied by the inbound ACL";
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 40010, kSyn)),
            1u);
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{tcp(kNextHop, kMacVnic1, "198.51.100.7", "10.0.0.1",
                                             5555, 40010, kSyn)});
  // The group unassigned: the NIC steers again.
  policy.eni(1).inbound_acl.set(0, nullptr);
  sw->policy_changed();
  EXPECT_EQ(sw->steering_rules(1), 2u);
}

// An IPv6 shared address: the rules match the whole 128-bit destination and rewrite it to the
// VM's IPv6 address.
TEST_F(SharedAddress, AnIpv6SharedAddressIsSteeredToo) {
  policy.eni(1).snat = Snat{ip("fd00::1"), PortRange{40000, 40999}, ip("fd00:1::1"),
                            PortRange{40000, 40063}};
  policy.eni(2).snat = Snat{ip("fd00::1"), PortRange{41000, 41999}, ip("fd00:1::5"),
                            PortRange{41024, 41087}};
  start2();
  EXPECT_EQ(sw->steering_rules(), 4u);
  const auto tcp6 = [](std::uint64_t smac, std::uint64_t dmac, const char* sip, const char* dip,
                       std::uint16_t dport) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
        .ipv6({.src = *model::Ipv6Addr::parse(sip), .dst = *model::Ipv6Addr::parse(dip)})
        .tcp({.sport = 5555, .dport = dport, .flags = model::tcpflag::kSyn})
        .payload(20)
        .bytes();
  };
  EXPECT_EQ(receive(tcp6(kNextHop, kUnderlayMac, "2001:db8::7", "fd00::1", 41030)), 0u);
  EXPECT_EQ(to_vm2(),
            std::vector<Bytes>{tcp6(kNextHop, kMacVnic2, "2001:db8::7", "fd00:1::5", 41030)});
  // Another address with the same port is not the shared one: it misses, the host drops it.
  EXPECT_EQ(receive(tcp6(kNextHop, kUnderlayMac, "2001:db8::7", "fd00::2", 41030)), 1u);
  EXPECT_TRUE(to_vm2().empty());
  EXPECT_TRUE(to_vm1().empty());
}

TEST_F(SharedAddress, AFullTcamLeavesSteeringToTheHost) {
  // Listening on 1-65534 needs 30 prefixes per protocol: more than the TCAM has left. The rules
  // are refused as a whole and counted; the host steers the connections instead.
  policy.eni(2).snat.reset();
  policy.eni(1).snat = Snat{ip("10.1.0.1"), PortRange{1, 65535}, ip("10.0.0.1"),
                            PortRange{1, 65534}};
  start2();
  EXPECT_EQ(sw->stats().steer_full, 1u);
  EXPECT_EQ(sw->steering_rules(), 0u);
  EXPECT_EQ(ft.size(), sw->host_rules()) << "no rule of the refused range left behind";
  using model::tcpflag::kSyn;
  EXPECT_EQ(receive(tcp(kNextHop, kUnderlayMac, "198.51.100.7", "10.1.0.1", 5555, 1000, kSyn)),
            1u);
  EXPECT_EQ(to_vm1(), std::vector<Bytes>{tcp(kNextHop, kMacVnic1, "198.51.100.7", "10.0.0.1",
                                             5555, 1000, kSyn)});
}

// The example of the scenario traces/scenarios/shared-address.yaml (its policy file and its
// captures) on the NIC: what its text says of each frame, worked out here from the ports. From
// the wire to 100.64.0.1: ports 64-127 to VM 1 (10.1.0.99), 8064-8191 to VM 2 (10.1.0.200), by
// the NIC alone; any other port is nobody's. VM 1's frames leave from 100.64.0.1 with a port of
// 128-4095. On the Verilated NIC (sim.*) the rules fit its 16 TCAM entries.
class SharedAddressExample : public test::HostTest {};

TEST_F(SharedAddressExample, TheScenariosTrafficIsSteeredByPort) {
  const std::string dir = std::string(NICSIM_TRACE_DIR) + "/scenarios/vswitch/";
  vnic(1, 0, 1);
  vnic(2, 1, 1);
  Policy pol = load_policy(dir + "shared-address.yaml");
  FlowTable ft(drv);
  SwitchConfig c = pol.config;
  c.exception_ring = {.size_log2 = 6, .buf_size = 2048};
  auto sw = std::make_unique<Switch>(drv, ft, *pol.pipeline, c);
  sw->bring_up();
  EXPECT_EQ(sw->steering_rules(), 4u);
  EXPECT_EQ(sw->stats().steer_full, 0u);
  TxQueue vm(drv, 1, TxQueueConfig{.size_log2 = 6, .vport = 1});
  std::array<std::unique_ptr<RxQueue>, 2> rx{
      std::make_unique<RxQueue>(drv, 0, RxQueueConfig{.size_log2 = 6}),
      std::make_unique<RxQueue>(drv, 1, RxQueueConfig{.size_log2 = 6})};
  const auto serve = [&] {
    w.settle();
    while (sw->service(kSec) != 0) w.settle();
    w.settle();
  };
  const auto misses = [&] { return sw->stats().exceptions - sw->stats().tcp_ctl_copies; };
  std::array<std::size_t, 2> got{}, want{};
  std::size_t nobodys = 0;
  const auto vm_of = [](unsigned port) {
    return port >= 64 && port <= 127 ? 0 : port >= 8064 && port <= 8191 ? 1 : -1;
  };
  // What the VMs' queues hold: each frame where its own port says (on the Verilated NIC a
  // delivery may be polled with the next frame's: the completion's write is posted).
  const auto collect = [&] {
    for (unsigned v = 0; v < 2; ++v) {
      for (const RxPacket& p : rx[v]->poll()) {
        ++got[v];
        const model::ParseResult got_pr = model::parse(p.bytes);
        const model::Level& l = got_pr.outer();
        EXPECT_EQ(vm_of(l.l4.dport), static_cast<int>(v)) << "port " << l.l4.dport;
        EXPECT_EQ(l.ip.dst.to_string(), v == 0 ? "10.1.0.99" : "10.1.0.200");
        EXPECT_EQ(l.eth.dst.to_u64(), v == 0 ? kMacVnic1 : kMacVnic2);
      }
    }
  };
  for (const model::Frame& f : model::read_capture(dir + "shared-address-wire.pcap")) {
    const model::ParseResult pr = model::parse(f.data);
    const unsigned port = pr.outer().l4.dport;
    const int to = vm_of(port);
    const std::uint64_t m0 = misses();
    w.wire_rx(f.data);
    serve();
    collect();
    if (to >= 0) {
      ++want[static_cast<unsigned>(to)];
      EXPECT_EQ(misses(), m0) << "steered by the NIC alone, port " << port;
    } else {
      ++nobodys;
    }
  }
  w.advance(10'000);
  serve();
  collect();
  EXPECT_EQ(got, want);
  EXPECT_GT(want[0], 0u);
  EXPECT_GT(want[1], 0u);
  EXPECT_GT(nobodys, 0u);
  std::size_t out = 0;
  for (const model::Frame& f : model::read_capture(dir + "shared-address-vm1.pcap")) {
    ASSERT_TRUE(vm.send(f.data));
    serve();
    (void)vm.reap();
    while (auto x = w.wire_tx()) {
      ++out;
      const model::ParseResult out_pr = model::parse(x->data);
      const model::Level& l = out_pr.outer();
      EXPECT_EQ(l.ip.src.to_string(), "100.64.0.1");
      EXPECT_GE(l.l4.sport, 128u);
      EXPECT_LE(l.l4.sport, 4095u);
    }
  }
  EXPECT_EQ(out, 60u) << "every frame of VM 1 left";
  sw->flush();
}

class BothPaths : public SwitchTest, public ::testing::WithParamInterface<bool> {};

TEST_P(BothPaths, MirrorSessionsCopyAVmsTrafficToACollectorInBothDirections) {
  const bool offload = GetParam();
  policy.mirror_session(7) = {ip("10.5.0.9"), 900};
  policy.eni(1).mirror.push_back({.session = 7});
  {
    start({.offload = offload});
    const std::uint16_t sport = 1234;
    for (const std::uint8_t flags : {model::tcpflag::kSyn, model::tcpflag::kAck}) {
      const Bytes f =
          vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", sport, 80, false, flags);
      const Bytes fwd = vxlan4(with_dmac(f, kRemoteVmMac), "10.1.0.1", "10.2.0.2", kVni,
                               h1_of(f, 1));
      const Bytes copy = vxlan4(f, "10.1.0.1", "10.5.0.9", 900, h1_of(f, 1));
      EXPECT_EQ(send_from_vm(f), (std::vector<Bytes>{fwd, copy}));
    }
    // The reply from the wire: the copy is the frame the VM gets.
    const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, sport, false,
                                 model::tcpflag::kSyn | model::tcpflag::kAck);
    const Bytes pkt = from_wire(inner, "10.2.0.2", "10.1.0.1", kVni);
    w.wire_rx(pkt);
    w.settle();
    EXPECT_EQ(serve(), 1u);  // the first frame of this direction
    EXPECT_EQ(to_vm1(), std::vector<Bytes>{inner});
    EXPECT_EQ(wire(), std::vector<Bytes>{vxlan4(inner, "10.1.0.1", "10.5.0.9", 900, h1_of(pkt, 0))});
    EXPECT_EQ(sw->stats().mirrored, 3u);
    EXPECT_EQ(sw->stats().mirror_dropped, 0u);
    // The NIC's copies: one per frame it forwarded (the control segments' carry TCP_CTL).
    EXPECT_EQ(sw->stats().mirror_copies + sw->stats().tcp_ctl_copies, offload ? 3u : 0u);
  }
}


TEST_F(SwitchTest, MirrorRulesSelectDirectionAndTrafficAndPolicyChangesFollow) {
  policy.mirror_session(1) = {ip("10.5.0.9"), 901};
  AclRule web;
  web.protocols = {6};
  web.dports = {{80, 80}};
  policy.eni(1).mirror.push_back({.session = 1, .direction = Direction::kOutbound, .match = web});
  start();
  const Bytes dns = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 5000, 53, true);
  EXPECT_EQ(send_from_vm(dns).size(), 1u) << "not selected: no copy";
  const Bytes get = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.2", 5001, 80, false,
                             model::tcpflag::kAck);
  const Bytes copy = vxlan4(get, "10.1.0.1", "10.5.0.9", 901, h1_of(get, 1));
  ASSERT_EQ(send_from_vm(get).size(), 2u);
  EXPECT_EQ(send_from_vm(get).back(), copy) << "the offloaded flow's copies";
  // Inbound traffic of the connection is not selected.
  const Bytes inner = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 5001, false,
                               model::tcpflag::kAck);
  w.wire_rx(from_wire(inner, "10.2.0.2", "10.1.0.1", kVni));
  w.settle();
  serve();
  EXPECT_EQ(to_vm1().size(), 1u);
  EXPECT_TRUE(wire().empty());
  // The mirror rule goes: the NIC's entry is replaced and copies stop.
  policy.eni(1).mirror.clear();
  EXPECT_EQ(sw->policy_changed(), 1u);
  EXPECT_EQ(send_from_vm(get).size(), 1u);
  EXPECT_EQ(served, 0u);
  // A session that is gone or a collector of the other family: counted, nothing sent.
  policy.eni(1).mirror.push_back({.session = 2, .direction = Direction::kOutbound, .match = web});
  EXPECT_EQ(sw->policy_changed(), 1u);
  EXPECT_EQ(send_from_vm(get).size(), 1u);
  policy.mirror_session(3) = {ip("fd00::9"), 902};
  policy.eni(1).mirror[0].session = 3;
  EXPECT_EQ(sw->policy_changed(), 1u);
  EXPECT_EQ(send_from_vm(get).size(), 1u);
  EXPECT_EQ(sw->stats().mirror_dropped, 2u);
  EXPECT_EQ(sw->stats().mirrored, 2u);
}

// Source NAT's replies are decided by the connection, not the policy's routes: they are
// mirrored by the VM's inbound rules on the VM's own addresses, as it sees them.
TEST_F(SwitchTest, RepliesOfANatedConnectionAreMirroredAsTheVmSeesThem) {
  policy.eni(1).snat = Snat{ip("10.1.0.1"), PortRange{20000, 20001}};
  policy.mirror_session(4) = {ip("10.5.0.9"), 904};
  AclRule to_vm;
  to_vm.dst = {pfx("10.0.0.1/32")};
  to_vm.dports = {{1234, 1234}};
  policy.eni(1).mirror.push_back({.session = 4, .direction = Direction::kInbound, .match = to_vm});
  start();
  using model::tcpflag::kAck;
  using model::tcpflag::kSyn;
  EXPECT_EQ(send_from_vm(tcp(kMacVnic1, 0x0200000000fe, "10.0.0.1", "192.0.2.7", 1234, 80, kSyn))
                .size(),
            1u);
  const Bytes synack = tcp(kNextHop, kUnderlayMac, "192.0.2.7", "10.1.0.1", 80, 20000, kSyn | kAck);
  w.wire_rx(synack);
  w.settle();
  serve();
  EXPECT_EQ(to_vm1().size(), 1u);
  EXPECT_EQ(wire(), std::vector<Bytes>{vxlan4(synack, "10.1.0.1", "10.5.0.9", 904, h1_of(synack, 0))});
}

// DASH's DASH_ENCAPSULATION and TUNNEL_KEY of a mapping: NVGRE (the VSID the tunnel key) and
// Geneve beside VXLAN, a template per tunnel type even to the same host.
TEST_P(BothPaths, NvgreAndGeneveMappingsAreEncapsulatedAsTheSpecSays) {
  const bool offload = GetParam();
  const auto peer = model::MacAddr::from_u64(kRemoteVmMac);
  auto& maps = policy.vnet(1).mappings;
  maps[ip("10.0.0.40")] = {.underlay_ip = ip("10.2.0.40"), .overlay_mac = peer,
                           .encap = model::TunnelType::kNvgre, .tunnel_key = 5000};
  maps[ip("10.0.0.41")] = {.underlay_ip = ip("10.2.0.40"), .overlay_mac = peer,
                           .encap = model::TunnelType::kGeneve};
  maps[ip("10.0.0.42")] = {.underlay_ip = ip("10.2.0.40"), .overlay_mac = peer};
  start({.offload = offload});
  const struct {
    const char* ca;
    Tun tun;
    std::uint32_t vni;
  } cases[] = {{"10.0.0.40", Tun::kNvgre, 5000}, {"10.0.0.41", Tun::kGeneve, kVni},
               {"10.0.0.42", Tun::kVxlan, kVni}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.ca);
    for (int i = 0; i < 2; ++i) {
      const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", c.ca, 4000, 53, true);
      EXPECT_EQ(send_from_vm(f), std::vector<Bytes>{tunnel4(c.tun, with_dmac(f, kRemoteVmMac),
                                                            "10.1.0.1", "10.2.0.40", c.vni,
                                                            h1_of(f, 1))});
      EXPECT_EQ(served, offload && i == 1 ? 0u : 1u);
    }
  }
  EXPECT_EQ(sw->encap_templates_used(), offload ? 3u : 0u);
  EXPECT_EQ(sw->stats().sw_forwarded, offload ? 0u : 6u);
}

// PA validation holds for a connection's every frame, not only its first: the connection's
// 5-tuple and VNI do not carry the underlay source, so a frame of an established connection
// from another underlay host is decided again (the NIC's flow checks the source, spec 5.2
// check_osrc; the host's cache compares it). A spoofed source is dropped and the connection
// keeps its flows; a valid one (the VM moved) takes the connection over; a spoofed first
// packet cannot keep the real peer out.
TEST_P(BothPaths, ASpoofedUnderlaySourceIsNotDecapsulatedIntoAnEstablishedConnection) {
  const bool offload = GetParam();
  start({.offload = offload});
  const auto arrive = [&](const Bytes& inner, const char* pa) {
    w.wire_rx(from_wire(inner, pa, "10.1.0.1", kVni));
    w.settle();
    const std::size_t n = serve();
    return std::make_pair(n, to_vm1());
  };
  const Bytes syn = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, false,
                             model::tcpflag::kSyn);
  const Bytes data = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 80, 1234, false,
                              model::tcpflag::kAck | model::tcpflag::kPsh);
  const std::vector<Bytes> none;
  EXPECT_EQ(arrive(syn, "10.2.0.2").second, std::vector<Bytes>{syn});
  // The peer's next frame: in the NIC when offloaded (no exception), from the cache otherwise.
  auto [n, got] = arrive(data, "10.2.0.2");
  EXPECT_EQ(got, std::vector<Bytes>{data});
  EXPECT_EQ(n, offload ? 0u : 1u);
  // A host of the underlay that is not a valid PA of the VNET sends into the connection.
  std::tie(n, got) = arrive(data, "10.2.0.99");
  EXPECT_EQ(got, none) << "not decapsulated to the VM";
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(sw->stats().outer_src, offload ? 1u : 0u);
  EXPECT_EQ(sw->cache().stats().underlay_refused, 1u);
  EXPECT_EQ(sw->stats().removed, 0u) << "the connection keeps its flows";
  std::tie(n, got) = arrive(data, "10.2.0.2");
  EXPECT_EQ(got, std::vector<Bytes>{data});
  EXPECT_EQ(n, offload ? 0u : 1u);
  // The VM behind the connection moved to another valid PA: its frames are delivered, and the
  // NIC's flow follows (the old one checked the old PA).
  std::tie(n, got) = arrive(data, "10.2.0.3");
  EXPECT_EQ(got, std::vector<Bytes>{data});
  EXPECT_EQ(sw->cache().stats().underlay_moved, 1u);
  if (offload) {
    EXPECT_EQ(sw->stats().underlay_moved, 1u);
    EXPECT_EQ(sw->stats().removed, 1u);
    EXPECT_EQ(sw->stats().installed, 2u);
    std::tie(n, got) = arrive(data, "10.2.0.3");
    EXPECT_EQ(got, std::vector<Bytes>{data});
    EXPECT_EQ(n, 0u) << "in the NIC again";
  }
  // A spoofed first packet of another connection is dropped (offloaded: a drop flow for that
  // source); the real peer's frames still reach the VM.
  const Bytes syn2 = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 81, 1235, false,
                              model::tcpflag::kSyn);
  EXPECT_EQ(arrive(syn2, "10.2.0.99").second, none);
  EXPECT_EQ(arrive(syn2, "10.2.0.2").second, std::vector<Bytes>{syn2});
  const Bytes data2 = vm_frame(kRemoteVmMac, kMacVnic1, "10.0.0.2", "10.0.0.1", 81, 1235, false,
                               model::tcpflag::kAck);
  std::tie(n, got) = arrive(data2, "10.2.0.2");
  EXPECT_EQ(got, std::vector<Bytes>{data2});
  EXPECT_EQ(n, offload ? 0u : 1u);
}

INSTANTIATE_TEST_SUITE_P(OffloadedOrSoftware, BothPaths, ::testing::Bool());

// Between two VMs of this host, the receiving VM's inbound mirroring sees the packet too (it
// never crosses the underlay): one copy to each session.
TEST_F(SwitchTest, LoopbackIsMirroredForTheSenderAndTheReceiver) {
  policy.vnet(1).mappings[ip("10.0.0.20")] = {ip("10.1.0.1"), model::MacAddr::from_u64(kMacVnic2)};
  policy.mirror_session(1) = {ip("10.5.0.1"), 901};
  policy.mirror_session(2) = {ip("10.5.0.2"), 902};
  policy.eni(1).mirror.push_back({.session = 1, .direction = Direction::kOutbound});
  policy.eni(2).mirror.push_back({.session = 2, .direction = Direction::kInbound});
  start();
  RxQueue rx2(drv, 1, RxQueueConfig{.size_log2 = 6});
  const Bytes f = vm_frame(kMacVnic1, 0x0200000000fe, "10.0.0.1", "10.0.0.20", 5555, 80, true);
  EXPECT_EQ(send_from_vm(f), (std::vector<Bytes>{vxlan4(f, "10.1.0.1", "10.5.0.1", 901, h1_of(f, 1)),
                                                 vxlan4(f, "10.1.0.1", "10.5.0.2", 902, h1_of(f, 1))}));
  w.settle();
  EXPECT_EQ(rx2.poll().size(), 1u);
}

TEST_F(SwitchTest, FramesTheSwitchDoesNotRouteAreCountedNotLost) {
  start();
  const Bytes arp = model::PacketBuilder()
                        .eth({.dst = model::MacAddr::from_u64(0xffffffffffff),
                              .src = model::MacAddr::from_u64(kMacVnic1)})
                        .arp({})
                        .bytes();
  EXPECT_TRUE(send_from_vm(arp).empty());
  EXPECT_EQ(sw->stats().not_routable, 1u);
}

// ---- DASH's example configuration on the NIC ------------------------------------------------
// docs/examples/dash/two-enis.json, loaded by the DASH front-end, drives the switch on the NIC:
// ENI "eni-web" is the VM on VNIC 1 (the hypervisor's placement), "eni-db" a remote VM reached
// over VXLAN (DASH's appliance placement). What each frame becomes follows from the file's
// records (read from the JSON by hand, not by the code under test).
class DashOnTheNic : public test::HostTest {
 protected:
  DashOnTheNic() : policy(ip("192.0.2.1")), ft(drv) {
    vnic(1, 0, 1, false, kWebMac);
    DashOptions o;
    o.vports["eni-web"] = 1;
    DashConfig dash(policy, o);
    dash.apply_file(std::string(NICSIM_DASH_EXAMPLES) + "/two-enis.json");
    SwitchConfig c;
    c.underlay_mac = test::mac(kUnderlayMac);
    c.underlay_next_hop = test::mac(kNextHop);
    c.exception_ring = {.size_log2 = 6, .buf_size = 2048};
    sw = std::make_unique<Switch>(drv, ft, policy, c);
    sw->bring_up();
    vm = std::make_unique<TxQueue>(drv, 1, TxQueueConfig{.size_log2 = 6, .vport = 1});
    rx = std::make_unique<RxQueue>(drv, 0, RxQueueConfig{.size_log2 = 6});
  }
  void TearDown() override {
    sw.reset();
    HostTest::TearDown();
  }
  std::vector<Bytes> wire() {
    std::vector<Bytes> out;
    while (auto f = w.wire_tx()) out.push_back(f->data);
    return out;
  }
  void serve() {
    w.settle();
    while (sw->service(kSec) != 0) w.settle();
    w.settle();
    (void)vm->reap();
  }

  static constexpr std::uint64_t kWebMac = 0x02000000010a, kDbMac = 0x02000000010b;
  static constexpr std::uint64_t kPeerMac = 0x020000000105;
  Pipeline policy;
  FlowTable ft;
  std::unique_ptr<Switch> sw;
  std::unique_ptr<TxQueue> vm;
  std::unique_ptr<RxQueue> rx;
};

TEST_F(DashOnTheNic, TheExamplesTrafficBehavesAsItsRecordsSay) {
  // route-blue (10.1.0.0/16, vnet) + ca-peer: VXLAN 100 from this host's VIP to 192.0.2.50.
  const Bytes web = vm_frame(kWebMac, 0x0200000000fe, "10.1.0.4", "10.1.0.5", 40000, 443);
  ASSERT_TRUE(vm->send(web));
  serve();
  EXPECT_EQ(wire(), std::vector<Bytes>{vxlan4(with_dmac(web, kPeerMac), "192.0.2.1", "192.0.2.50",
                                              100, h1_of(web, 1))});
  // web-out-1-no-ssh: TCP 22 is denied at stage 1.
  ASSERT_TRUE(vm->send(vm_frame(kWebMac, 0x0200000000fe, "10.1.0.4", "10.1.0.5", 40001, 22)));
  serve();
  EXPECT_TRUE(wire().empty());
  // route-blackhole.
  ASSERT_TRUE(vm->send(vm_frame(kWebMac, 0x0200000000fe, "10.1.0.4", "10.66.0.1", 40002, 80)));
  serve();
  EXPECT_TRUE(wire().empty());
  // The peer's reply from 192.0.2.50 (a valid PA of vnet-blue, in-web-blue) reaches the VM.
  const Bytes reply = vm_frame(kPeerMac, kWebMac, "10.1.0.5", "10.1.0.4", 443, 40000, false,
                               model::tcpflag::kSyn | model::tcpflag::kAck);
  w.wire_rx(from_wire(reply, "192.0.2.50", "192.0.2.1", 100));
  serve();
  std::vector<Bytes> got;
  for (const RxPacket& p : rx->poll()) got.push_back(p.bytes);
  EXPECT_EQ(got, std::vector<Bytes>{reply});
  // The appliance: eni-db's VM (198.51.100.20) sends over VXLAN 9 to VIP 192.0.2.2; the NIC
  // takes that tunnel off and encapsulates again from the VIP it came to, to the peer.
  const Bytes db = vm_frame(kDbMac, 0x0200000000fe, "10.1.0.6", "10.1.0.5", 5432, 443);
  const Bytes in = from_wire(db, "198.51.100.20", "192.0.2.2", 9);
  w.wire_rx(in);
  serve();
  EXPECT_EQ(wire(), std::vector<Bytes>{vxlan4(with_dmac(db, kPeerMac), "192.0.2.2", "192.0.2.50",
                                              100, h1_of(in, 0))});
  // meter-v4-private: eni-web's traffic to 10/8 bills class 1 (read from the NIC's counters).
  (void)sw->expire(kSec);
  const auto eni_web = policy.eni_of(packet_info(web, 1).value(), Direction::kOutbound);
  ASSERT_TRUE(eni_web.has_value());
  const MeterCounters m = policy.meter_bucket(*eni_web, 1);
  EXPECT_EQ(m.outbound_packets, 1u);
  EXPECT_EQ(m.outbound_bytes, web.size());
  EXPECT_EQ(m.inbound_packets, 1u);
}

}  // namespace
}  // namespace nicsim::host::vswitch
