// SPDX-License-Identifier: MIT
// Longest-prefix match: nested and overlapping prefixes, a default route, both families, exact
// find, replace and erase; and against a brute-force scan over random prefixes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "nicsim/host/vswitch/lpm.hpp"

namespace nicsim::host::vswitch {
namespace {

model::IpAddr ip(const std::string& s) { return *model::IpAddr::parse(s); }
IpPrefix pfx(const std::string& s) { return *IpPrefix::parse(s); }

TEST(VswitchLpm, TheLongestPrefixWins) {
  LpmTable<std::string> t;
  EXPECT_EQ(t.lookup(ip("10.1.2.3")), nullptr);
  EXPECT_TRUE(t.insert(pfx("10.0.0.0/8"), "ten"));
  EXPECT_TRUE(t.insert(pfx("10.1.0.0/16"), "ten-one"));
  EXPECT_TRUE(t.insert(pfx("10.1.2.0/24"), "ten-one-two"));
  EXPECT_TRUE(t.insert(pfx("0.0.0.0/0"), "default"));
  EXPECT_TRUE(t.insert(pfx("2001:db8::/32"), "doc"));
  EXPECT_TRUE(t.insert(pfx("2001:db8:1::/48"), "doc-one"));
  EXPECT_EQ(*t.lookup(ip("10.1.2.3")), "ten-one-two");
  EXPECT_EQ(*t.lookup(ip("10.1.3.3")), "ten-one");
  EXPECT_EQ(*t.lookup(ip("10.2.0.1")), "ten");
  EXPECT_EQ(*t.lookup(ip("192.0.2.1")), "default");
  EXPECT_EQ(*t.lookup(ip("2001:db8:1::5")), "doc-one");
  EXPECT_EQ(*t.lookup(ip("2001:db8:2::5")), "doc");
  EXPECT_EQ(t.lookup(ip("2001:db9::1")), nullptr) << "no IPv6 default";
  EXPECT_EQ(t.size(), 6u);
  EXPECT_FALSE(t.insert(pfx("10.1.0.0/16"), "replaced"));
  EXPECT_EQ(*t.lookup(ip("10.1.3.3")), "replaced");
  EXPECT_TRUE(t.erase(pfx("10.1.2.0/24")));
  EXPECT_FALSE(t.erase(pfx("10.1.2.0/24")));
  EXPECT_FALSE(t.erase(pfx("10.9.0.0/16")));
  EXPECT_EQ(*t.lookup(ip("10.1.2.3")), "replaced");
  EXPECT_EQ(t.find(pfx("10.0.0.0/8")) != nullptr, true);
  EXPECT_EQ(t.find(pfx("10.0.0.0/9")), nullptr);
  EXPECT_EQ(t.size(), 5u);
}

TEST(VswitchLpm, AgreesWithABruteForceScan) {
  std::mt19937 rng(7);
  LpmTable<int> t;
  std::vector<std::pair<IpPrefix, int>> routes;
  for (int i = 0; i < 500; ++i) {
    const auto len = static_cast<unsigned>(rng() % 33);
    const std::uint32_t a = len == 0 ? 0 : (static_cast<std::uint32_t>(rng()) & (~0u << (32 - len)));
    const IpPrefix p{model::Ipv4Addr(a), len};
    if (t.insert(p, i)) {
      routes.emplace_back(p, i);
    } else {
      for (auto& r : routes) {
        if (r.first == p) r.second = i;
      }
    }
  }
  for (int k = 0; k < 5000; ++k) {
    // Half the probes near a route, half anywhere.
    std::uint32_t a = static_cast<std::uint32_t>(rng());
    if (k % 2 == 0) a = routes[rng() % routes.size()].first.addr.v4().value() ^ (rng() & 0xFF);
    const model::IpAddr x = model::Ipv4Addr(a);
    const int* best = nullptr;
    unsigned best_len = 0;
    for (const auto& [p, v] : routes) {
      if (p.contains(x) && (best == nullptr || p.len > best_len)) {
        best = &v;
        best_len = p.len;
      }
    }
    const int* got = t.lookup(x);
    ASSERT_EQ(got == nullptr, best == nullptr) << x.to_string();
    if (got != nullptr) {
      ASSERT_EQ(*got, *best) << x.to_string();
    }
  }
}

}  // namespace
}  // namespace nicsim::host::vswitch
