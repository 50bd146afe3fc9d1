// SPDX-License-Identifier: MIT
// fcmd_engine (rtl/fcmd_engine.sv) against the golden model's flow-command ring
// (NicDevice::fcmd_run), at DATA_W 64 and 512.
//
// The same random command stream (EM inserts with repeated keys and a table that fills up,
// deletes by key and by handle including absent ones, TCAM writes over three slots, clears,
// indices out of range, unknown opcodes, EM_ACTIVITY reads of handle ranges into buffers, some
// too small or past the table, while packets hit the entries between doorbells) is posted in a
// 16-slot ring of two host memories: one
// served to the RTL by a DMA-client model (latency, random stalls), one owned by a NicDevice.
// Doorbells come in random batches, some of which split a TCAM write from its value and mask
// slots. After each doorbell the RTL runs until idle; then the ring bytes (status and handle
// written back), the activity buffers, FCMD_CONS, the interrupts, and the final EM and TCAM contents (the RTL's
// commands are answered by model tables on the bench side) must equal the model's.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <vector>

#include "Vfcmd_engine_w512.h"
#include "Vfcmd_engine_w64.h"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "nicsim/model/action.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/model/em_table.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/tcam.hpp"
#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::rtl_fcmd {
namespace {

using model::ActionRecord;
using model::Prng;
using bench::get_bit;
using bench::put_bit;
using bench::put_byte;
namespace regs = nicsim::regs::fcmd;

constexpr unsigned kSlot = nicsim::fmt::Fcmd::kBytes;
constexpr unsigned kSizeLog2 = 4;
constexpr unsigned kSlots = 1u << kSizeLog2;
constexpr unsigned kVector = 3;
constexpr unsigned kBufs = 16;        // EM_ACTIVITY buffers
constexpr unsigned kBufBytes = 2048;  // each: up to 56 records at an offset below 256

template <class V, std::size_t DATA_W>
class Bench {
 public:
  static constexpr std::size_t kKeep = DATA_W / 8;

  Bench(model::HostMemory& mem, std::uint64_t base, std::uint64_t seed)
      : h_({.name = "fcmd_engine w" + std::to_string(DATA_W)}), mem_(mem), rng_(seed), em_(16),
        tc_(16) {
    h_->cfg_base = base;
    h_->cfg_size_log2 = kSizeLog2;
    h_->cfg_irq = 0x80000000u | kVector;
    h_.reset(3);
    h_->cfg_enable = 1;
    h_.tick();
  }

  V& m() { return h_.dut(); }
  model::ExactMatchTable& em() { return em_; }
  model::Tcam& tcam() { return tc_; }
  unsigned irqs() const { return irqs_; }
  unsigned queries() const { return queries_; }

  /// `clocks` clocks.
  void run(unsigned clocks) {
    for (unsigned i = 0; i < clocks; ++i) step();
  }

  /// Clocks until the engine is idle with nothing in flight (or a limit).
  void run_idle() {
    unsigned quiet = 0;
    for (int i = 0; i < 200000; ++i) {
      step();
      const bool idle = !h_->busy && rd_.empty() && wr_req_.empty() && dones_.empty() &&
                        !em_rsp_pending_ && !tc_rsp_pending_;
      quiet = idle ? quiet + 1 : 0;
      if (quiet > 20) return;
    }
    ADD_FAILURE() << "fcmd_engine did not go idle";
  }

 private:
  struct Rd {
    std::uint64_t addr;
    unsigned len;
    unsigned tag;
    std::uint64_t due;
    unsigned sent = 0;
  };
  struct Wr {
    std::uint64_t addr;
    unsigned len;
  };

