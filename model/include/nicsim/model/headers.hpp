// SPDX-License-Identifier: MIT
// Protocol numbers and bounds-checked header views.
//
// A view is a pointer to the first byte of a header whose fixed part is known to be present:
// XxxView::at(bytes) returns std::nullopt when bytes is shorter than XxxView::kSize, so the
// accessors of a view that exists never read past the end. Headers with a variable part (IPv4
// options, TCP options, GRE and Geneve options, IPv6 extension headers) say how long they claim
// to be (header_len()); checking that claim against the bytes is the parser's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/bytes.hpp"

namespace nicsim::model {

/// EtherType values.
namespace ethertype {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;      // 802.1Q C-tag
inline constexpr std::uint16_t kQinq = 0x88a8;      // 802.1ad S-tag
inline constexpr std::uint16_t kVlan9100 = 0x9100;  // pre-standard QinQ
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr std::uint16_t kTeb = 0x6558;  // transparent Ethernet bridging (GRE, Geneve)
/// Values below this are an 802.3 length, not an EtherType.
inline constexpr std::uint16_t kMinEtherType = 0x0600;

[[nodiscard]] constexpr bool is_vlan_tpid(std::uint16_t t) noexcept {
  return t == kVlan || t == kQinq || t == kVlan9100;
}
}  // namespace ethertype

/// IP protocol / IPv6 next-header values.
namespace ipproto {
inline constexpr std::uint8_t kHopByHop = 0;
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kIpv4 = 4;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kIpv6 = 41;
inline constexpr std::uint8_t kRouting = 43;
inline constexpr std::uint8_t kFragment = 44;
inline constexpr std::uint8_t kGre = 47;
inline constexpr std::uint8_t kEsp = 50;
inline constexpr std::uint8_t kAh = 51;
inline constexpr std::uint8_t kIcmpv6 = 58;
inline constexpr std::uint8_t kNoNext = 59;
inline constexpr std::uint8_t kDstOpts = 60;
inline constexpr std::uint8_t kExperimental = 253;  // RFC 3692 experimentation and testing

/// The extension headers the parser walks through.
[[nodiscard]] constexpr bool is_ipv6_ext(std::uint8_t nh) noexcept {
  return nh == kHopByHop || nh == kRouting || nh == kFragment || nh == kDstOpts || nh == kAh;
}
}  // namespace ipproto

/// Well-known UDP ports of the tunnels.
namespace udpport {
inline constexpr std::uint16_t kVxlan = 4789;
inline constexpr std::uint16_t kGeneve = 6081;
}  // namespace udpport

/// TCP flag bits (byte 13 of the header).
namespace tcpflag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcpflag

/// Common shape of the views: a non-null pointer to at least kSize readable bytes.
template <class Derived, std::size_t N>
class HeaderView {
 public:
  static constexpr std::size_t kSize = N;

  [[nodiscard]] static constexpr std::optional<Derived> at(ByteSpan bytes) noexcept {
    if (bytes.size() < N) return std::nullopt;
    return Derived(bytes.data());
  }
  [[nodiscard]] constexpr const std::uint8_t* data() const noexcept { return p_; }

 protected:
  constexpr explicit HeaderView(const std::uint8_t* p) noexcept : p_(p) {}
  [[nodiscard]] constexpr std::uint8_t u8(std::size_t i) const noexcept { return p_[i]; }
  [[nodiscard]] constexpr std::uint16_t u16(std::size_t i) const noexcept {
    return load_be16(p_ + i);
  }
  [[nodiscard]] constexpr std::uint32_t u24(std::size_t i) const noexcept {
    return load_be24(p_ + i);
  }
  [[nodiscard]] constexpr std::uint32_t u32(std::size_t i) const noexcept {
    return load_be32(p_ + i);
  }

 private:
  const std::uint8_t* p_;
};

/// Ethernet II header: dst, src, EtherType (or the first VLAN TPID).
class EthernetView : public HeaderView<EthernetView, 14> {
 public:
  [[nodiscard]] constexpr MacAddr dst() const noexcept { return MacAddr::from_bytes(data()); }
  [[nodiscard]] constexpr MacAddr src() const noexcept { return MacAddr::from_bytes(data() + 6); }
  [[nodiscard]] constexpr std::uint16_t type() const noexcept { return u16(12); }

