// SPDX-License-Identifier: MIT
// nic_top (rtl/nic_top.sv) end to end, driven only through its external interfaces as a driver
// does (AXI4-Lite registers, descriptor rings and flow commands in host memory, doorbells,
// interrupts), against the register-accurate golden model model::NicDevice.
//
// Differential: the same register program (VNICs, RSS, quotas, receive, exception, transmit
// and flow-command rings, interrupts, EM flows, TCAM rules, meters and encap templates through
// FT_CMD / TCAM_CMD / METER_CMD / ENCAP_CMD) is applied to both; generated frames enter from
// the wire and from the transmit rings of the VNICs and of the host's queue, in batches. The
// model sees each frame in the order and at the clock the RTL's ingress arbiter took it (the
// bench wrapper's monitor), so meters, timestamps and last-seen times match. After each batch
// the NIC must be idle and identical to the model: wire output, every counter, ring indices,
// completion rings, the delivered bytes, transmit completions, quotas, the set of interrupt
// vectors raised, the flow-command ring; then the host consumes and re-posts as a driver
// would. The AXI4 and AXI4-Lite checkers are on throughout; the host memory has latency and
// random stalls; the wire output has random back-pressure.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "../rtl_datapath/dp_scenario.hpp"
#include "Vnic_cosim_top_w512.h"
#include "Vnic_cosim_top_w64.h"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/tracegen.hpp"
#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"
#include "top_harness.hpp"

