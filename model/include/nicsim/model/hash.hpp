// SPDX-License-Identifier: MIT
// The NIC's hash functions (spec sections 4.1 and 6): CRC-32C (h1) and CRC-32 (h2) over the flow
// key, and the Toeplitz hash of RSS.
//
// The CRCs are table-driven (slicing by 8, constant tables built at compile time). Toeplitz has a
// bit-serial reference (toeplitz_hash) and ToeplitzHasher for the hot path (a carry-less multiply
// per 8 input bytes where the CPU has one, else a per-key byte table).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nicsim/model/bytes.hpp"

namespace nicsim::model {

/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78 (0x1EDC6F41), init and final XOR ~0.
/// Uses the SSE4.2 crc32 instruction when the CPU has it (crc32c_table is the portable path).
[[nodiscard]] std::uint32_t crc32c(ByteSpan bytes) noexcept;
[[nodiscard]] std::uint32_t crc32c_table(ByteSpan bytes) noexcept;
/// crc32c of exactly 42 bytes (a flow key, h1): the same value, without the length loops.
[[nodiscard]] std::uint32_t crc32c_42(const std::uint8_t* bytes) noexcept;
/// CRC-32 (IEEE 802.3): reflected polynomial 0xEDB88320 (0x04C11DB7), init and final XOR ~0.
[[nodiscard]] std::uint32_t crc32(ByteSpan bytes) noexcept;

/// Both at once (one pass over the bytes): first = crc32c, second = crc32.
struct CrcPair {
  std::uint32_t h1 = 0;
  std::uint32_t h2 = 0;
};
[[nodiscard]] CrcPair crc32c_and_crc32(ByteSpan bytes) noexcept;

/// RSS key length (spec section 6).
inline constexpr std::size_t kToeplitzKeyBytes = 40;
/// Longest RSS hash input: IPv6 addresses and ports.
inline constexpr std::size_t kToeplitzMaxInput = 36;
using ToeplitzKey = std::array<std::uint8_t, kToeplitzKeyBytes>;

/// Bit-serial Toeplitz hash (Microsoft RSS): for each input bit, most significant bit of the
/// first byte first, XOR in the 32-bit key window starting at that bit. input.size() <= 36.
[[nodiscard]] std::uint32_t toeplitz_hash(const ToeplitzKey& key, ByteSpan input) noexcept;

/// The same hash, fast. With a carry-less multiply (x86-64 PCLMULQDQ): the contribution of 8
/// input bytes X (big-endian, the first input bit in bit 63) is bits 63..94 of clmul(X, W), W the
/// 96 key bits from the chunk's first bit position with key bit p+s in bit s, bit-reversed once per
/// hash; per key only those windows (5 x 96 bits) are kept. Without one: the 32-bit contribution
/// of each byte value at each input position (36 * 256 words, built per key).
class ToeplitzHasher {
 public:
  ToeplitzHasher() noexcept { set_key(ToeplitzKey{}); }
  /// force_table: the byte table even where the CPU multiplies (tests of both ways).
  explicit ToeplitzHasher(const ToeplitzKey& key, bool force_table = false) noexcept
      : force_table_(force_table) {
    set_key(key);
  }

  void set_key(const ToeplitzKey& key) noexcept;
  [[nodiscard]] const ToeplitzKey& key() const noexcept { return key_; }

  /// input.size() <= kToeplitzMaxInput.
  [[nodiscard]] std::uint32_t hash(ByteSpan input) const noexcept { return hash(input, {}); }
  /// The hash of head followed by tail (head.size() + tail.size() <= kToeplitzMaxInput): RSS
  /// hashes a frame's addresses and ports in place.
  [[nodiscard]] std::uint32_t hash(ByteSpan head, ByteSpan tail) const noexcept;

  /// This CPU has the carry-less multiply (the byte table is then built only when forced).
  [[nodiscard]] static bool clmul_available() noexcept;

 private:
  static constexpr std::size_t kChunks = (kToeplitzMaxInput + 7) / 8;
  ToeplitzKey key_{};
  bool force_table_ = false;
  std::array<std::uint64_t, kChunks> win_lo_{};  // key bits 64c .. 64c+63 of chunk c
  std::array<std::uint32_t, kChunks> win_hi_{};  // key bits 64c+64 .. 64c+95
  std::vector<std::array<std::uint32_t, 256>> table_;  // without the multiply only
};

}  // namespace nicsim::model
