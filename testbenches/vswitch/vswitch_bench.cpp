// SPDX-License-Identifier: MIT
// vswitch_bench: the virtual switch's figures (issue 12 item 8) on the `model` backend, one core.
// Prints on stdout, one per line, `NAME VALUE UNIT`:
//   vswitch_flow_setups_per_s        first packets turned into offloaded flows: the exception
//                                    ring polled, the slow path, the NIC install, the re-injection
//                                    (time in Switch::service; the untimed model executes the
//                                    NIC's side inside the driver's register and doorbell calls)
//   vswitch_sw_fastpath_pps          packets of cached connections served by the software fast
//                                    path (offload off; time in Switch::service)
//   vswitch_policy_update_ms         1,000 ACL rules added with 100,000 offloaded flows live,
//                                    until Switch::policy_changed() returns (every flow
//                                    recomputed, the changed ones replaced in the NIC)
//   vswitch_bytes_per_flow           heap per cached connection (FlowCache) at 1M connections
//   vswitch_bytes_per_route          heap per route (LpmTable) at 100K IPv4 routes
//   vswitch_bytes_per_mapping        heap per CA-to-PA mapping at 1M mappings
// Details go to stderr. Usage: vswitch_bench [scale (default 1.0: the sizes above)] [only]
// (`only`: run only the figures whose names start with it, e.g. for perf).
//
// Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: one core's work, not the time the
// thread waited for a core on a shared machine; the wall time goes to stderr beside it). Under
// callgrind, only the timed work of the first three figures is collected, so that
//   valgrind --tool=callgrind --collect-atstart=no build/bin/vswitch_bench 0.2 vswitch_sw_fastpath
// gives the instructions it took (total Ir / the packets or flows on stderr), a figure the other
// programs on the machine do not move.
#include <malloc.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/model/builder.hpp"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT \
  do {                           \
  } while (0)
#endif

namespace {

using namespace nicsim;
using namespace nicsim::host;
using namespace nicsim::host::vswitch;
using Bytes = std::vector<std::uint8_t>;

/// The calling thread's CPU time, as a std::chrono clock.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};
using Wall = std::chrono::steady_clock;

constexpr std::uint64_t kVmMac = 0x020000000011;
constexpr unsigned kCas = 1000, kPas = 50;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::size_t heap() { return mallinfo2().uordblks; }

model::Ipv4Addr ca(unsigned i) { return model::Ipv4Addr(0x0a000000u + 2 + i); }  // 10.0.0.2..

/// The VM's UDP frame of flow `i` (destination CA i % kCas, source port from i).
Bytes frame(unsigned i) {
  return model::PacketBuilder()
      .eth({.dst = model::MacAddr::from_u64(0x0200000000fe), .src = model::MacAddr::from_u64(kVmMac)})
      .ipv4({.src = model::Ipv4Addr(10, 0, 0, 1), .dst = ca(i % kCas)})
      .udp({.sport = static_cast<std::uint16_t>(1024 + i / kCas), .dport = 53})
      .payload(18)
      .bytes();
}

/// A host with one VM (ENI 1 on VNIC 1) in a VNET of kCas customer addresses on kPas hosts.
struct Host {
  explicit Host(bool offload) : dev(config()), drv(dev), ft(drv), policy(pa(0), pa(0)) {
    drv.enable();
    VnicConfig v;
    v.vport = 1;
    v.mac = model::MacAddr::from_u64(kVmMac).bytes();
    drv.configure_vnic(v);
    Vnet& vn = policy.vnet(1);
    vn.vni = 100;
    for (unsigned i = 0; i < kCas; ++i) {
      vn.mappings[ca(i)] = {pa(1 + i % kPas), model::MacAddr::from_u64(0x020000100000 + i)};
    }
    Eni& e = policy.eni(1);
    e.mac = model::MacAddr::from_u64(kVmMac);
    e.vnet = 1;
    e.vport = 1;
    e.routes.insert(*IpPrefix::parse("10.0.0.0/16"), {RouteType::kVnet});
    acl = std::make_shared<AclGroup>("out");
    AclRule allow;
    allow.name = "allow";
    allow.priority = 100000;
    allow.action = AclAction::kPermit;
    (void)acl->add(allow);
    e.outbound_acl.set(0, acl);
    SwitchConfig c;
    c.offload = offload;
    c.exception_ring = {.size_log2 = 12, .buf_size = 2048};
    sw = std::make_unique<Switch>(drv, ft, policy, c);
    sw->bring_up();
    vm = std::make_unique<TxQueue>(drv, 1, TxQueueConfig{.size_log2 = 12, .vport = 1});
  }
  ~Host() { sw->flush(); }

