// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/switch.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include "nicsim/host/vswitch/frame_rule.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/transpose.hpp"

namespace nicsim::host::vswitch {

namespace {

constexpr unsigned kHostVport = 255;
/// The EtherType of a relocation tunnel's keepalive (inside VXLAN): IEEE 802's local
/// experimental EtherType 1, never an IP frame the policy would decide.
constexpr std::uint16_t kKeepaliveType = 0x88B5;

/// The template's tunnel type for an overlay tunnel (VXLAN, NVGRE, Geneve); none for others.
std::optional<fmt::EncapTunnel> fmt_tunnel(model::TunnelType t) {
  switch (t) {
    case model::TunnelType::kVxlan: return fmt::EncapTunnel::kVxlan;
    case model::TunnelType::kNvgre: return fmt::EncapTunnel::kNvgre;
    case model::TunnelType::kGeneve: return fmt::EncapTunnel::kGeneve;
    default: return std::nullopt;
  }
}

/// The flow API's encap action of a template's type.
FlowAction encap_action(fmt::EncapTunnel t, unsigned index) {
  switch (t) {
    case fmt::EncapTunnel::kNvgre: return ActionNvgreEncap{index};
    case fmt::EncapTunnel::kGeneve: return ActionGeneveEncap{index};
    default: return ActionVxlanEncap{index};
  }
}

/// An encap the NIC's templates cannot express becomes a drop (a policy mistake the loaders
/// cannot see, since it depends on which mapping a packet meets): outer addresses of two
/// families (this host's PA IPv4, the peer's IPv6), "mixed_underlay"; a tunnel type other than
/// VXLAN, NVGRE and Geneve (set by a program, no front-end makes one), "encap_unsupported".
/// The reason, or null when `d` stays as it is.
const char* unencapsulable(Decision& d) {
  if (d.kind != Decision::Kind::kEncap) return nullptr;
  const char* why = d.outer_src.version() != d.outer_dst.version() ? "mixed_underlay"
                    : !fmt_tunnel(d.encap)                         ? "encap_unsupported"
                                                                   : nullptr;
  if (why != nullptr) {
    d.kind = Decision::Kind::kDrop;
    d.reason = why;
  }
  return why;
}

/// Two decisions that make the NIC do the same thing to a packet.
bool same_effect(const Decision& a, const Decision& b) {
  if (a.kind != b.kind || !(a.rewrite == b.rewrite) || a.snat != b.snat || a.mirror != b.mirror ||
      a.underlay_src != b.underlay_src) {
    return false;
  }
  switch (a.kind) {
    case Decision::Kind::kDrop:
      return true;
    case Decision::Kind::kDirect:
      return a.decap == b.decap;
    case Decision::Kind::kEncap:
      return a.decap == b.decap && a.encap == b.encap && a.vni == b.vni &&
             a.outer_src == b.outer_src && a.outer_dst == b.outer_dst &&
             a.inner_dmac == b.inner_dmac && a.encap_dport == b.encap_dport &&
             a.encap_sport == b.encap_sport;
    case Decision::Kind::kToVnic:
      return a.vport == b.vport && a.decap == b.decap;
  }
  return false;
}

}  // namespace

struct Switch::Sw {
  model::Parser parser;
  model::ParseResult pr;
  model::Transposer tr;
  model::EncapTable encap{2};  // index 1: the template of the packet at hand
  /// A flow's action record as the NIC would hold it, and its template.
  struct Compiled {
    fmt::ActionRecord rec;
    std::optional<EncapTemplate> tmpl;
  };
  std::unordered_map<std::uint64_t, Compiled> compiled;  // by connection * 2 + direction
  /// A mirror copy's action record: [0] the frame as it is, [1] with its tunnel removed first
  /// (what came from the wire); the encap template is the session's, in slot 1.
  std::array<std::optional<fmt::ActionRecord>, 2> mirror;
  std::vector<std::uint8_t> fixed;  // a frame whose outer UDP source port is set (relocation)
};

Switch::Switch(Driver& drv, FlowTable& flows, Pipeline& policy, SwitchConfig cfg)
    : drv_(drv),
      ft_(flows),
      policy_(policy),
      cfg_(cfg),
      cache_(policy, cfg.flow_capacity, cfg.timeouts, cfg.tcp_loose),
      sw_(std::make_unique<Sw>()) {
  // Lowest index first (pop_back).
  for (unsigned i = drv_.features().num_encap; i-- > 1;) free_templates_.push_back(i);
}

Switch::~Switch() {
  // The NIC keeps nothing of a switch that is gone: its flows, delivery rules and catch-alls.
  // (Queues release themselves.) Errors are ignored: the NIC may be gone first.
  try {
    flush();
    for (auto& [id, d] : delivery_) (void)ft_.destroy(d.flow);
    for (auto& [id, d] : bridged_) (void)ft_.destroy(d.flow);
    for (auto& [id, st] : steering_) {
      for (const Flow f : st.flows) (void)ft_.destroy(f);
    }
    for (const Flow f : catch_all_) (void)ft_.destroy(f);
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void Switch::bring_up() {
  policy_.check_shared_addresses();
  exc_ = std::make_unique<RxQueue>(RxQueue::exception(drv_, cfg_.exception_ring));
  txq_ = std::make_unique<TxQueue>(
      drv_, cfg_.host_txq, TxQueueConfig{.size_log2 = 10, .buf_size = 16384, .vport = kHostVport});
  if (on_tx_) txq_->on_complete(on_tx_);
  // What the software fast path sends and no ENI rule takes goes to the wire: untunnelled
  // frames (direct routes), VLAN-tagged ones (a VM's own tags on a direct route) and VXLAN,
  // NVGRE and Geneve (encapsulated by software). The outer headers are not in the key: one
  // rule per tunnel covers both underlay families.
  const FlowAttr a{.priority = static_cast<std::uint16_t>(cfg_.host_rule_priority + 1),
                   .ingress_vport = kHostVport,
                   .placement = Placement::kTcam};
  const std::vector<FlowAction> to_wire{ActionPort{0}};
  for (const std::vector<FlowItem>& pattern :
       {std::vector<FlowItem>{}, std::vector<FlowItem>{ItemEth{}, ItemVlan{}},
        std::vector<FlowItem>{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{}},
        std::vector<FlowItem>{ItemEth{}, ItemIpv4{}, ItemNvgre{}},
        std::vector<FlowItem>{ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemGeneve{}}}) {
    auto f = ft_.create(a, pattern, to_wire);
    if (!f) throw FlowException(f.error());
    catch_all_.push_back(*f);
  }
  sync_delivery_rules();
}

void Switch::sync_rules(std::map<std::uint32_t, Delivery>& have, unsigned ingress,
                        const std::function<std::optional<Delivery>(const Eni&)>& want) {
  const auto& enis = policy_.enis();
  for (auto it = have.begin(); it != have.end();) {
    const auto e = enis.find(it->first);
    const std::optional<Delivery> w = e != enis.end() ? want(e->second) : std::nullopt;
    if (w && w->mac == it->second.mac && w->vport == it->second.vport &&
        w->vlan == it->second.vlan) {
      ++it;
      continue;
    }
    (void)ft_.destroy(it->second.flow);
    it = have.erase(it);
  }
  for (const auto& [id, eni] : enis) {
    if (have.contains(id)) continue;
    std::optional<Delivery> w = want(eni);
    if (!w) continue;
    std::vector<FlowItem> pattern{
        ItemEth{{EthHdr{.dst = w->mac}, EthHdr{.dst = Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}}}};
    std::vector<FlowAction> actions;
    if (w->vlan) {
      pattern.emplace_back(ItemVlan{{VlanHdr{.tci = *w->vlan}, VlanHdr{.tci = 0x0FFF}}});
      actions.emplace_back(ActionPopVlan{});
    }
    actions.emplace_back(ActionVnic{w->vport});
    const FlowAttr a{.priority = cfg_.host_rule_priority,
                     .ingress_vport = ingress,
                     .placement = Placement::kTcam};
    auto f = ft_.create(a, pattern, actions);
    if (!f) throw FlowException(f.error());
    w->flow = *f;
    have.emplace(id, *w);
  }
}

void Switch::sync_delivery_rules() {
  // The host port: a frame the software fast path sends with an ENI's MAC as destination (one
  // it decapsulated or translated for it) goes to its VNIC. A remote VM's ENI (vport 0, DASH's
  // appliance) has no VNIC to deliver to.
  sync_rules(delivery_, kHostVport, [](const Eni& e) -> std::optional<Delivery> {
    if (e.vport == 0) return std::nullopt;
    return Delivery{e.mac.bytes(), e.vport, std::nullopt, {}};
  });
  // The wire: a bridged VM's frames (its MAC, its VLAN) go straight to its VNIC, the tag
  // removed: the NIC's MAC and VLAN table classifying received frames into per-VNIC rings.
  sync_rules(bridged_, 0, [](const Eni& e) -> std::optional<Delivery> {
    if (e.vport == 0 || !e.bridge) return std::nullopt;
    return Delivery{e.mac.bytes(), e.vport, e.bridge->vlan, {}};
  });
  sync_steering_rules();
}

std::optional<Switch::Steering> Switch::steering_of(const Eni& e) const {
  if (!cfg_.offload || !e.snat || !e.snat->inbound_to || !e.snat->listen || e.vport == 0 ||
      !e.admin_up || !e.mirror.empty()) {
    return std::nullopt;
  }
  // The NIC cannot evaluate ACL stages: an ENI with inbound groups is decided by the host.
  for (const AclStages* st : {&e.inbound_acl, &e.inbound_acl_v6}) {
    for (unsigned i = 0; i < AclStages::kStages; ++i) {
      if (st->group(i) != nullptr) return std::nullopt;
    }
  }
  return Steering{*e.snat, e.vport, e.mac.bytes(), {}};
}

void Switch::sync_steering_rules() {
  const auto& enis = policy_.enis();
  for (auto it = steering_.begin(); it != steering_.end();) {
    const auto e = enis.find(it->first);
    const std::optional<Steering> w = e != enis.end() ? steering_of(e->second) : std::nullopt;
    if (w && w->snat == it->second.snat && w->vport == it->second.vport &&
        w->mac == it->second.mac && !it->second.flows.empty()) {
      ++it;
      continue;
    }
    for (const Flow f : it->second.flows) (void)ft_.destroy(f);
    it = steering_.erase(it);
  }
  for (const auto& [id, eni] : enis) {
    if (steering_.contains(id)) continue;
    std::optional<Steering> w = steering_of(eni);
    if (!w) continue;
    // From the wire to the address, a listening port: the VM's address and MAC, its VNIC.
    // The address is matched exactly, the port as the range's prefixes (port_masks).
    const model::IpAddr& a = w->snat.public_ip;
    const model::IpAddr& vm = *w->snat.inbound_to;
    FlowItem l3 = a.is_v4() ? FlowItem{ItemIpv4{{.spec = Ipv4Hdr{.dst = a.v4().value()},
                                                 .mask = Ipv4Hdr{.dst = 0xFFFFFFFFu}}}}
                            : FlowItem{ItemIpv6{{.spec = Ipv6Hdr{.dst = a.v6().bytes()},
                                                 .mask = Ipv6Hdr{.dst = Ipv6{
                                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                     0xff, 0xff}}}}};
    FlowAction to_vm = vm.is_v4() ? FlowAction{ActionSetIpv4Dst{vm.v4().value()}}
                                  : FlowAction{ActionSetIpv6Dst{vm.v6().bytes()}};
    const FlowAttr attr{.priority = cfg_.host_rule_priority,
                        .ingress_vport = 0,
                        .placement = Placement::kTcam};
    std::vector<FlowRule> rules;
    for (const PortMask& pm : port_masks(*w->snat.listen)) {
      FlowItem tcp = ItemTcp{{.spec = TcpHdr{.dport = pm.value}, .mask = TcpHdr{.dport = pm.mask}}};
      FlowItem udp = ItemUdp{{.spec = UdpHdr{.dport = pm.value}, .mask = UdpHdr{.dport = pm.mask}}};
      // TCP: the connection's SYN, FIN and RST also reach the host (its tracking: the VM's
      // replies find the connection and leave from the same port).
      rules.push_back({attr, {ItemEth{}, l3, tcp},
                       {ActionTcpCtlCopy{}, to_vm, ActionSetMacDst{w->mac}, ActionVnic{w->vport}}});
      rules.push_back({attr, {ItemEth{}, l3, udp},
                       {to_vm, ActionSetMacDst{w->mac}, ActionVnic{w->vport}}});
    }
    // All of the range or none: a range the TCAM has no room for is steered by the host (the
    // slow path decides the same), counted.
    bool full = false;
    for (const FlowRule& r : rules) {
      auto f = ft_.create(r);
      if (!f) {
        if (f.error().type != FlowError::Type::kTableFull) throw FlowException(f.error());
        full = true;
        break;
      }
      w->flows.push_back(*f);
    }
    if (full) {
      for (const Flow f : w->flows) (void)ft_.destroy(f);
      ++stats_.steer_full;
      continue;
    }
    steering_.emplace(id, std::move(*w));
  }
}

std::size_t Switch::steering_rules() const {
  std::size_t n = 0;
  for (const auto& [id, st] : steering_) n += st.flows.size();
  return n;
}

std::size_t Switch::steering_rules(std::uint32_t eni) const {
  const auto it = steering_.find(eni);
  return it == steering_.end() ? 0 : it->second.flows.size();
}

std::pair<EncapTemplate, Switch::EncapKey> Switch::tunnel(
    fmt::EncapTunnel type, std::uint32_t vni, const model::IpAddr& src, const model::IpAddr& dst,
    std::optional<std::uint16_t> dport) const {
  EncapTemplate t;
  t.dmac = cfg_.underlay_next_hop;
  t.smac = cfg_.underlay_mac;
  t.vni = vni;
  t.set_tunnel(type);
  if (type == fmt::EncapTunnel::kGeneve) t.udp_dport = 6081;  // IANA's Geneve port
  // A tunnel through a NAT (subnet relocation's anchor): the port the NAT gave the far end.
  if (dport && type != fmt::EncapTunnel::kNvgre) t.udp_dport = *dport;
  EncapKey k;
  k.type = static_cast<std::uint8_t>(type);
  k.vni = vni;
  k.dport = t.udp_dport;
  if (dst.is_v6()) {
    t.set_ipv6(true);
    t.sip = src.v6().bytes();
    t.dip = dst.v6().bytes();
    k.v6 = 1;
  } else {
    fmt::store_be(t.sip.data() + 12, src.v4().value(), 4);  // IPv4: last 4 bytes
    fmt::store_be(t.dip.data() + 12, dst.v4().value(), 4);
  }
  k.src = t.sip;
  k.dst = t.dip;
  return {t, k};
}

Switch::Plan Switch::plan(const Decision& d, bool tcp, bool nic) const {
  Plan p;
  p.actions.reserve(6);  // one allocation for the usual decisions (an encap's are 3 to 5)
  // A decision made for one underlay source holds for that source only (PA validation, inbound
  // routes by source prefix): the NIC sends a frame from another to the host (spec 5.2,
  // check_osrc), whatever the decision, a drop included (or a spoofed first packet's drop
  // would keep the real peer out). The software path checks it in the flow cache.
  if (nic && d.underlay_src) {
    ActionCheckOuterSrc c;  // as the flow key holds addresses: IPv4 in the last 4 bytes
    if (d.underlay_src->is_v4()) {
      fmt::store_be(c.addr.data() + 12, d.underlay_src->v4().value(), 4);
    } else {
      c.addr = d.underlay_src->v6().bytes();
    }
    p.actions.emplace_back(c);
  }
  switch (d.kind) {
    case Decision::Kind::kDrop:
      p.actions.emplace_back(ActionDrop{});
      return p;
    case Decision::Kind::kDirect:
    case Decision::Kind::kToVnic:
    case Decision::Kind::kEncap:
      break;
  }
  // The received tunnel comes off first (spec 5.2: decap, then the MAC rewrite and the encap
  // act on the inner frame): inbound, and outbound from the wire (DASH's appliance).
  if (d.decap) p.actions.emplace_back(ActionVxlanDecap{});
  // A TCP connection's SYN, FIN and RST also reach the host (spec 5.2 step 2), so that its
  // state and aging stay right while the NIC forwards it.
  if (tcp) p.actions.emplace_back(ActionTcpCtlCopy{});
  // A mirrored flow's frames, as received, also reach the host, which sends them on to the
  // collectors (with tcp_ctl_copy too, a control segment gives one copy: spec 5.2 step 2).
  if (nic && (d.mirror[0] != 0 || d.mirror[1] != 0)) p.actions.emplace_back(ActionMirror{});
  // NAT's addresses and ports, a local VM's MAC (spec 5.2 steps 4 and 5, on the frame after the
  // decap: the checksums follow).
  const Decision::Rewrite& rw = d.rewrite;
  if (rw.src_ip) {
    if (rw.src_ip->is_v4()) {
      p.actions.emplace_back(ActionSetIpv4Src{rw.src_ip->v4().value()});
    } else {
      p.actions.emplace_back(ActionSetIpv6Src{rw.src_ip->v6().bytes()});
    }
  }
  if (rw.dst_ip) {
    if (rw.dst_ip->is_v4()) {
      p.actions.emplace_back(ActionSetIpv4Dst{rw.dst_ip->v4().value()});
    } else {
      p.actions.emplace_back(ActionSetIpv6Dst{rw.dst_ip->v6().bytes()});
    }
  }
  if (rw.sport) p.actions.emplace_back(ActionSetTpSrc{*rw.sport});
  if (rw.dport) p.actions.emplace_back(ActionSetTpDst{*rw.dport});
  if (rw.dmac) p.actions.emplace_back(ActionSetMacDst{rw.dmac->bytes()});
  // Routed by the host's virtual router (a routing context's `context` route): a router's hop.
  if (rw.smac) p.actions.emplace_back(ActionSetMacSrc{rw.smac->bytes()});
  if (rw.dec_ttl) p.actions.emplace_back(ActionDecTtl{});
  switch (d.kind) {
    case Decision::Kind::kDrop:
      break;
    case Decision::Kind::kDirect:
      if (d.snat) {  // a NATed frame leaves as the host's
        p.actions.emplace_back(ActionSetMacSrc{cfg_.underlay_mac});
        p.actions.emplace_back(ActionSetMacDst{cfg_.underlay_next_hop});
      }
      p.actions.emplace_back(ActionPort{0});
      break;
    case Decision::Kind::kToVnic:
      p.actions.emplace_back(ActionVnic{d.vport});
      break;
    case Decision::Kind::kEncap: {
      const fmt::EncapTunnel type = *fmt_tunnel(d.encap);  // unencapsulable() checked it
      auto [t, k] = tunnel(type, d.vni, d.outer_src, d.outer_dst, d.encap_dport);
      p.tmpl = t;
      p.key = k;
      // Template index 1 until install() gives the flow its own.
      p.actions.emplace_back(ActionSetMacDst{d.inner_dmac.bytes()});
      p.actions.push_back(encap_action(type, 1));
      p.actions.emplace_back(ActionPort{0});
      break;
    }
  }
  return p;
}

std::size_t Switch::EncapKeyHash::operator()(const EncapKey& k) const noexcept {
  std::array<std::uint64_t, 4> w{};
  std::memcpy(w.data(), k.src.data(), 16);
  std::memcpy(w.data() + 2, k.dst.data(), 16);
  std::uint64_t h = hash_mix(std::uint64_t{k.dport} << 48 | std::uint64_t{k.vni} << 16 |
                             std::uint64_t{k.type} << 8 | k.v6);
  for (const std::uint64_t x : w) h = hash_mix(h ^ x);
  return static_cast<std::size_t>(h);
}

bool Switch::prepare(FlowRule& rule, Plan& plan) {
  rule.actions = std::move(plan.actions);
  rule.attr.placement = Placement::kExact;
  if (!plan.key) return true;
  auto it = encaps_.find(*plan.key);
  if (it == encaps_.end()) {
    if (free_templates_.empty()) {
      ++stats_.encap_full;
      return false;
    }
    const unsigned index = free_templates_.back();
    if (!ft_.set_encap_template(index, *plan.tmpl)) {
      ++stats_.not_offloadable;
      return false;
    }
    free_templates_.pop_back();
    it = encaps_.emplace(*plan.key, EncapSlot{index, 0}).first;
  }
  for (FlowAction& a : rule.actions) {
    if (auto* e = std::get_if<ActionVxlanEncap>(&a)) e->template_index = it->second.index;
    if (auto* e = std::get_if<ActionNvgreEncap>(&a)) e->template_index = it->second.index;
    if (auto* e = std::get_if<ActionGeneveEncap>(&a)) e->template_index = it->second.index;
  }
  ++it->second.refs;
  return true;
}

Switch::InstallResult Switch::finish(Result<Flow> f, FlowRule&& rule, const Plan& plan,
                                     const Decision& d) {
  InstallResult r;
  if (!f) {
    if (plan.key) release(*plan.key);
    if (f.error().type == FlowError::Type::kExists) {
      r.status = InstallResult::kExists;
    } else if (f.error().type == FlowError::Type::kTableFull) {
      ++stats_.nic_full;
    } else {
      ++stats_.not_offloadable;  // no exact key (a fragment) or an action the NIC refuses
    }
    return r;
  }
  ++stats_.installed;
  r.status = InstallResult::kInstalled;
  r.in = Installed{*f, std::move(rule), d, plan.key, 0};
  return r;
}

void Switch::release(const EncapKey& k) {
  const auto it = encaps_.find(k);
  if (it == encaps_.end()) return;
  if (--it->second.refs == 0) {
    free_templates_.push_back(it->second.index);
    encaps_.erase(it);
  }
}

void Switch::bill(Installed& in, const FlowCounters& c) {
  const std::uint64_t packets = c.packets - in.billed_packets;
  const std::uint64_t bytes = c.bytes - in.billed_bytes;
  if (packets != 0) policy_.account(in.decision, bytes - packets * in.overhead, packets);
  in.billed_packets = c.packets;
  in.billed_bytes = c.bytes;
}

void Switch::remove_conn(std::uint64_t conn) { remove_conns({&conn, 1}, false); }

void Switch::remove_conns(std::span<const std::uint64_t> ids, bool billed) {
  std::vector<Installed*> gone;
  for (const std::uint64_t conn : ids) {
    sw_->compiled.erase(conn * 2);
    sw_->compiled.erase(conn * 2 + 1);
    software_only_.erase(conn * 2);
    software_only_.erase(conn * 2 + 1);
    const auto it = conns_.find(conn);
    if (it == conns_.end()) continue;
    for (auto& dir : it->second.dir) {
      for (Installed& in : dir) gone.push_back(&in);
    }
  }
  uninstall(gone, billed);
  for (const std::uint64_t conn : ids) conns_.erase(conn);
}

void Switch::remove_dir(std::uint64_t conn, Direction dir) {
  const std::uint64_t key = conn * 2 + static_cast<unsigned>(dir);
  sw_->compiled.erase(key);
  software_only_.erase(key);
  const auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  auto& list = it->second.dir[static_cast<unsigned>(dir)];
  std::vector<Installed*> gone;
  for (Installed& in : list) gone.push_back(&in);
  uninstall(gone, false);
  list.clear();
  if (it->second.dir[0].empty() && it->second.dir[1].empty()) conns_.erase(it);
}

void Switch::uninstall(std::span<Installed* const> gone, bool billed) {
  std::vector<Flow> flows;
  flows.reserve(gone.size());
  for (const Installed* in : gone) flows.push_back(in->flow);
  if (!billed) {
    const std::vector<Result<FlowCounters>> counters = ft_.query_bulk(flows);
    for (std::size_t i = 0; i < gone.size(); ++i) {
      if (counters[i]) bill(*gone[i], *counters[i]);
    }
  }
  (void)ft_.destroy_batch(flows);  // NOT_FOUND: gone already (a flush by another owner)
  for (const Installed* in : gone) {
    if (in->encap) release(*in->encap);
  }
  stats_.removed += gone.size();
}

bool Switch::send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport) {
  if (tx_pending_ + 1 >= txq_->size()) flush_tx();  // room for the NIC to free slots
  if (!txq_->send(frame, vport, false)) return false;
  ++tx_pending_;
  return true;
}

void Switch::flush_tx() {
  if (tx_pending_ == 0) return;
  txq_->doorbell();
  tx_pending_ = 0;
}

std::size_t Switch::service(std::uint64_t now, unsigned budget) {
  if (!exc_) return 0;
  keepalive(now);
  std::size_t n = 0;
  std::vector<Pending> offload;
  while (n < budget) {
    const auto batch = exc_->poll(std::min(budget - static_cast<unsigned>(n), 64u));
    if (batch.empty()) break;
    offload.clear();
    for (const RxPacket& p : batch) {
      if (on_exception_) on_exception_(p);
      handle(p, now, offload);
    }
    install_batch(offload);
    n += batch.size();
    // The anchor learned a new place for the tether: its offloaded flows toward the tunnel are
    // replaced (one template rewritten for all of them, the spec's reason for templates).
    if (relearned_) {
      relearned_ = false;
      (void)policy_changed();
    }
  }
  flush_tx();
  txq_->reap();
  return n;
}

void Switch::handle(const RxPacket& p, std::uint64_t now, std::vector<Pending>& offload) {
  ++stats_.exceptions;
  const bool copy =
      p.reason == ExceptionReason::kTcpCtl || p.reason == ExceptionReason::kMirror;
  // OUTER_SRC: a frame of an offloaded tunnelled flow from another underlay source (the flow
  // cache decides it again, below).
  const bool osrc = p.reason == ExceptionReason::kOuterSrc;
  if (p.reason == ExceptionReason::kTtl) {  // a routed flow's frame whose TTL ran out
    ++stats_.ttl_expired;
    return;
  }
  if ((p.reason != ExceptionReason::kMiss && !copy && !osrc) || p.src_vport == kHostVport) {
    ++stats_.other_reason;
    return;
  }
  // Parsed once: the software path transposes and the offload makes its rule from this parse.
  const auto info = packet_info(p.bytes, p.src_vport, sw_->pr);
  if (p.src_vport == 0 && from_tether()) return;  // a relocation tunnel's keepalive
  const auto way = info ? policy_.direction_of(*info, p.src_vport) : std::nullopt;
  if (!way) {  // not IP, or untunnelled from the wire: not the policy's to place
    ++stats_.not_routable;
    return;
  }
  const Direction dir = *way;
  FlowCache::Result r = cache_.lookup(dir, *info, now);
  if (copy) {
    // A copy of an offloaded connection's SYN, FIN or RST, or of any frame of a mirrored flow:
    // the NIC forwarded the frame itself; connection tracking follows it (a reopened tuple
    // replaces the old connection's flows) and the mirror sessions get it.
    ++(p.reason == ExceptionReason::kTcpCtl ? stats_.tcp_ctl_copies : stats_.mirror_copies);
    if (r.replaced != 0) remove_conn(r.replaced);
    mirror(p, r.decision, true);
    return;
  }
  if (r.replaced != 0) remove_conn(r.replaced);
  if (osrc) ++stats_.outer_src;
  if (r.underlay_refused) {  // from a source the policy refuses: its flows stay
    ++stats_.underlay_refused;
    ++stats_.policy_drops;
    return;
  }
  if (r.underlay_moved) {  // a source the policy accepts: new flows for it
    ++stats_.underlay_moved;
    remove_dir(r.conn, dir);
  }
  Decision& d = r.decision;  // the lookup's copy, adjusted for what the NIC can encapsulate
  if (const char* why = unencapsulable(d)) {
    ++(std::string_view(why) == "mixed_underlay" ? stats_.mixed_underlay
                                                 : stats_.encap_unsupported);
  }
  const std::uint64_t key = r.conn != 0 ? r.conn * 2 + static_cast<unsigned>(dir) : 0;
  // A tunnel from a fixed UDP source port (the relocation's tether) is beyond the NIC's
  // templates (spec 5.5: the source port is the flow's entropy): the software fast path.
  if (cfg_.offload && r.conn != 0 && !d.encap_sport &&
      (r.first || !software_only_.contains(key))) {
    auto rule = rule_of_frame(p.bytes, p.src_vport, sw_->pr);
    const bool tcp = info->tuple.proto == 6;
    Plan pl = plan(d, tcp && d.kind != Decision::Kind::kDrop);
    if (rule && prepare(*rule, pl)) {
      // Installed with the rest of the batch (one flow-command ring doorbell), then re-injected.
      offload.push_back(Pending{&p, std::move(*rule), std::move(pl), d, r.conn, dir,
                                info->overlay_len, tcp});
      return;
    }
    // No template left (counted by prepare): like a failed install, not tried at every packet.
    software_only_.insert(key);
    if (!rule) ++stats_.not_routable;  // packet_info parsed it: cannot happen
  }
  if (d.kind == Decision::Kind::kDrop) {
    ++stats_.policy_drops;
    return;
  }
  software(p, key, r.first, d, info->overlay_len, true);
}

void Switch::install_batch(std::vector<Pending>& offload) {
  if (offload.empty()) return;
  std::vector<FlowRule> rules;
  rules.reserve(offload.size());
  for (Pending& x : offload) rules.push_back(std::move(x.rule));
  std::vector<Result<Flow>> res = ft_.create_batch(rules);
  for (std::size_t i = 0; i < offload.size(); ++i) {
    Pending& x = offload[i];
    const bool drop = x.decision.kind == Decision::Kind::kDrop;
    InstallResult ir = finish(std::move(res[i]), std::move(rules[i]), x.plan, x.decision);
    if (ir.status == InstallResult::kFailed) {  // counted: the software fast path serves it
      // Not tried again for every packet: after a policy change or once flows went away.
      software_only_.insert(x.conn * 2 + static_cast<unsigned>(x.dir));
      if (drop) {
        ++stats_.policy_drops;
      } else {
        software(*x.p, x.conn * 2 + static_cast<unsigned>(x.dir), true, x.decision, x.overlay_len,
                 false);
      }
      continue;
    }
    // Through the NIC's new flow (or the one an earlier miss of the same flow installed); a
    // drop needs nothing more.
    bool sent = false;
    if (drop) {
      ++stats_.policy_drops;
    } else if (send(x.p->bytes, static_cast<std::uint8_t>(x.p->src_vport))) {
      ++stats_.reinjected;
      sent = true;
    } else {
      ++stats_.tx_refused;
    }
    if (ir.status == InstallResult::kInstalled) {
      ir.in.packets = sent ? 1 : 0;  // the NIC counts the re-injected frame: not activity
      ir.in.overhead = static_cast<std::uint32_t>(x.p->bytes.size()) - x.overlay_len;
      ir.in.tcp = x.tcp;
      conns_[x.conn].dir[static_cast<unsigned>(x.dir)].push_back(std::move(ir.in));
    }
  }
}

void Switch::software(const RxPacket& p, std::uint64_t key, bool fresh, const Decision& d,
                      std::uint32_t overlay_len, bool parsed) {
  Sw& sw = *sw_;
  Sw::Compiled local;
  Sw::Compiled* c = &local;
  if (key != 0) {
    const auto [it, made] = sw.compiled.try_emplace(key);
    c = &it->second;
    fresh = fresh || made;
  }
  if (key == 0 || fresh) {
    const Plan pl = plan(d, false, false);  // the host sees every packet: no copies
    if (!parsed) sw.parser.parse(p.bytes, sw.pr);
    parsed = true;
    const auto rule = rule_of_frame(p.bytes, p.src_vport, sw.pr);
    const auto cr = rule ? ft_.compile(rule->attr, rule->pattern, pl.actions, false)
                         : Result<CompiledRule>(FlowError{});
    if (!cr) {
      if (key != 0) sw.compiled.erase(key);
      ++stats_.not_routable;  // the NIC has no encap templates at all: nothing can encapsulate
      return;
    }
    c->rec = fmt::ActionRecord::decode(cr->action);
    c->tmpl = pl.tmpl;
  }
  if (!parsed) sw.parser.parse(p.bytes, sw.pr);
  // A routed packet whose TTL (hop limit) runs out is dropped, as the NIC sends it to the host
  // instead of forwarding it (spec 5.3).
  if (model::Transposer::ttl_expired(sw.pr, c->rec)) {
    ++stats_.ttl_expired;
    return;
  }
  if (c->tmpl) sw.encap.set(1, *c->tmpl);
  sw.tr.apply(p.bytes, sw.pr, c->rec, p.flow_hash, sw.encap);
  std::span<const std::uint8_t> out = sw.tr.output();
  if (d.kind == Decision::Kind::kEncap && d.encap_sport && d.encap != model::TunnelType::kNvgre &&
      c->tmpl) {
    // The tether's tunnel: every frame from its one port (the NAT keeps one binding for the
    // tunnel, the anchor's answers come back to it). The outer UDP checksum is 0 (spec 5.5):
    // nothing else changes. The UDP header is where the template put it (its tag included).
    sw.fixed.assign(out.begin(), out.end());
    const std::size_t udp = model::encap_header_len(*c->tmpl) - model::encap_tunnel_len(*c->tmpl);
    fmt::store_be(sw.fixed.data() + udp, *d.encap_sport, 2);
    out = sw.fixed;
    ++stats_.fixed_sport_sw;
  }
  if (send(out, std::nullopt)) {
    ++stats_.sw_forwarded;
    policy_.account(d, overlay_len);  // DASH's meter buckets (the NIC's counters bill the rest)
  } else {
    ++stats_.tx_refused;
  }
  mirror(p, d, true);
}

void Switch::mirror(const RxPacket& p, const Decision& d, bool parsed) {
  if (d.kind == Decision::Kind::kDrop) return;
  Sw& sw = *sw_;
  for (const std::uint32_t id : d.mirror) {
    if (id == 0) continue;
    const MirrorSession* s = policy_.find_mirror_session(id);
    const model::IpAddr& pa = policy_.underlay_ip();
    if (s == nullptr || s->collector.version() != pa.version()) {
      ++stats_.mirror_dropped;
      continue;
    }
    // What the ENI sees: a frame from the wire without its tunnel, then VXLAN to the collector
    // (the NIC's own transposition, so the bytes are those its encap would make).
    std::optional<fmt::ActionRecord>& rec = sw.mirror[d.decap ? 1 : 0];
    if (!rec) {
      std::vector<FlowAction> actions;
      if (d.decap) actions.emplace_back(ActionVxlanDecap{});
      actions.emplace_back(ActionVxlanEncap{1});
      actions.emplace_back(ActionPort{0});
      if (!parsed) sw.parser.parse(p.bytes, sw.pr);
      parsed = true;
      const auto rule = rule_of_frame(p.bytes, p.src_vport, sw.pr);
      const auto cr = rule ? ft_.compile(rule->attr, rule->pattern, actions, false)
                           : Result<CompiledRule>(FlowError{});
      if (!cr) {  // the NIC has no encap templates at all
        ++stats_.mirror_dropped;
        continue;
      }
      rec = fmt::ActionRecord::decode(cr->action);
    }
    if (!parsed) sw.parser.parse(p.bytes, sw.pr);
    parsed = true;
    sw.encap.set(1, tunnel(fmt::EncapTunnel::kVxlan, s->vni, pa, s->collector).first);
    sw.tr.apply(p.bytes, sw.pr, *rec, p.flow_hash, sw.encap);
    if (send(sw.tr.output(), std::nullopt)) {
      ++stats_.mirrored;
    } else {
      ++stats_.mirror_dropped;
    }
  }
}

std::size_t Switch::policy_changed() {
  policy_.check_shared_addresses();
  cache_.policy_changed();
  software_only_.clear();  // their decisions may be offloadable now
  if (exc_) sync_delivery_rules();
  // The offloaded flows whose decision changed its effect: all their NIC entries go in one
  // batch (counters read in bulk first, for the meters), then the new ones are installed in
  // one batch; a flow whose new decision cannot be installed leaves the NIC (its packets miss:
  // the slow path or the software fast path serves them).
  struct Change {
    std::uint64_t conn;
    unsigned dir;
    std::size_t index;
    std::optional<Decision> decision;  // none: the connection's decision is gone
  };
  std::vector<Change> changes;
  for (auto& [conn, cf] : conns_) {
    for (unsigned d = 0; d < 2; ++d) {
      auto& list = cf.dir[d];
      const auto dir = static_cast<Direction>(d);
      if (list.empty() || cache_.current(conn, dir)) continue;
      const Decision* fresh = cache_.refresh(conn, dir);
      std::optional<Decision> nd;
      if (fresh != nullptr) {
        nd = *fresh;
        (void)unencapsulable(*nd);
      }
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (nd && same_effect(list[i].decision, *nd)) {
          list[i].decision = *nd;
        } else {
          changes.push_back({conn, d, i, nd});
        }
      }
    }
  }
  if (changes.empty()) return 0;
  const auto at = [this](const Change& c) -> Installed& {
    return conns_.at(c.conn).dir[c.dir][c.index];
  };
  std::vector<Flow> old;
  old.reserve(changes.size());
  for (const Change& c : changes) old.push_back(at(c).flow);
  const std::vector<Result<FlowCounters>> counters = ft_.query_bulk(old);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (counters[i]) bill(at(changes[i]), *counters[i]);
  }
  (void)ft_.destroy_batch(old);  // NOT_FOUND: gone already (a flush by another owner)
  for (const Change& c : changes) {
    if (at(c).encap) release(*at(c).encap);
  }
  stats_.removed += changes.size();
  // The replacements, prepared (templates acquired) and installed together.
  std::vector<std::size_t> which;
  std::vector<FlowRule> rules;
  std::vector<Plan> plans;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    // Gone, or now beyond the NIC (a tunnel from a fixed source port): its packets miss.
    if (!c.decision || c.decision->encap_sport) continue;
    const Installed& in = at(c);
    Plan pl = plan(*c.decision, in.tcp && c.decision->kind != Decision::Kind::kDrop);
    FlowRule rule = in.rule;
    if (!prepare(rule, pl)) continue;
    which.push_back(i);
    rules.push_back(std::move(rule));
    plans.push_back(std::move(pl));
  }
  std::vector<Result<Flow>> made = ft_.create_batch(rules);
  std::vector<bool> kept(changes.size(), false);
  for (std::size_t j = 0; j < which.size(); ++j) {
    const Change& c = changes[which[j]];
    InstallResult ir = finish(std::move(made[j]), std::move(rules[j]), plans[j], *c.decision);
    if (ir.status != InstallResult::kInstalled) continue;
    Installed& in = at(c);
    ir.in.tcp = in.tcp;
    ir.in.overhead = in.overhead;
    in = std::move(ir.in);
    kept[which[j]] = true;
    ++stats_.replaced;
  }
  // Drop the entries that were not replaced (from the back, so the indices stay valid).
  for (std::size_t i = changes.size(); i-- > 0;) {
    if (kept[i]) continue;
    const Change& c = changes[i];
    auto& list = conns_.at(c.conn).dir[c.dir];
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(c.index));
  }
  std::erase_if(conns_, [](const auto& kv) {
    return kv.second.dir[0].empty() && kv.second.dir[1].empty();
  });
  return changes.size();
}

