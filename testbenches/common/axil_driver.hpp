// SPDX-License-Identifier: MIT
// AxiLiteDriver: an AXI4-Lite master for cycle-level benches of a Verilated model whose slave
// port is named s_axil_* (nic_regfile and the wrappers around it), with the AxiLiteChecker
// on every clock. One transaction at a time; with stalls on (the default) it idles 0-2
// clocks before each transaction, delays AWVALID and WVALID independently by 0-2 clocks,
// randomises AWPROT/ARPROT and pauses BREADY/RREADY a third of the time. A transaction that
// takes more than `timeout` clocks fails the test.
//
// An agent of the bench's Harness: it checks every clock's channels and sees the handshakes
// in sample(); write() and read() clock the harness (every agent) until the transaction ends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "common/axi_checker.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"

namespace nicsim::axi {

template <class V>
class AxiLiteDriver : public bench::Agent {
 public:
  AxiLiteDriver(bench::Harness<V>& h, std::mt19937& rng, std::string name = "axil",
                unsigned timeout = 100)
      : bench::Agent(h), h_(h), m_(h.dut()), rng_(rng), chk_(std::move(name)),
        timeout_(timeout) {}

  void set_stalls(bool on) { stalls_ = on; }
  [[nodiscard]] bool stalls() const { return stalls_; }
  AxiLiteChecker& checker() { return chk_; }

  // Every clock, settled, before the edge.
  void sample() override {
    chk_.observe(m2s(), s2m());
    last_aw_ = m_.s_axil_awvalid && m_.s_axil_awready;
    last_w_ = m_.s_axil_wvalid && m_.s_axil_wready;
    last_b_ = m_.s_axil_bvalid && m_.s_axil_bready;
    last_ar_ = m_.s_axil_arvalid && m_.s_axil_arready;
    last_r_ = m_.s_axil_rvalid && m_.s_axil_rready;
    last_rdata_ = m_.s_axil_rdata;
    last_resp_ = last_b_ ? m_.s_axil_bresp : m_.s_axil_rresp;
  }

  void write(std::uint32_t addr, std::uint32_t data, unsigned strb = 0xF) {
    idle();
    bench::put(m_.s_axil_awaddr, addr);
    bench::put(m_.s_axil_awprot, rand(0, 7));
    m_.s_axil_wdata = data;
    bench::put(m_.s_axil_wstrb, strb);
    const unsigned aw_delay = stalls_ ? rand(0, 2) : 0;
    const unsigned w_delay = stalls_ ? rand(0, 2) : 0;
    bool aw_done = false, w_done = false;
    for (unsigned t = 0;; ++t) {
      if (t >= timeout_) {
        ADD_FAILURE() << "write to 0x" << std::hex << addr << " hangs";
        break;
      }
      m_.s_axil_awvalid = !aw_done && t >= aw_delay;
      m_.s_axil_wvalid = !w_done && t >= w_delay;
      m_.s_axil_bready = stalls_ ? rand(0, 2) != 0 : 1;
      h_.tick();
      aw_done = aw_done || last_aw_;
      w_done = w_done || last_w_;
      if (last_b_) {
        EXPECT_TRUE(aw_done && w_done);
        EXPECT_EQ(last_resp_, 0u) << "BRESP of 0x" << std::hex << addr;
        break;
      }
    }
    m_.s_axil_awvalid = 0;
    m_.s_axil_wvalid = 0;
    m_.s_axil_bready = 0;
  }

  std::uint32_t read(std::uint32_t addr) {
    idle();
    bench::put(m_.s_axil_araddr, addr);
    bench::put(m_.s_axil_arprot, rand(0, 7));
    const unsigned delay = stalls_ ? rand(0, 2) : 0;
    bool ar_done = false;
    std::uint32_t v = 0xDEADBEEF;
    for (unsigned t = 0;; ++t) {
      if (t >= timeout_) {
        ADD_FAILURE() << "read of 0x" << std::hex << addr << " hangs";
        break;
      }
      m_.s_axil_arvalid = !ar_done && t >= delay;
      m_.s_axil_rready = stalls_ ? rand(0, 2) != 0 : 1;
      h_.tick();
      ar_done = ar_done || last_ar_;
      if (last_r_) {
        EXPECT_TRUE(ar_done);
        EXPECT_EQ(last_resp_, 0u) << "RRESP of 0x" << std::hex << addr;
        v = last_rdata_;
        break;
      }
    }
    m_.s_axil_arvalid = 0;
    m_.s_axil_rready = 0;
    return v;
  }

  void idle() {
    if (!stalls_) return;
    for (unsigned n = rand(0, 2); n > 0; --n) h_.tick();
  }

 private:
  unsigned rand(unsigned lo, unsigned hi) {
    return std::uniform_int_distribution<unsigned>(lo, hi)(rng_);
  }
  AxiLiteM2S m2s() const {
    AxiLiteM2S s;
    s.awvalid = m_.s_axil_awvalid;
    s.awaddr = m_.s_axil_awaddr;
    s.awprot = m_.s_axil_awprot;
    s.wvalid = m_.s_axil_wvalid;
    s.wdata = m_.s_axil_wdata;
    s.wstrb = m_.s_axil_wstrb;
    s.bready = m_.s_axil_bready;
    s.arvalid = m_.s_axil_arvalid;
    s.araddr = m_.s_axil_araddr;
    s.arprot = m_.s_axil_arprot;
    s.rready = m_.s_axil_rready;
    return s;
  }
  AxiLiteS2M s2m() const {
    AxiLiteS2M s;
    s.awready = m_.s_axil_awready;
    s.wready = m_.s_axil_wready;
    s.bvalid = m_.s_axil_bvalid;
    s.bresp = m_.s_axil_bresp;
    s.arready = m_.s_axil_arready;
    s.rvalid = m_.s_axil_rvalid;
    s.rdata = m_.s_axil_rdata;
    s.rresp = m_.s_axil_rresp;
    return s;
  }

  bench::Harness<V>& h_;
  V& m_;
  std::mt19937& rng_;
  AxiLiteChecker chk_;
  unsigned timeout_;
  bool stalls_ = true;
  bool last_aw_ = false, last_w_ = false, last_b_ = false, last_ar_ = false, last_r_ = false;
  std::uint32_t last_rdata_ = 0, last_resp_ = 0;
};

}  // namespace nicsim::axi