  static model::DeviceConfig config() {
    model::DeviceConfig c;
    c.pipeline.em_buckets = 16384;  // 131,072 entries
    c.num_rxq = 4;
    c.num_txq = 4;
    return c;
  }
  static model::IpAddr pa(unsigned i) { return model::Ipv4Addr(0x64400000u + i); }  // 100.64/10

  /// Sends frames [first, first + n) from the VM in batches and serves the exception ring;
  /// returns the time spent in Switch::service (collected by callgrind when `collect`).
  Clock::duration run(const std::vector<Bytes>& frames, std::size_t first, std::size_t n,
                      bool collect = false) {
    Clock::duration in_switch{};
    constexpr std::size_t kBatch = 1024;
    for (std::size_t b = 0; b < n; b += kBatch) {
      const std::size_t m = std::min(kBatch, n - b);
      for (std::size_t k = 0; k < m; ++k) {
        (void)vm->send(frames[(first + b + k) % frames.size()], {}, false);
      }
      vm->doorbell();
      const auto t0 = Clock::now();
      const auto w0 = Wall::now();
      if (collect) CALLGRIND_TOGGLE_COLLECT;
      while (sw->service(now, 4096) != 0) {
      }
      if (collect) CALLGRIND_TOGGLE_COLLECT;
      in_switch += Clock::now() - t0;
      wall += Wall::now() - w0;
      (void)vm->reap();
      while (dev.wire_tx()) {
      }
      now += 1000;
    }
    return in_switch;
  }

