// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/pipeline.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>

#include "nicsim/model/parse.hpp"

namespace nicsim::host::vswitch {

namespace {

Decision drop(Direction dir, std::string why, std::uint32_t eni = 0) {
  Decision d;
  d.kind = Decision::Kind::kDrop;
  d.direction = dir;
  d.reason = std::move(why);
  d.eni = eni;
  return d;
}

Decision acl_drop(Direction dir, std::uint32_t eni, const AclVerdict& acl) {
  Decision d = drop(dir, "acl", eni);
  d.acl = acl;
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

/// The value of `id` in `m`, or null.
template <class Map>
auto* find_in(Map& m, std::uint32_t id) {
  const auto it = m.find(id);
  return it == m.end() ? nullptr : &it->second;
}

/// `id`, which must not be 0 (0 means "none" where the ids are referred to).
std::uint32_t nonzero(std::uint32_t id, const char* what) {
  if (id == 0) throw std::invalid_argument(std::string(what) + " ids start at 1 (0 means none)");
  return id;
}

bool any_group(const AclStages& s) {
  for (unsigned i = 0; i < AclStages::kStages; ++i) {
    if (s.group(i) != nullptr) return true;
  }
  return false;
}

std::string range_name(const PortRange& r) {
  return std::to_string(r.lo) + "-" + std::to_string(r.hi);
}

}  // namespace

const char* to_string(Direction d) noexcept {
  return d == Direction::kOutbound ? "outbound" : "inbound";
}

const char* to_string(RouteType t) noexcept {
  switch (t) {
    case RouteType::kVnet: return "vnet";
    case RouteType::kVnetDirect: return "vnet_direct";
    case RouteType::kDirect: return "direct";
    case RouteType::kDrop: return "drop";
    case RouteType::kContext: return "context";
    case RouteType::kTether: return "tether";
  }
  return "?";
}

const char* to_string(Relocation::Role r) noexcept {
  return r == Relocation::Role::kAnchor ? "anchor" : "tether";
}

bool Relocation::relocated(const model::IpAddr& a) const {
  return std::any_of(subnets.begin(), subnets.end(),
                     [&](const IpPrefix& p) { return p.contains(a); });
}

const MeterRule* MeterPolicy::match(const model::IpAddr& a) const {
  const MeterRule* best = nullptr;
  for (const MeterRule& r : rules) {
    if (r.prefix.contains(a) && (best == nullptr || r.priority < best->priority)) best = &r;
  }
  return best;
}

const AclStages& Eni::acl(Direction d, bool ipv6) const {
  const bool out = d == Direction::kOutbound;
  if (ipv6 && any_group(out ? outbound_acl_v6 : inbound_acl_v6)) {
    return out ? outbound_acl_v6 : inbound_acl_v6;
  }
  return out ? outbound_acl : inbound_acl;
}

std::uint64_t Eni::acl_version(Direction d) const {
  // Both grow monotonically, so their sum changes whenever either does.
  return d == Direction::kOutbound ? outbound_acl.version() + outbound_acl_v6.version()
                                   : inbound_acl.version() + inbound_acl_v6.version();
}

std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame) {
  return packet_info(frame, 0);
}

std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame, unsigned src_vport) {
  model::ParseResult pr;
  return packet_info(frame, src_vport, pr);
}

std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame, unsigned src_vport,
                                      model::ParseResult& pr) {
  model::Parser().parse(frame, pr);
  if (pr.depth == 0) return std::nullopt;
  const model::Level& outer = pr.levels[0];
  // From a VNIC only the VM's own headers count (what it tunnels is its payload).
  // From the wire the overlay's tunnels (VXLAN, NVGRE, Geneve: Ethernet inside) are opened.
  const model::TunnelType tt = outer.has_tunnel ? outer.tunnel.type : model::TunnelType::kNone;
  const bool tunnelled = src_vport == 0 && pr.depth >= 2 && pr.levels[1].has_eth &&
                         (tt == model::TunnelType::kVxlan || tt == model::TunnelType::kNvgre ||
                          tt == model::TunnelType::kGeneve);
  if (src_vport == 0 ? !pr.ok() : !outer.error.ok()) return std::nullopt;
  const model::Level& lv = tunnelled ? pr.levels[1] : outer;
  if (!lv.has_eth || !lv.has_ip) return std::nullopt;
  PacketInfo p;
  p.src_mac = lv.eth.src;
  p.dst_mac = lv.eth.dst;
  p.tuple = tuple_of(lv);
  p.overlay_len = static_cast<std::uint32_t>(frame.size() - lv.offset);
  if (lv.has_l4 && lv.l4.kind == model::Layer::kTcp) p.tcp_flags = lv.l4.tcp_flags;
  if (tunnelled) {
    p.tunnelled = true;
    p.tunnel = tt;
    p.vni = outer.tunnel.vni & 0xFFFFFFu;
    p.outer_src = outer.ip.src;
    p.outer_dst = outer.ip.dst;
    if (outer.has_l4 && outer.l4.kind == model::Layer::kUdp) p.outer_sport = outer.l4.sport;
  }
  return p;
}

