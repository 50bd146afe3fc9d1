// SPDX-License-Identifier: MIT
// rss_toeplitz: the RSS Toeplitz hash (spec 6, Microsoft RSS), combinational.
//
// For every input bit i (bit 0: the most significant bit of input byte 0) that is set, the
// 32-bit window of the key starting at key bit i (bit 0: the most significant bit of key
// byte 0) is XORed into the hash. The input is IN_BYTES bytes, first byte at the top
// (in_data[8*IN_BYTES-1 -: 8]); a shorter input is zero-padded at the end, which does not
// change the hash (zero bits contribute nothing). The key is IN_BYTES + 4 bytes, first byte
// at the top. Model: nicsim::model::ToeplitzTable (model/src/dp/hash.cpp).
// en low gives hash 0: the caller's "no hash" is one AND at the output, and the Verilated
// model skips the whole tree in the clocks that need no hash (docs/perf-rtl.md).
`resetall
`timescale 1ns/1ps
`default_nettype none

module rss_toeplitz #(
  parameter int IN_BYTES = 36
) (
  input  wire [8*IN_BYTES-1:0]      in_data,
  input  wire [8*IN_BYTES+31:0]     key,
  input  wire                       en,
  output wire [31:0]                hash
);

  localparam int IN_W  = 8 * IN_BYTES;
  localparam int KEY_W = IN_W + 32;

  // Window i, ANDed with input bit i, at x[32*i +: 32]; then a balanced XOR tree (level s
  // folds node k + s into node k for every multiple k of 2s). Written as `if (bit) h ^= window`
  // the XOR was a chain of IN_W muxes in Yosys's netlist. A function, so that the tree is
  // evaluated inside the `if (en)` below (its input copies are 20 words).
  function automatic logic [31:0] toeplitz(input logic [IN_W-1:0] d, input logic [KEY_W-1:0] k);
    logic [32*IN_W-1:0] x;
    for (int i = 0; i < IN_W; i++) begin
      x[32*i +: 32] = k[KEY_W - 1 - i -: 32] & {32{d[IN_W - 1 - i]}};
    end
    for (int s = 1; s < IN_W; s = s * 2) begin
      for (int j = 0; j + s < IN_W; j = j + 2 * s) begin
        x[32*j +: 32] = x[32*j +: 32] ^ x[32*(j+s) +: 32];
      end
    end
    toeplitz = x[31:0];
  endfunction

  logic [31:0] h;

  always_comb begin
    h = 32'd0;
    if (en) begin
      h = toeplitz(in_data, key);
    end
  end

  assign hash = h;

endmodule

`default_nettype wire
