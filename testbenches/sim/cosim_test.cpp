// SPDX-License-Identifier: MIT
// The co-simulation: the unchanged driver and host program on the Verilated NIC inside the
// SystemC system, the golden model beside it as scoreboard, on the bundled scenarios and
// captures. One SystemC elaboration per process: every test case runs in its own process
// (gtest_discover_tests).
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nicsim/model/parse.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/cosim.hpp"
#include "nicsim/sim/nic_system.hpp"
#include "nicsim/sim/pcap_port.hpp"

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
  s.traffic.sources.push_back({kTraces + "/zeek__wikipedia.pcap", 0, 0, 1, {}});
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
  // run.audit_flows: every flow read back from the Verilated NIC's tables as written.
  EXPECT_GE(r.flows_audited, 3u);
  EXPECT_EQ(r.audit_failures, std::vector<std::string>{});
}

// pcie.read_tags: the PCIe endpoint's read tags bound nic_top's DMA reads in flight.
// coverage-actions.yaml has one while VNIC 1 transmits: every read waits for the previous one
// (ARREADY low while it is out), and the scoreboard finds the same outputs as with 64 tags,
// where the reads overlap and never wait.
TEST(Cosim, OneReadTagHoldsBackTheDmaReadsW64) {
  const CosimResult r = run(with_width(load_scenario(kScenarios + "/coverage-actions.yaml"), 64));
  expect_clean(r);
  EXPECT_GT(r.dma_reads.bursts, 100u);
  EXPECT_EQ(r.dma_reads.peak_in_flight, 1u);
  EXPECT_GT(r.dma_reads.ar_wait_cycles, 0u);
}

TEST(Cosim, ManyReadTagsLetTheDmaReadsOverlapW64) {
  Scenario s = with_width(load_scenario(kScenarios + "/coverage-actions.yaml"), 64);
  s.pcie.read_tags = 64;
  const CosimResult r = run(s);
  expect_clean(r);
  EXPECT_GT(r.dma_reads.peak_in_flight, 1u);
  EXPECT_EQ(r.dma_reads.ar_wait_cycles, 0u);
}

// run.register_walk: at the end the driver reads every register word of the map, every
// element of the NIC's VNICs and queues, and the plain rw words equal the model's.
TEST(Cosim, RegisterWalkReadsTheWholeMapW64) {
  Scenario s = with_width(load_scenario(kScenarios + "/actions.yaml"), 64);
  s.run.register_walk = true;
  const CosimResult r = run(s);
  expect_clean(r);
  EXPECT_GT(r.registers_walked, regs::kRegisters.size()) << "the array blocks' elements";
  EXPECT_GT(r.registers_compared, 100u);
  EXPECT_LT(r.registers_compared, r.registers_walked) << "counters and status are read only";
  Scenario off = with_width(load_scenario(kScenarios + "/actions.yaml"), 64);
  EXPECT_FALSE(off.run.register_walk) << "off unless the scenario asks";
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
  s.traffic.sources.push_back({bad.string(), 0, 0, 1, {}});
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
  EXPECT_EQ(r.flows_audited, 16u) << "run.audit_flows: 16, on the model too";
  EXPECT_EQ(r.audit_failures, std::vector<std::string>{});
}

// ---- the virtual switch as the host program (traces/scenarios/vswitch.yaml) ----------------
// What the policy (vswitch/policy.yaml) says of each frame VM 1 sends, worked out here from its
// text, not by the switch: UDP to port 123 and TCP to port 23 are denied by the second ACL
// stage, TCP 22 to 10.1.0.7 by the first; everything else goes to the peer's host in VXLAN
// 1000 (CAs 10.1.0.0-3 on 100.64.0.2, 10.1.0.4-7 on 100.64.0.3) with the peer's MAC inside.
struct VswitchExpect {
  std::size_t frames = 0, allowed = 0;
};

VswitchExpect expected_vswitch() {
  VswitchExpect e;
  model::PcapReader rd(kScenarios + "/vswitch/vm1-tenant.pcap");
  while (auto f = rd.next()) {
    ++e.frames;
    const model::ParseResult pr = model::parse(f->data);
    const model::Level& l = pr.outer();
    const unsigned dport = l.l4.dport, proto = l.ip.proto;
    const bool ssh_db = proto == 6 && dport == 22 && l.ip.dst.to_string() == "10.1.0.7";
    const bool denied = (proto == 17 && dport == 123) || (proto == 6 && dport == 23) || ssh_db;
    e.allowed += denied ? 0 : 1;
  }
  return e;
}