std::size_t Pipeline::MacHash::operator()(const model::MacAddr& m) const noexcept {
  std::uint64_t v = 0;
  for (const std::uint8_t b : m.bytes()) v = v << 8 | b;
  return std::hash<std::uint64_t>{}(v);
}

std::optional<Direction> Pipeline::direction_of(const PacketInfo& p, unsigned src_vport) const {
  if (src_vport != 0) return Direction::kOutbound;
  if (!p.tunnelled) {
    // Untunnelled from the wire: a reply to a source-NATed connection, if it is for one of the
    // NAT addresses (the flow cache knows which connection).
    for (const auto& [id, e] : enis_) {
      if (e.snat && e.snat->public_ip == p.tuple.dst) return Direction::kInbound;
      for (const Dnat& n : e.dnat) {
        if (n.public_ip == p.tuple.dst) return Direction::kInbound;
      }
    }
    return std::nullopt;
  }
  // The relocation tunnel carries the relocated nodes' traffic: outbound, as DASH's appliance
  // takes a remote VM's.
  if (from_tether(p)) return Direction::kOutbound;
  const auto it = directions_.find(p.vni);
  return it == directions_.end() ? Direction::kInbound : it->second;
}

const Vnet* Pipeline::find_vnet(std::uint32_t id) const { return find_in(vnets_, id); }

Eni& Pipeline::eni(std::uint32_t id) { return enis_[nonzero(id, "ENI")]; }

const Eni* Pipeline::find_eni(std::uint32_t id) const { return find_in(enis_, id); }

bool Pipeline::remove_eni(std::uint32_t id) {
  if (enis_.erase(id) == 0) return false;
  std::erase_if(macs_, [id](const auto& kv) { return kv.second == id; });
  std::erase_if(buckets_, [id](const auto& kv) { return kv.first >> 32 == id; });
  return true;
}

OutboundRoutingGroup& Pipeline::routing_group(std::uint32_t id) {
  return groups_[nonzero(id, "routing group")];
}

const OutboundRoutingGroup* Pipeline::find_routing_group(std::uint32_t id) const {
  return find_in(groups_, id);
}

void Pipeline::add_trusted_vni(VniRange r) {
  trusted_.push_back(r);
  trusted_check_ = true;
}

bool Pipeline::remove_trusted_vni(VniRange r) {
  const auto it = std::find(trusted_.begin(), trusted_.end(), r);
  if (it == trusted_.end()) return false;
  trusted_.erase(it);
  return true;
}

MeterPolicy& Pipeline::meter_policy(std::uint32_t id) {
  return meters_[nonzero(id, "meter policy")];
}

const MeterPolicy* Pipeline::find_meter_policy(std::uint32_t id) const {
  return find_in(meters_, id);
}

std::optional<std::uint32_t> Pipeline::eni_by_mac(const model::MacAddr& mac) const {
  if (const auto it = macs_.find(mac); it != macs_.end()) return it->second;
  if (mac == model::MacAddr{}) return std::nullopt;  // the MAC of ENIs that have none
  for (const auto& [id, e] : enis_) {
    if (e.mac == mac) return id;
  }
  return std::nullopt;
}

const CaPaMapping* Pipeline::mapping(std::uint32_t vnet, const model::IpAddr& ca) const {
  const Vnet* v = find_vnet(vnet);
  if (v == nullptr) return nullptr;
  const auto m = v->mappings.find(ca);
  return m == v->mappings.end() ? nullptr : &m->second;
}

