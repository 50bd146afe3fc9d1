// SPDX-License-Identifier: MIT
// `nicsim run`: a scenario through the Verilated NIC (or the golden model), with the driver
// and the host program on the SystemC host and the scoreboard checking every output.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "nicsim/sim/cosim.hpp"
#include "nicsim/sim/scenario.hpp"
#include "nicsim/sim/tap_port.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string wire_in;
  std::string wire_out;
  std::string port = "pcap";
  std::string engine = "rtl";
  int data_width = 0;  // 0: the scenario's
  double clock_mhz = 0;
  std::string valid_pattern;
  std::string ready_pattern;
  std::uint64_t watchdog = 0;
  std::string out_dir;
  std::string fst;
  std::string log;
  std::string report;
  bool no_scoreboard = false;
  bool progress = false;
  std::string wire_tap;
  std::vector<std::string> vnic_taps;  // VPORT=IFNAME
  double duration = 0;                 // wall-clock seconds (0: until the traffic ends)
  std::uint64_t fst_window = 0;        // FST of this many cycles around the first mismatch
  std::optional<std::uint64_t> inject_mismatch;  // self-test: this frame's output mismatches
  std::string fst_cycles;              // FIRST:LAST, the cycles the FST covers (the re-run's)
  std::string coverage;                // Verilator coverage data of the run (a coverage build)
};

// "A:B" -> {A, B}.
std::pair<std::uint64_t, std::uint64_t> parse_cycles(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon != std::string::npos) {
      const std::uint64_t a = std::stoull(text.substr(0, colon));
      const std::uint64_t b = std::stoull(text.substr(colon + 1));
      if (a <= b) return {a, b};
    }
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("--fst-cycles: expected FIRST:LAST (FIRST <= LAST), got '" + text + "'");
}

// --fst-window: the run is deterministic (captures, scenario, patterns), so this process runs
// it again as a child with the FST limited to the window around the first mismatch's cycle.
// Returns the child's exit status (1 expected: the mismatch again), or -1 if it did not run.
int rerun_with_window(const RunArgs& a, std::uint64_t first, std::uint64_t last,
                      const std::string& fst) {
  std::vector<std::string> args{"nicsim", "run", "--engine", "rtl", "--fst", fst,
                                "--fst-cycles", std::to_string(first) + ":" + std::to_string(last)};
  auto opt = [&](const char* name, const std::string& v) {
    if (!v.empty()) args.insert(args.end(), {name, v});
  };
  opt("--scenario", a.scenario);
  opt("--wire-in", a.wire_in);
  opt("--port", a.port);
  if (a.data_width != 0) opt("--data-width", std::to_string(a.data_width));
  if (a.clock_mhz != 0) opt("--clock-mhz", std::to_string(a.clock_mhz));
  opt("--valid-pattern", a.valid_pattern);
  opt("--ready-pattern", a.ready_pattern);
  if (a.watchdog != 0) opt("--watchdog", std::to_string(a.watchdog));
  if (a.inject_mismatch) opt("--inject-mismatch", std::to_string(*a.inject_mismatch));
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Set by SIGINT / SIGTERM: the run stops taking input, drains and reports. A second signal
// ends the process at once (exit status 128 + signal): a NIC that never drains, or a user who
// does not want to wait, must not be held.
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int sig) {
  if (g_stop != 0) _exit(128 + sig);
  g_stop = 1;
}

// "1110" -> {1,1,1,0}; empty stays empty (always asserted).
std::vector<bool> parse_pattern(const std::string& text, const char* what) {
  std::vector<bool> out;
  for (char c : text) {
    if (c == '1') {
      out.push_back(true);
    } else if (c == '0') {
      out.push_back(false);
    } else if (c != ',' && c != ' ') {
      throw std::invalid_argument(std::string(what) + ": expected a string of 0 and 1, got '" +
                                  text + "'");
    }
  }
  if (!out.empty() && std::find(out.begin(), out.end(), true) == out.end()) {
    throw std::invalid_argument(std::string(what) + " never asserts: '" + text + "'");
  }
  return out;
}