 private:
  friend class HeaderView<EthernetView, 14>;
  using HeaderView::HeaderView;
};

/// The four bytes after a VLAN TPID: TCI and the next EtherType.
class VlanView : public HeaderView<VlanView, 4> {
 public:
  [[nodiscard]] constexpr std::uint16_t tci() const noexcept { return u16(0); }
  [[nodiscard]] constexpr std::uint8_t pcp() const noexcept {
    return static_cast<std::uint8_t>(u8(0) >> 5);
  }
  [[nodiscard]] constexpr bool dei() const noexcept { return (u8(0) & 0x10) != 0; }
  [[nodiscard]] constexpr std::uint16_t vid() const noexcept { return tci() & 0x0fff; }
  [[nodiscard]] constexpr std::uint16_t type() const noexcept { return u16(2); }

 private:
  friend class HeaderView<VlanView, 4>;
  using HeaderView::HeaderView;
};

/// ARP fixed part (8 bytes); the addresses follow (2 * (hlen + plen) bytes).
class ArpView : public HeaderView<ArpView, 8> {
 public:
  /// Size of an Ethernet/IPv4 ARP packet, the only kind whose addresses are decoded.
  static constexpr std::size_t kEthIpv4Size = 28;

  [[nodiscard]] constexpr std::uint16_t htype() const noexcept { return u16(0); }
  [[nodiscard]] constexpr std::uint16_t ptype() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint8_t hlen() const noexcept { return u8(4); }
  [[nodiscard]] constexpr std::uint8_t plen() const noexcept { return u8(5); }
  [[nodiscard]] constexpr std::uint16_t op() const noexcept { return u16(6); }
  /// Full length the fixed part announces.
  [[nodiscard]] constexpr std::size_t total_len() const noexcept {
    return kSize + 2 * (std::size_t{hlen()} + plen());
  }
  [[nodiscard]] constexpr bool is_eth_ipv4() const noexcept {
    return htype() == 1 && ptype() == 0x0800 && hlen() == 6 && plen() == 4;
  }
  // The address accessors need is_eth_ipv4() and kEthIpv4Size bytes (checked by the caller).
  [[nodiscard]] constexpr MacAddr sha() const noexcept { return MacAddr::from_bytes(data() + 8); }
  [[nodiscard]] constexpr Ipv4Addr spa() const noexcept { return Ipv4Addr(u32(14)); }
  [[nodiscard]] constexpr MacAddr tha() const noexcept { return MacAddr::from_bytes(data() + 18); }
  [[nodiscard]] constexpr Ipv4Addr tpa() const noexcept { return Ipv4Addr(u32(24)); }

 private:
  friend class HeaderView<ArpView, 8>;
  using HeaderView::HeaderView;
};

/// IPv4 header without options (20 bytes); options extend it to header_len().
class Ipv4View : public HeaderView<Ipv4View, 20> {
 public:
  [[nodiscard]] constexpr std::uint8_t version() const noexcept {
    return static_cast<std::uint8_t>(u8(0) >> 4);
  }
  [[nodiscard]] constexpr std::uint8_t ihl() const noexcept { return u8(0) & 0x0f; }
  [[nodiscard]] constexpr std::size_t header_len() const noexcept { return std::size_t{ihl()} * 4; }
  [[nodiscard]] constexpr std::uint8_t tos() const noexcept { return u8(1); }
  [[nodiscard]] constexpr std::uint16_t total_len() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint16_t id() const noexcept { return u16(4); }
  [[nodiscard]] constexpr bool df() const noexcept { return (u8(6) & 0x40) != 0; }
  [[nodiscard]] constexpr bool mf() const noexcept { return (u8(6) & 0x20) != 0; }
  /// Fragment offset in 8-byte units.
  [[nodiscard]] constexpr std::uint16_t frag_offset() const noexcept { return u16(6) & 0x1fff; }
  [[nodiscard]] constexpr std::uint8_t ttl() const noexcept { return u8(8); }
  [[nodiscard]] constexpr std::uint8_t proto() const noexcept { return u8(9); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return u16(10); }
  [[nodiscard]] constexpr Ipv4Addr src() const noexcept { return Ipv4Addr(u32(12)); }
  [[nodiscard]] constexpr Ipv4Addr dst() const noexcept { return Ipv4Addr(u32(16)); }

