// SPDX-License-Identifier: MIT
// Cycle harness of the Verilated nic_top (through the bench wrapper top_tb.sv) for the rtl_top
// benches: the wire input and output streams (random gaps and back-pressure), the AXI4 host
// memory (AxiMem: latency, random stalls) with the AXI4 checker always on, an AXI4-Lite
// master with its checker, the interrupt request port (random ready) and the ingress monitor.
//
// Register access is blocking, as a driver's: write32 / read32 clock the whole NIC until the
// transaction completes, so traffic keeps flowing while the host programs the NIC.
#pragma once

#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "../axi/axi_checker.hpp"
#include "../axi/axi_mem.hpp"
#include "../axi/axi_port.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::rtl_top {

using Bytes = std::vector<std::uint8_t>;

NICSIM_AXI_PORT(TopAxi, m_axi_);

struct HarnessConfig {
  axi::AxiMemConfig mem{};
  double p_wire_in = 1.0;    // a wire beat offered in a clock (when one is waiting)
  double p_wire_out = 1.0;   // m_axis_wire_tready
  double p_irq_ready = 1.0;  // m_irq_ready
  std::uint64_t seed = 1;
};

struct Ingress {
  std::uint8_t vport;
  std::uint64_t ts;
};

template <class V>
class Harness {
 public:
  explicit Harness(const HarnessConfig& cfg)
      : cfg_(cfg), mem_(with_width(cfg.mem)), rng_(cfg.seed), chk_(checker_cfg()) {
    ctx_ = std::make_unique<VerilatedContext>();
    dut_ = std::make_unique<V>(ctx_.get());
    V& d = *dut_;
    d.clk = 0;
    d.rst = 1;
    for (int i = 0; i < 8; ++i) step();
    d.rst = 0;
    step();
  }
  ~Harness() { dut_->final(); }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  static constexpr unsigned kBytes = TopAxi::data_bytes<V>();

  V& dut() { return *dut_; }
  axi::AxiMem& mem() { return mem_; }
  std::uint64_t cycle() const { return cycle_; }

  // ---- wire
  void send(Bytes f) { win_.push_back(std::move(f)); }
  std::size_t wire_in_pending() const { return win_.size(); }
  std::vector<Bytes>& wire_out() { return wout_; }
  const std::vector<Ingress>& ingress() const { return ing_; }
  std::vector<unsigned>& irqs() { return irqs_; }
  void set_wire_out_ready(double p) { cfg_.p_wire_out = p; }
  void set_irq_ready(double p) { cfg_.p_irq_ready = p; }
  std::uint64_t wire_out_bytes() const { return wout_bytes_; }

  // ---- registers (blocking)
  void write32(std::uint32_t addr, std::uint32_t v) {
    op_ = Op{true, addr, v};
    run_op();
  }
  std::uint32_t read32(std::uint32_t addr) {
    op_ = Op{false, addr, 0};
    run_op();
    return op_.data;
  }
  std::uint64_t read64(std::uint32_t addr) {
    const std::uint64_t lo = read32(addr);
    return lo | (std::uint64_t{read32(addr + 4)} << 32);
  }

  /// Clocks until the NIC is idle: no wire frame waiting, memory idle and no progress of the
  /// counters and streams for `quiet` clocks. False (with a failure) after `limit` clocks.
  bool settle(std::uint64_t limit = 2'000'000, unsigned quiet = 400) {
    std::uint64_t last_change = cycle_;
    std::uint64_t sig = activity();
    const std::uint64_t start = cycle_;
    while (cycle_ - start < limit) {
      step();
      const std::uint64_t s = activity();
      if (s != sig || !win_.empty() || !mem_.idle()) {
        sig = s;
        last_change = cycle_;
      } else if (cycle_ - last_change >= quiet) {
        return true;
      }
    }
    ADD_FAILURE() << "nic_top did not settle within " << limit << " clocks (wire frames waiting "
                  << win_.size() << ")";
    return false;
  }

  void step() {
    V& d = *dut_;
    // Inputs for this clock.
    const axi::AxiS2M& s = mem_.outputs();
    TopAxi::drive(d, s);
    if (!in_valid_ && !win_.empty() && rng_.chance(cfg_.p_wire_in)) in_valid_ = true;
    drive_wire_in();
    d.m_axis_wire_tready = rng_.chance(cfg_.p_wire_out) ? 1 : 0;
    d.m_irq_ready = rng_.chance(cfg_.p_irq_ready) ? 1 : 0;
    drive_axil();
    d.clk = 0;
    d.eval();
    // Handshakes of this clock.
    axi::AxiM2S m;
    TopAxi::sample(d, m);
    chk_.observe(m, s);
    mem_.clock(m);
    if (d.s_axis_wire_tvalid && d.s_axis_wire_tready) {
      in_pos_ += kBytes;
      if (in_pos_ >= win_.front().size()) {
        win_.pop_front();
        in_pos_ = 0;
      }
      in_valid_ = false;
    }
    if (d.m_axis_wire_tvalid && d.m_axis_wire_tready) take_wire_out();
    if (d.m_irq_valid && d.m_irq_ready) irqs_.push_back(d.m_irq_vector);
    if (d.mon_ingress) ing_.push_back(Ingress{static_cast<std::uint8_t>(d.mon_vport), d.mon_ts});
    sample_axil();
    d.clk = 1;
    d.eval();
    ++cycle_;
  }

  void expect_axi_idle() { chk_.expect_idle(); }

