// SPDX-License-Identifier: MIT
// The 64-byte action record of a flow (spec section 5.1). Its layout, fields, flag bits and
// enums are generated from rtl/formats.yaml (nicsim::fmt::ActionRecord: one member per field,
// a getter and setter per flag, encode/decode); the model adds only convenience helpers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

inline constexpr std::size_t kActionBytes = fmt::ActionRecord::kBytes;

using ActionRecord = fmt::ActionRecord;
/// Destination types (flags bits 15:13); 4..7 are reserved (dropped `bad_action`).
using ActionDest = fmt::DestType;
using VlanOp = fmt::VlanOp;

/// Convenience constructors for tests and tools.
[[nodiscard]] constexpr ActionRecord forward_to(ActionDest type, std::uint8_t id = 0) noexcept {
  return ActionRecord{}.set_dest_type(type).set_dest_id(id);
}
[[nodiscard]] constexpr ActionRecord forward_to_wire(std::uint8_t port = 0) noexcept {
  return forward_to(ActionDest::kWire, port);
}
[[nodiscard]] constexpr ActionRecord forward_to_vnic(std::uint8_t vport) noexcept {
  return forward_to(ActionDest::kVnic, vport);
}

}  // namespace nicsim::model
