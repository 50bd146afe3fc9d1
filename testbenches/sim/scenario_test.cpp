// SPDX-License-Identifier: MIT
// Scenario files: the examples in traces/scenarios load and their rules compile with the flow
// API; each kind of mistake is an error naming the file, the line and the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/sim/scenario.hpp"

namespace nicsim::sim {
namespace {

namespace fs = std::filesystem;

const std::string kDir = NICSIM_SCENARIO_DIR;

TEST(Scenario, BundledExamplesLoadAndTheirRulesCompile) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (e.path().extension() != ".yaml") continue;
    ++n;
    SCOPED_TRACE(e.path().string());
    const Scenario s = load_scenario(e.path().string());
    // Every example carries its traffic, but the one whose traffic comes from TAP interfaces.
    if (s.name != "tap-namespaces") {
      EXPECT_FALSE(s.traffic.sources.empty());
    }
    for (const auto& src : s.traffic.sources)  // a capture, or token frames made at the start
      EXPECT_TRUE(src.tokens ? src.pcap.empty() : fs::exists(src.pcap)) << src.pcap;
    host::ModelDevice dev;
    host::Driver drv(dev);
    host::FlowTable ft(drv);
    // The encap templates first, as the scenario host installs them: a rule checks its
    // template's tunnel (an NVGRE or Geneve action on a VXLAN template is an error).
    for (const auto& e : s.encaps) {
      const auto r = ft.set_encap_template(e.index, e.tpl);
      EXPECT_TRUE(r.ok()) << "template " << e.index << ": "
                          << (r.ok() ? "" : r.error().to_string());
    }
    for (const auto& f : s.flows) {
      const auto c = ft.compile(f.rule.attr, f.rule.pattern, f.rule.actions);
      EXPECT_TRUE(c.ok()) << f.name << ": " << (c.ok() ? "" : c.error().to_string());
    }
  }
  EXPECT_GE(n, 3);
}

TEST(Scenario, FieldsAreReadAsWritten) {
  const Scenario s = load_scenario(kDir + "/actions.yaml");
  EXPECT_EQ(s.name, "actions");
  EXPECT_EQ(s.nic.data_width, 512u);
  ASSERT_EQ(s.vnics.size(), 2u);
  EXPECT_EQ(s.vnics[0].cfg.vport, 1u);
  EXPECT_EQ(s.vnics[0].cfg.mac[5], 0x11);
  EXPECT_EQ(s.vnics[0].txq, 1u);
  EXPECT_EQ(s.vnics[1].cfg.rxq_base, 1u);
  EXPECT_EQ(s.vnics[1].rxq.size_log2, 9u);
  ASSERT_EQ(s.encaps.size(), 1u);
  EXPECT_EQ(s.encaps[0].tpl.vni, 5000u);
  EXPECT_FALSE(s.encaps[0].tpl.ipv6());
  EXPECT_EQ(s.encaps[0].tpl.dip[15], 2);
  ASSERT_EQ(s.flows.size(), 3u);
  EXPECT_EQ(s.flows[1].rule.actions.size(), 5u);
  EXPECT_EQ(s.flows[2].rule.attr.priority, 3u);
  // A field given without a mask is matched exactly, the others not at all.
  const auto& udp = std::get<host::ItemUdp>(s.flows[0].rule.pattern[2]);
  ASSERT_TRUE(udp.spec && udp.mask);
  EXPECT_EQ(udp.spec->dport, 4789);
  EXPECT_EQ(udp.mask->dport, 0xFFFF);
  EXPECT_EQ(udp.mask->sport, 0);
  EXPECT_FALSE(std::get<host::ItemEth>(s.flows[0].rule.pattern[0]).spec) << "{} matches any";
  EXPECT_EQ(s.traffic.sources.size(), 2u);
}