bool Pipeline::trusted(const Eni& e, std::uint32_t vni) const {
  if (!trusted_check_) return true;
  const auto in = [vni](const VniRange& r) { return r.contains(vni); };
  return std::any_of(trusted_.begin(), trusted_.end(), in) ||
         std::any_of(e.trusted_vnis.begin(), e.trusted_vnis.end(), in);
}

std::uint32_t Pipeline::meter_class(const Eni& e, std::uint32_t cls,
                                    const model::IpAddr& lookup) const {
  if (cls != 0) return cls;
  const MeterPolicy* mp = find_meter_policy(lookup.is_v6() ? e.meter_policy_v6 : e.meter_policy_v4);
  if (mp == nullptr) return 0;
  const MeterRule* r = mp->match(lookup);
  return r == nullptr ? 0 : r->meter_class;
}

MirrorSession& Pipeline::mirror_session(std::uint32_t id) {
  return mirrors_[nonzero(id, "mirror session")];
}

const MirrorSession* Pipeline::find_mirror_session(std::uint32_t id) const {
  return find_in(mirrors_, id);
}

Decision Pipeline::outbound(const PacketInfo& p) const {
  if (from_tether(p)) {
    // Made for the tunnel's current far end, drops included (else a stale end's drop flow
    // would keep the tether out): from another, the NIC hands the frame to the host
    // (check_osrc).
    Decision d = anchor_outbound(p);
    d.underlay_src = p.outer_src;
    return d;
  }
  return mirrored(p.tuple, route_outbound(p));
}

Decision Pipeline::inbound(const PacketInfo& p) const {
  std::optional<Decision> reloc = anchor_inbound(p);
  Decision d = reloc ? std::move(*reloc) : mirrored(p.tuple, route_inbound(p));
  if (p.tunnelled) d.underlay_src = p.outer_src;  // what the decision depended on
  return d;
}

void Pipeline::set_relocation(Relocation r) {
  const std::string what = std::string("relocation (") + to_string(r.role) + "): ";
  const Vnet* v = find_vnet(r.vnet);
  if (v == nullptr) {
    throw RelocationError(what + "VNET " + std::to_string(r.vnet) + " does not exist");
  }
  if (r.subnets.empty()) throw RelocationError(what + "no subnet is relocated");
  if (r.port == 0) throw RelocationError(what + "the tunnel's UDP port is 0");
  if (r.vni == v->vni) {
    throw RelocationError(what + "the tunnel's VNI " + std::to_string(r.vni) + " is VNET " +
                          std::to_string(r.vnet) + "'s own");
  }
  if (r.role == Relocation::Role::kTether && !r.anchor) {
    throw RelocationError(what + "a tether needs the anchor's address");
  }
  if (r.role == Relocation::Role::kTether && r.anchor->version() != pa_.version()) {
    throw RelocationError(what + "the anchor's address is not of the underlay's family");
  }
  relocation_ = std::move(r);
}

bool Pipeline::learn_tether(const TunnelEndpoint& at) {
  if (!relocation_ || relocation_->role != Relocation::Role::kAnchor) return false;
  if (relocation_->tether == at) return false;
  relocation_->tether = at;
  return true;
}

bool Pipeline::from_tether(const PacketInfo& p) const {
  return relocation_ && relocation_->role == Relocation::Role::kAnchor && p.tunnelled &&
         p.tunnel == model::TunnelType::kVxlan && p.vni == relocation_->vni;
}

std::optional<Decision> Pipeline::anchor_inbound(const PacketInfo& p) const {
  const Relocation* r = relocation_ ? &*relocation_ : nullptr;
  if (r == nullptr || r->role != Relocation::Role::kAnchor || !p.tunnelled) return std::nullopt;
  const Vnet* v = find_vnet(r->vnet);
  if (v == nullptr || p.vni != v->vni || !r->relocated(p.tuple.dst)) return std::nullopt;
  constexpr Direction kDir = Direction::kInbound;
  if (!has_vip(p.outer_dst)) return drop(kDir, "wrong_vip");
  // The home hosts are the VNET's valid PAs (when it has any): PA validation, as an inbound
  // routing entry with it would do.
  if (!v->valid_pas.empty() && v->valid_pas.count(p.outer_src) == 0) {
    return drop(kDir, "pa_validation");
  }
  if (!r->tether) return drop(kDir, "relocation_unlearned");
  if (r->tether->ip.version() != pa_.version()) return drop(kDir, "relocation_peer");
  Decision d;
  d.direction = kDir;
  d.kind = Decision::Kind::kEncap;
  d.decap = true;
  d.encap = model::TunnelType::kVxlan;
  d.vni = r->vni;
  d.outer_src = p.outer_dst;  // the address the tether's NAT binding was made toward
  d.outer_dst = r->tether->ip;
  d.encap_dport = r->tether->port;
  d.inner_dmac = p.dst_mac;  // the inner frame as the home host sent it
  return d;
}

