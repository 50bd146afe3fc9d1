// SPDX-License-Identifier: MIT
// tx_engine (rtl/tx_engine.sv) + axi_dma (bench wrapper tx_bench_top.sv) against the AxiMem
// host-memory model, clock by clock, with the AxiChecker watching the AXI port in every test.
//
// The host side of the bench writes transmit descriptors and frames into memory, rings the
// doorbells in pieces, consumes completions lazily (so completion rings fill and stop their
// queue) and answers interrupts (consume, then CQ_ARM). A C++ reference of spec 8 (the logic
// of NicDevice::tx_run / spoofed, with the model's parser) gives each descriptor's status and
// each frame's source vport; the bench checks every output frame (bytes and vport, in order
// per queue), every completion in memory (slot, status, zero bytes, phase over wraps; only
// after its frame left), CONS/CQ_PROD, the counters, and the interrupt rule (7.3).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "Vtx_bench_top_w512.h"
#include "Vtx_bench_top_w64.h"
#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/axi_slave.hpp"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::axi {
namespace {

NICSIM_AXI_PORT(TxAxi, m_axi_);
NICSIM_AXIS_PORT(OutPort, m_axis_);

using Bytes = std::vector<std::uint8_t>;
using model::Prng;

constexpr unsigned kQ = 4, kV = 4, kVec = 8;
constexpr unsigned kMaxFrame = 9018;

using bench::get_bits;
using bench::put_bits;

struct QueueCfg {
  std::uint64_t ring = 0, cq = 0;
  unsigned size_log2 = 4;
  bool enable = false;
  unsigned vport = 1;
  unsigned vector = 0;
  bool irq_en = false;
  unsigned mod_pkts = 1;
  std::uint32_t mod_cycles = 0;
  unsigned entries() const { return 1u << size_log2; }
};

struct VnicCfg {
  bool spoof = false, v4 = false, v6 = false;
  std::array<std::uint8_t, 6> mac{};
  std::uint32_t ipv4 = 0;
  std::array<std::uint8_t, 16> ipv6{};
};

// ---- the reference: spec 8 anti-spoof, as NicDevice::spoofed
bool ref_spoofed(const Bytes& frame, const VnicCfg& n) {
  if (n.spoof) {
    if (frame.size() < 14) return true;
    if (!std::equal(n.mac.begin(), n.mac.end(), frame.begin() + 6)) return true;
  }
  if (!n.v4 && !n.v6) return false;
  const model::ParseResult pr = model::Parser().parse(frame);
  const model::Level& l = pr.outer();
  if (n.v4 && l.has_arp && l.arp.eth_ipv4 && l.arp.spa.value() != n.ipv4) return true;
  if (n.v4 && l.has_ip && l.ip.version == 4 && l.ip.src.v4().value() != n.ipv4) return true;
  if (n.v6 && l.has_ip && l.ip.version == 6) {
    const auto src = l.ip.src.v6().bytes();
    const bool link_local = src[0] == 0xFE && (src[1] & 0xC0) == 0x80;
    bool equal = true;
    for (std::size_t i = 0; i < 16; ++i)
      if (src[i] != n.ipv6[i]) equal = false;
    if (!equal && !link_local) return true;
  }
  return false;
}

struct Desc {
  std::uint64_t addr = 0;
  std::uint16_t len = 0;
  bool ovr = false;
  std::uint8_t ovr_vport = 0;
};

// spec 8 steps 2-4: status, and the vport when the frame enters the pipeline
std::uint8_t ref_status(const Desc& d, const Bytes& frame, unsigned owner,
                        const std::array<VnicCfg, kV>& vnics, unsigned max_frame,
                        unsigned& vport) {
  const bool owner_ok = owner == 255 || (owner >= 1 && owner <= kV);
  const bool ovr_ok = d.ovr_vport <= kV;
  if (d.len == 0 || d.len > max_frame) return 2;
  if (!owner_ok || (d.ovr && (owner != 255 || !ovr_ok))) return 3;
  if (!d.ovr && owner != 255 && ref_spoofed(frame, vnics[owner - 1])) return 1;
  vport = d.ovr ? d.ovr_vport : owner;
  return 0;
}

struct Profile {
  double p_tready = 1.0;    // m_axis_tready
  double p_post = 0.3;      // host writes a descriptor (per queue, per clock)
  double p_bell = 0.2;      // host rings a doorbell
  double p_consume = 0.002;  // host advances CQ_CONS without an interrupt
  unsigned irq_delay = 40;  // host answers an interrupt within this many clocks
};

struct ExpCpl {
  std::uint16_t slot = 0;
  std::uint8_t status = 0;
  std::uint64_t frame_seq = 0;  // status 0: the queue's frame number
};
struct ExpFrame {
  Bytes bytes;
  unsigned vport = 0;
};

template <class V>
class TxBench {
 public:
  static constexpr unsigned kB = TxAxi::data_bytes<V>();

  TxBench(const AxiMemConfig& mcfg, Profile prof, std::uint64_t seed)
      : h_({.name = "tx_engine w" + std::to_string(8 * kB)}), mem_(mcfg), prof_(prof),
        rng_(seed) {
    AxiCheckerConfig c;
    c.name = "tx_engine w" + std::to_string(8 * kB);
    c.data_bytes = kB;
    c.max_reads = 16;
    c.max_writes = 16;
    chk_ = std::make_unique<AxiChecker>(c);
    for (unsigned q = 0; q < kQ; ++q) {
      qc_[q].ring = 0x100000 + 0x10000ull * q;
      qc_[q].cq = 0x200000 + 0x10000ull * q + 0x40;
    }
    drive_cfg();
    h_.reset(4, 1);
    attach();
  }

