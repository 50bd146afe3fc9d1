// SPDX-License-Identifier: MIT
// Link and network addresses: MAC, IPv4, IPv6, and IpAddr (either of the two IP versions).
//
// Values are plain bytes in network order, cheap to copy, comparable and hashable by value.
// Text formatting is canonical (MAC lowercase "aa:bb:cc:dd:ee:ff", IPv4 dotted quad, IPv6 per
// RFC 5952); format_to() writes into a caller's buffer without allocating, to_string() is the
// convenient allocating form. parse() accepts the usual text forms and returns std::nullopt on
// anything else.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nicsim/model/bytes.hpp"

namespace nicsim::model {

/// 48-bit IEEE MAC address.
class MacAddr {
 public:
  static constexpr std::size_t kSize = 6;
  static constexpr std::size_t kMaxTextLen = 17;  // "aa:bb:cc:dd:ee:ff"

  constexpr MacAddr() = default;
  constexpr explicit MacAddr(const std::array<std::uint8_t, kSize>& bytes) : b_(bytes) {}

  /// Reads 6 bytes at p (the caller guarantees they exist).
  [[nodiscard]] static constexpr MacAddr from_bytes(const std::uint8_t* p) noexcept {
    MacAddr m;
    for (std::size_t i = 0; i < kSize; ++i) m.b_[i] = p[i];
    return m;
  }
  /// The low 48 bits of v, most significant byte first.
  [[nodiscard]] static constexpr MacAddr from_u64(std::uint64_t v) noexcept {
    MacAddr m;
    for (std::size_t i = 0; i < kSize; ++i) m.b_[i] = static_cast<std::uint8_t>(v >> (40 - 8 * i));
    return m;
  }
  /// "aa:bb:cc:dd:ee:ff" or "aa-bb-cc-dd-ee-ff", hex digits in either case.
  [[nodiscard]] static std::optional<MacAddr> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr const std::array<std::uint8_t, kSize>& bytes() const noexcept {
    return b_;
  }
  [[nodiscard]] constexpr std::uint64_t to_u64() const noexcept {
    std::uint64_t v = 0;
    for (auto x : b_) v = (v << 8) | x;
    return v;
  }
  [[nodiscard]] constexpr bool is_multicast() const noexcept { return (b_[0] & 1) != 0; }
  [[nodiscard]] constexpr bool is_broadcast() const noexcept { return to_u64() == 0xffffffffffff; }

  /// Writes the text form (no terminator) to out[0..kMaxTextLen) and returns its length.
  std::size_t format_to(char* out) const noexcept;
  [[nodiscard]] std::string to_string() const;

  friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;

 private:
  std::array<std::uint8_t, kSize> b_{};
};

/// IPv4 address, held as a host-order 32-bit value.
class Ipv4Addr {
 public:
  static constexpr std::size_t kSize = 4;
  static constexpr std::size_t kMaxTextLen = 15;  // "255.255.255.255"

  constexpr Ipv4Addr() = default;
  constexpr explicit Ipv4Addr(std::uint32_t host_order) : v_(host_order) {}
  constexpr Ipv4Addr(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
      : v_((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d) {}

  [[nodiscard]] static constexpr Ipv4Addr from_bytes(const std::uint8_t* p) noexcept {
    return Ipv4Addr(load_be32(p));
  }
  /// Strict dotted quad: four decimal parts 0..255 without leading zeros ("10.0.0.1").
  [[nodiscard]] static std::optional<Ipv4Addr> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr std::uint32_t value() const noexcept { return v_; }
  [[nodiscard]] constexpr std::array<std::uint8_t, kSize> bytes() const noexcept {
    return {static_cast<std::uint8_t>(v_ >> 24), static_cast<std::uint8_t>(v_ >> 16),
            static_cast<std::uint8_t>(v_ >> 8), static_cast<std::uint8_t>(v_)};
  }

  std::size_t format_to(char* out) const noexcept;
  [[nodiscard]] std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv4Addr&, const Ipv4Addr&) = default;

 private:
  std::uint32_t v_ = 0;
};

/// IPv6 address, 16 bytes in network order.
class Ipv6Addr {
 public:
  static constexpr std::size_t kSize = 16;
  static constexpr std::size_t kMaxTextLen = 39;  // eight full groups and seven colons

  constexpr Ipv6Addr() = default;
  constexpr explicit Ipv6Addr(const std::array<std::uint8_t, kSize>& bytes) : b_(bytes) {}

