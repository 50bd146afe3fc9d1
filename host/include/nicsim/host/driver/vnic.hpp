// SPDX-License-Identifier: MIT
// Configuration of one VNIC (vport 1..NUM_VNIC): queue set, RSS, addresses, anti-spoof, quota.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace nicsim::host {

struct VnicConfig {
  unsigned vport = 1;      // 1..num_vnic
  unsigned rxq_base = 0;   // first receive queue of the set
  unsigned rxq_count = 1;  // queues in the set
  bool rss = false;        // spread over the set by Toeplitz hash
  /// Toeplitz key; default: the well-known Microsoft verification key.
  std::array<std::uint8_t, 40> rss_key = default_rss_key();
  /// Indirection entries (queue index within the set); default: round robin over the set.
  std::optional<std::array<std::uint8_t, 128>> rss_indir{};
  std::array<std::uint8_t, 6> mac{};
  std::uint32_t ipv4 = 0;  // host order (10.0.0.1 = 0x0a000001)
  std::array<std::uint8_t, 16> ipv6{};
  bool spoof_check = false;       // source MAC must be `mac`
  bool ipv4_check = false;        // IPv4 / ARP source must be `ipv4`
  bool ipv6_check = false;        // IPv6 source must be `ipv6` or link-local
  std::uint32_t quota_bytes = 0;  // 0 = unlimited
  bool quota_wait = false;
  std::uint32_t quota_wait_cycles = 0;
  /// Destination tokens (spec 11): a refused token's frame goes to the exception ring (reason
  /// token) instead of being dropped (drop_token).
  bool token_exc = false;

  static constexpr std::array<std::uint8_t, 40> default_rss_key() {
    return {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
            0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
            0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};
  }
};

}  // namespace nicsim::host
