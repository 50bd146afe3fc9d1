// SPDX-License-Identifier: MIT
// coverage_fifo_bench OUT.dat PUSHES: rtl/lib/sync_fifo.sv (Verilated with coverage, DEPTH 4)
// out of reset, PUSHES bytes pushed (stalling when full) and popped back in order, then the
// run's coverage data written to OUT.dat. PUSHES 0 leaves the FIFO idle: the write of the
// storage array is never reached. Exits 1 when a byte comes out wrong (the bench checks the
// FIFO, so a coverage run is also a run that can fail), 2 on bad arguments.
#include <verilated.h>
#include <verilated_cov.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "Vsync_fifo_cov.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s OUT.dat PUSHES\n", argv[0]);
    return 2;
  }
  char* end = nullptr;
  const long pushes = std::strtol(argv[2], &end, 10);
  if (*end != '\0' || pushes < 0 || pushes > 1000000) {
    std::fprintf(stderr, "%s: PUSHES must be 0..1000000, got '%s'\n", argv[0], argv[2]);
    return 2;
  }
  auto ctx = std::make_unique<VerilatedContext>();
  auto m = std::make_unique<Vsync_fifo_cov>(ctx.get());
  auto clock = [&] {
    m->clk = 0;
    m->eval();
    m->clk = 1;
    m->eval();
  };
  m->rst = 1;
  m->s_valid = 0;
  m->m_ready = 0;
  clock();
  clock();
  m->rst = 0;
  long sent = 0, got = 0;
  int bad = 0;
  // Push in bursts of 6 (the FIFO holds 4: it fills and stalls), then drain.
  while (got < pushes) {
    for (int i = 0; i < 6 && sent < pushes; ++i) {
      m->s_valid = 1;
      m->s_data = static_cast<std::uint8_t>(sent);
      m->eval();
      if (m->s_ready) ++sent;
      clock();
    }
    m->s_valid = 0;
    m->m_ready = 1;
    m->eval();
    while (m->m_valid) {
      if (m->m_data != static_cast<std::uint8_t>(got)) ++bad;
      ++got;
      clock();
      m->eval();
    }
    m->m_ready = 0;
  }
  m->final();
  ctx->coveragep()->write(argv[1]);
  if (bad != 0) {
    std::fprintf(stderr, "%s: %d bytes out of order\n", argv[0], bad);
    return 1;
  }
  std::printf("%ld bytes through the FIFO, coverage in %s\n", got, argv[1]);
  return 0;
}
