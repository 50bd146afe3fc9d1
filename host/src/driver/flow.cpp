// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/flow.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <sstream>
#include <type_traits>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host {

namespace R = nicsim::regs;
namespace K = nicsim::fmt::flow_key;
namespace T = nicsim::fmt::tcam_key;
using fmt::FlowStatus;
using fmt::TunType;

const char* to_string(FlowError::Type t) {
  switch (t) {
    case FlowError::Type::kItem:
      return "item";
    case FlowError::Type::kAction:
      return "action";
    case FlowError::Type::kAttr:
      return "attr";
    case FlowError::Type::kTableFull:
      return "table full";
    case FlowError::Type::kExists:
      return "exists";
    case FlowError::Type::kNotFound:
      return "not found";
    case FlowError::Type::kUnsupported:
      return "unsupported";
  }
  return "?";
}

std::string FlowError::to_string() const {
  std::string s = std::string("flow error (") + host::to_string(type) + ")";
  if (index >= 0) s += " at " + std::to_string(index);
  return s + ": " + message;
}

EncapTemplate encap_template_v4(Mac dst, Mac src, std::uint32_t sip, std::uint32_t dip,
                                std::uint32_t vni) {
  EncapTemplate t;
  t.dmac = dst;
  t.smac = src;
  t.vni = vni;
  fmt::store_be(t.sip.data() + 12, sip, 4);  // IPv4 in the last 4 bytes
  fmt::store_be(t.dip.data() + 12, dip, 4);
  return t;
}

namespace {

using Type = FlowError::Type;

/// An encap action's template index and tunnel type.
std::optional<std::pair<unsigned, fmt::EncapTunnel>> encap_of(const FlowAction& act) {
  if (const auto* e = std::get_if<ActionVxlanEncap>(&act))
    return std::pair{e->template_index, fmt::EncapTunnel::kVxlan};
  if (const auto* e = std::get_if<ActionNvgreEncap>(&act))
    return std::pair{e->template_index, fmt::EncapTunnel::kNvgre};
  if (const auto* e = std::get_if<ActionGeneveEncap>(&act))
    return std::pair{e->template_index, fmt::EncapTunnel::kGeneve};
  return std::nullopt;
}

/// "VXLAN_ENCAP", "NVGRE_ENCAP", "GENEVE_ENCAP": the action's name in messages.
std::string encap_action_name(fmt::EncapTunnel t) {
  std::string s = fmt::to_string(t);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s + "_ENCAP";
}

FlowError err(Type t, int index, std::string msg) { return FlowError{t, std::move(msg), index}; }

// The TCAM key (docs/formats.md tcam_key): the flow key, then the Ethernet tail.
constexpr std::size_t kKeyBytes = K::kBytes;
constexpr std::size_t kIpv4InAddr = 12;  // an IPv4 address is the last 4 bytes of src / dst

struct Key {
  std::array<std::uint8_t, T::kBytes> v{}, m{};
  // Sets a field (big-endian, as every key field) to `val` under `mask`; a contradiction is an
  // error.
  bool set(const fmt::IntField& f, std::uint64_t val, std::uint64_t mask) {
    return set(f.offset, val, mask, f.size);
  }
  // Sets a sub-field (bits of a field) to `val` under `mask`.
  bool set(const fmt::BitField& b, std::uint64_t val, std::uint64_t mask) {
    return set(b.field, (val << b.lsb) & b.mask(), (mask << b.lsb) & b.mask());
  }
  bool set_bytes(const fmt::BytesField& f, const std::uint8_t* val, const std::uint8_t* mask) {
    return set_bytes(f.offset, val, mask, f.size);
  }
  // Sets big-endian bytes [off, off+n) to `val` under `mask`.
  bool set(std::size_t off, std::uint64_t val, std::uint64_t mask, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto sh = static_cast<unsigned>(8 * (n - 1 - i));
      const auto bv = static_cast<std::uint8_t>(val >> sh);
      const auto bm = static_cast<std::uint8_t>(mask >> sh);
      if ((m[off + i] & bm & (v[off + i] ^ bv)) != 0) return false;
      v[off + i] = static_cast<std::uint8_t>((v[off + i] & ~bm) | (bv & bm));
      m[off + i] |= bm;
    }
    return true;
  }
  bool set_bytes(std::size_t off, const std::uint8_t* val, const std::uint8_t* mask,
                 std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!set(off + i, val[i], mask[i], 1)) return false;
    }
    return true;
  }
  [[nodiscard]] std::uint8_t mask_at(std::size_t off) const { return m[off]; }
};

template <class H>
H full_mask();
template <>
EthHdr full_mask() {
  return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0xffff};
}
template <>
VlanHdr full_mask() {
  return {0x0fff, 0x0000};
}  // rte_flow default: VID only
template <>
Ipv4Hdr full_mask() {
  return {0xffffffff, 0xffffffff, 0, 0, 0, 0};
}
template <>
Ipv6Hdr full_mask() {
  Ipv6Hdr h;
  h.src.fill(0xff);
  h.dst.fill(0xff);
  return h;
}
template <>
TcpHdr full_mask() {
  return {0xffff, 0xffff, 0};
}
template <>
UdpHdr full_mask() {
  return {0xffff, 0xffff};
}
template <>
IcmpHdr full_mask() {
  return {0xff, 0xff, 0};
}
template <>
TunHdr full_mask() {
  return {0xffffff};
}
template <>
GreHdr full_mask() {
  return {0, 0};
}
template <>
VportHdr full_mask() {
  return {0xffffffff};
}
template <>
EndHdr full_mask() {
  return {};
}

/// (spec, mask) of an item; `present` false when there is no spec (match any).
template <class H>
struct SM {
  bool present = false;
  H spec{};
  H mask{};
};
template <class H>
SM<H> sm(const Item<H>& it) {
  SM<H> r;
  if (!it.spec) return r;
  r.present = true;
  r.spec = *it.spec;
  r.mask = it.mask ? *it.mask : full_mask<H>();
  return r;
}

bool any(const Mac& m) {
  return std::any_of(m.begin(), m.end(), [](auto b) { return b != 0; });
}
bool any(const Ipv6& m) {
  return std::any_of(m.begin(), m.end(), [](auto b) { return b != 0; });
}

bool is_tunnel(const FlowItem& it) {
  return std::holds_alternative<ItemVxlan>(it) || std::holds_alternative<ItemNvgre>(it) ||
         std::holds_alternative<ItemGeneve>(it) || std::holds_alternative<ItemGre>(it);
}

const char* item_name(const FlowItem& it) {
  static constexpr const char* kNames[] = {"ETH",    "VLAN", "IPV4",    "IPV6",  "TCP",
                                           "UDP",    "ICMP", "ICMPV6",  "VXLAN", "NVGRE",
                                           "GENEVE", "GRE",  "PORT_ID", "END"};
  return kNames[it.index()];
}

/// Pattern facts the action checks need.
struct PatternInfo {
  unsigned l3 = 0;  // 0 unknown/none, 1 IPv4, 2 IPv6 (key level)
  int proto = -1;   // exact IP protocol at the key level, -1 unknown
  bool tunnel = false;
};

