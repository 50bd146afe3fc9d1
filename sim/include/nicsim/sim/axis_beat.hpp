// SPDX-License-Identifier: MIT
// AXI4-Stream beat types for a DATA_W, matching the port types Verilator gives sim_wire_top in
// SystemC mode (1 bit: bool, up to 32: uint32_t, up to 64: uint64_t, wider: sc_bv), and
// byte packing in AXI4-Stream order (byte 0 in tdata[7:0]).
#pragma once

#include <systemc>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace nicsim::sim {

template <int W>
struct AxisBeat {
  static_assert(W % 32 == 0 && W >= 64, "DATA_W must be a multiple of 32, at least 64");
  static constexpr int kDataW = W;
  static constexpr int kKeepW = W / 8;
  static constexpr std::size_t kBytes = static_cast<std::size_t>(W / 8);
  using data_t = std::conditional_t<(W <= 64), std::uint64_t, sc_dt::sc_bv<W>>;
  using keep_t = std::conditional_t<(kKeepW <= 32), std::uint32_t, std::uint64_t>;

  // tkeep with the low n bits set (1 <= n <= kBytes).
  static keep_t keep_mask(std::size_t n) {
    return n >= kBytes ? static_cast<keep_t>(~keep_t{0} >> (8 * sizeof(keep_t) - kBytes))
                       : static_cast<keep_t>((keep_t{1} << n) - 1);
  }
  static constexpr keep_t full_keep() {
    return static_cast<keep_t>(~keep_t{0} >> (8 * sizeof(keep_t) - kBytes));
  }

  // Writes n bytes (n <= kBytes) into `data`; the bytes above n are zero.
  static void pack(data_t& data, const std::uint8_t* bytes, std::size_t n) {
    if constexpr (std::is_integral_v<data_t>) {
      data_t v = 0;
      std::memcpy(&v, bytes, n);  // little-endian host: byte 0 -> bits [7:0]
      data = v;
    } else {
      constexpr int kWords = W / 32;
      for (int i = 0; i < kWords; ++i) {
        const std::size_t off = static_cast<std::size_t>(i) * 4;
        std::uint32_t w = 0;
        if (off < n) std::memcpy(&w, bytes + off, std::min<std::size_t>(4, n - off));
        data.set_word(i, w);
      }
    }
  }

  // Reads the low n bytes (n <= kBytes) of `data` into `out`.
  static void unpack(const data_t& data, std::uint8_t* out, std::size_t n) {
    if constexpr (std::is_integral_v<data_t>) {
      std::memcpy(out, &data, n);
    } else {
      const int words = static_cast<int>((n + 3) / 4);
      for (int i = 0; i < words; ++i) {
        const std::size_t off = static_cast<std::size_t>(i) * 4;
        const std::uint32_t w = data.get_word(i);
        std::memcpy(out + off, &w, std::min<std::size_t>(4, n - off));
      }
    }
  }
};

}  // namespace nicsim::sim
