// SPDX-License-Identifier: MIT
// AxiChecker: an AXI4 protocol checker for cycle-level benches. It observes the five
// channels once per clock (the settled values of that clock, as AxiM2S + AxiS2M) and reports
// every rule broken, with the cycle:
//   - a valid dropped before its ready (AW, W, AR from the master; B, R from the slave);
//   - a payload changed while valid && !ready;
//   - AW/AR: reserved burst type (3), AxSIZE wider than the bus, INCR burst crossing a 4 KiB
//     boundary, WRAP with a length other than 2/4/8/16 or an unaligned address, FIXED longer
//     than 16 beats; more bursts outstanding than max_reads / max_writes;
//   - W: wlast not on beat awlen+1 of its burst (also for W ahead of AW), strobes outside
//     the beat's byte lanes (narrow or unaligned transfers), W beats with no burst to go to
//     once all AWs are known complete (checked when the AW arrives);
//   - B: an ID with no outstanding write, or a B before the burst's last W beat;
//   - R: an ID with no outstanding read, rlast not on beat arlen+1 (either way).
// Failures are kept in errors() and handed to report() (unless collect_only is set), which a
// user overrides: the benches' AxiChecker (testbenches/common/axi_checker.hpp) makes each a
// GoogleTest failure, the co-simulation stops the run with it.
//
// AxiLiteChecker: the same valid/ready and stability rules for AXI4-Lite (no IDs, one beat),
// and responses only for outstanding requests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "nicsim/sim/axi/axi_port.hpp"

namespace nicsim::axi {

struct AxiCheckerConfig {
  std::string name = "axi";
  unsigned data_bytes = 64;
  unsigned max_reads = 256;    // bursts outstanding per direction that the master may have
  unsigned max_writes = 256;
  bool collect_only = false;   // keep errors() only, do not report()
  std::size_t max_reports = 20;  // per checker, to keep a broken run readable
};

class AxiCheckerBase {
 public:
  explicit AxiCheckerBase(std::string name, bool collect_only, std::size_t max_reports)
      : name_(std::move(name)), collect_only_(collect_only), max_reports_(max_reports) {}
  virtual ~AxiCheckerBase() = default;
  AxiCheckerBase(const AxiCheckerBase&) = default;
  AxiCheckerBase& operator=(const AxiCheckerBase&) = default;
  const std::vector<std::string>& errors() const { return errors_; }
  std::uint64_t cycle() const { return cycle_; }

 protected:
  void fail(const std::string& what) {
    std::ostringstream s;
    s << name_ << " cycle " << cycle_ << ": " << what;
    errors_.push_back(s.str());
    if (!collect_only_ && errors_.size() <= max_reports_) report(errors_.back());
  }
  /// A rule was broken (the first max_reports of a checker); default: nothing more than
  /// errors().
  virtual void report(const std::string& what) { (void)what; }
  std::string name_;
  bool collect_only_;
  std::size_t max_reports_;
  std::vector<std::string> errors_;
  std::uint64_t cycle_ = 0;
};

class AxiCheckerCore : public AxiCheckerBase {
 public:
  explicit AxiCheckerCore(const AxiCheckerConfig& cfg)
      : AxiCheckerBase(cfg.name, cfg.collect_only, cfg.max_reports), cfg_(cfg) {}

  std::size_t reads_outstanding() const { return n_reads_; }
  std::size_t writes_outstanding() const { return n_writes_; }

  // One clock: the settled values of both sides. Call once per clock, before the edge.
  void observe(const AxiM2S& m, const AxiS2M& s) {
    check_stability(m, s);
    if (m.arvalid && s.arready) on_ar(m);
    if (m.awvalid && s.awready) on_aw(m);
    if (m.wvalid && s.wready) on_w(m);
    if (s.bvalid && m.bready) on_b(s);
    if (s.rvalid && m.rready) on_r(s);
    prev_m_ = m;
    prev_s_ = s;
    have_prev_ = true;
    ++cycle_;
  }

  // Call at the end of a test: nothing may be left half done.
  void expect_idle() {
    if (n_reads_ != 0) fail(std::to_string(n_reads_) + " read bursts still outstanding");
    if (n_writes_ != 0) fail(std::to_string(n_writes_) + " write bursts still outstanding");
    if (w_beats_ != 0 || !w_done_.empty()) fail("W beats without a burst at the end");
  }

