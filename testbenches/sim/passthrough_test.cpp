// SPDX-License-Identifier: MIT
// Benches of run_passthrough: frames through the Verilated sim_wire_top (DATA_W 64 and 512) under
// valid/ready patterns; byte-exact output, RTL counters against the harness, the register
// block over AXI4-Lite, error propagation, the watchdog, FST output.
// One run_passthrough per process: ctest runs each test case in its own process.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/passthrough.hpp"
#include "vector_port.hpp"

namespace nicsim::testbenches {
namespace {

using model::Frame;
using sim::RunOptions;
using sim::RunStats;

constexpr std::uint64_t kFirstTs = 1'700'000'000'000'000'000ULL;

Frame make_frame(std::size_t len, std::mt19937_64& rng, std::uint64_t ts) {
  Frame f;
  f.data.resize(len);
  for (auto& b : f.data) b = static_cast<std::uint8_t>(rng());
  f.orig_len = static_cast<std::uint32_t>(len);
  f.ts_ns = ts;
  return f;
}

// Every length 1..300, then jumbo and odd sizes.
std::vector<Frame> all_lengths(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Frame> frames;
  std::uint64_t ts = kFirstTs;
  for (std::size_t len = 1; len <= 300; ++len) frames.push_back(make_frame(len, rng, ts += 100));
  for (std::size_t len : {1499u, 1500u, 1514u, 9000u, 9600u, 9601u, 65u, 63u, 64u, 1u}) {
    frames.push_back(make_frame(len, rng, ts += 100));
  }
  return frames;
}

std::vector<Frame> random_lengths(std::size_t n, std::size_t max_len, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> len(1, max_len);
  std::vector<Frame> frames;
  std::uint64_t ts = kFirstTs;
  for (std::size_t i = 0; i < n; ++i) frames.push_back(make_frame(len(rng), rng, ts += 10));
  return frames;
}

std::vector<bool> random_pattern(std::size_t n, double p_one, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution one(p_one);
  std::vector<bool> pat(n);
  for (std::size_t i = 0; i < n; ++i) pat[i] = one(rng);
  pat[0] = true;  // never all zero
  return pat;
}

std::uint64_t total_bytes(const std::vector<Frame>& frames, std::size_t count) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < count; ++i) n += frames[i].data.size();
  return n;
}

// Output == input frame for frame, byte for byte, in order; counters agree.
void expect_passthrough(const VectorPort& port, const RunStats& st, std::size_t frames) {
  ASSERT_EQ(port.out().size(), frames);
  for (std::size_t i = 0; i < frames; ++i) {
    ASSERT_EQ(port.out()[i].data, port.in()[i].data) << "frame " << i << " ("
                                                     << port.in()[i].data.size() << " bytes)";
    ASSERT_EQ(port.out()[i].orig_len, port.in()[i].data.size()) << "frame " << i;
  }
  const std::uint64_t bytes = total_bytes(port.in(), frames);
  EXPECT_EQ(st.frames_in, frames);
  EXPECT_EQ(st.frames_out, frames);
  EXPECT_EQ(st.bytes_in, bytes);
  EXPECT_EQ(st.bytes_out, bytes);
  EXPECT_EQ(st.rtl_frames_in, st.frames_in);
  EXPECT_EQ(st.rtl_frames_out, st.frames_out);
  EXPECT_EQ(st.rtl_bytes_in, st.bytes_in);
  EXPECT_EQ(st.rtl_bytes_out, st.bytes_out);
  // The cycle counter is read 1..3 cycles after the end (first access of the final reads).
  EXPECT_GE(st.rtl_cycles, st.cycles);
  EXPECT_LE(st.rtl_cycles, st.cycles + 4);
  EXPECT_EQ(port.flushes(), 1);
}

RunStats run_ok(VectorPort& port, const RunOptions& opt) {
  RunStats st = sim::run_passthrough(port, opt);
  EXPECT_EQ(st.error, "");
  return st;
}

class Passthrough : public ::testing::TestWithParam<int> {
 protected:
  RunOptions options() const {
    RunOptions opt;
    opt.data_width = GetParam();
    return opt;
  }
};

