// SPDX-License-Identifier: MIT
#include "nicsim/model/checksum.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace nicsim::model {

namespace {

/// The last 32 - r bytes of a 32-byte load ending at the tail cleared: kTailMask + r, r < 32.
alignas(64) constexpr std::uint8_t kTailMask[64] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/// Folded ones-complement sum of n bytes (n even) as big-endian 16-bit words. The sum does not
/// depend on byte order (RFC 1071 2.(B)): it adds native 16-bit words, 32 bytes at a time in
/// 32-bit vector lanes (the low and the high word of each lane kept apart, so no carry is lost),
/// folds, and swaps the two bytes on a little-endian host. From 32 bytes on, the last partial
/// block is one 32-byte load ending at the last byte with the bytes already added masked off
/// (no loop with a data-dependent exit for the tail); shorter inputs go 4 bytes at a time.
/// Compiled twice on x86-64 (AVX2 and baseline SSE2), chosen once at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
std::uint16_t sum_words(const std::uint8_t* p, std::size_t n) noexcept {
  using U32x8 = std::uint32_t __attribute__((vector_size(32)));
  std::uint64_t a = 0;
  if (n >= 32) {
    const std::uint8_t* const end = p + n;
    const std::size_t rem = n % 32;  // even
    std::size_t blocks = n / 32;
    while (blocks > 0) {
      // A lane gains at most 0xFFFF per step: flush well before 2^16 steps (one step is kept
      // for the tail).
      std::size_t steps = std::min<std::size_t>(blocks, 4095);
      blocks -= steps;
      U32x8 lo{};
      U32x8 hi{};
      for (; steps > 0; --steps, p += 32) {
        U32x8 v;
        std::memcpy(&v, p, 32);
        lo += v & 0xFFFFu;
        hi += v >> 16;
      }
      if (blocks == 0) {  // the tail: zero when rem is 0 (the mask clears all 32 bytes)
        U32x8 v;
        U32x8 m;
        std::memcpy(&v, end - 32, 32);
        std::memcpy(&m, kTailMask + rem, 32);
        v &= m;
        lo += v & 0xFFFFu;
        hi += v >> 16;
      }
      U32x8 t = lo + hi;  // each lane below 2^29, their sum below 2^32: no overflow
      t += __builtin_shufflevector(t, t, 4, 5, 6, 7, 0, 1, 2, 3);
      t += __builtin_shufflevector(t, t, 2, 3, 0, 1, 6, 7, 4, 5);
      t += __builtin_shufflevector(t, t, 1, 0, 3, 2, 5, 4, 7, 6);
      a += t[0];
    }
  } else {
    for (; n >= 4; n -= 4, p += 4) {
      std::uint32_t w = 0;
      std::memcpy(&w, p, 4);
      a += w;
    }
    if (n >= 2) {
      std::uint16_t w = 0;
      std::memcpy(&w, p, 2);
      a += w;
    }
  }
  // Fold to 16 bits without a loop: below 2^33, 2^18, 2^16 + 4, 2^16.
  a = (a & 0xFFFFFFFFu) + (a >> 32);
  a = (a & 0xFFFF) + (a >> 16);
  a = (a & 0xFFFF) + (a >> 16);
  a = (a & 0xFFFF) + (a >> 16);
  auto s = static_cast<std::uint16_t>(a);
  if constexpr (std::endian::native == std::endian::little)
    s = static_cast<std::uint16_t>((s >> 8) | (s << 8));
  return s;
}

}  // namespace

OnesSum& OnesSum::add(ByteSpan bytes) noexcept {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  if (odd_ && n > 0) {
    acc_ += bytes[0];
    odd_ = false;
    i = 1;
  }
  const std::size_t words = (n - i) & ~std::size_t{1};
  acc_ += sum_words(bytes.data() + i, words);
  i += words;
  if (i < n) {
    acc_ += std::uint64_t{bytes[i]} << 8;
    odd_ = true;
  }
  return *this;
}

std::uint16_t ones_sum(ByteSpan bytes) noexcept {
  const std::size_t even = bytes.size() & ~std::size_t{1};
  std::uint64_t a = sum_words(bytes.data(), even);
  if (even < bytes.size()) a += std::uint64_t{bytes[even]} << 8;
  while ((a >> 16) != 0) a = (a & 0xFFFF) + (a >> 16);
  return static_cast<std::uint16_t>(a);
}

