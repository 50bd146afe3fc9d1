// SPDX-License-Identifier: MIT
// The unified flow table (docs/vswitch.md): the slow path's decision for a connection, cached
// for both of its directions, so that only a connection's first packet (and the first after a
// policy change) runs through the policy.
//
//   lookup(direction, packet, now):
//     the connection (ConnTable: either direction, TCP state) -> its cached entry for this
//     direction -> used as it is when computed under the current policy version; else the slow
//     path runs again (lazily: a policy change recomputes only the flows that carry packets)
//     and the entry is replaced (`recomputed`).
//   expire(now): connections idle beyond their state's timeout go, with their entries; the ids
//     returned tell the offload layer which NIC entries to remove.
//
// A full table is a policy, counted: a new connection the connection table has no room for is
// not cached; its packets still get the slow path's decision each time (`uncached`), so nothing
// is lost, only slower. Invalid TCP (no SYN first) is decided by policy but not cached.
#pragma once

#include <cstdint>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "nicsim/host/vswitch/conntrack.hpp"
#include "nicsim/host/vswitch/pipeline.hpp"

namespace nicsim::host::vswitch {

class FlowCache {
 public:
  struct Stats {
    std::uint64_t hits = 0;        // packets served from a current entry
    std::uint64_t slow_path = 0;   // packets that ran the policy (first packets, recomputes)
    std::uint64_t recomputed = 0;  // entries replaced because the policy changed
    std::uint64_t uncached = 0;    // packets decided without an entry (table full, invalid TCP)
    std::uint64_t expired = 0;     // connections aged out
    std::uint64_t nat_bound = 0;   // connections given a source NAT binding
    std::uint64_t nat_refused = 0; // connections source NAT could not bind (no port left, a
                                   // reply tuple in use, untracked): dropped
    std::uint64_t underlay_moved = 0;    // entries decided again for a new underlay source
    std::uint64_t underlay_refused = 0;  // packets from another underlay source the policy
                                         // drops (the entry stays as it was)
  };
  struct Result {
    Decision decision;
    std::uint64_t conn = 0;  // 0: not cached
    bool first = false;      // this packet made the entry (or remade it)
    ConnState state = ConnState::kUnreplied;
    std::uint64_t replaced = 0;  // a finished connection on the same tuple this one replaced
                                 // (its entry is gone: the offload removes its NIC flows)
    /// A tunnelled packet from another underlay source than its entry's decision (inbound, or a
    /// relocation anchor's packet from the tunnel, decided outbound):
    /// `moved`, the policy accepts the new source and the entry was decided again (`first`;
    /// the offload replaces the connection's NIC flows of this direction, which check the old
    /// source); `refused`, the policy drops it (`decision`) and the entry stays as it was (a
    /// spoofed source cannot take over or tear down a connection).
    bool underlay_moved = false;
    bool underlay_refused = false;
  };

  /// `tcp_loose`: connection tracking picks TCP connections up mid-stream (ConnTable).
  FlowCache(const Pipeline& p, std::size_t capacity = 1 << 20, ConnTimeouts t = {},
            bool tcp_loose = false)
      : pipeline_(p), conns_(capacity, t, tcp_loose) {}

  /// The policy version entries are checked against: the owner bumps it on every policy change
  /// (routes, mappings, ENIs; ACL changes are seen through the ENI's stages' versions too).
  void policy_changed() { ++policy_version_; }
  /// The generation: one more per policy_changed() (a migration's flip is one).
  [[nodiscard]] std::uint64_t policy_version() const { return policy_version_; }

  Result lookup(Direction dir, const PacketInfo& p, std::uint64_t now);
  /// Removes the idle connections; returns their ids.
  std::vector<std::uint64_t> expire(std::uint64_t now);
  /// Activity of connection `conn` seen outside the cache (its offloaded flows' NIC counters).
  bool touch(std::uint64_t conn, std::uint64_t now) { return conns_.touch(conn, now); }

  /// The decision cached for a connection and direction (null: none).
  [[nodiscard]] const Decision* decision(std::uint64_t conn, Direction dir) const;
  /// True when that decision was computed under the current policy.
  [[nodiscard]] bool current(std::uint64_t conn, Direction dir) const;
  /// Recomputes a cached decision that is not current, from the packet that first made it
  /// (what a flow offloaded to the NIC needs after a policy change: its packets never reach the
  /// cache). Returns the decision now cached, or null when there is none.
  const Decision* refresh(std::uint64_t conn, Direction dir);
  /// The connections that have an entry (in no particular order).
  [[nodiscard]] std::vector<std::uint64_t> connections_cached() const;

  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] const ConnTable& connections() const { return conns_; }

 private:
  /// What a decision was computed under: the owner's policy version and the version of the
  /// ENI's ACL stages of that direction.
  struct Stamp {
    std::uint64_t policy = 0, acl = 0;  // policy 0: no decision yet
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };
  /// A connection's NAT binding: the public side and the VM's side. Source NAT: the VM opened
  /// it (its source translated, the replies translated back); DNAT: the underlay opened it (its
  /// destination translated, the VM's replies leave from the public side).
  struct Nat {
    model::IpAddr public_ip;
    std::uint16_t public_port = 0;
    std::uint8_t proto = 0;
    bool pooled = false;  // the port came from the pool (NAPT)
    bool dnat = false;
    model::IpAddr inside_ip;  // the VM's address and port
    std::uint16_t inside_port = 0;
    std::uint32_t eni = 0;
  };
  struct Entry {
    Decision decision[2];  // by Direction
    Stamp stamp[2];
    PacketInfo first[2];   // the packet each decision was computed from
    std::optional<Nat> nat;
  };
  [[nodiscard]] Stamp stamp_of(Direction dir, const Decision& d) const;
  /// The slow path for a packet of connection `conn` (0: untracked) and its entry: the policy,
  /// then source NAT (a binding made for the connection's first SNAT decision; a NATed
  /// connection's replies are decided from it).
  [[nodiscard]] Decision slow(Direction dir, const PacketInfo& p, std::uint64_t conn, Entry* e);
  /// The connection's binding, made on its first SNAT decision; false when none can be made.
  bool bind(std::uint64_t conn, Entry& e, const PacketInfo& p, const Decision& d);
  /// The same for a DNAT decision (the first packet from the underlay).
  bool bind_dnat(std::uint64_t conn, Entry& e, const PacketInfo& p, const Decision& d);
  void release(Entry& e);
  void erase(std::uint64_t conn);

  const Pipeline& pipeline_;
  ConnTable conns_;
  std::unordered_map<std::uint64_t, Entry> entries_;  // by connection id
  /// NAPT ports in use, by public address and protocol (the key: address bytes, version,
  /// protocol).
  std::map<std::pair<std::array<std::uint8_t, 17>, std::uint8_t>, std::set<std::uint16_t>> ports_;
  std::uint64_t policy_version_ = 1;
  Stats stats_;
};

}  // namespace nicsim::host::vswitch
