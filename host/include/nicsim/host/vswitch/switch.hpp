// SPDX-License-Identifier: MIT
// The virtual switch on the NIC (docs/vswitch.md, "Offload and the exception path"): the policy
// (Pipeline) and the unified flow table (FlowCache) behind the NIC's exception ring, with every
// cached flow the NIC can execute installed in it through the driver's flow API.
//
//   exception ring (a NIC miss) -> packet_info -> direction (from a VNIC: outbound; from the
//   wire: inbound) -> FlowCache::lookup (slow path on a connection's first packet)
//     -> offload: the frame's exact-match rule (rule_of_frame) with the decision's actions
//        (encap: a refcounted template per tunnel destination) installed in the NIC, then the
//        frame re-injected from the host's transmit queue with its source vport, so the NIC
//        applies the new flow to it too (the first packet is not lost);
//     -> or, when the NIC cannot hold the flow (exact-match table full, no encap template left,
//        a fragment, an uncached connection, offload off): the software fast path applies the
//        same action record to the frame (model::Transposer, the spec's transposition: the
//        bytes are those the NIC would have sent) and sends the result from the host's queue,
//        where the host port's delivery rules (a TCAM rule per ENI by destination MAC, the rest
//        to the wire) take it to its VNIC or the wire.
//   policy_changed(): every offloaded flow whose decision is no longer current is recomputed
//     (from the packet that made it) and its NIC entry replaced or removed: no stale action
//     stays in the NIC.
//   expire(now): the NIC's per-flow packet counters keep offloaded connections alive; idle ones
//     age out of the connection table and their NIC entries are removed.
//
// The NIC's flow key has no outer addresses: an offloaded inbound flow is keyed on the VNI and
// the inner 5-tuple, so the NIC does not re-check the VIP and PA validation for the packets
// after the first (documented in docs/vswitch.md).
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/vswitch/flow_cache.hpp"
#include "nicsim/host/vswitch/pipeline.hpp"

namespace nicsim::host::vswitch {

struct SwitchConfig {
  Mac underlay_mac{};       // outer source MAC of what this host encapsulates
  Mac underlay_next_hop{};  // outer destination MAC (the underlay's next hop)
  unsigned host_txq = 0;    // the transmit queue the switch owns (vport 255, the host's)
  RxQueueConfig exception_ring{.size_log2 = 10, .buf_size = 16384};
  std::size_t flow_capacity = 1 << 20;  // connections (FlowCache)
  ConnTimeouts timeouts{};
  /// TCP connections the switch did not see open (a restart, a VM that moved) are picked up
  /// mid-stream, as established, and offloaded like the others (ConnTable's tcp_loose).
  bool tcp_loose = true;
  bool offload = true;  // false: every packet through the software fast path
  /// TCAM priorities of the host port's delivery rules: per ENI, and the wire catch-all below
  /// them (lower value wins).
  std::uint16_t host_rule_priority = 0xFF00;
};

class Switch {
 public:
  struct Stats {
    std::uint64_t exceptions = 0;      // frames polled from the exception ring
    std::uint64_t not_routable = 0;    // no IP (or a parse error): dropped, counted
    std::uint64_t other_reason = 0;    // exception reasons other than a miss: dropped, counted
    std::uint64_t policy_drops = 0;    // frames the policy dropped in software
    std::uint64_t installed = 0;       // flows installed in the NIC
    std::uint64_t removed = 0;         // flows removed (aged, invalidated, replaced)
    std::uint64_t replaced = 0;        // offloaded flows whose action a policy change replaced
    std::uint64_t reinjected = 0;      // first frames sent back through the NIC's new flow
    std::uint64_t sw_forwarded = 0;    // frames the software fast path sent
    std::uint64_t nic_full = 0;        // flows the exact-match table had no room for
    std::uint64_t encap_full = 0;      // flows with no encap template left in the NIC
    std::uint64_t not_offloadable = 0; // no exact key (a fragment), an action refused
    std::uint64_t tx_refused = 0;      // frames the host's full transmit ring refused (lost)
    std::uint64_t touched = 0;         // offloaded connections the NIC's counters kept alive
    std::uint64_t mixed_underlay = 0;  // encap decisions between two address families: dropped
    std::uint64_t encap_unsupported = 0;  // encap decisions in a tunnel other than VXLAN, NVGRE,
                                          // Geneve: dropped
    std::uint64_t tcp_ctl_copies = 0;  // offloaded TCP connections' SYN/FIN/RST seen (copies)
    std::uint64_t mirror_copies = 0;   // the NIC's mirror copies of offloaded flows' frames
    std::uint64_t mirrored = 0;        // copies sent to mirror sessions' collectors
    std::uint64_t mirror_dropped = 0;  // copies not sent: session gone, a collector of the
                                       // other address family, the transmit ring full
    std::uint64_t outer_src = 0;       // frames of offloaded tunnelled flows from another
                                       // underlay source (the NIC's check_osrc, reason OUTER_SRC)
    std::uint64_t underlay_refused = 0;  // ... that the policy drops (a spoofed source): the
                                         // connection keeps its flows
    std::uint64_t underlay_moved = 0;  // ... that it accepts (a VM moved): the connection's NIC
                                       // flows of that direction replaced
    std::uint64_t steer_full = 0;      // shared-address ENIs whose range rules the TCAM had no
                                       // room for (at a bring_up or policy_changed): their new
                                       // inbound connections are steered by the host instead
    std::uint64_t ttl_expired = 0;     // routed between routing contexts with a TTL (hop limit)
                                       // of 0 or 1: dropped, as a router does
    // Subnet relocation (docs/vswitch-relocation.md).
    std::uint64_t fixed_sport_sw = 0;  // frames sent in software because their tunnel needs a
                                       // fixed UDP source port (the tether's), which the NIC's
                                       // encap templates cannot carry
    std::uint64_t keepalives_sent = 0;      // tether: keepalives sent into the tunnel
    std::uint64_t keepalives_received = 0;  // anchor: keepalives from the tether
    std::uint64_t tether_learned = 0;  // anchor: the tether's translated address or port
                                       // learned or changed (a NAT rebinding)
  };

