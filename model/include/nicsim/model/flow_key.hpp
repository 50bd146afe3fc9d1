// SPDX-License-Identifier: MIT
// The flow key (spec section 3) and the TCAM key (spec section 4.3), built from a parse result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "nicsim/model/bytes.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::model {

inline constexpr std::size_t kKeyBytes = 42;
inline constexpr std::size_t kTcamKeyBytes = 56;
inline constexpr std::uint32_t kDefaultParseWindow = 256;

using FlowKey = std::array<std::uint8_t, kKeyBytes>;
using TcamKey = std::array<std::uint8_t, kTcamKeyBytes>;

/// Key/completion tunnel type numbering: 0 none, 1 VLAN (key only), 2 VXLAN, 3 NVGRE,
/// 4 Geneve, 5 GRE.
[[nodiscard]] constexpr std::uint8_t spec_tun_type(TunnelType t) noexcept {
  switch (t) {
    case TunnelType::kVxlan: return 2;
    case TunnelType::kNvgre: return 3;
    case TunnelType::kGeneve: return 4;
    case TunnelType::kGre: return 5;
    case TunnelType::kNone: break;
  }
  return 0;
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
