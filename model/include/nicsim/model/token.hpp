// SPDX-License-Identifier: MIT
// Destination tokens (docs/rtl-token.md): the reference of rtl/token_check.sv, self-contained
// (no crypto library: the golden model uses only the C++ standard library).
//
//   Aes128        the AES-128 forward cipher (FIPS-197), the only primitive the token needs
//   cmac()        AES-128-CMAC (NIST SP 800-38B) of any message
//   make_token()  H || ct || tag: ct = addr ^ AES(K_enc, H) (CTR, SP 800-38A, counter block
//                 H), tag = CMAC(K_mac, H || ct); what the host's token service mints
//   TokenWindow   the 64-entry anti-replay window of one ENI (RFC 4303 3.4.3)
//   TokenChecker  two key slots, a window per ENI 1..num_eni, check() in the order of
//                 token_check: bad format, no key, bad tag, ENI mismatch, replay, ok
//
// testbenches/rtl_token checks Aes128 and cmac() against OpenSSL's libcrypto and the RTL
// against TokenChecker. The golden model's Pipeline checks the tokens of frames from VNICs
// with it (docs/spec.md 11).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::model {

using AesBlock = std::array<std::uint8_t, 16>;

namespace detail {

/// Multiplication by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1.
constexpr std::uint8_t aes_xtime(std::uint8_t a) noexcept {
  return static_cast<std::uint8_t>((a << 1) ^ ((a & 0x80) != 0 ? 0x1b : 0x00));
}
constexpr std::uint8_t aes_gmul(std::uint8_t a, std::uint8_t b) noexcept {
  std::uint8_t r = 0;
  for (int i = 0; i < 8; ++i) {
    if ((b & 1) != 0) r ^= a;
    a = aes_xtime(a);
    b = static_cast<std::uint8_t>(b >> 1);
  }
  return r;
}
/// The S-box (FIPS-197 5.1.1) from its definition: x^254 (the inverse in GF(2^8), 0 for 0),
/// then the affine map.
constexpr std::array<std::uint8_t, 256> aes_make_sbox() noexcept {
  std::array<std::uint8_t, 256> s{};
  for (unsigned x = 0; x < 256; ++x) {
    std::uint8_t inv = 1, p = static_cast<std::uint8_t>(x);
    for (unsigned e = 254; e != 0; e >>= 1) {  // square and multiply
      if ((e & 1) != 0) inv = aes_gmul(inv, p);
      p = aes_gmul(p, p);
    }
    const unsigned b = x == 0 ? 0 : inv;
    unsigned v = b;
    for (unsigned i = 1; i < 5; ++i) v ^= ((b << i) | (b >> (8 - i))) & 0xff;
    s[x] = static_cast<std::uint8_t>(v ^ 0x63);
  }
  return s;
}
inline constexpr std::array<std::uint8_t, 256> kAesSbox = aes_make_sbox();
static_assert(kAesSbox[0x00] == 0x63 && kAesSbox[0x53] == 0xed && kAesSbox[0xff] == 0x16);

}  // namespace detail

/// AES-128 encryption (FIPS-197), the key expanded once at construction.
class Aes128 {
 public:
  explicit Aes128(const AesBlock& key) noexcept {
    for (std::size_t i = 0; i < 16; ++i) rk_[i] = key[i];
    std::uint8_t rcon = 1;
    for (std::size_t i = 16; i < rk_.size(); i += 4) {
      std::array<std::uint8_t, 4> t{rk_[i - 4], rk_[i - 3], rk_[i - 2], rk_[i - 1]};
      if (i % 16 == 0) {
        t = {static_cast<std::uint8_t>(sbox(t[1]) ^ rcon), sbox(t[2]), sbox(t[3]), sbox(t[0])};
        rcon = xtime(rcon);
      }
      for (std::size_t j = 0; j < 4; ++j) rk_[i + j] = rk_[i - 16 + j] ^ t[j];
    }
  }

