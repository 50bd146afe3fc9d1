// SPDX-License-Identifier: MIT
#include "nicsim/model/hash.hpp"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace nicsim::model {
namespace {

using Table8 = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Table8 make_tables(std::uint32_t poly) {
  Table8 t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ poly : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i)
    for (std::size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xffu];
  return t;
}

constexpr Table8 kCrc32c = make_tables(0x82F63B78u);
constexpr Table8 kCrc32 = make_tables(0xEDB88320u);

inline std::uint32_t step8(const Table8& t, std::uint32_t crc, const std::uint8_t* p) noexcept {
  const std::uint32_t lo = crc ^ (std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) |
                                  (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24));
  return t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
         t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
}

inline std::uint32_t crc_run(const Table8& t, ByteSpan bytes) noexcept {
  std::uint32_t crc = 0xFFFFFFFFu;
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) crc = step8(t, crc, p);
  for (; n > 0; --n, ++p) crc = (crc >> 8) ^ t[0][(crc ^ *p) & 0xffu];
  return ~crc;
}

}  // namespace

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {
// CRC-32C with the SSE4.2 crc32 instruction (same polynomial, same reflection).
__attribute__((target("sse4.2"))) std::uint32_t crc32c_hw(ByteSpan bytes) noexcept {
  std::uint64_t crc = 0xFFFFFFFFu;
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w = 0;
    __builtin_memcpy(&w, p, 8);
    crc = __builtin_ia32_crc32di(crc, w);
  }
  auto c = static_cast<std::uint32_t>(crc);
  for (; n > 0; --n, ++p) c = __builtin_ia32_crc32qi(c, *p);
  return ~c;
}
}  // namespace

std::uint32_t crc32c(ByteSpan bytes) noexcept {
  if (__builtin_cpu_supports("sse4.2")) return crc32c_hw(bytes);
  return crc_run(kCrc32c, bytes);
}

namespace {
// The key is read in the 8-byte words build_flow_key stores (one wider load spanning two of
// those stores would wait for both to retire: no store forwarding).
__attribute__((target("sse4.2"))) std::uint32_t crc32c_42_hw(const std::uint8_t* p) noexcept {
  std::uint64_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < 40; i += 8) {
    std::uint64_t w = 0;
    __builtin_memcpy(&w, p + i, 8);
    crc = __builtin_ia32_crc32di(crc, w);
  }
  std::uint16_t t = 0;
  __builtin_memcpy(&t, p + 40, 2);
  return ~__builtin_ia32_crc32hi(static_cast<std::uint32_t>(crc), t);
}
// Before its initialisation (static constructors of other files) the portable path is taken.
const bool kHaveSse42 = (__builtin_cpu_init(), __builtin_cpu_supports("sse4.2"));
}  // namespace

std::uint32_t crc32c_42(const std::uint8_t* bytes) noexcept {
  if (kHaveSse42) return crc32c_42_hw(bytes);
  return crc_run(kCrc32c, ByteSpan(bytes, 42));
}
#else
std::uint32_t crc32c(ByteSpan bytes) noexcept { return crc_run(kCrc32c, bytes); }
std::uint32_t crc32c_42(const std::uint8_t* bytes) noexcept {
  return crc_run(kCrc32c, ByteSpan(bytes, 42));
}
#endif

std::uint32_t crc32c_table(ByteSpan bytes) noexcept { return crc_run(kCrc32c, bytes); }
std::uint32_t crc32(ByteSpan bytes) noexcept { return crc_run(kCrc32, bytes); }

CrcPair crc32c_and_crc32(ByteSpan bytes) noexcept {
  std::uint32_t a = 0xFFFFFFFFu;
  std::uint32_t b = 0xFFFFFFFFu;
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 8; n -= 8, p += 8) {
    a = step8(kCrc32c, a, p);
    b = step8(kCrc32, b, p);
  }
  for (; n > 0; --n, ++p) {
    a = (a >> 8) ^ kCrc32c[0][(a ^ *p) & 0xffu];
    b = (b >> 8) ^ kCrc32[0][(b ^ *p) & 0xffu];
  }
  return {~a, ~b};
}

