// SPDX-License-Identifier: MIT
// rx_engine (rtl/rx_engine.sv) + axi_dma against the AxiMem host-memory model (latency,
// random stalls), AxiChecker always on, and a C++ reference of spec 7.1-7.4 written after
// NicDevice::deliver_vnic / deliver_exception / rx_ring_put / irq_check.
//
// The bench runs in batches: a host phase (engine idle) consumes completions (CQ_CONS),
// posts descriptors (RXQ_PROD), releases quota bytes, re-arms rings and sometimes
// re-enables a queue (indices back to 0); then a batch of frames with their records is
// streamed (random tvalid gaps). After the batch: every delivered frame's buffer, every
// completion entry (all 32 bytes, phase bit over wraps), CONS / CQ_PROD per ring, the
// drop counters by reason and QUOTA_INFLIGHT per VNIC must equal the reference. Interrupt
// pulses are compared clock by clock with a reference of the 7.3 rule evaluated on the
// same inputs (CQ_PROD as the engine shows it, CQ_CONS, CQ_ARM, enables).
//
// RtlRxFigures: delivered bytes per clock for 64/256/1500-byte frames, DATA_W 512, memory
// read latency 100, write latency 100 and 50, no stalls.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vrx_tb_top_w512.h"
#include "Vrx_tb_top_w64.h"
#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/axi_slave.hpp"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::axi {
namespace {

NICSIM_AXI_PORT(RxAxi, m_axi_);
NICSIM_AXIS_PORT(InPort, s_axis_);

using Bytes = std::vector<std::uint8_t>;
using model::Prng;

constexpr unsigned kNumRxq = 8, kNumVnic = 4, kNumVec = 8;
constexpr unsigned kNR = kNumRxq + 1;  // rings; the last is the exception ring
constexpr unsigned kExc = kNumRxq;
constexpr std::uint64_t kCqLo = 0x20000000, kCqHi = 0x30000000;  // completion rings' region

using bench::get_bits;
using bench::put;
using bench::put_bits;

constexpr std::uint64_t kDescBytes = nicsim::fmt::RxDesc::kBytes;

/// A receive descriptor's bytes (docs/formats.md rx_desc).
Bytes rx_desc(std::uint64_t buf, std::uint32_t len) {
  const auto d = nicsim::fmt::RxDesc{buf, len}.encode();
  return Bytes(d.begin(), d.end());
}

struct Rec {
  unsigned dest = 2, vport = 1, src = 0, reason = 0;
  bool perr = false, mkv = false, rssv = false;
  std::uint32_t mark = 0, h1 = 0, hash = 0;
  std::uint64_t ts = 0;
  unsigned tcam = 0xFFFF, rssq = 0, status = 0, types = 0, tci = 0;
};
struct Frame {
  Bytes bytes;
  Rec r;
};

struct Ring {
  std::uint64_t base = 0, cq_base = 0;
  unsigned size = 4;
  bool en = false;
  std::uint16_t prod = 0, cons = 0, cq_prod = 0, cq_cons = 0;
  bool irq_en = true;
  unsigned vec = 0, mod_pkts = 1;
  std::uint32_t mod_cycles = 0;
  bool usable() const { return en && size >= 4 && size <= 15; }
  std::uint32_t entries() const { return 1u << size; }
};
struct Vnic {
  bool en = true;
  unsigned base = 0, count = 1;
  std::uint32_t quota = 0, inflight = 0;
};
enum Drop { kNoDesc, kTooLong, kCqFull, kQuota, kExcFull, kMirrorDrop, kNumDrops };

struct Expect {  // a delivered frame: where its bytes and its completion must be
  std::uint64_t buf = 0;
  Bytes frame;
  std::uint64_t cpl_addr = 0;
  Bytes cpl;
};

// Irq reference state per ring (spec 7.3, NicDevice::irq_check evaluated every clock).
struct IrqRef {
  bool armed = true, timer = false, prev_en = false;
  std::uint64_t start = 0;
};

struct Profile {
  double p_frame_gap = 0.0;  // chance s_axis_tvalid is withheld on a clock
  bool stalls = true;
};

template <class V>
class RxBench {
 public:
  static constexpr unsigned kB = RxAxi::data_bytes<V>();

  RxBench(const AxiMemConfig& mcfg, Profile prof, std::uint64_t seed)
      : h_({.name = "rx_engine w" + std::to_string(8 * kB)}), mem_(mcfg), prof_(prof),
        rng_(seed) {
    AxiCheckerConfig c;
    c.name = "rx_engine w" + std::to_string(8 * kB);
    c.data_bytes = kB;
    c.max_reads = 16;
    c.max_writes = 16;
    chk_ = std::make_unique<AxiChecker>(c);
    h_->irq_enable = 1;
    h_.reset(4, 1);
    attach();
  }

  AxiMem& mem() { return mem_; }
  AxiChecker& checker() { return *chk_; }
  std::uint64_t cycle() const { return h_.cycle(); }
  std::array<Ring, kNR> ring{};
  std::array<Vnic, kNumVnic> vnic{};
  std::array<std::uint64_t, kNumDrops> drops{};
  std::uint64_t out_vnic = 0, out_exc = 0, mirror = 0, irqs = 0, loopback = 0;
  std::uint64_t tcp_ctl = 0;  // TCP control copies delivered (part of mirror)
  std::array<std::uint64_t, kNumVec> irq_count{};

