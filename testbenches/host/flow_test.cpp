// SPDX-License-Identifier: MIT
// The rte_flow-shaped flow API on either backend (world.hpp): compilation to EM / TCAM, typed
// errors for what the NIC cannot express, table full, destroy/query, batch through the
// flow-command ring, encap templates, meters, decap.
#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>

#include "fixture.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host::test {
namespace {

using T = FlowError::Type;

class FlowTest : public HostTest {
 protected:
  FlowTable ft{drv};

  FlowError expect_error(const FlowAttr& a, std::vector<FlowItem> p, std::vector<FlowAction> act) {
    const auto v = ft.validate(a, p, act);
    EXPECT_FALSE(v.ok()) << "validate accepted the rule";
    auto c = ft.create(a, p, act);
    EXPECT_FALSE(c.ok()) << "create accepted the rule";
    if (v.ok() || c.ok()) return {};
    EXPECT_EQ(v.error().type, c.error().type);
    return c.error();
  }
};

TEST_F(FlowTest, FullKeyGoesToExactMatchWildcardsToTcam) {
  auto c = ft.compile({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80),
                      {{ActionDrop{}}});
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->table, FlowTableKind::kExact);
  // The key of docs/spec.md 4.1's test vector (vport 1, IPv4, TCP 10.0.0.1:1234 -> 10.0.0.2:80).
  auto k = ft.compile({.ingress_vport = 1}, tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80),
                      {{ActionDrop{}}});
  const std::array<std::uint8_t, 42> want{
      0x01, 0x40, 0, 0, 0, 0x06, 0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0, 0,
      0,    0x0a, 0, 0, 1, 0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0, 2};
  EXPECT_TRUE(std::equal(want.begin(), want.end(), k->value.begin()));
  // Without the vport: wildcard -> TCAM.
  auto wc = ft.compile({}, tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80), {{ActionDrop{}}});
  EXPECT_EQ(wc->table, FlowTableKind::kTcam);
  EXPECT_EQ(wc->mask[0], 0);
  // A MAC match needs the TCAM tail.
  auto m = ft.compile({.ingress_vport = 0},
                      {{ItemEth{{.spec = EthHdr{.dst = mac(kMacVnic1)},
                                 .mask = EthHdr{.dst = mac(0xffffffffffff)}}},
                        ItemIpv4{{.spec = Ipv4Hdr{.src = 1, .dst = 2}}},
                        ItemUdp{{.spec = UdpHdr{.sport = 1, .dport = 2}}}}},
                      {{ActionDrop{}}});
  EXPECT_EQ(m->table, FlowTableKind::kTcam);
  // Forcing placement.
  EXPECT_EQ(ft.compile({.ingress_vport = 0, .placement = Placement::kTcam},
                       tcp4_pattern(1, 2, 3, 4), {{ActionDrop{}}})
                ->table,
            FlowTableKind::kTcam);
  // A VXLAN tunnel: inner headers + VNI form the key.
  auto v = ft.compile({.ingress_vport = 0},
                      {{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{{.spec = TunHdr{42}}},
                        ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 1, .dst = 2}}},
                        ItemUdp{{.spec = UdpHdr{.sport = 5, .dport = 6}}}}},
                      {{ActionVxlanDecap{}, ActionVnic{1}}});
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->table, FlowTableKind::kExact);
  EXPECT_EQ(v->value[1], 0x40 | (2 << 3));
  EXPECT_EQ(v->value[4], 42);
}

// rte_flow ends a pattern and an action list with END; here the spans carry their length, so
// END is optional, and anything after it is ignored as rte_flow does.
TEST_F(FlowTest, EndMarkersAreOptional) {
  auto pat = tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80);
  const std::vector<FlowAction> acts{ActionMark{3}, ActionVnic{1}};
  auto plain = ft.compile({.ingress_vport = 0}, pat, acts);
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  auto pat_end = pat;
  pat_end.push_back(ItemEnd{});
  pat_end.push_back(ItemVlan{});  // after END: ignored
  auto acts_end = acts;
  acts_end.push_back(ActionEnd{});
  acts_end.push_back(ActionDrop{});  // after END: ignored (else two destinations)
  auto ended = ft.compile({.ingress_vport = 0}, pat_end, acts_end);
  ASSERT_TRUE(ended.ok()) << ended.error().to_string();
  EXPECT_EQ(ended->value, plain->value);
  EXPECT_EQ(ended->mask, plain->mask);
  EXPECT_EQ(ended->action, plain->action);
  EXPECT_TRUE(ft.validate({.ingress_vport = 0}, pat, acts).ok());
  // Without END the last action is part of the rule.
  auto two = acts;
  two.push_back(ActionDrop{});
  EXPECT_EQ(ft.validate({.ingress_vport = 0}, pat, two).error().type, T::kAction);
}

