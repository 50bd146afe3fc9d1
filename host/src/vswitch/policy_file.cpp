// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/policy_file.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "nicsim/host/config/yaml.hpp"

namespace nicsim::host::vswitch {

namespace {

using yaml::Ctx;
using yaml::each;
using yaml::fail;
using yaml::kind;
using yaml::Map;

model::IpAddr ip_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const auto a = v.IsScalar() ? model::IpAddr::parse(v.Scalar()) : std::nullopt;
  if (!a) fail(c, v, p, "expected an IP address (10.0.0.1 or fd00::1), found " + kind(v));
  return *a;
}

IpPrefix prefix_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const auto x = v.IsScalar() ? IpPrefix::parse(v.Scalar()) : std::nullopt;
  if (!x) {
    fail(c, v, p, "expected a prefix (10.0.0.0/24, fd00::/64; no host bits beyond the length), "
                  "found " + kind(v));
  }
  return *x;
}

model::MacAddr mac_addr_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  return model::MacAddr(yaml::mac_of(c, v, p));
}

/// A port ("80") or a range ("1000-2000"), as a number or text.
PortRange port_range_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const std::string s = v.IsScalar() ? v.Scalar() : "";
  const auto num = [&](const std::string& t) -> unsigned {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos) {
      fail(c, v, p, "expected a port (80) or a range (1000-2000), found " + kind(v));
    }
    const unsigned x = static_cast<unsigned>(std::stoul(t));
    if (x > 65535) fail(c, v, p, "port " + t + " is above 65535");
    return x;
  };
  const auto dash = s.find('-');
  const unsigned lo = num(s.substr(0, dash));
  const unsigned hi = dash == std::string::npos ? lo : num(s.substr(dash + 1));
  if (lo > hi) fail(c, v, p, "empty range " + s);
  return {static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)};
}

std::uint8_t protocol_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  if (v.IsScalar()) {
    const std::string s = v.Scalar();
    if (s == "tcp") return 6;
    if (s == "udp") return 17;
    if (s == "icmp") return 1;
    if (s == "icmpv6") return 58;
  }
  Map dummy(c, YAML::Node(), p);
  return static_cast<std::uint8_t>(dummy.u64_of(v, p, 0, 255));
}

AclAction action_of(Map& m, const std::string& k) {
  const std::string a = m.choice(k, "", {"permit", "permit_and_continue", "deny",
                                         "deny_and_continue"});
  if (a == "permit") return AclAction::kPermit;
  if (a == "permit_and_continue") return AclAction::kPermitAndContinue;
  if (a == "deny") return AclAction::kDeny;
  return AclAction::kDenyAndContinue;
}

template <class T, class Fn>
std::vector<T> list_of(const Ctx& c, Map& m, const std::string& k, Fn&& item) {
  std::vector<T> out;
  each(c, m.get(k), m.sub(k), [&](const YAML::Node& n, const std::string& p) {
    out.push_back(item(c, n, p));
  });
  return out;
}

/// The 5-tuple conditions of an ACL or mirror rule (each list empty: anything).
void read_conditions(const Ctx& c, Map& r, AclRule& rule) {
  rule.src = list_of<IpPrefix>(c, r, "src", prefix_of);
  rule.dst = list_of<IpPrefix>(c, r, "dst", prefix_of);
  rule.protocols = list_of<std::uint8_t>(c, r, "protocols", protocol_of);
  rule.sports = list_of<PortRange>(c, r, "src_ports", port_range_of);
  rule.dports = list_of<PortRange>(c, r, "dst_ports", port_range_of);
}

void read_mirror_sessions(const Ctx& c, Map& top, Policy& pol, std::set<std::uint32_t>& ids) {
  each(c, top.get("mirror_sessions"), "mirror_sessions",
       [&](const YAML::Node& sn, const std::string& sp) {
         Map m(c, sn, sp);
         if (!m.has("id") || !m.has("collector") || !m.has("vni")) {
           fail(c, sn, sp, "a mirror session needs id, collector and vni");
         }
         const auto id = static_cast<std::uint32_t>(m.u64("id", 0, 1, 0xFFFFFFFFu));
         if (!ids.insert(id).second) {
           fail(c, m.get("id"), m.sub("id"), "duplicate mirror session " + std::to_string(id));
         }
         MirrorSession& ms = pol.pipeline->mirror_session(id);
         ms.collector = ip_of(c, m.get("collector"), m.sub("collector"));
         if (ms.collector.version() != pol.pipeline->underlay_ip().version()) {
           fail(c, m.get("collector"), m.sub("collector"),
                "the collector must be of the underlay's address family (underlay.pa)");
         }
         ms.vni = static_cast<std::uint32_t>(m.u64("vni", 0, 0, 0xFFFFFF));
         m.done();
       });
}