 private:
  struct Op {
    bool write = false;
    std::uint32_t addr = 0;
    std::uint32_t data = 0;
  };

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
    return ing_.size() * 1000003 + wout_.size() * 7919 + mem_.r_beats() * 31 +
           mem_.w_beats() * 17 + irqs_.size() + wout_bytes_ + wcur_.size() * 3;
  }

  void drive_wire_in() {
    V& d = *dut_;
    std::uint8_t buf[axi::kMaxDataBytes] = {};
    std::uint64_t keep = 0;
    bool last = false;
    if (in_valid_) {
      const Bytes& f = win_.front();
      const std::size_t n = std::min<std::size_t>(kBytes, f.size() - in_pos_);
      for (std::size_t i = 0; i < n; ++i) buf[i] = f[in_pos_ + i];
      keep = n >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1);
      last = in_pos_ + n >= f.size();
    }
    axi::sig_put_bytes(d.s_axis_wire_tdata, buf);
    d.s_axis_wire_tkeep = static_cast<std::remove_reference_t<decltype(d.s_axis_wire_tkeep)>>(keep);
    d.s_axis_wire_tvalid = in_valid_ ? 1 : 0;
    d.s_axis_wire_tlast = last ? 1 : 0;
    d.s_axis_wire_tuser = 0;
  }

  void take_wire_out() {
    V& d = *dut_;
    std::uint8_t buf[axi::kMaxDataBytes];
    axi::sig_get_bytes(d.m_axis_wire_tdata, buf);
    const auto keep = static_cast<std::uint64_t>(d.m_axis_wire_tkeep);
    for (unsigned i = 0; i < kBytes; ++i)
      if ((keep >> i) & 1u) wcur_.push_back(buf[i]);
    if (d.m_axis_wire_tlast) {
      wout_bytes_ += wcur_.size();
      wout_.push_back(std::move(wcur_));
      wcur_.clear();
    }
  }

  void drive_axil() {
    V& d = *dut_;
    d.s_axil_awvalid = aw_pend_ ? 1 : 0;
    d.s_axil_wvalid = w_pend_ ? 1 : 0;
    d.s_axil_awaddr = static_cast<std::remove_reference_t<decltype(d.s_axil_awaddr)>>(op_.addr);
    d.s_axil_awprot = 0;
    d.s_axil_wdata = op_.data;
    d.s_axil_wstrb = 0xF;
    d.s_axil_bready = b_wait_ ? 1 : 0;
    d.s_axil_arvalid = ar_pend_ ? 1 : 0;
    d.s_axil_araddr = static_cast<std::remove_reference_t<decltype(d.s_axil_araddr)>>(op_.addr);
    d.s_axil_arprot = 0;
    d.s_axil_rready = r_wait_ ? 1 : 0;
  }

  void sample_axil() {
    V& d = *dut_;
    axi::AxiLiteM2S m;
    m.awvalid = d.s_axil_awvalid;
    m.awaddr = d.s_axil_awaddr;
    m.wvalid = d.s_axil_wvalid;
    m.wdata = d.s_axil_wdata;
    m.wstrb = d.s_axil_wstrb;
    m.bready = d.s_axil_bready;
    m.arvalid = d.s_axil_arvalid;
    m.araddr = d.s_axil_araddr;
    m.rready = d.s_axil_rready;
    axi::AxiLiteS2M s;
    s.awready = d.s_axil_awready;
    s.wready = d.s_axil_wready;
    s.bvalid = d.s_axil_bvalid;
    s.bresp = d.s_axil_bresp;
    s.arready = d.s_axil_arready;
    s.rvalid = d.s_axil_rvalid;
    s.rdata = d.s_axil_rdata;
    s.rresp = d.s_axil_rresp;
    lchk_.observe(m, s);
    if (aw_pend_ && s.awready) aw_pend_ = false;
    if (w_pend_ && s.wready) w_pend_ = false;
    if (b_wait_ && s.bvalid) {
      EXPECT_EQ(s.bresp, 0u) << "AXI4-Lite write response at " << std::hex << op_.addr;
      b_wait_ = false;
      busy_ = false;
    }
    if (ar_pend_ && s.arready) ar_pend_ = false;
    if (r_wait_ && !ar_pend_ && s.rvalid) {
      EXPECT_EQ(s.rresp, 0u) << "AXI4-Lite read response at " << std::hex << op_.addr;
      op_.data = static_cast<std::uint32_t>(s.rdata);
      r_wait_ = false;
      busy_ = false;
    }
  }

  void run_op() {
    busy_ = true;
    if (op_.write) {
      aw_pend_ = w_pend_ = b_wait_ = true;
    } else {
      ar_pend_ = r_wait_ = true;
    }
    for (int i = 0; busy_ && i < 10000; ++i) step();
    if (busy_) {
      ADD_FAILURE() << "AXI4-Lite " << (op_.write ? "write" : "read") << " at 0x" << std::hex
                    << op_.addr << " never completed";
      aw_pend_ = w_pend_ = b_wait_ = ar_pend_ = r_wait_ = busy_ = false;
    }
  }

  HarnessConfig cfg_;
  axi::AxiMem mem_;
  model::Prng rng_;
  axi::AxiChecker chk_;
  axi::AxiLiteChecker lchk_{"nic_top s_axil"};
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> dut_;
  std::uint64_t cycle_ = 0;

  std::deque<Bytes> win_;
  std::size_t in_pos_ = 0;
  bool in_valid_ = false;
  std::vector<Bytes> wout_;
  Bytes wcur_;
  std::uint64_t wout_bytes_ = 0;
  std::vector<Ingress> ing_;
  std::vector<unsigned> irqs_;

  Op op_{};
  bool busy_ = false, aw_pend_ = false, w_pend_ = false, b_wait_ = false, ar_pend_ = false,
       r_wait_ = false;
};

}  // namespace nicsim::rtl_top