// One result style: every call returns a Result (value or FlowError); flush removes every flow
// even when one fails and reports the first failure.
TEST_F(FlowTest, FlushRemovesEveryFlowAndReportsTheFirstError) {
  static_assert(!std::is_move_constructible_v<Driver> && !std::is_copy_constructible_v<Driver>,
                "queues and flow tables point at their Driver: it must not move");
  auto a = ft.create({.ingress_vport = 0}, tcp4_pattern(1, 2, 3, 4), {{ActionDrop{}}});
  auto b = ft.create({.priority = 1}, {{ItemEth{}, ItemIpv4{}, ItemTcp{}}}, {{ActionDrop{}}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(ft.flush().ok());
  EXPECT_EQ(ft.size(), 0u);
  EXPECT_EQ(ft.em_count(), 0u);
  // A flow removed behind the table's back (through the registers): flush still forgets every
  // flow, and says what went wrong.
  auto c = ft.create({.ingress_vport = 0}, tcp4_pattern(5, 6, 7, 8), {{ActionDrop{}}});
  auto d = ft.create({.ingress_vport = 0}, tcp4_pattern(9, 10, 11, 12), {{ActionDrop{}}});
  ASSERT_TRUE(c.ok() && d.ok());
  const std::uint32_t fb = drv.block(Block::kFlow).base;
  drv.wr(fb + regs::flow::FT_HANDLE, *ft.hw_handle(*c));
  drv.wr(fb + regs::flow::FT_CMD, static_cast<std::uint32_t>(fmt::FtCmd::kDeleteHandle));
  const Result<void> r = ft.flush();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().type, T::kNotFound);
  EXPECT_THROW(r.value(), FlowException);
  EXPECT_EQ(ft.size(), 0u);
  EXPECT_EQ(ft.em_count(), 0u);
}

// read_back: the NIC's tables' READ commands give back each entry as written (EM: key and
// action; TCAM: priority, mask, value under the mask, action), through registers on the model
// and on the Verilated NIC; audit compares every flow with what the driver wrote and names
// what differs: an action changed and an entry removed behind the table's back.
TEST_F(FlowTest, ReadBackAndAuditFindWhatTheNicHolds) {
  const std::vector<FlowAction> em_acts{ActionMark{0x1234}, ActionVnic{1}};
  auto e = ft.create({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80), em_acts);
  const FlowAttr tattr{.priority = 7};
  const std::vector<FlowItem> tpat{
      ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000000}, .mask = Ipv4Hdr{.src = 0xff000000}}},
      ItemTcp{{.spec = TcpHdr{.dport = 443}, .mask = TcpHdr{.dport = 0xffff}}}};
  auto t = ft.create(tattr, tpat, {{ActionMark{0x55}, ActionDrop{}}});
  std::vector<FlowRule> batch;  // through the flow-command ring
  for (std::uint32_t i = 0; i < 3; ++i)
    batch.push_back({{.ingress_vport = 0}, tcp4_pattern(0x0b000000 + i, 0x0b0000ff, 7, 8),
                     {ActionMark{i + 100}, ActionDrop{}}});
  const auto made = ft.create_batch(batch);
  ASSERT_TRUE(e.ok() && t.ok()) << (e.ok() ? t.error().to_string() : e.error().to_string());
  for (const auto& m : made) ASSERT_TRUE(m.ok()) << m.error().to_string();

  const auto ce = ft.compile({.ingress_vport = 0}, tcp4_pattern(0x0a000001, 0x0a000002, 1234, 80),
                             em_acts);
  const auto re = ft.read_back(*e);
  ASSERT_TRUE(re.ok()) << re.error().to_string();
  EXPECT_TRUE(std::equal(re->value.begin(), re->value.begin() + 42, ce->value.begin()));
  EXPECT_EQ(re->action, ce->action);
  const auto ct = ft.compile(tattr, tpat, {{ActionMark{0x55}, ActionDrop{}}});
  const auto rt = ft.read_back(*t);
  ASSERT_TRUE(rt.ok()) << rt.error().to_string();
  EXPECT_EQ(rt->table, FlowTableKind::kTcam);
  EXPECT_EQ(rt->priority, 7u);
  EXPECT_EQ(rt->mask, ct->mask);
  for (std::size_t i = 0; i < ct->value.size(); ++i)
    EXPECT_EQ(rt->value[i] & ct->mask[i], ct->value[i] & ct->mask[i]) << "value byte " << i;
  EXPECT_EQ(rt->action, ct->action);
  EXPECT_EQ(ft.audit(), std::vector<std::string>{});

  // The TCAM rule's action rewritten through the registers with another mark: the audit names
  // the mark's byte(s), and only this flow.
  const auto other = ft.compile(tattr, tpat, {{ActionMark{0x56}, ActionDrop{}}});
  std::size_t mark_byte = 0;
  while (mark_byte < ct->action.size() && ct->action[mark_byte] == other->action[mark_byte]) ++mark_byte;
  ASSERT_LT(mark_byte, ct->action.size());
  const std::uint32_t tb = drv.block(Block::kTcam).base;
  drv.wr(tb + regs::tcam::TCAM_INDEX, *ft.hw_handle(*t));
  drv.wr(tb + regs::tcam::TCAM_PRIO, 7);
  drv.wr_words(tb + regs::tcam::TCAM_VALUE, regs::tcam::TCAM_VALUE_COUNT, ct->value);
  drv.wr_words(tb + regs::tcam::TCAM_MASK, regs::tcam::TCAM_MASK_COUNT, ct->mask);
  drv.wr_words(tb + regs::tcam::TCAM_ACTION, regs::tcam::TCAM_ACTION_COUNT, other->action);
  drv.wr(tb + regs::tcam::TCAM_CMD, static_cast<std::uint32_t>(fmt::TcamCmd::kWrite));
  (void)drv.wait_not_busy(tb + regs::tcam::TCAM_STATUS, "TCAM_STATUS");
  const std::string tflow = "flow " + std::to_string(t->id) + " (TCAM " +
                            std::to_string(*ft.hw_handle(*t)) + "): action byte " +
                            std::to_string(mark_byte) + ": NIC 0x56, driver 0x55";
  auto found = ft.audit();
  ASSERT_EQ(found.size(), 1u) << ::testing::PrintToString(found);
  EXPECT_EQ(found[0], tflow);

  // The EM flow removed through the registers: its read fails, and says so.
  const std::uint32_t fb = drv.block(Block::kFlow).base;
  drv.wr(fb + regs::flow::FT_HANDLE, *ft.hw_handle(*e));
  drv.wr(fb + regs::flow::FT_CMD, static_cast<std::uint32_t>(fmt::FtCmd::kDeleteHandle));
  (void)drv.wait_not_busy(fb + regs::flow::FT_STATUS, "FT_STATUS");
  EXPECT_EQ(ft.read_back(*e).error().type, T::kNotFound);
  found = ft.audit();
  ASSERT_EQ(found.size(), 2u) << ::testing::PrintToString(found);
  EXPECT_EQ(found[0].rfind("flow " + std::to_string(e->id) + " (EM ", 0), 0u) << found[0];
  EXPECT_EQ(found[1], tflow);
  EXPECT_EQ(ft.audit(1).size(), 1u) << "the first flow only";
  EXPECT_EQ(ft.read_back(Flow{999}).error().type, T::kNotFound);
}

