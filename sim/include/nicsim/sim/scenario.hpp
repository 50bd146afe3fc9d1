// SPDX-License-Identifier: MIT
// Scenario files (YAML): what one co-simulation run sets up, sends and expects. docs/scenario.md
// is the schema; traces/scenarios/ holds the examples the tests and the regression use.
//
// A scenario names the NIC settings, the host's VNICs, queues, flow rules (in the flow API's
// terms), encap templates and meters, the host program (what the host does with exceptions),
// the traffic per port and the run's limits and expected outcome. load_scenario() checks it
// strictly: an unknown key, a wrong type, a value out of range, a rule the flow API rejects
// later at install, or a missing file is a ScenarioError naming the file, the line and the
// key path (e.g. "vnics[1].rx_queues.count").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/pool.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/driver/token.hpp"
#include "nicsim/host/driver/vnic.hpp"
#include "nicsim/host/driver/zerocopy.hpp"
#include "nicsim/model/device/phy_link.hpp"
#include "nicsim/sim/pcie_timing.hpp"

namespace nicsim::sim {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ScenarioNic {
  unsigned data_width = 512;  // selects the Verilated nic_top: 64 or 512
  double clock_mhz = 250.0;
  bool parse_error_to_exception = false;
  std::uint32_t wire_max_frame = 9018;
  std::uint32_t tx_max_frame = 9018;
  /// What the simulated PHY reports from reset on (docs/spec.md 12).
  model::PhyLink link{};
  /// The vector of the link-change interrupt the host enables (docs/scenario.md "nic").
  unsigned link_vector = 7;
};

/// The simulated PHY reports `link` from `at_cycle` NIC cycles after the traffic starts on.
struct ScenarioLinkEvent {
  std::uint64_t at_cycle = 0;
  model::PhyLink link;
  int line = 0;
};

struct ScenarioVnic {
  host::VnicConfig cfg;                 // vport, queue set, RSS, addresses, anti-spoof, quota
  host::RxQueueConfig rxq;              // every receive queue of the set
  std::optional<unsigned> txq;          // its transmit queue (index), if it sends
  host::TxQueueConfig txq_cfg;
  /// The VNIC's receive buffer pool (docs/host.md "Buffer pools"), shared by its queue set;
  /// none: each queue owns its buffers and the host copies every frame out at once.
  std::optional<host::RxPoolConfig> pool;
  /// With a pool: frames the VNIC's consumer keeps lent (the newest; older ones are released),
  /// 0 = releases each at once; a number above the pool's buffers = a consumer that stopped.
  std::uint64_t pool_hold = 0;
  /// The VNIC's frames written straight into a VM's memory (docs/host.md "Zero-copy receive"):
  /// `guest_mem` bytes of guest RAM at guest-physical `gpa_base`, a guest ring per receive
  /// queue (the queue's size) with its buffers (`buf_size` each), the guest reposting every
  /// buffer it has read; none: the host's own buffers.
  struct ZeroCopy {
    std::uint64_t guest_mem = 0;
    std::uint64_t gpa_base = 0x8000'0000;
  };
  std::optional<ZeroCopy> zero_copy;
};

struct ScenarioMeter {
  unsigned index = 1;
  std::uint32_t rate = 0;   // bytes per 256-cycle tick
  std::uint32_t burst = 0;  // bytes
};

struct ScenarioEncap {
  unsigned index = 1;
  host::EncapTemplate tpl;
};

struct ScenarioFlow {
  std::string name;
  host::FlowRule rule;
  int line = 0;  // in the scenario file, for messages at install time
};

/// What the host does with exception-ring frames.
enum class HostProgram {
  kNone,           // counts and records them
  kInstallOnMiss,  // a miss installs an exact-match flow of the frame's key with `miss_actions`
                   // and re-injects the frame from the host's queue as its source vport
  kForwardByMac,   // the same, the destination chosen by the frame's destination MAC: the VNIC
                   // with that MAC, else the wire (from a VNIC) or a drop (from the wire)
  kVswitch,        // the virtual switch (host/vswitch) on the policy file `policy`: its slow
                   // path, offload, re-injection and software fast path (docs/vswitch.md)
  kBridge,         // the learning bridge (host/bridge) on the configuration file `bridge`:
                   // learning, flooding, aging, learned pairs as NIC flows (docs/bridge.md)
};

struct ScenarioTraffic {
  /// Frames carrying destination tokens (docs/spec.md 11), made when the run starts with the
  /// scenario's key of `slot`: Geneve (VNI `vni`) from the VNIC's MAC and IPv4 address to
  /// 192.0.2.1, the token first option, an inner Ethernet/IPv4/UDP packet to 172.16.0.99;
  /// the token's address cycles through `to`, its sequence number counts from `first_seq`.
  struct Tokens {
    std::uint64_t count = 0;
    unsigned slot = 0;
    std::vector<std::array<std::uint8_t, 16>> to;  // IPv4 as ::ffff:a.b.c.d
    std::uint32_t vni = 0;
    std::uint64_t first_seq = 1;
    unsigned forged_pct = 0;    // a bit of ciphertext or tag flipped
    unsigned replayed_pct = 0;  // an earlier token of this source again
    unsigned eni = 0;           // the token's ENI; 0: the sending VNIC's vport
    std::uint64_t seed = 1;
  };
  struct Source {
    std::string pcap;      // resolved against the scenario file's directory
    unsigned vport = 0;    // 0: the wire; else the VNIC that transmits it
    std::uint32_t gap_cycles = 0;
    unsigned repeat = 1;   // send the capture this many times
    std::optional<Tokens> tokens;  // instead of a capture
  };
  std::vector<Source> sources;
};

/// Destination tokens (docs/spec.md 11): TOKN CONTROL.ENABLE and the keys the host loads.
struct ScenarioTokens {
  bool enable = false;
  std::array<std::optional<host::TokenKey>, 2> keys;
};

struct ScenarioRun {
  std::uint64_t max_cycles = 50'000'000;  // a run longer than this stops with an error
  std::uint64_t drain_cycles = 20'000;    // quiet cycles that end a run after its traffic
  std::uint64_t watchdog_cycles = 1'000'000;
  /// rtl engine with the scoreboard: at the end, the per-entry counters of up to this many
  /// installed flows (oldest first) are read from the NIC and compared with the model's.
  std::uint64_t entry_counters = 64;
  /// rtl engine with the scoreboard: at the end, every register word of the map (every
  /// element of the NIC's queues and VNICs) is read from the NIC; the plain rw ones are
  /// compared with the model's (Scoreboard::register_read).
  bool register_walk = false;
  /// Both engines: at the end, the NIC's entries of up to this many installed flows (oldest
  /// first) are read back (the tables' READ commands) and compared with what the driver
  /// wrote (FlowTable::audit); a difference fails the run. 0: off.
  std::uint64_t audit_flows = 0;
};

struct ScenarioExpect {
  std::optional<std::uint64_t> mismatches;  // scoreboard mismatches (normally 0)
  bool ledger_balanced = true;
  /// Counter name (as in the report, e.g. "out_vnic", "drop_flow") -> exact value.
  std::vector<std::pair<std::string, std::uint64_t>> counters;
};

struct Scenario {
  std::string path;  // the file it came from ("" for a built-in default)
  std::string name;
  std::string description;
  ScenarioNic nic;
  PcieConfig pcie;
  std::vector<ScenarioVnic> vnics;
  host::RxQueueConfig exception_queue;
  unsigned host_txq = 0;  // the host's own transmit queue (vport 255: re-injection)
  std::vector<ScenarioEncap> encaps;
  std::vector<ScenarioMeter> meters;
  std::vector<ScenarioFlow> flows;
  HostProgram program = HostProgram::kNone;
  std::vector<host::FlowAction> miss_actions;
  std::string policy;  // kVswitch: the policy file (docs/vswitch-policy.md), resolved
  std::string bridge;  // kBridge: the bridge's configuration file (docs/bridge.md), resolved
  ScenarioTraffic traffic;
  std::optional<ScenarioTokens> tokens;
  /// Changes of the physical link, in cycle order (docs/scenario.md "link_events").
  std::vector<ScenarioLinkEvent> link_events;
  ScenarioRun run;
  ScenarioExpect expect;
};

/// Reads and checks a scenario file. Throws ScenarioError.
[[nodiscard]] Scenario load_scenario(const std::string& path);
/// The same from text; `name` stands for the file in messages, `dir` resolves relative paths.
[[nodiscard]] Scenario parse_scenario(const std::string& text, const std::string& name,
                                      const std::string& dir = ".");
/// The scenario `nicsim run` uses without --scenario: the NIC as a bump in the wire (TCAM rules
/// send every frame from the wire back to the wire through the whole pipeline; parse errors go
/// to the host's exception ring); see docs/scenario.md.
[[nodiscard]] Scenario default_scenario();

}  // namespace nicsim::sim
