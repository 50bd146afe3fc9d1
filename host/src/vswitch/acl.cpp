// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/acl.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>

namespace nicsim::host::vswitch {

namespace {

/// One counter for every change of any group or stage assignment: a change takes a value
/// larger than every earlier one, so the largest value a set of groups holds grows with any
/// change among them.
std::uint64_t next_epoch() {
  static std::atomic<std::uint64_t> epoch{0};
  return ++epoch;
}

template <class T, class F>
bool any_or_empty(const std::vector<T>& v, F&& f) {
  return v.empty() || std::any_of(v.begin(), v.end(), f);
}

}  // namespace

const char* to_string(AclAction a) noexcept {
  switch (a) {
    case AclAction::kPermit: return "permit";
    case AclAction::kPermitAndContinue: return "permit_and_continue";
    case AclAction::kDeny: return "deny";
    case AclAction::kDenyAndContinue: return "deny_and_continue";
  }
  return "?";
}

bool AclRule::matches(const FlowTuple& t) const noexcept {
  // The cheap fields first: most rules a flow meets fail on one of them.
  return any_or_empty(protocols, [&](std::uint8_t p) { return p == t.proto; }) &&
         any_or_empty(dports, [&](const PortRange& r) { return r.contains(t.dport); }) &&
         any_or_empty(sports, [&](const PortRange& r) { return r.contains(t.sport); }) &&
         any_or_empty(dst, [&](const IpPrefix& p) { return p.contains(t.dst); }) &&
         any_or_empty(src, [&](const IpPrefix& p) { return p.contains(t.src); });
}

std::optional<AclError> AclGroup::add(AclRule rule) {
  if (rule.name.empty()) return AclError{"a rule needs a name"};
  for (const Entry& e : rules_) {
    if (e.rule.name == rule.name) return AclError{"rule '" + rule.name + "' exists in group '" + name_ + "'"};
  }
  const unsigned want = ipv6_ ? 6 : 4;
  for (const auto* list : {&rule.src, &rule.dst}) {
    for (const IpPrefix& p : *list) {
      if (p.addr.version() != want) {
        return AclError{"rule '" + rule.name + "': prefix " + p.to_string() + " is not IPv" +
                        std::to_string(want) + " like group '" + name_ + "'"};
      }
    }
  }
  for (const auto* list : {&rule.sports, &rule.dports}) {
    for (const PortRange& r : *list) {
      if (r.lo > r.hi) {
        return AclError{"rule '" + rule.name + "': port range " + std::to_string(r.lo) + "-" +
                        std::to_string(r.hi) + " is empty"};
      }
    }
  }
  Entry e{std::move(rule), next_order_++, 0};
  const auto pos = std::upper_bound(rules_.begin(), rules_.end(), e, [](const Entry& a, const Entry& b) {
    return a.rule.priority != b.rule.priority ? a.rule.priority < b.rule.priority : a.order < b.order;
  });
  rules_.insert(pos, std::move(e));
  version_ = next_epoch();
  return std::nullopt;
}

bool AclGroup::remove(std::string_view name) {
  const auto it = std::find_if(rules_.begin(), rules_.end(),
                               [&](const Entry& e) { return e.rule.name == name; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  version_ = next_epoch();
  return true;
}

const AclRule* AclGroup::lookup(const FlowTuple& t) const {
  for (const Entry& e : rules_) {  // in priority order: the first match decides
    if (e.rule.matches(t)) {
      ++e.hits;
      return &e.rule;
    }
  }
  return nullptr;
}

std::uint64_t AclGroup::hits(std::string_view name) const {
  for (const Entry& e : rules_) {
    if (e.rule.name == name) return e.hits;
  }
  return 0;
}

void AclStages::set(unsigned stage, std::shared_ptr<const AclGroup> group) {
  if (stage >= kStages) return;
  stages_[stage] = std::move(group);
  assignments_ = next_epoch();
}

const AclGroup* AclStages::group(unsigned stage) const {
  return stage < kStages ? stages_[stage].get() : nullptr;
}

AclVerdict AclStages::evaluate(const FlowTuple& t) const {
  AclVerdict v;
  for (unsigned s = 0; s < kStages; ++s) {
    const AclGroup* g = stages_[s].get();
    if (g == nullptr || g->ipv6() != t.src.is_v6()) continue;
    v.stage = static_cast<int>(s);
    const AclRule* r = g->lookup(t);
    if (r == nullptr) {  // the group's default: deny, terminating
      v.allow = false;
      v.rule.clear();
      return v;
    }
    v.allow = allows(r->action);
    v.rule = r->name;
    if (terminates(r->action)) return v;
  }
  if (v.stage < 0) v.allow = true;  // no group of the flow's family: no ACL policy, no filter
  return v;
}

std::uint64_t AclStages::version() const {
  std::uint64_t v = assignments_;
  for (const auto& g : stages_) {
    if (g) v = std::max(v, g->version());
  }
  return v;
}

}  // namespace nicsim::host::vswitch
