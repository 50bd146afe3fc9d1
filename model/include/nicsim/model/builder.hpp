// SPDX-License-Identifier: MIT
// PacketBuilder: composes frames layer by layer, for tests, trace generation and the model.
//
//   auto f = PacketBuilder()
//                .eth().vlan({.vid = 100})
//                .ipv4({.src = Ipv4Addr(10, 0, 0, 1), .dst = Ipv4Addr(10, 0, 0, 2)})
//                .udp().vxlan({.vni = 42})
//                .eth().ipv6().tcp({.sport = 1234, .dport = 80})
//                .payload(64)
//                .frame();
//
// By default every length, next-protocol field and checksum is filled in correctly: EtherTypes,
// IP protocol / next header, GRE and Geneve protocol, the UDP destination port of VXLAN/Geneve,
// IPv4 total length and header checksum, IPv6 payload length, UDP length, TCP/UDP/ICMP/ICMPv6
// checksums (pseudo-header from the nearest enclosing IP layer), GRE checksum. Each spec has
// knobs to get it wrong on purpose (std::optional overrides, bad_checksum), and cut()/snap()
// shorten the frame. Not for a hot path: it allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/bytes.hpp"
#include "nicsim/model/frame.hpp"
#include "nicsim/model/headers.hpp"
#include "nicsim/model/parse_error.hpp"

namespace nicsim::model {

struct EthSpec {
  MacAddr dst = MacAddr::from_u64(0x020000000002);
  MacAddr src = MacAddr::from_u64(0x020000000001);
  std::optional<std::uint16_t> type{};  // default: from the next layer
};

struct VlanSpec {
  std::uint16_t vid = 1;
  std::uint8_t pcp = 0;
  bool dei = false;
  std::uint16_t tpid = ethertype::kVlan;  // written as the previous layer's EtherType
  std::optional<std::uint16_t> type{};    // EtherType after the tag; default: from the next layer
};

struct ArpSpec {
  std::uint16_t op = 1;  // 1 request, 2 reply
  MacAddr sha = MacAddr::from_u64(0x020000000001);
  Ipv4Addr spa = Ipv4Addr(10, 0, 0, 1);
  MacAddr tha{};
  Ipv4Addr tpa = Ipv4Addr(10, 0, 0, 2);
};

struct Ipv4Spec {
  Ipv4Addr src = Ipv4Addr(10, 0, 0, 1);
  Ipv4Addr dst = Ipv4Addr(10, 0, 0, 2);
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  std::uint16_t id = 0;
  bool df = false;
  bool mf = false;
  std::uint16_t frag_offset = 0;        // 8-byte units
  std::vector<std::uint8_t> options{};  // padded with EOL (0) to a multiple of 4
  std::optional<std::uint8_t> proto{};  // default: from the next layer (253 when none)
  // Malformation knobs.
  std::uint8_t version = 4;
  std::optional<std::uint8_t> ihl{};         // default: (20 + options) / 4
  std::optional<std::uint16_t> total_len{};  // default: to the end of the packet
  std::optional<std::uint16_t> checksum{};   // default: computed
  bool bad_checksum = false;                 // store a wrong checksum
};

/// One IPv6 extension header.
struct Ipv6ExtSpec {
  std::uint8_t type = ipproto::kDstOpts;  // 0, 43, 44, 51 or 60
  /// Hop-by-hop / routing / destination options: header length in bytes (rounded up to a
  /// multiple of 8, at least 8); options are PadN. AH: length in bytes (multiple of 4, >= 12).
  std::size_t len = 8;
  // Fragment header fields.
  std::uint16_t frag_offset = 0;  // 8-byte units
  bool more = false;
  std::uint32_t frag_id = 0;
  // Malformation knobs.
  std::optional<std::uint8_t> next_header{};   // default: the next ext header or layer
  std::optional<std::uint8_t> length_field{};  // raw value of the length byte
};

struct Ipv6Spec {
  Ipv6Addr src = Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1});
  Ipv6Addr dst = Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 2});
  std::uint8_t hop_limit = 64;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  std::vector<Ipv6ExtSpec> ext{};             // in order
  std::optional<std::uint8_t> next_header{};  // of the fixed header; default: first ext or layer
  // Malformation knobs.
  std::uint8_t version = 6;
  std::optional<std::uint16_t> payload_len{};  // default: to the end of the packet
};

struct TcpSpec {
  std::uint16_t sport = 1024;
  std::uint16_t dport = 80;
  std::uint32_t seq = 1;
  std::uint32_t ack = 0;
  std::uint8_t flags = tcpflag::kSyn;
  std::uint16_t window = 65535;
  std::uint16_t urgent = 0;
  std::vector<std::uint8_t> options{};  // padded with EOL (0) to a multiple of 4
  // Malformation knobs.
  std::optional<std::uint8_t> data_offset{};  // default: (20 + options) / 4
  std::optional<std::uint16_t> checksum{};
  bool bad_checksum = false;
};

struct UdpSpec {
  std::uint16_t sport = 1024;
  std::optional<std::uint16_t> dport{};  // default: 4789 before VXLAN, 6081 before Geneve, else 9
  bool zero_checksum = false;            // send 0 (no checksum; not allowed over IPv6)
  // Malformation knobs.
  std::optional<std::uint16_t> length{};  // default: to the end of the packet
  std::optional<std::uint16_t> checksum{};
  bool bad_checksum = false;
};

