// SPDX-License-Identifier: MIT
// The scoreboard catches a bug in the RTL: the actions scenario through a build of nic_top
// whose action engine decrements the TTL by 2 (a planted copy of rtl/action_hdr_calc.sv,
// testbenches/sim/CMakeLists.txt). The same scenario on the real RTL has no mismatch
// (Cosim.ActionsW64).
#include <verilated.h>  // before SystemC: the Verilated model is plain C++

#include "Vnic_cosim_planted.h"
#include "nicsim/sim/nic_rtl_model.hpp"

#include <gtest/gtest.h>

#include "nicsim/sim/cosim.hpp"
#include "nicsim/sim/scenario.hpp"

namespace nicsim::sim {
namespace {

TEST(PlantedBug, TheScoreboardCatchesAWrongTtlDecrement) {
  Scenario s = load_scenario(NICSIM_SCENARIO_DIR "/actions.yaml");
  s.nic.data_width = 64;
  CosimOptions opt;
  opt.rtl_model = nic_rtl_model<Vnic_cosim_planted>();
  const CosimResult r = run_scenario(s, opt);
  std::cout << r.summary() << "\n";
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.passed());
  EXPECT_GT(r.mismatches, 0u);
  ASSERT_FALSE(r.first_mismatches.empty());
  // The NAT rule decrements the TTL, then VXLAN-encapsulates to the wire: the first difference
  // is the inner IPv4 TTL, byte 50 (outer headers) + 22, one less on the RTL than in the model.
  const Mismatch& m = r.first_mismatches.front();
  EXPECT_EQ(m.where, "wire") << m.to_string();
  EXPECT_EQ(m.what.rfind("byte 72", 0), 0u) << m.to_string();
  EXPECT_EQ(std::stoul(m.rtl, nullptr, 16) + 1, std::stoul(m.model, nullptr, 16))
      << m.to_string();
  EXPECT_NE(m.frame, ~std::uint64_t{0}) << "names the input frame";
  EXPECT_GT(m.cycle, 0u);
  // The expectation `mismatches: 0` of the scenario fails too.
  EXPECT_FALSE(r.expectation_failures.empty());
}

}  // namespace
}  // namespace nicsim::sim
