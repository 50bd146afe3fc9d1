// SPDX-License-Identifier: MIT
// Host memory as the NIC sees it: a sparse 64-bit device address space (48 bits used).
//
// Two kinds of backing:
//   - regions from allocate(): contiguous in host memory too, so the host stack can build
//     descriptors and frames through the returned span while the device reads them by address;
//   - 4 KiB pages allocated on the first write to any other address (stray DMA).
// Never-written memory reads as zeros. An access that does not fit below 2^48 is not performed
// (reads give zeros) and is counted in errors(): the device reports it, it never crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>

namespace nicsim::model {

class HostMemory {
 public:
  /// Device addresses are 48 bits wide.
  static constexpr std::uint64_t kAddrLimit = std::uint64_t{1} << 48;
  static constexpr std::size_t kPageSize = 4096;
  /// allocate() hands out addresses from here up (below it only stray pages).
  static constexpr std::uint64_t kAllocBase = std::uint64_t{1} << 32;

  struct Region {
    std::uint64_t dev_addr = 0;
    std::span<std::uint8_t> host{};
  };

  HostMemory() = default;
  HostMemory(const HostMemory&) = delete;
  HostMemory& operator=(const HostMemory&) = delete;
  HostMemory(HostMemory&&) noexcept = default;
  HostMemory& operator=(HostMemory&&) noexcept = default;
  ~HostMemory() = default;

  /// A zeroed region of `bytes` bytes whose device address is a multiple of `align` (a power of
  /// two; 0 means 64). Throws std::invalid_argument for a bad alignment, std::length_error when
  /// the address space is exhausted.
  Region allocate(std::size_t bytes, std::size_t align = 64);

  /// Copies [addr, addr + out.size()) into out. False (and out zeroed) when out of range.
  bool read(std::uint64_t addr, std::span<std::uint8_t> out);
  /// Copies in to [addr, addr + in.size()). False (nothing written) when out of range.
  bool write(std::uint64_t addr, std::span<const std::uint8_t> in);

  std::uint8_t read8(std::uint64_t addr);
  std::uint16_t read16(std::uint64_t addr);  // little-endian
  std::uint32_t read32(std::uint64_t addr);
  std::uint64_t read64(std::uint64_t addr);
  void write8(std::uint64_t addr, std::uint8_t v);
  void write16(std::uint64_t addr, std::uint16_t v);
  void write32(std::uint64_t addr, std::uint32_t v);
  void write64(std::uint64_t addr, std::uint64_t v);

  /// Accesses refused because they did not fit in the address space.
  [[nodiscard]] std::uint64_t errors() const noexcept { return errors_; }
  /// Stray pages allocated so far (for tests and statistics).
  [[nodiscard]] std::size_t stray_pages() const noexcept { return pages_.size(); }

 private:
  struct Block {
    std::unique_ptr<std::uint8_t[]> data;
    std::size_t size = 0;
  };
  using Page = std::unique_ptr<std::uint8_t[]>;

  [[nodiscard]] static bool in_range(std::uint64_t addr, std::size_t len) noexcept {
    return addr < kAddrLimit && len <= kAddrLimit - addr;
  }
  /// Calls fn(pointer or nullptr, chunk length, offset in the span) for each piece of the range;
  /// a nullptr is unbacked memory (reads zero); with create, pages are allocated instead.
  template <typename Fn>
  void for_each_chunk(std::uint64_t addr, std::size_t len, bool create, Fn&& fn);

  std::map<std::uint64_t, Block> regions_{};  // by device address
  std::unordered_map<std::uint64_t, Page> pages_{};  // by page number
  std::uint64_t next_alloc_ = kAllocBase;
  std::uint64_t errors_ = 0;
};

}  // namespace nicsim::model