struct IcmpSpec {
  std::uint8_t type = 8;  // echo request
  std::uint8_t code = 0;
  std::uint32_t rest = 0;  // identifier/sequence or unused
  std::optional<std::uint16_t> checksum{};
  bool bad_checksum = false;
};

struct Icmpv6Spec {
  std::uint8_t type = 128;  // echo request
  std::uint8_t code = 0;
  std::uint32_t rest = 0;  // the 4 bytes after the checksum
  std::optional<std::uint16_t> checksum{};
  bool bad_checksum = false;
};

struct VxlanSpec {
  std::uint32_t vni = 1;
  std::uint8_t flags = VxlanView::kFlagI;  // clear the I flag for a malformed header
};

struct GreSpec {
  bool checksum = false;               // C: checksum word, computed over GRE header and payload
  std::optional<std::uint32_t> key{};  // K
  std::optional<std::uint32_t> seq{};  // S
  std::optional<std::uint16_t> protocol{};  // default: from the next layer
  // Malformation knobs.
  std::uint8_t version = 0;
  std::uint16_t extra_flags = 0;  // OR-ed into the flags word (e.g. GreView::kFlagR)
};

struct GeneveOption {
  std::uint16_t opt_class = 0x0101;
  std::uint8_t type = 0;
  std::vector<std::uint8_t> data{};  // padded with zeros to a multiple of 4 (at most 124)
};

struct GeneveSpec {
  std::uint32_t vni = 1;
  std::optional<std::uint16_t> protocol{};  // default: from the next layer
  bool oam = false;
  bool critical = false;
  std::vector<GeneveOption> options{};
  // Malformation knobs.
  std::uint8_t version = 0;
  std::optional<std::uint8_t> opt_len{};  // raw 6-bit option length (4-byte units)
};

/// Where one header landed in the built frame.
struct BuiltHeader {
  Layer layer = Layer::kEth;
  std::size_t offset = 0;
  std::size_t length = 0;
};

struct BuiltPacket {
  std::vector<std::uint8_t> bytes{};   // after cut()/snap()
  std::size_t full_len = 0;            // before cut()/snap()
  std::size_t orig_len = 0;            // what Frame::orig_len gets
  std::vector<BuiltHeader> headers{};  // in frame order, IPv6 extension headers one by one
};

class PacketBuilder {
 public:
  PacketBuilder& eth(const EthSpec& s = {});
  PacketBuilder& vlan(const VlanSpec& s = {});
  PacketBuilder& arp(const ArpSpec& s = {});
  PacketBuilder& ipv4(const Ipv4Spec& s = {});
  PacketBuilder& ipv6(const Ipv6Spec& s = {});
  PacketBuilder& tcp(const TcpSpec& s = {});
  PacketBuilder& udp(const UdpSpec& s = {});
  PacketBuilder& icmp(const IcmpSpec& s = {});
  PacketBuilder& icmpv6(const Icmpv6Spec& s = {});
  PacketBuilder& vxlan(const VxlanSpec& s = {});
  PacketBuilder& gre(const GreSpec& s = {});
  /// NVGRE: GRE with key (vsid << 8 | flow_id) and protocol 0x6558 (RFC 7637).
  PacketBuilder& nvgre(std::uint32_t vsid, std::uint8_t flow_id = 0);
  PacketBuilder& geneve(const GeneveSpec& s = {});
  /// n bytes of payload, byte i = (first + i) mod 256.
  PacketBuilder& payload(std::size_t n, std::uint8_t first = 0);
  PacketBuilder& payload(ByteSpan bytes);
  /// Payload after the last layer, as long as it takes for the frame (without trailer) to reach
  /// n bytes; nothing if the headers are already that long. Byte i = (first + i) mod 256.
  PacketBuilder& payload_to(std::size_t n, std::uint8_t first = 0);
  /// Bytes after the outermost packet (Ethernet padding/trailer): counted in no length field.
  PacketBuilder& trailer(std::size_t n, std::uint8_t fill = 0);
  /// Grows the trailer so the frame is at least n bytes long.
  PacketBuilder& pad_to(std::size_t n);
  /// The frame itself is only k bytes long (orig_len = k): a runt on the wire.
  PacketBuilder& cut(std::size_t k);
  /// Captured k bytes of the full frame (orig_len = full length), as a pcap snaplen does.
  PacketBuilder& snap(std::size_t k);

  [[nodiscard]] BuiltPacket build() const;
  [[nodiscard]] std::vector<std::uint8_t> bytes() const { return build().bytes; }
  [[nodiscard]] Frame frame(std::uint64_t ts_ns = 0) const;

 private:
  struct Payload {
    std::vector<std::uint8_t> bytes{};
  };
  using Item = std::variant<EthSpec, VlanSpec, ArpSpec, Ipv4Spec, Ipv6Spec, TcpSpec, UdpSpec,
                            IcmpSpec, Icmpv6Spec, VxlanSpec, GreSpec, GeneveSpec, Payload>;

  std::vector<Item> items_{};
  std::optional<std::size_t> fill_to_{};
  std::uint8_t fill_first_ = 0;
  std::size_t trailer_len_ = 0;
  std::uint8_t trailer_fill_ = 0;
  std::size_t pad_to_ = 0;
  std::optional<std::size_t> cut_{};
  std::optional<std::size_t> snap_{};
};

}  // namespace nicsim::model
