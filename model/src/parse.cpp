// SPDX-License-Identifier: MIT
#include "nicsim/model/parse.hpp"

#include <array>

#include "nicsim/model/headers.hpp"

namespace nicsim::model {

// ---- names --------------------------------------------------------------------------------------

std::string_view layer_name(Layer layer) noexcept {
  switch (layer) {
    case Layer::kEth: return "eth";
    case Layer::kVlan: return "vlan";
    case Layer::kArp: return "arp";
    case Layer::kIpv4: return "ipv4";
    case Layer::kIpv6: return "ipv6";
    case Layer::kIpv6Ext: return "ipv6 ext";
    case Layer::kTcp: return "tcp";
    case Layer::kUdp: return "udp";
    case Layer::kIcmp: return "icmp";
    case Layer::kIcmpv6: return "icmpv6";
    case Layer::kVxlan: return "vxlan";
    case Layer::kGre: return "gre";
    case Layer::kGeneve: return "geneve";
  }
  return "?";
}

std::string_view bad_field_name(BadField field) noexcept {
  switch (field) {
    case BadField::kNone: return "";
    case BadField::kVersion: return "version";
    case BadField::kIhl: return "ihl";
    case BadField::kLength: return "length";
    case BadField::kOffset: return "offset";
    case BadField::kDepth: return "depth";
    case BadField::kChain: return "chain";
    case BadField::kOrder: return "order";
    case BadField::kFlags: return "flags";
  }
  return "?";
}

std::string_view tunnel_name(TunnelType type) noexcept {
  switch (type) {
    case TunnelType::kNone: return "";
    case TunnelType::kVxlan: return "vxlan";
    case TunnelType::kNvgre: return "nvgre";
    case TunnelType::kGre: return "gre";
    case TunnelType::kGeneve: return "geneve";
  }
  return "?";
}

std::size_t ParseError::format_to(char* out) const noexcept {
  if (kind == ErrorKind::kNone) return 0;
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    for (char c : s) out[n++] = c;
  };
  put(kind == ErrorKind::kTruncated ? "truncated " : "bad ");
  put(layer_name(layer));
  if (kind == ErrorKind::kBad && field != BadField::kNone) {
    put(" ");
    put(bad_field_name(field));
  }
  return n;
}

std::string ParseError::text() const {
  std::array<char, kMaxTextLen> buf{};
  return std::string(buf.data(), format_to(buf.data()));
}

// ---- parser -------------------------------------------------------------------------------------

namespace {

/// Where the next level starts, if the level ended in a tunnel with something to parse.
enum class Start : std::uint8_t { kNone, kEth, kIpv4, kIpv6 };

struct Next {
  Start start = Start::kNone;
  std::size_t offset = 0;
  std::size_t end = 0;
};

Start start_for_protocol(std::uint16_t proto) noexcept {
  switch (proto) {
    case ethertype::kTeb: return Start::kEth;
    case ethertype::kIpv4: return Start::kIpv4;
    case ethertype::kIpv6: return Start::kIpv6;
    default: return Start::kNone;
  }
}

Layer tunnel_layer(TunnelType t) noexcept {
  switch (t) {
    case TunnelType::kVxlan: return Layer::kVxlan;
    case TunnelType::kGeneve: return Layer::kGeneve;
    default: return Layer::kGre;
  }
}

/// Parses one level of a frame. Byte ranges are [off, end) with end <= frame size; every view is
/// taken over such a range, so a header that does not fit is reported instead of read.
class LevelParser {
 public:
  LevelParser(const ParserConfig& cfg, ByteSpan frame, Level& lv) noexcept
      : cfg_(cfg), frame_(frame), lv_(lv) {}

  Next run(Start start, std::size_t off, std::size_t end) noexcept {
    // Only the presence flags and the error are reset: each header's fields are written whole
    // when it is found (a full Level{} reset costs more than the rest of a typical parse).
    lv_.has_eth = false;
    lv_.has_arp = false;
    lv_.has_ip = false;
    lv_.has_l4 = false;
    lv_.has_tunnel = false;
    lv_.vlan_count = 0;
    lv_.error = ParseError{};
    lv_.offset = static_cast<std::uint32_t>(off);
    switch (start) {
      case Start::kEth: eth(off, end); break;
      case Start::kIpv4: ipv4(off, end); break;
      case Start::kIpv6: ipv6(off, end); break;
      case Start::kNone: break;
    }
    if (!lv_.error.ok()) return {};
    lv_.error = deferred_;
    return next_;
  }

 private:
  ByteSpan bytes(std::size_t off, std::size_t end) const noexcept {
    return frame_.subspan(off, end - off);
  }
  void fail(const ParseError& e) noexcept { lv_.error = e; }
  static std::uint32_t u32(std::size_t v) noexcept { return static_cast<std::uint32_t>(v); }

