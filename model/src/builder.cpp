// SPDX-License-Identifier: MIT
#include "nicsim/model/builder.hpp"

#include <algorithm>
#include <type_traits>

#include "nicsim/model/checksum.hpp"

namespace nicsim::model {
namespace {

constexpr std::uint16_t kEtherTypeExperimental = 0x88b5;  // IEEE 802 local experimental
constexpr std::uint16_t kUdpPortDiscard = 9;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

/// Serialization helpers over a growing byte vector.
class Writer {
 public:
  explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u24(std::uint32_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void bytes(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  std::size_t size() const { return out_.size(); }

 private:
  std::vector<std::uint8_t>& out_;
};

std::uint16_t wrong_checksum(std::uint16_t good) {
  // Differs from good in every representation (0 and 0xffff are the same ones-complement value,
  // and 0 means "none" in UDP), so it never verifies.
  const std::uint16_t bad = good ^ 0x0101;
  return (bad == 0 || bad == 0xffff) ? static_cast<std::uint16_t>(good ^ 0x0202) : bad;
}

std::size_t ext_len(const Ipv6ExtSpec& e) {
  if (e.type == ipproto::kFragment) return 8;
  if (e.type == ipproto::kAh) return std::max<std::size_t>(12, round_up(e.len, 4));
  return std::max<std::size_t>(8, round_up(e.len, 8));
}

std::size_t geneve_opts_len(const GeneveSpec& g) {
  std::size_t n = 0;
  for (const auto& o : g.options) n += 4 + round_up(std::min<std::size_t>(o.data.size(), 124), 4);
  return n;
}

}  // namespace

// ---- layer calls --------------------------------------------------------------------------------

PacketBuilder& PacketBuilder::eth(const EthSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::vlan(const VlanSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::arp(const ArpSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::ipv4(const Ipv4Spec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::ipv6(const Ipv6Spec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::tcp(const TcpSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::udp(const UdpSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::icmp(const IcmpSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::icmpv6(const Icmpv6Spec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::vxlan(const VxlanSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::gre(const GreSpec& s) { return items_.emplace_back(s), *this; }
PacketBuilder& PacketBuilder::geneve(const GeneveSpec& s) { return items_.emplace_back(s), *this; }

PacketBuilder& PacketBuilder::nvgre(std::uint32_t vsid, std::uint8_t flow_id) {
  GreSpec g;
  g.key = (vsid << 8) | flow_id;
  g.protocol = ethertype::kTeb;
  return gre(g);
}

PacketBuilder& PacketBuilder::payload(std::size_t n, std::uint8_t first) {
  Payload p;
  p.bytes.resize(n);
  for (std::size_t i = 0; i < n; ++i) p.bytes[i] = static_cast<std::uint8_t>(first + i);
  items_.emplace_back(std::move(p));
  return *this;
}

PacketBuilder& PacketBuilder::payload(ByteSpan bytes) {
  items_.emplace_back(Payload{std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
  return *this;
}

PacketBuilder& PacketBuilder::payload_to(std::size_t n, std::uint8_t first) {
  fill_to_ = n;
  fill_first_ = first;
  return *this;
}

PacketBuilder& PacketBuilder::trailer(std::size_t n, std::uint8_t fill) {
  trailer_len_ += n;
  trailer_fill_ = fill;
  return *this;
}

PacketBuilder& PacketBuilder::pad_to(std::size_t n) {
  pad_to_ = n;
  return *this;
}

PacketBuilder& PacketBuilder::cut(std::size_t k) {
  cut_ = k;
  return *this;
}

PacketBuilder& PacketBuilder::snap(std::size_t k) {
  snap_ = k;
  return *this;
}

// ---- build --------------------------------------------------------------------------------------

namespace {

template <class T, class V>
const T* as(const V* item) {
  return item == nullptr ? nullptr : std::get_if<T>(item);
}

}  // namespace

BuiltPacket PacketBuilder::build() const {
  BuiltPacket out;
  std::vector<std::uint8_t>& buf = out.bytes;
  Writer w(buf);
  std::vector<std::size_t> start(items_.size());

  auto next_of = [&](std::size_t i) -> const Item* {
    return i + 1 < items_.size() ? &items_[i + 1] : nullptr;
  };
  // EtherType announcing the next item (Ethernet, VLAN, GRE and Geneve protocol fields).
  auto ethertype_of = [&](const Item* next) -> std::uint16_t {
    if (const auto* v = as<VlanSpec>(next)) return v->tpid;
    if (as<ArpSpec>(next)) return ethertype::kArp;
    if (as<Ipv4Spec>(next)) return ethertype::kIpv4;
    if (as<Ipv6Spec>(next)) return ethertype::kIpv6;
    if (as<EthSpec>(next)) return ethertype::kTeb;
    return kEtherTypeExperimental;
  };
  auto ipproto_of = [&](const Item* next) -> std::uint8_t {
    if (as<TcpSpec>(next)) return ipproto::kTcp;
    if (as<UdpSpec>(next)) return ipproto::kUdp;
    if (as<IcmpSpec>(next)) return ipproto::kIcmp;
    if (as<Icmpv6Spec>(next)) return ipproto::kIcmpv6;
    if (as<GreSpec>(next)) return ipproto::kGre;
    if (as<Ipv4Spec>(next)) return ipproto::kIpv4;
    if (as<Ipv6Spec>(next)) return ipproto::kIpv6;
    return ipproto::kExperimental;
  };
  auto header = [&](Layer l, std::size_t off, std::size_t len) {
    out.headers.push_back(BuiltHeader{l, off, len});
  };

  // Pass 1: headers in order, with zero lengths and checksums.
  for (std::size_t i = 0; i < items_.size(); ++i) {
    start[i] = w.size();
    const std::size_t off = w.size();
    const Item* next = next_of(i);
    std::visit(
        [&](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, EthSpec>) {
            w.bytes(s.dst.bytes());
            w.bytes(s.src.bytes());
            w.u16(s.type.value_or(ethertype_of(next)));
            header(Layer::kEth, off, 14);
          } else if constexpr (std::is_same_v<T, VlanSpec>) {
            w.u16(static_cast<std::uint16_t>((s.pcp & 7) << 13 | (s.dei ? 0x1000 : 0) |
                                             (s.vid & 0x0fff)));
            w.u16(s.type.value_or(ethertype_of(next)));
            header(Layer::kVlan, off, 4);
          } else if constexpr (std::is_same_v<T, ArpSpec>) {
            w.u16(1);
            w.u16(ethertype::kIpv4);
            w.u8(6);
            w.u8(4);
            w.u16(s.op);
            w.bytes(s.sha.bytes());
            w.u32(s.spa.value());
            w.bytes(s.tha.bytes());
            w.u32(s.tpa.value());
            header(Layer::kArp, off, 28);
          } else if constexpr (std::is_same_v<T, Ipv4Spec>) {
            const std::size_t opts = round_up(s.options.size(), 4);
            const std::size_t hl = 20 + opts;
            const auto ihl = s.ihl.value_or(static_cast<std::uint8_t>(hl / 4));
            w.u8(static_cast<std::uint8_t>((s.version << 4) | (ihl & 0x0f)));
            w.u8(s.tos);
            w.u16(0);  // total length, pass 2
            w.u16(s.id);
            w.u16(static_cast<std::uint16_t>((s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) |
                                             (s.frag_offset & 0x1fff)));
            w.u8(s.ttl);
            w.u8(s.proto.value_or(ipproto_of(next)));
            w.u16(0);  // checksum, pass 2
            w.u32(s.src.value());
            w.u32(s.dst.value());
            w.bytes(s.options);
            w.zeros(opts - s.options.size());
            header(Layer::kIpv4, off, hl);
          } else if constexpr (std::is_same_v<T, Ipv6Spec>) {
            const std::uint8_t upper = ipproto_of(next);
            w.u32((std::uint32_t{s.version} << 28) | (std::uint32_t{s.traffic_class} << 20) |
                  (s.flow_label & 0xfffff));
            w.u16(0);  // payload length, pass 2
            w.u8(s.next_header.value_or(s.ext.empty() ? upper : s.ext.front().type));
            w.u8(s.hop_limit);
            w.bytes(s.src.bytes());
            w.bytes(s.dst.bytes());
            header(Layer::kIpv6, off, 40);
            for (std::size_t k = 0; k < s.ext.size(); ++k) {
              const Ipv6ExtSpec& e = s.ext[k];
              const std::size_t eoff = w.size();
              const std::size_t len = ext_len(e);
              w.u8(e.next_header.value_or(k + 1 < s.ext.size() ? s.ext[k + 1].type : upper));
              if (e.type == ipproto::kFragment) {
                w.u8(e.length_field.value_or(0));
                w.u16(static_cast<std::uint16_t>((e.frag_offset << 3) | (e.more ? 1 : 0)));
                w.u32(e.frag_id);
              } else if (e.type == ipproto::kAh) {
                w.u8(e.length_field.value_or(static_cast<std::uint8_t>(len / 4 - 2)));
                w.u16(0);           // reserved
                w.u32(0x100);       // SPI
                w.u32(1);           // sequence number
                w.zeros(len - 12);  // ICV
              } else {
                w.u8(e.length_field.value_or(static_cast<std::uint8_t>(len / 8 - 1)));
                if (e.type == ipproto::kRouting) {
                  w.u8(253);  // routing type: RFC 4727 experiment
                  w.u8(0);    // segments left
                  w.zeros(len - 4);
                } else {
                  w.u8(1);  // PadN over the rest
                  w.u8(static_cast<std::uint8_t>(len - 4));
                  w.zeros(len - 4);
                }
              }
              header(Layer::kIpv6Ext, eoff, len);
            }
          } else if constexpr (std::is_same_v<T, TcpSpec>) {
            const std::size_t opts = round_up(s.options.size(), 4);
            const auto doff = s.data_offset.value_or(static_cast<std::uint8_t>((20 + opts) / 4));
            w.u16(s.sport);
            w.u16(s.dport);
            w.u32(s.seq);
            w.u32(s.ack);
            w.u8(static_cast<std::uint8_t>(doff << 4));
            w.u8(s.flags);
            w.u16(s.window);
            w.u16(0);  // checksum, pass 2
            w.u16(s.urgent);
            w.bytes(s.options);
            w.zeros(opts - s.options.size());
            header(Layer::kTcp, off, 20 + opts);
          } else if constexpr (std::is_same_v<T, UdpSpec>) {
            std::uint16_t dport = kUdpPortDiscard;
            if (as<VxlanSpec>(next)) dport = udpport::kVxlan;
            if (as<GeneveSpec>(next)) dport = udpport::kGeneve;
            w.u16(s.sport);
            w.u16(s.dport.value_or(dport));
            w.u16(0);  // length, pass 2
            w.u16(0);  // checksum, pass 2
            header(Layer::kUdp, off, 8);
          } else if constexpr (std::is_same_v<T, IcmpSpec>) {
            w.u8(s.type);
            w.u8(s.code);
            w.u16(0);
            w.u32(s.rest);
            header(Layer::kIcmp, off, 8);
          } else if constexpr (std::is_same_v<T, Icmpv6Spec>) {
            w.u8(s.type);
            w.u8(s.code);
            w.u16(0);
            w.u32(s.rest);
            header(Layer::kIcmpv6, off, 4);  // the parser's header; the rest is message body
          } else if constexpr (std::is_same_v<T, VxlanSpec>) {
            w.u8(s.flags);
            w.zeros(3);
            w.u24(s.vni);
            w.u8(0);
            header(Layer::kVxlan, off, 8);
          } else if constexpr (std::is_same_v<T, GreSpec>) {
            const std::uint16_t flags = static_cast<std::uint16_t>(
                (s.checksum ? GreView::kFlagC : 0) | (s.key ? GreView::kFlagK : 0) |
                (s.seq ? GreView::kFlagS : 0) | s.extra_flags | (s.version & 7));
            w.u16(flags);
            w.u16(s.protocol.value_or(ethertype_of(next)));
            if (s.checksum) w.u32(0);  // checksum and reserved1, pass 2
            if (s.key) w.u32(*s.key);
            if (s.seq) w.u32(*s.seq);
            header(Layer::kGre, off, w.size() - off);
          } else if constexpr (std::is_same_v<T, GeneveSpec>) {
            const std::size_t opts = geneve_opts_len(s);
            const auto opt_len = s.opt_len.value_or(static_cast<std::uint8_t>(opts / 4));
            w.u8(static_cast<std::uint8_t>((s.version << 6) | (opt_len & 0x3f)));
            w.u8(static_cast<std::uint8_t>((s.oam ? 0x80 : 0) | (s.critical ? 0x40 : 0)));
            w.u16(s.protocol.value_or(ethertype_of(next)));
            w.u24(s.vni);
            w.u8(0);
            for (const auto& o : s.options) {
              const std::size_t n = std::min<std::size_t>(o.data.size(), 124);
              w.u16(o.opt_class);
              w.u8(o.type);
              w.u8(static_cast<std::uint8_t>(round_up(n, 4) / 4));
              w.bytes(ByteSpan(o.data).first(n));
              w.zeros(round_up(n, 4) - n);
            }
            header(Layer::kGeneve, off, 8 + opts);
          } else {
            w.bytes(s.bytes);
          }
        },
        items_[i]);
  }

  // Payload up to a frame length, after the last layer.
  if (fill_to_ && buf.size() < *fill_to_) {
    for (std::size_t k = buf.size(), i = 0; k < *fill_to_; ++k, ++i)
      buf.push_back(static_cast<std::uint8_t>(fill_first_ + i));
  }

  // Pass 2, innermost first: lengths, then checksums (an outer checksum covers inner bytes).
  const std::size_t end = buf.size();
  auto enclosing_ip = [&](std::size_t i) -> const Item* {
    while (i-- > 0)
      if (as<Ipv4Spec>(&items_[i]) || as<Ipv6Spec>(&items_[i])) return &items_[i];
    return nullptr;
  };
  auto pseudo = [&](std::size_t i, std::uint8_t proto, std::size_t len) -> std::uint16_t {
    const Item* ip = enclosing_ip(i);
    const auto n = static_cast<std::uint32_t>(len);
    if (const auto* v4 = as<Ipv4Spec>(ip)) return pseudo_header_sum(v4->src, v4->dst, proto, n);
    if (const auto* v6 = as<Ipv6Spec>(ip)) return pseudo_header_sum(v6->src, v6->dst, proto, n);
    return 0;
  };
  auto finish_csum = [](std::uint16_t good, const std::optional<std::uint16_t>& forced,
                        bool bad) -> std::uint16_t {
    if (forced) return *forced;
    return bad ? wrong_checksum(good) : good;
  };

  for (std::size_t i = items_.size(); i-- > 0;) {
    const std::size_t off = start[i];
    std::uint8_t* p = buf.data() + off;
    const ByteSpan rest(buf.data() + off, end - off);
    std::visit(
        [&](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, Ipv4Spec>) {
            const std::size_t hl = 20 + round_up(s.options.size(), 4);
            store_be16(p + 2, s.total_len.value_or(static_cast<std::uint16_t>(end - off)));
            const std::uint16_t good = ipv4_header_checksum(ByteSpan(p, hl));
            store_be16(p + 10, finish_csum(good, s.checksum, s.bad_checksum));
          } else if constexpr (std::is_same_v<T, Ipv6Spec>) {
            store_be16(p + 4, s.payload_len.value_or(static_cast<std::uint16_t>(end - off - 40)));
          } else if constexpr (std::is_same_v<T, TcpSpec>) {
            const std::uint16_t good = l4_checksum(pseudo(i, ipproto::kTcp, rest.size()), rest, 16);
            store_be16(p + 16, finish_csum(good, s.checksum, s.bad_checksum));
          } else if constexpr (std::is_same_v<T, UdpSpec>) {
            store_be16(p + 4, s.length.value_or(static_cast<std::uint16_t>(end - off)));
            std::uint16_t good = l4_checksum(pseudo(i, ipproto::kUdp, rest.size()), rest, 6);
            if (good == 0) good = 0xffff;
            if (s.zero_checksum) good = 0;
            store_be16(p + 6, finish_csum(good, s.checksum, s.bad_checksum));
          } else if constexpr (std::is_same_v<T, IcmpSpec>) {
            store_be16(p + 2, finish_csum(l4_checksum(0, rest, 2), s.checksum, s.bad_checksum));
          } else if constexpr (std::is_same_v<T, Icmpv6Spec>) {
            const std::uint16_t good =
                l4_checksum(pseudo(i, ipproto::kIcmpv6, rest.size()), rest, 2);
            store_be16(p + 2, finish_csum(good, s.checksum, s.bad_checksum));
          } else if constexpr (std::is_same_v<T, GreSpec>) {
            if (s.checksum) store_be16(p + 4, l4_checksum(0, rest, 4));
          }
        },
        items_[i]);
  }

  // Trailer and padding, then the cuts.
  buf.insert(buf.end(), trailer_len_, trailer_fill_);
  if (buf.size() < pad_to_) buf.resize(pad_to_, trailer_fill_);
  out.full_len = buf.size();
  if (cut_ && *cut_ < buf.size()) buf.resize(*cut_);
  out.orig_len = buf.size();
  if (snap_ && *snap_ < buf.size()) buf.resize(*snap_);
  buf.shrink_to_fit();
  return out;
}

Frame PacketBuilder::frame(std::uint64_t ts_ns) const {
  BuiltPacket b = build();
  Frame f;
  f.orig_len = static_cast<std::uint32_t>(b.orig_len);
  f.data = std::move(b.bytes);
  f.ts_ns = ts_ns;
  return f;
}

}  // namespace nicsim::model