std::optional<FlowError> compile_pattern(const Features& f, const FlowAttr& attr,
                                         std::span<const FlowItem> pattern, Key& k,
                                         PatternInfo& info) {
  // The bits of byte 1 that are neither l3 nor tun are always zero.
  k.set(K::TYPES, 0, 0xFFu & ~(K::L3.mask() | K::TUN.mask()));
  // Where the key level starts: after the first tunnel item.
  int tunnel_at = -1;
  std::size_t end = pattern.size();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (std::holds_alternative<ItemEnd>(pattern[i])) {
      end = i;
      break;
    }
    if (is_tunnel(pattern[i])) {
      if (tunnel_at >= 0) {
        return err(Type::kItem, static_cast<int>(i),
                   "nested tunnel: the NIC keys on one tunnel level");
      }
      tunnel_at = static_cast<int>(i);
    }
  }
  info.tunnel = tunnel_at >= 0;

  if (attr.ingress_vport) {
    if (*attr.ingress_vport > 255) return err(Type::kAttr, -1, "ingress vport above 255");
    k.set(K::VPORT, *attr.ingress_vport, 0xff);
  }

  TunType tun = TunType::kNone;
  unsigned vlans = 0;
  bool eth_type_exact = false;
  std::uint16_t eth_type = 0;
  bool have_l4 = false;
  bool icmp_echo_unknown = false;

  for (std::size_t i = 0; i < end; ++i) {
    const int idx = static_cast<int>(i);
    const FlowItem& item = pattern[i];
    const bool outer = tunnel_at >= 0 && idx < tunnel_at;
    const bool next_is_vlan = i + 1 < end && std::holds_alternative<ItemVlan>(pattern[i + 1]);
    auto not_in_key = [&](const char* what) {
      return err(Type::kItem, idx,
                 std::string(item_name(item)) + ": " + what + " is not part of the flow key");
    };
    auto conflict = [&]() {
      return err(Type::kItem, idx, std::string(item_name(item)) + ": contradicts an earlier item");
    };

    if (const auto* vport = std::get_if<ItemVport>(&item)) {
      const auto s = sm(*vport);
      if (!s.present) continue;
      if ((s.spec.id & s.mask.id) > 255) return err(Type::kItem, idx, "PORT_ID above 255");
      if (attr.ingress_vport && (s.mask.id & 0xff) != 0 &&
          (s.spec.id & 0xff) != *attr.ingress_vport) {
        return err(Type::kAttr, idx, "PORT_ID contradicts the ingress vport attribute");
      }
      if (!k.set(K::VPORT, s.spec.id, s.mask.id & 0xff)) return conflict();
      continue;
    }
    if (outer) {
      // Outer headers of a tunnelled packet do not enter the key: only structure is allowed
      // (and the UDP port that identifies the tunnel).
      bool masked = false;
      std::visit(
          [&](const auto& it) {
            using T = std::decay_t<decltype(it)>;
            const auto s = sm(it);
            if (!s.present) return;
            if constexpr (std::is_same_v<T, ItemUdp>) {
              const unsigned want = std::holds_alternative<ItemVxlan>(pattern[tunnel_at])    ? 4789u
                                    : std::holds_alternative<ItemGeneve>(pattern[tunnel_at]) ? 6081u
                                                                                             : 0u;
              if (s.mask.sport != 0) masked = true;
              if (s.mask.dport != 0 &&
                  (want == 0 || (s.spec.dport & s.mask.dport) != (want & s.mask.dport))) {
                masked = true;
              }
            } else if constexpr (std::is_same_v<T, ItemEth>) {
              if (any(s.mask.dst) || any(s.mask.src)) masked = true;
              // type may describe the structure; it is not matched
            } else if constexpr (std::is_same_v<T, ItemVlan>) {
              if ((s.mask.tci) != 0) masked = true;
            } else if constexpr (std::is_same_v<T, ItemIpv4>) {
              if (s.mask.src || s.mask.dst || s.mask.ttl || s.mask.tos || s.mask.frag)
                masked = true;
            } else if constexpr (std::is_same_v<T, ItemIpv6>) {
              if (any(s.mask.src) || any(s.mask.dst) || s.mask.hop_limit || s.mask.tc)
                masked = true;
            } else {
              masked = true;
            }
          },
          item);
      if (masked) {
        return err(Type::kItem, idx,
                   std::string(item_name(item)) +
                       ": outer headers of a tunnel are not part of the flow key (the "
                       "outer source: action CHECK_OUTER_SRC)");
      }
      continue;
    }

    if (const auto* eth = std::get_if<ItemEth>(&item)) {
      const auto s = sm(*eth);
      if (!s.present) continue;
      if (!k.set_bytes(T::DMAC, s.spec.dst.data(), s.mask.dst.data())) return conflict();
      if (!k.set_bytes(T::SMAC, s.spec.src.data(), s.mask.src.data())) return conflict();
      if (s.mask.type != 0 && !next_is_vlan) {
        if (!k.set(T::ETYPE, s.spec.type, s.mask.type)) return conflict();
        if (s.mask.type == 0xffff) {
          eth_type_exact = true;
          eth_type = s.spec.type;
        }
      }
    } else if (const auto* vlan = std::get_if<ItemVlan>(&item)) {
      ++vlans;
      if (vlans > 2) return err(Type::kItem, idx, "VLAN: at most two tags");
      const auto s = sm(*vlan);
      if (!s.present) continue;
      if ((s.mask.tci & 0xF000) != 0) return not_in_key("VLAN PCP/DEI");
      if ((s.mask.tci & 0x0FFF) != 0) {
        if (tunnel_at >= 0) return not_in_key("the inner VLAN ID of a tunnelled packet");
        if (vlans > 1) return not_in_key("the VLAN ID of the second tag");
        if (!k.set(K::TUN_ID, s.spec.tci & 0x0FFF, s.mask.tci & 0x0FFF)) return conflict();
      }
      if (s.mask.inner_type != 0) {
        if (!k.set(T::ETYPE, s.spec.inner_type, s.mask.inner_type)) return conflict();
        if (s.mask.inner_type == 0xffff) {
          eth_type_exact = true;
          eth_type = s.spec.inner_type;
        }
      }
    } else if (const auto* ipv4 = std::get_if<ItemIpv4>(&item)) {
      if (info.l3 != 0)
        return err(Type::kItem, idx, "IPV4: a second IP header (IP in IP) is not parsed");
      info.l3 = 1;
      const auto s = sm(*ipv4);
      // The address bytes before the IPv4 address are zero.
      std::uint8_t zeros[kIpv4InAddr] = {}, ones[kIpv4InAddr];
      std::memset(ones, 0xff, sizeof ones);
      k.set_bytes(K::SRC.offset, zeros, ones, kIpv4InAddr);
      k.set_bytes(K::DST.offset, zeros, ones, kIpv4InAddr);
      if (!s.present) continue;
      if (s.mask.ttl) return not_in_key("TTL");
      if (s.mask.tos) return not_in_key("TOS/DSCP");
      if (s.mask.frag) return not_in_key("the fragment offset / flags");
      if (!k.set(K::SRC.offset + kIpv4InAddr, s.spec.src, s.mask.src, 4)) return conflict();
      if (!k.set(K::DST.offset + kIpv4InAddr, s.spec.dst, s.mask.dst, 4)) return conflict();
      if (s.mask.proto && !k.set(K::PROTO, s.spec.proto, s.mask.proto)) return conflict();
    } else if (const auto* ipv6 = std::get_if<ItemIpv6>(&item)) {
      if (info.l3 != 0)
        return err(Type::kItem, idx, "IPV6: a second IP header (IP in IP) is not parsed");
      info.l3 = 2;
      const auto s = sm(*ipv6);
      if (!s.present) continue;
      if (s.mask.hop_limit) return not_in_key("hop limit");
      if (s.mask.tc) return not_in_key("traffic class");
      if (!k.set_bytes(K::SRC, s.spec.src.data(), s.mask.src.data())) return conflict();
      if (!k.set_bytes(K::DST, s.spec.dst.data(), s.mask.dst.data())) return conflict();
      if (s.mask.proto && !k.set(K::PROTO, s.spec.proto, s.mask.proto)) return conflict();
    } else if (const auto* tcp = std::get_if<ItemTcp>(&item)) {
      have_l4 = true;
      if (!k.set(K::PROTO, 6, 0xff)) return conflict();
      const auto s = sm(*tcp);
      if (!s.present) continue;
      if (s.mask.flags) return not_in_key("TCP flags");
      if (!k.set(K::SPORT, s.spec.sport, s.mask.sport)) return conflict();
      if (!k.set(K::DPORT, s.spec.dport, s.mask.dport)) return conflict();
    } else if (const auto* udp = std::get_if<ItemUdp>(&item)) {
      have_l4 = true;
      if (!k.set(K::PROTO, 17, 0xff)) return conflict();
      const auto s = sm(*udp);
      if (!s.present) continue;
      if (!k.set(K::SPORT, s.spec.sport, s.mask.sport)) return conflict();
      if (!k.set(K::DPORT, s.spec.dport, s.mask.dport)) return conflict();
    } else if (std::holds_alternative<ItemIcmp>(item) || std::holds_alternative<ItemIcmpv6>(item)) {
      const bool v6 = std::holds_alternative<ItemIcmpv6>(item);
      have_l4 = true;
      if (info.l3 == (v6 ? 1u : 2u)) {
        return err(Type::kItem, idx, v6 ? "ICMPV6 over IPv4" : "ICMP over IPv6 (use ICMPV6)");
      }
      if (!k.set(K::PROTO, v6 ? 58 : 1, 0xff)) return conflict();
      const auto s = v6 ? sm(static_cast<const Item<IcmpHdr>&>(std::get<ItemIcmpv6>(item)))
                        : sm(static_cast<const Item<IcmpHdr>&>(std::get<ItemIcmp>(item)));
      if (!s.present) {
        icmp_echo_unknown = true;
        continue;
      }
      const std::uint16_t sv = static_cast<std::uint16_t>(s.spec.type << 8 | s.spec.code);
      const std::uint16_t smk = static_cast<std::uint16_t>(s.mask.type << 8 | s.mask.code);
      if (!k.set(K::SPORT, sv, smk)) return conflict();
      const bool type_exact = s.mask.type == 0xff;
      const bool echo =
          v6 ? (s.spec.type == 128 || s.spec.type == 129) : (s.spec.type == 8 || s.spec.type == 0);
      if (type_exact && echo) {
        if (!k.set(K::DPORT, s.spec.ident, s.mask.ident)) return conflict();
      } else if (type_exact) {
        if (s.mask.ident) return not_in_key("the identifier of a non-echo ICMP message");
        k.set(K::DPORT, 0, 0xffff);
      } else if (s.mask.ident) {
        return err(Type::kItem, idx, "ICMP identifier needs an exact echo request/reply type");
      }
    } else if (is_tunnel(item)) {
      std::uint32_t id = 0, idm = 0;
      if (const auto* vxlan = std::get_if<ItemVxlan>(&item)) {
        tun = TunType::kVxlan;
        if (const auto s = sm(*vxlan); s.present) {
          id = s.spec.id;
          idm = s.mask.id;
        }
      } else if (const auto* geneve = std::get_if<ItemGeneve>(&item)) {
        tun = TunType::kGeneve;
        if (const auto s = sm(*geneve); s.present) {
          id = s.spec.id;
          idm = s.mask.id;
        }
      } else if (const auto* nvgre = std::get_if<ItemNvgre>(&item)) {
        tun = TunType::kNvgre;
        if (const auto s = sm(*nvgre); s.present) {
          id = s.spec.id;
          idm = s.mask.id;
        }
      } else if (const auto* gre = std::get_if<ItemGre>(&item)) {
        tun = TunType::kGre;
        const Item<GreHdr>& base = *gre;
        if (base.spec) {
          const GreHdr m = base.mask ? *base.mask : GreHdr{0xffffffff, 0};
          if (m.protocol) return not_in_key("the GRE protocol");
          id = base.spec->key;
          idm = m.key;
        }
      }
      if ((idm & 0xFF000000u) != 0) {
        return not_in_key(tun == TunType::kGre ? "the upper 8 bits of the GRE key"
                                         : "bits above 24 of the tunnel id");
      }
      if (idm && !k.set(K::TUN_ID, id, idm)) return conflict();
    }
  }

  // Structure: tunnel type, and the tunnel id when there is none.
  if (tun == TunType::kNone && vlans > 0) tun = TunType::kVlan;
  if (!k.set(K::TUN, static_cast<std::uint64_t>(tun), 0xff))
    return err(Type::kItem, -1, "tunnel type contradiction");
  if (tun == TunType::kNone) k.set(K::TUN_ID, 0, 0xffffff);
  if (tun == TunType::kVlan) k.set(K::TUN_ID, 0, 0xfff000);  // a VID has 12 bits

  if (eth_type_exact) {
    // The EtherType after the tags is implied by the key (l3, or dport for non-IP): keep it
    // out of the TCAM tail so the rule can stay exact.
    const unsigned implied = eth_type == 0x0800 ? 1 : eth_type == 0x86DD ? 2 : 0;
    if (info.l3 != 0 && info.l3 != implied) {
      return err(Type::kItem, -1, "EtherType contradicts the IP item");
    }
    std::fill_n(k.v.begin() + T::ETYPE.offset, T::ETYPE.size, 0);
    std::fill_n(k.m.begin() + T::ETYPE.offset, T::ETYPE.size, 0);
  }
  if (info.l3 == 0 && eth_type_exact) {
    if (eth_type == 0x0800)
      info.l3 = 1;
    else if (eth_type == 0x86DD)
      info.l3 = 2;
    else {
      // Not IP: proto 0, sport 0, dport = EtherType, no addresses.
      std::uint8_t zeros[16] = {}, ones[16];
      std::memset(ones, 0xff, sizeof ones);
      k.set(K::L3, 0, 0xff);
      k.set(K::PROTO, 0, 0xff);
      k.set(K::SPORT, 0, 0xffff);
      k.set(K::DPORT, eth_type, 0xffff);
      k.set_bytes(K::SRC, zeros, ones);
      k.set_bytes(K::DST, zeros, ones);
    }
  }
  if (info.l3 != 0) k.set(K::L3, info.l3, 0xff);
  if (k.mask_at(K::PROTO.offset) == 0xff) info.proto = k.v[K::PROTO.offset];
  if (info.l3 != 0 && !have_l4 && info.proto >= 0 && info.proto != 6 && info.proto != 17 &&
      info.proto != 1 && info.proto != 58) {
    k.set(K::SPORT, 0, 0xffff);
    k.set(K::DPORT, 0, 0xffff);
  }
  (void)icmp_echo_unknown;
  (void)f;
  return std::nullopt;
}

