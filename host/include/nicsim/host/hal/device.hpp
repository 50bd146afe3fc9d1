// SPDX-License-Identifier: MIT
// The hardware abstraction layer: everything the driver needs from a NIC.
//
//   32-bit register access at byte offsets into the NIC's register space (BAR 0),
//   DMA-able host memory with device addresses (IOVA), and interrupt waits.
//
// Backends: `model` (the golden model, untimed; hal/model_device.hpp), `sim` (the Verilated
// RTL inside SystemC) and `vfio` (an FPGA over PCIe: BAR mmap, IOMMU-mapped DMA memory, MSI-X
// through eventfds). The driver only ever sees this interface.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

namespace nicsim::host {

class Device;

/// Failure of the device layer itself (allocation, a backend fault).
class HalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// DMA-able memory: `host` is the CPU view, `iova` the address the device uses. Move-only;
/// the memory returns to its device when the region is destroyed or free()d.
class DmaRegion {
 public:
  DmaRegion() = default;
  DmaRegion(Device* owner, std::span<std::uint8_t> host, std::uint64_t iova)
      : owner_(owner), host_(host), iova_(iova) {}
  DmaRegion(const DmaRegion&) = delete;
  DmaRegion& operator=(const DmaRegion&) = delete;
  DmaRegion(DmaRegion&& o) noexcept
      : owner_(std::exchange(o.owner_, nullptr)),
        host_(std::exchange(o.host_, {})),
        iova_(std::exchange(o.iova_, 0)) {}
  DmaRegion& operator=(DmaRegion&& o) noexcept {
    if (this != &o) {
      free();
      owner_ = std::exchange(o.owner_, nullptr);
      host_ = std::exchange(o.host_, {});
      iova_ = std::exchange(o.iova_, 0);
    }
    return *this;
  }
  ~DmaRegion() { free(); }

  [[nodiscard]] std::span<std::uint8_t> host() const { return host_; }
  [[nodiscard]] std::uint64_t iova() const { return iova_; }
  [[nodiscard]] std::size_t size() const { return host_.size(); }
  [[nodiscard]] bool empty() const { return host_.empty(); }
  [[nodiscard]] std::uint8_t* data() const { return host_.data(); }

  /// Gives the memory back to the device now (idempotent).
  inline void free();

 private:
  Device* owner_ = nullptr;
  std::span<std::uint8_t> host_{};
  std::uint64_t iova_ = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  /// 32-bit register read at byte offset `off` (4-byte aligned) of the register space.
  virtual std::uint32_t read32(std::uint32_t off) = 0;
  /// 32-bit register write.
  virtual void write32(std::uint32_t off, std::uint32_t v) = 0;
  /// `bytes` of zeroed DMA-able memory aligned to `align` (a power of two) in device
  /// address space. Throws HalError when out of memory.
  virtual DmaRegion alloc_dma(std::size_t bytes, std::size_t align) = 0;
  /// Waits up to `timeout` for interrupt `vector`; true if it fired (the pending state is
  /// cleared). Untimed backends answer from the latched state at once.
  virtual bool wait_interrupt(unsigned vector, std::chrono::nanoseconds timeout) = 0;
  /// Backend name and instance ("model", "sim", "vfio:0000:03:00.0").
  [[nodiscard]] virtual std::string name() const = 0;

 protected:
  friend class DmaRegion;
  /// Called once per region by DmaRegion::free(). Default: memory is reclaimed with the
  /// device (arena backends).
  virtual void release_dma(std::span<std::uint8_t> host, std::uint64_t iova) {
    (void)host;
    (void)iova;
  }
};

inline void DmaRegion::free() {
  if (owner_ != nullptr) {
    owner_->release_dma(host_, iova_);
  }
  owner_ = nullptr;
  host_ = {};
  iova_ = 0;
}

}  // namespace nicsim::host
