// SPDX-License-Identifier: MIT
// The NIC's hash functions (spec sections 4.1 and 6): CRC-32C (h1) and CRC-32 (h2) over the flow
// key, and the Toeplitz hash of RSS.
//
// The CRCs are table-driven (slicing by 8, constant tables built at compile time). Toeplitz has a
// bit-serial reference (toeplitz_hash) and a per-key byte table (ToeplitzTable) for the hot path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

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

/// The same hash from a table of the 32-bit contributions of each byte value at each input
/// position (36 * 256 words, built once per key).
class ToeplitzTable {
 public:
  ToeplitzTable() = default;
  explicit ToeplitzTable(const ToeplitzKey& key) noexcept { set_key(key); }

  void set_key(const ToeplitzKey& key) noexcept;
  [[nodiscard]] const ToeplitzKey& key() const noexcept { return key_; }

  /// input.size() <= kToeplitzMaxInput.
  [[nodiscard]] std::uint32_t hash(ByteSpan input) const noexcept {
    std::uint32_t h = 0;
    for (std::size_t i = 0; i < input.size(); ++i) h ^= table_[i][input[i]];
    return h;
  }
  /// The contribution of n input bytes p[0..n) at input positions pos..pos+n (pos + n <=
  /// kToeplitzMaxInput): the hash of an input is the XOR of the contributions of its pieces.
  [[nodiscard]] std::uint32_t hash_part(std::size_t pos, const std::uint8_t* p,
                                        std::size_t n) const noexcept {
    std::uint32_t h = 0;
    for (std::size_t i = 0; i < n; ++i) h ^= table_[pos + i][p[i]];
    return h;
  }

 private:
  ToeplitzKey key_{};
  std::array<std::array<std::uint32_t, 256>, kToeplitzMaxInput> table_{};
};

}  // namespace nicsim::model
