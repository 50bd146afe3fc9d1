// SPDX-License-Identifier: MIT
// DASH's policy front-end (docs/vswitch-dash.md): the SAI DASH object model, in the JSON form
// SAI-Challenger reads in DASH's own tests, applied to a Pipeline.
//
//   [ {"name": "vnet1", "op": "create", "type": "SAI_OBJECT_TYPE_VNET",
//      "attributes": ["SAI_VNET_ATTR_VNI", "100"]},
//     {"name": "eni1", "op": "create", "type": "SAI_OBJECT_TYPE_ENI",
//      "attributes": ["SAI_ENI_ATTR_VNET_ID", "$vnet1", "SAI_ENI_ATTR_ADMIN_STATE", "true"]},
//     {"name": "map1", "op": "create", "type": "SAI_OBJECT_TYPE_ENI_ETHER_ADDRESS_MAP_ENTRY",
//      "key": {"switch_id": "$SWITCH_ID", "address": "02:00:00:00:00:0a"},
//      "attributes": ["SAI_ENI_ETHER_ADDRESS_MAP_ENTRY_ATTR_ENI_ID", "$eni1"]},
//     {"name": "map1", "op": "remove"} ]
//
// Records are applied in order, each one whole or not at all (one record is one SAI call). The
// first record refused throws DashError naming the record (index and name), the attribute and
// why: an unknown object type or attribute, a known one this switch does not implement (unless
// its value is SAI's default, which changes nothing), a value that does not parse or is out of
// range, a `$name` that does not exist or is of the wrong type, a duplicate name or key,
// removing what something still refers to. The records before it stay applied.
//
// After apply(), the owner of a FlowCache calls policy_changed() (routes, mappings and ENIs are
// not versioned by themselves).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nicsim/host/vswitch/pipeline.hpp"

namespace nicsim::host::vswitch {

/// A refused record: where (source, record index, record name), which attribute or key field
/// ("" for the record itself) and why.
class DashError : public std::runtime_error {
 public:
  DashError(std::string source, std::size_t index, std::string name, std::string attribute,
            std::string why);
  [[nodiscard]] std::size_t index() const { return index_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& attribute() const { return attribute_; }
  [[nodiscard]] const std::string& why() const { return why_; }

 private:
  std::size_t index_;
  std::string name_, attribute_, why_;
};

struct DashOptions {
  /// ENIs bound to a local VNIC (the hypervisor's placement), by record name: their vport. The
  /// other ENIs are remote VMs reached over VXLAN (DASH's appliance placement).
  std::map<std::string, unsigned, std::less<>> vports;
  /// Known attributes the caller accepts to have no effect with any value (e.g.
  /// "SAI_ENI_ATTR_CPS" to load DASH's own test files), named here rather than dropped silently.
  std::set<std::string, std::less<>> ignore;
};

class DashConfig {
 public:
  explicit DashConfig(Pipeline& pipeline, DashOptions options = {});
  ~DashConfig();
  DashConfig(const DashConfig&) = delete;
  DashConfig& operator=(const DashConfig&) = delete;

  /// Applies a JSON list of records; `source` names the text in errors (a file name).
  void apply(std::string_view json_text, std::string_view source = "dash");
  /// Reads and applies a file (DashError for a file that cannot be read too).
  void apply_file(const std::filesystem::path& path);

  /// What a record became in the pipeline, by record name (nullopt: no such record of that
  /// type).
  [[nodiscard]] std::optional<std::uint32_t> eni(std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> vnet(std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> routing_group(std::string_view name) const;
  [[nodiscard]] std::optional<std::uint32_t> meter_policy(std::string_view name) const;
  [[nodiscard]] std::shared_ptr<const AclGroup> acl_group(std::string_view name) const;
  /// The counters of a METER_BUCKET_ENTRY record (its ENI's bucket for its class).
  [[nodiscard]] std::optional<MeterCounters> meter_bucket(std::string_view name) const;
  /// Records alive (created and not removed).
  [[nodiscard]] std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nicsim::host::vswitch
