// SPDX-License-Identifier: MIT
// `nicsim run`: frames from a wire port through the Verilated NIC and back out.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "nicsim/sim/passthrough.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::cli {
namespace {

struct RunArgs {
  std::string wire_in;
  std::string wire_out;
  std::string port = "pcap";
  int data_width = 512;
  double clock_mhz = 250.0;
  std::string valid_pattern;
  std::string ready_pattern;
  std::uint64_t watchdog = 100000;
  std::string fst;
  std::string report;
};

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

int do_run(const RunArgs& a) {
  sim::RunOptions opt;
  opt.data_width = a.data_width;
  opt.clock_mhz = a.clock_mhz;
  opt.valid_pattern = parse_pattern(a.valid_pattern, "--valid-pattern");
  opt.ready_pattern = parse_pattern(a.ready_pattern, "--ready-pattern");
  opt.watchdog_cycles = a.watchdog;
  opt.fst_path = a.fst;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    opt.progress = [](std::uint64_t frames_out) {
      std::fprintf(stderr, "\r  %llu frames out", static_cast<unsigned long long>(frames_out));
    };
  }

  const auto kind = a.port == "dpdk" ? sim::PortKind::kDpdk : sim::PortKind::kPcap;
  auto port = sim::open_wire_port(kind, a.wire_in, a.wire_out);
  const sim::RunStats s = sim::run_passthrough(*port, opt);
  if (tty) std::fprintf(stderr, "\r\033[K");

  // The RTL's own counters, read over AXI4-Lite, must agree with the harness.
  std::string mismatch;
  auto check = [&](const char* name, std::uint64_t harness, std::uint64_t rtl) {
    if (harness != rtl) {
      mismatch += std::string(mismatch.empty() ? "" : "; ") + name + " harness " +
                  std::to_string(harness) + " != rtl " + std::to_string(rtl);
    }
  };
  check("frames_in", s.frames_in, s.rtl_frames_in);
  check("frames_out", s.frames_out, s.rtl_frames_out);
  check("bytes_in", s.bytes_in, s.rtl_bytes_in);
  check("bytes_out", s.bytes_out, s.rtl_bytes_out);
  if (s.error.empty() && s.frames_in != s.frames_out) {
    mismatch += std::string(mismatch.empty() ? "" : "; ") + "frames lost: in " +
                std::to_string(s.frames_in) + ", out " + std::to_string(s.frames_out);
  }

  const double wall = s.wall_seconds > 0 ? s.wall_seconds : 1e-9;
  const double sim_us = static_cast<double>(s.cycles) / a.clock_mhz;
  std::printf("nicsim run: %s, DATA_W=%d, %.1f MHz\n", port->describe().c_str(), a.data_width,
              a.clock_mhz);
  std::printf("  cycles     %llu (%.3f us simulated; RTL cycle counter %llu)\n",
              static_cast<unsigned long long>(s.cycles), sim_us,
              static_cast<unsigned long long>(s.rtl_cycles));
  std::printf("  in         %llu frames, %llu bytes\n",
              static_cast<unsigned long long>(s.frames_in),
              static_cast<unsigned long long>(s.bytes_in));
  std::printf("  out        %llu frames, %llu bytes\n",
              static_cast<unsigned long long>(s.frames_out),
              static_cast<unsigned long long>(s.bytes_out));
  std::printf("  wall       %.3f s: %scycles/s, %sframes/s\n", s.wall_seconds,
              si(static_cast<double>(s.cycles) / wall).c_str(),
              si(static_cast<double>(s.frames_in) / wall).c_str());

  if (!a.report.empty()) {
    nlohmann::ordered_json r;
    r["port"] = port->describe();
    r["data_width"] = a.data_width;
    r["clock_mhz"] = a.clock_mhz;
    r["cycles"] = s.cycles;
    r["frames_in"] = s.frames_in;
    r["bytes_in"] = s.bytes_in;
    r["frames_out"] = s.frames_out;
    r["bytes_out"] = s.bytes_out;
    r["rtl"] = {{"cycles", s.rtl_cycles},         {"frames_in", s.rtl_frames_in},
                {"frames_out", s.rtl_frames_out}, {"bytes_in", s.rtl_bytes_in},
                {"bytes_out", s.rtl_bytes_out}};
    r["wall_seconds"] = s.wall_seconds;
    r["cycles_per_s"] = static_cast<double>(s.cycles) / wall;
    r["frames_per_s"] = static_cast<double>(s.frames_in) / wall;
    r["error"] = s.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.error);
    r["mismatch"] = mismatch.empty() ? nlohmann::json(nullptr) : nlohmann::json(mismatch);
    std::ofstream f(a.report);
    if (!f) throw std::runtime_error("cannot write report " + a.report);
    f << r.dump(2) << '\n';
  }

  if (!s.error.empty()) {
    spdlog::error("{}", s.error);
    return 1;
  }
  if (!mismatch.empty()) {
    spdlog::error("counter mismatch: {}", mismatch);
    return 1;
  }
  return 0;
}

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand(
      "run",
      "Simulate: drive the frames of a wire input through the Verilated NIC (DATA_W-wide\n"
      "AXI4-Stream, clocked by SystemC) and write what comes out. Prints cycles simulated,\n"
      "frames and bytes in and out, and the wall-clock speed.");
  sub->add_option("--wire-in", args->wire_in, "input capture (pcap or pcapng)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--wire-out", args->wire_out, "output capture (pcap, ns timestamps)")
      ->required();
  sub->add_option("--port", args->port, "wire-port backend: pcap (libpcap) or dpdk (net_pcap PMD)")
      ->check(CLI::IsMember({"pcap", "dpdk"}))
      ->capture_default_str();
  sub->add_option("--data-width", args->data_width, "AXI4-Stream data width in bits")
      ->check(CLI::IsMember({64, 512}))
      ->capture_default_str();
  sub->add_option("--clock-mhz", args->clock_mhz, "NIC clock frequency")
      ->check(CLI::Range(1.0, 2000.0))
      ->capture_default_str();
  sub->add_option("--valid-pattern", args->valid_pattern,
                  "input tvalid pattern, repeating, e.g. 1110 (default: always)");
  sub->add_option("--ready-pattern", args->ready_pattern,
                  "output tready pattern, repeating, e.g. 110 (default: always)");
  sub->add_option("--watchdog", args->watchdog,
                  "cycles without progress before the run is declared stuck")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--fst", args->fst, "write an FST waveform (GTKWave) to this file");
  sub->add_option("--report", args->report, "write a JSON report to this file");
  return [args] { return do_run(*args); };
}

}  // namespace nicsim::cli
