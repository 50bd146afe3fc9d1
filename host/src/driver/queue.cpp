// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/queue.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host {

namespace R = nicsim::regs;

// The exception ring has the receive-queue layout.
static_assert(R::excq::RING_BASE_LO == R::rxq::RING_BASE_LO &&
              R::excq::CQ_BASE_LO == R::rxq::CQ_BASE_LO &&
              R::excq::SIZE_LOG2 == R::rxq::SIZE_LOG2 && R::excq::CTRL == R::rxq::CTRL &&
              R::excq::PROD == R::rxq::PROD && R::excq::CQ_CONS == R::rxq::CQ_CONS &&
              R::excq::IRQ == R::rxq::IRQ && R::excq::CQ_ARM == R::rxq::CQ_ARM);

namespace {

constexpr unsigned kRxDesc = fmt::RxDesc::kBytes, kRxCpl = fmt::RxCpl::kBytes,
                   kTxDesc = fmt::TxDesc::kBytes, kTxCpl = fmt::TxCpl::kBytes;

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

/// The phase bit a completion written at free-running index c carries: 1 on the first pass
/// over a ring of 2^log2 entries, flipping on every wrap.
bool phase_of(std::uint16_t c, unsigned log2) { return ((c >> log2) & 1) == 0; }

/// Writes into every completion slot the phase its next completion will NOT carry, so a ring
/// that starts on an odd pass does not show stale entries as new.
void init_phase(DmaRegion& cq, unsigned entry, const fmt::BitField& phase, std::uint16_t next,
                unsigned log2) {
  const unsigned n = 1u << log2;
  for (unsigned k = 0; k < n; ++k) {
    const auto c = static_cast<std::uint16_t>(next + k);
    phase.store(cq.data() + std::size_t{c & (n - 1)} * entry, phase_of(c, log2) ? 0 : 1);
  }
}

/// Orders host-memory stores before the doorbell (a no-op fence for the model; a real
/// store barrier before an MMIO write on hardware).
inline void dma_wmb() { std::atomic_thread_fence(std::memory_order_release); }
inline void dma_rmb() { std::atomic_thread_fence(std::memory_order_acquire); }

}  // namespace

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
  if (cfg.external && (cfg.pool != nullptr || cfg.release_quota_vport != 0)) {
    throw DriverError(DriverErrc::kBadArgument,
                      std::string(what) + ": an external queue has no pool and releases no quota");
  }
  if (cfg.pool == nullptr && !cfg.external && cfg.buf_size == 0) {
    throw DriverError(DriverErrc::kBadArgument, "zero receive buffer size");
  }
  if (cfg.pool != nullptr && cfg.release_quota_vport != 0 &&
      cfg.release_quota_vport != cfg.pool->config().vport) {
    // Lent frames release the quota when their buffers return: the pool must know the VNIC.
    throw DriverError(DriverErrc::kBadArgument,
                      std::string(what) + ": release_quota_vport " +
                          std::to_string(cfg.release_quota_vport) +
                          " with a pool: set the pool's vport instead");
  }
  drv.claim_queue(b, index);
  try {
    const unsigned n = size();
    ring_ = drv.device().alloc_dma(std::size_t{n} * kRxDesc, 64);
    cq_ = drv.device().alloc_dma(std::size_t{n} * kRxCpl, 64);
    if (cfg.pool == nullptr && !cfg.external) {
      bufs_ = drv.device().alloc_dma(std::size_t{n} * cfg.buf_size, 64);
    }
    std::memset(cq_.data(), 0, cq_.size());
    buf_of_desc_.assign(n, RxPool::kNone);
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
    init_phase(cq_, kRxCpl, fmt::rx_cpl::PHASE, cq_cons_, cfg.size_log2);
    drv.wr(regs_ + R::rxq::CQ_CONS, cq_cons_);
    // Post all buffers but one: a full descriptor ring never looks empty to the NIC. With a
    // pool, as many as it has free; external: none (its owner posts them).
    if (cfg.pool != nullptr) {
      cfg.pool->attach(this);
      refill_from_pool();
    } else if (!cfg.external) {
      for (unsigned i = 0; i + 1 < n; ++i) post(i);
    }
    dma_wmb();
    drv.wr(regs_ + R::rxq::PROD, prod_);
    drv.wr(regs_ + R::rxq::CQ_ARM, 1);
    drv.flush_writes();  // the buffers are the NIC's when the constructor returns
  } catch (...) {
    if (cfg.pool != nullptr) {
      cfg.pool->detach(this);
      return_to_pool();
    }
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
      packets_(o.packets_) {
  if (cfg_.pool != nullptr) cfg_.pool->replace(&o, this);
}

RxQueue::~RxQueue() {
  if (drv_ == nullptr) return;
  try {
    drv_->wr(regs_ + R::rxq::CTRL, 0);
    drv_->wr(regs_ + R::rxq::IRQ, 0);
  } catch (...) {  // a dead device must not abort destruction
  }
  if (cfg_.pool != nullptr) {  // the disabled queue's buffers go back (frames not polled are lost)
    cfg_.pool->detach(this);
    return_to_pool();
  }
  drv_->release_queue(exception_ ? Block::kExcq : Block::kRxq, index_);
}

void RxQueue::post(unsigned slot) {
  if (cfg_.pool != nullptr) {
    post_desc(cfg_.pool->iova(slot), cfg_.pool->config().buf_size, slot);
  } else {
    post_desc(bufs_.iova() + std::uint64_t{slot} * cfg_.buf_size, cfg_.buf_size, slot);
  }
}

void RxQueue::post_desc(std::uint64_t iova, std::uint32_t len, std::uint32_t tag) {
  const unsigned pos = prod_ & (size() - 1);
  fmt::RxDesc{iova, len}.encode(std::span(ring_.data() + std::size_t{pos} * kRxDesc, kRxDesc));
  buf_of_desc_[pos] = tag;
  ++prod_;
}

bool RxQueue::post_buffer(std::uint64_t iova, std::uint32_t len, std::uint32_t tag) {
  if (!cfg_.external) {
    throw DriverError(DriverErrc::kBadArgument, "receive queue " + std::to_string(index_) +
                                                    ": post_buffer() needs an external queue");
  }
  if (outstanding() + 1 >= size()) return false;
  post_desc(iova, len, tag);
  return true;
}

void RxQueue::doorbell() {
  dma_wmb();
  drv_->wr(regs_ + R::rxq::PROD, prod_);
}

std::vector<RxTaken> RxQueue::take(unsigned max) {
  if (!cfg_.external) {
    throw DriverError(DriverErrc::kBadArgument, "receive queue " + std::to_string(index_) +
                                                    ": take() needs an external queue");
  }
  std::vector<RxTaken> out;
  fmt::RxCpl c;
  while (out.size() < max && next_cpl(c)) {
    out.push_back({c, buf_of_desc_[c.slot & (size() - 1)]});
    ++cq_cons_;
    ++packets_;
  }
  if (!out.empty()) drv_->wr(regs_ + R::rxq::CQ_CONS, cq_cons_);
  return out;
}

unsigned RxQueue::pending() const {
  const unsigned n = size();
  unsigned count = 0;
  std::uint16_t c = cq_cons_;
  while (count < n) {
    const std::uint8_t* e = cq_.data() + std::size_t{c & (n - 1)} * kRxCpl;
    if ((fmt::rx_cpl::PHASE.load(e) != 0) != phase_of(c, cfg_.size_log2)) break;
    ++count;
    ++c;
  }
  return count;
}

bool RxQueue::next_cpl(fmt::RxCpl& c) const {
  const std::uint8_t* e = cq_.data() + std::size_t{cq_cons_ & (size() - 1)} * kRxCpl;
  if ((fmt::rx_cpl::PHASE.load(e) != 0) != phase_of(cq_cons_, cfg_.size_log2)) return false;
  dma_rmb();
  c = fmt::RxCpl::decode(std::span(e, kRxCpl));
  return true;
}

RxPacket packet_of(const fmt::RxCpl& c, unsigned queue) {
  RxPacket p;
  p.length = c.len;
  p.desc_index = c.slot;
  p.rss_hash = c.rss_hash;
  p.mark = c.mark;
  p.vlan_tci = c.vlan_tci;
  p.status = c.status;
  p.parse_err = c.parse_err();
  p.ip_csum_ok = c.ip_csum_ok();
  p.l4_csum_ok = c.l4_csum_ok();
  p.vlan = c.vlan();
  p.mark_valid = c.mark_valid();
  p.rss_valid = c.rss_valid();
  p.csum_checked = c.csum_checked();
  p.l3 = static_cast<std::uint8_t>(c.l3());
  p.l4 = static_cast<std::uint8_t>(c.l4());
  p.tun_type = static_cast<std::uint8_t>(c.tun());
  p.src_vport = c.src_vport;
  p.reason = c.reason;
  p.tcam_index = c.tcam_index;
  p.flow_hash = c.h1;
  p.timestamp = c.timestamp;
  p.queue = queue;
  return p;
}

bool RxQueue::next_completion(RxPacket& p) const {
  fmt::RxCpl c;
  if (!next_cpl(c)) return false;
  p = packet_of(c, index_);
  return true;
}

void RxQueue::consumed() {
  doorbell();
  drv_->wr(regs_ + R::rxq::CQ_CONS, cq_cons_);
}

std::vector<RxPacket> RxQueue::poll(unsigned max) {
  if (cfg_.external) {
    throw DriverError(DriverErrc::kBadArgument, "receive queue " + std::to_string(index_) +
                                                    ": poll() on an external queue (take())");
  }
  std::vector<RxPacket> out;
  const unsigned n = size();
  const std::uint32_t bsize = buf_size();
  std::uint32_t released = 0;
  RxPacket p;
  while (out.size() < max && next_completion(p)) {
    const unsigned slot = buf_of_desc_[p.desc_index & (n - 1)];
    const std::uint32_t len = std::min<std::uint32_t>(p.length, bsize);
    const std::uint8_t* b = cfg_.pool != nullptr ? cfg_.pool->buf(slot)
                                                 : bufs_.data() + std::size_t{slot} * bsize;
    p.bytes.assign(b, b + len);
    ++cq_cons_;
    post(slot);  // the buffer is free again: repost it (the spare slot rotates)
    ++packets_;
    released += p.length;
    out.push_back(std::move(p));
    p = RxPacket{};
  }
  if (!out.empty()) {
    consumed();
    // The frames are out of the NIC's buffers: give their bytes back to the VNIC's quota.
    const unsigned vport = cfg_.pool != nullptr && cfg_.pool->config().vport != 0
                               ? cfg_.pool->config().vport
                               : cfg_.release_quota_vport;
    if (vport != 0) drv_->release_quota(vport, released);
  }
  return out;
}

std::vector<RxLent> RxQueue::receive(unsigned max) {
  if (cfg_.pool == nullptr) {
    throw DriverError(DriverErrc::kBadArgument,
                      "receive queue " + std::to_string(index_) + ": receive() needs a pool");
  }
  RxPool& pool = *cfg_.pool;
  std::vector<RxLent> out;
  const unsigned n = size();
  std::uint32_t dropped = 0;
  bool any = false;
  RxPacket p;
  while (out.size() < max && next_completion(p)) {
    any = true;
    const std::uint32_t slot = buf_of_desc_[p.desc_index & (n - 1)];
    buf_of_desc_[p.desc_index & (n - 1)] = RxPool::kNone;
    const std::uint32_t len = std::min<std::uint32_t>(p.length, pool.config().buf_size);
    ++cq_cons_;
    ++packets_;
    if (pool.policy_drops() && pool.free_.empty() && outstanding() < pool.config().reserve) {
      // No buffer to post in its place and the ring is at its reserve: drop the frame.
      ++pool.stats_.drops;
      dropped += p.length;
      post(slot);
      p = RxPacket{};
      continue;
    }
    pool.lend(slot, len);
    if (const std::uint32_t r = pool.take_for_ring(); r != RxPool::kNone) {
      post(r);
    } else {
      ++pool.stats_.waits;  // the NIC has one descriptor less until a buffer comes back
    }
    out.push_back(RxLent{std::move(p), RxBuffer(&pool, slot, pool.buf(slot), len)});
    p = RxPacket{};
  }
  if (any) {
    consumed();
    if (dropped != 0 && pool.config().vport != 0) {
      drv_->release_quota(pool.config().vport, dropped);
    }
  }
  return out;
}

unsigned RxQueue::refill_from_pool() {
  unsigned posted = 0;
  while (outstanding() + 1 < size()) {
    const std::uint32_t buf = cfg_.pool->take_for_ring();
    if (buf == RxPool::kNone) break;
    post(buf);
    ++posted;
  }
  return posted;
}

void RxQueue::return_to_pool() {
  for (std::uint16_t c = cq_cons_; c != prod_; ++c) {
    cfg_.pool->untake(buf_of_desc_[c & (size() - 1)]);
  }
}

unsigned RxQueue::refill() {
  if (cfg_.pool == nullptr) return 0;
  const unsigned posted = refill_from_pool();
  if (posted != 0) doorbell();
  return posted;
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
    init_phase(cq_, kTxCpl, fmt::tx_cpl::PHASE, cq_cons_, cfg.size_log2);
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
      cq_cons_(o.cq_cons_),
      on_complete_(std::move(o.on_complete_)),
      max_frame_(o.max_frame_),
      over_max_frame_(o.over_max_frame_) {
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
  if (max_frame_ != 0 && frame.size() > max_frame_) {
    ++over_max_frame_;
    return false;
  }
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
  fmt::TxDesc d;
  d.buf_addr = bufs_.iova() + std::uint64_t{pos} * cfg_.buf_size;
  d.len = static_cast<std::uint16_t>(frame.size());
  d.set_vport_override(vport_override.has_value());
  d.override_vport = vport_override.value_or(0);
  d.encode(std::span(ring_.data() + std::size_t{pos} * kTxDesc, kTxDesc));
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
    if ((fmt::tx_cpl::PHASE.load(e) != 0) != phase_of(cq_cons_, cfg_.size_log2)) break;
    dma_rmb();
    const fmt::TxCpl cpl = fmt::TxCpl::decode(std::span(e, kTxCpl));
    const unsigned st = static_cast<unsigned>(cpl.status) & 3;
    TxCompletion c;
    c.desc_index = cpl.slot;
    c.status = static_cast<TxStatus>(st);
    if (cpl.slot < n) {  // what the slot's descriptor carried (the driver wrote it)
      const fmt::TxDesc d =
          fmt::TxDesc::decode(std::span(ring_.data() + std::size_t{cpl.slot} * kTxDesc, kTxDesc));
      c.frame = std::span<const std::uint8_t>(bufs_.data() + std::size_t{cpl.slot} * cfg_.buf_size,
                                              std::min<std::size_t>(d.len, cfg_.buf_size));
      if (d.vport_override()) c.vport_override = static_cast<std::uint8_t>(d.override_vport);
    }
    if (on_complete_) on_complete_(c);
    ++by_status_[st];
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
