// SPDX-License-Identifier: MIT
// The virtual switch's ACL stages against DASH's semantics (docs/vswitch.md), in the shape of
// DASH's ACL test plans: priorities, terminating and non-terminating actions across stages,
// the group's default deny, protocol and port-range lists, address families. The expected
// verdicts are written from the semantics, not computed.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "nicsim/host/vswitch/acl.hpp"

namespace nicsim::host::vswitch {
namespace {

model::IpAddr ip(const char* s) { return *model::IpAddr::parse(s); }
IpPrefix pfx(const char* s) {
  auto p = IpPrefix::parse(s);
  EXPECT_TRUE(p.has_value()) << s;
  return p.value_or(IpPrefix{});
}

FlowTuple tcp(const char* src, const char* dst, std::uint16_t sport, std::uint16_t dport) {
  return FlowTuple{ip(src), ip(dst), 6, sport, dport};
}

AclRule rule(const char* name, std::uint32_t prio, AclAction a) {
  AclRule r;
  r.name = name;
  r.priority = prio;
  r.action = a;
  return r;
}

std::shared_ptr<AclGroup> group_of(const char* name, std::initializer_list<AclRule> rules) {
  auto g = std::make_shared<AclGroup>(name);
  for (const AclRule& r : rules) EXPECT_FALSE(g->add(r).has_value()) << r.name;
  return g;
}

TEST(VswitchAcl, PrefixesParseStrictlyAndMatchTheirFamily) {
  EXPECT_TRUE(pfx("10.0.0.0/8").contains(ip("10.200.3.4")));
  EXPECT_FALSE(pfx("10.0.0.0/8").contains(ip("11.0.0.1")));
  EXPECT_TRUE(pfx("10.1.2.3").contains(ip("10.1.2.3")));
  EXPECT_FALSE(pfx("10.1.2.3").contains(ip("10.1.2.4")));
  EXPECT_TRUE(pfx("192.168.0.0/23").contains(ip("192.168.1.255")));
  EXPECT_FALSE(pfx("192.168.0.0/23").contains(ip("192.168.2.0")));
  EXPECT_TRUE(pfx("0.0.0.0/0").contains(ip("203.0.113.9")));
  EXPECT_FALSE(pfx("0.0.0.0/0").contains(ip("::1"))) << "an IPv4 prefix holds no IPv6 address";
  EXPECT_TRUE(pfx("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(pfx("2001:db8::/32").contains(ip("2001:db9::1")));
  EXPECT_TRUE(pfx("2001:db8::/127").contains(ip("2001:db8::1")));
  for (const char* bad : {"10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "x/8", "2001:db8::1/64", "",
                          "10.0.0.0/8/8", "10.0.0.0/-1"}) {
    EXPECT_FALSE(IpPrefix::parse(bad).has_value()) << bad;
  }
  EXPECT_EQ(pfx("10.0.0.0/8").to_string(), "10.0.0.0/8");
}

TEST(VswitchAcl, TheLowestPriorityValueDecidesThenTheFirstAdded) {
  auto g = std::make_shared<AclGroup>("g");
  ASSERT_FALSE(g->add(rule("late-low", 20, AclAction::kDeny)));
  ASSERT_FALSE(g->add(rule("high", 10, AclAction::kPermit)));
  ASSERT_FALSE(g->add(rule("tie", 10, AclAction::kDeny)));
  AclStages st;
  st.set(0, g);
  const AclVerdict v = st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1000, 80));
  EXPECT_TRUE(v.allow);
  EXPECT_EQ(v.rule, "high");
  EXPECT_EQ(v.stage, 0);
  EXPECT_EQ(g->hits("high"), 1u);
  EXPECT_EQ(g->hits("tie"), 0u);
  ASSERT_TRUE(g->remove("high"));
  EXPECT_EQ(st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1000, 80)).rule, "tie");
  EXPECT_FALSE(g->remove("high"));
}