std::uint16_t internet_checksum(ByteSpan bytes) noexcept { return OnesSum().add(bytes).checksum(); }

std::uint16_t ipv4_header_checksum(ByteSpan header) noexcept {
  if (header.size() < 12) return OnesSum().add(header).checksum();
  return OnesSum().add(header.first(10)).add(header.subspan(12)).checksum();
}

bool ipv4_header_checksum_ok(ByteSpan header) noexcept {
  return OnesSum().add(header).sum() == 0xffff;
}

std::uint16_t pseudo_header_sum(Ipv4Addr src, Ipv4Addr dst, std::uint8_t proto,
                                std::uint32_t length) noexcept {
  return OnesSum().add32(src.value()).add32(dst.value()).add16(proto).add32(length).sum();
}

std::uint16_t pseudo_header_sum(const Ipv6Addr& src, const Ipv6Addr& dst, std::uint8_t next_header,
                                std::uint32_t length) noexcept {
  return OnesSum().add(src.bytes()).add(dst.bytes()).add32(length).add16(next_header).sum();
}

std::uint16_t l4_checksum(std::uint16_t pseudo_sum, ByteSpan segment,
                          std::size_t csum_offset) noexcept {
  OnesSum s(pseudo_sum);
  if (csum_offset + 2 > segment.size()) return s.add(segment).checksum();
  return s.add(segment.first(csum_offset)).add(segment.subspan(csum_offset + 2)).checksum();
}

bool l4_checksum_ok(std::uint16_t pseudo_sum, ByteSpan segment) noexcept {
  return OnesSum(pseudo_sum).add(segment).sum() == 0xffff;
}

namespace {
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::size_t kTcpCsumOffset = 16;
constexpr std::size_t kUdpCsumOffset = 6;
constexpr std::size_t kIcmpCsumOffset = 2;

std::uint32_t len32(ByteSpan s) noexcept { return static_cast<std::uint32_t>(s.size()); }
std::uint16_t udp_nonzero(std::uint16_t c) noexcept { return c == 0 ? 0xffff : c; }
}  // namespace

std::uint16_t tcp_checksum(Ipv4Addr src, Ipv4Addr dst, ByteSpan segment) noexcept {
  return l4_checksum(pseudo_header_sum(src, dst, kProtoTcp, len32(segment)), segment,
                     kTcpCsumOffset);
}

std::uint16_t tcp_checksum(const Ipv6Addr& src, const Ipv6Addr& dst, ByteSpan segment) noexcept {
  return l4_checksum(pseudo_header_sum(src, dst, kProtoTcp, len32(segment)), segment,
                     kTcpCsumOffset);
}

std::uint16_t udp_checksum(Ipv4Addr src, Ipv4Addr dst, ByteSpan datagram) noexcept {
  return udp_nonzero(l4_checksum(pseudo_header_sum(src, dst, kProtoUdp, len32(datagram)), datagram,
                                 kUdpCsumOffset));
}

std::uint16_t udp_checksum(const Ipv6Addr& src, const Ipv6Addr& dst, ByteSpan datagram) noexcept {
  return udp_nonzero(l4_checksum(pseudo_header_sum(src, dst, kProtoUdp, len32(datagram)), datagram,
                                 kUdpCsumOffset));
}

std::uint16_t icmp_checksum(ByteSpan message) noexcept {
  return l4_checksum(0, message, kIcmpCsumOffset);
}

std::uint16_t icmpv6_checksum(const Ipv6Addr& src, const Ipv6Addr& dst, ByteSpan message) noexcept {
  return l4_checksum(pseudo_header_sum(src, dst, kProtoIcmpv6, len32(message)), message,
                     kIcmpCsumOffset);
}

std::uint16_t checksum_update(std::uint16_t hc, ByteSpan old_bytes, ByteSpan new_bytes) noexcept {
  OnesSum s(static_cast<std::uint16_t>(~hc));
  for (std::size_t i = 0; i + 1 < old_bytes.size() && i + 1 < new_bytes.size(); i += 2) {
    s.add16(static_cast<std::uint16_t>(~load_be16(&old_bytes[i])));
    s.add16(load_be16(&new_bytes[i]));
  }
  return s.checksum();
}

}  // namespace nicsim::model
