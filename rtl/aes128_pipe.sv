// SPDX-License-Identifier: MIT
// aes128_pipe: the AES-128 forward cipher (FIPS-197) as a pipeline of one round per stage,
// the key expanded with the block: one block per clock, 11 clocks from s_* to m_*.
//
// Stage 0 registers AddRoundKey 0 (block XOR key) and the key; stage r (1..10) registers
// round r (SubBytes, ShiftRows, MixColumns except in round 10, AddRoundKey) and round key r,
// expanded in the same stage from round key r-1 (aes128_pkg::step, the logic of aes128_round). Every block carries its own key, so the key
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

  logic [STAGES-1:0] vld_q;
  logic [127:0]      unused_rk;
  logic              en;

  assign en = !vld_q[STAGES-1] || m_ready;

  // Stage s (1..10) takes round s of stage s-1's block and key (aes128_pkg::step, the logic
  // of aes128_round) when the pipeline moves and stage s-1 holds a block; its registers keep
  // their value otherwise (a stage without a block is don't-care). Written as a call inside the
  // enable, not as a combinational round feeding the registers, so that a simulator computes
  // a round only for a block that is there (an idle pipeline costs Verilator nothing). Each
  // stage's registers are variables of their own, each written whole: Verilator copies a
  // vector written in parts by nonblocking assignments (all stages in one 4,455-bit user
  // vector, as before) to a shadow and back on every clock (docs/perf-rtl.md, step 7).
  for (genvar s = 0; s < STAGES; s++) begin : g_stage
    logic [127:0]      st_q;    // the block after stage s
    logic [127:0]      rk_q;    // round key s (stage 10's is not read)
    logic [USER_W-1:0] user_q;
    if (s == 0) begin : g_first
      always_ff @(posedge clk) begin
        if (en && s_valid) begin
          st_q   <= s_block ^ s_key;
          rk_q   <= s_key;
          user_q <= s_user;
        end
      end
    end else begin : g_round
      always_ff @(posedge clk) begin
        if (en && vld_q[s-1]) begin
          {st_q, rk_q} <= aes128_pkg::step(g_stage[s-1].st_q, g_stage[s-1].rk_q, s);
          user_q       <= g_stage[s-1].user_q;
        end
      end
    end
  end

  assign unused_rk = g_stage[ROUNDS].rk_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      vld_q <= '0;
    end else if (en) begin
      vld_q <= {vld_q[STAGES-2:0], s_valid};
    end
  end

  assign s_ready = en;
  assign m_valid = vld_q[STAGES-1];
  assign m_block = g_stage[STAGES-1].st_q;
  assign m_user  = g_stage[STAGES-1].user_q;

endmodule

`default_nettype wire
