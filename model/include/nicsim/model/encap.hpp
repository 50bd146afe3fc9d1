// SPDX-License-Identifier: MIT
// VXLAN encapsulation templates (spec section 5.5) and the table that holds them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

inline constexpr std::size_t kEncapBytes = fmt::EncapTemplate::kBytes;

/// A template (spec 5.5): layout and codec generated from rtl/formats.yaml.
using EncapTemplate = fmt::EncapTemplate;

/// Bytes of the headers a template prepends: Ethernet (+4 with a tag), IPv4 20 / IPv6 40,
/// UDP 8, VXLAN 8.
[[nodiscard]] constexpr std::size_t encap_header_len(const EncapTemplate& t) noexcept {
  return 14u + (t.vlan_tci != 0 ? 4u : 0u) + (t.ipv6() ? 40u : 20u) + 16u;
}

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