TEST(VswitchAcl, TerminatingAndNonTerminatingAcrossStages) {
  const FlowTuple t = tcp("10.0.0.1", "10.0.0.2", 1000, 80);
  struct Case {
    const char* what;
    AclAction s0, s1;
    bool allow;
    int stage;
  };
  const Case cases[] = {
      {"permit_and_continue then deny", AclAction::kPermitAndContinue, AclAction::kDeny, false, 1},
      {"deny_and_continue then permit", AclAction::kDenyAndContinue, AclAction::kPermit, true, 1},
      {"permit ends it", AclAction::kPermit, AclAction::kDeny, true, 0},
      {"deny ends it", AclAction::kDeny, AclAction::kPermit, false, 0},
      {"both continue: the last", AclAction::kDenyAndContinue, AclAction::kPermitAndContinue, true, 1},
      {"both continue: the last deny", AclAction::kPermitAndContinue, AclAction::kDenyAndContinue, false, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto g0 = group_of("g0", {rule("r0", 1, c.s0)});
    auto g1 = group_of("g1", {rule("r1", 1, c.s1)});
    AclStages st;
    st.set(0, g0);
    st.set(1, g1);
    const AclVerdict v = st.evaluate(t);
    EXPECT_EQ(v.allow, c.allow);
    EXPECT_EQ(v.stage, c.stage);
    EXPECT_EQ(g1->hits("r1"), c.stage == 1 ? 1u : 0u) << "a terminated evaluation skips stage 1";
  }
}

TEST(VswitchAcl, AGroupWithoutAMatchDeniesAndEmptyStagesAreSkipped) {
  AclStages st;
  EXPECT_TRUE(st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1, 2)).allow) << "no group: no filter";
  EXPECT_EQ(st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1, 2)).stage, -1);
  AclRule only_web = rule("web", 5, AclAction::kPermitAndContinue);
  only_web.dports = {{80, 80}};
  auto g0 = group_of("g0", {only_web});
  auto g3 = group_of("g3", {rule("all", 9, AclAction::kPermit)});
  st.set(0, g0);
  st.set(3, g3);  // stages 1 and 2 empty
  const AclVerdict web = st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1, 80));
  EXPECT_TRUE(web.allow);
  EXPECT_EQ(web.stage, 3);
  EXPECT_EQ(web.rule, "all");
  const AclVerdict ssh = st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1, 22));
  EXPECT_FALSE(ssh.allow) << "stage 0 has no rule for port 22: its default deny ends it";
  EXPECT_EQ(ssh.stage, 0);
  EXPECT_EQ(ssh.rule, "");
  EXPECT_EQ(g3->hits("all"), 1u);
}

TEST(VswitchAcl, ProtocolAndPortRangeLists) {
  AclRule r = rule("tcp-web", 1, AclAction::kPermit);
  r.protocols = {6};
  r.dports = {{80, 80}, {443, 443}, {8000, 8999}};
  r.sports = {{1024, 65535}};
  r.src = {pfx("10.0.0.0/24"), pfx("10.9.0.0/16")};
  auto g = group_of("g", {r});
  AclStages st;
  st.set(0, g);
  EXPECT_TRUE(st.evaluate(tcp("10.0.0.7", "1.2.3.4", 40000, 443)).allow);
  EXPECT_TRUE(st.evaluate(tcp("10.9.200.1", "1.2.3.4", 1024, 8999)).allow);
  EXPECT_FALSE(st.evaluate(tcp("10.0.0.7", "1.2.3.4", 40000, 9000)).allow) << "port outside";
  EXPECT_FALSE(st.evaluate(tcp("10.0.0.7", "1.2.3.4", 1023, 443)).allow) << "source port outside";
  EXPECT_FALSE(st.evaluate(tcp("10.0.1.7", "1.2.3.4", 40000, 443)).allow) << "source outside";
  FlowTuple udp = tcp("10.0.0.7", "1.2.3.4", 40000, 443);
  udp.proto = 17;
  EXPECT_FALSE(st.evaluate(udp).allow) << "protocol outside";
}