namespace {
/// The 32 key bits starting at bit position pos (bit 0 = MSB of key[0]).
std::uint32_t key_window(const ToeplitzKey& key, std::size_t pos) noexcept {
  std::uint64_t w = 0;
  const std::size_t byte = pos / 8;
  for (std::size_t i = 0; i < 5; ++i)
    w = (w << 8) | (byte + i < key.size() ? key[byte + i] : 0u);
  return static_cast<std::uint32_t>(w >> (8 - pos % 8));
}
}  // namespace

std::uint32_t toeplitz_hash(const ToeplitzKey& key, ByteSpan input) noexcept {
  std::uint32_t h = 0;
  for (std::size_t i = 0; i < input.size(); ++i)
    for (int b = 7; b >= 0; --b)
      if ((input[i] >> b) & 1u) h ^= key_window(key, i * 8 + static_cast<std::size_t>(7 - b));
  return h;
}

bool ToeplitzHasher::clmul_available() noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool have = (__builtin_cpu_init(), __builtin_cpu_supports("pclmul") &&
                                                      __builtin_cpu_supports("sse4.1"));
  return have;
#else
  return false;
#endif
}

void ToeplitzHasher::set_key(const ToeplitzKey& key) noexcept {
  key_ = key;
  const auto bit = [&](std::size_t i) -> std::uint64_t {  // key bit i, 0 past the key
    return i / 8 < key.size() ? (key[i / 8] >> (7 - i % 8)) & 1u : 0u;
  };
  for (std::size_t c = 0; c < kChunks; ++c) {
    std::uint64_t lo = 0;
    std::uint32_t hi = 0;
    for (std::size_t s = 0; s < 64; ++s) lo |= bit(64 * c + s) << s;
    for (std::size_t s = 0; s < 32; ++s) hi |= static_cast<std::uint32_t>(bit(64 * c + 64 + s) << s);
    win_lo_[c] = lo;
    win_hi_[c] = hi;
  }
  if (!force_table_ && clmul_available()) {
    table_.clear();
    return;
  }
  table_.resize(kToeplitzMaxInput);
  for (std::size_t i = 0; i < kToeplitzMaxInput; ++i) {
    std::array<std::uint32_t, 8> win{};
    for (std::size_t b = 0; b < 8; ++b) win[b] = key_window(key, i * 8 + b);  // b=0: MSB
    for (std::uint32_t v = 0; v < 256; ++v) {
      std::uint32_t h = 0;
      for (std::size_t b = 0; b < 8; ++b)
        if ((v >> (7 - b)) & 1u) h ^= win[b];
      table_[i][v] = h;
    }
  }
}

namespace {
#if defined(__x86_64__) && defined(__GNUC__)
/// n (< 8) bytes as the top bytes of a big-endian 64-bit chunk, zeros after.
inline std::uint64_t load_be_partial(const std::uint8_t* p, std::size_t n) noexcept {
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < n; ++i) x |= std::uint64_t{p[i]} << (56 - 8 * i);
  return x;
}

#define NICSIM_CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))
/// XORs the products of chunk X (big-endian, zero-padded) with the window of chunk c.
NICSIM_CLMUL_TARGET inline void clmul_chunk(std::uint64_t x, std::uint64_t lo, std::uint32_t hi,
                                            __m128i& acc_lo, __m128i& acc_hi) noexcept {
  const __m128i xv = _mm_cvtsi64_si128(static_cast<long long>(x));
  acc_lo = _mm_xor_si128(
      acc_lo, _mm_clmulepi64_si128(xv, _mm_cvtsi64_si128(static_cast<long long>(lo)), 0));
  acc_hi = _mm_xor_si128(
      acc_hi, _mm_clmulepi64_si128(xv, _mm_cvtsi32_si128(static_cast<int>(hi)), 0));
}

