// SPDX-License-Identifier: MIT
// Storage for large tables read at random (the EM table's slots): 2 MiB-aligned and advised
// for transparent huge pages on Linux (THP in `always` or `madvise` mode), so that a random
// lookup does not also miss the TLB. Below 2 MiB, and elsewhere, an ordinary 128-byte-aligned
// allocation. Release with free_huge.
#pragma once

#include <cstddef>

namespace nicsim::model {

[[nodiscard]] void* alloc_huge(std::size_t bytes);
void free_huge(void* p) noexcept;

/// A standard allocator over alloc_huge (e.g. std::vector<T, HugePageAllocator<T>>); T's
/// alignment must not exceed 128.
template <typename T>
struct HugePageAllocator {
  static_assert(alignof(T) <= 128);
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT
  T* allocate(std::size_t n) { return static_cast<T*>(alloc_huge(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { free_huge(p); }
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) = default;
};

}  // namespace nicsim::model
