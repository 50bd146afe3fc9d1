// SPDX-License-Identifier: MIT
// Shared fixture of the host benches: the driver on the `model` HAL backend, with the
// ledger and the driver-read counters checked against the model after every test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/model/builder.hpp"

namespace nicsim::host::test {

inline model::DeviceConfig small_config() {
  model::DeviceConfig c;
  c.pipeline.em_buckets = 16;  // 2 * 16 * 4 = 128 exact-match entries
  c.pipeline.tcam_entries = 16;
  c.pipeline.num_meters = 8;
  c.pipeline.num_encap = 8;
  c.pipeline.num_vnic = 4;
  c.num_rxq = 16;
  c.num_txq = 8;
  c.num_vectors = 8;
  return c;
}

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
  explicit HostTest(const model::DeviceConfig& cfg = small_config())
      : dev(cfg), drv(Driver::probe(dev)) {
    drv.enable();
  }

  void TearDown() override {
    // The pipeline is empty between calls of the untimed model: the ledger must balance,
    // and what the driver reads through registers must be what the model counted.
    const Stats s = drv.stats();
    EXPECT_TRUE(s.ledger_balanced()) << s.to_string();
    const auto c = dev.nic().counters();
    EXPECT_TRUE(dev.nic().ledger().balanced());
    EXPECT_EQ(s.rx_wire_frames, c.rx_wire_frames);
    EXPECT_EQ(s.tx_frames, c.tx_frames);
    EXPECT_EQ(s.out_wire, c.out_wire);
    EXPECT_EQ(s.out_vnic, c.out_vnic);
    EXPECT_EQ(s.out_exception, c.out_exception);
    EXPECT_EQ(s.drops(), c.drops());
    EXPECT_EQ(s.em_hits, c.em_hits);
    EXPECT_EQ(s.tcam_hits, c.tcam_hits);
    EXPECT_EQ(s.tx_bad_desc, c.tx_bad_desc);
    EXPECT_EQ(dev.nic().dma_errors(), 0u);
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

  ModelDevice dev;
  Driver drv;
};

}  // namespace nicsim::host::test