std::string error_of(const std::string& yaml) {
  try {
    (void)parse_scenario(yaml, "t.yaml", kDir);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kHead = "nicsim_scenario: 1\nname: t\n";

TEST(Scenario, TcpCtlCopyAction) {
  const Scenario s = parse_scenario(
      kHead + "flows:\n  - match: [{eth: {}}, {ipv4: {}}, {tcp: {}}]\n"
              "    actions: [tcp_ctl_copy, mirror, drop]\n",
      "t.yaml", kDir);
  ASSERT_EQ(s.flows.size(), 1u);
  ASSERT_EQ(s.flows[0].rule.actions.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<host::ActionTcpCtlCopy>(s.flows[0].rule.actions[0]));
  EXPECT_TRUE(std::holds_alternative<host::ActionMirror>(s.flows[0].rule.actions[1]));
}

TEST(Scenario, LinkStateAndLinkEventsAreReadAndChecked) {
  const Scenario s = load_scenario(kDir + "/link.yaml");
  EXPECT_TRUE(s.nic.link.up);
  EXPECT_EQ(s.nic.link.speed, fmt::LinkSpeed::kG100);
  EXPECT_EQ(s.nic.link.media, fmt::LinkMedia::kFiber);
  EXPECT_EQ(s.nic.link_vector, 7u);
  ASSERT_EQ(s.link_events.size(), 3u);
  EXPECT_EQ(s.link_events[0].at_cycle, 3000u);
  EXPECT_FALSE(s.link_events[0].link.up);
  EXPECT_EQ(s.link_events[0].link.speed, fmt::LinkSpeed::kUnknown);
  EXPECT_EQ(s.link_events[0].link.media, fmt::LinkMedia::kFiber) << "kept from before";
  EXPECT_TRUE(s.link_events[1].link.up);
  EXPECT_EQ(s.link_events[1].link.speed, fmt::LinkSpeed::kG25);
  EXPECT_TRUE(s.link_events[2].link.up) << "kept from the previous event";
  EXPECT_EQ(s.link_events[2].link.speed, fmt::LinkSpeed::kG100);
  EXPECT_GT(s.link_events[1].line, s.link_events[0].line);
  // Without: the PHY's default, no events.
  const Scenario d = parse_scenario(kHead, "t.yaml", kDir);
  EXPECT_EQ(d.nic.link, model::PhyLink{});
  EXPECT_TRUE(d.link_events.empty());

  EXPECT_EQ(error_of(kHead + "nic: {link: {speed: 100G}}\n"),
            "t.yaml:3: nic.link.speed: '100G' is not one of unknown, m10, m100, g1, g10, g25, g40, "
            "g50, g100, g200, g400");
  EXPECT_EQ(error_of(kHead + "nic: {link: {media: copper, duplex: full}}\n"),
            "t.yaml:3: nic.link: unknown key 'duplex'");
  EXPECT_EQ(error_of(kHead + "link_events:\n  - {up: false}\n"),
            "t.yaml:4: link_events[0]: a link event needs at_cycle");
  EXPECT_EQ(error_of(kHead + "link_events:\n  - {at_cycle: 10, up: false}\n"
                             "  - {at_cycle: 10, up: true}\n"),
            "t.yaml:5: link_events[1].at_cycle: 10 is not after the previous event's 10");
  EXPECT_EQ(error_of(kHead + "link_events:\n  - {at_cycle: 10, media: coax}\n"),
            "t.yaml:4: link_events[0].media: 'coax' is not one of unknown, copper, fiber, dac, "
            "backplane, virtual");
  EXPECT_NE(error_of(kHead + "vnics:\n  - {vport: 1, rx_queues: {irq: {vector: 7}}}\n"
                             "link_events:\n  - {at_cycle: 10, up: false}\n")
                .find("nic.link_vector: 7 is also the interrupt vector of VNIC 1's receive queues"),
            std::string::npos);
  // Without link events the vector is not the link's.
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, rx_queues: {irq: {vector: 7}}}\n"),
            "(accepted)");
}

