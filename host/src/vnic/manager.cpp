// SPDX-License-Identifier: MIT
#include "nicsim/host/vnic/manager.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <type_traits>
#include <utility>

namespace nicsim::host::vnic {

namespace {

constexpr const char* kAdmin = "admin";
constexpr unsigned kTickCycles = 256;  // docs/spec.md 5.4: a meter tick

std::string vnic_name(unsigned v) { return "VNIC " + std::to_string(v); }

/// A rule the manager wants in the NIC for a VNIC, with its description (its identity: a rule
/// whose description is unchanged is left in place).
struct WantRule {
  std::string name;
  FlowRule rule;
};

ItemEth eth_to(const MacAddr& dst) {
  return ItemEth{
      {EthHdr{.dst = dst.bytes()}, EthHdr{.dst = Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}}};
}

ItemVlan vlan(std::uint16_t vid) { return ItemVlan{{VlanHdr{.tci = vid}, VlanHdr{.tci = 0x0FFF}}}; }

std::string join(const std::vector<MacAddr>& macs) {
  std::string s;
  for (const auto& m : macs) s += (s.empty() ? "" : ", ") + m.to_string();
  return s.empty() ? "none" : s;
}

}  // namespace

struct VnicManager::Nic {
  unsigned txq = 0;
  std::unique_ptr<TxQueue> tx;
  unsigned rxq_base = 0;
  std::vector<RxQueue> rx;
  unsigned meter = 0;           // 0: none
  std::uint64_t meter_bps = 0;  // the rate the meter was programmed with
  std::map<std::string, Flow> rules;
  std::vector<std::string> order;  // rule names in the order they were wanted
  std::deque<VnicEvent> events;    // for the tenant (take_events)
  std::uint64_t events_lost = 0;
};

const char* to_string(VnicEvent::Kind k) {
  switch (k) {
    case VnicEvent::Kind::kLink: return "link";
    case VnicEvent::Kind::kMtu: return "mtu";
  }
  return "?";
}

// ---- construction ------------------------------------------------------------------------------

VnicManager::VnicManager(Driver& drv, FlowTable& flows, const std::string& db_path,
                         ManagerConfig cfg)
    : drv_(drv), ft_(flows), cfg_(cfg), store_(db_path) {
  const Features& f = drv_.features();
  if (cfg_.rxq_count == 0 && cfg_.rxq_first < f.num_rxq)
    cfg_.rxq_count = f.num_rxq - cfg_.rxq_first;
  if (cfg_.txq_count == 0 && cfg_.txq_first < f.num_txq)
    cfg_.txq_count = f.num_txq - cfg_.txq_first;
  if (cfg_.meter_first == 0) cfg_.meter_first = 1;  // meter 0 is "no meter"
  if (cfg_.meter_count == 0 && cfg_.meter_first < f.num_meters)
    cfg_.meter_count = f.num_meters - cfg_.meter_first;
  if (cfg_.rxq_first + cfg_.rxq_count > f.num_rxq || cfg_.txq_first + cfg_.txq_count > f.num_txq ||
      cfg_.meter_first + cfg_.meter_count > std::max(f.num_meters, 1u)) {
    throw VnicError(VnicErrc::kBadArgument,
                    "the manager's queues or meters lie outside the NIC's (" + f.to_string() + ")");
  }
  if (cfg_.clock_hz <= 0) throw VnicError(VnicErrc::kBadArgument, "clock_hz must be positive");
  if (cfg_.event_queue_depth == 0)
    throw VnicError(VnicErrc::kBadArgument, "event_queue_depth must be at least 1");

  // The physical traits: the MTU the administrator saved (applied again), else the NIC's; the
  // link as the NIC reports it (a NIC without the link registers: up, speed and media unknown).
  try {
    if (const auto saved = store_.load_setting("nic_mtu")) {
      drv_.set_mtu(static_cast<std::uint32_t>(*saved));
    }
    mtu_ = drv_.mtu();
    link_ = f.link_status ? drv_.link() : LinkState{.up = true};
    if (cfg_.link_vector) drv_.enable_link_interrupt(*cfg_.link_vector);
  } catch (const DriverError& e) {
    throw VnicError(VnicErrc::kNic, std::string("the physical NIC's traits: ") + e.what());
  }

  state_ = store_.load_vnics();
  try {
    for (const auto& [v, s] : state_) {
      if (v > f.num_vnic) {
        throw VnicError(VnicErrc::kNic, "the database holds " + vnic_name(v) + " but the NIC has " +
                                            std::to_string(f.num_vnic) + " VNICs");
      }
      attach(v, VnicErrc::kNic);
      if (auto e = apply(s)) {
        throw VnicError(VnicErrc::kNic,
                        "re-applying " + vnic_name(v) + " from '" + store_.path() + "': " + *e);
      }
    }
  } catch (...) {
    for (const auto& [v, s] : state_) {
      try {
        remove_from_nic(v);
      } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the first error wins
      }
    }
    throw;
  }
}