Decision Pipeline::anchor_outbound(const PacketInfo& p) const {
  constexpr Direction kDir = Direction::kOutbound;
  const Relocation& r = *relocation_;
  if (!has_vip(p.outer_dst)) return drop(kDir, "wrong_vip");
  if (!r.tether || r.tether->ip != p.outer_src) return drop(kDir, "relocation_peer");
  if (!r.relocated(p.tuple.src)) return drop(kDir, "relocation_source");
  if (r.relocated(p.tuple.dst)) return drop(kDir, "relocation_loop");
  const CaPaMapping* m = mapping(r.vnet, p.tuple.dst);
  if (m == nullptr) return drop(kDir, "mapping_miss");
  // A home address the anchor maps to itself would be sent to its own wire.
  if (m->underlay_ip == pa_ || has_vip(m->underlay_ip)) return drop(kDir, "relocation_loop");
  const Vnet* v = find_vnet(r.vnet);
  if (v == nullptr) return drop(kDir, "no_vnet");
  Decision d;
  d.direction = kDir;
  d.kind = Decision::Kind::kEncap;
  d.decap = true;
  d.encap = m->encap;
  d.vni = m->tunnel_key.value_or(v->vni);
  d.outer_src = p.outer_dst;
  d.outer_dst = m->underlay_ip;
  d.inner_dmac = m->overlay_mac;
  return d;
}

Decision Pipeline::mirrored(const FlowTuple& t, Decision d) const {
  if (d.kind == Decision::Kind::kDrop) return d;
  const auto session = [&](std::uint32_t eni, Direction dir) -> std::uint32_t {
    const Eni* e = find_eni(eni);
    if (e == nullptr) return 0;
    for (const MirrorRule& r : e->mirror) {
      if ((!r.direction || *r.direction == dir) && r.match.matches(t)) return r.session;
    }
    return 0;
  };
  d.mirror[0] = session(d.eni, d.direction);
  // Between two VMs of this host the packet never crosses the underlay: the receiving ENI's
  // inbound mirroring sees it here.
  if (d.direction == Direction::kOutbound && d.kind == Decision::Kind::kToVnic && d.rewrite.dmac) {
    if (const auto peer = eni_by_mac(*d.rewrite.dmac)) {
      d.mirror[1] = session(*peer, Direction::kInbound);
      if (d.mirror[1] == d.mirror[0]) d.mirror[1] = 0;  // one copy per session
    }
  }
  return d;
}