TEST(Scenario, BridgeProgramNeedsItsFileAndChecksIt) {
  const Scenario s = load_scenario(kDir + "/bridge.yaml");
  EXPECT_EQ(s.program, HostProgram::kBridge);
  EXPECT_TRUE(fs::exists(s.bridge)) << s.bridge;
  EXPECT_NE(error_of(kHead + "host: {program: bridge}\n").find("bridge needs a configuration file"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "host: {program: none, bridge: bridge/bridge.yaml}\n")
                .find("host.bridge: a bridge file is for program: bridge"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "host: {program: bridge, bridge: vswitch/policy.yaml}\n")
                .find("t.yaml:3: host.bridge"),
            std::string::npos)
      << "a file that is not a bridge configuration is refused when the scenario loads";
}

TEST(Scenario, CheckOuterSrcActionTakesAnIpv4OrIpv6Address) {
  const Scenario s = parse_scenario(
      kHead + "flows:\n  - match: [{eth: {}}, {ipv4: {}}, {udp: {}}, {vxlan: {vni: 5}}, {eth: {}}]\n"
              "    actions: [decap, {check_outer_src: 192.168.7.1}, {vnic: 1}]\n"
              "  - match: [{eth: {}}, {ipv6: {}}, {udp: {}}, {vxlan: {vni: 6}}, {eth: {}}]\n"
              "    actions: [decap, {check_outer_src: 'fd00::42'}, {vnic: 1}]\n",
      "t.yaml", kDir);
  ASSERT_EQ(s.flows.size(), 2u);
  const auto* v4 = std::get_if<host::ActionCheckOuterSrc>(&s.flows[0].rule.actions[1]);
  ASSERT_NE(v4, nullptr);
  const std::array<std::uint8_t, 16> want4{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 168, 7, 1};
  EXPECT_EQ(v4->addr, want4);
  const auto* v6 = std::get_if<host::ActionCheckOuterSrc>(&s.flows[1].rule.actions[1]);
  ASSERT_NE(v6, nullptr);
  EXPECT_EQ(v6->addr[0], 0xfd);
  EXPECT_EQ(v6->addr[15], 0x42);
  EXPECT_NE(error_of(kHead + "flows:\n  - match: [{eth: {}}]\n"
                             "    actions: [{check_outer_src: nope}, drop]\n")
                .find("t.yaml:5: flows[0].actions[0].check_outer_src"),
            std::string::npos);
}

TEST(Scenario, NvgreAndGeneveTemplatesAndActions) {
  const Scenario s = parse_scenario(
      kHead +
          "encap_templates:\n"
          "  - {index: 2, tunnel: nvgre, vni: 7, sip: 10.0.0.1, dip: 10.0.0.2}\n"
          "  - {index: 3, tunnel: geneve, vni: 8, sip: 10.0.0.1, dip: 10.0.0.2}\n"
          "  - {index: 4, vni: 9, sip: 10.0.0.1, dip: 10.0.0.2}\n"
          "flows:\n  - match: [{eth: {}}, {ipv4: {}}, {tcp: {}}]\n"
          "    actions: [{nvgre_encap: 2}, {port: 0}]\n"
          "  - match: [{eth: {}}, {ipv4: {}}, {udp: {}}]\n"
          "    actions: [{geneve_encap: 3}, {port: 0}]\n",
      "t.yaml", kDir);
  ASSERT_EQ(s.encaps.size(), 3u);
  EXPECT_EQ(s.encaps[0].tpl.tunnel(), fmt::EncapTunnel::kNvgre);
  EXPECT_EQ(s.encaps[1].tpl.tunnel(), fmt::EncapTunnel::kGeneve);
  EXPECT_EQ(s.encaps[1].tpl.udp_dport, 6081);
  EXPECT_EQ(s.encaps[2].tpl.tunnel(), fmt::EncapTunnel::kVxlan);
  EXPECT_EQ(s.encaps[2].tpl.udp_dport, 4789);
  ASSERT_EQ(s.flows.size(), 2u);
  EXPECT_EQ(std::get<host::ActionNvgreEncap>(s.flows[0].rule.actions[0]).template_index, 2u);
  EXPECT_EQ(std::get<host::ActionGeneveEncap>(s.flows[1].rule.actions[0]).template_index, 3u);
  EXPECT_EQ(error_of(kHead + "encap_templates:\n"
                             "  - {index: 2, tunnel: gre, sip: 10.0.0.1, dip: 10.0.0.2}\n"),
            "t.yaml:4: encap_templates[0].tunnel: tunnel 'gre' (vxlan, nvgre, geneve)");
}

