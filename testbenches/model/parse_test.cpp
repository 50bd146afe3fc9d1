// SPDX-License-Identifier: MIT
// Parser: every header kind, built with PacketBuilder and checked field by field; malformed
// fields; VLAN stacks; tunnels and nested tunnels.
#include <gtest/gtest.h>

#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/parse.hpp"

namespace nicsim::model {
namespace {

const MacAddr kMacA = MacAddr::from_u64(0x0a0b0c0d0e0f);
const MacAddr kMacB = MacAddr::from_u64(0x101112131415);

ParseResult parse_bytes(const std::vector<std::uint8_t>& b) { return parse(b); }

std::string err(const Level& lv) { return lv.error.text(); }

TEST(Parse, EthIpv4TcpAllFields) {
  Ipv4Spec ip{.src = Ipv4Addr(192, 0, 2, 1),
              .dst = Ipv4Addr(198, 51, 100, 7),
              .ttl = 17,
              .tos = 0xb8,
              .id = 0x4242,
              .df = true};
  TcpSpec tcp{.sport = 40000,
              .dport = 443,
              .seq = 0xdeadbeef,
              .ack = 0x01020304,
              .flags = tcpflag::kSyn | tcpflag::kAck,
              .window = 1234};
  const auto b =
      PacketBuilder().eth({.dst = kMacA, .src = kMacB}).ipv4(ip).tcp(tcp).payload(10).bytes();
  ASSERT_EQ(b.size(), 14u + 20 + 20 + 10);
  const ParseResult r = parse_bytes(b);
  ASSERT_EQ(r.depth, 1);
  EXPECT_TRUE(r.ok());
  const Level& lv = r.outer();
  EXPECT_TRUE(lv.error.ok());
  ASSERT_TRUE(lv.has_eth);
  EXPECT_EQ(lv.eth.dst, kMacA);
  EXPECT_EQ(lv.eth.src, kMacB);
  EXPECT_EQ(lv.eth.type, 0x0800);
  EXPECT_EQ(lv.vlan_count, 0);
  EXPECT_FALSE(lv.has_arp);
  ASSERT_TRUE(lv.has_ip);
  EXPECT_EQ(lv.ip.version, 4);
  EXPECT_EQ(lv.ip.src, IpAddr(Ipv4Addr(192, 0, 2, 1)));
  EXPECT_EQ(lv.ip.dst, IpAddr(Ipv4Addr(198, 51, 100, 7)));
  EXPECT_EQ(lv.ip.proto, 6);
  EXPECT_EQ(lv.ip.ttl, 17);
  EXPECT_EQ(lv.ip.tos, 0xb8);
  EXPECT_EQ(lv.ip.id, 0x4242u);
  EXPECT_TRUE(lv.ip.df);
  EXPECT_FALSE(lv.ip.mf);
  EXPECT_FALSE(lv.ip.frag);
  EXPECT_EQ(lv.ip.header_len, 20);
  EXPECT_EQ(lv.ip.total_len, 50u);
  EXPECT_EQ(lv.ip.offset, 14u);
  EXPECT_EQ(lv.ip.l4_offset, 34u);
  EXPECT_EQ(lv.ip.checksum, load_be16(&b[24]));
  ASSERT_TRUE(lv.has_l4);
  EXPECT_EQ(lv.l4.kind, Layer::kTcp);
  EXPECT_EQ(lv.l4.sport, 40000);
  EXPECT_EQ(lv.l4.dport, 443);
  EXPECT_EQ(lv.l4.seq, 0xdeadbeefu);
  EXPECT_EQ(lv.l4.ack, 0x01020304u);
  EXPECT_EQ(lv.l4.tcp_flags, 0x12);
  EXPECT_EQ(lv.l4.window, 1234);
  EXPECT_EQ(lv.l4.header_len, 20);
  EXPECT_EQ(lv.l4.offset, 34u);
  EXPECT_EQ(lv.l4.checksum, load_be16(&b[50]));
  EXPECT_FALSE(lv.has_tunnel);
}

TEST(Parse, Ipv4OptionsAndTcpOptions) {
  for (std::size_t opt = 0; opt <= 40; opt += 4) {
    Ipv4Spec ip;
    ip.options.assign(opt, 1);  // NOPs
    TcpSpec tcp;
    tcp.options.assign(40 - opt, 1);
    const auto b = PacketBuilder().eth().ipv4(ip).tcp(tcp).payload(3).bytes();
    const ParseResult r = parse_bytes(b);
    ASSERT_TRUE(r.ok()) << opt << " " << r.first_error().text();
    EXPECT_EQ(r.outer().ip.header_len, 20 + opt);
    EXPECT_EQ(r.outer().l4.offset, 14 + 20 + opt);
    EXPECT_EQ(r.outer().l4.header_len, 60 - opt);
  }
}

TEST(Parse, Ipv4Fragments) {
  // First fragment (MF): frag, and the upper layer is there.
  auto r = parse_bytes(PacketBuilder().eth().ipv4({.id = 7, .mf = true}).udp().payload(8).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.outer().ip.frag);
  EXPECT_TRUE(r.outer().ip.mf);
  EXPECT_EQ(r.outer().ip.id, 7u);
  EXPECT_TRUE(r.outer().has_l4);
  // Later fragment: no upper layer, even if the bytes look like one.
  r = parse_bytes(PacketBuilder().eth().ipv4({.frag_offset = 185}).udp().payload(8).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.outer().ip.frag);
  EXPECT_FALSE(r.outer().ip.mf);
  EXPECT_EQ(r.outer().ip.frag_offset, 185);
  EXPECT_EQ(r.outer().ip.proto, 17);
  EXPECT_FALSE(r.outer().has_l4);
  // A later fragment of a VXLAN packet is not a tunnel.
  r = parse_bytes(PacketBuilder().eth().ipv4({.frag_offset = 1}).udp().vxlan().eth().bytes());
  EXPECT_FALSE(r.outer().has_tunnel);
  EXPECT_EQ(r.depth, 1);
  // DF alone is not a fragment.
  r = parse_bytes(PacketBuilder().eth().ipv4({.df = true}).udp().bytes());
  EXPECT_FALSE(r.outer().ip.frag);
  // A truncated later fragment: still no upper layer, and the IP truncation is reported.
  r = parse_bytes(PacketBuilder().eth().ipv4({.frag_offset = 3}).payload(40).cut(40).bytes());
  EXPECT_EQ(err(r.outer()), "truncated ipv4");
  EXPECT_FALSE(r.outer().has_l4);
}

TEST(Parse, EthernetTrailerIsFine) {
  const auto b = PacketBuilder().eth().ipv4().udp().payload(2).pad_to(60).bytes();
  ASSERT_EQ(b.size(), 60u);
  const ParseResult r = parse_bytes(b);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.outer().ip.total_len, 30u);
  EXPECT_EQ(r.outer().l4.length, 10);
  // IPv6 too.
  const auto b6 = PacketBuilder().eth().ipv6().udp().trailer(17, 0xee).bytes();
  EXPECT_TRUE(parse_bytes(b6).ok());
}

TEST(Parse, Ipv4LongerThanTheFrame) {
  // Total length says more than there is: "truncated ipv4", fields reported, L4 still parsed.
  const auto b =
      PacketBuilder().eth().ipv4({.ttl = 5}).tcp({.sport = 9}).payload(100).cut(80).bytes();
  const ParseResult r = parse_bytes(b);
  EXPECT_EQ(err(r.outer()), "truncated ipv4");
  EXPECT_EQ(r.outer().error.offset, 14u);
  EXPECT_EQ(r.outer().error.kind, ErrorKind::kTruncated);
  EXPECT_EQ(r.outer().error.layer, Layer::kIpv4);
  ASSERT_TRUE(r.outer().has_ip);
  EXPECT_EQ(r.outer().ip.ttl, 5);
  EXPECT_EQ(r.outer().ip.total_len, 140u);
  ASSERT_TRUE(r.outer().has_l4);
  EXPECT_EQ(r.outer().l4.sport, 9);
  // The same by a lying length field, frame complete.
  Ipv4Spec lie;
  lie.total_len = 1000;
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4(lie).udp().bytes()).outer()),
            "truncated ipv4");
}