  std::array<QueueCfg, kQ> qc_;
  std::array<VnicCfg, kV> vn_;
  bool enable_ = true;
  unsigned max_frame_ = kMaxFrame;
  bool host_post_ = true;  // random posting in step()
  bool host_consume_ = true;
  bool host_asleep_ = false;
  bool host_answers_ = true;  // answer interrupts (consume, CQ_ARM)
  std::array<std::vector<std::uint64_t>, kQ> irq_cycles_, cpl_cycles_;  // pulse / completion seen
  void arm(unsigned q) {
    arm_strobe_[q] = true;
    hs_[q].armed = true;
    hs_[q].run = hs_[q].full_run = 0;
  }  // no CQ_CONS updates, interrupts answered later: CQs fill

  AxiMem& mem() { return mem_; }
  AxiChecker& checker() { return *chk_; }
  V& dut() { return h_.dut(); }
  std::uint64_t cycle() const { return h_.cycle(); }
  std::uint64_t frames_out() const { return n_frames_out_; }
  std::uint64_t bytes_out() const { return n_bytes_out_; }
  std::uint64_t last_beat_cycle() const { return last_beat_; }
  std::uint64_t irqs() const { return n_irq_; }

  // Enable queue q (edge: indices reset, armed).
  void enable_queue(unsigned q) {
    qc_[q].enable = true;
    hs_[q] = HostQ{};
    hs_[q].armed = true;
    edge_[q] = true;  // the RTL resets its indices at the next clock edge
  }

  // Post one descriptor with this frame (written to memory; the doorbell follows later).
  void post(unsigned q, const Desc& d0, const Bytes& frame) {
    HostQ& h = hs_[q];
    Desc d = d0;
    const unsigned slot = h.written & (qc_[q].entries() - 1);
    if (d.addr < (std::uint64_t{1} << 48)) mem_.write(d.addr, frame);
    nicsim::fmt::TxDesc td;
    td.buf_addr = d.addr;
    td.len = d.len;
    td.set_vport_override(d.ovr);
    td.override_vport = d.ovr_vport;
    const auto raw = td.encode();
    mem_.write(qc_[q].ring + std::uint64_t{nicsim::fmt::TxDesc::kBytes} * slot,
               Bytes(raw.begin(), raw.end()));
    unsigned vport = 0;
    // The frame as the NIC reads it: zeros beyond the 48-bit limit.
    Bytes seen = d.addr < (std::uint64_t{1} << 48) ? frame : Bytes(frame.size(), 0);
    const std::uint8_t st = ref_status(d, seen, qc_[q].vport, vn_, max_frame_, vport);
    if (d.addr >= (std::uint64_t{1} << 48) && st <= 1) ++exp_dev_err_;
    ExpCpl c;
    c.slot = static_cast<std::uint16_t>(slot);
    c.status = st;
    if (st == 0 || st == 1) {
      ++exp_frames_;
      exp_bytes_ += d.len;
    }
    if (st == 1) ++exp_spoof_;
    if (st >= 2) ++exp_bad_;
    if (st == 0) {
      c.frame_seq = h.frames_posted++;
      ExpFrame f;
      f.bytes = seen;
      f.vport = vport;
      h.frames.push_back(std::move(f));
    }
    h.cpls.push_back(c);
    ++h.written;
  }
  void doorbell(unsigned q) { hs_[q].prod = hs_[q].written; }
  void doorbell(unsigned q, std::uint16_t prod) { hs_[q].prod = prod; }
  void set_cq_cons(unsigned q, std::uint16_t v) { hs_[q].cq_cons = v; }
  std::uint16_t seen_cpls(unsigned q) const { return hs_[q].seen; }
  std::uint16_t cons(unsigned q) const {
    return static_cast<std::uint16_t>(get_bits(h_->txq_cons, 16 * q, 16));
  }

