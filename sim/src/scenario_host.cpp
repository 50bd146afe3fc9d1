// SPDX-License-Identifier: MIT
#include "nicsim/sim/scenario_host.hpp"

#include <algorithm>
#include <string>

#include "nicsim/host/bridge/bridge_file.hpp"
#include "nicsim/host/vswitch/frame_rule.hpp"

namespace nicsim::sim {

using namespace nicsim::host;  // NOLINT(google-build-using-namespace): flow API vocabulary

namespace {
constexpr unsigned kHostVport = 255;
}  // namespace

ScenarioHost::ScenarioHost(host::Driver& drv, const Scenario& s) : drv_(drv), s_(s) {}

ScenarioHost::~ScenarioHost() = default;

void ScenarioHost::bring_up() {
  drv_.reset();
  drv_.set_parse_error_policy(s_.nic.parse_error_to_exception ? ParseErrorPolicy::kException
                                                              : ParseErrorPolicy::kDrop);
  drv_.set_wire_max_frame(s_.nic.wire_max_frame);
  drv_.set_tx_max_frame(s_.nic.tx_max_frame);
  // The physical link: a scenario with link events has the host take the link interrupt, as a
  // hypervisor's driver does, and report each change (docs/scenario.md "link_events").
  if (!s_.link_events.empty()) {
    if (!drv_.features().link_status) {
      throw ScenarioError(s_.path + ": link_events: the NIC has no link status registers (" +
                          drv_.features().to_string() + ")");
    }
    drv_.enable_link_interrupt(s_.nic.link_vector);
    link_irq_ = true;
    stats_.link = drv_.link();
  }
  for (const ScenarioVnic& v : s_.vnics) {
    drv_.configure_vnic(v.cfg);
    RxPool* pool = nullptr;
    if (v.pool) {
      auto& slot = pools_[v.cfg.vport];
      slot = std::make_unique<RxPool>(drv_, *v.pool);
      pool = slot.get();
      held_[v.cfg.vport].hold = v.pool_hold;
    }
    if (v.zero_copy) bring_up_zero_copy(v);  // the VM's memory and rings, not the host's
    for (unsigned q = 0; !v.zero_copy && q < v.cfg.rxq_count; ++q) {
      RxQueueConfig c = v.rxq;
      c.release_quota_vport = v.cfg.quota_bytes != 0 ? v.cfg.vport : 0;
      c.pool = pool;
      rxqs_.push_back(std::make_unique<RxQueue>(drv_, v.cfg.rxq_base + q, c));
      if (pool != nullptr) pool_vport_[rxqs_.back().get()] = v.cfg.vport;
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
  // Destination tokens: the keys, then checking on (docs/spec.md 11).
  if (s_.tokens) {
    if (!drv_.features().tokens) {
      throw ScenarioError(s_.path + ": tokens: the NIC has no token registers (" +
                          drv_.features().to_string() + ")");
    }
    for (unsigned slot = 0; slot < 2; ++slot) {
      if (s_.tokens->keys[slot]) drv_.load_token_key(slot, *s_.tokens->keys[slot]);
    }
    drv_.enable_tokens(s_.tokens->enable);
  }
  ft_ = std::make_unique<FlowTable>(drv_);
  if (s_.program == HostProgram::kVswitch) {
    // The switch owns the exception ring and the host's queue.
    policy_ = host::vswitch::load_policy(s_.policy);
    host::vswitch::SwitchConfig cfg = policy_.config;
    cfg.host_txq = s_.host_txq;
    cfg.exception_ring = s_.exception_queue;
    sw_ = std::make_unique<host::vswitch::Switch>(drv_, *ft_, *policy_.pipeline, cfg);
    sw_->on_exception([this](const RxPacket& p) {
      ++stats_.exceptions;
      ++stats_.by_reason[p.reason];
      if (on_receive_) on_receive_(-1, p);
    });
    if (on_tx_) {
      sw_->on_tx_complete([this](const TxCompletion& c) { on_tx_(s_.host_txq, kHostVport, c); });
    }
  } else if (s_.program == HostProgram::kBridge) {
    // The bridge owns the exception ring and the host's queue too.
    host::bridge::BridgeConfig cfg = host::bridge::load_bridge_config(s_.bridge);
    cfg.host_txq = s_.host_txq;
    cfg.exception_ring = s_.exception_queue;
    br_ = std::make_unique<host::bridge::Bridge>(drv_, *ft_, cfg);
    br_->on_exception([this](const RxPacket& p) {
      ++stats_.exceptions;
      ++stats_.by_reason[p.reason];
      if (on_receive_) on_receive_(-1, p);
    });
    if (on_tx_) {
      br_->on_tx_complete([this](const TxCompletion& c) { on_tx_(s_.host_txq, kHostVport, c); });
    }
  } else {
    exc_ = std::make_unique<RxQueue>(RxQueue::exception(drv_, s_.exception_queue));
    host_txq_ = std::make_unique<TxQueue>(
        drv_, s_.host_txq, TxQueueConfig{.size_log2 = 10, .buf_size = 16384, .vport = kHostVport});
    if (on_tx_) {
      host_txq_->on_complete([this](const TxCompletion& c) { on_tx_(s_.host_txq, kHostVport, c); });
    }
  }
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
  if (sw_) sw_->bring_up();  // after the scenario's own rules: the delivery rules go below them
  if (br_) br_->bring_up();
  drv_.enable();
  // Register writes are posted: read back, so that the NIC is enabled (and everything above is
  // in place) before the host lets traffic in.
  if (!drv_.enabled()) throw ScenarioError(s_.path + ": the NIC did not take CONTROL.ENABLE");
}

std::size_t ScenarioHost::service() {
  std::size_t n = 0;
  if (link_irq_ && drv_.device().wait_interrupt(s_.nic.link_vector, std::chrono::nanoseconds{0})) {
    if (const auto c = drv_.service_link()) {
      ++stats_.link_reports;
      stats_.link_changes += c->changes;
      stats_.link = c->now;
    }
  }
  n += service_zero_copy();
  for (auto& q : rxqs_) {
    if (const auto pv = pool_vport_.find(q.get()); pv != pool_vport_.end()) {
      Held& h = held_[pv->second];
      for (RxLent& l : q->receive()) {
        ++stats_.received;
        ++n;
        if (on_receive_) {  // the observers get a copy; the consumer keeps the buffer
          l.packet.bytes.assign(l.buffer.data().begin(), l.buffer.data().end());
          on_receive_(static_cast<int>(q->index()), l.packet);
          l.packet.bytes.clear();
        }
        h.frames.push_back(std::move(l));
        while (h.frames.size() > h.hold) h.frames.pop_front();  // releases the oldest
      }
      continue;
    }
    for (const RxPacket& p : q->poll()) {
      ++stats_.received;
      ++n;
      if (on_receive_) on_receive_(static_cast<int>(q->index()), p);
    }
  }
  if (sw_) {
    if (sw_->pending() != 0) n += sw_->service(clock_ ? clock_() : 0);
  } else if (br_) {
    const std::uint64_t now = clock_ ? clock_() : 0;
    if (br_->pending() != 0) n += br_->service(now);
    if (now - last_age_ >= br_->config().age_ns / 4) {  // idle MACs leave within 1.25 ages
      last_age_ = now;
      (void)br_->age(now);
    }
  } else {
    for (const RxPacket& p : exc_->poll()) {
      ++stats_.exceptions;
      ++stats_.by_reason[p.reason];
      ++n;
      if (on_receive_) on_receive_(-1, p);
      handle_exception(p);
    }
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
  auto rule = host::vswitch::rule_of_frame(p.bytes, p.src_vport);
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
  if (sw_) sw_->reap();
  if (br_) br_->reap();
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
  if (sw_ && sw_->tx_queue() != nullptr) add(*sw_->tx_queue());
  if (br_ && br_->tx_queue() != nullptr) add(*br_->tx_queue());
  return out;
}

std::size_t ScenarioHost::in_flight_tx() const {
  std::size_t n = 0;
  for (const auto& [vp, q] : txq_by_vport_) n += q->in_flight();
  if (host_txq_) n += host_txq_->in_flight();
  if (sw_) n += sw_->in_flight_tx();
  if (br_) n += br_->in_flight_tx();
  return n;
}

std::map<std::string, std::uint64_t> ScenarioHost::vswitch_stats() const {
  if (!sw_) return {};
  const auto& x = sw_->stats();
  const auto& c = sw_->cache().stats();
  return {{"exceptions", x.exceptions},       {"not_routable", x.not_routable},
          {"other_reason", x.other_reason},   {"policy_drops", x.policy_drops},
          {"installed", x.installed},         {"removed", x.removed},
          {"replaced", x.replaced},           {"reinjected", x.reinjected},
          {"sw_forwarded", x.sw_forwarded},   {"nic_full", x.nic_full},
          {"encap_full", x.encap_full},       {"not_offloadable", x.not_offloadable},
          {"tx_refused", x.tx_refused},       {"cache_hits", c.hits},
          {"slow_path", c.slow_path},         {"uncached", c.uncached},
          {"connections", sw_->cache().size()}, {"offloaded", sw_->offloaded()},
          {"encap_templates", sw_->encap_templates_used()}, {"host_rules", sw_->host_rules()},
          {"mixed_underlay", x.mixed_underlay}, {"nat_bound", c.nat_bound},
          {"nat_refused", c.nat_refused}, {"steer_full", x.steer_full},
          {"outer_src", x.outer_src},     {"underlay_refused", x.underlay_refused},
          {"underlay_moved", x.underlay_moved}, {"ttl_expired", x.ttl_expired}};
}

std::map<std::string, std::uint64_t> ScenarioHost::pool_stats() const {
  std::map<std::string, std::uint64_t> m;
  for (const auto& [vport, pool] : pools_) {
    const PoolStats& s = pool->stats();
    const std::string k = "vnic" + std::to_string(vport) + ".";
    m[k + "buffers"] = s.buffers;
    m[k + "buffers_posted"] = s.buffers_posted;
    m[k + "buffers_in_use"] = s.buffers_in_use;
    m[k + "bytes_in_use"] = s.bytes_in_use;
    m[k + "high_water"] = s.high_water;
    m[k + "lent"] = s.lent;
    m[k + "returned"] = s.returned;
    m[k + "drops"] = s.drops;
    m[k + "waits"] = s.waits;
  }
  return m;
}

std::map<std::string, std::uint64_t> ScenarioHost::bridge_stats() const {
  if (!br_) return {};
  const auto& x = br_->stats();
  return {{"exceptions", x.exceptions},     {"learned", x.learned},
          {"moves", x.moves},               {"learn_refused", x.learn_refused},
          {"aged", x.aged},                 {"installed", x.installed},
          {"removed", x.removed},           {"offload_failed", x.offload_failed},
          {"reinjected", x.reinjected},     {"sw_forwarded", x.sw_forwarded},
          {"flooded", x.flooded},           {"unknown_unicast", x.unknown_unicast},
          {"flood_copies", x.flood_copies}, {"filtered", x.filtered},
          {"vlan_refused", x.vlan_refused}, {"tunnelled", x.tunnelled},
          {"bad_source", x.bad_source},     {"other", x.other},
          {"tx_refused", x.tx_refused},     {"macs", br_->size()},
          {"flows", br_->flow_count()},     {"host_rules", br_->host_rules()}};
}

// ---- zero-copy VNICs (scenario `zero_copy:`) -----------------------------------------------

void ScenarioHost::bring_up_zero_copy(const ScenarioVnic& v) {
  ZeroCopyVm vm;
  vm.buf_size = v.rxq.buf_size;
  vm.mem = std::make_unique<GuestMemory>(drv_.device(), v.cfg.vport, v.zero_copy->gpa_base,
                                         v.zero_copy->guest_mem);
  const GuestRxLayout l = guest_rx_layout(v.rxq.size_log2, v.rxq.buf_size);
  for (unsigned q = 0; q < v.cfg.rxq_count; ++q) {
    const std::uint64_t area = v.zero_copy->gpa_base + q * l.bytes;
    auto ring = std::make_unique<GuestRxRing>(*vm.mem, area, v.rxq.size_log2);
    ring->enable_notifications(true);
    auto shim = std::make_unique<ZeroCopyRx>(
        drv_, v.cfg.rxq_base + q, *vm.mem, area, v.rxq.size_log2,
        ZeroCopyConfig{.vport = v.cfg.quota_bytes != 0 ? v.cfg.vport : 0,
                       .min_buf = v.rxq.buf_size,
                       .irq = v.rxq.irq});
    // The guest posts a buffer in every slot of its ring.
    for (unsigned i = 0; i < ring->size(); ++i) {
      (void)ring->post(area + l.ring_bytes + std::uint64_t{i} * v.rxq.buf_size, v.rxq.buf_size);
    }
    shim->service();
    vm.rings.push_back(std::move(ring));
    vm.shims.push_back(std::move(shim));
  }
  zc_vms_.emplace(v.cfg.vport, std::move(vm));
}

std::map<std::string, std::uint64_t> ScenarioHost::link_stats() const {
  if (!stats_.link) return {};
  return {{"reports", stats_.link_reports},
          {"changes", stats_.link_changes},
          {"up", stats_.link->up ? 1u : 0u},
          {"speed_mbps", host::speed_mbps(stats_.link->speed)}};
}

std::size_t ScenarioHost::service_zero_copy() {
  std::size_t n = 0;
  for (auto& [vport, vm] : zc_vms_) {
    for (std::size_t k = 0; k < vm.shims.size(); ++k) {
      ZeroCopyRx& shim = *vm.shims[k];
      GuestRxRing& ring = *vm.rings[k];
      shim.service();
      // The guest: reads its frames (in its memory) and posts each buffer again.
      for (const GuestCompletion& c : ring.poll()) {
        if (!c.refused()) {
          ++stats_.received;
          ++n;
          if (on_receive_) {  // the observers get a copy of what the guest read
            RxPacket p = packet_of(c.cpl, shim.queue().index());
            p.bytes.assign(c.data.begin(), c.data.end());
            on_receive_(static_cast<int>(shim.queue().index()), p);
          }
        }
        (void)ring.post(c.buf_gpa, vm.buf_size);
      }
      (void)ring.take_notification();
      shim.service();
    }
  }
  return n;
}

std::map<std::string, std::uint64_t> ScenarioHost::zero_copy_stats() const {
  std::map<std::string, std::uint64_t> m;
  for (const auto& [vport, vm] : zc_vms_) {
    const std::string k = "vnic" + std::to_string(vport) + ".";
    for (const auto& shim : vm.shims) {  // summed over the VNIC's queues
      const ZeroCopyStats& s = shim->stats();
      m[k + "posted"] += s.posted;
      m[k + "frames_zero_copy"] += s.frames_zero_copy;
      m[k + "bytes_zero_copy"] += s.bytes_zero_copy;
      m[k + "frames_copied"] += s.frames_copied;
      m[k + "host_copy_bytes"] += s.host_copy_bytes;
      m[k + "refused"] += s.refused();
      m[k + "bad_index"] += s.bad_index;
      m[k + "nic_bad_completion"] += s.nic_bad_completion;
      m[k + "notifications"] += s.notifications;
      m[k + "quota_released"] += s.quota_released;
    }
  }
  return m;
}

}  // namespace nicsim::sim
