// SPDX-License-Identifier: MIT
// Differential bench for rtl/action_edit.sv against model::Transposer::apply, at DATA_W 64 and
// 512: random frames (Ethernet with 0..2 VLAN tags, IPv4 with options and fragments, IPv6 with
// extension headers, TCP, UDP with and without checksum, ICMP, ICMPv6, ARP, bad checksums,
// payloads 0..1500; tunnels: VXLAN, Geneve with options, NVGRE, GRE, from the builder and from
// model::TraceGenerator) and random action records: the in-place edits alone (Differential*,
// as before the decap and encap existed) and with decap, encap (VXLAN, NVGRE and Geneve
// templates, IPv4 / IPv6, with and without a tag) and both (DecapEncap*; only actions model::action_problem accepts, TTL not
// expired). The metadata comes from model::Parser's ParseResult (to_meta below). Input idle
// cycles and output backpressure: always ready, 1,1,0, random.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vaction_edit_w512.h"
#include "Vaction_edit_w64.h"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "nicsim/model/action.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/tracegen.hpp"
#include "nicsim/model/transpose.hpp"

namespace {

using namespace nicsim::model;
namespace bench = nicsim::bench;
using Bytes = std::vector<std::uint8_t>;

// ---- ParseResult -> nic_pkg::action_meta_t ----------------------------------------------

struct Meta {
  unsigned vlan_cnt = 0, l3_type = 0, l3_off = 0, l4_type = 0, l4_off = 0, frag = 0, ttl = 0;
  unsigned ip_csum = 0, l4_csum = 0, sport = 0, dport = 0;
  std::array<std::uint8_t, 16> src{}, dst{};  // network order; IPv4 in bytes 12..15
  // The other s_meta ports.
  unsigned decap_len = 0, frame_len = 0;
  std::uint32_t h1 = 0;
  std::array<std::uint8_t, kEncapBytes> tmpl{};
};

/// The fields action_edit needs of the level the edits act on (level 1 after a decap, its
/// offsets rebased to the frame after the decap, else level 0); false when the frame does not
/// fit the metadata (an offset past 255).
bool to_meta(const ParseResult& pr, Meta& m, bool decap = false) {
  const Level& lv = pr.levels[decap ? 1 : 0];
  const unsigned base = decap ? pr.levels[0].tunnel.inner_offset : 0;
  m = Meta{};
  m.decap_len = base;
  if (base > 255) return false;
  m.vlan_cnt = lv.has_eth ? lv.vlan_count : 0;
  if (!lv.has_ip) return true;
  m.l3_type = lv.ip.version == 4 ? 1 : 2;
  m.l3_off = lv.ip.offset - base;
  m.frag = lv.ip.frag ? 1 : 0;
  m.ttl = lv.ip.ttl;
  m.ip_csum = lv.ip.checksum;
  if (lv.ip.version == 4) {
    store_be32(&m.src[12], lv.ip.src.v4().value());
    store_be32(&m.dst[12], lv.ip.dst.v4().value());
  } else {
    m.src = lv.ip.src.v6().bytes();
    m.dst = lv.ip.dst.v6().bytes();
  }
  if (lv.has_l4) {
    switch (lv.l4.kind) {
      case Layer::kTcp: m.l4_type = 1; break;
      case Layer::kUdp: m.l4_type = 2; break;
      case Layer::kIcmp: m.l4_type = 3; break;
      case Layer::kIcmpv6: m.l4_type = 4; break;
      default: break;
    }
    m.l4_off = lv.l4.offset - base;
    // As the parser delivers them (parse_meta_t): the checksum of TCP, UDP and ICMPv6 (ICMPv4
    // has none that the rewrite touches), the ports of TCP and UDP only.
    if (lv.l4.kind != Layer::kIcmp) m.l4_csum = lv.l4.checksum;
    if (lv.l4.kind == Layer::kTcp || lv.l4.kind == Layer::kUdp) {
      m.sport = lv.l4.sport;
      m.dport = lv.l4.dport;
    }
  }
  return m.l3_off < 256 && m.l4_off < 256;
}

/// Packs Meta as the packed struct (first field most significant).
template <class T>
void put_meta(T& port, const Meta& m) {
  std::size_t pos = 352;
  const auto f = [&](std::size_t w, std::uint64_t v) {
    pos -= w;
    bench::put_bits(port, static_cast<unsigned>(pos), static_cast<unsigned>(w), v);
  };
  f(2, m.vlan_cnt);
  f(2, m.l3_type);
  f(8, m.l3_off);
  f(3, m.l4_type);
  f(8, m.l4_off);
  f(1, m.frag);
  f(8, m.ttl);
  f(16, m.ip_csum);
  f(16, m.l4_csum);
  for (auto b : m.src) f(8, b);
  for (auto b : m.dst) f(8, b);
  f(16, m.sport);
  f(16, m.dport);
  if (pos != 0) throw std::logic_error("action_meta_t layout");
}

// ---- random frames and actions ------------------------------------------------------------

Bytes rand_bytes(Prng& r, std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(r.next());
  return b;
}
std::array<std::uint8_t, 16> rand16(Prng& r) {
  std::array<std::uint8_t, 16> a{};
  for (auto& x : a) x = static_cast<std::uint8_t>(r.next());
  return a;
}

/// Ethernet, 0..2 tags, IP / ARP / other, L4, payload: a frame, or what a tunnel carries.
void add_packet(PacketBuilder& b, Prng& r, std::size_t max_payload) {
  b.eth({.dst = MacAddr::from_u64(r.next() & 0xFFFFFFFFFFFFull),
         .src = MacAddr::from_u64(r.next() & 0xFFFFFFFFFFFFull)});
  const auto tags = r.below(3);
  for (std::uint64_t i = 0; i < tags; ++i) {
    b.vlan({.vid = static_cast<std::uint16_t>(r.below(4096)),
            .pcp = static_cast<std::uint8_t>(r.below(8)),
            .tpid = (i == 0 && tags == 2 && r.chance(0.5)) ? std::uint16_t{0x88a8}
                                                            : std::uint16_t{0x8100}});
  }
  const auto ttl = static_cast<std::uint8_t>(r.chance(0.1) ? r.below(3) : r.below(256));
  const auto l3 = r.below(10);  // 0..4 IPv4, 5..8 IPv6, 9 ARP / other
  bool v6 = false;
  bool l4_ok = true;
  if (l3 < 5) {
    Ipv4Spec s{.src = Ipv4Addr(static_cast<std::uint32_t>(r.next())),
               .dst = Ipv4Addr(static_cast<std::uint32_t>(r.next())),
               .ttl = ttl,
               .id = static_cast<std::uint16_t>(r.next())};
    if (r.chance(0.3)) s.options = rand_bytes(r, r.below(41));
    if (r.chance(0.1)) s.mf = true;                                      // first fragment
    if (r.chance(0.1)) s.frag_offset = static_cast<std::uint16_t>(1 + r.below(100));
    if (r.chance(0.1)) s.bad_checksum = true;
    b.ipv4(s);
  } else if (l3 < 9) {
    v6 = true;
    Ipv6Spec s{.src = Ipv6Addr(rand16(r)), .dst = Ipv6Addr(rand16(r)), .hop_limit = ttl};
    const auto ext = r.chance(0.3) ? r.below(3) : 0;
    for (std::uint64_t i = 0; i < ext; ++i) {
      Ipv6ExtSpec e;
      if (r.chance(0.4)) {
        e.type = 44;  // fragment: non-first when the offset is not 0
        e.frag_offset = r.chance(0.5) ? 0 : static_cast<std::uint16_t>(1 + r.below(100));
        e.more = r.chance(0.5);
      } else {
        e.type = (i == 0 && r.chance(0.5)) ? std::uint8_t{0} : std::uint8_t{60};
        e.len = 8 * (1 + r.below(3));
      }
      s.ext.push_back(e);
    }
    b.ipv6(s);
  } else {
    if (r.chance(0.5)) b.arp({});
    else b.payload(rand_bytes(r, r.below(64)));
    l4_ok = false;
  }
  if (l4_ok) {
    switch (r.below(5)) {
      case 0:
      case 1: {
        TcpSpec t{.sport = static_cast<std::uint16_t>(r.next()),
                  .dport = static_cast<std::uint16_t>(r.next())};
        if (r.chance(0.3)) t.options = rand_bytes(r, r.below(41));
        if (r.chance(0.1)) t.bad_checksum = true;
        b.tcp(t);
        break;
      }
      case 2: {
        UdpSpec u{.sport = static_cast<std::uint16_t>(r.next()),
                  .dport = static_cast<std::uint16_t>(1 + r.below(4000))};
        if (!v6 && r.chance(0.3)) u.zero_checksum = true;
        if (v6 && r.chance(0.1)) u.checksum = 0;  // invalid over IPv6: still updated
        if (r.chance(0.1)) u.bad_checksum = true;
        b.udp(u);
        break;
      }
      case 3:
        if (v6) b.icmpv6({.type = static_cast<std::uint8_t>(r.next())});
        else b.icmp({.type = static_cast<std::uint8_t>(r.next())});
        break;
      default:
        if (v6 && r.chance(0.3)) b.icmp({});  // ICMPv4 over IPv6: no pseudo-header
        break;
    }
  }
  b.payload(rand_bytes(r, r.below(max_payload + 1)));
}

Bytes random_frame(Prng& r, std::size_t max_payload) {
  PacketBuilder b;
  add_packet(b, r, max_payload);
  if (r.chance(0.1)) b.trailer(r.below(8));
  return b.bytes();
}

/// Outer Ethernet (0..2 tags), IPv4 (options) or IPv6 (extension headers), then VXLAN, Geneve
/// (options), NVGRE or GRE carrying Ethernet, then a random inner packet.
Bytes random_tunnel_frame(Prng& r, std::size_t max_payload) {
  PacketBuilder b;
  b.eth({.dst = MacAddr::from_u64(r.next() & 0xFFFFFFFFFFFFull),
         .src = MacAddr::from_u64(r.next() & 0xFFFFFFFFFFFFull)});
  const auto tags = r.below(3);
  for (std::uint64_t i = 0; i < tags; ++i) b.vlan({.vid = static_cast<std::uint16_t>(r.below(4096))});
  const auto ttl = static_cast<std::uint8_t>(r.below(256));
  if (r.chance(0.6)) {
    Ipv4Spec s{.src = Ipv4Addr(static_cast<std::uint32_t>(r.next())),
               .dst = Ipv4Addr(static_cast<std::uint32_t>(r.next())),
               .ttl = ttl};
    if (r.chance(0.3)) s.options = rand_bytes(r, r.below(41));
    b.ipv4(s);
  } else {
    Ipv6Spec s{.src = Ipv6Addr(rand16(r)), .dst = Ipv6Addr(rand16(r)), .hop_limit = ttl};
    if (r.chance(0.3)) {
      Ipv6ExtSpec e;
      e.type = 60;
      e.len = 8 * (1 + r.below(3));
      s.ext.push_back(e);
    }
    b.ipv6(s);
  }
  switch (r.below(4)) {
    case 0:
      b.udp({.sport = static_cast<std::uint16_t>(r.next())})
          .vxlan({.vni = static_cast<std::uint32_t>(r.below(1u << 24))});
      break;
    case 1: {
      GeneveSpec g{.vni = static_cast<std::uint32_t>(r.below(1u << 24))};
      const auto n = r.below(3);
      for (std::uint64_t i = 0; i < n; ++i)
        g.options.push_back({.type = static_cast<std::uint8_t>(r.next()),
                             .data = rand_bytes(r, 4 * r.below(5))});
      b.udp({.sport = static_cast<std::uint16_t>(r.next())}).geneve(g);
      break;
    }
    case 2: b.nvgre(static_cast<std::uint32_t>(r.below(1u << 24)), 7); break;
    default: {
      GreSpec g;
      if (r.chance(0.7)) g.key = static_cast<std::uint32_t>(r.next());
      g.protocol = 0x6558;
      b.gre(g);
      break;
    }
  }
  add_packet(b, r, max_payload);
  if (r.chance(0.1)) b.trailer(r.below(8));
  return b.bytes();
}

EncapTemplate random_template(Prng& r) {
  EncapTemplate t;
  for (auto& x : t.dmac) x = static_cast<std::uint8_t>(r.next());
  for (auto& x : t.smac) x = static_cast<std::uint8_t>(r.next());
  t.vlan_tci = r.chance(0.5) ? std::uint16_t{0} : static_cast<std::uint16_t>(r.next());
  t.set_ipv6(r.chance(0.5));
  t.ttl = static_cast<std::uint8_t>(r.next());
  t.udp_dport = r.chance(0.5) ? std::uint16_t{4789} : static_cast<std::uint16_t>(r.next());
  t.vni = static_cast<std::uint32_t>(r.below(1u << 24));
  t.sip = rand16(r);
  t.dip = rand16(r);
  t.set_tunnel(static_cast<EncapTunnel>(r.below(3)));  // VXLAN, NVGRE, Geneve
  return t;
}

ActionRecord random_action(Prng& r) {
  ActionRecord a;
  constexpr std::uint32_t kOps = ActionRecord::kSetDmac | ActionRecord::kSetSmac |
                                 ActionRecord::kSetSip | ActionRecord::kSetDip |
                                 ActionRecord::kSetSport | ActionRecord::kSetDport |
                                 ActionRecord::kDecTtl | ActionRecord::kVlanOpMask |
                                 ActionRecord::kMark | ActionRecord::kMirror |
                                 ActionRecord::kTcpCtlCopy | ActionRecord::kDestTypeMask |
                                 ActionRecord::kDestIdMask;  // copies: not the editor's
  a.flags = static_cast<std::uint32_t>(r.next()) & kOps;
  if (r.chance(0.1)) a.flags &= ~ActionRecord::kVlanOpMask;
  if (r.chance(0.05)) a.flags &= ActionRecord::kDestTypeMask;  // modifies nothing
  a.vlan_tci = static_cast<std::uint16_t>(r.next());
  a.meter = static_cast<std::uint16_t>(r.next());
  for (auto& x : a.dmac) x = static_cast<std::uint8_t>(r.next());
  for (auto& x : a.smac) x = static_cast<std::uint8_t>(r.next());
  a.mark_value = static_cast<std::uint32_t>(r.next());
  a.sport = static_cast<std::uint16_t>(r.next());
  a.dport = static_cast<std::uint16_t>(r.next());
  a.sip = rand16(r);
  a.dip = rand16(r);
  a.encap_index = static_cast<std::uint16_t>(r.next());
  return a;
}

std::string hex(const Bytes& b) {
  std::string s;
  char buf[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    s += buf;
    if (i % 32 == 31) s += '\n';
    else if (i % 4 == 3) s += ' ';
  }
  return s;
}

// ---- the bench ------------------------------------------------------------------------------

struct Job {
  Bytes in;
  Bytes expect;
  Meta meta;
  std::array<std::uint8_t, kActionBytes> action{};
};

enum class Pattern { kFull, k110, kRandom };

struct Stats {
  std::size_t frames = 0;
  std::uint64_t cycles = 0;
  std::uint64_t in_beats = 0, out_beats = 0;
  std::uint64_t first_latency = 0;  // cycles from the first input beat to its first output beat
};

NICSIM_AXIS_PORT(SAxis, s_axis_);
NICSIM_AXIS_PORT(MAxis, m_axis_);

template <class V, std::size_t W>
class Bench {
 public:
  explicit Bench(std::uint64_t seed)
      : h_({.name = "action_edit w" + std::to_string(8 * W)}), rng_(seed) {
    h_.reset(4);
  }

