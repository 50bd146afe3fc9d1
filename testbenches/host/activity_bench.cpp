// SPDX-License-Identifier: MIT
// activity_bench: the simulated host time to read the counters of N offloaded exact-match flows
// in the co-simulation (the `sim` world: the Verilated NIC, DATA_W=64 at 250 MHz, behind the
// PCIe link, where a register read is a round trip of about 1 us), flow by flow
// (FlowTable::query: FT_HANDLE, FT_CMD, status poll, five reads) and at once
// (FlowTable::query_bulk: EM_ACTIVITY commands of the flow-command ring). Prints
//   cosim_activity_query_us N us     (query, N flows)
//   cosim_activity_bulk_us N us      (query_bulk, the same flows)
// on stdout; N (default 400: the world's table holds 512 entries) and the register accesses go
// to stderr. The two must return the same counters, else it fails.
// Usage: activity_bench [flows]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "world.hpp"

int main(int argc, char** argv) {
  using namespace nicsim::host;
  const unsigned n = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 400;
  const auto w = test::make_world();
  Driver drv = Driver::probe(w->device());
  drv.enable();
  FlowTable ft(drv);
  std::vector<FlowRule> rules;
  for (unsigned i = 0; i < n; ++i) {
    rules.push_back({{.ingress_vport = 0},
                     {ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000000 + i,
                                                           .dst = 0x0b000000 + i * 7919u}}},
                      ItemTcp{{.spec = TcpHdr{.sport = static_cast<std::uint16_t>(1024 + i),
                                              .dport = 443}}}},
                     {ActionDrop{}}});
  }
  std::vector<Flow> flows;
  for (const auto& r : ft.create_batch(rules))
    if (r.ok()) flows.push_back(*r);
  const double us_per_cycle = 1.0 / 250.0;
  const std::uint64_t t0 = w->now();
  std::vector<FlowCounters> one;
  for (const Flow f : flows) one.push_back(ft.query(f).value());
  const std::uint64_t t1 = w->now();
  const auto bulk = ft.query_bulk(flows);
  const std::uint64_t t2 = w->now();
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (!bulk[i].ok() || bulk[i]->packets != one[i].packets ||
        bulk[i]->last_seen != one[i].last_seen) {
      std::fprintf(stderr, "activity_bench: query_bulk differs from query at flow %zu\n", i);
      return 1;
    }
  }
  std::fprintf(stderr, "activity_bench: %zu flows installed of %u; query %.1f us, query_bulk "
               "%.1f us (simulated)\n", flows.size(), n, (t1 - t0) * us_per_cycle,
               (t2 - t1) * us_per_cycle);
  std::printf("cosim_activity_query_us %.1f us\n", (t1 - t0) * us_per_cycle);
  std::printf("cosim_activity_bulk_us %.1f us\n", (t2 - t1) * us_per_cycle);
  return 0;
}