 private:
  struct Ax {
    std::uint32_t id = 0;
    std::uint64_t addr = 0;
    std::uint32_t len = 0, size = 0, burst = 0;
    std::uint32_t beats = 0;      // R beats seen (reads)
    bool data_done = false;       // all W beats seen (writes)
  };

  void check_stability(const AxiM2S& m, const AxiS2M& s) {
    if (!have_prev_) return;
    const AxiM2S& pm = prev_m_;
    const AxiS2M& ps = prev_s_;
    if (pm.awvalid && !ps.awready) {
      if (!m.awvalid)
        fail("AWVALID dropped before AWREADY");
      else if (m.awid != pm.awid || m.awaddr != pm.awaddr || m.awlen != pm.awlen ||
               m.awsize != pm.awsize || m.awburst != pm.awburst || m.awcache != pm.awcache ||
               m.awprot != pm.awprot)
        fail("AW payload changed while AWVALID && !AWREADY");
    }
    if (pm.wvalid && !ps.wready) {
      if (!m.wvalid)
        fail("WVALID dropped before WREADY");
      else if (m.wdata != pm.wdata || m.wstrb != pm.wstrb || m.wlast != pm.wlast)
        fail("W payload changed while WVALID && !WREADY");
    }
    if (pm.arvalid && !ps.arready) {
      if (!m.arvalid)
        fail("ARVALID dropped before ARREADY");
      else if (m.arid != pm.arid || m.araddr != pm.araddr || m.arlen != pm.arlen ||
               m.arsize != pm.arsize || m.arburst != pm.arburst || m.arcache != pm.arcache ||
               m.arprot != pm.arprot)
        fail("AR payload changed while ARVALID && !ARREADY");
    }
    if (ps.bvalid && !pm.bready) {
      if (!s.bvalid)
        fail("BVALID dropped before BREADY");
      else if (s.bid != ps.bid || s.bresp != ps.bresp)
        fail("B payload changed while BVALID && !BREADY");
    }
    if (ps.rvalid && !pm.rready) {
      if (!s.rvalid)
        fail("RVALID dropped before RREADY");
      else if (s.rid != ps.rid || s.rdata != ps.rdata || s.rresp != ps.rresp ||
               s.rlast != ps.rlast)
        fail("R payload changed while RVALID && !RREADY");
    }
  }

  void check_ax(const char* ch, const Ax& a) {
    std::ostringstream w;
    w << ch << " id " << a.id << " addr 0x" << std::hex << a.addr << std::dec << " len "
      << a.len << " size " << a.size << " burst " << a.burst << ": ";
    if (a.burst == 3) fail(w.str() + "reserved burst type");
    if ((1u << a.size) > cfg_.data_bytes) fail(w.str() + "AxSIZE wider than the data bus");
    const std::uint64_t nbytes = std::uint64_t{1} << a.size;
    if (a.burst == kBurstIncr) {
      const std::uint64_t first = a.addr;
      const std::uint64_t last = (a.addr & ~(nbytes - 1)) + nbytes * (a.len + 1) - 1;
      if ((first >> 12) != (last >> 12)) fail(w.str() + "INCR burst crosses a 4 KiB boundary");
    } else if (a.burst == kBurstWrap) {
      if (a.len != 1 && a.len != 3 && a.len != 7 && a.len != 15)
        fail(w.str() + "WRAP length must be 2, 4, 8 or 16");
      if ((a.addr & (nbytes - 1)) != 0) fail(w.str() + "WRAP address not aligned to AxSIZE");
    } else if (a.burst == kBurstFixed && a.len > 15) {
      fail(w.str() + "FIXED burst longer than 16 beats");
    }
  }

