// SPDX-License-Identifier: MIT
// The scenario host program on the model backend: bring-up of the bundled scenarios and
// install_on_miss (every flow's first frame goes through the host, the rest through the NIC,
// none is lost).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/scenario_host.hpp"

namespace nicsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kScenarios = NICSIM_SCENARIO_DIR;
const std::string kTraces = NICSIM_TRACE_DIR;


TEST(ScenarioHost, InstallOnMissLosesNoFrame) {
  const Scenario s = load_scenario(kScenarios + "/miss-install.yaml");
  host::ModelDevice dev;
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  h.bring_up();
  std::size_t to_vnic = 0, misses = 0;
  h.on_receive([&](int q, const host::RxPacket& p) {
    if (q >= 0) ++to_vnic;
    if (q < 0 && p.reason == host::ExceptionReason::kMiss) ++misses;
  });
  const auto frames = model::read_capture(s.traffic.sources.at(0).pcap);
  std::set<model::FlowKey> flows;
  for (const model::Frame& f : frames) {
    dev.wire_rx(f.data);
    while (h.service() != 0) {
    }
    flows.insert(model::flow_key_of(f.data, 0));
  }
  EXPECT_EQ(to_vnic, frames.size()) << "every frame reached VNIC 1";
  EXPECT_EQ(misses, flows.size()) << "one miss per flow";
  EXPECT_EQ(h.stats().installed, flows.size());
  EXPECT_EQ(h.stats().reinjected, flows.size());
  EXPECT_EQ(h.stats().install_failed, 0u);
  EXPECT_TRUE(drv.stats().ledger_balanced());
}

TEST(ScenarioHost, BundledScenariosBringUpOnTheModel) {
  for (const auto& e : fs::directory_iterator(kScenarios)) {
    if (e.path().extension() != ".yaml") continue;
    SCOPED_TRACE(e.path().string());
    const Scenario s = load_scenario(e.path().string());
    host::ModelDevice dev;
    host::Driver drv(dev);
    ScenarioHost h(drv, s);
    ASSERT_NO_THROW(h.bring_up());
    // The virtual switch's or the bridge's own delivery rules, if one runs.
    const auto vs = h.vswitch_stats();
    const auto bs = h.bridge_stats();
    EXPECT_EQ(h.flows().size(), s.flows.size() + (vs.empty() ? 0 : vs.at("host_rules")) +
                                    (bs.empty() ? 0 : bs.at("host_rules")));
    std::size_t got = 0;
    h.on_receive([&](int, const host::RxPacket&) { ++got; });
    std::size_t sent = 0;
    for (const auto& src : s.traffic.sources) {
      if (src.tokens) continue;  // a VNIC's token frames (made by the co-simulation), no capture
      for (const model::Frame& f : model::read_capture(src.pcap)) {
        dev.wire_rx(f.data);
        ++sent;
        while (h.service() != 0) {
        }
      }
    }
    const host::Stats st = drv.stats();
    EXPECT_TRUE(st.ledger_balanced());
    EXPECT_EQ(st.rx_wire_frames, sent);
    if (sent != 0) {  // tap-namespaces: its traffic comes from TAPs
      EXPECT_GT(got, 0u);
    }
  }
}

