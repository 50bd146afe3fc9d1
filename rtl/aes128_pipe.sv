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

  logic [STAGES-1:0]     vld_q;
  logic [128*STAGES-1:0] st_q;     // stage s at 128*s +: 128
  logic [128*STAGES-1:0] rk_q;     // round key s of stage s (10 is not read)
  logic [127:0]          unused_rk;
  logic                  en;

  assign en        = !vld_q[STAGES-1] || m_ready;
  assign unused_rk = rk_q[128*ROUNDS +: 128];

  // Stage s (1..10) takes round s of stage s-1's block and key (aes128_pkg::step, the logic
  // of aes128_round) when the pipeline moves and stage s-1 holds a block; its registers keep
  // their value otherwise (a stage without a block is don't-care). Written as a call inside the
  // enable, not as a combinational round feeding the registers, so that a simulator computes
  // a round only for a block that is there (an idle pipeline costs Verilator nothing). One
  // call in a loop over the stages: Verilator keeps the loop (and one copy of the round's 20
  // S-boxes) where stages of their own would each inline the round (10 copies: the NIC's
  // generated C++ twice as large).
  always_ff @(posedge clk) begin
    if (en) begin
      if (s_valid) begin
        st_q[0 +: 128] <= s_block ^ s_key;
        rk_q[0 +: 128] <= s_key;
      end
      for (int s = 1; s < STAGES; s++) begin
        if (vld_q[s-1]) begin
          {st_q[128*s +: 128], rk_q[128*s +: 128]} <=
              aes128_pkg::step(st_q[128*(s-1) +: 128], rk_q[128*(s-1) +: 128], s);
        end
      end
    end
    if (rst) begin
      vld_q <= '0;
    end else if (en) begin
      vld_q <= {vld_q[STAGES-2:0], s_valid};
    end
  end

  // The side band (USER_W bits a stage: 405 in token_check) is a variable per stage, each
  // written whole: Verilator copies a vector written in parts by nonblocking assignments to a
  // shadow and back on every clock (all stages in one vector were 4,455 bits copied twice a
  // clock; docs/perf-rtl.md, step 7). The blocks and keys above (2 x 1,408 bits) keep that
  // cost, the price of the single call.
  for (genvar s = 0; s < STAGES; s++) begin : g_user
    logic [USER_W-1:0] q;
    if (s == 0) begin : g_first
      always_ff @(posedge clk) begin
        if (en && s_valid) begin
          q <= s_user;
        end
      end
    end else begin : g_next
      always_ff @(posedge clk) begin
        if (en && vld_q[s-1]) begin
          q <= g_user[s-1].q;
        end
      end
    end
  end

  assign s_ready = en;
  assign m_valid = vld_q[STAGES-1];
  assign m_block = st_q[128*(STAGES-1) +: 128];
  assign m_user  = g_user[STAGES-1].q;

endmodule

`default_nettype wire
