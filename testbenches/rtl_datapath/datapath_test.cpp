// SPDX-License-Identifier: MIT
// nic_datapath (rtl/nic_datapath.sv) against the golden model (model::Pipeline).
//
// Differential: generated frames of every header kind (tunnels, VLAN stacks, malformed and
// truncated frames, a few over MAX_FRAME) and the real captures in traces/ enter through a wire
// input and a transmit input with idle cycles; m_axis and m_desc see random back-pressure.
// Tables: EM entries for part of the flows, TCAM rules over parts of the TCAM key, meters,
// encap templates, random action records (every action and destination, including invalid
// ones). The model processes the same frames in ingress order with the RTL's timestamps; the
// outputs (bytes and records, mirror copies included), the counters, and the per-entry EM and
// TCAM counters must be identical.
//
// Figures (RtlDatapathFigures.*): clocks per frame at DATA_W=512 with a flow hit, no idle and
// no back-pressure, and the latency of an isolated frame; printed as NAME VALUE UNIT for
// scripts/bench.sh.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "Vnic_datapath_w512.h"
#include "Vnic_datapath_w64.h"
#include "dp_harness.hpp"
#include "dp_scenario.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/tracegen.hpp"

#ifndef NICSIM_TRACES_DIR
#error "NICSIM_TRACES_DIR must point at traces/"
#endif

namespace nicsim::rtl_dp {
namespace {

using model::PacketBuilder;

// The Verilated configuration (testbenches/rtl_datapath/CMakeLists.txt).
constexpr std::uint32_t kEmBuckets = 16;
constexpr std::uint32_t kTcamEntries = 16;
constexpr std::uint32_t kNumMeters = 16;
// 256 templates: actions name indices past the old limits of 63 and 127.
constexpr std::uint32_t kNumEncap = 256;
constexpr std::uint8_t kNumVnic = 4;
constexpr std::size_t kInputs = 2;  // 0: wire, 1: transmit queues

model::PipelineConfig model_config(bool parse_err_exc, std::uint32_t wire_max) {
  model::PipelineConfig c;
  c.em_buckets = kEmBuckets;
  c.tcam_entries = kTcamEntries;
  c.num_meters = kNumMeters;
  c.num_encap = kNumEncap;
  c.num_vnic = kNumVnic;
  c.wire_max_frame = wire_max;
  c.parse_err_to_exception = parse_err_exc;
  return c;
}

constexpr Limits kLimits{kNumVnic, kNumMeters, kNumEncap};

/// Tables and configuration applied identically to the RTL and to the model.
template <class H>
class Scenario {
 public:
  Scenario(H& h, model::Pipeline& p, std::uint64_t seed)
      : h_(h), p_(p), rng_(seed), tmpl_rng_(seed * 131 + 3) {}

  void meters_and_templates() {
    for (std::uint32_t i = 1; i < kNumMeters; ++i) {
      // Bytes per tick (256 clocks) well below what a flow sends, so that meters drop.
      const auto rate = static_cast<std::uint32_t>(5 + rng_.below(150));
      const auto burst = static_cast<std::uint32_t>(1000 + rng_.below(8000));
      const auto [st, at] = h_.meter_config(i, rate, burst);
      ASSERT_EQ(st, 1u);
      ASSERT_TRUE(p_.meters().configure(i, rate, burst, at));
    }
    for (std::uint32_t i = 1; i < kNumEncap; ++i) {
      // Every 16th template stays unwritten: frames that name it get the default template
      // (the RTL's written bit in the RAM word; zero-initialised RAM gave other headers).
      if (i % 16 == 15) continue;
      // Templates 1..7 from the tables' stream as when there were 8, the rest from their
      // own, so the flows and actions drawn after them stay as they were.
      const auto t = random_template(i < 8 ? rng_ : tmpl_rng_);
      h_.encap_write(i, t);
      ASSERT_TRUE(p_.encap().set(i, t));
    }
  }