TEST(Scenario, PoolPerVnicIsReadAndChecked) {
  const Scenario s = load_scenario(kDir + "/pools.yaml");
  ASSERT_EQ(s.vnics.size(), 2u);
  ASSERT_TRUE(s.vnics[0].pool.has_value());
  EXPECT_EQ(s.vnics[0].pool->budget_bytes, 32768u);
  EXPECT_EQ(s.vnics[0].pool->buf_size, 2048u) << "the queue set's buf_size";
  EXPECT_EQ(s.vnics[0].pool->policy, host::PoolPolicy::kWait);
  EXPECT_EQ(s.vnics[0].pool->vport, 0u) << "no quota: the NIC's quota is not released";
  EXPECT_EQ(s.vnics[0].pool_hold, 1000000u);
  EXPECT_EQ(s.vnics[1].pool->policy, host::PoolPolicy::kDrop);
  EXPECT_EQ(s.vnics[1].pool->reserve, 4u);
  EXPECT_EQ(s.vnics[1].pool_hold, 8u);
  const Scenario q = parse_scenario(
      kHead + "vnics:\n  - {vport: 3, quota: {bytes: 4096}, pool: {bytes: 8192}}\n", "t.yaml", kDir);
  ASSERT_TRUE(q.vnics[0].pool.has_value());
  EXPECT_EQ(q.vnics[0].pool->vport, 3u) << "with a quota, returned buffers release it";
  EXPECT_EQ(q.vnics[0].pool_hold, 0u);
  EXPECT_FALSE(load_scenario(kDir + "/vnics-rss.yaml").vnics[0].pool.has_value());
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, pool: {policy: drop}}\n"),
            "t.yaml:4: vnics[0].pool: missing 'bytes' (the budget)");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, pool: {bytes: 100}}\n"),
            "t.yaml:4: vnics[0].pool.bytes: 100 is outside 2048..1073741824");
  EXPECT_NE(error_of(kHead + "vnics:\n  - {vport: 1, pool: {bytes: 4096, policy: spill}}\n")
                .find("vnics[0].pool.policy"),
            std::string::npos);
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, pool: {bytes: 4096, reserve: 0}}\n"),
            "t.yaml:4: vnics[0].pool.reserve: 0 is outside 1..32768");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, pool: {bytes: 4096, hodl: 1}}\n"),
            "t.yaml:4: vnics[0].pool: unknown key 'hodl'");
}