void expect_vswitch_wire(const fs::path& dir, std::size_t allowed) {
  model::PcapReader rd((dir / "wire.pcap").string());
  std::size_t n = 0;
  while (auto f = rd.next()) {
    ++n;
    const model::ParseResult pr = model::parse(f->data);
    ASSERT_EQ(pr.depth, 2u) << "frame " << n << " is VXLAN";
    const model::Level& o = pr.outer();
    const model::Level& in = pr.levels[1];
    ASSERT_TRUE(o.has_tunnel);
    EXPECT_EQ(o.tunnel.vni, 1000u);
    EXPECT_EQ(o.ip.src.to_string(), "100.64.0.1");
    const std::uint32_t ca = in.ip.dst.v4().value() & 0xFF;
    EXPECT_EQ(o.ip.dst.to_string(), ca < 4 ? "100.64.0.2" : "100.64.0.3") << "frame " << n;
    EXPECT_EQ(in.eth.dst.to_u64(), 0x020000010000ull + ca);
    EXPECT_EQ(o.eth.src.to_u64(), 0x0a0000000001ull);
    EXPECT_EQ(o.eth.dst.to_u64(), 0x0a00000000feull);
  }
  EXPECT_EQ(n, allowed);
}

TEST(Cosim, VswitchOffloadsTheVmsConnectionsW64) {
  const VswitchExpect e = expected_vswitch();
  const fs::path dir = fs::temp_directory_path() / "nicsim_cosim_vswitch_rtl";
  fs::remove_all(dir);
  CosimOptions o;
  o.out_dir = dir.string();
  const CosimResult r = run_scenario(with_width(load_scenario(kScenarios + "/vswitch.yaml"), 64), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  EXPECT_EQ(r.wire_frames_out, e.allowed);
  expect_vswitch_wire(dir, e.allowed);
  EXPECT_EQ(r.vswitch.at("installed"), 64u) << "one flow per connection of the capture";
  EXPECT_EQ(r.vswitch.at("encap_templates"), 2u) << "one per peer host";
  EXPECT_EQ(r.vswitch.at("sw_forwarded"), 0u);
  EXPECT_EQ(r.stats.drop_flow + r.vswitch.at("policy_drops"), e.frames - e.allowed);
  fs::remove_all(dir);
}

TEST(Cosim, VswitchModelEngine) {
  const VswitchExpect e = expected_vswitch();
  const fs::path dir = fs::temp_directory_path() / "nicsim_cosim_vswitch_model";
  fs::remove_all(dir);
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  o.out_dir = dir.string();
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/vswitch.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced);
  EXPECT_EQ(r.wire_frames_out, e.allowed);
  expect_vswitch_wire(dir, e.allowed);
  // Untimed: each connection's first frame is the only miss.
  EXPECT_EQ(r.vswitch.at("exceptions"), 64u);
  EXPECT_EQ(r.vswitch.at("installed"), 64u);
  EXPECT_EQ(r.vswitch.at("reinjected") + r.vswitch.at("policy_drops"), 64u);
  fs::remove_all(dir);
}

