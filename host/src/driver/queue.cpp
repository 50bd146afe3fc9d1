// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/queue.hpp"

#include <atomic>
#include <cstring>

#include "le.hpp"
#include "nicsim/host/driver/driver.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host {

namespace R = nicsim::regs;
using detail::get_le;
using detail::put_le;

// The exception ring has the receive-queue layout.
static_assert(R::excq::RING_BASE_LO == R::rxq::RING_BASE_LO &&
              R::excq::CQ_BASE_LO == R::rxq::CQ_BASE_LO &&
              R::excq::SIZE_LOG2 == R::rxq::SIZE_LOG2 && R::excq::CTRL == R::rxq::CTRL &&
              R::excq::PROD == R::rxq::PROD && R::excq::CQ_CONS == R::rxq::CQ_CONS &&
              R::excq::IRQ == R::rxq::IRQ && R::excq::CQ_ARM == R::rxq::CQ_ARM);

namespace {

constexpr unsigned kRxDesc = 16, kRxCpl = 32, kTxDesc = 16, kTxCpl = 16;

void check_size(unsigned log2, const char* what) {
  if (log2 < 4 || log2 > 15) {
    throw DriverError(DriverErrc::kBadArgument, std::string(what) + ": ring size_log2 " +
                                                    std::to_string(log2) + " not in 4..15");
  }
}

std::uint32_t irq_word(const IrqConfig& irq) {
  std::uint32_t v = 0;
  v = R::rxq::IRQ_VECTOR.put(v, irq.vector);
  v = R::rxq::IRQ_MOD_PKTS.put(v, irq.mod_pkts);
  v = R::rxq::IRQ_ENABLE.put(v, irq.enable ? 1 : 0);
  return v;
}

void check_irq(const Driver& d, const IrqConfig& irq) {
  if (irq.enable && irq.vector >= d.features().num_vectors) {
    throw DriverError(DriverErrc::kBadArgument, "interrupt vector " + std::to_string(irq.vector) +
                                                    " of " +
                                                    std::to_string(d.features().num_vectors));
  }
  if (irq.mod_pkts > 0xFFFF) throw DriverError(DriverErrc::kBadArgument, "mod_pkts above 65535");
}

/// Writes into every completion slot the phase its next completion will NOT carry, so a ring
/// that starts on an odd pass does not show stale entries as new.
void init_phase(DmaRegion& cq, unsigned entry, unsigned phase_byte, std::uint16_t next,
                unsigned log2) {
  const unsigned n = 1u << log2;
  for (unsigned k = 0; k < n; ++k) {
    const auto c = static_cast<std::uint16_t>(next + k);
    const bool phase = ((c >> log2) & 1) == 0;  // what the NIC will write there
    cq.data()[std::size_t{c & (n - 1)} * entry + phase_byte] = phase ? 0x00 : 0x80;
  }
}

/// Orders host-memory stores before the doorbell (a no-op fence for the model; a real
/// store barrier before an MMIO write on hardware).
inline void dma_wmb() { std::atomic_thread_fence(std::memory_order_release); }
inline void dma_rmb() { std::atomic_thread_fence(std::memory_order_acquire); }

}  // namespace

const char* to_string(ExceptionReason r) {
  switch (r) {
    case ExceptionReason::kNone:
      return "none";
    case ExceptionReason::kMiss:
      return "miss";
    case ExceptionReason::kAction:
      return "action";
    case ExceptionReason::kTtl:
      return "ttl";
    case ExceptionReason::kParseError:
      return "parse_error";
    case ExceptionReason::kMirror:
      return "mirror";
    case ExceptionReason::kSpoofReport:
      return "spoof_report";
  }
  return "?";
}

const char* to_string(TxStatus s) {
  switch (s) {
    case TxStatus::kOk:
      return "ok";
    case TxStatus::kSpoof:
      return "spoof";
    case TxStatus::kBadLength:
      return "bad length";
    case TxStatus::kBadOverride:
      return "bad override";
  }
  return "?";
}

// ---- RxQueue --------------------------------------------------------------------------------

RxQueue::RxQueue(Driver& drv, unsigned index, const RxQueueConfig& cfg)
    : RxQueue(drv, index, cfg, false) {}

RxQueue RxQueue::exception(Driver& drv, const RxQueueConfig& cfg) {
  return RxQueue(drv, 0, cfg, true);
}