  // A random frame for queue q (good, spoofed in one field, short, odd headers).
  Bytes make_frame(unsigned q, unsigned len_hint) {
    const unsigned owner = qc_[q].vport;
    VnicCfg n = (owner >= 1 && owner <= kV) ? vn_[owner - 1] : vn_[0];
    Bytes f;
    auto put16 = [&](unsigned v) {
      f.push_back(static_cast<std::uint8_t>(v >> 8));
      f.push_back(static_cast<std::uint8_t>(v));
    };
    for (int i = 0; i < 6; ++i) f.push_back(static_cast<std::uint8_t>(rng_.next()));
    for (int i = 0; i < 6; ++i) f.push_back(n.mac[i]);
    if (rng_.chance(0.1)) f[6 + rng_.below(6)] ^= 0x10;  // wrong MAC
    const unsigned tags = static_cast<unsigned>(rng_.below(4));  // 3 tags: parse error
    static constexpr unsigned kTpid[3] = {0x8100, 0x88a8, 0x9100};
    for (unsigned t = 0; t < tags; ++t) {
      put16(kTpid[rng_.below(3)]);
      put16(static_cast<unsigned>(rng_.below(4096)));
    }
    const unsigned kind = static_cast<unsigned>(rng_.below(5));
    if (kind == 0) {  // IPv4
      put16(0x0800);
      const unsigned ihl = rng_.chance(0.9) ? 5 + static_cast<unsigned>(rng_.below(3))
                                            : static_cast<unsigned>(rng_.below(16));
      const unsigned ver = rng_.chance(0.95) ? 4 : 6;
      f.push_back(static_cast<std::uint8_t>((ver << 4) | ihl));
      f.push_back(0);
      const unsigned tot = rng_.chance(0.8) ? 20 + static_cast<unsigned>(rng_.below(1400))
                                            : static_cast<unsigned>(rng_.below(40));
      put16(tot);
      for (int i = 0; i < 8; ++i) f.push_back(static_cast<std::uint8_t>(rng_.next()));
      std::uint32_t src = n.ipv4;
      if (rng_.chance(0.3)) src ^= 1u << rng_.below(32);
      for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(src >> (24 - 8 * i)));
    } else if (kind == 1) {  // IPv6
      put16(0x86dd);
      f.push_back(rng_.chance(0.95) ? 0x60 : 0x40);
      for (int i = 0; i < 7; ++i) f.push_back(static_cast<std::uint8_t>(rng_.next()));
      std::array<std::uint8_t, 16> src = n.ipv6;
      const unsigned r = static_cast<unsigned>(rng_.below(10));
      if (r == 0) src[rng_.below(16)] ^= 0x04;                 // wrong
      if (r == 1) { src[0] = 0xfe; src[1] = 0x80 | static_cast<std::uint8_t>(rng_.below(64)); }
      if (r == 2) { src[0] = 0xfe; src[1] = 0xc0; }            // site-local: not link-local
      for (auto b : src) f.push_back(b);
    } else if (kind == 2) {  // ARP
      put16(0x0806);
      const bool eth_ip = rng_.chance(0.9);
      put16(eth_ip ? 1 : 6);
      put16(0x0800);
      f.push_back(6);
      f.push_back(rng_.chance(0.95) ? 4 : 16);
      put16(1);
      for (int i = 0; i < 6; ++i) f.push_back(n.mac[i]);
      std::uint32_t spa = n.ipv4;
      if (rng_.chance(0.2)) spa ^= 1u << rng_.below(32);
      for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(spa >> (24 - 8 * i)));
    } else if (kind == 3) {
      put16(static_cast<unsigned>(rng_.below(0x10000)));  // other EtherType / 802.3 length
    }
    // kind 4: random bytes from here (the EtherType too)
    unsigned len = len_hint;
    if (len == 0) {
      const unsigned r = static_cast<unsigned>(rng_.below(20));
      if (r < 4)
        len = 1 + static_cast<unsigned>(rng_.below(64));  // cut inside the headers
      else if (r < 17)
        len = 60 + static_cast<unsigned>(rng_.below(1500));
      else
        len = 1 + static_cast<unsigned>(rng_.below(kMaxFrame));
    }
    while (f.size() < len) f.push_back(static_cast<std::uint8_t>(rng_.next()));
    f.resize(len);
    return f;
  }

  // A random descriptor (mostly good) at a fresh buffer address.
  Desc make_desc(unsigned len) {
    Desc d;
    d.len = static_cast<std::uint16_t>(len);
    const unsigned r = static_cast<unsigned>(rng_.below(100));
    if (r < 3) d.len = 0;
    else if (r < 6) d.len = static_cast<std::uint16_t>(max_frame_ + 1 + rng_.below(65535 - max_frame_));
    d.addr = buf_next_ + rng_.below(64);
    buf_next_ = (d.addr + len + 64) & ~std::uint64_t{63};
    if (rng_.chance(0.01)) d.addr = (std::uint64_t{1} << 48) + rng_.below(1 << 20);
    if (rng_.chance(0.15)) {
      d.ovr = true;
      d.ovr_vport = static_cast<std::uint8_t>(rng_.chance(0.8) ? rng_.below(kV + 1)
                                                                : rng_.below(256));
    }
    return d;
  }

  void post_random(unsigned q) {
    const Bytes f = make_frame(q, 0);
    post(q, make_desc(static_cast<unsigned>(f.size())), f);
  }

  bool host_idle() const {
    for (unsigned q = 0; q < kQ; ++q)
      if (hs_[q].seen != hs_[q].written || !hs_[q].frames.empty() || hs_[q].prod != hs_[q].written)
        return false;
    return true;
  }

  // Run until every posted descriptor completed and every frame came out.
  bool run_until_idle(std::uint64_t max_idle = 100000) {
    h_.set_watchdog(max_idle, [this] { return dump(); });
    const bool ok = h_.run_until([this] { return host_idle(); });
    h_.set_watchdog(0);
    if (ok) h_.ticks(8);
    return ok;
  }
  void run(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) step();
  }

  std::string dump() const {
    std::string s;
    for (unsigned q = 0; q < kQ; ++q)
      s += "\n  q" + std::to_string(q) + " written " + std::to_string(hs_[q].written) + " prod " +
           std::to_string(hs_[q].prod) + " seen " + std::to_string(hs_[q].seen) + " cq_cons " +
           std::to_string(hs_[q].cq_cons) + " frames left " + std::to_string(hs_[q].frames.size());
    return s;
  }

  void check_counters() {
    EXPECT_EQ(h_->cnt_tx_frames, exp_frames_);
    EXPECT_EQ(h_->cnt_tx_bytes, exp_bytes_);
    EXPECT_EQ(h_->cnt_tx_bad_desc, exp_bad_);
    EXPECT_EQ(h_->cnt_spoof, exp_spoof_);
    EXPECT_EQ(h_->cnt_dev_err, exp_dev_err_);
    chk_->expect_idle();
    for (unsigned q = 0; q < kQ; ++q) {
      EXPECT_EQ(cons(q), hs_[q].written) << "q" << q;
      EXPECT_EQ(get_bits(h_->txq_cq_prod, 16 * q, 16), hs_[q].written) << "q" << q;
    }
  }

  std::uint64_t exp_frames_ = 0, exp_bytes_ = 0, exp_bad_ = 0, exp_spoof_ = 0, exp_dev_err_ = 0;
  std::uint64_t n_ar_ = 0;  // AR handshakes
  std::uint64_t cq_full_clocks_ = 0;
  unsigned max_full_ = 0;  // clocks a queue with work waited on a full CQ

  void step() { h_.tick(); }

 private:
  // Per clock, in this order: the host's actions and the register inputs, the AXI slave
  // (AxiMem) and its checker, m_axis (tready drawn after the host's draws), then the
  // interrupt and completion checks.
  void attach() {
    host_ = std::make_unique<bench::Hook>(h_, [this] {
      cycle_ = h_.cycle();
      host_actions();
      drive_cfg();
    });
    axi_ = std::make_unique<AxiMemSlave<V, TxAxi>>(h_, mem_, *chk_);
    out_ = std::make_unique<bench::AxisSink<V, OutPort>>(
        h_, bench::AxisSinkConfig{.ready = bench::chance(rng_, prof_.p_tready),
                                  .keep = bench::KeepRule::kPacked});
    out_->on_beat = [this](V& d, const bench::AxisBeat& b) { on_beat(d, b); };
    out_->on_frame = [this](bench::AxisFrame&& f) { on_frame(f.data); };
    checks_ = std::make_unique<bench::Hook>(h_, nullptr, [this] {
      V& d = h_.dut();
      if (axi_->m2s().arvalid && axi_->s2m().arready) ++n_ar_;
      check_irq(d);
      const std::uint64_t before = progress();
      check_completions(d);
      if (progress() != before) h_.progress();  // a completion seen is progress too
      for (unsigned q = 0; q < kQ; ++q) arm_strobe_[q] = edge_[q] = false;
    });
  }

  struct HostQ {
    std::uint16_t written = 0, prod = 0, seen = 0, cq_cons = 0;
    std::uint64_t frames_posted = 0, frames_out = 0;
    std::deque<ExpCpl> cpls;
    std::deque<ExpFrame> frames;
    bool armed = true;
    std::int64_t irq_answer = -1;  // cycle at which the host answers a raised interrupt
    std::uint64_t run = 0;         // clocks armed with pending > 0
    std::uint64_t full_run = 0;    // clocks armed with pending >= mod_pkts
  };

  std::uint64_t progress() const {
    std::uint64_t p = n_beats_;
    for (unsigned q = 0; q < kQ; ++q) p += hs_[q].seen;
    return p;
  }

  void host_actions() {
    for (unsigned q = 0; q < kQ; ++q) {
      HostQ& h = hs_[q];
      if (!qc_[q].enable) continue;
      const unsigned n = qc_[q].entries();
      if (host_post_ && rng_.chance(prof_.p_post) &&
          static_cast<std::uint16_t>(h.written - cons(q)) < n && pending_posts_ > 0) {
        post_random(q);
        --pending_posts_;
      }
      if (host_post_ && h.prod != h.written && rng_.chance(prof_.p_bell))
        h.prod = static_cast<std::uint16_t>(
            h.prod + 1 + rng_.below(static_cast<std::uint16_t>(h.written - h.prod)));
      if (host_asleep_) continue;
      if (host_consume_ && h.cq_cons != h.seen && rng_.chance(prof_.p_consume))
        h.cq_cons = static_cast<std::uint16_t>(
            h.cq_cons + 1 + rng_.below(static_cast<std::uint16_t>(h.seen - h.cq_cons)));
      if (h.irq_answer >= 0 && cycle_ >= static_cast<std::uint64_t>(h.irq_answer)) {
        h.cq_cons = h.seen;
        h.armed = true;
        h.run = h.full_run = 0;
        arm_strobe_[q] = true;
        h.irq_answer = -1;
      }
    }
  }

 public:
  unsigned pending_posts_ = 0;  // random posts still to make (host_post_)

 private:
  void drive_cfg() {
    V& d = h_.dut();
    for (unsigned q = 0; q < kQ; ++q) {
      const QueueCfg& c = qc_[q];
      put_bits(d.cfg_txq_ring_base, 64 * q, 64, c.ring);
      put_bits(d.cfg_txq_cq_base, 64 * q, 64, c.cq);
      put_bits(d.cfg_txq_size_log2, 5 * q, 5, c.size_log2);
      put_bits(d.cfg_txq_enable, q, 1, c.enable);
      put_bits(d.cfg_txq_prod, 16 * q, 16, hs_[q].prod);
      put_bits(d.cfg_txq_cq_cons, 16 * q, 16, hs_[q].cq_cons);
      put_bits(d.cfg_txq_cq_arm, q, 1, arm_strobe_[q]);
      put_bits(d.cfg_txq_vport, 8 * q, 8, c.vport);
      put_bits(d.cfg_txq_irq_vector, 8 * q, 8, c.vector);
      put_bits(d.cfg_txq_irq_enable, q, 1, c.irq_en);
      put_bits(d.cfg_txq_mod_pkts, 16 * q, 16, c.mod_pkts);
      put_bits(d.cfg_txq_mod_cycles, 32 * q, 32, c.mod_cycles);
    }
    for (unsigned v = 0; v < kV; ++v) {
      const VnicCfg& n = vn_[v];
      put_bits(d.cfg_vnic_spoof_check, v, 1, n.spoof);
      put_bits(d.cfg_vnic_ipv4_check, v, 1, n.v4);
      put_bits(d.cfg_vnic_ipv6_check, v, 1, n.v6);
      std::uint64_t mac = 0;
      for (auto b : n.mac) mac = (mac << 8) | b;
      put_bits(d.cfg_vnic_mac, 48 * v, 48, mac);
      put_bits(d.cfg_vnic_ipv4, 32 * v, 32, n.ipv4);
      std::uint64_t hi = 0, lo = 0;
      for (int i = 0; i < 8; ++i) hi = (hi << 8) | n.ipv6[i];
      for (int i = 8; i < 16; ++i) lo = (lo << 8) | n.ipv6[i];
      put_bits(d.cfg_vnic_ipv6, 128 * v, 64, lo);
      put_bits(d.cfg_vnic_ipv6, 128 * v + 64, 64, hi);
    }
    d.cfg_enable = enable_;
    d.cfg_tx_max_frame = static_cast<std::uint16_t>(max_frame_);
  }

  // Every m_axis beat: the vport must hold over the frame (tkeep: the sink's kPacked rule).
  void on_beat(V& d, const bench::AxisBeat& b) {
    ++n_beats_;
    last_beat_ = cycle_;
    if (first_beat_) cur_vport_ = d.m_axis_vport;
    first_beat_ = b.last;
    if (d.m_axis_vport != cur_vport_)
      ADD_FAILURE() << "cycle " << cycle_ << ": m_axis_vport changed within a frame";
  }

  // Every frame out: the next expected frame of one of the queues.
  void on_frame(const Bytes& frame) {
    ++n_frames_out_;
    n_bytes_out_ += frame.size();
    bool found = false;
    for (unsigned q = 0; q < kQ && !found; ++q) {
      HostQ& h = hs_[q];
      if (!h.frames.empty() && h.frames.front().bytes == frame &&
          h.frames.front().vport == cur_vport_) {
        h.frames.pop_front();
        ++h.frames_out;
        found = true;
      }
    }
    if (!found) {
      std::string heads;
      for (unsigned q = 0; q < kQ; ++q)
        if (!hs_[q].frames.empty())
          heads += " q" + std::to_string(q) + ":len " + std::to_string(hs_[q].frames.front().bytes.size()) +
                   "/vport " + std::to_string(hs_[q].frames.front().vport);
      ADD_FAILURE() << "cycle " << cycle_ << ": frame of " << frame.size() << " bytes, vport "
                    << cur_vport_ << " is not the next expected frame of any queue;" << heads;
    }
  }

  void check_completions(V& d) {
    for (unsigned q = 0; q < kQ; ++q) {
      HostQ& h = hs_[q];
      if (edge_[q]) continue;
      const auto prod = static_cast<std::uint16_t>(get_bits(d.txq_cq_prod, 16 * q, 16));
      const auto cns = static_cast<std::uint16_t>(get_bits(d.txq_cons, 16 * q, 16));
      if (prod != cns) ADD_FAILURE() << "q" << q << ": CONS " << cns << " != CQ_PROD " << prod;
      const std::uint16_t full = static_cast<std::uint16_t>(prod - h.cq_cons);
      if (full > qc_[q].entries())
        ADD_FAILURE() << "cycle " << cycle_ << " q" << q << ": completion ring overrun";
      if (full == qc_[q].entries() && h.written != h.seen) ++cq_full_clocks_;
      if (full > max_full_) max_full_ = full;
      while (h.seen != prod) {
        if (h.cpls.empty()) {
          ADD_FAILURE() << "q" << q << ": completion " << h.seen << " without a descriptor";
          h.seen = prod;
          break;
        }
        const ExpCpl e = h.cpls.front();
        h.cpls.pop_front();
        const unsigned mask = qc_[q].entries() - 1;
        using nicsim::fmt::TxCpl;
        const Bytes c = mem_.read(qc_[q].cq + std::uint64_t{TxCpl::kBytes} * (h.seen & mask),
                                  TxCpl::kBytes);
        TxCpl w;
        w.slot = e.slot;
        w.status = static_cast<nicsim::fmt::TxStatus>(e.status);
        w.set_phase(((h.seen >> qc_[q].size_log2) & 1u) == 0);
        const auto wb = w.encode();
        const Bytes want(wb.begin(), wb.end());
        if (c != want) {
          std::string got, exp;
          for (auto x : c) got += " " + std::to_string(x);
          for (auto x : want) exp += " " + std::to_string(x);
          ADD_FAILURE() << "cycle " << cycle_ << " q" << q << " completion " << h.seen
                        << ":" << got << " expected" << exp;
        }
        if (e.status == 0 && h.frames_out <= e.frame_seq)
          ADD_FAILURE() << "q" << q << " completion " << h.seen << " before its frame left";
        ++h.seen;
        cpl_cycles_[q].push_back(cycle_);
      }
    }
  }

  void check_irq(V& d) {
    unsigned vec_exp = 0;
    for (unsigned q = 0; q < kQ; ++q) {
      HostQ& h = hs_[q];
      const QueueCfg& c = qc_[q];
      const bool fired = get_bits(d.irq_queue, q, 1) != 0;
      const auto prod = static_cast<std::uint16_t>(get_bits(d.txq_cq_prod, 16 * q, 16));
      const unsigned mp = c.mod_pkts == 0 ? 1 : c.mod_pkts;
      if (fired) {
        ++n_irq_;
        irq_cycles_[q].push_back(cycle_);
        if (c.vector < kVec) vec_exp |= 1u << c.vector;
        if (!h.armed) ADD_FAILURE() << "cycle " << cycle_ << " q" << q << ": raised while disarmed";
        if (!c.irq_en) ADD_FAILURE() << "q" << q << ": raised with IRQ.ENABLE clear";
        const bool why = prev_pending_[q] >= mp || (c.mod_cycles != 0 && h.run >= c.mod_cycles);
        if (!why)
          ADD_FAILURE() << "cycle " << cycle_ << " q" << q << ": raised with pending "
                        << prev_pending_[q] << " after " << h.run << " clocks";
        h.armed = false;
        h.run = h.full_run = 0;
        // Mostly a prompt host; sometimes a slow one (the completion ring fills, the queue stops).
        const unsigned delay = rng_.chance(0.2) ? 20 * prof_.irq_delay : prof_.irq_delay;
        if (host_answers_) h.irq_answer = static_cast<std::int64_t>(cycle_ + 1 + rng_.below(delay + 1));
      }
      const std::uint16_t pending = edge_[q] ? std::uint16_t{0} : static_cast<std::uint16_t>(prod - h.cq_cons);
      prev_pending_[q] = pending;
      if (h.armed && c.irq_en && c.enable && pending > 0 && !arm_strobe_[q]) {
        ++h.run;
        h.full_run = pending >= mp ? h.full_run + 1 : 0;
        if (h.full_run > 3)
          ADD_FAILURE() << "cycle " << cycle_ << " q" << q << ": pending " << pending
                        << " >= mod_pkts and no interrupt";
        if (c.mod_cycles != 0 && h.run > c.mod_cycles + 3)
          ADD_FAILURE() << "cycle " << cycle_ << " q" << q << ": MOD_CYCLES passed, no interrupt";
      } else {
        h.run = h.full_run = 0;
      }
    }
    if (get_bits(d.irq_vector, 0, kVec) != vec_exp)
      ADD_FAILURE() << "cycle " << cycle_ << ": irq_vector " << get_bits(d.irq_vector, 0, kVec)
                    << " expected " << vec_exp;
  }

  bench::Harness<V> h_;
  AxiMem mem_;
  Profile prof_;
  Prng rng_;
  std::unique_ptr<AxiChecker> chk_;
  std::unique_ptr<bench::Hook> host_, checks_;
  std::unique_ptr<AxiMemSlave<V, TxAxi>> axi_;
  std::unique_ptr<bench::AxisSink<V, OutPort>> out_;
  std::array<HostQ, kQ> hs_{};
  std::array<bool, kQ> arm_strobe_{};
  std::array<bool, kQ> edge_{};
  std::array<std::uint16_t, kQ> prev_pending_{};
  std::uint64_t cycle_ = 0;  // the clock being simulated (h_.cycle()), for the checks
  std::uint64_t n_beats_ = 0, n_frames_out_ = 0, n_bytes_out_ = 0, last_beat_ = 0,
                n_irq_ = 0;
  std::uint64_t buf_next_ = 0x1000000;
  bool first_beat_ = true;
  unsigned cur_vport_ = 0;
};

