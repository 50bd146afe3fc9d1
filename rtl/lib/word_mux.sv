// SPDX-License-Identifier: MIT
// word_mux: word `sel` of N words of W bits, combinational (an AND-OR of the words).
//
// `in[sel*W +: W]` with a variable `sel` and a W that is not a power of two is a bit shift to
// Yosys 0.23 (it does not know that the shift is a multiple of W): a barrel shifter over all
// N*W bits. The parser's multiplexer of its 4 engines' 1,542-bit records written that way took
// 18K of its LUTs at DATA_W=512 (docs/rtl-parser.md). This is one LUT6 per output bit for
// N <= 4 (the word's bit and its select), a balanced OR beyond. A `sel` >= N gives zero.
`resetall
`timescale 1ns/1ps
`default_nettype none

module word_mux #(
  parameter int N     = 4,                         // words, at least 1
  parameter int W     = 8,                         // bits per word, at least 1
  parameter int SEL_W = N > 1 ? $clog2(N) : 1
) (
  input  wire [N*W-1:0]   in,                      // word i at [i*W +: W]
  input  wire [SEL_W-1:0] sel,
  output logic [W-1:0]    out
);

  initial begin
    if (N < 1 || W < 1) begin
      $error("word_mux (%m): N (%0d) and W (%0d) must be at least 1", N, W);
    end
    if (SEL_W < (N > 1 ? $clog2(N) : 1)) begin
      $error("word_mux (%m): SEL_W (%0d) must be at least $clog2(N)", SEL_W);
    end
  end

  always_comb begin
    out = '0;
    for (int i = 0; i < N; i++) begin
      out = out | (in[i*W +: W] & {W{sel == SEL_W'(i)}});
    end
  end

endmodule

`default_nettype wire