  void eth(std::size_t off, std::size_t end) noexcept {
    const auto e = EthernetView::at(bytes(off, end));
    if (!e) return fail(ParseError::truncated(Layer::kEth, off));
    lv_.has_eth = true;
    lv_.eth.dst = e->dst();
    lv_.eth.src = e->src();
    lv_.eth.offset = u32(off);
    std::uint16_t type = e->type();
    lv_.eth.type = type;
    std::size_t cur = off + EthernetView::kSize;
    while (ethertype::is_vlan_tpid(type)) {
      const std::size_t tag_off = cur;  // the TCI and next EtherType behind the TPID
      if (lv_.vlan_count == lv_.vlans.size())
        return fail(ParseError::bad(Layer::kVlan, BadField::kDepth, tag_off));
      const auto v = VlanView::at(bytes(cur, end));
      if (!v) return fail(ParseError::truncated(Layer::kVlan, tag_off));
      lv_.vlans[lv_.vlan_count++] = VlanTag{type, v->vid(), v->pcp(), v->dei()};
      type = v->type();
      lv_.eth.type = type;
      cur += VlanView::kSize;
    }
    switch (type) {
      case ethertype::kArp: return arp(cur, end);
      case ethertype::kIpv4: return ipv4(cur, end);
      case ethertype::kIpv6: return ipv6(cur, end);
      default: return;  // 802.3 length (< 0x0600) or an EtherType not parsed: eth only
    }
  }

  void arp(std::size_t off, std::size_t end) noexcept {
    const auto a = ArpView::at(bytes(off, end));
    if (!a || end - off < a->total_len()) return fail(ParseError::truncated(Layer::kArp, off));
    lv_.has_arp = true;
    ArpInfo& info = lv_.arp;
    info = ArpInfo{};
    info.htype = a->htype();
    info.ptype = a->ptype();
    info.op = a->op();
    info.offset = u32(off);
    if (a->is_eth_ipv4()) {  // total_len() == kEthIpv4Size: the addresses are in range
      info.eth_ipv4 = true;
      info.sha = a->sha();
      info.spa = a->spa();
      info.tha = a->tha();
      info.tpa = a->tpa();
    }
  }

  void ipv4(std::size_t off, std::size_t end) noexcept {
    const auto v = Ipv4View::at(bytes(off, end));
    if (!v) return fail(ParseError::truncated(Layer::kIpv4, off));
    if (v->version() != 4) return fail(ParseError::bad(Layer::kIpv4, BadField::kVersion, off));
    if (v->ihl() < 5) return fail(ParseError::bad(Layer::kIpv4, BadField::kIhl, off));
    const std::size_t hl = v->header_len();
    if (end - off < hl) return fail(ParseError::truncated(Layer::kIpv4, off));
    const std::size_t total = v->total_len();
    if (total < hl) return fail(ParseError::bad(Layer::kIpv4, BadField::kLength, off));

    IpInfo& ip = lv_.ip;
    lv_.has_ip = true;
    ip = IpInfo{};
    ip.version = 4;
    ip.proto = v->proto();
    ip.ttl = v->ttl();
    ip.tos = v->tos();
    ip.df = v->df();
    ip.mf = v->mf();
    ip.frag_offset = v->frag_offset();
    ip.frag = ip.mf || ip.frag_offset != 0;
    ip.id = v->id();
    ip.checksum = v->checksum();
    ip.header_len = static_cast<std::uint16_t>(hl);
    ip.total_len = u32(total);
    ip.src = v->src();
    ip.dst = v->dst();
    ip.offset = u32(off);
    ip.l4_offset = u32(off + hl);

    const std::size_t declared_end = off + total;
    const std::size_t region_end = clip_ip(Layer::kIpv4, off, declared_end, end);
    if (ip.frag_offset != 0) return;  // not the first fragment: no upper-layer header here
    l4(ip.proto, off + hl, region_end, declared_end);
  }

