// SPDX-License-Identifier: MIT
// The SAI DASH records (SAI-Challenger's JSON form) applied to a Pipeline. The object, key and
// attribute names are those of SAI's experimental DASH headers (saiexperimentaldash*.h); values
// are written as sairedis serializes them ("true", "10.0.0.0/8", "2:6,17", "$name").
#include "nicsim/host/vswitch/dash.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <span>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nicsim::host::vswitch {

namespace {

using json = nlohmann::json;

constexpr std::size_t kNoRecord = static_cast<std::size_t>(-1);

std::string error_text(const std::string& source, std::size_t index, const std::string& name,
                       const std::string& attribute, const std::string& why) {
  std::string s = source;
  if (index != kNoRecord) {
    s += ": record " + std::to_string(index);
    if (!name.empty()) s += " '" + name + "'";
  }
  s += ": ";
  if (!attribute.empty()) s += attribute + ": ";
  return s + why;
}

enum class Kind : std::uint8_t {
  kVip, kDirection, kVnet, kEni, kEniMac, kAclGroup, kAclRule, kRoutingGroup, kRoute, kCaPa,
  kInboundRoute, kPaValidation, kGlobalTrustedVni, kEniTrustedVni, kMeterPolicy, kMeterRule,
  kMeterBucket
};

struct TypeInfo {
  const char* sai;
  Kind kind;
  bool entry;  // keyed by a "key" object (else an object with a name only)
};

constexpr TypeInfo kTypes[] = {
    {"SAI_OBJECT_TYPE_VIP_ENTRY", Kind::kVip, true},
    {"SAI_OBJECT_TYPE_DIRECTION_LOOKUP_ENTRY", Kind::kDirection, true},
    {"SAI_OBJECT_TYPE_VNET", Kind::kVnet, false},
    {"SAI_OBJECT_TYPE_ENI", Kind::kEni, false},
    {"SAI_OBJECT_TYPE_ENI_ETHER_ADDRESS_MAP_ENTRY", Kind::kEniMac, true},
    {"SAI_OBJECT_TYPE_DASH_ACL_GROUP", Kind::kAclGroup, false},
    {"SAI_OBJECT_TYPE_DASH_ACL_RULE", Kind::kAclRule, false},
    {"SAI_OBJECT_TYPE_OUTBOUND_ROUTING_GROUP", Kind::kRoutingGroup, false},
    {"SAI_OBJECT_TYPE_OUTBOUND_ROUTING_ENTRY", Kind::kRoute, true},
    {"SAI_OBJECT_TYPE_OUTBOUND_CA_TO_PA_ENTRY", Kind::kCaPa, true},
    {"SAI_OBJECT_TYPE_INBOUND_ROUTING_ENTRY", Kind::kInboundRoute, true},
    {"SAI_OBJECT_TYPE_PA_VALIDATION_ENTRY", Kind::kPaValidation, true},
    {"SAI_OBJECT_TYPE_GLOBAL_TRUSTED_VNI_ENTRY", Kind::kGlobalTrustedVni, true},
    {"SAI_OBJECT_TYPE_ENI_TRUSTED_VNI_ENTRY", Kind::kEniTrustedVni, true},
    {"SAI_OBJECT_TYPE_METER_POLICY", Kind::kMeterPolicy, false},
    {"SAI_OBJECT_TYPE_METER_RULE", Kind::kMeterRule, false},
    {"SAI_OBJECT_TYPE_METER_BUCKET_ENTRY", Kind::kMeterBucket, true},
};

/// DASH object types of the SAI headers this switch does not implement.
constexpr const char* kUnimplementedTypes[] = {
    "SAI_OBJECT_TYPE_HA_SET", "SAI_OBJECT_TYPE_HA_SCOPE", "SAI_OBJECT_TYPE_DASH_TUNNEL",
    "SAI_OBJECT_TYPE_DASH_TUNNEL_MEMBER", "SAI_OBJECT_TYPE_DASH_TUNNEL_NEXT_HOP",
    "SAI_OBJECT_TYPE_FLOW_TABLE", "SAI_OBJECT_TYPE_FLOW_ENTRY",
    "SAI_OBJECT_TYPE_FLOW_ENTRY_BULK_GET_SESSION_FILTER",
    "SAI_OBJECT_TYPE_FLOW_ENTRY_BULK_GET_SESSION", "SAI_OBJECT_TYPE_DASH_APPLIANCE",
    "SAI_OBJECT_TYPE_OUTBOUND_PORT_MAP", "SAI_OBJECT_TYPE_OUTBOUND_PORT_MAP_PORT_RANGE_ENTRY",
};

const TypeInfo& info(Kind k) {
  for (const TypeInfo& t : kTypes) {
    if (t.kind == k) return t;
  }
  return kTypes[0];
}

/// A known attribute this switch does not implement, and SAI's default for it: a record may
/// give the default (it changes nothing), any other value is refused.
struct Unimplemented {
  const char* name;
  const char* def;  // "0", "false", "null" (object id), "0.0.0.0" (any zero address), or a name
};

constexpr Unimplemented kEniUnimplemented[] = {
    {"SAI_ENI_ATTR_CPS", "0"},
    {"SAI_ENI_ATTR_PPS", "0"},
    {"SAI_ENI_ATTR_FLOWS", "0"},
    {"SAI_ENI_ATTR_HA_SCOPE_ID", "null"},
    {"SAI_ENI_ATTR_PL_SIP", "0.0.0.0"},
    {"SAI_ENI_ATTR_PL_SIP_MASK", "0.0.0.0"},
    {"SAI_ENI_ATTR_PL_UNDERLAY_SIP", "0.0.0.0"},
    {"SAI_ENI_ATTR_DASH_TUNNEL_DSCP_MODE", "SAI_DASH_TUNNEL_DSCP_MODE_PRESERVE_MODEL"},
    {"SAI_ENI_ATTR_DSCP", "0"},
    {"SAI_ENI_ATTR_DISABLE_FAST_PATH_ICMP_FLOW_REDIRECTION", "false"},
    {"SAI_ENI_ATTR_FULL_FLOW_RESIMULATION_REQUESTED", "false"},
    {"SAI_ENI_ATTR_MAX_RESIMULATED_FLOW_PER_SECOND", "0"},
    {"SAI_ENI_ATTR_IS_HA_FLOW_OWNER", "false"},
    {"SAI_ENI_ATTR_ENABLE_REVERSE_TUNNEL_LEARNING", "false"},
    {"SAI_ENI_ATTR_REVERSE_TUNNEL_SIP", "0.0.0.0"},
    {"SAI_ENI_ATTR_FLOW_TABLE_ID", "null"},
    {"SAI_ENI_ATTR_DASH_ENI_MODE", "SAI_DASH_ENI_MODE_VM"},
};
constexpr Unimplemented kDirectionUnimplemented[] = {
    {"SAI_DIRECTION_LOOKUP_ENTRY_ATTR_DASH_ENI_MAC_OVERRIDE_TYPE",
     "SAI_DASH_ENI_MAC_OVERRIDE_TYPE_NONE"},
};
constexpr Unimplemented kAclRuleUnimplemented[] = {
    {"SAI_DASH_ACL_RULE_ATTR_COUNTER_ID", "null"},
};
constexpr Unimplemented kRouteUnimplemented[] = {
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DASH_TUNNEL_ID", "null"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ROUTING_ACTIONS_DISABLED_IN_FLOW_RESIMULATION", "0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_DIP", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_DIP_MASK", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_SIP", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_SIP_MASK", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_UNDERLAY_DIP", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_UNDERLAY_SIP", "0.0.0.0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DASH_ENCAPSULATION", "SAI_DASH_ENCAPSULATION_VXLAN"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_TUNNEL_KEY", "0"},
    {"SAI_OUTBOUND_ROUTING_ENTRY_ATTR_COUNTER_ID", "null"},
};
constexpr Unimplemented kCaPaUnimplemented[] = {
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_DASH_TUNNEL_ID", "null"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_FLOW_RESIMULATION_REQUESTED", "false"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_ROUTING_ACTIONS_DISABLED_IN_FLOW_RESIMULATION", "0"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_SIP", "0.0.0.0"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_SIP_MASK", "0.0.0.0"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DIP", "0.0.0.0"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DIP_MASK", "0.0.0.0"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_COUNTER_ID", "null"},
    {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OUTBOUND_PORT_MAP_ID", "null"},
};

