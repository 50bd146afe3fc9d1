// SPDX-License-Identifier: MIT
// `nicsim diff A B`: compare two captures frame by frame, byte for byte.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "nicsim/model/pcap_io.hpp"

namespace nicsim::cli {
namespace {

int do_diff(const std::string& a_path, const std::string& b_path) {
  model::PcapReader a(a_path);
  model::PcapReader b(b_path);
  std::size_t index = 0;
  std::size_t bytes = 0;
  for (;; ++index) {
    auto fa = a.next();
    auto fb = b.next();
    if (!fa && !fb) break;
    if (!fa || !fb) {
      std::printf("differ: %s has %zu frames, %s has more\n", (fa ? b_path : a_path).c_str(),
                  index, (fa ? a_path : b_path).c_str());
      return 1;
    }
    if (fa->data != fb->data) {
      std::size_t off = 0;
      while (off < fa->data.size() && off < fb->data.size() && fa->data[off] == fb->data[off]) {
        ++off;
      }
      std::printf("differ: frame %zu: lengths %zu and %zu, first difference at byte %zu\n", index,
                  fa->data.size(), fb->data.size(), off);
      return 1;
    }
    bytes += fa->data.size();
  }
  std::printf("same: %zu frames, %zu bytes\n", index, bytes);
  return 0;
}

}  // namespace

Runner add_diff_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand(
      "diff",
      "Compare two captures frame by frame, byte for byte (captured bytes; timestamps and\n"
      "original lengths are not compared). Exit 0 when equal, 1 at the first difference.");
  sub->add_option("A B", *paths, "the two captures")->required()->expected(2)->check(
      CLI::ExistingFile);
  return [paths] { return do_diff(paths->at(0), paths->at(1)); };
}

}  // namespace nicsim::cli
