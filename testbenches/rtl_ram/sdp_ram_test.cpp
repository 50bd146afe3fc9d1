// SPDX-License-Identifier: MIT
// sdp_ram (rtl/lib/sdp_ram.sv), each flavour against a C++ array, clock by clock: a write
// lands on the edge; a read on the same edge returns the word from before it (read-first);
// rd_data holds while rd_en is low, whatever is written meanwhile. The UltraRAM flavours run
// the wrapper's tiling on the behavioural model of URAM288_BASE (fpga/sim/URAM288_BASE.sv).
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Vsdp_ram_i160x8192.h"
#include "Vsdp_ram_u100x16.h"
#include "Vsdp_ram_u160x8192.h"
#include "nicsim/model/prng.hpp"
#include "nicsim/sim/bits.hpp"

namespace nicsim::bench {
namespace {

using Word = std::vector<std::uint32_t>;  // WIDTH bits, 32 a piece, bit 0 first

template <class V>
class RamBench {
 public:
  RamBench(unsigned width, unsigned depth) : width_(width), depth_(depth) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->fatalOnError(false);  // the model's $error fails the test below, with its text
    dut_ = std::make_unique<V>(ctx_.get());
    dut_->clk = 0;
    dut_->eval();
  }

  // One clock: inputs applied, the edge taken; returns rd_data after it.
  Word clock(bool wr, unsigned wa, const Word& wd, bool rd, unsigned ra) {
    dut_->wr_en = wr;
    put(dut_->wr_addr, wa);
    for (unsigned i = 0; i < words(); ++i) {
      put_bits(dut_->wr_data, 32 * i, bit_count(i), wd[i]);
    }
    dut_->rd_en = rd;
    put(dut_->rd_addr, ra);
    dut_->clk = 0;
    dut_->eval();
    dut_->clk = 1;
    dut_->eval();
    EXPECT_FALSE(ctx_->gotError()) << "the RTL reported an error on clock " << clocks_;
    ++clocks_;
    Word out(words());
    for (unsigned i = 0; i < words(); ++i) {
      out[i] = static_cast<std::uint32_t>(get_bits(dut_->rd_data, 32 * i, bit_count(i)));
    }
    return out;
  }

  [[nodiscard]] unsigned words() const { return (width_ + 31) / 32; }
  [[nodiscard]] unsigned bit_count(unsigned i) const {
    return (i + 1 == words() && width_ % 32 != 0) ? width_ % 32 : 32;
  }
  [[nodiscard]] Word random_word(model::Prng& rng) const {
    Word w(words());
    for (unsigned i = 0; i < words(); ++i) {
      w[i] = static_cast<std::uint32_t>(rng.next()) &
             static_cast<std::uint32_t>(low_mask(bit_count(i)));
    }
    return w;
  }
  [[nodiscard]] unsigned depth() const { return depth_; }

 private:
  unsigned width_;
  unsigned depth_;
  std::uint64_t clocks_ = 0;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<V> dut_;
};

std::string hex(const Word& w) {
  std::string s;
  char buf[12];
  for (auto it = w.rbegin(); it != w.rend(); ++it) {
    std::snprintf(buf, sizeof buf, "%08x", *it);
    s += buf;
  }
  return s;
}

// Fills every word (so nothing depends on initial contents), then `clocks` random clocks:
// writes and reads at random, at a few hot addresses (both rows of a 2-row tiling: the
// first and last words, the words next to the row boundary) or anywhere; the same address
// written and read on one clock about one read in eight.
template <class V>
void random_run(unsigned width, unsigned depth, std::uint64_t seed, unsigned clocks) {
  RamBench<V> b(width, depth);
  model::Prng rng(seed);
  std::vector<Word> ref(depth, Word(b.words(), 0));
  const Word none(b.words(), 0);
  for (unsigned a = 0; a < depth; ++a) {
    ref[a] = b.random_word(rng);
    b.clock(true, a, ref[a], false, 0);
  }
  const std::vector<unsigned> hot = {0, 1, depth / 2 - 1, depth / 2, depth - 1};
  auto pick = [&]() {
    return rng.below(2) != 0 ? hot[rng.below(static_cast<std::uint32_t>(hot.size()))]
                             : static_cast<unsigned>(rng.below(depth));
  };
  Word held = b.clock(false, 0, none, true, 0);  // a first read: rd_data defined from here
  ASSERT_EQ(hex(held), hex(ref[0]));
  unsigned reads = 0;
  unsigned same = 0;
  unsigned holds = 0;
  for (unsigned t = 0; t < clocks; ++t) {
    const bool wr = rng.below(2) != 0;
    const bool rd = rng.below(3) != 0;
    const unsigned wa = pick();
    const unsigned ra = (wr && rng.below(8) == 0) ? wa : pick();
    const Word wd = b.random_word(rng);
    const Word got = b.clock(wr, wa, wd, rd, ra);
    if (rd) {
      held = ref[ra];  // read-first: the word from before this clock's write
      ++reads;
      same += (wr && wa == ra) ? 1 : 0;
    } else {
      ++holds;
    }
    ASSERT_EQ(hex(got), hex(held)) << "clock " << t << (rd ? " read " : " hold, last read ")
                                   << ra << (wr ? " write " : "") << (wr ? wa : 0);
    if (wr) ref[wa] = wd;
  }
  EXPECT_GT(reads, clocks / 2);
  EXPECT_GT(same, clocks / 40);
  EXPECT_GT(holds, clocks / 4);
  // Every word read back once at the end.
  for (unsigned a = 0; a < depth; ++a) {
    ASSERT_EQ(hex(b.clock(false, 0, none, true, a)), hex(ref[a])) << "final read of " << a;
  }
}

TEST(RtlRam, UramTiles160x8192TwoRowsThreeColumns) {
  random_run<Vsdp_ram_u160x8192>(160, 8192, 1, 60000);
}

TEST(RtlRam, UramShallowerThanOneUram100x16) {
  random_run<Vsdp_ram_u100x16>(100, 16, 2, 20000);
}

TEST(RtlRam, Inferred160x8192) { random_run<Vsdp_ram_i160x8192>(160, 8192, 3, 60000); }

// The read row is the one of the last read, not of the last write or of rd_addr while
// rd_en is low: a read of row 0, then writes and an idle read address in row 1.
TEST(RtlRam, UramHoldsTheLastReadRow) {
  RamBench<Vsdp_ram_u160x8192> b(160, 8192);
  model::Prng rng(4);
  const Word none(b.words(), 0);
  const Word w0 = b.random_word(rng);
  const Word w1 = b.random_word(rng);
  b.clock(true, 7, w0, false, 0);
  b.clock(true, 4096 + 7, w1, false, 0);
  EXPECT_EQ(hex(b.clock(false, 0, none, true, 7)), hex(w0));
  const Word w2 = b.random_word(rng);
  EXPECT_EQ(hex(b.clock(true, 4096 + 7, w2, false, 4096 + 7)), hex(w0));
  EXPECT_EQ(hex(b.clock(false, 0, none, false, 4096 + 7)), hex(w0));
  EXPECT_EQ(hex(b.clock(false, 0, none, true, 4096 + 7)), hex(w2));
  EXPECT_EQ(hex(b.clock(false, 0, none, false, 7)), hex(w2));
  EXPECT_EQ(hex(b.clock(false, 0, none, true, 7)), hex(w0));
}

}  // namespace
}  // namespace nicsim::bench
