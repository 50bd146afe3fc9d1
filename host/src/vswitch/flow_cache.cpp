// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/flow_cache.hpp"

namespace nicsim::host::vswitch {

Decision FlowCache::slow(Direction dir, const PacketInfo& p) const {
  return dir == Direction::kOutbound ? pipeline_.outbound(p) : pipeline_.inbound(p);
}

FlowCache::Stamp FlowCache::stamp_of(Direction dir, const Decision& d) const {
  Stamp s{policy_version_, 0};
  if (const Eni* e = d.eni != 0 ? pipeline_.find_eni(d.eni) : nullptr) {
    s.acl = e->acl_version(dir);  // both families' stages of that direction
  }
  return s;
}

FlowCache::Result FlowCache::lookup(Direction dir, const PacketInfo& p, std::uint64_t now) {
  Result r;
  FlowTuple t = p.tuple;
  t.zone = pipeline_.eni_of(p, dir).value_or(0);  // connections are per ENI
  const ConnResult c = conns_.track(t, p.tcp_flags, now);
  if (c.kind == ConnResult::Kind::kInvalid || c.kind == ConnResult::Kind::kTableFull) {
    ++stats_.uncached;
    ++stats_.slow_path;
    r.decision = slow(dir, p);
    return r;
  }
  r.conn = c.id;
  r.state = c.state;
  r.replaced = c.replaced;
  if (c.replaced != 0) entries_.erase(c.replaced);  // a reopened tuple: the old connection's
  Entry& e = entries_[c.id];
  const auto d = static_cast<unsigned>(dir);
  if (e.stamp[d].policy != 0 && e.stamp[d] == stamp_of(dir, e.decision[d])) {
    ++stats_.hits;
    r.decision = e.decision[d];
    return r;
  }
  if (e.stamp[d].policy != 0) ++stats_.recomputed;
  ++stats_.slow_path;
  e.decision[d] = slow(dir, p);
  e.stamp[d] = stamp_of(dir, e.decision[d]);
  e.first[d] = p;
  r.decision = e.decision[d];
  r.first = true;
  return r;
}

const Decision* FlowCache::decision(std::uint64_t conn, Direction dir) const {
  const auto it = entries_.find(conn);
  const auto d = static_cast<unsigned>(dir);
  if (it == entries_.end() || it->second.stamp[d].policy == 0) return nullptr;
  return &it->second.decision[d];
}

bool FlowCache::current(std::uint64_t conn, Direction dir) const {
  const auto it = entries_.find(conn);
  const auto d = static_cast<unsigned>(dir);
  return it != entries_.end() && it->second.stamp[d].policy != 0 &&
         it->second.stamp[d] == stamp_of(dir, it->second.decision[d]);
}

const Decision* FlowCache::refresh(std::uint64_t conn, Direction dir) {
  const auto it = entries_.find(conn);
  const auto d = static_cast<unsigned>(dir);
  if (it == entries_.end() || it->second.stamp[d].policy == 0) return nullptr;
  Entry& e = it->second;
  if (e.stamp[d] == stamp_of(dir, e.decision[d])) return &e.decision[d];
  ++stats_.recomputed;
  ++stats_.slow_path;
  e.decision[d] = slow(dir, e.first[d]);
  e.stamp[d] = stamp_of(dir, e.decision[d]);
  return &e.decision[d];
}

std::vector<std::uint64_t> FlowCache::connections_cached() const {
  std::vector<std::uint64_t> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) out.push_back(id);
  return out;
}

std::vector<std::uint64_t> FlowCache::expire(std::uint64_t now) {
  std::vector<std::uint64_t> gone = conns_.expire(now);
  for (const std::uint64_t id : gone) entries_.erase(id);
  stats_.expired += gone.size();
  return gone;
}

}  // namespace nicsim::host::vswitch
