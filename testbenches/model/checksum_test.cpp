// SPDX-License-Identifier: MIT
// Internet checksums: published vectors, pseudo-header checksums, incremental updates (RFC 1624).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/checksum.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::model {
namespace {

std::vector<std::uint8_t> hex(std::string_view h) {
  std::vector<std::uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < h.size();) {
    if (h[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(nib(h[i]) * 16 + nib(h[i + 1])));
    i += 2;
  }
  return out;
}

// RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2, the checksum its complement.
TEST(Checksum, Rfc1071Example) {
  const auto b = hex("0001f203f4f5f6f7");
  EXPECT_EQ(OnesSum().add(b).sum(), 0xddf2);
  EXPECT_EQ(internet_checksum(b), 0x220d);
}

TEST(Checksum, OddLengthsAndSplitRanges) {
  const auto b = hex("0001f203f4f5f6f7ab");
  // Odd tail is padded with a zero byte.
  EXPECT_EQ(OnesSum().add(b).sum(), OnesSum().add(hex("0001f203f4f5f6f7ab00")).sum());
  // Any split gives the same sum as the whole.
  for (std::size_t cut = 0; cut <= b.size(); ++cut) {
    const ByteSpan s(b);
    EXPECT_EQ(OnesSum().add(s.first(cut)).add(s.subspan(cut)).sum(), OnesSum().add(s).sum()) << cut;
  }
  EXPECT_EQ(internet_checksum({}), 0xffff);
}

// OnesSum::add sums native words in vector lanes (32 bytes a step, lanes flushed every 128 KiB);
// it must equal the plain RFC 1071 definition, one big-endian word at a time, for every length,
// start alignment and split, including buffers long enough to flush the lanes and words that
// make the lanes carry (all 0xFF).
std::uint16_t reference_sum(ByteSpan b) {
  std::uint64_t acc = 0;
  for (std::size_t i = 0; i < b.size(); i += 2)
    acc += (std::uint64_t{b[i]} << 8) | (i + 1 < b.size() ? b[i + 1] : 0u);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(acc);
}

TEST(Checksum, VectorSumMatchesTheDefinition) {
  Prng rng(11);
  std::vector<std::uint8_t> buf(300 * 1024 + 64);
  for (auto& x : buf) x = static_cast<std::uint8_t>(rng.next());
  const ByteSpan all(buf);
  for (std::size_t off = 0; off < 4; ++off) {
    for (std::size_t len = 0; len <= 300; ++len) {
      const ByteSpan s = all.subspan(off, len);
      ASSERT_EQ(OnesSum().add(s).sum(), reference_sum(s)) << off << " " << len;
      const std::size_t cut = len / 3 | 1;  // an odd first part: the rest starts mid-word
      if (cut <= len) {
        ASSERT_EQ(OnesSum().add(s.first(cut)).add(s.subspan(cut)).sum(), reference_sum(s));
      }
    }
  }
  for (const std::size_t len : {std::size_t{128 * 1024}, std::size_t{128 * 1024 + 30},
                                std::size_t{300 * 1024 + 1}})
    EXPECT_EQ(OnesSum().add(all.subspan(1, len)).sum(), reference_sum(all.subspan(1, len))) << len;
  const std::vector<std::uint8_t> ones(200 * 1024 + 6, 0xFF);
  EXPECT_EQ(OnesSum().add(ones).sum(), reference_sum(ones));
  EXPECT_EQ(OnesSum().add(ones).sum(), 0xFFFF);
}

// The IPv4 header used as the worked example on Wikipedia's "Internet checksum" article.
TEST(Checksum, PublishedIpv4Header) {
  auto h = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
  EXPECT_EQ(ipv4_header_checksum(h), 0xb861);
  EXPECT_TRUE(ipv4_header_checksum_ok(h));
  h[8] = 0x3f;  // TTL changed, checksum not
  EXPECT_FALSE(ipv4_header_checksum_ok(h));
  h[10] = 0x12;  // the compute function ignores the stored checksum
  h[11] = 0x34;
  EXPECT_EQ(ipv4_header_checksum(h), 0xb961);
}

// Vectors computed independently (a straight ones-complement sum in Python).
TEST(Checksum, PseudoHeaderVectors) {
  const Ipv4Addr s4(192, 168, 1, 10);
  const Ipv4Addr d4(93, 184, 216, 34);
  auto tcp = hex("c000 0050 12345678 00000000 5002 faf0 0000 0000 68656c6c6f");
  EXPECT_EQ(tcp_checksum(s4, d4, tcp), 0x5090);
  auto udp = hex("14e9 0035 000c 0000 61626364");
  EXPECT_EQ(udp_checksum(s4, d4, udp), 0x2e64);
  const Ipv6Addr s6 = *Ipv6Addr::parse("fe80::1");
  const Ipv6Addr d6 = *Ipv6Addr::parse("ff02::1");
  auto icmp6 = hex("8000 0000 1234 0001 70696e67");
  EXPECT_EQ(icmpv6_checksum(s6, d6, icmp6), 0x912d);
  auto udp6 = hex("0222 0223 000b 0000 78797a");
  EXPECT_EQ(udp_checksum(s6, d6, udp6), 0x0b94);
  auto icmp = hex("0800 0000 0001 0002 6162636465666768");
  EXPECT_EQ(icmp_checksum(icmp), 0x6667);

  // Stored, they verify; the stored field is skipped by the compute functions.
  store_be16(&tcp[16], 0x5090);
  EXPECT_TRUE(l4_checksum_ok(pseudo_header_sum(s4, d4, 6, 25), tcp));
  EXPECT_EQ(tcp_checksum(s4, d4, tcp), 0x5090);
  store_be16(&icmp6[2], 0x912d);
  EXPECT_TRUE(l4_checksum_ok(pseudo_header_sum(s6, d6, 58, 12), icmp6));
  icmp6[5] ^= 1;
  EXPECT_FALSE(l4_checksum_ok(pseudo_header_sum(s6, d6, 58, 12), icmp6));
}

TEST(Checksum, UdpNeverZero) {
  // A datagram whose checksum computes to 0 is sent as 0xffff. Find one by varying a word.
  const Ipv4Addr s(10, 0, 0, 1);
  const Ipv4Addr d(10, 0, 0, 2);
  auto udp = hex("0400 0035 000a 0000 0000");
  bool found = false;
  for (std::uint32_t w = 0; w <= 0xffff && !found; ++w) {
    store_be16(&udp[8], static_cast<std::uint16_t>(w));
    const std::uint16_t raw = l4_checksum(pseudo_header_sum(s, d, 17, 10), udp, 6);
    if (raw == 0) {
      found = true;
      EXPECT_EQ(udp_checksum(s, d, udp), 0xffff);
    } else {
      ASSERT_EQ(udp_checksum(s, d, udp), raw);
    }
  }
  EXPECT_TRUE(found);
}

// RFC 1624 section 3: eqn. 2 gives -0 (0xffff) here, eqn. 3 the right +0.
TEST(ChecksumUpdate, Rfc1624CornerCase) {
  const std::uint16_t hc = 0xdd2f;  // ~(0xcd7a + 0x5555)
  EXPECT_EQ(checksum_update16(hc, 0x5555, 0x3285), 0x0000);
  EXPECT_EQ(OnesSum(0xcd7a).add16(0x3285).checksum(), 0x0000);  // full recompute agrees
  // The naive eqn. 2 (HC - ~m - m', ones-complement subtraction) would give 0xffff.
  auto sub = [](std::uint16_t a, std::uint16_t b) {
    std::uint32_t r = std::uint32_t{a} + static_cast<std::uint16_t>(~b);
    r = (r & 0xffff) + (r >> 16);
    return static_cast<std::uint16_t>(r);
  };
  EXPECT_EQ(sub(sub(hc, static_cast<std::uint16_t>(~0x5555)), 0x3285), 0xffff);
}

TEST(ChecksumUpdate, MatchesFullRecomputeOnRandomIpv4Changes) {
  Prng rng(1624);
  for (int iter = 0; iter < 20000; ++iter) {
    std::array<std::uint8_t, 20> h{};
    for (auto& b : h) b = static_cast<std::uint8_t>(rng.next());
    h[0] = 0x45;
    store_be16(&h[10], ipv4_header_checksum(h));
    const std::uint16_t hc = load_be16(&h[10]);
    if (rng.chance(0.5)) {
      // One 16-bit word other than the checksum.
      std::size_t w = 2 * rng.below(9);
      if (w >= 10) w += 2;
      const std::uint16_t old_word = load_be16(&h[w]);
      const auto new_word = static_cast<std::uint16_t>(rng.chance(0.1) ? ~old_word : rng.next());
      store_be16(&h[w], new_word);
      const std::uint16_t inc = checksum_update16(hc, old_word, new_word);
      ASSERT_EQ(inc, ipv4_header_checksum(h)) << iter;
      store_be16(&h[10], inc);
    } else {
      // An address (NAT rewrite).
      const std::size_t off = rng.chance(0.5) ? 12 : 16;
      const std::uint32_t old_addr = load_be32(&h[off]);
      const auto new_addr = static_cast<std::uint32_t>(rng.next());
      store_be32(&h[off], new_addr);
      const std::uint16_t inc = checksum_update32(hc, old_addr, new_addr);
      ASSERT_EQ(inc, ipv4_header_checksum(h)) << iter;
      store_be16(&h[10], inc);
    }
    ASSERT_TRUE(ipv4_header_checksum_ok(h));
  }
}

TEST(ChecksumUpdate, TcpAndUdpPseudoHeaderFieldsOverIpv6) {
  Prng rng(7);
  for (int iter = 0; iter < 2000; ++iter) {
    std::array<std::uint8_t, 16> a{};
    std::array<std::uint8_t, 16> b{};
    for (auto& x : a) x = static_cast<std::uint8_t>(rng.next());
    for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
    const Ipv6Addr src(a);
    const Ipv6Addr dst(b);
    std::vector<std::uint8_t> seg(20 + rng.below(40));
    for (auto& x : seg) x = static_cast<std::uint8_t>(rng.next());
    seg[12] = 0x50;
    const std::uint16_t hc = tcp_checksum(src, dst, seg);
    // New source address and new destination port.
    std::array<std::uint8_t, 16> a2{};
    for (auto& x : a2) x = static_cast<std::uint8_t>(rng.next());
    const std::uint16_t old_port = load_be16(&seg[2]);
    const auto new_port = static_cast<std::uint16_t>(rng.next());
    store_be16(&seg[2], new_port);
    const std::uint16_t inc = checksum_update16(checksum_update(hc, a, a2), old_port, new_port);
    ASSERT_EQ(inc, tcp_checksum(Ipv6Addr(a2), dst, seg)) << iter;
  }
}

TEST(ChecksumUpdate, Update32IsTwoUpdate16) {
  Prng rng(99);
  for (int i = 0; i < 1000; ++i) {
    const auto hc = static_cast<std::uint16_t>(rng.next());
    const auto o = static_cast<std::uint32_t>(rng.next());
    const auto n = static_cast<std::uint32_t>(rng.next());
    const std::uint16_t two =
        checksum_update16(checksum_update16(hc, static_cast<std::uint16_t>(o >> 16),
                                            static_cast<std::uint16_t>(n >> 16)),
                          static_cast<std::uint16_t>(o), static_cast<std::uint16_t>(n));
    // Equal as ones-complement values (0 and 0xffff are the same number).
    const std::uint16_t one = checksum_update32(hc, o, n);
    EXPECT_TRUE(one == two || (one | two) == 0xffff) << i;
  }
}

TEST(Checksum, BuilderFillsVerifiableChecksums) {
  const auto v4 = PacketBuilder().eth().ipv4().tcp().payload(33).bytes();
  EXPECT_TRUE(ipv4_header_checksum_ok(ByteSpan(v4).subspan(14, 20)));
  EXPECT_TRUE(l4_checksum_ok(pseudo_header_sum(Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2), 6, 53),
                             ByteSpan(v4).subspan(34)));
  Ipv4Spec bad_ip;
  bad_ip.bad_checksum = true;
  TcpSpec bad_tcp;
  bad_tcp.bad_checksum = true;
  const auto bad = PacketBuilder().eth().ipv4(bad_ip).tcp(bad_tcp).payload(33).bytes();
  EXPECT_FALSE(ipv4_header_checksum_ok(ByteSpan(bad).subspan(14, 20)));
  EXPECT_FALSE(
      l4_checksum_ok(pseudo_header_sum(Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2), 6, 53),
                     ByteSpan(bad).subspan(34)));

  const Ipv6Spec ip6;
  const auto v6 = PacketBuilder().eth().ipv6(ip6).icmpv6().payload(7).bytes();
  EXPECT_TRUE(
      l4_checksum_ok(pseudo_header_sum(ip6.src, ip6.dst, 58, 15), ByteSpan(v6).subspan(54)));
  const auto u6 = PacketBuilder().eth().ipv6(ip6).udp().payload(7).bytes();
  EXPECT_TRUE(
      l4_checksum_ok(pseudo_header_sum(ip6.src, ip6.dst, 17, 15), ByteSpan(u6).subspan(54)));
  const auto ic = PacketBuilder().eth().ipv4().icmp().payload(5).bytes();
  EXPECT_EQ(OnesSum().add(ByteSpan(ic).subspan(34)).sum(), 0xffff);
  // GRE checksum covers the GRE header and its payload.
  GreSpec g;
  g.checksum = true;
  const auto gre = PacketBuilder().eth().ipv4().gre(g).ipv4().udp().payload(3).bytes();
  EXPECT_EQ(OnesSum().add(ByteSpan(gre).subspan(34)).sum(), 0xffff);
}

}  // namespace
}  // namespace nicsim::model
