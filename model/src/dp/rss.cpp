// SPDX-License-Identifier: MIT
#include "nicsim/model/rss.hpp"

#include <cstring>

namespace nicsim::model {

RssInput rss_input(ByteSpan frame, const Level& lv) noexcept {
  if (!lv.has_ip) return {};
  const IpInfo& ip = lv.ip;
  RssInput in;
  in.addrs = ip.version == 4 ? frame.subspan(ip.offset + 12, 8) : frame.subspan(ip.offset + 8, 32);
  if (!ip.frag && lv.has_l4 && (lv.l4.kind == Layer::kTcp || lv.l4.kind == Layer::kUdp))
    in.ports = frame.subspan(lv.l4.offset, 4);
  return in;
}

RssResult RssConfig::classify(ByteSpan frame, const Level& lv) noexcept {
  if (!enable || !lv.has_ip) return {};
  std::uint64_t d = 0;  // the key changed since the table was built?
  for (std::size_t i = 0; i < kToeplitzKeyBytes; i += 8) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, &key[i], 8);
    std::memcpy(&b, &hasher_.key()[i], 8);
    d |= a ^ b;
  }
  if (!hasher_ready_ || d != 0) {
    hasher_.set_key(key);
    hasher_ready_ = true;
  }
  const RssInput in = rss_input(frame, lv);  // hashed in place
  const std::uint32_t h = hasher_.hash(in.addrs, in.ports);
  return {h, true, indir[h & (kRssIndirEntries - 1)]};
}

}  // namespace nicsim::model
