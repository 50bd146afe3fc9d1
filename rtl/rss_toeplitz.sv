// SPDX-License-Identifier: MIT
// rss_toeplitz: the RSS Toeplitz hash (spec 6, Microsoft RSS), combinational.
//
// For every input bit i (bit 0: the most significant bit of input byte 0) that is set, the
// 32-bit window of the key starting at key bit i (bit 0: the most significant bit of key
// byte 0) is XORed into the hash. The input is IN_BYTES bytes, first byte at the top
// (in_data[8*IN_BYTES-1 -: 8]); a shorter input is zero-padded at the end, which does not
// change the hash (zero bits contribute nothing). The key is IN_BYTES + 4 bytes, first byte
// at the top. Model: nicsim::model::ToeplitzTable (model/src/dp/hash.cpp).
`resetall
`timescale 1ns/1ps
`default_nettype none

module rss_toeplitz #(
  parameter int IN_BYTES = 36
) (
  input  wire [8*IN_BYTES-1:0]      in_data,
  input  wire [8*IN_BYTES+31:0]     key,
  output wire [31:0]                hash
);

  localparam int IN_W  = 8 * IN_BYTES;
  localparam int KEY_W = IN_W + 32;

  // Window i, ANDed with input bit i, at x[32*i +: 32]; then a balanced XOR tree (level s
  // folds node k + s into node k for every multiple k of 2s). Written as `if (bit) h ^= window`
  // the XOR was a chain of IN_W muxes in Yosys's netlist.
  logic [32*IN_W-1:0] x;

  always_comb begin
    for (int i = 0; i < IN_W; i++) begin
      x[32*i +: 32] = key[KEY_W - 1 - i -: 32] & {32{in_data[IN_W - 1 - i]}};
    end
    for (int s = 1; s < IN_W; s = s * 2) begin
      for (int k = 0; k + s < IN_W; k = k + 2 * s) begin
        x[32*k +: 32] = x[32*k +: 32] ^ x[32*(k+s) +: 32];
      end
    end
  end

  assign hash = x[31:0];

endmodule

`default_nettype wire