std::span<const Unimplemented> unimplemented(Kind k) {
  switch (k) {
    case Kind::kEni: return kEniUnimplemented;
    case Kind::kDirection: return kDirectionUnimplemented;
    case Kind::kAclRule: return kAclRuleUnimplemented;
    case Kind::kRoute: return kRouteUnimplemented;
    case Kind::kCaPa: return kCaPaUnimplemented;
    default: return {};
  }
}

/// Attributes the switch reports and a record cannot set.
constexpr const char* kReadOnly[] = {
    "SAI_VIP_ENTRY_ATTR_IP_ADDR_FAMILY",
    "SAI_DASH_ACL_RULE_ATTR_IP_ADDR_FAMILY",
    "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_IP_ADDR_FAMILY",
    "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_IP_ADDR_FAMILY",
    "SAI_INBOUND_ROUTING_ENTRY_ATTR_IP_ADDR_FAMILY",
    "SAI_PA_VALIDATION_ENTRY_ATTR_IP_ADDR_FAMILY",
    "SAI_METER_RULE_ATTR_IP_ADDR_FAMILY",
    "SAI_ENI_ATTR_IS_OPERATIONAL_HA_FLOW_OWNER",
};

bool is_null_oid(std::string_view v) {
  return v == "0" || v == "SAI_NULL_OBJECT_ID" || v == "oid:0x0" || v == "null";
}