namespace nicsim::rtl_top {
namespace {

namespace R = nicsim::regs;
using model::ActionRecord;
using model::Prng;

// The Verilated configuration (testbenches/rtl_top/CMakeLists.txt).
constexpr unsigned kNumVnic = 4, kNumRxq = 8, kNumTxq = 5, kNumVec = 8;
constexpr std::uint32_t kEmBuckets = 64, kTcamEntries = 16, kNumMeters = 8, kNumEncap = 8;
// EM_ACTIVITY of the differential: every handle of the table and 8 past it.
constexpr std::uint16_t kActivityHandles = 2 * 4 * kEmBuckets + 8;
constexpr rtl_dp::Limits kLimits{kNumVnic, kNumMeters, kNumEncap};

// Host memory layout (one region, same device addresses for the RTL and the model).
constexpr unsigned kRxLog2 = 9, kTxLog2 = 8, kFcLog2 = 6;
constexpr unsigned kRxEntries = 1u << kRxLog2, kTxEntries = 1u << kTxLog2;
constexpr unsigned kRings = kNumRxq + 1;  // receive queues, then the exception ring
constexpr std::uint64_t kBufBytes = 10240;
constexpr unsigned kCqFullRing = 6;  // its completions are never consumed: 16 entries
constexpr unsigned rx_log2(unsigned r) { return r == kCqFullRing ? 4 : kRxLog2; }
constexpr unsigned rx_entries(unsigned r) { return 1u << rx_log2(r); }
constexpr unsigned kHostQueue = kNumTxq - 1;  // txq 4: the host's queue (vport 255)
constexpr std::size_t kRxDesc = fmt::RxDesc::kBytes, kRxCpl = fmt::RxCpl::kBytes,
                      kTxDesc = fmt::TxDesc::kBytes, kTxCpl = fmt::TxCpl::kBytes;

struct Layout {
  std::uint64_t base = 0;
  std::uint64_t rx_ring(unsigned r) const { return base + r * kRxEntries * kRxDesc; }
  std::uint64_t rx_cq(unsigned r) const { return base + 0x10'0000 + r * kRxEntries * kRxCpl; }
  std::uint64_t tx_ring(unsigned q) const { return base + 0x20'0000 + q * kTxEntries * kTxDesc; }
  std::uint64_t tx_cq(unsigned q) const { return base + 0x28'0000 + q * kTxEntries * kTxCpl; }
  std::uint64_t fc_ring() const { return base + 0x30'0000; }
  std::uint64_t fc_activity() const { return base + 0x38'0000; }  // EM_ACTIVITY records
  std::uint64_t rx_buf(unsigned r, unsigned slot) const {
    return base + 0x40'0000 + (std::uint64_t{r} * kRxEntries + slot) * kBufBytes;
  }
  std::uint64_t tx_buf(unsigned q, unsigned slot) const {
    return base + 0x40'0000 + std::uint64_t{kRings} * kRxEntries * kBufBytes +
           (std::uint64_t{q} * kTxEntries + slot) * kBufBytes;
  }
  static constexpr std::uint64_t kTotal =
      0x40'0000 + std::uint64_t{kRings} * kRxEntries * kBufBytes +
      std::uint64_t{kNumTxq} * kTxEntries * kBufBytes;
};

model::DeviceConfig device_config(unsigned data_w) {
  model::DeviceConfig c;
  c.pipeline.em_buckets = kEmBuckets;
  c.pipeline.tcam_entries = kTcamEntries;
  c.pipeline.num_meters = kNumMeters;
  c.pipeline.num_encap = kNumEncap;
  c.pipeline.num_vnic = kNumVnic;
  c.num_rxq = kNumRxq;
  c.num_txq = kNumTxq;
  c.num_vectors = kNumVec;
  c.data_w = data_w;
  return c;
}

std::uint32_t ring_reg(unsigned r, std::uint32_t off) {
  return r < kNumRxq ? R::rxq::element(r) + off : R::excq::element(0) + off;
}
std::uint32_t txq_reg(unsigned q, std::uint32_t off) { return R::txq::element(q) + off; }
std::uint32_t vnic_reg(unsigned vport, std::uint32_t off) {
  return R::vnic::element(vport - 1) + off;
}

constexpr std::array<std::uint8_t, 6> vnic_mac(unsigned v) {
  return {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(v)};
}

/// The RTL (through the harness) and the model, programmed together.
template <class V>
class Dual {
 public:
  Dual(unsigned data_w, const HarnessConfig& hc)
      : rtl(hc), dev(device_config(data_w), hm) {
    const auto region = hm.allocate(Layout::kTotal, 4096);
    lay.base = region.dev_addr;
  }

  Harness<V> rtl;
  model::HostMemory hm;
  model::NicDevice dev;
  Layout lay;

  void w32(std::uint32_t a, std::uint32_t v) {
    rtl.write32(a, v);
    dev.write32(a, v);
  }
  void w64(std::uint32_t a, std::uint64_t v) {
    w32(a, static_cast<std::uint32_t>(v));
    w32(a + 4, static_cast<std::uint32_t>(v >> 32));
  }
  /// Reads a register of both; a difference is a failure. Returns the RTL's value.
  std::uint32_t r32(std::uint32_t a, const char* what) {
    const std::uint32_t x = rtl.read32(a);
    const std::uint32_t y = dev.read32(a);
    EXPECT_EQ(x, y) << what << " (register 0x" << std::hex << a << ")";
    return x;
  }
  void put(std::uint64_t addr, const Bytes& b) {
    rtl.mem().write(addr, b);
    ASSERT_TRUE(hm.write(addr, b));
  }
  void zero(std::uint64_t addr, std::size_t n) { put(addr, Bytes(n, 0)); }

  /// A register command (FT_CMD, TCAM_CMD, METER_CMD, ENCAP_CMD): the RTL is polled until
  /// BUSY clears; the status must equal the model's.
  std::uint32_t command(std::uint32_t cmd_addr, std::uint32_t status_addr, std::uint32_t cmd) {
    w32(cmd_addr, cmd);
    std::uint32_t st = 0;
    for (int i = 0; i < 1000; ++i) {
      st = rtl.read32(status_addr);
      if ((st & 0x8000'0000u) == 0) break;
    }
    EXPECT_EQ(st, dev.read32(status_addr)) << "status of command " << cmd << " at 0x" << std::hex
                                           << cmd_addr;
    return st;
  }

  void write_words(std::uint32_t addr, const std::uint8_t* bytes, std::size_t n) {
    for (std::size_t w = 0; w * 4 < n; ++w) {
      std::uint32_t v = 0;
      for (std::size_t i = 0; i < 4 && w * 4 + i < n; ++i)
        v |= std::uint32_t{bytes[w * 4 + i]} << (8 * i);
      w32(addr + static_cast<std::uint32_t>(4 * w), v);
    }
  }

  void em_insert(const model::FlowKey& key, const ActionRecord& a) {
    write_words(R::flow::FT_KEY_ADDR, key.data(), key.size());
    const auto enc = a.encode();
    write_words(R::flow::FT_ACTION_ADDR, enc.data(), enc.size());
    command(R::flow::FT_CMD_ADDR, R::flow::FT_STATUS_ADDR, 1);
    r32(R::flow::FT_HANDLE_ADDR, "FT_HANDLE");
  }
  void tcam_write(unsigned index, std::uint16_t prio, const model::TcamKey& value,
                  const model::TcamKey& mask, const ActionRecord& a) {
    w32(R::tcam::TCAM_INDEX_ADDR, index);
    w32(R::tcam::TCAM_PRIO_ADDR, prio);
    write_words(R::tcam::TCAM_VALUE_ADDR, value.data(), value.size());
    write_words(R::tcam::TCAM_MASK_ADDR, mask.data(), mask.size());
    const auto enc = a.encode();
    write_words(R::tcam::TCAM_ACTION_ADDR, enc.data(), enc.size());
    command(R::tcam::TCAM_CMD_ADDR, R::tcam::TCAM_STATUS_ADDR, 1);
  }
  void meter(unsigned index, std::uint32_t rate, std::uint32_t burst) {
    w32(R::actions::METER_INDEX_ADDR, index);
    w32(R::actions::METER_RATE_ADDR, rate);
    w32(R::actions::METER_BURST_ADDR, burst);
    command(R::actions::METER_CMD_ADDR, R::actions::ACT_STATUS_ADDR, 1);
  }
  void encap(unsigned index, const model::EncapTemplate& t) {
    w32(R::actions::ENCAP_INDEX_ADDR, index);
    const auto enc = t.encode();
    write_words(R::actions::ENCAP_DATA_ADDR, enc.data(), enc.size());
    command(R::actions::ENCAP_CMD_ADDR, R::actions::ACT_STATUS_ADDR, 1);
  }
};

/// The state a driver keeps per ring.
struct RingState {
  std::uint16_t prod = 0, cons = 0, cq_cons = 0;
};

template <class V>
class Scenario {
 public:
  Scenario(unsigned data_w, const HarnessConfig& hc, std::uint64_t seed)
      : d_(std::make_unique<Dual<V>>(data_w, hc)), rng_(seed) {}

  Dual<V>& d() { return *d_; }

  /// The driver's bring-up: VNICs, rings, interrupts, tables.
  void bring_up() {
    Dual<V>& d = *d_;
    const Layout& L = d.lay;
    d.w32(R::nic::CONTROL_ADDR, 1);
    d.w32(R::nic::WIRE_MAX_FRAME_ADDR, 1400);  // the IMIX 1500-byte frames to the wire: mtu
    for (unsigned v = 1; v <= kNumVnic; ++v) {
      std::uint32_t ctrl = 1u | 2u;  // enable, RSS
      if (v == 1 || v == 3) ctrl |= 4u;  // spoof check of the source MAC
      d.w32(vnic_reg(v, R::vnic::VNIC_CTRL), ctrl);
      d.w32(vnic_reg(v, R::vnic::RXQ_BASE), 2 * (v - 1));
      d.w32(vnic_reg(v, R::vnic::RXQ_COUNT), v == 4 ? 3 : 2);  // vport 4: one queue too many
      const auto mac = vnic_mac(v);
      d.w32(vnic_reg(v, R::vnic::MAC_HI), (std::uint32_t{mac[0]} << 8) | mac[1]);
      d.w32(vnic_reg(v, R::vnic::MAC_LO), (std::uint32_t{mac[2]} << 24) |
                                              (std::uint32_t{mac[3]} << 16) |
                                              (std::uint32_t{mac[4]} << 8) | mac[5]);
      if (v == 2) d.w32(vnic_reg(v, R::vnic::QUOTA_BYTES), 8'000);
      for (unsigned w = 0; w < 10; ++w)
        d.w32(vnic_reg(v, R::vnic::RSS_KEY + 4 * w), static_cast<std::uint32_t>(rng_.next()));
      for (unsigned w = 0; w < 32; ++w) {
        std::uint32_t x = 0;
        for (unsigned j = 0; j < 4; ++j) x |= static_cast<std::uint32_t>(rng_.below(2)) << (8 * j);
        d.w32(vnic_reg(v, R::vnic::RSS_INDIR + 4 * w), x);
      }
    }
    // Receive rings and the exception ring; buffers of 10 KiB, every 16th of 256 bytes.
    for (unsigned r = 0; r < kRings; ++r) {
      d.zero(L.rx_cq(r), kRxEntries * kRxCpl);
      Bytes ring(kRxEntries * kRxDesc, 0);
      for (unsigned s = 0; s < kRxEntries; ++s) {
        const std::uint64_t a = L.rx_buf(r, s) + (s % 7);  // any alignment
        const std::uint32_t len = s % 16 == 5 ? 256 : static_cast<std::uint32_t>(kBufBytes - 8);
        fmt::RxDesc{a, len}.encode(std::span(ring).subspan(s * kRxDesc, kRxDesc));
      }
      d.put(L.rx_ring(r), ring);
      d.w64(ring_reg(r, R::rxq::RING_BASE_LO), L.rx_ring(r));
      d.w64(ring_reg(r, R::rxq::CQ_BASE_LO), L.rx_cq(r));
      d.w32(ring_reg(r, R::rxq::SIZE_LOG2), rx_log2(r));
      // Vector r % 8; MOD_PKTS 16 (the exception ring: 1).
      d.w32(ring_reg(r, R::rxq::IRQ), (1u << 31) | ((r < kNumRxq ? 16u : 1u) << 8) | (r % kNumVec));
      d.w32(ring_reg(r, R::rxq::CTRL), 1);
      post_rx(r);
    }
    // Transmit queues: 0..3 owned by vports 1..4, 4 the host's (255).
    for (unsigned q = 0; q < kNumTxq; ++q) {
      d.zero(L.tx_cq(q), kTxEntries * kTxCpl);
      d.w64(txq_reg(q, R::txq::RING_BASE_LO), L.tx_ring(q));
      d.w64(txq_reg(q, R::txq::CQ_BASE_LO), L.tx_cq(q));
      d.w32(txq_reg(q, R::txq::SIZE_LOG2), kTxLog2);
      d.w32(txq_reg(q, R::txq::IRQ), (1u << 31) | (8u << 8) | 7u);
      d.w32(txq_reg(q, R::txq::CTRL), 1u | ((q == kHostQueue ? 255u : q + 1) << 8));
    }
    // Flow-command ring.
    d.zero(L.fc_ring(), (1u << kFcLog2) * 128);
    d.w64(R::fcmd::FCMD_BASE_LO_ADDR, L.fc_ring());
    d.w32(R::fcmd::FCMD_SIZE_LOG2_ADDR, kFcLog2);
    d.w32(R::fcmd::FCMD_IRQ_ADDR, (1u << 31) | 6u);
    d.w32(R::fcmd::FCMD_CTRL_ADDR, 1);
    // Meters and templates.
    for (unsigned i = 1; i < kNumMeters; ++i)
      d.meter(i, static_cast<std::uint32_t>(5 + rng_.below(150)),
              static_cast<std::uint32_t>(1000 + rng_.below(8000)));
    for (unsigned i = 1; i < kNumEncap; ++i) d.encap(i, rtl_dp::random_template(rng_));
  }

  /// Re-posts every receive ring as a driver does after consuming its completions. Ring 5 is
  /// kept short of descriptors and ring 6's completions are never consumed (cq full).
  void post_rx(unsigned r) {
    RingState& s = rx_[r];
    if (r != kCqFullRing) s.cq_cons = s.cons;
    const std::uint16_t want =
        static_cast<std::uint16_t>(s.cons + (r == 5 ? 4u : rx_entries(r)));
    if (r != kCqFullRing) d_->w32(ring_reg(r, R::rxq::CQ_CONS), s.cq_cons);
    if (want != s.prod) {
      s.prod = want;
      d_->w32(ring_reg(r, R::rxq::PROD), s.prod);
    }
    d_->w32(ring_reg(r, R::rxq::CQ_ARM), 1);
  }

  /// Queues a frame on transmit queue q (the RTL's doorbell only; the model's follows the
  /// RTL's ingress order in replay()).
  void tx(unsigned q, const Bytes& f, bool override_vport = false, std::uint8_t ov = 0) {
    const Layout& L = d_->lay;
    TxQ& t = txq_[q];
    const unsigned slot = t.prod_rtl % kTxEntries;
    const std::uint64_t a = L.tx_buf(q, slot) + (slot % 5);
    d_->put(a, f);
    fmt::TxDesc td;
    td.buf_addr = a;
    td.len = static_cast<std::uint16_t>(f.size());
    if (override_vport) {
      td.set_vport_override(true);
      td.override_vport = ov;
    }
    const auto desc = td.encode();
    d_->put(L.tx_ring(q) + slot * kTxDesc, Bytes(desc.begin(), desc.end()));
    ++t.prod_rtl;
    t.dirty = true;
  }
  void tx_doorbells() {
    for (unsigned q = 0; q < kNumTxq; ++q) {
      if (!txq_[q].dirty) continue;
      txq_[q].dirty = false;
      d_->rtl.write32(txq_reg(q, R::txq::PROD), txq_[q].prod_rtl);
    }
  }
  void wire(Bytes f) {
    wire_sent_.push_back(f);
    d_->rtl.send(std::move(f));
  }

  /// Feeds the model what the RTL took, in the RTL's ingress order and at its clocks.
  void replay() {
    Dual<V>& d = *d_;
    const auto& ing = d.rtl.ingress();
    for (; ing_done_ < ing.size(); ++ing_done_) {
      const Ingress& g = ing[ing_done_];
      ASSERT_GE(g.ts, d.dev.now()) << "ingress timestamps out of order";
      d.dev.advance(g.ts - d.dev.now());
      if (g.vport == 0) {
        ASSERT_LT(wire_done_, wire_sent_.size()) << "a wire frame the bench did not send";
        d.dev.wire_rx(wire_sent_[wire_done_++]);
        continue;
      }
      const unsigned q = g.vport == 255 ? kHostQueue : g.vport - 1u;
      ASSERT_LT(q, kNumTxq) << "ingress vport " << unsigned{g.vport};
      TxQ& t = txq_[q];
      const auto entered = [&] {
        const auto c = d.dev.counters();
        return c.tx_frames - c.drop_spoof;
      };
      const std::uint64_t before = entered();
      while (entered() == before) {
        ASSERT_NE(t.prod_model, t.prod_rtl) << "the model found no frame for ingress vport "
                                            << unsigned{g.vport};
        ++t.prod_model;
        d.dev.write32(txq_reg(q, R::txq::PROD), t.prod_model);
      }
    }
    for (unsigned q = 0; q < kNumTxq; ++q) {
      TxQ& t = txq_[q];
      if (t.prod_model != t.prod_rtl) {
        t.prod_model = t.prod_rtl;
        d.dev.write32(txq_reg(q, R::txq::PROD), t.prod_model);
      }
    }
  }

  /// Runs the posted work to the end, replays it on the model and compares everything.
  /// Returns the mismatches found.
  std::size_t finish_batch() {
    Dual<V>& d = *d_;
    const Layout& L = d.lay;
    std::size_t bad = 0;
    auto check = [&](bool ok, const std::string& what) {
      if (!ok) {
        ++bad;
        if (bad <= 20) ADD_FAILURE() << what;
      }
    };
    tx_doorbells();
    // Idle: nothing moved for a while and every frame that entered has its outcome (the
    // ledger of the RTL's own counters balances).
    for (int i = 0;; ++i) {
      EXPECT_TRUE(d.rtl.settle());
      if (rtl_ledger_balanced()) break;
      if (i == 20) {
        ADD_FAILURE() << "the RTL's ledger does not balance: frames stuck in nic_top";
        break;
      }
    }
    replay();
    // Wire output, in order.
    std::size_t n_wire = 0;
    while (auto f = d.dev.wire_tx()) {
      const bool have = wire_seen_ < d.rtl.wire_out().size();
      check(have && d.rtl.wire_out()[wire_seen_] == f->data,
            "wire output frame " + std::to_string(wire_seen_) +
                (have ? " differs" : " missing from the RTL"));
      ++wire_seen_;
      ++n_wire;
    }
    check(wire_seen_ == d.rtl.wire_out().size(), "the RTL sent more frames to the wire");
    wire_seen_ = d.rtl.wire_out().size();
    // Every counter.
    for (std::uint32_t a = R::counters::RX_WIRE_FRAMES_LO_ADDR;
         a <= R::counters::DROP_TOKEN_HI_ADDR; a += 4) {
      const std::uint32_t x = d.rtl.read32(a), y = d.dev.read32(a);
      char msg[96];
      std::snprintf(msg, sizeof msg, "counter register 0x%04x: rtl %u model %u", a, x, y);
      check(x == y, msg);
    }
    check(d.dev.ledger().balanced(), "model ledger");
    // Rings: indices, completions, delivered bytes.
    for (unsigned r = 0; r < kRings; ++r) {
      const std::uint32_t cons = d.r32(ring_reg(r, R::rxq::CONS), "CONS");
      const std::uint32_t cqp = d.r32(ring_reg(r, R::rxq::CQ_PROD), "CQ_PROD");
      const Bytes a = d.rtl.mem().read(L.rx_cq(r), kRxEntries * kRxCpl);
      Bytes b(kRxEntries * kRxCpl);
      d.hm.read(L.rx_cq(r), b);
      if (a != b) {
        std::size_t i = 0;
        while (a[i] == b[i]) ++i;
        std::string msg = "completion ring " + std::to_string(r) + " entry " +
                          std::to_string(i / kRxCpl) + " byte " + std::to_string(i % kRxCpl) +
                          ": rtl";
        const std::size_t e = i / kRxCpl * kRxCpl;
        char hx[8];
        for (std::size_t k = e; k < e + kRxCpl; ++k) {
          std::snprintf(hx, sizeof hx, " %02x", a[k]);
          msg += hx;
        }
        msg += " model";
        for (std::size_t k = e; k < e + kRxCpl; ++k) {
          std::snprintf(hx, sizeof hx, " %02x", b[k]);
          msg += hx;
        }
        // The frame of that completion (first 128 bytes), for the report.
        const fmt::RxCpl want = fmt::RxCpl::decode(std::span(b).subspan(e, kRxCpl));
        const unsigned flen = want.len, fslot = want.slot;
        Bytes fr(std::min(flen, 128u));
        d.hm.read(L.rx_buf(r, fslot) + (fslot % 7), fr);
        msg += "\n  frame:";
        for (const std::uint8_t x : fr) {
          std::snprintf(hx, sizeof hx, " %02x", x);
          msg += hx;
        }
        check(false, msg);
      }
      RingState& s = rx_[r];
      for (std::uint16_t i = s.cons; i != static_cast<std::uint16_t>(cons); ++i) {
        const unsigned slot = i % rx_entries(r);
        const fmt::RxCpl cpl = fmt::RxCpl::decode(std::span(b).subspan(slot * kRxCpl, kRxCpl));
        const unsigned len = cpl.len;
        if (r == kNumRxq) ++exc_reasons_[static_cast<unsigned>(cpl.reason) % 8];
        const std::uint64_t addr = L.rx_buf(r, slot) + (slot % 7);
        Bytes x = d.rtl.mem().read(addr, len), y(len);
        d.hm.read(addr, y);
        check(x == y, "frame in ring " + std::to_string(r) + " slot " + std::to_string(slot));
      }
      s.cons = static_cast<std::uint16_t>(cons);
      (void)cqp;
    }
    for (unsigned q = 0; q < kNumTxq; ++q) {
      d.r32(txq_reg(q, R::txq::CONS), "TXQ CONS");
      const std::uint32_t cqp = d.r32(txq_reg(q, R::txq::CQ_PROD), "TXQ CQ_PROD");
      const Bytes a = d.rtl.mem().read(L.tx_cq(q), kTxEntries * kTxCpl);
      Bytes b(kTxEntries * kTxCpl);
      d.hm.read(L.tx_cq(q), b);
      check(a == b, "transmit completion ring " + std::to_string(q));
      d.w32(txq_reg(q, R::txq::CQ_CONS), cqp);
      d.w32(txq_reg(q, R::txq::CQ_ARM), 1);
    }
    for (unsigned v = 1; v <= kNumVnic; ++v) {
      const std::uint32_t inflight = d.r32(vnic_reg(v, R::vnic::QUOTA_INFLIGHT), "QUOTA_INFLIGHT");
      if (inflight != 0) d.w32(vnic_reg(v, R::vnic::QUOTA_RELEASE), inflight);
    }
    // Interrupts raised (as a set of vectors).
    std::set<unsigned> got(d.rtl.irqs().begin(), d.rtl.irqs().end()), want;
    d.rtl.irqs().clear();
    for (unsigned v = 0; v < kNumVec; ++v)
      if (d.dev.take_interrupt(v)) want.insert(v);
    check(got == want, "interrupt vectors raised");
    check(d.rtl.mem().oob_accesses() == 0, "DMA outside host memory");
    for (unsigned r = 0; r < kRings; ++r) post_rx(r);
    return bad;
  }

  bool rtl_ledger_balanced() {
    Harness<V>& h = d_->rtl;
    namespace C = R::counters;
    const std::uint64_t in = h.read64(C::RX_WIRE_FRAMES_LO_ADDR) + h.read64(C::TX_FRAMES_LO_ADDR);
    std::uint64_t out = h.read64(C::OUT_WIRE_LO_ADDR) + h.read64(C::OUT_VNIC_LO_ADDR) +
                        h.read64(C::OUT_EXCEPTION_LO_ADDR);
    for (std::uint32_t a = C::DROP_PARSE_ERROR_LO_ADDR; a <= C::DROP_SPOOF_LO_ADDR; a += 8)
      out += h.read64(a);
    out += h.read64(C::DROP_TOKEN_LO_ADDR);
    return in == out;
  }

  /// Flow commands through the ring (EM inserts, deletes, a TCAM write), run to the end on both.
  void flow_commands(const std::vector<Bytes>& slots) {
    Dual<V>& d = *d_;
    const unsigned n = 1u << kFcLog2;
    for (const Bytes& s : slots) {
      d.put(d.lay.fc_ring() + (fc_prod_ % n) * 128ull, s);
      ++fc_prod_;
    }
    d.w32(R::fcmd::FCMD_PROD_ADDR, fc_prod_);
    // (An EM_ACTIVITY of the whole table takes ~10 clocks per handle.)
    for (int i = 0; i < 100000 && d.rtl.read32(R::fcmd::FCMD_CONS_ADDR) != fc_prod_; ++i) {
    }
    d.r32(R::fcmd::FCMD_CONS_ADDR, "FCMD_CONS");
    d.r32(R::flow::FT_COUNT_ADDR, "FT_COUNT");
    const Bytes a = d.rtl.mem().read(d.lay.fc_ring(), n * 128);
    Bytes b(n * 128);
    d.hm.read(d.lay.fc_ring(), b);
    EXPECT_EQ(a, b) << "flow-command ring";
    const Bytes ra = d.rtl.mem().read(d.lay.fc_activity(), kActivityHandles * 32);
    Bytes rb(kActivityHandles * 32);
    d.hm.read(d.lay.fc_activity(), rb);
    for (std::size_t i = 0; i < ra.size(); ++i) {
      if (ra[i] != rb[i]) {
        ADD_FAILURE() << "EM_ACTIVITY record " << i / 32 << " byte " << i % 32 << ": rtl "
                      << unsigned{ra[i]} << " model " << unsigned{rb[i]};
        break;
      }
    }
  }

  Prng& rng() { return rng_; }
  /// Completions with this reason the exception ring delivered (and the bench compared).
  std::uint64_t exc_reasons_seen(unsigned reason) const { return exc_reasons_[reason % 8]; }

 private:
  struct TxQ {
    std::uint16_t prod_rtl = 0, prod_model = 0;
    bool dirty = false;
  };
  std::unique_ptr<Dual<V>> d_;
  Prng rng_;
  std::array<RingState, kRings> rx_{};
  std::array<TxQ, kNumTxq> txq_{};
  std::vector<Bytes> wire_sent_;
  std::size_t wire_done_ = 0, ing_done_ = 0, wire_seen_ = 0;
  std::uint16_t fc_prod_ = 0;
  std::array<std::uint64_t, 8> exc_reasons_{};
};

/// An EM_ACTIVITY command: the records of `entries` handles from `first` into `buf`.
Bytes em_activity_slot(std::uint32_t first, std::uint16_t entries, std::uint64_t buf) {
  fmt::Fcmd c;
  c.op = fmt::FcmdOp::kEmActivity;
  c.handle = first;
  c.entries = entries;
  c.buf_addr = buf;
  c.buf_len = entries * 32u;
  Bytes s(128, 0);
  c.encode(s);
  return s;
}

Bytes em_insert_slot(const model::FlowKey& key, const ActionRecord& a) {
  Bytes s(128, 0);
  s[0] = 1;
  std::copy(key.begin(), key.end(), s.begin() + 10);
  const auto enc = a.encode();
  std::copy(enc.begin(), enc.end(), s.begin() + 64);
  return s;
}

template <class V>
void differential(unsigned data_w, std::uint64_t seed, std::uint64_t frames, unsigned batches) {
  HarnessConfig hc;
  hc.seed = seed;
  hc.mem.read_latency = 40;
  hc.mem.write_latency = 20;
  hc.mem.p_arready = 0.8;
  hc.mem.p_awready = 0.8;
  hc.mem.p_wready = 0.9;
  hc.mem.p_rvalid = 0.9;
  hc.mem.p_bvalid = 0.9;
  hc.mem.seed = seed + 1;
  hc.p_wire_in = 0.9;
  hc.p_wire_out = 0.85;
  hc.p_irq_ready = 0.7;
  Scenario<V> sc(data_w, hc, seed * 13 + 5);
  sc.bring_up();
  Prng& r = sc.rng();

  model::TraceSpec spec;
  spec.seed = seed;
  spec.count = frames;
  spec.flows = 48;
  spec.sizes = model::SizeMix::kImix;
  spec.malformed = 0.03;
  model::TraceGenerator gen(spec);
  // All frames first, with their sources; the tables are programmed through the registers
  // before any traffic (a rule written while frames are in flight would apply to a different
  // set of frames in the untimed model). Flows inserted through the flow-command ring run
  // after the batch in which they first appear, when the NIC is idle, on both.
  struct Item {
    Bytes bytes;
    bool from_tx;
    unsigned q;
  };
  std::vector<Item> items;
  std::vector<bool> seen(spec.flows, false);
  const std::uint64_t per_batch = (frames + batches - 1) / batches;
  std::vector<std::vector<Bytes>> ring_cmds(batches + 1);
  unsigned tcam_next = 0;
  Prng tcp_rng(seed * 31 + 7);  // its own stream: the tables' draws stay as they were
  Prng osrc_rng(seed * 37 + 11);  // the outer source checks' (idem)
  while (auto f = gen.next()) {
    const std::uint32_t flow = gen.last().flow;
    // Sources: flows 0 mod 3 come from a transmit queue (vports 1..4 and the host's).
    const bool from_tx = flow % 3 == 0;
    const unsigned q = from_tx ? (flow / 3) % kNumTxq : 0;
    const std::uint8_t vport =
        !from_tx ? 0 : (q == kHostQueue ? 255 : static_cast<std::uint8_t>(q + 1));
    Bytes bytes = std::move(f->data);
    if (from_tx && q < kHostQueue && bytes.size() >= 12 && r.below(20) != 0) {
      const auto mac = vnic_mac(q + 1);  // a right source MAC, except 1 in 20 (spoof)
      std::copy(mac.begin(), mac.end(), bytes.begin() + 6);
    }
    if (tcp_rng.below(5) < 2) rtl_dp::random_tcp_flags(bytes, tcp_rng);  // SYN, FIN, RST
    if (!seen[flow] && !gen.last().malformed) {
      seen[flow] = true;
      const rtl_dp::Keys k = rtl_dp::keys_of(bytes, vport);
      if (k.ok) {
        ActionRecord a = rtl_dp::random_action(r, kLimits);
        rtl_dp::random_osrc_check(a, bytes, osrc_rng);
        a = ActionRecord::decode(a.encode());
        if (flow == 6 || flow == 16 || flow == 10 || flow == 11) {
          // Plain deliveries to VNIC 2 (its quota) and VNIC 4 (ring 6: completion ring full).
          a.flags = (2u << ActionRecord::kDestTypeShift) |
                    ((flow == 6 || flow == 16 ? 2u : 4u) << ActionRecord::kDestIdShift);
          a.meter = 0;
        }
        if (flow % 5 < 2) {
          sc.d().em_insert(k.key, a);
        } else if (flow % 5 == 2) {
          ring_cmds[items.size() / per_batch].push_back(em_insert_slot(k.key, a));
        } else if (flow % 4 == 1 && tcam_next < kTcamEntries) {
          model::TcamKey mask{};
          mask[0] = 0xFF;
          mask[5] = 0xFF;
          sc.d().tcam_write(tcam_next++, static_cast<std::uint16_t>(r.below(4)), k.tkey, mask,
                            rtl_dp::random_action(r, kLimits));
        }
      }
    }
    items.push_back(Item{std::move(bytes), from_tx, q});
  }
  std::size_t bad = 0;
  std::uint64_t n = 0, batch = 0, tx_in_batch = 0;
  for (Item& it : items) {
    if (it.from_tx) {
      sc.tx(it.q, it.bytes);
      if (++tx_in_batch % 64 == 0) sc.tx_doorbells();
    } else {
      sc.wire(std::move(it.bytes));
    }
    ++n;
    if (n % per_batch == 0 || n == items.size()) {
      bad += sc.finish_batch();
      // The batch's inserts, then the counters of every handle (and some past the table).
      ring_cmds[batch].push_back(em_activity_slot(0, kActivityHandles, sc.d().lay.fc_activity()));
      sc.flow_commands(ring_cmds[batch]);
      tx_in_batch = 0;
      ++batch;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  const auto c = sc.d().dev.counters();
  std::printf("nic_top differential (DATA_W=%u): %llu frames in %llu batches, %llu clocks; wire in "
              "%llu, tx %llu; out wire %llu vnic %llu (loopback %llu) exception %llu, mirror %llu "
              "(dropped %llu); drops: parse %llu flow %llu meter %llu bad_action %llu mtu %llu "
              "no_desc %llu too_long %llu cq_full %llu quota %llu exc_full %llu spoof %llu; "
              "em %llu tcam %llu miss %llu; %zu mismatches\n",
              data_w, static_cast<unsigned long long>(n), static_cast<unsigned long long>(batch),
              static_cast<unsigned long long>(sc.d().rtl.cycle()),
              static_cast<unsigned long long>(c.rx_wire_frames),
              static_cast<unsigned long long>(c.tx_frames),
              static_cast<unsigned long long>(c.out_wire),
              static_cast<unsigned long long>(c.out_vnic),
              static_cast<unsigned long long>(c.loopback),
              static_cast<unsigned long long>(c.out_exception),
              static_cast<unsigned long long>(c.mirror),
              static_cast<unsigned long long>(c.mirror_drop),
              static_cast<unsigned long long>(c.drop_parse_error),
              static_cast<unsigned long long>(c.drop_flow),
              static_cast<unsigned long long>(c.drop_meter),
              static_cast<unsigned long long>(c.drop_bad_action),
              static_cast<unsigned long long>(c.drop_mtu),
              static_cast<unsigned long long>(c.drop_rx_no_desc),
              static_cast<unsigned long long>(c.drop_rx_too_long),
              static_cast<unsigned long long>(c.drop_rx_cq_full),
              static_cast<unsigned long long>(c.drop_quota),
              static_cast<unsigned long long>(c.drop_exc_full),
              static_cast<unsigned long long>(c.drop_spoof),
              static_cast<unsigned long long>(c.em_hits),
              static_cast<unsigned long long>(c.tcam_hits),
              static_cast<unsigned long long>(c.misses), bad);
  EXPECT_EQ(bad, 0u);
  // Every outcome the scenario is built to reach was reached.
  EXPECT_GT(c.out_wire, 0u);
  EXPECT_GT(c.out_vnic, 0u);
  EXPECT_GT(c.loopback, 0u);
  EXPECT_GT(c.out_exception, 0u);
  EXPECT_GT(c.mirror, 0u);
  EXPECT_GT(sc.exc_reasons_seen(static_cast<unsigned>(fmt::ExcReason::kMirror)), 0u);
  EXPECT_GT(sc.exc_reasons_seen(static_cast<unsigned>(fmt::ExcReason::kTcpCtl)), 0u);
  EXPECT_GT(sc.exc_reasons_seen(static_cast<unsigned>(fmt::ExcReason::kOuterSrc)), 0u);
  EXPECT_GT(c.drop_rx_no_desc, 0u);
  EXPECT_GT(c.drop_rx_too_long, 0u);
  EXPECT_GT(c.drop_rx_cq_full, 0u);
  EXPECT_GT(c.drop_quota, 0u);
  EXPECT_GT(c.drop_spoof, 0u);
  EXPECT_GT(c.drop_meter, 0u);
  EXPECT_GT(c.em_hits, 0u);
  EXPECT_GT(c.tcam_hits, 0u);
  EXPECT_TRUE(sc.d().dev.ledger().balanced());
}


// ---- Figures (DATA_W=512, 250 MHz nominal, host memory read latency 100 clocks, write
// latency 50, no stalls): printed as NAME VALUE UNIT for scripts/bench.sh.
constexpr double kClockNs = 4.0;

template <class V>
struct FigureNic {
  explicit FigureNic(unsigned data_w) : d(data_w, config()) {}
  static HarnessConfig config() {
    HarnessConfig hc;
    hc.mem.read_latency = 100;
    hc.mem.write_latency = 50;
    return hc;
  }
  Dual<V> d;

  /// TCAM rules: frames from the wire (vport 0) to VNIC 1, frames from the host's queue
  /// (vport 255) to the wire. One receive queue of 4096 entries, 2 KiB buffers.
  void setup() {
    const Layout& L = d.lay;
    d.w32(R::nic::CONTROL_ADDR, 1);
    d.w32(vnic_reg(1, R::vnic::VNIC_CTRL), 1);
    d.w32(vnic_reg(1, R::vnic::RXQ_BASE), 0);
    d.w32(vnic_reg(1, R::vnic::RXQ_COUNT), 1);
    model::TcamKey value{}, mask{};
    mask[0] = 0xFF;
    const ActionRecord to_vnic = model::forward_to_vnic(1);
    d.tcam_write(0, 0, value, mask, to_vnic);
    value[0] = 255;
    const ActionRecord to_wire = model::forward_to_wire();
    d.tcam_write(1, 0, value, mask, to_wire);
    constexpr unsigned kLog2 = 12, kN = 1u << kLog2;
    Bytes ring(kN * kRxDesc, 0);
    for (unsigned s = 0; s < kN; ++s) {
      fmt::RxDesc{L.base + 0x100'0000 + s * 2048ull, 2048}.encode(
          std::span(ring).subspan(s * kRxDesc, kRxDesc));
    }
    d.put(L.base, ring);
    d.zero(L.base + 0x10'0000, kN * kRxCpl);
    d.w64(ring_reg(0, R::rxq::RING_BASE_LO), L.base);
    d.w64(ring_reg(0, R::rxq::CQ_BASE_LO), L.base + 0x10'0000);
    d.w32(ring_reg(0, R::rxq::SIZE_LOG2), kLog2);
    d.w32(ring_reg(0, R::rxq::CTRL), 1);
    d.w32(ring_reg(0, R::rxq::PROD), kN);
    d.w64(txq_reg(kHostQueue, R::txq::RING_BASE_LO), L.tx_ring(kHostQueue));
    d.w64(txq_reg(kHostQueue, R::txq::CQ_BASE_LO), L.tx_cq(kHostQueue));
    d.w32(txq_reg(kHostQueue, R::txq::SIZE_LOG2), kTxLog2);
    d.w32(txq_reg(kHostQueue, R::txq::CTRL), 1u | (255u << 8));
  }
  /// True when completion `i` of receive queue 0 is in host memory (phase of lap 0).
  bool rx_done(unsigned i) {
    const Bytes c = d.rtl.mem().read(d.lay.base + 0x10'0000 + i * kRxCpl, kRxCpl);
    return fmt::rx_cpl::PHASE.get(c) != 0;
  }
};

std::vector<Bytes> sized_frames(const std::string& mix, unsigned count, std::uint64_t seed) {
  model::TraceSpec spec;
  spec.seed = seed;
  spec.count = count;
  spec.flows = 16;
  spec.sizes = model::parse_size_mix(mix);
  spec.kinds = model::parse_kinds("ipv4,ipv6");
  model::TraceGenerator gen(spec);
  std::vector<Bytes> v;
  while (auto f = gen.next()) v.push_back(std::move(f->data));
  return v;
}

void print_figure(const char* name, double v, const char* unit) {
  std::printf("%s %.3f %s\n", name, v, unit);
}

TEST(RtlTopFigures, W512) {
  using V = Vnic_cosim_top_w512;
  for (const std::string mix : {"64", "128", "256", "512", "1518", "imix"}) {
    // Receive: wire -> VNIC 1's ring, frames back to back.
    FigureNic<V> nic(512);
    nic.setup();
    const std::vector<Bytes> frames = sized_frames(mix, mix == "64" ? 3000 : 1500, 7);
    std::uint64_t bytes = 0;
    for (const Bytes& f : frames) {
      bytes += f.size();
      nic.d.rtl.send(f);
    }
    const std::uint64_t t0 = nic.d.rtl.cycle();
    const auto n = static_cast<unsigned>(frames.size());
    while (!nic.rx_done(n - 1) && nic.d.rtl.cycle() - t0 < 5'000'000) nic.d.rtl.step();
    ASSERT_TRUE(nic.rx_done(n - 1)) << "receive " << mix;
    const double clocks = static_cast<double>(nic.d.rtl.cycle() - t0);
    print_figure(("rx_gbps_" + mix).c_str(), static_cast<double>(bytes) * 8.0 / (clocks * kClockNs),
                 "gbps");
    // Transmit: the host's queue -> wire.
    FigureNic<V> t(512);
    t.setup();
    std::uint64_t tx_bytes = 0;
    const unsigned m = std::min<unsigned>(n, kTxEntries - 1);
    Bytes ring(m * kTxDesc, 0);
    for (unsigned i = 0; i < m; ++i) {
      const std::uint64_t a = t.d.lay.tx_buf(0, i);
      t.d.rtl.mem().write(a, frames[i]);
      fmt::TxDesc td;
      td.buf_addr = a;
      td.len = static_cast<std::uint16_t>(frames[i].size());
      td.encode(std::span(ring).subspan(i * kTxDesc, kTxDesc));
      tx_bytes += frames[i].size();
    }
    t.d.rtl.mem().write(t.d.lay.tx_ring(kHostQueue), ring);
    t.d.rtl.write32(txq_reg(kHostQueue, R::txq::PROD), m);
    const std::uint64_t s0 = t.d.rtl.cycle();
    while (t.d.rtl.wire_out().size() < m && t.d.rtl.cycle() - s0 < 5'000'000) t.d.rtl.step();
    ASSERT_EQ(t.d.rtl.wire_out().size(), m) << "transmit " << mix;
    const double tclocks = static_cast<double>(t.d.rtl.cycle() - s0);
    print_figure(("tx_gbps_" + mix).c_str(),
                 static_cast<double>(tx_bytes) * 8.0 / (tclocks * kClockNs), "gbps");
  }
  {
    // Latency: one 64-byte frame, first wire beat to its completion in host memory.
    FigureNic<V> nic(512);
    nic.setup();
    const std::vector<Bytes> frames = sized_frames("64", 1, 9);
    nic.d.rtl.send(frames[0]);
    const std::uint64_t t0 = nic.d.rtl.cycle();
    while (!nic.rx_done(0) && nic.d.rtl.cycle() - t0 < 100'000) nic.d.rtl.step();
    ASSERT_TRUE(nic.rx_done(0));
    print_figure("rx_latency_clocks", static_cast<double>(nic.d.rtl.cycle() - t0), "clocks");
  }
  {
    // Flow-command ring: EM inserts of distinct keys, doorbell to FCMD_CONS.
    FigureNic<V> nic(512);
    constexpr unsigned kLog2 = 9, kN = 400;
    Prng r(5);
    Bytes ring;
    for (unsigned i = 0; i < kN; ++i) {
      model::FlowKey key{};
      for (auto& b : key) b = static_cast<std::uint8_t>(r.next());
      ActionRecord a;
      a.flags = 1u << ActionRecord::kDestTypeShift;
      const Bytes s = em_insert_slot(key, a);
      ring.insert(ring.end(), s.begin(), s.end());
    }
    nic.d.rtl.mem().write(nic.d.lay.fc_ring(), ring);
    nic.d.rtl.write32(R::fcmd::FCMD_BASE_LO_ADDR, static_cast<std::uint32_t>(nic.d.lay.fc_ring()));
    nic.d.rtl.write32(R::fcmd::FCMD_BASE_HI_ADDR,
                      static_cast<std::uint32_t>(nic.d.lay.fc_ring() >> 32));
    nic.d.rtl.write32(R::fcmd::FCMD_SIZE_LOG2_ADDR, kLog2);
    nic.d.rtl.write32(R::fcmd::FCMD_CTRL_ADDR, 1);
    const std::uint64_t t0 = nic.d.rtl.cycle();
    nic.d.rtl.write32(R::fcmd::FCMD_PROD_ADDR, kN);
    unsigned ok = 0;
    while (nic.d.rtl.cycle() - t0 < 1'000'000) {
      nic.d.rtl.step();
      // Status byte of the last command (backdoor: no register traffic).
      if (nic.d.rtl.mem().read_byte(nic.d.lay.fc_ring() + (kN - 1) * 128ull + 1) != 0) break;
    }
    for (unsigned i = 0; i < kN; ++i)
      ok += nic.d.rtl.mem().read_byte(nic.d.lay.fc_ring() + i * 128ull + 1) == 1 ? 1 : 0;
    EXPECT_GT(ok, kN / 2) << "inserts that succeeded (the table holds 512)";
    const double secs = static_cast<double>(nic.d.rtl.cycle() - t0) * kClockNs * 1e-9;
    print_figure("flow_cmd_inserts_per_sim_s", kN / secs, "per_s");
    // EM_ACTIVITY of the whole table (512 handles), doorbell to its status.
    constexpr std::uint16_t kH = 2 * 4 * kEmBuckets;
    nic.d.rtl.mem().write(nic.d.lay.fc_ring() + kN * 128ull,
                          em_activity_slot(0, kH, nic.d.lay.fc_activity()));
    const std::uint64_t a0 = nic.d.rtl.cycle();
    nic.d.rtl.write32(R::fcmd::FCMD_PROD_ADDR, kN + 1);
    while (nic.d.rtl.cycle() - a0 < 1'000'000 &&
           nic.d.rtl.mem().read_byte(nic.d.lay.fc_ring() + kN * 128ull + 1) == 0) {
      nic.d.rtl.step();
    }
    ASSERT_EQ(nic.d.rtl.mem().read_byte(nic.d.lay.fc_ring() + kN * 128ull + 1), 1);
    unsigned valid = 0;
    for (unsigned i = 0; i < kH; ++i) {
      const Bytes rec = nic.d.rtl.mem().read(nic.d.lay.fc_activity() + 32ull * i, 32);
      const fmt::EmActivity a = fmt::EmActivity::decode(rec);
      EXPECT_EQ(a.handle, i);
      valid += a.valid() ? 1 : 0;
    }
    EXPECT_EQ(valid, ok) << "the inserted entries";
    print_figure("flow_activity_entries_per_sim_s",
                 kH / (static_cast<double>(nic.d.rtl.cycle() - a0) * kClockNs * 1e-9), "per_s");
  }
  {
    // Lookups during an EM activity scan: 64-byte frames wire to wire (a TCAM rule sends the
    // wire's frames back to it), clocks per frame without a scan and while two scans of the
    // whole table (1024 handles) run.
    const std::vector<Bytes> frames = sized_frames("64", 1000, 11);
    double cpf[2] = {0, 0};
    for (int scan = 0; scan < 2; ++scan) {
      FigureNic<V> nic(512);
      nic.setup();
      model::TcamKey value{}, mask{};
      mask[0] = 0xFF;
      nic.d.tcam_write(0, 0, value, mask, model::forward_to_wire());
      const std::uint64_t fc = nic.d.lay.fc_ring();
      nic.d.rtl.write32(R::fcmd::FCMD_BASE_LO_ADDR, static_cast<std::uint32_t>(fc));
      nic.d.rtl.write32(R::fcmd::FCMD_BASE_HI_ADDR, static_cast<std::uint32_t>(fc >> 32));
      nic.d.rtl.write32(R::fcmd::FCMD_SIZE_LOG2_ADDR, 2);
      nic.d.rtl.write32(R::fcmd::FCMD_CTRL_ADDR, 1);
      constexpr std::uint16_t kH = 2 * 4 * kEmBuckets;
      if (scan != 0) {
        for (unsigned i = 0; i < 2; ++i)
          nic.d.rtl.mem().write(fc + i * 128ull, em_activity_slot(0, kH, nic.d.lay.fc_activity()));
        nic.d.rtl.write32(R::fcmd::FCMD_PROD_ADDR, 2);
        // Until the first scan runs (its slot fetched, its first records written).
        while (nic.d.rtl.mem().read_byte(nic.d.lay.fc_activity() + 24) == 0 &&
               nic.d.rtl.mem().read_byte(nic.d.lay.fc_activity() + 32 + 24) == 0) {
          nic.d.rtl.step();
        }
      }
      for (const Bytes& f : frames) nic.d.rtl.send(f);
      const std::uint64_t t0 = nic.d.rtl.cycle();
      while (nic.d.rtl.wire_out().size() < frames.size() && nic.d.rtl.cycle() - t0 < 1'000'000)
        nic.d.rtl.step();
      ASSERT_EQ(nic.d.rtl.wire_out().size(), frames.size());
      cpf[scan] = static_cast<double>(nic.d.rtl.cycle() - t0) / frames.size();
      if (scan != 0) {
        EXPECT_EQ(nic.d.rtl.mem().read_byte(fc + 128 + 1), 0)
            << "the scans ended before the frames: the figure does not measure a scan";
      }
    }
    print_figure("wire_clocks_per_frame_64", cpf[0], "clocks");
    print_figure("wire_clocks_per_frame_64_during_activity", cpf[1], "clocks");
  }
}

// Simulation speed of the Verilated nic_top (rtl_top_cycles_per_s_512 / _64): 4000 IMIX
// frames (IPv4 and IPv6) wire -> VNIC 1's receive ring back to back, the clocks from the first
// offered beat to the last completion in host memory per second of this thread's CPU time
// (not wall time: the figure holds on a loaded machine). The harness (AxiMem, the AXI4
// checker, the stream models) is in the figure, as it is in every bench and the co-simulation.
template <class V>
void print_cycles_per_s(unsigned data_w, const char* name) {
  FigureNic<V> nic(data_w);
  nic.setup();
  const std::vector<Bytes> frames = sized_frames("imix", 4000, 13);
  for (const Bytes& f : frames) nic.d.rtl.send(f);
  const auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const double s0 = cpu();
  const std::uint64_t t0 = nic.d.rtl.cycle();
  const auto n = static_cast<unsigned>(frames.size());
  while (!nic.rx_done(n - 1) && nic.d.rtl.cycle() - t0 < 5'000'000) nic.d.rtl.step();
  const double secs = cpu() - s0;
  ASSERT_TRUE(nic.rx_done(n - 1));
  print_figure(name, static_cast<double>(nic.d.rtl.cycle() - t0) / secs, "cycles/s");
}

TEST(RtlTopFigures, CyclesPerSecond) {
  print_cycles_per_s<Vnic_cosim_top_w512>(512, "rtl_top_cycles_per_s_512");
  print_cycles_per_s<Vnic_cosim_top_w64>(64, "rtl_top_cycles_per_s_64");
}

// Interrupts (spec 7.3) through the registers and the vector request port: MOD_CYCLES fires
// the timer from the first unacknowledged completion; a request waits (valid, vector stable)
// while the shell does not take it; CQ_ARM re-arms; MOD_PKTS raises at the count.
TEST(RtlTop, InterruptModerationAndVectorRequests) {
  using V = Vnic_cosim_top_w64;
  FigureNic<V> nic(64);
  nic.setup();
  Harness<V>& h = nic.d.rtl;
  h.write32(ring_reg(0, R::rxq::IRQ), (1u << 31) | (4u << 8) | 3u);
  h.write32(ring_reg(0, R::rxq::MOD_CYCLES), 3000);
  h.set_irq_ready(0.0);
  const std::vector<Bytes> frames = sized_frames("128", 6, 3);
  h.send(frames[0]);
  h.send(frames[1]);
  std::uint64_t t0 = h.cycle();
  while (!nic.rx_done(0) && h.cycle() - t0 < 20'000) h.step();
  ASSERT_TRUE(nic.rx_done(0));
  const std::uint64_t first = h.cycle();
  while (!h.dut().m_irq_valid && h.cycle() - first < 10'000) h.step();
  ASSERT_TRUE(h.dut().m_irq_valid) << "MOD_CYCLES never fired";
  const std::uint64_t waited = h.cycle() - first;
  EXPECT_GE(waited, 2950u);
  EXPECT_LE(waited, 3100u);
  EXPECT_EQ(h.dut().m_irq_vector, 3u);
  for (int i = 0; i < 200; ++i) {  // not taken: the request stays, with its vector
    h.step();
    ASSERT_TRUE(h.dut().m_irq_valid);
    ASSERT_EQ(h.dut().m_irq_vector, 3u);
  }
  h.set_irq_ready(1.0);
  for (int i = 0; i < 5; ++i) h.step();
  EXPECT_EQ(h.irqs(), std::vector<unsigned>{3u});
  EXPECT_FALSE(h.dut().m_irq_valid);
  // Disarmed: more completions raise nothing until CQ_ARM.
  h.irqs().clear();
  for (int i = 2; i < 6; ++i) h.send(frames[i]);
  t0 = h.cycle();
  while (!nic.rx_done(5) && h.cycle() - t0 < 20'000) h.step();
  ASSERT_TRUE(nic.rx_done(5));
  for (int i = 0; i < 4000; ++i) h.step();
  EXPECT_TRUE(h.irqs().empty());
  // Consume 2 (4 pending stay: at MOD_PKTS), re-arm: raised at once by the count rule.
  h.write32(ring_reg(0, R::rxq::CQ_CONS), 2);
  h.write32(ring_reg(0, R::rxq::CQ_ARM), 1);
  for (int i = 0; i < 20; ++i) h.step();
  EXPECT_EQ(h.irqs(), std::vector<unsigned>{3u});
  EXPECT_EQ(h.read32(ring_reg(0, R::rxq::CQ_PROD)), 6u);
}

// The PHY status (docs/spec.md 12) against the model: LINK_STATUS one clock after the inputs,
// LINK_CHANGES counting each clock the status took a new value (not the first sample after
// reset), LINK_IRQ's vector raised per change while enabled, merged while not yet taken.
template <class V>
void link_status(unsigned data_w) {
  Dual<V> d(data_w, HarnessConfig{});
  Harness<V>& h = d.rtl;
  auto both = [&](const model::PhyLink& l) {
    h.set_link(l);
    for (int i = 0; i < 4; ++i) h.step();
    d.dev.set_link(l);
  };
  auto same = [&](const char* what) {
    SCOPED_TRACE(what);
    d.r32(R::nic::LINK_STATUS_ADDR, "LINK_STATUS");
    d.r32(R::nic::LINK_CHANGES_ADDR, "LINK_CHANGES");
    d.r32(R::nic::LINK_IRQ_ADDR, "LINK_IRQ");
  };
  same("after reset: the configured link, no change");
  EXPECT_EQ(h.read32(R::nic::LINK_CHANGES_ADDR), 0u);
  EXPECT_EQ(h.read32(R::nic::LINK_STATUS_ADDR), model::PhyLink{}.status_word());
  // Disabled: counted, nothing raised.
  both({.up = false});
  same("down, interrupt disabled");
  EXPECT_TRUE(h.irqs().empty());
  // LINK_IRQ keeps its fields; enabling raises nothing.
  d.w32(R::nic::LINK_IRQ_ADDR, 0xFFFF'FFFFu);
  same("LINK_IRQ all ones");
  d.w32(R::nic::LINK_IRQ_ADDR, (1u << 31) | 5u);
  for (int i = 0; i < 20; ++i) h.step();
  EXPECT_TRUE(h.irqs().empty());
  EXPECT_FALSE(d.dev.interrupt_pending(5));
  // Each change raises vector 5.
  both({.up = true, .speed = fmt::LinkSpeed::kG25, .media = fmt::LinkMedia::kFiber});
  for (int i = 0; i < 20; ++i) h.step();
  same("up at 25G");
  EXPECT_EQ(h.irqs(), std::vector<unsigned>{5u});
  EXPECT_TRUE(d.dev.take_interrupt(5));
  h.irqs().clear();
  // A speed change alone, then two changes while the shell does not take the vector: one
  // request (the pending bit merges them), LINK_CHANGES counts all three.
  both({.up = true, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  for (int i = 0; i < 20; ++i) h.step();
  EXPECT_EQ(h.irqs(), std::vector<unsigned>{5u});
  EXPECT_TRUE(d.dev.take_interrupt(5));
  h.irqs().clear();
  h.set_irq_ready(0.0);
  both({.up = false, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  both({.up = true, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  same("a flap while the vector waits");
  EXPECT_TRUE(h.dut().m_irq_valid);
  EXPECT_EQ(h.dut().m_irq_vector, 5u);
  h.set_irq_ready(1.0);
  for (int i = 0; i < 20; ++i) h.step();
  EXPECT_EQ(h.irqs(), std::vector<unsigned>{5u});
  EXPECT_TRUE(d.dev.take_interrupt(5));
  EXPECT_FALSE(d.dev.take_interrupt(5));
  h.irqs().clear();
  // A change shorter than the driver's look: both clocks count (the model sees both reports).
  h.set_link({.up = false, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  h.step();
  h.set_link({.up = true, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  for (int i = 0; i < 4; ++i) h.step();
  d.dev.set_link({.up = false, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  d.dev.set_link({.up = true, .speed = fmt::LinkSpeed::kG10, .media = fmt::LinkMedia::kFiber});
  same("a one-clock glitch");
  for (int i = 0; i < 20; ++i) h.step();
  EXPECT_FALSE(h.irqs().empty());  // one or two requests: the first may be taken before the second
  EXPECT_TRUE(d.dev.take_interrupt(5));
  h.irqs().clear();
  // A vector the NIC does not have is never raised.
  d.w32(R::nic::LINK_IRQ_ADDR, (1u << 31) | kNumVec);
  both({.up = false});
  for (int i = 0; i < 20; ++i) h.step();
  same("vector beyond NUM_VECTORS");
  EXPECT_TRUE(h.irqs().empty());
  for (unsigned v = 0; v < kNumVec; ++v) EXPECT_FALSE(d.dev.interrupt_pending(v)) << v;
}

TEST(RtlTop, LinkStatusW64) { link_status<Vnic_cosim_top_w64>(64); }
TEST(RtlTop, LinkStatusW512) { link_status<Vnic_cosim_top_w512>(512); }

TEST(RtlTop, DifferentialW64) { differential<Vnic_cosim_top_w64>(64, 1, 12'000, 12); }
TEST(RtlTop, DifferentialW512) { differential<Vnic_cosim_top_w512>(512, 2, 100'000, 50); }

}  // namespace
}  // namespace nicsim::rtl_top
