// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/frame_rule.hpp"

#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"

namespace nicsim::host::vswitch {

namespace {

/// The items that describe one parse level's headers. `keyed`: this level feeds the key (its
/// addresses, protocol and ports are matched exactly); otherwise only its structure.
/// `outer_of_tunnel`: level 0 of a tunnelled frame (its UDP port names the tunnel).
void level_items(const model::Level& lv, bool keyed, bool outer_of_tunnel, bool level0,
                 std::vector<FlowItem>& out) {
  if (lv.has_eth) {
    const bool non_ip = keyed && !lv.has_ip;
    ItemEth eth;
    if (non_ip && lv.vlan_count == 0) eth = {{EthHdr{{}, {}, lv.eth.type}, EthHdr{{}, {}, 0xFFFF}}};
    out.emplace_back(eth);
    for (unsigned i = 0; i < lv.vlan_count; ++i) {
      ItemVlan v;
      // An untunnelled frame's outermost VID is its key's tun_id; other tags are structure.
      if (keyed && level0 && i == 0) v = {{VlanHdr{lv.vlans[0].vid, 0}, VlanHdr{0x0FFF, 0}}};
      if (non_ip && i + 1 == lv.vlan_count) {
        VlanHdr s = v.spec.value_or(VlanHdr{}), m = v.mask.value_or(VlanHdr{0, 0});
        s.inner_type = lv.eth.type;
        m.inner_type = 0xFFFF;
        v = {{s, m}};
      }
      out.emplace_back(v);
    }
  }
  if (lv.has_ip) {
    const model::IpInfo& ip = lv.ip;
    if (ip.version == 4) {
      ItemIpv4 it;
      if (keyed) {
        it = {{Ipv4Hdr{ip.src.v4().value(), ip.dst.v4().value(), ip.proto, 0, 0, 0},
               Ipv4Hdr{0xFFFFFFFF, 0xFFFFFFFF, 0xFF, 0, 0, 0}}};
      }
      out.emplace_back(it);
    } else {
      ItemIpv6 it;
      if (keyed) {
        Ipv6Hdr s, m;
        s.src = ip.src.v6().bytes();
        s.dst = ip.dst.v6().bytes();
        s.proto = ip.proto;
        m.src.fill(0xFF);
        m.dst.fill(0xFF);
        m.proto = 0xFF;
        it = {{s, m}};
      }
      out.emplace_back(it);
    }
    if (!lv.has_l4 || (keyed && ip.frag)) return;  // fragments: no ports in the key
    const model::L4Info& l4 = lv.l4;
    switch (l4.kind) {
      case model::Layer::kTcp: {
        ItemTcp t;
        if (keyed) t = {{TcpHdr{l4.sport, l4.dport, 0}, TcpHdr{0xFFFF, 0xFFFF, 0}}};
        out.emplace_back(t);
        break;
      }
      case model::Layer::kUdp: {
        ItemUdp u;
        if (keyed) u = {{UdpHdr{l4.sport, l4.dport}, UdpHdr{0xFFFF, 0xFFFF}}};
        if (!keyed && outer_of_tunnel) u = {{UdpHdr{0, l4.dport}, UdpHdr{0, 0xFFFF}}};
        out.emplace_back(u);
        break;
      }
      default: {  // ICMP / ICMPv6: type and code; the echo identifier is in the key too
        const bool v6 = l4.kind == model::Layer::kIcmpv6;
        if (!keyed) break;
        Item<IcmpHdr> base{IcmpHdr{l4.icmp_type, l4.icmp_code, 0}, IcmpHdr{0xFF, 0xFF, 0}};
        if (v6) {
          out.emplace_back(ItemIcmpv6{base});
        } else {
          out.emplace_back(ItemIcmp{base});
        }
        break;
      }
    }
  }
}

}  // namespace

std::optional<FlowRule> rule_of_frame(std::span<const std::uint8_t> frame, unsigned src_vport) {
  model::ParseResult pr;
  model::Parser().parse(frame, pr);
  return rule_of_frame(frame, src_vport, pr);
}

std::optional<FlowRule> rule_of_frame(std::span<const std::uint8_t> frame, unsigned src_vport,
                                      const model::ParseResult& pr) {
  if (model::parse_failed(pr, model::kDefaultParseWindow)) return std::nullopt;
  FlowRule r;
  r.pattern.reserve(8);  // one allocation: a tunnelled frame's stack is 7 items, VLANs aside
  r.attr.ingress_vport = src_vport;
  const std::size_t key_level = model::key_level(pr);
  if (key_level == 1) {
    const model::Level& outer = pr.levels[0];
    level_items(outer, false, true, true, r.pattern);
    const model::TunnelInfo& t = outer.tunnel;
    const std::uint32_t id = t.has_vni ? (t.vni & 0xFFFFFFu) : 0;
    switch (t.type) {
      case model::TunnelType::kVxlan:
        r.pattern.emplace_back(ItemVxlan{{TunHdr{id}, TunHdr{0xFFFFFF}}});
        break;
      case model::TunnelType::kGeneve:
        r.pattern.emplace_back(ItemGeneve{{TunHdr{id}, TunHdr{0xFFFFFF}}});
        break;
      case model::TunnelType::kNvgre:
        r.pattern.emplace_back(ItemNvgre{{TunHdr{id}, TunHdr{0xFFFFFF}}});
        break;
      case model::TunnelType::kGre:
        r.pattern.emplace_back(ItemGre{{GreHdr{id, 0}, GreHdr{0xFFFFFF, 0}}});
        break;
      case model::TunnelType::kNone:
        return std::nullopt;
    }
  }
  level_items(pr.levels[key_level], true, false, key_level == 0, r.pattern);
  // The exact key also fixes the ICMP echo identifier: take it from the key the NIC builds.
  const model::Level& kl = pr.levels[key_level];
  if (kl.has_l4 && !kl.ip.frag &&
      (kl.l4.kind == model::Layer::kIcmp || kl.l4.kind == model::Layer::kIcmpv6)) {
    const model::FlowKey key = model::flow_key_of(frame, static_cast<std::uint8_t>(src_vport));
    const auto ident = static_cast<std::uint16_t>(fmt::flow_key::DPORT.load(key.data()));
    auto patch = [&](auto& it) {
      if (it.spec) {
        it.spec->ident = ident;
        it.mask->ident = 0xFFFF;
      }
    };
    const bool echo = kl.l4.kind == model::Layer::kIcmp
                          ? (kl.l4.icmp_type == 8 || kl.l4.icmp_type == 0)
                          : (kl.l4.icmp_type == 128 || kl.l4.icmp_type == 129);
    if (echo) {
      if (auto* i4 = std::get_if<ItemIcmp>(&r.pattern.back())) patch(*i4);
      if (auto* i6 = std::get_if<ItemIcmpv6>(&r.pattern.back())) patch(*i6);
    }
  }
  return r;
}


}  // namespace nicsim::host::vswitch
