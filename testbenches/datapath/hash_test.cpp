// SPDX-License-Identifier: MIT
// CRC-32C / CRC-32 (spec 4.1) and Toeplitz (spec 6) against published vectors.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string_view>
#include <vector>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/rss.hpp"

namespace nicsim::model {
namespace {

ByteSpan ascii(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<std::uint8_t> unhex(std::string_view h) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    v.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return v;
}

TEST(Crc, CheckValues) {
  EXPECT_EQ(crc32c(ascii("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32(ascii("123456789")), 0xCBF43926u);
  const CrcPair p = crc32c_and_crc32(ascii("123456789"));
  EXPECT_EQ(p.h1, 0xE3069283u);
  EXPECT_EQ(p.h2, 0xCBF43926u);
  EXPECT_EQ(crc32c({}), 0u);
}

TEST(Crc, SpecKeyVector) {
  const auto key = unhex(
      "01400000000604d200500000000000000000000000000a0000010000000000000000000000000a000002");
  ASSERT_EQ(key.size(), 42u);
  EXPECT_EQ(crc32c(key), 0x40D9EBD3u);
  EXPECT_EQ(crc32c_42(key.data()), 0x40D9EBD3u);
  EXPECT_EQ(crc32(key), 0xDD1AD5C2u);
}

TEST(Crc, FixedLengthKeyCrcIsCrc32c) {
  std::vector<std::uint8_t> key(42);
  std::uint32_t x = 12345;
  for (int r = 0; r < 1000; ++r) {
    for (auto& b : key) b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 24);
    ASSERT_EQ(crc32c_42(key.data()), crc32c_table(key)) << r;
  }
}

TEST(Crc, SlicedEqualsBytewiseForAllLengths) {
  std::vector<std::uint8_t> data(100);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (std::size_t n = 0; n <= data.size(); ++n) {
    // Reference: bit-serial.
    std::uint32_t a = 0xFFFFFFFFu;
    std::uint32_t b = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
      a ^= data[i];
      b ^= data[i];
      for (int k = 0; k < 8; ++k) {
        a = (a & 1u) ? (a >> 1) ^ 0x82F63B78u : a >> 1;
        b = (b & 1u) ? (b >> 1) ^ 0xEDB88320u : b >> 1;
      }
    }
    const ByteSpan s(data.data(), n);
    EXPECT_EQ(crc32c(s), ~a) << n;
    EXPECT_EQ(crc32c_table(s), ~a) << n;
    EXPECT_EQ(crc32(s), ~b) << n;
    EXPECT_EQ(crc32c_and_crc32(s).h1, ~a) << n;
    EXPECT_EQ(crc32c_and_crc32(s).h2, ~b) << n;
  }
}

// Microsoft "Verifying the RSS Hash Calculation": every row of the IPv4 and IPv6 tables, with
// and without ports. Input: source address, destination address, source port, destination port.
struct RssVector {
  const char* src;
  std::uint16_t sport;
  const char* dst;
  std::uint16_t dport;
  std::uint32_t addr_only;
  std::uint32_t with_ports;
};

constexpr std::array<RssVector, 8> kMsVectors{{
    {"66.9.149.187", 2794, "161.142.100.80", 1766, 0x323e8fc2, 0x51ccc178},
    {"199.92.111.2", 14230, "65.69.140.83", 4739, 0xd718262a, 0xc626b0ea},
    {"24.19.198.95", 12898, "12.22.207.184", 38024, 0xd2d0a5de, 0x5c2b394a},
    {"38.27.205.30", 48228, "209.142.163.6", 2217, 0x82989176, 0xafc7327f},
    {"153.39.163.191", 44251, "202.188.127.2", 1303, 0x5d1809c5, 0x10e828a2},
    {"3ffe:2501:200:1fff::7", 2794, "3ffe:2501:200:3::1", 1766, 0x2cc18cd5, 0x40207d3d},
    {"3ffe:501:8::260:97ff:fe40:efab", 14230, "ff02::1", 4739, 0x0f0c461c, 0xdde51bbf},
    {"3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, "fe80::200:f8ff:fe21:67cf", 38024,
     0x4b61e985, 0x02d1feef},
}};

std::vector<std::uint8_t> rss_bytes(const RssVector& v, bool ports) {
  std::vector<std::uint8_t> in;
  for (const char* a : {v.src, v.dst}) {
    const auto ip = IpAddr::parse(a);
    if (ip->is_v4()) {
      const auto b = ip->v4().bytes();
      in.insert(in.end(), b.begin(), b.end());
    } else {
      const auto b = ip->v6().bytes();
      in.insert(in.end(), b.begin(), b.end());
    }
  }
  if (ports) {
    for (std::uint16_t p : {v.sport, v.dport}) {
      in.push_back(static_cast<std::uint8_t>(p >> 8));
      in.push_back(static_cast<std::uint8_t>(p));
    }
  }
  return in;
}

TEST(Toeplitz, MicrosoftVerificationSuite) {
  const ToeplitzHasher fast(kMicrosoftRssKey);
  const ToeplitzHasher table(kMicrosoftRssKey, true);
  for (const auto& v : kMsVectors) {
    const auto a = rss_bytes(v, false);
    const auto p = rss_bytes(v, true);
    EXPECT_EQ(toeplitz_hash(kMicrosoftRssKey, a), v.addr_only) << v.src;
    EXPECT_EQ(toeplitz_hash(kMicrosoftRssKey, p), v.with_ports) << v.src;
    for (const ToeplitzHasher* h : {&fast, &table}) {
      EXPECT_EQ(h->hash(a), v.addr_only) << v.src;
      EXPECT_EQ(h->hash(p), v.with_ports) << v.src;
      // As RSS hashes a frame: the addresses, then the ports, in place.
      EXPECT_EQ(h->hash(ByteSpan(p).first(a.size()), ByteSpan(p).subspan(a.size())), v.with_ports)
          << v.src;
    }
  }
}

// Both ways of ToeplitzHasher (the carry-less multiply where this CPU has it, and the byte
// table) against the bit-serial reference: random keys, every input length, every split of the
// input into head and tail (aligned to 8 bytes or not).
TEST(Toeplitz, HasherEqualsTheReferenceForRandomKeysLengthsAndSplits) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 40; ++round) {
    ToeplitzKey key{};
    for (auto& b : key) b = static_cast<std::uint8_t>(rng());
    if (round == 0) key.fill(0xff);  // every window bit set: the top bits of each chunk count
    const ToeplitzHasher fast(key);
    const ToeplitzHasher table(key, true);
    for (std::size_t len = 0; len <= kToeplitzMaxInput; ++len) {
      std::vector<std::uint8_t> in(len);
      for (auto& b : in) b = static_cast<std::uint8_t>(rng());
      if (round == 1) std::fill(in.begin(), in.end(), 0xff);
      const std::uint32_t want = toeplitz_hash(key, in);
      for (std::size_t split = 0; split <= len; ++split) {
        const ByteSpan head = ByteSpan(in).first(split);
        const ByteSpan tail = ByteSpan(in).subspan(split);
        ASSERT_EQ(fast.hash(head, tail), want) << "round " << round << " len " << len << " split " << split;
        ASSERT_EQ(table.hash(head, tail), want) << "round " << round << " len " << len << " split " << split;
      }
    }
  }
  std::printf("carry-less multiply on this CPU: %s\n",
              ToeplitzHasher::clmul_available() ? "yes" : "no (both ways were the table)");
}

TEST(Toeplitz, TableFollowsKeyChange) {
  ToeplitzKey k{};
  k[0] = 0x80;  // only the first key bit set: window at bit 0 = 0x80000000
  ToeplitzHasher t(k);
  const std::array<std::uint8_t, 1> in{0x80};
  EXPECT_EQ(t.hash(in), 0x80000000u);
  EXPECT_EQ(toeplitz_hash(k, in), 0x80000000u);
  t.set_key(kMicrosoftRssKey);
  EXPECT_EQ(t.hash(in), 0x6d5a56dau);
}

}  // namespace
}  // namespace nicsim::model