TEST(Parse, Ipv4LengthLimitsTheUpperLayer) {
  // Total length ends inside the TCP header: the TCP header is truncated by the IP packet.
  Ipv4Spec ip;
  ip.total_len = 20 + 10;
  const ParseResult r = parse_bytes(PacketBuilder().eth().ipv4(ip).tcp().payload(20).bytes());
  EXPECT_EQ(err(r.outer()), "truncated tcp");
  EXPECT_EQ(r.outer().error.offset, 34u);
  EXPECT_TRUE(r.outer().has_ip);
  EXPECT_FALSE(r.outer().has_l4);
}

TEST(Parse, BadIpv4Fields) {
  Ipv4Spec v;
  v.version = 5;
  auto r = parse_bytes(PacketBuilder().eth().ipv4(v).tcp().bytes());
  EXPECT_EQ(err(r.outer()), "bad ipv4 version");
  EXPECT_EQ(r.outer().error.field, BadField::kVersion);
  EXPECT_FALSE(r.outer().has_ip);
  EXPECT_TRUE(r.outer().has_eth);
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
    Ipv4Spec s;
    s.ihl = ihl;
    r = parse_bytes(PacketBuilder().eth().ipv4(s).tcp().bytes());
    EXPECT_EQ(err(r.outer()), "bad ipv4 ihl") << int(ihl);
    EXPECT_EQ(r.outer().error.offset, 14u);
  }
  Ipv4Spec len;
  len.total_len = 19;
  r = parse_bytes(PacketBuilder().eth().ipv4(len).tcp().bytes());
  EXPECT_EQ(err(r.outer()), "bad ipv4 length");
  Ipv4Spec opts;
  opts.options.assign(8, 1);
  opts.total_len = 24;  // < IHL*4 = 28
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4(opts).tcp().bytes()).outer()),
            "bad ipv4 length");
  // IHL larger than the frame: truncated, not bad.
  Ipv4Spec big;
  big.ihl = 15;
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4(big).bytes()).outer()), "truncated ipv4");
}