  void em_insert(const model::FlowKey& key) { em_insert(key, random_action(rng_, kLimits)); }
  /// A random action for the flow of `frame`, with an outer source check drawn from `o`.
  void em_insert(const model::FlowKey& key, const Bytes& frame, Prng& o) {
    ActionRecord a = random_action(rng_, kLimits);
    random_osrc_check(a, frame, o);
    em_insert(key, ActionRecord::decode(a.encode()));
  }
  void em_insert(const model::FlowKey& key, const ActionRecord& a) {
    const auto [st, handle] = h_.em_insert(key, a);
    const auto r = p_.em().insert(key, a);
    ASSERT_EQ(st, static_cast<unsigned>(r.status));
    if (r.status == model::FlowStatus::kOk) {
      ASSERT_EQ(handle, r.handle);
      handles_.push_back(handle);
    }
  }

  /// A TCAM rule matching some fields of this frame's TCAM key.
  void tcam_rule(unsigned index, const model::TcamKey& tkey) {
    model::TcamKey mask{};
    const auto pick = rng_.below(4);
    if (pick == 0) {
      mask[0] = 0xFF;  // vport and protocol
      mask[5] = 0xFF;
    } else if (pick == 1) {
      mask[5] = 0xFF;  // proto and destination port
      mask[8] = mask[9] = 0xFF;
    } else if (pick == 2) {
      mask[54] = mask[55] = 0xFF;  // EtherType
    } else {
      for (std::size_t i = 26; i < 42; ++i) mask[i] = 0xFF;  // destination address
      mask[1] = 0xC0;
    }
    const auto prio = static_cast<std::uint16_t>(rng_.below(4));
    const ActionRecord a = random_action(rng_, kLimits);
    ASSERT_EQ(h_.tcam_write(index, prio, tkey, mask, a), 1u);
    ASSERT_TRUE(p_.tcam().write(index, prio, tkey, mask, a));
  }

  Prng& rng() { return rng_; }
  const std::vector<std::uint32_t>& handles() const { return handles_; }