/// `tunnel_of(index)`: the tunnel type of encap template `index` (FlowTable::encap_tunnel).
template <class TunnelOf>
std::optional<FlowError> compile_actions(const Features& f, const PatternInfo& info,
                                         std::span<const FlowAction> actions,
                                         const TunnelOf& tunnel_of,
                                         std::array<std::uint8_t, fmt::ActionRecord::kBytes>& rec) {
  fmt::ActionRecord a;  // encoded into rec at the end
  std::optional<fmt::DestType> dest_type;
  unsigned dest_id = 0;
  int dest_index = -1;
  bool push = false, pop = false, set_vid = false, set_pcp = false;
  std::uint16_t vid = 0;
  std::uint8_t pcp = 0;
  bool sip4 = false, sip6 = false, dip4 = false, dip6 = false, decap = false;
  std::optional<std::array<std::uint8_t, 16>> osrc_addr;
  std::vector<std::size_t> seen(std::variant_size_v<FlowAction>, 0);

  for (std::size_t i = 0; i < actions.size(); ++i) {
    const int idx = static_cast<int>(i);
    const FlowAction& act = actions[i];
    if (std::holds_alternative<ActionEnd>(act)) break;
    if (seen[act.index()]++ > 0) return err(Type::kAction, idx, "the same action twice");
    auto dest = [&](fmt::DestType type, unsigned id) -> std::optional<FlowError> {
      if (dest_type) {
        return err(Type::kAction, idx,
                   "two destinations (first at action " + std::to_string(dest_index) +
                       "): the NIC has one fate per flow");
      }
      dest_type = type;
      dest_id = id;
      dest_index = idx;
      return std::nullopt;
    };
    std::optional<FlowError> e;
    if (std::holds_alternative<ActionDrop>(act)) {
      e = dest(fmt::DestType::kDrop, 0);
    } else if (const auto* port = std::get_if<ActionPort>(&act)) {
      if (port->port != 0) return err(Type::kAction, idx, "PORT: the NIC has one wire port (0)");
      e = dest(fmt::DestType::kWire, 0);
    } else if (const auto* vnic = std::get_if<ActionVnic>(&act)) {
      if (vnic->vport < 1 || vnic->vport > f.num_vnic) {
        return err(Type::kAction, idx,
                   "PORT_ID " + std::to_string(vnic->vport) + ": VNICs are 1.." +
                       std::to_string(f.num_vnic));
      }
      e = dest(fmt::DestType::kVnic, vnic->vport);
    } else if (std::holds_alternative<ActionException>(act)) {
      e = dest(fmt::DestType::kException, 0);
    } else if (const auto* mark = std::get_if<ActionMark>(&act)) {
      a.set_mark(true);
      a.mark_value = mark->id;
    } else if (const auto* meter = std::get_if<ActionMeter>(&act)) {
      if (!f.actions) return err(Type::kUnsupported, idx, "METER: the NIC has no actions block");
      if (meter->index < 1 || meter->index >= f.num_meters) {
        return err(Type::kAction, idx,
                   "METER " + std::to_string(meter->index) + ": meters are 1.." +
                       std::to_string(f.num_meters - 1));
      }
      a.meter = static_cast<std::uint16_t>(meter->index);
    } else if (std::holds_alternative<ActionVxlanDecap>(act)) {
      if (!info.tunnel) {
        return err(Type::kAction, idx,
                   "DECAP: the pattern has no tunnel item (VXLAN, NVGRE, GENEVE, GRE)");
      }
      decap = true;
      a.set_decap(true);
    } else if (const auto enc = encap_of(act)) {
      const std::string name = encap_action_name(enc->second);
      if (!f.actions) return err(Type::kUnsupported, idx, name + ": the NIC has no actions block");
      if (enc->first < 1 || enc->first >= f.num_encap) {
        return err(Type::kAction, idx,
                   name + " template " + std::to_string(enc->first) + ": templates are 1.." +
                       std::to_string(f.num_encap - 1));
      }
      if (a.encap()) return err(Type::kAction, idx, name + ": a second encap action");
      if (tunnel_of(enc->first) != enc->second) {
        return err(Type::kAction, idx,
                   name + " template " + std::to_string(enc->first) + " is a " +
                       fmt::to_string(tunnel_of(enc->first)) + " template");
      }
      a.set_encap(true);
      a.encap_index = static_cast<std::uint16_t>(enc->first);
    } else if (std::holds_alternative<ActionPopVlan>(act)) {
      pop = true;
    } else if (const auto* push_vlan = std::get_if<ActionPushVlan>(&act)) {
      if (push_vlan->ethertype != 0x8100)
        return err(Type::kAction, idx, "OF_PUSH_VLAN: the NIC pushes 0x8100 tags only");
      push = true;
    } else if (const auto* set_vlan_vid = std::get_if<ActionSetVlanVid>(&act)) {
      if (set_vlan_vid->vid > 0x0FFF) return err(Type::kAction, idx, "OF_SET_VLAN_VID above 4095");
      set_vid = true;
      vid = set_vlan_vid->vid;
    } else if (const auto* set_vlan_pcp = std::get_if<ActionSetVlanPcp>(&act)) {
      if (set_vlan_pcp->pcp > 7) return err(Type::kAction, idx, "OF_SET_VLAN_PCP above 7");
      set_pcp = true;
      pcp = set_vlan_pcp->pcp;
    } else if (const auto* set_mac_dst = std::get_if<ActionSetMacDst>(&act)) {
      a.set_set_dmac(true);
      a.dmac = set_mac_dst->mac;
    } else if (const auto* set_mac_src = std::get_if<ActionSetMacSrc>(&act)) {
      a.set_set_smac(true);
      a.smac = set_mac_src->mac;
    } else if (const auto* set_ipv4_src = std::get_if<ActionSetIpv4Src>(&act)) {
      sip4 = true;
      a.set_set_sip(true);
      fmt::store_be(a.sip.data() + kIpv4InAddr, set_ipv4_src->addr, 4);
    } else if (const auto* set_ipv6_src = std::get_if<ActionSetIpv6Src>(&act)) {
      sip6 = true;
      a.set_set_sip(true);
      a.sip = set_ipv6_src->addr;
    } else if (const auto* set_ipv4_dst = std::get_if<ActionSetIpv4Dst>(&act)) {
      dip4 = true;
      a.set_set_dip(true);
      fmt::store_be(a.dip.data() + kIpv4InAddr, set_ipv4_dst->addr, 4);
    } else if (const auto* set_ipv6_dst = std::get_if<ActionSetIpv6Dst>(&act)) {
      dip6 = true;
      a.set_set_dip(true);
      a.dip = set_ipv6_dst->addr;
    } else if (const auto* set_tp_src = std::get_if<ActionSetTpSrc>(&act)) {
      a.set_set_sport(true);
      a.sport = set_tp_src->port;
    } else if (const auto* set_tp_dst = std::get_if<ActionSetTpDst>(&act)) {
      a.set_set_dport(true);
      a.dport = set_tp_dst->port;
    } else if (std::holds_alternative<ActionDecTtl>(act)) {
      a.set_dec_ttl(true);
    } else if (std::holds_alternative<ActionMirror>(act)) {
      a.set_mirror(true);
    } else if (std::holds_alternative<ActionTcpCtlCopy>(act)) {
      if (!f.tcp_ctl_copy)
        return err(Type::kUnsupported, idx, "TCP_CTL_COPY: the NIC's actions block is minor 0");
      // The key level's TCP header decides (spec 5.2 step 2), so the key-level protocol.
      if (info.proto >= 0 && info.proto != 6) {
        return err(Type::kAction, idx,
                   "TCP_CTL_COPY on a flow that is not TCP (the NIC copies TCP SYN, FIN and "
                   "RST)");
      }
      a.set_tcp_ctl_copy(true);
    } else if (const auto* osrc = std::get_if<ActionCheckOuterSrc>(&act)) {
      if (!f.check_osrc) {
        return err(Type::kUnsupported, idx,
                   "CHECK_OUTER_SRC: the NIC's actions block is older than minor 2");
      }
      a.set_check_osrc(true);
      osrc_addr = osrc->addr;
    }
    if (e) return e;
    // Consistency with the pattern (the rewrite applies to the key-level IP header when the
    // packet is untunnelled or decapsulated).
    const bool keyed_ip = !info.tunnel || decap;
    if ((sip4 && sip6) || (dip4 && dip6)) {
      return err(Type::kAction, idx, "SET_IPV4_* and SET_IPV6_* on one flow");
    }
    if (keyed_ip && info.l3 == 2 && (sip4 || dip4))
      return err(Type::kAction, idx, "SET_IPV4_* on an IPv6 flow");
    if (keyed_ip && info.l3 == 1 && (sip6 || dip6))
      return err(Type::kAction, idx, "SET_IPV6_* on an IPv4 flow");
    if ((a.set_sport() || a.set_dport()) && keyed_ip && info.proto >= 0 && info.proto != 6 && info.proto != 17) {
      return err(Type::kAction, idx, "SET_TP_*: the NIC rewrites TCP and UDP ports only");
    }
    if (a.dec_ttl() && keyed_ip && info.l3 == 0 && info.proto == 0) {
      return err(Type::kAction, idx, "DEC_TTL on a non-IP flow");
    }
  }
  if (!dest_type) {
    return err(Type::kAction, -1, "no destination: add DROP, PORT, PORT_ID (VNIC) or EXCEPTION");
  }
  if (osrc_addr) {  // the record's sip field holds the expected source (spec 5.1)
    if (sip4 || sip6) {
      return err(Type::kAction, -1,
                 "CHECK_OUTER_SRC with SET_IPV4_SRC / SET_IPV6_SRC: one field holds either");
    }
    a.sip = *osrc_addr;
  }
  // VLAN: one operation per flow.
  fmt::VlanOp vlan_op = fmt::VlanOp::kNone;
  if (pop && (push || set_vid || set_pcp)) {
    return err(Type::kAction, -1, "OF_POP_VLAN with a push/set: the NIC does one VLAN operation");
  }
  if (pop) vlan_op = fmt::VlanOp::kPop;
  if (push)
    vlan_op = fmt::VlanOp::kPush;
  else if (set_vid)
    vlan_op = fmt::VlanOp::kRewrite;
  else if (set_pcp) {
    return err(Type::kAction, -1,
               "OF_SET_VLAN_PCP alone: the NIC rewrites the whole TCI; add OF_SET_VLAN_VID");
  }
  a.set_vlan_op(vlan_op);
  a.vlan_tci = static_cast<std::uint16_t>(vid | (pcp << 13));
  a.set_dest_type(*dest_type).set_dest_id(static_cast<std::uint8_t>(dest_id));
  a.encode(rec);
  return std::nullopt;
}