  // ---- configuration to the DUT (host registers)
  void drive_cfg() {
    V& d = h_.dut();
    for (unsigned q = 0; q < kNR; ++q) {
      const Ring& r = ring[q];
      if (q < kNumRxq) {
        put_bits(d.rxq_ring_base, q * 64, 64, r.base);
        put_bits(d.rxq_cq_base, q * 64, 64, r.cq_base);
        put_bits(d.rxq_size_log2, q * 5, 5, r.size);
        put_bits(d.rxq_enable, q, 1, r.en);
        put_bits(d.rxq_prod, q * 16, 16, r.prod);
        put_bits(d.rxq_cq_cons, q * 16, 16, r.cq_cons);
        put_bits(d.rxq_irq_en, q, 1, r.irq_en);
        put_bits(d.rxq_irq_vec, q * 8, 8, r.vec);
        put_bits(d.rxq_mod_pkts, q * 16, 16, r.mod_pkts);
        put_bits(d.rxq_mod_cycles, q * 32, 32, r.mod_cycles);
      } else {
        put(d.exc_ring_base, r.base);
        put(d.exc_cq_base, r.cq_base);
        put(d.exc_size_log2, r.size);
        put(d.exc_enable, r.en);
        put(d.exc_prod, r.prod);
        put(d.exc_cq_cons, r.cq_cons);
        put(d.exc_irq_en, r.irq_en);
        put(d.exc_irq_vec, r.vec);
        put(d.exc_mod_pkts, r.mod_pkts);
        put(d.exc_mod_cycles, r.mod_cycles);
      }
    }
    for (unsigned v = 0; v < kNumVnic; ++v) {
      put_bits(d.vnic_enable, v, 1, vnic[v].en);
      put_bits(d.vnic_rxq_base, v * 16, 16, vnic[v].base);
      put_bits(d.vnic_rxq_count, v * 16, 16, vnic[v].count);
      put_bits(d.vnic_quota_bytes, v * 32, 32, vnic[v].quota);
      put_bits(d.vnic_quota_policy, v, 1, 0);
    }
  }

  // One host clock with strobes: arm (per ring) and quota releases.
  void host_clock(std::uint32_t arm_mask, std::uint32_t rel_mask,
                  const std::array<std::uint32_t, kNumVnic>& rel) {
    V& d = h_.dut();
    put_bits(d.rxq_cq_arm, 0, kNumRxq, arm_mask & ((1u << kNumRxq) - 1));
    put(d.exc_cq_arm, (arm_mask >> kNumRxq) & 1u);
    put_bits(d.vnic_quota_release, 0, kNumVnic, rel_mask);
    for (unsigned v = 0; v < kNumVnic; ++v)
      put_bits(d.vnic_quota_release_bytes, v * 32, 32, rel[v]);
    for (unsigned q = 0; q < kNR; ++q)
      if ((arm_mask >> q) & 1u) arm_pending_[q] = true;
    for (unsigned v = 0; v < kNumVnic; ++v)
      if ((rel_mask >> v) & 1u) vnic[v].inflight = rel[v] > vnic[v].inflight ? 0 : vnic[v].inflight - rel[v];
    step();
    put_bits(d.rxq_cq_arm, 0, kNumRxq, 0);
    put(d.exc_cq_arm, 0);
    put_bits(d.vnic_quota_release, 0, kNumVnic, 0);
  }

