// SPDX-License-Identifier: MIT
// Shared fixture of the host benches: the driver on the backend's device (world.hpp: the
// golden model, or the Verilated NIC in SystemC), with the ledger checked and the NIC's own
// view compared after every test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/model/builder.hpp"
#include "world.hpp"

namespace nicsim::host::test {

inline Mac mac(std::uint64_t v) {
  Mac m{};
  for (int i = 0; i < 6; ++i)
    m[static_cast<unsigned>(i)] = static_cast<std::uint8_t>(v >> (8 * (5 - i)));
  return m;
}

constexpr std::uint64_t kMacVnic1 = 0x020000000011, kMacVnic2 = 0x020000000022;
constexpr std::uint64_t kMacGw = 0x0200000000ff;

/// An Ethernet/IPv4/TCP frame.
inline std::vector<std::uint8_t> tcp4(std::uint32_t sip, std::uint32_t dip, std::uint16_t sport,
                                      std::uint16_t dport, std::size_t payload = 32,
                                      std::uint64_t smac = kMacGw, std::uint64_t dmac = kMacVnic1) {
  return model::PacketBuilder()
      .eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)})
      .ipv4({.src = model::Ipv4Addr(sip), .dst = model::Ipv4Addr(dip)})
      .tcp({.sport = sport, .dport = dport})
      .payload(payload)
      .bytes();
}

inline std::vector<FlowItem> tcp4_pattern(std::uint32_t sip, std::uint32_t dip, std::uint16_t sport,
                                          std::uint16_t dport) {
  return {ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = sip, .dst = dip}}},
          ItemTcp{{.spec = TcpHdr{.sport = sport, .dport = dport}}}, ItemEnd{}};
}

class HostTest : public ::testing::Test {
 protected:
  HostTest() : world_(make_world()), w(*world_), drv(Driver::probe(w.device())) {
    drv.enable();
  }

  void TearDown() override {
    w.settle();
    const Stats s = drv.stats();
    EXPECT_TRUE(s.ledger_balanced()) << s.to_string();
    w.check_end(s);
  }

  /// VNIC `vport` with `count` receive queues from `base`.
  void vnic(unsigned vport, unsigned base, unsigned count, bool rss = false, std::uint64_t m = 0) {
    VnicConfig c;
    c.vport = vport;
    c.rxq_base = base;
    c.rxq_count = count;
    c.rss = rss;
    c.mac = mac(m != 0 ? m : (vport == 1 ? kMacVnic1 : kMacVnic2));
    drv.configure_vnic(c);
  }

  std::unique_ptr<World> world_;
  World& w;  // the wire, time, and the device the driver runs on
  Driver drv;
};

/// Negative interrupt checks wait this long (simulated time on the sim backend): far longer
/// than an MSI-X takes over the link, short enough to keep the suite quick.
inline constexpr std::chrono::nanoseconds kIrqQuiet{20'000};

}  // namespace nicsim::host::test
