// SPDX-License-Identifier: MIT
// The switch's native policy file (YAML; docs/vswitch-policy.md): the underlay, ACL groups and
// their rules, VNETs with their CA-to-PA mappings and valid PAs, ENIs (the VMs' ports: MAC,
// VNIC, VNET, admin state, ACL stages per direction, outbound routes, inbound routing entries),
// and the switch's own settings. A co-simulation scenario names it (host.program: vswitch,
// host.policy: FILE).
//
//   vswitch::Policy p = vswitch::load_policy("traces/scenarios/vswitch/policy.yaml");
//   vswitch::Switch sw(drv, ft, *p.pipeline, p.config);
//
// Every mistake is a PolicyError naming the file, the line and the key path (an unknown key, a
// prefix with host bits, a group of the other family, an ENI naming a VNET or group that does
// not exist, a duplicate id, name or MAC, ...).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "nicsim/host/vswitch/acl.hpp"
#include "nicsim/host/vswitch/pipeline.hpp"
#include "nicsim/host/vswitch/switch.hpp"

namespace nicsim::host::vswitch {

class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Policy {
  std::unique_ptr<Pipeline> pipeline;  // ENIs, VNETs, routes, mappings
  SwitchConfig config;                 // underlay MACs, offload, capacity (queues: the caller's)
  std::map<std::string, std::shared_ptr<AclGroup>> acl_groups;  // by name
};

/// Reads a policy file. Throws PolicyError.
[[nodiscard]] Policy load_policy(const std::string& path);
/// The same from text; `name` stands for the file in messages.
[[nodiscard]] Policy parse_policy(const std::string& text, const std::string& name);

}  // namespace nicsim::host::vswitch