void setup_vnics(std::array<VnicCfg, kV>& vn, Prng& rng) {
  for (unsigned v = 0; v < kV; ++v) {
    VnicCfg& n = vn[v];
    for (auto& b : n.mac) b = static_cast<std::uint8_t>(rng.next());
    n.ipv4 = static_cast<std::uint32_t>(rng.next());
    for (auto& b : n.ipv6) b = static_cast<std::uint8_t>(rng.next());
    n.ipv6[0] = 0x20;
  }
  vn[0].spoof = vn[0].v4 = vn[0].v6 = true;  // vport 1: all checks
  vn[1].spoof = true;                        // vport 2: MAC and IPv6
  vn[1].v6 = true;
  vn[2].v4 = true;                           // vport 3: IPv4/ARP only
}

template <class V>
void random_test(std::uint64_t seed, unsigned posts, const AxiMemConfig& mc, Profile prof) {
  TxBench<V> b(mc, prof, seed);
  Prng rng(seed * 7 + 1);
  setup_vnics(b.vn_, rng);
  const unsigned owners[kQ] = {1, 2, 255, 3};
  for (unsigned q = 0; q < kQ; ++q) {
    b.qc_[q].vport = owners[q];
    b.qc_[q].size_log2 = q == 0 ? 4 : 5;
    b.qc_[q].irq_en = true;
    b.qc_[q].vector = q == 3 ? 9 : 1 + q / 2;  // q3: a vector beyond NUM_VECTORS
    b.qc_[q].mod_pkts = q == 0 ? 1 : (q == 1 ? 4 : 6);
    b.qc_[q].mod_cycles = q == 1 ? 300 : (q == 2 ? 0 : 150);
    b.enable_queue(q);
  }
  b.pending_posts_ = posts;
  b.run(2);
  // Segment 2: a queue whose owner is invalid (every descriptor status 3).
  for (unsigned k = 1; b.pending_posts_ > 0; ++k) {
    b.run(1000);
    if (k % 4 == 0) {
      b.host_asleep_ = true;
      b.run(TxBench<V>::kB >= 64 ? 3000 : 20000);
      b.host_asleep_ = false;
    }
  }
  ASSERT_TRUE(b.run_until_idle());
  b.check_counters();
  EXPECT_GT(b.irqs(), 10u);
  // Now the bad owner on queue 3 (disable, reconfigure, enable: indices restart at 0).
  b.qc_[3].enable = false;
  b.run(2);
  b.qc_[3].vport = 9;
  b.enable_queue(3);
  b.run(2);
  for (int i = 0; i < 20; ++i) b.post_random(3);
  b.doorbell(3);
  ASSERT_TRUE(b.run_until_idle());
  b.check_counters();
  std::printf("[ tx w%u ] %llu frames out, %llu bytes, %llu spoofed, %llu bad descriptors, "
              "%llu interrupts, %llu clocks waiting on a full CQ, %llu clocks\n",
              8 * TxBench<V>::kB, static_cast<unsigned long long>(b.frames_out()),
              static_cast<unsigned long long>(b.bytes_out()),
              static_cast<unsigned long long>(b.exp_spoof_),
              static_cast<unsigned long long>(b.exp_bad_),
              static_cast<unsigned long long>(b.irqs()),
              static_cast<unsigned long long>(b.cq_full_clocks_),
              static_cast<unsigned long long>(b.cycle()));
  EXPECT_GT(b.exp_spoof_, 20u);
  EXPECT_GT(b.cq_full_clocks_, 100u);
}