  [[nodiscard]] static constexpr Ipv6Addr from_bytes(const std::uint8_t* p) noexcept {
    Ipv6Addr a;
    for (std::size_t i = 0; i < kSize; ++i) a.b_[i] = p[i];
    return a;
  }
  /// The eight 16-bit groups, most significant first.
  [[nodiscard]] static constexpr Ipv6Addr from_groups(const std::array<std::uint16_t, 8>& g) {
    Ipv6Addr a;
    for (std::size_t i = 0; i < 8; ++i) store_be16(&a.b_[2 * i], g[i]);
    return a;
  }
  /// ::ffff:a.b.c.d
  [[nodiscard]] static constexpr Ipv6Addr mapped(Ipv4Addr v4) noexcept {
    Ipv6Addr a;
    a.b_[10] = 0xff;
    a.b_[11] = 0xff;
    store_be32(&a.b_[12], v4.value());
    return a;
  }
  /// RFC 4291 text: hex groups, at most one "::", optionally a trailing dotted quad.
  /// Zone ids ("%eth0") and prefix lengths are rejected.
  [[nodiscard]] static std::optional<Ipv6Addr> parse(std::string_view text) noexcept;

  [[nodiscard]] constexpr const std::array<std::uint8_t, kSize>& bytes() const noexcept {
    return b_;
  }
  [[nodiscard]] constexpr std::uint16_t group(std::size_t i) const noexcept {
    return load_be16(&b_[2 * i]);
  }
  [[nodiscard]] constexpr bool is_v4_mapped() const noexcept {
    for (std::size_t i = 0; i < 10; ++i)
      if (b_[i] != 0) return false;
    return b_[10] == 0xff && b_[11] == 0xff;
  }

  /// RFC 5952 canonical text: lowercase, no leading zeros, the longest run of two or more zero
  /// groups as "::" (the first one on ties), IPv4-mapped addresses as ::ffff:a.b.c.d.
  std::size_t format_to(char* out) const noexcept;
  [[nodiscard]] std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv6Addr&, const Ipv6Addr&) = default;

 private:
  std::array<std::uint8_t, kSize> b_{};
};

/// An IPv4 or IPv6 address (version 0 = none). Fixed size, no allocation: used in parse results.
class IpAddr {
 public:
  static constexpr std::size_t kMaxTextLen = Ipv6Addr::kMaxTextLen;

  constexpr IpAddr() = default;
  constexpr IpAddr(Ipv4Addr v4) : version_(4) {  // NOLINT(google-explicit-constructor)
    store_be32(&b_[0], v4.value());
  }
  constexpr IpAddr(const Ipv6Addr& v6) : b_(v6.bytes()), version_(6) {}  // NOLINT

  /// Either form; a dotted quad gives an IPv4 address.
  [[nodiscard]] static std::optional<IpAddr> parse(std::string_view text) noexcept;

  /// In place, the same as `*this = Ipv4Addr::from_bytes(p)` / `Ipv6Addr::from_bytes(p)` (p: the
  /// address in network order). A parser's hot path: no temporary copied over the member.
  constexpr void assign_v4(const std::uint8_t* p) noexcept {
    std::array<std::uint8_t, 16> t{};  // read whole before writing (p may alias b_)
    for (std::size_t i = 0; i < 4; ++i) t[i] = p[i];
    b_ = t;
    version_ = 4;
  }
  constexpr void assign_v6(const std::uint8_t* p) noexcept {
    std::array<std::uint8_t, 16> t{};
    for (std::size_t i = 0; i < 16; ++i) t[i] = p[i];
    b_ = t;
    version_ = 6;
  }

  [[nodiscard]] constexpr std::uint8_t version() const noexcept { return version_; }
  [[nodiscard]] constexpr bool is_v4() const noexcept { return version_ == 4; }
  [[nodiscard]] constexpr bool is_v6() const noexcept { return version_ == 6; }
  /// Meaningful only when is_v4().
  [[nodiscard]] constexpr Ipv4Addr v4() const noexcept { return Ipv4Addr(load_be32(&b_[0])); }
  /// Meaningful only when is_v6().
  [[nodiscard]] constexpr Ipv6Addr v6() const noexcept { return Ipv6Addr(b_); }

  /// Text of the held version; empty when version() == 0.
  std::size_t format_to(char* out) const noexcept;
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(const IpAddr&, const IpAddr&) = default;

 private:
  std::array<std::uint8_t, 16> b_{};
  std::uint8_t version_ = 0;
};

/// An address's bytes in network order: IPv4 in the first 4 (the rest zero), IPv6 all 16.
[[nodiscard]] std::array<std::uint8_t, 16> ip_bytes(const IpAddr& a) noexcept;

/// An IPv4 or IPv6 prefix; the address's bits beyond the length are zero.
struct IpPrefix {
  IpAddr addr;
  unsigned len = 0;

  /// "10.0.0.0/8", "2001:db8::/32", or an address alone (a host route). Bits beyond the length
  /// must be zero ("10.0.0.1/8" is refused: it says something else than it means).
  [[nodiscard]] static std::optional<IpPrefix> parse(std::string_view text);
  /// True when `a` is of the same version and its first `len` bits equal the prefix's.
  [[nodiscard]] bool contains(const IpAddr& a) const noexcept;
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace nicsim::model
