// SPDX-License-Identifier: MIT
// Encapsulation templates (VXLAN, NVGRE, Geneve; spec section 5.5) and the table that holds
// them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

inline constexpr std::size_t kEncapBytes = fmt::EncapTemplate::kBytes;

/// A template (spec 5.5): layout and codec generated from rtl/formats.yaml.
using EncapTemplate = fmt::EncapTemplate;

using EncapTunnel = fmt::EncapTunnel;

/// A template the table can hold: its tunnel type is one rtl/formats.yaml defines (VXLAN,
/// NVGRE, Geneve; 3 is reserved).
[[nodiscard]] constexpr bool encap_tunnel_valid(const EncapTemplate& t) noexcept {
  return std::string_view(fmt::to_string(t.tunnel())) != "?";
}

/// Bytes after the outer IP header: UDP 8 + VXLAN or Geneve 8; NVGRE: GRE with key, 8.
[[nodiscard]] constexpr std::size_t encap_tunnel_len(const EncapTemplate& t) noexcept {
  return t.tunnel() == EncapTunnel::kNvgre ? 8u : 16u;
}

/// Bytes of the headers a template prepends: Ethernet (+4 with a tag), IPv4 20 / IPv6 40,
/// then encap_tunnel_len.
[[nodiscard]] constexpr std::size_t encap_header_len(const EncapTemplate& t) noexcept {
  return 14u + (t.vlan_tci != 0 ? 4u : 0u) + (t.ipv6() ? 40u : 20u) + encap_tunnel_len(t);
}

/// NUM_ENCAP templates; index 0 is never used by an action (an action naming 0 or an index
/// >= size() is `bad_action`).
class EncapTable {
 public:
  explicit EncapTable(std::uint32_t entries) : t_(entries) {}
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(t_.size()); }
  [[nodiscard]] bool valid_index(std::uint32_t i) const noexcept { return i != 0 && i < t_.size(); }
  /// False (and nothing written) for an index out of range or a reserved tunnel type.
  bool set(std::uint32_t i, const EncapTemplate& t) noexcept {
    if (i >= t_.size() || !encap_tunnel_valid(t)) return false;
    t_[i] = t;
    return true;
  }
  [[nodiscard]] const EncapTemplate& get(std::uint32_t i) const noexcept { return t_[i]; }

 private:
  std::vector<EncapTemplate> t_;
};

}  // namespace nicsim::model
