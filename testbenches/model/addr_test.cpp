// SPDX-License-Identifier: MIT
// Address types: text formatting (MAC, dotted quad, RFC 5952) and parsing.
#include <gtest/gtest.h>

#include <array>

#include <algorithm>
#include <string>
#include <utility>

#include "nicsim/model/addr.hpp"

namespace nicsim::model {
namespace {

std::string v6(std::string_view text) {
  const auto a = Ipv6Addr::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a ? a->to_string() : std::string("<invalid>");
}

TEST(MacAddr, FormatsLowercaseColonSeparated) {
  const MacAddr m(std::array<std::uint8_t, 6>{0xaa, 0xBB, 0x0c, 0x00, 0xEE, 0x0f});
  EXPECT_EQ(m.to_string(), "aa:bb:0c:00:ee:0f");
  EXPECT_EQ(MacAddr().to_string(), "00:00:00:00:00:00");
  EXPECT_EQ(MacAddr::from_u64(0xffffffffffff).to_string(), "ff:ff:ff:ff:ff:ff");
  EXPECT_TRUE(MacAddr::from_u64(0xffffffffffff).is_broadcast());
  EXPECT_TRUE(MacAddr::from_u64(0x01005e000001).is_multicast());
  EXPECT_FALSE(MacAddr::from_u64(0x020000000001).is_multicast());
}

TEST(MacAddr, ParsesBothSeparatorsAndCases) {
  EXPECT_EQ(MacAddr::parse("AA:bb:CC:dd:EE:ff")->to_u64(), 0xaabbccddeeffULL);
  EXPECT_EQ(MacAddr::parse("02-00-00-00-00-01")->to_u64(), 0x020000000001ULL);
  EXPECT_FALSE(MacAddr::parse("02:00:00:00:00"));
  EXPECT_FALSE(MacAddr::parse("02:00:00:00:00:0g"));
  EXPECT_FALSE(MacAddr::parse("02:00-00:00:00:01"));  // mixed separators
  EXPECT_FALSE(MacAddr::parse("020000000001"));
  EXPECT_FALSE(MacAddr::parse(""));
}

TEST(Ipv4Addr, FormatsAndParsesDottedQuad) {
  EXPECT_EQ(Ipv4Addr(192, 168, 0, 1).to_string(), "192.168.0.1");
  EXPECT_EQ(Ipv4Addr(0).to_string(), "0.0.0.0");
  EXPECT_EQ(Ipv4Addr(0xffffffff).to_string(), "255.255.255.255");
  EXPECT_EQ(Ipv4Addr::parse("10.1.2.3")->value(), 0x0a010203u);
  EXPECT_EQ(Ipv4Addr::parse("255.255.255.255")->value(), 0xffffffffu);
  for (const char* bad : {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "a.b.c.d",
                          "1..2.3", "", "1.2.3.1000", "-1.2.3.4"}) {
    EXPECT_FALSE(Ipv4Addr::parse(bad)) << bad;
  }
}

// RFC 5952 section 4 and its examples.
TEST(Ipv6Addr, FormatsPerRfc5952) {
  EXPECT_EQ(v6("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // 4.1, 4.2.1
  EXPECT_EQ(v6("2001:db8:0:0:0:0:2:1"), "2001:db8::2:1");
  EXPECT_EQ(v6("2001:db8::0:1"), "2001:db8::1");
  EXPECT_EQ(v6("2001:DB8::ABCD"), "2001:db8::abcd");              // 4.3 lowercase
  EXPECT_EQ(v6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // 4.2.2 single 0
  EXPECT_EQ(v6("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");           // 4.2.3 longest run
  EXPECT_EQ(v6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // 4.2.3 first on tie
  EXPECT_EQ(v6("::"), "::");
  EXPECT_EQ(v6("::1"), "::1");
  EXPECT_EQ(v6("1::"), "1::");
  EXPECT_EQ(v6("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(v6("1:0:0:0:0:0:0:0"), "1::");
  EXPECT_EQ(v6("fe80:0:0:0:0:0:0:0"), "fe80::");
  EXPECT_EQ(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(v6("1:0:2:0:3:0:4:0"), "1:0:2:0:3:0:4:0");
}

TEST(Ipv6Addr, FormatsIpv4MappedWithDottedQuad) {
  EXPECT_EQ(v6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(v6("0:0:0:0:0:ffff:c000:0201"), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6Addr::mapped(Ipv4Addr(10, 0, 0, 1)).to_string(), "::ffff:10.0.0.1");
  EXPECT_TRUE(Ipv6Addr::mapped(Ipv4Addr(1)).is_v4_mapped());
  // Not mapped: the deprecated IPv4-compatible form and a near miss stay in hex.
  EXPECT_EQ(v6("::c000:201"), "::c000:201");
  EXPECT_EQ(v6("::1:ffff:c000:201"), "::1:ffff:c000:201");
}

TEST(Ipv6Addr, ParsesAllTextForms) {
  const Ipv6Addr want = Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a});
  EXPECT_EQ(Ipv6Addr::parse("2001:DB8:0:0:8:800:200C:417A"), want);
  EXPECT_EQ(Ipv6Addr::parse("2001:db8::8:800:200c:417a"), want);
  EXPECT_EQ(Ipv6Addr::parse("::13.1.68.3"),
            Ipv6Addr::from_groups({0, 0, 0, 0, 0, 0, 0x0d01, 0x4403}));
  EXPECT_EQ(Ipv6Addr::parse("1:2:3:4:5:6:1.2.3.4"),
            Ipv6Addr::from_groups({1, 2, 3, 4, 5, 6, 0x0102, 0x0304}));
  EXPECT_EQ(Ipv6Addr::parse("1:2:3:4:5:6:7::"), Ipv6Addr::from_groups({1, 2, 3, 4, 5, 6, 7, 0}));
  EXPECT_EQ(Ipv6Addr::parse("::2:3:4:5:6:7:8"), Ipv6Addr::from_groups({0, 2, 3, 4, 5, 6, 7, 8}));
  for (const char* bad :
       {"", ":", ":::", "1:2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8::", ":1::", "1::2:", "g::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4:5", "fe80::1%eth0", "2001:db8::/32", "1:2:3:4:5:6:7::1.2.3.4"}) {
    EXPECT_FALSE(Ipv6Addr::parse(bad)) << bad;
  }
}

TEST(Ipv6Addr, RoundTripsEveryZeroPattern) {
  // All 256 patterns of zero/non-zero groups: the text parses back to the same address, has at
  // most one "::", standing for at least two zero groups, and no zero run left in the text is
  // longer than the compressed one (nor as long, if it comes first).
  for (unsigned mask = 0; mask < 256; ++mask) {
    std::array<std::uint16_t, 8> g{};
    for (unsigned k = 0; k < 8; ++k) g[k] = (mask >> k) & 1 ? static_cast<std::uint16_t>(k + 1) : 0;
    const Ipv6Addr a = Ipv6Addr::from_groups(g);
    const std::string t = a.to_string();
    EXPECT_EQ(Ipv6Addr::parse(t), a) << t;
    const auto dc = t.find("::");
    if (dc == std::string::npos) continue;
    EXPECT_EQ(t.find("::", dc + 1), std::string::npos) << t;
    // Zero runs written out, before and after the "::".
    auto longest_zero_run = [](std::string_view part) {
      std::size_t best = 0;
      std::size_t run = 0;
      std::size_t groups = 0;
      while (!part.empty()) {
        const auto c = part.find(':');
        const std::string_view grp = part.substr(0, c);
        if (!grp.empty()) {
          ++groups;
          run = grp == "0" ? run + 1 : 0;
          best = std::max(best, run);
        }
        if (c == std::string_view::npos) break;
        part.remove_prefix(c + 1);
      }
      return std::pair{best, groups};
    };
    const auto [before_run, before_groups] = longest_zero_run(std::string_view(t).substr(0, dc));
    const auto [after_run, after_groups] = longest_zero_run(std::string_view(t).substr(dc + 2));
    const std::size_t compressed = 8 - before_groups - after_groups;
    EXPECT_GE(compressed, 2u) << t;
    EXPECT_LT(before_run, compressed) << t;
    EXPECT_LE(after_run, compressed) << t;
  }
}

TEST(IpAddr, HoldsEitherVersion) {
  const IpAddr a = Ipv4Addr(1, 2, 3, 4);
  const IpAddr b = *Ipv6Addr::parse("2001:db8::1");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.version(), 4);
  EXPECT_EQ(a.v4(), Ipv4Addr(1, 2, 3, 4));
  EXPECT_EQ(a.to_string(), "1.2.3.4");
  EXPECT_TRUE(b.is_v6());
  EXPECT_EQ(b.to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddr::parse("1.2.3.4"), a);
  EXPECT_EQ(IpAddr::parse("2001:db8::1"), b);
  EXPECT_FALSE(IpAddr::parse("nope"));
  EXPECT_EQ(IpAddr().to_string(), "");
  EXPECT_NE(IpAddr(Ipv4Addr(0)), IpAddr(Ipv6Addr()));
}

TEST(IpAddr, AssignInPlaceEqualsConstruction) {
  const std::array<std::uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4,
                                           5, 6, 7, 8, 9, 10, 11, 0xff};
  IpAddr a = *Ipv6Addr::parse("::1");  // an earlier value, overwritten whole
  a.assign_v4(bytes.data());
  EXPECT_EQ(a, IpAddr(Ipv4Addr::from_bytes(bytes.data())));
  EXPECT_EQ(ip_bytes(a), ip_bytes(IpAddr(Ipv4Addr(0x20, 0x01, 0x0d, 0xb8))));
  a.assign_v6(bytes.data());
  EXPECT_EQ(a, IpAddr(Ipv6Addr::from_bytes(bytes.data())));
  a.assign_v4(bytes.data() + 12);
  EXPECT_EQ(a, IpAddr(Ipv4Addr(9, 10, 11, 0xff)));
}

}  // namespace
}  // namespace nicsim::model