FlowError status_error(FlowStatus code, const char* what) {
  switch (code) {
    case FlowStatus::kExists:
      return err(Type::kExists, -1, std::string(what) + ": the same key is installed");
    case FlowStatus::kTableFull:
      return err(Type::kTableFull, -1, std::string(what) + ": table full");
    case FlowStatus::kNotFound:
      return err(Type::kNotFound, -1, std::string(what) + ": no such entry");
    default:
      return err(Type::kUnsupported, -1,
                 std::string(what) + ": NIC status " +
                     std::to_string(static_cast<unsigned>(code)) + " (" + fmt::to_string(code) +
                     ")");
  }
}

/// The CODE field of a command status register.
FlowStatus code_of(const regs::Field& code, std::uint32_t status) {
  return static_cast<FlowStatus>(code.get(status));
}

}  // namespace

// ---- FlowTable -------------------------------------------------------------------------------

FlowTable::FlowTable(Driver& drv)
    : drv_(&drv), tcam_used_(drv.features().tcam ? drv.features().tcam_entries : 0) {}

FlowTable::~FlowTable() {
  if (ring_.empty() || !drv_->has(Block::kFcmd)) return;
  try {
    drv_->wr(drv_->block(Block::kFcmd).base + R::fcmd::FCMD_CTRL, 0);
  } catch (...) {
  }
}

