// SPDX-License-Identifier: MIT
// AxilMasterPort: an AXI4-Lite master at the cycle level, for a Verilated model's s_axil_*
// slave port. Accesses are queued (read or write of one 32-bit word) and performed one at a
// time, in order; each clock the port says what it drives (outputs()) and then takes the
// slave's answer (clock()). With `stalls` it idles 0-2 clocks before an access, delays AWVALID
// and WVALID independently by 0-2 clocks and pauses BREADY / RREADY a third of the time
// (from `rng`); without, every access takes the slave's minimum. No GoogleTest and no SystemC:
// the co-simulation (sim/src/nic_rtl.cpp) drives it from its clocked process, with
// AxiLiteCheckerCore watching.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <random>

#include "nicsim/sim/axi/axi_checker.hpp"

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

}  // namespace nicsim::axi