std::size_t Switch::expire(std::uint64_t now) {
  // Every offloaded flow's counters in one pass (the flow-command ring's EM_ACTIVITY: a few
  // commands for the whole table instead of a register round trip per flow).
  std::vector<Flow> flows;
  flows.reserve(offloaded());
  for (const auto& [conn, cf] : conns_) {
    for (const auto& dir : cf.dir) {
      for (const Installed& in : dir) flows.push_back(in.flow);
    }
  }
  const std::vector<Result<FlowCounters>> counters = ft_.query_bulk(flows);
  std::size_t i = 0;
  for (auto& [conn, cf] : conns_) {
    bool active = false;
    for (auto& dir : cf.dir) {
      for (Installed& in : dir) {
        const Result<FlowCounters>& q = counters[i++];
        if (!q) continue;
        bill(in, *q);
        if (q->packets != in.packets) {
          in.packets = q->packets;
          active = true;
        }
      }
    }
    if (active && cache_.touch(conn, now)) ++stats_.touched;
  }
  const std::vector<std::uint64_t> gone = cache_.expire(now);
  remove_conns(gone, true);  // billed from the counters read above
  if (!gone.empty()) software_only_.clear();  // room in the NIC again: offload them at their
                                               // next packet
  return gone.size();
}

void Switch::flush() {
  std::vector<std::uint64_t> ids;
  ids.reserve(conns_.size());
  for (const auto& [conn, cf] : conns_) ids.push_back(conn);
  remove_conns(ids, false);
}

