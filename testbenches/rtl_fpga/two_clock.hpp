// SPDX-License-Identifier: MIT
// A bench of a Verilated model with two unrelated clocks, s_clk and m_clk, each with its
// synchronous reset (s_rst, m_rst): the crossings of fpga/rtl (axis_async_fifo,
// usr_irq_bridge). The bench kit's Harness (testbenches/common) runs one clock; this is its
// two-clock counterpart.
//
// Time advances edge by edge: the next rising edge is that of the clock whose next edge
// comes first (periods in picoseconds; both, write side first, when they coincide). At an
// edge of one domain the bench samples that domain's handshakes on the settled signals
// (sample_s / sample_m), raises and lowers the clock, then drives the domain's inputs for its
// next edge (drive_s / drive_m). An input of one domain changes only right after an edge of
// its own clock, as the logic of that domain would change it.
#pragma once

#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <string>

namespace nicsim::bench {

struct Clocks {
  std::uint64_t s_ps;  // s_clk period
  std::uint64_t m_ps;  // m_clk period
};

template <class V>
class TwoClockBench {
 public:
  explicit TwoClockBench(Clocks c) : clocks_(c) {
    dut_ = std::make_unique<V>(ctx_.get());
    dut_->s_clk = 0;
    dut_->m_clk = 0;
    dut_->s_rst = 1;
    dut_->m_rst = 1;
    dut_->eval();
  }
  virtual ~TwoClockBench() { dut_->final(); }
  TwoClockBench(const TwoClockBench&) = delete;
  TwoClockBench& operator=(const TwoClockBench&) = delete;

  V& dut() { return *dut_; }

  /// Both resets high together for `edges` edges of the slower clock, then low.
  void reset(unsigned edges = 8) {
    dut_->s_rst = 1;
    dut_->m_rst = 1;
    const std::uint64_t s0 = s_edges_, m0 = m_edges_;
    while (s_edges_ - s0 < edges || m_edges_ - m0 < edges) step();
    dut_->s_rst = 0;
    dut_->m_rst = 0;
    dut_->eval();
  }

  /// One edge of whichever clock comes next.
  void step() {
    V& d = *dut_;
    if (t_s_ <= t_m_) {
      if (!d.s_rst) sample_s();
      d.s_clk = 1;
      d.eval();
      d.s_clk = 0;
      d.eval();
      ++s_edges_;
      drive_s();
      d.eval();
      t_s_ += clocks_.s_ps;
    } else {
      if (!d.m_rst) sample_m();
      d.m_clk = 1;
      d.eval();
      d.m_clk = 0;
      d.eval();
      ++m_edges_;
      drive_m();
      d.eval();
      t_m_ += clocks_.m_ps;
    }
  }
  void steps(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) step();
  }

  /// Steps until done() or `limit` edges; false, with a test failure naming `what` and the
  /// bench's status(), at the limit.
  template <class F>
  bool run_until(F&& done, std::uint64_t limit, const std::string& what) {
    for (std::uint64_t i = 0; i < limit; ++i) {
      if (done()) return true;
      step();
    }
    ADD_FAILURE() << what << ": not done after " << limit << " edges: " << status();
    return false;
  }

  [[nodiscard]] std::uint64_t s_edges() const { return s_edges_; }
  [[nodiscard]] std::uint64_t m_edges() const { return m_edges_; }

 protected:
  virtual void sample_s() {}
  virtual void drive_s() {}
  virtual void sample_m() {}
  virtual void drive_m() {}
  [[nodiscard]] virtual std::string status() const { return {}; }

 private:
  Clocks clocks_;
  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<V> dut_;
  std::uint64_t t_s_ = 0, t_m_ = 0, s_edges_ = 0, m_edges_ = 0;
};

}  // namespace nicsim::bench