AxiMemConfig stall_mem(unsigned bytes, unsigned lat, std::uint64_t seed) {
  AxiMemConfig m;
  m.data_bytes = bytes;
  m.read_latency = lat;
  m.write_latency = lat / 2;
  m.max_reads = 16;
  m.max_writes = 16;
  m.p_arready = 0.7;
  m.p_rvalid = 0.7;
  m.p_awready = 0.7;
  m.p_wready = 0.7;
  m.p_bvalid = 0.7;
  m.seed = seed;
  return m;
}

TEST(RtlTx, RandomStallsW64) {
  Profile p;
  p.p_tready = 0.6;
  random_test<Vtx_bench_top_w64>(11, 600, stall_mem(8, 30, 3), p);
}
TEST(RtlTx, RandomStallsW512) {
  Profile p;
  p.p_tready = 0.6;
  random_test<Vtx_bench_top_w512>(12, 1500, stall_mem(64, 30, 4), p);
}
TEST(RtlTx, RandomNoStallsW512) {
  AxiMemConfig m;
  m.data_bytes = 64;
  m.read_latency = 100;
  m.write_latency = 100;
  m.max_reads = 16;
  m.max_writes = 16;
  Profile p;
  p.p_consume = 0.01;
  random_test<Vtx_bench_top_w512>(13, 1000, m, p);
}

