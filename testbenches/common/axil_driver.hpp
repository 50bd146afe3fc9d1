// SPDX-License-Identifier: MIT
// AxiLiteDriver: the AXI4-Lite master of the cycle-level benches, for a Verilated model whose
// slave port is named s_axil_* (nic_regfile, nic_top and the wrappers around them), with the
// AxiLiteChecker on every clock. The master itself is the co-simulation's AxilMasterPort
// (nicsim/sim/axi/axil_master.hpp): one transaction at a time; with stalls on (the default)
// it idles 0-2 clocks before each transaction, delays AWVALID and WVALID independently by 0-2
// clocks, randomises AWPROT/ARPROT and pauses BREADY/RREADY a third of the time. A
// transaction that takes more than `timeout` clocks fails the test, as does a response other
// than OKAY.
//
// An agent of the bench's Harness: it drives the port every clock and takes the handshakes in
// sample(); write() and read() clock the harness (every agent) until the transaction ends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "common/axi_checker.hpp"
#include "common/harness.hpp"
#include "nicsim/sim/axi/axil_master.hpp"

namespace nicsim::axi {

template <class V>
class AxiLiteDriver : public bench::Agent {
 public:
  AxiLiteDriver(bench::Harness<V>& h, std::mt19937& rng, std::string name = "axil",
                unsigned timeout = 100)
      : bench::Agent(h), h_(h), m_(h.dut()), rng_(rng), port_(&rng), chk_(std::move(name)),
        timeout_(timeout) {}

  void set_stalls(bool on) { port_.set_rng(on ? &rng_ : nullptr); }
  [[nodiscard]] bool stalls() const { return port_.stalls(); }
  AxiLiteChecker& checker() { return chk_; }

  void drive() override { AxilSlavePort::drive(m_, port_.outputs()); }
  // Every clock, settled, before the edge.
  void sample() override {
    const AxiLiteS2M s = AxilSlavePort::s2m(m_);
    chk_.observe(AxilSlavePort::m2s(m_), s);
    port_.clock(s);
  }

  void write(std::uint32_t addr, std::uint32_t data, unsigned strb = 0xF) {
    AxilMasterPort::Access a;
    a.write = true;
    a.addr = addr;
    a.data = data;
    a.strb = strb;
    const AxilMasterPort::Access done = run(std::move(a));
    EXPECT_EQ(done.resp, 0u) << "BRESP of 0x" << std::hex << addr;
  }

  std::uint32_t read(std::uint32_t addr) {
    AxilMasterPort::Access a;
    a.addr = addr;
    a.data = 0xDEADBEEF;
    const AxilMasterPort::Access done = run(std::move(a));
    EXPECT_EQ(done.resp, 0u) << "RRESP of 0x" << std::hex << addr;
    return done.data;
  }

 private:
  // Queues the access and clocks until it ends (or `timeout` clocks: a test failure).
  AxilMasterPort::Access run(AxilMasterPort::Access a) {
    bool finished = false;
    AxilMasterPort::Access result = a;
    a.done = [&](const AxilMasterPort::Access& x) {
      finished = true;
      result = x;
    };
    port_.push(std::move(a));
    for (unsigned t = 0; !finished; ++t) {
      if (t >= timeout_) {
        ADD_FAILURE() << (result.write ? "write to 0x" : "read of 0x") << std::hex
                      << result.addr << " hangs";
        break;
      }
      h_.tick();
    }
    return result;
  }

  bench::Harness<V>& h_;
  V& m_;
  std::mt19937& rng_;
  AxilMasterPort port_;
  AxiLiteChecker chk_;
  unsigned timeout_;
};

}  // namespace nicsim::axi
