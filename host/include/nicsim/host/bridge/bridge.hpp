// SPDX-License-Identifier: MIT
// A learning bridge at the MAC layer on the NIC (docs/bridge.md): the uplink (wire port 0) and
// VNICs 1..N as bridge ports, each an access port of one VLAN or a trunk of allowed VLANs; a MAC
// table per VLAN learned from the source MACs of the frames the NIC misses, with aging, moves
// and a capacity; known unicast offloaded as NIC flows, unknown unicast and broadcast flooded by
// the host.
//
//   exception ring (a NIC miss, from port P) -> VLAN of the frame (P's access VLAN, or the tag
//   of a trunk's frame) -> learn the source MAC on P (a move if it was elsewhere: its flows
//   leave the NIC) -> destination:
//     known on port Q  -> a TCAM flow (from P, VLAN, source MAC, destination MAC) -> Q with the
//                         VLAN operation of P -> Q (push, pop or none), then the frame
//                         re-injected from the host's queue as P (the first frame is not lost);
//                         later frames of the pair never reach the host
//     broadcast, multicast, unknown -> one copy per other port of the VLAN, sent from the host's
//                         queue with a *select tag* (VID select_vid_base + port) that the
//                         port's delivery rule (host vport, that VID) pops before sending it
//                         to the wire or the VNIC (the NIC delivers one destination per frame,
//                         spec 5.6: replication is the host's)
//   age(now): the flows' packet counters (FlowTable::query_bulk) keep their MACs alive; a MAC
//     idle for longer than the timeout leaves the table, and its flows leave the NIC.
//
// The flow matches the source MAC as well as the destination so that every MAC the NIC forwards
// for has been seen by the host on its current port: a host that moves sends its next frame
// from another vport, which misses, and the move is learned at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"

namespace nicsim::host::bridge {

/// A configuration the bridge cannot run (overlapping VLANs, a vport the NIC does not have).
class BridgeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One bridge port: an access port (untagged frames of one VLAN) or a trunk (802.1Q-tagged
/// frames of the allowed VLANs; untagged frames are refused).
struct PortConfig {
  unsigned vport = 0;                    // 0 the uplink, 1..num_vnic a VNIC
  std::optional<std::uint16_t> access;   // the access VLAN (1..4094)
  std::vector<std::uint16_t> trunk;      // allowed VLANs of a trunk (1..4094)
};

struct BridgeConfig {
  std::vector<PortConfig> ports;
  std::size_t capacity = 1024;                  // MACs over all VLANs; full: learning refused
  std::uint64_t age_ns = 300'000'000'000ull;    // idle MACs age out after this (service's clock)
  bool offload = true;                          // false: the host forwards every frame
  /// Select tags: VID base + vport marks a copy from the host for that port; the VIDs
  /// base..base+num_vnic may not be bridge VLANs.
  std::uint16_t select_vid_base = 4000;
  std::uint16_t priority = 0x8000;  // TCAM priority of the bridge's rules (lower wins)
  unsigned host_txq = 0;            // the transmit queue the bridge owns (vport 255)
  RxQueueConfig exception_ring{.size_log2 = 8, .buf_size = 16384};
};

class Bridge {
 public:
  struct Stats {
    std::uint64_t exceptions = 0;       // frames polled from the exception ring
    std::uint64_t learned = 0;          // MACs added to the table
    std::uint64_t moves = 0;            // MACs seen on another port than their entry's
    std::uint64_t learn_refused = 0;    // MACs not learned: the table was full
    std::uint64_t aged = 0;             // MACs removed for idleness
    std::uint64_t installed = 0;        // flows installed in the NIC
    std::uint64_t removed = 0;          // flows removed (moves, aging)
    std::uint64_t offload_failed = 0;   // flows the NIC refused (TCAM full): forwarded by the host
    std::uint64_t reinjected = 0;       // first frames sent back through their new flow
    std::uint64_t sw_forwarded = 0;     // known unicast the host forwarded itself
    std::uint64_t flooded = 0;          // frames flooded (broadcast, multicast, unknown unicast)
    std::uint64_t unknown_unicast = 0;  // of those, unicast to a MAC not in the table
    std::uint64_t flood_copies = 0;     // copies sent for them
    std::uint64_t filtered = 0;         // destination on the port the frame came from: dropped
    std::uint64_t vlan_refused = 0;     // tagged on an access port, untagged or a VLAN not
                                        // allowed on a trunk, a port not in the bridge: dropped
    std::uint64_t tunnelled = 0;        // VXLAN, Geneve, NVGRE, GRE with a packet inside: the
                                        // NIC keys them on the inner headers, no bridge rule
                                        // can match them: dropped
    std::uint64_t bad_source = 0;       // multicast source MAC or a runt frame: dropped
    std::uint64_t other = 0;            // not a miss, or a frame of the host's own (a copy the
                                        // NIC could not steer, e.g. tunnelled): dropped
    std::uint64_t tx_refused = 0;       // frames the host's full transmit ring refused (lost)
  };