std::optional<std::uint64_t> number(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> boolean(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

bool is_zero_ip(const model::IpAddr& a) {
  const auto b = ip_bytes(a);
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

bool is_default(std::string_view v, std::string_view def) {
  if (def == "0") return number(v) == std::optional<std::uint64_t>{0};
  if (def == "false") return boolean(v) == std::optional<bool>{false};
  if (def == "null") return is_null_oid(v);
  if (def == "0.0.0.0") {
    const auto a = model::IpAddr::parse(v);
    return a && is_zero_ip(*a);
  }
  return v == def;
}

/// Where a record is, for its errors.
struct Ctx {
  const std::string& source;
  std::size_t index;
  std::string name;

  [[noreturn]] void fail(std::string_view attribute, std::string why) const {
    throw DashError(source, index, name, std::string(attribute), std::move(why));
  }
};

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

/// sairedis writes values as strings; numbers and booleans in the JSON are taken as their text.
std::string text_of(const Ctx& c, std::string_view what, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned() || v.is_number_integer()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  c.fail(what, "a value must be a string (or a number or boolean), not " + v.dump());
}

std::uint32_t parse_u32(const Ctx& c, std::string_view attr, std::string_view s) {
  const auto v = number(s);
  if (!v || *v > std::numeric_limits<std::uint32_t>::max()) {
    c.fail(attr, in_quotes(s) + " is not a 32-bit unsigned number");
  }
  return static_cast<std::uint32_t>(*v);
}

std::uint32_t parse_vni(const Ctx& c, std::string_view attr, std::string_view s) {
  const std::uint32_t v = parse_u32(c, attr, s);
  if (v > 0xFFFFFFu) c.fail(attr, "VNI " + std::string(s) + " does not fit in 24 bits");
  return v;
}

bool parse_bool(const Ctx& c, std::string_view attr, std::string_view s) {
  const auto b = boolean(s);
  if (!b) c.fail(attr, in_quotes(s) + " is not a boolean (true or false)");
  return *b;
}

model::IpAddr parse_ip(const Ctx& c, std::string_view attr, std::string_view s) {
  const auto a = model::IpAddr::parse(s);
  if (!a) c.fail(attr, in_quotes(s) + " is not an IPv4 or IPv6 address");
  return *a;
}

model::MacAddr parse_mac(const Ctx& c, std::string_view attr, std::string_view s) {
  const auto m = model::MacAddr::parse(s);
  if (!m) c.fail(attr, in_quotes(s) + " is not a MAC address");
  return *m;
}

IpPrefix parse_prefix(const Ctx& c, std::string_view attr, std::string_view s) {
  const auto p = IpPrefix::parse(s);
  if (!p) {
    c.fail(attr, in_quotes(s) + " is not an address/length prefix with its host bits zero");
  }
  return *p;
}

/// `addr` with the contiguous `mask` of its family, as a prefix (host bits must be zero).
IpPrefix masked_prefix(const Ctx& c, std::string_view addr_attr, const model::IpAddr& addr,
                       std::string_view mask_attr, const model::IpAddr& mask) {
  if (mask.version() != addr.version()) {
    c.fail(mask_attr, "mask " + mask.to_string() + " is not of the family of " + addr.to_string());
  }
  const auto b = ip_bytes(mask);
  const unsigned width = addr.is_v6() ? 128 : 32;
  unsigned len = 0;
  while (len < width && ((b[len / 8] >> (7 - len % 8)) & 1u) != 0) ++len;
  for (unsigned i = len; i < width; ++i) {
    if (((b[i / 8] >> (7 - i % 8)) & 1u) != 0) {
      c.fail(mask_attr, "mask " + mask.to_string() + " is not contiguous (a prefix mask)");
    }
  }
  const auto p = IpPrefix::parse(addr.to_string() + "/" + std::to_string(len));
  if (!p) {
    c.fail(addr_attr, addr.to_string() + " has bits outside its mask /" + std::to_string(len));
  }
  return *p;
}

/// sairedis lists: "count:a,b,c" (or just "a,b,c"); "0:null" and "" are empty. An element of
/// `width` numbers (a range: "min,max") counts once.
std::vector<std::string> parse_list(const Ctx& c, std::string_view attr, std::string_view s,
                                    std::size_t width = 1) {
  std::optional<std::uint64_t> count;
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    const auto head = s.substr(0, colon);
    // An IPv6 address has colons too: only a leading decimal count is a count.
    if (!head.empty() && std::all_of(head.begin(), head.end(), [](char ch) {
          return ch >= '0' && ch <= '9';
        })) {
      count = number(head);
      s.remove_prefix(colon + 1);
    }
  }
  std::vector<std::string> items;
  if (!s.empty() && !(s == "null" && count == std::optional<std::uint64_t>{0})) {
    std::size_t at = 0;
    for (auto comma = s.find(','); ; comma = s.find(',', at)) {
      items.emplace_back(s.substr(at, comma == std::string_view::npos ? s.npos : comma - at));
      if (comma == std::string_view::npos) break;
      at = comma + 1;
    }
  }
  if (items.size() % width != 0) c.fail(attr, "ranges are min,max pairs");
  if (count && *count != items.size() / width) {
    c.fail(attr, "the list says " + std::to_string(*count) + " items and has " +
                     std::to_string(items.size() / width));
  }
  return items;
}

/// "lo,hi" or one number.
VniRange parse_vni_range(const Ctx& c, std::string_view field, std::string_view s) {
  const auto comma = s.find(',');
  if (comma == std::string_view::npos) {
    const std::uint32_t v = parse_vni(c, field, s);
    return {v, v};
  }
  const VniRange r{parse_vni(c, field, s.substr(0, comma)),
                   parse_vni(c, field, s.substr(comma + 1))};
  if (r.lo > r.hi) c.fail(field, "range " + std::string(s) + " is empty (min > max)");
  return r;
}

/// A record's attributes: [name, value, name, value, ...].
class Attrs {
 public:
  Attrs(const Ctx& c, const json* list) : c_(c) {
    if (list == nullptr) return;
    if (!list->is_array() || list->size() % 2 != 0) {
      c.fail("attributes", "must be a flat list [name, value, name, value, ...]");
    }
    for (std::size_t i = 0; i < list->size(); i += 2) {
      if (!(*list)[i].is_string()) c.fail("attributes", "an attribute name must be a string");
      std::string name = (*list)[i].get<std::string>();
      const auto same = [&](const A& a) { return a.name == name; };
      if (std::any_of(items_.begin(), items_.end(), same)) c.fail(name, "given twice");
      std::string value = text_of(c, name, (*list)[i + 1]);
      items_.push_back({std::move(name), std::move(value)});
    }
  }

  /// The value of `name` (marked as used), or nullopt when the record does not give it.
  std::optional<std::string> take(std::string_view name) {
    for (A& a : items_) {
      if (a.name == name) {
        a.used = true;
        return a.value;
      }
    }
    return std::nullopt;
  }

  /// Everything not taken is refused: a known attribute with a value other than its default
  /// (unless the caller listed it in DashOptions::ignore), a read-only or unknown one.
  void finish(Kind k, const DashOptions& o) const {
    for (const A& a : items_) {
      if (a.used) continue;
      const auto un = unimplemented(k);
      const auto it = std::find_if(un.begin(), un.end(),
                                   [&](const Unimplemented& u) { return a.name == u.name; });
      if (it != un.end()) {
        if (is_default(a.value, it->def) || o.ignore.count(a.name) != 0) continue;
        c_.fail(a.name, "known, not implemented by this switch (value " + in_quotes(a.value) +
                            "; only SAI's default " + in_quotes(it->def) + " is accepted)");
      }
      if (std::find(std::begin(kReadOnly), std::end(kReadOnly), a.name) != std::end(kReadOnly)) {
        c_.fail(a.name, "read-only: the switch reports it, a record cannot set it");
      }
      c_.fail(a.name, std::string("not an attribute of ") + info(k).sai);
    }
  }

 private:
  struct A {
    std::string name, value;
    bool used = false;
  };
  const Ctx& c_;
  std::vector<A> items_;
};

/// An entry's key fields.
class Key {
 public:
  Key(const Ctx& c, const json* key, bool entry) : c_(c) {
    if (key == nullptr) {
      if (entry) c.fail("key", "an entry needs its key");
      return;
    }
    if (!key->is_object()) c.fail("key", "must be an object of key fields");
    if (!entry && !key->empty()) c.fail("key", "an object (not an entry) has no key");
    for (const auto& [field, v] : key->items()) fields_.push_back({field, text_of(c, field, v)});
  }
  std::optional<std::string> take(std::string_view field) {
    for (F& f : fields_) {
      if (f.name == field) {
        f.used = true;
        return f.value;
      }
    }
    return std::nullopt;
  }
  std::string need(std::string_view field) {
    auto v = take(field);
    if (!v) c_.fail(field, "key field missing");
    return *v;
  }
  void finish() {
    if (const auto sw = take("switch_id"); sw && *sw != "$SWITCH_ID") {
      c_.fail("switch_id", in_quotes(*sw) + ": this switch is $SWITCH_ID");
    }
    for (const F& f : fields_) {
      if (!f.used) c_.fail(f.name, "not a key field of this entry");
    }
  }

 private:
  struct F {
    std::string name, value;
    bool used = false;
  };
  const Ctx& c_;
  std::vector<F> fields_;
};

}  // namespace

DashError::DashError(std::string source, std::size_t index, std::string name,
                     std::string attribute, std::string why)
    : std::runtime_error(error_text(source, index, name, attribute, why)),
      index_(index),
      name_(std::move(name)),
      attribute_(std::move(attribute)),
      why_(std::move(why)) {}

struct DashConfig::Impl {
  struct Object {
    std::string name;
    Kind kind = Kind::kVnet;
    std::size_t index = 0;           // the record that created it
    std::string source;
    json key;                        // as given (a remove may repeat it)
    std::vector<std::string> refs;   // the objects it refers to
    std::set<std::string> referrers; // the objects referring to it
    std::uint32_t id = 0;            // VNET, ENI, routing group, meter policy; a bucket's ENI
    std::uint32_t meter_class = 0;   // a meter bucket's
    std::shared_ptr<AclGroup> acl;   // a DASH_ACL_GROUP
    std::string entry_key;           // an entry's canonical key
    std::function<void(Pipeline&)> undo;
  };

  Pipeline& p;
  DashOptions opt;
  std::map<std::string, Object, std::less<>> objects;
  std::set<std::string> entry_keys;
  std::size_t trusted = 0;  // trusted-VNI entries alive
  bool trusted_was_on = false;

  Impl(Pipeline& pipeline, DashOptions o) : p(pipeline), opt(std::move(o)) {}

  void apply(const json& doc, const std::string& source);
  void record(const Ctx& c, const json& r);
  void remove(const Ctx& c, const json& r);
  void create(const Ctx& c, const json& r, const TypeInfo& t);

  const Object* find(std::string_view name, Kind k) const {
    const auto it = objects.find(name);
    return it == objects.end() || it->second.kind != k ? nullptr : &it->second;
  }
  std::optional<std::uint32_t> id_of(std::string_view name, Kind k) const {
    const Object* o = find(name, k);
    return o != nullptr ? std::optional(o->id) : std::nullopt;
  }

  /// `$name` of an object of kind `want`, or null for a null id.
  Object* ref(const Ctx& c, std::string_view attr, const std::string& v, Kind want) {
    if (is_null_oid(v)) return nullptr;
    if (v.size() < 2 || v[0] != '$') {
      c.fail(attr, in_quotes(v) + " is not an object reference ('$name' or a null id)");
    }
    const auto it = objects.find(std::string_view(v).substr(1));
    if (it == objects.end()) {
      c.fail(attr, in_quotes(v) + " refers to no object created before it (dangling reference)");
    }
    if (it->second.kind != want) {
      c.fail(attr, in_quotes(v) + " is a " + info(it->second.kind).sai + ", not a " +
                       info(want).sai);
    }
    return &it->second;
  }
  Object& need_ref(const Ctx& c, std::string_view attr, const std::optional<std::string>& v,
                   Kind want) {
    if (!v) c.fail(attr, "required");
    Object* o = ref(c, attr, *v, want);
    if (o == nullptr) c.fail(attr, "required (not a null id)");
    return *o;
  }
  /// A key field that refers to an object (required, not null).
  Object& key_ref(const Ctx& c, Key& k, std::string_view field, Kind want) {
    Object* o = ref(c, field, k.need(field), want);
    if (o == nullptr) c.fail(field, "required (not a null id)");
    return *o;
  }
  Object* opt_ref(const Ctx& c, Attrs& a, std::string_view attr, Kind want) {
    const auto v = a.take(attr);
    return v ? ref(c, attr, *v, want) : nullptr;
  }

  /// The attribute's enum value: one of `allowed` (default `def` when absent); a value in
  /// `not_implemented` is a known one this switch refuses.
  static std::string choice(const Ctx& c, Attrs& a, std::string_view attr,
                            std::initializer_list<const char*> allowed, const char* def,
                            std::initializer_list<const char*> not_implemented = {}) {
    const auto v = a.take(attr);
    if (!v) return def;
    for (const char* x : allowed) {
      if (*v == x) return *v;
    }
    for (const char* x : not_implemented) {
      if (*v == x) c.fail(attr, in_quotes(*v) + ": known, not implemented by this switch");
    }
    std::string list;
    for (const char* x : allowed) list += (list.empty() ? "" : ", ") + std::string(x);
    c.fail(attr, in_quotes(*v) + " is not one of " + list);
  }
  static std::uint32_t u32(const Ctx& c, Attrs& a, std::string_view attr, std::uint32_t def) {
    const auto v = a.take(attr);
    return v ? parse_u32(c, attr, *v) : def;
  }
  /// METER_CLASS_AND: DASH's own files write its all-ones default as "-1".
  static std::uint32_t mask32(const Ctx& c, Attrs& a, std::string_view attr) {
    const auto v = a.take(attr);
    if (!v) return kMeterClassAll;
    return *v == "-1" ? kMeterClassAll : parse_u32(c, attr, *v);
  }
  static std::uint32_t required_u32(const Ctx& c, Attrs& a, std::string_view attr) {
    const auto v = a.take(attr);
    if (!v) c.fail(attr, "required");
    return parse_u32(c, attr, *v);
  }
  static bool flag(const Ctx& c, Attrs& a, std::string_view attr, bool def) {
    const auto v = a.take(attr);
    return v ? parse_bool(c, attr, *v) : def;
  }
  static bool ipv6_family(const Ctx& c, Attrs& a, std::string_view attr) {
    return choice(c, a, attr, {"SAI_IP_ADDR_FAMILY_IPV4", "SAI_IP_ADDR_FAMILY_IPV6"},
                  "SAI_IP_ADDR_FAMILY_IPV4") == "SAI_IP_ADDR_FAMILY_IPV6";
  }

  void claim_key(const Ctx& c, Object& o, std::string key) {
    if (entry_keys.count(key) != 0) c.fail("key", "an entry with this key exists already");
    o.entry_key = std::move(key);
  }
  void trusted_added() {
    if (trusted++ == 0) trusted_was_on = p.trusted_vni_check();
    p.set_trusted_vni_check(true);
  }
  void trusted_removed() {
    if (--trusted == 0) p.set_trusted_vni_check(trusted_was_on);
  }

  template <class Used>
  static std::uint32_t free_id(Used used) {
    std::uint32_t id = 1;
    while (used(id)) ++id;
    return id;
  }

  void create_eni(const Ctx& c, Attrs& a, Object& o);
  void create_acl_rule(const Ctx& c, Attrs& a, Object& o);
  void create_route(const Ctx& c, Key& k, Attrs& a, Object& o);
  void create_ca_pa(const Ctx& c, Key& k, Attrs& a, Object& o);
  void create_inbound_route(const Ctx& c, Key& k, Attrs& a, Object& o);
  void create_meter_rule(const Ctx& c, Attrs& a, Object& o);
};

void DashConfig::Impl::apply(const json& doc, const std::string& source) {
  if (!doc.is_array()) {
    throw DashError(source, kNoRecord, "", "", "a DASH configuration is a JSON list of records");
  }
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const json& r = doc[i];
    std::string name;
    if (r.is_object() && r.contains("name") && r["name"].is_string()) {
      name = r["name"].get<std::string>();
    }
    const Ctx c{source, i, name};
    record(c, r);
  }
}