  void step() {
    // Drive the bench side's outputs for this clock.
    h_->m_rd_req_ready = rng_.below(100) < 70;
    h_->m_wr_req_ready = rng_.below(100) < 70;
    h_->m_wr_tready = rng_.below(100) < 70;
    h_->em_cmd_ready = !em_rsp_pending_ && rng_.below(100) < 60;
    h_->tcam_cmd_ready = !tc_rsp_pending_ && rng_.below(100) < 60;
    h_->em_rsp_valid = em_rsp_pending_ && h_.cycle() >= em_rsp_due_;
    h_->tcam_rsp_valid = tc_rsp_pending_ && h_.cycle() >= tc_rsp_due_;
    // Read data: the head request once due, with random gaps.
    bool rd_valid = false;
    if (!rd_.empty() && h_.cycle() >= rd_.front().due && rng_.below(100) < 80) {
      Rd& r = rd_.front();
      for (unsigned b = 0; b < kKeep; ++b) {
        const std::uint64_t a = r.addr + r.sent + b;
        put_byte(h_->s_rd_tdata, b, (r.sent + b < r.len) ? mem_.read8(a) : 0);
        put_bit(h_->s_rd_tkeep, b, r.sent + b < r.len);
      }
      h_->s_rd_tlast = r.sent + kKeep >= r.len;
      h_->s_rd_tag = static_cast<std::uint8_t>(r.tag);
      rd_valid = true;
    }
    h_->s_rd_tvalid = rd_valid;
    h_->s_wr_done_valid = !dones_.empty() && h_.cycle() >= dones_.front();
    h_.settle();

    // Handshakes at this edge.
    if (h_->m_rd_req_valid && h_->m_rd_req_ready)
      rd_.push_back(Rd{h_->m_rd_req_addr, h_->m_rd_req_len, h_->m_rd_req_tag,
                       h_.cycle() + 30 + rng_.below(30)});
    if (rd_valid && h_->s_rd_tready) {
      rd_.front().sent += kKeep;
      if (rd_.front().sent >= rd_.front().len) rd_.pop_front();
    }
    if (h_->m_wr_req_valid && h_->m_wr_req_ready)
      wr_req_.push_back(Wr{h_->m_wr_req_addr, h_->m_wr_req_len});
    if (h_->m_wr_tvalid && h_->m_wr_tready) {
      std::vector<std::uint8_t> beat(kKeep);
      bench::get_bytes(h_->m_wr_tdata, 0, beat);
      wr_dat_.push_back(std::move(beat));
    }
    // A request takes its bytes from lane 0 of as many beats as it needs.
    while (!wr_req_.empty() && wr_dat_.size() >= (wr_req_.front().len + kKeep - 1) / kKeep) {
      const Wr w = wr_req_.front();
      for (unsigned b = 0; b < w.len; ++b) mem_.write8(w.addr + b, wr_dat_[b / kKeep][b % kKeep]);
      wr_dat_.erase(wr_dat_.begin(), wr_dat_.begin() + (w.len + kKeep - 1) / kKeep);
      wr_req_.pop_front();
      dones_.push_back(h_.cycle() + 20 + rng_.below(20));
    }
    if (h_->s_wr_done_valid && h_->s_wr_done_ready) dones_.pop_front();
    if (h_->em_cmd_valid && h_->em_cmd_ready) em_command();
    if (h_->em_rsp_valid && h_->em_rsp_ready) em_rsp_pending_ = false;
    if (h_->tcam_cmd_valid && h_->tcam_cmd_ready) tcam_command();
    if (h_->tcam_rsp_valid && h_->tcam_rsp_ready) tc_rsp_pending_ = false;
    for (unsigned v = 0; v < 16; ++v)
      if (get_bit(h_->irq, v)) {
        EXPECT_EQ(v, kVector);
        ++irqs_;
      }
    h_.rise();
  }

  ActionRecord action_of(const auto& w) {
    return ActionRecord::decode(bench::get_bytes<model::kActionBytes>(w, 0));
  }

  void em_command() {
    const auto k = bench::get_bytes_msb<model::kKeyBytes>(h_->em_cmd_key, 0);
    using nicsim::fmt::FtCmd;
    std::uint32_t status = static_cast<std::uint32_t>(model::FlowStatus::kBadCommand);
    std::uint32_t handle = model::kNoHandle;
    switch (static_cast<FtCmd>(h_->em_cmd_op)) {
      case FtCmd::kInsert: {
        const auto r = em_.insert(k, action_of(h_->em_cmd_action));
        status = static_cast<std::uint32_t>(r.status);
        handle = r.handle;
        break;
      }
      case FtCmd::kDeleteKey: status = static_cast<std::uint32_t>(em_.erase(k)); break;
      case FtCmd::kDeleteHandle:
        status = static_cast<std::uint32_t>(em_.erase_handle(h_->em_cmd_handle));
        break;
      case FtCmd::kQuery: {  // em_table: counters of a valid entry, else NOT_FOUND and zeros
        model::EmEntry e;
        const bool ok = em_.read(h_->em_cmd_handle, e);
        status = static_cast<std::uint32_t>(ok ? model::FlowStatus::kOk
                                               : model::FlowStatus::kNotFound);
        handle = ok ? h_->em_cmd_handle : model::kNoHandle;
        h_->em_rsp_pkts = ok ? e.counters.pkts : 0;
        h_->em_rsp_bytes = ok ? e.counters.bytes : 0;
        h_->em_rsp_last_seen = ok ? e.counters.last_seen : 0;
        ++queries_;
        break;
      }
      default: ADD_FAILURE() << "EM op " << unsigned{h_->em_cmd_op};
    }
    h_->em_rsp_status = static_cast<std::uint8_t>(status);
    h_->em_rsp_handle = handle;
    em_rsp_pending_ = true;
    em_rsp_due_ = h_.cycle() + 1 + rng_.below(4);
  }