RxQueue::RxQueue(Driver& drv, unsigned index, const RxQueueConfig& cfg, bool exception)
    : drv_(&drv), index_(index), exception_(exception), cfg_(cfg) {
  const Block b = exception ? Block::kExcq : Block::kRxq;
  const char* what = exception ? "exception queue" : "receive queue";
  regs_ = drv.element(b, index, what);
  check_size(cfg.size_log2, what);
  check_irq(drv, cfg.irq);
  if (cfg.buf_size == 0) throw DriverError(DriverErrc::kBadArgument, "zero receive buffer size");
  drv.claim_queue(b, index);
  try {
    const unsigned n = size();
    ring_ = drv.device().alloc_dma(std::size_t{n} * kRxDesc, 64);
    cq_ = drv.device().alloc_dma(std::size_t{n} * kRxCpl, 64);
    bufs_ = drv.device().alloc_dma(std::size_t{n} * cfg.buf_size, 64);
    std::memset(cq_.data(), 0, cq_.size());
    buf_of_desc_.assign(n, 0);
    drv.wr(regs_ + R::rxq::CTRL, 0);
    drv.wr64(regs_ + R::rxq::RING_BASE_LO, ring_.iova());
    drv.wr64(regs_ + R::rxq::CQ_BASE_LO, cq_.iova());
    drv.wr(regs_ + R::rxq::SIZE_LOG2, cfg.size_log2);
    drv.wr(regs_ + R::rxq::MOD_CYCLES, cfg.irq.mod_cycles);
    drv.wr(regs_ + R::rxq::IRQ, irq_word(cfg.irq));
    drv.wr(regs_ + R::rxq::CTRL, 1);
    // Enabling restarts the indices at 0 on this NIC; take whatever it reports so a NIC that
    // continues them works too, and mark every completion slot as not yet written.
    prod_ = static_cast<std::uint16_t>(drv.rd(regs_ + R::rxq::PROD));
    cq_cons_ = static_cast<std::uint16_t>(drv.rd(regs_ + R::rxq::CQ_PROD));
    init_phase(cq_, kRxCpl, 31, cq_cons_, cfg.size_log2);
    drv.wr(regs_ + R::rxq::CQ_CONS, cq_cons_);
    // Post all buffers but one: a full descriptor ring never looks empty to the NIC.
    for (unsigned i = 0; i + 1 < n; ++i) post(i);
    dma_wmb();
    drv.wr(regs_ + R::rxq::PROD, prod_);
    drv.wr(regs_ + R::rxq::CQ_ARM, 1);
  } catch (...) {
    drv.release_queue(b, index);
    throw;
  }
}

RxQueue::RxQueue(RxQueue&& o) noexcept
    : drv_(std::exchange(o.drv_, nullptr)),
      index_(o.index_),
      exception_(o.exception_),
      cfg_(o.cfg_),
      regs_(o.regs_),
      ring_(std::move(o.ring_)),
      cq_(std::move(o.cq_)),
      bufs_(std::move(o.bufs_)),
      buf_of_desc_(std::move(o.buf_of_desc_)),
      prod_(o.prod_),
      cq_cons_(o.cq_cons_),
      packets_(o.packets_) {}

RxQueue::~RxQueue() {
  if (drv_ == nullptr) return;
  try {
    drv_->wr(regs_ + R::rxq::CTRL, 0);
    drv_->wr(regs_ + R::rxq::IRQ, 0);
  } catch (...) {  // a dead device must not abort destruction
  }
  drv_->release_queue(exception_ ? Block::kExcq : Block::kRxq, index_);
}

void RxQueue::post(unsigned slot) {
  const unsigned pos = prod_ & (size() - 1);
  std::uint8_t* d = ring_.data() + std::size_t{pos} * kRxDesc;
  put_le(d, bufs_.iova() + std::uint64_t{slot} * cfg_.buf_size, 8);
  put_le(d + 8, cfg_.buf_size, 4);
  put_le(d + 12, 0, 4);
  buf_of_desc_[pos] = slot;
  ++prod_;
}

unsigned RxQueue::pending() const {
  const unsigned n = size();
  unsigned count = 0;
  std::uint16_t c = cq_cons_;
  while (count < n) {
    const std::uint8_t* e = cq_.data() + std::size_t{c & (n - 1)} * kRxCpl;
    const bool phase = (e[31] & 0x80) != 0;
    const bool expect = ((c >> cfg_.size_log2) & 1) == 0;
    if (phase != expect) break;
    ++count;
    ++c;
  }
  return count;
}