INSTANTIATE_TEST_SUITE_P(DataW, Passthrough, ::testing::Values(64, 512),
                         [](const auto& param_info) {
                           return "W" + std::to_string(param_info.param);
                         });

TEST_P(Passthrough, AllLengthsFullRate) {
  VectorPort port(all_lengths(1));
  const RunStats st = run_ok(port, options());
  expect_passthrough(port, st, port.in().size());
}

TEST_P(Passthrough, AllLengthsValid1110Ready110) {
  VectorPort port(all_lengths(2));
  RunOptions opt = options();
  opt.valid_pattern = {true, true, true, false};
  opt.ready_pattern = {true, true, false};
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
}

TEST_P(Passthrough, AllLengthsReady01WithGaps) {
  VectorPort port(all_lengths(3));
  RunOptions opt = options();
  opt.ready_pattern = {false, true};
  opt.gap_cycles = 3;
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
}

TEST_P(Passthrough, RandomLengthsSparseValidRandomReady) {
  VectorPort port(random_lengths(400, 9700, 4));
  RunOptions opt = options();
  opt.valid_pattern = random_pattern(97, 0.3, 5);
  opt.ready_pattern = random_pattern(89, 0.6, 6);
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
}

TEST_P(Passthrough, RandomShortFramesRandomValidReady) {
  VectorPort port(random_lengths(20000, 200, 7));
  RunOptions opt = options();
  opt.valid_pattern = random_pattern(1013, 0.8, 8);
  opt.ready_pattern = random_pattern(1009, 0.5, 9);
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
}

// One beat per clock: with no backpressure the pass-through takes a frame of one beat
// every cycle, and the pipeline adds a fixed latency.
TEST_P(Passthrough, FullThroughputAndLatency) {
  const std::size_t beat = static_cast<std::size_t>(GetParam() / 8);
  std::mt19937_64 rng(10);
  std::vector<Frame> frames;
  for (int i = 0; i < 2000; ++i) frames.push_back(make_frame(beat, rng, kFirstTs));
  VectorPort port(std::move(frames));
  const RunStats st = run_ok(port, options());
  expect_passthrough(port, st, port.in().size());
  // Cycle 1: first beat offered; cycle 2: taken; cycle 3: out of the register slice.
  EXPECT_LE(st.cycles, 2000u + 3u);
  // Output timestamps: first input timestamp + cycle of the frame's first output beat x 4 ns,
  // one frame per cycle.
  for (std::size_t i = 1; i < port.out().size(); ++i) {
    ASSERT_EQ(port.out()[i].ts_ns - port.out()[i - 1].ts_ns, 4u) << "frame " << i;
  }
  EXPECT_GT(port.out()[0].ts_ns, kFirstTs);
  EXPECT_LE(port.out()[0].ts_ns, kFirstTs + 4 * 20);
}

// Throughput under the 1,1,0 ready pattern: the skid buffer keeps up with 2 of 3 cycles.
TEST_P(Passthrough, BackpressureKeepsTwoThirdsRate) {
  const std::size_t beat = static_cast<std::size_t>(GetParam() / 8);
  std::mt19937_64 rng(11);
  std::vector<Frame> frames;
  for (int i = 0; i < 3000; ++i) frames.push_back(make_frame(beat, rng, kFirstTs));
  VectorPort port(std::move(frames));
  RunOptions opt = options();
  opt.ready_pattern = {true, true, false};
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
  EXPECT_LE(st.cycles, 4500u + 10u);
}

TEST_P(Passthrough, PortErrorStopsFeedingAndDrains) {
  VectorPort port(random_lengths(200, 3000, 12));
  port.throw_at(150);
  RunOptions opt = options();
  opt.ready_pattern = {true, false};
  const RunStats st = sim::run_passthrough(port, opt);
  EXPECT_EQ(st.error, "vector port: frame 150 is corrupt");
  expect_passthrough(port, st, 150);
}

