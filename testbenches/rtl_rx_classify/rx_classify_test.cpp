// SPDX-License-Identifier: MIT
// Bench of rtl/rx_classify.sv at DATA_W 64 and 512: every frame goes through the Verilated
// classifier with idle cycles on the input and backpressure on both outputs, and is compared
// with the golden model: the output frame equals the input frame, and the m_info record equals
// completion_status(frame, pr.levels[0], parse_err, d) (status, types, VLAN TCI) and
// RssConfig::classify(frame, pr.levels[0]) of the destination VNIC (hash, rss_valid, queue),
// with random RSS registers per VNIC (VNIC_CTRL, RSS_KEY, RSS_INDIR words) driven on the
// cfg_rss_* vectors packed as nic_regfile packs them, and the model's RssConfig derived from
// the same words as NicDevice::dp_apply_vnic does.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "Vrx_classify_w512.h"
#include "Vrx_classify_w64.h"
#include "common/axis.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"
#include "common/stream_records.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/rss.hpp"
#include "nicsim/model/tracegen.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nm = nicsim::model;
namespace R = nicsim::regs;

namespace {

constexpr unsigned kNumVnic = 8;     // the RTL default
constexpr std::size_t kHead = 256;   // HEAD_BYTES default

struct InFrame {
  std::vector<std::uint8_t> bytes;
  std::uint8_t vport = 0;   // destination vport
  bool to_vnic = false;
  bool parse_err = false;
};

struct Info {
  std::uint32_t hash = 0;
  bool rss_valid = false;
  unsigned queue = 0, status = 0, types = 0, tci = 0, len = 0;
  bool operator==(const Info&) const = default;
};

std::string show(const Info& i) {
  char b[160];
  std::snprintf(b, sizeof b, "hash %08x rss_valid %d queue %u status %02x types %02x tci %04x len %u",
                i.hash, i.rss_valid ? 1 : 0, i.queue, i.status, i.types, i.tci, i.len);
  return b;
}

using nicsim::bench::Pattern;

struct Patterns {
  Pattern in_valid = nicsim::bench::always();
  Pattern out_ready = nicsim::bench::always();
  Pattern info_ready = nicsim::bench::always();
};

// The RSS registers of one VNIC as the register file stores them.
struct VnicRegs {
  std::uint32_t ctrl = 0;                                       // VNIC_CTRL
  std::array<std::uint32_t, R::vnic::RSS_KEY_COUNT> key{};      // RSS_KEY words
  std::array<std::uint32_t, R::vnic::RSS_INDIR_COUNT> indir{};  // RSS_INDIR words
};

struct RssSetup {
  std::array<VnicRegs, kNumVnic + 1> regs{};      // index = vport
  std::array<nm::RssConfig, kNumVnic + 1> cfg{};  // the model's view of regs
};

// The model's RSS configuration of a VNIC from its registers, as NicDevice::dp_apply_vnic
// (model/src/device/nic_device_datapath.cpp): only VNIC_CTRL.RSS_ENABLE gates RSS.
nm::RssConfig model_config(const VnicRegs& n) {
  nm::RssConfig rss;
  rss.enable = R::vnic::VNIC_CTRL_RSS_ENABLE.get(n.ctrl) != 0;
  for (std::size_t i = 0; i < rss.key.size(); ++i)  // first byte in bits 31:24 of word 0
    rss.key[i] = static_cast<std::uint8_t>(n.key[i / 4] >> (24 - 8 * (i % 4)));
  for (std::size_t i = 0; i < rss.indir.size(); ++i)  // entry 4i+j in bits 8j+7:8j of word i
    rss.indir[i] = static_cast<std::uint8_t>(n.indir[i / 4] >> (8 * (i % 4)));
  return rss;
}

// Random VNIC_CTRL (RSS_ENABLE with probability 3/4, the other bits random, so ENABLE is
// often 0 with RSS_ENABLE 1), random keys (VNIC 1 the Microsoft key) and random tables.
RssSetup random_rss(std::uint64_t seed) {
  nm::Prng rng(seed);
  RssSetup s;
  for (unsigned v = 1; v <= kNumVnic; ++v) {
    auto& n = s.regs[v];
    n.ctrl = static_cast<std::uint32_t>(rng.below(64));
    n.ctrl = R::vnic::VNIC_CTRL_RSS_ENABLE.put(n.ctrl, rng.below(4) != 0 ? 1u : 0u);
    for (unsigned w = 0; w < n.key.size(); ++w) {
      if (v == 1) {
        const auto& k = nm::kMicrosoftRssKey;
        n.key[w] = std::uint32_t{k[4 * w]} << 24 | std::uint32_t{k[4 * w + 1]} << 16 |
                   std::uint32_t{k[4 * w + 2]} << 8 | k[4 * w + 3];
      } else {
        n.key[w] = static_cast<std::uint32_t>(rng.next());
      }
    }
    for (auto& word : n.indir) {
      word = 0;
      for (unsigned j = 0; j < 4; ++j)
        word |= static_cast<std::uint32_t>(rng.below(v == 2 ? 256 : 16)) << (8 * j);
    }
    s.cfg[v] = model_config(n);
  }
  return s;
}

using RunResult = nicsim::bench::RecordRun<Info>;  // records: m_info

NICSIM_AXIS_PORT(SAxis, s_axis_);
NICSIM_AXIS_PORT(MAxis, m_axis_);
NICSIM_VALID_READY_PORT(InfoPort, m_info_);

template <class V, unsigned W>
class Dut {
 public:
  Dut() : h_({.name = "rx_classify w" + std::to_string(W)}) {
    h_->cfg_vxlan_port = 4789;
    h_->cfg_geneve_port = 6081;
    h_->cfg_rss_enable = 0;
    h_.reset(4, 1);
  }