std::vector<RxPacket> RxQueue::poll(unsigned max) {
  std::vector<RxPacket> out;
  const unsigned n = size();
  std::uint32_t released = 0;
  while (out.size() < max) {
    const std::uint8_t* e = cq_.data() + std::size_t{cq_cons_ & (n - 1)} * kRxCpl;
    // Phase: 1 on the first pass over the ring, flipping on each wrap.
    const bool expect = ((cq_cons_ >> cfg_.size_log2) & 1) == 0;
    if (((e[31] & 0x80) != 0) != expect) break;
    dma_rmb();
    RxPacket p;
    p.length = static_cast<std::uint16_t>(get_le(e, 2));
    p.desc_index = static_cast<std::uint16_t>(get_le(e + 2, 2));
    p.rss_hash = static_cast<std::uint32_t>(get_le(e + 4, 4));
    p.mark = static_cast<std::uint32_t>(get_le(e + 8, 4));
    p.vlan_tci = static_cast<std::uint16_t>(get_le(e + 12, 2));
    p.status = e[14];
    p.parse_err = (e[14] & 0x01) != 0;
    p.ip_csum_ok = (e[14] & 0x02) != 0;
    p.l4_csum_ok = (e[14] & 0x04) != 0;
    p.vlan = (e[14] & 0x08) != 0;
    p.mark_valid = (e[14] & 0x10) != 0;
    p.rss_valid = (e[14] & 0x20) != 0;
    p.csum_checked = (e[14] & 0x40) != 0;
    p.l3 = e[15] & 0x3;
    p.l4 = (e[15] >> 2) & 0x7;
    p.tun_type = (e[15] >> 5) & 0x7;
    p.src_vport = e[16];
    p.reason = static_cast<ExceptionReason>(e[17]);
    p.tcam_index = static_cast<std::uint16_t>(get_le(e + 18, 2));
    p.flow_hash = static_cast<std::uint32_t>(get_le(e + 20, 4));
    p.timestamp = static_cast<std::uint32_t>(get_le(e + 24, 4));
    p.queue = index_;
    const unsigned pos = p.desc_index & (n - 1);
    const unsigned slot = buf_of_desc_[pos];
    const std::uint32_t len = std::min<std::uint32_t>(p.length, cfg_.buf_size);
    const std::uint8_t* b = bufs_.data() + std::size_t{slot} * cfg_.buf_size;
    p.bytes.assign(b, b + len);
    post(slot);  // the buffer is free again: repost it (the spare slot rotates)
    ++cq_cons_;
    ++packets_;
    released += p.length;
    out.push_back(std::move(p));
  }
  if (!out.empty()) {
    dma_wmb();
    drv_->wr(regs_ + R::rxq::PROD, prod_);
    drv_->wr(regs_ + R::rxq::CQ_CONS, cq_cons_);
    // The frames are out of the NIC's buffers: give their bytes back to the VNIC's quota.
    if (cfg_.release_quota_vport != 0) drv_->release_quota(cfg_.release_quota_vport, released);
  }
  return out;
}

void RxQueue::arm() { drv_->wr(regs_ + R::rxq::CQ_ARM, 1); }

bool RxQueue::wait_interrupt(std::chrono::nanoseconds timeout) {
  return drv_->device().wait_interrupt(cfg_.irq.vector, timeout);
}

void RxQueue::set_irq(const IrqConfig& irq) {
  check_irq(*drv_, irq);
  cfg_.irq = irq;
  drv_->wr(regs_ + R::rxq::MOD_CYCLES, irq.mod_cycles);
  drv_->wr(regs_ + R::rxq::IRQ, irq_word(irq));
}

std::uint16_t RxQueue::hw_cons() {
  return static_cast<std::uint16_t>(drv_->rd(regs_ + R::rxq::CONS));
}
std::uint16_t RxQueue::hw_cq_prod() {
  return static_cast<std::uint16_t>(drv_->rd(regs_ + R::rxq::CQ_PROD));
}

// ---- TxQueue --------------------------------------------------------------------------------

