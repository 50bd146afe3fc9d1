// SPDX-License-Identifier: MIT
// The co-simulation: the unchanged driver and host program on the Verilated NIC inside the
// SystemC system, the golden model beside it as scoreboard, on the bundled scenarios and
// captures. One SystemC elaboration per process: every test case runs in its own process
// (gtest_discover_tests).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "nicsim/sim/cosim.hpp"

namespace nicsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kScenarios = NICSIM_SCENARIO_DIR;
const std::string kTraces = NICSIM_TRACE_DIR;

Scenario with_width(Scenario s, unsigned w) {
  s.nic.data_width = w;
  return s;
}

CosimResult run(const Scenario& s) {
  CosimOptions o;
  const CosimResult r = run_scenario(s, o);
  std::printf("%s\n", r.summary().c_str());
  return r;
}

void expect_clean(const CosimResult& r) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.scoreboard);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_GT(r.compared, 0u);
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  EXPECT_TRUE(r.expectation_failures.empty());
}

TEST(Cosim, DefaultScenarioHairpinsEveryFrameW64) {
  Scenario s = default_scenario();
  s.nic.data_width = 64;
  s.traffic.sources.push_back({kTraces + "/zeek__wikipedia.pcap", 0, 0, 1});
  const CosimResult r = run(s);
  expect_clean(r);
  EXPECT_EQ(r.wire_frames_sent, 136u);
  EXPECT_EQ(r.stats.rx_wire_frames, 136u);
  EXPECT_EQ(r.wire_frames_out + r.stats.out_exception, 136u);
  EXPECT_EQ(r.stats.tcam_hits, r.wire_frames_out);
  EXPECT_GT(r.mmio_reads, 10u) << "the driver probed the NIC over the link";
}

TEST(Cosim, VnicsWithRssW512) {
  const CosimResult r = run(load_scenario(kScenarios + "/vnics-rss.yaml"));
  expect_clean(r);
  EXPECT_GT(r.stats.out_vnic, 0u);
  EXPECT_GT(r.received.size(), 2u) << "RSS spread the frames over several queues";
}

TEST(Cosim, InstallOnMissW64) {
  const CosimResult r = run(with_width(load_scenario(kScenarios + "/miss-install.yaml"), 64));
  expect_clean(r);
  EXPECT_GT(r.flows_installed, 0u);
  EXPECT_EQ(r.install_failed, 0u);
  // Every miss is re-injected (frames of a flow that miss before its entry lands find it
  // installed: EXISTS), and every frame reaches VNIC 1 once.
  EXPECT_EQ(r.reinjected, r.exceptions_by_reason.at("miss"));
  EXPECT_EQ(r.stats.out_vnic, r.wire_frames_sent);
  EXPECT_EQ(r.stats.tx_frames, r.reinjected);
  EXPECT_EQ(r.stats.rx_wire_frames, r.wire_frames_sent) << "re-injected frames are not wire frames";
  EXPECT_GT(r.stats.em_hits, 0u);
}

TEST(Cosim, ActionsW64) {
  const CosimResult r = run(with_width(load_scenario(kScenarios + "/actions.yaml"), 64));
  expect_clean(r);
}

TEST(Cosim, ABadCaptureIsAnErrorNotACrash) {
  Scenario s = default_scenario();
  s.nic.data_width = 64;
  const fs::path bad = fs::temp_directory_path() / "nicsim_cosim_bad.pcap";
  {
    std::FILE* f = std::fopen(bad.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("not a capture", f);
    std::fclose(f);
  }
  s.traffic.sources.push_back({bad.string(), 0, 0, 1});
  const CosimResult r = run_scenario(s, CosimOptions{});
  EXPECT_NE(r.error.find(bad.string()), std::string::npos) << r.error;
  fs::remove(bad);
}

TEST(Cosim, ModelEngineRunsTheSameScenario) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const Scenario s = load_scenario(kScenarios + "/miss-install.yaml");
  const CosimResult r = run_scenario(s, o);
  std::printf("%s\n", r.summary().c_str());
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced);
  EXPECT_GT(r.flows_installed, 0u);
  EXPECT_EQ(r.install_failed, 0u);
}

}  // namespace
}  // namespace nicsim::sim