void DashConfig::Impl::record(const Ctx& c, const json& r) {
  if (!r.is_object()) c.fail("", "a record is an object {name, op, type, key, attributes}");
  for (const auto& [field, v] : r.items()) {
    if (field != "name" && field != "op" && field != "type" && field != "key" &&
        field != "attributes") {
      c.fail(field, "not a field of a record (name, op, type, key, attributes)");
    }
  }
  if (c.name.empty()) c.fail("name", "a record needs a name (a non-empty string)");
  if (!r.contains("op") || !r["op"].is_string()) c.fail("op", "required: create or remove");
  const std::string op = r["op"].get<std::string>();
  if (op == "remove") return remove(c, r);
  if (op != "create") c.fail("op", in_quotes(op) + " is not create or remove");
  if (!r.contains("type") || !r["type"].is_string()) c.fail("type", "required");
  const std::string type = r["type"].get<std::string>();
  for (const TypeInfo& t : kTypes) {
    if (type == t.sai) return create(c, r, t);
  }
  for (const char* t : kUnimplementedTypes) {
    if (type == t) c.fail("type", type + ": a DASH object type this switch does not implement");
  }
  c.fail("type", in_quotes(type) + " is not a SAI DASH object type");
}

void DashConfig::Impl::remove(const Ctx& c, const json& r) {
  const auto it = objects.find(c.name);
  if (it == objects.end()) c.fail("", "nothing of that name to remove");
  Object& o = it->second;
  if (r.contains("type") && r["type"] != info(o.kind).sai) {
    c.fail("type", std::string("the object is a ") + info(o.kind).sai);
  }
  if (r.contains("key") && r["key"] != o.key) {
    c.fail("key", "differs from the key it was created with");
  }
  if (r.contains("attributes") && !(r["attributes"].is_array() && r["attributes"].empty())) {
    c.fail("attributes", "a remove takes none");
  }
  if (!o.referrers.empty()) {
    std::string who;
    for (const std::string& n : o.referrers) who += (who.empty() ? "" : ", ") + in_quotes(n);
    c.fail("", "still referenced by " + who);
  }
  if (o.undo) o.undo(p);
  for (const std::string& n : o.refs) objects.at(n).referrers.erase(c.name);
  entry_keys.erase(o.entry_key);
  objects.erase(it);
}