 private:
  H& h_;
  model::Pipeline& p_;
  Prng rng_;
  Prng tmpl_rng_;
  std::vector<std::uint32_t> handles_;
};

/// Feeds the model in ingress order and compares everything. Returns mismatches. `from_in` and
/// `from_out`: the frames sent and output before, which an earlier compare() of the same run
/// has already given the model and compared.
template <class H>
std::size_t compare(H& h, model::Pipeline& p, const std::vector<std::uint32_t>& handles,
                    std::size_t from_in = 0, std::size_t from_out = 0) {
  std::vector<OutFrame> expect;
  const std::vector<Sent> order = h.ingress_order();
  for (std::size_t i = from_in; i < order.size(); ++i) {
    const Sent& s = order[i];
    const model::Result& r = p.process(s.bytes, s.vport, s.ts);
    expected_outputs(r, s.vport, s.ts, expect);
  }
  std::vector<OutFrame> got = h.paired();
  got.erase(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(std::min(from_out, got.size())));
  std::size_t bad = 0;
  EXPECT_EQ(got.size(), expect.size()) << "frames out";
  for (std::size_t i = 0; i < std::min(got.size(), expect.size()) && bad < 5; ++i) {
    if (got[i].desc == expect[i].desc && got[i].bytes == expect[i].bytes) continue;
    ++bad;
    ADD_FAILURE() << "output " << i << "\n  rtl:   " << describe(got[i].desc) << " ("
                  << got[i].bytes.size() << " bytes)\n  model: " << describe(expect[i].desc)
                  << " (" << expect[i].bytes.size() << " bytes)"
                  << (got[i].bytes == expect[i].bytes ? "" : "\n  bytes differ");
  }
  const Counters rc = h.counters();
  const Counters mc = model_counters(p.counters());
  for (std::size_t k = 0; k < kCtrCount; ++k) {
    if (k == kWireDiscard) continue;
    EXPECT_EQ(rc[k], mc[k]) << kCtrNames[k];
    if (rc[k] != mc[k]) ++bad;
  }
  EXPECT_TRUE(p.counters().ledger_balanced());
  for (const std::uint32_t hd : handles) {
    const auto q = h.em_query(hd);
    const model::EmCounters& c = p.em().counters(hd);
    EXPECT_EQ(q[0], 1u);
    EXPECT_EQ(q[1], c.pkts) << "EM handle " << hd;
    EXPECT_EQ(q[2], c.bytes) << "EM handle " << hd;
    EXPECT_EQ(q[3], c.last_seen) << "EM handle " << hd;
    if (q[1] != c.pkts || q[2] != c.bytes || q[3] != c.last_seen) ++bad;
  }
  for (unsigned i = 0; i < kTcamEntries; ++i) {
    const auto& rule = p.tcam().rule(i);
    if (!rule.valid) continue;
    const auto q = h.tcam_query(i);
    EXPECT_EQ(q[1], rule.pkts) << "TCAM rule " << i;
    EXPECT_EQ(q[2], rule.bytes) << "TCAM rule " << i;
    if (q[1] != rule.pkts || q[2] != rule.bytes) ++bad;
  }
  std::printf("differential: %zu frames in, %zu out, %llu EM hits, %llu TCAM hits, %llu misses, "
              "%llu mirror copies, %zu mismatches\n",
              h.sent().size(), got.size(),
              static_cast<unsigned long long>(mc[kEmHit]),
              static_cast<unsigned long long>(mc[kTcamHit]),
              static_cast<unsigned long long>(mc[kMiss]),
              static_cast<unsigned long long>(mc[kMirror]), bad);
  std::printf("outcomes: wire %llu vnic %llu (loopback %llu) exception %llu; drops: parse %llu "
              "flow %llu meter %llu bad_action %llu mtu %llu\n",
              static_cast<unsigned long long>(mc[kOutWire]),
              static_cast<unsigned long long>(mc[kOutVnic]),
              static_cast<unsigned long long>(mc[kLoopback]),
              static_cast<unsigned long long>(mc[kOutException]),
              static_cast<unsigned long long>(mc[kDropParse]),
              static_cast<unsigned long long>(mc[kDropFlow]),
              static_cast<unsigned long long>(mc[kDropMeter]),
              static_cast<unsigned long long>(mc[kDropBadAction]),
              static_cast<unsigned long long>(mc[kDropMtu]));
  return bad;
}

constexpr std::uint8_t kTxVports[] = {1, 2, 3, 4, 255};

/// Frames the generator does not make often: TTL / hop limit 0 and 1 (EXC_TTL with dec_ttl),
/// 64-byte VXLAN frames, frames over MAX_FRAME.
std::vector<Bytes> special_frames(Prng& r) {
  std::vector<Bytes> v;
  for (const std::uint8_t ttl : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{2}}) {
    v.push_back(PacketBuilder().eth().ipv4({.ttl = ttl}).udp().payload(20).bytes());
    model::Ipv6Spec s6;
    s6.hop_limit = ttl;
    v.push_back(PacketBuilder().eth().vlan().ipv6(s6).tcp().payload(10).bytes());
    v.push_back(PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan().eth().ipv4({.ttl = ttl})
                    .tcp().payload(8).bytes());
  }
  v.push_back(PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan()
                  .eth({.type = std::uint16_t{0x88B5}}).bytes());
  // Fragments of a TCP SYN (spec 5.2 step 2: the first carries the TCP header, a later one has
  // none, whatever its payload looks like).
  v.push_back(PacketBuilder().eth().ipv4({.mf = true}).tcp({.flags = model::tcpflag::kSyn})
                  .payload(24).bytes());
  v.push_back(PacketBuilder().eth().ipv4({.frag_offset = 6}).tcp({.flags = model::tcpflag::kSyn})
                  .payload(24).bytes());
  model::Ipv6Spec f6;
  f6.ext.push_back(model::Ipv6ExtSpec{.type = 44, .frag_offset = 0, .more = true});
  v.push_back(PacketBuilder().eth().ipv6(f6).tcp({.flags = model::tcpflag::kRst}).bytes());
  if (r.below(2) != 0)
    v.push_back(PacketBuilder().eth().ipv4().udp().payload(16384 + r.below(300)).bytes());
  v.push_back(PacketBuilder().eth().ipv4().udp().payload(16384 - 42).bytes());  // exactly 16384
  return v;
}

template <class V, std::size_t W>
void differential(std::uint64_t seed, std::uint64_t count, bool parse_err_exc, bool captures) {
  Harness<V, W, kInputs> h(seed);
  h.m().cfg_parse_err_exc = parse_err_exc ? 1 : 0;
  const std::uint32_t wire_max = 1400;  // the 1500-byte IMIX frames to the wire: mtu
  h.m().cfg_wire_max_frame = wire_max;
  model::Pipeline p(model_config(parse_err_exc, wire_max));
  Scenario<Harness<V, W, kInputs>> sc(h, p, seed * 7 + 3);
  sc.meters_and_templates();

  // Frames and their sources: each flow has one source (wire, or a transmit vport).
  struct Item {
    Bytes bytes;
    std::size_t input;
    std::uint8_t vport;
  };
  std::vector<Item> items;
  Prng& r = sc.rng();
  model::TraceSpec spec;
  spec.seed = seed;
  spec.count = count;
  spec.flows = 48;
  spec.sizes = model::SizeMix::kImix;
  spec.malformed = 0.04;
  model::TraceGenerator gen(spec);
  std::vector<bool> flow_seen(spec.flows, false);
  unsigned tcam_next = 0;
  Prng tcp_rng(seed * 31 + 7);  // its own stream: the tables' draws stay as they were
  Prng osrc_rng(seed * 37 + 11);  // the outer source checks' (idem)
  while (auto f = gen.next()) {
    const std::uint32_t flow = gen.last().flow;
    const bool tx = flow % 3 == 0;
    const std::uint8_t vport = tx ? kTxVports[flow % 5] : 0;
    if (!flow_seen[flow] && !gen.last().malformed) {
      flow_seen[flow] = true;
      const Keys k = keys_of(f->data, vport);
      if (k.ok) {
        if (flow % 5 < 3) sc.em_insert(k.key, f->data, osrc_rng);
        if (flow % 4 == 1 && tcam_next < kTcamEntries) sc.tcam_rule(tcam_next++, k.tkey);
      }
    }
    if (tcp_rng.below(5) < 2) random_tcp_flags(f->data, tcp_rng);  // SYN, FIN, RST
    items.push_back(Item{std::move(f->data), tx ? 1u : 0u, vport});
    if (r.below(2000) == 0)
      for (Bytes& s : special_frames(r)) items.push_back(Item{std::move(s), 0, 0});
  }
  // The special frames' flows: TTL decrement (with a decap where there is a tunnel), so that
  // EXC_TTL is reached from both levels.
  for (Bytes& s : special_frames(r)) {
    const Keys k = keys_of(s, 0);
    if (k.ok) {
      ActionRecord a = random_action(r, kLimits);
      a.flags &= ~(ActionRecord::kDestTypeMask | ActionRecord::kDestIdMask |
                   ActionRecord::kDecap | ActionRecord::kMirror);
      a.flags |= ActionRecord::kDecTtl | (1u << ActionRecord::kDestTypeShift);
      if (s.size() > 50 && s[23] == 17 && s[36] == 0x12 && s[37] == 0xB5)  // IPv4/UDP 4789
        a.flags |= ActionRecord::kDecap;
      a.meter = 0;
      a.encap_index = 1;
      sc.em_insert(k.key, ActionRecord::decode(a.encode()));
    }
    items.push_back(Item{std::move(s), 0, 0});
  }
  if (captures) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(NICSIM_TRACES_DIR))
      if (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng")
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 30u);
    std::size_t n = 0;
    for (const auto& path : files) {
      model::PcapReader rd(path.string());
      while (auto f = rd.next()) {
        if (f->data.empty()) continue;
        const bool tx = (n % 4) == 3;
        const std::uint8_t vport = tx ? kTxVports[n % 5] : 0;
        if (r.below(3) == 0) {
          const Keys k = keys_of(f->data, vport);
          if (k.ok) sc.em_insert(k.key, f->data, osrc_rng);
        }
        items.push_back(Item{std::move(f->data), tx ? 1u : 0u, vport});
        ++n;
      }
    }
    std::printf("captures: %zu files, %zu frames\n", files.size(), n);
  }
  if (::testing::Test::HasFatalFailure()) return;
  for (Item& it : items) h.send(it.input, std::move(it.bytes), it.vport);
  h.run();
  EXPECT_EQ(compare(h, p, sc.handles()), 0u);
  if (count >= 10000) {
    // The run reached every outcome (a bench that never gets there proves nothing).
    const auto& c = p.counters();
    using model::DropReason;
    EXPECT_GT(c.em_hits, 0u);
    EXPECT_GT(c.tcam_hits, 0u);
    EXPECT_GT(c.misses, 0u);
    EXPECT_GT(c.out_wire, 0u);
    EXPECT_GT(c.loopback, 0u);
    EXPECT_GT(c.out_vnic, c.loopback);
    EXPECT_GT(c.mirror, 0u);
    for (auto reason : {DropReason::kParseError, DropReason::kFlowDrop, DropReason::kMeter,
                        DropReason::kBadAction, DropReason::kMtu})
      EXPECT_GT(c.drop(reason), 0u) << static_cast<int>(reason);
    EXPECT_GT(h.reasons_seen(3), 0u) << "EXC_TTL";
    EXPECT_GT(h.reasons_seen(2), 0u) << "EXC_ACTION";
    EXPECT_GT(h.reasons_seen(5), 0u) << "EXC_MIRROR";
    EXPECT_GT(h.reasons_seen(7), 0u) << "EXC_TCP_CTL";
    EXPECT_GT(h.reasons_seen(6), 0u) << "EXC_OUTER_SRC";
  }
}