/// The Toeplitz hash of p[0..n) followed by q[0..m) (n a multiple of 8 when m > 0).
NICSIM_CLMUL_TARGET std::uint32_t toeplitz_clmul(const std::uint64_t* lo, const std::uint32_t* hi,
                                                 const std::uint8_t* p, std::size_t n,
                                                 const std::uint8_t* q, std::size_t m) noexcept {
  __m128i acc_lo = _mm_setzero_si128();  // clmul(X, window bits 0..63), XORed over chunks
  __m128i acc_hi = _mm_setzero_si128();  // clmul(X, window bits 64..95)
  std::size_t c = 0;
  for (; n >= 8; n -= 8, p += 8, ++c) {
    std::uint64_t x = 0;
    std::memcpy(&x, p, 8);
    clmul_chunk(__builtin_bswap64(x), lo[c], hi[c], acc_lo, acc_hi);
  }
  if (n > 0) clmul_chunk(load_be_partial(p, n), lo[c], hi[c], acc_lo, acc_hi), ++c;
  for (; m >= 8; m -= 8, q += 8, ++c) {
    std::uint64_t x = 0;
    std::memcpy(&x, q, 8);
    clmul_chunk(__builtin_bswap64(x), lo[c], hi[c], acc_lo, acc_hi);
  }
  if (m == 4) {  // the ports after the addresses
    std::uint32_t x = 0;
    std::memcpy(&x, q, 4);
    clmul_chunk(std::uint64_t{__builtin_bswap32(x)} << 32, lo[c], hi[c], acc_lo, acc_hi);
  } else if (m > 0) {
    clmul_chunk(load_be_partial(q, m), lo[c], hi[c], acc_lo, acc_hi);
  }
  // Bits 63..94 of the product: of the low window's, and bits -1..30 of the high window's
  // (which sits 64 bits up).
  const auto l0 = static_cast<std::uint64_t>(_mm_cvtsi128_si64(acc_lo));
  const auto l1 = static_cast<std::uint64_t>(_mm_extract_epi64(acc_lo, 1));
  const auto h0 = static_cast<std::uint64_t>(_mm_cvtsi128_si64(acc_hi));
  auto r = static_cast<std::uint32_t>((l0 >> 63) ^ (l1 << 1) ^ (h0 << 1));
  // Bit k of r is bit 31-k of the hash: reverse.
  r = ((r >> 1) & 0x55555555u) | ((r & 0x55555555u) << 1);
  r = ((r >> 2) & 0x33333333u) | ((r & 0x33333333u) << 2);
  r = ((r >> 4) & 0x0F0F0F0Fu) | ((r & 0x0F0F0F0Fu) << 4);
  return __builtin_bswap32(r);
}
#undef NICSIM_CLMUL_TARGET
#endif
}  // namespace

std::uint32_t ToeplitzHasher::hash(ByteSpan head, ByteSpan tail) const noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  if (table_.empty()) {
    if (head.size() % 8 == 0 || tail.empty())
      return toeplitz_clmul(win_lo_.data(), win_hi_.data(), head.data(), head.size(), tail.data(),
                           tail.size());
    std::array<std::uint8_t, kToeplitzMaxInput> joined{};  // chunks must start at multiples of 8
    std::memcpy(joined.data(), head.data(), head.size());
    std::memcpy(joined.data() + head.size(), tail.data(), tail.size());
    return toeplitz_clmul(win_lo_.data(), win_hi_.data(), joined.data(),
                         head.size() + tail.size(), nullptr, 0);
  }
#endif
  std::uint32_t h = 0;
  for (std::size_t i = 0; i < head.size(); ++i) h ^= table_[i][head[i]];
  for (std::size_t i = 0; i < tail.size(); ++i) h ^= table_[head.size() + i][tail[i]];
  return h;
}

}  // namespace nicsim::model