TEST(Parse, Ipv6UdpAllFields) {
  Ipv6Spec ip{.src = *Ipv6Addr::parse("2001:db8::a"),
              .dst = *Ipv6Addr::parse("fe80::1:2"),
              .hop_limit = 3,
              .traffic_class = 0xa5,
              .flow_label = 0xabcde};
  const auto b =
      PacketBuilder().eth().ipv6(ip).udp({.sport = 546, .dport = 547}).payload(5).bytes();
  const ParseResult r = parse_bytes(b);
  ASSERT_TRUE(r.ok());
  const Level& lv = r.outer();
  EXPECT_EQ(lv.eth.type, 0x86dd);
  ASSERT_TRUE(lv.has_ip);
  EXPECT_EQ(lv.ip.version, 6);
  EXPECT_EQ(lv.ip.src.to_string(), "2001:db8::a");
  EXPECT_EQ(lv.ip.dst.to_string(), "fe80::1:2");
  EXPECT_EQ(lv.ip.ttl, 3);
  EXPECT_EQ(lv.ip.tos, 0xa5);
  EXPECT_EQ(lv.ip.flow_label, 0xabcdeu);
  EXPECT_EQ(lv.ip.proto, 17);
  EXPECT_EQ(lv.ip.total_len, 40u + 13);
  EXPECT_EQ(lv.ip.header_len, 40);
  EXPECT_EQ(lv.ip.ext_count, 0);
  EXPECT_FALSE(lv.ip.frag);
  ASSERT_TRUE(lv.has_l4);
  EXPECT_EQ(lv.l4.kind, Layer::kUdp);
  EXPECT_EQ(lv.l4.sport, 546);
  EXPECT_EQ(lv.l4.dport, 547);
  EXPECT_EQ(lv.l4.length, 13);
  EXPECT_EQ(lv.l4.offset, 54u);
}

TEST(Parse, Ipv6ExtensionHeaders) {
  Ipv6Spec ip;
  ip.ext = {
      {.type = ipproto::kHopByHop, .len = 8}, {.type = ipproto::kDstOpts, .len = 24},
      {.type = ipproto::kRouting, .len = 16}, {.type = ipproto::kFragment, .frag_id = 0x11223344},
      {.type = ipproto::kAh, .len = 24},      {.type = ipproto::kDstOpts, .len = 8}};
  const auto b = PacketBuilder().eth().ipv6(ip).tcp({.dport = 22}).payload(4).bytes();
  const ParseResult r = parse_bytes(b);
  ASSERT_TRUE(r.ok()) << r.first_error().text();
  const Level& lv = r.outer();
  EXPECT_EQ(lv.ip.ext_count, 6);
  EXPECT_EQ(lv.ip.proto, 6);
  EXPECT_EQ(lv.ip.header_len, 40 + 8 + 24 + 16 + 8 + 24 + 8);
  EXPECT_EQ(lv.l4.offset, 14u + lv.ip.header_len);
  EXPECT_TRUE(lv.ip.frag);  // a fragment header, even an atomic one
  EXPECT_EQ(lv.ip.frag_offset, 0);
  EXPECT_EQ(lv.ip.id, 0x11223344u);
  ASSERT_TRUE(lv.has_l4);
  EXPECT_EQ(lv.l4.dport, 22);
}

TEST(Parse, Ipv6Fragments) {
  Ipv6Spec first;
  first.ext = {{.type = ipproto::kFragment, .more = true, .frag_id = 9}};
  auto r = parse_bytes(PacketBuilder().eth().ipv6(first).udp().payload(8).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.outer().ip.frag);
  EXPECT_TRUE(r.outer().ip.mf);
  EXPECT_TRUE(r.outer().has_l4);
  Ipv6Spec later;
  later.ext = {{.type = ipproto::kFragment, .frag_offset = 100, .frag_id = 9},
               {.type = ipproto::kDstOpts}};
  r = parse_bytes(PacketBuilder().eth().ipv6(later).udp().payload(8).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.outer().ip.frag);
  EXPECT_EQ(r.outer().ip.frag_offset, 100);
  EXPECT_EQ(r.outer().ip.proto, ipproto::kDstOpts);  // next header of the fragment header
  EXPECT_EQ(r.outer().ip.ext_count, 1);
  EXPECT_FALSE(r.outer().has_l4);
}

TEST(Parse, Ipv6ExtensionChainLimits) {
  Ipv6Spec eight;
  eight.ext.assign(8, Ipv6ExtSpec{.type = ipproto::kDstOpts});
  auto r = parse_bytes(PacketBuilder().eth().ipv6(eight).udp().bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.outer().ip.ext_count, 8);
  Ipv6Spec nine;
  nine.ext.assign(9, Ipv6ExtSpec{.type = ipproto::kDstOpts});
  r = parse_bytes(PacketBuilder().eth().ipv6(nine).udp().bytes());
  EXPECT_EQ(err(r.outer()), "bad ipv6 ext chain");
  EXPECT_EQ(r.outer().error.offset, 14u + 40 + 8 * 8);
  EXPECT_TRUE(r.outer().has_ip);
  EXPECT_FALSE(r.outer().has_l4);
  // The limit is a knob.
  EXPECT_TRUE(
      Parser({.max_ipv6_ext = 9}).parse(PacketBuilder().eth().ipv6(nine).udp().bytes()).ok());
  Ipv6Spec order;
  order.ext = {{.type = ipproto::kDstOpts}, {.type = ipproto::kHopByHop}};
  r = parse_bytes(PacketBuilder().eth().ipv6(order).udp().bytes());
  EXPECT_EQ(err(r.outer()), "bad ipv6 ext order");
  EXPECT_EQ(r.outer().error.offset, 14u + 40 + 8);
  // An extension header running past the IPv6 payload length.
  Ipv6Spec short_len;
  short_len.ext = {{.type = ipproto::kDstOpts, .len = 16}};
  short_len.payload_len = 8;
  r = parse_bytes(PacketBuilder().eth().ipv6(short_len).payload(30).bytes());
  EXPECT_EQ(err(r.outer()), "truncated ipv6 ext");
}