  /// The switch owns the exception ring and transmit queue `cfg.host_txq` (created by
  /// bring_up()); `flows` is the NIC's flow table it installs into (it may hold other rules).
  Switch(Driver& drv, FlowTable& flows, Pipeline& policy, SwitchConfig cfg);
  ~Switch();
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  /// Exception ring, host transmit queue, the host port's delivery rules, the shared addresses'
  /// steering rules. Throws DriverError (a missing block or queue), FlowException (a delivery
  /// rule the NIC refuses) or SharedAddressError (Pipeline::check_shared_addresses).
  void bring_up();
  /// Handles up to `budget` frames of the exception ring at time `now` (ns, the caller's clock:
  /// connection tracking and aging count it); returns the frames handled.
  std::size_t service(std::uint64_t now, unsigned budget = 256);
  /// Call after every policy change (routes, mappings, ENIs, ACLs): cached decisions recompute,
  /// offloaded flows whose decision changed are replaced or removed in the NIC, the host port's
  /// delivery rules follow the ENIs. Returns the offloaded flows whose NIC entry changed.
  /// SharedAddressError (Pipeline::check_shared_addresses) before anything changes.
  std::size_t policy_changed();
  /// Live migration's flip on this host (Pipeline::activate, docs/vswitch-migration.md): every
  /// change staged under `migration` becomes the policy at once, then policy_changed() (one
  /// flow cache version, the offloaded flows it changes replaced in one batch). Returns the
  /// offloaded flows whose NIC entry changed; MigrationError (nothing changed) as activate().
  std::size_t activate(std::uint32_t migration) {
    policy_.activate(migration);
    return policy_changed();
  }
  /// Subnet relocation's keepalive (docs/vswitch-relocation.md): on a tether whose period has
  /// passed since the last one at `now`, a keepalive into the tunnel (service() calls it).
  /// Returns true when one was sent.
  bool keepalive(std::uint64_t now);
  /// The policy the switch decides with.
  [[nodiscard]] Pipeline& policy() { return policy_; }
  /// Ages connections out at `now` (offloaded ones stay while their NIC counters move); returns
  /// the connections removed.
  std::size_t expire(std::uint64_t now);
  /// Removes every flow the switch installed (not the delivery rules).
  void flush();