bool Switch::from_tether() {
  const std::optional<Relocation>& r = policy_.relocation();
  if (!r || r->role != Relocation::Role::kAnchor) return false;
  const model::ParseResult& pr = sw_->pr;
  if (pr.depth < 2) return false;
  const model::Level& outer = pr.levels[0];
  if (!outer.has_ip || !outer.has_l4 || outer.l4.kind != model::Layer::kUdp ||
      !outer.has_tunnel || outer.tunnel.type != model::TunnelType::kVxlan ||
      (outer.tunnel.vni & 0xFFFFFFu) != r->vni || !policy_.has_vip(outer.ip.dst)) {
    return false;
  }
  // Wherever the tunnel's frames come from is where the tether is now (the NAT's address and
  // port for it): the anchor's decisions toward it follow at once, its offloaded flows after
  // the batch (service()).
  if (policy_.learn_tether({outer.ip.src, outer.l4.sport})) {
    ++stats_.tether_learned;
    cache_.policy_changed();
    relearned_ = true;
  }
  const model::Level& inner = pr.levels[1];
  if (!inner.has_eth || inner.eth.type != kKeepaliveType) return false;
  ++stats_.keepalives_received;
  return true;
}

bool Switch::keepalive(std::uint64_t now) {
  const std::optional<Relocation>& r = policy_.relocation();
  if (!txq_ || !r || r->role != Relocation::Role::kTether || r->keepalive_ns == 0) return false;
  if (last_keepalive_ && now - *last_keepalive_ < r->keepalive_ns) return false;
  // VXLAN with the tunnel's VNI from the tunnel's port to the anchor's, an Ethernet frame of
  // the keepalive EtherType inside: the NAT sees the tunnel's binding in use.
  model::PacketBuilder b;
  const model::MacAddr mac(cfg_.underlay_mac);
  b.eth({.dst = model::MacAddr(cfg_.underlay_next_hop), .src = mac});
  const model::IpAddr& pa = policy_.underlay_ip();
  if (pa.is_v4()) {
    b.ipv4({.src = pa.v4(), .dst = r->anchor->v4(), .df = true});
  } else {
    b.ipv6({.src = pa.v6(), .dst = r->anchor->v6()});
  }
  b.udp({.sport = r->port, .dport = r->port, .zero_checksum = pa.is_v4()});
  b.vxlan({.vni = r->vni});
  b.eth({.dst = model::MacAddr::from_u64(0xFFFFFFFFFFFFull), .src = mac, .type = kKeepaliveType});
  std::vector<std::uint8_t> body(46, 0);
  const std::string_view tag = "nicsim relocation keepalive";
  std::copy(tag.begin(), tag.end(), body.begin());
  fmt::store_be(body.data() + 38, stats_.keepalives_sent, 8);
  if (!send(b.payload(body).bytes(), std::nullopt)) {
    ++stats_.tx_refused;
    return false;
  }
  flush_tx();  // called on its own too, not only from service()
  last_keepalive_ = now;
  ++stats_.keepalives_sent;
  return true;
}

void Switch::reap() {
  if (txq_) (void)txq_->reap();
}

std::size_t Switch::in_flight_tx() const { return txq_ ? txq_->in_flight() : 0; }

std::size_t Switch::offloaded() const {
  std::size_t n = 0;
  for (const auto& [conn, cf] : conns_) n += cf.dir[0].size() + cf.dir[1].size();
  return n;
}

}  // namespace nicsim::host::vswitch