// ---- the learning bridge as the host program (traces/scenarios/bridge.yaml) ---------------
// What the bridge must do with the captures, from the captures alone: every frame of the wire
// host to VM 1 reaches VNIC 1 once (flooded while VM 1's MAC is unknown, through the learned
// pair's flow after), every frame of VM 1 to the wire host reaches the wire once, VM 2's
// broadcasts reach the wire and VNIC 1 (never VM 2 again); VNIC 2 gets exactly the flooded
// copies of unknown unicast. The rtl engine sends the sources side by side: VM 1 speaks early,
// both directions of the pair are learned and offloaded. The model engine sends them one after
// the other: every frame of the wire host is flooded (VM 1 has not spoken yet), then VM 1's
// first frame installs its direction's flow and the rest follow it in the NIC.
void expect_bridge(const CosimResult& r, bool side_by_side) {
  const auto frames = [](const char* f) {
    model::PcapReader rd(kScenarios + "/bridge/" + f);
    std::size_t n = 0;
    while (rd.next()) ++n;
    return n;
  };
  const std::size_t to_vm1 = frames("wire-to-vm1.pcap"), from_vm1 = frames("vm1-to-wire.pcap"),
                    bcast = frames("vm2-broadcast.pcap");
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  EXPECT_EQ(r.wire_frames_out, from_vm1 + bcast);
  EXPECT_EQ(r.received.at(0), to_vm1 + bcast) << "VNIC 1's queue";
  const std::uint64_t unknown = r.bridge.at("unknown_unicast");
  EXPECT_GT(unknown, 0u) << "the first frames to VM 1 are flooded";
  EXPECT_EQ(r.received.count(1) != 0 ? r.received.at(1) : 0u, unknown) << "VNIC 2's queue";
  EXPECT_EQ(r.bridge.at("learned"), 3u);
  EXPECT_EQ(r.bridge.at("offload_failed") + r.bridge.at("tx_refused"), 0u);
  if (side_by_side) {
    EXPECT_EQ(r.bridge.at("installed"), 2u) << "one flow per direction of the learned pair";
    EXPECT_LT(r.bridge.at("exceptions"), (to_vm1 + from_vm1) / 4) << "the pair stays in the NIC";
  } else {
    EXPECT_EQ(unknown, to_vm1);
    EXPECT_EQ(r.bridge.at("installed"), 1u);
    EXPECT_EQ(r.bridge.at("exceptions"), to_vm1 + 1 + bcast);
  }
}

TEST(Cosim, BridgeLearnsFloodsAndOffloadsW64) {
  CosimOptions o;
  const CosimResult r = run_scenario(with_width(load_scenario(kScenarios + "/bridge.yaml"), 64), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  expect_bridge(r, true);
}

TEST(Cosim, BridgeModelEngine) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/bridge.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_bridge(r, false);
}

// ---- per-VNIC buffer pools (traces/scenarios/pools.yaml) -----------------------------------
// VNIC 1 flooded with its consumer stopped: its pool's 16 buffers are lent and kept, the rest of
// its frames find no descriptor; VNIC 2, on its own pool, gets every one of its frames. The
// numbers follow from the capture (300 frames to VM 1, 100 to VM 2) and the pool sizes.
void expect_pools(const CosimResult& r) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  EXPECT_TRUE(r.expectation_failures.empty());
  for (const auto& f : r.expectation_failures) ADD_FAILURE() << f;
  EXPECT_EQ(r.received.at(1), 100u) << "VNIC 2 delivered in full";
  EXPECT_EQ(r.received.at(0), 16u) << "VNIC 1: its pool's buffers, then nothing";
  EXPECT_EQ(r.stats.drop_rx_no_desc, 284u);
  EXPECT_EQ(r.pools.at("vnic1.buffers_in_use"), 16u);
  EXPECT_EQ(r.pools.at("vnic1.buffers_posted"), 0u);
  EXPECT_EQ(r.pools.at("vnic2.lent"), 100u);
  EXPECT_EQ(r.pools.at("vnic2.returned"), 92u) << "the consumer keeps the newest 8";
  EXPECT_EQ(r.pools.at("vnic2.drops"), 0u);
}

TEST(Cosim, PoolsOneFloodedVnicDoesNotStarveAnotherW64) {
  CosimOptions o;
  const CosimResult r = run_scenario(with_width(load_scenario(kScenarios + "/pools.yaml"), 64), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  expect_pools(r);
}

TEST(Cosim, PoolsModelEngine) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/pools.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_pools(r);
}