Result<CompiledRule> FlowTable::compile(const FlowAttr& attr, std::span<const FlowItem> pattern,
                                        std::span<const FlowAction> actions,
                                        bool nic_templates) const {
  const Features& f = drv_->features();
  if (!attr.ingress) return err(Type::kAttr, -1, "only ingress flows (the NIC's pipeline) exist");
  if (attr.egress) return err(Type::kAttr, -1, "egress flows are not supported");
  if (attr.transfer) return err(Type::kAttr, -1, "transfer flows are not supported");
  if (attr.priority > 0xFFFF) return err(Type::kAttr, -1, "priority above 65535");
  CompiledRule c;
  Key k;
  PatternInfo info;
  if (auto e = compile_pattern(f, attr, pattern, k, info)) return *e;
  // Without the NIC's templates, each encap action is taken to name a template of its type.
  std::optional<fmt::EncapTunnel> own;
  if (!nic_templates) {
    for (const FlowAction& a : actions) {
      if (const auto enc = encap_of(a)) own = enc->second;
    }
  }
  const auto tunnel_of = [this, own](unsigned index) { return own ? *own : encap_tunnel(index); };
  if (auto e = compile_actions(f, info, actions, tunnel_of, c.action)) return *e;
  for (unsigned i = 0; i < T::kBytes; ++i) k.v[i] &= k.m[i];
  c.value = k.v;
  c.mask = k.m;
  c.priority = static_cast<std::uint16_t>(attr.priority);
  bool full = true;
  for (unsigned i = 0; i < kKeyBytes; ++i) full = full && k.m[i] == 0xff;
  for (unsigned i = kKeyBytes; i < T::kBytes; ++i) full = full && k.m[i] == 0;
  switch (attr.placement) {
    case Placement::kAuto:
      c.table = (full && f.flow_table) ? FlowTableKind::kExact : FlowTableKind::kTcam;
      break;
    case Placement::kExact:
      if (!full) {
        return err(Type::kAttr, -1,
                   "placement EXACT needs every flow-key field exact and no MAC/EtherType match");
      }
      c.table = FlowTableKind::kExact;
      break;
    case Placement::kTcam:
      c.table = FlowTableKind::kTcam;
      break;
  }
  if (c.table == FlowTableKind::kExact && !f.flow_table) {
    return err(Type::kUnsupported, -1, "the NIC has no exact-match flow table");
  }
  if (c.table == FlowTableKind::kTcam && !f.tcam) {
    return err(Type::kUnsupported, -1,
               full ? "the NIC has no TCAM" : "the rule has wildcards and the NIC has no TCAM");
  }
  return c;
}

Result<void> FlowTable::validate(const FlowAttr& attr, std::span<const FlowItem> pattern,
                                 std::span<const FlowAction> actions) const {
  auto c = compile(attr, pattern, actions);
  if (!c) return c.error();
  return {};
}

Flow FlowTable::remember(FlowTableKind t, std::uint32_t hw, const CompiledRule& rule) {
  const Flow f{next_id_++};
  flows_.emplace(f.id, Installed{t, hw, rule});
  return f;
}

Result<Flow> FlowTable::install_em(const CompiledRule& c) {
  const std::uint32_t b = drv_->base(Block::kFlow, "exact-match flows");
  drv_->wr_words(b + R::flow::FT_KEY, R::flow::FT_KEY_COUNT, std::span(c.value).first(kKeyBytes));
  drv_->wr_words(b + R::flow::FT_ACTION, R::flow::FT_ACTION_COUNT, c.action);
  drv_->wr(b + R::flow::FT_CMD, static_cast<std::uint32_t>(fmt::FtCmd::kInsert));
  const std::uint32_t st = drv_->wait_not_busy(b + R::flow::FT_STATUS, "FT_STATUS");
  const FlowStatus code = code_of(R::flow::FT_STATUS_CODE, st);
  if (code != FlowStatus::kOk) return status_error(code, "exact-match insert");
  return remember(FlowTableKind::kExact, drv_->rd(b + R::flow::FT_HANDLE), c);
}

Result<Flow> FlowTable::install_tcam(const CompiledRule& c) {
  const std::uint32_t b = drv_->base(Block::kTcam, "TCAM flows");
  const auto it = std::find(tcam_used_.begin(), tcam_used_.end(), false);
  if (it == tcam_used_.end()) {
    return err(Type::kTableFull, -1, "TCAM full (" + std::to_string(tcam_used_.size()) + " rules)");
  }
  const auto index = static_cast<std::uint32_t>(it - tcam_used_.begin());
  drv_->wr(b + R::tcam::TCAM_INDEX, index);
  drv_->wr(b + R::tcam::TCAM_PRIO, c.priority);
  drv_->wr_words(b + R::tcam::TCAM_VALUE, R::tcam::TCAM_VALUE_COUNT, c.value);
  drv_->wr_words(b + R::tcam::TCAM_MASK, R::tcam::TCAM_MASK_COUNT, c.mask);
  drv_->wr_words(b + R::tcam::TCAM_ACTION, R::tcam::TCAM_ACTION_COUNT, c.action);
  drv_->wr(b + R::tcam::TCAM_CMD, static_cast<std::uint32_t>(fmt::TcamCmd::kWrite));
  const std::uint32_t st = drv_->wait_not_busy(b + R::tcam::TCAM_STATUS, "TCAM_STATUS");
  const FlowStatus code = code_of(R::tcam::TCAM_STATUS_CODE, st);
  if (code != FlowStatus::kOk) return status_error(code, "TCAM write");
  *it = true;
  return remember(FlowTableKind::kTcam, index, c);
}