void read_groups(const Ctx& c, Map& top, Policy& pol) {
  each(c, top.get("acl_groups"), "acl_groups", [&](const YAML::Node& gn, const std::string& gp) {
    Map g(c, gn, gp);
    const std::string name = g.str("name", "");
    if (name.empty()) fail(c, gn, gp, "missing 'name'");
    if (pol.acl_groups.contains(name)) fail(c, g.get("name"), g.sub("name"), "duplicate group '" + name + "'");
    const bool v6 = g.choice("family", "ipv4", {"ipv4", "ipv6"}) == "ipv6";
    auto group = std::make_shared<AclGroup>(name, v6);
    each(c, g.get("rules"), g.sub("rules"), [&](const YAML::Node& rn, const std::string& rp) {
      Map r(c, rn, rp);
      AclRule rule;
      rule.name = r.str("name", "");
      rule.priority = static_cast<std::uint32_t>(r.u64("priority", 0, 0, 0xFFFFFFFFu));
      if (!r.has("action")) fail(c, rn, rp, "missing 'action'");
      rule.action = action_of(r, "action");
      read_conditions(c, r, rule);
      r.done();
      if (auto e = group->add(std::move(rule))) fail(c, rn, rp, e->what);
    });
    g.done();
    pol.acl_groups.emplace(name, std::move(group));
  });
}

/// A mapping's customer address (`ca`).
model::IpAddr ca_of(const Ctx& c, const YAML::Node& n, const std::string& p, Map& m) {
  if (!m.has("ca")) fail(c, n, p, "a mapping needs ca, pa and mac");
  return ip_of(c, m.get("ca"), m.sub("ca"));
}

/// The rest of a mapping: pa, mac, encap, tunnel_key.
CaPaMapping mapping_of(const Ctx& c, const YAML::Node& n, const std::string& p, Map& m) {
  if (!m.has("pa") || !m.has("mac")) fail(c, n, p, "a mapping needs ca, pa and mac");
  CaPaMapping map{ip_of(c, m.get("pa"), m.sub("pa")), mac_addr_of(c, m.get("mac"), m.sub("mac"))};
  const std::string encap = m.choice("encap", "vxlan", {"vxlan", "nvgre", "geneve"});
  map.encap = encap == "nvgre"    ? model::TunnelType::kNvgre
              : encap == "geneve" ? model::TunnelType::kGeneve
                                  : model::TunnelType::kVxlan;
  if (m.has("tunnel_key")) {
    map.tunnel_key = static_cast<std::uint32_t>(m.u64("tunnel_key", 0, 0, 0xFFFFFF));
  }
  return map;
}

void read_vnets(const Ctx& c, Map& top, Policy& pol, std::set<std::uint32_t>& ids) {
  each(c, top.get("vnets"), "vnets", [&](const YAML::Node& vn, const std::string& vp) {
    Map v(c, vn, vp);
    if (!v.has("id")) fail(c, vn, vp, "missing 'id'");
    const auto id = static_cast<std::uint32_t>(v.u64("id", 0, 1, 0xFFFFFFFFu));
    if (!ids.insert(id).second) fail(c, v.get("id"), v.sub("id"), "duplicate VNET " + std::to_string(id));
    Vnet& net = pol.pipeline->vnet(id);
    if (!v.has("vni")) fail(c, vn, vp, "missing 'vni'");
    net.vni = static_cast<std::uint32_t>(v.u64("vni", 0, 0, 0xFFFFFF));
    each(c, v.get("mappings"), v.sub("mappings"), [&](const YAML::Node& mn, const std::string& mp) {
      Map m(c, mn, mp);
      const model::IpAddr ca = ca_of(c, mn, mp, m);
      const CaPaMapping map = mapping_of(c, mn, mp, m);
      m.done();
      if (!net.mappings.emplace(ca, map).second) {
        fail(c, mn, mp, "duplicate mapping for " + ca.to_string());
      }
    });
    for (const model::IpAddr& pa : list_of<model::IpAddr>(c, v, "valid_pas", ip_of)) {
      net.valid_pas.insert(pa);
    }
    v.done();
  });
}

