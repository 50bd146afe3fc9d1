// SPDX-License-Identifier: MIT
// EM table (spec 4.2), TCAM (4.3), meters (5.4), action record and encap template layouts.
#include <gtest/gtest.h>

#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/em_table.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/meter.hpp"
#include "nicsim/model/tcam.hpp"

namespace nicsim::model {
namespace {

FlowKey key_n(std::uint32_t n) {
  FlowKey k{};
  k[0] = 1;
  store_be32(&k[38], n);
  return k;
}

TEST(ExactMatch, InsertLookupDeleteAndHandles) {
  ExactMatchTable t(16);
  EXPECT_EQ(t.capacity(), 128u);
  const FlowKey k = key_n(1);
  const auto a = forward_to_vnic(3);
  const auto r = t.insert(k, a);
  ASSERT_EQ(r.status, FlowStatus::kOk);
  const CrcPair h = crc32c_and_crc32(k);
  EXPECT_EQ(r.handle, (h.h1 % 16) * 4);  // bank 0, first way
  EXPECT_EQ(t.find(k), r.handle);
  EXPECT_EQ(t.count(), 1u);
  EXPECT_EQ(t.insert(k, forward_to_wire()).status, FlowStatus::kExists);
  EXPECT_EQ(t.action(r.handle), a);  // unchanged by the refused insert
  t.hit(r.handle, 100, 0x12345678);
  t.hit(r.handle, 60, 0x23456789);
  EmEntry e;
  ASSERT_TRUE(t.read(r.handle, e));
  EXPECT_EQ(e.key, k);
  EXPECT_EQ(e.counters.pkts, 2u);
  EXPECT_EQ(e.counters.bytes, 160u);
  EXPECT_EQ(e.counters.last_seen, 0x2345u);
  EXPECT_EQ(t.erase(k), FlowStatus::kOk);
  EXPECT_EQ(t.erase(k), FlowStatus::kNotFound);
  EXPECT_EQ(t.erase_handle(r.handle), FlowStatus::kNotFound);
  EXPECT_EQ(t.erase_handle(100000), FlowStatus::kNotFound);
  EXPECT_EQ(t.find(k), kNoHandle);
  EXPECT_EQ(t.count(), 0u);
  // Re-insert starts with fresh counters.
  const auto r2 = t.insert(k, a);
  ASSERT_TRUE(t.read(r2.handle, e));
  EXPECT_EQ(e.counters.pkts, 0u);
  EXPECT_EQ(t.erase_handle(r2.handle), FlowStatus::kOk);
}

// find_h1 (the pipeline's lookup) reads way 0 of the bank-0 bucket straight from its slot,
// without the bucket header: erase, clear and re-insert must be seen there as in find.
TEST(ExactMatch, FindH1SeesEraseClearAndOtherWays) {
  ExactMatchTable t(1);  // one bucket per bank: ways 0..3 of bucket 0, then bank 1
  std::vector<FlowKey> keys;
  for (std::uint32_t n = 0; n < 6; ++n) {
    keys.push_back(key_n(n));
    ASSERT_EQ(t.insert(keys.back(), forward_to_wire()).handle, n);
  }
  const auto h1 = [](const FlowKey& k) { return crc32c_and_crc32(k).h1; };
  for (std::uint32_t n = 0; n < 6; ++n) EXPECT_EQ(t.find_h1(keys[n], h1(keys[n])), n);
  EXPECT_EQ(t.find_h1(key_n(99), h1(key_n(99))), kNoHandle);
  ASSERT_EQ(t.erase(keys[0]), FlowStatus::kOk);  // way 0: its slot still holds the key
  EXPECT_EQ(t.find_h1(keys[0], h1(keys[0])), kNoHandle);
  EXPECT_EQ(t.find_h1(keys[1], h1(keys[1])), 1u);
  ASSERT_EQ(t.insert(key_n(7), forward_to_wire()).handle, 0u);  // way 0 reused
  EXPECT_EQ(t.find_h1(keys[0], h1(keys[0])), kNoHandle);
  EXPECT_EQ(t.find_h1(key_n(7), h1(key_n(7))), 0u);
  EXPECT_EQ(t.counters(0).pkts, 0u);
  t.clear();
  for (std::uint32_t n = 1; n < 6; ++n) EXPECT_EQ(t.find_h1(keys[n], h1(keys[n])), kNoHandle);
  EXPECT_EQ(t.find_h1(key_n(7), h1(key_n(7))), kNoHandle);
  ASSERT_EQ(t.insert(keys[0], forward_to_wire()).handle, 0u);
  EXPECT_EQ(t.find_h1(keys[0], h1(keys[0])), 0u);
}

TEST(ExactMatch, FullCandidateBucketsGiveTableFull) {
  ExactMatchTable t(8);
  const FlowKey target = key_n(0xDEAD);
  const CrcPair th = crc32c_and_crc32(target);
  // Fill bank 0 bucket (h1) with keys landing there first, then bank 1 bucket (h2).
  std::vector<FlowKey> b0;
  std::vector<FlowKey> b1;
  for (std::uint32_t n = 1; b0.size() < 4 || b1.size() < 4; ++n) {
    const FlowKey k = key_n(n);
    const CrcPair h = crc32c_and_crc32(k);
    if (h.h1 % 8 == th.h1 % 8 && b0.size() < 4) b0.push_back(k);
    else if (h.h2 % 8 == th.h2 % 8 && h.h1 % 8 != th.h1 % 8 && b1.size() < 4) b1.push_back(k);
  }
  for (std::size_t i = 0; i < 4; ++i) {
    const auto r = t.insert(b0[i], forward_to_wire());
    ASSERT_EQ(r.status, FlowStatus::kOk);
    EXPECT_EQ(r.handle, (th.h1 % 8) * 4 + i);
  }
  // The bank-0 bucket is full: the target would now go to bank 1. Fill that first.
  std::size_t placed = 0;
  for (const auto& k : b1) {
    const auto r = t.insert(k, forward_to_wire());
    ASSERT_EQ(r.status, FlowStatus::kOk);
    if (r.handle / 4 == 8 + th.h2 % 8) ++placed;
  }
  // b1 keys go to their own bank-0 bucket first; top up the target's bank-1 bucket directly.
  for (std::uint32_t n = 100000; placed < 4; ++n) {
    const FlowKey k = key_n(n);
    const CrcPair h = crc32c_and_crc32(k);
    if (h.h2 % 8 != th.h2 % 8) continue;
    const auto r = t.insert(k, forward_to_wire());
    if (r.status == FlowStatus::kOk && r.handle / 4 == 8 + th.h2 % 8) ++placed;
  }
  EXPECT_EQ(t.insert(target, forward_to_wire()).status, FlowStatus::kTableFull);
  // Free one way of the bank-0 bucket: the insert now lands there.
  ASSERT_EQ(t.erase(b0[2]), FlowStatus::kOk);
  const auto r = t.insert(target, forward_to_wire());
  EXPECT_EQ(r.status, FlowStatus::kOk);
  EXPECT_EQ(r.handle, (th.h1 % 8) * 4 + 2);
}

TEST(ExactMatch, SecondBankUsedWhenFirstFull) {
  ExactMatchTable t(1);  // one bucket per bank: 8 entries
  std::vector<std::uint32_t> handles;
  for (std::uint32_t n = 0; n < 8; ++n) {
    const auto r = t.insert(key_n(n), forward_to_wire());
    ASSERT_EQ(r.status, FlowStatus::kOk);
    handles.push_back(r.handle);
  }
  EXPECT_EQ(handles, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(t.insert(key_n(8), forward_to_wire()).status, FlowStatus::kTableFull);
  for (std::uint32_t n = 0; n < 8; ++n) EXPECT_EQ(t.find(key_n(n)), n);
}

TEST(ExactMatch, RejectsNonPowerOfTwo) { EXPECT_THROW(ExactMatchTable(12), std::invalid_argument); }

TEST(ExactMatch, SixtyFourKEntriesMostlyFit) {
  ExactMatchTable t(8192);
  std::uint32_t ok = 0;
  for (std::uint32_t n = 0; n < 50000; ++n)
    ok += t.insert(key_n(n), forward_to_wire()).status == FlowStatus::kOk ? 1 : 0;
  EXPECT_EQ(t.count(), ok);
  EXPECT_GT(ok, 49000u);
  for (std::uint32_t n = 0; n < 50000; n += 997) {
    const std::uint32_t h = t.find(key_n(n));
    if (h != kNoHandle) {
      EXPECT_EQ(t.key(h), key_n(n));
    }
  }
}

TEST(Tcam, PriorityOverlapAndTies) {
  Tcam t(16);
  TcamKey any{};
  TcamKey m_vport{};
  m_vport[0] = 0xFF;
  TcamKey v1{};
  v1[0] = 1;
  TcamKey k{};
  k[0] = 1;
  k[5] = 6;
  EXPECT_EQ(t.lookup(k), kNoTcamIndex);
  ASSERT_TRUE(t.write(5, 100, any, any, forward_to_wire()));  // matches everything
  EXPECT_EQ(t.lookup(k), 5);
  ASSERT_TRUE(t.write(9, 50, v1, m_vport, forward_to_vnic(1)));  // vport 1, better priority
  EXPECT_EQ(t.lookup(k), 9);
  k[0] = 2;
  EXPECT_EQ(t.lookup(k), 5);
  k[0] = 1;
  ASSERT_TRUE(t.write(12, 50, v1, m_vport, forward_to_vnic(2)));  // tie: lower index wins
  EXPECT_EQ(t.lookup(k), 9);
  ASSERT_TRUE(t.write(3, 50, v1, m_vport, forward_to_vnic(2)));
  EXPECT_EQ(t.lookup(k), 3);
  // Value bits outside the mask are ignored.
  TcamKey v_dirty = v1;
  v_dirty[7] = 0x55;
  ASSERT_TRUE(t.write(0, 10, v_dirty, m_vport, forward_to_vnic(4)));
  EXPECT_EQ(t.lookup(k), 0);
  // A masked byte in the last word (EtherType) must match.
  TcamKey m_et{};
  m_et[54] = m_et[55] = 0xFF;
  TcamKey v_et{};
  v_et[54] = 0x08;
  ASSERT_TRUE(t.write(1, 1, v_et, m_et, forward_to_vnic(5)));
  EXPECT_EQ(t.lookup(k), 0);
  k[54] = 0x08;
  EXPECT_EQ(t.lookup(k), 1);
  ASSERT_TRUE(t.clear(1));
  EXPECT_EQ(t.lookup(k), 0);
  EXPECT_FALSE(t.write(16, 1, any, any, forward_to_wire()));
  EXPECT_FALSE(t.clear(16));
  t.hit(0, 64);
  t.hit(0, 100);
  EXPECT_EQ(t.rule(0).pkts, 2u);
  EXPECT_EQ(t.rule(0).bytes, 164u);
  ASSERT_TRUE(t.write(0, 10, v1, m_vport, forward_to_vnic(4)));
  EXPECT_EQ(t.rule(0).pkts, 0u);
}

TEST(Meter, PassDropAndRefillOverTime) {
  MeterBank m(4);
  EXPECT_FALSE(m.configure(0, 1, 1, 0));
  EXPECT_FALSE(m.configure(4, 1, 1, 0));
  ASSERT_TRUE(m.configure(1, /*rate*/ 100, /*burst*/ 1000, /*now*/ 0));
  EXPECT_TRUE(m.check(1, 600, 10));   // tick 0: 1000 -> 400
  EXPECT_FALSE(m.check(1, 600, 20));  // 400 < 600
  EXPECT_EQ(m.state(1).tokens, 400u);
  EXPECT_TRUE(m.check(1, 600, 2 * 256 + 5));  // tick 2: 400 + 200 = 600 -> 0
  EXPECT_EQ(m.state(1).tokens, 0u);
  EXPECT_TRUE(m.check(1, 1000, 100 * 256));  // refill capped at burst
  EXPECT_EQ(m.state(1).last_tick, 100u);
  // Tick counter wrap: elapsed is computed mod 2^32.
  ASSERT_TRUE(m.configure(2, 10, 50, (std::uint64_t{0xFFFFFFFF}) << 8));
  EXPECT_TRUE(m.check(2, 50, (std::uint64_t{0xFFFFFFFF}) << 8));
  EXPECT_FALSE(m.check(2, 25, std::uint64_t{1} << 40));  // tick 0 after wrap: +10
  EXPECT_TRUE(m.check(2, 20, (std::uint64_t{1} << 40) + 256));  // +10 -> 20
  // Huge elapsed * rate does not overflow 32 bits.
  ASSERT_TRUE(m.configure(3, 0xFFFFFFFF, 0xFFFFFFF0, 0));
  EXPECT_TRUE(m.check(3, 0xFFFFFFF0, 0));
  EXPECT_TRUE(m.check(3, 0xFFFFFFF0, 1000 * 256));
}

TEST(ActionRecord, EncodeMatchesSpecLayout) {
  ActionRecord a;
  a.flags = ActionRecord::kDecap | ActionRecord::kSetSip | ActionRecord::kMirror;
  a.set_vlan_op(VlanOp::kRewrite).set_dest_type(ActionDest::kVnic).set_dest_id(7);
  a.vlan_tci = 0xA123;
  a.meter = 0x0102;
  a.dmac = {1, 2, 3, 4, 5, 6};
  a.smac = {7, 8, 9, 10, 11, 12};
  a.mark_value = 0xCAFEBABE;
  a.sport = 0x1234;
  a.dport = 0x5678;
  a.sip[15] = 0x99;
  a.dip[0] = 0x20;
  a.encap_index = 0x0203;
  const auto b = a.encode();
  // flags: decap(0) | vlan_op 3 (bits 3:2) | set_sip(6) | mirror(12) | dest 2 (15:13) | id 7
  const std::uint32_t flags = 1u | (3u << 2) | (1u << 6) | (1u << 12) | (2u << 13) | (7u << 16);
  EXPECT_EQ(b[0], flags & 0xFF);
  EXPECT_EQ(b[1], (flags >> 8) & 0xFF);
  EXPECT_EQ(b[2], 7);
  EXPECT_EQ(b[3], 0);
  EXPECT_EQ(b[4], 0x23);
  EXPECT_EQ(b[5], 0xA1);
  EXPECT_EQ(b[6], 0x02);
  EXPECT_EQ(b[7], 0x01);
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(b[19], 12);
  EXPECT_EQ(b[20], 0xBE);
  EXPECT_EQ(b[23], 0xCA);
  EXPECT_EQ(b[24], 0x12);
  EXPECT_EQ(b[27], 0x78);
  EXPECT_EQ(b[43], 0x99);
  EXPECT_EQ(b[44], 0x20);
  EXPECT_EQ(b[60], 0x03);
  EXPECT_EQ(b[61], 0x02);
  EXPECT_EQ(ActionRecord::decode(b), a);
  EXPECT_EQ(a.dest_type(), ActionDest::kVnic);
  EXPECT_EQ(a.dest_id(), 7);
  EXPECT_EQ(a.vlan_op(), VlanOp::kRewrite);
  // Reserved bits (flags 31:26, bytes 62..63) ignored on decode.
  auto b2 = b;
  b2[3] = 0xFC;
  b2[63] = 0xFF;
  EXPECT_EQ(ActionRecord::decode(b2), a);
  // flags bit 24: tcp_ctl_copy.
  EXPECT_FALSE(a.tcp_ctl_copy());
  auto b3 = b;
  b3[3] = 0x01;
  const ActionRecord t = ActionRecord::decode(b3);
  EXPECT_TRUE(t.tcp_ctl_copy());
  EXPECT_EQ(t.flags, a.flags | ActionRecord::kTcpCtlCopy);
  EXPECT_EQ(t.encode(), b3);
  // flags bit 25: check_osrc (the expected outer source in sip, bytes 28..43).
  EXPECT_FALSE(a.check_osrc());
  auto b4 = b;
  b4[3] = 0x02;
  const ActionRecord c = ActionRecord::decode(b4);
  EXPECT_TRUE(c.check_osrc());
  EXPECT_EQ(c.flags, a.flags | ActionRecord::kCheckOsrc);
  EXPECT_EQ(c.encode(), b4);
}

TEST(EncapTemplate, EncodeMatchesSpecLayout) {
  EncapTemplate t;
  t.dmac = {1, 2, 3, 4, 5, 6};
  t.smac = {7, 8, 9, 10, 11, 12};
  t.vlan_tci = 0x0064;
  t.set_ipv6(true);
  t.ttl = 33;
  t.udp_dport = 4789;
  t.vni = 0x123456;
  t.sip[0] = 0xFE;
  t.dip[15] = 0x01;
  const auto b = t.encode();
  EXPECT_EQ(b[12], 0x64);
  EXPECT_EQ(b[13], 0x00);
  EXPECT_EQ(b[14], 1);
  EXPECT_EQ(b[15], 33);
  EXPECT_EQ(b[16], 4789 & 0xFF);
  EXPECT_EQ(b[17], 4789 >> 8);
  EXPECT_EQ(b[18], 0x56);
  EXPECT_EQ(b[20], 0x12);
  EXPECT_EQ(b[24], 0xFE);
  EXPECT_EQ(b[55], 0x01);
  EXPECT_EQ(EncapTemplate::decode(b), t);
  EXPECT_EQ(encap_header_len(t), 14u + 4 + 40 + 16);
}

}  // namespace
}  // namespace nicsim::model
