// SPDX-License-Identifier: MIT
// Receive-side scaling (spec section 6): per-VNIC Toeplitz key, 128-entry indirection table and
// enable; the hash input is taken from the frame as delivered.
#pragma once

#include <array>
#include <cstdint>

#include "nicsim/model/bytes.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::model {

inline constexpr std::size_t kRssIndirEntries = 128;

/// The Microsoft sample key (the default key here).
inline constexpr ToeplitzKey kMicrosoftRssKey{
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

struct RssResult {
  std::uint32_t hash = 0;
  bool valid = false;
  std::uint8_t queue = 0;  // index within the VNIC's queue set (add rxq_base)
};

/// The RSS hash input of a level, as the frame's byte ranges it is made of: the IP addresses
/// (8 bytes IPv4, 32 IPv6), then the TCP/UDP ports (4 bytes; empty for other protocols and
/// fragments). Both empty when the level is not IP (no hash). The input is `addrs` then
/// `ports`; the hash is computed over them in place.
struct RssInput {
  ByteSpan addrs, ports;
};
[[nodiscard]] RssInput rss_input(ByteSpan frame, const Level& lv) noexcept;

class RssConfig {
 public:
  bool enable = false;
  ToeplitzKey key = kMicrosoftRssKey;
  std::array<std::uint8_t, kRssIndirEntries> indir{};

  /// Hash and queue for a delivered frame's outer level. Disabled: queue 0, hash not valid.
  [[nodiscard]] RssResult classify(ByteSpan frame, const Level& lv) noexcept;

 private:
  ToeplitzHasher hasher_{};
  bool hasher_ready_ = false;
};

}  // namespace nicsim::model