TEST(Parse, BadIpv6) {
  Ipv6Spec v;
  v.version = 4;
  auto r = parse_bytes(PacketBuilder().eth().ipv6(v).udp().bytes());
  EXPECT_EQ(err(r.outer()), "bad ipv6 version");
  EXPECT_FALSE(r.outer().has_ip);
  Ipv6Spec lie;
  lie.payload_len = 500;
  r = parse_bytes(PacketBuilder().eth().ipv6(lie).udp().payload(4).bytes());
  EXPECT_EQ(err(r.outer()), "truncated ipv6");
  EXPECT_TRUE(r.outer().has_ip);
  EXPECT_TRUE(r.outer().has_l4);
  // Payload length 0 with hop-by-hop: a jumbogram, the frame decides.
  Ipv6Spec jumbo;
  jumbo.payload_len = 0;
  jumbo.ext = {{.type = ipproto::kHopByHop}};
  EXPECT_TRUE(parse_bytes(PacketBuilder().eth().ipv6(jumbo).udp().payload(9).bytes()).ok());
}

TEST(Parse, IcmpAndIcmpv6) {
  auto r =
      parse_bytes(PacketBuilder().eth().ipv4().icmp({.type = 3, .code = 4}).payload(28).bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().ip.proto, 1);
  EXPECT_EQ(r.outer().l4.kind, Layer::kIcmp);
  EXPECT_EQ(r.outer().l4.icmp_type, 3);
  EXPECT_EQ(r.outer().l4.icmp_code, 4);
  EXPECT_EQ(r.outer().l4.header_len, 8);
  EXPECT_EQ(r.outer().l4.sport, 0);
  r = parse_bytes(
      PacketBuilder().eth().ipv6().icmpv6({.type = 135, .code = 0}).payload(20).bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().ip.proto, 58);
  EXPECT_EQ(r.outer().l4.kind, Layer::kIcmpv6);
  EXPECT_EQ(r.outer().l4.icmp_type, 135);
  EXPECT_EQ(r.outer().l4.header_len, 4);
  // ICMPv6 behind extension headers.
  Ipv6Spec ip;
  ip.ext = {{.type = ipproto::kHopByHop}};
  r = parse_bytes(PacketBuilder().eth().ipv6(ip).icmpv6({.type = 143}).bytes());
  EXPECT_EQ(r.outer().l4.icmp_type, 143);
}

TEST(Parse, BadUdpAndTcp) {
  for (std::uint16_t len : {std::uint16_t{0}, std::uint16_t{7}}) {
    UdpSpec u;
    u.length = len;
    const auto r = parse_bytes(PacketBuilder().eth().ipv4().udp(u).payload(4).bytes());
    EXPECT_EQ(err(r.outer()), "bad udp length") << len;
    EXPECT_FALSE(r.outer().has_l4);
    EXPECT_TRUE(r.outer().has_ip);
  }
  UdpSpec beyond;
  beyond.length = 13;  // IP payload is 12
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4().udp(beyond).payload(4).bytes()).outer()),
            "bad udp length");
  UdpSpec shorter;
  shorter.length = 9;  // shorter than the IP payload: fine
  EXPECT_TRUE(parse_bytes(PacketBuilder().eth().ipv4().udp(shorter).payload(4).bytes()).ok());
  for (std::uint8_t doff = 0; doff < 5; ++doff) {
    TcpSpec t;
    t.data_offset = doff;
    const auto r = parse_bytes(PacketBuilder().eth().ipv4().tcp(t).payload(40).bytes());
    EXPECT_EQ(err(r.outer()), "bad tcp offset") << int(doff);
    EXPECT_EQ(r.outer().error.offset, 34u);
  }
  TcpSpec big;
  big.data_offset = 15;  // 60 bytes, only 20 + 10 there
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4().tcp(big).payload(10).bytes()).outer()),
            "truncated tcp");
}