  [[nodiscard]] AesBlock encrypt(const AesBlock& in) const noexcept {
    AesBlock s{};
    for (std::size_t i = 0; i < 16; ++i) s[i] = in[i] ^ rk_[i];
    for (std::size_t r = 1; r <= 10; ++r) {
      AesBlock t{};
      for (std::size_t c = 0; c < 4; ++c) {
        for (std::size_t row = 0; row < 4; ++row) {
          t[row + 4 * c] = sbox(s[row + 4 * ((c + row) % 4)]);  // SubBytes, ShiftRows
        }
      }
      if (r != 10) {
        for (std::size_t c = 0; c < 4; ++c) {  // MixColumns
          const std::uint8_t a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2],
                             a3 = t[4 * c + 3];
          t[4 * c] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3;
          t[4 * c + 1] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3;
          t[4 * c + 2] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3;
          t[4 * c + 3] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3);
        }
      }
      for (std::size_t i = 0; i < 16; ++i) s[i] = t[i] ^ rk_[16 * r + i];
    }
    return s;
  }

  /// The S-box and the multiplication by x in GF(2^8) (FIPS-197 5.1.1, 4.2.1).
  [[nodiscard]] static std::uint8_t sbox(std::uint8_t x) noexcept { return detail::kAesSbox[x]; }
  [[nodiscard]] static constexpr std::uint8_t xtime(std::uint8_t a) noexcept {
    return detail::aes_xtime(a);
  }

 private:
  std::array<std::uint8_t, 176> rk_{};  // the 11 round keys
};

/// CMAC's doubling in GF(2^128): shift left by one bit, XOR 0x87 into the last byte when the
/// bit shifted out is 1 (SP 800-38B 6.1).
[[nodiscard]] inline AesBlock cmac_dbl(const AesBlock& l) noexcept {
  AesBlock k{};
  for (std::size_t i = 0; i < 16; ++i) {
    k[i] = static_cast<std::uint8_t>((l[i] << 1) | (i + 1 < 16 ? l[i + 1] >> 7 : 0));
  }
  if ((l[0] & 0x80) != 0) k[15] ^= 0x87;
  return k;
}

/// AES-128-CMAC (SP 800-38B 6.2) of a message of any length, with the key's cipher.
[[nodiscard]] inline AesBlock cmac(const Aes128& aes, std::span<const std::uint8_t> msg) {
  const AesBlock k1 = cmac_dbl(aes.encrypt(AesBlock{}));
  const AesBlock k2 = cmac_dbl(k1);
  const std::size_t n = msg.empty() ? 1 : (msg.size() + 15) / 16;
  const bool complete = !msg.empty() && msg.size() % 16 == 0;
  AesBlock c{};
  for (std::size_t b = 0; b < n; ++b) {
    AesBlock m{};
    const std::size_t off = 16 * b;
    const std::size_t len = off < msg.size() ? std::min<std::size_t>(16, msg.size() - off) : 0;
    for (std::size_t i = 0; i < len; ++i) m[i] = msg[off + i];
    if (b + 1 == n) {
      if (!complete) m[len] = 0x80;  // padding 10*
      const AesBlock& k = complete ? k1 : k2;
      for (std::size_t i = 0; i < 16; ++i) m[i] ^= k[i];
    }
    for (std::size_t i = 0; i < 16; ++i) c[i] ^= m[i];
    c = aes.encrypt(c);
  }
  return c;
}

inline constexpr std::size_t kTokenBytes = 48;
using Token = std::array<std::uint8_t, kTokenBytes>;
/// Where a frame carries its token (spec 11): the first option of its level-0 Geneve header,
/// of this class and type (critical bit set), 12 words of data.
inline constexpr std::uint16_t kTokenOptionClass = 0xFFF0;
inline constexpr std::uint8_t kTokenOptionType = 0x81;