  /// Called with every frame polled from the exception ring, before the switch handles it (a
  /// scoreboard, captures).
  void on_exception(std::function<void(const RxPacket&)> fn) { on_exception_ = std::move(fn); }
  /// Called for every completion of the switch's transmit queue; set before bring_up().
  void on_tx_complete(std::function<void(const TxCompletion&)> fn) { on_tx_ = std::move(fn); }
  /// Frames waiting on the exception ring (no register access).
  [[nodiscard]] unsigned pending() const { return exc_ ? exc_->pending() : 0; }
  /// Transmitted frames not yet completed.
  [[nodiscard]] std::size_t in_flight_tx() const;
  /// Reaps the switch's transmit completions (service() does it too).
  void reap();
  /// The switch's transmit queue (null before bring_up()).
  [[nodiscard]] const TxQueue* tx_queue() const { return txq_.get(); }

  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] const FlowCache& cache() const { return cache_; }
  /// NIC flows the switch installed for connections now.
  [[nodiscard]] std::size_t offloaded() const;
  /// The switch's own TCAM rules: the host port's and the bridged VMs' delivery rules, the
  /// wire catch-alls.
  [[nodiscard]] std::size_t host_rules() const {
    return delivery_.size() + bridged_.size() + catch_all_.size() + steering_rules();
  }
  /// TCAM rules steering new connections to shared addresses to their ENIs' VNICs.
  [[nodiscard]] std::size_t steering_rules() const;
  /// The steering rules of ENI `eni` (0: none, e.g. the TCAM had no room for them).
  [[nodiscard]] std::size_t steering_rules(std::uint32_t eni) const;
  /// Encap templates in use (distinct tunnel destinations offloaded).
  [[nodiscard]] std::size_t encap_templates_used() const { return encaps_.size(); }

 private:
  /// A template is shared by the flows with the same tunnel type, outer addresses and VNI (the
  /// outer MACs are the host's).
  struct EncapKey {
    std::array<std::uint8_t, 16> src{}, dst{};
    std::uint8_t v6 = 0;
    std::uint8_t type = 0;  // fmt::EncapTunnel
    std::uint32_t vni = 0;
    std::uint16_t dport = 0;  // the UDP destination port (VXLAN, Geneve)
    friend auto operator<=>(const EncapKey&, const EncapKey&) = default;
  };
  struct EncapKeyHash {
    std::size_t operator()(const EncapKey& k) const noexcept;
  };
  struct EncapSlot {
    unsigned index = 0;
    std::uint32_t refs = 0;
  };
  /// A flow of one direction of a connection installed in the NIC.
  struct Installed {
    Flow flow;
    FlowRule rule;      // as installed (pattern and actions)
    Decision decision;  // what it executes
    std::optional<EncapKey> encap;
    std::uint64_t packets = 0;  // the NIC's count at the last expire()
    std::uint64_t billed_packets = 0, billed_bytes = 0;  // counted into the meter buckets
    std::uint32_t overhead = 0;  // received bytes per packet beyond the overlay (a tunnel)
    bool tcp = false;            // a TCP flow (its control segments are copied when it forwards)
  };
  /// Usually one flow per direction; more when frames of one connection have different keys
  /// (e.g. a VLAN tag on some of them).
  struct ConnFlows {
    std::vector<Installed> dir[2];
  };
  struct InstallResult {
    enum Status { kFailed, kInstalled, kExists } status = kFailed;
    Installed in{};
  };
  /// A TCAM rule taking frames with an ENI's MAC (and VLAN) to its VNIC.
  struct Delivery {
    Mac mac;
    unsigned vport;
    std::optional<std::uint16_t> vlan;
    Flow flow;
  };
  /// A decision as flow actions; `tmpl` is the encap template it needs (kEncap).
  struct Plan {
    std::vector<FlowAction> actions;
    std::optional<EncapTemplate> tmpl;
    std::optional<EncapKey> key;
  };

