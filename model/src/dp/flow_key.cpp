// SPDX-License-Identifier: MIT
#include "nicsim/model/flow_key.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "nicsim/model/headers.hpp"

namespace nicsim::model {

namespace {
std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);
  return v;
}
std::uint16_t load16(const std::uint8_t* p) noexcept {
  std::uint16_t v = 0;
  std::memcpy(&v, p, 2);
  return v;
}
}  // namespace

void build_flow_key(ByteSpan frame, const ParseResult& pr, std::uint8_t src_vport, FlowKey& key,
                    std::uint32_t window) noexcept {
  namespace K = fmt::flow_key;
  // Layout (rtl/formats.yaml flow_key): VPORT 0, TYPES 1, TUN_ID 2..4, PROTO 5, SPORT 6..7,
  // DPORT 8..9 (big-endian), SRC 10..25, DST 26..41 (IPv4 in the last 4 bytes of each).
  static_assert(K::VPORT.offset == 0 && K::TYPES.offset == 1 && K::TUN_ID.offset == 2 &&
                K::TUN_ID.size == 3 && K::PROTO.offset == 5 && K::SPORT.offset == 6 &&
                K::DPORT.offset == 8 && K::SRC.offset == 10 && K::DST.offset == 26 &&
                kKeyBytes == 42);
  const std::size_t li = key_level(pr);
  const Level& lv = pr.levels[li];
  fmt::TunType tun = fmt::TunType::kNone;
  std::uint32_t tun_id = 0;
  if (li == 1) {
    const TunnelInfo& t = pr.levels[0].tunnel;
    tun = spec_tun_type(t.type);
    tun_id = t.has_vni ? (t.vni & 0xFFFFFFu) : 0;
  } else if (lv.has_eth && lv.vlan_count > 0) {
    tun = fmt::TunType::kVlan;
    tun_id = lv.vlans[0].vid;
  }
  fmt::L3Type l3 = fmt::L3Type::kNone;
  if (lv.has_ip) l3 = lv.ip.version == 4 ? fmt::L3Type::kIpv4 : fmt::L3Type::kIpv6;
  const auto types = static_cast<std::uint8_t>(
      K::TUN.with(K::L3.with(0, static_cast<std::uint64_t>(l3)), static_cast<std::uint64_t>(tun)));
  std::uint8_t proto = 0;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  const std::uint8_t* src = nullptr;  // the addresses in the frame (4 or 16 bytes each)
  const std::uint8_t* dst = nullptr;
  bool v6 = false;
  if (lv.has_ip) {
    const IpInfo& ip = lv.ip;
    proto = ip.proto;
    v6 = ip.version != 4;
    src = &frame[ip.offset + (v6 ? 8 : 12)];
    dst = &frame[ip.offset + (v6 ? 24 : 16)];
    if (!ip.frag && lv.has_l4) {
      const L4Info& l4 = lv.l4;
      if (l4.kind == Layer::kTcp || l4.kind == Layer::kUdp) {
        sport = l4.sport;
        dport = l4.dport;
      } else {  // ICMP, ICMPv6: type * 256 + code, echo identifier
        sport = static_cast<std::uint16_t>(std::uint32_t{l4.icmp_type} << 8 | l4.icmp_code);
        const bool echo = l4.kind == Layer::kIcmp
                              ? (l4.icmp_type == 8 || l4.icmp_type == 0)
                              : (l4.icmp_type == 128 || l4.icmp_type == 129);
        const std::size_t id_end = std::size_t{l4.offset} + 6;
        if (echo && id_end <= ip.offset + ip.total_len && id_end <= window &&
            id_end <= frame.size())
          dport = load_be16(&frame[l4.offset + 4]);
      }
    }
  } else if (lv.has_eth) {
    dport = lv.eth.type;
  }
  if constexpr (std::endian::native == std::endian::little) {
    // Five 8-byte words and a 2-byte tail, assembled in registers and stored once each, so
    // that the loads of the hash and the lookup that follow are forwarded from the stores.
    const auto be16 = [](std::uint16_t v) { return std::uint64_t{__builtin_bswap16(v)}; };
    std::uint64_t w[5];
    std::uint16_t tail = 0;
    w[0] = std::uint64_t{src_vport} | std::uint64_t{types} << 8 |
           std::uint64_t{__builtin_bswap32(tun_id) >> 8} << 16 | std::uint64_t{proto} << 40 |
           be16(sport) << 48;
    w[1] = be16(dport);
    w[2] = 0;
    w[3] = 0;
    w[4] = 0;
    if (src != nullptr && v6) {  // SRC 10..25, DST 26..41: 16 bytes each
      const std::uint64_t s0 = load64(src);
      const std::uint64_t s1 = load64(src + 8);
      const std::uint64_t d0 = load64(dst);
      const std::uint64_t d1 = load64(dst + 8);
      w[1] |= s0 << 16;
      w[2] = s0 >> 48 | s1 << 16;
      w[3] = s1 >> 48 | d0 << 16;
      w[4] = d0 >> 48 | d1 << 16;
      tail = static_cast<std::uint16_t>(d1 >> 48);
    } else if (src != nullptr) {  // IPv4: SRC 22..25, DST 38..41
      w[2] = std::uint64_t{load16(src)} << 48;
      w[3] = load16(src + 2);
      w[4] = std::uint64_t{load16(dst)} << 48;
      tail = load16(dst + 2);
    }
    // Word by word from registers (one 40-byte copy would go through the stack, its 16-byte
    // loads stalled by the 8-byte stores before them).
    std::uint8_t* k = key.data();
    const std::uint64_t w0 = w[0];
    const std::uint64_t w1 = w[1];
    const std::uint64_t w2 = w[2];
    const std::uint64_t w3 = w[3];
    const std::uint64_t w4 = w[4];
    std::memcpy(k, &w0, 8);
    std::memcpy(k + 8, &w1, 8);
    std::memcpy(k + 16, &w2, 8);
    std::memcpy(k + 24, &w3, 8);
    std::memcpy(k + 32, &w4, 8);
    std::memcpy(k + 40, &tail, 2);
  } else {
    std::uint8_t* k = key.data();
    key.fill(0);
    k[0] = src_vport;
    k[1] = types;
    store_be24(k + 2, tun_id);
    k[5] = proto;
    store_be16(k + 6, sport);
    store_be16(k + 8, dport);
    if (src != nullptr) {
      const std::size_t n = v6 ? 16 : 4;
      std::memcpy(k + K::SRC.offset + 16 - n, src, n);
      std::memcpy(k + K::DST.offset + 16 - n, dst, n);
    }
  }
}