TEST(Parse, Arp) {
  const ArpSpec a{.op = 2,
                  .sha = kMacA,
                  .spa = Ipv4Addr(10, 1, 1, 1),
                  .tha = kMacB,
                  .tpa = Ipv4Addr(10, 1, 1, 2)};
  const auto r = parse_bytes(PacketBuilder().eth().arp(a).pad_to(60).bytes());
  ASSERT_TRUE(r.ok());
  const Level& lv = r.outer();
  EXPECT_EQ(lv.eth.type, 0x0806);
  ASSERT_TRUE(lv.has_arp);
  EXPECT_TRUE(lv.arp.eth_ipv4);
  EXPECT_EQ(lv.arp.htype, 1);
  EXPECT_EQ(lv.arp.ptype, 0x0800);
  EXPECT_EQ(lv.arp.op, 2);
  EXPECT_EQ(lv.arp.sha, kMacA);
  EXPECT_EQ(lv.arp.spa, Ipv4Addr(10, 1, 1, 1));
  EXPECT_EQ(lv.arp.tha, kMacB);
  EXPECT_EQ(lv.arp.tpa, Ipv4Addr(10, 1, 1, 2));
  EXPECT_FALSE(lv.has_ip);
  // Another hardware type: fixed part only, the addresses sized by hlen/plen.
  const std::vector<std::uint8_t> other = {0, 6, 0x08, 0, 2, 4, 0, 1,  1,  2,
                                           3, 4, 5,    6, 7, 8, 9, 10, 11, 12};
  auto r2 = parse_bytes(PacketBuilder().eth({.type = 0x0806}).payload(other).bytes());
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2.outer().has_arp);
  EXPECT_FALSE(r2.outer().arp.eth_ipv4);
  EXPECT_EQ(r2.outer().arp.htype, 6);
  r2 =
      parse_bytes(PacketBuilder().eth({.type = 0x0806}).payload(ByteSpan(other).first(19)).bytes());
  EXPECT_EQ(err(r2.outer()), "truncated arp");
}

TEST(Parse, VlanStacks) {
  auto r = parse_bytes(
      PacketBuilder().eth().vlan({.vid = 100, .pcp = 5, .dei = true}).ipv4().udp().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().vlan_count, 1);
  EXPECT_EQ(r.outer().vlans[0].vid, 100);
  EXPECT_EQ(r.outer().vlans[0].pcp, 5);
  EXPECT_TRUE(r.outer().vlans[0].dei);
  EXPECT_EQ(r.outer().vlans[0].tpid, 0x8100);
  EXPECT_EQ(r.outer().eth.type, 0x0800);
  EXPECT_TRUE(r.outer().has_l4);

  for (std::uint16_t outer_tpid : {ethertype::kQinq, ethertype::kVlan9100, ethertype::kVlan}) {
    r = parse_bytes(PacketBuilder()
                        .eth()
                        .vlan({.vid = 4094, .tpid = outer_tpid})
                        .vlan({.vid = 1})
                        .ipv6()
                        .tcp()
                        .bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.outer().vlan_count, 2);
    EXPECT_EQ(r.outer().vlans[0].tpid, outer_tpid);
    EXPECT_EQ(r.outer().vlans[0].vid, 4094);
    EXPECT_EQ(r.outer().vlans[1].vid, 1);
    EXPECT_EQ(r.outer().eth.type, 0x86dd);
    EXPECT_EQ(r.outer().ip.offset, 22u);
  }

  r = parse_bytes(
      PacketBuilder().eth().vlan({.vid = 1}).vlan({.vid = 2}).vlan({.vid = 3}).ipv4().bytes());
  EXPECT_EQ(err(r.outer()), "bad vlan depth");
  EXPECT_EQ(r.outer().error.offset, 22u);
  EXPECT_EQ(r.outer().vlan_count, 2);
  EXPECT_EQ(r.outer().vlans[1].vid, 2);
  EXPECT_FALSE(r.outer().has_ip);
  // VID 0 (priority tag) is still a tag.
  r = parse_bytes(PacketBuilder().eth().vlan({.vid = 0, .pcp = 7}).arp().bytes());
  EXPECT_EQ(r.outer().vlan_count, 1);
  EXPECT_TRUE(r.outer().has_arp);
}

TEST(Parse, EthOnlyFrames) {
  // 802.3 length field (LLC): eth only, no error.
  auto r = parse_bytes(PacketBuilder().eth({.type = 46}).payload(46).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.outer().eth.type, 46);
  EXPECT_FALSE(r.outer().has_ip);
  r = parse_bytes(PacketBuilder().eth({.type = 0x05ff}).payload(46).bytes());
  EXPECT_TRUE(r.ok());
  // Unknown EtherType (and one behind a tag).
  r = parse_bytes(PacketBuilder().eth({.type = 0x88cc}).payload(46).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.outer().eth.type, 0x88cc);
  r = parse_bytes(PacketBuilder().eth().vlan({.vid = 5, .type = 0x8847}).payload(46).bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.outer().eth.type, 0x8847);
  EXPECT_EQ(r.depth, 1);
  // An Ethernet header alone.
  r = parse_bytes(PacketBuilder().eth({.type = 0x0800}).bytes());
  EXPECT_EQ(err(r.outer()), "truncated ipv4");
  EXPECT_TRUE(r.outer().has_eth);
}

TEST(Parse, Ipv6InIpv4IsNotATunnel) {
  const auto r = parse_bytes(PacketBuilder().eth().ipv4().ipv6().udp().bytes());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.depth, 1);
  EXPECT_EQ(r.outer().ip.proto, 41);
  EXPECT_FALSE(r.outer().has_l4);
  EXPECT_FALSE(r.outer().has_tunnel);
}

