// SPDX-License-Identifier: MIT
// AxiMem: a host-memory AXI4 slave model for cycle-level benches of Verilated AXI masters.
//
// - Sparse byte memory (4 KiB pages made on first write); a byte never written reads as
//   fill_byte(addr), a fixed function of the address, so reads of untouched memory are
//   checkable too.
// - Several outstanding bursts per direction (max_reads / max_writes accepted, not finished);
//   FIXED, INCR and WRAP bursts, any AxSIZE up to the bus width, unaligned start addresses,
//   writes under wstrb. W may arrive before its AW (beats wait for their burst).
// - Latency: the first R beat of a burst is offered read_latency clocks after its AR
//   handshake, beats of one burst back to back; a B response write_latency clocks after the
//   burst's last W beat. R (and B) are returned in AR (AW) order, whatever the IDs.
// - A write becomes visible in memory when its B response is offered (not before), so a
//   master that reports a write done before its B would read stale data in a bench.
// - Random stalls (seeded Prng): each clock awready, wready, arready are high with p_*ready
//   and a pending R or B beat is offered with p_rvalid / p_bvalid; once offered it stays
//   until taken (AXI rule).
// - Error injection: bursts touching [err_lo, err_hi) answer SLVERR (reads return zero data,
//   writes are not performed). Accesses at or above addr_limit are counted (oob_accesses)
//   and answered DECERR.
//
// What is behind the port can be replaced (the co-simulation's host memory behind the PCIe
// link, sim/src/nic_rtl.cpp): a subclass overrides when an accepted read may return its data
// (on_read), where a beat's bytes come from (beat_byte), when a complete write is answered
// (on_write) and what performing it means (commit_write); it then calls ready() with the burst's
// sequence number at the clock it is due. The AXI4 side (bursts, beats, lanes, order, stalls)
// stays here.
//
// Use per clock, with the DUT as master (see NICSIM_AXI_PORT in axi_port.hpp):
//   const AxiS2M& s = mem.outputs();      // 1. the slave's outputs for this clock
//   Port::drive(dut, s); dut.eval();      // 2. settle the DUT
//   Port::sample(dut, m);                 // 3. the master's outputs
//   mem.clock(m);                         // 4. handshakes of this clock; advance one clock
//   (then the DUT's rising edge)
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "nicsim/sim/axi/axi_port.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::axi {

struct AxiMemConfig {
  unsigned data_bytes = 64;        // bus width in bytes (8 .. 64)
  unsigned read_latency = 20;      // clocks from AR handshake to the first R beat
  unsigned write_latency = 10;     // clocks from the last W beat to the B response
  unsigned max_reads = 64;         // AR accepted and not finished
  unsigned max_writes = 64;        // AW accepted and not finished
  double p_awready = 1.0, p_wready = 1.0, p_arready = 1.0, p_rvalid = 1.0, p_bvalid = 1.0;
  std::uint64_t seed = 1;
  std::uint64_t err_lo = 0, err_hi = 0;               // SLVERR range (empty by default)
  std::uint64_t addr_limit = std::uint64_t{1} << 48;  // beyond: DECERR, counted
};

class AxiMem {
 public:
  explicit AxiMem(const AxiMemConfig& cfg) : cfg_(cfg), rng_(cfg.seed) { out_ = {}; }
  virtual ~AxiMem() = default;
  AxiMem(const AxiMem&) = delete;
  AxiMem& operator=(const AxiMem&) = delete;

