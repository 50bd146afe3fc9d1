// SPDX-License-Identifier: MIT
// The result of parsing one frame: a fixed array of levels (outer frame, then one level per
// tunnel), each with the headers found at that level and that level's error.
//
// Everything here is fixed-size and trivially copyable: parsing fills a ParseResult without
// allocating. A header's fields are meaningful only when the level's has_<header> flag says so:
// when a ParseResult is reused, the fields of an absent header may hold an earlier frame's values
// (the parser writes a header's fields whole when it finds the header, and resets only the
// flags, so as not to clear ~900 bytes per frame).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/parse_error.hpp"

namespace nicsim::model {

/// Tunnels, as named in the JSON "tunnel.type".
enum class TunnelType : std::uint8_t { kNone, kVxlan, kNvgre, kGre, kGeneve };

/// "vxlan", "nvgre", "gre", "geneve"; "" for kNone.
[[nodiscard]] std::string_view tunnel_name(TunnelType type) noexcept;

struct EthInfo {
  MacAddr dst;
  MacAddr src;
  /// EtherType after the VLAN tags; when a tag is cut or one too many, the last TPID read.
  std::uint16_t type = 0;
  std::uint32_t offset = 0;
};

struct VlanTag {
  std::uint16_t tpid = 0;  // 0x8100, 0x88a8 or 0x9100
  std::uint16_t vid = 0;   // 12-bit VLAN id
  std::uint8_t pcp = 0;
  bool dei = false;
};

struct ArpInfo {
  std::uint16_t htype = 0;
  std::uint16_t ptype = 0;
  std::uint16_t op = 0;
  /// Ethernet/IPv4 ARP: the four addresses below are decoded. Otherwise only the fixed part.
  bool eth_ipv4 = false;
  MacAddr sha;
  Ipv4Addr spa;
  MacAddr tha;
  Ipv4Addr tpa;
  std::uint32_t offset = 0;
};

struct IpInfo {
  std::uint8_t version = 0;  // 4 or 6
  /// IPv4 protocol; IPv6: the upper-layer protocol after the extension headers (for a non-first
  /// fragment, the fragment header's next header).
  std::uint8_t proto = 0;
  std::uint8_t ttl = 0;  // IPv6 hop limit
  std::uint8_t tos = 0;  // IPv6 traffic class
  /// IPv4: MF set or offset != 0. IPv6: a fragment header is present.
  bool frag = false;
  bool df = false;  // IPv4 only
  bool mf = false;
  std::uint16_t frag_offset = 0;  // 8-byte units
  std::uint32_t id = 0;           // IPv4 identification, IPv6 fragment id
  std::uint32_t flow_label = 0;   // IPv6 only
  std::uint16_t checksum = 0;     // IPv4 only
  std::uint8_t ext_count = 0;     // IPv6 extension headers walked
  /// IPv4: IHL*4. IPv6: 40 plus the extension headers walked.
  std::uint16_t header_len = 0;
  /// Length of the whole IP packet per its header (IPv4 total length, IPv6 40 + payload length).
  std::uint32_t total_len = 0;
  IpAddr src;
  IpAddr dst;
  std::uint32_t offset = 0;     // of the IP header
  std::uint32_t l4_offset = 0;  // of the upper-layer header
};

struct L4Info {
  Layer kind = Layer::kTcp;  // kTcp, kUdp, kIcmp or kIcmpv6
  std::uint16_t sport = 0;   // TCP/UDP
  std::uint16_t dport = 0;
  std::uint8_t tcp_flags = 0;  // TCP byte 13 (CWR..FIN)
  std::uint8_t icmp_type = 0;  // ICMP/ICMPv6
  std::uint8_t icmp_code = 0;
  std::uint16_t header_len = 0;  // TCP data offset * 4, UDP 8, ICMP 8, ICMPv6 4
  std::uint16_t length = 0;      // UDP length field
  std::uint16_t checksum = 0;
  std::uint16_t window = 0;  // TCP
  std::uint32_t seq = 0;     // TCP
  std::uint32_t ack = 0;     // TCP
  std::uint32_t offset = 0;
};

struct TunnelInfo {
  TunnelType type = TunnelType::kNone;
  bool has_vni = false;
  /// VXLAN/Geneve VNI, NVGRE VSID (key >> 8), GRE key.
  std::uint32_t vni = 0;
  /// What the tunnel carries: 0x6558 Ethernet, 0x0800 IPv4, 0x86dd IPv6 (or another value, not
  /// parsed). VXLAN always carries Ethernet.
  std::uint16_t protocol = 0;
  std::uint16_t header_len = 0;  // including GRE/Geneve options
  std::uint32_t offset = 0;
  std::uint32_t inner_offset = 0;
};

/// One level: the outer frame, or what one tunnel carries.
struct Level {
  bool has_eth = false;  // false for an inner level that starts at IP (GRE/Geneve)
  bool has_arp = false;
  bool has_ip = false;
  bool has_l4 = false;
  bool has_tunnel = false;
  std::uint8_t vlan_count = 0;  // tags in vlans[], outer first
  EthInfo eth;
  std::array<VlanTag, 2> vlans{};
  ArpInfo arp;
  IpInfo ip;
  L4Info l4;
  TunnelInfo tunnel;
  /// The first error at this level; parsing of the level stopped there (except "truncated
  /// ipv4/ipv6" from the IP length field, reported only when nothing later failed).
  ParseError error;
  std::uint32_t offset = 0;  // first byte of the level in the frame
};

/// All levels of one frame. levels[0] is the frame itself, levels[i + 1] what the tunnel of
/// levels[i] carries. Only levels[0 .. depth) are meaningful.
struct ParseResult {
  /// Outer level plus up to three nested tunnels.
  static constexpr std::size_t kMaxLevels = 4;

  std::array<Level, kMaxLevels> levels{};
  std::uint8_t depth = 0;

  [[nodiscard]] constexpr const Level& outer() const noexcept { return levels[0]; }
  [[nodiscard]] constexpr const Level& innermost() const noexcept {
    return levels[depth == 0 ? 0 : depth - 1u];
  }
  /// No level has an error.
  [[nodiscard]] constexpr bool ok() const noexcept {
    for (std::size_t i = 0; i < depth; ++i)
      if (!levels[i].error.ok()) return false;
    return true;
  }
  /// The error of the outermost level that has one (default ParseError when ok()).
  [[nodiscard]] constexpr ParseError first_error() const noexcept {
    for (std::size_t i = 0; i < depth; ++i)
      if (!levels[i].error.ok()) return levels[i].error;
    return {};
  }
};

}  // namespace nicsim::model