  // The register file's outputs: VNIC_CTRL.RSS_ENABLE of vport v at bit v-1; RSS_KEY and
  // RSS_INDIR word i of vport v at [(v-1)*320 + 32*i +: 32] and [(v-1)*1024 + 32*i +: 32].
  void configure(const RssSetup& s) {
    std::uint32_t en = 0;
    for (unsigned v = 1; v <= kNumVnic; ++v) {
      const VnicRegs& n = s.regs[v];
      en |= R::vnic::VNIC_CTRL_RSS_ENABLE.get(n.ctrl) << (v - 1);
      for (unsigned w = 0; w < n.key.size(); ++w) h_->cfg_rss_key[(v - 1) * 10 + w] = n.key[w];
      for (unsigned w = 0; w < n.indir.size(); ++w)
        h_->cfg_rss_indir[(v - 1) * 32 + w] = n.indir[w];
    }
    h_->cfg_rss_enable = static_cast<std::uint8_t>(en);
  }

  // Every frame through the classifier, garbage in unused lanes; the record's inputs are
  // driven on every beat with the frame's values (sampled on the first), junk on the others.
  RunResult run(const std::vector<InFrame>& frames, const Patterns& pat) {
    namespace b = nicsim::bench;
    std::vector<b::AxisFrame> in;
    for (std::size_t i = 0; i < frames.size(); ++i)
      in.push_back({.data = frames[i].bytes, .user = frames[i].vport & 1u, .id = i});
    return b::run_with_records<Info, SAxis, MAxis, InfoPort>(
        h_, in,
        {.in_valid = pat.in_valid,
         .out_ready = pat.out_ready,
         .record_ready = pat.info_ready,
         .fill = [](unsigned lane) { return static_cast<std::uint8_t>(0xa5 ^ lane); }},
        [](V& m) {
          Info i;
          i.hash = m.m_info_rss_hash;
          i.rss_valid = m.m_info_rss_valid != 0;
          i.queue = m.m_info_rss_queue;
          i.status = m.m_info_status;
          i.types = m.m_info_types;
          i.tci = m.m_info_vlan_tci;
          i.len = m.m_info_len;
          return i;
        },
        [&](V& m, const b::AxisFrame* fr, std::size_t beat, bool valid) {
          if (!valid) {
            m.s_axis_vport = 0;
            m.s_axis_to_vnic = 0;
            m.s_axis_parse_err = 0;
            return;
          }
          const InFrame& f = frames[fr->id];
          m.s_axis_vport = beat == 0 ? f.vport : static_cast<std::uint8_t>(~f.vport);
          m.s_axis_to_vnic = (beat == 0 ? f.to_vnic : !f.to_vnic) ? 1 : 0;
          m.s_axis_parse_err = (beat == 0 ? f.parse_err : !f.parse_err) ? 1 : 0;
        });
  }

