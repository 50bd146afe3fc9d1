// SPDX-License-Identifier: MIT
// The bridge's configuration file (docs/bridge.md): its ports with their VLANs, the MAC table's
// capacity and aging, strict (an unknown key, a wrong type, a VLAN out of range or on a port
// twice is an error naming the file, the line and the key).
//
//   bridge:  {capacity: 1024, aging_s: 300, offload: true, select_vid_base: 4000}
//   ports:
//     - {vport: 0, trunk: [10, 20]}   # the uplink: tagged frames of VLANs 10 and 20
//     - {vport: 1, access: 10}        # VNIC 1: untagged, VLAN 10
//
//   bridge::BridgeConfig c = bridge::load_bridge_config("traces/scenarios/bridge/bridge.yaml");
#pragma once

#include <string>

#include "nicsim/host/bridge/bridge.hpp"

namespace nicsim::host::bridge {

/// Reads a configuration file; BridgeError "file:line: key: what is wrong".
[[nodiscard]] BridgeConfig load_bridge_config(const std::string& path);
/// The same from text; `name` is what messages call the file.
[[nodiscard]] BridgeConfig parse_bridge_config(const std::string& text, const std::string& name);

}  // namespace nicsim::host::bridge