  void tcam_command() {
    const std::uint32_t op = h_->tcam_cmd_op;
    const std::uint32_t index = h_->tcam_cmd_index;
    using nicsim::fmt::FlowStatus;
    using nicsim::fmt::TcamCmd;
    FlowStatus status = FlowStatus::kBadCommand;
    if (index < tc_.size()) {
      if (op == static_cast<std::uint32_t>(TcamCmd::kWrite)) {
        const auto v = bench::get_bytes_msb<model::kTcamKeyBytes>(h_->tcam_cmd_value, 0);
        const auto mk = bench::get_bytes_msb<model::kTcamKeyBytes>(h_->tcam_cmd_mask, 0);
        tc_.write(index, static_cast<std::uint16_t>(h_->tcam_cmd_priority), v, mk,
                  action_of(h_->tcam_cmd_action));
        status = FlowStatus::kOk;
      } else if (op == static_cast<std::uint32_t>(TcamCmd::kClear)) {
        status = tc_.rule(index).valid ? FlowStatus::kOk : FlowStatus::kNotFound;
        if (status == FlowStatus::kOk) tc_.clear(index);
      }
    }
    h_->tcam_rsp_status = static_cast<std::uint8_t>(status);
    tc_rsp_pending_ = true;
    tc_rsp_due_ = h_.cycle() + 1 + rng_.below(4);
  }