void read_stages(const Ctx& c, Map& acl, const std::string& k, const Policy& pol, AclStages& st) {
  if (!acl.has(k)) return;
  const YAML::Node list = acl.get(k);
  const std::string p = acl.sub(k);
  if (!list.IsSequence()) fail(c, list, p, "expected a list of up to 5 group names (null: none)");
  if (list.size() > AclStages::kStages) fail(c, list, p, "more than 5 stages");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node g = list[i];
    if (g.IsNull()) continue;
    const std::string gp = p + "[" + std::to_string(i) + "]";
    if (!g.IsScalar()) fail(c, g, gp, "expected a group name, found " + kind(g));
    const auto it = pol.acl_groups.find(g.Scalar());
    if (it == pol.acl_groups.end()) fail(c, g, gp, "no ACL group '" + g.Scalar() + "'");
    st.set(static_cast<unsigned>(i), it->second);
  }
}

/// `routes` of an ENI or a routing context (OUTBOUND_ROUTING_ENTRY) into `table`; a `context`
/// route names one of `contexts`.
void read_routes(const Ctx& c, Map& owner, const Policy& pol, const std::set<std::uint32_t>& vnets,
                 const std::set<std::uint32_t>& contexts, LpmTable<OutboundRoute>& table) {
  const auto read = [&](const YAML::Node& rn, const std::string& rp) {
    Map r(c, rn, rp);
    if (!r.has("prefix") || !r.has("type")) fail(c, rn, rp, "a route needs prefix and type");
    const IpPrefix pfx = prefix_of(c, r.get("prefix"), r.sub("prefix"));
    OutboundRoute route;
    const std::string t =
        r.choice("type", "", {"vnet", "vnet_direct", "direct", "drop", "context", "tether"});
    route.type = t == "vnet"          ? RouteType::kVnet
                 : t == "vnet_direct" ? RouteType::kVnetDirect
                 : t == "direct"      ? RouteType::kDirect
                 : t == "context"     ? RouteType::kContext
                 : t == "tether"      ? RouteType::kTether
                                      : RouteType::kDrop;
    // A tether route goes over the relocation tunnel: the file's `relocation` must make this
    // host the tether (read before the ENIs).
    const std::optional<Relocation>& rl = pol.pipeline->relocation();
    if (route.type == RouteType::kTether && (!rl || rl->role != Relocation::Role::kTether)) {
      fail(c, r.get("type"), r.sub("type"),
           "a tether route needs 'relocation' with role tether (this host's tunnel home)");
    }
    route.vnet = static_cast<std::uint32_t>(r.u64("vnet", 0, 0, 0xFFFFFFFFu));
    if (route.vnet != 0 && !vnets.contains(route.vnet)) {
      fail(c, r.get("vnet"), r.sub("vnet"), "no VNET " + std::to_string(route.vnet));
    }
    if (r.has("overlay_ip")) route.overlay_ip = ip_of(c, r.get("overlay_ip"), r.sub("overlay_ip"));
    if (route.type == RouteType::kVnetDirect && !route.overlay_ip) {
      fail(c, rn, rp, "a vnet_direct route needs overlay_ip");
    }
    if (route.type == RouteType::kContext) {
      if (!r.has("context")) fail(c, rn, rp, "a context route needs context (the context's id)");
      route.context = static_cast<std::uint32_t>(r.u64("context", 0, 1, 0xFFFFFFFFu));
      if (!contexts.contains(route.context)) {
        fail(c, r.get("context"), r.sub("context"), "no context " + std::to_string(route.context));
      }
    } else if (r.has("context")) {
      fail(c, r.get("context"), r.sub("context"), "only a context route names a context");
    }
    r.done();
    if (table.find(pfx) != nullptr) fail(c, rn, rp, "duplicate route " + pfx.to_string());
    table.insert(pfx, route);
  };
  each(c, owner.get("routes"), owner.sub("routes"), read);
}