  // ---- the reference (spec 7.2 / 7.4), applied in frame order
  void ref_frame(const Frame& f) {
    const std::uint32_t len = static_cast<std::uint32_t>(f.bytes.size());
    const bool exc = f.r.dest == 3;
    // a copy (mirror 5, TCP control 7): failures are mirror_drop
    const bool mir = exc && (f.r.reason == 5 || f.r.reason == 7);
    unsigned qn = kExc;
    Vnic* n = nullptr;
    if (!exc) {
      if (f.r.vport < 1 || f.r.vport > kNumVnic) { ++drops[kNoDesc]; return; }
      n = &vnic[f.r.vport - 1];
      qn = n->base + f.r.rssq;
      if (!n->en || f.r.rssq >= n->count || qn >= kNumRxq || !ring[qn].usable()) {
        ++drops[kNoDesc];
        return;
      }
      if (n->quota != 0 && std::uint64_t{n->inflight} + len > n->quota) { ++drops[kQuota]; return; }
    } else if (!ring[kExc].usable()) {
      ++drops[mir ? kMirrorDrop : kExcFull];
      return;
    }
    Ring& q = ring[qn];
    const std::uint32_t mask = q.entries() - 1;
    const Drop exc_drop = mir ? kMirrorDrop : kExcFull;
    const Drop no_desc = exc ? exc_drop : kNoDesc, full = exc ? exc_drop : kCqFull,
               too_long = exc ? exc_drop : kTooLong;
    if (q.prod == q.cons) { ++drops[no_desc]; return; }
    if (static_cast<std::uint16_t>(q.cq_prod - q.cq_cons) >= q.entries()) { ++drops[full]; return; }
    const std::uint32_t slot = q.cons & mask;
    using nicsim::fmt::RxCpl;
    using nicsim::fmt::RxDesc;
    const RxDesc desc = RxDesc::decode(mem_.read(q.base + std::uint64_t{slot} * RxDesc::kBytes,
                                                 RxDesc::kBytes));
    if (desc.buf_len < len) { ++drops[too_long]; return; }
    // The completion as spec 7.1 defines it, built independently of the RTL's encoder.
    RxCpl cpl;
    cpl.status = static_cast<std::uint8_t>(f.r.status);
    cpl.set_parse_err(cpl.parse_err() || f.r.perr).set_mark_valid(f.r.mkv);
    cpl.set_rss_valid(f.r.rssv);
    cpl.status &= 0x7F;
    cpl.len = static_cast<std::uint16_t>(len);
    cpl.slot = static_cast<std::uint16_t>(slot);
    cpl.rss_hash = f.r.rssv ? f.r.hash : 0;
    cpl.mark = f.r.mkv ? f.r.mark : 0;
    if (cpl.vlan()) cpl.vlan_tci = static_cast<std::uint16_t>(f.r.tci);
    cpl.types = static_cast<std::uint8_t>(f.r.types);
    cpl.src_vport = static_cast<std::uint8_t>(f.r.src);
    cpl.reason = exc ? static_cast<nicsim::fmt::ExcReason>(f.r.reason)
                     : nicsim::fmt::ExcReason::kNone;
    cpl.tcam_index = static_cast<std::uint16_t>(f.r.tcam);
    cpl.h1 = f.r.h1;
    cpl.timestamp = static_cast<std::uint32_t>(f.r.ts);
    cpl.set_phase(((q.cq_prod >> q.size) & 1u) == 0);
    const auto cb = cpl.encode();
    const Bytes c(cb.begin(), cb.end());
    exp_.push_back({desc.buf_addr, f.bytes,
                    q.cq_base + std::uint64_t{q.cq_prod & mask} * RxCpl::kBytes, c});
    order_.push_back(exp_.back());
    ++q.cons;
    ++q.cq_prod;
    if (mir) {
      ++mirror;
      if (f.r.reason == 7) ++tcp_ctl;
    } else if (exc) {
      ++out_exc;
    } else {
      ++out_vnic;
      if (f.r.src >= 1 && f.r.src <= kNumVnic) ++loopback;
      n->inflight += len;
    }
  }

  // Stream a batch of frames, run until the engine has decided all of them, check.
  bool run_batch(const std::vector<Frame>& frames, std::uint64_t max_idle = 100000) {
    for (const Frame& f : frames) {
      ref_frame(f);
      if (f.bytes.empty()) continue;
      recs_.push_back(f.r);
      in_->send({.data = f.bytes, .id = recs_.size() - 1});
    }
    const std::uint64_t want = sent_ + frames.size();
    sent_ = want;
    h_.set_watchdog(max_idle, [this, want] {
      return "decided " + std::to_string(decided()) + " of " + std::to_string(want) +
             ", frames left " + std::to_string(in_->queued());
    });
    const bool ok = h_.run_until([&] { return decided() == want && in_->idle(); });
    h_.set_watchdog(0);
    if (!ok) return false;
    h_.ticks(8);
    check_state();
    return !::testing::Test::HasFailure();
  }

  std::uint64_t decided() const {
    const V& d = h_.dut();
    return d.cnt_out_vnic + d.cnt_out_exc + d.cnt_rx_no_desc + d.cnt_rx_too_long +
           d.cnt_rx_cq_full + d.cnt_quota + d.cnt_exc_full + d.cnt_mirror + d.cnt_mirror_drop;
  }

  void check_state() {
    const V& d = h_.dut();
    EXPECT_EQ(d.cnt_out_vnic, out_vnic);
    EXPECT_EQ(d.cnt_loopback, loopback);
    EXPECT_EQ(d.cnt_out_exc, out_exc);
    EXPECT_EQ(d.cnt_rx_no_desc, drops[kNoDesc]);
    EXPECT_EQ(d.cnt_rx_too_long, drops[kTooLong]);
    EXPECT_EQ(d.cnt_rx_cq_full, drops[kCqFull]);
    EXPECT_EQ(d.cnt_quota, drops[kQuota]);
    EXPECT_EQ(d.cnt_exc_full, drops[kExcFull]);
    EXPECT_EQ(d.cnt_mirror, mirror);
    EXPECT_EQ(d.cnt_mirror_drop, drops[kMirrorDrop]);
    EXPECT_EQ(d.cnt_dev_err, 0u);
    for (unsigned q = 0; q < kNR; ++q) {
      const std::uint64_t cons = q < kNumRxq ? get_bits(d.rxq_cons, q * 16, 16) : d.exc_cons;
      const std::uint64_t cqp = q < kNumRxq ? get_bits(d.rxq_cq_prod, q * 16, 16) : d.exc_cq_prod;
      EXPECT_EQ(cons, ring[q].cons) << "ring " << q;
      EXPECT_EQ(cqp, ring[q].cq_prod) << "ring " << q;
    }
    for (unsigned v = 0; v < kNumVnic; ++v)
      EXPECT_EQ(get_bits(d.vnic_quota_inflight, v * 32, 32), vnic[v].inflight) << "vnic " << v;
    for (const Expect& e : exp_) {
      EXPECT_EQ(mem_.read(e.buf, e.frame.size()), e.frame) << "buffer at 0x" << std::hex << e.buf;
      EXPECT_EQ(mem_.read(e.cpl_addr, 32), e.cpl) << "completion at 0x" << std::hex << e.cpl_addr;
    }
    checked_ += exp_.size();
    exp_.clear();
  }
  std::uint64_t checked() const { return checked_; }