TEST(VswitchAcl, FamiliesAreKeptApart) {
  auto v6 = std::make_shared<AclGroup>("v6", true);
  AclRule r = rule("v6-permit", 1, AclAction::kPermit);
  r.dst = {pfx("2001:db8::/32")};
  ASSERT_FALSE(v6->add(r));
  AclRule wrong = rule("v4-in-v6", 2, AclAction::kPermit);
  wrong.src = {pfx("10.0.0.0/8")};
  const auto e = v6->add(wrong);
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->what.find("10.0.0.0/8"), std::string::npos) << e->what;
  auto v4 = group_of("v4", {rule("v4-deny", 1, AclAction::kDeny)});
  AclStages st;
  st.set(0, v4);
  st.set(1, v6);
  const AclVerdict v = st.evaluate(tcp("2001:db8::1", "2001:db8::2", 1, 2));
  EXPECT_TRUE(v.allow) << "an IPv6 flow is not judged by an IPv4 group";
  EXPECT_EQ(v.stage, 1);
  EXPECT_FALSE(st.evaluate(tcp("10.0.0.1", "10.0.0.2", 1, 2)).allow);
}

TEST(VswitchAcl, BadRulesAreRefusedWithTheReason) {
  auto g = group_of("g", {rule("a", 1, AclAction::kPermit)});
  EXPECT_NE(g->add(rule("a", 2, AclAction::kDeny))->what.find("exists"), std::string::npos);
  AclRule empty_range = rule("b", 1, AclAction::kPermit);
  empty_range.dports = {{90, 80}};
  EXPECT_NE(g->add(empty_range)->what.find("90-80"), std::string::npos);
  EXPECT_TRUE(g->add(rule("", 1, AclAction::kPermit)).has_value());
  EXPECT_EQ(g->size(), 1u);
}

TEST(VswitchAcl, EveryChangeGrowsTheVersion) {
  auto a = group_of("a", {rule("x", 1, AclAction::kPermit)});
  auto b = group_of("b", {rule("y", 1, AclAction::kDeny)});
  AclStages st;
  st.set(0, b);
  st.set(0, a);  // a is older than b: the assignment still moves the version on
  std::uint64_t v = st.version();
  ASSERT_FALSE(a->add(rule("z", 5, AclAction::kDeny)));
  EXPECT_GT(st.version(), v);
  v = st.version();
  ASSERT_TRUE(a->remove("z"));
  EXPECT_GT(st.version(), v);
  v = st.version();
  st.set(1, b);
  EXPECT_GT(st.version(), v);
  v = st.version();
  st.set(1, nullptr);
  EXPECT_GT(st.version(), v);
}

/// The rule a scan of `rules` (in the order they were added) finds for `t`: the lowest
/// priority value among those that match, the first added on a tie; null for none.
const AclRule* scan(const std::vector<AclRule>& rules, const FlowTuple& t) {
  const AclRule* best = nullptr;
  for (const AclRule& r : rules) {
    if (r.matches(t) && (best == nullptr || r.priority < best->priority)) best = &r;
  }
  return best;
}

