// SPDX-License-Identifier: MIT
// The VNIC manager (docs/vnic.md): owns the VNICs of one NIC, gives each to a tenant (a VM or a
// container), and checks every change the tenant asks for on its VNIC against the permissions
// the administrator set, in an SQLite database (VnicStore) that also holds the VNICs' current
// configuration and the audit log.
//
//   VnicManager mgr(drv, flows, "/var/lib/nicsim/vnic.db");   // re-applies what the file holds
//   unsigned v = mgr.create_vnic("vm-17", {.macs = {mac}, .vids = {10}, .max_groups = 4,
//                                          .max_rate = 125'000'000, .max_queues = 4});
//   Outcome o = mgr.request("vm-17", v, SetMac{mac});        // checked, applied, audited
//   if (!o.accepted()) log(to_string(o.verdict), o.reason);   // refused: nothing changed
//   for (auto& p : mgr.rx(v, 0).poll()) ...;  mgr.tx(v).send(frame);
//
// A request is checked before it reaches the NIC; a refused one changes nothing (NIC and
// database) and is written to the audit log with who asked, what and why; an accepted one is
// applied to the NIC (VNIC registers, TCAM rules, a meter, receive queues) inside the database
// transaction that records it, so a request the NIC cannot carry out leaves both as they were.
// One manager per NIC and database file; single-threaded, like the driver's control path.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/link.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/vnic/request.hpp"
#include "nicsim/host/vnic/store.hpp"

namespace nicsim::host::vnic {

/// The traits a VNIC inherits from its physical NIC (docs/vnic.md "Traits").
struct Traits {
  LinkState link;         // state, speed, media: the physical link's
  std::uint32_t mtu = 0;  // the physical NIC's MTU, or the VNIC's own when lower
  friend bool operator==(const Traits&, const Traits&) = default;
};

/// A change of a VNIC's traits, queued for its tenant (VnicManager::take_events).
struct VnicEvent {
  enum class Kind : std::uint8_t {
    kLink,  // the physical link changed (state, speed or media)
    kMtu,   // the VNIC's MTU changed (the administrator's physical MTU or the tenant's own)
  };
  Kind kind = Kind::kLink;
  std::uint64_t seq = 0;  // manager-wide, increasing: orders events across VNICs
  Traits traits;          // the VNIC's traits after the change
  /// kLink: the changes the NIC counted since the previous event (more than 1: the link
  /// flapped faster than the host looked; `traits` is the state now).
  std::uint32_t link_changes = 0;
};
/// "link", "mtu".
[[nodiscard]] const char* to_string(VnicEvent::Kind k);

struct ManagerConfig {
  /// TCAM priority of the manager's exact rules (MACs, groups, transmit); its catch-alls
  /// (promiscuous, a transmitted tag outside the VLANs) use priority + 1. Lower wins.
  std::uint16_t priority = 0x100;
  /// The receive queues, transmit queues and meters the manager may use (count 0: all from
  /// first to the NIC's last).
  unsigned rxq_first = 0, rxq_count = 0;
  unsigned txq_first = 0, txq_count = 0;
  unsigned meter_first = 1, meter_count = 0;
  RxQueueConfig rx{.size_log2 = 8, .buf_size = 2048};
  unsigned tx_size_log2 = 8;
  std::uint32_t tx_buf_size = 2048;
  /// The NIC's core clock: a meter refills per tick of 256 cycles (docs/spec.md 5.4).
  double clock_hz = 250e6;
  /// A transmit meter's bucket holds this many milliseconds at its rate, at least one frame of
  /// tx_burst_min bytes.
  double burst_ms = 1.0;
  std::uint32_t tx_burst_min = 9018;
  /// The link-change interrupt's vector (docs/spec.md 12): the manager enables it and
  /// service_link() waits on it. nullopt: no interrupt, service_link() polls LINK_CHANGES.
  std::optional<unsigned> link_vector{};
  /// Events kept per VNIC until its tenant takes them (at least 1); when full, the oldest
  /// goes and is counted (events_lost): the newest, with the current traits, always stays.
  std::size_t event_queue_depth = 64;
};

class VnicManager {
 public:
  /// Opens the database (VnicError(kDatabase) when it cannot) and re-applies every VNIC it
  /// holds to the NIC (VnicError(kNic) when the NIC cannot take one: fewer VNICs, queues or
  /// TCAM rules than when it was written). The Driver and FlowTable outlive the manager.
  VnicManager(Driver& drv, FlowTable& flows, const std::string& db_path, ManagerConfig cfg = {});
  VnicManager(const VnicManager&) = delete;
  VnicManager& operator=(const VnicManager&) = delete;
  /// Removes the manager's rules and disables its VNICs (the database keeps them).
  ~VnicManager();

  // ---- administrator -------------------------------------------------------------------------
  /// A VNIC for `tenant` on the lowest free vport, with its permissions; it starts without a
  /// MAC (receives nothing, cannot transmit), not promiscuous, in no VLAN, one receive queue,
  /// at the permitted maximum rate. VnicError(kNoResource) when no vport or transmit queue is
  /// free, kBadArgument for an empty tenant or impossible permissions.
  unsigned create_vnic(const std::string& tenant, const Permissions& perms);
  void destroy_vnic(unsigned vnic);
  /// Replaces the VNIC's permissions. VnicError(kConflict) when its current configuration is
  /// outside them (change it first with admin_request).
  void set_permissions(unsigned vnic, const Permissions& perms);
  [[nodiscard]] Permissions permissions(unsigned vnic);
  /// A request made by the administrator: the permissions are not consulted; the rest (valid
  /// values, conflicts with other VNICs, what the NIC can do) is, and it is audited as "admin".
  Outcome admin_request(unsigned vnic, const Request& r);

