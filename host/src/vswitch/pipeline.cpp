// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/pipeline.hpp"

#include <stdexcept>

#include "nicsim/model/parse.hpp"

namespace nicsim::host::vswitch {

namespace {

Decision drop(std::string why, std::uint32_t eni = 0) {
  Decision d;
  d.kind = Decision::Kind::kDrop;
  d.reason = std::move(why);
  d.eni = eni;
  return d;
}

/// The 5-tuple of a parse level that has IP.
FlowTuple tuple_of(const model::Level& lv) {
  FlowTuple t;
  t.src = lv.ip.src;
  t.dst = lv.ip.dst;
  t.proto = lv.ip.proto;
  if (lv.has_l4 && !lv.ip.frag) {
    const bool icmp = lv.l4.kind == model::Layer::kIcmp || lv.l4.kind == model::Layer::kIcmpv6;
    t.sport = icmp ? 0 : lv.l4.sport;
    t.dport = icmp ? 0 : lv.l4.dport;
  }
  return t;
}

}  // namespace

const char* to_string(RouteType t) noexcept {
  switch (t) {
    case RouteType::kVnet: return "vnet";
    case RouteType::kVnetDirect: return "vnet_direct";
    case RouteType::kDirect: return "direct";
    case RouteType::kDrop: return "drop";
  }
  return "?";
}

std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame) {
  const model::ParseResult pr = model::Parser().parse(frame);
  if (!pr.ok() || pr.depth == 0) return std::nullopt;
  const model::Level& outer = pr.levels[0];
  PacketInfo p;
  const bool vxlan = outer.has_tunnel && outer.tunnel.type == model::TunnelType::kVxlan &&
                     pr.depth >= 2;
  const model::Level& lv = vxlan ? pr.levels[1] : outer;
  if (!lv.has_eth || !lv.has_ip) return std::nullopt;
  p.src_mac = lv.eth.src;
  p.dst_mac = lv.eth.dst;
  p.tuple = tuple_of(lv);
  if (lv.has_l4 && lv.l4.kind == model::Layer::kTcp) p.tcp_flags = lv.l4.tcp_flags;
  if (vxlan) {
    p.vxlan = true;
    p.vni = outer.tunnel.vni & 0xFFFFFFu;
    p.outer_src = outer.ip.src;
    p.outer_dst = outer.ip.dst;
  }
  return p;
}

Eni& Pipeline::eni(std::uint32_t id) {
  if (id == 0) throw std::invalid_argument("ENI ids start at 1 (0 means none)");
  return enis_[id];
}

const Eni* Pipeline::find_eni(std::uint32_t id) const {
  const auto it = enis_.find(id);
  return it == enis_.end() ? nullptr : &it->second;
}

std::optional<std::uint32_t> Pipeline::eni_by_mac(const model::MacAddr& mac,
                                                  std::optional<std::uint32_t> vnet) const {
  for (const auto& [id, e] : enis_) {
    if (e.mac == mac && (!vnet || e.vnet == *vnet)) return id;
  }
  return std::nullopt;
}

const CaPaMapping* Pipeline::mapping(std::uint32_t vnet, const model::IpAddr& ca) const {
  const auto v = vnets_.find(vnet);
  if (v == vnets_.end()) return nullptr;
  const auto m = v->second.mappings.find(ca);
  return m == v->second.mappings.end() ? nullptr : &m->second;
}

Decision Pipeline::outbound(const PacketInfo& p) const {
  const auto id = eni_by_mac(p.src_mac, std::nullopt);
  if (!id) return drop("no_eni");
  const Eni& e = enis_.at(*id);
  if (!e.admin_up) return drop("eni_down", *id);
  const AclVerdict acl = e.outbound_acl.evaluate(p.tuple);
  if (!acl.allow) {
    Decision d = drop("acl", *id);
    d.acl = acl;
    return d;
  }
  const OutboundRoute* r = e.routes.lookup(p.tuple.dst);
  if (r == nullptr) return drop("route_miss", *id);
  Decision d;
  d.eni = *id;
  d.acl = acl;
  switch (r->type) {
    case RouteType::kDrop: {
      Decision x = drop("route_drop", *id);
      x.acl = acl;
      return x;
    }
    case RouteType::kDirect:
      d.kind = Decision::Kind::kDirect;
      return d;
    case RouteType::kVnet:
    case RouteType::kVnetDirect: {
      const std::uint32_t vnet = r->vnet != 0 ? r->vnet : e.vnet;
      const model::IpAddr ca =
          r->type == RouteType::kVnetDirect && r->overlay_ip ? *r->overlay_ip : p.tuple.dst;
      const CaPaMapping* m = mapping(vnet, ca);
      if (m == nullptr) {
        Decision x = drop("mapping_miss", *id);
        x.acl = acl;
        return x;
      }
      d.kind = Decision::Kind::kEncap;
      d.vni = vnets_.at(vnet).vni;
      d.outer_src = pa_;
      d.outer_dst = m->underlay_ip;
      d.inner_dmac = m->overlay_mac;
      return d;
    }
  }
  return drop("route_miss", *id);
}

Decision Pipeline::inbound(const PacketInfo& p) const {
  if (!p.vxlan) return drop("not_vxlan");
  if (!(p.outer_dst == vip_)) return drop("wrong_vip");
  const auto id = eni_by_mac(p.dst_mac, std::nullopt);
  if (!id) return drop("no_eni");
  const Eni& e = enis_.at(*id);
  if (!e.admin_up) return drop("eni_down", *id);
  const InboundRoute* route = nullptr;  // exact VNI, source prefix, lowest priority
  for (const InboundRoute& r : e.inbound_routes) {
    if (r.vni == p.vni && r.sip.contains(p.outer_src) &&
        (route == nullptr || r.priority < route->priority)) {
      route = &r;
    }
  }
  if (route == nullptr) return drop("inbound_route_miss", *id);
  if (route->pa_validate) {
    const auto v = vnets_.find(route->src_vnet);
    if (v == vnets_.end() || v->second.valid_pas.count(p.outer_src) == 0) {
      return drop("pa_validation", *id);
    }
  }
  const AclVerdict acl = e.inbound_acl.evaluate(p.tuple);
  if (!acl.allow) {
    Decision d = drop("acl", *id);
    d.acl = acl;
    return d;
  }
  Decision d;
  d.kind = Decision::Kind::kToVnic;
  d.eni = *id;
  d.decap = true;
  d.vport = e.vport;
  d.acl = acl;
  return d;
}

}  // namespace nicsim::host::vswitch
