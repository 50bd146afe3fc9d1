// SPDX-License-Identifier: MIT
// The host suite's `sim` world: the driver on SimDevice, the Verilated NIC (DATA_W=64) in
// SystemC behind the PCIe link, driven from the test's body (outside any SystemC process), with
// the scoreboard beside the RTL. One per process: SystemC elaborates once (each test case runs
// in its own process, gtest_discover_tests).
#include <gtest/gtest.h>

#include <deque>

#include "nicsim/sim/nic_system.hpp"
#include "nicsim/sim/scoreboard.hpp"
#include "world.hpp"

namespace nicsim::host::test {
namespace {

class SimWorld final : public World {
 public:
  SimWorld()
      : sys_("nic", config()),
        sb_(sim::rtl_device_config(64)) {
    // The tests poll the receive queues themselves: the scoreboard compares the wire and the
    // counters, and the tests' own expectations the received frames.
    sb_.set_receive_checked(false);
    sys_.nic.set_observer(&sb_);
    sys_.nic.on_wire_out = [this](std::span<const std::uint8_t> f, std::uint64_t) {
      model::Frame fr;
      fr.data.assign(f.begin(), f.end());
      fr.orig_len = static_cast<std::uint32_t>(f.size());
      fr.ts_ns = static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9);
      out_.push_back(std::move(fr));
    };
  }

  Device& device() override { return sys_.dev; }
  const char* backend() const override { return "sim"; }
  void wire_rx(std::span<const std::uint8_t> frame) override {
    sys_.nic.wire_send(std::vector<std::uint8_t>(frame.begin(), frame.end()));
    settle();
  }
  std::optional<model::Frame> wire_tx() override {
    settle();
    if (out_.empty()) return std::nullopt;
    model::Frame f = std::move(out_.front());
    out_.pop_front();
    return f;
  }
  void advance(std::uint64_t cycles) override { sys_.run_cycles(cycles); }
  void set_link(const model::PhyLink& link) override {
    sys_.nic.set_link(link);
    // Sampled at the next clock, LINK_STATUS a clock later, the vector's request after it:
    // a few clocks are enough for the interrupt to reach the PCIe link's MSI-X.
    sys_.run_cycles(8);
  }
  void settle() override {
    if (!sys_.settle()) {
      ADD_FAILURE() << "the NIC did not settle: "
                    << (sys_.nic.error().empty() ? "still busy" : sys_.nic.error());
    }
  }
  std::uint64_t now() override { return sys_.nic.cycle(); }
  std::optional<std::uint64_t> wire_discards() override { return std::nullopt; }

  void check_end(const Stats& s) override {
    EXPECT_TRUE(sys_.nic.error().empty()) << sys_.nic.error();
    sb_.finish(s, sys_.nic.cycle());
    EXPECT_EQ(sb_.mismatch_count(), 0u) << [&] {
      std::string m;
      for (const auto& x : sb_.mismatches()) m += "\n  " + x.to_string();
      return m;
    }();
  }

 private:
  static sim::NicSystemConfig config() {
    sim::NicSystemConfig c;
    c.data_width = 64;
    return c;
  }

  sim::NicSystem sys_;
  sim::Scoreboard sb_;
  std::deque<model::Frame> out_;
};

}  // namespace

std::unique_ptr<World> make_world() { return std::make_unique<SimWorld>(); }

}  // namespace nicsim::host::test
