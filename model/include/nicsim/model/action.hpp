// SPDX-License-Identifier: MIT
// The 64-byte action record of a flow (spec section 5.1), decoded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nicsim::model {

inline constexpr std::size_t kActionBytes = 64;

/// Destination types (flags bits 15:13); 4..7 are reserved (dropped `bad_action`).
enum class ActionDest : std::uint8_t { kDrop = 0, kWire = 1, kVnic = 2, kException = 3 };

enum class VlanOp : std::uint8_t { kNone = 0, kPop = 1, kPush = 2, kRewrite = 3 };

struct ActionRecord {
  // flags bits
  static constexpr std::uint32_t kDecap = 1u << 0;
  static constexpr std::uint32_t kEncap = 1u << 1;
  static constexpr std::uint32_t kVlanOpShift = 2;
  static constexpr std::uint32_t kVlanOpMask = 3u << 2;
  static constexpr std::uint32_t kSetDmac = 1u << 4;
  static constexpr std::uint32_t kSetSmac = 1u << 5;
  static constexpr std::uint32_t kSetSip = 1u << 6;
  static constexpr std::uint32_t kSetDip = 1u << 7;
  static constexpr std::uint32_t kSetSport = 1u << 8;
  static constexpr std::uint32_t kSetDport = 1u << 9;
  static constexpr std::uint32_t kDecTtl = 1u << 10;
  static constexpr std::uint32_t kMark = 1u << 11;
  static constexpr std::uint32_t kMirror = 1u << 12;
  static constexpr std::uint32_t kDestTypeShift = 13;
  static constexpr std::uint32_t kDestTypeMask = 7u << 13;
  static constexpr std::uint32_t kDestIdShift = 16;
  static constexpr std::uint32_t kDestIdMask = 0xFFu << 16;

  std::uint32_t flags = 0;
  std::uint16_t vlan_tci = 0;
  std::uint16_t meter = 0;
  std::array<std::uint8_t, 6> dmac{};
  std::array<std::uint8_t, 6> smac{};
  std::uint32_t mark = 0;
  std::uint16_t sport = 0;  // host order (stored big-endian in the record)
  std::uint16_t dport = 0;
  std::array<std::uint8_t, 16> sip{};  // network order; IPv4 in bytes 12..15
  std::array<std::uint8_t, 16> dip{};
  std::uint16_t encap = 0;

  [[nodiscard]] constexpr bool has(std::uint32_t bit) const noexcept { return (flags & bit) != 0; }
  [[nodiscard]] constexpr VlanOp vlan_op() const noexcept {
    return static_cast<VlanOp>((flags & kVlanOpMask) >> kVlanOpShift);
  }
  [[nodiscard]] constexpr std::uint8_t dest_type() const noexcept {
    return static_cast<std::uint8_t>((flags & kDestTypeMask) >> kDestTypeShift);
  }
  [[nodiscard]] constexpr std::uint8_t dest_id() const noexcept {
    return static_cast<std::uint8_t>((flags & kDestIdMask) >> kDestIdShift);
  }
  constexpr ActionRecord& set_dest(ActionDest type, std::uint8_t id = 0) noexcept {
    flags = (flags & ~(kDestTypeMask | kDestIdMask)) |
            (static_cast<std::uint32_t>(type) << kDestTypeShift) |
            (static_cast<std::uint32_t>(id) << kDestIdShift);
    return *this;
  }
  constexpr ActionRecord& set_vlan_op(VlanOp op, std::uint16_t tci = 0) noexcept {
    flags = (flags & ~kVlanOpMask) | (static_cast<std::uint32_t>(op) << kVlanOpShift);
    vlan_tci = tci;
    return *this;
  }

  /// The 64-byte record (bits 31:24 of flags and bytes 62..63 written as zero).
  void encode(std::span<std::uint8_t, kActionBytes> out) const noexcept;
  [[nodiscard]] std::array<std::uint8_t, kActionBytes> encode() const noexcept {
    std::array<std::uint8_t, kActionBytes> b{};
    encode(b);
    return b;
  }
  /// Reserved bits (flags 31:24, bytes 62..63) are ignored.
  [[nodiscard]] static ActionRecord decode(std::span<const std::uint8_t, kActionBytes> in) noexcept;

  friend bool operator==(const ActionRecord&, const ActionRecord&) = default;
};

/// Convenience constructors for tests and tools.
[[nodiscard]] constexpr ActionRecord forward_to_wire(std::uint8_t port = 0) noexcept {
  return ActionRecord{}.set_dest(ActionDest::kWire, port);
}
[[nodiscard]] constexpr ActionRecord forward_to_vnic(std::uint8_t vport) noexcept {
  return ActionRecord{}.set_dest(ActionDest::kVnic, vport);
}

}  // namespace nicsim::model