  // ---- tenants -------------------------------------------------------------------------------
  /// `tenant` asks for `r` on `vnic`. Never throws for a refusal (see Outcome); VnicError
  /// (kDatabase) when the database fails.
  Outcome request(const std::string& tenant, unsigned vnic, const Request& r);

  // ---- state ---------------------------------------------------------------------------------
  [[nodiscard]] std::vector<unsigned> vnics() const;
  /// The configuration as the database holds it (read from the file).
  [[nodiscard]] std::optional<VnicState> stored(unsigned vnic);
  [[nodiscard]] std::vector<AuditRow> audit(const AuditFilter& f = {});
  /// The NIC rules the manager keeps for the VNIC, described ("rx dst 02:..:11 vid 10 -> vnic
  /// 1", ...), in order.
  [[nodiscard]] std::vector<std::string> rules(unsigned vnic) const;
  /// The VNIC's receive queue `i` (0..queues-1) and its transmit queue: the tenant's rings.
  [[nodiscard]] RxQueue& rx(unsigned vnic, unsigned i);
  [[nodiscard]] TxQueue& tx(unsigned vnic);
  /// The NIC meter of the VNIC's transmit (0: none, the rate is unlimited).
  [[nodiscard]] unsigned meter(unsigned vnic) const;
  /// The meter rate (bytes per tick) the manager programs for `bytes_per_s`.
  [[nodiscard]] std::uint32_t meter_rate(std::uint64_t bytes_per_s) const;

  // ---- traits: link and MTU (docs/vnic.md "Traits") -----------------------------------------
  /// The physical NIC's: its link as last serviced, its MTU.
  [[nodiscard]] Traits nic_traits() const { return {link_, mtu_}; }
  /// What VNIC `vnic` inherits: the physical link, and the physical MTU or its own when lower.
  [[nodiscard]] Traits traits(unsigned vnic) const;
  /// Administrator: the physical MTU (the NIC's WIRE_MAX_FRAME and TX_MAX_FRAME, saved in the
  /// database and applied again at start). Every VNIC's MTU becomes at most this, each VNIC
  /// whose MTU changes gets a kMtu event; audited ("set_mtu", VNIC 0). VnicError(kBadArgument)
  /// outside kMinMtu..kMaxMtu, kNic when the NIC refuses.
  void set_mtu(std::uint32_t mtu);
  /// The link interrupt's handler (or a poll, without link_vector): a change of the physical
  /// link since the last call becomes a kLink event on every VNIC, and is returned. nullopt:
  /// no change, or a NIC without the link registers.
  std::optional<LinkChange> service_link(std::chrono::nanoseconds timeout = {});
  /// The VNIC's events, oldest first; they leave the queue.
  [[nodiscard]] std::vector<VnicEvent> take_events(unsigned vnic);
  /// Events that left a full queue untaken.
  [[nodiscard]] std::uint64_t events_lost(unsigned vnic) const;
  /// Called with every event as it is queued (to wake a tenant); after take_events it is not.
  void on_event(std::function<void(unsigned vnic, const VnicEvent&)> fn) {
    on_event_ = std::move(fn);
  }
  /// Frames the VNIC's transmit refused as longer than its MTU (+ kMtuOverhead bytes).
  [[nodiscard]] std::uint64_t tx_mtu_drops(unsigned vnic) const;

 private:
  struct Nic;  // what is applied to the NIC for one VNIC
  Outcome handle(const std::string& who, unsigned vnic, const Request& r, bool admin);
  /// The policy: Verdict and reason for `r` on `s` (perms unset: the administrator).
  std::pair<Verdict, std::string> check(const VnicState& s, const Permissions* perms,
                                        const Request& r) const;
  /// Brings the NIC to `s` for its VNIC; the error's text when the NIC cannot (the NIC may be
  /// left part way: apply the previous state to undo).
  std::optional<std::string> apply(const VnicState& s);
  /// The VNIC's NIC side with a transmit queue of its own (VnicError(none_left) when the
  /// manager's are all taken).
  void attach(unsigned vnic, VnicErrc none_left);
  void remove_from_nic(unsigned vnic);
  [[nodiscard]] std::optional<unsigned> free_rxq_base(unsigned vnic, unsigned count) const;
  [[nodiscard]] std::string admin_violation(const VnicState& s, const Permissions& p) const;
  [[nodiscard]] Nic& nic(unsigned vnic) const;
  [[nodiscard]] std::uint32_t effective_mtu(const VnicState& s) const;
  void notify(unsigned vnic, VnicEvent::Kind kind, std::uint32_t link_changes = 0);

  Driver& drv_;
  FlowTable& ft_;
  ManagerConfig cfg_;
  VnicStore store_;
  std::map<unsigned, VnicState> state_;  // what the database holds (read at start, kept equal)
  std::map<unsigned, std::unique_ptr<Nic>> nic_;
  LinkState link_{};
  std::uint32_t mtu_ = 0;
  std::uint64_t event_seq_ = 0;
  std::function<void(unsigned, const VnicEvent&)> on_event_;
};

}  // namespace nicsim::host::vnic