Decision Pipeline::route_outbound(const PacketInfo& p) const {
  constexpr Direction kDir = Direction::kOutbound;
  // From the wire (DASH's appliance): a remote VM's packet, sent to one of our VIPs.
  if (p.tunnelled && !has_vip(p.outer_dst)) return drop(kDir, "wrong_vip");
  const auto id = eni_by_mac(p.src_mac);
  if (!id) return drop(kDir, "no_eni");
  const Eni& e = enis_.at(*id);
  if (!e.admin_up) return drop(kDir, "eni_down", *id);
  if (p.tunnelled && !trusted(e, p.vni)) return drop(kDir, "trusted_vni", *id);
  const AclVerdict acl = e.acl(kDir, p.tuple.dst.is_v6()).evaluate(p.tuple);
  if (!acl.allow) return acl_drop(kDir, *id, acl);
  const LpmTable<OutboundRoute>* routes = &e.routes;
  if (e.routing_group != 0) {
    const OutboundRoutingGroup* g = find_routing_group(e.routing_group);
    if (g == nullptr) return drop(kDir, "routing_group_miss", *id);
    if (g->disabled) return drop(kDir, "routing_group_disabled", *id);
    routes = &g->routes;
  }
  auto fail = [&](const char* why) {
    Decision x = drop(kDir, why, *id);
    x.acl = acl;
    return x;
  };
  const OutboundRoute* r = routes->lookup(p.tuple.dst);
  if (r == nullptr) return fail("route_miss");
  Decision d;
  d.direction = kDir;
  d.eni = *id;
  d.acl = acl;
  d.decap = p.tunnelled;
  std::uint32_t cls_or = r->meter_class_or;
  // The peer of mapping `m` is a VM of this host: straight to its VNIC (the NIC's loopback,
  // never on the wire), through its ENI's inbound ACL as if it had come over the underlay.
  // Null when it has no VNIC here; else the drop reason, or "" when `d` delivers it.
  const auto to_local_vm = [&](const CaPaMapping& m, const Eni*& pe) -> const char* {
    const auto peer = eni_by_mac(m.overlay_mac);
    pe = peer ? find_eni(*peer) : nullptr;
    if (pe == nullptr || pe->vport == 0) return nullptr;
    if (!pe->admin_up) return "eni_down";
    const AclVerdict in = pe->acl(Direction::kInbound, p.tuple.dst.is_v6()).evaluate(p.tuple);
    if (!in.allow) return "acl";
    d.kind = Decision::Kind::kToVnic;
    d.vport = pe->vport;
    d.rewrite.dmac = m.overlay_mac;
    cls_or |= m.meter_class_or;
    return "";
  };
  switch (r->type) {
    case RouteType::kDrop:
      return fail("route_drop");
    case RouteType::kDirect:
      d.kind = Decision::Kind::kDirect;
      if (e.snat && !p.tunnelled) {
        if (e.snat->public_ip.version() != p.tuple.src.version()) return fail("snat_family");
        if (p.tuple.proto != 6 && p.tuple.proto != 17) return fail("snat_protocol");
        d.snat = e.snat->public_ip;
        d.snat_ports = e.snat->ports;
        if (e.snat->inbound_to) d.snat_listen = e.snat->listen;
      }
      break;
    case RouteType::kVnet:
    case RouteType::kVnetDirect: {
      const std::uint32_t vnet = r->vnet != 0 ? r->vnet : e.vnet;
      const model::IpAddr ca =
          r->type == RouteType::kVnetDirect && r->overlay_ip ? *r->overlay_ip : p.tuple.dst;
      const CaPaMapping* m = mapping(vnet, ca);
      if (m == nullptr) return fail("mapping_miss");
      const Vnet* encap_vnet = find_vnet(m->use_dst_vnet_vni ? vnet : e.vnet);
      if (encap_vnet == nullptr) return fail("no_vnet");
      if (m->underlay_ip == pa_ && !p.tunnelled) {
        const Eni* pe = nullptr;
        if (const char* why = to_local_vm(*m, pe)) {
          if (*why != '\0') return fail(why);
          break;
        }
      }
      d.kind = Decision::Kind::kEncap;
      d.encap = m->encap;
      d.vni = m->tunnel_key.value_or(encap_vnet->vni);
      d.outer_src = p.tunnelled ? p.outer_dst : pa_;  // DASH: the VIP the packet came to
      d.outer_dst = m->underlay_ip;
      d.inner_dmac = m->overlay_mac;
      cls_or |= m->meter_class_or;
      break;
    }
    case RouteType::kTether: {
      // Subnet relocation, on the tether: home over the tunnel, the inner frame as the VM sent
      // it, from the tunnel's port (one NAT binding for the whole tunnel).
      const Relocation* rl = relocation_ ? &*relocation_ : nullptr;
      if (rl == nullptr || rl->role != Relocation::Role::kTether || p.tunnelled) {
        return fail("relocation_miss");
      }
      d.kind = Decision::Kind::kEncap;
      d.encap = model::TunnelType::kVxlan;
      d.vni = rl->vni;
      d.outer_src = pa_;
      d.outer_dst = *rl->anchor;
      d.inner_dmac = p.dst_mac;
      d.encap_sport = rl->port;
      d.encap_dport = rl->port;
      break;
    }
    case RouteType::kContext: {
      // Another routing context of this host: the destination must be an address it owns (its
      // VNET's mapping) of a VM here bound to it; the host's virtual router delivers it.
      const OutboundRoutingGroup* to = find_routing_group(r->context);
      if (to == nullptr || to->vnet == 0 || !to->router_mac || p.tunnelled) {
        return fail("context_miss");
      }
      const CaPaMapping* m = mapping(to->vnet, p.tuple.dst);
      if (m == nullptr || m->underlay_ip != pa_) return fail("context_miss");
      const Eni* pe = nullptr;
      const char* why = to_local_vm(*m, pe);
      if (why == nullptr || pe->routing_group != r->context) return fail("context_miss");
      if (*why != '\0') return fail(why);
      d.rewrite.smac = to->router_mac;
      d.rewrite.dec_ttl = true;
      break;
    }
  }
  d.meter_class = meter_class(e, cls_or & r->meter_class_and, p.tuple.dst);
  return d;
}