VnicManager::~VnicManager() {
  // The NIC keeps nothing of a manager that is gone; the database keeps everything.
  if (cfg_.link_vector) {
    try {
      drv_.disable_link_interrupt();
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  for (const auto& [v, s] : state_) {
    try {
      remove_from_nic(v);
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
}

// ---- the NIC side ------------------------------------------------------------------------------

std::uint32_t VnicManager::meter_rate(std::uint64_t bytes_per_s) const {
  const double per_tick =
      std::floor(static_cast<double>(bytes_per_s) * kTickCycles / cfg_.clock_hz);
  return per_tick >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(per_tick);
}

std::optional<unsigned> VnicManager::free_rxq_base(unsigned vnic, unsigned count) const {
  if (count == 0 || count > cfg_.rxq_count) return std::nullopt;
  std::vector<bool> used(cfg_.rxq_count, false);
  for (const auto& [v, n] : nic_) {
    if (v == vnic) continue;
    for (unsigned i = 0; i < n->rx.size(); ++i) used[n->rxq_base + i - cfg_.rxq_first] = true;
  }
  auto fits = [&](unsigned rel) {
    if (rel + count > cfg_.rxq_count) return false;
    for (unsigned i = 0; i < count; ++i)
      if (used[rel + i]) return false;
    return true;
  };
  // Stay where the VNIC is when it can (its ring indices keep their queues).
  const auto own = nic_.find(vnic);
  if (own != nic_.end() && !own->second->rx.empty() && fits(own->second->rxq_base - cfg_.rxq_first))
    return own->second->rxq_base;
  for (unsigned rel = 0; rel < cfg_.rxq_count; ++rel)
    if (fits(rel)) return cfg_.rxq_first + rel;
  return std::nullopt;
}

std::optional<std::string> VnicManager::apply(const VnicState& s) {
  Nic& n = nic(s.vport);
  const unsigned v = s.vport;
  try {
    // 1. Receive queues: a contiguous set (the NIC's queue set is base + count).
    if (n.rx.size() != s.queues) {
      const auto base = free_rxq_base(v, s.queues);
      if (!base) {
        return "no " + std::to_string(s.queues) + " contiguous receive queues free among the " +
               std::to_string(cfg_.rxq_count) + " the manager has";
      }
      n.rx.clear();
      n.rx.reserve(s.queues);
      try {
        for (unsigned i = 0; i < s.queues; ++i) n.rx.emplace_back(drv_, *base + i, cfg_.rx);
      } catch (...) {
        n.rx.clear();  // all or none, so that applying the previous state rebuilds them
        throw;
      }
      n.rxq_base = *base;
    }
    // 2. The transmit meter (spec 5.4), when the rate is limited.
    if (s.rate > 0) {
      unsigned m = n.meter;
      if (m == 0) {
        for (unsigned i = cfg_.meter_first; i < cfg_.meter_first + cfg_.meter_count && m == 0;
             ++i) {
          if (std::none_of(nic_.begin(), nic_.end(),
                           [&](const auto& o) { return o.second->meter == i; }))
            m = i;
        }
        if (m == 0)
          return "no NIC meter free (the manager has " + std::to_string(cfg_.meter_count) + ")";
      }
      if (m != n.meter || n.meter_bps != s.rate) {
        const std::uint32_t rate = meter_rate(s.rate);
        if (rate == 0) {
          return "rate " + std::to_string(s.rate) + " bytes/s is below the meter's granularity";
        }
        const double burst = std::max<double>(cfg_.tx_burst_min,
                                              static_cast<double>(s.rate) * cfg_.burst_ms / 1000.0);
        const auto r = ft_.set_meter(
            m, rate, burst >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(burst));
        if (!r) return "meter " + std::to_string(m) + ": " + r.error().to_string();
      }
      n.meter = m;
      n.meter_bps = s.rate;
    }
    // 3. The VNIC's MTU on its transmit (the NIC's max-frame registers hold the physical one).
    n.tx->set_max_frame(effective_mtu(s) + kMtuOverhead);
    // 4. The VNIC's registers: queue set, RSS over it, the MAC its transmit must carry.
    VnicConfig c;
    c.vport = v;
    c.rxq_base = n.rxq_base;
    c.rxq_count = s.queues;
    c.rss = s.queues > 1;
    if (s.mac) c.mac = s.mac->bytes();
    c.spoof_check = true;  // no MAC yet: nothing passes
    drv_.configure_vnic(c);

    // 5. The TCAM rules (docs/vnic.md, "Requests, their checks and their NIC mapping").
    const unsigned meter = s.rate > 0 ? n.meter : 0;
    const std::uint16_t exact = cfg_.priority;
    const auto catch_all = static_cast<std::uint16_t>(cfg_.priority + 1);
    std::vector<WantRule> want;
    auto rx_rule = [&](std::string name, std::uint16_t prio, std::vector<FlowItem> pattern) {
      want.push_back(
          {std::move(name) + " -> " + vnic_name(v),
           FlowRule{FlowAttr{.priority = prio, .ingress_vport = 0u, .placement = Placement::kTcam},
                    std::move(pattern),
                    {ActionVnic{v}}}});
    };
    auto tx_rule = [&](std::string name, std::uint16_t prio, std::vector<FlowItem> pattern,
                       bool drop) {
      std::vector<FlowAction> actions;
      if (drop) {
        actions.emplace_back(ActionDrop{});
      } else {
        if (meter != 0) actions.emplace_back(ActionMeter{meter});
        actions.emplace_back(ActionPort{0});
      }
      std::string suffix = drop ? " -> drop" : " -> wire";
      if (!drop && meter != 0) suffix += " (meter " + std::to_string(meter) + ")";
      want.push_back(
          {"tx from " + vnic_name(v) + " " + std::move(name) + suffix,
           FlowRule{FlowAttr{.priority = prio, .ingress_vport = v, .placement = Placement::kTcam},
                    std::move(pattern), std::move(actions)}});
    };
    std::vector<MacAddr> dsts;
    if (s.mac) dsts.push_back(*s.mac);
    dsts.insert(dsts.end(), s.groups.begin(), s.groups.end());
    for (const auto& d : dsts) {
      rx_rule("rx dst " + d.to_string() + " untagged", exact, {eth_to(d)});
      for (const auto vid : s.vids)
        rx_rule("rx dst " + d.to_string() + " vid " + std::to_string(vid), exact,
                {eth_to(d), vlan(vid)});
    }
    if (s.promiscuous) {
      rx_rule("rx any untagged", catch_all, {});
      for (const auto vid : s.vids)
        rx_rule("rx any vid " + std::to_string(vid), catch_all, {ItemEth{}, vlan(vid)});
    }
    if (s.mac) {
      tx_rule("untagged", exact, {}, false);
      for (const auto vid : s.vids)
        tx_rule("vid " + std::to_string(vid), exact, {ItemEth{}, vlan(vid)}, false);
      tx_rule("tagged outside its VLANs", catch_all, {ItemEth{}, ItemVlan{}}, true);
    }

    std::vector<std::string> created;
    for (const auto& w : want) {
      if (n.rules.contains(w.name)) continue;
      auto f = ft_.create(w.rule);
      if (!f) {
        for (const auto& name : created) {
          (void)ft_.destroy(n.rules.at(name));
          n.rules.erase(name);
        }
        return "rule '" + w.name + "': " + f.error().to_string();
      }
      n.rules.emplace(w.name, *f);
      created.push_back(w.name);
    }
    n.order.clear();
    for (const auto& w : want) n.order.push_back(w.name);
    for (auto it = n.rules.begin(); it != n.rules.end();) {
      if (std::find(n.order.begin(), n.order.end(), it->first) != n.order.end()) {
        ++it;
        continue;
      }
      if (auto r = ft_.destroy(it->second); !r)
        return "removing rule '" + it->first + "': " + r.error().to_string();
      it = n.rules.erase(it);
    }
    // 6. A meter no rule uses any more goes back to the pool.
    if (s.rate == 0) {
      n.meter = 0;
      n.meter_bps = 0;
    }
  } catch (const DriverError& e) {
    return e.what();
  } catch (const FlowException& e) {
    return e.what();
  }
  return std::nullopt;
}

void VnicManager::attach(unsigned vnic, VnicErrc none_left) {
  std::optional<unsigned> txq;
  for (unsigned q = cfg_.txq_first; q < cfg_.txq_first + cfg_.txq_count && !txq; ++q) {
    if (std::none_of(nic_.begin(), nic_.end(), [&](const auto& n) { return n.second->txq == q; }))
      txq = q;
  }
  if (!txq) {
    throw VnicError(none_left, "no transmit queue left for " + vnic_name(vnic) + ": all " +
                                   std::to_string(cfg_.txq_count) + " of the manager's are in use");
  }
  auto n = std::make_unique<Nic>();
  n->txq = *txq;
  n->tx = std::make_unique<TxQueue>(
      drv_, *txq,
      TxQueueConfig{.size_log2 = cfg_.tx_size_log2, .buf_size = cfg_.tx_buf_size, .vport = vnic});
  nic_.emplace(vnic, std::move(n));
}

void VnicManager::remove_from_nic(unsigned vnic) {
  const auto it = nic_.find(vnic);
  if (it == nic_.end()) return;
  Nic& n = *it->second;
  for (const auto& [name, f] : n.rules) (void)ft_.destroy(f);
  n.rules.clear();
  nic_.erase(it);  // the queues disable themselves
  drv_.disable_vnic(vnic);
}

VnicManager::Nic& VnicManager::nic(unsigned vnic) const {
  const auto it = nic_.find(vnic);
  if (it == nic_.end()) throw VnicError(VnicErrc::kNotFound, "no " + vnic_name(vnic));
  return *it->second;
}

// ---- the policy --------------------------------------------------------------------------------

std::pair<Verdict, std::string> VnicManager::check(const VnicState& s, const Permissions* perms,
                                                   const Request& req) const {
  using V = Verdict;
  auto other_with = [&](auto pred) -> std::optional<unsigned> {
    for (const auto& [v, o] : state_)
      if (v != s.vport && pred(o)) return v;
    return std::nullopt;
  };
  return std::visit(
      [&](const auto& r) -> std::pair<Verdict, std::string> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, SetMac>) {
          if (r.mac.is_multicast())
            return {V::kInvalid, r.mac.to_string() + " is a group address, not a unicast MAC"};
          if (r.mac.to_u64() == 0) return {V::kInvalid, "the all-zero MAC is not an address"};
          if (perms && !perms->any_mac &&
              std::find(perms->macs.begin(), perms->macs.end(), r.mac) == perms->macs.end()) {
            return {V::kNotPermitted, "MAC " + r.mac.to_string() +
                                          " is not among the MACs permitted (" + join(perms->macs) +
                                          ")"};
          }
          if (auto o = other_with([&](const VnicState& x) { return x.mac == r.mac; }))
            return {V::kConflict, "MAC " + r.mac.to_string() + " belongs to " + vnic_name(*o)};
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, SetPromiscuous>) {
          if (!r.on) return {V::kAccepted, ""};
          if (perms && !perms->promiscuous)
            return {V::kNotPermitted, "promiscuous mode is not permitted"};
          if (auto o = other_with([](const VnicState& x) { return x.promiscuous; })) {
            return {V::kConflict, vnic_name(*o) +
                                      " is promiscuous already: the NIC gives a frame one "
                                      "destination, so a second promiscuous VNIC on the shared "
                                      "untagged LAN would receive nothing"};
          }
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, AddVlan>) {
          if (r.vid < 1 || r.vid > 4094)
            return {V::kInvalid, "VID " + std::to_string(r.vid) + " outside 1..4094"};
          if (perms &&
              std::find(perms->vids.begin(), perms->vids.end(), r.vid) == perms->vids.end())
            return {V::kNotPermitted, "VLAN " + std::to_string(r.vid) + " is not permitted"};
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, RemoveVlan>) {
          if (!s.vids.contains(r.vid))
            return {V::kInvalid, "not a member of VLAN " + std::to_string(r.vid)};
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, JoinGroup>) {
          if (!r.group.is_multicast())
            return {V::kInvalid, r.group.to_string() + " is not a group (multicast) address"};
          if (s.groups.contains(r.group)) return {V::kAccepted, ""};
          if (perms && s.groups.size() >= perms->max_groups) {
            return {V::kOverLimit, "already in " + std::to_string(s.groups.size()) +
                                       " groups, the most permitted is " +
                                       std::to_string(perms->max_groups)};
          }
          if (auto o = other_with([&](const VnicState& x) { return x.groups.contains(r.group); })) {
            return {V::kConflict, "group " + r.group.to_string() + " is joined by " +
                                      vnic_name(*o) +
                                      ": the NIC delivers a frame to one VNIC and cannot "
                                      "replicate it to several"};
          }
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, LeaveGroup>) {
          if (!s.groups.contains(r.group))
            return {V::kInvalid, "not in group " + r.group.to_string()};
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, SetRate>) {
          if (perms && perms->max_rate != 0 &&
              (r.bytes_per_s == 0 || r.bytes_per_s > perms->max_rate)) {
            return {V::kOverLimit,
                    (r.bytes_per_s == 0 ? std::string("an unlimited rate")
                                        : std::to_string(r.bytes_per_s) + " bytes/s") +
                        " is above the permitted " + std::to_string(perms->max_rate) + " bytes/s"};
          }
          if (r.bytes_per_s != 0 && meter_rate(r.bytes_per_s) == 0) {
            return {V::kNicRefused, std::to_string(r.bytes_per_s) +
                                        " bytes/s is below the NIC meter's granularity "
                                        "of one byte per tick (" +
                                        std::to_string(static_cast<std::uint64_t>(
                                            std::ceil(cfg_.clock_hz / kTickCycles))) +
                                        " bytes/s)"};
          }
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, SetQueues>) {
          if (r.count < 1) return {V::kInvalid, "a VNIC needs at least one receive queue"};
          if (perms && r.count > perms->max_queues) {
            return {V::kOverLimit, std::to_string(r.count) + " queues is above the permitted " +
                                       std::to_string(perms->max_queues)};
          }
          if (r.count > cfg_.rxq_count) {
            return {V::kNicRefused, std::to_string(r.count) + " queues is more than the " +
                                        std::to_string(cfg_.rxq_count) + " the manager has"};
          }
          return {V::kAccepted, ""};
        } else if constexpr (std::is_same_v<T, SetMtu>) {
          if (r.mtu != 0 && r.mtu < kMinMtu) {
            return {V::kInvalid, "MTU " + std::to_string(r.mtu) + " is below the minimum " +
                                     std::to_string(kMinMtu)};
          }
          if (r.mtu > mtu_) {
            return {V::kOverLimit, "MTU " + std::to_string(r.mtu) +
                                       " is above the physical NIC's MTU " + std::to_string(mtu_)};
          }
          return {V::kAccepted, ""};
        }
      },
      req);
}

namespace {

VnicState applied(VnicState s, const Request& req) {
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, SetMac>) s.mac = r.mac;
        if constexpr (std::is_same_v<T, SetPromiscuous>) s.promiscuous = r.on;
        if constexpr (std::is_same_v<T, AddVlan>) s.vids.insert(r.vid);
        if constexpr (std::is_same_v<T, RemoveVlan>) s.vids.erase(r.vid);
        if constexpr (std::is_same_v<T, JoinGroup>) s.groups.insert(r.group);
        if constexpr (std::is_same_v<T, LeaveGroup>) s.groups.erase(r.group);
        if constexpr (std::is_same_v<T, SetRate>) s.rate = r.bytes_per_s;
        if constexpr (std::is_same_v<T, SetQueues>) s.queues = r.count;
        if constexpr (std::is_same_v<T, SetMtu>) s.mtu = r.mtu;
      },
      req);
  return s;
}

}  // namespace

