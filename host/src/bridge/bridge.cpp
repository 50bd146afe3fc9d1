// SPDX-License-Identifier: MIT
#include "nicsim/host/bridge/bridge.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "nicsim/model/parse.hpp"

namespace nicsim::host::bridge {

namespace {

constexpr unsigned kHostVport = 255;
constexpr std::uint16_t kTpid = 0x8100;
constexpr Mac kAllOnes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

std::uint64_t u64_of(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < 6; ++i) v = v << 8 | p[i];
  return v;
}

Mac mac_of(std::uint64_t v) {
  Mac m{};
  for (unsigned i = 0; i < 6; ++i) m[i] = static_cast<std::uint8_t>(v >> (8 * (5 - i)));
  return m;
}

void put_tag(std::vector<std::uint8_t>& b, std::uint16_t tci) {
  b.push_back(kTpid >> 8);
  b.push_back(kTpid & 0xFF);
  b.push_back(static_cast<std::uint8_t>(tci >> 8));
  b.push_back(static_cast<std::uint8_t>(tci));
}

FlowAction destination(unsigned vport) {
  if (vport == 0) return ActionPort{0};
  return ActionVnic{vport};
}

}  // namespace

/// A frame from the exception ring as the bridge sees it: its port, VLAN and MACs.
struct Bridge::Frame {
  std::span<const std::uint8_t> bytes;
  const PortConfig* in = nullptr;
  std::uint16_t vlan = 0;
  std::optional<std::uint16_t> tci;  // the frame's tag (a trunk's frame)
  std::uint64_t src = 0, dst = 0;
  /// The frame from its EtherType after the tag on (what follows the MACs and the tag).
  [[nodiscard]] std::span<const std::uint8_t> rest() const { return bytes.subspan(tci ? 16 : 12); }
};

Bridge::Bridge(Driver& drv, FlowTable& flows, BridgeConfig cfg)
    : drv_(drv), ft_(flows), cfg_(std::move(cfg)) {
  const unsigned nvnic = drv_.features().num_vnic;
  if (cfg_.ports.empty()) throw BridgeError("bridge: no ports");
  if (cfg_.select_vid_base == 0 || cfg_.select_vid_base + nvnic > 4094) {
    throw BridgeError("bridge: select_vid_base " + std::to_string(cfg_.select_vid_base) +
                      ": the select VIDs base..base+" + std::to_string(nvnic) +
                      " must lie within 1..4094");
  }
  const auto selected = [&](std::uint16_t v) {
    return v >= cfg_.select_vid_base && v <= cfg_.select_vid_base + nvnic;
  };
  std::set<unsigned> seen;
  for (const PortConfig& p : cfg_.ports) {
    const std::string name = "bridge: port " + std::to_string(p.vport);
    if (p.vport > nvnic) {
      throw BridgeError(name + ": the NIC has vports 0 (the uplink) and 1.." +
                        std::to_string(nvnic));
    }
    if (!seen.insert(p.vport).second) throw BridgeError(name + ": listed twice");
    if (p.access.has_value() == !p.trunk.empty()) {
      throw BridgeError(name + ": either an access VLAN or a trunk's VLANs");
    }
    std::vector<std::uint16_t> vids = p.trunk;
    if (p.access) vids.push_back(*p.access);
    for (const std::uint16_t v : vids) {
      if (v == 0 || v > 4094) {
        throw BridgeError(name + ": VLAN " + std::to_string(v) + " is outside 1..4094");
      }
      if (selected(v)) {
        throw BridgeError(name + ": VLAN " + std::to_string(v) +
                          " is a select VID (select_vid_base.." +
                          std::to_string(cfg_.select_vid_base + nvnic) + ")");
      }
    }
    if (std::set<std::uint16_t>(p.trunk.begin(), p.trunk.end()).size() != p.trunk.size()) {
      throw BridgeError(name + ": a VLAN listed twice");
    }
  }
  if (cfg_.capacity == 0) throw BridgeError("bridge: capacity 0");
}

