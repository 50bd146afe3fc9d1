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

std::vector<PortMask> port_masks(PortRange r) {
  std::vector<PortMask> out;
  std::uint32_t lo = r.lo;
  const std::uint32_t hi = r.hi;
  while (lo <= hi) {
    // The largest block starting at lo (aligned: lo's trailing zero bits) that ends by hi.
    std::uint32_t size = lo == 0 ? 0x10000 : lo & (~lo + 1);
    while (lo + size - 1 > hi) size >>= 1;
    out.push_back({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(~(size - 1))});
    lo += size;
  }
  return out;
}

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

void AclGroup::reindex() const {
  index_ = Index{};
  for (std::uint32_t i = 0; i < rules_.size(); ++i) {
    const AclRule& r = rules_[i].rule;
    if (r.dst.empty()) {
      index_.any_dst.push_back(i);
      continue;
    }
    for (const IpPrefix& p : r.dst) {
      std::vector<std::uint32_t>& at = index_.by_dst.slot(p);
      if (at.empty() || at.back() != i) at.push_back(i);  // a prefix listed twice: once
    }
  }
  index_.version = version_;
}

const AclRule* AclGroup::lookup(const FlowTuple& t) const {
  const auto hit = [](const Entry& e) {
    ++e.hits;
    return &e.rule;
  };
  if (rules_.size() < kIndexFrom) {
    for (const Entry& e : rules_) {  // in priority order: the first match decides
      if (e.rule.matches(t)) return hit(e);
    }
    return nullptr;
  }
  if (index_.version != version_) reindex();
  // The rules by the flow's destination, in priority order (a rule may be there twice), merged
  // with those without a destination condition (in order already).
  std::vector<std::uint32_t>& c = index_.candidates;
  c.clear();
  index_.by_dst.for_each_match(t.dst, [&c](const std::vector<std::uint32_t>& at) {
    c.insert(c.end(), at.begin(), at.end());
  });
  std::sort(c.begin(), c.end());
  const std::vector<std::uint32_t>& any = index_.any_dst;
  for (std::size_t a = 0, b = 0; a < any.size() || b < c.size();) {
    const std::uint32_t i = b == c.size() || (a < any.size() && any[a] < c[b]) ? any[a++] : c[b++];
    if (rules_[i].rule.matches(t)) return hit(rules_[i]);
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
