// SPDX-License-Identifier: MIT
// Throughput of run_passthrough on generated frames of one size, always valid and ready.
// usage: sim_passthrough_bench [--width 64|512] [--frames N] [--size BYTES]
// Prints NAME VALUE UNIT lines (passthrough_cycles_per_s, passthrough_frames_per_s, ...).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "nicsim/model/frame.hpp"
#include "nicsim/sim/passthrough.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace {

// Generates `count` frames of `size` bytes on demand and discards what comes back.
class GeneratorPort : public nicsim::sim::WirePort {
 public:
  GeneratorPort(std::uint64_t count, std::size_t size) : count_(count), size_(size) {}
  std::optional<nicsim::model::Frame> receive() override {
    if (next_ >= count_) return std::nullopt;
    nicsim::model::Frame f;
    f.data.assign(size_, static_cast<std::uint8_t>(next_));
    f.orig_len = static_cast<std::uint32_t>(size_);
    f.ts_ns = next_++;
    return f;
  }
  bool at_end() const override { return next_ >= count_; }
  void transmit(const nicsim::model::Frame& frame) override { out_bytes_ += frame.data.size(); }
  void flush() override {}
  std::string describe() const override { return "generator"; }

 private:
  std::uint64_t count_;
  std::size_t size_;
  std::uint64_t next_ = 0;
  std::uint64_t out_bytes_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  nicsim::sim::RunOptions opt;
  std::uint64_t frames = 200000;
  std::size_t size = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--width")) {
      opt.data_width = std::atoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--frames")) {
      frames = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--size")) {
      size = std::strtoull(argv[i + 1], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--width 64|512] [--frames N] [--size BYTES]\n", argv[0]);
      return 2;
    }
  }
  GeneratorPort port(frames, size);
  const nicsim::sim::RunStats st = nicsim::sim::run_passthrough(port, opt);
  if (!st.error.empty()) {
    std::fprintf(stderr, "error: %s\n", st.error.c_str());
    return 1;
  }
  std::printf("# DATA_W=%d, %llu frames of %zu bytes\n", opt.data_width,
              static_cast<unsigned long long>(frames), size);
  std::printf("passthrough_cycles %llu cycles\n", static_cast<unsigned long long>(st.cycles));
  std::printf("passthrough_wall %.3f s\n", st.wall_seconds);
  std::printf("passthrough_cycles_per_s %.0f cycles/s\n",
              static_cast<double>(st.cycles) / st.wall_seconds);
  std::printf("passthrough_frames_per_s %.0f frames/s\n",
              static_cast<double>(st.frames_out) / st.wall_seconds);
  std::printf("passthrough_clocks_per_frame %.3f cycles\n",
              static_cast<double>(st.cycles) / static_cast<double>(st.frames_out));
  return 0;
}