// ---- zero-copy receive (traces/scenarios/zerocopy.yaml) -------------------------------------
// Two VMs behind zero-copy VNICs: the NIC writes every frame into the VM's memory, the VM reads
// it there (the observers, the scoreboard among them, get what the VM read). Each queue has
// 127 of the VM's buffers on the NIC's ring and gets at most about 100 frames, so no frame
// waits for a buffer whatever the host's timing.
void expect_zero_copy(const CosimResult& r) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  EXPECT_TRUE(r.expectation_failures.empty());
  for (const auto& f : r.expectation_failures) ADD_FAILURE() << f;
  ASSERT_EQ(r.received.count(0) + r.received.count(1) + r.received.count(2), 3u);
  EXPECT_EQ(r.received.at(0) + r.received.at(1), 200u) << "VM 1, over its two rings";
  EXPECT_EQ(r.received.at(2), 100u) << "VM 2";
  EXPECT_EQ(r.stats.drop_rx_no_desc, 0u);
  EXPECT_EQ(r.zero_copy.at("vnic1.frames_zero_copy"), 200u);
  EXPECT_EQ(r.zero_copy.at("vnic2.frames_zero_copy"), 100u);
  EXPECT_EQ(r.zero_copy.at("vnic1.host_copy_bytes") + r.zero_copy.at("vnic2.host_copy_bytes"),
            0u);
  EXPECT_EQ(r.zero_copy.at("vnic1.refused") + r.zero_copy.at("vnic2.refused"), 0u);
}

TEST(Cosim, ZeroCopyIntoGuestMemoryW64) {
  CosimOptions o;
  const CosimResult r =
      run_scenario(with_width(load_scenario(kScenarios + "/zerocopy.yaml"), 64), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  expect_zero_copy(r);
}

TEST(Cosim, ZeroCopyModelEngine) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/zerocopy.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_zero_copy(r);
}

// ---- the physical link (traces/scenarios/link.yaml, docs/spec.md 12) -----------------------
// The simulated PHY goes down, up at 25G, back to 100G while wire traffic flows; the host takes
// the link interrupt and reads the link registers; the datapath is not gated by the link.
void expect_link(const CosimResult& r) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  for (const auto& f : r.expectation_failures) ADD_FAILURE() << f;
  ASSERT_FALSE(r.link.empty());
  EXPECT_EQ(r.link.at("changes"), 3u);
  EXPECT_GE(r.link.at("reports"), 1u);
  EXPECT_LE(r.link.at("reports"), 3u);
  EXPECT_EQ(r.link.at("up"), 1u);
  EXPECT_EQ(r.link.at("speed_mbps"), 100'000u);
  EXPECT_EQ(r.stats.out_vnic, r.received.at(0));
  EXPECT_GT(r.received.at(0), 0u);
}

TEST(Cosim, LinkEventsReachTheHostW64) {
  CosimOptions o;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/link.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  expect_link(r);
}

TEST(Cosim, LinkEventsModelEngine) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/link.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_link(r);
  EXPECT_EQ(r.link.at("reports"), 3u) << "the model engine services the host after each event";
}

// ---- destination tokens (traces/scenarios/tokens.yaml, docs/spec.md 11) --------------------
// The host loads a key; two VMs send Geneve frames with tokens (some forged, some replayed); the
// NIC routes the good ones on the token's address, drops VNIC 1's refusals and sends VNIC 2's
// to the exception ring. Both engines give the same verdicts.
void expect_tokens(const CosimResult& r) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  for (const auto& f : r.expectation_failures) ADD_FAILURE() << f;
  ASSERT_FALSE(r.tokens.empty());
  EXPECT_EQ(r.tokens.at("enabled"), 1u);
  EXPECT_EQ(r.tokens.at("key0"), 1u);
  EXPECT_EQ(r.tokens.at("key1"), 0u);
  const std::uint64_t ok = r.tokens.at("ok"), tag = r.tokens.at("bad_tag"),
                      replay = r.tokens.at("replay");
  EXPECT_EQ(ok + tag + replay, 160u) << "every token frame checked once";
  EXPECT_GT(tag, 10u);
  EXPECT_GT(replay, 5u);
  EXPECT_EQ(r.tokens.at("bad_format") + r.tokens.at("no_key") + r.tokens.at("eni_mismatch"), 0u);
  // Refusals: VNIC 1's dropped, VNIC 2's to the host.
  const std::uint64_t to_host =
      r.exceptions_by_reason.count("token") != 0 ? r.exceptions_by_reason.at("token") : 0;
  EXPECT_GT(to_host, 0u);
  EXPECT_EQ(r.stats.drop_token + to_host, tag + replay);
  EXPECT_EQ(r.stats.out_exception, to_host);
  // The good ones routed on their address: 10.100.0.7 to VNIC 3, 10.100.0.8 to the wire.
  EXPECT_EQ(r.received.count(2) != 0 ? r.received.at(2) : 0, r.stats.out_vnic);
  EXPECT_EQ(r.stats.out_vnic + r.stats.out_wire, ok);
  EXPECT_GT(r.stats.out_wire, 0u);
  EXPECT_EQ(r.stats.misses, 0u);
}

