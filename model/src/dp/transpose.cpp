// SPDX-License-Identifier: MIT
#include "nicsim/model/transpose.hpp"

#include <cstring>

#include "nicsim/model/checksum.hpp"
#include "nicsim/model/headers.hpp"

namespace nicsim::model {

bool Transposer::ttl_expired(const ParseResult& pr, const ActionRecord& a) noexcept {
  if (!a.dec_ttl()) return false;
  const Level& lv = pr.levels[a.decap() ? 1 : 0];
  return lv.has_ip && lv.ip.ttl <= 1;
}

bool Transposer::rewrites(const ActionRecord& a) noexcept {
  constexpr std::uint32_t kChanging =
      ActionRecord::kEncap | ActionRecord::kVlanOpMask | ActionRecord::kSetDmac |
      ActionRecord::kSetSmac | ActionRecord::kSetSip | ActionRecord::kSetDip |
      ActionRecord::kSetSport | ActionRecord::kSetDport | ActionRecord::kDecTtl;
  return (a.flags & kChanging) != 0;
}

namespace {

/// The L4 checksum field the L3/L4 rewrite keeps up to date, or nullptr.
struct L4Csum {
  std::uint8_t* field = nullptr;
  bool pseudo = false;  // covers the pseudo-header (addresses)
  bool udp = false;     // a result of 0 is stored as 0xFFFF
};

inline void update16(std::uint8_t* field, std::uint16_t old_w, std::uint16_t new_w) noexcept {
  store_be16(field, checksum_update16(load_be16(field), old_w, new_w));
}

void rewrite_l3l4(std::uint8_t* p, std::size_t base, const Level& lv,
                  const ActionRecord& a) noexcept {
  if (!lv.has_ip) return;
  const IpInfo& ip = lv.ip;
  std::uint8_t* iph = p + (ip.offset - base);
  std::uint8_t* l4 = lv.has_l4 ? p + (lv.l4.offset - base) : nullptr;
  L4Csum c;
  bool ports = false;
  if (l4 != nullptr) {
    switch (lv.l4.kind) {
      case Layer::kTcp:
        c = {l4 + 16, true, false};
        ports = true;
        break;
      case Layer::kUdp:
        ports = true;
        if (ip.version == 6 || load_be16(l4 + 6) != 0) c = {l4 + 6, true, true};
        break;
      case Layer::kIcmpv6: c = {l4 + 2, true, false}; break;
      default: break;  // ICMP: no pseudo-header
    }
  }
  if (ip.version == 4) {
    std::uint8_t* ipc = iph + 10;
    const auto set_addr = [&](std::uint8_t* field, const std::array<std::uint8_t, 16>& v) {
      const std::uint32_t o = load_be32(field);
      const std::uint32_t n = load_be32(&v[12]);
      store_be32(field, n);
      store_be16(ipc, checksum_update32(load_be16(ipc), o, n));
      if (c.pseudo) store_be16(c.field, checksum_update32(load_be16(c.field), o, n));
    };
    if (a.set_sip()) set_addr(iph + 12, a.sip);
    if (a.set_dip()) set_addr(iph + 16, a.dip);
    if (a.dec_ttl()) {
      const std::uint16_t o = load_be16(iph + 8);
      iph[8] = static_cast<std::uint8_t>(iph[8] - 1);
      update16(ipc, o, load_be16(iph + 8));
    }
  } else {
    const auto set_addr = [&](std::uint8_t* field, const std::array<std::uint8_t, 16>& v) {
      if (c.pseudo)
        store_be16(c.field, checksum_update(load_be16(c.field), ByteSpan(field, 16),
                                            ByteSpan(v.data(), 16)));
      std::memcpy(field, v.data(), 16);
    };
    if (a.set_sip()) set_addr(iph + 8, a.sip);
    if (a.set_dip()) set_addr(iph + 24, a.dip);
    if (a.dec_ttl()) iph[7] = static_cast<std::uint8_t>(iph[7] - 1);
  }
  if (ports) {
    const auto set_port = [&](std::uint8_t* field, std::uint16_t v) {
      const std::uint16_t o = load_be16(field);
      store_be16(field, v);
      if (c.field != nullptr) update16(c.field, o, v);
    };
    if (a.set_sport()) set_port(l4, a.sport);
    if (a.set_dport()) set_port(l4 + 2, a.dport);
  }
  if (c.udp && load_be16(c.field) == 0) store_be16(c.field, 0xFFFF);
}

}  // namespace

void Transposer::apply(ByteSpan frame, const ParseResult& pr, const ActionRecord& a,
                       std::uint32_t h1, const EncapTable& encap) noexcept {
  // 3. decap: the inner frame is what is kept (only it is copied)
  const bool decap = a.decap();
  const std::size_t base = decap ? pr.levels[0].tunnel.inner_offset : 0;
  layout_changed_ = decap;
  if (!rewrites(a)) {  // the inner frame as it is, or the frame itself
    out_ = frame.subspan(base);
    return;
  }
  std::size_t len = frame.size() - base;
  if (buf_.size() < kHeadroom + len) buf_.resize(kHeadroom + len);
  std::memcpy(buf_.data() + kHeadroom, frame.data() + base, len);
  std::size_t start = kHeadroom;
  const Level& lv = pr.levels[decap ? 1 : 0];

  // 4. L3/L4 rewrite, TTL
  rewrite_l3l4(buf_.data() + start, base, lv, a);

  // 5. MAC rewrite
  std::uint8_t* p = buf_.data() + start;
  if (a.set_dmac()) std::memcpy(p, a.dmac.data(), 6);
  if (a.set_smac()) std::memcpy(p + 6, a.smac.data(), 6);

  // 6. VLAN
  const bool tagged = lv.has_eth && lv.vlan_count > 0;
  VlanOp op = a.vlan_op();
  if (op == VlanOp::kRewrite && !tagged) op = VlanOp::kPush;
  switch (op) {
    case VlanOp::kPop:
      if (tagged) {
        std::memmove(p + 4, p, 12);
        start += 4;
        len -= 4;
        layout_changed_ = true;
      }
      break;
    case VlanOp::kPush:
      std::memmove(p - 4, p, 12);
      start -= 4;
      len += 4;
      store_be16(buf_.data() + start + 12, ethertype::kVlan);
      store_be16(buf_.data() + start + 14, a.vlan_tci);
      layout_changed_ = true;
      break;
    case VlanOp::kRewrite: store_be16(p + 14, a.vlan_tci); break;
    case VlanOp::kNone: break;
  }

  // 7. encap
  if (a.encap()) {
    const EncapTemplate& t = encap.get(a.encap_index);
    const std::size_t hl = encap_header_len(t);
    const std::size_t inner = len;
    start -= hl;
    len += hl;
    std::uint8_t* h = buf_.data() + start;
    std::memcpy(h, t.dmac.data(), 6);
    std::memcpy(h + 6, t.smac.data(), 6);
    h += 12;
    if (t.vlan_tci != 0) {
      store_be16(h, ethertype::kVlan);
      store_be16(h + 2, t.vlan_tci);
      h += 4;
    }
    const bool nvgre = t.tunnel() == EncapTunnel::kNvgre;
    const std::uint8_t proto = nvgre ? ipproto::kGre : ipproto::kUdp;
    const std::size_t after_ip = encap_tunnel_len(t) + inner;  // UDP length / IPv6 payload
    if (!t.ipv6()) {
      store_be16(h, ethertype::kIpv4);
      std::uint8_t* ip = h + 2;
      ip[0] = 0x45;
      ip[1] = 0;
      store_be16(ip + 2, static_cast<std::uint16_t>(20 + after_ip));
      store_be16(ip + 4, 0);
      store_be16(ip + 6, 0x4000);  // DF
      ip[8] = t.ttl;
      ip[9] = proto;
      store_be16(ip + 10, 0);
      std::memcpy(ip + 12, &t.sip[12], 4);
      std::memcpy(ip + 16, &t.dip[12], 4);
      store_be16(ip + 10, ipv4_header_checksum(ByteSpan(ip, 20)));
      h = ip + 20;
    } else {
      store_be16(h, ethertype::kIpv6);
      std::uint8_t* ip = h + 2;
      store_be32(ip, 0x60000000u);
      store_be16(ip + 4, static_cast<std::uint16_t>(after_ip));
      ip[6] = proto;
      ip[7] = t.ttl;
      std::memcpy(ip + 8, t.sip.data(), 16);
      std::memcpy(ip + 24, t.dip.data(), 16);
      h = ip + 40;
    }
    if (nvgre) {
      // GRE with K (RFC 7637): key = VSID << 8 | FlowID, FlowID = h1 & 0xFF.
      store_be16(h, 0x2000);
      store_be16(h + 2, ethertype::kTeb);
      store_be24(h + 4, t.vni & 0xFFFFFFu);
      h[7] = static_cast<std::uint8_t>(h1 & 0xFFu);
    } else {
      store_be16(h, static_cast<std::uint16_t>(0xC000u | (h1 & 0x3FFFu)));
      store_be16(h + 2, t.udp_dport);
      store_be16(h + 4, static_cast<std::uint16_t>(after_ip));
      store_be16(h + 6, 0);
      if (t.tunnel() == EncapTunnel::kGeneve) {
        // Version 0, no options, O and C clear, protocol Ethernet (RFC 8926).
        h[8] = 0;
        h[9] = 0;
        store_be16(h + 10, ethertype::kTeb);
      } else {
        h[8] = 0x08;  // VXLAN: I flag
        h[9] = h[10] = h[11] = 0;
      }
      store_be24(h + 12, t.vni & 0xFFFFFFu);
      h[15] = 0;
    }
    layout_changed_ = true;
  }
  out_ = ByteSpan(buf_.data() + start, len);
}

}  // namespace nicsim::model