  void step() { h_.tick(); }

  // Per clock: the frame beats with their record (tvalid withheld on random clocks, drawn on
  // every clock), the AXI slave (AxiMem) and its checker, then the checks below.
  void attach() {
    in_ = std::make_unique<bench::AxisSource<V, InPort>>(
        h_, bench::AxisSourceConfig{
                .valid = [this](std::uint64_t) {
                  return !(prof_.p_frame_gap > 0 && rng_.chance(prof_.p_frame_gap));
                },
                .offer = bench::Offer::kHoldDrawEveryClock});
    in_->side = [this](V& d, const bench::AxisFrame* f, std::size_t, bool valid) {
      if (!valid) return;
      const Rec& r = recs_[f->id];
      put(d.s_rec_dest, r.dest);
      put(d.s_rec_vport, r.vport);
      put(d.s_rec_src_vport, r.src);
      put(d.s_rec_reason, r.reason);
      put(d.s_rec_parse_err, r.perr);
      put(d.s_rec_mark_valid, r.mkv);
      put(d.s_rec_mark, r.mark);
      put(d.s_rec_tcam_index, r.tcam);
      put(d.s_rec_h1, r.h1);
      put(d.s_rec_ts, r.ts);
      put(d.s_rec_len, f->data.size());
      put(d.s_rec_rss_hash, r.hash);
      put(d.s_rec_rss_valid, r.rssv);
      put(d.s_rec_rss_queue, r.rssq);
      put(d.s_rec_status, r.status);
      put(d.s_rec_types, r.types);
      put(d.s_rec_vlan_tci, r.tci);
    };
    in_->on_accept = [this](const bench::AxisFrame&, std::size_t, bool) {
      if (first_beat_ == 0) first_beat_ = h_.cycle();
    };
    axi_ = std::make_unique<AxiMemSlave<V, RxAxi>>(h_, mem_, *chk_);
    checks_ = std::make_unique<bench::Hook>(h_, nullptr, [this] {
      cycle_ = h_.cycle();
      const std::uint64_t before = decided();
      check(h_.dut(), axi_->m2s(), axi_->s2m());
      if (decided() != before) h_.progress();
    });
  }

  // The order of completion writes, CQ_PROD against memory, the interrupt pulses.
  void check(V& d, const AxiM2S& m, const AxiS2M& s) {
    // A completion's write is issued only after all of its frame's writes (AxiMem returns B
    // in AW order and makes a write visible with its B, as axi_dma's single AXI ID gives on
    // a real bus): at the AW that carries a completion, its frame's bytes must be in memory
    // already or covered by the frame AWs issued before. Completions come in delivery
    // order; one AW may carry several (the engine writes consecutive ones together).
    if (m.awvalid && s.awready && m.awaddr >= kCqLo && m.awaddr < kCqHi) {
      const std::uint64_t hi = m.awaddr + (std::uint64_t{m.awlen} + 1) * kB;
      ++cq_aws;
      // The burst's beats may cover the next completion's slot without carrying it: the
      // first expected completion must be in the burst, later ones in it are carried when
      // their frames are written (else a later burst must carry them).
      const auto frame_written = [&](const Expect& e) {
        if (mem_.read(e.buf, e.frame.size()) == e.frame) return true;
        std::uint64_t at = e.buf;
        const std::uint64_t end = e.buf + e.frame.size();
        for (bool grew = true; grew && at < end;) {
          grew = false;
          for (const auto& [lo, top] : frame_aw_)
            if (lo <= at && at < top) { at = top; grew = true; }
        }
        return at >= end;
      };
      if (order_.empty() || order_.front().cpl_addr < m.awaddr || order_.front().cpl_addr >= hi) {
        ADD_FAILURE() << "unexpected completion write at 0x" << std::hex << m.awaddr
                      << " (order)";
      } else {
        EXPECT_TRUE(frame_written(order_.front()))
            << "completion written before its frame's writes, cycle " << cycle_;
        order_.pop_front();
        while (!order_.empty() && order_.front().cpl_addr >= m.awaddr &&
               order_.front().cpl_addr < hi && frame_written(order_.front()))
          order_.pop_front();
      }
    } else if (m.awvalid && s.awready) {
      frame_aw_.emplace_back(m.awaddr, m.awaddr + (std::uint64_t{m.awlen} + 1) * kB);
      if (frame_aw_.size() > 256) frame_aw_.pop_front();
    }

    // ---- CQ_PROD never ahead of memory: when a ring's CQ_PROD advances, each completion
    // it passes must be in memory already (phase bit of that lap), so a host reading
    // CQ_PROD (or taking the interrupt) never finds a completion missing.
    for (unsigned q = 0; q < kNR; ++q) {
      const auto now = static_cast<std::uint16_t>(
          q < kNumRxq ? get_bits(d.rxq_cq_prod, q * 16, 16) : d.exc_cq_prod);
      const auto step_n = static_cast<std::uint16_t>(now - seen_cqp_[q]);
      const Ring& r = ring[q];
      if (step_n != 0 && step_n <= 64 && r.size >= 4 && r.size <= 15) {
        for (std::uint16_t i = seen_cqp_[q]; i != now; ++i) {
          const std::uint64_t a = r.cq_base + 32ull * (i & (r.entries() - 1)) + 31;
          const bool phase = ((i >> r.size) & 1u) == 0;
          EXPECT_EQ((mem_.read_byte(a) >> 7) != 0, phase)
              << "ring " << q << " CQ_PROD passed completion " << i
              << " before it is in memory, cycle " << cycle_;
        }
      }
      seen_cqp_[q] = now;  // (a re-enable sets it back to 0: no check)
    }

    // ---- interrupts: the DUT's pulses (registered) against last clock's reference
    const std::uint64_t got = d.irq;
    EXPECT_EQ(got, irq_exp_) << "irq at cycle " << cycle_;
    for (unsigned v = 0; v < kNumVec; ++v)
      if ((got >> v) & 1u) { ++irq_count[v]; ++irqs; }
    irq_exp_ = irq_ref();
  }
  std::uint64_t first_beat() const { return first_beat_; }
  std::uint64_t cq_aws = 0;  // bursts carrying completions
  void irq_enable_set(bool e) { h_->irq_enable = e; }

