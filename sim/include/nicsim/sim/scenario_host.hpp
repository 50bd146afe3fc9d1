// SPDX-License-Identifier: MIT
// ScenarioHost: the host program of a scenario, on the unchanged driver over any HAL backend
// (sim: the Verilated NIC; model: the golden model).
//
// bring_up() does what a hypervisor's NIC setup does: enable, global settings, VNICs with their
// queue sets, the exception ring, transmit queues, encap templates, meters, the scenario's
// flows (a rule the NIC cannot express is a ScenarioError naming the rule and its line).
// service() is one pass of the host's receive loop: it polls every queue, hands each frame
// with its completion to `on_receive` (the scoreboard, the output captures) and runs the host
// program on the exception ring. A VNIC with a pool (scenario `pool:`) has its frames lent
// by the pool: its consumer keeps the newest `hold` of them (figures in pool_stats()). A VNIC
// with `zero_copy:` has a VM behind it: the NIC writes its frames into the VM's memory through
// the zero-copy shim, the VM reads them and posts each buffer again (zero_copy_stats()).
//   none             the frames are recorded, nothing else;
//   install_on_miss  a MISS installs an exact-match flow of the frame's key with the
//                    scenario's miss_actions (falling back to the TCAM when the key cannot be
//                    exact, e.g. a fragment) and re-injects the frame from the host's transmit
//                    queue with its source vport, so the first frame of a flow is not lost;
//                    a frame whose flow cannot be installed is counted and dropped (never
//                    re-injected: it would miss again forever).
//   forward_by_mac   the same with the destination chosen by the frame's destination MAC:
//                    the VNIC that has it, else the wire (from a VNIC) or a drop (from the
//                    wire); broadcast and multicast frames are counted (not_forwarded) and
//                    dropped, not flooded.
//   vswitch          the virtual switch (host/vswitch) on the scenario's policy file: it owns
//                    the exception ring and the host's queue (slow path, offload, re-injection,
//                    software fast path); its figures are in vswitch_stats().
//   bridge           the learning bridge (host/bridge) on the scenario's bridge file: it owns
//                    the exception ring and the host's queue (learning, flooding, learned pairs
//                    as NIC flows, aging every quarter of its age); figures in bridge_stats().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/driver/zerocopy.hpp"
#include "nicsim/host/bridge/bridge.hpp"
#include "nicsim/host/vswitch/policy_file.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/sim/scenario.hpp"

namespace nicsim::sim {

class ScenarioHost {
 public:
  struct Stats {
    std::uint64_t received = 0;        // frames polled from VNIC queues
    std::uint64_t exceptions = 0;      // frames polled from the exception ring
    std::uint64_t installed = 0;       // flows installed by the host program
    std::uint64_t install_failed = 0;  // misses whose flow could not be installed (dropped)
    std::uint64_t reinjected = 0;      // frames sent back through the host's queue
    std::uint64_t not_forwarded = 0;   // forward_by_mac: broadcast/multicast misses dropped
    std::uint64_t sent = 0;            // frames sent for VNICs (traffic sources)
    std::uint64_t send_refused = 0;    // frames a full transmit ring refused (retried later)
    std::map<host::ExceptionReason, std::uint64_t> by_reason;
    // The physical link (scenario link_events; docs/spec.md 12): link interrupts serviced with
    // a change, the changes the NIC counted, and the link as last reported.
    std::uint64_t link_reports = 0, link_changes = 0;
    std::optional<host::LinkState> link;
  };

  /// `queue` is the receive queue index, or -1 for the exception ring.
  using ReceiveFn = std::function<void(int queue, const host::RxPacket& p)>;
  /// A transmit completion of queue `queue`, owned by `vport` (255: the host's own queue).
  using TxDoneFn =
      std::function<void(unsigned queue, unsigned vport, const host::TxCompletion& c)>;

  ScenarioHost(host::Driver& drv, const Scenario& s);
  ~ScenarioHost();
  ScenarioHost(const ScenarioHost&) = delete;
  ScenarioHost& operator=(const ScenarioHost&) = delete;

  /// Throws ScenarioError (a rule, template or meter the NIC refuses) or DriverError.
  void bring_up();
  /// One pass over every queue; returns the frames handled.
  std::size_t service();
  /// Queues `frame` for VNIC `vport`'s transmit queue (false: the ring is full; try again).
  bool send(unsigned vport, std::span<const std::uint8_t> frame);
  /// Reaps transmit completions (their statuses are in tx_status()).
  void reap();