// A group of many rules finds a flow's rule through its index by destination prefix; whatever
// the prefixes (nested, several per rule, /0, host routes, none), the rule is the one a scan of
// all of them finds, also after rules are added and removed.
TEST(VswitchAcl, AGroupOfManyRulesDecidesAsAScanOfAllItsRules) {
  for (const bool v6 : {false, true}) {
    std::mt19937 gen(v6 ? 99 : 7);
    const auto rnd = [&gen](std::uint32_t n) { return static_cast<std::uint32_t>(gen() % n); };
    // Addresses near a few bases, so that prefixes nest and flows meet them.
    const auto addr = [&]() -> model::IpAddr {
      const std::uint32_t v = 0x0a000000u + rnd(4) * 0x00010000u + rnd(4) * 0x100u + rnd(8);
      if (!v6) return model::Ipv4Addr(v);
      return model::Ipv6Addr::mapped(model::Ipv4Addr(v));
    };
    const auto prefix = [&](unsigned len) {
      len += v6 ? 96 : 0;
      IpPrefix p{addr(), len};
      auto b = ip_bytes(p.addr);
      for (unsigned i = len; i < (v6 ? 128u : 32u); ++i) {
        b[i / 8] = static_cast<std::uint8_t>(b[i / 8] & ~(0x80u >> (i % 8)));
      }
      p.addr = v6 ? model::IpAddr(model::Ipv6Addr(b))
                  : model::IpAddr(model::Ipv4Addr::from_bytes(b.data()));
      return p;
    };
    auto g = std::make_shared<AclGroup>("many", v6);
    std::vector<AclRule> rules;
    const auto add = [&](unsigned i) {
      AclRule r = rule("", rnd(600), rnd(2) == 0 ? AclAction::kPermit : AclAction::kDeny);
      r.name = "r" + std::to_string(i);
      if (rnd(3) == 0) {  // any destination, from a few sources
        r.src.push_back(prefix(std::array<unsigned, 3>{29, 30, 32}[rnd(3)]));
      } else {  // one to three destinations; broad ones (/0, /16) are the fallbacks
        for (unsigned k = 1 + rnd(3); k-- > 0;) {
          const unsigned len = std::array<unsigned, 8>{0, 16, 24, 29, 30, 32, 32, 32}[rnd(8)];
          r.dst.push_back(prefix(len));
          if (len <= 16) r.priority = 1000 + rnd(600);
        }
        if (rnd(3) == 0) r.src.push_back(prefix(std::array<unsigned, 3>{16, 24, 30}[rnd(3)]));
      }
      if (rnd(3) == 0) r.protocols = {static_cast<std::uint8_t>(rnd(2) == 0 ? 6 : 17)};
      if (rnd(4) == 0) r.dports = {{static_cast<std::uint16_t>(rnd(100)), 200}};
      ASSERT_FALSE(g->add(r).has_value()) << r.name;
      rules.push_back(r);
    };
    const auto check = [&]() {
      unsigned decided = 0;  // flows some rule matched (the rest: the group's default)
      std::set<std::string> deciding, deciding_any_dst;
      for (unsigned f = 0; f < 500; ++f) {
        const FlowTuple t{addr(), addr(), static_cast<std::uint8_t>(rnd(2) == 0 ? 6 : 17),
                          static_cast<std::uint16_t>(rnd(200)),
                          static_cast<std::uint16_t>(rnd(200))};
        const AclRule* want = scan(rules, t);
        const AclRule* got = g->lookup(t);
        ASSERT_EQ(got == nullptr, want == nullptr) << "flow " << f;
        if (want != nullptr) {
          EXPECT_EQ(got->name, want->name) << "flow " << f;
          ++decided;
          deciding.insert(want->name);
          if (want->dst.empty()) deciding_any_dst.insert(want->name);
        }
      }
      // The flows meet many rules, of both kinds.
      EXPECT_GT(decided, 250u);
      EXPECT_GT(deciding.size(), 40u);
      EXPECT_GT(deciding_any_dst.size(), 5u);
    };
    for (unsigned i = 0; i < 300; ++i) add(i);
    check();
    for (unsigned i = 0; i < 300; i += 3) {  // a third removed, more added
      ASSERT_TRUE(g->remove("r" + std::to_string(i)));
      std::erase_if(rules, [&](const AclRule& r) { return r.name == "r" + std::to_string(i); });
    }
    for (unsigned i = 300; i < 340; ++i) add(i);
    check();
  }
}

}  // namespace
}  // namespace nicsim::host::vswitch

namespace nicsim::host::vswitch {
namespace {

// A range as TCAM prefixes: exactly its ports, and the fewest (the known counts).
TEST(VswitchAcl, PortMasksCoverExactlyTheRange) {
  const auto covered = [](const std::vector<PortMask>& m, unsigned p) {
    for (const PortMask& x : m) {
      if ((p & x.mask) == x.value) return true;
    }
    return false;
  };
  for (const PortRange r : {PortRange{40000, 40063}, PortRange{1, 65534}, PortRange{0, 65535},
                            PortRange{20000, 29999}, PortRange{7, 7}, PortRange{1023, 1024},
                            PortRange{65535, 65535}}) {
    const std::vector<PortMask> m = port_masks(r);
    for (unsigned p = 0; p <= 65535; ++p) {
      ASSERT_EQ(covered(m, p), r.contains(static_cast<std::uint16_t>(p))) << r.lo << "-" << r.hi
                                                                          << " port " << p;
    }
  }
  EXPECT_EQ(port_masks({40000, 40063}).size(), 1u);
  EXPECT_EQ(port_masks({0, 65535}), (std::vector<PortMask>{{0, 0}}));
  EXPECT_EQ(port_masks({1, 65534}).size(), 30u);  // the worst case
  EXPECT_EQ(port_masks({1023, 1024}).size(), 2u);
  EXPECT_TRUE(port_masks({5, 4}).empty());
}

}  // namespace
}  // namespace nicsim::host::vswitch