TEST_P(Passthrough, TransmitErrorStopsTheRun) {
  VectorPort port(random_lengths(300, 1000, 19));
  port.throw_on_transmit(100);
  const RunStats st = sim::run_passthrough(port, options());
  EXPECT_EQ(st.error, "vector port: cannot write frame 100");
  ASSERT_EQ(port.out().size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) ASSERT_EQ(port.out()[i].data, port.in()[i].data);
  EXPECT_LT(st.frames_in, 300u);  // stopped at once, without feeding the rest
  EXPECT_EQ(st.frames_out, 101u);  // the frame that could not be written left sim_wire_top
  // Nothing moves once the run is over: the RTL counters match the harness.
  EXPECT_EQ(st.rtl_frames_in, st.frames_in);
  EXPECT_EQ(st.rtl_frames_out, st.frames_out);
  EXPECT_EQ(st.rtl_bytes_in, st.bytes_in);
  EXPECT_EQ(st.rtl_bytes_out, st.bytes_out);
  EXPECT_EQ(port.flushes(), 1);
}

TEST_P(Passthrough, EmptyFrameIsAnError) {
  std::vector<Frame> frames = random_lengths(20, 100, 13);
  frames[10].data.clear();
  VectorPort port(std::move(frames));
  const RunStats st = sim::run_passthrough(port, options());
  EXPECT_NE(st.error.find("input frame 11 has no bytes"), std::string::npos) << st.error;
  expect_passthrough(port, st, 10);
}

TEST_P(Passthrough, WatchdogFiresWhenSinkNeverReady) {
  VectorPort port(random_lengths(50, 1500, 14));
  RunOptions opt = options();
  opt.ready_pattern = {false};
  opt.watchdog_cycles = 5000;
  const RunStats st = sim::run_passthrough(port, opt);
  EXPECT_NE(st.error.find("watchdog: no AXI4-Stream transfer for 5000 cycles"),
            std::string::npos)
      << st.error;
  EXPECT_TRUE(port.out().empty());
  EXPECT_LT(st.cycles, 5000u + 200u);
  // The register block still answers: sim_wire_top took the beats its skid buffer could hold.
  EXPECT_EQ(st.rtl_frames_out, 0u);
  EXPECT_EQ(st.rtl_bytes_in, st.bytes_in);
  EXPECT_GT(st.bytes_in, 0u);
  EXPECT_EQ(port.flushes(), 1);
}

TEST_P(Passthrough, FstWaveformOnRequest) {
  const auto path = std::filesystem::path(::testing::TempDir()) /
                    ("nicsim_passthrough_w" + std::to_string(GetParam()) + ".fst");
  std::filesystem::remove(path);
  VectorPort port(random_lengths(20, 300, 15));
  RunOptions opt = options();
  opt.fst_path = path.string();
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 100u);
  std::filesystem::remove(path);
}

