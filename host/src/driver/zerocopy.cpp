// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/zerocopy.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <sstream>

#include "nicsim/host/driver/driver.hpp"

namespace nicsim::host {

namespace {

namespace ctrl = fmt::guest_rx_ctrl;  // the ring's control block

constexpr std::uint64_t kDesc = fmt::RxDesc::kBytes, kCpl = fmt::RxCpl::kBytes;
constexpr std::uint64_t kCtrl = ctrl::kBytes;  // the descriptors follow it

/// The phase of completion number c on a ring of 2^log2 entries (as the NIC's, spec 7.1).
bool phase_of(std::uint16_t c, unsigned log2) { return ((c >> log2) & 1) == 0; }

void check_ring_size(unsigned log2) {
  if (log2 < 4 || log2 > 15) {
    throw DriverError(DriverErrc::kBadArgument,
                      "guest ring: size_log2 " + std::to_string(log2) + " not in 4..15");
  }
}

}  // namespace

// ---- GuestMemory ----------------------------------------------------------------------------

GuestMemory::GuestMemory(Device& dev, unsigned vm, std::uint64_t gpa_base, std::size_t bytes)
    : vm_(vm), gpa_base_(gpa_base) {
  if (bytes == 0) throw DriverError(DriverErrc::kBadArgument, "guest memory: zero bytes");
  if ((gpa_base & 0xFFF) != 0) {
    throw DriverError(DriverErrc::kBadArgument, "guest memory: base not 4 KiB aligned");
  }
  if (bytes - 1 > ~std::uint64_t{0} - gpa_base) {
    throw DriverError(DriverErrc::kBadArgument, "guest memory: range wraps");
  }
  mem_ = dev.alloc_dma(bytes, 4096);
  std::memset(mem_.data(), 0, mem_.size());
}

bool GuestMemory::contains(std::uint64_t gpa, std::uint64_t len) const {
  if (len == 0 || gpa < gpa_base_) return false;
  const std::uint64_t off = gpa - gpa_base_;
  return off < size() && len <= size() - off;
}

std::optional<std::uint64_t> GuestMemory::iova(std::uint64_t gpa, std::uint64_t len) const {
  if (!contains(gpa, len)) return std::nullopt;
  return mem_.iova() + (gpa - gpa_base_);
}

std::span<std::uint8_t> GuestMemory::at(std::uint64_t gpa, std::size_t len) const {
  if (len == 0) return {};
  if (!contains(gpa, len)) {
    throw DriverError(DriverErrc::kBadArgument, "guest memory of VM " + std::to_string(vm_) +
                                                    ": " + std::to_string(len) +
                                                    " bytes at GPA " + std::to_string(gpa) +
                                                    " outside it");
  }
  return mem_.host().subspan(gpa - gpa_base_, len);
}

// ---- GuestRxRing ----------------------------------------------------------------------------

GuestRxRing::GuestRxRing(GuestMemory& mem, std::uint64_t gpa, unsigned size_log2)
    : mem_(&mem), gpa_(gpa), log2_(size_log2) {
  check_ring_size(size_log2);
  if ((gpa & 63) != 0) {
    throw DriverError(DriverErrc::kBadArgument, "guest ring: not 64-byte aligned");
  }
  auto all = mem.at(gpa, guest_ring::bytes(size_log2));  // throws outside the guest's memory
  std::memset(all.data(), 0, all.size());
  buf_of_slot_.assign(size(), 0);
  len_of_slot_.assign(size(), 0);
  busy_.assign(size(), false);
}

bool GuestRxRing::post(std::uint64_t buf_gpa, std::uint32_t len) {
  const unsigned slot = prod_ & (size() - 1);
  if (busy_[slot]) return false;
  fmt::RxDesc{buf_gpa, len}.encode(
      mem_->at(gpa_ + kCtrl + slot * kDesc, kDesc));
  busy_[slot] = true;
  buf_of_slot_[slot] = buf_gpa;
  len_of_slot_[slot] = len;
  ++prod_;
  ++outstanding_;
  std::atomic_thread_fence(std::memory_order_release);  // the descriptor before the index
  ctrl::DESC_PROD.put(mem_->at(gpa_, kCtrl), prod_);
  return true;
}

std::vector<GuestCompletion> GuestRxRing::poll(unsigned max) {
  std::vector<GuestCompletion> out;
  const std::uint64_t cq = gpa_ + kCtrl + std::uint64_t{size()} * kDesc;
  while (out.size() < max) {
    const auto e = mem_->at(cq + (cq_cons_ & (size() - 1)) * kCpl, kCpl);
    if ((fmt::rx_cpl::PHASE.load(e.data()) != 0) != phase_of(cq_cons_, log2_)) break;
    std::atomic_thread_fence(std::memory_order_acquire);
    GuestCompletion c;
    c.cpl = fmt::RxCpl::decode(e);
    const unsigned slot = c.cpl.slot & (size() - 1);
    c.buf_gpa = buf_of_slot_[slot];
    if (c.cpl.len != 0) {
      c.data = mem_->at(c.buf_gpa, std::min<std::uint32_t>(c.cpl.len, len_of_slot_[slot]));
    }
    if (busy_[slot]) --outstanding_;
    busy_[slot] = false;
    ++cq_cons_;
    out.push_back(c);
  }
  if (!out.empty()) ctrl::CQ_CONS.put(mem_->at(gpa_, kCtrl), cq_cons_);
  return out;
}

bool GuestRxRing::take_notification() {
  const auto c = mem_->at(gpa_, kCtrl);
  const bool set = ctrl::NOTIFY.get(c) != 0;
  ctrl::NOTIFY.put(c, 0);
  return set;
}

void GuestRxRing::enable_notifications(bool on) {
  ctrl::NOTIFY_ENABLE.put(mem_->at(gpa_, kCtrl), on ? 1 : 0);
}

// ---- ZeroCopyRx -----------------------------------------------------------------------------

std::string ZeroCopyStats::to_string() const {
  std::ostringstream o;
  o << "posted " << posted << " frames_zero_copy " << frames_zero_copy << " bytes_zero_copy "
    << bytes_zero_copy << " frames_copied " << frames_copied << " host_copy_bytes "
    << host_copy_bytes << " copy_no_buffer " << copy_no_buffer << " copy_too_long "
    << copy_too_long << " refused_outside " << refused_outside << " refused_overrun "
    << refused_overrun << " refused_short " << refused_short << " refused_ring " << refused_ring
    << " bad_index " << bad_index << " nic_bad_completion " << nic_bad_completion
    << " notifications " << notifications << " quota_released " << quota_released;
  return o.str();
}

namespace {
/// The checks that must hold before the queue is set up (the member initializer builds it).
unsigned checked_log2(const Driver& drv, const GuestMemory& mem, std::uint64_t ring_gpa,
                      unsigned size_log2, const ZeroCopyConfig& cfg) {
  check_ring_size(size_log2);
  if ((ring_gpa & 63) != 0 || !mem.contains(ring_gpa, guest_ring::bytes(size_log2))) {
    throw DriverError(DriverErrc::kBadArgument,
                      "zero-copy: the guest ring of VM " + std::to_string(mem.vm()) +
                          " is not 64-byte aligned inside its memory");
  }
  if (cfg.vport > drv.features().num_vnic) {
    throw DriverError(DriverErrc::kBadArgument,
                      "zero-copy: vport " + std::to_string(cfg.vport) + " of " +
                          std::to_string(drv.features().num_vnic));
  }
  if (cfg.min_buf == 0 || cfg.min_buf > 0xFFFF) {
    throw DriverError(DriverErrc::kBadArgument, "zero-copy: min_buf not in 1..65535");
  }
  if (cfg.copy_reserve >= (1u << size_log2)) {
    throw DriverError(DriverErrc::kBadArgument, "zero-copy: copy_reserve not below the ring size");
  }
  return size_log2;
}
}  // namespace

ZeroCopyRx::ZeroCopyRx(Driver& drv, unsigned index, GuestMemory& mem, std::uint64_t ring_gpa,
                       unsigned size_log2, const ZeroCopyConfig& cfg)
    : drv_(&drv),
      mem_(&mem),
      ring_gpa_(ring_gpa),
      log2_(checked_log2(drv, mem, ring_gpa, size_log2, cfg)),
      cfg_(cfg),
      rxq_(drv, index, RxQueueConfig{.size_log2 = size_log2, .irq = cfg.irq, .external = true}) {
  const unsigned n = 1u << log2_;
  quota_of_cq_.assign(n, 0);
  slot_busy_.assign(n, false);
  at_nic_.assign(n, Buf{});
}

std::size_t ZeroCopyRx::service() {
  const std::uint16_t before = cq_prod_;
  release_quota();
  for (const RxTaken& t : rxq_.take()) {
    if (t.tag >= at_nic_.size() || !slot_busy_[t.tag]) {  // no descriptor of ours: a NIC fault
      ++stats_.nic_bad_completion;
      continue;
    }
    const Buf b = at_nic_[t.tag];
    ++stats_.frames_zero_copy;
    stats_.bytes_zero_copy += t.cpl.len;
    complete(t.cpl, b.slot, t.cpl.len);
  }
  take_guest_descriptors();
  post_to_nic();
  const auto written = static_cast<std::uint16_t>(cq_prod_ - before);
  if (written != 0) notify();
  return written;
}

void ZeroCopyRx::release_quota() {
  const auto cons = static_cast<std::uint16_t>(ctrl::CQ_CONS.get(mem_->at(ring_gpa_, kCtrl)));
  const auto read = static_cast<std::uint16_t>(cons - cq_acked_);
  if (read > static_cast<std::uint16_t>(cq_prod_ - cq_acked_)) {  // beyond what was written
    ++stats_.bad_index;
    return;
  }
  std::uint64_t bytes = 0;
  for (; cq_acked_ != cons; ++cq_acked_) {
    std::uint32_t& q = quota_of_cq_[cq_acked_ & ((1u << log2_) - 1)];
    bytes += q;
    q = 0;
  }
  if (bytes != 0 && cfg_.vport != 0) {
    drv_->release_quota(cfg_.vport, static_cast<std::uint32_t>(bytes));
    stats_.quota_released += bytes;
  }
}

void ZeroCopyRx::take_guest_descriptors() {
  const unsigned n = 1u << log2_;
  const auto prod = static_cast<std::uint16_t>(ctrl::DESC_PROD.get(mem_->at(ring_gpa_, kCtrl)));
  const auto avail = static_cast<std::uint16_t>(prod - desc_cons_);
  if (avail > n) {  // the guest claims more than its ring holds: take nothing
    ++stats_.bad_index;
    return;
  }
  std::atomic_thread_fence(std::memory_order_acquire);
  const std::uint64_t descs = ring_gpa_ + kCtrl;
  for (unsigned k = 0; k < avail; ++k) {
    // Every completion must have room: written and unread ones plus those in flight.
    if (static_cast<std::uint16_t>(cq_prod_ - cq_acked_) + in_flight_ >= n) break;
    const auto slot = static_cast<std::uint16_t>(desc_cons_ & (n - 1));
    if (slot_busy_[slot]) {  // the guest reused a slot whose completion it has not had
      ++stats_.bad_index;
      break;
    }
    // One read of the descriptor: the shim's copy is what is checked and posted.
    const fmt::RxDesc d = fmt::RxDesc::decode(mem_->at(descs + slot * kDesc, kDesc));
    ++desc_cons_;
    ++in_flight_;
    slot_busy_[slot] = true;
    if (std::uint64_t* refused = check(d); refused != nullptr) {
      ++*refused;
      complete(fmt::RxCpl{}, slot, 0);  // length 0: refused
      continue;
    }
    ready_.push_back(Buf{slot, d.buf_addr, d.buf_len});
  }
}

void ZeroCopyRx::post_to_nic() {
  bool any = false;
  while (ready_.size() > cfg_.copy_reserve) {
    const Buf b = ready_.front();
    // Checked when taken: the whole buffer is this guest's memory.
    const std::uint64_t iova = *mem_->iova(b.gpa, b.len);
    if (!rxq_.post_buffer(iova, b.len, b.slot)) break;  // the NIC's ring is full: later
    at_nic_[b.slot] = b;
    ready_.pop_front();
    ++stats_.posted;
    any = true;
  }
  if (any) {
    rxq_.doorbell();
    drv_->flush_writes();  // the buffers are the NIC's when service() returns
  }
}

std::uint64_t* ZeroCopyRx::check(const fmt::RxDesc& d) {
  if (!mem_->contains(d.buf_addr, 1)) return &stats_.refused_outside;
  if (d.buf_len < cfg_.min_buf) return &stats_.refused_short;
  if (!mem_->contains(d.buf_addr, d.buf_len)) return &stats_.refused_overrun;
  // Offsets into the guest's memory: both ranges are inside it, so no sum overflows (a VM may
  // end at 2^64).
  const std::uint64_t b = d.buf_addr - mem_->gpa_base(), r = ring_gpa_ - mem_->gpa_base();
  if (b < r + guest_ring::bytes(log2_) && r < b + d.buf_len) return &stats_.refused_ring;
  return nullptr;
}

void ZeroCopyRx::complete(fmt::RxCpl cpl, std::uint16_t slot, std::uint32_t quota_len) {
  const unsigned n = 1u << log2_;
  const unsigned pos = cq_prod_ & (n - 1);
  cpl.slot = slot;
  cpl.set_phase(phase_of(cq_prod_, log2_));
  const std::uint64_t cq = ring_gpa_ + kCtrl + std::uint64_t{n} * kDesc;
  std::atomic_thread_fence(std::memory_order_release);  // the frame before its completion
  cpl.encode(mem_->at(cq + pos * kCpl, kCpl));
  quota_of_cq_[pos] = quota_len;
  slot_busy_[slot] = false;
  --in_flight_;
  ++cq_prod_;
}

void ZeroCopyRx::notify() {
  const auto c = mem_->at(ring_gpa_, kCtrl);
  if (ctrl::NOTIFY_ENABLE.get(c) == 0) return;
  std::atomic_thread_fence(std::memory_order_release);  // the completions before the flag
  ctrl::NOTIFY.put(c, 1);
  ++stats_.notifications;
  if (on_notify_) on_notify_();
}

bool ZeroCopyRx::deliver_copy(std::span<const std::uint8_t> frame, fmt::RxCpl meta) {
  if (ready_.empty()) {
    ++stats_.copy_no_buffer;
    return false;
  }
  const Buf b = ready_.front();
  if (frame.empty() || frame.size() > b.len || frame.size() > 0xFFFF) {
    ++stats_.copy_too_long;
    return false;
  }
  ready_.pop_front();
  std::memcpy(mem_->at(b.gpa, frame.size()).data(), frame.data(), frame.size());
  ++stats_.frames_copied;
  stats_.host_copy_bytes += frame.size();
  meta.len = static_cast<std::uint16_t>(frame.size());
  complete(meta, b.slot, 0);
  notify();
  return true;
}

}  // namespace nicsim::host