 private:
  std::uint64_t irq_ref() {
    const V& d = h_.dut();
    std::uint64_t out = 0;
    for (unsigned q = 0; q < kNR; ++q) {
      IrqRef& s = irq_[q];
      const Ring& r = ring[q];
      const std::uint16_t cqp = static_cast<std::uint16_t>(
          q < kNumRxq ? get_bits(d.rxq_cq_prod, q * 16, 16) : d.exc_cq_prod);
      const bool rise = r.en && !s.prev_en;
      s.prev_en = r.en;
      if (rise || arm_pending_[q]) {
        s.armed = true;
        s.timer = false;
      }
      arm_pending_[q] = false;
      const std::uint16_t pend = static_cast<std::uint16_t>(cqp - r.cq_cons);
      const unsigned mp = r.mod_pkts == 0 ? 1 : r.mod_pkts;
      bool raise = false;
      if (!s.armed || !r.irq_en || !d.irq_enable || !r.en || pend == 0) {
        s.timer = false;
      } else if (pend >= mp) {
        raise = true;
      } else if (r.mod_cycles != 0) {
        if (!s.timer) {
          s.timer = true;
          s.start = cycle_;
        } else if (cycle_ - s.start >= r.mod_cycles) {
          raise = true;
        }
      }
      if (raise) {
        s.armed = false;
        s.timer = false;
        if (r.vec < kNumVec) out |= std::uint64_t{1} << r.vec;
      }
    }
    return out;
  }

  bench::Harness<V> h_;
  AxiMem mem_;
  std::unique_ptr<AxiChecker> chk_;
  Profile prof_;
  Prng rng_;
  std::vector<Rec> recs_;  // the records of the frames sent (AxisFrame::id)
  std::unique_ptr<bench::AxisSource<V, InPort>> in_;
  std::unique_ptr<AxiMemSlave<V, RxAxi>> axi_;
  std::unique_ptr<bench::Hook> checks_;
  std::uint64_t cycle_ = 0;  // the clock being checked (h_.cycle())
  std::uint64_t sent_ = 0, checked_ = 0, first_beat_ = 0;
  std::vector<Expect> exp_;
  std::deque<Expect> order_;
  std::array<std::uint16_t, kNR> seen_cqp_{};  // CQ_PROD per ring at the last clock