TxQueue::TxQueue(Driver& drv, unsigned index, const TxQueueConfig& cfg)
    : drv_(&drv), index_(index), cfg_(cfg) {
  regs_ = drv.element(Block::kTxq, index, "transmit queue");
  check_size(cfg.size_log2, "transmit queue");
  check_irq(drv, cfg.irq);
  if (cfg.vport != 255 && (cfg.vport < 1 || cfg.vport > drv.features().num_vnic)) {
    throw DriverError(
        DriverErrc::kBadArgument,
        "transmit queue owner vport " + std::to_string(cfg.vport) + " (1..num_vnic or 255)");
  }
  drv.claim_queue(Block::kTxq, index);
  try {
    const unsigned n = size();
    ring_ = drv.device().alloc_dma(std::size_t{n} * kTxDesc, 64);
    cq_ = drv.device().alloc_dma(std::size_t{n} * kTxCpl, 64);
    bufs_ = drv.device().alloc_dma(std::size_t{n} * cfg.buf_size, 64);
    std::memset(cq_.data(), 0, cq_.size());
    drv.wr(regs_ + R::txq::CTRL, 0);
    drv.wr64(regs_ + R::txq::RING_BASE_LO, ring_.iova());
    drv.wr64(regs_ + R::txq::CQ_BASE_LO, cq_.iova());
    drv.wr(regs_ + R::txq::SIZE_LOG2, cfg.size_log2);
    drv.wr(regs_ + R::txq::MOD_CYCLES, cfg.irq.mod_cycles);
    drv.wr(regs_ + R::txq::IRQ, irq_word(cfg.irq));
    std::uint32_t ctrl = 0;
    ctrl = R::txq::CTRL_ENABLE.put(ctrl, 1);
    ctrl = R::txq::CTRL_VPORT.put(ctrl, cfg.vport);
    drv.wr(regs_ + R::txq::CTRL, ctrl);
    prod_ = posted_ = static_cast<std::uint16_t>(drv.rd(regs_ + R::txq::PROD));
    cq_cons_ = static_cast<std::uint16_t>(drv.rd(regs_ + R::txq::CQ_PROD));
    init_phase(cq_, kTxCpl, 15, cq_cons_, cfg.size_log2);
    drv.wr(regs_ + R::txq::CQ_CONS, cq_cons_);
    drv.wr(regs_ + R::txq::CQ_ARM, 1);
  } catch (...) {
    drv.release_queue(Block::kTxq, index);
    throw;
  }
}

TxQueue::TxQueue(TxQueue&& o) noexcept
    : drv_(std::exchange(o.drv_, nullptr)),
      index_(o.index_),
      cfg_(o.cfg_),
      regs_(o.regs_),
      ring_(std::move(o.ring_)),
      cq_(std::move(o.cq_)),
      bufs_(std::move(o.bufs_)),
      prod_(o.prod_),
      posted_(o.posted_),
      cq_cons_(o.cq_cons_) {
  for (unsigned i = 0; i < 4; ++i) by_status_[i] = o.by_status_[i];
}

TxQueue::~TxQueue() {
  if (drv_ == nullptr) return;
  try {
    drv_->wr(regs_ + R::txq::CTRL, 0);
    drv_->wr(regs_ + R::txq::IRQ, 0);
  } catch (...) {
  }
  drv_->release_queue(Block::kTxq, index_);
}

bool TxQueue::send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport_override,
                   bool ring_doorbell) {
  if (frame.size() > cfg_.buf_size) return false;
  // One slot stays empty so a full ring is distinguishable; reap when full.
  if (in_flight() >= size() - 1) reap();
  if (in_flight() >= size() - 1) {
    if (posted_ != prod_) doorbell();
    reap();
    if (in_flight() >= size() - 1) return false;
  }
  const unsigned pos = prod_ & (size() - 1);
  std::uint8_t* buf = bufs_.data() + std::size_t{pos} * cfg_.buf_size;
  std::memcpy(buf, frame.data(), frame.size());
  std::uint8_t* d = ring_.data() + std::size_t{pos} * kTxDesc;
  put_le(d, bufs_.iova() + std::uint64_t{pos} * cfg_.buf_size, 8);
  put_le(d + 8, frame.size(), 2);
  put_le(d + 10, vport_override ? 1 : 0, 2);
  d[12] = vport_override.value_or(0);
  d[13] = d[14] = d[15] = 0;
  ++prod_;
  if (ring_doorbell) doorbell();
  return true;
}

void TxQueue::doorbell() {
  dma_wmb();
  drv_->wr(regs_ + R::txq::PROD, prod_);
  posted_ = prod_;
}

std::vector<TxCompletion> TxQueue::reap(unsigned max) {
  std::vector<TxCompletion> out;
  const unsigned n = size();
  while (out.size() < max && cq_cons_ != posted_) {
    const std::uint8_t* e = cq_.data() + std::size_t{cq_cons_ & (n - 1)} * kTxCpl;
    const bool expect = ((cq_cons_ >> cfg_.size_log2) & 1) == 0;
    if (((e[15] & 0x80) != 0) != expect) break;
    dma_rmb();
    TxCompletion c;
    c.desc_index = static_cast<std::uint16_t>(get_le(e, 2));
    c.status = static_cast<TxStatus>(e[2] & 3);
    ++by_status_[e[2] & 3];
    ++cq_cons_;
    out.push_back(c);
  }
  if (!out.empty()) drv_->wr(regs_ + R::txq::CQ_CONS, cq_cons_);
  return out;
}

void TxQueue::arm() { drv_->wr(regs_ + R::txq::CQ_ARM, 1); }

bool TxQueue::wait_interrupt(std::chrono::nanoseconds timeout) {
  return drv_->device().wait_interrupt(cfg_.irq.vector, timeout);
}

}  // namespace nicsim::host
