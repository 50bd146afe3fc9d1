// SPDX-License-Identifier: MIT
// What a tenant (a VM or a container) may ask of its VNIC, what the administrator allows it
// (Permissions), how the manager answers (Outcome, Verdict) and what the audit log keeps
// (AuditRow). docs/vnic.md describes the requests, their checks and their NIC mapping.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "nicsim/model/addr.hpp"

namespace nicsim::host::vnic {

using model::MacAddr;

// ---- requests a tenant makes on its VNIC -----------------------------------------------------

/// The VNIC's unicast address: received frames to it (from the wire) land in its rings, and its
/// transmitted frames must carry it as source (the NIC's anti-spoof check).
struct SetMac {
  MacAddr mac;
};
/// Receive the frames of its VLANs that no other VNIC of the NIC claims.
struct SetPromiscuous {
  bool on = false;
};
/// Membership of a VLAN (VID 1..4094): tagged frames of it are received and may be sent.
struct AddVlan {
  std::uint16_t vid = 0;
};
struct RemoveVlan {
  std::uint16_t vid = 0;
};
/// A multicast group (a group MAC: I/G bit set; the broadcast address counts as one).
struct JoinGroup {
  MacAddr group;
};
struct LeaveGroup {
  MacAddr group;
};
/// Transmit rate in bytes per second; 0 = unlimited.
struct SetRate {
  std::uint64_t bytes_per_s = 0;
};
/// Receive queues (RSS spreads over them when more than one).
struct SetQueues {
  unsigned count = 1;
};

/// The VNIC's MTU (bytes of IP packet, docs/vnic.md "Traits"): at most the physical NIC's;
/// 0 = follow the physical NIC's. Its transmit refuses (and counts) longer frames.
struct SetMtu {
  std::uint32_t mtu = 0;
};

using Request = std::variant<SetMac, SetPromiscuous, AddVlan, RemoveVlan, JoinGroup, LeaveGroup,
                             SetRate, SetQueues, SetMtu>;

/// The request's name as the audit log spells it ("set_mac", "promiscuous", "add_vlan", ...).
[[nodiscard]] const char* request_name(const Request& r);
/// Its value as text ("02:00:00:00:00:11", "on", "10", ...).
[[nodiscard]] std::string request_value(const Request& r);

// ---- permissions (set by the administrator, never by the tenant) -----------------------------

struct Permissions {
  bool any_mac = false;             // any unicast MAC (not owned by another VNIC)
  std::vector<MacAddr> macs;        // otherwise one of these
  bool promiscuous = false;         // may go promiscuous
  std::vector<std::uint16_t> vids;  // VLANs it may join
  unsigned max_groups = 0;          // multicast groups joined at once
  std::uint64_t max_rate = 0;       // transmit bytes/s; 0 = no limit
  unsigned max_queues = 1;          // receive queues

  friend bool operator==(const Permissions&, const Permissions&) = default;
};

// ---- answers ---------------------------------------------------------------------------------

enum class Verdict {
  kAccepted,
  kNoSuchVnic,    // the VNIC does not exist
  kNotOwner,      // the VNIC belongs to another tenant
  kNotPermitted,  // the permissions do not allow it
  kOverLimit,     // over a limit of the permissions (groups, rate, queues)
  kInvalid,       // a value no NIC accepts (a group MAC as unicast, VID 0, ...)
  kConflict,      // another VNIC holds it (its MAC; a group or promiscuous on a shared VLAN)
  kNicRefused,    // the NIC could not do it (TCAM full, no queues or meter left, below the
                  // meter's granularity): nothing changed, on the NIC or in the database
};
/// "accepted", "no_such_vnic", "not_owner", "not_permitted", "over_limit", "invalid",
/// "conflict", "nic_refused".
[[nodiscard]] const char* to_string(Verdict v);

struct Outcome {
  Verdict verdict = Verdict::kAccepted;
  std::string reason;         // why (refused), or what changed (accepted)
  std::int64_t audit_id = 0;  // its row in the audit log
  [[nodiscard]] bool accepted() const { return verdict == Verdict::kAccepted; }
};

/// One row of the audit log: every request, accepted or refused, and the administrator's acts
/// (tenant "admin": create_vnic, destroy_vnic, set_permissions and admin requests).
struct AuditRow {
  std::int64_t id = 0;
  std::string time;  // UTC, ISO 8601 with milliseconds ("2026-12-05T13:01:02.345Z")
  std::string tenant;
  unsigned vnic = 0;
  std::string request;
  std::string value;
  Verdict verdict = Verdict::kAccepted;
  std::string reason;
  [[nodiscard]] bool accepted() const { return verdict == Verdict::kAccepted; }
};

struct AuditFilter {
  std::optional<std::string> tenant{};
  std::optional<unsigned> vnic{};
  std::optional<bool> accepted{};
  std::int64_t after_id = 0;  // rows with a larger id
};

// ---- errors of the administrator API and of the database -------------------------------------

enum class VnicErrc {
  kDatabase,    // SQLite: cannot open, not a database, corrupt, read-only, newer schema, ...
  kNotFound,    // no such VNIC
  kNoResource,  // no free vport or transmit queue
  kConflict,    // permissions that the VNIC's current configuration exceeds
  kNic,         // the NIC refused (re-applying a configuration at start-up)
  kBadArgument,
};
[[nodiscard]] const char* to_string(VnicErrc e);

class VnicError : public std::runtime_error {
 public:
  VnicError(VnicErrc code, const std::string& what)
      : std::runtime_error(std::string("vnic ") + to_string(code) + ": " + what), code_(code) {}
  [[nodiscard]] VnicErrc code() const { return code_; }

 private:
  VnicErrc code_;
};

}  // namespace nicsim::host::vnic