  void ipv6(std::size_t off, std::size_t end) noexcept {
    const auto v = Ipv6View::at(bytes(off, end));
    if (!v) return fail(ParseError::truncated(Layer::kIpv6, off));
    if (v->version() != 6) return fail(ParseError::bad(Layer::kIpv6, BadField::kVersion, off));

    IpInfo& ip = lv_.ip;
    lv_.has_ip = true;
    ip = IpInfo{};
    ip.version = 6;
    ip.ttl = v->hop_limit();
    ip.tos = v->traffic_class();
    ip.flow_label = v->flow_label();
    ip.src = v->src();
    ip.dst = v->dst();
    ip.offset = u32(off);
    std::uint8_t nh = v->next_header();
    ip.proto = nh;
    ip.header_len = Ipv6View::kSize;
    ip.l4_offset = u32(off + Ipv6View::kSize);

    // Payload length 0 with hop-by-hop options: a jumbogram, its length is in the option.
    std::size_t declared_end = off + Ipv6View::kSize + v->payload_len();
    if (v->payload_len() == 0 && nh == ipproto::kHopByHop) declared_end = end;
    ip.total_len = u32(declared_end - off);
    const std::size_t region_end = clip_ip(Layer::kIpv6, off, declared_end, end);

    std::size_t cur = off + Ipv6View::kSize;
    while (ipproto::is_ipv6_ext(nh)) {
      if (nh == ipproto::kHopByHop && ip.ext_count != 0)
        return fail(ParseError::bad(Layer::kIpv6Ext, BadField::kOrder, cur));
      if (ip.ext_count >= cfg_.max_ipv6_ext)
        return fail(ParseError::bad(Layer::kIpv6Ext, BadField::kChain, cur));
      const auto x = Ipv6ExtView::at(bytes(cur, region_end));
      if (!x || region_end - cur < x->header_len(nh))
        return fail(ParseError::truncated(Layer::kIpv6Ext, cur));
      const std::size_t len = x->header_len(nh);
      bool non_first_fragment = false;
      if (nh == ipproto::kFragment) {
        const auto f = Ipv6FragView::at(bytes(cur, region_end));  // len == 8 is in range
        ip.frag = true;
        ip.frag_offset = f->frag_offset();
        ip.mf = f->more();
        ip.id = f->id();
        non_first_fragment = ip.frag_offset != 0;
      }
      nh = x->next_header();
      cur += len;
      ++ip.ext_count;
      ip.proto = nh;
      ip.header_len = static_cast<std::uint16_t>(cur - off);
      ip.l4_offset = u32(cur);
      if (non_first_fragment) return;
    }
    l4(nh, cur, region_end, declared_end);
  }

  /// An IP packet longer than the bytes present: remember "truncated ipv4/ipv6" (reported if
  /// nothing later fails) and parse on within the bytes there are.
  std::size_t clip_ip(Layer layer, std::size_t off, std::size_t declared_end,
                      std::size_t end) noexcept {
    if (declared_end <= end) return declared_end;
    deferred_ = ParseError::truncated(layer, off);
    return end;
  }

  /// Upper layer in [off, end); declared_end is where the IP header says its payload ends.
  void l4(std::uint8_t proto, std::size_t off, std::size_t end, std::size_t declared_end) noexcept {
    switch (proto) {
      case ipproto::kTcp: return tcp(off, end);
      case ipproto::kUdp: return udp(off, end, declared_end);
      case ipproto::kIcmp: return icmp(off, end);
      case ipproto::kIcmpv6: return icmpv6(off, end);
      case ipproto::kGre: return gre(off, end);
      default: return;
    }
  }

  void tcp(std::size_t off, std::size_t end) noexcept {
    const auto t = TcpView::at(bytes(off, end));
    if (!t) return fail(ParseError::truncated(Layer::kTcp, off));
    if (t->data_offset() < 5) return fail(ParseError::bad(Layer::kTcp, BadField::kOffset, off));
    if (end - off < t->header_len()) return fail(ParseError::truncated(Layer::kTcp, off));
    L4Info& l4 = lv_.l4;
    lv_.has_l4 = true;
    l4 = L4Info{};
    l4.kind = Layer::kTcp;
    l4.sport = t->sport();
    l4.dport = t->dport();
    l4.seq = t->seq();
    l4.ack = t->ack();
    l4.tcp_flags = t->flags();
    l4.window = t->window();
    l4.checksum = t->checksum();
    l4.header_len = static_cast<std::uint16_t>(t->header_len());
    l4.offset = u32(off);
  }

  void udp(std::size_t off, std::size_t end, std::size_t declared_end) noexcept {
    const auto u = UdpView::at(bytes(off, end));
    if (!u) return fail(ParseError::truncated(Layer::kUdp, off));
    const std::size_t len = u->length();
    if (len < UdpView::kSize || off + len > declared_end)
      return fail(ParseError::bad(Layer::kUdp, BadField::kLength, off));
    L4Info& l4 = lv_.l4;
    lv_.has_l4 = true;
    l4 = L4Info{};
    l4.kind = Layer::kUdp;
    l4.sport = u->sport();
    l4.dport = u->dport();
    l4.length = u->length();
    l4.checksum = u->checksum();
    l4.header_len = UdpView::kSize;
    l4.offset = u32(off);
    const std::size_t udp_end = off + len < end ? off + len : end;
    if (l4.dport == cfg_.vxlan_port) return vxlan(off + UdpView::kSize, udp_end);
    if (l4.dport == cfg_.geneve_port) return geneve(off + UdpView::kSize, udp_end);
  }