Result<Flow> FlowTable::create(const FlowAttr& attr, std::span<const FlowItem> pattern,
                               std::span<const FlowAction> actions) {
  auto c = compile(attr, pattern, actions);
  if (!c) return c.error();
  return c->table == FlowTableKind::kExact ? install_em(*c) : install_tcam(*c);
}

void FlowTable::setup_ring() {
  const std::uint32_t b = drv_->base(Block::kFcmd, "the flow-command ring");
  const std::size_t n = std::size_t{1} << ring_log2_;
  ring_ = drv_->device().alloc_dma(n * fmt::Fcmd::kBytes, fmt::Fcmd::kBytes);
  drv_->wr(b + R::fcmd::FCMD_CTRL, 0);
  drv_->wr64(b + R::fcmd::FCMD_BASE_LO, ring_.iova());
  drv_->wr(b + R::fcmd::FCMD_SIZE_LOG2, ring_log2_);
  ring_prod_ = static_cast<std::uint16_t>(drv_->rd(b + R::fcmd::FCMD_CONS));
  drv_->wr(b + R::fcmd::FCMD_PROD, ring_prod_);
  drv_->wr(b + R::fcmd::FCMD_CTRL, 1);
}

std::span<std::uint8_t> FlowTable::ring_slot(std::uint16_t index) {
  const std::size_t n = std::size_t{1} << ring_log2_;
  return {ring_.data() + (index & (n - 1)) * fmt::Fcmd::kBytes, fmt::Fcmd::kBytes};
}

void FlowTable::ring_run(std::uint16_t prod) {
  const std::uint32_t b = drv_->block(Block::kFcmd).base;
  ring_prod_ = prod;
  std::atomic_thread_fence(std::memory_order_release);
  drv_->wr(b + R::fcmd::FCMD_PROD, ring_prod_);
  unsigned polls = 0;
  while (static_cast<std::uint16_t>(drv_->rd(b + R::fcmd::FCMD_CONS)) != ring_prod_) {
    if (++polls > 1000000) throw DriverError(DriverErrc::kTimeout, "flow-command ring stalled");
  }
  std::atomic_thread_fence(std::memory_order_acquire);
}

std::vector<Result<Flow>> FlowTable::create_batch(std::span<const FlowRule> rules) {
  std::vector<std::optional<Result<Flow>>> res(rules.size());
  std::vector<std::pair<std::size_t, CompiledRule>> em;
  em.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto c = compile(rules[i].attr, rules[i].pattern, rules[i].actions);
    if (!c) {
      res[i].emplace(c.error());
    } else if (c->table == FlowTableKind::kTcam) {
      res[i].emplace(install_tcam(*c));
    } else {
      em.emplace_back(i, std::move(*c));
    }
  }
  if (!em.empty()) {
    if (!drv_->features().flow_command_ring) {
      for (auto& [i, c] : em) res[i].emplace(install_em(c));
    } else {
      if (ring_.empty()) setup_ring();
      const unsigned n = 1u << ring_log2_;
      std::size_t next = 0;
      while (next < em.size()) {
        const std::size_t chunk = std::min<std::size_t>(n, em.size() - next);
        const std::uint16_t first = ring_prod_;
        for (std::size_t j = 0; j < chunk; ++j) {
          const CompiledRule& c = em[next + j].second;
          fmt::Fcmd cmd;
          cmd.op = fmt::FcmdOp::kEmInsert;
          std::copy_n(c.value.begin(), kKeyBytes, cmd.key.begin());
          cmd.action = c.action;
          cmd.encode(ring_slot(static_cast<std::uint16_t>(first + j)));
        }
        ring_run(static_cast<std::uint16_t>(first + chunk));
        for (std::size_t j = 0; j < chunk; ++j) {
          const auto& [i, c] = em[next + j];
          const fmt::Fcmd done = fmt::Fcmd::decode(ring_slot(static_cast<std::uint16_t>(first + j)));
          if (done.status == FlowStatus::kOk) {
            res[i].emplace(remember(FlowTableKind::kExact, done.handle, c));
          } else {
            res[i].emplace(status_error(done.status, "exact-match insert (command ring)"));
          }
        }
        next += chunk;
      }
    }
  }
  std::vector<Result<Flow>> out;
  out.reserve(rules.size());
  for (auto& r : res) out.push_back(std::move(*r));
  return out;
}

std::vector<Result<void>> FlowTable::destroy_batch(std::span<const Flow> flows) {
  std::vector<std::optional<Result<void>>> res(flows.size());
  std::vector<std::pair<std::size_t, std::uint32_t>> em;  // (index, EM handle)
  em.reserve(flows.size());
  const bool ring = drv_->features().flow_command_ring;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto it = flows_.find(flows[i].id);
    if (it != flows_.end() && it->second.table == FlowTableKind::kExact && ring) {
      em.emplace_back(i, it->second.hw);
      flows_.erase(it);  // forgotten now: a second mention of it is NOT_FOUND
    } else {
      res[i].emplace(destroy(flows[i]));
    }
  }
  if (!em.empty()) {
    if (ring_.empty()) setup_ring();
    const unsigned n = 1u << ring_log2_;
    for (std::size_t next = 0; next < em.size();) {
      const std::size_t chunk = std::min<std::size_t>(n, em.size() - next);
      const std::uint16_t first = ring_prod_;
      for (std::size_t j = 0; j < chunk; ++j) {
        fmt::Fcmd cmd;
        cmd.op = fmt::FcmdOp::kEmDeleteHandle;
        cmd.handle = em[next + j].second;
        cmd.encode(ring_slot(static_cast<std::uint16_t>(first + j)));
      }
      ring_run(static_cast<std::uint16_t>(first + chunk));
      for (std::size_t j = 0; j < chunk; ++j) {
        const fmt::Fcmd done = fmt::Fcmd::decode(ring_slot(static_cast<std::uint16_t>(first + j)));
        Result<void>& r = res[em[next + j].first].emplace();
        if (done.status != FlowStatus::kOk) r = status_error(done.status, "exact-match delete (command ring)");
      }
      next += chunk;
    }
  }
  std::vector<Result<void>> out;
  out.reserve(flows.size());
  for (auto& r : res) out.push_back(std::move(*r));
  return out;
}

FlowStatus FlowTable::em_cmd(std::uint32_t handle, fmt::FtCmd cmd) {
  const std::uint32_t b = drv_->base(Block::kFlow, "exact-match flows");
  drv_->wr(b + R::flow::FT_HANDLE, handle);
  drv_->wr(b + R::flow::FT_CMD, static_cast<std::uint32_t>(cmd));
  return code_of(R::flow::FT_STATUS_CODE, drv_->wait_not_busy(b + R::flow::FT_STATUS, "FT_STATUS"));
}

FlowStatus FlowTable::tcam_cmd(std::uint32_t index, fmt::TcamCmd cmd) {
  const std::uint32_t b = drv_->base(Block::kTcam, "TCAM flows");
  drv_->wr(b + R::tcam::TCAM_INDEX, index);
  drv_->wr(b + R::tcam::TCAM_CMD, static_cast<std::uint32_t>(cmd));
  return code_of(R::tcam::TCAM_STATUS_CODE,
                 drv_->wait_not_busy(b + R::tcam::TCAM_STATUS, "TCAM_STATUS"));
}

