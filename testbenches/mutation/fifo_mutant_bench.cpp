// SPDX-License-Identifier: MIT
// fifo_mutant_bench PUSHES: the mutants' netlist of rtl/lib/sync_fifo.sv (WIDTH 8, DEPTH 4;
// scripts/mutation-netlist.py, the mutant chosen by NICSIM_MUTANT) checked against a FIFO
// model: PUSHES bytes pushed and popped at pseudo-random moments (more pushes than pops: it
// fills, at every pointer position), every byte in order, `count` equal to the model's occupancy, s_ready exactly when not full, m_valid exactly
// when not empty, and an end within a bound of cycles. Exits 0 when the FIFO behaves, 1 at the
// first difference (printed), 2 on bad arguments. testbenches/mutation/mutation_test.py runs it
// once per mutant: the test suite's small mutation campaign.
#include <verilated.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>

#include "Vsync_fifo.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PUSHES\n", argv[0]);
    return 2;
  }
  char* end = nullptr;
  const long pushes = std::strtol(argv[1], &end, 10);
  if (*end != '\0' || pushes < 1 || pushes > 1000000) {
    std::fprintf(stderr, "%s: PUSHES must be 1..1000000, got '%s'\n", argv[0], argv[1]);
    return 2;
  }
  constexpr unsigned kDepth = 4;
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vsync_fifo>(ctx.get());
  std::deque<std::uint8_t> model;
  auto clock = [&] {
    m->clk = 0;
    m->eval();
    m->clk = 1;
    m->eval();
  };
  auto fail = [&](long cycle, const char* what) {
    std::printf("cycle %ld: %s (model holds %zu)\n", cycle, what, model.size());
    return 1;
  };
  m->rst = 1;
  m->s_valid = 0;
  m->m_ready = 0;
  clock();
  clock();
  m->rst = 0;
  long sent = 0, got = 0;
  const long bound = 8 * pushes + 64;
  std::uint32_t rng = 0x2545F491;  // xorshift32: the same moments on every run
  for (long cycle = 0; got < pushes; ++cycle) {
    if (cycle > bound) return fail(cycle, "no end: the FIFO stopped moving");
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    // Push three cycles out of four, pop one in two on average.
    m->s_valid = sent < pushes && (rng & 3) != 0;
    m->s_data = static_cast<std::uint8_t>(sent * 37 + 11);
    m->m_ready = ((rng >> 2) & 1) != 0;
    m->eval();
    if (m->count != model.size()) return fail(cycle, "count differs from the occupancy");
    if (m->s_ready != (model.size() < kDepth)) return fail(cycle, "s_ready wrong");
    if (m->m_valid != !model.empty()) return fail(cycle, "m_valid wrong");
    if (m->m_valid && m->m_data != model.front()) return fail(cycle, "byte out of order");
    const bool push = m->s_valid && m->s_ready;
    const bool pop = m->m_valid && m->m_ready;
    if (pop) {
      model.pop_front();
      ++got;
    }
    if (push) {
      model.push_back(static_cast<std::uint8_t>(sent * 37 + 11));
      ++sent;
    }
    clock();
  }
  m->final();
  std::printf("%ld bytes through the FIFO\n", got);
  return 0;
}
