// SPDX-License-Identifier: MIT
// Internet checksums (RFC 1071) and their incremental update (RFC 1624).
//
// Conventions: a "sum" is the 16-bit ones-complement sum of big-endian 16-bit words (an odd
// trailing byte is padded with a zero byte); a "checksum" is the complement of a sum, the value
// that goes into a header. The compute functions skip the packet's own checksum field (they treat
// it as zero), so they work on a packet whatever that field holds; the verify functions include
// it and check that the sum is 0xffff.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/bytes.hpp"

namespace nicsim::model {

/// Running ones-complement sum over a sequence of byte ranges. Byte ranges may have odd lengths:
/// the next range continues at the right byte position, as if the ranges were one buffer.
class OnesSum {
 public:
  constexpr OnesSum() = default;
  constexpr explicit OnesSum(std::uint16_t initial) : acc_(initial) {}

  /// Adds bytes; a range that ends on an odd byte leaves the next one starting mid-word.
  OnesSum& add(ByteSpan bytes) noexcept;
  /// Adds one 16-bit word (only at an even byte position).
  constexpr OnesSum& add16(std::uint16_t w) noexcept {
    acc_ += w;
    return *this;
  }
  /// Adds a 32-bit value as two words (only at an even byte position).
  constexpr OnesSum& add32(std::uint32_t w) noexcept {
    acc_ += (w >> 16) + (w & 0xffff);
    return *this;
  }

  /// The folded 16-bit sum.
  [[nodiscard]] constexpr std::uint16_t sum() const noexcept {
    std::uint64_t s = acc_;
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(s);
  }
  /// The complement of sum(): the value to store in a checksum field.
  [[nodiscard]] constexpr std::uint16_t checksum() const noexcept {
    return static_cast<std::uint16_t>(~sum());
  }

 private:
  std::uint64_t acc_ = 0;
  bool odd_ = false;  // the next byte is the low byte of a word
};

/// OnesSum().add(bytes).sum(): the folded sum of bytes (an odd last byte padded with a zero).
[[nodiscard]] std::uint16_t ones_sum(ByteSpan bytes) noexcept;

/// ones_sum() of n bytes at p, n a multiple of 4, inline: for short headers on a per-packet path
/// (an IPv4 header, a pseudo-header's addresses), where ones_sum's call and its vector set-up
/// cost more than the sum. Native 32-bit words, folded, the two bytes swapped on a little-endian
/// host (RFC 1071 byte-order independence).
[[nodiscard]] inline std::uint16_t ones_sum_short(const std::uint8_t* p, std::size_t n) noexcept {
  OnesSum a;
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint32_t w = 0;
    std::memcpy(&w, p + i, 4);
    a.add32(w);
  }
  auto s = a.sum();
  if constexpr (std::endian::native == std::endian::little)
    s = static_cast<std::uint16_t>((s >> 8) | (s << 8));
  return s;
}

/// Ones-complement checksum of bytes (RFC 1071): ~sum(bytes).
[[nodiscard]] std::uint16_t internet_checksum(ByteSpan bytes) noexcept;

/// IPv4 header checksum of a header (IHL*4 bytes); the checksum field (bytes 10..11) is skipped.
[[nodiscard]] std::uint16_t ipv4_header_checksum(ByteSpan header) noexcept;
/// True when the header, checksum field included, sums to 0xffff.
[[nodiscard]] bool ipv4_header_checksum_ok(ByteSpan header) noexcept;

/// Sum of the IPv4 pseudo-header (src, dst, zero, protocol, upper-layer length).
[[nodiscard]] std::uint16_t pseudo_header_sum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                                              std::uint32_t length) noexcept;
/// Sum of the IPv6 pseudo-header (src, dst, 32-bit upper-layer length, next header).
[[nodiscard]] std::uint16_t pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst,
                                              std::uint8_t next_header,
                                              std::uint32_t length) noexcept;

/// Checksum of an upper-layer segment behind a pseudo-header sum, skipping the segment's
/// checksum field at csum_offset (the field must lie inside the segment).
[[nodiscard]] std::uint16_t l4_checksum(std::uint16_t pseudo_sum, ByteSpan segment,
                                        std::size_t csum_offset) noexcept;

// Per-protocol helpers. The segment is the whole upper-layer packet (header and payload).
// UDP never yields 0 (0 means "no checksum" in UDP over IPv4): a computed 0 becomes 0xffff.

[[nodiscard]] std::uint16_t tcp_checksum(Ipv4Addr src, Ipv4Addr dst, ByteSpan segment) noexcept;
[[nodiscard]] std::uint16_t tcp_checksum(const Ipv6Addr& src, const Ipv6Addr& dst,
                                         ByteSpan segment) noexcept;
[[nodiscard]] std::uint16_t udp_checksum(Ipv4Addr src, Ipv4Addr dst, ByteSpan datagram) noexcept;
[[nodiscard]] std::uint16_t udp_checksum(const Ipv6Addr& src, const Ipv6Addr& dst,
                                         ByteSpan datagram) noexcept;
/// ICMP (over IPv4): plain checksum of the message, no pseudo-header.
[[nodiscard]] std::uint16_t icmp_checksum(ByteSpan message) noexcept;
/// ICMPv6: with the IPv6 pseudo-header (next header 58).
[[nodiscard]] std::uint16_t icmpv6_checksum(const Ipv6Addr& src, const Ipv6Addr& dst,
                                            ByteSpan message) noexcept;

/// True when pseudo-header plus segment (checksum field included) sums to 0xffff.
[[nodiscard]] bool l4_checksum_ok(std::uint16_t pseudo_sum, ByteSpan segment) noexcept;

/// RFC 1624 eqn. 3 incremental update, HC' = ~(~HC + ~m + m'), for a 16-bit field that changed
/// from old_word to new_word. Never produces -0 where a full recompute gives +0.
[[nodiscard]] constexpr std::uint16_t checksum_update16(std::uint16_t hc, std::uint16_t old_word,
                                                        std::uint16_t new_word) noexcept {
  return OnesSum(static_cast<std::uint16_t>(~hc))
      .add16(static_cast<std::uint16_t>(~old_word))
      .add16(new_word)
      .checksum();
}

/// The same for an aligned 32-bit field (e.g. an IPv4 address).
[[nodiscard]] constexpr std::uint16_t checksum_update32(std::uint16_t hc, std::uint32_t old_value,
                                                        std::uint32_t new_value) noexcept {
  return OnesSum(static_cast<std::uint16_t>(~hc)).add32(~old_value).add32(new_value).checksum();
}

/// The same for any even-length aligned field (e.g. a 16-byte IPv6 address). The spans must have
/// the same, even, length.
[[nodiscard]] std::uint16_t checksum_update(std::uint16_t hc, ByteSpan old_bytes,
                                            ByteSpan new_bytes) noexcept;

}  // namespace nicsim::model
