// SPDX-License-Identifier: MIT
// The `model` HAL backend: the golden model's register-accurate NicDevice with its host
// memory, behind the Device interface.
//
// The driver sees only Device. The simulation glue and tests also use the wire side
// (wire_rx, wire_tx, advance), which belongs to the simulated world, not to the host.
//
// Untimed: a doorbell executes the posted work before write32() returns and a wire frame is
// processed inside wire_rx(); time moves only through advance() (interrupt moderation timers,
// meters). wait_interrupt() therefore never blocks: it answers from the latched pending state
// at once, whatever the timeout.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "nicsim/host/hal/device.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"

namespace nicsim::host {

class ModelDevice final : public Device {
 public:
  explicit ModelDevice(const model::DeviceConfig& cfg = {});
  ~ModelDevice() override;

  // --- Device ---
  std::uint32_t read32(std::uint32_t off) override;
  void write32(std::uint32_t off, std::uint32_t v) override;
  DmaRegion alloc_dma(std::size_t bytes, std::size_t align) override;
  bool wait_interrupt(unsigned vector, std::chrono::nanoseconds timeout) override;
  [[nodiscard]] std::string name() const override { return "model"; }

  // --- the simulated world (glue and tests; never the driver) ---
  void wire_rx(std::span<const std::uint8_t> frame) { nic_->wire_rx(frame); }
  std::optional<model::Frame> wire_tx() { return nic_->wire_tx(); }
  void advance(std::uint64_t cycles) { nic_->advance(cycles); }
  [[nodiscard]] std::uint64_t now() const { return nic_->now(); }
  [[nodiscard]] model::NicDevice& nic() { return *nic_; }
  [[nodiscard]] model::HostMemory& memory() { return *mem_; }

  /// Register accesses so far (for benchmarks: MMIO is what costs on hardware).
  [[nodiscard]] std::uint64_t mmio_reads() const { return reads_; }
  [[nodiscard]] std::uint64_t mmio_writes() const { return writes_; }
  /// Bytes handed out by alloc_dma and not yet freed.
  [[nodiscard]] std::uint64_t dma_bytes_live() const { return dma_live_; }

 protected:
  void release_dma(std::span<std::uint8_t> host, std::uint64_t iova) override;

 private:
  std::unique_ptr<model::HostMemory> mem_;
  std::unique_ptr<model::NicDevice> nic_;
  std::uint64_t reads_ = 0, writes_ = 0, dma_live_ = 0;
};

}  // namespace nicsim::host