TEST(Parse, Vxlan) {
  const auto b = PacketBuilder()
                     .eth()
                     .vlan({.vid = 10})
                     .ipv4()
                     .udp({.sport = 55555})
                     .vxlan({.vni = 0xabcdef})
                     .eth({.dst = kMacA, .src = kMacB})
                     .vlan({.vid = 20})
                     .ipv6()
                     .tcp({.sport = 1, .dport = 2, .flags = tcpflag::kFin})
                     .payload(9)
                     .bytes();
  const ParseResult r = parse_bytes(b);
  ASSERT_TRUE(r.ok()) << r.first_error().text();
  ASSERT_EQ(r.depth, 2);
  const Level& o = r.outer();
  EXPECT_EQ(o.l4.dport, 4789);
  EXPECT_EQ(o.l4.sport, 55555);
  ASSERT_TRUE(o.has_tunnel);
  EXPECT_EQ(o.tunnel.type, TunnelType::kVxlan);
  EXPECT_TRUE(o.tunnel.has_vni);
  EXPECT_EQ(o.tunnel.vni, 0xabcdefu);
  EXPECT_EQ(o.tunnel.protocol, 0x6558);
  EXPECT_EQ(o.tunnel.offset, 14u + 4 + 20 + 8);
  EXPECT_EQ(o.tunnel.inner_offset, o.tunnel.offset + 8);
  const Level& in = r.levels[1];
  EXPECT_EQ(in.offset, o.tunnel.inner_offset);
  ASSERT_TRUE(in.has_eth);
  EXPECT_EQ(in.eth.dst, kMacA);
  EXPECT_EQ(in.eth.src, kMacB);
  EXPECT_EQ(in.vlan_count, 1);
  EXPECT_EQ(in.vlans[0].vid, 20);
  EXPECT_EQ(in.ip.version, 6);
  EXPECT_EQ(in.l4.kind, Layer::kTcp);
  EXPECT_EQ(in.l4.sport, 1);
  EXPECT_EQ(in.l4.dport, 2);
  EXPECT_EQ(in.l4.tcp_flags, tcpflag::kFin);
  EXPECT_FALSE(in.has_tunnel);
  EXPECT_EQ(&r.innermost(), &r.levels[1]);

  // I flag clear: bad, no tunnel recorded, no inner level.
  const auto bad =
      parse_bytes(PacketBuilder().eth().ipv4().udp().vxlan({.flags = 0}).eth().ipv4().bytes());
  EXPECT_EQ(err(bad.outer()), "bad vxlan flags");
  EXPECT_FALSE(bad.outer().has_tunnel);
  EXPECT_TRUE(bad.outer().has_l4);
  EXPECT_EQ(bad.depth, 1);

  // Another port is plain UDP, unless the parser is told.
  const auto other = PacketBuilder().eth().ipv4().udp({.dport = 8472}).vxlan().eth().ipv4().bytes();
  EXPECT_FALSE(parse_bytes(other).outer().has_tunnel);
  EXPECT_TRUE(Parser({.vxlan_port = 8472}).parse(other).outer().has_tunnel);
}

TEST(Parse, NvgreAndGre) {
  // NVGRE: K and 0x6558; vni = VSID = key >> 8.
  auto r =
      parse_bytes(PacketBuilder().eth().ipv4().nvgre(0x123456, 0x78).eth().ipv4().udp().bytes());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.depth, 2);
  EXPECT_EQ(r.outer().ip.proto, 47);
  EXPECT_FALSE(r.outer().has_l4);
  EXPECT_EQ(r.outer().tunnel.type, TunnelType::kNvgre);
  EXPECT_TRUE(r.outer().tunnel.has_vni);
  EXPECT_EQ(r.outer().tunnel.vni, 0x123456u);
  EXPECT_EQ(r.outer().tunnel.header_len, 8);
  EXPECT_TRUE(r.levels[1].has_eth);
  EXPECT_TRUE(r.levels[1].has_l4);

  // Plain GRE, no key, inner IPv4 directly.
  r = parse_bytes(PacketBuilder().eth().ipv6().gre().ipv4().tcp().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().tunnel.type, TunnelType::kGre);
  EXPECT_FALSE(r.outer().tunnel.has_vni);
  EXPECT_EQ(r.outer().tunnel.protocol, 0x0800);
  EXPECT_FALSE(r.levels[1].has_eth);
  EXPECT_EQ(r.levels[1].ip.version, 4);
  EXPECT_EQ(r.levels[1].offset, 14u + 40 + 4);

  // GRE with C, K and S, inner IPv6: vni is the whole key, options skipped.
  GreSpec g{.checksum = true, .key = 0xfedcba98, .seq = 77};
  r = parse_bytes(PacketBuilder().eth().ipv4().gre(g).ipv6().udp().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().tunnel.type, TunnelType::kGre);
  EXPECT_EQ(r.outer().tunnel.vni, 0xfedcba98u);
  EXPECT_EQ(r.outer().tunnel.header_len, 16);
  EXPECT_EQ(r.levels[1].ip.version, 6);
  EXPECT_EQ(r.levels[1].offset, 14u + 20 + 16);

  // GRE carrying Ethernet without a key: type gre, inner Ethernet.
  r = parse_bytes(PacketBuilder().eth().ipv4().gre().eth().arp().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().tunnel.type, TunnelType::kGre);
  EXPECT_TRUE(r.levels[1].has_arp);

  // Something else inside: tunnel recorded, nothing parsed behind it.
  r = parse_bytes(
      PacketBuilder().eth().ipv4().gre({.key = 5, .protocol = 0x880b}).payload(20).bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.outer().has_tunnel);
  EXPECT_EQ(r.outer().tunnel.vni, 5u);
  EXPECT_EQ(r.depth, 1);

  GreSpec v1;
  v1.version = 1;
  r = parse_bytes(PacketBuilder().eth().ipv4().gre(v1).ipv4().bytes());
  EXPECT_EQ(err(r.outer()), "bad gre version");
  EXPECT_FALSE(r.outer().has_tunnel);
  GreSpec routing;
  routing.extra_flags = GreView::kFlagR;
  EXPECT_EQ(err(parse_bytes(PacketBuilder().eth().ipv4().gre(routing).ipv4().bytes()).outer()),
            "bad gre flags");
}

