// SPDX-License-Identifier: MIT
// Zero-copy receive shim (docs/host.md "Zero-copy receive"): a VM's receive ring mapped onto
// the NIC's receive queue of its VNIC, so the NIC writes the VM's frames straight into the
// VM's memory, with no byte of frame data copied by the host.
//
//   GuestMemory vm1(drv.device(), 1, 0x8000'0000, 1 << 20);         // guest RAM, its GPA base
//   GuestRxRing ring(vm1, 0x8000'0000, 6);                           // the guest's ring in it
//   ZeroCopyRx shim(drv, 0, vm1, ring.gpa(), 6, {.vport = 1});      // VNIC 1's queue 0
//   ring.post(0x8001'0000, 2048);  shim.service();   // the guest's buffer, onto the NIC's ring
//   /* a frame for VNIC 1 */       shim.service();   // the guest's completion, its notification
//   for (auto& c : ring.poll()) use(c.data);          // the frame, in guest memory
//
// The NIC has no IOMMU: it writes wherever a descriptor points. The shim is the check. It
// reads each descriptor the guest posts once, keeps its own copy, and hands the NIC a
// descriptor only for a buffer entirely inside the guest's memory (guest-physical address
// translated to the device address, like an IOMMU mapping per VM), outside the guest's ring,
// and at least `min_buf` bytes long; any other is refused, counted and completed to the guest
// with length 0, never posted. Frames reach a VM only through its VNIC's queue (the NIC's
// steering), and that queue only ever holds this VM's buffers.
//
// The guest ring (in guest memory, at `ring_gpa`, 64-byte aligned):
//   +0   control block, format guest_rx_ctrl (rtl/formats.yaml, docs/formats.md; C++
//        fmt::guest_rx_ctrl): desc_prod and cq_cons (guest), notify (shim sets 1, guest
//        clears), notify_enable (guest)
//   +64  2^log2 descriptors, the NIC's rx_desc layout with a guest-physical buf_addr
//   then 2^log2 completions, the NIC's rx_cpl layout: `slot` the guest descriptor's ring
//        slot, `phase` 1 on the first pass over the ring (flipping on every wrap), every
//        other field as the NIC wrote it; length 0: the buffer was refused.
// A guest reuses a descriptor slot once its completion has been read (completions may come
// out of order: a refused buffer completes at once).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/hal/device.hpp"

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::host {

class Driver;

/// A VM's memory: one DMA region (the host pins and maps guest RAM for the device) seen by the
/// guest at guest-physical addresses gpa_base .. gpa_base + size - 1.
class GuestMemory {
 public:
  /// `bytes` of zeroed guest RAM for VM `vm` at guest-physical `gpa_base` (4 KiB aligned).
  /// DriverError(kBadArgument) for zero bytes or a range that wraps.
  GuestMemory(Device& dev, unsigned vm, std::uint64_t gpa_base, std::size_t bytes);

  [[nodiscard]] unsigned vm() const { return vm_; }
  [[nodiscard]] std::uint64_t gpa_base() const { return gpa_base_; }
  [[nodiscard]] std::size_t size() const { return mem_.size(); }
  /// Whether [gpa, gpa + len) lies inside the guest's memory (len 0: never; no wrap).
  [[nodiscard]] bool contains(std::uint64_t gpa, std::uint64_t len) const;
  /// The device address of guest-physical `gpa` (contains(gpa, len) must hold; else nullopt).
  [[nodiscard]] std::optional<std::uint64_t> iova(std::uint64_t gpa, std::uint64_t len) const;
  /// The CPU view of [gpa, gpa + len) (the guest reading its RAM, the shim reading the ring);
  /// DriverError(kBadArgument) outside the guest's memory.
  [[nodiscard]] std::span<std::uint8_t> at(std::uint64_t gpa, std::size_t len) const;
  /// All of it.
  [[nodiscard]] std::span<std::uint8_t> bytes() const { return mem_.host(); }
  /// The device address range behind it (what an IOMMU would map for this VM).
  [[nodiscard]] std::uint64_t iova_base() const { return mem_.iova(); }

 private:
  unsigned vm_;
  std::uint64_t gpa_base_;
  DmaRegion mem_;
};

/// The guest ring's layout (see the file comment; its control block is fmt::guest_rx_ctrl).
namespace guest_ring {
/// Bytes of a ring of 2^log2 entries: control block, descriptors, completions.
[[nodiscard]] constexpr std::uint64_t bytes(unsigned log2) {
  return fmt::guest_rx_ctrl::kBytes +
         (std::uint64_t{1} << log2) * (fmt::RxDesc::kBytes + fmt::RxCpl::kBytes);
}
}  // namespace guest_ring

/// A guest's receive area for one queue, as the scenario's guests lay it out: the ring at its
/// start (rounded up to 4 KiB), then one buffer of `buf_size` per ring entry.
struct GuestRxLayout {
  std::uint64_t ring_bytes = 0;  // the ring, rounded up to 4 KiB
  std::uint64_t bytes = 0;       // ring and buffers
};
[[nodiscard]] constexpr GuestRxLayout guest_rx_layout(unsigned log2, std::uint32_t buf_size) {
  const std::uint64_t ring = (guest_ring::bytes(log2) + 4095) & ~std::uint64_t{4095};
  return {ring, ring + (std::uint64_t{1} << log2) * buf_size};
}

/// One frame (or refused buffer) the guest read from its completion ring.
struct GuestCompletion {
  fmt::RxCpl cpl;  // slot, length, RSS hash, mark, status ... as the NIC gave them
  std::uint64_t buf_gpa = 0;           // the buffer the guest posted in that slot
  std::span<const std::uint8_t> data;  // the frame in guest memory (empty when refused)
  [[nodiscard]] bool refused() const { return cpl.len == 0; }
};

/// The guest's side of the ring: what the VM's driver does (posts buffers by guest-physical
/// address, reads completions and its memory). The host never calls it; tests and the
/// scenario's guests do.
class GuestRxRing {
 public:
  /// Lays out and zeroes a ring of 2^size_log2 entries (4..15) at `gpa` in `mem`.
  GuestRxRing(GuestMemory& mem, std::uint64_t gpa, unsigned size_log2);

  /// Posts the buffer [buf_gpa, buf_gpa + len) in the next descriptor slot; false when that
  /// slot's completion has not been read yet (the ring is full).
  bool post(std::uint64_t buf_gpa, std::uint32_t len);
  /// Up to `max` completions, in the order written; acknowledges them (cq_cons).
  std::vector<GuestCompletion> poll(unsigned max = 64);
  /// Reads and clears the notification flag.
  bool take_notification();
  void enable_notifications(bool on);

  [[nodiscard]] std::uint64_t gpa() const { return gpa_; }
  [[nodiscard]] unsigned size_log2() const { return log2_; }
  [[nodiscard]] unsigned size() const { return 1u << log2_; }
  /// Slots posted and not yet completed-and-read.
  [[nodiscard]] unsigned outstanding() const { return outstanding_; }

 private:
  GuestMemory* mem_;
  std::uint64_t gpa_;
  unsigned log2_;
  std::uint16_t prod_ = 0, cq_cons_ = 0;
  unsigned outstanding_ = 0;
  std::vector<std::uint64_t> buf_of_slot_;
  std::vector<std::uint32_t> len_of_slot_;
  std::vector<bool> busy_;
};

struct ZeroCopyConfig {
  /// The VNIC whose receive queue this is: its NIC quota is released as the guest reads its
  /// completions (0 = none).
  unsigned vport = 0;
  /// The shortest buffer handed to the NIC: at least the largest frame the VNIC receives (a
  /// shorter buffer would stop the queue: the NIC leaves a descriptor too small for a frame at
  /// the head of the ring, spec 7.2).
  std::uint32_t min_buf = 2048;
  /// Valid guest buffers kept back from the NIC for deliver_copy() (the host's own path).
  std::uint32_t copy_reserve = 0;
  IrqConfig irq{};
};

/// Counters of one shim (since it was made).
struct ZeroCopyStats {
  std::uint64_t posted = 0;            // guest buffers handed to the NIC
  std::uint64_t frames_zero_copy = 0;  // frames the NIC wrote straight into guest buffers
  std::uint64_t bytes_zero_copy = 0;
  std::uint64_t frames_copied = 0;     // frames the host copied in (deliver_copy)
  std::uint64_t host_copy_bytes = 0;   // frame bytes the host copied into guest memory
  std::uint64_t copy_no_buffer = 0;    // deliver_copy with no guest buffer kept back: dropped
  std::uint64_t copy_too_long = 0;     // deliver_copy of a frame longer than the buffer: dropped
  std::uint64_t refused_outside = 0;   // buffer starting outside the guest's memory
  std::uint64_t refused_overrun = 0;   // starting inside, ending beyond it or wrapping
  std::uint64_t refused_short = 0;     // shorter than min_buf
  std::uint64_t refused_ring = 0;      // overlapping the guest's own ring
  std::uint64_t bad_index = 0;         // passes that found the guest's indices out of range
  std::uint64_t nic_bad_completion = 0;  // NIC completions for no descriptor of the shim's
  std::uint64_t notifications = 0;     // passes that notified the guest
  std::uint64_t quota_released = 0;    // bytes given back to the VNIC's NIC quota
  [[nodiscard]] std::uint64_t refused() const {
    return refused_outside + refused_overrun + refused_short + refused_ring;
  }
  [[nodiscard]] std::string to_string() const;
};

/// The host's shim between a guest ring and NIC receive queue `index` (an external RxQueue).
/// The guest memory must outlive it; its destructor disables the queue before that.
class ZeroCopyRx {
 public:
  /// Checks the ring lies inside `mem` (DriverError(kBadArgument)), sets up the queue with a
  /// ring of the guest's size.
  ZeroCopyRx(Driver& drv, unsigned index, GuestMemory& mem, std::uint64_t ring_gpa,
             unsigned size_log2, const ZeroCopyConfig& cfg);
  ZeroCopyRx(const ZeroCopyRx&) = delete;
  ZeroCopyRx& operator=(const ZeroCopyRx&) = delete;
  ~ZeroCopyRx() = default;

  /// One pass: gives the NIC's quota back for completions the guest read, takes the guest's
  /// new descriptors (checking each), posts them to the NIC, turns the NIC's completions into
  /// guest completions and notifies the guest. Returns the guest completions written.
  std::size_t service();
  /// The host's own path (a frame the host delivers to the VM itself, e.g. from its slow
  /// path): copies `frame` into a guest buffer kept back (copy_reserve) and completes it with
  /// `meta` (its len and slot set here). False, counted, when there is none or it is too short.
  bool deliver_copy(std::span<const std::uint8_t> frame, fmt::RxCpl meta = {});
  /// Called after a pass that set the guest's notification flag.
  void on_notify(std::function<void()> fn) { on_notify_ = std::move(fn); }

  [[nodiscard]] const ZeroCopyStats& stats() const { return stats_; }
  [[nodiscard]] RxQueue& queue() { return rxq_; }
  [[nodiscard]] const GuestMemory& memory() const { return *mem_; }
  /// Guest buffers held back (valid, not on the NIC's ring).
  [[nodiscard]] std::size_t held() const { return ready_.size(); }

 private:
  struct Buf {
    std::uint16_t slot = 0;
    std::uint64_t gpa = 0;
    std::uint32_t len = 0;
  };
  /// Reads the guest's cq_cons and gives the NIC quota of what it read back.
  void release_quota();
  /// Takes the guest's new descriptors: refused ones complete at once, valid ones wait in
  /// ready_; then posts ready_ beyond copy_reserve to the NIC.
  void take_guest_descriptors();
  void post_to_nic();
  /// Checks a descriptor: nullptr when accepted, else the counter it is refused under.
  std::uint64_t* check(const fmt::RxDesc& d);
  /// Writes guest completion `cpl` for `slot` (the slot is free again).
  void complete(fmt::RxCpl cpl, std::uint16_t slot, std::uint32_t quota_len);
  /// Sets the guest's notification flag (if it enabled them) after completions.
  void notify();

  Driver* drv_;
  GuestMemory* mem_;
  std::uint64_t ring_gpa_;
  unsigned log2_;
  ZeroCopyConfig cfg_;
  RxQueue rxq_;
  std::uint16_t desc_cons_ = 0;  // guest descriptors taken
  std::uint16_t cq_prod_ = 0;    // guest completions written
  std::uint16_t cq_acked_ = 0;   // guest completions read (their quota released)
  unsigned in_flight_ = 0;       // taken, not completed
  std::vector<std::uint32_t> quota_of_cq_;  // per completion entry: the NIC bytes it holds
  std::vector<bool> slot_busy_;             // guest slots taken and not completed
  std::deque<Buf> ready_;                   // valid, not yet on the NIC (copy_reserve)
  std::vector<Buf> at_nic_;                 // by the NIC descriptor's tag (the guest slot)
  std::function<void()> on_notify_;
  ZeroCopyStats stats_;
};

}  // namespace nicsim::host
