// SPDX-License-Identifier: MIT
// Flow key and TCAM key (spec 3, 4.3) on crafted frames; expected keys written out by hand.
#include <gtest/gtest.h>

#include <cstring>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/hash.hpp"

namespace nicsim::model {
namespace {

FlowKey v4_key(std::uint8_t vport, std::uint8_t tun, std::uint32_t tun_id, std::uint8_t proto,
               std::uint16_t sp, std::uint16_t dp, Ipv4Addr s, Ipv4Addr d) {
  FlowKey k{};
  k[0] = vport;
  k[1] = static_cast<std::uint8_t>((1u << 6) | (tun << 3));
  store_be24(&k[2], tun_id);
  k[5] = proto;
  store_be16(&k[6], sp);
  store_be16(&k[8], dp);
  store_be32(&k[22], s.value());
  store_be32(&k[38], d.value());
  return k;
}

TEST(FlowKey, Ipv4TcpMatchesSpecVector) {
  const auto f = PacketBuilder()
                     .eth()
                     .ipv4({.src = Ipv4Addr(10, 0, 0, 1), .dst = Ipv4Addr(10, 0, 0, 2)})
                     .tcp({.sport = 1234, .dport = 80})
                     .bytes();
  const FlowKey k = flow_key_of(f, 1);
  EXPECT_EQ(k, v4_key(1, 0, 0, 6, 1234, 80, Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2)));
  EXPECT_EQ(crc32c(k), 0x40D9EBD3u);
  EXPECT_EQ(crc32(k), 0xDD1AD5C2u);
}

TEST(FlowKey, VlanGivesTunType1AndOuterVid) {
  const auto f = PacketBuilder()
                     .eth()
                     .vlan({.vid = 300, .tpid = 0x88a8})
                     .vlan({.vid = 7})
                     .ipv4()
                     .udp({.sport = 5, .dport = 6})
                     .bytes();
  EXPECT_EQ(flow_key_of(f, 3),
            v4_key(3, 1, 300, 17, 5, 6, Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2)));
}

TEST(FlowKey, Ipv6WithExtensionHeaders) {
  const Ipv6Spec ip{.ext = {{.type = 0}, {.type = 60, .len = 16}}};
  const auto f = PacketBuilder().eth().ipv6(ip).udp({.sport = 9, .dport = 10}).bytes();
  FlowKey e{};
  e[0] = 2;
  e[1] = 2u << 6;
  e[5] = 17;
  store_be16(&e[6], 9);
  store_be16(&e[8], 10);
  std::memcpy(&e[10], ip.src.bytes().data(), 16);
  std::memcpy(&e[26], ip.dst.bytes().data(), 16);
  EXPECT_EQ(flow_key_of(f, 2), e);
}

TEST(FlowKey, FragmentsHaveNoPorts) {
  const auto first = PacketBuilder().eth().ipv4({.mf = true}).tcp({.sport = 1, .dport = 2})
                         .payload(16).bytes();
  const auto later = PacketBuilder().eth().ipv4({.frag_offset = 5, .proto = 6}).payload(16)
                         .bytes();
  const FlowKey e = v4_key(0, 0, 0, 6, 0, 0, Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2));
  EXPECT_EQ(flow_key_of(first, 0), e);
  EXPECT_EQ(flow_key_of(later, 0), e);
}

TEST(FlowKey, IcmpTypeCodeAndEchoId) {
  const auto echo = PacketBuilder().eth().ipv4().icmp({.type = 8, .code = 0, .rest = 0xBEEF0001})
                        .bytes();
  EXPECT_EQ(flow_key_of(echo, 0),
            v4_key(0, 0, 0, 1, 0x0800, 0xBEEF, Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2)));
  const auto unreach = PacketBuilder().eth().ipv4().icmp({.type = 3, .code = 4, .rest = 0x12345678})
                           .bytes();
  EXPECT_EQ(flow_key_of(unreach, 0),
            v4_key(0, 0, 0, 1, 0x0304, 0, Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2)));
  const auto e6 = PacketBuilder().eth().ipv6().icmpv6({.type = 129, .rest = 0x42420007}).bytes();
  const FlowKey k6 = flow_key_of(e6, 0);
  EXPECT_EQ(k6[5], 58);
  EXPECT_EQ(load_be16(&k6[6]), 129u * 256);
  EXPECT_EQ(load_be16(&k6[8]), 0x4242u);
}

