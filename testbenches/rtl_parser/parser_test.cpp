// SPDX-License-Identifier: MIT
// Bench of rtl/parser.sv at DATA_W 64 and 512: every frame goes through the Verilated parser
// with idle cycles on the input and backpressure on both outputs, and is compared with the
// golden model: the output frame equals the input frame, parse_err equals parse_failed(pr,
// 256), and (without error) the flow key, TCAM key and the action-engine view of both levels
// (nic_pkg::action_meta_t: offsets, types, TTL, checksums, addresses, ports) equal what
// build_flow_key / build_tcam_key / the ParseResult say. The tunnel ports are inputs
// (cfg_vxlan_port, cfg_geneve_port); the model parses with the same ParserConfig.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "Vparser_w512.h"
#include "Vparser_w512_e1.h"
#include "Vparser_w64.h"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"
#include "common/stream_records.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/model/tracegen.hpp"

namespace nm = nicsim::model;

namespace {

constexpr std::uint32_t kWindow = 256;

struct InFrame {
  std::vector<std::uint8_t> bytes;
  std::uint8_t vport = 0;
};

// nic_pkg::action_meta_t, decoded (352 bits; first field most significant).
struct ActMeta {
  unsigned vlan_cnt = 0, l3_type = 0, l3_off = 0, l4_type = 0, l4_off = 0, frag = 0, ttl = 0;
  unsigned ip_csum = 0, l4_csum = 0, sport = 0, dport = 0;
  std::array<std::uint8_t, 16> src{}, dst{};  // network order; IPv4 in bytes 12..15
  bool operator==(const ActMeta&) const = default;
};

constexpr unsigned kActMetaW = 352;

// parse_meta_t (rtl/nic_pkg.sv), decoded. Bit positions from the LSB: tcam_key [447:0],
// flow_key [783:448], lvl1 [1135:784], lvl0 [1487:1136], key_tcp_flags [1495:1488], then the
// small fields up to parse_err at bit 1542.
struct Meta {
  bool parse_err = false;
  unsigned frame_len = 0, vport = 0, inner = 0, tun_type = 0, tun_off = 0;
  bool too_long = false;  // frame_len > MAX_FRAME
  unsigned has_eth_1 = 0, l2_off_1 = 0, key_tcp_flags = 0;
  ActMeta lvl0, lvl1;
  nm::FlowKey flow_key{};
  nm::TcamKey tcam_key{};
  bool tok = false;   // spec 11: a destination token, its 48 bytes
  nm::Token token{};
};

constexpr unsigned kMetaW = 1543 + 384 + 1;

template <class Wide>
Meta decode_meta(const Wide& w) {
  const auto bits = [&w](unsigned lsb, unsigned width) {
    return static_cast<unsigned>(nicsim::bench::get_bits(w, lsb, width));
  };
  Meta m;
  for (unsigned i = 0; i < nm::kTcamKeyBytes; ++i)
    m.tcam_key[i] = static_cast<std::uint8_t>(bits(448 - 8 - 8 * i, 8));
  for (unsigned i = 0; i < nm::kKeyBytes; ++i)
    m.flow_key[i] = static_cast<std::uint8_t>(bits(784 - 8 - 8 * i, 8));
  unsigned pos = 784;
  auto take = [&](unsigned width) {
    const unsigned v = bits(pos, width);
    pos += width;
    return v;
  };
  auto take_act = [&](ActMeta& a) {
    const unsigned start = pos;
    a.dport = take(16);
    a.sport = take(16);
    for (unsigned i = 0; i < 16; ++i) a.dst[15 - i] = static_cast<std::uint8_t>(take(8));
    for (unsigned i = 0; i < 16; ++i) a.src[15 - i] = static_cast<std::uint8_t>(take(8));
    a.l4_csum = take(16);
    a.ip_csum = take(16);
    a.ttl = take(8);
    a.frag = take(1);
    a.l4_off = take(8);
    a.l4_type = take(3);
    a.l3_off = take(8);
    a.l3_type = take(2);
    a.vlan_cnt = take(2);
    EXPECT_EQ(pos - start, kActMetaW);
  };
  take_act(m.lvl1);
  take_act(m.lvl0);
  m.key_tcp_flags = take(8);
  m.l2_off_1 = take(8);
  m.has_eth_1 = take(1);
  m.tun_off = take(8);
  m.tun_type = take(3);
  m.inner = take(1);
  m.vport = take(8);
  m.too_long = take(1) != 0;
  m.frame_len = take(16);
  m.parse_err = take(1) != 0;
  for (unsigned i = 0; i < nm::kTokenBytes; ++i)
    m.token[nm::kTokenBytes - 1 - i] = static_cast<std::uint8_t>(take(8));
  m.tok = take(1) != 0;
  EXPECT_EQ(pos, kMetaW);
  return m;
}

using nicsim::bench::Pattern;

struct Patterns {
  Pattern in_valid = nicsim::bench::always();
  Pattern out_ready = nicsim::bench::always();
  Pattern meta_ready = nicsim::bench::always();
};

using RunResult = nicsim::bench::RecordRun<Meta>;  // records: the metadata

NICSIM_AXIS_PORT(SAxis, s_axis_);
NICSIM_AXIS_PORT(MAxis, m_axis_);
NICSIM_VALID_READY_PORT(MetaPort, m_meta_);

// One Verilated parser (Vparser_w64 or Vparser_w512) with its clock.
template <class V, unsigned W>
class Dut {
 public:
  explicit Dut(const nm::ParserConfig& cfg = {}) : h_({.name = "parser w" + std::to_string(W)}) {
    set_config(cfg);
    h_.reset(4, 1);
  }

  // The tunnel ports (quasi-static: change them only while no frame is in the parser).
  void set_config(const nm::ParserConfig& cfg) {
    h_->cfg_vxlan_port = cfg.vxlan_port;
    h_->cfg_geneve_port = cfg.geneve_port;
  }

  // Every frame through the parser; the input has garbage in unused lanes, tuser carries the
  // frame's low vport bit (to see that tuser passes unchanged), vport is driven on every beat
  // but sampled on the first.
  RunResult run(const std::vector<InFrame>& frames, const Patterns& pat) {
    namespace b = nicsim::bench;
    std::vector<b::AxisFrame> in;
    for (std::size_t i = 0; i < frames.size(); ++i)
      in.push_back({.data = frames[i].bytes, .user = frames[i].vport & 1u, .id = i});
    return b::run_with_records<Meta, SAxis, MAxis, MetaPort>(
        h_, in,
        {.in_valid = pat.in_valid,
         .out_ready = pat.out_ready,
         .record_ready = pat.meta_ready,
         .fill = [](unsigned lane) { return static_cast<std::uint8_t>(0xa5 ^ lane); }},
        [](V& m) { return decode_meta(m.m_meta_data); },
        [&](V& m, const b::AxisFrame* f, std::size_t, bool valid) {
          m.s_axis_vport = valid ? frames[f->id].vport : 0;
        });
  }