void build_tcam_key(const FlowKey& key, const ParseResult& pr, TcamKey& tkey) noexcept {
  namespace T = fmt::tcam_key;
  std::uint8_t* t = tkey.data();
  std::memcpy(t + T::FLOW_KEY.offset, key.data(), kKeyBytes);
  const Level& lv = pr.levels[key_level(pr)];
  if (lv.has_eth) {
    std::memcpy(t + T::DMAC.offset, lv.eth.dst.bytes().data(), T::DMAC.size);
    std::memcpy(t + T::SMAC.offset, lv.eth.src.bytes().data(), T::SMAC.size);
    T::ETYPE.store(t, lv.eth.type);
  } else {
    std::memset(t + T::DMAC.offset, 0, kTcamKeyBytes - T::DMAC.offset);
  }
}

FlowKey flow_key_of(ByteSpan frame, std::uint8_t src_vport, const ParserConfig& cfg) {
  ParseResult pr;
  Parser(cfg).parse(frame, pr);
  FlowKey k{};
  build_flow_key(frame, pr, src_vport, k, 0xFFFFFFFFu);
  return k;
}

bool parse_failed(const ParseResult& pr, std::uint32_t window) noexcept {
  const std::size_t n = std::min<std::size_t>(pr.depth, 2);
  for (std::size_t i = 0; i < n; ++i) {
    const Level& lv = pr.levels[i];
    if (!lv.error.ok()) return true;
    std::size_t end = 0;
    if (lv.has_eth) end = lv.eth.offset + 14u + 4u * lv.vlan_count;
    if (lv.has_arp) end = std::max<std::size_t>(end, lv.arp.offset + (lv.arp.eth_ipv4 ? 28u : 8u));
    if (lv.has_ip) end = std::max<std::size_t>(end, std::size_t{lv.ip.offset} + lv.ip.header_len);
    if (lv.has_l4) end = std::max<std::size_t>(end, std::size_t{lv.l4.offset} + lv.l4.header_len);
    if (lv.has_tunnel)
      end = std::max<std::size_t>(end, std::size_t{lv.tunnel.offset} + lv.tunnel.header_len);
    if (end > window) return true;
  }
  return false;
}

}  // namespace nicsim::model