TEST_F(FlowTest, UnexpressibleRulesAreTypedErrors) {
  const std::vector<FlowAction> drop{ActionDrop{}};
  // kItem: fields the key does not carry.
  auto e = expect_error(
      {}, {{ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.ttl = 64}, .mask = Ipv4Hdr{.ttl = 0xff}}}}},
      drop);
  EXPECT_EQ(e.type, T::kItem);
  EXPECT_EQ(e.index, 1);
  EXPECT_NE(e.message.find("TTL"), std::string::npos) << e.message;
  e = expect_error({},
                   {{ItemEth{}, ItemIpv4{},
                     ItemTcp{{.spec = TcpHdr{.flags = 2}, .mask = TcpHdr{.flags = 0xff}}}}},
                   drop);
  EXPECT_EQ(e.type, T::kItem);
  EXPECT_EQ(e.index, 2);
  e = expect_error(
      {}, {{ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 1}}}, ItemUdp{}, ItemVxlan{}, ItemEth{}}},
      drop);
  EXPECT_EQ(e.type, T::kItem) << "outer IP of a tunnel";
  EXPECT_EQ(e.index, 1);
  e = expect_error(
      {}, {{ItemEth{}, ItemVlan{{.spec = VlanHdr{.tci = 0x2005}, .mask = VlanHdr{.tci = 0xffff}}}}},
      drop);
  EXPECT_EQ(e.type, T::kItem) << "PCP";
  e = expect_error(
      {}, {{ItemEth{}, ItemIpv4{}, ItemGre{{.spec = GreHdr{.key = 0x12345678}}}, ItemEth{}}}, drop);
  EXPECT_EQ(e.type, T::kItem) << "upper GRE key bits";
  e = expect_error({},
                   {{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{}, ItemEth{}, ItemIpv4{},
                     ItemUdp{}, ItemVxlan{}}},
                   drop);
  EXPECT_EQ(e.type, T::kItem) << "nested tunnel";
  // kAction.
  e = expect_error({}, {{ItemEth{}}}, {{ActionDrop{}, ActionVnic{1}}});
  EXPECT_EQ(e.type, T::kAction) << "two destinations";
  EXPECT_EQ(e.index, 1);
  e = expect_error({}, {{ItemEth{}}}, {{ActionMark{1}}});
  EXPECT_EQ(e.type, T::kAction) << "no destination";
  e = expect_error({}, {{ItemEth{}}}, {{ActionMeter{8}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "meter index";
  e = expect_error({}, {{ItemEth{}}}, {{ActionVnic{5}}});
  EXPECT_EQ(e.type, T::kAction) << "no such VNIC";
  e = expect_error({}, {{ItemEth{}, ItemIpv4{}}}, {{ActionVxlanDecap{}, ActionVnic{1}}});
  EXPECT_EQ(e.type, T::kAction) << "decap without a tunnel";
  e = expect_error({}, {{ItemEth{}}}, {{ActionPopVlan{}, ActionSetVlanVid{5}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "two VLAN operations";
  e = expect_error({}, {{ItemEth{}, ItemIpv6{}}}, {{ActionSetIpv4Src{1}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "IPv4 rewrite of IPv6";
  e = expect_error({}, {{ItemEth{}, ItemIpv4{}, ItemIcmp{}}}, {{ActionSetTpDst{1}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "port rewrite of ICMP";
  e = expect_error({}, {{ItemEth{}, ItemIpv4{}, ItemUdp{}}}, {{ActionTcpCtlCopy{}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "TCP control copy of a UDP flow";
  EXPECT_EQ(e.index, 0);
  e = expect_error({}, {{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{}, ItemEth{}, ItemIpv6{},
                         ItemIcmpv6{}}},
                   {{ActionVnic{1}, ActionTcpCtlCopy{}}});
  EXPECT_EQ(e.type, T::kAction) << "TCP control copy of a tunnelled ICMPv6 flow";
  EXPECT_EQ(e.index, 1);
  e = expect_error({}, {{ItemEth{{.spec = EthHdr{.type = 0x0806}}}}},
                   {{ActionTcpCtlCopy{}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "TCP control copy of ARP";
  e = expect_error({}, {{ItemEth{}, ItemIpv4{}, ItemTcp{}}},
                   {{ActionTcpCtlCopy{}, ActionTcpCtlCopy{}, ActionDrop{}}});
  EXPECT_EQ(e.type, T::kAction) << "the same action twice";
  // kAttr.
  e = expect_error({.egress = true}, {{ItemEth{}}}, drop);
  EXPECT_EQ(e.type, T::kAttr);
  e = expect_error({.priority = 70000}, {{ItemEth{}}}, drop);
  EXPECT_EQ(e.type, T::kAttr);
  e = expect_error({.placement = Placement::kExact}, {{ItemEth{}}}, drop);
  EXPECT_EQ(e.type, T::kAttr);
  e = expect_error({.ingress_vport = 1}, {{ItemVport{{.spec = VportHdr{2}}}, ItemEth{}}}, drop);
  EXPECT_EQ(e.type, T::kAttr);
  EXPECT_EQ(ft.size(), 0u);
  // And a good rule is accepted by both.
  EXPECT_TRUE(ft.validate({}, std::vector<FlowItem>{ItemEth{}}, drop).ok());
}

TEST_F(FlowTest, ExistsNotFoundAndDestroy) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  const auto pat = tcp4_pattern(0x0a000001, 0x0a000002, 1000, 80);
  auto f = ft.create({.ingress_vport = 0}, pat, {{ActionVnic{1}}});
  ASSERT_TRUE(f.ok());
  auto again = ft.create({.ingress_vport = 0}, pat, {{ActionDrop{}}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().type, T::kExists);

  const auto frame = tcp4(0x0a000001, 0x0a000002, 1000, 80);
  for (int i = 0; i < 3; ++i) w.wire_rx(frame);
  EXPECT_EQ(rx.poll().size(), 3u);
  auto q = ft.query(*f);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->packets, 3u);
  EXPECT_EQ(q->bytes, 3 * frame.size());
  ASSERT_TRUE(q->last_seen.has_value());
  // Last seen = the ingress clock >> 16 of the last frame: now, or a little before (the RTL).
  EXPECT_LE(*q->last_seen, static_cast<std::uint32_t>(w.now() >> 16));
  EXPECT_GE(*q->last_seen, static_cast<std::uint32_t>((w.now() - std::min<std::uint64_t>(
                                                           w.now(), 100'000)) >> 16));

  EXPECT_TRUE(ft.destroy(*f).ok());
  EXPECT_EQ(ft.em_count(), 0u);
  w.wire_rx(frame);
  EXPECT_EQ(rx.poll().size(), 0u);
  EXPECT_EQ(exc.poll().size(), 1u) << "misses after destroy";
  auto gone = ft.destroy(*f);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().type, T::kNotFound);
  EXPECT_EQ(ft.query(*f).error().type, T::kNotFound);

  // TCAM rule counters, priority order and destroy.
  auto lo = ft.create({.priority = 5, .ingress_vport = 0}, {{ItemEth{}, ItemIpv4{}, ItemTcp{}}},
                      {{ActionVnic{1}}});
  auto hi = ft.create({.priority = 1, .ingress_vport = 0},
                      {{ItemEth{}, ItemIpv4{},
                        ItemTcp{{.spec = TcpHdr{.dport = 80}, .mask = TcpHdr{.dport = 0xffff}}}}},
                      {{ActionDrop{}}});
  ASSERT_TRUE(lo.ok() && hi.ok());
  w.wire_rx(frame);                                   // port 80: priority 1 drops
  w.wire_rx(tcp4(0x0a000001, 0x0a000002, 1000, 81));  // only the wide rule
  EXPECT_EQ(rx.poll().size(), 1u);
  EXPECT_EQ(ft.query(*hi)->packets, 1u);
  EXPECT_EQ(ft.query(*lo)->packets, 1u);
  EXPECT_FALSE(ft.query(*lo)->last_seen.has_value());
  EXPECT_EQ(drv.stats().drop_flow, 1u);
  EXPECT_TRUE(ft.flush().ok());
  EXPECT_EQ(ft.size(), 0u);
  w.wire_rx(frame);
  EXPECT_EQ(exc.poll().size(), 1u);
}

// destroy_batch: EM flows through the ring (EM_DELETE_HANDLE), TCAM rules through registers;
// afterwards their frames miss, the others still hit, a flow named twice is NOT_FOUND the second
// time, and the handles are free for new flows.
TEST_F(FlowTest, BatchDestroyRemovesWhatItNames) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  ft.set_command_ring_size(1);  // 2 slots: commands over several doorbells
  std::vector<FlowRule> rules;
  for (unsigned i = 0; i < 40; ++i) {
    rules.push_back({{.ingress_vport = 0},
                     tcp4_pattern(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80),
                     {{ActionVnic{1}}}});
  }
  rules.push_back({{.priority = 3, .ingress_vport = 0}, {{ItemEth{}, ItemIpv6{}}},
                   {{ActionDrop{}}}});  // TCAM
  std::vector<Flow> flows;
  for (const auto& f : ft.create_batch(rules)) {
    ASSERT_TRUE(f.ok()) << f.error().to_string();
    flows.push_back(*f);
  }
  std::vector<Flow> gone;
  for (unsigned i = 0; i < 40; i += 2) gone.push_back(flows[i]);
  gone.push_back(flows[40]);
  gone.push_back(flows[0]);  // twice
  const auto r = ft.destroy_batch(gone);
  ASSERT_EQ(r.size(), gone.size());
  for (std::size_t i = 0; i + 1 < r.size(); ++i) EXPECT_TRUE(r[i].ok()) << i << ": " << r[i].error().to_string();
  ASSERT_FALSE(r.back().ok());
  EXPECT_EQ(r.back().error().type, FlowError::Type::kNotFound);
  EXPECT_EQ(ft.size(), 20u);
  EXPECT_EQ(ft.em_count(), 20u);
  for (unsigned i = 0; i < 40; ++i) {
    w.wire_rx(tcp4(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80));
  }
  EXPECT_EQ(rx.poll().size(), 20u) << "the odd ones still hit";
  EXPECT_EQ(exc.poll().size(), 20u) << "the even ones miss";
  // Their room is free again.
  std::vector<FlowRule> again(rules.begin(), rules.begin() + 40);
  std::size_t ok = 0;
  for (std::size_t i = 0; i < again.size(); i += 2) ok += ft.create(again[i]).ok() ? 1 : 0;
  EXPECT_EQ(ok, 20u);
}

// query_bulk (EM flows through the ring's EM_ACTIVITY, the rest through query()) answers what
// query() answers, flow by flow; a destroyed flow is NOT_FOUND; a flow re-created after its
// destroy starts from zero.
TEST_F(FlowTest, BulkQueryEqualsPerFlowQuery) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  ft.set_command_ring_size(1);  // 2 slots: commands over several doorbells
  std::vector<FlowRule> rules;
  for (unsigned i = 0; i < 160; ++i) {
    rules.push_back({{.ingress_vport = 0},
                     tcp4_pattern(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80),
                     {{ActionVnic{1}}}});
  }
  rules.push_back({{.priority = 3, .ingress_vport = 0}, {{ItemEth{}, ItemIpv6{}}},
                   {{ActionDrop{}}}});  // TCAM
  const auto made = ft.create_batch(rules);
  std::vector<Flow> flows;
  for (const auto& f : made) {
    ASSERT_TRUE(f.ok()) << f.error().to_string();
    flows.push_back(*f);
  }
  std::size_t sent = 0, got = 0;
  for (unsigned i = 0; i < 160; i += 3) {
    for (unsigned k = 0; k <= i % 4; ++k, ++sent)
      w.wire_rx(tcp4(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80));
    got += rx.poll().size();
  }
  EXPECT_EQ(got + rx.poll().size(), sent);
  // A destroyed flow, and one flow twice.
  ASSERT_TRUE(ft.destroy(flows[10]).ok());
  flows.push_back(flows[9]);
  const auto bulk = ft.query_bulk(flows);
  ASSERT_EQ(bulk.size(), flows.size());
  unsigned hit = 0;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto one = ft.query(flows[i]);
    ASSERT_EQ(bulk[i].ok(), one.ok()) << i;
    if (!one.ok()) {
      EXPECT_EQ(bulk[i].error().type, one.error().type) << i;
      continue;
    }
    EXPECT_EQ(bulk[i]->packets, one->packets) << i;
    EXPECT_EQ(bulk[i]->bytes, one->bytes) << i;
    EXPECT_EQ(bulk[i]->last_seen, one->last_seen) << i;
    if (bulk[i]->packets != 0) ++hit;
  }
  EXPECT_EQ(bulk[10].error().type, T::kNotFound);
  EXPECT_FALSE(bulk[160].value().last_seen.has_value());  // the TCAM rule
  EXPECT_EQ(hit, 55u);  // 0, 3, .., 159, and 9 twice
  EXPECT_EQ(bulk[9]->packets, 2u);
  EXPECT_EQ(bulk[161]->packets, 2u);
  // Flows far apart (a command each: more commands than ring slots, several doorbells).
  std::vector<std::pair<std::uint32_t, Flow>> by_handle;
  for (unsigned i = 0; i < 160; ++i)
    if (i != 10) by_handle.emplace_back(*ft.hw_handle(flows[i]), flows[i]);
  std::sort(by_handle.begin(), by_handle.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Flow> sparse;
  std::int64_t last = -100;
  for (const auto& [h, f] : by_handle) {
    if (h >= last + 40) {
      sparse.push_back(f);
      last = h;
    }
  }
  ASSERT_GE(sparse.size(), 5u);
  const auto sb = ft.query_bulk(sparse);
  for (std::size_t i = 0; i < sparse.size(); ++i) {
    ASSERT_TRUE(sb[i].ok()) << i;
    EXPECT_EQ(sb[i]->packets, ft.query(sparse[i])->packets) << i;
    EXPECT_EQ(sb[i]->last_seen, ft.query(sparse[i])->last_seen) << i;
  }
  // Destroyed and created again (the same key, the same entry; it had 2 packets): zero.
  const auto h9 = ft.hw_handle(flows[9]);
  ASSERT_TRUE(ft.destroy(flows[9]).ok());
  auto again = ft.create(rules[9]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ft.hw_handle(*again), h9);
  const auto fresh = ft.query_bulk(std::vector<Flow>{*again});
  ASSERT_TRUE(fresh[0].ok());
  EXPECT_EQ(fresh[0]->packets, 0u);
  EXPECT_EQ(fresh[0]->last_seen, 0u);
  EXPECT_TRUE(ft.flush().ok());
}

TEST_F(FlowTest, TableFullIsReported) {
  // Insert distinct keys until the NIC says TABLE_FULL.
  const unsigned entries = drv.features().em_entries;
  unsigned ok = 0;
  std::optional<FlowError> full;
  for (unsigned i = 0; i < entries + 500 && !full; ++i) {
    auto f = ft.create({.ingress_vport = 0},
                       tcp4_pattern(0x0a000001, 0x0a000002, static_cast<std::uint16_t>(i), 80),
                       {{ActionDrop{}}});
    if (f.ok())
      ++ok;
    else
      full = f.error();
  }
  ASSERT_TRUE(full.has_value()) << "never full";
  EXPECT_EQ(full->type, T::kTableFull) << full->to_string();
  EXPECT_LE(ok, entries);
  EXPECT_GE(ok, 8u) << "two buckets of 4 ways at least";
  EXPECT_EQ(ft.em_count(), ok);
  EXPECT_EQ(ft.size(), ok);
  // TCAM: every rule, then TABLE_FULL.
  for (unsigned i = 0; i < drv.features().tcam_entries; ++i) {
    ASSERT_TRUE(ft.create({.priority = i}, {{ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = i}}}}},
                          {{ActionDrop{}}})
                    .ok());
  }
  auto t = ft.create({}, {{ItemEth{}, ItemIpv6{}}}, {{ActionDrop{}}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().type, T::kTableFull);
  EXPECT_TRUE(ft.flush().ok());
  EXPECT_EQ(ft.em_count(), 0u);
}

// The batch through the flow-command ring on the backend's NIC against one rule at a time
// through the registers of the golden model (on the model backend: two models).
TEST(FlowBatch, CommandRingEqualsRegisterPath) {
  const auto a = make_world();
  const auto b = make_model_world();
  Driver da = Driver::probe(a->device()), db = Driver::probe(b->device());
  da.enable();
  db.enable();
  FlowTable fa(da), fb(db);
  fa.set_command_ring_size(6);  // 64 slots: several doorbells
  std::vector<FlowRule> rules;
  for (unsigned i = 0; i < 300; ++i) {
    rules.push_back({{.ingress_vport = 0},
                     tcp4_pattern(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80),
                     {ActionMark{i}, ActionDrop{}}});
  }
  rules.push_back(rules[7]);                                         // duplicate
  rules.push_back({{}, {{ItemEth{}, ItemIpv6{}}}, {ActionDrop{}}});  // TCAM
  rules.push_back({{},
                   {{ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.ttl = 1}, .mask = Ipv4Hdr{.ttl = 1}}}}},
                   {ActionDrop{}}});  // invalid
  const auto ra = fa.create_batch(rules);
  ASSERT_EQ(ra.size(), rules.size());
  std::vector<Result<Flow>> rb;
  for (const auto& r : rules) rb.push_back(fb.create(r));
  for (std::size_t i = 0; i < rules.size(); ++i) {
    ASSERT_EQ(ra[i].ok(), rb[i].ok()) << i;
    if (ra[i].ok()) {
      EXPECT_EQ(fa.hw_handle(*ra[i]), fb.hw_handle(*rb[i])) << i;
      EXPECT_EQ(fa.table_of(*ra[i]), fb.table_of(*rb[i]));
    } else {
      EXPECT_EQ(ra[i].error().type, rb[i].error().type) << i;
    }
  }
  EXPECT_EQ(ra[300].error().type, T::kExists);
  EXPECT_EQ(ra[301].ok(), true);
  EXPECT_EQ(ra[302].error().type, T::kItem);
  EXPECT_EQ(fa.em_count(), 300u);
  EXPECT_EQ(fa.em_count(), fb.em_count());
  // Same traffic, same result.
  for (unsigned i = 0; i < 300; i += 13) {
    const auto f = tcp4(0x0a000000 + i, 0x0a0000ff, static_cast<std::uint16_t>(i), 80);
    a->wire_rx(f);
    b->wire_rx(f);
  }
  a->settle();
  const Stats sa = da.stats(), sb = db.stats();
  EXPECT_EQ(sa.em_hits, 24u);
  EXPECT_EQ(sa.em_hits, sb.em_hits);
  EXPECT_EQ(sa.drop_flow, sb.drop_flow);
  EXPECT_TRUE(sa.ledger_balanced() && sb.ledger_balanced());
  EXPECT_EQ(fa.query(*ra[13])->packets, 1u);
  a->check_end(sa);
  b->check_end(sb);
}

TEST(FlowBatch, TableFullThroughTheRingIsReportedPerRule) {
  const auto a = make_world();
  const auto b = make_model_world();
  Driver da = Driver::probe(a->device()), db = Driver::probe(b->device());
  FlowTable fa(da), fb(db);
  fa.set_command_ring_size(4);
  const unsigned entries = da.features().em_entries, n = entries + 72;
  std::vector<FlowRule> rules;
  for (unsigned i = 0; i < n; ++i) {
    rules.push_back({{.ingress_vport = 2},
                     tcp4_pattern(0x0a000001, 0x0a000002, static_cast<std::uint16_t>(i), 80),
                     {ActionDrop{}}});
  }
  const auto ra = fa.create_batch(rules);
  unsigned ok = 0, full = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto rb = fb.create(rules[i]);
    ASSERT_EQ(ra[i].ok(), rb.ok()) << i;
    if (ra[i].ok()) {
      ++ok;
      EXPECT_EQ(fa.hw_handle(*ra[i]), fb.hw_handle(*rb));
    } else {
      ++full;
      EXPECT_EQ(ra[i].error().type, T::kTableFull) << ra[i].error().to_string();
      EXPECT_EQ(rb.error().type, T::kTableFull);
    }
  }
  EXPECT_EQ(ok + full, n);
  EXPECT_GE(full, 72u) << "at most " << entries << " fit";
  EXPECT_EQ(fa.em_count(), ok);
  EXPECT_EQ(fa.size(), ok);
}

TEST_F(FlowTest, EncapTemplateMeterAndVlan) {
  vnic(1, 0, 1);
  TxQueue tx(drv, 0, {.vport = 1});
  // Encap to the wire with a VXLAN template.
  const auto tpl =
      encap_template_v4(mac(0x0a0b0c0d0e0f), mac(0x020000000099), 0xc0000201, 0xc0000202, 5000);
  ASSERT_TRUE(ft.set_encap_template(1, tpl).ok());
  EXPECT_EQ(ft.set_encap_template(8, tpl).error().type, T::kAction);
  auto f = ft.create({.ingress_vport = 1}, tcp4_pattern(0x0a000001, 0x0a000002, 1, 2),
                     {{ActionVxlanEncap{1}, ActionPort{0}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  const auto inner = tcp4(0x0a000001, 0x0a000002, 1, 2, 32, kMacVnic1, kMacGw);
  ASSERT_TRUE(tx.send(inner));
  auto out = w.wire_tx();
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->data.size(), inner.size() + 50);
  EXPECT_EQ(out->data[0], 0x0a);
  EXPECT_EQ(out->data[23], 17);                         // UDP
  EXPECT_EQ(out->data[36] << 8 | out->data[37], 4789);  // VXLAN port
  EXPECT_EQ(out->data[42], 0x08);                       // I flag
  EXPECT_EQ((out->data[46] << 16 | out->data[47] << 8 | out->data[48]), 5000);
  EXPECT_TRUE(std::equal(inner.begin(), inner.end(), out->data.begin() + 50));

  // Meter: burst of 150 bytes, no refill: one 100-byte frame passes, the second is dropped.
  ASSERT_TRUE(ft.set_meter(1, 0, 150).ok());
  EXPECT_EQ(*ft.meter_tokens(1), 150u);
  ASSERT_TRUE(ft.create({.ingress_vport = 1}, tcp4_pattern(0x0a000001, 0x0a000002, 7, 8),
                        {{ActionMeter{1}, ActionPushVlan{}, ActionSetVlanVid{77}, ActionPort{0}}})
                  .ok());
  const auto m = tcp4(0x0a000001, 0x0a000002, 7, 8, 46, kMacVnic1, kMacGw);
  ASSERT_TRUE(tx.send(m));
  ASSERT_TRUE(tx.send(m));
  w.settle();
  EXPECT_EQ(drv.stats().drop_meter, 1u);
  EXPECT_EQ(*ft.meter_tokens(1), 50u);
  out = w.wire_tx();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->data.size(), m.size() + 4);
  EXPECT_EQ(out->data[12] << 8 | out->data[13], 0x8100);
  EXPECT_EQ((out->data[14] << 8 | out->data[15]) & 0x0fff, 77);
  EXPECT_FALSE(w.wire_tx().has_value());
  (void)tx.reap();
}

// NVGRE and Geneve templates (docs/spec.md 5.5): the encap action names the template's tunnel
// type; a mismatch, a second encap and a reserved type are typed errors; the frames leave
// with the outer headers of their type and the original frame behind them.
TEST_F(FlowTest, NvgreAndGeneveEncap) {
  vnic(1, 0, 1);
  TxQueue tx(drv, 0, {.vport = 1});
  auto nvgre =
      encap_template_v4(mac(0x0a0b0c0d0e0f), mac(0x020000000099), 0xc0000201, 0xc0000202, 0x123456);
  nvgre.set_tunnel(fmt::EncapTunnel::kNvgre);
  auto geneve = nvgre;
  geneve.set_tunnel(fmt::EncapTunnel::kGeneve);
  geneve.udp_dport = 6081;
  ASSERT_TRUE(ft.set_encap_template(2, nvgre).ok());
  ASSERT_TRUE(ft.set_encap_template(3, geneve).ok());
  EXPECT_EQ(ft.encap_tunnel(2), fmt::EncapTunnel::kNvgre);
  EXPECT_EQ(ft.encap_tunnel(4), fmt::EncapTunnel::kVxlan);  // never written: the default
  auto reserved = nvgre;
  reserved.flags = static_cast<std::uint8_t>(reserved.flags | EncapTemplate::kTunnelMask);
  EXPECT_EQ(ft.set_encap_template(4, reserved).error().type, T::kAction);
  EXPECT_EQ(ft.encap_tunnel(4), fmt::EncapTunnel::kVxlan);
  const auto pat = tcp4_pattern(0x0a000001, 0x0a000002, 1, 2);
  EXPECT_EQ(expect_error({.ingress_vport = 1}, pat, {{ActionVxlanEncap{2}, ActionPort{0}}}).type,
            T::kAction);
  EXPECT_EQ(expect_error({.ingress_vport = 1}, pat, {{ActionNvgreEncap{3}, ActionPort{0}}}).type,
            T::kAction);
  EXPECT_EQ(expect_error({.ingress_vport = 1}, pat,
                         {{ActionNvgreEncap{2}, ActionGeneveEncap{3}, ActionPort{0}}})
                .type,
            T::kAction);

  ASSERT_TRUE(ft.create({.ingress_vport = 1}, pat, {{ActionNvgreEncap{2}, ActionPort{0}}}).ok());
  ASSERT_TRUE(ft.create({.ingress_vport = 1}, tcp4_pattern(0x0a000001, 0x0a000002, 3, 4),
                        {{ActionGeneveEncap{3}, ActionPort{0}}})
                  .ok());
  const auto in1 = tcp4(0x0a000001, 0x0a000002, 1, 2, 32, kMacVnic1, kMacGw);
  const auto in2 = tcp4(0x0a000001, 0x0a000002, 3, 4, 32, kMacVnic1, kMacGw);
  ASSERT_TRUE(tx.send(in1));
  ASSERT_TRUE(tx.send(in2));
  w.settle();
  auto out = w.wire_tx();
  ASSERT_TRUE(out.has_value());
  const auto& o = out->data;
  ASSERT_EQ(o.size(), in1.size() + 42);  // Ethernet 14, IPv4 20, GRE with key 8
  EXPECT_EQ(o[16] << 8 | o[17], static_cast<int>(in1.size() + 28));  // IPv4 total length
  EXPECT_EQ(o[23], 47);                                                // GRE
  EXPECT_EQ(o[34] << 8 | o[35], 0x2000);                               // K
  EXPECT_EQ(o[36] << 8 | o[37], 0x6558);
  EXPECT_EQ(o[38] << 16 | o[39] << 8 | o[40], 0x123456);               // VSID
  EXPECT_TRUE(std::equal(in1.begin(), in1.end(), o.begin() + 42));
  out = w.wire_tx();
  ASSERT_TRUE(out.has_value());
  const auto& g = out->data;
  ASSERT_EQ(g.size(), in2.size() + 50);
  EXPECT_EQ(g[23], 17);                                                // UDP
  EXPECT_EQ(g[36] << 8 | g[37], 6081);
  EXPECT_EQ(g[42], 0);                                                 // version 0, no options
  EXPECT_EQ(g[44] << 8 | g[45], 0x6558);
  EXPECT_EQ(g[46] << 16 | g[47] << 8 | g[48], 0x123456);               // VNI
  EXPECT_TRUE(std::equal(in2.begin(), in2.end(), g.begin() + 50));
  EXPECT_FALSE(w.wire_tx().has_value());
  (void)tx.reap();
}

TEST_F(FlowTest, MeterRefillsWithTime) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  // One byte per 256-cycle tick: the RTL's extra clocks between frames (a few hundred) add a
  // byte or two, far from the 50-byte steps below.
  ASSERT_TRUE(ft.set_meter(2, /*bytes per 256-cycle tick=*/1, /*burst=*/100).ok());
  EXPECT_EQ(ft.set_meter(8, 1, 1).error().type, T::kAction) << "meters are 1..7";
  ASSERT_TRUE(
      ft.create({.ingress_vport = 0}, tcp4_pattern(1, 2, 3, 4), {{ActionMeter{2}, ActionVnic{1}}})
          .ok());
  const auto f = tcp4(1, 2, 3, 4, 46);  // 100 bytes
  w.wire_rx(f);                       // the burst
  w.wire_rx(f);                       // empty bucket
  EXPECT_EQ(rx.poll().size(), 1u);
  w.advance(256 * 50);  // 50 bytes of tokens: not enough
  w.wire_rx(f);
  EXPECT_EQ(rx.poll().size(), 0u);
  w.advance(256 * 50);  // 50 + 50
  w.wire_rx(f);
  EXPECT_EQ(rx.poll().size(), 1u);
  EXPECT_LT(*ft.meter_tokens(2), 10u) << "the 100-byte frame took the bucket";
  EXPECT_EQ(drv.stats().drop_meter, 2u);
}

TEST_F(FlowTest, DecapDeliversTheInnerFrame) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  auto f = ft.create({.ingress_vport = 0},
                     {{ItemEth{}, ItemIpv4{},
                       ItemUdp{{.spec = UdpHdr{.dport = 4789}, .mask = UdpHdr{.dport = 0xffff}}},
                       ItemVxlan{{.spec = TunHdr{42}}}, ItemEth{},
                       ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000001, .dst = 0x0a000002}}},
                       ItemTcp{{.spec = TcpHdr{.sport = 1, .dport = 2}}}}},
                     {{ActionVxlanDecap{}, ActionVnic{1}}});
  ASSERT_TRUE(f.ok()) << f.error().to_string();
  EXPECT_EQ(ft.table_of(*f), FlowTableKind::kExact);
  const auto inner = tcp4(0x0a000001, 0x0a000002, 1, 2);
  const auto outer =
      model::PacketBuilder()
          .eth()
          .ipv4({.src = model::Ipv4Addr(0xc0000201), .dst = model::Ipv4Addr(0xc0000202)})
          .udp()
          .vxlan({.vni = 42})
          .payload(inner)
          .bytes();
  w.wire_rx(outer);
  auto p = rx.poll();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].bytes, inner);
  EXPECT_EQ(drv.stats().em_hits, 1u);
  // Another VNI misses.
  const auto other =
      model::PacketBuilder().eth().ipv4().udp().vxlan({.vni = 43}).payload(inner).bytes();
  w.wire_rx(other);
  EXPECT_EQ(rx.poll().size(), 0u);
  EXPECT_EQ(drv.stats().misses, 1u);
}

// Every kind of key the compiler builds must be the key the NIC builds: install one exact
// flow per kind, send the matching packet, and expect an EM hit carrying that flow's mark.
TEST_F(FlowTest, ExactKeysOfEveryKindHitOnTheNic) {
  vnic(1, 0, 1);
  RxQueue rx(drv, 0, {});
  RxQueue exc = RxQueue::exception(drv, {});
  using model::PacketBuilder;
  const Ipv6 a6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const Ipv6 b6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  const auto m6a = model::Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
  const auto m6b = model::Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2});
  const Ipv4Hdr ip{.src = 0x0a000001, .dst = 0x0a000002};
  struct Case {
    const char* name;
    std::vector<FlowItem> pattern;
    std::vector<std::uint8_t> frame;
  };
  const std::vector<Case> cases{
      {"vlan/ipv4/udp",
       {ItemEth{}, ItemVlan{{.spec = VlanHdr{.tci = 100}}}, ItemIpv4{{.spec = ip}},
        ItemUdp{{.spec = UdpHdr{.sport = 53, .dport = 53}}}},
       PacketBuilder()
           .eth()
           .vlan({.vid = 100})
           .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
           .udp({.sport = 53, .dport = 53})
           .payload(20)
           .bytes()},
      {"ipv6/tcp",
       {ItemEth{}, ItemIpv6{{.spec = Ipv6Hdr{.src = a6, .dst = b6}}},
        ItemTcp{{.spec = TcpHdr{.sport = 9, .dport = 10}}}},
       PacketBuilder()
           .eth()
           .ipv6({.src = m6a, .dst = m6b})
           .tcp({.sport = 9, .dport = 10})
           .payload(20)
           .bytes()},
      {"ipv4/icmp echo",
       {ItemEth{}, ItemIpv4{{.spec = ip}},
        ItemIcmp{{.spec = IcmpHdr{.type = 8, .code = 0, .ident = 0x1234},
                  .mask = IcmpHdr{.type = 0xff, .code = 0xff, .ident = 0xffff}}}},
       PacketBuilder()
           .eth()
           .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
           .icmp({.type = 8, .rest = 0x12340001})
           .payload(20)
           .bytes()},
      {"ipv6/icmpv6 non-echo",
       {ItemEth{}, ItemIpv6{{.spec = Ipv6Hdr{.src = a6, .dst = b6}}},
        ItemIcmpv6{{.spec = IcmpHdr{.type = 135, .code = 0}}}},
       PacketBuilder()
           .eth()
           .ipv6({.src = m6a, .dst = m6b})
           .icmpv6({.type = 135})
           .payload(20)
           .bytes()},
      {"arp (not IP)",
       {ItemEth{{.spec = EthHdr{.type = 0x0806}, .mask = EthHdr{.type = 0xffff}}}},
       PacketBuilder().eth().arp().bytes()},
      {"ipv4 other protocol",
       {ItemEth{},
        ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000001, .dst = 0x0a000002, .proto = 132},
                  .mask = Ipv4Hdr{.src = 0xffffffff, .dst = 0xffffffff, .proto = 0xff}}}},
       PacketBuilder()
           .eth()
           .ipv4({.src = model::Ipv4Addr(0x0a000001),
                  .dst = model::Ipv4Addr(0x0a000002),
                  .proto = 132})
           .payload(20)
           .bytes()},
      {"nvgre",
       {ItemEth{}, ItemIpv4{}, ItemNvgre{{.spec = TunHdr{0x777}}}, ItemEth{},
        ItemIpv4{{.spec = ip}}, ItemTcp{{.spec = TcpHdr{.sport = 1, .dport = 2}}}},
       PacketBuilder()
           .eth()
           .ipv4()
           .nvgre(0x777)
           .eth()
           .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
           .tcp({.sport = 1, .dport = 2})
           .payload(10)
           .bytes()},
      {"geneve",
       {ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemGeneve{{.spec = TunHdr{0x4242}}}, ItemEth{},
        ItemIpv4{{.spec = ip}}, ItemUdp{{.spec = UdpHdr{.sport = 7, .dport = 8}}}},
       PacketBuilder()
           .eth()
           .ipv4()
           .udp()
           .geneve({.vni = 0x4242})
           .eth()
           .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
           .udp({.sport = 7, .dport = 8})
           .payload(10)
           .bytes()},
      {"gre key",
       {ItemEth{}, ItemIpv4{},
        ItemGre{{.spec = GreHdr{.key = 0xabcdef}, .mask = GreHdr{.key = 0xffffff}}},
        ItemIpv4{{.spec = ip}}, ItemUdp{{.spec = UdpHdr{.sport = 7, .dport = 8}}}},
       PacketBuilder()
           .eth()
           .ipv4()
           .gre({.key = 0xabcdef})
           .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(0x0a000002)})
           .udp({.sport = 7, .dport = 8})
           .payload(10)
           .bytes()},
  };
  for (std::uint32_t i = 0; i < cases.size(); ++i) {
    auto f = ft.create({.ingress_vport = 0}, cases[i].pattern, {{ActionMark{i}, ActionVnic{1}}});
    ASSERT_TRUE(f.ok()) << cases[i].name << ": " << f.error().to_string();
    EXPECT_EQ(ft.table_of(*f), FlowTableKind::kExact) << cases[i].name;
  }
  for (std::uint32_t i = 0; i < cases.size(); ++i) {
    w.wire_rx(cases[i].frame);
    auto p = rx.poll();
    ASSERT_EQ(p.size(), 1u) << cases[i].name << " missed";
    EXPECT_TRUE(p[0].mark_valid);
    EXPECT_EQ(p[0].mark, i) << cases[i].name;
  }
  EXPECT_EQ(exc.poll().size(), 0u);
  EXPECT_EQ(drv.stats().em_hits, cases.size());
}

}  // namespace
}  // namespace nicsim::host::test