  void on_ar(const AxiM2S& m) {
    Ax a{m.arid, m.araddr, m.arlen, m.arsize, m.arburst, 0, false};
    check_ax("AR", a);
    reads_[a.id].push_back(a);
    if (++n_reads_ > cfg_.max_reads)
      fail("more than " + std::to_string(cfg_.max_reads) + " read bursts outstanding");
  }
  void on_aw(const AxiM2S& m) {
    Ax a{m.awid, m.awaddr, m.awlen, m.awsize, m.awburst, 0, false};
    check_ax("AW", a);
    aw_order_.push_back(a);
    writes_[a.id].push_back(&aw_order_.back());
    if (++n_writes_ > cfg_.max_writes)
      fail("more than " + std::to_string(cfg_.max_writes) + " write bursts outstanding");
    match_w();
  }
  void on_w(const AxiM2S& m) {
    // The burst this beat belongs to: the first AW (in order) whose data is not complete.
    std::size_t idx = aw_data_idx_;
    if (idx < aw_order_.size()) {
      const Ax& a = aw_order_[idx];
      // Byte lanes of beat w_beats_ (INCR/FIXED/WRAP: lanes within the transfer size).
      const std::uint64_t nbytes = std::uint64_t{1} << a.size;
      std::uint64_t addr = a.addr;
      if (a.burst == kBurstIncr && w_beats_ > 0)
        addr = (a.addr & ~(nbytes - 1)) + nbytes * w_beats_;
      const unsigned lo = static_cast<unsigned>(addr % cfg_.data_bytes);
      const unsigned hi = static_cast<unsigned>(
          std::min<std::uint64_t>(((addr & ~(nbytes - 1)) % cfg_.data_bytes) + nbytes,
                                  cfg_.data_bytes));
      std::uint64_t allowed = 0;
      for (unsigned l = lo; l < hi; ++l) allowed |= std::uint64_t{1} << l;
      if (a.burst != kBurstWrap && (m.wstrb & ~allowed) != 0) {
        std::ostringstream s;
        s << "WSTRB 0x" << std::hex << m.wstrb << " outside the beat's lanes (0x" << allowed
          << ") on beat " << std::dec << w_beats_ << " of AW addr 0x" << std::hex << a.addr;
        fail(s.str());
      }
      if (w_beats_ == a.len && !m.wlast)
        fail("WLAST missing on beat " + std::to_string(w_beats_ + 1) + " of a burst of " +
             std::to_string(a.len + 1));
      if (w_beats_ < a.len && m.wlast)
        fail("WLAST on beat " + std::to_string(w_beats_ + 1) + " of a burst of " +
             std::to_string(a.len + 1));
    }
    ++w_beats_;
    if (m.wlast) {
      w_done_.push_back(w_beats_);
      w_beats_ = 0;
    } else if (idx < aw_order_.size() && w_beats_ > aw_order_[idx].len) {
      // No WLAST where it belonged: count the burst as done to stay in step.
      w_done_.push_back(w_beats_);
      w_beats_ = 0;
    }
    match_w();
  }
  // Pair complete W bursts with AWs in order (W may lead AW).
  void match_w() {
    while (!w_done_.empty() && aw_data_idx_ < aw_order_.size()) {
      Ax& a = aw_order_[aw_data_idx_++];
      if (w_done_.front() != a.len + 1)
        fail("W burst of " + std::to_string(w_done_.front()) + " beats for AWLEN " +
             std::to_string(a.len));
      a.data_done = true;
      w_done_.pop_front();
    }
  }
  void on_b(const AxiS2M& s) {
    auto it = writes_.find(s.bid);
    if (it == writes_.end() || it->second.empty()) {
      fail("B with ID " + std::to_string(s.bid) + " and no write outstanding with that ID");
      return;
    }
    Ax* a = it->second.front();
    if (!a->data_done) fail("B for ID " + std::to_string(s.bid) + " before its last W beat");
    it->second.pop_front();
    --n_writes_;
    // Drop fully answered AWs from the front of the order list.
    while (aw_data_idx_ > 0 && !aw_order_.empty() && aw_order_.front().data_done &&
           answered_front()) {
      aw_order_.pop_front();
      --aw_data_idx_;
    }
  }
  bool answered_front() const {
    const Ax* f = &aw_order_.front();
    for (const auto& [id, q] : writes_)
      for (const Ax* p : q)
        if (p == f) return false;
    return true;
  }
  void on_r(const AxiS2M& s) {
    auto it = reads_.find(s.rid);
    if (it == reads_.end() || it->second.empty()) {
      fail("R with ID " + std::to_string(s.rid) + " and no read outstanding with that ID");
      return;
    }
    Ax& a = it->second.front();
    const bool last = a.beats == a.len;
    if (last && !s.rlast)
      fail("RLAST missing on beat " + std::to_string(a.beats + 1) + " of ARLEN " +
           std::to_string(a.len));
    if (!last && s.rlast)
      fail("RLAST on beat " + std::to_string(a.beats + 1) + " of ARLEN " +
           std::to_string(a.len));
    ++a.beats;
    if (last || s.rlast) {
      it->second.pop_front();
      --n_reads_;
    }
  }

