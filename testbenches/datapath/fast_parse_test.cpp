// SPDX-License-Identifier: MIT
// The datapath's fast parse against the reference parser (differential): over every capture in
// traces/, generated traces of every kind (well-formed and malformed), every truncation of
// generated frames, corrupted header bytes, nested tunnels and other tunnel ports and parse
// windows. Where fast_parse accepts a frame, every meaningful field of the parse (the fields of
// the headers present, per level) must equal the reference parser's, and the frame must not be
// one that parse_failed() sends to the parse-error policy; the pipeline's combination (fast,
// else reference) on a reused ParseResult must equal the reference on a reused one; and for an
// accepted frame with a tunnel, fast_parse_decapsulated() must equal the parse of its inner frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/fast_parse.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/tracegen.hpp"

namespace nicsim::model {
namespace {

using Bytes = std::vector<std::uint8_t>;

bool same_ip(const IpInfo& a, const IpInfo& b) {
  return a.version == b.version && a.proto == b.proto && a.ttl == b.ttl && a.tos == b.tos &&
         a.frag == b.frag && a.df == b.df && a.mf == b.mf && a.frag_offset == b.frag_offset &&
         a.id == b.id && a.flow_label == b.flow_label && a.checksum == b.checksum &&
         a.ext_count == b.ext_count && a.header_len == b.header_len &&
         a.total_len == b.total_len && a.src == b.src && a.dst == b.dst && a.offset == b.offset &&
         a.l4_offset == b.l4_offset;
}

bool same_l4(const L4Info& a, const L4Info& b) {
  return a.kind == b.kind && a.sport == b.sport && a.dport == b.dport &&
         a.tcp_flags == b.tcp_flags && a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code &&
         a.header_len == b.header_len && a.length == b.length && a.checksum == b.checksum &&
         a.window == b.window && a.seq == b.seq && a.ack == b.ack && a.offset == b.offset;
}

bool same_tunnel(const TunnelInfo& a, const TunnelInfo& b) {
  return a.type == b.type && a.has_vni == b.has_vni && a.vni == b.vni &&
         a.protocol == b.protocol && a.header_len == b.header_len && a.offset == b.offset &&
         a.inner_offset == b.inner_offset;
}

bool same_arp(const ArpInfo& a, const ArpInfo& b) {
  return a.htype == b.htype && a.ptype == b.ptype && a.op == b.op && a.eth_ipv4 == b.eth_ipv4 &&
         a.sha == b.sha && a.spa == b.spa && a.tha == b.tha && a.tpa == b.tpa &&
         a.offset == b.offset;
}

/// Equal on everything a ParseResult promises (parse_result.hpp): depth, and per level the
/// flags, error, offset and the fields of the headers present.
std::string diff(const ParseResult& a, const ParseResult& b) {
  if (a.depth != b.depth) return "depth";
  for (std::size_t i = 0; i < a.depth; ++i) {
    const Level& x = a.levels[i];
    const Level& y = b.levels[i];
    const std::string l = "level " + std::to_string(i) + " ";
    if (x.has_eth != y.has_eth || x.has_arp != y.has_arp || x.has_ip != y.has_ip ||
        x.has_l4 != y.has_l4 || x.has_tunnel != y.has_tunnel || x.vlan_count != y.vlan_count)
      return l + "flags";
    if (!(x.error == y.error)) return l + "error";
    if (x.offset != y.offset) return l + "offset";
    if (x.has_eth && (x.eth.dst != y.eth.dst || x.eth.src != y.eth.src ||
                      x.eth.type != y.eth.type || x.eth.offset != y.eth.offset))
      return l + "eth";
    for (std::size_t v = 0; v < x.vlan_count; ++v)
      if (x.vlans[v].tpid != y.vlans[v].tpid || x.vlans[v].vid != y.vlans[v].vid ||
          x.vlans[v].pcp != y.vlans[v].pcp || x.vlans[v].dei != y.vlans[v].dei)
        return l + "vlan";
    if (x.has_arp && !same_arp(x.arp, y.arp)) return l + "arp";
    if (x.has_ip && !same_ip(x.ip, y.ip)) return l + "ip";
    if (x.has_l4 && !same_l4(x.l4, y.l4)) return l + "l4";
    if (x.has_tunnel && !same_tunnel(x.tunnel, y.tunnel)) return l + "tunnel";
  }
  return {};
}

struct Checker {
  ParserConfig cfg{};
  std::uint32_t window = kDefaultParseWindow;
  std::size_t frames = 0;
  std::size_t accepted = 0;
  std::size_t failures = 0;
  std::size_t decapsulated = 0;  // accepted frames with a tunnel: fast_parse_decapsulated checked
  // Reused across frames, as in the pipeline.
  ParseResult reused_ref{};
  ParseResult reused_dp{};

