// SPDX-License-Identifier: MIT
// The physical link as the PHY side reports it to the NIC (docs/spec.md 12: nic_top's inputs
// phy_link_up, phy_speed, phy_media): what the golden model's NicDevice::set_link, the
// Verilated NIC's driver (sim/ NicRtl::set_link) and the scenario's link events carry.
#pragma once

#include <cstdint>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

struct PhyLink {
  bool up = true;
  fmt::LinkSpeed speed = fmt::LinkSpeed::kG100;
  fmt::LinkMedia media = fmt::LinkMedia::kVirtual;
  friend bool operator==(const PhyLink&, const PhyLink&) = default;
  /// The LINK_STATUS register's value for this link (the inputs' bits: a value above a
  /// field's width is cut to it, as the 4-bit ports would).
  [[nodiscard]] std::uint32_t status_word() const noexcept;
};

}  // namespace nicsim::model