Outcome VnicManager::handle(const std::string& who, unsigned vnic, const Request& r, bool admin) {
  const std::string name = request_name(r), value = request_value(r);
  auto refuse = [&](Verdict v, const std::string& why) {
    return Outcome{v, why, store_.audit(who, vnic, name, value, v, why)};
  };
  const auto it = state_.find(vnic);
  if (it == state_.end()) return refuse(Verdict::kNoSuchVnic, "no " + vnic_name(vnic));
  const VnicState& old = it->second;
  if (!admin && old.tenant != who) {
    return refuse(Verdict::kNotOwner, vnic_name(vnic) + " belongs to another tenant");
  }
  std::optional<Permissions> perms;
  if (!admin) {
    perms = store_.load_permissions(vnic);
    if (!perms) return refuse(Verdict::kNotPermitted, vnic_name(vnic) + " has no permissions");
  }
  const auto [verdict, why] = check(old, admin ? nullptr : &*perms, r);
  if (verdict != Verdict::kAccepted) return refuse(verdict, why);

  const VnicState next = applied(old, r);
  if (next == old) {
    return Outcome{Verdict::kAccepted, "no change",
                   store_.audit(who, vnic, name, value, Verdict::kAccepted, "no change")};
  }
  VnicStore::Transaction t(store_);
  store_.save_vnic(next);
  if (auto e = apply(next)) {
    t.rollback();
    std::string reason = "the NIC cannot: " + *e;
    if (auto undo = apply(old)) reason += "; restoring the previous configuration failed: " + *undo;
    return refuse(Verdict::kNicRefused, reason);
  }
  std::int64_t id = 0;
  try {
    id = store_.audit(who, vnic, name, value, Verdict::kAccepted, "applied");
    t.commit();
  } catch (const VnicError&) {
    (void)apply(old);  // the database keeps the old configuration: so does the NIC
    throw;
  }
  const bool mtu_changed = effective_mtu(next) != effective_mtu(old);  // `old` is it->second
  it->second = next;
  if (mtu_changed) notify(vnic, VnicEvent::Kind::kMtu);
  return Outcome{Verdict::kAccepted, "applied", id};
}