  void check(ByteSpan frame, const std::string& what) {
    ++frames;
    const Parser parser(cfg);
    ParseResult ref{};
    parser.parse(frame, ref);
    ParseResult fast{};
    const bool ok = fast_parse(frame, cfg, window, fast);
    if (ok) {
      ++accepted;
      const std::string d = diff(fast, ref);
      if (!d.empty() || parse_failed(ref, window)) {
        if (++failures <= 10)
          ADD_FAILURE() << what << ": fast parse accepted the frame but "
                        << (d.empty() ? std::string("the reference parse fails") : d)
                        << " differs (" << frame.size() << " bytes)";
      }
      if (fast.depth == 2) {
        // After a decap the pipeline takes the inner level, moved, for the parse of the inner
        // frame: it must be what parsing the inner frame (fast, else reference) gives.
        ++decapsulated;
        const ByteSpan inner = frame.subspan(fast.levels[0].tunnel.inner_offset);
        ParseResult want{};
        if (!fast_parse(inner, cfg, 0xFFFFFFFFu, want)) parser.parse(inner, want);
        ParseResult got{};
        fast_parse_decapsulated(fast, got);
        const std::string dd = diff(got, want);
        if (!dd.empty() && ++failures <= 10)
          ADD_FAILURE() << what << ": the decapsulated parse differs in " << dd;
      }
    }
    // The pipeline's way: fast, else reference, on a reused result.
    parser.parse(frame, reused_ref);
    if (!fast_parse(frame, cfg, window, reused_dp)) parser.parse(frame, reused_dp);
    const std::string d = diff(reused_dp, reused_ref);
    if (!d.empty() && ++failures <= 10)
      ADD_FAILURE() << what << ": reused parse result differs in " << d;
  }
};

std::vector<Bytes> generated(const char* kinds, const char* sizes, double malformed,
                             std::uint64_t count, std::uint64_t seed) {
  TraceSpec spec = make_trace_spec(sizes, kinds);
  spec.count = count;
  spec.flows = 64;
  spec.seed = seed;
  spec.malformed = malformed;
  TraceGenerator gen(spec);
  std::vector<Bytes> out;
  while (auto f = gen.next()) out.push_back(std::move(f->data));
  return out;
}

TEST(FastParse, AgreesWithTheReferenceOnTheCaptures) {
  Checker c;
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(NICSIM_TRACES_DIR)) {
    const std::string ext = e.path().extension().string();
    if (ext != ".pcap" && ext != ".pcapng") continue;
    std::vector<Frame> frames;
    try {
      frames = read_capture(e.path().string());
    } catch (const std::exception&) {
      continue;  // a capture the reader refuses (some are deliberately corrupt)
    }
    ++files;
    for (std::size_t i = 0; i < frames.size(); ++i)
      c.check(frames[i].data, e.path().filename().string() + " #" + std::to_string(i));
  }
  EXPECT_GE(files, 20u);
  EXPECT_EQ(c.failures, 0u);
  EXPECT_GT(c.accepted, 0u);
}

TEST(FastParse, AgreesWithTheReferenceOnGeneratedTraces) {
  for (const char* kinds : {"all", "ipv4,ipv6,tcp,udp,vlan,vxlan", "qinq,icmp,icmpv6",
                            "vxlan,ipv6", "geneve,nvgre,gre,arp,ipv6ext"}) {
    for (const double malformed : {0.0, 0.3}) {
      Checker c;
      for (const Bytes& f : generated(kinds, "mixed", malformed, 3000, 11))
        c.check(f, std::string(kinds));
      EXPECT_EQ(c.failures, 0u) << kinds;
      if (malformed == 0.0 && std::string(kinds) == "ipv4,ipv6,tcp,udp,vlan,vxlan") {
        // The bench's mix: the fast parse must take (nearly) all of it.
        EXPECT_GT(c.accepted, c.frames * 9 / 10);
      }
      if (std::string(kinds).find("vxlan") != std::string::npos) {
        EXPECT_GT(c.decapsulated, 100u) << kinds;
      }
    }
  }
}

TEST(FastParse, AgreesWithTheReferenceOnEveryTruncation) {
  Checker c;
  for (const Bytes& f : generated("all", "64", 0.0, 400, 3))
    for (std::size_t n = 0; n <= f.size(); ++n)
      c.check(ByteSpan(f.data(), n), "truncated");
  // Frames whose IP length exceeds the bytes present, and the other way round.
  for (const Bytes& f : generated("ipv4,ipv6,tcp,udp,vlan,vxlan", "128", 0.0, 200, 4)) {
    Bytes longer = f;
    longer.resize(f.size() + 9, 0xAB);
    c.check(longer, "trailer");
  }
  EXPECT_EQ(c.failures, 0u);
  EXPECT_GT(c.accepted, 0u);
}

TEST(FastParse, AgreesWithTheReferenceOnCorruptedHeaders) {
  Prng rng(99);
  for (const std::uint32_t window : {kDefaultParseWindow, 64u, 0xFFFFFFFFu}) {
    Checker c;
    c.window = window;
    for (const Bytes& f : generated("all", "mixed", 0.0, 1500, 5)) {
      for (int k = 0; k < 12; ++k) {
        Bytes g = f;
        const std::size_t span = std::min<std::size_t>(g.size(), 140);
        const int flips = 1 + static_cast<int>(rng.next() % 3);
        for (int j = 0; j < flips; ++j) {
          const std::size_t at = rng.next() % span;
          g[at] = static_cast<std::uint8_t>(rng.next() % 4 == 0 ? rng.next() : g[at] ^ (1u << (rng.next() % 8)));
        }
        c.check(g, "corrupted");
      }
    }
    EXPECT_EQ(c.failures, 0u) << "window " << window;
    EXPECT_GT(c.accepted, 0u);
  }
}

TEST(FastParse, NestedTunnelsAndTunnelPorts) {
  // VXLAN in VXLAN (a second tunnel is the reference parser's), VXLAN carrying each kind,
  // VXLAN on another port, and the VXLAN and Geneve ports equal.
  const Bytes inner = PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan({.vni = 7}).eth()
                          .ipv6().tcp().payload(20).bytes();
  const Bytes nested = PacketBuilder().eth().vlan().ipv4().udp({.dport = 4789}).vxlan({.vni = 9})
                           .payload(inner).bytes();
  const Bytes v6 = PacketBuilder().eth().ipv6().udp({.dport = 4789}).vxlan({.vni = 1}).eth()
                       .vlan().vlan().ipv4().icmp().payload(8).bytes();
  const Bytes other = PacketBuilder().eth().ipv4().udp({.dport = 8472}).vxlan({.vni = 3}).eth()
                          .ipv4().udp().payload(4).bytes();
  for (const ParserConfig cfg : {ParserConfig{}, ParserConfig{8472, 6081, 8},
                                 ParserConfig{4789, 4789, 8}, ParserConfig{6081, 4789, 8}}) {
    Checker c;
    c.cfg = cfg;
    for (const Bytes* f : {&inner, &nested, &v6, &other})
      for (std::size_t n = 0; n <= f->size(); ++n) c.check(ByteSpan(f->data(), n), "tunnel");
    EXPECT_EQ(c.failures, 0u) << cfg.vxlan_port << "/" << cfg.geneve_port;
  }
}

}  // namespace
}  // namespace nicsim::model