TEST(Parse, Geneve) {
  GeneveSpec g{.vni = 0x00beef, .oam = true};
  g.options = {{.opt_class = 0x0102, .type = 0x80, .data = {1, 2, 3, 4}},
               {.opt_class = 0xffff, .type = 1, .data = {5, 6, 7, 8, 9}}};
  auto r = parse_bytes(PacketBuilder().eth().ipv6().udp().geneve(g).eth().ipv4().icmp().bytes());
  ASSERT_TRUE(r.ok()) << r.first_error().text();
  EXPECT_EQ(r.outer().l4.dport, 6081);
  EXPECT_EQ(r.outer().tunnel.type, TunnelType::kGeneve);
  EXPECT_EQ(r.outer().tunnel.vni, 0xbeefu);
  EXPECT_EQ(r.outer().tunnel.header_len, 8 + 8 + 12);
  EXPECT_EQ(r.outer().tunnel.protocol, 0x6558);
  ASSERT_EQ(r.depth, 2);
  EXPECT_TRUE(r.levels[1].has_eth);
  EXPECT_EQ(r.levels[1].l4.kind, Layer::kIcmp);
  EXPECT_EQ(r.levels[1].offset, 14u + 40 + 8 + 28);

  // Geneve carrying IPv4 / IPv6 directly.
  r = parse_bytes(PacketBuilder().eth().ipv4().udp().geneve({.vni = 3}).ipv4().tcp().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.outer().tunnel.protocol, 0x0800);
  EXPECT_FALSE(r.levels[1].has_eth);
  EXPECT_EQ(r.levels[1].ip.version, 4);
  r = parse_bytes(PacketBuilder().eth().ipv4().udp().geneve().ipv6().tcp().bytes());
  EXPECT_EQ(r.levels[1].ip.version, 6);

  GeneveSpec bad_v{.version = 1};
  r = parse_bytes(PacketBuilder().eth().ipv4().udp().geneve(bad_v).eth().bytes());
  EXPECT_EQ(err(r.outer()), "bad geneve version");
  GeneveSpec long_opts{.opt_len = 63};
  r = parse_bytes(PacketBuilder().eth().ipv4().udp().geneve(long_opts).eth().ipv4().bytes());
  EXPECT_EQ(err(r.outer()), "truncated geneve");
  EXPECT_EQ(r.outer().error.offset, 14u + 20 + 8);
  EXPECT_EQ(r.depth, 1);
}

TEST(Parse, NestedTunnelsUpToTheDepthLimit) {
  // VXLAN in GRE in Geneve: four levels.
  const auto b = PacketBuilder()
                     .eth()
                     .ipv4()
                     .udp()
                     .geneve({.vni = 1})
                     .eth()
                     .ipv6()
                     .gre({.key = 2})
                     .ipv4()
                     .udp()
                     .vxlan({.vni = 3})
                     .eth()
                     .ipv4({.ttl = 9})
                     .tcp({.dport = 4})
                     .payload(1)
                     .bytes();
  ParseResult r = parse_bytes(b);
  ASSERT_TRUE(r.ok()) << r.first_error().text();
  ASSERT_EQ(r.depth, 4);
  EXPECT_EQ(r.levels[0].tunnel.type, TunnelType::kGeneve);
  EXPECT_EQ(r.levels[1].tunnel.type, TunnelType::kGre);
  EXPECT_EQ(r.levels[1].tunnel.vni, 2u);
  EXPECT_FALSE(r.levels[2].has_eth);
  EXPECT_EQ(r.levels[2].tunnel.type, TunnelType::kVxlan);
  EXPECT_EQ(r.levels[2].tunnel.vni, 3u);
  EXPECT_EQ(r.levels[3].ip.ttl, 9);
  EXPECT_EQ(r.levels[3].l4.dport, 4);

  // One more tunnel: recorded at the last level, flagged, not parsed.
  const auto deeper = PacketBuilder()
                          .eth()
                          .ipv4()
                          .udp()
                          .vxlan()
                          .eth()
                          .ipv4()
                          .udp()
                          .vxlan()
                          .eth()
                          .ipv4()
                          .udp()
                          .vxlan()
                          .eth()
                          .ipv4()
                          .nvgre(7)
                          .eth()
                          .ipv4()
                          .bytes();
  r = parse_bytes(deeper);
  ASSERT_EQ(r.depth, 4);
  EXPECT_TRUE(r.levels[2].error.ok());
  EXPECT_TRUE(r.levels[3].has_tunnel);
  EXPECT_EQ(r.levels[3].tunnel.vni, 7u);
  EXPECT_EQ(err(r.levels[3]), "bad gre depth");
  EXPECT_EQ(r.first_error().text(), "bad gre depth");
}