Result<void> FlowTable::destroy(Flow f) {
  const auto it = flows_.find(f.id);
  if (it == flows_.end())
    return err(Type::kNotFound, -1, "flow " + std::to_string(f.id) + " does not exist");
  const Installed& in = it->second;
  if (in.table == FlowTableKind::kExact) {
    const FlowStatus code = em_cmd(in.hw, fmt::FtCmd::kDeleteHandle);
    flows_.erase(it);
    if (code != FlowStatus::kOk) return status_error(code, "exact-match delete");
  } else {
    const FlowStatus code = tcam_cmd(in.hw, fmt::TcamCmd::kClear);
    tcam_used_[in.hw] = false;
    flows_.erase(it);
    if (code != FlowStatus::kOk) return status_error(code, "TCAM clear");
  }
  return {};
}

std::vector<Flow> FlowTable::flows() const {
  std::vector<Flow> out;
  out.reserve(flows_.size());
  for (const auto& [id, in] : flows_) out.push_back(Flow{id});
  return out;
}

Result<FlowCounters> FlowTable::query(Flow f) {
  const auto it = flows_.find(f.id);
  if (it == flows_.end())
    return err(Type::kNotFound, -1, "flow " + std::to_string(f.id) + " does not exist");
  const Installed& in = it->second;
  FlowCounters c;
  if (in.table == FlowTableKind::kExact) {
    const FlowStatus code = em_cmd(in.hw, fmt::FtCmd::kQuery);
    if (code != FlowStatus::kOk) return status_error(code, "exact-match query");
    const std::uint32_t b = drv_->base(Block::kFlow, "exact-match flows");
    c.packets = drv_->rd64(b + R::flow::FT_PKTS_LO);
    c.bytes = drv_->rd64(b + R::flow::FT_BYTES_LO);
    c.last_seen = drv_->rd(b + R::flow::FT_LAST_SEEN);
  } else {
    const FlowStatus code = tcam_cmd(in.hw, fmt::TcamCmd::kQuery);
    if (code != FlowStatus::kOk) return status_error(code, "TCAM query");
    const std::uint32_t b = drv_->base(Block::kTcam, "TCAM flows");
    c.packets = drv_->rd64(b + R::tcam::TCAM_PKTS_LO);
    c.bytes = drv_->rd64(b + R::tcam::TCAM_BYTES_LO);
  }
  return c;
}

namespace {
// query_bulk: records of the activity buffer (32 bytes each: 128 KiB), and the largest gap
// between two handles one EM_ACTIVITY command spans (the NIC reads the entries between; a
// longer gap starts another command).
constexpr std::uint32_t kActivityRecords = 4096;
constexpr std::uint32_t kActivityGap = 32;
}  // namespace

std::vector<Result<FlowCounters>> FlowTable::query_bulk(std::span<const Flow> flows) {
  std::vector<std::optional<Result<FlowCounters>>> res(flows.size());
  std::vector<std::pair<std::uint32_t, std::size_t>> em;  // (EM handle, index in flows)
  // EM_ACTIVITY needs the ring and a NIC that knows the opcode (fcmd minor 1).
  const bool ring = drv_->features().flow_command_ring && drv_->features().em_activity;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const auto it = flows_.find(flows[i].id);
    if (!ring || it == flows_.end() || it->second.table != FlowTableKind::kExact) {
      res[i].emplace(query(flows[i]));  // TCAM, unknown flow, or no EM_ACTIVITY
    } else {
      em.emplace_back(it->second.hw, i);
    }
  }
  std::sort(em.begin(), em.end());
  if (!em.empty()) {
    if (ring_.empty()) setup_ring();
    constexpr std::size_t kRec = fmt::EmActivity::kBytes;
    if (activity_.empty()) activity_ = drv_->device().alloc_dma(kActivityRecords * kRec, 64);
    struct Cmd {
      std::size_t first, end;  // em[first, end)
      std::uint32_t record;    // of its first handle in the buffer
    };
    const std::size_t n = std::size_t{1} << ring_log2_;
    std::size_t next = 0;
    while (next < em.size()) {
      // Commands for runs of nearby handles, until the ring or the buffer is full.
      std::vector<Cmd> cmds;
      std::uint32_t used = 0;
      const std::uint16_t first_slot = ring_prod_;
      while (next < em.size() && cmds.size() < n && used < kActivityRecords) {
        const std::uint32_t h0 = em[next].first;
        std::size_t end = next + 1;
        while (end < em.size() && em[end].first - em[end - 1].first <= kActivityGap &&
               em[end].first - h0 < kActivityRecords - used) {
          ++end;
        }
        const std::uint32_t count = em[end - 1].first - h0 + 1;
        fmt::Fcmd cmd;
        cmd.op = fmt::FcmdOp::kEmActivity;
        cmd.handle = h0;
        cmd.entries = static_cast<std::uint16_t>(count);
        cmd.buf_addr = activity_.iova() + std::uint64_t{used} * kRec;
        cmd.buf_len = static_cast<std::uint32_t>(count * kRec);
        cmd.encode(ring_slot(static_cast<std::uint16_t>(first_slot + cmds.size())));
        cmds.push_back({next, end, used});
        used += count;
        next = end;
      }
      ring_run(static_cast<std::uint16_t>(first_slot + cmds.size()));
      for (std::size_t c = 0; c < cmds.size(); ++c) {
        const Cmd& k = cmds[c];
        const fmt::Fcmd done = fmt::Fcmd::decode(ring_slot(static_cast<std::uint16_t>(first_slot + c)));
        for (std::size_t j = k.first; j < k.end; ++j) {
          const auto [h, i] = em[j];
          if (done.status != FlowStatus::kOk) {
            res[i].emplace(status_error(done.status, "exact-match activity (command ring)"));
            continue;
          }
          const std::size_t at = (k.record + (h - em[k.first].first)) * kRec;
          const fmt::EmActivity r =
              fmt::EmActivity::decode(std::span(activity_.data() + at, kRec));
          if (!r.valid() || r.handle != h) {
            res[i].emplace(err(Type::kNotFound, -1, "flow " + std::to_string(flows[i].id) +
                                                        ": its exact-match entry is gone"));
          } else {
            res[i].emplace(FlowCounters{r.pkts, r.bytes, r.last_seen});
          }
        }
      }
    }
  }
  std::vector<Result<FlowCounters>> out;
  out.reserve(res.size());
  for (auto& r : res) out.push_back(std::move(*r));
  return out;
}

Result<void> FlowTable::flush() {
  Result<void> first;
  while (!flows_.empty()) {
    Result<void> r = destroy(Flow{flows_.begin()->first});  // forgets the flow either way
    if (!r && first) first = std::move(r);
  }
  return first;
}

std::optional<FlowTableKind> FlowTable::table_of(Flow f) const {
  const auto it = flows_.find(f.id);
  if (it == flows_.end()) return std::nullopt;
  return it->second.table;
}

std::optional<std::uint32_t> FlowTable::hw_handle(Flow f) const {
  const auto it = flows_.find(f.id);
  if (it == flows_.end()) return std::nullopt;
  return it->second.hw;
}

namespace {
// A register array of `words` 32-bit words into bytes (byte 4i is bits 7:0 of word i), as
// Driver::wr_words writes them.
template <std::size_t N>
void rd_words(Driver& d, std::uint32_t addr, std::uint32_t words, std::array<std::uint8_t, N>& out) {
  for (std::uint32_t w = 0; w < words && 4 * w < N; ++w) {
    const std::uint32_t v = d.rd(addr + 4 * w);
    for (std::size_t j = 0; j < 4 && 4 * w + j < N; ++j)
      out[4 * w + j] = static_cast<std::uint8_t>(v >> (8 * j));
  }
}
}  // namespace

