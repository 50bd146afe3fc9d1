// SPDX-License-Identifier: MIT
// The switch with a NIC of the default size (the golden model; the co-simulation's NIC keeps
// small tables for speed, so these run on the model only): encapsulation at scale, a template
// per tunnel destination for hundreds of destinations, all of them offloaded.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/model/builder.hpp"
#include "fixture.hpp"

namespace nicsim::host::vswitch {
namespace {

constexpr std::uint64_t kVmMac = 0x020000000001, kPeerMac = 0x0200000000b2;

TEST(SwitchAtScale, HundredsOfTunnelDestinationsAreAllOffloadedWithATemplateEach) {
  model::DeviceConfig cfg = test::host_test_config();
  cfg.pipeline = model::PipelineConfig{};  // the NIC's defaults: 4096 templates, 64K entries
  cfg.pipeline.num_vnic = test::host_test_config().pipeline.num_vnic;
  ModelDevice dev(cfg);
  Driver drv = Driver::probe(dev);
  drv.enable();
  ASSERT_GE(drv.features().num_encap, 4096u);
  VnicConfig v;
  v.vport = 1;
  v.rxq_base = 0;
  v.rxq_count = 1;
  v.mac = test::mac(kVmMac);
  drv.configure_vnic(v);

  // 300 remote hosts, one VM each: each its own tunnel destination (far more than the 63
  // templates the NIC used to have).
  constexpr unsigned kHosts = 300;
  Pipeline policy(*model::IpAddr::parse("10.1.0.1"), *model::IpAddr::parse("10.1.0.1"));
  Vnet& vn = policy.vnet(1);
  vn.vni = 100;
  const auto ca = [](unsigned i) { return model::IpAddr(model::Ipv4Addr(0x0a000100u + i)); };
  const auto pa = [](unsigned i) { return model::IpAddr(model::Ipv4Addr(0x0a030000u + i)); };
  for (unsigned i = 0; i < kHosts; ++i) {
    vn.mappings[ca(i)] = {pa(i), model::MacAddr::from_u64(kPeerMac)};
  }
  Eni& e = policy.eni(1);
  e.mac = model::MacAddr::from_u64(kVmMac);
  e.vnet = 1;
  e.vport = 1;
  e.routes.insert(*IpPrefix::parse("10.0.0.0/16"), {RouteType::kVnet});
  FlowTable ft(drv);
  SwitchConfig sc;
  sc.underlay_mac = test::mac(0x0a0000000001);
  sc.underlay_next_hop = test::mac(0x0a00000000fe);
  Switch sw(drv, ft, policy, sc);
  sw.bring_up();
  TxQueue vm(drv, 1, TxQueueConfig{.size_log2 = 9, .vport = 1});

  const auto frame = [&](unsigned i) {
    return model::PacketBuilder()
        .eth({.dst = model::MacAddr::from_u64(0x0200000000fe), .src = model::MacAddr::from_u64(kVmMac)})
        .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = ca(i).v4()})
        .udp({.sport = 5000, .dport = 53})
        .payload(20)
        .bytes();
  };
  // Twice: the first frames miss and are offloaded; the second ones stay in the NIC.
  for (int round = 0; round < 2; ++round) {
    for (unsigned i = 0; i < kHosts; ++i) ASSERT_TRUE(vm.send(frame(i), std::nullopt, false));
    vm.doorbell();
    while (sw.service(1'000'000'000) != 0) {
    }
    vm.reap();
    std::vector<std::uint32_t> outer_dst;
    while (auto f = dev.wire_tx()) {
      ASSERT_GE(f->data.size(), 34u);
      outer_dst.push_back(static_cast<std::uint32_t>(fmt::load_be(f->data.data() + 30, 4)));
    }
    ASSERT_EQ(outer_dst.size(), kHosts) << "round " << round;
    std::sort(outer_dst.begin(), outer_dst.end());
    for (unsigned i = 0; i < kHosts; ++i) EXPECT_EQ(outer_dst[i], pa(i).v4().value());
  }
  EXPECT_EQ(sw.stats().installed, kHosts);
  EXPECT_EQ(sw.stats().encap_full, 0u);
  EXPECT_EQ(sw.stats().sw_forwarded, 0u);
  EXPECT_EQ(sw.encap_templates_used(), kHosts);
  EXPECT_EQ(sw.stats().exceptions, kHosts) << "the second round never left the NIC";
  sw.flush();
}

}  // namespace
}  // namespace nicsim::host::vswitch
