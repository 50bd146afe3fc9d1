// SPDX-License-Identifier: MIT
// driver_bench: exact-match flow inserts per second through the driver on the `model`
// backend, by the register path (FT_KEY/FT_ACTION/FT_CMD per flow) and by the flow-command
// ring (create_batch). Prints
//   driver_flow_inserts_per_s N inserts/s        (the faster path)
//   driver_flow_inserts_regs_per_s N inserts/s   (the register path)
// on stdout (both paths' figures and the insert count go to stderr); and the register accesses
// (MMIO: what costs on hardware, ~1 us a read across PCIe) to read the counters of 4096
// offloaded flows, flow by flow (FlowTable::query) and at once (FlowTable::query_bulk:
// EM_ACTIVITY commands of the flow-command ring):
//   driver_activity_mmio_query_4096 N accesses
//   driver_activity_mmio_bulk_4096 N accesses
// Usage: driver_bench [flows (default 32768)] [repetitions (default 5)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/hal/model_device.hpp"

namespace {

using namespace nicsim::host;
using Clock = std::chrono::steady_clock;

std::vector<FlowRule> make_rules(unsigned n) {
  std::vector<FlowRule> rules;
  rules.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    FlowRule r;
    r.attr.ingress_vport = 1 + (i & 3);
    r.pattern = {
        ItemEth{},
        ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000000 + i, .dst = 0x0b000000 + (i * 7919u)}}},
        ItemTcp{{.spec = TcpHdr{.sport = static_cast<std::uint16_t>(1024 + (i % 50000)),
                                .dport = 443}}},
        ItemEnd{}};
    r.actions = {ActionMark{i}, ActionVnic{1 + (i & 3)}, ActionEnd{}};
    rules.push_back(std::move(r));
  }
  return rules;
}

struct Run {
  double per_s = 0;
  unsigned ok = 0;
};

Run run(const std::vector<FlowRule>& rules, bool ring) {
  ModelDevice dev;  // default configuration: 64K exact-match entries
  Driver drv = Driver::probe(dev);
  drv.enable();
  FlowTable ft(drv);
  ft.set_command_ring_size(10);
  Run r;
  const auto t0 = Clock::now();
  if (ring) {
    for (const auto& res : ft.create_batch(rules)) r.ok += res.ok() ? 1 : 0;
  } else {
    for (const auto& rule : rules) r.ok += ft.create(rule).ok() ? 1 : 0;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (ft.em_count() != r.ok) {
    std::fprintf(stderr, "driver_bench: FT_COUNT %u != %u inserted\n", ft.em_count(), r.ok);
    std::exit(1);
  }
  r.per_s = r.ok / s;
  return r;
}

/// MMIO accesses to read the counters of `n` flows: {per-flow query, query_bulk}.
std::pair<std::uint64_t, std::uint64_t> activity_mmio(const std::vector<FlowRule>& rules) {
  ModelDevice dev;
  Driver drv = Driver::probe(dev);
  drv.enable();
  FlowTable ft(drv);
  std::vector<Flow> flows;
  for (const auto& r : ft.create_batch(rules))
    if (r.ok()) flows.push_back(*r);
  auto accesses = [&] { return dev.mmio_reads() + dev.mmio_writes(); };
  const std::uint64_t a0 = accesses();
  std::vector<FlowCounters> one;
  for (const Flow f : flows) one.push_back(ft.query(f).value());
  const std::uint64_t a1 = accesses();
  const auto bulk = ft.query_bulk(flows);
  const std::uint64_t a2 = accesses();
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (!bulk[i].ok() || bulk[i]->packets != one[i].packets ||
        bulk[i]->last_seen != one[i].last_seen) {
      std::fprintf(stderr, "driver_bench: query_bulk differs from query at flow %zu\n", i);
      std::exit(1);
    }
  }
  std::fprintf(stderr, "driver_bench: counters of %zu flows: %llu MMIO by query, %llu by "
               "query_bulk\n", flows.size(), static_cast<unsigned long long>(a1 - a0),
               static_cast<unsigned long long>(a2 - a1));
  return {a1 - a0, a2 - a1};
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned n = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 32768;
  const int reps = argc > 2 ? std::stoi(argv[2]) : 5;
  const auto rules = make_rules(n);
  Run regs, ring;
  for (int i = 0; i < reps; ++i) {
    const Run a = run(rules, false), b = run(rules, true);
    if (a.per_s > regs.per_s) regs = a;
    if (b.per_s > ring.per_s) ring = b;
  }
  if (regs.ok != ring.ok) {
    std::fprintf(stderr, "driver_bench: register path inserted %u, ring %u\n", regs.ok, ring.ok);
    return 1;
  }
  std::fprintf(
      stderr,
      "driver_bench: %u flows offered, %u inserted (best of %d); ring %.0f/s, registers %.0f/s\n",
      n, ring.ok, reps, ring.per_s, regs.per_s);
  std::printf("driver_flow_inserts_per_s %.0f inserts/s\n", std::max(regs.per_s, ring.per_s));
  std::printf("driver_flow_inserts_regs_per_s %.0f inserts/s\n", regs.per_s);
  const auto [by_query, by_bulk] = activity_mmio(make_rules(4096));
  std::printf("driver_activity_mmio_query_4096 %llu accesses\n",
              static_cast<unsigned long long>(by_query));
  std::printf("driver_activity_mmio_bulk_4096 %llu accesses\n",
              static_cast<unsigned long long>(by_bulk));
  return 0;
}