Decision Pipeline::route_inbound(const PacketInfo& p) const {
  constexpr Direction kDir = Direction::kInbound;
  // Untunnelled: a port forwarding (DNAT) opens a connection to its VM; a reply of a
  // source-NATed connection is decided by the flow cache from the connection; anything else is
  // unsolicited.
  if (!p.tunnelled) {
    // To ENI `id`'s VM at `vm_ip`:`port` (through its inbound ACL), bound by the flow cache as
    // a forwarded connection: the VM's replies leave from the address and port it was sent to.
    const auto forward = [&](std::uint32_t id, const Eni& e, const model::IpAddr& vm_ip,
                             std::uint16_t port) {
      if (e.vport == 0) return drop(kDir, "eni_unbound", id);
      if (!e.admin_up) return drop(kDir, "eni_down", id);
      FlowTuple inside = p.tuple;
      inside.dst = vm_ip;
      inside.dport = port;
      Decision d;
      d.direction = kDir;
      d.eni = id;
      d.acl = e.acl(kDir, inside.src.is_v6()).evaluate(inside);
      if (!d.acl.allow) return acl_drop(kDir, id, d.acl);
      d.kind = Decision::Kind::kToVnic;
      d.vport = e.vport;
      d.dnat = true;
      d.rewrite.dst_ip = inside.dst;
      d.rewrite.dport = port;
      d.rewrite.dmac = e.mac;
      return d;
    };
    for (const auto& [id, e] : enis_) {
      for (const Dnat& n : e.dnat) {
        if (n.public_ip == p.tuple.dst && n.public_port == p.tuple.dport &&
            n.proto == p.tuple.proto) {
          return forward(id, e, n.vm_ip, n.port);
        }
      }
    }
    // A shared address: the ENI listening on the destination port, the port kept (what the
    // NIC's TCAM rules do for the ENIs they can serve, Switch).
    if (p.tuple.proto == 6 || p.tuple.proto == 17) {
      for (const auto& [id, e] : enis_) {
        if (e.snat && e.snat->inbound_to && e.snat->listen && e.snat->public_ip == p.tuple.dst &&
            e.snat->listen->contains(p.tuple.dport)) {
          return forward(id, e, *e.snat->inbound_to, p.tuple.dport);
        }
      }
    }
    return drop(kDir, "not_tunnelled");
  }
  if (!has_vip(p.outer_dst)) return drop(kDir, "wrong_vip");
  const auto id = eni_by_mac(p.dst_mac);
  if (!id) return drop(kDir, "no_eni");
  const Eni& e = enis_.at(*id);
  if (!e.admin_up) return drop(kDir, "eni_down", *id);
  // Subnet relocation, on the tether: the tunnel's packets to the VNET's VMs, from the anchor
  // only (an inbound routing entry of their own: the tunnel's VNI, the anchor's address).
  const Relocation* rl = relocation_ ? &*relocation_ : nullptr;
  const bool tunnel = rl != nullptr && rl->role == Relocation::Role::kTether &&
                      p.vni == rl->vni && p.tunnel == model::TunnelType::kVxlan &&
                      e.vnet == rl->vnet;
  if (tunnel && p.outer_src != *rl->anchor) return drop(kDir, "relocation_peer", *id);
  if (!tunnel && !trusted(e, p.vni)) return drop(kDir, "trusted_vni", *id);
  const InboundRoute* route = nullptr;  // exact VNI, source prefix, lowest priority
  for (const InboundRoute& r : e.inbound_routes) {
    if (!tunnel && r.vni == p.vni && r.sip.contains(p.outer_src) &&
        (route == nullptr || r.priority < route->priority)) {
      route = &r;
    }
  }
  if (route == nullptr && !tunnel) return drop(kDir, "inbound_route_miss", *id);
  if (route != nullptr && route->pa_validate) {
    const Vnet* v = find_vnet(route->src_vnet);
    if (v == nullptr || v->valid_pas.count(p.outer_src) == 0) {
      return drop(kDir, "pa_validation", *id);
    }
  }
  const AclVerdict acl = e.acl(kDir, p.tuple.src.is_v6()).evaluate(p.tuple);
  if (!acl.allow) return acl_drop(kDir, *id, acl);
  Decision d;
  d.direction = kDir;
  d.eni = *id;
  d.decap = true;
  d.acl = acl;
  if (e.vport != 0) {
    d.kind = Decision::Kind::kToVnic;
    d.vport = e.vport;
  } else if (e.vm_underlay_ip) {  // the appliance: on to the host of the VM
    d.kind = Decision::Kind::kEncap;
    d.vni = e.vm_vni;
    d.outer_src = p.outer_dst;
    d.outer_dst = *e.vm_underlay_ip;
    d.inner_dmac = p.dst_mac;
  } else {
    Decision x = drop(kDir, "eni_unbound", *id);
    x.acl = acl;
    return x;
  }
  d.meter_class = route != nullptr
                     ? meter_class(e, route->meter_class_or & route->meter_class_and, p.tuple.src)
                     : meter_class(e, 0, p.tuple.src);
  return d;
}

