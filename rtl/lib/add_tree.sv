// SPDX-License-Identifier: MIT
// add_tree: combinational sum of N unsigned W-bit operands as a balanced binary tree
// (ceil(log2 N) adder levels), modulo 2^OUT_W.
//
// Why a module: a sum written as a loop, `s = s + x[k]` (and worse, `if (c[k]) s = s + x[k]`),
// is a chain of N adders (and muxes) in Yosys's netlist, N carry chains deep; the receive
// classifier's checksums were 200+ LUT levels that way (docs/synthesis.md). Mask operands
// with AND before the tree (x & {W{c}}), never with a condition around the add.
//
// in: operand k at in[k*W +: W]. OUT_W defaults to the exact width W + ceil(log2 N); a
// narrower OUT_W gives the sum modulo 2^OUT_W (every partial sum is kept at OUT_W bits).
`resetall
`timescale 1ns/1ps
`default_nettype none

module add_tree #(
  parameter int N     = 8,                       // operands, at least 1
  parameter int W     = 16,                      // operand width
  parameter int OUT_W = W + $clog2(N)            // sum width
) (
  input  wire [N*W-1:0]     in,
  output wire [OUT_W-1:0]   sum
);

  initial begin
    if (N < 1 || W < 1 || OUT_W < 1) begin
      $error("add_tree (%m): N (%0d), W (%0d) and OUT_W (%0d) must be at least 1", N, W, OUT_W);
    end
  end

  // Node k at acc[k*SLOT +: OUT_W], in a slot of SLOT bits (OUT_W rounded up to 32 or 64,
  // the upper bits zero): every node is a whole word of the Verilated model, so a level is N
  // native adds, not bit-field extractions (docs/perf-rtl.md); synthesis drops the constant
  // zero bits. Level s adds node k + s into node k for every multiple k of 2s (k + s < N), so
  // after level s each multiple of 2s holds the sum of its (up to) 2s operands. Blocking
  // assignments in one block: the unrolled dataflow is the tree.
  localparam int SLOT = OUT_W <= 32 ? 32 : (OUT_W <= 64 ? 64 : OUT_W);

  logic [N*SLOT-1:0] acc;

  always_comb begin
    for (int k = 0; k < N; k++) begin
      acc[k*SLOT +: SLOT] = SLOT'(OUT_W'(in[k*W +: W]));
    end
    for (int s = 1; s < N; s = s * 2) begin
      for (int k = 0; k + s < N; k = k + 2 * s) begin
        acc[k*SLOT +: SLOT] = SLOT'(OUT_W'(acc[k*SLOT +: OUT_W] + acc[(k+s)*SLOT +: OUT_W]));
      end
    end
  end

  assign sum = acc[OUT_W-1:0];

endmodule

`default_nettype wire
