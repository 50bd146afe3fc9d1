// SPDX-License-Identifier: MIT
// AxiMemSlave: the host memory (AxiMem) and the protocol checker (AxiChecker) on a Harness's
// clock, as the slave of a model's AXI4 master port bound with NICSIM_AXI_PORT. Every clock,
// drive() puts the memory's outputs on the port; sample() reads the master's side, clocks the
// memory and shows both sides to the checker. The bench owns the memory and the checker (it
// fills and reads the one, ends with the other's expect_idle()); m2s() and s2m() are this
// clock's channels for checks of its own (an agent made after this one sees them).
#pragma once

#include <functional>

#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/harness.hpp"

namespace nicsim::axi {

template <class V, class Port>
class AxiMemSlave : public bench::Agent {
 public:
  AxiMemSlave(bench::Harness<V>& h, AxiMem& mem, AxiChecker& chk)
      : bench::Agent(h), h_(h), mem_(mem), chk_(chk) {}

  /// What the checker sees, changed after the memory took the clock (tests of the checker).
  std::function<void(AxiM2S&, AxiS2M&)> mutate;

  [[nodiscard]] const AxiM2S& m2s() const { return m_; }
  [[nodiscard]] const AxiS2M& s2m() const { return s_; }

  void drive() override {
    s_ = mem_.outputs();
    Port::drive(h_.dut(), s_);
  }
  void sample() override {
    Port::sample(h_.dut(), m_);
    mem_.clock(m_);
    if (mutate) mutate(m_, s_);
    chk_.observe(m_, s_);
  }

 private:
  bench::Harness<V>& h_;
  AxiMem& mem_;
  AxiChecker& chk_;
  AxiM2S m_{};
  AxiS2M s_{};
};

}  // namespace nicsim::axi