TEST(FlowKey, NonIpCarriesEtherType) {
  const auto arp = PacketBuilder().eth().arp().bytes();
  FlowKey e{};
  e[0] = 4;
  store_be16(&e[8], 0x0806);
  EXPECT_EQ(flow_key_of(arp, 4), e);
  const auto other = PacketBuilder().eth({.type = 0x88cc}).payload(46).bytes();
  store_be16(&e[8], 0x88cc);
  EXPECT_EQ(flow_key_of(other, 4), e);
}

TEST(FlowKey, TunnelsFeedInnerHeaders) {
  const auto inner_tcp = [](PacketBuilder b) {
    return b.eth()
        .ipv4({.src = Ipv4Addr(192, 168, 0, 1), .dst = Ipv4Addr(192, 168, 0, 2)})
        .tcp({.sport = 40000, .dport = 443})
        .bytes();
  };
  const FlowKey vx = flow_key_of(
      inner_tcp(PacketBuilder().eth().vlan({.vid = 9}).ipv4().udp().vxlan({.vni = 0x123456})), 0);
  EXPECT_EQ(vx, v4_key(0, 2, 0x123456, 6, 40000, 443, Ipv4Addr(192, 168, 0, 1),
                       Ipv4Addr(192, 168, 0, 2)));
  const FlowKey nv = flow_key_of(inner_tcp(PacketBuilder().eth().ipv6().nvgre(0xABCDEF)), 0);
  EXPECT_EQ(nv, v4_key(0, 3, 0xABCDEF, 6, 40000, 443, Ipv4Addr(192, 168, 0, 1),
                       Ipv4Addr(192, 168, 0, 2)));
  const FlowKey gn = flow_key_of(inner_tcp(PacketBuilder().eth().ipv4().udp().geneve({.vni = 77})),
                                 0);
  EXPECT_EQ(gn, v4_key(0, 4, 77, 6, 40000, 443, Ipv4Addr(192, 168, 0, 1),
                       Ipv4Addr(192, 168, 0, 2)));
  // GRE with a key, carrying IPv4 directly: tun_type 5, low 24 bits of the key.
  const auto gre = PacketBuilder()
                       .eth()
                       .ipv4()
                       .gre({.key = 0x11223344})
                       .ipv4({.src = Ipv4Addr(1, 1, 1, 1), .dst = Ipv4Addr(2, 2, 2, 2)})
                       .udp({.sport = 1, .dport = 2})
                       .bytes();
  EXPECT_EQ(flow_key_of(gre, 0),
            v4_key(0, 5, 0x223344, 17, 1, 2, Ipv4Addr(1, 1, 1, 1), Ipv4Addr(2, 2, 2, 2)));
}

TEST(TcamKey, AppendsMacsAndEtherTypeOfKeyLevel) {
  const auto f = PacketBuilder()
                     .eth()
                     .ipv4()
                     .udp()
                     .vxlan()
                     .eth({.dst = MacAddr::from_u64(0xAABBCCDDEEFF),
                           .src = MacAddr::from_u64(0x112233445566)})
                     .vlan({.vid = 3})
                     .ipv6()
                     .tcp()
                     .bytes();
  const ParseResult pr = parse(f);
  FlowKey k{};
  build_flow_key(f, pr, 1, k);
  TcamKey t{};
  build_tcam_key(k, pr, t);
  EXPECT_EQ(0, std::memcmp(t.data(), k.data(), 42));
  const std::array<std::uint8_t, 14> tail{0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11,
                                          0x22, 0x33, 0x44, 0x55, 0x66, 0x86, 0xdd};
  EXPECT_EQ(0, std::memcmp(&t[42], tail.data(), 14));
  // Inner packet without Ethernet: zeros.
  const auto g = PacketBuilder().eth().ipv4().gre().ipv4().udp().bytes();
  const ParseResult pg = parse(g);
  build_flow_key(g, pg, 1, k);
  t.fill(0xEE);
  build_tcam_key(k, pg, t);
  for (std::size_t i = 42; i < 56; ++i) EXPECT_EQ(t[i], 0) << i;
}

TEST(ParseWindow, HeaderPastWindowIsError) {
  // IPv6 with a long extension chain so that TCP ends after byte 256.
  Ipv6Spec ip;
  ip.ext = {{.type = 0, .len = 80}, {.type = 60, .len = 80}};
  const auto f = PacketBuilder().eth().ipv6(ip).tcp().payload(100).bytes();
  const ParseResult pr = parse(f);
  ASSERT_TRUE(pr.ok());
  // eth 14 + ipv6 40 + 160 ext = 214, TCP ends at 234.
  EXPECT_FALSE(parse_failed(pr, 256));
  EXPECT_FALSE(parse_failed(pr, 234));
  EXPECT_TRUE(parse_failed(pr, 233));
}

}  // namespace
}  // namespace nicsim::model
