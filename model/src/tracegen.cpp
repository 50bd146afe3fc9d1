// SPDX-License-Identifier: MIT
#include "nicsim/model/tracegen.hpp"

#include <algorithm>

#include <array>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/headers.hpp"

namespace nicsim::model {

// ---- names and spec parsing ---------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, kHeaderKindCount> kKindNames = {
    "eth", "vlan", "qinq",   "arp",   "ipv4",  "ipv6", "ipv6ext", "tcp",
    "udp", "icmp", "icmpv6", "vxlan", "nvgre", "gre",  "geneve",
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string known_kinds() {
  std::string out;
  for (auto n : kKindNames) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

}  // namespace

std::string_view kind_name(HeaderKind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "?";
}

std::string KindSet::to_string() const {
  std::string out;
  for (std::size_t k = 0; k < kHeaderKindCount; ++k) {
    if (!has(static_cast<HeaderKind>(k))) continue;
    if (!out.empty()) out += ',';
    out += kKindNames[k];
  }
  return out;
}

SizeMix parse_size_mix(std::string_view text) {
  const std::string_view t = trim(text);
  if (t == "64") return SizeMix::k64;
  if (t == "128") return SizeMix::k128;
  if (t == "256") return SizeMix::k256;
  if (t == "512") return SizeMix::k512;
  if (t == "imix") return SizeMix::kImix;
  if (t == "1518") return SizeMix::k1518;
  if (t == "9000") return SizeMix::k9000;
  if (t == "mixed") return SizeMix::kMixed;
  throw TraceSpecError("unknown size mix '" + std::string(text) +
                       "' (expected 64, 128, 256, 512, imix, 1518, 9000 or mixed)");
}

std::string_view size_mix_name(SizeMix mix) noexcept {
  switch (mix) {
    case SizeMix::k64: return "64";
    case SizeMix::k128: return "128";
    case SizeMix::k256: return "256";
    case SizeMix::k512: return "512";
    case SizeMix::kImix: return "imix";
    case SizeMix::k1518: return "1518";
    case SizeMix::k9000: return "9000";
    case SizeMix::kMixed: return "mixed";
  }
  return "?";
}

KindSet parse_kinds(std::string_view text) {
  if (trim(text) == "all") return KindSet::all();
  KindSet set;
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (item.empty()) {
      throw TraceSpecError("empty header kind in '" + std::string(text) +
                           "' (expected a comma-separated list of: " + known_kinds() + ", or all)");
    }
    bool found = false;
    for (std::size_t k = 0; k < kHeaderKindCount; ++k) {
      if (kKindNames[k] == item) {
        set.add(static_cast<HeaderKind>(k));
        found = true;
      }
    }
    if (!found) {
      throw TraceSpecError("unknown header kind '" + std::string(item) +
                           "' (known: " + known_kinds() + ", or all)");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return set;
}

std::string trace_kind_names() { return known_kinds(); }

TraceSpec make_trace_spec(std::string_view sizes, std::string_view kinds) {
  TraceSpec spec;
  spec.sizes = parse_size_mix(sizes);
  spec.kinds = parse_kinds(kinds);
  return spec;
}

IpPrefix parse_addr_range(std::string_view text) {
  const auto p = IpPrefix::parse(text);
  if (!p) {
    throw TraceSpecError("'" + std::string(text) +
                         "' is not an address range (10.0.0.0/24, 2001:db8::/64; no host bits "
                         "set beyond the length)");
  }
  return *p;
}

void validate(const TraceSpec& spec) {
  if (spec.flows == 0) throw TraceSpecError("flows must be at least 1");
  if (spec.kinds.empty()) throw TraceSpecError("no header kinds selected");
  if (!(spec.malformed >= 0.0 && spec.malformed <= 1.0)) {
    throw TraceSpecError("malformed fraction must be between 0 and 1, got " +
                         std::to_string(spec.malformed));
  }
}

// ---- kinds --------------------------------------------------------------------------------------

namespace {
bool any_ip(KindSet s) {
  return s.has(HeaderKind::kIpv4) || s.has(HeaderKind::kIpv6) || s.has(HeaderKind::kIpv6Ext);
}
bool needs_ip(KindSet s) {
  for (auto k : {HeaderKind::kTcp, HeaderKind::kUdp, HeaderKind::kVxlan, HeaderKind::kNvgre,
                 HeaderKind::kGre, HeaderKind::kGeneve})
    if (s.has(k)) return true;
  return false;
}
}  // namespace

KindSet implied_kinds(KindSet requested) noexcept {
  KindSet s{HeaderKind::kEth};
  if (requested.has(HeaderKind::kVxlan) || requested.has(HeaderKind::kGeneve))
    s.add(HeaderKind::kUdp);
  if (requested.has(HeaderKind::kIpv6Ext) || requested.has(HeaderKind::kIcmpv6))
    s.add(HeaderKind::kIpv6);
  if (requested.has(HeaderKind::kIcmp)) s.add(HeaderKind::kIpv4);
  if (needs_ip(requested) && !any_ip(requested)) s.add(HeaderKind::kIpv4);
  return s;
}

KindSet kinds_in(const ParseResult& r) noexcept {
  KindSet s;
  for (std::size_t i = 0; i < r.depth; ++i) {
    const Level& lv = r.levels[i];
    if (lv.has_eth) s.add(HeaderKind::kEth);
    if (lv.vlan_count == 1) s.add(HeaderKind::kVlan);
    if (lv.vlan_count == 2) s.add(HeaderKind::kQinq);
    if (lv.has_arp) s.add(HeaderKind::kArp);
    if (lv.has_ip) {
      s.add(lv.ip.version == 4 ? HeaderKind::kIpv4 : HeaderKind::kIpv6);
      if (lv.ip.ext_count > 0) s.add(HeaderKind::kIpv6Ext);
    }
    if (lv.has_l4) {
      switch (lv.l4.kind) {
        case Layer::kTcp: s.add(HeaderKind::kTcp); break;
        case Layer::kUdp: s.add(HeaderKind::kUdp); break;
        case Layer::kIcmp: s.add(HeaderKind::kIcmp); break;
        case Layer::kIcmpv6: s.add(HeaderKind::kIcmpv6); break;
        default: break;
      }
    }
    if (lv.has_tunnel) {
      switch (lv.tunnel.type) {
        case TunnelType::kVxlan: s.add(HeaderKind::kVxlan); break;
        case TunnelType::kNvgre: s.add(HeaderKind::kNvgre); break;
        case TunnelType::kGre: s.add(HeaderKind::kGre); break;
        case TunnelType::kGeneve: s.add(HeaderKind::kGeneve); break;
        case TunnelType::kNone: break;
      }
    }
  }
  return s;
}

// ---- flows --------------------------------------------------------------------------------------

namespace {

enum class L2 : std::uint8_t { kPlain, kVlan, kQinq };
enum class Net : std::uint8_t { kNone, kArp, kIpv4, kIpv6, kIpv6Ext };
enum class L4 : std::uint8_t { kNone, kTcp, kUdp, kIcmp, kIcmpv6 };
enum class Tun : std::uint8_t { kNone, kVxlan, kNvgre, kGre, kGeneve };

/// One IP level of a flow: addresses, extension headers, upper layer.
struct IpLevel {
  Net net = Net::kNone;
  L4 l4 = L4::kNone;
  Ipv4Addr src4, dst4;
  Ipv6Addr src6, dst6;
  std::vector<Ipv6ExtSpec> ext;
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  std::uint8_t ttl = 64;
};

struct FlowTemplate {
  L2 l2 = L2::kPlain;
  std::uint16_t svid = 0;
  std::uint16_t cvid = 0;
  MacAddr smac, dmac;
  IpLevel outer;  // net may be kArp
  Tun tun = Tun::kNone;
  std::uint32_t vni = 0;
  bool gre_key = false;
  std::uint16_t tunnel_sport = 0;  // UDP source port of VXLAN/Geneve (entropy)
  std::size_t geneve_opts = 0;
  MacAddr inner_smac, inner_dmac;
  IpLevel inner;
  KindSet kinds;  // what a well-formed frame of this flow contains
};

template <class T, std::size_t N>
T pick(Prng& r, const std::array<T, N>& options, std::size_t n) {
  return options[static_cast<std::size_t>(r.below(n))];
}

/// Chooses among the candidates that are allowed; `fallback` when none is.
template <class T>
class Choice {
 public:
  void offer(T v, bool allowed) {
    if (allowed) opts_[n_++] = v;
  }
  T take(Prng& r, T fallback) const { return n_ == 0 ? fallback : pick(r, opts_, n_); }

 private:
  std::array<T, 8> opts_{};
  std::size_t n_ = 0;
};

constexpr std::array<std::uint16_t, 8> kServicePorts = {80, 443, 53, 8080, 22, 123, 3306, 5201};

/// `host` placed in the host bits of `r` (the low bits of the address).
void place(const IpPrefix& r, std::uint64_t host, Ipv4Addr& v4, Ipv6Addr& v6) {
  if (r.addr.is_v4()) {
    const unsigned hb = 32 - r.len;
    const std::uint32_t mask = hb >= 32 ? 0xFFFFFFFFu : ((1u << hb) - 1u);
    v4 = Ipv4Addr(r.addr.v4().value() | (static_cast<std::uint32_t>(host) & mask));
    return;
  }
  std::array<std::uint8_t, 16> b = r.addr.v6().bytes();
  const unsigned hb = 128 - r.len;
  for (unsigned i = 0; i < std::min(hb, 64u); ++i) {
    if ((host >> i) & 1u) b[15 - i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  v6 = Ipv6Addr(b);
}

/// The spec's fixed endpoints on the level that feeds the flow key.
void apply_endpoints(const Endpoints& e, std::uint64_t seed, std::uint32_t f, FlowTemplate& t) {
  const bool inner = t.tun != Tun::kNone;
  MacAddr& smac = inner ? t.inner_smac : t.smac;
  MacAddr& dmac = inner ? t.inner_dmac : t.dmac;
  IpLevel& ip = inner ? t.inner : t.outer;
  if (e.src_mac) smac = *e.src_mac;
  if (e.dst_mac) dmac = *e.dst_mac;
  const bool v4 = ip.net == Net::kIpv4 || ip.net == Net::kArp;
  const bool v6 = ip.net == Net::kIpv6 || ip.net == Net::kIpv6Ext;
  const auto fits = [&](const std::optional<IpPrefix>& r) {
    return r && ((v4 && r->addr.is_v4()) || (v6 && r->addr.is_v6()));
  };
  if (fits(e.src_ip)) place(*e.src_ip, std::uint64_t{f} + 1, ip.src4, ip.src6);
  if (fits(e.dst_ip)) {
    std::uint64_t st = seed ^ 0x6a09e667f3bcc909ULL ^ (std::uint64_t{f} * 0x9e3779b97f4a7c15ULL);
    place(*e.dst_ip, splitmix64(st), ip.dst4, ip.dst6);
  }
}

class FlowFactory {
 public:
  FlowFactory(std::uint64_t seed, KindSet kinds) : seed_(seed), kinds_(kinds) {}

  FlowTemplate make(std::uint32_t f) const {
    std::uint64_t st = seed_ ^ 0xa0761d6478bd642fULL;
    st += std::uint64_t{f} * 0xe7037ed1a0b428dbULL;
    Prng r(splitmix64(st));
    const HeaderKind focus = kinds_.nth(f % kinds_.size());

    FlowTemplate t;
    t.smac = MacAddr::from_u64(0x020000000000ULL | (std::uint64_t{f} << 8) | 1);
    t.dmac = MacAddr::from_u64(0x020000000000ULL | (r.next() & 0xfffffffeffULL));
    t.svid = static_cast<std::uint16_t>(r.between(1, 4094));
    t.cvid = static_cast<std::uint16_t>(r.between(1, 4094));

    // Layer 2.
    Choice<L2> l2;
    l2.offer(L2::kPlain, kinds_.has(HeaderKind::kEth));
    l2.offer(L2::kVlan, kinds_.has(HeaderKind::kVlan));
    l2.offer(L2::kQinq, kinds_.has(HeaderKind::kQinq));
    t.l2 = l2.take(r, L2::kPlain);
    if (focus == HeaderKind::kEth) t.l2 = L2::kPlain;
    if (focus == HeaderKind::kVlan) t.l2 = L2::kVlan;
    if (focus == HeaderKind::kQinq) t.l2 = L2::kQinq;

    // Tunnel.
    switch (focus) {
      case HeaderKind::kVxlan: t.tun = Tun::kVxlan; break;
      case HeaderKind::kNvgre: t.tun = Tun::kNvgre; break;
      case HeaderKind::kGre: t.tun = Tun::kGre; break;
      case HeaderKind::kGeneve: t.tun = Tun::kGeneve; break;
      default: t.tun = Tun::kNone; break;
    }

    if (t.tun == Tun::kNone) {
      t.outer = make_ip_level(r, f, focus, /*allow_arp=*/true);
    } else {
      // Outer: provider addresses between a few hosts; inner: the flow's own addresses.
      t.outer = make_ip_level(r, f, HeaderKind::kEth, /*allow_arp=*/false);
      t.outer.l4 = (t.tun == Tun::kVxlan || t.tun == Tun::kGeneve) ? L4::kUdp : L4::kNone;
      t.outer.src4 = Ipv4Addr(172, 16, 0, static_cast<std::uint8_t>(1 + f % 8));
      t.outer.dst4 = Ipv4Addr(172, 16, 1, static_cast<std::uint8_t>(1 + r.below(8)));
      t.outer.src6 = Ipv6Addr::from_groups({0xfd00, 0, 0, 0, 0, 0, 0, std::uint16_t(1 + f % 8)});
      t.outer.dst6 =
          Ipv6Addr::from_groups({0xfd00, 0, 0, 1, 0, 0, 0, std::uint16_t(1 + r.below(8))});
      t.outer.dport = t.tun == Tun::kVxlan ? udpport::kVxlan : udpport::kGeneve;
      t.tunnel_sport = static_cast<std::uint16_t>(49152 + r.below(16384));
      t.vni = static_cast<std::uint32_t>(1 + r.below(0xfffffe));
      t.gre_key = t.tun == Tun::kNvgre || r.chance(0.5);
      t.geneve_opts = t.tun == Tun::kGeneve ? static_cast<std::size_t>(r.below(3)) : 0;
      t.inner_smac = MacAddr::from_u64(0x020100000000ULL | (std::uint64_t{f} << 8) | 1);
      t.inner_dmac = MacAddr::from_u64(0x020100000000ULL | (r.next() & 0xfffffffeffULL));
      t.inner = make_ip_level(r, f, HeaderKind::kEth, /*allow_arp=*/false);
    }
    t.kinds = kinds_of(t);
    return t;
  }

 private:
  /// An IP (or ARP) level whose choices honour `focus` when it is a network or upper-layer kind.
  IpLevel make_ip_level(Prng& r, std::uint32_t f, HeaderKind focus, bool allow_arp) const {
    IpLevel ip;
    Choice<Net> net;
    net.offer(Net::kArp, allow_arp && kinds_.has(HeaderKind::kArp));
    net.offer(Net::kIpv4, kinds_.has(HeaderKind::kIpv4));
    net.offer(Net::kIpv6, kinds_.has(HeaderKind::kIpv6));
    net.offer(Net::kIpv6Ext, kinds_.has(HeaderKind::kIpv6Ext));
    Choice<Net> ip_net;  // when the level needs IP
    ip_net.offer(Net::kIpv4, kinds_.has(HeaderKind::kIpv4));
    ip_net.offer(Net::kIpv6, kinds_.has(HeaderKind::kIpv6));
    ip_net.offer(Net::kIpv6Ext, kinds_.has(HeaderKind::kIpv6Ext));
    Choice<Net> v6_net;
    v6_net.offer(Net::kIpv6, kinds_.has(HeaderKind::kIpv6));
    v6_net.offer(Net::kIpv6Ext, kinds_.has(HeaderKind::kIpv6Ext));

    switch (focus) {
      case HeaderKind::kArp: ip.net = Net::kArp; break;
      case HeaderKind::kIpv4: ip.net = Net::kIpv4; break;
      case HeaderKind::kIpv6: ip.net = Net::kIpv6; break;
      case HeaderKind::kIpv6Ext: ip.net = Net::kIpv6Ext; break;
      case HeaderKind::kTcp: ip.l4 = L4::kTcp; break;
      case HeaderKind::kUdp: ip.l4 = L4::kUdp; break;
      case HeaderKind::kIcmp: ip.l4 = L4::kIcmp; break;
      case HeaderKind::kIcmpv6: ip.l4 = L4::kIcmpv6; break;
      default: break;
    }
    if (ip.net == Net::kNone) {
      if (ip.l4 == L4::kIcmp) {
        ip.net = Net::kIpv4;
      } else if (ip.l4 == L4::kIcmpv6) {
        ip.net = v6_net.take(r, Net::kIpv6);
      } else if (ip.l4 != L4::kNone || !allow_arp) {
        ip.net = ip_net.take(r, Net::kIpv4);
      } else {
        // No network kind requested: IPv4 if an upper layer needs it, else a bare Ethernet frame.
        ip.net = net.take(r, needs_ip(kinds_) ? Net::kIpv4 : Net::kNone);
      }
    }
    if (ip.l4 == L4::kNone && ip.net != Net::kArp && ip.net != Net::kNone) {
      const bool v4 = ip.net == Net::kIpv4;
      Choice<L4> l4;
      l4.offer(L4::kTcp, kinds_.has(HeaderKind::kTcp));
      l4.offer(L4::kUdp, kinds_.has(HeaderKind::kUdp));
      l4.offer(L4::kIcmp, v4 && kinds_.has(HeaderKind::kIcmp));
      l4.offer(L4::kIcmpv6, !v4 && kinds_.has(HeaderKind::kIcmpv6));
      ip.l4 = l4.take(r, L4::kNone);
    }

    // Source addresses unique per flow (10.0.0.0/8 holds 2^24 flows), the rest random.
    const std::uint32_t host = f + 1;
    ip.src4 = Ipv4Addr(0x0a000000u | (host & 0xffffffu));
    ip.dst4 = Ipv4Addr(0xc0a80000u | static_cast<std::uint32_t>(r.below(0x10000)));
    ip.src6 = Ipv6Addr::from_groups(
        {0x2001, 0xdb8, 0, 1, 0, 0, std::uint16_t(host >> 16), std::uint16_t(host)});
    ip.dst6 =
        Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 2, 0, 0, 0, std::uint16_t(1 + r.below(0xfffe))});
    ip.sport = static_cast<std::uint16_t>(1024 + r.below(60000));
    ip.dport = kServicePorts[static_cast<std::size_t>(r.below(kServicePorts.size()))];
    ip.ttl = static_cast<std::uint8_t>(32 + r.below(224));
    if (ip.net == Net::kIpv6Ext) {
      if (r.chance(0.5)) ip.ext.push_back(Ipv6ExtSpec{.type = ipproto::kHopByHop, .len = 8});
      const std::size_t more = 1 + static_cast<std::size_t>(r.below(3));
      constexpr std::array<std::uint8_t, 4> kTypes = {ipproto::kDstOpts, ipproto::kRouting,
                                                      ipproto::kFragment, ipproto::kAh};
      for (std::size_t k = 0; k < more; ++k) {
        Ipv6ExtSpec e;
        e.type = pick(r, kTypes, kTypes.size());
        e.len = e.type == ipproto::kAh ? 24 : 8 * (1 + static_cast<std::size_t>(r.below(2)));
        e.frag_id = static_cast<std::uint32_t>(r.next());  // atomic fragment: offset 0, M 0
        ip.ext.push_back(e);
      }
    }
    return ip;
  }

  static void add_level_kinds(KindSet& s, const IpLevel& ip) {
    switch (ip.net) {
      case Net::kArp: s.add(HeaderKind::kArp); break;
      case Net::kIpv4: s.add(HeaderKind::kIpv4); break;
      case Net::kIpv6: s.add(HeaderKind::kIpv6); break;
      case Net::kIpv6Ext: s.add(HeaderKind::kIpv6).add(HeaderKind::kIpv6Ext); break;
      case Net::kNone: break;
    }
    switch (ip.l4) {
      case L4::kTcp: s.add(HeaderKind::kTcp); break;
      case L4::kUdp: s.add(HeaderKind::kUdp); break;
      case L4::kIcmp: s.add(HeaderKind::kIcmp); break;
      case L4::kIcmpv6: s.add(HeaderKind::kIcmpv6); break;
      case L4::kNone: break;
    }
  }

  static KindSet kinds_of(const FlowTemplate& t) {
    KindSet s{HeaderKind::kEth};
    if (t.l2 == L2::kVlan) s.add(HeaderKind::kVlan);
    if (t.l2 == L2::kQinq) s.add(HeaderKind::kQinq);
    add_level_kinds(s, t.outer);
    switch (t.tun) {
      case Tun::kVxlan: s.add(HeaderKind::kVxlan); break;
      case Tun::kNvgre: s.add(HeaderKind::kNvgre); break;
      case Tun::kGre: s.add(HeaderKind::kGre); break;
      case Tun::kGeneve: s.add(HeaderKind::kGeneve); break;
      case Tun::kNone: break;
    }
    if (t.tun != Tun::kNone) add_level_kinds(s, t.inner);
    return s;
  }

  std::uint64_t seed_;
  KindSet kinds_;
};

/// Fields a malformed frame gets wrong (kNone: cut the frame instead).
enum class Fault : std::uint8_t {
  kNone,
  kVlanDepth,
  kIpv4Ihl,
  kIpv6Version,
  kIpv6ExtOrder,
  kTcpOffset,
  kUdpLength,
  kVxlanFlags,
  kGreVersion,
  kGeneveVersion,
};

struct FaultSite {
  Fault fault = Fault::kNone;
  bool inner = false;  // the level behind the tunnel
};

std::size_t collect_faults(const FlowTemplate& t, std::array<FaultSite, 16>& out) {
  std::size_t n = 0;
  auto add = [&](Fault f, bool inner) { out[n++] = FaultSite{f, inner}; };
  auto level = [&](const IpLevel& ip, bool inner) {
    if (ip.net == Net::kIpv4) add(Fault::kIpv4Ihl, inner);
    if (ip.net == Net::kIpv6 || ip.net == Net::kIpv6Ext) add(Fault::kIpv6Version, inner);
    if (ip.net == Net::kIpv6Ext) add(Fault::kIpv6ExtOrder, inner);
    if (ip.l4 == L4::kTcp) add(Fault::kTcpOffset, inner);
    if (ip.l4 == L4::kUdp) add(Fault::kUdpLength, inner);
  };
  if (t.l2 != L2::kPlain) add(Fault::kVlanDepth, false);
  level(t.outer, false);
  if (t.tun == Tun::kVxlan) add(Fault::kVxlanFlags, false);
  if (t.tun == Tun::kGre || t.tun == Tun::kNvgre) add(Fault::kGreVersion, false);
  if (t.tun == Tun::kGeneve) add(Fault::kGeneveVersion, false);
  if (t.tun != Tun::kNone) level(t.inner, true);
  return n;
}

void add_ip_level(PacketBuilder& b, const IpLevel& ip, Fault fault) {
  if (ip.net == Net::kNone || ip.net == Net::kArp) return;
  if (ip.net == Net::kIpv4) {
    Ipv4Spec s{.src = ip.src4, .dst = ip.dst4, .ttl = ip.ttl};
    if (fault == Fault::kIpv4Ihl) s.ihl = 4;
    b.ipv4(s);
  } else {
    Ipv6Spec s{.src = ip.src6, .dst = ip.dst6, .hop_limit = ip.ttl};
    s.ext = ip.ext;
    if (fault == Fault::kIpv6Version) s.version = 4;
    if (fault == Fault::kIpv6ExtOrder) {
      // Hop-by-hop options anywhere but first.
      if (s.ext.empty()) s.ext.push_back(Ipv6ExtSpec{});
      s.ext.insert(s.ext.begin() + 1, Ipv6ExtSpec{.type = ipproto::kHopByHop, .len = 8});
    }
    b.ipv6(s);
  }
  switch (ip.l4) {
    case L4::kTcp: {
      TcpSpec s{.sport = ip.sport, .dport = ip.dport, .flags = tcpflag::kAck | tcpflag::kPsh};
      if (fault == Fault::kTcpOffset) s.data_offset = 4;
      b.tcp(s);
      break;
    }
    case L4::kUdp: {
      UdpSpec s{.sport = ip.sport, .dport = ip.dport};
      if (fault == Fault::kUdpLength) s.length = 7;
      b.udp(s);
      break;
    }
    case L4::kIcmp: b.icmp(IcmpSpec{.type = 8, .rest = ip.sport}); break;
    case L4::kIcmpv6: b.icmpv6(Icmpv6Spec{.type = 128, .rest = ip.sport}); break;
    case L4::kNone: break;
  }
}

PacketBuilder compose(const FlowTemplate& t, const FaultSite& fs, std::size_t target,
                      std::uint8_t pattern) {
  const Fault outer_fault = fs.inner ? Fault::kNone : fs.fault;
  const Fault inner_fault = fs.inner ? fs.fault : Fault::kNone;
  PacketBuilder b;
  b.eth(EthSpec{.dst = t.dmac, .src = t.smac});
  if (t.l2 == L2::kQinq) b.vlan(VlanSpec{.vid = t.svid, .tpid = ethertype::kQinq});
  if (t.l2 != L2::kPlain) b.vlan(VlanSpec{.vid = t.cvid});
  if (outer_fault == Fault::kVlanDepth) {
    for (int k = t.l2 == L2::kQinq ? 2 : 1; k < 3; ++k) b.vlan(VlanSpec{.vid = t.cvid});
  }
  if (t.outer.net == Net::kArp) {
    b.arp(ArpSpec{.op = 1, .sha = t.smac, .spa = t.outer.src4, .tpa = t.outer.dst4});
    b.pad_to(target);
    return b;
  }
  if (t.tun == Tun::kNone) {
    add_ip_level(b, t.outer, outer_fault);
  } else {
    IpLevel outer = t.outer;
    outer.sport = t.tunnel_sport;
    add_ip_level(b, outer, outer_fault);
    switch (t.tun) {
      case Tun::kVxlan:
        b.vxlan(VxlanSpec{
            .vni = t.vni,
            .flags = outer_fault == Fault::kVxlanFlags ? std::uint8_t{0} : VxlanView::kFlagI});
        break;
      case Tun::kNvgre: {
        GreSpec g{.key = (t.vni << 8) | (t.vni & 0xff), .protocol = ethertype::kTeb};
        if (outer_fault == Fault::kGreVersion) g.version = 1;
        b.gre(g);
        break;
      }
      case Tun::kGre: {
        GreSpec g;
        if (t.gre_key) g.key = t.vni;
        if (outer_fault == Fault::kGreVersion) g.version = 1;
        b.gre(g);
        break;
      }
      case Tun::kGeneve: {
        GeneveSpec g{.vni = t.vni};
        for (std::size_t k = 0; k < t.geneve_opts; ++k) {
          g.options.push_back(GeneveOption{.opt_class = 0x0102,
                                           .type = std::uint8_t(k),
                                           .data = std::vector<std::uint8_t>(4 * (k + 1), 0xab)});
        }
        if (outer_fault == Fault::kGeneveVersion) g.version = 1;
        b.geneve(g);
        break;
      }
      case Tun::kNone: break;
    }
    if (t.tun != Tun::kGre) b.eth(EthSpec{.dst = t.inner_dmac, .src = t.inner_smac});
    add_ip_level(b, t.inner, inner_fault);
  }
  b.payload_to(target, pattern);
  return b;
}

}  // namespace

// ---- generator ----------------------------------------------------------------------------------

TraceGenerator::TraceGenerator(const TraceSpec& spec) : spec_(spec), rng_(spec.seed) {
  validate(spec_);
}

std::size_t TraceGenerator::draw_size() {
  switch (spec_.sizes) {
    case SizeMix::k64: return 64;
    case SizeMix::k128: return 128;
    case SizeMix::k256: return 256;
    case SizeMix::k512: return 512;
    case SizeMix::k1518: return 1518;
    case SizeMix::k9000: return 9000;
    case SizeMix::kImix: {
      const std::uint64_t r = rng_.below(12);
      return r < 7 ? 64 : (r < 11 ? 576 : 1500);
    }
    case SizeMix::kMixed: return static_cast<std::size_t>(rng_.between(64, 1518));
  }
  return 64;
}

std::optional<Frame> TraceGenerator::next() {
  if (produced_ >= spec_.count) return std::nullopt;
  const std::uint64_t i = produced_++;
  const auto flow = static_cast<std::uint32_t>(i < spec_.flows ? i : rng_.below(spec_.flows));
  FlowTemplate t = FlowFactory(spec_.seed, spec_.kinds).make(flow);
  apply_endpoints(spec_.endpoints, spec_.seed, flow, t);
  const std::size_t target = draw_size();
  const bool malformed = rng_.chance(spec_.malformed);

  FaultSite site;
  bool cut = false;
  if (malformed) {
    std::array<FaultSite, 16> sites{};
    const std::size_t n = collect_faults(t, sites);
    cut = n == 0 || rng_.chance(0.5);
    if (!cut) site = sites[static_cast<std::size_t>(rng_.below(n))];
  }
  const auto pattern = static_cast<std::uint8_t>(i);
  const PacketBuilder b = compose(t, site, target, pattern);
  BuiltPacket built = b.build();
  if (cut) {
    const BuiltHeader& h =
        built.headers[static_cast<std::size_t>(rng_.below(built.headers.size()))];
    // Cut inside the chosen header, keeping at least one byte: an empty record is not a
    // frame a wire can carry (nicsim run rejects it), and the parser's handling of every
    // shorter length, 0 included, is covered by the truncation tests.
    built.bytes.resize(std::max<std::size_t>(
        1, h.offset + static_cast<std::size_t>(rng_.below(h.length))));
  }

  last_ = GeneratedInfo{i, flow, t.kinds, target, malformed};
  Frame f;
  f.data = std::move(built.bytes);
  f.orig_len = static_cast<std::uint32_t>(f.data.size());
  f.ts_ns = spec_.start_ns + i * spec_.gap_ns;
  return f;
}

}  // namespace nicsim::model