TEST(Cosim, DestinationTokensRoutedAndRefusedW64) {
  CosimOptions o;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/tokens.yaml"), o);
  std::printf("%s\n", r.summary().c_str());
  expect_clean(r);
  expect_tokens(r);
}

TEST(Cosim, DestinationTokensModelEngine) {
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  const CosimResult r = run_scenario(load_scenario(kScenarios + "/tokens.yaml"), o);
  expect_tokens(r);
}

// ---- ports behind VNICs and the forward_by_mac host program (what the TAP test runs, here
// with capture files so that it needs no root) ---------------------------------------------

constexpr std::array<std::uint8_t, 6> kMac1{2, 0, 0, 0, 1, 1}, kMac2{2, 0, 0, 0, 1, 2},
    kOther{2, 0, 0, 0, 1, 0x99}, kNobody{2, 0, 0, 0, 1, 0x77},
    kBcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct PortFiles {
  fs::path dir;
  std::size_t to_vnic2 = 0, vnic2_to_wire = 0, wire_to_vnic1 = 0, wire_unknown = 0;
};

std::vector<model::Frame> read_all(const std::string& path) {
  std::vector<model::Frame> frames;
  model::PcapReader rd(path);
  while (auto f = rd.next()) {
    if (f->data.size() >= 14) frames.push_back(std::move(*f));
  }
  return frames;
}

// Frames of real captures with their MACs rewritten. The flow key of an IP frame has no MACs,
// so each kind of traffic has flows of its own (a source vport or a capture of its own): VNIC 1
// sends to VNIC 2, then one broadcast and one frame with VNIC 2's source MAC (anti-spoof);
// VNIC 2 sends to a host on the wire; the wire sends to VNIC 1 and, from another capture, to a
// MAC no VNIC has.
PortFiles write_port_files(const std::string& name) {
  PortFiles pf;
  pf.dir = fs::temp_directory_path() / ("nicsim_cosim_" + name);
  fs::remove_all(pf.dir);
  fs::create_directories(pf.dir);
  const std::vector<model::Frame> wiki = read_all(kTraces + "/zeek__wikipedia.pcap");
  const std::vector<model::Frame> other = read_all(kTraces + "/zeek__methods.pcap");
  auto with = [](model::Frame f, const std::array<std::uint8_t, 6>& dst,
                 const std::array<std::uint8_t, 6>& src) {
    std::copy(dst.begin(), dst.end(), f.data.begin());
    std::copy(src.begin(), src.end(), f.data.begin() + 6);
    return f;
  };
  model::PcapWriter v1((pf.dir / "vnic1-in.pcap").string());
  model::PcapWriter v2((pf.dir / "vnic2-in.pcap").string());
  model::PcapWriter w((pf.dir / "wire-in.pcap").string());
  for (std::size_t i = 0; i < 60 && i < wiki.size(); ++i) {
    switch (i % 3) {
      case 0: v1.write(with(wiki[i], kMac2, kMac1)); ++pf.to_vnic2; break;
      case 1: v2.write(with(wiki[i], kOther, kMac2)); ++pf.vnic2_to_wire; break;
      default: w.write(with(wiki[i], kMac1, kOther)); ++pf.wire_to_vnic1; break;
    }
  }
  for (std::size_t i = 1; i < 16 && i < other.size(); ++i) {
    w.write(with(other[i], kNobody, kOther));
    ++pf.wire_unknown;
  }
  v1.write(with(other[0], kBcast, kMac1));  // not forwarded
  v1.write(with(wiki[0], kMac1, kMac2));    // VNIC 2's source MAC from VNIC 1: spoof
  v1.close();
  v2.close();
  w.close();
  return pf;
}

std::size_t frames_in(const fs::path& p) {
  model::PcapReader r(p.string());
  std::size_t n = 0;
  while (r.next()) ++n;
  return n;
}

