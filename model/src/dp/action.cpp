// SPDX-License-Identifier: MIT
#include <cstring>

#include "nicsim/model/action.hpp"
#include "nicsim/model/bytes.hpp"
#include "nicsim/model/encap.hpp"

namespace nicsim::model {
namespace {
void store_le16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}
void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t load_le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
}  // namespace

void ActionRecord::encode(std::span<std::uint8_t, kActionBytes> out) const noexcept {
  std::uint8_t* p = out.data();
  std::memset(p, 0, kActionBytes);
  store_le32(p + 0, flags & 0x00FFFFFFu);
  store_le16(p + 4, vlan_tci);
  store_le16(p + 6, meter);
  std::memcpy(p + 8, dmac.data(), 6);
  std::memcpy(p + 14, smac.data(), 6);
  store_le32(p + 20, mark);
  store_be16(p + 24, sport);
  store_be16(p + 26, dport);
  std::memcpy(p + 28, sip.data(), 16);
  std::memcpy(p + 44, dip.data(), 16);
  store_le16(p + 60, encap);
}

ActionRecord ActionRecord::decode(std::span<const std::uint8_t, kActionBytes> in) noexcept {
  const std::uint8_t* p = in.data();
  ActionRecord a;
  a.flags = load_le32(p) & 0x00FFFFFFu;
  a.vlan_tci = load_le16(p + 4);
  a.meter = load_le16(p + 6);
  std::memcpy(a.dmac.data(), p + 8, 6);
  std::memcpy(a.smac.data(), p + 14, 6);
  a.mark = load_le32(p + 20);
  a.sport = load_be16(p + 24);
  a.dport = load_be16(p + 26);
  std::memcpy(a.sip.data(), p + 28, 16);
  std::memcpy(a.dip.data(), p + 44, 16);
  a.encap = load_le16(p + 60);
  return a;
}

void EncapTemplate::encode(std::span<std::uint8_t, kEncapBytes> out) const noexcept {
  std::uint8_t* p = out.data();
  std::memset(p, 0, kEncapBytes);
  std::memcpy(p + 0, dmac.data(), 6);
  std::memcpy(p + 6, smac.data(), 6);
  store_le16(p + 12, vlan_tci);
  p[14] = ipv6 ? 1 : 0;
  p[15] = ttl;
  store_le16(p + 16, udp_dport);
  p[18] = static_cast<std::uint8_t>(vni);
  p[19] = static_cast<std::uint8_t>(vni >> 8);
  p[20] = static_cast<std::uint8_t>(vni >> 16);
  std::memcpy(p + 24, sip.data(), 16);
  std::memcpy(p + 40, dip.data(), 16);
}

EncapTemplate EncapTemplate::decode(std::span<const std::uint8_t, kEncapBytes> in) noexcept {
  const std::uint8_t* p = in.data();
  EncapTemplate t;
  std::memcpy(t.dmac.data(), p + 0, 6);
  std::memcpy(t.smac.data(), p + 6, 6);
  t.vlan_tci = load_le16(p + 12);
  t.ipv6 = (p[14] & 1u) != 0;
  t.ttl = p[15];
  t.udp_dport = load_le16(p + 16);
  t.vni = std::uint32_t{p[18]} | (std::uint32_t{p[19]} << 8) | (std::uint32_t{p[20]} << 16);
  std::memcpy(t.sip.data(), p + 24, 16);
  std::memcpy(t.dip.data(), p + 40, 16);
  return t;
}

}  // namespace nicsim::model
