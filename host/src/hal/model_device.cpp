// SPDX-License-Identifier: MIT
#include "nicsim/host/hal/model_device.hpp"

#include <stdexcept>

namespace nicsim::host {

ModelDevice::ModelDevice(const model::DeviceConfig& cfg)
    : mem_(std::make_unique<model::HostMemory>()),
      nic_(std::make_unique<model::NicDevice>(cfg, *mem_)) {}

ModelDevice::~ModelDevice() = default;

std::uint32_t ModelDevice::read32(std::uint32_t off) {
  ++reads_;
  return nic_->read32(off);
}

void ModelDevice::write32(std::uint32_t off, std::uint32_t v) {
  ++writes_;
  nic_->write32(off, v);
}

DmaRegion ModelDevice::alloc_dma(std::size_t bytes, std::size_t align) {
  try {
    const auto r = mem_->allocate(bytes, align);
    dma_live_ += r.host.size();
    return DmaRegion(this, r.host, r.dev_addr);
  } catch (const std::exception& e) {
    throw HalError(std::string("model: alloc_dma(") + std::to_string(bytes) + "): " + e.what());
  }
}

void ModelDevice::release_dma(std::span<std::uint8_t> host, std::uint64_t /*iova*/) {
  // HostMemory is an arena: the address range is not reused; the accounting is.
  dma_live_ -= host.size();
}

bool ModelDevice::wait_interrupt(unsigned vector, std::chrono::nanoseconds /*timeout*/) {
  return nic_->take_interrupt(vector);
}

}  // namespace nicsim::host
