// SPDX-License-Identifier: MIT
// A regression suite file (YAML, docs/regress.md) and the run list it expands to: captures
// (globs) and seeded generated traffic, crossed with scenarios, wire ports, data widths and
// engines; known limits mark the runs that must fail with a given error text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nicsim::cli {

/// Traffic `nicsim gen` makes for a suite: its options and one capture per seed.
struct SuiteGen {
  std::string name;
  std::vector<std::string> args;  // gen options without -o and --seed
  std::uint64_t seed = 1;
  [[nodiscard]] std::string stem() const { return name + ".s" + std::to_string(seed); }
};

/// One `nicsim run` of a suite.
struct SuiteRun {
  std::string id;             // <capture stem>.<scenario>.<port>.<width>.<engine>
  std::string capture;        // path (a generated one: empty until made, see gen)
  std::string capture_name;   // file name, e.g. zeek__wikipedia.pcap or imix.s1.pcap
  int gen = -1;               // index into Suite::gens, or -1 for a capture file
  std::string scenario;       // name (hairpin: the default scenario)
  std::string scenario_file;  // empty for the default scenario
  std::string port;
  unsigned width = 64;
  std::string engine;
  std::string xfail;      // a known limit: the error text the run must fail with
  std::string xfail_why;  // and why
};

struct Suite {
  std::string file;
  std::string name;
  std::string description;
  std::vector<SuiteGen> gens;
  std::vector<SuiteRun> runs;  // sorted by id, each id once
};

/// Reads and expands a suite file; a mistake is a yaml::Error naming the file, line and key.
Suite load_suite(const std::string& path);

/// The runs of shard i of n (1 <= i <= n): every n-th run of the sorted list, from the i-th.
std::vector<SuiteRun> shard_of(const std::vector<SuiteRun>& runs, unsigned i, unsigned n);

}  // namespace nicsim::cli