void DashConfig::Impl::create(const Ctx& c, const json& r, const TypeInfo& t) {
  if (const auto it = objects.find(c.name); it != objects.end()) {
    c.fail("name", "duplicate: " + in_quotes(c.name) + " exists already (" + it->second.source +
                       " record " + std::to_string(it->second.index) + ")");
  }
  Key k(c, r.contains("key") ? &r["key"] : nullptr, t.entry);
  Attrs a(c, r.contains("attributes") ? &r["attributes"] : nullptr);
  Object o;
  o.name = c.name;
  o.kind = t.kind;
  o.index = c.index;
  o.source = c.source;
  if (r.contains("key")) o.key = r["key"];
  // Each case reads and checks everything (key.finish, attrs.finish) before it changes the
  // pipeline, and leaves in `o` how to undo the change.
  switch (t.kind) {
    case Kind::kVip: {
      const model::IpAddr vip = parse_ip(c, "vip", k.need("vip"));
      k.finish();
      choice(c, a, "SAI_VIP_ENTRY_ATTR_ACTION", {"SAI_VIP_ENTRY_ACTION_ACCEPT"},
             "SAI_VIP_ENTRY_ACTION_ACCEPT");
      a.finish(t.kind, opt);
      claim_key(c, o, "vip " + vip.to_string());
      const bool had = p.has_vip(vip);  // the pipeline's own VIP stays when the entry goes
      p.add_vip(vip);
      o.undo = [vip, had](Pipeline& q) {
        if (!had) q.remove_vip(vip);
      };
      break;
    }
    case Kind::kDirection: {
      const std::uint32_t vni = parse_vni(c, "vni", k.need("vni"));
      k.finish();
      const std::string act = choice(
          c, a, "SAI_DIRECTION_LOOKUP_ENTRY_ATTR_ACTION",
          {"SAI_DIRECTION_LOOKUP_ENTRY_ACTION_SET_OUTBOUND_DIRECTION",
           "SAI_DIRECTION_LOOKUP_ENTRY_ACTION_SET_INBOUND_DIRECTION"},
          "SAI_DIRECTION_LOOKUP_ENTRY_ACTION_SET_OUTBOUND_DIRECTION");
      a.finish(t.kind, opt);
      claim_key(c, o, "direction " + std::to_string(vni));
      p.set_direction(vni, act.ends_with("OUTBOUND_DIRECTION") ? Direction::kOutbound
                                                                : Direction::kInbound);
      o.undo = [vni](Pipeline& q) { q.clear_direction(vni); };
      break;
    }
    case Kind::kVnet: {
      k.finish();
      const auto v = a.take("SAI_VNET_ATTR_VNI");
      const std::uint32_t vni = v ? parse_vni(c, "SAI_VNET_ATTR_VNI", *v) : 0;
      a.finish(t.kind, opt);
      o.id = free_id([this](std::uint32_t id) { return p.find_vnet(id) != nullptr; });
      p.vnet(o.id).vni = vni;
      o.undo = [id = o.id](Pipeline& q) { q.remove_vnet(id); };
      break;
    }
    case Kind::kEni:
      k.finish();
      create_eni(c, a, o);
      break;
    case Kind::kEniMac: {
      const model::MacAddr mac = parse_mac(c, "address", k.need("address"));
      k.finish();
      choice(c, a, "SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ATTR_ACTION",
             {"SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ACTION_SET_ENI"},
             "SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ACTION_SET_ENI");
      constexpr const char* kAttr = "SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ATTR_ENI_ID";
      const Object& eni = need_ref(c, kAttr, a.take(kAttr), Kind::kEni);
      a.finish(t.kind, opt);
      claim_key(c, o, "mac " + mac.to_string());
      o.refs.push_back(eni.name);
      p.map_mac(mac, eni.id);
      o.undo = [mac](Pipeline& q) { q.unmap_mac(mac); };
      break;
    }
    case Kind::kAclGroup: {
      k.finish();
      const bool v6 = ipv6_family(c, a, "SAI_DASH_ACL_GROUP_ATTR_IP_ADDR_FAMILY");
      a.finish(t.kind, opt);
      o.acl = std::make_shared<AclGroup>(c.name, v6);
      break;
    }
    case Kind::kAclRule:
      k.finish();
      create_acl_rule(c, a, o);
      break;
    case Kind::kRoutingGroup: {
      k.finish();
      const bool disabled = flag(c, a, "SAI_OUTBOUND_ROUTING_GROUP_ATTR_DISABLED", false);
      a.finish(t.kind, opt);
      o.id = free_id([this](std::uint32_t id) { return p.find_routing_group(id) != nullptr; });
      p.routing_group(o.id).disabled = disabled;
      o.undo = [id = o.id](Pipeline& q) { q.remove_routing_group(id); };
      break;
    }
    case Kind::kRoute:
      create_route(c, k, a, o);
      break;
    case Kind::kCaPa:
      create_ca_pa(c, k, a, o);
      break;
    case Kind::kInboundRoute:
      create_inbound_route(c, k, a, o);
      break;
    case Kind::kPaValidation: {
      const Object& vnet = key_ref(c, k, "vnet_id", Kind::kVnet);
      const model::IpAddr sip = parse_ip(c, "sip", k.need("sip"));
      k.finish();
      choice(c, a, "SAI_PA_VALIDATION_ENTRY_ATTR_ACTION", {"SAI_PA_VALIDATION_ENTRY_ACTION_PERMIT"},
             "SAI_PA_VALIDATION_ENTRY_ACTION_PERMIT");
      a.finish(t.kind, opt);
      claim_key(c, o, "pa " + vnet.name + " " + sip.to_string());
      if (!p.vnet(vnet.id).valid_pas.insert(sip).second) {
        c.fail("sip", sip.to_string() + " is a valid PA of that VNET already");
      }
      o.refs.push_back(vnet.name);
      o.undo = [id = vnet.id, sip](Pipeline& q) { q.vnet(id).valid_pas.erase(sip); };
      break;
    }
    case Kind::kGlobalTrustedVni:
    case Kind::kEniTrustedVni: {
      const bool global = t.kind == Kind::kGlobalTrustedVni;
      const Object* eni = global ? nullptr : &key_ref(c, k, "eni_id", Kind::kEni);
      const VniRange range = parse_vni_range(c, "vni_range", k.need("vni_range"));
      k.finish();
      if (global) {
        choice(c, a, "SAI_GLOBAL_TRUSTED_VNI_ENTRY_ATTR_ACTION",
               {"SAI_GLOBAL_TRUSTED_VNI_ENTRY_ACTION_PERMIT"},
               "SAI_GLOBAL_TRUSTED_VNI_ENTRY_ACTION_PERMIT");
      } else {
        choice(c, a, "SAI_ENI_TRUSTED_VNI_ENTRY_ATTR_ACTION",
               {"SAI_ENI_TRUSTED_VNI_ENTRY_ACTION_PERMIT"},
               "SAI_ENI_TRUSTED_VNI_ENTRY_ACTION_PERMIT");
      }
      a.finish(t.kind, opt);
      claim_key(c, o, "trusted " + (eni ? eni->name : "") + " " + std::to_string(range.lo) + "," +
                          std::to_string(range.hi));
      trusted_added();  // before add_trusted_vni(), which turns the check on
      if (global) {
        p.add_trusted_vni(range);
        o.undo = [this, range](Pipeline& q) {
          q.remove_trusted_vni(range);
          trusted_removed();
        };
      } else {
        o.refs.push_back(eni->name);
        p.eni(eni->id).trusted_vnis.push_back(range);
        o.undo = [this, id = eni->id, range](Pipeline& q) {
          auto& v = q.eni(id).trusted_vnis;
          v.erase(std::find(v.begin(), v.end(), range));
          trusted_removed();
        };
      }
      break;
    }
    case Kind::kMeterPolicy: {
      k.finish();
      const bool v6 = ipv6_family(c, a, "SAI_METER_POLICY_ATTR_IP_ADDR_FAMILY");
      a.finish(t.kind, opt);
      o.id = free_id([this](std::uint32_t id) { return p.find_meter_policy(id) != nullptr; });
      p.meter_policy(o.id).ipv6 = v6;
      o.undo = [id = o.id](Pipeline& q) { q.remove_meter_policy(id); };
      break;
    }
    case Kind::kMeterRule:
      k.finish();
      create_meter_rule(c, a, o);
      break;
    case Kind::kMeterBucket: {
      const Object& eni = key_ref(c, k, "eni_id", Kind::kEni);
      const std::uint32_t cls = parse_u32(c, "meter_class", k.need("meter_class"));
      if (cls == 0) c.fail("meter_class", "class 0 means 'not set' and has no bucket");
      k.finish();
      choice(c, a, "SAI_METER_BUCKET_ENTRY_ATTR_ACTION",
             {"SAI_METER_BUCKET_ENTRY_ACTION_UPDATE_METER_BUCKET"},
             "SAI_METER_BUCKET_ENTRY_ACTION_UPDATE_METER_BUCKET");
      a.finish(t.kind, opt);
      claim_key(c, o, "bucket " + eni.name + " " + std::to_string(cls));
      // Every ENI has its buckets (DASH's metering HLD); the entry names one to read.
      o.refs.push_back(eni.name);
      o.id = eni.id;
      o.meter_class = cls;
      break;
    }
  }
  if (!o.entry_key.empty()) entry_keys.insert(o.entry_key);
  std::sort(o.refs.begin(), o.refs.end());
  o.refs.erase(std::unique(o.refs.begin(), o.refs.end()), o.refs.end());
  for (const std::string& n : o.refs) objects.at(n).referrers.insert(c.name);
  objects.emplace(c.name, std::move(o));
}