namespace {

std::string migration_name(std::uint32_t id) { return "migration " + std::to_string(id); }

}  // namespace

void Pipeline::check_migration(std::uint32_t migration, std::uint32_t vnet) const {
  if (migration == 0) throw MigrationError("migration ids start at 1 (0 means none)");
  if (activated(migration)) {
    throw MigrationError(migration_name(migration) + " was activated already: stage a new one");
  }
  if (find_vnet(vnet) == nullptr) {
    throw MigrationError(migration_name(migration) + ": VNET " + std::to_string(vnet) +
                         " does not exist");
  }
}

void Pipeline::check_stage(std::uint32_t migration, std::uint32_t vnet,
                           const model::IpAddr& ca) const {
  check_migration(migration, vnet);
  for (const auto& [id, sh] : shadows_) {
    if (id == migration) continue;
    for (const ShadowPolicy::Mapping& m : sh.mappings) {
      if (m.vnet == vnet && m.ca == ca) {
        throw MigrationError(migration_name(migration) + ": " + ca.to_string() + " in VNET " +
                             std::to_string(vnet) + " is staged by " + migration_name(id) +
                             " already");
      }
    }
  }
}

void Pipeline::stage_mapping(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& ca,
                             const CaPaMapping& m) {
  check_stage(migration, vnet, ca);
  auto& list = shadows_[migration].mappings;
  const auto it = std::find_if(list.begin(), list.end(), [&](const ShadowPolicy::Mapping& x) {
    return x.vnet == vnet && x.ca == ca;
  });
  if (it != list.end()) {
    it->mapping = m;  // staged again: the latest holds
  } else {
    list.push_back({vnet, ca, m});
  }
}

void Pipeline::stage_valid_pa(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& pa,
                              bool valid) {
  check_migration(migration, vnet);
  auto& list = shadows_[migration].valid_pas;
  const auto it = std::find_if(list.begin(), list.end(), [&](const ShadowPolicy::ValidPa& x) {
    return x.vnet == vnet && x.pa == pa;
  });
  if (it != list.end()) {
    it->valid = valid;
  } else {
    list.push_back({vnet, pa, valid});
  }
}

const ShadowPolicy* Pipeline::shadow(std::uint32_t migration) const {
  return find_in(shadows_, migration);
}

void Pipeline::check_activate(std::uint32_t migration) const {
  if (activated(migration)) {
    throw MigrationError(migration_name(migration) + " was activated already");
  }
  const ShadowPolicy* sh = shadow(migration);
  if (sh == nullptr) throw MigrationError(migration_name(migration) + " has nothing staged");
  const auto gone = [&](std::uint32_t vnet) {
    if (find_vnet(vnet) != nullptr) return;
    throw MigrationError(migration_name(migration) + ": VNET " + std::to_string(vnet) +
                         " was removed after staging");
  };
  for (const ShadowPolicy::Mapping& m : sh->mappings) gone(m.vnet);
  for (const ShadowPolicy::ValidPa& v : sh->valid_pas) gone(v.vnet);
}

