// SPDX-License-Identifier: MIT
// AxilMasterPort: an AXI4-Lite master at the cycle level, for a Verilated model's s_axil_*
// slave port. Accesses are queued (read or write of one 32-bit word) and performed one at a
// time, in order; each clock the port says what it drives (outputs()) and then takes the
// slave's answer (clock()). With `stalls` it idles 0-2 clocks before an access, delays AWVALID
// and WVALID independently by 0-2 clocks and pauses BREADY / RREADY a third of the time
// (from `rng`); without, every access takes the slave's minimum. No GoogleTest and no SystemC:
// the co-simulation (sim/src/nic_rtl.cpp) drives it from its clocked process, the benches'
// AxiLiteDriver (testbenches/common/axil_driver.hpp) from their harness, each with an
// AXI4-Lite checker watching. AxilSlavePort binds the plain values to a Verilated model's
// s_axil_* signals.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>

#include "nicsim/sim/axi/axi_checker.hpp"
#include "nicsim/sim/bits.hpp"

namespace nicsim::axi {

class AxilMasterPort {
 public:
  struct Access {
    bool write = false;
    std::uint32_t addr = 0;
    std::uint32_t data = 0;  // write data; for a read, the data read
    std::uint32_t strb = 0xF;
    std::uint32_t resp = 0;  // BRESP / RRESP
    std::uint64_t started = 0, done_at = 0;  // clocks
    /// Called when the access completes (its response taken), with the access.
    std::function<void(const Access&)> done;
  };

  explicit AxilMasterPort(std::mt19937* rng = nullptr) : rng_(rng) {}

  /// Stalls from `rng` from the next access on; nullptr: none.
  void set_rng(std::mt19937* rng) { rng_ = rng; }
  [[nodiscard]] bool stalls() const { return rng_ != nullptr; }

  void push(Access a) { q_.push_back(std::move(a)); }
  [[nodiscard]] bool idle() const { return q_.empty() && !active_; }
  [[nodiscard]] std::size_t queued() const { return q_.size() + (active_ ? 1u : 0u); }
  /// The access in progress cannot end (a timeout): a hung slave. Clocks since it started.
  [[nodiscard]] std::uint64_t busy_clocks() const { return active_ ? now_ - cur_.started : 0; }
  [[nodiscard]] std::uint64_t now() const { return now_; }

  /// What the master drives this clock (decided before the slave settles).
  const AxiLiteM2S& outputs() {
    if (!decided_) decide();
    return out_;
  }

  /// The slave's outputs of this clock (settled): the handshakes; advances one clock.
  void clock(const AxiLiteS2M& s) {
    if (!decided_) decide();
    const AxiLiteM2S m = out_;
    if (active_) {
      if (m.awvalid && s.awready) aw_done_ = true;
      if (m.wvalid && s.wready) w_done_ = true;
      if (cur_.write && m.bready && s.bvalid) finish(s.bresp, cur_.data);
      if (!cur_.write && m.arvalid && s.arready) ar_done_ = true;
      if (!cur_.write && m.rready && s.rvalid) {
        finish(s.rresp, static_cast<std::uint32_t>(s.rdata));
      }
    }
    ++now_;
    decided_ = false;
  }

 private:
  unsigned rand(unsigned lo, unsigned hi) {
    return rng_ == nullptr ? lo : std::uniform_int_distribution<unsigned>(lo, hi)(*rng_);
  }

  void decide() {
    decided_ = true;
    if (!active_ && !q_.empty()) {
      if (gap_ == 0) gap_ = 1 + rand(0, 2);  // 1 + the idle clocks before the access
      if (--gap_ == 0) {
        cur_ = std::move(q_.front());
        q_.pop_front();
        cur_.started = now_;
        active_ = true;
        aw_done_ = w_done_ = ar_done_ = false;
        aw_delay_ = rand(0, 2);
        w_delay_ = rand(0, 2);
        ar_delay_ = rand(0, 2);
        prot_ = rand(0, 7);
      }
    }
    out_ = {};
    if (!active_) return;
    const std::uint64_t t = now_ - cur_.started;
    if (cur_.write) {
      out_.awvalid = !aw_done_ && t >= aw_delay_;
      out_.awaddr = cur_.addr;
      out_.awprot = prot_;
      out_.wvalid = !w_done_ && t >= w_delay_;
      out_.wdata = cur_.data;
      out_.wstrb = cur_.strb;
      out_.bready = rand(0, 2) != 0 || rng_ == nullptr;
    } else {
      out_.arvalid = !ar_done_ && t >= ar_delay_;
      out_.araddr = cur_.addr;
      out_.arprot = prot_;
      out_.rready = rand(0, 2) != 0 || rng_ == nullptr;
    }
  }

  void finish(std::uint32_t resp, std::uint32_t data) {
    active_ = false;
    cur_.resp = resp;
    cur_.data = data;
    cur_.done_at = now_;
    if (cur_.done) cur_.done(cur_);
  }

  std::mt19937* rng_;
  std::deque<Access> q_;
  Access cur_;
  bool active_ = false, aw_done_ = false, w_done_ = false, ar_done_ = false;
  unsigned aw_delay_ = 0, w_delay_ = 0, ar_delay_ = 0, prot_ = 0, gap_ = 0;
  AxiLiteM2S out_;
  bool decided_ = false;
  std::uint64_t now_ = 0;
};

/// A Verilated model's AXI4-Lite slave port, signals s_axil_*: the master's values onto the
/// model's inputs, and both sides read back as plain values (for the checker and the master).
struct AxilSlavePort {
  template <class V>
  static void drive(V& d, const AxiLiteM2S& o) {
    d.s_axil_awvalid = o.awvalid;
    bench::put(d.s_axil_awaddr, o.awaddr);
    bench::put(d.s_axil_awprot, o.awprot);
    d.s_axil_wvalid = o.wvalid;
    bench::put(d.s_axil_wdata, o.wdata);
    bench::put(d.s_axil_wstrb, o.wstrb);
    d.s_axil_bready = o.bready;
    d.s_axil_arvalid = o.arvalid;
    bench::put(d.s_axil_araddr, o.araddr);
    bench::put(d.s_axil_arprot, o.arprot);
    d.s_axil_rready = o.rready;
  }
  template <class V>
  static AxiLiteM2S m2s(const V& d) {
    AxiLiteM2S s;
    s.awvalid = d.s_axil_awvalid != 0;
    s.awaddr = d.s_axil_awaddr;
    s.awprot = d.s_axil_awprot;
    s.wvalid = d.s_axil_wvalid != 0;
    s.wdata = d.s_axil_wdata;
    s.wstrb = d.s_axil_wstrb;
    s.bready = d.s_axil_bready != 0;
    s.arvalid = d.s_axil_arvalid != 0;
    s.araddr = d.s_axil_araddr;
    s.arprot = d.s_axil_arprot;
    s.rready = d.s_axil_rready != 0;
    return s;
  }
  template <class V>
  static AxiLiteS2M s2m(const V& d) {
    AxiLiteS2M s;
    s.awready = d.s_axil_awready != 0;
    s.wready = d.s_axil_wready != 0;
    s.bvalid = d.s_axil_bvalid != 0;
    s.bresp = d.s_axil_bresp;
    s.arready = d.s_axil_arready != 0;
    s.rvalid = d.s_axil_rvalid != 0;
    s.rdata = d.s_axil_rdata;
    s.rresp = d.s_axil_rresp;
    return s;
  }
};

}  // namespace nicsim::axi
