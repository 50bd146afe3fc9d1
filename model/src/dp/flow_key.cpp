// SPDX-License-Identifier: MIT
#include "nicsim/model/flow_key.hpp"

#include <algorithm>
#include <cstring>

#include "nicsim/model/headers.hpp"

namespace nicsim::model {

void build_flow_key(ByteSpan frame, const ParseResult& pr, std::uint8_t src_vport, FlowKey& key,
                    std::uint32_t window) noexcept {
  namespace K = fmt::flow_key;
  // The fields are gathered first and written once, byte by byte at their fixed offsets
  // (rtl/formats.yaml flow_key: VPORT 0, TYPES 1, TUN_ID 2..4, PROTO 5, SPORT 6..7, DPORT 8..9,
  // SRC 10..25, DST 26..41; checked below).
  static_assert(K::VPORT.offset == 0 && K::TYPES.offset == 1 && K::TUN_ID.offset == 2 &&
                K::TUN_ID.size == 3 && K::PROTO.offset == 5 && K::SPORT.offset == 6 &&
                K::DPORT.offset == 8 && K::SRC.offset == 10 && K::DST.offset == 26 &&
                kKeyBytes == 42);
  std::uint8_t* k = key.data();
  key.fill(0);
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
  k[0] = src_vport;
  k[1] = static_cast<std::uint8_t>(
      K::TUN.with(K::L3.with(0, static_cast<std::uint64_t>(l3)), static_cast<std::uint64_t>(tun)));
  store_be24(k + 2, tun_id);
  if (lv.has_ip) {
    const IpInfo& ip = lv.ip;
    k[5] = ip.proto;
    if (ip.version == 4) {  // IPv4 addresses in the last 4 bytes of each address field
      std::memcpy(k + K::SRC.offset + 12, &frame[ip.offset + 12], 4);
      std::memcpy(k + K::DST.offset + 12, &frame[ip.offset + 16], 4);
    } else {
      std::memcpy(k + K::SRC.offset, &frame[ip.offset + 8], 16);
      std::memcpy(k + K::DST.offset, &frame[ip.offset + 24], 16);
    }
    if (!ip.frag && lv.has_l4) {
      const L4Info& l4 = lv.l4;
      if (l4.kind == Layer::kTcp || l4.kind == Layer::kUdp) {
        store_be16(k + 6, l4.sport);
        store_be16(k + 8, l4.dport);
      } else {  // ICMP, ICMPv6: type * 256 + code, echo identifier
        k[6] = l4.icmp_type;
        k[7] = l4.icmp_code;
        const bool echo = l4.kind == Layer::kIcmp
                              ? (l4.icmp_type == 8 || l4.icmp_type == 0)
                              : (l4.icmp_type == 128 || l4.icmp_type == 129);
        const std::size_t id_end = std::size_t{l4.offset} + 6;
        if (echo && id_end <= ip.offset + ip.total_len && id_end <= window &&
            id_end <= frame.size())
          std::memcpy(k + K::DPORT.offset, &frame[l4.offset + 4], 2);
      }
    }
  } else if (lv.has_eth) {
    store_be16(k + 8, lv.eth.type);
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