  std::deque<std::pair<std::uint64_t, std::uint64_t>> frame_aw_;  // recent frame AWs
  std::array<IrqRef, kNR> irq_{};
  std::array<bool, kNR> arm_pending_{};
  std::uint64_t irq_exp_ = 0;
};

// ------------------------------------------------------------------------------------------
// Random test
// ------------------------------------------------------------------------------------------

template <class V>
void random_test(std::uint64_t seed, unsigned batches, unsigned latency = 30, double p_ready = 0.7,
                 double p_gap = 0.2) {
  AxiMemConfig mc;
  mc.data_bytes = RxAxi::data_bytes<V>();
  mc.read_latency = latency;
  mc.write_latency = latency * 2 / 3;
  mc.max_reads = 16;
  mc.max_writes = 16;
  mc.p_awready = p_ready;
  mc.p_wready = p_ready;
  mc.p_arready = p_ready;
  mc.p_rvalid = p_ready;
  mc.p_bvalid = p_ready;
  mc.seed = seed;
  Profile prof;
  prof.p_frame_gap = p_gap;
  RxBench<V> b(mc, prof, seed * 7 + 1);
  Prng rng(seed);

  // Rings: small (16 / 32 entries) so completions wrap many times; queue 6 has a bad size.
  for (unsigned q = 0; q < kNR; ++q) {
    Ring& r = b.ring[q];
    r.base = 0x10000000ULL + q * 0x100000ULL;
    r.cq_base = 0x20000000ULL + q * 0x100000ULL + 64 * q;
    r.size = (q % 2) ? 5 : 4;
    if (q == 6) r.size = 3;
    r.en = q != 5;  // queue 5 disabled
    r.vec = q == 3 ? 9 : (q % kNumVec);  // vector 9 is out of range: never raised
    r.mod_pkts = q % 4;                   // 0 means 1
    r.mod_cycles = (q % 3 == 0) ? 0 : 40 + 60 * q;
    if (q == 2) r.mod_pkts = 1000;        // cycles-only moderation
  }
  // VNICs: 1 -> q0..1; 2 -> q2..3 with a quota; 3 -> q4..6 (5 disabled, 6 bad size);
  // 4 -> q7..8 (8 is beyond NUM_RXQ).
  b.vnic[0] = {true, 0, 2, 0, 0};
  b.vnic[1] = {true, 2, 2, 6000, 0};
  b.vnic[2] = {true, 4, 3, 0, 0};
  b.vnic[3] = {true, 7, 2, 0, 0};
  b.drive_cfg();
  const std::array<std::uint32_t, kNumVnic> no_rel{};
  b.host_clock(0, 0, no_rel);

  std::uint64_t buf_next = 0x40000000ULL;
  std::uint64_t ts = 1000;
  for (unsigned batch = 0; batch < batches; ++batch) {
    // ---- host phase
    std::uint32_t arm = 0, relm = 0;
    std::array<std::uint32_t, kNumVnic> rel{};
    for (unsigned q = 0; q < kNR; ++q) {
      Ring& r = b.ring[q];
      if (rng.chance(0.05) && q != 5 && q != 6) {  // re-enable: indices back to 0
        r.en = false;
        b.drive_cfg();
        b.host_clock(0, 0, no_rel);
        r.en = true;
        r.prod = r.cons = r.cq_prod = r.cq_cons = 0;
        b.drive_cfg();
        b.host_clock(0, 0, no_rel);
      }
      // consume some completions
      const std::uint16_t pend = static_cast<std::uint16_t>(r.cq_prod - r.cq_cons);
      if (pend && batch % 6 < 3 && rng.chance(0.6)) r.cq_cons = static_cast<std::uint16_t>(r.cq_cons + rng.between(1, pend));
      if (rng.chance(0.5)) arm |= 1u << q;
      // post descriptors (never more than the ring holds)
      if (!r.usable()) continue;
      const unsigned room = r.entries() - static_cast<std::uint16_t>(r.prod - r.cons);
      const unsigned n = room ? static_cast<unsigned>(rng.below(room + 1)) : 0;
      for (unsigned i = 0; i < n; ++i) {
        const std::uint32_t blen = rng.chance(0.1) ? static_cast<std::uint32_t>(rng.between(60, 1600))
                                                   : 2048;
        const std::uint64_t buf = buf_next + rng.below(64);
        buf_next += 4096;
        b.mem().write(r.base + std::uint64_t{r.prod & (r.entries() - 1)} * kDescBytes,
                      rx_desc(buf, blen));
        ++r.prod;
      }
    }
    for (unsigned v = 0; v < kNumVnic; ++v)
      if (rng.chance(0.4)) {
        relm |= 1u << v;
        rel[v] = static_cast<std::uint32_t>(rng.chance(0.2) ? 0xFFFFFFFFu : rng.below(5000));
      }
    b.irq_enable_set(rng.chance(0.9));
    b.drive_cfg();
    b.host_clock(arm, relm, rel);
    // ---- frames
    std::vector<Frame> frames(rng.between(10, 40));
    for (Frame& f : frames) {
      const unsigned len = rng.chance(0.3) ? static_cast<unsigned>(rng.between(14, 128))
                                           : static_cast<unsigned>(rng.between(60, 1600));
      f.bytes.resize(len);
      for (auto& x : f.bytes) x = static_cast<std::uint8_t>(rng.next());
      Rec& r = f.r;
      r.dest = rng.chance(0.15) ? 3 : 2;
      r.vport = r.dest == 3 ? 255 : (rng.chance(0.05) ? static_cast<unsigned>(rng.chance(0.5) ? 0 : 5)
                                                        : static_cast<unsigned>(rng.between(1, 4)));
      r.src = static_cast<unsigned>(rng.below(6));
      static constexpr unsigned kReasons[] = {1, 2, 3, 4, 5, 7};  // 6 is reserved
      r.reason = r.dest == 3 ? kReasons[rng.below(6)] : 0;
      r.perr = r.dest == 3 && r.reason == 4;
      r.mkv = rng.chance(0.3);
      r.mark = static_cast<std::uint32_t>(rng.next());
      r.h1 = static_cast<std::uint32_t>(rng.next());
      r.rssv = r.dest == 2 && rng.chance(0.6);
      r.hash = r.rssv ? static_cast<std::uint32_t>(rng.next()) : 0;
      r.rssq = static_cast<unsigned>(rng.below(3));
      r.ts = ts;
      ts += rng.between(1, 1u << 20) + (std::uint64_t{1} << 32) * rng.below(2);
      r.tcam = rng.chance(0.5) ? 0xFFFF : static_cast<unsigned>(rng.below(4096));
      r.status = static_cast<unsigned>(rng.next() & 0x4E);
      r.types = static_cast<unsigned>(rng.next() & 0xFF);
      r.tci = static_cast<unsigned>(rng.next() & 0xFFFF);
    }
    ASSERT_TRUE(b.run_batch(frames)) << "batch " << batch;
  }
  // The engine may still be prefetching descriptors (posted after the last batch): let the
  // reads finish before the checker's end-of-test check.
  for (int i = 0; i < 2000; ++i) b.step();
  b.checker().expect_idle();
  std::printf("rx random seed %llu: %llu delivered (vnic %llu, exc %llu, mirror %llu) and "
              "checked; drops no_desc %llu too_long %llu cq_full %llu quota %llu exc_full %llu "
              "mirror_drop %llu; irqs %llu; %llu clocks\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(b.checked()),
              static_cast<unsigned long long>(b.out_vnic), static_cast<unsigned long long>(b.out_exc),
              static_cast<unsigned long long>(b.mirror),
              static_cast<unsigned long long>(b.drops[kNoDesc]),
              static_cast<unsigned long long>(b.drops[kTooLong]),
              static_cast<unsigned long long>(b.drops[kCqFull]),
              static_cast<unsigned long long>(b.drops[kQuota]),
              static_cast<unsigned long long>(b.drops[kExcFull]),
              static_cast<unsigned long long>(b.drops[kMirrorDrop]),
              static_cast<unsigned long long>(b.irqs), static_cast<unsigned long long>(b.cycle()));
  // Every outcome must have happened.
  EXPECT_GT(b.out_vnic, 100u);
  EXPECT_GT(b.out_exc, 10u);
  EXPECT_GT(b.mirror, 5u);
  EXPECT_GT(b.tcp_ctl, 2u);
  for (unsigned k = 0; k < kNumDrops; ++k) EXPECT_GT(b.drops[k], 0u) << "drop kind " << k;
  EXPECT_GT(b.irqs, 10u);
  EXPECT_EQ(b.irq_count[3], 0u);  // only ring 3 maps to 3, and it uses vector 9 (never raised)
}

TEST(RtlRx, RandomW64) { random_test<Vrx_tb_top_w64>(11, 60); }
TEST(RtlRx, RandomW512) { random_test<Vrx_tb_top_w512>(12, 80); }
TEST(RtlRx, RandomW512Seed2) { random_test<Vrx_tb_top_w512>(13, 60); }
// Long memory latency, few stalls, no gaps: several frames in flight per completion.
TEST(RtlRx, Latency100W64) { random_test<Vrx_tb_top_w64>(14, 50, 100, 0.95, 0.0); }
TEST(RtlRx, Latency100W512) { random_test<Vrx_tb_top_w512>(15, 60, 100, 0.95, 0.0); }

// Host memory of the directed tests and figures: the given latencies, 16 reads and 16
// writes outstanding (as axi_dma in nic_top).
template <class V>
AxiMemConfig directed_mem(unsigned read_latency, unsigned write_latency) {
  AxiMemConfig mc;
  mc.data_bytes = RxAxi::data_bytes<V>();
  mc.read_latency = read_latency;
  mc.write_latency = write_latency;
  mc.max_reads = 16;
  mc.max_writes = 16;
  return mc;
}

// Frames back to back, no stalls.
Profile back_to_back() {
  Profile prof;
  prof.p_frame_gap = 0.0;
  prof.stalls = false;
  return prof;
}

// Quota with back-to-back frames of one VNIC: each frame's check comes the clock after the
// previous frame's write request, so the bytes that request made pending must already count
// (the checks' flags are taken a clock ahead with and without that request). 70-byte
// quota, 40-byte frames (short, so the next record waits in the look-ahead FIFO at both
// widths): the first delivered, the second (checked the clock after the first's request)
// and the rest dropped for quota.
template <class V>
void quota_b2b_test() {
  RxBench<V> b(directed_mem<V>(30, 100), back_to_back(), 77);
  for (unsigned q = 0; q < kNR; ++q) {
    Ring& r = b.ring[q];
    r.base = 0x10000000ULL + q * 0x100000ULL;
    r.cq_base = 0x20000000ULL + q * 0x100000ULL;
    r.size = 5;
    r.en = true;
  }
  b.vnic[1] = {true, 2, 1, 70, 0};
  b.drive_cfg();
  const std::array<std::uint32_t, kNumVnic> no_rel{};
  b.host_clock(0, 0, no_rel);
  Ring& r = b.ring[2];
  for (unsigned i = 0; i < 32; ++i) {
    b.mem().write(r.base + std::uint64_t{i} * kDescBytes, rx_desc(0x40000000ULL + 4096ULL * i, 2048));
    ++r.prod;
  }
  b.drive_cfg();
  b.host_clock(0, 0, no_rel);
  std::vector<Frame> frames(12);
  for (unsigned i = 0; i < frames.size(); ++i) {
    frames[i].bytes.assign(40, static_cast<std::uint8_t>(i));
    frames[i].r.vport = 2;
    frames[i].r.ts = 1000 + i;
  }
  ASSERT_TRUE(b.run_batch(frames));
  EXPECT_EQ(b.drops[kQuota], 11u);
  EXPECT_EQ(b.out_vnic, 1u);
}
TEST(RtlRx, QuotaBackToBackW64) { quota_b2b_test<Vrx_tb_top_w64>(); }
TEST(RtlRx, QuotaBackToBackW512) { quota_b2b_test<Vrx_tb_top_w512>(); }

// The descriptor cache's demand fill when the ring has fewer posted descriptors than the
// cache holds and than its end: the fill reads those only (up to PROD), and descriptors the
// host posts later are read from memory, not taken from slots the cache never filled. The
// ring's slots past PROD hold stale descriptors (a poison buffer, as from an earlier lap of
// the ring); 3 are posted, 3 frames delivered, a 4th dropped (no descriptor); then 7 more
// are posted over the stale ones and 7 frames must land in their buffers. One ring only, so
// the cache stays on it between the two batches (the random tests switch rings every few
// frames, which restarts the cache).
template <class V>
void demand_fill_to_prod_test() {
  RxBench<V> b(directed_mem<V>(20, 20), back_to_back(), 91);
  Ring& r = b.ring[0];
  r.base = 0x10000000ULL;
  r.cq_base = 0x20000000ULL;
  r.size = 5;  // 32 entries: as many as the cache (DESC_CACHE 32)
  r.en = true;
  b.vnic[0] = {true, 0, 1, 0, 0};
  for (unsigned i = 0; i < 32; ++i)
    b.mem().write(r.base + std::uint64_t{i} * kDescBytes, rx_desc(0x7F000000ULL, 2048));
  b.mem().write(0x7F000000ULL, std::vector<std::uint8_t>(2048, 0));
  auto post = [&](unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      b.mem().write(r.base + std::uint64_t{r.prod & 31u} * kDescBytes,
                    rx_desc(0x40000000ULL + 4096ULL * r.prod, 2048));
      ++r.prod;
    }
    b.drive_cfg();
    const std::array<std::uint32_t, kNumVnic> no_rel{};
    b.host_clock(0, 0, no_rel);
  };
  auto frames = [](unsigned n, unsigned tag) {
    std::vector<Frame> fs(n);
    for (unsigned i = 0; i < n; ++i) {
      fs[i].bytes.assign(100, static_cast<std::uint8_t>(tag + i));
      fs[i].r.vport = 1;
      fs[i].r.ts = 1000 + tag + i;
    }
    return fs;
  };
  post(3);
  ASSERT_TRUE(b.run_batch(frames(4, 0)));
  EXPECT_EQ(b.out_vnic, 3u);
  EXPECT_EQ(b.drops[kNoDesc], 1u);
  post(7);
  ASSERT_TRUE(b.run_batch(frames(7, 16)));
  EXPECT_EQ(b.out_vnic, 10u);
  EXPECT_EQ(b.drops[kNoDesc], 1u);
  EXPECT_TRUE(b.mem().read(0x7F000000ULL, 100) == std::vector<std::uint8_t>(100, 0))
      << "a frame was written to a stale descriptor's buffer";
}
TEST(RtlRx, DemandFillToProdW64) { demand_fill_to_prod_test<Vrx_tb_top_w64>(); }
TEST(RtlRx, DemandFillToProdW512) { demand_fill_to_prod_test<Vrx_tb_top_w512>(); }

