// SPDX-License-Identifier: MIT
#include "nicsim/model/fast_parse.hpp"

#include "nicsim/model/headers.hpp"

namespace nicsim::model {

namespace {

// The IP and L4 records are written field by field below (clearing them whole, `ip = IpInfo{}`,
// is a slow `rep stos` with GCC, even as a copy of a constant): a field added to either must be
// written here too (and compared in fast_parse_test.cpp). Their sizes stand guard.
static_assert(sizeof(IpInfo) == 76 && sizeof(L4Info) == 32,
              "IpInfo or L4Info changed: write the new field in fast_parse's level()");

/// One level, starting at Ethernet at `off`, within [off, end). Writes what LevelParser (parse.cpp)
/// writes for the same bytes, in the same order, and returns false where the reference would
/// go on with a header this parse does not handle, or report an error. On success, `tun_next` is
/// set when the level ends in VXLAN (the next level's Ethernet at tun_next, up to tun_end), and
/// `hdr_end` is where the level's last header ends.
inline bool level(const std::uint8_t* f, std::size_t off, std::size_t end, const ParserConfig& cfg,
                  Level& lv, std::size_t& tun_next, std::size_t& tun_end,
                  std::size_t& hdr_end) noexcept {
  lv.has_eth = false;
  lv.has_arp = false;
  lv.has_ip = false;
  lv.has_l4 = false;
  lv.has_tunnel = false;
  lv.vlan_count = 0;
  lv.error = ParseError{};
  lv.offset = static_cast<std::uint32_t>(off);
  tun_next = 0;

  // Ethernet and VLAN tags
  if (end - off < 14) return false;
  const std::uint8_t* e = f + off;
  lv.has_eth = true;
  lv.eth.dst = MacAddr::from_bytes(e);
  lv.eth.src = MacAddr::from_bytes(e + 6);
  lv.eth.offset = static_cast<std::uint32_t>(off);
  std::uint16_t type = load_be16(e + 12);
  std::size_t cur = off + 14;
  std::uint8_t nv = 0;
  while (ethertype::is_vlan_tpid(type)) {
    if (nv == 2 || end - cur < 4) return false;  // bad vlan depth / truncated vlan
    const std::uint8_t* v = f + cur;
    VlanTag& tag = lv.vlans[nv++];  // field by field: no temporary copied over the tag
    tag.tpid = type;
    tag.vid = static_cast<std::uint16_t>(load_be16(v) & 0x0fff);
    tag.pcp = static_cast<std::uint8_t>(v[0] >> 5);
    tag.dei = (v[0] & 0x10) != 0;
    type = load_be16(v + 2);
    cur += 4;
  }
  lv.vlan_count = nv;
  lv.eth.type = type;
  hdr_end = cur;

  // IP
  std::size_t declared_end = 0;
  std::size_t l4_off = 0;
  std::uint8_t proto = 0;
  IpInfo& ip = lv.ip;
  if (type == ethertype::kIpv4) {
    if (end - cur < 20) return false;
    const std::uint8_t* h = f + cur;
    if ((h[0] >> 4) != 4) return false;
    const std::size_t hl = std::size_t{h[0] & 0x0fu} * 4;
    if (hl < 20 || end - cur < hl) return false;
    const std::size_t total = load_be16(h + 2);
    if (total < hl) return false;
    declared_end = cur + total;
    if (declared_end > end) return false;  // truncated ipv4 (deferred error)
    lv.has_ip = true;
    // Every field written (no `ip = IpInfo{}`: GCC clears it with a slow `rep stos`).
    ip.version = 4;
    ip.flow_label = 0;
    ip.ext_count = 0;
    proto = h[9];
    ip.proto = proto;
    ip.ttl = h[8];
    ip.tos = h[1];
    ip.df = (h[6] & 0x40) != 0;
    ip.mf = (h[6] & 0x20) != 0;
    ip.frag_offset = static_cast<std::uint16_t>(load_be16(h + 6) & 0x1fff);
    ip.frag = ip.mf || ip.frag_offset != 0;
    ip.id = load_be16(h + 4);
    ip.checksum = load_be16(h + 10);
    ip.header_len = static_cast<std::uint16_t>(hl);
    ip.total_len = static_cast<std::uint32_t>(total);
    ip.src.assign_v4(h + 12);
    ip.dst.assign_v4(h + 16);
    ip.offset = static_cast<std::uint32_t>(cur);
    l4_off = cur + hl;
    ip.l4_offset = static_cast<std::uint32_t>(l4_off);
    hdr_end = l4_off;
    if (ip.frag_offset != 0) return true;  // not the first fragment: no upper layer
  } else if (type == ethertype::kIpv6) {
    if (end - cur < 40) return false;
    const std::uint8_t* h = f + cur;
    if ((h[0] >> 4) != 6) return false;
    proto = h[6];
    if (ipproto::is_ipv6_ext(proto)) return false;  // extension headers, jumbogram
    declared_end = cur + 40 + load_be16(h + 4);
    if (declared_end > end) return false;  // truncated ipv6 (deferred error)
    lv.has_ip = true;
    ip.version = 6;
    ip.frag = false;
    ip.df = false;
    ip.mf = false;
    ip.frag_offset = 0;
    ip.id = 0;
    ip.checksum = 0;
    ip.ext_count = 0;
    ip.ttl = h[7];
    ip.tos = static_cast<std::uint8_t>(load_be16(h) >> 4);
    ip.flow_label = load_be24(h + 1) & 0xfffff;
    ip.src.assign_v6(h + 8);
    ip.dst.assign_v6(h + 24);
    ip.offset = static_cast<std::uint32_t>(cur);
    ip.proto = proto;
    ip.header_len = 40;
    l4_off = cur + 40;
    ip.l4_offset = static_cast<std::uint32_t>(l4_off);
    ip.total_len = static_cast<std::uint32_t>(declared_end - cur);
    hdr_end = l4_off;
  } else {
    // ARP is the reference's; any other EtherType (or an 802.3 length): Ethernet only
    return type != ethertype::kArp;
  }

  // Upper layer within [l4_off, declared_end)
  const std::size_t room = declared_end - l4_off;
  const std::uint8_t* h = f + l4_off;
  L4Info& l4 = lv.l4;
  switch (proto) {
    case ipproto::kTcp: {
      if (room < 20) return false;
      const std::size_t hl = std::size_t{static_cast<std::uint8_t>(h[12] >> 4)} * 4;
      if (hl < 20 || room < hl) return false;
      lv.has_l4 = true;
      // Every field written (no `l4 = L4Info{}`, see above).
      l4.kind = Layer::kTcp;
      l4.icmp_type = 0;
      l4.icmp_code = 0;
      l4.length = 0;
      l4.sport = load_be16(h);
      l4.dport = load_be16(h + 2);
      l4.seq = load_be32(h + 4);
      l4.ack = load_be32(h + 8);
      l4.tcp_flags = h[13];
      l4.window = load_be16(h + 14);
      l4.checksum = load_be16(h + 16);
      l4.header_len = static_cast<std::uint16_t>(hl);
      l4.offset = static_cast<std::uint32_t>(l4_off);
      hdr_end = l4_off + hl;
      return true;
    }
    case ipproto::kUdp: {
      if (room < 8) return false;
      const std::size_t len = load_be16(h + 4);
      if (len < 8 || len > room) return false;  // bad udp length
      const std::uint16_t dport = load_be16(h + 2);
      lv.has_l4 = true;
      l4.kind = Layer::kUdp;
      l4.tcp_flags = 0;
      l4.icmp_type = 0;
      l4.icmp_code = 0;
      l4.window = 0;
      l4.seq = 0;
      l4.ack = 0;
      l4.sport = load_be16(h);
      l4.dport = dport;
      l4.length = static_cast<std::uint16_t>(len);
      l4.checksum = load_be16(h + 6);
      l4.header_len = 8;
      l4.offset = static_cast<std::uint32_t>(l4_off);
      hdr_end = l4_off + 8;
      if (dport == cfg.vxlan_port) {
        const std::size_t x = l4_off + 8;
        const std::size_t udp_end = l4_off + len;
        if (udp_end - x < 8 || (f[x] & 0x08) == 0) return false;  // truncated / bad vxlan
        TunnelInfo& t = lv.tunnel;
        lv.has_tunnel = true;
        t.type = TunnelType::kVxlan;
        t.has_vni = true;
        t.vni = load_be24(f + x + 4);
        t.protocol = ethertype::kTeb;
        t.header_len = 8;
        t.offset = static_cast<std::uint32_t>(x);
        t.inner_offset = static_cast<std::uint32_t>(x + 8);
        hdr_end = x + 8;
        tun_next = x + 8;
        tun_end = udp_end;
        return true;
      }
      return dport != cfg.geneve_port;  // Geneve is the reference's
    }
    case ipproto::kIcmp:
    case ipproto::kIcmpv6: {
      const bool v6 = proto == ipproto::kIcmpv6;
      const std::size_t len = v6 ? 4 : 8;  // the header the reference counts
      if (room < len) return false;
      lv.has_l4 = true;
      l4.kind = v6 ? Layer::kIcmpv6 : Layer::kIcmp;
      l4.sport = 0;
      l4.dport = 0;
      l4.tcp_flags = 0;
      l4.length = 0;
      l4.window = 0;
      l4.seq = 0;
      l4.ack = 0;
      l4.icmp_type = h[0];
      l4.icmp_code = h[1];
      l4.checksum = load_be16(h + 2);
      l4.header_len = static_cast<std::uint16_t>(len);
      l4.offset = static_cast<std::uint32_t>(l4_off);
      hdr_end = l4_off + len;
      return true;
    }
    case ipproto::kGre: return false;  // the reference's
    default: return true;              // another protocol: IP only
  }
}

}  // namespace

bool fast_parse(ByteSpan frame, const ParserConfig& cfg, std::uint32_t window,
                ParseResult& out) noexcept {
  const std::uint8_t* f = frame.data();
  std::size_t next = 0;
  std::size_t next_end = 0;
  std::size_t hdr_end = 0;
  out.depth = 1;
  if (!level(f, 0, frame.size(), cfg, out.levels[0], next, next_end, hdr_end)) return false;
  if (hdr_end > window) return false;
  if (next == 0) return true;
  out.depth = 2;
  std::size_t next2 = 0;
  std::size_t end2 = 0;
  if (!level(f, next, next_end, cfg, out.levels[1], next2, end2, hdr_end)) return false;
  // A second tunnel: the levels behind it are the reference's.
  return next2 == 0 && hdr_end <= window;
}

void fast_parse_decapsulated(const ParseResult& pr, ParseResult& out) noexcept {
  const Level& in = pr.levels[1];
  const std::uint32_t base = pr.levels[0].tunnel.inner_offset;  // == in.offset
  Level& lv = out.levels[0];
  lv = in;
  lv.offset = in.offset - base;
  lv.eth.offset = in.eth.offset - base;  // a VXLAN level starts at Ethernet
  if (in.has_ip) {
    lv.ip.offset = in.ip.offset - base;
    lv.ip.l4_offset = in.ip.l4_offset - base;
  }
  if (in.has_l4) lv.l4.offset = in.l4.offset - base;
  out.depth = 1;  // a fast parse's level 1 has no tunnel
}

}  // namespace nicsim::model