  /// Runs jobs through the DUT; returns false (with a message in err) on a mismatch or hang.
  /// The input's valid is drawn every clock (an offer may be withdrawn), then the output's
  /// ready; s_meta goes with the first beat of each frame.
  bool run(const std::vector<Job>& jobs, Pattern in_pat, Pattern out_pat, Stats& st,
           std::string& err) {
    const std::uint64_t t0 = h_.cycle();
    std::size_t done = 0;
    std::deque<const Job*> pending;
    std::uint64_t first_in = 0;
    bool first_seen = false, first_out = false;
    const bench::AxisSource<V, SAxis>* src = nullptr;
    // Before the source takes this clock's handshake: s_meta must go with a first beat.
    bench::Hook meta(h_, {}, [&] {
      V& m = h_.dut();
      const bool s_fire = m.s_axis_tvalid && m.s_axis_tready;
      const bool meta_fire = m.s_meta_valid && m.s_meta_ready;
      if (meta_fire != (s_fire && src->beat() == 0) && err.empty())
        err = "s_meta handshake not with the first beat";
    });
    bench::AxisSource<V, SAxis> in(
        h_, {.valid = [&](std::uint64_t c) { return pat(in_pat, c); },
             .offer = bench::Offer::kEveryClock,
             .fill = [](unsigned) { return std::uint8_t{0xA5}; }});
    src = &in;
    bench::AxisSink<V, MAxis> out(
        h_, {.ready = [&](std::uint64_t c) { return pat(out_pat, c + 7); },
             .keep = bench::KeepRule::kContiguous});
    in.side = [&](V& m, const bench::AxisFrame* f, std::size_t beat, bool valid) {
      m.s_meta_valid = valid && beat == 0;
      if (f == nullptr || beat != 0) return;
      const Job& j = jobs[f->id];
      bench::put_bytes(m.s_meta_action, 0, j.action);
      put_meta(m.s_meta_info, j.meta);
      m.s_meta_decap_len = static_cast<std::uint8_t>(j.meta.decap_len);
      m.s_meta_frame_len = static_cast<std::uint16_t>(j.meta.frame_len);
      m.s_meta_h1 = j.meta.h1;
      bench::put_bytes(m.s_meta_encap_tmpl, 0, j.meta.tmpl);
    };
    in.on_accept = [&](const bench::AxisFrame& f, std::size_t beat, bool) {
      if (!first_seen) {
        first_seen = true;
        first_in = h_.cycle() - t0;
      }
      if (beat == 0) pending.push_back(&jobs[f.id]);
    };
    out.on_beat = [&](V&, const bench::AxisBeat&) {
      if (pending.empty() && err.empty()) err = "output beat with no frame in flight";
      if (!first_out) {
        first_out = true;
        st.first_latency = h_.cycle() - t0 - first_in;
      }
    };
    out.on_frame = [&](bench::AxisFrame&& f) {
      if (pending.empty()) return;
      const Job& e = *pending.front();
      const Bytes& got = f.data;
      if (got != e.expect && err.empty()) {
        std::size_t off = 0;
        while (off < got.size() && off < e.expect.size() && got[off] == e.expect[off]) ++off;
        err = "frame " + std::to_string(done) + " (in " + std::to_string(e.in.size()) +
              " bytes, rtl " + std::to_string(got.size()) + ", model " +
              std::to_string(e.expect.size()) + "): first mismatch at offset " +
              std::to_string(off) + "\nin:\n" + hex(e.in) + "\nrtl:\n" + hex(got) +
              "\nmodel:\n" + hex(e.expect);
      }
      pending.pop_front();
      ++done;
    };
    for (std::size_t i = 0; i < jobs.size(); ++i) in.send({.data = jobs[i].in, .id = i});
    h_.set_watchdog(1000);
    try {
      while (done < jobs.size() && err.empty()) h_.tick();
    } catch (const bench::Stuck&) {
      err = "hang: no handshake for 1000 clocks (" + std::to_string(done) + " frames done)";
    }
    h_.set_watchdog(0);
    st.in_beats += in.beats_sent();
    st.out_beats += out.beats();
    if (!err.empty()) return false;
    st.frames += jobs.size();
    st.cycles += h_.cycle() - t0;
    return true;
  }