// Spec 11: destination tokens. Token frames of 24 flows (fixed inner headers and address per
// flow) from the four VNICs, the host (255) and the wire, mixed into a generated trace: good
// tokens (in order, out of order within the window), replays, forged bits, tokens of another
// VNIC, a bad format, slot 1 without a key; then slot 1 loaded, ENI 2's window cleared and a
// second round. VNICs 1 and 3 send refusals to the exception ring, 2 and 4 drop them. EM entries
// on the routed keys of two thirds of the flows, random actions. Everything, the verdict
// counters included, equals the model.
template <class V, std::size_t W>
void token_differential(std::uint64_t seed, std::uint64_t background) {
  Harness<V, W, kInputs> h(seed);
  model::Pipeline p(model_config(false, 9018));
  Scenario<Harness<V, W, kInputs>> sc(h, p, seed * 7 + 3);
  sc.meters_and_templates();
  model::TokenKeys k0, k1;
  for (std::size_t i = 0; i < 16; ++i) {
    k0.enc[i] = static_cast<std::uint8_t>(seed + 7 * i);
    k0.mac[i] = static_cast<std::uint8_t>(0x5a ^ (13 * i));
    k1.enc[i] = static_cast<std::uint8_t>(0xc3 + 3 * i);
    k1.mac[i] = static_cast<std::uint8_t>(seed * 5 + 11 * i);
  }
  h.token_key(0, &k0);
  p.tokens().load_key(0, k0);
  h.m().cfg_token_enable = 1;
  h.m().cfg_token_exc = 0b0101;  // vports 1 and 3
  p.set_token_enable(true);
  p.set_token_exc(1, true);
  p.set_token_exc(3, true);

  Prng r(seed * 41 + 5);
  struct Flow {
    std::uint8_t vport;
    Bytes (*build)(const model::GeneveOption&, unsigned);
    model::AesBlock addr;
  };
  std::array<std::uint64_t, 256> seqs{};  // the last good sequence number per ENI
  static constexpr Bytes (*kShapes[])(const model::GeneveOption&, unsigned) = {
      [](const model::GeneveOption& o, unsigned f) {
        return PacketBuilder().eth().ipv4().udp({.sport = std::uint16_t(2000 + f), .dport = 6081})
            .geneve({.vni = f, .options = {o}}).eth().ipv4().tcp({.sport = std::uint16_t(f)})
            .payload(10 + 7 * f).bytes();
      },
      [](const model::GeneveOption& o, unsigned f) {
        return PacketBuilder().eth().vlan().ipv6().udp({.dport = 6081})
            .geneve({.vni = f, .options = {o}}).ipv6().udp({.sport = std::uint16_t(f)})
            .payload(300 + f).bytes();
      },
      [](const model::GeneveOption& o, unsigned f) {
        return PacketBuilder().eth().ipv4().udp({.dport = 6081})
            .geneve({.vni = f, .options = {o, {.data = {1, 2, 3, 4}}}}).ipv4()
            .udp({.sport = std::uint16_t(f)}).payload(900).bytes();
      }};
  std::vector<Flow> flows;
  constexpr std::uint8_t kSources[] = {1, 2, 3, 4, 255, 0};
  for (unsigned f = 0; f < 24; ++f) {
    Flow fl{kSources[f % 6], kShapes[f % 3], {}};
    fl.addr = f % 2 == 0 ? model::token_addr_v4(0x0A640000u + f) : model::AesBlock{};
    if (f % 2 == 1)
      for (std::size_t i = 0; i < 16; ++i) fl.addr[i] = static_cast<std::uint8_t>(0x20 + f + i);
    flows.push_back(fl);
  }
  const auto frame = [&](Flow& fl, unsigned f, int kind, std::uint8_t slot, const model::TokenKeys& k) {
    // kind: 0 good (next seq), 1 good out of order (a step back), 2 replay (the last seq),
    // 3 forged, 4 another VNIC's ENI, 5 bad format (a reserved bit)
    model::TokenHeader th;
    th.slot = slot;
    th.eni = fl.vport >= 1 && fl.vport <= kNumVnic ? fl.vport : 1;
    std::uint64_t& seq = seqs[th.eni];
    if (kind == 0) th.seq = seq += 3;
    if (kind == 1) th.seq = seq - 1 - r.below(2);  // below the top, within the window
    if (kind == 2) th.seq = seq;
    if (kind == 3) th.seq = seq += 3;
    if (kind == 4) th.eni = static_cast<std::uint16_t>(th.eni % kNumVnic + 1), th.seq = 7;
    if (kind == 5) th.slot = static_cast<std::uint8_t>(slot | 2), th.seq = 9;
    model::Token t = model::make_token(k, th, fl.addr);
    if (kind == 3) t[16 + r.below(32)] ^= static_cast<std::uint8_t>(1u << r.below(8));
    return fl.build(model::token_option(t), f);
  };
  const auto routed = [&](const Bytes& b, std::uint8_t vport, const model::AesBlock& a) {
    Keys k = keys_of(b, vport);
    const bool v4 = a[10] == 0xff && a[11] == 0xff;
    for (std::size_t i = 0; i < 16; ++i) k.key[model::kKeyBytes - 16 + i] = v4 && i < 12 ? 0 : a[i];
    return k;
  };
  for (unsigned f = 0; f < flows.size(); ++f) {
    if (f % 3 == 2) continue;
    Flow probe = flows[f];
    const Keys k = routed(frame(probe, f, 0, 0, k0), flows[f].vport, flows[f].addr);
    ASSERT_TRUE(k.ok);
    sc.em_insert(k.key);
  }

  model::TraceSpec spec;
  spec.seed = seed;
  spec.count = background;
  spec.flows = 32;
  model::TraceGenerator gen(spec);
  const auto round = [&](std::uint8_t slot, const model::TokenKeys& k, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      const unsigned f = static_cast<unsigned>(r.below(flows.size()));
      const auto kind_draw = r.below(20);
      const int kind = kind_draw < 11 ? 0 : kind_draw < 13 ? 1 : kind_draw < 15 ? 2
                     : kind_draw < 17 ? 3 : kind_draw < 19 ? 4 : 5;
      Flow& fl = flows[f];
      h.send(fl.vport == 0 ? 0 : 1, frame(fl, f, kind, slot, k), fl.vport);
      if (auto g = gen.next()) {
        const std::uint8_t v = static_cast<std::uint8_t>(r.below(2) == 0 ? 0 : 1 + r.below(kNumVnic));
        h.send(v == 0 ? 0 : 1, std::move(g->data), v);
      }
    }
  };
  const auto verdicts_equal = [&] {
    const auto v = h.token_verdicts();
    for (unsigned i = 0; i < model::kTokenVerdicts; ++i)
      EXPECT_EQ(v[i], p.tokens().count(static_cast<model::TokenVerdict>(i))) << "verdict " << i;
  };
  round(0, k0, 1500);
  round(1, k1, 100);  // slot 1 holds no key yet: no_key
  h.run();
  EXPECT_EQ(compare(h, p, sc.handles()), 0u);
  verdicts_equal();
  const std::size_t in1 = h.sent().size(), out1 = h.paired().size();

  // Second round: slot 1 loaded, ENI 2's window cleared (its old sequence numbers are good
  // again), slot 0 cleared.
  h.token_key(1, &k1);
  p.tokens().load_key(1, k1);
  h.token_window_clear(2);
  p.tokens().clear_window(2);
  seqs[2] = 0;
  round(1, k1, 600);
  h.token_key(0, nullptr);
  p.tokens().clear_key(0);
  round(0, k0, 100);
  h.run();
  EXPECT_EQ(compare(h, p, sc.handles(), in1, out1), 0u);
  verdicts_equal();
  // The run reached every verdict and both fates of a refusal.
  for (unsigned v = 0; v < model::kTokenVerdicts; ++v)
    EXPECT_GT(p.tokens().count(static_cast<model::TokenVerdict>(v)), 0u) << "verdict " << v;
  EXPECT_GT(p.counters().drop(model::DropReason::kToken), 0u);
  EXPECT_GT(h.reasons_seen(static_cast<unsigned>(fmt::ExcReason::kToken)), 0u);
  EXPECT_GT(p.counters().em_hits, 100u);
  std::printf("token verdicts (model): ok %llu bad_format %llu no_key %llu bad_tag %llu "
              "eni_mismatch %llu replay %llu\n",
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kOk)),
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kBadFormat)),
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kNoKey)),
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kBadTag)),
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kEniMismatch)),
              static_cast<unsigned long long>(p.tokens().count(model::TokenVerdict::kReplay)));
}

