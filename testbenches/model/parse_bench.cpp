// SPDX-License-Identifier: MIT
// Parse throughput on a generated IMIX trace of all header kinds: `model_parse_bench [frames]`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nicsim/model/parse.hpp"
#include "nicsim/model/tracegen.hpp"

int main(int argc, char** argv) {
  using namespace nicsim::model;
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  TraceGenerator gen(TraceSpec{.seed = 1, .count = 4096, .flows = 256});
  std::vector<Frame> frames;
  while (auto f = gen.next()) frames.push_back(std::move(*f));

  const Parser parser;
  ParseResult r;
  std::uint64_t sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    parser.parse(frames[i % frames.size()].data, r);
    sink += r.depth + r.innermost().l4.sport;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu frames in %.3f s: %.1f Mframes/s, %.1f ns/frame (sink %llu)\n",
              static_cast<unsigned long long>(n), s, static_cast<double>(n) / s / 1e6,
              s * 1e9 / static_cast<double>(n), static_cast<unsigned long long>(sink));
  return 0;
}
