// SPDX-License-Identifier: MIT
// aes128_round: one round of the AES-128 forward cipher (FIPS-197 5.1) and the expansion of
// its round key (5.2), combinational: rk_out = round key ROUND from rk_in (round key
// ROUND-1), st_out = AddRoundKey(MixColumns(ShiftRows(SubBytes(st_in))), rk_out), without
// MixColumns in round 10. Blocks and keys with byte 0 of FIPS-197 in bits 127:120. The
// functions are aes128_pkg's (aes128_pipe calls them directly).
// A stage of aes128_pipe; synthesized alone by the suite (scripts/synth.sh --suite) for the
// pipeline's logic depth per stage.
`resetall
`timescale 1ns/1ps
`default_nettype none

module aes128_round #(
  parameter int ROUND = 1   // 1..10
) (
  input  wire [127:0] st_in,
  input  wire [127:0] rk_in,
  output wire [127:0] st_out,
  output wire [127:0] rk_out
);

  initial begin
    if (ROUND < 1 || ROUND > 10) begin
      $error("aes128_round (%m): ROUND (%0d) must be 1..10", ROUND);
    end
  end

  assign {st_out, rk_out} = aes128_pkg::step(st_in, rk_in, ROUND);

endmodule

`default_nettype wire
