// SPDX-License-Identifier: MIT
// The datapath's fast parse: the common frames (Ethernet, up to two VLAN tags, IPv4, IPv6
// without extension headers, TCP, UDP, ICMP, ICMPv6, VXLAN with its inner frame) parsed in one
// straight pass, with the same result as the reference parser (Parser::parse); anything else
// (ARP, GRE, Geneve, IPv6 extension headers, a jumbogram, a second tunnel, any parse error, a
// header beyond the parse window) is left to the reference parser.
//
// The pipeline calls it first and Parser::parse when it declines. The differential test
// (testbenches/datapath/fast_parse_test.cpp) checks it against Parser::parse over the captures
// in traces/, generated traces and their truncations and corruptions.
#pragma once

#include <cstdint>

#include "nicsim/model/bytes.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::model {

/// Parses `frame` into `out` when it is one of the common frames above, has no parse error and
/// `parse_failed(out, window)` would be false; returns true then, and `out` holds exactly what
/// `Parser(cfg).parse(frame, out)` would write. Returns false otherwise, with `out` partly
/// written (only fields the reference parser writes too, with the same values): the caller
/// parses with the reference parser.
[[nodiscard]] bool fast_parse(ByteSpan frame, const ParserConfig& cfg, std::uint32_t window,
                              ParseResult& out) noexcept;

/// After a decap: the parse of the inner frame (the bytes from `pr.levels[0].tunnel.inner_offset`
/// to the frame's end) as a frame of its own, from `pr` without parsing again: its level 1
/// with every offset moved to the inner frame's start. `pr` must be a result of fast_parse()
/// with a VXLAN tunnel (depth 2): it then equals what the pipeline's parse of the inner frame
/// gives (fast_parse() with no window; same bytes, the same checks, an end no nearer).
void fast_parse_decapsulated(const ParseResult& pr, ParseResult& out) noexcept;

}  // namespace nicsim::model