/// Routing contexts (docs/vswitch.md, "Routing contexts"): routing groups with the VNET of the
/// addresses they own and the host router's MAC on them. Their ids are read first, so that a
/// context's routes may name any context of the file.
void read_contexts(const Ctx& c, Map& top, Policy& pol, const std::set<std::uint32_t>& vnets,
                   std::set<std::uint32_t>& ids) {
  each(c, top.get("contexts"), "contexts", [&](const YAML::Node& n, const std::string& p) {
    Map x(c, n, p);
    if (!x.has("id") || !x.has("vnet") || !x.has("router_mac")) {
      fail(c, n, p, "a context needs id, vnet and router_mac");
    }
    const auto id = static_cast<std::uint32_t>(x.u64("id", 0, 1, 0xFFFFFFFFu));
    if (!ids.insert(id).second) {
      fail(c, x.get("id"), x.sub("id"), "duplicate context " + std::to_string(id));
    }
  });
  each(c, top.get("contexts"), "contexts", [&](const YAML::Node& n, const std::string& p) {
    Map x(c, n, p);
    OutboundRoutingGroup& g =
        pol.pipeline->routing_group(static_cast<std::uint32_t>(x.u64("id", 0, 1, 0xFFFFFFFFu)));
    g.vnet = static_cast<std::uint32_t>(x.u64("vnet", 0, 1, 0xFFFFFFFFu));
    if (!vnets.contains(g.vnet)) {
      fail(c, x.get("vnet"), x.sub("vnet"), "no VNET " + std::to_string(g.vnet));
    }
    g.router_mac = mac_addr_of(c, x.get("router_mac"), x.sub("router_mac"));
    read_routes(c, x, pol, vnets, ids, g.routes);
    x.done();
  });
}

