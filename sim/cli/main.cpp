// SPDX-License-Identifier: MIT
// nicsim: cycle-accurate simulator and RTL co-verification harness for a
// virtualization-offload NIC.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <vector>

#include "commands.hpp"

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_st("nicsim");
  logger->set_pattern("nicsim: %^%l%$: %v");
  spdlog::set_default_logger(logger);

  CLI::App app{
      "nicsim: cycle-accurate simulator and RTL co-verification harness for a\n"
      "virtualization-offload NIC. The Verilated NIC runs inside a SystemC system;\n"
      "frames come from pcap files (libpcap) or DPDK ports.",
      "nicsim"};
  app.set_version_flag("--version", std::string("nicsim ") + NICSIM_VERSION);
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, nicsim::cli::Runner>> commands;
  auto add = [&](nicsim::cli::Runner (*f)(CLI::App&)) {
    const std::size_t before = app.get_subcommands({}).size();
    nicsim::cli::Runner r = f(app);
    commands.emplace_back(app.get_subcommands({}).at(before), std::move(r));
  };
  add(nicsim::cli::add_run_command);
  add(nicsim::cli::add_parse_command);
  add(nicsim::cli::add_gen_command);
  add(nicsim::cli::add_diff_command);
  add(nicsim::cli::add_regress_command);

  CLI11_PARSE(app, argc, argv);
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 2;
}
