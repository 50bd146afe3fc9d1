// SPDX-License-Identifier: MIT
// PcieTiming against figures computed by hand from the PCIe Gen3 x16 parameters: TLP split at
// MPS, MRRS and 4 KiB boundaries, serialization per direction, latencies, ordering.
#include <gtest/gtest.h>

#include <stdexcept>

#include "nicsim/sim/pcie_timing.hpp"

namespace nicsim::sim {
namespace {

constexpr double kBpns = 8.0 * 16 * (128.0 / 130.0) / 8.0;  // 15.75 B/ns

TEST(PcieTiming, Gen3x16Bandwidth) {
  PcieConfig c;
  EXPECT_NEAR(c.bytes_per_ns(), 15.7538, 1e-4);
  EXPECT_NO_THROW(c.validate());
}

TEST(PcieTiming, DmaWriteSplitsAtMpsAndPageBoundaries) {
  PcieTiming t{PcieConfig{}};
  // 64 bytes: one TLP of 16 + 8 + 64 bytes.
  const auto w = t.dma_write(0.0, 0x1000, 64);
  EXPECT_NEAR(w.sent, 88 / kBpns, 1e-9);
  EXPECT_NEAR(w.done, 88 / kBpns + 250.0, 1e-9);
  // 1500 bytes from a page start: 5 x 256 + 220, six TLPs queued behind the first write.
  const auto w2 = t.dma_write(0.0, 0x2000, 1500);
  EXPECT_NEAR(w2.sent, (88 + 6 * 24 + 1500) / kBpns, 1e-9);
  EXPECT_EQ(t.stats().tlps[0], 7u);
  // 300 bytes at 0xFF0: 16 to the page (and MPS) boundary, 256, 28: three TLPs.
  PcieTiming p{PcieConfig{}};
  p.dma_write(0.0, 0xFF0, 300);
  EXPECT_EQ(p.stats().tlps[0], 3u);
  EXPECT_EQ(p.stats().wire_bytes[0], 3u * 24 + 300);
}

TEST(PcieTiming, LongWritesReachThePayloadShareOfTheLink) {
  PcieTiming t{PcieConfig{}};
  double sent = 0.0;
  const std::uint64_t total = 1 << 20;
  for (std::uint64_t a = 0; a < total; a += 4096) sent = t.dma_write(0.0, a, 4096).sent;
  // 256 of every 280 bytes on the wire are data: 14.40 B/ns = 115.2 Gb/s.
  EXPECT_NEAR(static_cast<double>(total) / sent, kBpns * 256 / 280, 1e-6);
}

TEST(PcieTiming, DmaReadRequestsAtMrrsCompletionsAtMps) {
  PcieTiming t{PcieConfig{}};
  const auto r = t.dma_read(0.0, 0, 64);
  EXPECT_NEAR(r.sampled, 24 / kBpns + 250.0, 1e-9);
  EXPECT_NEAR(r.done, 24 / kBpns + 500.0 + 84 / kBpns, 1e-9);
  // 1024 bytes: two requests of 512, each answered by two completions of 256 bytes; the
  // second request's completions wait for the first's on the downstream wire.
  PcieTiming u{PcieConfig{}};
  const auto r2 = u.dma_read(0.0, 0, 1024);
  EXPECT_EQ(u.stats().tlps[0], 2u);
  EXPECT_EQ(u.stats().tlps[1], 4u);
  EXPECT_NEAR(r2.done, 24 / kBpns + 500.0 + 4 * 276 / kBpns, 1e-9);
}

TEST(PcieTiming, AReadSeesTheWritesBeforeItAndPostedWritesKeepTheirOrder) {
  PcieTiming t{PcieConfig{}};
  const auto w1 = t.dma_write(10.0, 0x0, 1500);  // frame data
  const auto w2 = t.dma_write(10.0, 0x8000, 32);  // then its completion
  EXPECT_GT(w2.done, w1.done);
  const auto r = t.dma_read(10.0, 0x0, 64);
  EXPECT_GT(r.sampled, w2.done);
}

TEST(PcieTiming, MmioRoundTripAndMsix) {
  PcieTiming t{PcieConfig{}};
  const double at_nic = t.mmio_read_request(0.0);
  EXPECT_NEAR(at_nic, 20 / kBpns + 400.0, 1e-9);
  const double back = t.mmio_read_completion(at_nic + 12.0);  // the NIC answered 12 ns later
  EXPECT_NEAR(back, at_nic + 12.0 + 24 / kBpns + 400.0, 1e-9);
  EXPECT_NEAR(t.mmio_write(0.0), 20 / kBpns + 24 / kBpns + 250.0, 1e-9)
      << "queued behind the read request on the downstream wire";
  EXPECT_GT(t.msix(back), back + 250.0);
}

TEST(PcieTiming, BadParametersAreRejected) {
  PcieConfig c;
  c.max_payload = 200;
  EXPECT_THROW(PcieTiming{c}, std::invalid_argument);
  c = {};
  c.lanes = 0;
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c = {};
  c.dma_read_ns = 100;  // shorter than the request's flight
  EXPECT_THROW(c.validate(), std::invalid_argument);
}

}  // namespace
}  // namespace nicsim::sim
