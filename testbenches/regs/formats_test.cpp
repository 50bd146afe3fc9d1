// SPDX-License-Identifier: MIT
// The generated format codecs (nicsim/regs/nic_formats.hpp, from rtl/formats.yaml) against the
// byte tables of docs/spec.md, written out here byte by byte as an independent check.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nicsim/regs/nic_formats.hpp"

namespace fmt = nicsim::fmt;

namespace {

std::vector<std::uint8_t> from_hex(const std::string& h) {
  std::vector<std::uint8_t> b;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
    b.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  }
  return b;
}

TEST(Formats, RxCompletionBytesAsSpec71) {
  fmt::RxCpl c;
  c.len = 0x1234;
  c.slot = 0x0201;
  c.rss_hash = 0xA1B2C3D4;
  c.mark = 0x11223344;
  c.vlan_tci = 0x0FED;
  c.set_parse_err(true).set_vlan(true).set_csum_checked(true);
  c.set_l3(fmt::L3Type::kIpv6).set_l4(fmt::CplL4::kUdp).set_tun(fmt::TunType::kGeneve);
  c.src_vport = 7;
  c.reason = fmt::ExcReason::kMirror;
  c.tcam_index = 0xFFFF;
  c.h1 = 0xCAFEBABE;
  c.timestamp = 0x01020304;
  c.set_phase(true);
  const auto b = c.encode();
  const std::array<std::uint8_t, 32> want{
      0x34, 0x12, 0x01, 0x02, 0xD4, 0xC3, 0xB2, 0xA1, 0x44, 0x33, 0x22, 0x11, 0xED, 0x0F,
      0x49,                                   // status: parse_err, vlan, csum_checked
      static_cast<std::uint8_t>(2 | (2 << 2) | (4 << 5)),  // l3 IPv6, l4 UDP, Geneve
      7,    5,    0xFF, 0xFF, 0xBE, 0xBA, 0xFE, 0xCA, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0x80};
  EXPECT_EQ(b, want);
  EXPECT_EQ(fmt::RxCpl::decode(b), c);
  EXPECT_TRUE(fmt::rx_cpl::PHASE.load(b.data()) == 1);
  EXPECT_EQ(fmt::rx_cpl::SLOT.get(b), 0x0201u);
  EXPECT_EQ(fmt::RxCpl::kVlan, 0x08);
  EXPECT_EQ(fmt::RxCpl::decode(b).l4(), fmt::CplL4::kUdp);
}

TEST(Formats, DescriptorsAndTransmitCompletion) {
  fmt::RxDesc d{0x0000123456789ABCull, 2048};
  EXPECT_EQ(d.encode(), (std::array<std::uint8_t, 16>{0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0, 0,
                                                        0x00, 0x08, 0, 0, 0, 0, 0, 0}));
  fmt::TxDesc t;
  t.buf_addr = 0x1000;
  t.len = 1514;
  t.set_vport_override(true);
  t.override_vport = 3;
  EXPECT_EQ(t.encode(), (std::array<std::uint8_t, 16>{0x00, 0x10, 0, 0, 0, 0, 0, 0, 0xEA, 0x05,
                                                        0x01, 0x00, 3, 0, 0, 0}));
  fmt::TxCpl c;
  c.slot = 9;
  c.status = fmt::TxStatus::kBadOverride;
  c.set_phase(false);
  EXPECT_EQ(c.encode(), (std::array<std::uint8_t, 16>{9, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                        0, 0}));
  EXPECT_STREQ(fmt::to_string(fmt::TxStatus::kBadOverride), "bad_override");
  EXPECT_STREQ(fmt::to_string(static_cast<fmt::TxStatus>(9)), "?");
}

// The zero-copy guest ring's control block (docs/host.md): the layout guest drivers were
// written against, u16 desc_prod at 0, u16 cq_cons at 4, u32 notify at 8, u32 notify_enable
// at 12, 64 bytes.
TEST(Formats, GuestRxControlBlock) {
  fmt::GuestRxCtrl c;
  c.desc_prod = 0x1234;
  c.cq_cons = 0xBEEF;
  c.notify = 1;
  c.notify_enable = 0x01020304;
  std::array<std::uint8_t, 64> want{};
  const std::array<std::uint8_t, 16> head{0x34, 0x12, 0, 0, 0xEF, 0xBE, 0, 0,
                                          1,    0,    0, 0, 4,    3,    2, 1};
  std::copy(head.begin(), head.end(), want.begin());
  EXPECT_EQ(c.encode(), want);
  EXPECT_EQ(fmt::GuestRxCtrl::decode(want), c);
  EXPECT_EQ(fmt::guest_rx_ctrl::kBytes, 64u);
  EXPECT_EQ(fmt::guest_rx_ctrl::CQ_CONS.get(want), 0xBEEFu);
  fmt::guest_rx_ctrl::NOTIFY.put(want, 0);
  EXPECT_EQ(want[8], 0);
}

TEST(Formats, TokenVerdictCodes) {  // token_check's m_res_reason (docs/rtl-token.md)
  EXPECT_EQ(static_cast<unsigned>(fmt::TokenVerdict::kOk), 0u);
  EXPECT_EQ(static_cast<unsigned>(fmt::TokenVerdict::kBadTag), 3u);
  EXPECT_EQ(static_cast<unsigned>(fmt::TokenVerdict::kReplay), 5u);
  EXPECT_STREQ(fmt::to_string(fmt::TokenVerdict::kEniMismatch), "eni_mismatch");
  EXPECT_EQ(fmt::kTokenVerdictWidth, 3u);
}