TEST(RtlDatapath, Tokens512) { token_differential<Vnic_datapath_w512, 512>(21, 1200); }

TEST(RtlDatapath, Tokens64) { token_differential<Vnic_datapath_w64, 64>(22, 600); }

TEST(RtlDatapath, Differential512) {
  differential<Vnic_datapath_w512, 512>(11, 100000, true, false);
}

TEST(RtlDatapath, Differential64) {
  differential<Vnic_datapath_w64, 64>(12, 20000, false, false);
}

TEST(RtlDatapath, RealCaptures512) {
  differential<Vnic_datapath_w512, 512>(13, 0, false, true);
}

TEST(RtlDatapath, RealCaptures64) {
  differential<Vnic_datapath_w64, 64>(14, 0, true, true);
}

// Wire frames that arrive while CONTROL.ENABLE is clear are discarded before the arbiter
// (counted in wire_discard, not in the ledger); transmit frames still enter.
TEST(RtlDatapath, DisabledWireIsDiscarded) {
  Harness<Vnic_datapath_w512, 512, kInputs> h(5);
  h.m().cfg_enable = 0;
  const Bytes f = PacketBuilder().eth().ipv4().tcp().payload(30).bytes();
  for (int i = 0; i < 10; ++i) h.send(0, f, 0);
  for (int i = 0; i < 3; ++i) h.send(1, f, 2);
  h.run();
  const Counters c = h.counters();
  EXPECT_EQ(c[kWireDiscard], 10u);
  EXPECT_EQ(c[kRxWireFrames], 0u);
  EXPECT_EQ(c[kTxFrames], 3u);
  EXPECT_EQ(c[kMiss], 3u);
  EXPECT_EQ(h.paired().size(), 3u);
}

