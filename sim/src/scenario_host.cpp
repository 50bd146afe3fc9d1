// SPDX-License-Identifier: MIT
#include "nicsim/sim/scenario_host.hpp"

#include <algorithm>
#include <string>

#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"

namespace nicsim::sim {

namespace {

using namespace nicsim::host;  // NOLINT(google-build-using-namespace): flow API vocabulary

constexpr unsigned kHostVport = 255;

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
  if (model::parse_failed(pr, model::kDefaultParseWindow)) return std::nullopt;
  FlowRule r;
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

ScenarioHost::ScenarioHost(host::Driver& drv, const Scenario& s) : drv_(drv), s_(s) {}

ScenarioHost::~ScenarioHost() = default;

void ScenarioHost::bring_up() {
  drv_.reset();
  drv_.set_parse_error_policy(s_.nic.parse_error_to_exception ? ParseErrorPolicy::kException
                                                              : ParseErrorPolicy::kDrop);
  drv_.set_wire_max_frame(s_.nic.wire_max_frame);
  drv_.set_tx_max_frame(s_.nic.tx_max_frame);
  for (const ScenarioVnic& v : s_.vnics) {
    drv_.configure_vnic(v.cfg);
    for (unsigned q = 0; q < v.cfg.rxq_count; ++q) {
      RxQueueConfig c = v.rxq;
      c.release_quota_vport = v.cfg.quota_bytes != 0 ? v.cfg.vport : 0;
      rxqs_.push_back(std::make_unique<RxQueue>(drv_, v.cfg.rxq_base + q, c));
    }
    if (v.txq) {
      auto q = std::make_unique<TxQueue>(drv_, *v.txq, v.txq_cfg);
      if (on_tx_) {
        q->on_complete([this, qi = *v.txq, vp = v.cfg.vport](const TxCompletion& c) {
          on_tx_(qi, vp, c);
        });
      }
      txq_by_vport_.emplace(v.cfg.vport, std::move(q));
    }
  }
  exc_ = std::make_unique<RxQueue>(RxQueue::exception(drv_, s_.exception_queue));
  host_txq_ = std::make_unique<TxQueue>(
      drv_, s_.host_txq, TxQueueConfig{.size_log2 = 10, .buf_size = 16384, .vport = kHostVport});
  if (on_tx_) {
    host_txq_->on_complete([this](const TxCompletion& c) { on_tx_(s_.host_txq, kHostVport, c); });
  }
  ft_ = std::make_unique<FlowTable>(drv_);
  for (const ScenarioEncap& e : s_.encaps) {
    if (auto r = ft_->set_encap_template(e.index, e.tpl); !r) {
      throw ScenarioError(s_.path + ": encap template " + std::to_string(e.index) + ": " +
                          r.error().to_string());
    }
  }
  for (const ScenarioMeter& m : s_.meters) {
    if (auto r = ft_->set_meter(m.index, m.rate, m.burst); !r) {
      throw ScenarioError(s_.path + ": meter " + std::to_string(m.index) + ": " +
                          r.error().to_string());
    }
  }
  for (const ScenarioFlow& f : s_.flows) {
    auto r = ft_->create(f.rule);
    if (!r) {
      throw ScenarioError(s_.path + ":" + std::to_string(f.line) + ": flow '" + f.name +
                          "': " + r.error().to_string());
    }
  }
  drv_.enable();
  // Register writes are posted: read back, so that the NIC is enabled (and everything above is
  // in place) before the host lets traffic in.
  if (!drv_.enabled()) throw ScenarioError(s_.path + ": the NIC did not take CONTROL.ENABLE");
}

std::size_t ScenarioHost::service() {
  std::size_t n = 0;
  for (auto& q : rxqs_) {
    for (const RxPacket& p : q->poll()) {
      ++stats_.received;
      ++n;
      if (on_receive_) on_receive_(static_cast<int>(q->index()), p);
    }
  }
  for (const RxPacket& p : exc_->poll()) {
    ++stats_.exceptions;
    ++stats_.by_reason[p.reason];
    ++n;
    if (on_receive_) on_receive_(-1, p);
    handle_exception(p);
  }
  reap();
  return n;
}

std::optional<std::vector<FlowAction>> ScenarioHost::forward_by_mac(const RxPacket& p) const {
  if (p.bytes.size() < 6 || (p.bytes[0] & 1u) != 0) return std::nullopt;  // group address
  for (const ScenarioVnic& v : s_.vnics) {
    if (std::equal(v.cfg.mac.begin(), v.cfg.mac.end(), p.bytes.begin())) {
      return std::vector<FlowAction>{ActionVnic{v.cfg.vport}};
    }
  }
  if (p.src_vport == 0) return std::vector<FlowAction>{ActionDrop{}};  // from the wire, for none
  return std::vector<FlowAction>{ActionPort{0}};
}

void ScenarioHost::handle_exception(const RxPacket& p) {
  if (s_.program == HostProgram::kNone || p.reason != ExceptionReason::kMiss) return;
  std::vector<FlowAction> actions = s_.miss_actions;
  if (s_.program == HostProgram::kForwardByMac) {
    auto a = forward_by_mac(p);
    if (!a) {
      ++stats_.not_forwarded;
      return;
    }
    actions = std::move(*a);
  }
  auto rule = rule_of_frame(p.bytes, p.src_vport);
  if (!rule) {
    ++stats_.install_failed;
    return;
  }
  const bool drop = std::holds_alternative<ActionDrop>(actions.front());
  rule->actions = std::move(actions);
  auto f = ft_->create(*rule);
  if (!f && f.error().type != FlowError::Type::kExists) {
    // Not expressible as an exact key (e.g. a fragment's ports): a TCAM rule of the same key.
    rule->attr.placement = Placement::kTcam;
    f = ft_->create(*rule);
  }
  if (f) {
    ++stats_.installed;
  } else if (f.error().type != FlowError::Type::kExists) {  // EXISTS: an earlier miss did it
    ++stats_.install_failed;
    return;
  }
  if (drop) return;  // the flow drops it: nothing to re-inject
  if (host_txq_->send(p.bytes, static_cast<std::uint8_t>(p.src_vport))) {
    ++stats_.reinjected;
  } else {
    ++stats_.install_failed;  // the host's ring is full: the frame is lost, counted
  }
}

bool ScenarioHost::send(unsigned vport, std::span<const std::uint8_t> frame) {
  const auto it = txq_by_vport_.find(vport);
  if (it == txq_by_vport_.end()) return false;
  if (!it->second->send(frame)) {
    ++stats_.send_refused;
    return false;
  }
  ++stats_.sent;
  return true;
}

void ScenarioHost::reap() {
  for (auto& [vp, q] : txq_by_vport_) (void)q->reap();
  if (host_txq_) (void)host_txq_->reap();
}

std::map<TxStatus, std::uint64_t> ScenarioHost::tx_status() const {
  std::map<TxStatus, std::uint64_t> out;
  auto add = [&](const TxQueue& q) {
    for (const TxStatus st : {TxStatus::kOk, TxStatus::kSpoof, TxStatus::kBadLength,
                              TxStatus::kBadOverride}) {
      out[st] += q.completed(st);
    }
  };
  for (const auto& [vp, q] : txq_by_vport_) add(*q);
  if (host_txq_) add(*host_txq_);
  return out;
}

std::size_t ScenarioHost::in_flight_tx() const {
  std::size_t n = 0;
  for (const auto& [vp, q] : txq_by_vport_) n += q->in_flight();
  if (host_txq_) n += host_txq_->in_flight();
  return n;
}

}  // namespace nicsim::sim
