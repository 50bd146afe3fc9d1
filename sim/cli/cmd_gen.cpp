// SPDX-License-Identifier: MIT
// `nicsim gen`: deterministic (seeded) synthetic traces.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/tracegen.hpp"

namespace nicsim::cli {
namespace {

struct GenArgs {
  std::string out;
  std::uint64_t seed = 1;
  std::uint64_t count = 1000;
  std::uint32_t flows = 16;
  std::string sizes = "mixed";
  std::string kinds = "all";
  double malformed = 0.0;
  std::uint64_t gap_ns = 0;
};

int do_gen(const GenArgs& a) {
  model::TraceSpec spec = model::make_trace_spec(a.sizes, a.kinds);
  spec.seed = a.seed;
  spec.count = a.count;
  spec.flows = a.flows;
  spec.malformed = a.malformed;
  if (a.gap_ns != 0) spec.gap_ns = a.gap_ns;
  model::TraceGenerator gen(spec);
  model::PcapWriter writer(a.out);
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  while (auto f = gen.next()) {
    writer.write(*f);
    ++frames;
    bytes += f->data.size();
  }
  writer.flush();
  std::printf("nicsim gen: %s: %llu frames, %llu bytes (seed %llu)\n", a.out.c_str(),
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(a.seed));
  return 0;
}

}  // namespace

Runner add_gen_command(CLI::App& app) {
  auto a = std::make_shared<GenArgs>();
  CLI::App* sub = app.add_subcommand(
      "gen",
      "Generate a deterministic synthetic trace: a number of flows over a size mix and a set\n"
      "of header kinds (VLAN stacks, tunnels, IPv6 extension headers, ...), optionally with\n"
      "malformed or truncated frames. The same seed gives the same bytes on any machine.");
  sub->add_option("-o,--out", a->out, "output capture (pcap)")->required();
  sub->add_option("--seed", a->seed, "PRNG seed")->capture_default_str();
  sub->add_option("-n,--count", a->count, "number of frames")->capture_default_str();
  sub->add_option("--flows", a->flows, "number of distinct flows")
      ->check(CLI::Range(1u, 16u * 1024u * 1024u))
      ->capture_default_str();
  sub->add_option("--sizes", a->sizes, "size mix: 64, 128, 256, 512, imix, 1518, 9000 or mixed")
      ->capture_default_str();
  sub->add_option("--kinds", a->kinds,
                  "header kinds, comma separated, or 'all': " + model::trace_kind_names())
      ->capture_default_str();
  sub->add_option("--malformed", a->malformed, "fraction of malformed or truncated frames")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--gap-ns", a->gap_ns, "timestamp gap between frames (default: generator's)");
  return [a] { return do_gen(*a); };
}

}  // namespace nicsim::cli
