// SPDX-License-Identifier: MIT
// RegisterBus: 32-bit register access to the NIC's control interface (AXI4-Lite).
// Free of SystemC so host-side code can take it; in simulation each access costs
// simulated clock cycles (see AxilMaster).
#pragma once

#include <cstdint>
#include <stdexcept>

namespace nicsim::sim {

// A register access that failed on the bus: an error response or no response in time.
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RegisterBus {
 public:
  virtual ~RegisterBus() = default;
  // Byte address; must be 4-byte aligned. Throws BusError.
  virtual std::uint32_t read32(std::uint32_t addr) = 0;
  virtual void write32(std::uint32_t addr, std::uint32_t data) = 0;
  // A 64-bit counter: low word first (latches the high word), then the high word.
  std::uint64_t read64(std::uint32_t lo_addr) {
    const std::uint64_t lo = read32(lo_addr);
    const std::uint64_t hi = read32(lo_addr + 4);
    return (hi << 32) | lo;
  }
};

}  // namespace nicsim::sim
