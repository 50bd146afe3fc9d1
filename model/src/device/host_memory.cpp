// SPDX-License-Identifier: MIT
#include "nicsim/model/device/host_memory.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

HostMemory::Region HostMemory::allocate(std::size_t bytes, std::size_t align) {
  if (align == 0) align = 64;
  if ((align & (align - 1)) != 0) throw std::invalid_argument("HostMemory: alignment not a power of two");
  const std::uint64_t a = static_cast<std::uint64_t>(align);
  const std::uint64_t base = (next_alloc_ + a - 1) & ~(a - 1);
  const std::size_t size = std::max<std::size_t>(bytes, 1);
  if (!in_range(base, size)) throw std::length_error("HostMemory: device address space exhausted");
  Block block{std::make_unique<std::uint8_t[]>(size), size};  // value-initialised: zeros
  std::uint8_t* p = block.data.get();
  regions_.emplace(base, std::move(block));
  // Keep a gap so neighbouring regions never touch (an overrun lands in stray pages instead).
  next_alloc_ = base + size + 64;
  return Region{base, std::span<std::uint8_t>(p, bytes)};
}

template <typename Fn>
void HostMemory::for_each_chunk(std::uint64_t addr, std::size_t len, bool create, Fn&& fn) {
  std::size_t done = 0;
  while (done < len) {
    const std::uint64_t a = addr + done;
    std::size_t chunk = len - done;
    // A region containing a?
    auto it = regions_.upper_bound(a);
    if (it != regions_.begin()) {
      auto prev = std::prev(it);
      if (a < prev->first + prev->second.size) {
        const std::size_t off = static_cast<std::size_t>(a - prev->first);
        chunk = std::min(chunk, prev->second.size - off);
        fn(prev->second.data.get() + off, chunk, done);
        done += chunk;
        continue;
      }
    }
    // Stray memory: up to the end of the page or the next region, whichever comes first.
    const std::uint64_t page = a / kPageSize;
    const std::size_t page_off = static_cast<std::size_t>(a % kPageSize);
    chunk = std::min(chunk, kPageSize - page_off);
    if (it != regions_.end()) chunk = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, it->first - a));
    auto pit = pages_.find(page);
    std::uint8_t* p = nullptr;
    if (pit != pages_.end()) {
      p = pit->second.get();
    } else if (create) {
      p = pages_.emplace(page, std::make_unique<std::uint8_t[]>(kPageSize)).first->second.get();
    }
    fn(p == nullptr ? nullptr : p + page_off, chunk, done);
    done += chunk;
  }
}

bool HostMemory::read(std::uint64_t addr, std::span<std::uint8_t> out) {
  if (!in_range(addr, out.size())) {
    ++errors_;
    std::fill(out.begin(), out.end(), std::uint8_t{0});
    return false;
  }
  for_each_chunk(addr, out.size(), false, [&](const std::uint8_t* p, std::size_t n, std::size_t at) {
    if (p == nullptr)
      std::memset(out.data() + at, 0, n);
    else
      std::memcpy(out.data() + at, p, n);
  });
  return true;
}

bool HostMemory::write(std::uint64_t addr, std::span<const std::uint8_t> in) {
  if (!in_range(addr, in.size())) {
    ++errors_;
    return false;
  }
  for_each_chunk(addr, in.size(), true, [&](std::uint8_t* p, std::size_t n, std::size_t at) {
    std::memcpy(p, in.data() + at, n);
  });
  return true;
}

namespace {
template <std::size_t N>
std::uint64_t load_le(const std::array<std::uint8_t, N>& b) {
  return fmt::load_le(b.data(), N);
}
template <std::size_t N>
std::array<std::uint8_t, N> store_le(std::uint64_t v) {
  std::array<std::uint8_t, N> b{};
  fmt::store_le(b.data(), v, N);
  return b;
}
}  // namespace

std::uint8_t HostMemory::read8(std::uint64_t addr) {
  std::array<std::uint8_t, 1> b{};
  read(addr, b);
  return b[0];
}
std::uint16_t HostMemory::read16(std::uint64_t addr) {
  std::array<std::uint8_t, 2> b{};
  read(addr, b);
  return static_cast<std::uint16_t>(load_le(b));
}
std::uint32_t HostMemory::read32(std::uint64_t addr) {
  std::array<std::uint8_t, 4> b{};
  read(addr, b);
  return static_cast<std::uint32_t>(load_le(b));
}
std::uint64_t HostMemory::read64(std::uint64_t addr) {
  std::array<std::uint8_t, 8> b{};
  read(addr, b);
  return load_le(b);
}
void HostMemory::write8(std::uint64_t addr, std::uint8_t v) { write(addr, store_le<1>(v)); }
void HostMemory::write16(std::uint64_t addr, std::uint16_t v) { write(addr, store_le<2>(v)); }
void HostMemory::write32(std::uint64_t addr, std::uint32_t v) { write(addr, store_le<4>(v)); }
void HostMemory::write64(std::uint64_t addr, std::uint64_t v) { write(addr, store_le<8>(v)); }

}  // namespace nicsim::model