 private:
  nicsim::bench::Harness<V> h_;
};

// ---- model side -----------------------------------------------------------------------------

std::string hex(std::span<const std::uint8_t> b) {
  std::string s;
  char buf[4];
  for (auto x : b) {
    std::snprintf(buf, sizeof buf, "%02x", x);
    s += buf;
  }
  return s;
}

unsigned l4_code(const nm::Level& lv) {
  if (!lv.has_l4) return 0;
  switch (lv.l4.kind) {
    case nm::Layer::kTcp: return 1;
    case nm::Layer::kUdp: return 2;
    case nm::Layer::kIcmp: return 3;
    case nm::Layer::kIcmpv6: return 4;
    default: return 7;
  }
}
unsigned l3_code(const nm::Level& lv) {
  if (!lv.has_ip) return 0;
  return lv.ip.version == 4 ? 1 : 2;
}

// The action-engine view of one model level (what nic_pkg::action_meta_t must hold): zero for
// the fields of absent headers; l4_csum of TCP, UDP and ICMPv6 only; ports of TCP/UDP only.
ActMeta act_of(const nm::Level& lv) {
  ActMeta a;
  a.vlan_cnt = lv.has_eth ? lv.vlan_count : 0u;
  if (!lv.has_ip) return a;
  const nm::IpInfo& ip = lv.ip;
  a.l3_type = l3_code(lv);
  a.l3_off = ip.offset;
  a.frag = ip.frag ? 1u : 0u;
  a.ttl = ip.ttl;
  if (ip.version == 4) {
    a.ip_csum = ip.checksum;
    const std::uint32_t s = ip.src.v4().value(), d = ip.dst.v4().value();
    for (unsigned i = 0; i < 4; ++i) {
      a.src[12 + i] = static_cast<std::uint8_t>(s >> (24 - 8 * i));
      a.dst[12 + i] = static_cast<std::uint8_t>(d >> (24 - 8 * i));
    }
  } else {
    a.src = ip.src.v6().bytes();
    a.dst = ip.dst.v6().bytes();
  }
  if (!lv.has_l4) return a;
  a.l4_type = l4_code(lv);
  a.l4_off = lv.l4.offset;
  if (lv.l4.kind != nm::Layer::kIcmp) a.l4_csum = lv.l4.checksum;
  if (lv.l4.kind == nm::Layer::kTcp || lv.l4.kind == nm::Layer::kUdp) {
    a.sport = lv.l4.sport;
    a.dport = lv.l4.dport;
  }
  return a;
}

std::string act_str(const ActMeta& a) {
  std::ostringstream o;
  o << "vlan " << a.vlan_cnt << " l3 " << a.l3_type << "@" << a.l3_off << " l4 " << a.l4_type
    << "@" << a.l4_off << " frag " << a.frag << " ttl " << a.ttl << std::hex << " ip_csum "
    << a.ip_csum << " l4_csum " << a.l4_csum << std::dec << " ports " << a.sport << ","
    << a.dport << " src " << hex(a.src) << " dst " << hex(a.dst);
  return o.str();
}

std::string summary(const nm::ParseResult& pr) {
  std::ostringstream o;
  o << "depth " << unsigned{pr.depth};
  for (unsigned i = 0; i < pr.depth; ++i) {
    const nm::Level& lv = pr.levels[i];
    o << " | L" << i << " off " << lv.offset << (lv.has_eth ? " eth" : "")
      << " vlans " << unsigned{lv.vlan_count} << (lv.has_arp ? " arp" : "");
    if (lv.has_ip)
      o << " ip" << unsigned{lv.ip.version} << "@" << lv.ip.offset << " hl " << lv.ip.header_len
        << " proto " << unsigned{lv.ip.proto} << (lv.ip.frag ? " frag" : "");
    if (lv.has_l4) o << " l4 " << nm::layer_name(lv.l4.kind) << "@" << lv.l4.offset;
    if (lv.has_tunnel)
      o << " tun " << nm::tunnel_name(lv.tunnel.type) << "@" << lv.tunnel.offset << " hl "
        << lv.tunnel.header_len;
    if (!lv.error.ok()) o << " ERROR '" << lv.error.text() << "'";
  }
  return o.str();
}

// Compares one frame; returns "" or a description of the first difference.
std::string check_frame(const InFrame& in, const std::vector<std::uint8_t>& out, const Meta& m,
                        const nm::ParserConfig& cfg) {
  std::ostringstream o;
  if (out != in.bytes) o << "output frame differs from input (len " << out.size() << " vs "
                         << in.bytes.size() << "); ";
  const nm::ByteSpan span(in.bytes);
  const nm::ParseResult pr = nm::Parser(cfg).parse(span);
  const bool err = nm::parse_failed(pr, kWindow);
  if (m.parse_err != err) o << "parse_err rtl " << m.parse_err << " model " << err << "; ";
  if (m.frame_len != std::min<std::size_t>(in.bytes.size(), 0xffff)) o << "frame_len; ";
  if (m.too_long != (in.bytes.size() > nm::PipelineConfig{}.max_frame)) o << "too_long; ";
  if (m.vport != in.vport) o << "vport; ";
  if (!err && m.parse_err == err) {
    nm::FlowKey k{};
    nm::build_flow_key(span, pr, in.vport, k, kWindow);
    nm::TcamKey t{};
    nm::build_tcam_key(k, pr, t);
    if (m.flow_key != k)
      o << "flow key\n  rtl   " << hex(m.flow_key) << "\n  model " << hex(k) << "\n";
    if (m.tcam_key != t)
      o << "tcam key\n  rtl   " << hex(m.tcam_key) << "\n  model " << hex(t) << "\n";
    const unsigned kl = static_cast<unsigned>(nm::key_level(pr));
    if (m.inner != kl) o << "inner " << m.inner << " model " << kl << "; ";
    const nm::Level& l0 = pr.levels[0];
    const unsigned tt =
        l0.has_tunnel ? static_cast<unsigned>(nm::spec_tun_type(l0.tunnel.type)) : 0u;
    if (m.tun_type != tt) o << "tun_type " << m.tun_type << " model " << tt << "; ";
    if (m.tun_off != (l0.has_tunnel ? l0.tunnel.offset : 0u)) o << "tun_off; ";
    const ActMeta e0 = act_of(l0);
    const ActMeta e1 = kl == 1 ? act_of(pr.levels[1]) : ActMeta{};
    if (m.lvl0 != e0)
      o << "lvl0\n  rtl   " << act_str(m.lvl0) << "\n  model " << act_str(e0) << "\n";
    if (m.lvl1 != e1)
      o << "lvl1\n  rtl   " << act_str(m.lvl1) << "\n  model " << act_str(e1) << "\n";
    const unsigned eth1 = kl == 1 && pr.levels[1].has_eth ? 1u : 0u;
    const unsigned off1 = kl == 1 ? pr.levels[1].offset : 0u;
    if (m.has_eth_1 != eth1 || m.l2_off_1 != off1) o << "has_eth_1/l2_off_1; ";
    // The key level's TCP flags (spec 5.2 step 2): zero without a TCP header at that level.
    const nm::Level& kv = pr.levels[kl];
    const unsigned flags = kv.has_l4 && kv.l4.kind == nm::Layer::kTcp ? kv.l4.tcp_flags : 0u;
    if (m.key_tcp_flags != flags)
      o << "key_tcp_flags " << m.key_tcp_flags << " model " << flags << "; ";
    // Spec 11: the token of the level-0 Geneve header (whatever the vport; the datapath
    // decides whether to check it).
    const std::size_t toff = nm::token_offset(span, pr);
    if (m.tok != (toff != 0)) o << "tok " << m.tok << " model " << (toff != 0) << "; ";
    if (toff != 0 && !std::equal(m.token.begin(), m.token.end(), in.bytes.begin() + toff))
      o << "token\n  rtl   " << hex(m.token) << "\n  model "
        << hex(nm::ByteSpan(in.bytes).subspan(toff, nm::kTokenBytes)) << "\n";
    if (toff == 0 && m.token != nm::Token{}) o << "token not zero without tok; ";
  } else if (m.parse_err) {
    // with an error the record is zero apart from parse_err, frame_len and vport
    if (m.inner != 0 || m.tun_type != 0 || m.tun_off != 0 || m.has_eth_1 != 0 || m.l2_off_1 != 0 ||
        m.key_tcp_flags != 0 ||
        m.lvl0 != ActMeta{} || m.lvl1 != ActMeta{} || m.flow_key != nm::FlowKey{} ||
        m.tcam_key != nm::TcamKey{} || m.tok || m.token != nm::Token{})
      o << "record not zero with parse_err; ";
  }
  std::string s = o.str();
  if (!s.empty()) {
    nm::FlowKey k{};
    nm::TcamKey t{};
    if (!err) {
      nm::build_flow_key(span, pr, in.vport, k, kWindow);
      nm::build_tcam_key(k, pr, t);
    }
    s += "\n  model: " + summary(pr) + "\n  tcam key rtl   " + hex(m.tcam_key) +
         "\n  tcam key model " + hex(t) + (err ? " (parse error: no key)" : "");
  }
  return s;
}

// What the compared frames exercised (so a test cannot pass by not reaching a path).
struct Coverage {
  std::size_t frames = 0, errors = 0, inner = 0, ipv6 = 0, vlan = 0, l4 = 0, inner_l4 = 0;
  std::size_t frag = 0, udp_no_csum = 0;
  std::size_t tcp_ctl = 0, tcp_no_ctl = 0;  // key-level TCP with / without SYN, FIN or RST
  std::size_t tokens = 0;
  std::array<std::size_t, 6> tun{};      // by tun_type of the metadata
  std::array<std::size_t, 5> l4_kind{};  // by l4_type of either level
  void add(const Meta& m) {
    ++frames;
    if (m.parse_err) {
      ++errors;
      return;
    }
    inner += m.inner;
    ipv6 += m.lvl0.l3_type == 2 || m.lvl1.l3_type == 2;
    vlan += m.lvl0.vlan_cnt != 0;
    l4 += m.lvl0.l4_type != 0 || m.lvl1.l4_type != 0;
    inner_l4 += m.lvl1.l4_type != 0;
    frag += m.lvl0.frag != 0 || m.lvl1.frag != 0;
    for (const ActMeta* a : {&m.lvl0, &m.lvl1}) {
      ++l4_kind[a->l4_type % 5];
      udp_no_csum += a->l4_type == 2 && a->l4_csum == 0;
    }
    ++tun[m.tun_type % 6];
    tokens += m.tok;
    const ActMeta& key_lvl = m.inner != 0 ? m.lvl1 : m.lvl0;
    if (key_lvl.l4_type == 1) ++((m.key_tcp_flags & 0x07) != 0 ? tcp_ctl : tcp_no_ctl);
  }
  void expect_tunnels_and_errors() const {
    EXPECT_GT(errors, 0u);
    EXPECT_GT(frames - errors, 0u);
    EXPECT_GT(inner, 0u);
    EXPECT_GT(ipv6, 0u);
    EXPECT_GT(vlan, 0u);
    EXPECT_GT(l4, 0u);
    for (unsigned t = 2; t <= 5; ++t) EXPECT_GT(tun[t], 0u) << "tunnel type " << t;
  }
  // Every L4 type, inner L4 headers and fragments reached the action metadata.
  void expect_action_fields() const {
    for (unsigned k = 1; k <= 4; ++k) EXPECT_GT(l4_kind[k], 0u) << "l4 type " << k;
    EXPECT_GT(inner_l4, 0u);
    EXPECT_GT(frag, 0u);
  }
};

// Checks a run of frames against the model parsing with cfg.
template <unsigned W>
void check_run(const std::vector<InFrame>& frames, const RunResult& r,
               const nm::ParserConfig& cfg, Coverage* cov) {
  ASSERT_FALSE(r.hung) << "DATA_W=" << W << ": no progress for 5000 clocks after "
                       << r.out_frames.size() << " frames out, " << r.records.size()
                       << " metadata";
  ASSERT_EQ(r.out_frames.size(), frames.size());
  ASSERT_EQ(r.records.size(), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const std::string d = check_frame(frames[i], r.out_frames[i], r.records[i], cfg);
    ASSERT_TRUE(d.empty()) << "DATA_W=" << W << " frame " << i << " (" << frames[i].bytes.size()
                           << " bytes): " << d << "\n  frame " << hex(frames[i].bytes);
    if (cov) cov->add(r.records[i]);
  }
}

template <class V, unsigned W>
void run_and_check(const std::vector<InFrame>& frames, const Patterns& pat,
                   std::uint64_t* cycles = nullptr, Coverage* cov = nullptr,
                   std::uint64_t* latency = nullptr, const nm::ParserConfig& cfg = {}) {
  Dut<V, W> dut(cfg);
  const RunResult r = dut.run(frames, pat);
  check_run<W>(frames, r, cfg, cov);
  if (cycles) *cycles = r.cycles;
  if (latency) *latency = r.latency;
}

// Both widths (default engines: 2 at 64 bits, 4 at 512), one pattern set.
Coverage check_both(const std::vector<InFrame>& frames, const Patterns& pat = {},
                    const nm::ParserConfig& cfg = {}) {
  Coverage cov;
  run_and_check<Vparser_w64, 64>(frames, pat, nullptr, nullptr, nullptr, cfg);
  run_and_check<Vparser_w512, 512>(frames, pat, nullptr, &cov, nullptr, cfg);
  return cov;
}

Patterns stall_patterns() {
  Patterns p;
  p.in_valid = nicsim::bench::every("1110");
  p.out_ready = nicsim::bench::every("110");
  p.meta_ready = nicsim::bench::every("10110");
  return p;
}

Patterns random_patterns(std::uint64_t seed) {
  Patterns p;
  p.in_valid = nicsim::bench::random(seed, 70);
  p.out_ready = nicsim::bench::random(seed + 1, 60);
  p.meta_ready = nicsim::bench::random(seed + 2, 50);
  return p;
}

std::vector<InFrame> generated(std::string_view sizes, std::uint64_t seed, std::size_t count,
                               double malformed, std::string_view kinds = "all") {
  nm::TraceSpec spec = nm::make_trace_spec(sizes, kinds);
  spec.seed = seed;
  spec.count = count;
  spec.flows = 64;
  spec.malformed = malformed;
  nm::TraceGenerator gen(spec);
  nm::Prng rng(seed * 7 + 3);
  std::vector<InFrame> out;
  while (auto f = gen.next())
    out.push_back({std::move(f->data), static_cast<std::uint8_t>(rng.next())});
  return out;
}

InFrame frame_of(const nm::PacketBuilder& b, std::uint8_t vport = 3) {
  return {b.bytes(), vport};
}

// ---- directed tests ---------------------------------------------------------------------------

// Each directed frame with whether the model says it fails (checked, so the list stays honest).
struct Directed {
  const char* name;
  InFrame frame;
  bool err;
};

std::vector<Directed> directed_frames() {
  using nm::PacketBuilder;
  std::vector<Directed> d;
  auto add = [&](const char* n, const PacketBuilder& b, bool err) {
    d.push_back({n, frame_of(b), err});
  };
  const nm::Ipv4Spec v4{.src = nm::Ipv4Addr(192, 168, 1, 2), .dst = nm::Ipv4Addr(10, 9, 8, 7)};
  add("eth only", PacketBuilder().eth({.type = 0x88b5}).payload(50), false);
  add("802.3 length", PacketBuilder().eth({.type = 0x0040}).payload(64), false);
  add("arp", PacketBuilder().eth().arp().pad_to(60), false);
  add("vlan arp", PacketBuilder().eth().vlan({.vid = 77}).arp(), false);
  add("ipv4 tcp", PacketBuilder().eth().ipv4(v4).tcp({.sport = 1234, .dport = 80}).payload(10),
      false);
  add("ipv4 tcp fin ack", PacketBuilder().eth().ipv4(v4).tcp({.flags = 0x11}).payload(3), false);
  add("ipv4 tcp rst", PacketBuilder().eth().vlan().ipv4(v4).tcp({.flags = 0x04}), false);
  add("ipv4 tcp all but syn fin rst",
      PacketBuilder().eth().ipv4(v4).tcp({.flags = 0xf8}).payload(1), false);
  add("ipv4 tcp first fragment syn",
      PacketBuilder().eth().ipv4({.mf = true}).tcp({.flags = 0x02}).payload(20), false);
  add("ipv4 tcp later fragment (syn-looking payload)",
      PacketBuilder().eth().ipv4({.frag_offset = 2}).tcp({.flags = 0x02}).payload(20), false);
  add("vxlan inner tcp ack", PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4()
                                 .tcp({.flags = 0x10}).payload(5), false);
  add("geneve ipv6 inner tcp fin",
      PacketBuilder().eth().ipv6().udp().geneve().ipv6().tcp({.flags = 0x01}), false);
  add("ipv4 options tcp options",
      PacketBuilder().eth().ipv4({.options = {1, 1, 1, 1, 1, 1, 1, 0}})
          .tcp({.options = {2, 4, 5, 0xb4}}).payload(4), false);
  add("ipv4 udp", PacketBuilder().eth().ipv4(v4).udp({.sport = 53}).payload(30), false);
  add("ipv4 icmp echo", PacketBuilder().eth().ipv4().icmp({.type = 8, .rest = 0xbeef0001}),
      false);
  add("ipv4 icmp unreachable",
      PacketBuilder().eth().ipv4().icmp({.type = 3, .code = 1, .rest = 0x12345678}), false);
  add("ipv4 proto 253", PacketBuilder().eth().ipv4().payload(20), false);
  add("ipv4 first fragment", PacketBuilder().eth().ipv4({.mf = true}).udp().payload(20), false);
  add("ipv4 later fragment",
      PacketBuilder().eth().ipv4({.frag_offset = 100, .proto = 17}).payload(20), false);
  add("qinq ipv4 tcp",
      PacketBuilder().eth().vlan({.vid = 100, .tpid = 0x88a8}).vlan({.vid = 200}).ipv4().tcp(),
      false);
  add("vlan 9100 ipv6 udp",
      PacketBuilder().eth().vlan({.vid = 4095, .tpid = 0x9100}).ipv6().udp().payload(9), false);
  add("ipv6 tcp", PacketBuilder().eth().ipv6().tcp({.sport = 443, .dport = 55555}), false);
  add("ipv6 icmpv6 echo",
      PacketBuilder().eth().ipv6().icmpv6({.type = 129, .rest = 0xabcd0002}), false);
  add("ipv6 icmpv6 nd", PacketBuilder().eth().ipv6().icmpv6({.type = 135}), false);
  add("ipv6 ext hbh routing dst frag0",
      PacketBuilder().eth().ipv6({.ext = {{.type = 0}, {.type = 43, .len = 24}, {.type = 60},
                                          {.type = 44, .more = true}}}).udp().payload(8),
      false);
  add("ipv6 ah", PacketBuilder().eth().ipv6({.ext = {{.type = 51, .len = 16}}}).tcp(), false);
  add("ipv6 later fragment",
      PacketBuilder().eth().ipv6({.ext = {{.type = 44, .frag_offset = 9}}}).payload(16),
      false);
  add("vxlan", PacketBuilder().eth().ipv4().udp().vxlan({.vni = 0x123456}).eth().vlan()
                   .ipv4(v4).tcp({.sport = 7, .dport = 8}), false);
  add("geneve eth options",
      PacketBuilder().eth().ipv6().udp().geneve({.vni = 99, .options = {{.data = {1, 2, 3, 4}}}})
          .eth().ipv6().udp(), false);
  add("geneve ipv4", PacketBuilder().eth().ipv4().udp().geneve({.vni = 5}).ipv4().icmp(),
      false);
  add("nvgre", PacketBuilder().eth().ipv4().nvgre(0xabcdef, 7).eth().arp(), false);
  add("gre key ipv6",
      PacketBuilder().eth().ipv4().gre({.checksum = true, .key = 0x11223344, .seq = 5})
          .ipv6().tcp(), false);
  add("gre no key ipv4", PacketBuilder().eth().ipv4().gre().ipv4().udp(), false);
  add("gre other protocol",
      PacketBuilder().eth().vlan({.vid = 12}).ipv4().gre({.protocol = 0x88be}).payload(40),
      false);
  add("vxlan in vxlan",
      PacketBuilder().eth().ipv4().udp().vxlan({.vni = 1}).eth().ipv4().udp().vxlan({.vni = 2})
          .eth().ipv4().tcp(), false);
  add("inner vxlan bad flag (level 1)",
      PacketBuilder().eth().ipv4().udp().vxlan({.vni = 1}).eth().ipv4().udp()
          .vxlan({.vni = 2, .flags = 0}).eth().ipv4().tcp(), true);
  add("level 2 error ignored",
      PacketBuilder().eth().ipv4().udp().vxlan({.vni = 1}).eth().ipv4().udp().vxlan({.vni = 2})
          .eth().ipv4({.version = 5}).tcp(), false);
  add("udp without checksum",
      PacketBuilder().eth().ipv4(v4).udp({.sport = 99, .dport = 100, .zero_checksum = true})
          .payload(12), false);
  add("vxlan ipv6 icmpv6 echo",
      PacketBuilder().eth().vlan({.vid = 3}).ipv6().udp().vxlan({.vni = 42}).eth().ipv6()
          .icmpv6({.type = 128, .rest = 0x00070001}), false);
  add("geneve ipv6 ext frag0 udp",
      PacketBuilder().eth().ipv4().udp().geneve({.vni = 8}).eth()
          .ipv6({.ext = {{.type = 44, .more = true}}}).udp().payload(16), false);
  add("gre inner later fragment",
      PacketBuilder().eth().ipv4().gre().ipv4({.frag_offset = 3, .proto = 6}).payload(20),
      false);
  add("ipv4 with ethernet trailer",
      PacketBuilder().eth().ipv4().udp().payload(2).trailer(20, 0xee), false);
  // errors
  add("runt", PacketBuilder().eth().payload(4).cut(10), true);
  add("cut vlan tag", PacketBuilder().eth().vlan().ipv4().cut(16), true);
  add("third vlan tag", PacketBuilder().eth().vlan().vlan().vlan().ipv4().tcp(), true);
  add("cut ipv4", PacketBuilder().eth().ipv4().tcp().cut(30), true);
  add("ipv4 version 5", PacketBuilder().eth().ipv4({.version = 5}).tcp(), true);
  add("ipv4 ihl 4", PacketBuilder().eth().ipv4({.ihl = 4}).tcp(), true);
  add("ipv4 total < ihl", PacketBuilder().eth().ipv4({.total_len = 12}).tcp(), true);
  add("ipv4 total > frame", PacketBuilder().eth().ipv4({.total_len = 1000}).tcp(), true);
  add("ipv6 version 4", PacketBuilder().eth().ipv6({.version = 4}).tcp(), true);
  add("ipv6 payload > frame", PacketBuilder().eth().ipv6({.payload_len = 400}).tcp(), true);
  add("ipv6 hbh not first",
      PacketBuilder().eth().ipv6({.ext = {{.type = 60}, {.type = 0}}}).tcp(), true);
  {
    std::vector<nm::Ipv6ExtSpec> nine(9, nm::Ipv6ExtSpec{.type = 60});
    add("ipv6 nine ext", PacketBuilder().eth().ipv6({.ext = nine}).tcp(), true);
    std::vector<nm::Ipv6ExtSpec> eight(8, nm::Ipv6ExtSpec{.type = 60});
    add("ipv6 eight ext", PacketBuilder().eth().ipv6({.ext = eight}).tcp(), false);
  }
  add("ipv6 ext beyond window",
      PacketBuilder().eth().ipv6({.ext = {{.type = 60, .len = 200}, {.type = 43, .len = 40}}})
          .tcp().payload(100), true);
  add("tcp beyond window",
      PacketBuilder().eth().ipv6({.ext = {{.type = 60, .len = 184}}}).tcp().payload(100), true);
  add("tcp within window",
      PacketBuilder().eth().ipv6({.ext = {{.type = 60, .len = 168}}}).tcp().payload(100), false);
  // ICMPv6 at 252: its 4 bytes end at the window, the echo identifier (bytes 4-5) beyond it
  add("icmpv6 echo id beyond window",
      PacketBuilder().eth().ipv4().udp().vxlan().eth()
          .ipv6({.ext = {{.type = 51, .len = 148}}}).icmpv6({.type = 128, .rest = 0x12340001})
          .payload(40), false);
  add("icmpv6 echo id at window end",
      PacketBuilder().eth().ipv6({.ext = {{.type = 51, .len = 192}}})
          .icmpv6({.type = 129, .rest = 0x56780001}).payload(40), false);
  add("icmpv6 echo id beyond ip payload",
      PacketBuilder().eth().ipv6({.payload_len = 4}).icmpv6({.type = 128, .rest = 0x9abc0001}),
      false);
  add("tcp doff 4", PacketBuilder().eth().ipv4().tcp({.data_offset = 4}), true);
  add("tcp options cut", PacketBuilder().eth().ipv4().tcp({.options = {1, 1, 1, 1}}).cut(56),
      true);
  add("udp length 7", PacketBuilder().eth().ipv4().udp({.length = 7}).payload(8), true);
  add("udp length > ip", PacketBuilder().eth().ipv4().udp({.length = 200}).payload(8), true);
  add("cut icmp", PacketBuilder().eth().ipv4().icmp().cut(40), true);
  add("vxlan no I flag",
      PacketBuilder().eth().ipv4().udp().vxlan({.flags = 0}).eth().ipv4().tcp(), true);
  add("geneve version 1", PacketBuilder().eth().ipv4().udp().geneve({.version = 1}).eth(),
      true);
  add("geneve options cut",
      PacketBuilder().eth().ipv4().udp().geneve({.opt_len = 20}).payload(20), true);
  add("gre version 1", PacketBuilder().eth().ipv4().gre({.version = 1}).ipv4().tcp(), true);
  add("gre routing flag",
      PacketBuilder().eth().ipv4().gre({.extra_flags = 0x4000}).ipv4().tcp(), true);
  add("arp cut", PacketBuilder().eth().arp().cut(30), true);
  add("inner ipv4 bad", PacketBuilder().eth().ipv4().gre().ipv4({.ihl = 3}).tcp(), true);
  // Spec 11: destination tokens (a Geneve option of class 0xFFF0, type 0x81, 12 words, first).
  nm::Token tk{};
  for (std::size_t i = 0; i < tk.size(); ++i) tk[i] = static_cast<std::uint8_t>(0x30 + 5 * i);
  const nm::GeneveOption to = nm::token_option(tk);
  add("token ipv4 geneve eth",
      PacketBuilder().eth().ipv4().udp().geneve({.options = {to}}).eth().ipv4().tcp(), false);
  add("token qinq ipv6 geneve ipv6",
      PacketBuilder().eth().vlan().vlan().ipv6().udp().geneve({.options = {to, {.data = {9, 9, 9, 9}}}})
          .ipv6().udp().payload(8), false);
  add("token ipv4 options, geneve carrying nothing parsed",
      PacketBuilder().eth().ipv4({.options = std::vector<std::uint8_t>(40, 1)}).udp().geneve({.protocol = 0x88b5, .options = {to}})
          .payload(30), false);
  add("token second option (not a token)",
      PacketBuilder().eth().ipv4().udp().geneve({.options = {{.data = {1, 2, 3, 4}}, to}}).eth()
          .ipv4().tcp(), false);
  nm::GeneveOption short_opt = to;
  short_opt.data.resize(44);
  add("token 11 words (not a token)",
      PacketBuilder().eth().ipv4().udp().geneve({.options = {short_opt}}).eth().ipv4().tcp(), false);
  nm::GeneveOption other = to;
  other.type = 0x01;
  add("token type 1 (not a token)",
      PacketBuilder().eth().ipv4().udp().geneve({.options = {other}}).eth().ipv4().tcp(), false);
  add("token options one word short",
      PacketBuilder().eth().ipv4().udp().geneve({.options = {to}, .opt_len = 12}).eth().ipv4()
          .tcp().payload(40), false);
  add("token in an inner geneve (not a token)",
      PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4().udp().geneve({.options = {to}})
          .eth().ipv4().tcp(), false);
  add("token cut", PacketBuilder().eth().ipv4().udp().geneve({.options = {to}}).eth().cut(90),
      true);
  // Spec 2.2: MAX_FRAME bytes and one more (too_long: the datapath drops it parse_error).
  const std::size_t max_frame = nm::PipelineConfig{}.max_frame;
  add("MAX_FRAME bytes", PacketBuilder().eth().ipv4().tcp().payload(max_frame - 54), false);
  add("MAX_FRAME + 1 bytes", PacketBuilder().eth().ipv4().tcp().payload(max_frame - 53), false);
  return d;
}

TEST(RtlParser, DirectedHeadersAndErrors) {
  std::vector<InFrame> frames;
  for (const Directed& d : directed_frames()) {
    const nm::ParseResult pr = nm::parse(nm::ByteSpan(d.frame.bytes));
    EXPECT_EQ(nm::parse_failed(pr, kWindow), d.err)
        << d.name << " (test list): model says " << summary(pr);
    frames.push_back(d.frame);
  }
  const Coverage cov = check_both(frames);
  cov.expect_action_fields();
  EXPECT_GT(cov.udp_no_csum, 0u);  // the generator always sends UDP checksums
  EXPECT_GT(cov.tcp_ctl, 3u);      // the generator's TCP segments are all ACK|PSH
  EXPECT_GT(cov.tcp_no_ctl, 1u);
  EXPECT_EQ(cov.tokens, 3u);
  check_both(frames, stall_patterns());
}

TEST(RtlParser, TinyFramesAndSingleBeats) {
  // every length from 1 to 80 (tlast on the first beat at 512 bits, runts, cut headers)
  const auto base = nm::PacketBuilder().eth().vlan().ipv4().tcp().payload(20).bytes();
  std::vector<InFrame> frames;
  for (std::size_t n = 1; n <= base.size(); ++n)
    frames.push_back({std::vector<std::uint8_t>(base.begin(), base.begin() + n),
                      static_cast<std::uint8_t>(n)});
  check_both(frames);
  check_both(frames, random_patterns(11));
}

// ---- generated traces -------------------------------------------------------------------------

TEST(RtlParser, GeneratedMixedStallPatterns) {
  const auto frames = generated("mixed", 101, 10000, 0.1);
  const Coverage cov = check_both(frames, stall_patterns());
  cov.expect_tunnels_and_errors();
  cov.expect_action_fields();
}

TEST(RtlParser, GeneratedImixRandomPatterns) {
  const auto frames = generated("imix", 202, 20000, 0.1);
  const Coverage cov = check_both(frames, random_patterns(5));
  cov.expect_tunnels_and_errors();
  cov.expect_action_fields();
}

TEST(RtlParser, Generated64ByteFullRate) {
  const auto frames = generated("64", 303, 20000, 0.1);
  check_both(frames);
  check_both(frames, random_patterns(9));
}

// Generated frames with random byte changes in the first 300 bytes and random cuts: paths the
// generator does not take (odd lengths, flags, protocols, options near the window end).
void mutate(std::vector<InFrame>& frames, std::uint64_t seed, std::size_t span) {
  nm::Prng rng(seed);
  for (InFrame& f : frames) {
    const unsigned edits = static_cast<unsigned>(rng.below(4));
    for (unsigned e = 0; e < edits; ++e) {
      const std::size_t at = rng.below(std::min<std::size_t>(f.bytes.size(), span));
      f.bytes[at] = static_cast<std::uint8_t>(rng.next());
    }
    if (rng.below(4) == 0) f.bytes.resize(1 + rng.below(f.bytes.size()));
  }
}

TEST(RtlParser, MutatedFrames) {
  auto frames = generated("imix", 404, 20000, 0.0);
  mutate(frames, 77, 300);
  check_both(frames, random_patterns(13));
}

TEST(RtlParser, MutatedTunnelHeaders) {
  auto frames = generated("mixed", 505, 20000, 0.05, "qinq,ipv6ext,vxlan,nvgre,gre,geneve");
  mutate(frames, 78, 120);
  const Coverage cov = check_both(frames, random_patterns(17));
  cov.expect_tunnels_and_errors();
}

// Spec 11: frames carrying a token option (outer IPv4 or IPv6, 0-2 VLAN tags, the token
// first or behind another option, inner Ethernet, IPv4 or IPv6), then mutated in the first
// 140 bytes (the option's class, type and length, the Geneve option length, cuts): the
// token flag and bytes agree with the model's token_offset() on every frame.
TEST(RtlParser, MutatedTokenFrames) {
  using nm::PacketBuilder;
  nm::Prng rng(909);
  std::vector<InFrame> frames;
  for (unsigned i = 0; i < 4000; ++i) {
    nm::Token tk{};
    for (auto& x : tk) x = static_cast<std::uint8_t>(rng.next());
    PacketBuilder b;
    b.eth();
    for (unsigned v = static_cast<unsigned>(rng.below(3)); v > 0; --v) b.vlan();
    if (rng.below(2) == 0) b.ipv4(); else b.ipv6();
    b.udp({.dport = 6081});
    nm::GeneveSpec g{.vni = static_cast<std::uint32_t>(rng.below(1u << 24))};
    if (rng.below(5) == 0) g.options.push_back({.data = {1, 2, 3, 4}});
    g.options.push_back(nm::token_option(tk));
    const unsigned inner = static_cast<unsigned>(rng.below(3));
    g.protocol = inner == 0 ? 0x6558 : inner == 1 ? 0x0800 : 0x86dd;
    b.geneve(g);
    if (inner == 0) b.eth().ipv4().tcp(); else if (inner == 1) b.ipv4().udp(); else b.ipv6().tcp();
    b.payload(static_cast<std::size_t>(rng.below(80)));
    frames.push_back({b.bytes(), static_cast<std::uint8_t>(rng.below(8))});
  }
  std::vector<InFrame> mutated = frames;
  mutate(mutated, 910, 140);
  frames.insert(frames.end(), mutated.begin(), mutated.end());
  const Coverage cov = check_both(frames, random_patterns(23));
  EXPECT_GT(cov.tokens, 4000u);      // every unmutated one, some mutated ones
  EXPECT_GT(cov.errors, 100u);
}

// ---- tunnel ports (cfg_vxlan_port, cfg_geneve_port) -------------------------------------------

constexpr nm::ParserConfig kOtherPorts{.vxlan_port = 8472, .geneve_port = 6082};

// Frames with VXLAN on 8472 and Geneve on 6082, and the same tunnels on the default ports.
std::vector<Directed> tunnel_port_frames() {
  using nm::PacketBuilder;
  std::vector<Directed> d;
  auto add = [&](const char* n, const PacketBuilder& b, bool err) {
    d.push_back({n, frame_of(b), err});
  };
  add("vxlan 8472", PacketBuilder().eth().ipv4().udp({.dport = 8472}).vxlan({.vni = 0x10203})
                        .eth().ipv4().tcp({.sport = 5, .dport = 6}), false);
  add("geneve 6082 eth", PacketBuilder().eth().ipv6().udp({.dport = 6082}).geneve({.vni = 9})
                             .eth().ipv4().udp(), false);
  add("geneve 6082 ipv4", PacketBuilder().eth().vlan().ipv4().udp({.dport = 6082})
                              .geneve({.vni = 10}).ipv4().icmp(), false);
  add("vxlan 8472 in vxlan 8472",
      PacketBuilder().eth().ipv4().udp({.dport = 8472}).vxlan({.vni = 1}).eth().ipv4()
          .udp({.dport = 8472}).vxlan({.vni = 2}).eth().ipv4().tcp(), false);
  add("vxlan 8472 no I flag",
      PacketBuilder().eth().ipv4().udp({.dport = 8472}).vxlan({.flags = 0}).eth().ipv4().tcp(),
      true);
  add("vxlan 4789 (plain udp here)",
      PacketBuilder().eth().ipv4().udp().vxlan({.vni = 7}).eth().ipv4().tcp(), false);
  add("geneve 6081 (plain udp here)",
      PacketBuilder().eth().ipv4().udp().geneve({.vni = 7}).eth().ipv6().tcp(), false);
  add("vxlan 4789 no I flag (plain udp here)",
      PacketBuilder().eth().ipv4().udp().vxlan({.flags = 0}).eth().ipv4().tcp(), false);
  return d;
}

// Moves the UDP destination ports 4789/6081 of levels 0 and 1 to the ports of cfg.
void move_tunnel_ports(std::vector<InFrame>& frames, const nm::ParserConfig& cfg) {
  for (InFrame& f : frames) {
    const nm::ParseResult pr = nm::parse(nm::ByteSpan(f.bytes));
    for (unsigned i = 0; i < std::min<unsigned>(pr.depth, 2); ++i) {
      const nm::Level& lv = pr.levels[i];
      if (!lv.has_l4 || lv.l4.kind != nm::Layer::kUdp) continue;
      const std::uint16_t p = lv.l4.dport == 4789   ? cfg.vxlan_port
                              : lv.l4.dport == 6081 ? cfg.geneve_port
                                                    : lv.l4.dport;
      f.bytes[lv.l4.offset + 2] = static_cast<std::uint8_t>(p >> 8);
      f.bytes[lv.l4.offset + 3] = static_cast<std::uint8_t>(p);
    }
  }
}

TEST(RtlParser, TunnelPortsFromInputs) {
  std::vector<InFrame> frames;
  for (const Directed& d : tunnel_port_frames()) {
    const nm::ParseResult pr = nm::Parser(kOtherPorts).parse(nm::ByteSpan(d.frame.bytes));
    EXPECT_EQ(nm::parse_failed(pr, kWindow), d.err)
        << d.name << " (test list): model says " << summary(pr);
    frames.push_back(d.frame);
  }
  // the model sees the tunnels on the configured ports only
  const nm::ParseResult vx = nm::Parser(kOtherPorts).parse(nm::ByteSpan(frames[0].bytes));
  EXPECT_TRUE(vx.levels[0].has_tunnel && vx.levels[0].tunnel.type == nm::TunnelType::kVxlan);
  const nm::ParseResult gv = nm::Parser(kOtherPorts).parse(nm::ByteSpan(frames[1].bytes));
  EXPECT_TRUE(gv.levels[0].has_tunnel && gv.levels[0].tunnel.type == nm::TunnelType::kGeneve);
  for (std::size_t i = 5; i < frames.size(); ++i)
    EXPECT_FALSE(nm::Parser(kOtherPorts).parse(nm::ByteSpan(frames[i].bytes)).levels[0]
                     .has_tunnel) << i;

  Coverage cov = check_both(frames, {}, kOtherPorts);
  EXPECT_EQ(cov.errors, 1u);
  EXPECT_EQ(cov.inner, 4u);
  EXPECT_EQ(cov.tun[2], 2u);  // vxlan 8472, vxlan in vxlan
  EXPECT_EQ(cov.tun[4], 2u);
  check_both(frames, random_patterns(41), kOtherPorts);
  // the same frames with the default ports: the 8472/6082 tunnels are plain UDP
  cov = check_both(frames);
  EXPECT_EQ(cov.errors, 1u);  // vxlan 4789 without the I flag
  EXPECT_EQ(cov.tun[2] + cov.tun[4], 2u);

  // generated tunnel traffic moved to the other ports, and as generated (no tunnels seen)
  auto gen = generated("mixed", 707, 5000, 0.05, "vlan,ipv6ext,vxlan,geneve,nvgre");
  auto moved = gen;
  move_tunnel_ports(moved, kOtherPorts);
  cov = check_both(moved, random_patterns(43), kOtherPorts);
  EXPECT_GT(cov.tun[2], 100u);
  EXPECT_GT(cov.tun[4], 100u);
  EXPECT_GT(cov.tun[3], 0u);
  cov = check_both(gen, stall_patterns(), kOtherPorts);
  EXPECT_EQ(cov.tun[2] + cov.tun[4], 0u);
  EXPECT_GT(cov.tun[3], 0u);
}

// A change of the ports between frames applies to the frames after it (one DUT, no reset).
TEST(RtlParser, TunnelPortsChangeAtRuntime) {
  std::vector<InFrame> frames;
  for (const Directed& d : tunnel_port_frames()) frames.push_back(d.frame);
  for (const Directed& d : directed_frames()) frames.push_back(d.frame);
  const nm::ParserConfig def{};
  {
    Dut<Vparser_w64, 64> dut(kOtherPorts);
    check_run<64>(frames, dut.run(frames, random_patterns(51)), kOtherPorts, nullptr);
    dut.set_config(def);
    check_run<64>(frames, dut.run(frames, random_patterns(52)), def, nullptr);
    dut.set_config(kOtherPorts);
    check_run<64>(frames, dut.run(frames, {}), kOtherPorts, nullptr);
  }
  {
    Dut<Vparser_w512, 512> dut(def);
    check_run<512>(frames, dut.run(frames, {}), def, nullptr);
    dut.set_config(kOtherPorts);
    check_run<512>(frames, dut.run(frames, random_patterns(53)), kOtherPorts, nullptr);
    // both ports equal: VXLAN wins (Geneve headers on 6081 fail as VXLAN without the I flag)
    const nm::ParserConfig same{.vxlan_port = 6081, .geneve_port = 6081};
    dut.set_config(same);
    check_run<512>(frames, dut.run(frames, {}), same, nullptr);
  }
}

// ---- captures -----------------------------------------------------------------------------

TEST(RtlParser, PcapTraces) {
  std::vector<InFrame> frames;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(NICSIM_TRACES_DIR)) {
    const auto ext = e.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::uint8_t vport = 0;
  for (const auto& path : files) {
    nm::PcapReader rd(path);
    while (auto f = rd.next()) {
      if (f->data.empty()) continue;
      frames.push_back({std::move(f->data), vport++});
    }
  }
  check_both(frames);
  check_both(frames, random_patterns(21));
}

TEST(RtlParser, SingleEngine) {
  auto frames = generated("imix", 606, 10000, 0.1);
  auto more = generated("64", 607, 10000, 0.1);
  frames.insert(frames.end(), more.begin(), more.end());
  for (const Directed& d : directed_frames()) frames.push_back(d.frame);
  run_and_check<Vparser_w512_e1, 512>(frames, {});
  run_and_check<Vparser_w512_e1, 512>(frames, random_patterns(31));
  run_and_check<Vparser_w512_e1, 512>(frames, stall_patterns());
}

// ---- throughput -------------------------------------------------------------------------------

// Clocks from the tlast handshake to m_meta_valid (metadata taken at once), per header chain.
TEST(RtlParser, Latency) {
  using nm::PacketBuilder;
  struct Case {
    const char* name;
    PacketBuilder b;
    std::uint64_t clocks;  // 2 (hand-over) + one per header step + 1 (the result register)
  };
  const std::vector<Case> cases = {
      {"eth", PacketBuilder().eth({.type = 0x88b5}).payload_to(64), 4},
      {"ipv4 tcp", PacketBuilder().eth().ipv4().tcp().payload_to(64), 6},
      {"qinq ipv4 tcp", PacketBuilder().eth().vlan().vlan().ipv4().tcp().payload_to(64), 6},
      {"ipv6 2 ext udp",
       PacketBuilder().eth().ipv6({.ext = {{.type = 0}, {.type = 60}}}).udp().payload_to(64), 8},
      {"vxlan ipv4 tcp",
       PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4().tcp().payload_to(64), 10},
  };
  for (const Case& c : cases) {
    const std::vector<InFrame> one = {frame_of(c.b)};
    std::uint64_t l512 = 0, l64 = 0;
    run_and_check<Vparser_w512, 512>(one, {}, nullptr, nullptr, &l512);
    run_and_check<Vparser_w64, 64>(one, {}, nullptr, nullptr, &l64);
    std::printf("rtl_parser_latency %-16s %llu clocks (512), %llu clocks (64)\n", c.name,
                static_cast<unsigned long long>(l512), static_cast<unsigned long long>(l64));
    EXPECT_EQ(l512, c.clocks) << c.name;
    EXPECT_EQ(l64, c.clocks) << c.name;
  }
  // A header error ends the parse one step after the failing one (stop_q): a VXLAN frame whose
  // outer UDP length is 4 fails the UDP step; the next step (the tunnel) only ends the parse.
  // 2 + Ethernet, IPv4, UDP + the stop + 1 = 7 (10 if the walk went on through the inner frame).
  InFrame bad =
      frame_of(PacketBuilder().eth().ipv4().udp().vxlan().eth().ipv4().tcp().payload_to(96));
  bad.bytes[38] = 0;  // UDP length (bytes 38..39 behind Ethernet and IPv4): 4, below 8
  bad.bytes[39] = 4;
  std::uint64_t e512 = 0, e64 = 0;
  run_and_check<Vparser_w512, 512>({bad}, {}, nullptr, nullptr, &e512);
  run_and_check<Vparser_w64, 64>({bad}, {}, nullptr, nullptr, &e64);
  std::printf("rtl_parser_latency %-16s %llu clocks (512), %llu clocks (64)\n", "udp error",
              static_cast<unsigned long long>(e512), static_cast<unsigned long long>(e64));
  EXPECT_EQ(e512, 7u);
  EXPECT_EQ(e64, 7u);
}

TEST(RtlParser, BackToBack64ByteClocksPerFrame) {
  std::vector<InFrame> frames;
  for (unsigned i = 0; i < 1000; ++i)
    frames.push_back(frame_of(
        nm::PacketBuilder().eth().ipv4().tcp({.sport = static_cast<std::uint16_t>(i)})
            .payload_to(64),
        static_cast<std::uint8_t>(i)));
  std::uint64_t c512 = 0, c512e1 = 0, c64 = 0;
  run_and_check<Vparser_w512, 512>(frames, {}, &c512);
  run_and_check<Vparser_w512_e1, 512>(frames, {}, &c512e1);
  run_and_check<Vparser_w64, 64>(frames, {}, &c64);
  const double n = static_cast<double>(frames.size());
  const double cpf512 = static_cast<double>(c512) / n;
  const double cpf512e1 = static_cast<double>(c512e1) / n;
  const double cpf64 = static_cast<double>(c64) / n;
  std::printf("rtl_parser_clocks_per_64B_frame_w512 %.2f clocks\n", cpf512);
  std::printf("rtl_parser_clocks_per_64B_frame_w512_1engine %.2f clocks\n", cpf512e1);
  std::printf("rtl_parser_clocks_per_64B_frame_w64 %.2f clocks\n", cpf64);
  RecordProperty("clocks_per_frame_w512", std::to_string(cpf512));
  RecordProperty("clocks_per_frame_w512_1engine", std::to_string(cpf512e1));
  RecordProperty("clocks_per_frame_w64", std::to_string(cpf64));
  EXPECT_LE(cpf512, 1.05);
  EXPECT_LE(cpf512e1, 4.05);
  EXPECT_LE(cpf64, 8.05);
}

}  // namespace
