// SPDX-License-Identifier: MIT
#include "nicsim/model/addr.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace nicsim::model {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Writes v in decimal, returns the number of characters.
std::size_t put_decimal(char* out, unsigned v) noexcept {
  char tmp[10];
  std::size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

// Writes a 16-bit group in lowercase hex without leading zeros.
std::size_t put_group(char* out, std::uint16_t g) noexcept {
  std::size_t n = 0;
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nib = (g >> shift) & 0xfu;
    if (nib != 0 || started || shift == 0) {
      out[n++] = kHex[nib];
      started = true;
    }
  }
  return n;
}

std::optional<Ipv4Addr> parse_dotted_quad(std::string_view s) noexcept {
  std::uint32_t v = 0;
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    const std::size_t start = i;
    unsigned x = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      x = x * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || x > 255) return std::nullopt;
    if (digits > 1 && s[start] == '0') return std::nullopt;  // no leading zeros (octal trap)
    v = (v << 8) | x;
  }
  if (i != s.size()) return std::nullopt;
  return Ipv4Addr(v);
}

template <class T>
std::string to_string_via(const T& value) {
  std::array<char, T::kMaxTextLen> buf{};
  const std::size_t n = value.format_to(buf.data());
  return std::string(buf.data(), n);
}

bool first_bits_equal(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                      unsigned bits) {
  const unsigned full = bits / 8, rest = bits % 8;
  if (!std::equal(a.begin(), a.begin() + full, b.begin())) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF00u >> rest);
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

// ---- MacAddr ------------------------------------------------------------------------------------

std::optional<MacAddr> MacAddr::parse(std::string_view text) noexcept {
  if (text.size() != kMaxTextLen) return std::nullopt;
  const char sep = text[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  std::array<std::uint8_t, kSize> b{};
  for (std::size_t i = 0; i < kSize; ++i) {
    const int hi = hex_value(text[3 * i]);
    const int lo = hex_value(text[3 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i + 1 < kSize && text[3 * i + 2] != sep) return std::nullopt;
    b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return MacAddr(b);
}

std::size_t MacAddr::format_to(char* out) const noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kSize; ++i) {
    if (i > 0) out[n++] = ':';
    out[n++] = kHex[b_[i] >> 4];
    out[n++] = kHex[b_[i] & 0xf];
  }
  return n;
}

std::string MacAddr::to_string() const { return to_string_via(*this); }

// ---- Ipv4Addr -----------------------------------------------------------------------------------

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view text) noexcept {
  return parse_dotted_quad(text);
}

std::size_t Ipv4Addr::format_to(char* out) const noexcept {
  std::size_t n = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out[n++] = '.';
    n += put_decimal(out + n, (v_ >> (24 - 8 * i)) & 0xffu);
  }
  return n;
}

std::string Ipv4Addr::to_string() const { return to_string_via(*this); }

// ---- Ipv6Addr -----------------------------------------------------------------------------------

std::optional<Ipv6Addr> Ipv6Addr::parse(std::string_view s) noexcept {
  std::array<std::uint16_t, 8> head{};
  std::array<std::uint16_t, 8> tail{};
  std::size_t n_head = 0;
  std::size_t n_tail = 0;
  bool compressed = false;
  std::size_t i = 0;

  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    compressed = true;
    i = 2;
  } else if (!s.empty() && s[0] == ':') {
    return std::nullopt;
  }
  while (i < s.size()) {
    // One group, or a trailing dotted quad.
    std::size_t j = i;
    unsigned v = 0;
    while (j < s.size() && hex_value(s[j]) >= 0 && j - i < 5) {
      v = v * 16 + static_cast<unsigned>(hex_value(s[j]));
      ++j;
    }
    if (j < s.size() && s[j] == '.') {
      // IPv4 tail: must end the text and leave room for two groups.
      const auto v4 = parse_dotted_quad(s.substr(i));
      if (!v4) return std::nullopt;
      const std::size_t used = n_head + n_tail;
      if (used + 2 > 8 || (!compressed && used + 2 != 8) || (compressed && used + 2 > 7))
        return std::nullopt;
      auto& dst = compressed ? tail : head;
      auto& cnt = compressed ? n_tail : n_head;
      dst[cnt++] = static_cast<std::uint16_t>(v4->value() >> 16);
      dst[cnt++] = static_cast<std::uint16_t>(v4->value());
      i = s.size();
      break;
    }
    if (j == i || j - i > 4) return std::nullopt;
    if (n_head + n_tail >= 8) return std::nullopt;
    if (compressed) {
      tail[n_tail++] = static_cast<std::uint16_t>(v);
    } else {
      head[n_head++] = static_cast<std::uint16_t>(v);
    }
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return std::nullopt;  // a second "::"
      compressed = true;
      ++i;
    } else if (i == s.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  const std::size_t used = n_head + n_tail;
  if (compressed ? used > 7 : used != 8) return std::nullopt;
  std::array<std::uint16_t, 8> g{};
  for (std::size_t k = 0; k < n_head; ++k) g[k] = head[k];
  for (std::size_t k = 0; k < n_tail; ++k) g[8 - n_tail + k] = tail[k];
  return from_groups(g);
}