std::size_t Pipeline::activate(std::uint32_t migration) {
  check_activate(migration);  // all or nothing
  const auto it = shadows_.find(migration);
  const ShadowPolicy& sh = it->second;
  for (const ShadowPolicy::Mapping& m : sh.mappings) vnets_.at(m.vnet).mappings[m.ca] = m.mapping;
  for (const ShadowPolicy::ValidPa& v : sh.valid_pas) {
    auto& pas = vnets_.at(v.vnet).valid_pas;
    if (v.valid) {
      pas.insert(v.pa);
    } else {
      pas.erase(v.pa);
    }
  }
  const std::size_t n = sh.mappings.size() + sh.valid_pas.size();
  shadows_.erase(it);
  activated_.insert(migration);
  return n;
}

bool Pipeline::abort(std::uint32_t migration) {
  if (activated(migration)) {
    throw MigrationError(migration_name(migration) + " was activated: it cannot be aborted");
  }
  return shadows_.erase(migration) != 0;
}

bool Pipeline::account(const Decision& d, std::uint64_t overlay_bytes) {
  return account(d, overlay_bytes, 1);
}

bool Pipeline::account(const Decision& d, std::uint64_t overlay_bytes, std::uint64_t packets) {
  if (d.kind == Decision::Kind::kDrop || d.meter_class == 0 || find_eni(d.eni) == nullptr) {
    return false;
  }
  MeterCounters& c = buckets_[std::uint64_t{d.eni} << 32 | d.meter_class];
  if (d.direction == Direction::kOutbound) {
    c.outbound_bytes += overlay_bytes;
    c.outbound_packets += packets;
  } else {
    c.inbound_bytes += overlay_bytes;
    c.inbound_packets += packets;
  }
  return true;
}

MeterCounters Pipeline::meter_bucket(std::uint32_t eni, std::uint32_t meter_class) const {
  const auto it = buckets_.find(std::uint64_t{eni} << 32 | meter_class);
  return it == buckets_.end() ? MeterCounters{} : it->second;
}

void Pipeline::check_shared_addresses() const {
  for (const auto& [id, e] : enis_) {
    if (!e.snat || !e.snat->inbound_to) continue;
    const Snat& s = *e.snat;
    const std::string who = "ENI " + std::to_string(id) + ": shared address " +
                            s.public_ip.to_string();
    if (!s.ports) throw SharedAddressError(who + ": a shared address needs a port range");
    if (s.ports->lo == 0 || s.ports->lo > s.ports->hi) {
      throw SharedAddressError(who + ": port range " + range_name(*s.ports) +
                               " is not within 1..65535 or is empty");
    }
    if (!s.listen) throw SharedAddressError(who + ": a shared address needs listening ports");
    if (s.listen->lo > s.listen->hi || s.listen->lo < s.ports->lo ||
        s.listen->hi > s.ports->hi) {
      throw SharedAddressError(who + ": listening ports " + range_name(*s.listen) +
                               " are not inside its range " + range_name(*s.ports));
    }
    if (s.inbound_to->version() != s.public_ip.version()) {
      throw SharedAddressError(who + ": the VM's address " + s.inbound_to->to_string() +
                               " is of the other address family");
    }
    for (const auto& [other, o] : enis_) {
      if (other == id) continue;
      if (o.snat && o.snat->ports && o.snat->public_ip == s.public_ip &&
          o.snat->ports->lo <= s.ports->hi && s.ports->lo <= o.snat->ports->hi) {
        throw SharedAddressError(who + ": ports " + range_name(*s.ports) + " overlap ENI " +
                                 std::to_string(other) + "'s " + range_name(*o.snat->ports));
      }
      for (const Dnat& n : o.dnat) {
        if (n.public_ip == s.public_ip && s.ports->contains(n.public_port)) {
          throw SharedAddressError(who + ": port " + std::to_string(n.public_port) +
                                   " of its range " + range_name(*s.ports) +
                                   " is forwarded to ENI " + std::to_string(other));
        }
      }
    }
    for (const Dnat& n : e.dnat) {
      if (n.public_ip == s.public_ip && s.ports->contains(n.public_port)) {
        throw SharedAddressError(who + ": port " + std::to_string(n.public_port) +
                                 " of its range " + range_name(*s.ports) +
                                 " is also a port forwarding");
      }
    }
  }
}

}  // namespace nicsim::host::vswitch