 private:
  bool pat(Pattern p, std::uint64_t c) {
    switch (p) {
      case Pattern::kFull: return true;
      case Pattern::k110: return c % 3 != 2;
      case Pattern::kRandom: return rng_.chance(0.6);
    }
    return true;
  }

  bench::Harness<V> h_;
  Prng rng_;
};

/// Builds n jobs: frame, its metadata and the model's output.
std::vector<Job> make_jobs(std::uint64_t seed, std::size_t n, std::size_t max_payload) {
  Prng r(seed);
  Transposer t;
  EncapTable encap(2);
  Parser parser;
  std::vector<Job> jobs;
  while (jobs.size() < n) {
    Job j;
    j.in = random_frame(r, max_payload);
    const ParseResult pr = parser.parse(ByteSpan(j.in.data(), j.in.size()));
    if (!to_meta(pr, j.meta)) continue;
    const ActionRecord a = random_action(r);
    j.action = a.encode();
    j.meta.frame_len = static_cast<unsigned>(j.in.size());
    t.apply(ByteSpan(j.in.data(), j.in.size()), pr, a, 0, encap);
    j.expect.assign(t.output().begin(), t.output().end());
    jobs.push_back(std::move(j));
  }
  return jobs;
}

/// One job with decap / encap: the action must pass model::action_problem and its TTL must not
/// be expired; false when the frame does not suit (the caller draws another).
bool make_job(Prng& r, Bytes frame, ActionRecord a, const EncapTemplate& tp, Transposer& t,
              Job& j) {
  static const Parser parser;
  static const PipelineConfig cfg;
  EncapTable encap(2);
  encap.set(1, tp);
  a.encap_index = 1;
  a.meter = 0;
  a.set_dest_type(ActionDest::kWire).set_dest_id(0);
  const ParseResult pr = parser.parse(ByteSpan(frame.data(), frame.size()));
  if (action_problem(a, pr, cfg, encap) != nullptr) return false;
  if (Transposer::ttl_expired(pr, a)) return false;
  j = Job{};
  j.in = std::move(frame);
  if (!to_meta(pr, j.meta, a.decap())) return false;
  j.meta.frame_len = static_cast<unsigned>(j.in.size());
  j.meta.h1 = static_cast<std::uint32_t>(r.next());
  j.meta.tmpl = tp.encode();
  j.action = a.encode();
  t.apply(ByteSpan(j.in.data(), j.in.size()), pr, a, j.meta.h1, encap);
  j.expect.assign(t.output().begin(), t.output().end());
  return true;
}

/// n jobs with decap and / or encap (and the in-place edits): frames from the builder (plain
/// and tunnelled) and from the trace generator (every header kind, sizes 64..1518).
std::vector<Job> make_tunnel_jobs(std::uint64_t seed, std::size_t n, std::size_t max_payload) {
  Prng r(seed);
  Transposer t;
  TraceSpec spec;
  spec.seed = seed;
  spec.count = ~std::uint64_t{0};
  spec.flows = 256;
  spec.sizes = SizeMix::kMixed;
  TraceGenerator gen(spec);
  std::vector<Job> jobs;
  std::size_t counts[4] = {};  // none, decap, encap, both
  while (jobs.size() < n) {
    Bytes frame;
    switch (r.below(4)) {
      case 0: frame = random_frame(r, max_payload); break;
      case 1:
      case 2: frame = random_tunnel_frame(r, max_payload); break;
      default: frame = gen.next()->data; break;
    }
    if (frame.empty()) continue;
    ActionRecord a = random_action(r);
    if (r.chance(0.6)) a.flags |= ActionRecord::kDecap;
    if (r.chance(0.6)) a.flags |= ActionRecord::kEncap;
    Job j;
    if (!make_job(r, std::move(frame), a, random_template(r), t, j)) continue;
    ++counts[(a.decap() ? 1 : 0) + (a.encap() ? 2 : 0)];
    jobs.push_back(std::move(j));
  }
  std::printf("jobs: %zu plain, %zu decap, %zu encap, %zu decap+encap\n", counts[0], counts[1],
              counts[2], counts[3]);
  return jobs;
}

template <class V, std::size_t W>
void differential(std::uint64_t seed) {
  struct Case {
    Pattern in, out;
    std::size_t frames;
  };
  const Case cases[] = {{Pattern::kFull, Pattern::kFull, 2000},
                        {Pattern::k110, Pattern::k110, 1500},
                        {Pattern::kRandom, Pattern::kRandom, 1500},
                        {Pattern::kFull, Pattern::kRandom, 1000}};
  Bench<V, W> bench(seed);
  Stats st;
  std::uint64_t s = seed;
  for (const Case& c : cases) {
    const auto jobs = make_jobs(++s, c.frames, 1500);
    std::string err;
    ASSERT_TRUE(bench.run(jobs, c.in, c.out, st, err)) << "DATA_W=" << 8 * W << ": " << err;
  }
  std::printf("DATA_W=%zu: %zu frames matched the model in %llu clocks\n", 8 * W, st.frames,
              static_cast<unsigned long long>(st.cycles));
}

TEST(ActionEdit, DifferentialW64) { differential<Vaction_edit_w64, 8>(0x64); }
TEST(ActionEdit, DifferentialW512) { differential<Vaction_edit_w512, 64>(0x512); }

template <class V, std::size_t W>
void decap_encap(std::uint64_t seed) {
  struct Case {
    Pattern in, out;
    std::size_t frames;
  };
  const Case cases[] = {{Pattern::kFull, Pattern::kFull, 1500},
                        {Pattern::k110, Pattern::k110, 1000},
                        {Pattern::kRandom, Pattern::kRandom, 1500},
                        {Pattern::kFull, Pattern::kRandom, 1000}};
  Bench<V, W> bench(seed);
  Stats st;
  std::uint64_t s = seed;
  for (const Case& c : cases) {
    const auto jobs = make_tunnel_jobs(++s, c.frames, 1500);
    std::string err;
    ASSERT_TRUE(bench.run(jobs, c.in, c.out, st, err)) << "DATA_W=" << 8 * W << ": " << err;
  }
  std::printf("DATA_W=%zu: %zu frames with decap / encap matched the model in %llu clocks\n",
              8 * W, st.frames, static_cast<unsigned long long>(st.cycles));
}

TEST(ActionEdit, DecapEncapW64) { decap_encap<Vaction_edit_w64, 8>(0xDE64); }
TEST(ActionEdit, DecapEncapW512) { decap_encap<Vaction_edit_w512, 64>(0xDE512); }

/// Directed lengths: 1..200-byte frames with an encap (no VLAN op: a push needs 12 bytes), and
/// VXLAN frames up to 16384 + 64 bytes with decap, encap and both.
template <class V, std::size_t W>
void lengths(std::uint64_t seed) {
  Prng r(seed);
  Transposer t;
  std::vector<Job> jobs;
  for (std::size_t n = 1; n <= 200; ++n) {
    ActionRecord a;
    a.flags = ActionRecord::kEncap;
    Job j;
    ASSERT_TRUE(make_job(r, rand_bytes(r, n), a, random_template(r), t, j));
    jobs.push_back(std::move(j));
  }
  const std::size_t big[] = {1000, 4000, 9000, 16000, 16384 + 64 - 128};
  for (std::size_t p : big) {
    for (int mode = 1; mode < 4; ++mode) {
      PacketBuilder b;
      b.eth({}).ipv4({.ttl = 9}).udp({}).vxlan({.vni = 5});
      b.eth({}).vlan({.vid = 3}).ipv6({.hop_limit = 7}).tcp({}).payload(rand_bytes(r, p));
      ActionRecord a = random_action(r);
      a.flags &= ~(ActionRecord::kDecap | ActionRecord::kEncap);
      if (mode & 1) a.flags |= ActionRecord::kDecap;
      if (mode & 2) a.flags |= ActionRecord::kEncap;
      Job j;
      ASSERT_TRUE(make_job(r, b.bytes(), a, random_template(r), t, j));
      jobs.push_back(std::move(j));
    }
  }
  for (Pattern p : {Pattern::kFull, Pattern::kRandom}) {
    Bench<V, W> bench(seed);
    Stats st;
    std::string err;
    ASSERT_TRUE(bench.run(jobs, p, p, st, err)) << "DATA_W=" << 8 * W << ": " << err;
  }
}

TEST(ActionEdit, LengthsW64) { lengths<Vaction_edit_w64, 8>(0x1E64); }
TEST(ActionEdit, LengthsW512) { lengths<Vaction_edit_w512, 64>(0x1E512); }

/// A decap length not shorter than the frame (the parser never allows one; the engine must
/// still keep frames in and out one to one): such a frame leaves as one empty beat, in order
/// between ordinary frames, with and without backpressure. (Not with an encap: the model has
/// no output to compare for a frame the parser could not have produced.)
template <class V, std::size_t W>
void whole_frame_decap(std::uint64_t seed) {
  Prng r(seed);
  std::vector<Job> plain = make_jobs(seed, 300, 300);
  std::vector<Job> jobs;
  std::size_t empties = 0;
  for (Job& p : plain) {
    jobs.push_back(std::move(p));
    if (!r.chance(0.4)) continue;
    Job j;
    j.in = rand_bytes(r, 1 + r.below(200));
    j.meta.frame_len = static_cast<unsigned>(j.in.size());
    j.meta.decap_len = j.meta.frame_len + static_cast<unsigned>(r.below(256 - j.in.size()));
    ActionRecord a;
    a.flags = ActionRecord::kDecap;
    j.action = a.encode();
    jobs.push_back(std::move(j));  // expect: nothing (one beat, tkeep 0)
    ++empties;
  }
  for (Pattern p : {Pattern::kFull, Pattern::k110, Pattern::kRandom}) {
    Bench<V, W> bench(seed);
    Stats st;
    std::string err;
    ASSERT_TRUE(bench.run(jobs, p, p, st, err)) << "DATA_W=" << 8 * W << ": " << err;
    EXPECT_EQ(st.frames, jobs.size());
  }
  std::printf("DATA_W=%zu: %zu frames, %zu of them removed whole by the decap\n", 8 * W,
              jobs.size(), empties);
}

TEST(ActionEdit, WholeFrameDecapW64) { whole_frame_decap<Vaction_edit_w64, 8>(0xE64); }
TEST(ActionEdit, WholeFrameDecapW512) { whole_frame_decap<Vaction_edit_w512, 64>(0xE512); }

/// Back-to-back 64-byte frames at DATA_W=512 with nothing stalling: frames per clock and
/// latency, for actions that keep the length, pop a tag, or push one.
TEST(ActionEdit, Throughput64ByteW512) {
  for (int mode = 0; mode < 3; ++mode) {
    Prng r(0x7777 + static_cast<std::uint64_t>(mode));
    Transposer t;
    EncapTable encap(2);
    std::vector<Job> jobs;
    for (int i = 0; i < 2000; ++i) {
      PacketBuilder b;
      b.eth({});
      if (mode == 1) b.vlan({.vid = 5});
      b.ipv4({.ttl = 64}).udp({.sport = 1, .dport = 2}).payload_to(60);
      Job j;
      j.in = b.bytes();
      j.in.resize(64, 0);  // 64 bytes (FCS slot as payload)
      const ParseResult pr = parse(ByteSpan(j.in.data(), j.in.size()));
      ASSERT_TRUE(to_meta(pr, j.meta));
      j.meta.frame_len = static_cast<unsigned>(j.in.size());
      ActionRecord a = random_action(r);
      a.flags &= ~ActionRecord::kVlanOpMask;
      if (mode == 1) a.set_vlan_op(VlanOp::kPop);
      if (mode == 2) {
        a.set_vlan_op(VlanOp::kPush);
        a.vlan_tci = 7;
      }
      j.action = a.encode();
      t.apply(ByteSpan(j.in.data(), j.in.size()), pr, a, 0, encap);
      j.expect.assign(t.output().begin(), t.output().end());
      jobs.push_back(std::move(j));
    }
    Bench<Vaction_edit_w512, 64> bench(1);
    Stats st;
    std::string err;
    ASSERT_TRUE(bench.run(jobs, Pattern::kFull, Pattern::kFull, st, err)) << err;
    const double fpc = static_cast<double>(st.frames) / static_cast<double>(st.cycles);
    std::printf("DATA_W=512 64-byte frames, %s: %.3f frames/clock, latency %llu clocks\n",
                mode == 0 ? "same length" : mode == 1 ? "VLAN pop" : "VLAN push", fpc,
                static_cast<unsigned long long>(st.first_latency));
    EXPECT_GT(fpc, mode == 2 ? 0.49 : 0.99);
  }
}

/// Back-to-back frames at DATA_W=512 with decap (114-byte VXLAN frames -> 64 bytes: 2 input
/// beats, 1 output beat), encap (64 -> 114 bytes: 1 in, 2 out) and both (114 -> 64 -> 114), never
/// backpressured: the engine must move a beat per clock on its busier side, so the clocks are
/// max(input beats, output beats) plus the pipeline fill.
TEST(ActionEdit, ThroughputDecapEncapW512) {
  const char* names[] = {"decap 114->64", "encap 64->114", "decap+encap 114->114"};
  for (int mode = 0; mode < 3; ++mode) {
    Prng r(0x8888 + static_cast<std::uint64_t>(mode));
    Transposer t;
    std::vector<Job> jobs;
    const bool decap = mode != 1;
    const bool encap = mode != 0;
    for (int i = 0; i < 2000; ++i) {
      PacketBuilder b;
      if (decap) b.eth({}).ipv4({.ttl = 64}).udp({}).vxlan({.vni = 9});
      b.eth({}).ipv4({.ttl = 64}).udp({.sport = 1, .dport = 2}).payload_to(decap ? 114 : 64);
      ActionRecord a = random_action(r);
      a.flags &= ~(ActionRecord::kVlanOpMask | ActionRecord::kDecap | ActionRecord::kEncap);
      if (decap) a.flags |= ActionRecord::kDecap;
      if (encap) a.flags |= ActionRecord::kEncap;
      EncapTemplate tp = random_template(r);
      tp.vlan_tci = 0;
      tp.set_ipv6(false);  // 50-byte header (VXLAN or Geneve)
      if (tp.tunnel() == EncapTunnel::kNvgre) tp.set_tunnel(EncapTunnel::kGeneve);
      Job j;
      ASSERT_TRUE(make_job(r, b.bytes(), a, tp, t, j));
      ASSERT_EQ(j.in.size(), decap ? 114u : 64u);
      ASSERT_EQ(j.expect.size(), encap ? 114u : 64u);
      jobs.push_back(std::move(j));
    }
    Bench<Vaction_edit_w512, 64> bench(1);
    Stats st;
    std::string err;
    ASSERT_TRUE(bench.run(jobs, Pattern::kFull, Pattern::kFull, st, err)) << err;
    const double cpf = static_cast<double>(st.cycles) / static_cast<double>(st.frames);
    std::printf("DATA_W=512 back-to-back, %s: %.3f clocks/frame (%llu clocks, %llu beats in, "
                "%llu beats out, first-beat latency %llu clocks)\n",
                names[mode], cpf, static_cast<unsigned long long>(st.cycles),
                static_cast<unsigned long long>(st.in_beats),
                static_cast<unsigned long long>(st.out_beats),
                static_cast<unsigned long long>(st.first_latency));
    const std::uint64_t busy = std::max(st.in_beats, st.out_beats);
    EXPECT_EQ(busy, 2u * st.frames);
    // A beat per clock: only the pipeline fill (latency) on top.
    EXPECT_LE(st.cycles, busy + 8) << names[mode];
  }
}

}  // namespace