 private:
  nicsim::bench::Harness<V> h_;
};

// The level-0 headers the RTL walk cannot see: an IPv6 extension header or L4 header of a
// frame longer than the head that starts too far in (docs/rtl-rx-classify.md, head limit).
bool beyond_head(const std::vector<std::uint8_t>& f, const nm::Level& lv) {
  return f.size() > kHead && lv.has_ip && lv.ip.version == 6 && lv.ip.l4_offset + 16 > kHead;
}

Info expected(const InFrame& f, RssSetup& rss) {
  static const nm::Parser parser{};
  const nm::ParseResult pr = parser.parse(f.bytes);
  const nm::Level& lv = pr.levels[0];
  nm::Delivery d;
  nm::completion_status(f.bytes, lv, f.parse_err, d);
  nm::RssResult r;
  if (f.to_vnic && f.vport >= 1 && f.vport <= kNumVnic) r = rss.cfg[f.vport].classify(f.bytes, lv);
  Info i;
  i.hash = r.hash;
  i.rss_valid = r.valid;
  i.queue = r.queue;
  i.status = d.status | (r.valid ? nm::RxCpl::kRssValid : 0);
  i.types = d.types;
  i.tci = (d.status & nm::RxCpl::kVlan) ? d.vlan_tci : 0;
  i.len = static_cast<unsigned>(std::min<std::size_t>(f.bytes.size(), 0xFFFF));
  return i;
}

struct Stats {
  std::size_t frames = 0, checked = 0, ip_ok = 0, l4_ok = 0, rss = 0, vlan = 0, tunnels = 0,
              perr = 0, skipped = 0;
};

// Every output frame and record of a run against the input and the model under `rss`.
template <unsigned W>
Stats compare(const std::vector<InFrame>& frames, const RunResult& r, RssSetup& rss) {
  Stats st;
  EXPECT_FALSE(r.hung) << "W=" << W << ": nothing moved for 5000 clocks after "
                       << r.records.size() << " records, " << r.out_frames.size() << " frames";
  if (r.hung) return st;
  EXPECT_EQ(r.records.size(), frames.size());
  EXPECT_EQ(r.out_frames.size(), frames.size());
  static const nm::Parser parser{};
  unsigned fails = 0;
  for (std::size_t i = 0; i < frames.size() && i < r.records.size(); ++i) {
    ++st.frames;
    EXPECT_EQ(r.out_frames[i], frames[i].bytes) << "W=" << W << " frame " << i << " changed";
    const nm::ParseResult pr = parser.parse(frames[i].bytes);
    if (beyond_head(frames[i].bytes, pr.levels[0])) {
      ++st.skipped;
      continue;
    }
    const Info e = expected(frames[i], rss);
    const Info& g = r.records[i];
    if (e.status & nm::RxCpl::kCsumChecked) ++st.checked;
    if (e.status & nm::RxCpl::kIpCsumOk) ++st.ip_ok;
    if (e.status & nm::RxCpl::kL4CsumOk) ++st.l4_ok;
    if (e.rss_valid) ++st.rss;
    if (e.status & nm::RxCpl::kVlan) ++st.vlan;
    if (e.status & nm::RxCpl::kParseErr) ++st.perr;
    if ((e.types >> 5) != 0) ++st.tunnels;
    if (!(g == e) && fails++ < 5) {
      std::string hex;
      for (std::size_t b = 0; b < std::min<std::size_t>(frames[i].bytes.size(), 96); ++b) {
        char x[4];
        std::snprintf(x, sizeof x, "%02x", frames[i].bytes[b]);
        hex += x;
      }
      ADD_FAILURE() << "W=" << W << " frame " << i << " (len " << frames[i].bytes.size()
                    << ", vport " << unsigned{frames[i].vport} << ", to_vnic "
                    << frames[i].to_vnic << ")\n  rtl   " << show(g) << "\n  model " << show(e)
                    << "\n  " << hex;
    }
  }
  return st;
}

template <class V, unsigned W>
Stats check(const std::vector<InFrame>& frames, const Patterns& pat, std::uint64_t seed,
            double* clocks_per_frame = nullptr, std::uint64_t* latency = nullptr) {
  Dut<V, W> dut;
  RssSetup rss = random_rss(seed);
  dut.configure(rss);
  const RunResult r = dut.run(frames, pat);
  const Stats st = compare<W>(frames, r, rss);
  if (latency != nullptr) *latency = r.latency;
  if (clocks_per_frame != nullptr && !frames.empty())
    *clocks_per_frame = static_cast<double>(r.cycles) / static_cast<double>(frames.size());
  return st;
}

// ---- frames ---------------------------------------------------------------------------------

void set_record(InFrame& f, nm::Prng& rng) {
  f.to_vnic = rng.below(4) != 0;
  f.vport = static_cast<std::uint8_t>(f.to_vnic ? rng.below(kNumVnic + 2) : 255);
  f.parse_err = rng.below(8) == 0;
}

// Frame variants: wrong checksums, zero UDP checksums, fragments, IP length beyond the frame,
// Ethernet trailers, cuts.
void mutate(std::vector<std::uint8_t>& f, nm::Prng& rng) {
  static const nm::Parser parser{};
  const nm::ParseResult pr = parser.parse(f);
  const nm::Level& lv = pr.levels[0];
  const auto ipo = lv.ip.offset;
  switch (rng.below(9)) {
    case 0:
    case 1: break;
    case 2:  // a wrong byte somewhere (IP header, L4 header or payload)
      if (!f.empty()) f[rng.below(f.size())] ^= static_cast<std::uint8_t>(1u + rng.below(255));
      break;
    case 3:  // zero UDP checksum
      if (lv.has_l4 && lv.l4.kind == nm::Layer::kUdp) {
        f[lv.l4.offset + 6] = 0;
        f[lv.l4.offset + 7] = 0;
      }
      break;
    case 4:  // IPv4 fragment: MF, or a non-zero offset
      if (lv.has_ip && lv.ip.version == 4) {
        if (rng.below(2) == 0) {
          f[ipo + 6] |= 0x20;
        } else {
          f[ipo + 7] = static_cast<std::uint8_t>(1 + rng.below(200));
        }
      }
      break;
    case 5:  // IP length beyond the frame
      if (lv.has_ip) {
        const unsigned at = lv.ip.version == 4 ? 2 : 4;
        const unsigned v = (f[ipo + at] << 8 | f[ipo + at + 1]) + 1 + static_cast<unsigned>(rng.below(64));
        f[ipo + at] = static_cast<std::uint8_t>(v >> 8);
        f[ipo + at + 1] = static_cast<std::uint8_t>(v);
      }
      break;
    case 6: {  // Ethernet trailer
      const std::size_t n = 1 + rng.below(40);
      for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<std::uint8_t>(rng.next()));
      break;
    }
    case 7:  // cut
      if (f.size() > 1) f.resize(1 + rng.below(f.size() - 1));
      break;
    case 8:  // IP length shorter than the frame (the rest becomes a trailer)
      if (lv.has_ip && lv.ip.version == 4 && lv.ip.total_len > lv.ip.header_len + 8u) {
        const unsigned v = lv.ip.total_len - 1 - static_cast<unsigned>(rng.below(8));
        f[ipo + 2] = static_cast<std::uint8_t>(v >> 8);
        f[ipo + 3] = static_cast<std::uint8_t>(v);
      }
      break;
  }
}