  void on_receive(ReceiveFn fn) { on_receive_ = std::move(fn); }
  /// The host's clock in ns (the virtual switch's connection tracking counts it); default 0.
  void set_clock(std::function<std::uint64_t()> now_ns) { clock_ = std::move(now_ns); }
  /// The virtual switch's counters by name (program vswitch; empty otherwise).
  [[nodiscard]] std::map<std::string, std::uint64_t> vswitch_stats() const;
  /// The learning bridge's counters by name (program bridge; empty otherwise).
  [[nodiscard]] std::map<std::string, std::uint64_t> bridge_stats() const;
  /// Every VNIC pool's counters, "vnic<vport>.<counter>" (PoolStats names; empty: no pools).
  [[nodiscard]] std::map<std::string, std::uint64_t> pool_stats() const;
  /// Every zero-copy VNIC's shim counters (summed over its queues), "vnic<vport>.<counter>"
  /// (ZeroCopyStats names, `refused` their sum; empty: none).
  [[nodiscard]] std::map<std::string, std::uint64_t> zero_copy_stats() const;
  /// The link's figures, "reports", "changes", "up", "speed_mbps" (empty: the scenario has no
  /// link events, so the host does not service the link).
  [[nodiscard]] std::map<std::string, std::uint64_t> link_stats() const;
  /// Set before bring_up().
  void on_tx_complete(TxDoneFn fn) { on_tx_ = std::move(fn); }
  [[nodiscard]] const Stats& stats() const { return stats_; }
  /// Transmit completions so far by status, over every queue of the host program.
  [[nodiscard]] std::map<host::TxStatus, std::uint64_t> tx_status() const;
  [[nodiscard]] host::FlowTable& flows() { return *ft_; }
  [[nodiscard]] std::size_t in_flight_tx() const;

 private:
  void handle_exception(const host::RxPacket& p);
  void bring_up_zero_copy(const ScenarioVnic& v);
  /// The shims and their guests: frames read, each buffer posted again.
  std::size_t service_zero_copy();
  [[nodiscard]] std::optional<std::vector<host::FlowAction>> forward_by_mac(
      const host::RxPacket& p) const;

  host::Driver& drv_;
  const Scenario& s_;
  bool link_irq_ = false;  // the link interrupt is on (s_.nic.link_vector)
  std::function<std::uint64_t()> clock_;
  std::unique_ptr<host::FlowTable> ft_;
  // Pools before their queues, the lent buffers after them (destroyed in reverse order).
  std::map<unsigned, std::unique_ptr<host::RxPool>> pools_;  // by vport
  std::vector<std::unique_ptr<host::RxQueue>> rxqs_;
  struct Held {
    std::uint64_t hold = 0;
    std::deque<host::RxLent> frames;
  };
  std::map<const host::RxQueue*, unsigned> pool_vport_;  // a pool queue -> its VNIC
  std::map<unsigned, Held> held_;                         // by vport
  // A VM behind a zero-copy VNIC: its memory, a guest ring and a shim per receive queue (the
  // shims go first, the memory last).
  struct ZeroCopyVm {
    std::uint32_t buf_size = 0;
    std::unique_ptr<host::GuestMemory> mem;
    std::vector<std::unique_ptr<host::GuestRxRing>> rings;
    std::vector<std::unique_ptr<host::ZeroCopyRx>> shims;
  };
  std::map<unsigned, ZeroCopyVm> zc_vms_;  // by vport
  std::unique_ptr<host::RxQueue> exc_;
  std::map<unsigned, std::unique_ptr<host::TxQueue>> txq_by_vport_;
  std::unique_ptr<host::TxQueue> host_txq_;
  // After the flow table: the switch removes its flows through it when it goes.
  host::vswitch::Policy policy_;
  std::unique_ptr<host::vswitch::Switch> sw_;
  std::unique_ptr<host::bridge::Bridge> br_;
  std::uint64_t last_age_ = 0;  // the bridge's last age() (ns)
  ReceiveFn on_receive_;
  TxDoneFn on_tx_;
  Stats stats_;
};

}  // namespace nicsim::sim