  // ---- backdoor access
  static std::uint8_t fill_byte(std::uint64_t a) {
    std::uint64_t x = a * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::uint8_t>((x >> 56) ^ (a & 0xFF));
  }
  std::uint8_t read_byte(std::uint64_t a) const {
    auto it = pages_.find(a >> 12);
    return it == pages_.end() ? fill_byte(a) : (*it->second)[a & 0xFFF];
  }
  void write_byte(std::uint64_t a, std::uint8_t v) { page(a)[a & 0xFFF] = v; }
  std::vector<std::uint8_t> read(std::uint64_t a, std::size_t n) const {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = read_byte(a + i);
    return v;
  }
  void write(std::uint64_t a, const std::vector<std::uint8_t>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) write_byte(a + i, v[i]);
  }

  // ---- statistics
  std::uint64_t cycle() const { return now_; }
  std::uint64_t oob_accesses() const { return oob_; }
  std::uint64_t read_bursts() const { return n_ar_; }
  std::uint64_t write_bursts() const { return n_aw_; }
  std::uint64_t r_beats() const { return n_r_; }
  std::uint64_t w_beats() const { return n_w_; }
  /// Most read bursts accepted and not finished at once.
  std::uint64_t peak_reads() const { return peak_reads_; }
  /// Clocks in which the master held ARVALID and the slave did not take it.
  std::uint64_t ar_wait_cycles() const { return ar_wait_; }
  bool idle() const {
    return rq_.empty() && wq_.empty() && wbeats_.empty() && bq_.empty() && !out_.rvalid &&
           !out_.bvalid;
  }
  AxiMemConfig& config() { return cfg_; }

  // ---- per clock
  // The slave's outputs for the current clock (decided before the DUT settles).
  const AxiS2M& outputs() {
    if (!decided_) decide();
    return out_;
  }

  // The master's outputs of the current clock (after the DUT settled): apply the handshakes
  // and advance one clock.
  void clock(const AxiM2S& m) {
    if (!decided_) decide();
    const AxiS2M s = out_;
    if (m.arvalid && s.arready) accept_ar(m);
    if (m.arvalid && !s.arready) ++ar_wait_;
    if (m.awvalid && s.awready) accept_aw(m);
    if (m.wvalid && s.wready) {
      wbeats_.push_back({m.wdata, m.wstrb, m.wlast});
      ++n_w_;
    }
    if (s.rvalid && m.rready) {
      out_.rvalid = false;
      ++n_r_;
      Burst& b = rq_.front();
      if (++b.beat > b.len) rq_.pop_front();
    }
    if (s.bvalid && m.bready) {
      out_.bvalid = false;
      bq_.pop_front();
    }
    match_writes();
    ++now_;
    decided_ = false;
  }

 protected:
  struct Burst {
    std::uint64_t seq = 0;        // accepted bursts, numbered from 0 (reads and writes apart)
    std::uint32_t id = 0;
    std::uint64_t addr = 0;
    std::uint32_t len = 0, size = 0, burst = 0;
    std::uint32_t beat = 0;       // next beat
    std::uint64_t ready_at = 0;   // first beat / response not before this clock
    std::uint32_t resp = 0;
    std::vector<std::pair<std::uint64_t, std::uint8_t>> writes;  // applied at the B
    std::vector<std::uint8_t> data;  // a subclass's read data, from burst_lo()
  };
  static constexpr std::uint64_t kNotReady = ~std::uint64_t{0};

  // ---- hooks (defaults: the fixed latencies and the sparse memory above)
  /// A read burst was accepted this clock.
  virtual void on_read(Burst& b) { b.ready_at = now_ + cfg_.read_latency; }
  /// The byte at `addr` of a read beat being offered now.
  virtual std::uint8_t beat_byte(const Burst& b, std::uint64_t addr) const {
    (void)b;
    return read_byte(addr);
  }
  /// A write burst's last W beat arrived this clock.
  virtual void on_write(Burst& b) { b.ready_at = now_ + cfg_.write_latency; }
  /// The write's B is being offered: perform it (default: into the sparse memory).
  virtual void commit_write(Burst& b) {
    for (const auto& [a, v] : b.writes) write_byte(a, v);
  }
  /// Marks read (or write) burst `seq` due now with response `resp` (for subclasses).
  void ready(bool read, std::uint64_t seq, std::uint32_t resp) {
    for (Burst& b : read ? rq_ : bq_) {
      if (b.seq == seq) {
        b.ready_at = now_;
        if (b.resp == kRespOkay) b.resp = resp;
        return;
      }
    }
  }
  /// The bytes [lo, hi) a burst covers (as the AXI rules address them).
  void burst_range(const Burst& b, std::uint64_t& lo, std::uint64_t& hi) const {
    const std::uint64_t nbytes = std::uint64_t{1} << b.size;
    if (b.burst == kBurstFixed) {
      lo = b.addr;
      hi = (b.addr & ~(nbytes - 1)) + nbytes;
    } else if (b.burst == kBurstWrap) {
      const std::uint64_t total = nbytes * (b.len + 1);
      lo = b.addr & ~(total - 1);
      hi = lo + total;
    } else {
      lo = b.addr;
      hi = burst_end(b);
    }
  }
  [[nodiscard]] std::uint64_t now() const { return now_; }
  [[nodiscard]] const AxiMemConfig& cfg() const { return cfg_; }

 private:
  struct WBeat {
    DataBytes data;
    std::uint64_t strb;
    bool last;
  };

  std::array<std::uint8_t, 4096>& page(std::uint64_t a) {
    auto& p = pages_[a >> 12];
    if (!p) {
      p = std::make_unique<std::array<std::uint8_t, 4096>>();
      const std::uint64_t base = a & ~std::uint64_t{0xFFF};
      for (unsigned i = 0; i < 4096; ++i) (*p)[i] = fill_byte(base + i);
    }
    return *p;
  }

  // Address of beat i of a burst (AXI4 A3.4.1), and its byte lanes [lo, hi).
  void beat_lanes(const Burst& b, std::uint32_t i, std::uint64_t& addr, unsigned& lo,
                  unsigned& hi) const {
    const std::uint64_t nbytes = std::uint64_t{1} << b.size;
    const std::uint64_t aligned = b.addr & ~(nbytes - 1);
    if (b.burst == kBurstFixed) {
      addr = b.addr;
    } else if (b.burst == kBurstWrap) {
      const std::uint64_t total = nbytes * (b.len + 1);
      const std::uint64_t lower = b.addr & ~(total - 1);
      addr = lower + ((aligned - lower + i * nbytes) % total);
      if (i == 0) addr = b.addr;
    } else {
      addr = i == 0 ? b.addr : aligned + i * nbytes;
    }
    const unsigned db = cfg_.data_bytes;
    lo = static_cast<unsigned>(addr % db);
    const std::uint64_t beat_aligned = addr & ~(nbytes - 1);
    hi = static_cast<unsigned>((beat_aligned % db) + nbytes);
    if (hi > db) hi = db;
  }

  std::uint32_t resp_of(std::uint64_t lo, std::uint64_t hi) {  // bytes [lo, hi)
    if (hi > cfg_.addr_limit || lo >= cfg_.addr_limit) {
      ++oob_;
      return kRespDecerr;
    }
    if (lo < cfg_.err_hi && hi > cfg_.err_lo) return kRespSlverr;
    return kRespOkay;
  }

  std::uint64_t burst_end(const Burst& b) const {
    const std::uint64_t nbytes = std::uint64_t{1} << b.size;
    return (b.addr & ~(nbytes - 1)) + nbytes * (b.len + 1);
  }

  void accept_ar(const AxiM2S& m) {
    Burst b;
    b.id = m.arid;
    b.addr = m.araddr;
    b.len = m.arlen;
    b.size = m.arsize;
    b.burst = m.arburst;
    b.resp = resp_of(b.addr, burst_end(b));
    b.seq = n_ar_++;
    rq_.push_back(std::move(b));
    peak_reads_ = std::max<std::uint64_t>(peak_reads_, rq_.size());
    on_read(rq_.back());
  }
  void accept_aw(const AxiM2S& m) {
    Burst b;
    b.id = m.awid;
    b.addr = m.awaddr;
    b.len = m.awlen;
    b.size = m.awsize;
    b.burst = m.awburst;
    b.resp = resp_of(b.addr, burst_end(b));
    b.ready_at = kNotReady;
    b.seq = n_aw_++;
    wq_.push_back(std::move(b));
  }

  // Give waiting W beats to the bursts in AW order; a complete burst queues its B.
  void match_writes() {
    while (!wq_.empty() && !wbeats_.empty()) {
      Burst& b = wq_.front();
      const WBeat w = wbeats_.front();
      wbeats_.pop_front();
      std::uint64_t addr = 0;
      unsigned lo = 0, hi = 0;
      beat_lanes(b, b.beat, addr, lo, hi);
      const std::uint64_t base = addr - (addr % cfg_.data_bytes);
      for (unsigned l = lo; l < hi; ++l) {
        if ((w.strb >> l) & 1u) b.writes.emplace_back(base + l, w.data[l]);
      }
      if (++b.beat > b.len) {
        bq_.push_back(std::move(b));
        wq_.pop_front();
        on_write(bq_.back());
      }
    }
  }

  void decide() {
    decided_ = true;
    out_.awready = wq_.size() + bq_.size() < cfg_.max_writes && rng_.chance(cfg_.p_awready);
    out_.wready = wbeats_.size() < 512 && rng_.chance(cfg_.p_wready);
    out_.arready = rq_.size() < cfg_.max_reads && rng_.chance(cfg_.p_arready);
    if (!out_.rvalid && !rq_.empty() && rq_.front().ready_at <= now_ &&
        rng_.chance(cfg_.p_rvalid)) {
      const Burst& b = rq_.front();
      out_.rvalid = true;
      out_.rid = b.id;
      out_.rresp = b.resp;
      out_.rlast = b.beat == b.len;
      out_.rdata.fill(0);
      if (b.resp == kRespOkay) {
        std::uint64_t addr = 0;
        unsigned lo = 0, hi = 0;
        beat_lanes(b, b.beat, addr, lo, hi);
        const std::uint64_t base = addr - (addr % cfg_.data_bytes);
        for (unsigned l = lo; l < hi; ++l) out_.rdata[l] = beat_byte(b, base + l);
      }
    }
    if (!out_.bvalid && !bq_.empty() && bq_.front().ready_at <= now_ &&
        rng_.chance(cfg_.p_bvalid)) {
      Burst& b = bq_.front();
      if (b.resp == kRespOkay) commit_write(b);
      b.writes.clear();
      out_.bvalid = true;
      out_.bid = b.id;
      out_.bresp = b.resp;
    }
  }

  AxiMemConfig cfg_;
  model::Prng rng_;
  AxiS2M out_;
  bool decided_ = false;
  std::uint64_t now_ = 0;
  std::uint64_t peak_reads_ = 0, ar_wait_ = 0;
  std::uint64_t oob_ = 0, n_ar_ = 0, n_aw_ = 0, n_r_ = 0, n_w_ = 0;
  std::unordered_map<std::uint64_t, std::unique_ptr<std::array<std::uint8_t, 4096>>> pages_;
  std::deque<Burst> rq_;      // reads: accepted, beats to send
  std::deque<Burst> wq_;      // writes: accepted, W beats to come
  std::deque<WBeat> wbeats_;  // W beats not yet given to a burst
  std::deque<Burst> bq_;      // writes complete, B to send
};

}  // namespace nicsim::axi
