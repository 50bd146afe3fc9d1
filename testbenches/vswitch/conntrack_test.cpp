// SPDX-License-Identifier: MIT
// Connection tracking: TCP open and close (both FIN orders, RST, reopen from TIME_WAIT), found
// from either direction, invalid first packets, UDP/ICMP replied or not, idle expiry per
// state, and a full table refusing (counted). Expected states written from the state machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "nicsim/host/vswitch/conntrack.hpp"

namespace nicsim::host::vswitch {
namespace {

using namespace tcp_flag;
constexpr std::uint64_t kS = 1'000'000'000ull;  // one second in ns

FlowTuple tup(std::uint8_t proto, std::uint16_t sport = 40000, std::uint16_t dport = 80) {
  return FlowTuple{*model::IpAddr::parse("10.0.0.1"), *model::IpAddr::parse("10.0.0.2"), proto,
                   sport, dport};
}

TEST(VswitchConnTrack, TcpHandshakeAndTeardownFromBothSides) {
  ConnTable ct;
  const FlowTuple c = tup(6), s = reversed(c);
  ConnResult r = ct.track(c, kSyn, 0);
  ASSERT_EQ(r.kind, ConnResult::Kind::kNew);
  EXPECT_EQ(r.state, ConnState::kSynSent);
  const std::uint64_t id = r.id;
  r = ct.track(s, kSyn | kAck, 1);
  EXPECT_EQ(r.kind, ConnResult::Kind::kKnown);
  EXPECT_TRUE(r.reply);
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.state, ConnState::kSynReceived);
  EXPECT_EQ(ct.track(c, kAck, 2).state, ConnState::kEstablished);
  EXPECT_EQ(ct.track(s, kAck, 3).state, ConnState::kEstablished) << "data";
  // The server closes first.
  EXPECT_EQ(ct.track(s, kFin | kAck, 4).state, ConnState::kFinWait);
  EXPECT_EQ(ct.track(c, kAck, 5).state, ConnState::kFinWait);
  EXPECT_EQ(ct.track(c, kFin | kAck, 6).state, ConnState::kClosing);
  EXPECT_EQ(ct.track(s, kAck, 7).state, ConnState::kTimeWait);
  EXPECT_EQ(ct.size(), 1u);
  // A new SYN on the same tuple opens a new connection.
  r = ct.track(c, kSyn, 8);
  EXPECT_EQ(r.kind, ConnResult::Kind::kNew);
  EXPECT_NE(r.id, id);
  EXPECT_EQ(r.replaced, id);
  EXPECT_EQ(ct.size(), 1u);
  EXPECT_FALSE(ct.state(id).has_value());
}

TEST(VswitchConnTrack, ResetClosesAndInvalidFirstPacketsAreCounted) {
  ConnTable ct;
  const FlowTuple c = tup(6);
  EXPECT_EQ(ct.track(c, kAck, 0).kind, ConnResult::Kind::kInvalid) << "no SYN: not a connection";
  EXPECT_EQ(ct.track(c, kSyn | kAck, 0).kind, ConnResult::Kind::kInvalid);
  EXPECT_EQ(ct.track(c, kRst, 0).kind, ConnResult::Kind::kInvalid);
  EXPECT_EQ(ct.invalid(), 3u);
  EXPECT_EQ(ct.size(), 0u);
  ASSERT_EQ(ct.track(c, kSyn, 1).kind, ConnResult::Kind::kNew);
  EXPECT_EQ(ct.track(reversed(c), kRst | kAck, 2).state, ConnState::kClosed);
  EXPECT_EQ(ct.track(c, kAck, 3).state, ConnState::kClosed) << "stragglers stay closed";
}

TEST(VswitchConnTrack, LooseTrackingPicksConnectionsUpMidStream) {
  ConnTable ct(16, {}, /*tcp_loose=*/true);
  const FlowTuple c = tup(6);
  ConnResult r = ct.track(c, kAck | 0x08, 0);  // PSH+ACK of a connection opened before
  ASSERT_EQ(r.kind, ConnResult::Kind::kNew);
  EXPECT_EQ(r.state, ConnState::kEstablished);
  EXPECT_EQ(ct.picked_up(), 1u);
  EXPECT_EQ(ct.track(reversed(c), kAck, 1).id, r.id) << "the reply is the same connection";
  EXPECT_EQ(ct.track(c, kFin | kAck, 2).state, ConnState::kFinWait) << "and it closes normally";
  // Neither an RST nor a SYN+ACK starts one.
  EXPECT_EQ(ct.track(tup(6, 1), kRst, 3).kind, ConnResult::Kind::kInvalid);
  EXPECT_EQ(ct.track(tup(6, 2), kSyn | kAck, 3).kind, ConnResult::Kind::kInvalid);
  EXPECT_EQ(ct.invalid(), 2u);
  EXPECT_EQ(ct.timeout(6, ConnState::kEstablished), ConnTimeouts{}.tcp_established);
}

TEST(VswitchConnTrack, UdpAndIcmpAreRepliedOrNot) {
  ConnTable ct;
  const FlowTuple u = tup(17, 5353, 53);
  ConnResult r = ct.track(u, 0, 0);
  ASSERT_EQ(r.kind, ConnResult::Kind::kNew);
  EXPECT_EQ(r.state, ConnState::kUnreplied);
  EXPECT_EQ(ct.track(u, 0, 1).state, ConnState::kUnreplied) << "the same direction again";
  EXPECT_EQ(ct.track(reversed(u), 0, 2).state, ConnState::kEstablished);
  const FlowTuple i = tup(1, 0x1234, 0);  // an echo's identifier in the port's place
  EXPECT_EQ(ct.track(i, 0, 0).kind, ConnResult::Kind::kNew);
  EXPECT_EQ(ct.size(), 2u);
}

TEST(VswitchConnTrack, IdleConnectionsExpireByTheirStatesTimeout) {
  ConnTimeouts t;
  ConnTable ct(1024, t);
  const FlowTuple est = tup(6, 1000), syn = tup(6, 1001), udp = tup(17, 1002), udp2 = tup(17, 1003);
  ct.track(est, kSyn, 0);
  ct.track(reversed(est), kSyn | kAck, 0);
  const std::uint64_t est_id = ct.track(est, kAck, 0).id;
  const std::uint64_t syn_id = ct.track(syn, kSyn, 0).id;
  const std::uint64_t udp_id = ct.track(udp, 0, 0).id;
  const std::uint64_t udp2_id = ct.track(udp2, 0, 0).id;
  ct.track(reversed(udp2), 0, 0);  // replied: the longer timeout
  EXPECT_TRUE(ct.expire(t.udp_unreplied).empty()) << "exactly at the timeout is not beyond it";
  EXPECT_EQ(ct.expire(t.udp_unreplied + 1), std::vector<std::uint64_t>{udp_id});
  // 120 s: the half-open TCP connection and the replied UDP one.
  std::vector<std::uint64_t> gone = ct.expire(t.tcp_syn + 1);
  std::sort(gone.begin(), gone.end());
  std::vector<std::uint64_t> want{syn_id, udp2_id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(gone, want);
  EXPECT_FALSE(ct.state(syn_id).has_value());
  EXPECT_FALSE(ct.state(udp2_id).has_value());
  ASSERT_TRUE(ct.state(est_id).has_value());
  ct.track(est, kAck, 3600 * kS);  // traffic keeps it alive
  EXPECT_TRUE(ct.expire(3600 * kS + t.tcp_established).empty());
  EXPECT_EQ(ct.expire(3600 * kS + t.tcp_established + 1), std::vector<std::uint64_t>{est_id});
  EXPECT_EQ(ct.size(), 0u);
}

TEST(VswitchConnTrack, AFullTableRefusesNewConnectionsAndCountsThem) {
  ConnTable ct(2);
  EXPECT_EQ(ct.track(tup(17, 1), 0, 0).kind, ConnResult::Kind::kNew);
  EXPECT_EQ(ct.track(tup(17, 2), 0, 0).kind, ConnResult::Kind::kNew);
  EXPECT_EQ(ct.track(tup(17, 3), 0, 0).kind, ConnResult::Kind::kTableFull);
  EXPECT_EQ(ct.refused(), 1u);
  EXPECT_EQ(ct.track(reversed(tup(17, 1)), 0, 1).kind, ConnResult::Kind::kKnown)
      << "known connections go on";
  const std::uint64_t later = ct.timeout(17, ConnState::kUnreplied) + 10;
  EXPECT_EQ(ct.expire(later).size(), 1u) << "port 2, unreplied; port 1 was replied";
  EXPECT_EQ(ct.track(tup(17, 3), 0, later).kind, ConnResult::Kind::kNew) << "room again";
}

}  // namespace
}  // namespace nicsim::host::vswitch
