// SPDX-License-Identifier: MIT
// The virtual switch's access control: ACL groups of prioritized rules, evaluated in stages with
// SONiC DASH's semantics (docs/vswitch.md):
//
//   - a rule matches a flow's 5-tuple by lists of source and destination prefixes, protocols,
//     and source and destination port ranges (an empty list matches anything);
//   - in a group, the matching rule with the lowest priority value decides (equal priorities:
//     the rule added first);
//   - its action is permit or deny, terminating or not ("and continue"): a terminating action
//     ends the evaluation, a non-terminating one records its verdict and evaluation goes on with
//     the next stage;
//   - a group that no rule of matches denies, terminating (DASH's default action);
//   - stages without a group are skipped; the verdict is the last one recorded. With no group
//     of the flow's family at all, the flow is allowed: an ENI without ACL policy is not
//     filtered (DASH's behavioural model starts from deny and would drop; the host of the
//     source documents filters only what a layer says).
//
// This is the first layer of the switch's policy (issue 12); the unified flow table caches the
// verdict per connection.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nicsim/host/vswitch/lpm.hpp"
#include "nicsim/model/addr.hpp"

namespace nicsim::host::vswitch {

/// Prefixes and address bytes are the packet library's (nicsim/model/addr.hpp; lpm.hpp names
/// them here).

/// Ports lo..hi, inclusive.
struct PortRange {
  std::uint16_t lo = 0, hi = 65535;
  [[nodiscard]] constexpr bool contains(std::uint16_t p) const noexcept { return p >= lo && p <= hi; }
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

/// A port value under a mask: the ports p with (p & mask) == value.
struct PortMask {
  std::uint16_t value = 0, mask = 0;
  friend bool operator==(const PortMask&, const PortMask&) = default;
};
/// The fewest (value, mask) pairs whose ports are exactly `r` (a TCAM matches a range only as
/// prefixes: the aligned power-of-two blocks, largest first; at most 30 for a 16-bit range).
/// Empty for an empty range (lo > hi).
[[nodiscard]] std::vector<PortMask> port_masks(PortRange r);

/// A 64-bit mix (MurmurHash3's finalizer): every bit of `x` reaches every bit of the result.
[[nodiscard]] constexpr std::uint64_t hash_mix(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

/// An address's 16 bytes as two words (IPv4: its value in the first, the second zero): what the
/// switch's per-packet tables hash and compare instead of the bytes one by one.
[[nodiscard]] inline std::array<std::uint64_t, 2> ip_words(const model::IpAddr& a) noexcept {
  if (a.is_v4()) return {a.v4().value(), 0};
  std::array<std::uint64_t, 2> w{};
  if (a.is_v6()) std::memcpy(w.data(), a.v6().bytes().data(), sizeof w);
  return w;
}

/// A hash of an address (both families), for the switch's tables.
struct IpHash {
  std::size_t operator()(const model::IpAddr& a) const noexcept {
    const auto w = ip_words(a);
    return static_cast<std::size_t>(hash_mix(w[0] ^ hash_mix(w[1] ^ a.version())));
  }
};

/// a == b, word by word.
[[nodiscard]] inline bool same_ip(const model::IpAddr& a, const model::IpAddr& b) noexcept {
  return a.version() == b.version() && ip_words(a) == ip_words(b);
}

/// What an ACL matches: a flow's addresses, IP protocol and ports (0 for a protocol without).
struct FlowTuple {
  model::IpAddr src, dst;
  std::uint8_t proto = 0;
  std::uint16_t sport = 0, dport = 0;
  /// The connection-tracking zone (the ENI): the same addresses in two tenants' overlapping
  /// address spaces are different connections. ACL rules do not look at it.
  std::uint32_t zone = 0;
};

enum class AclAction : std::uint8_t { kPermit, kPermitAndContinue, kDeny, kDenyAndContinue };
[[nodiscard]] const char* to_string(AclAction a) noexcept;
[[nodiscard]] constexpr bool allows(AclAction a) noexcept {
  return a == AclAction::kPermit || a == AclAction::kPermitAndContinue;
}
[[nodiscard]] constexpr bool terminates(AclAction a) noexcept {
  return a == AclAction::kPermit || a == AclAction::kDeny;
}

struct AclRule {
  std::string name;  // unique in its group
  std::uint32_t priority = 0;  // lower wins
  std::vector<IpPrefix> src, dst;
  std::vector<std::uint8_t> protocols;
  std::vector<PortRange> sports, dports;
  AclAction action = AclAction::kDeny;

  [[nodiscard]] bool matches(const FlowTuple& t) const noexcept;
};

/// Why a rule was refused.
struct AclError {
  std::string what;
};

/// A DASH_ACL_GROUP: rules of one address family (IPv4 or IPv6 prefixes, not both).
class AclGroup {
 public:
  explicit AclGroup(std::string name, bool ipv6 = false) : name_(std::move(name)), ipv6_(ipv6) {}

  /// Adds a rule. Refused (nullopt is success): a name already used, a prefix of the other
  /// family, a range with lo > hi.
  [[nodiscard]] std::optional<AclError> add(AclRule rule);
  /// Removes the rule `name`; false when there is none.
  bool remove(std::string_view name);
  /// The rule that decides for `t` (lowest priority value, then the earliest added), or null.
  /// Counts the hit.
  [[nodiscard]] const AclRule* lookup(const FlowTuple& t) const;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool ipv6() const { return ipv6_; }
  [[nodiscard]] std::size_t size() const { return rules_.size(); }
  /// Flows the rule `name` decided so far (0 for an unknown name).
  [[nodiscard]] std::uint64_t hits(std::string_view name) const;
  /// Changes (grows) with every add and remove: a verdict cached under an older value is stale.
  [[nodiscard]] std::uint64_t version() const { return version_; }

 private:
  struct Entry {
    AclRule rule;
    std::uint64_t order;  // insertion order, the tie-break
    mutable std::uint64_t hits = 0;
  };
  /// A group of many rules is searched through an index by destination prefix (made at the
  /// first lookup after a change): a flow is tested against the rules one of whose
  /// destination prefixes holds its destination and the rules without a destination
  /// condition, in priority order; the other rules cannot match it. The first that matches is
  /// the one a scan of all the rules finds.
  static constexpr std::size_t kIndexFrom = 16;  // rules; fewer are scanned
  struct Index {
    std::uint64_t version = ~0ull;  // of the rules it was made from
    LpmTable<std::vector<std::uint32_t>> by_dst;  // positions in rules_, ascending
    std::vector<std::uint32_t> any_dst;
    std::vector<std::uint32_t> candidates;  // lookup()'s scratch
  };
  void reindex() const;

  std::string name_;
  bool ipv6_;
  std::vector<Entry> rules_;  // sorted by (priority, order)
  std::uint64_t next_order_ = 0, version_ = 0;  // version_: a process-wide epoch (acl.cpp)
  mutable Index index_;
};

/// The outcome of the stages for one flow.
struct AclVerdict {
  bool allow = false;
  /// The stage (0-based) whose rule or default decided last, and that rule's name ("" for a
  /// group's default deny); -1 when no stage has a group of the flow's family (allowed).
  int stage = -1;
  std::string rule;
};

/// The ACL stages of one direction of an ENI / VNIC: DASH has five.
class AclStages {
 public:
  static constexpr unsigned kStages = 5;

  /// Puts `group` (shared: several VNICs may use one) in stage `stage` (0..4); null clears it.
  void set(unsigned stage, std::shared_ptr<const AclGroup> group);
  [[nodiscard]] const AclGroup* group(unsigned stage) const;
  /// The groups of the flow's family are evaluated (an IPv6 flow skips IPv4 groups).
  [[nodiscard]] AclVerdict evaluate(const FlowTuple& t) const;
  /// Grows whenever a verdict may change (a group's rules, the stage assignments).
  [[nodiscard]] std::uint64_t version() const;

 private:
  std::array<std::shared_ptr<const AclGroup>, kStages> stages_{};
  std::uint64_t assignments_ = 0;
};

}  // namespace nicsim::host::vswitch