TEST_P(Passthrough, RegisterBlock) {
  namespace r = regs;
  namespace nic = regs::nic;
  namespace cnt = regs::counters;
  std::vector<std::uint32_t> got;
  std::uint64_t c1 = 0, c2 = 0;
  std::string bus_error;
  RunOptions opt = options();
  opt.before_traffic = [&](sim::RegisterBus& bus) {
    got.push_back(bus.read32(nic::kBase + r::BLOCK_ID));
    got.push_back(bus.read32(nic::kBase + r::BLOCK_VERSION));
    got.push_back(bus.read32(nic::kBase + r::BLOCK_NEXT));
    got.push_back(bus.read32(nic::CAPS0_ADDR));
    got.push_back(bus.read32(nic::CAPS1_ADDR));
    got.push_back(bus.read32(nic::SCRATCH_ADDR));  // reset value
    bus.write32(nic::SCRATCH_ADDR, 0xA5A5'1234);
    got.push_back(bus.read32(nic::SCRATCH_ADDR));
    bus.write32(nic::kBase + r::BLOCK_ID, 0xFFFF'FFFF);  // read-only: ignored
    got.push_back(bus.read32(nic::kBase + r::BLOCK_ID));
    got.push_back(bus.read32(0x0FF0));  // unmapped: 0, OKAY
    bus.write32(0x0FF0, 1);             // unmapped: ignored, OKAY
    got.push_back(bus.read32(nic::WIRE_MAX_FRAME_ADDR));
    got.push_back(bus.read32(nic::TX_MAX_FRAME_ADDR));
    got.push_back(bus.read32(nic::TUNNEL_PORTS_ADDR));
    got.push_back(bus.read32(nic::CONTROL_ADDR));
    bus.write32(nic::CONTROL_ADDR, 0xFFFF'FFFF);  // keeps its defined fields only
    got.push_back(bus.read32(nic::CONTROL_ADDR));
    bus.write32(nic::WIRE_MAX_FRAME_ADDR, 1518);
    got.push_back(bus.read32(nic::WIRE_MAX_FRAME_ADDR));
    // Following BLOCK_NEXT: the counters block, which continues the chain as the map does.
    const std::uint32_t next = got[2];
    got.push_back(bus.read32(next + r::BLOCK_ID));
    got.push_back(bus.read32(next + r::BLOCK_VERSION));
    got.push_back(bus.read32(next + r::BLOCK_NEXT));
    got.push_back(static_cast<std::uint32_t>(bus.read64(cnt::TX_FRAMES_LO_ADDR)));  // not built
    c1 = bus.read64(nic::CYCLES_LO_ADDR);
    c2 = bus.read64(nic::CYCLES_LO_ADDR);
    try {
      bus.read32(0x0002);
    } catch (const sim::BusError& e) {
      bus_error = e.what();
    }
  };
  VectorPort port(random_lengths(10, 100, 16));
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
  const std::uint32_t caps0 = nic::CAPS0_DATA_W.put(0, static_cast<std::uint32_t>(GetParam()));
  const std::uint32_t control = nic::CONTROL_ENABLE.mask() | nic::CONTROL_PARSE_ERR_POLICY.mask();
  const std::vector<std::uint32_t> want = {
      nic::kTag, nic::kVersion, cnt::kBase, caps0, 0, nic::SCRATCH_RESET, 0xA5A5'1234,
      nic::kTag, 0, nic::WIRE_MAX_FRAME_RESET, nic::TX_MAX_FRAME_RESET,
      nic::TUNNEL_PORTS_RESET, nic::CONTROL_RESET, control, 1518,
      cnt::kTag, cnt::kVersion, cnt::kNext, 0};
  EXPECT_EQ(got, want);
  EXPECT_GT(c1, 0u);
  EXPECT_EQ(c2 - c1, 6u);  // one 64-bit read = two AXI4-Lite reads of 3 cycles
  EXPECT_NE(bus_error.find("not 4-byte aligned"), std::string::npos) << bus_error;
}

TEST(PassthroughApi, RejectsUnbuiltWidthAndRunsOncePerProcess) {
  VectorPort port(random_lengths(5, 100, 17));
  RunOptions opt;
  opt.data_width = 128;
  EXPECT_NE(sim::run_passthrough(port, opt).error.find("data_width 128"), std::string::npos);
  opt.data_width = 64;
  opt.clock_mhz = 0;
  EXPECT_NE(sim::run_passthrough(port, opt).error.find("clock_mhz"), std::string::npos);
  opt.clock_mhz = 156.25;  // 6.4 ns
  const RunStats st = run_ok(port, opt);
  expect_passthrough(port, st, port.in().size());
  // Output timestamps are first input timestamp + whole cycles of 6.4 ns (rounded to ns).
  for (const Frame& f : port.out()) {
    const double cycles = static_cast<double>(f.ts_ns - port.in()[0].ts_ns) / 6.4;
    EXPECT_NEAR(cycles, std::round(cycles), 0.5 / 6.4 + 1e-9);
    EXPECT_GT(cycles, 0.5);
  }
  VectorPort again(random_lengths(5, 100, 18));
  EXPECT_NE(sim::run_passthrough(again, opt).error.find("once per process"), std::string::npos);
}

}  // namespace
}  // namespace nicsim::testbenches
