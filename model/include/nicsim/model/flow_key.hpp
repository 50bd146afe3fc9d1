// SPDX-License-Identifier: MIT
// The flow key (spec section 3) and the TCAM key (spec section 4.3), built from a parse result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "nicsim/model/bytes.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/parse_result.hpp"
#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

inline constexpr std::size_t kKeyBytes = fmt::flow_key::kBytes;       // 42
inline constexpr std::size_t kTcamKeyBytes = fmt::tcam_key::kBytes;  // 56
inline constexpr std::uint32_t kDefaultParseWindow = 256;

using FlowKey = std::array<std::uint8_t, kKeyBytes>;
using TcamKey = std::array<std::uint8_t, kTcamKeyBytes>;

/// The key's and completion's tunnel type (fmt::TunType; VLAN occurs in the key only) of a
/// parsed tunnel.
[[nodiscard]] constexpr fmt::TunType spec_tun_type(TunnelType t) noexcept {
  switch (t) {
    case TunnelType::kVxlan: return fmt::TunType::kVxlan;
    case TunnelType::kNvgre: return fmt::TunType::kNvgre;
    case TunnelType::kGeneve: return fmt::TunType::kGeneve;
    case TunnelType::kGre: return fmt::TunType::kGre;
    case TunnelType::kNone: break;
  }
  return fmt::TunType::kNone;
}

/// The level whose headers feed the key: 1 when the outer level carries a tunnel and the parser
/// found the inner packet, else 0.
[[nodiscard]] constexpr std::size_t key_level(const ParseResult& pr) noexcept {
  return (pr.depth >= 2 && pr.levels[0].has_tunnel) ? 1 : 0;
}

/// Builds the flow key of a frame that parsed without error (spec section 3). window bounds the
/// bytes the key may read beyond the parsed headers (the ICMP echo identifier).
void build_flow_key(ByteSpan frame, const ParseResult& pr, std::uint8_t src_vport, FlowKey& key,
                    std::uint32_t window = kDefaultParseWindow) noexcept;

/// The TCAM key: the flow key, then destination MAC, source MAC and EtherType (after the VLAN
/// tags) of the level that fed the flow key (zero without an Ethernet header there).
void build_tcam_key(const FlowKey& key, const ParseResult& pr, TcamKey& tkey) noexcept;

/// Convenience (tests, tools): parse and build. The frame must parse without error.
[[nodiscard]] FlowKey flow_key_of(ByteSpan frame, std::uint8_t src_vport,
                                  const ParserConfig& cfg = {});

/// The errors that send a frame to the parse-error policy (spec 2.2): an error at level 0 or 1,
/// or a header of level 0 or 1 that ends beyond `window` bytes. Deeper levels are ignored.
[[nodiscard]] bool parse_failed(const ParseResult& pr, std::uint32_t window) noexcept;

}  // namespace nicsim::model
