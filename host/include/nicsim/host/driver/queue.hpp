// SPDX-License-Identifier: MIT
// Receive, exception and transmit queues: rings in DMA memory, doorbells, completions by
// phase bit, interrupts with moderation (docs/spec.md sections 7 and 8).
//
//   RxQueue rx(drv, 0, {.size_log2 = 8, .irq = {.vector = 1, .mod_pkts = 4}});
//   for (auto& p : rx.poll(32)) use(p.bytes, p.rss_hash, p.mark);
//   rx.arm();  drv.device().wait_interrupt(1, 1ms);
//
// Every queue object owns its hardware queue: the destructor disables it and frees its
// memory. Objects are movable, not copyable. A queue given a pool (pool.hpp) posts the pool's
// buffers instead of its own and can lend them to the consumer (receive()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "nicsim/host/driver/pool.hpp"
#include "nicsim/host/hal/device.hpp"

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::host {

class Driver;
enum class Block : unsigned;

/// Interrupt setup of one completion ring.
struct IrqConfig {
  bool enable = false;
  unsigned vector = 0;
  unsigned mod_pkts = 1;         // completions before an interrupt (1..65535)
  std::uint32_t mod_cycles = 0;  // cycles from the first completion to an interrupt (0 = off)
};

struct RxQueueConfig {
  unsigned size_log2 = 8;  // 4..15, both rings
  std::uint32_t buf_size = 2048;  // ignored with a pool (the pool's buf_size)
  IrqConfig irq{};
  /// Release the bytes of every packet polled to this VNIC's quota (0 = do not).
  unsigned release_quota_vport = 0;
  /// Draw receive buffers from this pool (not owned; it must outlive the queue) instead of
  /// owning 2^size_log2 of them. Its vport, if any, is released like release_quota_vport
  /// (which, with a pool, must be 0 or the pool's vport).
  RxPool* pool = nullptr;
  /// The queue owns and posts no buffers: its owner posts each descriptor (post_buffer(),
  /// doorbell()) and takes each completion with the tag it gave (take()). The zero-copy shim
  /// (zerocopy.hpp) uses it: the buffers are a VM's memory. Not with a pool or
  /// release_quota_vport; poll() and receive() refuse it.
  bool external = false;
};

/// Exception reasons (completion byte 17; rtl/formats.yaml, fmt::to_string names them).
using ExceptionReason = fmt::ExcReason;

/// One received frame with its completion.
struct RxPacket {
  std::vector<std::uint8_t> bytes;  // a copy of the frame; the buffer is reposted at once
  std::uint16_t length = 0;
  std::uint16_t desc_index = 0;
  std::uint32_t rss_hash = 0;
  std::uint32_t mark = 0;
  std::uint16_t vlan_tci = 0;
  std::uint8_t status = 0;  // raw byte 14
  bool parse_err = false, ip_csum_ok = false, l4_csum_ok = false, vlan = false;
  bool mark_valid = false, rss_valid = false, csum_checked = false;
  std::uint8_t l3 = 0, l4 = 0, tun_type = 0;
  std::uint8_t src_vport = 0;
  ExceptionReason reason = ExceptionReason::kNone;
  std::uint16_t tcam_index = 0xFFFF;  // 0xFFFF: no TCAM rule
  std::uint32_t flow_hash = 0;        // h1 of the flow key
  std::uint32_t timestamp = 0;        // ingress cycle, low 32 bits
  unsigned queue = 0;
};

/// The completion `c` of receive queue `queue` as an RxPacket (no bytes).
[[nodiscard]] RxPacket packet_of(const fmt::RxCpl& c, unsigned queue);

/// A frame lent by receive(): its completion (`packet.bytes` empty) and its buffer.
struct RxLent {
  RxPacket packet;
  RxBuffer buffer;
};

/// A completion of an external queue: as the NIC wrote it, and the tag its descriptor was
/// posted with.
struct RxTaken {
  fmt::RxCpl cpl;
  std::uint32_t tag = 0;
};

/// A receive queue (rxq block) or the exception ring (excq block, same layout).
class RxQueue {
 public:
  /// Receive queue `index` (0..num_rxq-1).
  RxQueue(Driver& drv, unsigned index, const RxQueueConfig& cfg);
  /// The exception ring. DriverError(kMissingBlock) if the NIC has none.
  static RxQueue exception(Driver& drv, const RxQueueConfig& cfg);

  RxQueue(RxQueue&& o) noexcept;
  RxQueue& operator=(RxQueue&&) = delete;
  RxQueue(const RxQueue&) = delete;
  RxQueue& operator=(const RxQueue&) = delete;
  ~RxQueue();

  /// Up to `max` completed frames, in order. Reposts their buffers (one PROD doorbell) and
  /// acknowledges the completions (CQ_CONS).
  std::vector<RxPacket> poll(unsigned max = 64);
  /// Up to `max` completed frames, in order, each in its pool buffer until the RxLent's
  /// buffer is released (then it is posted again). Needs a pool. When the pool has no
  /// buffer to post in place of a lent one, its policy decides: kWait lends it and leaves
  /// the descriptor unreplenished (counted `waits`), kDrop drops the frame (counted `drops`,
  /// not returned) and reposts its buffer.
  std::vector<RxLent> receive(unsigned max = 64);
  /// External queue: posts a descriptor for the `len` bytes at device address `iova`, to be
  /// taken back as `tag`; false when the ring holds size() - 1 posted descriptors. Needs
  /// doorbell() to reach the NIC.
  bool post_buffer(std::uint64_t iova, std::uint32_t len, std::uint32_t tag);
  /// Writes PROD for everything posted.
  void doorbell();
  /// External queue: up to `max` completed frames, in order, with their descriptors' tags
  /// (acknowledged through CQ_CONS; nothing is reposted).
  std::vector<RxTaken> take(unsigned max = 64);
  /// Posts free pool buffers while the ring has room (one PROD doorbell); the number posted.
  /// The pool calls it when a buffer comes back.
  unsigned refill();
  /// Descriptors posted and not yet completed-and-consumed.
  [[nodiscard]] unsigned outstanding() const {
    return static_cast<std::uint16_t>(prod_ - cq_cons_);
  }
  /// Completions waiting (by phase bit), without consuming them.
  [[nodiscard]] unsigned pending() const;
  /// Re-arms the interrupt (CQ_ARM).
  void arm();
  /// Waits for this queue's interrupt vector (HAL semantics).
  bool wait_interrupt(std::chrono::nanoseconds timeout);
  void set_irq(const IrqConfig& irq);

  [[nodiscard]] unsigned index() const { return index_; }
  [[nodiscard]] bool is_exception() const { return exception_; }
  [[nodiscard]] unsigned size() const { return 1u << cfg_.size_log2; }
  [[nodiscard]] std::uint64_t packets() const { return packets_; }
  /// NIC's view: descriptors consumed, completions written.
  [[nodiscard]] std::uint16_t hw_cons();
  [[nodiscard]] std::uint16_t hw_cq_prod();

 private:
  RxQueue(Driver& drv, unsigned index, const RxQueueConfig& cfg, bool exception);
  void post(unsigned slot);
  void post_desc(std::uint64_t iova, std::uint32_t len, std::uint32_t tag);
  /// The completion at cq_cons_, decoded; false when none is waiting.
  bool next_cpl(fmt::RxCpl& c) const;
  /// Decodes the completion at cq_cons_ into `p` (no bytes); false when none is waiting.
  bool next_completion(RxPacket& p) const;
  /// Doorbells after consuming completions: PROD, CQ_CONS.
  void consumed();
  /// With a pool: posts free pool buffers while the ring has room (no doorbell); returns
  /// the outstanding descriptors' buffers to it (the queue is being taken down).
  unsigned refill_from_pool();
  void return_to_pool();
  [[nodiscard]] std::uint32_t buf_size() const {
    return cfg_.pool != nullptr ? cfg_.pool->config().buf_size : cfg_.buf_size;
  }

  Driver* drv_;
  unsigned index_;
  bool exception_;
  RxQueueConfig cfg_;
  std::uint32_t regs_ = 0;  // element base
  DmaRegion ring_, cq_, bufs_;
  std::vector<std::uint32_t> buf_of_desc_;  // descriptor position -> buffer slot (or tag)
  std::uint16_t prod_ = 0;                  // descriptors posted
  std::uint16_t cq_cons_ = 0;               // completions consumed
  std::uint64_t packets_ = 0;
};

struct TxQueueConfig {
  unsigned size_log2 = 8;
  std::uint32_t buf_size = 2048;
  /// Owner vport: 1..num_vnic, or 255 for the host's privileged queue.
  unsigned vport = 1;
  IrqConfig irq{};
};

/// Transmit completion statuses (rtl/formats.yaml, fmt::to_string names them).
using TxStatus = fmt::TxStatus;

struct TxCompletion {
  std::uint16_t desc_index = 0;
  TxStatus status = TxStatus::kOk;
  /// What the completed descriptor carried: the frame (in the queue's buffer, valid until the
  /// slot is used again, i.e. the next send()) and its vport override.
  std::span<const std::uint8_t> frame{};
  std::optional<std::uint8_t> vport_override{};
};

class TxQueue {
 public:
  TxQueue(Driver& drv, unsigned index, const TxQueueConfig& cfg);
  TxQueue(TxQueue&& o) noexcept;
  TxQueue& operator=(TxQueue&&) = delete;
  TxQueue(const TxQueue&) = delete;
  TxQueue& operator=(const TxQueue&) = delete;
  ~TxQueue();

  /// Copies a frame into the ring (reaping completions first when full). `vport_override`
  /// injects as another vport (host queue only). `doorbell` = false batches. Returns false
  /// when the ring is still full or the frame does not fit the buffer.
  bool send(std::span<const std::uint8_t> frame, std::optional<std::uint8_t> vport_override = {},
            bool doorbell = true);
  /// Writes PROD for everything posted.
  void doorbell();
  /// Completions written so far (by phase), acknowledged through CQ_CONS.
  std::vector<TxCompletion> reap(unsigned max = 256);
  /// Called for every completion as it is reaped, also by send() when it reaps to make room
  /// (a transmit-done hook: accounting, a host program's checks).
  void on_complete(std::function<void(const TxCompletion&)> fn) { on_complete_ = std::move(fn); }
  void arm();
  bool wait_interrupt(std::chrono::nanoseconds timeout);

  [[nodiscard]] unsigned index() const { return index_; }
  [[nodiscard]] unsigned size() const { return 1u << cfg_.size_log2; }
  [[nodiscard]] unsigned in_flight() const { return static_cast<std::uint16_t>(prod_ - cq_cons_); }
  /// Totals by status over the life of the queue.
  [[nodiscard]] std::uint64_t completed(TxStatus s) const {
    return by_status_[static_cast<unsigned>(s) & 3];
  }
  /// A software limit below the NIC's TX_MAX_FRAME (a VNIC's MTU, docs/vnic.md "Traits"):
  /// send() refuses (false) and counts a longer frame without posting it. 0: none.
  void set_max_frame(std::uint32_t bytes) { max_frame_ = bytes; }
  [[nodiscard]] std::uint32_t max_frame() const { return max_frame_; }
  /// Frames send() refused for being longer than max_frame().
  [[nodiscard]] std::uint64_t dropped_over_max_frame() const { return over_max_frame_; }

 private:
  Driver* drv_;
  unsigned index_;
  TxQueueConfig cfg_;
  std::uint32_t regs_ = 0;
  DmaRegion ring_, cq_, bufs_;
  std::uint16_t prod_ = 0, posted_ = 0, cq_cons_ = 0;
  std::uint64_t by_status_[4] = {0, 0, 0, 0};
  std::function<void(const TxCompletion&)> on_complete_;
  std::uint32_t max_frame_ = 0;
  std::uint64_t over_max_frame_ = 0;
};

}  // namespace nicsim::host