// CONTROL.ENABLE clear: nothing is fetched; setting it services the posted descriptors.
// Then CQ full: the host never consumes, the queue stops with a full completion ring and
// resumes by exactly the slots the host frees.
template <class V>
void gating_test() {
  TxBench<V> b(stall_mem(TxBench<V>::kB, 20, 5), Profile{}, 21);
  Prng rng(5);
  setup_vnics(b.vn_, rng);
  b.host_post_ = false;
  b.host_consume_ = false;
  b.enable_ = false;
  b.qc_[0].vport = 255;
  b.qc_[0].size_log2 = 4;
  b.enable_queue(0);
  b.run(2);
  for (int i = 0; i < 10; ++i) b.post(0, b.make_desc(100), b.make_frame(0, 100));
  b.doorbell(0);
  b.run(3000);
  EXPECT_EQ(b.n_ar_, 0u) << "read while CONTROL.ENABLE is clear";
  EXPECT_EQ(b.cons(0), 0u);
  EXPECT_EQ(b.frames_out(), 0u);
  b.enable_ = true;
  ASSERT_TRUE(b.run_until_idle());
  EXPECT_EQ(b.cons(0), 10u);
  // 6 more fill the 16-entry completion ring; 10 behind them wait.
  for (int i = 0; i < 16; ++i) b.post(0, b.make_desc(200), b.make_frame(0, 200));
  b.doorbell(0);
  b.run(4000);
  EXPECT_EQ(b.cons(0), 16u);
  EXPECT_EQ(b.seen_cpls(0), 16u);
  b.set_cq_cons(0, 5);  // frees 5 slots
  b.run(4000);
  EXPECT_EQ(b.cons(0), 21u);
  b.set_cq_cons(0, 21);
  ASSERT_TRUE(b.run_until_idle());
  b.check_counters();
}
// Interrupt timing (7.3): MOD_CYCLES counted from the completion, MOD_PKTS reached at once,
// CQ_ARM with enough pending raises right away.
template <class V>
void irq_test() {
  TxBench<V> b(stall_mem(TxBench<V>::kB, 20, 6), Profile{}, 41);
  b.host_post_ = false;
  b.host_consume_ = false;
  b.host_answers_ = false;
  b.qc_[0].vport = 255;
  b.qc_[0].irq_en = true;
  b.qc_[0].vector = 3;
  b.qc_[0].mod_pkts = 4;
  b.qc_[0].mod_cycles = 200;
  b.enable_queue(0);
  b.run(2);
  // One completion: the timer raises MOD_CYCLES clocks later (+1: the pulse is registered).
  b.post(0, Desc{0x1000000, 100, false, 0}, Bytes(100, 1));
  b.doorbell(0);
  ASSERT_TRUE(b.run_until_idle());
  b.run(400);
  ASSERT_EQ(b.irq_cycles_[0].size(), 1u);
  ASSERT_EQ(b.cpl_cycles_[0].size(), 1u);
  EXPECT_EQ(b.irq_cycles_[0][0] - b.cpl_cycles_[0][0], 201u);
  // Disarmed: 3 more (pending 4) raise nothing.
  for (int i = 0; i < 3; ++i) b.post(0, Desc{0x1001000 + 0x1000ull * i, 64, false, 0}, Bytes(64, 2));
  b.doorbell(0);
  ASSERT_TRUE(b.run_until_idle());
  b.run(400);
  EXPECT_EQ(b.irq_cycles_[0].size(), 1u);
  // CQ_ARM with pending 4 >= MOD_PKTS: raised 2 clocks after the strobe.
  const std::uint64_t t_arm = b.cycle();
  b.arm(0);
  b.run(10);
  ASSERT_EQ(b.irq_cycles_[0].size(), 2u);
  EXPECT_EQ(b.irq_cycles_[0][1] - t_arm, 2u);
  // Consume, arm, then 4 completions in a burst: raised when the 4th is visible.
  b.set_cq_cons(0, 4);
  b.run(2);
  b.arm(0);
  b.run(2);
  for (int i = 0; i < 4; ++i) b.post(0, Desc{0x1010000 + 0x1000ull * i, 64, false, 0}, Bytes(64, 3));
  b.doorbell(0);
  ASSERT_TRUE(b.run_until_idle());
  b.run(50);
  ASSERT_EQ(b.irq_cycles_[0].size(), 3u);
  EXPECT_EQ(b.irq_cycles_[0][2] - b.cpl_cycles_[0].back(), 1u);
  b.check_counters();
}
// Anti-spoof with decoys: frames whose bytes at the places of a second or third VLAN tag
// (16-17, 20-21) look like a TPID and an EtherType although the frame has fewer tags. The
// verdict is taken at the L3 header's real place only (spec 8: 0..2 tags as the parser sees
// them); checking a decoy place too would call these good frames spoofed (or miss a bad one).
template <class V>
void decoy_test() {
  TxBench<V> b(stall_mem(TxBench<V>::kB, 20, 7), Profile{}, 51);
  Prng rng(9);
  setup_vnics(b.vn_, rng);
  b.host_post_ = false;
  b.qc_[0].vport = 1;  // vn_[0]: MAC, IPv4 and IPv6 checks
  b.qc_[0].size_log2 = 5;
  b.enable_queue(0);
  b.run(2);
  const VnicCfg& n = b.vn_[0];
  // An IPv4 frame with `tags` VLAN tags whose header fields are chosen by the caller.
  auto ipv4 = [&](unsigned tags, std::uint16_t tot_len, std::uint16_t id, std::uint16_t frag,
                  std::uint8_t ttl, std::uint32_t src) {
    Bytes f;
    auto put16 = [&](unsigned v) {
      f.push_back(static_cast<std::uint8_t>(v >> 8));
      f.push_back(static_cast<std::uint8_t>(v));
    };
    for (int i = 0; i < 6; ++i) f.push_back(static_cast<std::uint8_t>(0x10 + i));
    for (auto x : n.mac) f.push_back(x);
    for (unsigned t = 0; t < tags; ++t) {
      put16(0x8100);
      put16(100 + t);
    }
    put16(0x0800);
    f.push_back(0x45);
    f.push_back(0);
    put16(tot_len);
    put16(id);
    put16(frag);
    f.push_back(ttl);
    f.push_back(17);
    put16(0);
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(src >> (24 - 8 * i)));
    while (f.size() < 96) f.push_back(static_cast<std::uint8_t>(0xa0 + f.size()));
    return f;
  };
  unsigned spoofed = 0, posted = 0;
  auto post = [&](const Bytes& f, bool is_spoofed) {
    b.post(0, Desc{0x1000000 + 0x1000ull * posted++, static_cast<std::uint16_t>(f.size()), false, 0},
           f);
    spoofed += is_spoofed;
  };
  const std::uint32_t bad = n.ipv4 ^ 0x100;
  // Untagged; bytes 16-17 (total length) a TPID, 20-21 (flags) 0x86dd, byte 22 (TTL) 0x6_:
  // read as two tags, byte 22 would start an IPv6 header with a foreign source.
  post(ipv4(0, 0x8100, 0x0001, 0x86dd, 0x64, n.ipv4), false);
  post(ipv4(0, 0x8100, 0x0001, 0x86dd, 0x64, bad), true);
  // Untagged; bytes 16-17 0x0800, byte 18 (id) 0x45 and bytes 20-21 (fragment offset) 84:
  // read as one tag, byte 18 would start an IPv4 header (total length 84) whose source
  // (bytes 30-33) is not the VNIC's.
  post(ipv4(0, 0x0800, 0x4500, 0x0054, 0x40, n.ipv4), false);
  post(ipv4(0, 0x0800, 0x4500, 0x0054, 0x40, bad), true);
  // One tag; the same one place on (bytes 20-21 the total length, 22 the id, 24-25 the
  // fragment offset).
  post(ipv4(1, 0x0800, 0x4500, 0x0054, 0x40, n.ipv4), false);
  post(ipv4(1, 0x0800, 0x4500, 0x0054, 0x40, bad), true);
  // Two tags, the real header at 22; and three (no L3 header: only the MAC is checked).
  post(ipv4(2, 0x0054, 0x4500, 0x8100, 0x40, n.ipv4), false);
  post(ipv4(2, 0x0054, 0x4500, 0x8100, 0x40, bad), true);
  post(ipv4(3, 0x0054, 0x4500, 0x0000, 0x40, bad), false);
  b.doorbell(0);
  ASSERT_TRUE(b.run_until_idle());
  b.check_counters();
  EXPECT_EQ(b.exp_spoof_, spoofed) << "the reference disagrees with the frames' intent";
  EXPECT_EQ(b.frames_out(), 9u - spoofed);
}
TEST(RtlTx, SpoofDecoyTagsW64) { decoy_test<Vtx_bench_top_w64>(); }
TEST(RtlTx, SpoofDecoyTagsW512) { decoy_test<Vtx_bench_top_w512>(); }

