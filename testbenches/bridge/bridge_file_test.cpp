// SPDX-License-Identifier: MIT
// The bridge's configuration file (bridge_file.hpp): what it reads, and errors that name the
// file, the line and the key. The example scenario's file is read too (so it cannot rot).
#include <gtest/gtest.h>

#include <string>

#include "nicsim/host/bridge/bridge_file.hpp"

namespace nicsim::host::bridge {
namespace {

TEST(BridgeFile, ReadsPortsVlansAndAging) {
  const BridgeConfig c = parse_bridge_config(R"(
bridge:
  capacity: 64
  aging_s: 2.5
  offload: false
  select_vid_base: 3000
  priority: 100
  host_txq: 4
ports:
  - {vport: 0, trunk: [10, 20]}
  - vport: 1
    access: 10
)",
                                             "b.yaml");
  EXPECT_EQ(c.capacity, 64u);
  EXPECT_EQ(c.age_ns, 2'500'000'000ull);
  EXPECT_FALSE(c.offload);
  EXPECT_EQ(c.select_vid_base, 3000);
  EXPECT_EQ(c.priority, 100);
  EXPECT_EQ(c.host_txq, 4u);
  ASSERT_EQ(c.ports.size(), 2u);
  EXPECT_EQ(c.ports[0].vport, 0u);
  EXPECT_FALSE(c.ports[0].access);
  EXPECT_EQ(c.ports[0].trunk, (std::vector<std::uint16_t>{10, 20}));
  EXPECT_EQ(c.ports[1].access, 10);
  EXPECT_TRUE(c.ports[1].trunk.empty());

  const BridgeConfig d = parse_bridge_config("ports: [{vport: 2, access: 7}]\n", "d.yaml");
  EXPECT_EQ(d.capacity, BridgeConfig{}.capacity);  // defaults
  EXPECT_EQ(d.age_ns, BridgeConfig{}.age_ns);
}

TEST(BridgeFile, ErrorsNameFileLineAndKey) {
  const auto error = [](const std::string& text) -> std::string {
    try {
      (void)parse_bridge_config(text, "b.yaml");
    } catch (const BridgeError& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(error("ports:\n  - {vport: 1, access: 4095}\n"),
            "b.yaml:2: ports[0].access: 4095 is outside 1..4094");
  EXPECT_EQ(error("ports:\n  - {vport: 1, access: 10}\n  - {vport: 1, access: 20}\n"),
            "b.yaml:3: ports[1].vport: vport 1 is listed twice");
  EXPECT_EQ(error("ports:\n  - {vport: 0, trunk: [10, 10]}\n"),
            "b.yaml:2: ports[0].trunk[1]: VLAN 10 is listed twice");
  EXPECT_EQ(error("ports:\n  - {vport: 0, access: 1, trunk: [2]}\n"),
            "b.yaml:2: ports[0]: a port is either 'access: VLAN' or 'trunk: [VLAN, ...]'");
  EXPECT_EQ(error("ports:\n  - {vport: 0, trunk: []}\n"),
            "b.yaml:2: ports[0].trunk: expected a list of VLANs, found a list");
  EXPECT_EQ(error("bridge:\n  capacity: 10\n  agin_s: 3\nports: [{vport: 0, access: 1}]\n"),
            "b.yaml:3: bridge: unknown key 'agin_s'");
  EXPECT_EQ(error("ports:\n  - {access: 1}\n"),
            "b.yaml:2: ports[0]: missing 'vport' (0 the uplink, 1.. a VNIC)");
  EXPECT_EQ(error("bridge: {capacity: 10}\n"), "b.yaml:1: ports: a bridge needs ports");
  EXPECT_NE(error("ports: [{vport: 0, access: 1}\n").find("b.yaml:"), std::string::npos);
  EXPECT_NE(error("ports: [{vport: 0, access: 1}\n").find("not valid YAML"), std::string::npos);
}

TEST(BridgeFile, MissingFileIsAnError) {
  EXPECT_THROW((void)load_bridge_config("/nonexistent/bridge.yaml"), BridgeError);
}

}  // namespace
}  // namespace nicsim::host::bridge