  /// A flow to install with the rest of its batch, and the frame that missed.
  struct Pending {
    const RxPacket* p;
    FlowRule rule;  // prepared: its template acquired
    Plan plan;
    Decision decision;
    std::uint64_t conn;
    Direction dir;
    std::uint32_t overlay_len;
    bool tcp;
  };
  void handle(const RxPacket& p, std::uint64_t now, std::vector<Pending>& offload);
  /// Installs the batch's flows (one create_batch: the flow-command ring), then re-injects
  /// each frame, or serves it in software when its flow could not be installed.
  void install_batch(std::vector<Pending>& offload);
  /// `tcp`: the flow is TCP and forwards (its SYN, FIN and RST are copied to the host);
  /// `nic`: the NIC executes it (a mirrored flow's frames are copied to the host, which sends
  /// them on to the collectors); false: the software fast path (the host has the frame).
  [[nodiscard]] Plan plan(const Decision& d, bool tcp, bool nic = true) const;
  /// The template of a tunnel of `type` from `src` to `dst` with `vni` (and a UDP destination
  /// port other than the type's), and its key.
  [[nodiscard]] std::pair<EncapTemplate, EncapKey> tunnel(
      fmt::EncapTunnel type, std::uint32_t vni, const model::IpAddr& src,
      const model::IpAddr& dst, std::optional<std::uint16_t> dport = std::nullopt) const;
  /// Subnet relocation on the anchor: the frame from the wire just parsed (Sw::pr), when it is
  /// in the relocation tunnel, teaches the tether's translated address and port; true when it
  /// is a keepalive (nothing more to do).
  bool from_tether();
  /// Sends the frame `p` (as received) to the collectors of d's mirror sessions. `parsed`: the
  /// software path's parse (Sw::pr) is p's already.
  void mirror(const RxPacket& p, const Decision& d, bool parsed);
  /// Gives `rule` the plan's actions and its template (acquired); false (counted) when no
  /// template is left.
  /// The plan's actions move into the rule (the plan keeps its template and key).
  bool prepare(FlowRule& rule, Plan& plan);
  /// The result of creating a prepared rule: the template released and the cause counted when
  /// it failed.
  InstallResult finish(Result<Flow> f, FlowRule&& rule, const Plan& plan, const Decision& d);
  void release(const EncapKey& k);
  void remove_conn(std::uint64_t conn);
  /// Removes connections' NIC entries in one batch (destroy_batch); `billed`: their counters
  /// were just read and billed (else they are read in bulk first).
  void remove_conns(std::span<const std::uint64_t> conns, bool billed);
  /// Removes the NIC flows of one direction of a connection (billed first).
  void remove_dir(std::uint64_t conn, Direction dir);
  /// Their NIC entries in one batch; what they carried since the last read is billed first
  /// unless `billed`.
  void uninstall(std::span<Installed* const> gone, bool billed);
  /// The software fast path: the flow's action record (compiled once per connection and
  /// direction while its decision stands; `key` 0: an uncached packet) applied to the frame,
  /// sent from the host's queue. `parsed`: Sw::pr is p's parse already (handle() parsed it).
  void software(const RxPacket& p, std::uint64_t key, bool fresh, const Decision& d,
                std::uint32_t overlay_len, bool parsed);
  /// Bills what an offloaded flow carried since the last read of its counters `c` to the
  /// policy's meter buckets.
  void bill(Installed& in, const FlowCounters& c);
  /// Queues a frame on the host's transmit queue (one doorbell per batch: flush_tx()).
  bool send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport);
  void flush_tx();
  void sync_delivery_rules();
  /// A shared address's listening ports of one ENI in the NIC: TCAM rules (from the wire,
  /// destination the address, TCP or UDP destination port under a mask: port_masks()) that
  /// rewrite the destination to the VM and deliver to its VNIC (TCP: SYN, FIN and RST copied to
  /// the host, which tracks the connection). What they were made from, to see when they
  /// change.
  struct Steering {
    Snat snat;
    unsigned vport = 0;
    Mac mac{};
    std::vector<Flow> flows;
  };
  /// What ENI `e`'s steering rules should be; none when the NIC cannot steer for it (no shared
  /// range, no VNIC, down, inbound ACL stages or mirror rules, which the host applies).
  [[nodiscard]] std::optional<Steering> steering_of(const Eni& e) const;
  void sync_steering_rules();
  /// Makes `have` (rules from `ingress`) what `want` says of each ENI.
  void sync_rules(std::map<std::uint32_t, Delivery>& have, unsigned ingress,
                  const std::function<std::optional<Delivery>(const Eni&)>& want);

  Driver& drv_;
  FlowTable& ft_;
  Pipeline& policy_;
  SwitchConfig cfg_;
  FlowCache cache_;
  std::unique_ptr<RxQueue> exc_;
  std::unique_ptr<TxQueue> txq_;
  std::unordered_map<std::uint64_t, ConnFlows> conns_;
  std::unordered_map<EncapKey, EncapSlot, EncapKeyHash> encaps_;
  std::vector<unsigned> free_templates_;
  std::map<std::uint32_t, Delivery> delivery_;  // by ENI: from the host port
  std::map<std::uint32_t, Delivery> bridged_;   // by ENI: from the wire (bridged VMs)
  std::vector<Flow> catch_all_;
  std::map<std::uint32_t, Steering> steering_;  // by ENI: shared addresses' ranges
  struct Sw;  // the software fast path's parser, transposer and compiled actions
  std::unique_ptr<Sw> sw_;
  unsigned tx_pending_ = 0;  // frames queued since the last doorbell
  std::optional<std::uint64_t> last_keepalive_;  // tether: when the last keepalive left
  bool relearned_ = false;  // anchor: the tether moved; the offloaded flows follow after the batch
  /// Connections' directions (conn * 2 + direction) whose install failed: served in software
  /// without trying again at every packet.
  std::unordered_set<std::uint64_t> software_only_;
  std::function<void(const RxPacket&)> on_exception_;
  std::function<void(const TxCompletion&)> on_tx_;
  Stats stats_;
};

}  // namespace nicsim::host::vswitch
