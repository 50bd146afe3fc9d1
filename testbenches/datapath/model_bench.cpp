// SPDX-License-Identifier: MIT
// model_bench: throughput of the golden model's datapath on one core. A generated trace
// (TraceGenerator, default 1M frames, IMIX, ipv4/ipv6/tcp/udp/vlan/vxlan) is held in memory; the
// flow keys of 10K flows are installed in the EM table with forwarding actions (wire, VNIC with
// RSS, NAT, VXLAN decap); then every frame is processed once by Pipeline::process_burst (bursts
// of 64: the frames ahead are parsed and hashed and their EM entries prefetched), then once more
// by Pipeline::process_in_place frame by frame. Prints two lines:
//   model_frames_per_s N frames/s           (process_in_place, one frame per call: what
//                                            NicDevice and the scoreboard call)
//   model_burst_frames_per_s N frames/s     (process_burst)
// The rates are frames over the thread's CPU time spent in the loop (the build machine's cores
// are shared; on an idle machine CPU time and wall time agree); stderr also shows the wall rates.
// Options: --count N, --flows N, --sizes MIX, --kinds LIST, --repeat N (passes over the trace),
// --mode burst|process|both.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/tracegen.hpp"

using namespace nicsim::model;

int main(int argc, char** argv) {
  std::uint64_t count = 1'000'000;
  std::uint32_t flows = 10'000;
  std::string sizes = "imix";
  std::string kinds = "ipv4,ipv6,tcp,udp,vlan,vxlan";
  int repeat = 1;
  std::string mode = "both";  // burst, process or both
  constexpr std::size_t kBurst = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--count") count = std::stoull(argv[i + 1]);
    else if (k == "--flows") flows = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
    else if (k == "--sizes") sizes = argv[i + 1];
    else if (k == "--kinds") kinds = argv[i + 1];
    else if (k == "--repeat") repeat = std::stoi(argv[i + 1]);
    else if (k == "--mode") mode = argv[i + 1];
  }
  try {
    TraceSpec spec = make_trace_spec(sizes, kinds);
    spec.count = count;
    spec.flows = flows;
    spec.seed = 7;
    TraceGenerator gen(spec);
    // One contiguous buffer: offsets and lengths.
    std::vector<std::uint8_t> data;
    std::vector<std::pair<std::size_t, std::uint32_t>> frames;
    frames.reserve(count);
    while (auto f = gen.next()) {
      frames.emplace_back(data.size(), static_cast<std::uint32_t>(f->data.size()));
      data.insert(data.end(), f->data.begin(), f->data.end());
    }
    const auto frame = [&](std::size_t i) {
      return ByteSpan(data.data() + frames[i].first, frames[i].second);
    };

    PipelineConfig cfg;
    Pipeline p(cfg);
    for (std::uint8_t v = 1; v <= cfg.num_vnic; ++v) {
      RssConfig& r = p.rss(v);
      r.enable = true;
      for (std::size_t q = 0; q < r.indir.size(); ++q) r.indir[q] = static_cast<std::uint8_t>(q % 4);
    }
    // Frames 0..flows-1 are flows 0..flows-1 (TraceGenerator): install their keys.
    ParseResult pr;
    const Parser parser;
    const std::size_t n_install = std::min<std::size_t>(flows, frames.size());
    for (std::size_t i = 0; i < n_install; ++i) {
      parser.parse(frame(i), pr);
      if (parse_failed(pr, cfg.parse_window)) continue;
      FlowKey key{};
      build_flow_key(frame(i), pr, 0, key);
      ActionRecord a;
      switch (i % 4) {
        case 0: a = forward_to_wire(); break;
        case 1: a = forward_to_vnic(static_cast<std::uint8_t>(1 + i % cfg.num_vnic)); break;
        case 2:
          a = forward_to_wire();
          a.flags |= ActionRecord::kSetSip | ActionRecord::kSetSport | ActionRecord::kDecTtl;
          a.sip[12] = 100;
          a.sip[15] = 1;
          a.sport = 4242;
          break;
        default:
          a = forward_to_vnic(1);
          if (pr.depth >= 2 && pr.levels[0].has_tunnel && pr.levels[1].has_eth)
            a.flags |= ActionRecord::kDecap;
          break;
      }
      p.em().insert(key, a);
    }

    const auto cpu_now = [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    };
    std::uint64_t cycle = 0;
    std::vector<ByteSpan> spans(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) spans[i] = frame(i);
    std::vector<std::uint64_t> cycles(kBurst);
    // One timed run over the trace (`repeat` passes): by process_burst (bursts of kBurst
    // frames) or by process() frame by frame. Returns frames per second of thread CPU time.
    const auto run = [&](bool burst, const char* what) {
      std::uint64_t sink = 0;
      const PipelineCounters before = p.counters();
      const double c0 = cpu_now();
      const auto t0 = std::chrono::steady_clock::now();
      for (int rep = 0; rep < repeat; ++rep) {
        if (!burst) {
          for (std::size_t i = 0; i < frames.size(); ++i) {
            const Result& r = p.process_in_place(frame(i), 0, cycle += 2);
            sink += r.primary.bytes.size() + r.primary.status + static_cast<std::uint64_t>(r.drop);
          }
          continue;
        }
        for (std::size_t i = 0; i < spans.size(); i += kBurst) {
          const std::size_t n = std::min(kBurst, spans.size() - i);
          for (std::size_t j = 0; j < n; ++j) cycles[j] = cycle += 2;
          p.process_burst(std::span<const ByteSpan>(spans.data() + i, n),
                          std::span<const std::uint64_t>(cycles.data(), n), 0,
                          [&](std::size_t, const Result& r) {
                            sink += r.primary.bytes.size() + r.primary.status +
                                    static_cast<std::uint64_t>(r.drop);
                          });
        }
      }
      const auto t1 = std::chrono::steady_clock::now();
      const double cpu_secs = cpu_now() - c0;
      const double wall_secs = std::chrono::duration<double>(t1 - t0).count();
      const double n = static_cast<double>(frames.size()) * repeat;
      std::fprintf(stderr,
                   "%s: frames %zu x%d em_hits %llu misses %llu parse_err %llu sink %llu cpu %.3f s "
                   "wall %.3f s (wall rate %.0f frames/s)\n",
                   what, frames.size(), repeat,
                   static_cast<unsigned long long>(p.counters().em_hits - before.em_hits),
                   static_cast<unsigned long long>(p.counters().misses - before.misses),
                   static_cast<unsigned long long>(p.counters().drop(DropReason::kParseError) -
                                                   before.drop(DropReason::kParseError)),
                   static_cast<unsigned long long>(sink), cpu_secs, wall_secs, n / wall_secs);
      return n / cpu_secs;
    };
    double burst_rate = 0;
    double process_rate = 0;
    if (mode != "process") burst_rate = run(true, "process_burst");
    if (mode != "burst") process_rate = run(false, "process_in_place");
    if (!p.counters().ledger_balanced()) {
      std::fprintf(stderr, "model_bench: ledger does not balance\n");
      return 1;
    }
    if (mode != "process") std::printf("model_burst_frames_per_s %.0f frames/s\n", burst_rate);
    if (mode != "burst") std::printf("model_frames_per_s %.0f frames/s\n", process_rate);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
