// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/flow_cache.hpp"

namespace nicsim::host::vswitch {

Decision FlowCache::slow(Direction dir, const PacketInfo& p) const {
  return dir == Direction::kOutbound ? pipeline_.outbound(p) : pipeline_.inbound(p);
}

FlowCache::Stamp FlowCache::stamp_of(Direction dir, const Decision& d) const {
  Stamp s{policy_version_, 0};
  if (const Eni* e = d.eni != 0 ? pipeline_.find_eni(d.eni) : nullptr) {
    s.acl = (dir == Direction::kOutbound ? e->outbound_acl : e->inbound_acl).version();
  }
  return s;
}

FlowCache::Result FlowCache::lookup(Direction dir, const PacketInfo& p, std::uint64_t now) {
  Result r;
  const ConnResult c = conns_.track(p.tuple, p.tcp_flags, now);
  if (c.kind == ConnResult::Kind::kInvalid || c.kind == ConnResult::Kind::kTableFull) {
    ++stats_.uncached;
    ++stats_.slow_path;
    r.decision = slow(dir, p);
    return r;
  }
  r.conn = c.id;
  r.state = c.state;
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
  r.decision = e.decision[d];
  r.first = true;
  return r;
}

std::vector<std::uint64_t> FlowCache::expire(std::uint64_t now) {
  std::vector<std::uint64_t> gone = conns_.expire(now);
  for (const std::uint64_t id : gone) entries_.erase(id);
  stats_.expired += gone.size();
  return gone;
}

}  // namespace nicsim::host::vswitch
