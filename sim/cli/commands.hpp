// SPDX-License-Identifier: MIT
// The subcommands of the `nicsim` command. Each registers its options on the CLI11
// app and returns the process exit code when run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace nicsim::cli {

// A registered subcommand: `run` is called after parsing when it was selected.
using Runner = std::function<int()>;

Runner add_run_command(CLI::App& app);
Runner add_parse_command(CLI::App& app);
Runner add_gen_command(CLI::App& app);
Runner add_diff_command(CLI::App& app);
Runner add_regress_command(CLI::App& app);

}  // namespace nicsim::cli