Result<CompiledRule> FlowTable::read_back(Flow f) {
  const auto it = flows_.find(f.id);
  if (it == flows_.end())
    return err(Type::kNotFound, -1, "flow " + std::to_string(f.id) + " does not exist");
  const Installed& in = it->second;
  CompiledRule c = in.rule;  // the fields the NIC does not hold for this table stay
  if (in.table == FlowTableKind::kExact) {
    const FlowStatus code = em_cmd(in.hw, fmt::FtCmd::kRead);
    if (code != FlowStatus::kOk) return status_error(code, "exact-match read");
    const std::uint32_t b = drv_->base(Block::kFlow, "exact-match flows");
    std::array<std::uint8_t, kKeyBytes> key{};
    rd_words(*drv_, b + R::flow::FT_KEY, R::flow::FT_KEY_COUNT, key);
    std::copy(key.begin(), key.end(), c.value.begin());
    rd_words(*drv_, b + R::flow::FT_ACTION, R::flow::FT_ACTION_COUNT, c.action);
  } else {
    const FlowStatus code = tcam_cmd(in.hw, fmt::TcamCmd::kRead);
    if (code != FlowStatus::kOk) return status_error(code, "TCAM read");
    const std::uint32_t b = drv_->base(Block::kTcam, "TCAM flows");
    c.priority = static_cast<std::uint16_t>(
        R::tcam::TCAM_PRIO_PRIO.get(drv_->rd(b + R::tcam::TCAM_PRIO)));
    rd_words(*drv_, b + R::tcam::TCAM_VALUE, R::tcam::TCAM_VALUE_COUNT, c.value);
    rd_words(*drv_, b + R::tcam::TCAM_MASK, R::tcam::TCAM_MASK_COUNT, c.mask);
    rd_words(*drv_, b + R::tcam::TCAM_ACTION, R::tcam::TCAM_ACTION_COUNT, c.action);
  }
  return c;
}

std::vector<std::string> FlowTable::audit(std::size_t max_flows) {
  std::vector<std::string> out;
  std::size_t n = 0;
  for (const auto& [id, in] : flows_) {
    if (n++ >= max_flows) break;
    const bool em = in.table == FlowTableKind::kExact;
    const std::string who = "flow " + std::to_string(id) + (em ? " (EM " : " (TCAM ") +
                            std::to_string(in.hw) + ")";
    const auto got = read_back(Flow{id});
    if (!got) {
      out.push_back(who + ": " + got.error().to_string());
      continue;
    }
    const CompiledRule& w = in.rule;
    const auto differ = [&](const char* what, std::size_t i, unsigned nic, unsigned drv) {
      char buf[96];
      std::snprintf(buf, sizeof buf, ": %s byte %zu: NIC 0x%02x, driver 0x%02x", what, i, nic, drv);
      out.push_back(who + buf);
    };
    const std::size_t key_bytes = em ? kKeyBytes : w.value.size();
    for (std::size_t i = 0; i < key_bytes; ++i) {
      const unsigned m = em ? 0xFFu : w.mask[i];
      if ((got->value[i] & m) != (w.value[i] & m)) differ("key", i, got->value[i], w.value[i]);
      if (!em && got->mask[i] != w.mask[i]) differ("mask", i, got->mask[i], w.mask[i]);
    }
    if (!em && got->priority != w.priority) {
      out.push_back(who + ": priority: NIC " + std::to_string(got->priority) + ", driver " +
                    std::to_string(w.priority));
    }
    for (std::size_t i = 0; i < w.action.size(); ++i) {
      if (got->action[i] != w.action[i]) differ("action", i, got->action[i], w.action[i]);
    }
  }
  return out;
}

std::uint32_t FlowTable::em_count() {
  return drv_->rd(drv_->base(Block::kFlow, "exact-match flows") + R::flow::FT_COUNT);
}

fmt::EncapTunnel FlowTable::encap_tunnel(unsigned index) const {
  const auto it = encap_tunnels_.find(index);
  return it == encap_tunnels_.end() ? fmt::EncapTunnel::kVxlan : it->second;
}

Result<void> FlowTable::set_encap_template(unsigned index, const EncapTemplate& t) {
  if (!drv_->features().actions) return err(Type::kUnsupported, -1, "the NIC has no actions block");
  if (index < 1 || index >= drv_->features().num_encap) {
    return err(Type::kAction, -1,
               "encap template " + std::to_string(index) + " outside 1.." +
                   std::to_string(drv_->features().num_encap - 1));
  }
  if (std::string_view(fmt::to_string(t.tunnel())) == "?") {  // not a type formats.yaml defines
    return err(Type::kAction, -1,
               "encap template " + std::to_string(index) + ": tunnel type " +
                   std::to_string(static_cast<unsigned>(t.tunnel())) +
                   " is reserved (VXLAN 0, NVGRE 1, GENEVE 2)");
  }
  if (t.tunnel() != fmt::EncapTunnel::kVxlan && !drv_->features().encap_nvgre_geneve) {
    return err(Type::kUnsupported, -1,
               std::string("encap template ") + fmt::to_string(t.tunnel()) +
                   ": the NIC's actions block is minor 0 (VXLAN templates only)");
  }
  const std::uint32_t b = drv_->block(Block::kActions).base;
  drv_->wr_words(b + R::actions::ENCAP_DATA, R::actions::ENCAP_DATA_COUNT, t.encode());
  drv_->wr(b + R::actions::ENCAP_INDEX, index);
  drv_->wr(b + R::actions::ENCAP_CMD, static_cast<std::uint32_t>(fmt::ActCmd::kWrite));
  const std::uint32_t st = drv_->wait_not_busy(b + R::actions::ACT_STATUS, "ACT_STATUS");
  const FlowStatus code = code_of(R::actions::ACT_STATUS_CODE, st);
  if (code != FlowStatus::kOk) return status_error(code, "encap template write");
  if (t.tunnel() == fmt::EncapTunnel::kVxlan)
    encap_tunnels_.erase(index);
  else
    encap_tunnels_[index] = t.tunnel();
  return {};
}

Result<void> FlowTable::set_meter(unsigned index, std::uint32_t rate, std::uint32_t burst) {
  if (!drv_->features().actions) return err(Type::kUnsupported, -1, "the NIC has no actions block");
  if (index < 1 || index >= drv_->features().num_meters) {
    return err(Type::kAction, -1,
               "meter " + std::to_string(index) + " outside 1.." +
                   std::to_string(drv_->features().num_meters - 1));
  }
  const std::uint32_t b = drv_->block(Block::kActions).base;
  drv_->wr(b + R::actions::METER_INDEX, index);
  drv_->wr(b + R::actions::METER_RATE, rate);
  drv_->wr(b + R::actions::METER_BURST, burst);
  drv_->wr(b + R::actions::METER_CMD, static_cast<std::uint32_t>(fmt::ActCmd::kWrite));
  const std::uint32_t st = drv_->wait_not_busy(b + R::actions::ACT_STATUS, "ACT_STATUS");
  const FlowStatus code = code_of(R::actions::ACT_STATUS_CODE, st);
  if (code != FlowStatus::kOk) return status_error(code, "meter write");
  return {};
}

Result<std::uint32_t> FlowTable::meter_tokens(unsigned index) {
  if (!drv_->features().actions) return err(Type::kUnsupported, -1, "the NIC has no actions block");
  const std::uint32_t b = drv_->block(Block::kActions).base;
  drv_->wr(b + R::actions::METER_INDEX, index);
  drv_->wr(b + R::actions::METER_CMD, static_cast<std::uint32_t>(fmt::ActCmd::kRead));
  const std::uint32_t st = drv_->wait_not_busy(b + R::actions::ACT_STATUS, "ACT_STATUS");
  const FlowStatus code = code_of(R::actions::ACT_STATUS_CODE, st);
  if (code != FlowStatus::kOk) return status_error(code, "meter read");
  return drv_->rd(b + R::actions::METER_TOKENS);
}

}  // namespace nicsim::host
