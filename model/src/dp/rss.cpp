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
  if (!enable) return {};
  std::array<std::uint8_t, kToeplitzMaxInput> in{};
  const std::size_t n = rss_input(frame, lv, in);
  if (n == 0) return {};
  if (!table_ready_ || table_.key() != key) {
    table_.set_key(key);
    table_ready_ = true;
  }
  const std::uint32_t h = table_.hash(ByteSpan(in.data(), n));
  return {h, true, indir[h & (kRssIndirEntries - 1)]};
}

}  // namespace nicsim::model
