// SPDX-License-Identifier: MIT
#include "nicsim/model/rss.hpp"

#include <cstring>

namespace nicsim::model {

std::size_t rss_input(ByteSpan frame, const Level& lv,
                      std::array<std::uint8_t, kToeplitzMaxInput>& buf) noexcept {
  if (!lv.has_ip) return 0;
  const IpInfo& ip = lv.ip;
  std::size_t n = 0;
  if (ip.version == 4) {
    std::memcpy(buf.data(), &frame[ip.offset + 12], 8);
    n = 8;
  } else {
    std::memcpy(buf.data(), &frame[ip.offset + 8], 32);
    n = 32;
  }
  if (!ip.frag && lv.has_l4 && (lv.l4.kind == Layer::kTcp || lv.l4.kind == Layer::kUdp)) {
    std::memcpy(&buf[n], &frame[lv.l4.offset], 4);
    n += 4;
  }
  return n;
}

RssResult RssConfig::classify(ByteSpan frame, const Level& lv) noexcept {
  if (!enable || !lv.has_ip) return {};
  std::uint64_t d = 0;  // the key changed since the table was built?
  for (std::size_t i = 0; i < kToeplitzKeyBytes; i += 8) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, &key[i], 8);
    std::memcpy(&b, &table_.key()[i], 8);
    d |= a ^ b;
  }
  if (!table_ready_ || d != 0) {
    table_.set_key(key);
    table_ready_ = true;
  }
  // The input of rss_input(), hashed in place: addresses, then the ports when present.
  const IpInfo& ip = lv.ip;
  const bool v4 = ip.version == 4;
  const std::size_t addr_len = v4 ? 8 : 32;
  std::uint32_t h = table_.hash_part(0, &frame[ip.offset + (v4 ? 12 : 8)], addr_len);
  if (!ip.frag && lv.has_l4 && (lv.l4.kind == Layer::kTcp || lv.l4.kind == Layer::kUdp))
    h ^= table_.hash_part(addr_len, &frame[lv.l4.offset], 4);
  return {h, true, indir[h & (kRssIndirEntries - 1)]};
}
}  // namespace nicsim::model