TEST(Scenario, TokensKeysPolicyAndTokenSourcesAreReadAndChecked) {
  const Scenario s = load_scenario(kDir + "/tokens.yaml");
  ASSERT_TRUE(s.tokens.has_value());
  EXPECT_TRUE(s.tokens->enable);
  ASSERT_TRUE(s.tokens->keys[0].has_value());
  EXPECT_FALSE(s.tokens->keys[1].has_value());
  EXPECT_EQ(s.tokens->keys[0]->enc[15], 0x0f);
  EXPECT_EQ(s.tokens->keys[0]->mac[0], 0xf0);
  EXPECT_FALSE(s.vnics[0].cfg.token_exc);
  EXPECT_TRUE(s.vnics[1].cfg.token_exc);
  ASSERT_EQ(s.traffic.sources.size(), 2u);
  ASSERT_TRUE(s.traffic.sources[0].tokens.has_value());
  const ScenarioTraffic::Tokens& t = *s.traffic.sources[0].tokens;
  EXPECT_EQ(t.count, 120u);
  ASSERT_EQ(t.to.size(), 2u);
  EXPECT_EQ(t.to[0], model::token_addr_v4(0x0a640007));
  EXPECT_EQ(t.vni, 77u);
  EXPECT_EQ(t.forged_pct, 10u);
  EXPECT_EQ(t.replayed_pct, 10u);
  EXPECT_FALSE(load_scenario(kDir + "/link.yaml").tokens.has_value());
  const std::string keys =
      "tokens:\n  keys: [{slot: 0, enc: 000102030405060708090a0b0c0d0e0f, "
      "mac: 101112131415161718191a1b1c1d1e1f}]\n"
      "vnics:\n  - {vport: 1, tx_queue: {index: 1}}\n";
  const Scenario v6 = parse_scenario(
      kHead + keys + "traffic:\n  sources:\n    - {from: vnic1, tokens: {count: 2, to: [fd00::7]}}\n",
      "t.yaml", kDir);
  EXPECT_EQ(v6.traffic.sources[0].tokens->to[0][0], 0xfd);
  EXPECT_EQ(error_of(kHead + "tokens:\n  keys: [{slot: 2}]\n"),
            "t.yaml:4: tokens.keys[0].slot: 2 is outside 0..1");
  EXPECT_EQ(error_of(kHead + "tokens:\n  keys: [{slot: 0, enc: 00}]\n"),
            "t.yaml:4: tokens.keys[0]: a key needs 'enc' and 'mac' (16 bytes in hex each)");
  EXPECT_EQ(error_of(kHead + "tokens:\n  keys: [{enc: 000102030405060708090a0b0c0d0e0f, "
                             "mac: 000102030405060708090a0b0c0d0e0f}]\n"),
            "t.yaml:4: tokens.keys[0].mac: 'enc' and 'mac' must be different keys");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, token_policy: forward}\n"),
            "t.yaml:4: vnics[0].token_policy: 'forward' is not one of drop, exception");
  EXPECT_EQ(error_of(kHead + keys + "traffic:\n  sources:\n    - {from: wire, tokens: {count: 1, to: [10.0.0.1]}}\n"),
            "t.yaml:9: traffic.sources[0].tokens: token frames come from a VNIC (from: vnicN)");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, tx_queue: {index: 1}}\n"
                     "traffic:\n  sources:\n    - {from: vnic1, tokens: {count: 1, to: [10.0.0.1]}}\n"),
            "t.yaml:7: traffic.sources[0].tokens: token frames need the scenario's 'tokens' section (the keys)");
  EXPECT_EQ(error_of(kHead + keys + "traffic:\n  sources:\n    - {from: vnic1, tokens: {count: 1, slot: 1, to: [10.0.0.1]}}\n"),
            "t.yaml:9: traffic.sources[0].tokens.slot: slot 1 has no key in tokens.keys");
  EXPECT_EQ(error_of(kHead + keys + "traffic:\n  sources:\n    - {from: vnic1, tokens: {count: 1}}\n"),
            "t.yaml:9: traffic.sources[0].tokens: missing 'to': the addresses the tokens carry");
  EXPECT_EQ(error_of(kHead + keys + "traffic:\n  sources:\n    - {from: vnic1, tokens: {count: 1, to: [1.2.3.4], forged_pct: 60, replayed_pct: 50}}\n"),
            "t.yaml:9: traffic.sources[0].tokens.replayed_pct: forged_pct + replayed_pct is more than 100");
  EXPECT_EQ(error_of(kHead + keys + "traffic:\n  sources:\n    - {from: vnic1, pcap: x.pcap, tokens: {count: 1}}\n"),
            "t.yaml:9: traffic.sources[0].tokens: a source has 'pcap' or 'tokens', not both");
}