// ---- figures ----

/// Back-to-back frames of one flow (EM hit, WIRE) from the wire input, no idle, no
/// back-pressure: clocks from the first input beat to the last output beat, per frame.
double clocks_per_frame(const std::vector<Bytes>& frames, const ActionRecord& a,
                        bool with_template = false) {
  Harness<Vnic_datapath_w512, 512, kInputs> h(1);
  h.shape = Shape{0, 0, 0};
  model::Pipeline p(model_config(false, 9018));
  if (with_template) {
    model::EncapTemplate t;
    t.sip[15] = 1;
    t.dip[15] = 2;
    h.encap_write(1, t);
    p.encap().set(1, t);
  }
  std::vector<std::uint32_t> handles;
  for (const Bytes& f : frames) {
    const Keys k = keys_of(f, 0);
    EXPECT_TRUE(k.ok);
    if (p.em().find(k.key) != model::kNoHandle) continue;
    const auto [st, hd] = h.em_insert(k.key, a);
    EXPECT_EQ(st, 1u);
    p.em().insert(k.key, a);
    handles.push_back(hd);
  }
  const std::size_t reps = 4000 / frames.size() + 1;
  std::size_t n = 0;
  for (std::size_t i = 0; i < reps; ++i)
    for (const Bytes& f : frames) {
      h.send(0, f, 0);
      ++n;
    }
  h.run();
  EXPECT_EQ(compare(h, p, handles), 0u);
  EXPECT_EQ(h.paired().size(), n);
  // First to last output beat: the steady-state rate of the whole pipeline.
  return static_cast<double>(h.last_out_cycle() - h.first_out_cycle() + 1) /
         static_cast<double>(n);
}