Bridge::~Bridge() {
  // The NIC keeps nothing of a bridge that is gone. Errors are ignored: the NIC may be gone.
  try {
    for (auto& [k, o] : flows_) (void)ft_.destroy(o.flow);
    for (const Flow f : delivery_) (void)ft_.destroy(f);
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void Bridge::bring_up() {
  exc_ = std::make_unique<RxQueue>(RxQueue::exception(drv_, cfg_.exception_ring));
  txq_ = std::make_unique<TxQueue>(
      drv_, cfg_.host_txq, TxQueueConfig{.size_log2 = 8, .buf_size = 16384, .vport = kHostVport});
  if (on_tx_) txq_->on_complete(on_tx_);
  // One delivery rule per port: a frame from the host with the port's select tag loses the tag
  // and goes to the port.
  for (const PortConfig& p : cfg_.ports) {
    const std::uint16_t sel = static_cast<std::uint16_t>(cfg_.select_vid_base + p.vport);
    const std::vector<FlowItem> pattern{
        ItemEth{}, ItemVlan{{VlanHdr{.tci = sel}, VlanHdr{.tci = 0x0FFF}}}};
    const std::vector<FlowAction> actions{ActionPopVlan{}, destination(p.vport)};
    auto f = ft_.create({.priority = cfg_.priority, .ingress_vport = kHostVport,
                         .placement = Placement::kTcam},
                        pattern, actions);
    if (!f) throw FlowException(f.error());
    delivery_.push_back(*f);
  }
}

const PortConfig* Bridge::port(unsigned vport) const {
  for (const PortConfig& p : cfg_.ports) {
    if (p.vport == vport) return &p;
  }
  return nullptr;
}

bool Bridge::carries(const PortConfig& p, std::uint16_t vlan) {
  return p.access ? *p.access == vlan
                  : std::find(p.trunk.begin(), p.trunk.end(), vlan) != p.trunk.end();
}

std::optional<unsigned> Bridge::port_of(std::uint16_t vlan, const Mac& mac) const {
  const auto it = table_.find({vlan, u64_of(mac.data())});
  if (it == table_.end()) return std::nullopt;
  return it->second.port;
}

std::size_t Bridge::service(std::uint64_t now, unsigned budget) {
  if (!exc_) return 0;
  std::size_t n = 0;
  while (n < budget) {
    const auto batch = exc_->poll(std::min(budget - static_cast<unsigned>(n), 64u));
    if (batch.empty()) break;
    for (const RxPacket& p : batch) {
      if (on_exception_) on_exception_(p);
      handle(p, now);
    }
    n += batch.size();
  }
  flush_tx();
  txq_->reap();
  return n;
}

void Bridge::handle(const RxPacket& p, std::uint64_t now) {
  ++stats_.exceptions;
  if (p.reason != ExceptionReason::kMiss || p.src_vport == kHostVport) {
    ++stats_.other;
    return;
  }
  Frame f;
  f.bytes = p.bytes;
  f.in = port(p.src_vport);
  if (f.in == nullptr) {
    ++stats_.vlan_refused;
    return;
  }
  const bool tagged =
      f.bytes.size() >= 18 && (f.bytes[12] << 8 | f.bytes[13]) == kTpid;
  if (f.bytes.size() < 14 || (f.bytes[6] & 1) != 0) {
    ++stats_.bad_source;
    return;
  }
  // A tunnel with a packet inside: the NIC keys the frame on the inner headers (spec 3), so
  // neither a pair's rule nor a delivery rule can match it (re-injected, it would miss again).
  if (model::Parser().parse(f.bytes).depth > 1) {
    ++stats_.tunnelled;
    return;
  }
  if (tagged) {
    f.tci = static_cast<std::uint16_t>(f.bytes[14] << 8 | f.bytes[15]);
    f.vlan = *f.tci & 0x0FFF;
    if (f.in->access || !carries(*f.in, f.vlan)) {
      ++stats_.vlan_refused;
      return;
    }
  } else {
    if (!f.in->access) {
      ++stats_.vlan_refused;
      return;
    }
    f.vlan = *f.in->access;
  }
  f.dst = u64_of(f.bytes.data());
  f.src = u64_of(f.bytes.data() + 6);
  const bool src_known = learn(f.vlan, f.src, f.in->vport, now);

  const bool group = (f.bytes[0] & 1) != 0;
  const auto it = group ? table_.end() : table_.find({f.vlan, f.dst});
  if (it != table_.end()) {
    const PortConfig* out = port(it->second.port);
    if (it->second.port == f.in->vport || out == nullptr) {
      ++stats_.filtered;
      return;
    }
    // The source must be in the table for its frames to bypass the host (aging, moves).
    if (cfg_.offload && src_known && offload(f, *out)) {
      if (send(f.bytes, static_cast<std::uint8_t>(f.in->vport))) {
        ++stats_.reinjected;
      } else {
        ++stats_.tx_refused;
      }
      return;
    }
    if (deliver(f, *out)) ++stats_.sw_forwarded;
    return;
  }
  ++stats_.flooded;
  if (!group) ++stats_.unknown_unicast;
  for (const PortConfig& out : cfg_.ports) {
    if (out.vport == f.in->vport || !carries(out, f.vlan)) continue;
    if (deliver(f, out)) ++stats_.flood_copies;
  }
}

bool Bridge::learn(std::uint16_t vlan, std::uint64_t src, unsigned port, std::uint64_t now) {
  const auto it = table_.find({vlan, src});
  if (it == table_.end()) {
    if (table_.size() >= cfg_.capacity) {
      ++stats_.learn_refused;
      return false;
    }
    table_.emplace(MacKey{vlan, src}, Entry{port, now});
    ++stats_.learned;
    return true;
  }
  it->second.last_active = now;
  if (it->second.port != port) {
    // A move: the flows to and from it lead to or come from its old port.
    ++stats_.moves;
    it->second.port = port;
    forget_flows(vlan, src);
  }
  return true;
}

void Bridge::forget_flows(std::uint16_t vlan, std::uint64_t mac) {
  std::vector<Flow> gone;
  for (auto it = flows_.begin(); it != flows_.end();) {
    const PairKey& k = it->first;
    if (k.vlan == vlan && (k.src == mac || k.dst == mac)) {
      gone.push_back(it->second.flow);
      it = flows_.erase(it);
    } else {
      ++it;
    }
  }
  if (gone.empty()) return;
  (void)ft_.destroy_batch(gone);  // NOT_FOUND: gone already (a flush by another owner)
  stats_.removed += gone.size();
}

bool Bridge::offload(const Frame& f, const PortConfig& out) {
  const PairKey key{f.in->vport, f.vlan, f.src, f.dst};
  if (const auto it = flows_.find(key); it != flows_.end()) {
    // Installed by an earlier miss of the pair (a frame that was in the ring before it): the
    // frame can go through it. Unless the flow is gone (the table flushed by another owner):
    // re-injected, the frame would miss again and again; installed anew below.
    if (ft_.query(it->second.flow)) return true;
    flows_.erase(it);
  }
  std::vector<FlowItem> pattern{ItemEth{{EthHdr{.dst = mac_of(f.dst), .src = mac_of(f.src)},
                                         EthHdr{.dst = kAllOnes, .src = kAllOnes}}}};
  if (f.tci) pattern.emplace_back(ItemVlan{{VlanHdr{.tci = f.vlan}, VlanHdr{.tci = 0x0FFF}}});
  std::vector<FlowAction> actions;
  if (f.tci && out.access) {
    actions.emplace_back(ActionPopVlan{});
  } else if (!f.tci && !out.access) {
    actions.emplace_back(ActionPushVlan{});
    actions.emplace_back(ActionSetVlanVid{f.vlan});
  }
  actions.emplace_back(destination(out.vport));
  auto r = ft_.create({.priority = cfg_.priority, .ingress_vport = f.in->vport,
                       .placement = Placement::kTcam},
                      pattern, actions);
  if (!r) {
    ++stats_.offload_failed;
    return false;
  }
  ++stats_.installed;
  flows_.emplace(key, Offloaded{*r, 1});  // the re-injected first frame will count 1
  return true;
}

bool Bridge::deliver(const Frame& f, const PortConfig& out) {
  // The frame as `out` sends it (tagged on a trunk, untagged on an access port) behind the
  // select tag its delivery rule pops.
  std::vector<std::uint8_t> b(f.bytes.begin(), f.bytes.begin() + 12);
  b.reserve(f.bytes.size() + 8);
  put_tag(b, static_cast<std::uint16_t>(cfg_.select_vid_base + out.vport));
  if (!out.access) put_tag(b, f.tci.value_or(f.vlan));
  const auto rest = f.rest();
  b.insert(b.end(), rest.begin(), rest.end());
  if (send(b, std::nullopt)) return true;
  ++stats_.tx_refused;
  return false;
}

bool Bridge::send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport) {
  if (tx_pending_ + 1 >= txq_->size()) flush_tx();  // room for the NIC to free slots
  if (!txq_->send(frame, vport, false)) return false;
  ++tx_pending_;
  return true;
}

void Bridge::flush_tx() {
  if (tx_pending_ == 0) return;
  txq_->doorbell();
  tx_pending_ = 0;
}

std::size_t Bridge::age(std::uint64_t now) {
  // The NIC's counters: a flow that forwarded frames since the last look keeps both its MACs.
  std::vector<Flow> all;
  all.reserve(flows_.size());
  for (const auto& [k, o] : flows_) all.push_back(o.flow);
  const auto counters = ft_.query_bulk(all);
  std::size_t i = 0;
  for (auto it = flows_.begin(); it != flows_.end(); ++i) {
    const auto& c = counters[i];
    if (!c) {  // gone from the NIC (flushed by another owner): forget it
      it = flows_.erase(it);
      continue;
    }
    if (c->packets != it->second.packets) {
      it->second.packets = c->packets;
      for (const std::uint64_t m : {it->first.src, it->first.dst}) {
        const auto e = table_.find({it->first.vlan, m});
        if (e != table_.end()) e->second.last_active = now;
      }
    }
    ++it;
  }
  std::size_t n = 0;
  for (auto it = table_.begin(); it != table_.end();) {
    if (now < it->second.last_active || now - it->second.last_active <= cfg_.age_ns) {
      ++it;
      continue;
    }
    const MacKey k = it->first;
    it = table_.erase(it);
    forget_flows(k.vlan, k.mac);
    ++n;
  }
  stats_.aged += n;
  return n;
}

}  // namespace nicsim::host::bridge
