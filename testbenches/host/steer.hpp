// SPDX-License-Identifier: MIT
// One VNIC per receive queue, its wire traffic steered there by a flow: what the pool and
// zero-copy benches set up (pool_test.cpp, zerocopy_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "fixture.hpp"

namespace nicsim::host::test {

/// A frame for VNIC v from the wire: TCP v.0.0.1 -> v.0.0.2, source port `seq`, port 80, to
/// VNIC v's MAC (kMacVnic1 or kMacVnic2), `payload` bytes of payload (46: a 100-byte frame).
inline std::vector<std::uint8_t> to_vnic(unsigned v, std::uint16_t seq, std::size_t payload = 46) {
  return tcp4(v << 24 | 1, v << 24 | 2, seq, 80, payload, kMacGw, v == 1 ? kMacVnic1 : kMacVnic2);
}

struct SteerOptions {
  std::uint32_t quota = 0;           // the VNIC's NIC quota (bytes, policy drop)
  bool rss = false;                  // RSS on its one queue (the completions carry the hash)
  std::vector<FlowAction> first{};   // actions of the flow before the delivery (e.g. a mark)
};

/// VNIC v (1 or 2) alone on receive queue v - 1; its frames (to_vnic, any source port) are
/// steered there by a flow in `ft`.
inline void steer_to_vnic(Driver& drv, FlowTable& ft, unsigned v, const SteerOptions& o = {}) {
  VnicConfig c;
  c.vport = v;
  c.rxq_base = v - 1;
  c.rxq_count = 1;
  c.rss = o.rss;
  c.mac = mac(v == 1 ? kMacVnic1 : kMacVnic2);
  c.quota_bytes = o.quota;
  drv.configure_vnic(c);
  const std::vector<FlowItem> pattern = {
      ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = v << 24 | 1, .dst = v << 24 | 2}}}, ItemEnd{}};
  std::vector<FlowAction> actions = o.first;
  actions.push_back(ActionVnic{v});
  const auto f = ft.create({.ingress_vport = 0}, pattern, actions);
  ASSERT_TRUE(f.ok()) << f.error().to_string();
}

}  // namespace nicsim::host::test
