// SPDX-License-Identifier: MIT
// `nicsim parse FILE`: one JSON object per frame (JSON lines).
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "parse_json.hpp"

namespace nicsim::cli {
namespace {

int do_parse(const std::string& path) {
  model::PcapReader reader(path);
  std::size_t index = 0;
  try {
    while (auto frame = reader.next()) {
      const std::string line = parse_to_json(*frame, index).dump();
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      ++index;
    }
  } catch (const model::PcapError&) {
    std::fflush(stdout);  // the frames before the bad one are out before the error
    throw;
  }
  return 0;
}

}  // namespace

Runner add_parse_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "parse",
      "Parse every frame of a capture (pcap or pcapng) with the packet library and print\n"
      "one JSON object per frame: i, len, orig_len, eth, vlan, arp, ip, l4, tunnel, inner,\n"
      "error (see docs/packet-library.md). A corrupt capture prints the frames before the\n"
      "damage, then an error naming the frame index, and exits non-zero.");
  sub->add_option("FILE", *path, "capture to parse")->required()->check(CLI::ExistingFile);
  return [path] { return do_parse(*path); };
}

}  // namespace nicsim::cli