void read_enis(const Ctx& c, Map& top, Policy& pol, const std::set<std::uint32_t>& vnets,
               const std::set<std::uint32_t>& sessions, const std::set<std::uint32_t>& contexts) {
  std::set<std::uint32_t> ids;
  std::set<std::uint64_t> macs;
  each(c, top.get("enis"), "enis", [&](const YAML::Node& en, const std::string& ep) {
    Map e(c, en, ep);
    if (!e.has("id") || !e.has("mac") || !e.has("vnet") || !e.has("vport")) {
      fail(c, en, ep, "an ENI needs id, mac, vnet and vport");
    }
    const auto id = static_cast<std::uint32_t>(e.u64("id", 0, 1, 0xFFFFFFFFu));
    if (!ids.insert(id).second) fail(c, e.get("id"), e.sub("id"), "duplicate ENI " + std::to_string(id));
    Eni& eni = pol.pipeline->eni(id);
    eni.mac = mac_addr_of(c, e.get("mac"), e.sub("mac"));
    if (!macs.insert(eni.mac.to_u64()).second) {
      fail(c, e.get("mac"), e.sub("mac"), "another ENI has MAC " + eni.mac.to_string());
    }
    eni.vnet = static_cast<std::uint32_t>(e.u64("vnet", 0, 1, 0xFFFFFFFFu));
    if (!vnets.contains(eni.vnet)) {
      fail(c, e.get("vnet"), e.sub("vnet"), "no VNET " + std::to_string(eni.vnet));
    }
    eni.vport = static_cast<unsigned>(e.u64("vport", 1, 1, 254));
    eni.admin_up = e.choice("admin", "up", {"up", "down"}) == "up";
    if (e.has("bridge")) {
      Map b(c, e.get("bridge"), e.sub("bridge"));
      Eni::Bridge br;
      if (b.has("vlan")) br.vlan = static_cast<std::uint16_t>(b.u64("vlan", 0, 1, 4094));
      b.done();
      eni.bridge = br;
    }
    each(c, e.get("dnat"), e.sub("dnat"), [&](const YAML::Node& dn, const std::string& dp) {
      Map d(c, dn, dp);
      if (!d.has("public_ip") || !d.has("public_port") || !d.has("vm_ip") || !d.has("port")) {
        fail(c, dn, dp, "a port forwarding needs public_ip, public_port, vm_ip and port");
      }
      Dnat n;
      n.proto = d.has("proto") ? protocol_of(c, d.get("proto"), d.sub("proto")) : 6;
      if (n.proto != 6 && n.proto != 17) fail(c, d.get("proto"), d.sub("proto"), "tcp or udp");
      n.public_ip = ip_of(c, d.get("public_ip"), d.sub("public_ip"));
      n.public_port = static_cast<std::uint16_t>(d.u64("public_port", 0, 1, 65535));
      n.vm_ip = ip_of(c, d.get("vm_ip"), d.sub("vm_ip"));
      n.port = static_cast<std::uint16_t>(d.u64("port", 0, 1, 65535));
      d.done();
      eni.dnat.push_back(n);
    });
    if (e.has("snat")) {
      Map n(c, e.get("snat"), e.sub("snat"));
      if (!n.has("public_ip")) fail(c, e.get("snat"), e.sub("snat"), "missing 'public_ip'");
      Snat sn{ip_of(c, n.get("public_ip"), n.sub("public_ip"))};
      if (n.has("ports")) sn.ports = port_range_of(c, n.get("ports"), n.sub("ports"));
      // A shared address (docs/vswitch.md): the VM's address and listening ports.
      if (n.has("inbound_to")) sn.inbound_to = ip_of(c, n.get("inbound_to"), n.sub("inbound_to"));
      if (n.has("listen")) sn.listen = port_range_of(c, n.get("listen"), n.sub("listen"));
      n.done();
      eni.snat = sn;
    }
    each(c, e.get("mirror"), e.sub("mirror"), [&](const YAML::Node& mn, const std::string& mp) {
      Map m(c, mn, mp);
      if (!m.has("session")) fail(c, mn, mp, "missing 'session'");
      MirrorRule r;
      r.session = static_cast<std::uint32_t>(m.u64("session", 0, 1, 0xFFFFFFFFu));
      if (!sessions.contains(r.session)) {
        fail(c, m.get("session"), m.sub("session"), "no mirror session " + std::to_string(r.session));
      }
      const std::string d = m.choice("direction", "both", {"both", "outbound", "inbound"});
      if (d != "both") r.direction = d == "outbound" ? Direction::kOutbound : Direction::kInbound;
      read_conditions(c, m, r.match);
      m.done();
      eni.mirror.push_back(std::move(r));
    });
    if (e.has("acl")) {
      Map acl(c, e.get("acl"), e.sub("acl"));
      read_stages(c, acl, "outbound", pol, eni.outbound_acl);
      read_stages(c, acl, "inbound", pol, eni.inbound_acl);
      acl.done();
    }
    if (e.has("context")) {
      if (e.has("routes")) {
        fail(c, e.get("routes"), e.sub("routes"),
             "an ENI bound to a context uses the context's routes (add them there)");
      }
      eni.routing_group = static_cast<std::uint32_t>(e.u64("context", 0, 1, 0xFFFFFFFFu));
      if (!contexts.contains(eni.routing_group)) {
        fail(c, e.get("context"), e.sub("context"),
             "no context " + std::to_string(eni.routing_group));
      }
      // A context's containers are in its VNET (their `vnet` routes find its addresses).
      const std::uint32_t cv = pol.pipeline->find_routing_group(eni.routing_group)->vnet;
      if (eni.vnet != cv) {
        fail(c, e.get("context"), e.sub("context"),
             "context " + std::to_string(eni.routing_group) + " is VNET " + std::to_string(cv) +
                 "'s, the ENI's vnet is " + std::to_string(eni.vnet));
      }
    }
    read_routes(c, e, pol, vnets, contexts, eni.routes);
    each(c, e.get("inbound_routes"), e.sub("inbound_routes"),
         [&](const YAML::Node& rn, const std::string& rp) {
           Map r(c, rn, rp);
           InboundRoute ir;
           if (!r.has("vni")) fail(c, rn, rp, "missing 'vni'");
           ir.vni = static_cast<std::uint32_t>(r.u64("vni", 0, 0, 0xFFFFFF));
           ir.sip = r.has("src") ? prefix_of(c, r.get("src"), r.sub("src")) : *IpPrefix::parse("0.0.0.0/0");
           ir.priority = static_cast<std::uint32_t>(r.u64("priority", 0, 0, 0xFFFFFFFFu));
           ir.pa_validate = r.choice("action", "decap", {"decap", "decap_pa_validate"}) ==
                            "decap_pa_validate";
           ir.src_vnet = static_cast<std::uint32_t>(r.u64("src_vnet", eni.vnet, 1, 0xFFFFFFFFu));
           if (!vnets.contains(ir.src_vnet)) {
             fail(c, r.get("src_vnet"), r.sub("src_vnet"), "no VNET " + std::to_string(ir.src_vnet));
           }
           r.done();
           eni.inbound_routes.push_back(ir);
         });
    e.done();
    // Shared addresses against the ENIs read so far: a collision is reported at the ENI that
    // makes it.
    try {
      pol.pipeline->check_shared_addresses();
    } catch (const SharedAddressError& x) {
      fail(c, e.has("snat") ? e.get("snat") : en, e.has("snat") ? e.sub("snat") : ep, x.what());
    }
  });
}

