// SPDX-License-Identifier: MIT
// aes128_pipe: the AES-128 forward cipher (FIPS-197) as a pipeline of one round per stage,
// the key expanded with the block: one block per clock, 11 clocks from s_* to m_*.
//
// Stage 0 registers AddRoundKey 0 (block XOR key) and the key; stage r (1..10) registers
// round r (SubBytes, ShiftRows, MixColumns except in round 10, AddRoundKey) and round key r,
// expanded in the same stage from round key r-1. Every block carries its own key, so the key
// may change from one block to the next (no key schedule to load, no setup clocks); the
// price is the key expansion's S-boxes in every stage (20 S-boxes a stage, not 16).
// A side band of USER_W bits travels with each block (s_user -> m_user).
//
// Blocks are 128-bit vectors with byte 0 of FIPS-197 (in0, k0) in bits 127:120.
// Handshake: valid/ready with a global stall. The pipeline moves when its last stage is
// empty or taken (m_ready); s_ready is that condition, so it depends on m_ready
// combinationally (a consumer that wants no such path puts a register slice after m_*).
// Reset clears the valid bits only. Used by token_check (docs/rtl-token.md); checked against
// OpenSSL's AES-128-ECB in testbenches/rtl_token.
`resetall
`timescale 1ns/1ps
`default_nettype none

module aes128_pipe #(
  parameter int USER_W = 1
) (
  input  wire               clk,
  input  wire               rst,

  input  wire               s_valid,
  output wire               s_ready,
  input  wire [127:0]       s_key,
  input  wire [127:0]       s_block,
  input  wire [USER_W-1:0]  s_user,

  output wire               m_valid,
  input  wire               m_ready,
  output wire [127:0]       m_block,
  output wire [USER_W-1:0]  m_user
);

  initial begin
    if (USER_W < 1) begin
      $error("aes128_pipe (%m): USER_W (%0d) must be at least 1", USER_W);
    end
  end

  localparam int ROUNDS = 10;
  localparam int STAGES = ROUNDS + 1;  // stage 0: AddRoundKey 0; stage r: round r

  logic [STAGES-1:0]        vld_q, vld_d;
  logic [128*STAGES-1:0]    st_q, st_d;     // stage s at 128*s +: 128
  logic [128*ROUNDS-1:0]    rk_q, rk_d;     // round key s of stage s (0..9; 10 is not kept)
  logic [128*ROUNDS-1:0]    st_r;           // round r's output at 128*(r-1) +: 128
  logic [128*ROUNDS-1:0]    rk_r;           // round key r at 128*(r-1) +: 128
  logic [127:0]             unused_rk;      // round key 10: used inside round 10 only
  logic [USER_W*STAGES-1:0] user_q, user_d;
  logic                     en;

  // Round r reads stage r-1's registers.
  for (genvar r = 1; r <= ROUNDS; r++) begin : g_round
    aes128_round #(
      .ROUND (r)
    ) u_round (
      .st_in  (st_q[128*(r-1) +: 128]),
      .rk_in  (rk_q[128*(r-1) +: 128]),
      .st_out (st_r[128*(r-1) +: 128]),
      .rk_out (rk_r[128*(r-1) +: 128])
    );
  end
  assign unused_rk = rk_r[128*(ROUNDS-1) +: 128];

  assign en = !vld_q[STAGES-1] || m_ready;

  always_comb begin
    vld_d  = vld_q;
    st_d   = st_q;
    rk_d   = rk_q;
    user_d = user_q;
    if (en) begin
      vld_d[0]            = s_valid;
      st_d[0 +: 128]      = s_block ^ s_key;
      rk_d[0 +: 128]      = s_key;
      user_d[0 +: USER_W] = s_user;
      for (int s = 1; s < STAGES; s++) begin
        vld_d[s]                   = vld_q[s-1];
        st_d[128*s +: 128]         = st_r[128*(s-1) +: 128];
        user_d[USER_W*s +: USER_W] = user_q[USER_W*(s-1) +: USER_W];
        if (s < ROUNDS) begin
          rk_d[128*s +: 128] = rk_r[128*(s-1) +: 128];
        end
      end
    end
  end
  always_ff @(posedge clk) begin
    if (rst) begin
      vld_q <= '0;
    end else begin
      vld_q <= vld_d;
    end
    st_q   <= st_d;
    rk_q   <= rk_d;
    user_q <= user_d;
  end

  assign s_ready = en;
  assign m_valid = vld_q[STAGES-1];
  assign m_block = st_q[128*(STAGES-1) +: 128];
  assign m_user  = user_q[USER_W*(STAGES-1) +: USER_W];

endmodule

`default_nettype wire