  ModelDevice dev;
  Driver drv;
  FlowTable ft;
  Pipeline policy;
  std::shared_ptr<AclGroup> acl;
  std::unique_ptr<Switch> sw;
  std::unique_ptr<TxQueue> vm;
  std::uint64_t now = 1;
  Wall::duration wall{};  // the wall time of the same calls (stderr)
};

void print(const char* name, double v, const char* unit) { std::printf("%s %.6g %s\n", name, v, unit); }

}  // namespace

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string only = argc > 2 ? argv[2] : "";
  const auto scaled = [&](double n) { return static_cast<unsigned>(n * scale); };
  const auto wants = [&](const std::string& name) { return name.starts_with(only); };

  // --- flow setups: distinct flows, every one a miss ---
  if (wants("vswitch_flow_setups_per_s")) {
    const unsigned n = scaled(50000);
    std::vector<Bytes> frames;
    for (unsigned i = 0; i < n; ++i) frames.push_back(frame(i));
    Host h(true);
    const double t = seconds(h.run(frames, 0, n, true));
    const auto& s = h.sw->stats();
    std::fprintf(stderr,
                 "flow setups: %u flows, %.3f s in the switch (wall %.3f s); installed %llu, "
                 "nic_full %llu, encap_full %llu, reinjected %llu, templates %zu\n",
                 n, t, seconds(h.wall), static_cast<unsigned long long>(s.installed),
                 static_cast<unsigned long long>(s.nic_full),
                 static_cast<unsigned long long>(s.encap_full),
                 static_cast<unsigned long long>(s.reinjected), h.sw->encap_templates_used());
    print("vswitch_flow_setups_per_s", n / t, "flows/s");
  }

  // --- software fast path: cached connections, offload off ---
  if (wants("vswitch_sw_fastpath_pps")) {
    const unsigned flows = scaled(10000), packets = scaled(200000);
    std::vector<Bytes> frames;
    for (unsigned i = 0; i < flows; ++i) frames.push_back(frame(i));
    Host h(false);
    (void)h.run(frames, 0, flows);  // the connections' first packets: the slow path
    h.wall = {};
    const double t = seconds(h.run(frames, 0, packets, true));
    std::fprintf(stderr, "software fast path: %u packets over %u cached connections, %.3f s "
                         "(wall %.3f s); cache hits %llu, forwarded %llu\n",
                 packets, flows, t, seconds(h.wall),
                 static_cast<unsigned long long>(h.sw->cache().stats().hits),
                 static_cast<unsigned long long>(h.sw->stats().sw_forwarded));
    print("vswitch_sw_fastpath_pps", packets / t, "packets/s");
  }

  // --- policy update: 1,000 ACL rules with 100K offloaded flows ---
  if (wants("vswitch_policy_update_ms")) {
    const unsigned n = scaled(100000), rules = 1000;
    std::vector<Bytes> frames;
    for (unsigned i = 0; i < n; ++i) frames.push_back(frame(i));
    Host h(true);
    (void)h.run(frames, 0, n);
    const std::size_t live = h.sw->offloaded();
    // Rule i denies the customer address i for even i: half the flows become drops.
    for (unsigned i = 0; i < rules; ++i) {
      AclRule r;
      r.name = "r" + std::to_string(i);
      r.priority = 10 + i;
      r.dst = {IpPrefix{model::IpAddr(ca(i)), 32}};
      r.dports = {{9, 9}};  // odd rules: a port no flow uses (they change nothing)
      r.action = AclAction::kPermit;
      if (i % 2 == 0) {
        r.dports.clear();
        r.action = AclAction::kDeny;
      }
      (void)h.acl->add(r);
    }
    const auto t0 = Clock::now();
    const auto w0 = Wall::now();
    CALLGRIND_TOGGLE_COLLECT;
    const std::size_t changed = h.sw->policy_changed();
    CALLGRIND_TOGGLE_COLLECT;
    const double t = seconds(Clock::now() - t0);
    std::fprintf(stderr, "policy update: %zu offloaded flows live, %u rules added, %zu NIC entries "
                         "changed, %.3f s (wall %.3f s)\n", live, rules, changed, t,
                 seconds(Wall::now() - w0));
    print("vswitch_policy_update_ms", t * 1e3, "ms");
  }

  // --- memory ---
  if (wants("vswitch_bytes_per_flow")) {
    const unsigned n = scaled(1000000);
    Pipeline p(model::Ipv4Addr(1, 1, 1, 1), model::Ipv4Addr(1, 1, 1, 1));
    FlowCache cache(p, n + 1);
    PacketInfo info;
    info.tuple.proto = 17;
    info.tuple.dst = model::Ipv4Addr(10, 0, 0, 2);
    const std::size_t before = heap();
    for (unsigned i = 0; i < n; ++i) {
      info.tuple.src = model::Ipv4Addr(0x0b000000u + i);
      info.tuple.sport = static_cast<std::uint16_t>(i);
      (void)cache.lookup(Direction::kOutbound, info, 1);
    }
    print("vswitch_bytes_per_flow", static_cast<double>(heap() - before) / n, "bytes");
  }
  if (wants("vswitch_bytes_per_route")) {
    const unsigned n = scaled(100000);
    LpmTable<OutboundRoute> routes;
    std::uint32_t x = 12345;
    const std::size_t before = heap();
    for (unsigned i = 0; i < n; ++i) {
      x = x * 1664525u + 1013904223u;
      const unsigned len = 16 + (x >> 28);  // /16 .. /31
      const std::uint32_t a = x & ~((1u << (32 - len)) - 1);
      routes.insert(IpPrefix{model::IpAddr(model::Ipv4Addr(a)), len}, {RouteType::kVnet});
    }
    print("vswitch_bytes_per_route", static_cast<double>(heap() - before) / n, "bytes");
  }
  if (wants("vswitch_bytes_per_mapping")) {
    const unsigned n = scaled(1000000);
    Vnet v;
    const std::size_t before = heap();
    for (unsigned i = 0; i < n; ++i) {
      v.mappings[model::IpAddr(model::Ipv4Addr(0x0a000000u + i))] = {
          model::IpAddr(model::Ipv4Addr(0x64400000u + i % 5000)), model::MacAddr::from_u64(i)};
    }
    print("vswitch_bytes_per_mapping", static_cast<double>(heap() - before) / n, "bytes");
  }
  return 0;
}
