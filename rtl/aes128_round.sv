// SPDX-License-Identifier: MIT
// aes128_round: one round of the AES-128 forward cipher (FIPS-197 5.1) and the expansion of
// its round key (5.2), combinational: rk_out = round key ROUND from rk_in (round key
// ROUND-1), st_out = AddRoundKey(MixColumns(ShiftRows(SubBytes(st_in))), rk_out), without
// MixColumns in round 10. Blocks and keys with byte 0 of FIPS-197 in bits 127:120.
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

  // The round constants of rounds 1..10 (FIPS-197 5.2), round r at bits 8*(r-1) +: 8.
  localparam logic [79:0] RCON = 80'h36_1b_80_40_20_10_08_04_02_01;

  // The S-box (FIPS-197 5.1.1), entry x at bits 8*x +: 8 (entry 0, 8'h63, at the bottom).
  // An indexed constant, not a case: Yosys 0.23 turns a case into a ROM and merges the
  // pipeline register before it into the ROM's address, one copy per S-box (1,600
  // flip-flops more in aes128_pipe, docs/synthesis.md).
  localparam logic [2047:0] SBOX = {
    256'h16bb54b00f2d99416842e6bf0d89a18cdf2855cee9871e9b948ed9691198f8e1,
    256'h9e1dc186b95735610ef6034866b53e708a8bbd4b1f74dde8c6b4a61c2e2578ba,
    256'h08ae7a65eaf4566ca94ed58d6d37c8e779e4959162acd3c25c2406490a3a32e0,
    256'hdb0b5ede14b8ee4688902a22dc4f816073195d643d7ea7c41744975fec130ccd,
    256'hd2f3ff1021dab6bcf5389d928f40a351a89f3c507f02f94585334d43fbaaefd0,
    256'hcf584c4a39becb6a5bb1fc20ed00d153842fe329b3d63b52a05a6e1b1a2c8309,
    256'h75b227ebe28012079a059618c323c7041531d871f1e5a534ccf73f362693fdb7,
    256'hc072a49cafa2d4adf04759fa7dc982ca76abd7fe2b670130c56f6bf27b777c63
  };

  function automatic logic [7:0] sbox(input logic [7:0] x);
    sbox = SBOX[8*x +: 8];
  endfunction

  // Multiplication by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1).
  function automatic logic [7:0] xtime(input logic [7:0] a);
    xtime = {a[6:0], 1'b0} ^ (a[7] ? 8'h1b : 8'h00);
  endfunction

  // Byte i of a block (FIPS-197 order: byte 0 at the top).
  function automatic logic [7:0] byte_of(input logic [127:0] b, input int i);
    byte_of = b[127 - 8*i -: 8];
  endfunction

  // Round key r from round key r-1 (FIPS-197 5.2, Nk = 4), rcon = Rcon[r].
  function automatic logic [127:0] next_key(input logic [127:0] k, input logic [7:0] rcon);
    logic [31:0] w0, w1, w2, w3, t;
    w0 = k[127:96];
    w1 = k[95:64];
    w2 = k[63:32];
    w3 = k[31:0];
    // SubWord(RotWord(w3)) XOR {rcon, 0, 0, 0}
    t = {sbox(w3[23:16]) ^ rcon, sbox(w3[15:8]), sbox(w3[7:0]), sbox(w3[31:24])};
    w0 = w0 ^ t;
    w1 = w1 ^ w0;
    w2 = w2 ^ w1;
    w3 = w3 ^ w2;
    next_key = {w0, w1, w2, w3};
  endfunction

  // The round (FIPS-197 5.1): SubBytes, ShiftRows, MixColumns unless last, AddRoundKey.
  function automatic logic [127:0] round(input logic [127:0] st, input logic [127:0] rk,
                                         input logic last);
    logic [127:0] sr, mc;
    logic [7:0]   a0, a1, a2, a3;
    // SubBytes and ShiftRows: byte (row r, column c), index r + 4c, takes the S-box of byte
    // (r, c + r mod 4).
    for (int c = 0; c < 4; c++) begin
      for (int r = 0; r < 4; r++) begin
        sr[127 - 8*(r + 4*c) -: 8] = sbox(byte_of(st, r + 4*((c + r) % 4)));
      end
    end
    for (int c = 0; c < 4; c++) begin
      a0 = byte_of(sr, 4*c);
      a1 = byte_of(sr, 4*c + 1);
      a2 = byte_of(sr, 4*c + 2);
      a3 = byte_of(sr, 4*c + 3);
      mc[127 - 32*c -: 32] = {xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3,
                              a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3,
                              a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3,
                              xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3)};
    end
    round = (last ? sr : mc) ^ rk;
  endfunction

  assign rk_out = next_key(rk_in, RCON[8*(ROUND-1) +: 8]);
  assign st_out = round(st_in, rk_out, ROUND == 10);

endmodule

`default_nettype wire
