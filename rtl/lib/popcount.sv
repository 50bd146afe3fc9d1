// SPDX-License-Identifier: MIT
// popcount: the number of set bits of an N-bit vector, e.g. the bytes of an AXI4-Stream beat
// from its tkeep (any pattern, not only contiguous ones), combinational.
//
// A balanced add_tree of the N bits (ceil(log2 N) adder levels): the loop `c = c + in[i]` is
// a chain of N adders in Yosys's netlist (64 deep for a 512-bit beat's tkeep).
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

  initial begin
    if (N < 1) begin
      $error("popcount (%m): N (%0d) must be at least 1", N);
    end
    if (OUT_W < $clog2(N + 1)) begin
      $error("popcount (%m): OUT_W (%0d) must be at least $clog2(N + 1)", OUT_W);
    end
  end

  // The tree at the count's exact width (every partial sum is at most N).
  localparam int CW = $clog2(N + 1);
  logic [CW-1:0] cnt;

  add_tree #(.N(N), .W(1), .OUT_W(CW)) u_tree (.in(in), .sum(cnt));

  assign count = OUT_W'(cnt);

endmodule

`default_nettype wire
