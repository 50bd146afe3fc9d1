// SPDX-License-Identifier: MIT
// The host suite's `model` world: the driver on ModelDevice, the golden model untimed.
#include <gtest/gtest.h>

#include "nicsim/host/hal/model_device.hpp"
#include "world.hpp"

namespace nicsim::host::test {
namespace {

class ModelWorld final : public World {
 public:
  explicit ModelWorld(const model::DeviceConfig& cfg) : dev_(cfg) {}

  Device& device() override { return dev_; }
  const char* backend() const override { return "model"; }
  void wire_rx(std::span<const std::uint8_t> frame) override { dev_.wire_rx(frame); }
  std::optional<model::Frame> wire_tx() override { return dev_.wire_tx(); }
  void advance(std::uint64_t cycles) override { dev_.advance(cycles); }
  void set_link(const model::PhyLink& link) override { dev_.nic().set_link(link); }
  void settle() override {}
  std::uint64_t now() override { return dev_.now(); }
  std::optional<std::uint64_t> wire_discards() override { return dev_.nic().rx_disabled(); }

  void check_end(const Stats& s) override {
    // The pipeline is empty between calls of the untimed model: what the driver reads through
    // registers must be what the model counted.
    const auto c = dev_.nic().counters();
    EXPECT_TRUE(dev_.nic().ledger().balanced());
    EXPECT_EQ(s.rx_wire_frames, c.rx_wire_frames);
    EXPECT_EQ(s.tx_frames, c.tx_frames);
    EXPECT_EQ(s.out_wire, c.out_wire);
    EXPECT_EQ(s.out_vnic, c.out_vnic);
    EXPECT_EQ(s.out_exception, c.out_exception);
    EXPECT_EQ(s.drops(), c.drops());
    EXPECT_EQ(s.em_hits, c.em_hits);
    EXPECT_EQ(s.tcam_hits, c.tcam_hits);
    EXPECT_EQ(s.tx_bad_desc, c.tx_bad_desc);
    EXPECT_EQ(dev_.nic().dma_errors(), 0u);
  }

 private:
  ModelDevice dev_;
};

}  // namespace

model::DeviceConfig host_test_config() {
  model::DeviceConfig c;
  c.pipeline.num_vnic = NICSIM_NIC_RTL_NUM_VNIC;
  c.pipeline.em_buckets = NICSIM_NIC_RTL_EM_BUCKETS;
  c.pipeline.tcam_entries = NICSIM_NIC_RTL_TCAM_ENTRIES;
  c.pipeline.num_meters = NICSIM_NIC_RTL_NUM_METERS;
  c.pipeline.num_encap = NICSIM_NIC_RTL_NUM_ENCAP;
  c.num_rxq = NICSIM_NIC_RTL_NUM_RXQ;
  c.num_txq = NICSIM_NIC_RTL_NUM_TXQ;
  c.num_vectors = NICSIM_NIC_RTL_NUM_VECTORS;
  c.data_w = 64;
  return c;
}

std::unique_ptr<World> make_model_world() {
  return std::make_unique<ModelWorld>(host_test_config());
}

#ifndef NICSIM_HOST_WORLD_SIM
std::unique_ptr<World> make_world() { return make_model_world(); }
#endif

}  // namespace nicsim::host::test
