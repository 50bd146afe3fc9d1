// SPDX-License-Identifier: MIT
// JSON mapping of parse results (sim/cli/parse_json): exact keys, order and values.
#include <gtest/gtest.h>

#include "nicsim/model/builder.hpp"
#include "parse_json.hpp"

namespace nicsim::cli {
namespace {

using model::Ipv4Addr;
using model::MacAddr;
using model::PacketBuilder;

TEST(ParseJson, VxlanFrameExactLine) {
  const auto f =
      PacketBuilder()
          .eth({.dst = MacAddr::from_u64(0xaabbccddeeff), .src = MacAddr::from_u64(0x020000000001)})
          .vlan({.vid = 100})
          .ipv4({.src = Ipv4Addr(10, 0, 0, 1), .dst = Ipv4Addr(10, 0, 0, 2)})
          .udp({.sport = 5000})
          .vxlan({.vni = 42})
          .eth()
          .ipv6()
          .tcp({.sport = 1234, .dport = 80, .flags = 0x18})
          .payload(4)
          .frame();
  EXPECT_EQ(parse_to_json(f, 7).dump(),
            R"({"i":7,"len":132,)"
            R"("eth":{"src":"02:00:00:00:00:01","dst":"aa:bb:cc:dd:ee:ff","type":2048},)"
            R"("vlan":[100],)"
            R"("ip":{"v":4,"src":"10.0.0.1","dst":"10.0.0.2","proto":17,"ttl":64,"frag":false},)"
            R"("l4":{"sport":5000,"dport":4789},)"
            R"("tunnel":{"type":"vxlan","vni":42},)"
            R"("inner":{"eth":{"src":"02:00:00:00:00:01","dst":"02:00:00:00:00:02","type":34525},)"
            R"("ip":{"v":6,"src":"2001:db8::1","dst":"2001:db8::2","proto":6,"ttl":64,)"
            R"("frag":false},"l4":{"sport":1234,"dport":80,"tcp_flags":24},"error":null},)"
            R"("error":null})");
}

TEST(ParseJson, OrigLenArpIcmpAndErrors) {
  auto f = PacketBuilder().eth().ipv4().tcp().payload(100).snap(40).frame();
  auto j = parse_to_json(f, 0);
  EXPECT_EQ(j["len"], 40);
  EXPECT_EQ(j["orig_len"], 154);
  EXPECT_EQ(j["error"], "truncated tcp");
  EXPECT_FALSE(j.contains("l4"));
  // Key order at the top: i, len, orig_len, eth, ip, error.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"i", "len", "orig_len", "eth", "ip", "error"}));

  f = PacketBuilder()
          .eth()
          .arp({.op = 2, .spa = Ipv4Addr(1, 2, 3, 4), .tpa = Ipv4Addr(5, 6, 7, 8)})
          .frame();
  EXPECT_EQ(parse_to_json(f, 1).dump(),
            R"({"i":1,"len":42,"eth":{"src":"02:00:00:00:00:01","dst":"02:00:00:00:00:02",)"
            R"("type":2054},"arp":{"op":2,"spa":"1.2.3.4","tpa":"5.6.7.8"},"error":null})");

  f = PacketBuilder()
          .eth()
          .vlan({.vid = 1, .tpid = 0x88a8})
          .vlan({.vid = 2})
          .ipv6()
          .icmpv6({.type = 129, .code = 0})
          .frame();
  j = parse_to_json(f, 2);
  EXPECT_EQ(j["vlan"].dump(), "[1,2]");
  EXPECT_EQ(j["l4"].dump(), R"({"icmp_type":129,"icmp_code":0})");
  EXPECT_EQ(j["eth"]["type"], 0x86dd);

  f = PacketBuilder().eth().ipv4({.frag_offset = 2}).payload(8).frame();
  j = parse_to_json(f, 3);
  EXPECT_EQ(j["ip"]["frag"], true);
  EXPECT_FALSE(j.contains("l4"));

  f.data.resize(5);
  f.orig_len = 5;
  EXPECT_EQ(parse_to_json(f, 4).dump(), R"({"i":4,"len":5,"error":"truncated eth"})");
}

TEST(ParseJson, GreTunnelsAndInnerErrors) {
  // NVGRE: vni = VSID; GRE without key: no vni; inner starts at IP: no eth in inner.
  auto f = PacketBuilder().eth().ipv4().nvgre(0x1234).eth().ipv4().udp().frame();
  auto j = parse_to_json(f, 0);
  EXPECT_EQ(j["tunnel"].dump(), R"({"type":"nvgre","vni":4660})");
  EXPECT_TRUE(j["inner"].contains("eth"));
  EXPECT_FALSE(j.contains("l4"));
  f = PacketBuilder().eth().ipv4().gre().ipv6().udp().frame();
  j = parse_to_json(f, 0);
  EXPECT_EQ(j["tunnel"].dump(), R"({"type":"gre"})");
  EXPECT_FALSE(j["inner"].contains("eth"));
  EXPECT_EQ(j["inner"]["ip"]["v"], 6);
  // Inner error, outer truncation; keys of inner in order.
  f = PacketBuilder().eth().ipv4().udp().geneve({.vni = 7}).eth().ipv4().tcp().frame();
  f.data.resize(f.data.size() - 1);
  j = parse_to_json(f, 0);
  EXPECT_EQ(j["error"], "truncated ipv4");
  EXPECT_EQ(j["tunnel"].dump(), R"({"type":"geneve","vni":7})");
  EXPECT_EQ(j["inner"]["error"], "truncated tcp");
  std::vector<std::string> keys;
  for (auto it = j["inner"].begin(); it != j["inner"].end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"eth", "ip", "error"}));
  // A tunnel whose payload is not parsed: no inner key.
  f = PacketBuilder().eth().ipv4().gre({.protocol = 0x880b}).payload(4).frame();
  EXPECT_FALSE(parse_to_json(f, 0).contains("inner"));
}

}  // namespace
}  // namespace nicsim::cli