TEST(Scenario, ZeroCopyPerVnicIsReadAndChecked) {
  const Scenario s = load_scenario(kDir + "/zerocopy.yaml");
  ASSERT_EQ(s.vnics.size(), 2u);
  ASSERT_TRUE(s.vnics[0].zero_copy.has_value());
  EXPECT_EQ(s.vnics[0].zero_copy->guest_mem, 1048576u);
  EXPECT_EQ(s.vnics[0].zero_copy->gpa_base, 0x80000000u);
  EXPECT_FALSE(s.vnics[0].pool.has_value());
  EXPECT_EQ(s.vnics[1].zero_copy->guest_mem, 524288u);
  EXPECT_FALSE(load_scenario(kDir + "/pools.yaml").vnics[0].zero_copy.has_value());
  // The default queue: 256 entries of 2 KiB, the ring rounded up to 16 KiB.
  const std::uint64_t need = host::guest_rx_layout(8, 2048).bytes;
  ASSERT_EQ(need, 16384u + 256u * 2048u);
  const Scenario q = parse_scenario(kHead + "vnics:\n  - {vport: 3, zero_copy: {guest_mem: " +
                                        std::to_string(need) + "}}\n",
                                    "t.yaml", kDir);
  EXPECT_EQ(q.vnics[0].zero_copy->gpa_base, 0x80000000u) << "the default";
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, zero_copy: {gpa_base: 0}}\n"),
            "t.yaml:4: vnics[0].zero_copy: missing 'guest_mem' (at least 540672 bytes)");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, zero_copy: {guest_mem: 540671}}\n"),
            "t.yaml:4: vnics[0].zero_copy.guest_mem: 540671 is outside 540672..1073741824");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, rx_queues: {count: 2}, zero_copy: "
                             "{guest_mem: 540672}}\n"),
            "t.yaml:4: vnics[0].zero_copy.guest_mem: 540672 is outside 1081344..1073741824");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, zero_copy: {guest_mem: 1048576, "
                             "gpa_base: 0x80000800}}\n"),
            "t.yaml:4: vnics[0].zero_copy.gpa_base: not 4 KiB aligned");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, pool: {bytes: 4096}, zero_copy: "
                             "{guest_mem: 1048576}}\n"),
            "t.yaml:4: vnics[0].zero_copy: a VNIC has a pool or zero_copy");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, zero_copy: {guest_mem: 1048576, "
                             "ring: 8}}\n"),
            "t.yaml:4: vnics[0].zero_copy: unknown key 'ring'");
}

