// SPDX-License-Identifier: MIT
#include "nicsim/model/huge_pages.hpp"

#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace nicsim::model {

void* alloc_huge(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  constexpr std::size_t kLine = 128;  // the slot alignment
  if (bytes < kHuge) {  // a small table (tests): no huge page for it
    void* p = std::aligned_alloc(kLine, (bytes + kLine - 1) / kLine * kLine);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  const std::size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, size);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(p, size, MADV_HUGEPAGE);  // a hint: failure only costs speed
#endif
  return p;
}

void free_huge(void* p) noexcept { std::free(p); }

}  // namespace nicsim::model
