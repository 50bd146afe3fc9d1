// SPDX-License-Identifier: MIT
// Per-destination receive buffer pools (docs/host.md "Buffer pools"): a pool owns the DMA
// memory of one destination (a VNIC's queue set, the exception ring) within a byte budget;
// its receive queues post the pool's buffers, and RxQueue::receive() lends a frame's buffer
// to the consumer until the RxBuffer is released.
//
//   RxPool pool(drv, {.budget_bytes = 64 * 1024, .policy = PoolPolicy::kDrop, .vport = 1});
//   RxQueue rx(drv, 0, {.size_log2 = 4, .pool = &pool});
//   for (RxBuffer& b : rx.receive()) use(b.data());   // the buffer returns when b dies
//
// The NIC's job: the VNIC's byte quota (spec 7.2; VnicConfig::quota_*) bounds what it writes
// and holds (wait) or drops (quota) frames over it. The driver's job: the pool bounds the
// host memory of the destination and decides what happens when its consumer keeps buffers
// (policy); a pool tied to a vport gives each frame's bytes back to the NIC's quota when its
// buffer returns.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nicsim/host/hal/device.hpp"

namespace nicsim::host {

class Driver;
class RxQueue;

/// What a pool does with a frame when no free buffer can be posted in place of the one
/// lent for it (the rest of the pool is lent or on rings).
enum class PoolPolicy : unsigned {
  /// Lend it anyway: the descriptor is not replenished until a buffer comes back, so the NIC
  /// runs short of descriptors for this destination (rx_no_desc, or its quota wait).
  kWait = 0,
  /// Lend it while its ring keeps `reserve` descriptors posted; below that, drop the frame
  /// (counted in the pool) and repost its buffer at once: the ring never runs dry, the
  /// consumer loses the newest frames instead.
  kDrop = 1,
};

[[nodiscard]] const char* to_string(PoolPolicy p);

struct RxPoolConfig {
  /// Bytes of DMA memory the pool owns: budget_bytes / buf_size buffers (at least one).
  std::uint32_t budget_bytes = 64 * 1024;
  std::uint32_t buf_size = 2048;
  PoolPolicy policy = PoolPolicy::kWait;
  /// kDrop: descriptors a queue keeps posted (not yet polled) before it drops (at least 1).
  std::uint32_t reserve = 2;
  /// Give the bytes of every returned frame back to this VNIC's NIC quota (0 = none).
  unsigned vport = 0;
};

/// Counters of one pool (since it was made; the *_in_use values are current).
struct PoolStats {
  std::uint32_t buffers = 0;          // buffers the pool owns
  std::uint32_t buffers_posted = 0;   // on a descriptor ring (the NIC's)
  std::uint32_t buffers_in_use = 0;   // lent to consumers
  std::uint64_t bytes_in_use = 0;     // frame bytes in lent buffers
  std::uint64_t high_water = 0;       // the most bytes_in_use ever reached
  std::uint64_t lent = 0, returned = 0;
  std::uint64_t drops = 0;  // frames dropped by policy kDrop
  std::uint64_t waits = 0;  // descriptors left unreplenished by policy kWait
  [[nodiscard]] std::string to_string() const;
};

class RxPool {
 public:
  RxPool(Driver& drv, const RxPoolConfig& cfg);
  RxPool(const RxPool&) = delete;
  RxPool& operator=(const RxPool&) = delete;
  /// The pool must outlive its queues and the buffers it lent (like a container's iterators).
  ~RxPool() = default;

  [[nodiscard]] const RxPoolConfig& config() const { return cfg_; }
  [[nodiscard]] const PoolStats& stats() const { return stats_; }
  [[nodiscard]] std::uint32_t free_buffers() const {
    return static_cast<std::uint32_t>(free_.size());
  }

 private:
  friend class RxQueue;
  friend class RxBuffer;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  [[nodiscard]] bool policy_drops() const { return cfg_.policy == PoolPolicy::kDrop; }
  std::uint8_t* buf(std::uint32_t i) { return mem_.data() + std::size_t{i} * cfg_.buf_size; }
  [[nodiscard]] std::uint64_t iova(std::uint32_t i) const {
    return mem_.iova() + std::uint64_t{i} * cfg_.buf_size;
  }
  /// A free buffer for a ring (kNone when none), counted as posted.
  std::uint32_t take_for_ring();
  /// A posted buffer back to the free list (a queue shutting down).
  void untake(std::uint32_t i);
  /// A posted buffer now lent to a consumer with a frame of `len` bytes.
  void lend(std::uint32_t i, std::uint32_t len);
  /// A lent buffer back: refills the first attached queue that has room, else frees it.
  void give_back(std::uint32_t i, std::uint32_t len);
  void attach(RxQueue* q);
  void detach(RxQueue* q);
  void replace(RxQueue* from, RxQueue* to);

  Driver* drv_;
  RxPoolConfig cfg_;
  DmaRegion mem_;
  std::vector<std::uint32_t> free_;
  std::vector<RxQueue*> queues_;
  PoolStats stats_;
};

/// A frame lent by a pool: its bytes stay in the pool's DMA buffer until release() or the
/// destructor returns the buffer. Move-only.
class RxBuffer {
 public:
  RxBuffer() = default;
  RxBuffer(RxBuffer&& o) noexcept;
  RxBuffer& operator=(RxBuffer&& o) noexcept;
  RxBuffer(const RxBuffer&) = delete;
  RxBuffer& operator=(const RxBuffer&) = delete;
  ~RxBuffer() { release(); }

  [[nodiscard]] std::span<const std::uint8_t> data() const { return {data_, len_}; }
  [[nodiscard]] bool valid() const { return pool_ != nullptr; }
  /// Returns the buffer to its pool (idempotent).
  void release();

 private:
  friend class RxQueue;
  RxBuffer(RxPool* pool, std::uint32_t index, const std::uint8_t* data, std::uint32_t len)
      : pool_(pool), index_(index), data_(data), len_(len) {}
  RxPool* pool_ = nullptr;
  std::uint32_t index_ = 0;
  const std::uint8_t* data_ = nullptr;
  std::uint32_t len_ = 0;
};

}  // namespace nicsim::host
