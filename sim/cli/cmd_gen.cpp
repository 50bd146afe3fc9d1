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
  std::string src_mac, dst_mac, src_ip, dst_ip;
};

model::MacAddr mac_arg(const std::string& text, const char* option) {
  const auto m = model::MacAddr::parse(text);
  if (!m) throw model::TraceSpecError(std::string(option) + ": not a MAC address: '" + text + "'");
  return *m;
}

int do_gen(const GenArgs& a) {
  model::TraceSpec spec = model::make_trace_spec(a.sizes, a.kinds);
  spec.seed = a.seed;
  spec.count = a.count;
  spec.flows = a.flows;
  spec.malformed = a.malformed;
  if (a.gap_ns != 0) spec.gap_ns = a.gap_ns;
  if (!a.src_mac.empty()) spec.endpoints.src_mac = mac_arg(a.src_mac, "--src-mac");
  if (!a.dst_mac.empty()) spec.endpoints.dst_mac = mac_arg(a.dst_mac, "--dst-mac");
  if (!a.src_ip.empty()) spec.endpoints.src_ip = model::parse_addr_range(a.src_ip);
  if (!a.dst_ip.empty()) spec.endpoints.dst_ip = model::parse_addr_range(a.dst_ip);
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
  sub->add_option("--src-mac", a->src_mac,
                  "source MAC of every flow (of the inner frame when tunnelled), e.g. a VM's");
  sub->add_option("--dst-mac", a->dst_mac, "destination MAC of every flow (inner when tunnelled)");
  sub->add_option("--src-ip", a->src_ip,
                  "source addresses: PREFIX (e.g. 10.0.0.1/32 or 2001:db8::/64), flow n gets "
                  "the prefix + n + 1; applies to the flows of its family (inner when tunnelled)");
  sub->add_option("--dst-ip", a->dst_ip,
                  "destination addresses: PREFIX, a random host part per flow; flows of its "
                  "family (inner when tunnelled)");
  return [a] { return do_gen(*a); };
}

}  // namespace nicsim::cli