std::vector<InFrame> generated(std::string_view sizes, std::uint64_t seed, std::size_t count,
                               double malformed, bool mutations) {
  nm::TraceSpec spec = nm::make_trace_spec(sizes, "all");
  spec.seed = seed;
  spec.count = count;
  spec.flows = 64;
  spec.malformed = malformed;
  nm::TraceGenerator gen(spec);
  nm::Prng rng(seed * 7 + 3);
  std::vector<InFrame> out;
  while (auto f = gen.next()) {
    InFrame in;
    in.bytes = std::move(f->data);
    if (mutations) mutate(in.bytes, rng);
    if (in.bytes.empty()) in.bytes.push_back(0);
    set_record(in, rng);
    out.push_back(std::move(in));
  }
  return out;
}

std::vector<InFrame> pcap_frames() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(NICSIM_TRACES_DIR)) {
    const auto ext = e.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  nm::Prng rng(99);
  std::vector<InFrame> frames;
  for (const auto& path : files) {
    nm::PcapReader rd(path);
    while (auto f = rd.next()) {
      if (f->data.empty()) continue;
      InFrame in;
      in.bytes = std::move(f->data);
      set_record(in, rng);
      frames.push_back(std::move(in));
    }
  }
  return frames;
}

Patterns random_patterns(std::uint64_t seed) {
  Patterns p;
  p.in_valid = nicsim::bench::random(seed, 80);
  p.out_ready = nicsim::bench::random(seed + 1, 70);
  p.info_ready = nicsim::bench::random(seed + 2, 50);
  return p;
}