 private:
  friend class HeaderView<Ipv4View, 20>;
  using HeaderView::HeaderView;
};

/// IPv6 fixed header (40 bytes).
class Ipv6View : public HeaderView<Ipv6View, 40> {
 public:
  [[nodiscard]] constexpr std::uint8_t version() const noexcept {
    return static_cast<std::uint8_t>(u8(0) >> 4);
  }
  [[nodiscard]] constexpr std::uint8_t traffic_class() const noexcept {
    return static_cast<std::uint8_t>(u16(0) >> 4);
  }
  [[nodiscard]] constexpr std::uint32_t flow_label() const noexcept { return u24(1) & 0xfffff; }
  [[nodiscard]] constexpr std::uint16_t payload_len() const noexcept { return u16(4); }
  [[nodiscard]] constexpr std::uint8_t next_header() const noexcept { return u8(6); }
  [[nodiscard]] constexpr std::uint8_t hop_limit() const noexcept { return u8(7); }
  [[nodiscard]] constexpr Ipv6Addr src() const noexcept { return Ipv6Addr::from_bytes(data() + 8); }
  [[nodiscard]] constexpr Ipv6Addr dst() const noexcept {
    return Ipv6Addr::from_bytes(data() + 24);
  }

 private:
  friend class HeaderView<Ipv6View, 40>;
  using HeaderView::HeaderView;
};

/// First two bytes of an IPv6 extension header: next header and length field.
class Ipv6ExtView : public HeaderView<Ipv6ExtView, 2> {
 public:
  [[nodiscard]] constexpr std::uint8_t next_header() const noexcept { return u8(0); }
  [[nodiscard]] constexpr std::uint8_t length_field() const noexcept { return u8(1); }
  /// Length of an extension header of the given type: 8 for a fragment header,
  /// (len + 2) * 4 for AH, (len + 1) * 8 for the others.
  [[nodiscard]] constexpr std::size_t header_len(std::uint8_t type) const noexcept {
    if (type == ipproto::kFragment) return 8;
    if (type == ipproto::kAh) return (std::size_t{length_field()} + 2) * 4;
    return (std::size_t{length_field()} + 1) * 8;
  }

 private:
  friend class HeaderView<Ipv6ExtView, 2>;
  using HeaderView::HeaderView;
};

/// IPv6 fragment header (8 bytes).
class Ipv6FragView : public HeaderView<Ipv6FragView, 8> {
 public:
  [[nodiscard]] constexpr std::uint8_t next_header() const noexcept { return u8(0); }
  /// Fragment offset in 8-byte units.
  [[nodiscard]] constexpr std::uint16_t frag_offset() const noexcept {
    return static_cast<std::uint16_t>(u16(2) >> 3);
  }
  [[nodiscard]] constexpr bool more() const noexcept { return (u8(3) & 1) != 0; }
  [[nodiscard]] constexpr std::uint32_t id() const noexcept { return u32(4); }

 private:
  friend class HeaderView<Ipv6FragView, 8>;
  using HeaderView::HeaderView;
};

/// TCP header without options (20 bytes); options extend it to header_len().
class TcpView : public HeaderView<TcpView, 20> {
 public:
  [[nodiscard]] constexpr std::uint16_t sport() const noexcept { return u16(0); }
  [[nodiscard]] constexpr std::uint16_t dport() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint32_t seq() const noexcept { return u32(4); }
  [[nodiscard]] constexpr std::uint32_t ack() const noexcept { return u32(8); }
  [[nodiscard]] constexpr std::uint8_t data_offset() const noexcept {
    return static_cast<std::uint8_t>(u8(12) >> 4);
  }
  [[nodiscard]] constexpr std::size_t header_len() const noexcept {
    return std::size_t{data_offset()} * 4;
  }
  [[nodiscard]] constexpr std::uint8_t flags() const noexcept { return u8(13); }
  [[nodiscard]] constexpr std::uint16_t window() const noexcept { return u16(14); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return u16(16); }
  [[nodiscard]] constexpr std::uint16_t urgent() const noexcept { return u16(18); }

 private:
  friend class HeaderView<TcpView, 20>;
  using HeaderView::HeaderView;
};

/// UDP header (8 bytes).
class UdpView : public HeaderView<UdpView, 8> {
 public:
  [[nodiscard]] constexpr std::uint16_t sport() const noexcept { return u16(0); }
  [[nodiscard]] constexpr std::uint16_t dport() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint16_t length() const noexcept { return u16(4); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return u16(6); }