Outcome VnicManager::request(const std::string& tenant, unsigned vnic, const Request& r) {
  return handle(tenant, vnic, r, false);
}

Outcome VnicManager::admin_request(unsigned vnic, const Request& r) {
  return handle(kAdmin, vnic, r, true);
}

// ---- the administrator ---------------------------------------------------------------------

namespace {

void validate(const Permissions& p) {
  if (p.max_queues < 1) throw VnicError(VnicErrc::kBadArgument, "max_queues must be at least 1");
  for (const auto& m : p.macs) {
    if (m.is_multicast() || m.to_u64() == 0) {
      throw VnicError(VnicErrc::kBadArgument,
                      "permitted MAC " + m.to_string() + " is not a unicast address");
    }
  }
  for (const auto vid : p.vids) {
    if (vid < 1 || vid > 4094) {
      throw VnicError(VnicErrc::kBadArgument,
                      "permitted VID " + std::to_string(vid) + " outside 1..4094");
    }
  }
}

}  // namespace

std::string VnicManager::admin_violation(const VnicState& s, const Permissions& p) const {
  std::vector<std::string> v;
  if (s.mac && !p.any_mac && std::find(p.macs.begin(), p.macs.end(), *s.mac) == p.macs.end())
    v.push_back("its MAC " + s.mac->to_string() + " is not permitted");
  if (s.promiscuous && !p.promiscuous) v.push_back("it is promiscuous");
  for (const auto vid : s.vids) {
    if (std::find(p.vids.begin(), p.vids.end(), vid) == p.vids.end())
      v.push_back("it is in VLAN " + std::to_string(vid));
  }
  if (s.groups.size() > p.max_groups)
    v.push_back("it is in " + std::to_string(s.groups.size()) + " groups");
  if (p.max_rate != 0 && (s.rate == 0 || s.rate > p.max_rate))
    v.push_back("its rate is " +
                (s.rate == 0 ? std::string("unlimited") : std::to_string(s.rate) + " bytes/s"));
  if (s.queues > p.max_queues) v.push_back("it has " + std::to_string(s.queues) + " queues");
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

unsigned VnicManager::create_vnic(const std::string& tenant, const Permissions& perms) {
  if (tenant.empty()) throw VnicError(VnicErrc::kBadArgument, "a VNIC needs a tenant");
  if (tenant == kAdmin)
    throw VnicError(VnicErrc::kBadArgument, "'admin' is the administrator, not a tenant");
  validate(perms);
  if (perms.max_rate != 0 && meter_rate(perms.max_rate) == 0) {
    throw VnicError(VnicErrc::kBadArgument, "max_rate " + std::to_string(perms.max_rate) +
                                                " bytes/s is below the NIC meter's granularity");
  }
  unsigned vport = 0;
  for (unsigned v = 1; v <= drv_.features().num_vnic && vport == 0; ++v)
    if (!state_.contains(v)) vport = v;
  if (vport == 0) {
    throw VnicError(VnicErrc::kNoResource, "all " + std::to_string(drv_.features().num_vnic) +
                                               " VNICs of the NIC are in use");
  }
  VnicState s;
  s.vport = vport;
  s.tenant = tenant;
  s.rate = perms.max_rate;

  VnicStore::Transaction t(store_);
  store_.save_vnic(s);
  store_.save_permissions(vport, perms);
  attach(vport, VnicErrc::kNoResource);
  if (auto e = apply(s)) {
    remove_from_nic(vport);
    throw VnicError(VnicErrc::kNic, "creating " + vnic_name(vport) + ": " + *e);
  }
  try {
    store_.audit(kAdmin, vport, "create_vnic", tenant, Verdict::kAccepted, "created");
    t.commit();
  } catch (...) {
    remove_from_nic(vport);
    throw;
  }
  state_.emplace(vport, std::move(s));
  return vport;
}

void VnicManager::destroy_vnic(unsigned vnic) {
  const auto it = state_.find(vnic);
  if (it == state_.end()) throw VnicError(VnicErrc::kNotFound, "no " + vnic_name(vnic));
  VnicStore::Transaction t(store_);
  store_.delete_vnic(vnic);
  store_.audit(kAdmin, vnic, "destroy_vnic", it->second.tenant, Verdict::kAccepted, "destroyed");
  t.commit();
  remove_from_nic(vnic);
  state_.erase(it);
}

void VnicManager::set_permissions(unsigned vnic, const Permissions& perms) {
  const auto it = state_.find(vnic);
  if (it == state_.end()) throw VnicError(VnicErrc::kNotFound, "no " + vnic_name(vnic));
  validate(perms);
  if (const std::string v = admin_violation(it->second, perms); !v.empty()) {
    throw VnicError(VnicErrc::kConflict, vnic_name(vnic) + " is outside the new permissions (" + v +
                                             "): change it first with admin_request");
  }
  VnicStore::Transaction t(store_);
  store_.save_permissions(vnic, perms);
  store_.audit(kAdmin, vnic, "set_permissions", it->second.tenant, Verdict::kAccepted, "replaced");
  t.commit();
}

Permissions VnicManager::permissions(unsigned vnic) {
  auto p = store_.load_permissions(vnic);
  if (!p) throw VnicError(VnicErrc::kNotFound, "no permissions for " + vnic_name(vnic));
  return *p;
}

// ---- state ---------------------------------------------------------------------------------

std::vector<unsigned> VnicManager::vnics() const {
  std::vector<unsigned> out;
  for (const auto& [v, s] : state_) out.push_back(v);
  return out;
}

std::optional<VnicState> VnicManager::stored(unsigned vnic) { return store_.load_vnic(vnic); }

std::vector<AuditRow> VnicManager::audit(const AuditFilter& f) { return store_.audit_rows(f); }

std::vector<std::string> VnicManager::rules(unsigned vnic) const { return nic(vnic).order; }

RxQueue& VnicManager::rx(unsigned vnic, unsigned i) {
  Nic& n = nic(vnic);
  if (i >= n.rx.size()) {
    throw VnicError(VnicErrc::kBadArgument, vnic_name(vnic) + " has " +
                                                std::to_string(n.rx.size()) +
                                                " receive queues, not " + std::to_string(i + 1));
  }
  return n.rx[i];
}

TxQueue& VnicManager::tx(unsigned vnic) { return *nic(vnic).tx; }

unsigned VnicManager::meter(unsigned vnic) const { return nic(vnic).meter; }

// ---- traits: link and MTU ----------------------------------------------------------------------

std::uint32_t VnicManager::effective_mtu(const VnicState& s) const {
  return s.mtu == 0 ? mtu_ : std::min(s.mtu, mtu_);
}

Traits VnicManager::traits(unsigned vnic) const {
  const auto it = state_.find(vnic);
  if (it == state_.end()) throw VnicError(VnicErrc::kNotFound, "no " + vnic_name(vnic));
  return {link_, effective_mtu(it->second)};
}

void VnicManager::notify(unsigned vnic, VnicEvent::Kind kind, std::uint32_t link_changes) {
  Nic& n = nic(vnic);
  const VnicEvent e{
      .kind = kind, .seq = ++event_seq_, .traits = traits(vnic), .link_changes = link_changes};
  if (n.events.size() >= cfg_.event_queue_depth) {
    n.events.pop_front();
    ++n.events_lost;
  }
  n.events.push_back(e);
  if (on_event_) on_event_(vnic, e);
}

void VnicManager::set_mtu(std::uint32_t mtu) {
  if (mtu < kMinMtu || mtu > kMaxMtu) {
    throw VnicError(VnicErrc::kBadArgument, "MTU " + std::to_string(mtu) + " outside " +
                                                std::to_string(kMinMtu) + ".." +
                                                std::to_string(kMaxMtu));
  }
  std::map<unsigned, std::uint32_t> before;
  for (const auto& [v, s] : state_) before.emplace(v, effective_mtu(s));
  const std::uint32_t old = mtu_;
  VnicStore::Transaction t(store_);
  store_.save_setting("nic_mtu", mtu);
  store_.audit(kAdmin, 0, "set_mtu", std::to_string(mtu), Verdict::kAccepted,
               "physical MTU " + std::to_string(old) + " -> " + std::to_string(mtu));
  try {
    drv_.set_mtu(mtu);
  } catch (const DriverError& e) {
    throw VnicError(VnicErrc::kNic, std::string("setting the physical MTU: ") + e.what());
  }
  try {
    t.commit();
  } catch (...) {
    drv_.set_mtu(old);  // the database keeps the old MTU: so does the NIC
    throw;
  }
  mtu_ = mtu;
  for (const auto& [v, s] : state_) {
    nic(v).tx->set_max_frame(effective_mtu(s) + kMtuOverhead);
    if (effective_mtu(s) != before.at(v)) notify(v, VnicEvent::Kind::kMtu);
  }
}

std::optional<LinkChange> VnicManager::service_link(std::chrono::nanoseconds timeout) {
  if (!drv_.features().link_status) return std::nullopt;
  auto c = drv_.service_link(timeout);
  if (!c) return c;
  link_ = c->now;
  for (const auto& [v, s] : state_) notify(v, VnicEvent::Kind::kLink, c->changes);
  return c;
}

std::vector<VnicEvent> VnicManager::take_events(unsigned vnic) {
  Nic& n = nic(vnic);
  std::vector<VnicEvent> out(n.events.begin(), n.events.end());
  n.events.clear();
  return out;
}

std::uint64_t VnicManager::events_lost(unsigned vnic) const { return nic(vnic).events_lost; }

std::uint64_t VnicManager::tx_mtu_drops(unsigned vnic) const {
  return nic(vnic).tx->dropped_over_max_frame();
}

}  // namespace nicsim::host::vnic