void print(const char* what, unsigned w, const Stats& s) {
  std::printf("[rx_classify W=%u %s] frames %zu: csum_checked %zu ip_ok %zu l4_ok %zu rss %zu "
              "vlan %zu tunnel %zu parse_err %zu; beyond the head (not compared) %zu\n",
              w, what, s.frames, s.checked, s.ip_ok, s.l4_ok, s.rss, s.vlan, s.tunnels, s.perr,
              s.skipped);
}

template <class V, unsigned W>
void run_suite(std::uint64_t seed) {
  auto frames = generated("mixed", seed, 3000, 0.1, true);
  auto more = generated("64", seed + 1, 2000, 0.1, true);
  frames.insert(frames.end(), more.begin(), more.end());
  more = generated("imix", seed + 2, 2000, 0.05, false);
  frames.insert(frames.end(), more.begin(), more.end());
  Stats s = check<V, W>(frames, Patterns{}, seed);
  print("generated, no stalls", W, s);
  EXPECT_GT(s.l4_ok, 1000u);
  EXPECT_GT(s.checked - s.l4_ok, 100u);  // wrong or unparsed L4 checksums
  EXPECT_GT(s.rss, 1000u);
  s = check<V, W>(frames, random_patterns(seed + 10), seed + 11);
  print("generated, random stalls", W, s);
}

}  // namespace

TEST(RtlRxClassify, GeneratedW64) { run_suite<Vrx_classify_w64, 64>(100); }
TEST(RtlRxClassify, GeneratedW512) { run_suite<Vrx_classify_w512, 512>(200); }

// The RSS state is the register file's, read live: new register values apply to the frames
// hashed after them, with no write port and nothing kept inside the block.
template <class V, unsigned W>
void reconfigure_between_runs(std::uint64_t seed) {
  const auto frames = generated("mixed", seed, 600, 0.0, false);
  Dut<V, W> dut;
  for (std::uint64_t k = 0; k < 3; ++k) {
    RssSetup rss = random_rss(seed + 1 + k);
    dut.configure(rss);
    const RunResult r = dut.run(frames, random_patterns(seed + 10 + k));
    ASSERT_FALSE(r.hung) << "W=" << W << " run " << k;
    ASSERT_EQ(r.records.size(), frames.size());
    const Stats s = compare<W>(frames, r, rss);
    EXPECT_GT(s.rss, 100u) << "W=" << W << " run " << k;
  }
}

TEST(RtlRxClassify, ReconfigureBetweenRuns) {
  reconfigure_between_runs<Vrx_classify_w64, 64>(300);
  reconfigure_between_runs<Vrx_classify_w512, 512>(400);
}

TEST(RtlRxClassify, PcapTraces) {
  const auto frames = pcap_frames();
  ASSERT_FALSE(frames.empty());
  Stats s = check<Vrx_classify_w64, 64>(frames, random_patterns(5), 6);
  print("pcap", 64, s);
  s = check<Vrx_classify_w512, 512>(frames, random_patterns(7), 8);
  print("pcap", 512, s);
}

TEST(RtlRxClassify, EveryShortLength) {
  // Every length 1..300 of one IPv4/TCP and one VLAN/IPv6/UDP frame (cut and padded).
  nm::TraceSpec spec = nm::make_trace_spec("512", "vlan,ipv6,udp");
  spec.count = 1;
  nm::TraceGenerator g6(spec);
  const auto f6 = g6.next()->data;
  spec = nm::make_trace_spec("512", "ipv4,tcp");
  spec.count = 1;
  nm::TraceGenerator g4(spec);
  const auto f4 = g4.next()->data;
  std::vector<InFrame> frames;
  nm::Prng rng(3);
  for (std::size_t n = 1; n <= 300; ++n) {
    for (const auto* src : {&f4, &f6}) {
      InFrame in;
      in.bytes.assign(src->begin(), src->begin() + static_cast<std::ptrdiff_t>(std::min(n, src->size())));
      while (in.bytes.size() < n) in.bytes.push_back(static_cast<std::uint8_t>(rng.next()));
      set_record(in, rng);
      frames.push_back(std::move(in));
    }
  }
  check<Vrx_classify_w64, 64>(frames, random_patterns(9), 10);
  check<Vrx_classify_w512, 512>(frames, random_patterns(11), 12);
}