/// Subnet relocation (docs/vswitch-relocation.md): this host's role in the tunnel of a relocated
/// subnet.
void read_relocation(const Ctx& c, Map& top, Policy& pol, const std::set<std::uint32_t>& vnets) {
  if (!top.has("relocation")) return;
  const YAML::Node n = top.get("relocation");
  Map m(c, n, "relocation");
  if (!m.has("role") || !m.has("vnet") || !m.has("subnets") || !m.has("tunnel")) {
    fail(c, n, "relocation", "a relocation needs role, vnet, subnets and tunnel");
  }
  Relocation r;
  r.role = m.choice("role", "", {"anchor", "tether"}) == "anchor" ? Relocation::Role::kAnchor
                                                                  : Relocation::Role::kTether;
  r.vnet = static_cast<std::uint32_t>(m.u64("vnet", 0, 1, 0xFFFFFFFFu));
  if (!vnets.contains(r.vnet)) {
    fail(c, m.get("vnet"), m.sub("vnet"), "no VNET " + std::to_string(r.vnet));
  }
  r.subnets = list_of<IpPrefix>(c, m, "subnets", prefix_of);
  if (r.subnets.empty()) fail(c, m.get("subnets"), m.sub("subnets"), "no subnet is relocated");
  Map t(c, m.get("tunnel"), m.sub("tunnel"));
  if (!t.has("vni")) fail(c, m.get("tunnel"), m.sub("tunnel"), "missing 'vni'");
  r.vni = static_cast<std::uint32_t>(t.u64("vni", 0, 0, 0xFFFFFF));
  r.port = static_cast<std::uint16_t>(t.u64("port", 4789, 1, 65535));
  const bool tether = r.role == Relocation::Role::kTether;
  if (tether) {
    if (!t.has("anchor")) {
      fail(c, m.get("tunnel"), m.sub("tunnel"), "a tether needs 'anchor' (the anchor's address)");
    }
    r.anchor = ip_of(c, t.get("anchor"), t.sub("anchor"));
    r.keepalive_ns = t.u64("keepalive_ms", r.keepalive_ns / 1'000'000, 0, 3'600'000) * 1'000'000;
  } else {
    for (const char* k : {"anchor", "keepalive_ms"}) {
      if (t.has(k)) {
        fail(c, t.get(k), t.sub(k), "only a tether names the anchor and sends keepalives");
      }
    }
  }
  t.done();
  m.done();
  try {
    pol.pipeline->set_relocation(std::move(r));
  } catch (const RelocationError& e) {
    fail(c, n, "relocation", e.what());
  }
}