CosimResult run_with_ports(CosimOptions::Engine engine, const PortFiles& pf) {
  Scenario s = load_scenario(kScenarios + "/tap-namespaces.yaml");
  s.vnics[0].cfg.spoof_check = true;
  s.run.max_cycles = 50'000'000;
  PcapPort p1((pf.dir / "vnic1-in.pcap").string(), (pf.dir / "vnic1-out.pcap").string());
  PcapPort p2((pf.dir / "vnic2-in.pcap").string(), (pf.dir / "vnic2-out.pcap").string());
  PcapPort wire((pf.dir / "wire-in.pcap").string(), (pf.dir / "wire-out.pcap").string());
  CosimOptions o;
  o.engine = engine;
  o.vnic_ports = {{1, &p1}, {2, &p2}};
  o.wire = &wire;
  o.out_dir = (pf.dir / "out").string();
  if (engine == CosimOptions::Engine::kRtl) o.log_path = (pf.dir / "frames.jsonl").string();
  const CosimResult r = run_scenario(s, o);
  std::printf("%s\n", r.summary().c_str());
  return r;
}

void expect_forwarded(const CosimResult& r, const PortFiles& pf) {
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.ledger_balanced) << r.stats.to_string();
  EXPECT_TRUE(r.expectation_failures.empty());
  EXPECT_EQ(r.not_forwarded, 1u) << "the broadcast";
  EXPECT_EQ(r.tx_completions.at("spoof"), 1u);
  EXPECT_EQ(r.install_failed, 0u);
  // Every unicast frame reached the port its destination MAC names; the wire's frames for no
  // VNIC were dropped by the flow the host installed.
  EXPECT_EQ(frames_in(pf.dir / "vnic2-out.pcap"), pf.to_vnic2);
  EXPECT_EQ(frames_in(pf.dir / "vnic1-out.pcap"), pf.wire_to_vnic1);
  EXPECT_EQ(frames_in(pf.dir / "wire-out.pcap"), pf.vnic2_to_wire);
  EXPECT_EQ(r.vnic_port_in.at(1), pf.to_vnic2 + 2);
  EXPECT_EQ(r.vnic_port_in.at(2), pf.vnic2_to_wire);
  EXPECT_EQ(r.vnic_port_out.at(2), pf.to_vnic2);
  EXPECT_EQ(r.stats.drop_flow + r.exceptions_by_reason.at("miss") - r.reinjected,
            pf.wire_unknown + 1)
      << "unknown wire destinations: the first misses (not re-injected), the rest hit a drop; "
         "and the broadcast";
  EXPECT_GE(r.stats.loopback, pf.to_vnic2);
  EXPECT_EQ(frames_in(fs::path(pf.dir) / "out" / "rxq1.pcap"), pf.to_vnic2);
  // Every transmit completion is logged: the VNICs' frames and the host's re-injections.
  std::ifstream txc(pf.dir / "out" / "tx-completions.jsonl");
  std::size_t lines = 0;
  for (std::string l; std::getline(txc, l);) ++lines;
  EXPECT_EQ(lines, r.vnic_frames_sent + r.reinjected);
}

TEST(Cosim, VnicPortsAndForwardByMacW64) {
  const PortFiles pf = write_port_files("ports_rtl");
  const CosimResult r = run_with_ports(CosimOptions::Engine::kRtl, pf);
  expect_clean(r);
  expect_forwarded(r, pf);
  // The frame log: one line per frame into the pipeline, each with its way and cycles.
  std::ifstream log(pf.dir / "frames.jsonl");
  std::size_t lines = 0, to_vnic = 0;
  for (std::string l; std::getline(log, l);) {
    ++lines;
    EXPECT_NE(l.find("\"cycles\":{\"ingress\":"), std::string::npos) << l;
    if (l.find("\"out\":\"rxq 1\"") != std::string::npos) ++to_vnic;
  }
  EXPECT_EQ(lines, r.stats.rx_wire_frames + r.stats.tx_frames - r.stats.drop_spoof);
  EXPECT_EQ(to_vnic, pf.to_vnic2);
  ASSERT_TRUE(r.latency.count("vnic->vnic"));
  const LatencyFigures& l = r.latency.at("vnic->vnic");
  EXPECT_GT(l.count, 0u);
  EXPECT_LE(l.p50, l.p99);
  EXPECT_LE(l.p99, l.max);
  EXPECT_GT(l.p50, 50u) << "a loopback takes a transmit DMA, the pipeline and a receive DMA";
}

