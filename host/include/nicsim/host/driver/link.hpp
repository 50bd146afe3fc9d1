// SPDX-License-Identifier: MIT
// The physical link as the driver reports it (docs/spec.md 12, docs/host.md "Link"): state,
// speed, media from LINK_STATUS, the change count from LINK_CHANGES, and the MTU the host
// sets through WIRE_MAX_FRAME and TX_MAX_FRAME.
//
//   drv.enable_link_interrupt(3);
//   if (auto ch = drv.service_link(1ms)) log(to_string(ch->now), ch->changes, "change(s)");
#pragma once

#include <cstdint>
#include <string>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::host {

/// The bytes a frame carries beyond its IP payload at the NIC's MTU: Ethernet header (14) and
/// one VLAN tag (4); the NIC's frames have no FCS. WIRE_MAX_FRAME = MTU + kMtuOverhead
/// (the reset value 9018 is an MTU of 9000).
inline constexpr std::uint32_t kMtuOverhead = 18;
/// The MTUs the driver accepts: IPv6's minimum, and what a 16-bit frame length can carry.
inline constexpr std::uint32_t kMinMtu = 1280;
inline constexpr std::uint32_t kMaxMtu = 65535 - kMtuOverhead;

struct LinkState {
  bool up = false;
  fmt::LinkSpeed speed = fmt::LinkSpeed::kUnknown;  // reserved codes read as kUnknown
  fmt::LinkMedia media = fmt::LinkMedia::kUnknown;
  friend bool operator==(const LinkState&, const LinkState&) = default;
};

/// What service_link() found: the state before (as last reported) and now, and how many
/// changes the NIC counted in between (more than 1: the link flapped faster than the driver
/// looked; the intermediate states are lost, `now` is current).
struct LinkChange {
  LinkState before;
  LinkState now;
  std::uint32_t changes = 0;
};

/// Mb/s of a speed (0 for kUnknown).
[[nodiscard]] std::uint64_t speed_mbps(fmt::LinkSpeed s) noexcept;
/// "up 100G fiber", "down".
[[nodiscard]] std::string to_string(const LinkState& s);

}  // namespace nicsim::host