TEST(Scenario, MistakesNameTheFileLineAndKey) {
  EXPECT_EQ(error_of("name: t\n"), "t.yaml:1: missing 'nicsim_scenario: 1' (the format version)");
  EXPECT_EQ(error_of(kHead + "nic:\n  data_widht: 64\n"), "t.yaml:4: nic: unknown key 'data_widht'");
  EXPECT_EQ(error_of(kHead + "nic: {data_width: 128}\n"), "t.yaml:3: nic.data_width: must be 64 or 512");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1, rx_queues: {count: 99}}\n"),
            "t.yaml:4: vnics[0].rx_queues.count: 99 is outside 1..64");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - vport: 1\n    mac: 02:00:00\n"),
            "t.yaml:5: vnics[0].mac: expected a MAC address (02:00:00:00:00:01), found '02:00:00'");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1}\n  - {vport: 1}\n"),
            "t.yaml:5: vnics[1].vport: vport 1 twice");
  EXPECT_EQ(error_of(kHead + "flows:\n  - match: [{ipv5: {}}]\n    actions: [drop]\n"),
            "t.yaml:4: flows[0].match[0].ipv5: unknown item 'ipv5' (eth, vlan, ipv4, ipv6, tcp, "
            "udp, icmp, icmpv6, vxlan, nvgre, geneve, gre, vport)");
  EXPECT_NE(error_of(kHead + "flows:\n  - match: [{eth: {}}]\n    actions: [{teleport: 1}]\n")
                .find("t.yaml:5: flows[0].actions[0]: unknown action 'teleport'"),
            std::string::npos);
  EXPECT_EQ(error_of(kHead + "flows:\n  - match: [{tcp: {dport: 70000}}]\n    actions: [drop]\n"),
            "t.yaml:4: flows[0].match[0].tcp.dport: 70000 is outside 0..65535");
  EXPECT_EQ(error_of(kHead + "flows:\n  - match: [{eth: {}}]\n"), "t.yaml:4: flows[0]: missing 'actions'");
  EXPECT_EQ(error_of(kHead + "traffic:\n  sources:\n    - {pcap: nope.pcap}\n"),
            "t.yaml:5: traffic.sources[0].pcap: " + (fs::path(kDir) / "nope.pcap").string() +
                " does not exist");
  EXPECT_EQ(error_of(kHead + "vnics:\n  - {vport: 1}\ntraffic:\n  sources:\n"
                             "    - {from: vnic1, pcap: ../zeek__5-pings.pcap}\n"),
            "t.yaml:7: traffic.sources[0].from: VNIC 1 has no tx_queue");
  EXPECT_EQ(error_of(kHead + "host: {program: install_on_miss}\n"),
            "t.yaml:3: host: install_on_miss needs miss_actions (e.g. [{vnic: 1}])");
  EXPECT_EQ(error_of(kHead + "host: {program: forward_by_mac, miss_actions: [drop]}\n"),
            "t.yaml:3: host.miss_actions: forward_by_mac chooses each flow's destination "
            "itself; miss_actions are for install_on_miss");
  EXPECT_EQ(error_of(kHead + "run: {entry_counters: -1}\n").substr(0, 30),
            "t.yaml:3: run.entry_counters: ");
  EXPECT_EQ(error_of(kHead + "pcie: {max_payload: 100}\n"),
            "t.yaml:3: pcie.max_payload: 100 is outside 128..4096");
  EXPECT_EQ(error_of(kHead + "run: {audit_flows: -1}\n").substr(0, 27),
            "t.yaml:3: run.audit_flows: ");
  EXPECT_EQ(error_of(kHead + "pcie: {read_tags: 0}\n"),
            "t.yaml:3: pcie.read_tags: 0 is outside 1..1024");
  EXPECT_EQ(error_of(kHead + "vnics: {vport: 1}\n"), "t.yaml:3: vnics: expected a list, found a mapping");
  EXPECT_EQ(error_of(kHead + "nic: [1, 2\n").substr(0, 26), "t.yaml:4: not valid YAML: ");
  EXPECT_EQ(error_of(kHead + "bogus: 1\n"), "t.yaml:3: unknown key 'bogus'");
}

TEST(Scenario, MissingFileAndDefault) {
  EXPECT_THROW((void)load_scenario("/nonexistent/s.yaml"), ScenarioError);
  const Scenario d = default_scenario();
  EXPECT_EQ(d.vnics.size(), 1u);
  EXPECT_EQ(d.flows.size(), 6u);
  EXPECT_EQ(d.program, HostProgram::kNone);
  host::ModelDevice dev;
  host::Driver drv(dev);
  host::FlowTable ft(drv);
  for (const auto& f : d.flows) {
    const auto c = ft.compile(f.rule.attr, f.rule.pattern, f.rule.actions);
    EXPECT_TRUE(c.ok()) << f.name << ": " << (c.ok() ? "" : c.error().to_string());
  }
}

}  // namespace
}  // namespace nicsim::sim
