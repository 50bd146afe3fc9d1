// SPDX-License-Identifier: MIT
// Bit and byte access to the signals of a Verilated model, whatever their C++ type: an integer
// (CData, SData, IData, QData: up to 64 bits) or a VlWide<N> (N 32-bit words, bit i in word
// i / 32). Positions count from bit 0 of the SystemVerilog vector, so the field [lsb +: width]
// of a packed struct, or port p of a packed port array, is get_bits(sig, lsb, width):
//
//   get_bits(m.m_desc, 16, 64)                 // dp_desc_t.ts
//   put_bits(m.s_axis_tvalid, 2, 1, 1)         // tvalid of port 2 of a packed array
//   put_bytes(m.s_cmd_action, 0, action)       // byte i at [8i +: 8] (data lanes, records)
//   put_bytes_msb(m.s_cmd_key, 0, key)         // byte 0 most significant (keys)
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

namespace nicsim::bench {

/// Bits and bytes of a Verilated signal type (a VlWide<N> holds N 32-bit words).
template <class T>
constexpr unsigned sig_bits() {
  return static_cast<unsigned>(8 * sizeof(T));
}
template <class T>
constexpr unsigned sig_bytes() {
  return static_cast<unsigned>(sizeof(T));
}

constexpr std::uint64_t low_mask(unsigned width) {
  return width >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << width) - 1);
}

/// A whole integer signal from v (converted to the signal's type).
template <class T, class U>
void put(T& sig, U v) {
  static_assert(std::is_integral_v<T>, "put(): an integer signal (VlWide: put_bits)");
  sig = static_cast<T>(v);
}

/// Bits [lsb, lsb + width) of sig, width <= 64.
template <class T>
std::uint64_t get_bits(const T& sig, unsigned lsb, unsigned width) {
  if constexpr (std::is_integral_v<T>) {
    return lsb >= 64 ? 0 : (static_cast<std::uint64_t>(sig) >> lsb) & low_mask(width);
  } else {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < width;) {
      const unsigned b = lsb + i, sh = b % 32;
      v |= static_cast<std::uint64_t>(sig[b / 32] >> sh) << i;
      i += std::min(32 - sh, width - i);
    }
    return v & low_mask(width);
  }
}

/// Sets bits [lsb, lsb + width) of sig to the low bits of v (width <= 64); the others keep.
template <class T>
void put_bits(T& sig, unsigned lsb, unsigned width, std::uint64_t v) {
  if constexpr (std::is_integral_v<T>) {
    const std::uint64_t m = low_mask(width) << lsb;
    sig = static_cast<T>((static_cast<std::uint64_t>(sig) & ~m) | ((v << lsb) & m));
  } else {
    for (unsigned i = 0; i < width;) {
      const unsigned b = lsb + i, sh = b % 32, n = std::min(32 - sh, width - i);
      const auto m = static_cast<std::uint32_t>(low_mask(n) << sh);
      sig[b / 32] = (sig[b / 32] & ~m) | (static_cast<std::uint32_t>((v >> i) << sh) & m);
      i += n;
    }
  }
}

template <class T>
bool get_bit(const T& sig, unsigned bit) {
  return get_bits(sig, bit, 1) != 0;
}
template <class T>
void put_bit(T& sig, unsigned bit, bool v) {
  put_bits(sig, bit, 1, v ? 1 : 0);
}

/// All bits of sig to zero.
template <class T>
void clear(T& sig) {
  if constexpr (std::is_integral_v<T>) {
    sig = 0;
  } else {
    for (unsigned w = 0; w < sizeof(T) / 4; ++w) sig[w] = 0;
  }
}

/// Byte i of sig (bits [8i +: 8]).
template <class T>
std::uint8_t get_byte(const T& sig, unsigned i) {
  return static_cast<std::uint8_t>(get_bits(sig, 8 * i, 8));
}
template <class T>
void put_byte(T& sig, unsigned i, std::uint8_t v) {
  put_bits(sig, 8 * i, 8, v);
}

/// Bytes in lane order from bit lsb: bytes[i] at [lsb + 8i +: 8] (data lanes, action records).
template <class T>
void put_bytes(T& sig, unsigned lsb, std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  if constexpr (!std::is_integral_v<T>) {
    if (lsb % 32 == 0) {  // whole words at once
      for (; i + 4 <= bytes.size(); i += 4)
        sig[(lsb + 8 * static_cast<unsigned>(i)) / 32] =
            std::uint32_t{bytes[i]} | std::uint32_t{bytes[i + 1]} << 8 |
            std::uint32_t{bytes[i + 2]} << 16 | std::uint32_t{bytes[i + 3]} << 24;
    }
  }
  for (; i < bytes.size(); ++i) put_bits(sig, lsb + 8 * static_cast<unsigned>(i), 8, bytes[i]);
}
template <class T>
void get_bytes(const T& sig, unsigned lsb, std::span<std::uint8_t> bytes) {
  std::size_t i = 0;
  if constexpr (!std::is_integral_v<T>) {
    if (lsb % 32 == 0) {  // whole words at once
      for (; i + 4 <= bytes.size(); i += 4) {
        const std::uint32_t w = sig[(lsb + 8 * static_cast<unsigned>(i)) / 32];
        for (unsigned k = 0; k < 4; ++k) bytes[i + k] = static_cast<std::uint8_t>(w >> (8 * k));
      }
    }
  }
  for (; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(get_bits(sig, lsb + 8 * static_cast<unsigned>(i), 8));
}

/// A field of bytes.size() bytes at [lsb +: 8 * size] with byte 0 the most significant, as a
/// SystemVerilog byte array or a key written first byte first: bytes[i] at
/// [lsb + 8 * (size - 1 - i) +: 8].
template <class T>
void put_bytes_msb(T& sig, unsigned lsb, std::span<const std::uint8_t> bytes) {
  const auto n = static_cast<unsigned>(bytes.size());
  for (unsigned i = 0; i < n; ++i) put_bits(sig, lsb + 8 * (n - 1 - i), 8, bytes[i]);
}
template <class T>
void get_bytes_msb(const T& sig, unsigned lsb, std::span<std::uint8_t> bytes) {
  const auto n = static_cast<unsigned>(bytes.size());
  for (unsigned i = 0; i < n; ++i)
    bytes[i] = static_cast<std::uint8_t>(get_bits(sig, lsb + 8 * (n - 1 - i), 8));
}

/// The same as arrays of N bytes.
template <std::size_t N, class T>
std::array<std::uint8_t, N> get_bytes(const T& sig, unsigned lsb) {
  std::array<std::uint8_t, N> b{};
  get_bytes(sig, lsb, b);
  return b;
}
template <std::size_t N, class T>
std::array<std::uint8_t, N> get_bytes_msb(const T& sig, unsigned lsb) {
  std::array<std::uint8_t, N> b{};
  get_bytes_msb(sig, lsb, b);
  return b;
}

}  // namespace nicsim::bench