void DashConfig::Impl::create_eni(const Ctx& c, Attrs& a, Object& o) {
  auto note = [&](const Object* x) {
    if (x != nullptr) o.refs.push_back(x->name);
  };
  const bool admin = flag(c, a, "SAI_ENI_ATTR_ADMIN_STATE", false);
  const Object* vnet = opt_ref(c, a, "SAI_ENI_ATTR_VNET_ID", Kind::kVnet);
  note(vnet);
  std::optional<model::IpAddr> underlay;
  if (const auto v = a.take("SAI_ENI_ATTR_VM_UNDERLAY_DIP")) {
    const model::IpAddr ip = parse_ip(c, "SAI_ENI_ATTR_VM_UNDERLAY_DIP", *v);
    if (!is_zero_ip(ip)) underlay = ip;
  }
  const auto vni_text = a.take("SAI_ENI_ATTR_VM_VNI");
  const std::uint32_t vm_vni = vni_text ? parse_vni(c, "SAI_ENI_ATTR_VM_VNI", *vni_text) : 0;
  const Object* group =
      opt_ref(c, a, "SAI_ENI_ATTR_OUTBOUND_ROUTING_GROUP_ID", Kind::kRoutingGroup);
  note(group);
  std::uint32_t meter[2] = {0, 0};
  for (const bool v6 : {false, true}) {
    const char* attr = v6 ? "SAI_ENI_ATTR_V6_METER_POLICY_ID" : "SAI_ENI_ATTR_V4_METER_POLICY_ID";
    const Object* mp = opt_ref(c, a, attr, Kind::kMeterPolicy);
    if (mp == nullptr) continue;
    if (p.find_meter_policy(mp->id)->ipv6 != v6) {
      c.fail(attr, std::string("the meter policy is IPv") + (v6 ? "4" : "6"));
    }
    meter[v6 ? 1 : 0] = mp->id;
    note(mp);
  }
  // The 20 ACL stage attributes: {INBOUND,OUTBOUND}_{V4,V6}_STAGE{1..5}_DASH_ACL_GROUP_ID.
  std::shared_ptr<const AclGroup> stages[2][2][AclStages::kStages];  // [out][v6][stage]
  for (const bool out : {false, true}) {
    for (const bool v6 : {false, true}) {
      for (unsigned s = 0; s < AclStages::kStages; ++s) {
        const std::string attr = std::string("SAI_ENI_ATTR_") + (out ? "OUTBOUND" : "INBOUND") +
                                 (v6 ? "_V6" : "_V4") + "_STAGE" + std::to_string(s + 1) +
                                 "_DASH_ACL_GROUP_ID";
        const Object* g = opt_ref(c, a, attr, Kind::kAclGroup);
        if (g == nullptr) continue;
        if (g->acl->ipv6() != v6) {
          c.fail(attr, "ACL group " + in_quotes(g->acl->name()) + " is IPv" + (v6 ? "4" : "6") +
                           ", the stage IPv" + (v6 ? "6" : "4"));
        }
        stages[out][v6][s] = g->acl;
        note(g);
      }
    }
  }
  a.finish(Kind::kEni, opt);
  const auto vp = opt.vports.find(c.name);
  o.id = free_id([this](std::uint32_t id) { return p.find_eni(id) != nullptr; });
  Eni& e = p.eni(o.id);
  e.admin_up = admin;
  e.vnet = vnet != nullptr ? vnet->id : 0;
  e.vport = vp != opt.vports.end() ? vp->second : 0;
  e.vm_underlay_ip = underlay;
  e.vm_vni = vm_vni;
  e.routing_group = group != nullptr ? group->id : 0;
  e.meter_policy_v4 = meter[0];
  e.meter_policy_v6 = meter[1];
  for (unsigned s = 0; s < AclStages::kStages; ++s) {
    e.inbound_acl.set(s, stages[0][0][s]);
    e.inbound_acl_v6.set(s, stages[0][1][s]);
    e.outbound_acl.set(s, stages[1][0][s]);
    e.outbound_acl_v6.set(s, stages[1][1][s]);
  }
  o.undo = [id = o.id](Pipeline& q) { q.remove_eni(id); };
}