 private:
  friend class HeaderView<UdpView, 8>;
  using HeaderView::HeaderView;
};

/// ICMP header (8 bytes: type, code, checksum, rest of header).
class IcmpView : public HeaderView<IcmpView, 8> {
 public:
  [[nodiscard]] constexpr std::uint8_t type() const noexcept { return u8(0); }
  [[nodiscard]] constexpr std::uint8_t code() const noexcept { return u8(1); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint32_t rest() const noexcept { return u32(4); }

 private:
  friend class HeaderView<IcmpView, 8>;
  using HeaderView::HeaderView;
};

/// ICMPv6 header (4 bytes: type, code, checksum; RFC 4443 section 2.1).
class Icmpv6View : public HeaderView<Icmpv6View, 4> {
 public:
  [[nodiscard]] constexpr std::uint8_t type() const noexcept { return u8(0); }
  [[nodiscard]] constexpr std::uint8_t code() const noexcept { return u8(1); }
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept { return u16(2); }

 private:
  friend class HeaderView<Icmpv6View, 4>;
  using HeaderView::HeaderView;
};

/// VXLAN header (8 bytes, RFC 7348).
class VxlanView : public HeaderView<VxlanView, 8> {
 public:
  static constexpr std::uint8_t kFlagI = 0x08;

  [[nodiscard]] constexpr std::uint8_t flags() const noexcept { return u8(0); }
  [[nodiscard]] constexpr bool vni_valid() const noexcept { return (flags() & kFlagI) != 0; }
  [[nodiscard]] constexpr std::uint32_t vni() const noexcept { return u24(4); }

 private:
  friend class HeaderView<VxlanView, 8>;
  using HeaderView::HeaderView;
};

/// GRE fixed part (4 bytes, RFC 2784/2890); optional checksum, key and sequence words follow.
class GreView : public HeaderView<GreView, 4> {
 public:
  static constexpr std::uint16_t kFlagC = 0x8000;
  static constexpr std::uint16_t kFlagR = 0x4000;  // RFC 1701 routing, not supported
  static constexpr std::uint16_t kFlagK = 0x2000;
  static constexpr std::uint16_t kFlagS = 0x1000;
  /// Reserved0 bits that must be zero (RFC 2784 bits 1 and 4..12).
  static constexpr std::uint16_t kReserved = 0x4ff8;

  [[nodiscard]] constexpr std::uint16_t flags_version() const noexcept { return u16(0); }
  [[nodiscard]] constexpr bool has_checksum() const noexcept {
    return (flags_version() & kFlagC) != 0;
  }
  [[nodiscard]] constexpr bool has_key() const noexcept { return (flags_version() & kFlagK) != 0; }
  [[nodiscard]] constexpr bool has_seq() const noexcept { return (flags_version() & kFlagS) != 0; }
  [[nodiscard]] constexpr std::uint8_t version() const noexcept {
    return static_cast<std::uint8_t>(flags_version() & 7);
  }
  [[nodiscard]] constexpr std::uint16_t protocol() const noexcept { return u16(2); }
  /// Fixed part plus the optional words the flags announce.
  [[nodiscard]] constexpr std::size_t header_len() const noexcept {
    return kSize + (has_checksum() ? 4 : 0) + (has_key() ? 4 : 0) + (has_seq() ? 4 : 0);
  }
  /// Offset of the key word (valid when has_key()).
  [[nodiscard]] constexpr std::size_t key_offset() const noexcept {
    return kSize + (has_checksum() ? 4 : 0);
  }

 private:
  friend class HeaderView<GreView, 4>;
  using HeaderView::HeaderView;
};

/// Geneve fixed part (8 bytes, RFC 8926); options_len() bytes of options follow.
class GeneveView : public HeaderView<GeneveView, 8> {
 public:
  [[nodiscard]] constexpr std::uint8_t version() const noexcept {
    return static_cast<std::uint8_t>(u8(0) >> 6);
  }
  [[nodiscard]] constexpr std::size_t options_len() const noexcept {
    return std::size_t{u8(0) & 0x3fu} * 4;
  }
  [[nodiscard]] constexpr bool oam() const noexcept { return (u8(1) & 0x80) != 0; }
  [[nodiscard]] constexpr bool critical() const noexcept { return (u8(1) & 0x40) != 0; }
  [[nodiscard]] constexpr std::uint16_t protocol() const noexcept { return u16(2); }
  [[nodiscard]] constexpr std::uint32_t vni() const noexcept { return u24(4); }
  [[nodiscard]] constexpr std::size_t header_len() const noexcept { return kSize + options_len(); }

 private:
  friend class HeaderView<GeneveView, 8>;
  using HeaderView::HeaderView;
};

}  // namespace nicsim::model
