// SPDX-License-Identifier: MIT
// The frame parser: Ethernet/VLAN, ARP, IPv4/IPv6 (extension headers), TCP/UDP/ICMP/ICMPv6, and
// the tunnels VXLAN, NVGRE/GRE and Geneve with the frame or packet they carry, level by level.
//
// Parse graph (one level; a tunnel starts the next level):
//
//   eth --+-- vlan tag (0x8100 / 0x88a8 / 0x9100), at most two --+
//         +------------------------------------------------------+-- 0x0806 arp
//         |                                                      +-- 0x0800 ipv4 --+
//         |                                                      +-- 0x86dd ipv6 --+-- ext*
//         +-- type < 0x0600 (802.3) or another EtherType: eth only                 |
//   ip (upper layer within the IP payload; none in a non-first fragment) <---------+
//     +-- 6 tcp
//     +-- 17 udp --+-- dport 4789 vxlan --> next level at eth
//     |            +-- dport 6081 geneve -> next level at eth / ipv4 / ipv6 (protocol field)
//     +-- 47 gre (gre, nvgre) ------------> next level at eth / ipv4 / ipv6 (protocol field)
//     +-- 1 icmp, 58 icmpv6
//     +-- anything else (41 IPv6-in-IPv4 included): ip only
//
// Never reads outside the span, never allocates, never throws. See docs/packet-library.md.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nicsim/model/bytes.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::model {

/// Parser knobs (the NIC has registers for the tunnel ports).
struct ParserConfig {
  std::uint16_t vxlan_port = 4789;
  std::uint16_t geneve_port = 6081;
  /// Longest IPv6 extension-header chain accepted; one more is "bad ipv6 ext chain".
  std::uint8_t max_ipv6_ext = 8;
};

class Parser {
 public:
  constexpr Parser() = default;
  constexpr explicit Parser(const ParserConfig& config) : cfg_(config) {}

  [[nodiscard]] constexpr const ParserConfig& config() const noexcept { return cfg_; }

  /// Parses a frame into out (reuse one ParseResult on a hot path). Sets out.depth and, in
  /// levels[0 .. depth), every presence flag, the error and the fields of the headers found; the
  /// fields of absent headers and of deeper levels keep whatever they held.
  void parse(ByteSpan frame, ParseResult& out) const noexcept;

  [[nodiscard]] ParseResult parse(ByteSpan frame) const noexcept {
    ParseResult r;
    parse(frame, r);
    return r;
  }

 private:
  ParserConfig cfg_;
};

/// Parses with the default configuration.
[[nodiscard]] inline ParseResult parse(ByteSpan frame) noexcept { return Parser().parse(frame); }

}  // namespace nicsim::model
