// SPDX-License-Identifier: MIT
// What can go wrong while parsing a frame: the header (layer), the kind of failure, the field at
// fault, and where the header starts in the frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nicsim::model {

/// The headers the parser knows, named as in error texts ("truncated <layer>").
enum class Layer : std::uint8_t {
  kEth,
  kVlan,
  kArp,
  kIpv4,
  kIpv6,
  kIpv6Ext,
  kTcp,
  kUdp,
  kIcmp,
  kIcmpv6,
  kVxlan,
  kGre,
  kGeneve,
};

/// "eth", "vlan", "arp", "ipv4", "ipv6", "ipv6 ext", "tcp", "udp", "icmp", "icmpv6", "vxlan",
/// "gre", "geneve".
[[nodiscard]] std::string_view layer_name(Layer layer) noexcept;

enum class ErrorKind : std::uint8_t {
  kNone,
  kTruncated,  // the frame (or the enclosing packet's length) ends inside the header
  kBad,        // a field holds a value the header cannot have
};

/// The field a kBad error is about, named as in error texts ("bad <layer> <field>").
enum class BadField : std::uint8_t {
  kNone,
  kVersion,  // ipv4, ipv6, gre, geneve
  kIhl,      // ipv4 IHL < 5
  kLength,   // ipv4 total length < IHL*4; udp length < 8 or beyond the IP payload
  kOffset,   // tcp data offset < 5
  kDepth,    // vlan: a third tag; a tunnel at the last level the parser keeps
  kChain,    // ipv6 ext: more extension headers than the parser's limit
  kOrder,    // ipv6 ext: hop-by-hop options not first
  kFlags,    // vxlan I flag clear; gre reserved flag bits set
};

/// "version", "ihl", "length", "offset", "depth", "chain", "order", "flags".
[[nodiscard]] std::string_view bad_field_name(BadField field) noexcept;

/// One parse error. Default-constructed: no error.
struct ParseError {
  ErrorKind kind = ErrorKind::kNone;
  Layer layer = Layer::kEth;
  BadField field = BadField::kNone;
  /// Byte offset in the frame of the first byte of the failing header (for a VLAN tag, of its TCI:
  /// the TPID is the EtherType field of the header before it).
  std::uint32_t offset = 0;

  /// Longest text(): "bad ipv6 ext version" would be 20 characters; the longest real one is 18.
  static constexpr std::size_t kMaxTextLen = 24;

  [[nodiscard]] static constexpr ParseError truncated(Layer l, std::size_t off) noexcept {
    return {ErrorKind::kTruncated, l, BadField::kNone, static_cast<std::uint32_t>(off)};
  }
  [[nodiscard]] static constexpr ParseError bad(Layer l, BadField f, std::size_t off) noexcept {
    return {ErrorKind::kBad, l, f, static_cast<std::uint32_t>(off)};
  }

  [[nodiscard]] constexpr bool ok() const noexcept { return kind == ErrorKind::kNone; }
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return !ok(); }

  /// Writes the text (no terminator) to out[0..kMaxTextLen) and returns its length; 0 when ok().
  std::size_t format_to(char* out) const noexcept;
  /// "truncated ipv4", "bad ipv4 ihl", "bad vlan depth", ...; "" when ok().
  [[nodiscard]] std::string text() const;

  friend constexpr bool operator==(const ParseError&, const ParseError&) = default;
};

}  // namespace nicsim::model