TEST(Parse, EachLevelHasItsOwnError) {
  // Inner TCP header cut: the inner level says so, the outer level reports its IP as truncated.
  const auto b = PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4().tcp().payload(10).bytes();
  std::vector<std::uint8_t> cut(b.begin(), b.begin() + 14 + 20 + 8 + 8 + 14 + 20 + 5);
  const ParseResult r = parse_bytes(cut);
  ASSERT_EQ(r.depth, 2);
  EXPECT_EQ(err(r.levels[0]), "truncated ipv4");
  EXPECT_TRUE(r.levels[0].has_tunnel);
  EXPECT_EQ(err(r.levels[1]), "truncated tcp");
  EXPECT_TRUE(r.levels[1].has_ip);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.first_error().text(), "truncated ipv4");
  // Bad inner header, intact outer packet.
  Ipv4Spec bad;
  bad.ihl = 2;
  const auto r2 = parse_bytes(PacketBuilder().eth().ipv6().gre().ipv4(bad).bytes());
  EXPECT_TRUE(r2.levels[0].error.ok());
  EXPECT_EQ(err(r2.levels[1]), "bad ipv4 ihl");
  EXPECT_EQ(r2.levels[1].error.offset, 14u + 40 + 4);
}

TEST(Parse, InnerIpLimitedByOuterUdpLength) {
  // The inner packet claims more than the outer UDP datagram carries.
  UdpSpec u;
  u.length = 8 + 8 + 14 + 20 + 4;
  const auto b = PacketBuilder().eth().ipv4().udp(u).vxlan().eth().ipv4().udp().payload(40).bytes();
  const ParseResult r = parse_bytes(b);
  EXPECT_TRUE(r.levels[0].error.ok());
  EXPECT_EQ(err(r.levels[1]), "truncated udp");
}

TEST(Parse, ReusedResultHasNoStaleFields) {
  const Parser p;
  ParseResult r;
  p.parse(PacketBuilder().eth().vlan().ipv4().udp().vxlan().eth().ipv4().tcp().bytes(), r);
  ASSERT_EQ(r.depth, 2);
  p.parse(PacketBuilder().eth().arp().bytes(), r);
  EXPECT_EQ(r.depth, 1);
  EXPECT_EQ(r.outer().vlan_count, 0);
  EXPECT_FALSE(r.outer().has_ip);
  EXPECT_FALSE(r.outer().has_l4);
  EXPECT_FALSE(r.outer().has_tunnel);
  EXPECT_TRUE(r.outer().has_arp);
  p.parse({}, r);
  EXPECT_EQ(r.depth, 1);
  EXPECT_EQ(r.outer().error.text(), "truncated eth");
  EXPECT_FALSE(r.outer().has_arp);
}

TEST(ParseError, Texts) {
  EXPECT_EQ(ParseError().text(), "");
  EXPECT_EQ(ParseError::truncated(Layer::kIpv6Ext, 3).text(), "truncated ipv6 ext");
  EXPECT_EQ(ParseError::truncated(Layer::kIcmpv6, 3).text(), "truncated icmpv6");
  EXPECT_EQ(ParseError::bad(Layer::kIpv4, BadField::kIhl, 3).text(), "bad ipv4 ihl");
  EXPECT_EQ(ParseError::bad(Layer::kVlan, BadField::kDepth, 3).text(), "bad vlan depth");
  EXPECT_EQ(ParseError::bad(Layer::kIpv6Ext, BadField::kChain, 3).text(), "bad ipv6 ext chain");
  EXPECT_EQ(ParseError::bad(Layer::kGeneve, BadField::kVersion, 3).text(), "bad geneve version");
  const std::vector<Layer> layers = {Layer::kEth,   Layer::kVlan,    Layer::kArp,   Layer::kIpv4,
                                     Layer::kIpv6,  Layer::kIpv6Ext, Layer::kTcp,   Layer::kUdp,
                                     Layer::kIcmp,  Layer::kIcmpv6,  Layer::kVxlan, Layer::kGre,
                                     Layer::kGeneve};
  const std::vector<std::string> names = {"eth",      "vlan", "arp",   "ipv4", "ipv6",
                                          "ipv6 ext", "tcp",  "udp",   "icmp", "icmpv6",
                                          "vxlan",    "gre",  "geneve"};
  for (std::size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(ParseError::truncated(layers[i], 0).text(), "truncated " + names[i]);
  }
}

}  // namespace
}  // namespace nicsim::model