// traces/scenarios/zerocopy.yaml on the model: every frame is read by its VM from its own
// memory, where the NIC wrote it; the host copied none.
TEST(ScenarioHost, ZeroCopyScenarioDeliversIntoGuestMemory) {
  const Scenario s = load_scenario(kScenarios + "/zerocopy.yaml");
  host::ModelDevice dev;
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  h.bring_up();
  std::map<int, std::vector<std::vector<std::uint8_t>>> got;  // by receive queue
  h.on_receive([&](int q, const host::RxPacket& p) { got[q].push_back(p.bytes); });
  std::vector<std::vector<std::uint8_t>> to1, to2;
  for (const model::Frame& f : model::read_capture(s.traffic.sources.at(0).pcap)) {
    (f.data[5] == 0x11 ? to1 : to2).push_back(f.data);
    dev.wire_rx(f.data);
    while (h.service() != 0) {
    }
  }
  ASSERT_EQ(to1.size(), 200u);
  ASSERT_EQ(to2.size(), 100u);
  EXPECT_GT(got[0].size(), 0u) << "VM 1's frames are spread over its two rings";
  EXPECT_GT(got[1].size(), 0u);
  std::vector<std::vector<std::uint8_t>> vm1 = got[0];
  vm1.insert(vm1.end(), got[1].begin(), got[1].end());
  std::sort(vm1.begin(), vm1.end());
  std::sort(to1.begin(), to1.end());
  EXPECT_EQ(vm1, to1);
  EXPECT_EQ(got[2], to2) << "VM 2's frames, in order";
  const auto z = h.zero_copy_stats();
  EXPECT_EQ(z.at("vnic1.frames_zero_copy"), 200u);
  EXPECT_EQ(z.at("vnic2.frames_zero_copy"), 100u);
  EXPECT_EQ(z.at("vnic1.host_copy_bytes") + z.at("vnic2.host_copy_bytes"), 0u);
  EXPECT_EQ(z.at("vnic1.refused") + z.at("vnic2.refused"), 0u);
  EXPECT_GT(z.at("vnic2.notifications"), 0u);
  EXPECT_EQ(z.at("vnic2.posted"), 127u + 100u) << "the ring's buffers, then each again";
  const host::Stats st = drv.stats();
  EXPECT_EQ(st.out_vnic, 300u);
  EXPECT_EQ(st.drop_rx_no_desc, 0u);
  EXPECT_TRUE(st.ledger_balanced());
}

TEST(ScenarioHost, LinkEventsAreTakenByInterruptAndReported) {
  const Scenario s = load_scenario(kScenarios + "/link.yaml");
  model::DeviceConfig cfg;
  cfg.link = s.nic.link;
  host::ModelDevice dev(cfg);
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  h.bring_up();
  EXPECT_EQ(drv.rd(regs::nic::LINK_IRQ_ADDR), 0x8000'0000u | s.nic.link_vector);
  EXPECT_EQ(h.link_stats().at("reports"), 0u);
  EXPECT_EQ(h.link_stats().at("speed_mbps"), 100'000u) << "the link at bring-up";
  for (const ScenarioLinkEvent& ev : s.link_events) {
    dev.nic().set_link(ev.link);
    (void)h.service();
  }
  EXPECT_EQ(h.link_stats().at("reports"), 3u);
  EXPECT_EQ(h.link_stats().at("changes"), 3u);
  EXPECT_EQ(h.link_stats().at("up"), 1u);
  EXPECT_EQ(h.link_stats().at("speed_mbps"), 100'000u);
  // Two changes before the host looks: one report, both counted.
  dev.nic().set_link({.up = false});
  dev.nic().set_link({.up = true, .speed = fmt::LinkSpeed::kG10});
  (void)h.service();
  EXPECT_EQ(h.link_stats().at("reports"), 4u);
  EXPECT_EQ(h.link_stats().at("changes"), 5u);
  EXPECT_EQ(h.link_stats().at("speed_mbps"), 10'000u);
  (void)h.service();
  EXPECT_EQ(h.link_stats().at("reports"), 4u) << "no interrupt, nothing read";
  // A scenario without link events leaves the link alone.
  const Scenario quiet = load_scenario(kScenarios + "/vnics-rss.yaml");
  host::ModelDevice dev2;
  host::Driver drv2(dev2);
  ScenarioHost h2(drv2, quiet);
  h2.bring_up();
  EXPECT_TRUE(h2.link_stats().empty());
  EXPECT_EQ(drv2.rd(regs::nic::LINK_IRQ_ADDR), 0u);
}

TEST(ScenarioHost, AFlowTheNicRefusesNamesTheRule) {
  Scenario s = default_scenario();
  s.path = "x.yaml";
  ScenarioFlow f;
  f.name = "bad";
  f.line = 12;
  f.rule.pattern = {host::ItemEth{}, host::ItemIpv4{{host::Ipv4Hdr{.ttl = 3},
                                                     host::Ipv4Hdr{.ttl = 0xFF}}}};
  f.rule.actions = {host::ActionDrop{}};
  s.flows.push_back(f);
  host::ModelDevice dev;
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  try {
    h.bring_up();
    FAIL() << "accepted a TTL match";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml:12: flow 'bad': flow error (item)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace nicsim::sim