TEST(RtlRxClassify, LongFrames) {
  // Jumbo and maximum-length frames (9000 and 16448 bytes, checksums over the whole frame).
  auto frames = generated("9000", 31, 40, 0.0, false);
  nm::Prng rng(32);
  for (auto& f : generated("1518", 33, 20, 0.0, false)) {
    // Grow the payload to 16448 bytes and fix nothing: the checksums are then wrong unless
    // it is not IP; and a copy with a trailer up to 16448.
    f.bytes.resize(16448, 0x5a);
    frames.push_back(f);
  }
  check<Vrx_classify_w64, 64>(frames, random_patterns(13), 14);
  check<Vrx_classify_w512, 512>(frames, random_patterns(15), 16);
}

std::vector<InFrame> tcp64(std::size_t count) {
  nm::TraceSpec spec = nm::make_trace_spec("64", "ipv4,tcp");
  spec.seed = 44;
  spec.count = count;
  nm::TraceGenerator gen(spec);
  nm::Prng rng(45);
  std::vector<InFrame> out;
  while (auto f = gen.next()) {
    InFrame in;
    in.bytes = std::move(f->data);
    set_record(in, rng);
    out.push_back(std::move(in));
  }
  return out;
}

std::size_t beats(const std::vector<InFrame>& frames, unsigned w) {
  std::size_t n = 0;
  for (const auto& f : frames) n += (f.bytes.size() + w / 8 - 1) / (w / 8);
  return n;
}

TEST(RtlRxClassify, Throughput64ByteFrames) {
  const auto tcp = tcp64(2000);
  const auto all = generated("64", 41, 2000, 0.0, false);
  double t512 = 0, t64 = 0, a512 = 0, a64 = 0;
  check<Vrx_classify_w512, 512>(tcp, Patterns{}, 42, &t512);
  check<Vrx_classify_w64, 64>(tcp, Patterns{}, 43, &t64);
  check<Vrx_classify_w512, 512>(all, Patterns{}, 42, &a512);
  check<Vrx_classify_w64, 64>(all, Patterns{}, 43, &a64);
  const double n = static_cast<double>(all.size());
  std::printf("[rx_classify throughput] back-to-back 64-byte IPv4/TCP frames: DATA_W 512 %.3f "
              "clocks/frame, DATA_W 64 %.3f clocks/frame\n", t512, t64);
  std::printf("[rx_classify throughput] 'all kinds' frames of at least 64 bytes (tunnels, IPv6 "
              "extension headers; %.2f beats/frame at 512, %.2f at 64): DATA_W 512 %.3f "
              "clocks/frame, DATA_W 64 %.3f clocks/frame\n",
              static_cast<double>(beats(all, 512)) / n, static_cast<double>(beats(all, 64)) / n,
              a512, a64);
  EXPECT_LT(t512, 1.02);
  EXPECT_LT(t64, 8.02);
}

TEST(RtlRxClassify, Latency) {
  // Clocks from the tlast handshake of a lone frame to its m_info handshake.
  struct Case {
    const char* sizes;
    const char* kinds;
    const char* name;
  };
  for (const Case& c : {Case{"64", "arp", "ARP"}, Case{"64", "ipv4,tcp", "IPv4/TCP"},
                        Case{"128", "ipv6,udp", "IPv6/UDP"}}) {
    nm::TraceSpec spec = nm::make_trace_spec(c.sizes, c.kinds);
    spec.count = 1;
    nm::TraceGenerator gen(spec);
    std::vector<InFrame> f(1);
    f[0].bytes = gen.next()->data;
    std::uint64_t l64 = 0, l512 = 0;
    check<Vrx_classify_w64, 64>(f, Patterns{}, 1, nullptr, &l64);
    check<Vrx_classify_w512, 512>(f, Patterns{}, 1, nullptr, &l512);
    std::printf("[rx_classify latency] %s: DATA_W 64 %llu clocks, DATA_W 512 %llu clocks\n",
                c.name, static_cast<unsigned long long>(l64),
                static_cast<unsigned long long>(l512));
  }
}
