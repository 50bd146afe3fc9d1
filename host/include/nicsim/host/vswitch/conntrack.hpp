// SPDX-License-Identifier: MIT
// Connection tracking for the virtual switch's stateful rules (docs/vswitch.md): one entry per
// connection, found from either direction; TCP follows its handshake and teardown (SYN, FIN,
// RST), UDP and ICMP (and any other protocol) are connections by their tuple with idle
// timeouts. Time is given by the caller (nanoseconds of the simulation or of the host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "nicsim/host/vswitch/acl.hpp"

namespace nicsim::host::vswitch {

/// TCP header flags as on the wire.
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
}

enum class ConnState : std::uint8_t {
  kSynSent,      // the originator's SYN seen
  kSynReceived,  // the reply's SYN+ACK seen
  kEstablished,  // the originator's ACK of it (or, for other protocols: both directions seen)
  kFinWait,      // one side's FIN seen
  kClosing,      // both sides' FINs seen: the last ACK, then TIME_WAIT
  kTimeWait,
  kClosed,       // an RST: kept briefly for the packets still on their way
  kUnreplied,    // UDP / ICMP / other: only the originator seen so far
};
[[nodiscard]] const char* to_string(ConnState s) noexcept;

/// Idle timeouts per state (nanoseconds). Defaults follow Linux's nf_conntrack where it has
/// one (TCP SYN 120 s, established 5 days, FIN 120 s, TIME_WAIT 120 s, close 10 s; UDP 30 s
/// unreplied, 120 s once replied; ICMP 30 s), except the established TCP timeout, which is a
/// hypervisor's usual 4 hours rather than 5 days.
struct ConnTimeouts {
  std::uint64_t tcp_syn = 120'000'000'000ull;
  std::uint64_t tcp_established = 4ull * 3600 * 1'000'000'000ull;
  std::uint64_t tcp_fin = 120'000'000'000ull;
  std::uint64_t tcp_time_wait = 120'000'000'000ull;
  std::uint64_t tcp_closed = 10'000'000'000ull;
  std::uint64_t udp_unreplied = 30'000'000'000ull;
  std::uint64_t udp_replied = 120'000'000'000ull;
  std::uint64_t icmp = 30'000'000'000ull;
};

/// What track() says about one packet.
struct ConnResult {
  enum class Kind : std::uint8_t {
    kNew,        // the first packet of a connection: an entry was made
    kKnown,      // a packet of a tracked connection (either direction)
    kInvalid,    // TCP without an entry that is not a SYN, or a SYN on a closing connection's
                 // tuple that is not a new connection; counted, not tracked
    kTableFull,  // a new connection the table had no room for (counted, not tracked)
  };
  Kind kind = Kind::kInvalid;
  bool reply = false;          // the packet goes against the originator's direction
  ConnState state = ConnState::kUnreplied;
  std::uint64_t id = 0;        // the connection (stable while it lives)
  std::uint64_t replaced = 0;  // kNew on a finished connection's tuple: the id it replaced
};

class ConnTable {
 public:
  /// `tcp_loose`: a TCP packet without an entry that is not a SYN (nor an RST) picks the
  /// connection up mid-stream as established (Linux's nf_conntrack_tcp_loose, on by default
  /// there): what a switch needs after a restart or a VM's move, when connections exist that it
  /// never saw open. Off: such packets are invalid.
  explicit ConnTable(std::size_t capacity = 1 << 20, ConnTimeouts t = {}, bool tcp_loose = false)
      : capacity_(capacity), timeouts_(t), tcp_loose_(tcp_loose) {}
  // Moved, not copied: the tuples point into the connections' nodes.
  ConnTable(const ConnTable&) = delete;
  ConnTable& operator=(const ConnTable&) = delete;
  ConnTable(ConnTable&&) noexcept = default;
  ConnTable& operator=(ConnTable&&) noexcept = default;

  /// Follows one packet of tuple `t` (with its TCP flags for protocol 6) at time `now`.
  ConnResult track(const FlowTuple& t, std::uint8_t tcp_flags, std::uint64_t now);
  /// Removes the connections idle beyond their state's timeout at `now`; returns their ids
  /// (the flow cache and the NIC's entries for them go too).
  std::vector<std::uint64_t> expire(std::uint64_t now);
  /// A second tuple connection `id` is found by, as a reply (NAT: the reply arrives addressed to
  /// the translated source). False when the tuple belongs to another connection or `id` is
  /// unknown. It goes with the connection.
  bool alias(std::uint64_t id, const FlowTuple& reply);
  /// Activity seen elsewhere (the NIC's counters of an offloaded connection) at `now`: the
  /// connection's idle time starts again. Its state does not change. False for an unknown id.
  bool touch(std::uint64_t id, std::uint64_t now);

  [[nodiscard]] std::size_t size() const { return by_id_.size(); }
  [[nodiscard]] std::optional<ConnState> state(std::uint64_t id) const;
  /// The idle timeout of a state for protocol `proto`.
  [[nodiscard]] std::uint64_t timeout(std::uint8_t proto, ConnState s) const;
  [[nodiscard]] std::uint64_t invalid() const { return invalid_; }
  /// TCP connections picked up mid-stream (tcp_loose).
  [[nodiscard]] std::uint64_t picked_up() const { return picked_up_; }
  [[nodiscard]] std::uint64_t refused() const { return refused_; }

 private:
  struct Conn {
    std::uint64_t id;
    FlowTuple orig;
    ConnState state;
    std::uint64_t last;  // time of the last packet
    bool fin_orig = false, fin_reply = false;
    std::optional<FlowTuple> alias{};  // a translated reply's tuple (alias())
  };
  struct TupleHash {
    std::size_t operator()(const FlowTuple& t) const noexcept;
  };
  struct TupleEq {
    bool operator()(const FlowTuple& a, const FlowTuple& b) const noexcept;
  };
  void advance_tcp(Conn& c, bool reply, std::uint8_t flags);

  std::size_t capacity_;
  ConnTimeouts timeouts_;
  bool tcp_loose_;
  /// The connections by id, and by their tuples (the originator's, and a NAT reply's alias) as
  /// pointers into by_id_ (its nodes do not move): a packet's connection in one lookup.
  std::unordered_map<std::uint64_t, Conn> by_id_;
  std::unordered_map<FlowTuple, Conn*, TupleHash, TupleEq> by_tuple_;
  std::uint64_t next_id_ = 1, invalid_ = 0, refused_ = 0, picked_up_ = 0;
};

/// The reply direction of a tuple (addresses and ports swapped).
[[nodiscard]] FlowTuple reversed(const FlowTuple& t) noexcept;

}  // namespace nicsim::host::vswitch
