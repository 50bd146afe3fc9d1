// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/pool.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/queue.hpp"

namespace nicsim::host {

const char* to_string(PoolPolicy p) {
  switch (p) {
    case PoolPolicy::kWait: return "wait";
    case PoolPolicy::kDrop: return "drop";
  }
  return "?";
}

std::string PoolStats::to_string() const {
  std::ostringstream o;
  o << "buffers " << buffers << " posted " << buffers_posted << " in_use " << buffers_in_use
    << " bytes_in_use " << bytes_in_use << " high_water " << high_water << " lent " << lent
    << " returned " << returned << " drops " << drops << " waits " << waits;
  return o.str();
}

RxPool::RxPool(Driver& drv, const RxPoolConfig& cfg) : drv_(&drv), cfg_(cfg) {
  if (cfg.buf_size == 0) throw DriverError(DriverErrc::kBadArgument, "pool: zero buffer size");
  if (cfg.budget_bytes < cfg.buf_size) {
    throw DriverError(DriverErrc::kBadArgument,
                      "pool: budget " + std::to_string(cfg.budget_bytes) +
                          " bytes is less than one buffer of " + std::to_string(cfg.buf_size));
  }
  if (cfg.policy != PoolPolicy::kWait && cfg.policy != PoolPolicy::kDrop) {
    throw DriverError(DriverErrc::kBadArgument, "pool: unknown policy");
  }
  if (cfg.reserve == 0) throw DriverError(DriverErrc::kBadArgument, "pool: reserve 0");
  if (cfg.vport != 0 && cfg.vport > drv.features().num_vnic) {
    throw DriverError(DriverErrc::kBadArgument, "pool: vport " + std::to_string(cfg.vport) +
                                                    " of " +
                                                    std::to_string(drv.features().num_vnic));
  }
  const std::uint32_t n = cfg.budget_bytes / cfg.buf_size;
  mem_ = drv.device().alloc_dma(std::size_t{n} * cfg.buf_size, 64);
  free_.reserve(n);
  for (std::uint32_t i = n; i > 0; --i) free_.push_back(i - 1);  // lowest index first out
  stats_.buffers = n;
}

std::uint32_t RxPool::take_for_ring() {
  if (free_.empty()) return kNone;
  const std::uint32_t i = free_.back();
  free_.pop_back();
  ++stats_.buffers_posted;
  return i;
}

void RxPool::untake(std::uint32_t i) {
  --stats_.buffers_posted;
  free_.push_back(i);
}

void RxPool::lend(std::uint32_t i, std::uint32_t len) {
  (void)i;
  --stats_.buffers_posted;
  ++stats_.buffers_in_use;
  ++stats_.lent;
  stats_.bytes_in_use += len;
  stats_.high_water = std::max(stats_.high_water, stats_.bytes_in_use);
}

void RxPool::give_back(std::uint32_t i, std::uint32_t len) {
  --stats_.buffers_in_use;
  ++stats_.returned;
  stats_.bytes_in_use -= len;
  // The frame is out of the NIC's accounting too: its bytes go back to the VNIC's quota.
  if (cfg_.vport != 0) drv_->release_quota(cfg_.vport, len);
  free_.push_back(i);
  for (RxQueue* q : queues_) {
    if (q->refill() != 0) break;
  }
}

void RxPool::attach(RxQueue* q) { queues_.push_back(q); }
void RxPool::detach(RxQueue* q) { std::erase(queues_, q); }
void RxPool::replace(RxQueue* from, RxQueue* to) {
  std::replace(queues_.begin(), queues_.end(), from, to);
}

RxBuffer::RxBuffer(RxBuffer&& o) noexcept
    : pool_(std::exchange(o.pool_, nullptr)),
      index_(o.index_),
      data_(std::exchange(o.data_, nullptr)),
      len_(std::exchange(o.len_, 0)) {}

RxBuffer& RxBuffer::operator=(RxBuffer&& o) noexcept {
  if (this != &o) {
    release();
    pool_ = std::exchange(o.pool_, nullptr);
    index_ = o.index_;
    data_ = std::exchange(o.data_, nullptr);
    len_ = std::exchange(o.len_, 0);
  }
  return *this;
}

void RxBuffer::release() {
  if (pool_ == nullptr) return;
  RxPool* p = std::exchange(pool_, nullptr);
  try {
    p->give_back(index_, len_);
  } catch (...) {  // a dead device must not abort a destructor; the buffer is free anyway
  }
  data_ = nullptr;
  len_ = 0;
}

}  // namespace nicsim::host