/// The verdict codes of token_check's m_res_reason: enum token_verdict of rtl/formats.yaml
/// (fmt::to_string names them). kTokenVerdicts: how many (kReplay is the last).
using TokenVerdict = fmt::TokenVerdict;
inline constexpr unsigned kTokenVerdicts = static_cast<unsigned>(TokenVerdict::kReplay) + 1;

/// The clear header H, bytes 0..15 of a token.
struct TokenHeader {
  std::uint8_t version = 1;
  std::uint8_t slot = 0;  // byte 1: bit 0 the key slot, bits 7:1 reserved (0)
  std::uint16_t eni = 0;
  std::uint32_t reserved = 0;
  std::uint64_t seq = 0;

  [[nodiscard]] AesBlock encode() const noexcept {
    AesBlock h{};
    h[0] = version;
    h[1] = slot;
    h[2] = static_cast<std::uint8_t>(eni >> 8);
    h[3] = static_cast<std::uint8_t>(eni);
    for (int i = 0; i < 4; ++i) h[4 + i] = static_cast<std::uint8_t>(reserved >> (24 - 8 * i));
    for (int i = 0; i < 8; ++i) h[8 + i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
    return h;
  }
  [[nodiscard]] static TokenHeader decode(std::span<const std::uint8_t, 16> h) noexcept {
    TokenHeader t;
    t.version = h[0];
    t.slot = h[1];
    t.eni = static_cast<std::uint16_t>((h[2] << 8) | h[3]);
    t.reserved = 0;
    for (int i = 0; i < 4; ++i) t.reserved = (t.reserved << 8) | h[4 + i];
    t.seq = 0;
    for (int i = 0; i < 8; ++i) t.seq = (t.seq << 8) | h[8 + i];
    return t;
  }
};

/// One key slot: the CTR key and the CMAC key.
struct TokenKeys {
  AesBlock enc{};
  AesBlock mac{};
};

/// A token for `addr` (16 bytes: IPv6, or IPv4 as ::ffff:a.b.c.d) under `keys`.
[[nodiscard]] inline Token make_token(const TokenKeys& keys, const TokenHeader& hdr,
                                      const AesBlock& addr) {
  const AesBlock h = hdr.encode();
  const AesBlock ks = Aes128(keys.enc).encrypt(h);
  Token t{};
  for (std::size_t i = 0; i < 16; ++i) {
    t[i] = h[i];
    t[16 + i] = addr[i] ^ ks[i];
  }
  const AesBlock tag = cmac(Aes128(keys.mac), std::span<const std::uint8_t>(t.data(), 32));
  for (std::size_t i = 0; i < 16; ++i) t[32 + i] = tag[i];
  return t;
}

/// The anti-replay window of one ENI: the highest accepted sequence number and a bitmap of it
/// and the 63 below (bit d: top - d accepted).
class TokenWindow {
 public:
  static constexpr std::uint64_t kSize = 64;

  /// Whether `seq` would be a replay (seen, or kSize or more below the top).
  [[nodiscard]] bool replay(std::uint64_t seq) const noexcept {
    if (seq > top_) return false;
    const std::uint64_t d = top_ - seq;
    return d >= kSize || ((bitmap_ >> d) & 1U) != 0;
  }
  /// Records `seq` (not a replay) as seen.
  void accept(std::uint64_t seq) noexcept {
    if (seq > top_) {
      const std::uint64_t shift = seq - top_;
      bitmap_ = shift >= kSize ? 1 : (bitmap_ << shift) | 1;
      top_ = seq;
    } else {
      bitmap_ |= std::uint64_t{1} << (top_ - seq);
    }
  }
  void clear() noexcept { top_ = 0, bitmap_ = 0; }
  [[nodiscard]] std::uint64_t top() const noexcept { return top_; }

 private:
  std::uint64_t top_ = 0;
  std::uint64_t bitmap_ = 0;
};

/// The checker: two key slots, a window per ENI 1..num_eni, verdict counters.
class TokenChecker {
 public:
  struct Result {
    TokenVerdict verdict = TokenVerdict::kBadFormat;
    AesBlock addr{};  // the destination for ok; zero otherwise
    std::uint16_t eni = 0;
    std::uint64_t seq = 0;
  };

