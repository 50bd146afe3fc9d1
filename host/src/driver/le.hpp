// SPDX-License-Identifier: MIT
// Little-endian (host memory structures) and big-endian (packet/key bytes) accessors.
#pragma once

#include <cstdint>

namespace nicsim::host::detail {

inline void put_le(std::uint8_t* p, std::uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint64_t get_le(const std::uint8_t* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}
inline void put_be(std::uint8_t* p, std::uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint64_t get_be(const std::uint8_t* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace nicsim::host::detail