std::size_t Ipv6Addr::format_to(char* out) const noexcept {
  std::size_t n = 0;
  if (is_v4_mapped()) {
    constexpr std::string_view kPrefix = "::ffff:";
    for (char c : kPrefix) out[n++] = c;
    return n + Ipv4Addr::from_bytes(&b_[12]).format_to(out + n);
  }
  // Longest run of at least two zero groups; the first one wins a tie.
  int best_start = -1;
  int best_len = 1;
  for (int k = 0; k < 8;) {
    if (group(static_cast<std::size_t>(k)) != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && group(static_cast<std::size_t>(e)) == 0) ++e;
    if (e - k > best_len) {
      best_start = k;
      best_len = e - k;
    }
    k = e;
  }
  for (int k = 0; k < 8;) {
    if (k == best_start) {
      out[n++] = ':';
      out[n++] = ':';
      k += best_len;
      continue;
    }
    if (k > 0 && k != best_start + best_len) out[n++] = ':';
    n += put_group(out + n, group(static_cast<std::size_t>(k)));
    ++k;
  }
  return n;
}

std::string Ipv6Addr::to_string() const { return to_string_via(*this); }

// ---- IpAddr -------------------------------------------------------------------------------------

std::optional<IpAddr> IpAddr::parse(std::string_view text) noexcept {
  if (auto v4 = Ipv4Addr::parse(text)) return IpAddr(*v4);
  if (auto v6 = Ipv6Addr::parse(text)) return IpAddr(*v6);
  return std::nullopt;
}

std::size_t IpAddr::format_to(char* out) const noexcept {
  if (version_ == 4) return v4().format_to(out);
  if (version_ == 6) return v6().format_to(out);
  return 0;
}

std::string IpAddr::to_string() const { return to_string_via(*this); }

std::array<std::uint8_t, 16> ip_bytes(const IpAddr& a) noexcept {
  std::array<std::uint8_t, 16> b{};
  if (a.is_v4()) {
    const auto v4 = a.v4().bytes();
    std::copy(v4.begin(), v4.end(), b.begin());
  } else if (a.is_v6()) {
    b = a.v6().bytes();
  }
  return b;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const unsigned max = addr->is_v4() ? 32 : 128;
  unsigned len = max;
  if (slash != std::string_view::npos) {
    const std::string_view l = text.substr(slash + 1);
    const auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), len);
    if (ec != std::errc() || p != l.data() + l.size() || len > max || l.empty()) return std::nullopt;
  }
  const auto b = ip_bytes(*addr);
  const unsigned n = addr->is_v4() ? 4 : 16;
  // Host bits must be zero: compare with the address cut to its prefix.
  std::array<std::uint8_t, 16> cut{};
  for (unsigned i = 0; i < n; ++i) {
    const unsigned bit = i * 8;
    if (bit + 8 <= len) {
      cut[i] = b[i];
    } else if (bit < len) {
      cut[i] = static_cast<std::uint8_t>(b[i] & (0xFF00u >> (len - bit)));
    }
  }
  if (cut != b) return std::nullopt;
  return IpPrefix{*addr, len};
}

bool IpPrefix::contains(const IpAddr& a) const noexcept {
  if (a.version() != addr.version()) return false;
  if (a.is_v4()) {  // the common case, without the byte arrays (ACL scans and routes)
    if (len == 0) return true;
    const std::uint32_t mask = len >= 32 ? 0xFFFFFFFFu : ~(0xFFFFFFFFu >> len);
    return ((a.v4().value() ^ addr.v4().value()) & mask) == 0;
  }
  return first_bits_equal(ip_bytes(addr), ip_bytes(a), len);
}

std::string IpPrefix::to_string() const { return addr.to_string() + "/" + std::to_string(len); }

}  // namespace nicsim::model