  /// Checks the configuration against the NIC (BridgeError naming the mistake).
  Bridge(Driver& drv, FlowTable& flows, BridgeConfig cfg);
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;
  /// Removes the bridge's flows and delivery rules from the NIC.
  ~Bridge();

  /// Opens the exception ring and the host's transmit queue and installs the delivery rules
  /// (one TCAM rule per port). FlowException if the NIC refuses one.
  void bring_up();
  /// Handles up to `budget` frames from the exception ring; `now` is the clock of age() (ns).
  std::size_t service(std::uint64_t now, unsigned budget = 256);
  /// Reads the flows' counters, refreshes the MACs they carry and removes the MACs idle for
  /// longer than the timeout, with their flows. Returns how many MACs aged out.
  std::size_t age(std::uint64_t now);

  /// The port `mac` is learned on in `vlan`.
  [[nodiscard]] std::optional<unsigned> port_of(std::uint16_t vlan, const Mac& mac) const;
  [[nodiscard]] std::size_t size() const { return table_.size(); }
  /// Flows in the NIC for learned pairs.
  [[nodiscard]] std::size_t flow_count() const { return flows_.size(); }
  /// The delivery rules bring_up() installed (one per port).
  [[nodiscard]] std::size_t host_rules() const { return delivery_.size(); }
  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] const BridgeConfig& config() const { return cfg_; }

  /// Called with every frame polled from the exception ring, before the bridge handles it (a
  /// scoreboard, captures).
  void on_exception(std::function<void(const RxPacket&)> fn) { on_exception_ = std::move(fn); }
  /// Called for every completion of the bridge's transmit queue; set before bring_up().
  void on_tx_complete(std::function<void(const TxCompletion&)> fn) { on_tx_ = std::move(fn); }
  /// Frames waiting on the exception ring (no register access).
  [[nodiscard]] unsigned pending() const { return exc_ ? exc_->pending() : 0; }
  /// The bridge's transmit queue (null before bring_up()) and what it has in flight.
  [[nodiscard]] const TxQueue* tx_queue() const { return txq_.get(); }
  [[nodiscard]] std::size_t in_flight_tx() const { return txq_ ? txq_->in_flight() : 0; }
  /// Reaps the transmit queue's completions.
  void reap() {
    if (txq_) (void)txq_->reap();
  }

 private:
  struct MacKey {
    std::uint16_t vlan;
    std::uint64_t mac;
    auto operator<=>(const MacKey&) const = default;
  };
  struct Entry {
    unsigned port;
    std::uint64_t last_active;
  };
  struct PairKey {
    unsigned port;  // ingress
    std::uint16_t vlan;
    std::uint64_t src, dst;
    auto operator<=>(const PairKey&) const = default;
  };
  struct Offloaded {
    Flow flow;
    std::uint64_t packets;  // the counter at the last look (re-injected frame: not activity)
  };
  struct Frame;

  [[nodiscard]] const PortConfig* port(unsigned vport) const;
  [[nodiscard]] static bool carries(const PortConfig& p, std::uint16_t vlan);
  void handle(const RxPacket& p, std::uint64_t now);
  /// Learns `src` on `port`; false when the table is full (refused).
  bool learn(std::uint16_t vlan, std::uint64_t src, unsigned port, std::uint64_t now);
  /// Removes the flows whose source or destination is `mac` in `vlan`.
  void forget_flows(std::uint16_t vlan, std::uint64_t mac);
  /// A flow for the pair; false when the NIC refused it.
  bool offload(const Frame& f, const PortConfig& out);
  /// Sends the frame to `out` through its delivery rule; false if the ring refused it.
  bool deliver(const Frame& f, const PortConfig& out);
  bool send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport);
  void flush_tx();

  Driver& drv_;
  FlowTable& ft_;
  BridgeConfig cfg_;
  std::unique_ptr<RxQueue> exc_;
  std::unique_ptr<TxQueue> txq_;
  unsigned tx_pending_ = 0;
  std::vector<Flow> delivery_;
  std::map<MacKey, Entry> table_;
  std::map<PairKey, Offloaded> flows_;
  Stats stats_;
  std::function<void(const RxPacket&)> on_exception_;
  std::function<void(const TxCompletion&)> on_tx_;
};

}  // namespace nicsim::host::bridge