  explicit TokenChecker(unsigned num_eni) : windows_(num_eni) {}

  void load_key(unsigned slot, const TokenKeys& keys) { slots_.at(slot) = keys; }
  void clear_key(unsigned slot) { slots_.at(slot).reset(); }
  [[nodiscard]] bool has_key(unsigned slot) const { return slots_.at(slot).has_value(); }
  /// Clears ENI `eni`'s window (an ENI outside 1..num_eni: nothing).
  void clear_window(std::uint16_t eni) {
    if (eni >= 1 && eni <= windows_.size()) windows_[eni - 1].clear();
  }

  /// The verdict on `token` sent by ENI `src_eni`; an ok token updates its ENI's window.
  Result check(std::span<const std::uint8_t, kTokenBytes> token, std::uint16_t src_eni) {
    const Result r = peek(token, src_eni);
    ++counts_[static_cast<unsigned>(r.verdict)];
    if (r.verdict == TokenVerdict::kOk) windows_[r.eni - 1].accept(r.seq);
    return r;
  }
  /// The verdict check() would give now, without counting it or updating a window.
  [[nodiscard]] Result peek(std::span<const std::uint8_t, kTokenBytes> token,
                            std::uint16_t src_eni) const {
    Result r;
    const TokenHeader h = TokenHeader::decode(token.first<16>());
    r.eni = h.eni;
    r.seq = h.seq;
    r.verdict = verdict(token, h, src_eni);
    if (r.verdict != TokenVerdict::kOk) return r;
    const AesBlock ks = Aes128(slots_[h.slot & 1]->enc).encrypt(h.encode());
    for (std::size_t i = 0; i < 16; ++i) r.addr[i] = token[16 + i] ^ ks[i];
    return r;
  }

  [[nodiscard]] std::uint64_t count(TokenVerdict v) const {
    return counts_[static_cast<unsigned>(v)];
  }

 private:
  TokenVerdict verdict(std::span<const std::uint8_t, kTokenBytes> token, const TokenHeader& h,
                       std::uint16_t src_eni) const {
    if (h.version != 1 || (h.slot & 0xfe) != 0 || h.reserved != 0 || h.eni == 0 ||
        h.eni > windows_.size()) {
      return TokenVerdict::kBadFormat;
    }
    const auto& keys = slots_[h.slot & 1];
    if (!keys) return TokenVerdict::kNoKey;
    const AesBlock tag = cmac(Aes128(keys->mac), token.first<32>());
    bool same = true;
    for (std::size_t i = 0; i < 16; ++i) same = same && tag[i] == token[32 + i];
    if (!same) return TokenVerdict::kBadTag;
    if (h.eni != src_eni) return TokenVerdict::kEniMismatch;
    if (windows_[h.eni - 1].replay(h.seq)) return TokenVerdict::kReplay;
    return TokenVerdict::kOk;
  }

  std::array<std::optional<TokenKeys>, 2> slots_{};
  std::vector<TokenWindow> windows_;
  std::array<std::uint64_t, kTokenVerdicts> counts_{};
};

/// The Geneve option that carries `token` (spec 11): put it first in a level-0 Geneve header.
[[nodiscard]] inline GeneveOption token_option(const Token& token) {
  return GeneveOption{kTokenOptionClass, kTokenOptionType,
                      std::vector<std::uint8_t>(token.begin(), token.end())};
}

/// A token address field (16 bytes) for an IPv4 address: ::ffff:a.b.c.d (RFC 4291 2.5.5.2).
[[nodiscard]] inline AesBlock token_addr_v4(std::uint32_t ipv4) noexcept {
  AesBlock a{};
  a[10] = 0xff;
  a[11] = 0xff;
  for (int i = 0; i < 4; ++i) a[12 + i] = static_cast<std::uint8_t>(ipv4 >> (24 - 8 * i));
  return a;
}

}  // namespace nicsim::model
