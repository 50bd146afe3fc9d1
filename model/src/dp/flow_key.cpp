// SPDX-License-Identifier: MIT
#include "nicsim/model/flow_key.hpp"

#include <algorithm>
#include <cstring>

#include "nicsim/model/headers.hpp"

namespace nicsim::model {

void build_flow_key(ByteSpan frame, const ParseResult& pr, std::uint8_t src_vport, FlowKey& key,
                    std::uint32_t window) noexcept {
  key.fill(0);
  key[0] = src_vport;
  const std::size_t li = key_level(pr);
  const Level& lv = pr.levels[li];
  std::uint8_t tun = 0;
  std::uint32_t tun_id = 0;
  if (li == 1) {
    const TunnelInfo& t = pr.levels[0].tunnel;
    tun = spec_tun_type(t.type);
    tun_id = t.has_vni ? (t.vni & 0xFFFFFFu) : 0;
  } else if (lv.has_eth && lv.vlan_count > 0) {
    tun = 1;
    tun_id = lv.vlans[0].vid;
  }
  std::uint8_t l3 = 0;
  if (lv.has_ip) l3 = lv.ip.version == 4 ? 1 : 2;
  key[1] = static_cast<std::uint8_t>((l3 << 6) | (tun << 3));
  store_be24(&key[2], tun_id);
  if (lv.has_ip) {
    const IpInfo& ip = lv.ip;
    key[5] = ip.proto;
    if (ip.version == 4) {
      std::memcpy(&key[22], &frame[ip.offset + 12], 4);
      std::memcpy(&key[38], &frame[ip.offset + 16], 4);
    } else {
      std::memcpy(&key[10], &frame[ip.offset + 8], 32);
    }
    if (!ip.frag && lv.has_l4) {
      const L4Info& l4 = lv.l4;
      if (l4.kind == Layer::kTcp || l4.kind == Layer::kUdp) {
        store_be16(&key[6], l4.sport);
        store_be16(&key[8], l4.dport);
      } else {  // ICMP, ICMPv6
        key[6] = l4.icmp_type;
        key[7] = l4.icmp_code;
        const bool echo = l4.kind == Layer::kIcmp
                              ? (l4.icmp_type == 8 || l4.icmp_type == 0)
                              : (l4.icmp_type == 128 || l4.icmp_type == 129);
        const std::size_t id_end = std::size_t{l4.offset} + 6;
        if (echo && id_end <= ip.offset + ip.total_len && id_end <= window &&
            id_end <= frame.size())
          std::memcpy(&key[8], &frame[l4.offset + 4], 2);
      }
    }
  } else if (lv.has_eth) {
    store_be16(&key[8], lv.eth.type);
  }
}

void build_tcam_key(const FlowKey& key, const ParseResult& pr, TcamKey& tkey) noexcept {
  std::memcpy(tkey.data(), key.data(), kKeyBytes);
  const Level& lv = pr.levels[key_level(pr)];
  if (lv.has_eth) {
    std::memcpy(&tkey[42], lv.eth.dst.bytes().data(), 6);
    std::memcpy(&tkey[48], lv.eth.src.bytes().data(), 6);
    store_be16(&tkey[54], lv.eth.type);
  } else {
    std::memset(&tkey[42], 0, 14);
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