  void icmp(std::size_t off, std::size_t end) noexcept {
    const auto c = IcmpView::at(bytes(off, end));
    if (!c) return fail(ParseError::truncated(Layer::kIcmp, off));
    set_icmp(Layer::kIcmp, c->type(), c->code(), c->checksum(), IcmpView::kSize, off);
  }

  void icmpv6(std::size_t off, std::size_t end) noexcept {
    const auto c = Icmpv6View::at(bytes(off, end));
    if (!c) return fail(ParseError::truncated(Layer::kIcmpv6, off));
    set_icmp(Layer::kIcmpv6, c->type(), c->code(), c->checksum(), Icmpv6View::kSize, off);
  }

  void set_icmp(Layer kind, std::uint8_t type, std::uint8_t code, std::uint16_t csum,
                std::size_t hl, std::size_t off) noexcept {
    L4Info& l4 = lv_.l4;
    lv_.has_l4 = true;
    l4 = L4Info{};
    l4.kind = kind;
    l4.icmp_type = type;
    l4.icmp_code = code;
    l4.checksum = csum;
    l4.header_len = static_cast<std::uint16_t>(hl);
    l4.offset = u32(off);
  }

  void vxlan(std::size_t off, std::size_t end) noexcept {
    const auto x = VxlanView::at(bytes(off, end));
    if (!x) return fail(ParseError::truncated(Layer::kVxlan, off));
    if (!x->vni_valid()) return fail(ParseError::bad(Layer::kVxlan, BadField::kFlags, off));
    set_tunnel(TunnelType::kVxlan, true, x->vni(), ethertype::kTeb, off, VxlanView::kSize, end);
  }

  void gre(std::size_t off, std::size_t end) noexcept {
    const auto g = GreView::at(bytes(off, end));
    if (!g) return fail(ParseError::truncated(Layer::kGre, off));
    if (g->version() != 0) return fail(ParseError::bad(Layer::kGre, BadField::kVersion, off));
    if ((g->flags_version() & GreView::kReserved) != 0)
      return fail(ParseError::bad(Layer::kGre, BadField::kFlags, off));
    const std::size_t hl = g->header_len();
    if (end - off < hl) return fail(ParseError::truncated(Layer::kGre, off));
    const std::uint16_t proto = g->protocol();
    std::uint32_t key = 0;
    if (g->has_key()) key = load_be32(frame_.data() + off + g->key_offset());
    if (g->has_key() && proto == ethertype::kTeb) {
      set_tunnel(TunnelType::kNvgre, true, key >> 8, proto, off, hl, end);
    } else {
      set_tunnel(TunnelType::kGre, g->has_key(), key, proto, off, hl, end);
    }
  }

  void geneve(std::size_t off, std::size_t end) noexcept {
    const auto g = GeneveView::at(bytes(off, end));
    if (!g) return fail(ParseError::truncated(Layer::kGeneve, off));
    if (g->version() != 0) return fail(ParseError::bad(Layer::kGeneve, BadField::kVersion, off));
    if (end - off < g->header_len()) return fail(ParseError::truncated(Layer::kGeneve, off));
    set_tunnel(TunnelType::kGeneve, true, g->vni(), g->protocol(), off, g->header_len(), end);
  }

  void set_tunnel(TunnelType type, bool has_vni, std::uint32_t vni, std::uint16_t proto,
                  std::size_t off, std::size_t hl, std::size_t end) noexcept {
    TunnelInfo& t = lv_.tunnel;
    lv_.has_tunnel = true;
    t.type = type;
    t.has_vni = has_vni;
    t.vni = vni;
    t.protocol = proto;
    t.header_len = static_cast<std::uint16_t>(hl);
    t.offset = u32(off);
    t.inner_offset = u32(off + hl);
    next_ = Next{start_for_protocol(proto), off + hl, end};
  }

  const ParserConfig& cfg_;
  ByteSpan frame_;
  Level& lv_;
  ParseError deferred_;
  Next next_;
};

}  // namespace

void Parser::parse(ByteSpan frame, ParseResult& out) const noexcept {
  Next next{Start::kEth, 0, frame.size()};
  out.depth = 0;
  for (std::size_t i = 0; i < ParseResult::kMaxLevels && next.start != Start::kNone; ++i) {
    Level& lv = out.levels[i];
    out.depth = static_cast<std::uint8_t>(i + 1);
    next = LevelParser(cfg_, frame, lv).run(next.start, next.offset, next.end);
    if (next.start != Start::kNone && i + 1 == ParseResult::kMaxLevels) {
      // A tunnel in the last level kept: its payload is not parsed, and the frame is flagged.
      lv.error = ParseError::bad(tunnel_layer(lv.tunnel.type), BadField::kDepth, lv.tunnel.offset);
    }
  }
}

}  // namespace nicsim::model