TEST(Formats, ActionRecordAsSpec51) {
  fmt::ActionRecord a;
  a.set_decap(true).set_vlan_op(fmt::VlanOp::kPush).set_mark(true);
  a.set_dest_type(fmt::DestType::kVnic).set_dest_id(4);
  a.vlan_tci = 0x2064;
  a.meter = 3;
  a.dmac = {1, 2, 3, 4, 5, 6};
  a.mark_value = 0xDEADBEEF;
  a.sport = 0x1234;  // stored big-endian
  a.sip[15] = 9;
  a.encap_index = 0x0102;
  const auto b = a.encode();
  const std::uint32_t flags = 1u | (2u << 2) | (1u << 11) | (2u << 13) | (4u << 16);
  EXPECT_EQ(fmt::load_le(b.data(), 4), flags);
  EXPECT_EQ(b[4], 0x64);
  EXPECT_EQ(b[5], 0x20);
  EXPECT_EQ(b[6], 3);
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(b[13], 6);
  EXPECT_EQ(fmt::load_le(b.data() + 20, 4), 0xDEADBEEFu);
  EXPECT_EQ(b[24], 0x12);
  EXPECT_EQ(b[25], 0x34);
  EXPECT_EQ(b[43], 9);
  EXPECT_EQ(b[60], 0x02);
  EXPECT_EQ(b[61], 0x01);
  EXPECT_EQ(fmt::ActionRecord::decode(b), a);
  EXPECT_EQ(a.flags & fmt::ActionRecord::kDestTypeMask, 2u << fmt::ActionRecord::kDestTypeShift);
  // Reserved flag bits 31:26 are written as zero and ignored when read; bit 24 is
  // tcp_ctl_copy, bit 25 check_osrc.
  auto raw = b;
  raw[3] = 0xFC;
  EXPECT_EQ(fmt::ActionRecord::decode(raw), a);
  auto high = a;
  high.flags |= 0xFC000000u;
  EXPECT_EQ(high.encode(), b);
  auto osrc = a;
  osrc.set_check_osrc(true);
  EXPECT_EQ(osrc.encode()[3], 0x02);
  EXPECT_TRUE(fmt::ActionRecord::decode(osrc.encode()).check_osrc());
  auto ctl = a;
  ctl.set_tcp_ctl_copy(true);
  EXPECT_EQ(ctl.encode()[3], 0x01);
  EXPECT_TRUE(fmt::ActionRecord::decode(ctl.encode()).tcp_ctl_copy());
}

TEST(Formats, EncapTemplateAsSpec55) {
  fmt::EncapTemplate t;
  t.vlan_tci = 0x0123;
  t.set_ipv6(true);
  t.ttl = 64;
  t.udp_dport = 4789;
  t.vni = 0xABCDEF;
  t.dip[15] = 2;
  const auto b = t.encode();
  EXPECT_EQ(b[12], 0x23);
  EXPECT_EQ(b[14], 1);
  EXPECT_EQ(b[15], 64);
  EXPECT_EQ(fmt::load_le(b.data() + 16, 2), 4789u);
  EXPECT_EQ(b[18], 0xEF);
  EXPECT_EQ(b[20], 0xAB);
  EXPECT_EQ(b[21], 0);
  EXPECT_EQ(b[55], 2);
  EXPECT_EQ(fmt::EncapTemplate::decode(b), t);
}

TEST(Formats, FlowKeyOfSpec41) {
  // vport 1, IPv4, TCP 10.0.0.1:1234 -> 10.0.0.2:80 (the spec's hash test vector).
  const auto k = from_hex(
      "01400000000604d200500000000000000000000000000a0000010000000000000000000000000a000002");
  ASSERT_EQ(k.size(), fmt::flow_key::kBytes);
  const auto f = fmt::FlowKey::decode(k);
  EXPECT_EQ(f.vport, 1);
  EXPECT_EQ(f.l3(), fmt::L3Type::kIpv4);
  EXPECT_EQ(f.tun(), fmt::TunType::kNone);
  EXPECT_EQ(f.proto, 6);
  EXPECT_EQ(f.sport, 1234);
  EXPECT_EQ(f.dport, 80);
  EXPECT_EQ(f.src[15], 1);
  EXPECT_EQ(f.dst[12], 10);
  const auto e = f.encode();
  EXPECT_TRUE(std::equal(e.begin(), e.end(), k.begin()));
  EXPECT_EQ(fmt::flow_key::DPORT.get(k), 80u);
}

TEST(Formats, FlowCommandSlots) {
  fmt::Fcmd c;
  c.op = fmt::FcmdOp::kTcamWrite;
  c.handle = 17;
  c.prio = 0x0203;
  c.key[0] = 0xAA;
  c.action[63] = 0x55;
  const auto b = c.encode();
  EXPECT_EQ(b[0], 4);
  EXPECT_EQ(b[1], 0);
  EXPECT_EQ(b[4], 17);
  EXPECT_EQ(b[8], 0x03);
  EXPECT_EQ(b[10], 0xAA);
  EXPECT_EQ(b[127], 0x55);
  EXPECT_EQ(fmt::Fcmd::decode(b).status, fmt::FlowStatus::kPending);
  EXPECT_EQ(fmt::fcmd_tcam_ext::DATA.size, fmt::tcam_key::kBytes);
}

TEST(Formats, ShortBuffersAreErrorsNotReads) {
  std::vector<std::uint8_t> shorty(31);
  EXPECT_THROW((void)fmt::RxCpl::decode(shorty), std::length_error);
  EXPECT_THROW(fmt::RxCpl{}.encode(shorty), std::length_error);
  EXPECT_THROW((void)fmt::rx_cpl::PHASE.get(shorty), std::length_error);
  EXPECT_NO_THROW((void)fmt::rx_cpl::TIMESTAMP.get(shorty));
}

}  // namespace