  AxiCheckerConfig cfg_;
  AxiM2S prev_m_;
  AxiS2M prev_s_;
  bool have_prev_ = false;
  std::map<std::uint32_t, std::deque<Ax>> reads_;
  std::deque<Ax> aw_order_;                              // AWs in order (stable addresses)
  std::map<std::uint32_t, std::deque<Ax*>> writes_;      // per ID, waiting for B
  std::size_t aw_data_idx_ = 0;                          // first AW whose W is not complete
  std::uint32_t w_beats_ = 0;                            // beats of the W burst under way
  std::deque<std::uint32_t> w_done_;                     // complete W bursts not matched
  std::size_t n_reads_ = 0, n_writes_ = 0;
};

// ---- AXI4-Lite
struct AxiLiteM2S {
  bool awvalid = false;
  std::uint64_t awaddr = 0;
  std::uint32_t awprot = 0;
  bool wvalid = false;
  std::uint64_t wdata = 0;
  std::uint32_t wstrb = 0;
  bool bready = false;
  bool arvalid = false;
  std::uint64_t araddr = 0;
  std::uint32_t arprot = 0;
  bool rready = false;
};
struct AxiLiteS2M {
  bool awready = false, wready = false;
  bool bvalid = false;
  std::uint32_t bresp = 0;
  bool arready = false;
  bool rvalid = false;
  std::uint64_t rdata = 0;
  std::uint32_t rresp = 0;
};

class AxiLiteCheckerCore : public AxiCheckerBase {
 public:
  explicit AxiLiteCheckerCore(std::string name = "axil", bool collect_only = false)
      : AxiCheckerBase(std::move(name), collect_only, 20) {}

  void observe(const AxiLiteM2S& m, const AxiLiteS2M& s) {
    if (have_prev_) {
      const auto& pm = prev_m_;
      const auto& ps = prev_s_;
      if (pm.awvalid && !ps.awready) {
        if (!m.awvalid) fail("AWVALID dropped before AWREADY");
        else if (m.awaddr != pm.awaddr || m.awprot != pm.awprot) fail("AW payload changed");
      }
      if (pm.wvalid && !ps.wready) {
        if (!m.wvalid) fail("WVALID dropped before WREADY");
        else if (m.wdata != pm.wdata || m.wstrb != pm.wstrb) fail("W payload changed");
      }
      if (pm.arvalid && !ps.arready) {
        if (!m.arvalid) fail("ARVALID dropped before ARREADY");
        else if (m.araddr != pm.araddr || m.arprot != pm.arprot) fail("AR payload changed");
      }
      if (ps.bvalid && !pm.bready) {
        if (!s.bvalid) fail("BVALID dropped before BREADY");
        else if (s.bresp != ps.bresp) fail("B payload changed");
      }
      if (ps.rvalid && !pm.rready) {
        if (!s.rvalid) fail("RVALID dropped before RREADY");
        else if (s.rdata != ps.rdata || s.rresp != ps.rresp) fail("R payload changed");
      }
    }
    if (m.awvalid && s.awready) ++aw_;
    if (m.wvalid && s.wready) ++w_;
    if (m.arvalid && s.arready) ++ar_;
    if (s.bvalid && m.bready) {
      if (aw_ == 0 || w_ == 0) fail("B without a complete write (AW and W) outstanding");
      if (aw_ > 0) --aw_;
      if (w_ > 0) --w_;
    }
    if (s.rvalid && m.rready) {
      if (ar_ == 0) fail("R without a read outstanding");
      else --ar_;
    }
    prev_m_ = m;
    prev_s_ = s;
    have_prev_ = true;
    ++cycle_;
  }

 private:
  AxiLiteM2S prev_m_;
  AxiLiteS2M prev_s_;
  bool have_prev_ = false;
  std::uint64_t aw_ = 0, w_ = 0, ar_ = 0;
};

}  // namespace nicsim::axi
