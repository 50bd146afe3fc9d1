// SPDX-License-Identifier: MIT
// Cycle harness of the Verilated nic_top (through sim/rtl/nic_cosim_top.sv) for the rtl_top
// benches, on the bench kit (testbenches/common): the wire input and output streams (random
// gaps and back-pressure), the AXI4 host memory (AxiMem: latency, random stalls) with the AXI4
// checker always on, an AXI4-Lite master (AxiLiteDriver, no stalls) with its checker, the
// interrupt request port (random ready) and the ingress monitor.
//
// Register access is blocking, as a driver's: write32 / read32 clock the whole NIC until the
// transaction completes, so traffic keeps flowing while the host programs the NIC.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/axi_slave.hpp"
#include "common/axil_driver.hpp"
#include "common/axis.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "nicsim/model/device/phy_link.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::rtl_top {

using Bytes = std::vector<std::uint8_t>;

NICSIM_AXI_PORT(TopAxi, m_axi_);
NICSIM_AXIS_PORT(WireIn, s_axis_wire_);
NICSIM_AXIS_PORT(WireOut, m_axis_wire_);
NICSIM_VALID_READY_PORT(IrqPort, m_irq_);

struct HarnessConfig {
  axi::AxiMemConfig mem{};
  double p_wire_in = 1.0;    // a wire beat offered in a clock (when one is waiting)
  double p_wire_out = 1.0;   // m_axis_wire_tready
  double p_irq_ready = 1.0;  // m_irq_ready
  std::uint64_t seed = 1;
  model::PhyLink link{};     // the PHY status inputs from reset on (docs/spec.md 12)
};

struct Ingress {
  std::uint8_t vport;
  std::uint64_t ts;
};

template <class V>
class Harness {
 public:
  explicit Harness(const HarnessConfig& cfg)
      : cfg_(cfg), h_({.name = "nic_top"}), mem_(with_width(cfg.mem)), rng_(cfg.seed),
        chk_(checker_cfg()) {
    // Every clock, in this order: the AXI slave (AxiMem) and its checker; the wire input
    // (a beat held until taken), the wire output's and the interrupt port's ready, all drawn
    // from rng_; the ingress monitor; the AXI4-Lite master.
    wout_.on_frame = [this](bench::AxisFrame&& f) {
      wout_bytes_ += f.data.size();
      wframes_.push_back(std::move(f.data));
    };
    axil_.set_stalls(false);
    set_link(cfg_.link);  // before reset: the first sample is not a change
    h_.reset(8, 1);
  }

  static constexpr unsigned kBytes = TopAxi::data_bytes<V>();

  V& dut() { return h_.dut(); }
  axi::AxiMem& mem() { return mem_; }
  std::uint64_t cycle() const { return h_.cycle(); }

  // ---- wire
  void send(Bytes f) { win_.send(std::move(f)); }
  std::size_t wire_in_pending() const { return win_.queued(); }
  std::vector<Bytes>& wire_out() { return wframes_; }
  const std::vector<Ingress>& ingress() const { return ing_; }
  std::vector<unsigned>& irqs() { return irqs_; }
  void set_wire_out_ready(double p) { cfg_.p_wire_out = p; }
  void set_irq_ready(double p) { cfg_.p_irq_ready = p; }
  /// The PHY status inputs (held until the next call; in the core clock domain).
  void set_link(const model::PhyLink& l) {
    dut().phy_link_up = l.up ? 1 : 0;
    dut().phy_speed = static_cast<std::uint8_t>(l.speed) & 0xFu;
    dut().phy_media = static_cast<std::uint8_t>(l.media) & 0xFu;
  }
  std::uint64_t wire_out_bytes() const { return wout_bytes_; }

  // ---- registers (blocking)
  void write32(std::uint32_t addr, std::uint32_t v) { axil_.write(addr, v); }
  std::uint32_t read32(std::uint32_t addr) { return axil_.read(addr); }
  std::uint64_t read64(std::uint32_t addr) {
    const std::uint64_t lo = read32(addr);
    return lo | (std::uint64_t{read32(addr + 4)} << 32);
  }

  /// Clocks until the NIC is idle: no wire frame waiting, memory idle and no progress of the
  /// counters and streams for `quiet` clocks. False (with a failure) after `limit` clocks.
  bool settle(std::uint64_t limit = 2'000'000, unsigned quiet = 400) {
    std::uint64_t last_change = h_.cycle();
    std::uint64_t sig = activity();
    const std::uint64_t start = h_.cycle();
    while (h_.cycle() - start < limit) {
      step();
      const std::uint64_t s = activity();
      if (s != sig || !win_.idle() || !mem_.idle()) {
        sig = s;
        last_change = h_.cycle();
      } else if (h_.cycle() - last_change >= quiet) {
        return true;
      }
    }
    ADD_FAILURE() << "nic_top did not settle within " << limit << " clocks (wire frames waiting "
                  << win_.queued() << ")";
    return false;
  }

  void step() { h_.tick(); }

  void expect_axi_idle() { chk_.expect_idle(); }

 private:
  static axi::AxiMemConfig with_width(axi::AxiMemConfig c) {
    c.data_bytes = TopAxi::data_bytes<V>();
    return c;
  }
  static axi::AxiCheckerConfig checker_cfg() {
    axi::AxiCheckerConfig c;
    c.name = "nic_top m_axi";
    c.data_bytes = TopAxi::data_bytes<V>();
    return c;
  }

  std::uint64_t activity() const {
    return ing_.size() * 1000003 + wframes_.size() * 7919 + mem_.r_beats() * 31 +
           mem_.w_beats() * 17 + irqs_.size() + wout_bytes_ + wout_.beats() * 3;
  }

  HarnessConfig cfg_;
  bench::Harness<V> h_;
  axi::AxiMem mem_;
  model::Prng rng_;
  axi::AxiChecker chk_;
  axi::AxiMemSlave<V, TopAxi> axi_{h_, mem_, chk_};
  bench::AxisSource<V, WireIn> win_{
      h_, {.valid = [this](std::uint64_t) { return rng_.chance(cfg_.p_wire_in); }}};
  bench::AxisSink<V, WireOut> wout_{
      h_, {.ready = [this](std::uint64_t) { return rng_.chance(cfg_.p_wire_out); }}};
  bench::ChannelSink<V, IrqPort> irq_{
      h_, [this](V& d) { irqs_.push_back(d.m_irq_vector); },
      {.ready = [this](std::uint64_t) { return rng_.chance(cfg_.p_irq_ready); }}};
  bench::Hook monitor_{h_, nullptr, [this] {
                         V& d = h_.dut();
                         if (!d.mon_ingress) return;
                         ing_.push_back(Ingress{static_cast<std::uint8_t>(d.mon_vport), d.mon_ts});
                       }};
  std::mt19937 axil_rng_{1};  // AWPROT/ARPROT only (no stalls)
  axi::AxiLiteDriver<V> axil_{h_, axil_rng_, "nic_top s_axil", 10000};

  std::vector<Bytes> wframes_;
  std::uint64_t wout_bytes_ = 0;
  std::vector<Ingress> ing_;
  std::vector<unsigned> irqs_;
};

}  // namespace nicsim::rtl_top
