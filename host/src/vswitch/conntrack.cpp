// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/conntrack.hpp"

#include <algorithm>

namespace nicsim::host::vswitch {

namespace {

constexpr std::uint8_t kTcp = 6, kIcmp = 1, kIcmpv6 = 58;

}  // namespace

const char* to_string(ConnState s) noexcept {
  switch (s) {
    case ConnState::kSynSent: return "syn_sent";
    case ConnState::kSynReceived: return "syn_received";
    case ConnState::kEstablished: return "established";
    case ConnState::kFinWait: return "fin_wait";
    case ConnState::kClosing: return "closing";
    case ConnState::kTimeWait: return "time_wait";
    case ConnState::kClosed: return "closed";
    case ConnState::kUnreplied: return "unreplied";
  }
  return "?";
}

FlowTuple reversed(const FlowTuple& t) noexcept {
  return FlowTuple{t.dst, t.src, t.proto, t.dport, t.sport, t.zone};
}

std::size_t ConnTable::TupleHash::operator()(const FlowTuple& t) const noexcept {
  const auto s = ip_words(t.src), d = ip_words(t.dst);
  std::uint64_t h = hash_mix(s[0] ^ (d[0] << 32 | d[0] >> 32) ^
                             (std::uint64_t{t.src.version()} << 56));
  if ((s[1] | d[1]) != 0) h = hash_mix(h ^ s[1] ^ hash_mix(d[1] ^ t.dst.version()));
  return static_cast<std::size_t>(
      hash_mix(h ^ (std::uint64_t{t.zone} << 40 | std::uint64_t{t.proto} << 32 |
                    std::uint64_t{t.sport} << 16 | t.dport)));
}

bool ConnTable::TupleEq::operator()(const FlowTuple& a, const FlowTuple& b) const noexcept {
  return a.proto == b.proto && a.sport == b.sport && a.dport == b.dport && a.zone == b.zone &&
         same_ip(a.src, b.src) && same_ip(a.dst, b.dst);
}

std::uint64_t ConnTable::timeout(std::uint8_t proto, ConnState s) const {
  if (proto == kTcp) {
    switch (s) {
      case ConnState::kSynSent:
      case ConnState::kSynReceived: return timeouts_.tcp_syn;
      case ConnState::kEstablished: return timeouts_.tcp_established;
      case ConnState::kFinWait:
      case ConnState::kClosing: return timeouts_.tcp_fin;
      case ConnState::kTimeWait: return timeouts_.tcp_time_wait;
      default: return timeouts_.tcp_closed;
    }
  }
  if (proto == kIcmp || proto == kIcmpv6) return timeouts_.icmp;
  // UDP and every other protocol
  return s == ConnState::kUnreplied ? timeouts_.udp_unreplied : timeouts_.udp_replied;
}

void ConnTable::advance_tcp(Conn& c, bool reply, std::uint8_t flags) {
  using namespace tcp_flag;
  if ((flags & kRst) != 0) {
    c.state = ConnState::kClosed;
    return;
  }
  const bool syn = (flags & kSyn) != 0, ack = (flags & kAck) != 0, fin = (flags & kFin) != 0;
  switch (c.state) {
    case ConnState::kSynSent:
      if (reply && syn && ack) c.state = ConnState::kSynReceived;
      break;
    case ConnState::kSynReceived:
      if (!reply && ack && !syn) c.state = ConnState::kEstablished;
      break;
    default:
      break;
  }
  if (fin && (c.state == ConnState::kEstablished || c.state == ConnState::kFinWait ||
              c.state == ConnState::kSynReceived)) {
    (reply ? c.fin_reply : c.fin_orig) = true;
    c.state = c.fin_orig && c.fin_reply ? ConnState::kClosing : ConnState::kFinWait;
    return;
  }
  // The ACK of the second FIN: the connection is done, its tuple waits out TIME_WAIT.
  if (c.state == ConnState::kClosing && ack && !fin && !syn) c.state = ConnState::kTimeWait;
}

ConnResult ConnTable::track(const FlowTuple& t, std::uint8_t tcp_flags, std::uint64_t now) {
  using namespace tcp_flag;
  ConnResult r;
  const bool tcp = t.proto == kTcp;
  const bool fresh_syn = tcp && (tcp_flags & (kSyn | kAck | kRst)) == kSyn;
  bool reply = false;
  auto it = by_tuple_.find(t);
  if (it == by_tuple_.end()) {
    it = by_tuple_.find(reversed(t));
    reply = it != by_tuple_.end();
  }
  if (it != by_tuple_.end()) {
    Conn& c = *it->second;
    reply = !TupleEq{}(c.orig, t);
    // A new SYN from the originator on a finished connection's tuple opens a new one.
    const bool reopen = fresh_syn && !reply &&
                        (c.state == ConnState::kTimeWait || c.state == ConnState::kClosed);
    if (!reopen) {
      if (tcp) advance_tcp(c, reply, tcp_flags);
      if (!tcp && reply && c.state == ConnState::kUnreplied) c.state = ConnState::kEstablished;
      c.last = now;
      r.kind = ConnResult::Kind::kKnown;
      r.reply = reply;
      r.state = c.state;
      r.id = c.id;
      return r;
    }
    r.replaced = c.id;  // `it` and `c` go with the erases below
    const FlowTuple orig = c.orig;
    if (c.alias) by_tuple_.erase(*c.alias);
    by_tuple_.erase(reversed(orig));
    by_tuple_.erase(orig);
    by_id_.erase(r.replaced);
  }
  // A TCP connection starts with a SYN, or (loose) is picked up mid-stream by anything but an
  // RST; a reopened tuple (r.replaced) always starts with a SYN.
  const bool pickup = tcp && !fresh_syn && tcp_loose_ && (tcp_flags & (kSyn | kRst)) == 0;
  if (tcp && !fresh_syn && !pickup) {
    ++invalid_;
    r.kind = ConnResult::Kind::kInvalid;
    return r;
  }
  if (by_id_.size() >= capacity_) {
    ++refused_;
    r.kind = ConnResult::Kind::kTableFull;
    return r;
  }
  const std::uint64_t id = next_id_++;
  picked_up_ += pickup ? 1 : 0;
  const ConnState s = pickup ? ConnState::kEstablished
                      : tcp  ? ConnState::kSynSent
                             : ConnState::kUnreplied;
  Conn& c = by_id_.emplace(id, Conn{id, t, s, now}).first->second;
  by_tuple_.emplace(t, &c);
  r.kind = ConnResult::Kind::kNew;
  r.state = s;
  r.id = id;
  return r;
}

std::vector<std::uint64_t> ConnTable::expire(std::uint64_t now) {
  std::vector<std::uint64_t> gone;
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    const Conn& c = it->second;
    if (now > c.last && now - c.last > timeout(c.orig.proto, c.state)) {
      gone.push_back(it->first);
      by_tuple_.erase(c.orig);
      if (c.alias) by_tuple_.erase(*c.alias);
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

bool ConnTable::alias(std::uint64_t id, const FlowTuple& reply) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end() || by_tuple_.contains(reply) || by_tuple_.contains(reversed(reply))) {
    return false;
  }
  if (it->second.alias) by_tuple_.erase(*it->second.alias);
  it->second.alias = reply;
  by_tuple_.emplace(reply, &it->second);
  return true;
}

bool ConnTable::touch(std::uint64_t id, std::uint64_t now) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  it->second.last = std::max(it->second.last, now);
  return true;
}

std::optional<ConnState> ConnTable::state(std::uint64_t id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second.state;
}

}  // namespace nicsim::host::vswitch