  bench::Harness<V> h_;
  model::HostMemory& mem_;
  Prng rng_;
  std::deque<Rd> rd_;
  std::deque<Wr> wr_req_;
  std::deque<std::vector<std::uint8_t>> wr_dat_;
  std::deque<std::uint64_t> dones_;
  model::ExactMatchTable em_;
  model::Tcam tc_;
  bool em_rsp_pending_ = false;
  bool tc_rsp_pending_ = false;
  std::uint64_t em_rsp_due_ = 0;
  std::uint64_t tc_rsp_due_ = 0;
  unsigned irqs_ = 0;
  unsigned queries_ = 0;
};

using Slot = std::array<std::uint8_t, kSlot>;

/// A random command (1 slot, or 3 for a TCAM write).
std::vector<Slot> random_command(Prng& r, const std::vector<model::FlowKey>& keys,
                                 const std::vector<std::uint32_t>& handles, std::uint64_t bufs) {
  std::vector<Slot> s(1);
  Slot& c = s[0];
  for (auto& b : c) b = static_cast<std::uint8_t>(r.next());  // garbage where unused
  namespace F = nicsim::fmt::fcmd;
  using Op = nicsim::fmt::FcmdOp;
  F::STATUS.store(c.data(), static_cast<std::uint64_t>(nicsim::fmt::FlowStatus::kPending));
  const auto pick = r.below(100);
  std::uint8_t op = 0;
  if (pick < 45) op = static_cast<std::uint8_t>(Op::kEmInsert);
  else if (pick < 55) op = static_cast<std::uint8_t>(Op::kEmDeleteKey);
  else if (pick < 62) op = static_cast<std::uint8_t>(Op::kEmDeleteHandle);
  else if (pick < 80) op = static_cast<std::uint8_t>(Op::kTcamWrite);
  else if (pick < 88) op = static_cast<std::uint8_t>(Op::kTcamClear);
  else if (pick < 95) op = static_cast<std::uint8_t>(Op::kEmActivity);
  else op = static_cast<std::uint8_t>(r.below(2) != 0 ? 0 : 7 + r.below(249));  // bad opcodes
  F::OP.store(c.data(), op);
  const auto is = [&](Op o) { return op == static_cast<std::uint8_t>(o); };
  if (is(Op::kEmInsert) || is(Op::kEmDeleteKey)) {
    const model::FlowKey& k = keys[r.below(keys.size())];
    std::copy(k.begin(), k.end(), F::KEY.edit(c).begin());
  }
  if (is(Op::kEmDeleteHandle))
    F::HANDLE.store(c.data(), r.below(4) != 0 && !handles.empty()
                                  ? handles[r.below(handles.size())]
                                  : static_cast<std::uint32_t>(r.below(200)));
  if (is(Op::kTcamWrite) || is(Op::kTcamClear))
    F::HANDLE.store(c.data(), static_cast<std::uint32_t>(r.below(20)));  // 16..19: bad index
  if (is(Op::kEmActivity)) {
    // A range of the 128-entry table, some past its end (or past 2^32), in one of the
    // buffers at any byte offset; the buffer sometimes one byte too small.
    const auto kind = r.below(20);
    const std::uint32_t first = kind == 0   ? 0xFFFFFFFFu - static_cast<std::uint32_t>(r.below(3))
                                : kind == 1 ? 120 + static_cast<std::uint32_t>(r.below(20))
                                            : static_cast<std::uint32_t>(r.below(128));
    const auto n = static_cast<std::uint16_t>(r.below(8) == 0 ? 0 : 1 + r.below(56));
    F::HANDLE.store(c.data(), first);
    F::ENTRIES.store(c.data(), n);
    F::BUF_ADDR.store(c.data(), bufs + r.below(kBufs) * kBufBytes + r.below(256));
    F::BUF_LEN.store(c.data(), n * 32u - (r.below(10) == 0 ? 1u : 0u));
  }
  if (is(Op::kTcamWrite)) {
    s.resize(3);
    for (int j = 1; j < 3; ++j)
      for (auto& b : s[j]) b = static_cast<std::uint8_t>(r.next());
  }
  return s;
}

template <class V, std::size_t W>
void run(std::uint64_t seed, unsigned commands) {
  model::HostMemory rtl_mem;
  model::HostMemory ref_mem;
  const auto ring_rtl = rtl_mem.allocate(kSlots * kSlot, 4096);
  const auto ring_ref = ref_mem.allocate(kSlots * kSlot, 4096);
  ASSERT_EQ(ring_rtl.dev_addr, ring_ref.dev_addr);
  const std::uint64_t base = ring_rtl.dev_addr;
  const auto bufs_rtl = rtl_mem.allocate(kBufs * kBufBytes, 4096);
  const auto bufs_ref = ref_mem.allocate(kBufs * kBufBytes, 4096);
  ASSERT_EQ(bufs_rtl.dev_addr, bufs_ref.dev_addr);
  const std::uint64_t bufs = bufs_rtl.dev_addr;

  model::DeviceConfig cfg;
  cfg.pipeline.em_buckets = 16;
  cfg.pipeline.tcam_entries = 16;
  cfg.num_vectors = 16;
  model::NicDevice ref(cfg, ref_mem);
  ref.write32(regs::FCMD_BASE_LO_ADDR, static_cast<std::uint32_t>(base));
  ref.write32(regs::FCMD_BASE_HI_ADDR, static_cast<std::uint32_t>(base >> 32));
  ref.write32(regs::FCMD_SIZE_LOG2_ADDR, kSizeLog2);
  ref.write32(regs::FCMD_CTRL_ADDR, 1);
  ref.write32(regs::FCMD_IRQ_ADDR, 0x80000000u | kVector);

  Bench<V, W> b(rtl_mem, base, seed);
  Prng r(seed * 3 + 1);
  std::vector<model::FlowKey> keys(60);
  for (auto& k : keys)
    for (auto& x : k) x = static_cast<std::uint8_t>(r.next());
  std::vector<std::uint32_t> handles;
  std::uint16_t prod = 0;
  unsigned posted = 0;
  unsigned ref_irqs = 0;
  std::vector<Slot> pending;  // slots written, not yet posted
  while (posted < commands) {
    // Fill the ring up to what the model has consumed.
    const std::uint16_t ref_cons = static_cast<std::uint16_t>(ref.read32(regs::FCMD_CONS_ADDR));
    while (pending.size() < 6) {
      const auto cmd = random_command(r, keys, handles, bufs);
      pending.insert(pending.end(), cmd.begin(), cmd.end());
    }
    const unsigned room = kSlots - static_cast<std::uint16_t>(prod - ref_cons);
    unsigned n = std::min<unsigned>(room, 1 + static_cast<unsigned>(r.below(5)));
    n = std::min<unsigned>(n, static_cast<unsigned>(pending.size()));
    if (n == 0) {
      ADD_FAILURE() << "ring full and the model does not consume";
      return;
    }
    for (unsigned i = 0; i < n; ++i) {
      const std::uint64_t at = base + std::uint64_t{static_cast<std::uint16_t>(prod + i) & (kSlots - 1)} * kSlot;
      ASSERT_TRUE(rtl_mem.write(at, pending[i]));
      ASSERT_TRUE(ref_mem.write(at, pending[i]));
    }
    pending.erase(pending.begin(), pending.begin() + n);
    prod = static_cast<std::uint16_t>(prod + n);
    posted += n;
    // Packets hit some entries (both tables alike) before the doorbell.
    auto& ref_em = ref.pipeline().em();
    for (unsigned i = 0; i < 8; ++i) {
      const auto h = static_cast<std::uint32_t>(r.below(128));
      if (!ref_em.valid(h)) continue;
      const auto len = static_cast<std::uint32_t>(60 + r.below(1400));
      const std::uint64_t when = (posted + 1) * 0x10000ull + r.below(0x10000);
      ref_em.hit(h, len, when);
      ASSERT_TRUE(b.em().valid(h));
      b.em().hit(h, len, when);
    }
    ref.write32(regs::FCMD_PROD_ADDR, prod);
    while (ref.take_interrupt(kVector)) ++ref_irqs;
    b.m().cfg_prod = prod;
    b.run_idle();
    // Same ring bytes, same CONS.
    std::array<std::uint8_t, kSlots * kSlot> a{};
    std::array<std::uint8_t, kSlots * kSlot> e{};
    rtl_mem.read(base, a);
    ref_mem.read(base, e);
    for (unsigned i = 0; i < a.size(); ++i)
      if (a[i] != e[i]) {
        ADD_FAILURE() << "ring byte " << i << " (slot " << i / kSlot << " byte " << i % kSlot
                      << "): rtl " << unsigned{a[i]} << " model " << unsigned{e[i]}
                      << " after " << posted << " slots";
        return;
      }
    std::vector<std::uint8_t> ba(kBufs * kBufBytes);
    std::vector<std::uint8_t> be(kBufs * kBufBytes);
    rtl_mem.read(bufs, ba);
    ref_mem.read(bufs, be);
    for (unsigned i = 0; i < ba.size(); ++i)
      if (ba[i] != be[i]) {
        ADD_FAILURE() << "activity buffer byte " << i << " (record byte " << i % 32
                      << "): rtl " << unsigned{ba[i]} << " model " << unsigned{be[i]}
                      << " after " << posted << " slots";
        return;
      }
    ASSERT_EQ(b.m().cons, ref.read32(regs::FCMD_CONS_ADDR)) << "after " << posted << " slots";
    ASSERT_EQ(b.irqs(), ref_irqs);
    // Handles the model handed out, for deletes by handle.
    for (unsigned i = 0; i < kSlots; ++i) {
      const std::uint64_t at = base + i * kSlot;
      if (ref_mem.read8(at) == 1 && ref_mem.read8(at + 1) == 1) handles.push_back(ref_mem.read32(at + 4));
    }
  }
  // Table contents: the RTL's commands (answered by the bench's tables) against the model's.
  auto& ref_em = ref.pipeline().em();
  EXPECT_GT(b.queries(), commands / 4) << "EM_ACTIVITY queried too few entries";
  for (std::uint32_t h = 0; h < 16 * 2 * 4; ++h) {
    ASSERT_EQ(b.em().valid(h), ref_em.valid(h)) << "EM handle " << h;
    if (!ref_em.valid(h)) continue;
    model::EmEntry x;
    model::EmEntry y;
    ASSERT_TRUE(b.em().read(h, x));
    ASSERT_TRUE(ref_em.read(h, y));
    EXPECT_EQ(x.key, y.key) << "EM handle " << h;
    EXPECT_EQ(x.action.encode(), y.action.encode()) << "EM handle " << h;
  }
  auto& ref_tc = ref.pipeline().tcam();
  for (unsigned i = 0; i < 16; ++i) {
    const auto& x = b.tcam().rule(i);
    const auto& y = ref_tc.rule(i);
    ASSERT_EQ(x.valid, y.valid) << "TCAM rule " << i;
    if (!y.valid) continue;
    EXPECT_EQ(x.priority, y.priority) << "TCAM rule " << i;
    EXPECT_EQ(x.value, y.value) << "TCAM rule " << i;
    EXPECT_EQ(x.mask, y.mask) << "TCAM rule " << i;
    EXPECT_EQ(x.action.encode(), y.action.encode()) << "TCAM rule " << i;
  }
  std::printf("fcmd: %u slots posted, CONS %u, %u interrupts, %zu EM handles seen, %u entries "
              "queried\n", posted, unsigned{b.m().cons}, b.irqs(), handles.size(), b.queries());
}

// A ring restart (FCMD_CTRL bit 0 0 -> 1) during an EM_ACTIVITY: the records before the one
// being written at the restart are in the buffer, none after, no status; the completions of
// its writes are not taken for the next command's, which then runs normally.
template <class V, std::size_t W>
void restart_during_activity(std::uint64_t seed) {
  model::HostMemory mem;
  const auto ring = mem.allocate(kSlots * kSlot, 4096);
  const auto buf = mem.allocate(2 * kBufBytes, 4096);
  Bench<V, W> b(mem, ring.dev_addr, seed);
  Prng r(seed);
  for (int i = 0; i < 60; ++i) {
    model::FlowKey k;
    for (auto& x : k) x = static_cast<std::uint8_t>(r.next());
    b.em().insert(k, ActionRecord{});
  }
  namespace F = nicsim::fmt::fcmd;
  auto post = [&](unsigned slot, std::uint16_t n, std::uint64_t at) {
    nicsim::fmt::Fcmd c;
    c.op = nicsim::fmt::FcmdOp::kEmActivity;
    c.entries = n;
    c.buf_addr = at;
    c.buf_len = n * 32u;
    Slot sl{};
    c.encode(sl);
    ASSERT_TRUE(mem.write(ring.dev_addr + slot * kSlot, sl));
  };
  std::vector<std::uint8_t> fill(2 * kBufBytes, 0xEE);
  ASSERT_TRUE(mem.write(buf.dev_addr, fill));
  post(0, 56, buf.dev_addr);
  b.m().cfg_prod = 1;
  b.run(200);
  b.m().cfg_enable = 0;
  b.m().cfg_prod = 0;
  b.run(1);
  b.m().cfg_enable = 1;
  b.run_idle();
  EXPECT_EQ(mem.read8(ring.dev_addr + F::STATUS.offset), 0u) << "status after the restart";
  EXPECT_EQ(b.m().cons, 0u);
  unsigned written = 0;
  for (unsigned i = 0; i < 56; ++i) {
    std::array<std::uint8_t, 32> rec{};
    mem.read(buf.dev_addr + 32 * i, rec);
    if (rec[0] == 0xEE && rec[31] == 0xEE) continue;
    EXPECT_EQ(i, written) << "records written in order, none after the restart";
    const auto a = nicsim::fmt::EmActivity::decode(rec);
    EXPECT_EQ(a.handle, i);
    EXPECT_EQ(a.valid(), b.em().valid(i));
    ++written;
  }
  EXPECT_GT(written, 0u) << "the restart came before the scan began: lengthen the run";
  EXPECT_LT(written, 56u) << "the scan finished before the restart: shorten the run";
  // The next command after the restart.
  post(0, 40, buf.dev_addr + kBufBytes);
  b.m().cfg_prod = 1;
  b.run_idle();
  EXPECT_EQ(mem.read8(ring.dev_addr + F::STATUS.offset),
            static_cast<unsigned>(nicsim::fmt::FlowStatus::kOk));
  EXPECT_EQ(b.m().cons, 1u);
  for (unsigned i = 0; i < 40; ++i) {
    std::array<std::uint8_t, 32> rec{};
    mem.read(buf.dev_addr + kBufBytes + 32 * i, rec);
    const auto a = nicsim::fmt::EmActivity::decode(rec);
    EXPECT_EQ(a.handle, i);
    EXPECT_EQ(a.valid(), b.em().valid(i)) << i;
  }
  std::printf("fcmd restart: %u of 56 records written before the restart\n", written);
}

TEST(RtlFcmd, RestartDuringActivityW64) { restart_during_activity<Vfcmd_engine_w64, 64>(7); }
TEST(RtlFcmd, RestartDuringActivityW512) { restart_during_activity<Vfcmd_engine_w512, 512>(8); }

TEST(RtlFcmd, RingAgainstModelW64) { run<Vfcmd_engine_w64, 64>(1, 1500); }
TEST(RtlFcmd, RingAgainstModelW512) { run<Vfcmd_engine_w512, 512>(2, 3000); }

}  // namespace
}  // namespace nicsim::rtl_fcmd