ActionRecord wire_action(std::uint32_t extra = 0) {
  ActionRecord a;
  a.flags = (1u << ActionRecord::kDestTypeShift) | extra;
  return ActionRecord::decode(a.encode());
}

std::vector<Bytes> flows_of_size(std::size_t size, std::size_t flows) {
  std::vector<Bytes> v;
  for (std::size_t i = 0; i < flows; ++i) {
    auto f = PacketBuilder().eth().ipv4().tcp({.sport = static_cast<std::uint16_t>(1000 + i),
                                               .dport = 80}).payload_to(size).bytes();
    v.push_back(std::move(f));
  }
  return v;
}

void figure(const char* name, double v, const char* unit) {
  std::printf("%s %.3f %s\n", name, v, unit);
  std::fflush(stdout);
}

TEST(RtlDatapathFigures, ClocksPerFrame) {
  for (std::size_t size : {64, 128, 256, 1518}) {
    const double c = clocks_per_frame(flows_of_size(size, 8), wire_action());
    const std::string name = "datapath_clocks_per_frame_" + std::to_string(size);
    figure(name.c_str(), c, "clocks");
    if (size == 64) {
      EXPECT_LE(c, 1.05) << "64-byte frames with a flow hit: one per clock";
    }
  }
  // IMIX 7:4:1 of 64, 576, 1500 bytes.
  std::vector<Bytes> imix;
  for (int i = 0; i < 12; ++i) {
    const std::size_t size = i < 7 ? 64 : (i < 11 ? 576 : 1500);
    imix.push_back(PacketBuilder().eth().ipv4().udp({.sport = static_cast<std::uint16_t>(i),
                                                    .dport = 53}).payload_to(size).bytes());
  }
  figure("datapath_clocks_per_frame_imix", clocks_per_frame(imix, wire_action()), "clocks");
  ActionRecord enc = wire_action(ActionRecord::kEncap);
  enc.encap_index = 1;
  enc = ActionRecord::decode(enc.encode());
  figure("datapath_clocks_per_frame_64_encap",
         clocks_per_frame(flows_of_size(64, 8), enc, true), "clocks");
  std::vector<Bytes> vx;
  for (std::uint32_t i = 0; i < 8; ++i)
    vx.push_back(PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan({.vni = i + 1})
                     .eth({.type = std::uint16_t{0x88B5}}).bytes());
  EXPECT_EQ(vx[0].size(), 64u);
  figure("datapath_clocks_per_frame_64_decap",
         clocks_per_frame(vx, wire_action(ActionRecord::kDecap)), "clocks");
}

TEST(RtlDatapathFigures, Latency) {
  Harness<Vnic_datapath_w512, 512, kInputs> h(1);
  h.shape = Shape{0, 0, 0};
  const Bytes f = PacketBuilder().eth().ipv4().tcp().payload_to(64).bytes();
  const Keys k = keys_of(f, 0);
  ASSERT_TRUE(k.ok);
  ASSERT_EQ(h.em_insert(k.key, wire_action()).first, 1u);
  h.send(0, f, 0);
  h.run();
  const auto got = h.paired();
  ASSERT_EQ(got.size(), 1u);
  // From the clock the first beat is taken at the ingress to the clock the first beat leaves.
  const std::uint64_t in_at = got[0].desc.ts;
  const std::uint64_t out_at = h.first_out_cycle();
  ASSERT_GT(out_at, in_at);
  figure("datapath_latency_clocks", static_cast<double>(out_at - in_at), "clocks");
}

}  // namespace
}  // namespace nicsim::rtl_dp