std::string si(double v) {
  char buf[64];
  if (v >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f G", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  } else if (v >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.2f k", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ", v);
  }
  return buf;
}

nlohmann::ordered_json stats_json(const host::Stats& t) {
  nlohmann::ordered_json j;
  for (const auto& [name, v] : t.named()) j[name] = v;
  return j;
}

void write_report(const std::string& path, const sim::Scenario& s, const RunArgs& a,
                  const std::string& port, const sim::CosimResult& r) {
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["scenario_file"] = s.path;
  j["engine"] = r.engine;
  j["port"] = port;
  j["data_width"] = s.nic.data_width;
  j["clock_mhz"] = s.nic.clock_mhz;
  j["passed"] = r.passed();
  j["error"] = r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error);
  j["cycles"] = r.cycles;
  j["sim_seconds"] = r.sim_seconds;
  j["wall_seconds"] = r.wall_seconds;
  const double wall = r.wall_seconds > 0 ? r.wall_seconds : 1e-9;
  j["cycles_per_s"] = static_cast<double>(r.cycles) / wall;
  j["frames_in"] = r.wire_frames_sent + r.vnic_frames_sent;
  j["frames_per_s"] = static_cast<double>(r.wire_frames_sent + r.vnic_frames_sent) / wall;
  j["bytes_in"] = r.stats.rx_wire_bytes + r.stats.tx_bytes;
  j["wire_frames_in"] = r.wire_frames_sent;
  j["vnic_frames_in"] = r.vnic_frames_sent;
  j["wire_frames_out"] = r.wire_frames_out;
  nlohmann::ordered_json recv;
  for (const auto& [q, n] : r.received) recv[q < 0 ? "exception" : "rxq" + std::to_string(q)] = n;
  j["received"] = recv;
  j["exceptions_by_reason"] = r.exceptions_by_reason;
  if (!r.vswitch.empty()) j["vswitch"] = r.vswitch;
  if (!r.bridge.empty()) j["bridge"] = r.bridge;
  if (!r.pools.empty()) j["pools"] = r.pools;
  if (!r.zero_copy.empty()) j["zero_copy"] = r.zero_copy;
  if (!r.link.empty()) j["link"] = r.link;
  if (!r.tokens.empty()) j["tokens"] = r.tokens;
  j["tx_completions"] = r.tx_completions;
  nlohmann::ordered_json vp;
  for (const auto& [v, n] : r.vnic_port_in) {
    vp[std::to_string(v)] = {{"in", n}, {"out", r.vnic_port_out.count(v) != 0 ? r.vnic_port_out.at(v) : 0}};
  }
  j["vnic_ports"] = vp;
  j["counters"] = stats_json(r.stats);
  j["ledger"] = {{"in", r.stats.ledger_in()}, {"out", r.stats.ledger_out()},
                 {"balanced", r.ledger_balanced}};
  j["host"] = {{"flows_installed", r.flows_installed}, {"install_failed", r.install_failed},
               {"reinjected", r.reinjected}, {"not_forwarded", r.not_forwarded}, {"mmio_reads", r.mmio_reads},
               {"mmio_writes", r.mmio_writes}, {"interrupts", r.interrupts},
               {"mmio_read_ns", r.mmio_read_ns}, {"rx_bytes", r.rx_bytes},
               {"rx_gbps", r.rx_gbps}, {"flows_audited", r.flows_audited},
               {"audit_failures", r.audit_failures}};
  if (r.engine == "rtl") {
    j["dma_reads"] = {{"bursts", r.dma_reads.bursts}, {"peak_in_flight", r.dma_reads.peak_in_flight},
                      {"ar_wait_cycles", r.dma_reads.ar_wait_cycles}};
  }
  nlohmann::ordered_json sb;
  sb["ran"] = r.scoreboard;
  sb["compared"] = r.compared;
  sb["mismatches"] = r.mismatches;
  sb["registers_walked"] = r.registers_walked;
  sb["registers_compared"] = r.registers_compared;
  nlohmann::json first = nlohmann::json::array();
  for (const auto& m : r.first_mismatches) {
    first.push_back({{"frame", m.frame}, {"where", m.where}, {"what", m.what}, {"rtl", m.rtl},
                     {"model", m.model}, {"cycle", m.cycle}});
  }
  sb["first"] = first;
  j["scoreboard"] = sb;
  nlohmann::ordered_json lat;
  for (const auto& [way, l] : r.latency) {
    lat[way] = {{"frames", l.count}, {"p50_cycles", l.p50}, {"p99_cycles", l.p99},
                 {"max_cycles", l.max}};
  }
  j["latency"] = lat;
  j["expectation_failures"] = r.expectation_failures;
  (void)a;
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write report " + path);
  f << j.dump(2) << '\n';
}

