// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/flow_cache.hpp"

#include <algorithm>

namespace nicsim::host::vswitch {

namespace {

Decision nat_drop(Decision d, const char* why) {
  d.kind = Decision::Kind::kDrop;
  d.reason = why;
  return d;
}

std::array<std::uint8_t, 17> addr_key(const model::IpAddr& a) {
  std::array<std::uint8_t, 17> k{};
  const auto b = ip_bytes(a);
  std::copy(b.begin(), b.end(), k.begin());
  k[16] = a.version();
  return k;
}

}  // namespace

bool FlowCache::bind(std::uint64_t conn, Entry& e, const PacketInfo& p, const Decision& d) {
  Nat n{*d.snat, p.tuple.sport, p.tuple.proto, false, false, p.tuple.src, p.tuple.sport, d.eni};
  std::set<std::uint16_t>* used = nullptr;
  const std::optional<PortRange>& listen = d.snat_listen;
  if (listen && listen->contains(p.tuple.sport)) {
    // A shared address: the VM's listening port (a reply on a connection the NIC steered to
    // it) is kept; only the reply tuple must be free (below).
  } else if (d.snat_ports) {  // NAPT: the lowest free port of the range (not a listening one)
    used = &ports_[{addr_key(n.public_ip), n.proto}];
    bool found = false;
    for (unsigned port = d.snat_ports->lo; port <= d.snat_ports->hi; ++port) {
      if (listen && listen->contains(static_cast<std::uint16_t>(port))) {
        port = listen->hi;  // the loop's ++ steps past the listening ports
        continue;
      }
      if (!used->contains(static_cast<std::uint16_t>(port))) {
        n.public_port = static_cast<std::uint16_t>(port);
        found = true;
        break;
      }
    }
    if (!found) return false;
    used->insert(n.public_port);
    n.pooled = true;
  }
  // The reply as it will arrive: from the peer to the public address and port (untunnelled,
  // from the wire: zone 0).
  const FlowTuple reply{p.tuple.dst, n.public_ip, n.proto, p.tuple.dport, n.public_port, 0};
  if (!conns_.alias(conn, reply)) {
    if (used != nullptr) used->erase(n.public_port);
    return false;
  }
  e.nat = n;
  ++stats_.nat_bound;
  return true;
}

bool FlowCache::bind_dnat(std::uint64_t conn, Entry& e, const PacketInfo& p, const Decision& d) {
  const Nat n{p.tuple.dst, p.tuple.dport, p.tuple.proto, false, true, *d.rewrite.dst_ip,
              *d.rewrite.dport, d.eni};
  // The VM's reply as it will arrive: from its VNIC, in its ENI's zone.
  const FlowTuple reply{n.inside_ip, p.tuple.src, n.proto, n.inside_port, p.tuple.sport, d.eni};
  if (!conns_.alias(conn, reply)) return false;
  e.nat = n;
  ++stats_.nat_bound;
  return true;
}

void FlowCache::release(Entry& e) {
  if (!e.nat) return;
  if (e.nat->pooled) {
    const auto it = ports_.find({addr_key(e.nat->public_ip), e.nat->proto});
    if (it != ports_.end()) it->second.erase(e.nat->public_port);
  }
  e.nat.reset();
}

void FlowCache::erase(std::uint64_t conn) {
  const auto it = entries_.find(conn);
  if (it == entries_.end()) return;
  release(it->second);
  entries_.erase(it);
}

Decision FlowCache::slow(Direction dir, const PacketInfo& p, std::uint64_t conn, Entry* e) {
  if (dir == Direction::kOutbound && e != nullptr && e->nat && e->nat->dnat) {
    // The VM's reply on a forwarded connection: it leaves from the public address and port, as
    // the host (through the ENI's outbound ACL).
    const Nat& n = *e->nat;
    const Eni* eni = pipeline_.find_eni(n.eni);
    Decision d;
    d.direction = dir;
    d.eni = n.eni;
    if (eni == nullptr) return nat_drop(d, "no_eni");
    if (!eni->admin_up) return nat_drop(d, "eni_down");
    d.acl = eni->acl(dir, p.tuple.dst.is_v6()).evaluate(p.tuple);
    if (!d.acl.allow) return nat_drop(d, "acl");
    d.kind = Decision::Kind::kDirect;
    d.snat = n.public_ip;  // leaves as the host
    d.rewrite.src_ip = n.public_ip;
    d.rewrite.sport = n.public_port;
    return pipeline_.mirrored(p.tuple, std::move(d));
  }
  if (dir == Direction::kInbound && e != nullptr && e->nat && !e->nat->dnat) {
    // A reply of a source-NATed connection: back to the VM, its own address and port restored,
    // through its ENI's inbound ACL.
    const Nat& n = *e->nat;
    const Eni* eni = pipeline_.find_eni(n.eni);
    Decision d;
    d.direction = dir;
    d.eni = n.eni;
    if (eni == nullptr || eni->vport == 0) return nat_drop(d, "no_eni");
    if (!eni->admin_up) return nat_drop(d, "eni_down");
    const FlowTuple inside{p.tuple.src, n.inside_ip, n.proto, p.tuple.sport, n.inside_port};
    d.acl = eni->acl(dir, inside.src.is_v6()).evaluate(inside);
    if (!d.acl.allow) return nat_drop(d, "acl");
    d.kind = Decision::Kind::kToVnic;
    d.vport = eni->vport;
    d.rewrite.dst_ip = n.inside_ip;
    d.rewrite.dport = n.inside_port;
    d.rewrite.dmac = eni->mac;
    return pipeline_.mirrored(inside, std::move(d));
  }
  Decision d = dir == Direction::kOutbound ? pipeline_.outbound(p) : pipeline_.inbound(p);
  if (d.dnat && d.kind == Decision::Kind::kToVnic) {
    if (e == nullptr || (!e->nat && !bind_dnat(conn, *e, p, d))) {
      ++stats_.nat_refused;
      return nat_drop(d, e == nullptr ? "dnat_untracked" : "dnat_collision");
    }
    return d;
  }
  if (!d.snat || d.kind != Decision::Kind::kDirect) return d;
  if (e == nullptr || (!e->nat && !bind(conn, *e, p, d))) {
    ++stats_.nat_refused;
    return nat_drop(d, e == nullptr ? "snat_untracked" : "snat_exhausted");
  }
  d.rewrite.src_ip = e->nat->public_ip;
  d.rewrite.sport = e->nat->public_port;
  return d;
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
    r.decision = slow(dir, p, 0, nullptr);
    return r;
  }
  r.conn = c.id;
  r.state = c.state;
  r.replaced = c.replaced;
  if (c.replaced != 0) erase(c.replaced);  // a reopened tuple: the old connection's
  Entry& e = entries_[c.id];
  const auto d = static_cast<unsigned>(dir);
  if (e.stamp[d].policy != 0 && e.stamp[d] == stamp_of(dir, e.decision[d])) {
    const std::optional<model::IpAddr>& u = e.decision[d].underlay_src;
    if (!u || *u == p.outer_src) {
      ++stats_.hits;
      r.decision = e.decision[d];
      return r;
    }
    // Another underlay source for the connection: the policy decides whether it may have it
    // (in the entry's direction: a relocation anchor's decisions for the tunnel's packets are
    // outbound ones).
    Decision other = dir == Direction::kInbound ? pipeline_.inbound(p) : pipeline_.outbound(p);
    if (other.kind == Decision::Kind::kDrop) {
      ++stats_.slow_path;
      ++stats_.underlay_refused;
      r.decision = std::move(other);
      r.underlay_refused = true;
      return r;
    }
    ++stats_.underlay_moved;
    r.underlay_moved = true;
  }
  if (e.stamp[d].policy != 0) ++stats_.recomputed;
  ++stats_.slow_path;
  e.decision[d] = slow(dir, p, c.id, &e);
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
  e.decision[d] = slow(dir, e.first[d], conn, &e);
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
  for (const std::uint64_t id : gone) erase(id);
  stats_.expired += gone.size();
  return gone;
}

}  // namespace nicsim::host::vswitch