// ------------------------------------------------------------------------------------------
// Figures
// ------------------------------------------------------------------------------------------

template <class V>
double figure(unsigned len, unsigned frames, unsigned write_latency,
              std::uint64_t* bursts = nullptr) {
  RxBench<V> b(directed_mem<V>(100, write_latency), Profile{}, 5);
  Ring& r = b.ring[0];
  r.base = 0x10000000ULL;
  r.cq_base = 0x20000000ULL;
  r.size = 12;
  r.en = true;
  r.mod_pkts = 64;
  b.vnic[0] = {true, 0, 1, 0, 0};
  for (unsigned i = 0; i < frames; ++i) {
    b.mem().write(r.base + std::uint64_t{i} * kDescBytes,
                  rx_desc(0x40000000ULL + std::uint64_t{i} * 2048, 2048));
  }
  r.prod = static_cast<std::uint16_t>(frames);
  b.drive_cfg();
  const std::array<std::uint32_t, kNumVnic> no_rel{};
  b.host_clock(0, 0, no_rel);
  std::vector<Frame> fs(frames);
  for (unsigned i = 0; i < frames; ++i) {
    fs[i].bytes.assign(len, static_cast<std::uint8_t>(i));
    fs[i].r.vport = 1;
  }
  const std::uint64_t c0 = b.cycle();
  EXPECT_TRUE(b.run_batch(fs));
  const std::uint64_t clocks = b.cycle() - 9 - c0;  // run_batch adds 8 idle clocks + 1
  EXPECT_EQ(b.out_vnic, frames);
  if (bursts != nullptr) *bursts = b.cq_aws;
  return double(len) * frames / double(clocks);
}

TEST(RtlRxFigures, W512) {
  // Write latency 100 (as read), and 50 (as RtlTopFigures' host memory).
  for (unsigned wl : {100u, 50u}) {
    for (unsigned len : {64u, 256u, 1500u}) {
      std::uint64_t bursts = 0;
      const double bpc = figure<Vrx_tb_top_w512>(len, 200, wl, &bursts);
      std::printf("rx DATA_W 512, read latency 100, write latency %3u: %4u-byte frames: %.2f "
                  "delivered bytes/clock (%.1f %% of 64), %llu completion bursts for 200 "
                  "frames\n", wl, len, bpc, 100.0 * bpc / 64.0,
                  static_cast<unsigned long long>(bursts));
      EXPECT_GT(bpc, 0.0);
    }
  }
}

}  // namespace
}  // namespace nicsim::axi