TEST(Cosim, VnicPortsAndForwardByMacModelEngine) {
  const PortFiles pf = write_port_files("ports_model");
  const CosimResult r = run_with_ports(CosimOptions::Engine::kModel, pf);
  expect_forwarded(r, pf);
}

TEST(Cosim, APortForAVnicWithoutTransmitQueueIsRefused) {
  Scenario s = load_scenario(kScenarios + "/miss-install.yaml");  // VNIC 1 has no tx_queue
  PcapPort p("", "");
  CosimOptions o;
  o.engine = CosimOptions::Engine::kModel;
  o.vnic_ports = {{1, &p}};
  const CosimResult r = run_scenario(s, o);
  EXPECT_NE(r.error.find("no VNIC 1 with a transmit queue"), std::string::npos) << r.error;
  o.vnic_ports = {{7, &p}};
  EXPECT_NE(run_scenario(s, o).error.find("VNIC 7"), std::string::npos);
}

// ---- the scoreboard's own checks, without the RTL: a wrong transmit status and a per-entry
// counter the model does not have must each be a mismatch ---------------------------------------

TEST(Scoreboard, AWrongTransmitStatusIsAMismatch) {
  Scoreboard sb(rtl_device_config(64));
  std::vector<std::uint8_t> frame(60, 0x11);
  host::TxCompletion ok;
  ok.frame = frame;
  ok.status = host::TxStatus::kOk;
  sb.tx_completion(0, 255, ok, 10);  // the host's queue: no anti-spoof, a good length
  EXPECT_EQ(sb.mismatch_count(), 0u);
  host::TxCompletion empty;  // a zero-length descriptor: the model says bad length
  empty.status = host::TxStatus::kOk;
  sb.tx_completion(0, 255, empty, 11);
  ASSERT_EQ(sb.mismatch_count(), 1u);
  EXPECT_EQ(sb.mismatches()[0].what, "status");
  host::TxCompletion ovr;  // an override on a VNIC's own queue: bad override
  ovr.frame = frame;
  ovr.vport_override = 2;
  ovr.status = host::TxStatus::kBadOverride;
  sb.tx_completion(1, 1, ovr, 12);
  EXPECT_EQ(sb.mismatch_count(), 1u);
  EXPECT_EQ(sb.compared(), 3u);
}

TEST(Scoreboard, ARegisterThatDoesNotReadBackIsAMismatch) {
  Scoreboard sb(rtl_device_config(64));
  sb.register_write(regs::nic::SCRATCH_ADDR, 0x1234'5678u, 5);
  sb.register_read(regs::nic::SCRATCH_ADDR, "nic.SCRATCH", 0x1234'5678u, 6);
  EXPECT_EQ(sb.mismatch_count(), 0u);
  sb.register_read(regs::nic::SCRATCH_ADDR, "nic.SCRATCH", 0x1234'5679u, 7);
  ASSERT_EQ(sb.mismatch_count(), 1u);
  EXPECT_EQ(sb.mismatches()[0].where, "register nic.SCRATCH");
  EXPECT_EQ(sb.mismatches()[0].rtl, "0x12345679");
  EXPECT_EQ(sb.mismatches()[0].model, "0x12345678");
}

TEST(Scoreboard, TheWireByteCounterIsCompared) {
  Scoreboard sb(rtl_device_config(64));
  host::Stats rtl;
  rtl.out_wire_bytes = 64;  // no frame went to the wire
  sb.finish(rtl, 100);
  ASSERT_EQ(sb.mismatch_count(), 1u);
  EXPECT_EQ(sb.mismatches()[0].where, "counter out_wire_bytes");
}

TEST(Scoreboard, PerEntryCountersAreCompared) {
  Scoreboard sb(rtl_device_config(64));
  host::FlowCounters c;
  c.packets = 3;
  sb.entry_counters(true, 5, c);   // no such exact-match entry in the model
  sb.entry_counters(false, 2, c);  // nor TCAM rule
  sb.finish(host::Stats{}, 100);
  ASSERT_EQ(sb.mismatch_count(), 2u);
  EXPECT_EQ(sb.mismatches()[0].where, "exact-match entry 5");
  EXPECT_EQ(sb.mismatches()[1].where, "TCAM entry 2");
}

}  // namespace
}  // namespace nicsim::sim