/// Live migrations staged in the policy (docs/vswitch-migration.md): inactive until
/// Pipeline::activate(id).
void read_migrations(const Ctx& c, Map& top, Policy& pol) {
  std::set<std::uint32_t> ids;
  each(c, top.get("migrations"), "migrations", [&](const YAML::Node& mn, const std::string& mp) {
    Map g(c, mn, mp);
    if (!g.has("id")) fail(c, mn, mp, "missing 'id'");
    const auto id = static_cast<std::uint32_t>(g.u64("id", 0, 1, 0xFFFFFFFFu));
    if (!ids.insert(id).second) {
      fail(c, g.get("id"), g.sub("id"), "duplicate migration " + std::to_string(id));
    }
    // The pipeline's own checks (a VNET that does not exist, a CA another migration moves),
    // reported at the entry.
    const auto stage = [&](const YAML::Node& n, const std::string& p, const auto& fn) {
      try {
        fn();
      } catch (const MigrationError& e) {
        fail(c, n, p, e.what());
      }
    };
    each(c, g.get("mappings"), g.sub("mappings"), [&](const YAML::Node& n, const std::string& p) {
      Map m(c, n, p);
      if (!m.has("vnet")) fail(c, n, p, "missing 'vnet'");
      const auto vnet = static_cast<std::uint32_t>(m.u64("vnet", 0, 1, 0xFFFFFFFFu));
      const model::IpAddr ca = ca_of(c, n, p, m);
      const CaPaMapping map = mapping_of(c, n, p, m);
      m.done();
      stage(n, p, [&] { pol.pipeline->stage_mapping(id, vnet, ca, map); });
    });
    each(c, g.get("valid_pas"), g.sub("valid_pas"), [&](const YAML::Node& n, const std::string& p) {
      Map v(c, n, p);
      if (!v.has("vnet") || !v.has("pa")) fail(c, n, p, "a valid PA change needs vnet and pa");
      const auto vnet = static_cast<std::uint32_t>(v.u64("vnet", 0, 1, 0xFFFFFFFFu));
      const model::IpAddr pa = ip_of(c, v.get("pa"), v.sub("pa"));
      const bool valid = v.boolean("valid", true);
      v.done();
      stage(n, p, [&] { pol.pipeline->stage_valid_pa(id, vnet, pa, valid); });
    });
    g.done();
    if (pol.pipeline->shadow(id) == nullptr) fail(c, mn, mp, "a migration stages nothing");
  });
}

Policy parse(const Ctx& c, const YAML::Node& root) {
  Map top(c, root, "");
  if (!root.IsMap()) fail(c, root, "", "a policy file is a mapping (nicsim_policy: 1, underlay: ...)");
  if (top.u64("nicsim_policy", 0, 1, 1) != 1) fail(c, root, "", "missing 'nicsim_policy: 1'");
  Map u(c, top.get("underlay"), "underlay");
  if (!u.has("pa")) fail(c, root, "underlay", "missing 'underlay.pa' (this host's provider address)");
  const model::IpAddr pa = ip_of(c, u.get("pa"), u.sub("pa"));
  const model::IpAddr vip = u.has("vip") ? ip_of(c, u.get("vip"), u.sub("vip")) : pa;
  Policy pol;
  pol.pipeline = std::make_unique<Pipeline>(pa, vip);
  if (u.has("mac")) pol.config.underlay_mac = yaml::mac_of(c, u.get("mac"), u.sub("mac"));
  if (u.has("next_hop_mac")) {
    pol.config.underlay_next_hop = yaml::mac_of(c, u.get("next_hop_mac"), u.sub("next_hop_mac"));
  }
  u.done();
  if (top.has("switch")) {
    Map s(c, top.get("switch"), "switch");
    pol.config.offload = s.boolean("offload", true);
    pol.config.flow_capacity = s.u64("flow_capacity", pol.config.flow_capacity, 1, 1u << 26);
    s.done();
  }
  read_groups(c, top, pol);
  std::set<std::uint32_t> vnets, sessions;
  read_vnets(c, top, pol, vnets);
  read_mirror_sessions(c, top, pol, sessions);
  std::set<std::uint32_t> contexts;
  read_relocation(c, top, pol, vnets);
  read_contexts(c, top, pol, vnets, contexts);
  read_enis(c, top, pol, vnets, sessions, contexts);
  read_migrations(c, top, pol);
  top.done();
  return pol;
}

}  // namespace

Policy parse_policy(const std::string& text, const std::string& name) {
  const Ctx c{name, "."};
  try {
    return parse(c, yaml::load(text, name));
  } catch (const yaml::Error& e) {
    throw PolicyError(e.what());
  } catch (const std::invalid_argument& e) {
    throw PolicyError(name + ": " + e.what());
  }
}

Policy load_policy(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw PolicyError(path + ": cannot open the policy file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_policy(text.str(), path);
}

}  // namespace nicsim::host::vswitch
