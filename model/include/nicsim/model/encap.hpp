// SPDX-License-Identifier: MIT
// VXLAN encapsulation templates (spec section 5.5) and the table that holds them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nicsim::model {

inline constexpr std::size_t kEncapBytes = 64;

struct EncapTemplate {
  std::array<std::uint8_t, 6> dmac{};
  std::array<std::uint8_t, 6> smac{};
  std::uint16_t vlan_tci = 0;  // 0 = no tag
  bool ipv6 = false;
  std::uint8_t ttl = 64;
  std::uint16_t udp_dport = 4789;
  std::uint32_t vni = 0;               // 24 bits
  std::array<std::uint8_t, 16> sip{};  // network order; IPv4 in bytes 12..15
  std::array<std::uint8_t, 16> dip{};

  /// Bytes of the headers this template prepends: Ethernet (+4 with a tag), IPv4 20 / IPv6 40,
  /// UDP 8, VXLAN 8.
  [[nodiscard]] constexpr std::size_t header_len() const noexcept {
    return 14u + (vlan_tci != 0 ? 4u : 0u) + (ipv6 ? 40u : 20u) + 16u;
  }

  void encode(std::span<std::uint8_t, kEncapBytes> out) const noexcept;
  [[nodiscard]] std::array<std::uint8_t, kEncapBytes> encode() const noexcept {
    std::array<std::uint8_t, kEncapBytes> b{};
    encode(b);
    return b;
  }
  /// Reserved bytes and flag bits are ignored; the VNI keeps 24 bits.
  [[nodiscard]] static EncapTemplate decode(std::span<const std::uint8_t, kEncapBytes> in) noexcept;

  friend bool operator==(const EncapTemplate&, const EncapTemplate&) = default;
};

/// NUM_ENCAP templates; index 0 is never used by an action (an action naming 0 or an index
/// >= size() is `bad_action`).
class EncapTable {
 public:
  explicit EncapTable(std::uint32_t entries) : t_(entries) {}
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(t_.size()); }
  [[nodiscard]] bool valid_index(std::uint32_t i) const noexcept { return i != 0 && i < t_.size(); }
  /// False for an index out of range.
  bool set(std::uint32_t i, const EncapTemplate& t) noexcept {
    if (i >= t_.size()) return false;
    t_[i] = t;
    return true;
  }
  [[nodiscard]] const EncapTemplate& get(std::uint32_t i) const noexcept { return t_[i]; }

 private:
  std::vector<EncapTemplate> t_;
};

}  // namespace nicsim::model