int do_run(const RunArgs& a) {
  sim::Scenario s = a.scenario.empty() ? sim::default_scenario() : sim::load_scenario(a.scenario);
  if (a.data_width != 0) s.nic.data_width = static_cast<unsigned>(a.data_width);
  if (a.clock_mhz != 0) s.nic.clock_mhz = a.clock_mhz;
  if (a.watchdog != 0) s.run.watchdog_cycles = a.watchdog;

  sim::CosimOptions opt;
  opt.engine = a.engine == "model" ? sim::CosimOptions::Engine::kModel
                                   : sim::CosimOptions::Engine::kRtl;
  opt.scoreboard = !a.no_scoreboard;
  opt.out_dir = a.out_dir;
  opt.fst_path = a.fst_window != 0 ? std::string() : a.fst;  // the window's file, written later
  if (!a.fst_cycles.empty()) opt.fst_cycles = parse_cycles(a.fst_cycles);
  if (!a.coverage.empty() && opt.engine != sim::CosimOptions::Engine::kRtl) {
    throw std::invalid_argument("--coverage: RTL coverage comes from the rtl engine");
  }
  opt.coverage_path = a.coverage;

  opt.log_path = a.log;
  if (a.inject_mismatch && (opt.engine != sim::CosimOptions::Engine::kRtl || !opt.scoreboard)) {
    throw std::invalid_argument("--inject-mismatch: the scoreboard of the rtl engine is what it tests");
  }
  opt.inject_mismatch = a.inject_mismatch;
  opt.valid_pattern = parse_pattern(a.valid_pattern, "--valid-pattern");
  opt.ready_pattern = parse_pattern(a.ready_pattern, "--ready-pattern");
  std::unique_ptr<sim::WirePort> port;
  std::vector<const sim::TapPort*> taps;  // for their figures at the end
  std::vector<std::unique_ptr<sim::TapPort>> vnic_taps;
  if (a.fst_window != 0 && (!a.wire_tap.empty() || !a.vnic_taps.empty())) {
    throw std::invalid_argument("--fst-window re-runs the simulation: not with a TAP (its "
                                "traffic does not repeat)");
  }
  if (!a.wire_tap.empty()) {
    if (!a.wire_in.empty() || !a.wire_out.empty()) {
      throw std::invalid_argument("--wire-tap and --wire-in/--wire-out: the wire has one port");
    }
    auto tap = std::make_unique<sim::TapPort>(a.wire_tap);
    taps.push_back(tap.get());
    port = std::move(tap);
    opt.wire = port.get();
  }
  for (const std::string& t : a.vnic_taps) {
    const auto eq = t.find('=');
    unsigned vport = 0;
    try {
      vport = eq == std::string::npos ? 0 : static_cast<unsigned>(std::stoul(t.substr(0, eq)));
    } catch (const std::exception&) {
      vport = 0;
    }
    if (vport == 0 || eq + 1 >= t.size()) {
      throw std::invalid_argument("--vnic-tap: expected VPORT=IFNAME (e.g. 1=vm1), got '" + t + "'");
    }
    if (opt.vnic_ports.count(vport) != 0) {
      throw std::invalid_argument("--vnic-tap: VNIC " + std::to_string(vport) + " has two ports");
    }
    vnic_taps.push_back(std::make_unique<sim::TapPort>(t.substr(eq + 1)));
    taps.push_back(vnic_taps.back().get());
    opt.vnic_ports[vport] = vnic_taps.back().get();
  }
  // A run with a TAP ends on SIGINT / SIGTERM or after --duration; either drains and reports.
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const auto t0 = std::chrono::steady_clock::now();
  opt.stop = [&a, t0] {
    if (g_stop != 0) return true;
    return a.duration > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= a.duration;
  };
  if (!a.wire_in.empty() || !a.wire_out.empty()) {
    const auto kind = a.port == "dpdk" ? sim::PortKind::kDpdk : sim::PortKind::kPcap;
    port = sim::open_wire_port(kind, a.wire_in, a.wire_out);
    opt.wire = port.get();
  }
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty || a.progress) {
    const auto start = std::chrono::steady_clock::now();
    opt.progress = [start, tty](const sim::CosimOptions::Progress& p) {
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string line = "  " + std::to_string(p.frames_in) + " frames";
      if (p.frames_total != 0) {
        line += " of " + std::to_string(p.frames_total) + " (" +
                std::to_string(100 * p.frames_in / p.frames_total) + "%)";
      }
      char buf[160];
      std::snprintf(buf, sizeof buf, ", %.3f ms simulated, %scycles/s", p.sim_seconds * 1e3,
                    si(wall > 0 ? static_cast<double>(p.cycles) / wall : 0).c_str());
      line += buf;
      if (p.frames_total != 0 && p.frames_in != 0 && p.frames_in <= p.frames_total) {
        const double left =
            wall * static_cast<double>(p.frames_total - p.frames_in) / static_cast<double>(p.frames_in);
        std::snprintf(buf, sizeof buf, ", %.0f s left", left);
        line += buf;
      }
      // A terminal gets one line rewritten in place; a log gets a line each time.
      std::fprintf(stderr, tty ? "\r%s\033[K" : "%s\n", line.c_str());
    };
  }

  const sim::CosimResult r = sim::run_scenario(s, opt);
  if (tty || a.progress) std::fprintf(stderr, "\r\033[K");

  const double wall = r.wall_seconds > 0 ? r.wall_seconds : 1e-9;
  const std::string where = port ? port->describe() : "scenario traffic";
  std::printf("nicsim run: scenario %s (%s), engine %s, DATA_W=%u, %.1f MHz\n", s.name.c_str(),
              where.c_str(), r.engine.c_str(), s.nic.data_width, s.nic.clock_mhz);
  std::printf("  cycles     %llu (%.3f us simulated)\n",
              static_cast<unsigned long long>(r.cycles), r.sim_seconds * 1e6);
  std::printf("  in         %llu frames, %llu bytes (wire); %llu frames from VNICs\n",
              static_cast<unsigned long long>(r.wire_frames_sent),
              static_cast<unsigned long long>(r.stats.rx_wire_bytes),
              static_cast<unsigned long long>(r.vnic_frames_sent));
  std::uint64_t to_vnic = 0, to_exc = 0;
  for (const auto& [q, n] : r.received) (q < 0 ? to_exc : to_vnic) += n;
  std::printf("  out        %llu frames to the wire, %llu to VNIC queues, %llu to the host's "
              "exception ring\n",
              static_cast<unsigned long long>(r.wire_frames_out),
              static_cast<unsigned long long>(to_vnic), static_cast<unsigned long long>(to_exc));
  std::printf("  counters   %s\n", r.stats.to_string().c_str());
  if (r.flows_installed != 0 || r.install_failed != 0 || r.not_forwarded != 0) {
    std::printf("  host       %llu flows installed, %llu failed, %llu frames re-injected, %llu "
                "not forwarded (broadcast, multicast)\n",
                static_cast<unsigned long long>(r.flows_installed),
                static_cast<unsigned long long>(r.install_failed),
                static_cast<unsigned long long>(r.reinjected),
                static_cast<unsigned long long>(r.not_forwarded));
  }
  for (const sim::TapPort* t : taps) {
    const sim::TapPort& tp = *t;
    std::printf("  %-10s %zu frames from the kernel, %zu to it, %zu dropped (interface down or "
                "full)\n", tp.describe().c_str(), tp.received(), tp.transmitted(), tp.tx_dropped());
  }
  if (r.scoreboard) {
    std::printf("  scoreboard %llu outputs compared, %llu mismatches\n",
                static_cast<unsigned long long>(r.compared),
                static_cast<unsigned long long>(r.mismatches));
    if (r.registers_walked != 0) {
      std::printf("  registers  %llu words read at the end (run.register_walk), %llu of them "
                  "compared with the model\n",
                  static_cast<unsigned long long>(r.registers_walked),
                  static_cast<unsigned long long>(r.registers_compared));
    }
  }
  for (const auto& [path, l] : r.latency) {
    std::printf("  latency    %-16s %llu frames: p50 %llu, p99 %llu, max %llu cycles\n",
                path.c_str(), static_cast<unsigned long long>(l.count),
                static_cast<unsigned long long>(l.p50), static_cast<unsigned long long>(l.p99),
                static_cast<unsigned long long>(l.max));
  }
  std::printf("  wall       %.3f s: %scycles/s, %sframes/s\n", r.wall_seconds,
              si(static_cast<double>(r.cycles) / wall).c_str(),
              si(static_cast<double>(r.wire_frames_sent + r.vnic_frames_sent) / wall).c_str());
  if (!a.report.empty()) write_report(a.report, s, a, where, r);

  if (!r.error.empty()) {
    spdlog::error("{}", r.error);
    return 1;
  }
  for (std::size_t i = 0; i < r.first_mismatches.size() && i < 10; ++i)
    spdlog::error("mismatch: {}", r.first_mismatches[i].to_string());
  if (a.fst_window != 0 && !r.first_mismatches.empty()) {
    const std::uint64_t c = r.first_mismatches.front().cycle;
    const std::uint64_t first = c > a.fst_window / 2 ? c - a.fst_window / 2 : 0;
    const std::uint64_t last = first + a.fst_window;
    const std::string fst = !a.fst.empty()       ? a.fst
                            : !a.out_dir.empty() ? a.out_dir + "/mismatch.fst"
                                                 : std::string("mismatch.fst");
    const int rc = rerun_with_window(a, first, last, fst);
    if (rc == 0 || rc == 1) {
      spdlog::error("FST of cycles {}..{} around the first mismatch (cycle {}): {}", first, last,
                    c, fst);
    } else {
      spdlog::error("the re-run for the FST window failed (status {})", rc);
    }
  }
  if (r.mismatches != 0) {
    spdlog::error("the scoreboard found {} mismatches between the RTL and the golden model",
                  r.mismatches);
    return 1;
  }
  if (!r.ledger_balanced) {
    spdlog::error("the packet ledger does not balance: {}", r.stats.to_string());
    return 1;
  }
  for (const auto& f : r.expectation_failures) spdlog::error("{}", f);
  return r.expectation_failures.empty() ? 0 : 1;
}

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand(
      "run",
      "Simulate a scenario: the Verilated NIC (or the golden model) with the driver and the\n"
      "host program on the SystemC host, the golden model beside the RTL as scoreboard.\n"
      "Without --scenario: the NIC as a bump in the wire (docs/scenario.md). Prints cycles,\n"
      "frames in and out, counters, mismatches and the wall-clock speed; exits non-zero on an\n"
      "error, a mismatch, an unbalanced ledger or an expectation of the scenario not met.");
  sub->add_option("--scenario", args->scenario, "scenario file (YAML, docs/scenario.md)")
      ->check(CLI::ExistingFile);
  sub->add_option("--wire-in", args->wire_in,
                  "wire input capture (pcap or pcapng); replaces the scenario's wire traffic")
      ->check(CLI::ExistingFile);
  sub->add_option("--wire-out", args->wire_out, "capture of what the NIC sends to the wire");
  sub->add_option("--port", args->port, "wire-port backend: pcap (libpcap) or dpdk (net_pcap PMD)")
      ->check(CLI::IsMember({"pcap", "dpdk"}))
      ->capture_default_str();
  sub->add_option("--engine", args->engine,
                  "rtl: the Verilated NIC in SystemC; model: the golden model alone (fast)")
      ->check(CLI::IsMember({"rtl", "model"}))
      ->capture_default_str();
  sub->add_option("--data-width", args->data_width, "NIC data width in bits (the scenario's)")
      ->check(CLI::IsMember({64, 512}));
  sub->add_option("--clock-mhz", args->clock_mhz, "NIC clock frequency (the scenario's)")
      ->check(CLI::Range(1.0, 2000.0));
  sub->add_option("--valid-pattern", args->valid_pattern,
                  "wire input tvalid pattern, repeating, e.g. 1110 (default: always)");
  sub->add_option("--ready-pattern", args->ready_pattern,
                  "wire output tready pattern, repeating, e.g. 110 (default: always)");
  sub->add_option("--watchdog", args->watchdog,
                  "cycles without progress before the run is declared stuck (the scenario's)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--out", args->out_dir,
                  "write the run's captures here: wire.pcap, rxqN.pcap (as the driver received "
                  "them), exceptions.pcap + exceptions.jsonl, tx-completions.jsonl");
  sub->add_option("--fst", args->fst,
                  "write an FST waveform (GTKWave) of the run to this file (with --fst-window: "
                  "of the window; default DIR/mismatch.fst with --out, else ./mismatch.fst)");
  sub->add_option("--fst-window", args->fst_window,
                  "on a mismatch, write an FST of the N cycles around the first one (the run "
                  "is repeated with tracing in that window)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--fst-cycles", args->fst_cycles, "FIRST:LAST: the FST covers these cycles");
  sub->add_option("--report", args->report, "write a JSON report to this file");
  sub->add_option("--coverage", args->coverage,
                  "rtl engine: write the run's Verilator coverage data (line, toggle, user, as "
                  "Verilated) to this file; needs a build with coverage (docs/coverage.md)");
  sub->add_option("--log", args->log,
                  "one JSON line per input frame: parse summary, lookup, action, destination, "
                  "the cycles of ingress, lookups and output (rtl engine, scoreboard on)");
  sub->add_flag("--no-scoreboard", args->no_scoreboard, "run the RTL without the golden model");
  sub->add_option("--inject-mismatch", args->inject_mismatch,
                  "self-test of the checker: the golden model's expected output of input frame "
                  "N (ingress order, from 0) is changed, so the run reports that frame's output "
                  "as a mismatch and exits 1 (with --fst-window, writes its FST)");
  sub->add_flag("--progress", args->progress, "progress line on stderr even when not a terminal");
  sub->add_option("--wire-tap", args->wire_tap,
                  "the wire is a Linux TAP interface (created if missing; docs/wire-ports.md)");
  sub->add_option("--vnic-tap", args->vnic_taps,
                  "VPORT=IFNAME: a TAP interface behind VNIC VPORT (its transmit traffic in, "
                  "what the driver receives for it out); repeatable");
  sub->add_option("--duration", args->duration,
                  "stop taking input after this many wall-clock seconds (a run with a TAP "
                  "otherwise runs until SIGINT/SIGTERM), then drain and report")
      ->check(CLI::PositiveNumber);
  return [args] { return do_run(*args); };
}

}  // namespace nicsim::cli