void DashConfig::Impl::create_acl_rule(const Ctx& c, Attrs& a, Object& o) {
  constexpr const char* kGroup = "SAI_DASH_ACL_RULE_ATTR_DASH_ACL_GROUP_ID";
  Object& g = need_ref(c, kGroup, a.take(kGroup), Kind::kAclGroup);
  AclRule rule;
  rule.name = c.name;
  rule.priority = required_u32(c, a, "SAI_DASH_ACL_RULE_ATTR_PRIORITY");
  const std::string act = choice(
      c, a, "SAI_DASH_ACL_RULE_ATTR_ACTION",
      {"SAI_DASH_ACL_RULE_ACTION_PERMIT", "SAI_DASH_ACL_RULE_ACTION_PERMIT_AND_CONTINUE",
       "SAI_DASH_ACL_RULE_ACTION_DENY", "SAI_DASH_ACL_RULE_ACTION_DENY_AND_CONTINUE"},
      "SAI_DASH_ACL_RULE_ACTION_PERMIT");
  rule.action = act == "SAI_DASH_ACL_RULE_ACTION_PERMIT"    ? AclAction::kPermit
                : act == "SAI_DASH_ACL_RULE_ACTION_DENY"    ? AclAction::kDeny
                : act.starts_with("SAI_DASH_ACL_RULE_ACTION_PERMIT") ? AclAction::kPermitAndContinue
                                                                     : AclAction::kDenyAndContinue;
  // An absent list matches anything (as an empty one does).
  for (const bool src : {true, false}) {
    const char* attr = src ? "SAI_DASH_ACL_RULE_ATTR_SIP" : "SAI_DASH_ACL_RULE_ATTR_DIP";
    const auto v = a.take(attr);
    if (!v) continue;
    for (const std::string& item : parse_list(c, attr, *v)) {
      const IpPrefix px = parse_prefix(c, attr, item);
      if (px.addr.is_v6() != g.acl->ipv6()) {
        c.fail(attr, item + " is not of the family of ACL group " + in_quotes(g.acl->name()));
      }
      (src ? rule.src : rule.dst).push_back(px);
    }
  }
  if (const auto v = a.take("SAI_DASH_ACL_RULE_ATTR_PROTOCOL")) {
    for (const std::string& item : parse_list(c, "SAI_DASH_ACL_RULE_ATTR_PROTOCOL", *v)) {
      const std::uint32_t proto = parse_u32(c, "SAI_DASH_ACL_RULE_ATTR_PROTOCOL", item);
      if (proto > 255) c.fail("SAI_DASH_ACL_RULE_ATTR_PROTOCOL", item + " is not a protocol");
      rule.protocols.push_back(static_cast<std::uint8_t>(proto));
    }
  }
  for (const bool src : {true, false}) {
    const char* attr = src ? "SAI_DASH_ACL_RULE_ATTR_SRC_PORT" : "SAI_DASH_ACL_RULE_ATTR_DST_PORT";
    const auto v = a.take(attr);
    if (!v) continue;
    // sairedis writes a range as "min,max": the items go in pairs.
    const std::vector<std::string> items = parse_list(c, attr, *v, 2);
    for (std::size_t i = 0; i < items.size(); i += 2) {
      const std::uint32_t lo = parse_u32(c, attr, items[i]), hi = parse_u32(c, attr, items[i + 1]);
      if (hi > 65535 || lo > hi) {
        c.fail(attr, items[i] + "," + items[i + 1] + " is not a port range");
      }
      (src ? rule.sports : rule.dports)
          .push_back({static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
    }
  }
  a.finish(Kind::kAclRule, opt);
  if (const auto err = g.acl->add(rule)) c.fail("", err->what);
  o.refs.push_back(g.name);
  o.undo = [grp = g.acl, name = c.name](Pipeline&) { grp->remove(name); };
}

void DashConfig::Impl::create_route(const Ctx& c, Key& k, Attrs& a, Object& o) {
  const IpPrefix dst = parse_prefix(c, "destination", k.need("destination"));
  // The current SAI keys a route by its routing group; older versions by the ENI.
  const auto gref = k.take("outbound_routing_group_id");
  const auto eref = k.take("eni_id");
  if (gref.has_value() == eref.has_value()) {
    c.fail("key", "needs outbound_routing_group_id (or, as older SAI, eni_id), not both");
  }
  const Object& owner = gref ? key_ref(c, k, "outbound_routing_group_id", Kind::kRoutingGroup)
                             : key_ref(c, k, "eni_id", Kind::kEni);
  k.finish();
  const std::string act = choice(
      c, a, "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_ACTION",
      {"SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_VNET",
       "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_VNET_DIRECT",
       "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_DIRECT", "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_DROP"},
      "SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_VNET",
      {"SAI_OUTBOUND_ROUTING_ENTRY_ACTION_ROUTE_SERVICE_TUNNEL"});
  OutboundRoute route;
  route.type = act.ends_with("ROUTE_VNET")          ? RouteType::kVnet
               : act.ends_with("ROUTE_VNET_DIRECT") ? RouteType::kVnetDirect
               : act.ends_with("ROUTE_DIRECT")      ? RouteType::kDirect
                                                    : RouteType::kDrop;
  const bool vnet_type = route.type == RouteType::kVnet || route.type == RouteType::kVnetDirect;
  constexpr const char* kDstVnet = "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_DST_VNET_ID";
  const Object* vnet = opt_ref(c, a, kDstVnet, Kind::kVnet);
  if (vnet != nullptr && !vnet_type) c.fail(kDstVnet, "valid only with ROUTE_VNET(_DIRECT)");
  route.vnet = vnet != nullptr ? vnet->id : 0;  // none: the ENI's own VNET
  constexpr const char* kOverlay = "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_OVERLAY_IP";
  if (const auto v = a.take(kOverlay)) {
    const model::IpAddr ip = parse_ip(c, kOverlay, *v);
    if (!is_zero_ip(ip)) {
      if (route.type != RouteType::kVnetDirect) {
        c.fail(kOverlay, "valid only with ROUTE_VNET_DIRECT");
      }
      route.overlay_ip = ip;
    }
  }
  if (route.type == RouteType::kVnetDirect && !route.overlay_ip) {
    c.fail(kOverlay, "required with ROUTE_VNET_DIRECT");
  }
  route.meter_class_or = u32(c, a, "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_OR", 0);
  route.meter_class_and = mask32(c, a, "SAI_OUTBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_AND");
  a.finish(Kind::kRoute, opt);
  const bool by_group = gref.has_value();
  const std::uint32_t id = owner.id;
  auto table = [by_group, id](Pipeline& q) -> LpmTable<OutboundRoute>& {
    return by_group ? q.routing_group(id).routes : q.eni(id).routes;
  };
  if (table(p).find(dst) != nullptr) {
    c.fail("destination", "a route for " + dst.to_string() + " exists already there");
  }
  claim_key(c, o, "route " + owner.name + " " + dst.to_string());
  table(p).insert(dst, route);
  o.refs.push_back(owner.name);
  if (vnet != nullptr) o.refs.push_back(vnet->name);
  o.undo = [table, dst](Pipeline& q) { table(q).erase(dst); };
}

void DashConfig::Impl::create_ca_pa(const Ctx& c, Key& k, Attrs& a, Object& o) {
  const Object& vnet = key_ref(c, k, "dst_vnet_id", Kind::kVnet);
  const model::IpAddr dip = parse_ip(c, "dip", k.need("dip"));
  k.finish();
  choice(c, a, "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_ACTION",
         {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ACTION_SET_TUNNEL_MAPPING"},
         "SAI_OUTBOUND_CA_TO_PA_ENTRY_ACTION_SET_TUNNEL_MAPPING",
         {"SAI_OUTBOUND_CA_TO_PA_ENTRY_ACTION_SET_PRIVATE_LINK_MAPPING"});
  CaPaMapping m;
  constexpr const char* kUnderlay = "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_UNDERLAY_DIP";
  const auto u = a.take(kUnderlay);
  if (!u) c.fail(kUnderlay, "required: the PA the customer address lives behind");
  m.underlay_ip = parse_ip(c, kUnderlay, *u);
  if (is_zero_ip(m.underlay_ip)) c.fail(kUnderlay, "must not be the zero address");
  constexpr const char* kDmac = "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_OVERLAY_DMAC";
  const auto mac = a.take(kDmac);
  if (!mac) c.fail(kDmac, "required: the MAC the destination VM has");
  m.overlay_mac = parse_mac(c, kDmac, *mac);
  m.use_dst_vnet_vni = flag(c, a, "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_USE_DST_VNET_VNI", false);
  m.meter_class_or = u32(c, a, "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_METER_CLASS_OR", 0);
  // The tunnel to the PA; INVALID (the attribute's default) is the VNET's usual VXLAN.
  if (choice(c, a, "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_DASH_ENCAPSULATION",
             {"SAI_DASH_ENCAPSULATION_INVALID", "SAI_DASH_ENCAPSULATION_VXLAN",
              "SAI_DASH_ENCAPSULATION_NVGRE"},
             "SAI_DASH_ENCAPSULATION_INVALID") == "SAI_DASH_ENCAPSULATION_NVGRE") {
    m.encap = model::TunnelType::kNvgre;
  }
  // TUNNEL_KEY: the VNI (NVGRE: VSID) to send with; 0 (the default): the VNET's.
  constexpr const char* kTunnelKey = "SAI_OUTBOUND_CA_TO_PA_ENTRY_ATTR_TUNNEL_KEY";
  if (const auto t = a.take(kTunnelKey); t && *t != "0") m.tunnel_key = parse_vni(c, kTunnelKey, *t);
  a.finish(Kind::kCaPa, opt);
  claim_key(c, o, "ca " + vnet.name + " " + dip.to_string());
  Vnet& v = p.vnet(vnet.id);
  if (v.mappings.count(dip) != 0) c.fail("dip", dip.to_string() + " has a mapping already");
  v.mappings.emplace(dip, m);
  o.refs.push_back(vnet.name);
  o.undo = [id = vnet.id, dip](Pipeline& q) { q.vnet(id).mappings.erase(dip); };
}

void DashConfig::Impl::create_inbound_route(const Ctx& c, Key& k, Attrs& a, Object& o) {
  const Object& eni = key_ref(c, k, "eni_id", Kind::kEni);
  InboundRoute r;
  r.vni = parse_vni(c, "vni", k.need("vni"));
  const model::IpAddr sip = parse_ip(c, "sip", k.need("sip"));
  r.sip = masked_prefix(c, "sip", sip, "sip_mask", parse_ip(c, "sip_mask", k.need("sip_mask")));
  r.priority = parse_u32(c, "priority", k.need("priority"));
  k.finish();
  // The VXLAN_ forms are the deprecated names of the TUNNEL_ ones.
  const std::string act = choice(
      c, a, "SAI_INBOUND_ROUTING_ENTRY_ATTR_ACTION",
      {"SAI_INBOUND_ROUTING_ENTRY_ACTION_TUNNEL_DECAP",
       "SAI_INBOUND_ROUTING_ENTRY_ACTION_TUNNEL_DECAP_PA_VALIDATE",
       "SAI_INBOUND_ROUTING_ENTRY_ACTION_VXLAN_DECAP",
       "SAI_INBOUND_ROUTING_ENTRY_ACTION_VXLAN_DECAP_PA_VALIDATE"},
      "SAI_INBOUND_ROUTING_ENTRY_ACTION_TUNNEL_DECAP");
  r.pa_validate = act.ends_with("PA_VALIDATE");
  constexpr const char* kSrcVnet = "SAI_INBOUND_ROUTING_ENTRY_ATTR_SRC_VNET_ID";
  const Object* src = opt_ref(c, a, kSrcVnet, Kind::kVnet);
  if (r.pa_validate && src == nullptr) c.fail(kSrcVnet, "required with ..._PA_VALIDATE");
  if (!r.pa_validate && src != nullptr) c.fail(kSrcVnet, "valid only with ..._PA_VALIDATE");
  r.src_vnet = src != nullptr ? src->id : 0;
  r.meter_class_or = u32(c, a, "SAI_INBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_OR", 0);
  r.meter_class_and = mask32(c, a, "SAI_INBOUND_ROUTING_ENTRY_ATTR_METER_CLASS_AND");
  a.finish(Kind::kInboundRoute, opt);
  claim_key(c, o, "inbound " + eni.name + " " + std::to_string(r.vni) + " " + r.sip.to_string() +
                      " " + std::to_string(r.priority));
  auto same = [r](const InboundRoute& x) {
    return x.vni == r.vni && x.sip == r.sip && x.priority == r.priority;
  };
  auto& routes = p.eni(eni.id).inbound_routes;
  if (std::any_of(routes.begin(), routes.end(), same)) {
    c.fail("key", "the ENI has an inbound routing entry with this key already");
  }
  routes.push_back(r);
  o.refs.push_back(eni.name);
  if (src != nullptr) o.refs.push_back(src->name);
  o.undo = [id = eni.id, same](Pipeline& q) {
    auto& v = q.eni(id).inbound_routes;
    v.erase(std::find_if(v.begin(), v.end(), same));
  };
}

void DashConfig::Impl::create_meter_rule(const Ctx& c, Attrs& a, Object& o) {
  constexpr const char* kPolicy = "SAI_METER_RULE_ATTR_METER_POLICY_ID";
  const Object& policy = need_ref(c, kPolicy, a.take(kPolicy), Kind::kMeterPolicy);
  const auto dip = a.take("SAI_METER_RULE_ATTR_DIP");
  const auto mask = a.take("SAI_METER_RULE_ATTR_DIP_MASK");
  if (!dip) c.fail("SAI_METER_RULE_ATTR_DIP", "required");
  if (!mask) c.fail("SAI_METER_RULE_ATTR_DIP_MASK", "required");
  MeterRule r;
  r.name = c.name;
  const model::IpAddr addr = parse_ip(c, "SAI_METER_RULE_ATTR_DIP", *dip);
  if (addr.is_v6() != p.find_meter_policy(policy.id)->ipv6) {
    c.fail("SAI_METER_RULE_ATTR_DIP", "not of the meter policy's family");
  }
  r.prefix = masked_prefix(c, "SAI_METER_RULE_ATTR_DIP", addr, "SAI_METER_RULE_ATTR_DIP_MASK",
                           parse_ip(c, "SAI_METER_RULE_ATTR_DIP_MASK", *mask));
  r.priority = required_u32(c, a, "SAI_METER_RULE_ATTR_PRIORITY");
  r.meter_class = u32(c, a, "SAI_METER_RULE_ATTR_METER_CLASS", 0);
  a.finish(Kind::kMeterRule, opt);
  p.meter_policy(policy.id).rules.push_back(r);
  o.refs.push_back(policy.name);
  o.undo = [id = policy.id, name = c.name](Pipeline& q) {
    auto& v = q.meter_policy(id).rules;
    std::erase_if(v, [&](const MeterRule& x) { return x.name == name; });
  };
}

DashConfig::DashConfig(Pipeline& pipeline, DashOptions options)
    : impl_(std::make_unique<Impl>(pipeline, std::move(options))) {}

DashConfig::~DashConfig() = default;

void DashConfig::apply(std::string_view json_text, std::string_view source) {
  const std::string src(source);
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw DashError(src, kNoRecord, "", "", std::string("not JSON: ") + e.what());
  }
  impl_->apply(doc, src);
}

void DashConfig::apply_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DashError(path.string(), kNoRecord, "", "", "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  apply(text.str(), path.string());
}

std::optional<std::uint32_t> DashConfig::eni(std::string_view name) const {
  return impl_->id_of(name, Kind::kEni);
}
std::optional<std::uint32_t> DashConfig::vnet(std::string_view name) const {
  return impl_->id_of(name, Kind::kVnet);
}
std::optional<std::uint32_t> DashConfig::routing_group(std::string_view name) const {
  return impl_->id_of(name, Kind::kRoutingGroup);
}
std::optional<std::uint32_t> DashConfig::meter_policy(std::string_view name) const {
  return impl_->id_of(name, Kind::kMeterPolicy);
}
std::shared_ptr<const AclGroup> DashConfig::acl_group(std::string_view name) const {
  const auto* o = impl_->find(name, Kind::kAclGroup);
  return o ? o->acl : nullptr;
}
std::optional<MeterCounters> DashConfig::meter_bucket(std::string_view name) const {
  const auto* o = impl_->find(name, Kind::kMeterBucket);
  return o ? std::optional(impl_->p.meter_bucket(o->id, o->meter_class)) : std::nullopt;
}
std::size_t DashConfig::size() const { return impl_->objects.size(); }

}  // namespace nicsim::host::vswitch