TEST(RtlTx, InterruptTimingW64) { irq_test<Vtx_bench_top_w64>(); }
TEST(RtlTx, InterruptTimingW512) { irq_test<Vtx_bench_top_w512>(); }

TEST(RtlTx, EnableGatingAndCqFullW64) { gating_test<Vtx_bench_top_w64>(); }
TEST(RtlTx, EnableGatingAndCqFullW512) { gating_test<Vtx_bench_top_w512>(); }

// Figures: one host queue, frames of one size, 100-clock memory, no stalls, the host
// consuming completions at once.
template <class V>
double figure(unsigned len, unsigned n) {
  AxiMemConfig m;
  m.data_bytes = TxBench<V>::kB;
  m.read_latency = 100;
  m.write_latency = 100;
  m.max_reads = 16;
  m.max_writes = 16;
  Profile p;
  p.p_consume = 1.0;
  TxBench<V> b(m, p, 31);
  b.host_post_ = false;
  b.qc_[0].vport = 255;
  b.qc_[0].size_log2 = 12;
  b.enable_queue(0);
  b.run(2);
  for (unsigned i = 0; i < n; ++i) {
    Desc d;
    d.len = static_cast<std::uint16_t>(len);
    d.addr = 0x1000000 + 0x4000ull * i;
    Bytes f(len);
    for (auto& x : f) x = static_cast<std::uint8_t>(i + len);
    b.post(0, d, f);
  }
  const std::uint64_t t0 = b.cycle();
  b.doorbell(0);
  EXPECT_TRUE(b.run_until_idle());
  b.check_counters();
  const double bpc = static_cast<double>(b.bytes_out()) / static_cast<double>(b.last_beat_cycle() - t0 + 1);
  std::printf("[ tx figure w%u ] %u-byte frames: %.2f bytes/clock (%.1f %% of %u), %.1f clocks/frame\n",
              8 * TxBench<V>::kB, len, bpc, 100.0 * bpc / TxBench<V>::kB, TxBench<V>::kB,
              static_cast<double>(b.last_beat_cycle() - t0 + 1) / n);
  return bpc;
}
TEST(RtlTxFigures, W512) {
  figure<Vtx_bench_top_w512>(64, 400);
  figure<Vtx_bench_top_w512>(256, 400);
  const double b1500 = figure<Vtx_bench_top_w512>(1500, 400);
  EXPECT_GT(b1500, 20.0);
}
TEST(RtlTxFigures, W64) {
  figure<Vtx_bench_top_w64>(64, 200);
  figure<Vtx_bench_top_w64>(1500, 200);
}

}  // namespace
}  // namespace nicsim::axi
