// SPDX-License-Identifier: MIT
// token_check: checks encrypted, authenticated destination tokens (docs/rtl-token.md):
// AES-128-CMAC verify, AES-128-CTR decrypt, the sender's ENI, a 64-entry anti-replay window
// per ENI; one verdict per token, in order, with the destination address of a good one.
//
// Token (s_tok_data, 48 bytes, byte 0 in bits 383:376): H = version (1) | slot (bit 0; 7:1
// reserved) | eni (16) | reserved (32) | seq (64), then ct (16 bytes), then tag (16 bytes).
//   tag == CMAC(K_mac[slot], H || ct)   and   addr = ct XOR AES(K_enc[slot], H).
// Each token goes through aes128_pipe three times: pass 0 C1 = AES(K_mac, H); pass 1
// T = AES(K_mac, C1 ^ ct ^ K1), compared with the tag; pass 2 KS = AES(K_enc, H). A token
// leaving pass 0 or 1 goes straight back into the pipeline's first stage, and a new token
// enters only on a clock when none comes back: one token per 3 clocks at most, 34 clocks
// from s_tok_* to m_res_* (3 passes of 11, the verdict register). In order (every token
// takes the same number of clocks through the pipeline).
//
// Verdicts (m_res_reason, enum token_verdict of rtl/formats.yaml: nic_fmt_pkg::TOKEN_VERDICT_*),
// the first that applies: BAD_FORMAT (version not 1, a reserved bit set, eni not 1..NUM_ENI),
// NO_KEY in the slot, BAD_TAG, ENI_MISMATCH (eni != s_tok_eni, the ENI that sent the frame),
// REPLAY (seq seen, or 64 or more below the highest seen); else OK, and m_res_addr is the
// address (0 for every other verdict). Only ok tokens update their ENI's window. m_cnt counts
// verdicts (verdict v at bits 32*v +: 32, wrapping).
//
// Keys: s_key_* loads (or with s_key_clear, clears and zeroes) a slot. The command is taken
// when the checker is idle (s_key_ready); then no token enters until every token in flight
// has its verdict, the slot is written, and one AES pass derives the CMAC subkey K1 =
// dbl(AES(K_mac, 0)); key_busy is high meanwhile. There is no read port for the keys.
// clr_valid clears the window of ENI clr_eni (an ENI outside 1..NUM_ENI: nothing).
// Reset: no valid key, every window cleared (top 0, empty bitmap), counters 0.
`resetall
`timescale 1ns/1ps
`default_nettype none

module token_check #(
  parameter int NUM_ENI = 8,
  parameter int USER_W  = 1
) (
  input  wire                clk,
  input  wire                rst,

  // key command (the host's register path)
  input  wire                s_key_valid,
  output wire                s_key_ready,
  input  wire                s_key_slot,
  input  wire                s_key_clear,
  input  wire [127:0]        s_key_enc,
  input  wire [127:0]        s_key_mac,
  output wire                key_busy,
  output wire [1:0]          key_valid,

  // replay window clear
  input  wire                clr_valid,
  input  wire [15:0]         clr_eni,

  // tokens
  input  wire                s_tok_valid,
  output wire                s_tok_ready,
  input  wire [383:0]        s_tok_data,
  input  wire [15:0]         s_tok_eni,
  input  wire [USER_W-1:0]   s_tok_user,

  // verdicts
  output wire                m_res_valid,
  input  wire                m_res_ready,
  output wire [2:0]          m_res_reason,
  output wire [127:0]        m_res_addr,
  output wire [15:0]         m_res_eni,
  output wire [63:0]         m_res_seq,
  output wire [USER_W-1:0]   m_res_user,

  output wire [32*6-1:0]     m_cnt
);

  initial begin
    if (NUM_ENI < 1 || NUM_ENI > 65535) begin
      $error("token_check (%m): NUM_ENI (%0d) must be 1..65535", NUM_ENI);
    end
    if (USER_W < 1) begin
      $error("token_check (%m): USER_W (%0d) must be at least 1", USER_W);
    end
  end

  // Verdicts: nic_fmt_pkg::TOKEN_VERDICT_* (REPLAY the last); m_res_reason and m_cnt are
  // sized for them (a wider enum fails Verilator's width check of the port assignments).
  localparam int NUM_REASONS = 32'(nic_fmt_pkg::TOKEN_VERDICT_REPLAY) + 1;

  // Passes through the pipeline.
  localparam logic [1:0] P_CMAC1  = 2'd0;
  localparam logic [1:0] P_CMAC2  = 2'd1;
  localparam logic [1:0] P_CTR    = 2'd2;
  localparam logic [1:0] P_SUBKEY = 2'd3;

  // Key command states.
  localparam logic [1:0] K_IDLE  = 2'd0;
  localparam logic [1:0] K_DRAIN = 2'd1;  // waiting for the tokens in flight
  localparam logic [1:0] K_SUB   = 2'd2;  // the subkey pass is to be issued
  localparam logic [1:0] K_WAIT  = 2'd3;  // the subkey pass is in the pipeline

  localparam int WIN = 64;
  localparam int ENI_W = NUM_ENI > 1 ? $clog2(NUM_ENI) : 1;

  // The pipeline's side band: what a token needs after each pass. The checks that do not
  // read a replay window are made as the token enters (its header, its ENI, the slot's key:
  // no key command is taken while a token is in flight) and travel with it, so that the
  // verdict in the clock it leaves pass 2 is only the window's part (docs/rtl-token.md).
  typedef struct packed {
    logic [1:0]         pass;
    logic               slot;
    logic               tag_ok;   // set when pass 1 ends
    logic               bad_fmt;  // version, reserved bits, ENI not 1..NUM_ENI
    logic               no_key;   // the slot has no key
    logic               eni_mis;  // the header's ENI is not the sender's
    logic [ENI_W-1:0]   eni_ix;   // the header's ENI - 1 (any value when out of range:
                                  // bad_fmt then, and no window is read or written)
    logic [127:0]       hdr;
    logic [127:0]       ct;
    logic [127:0]       tag;
    logic [USER_W-1:0]  user;
  } side_t;
  // $bits(side_t), written out (Yosys 0.23 has no $bits of a type); Verilator's width
  // check of the aes128_pipe connection catches a mismatch.
  localparam int SIDE_W = 2 + 1 + 1 + 3 + ENI_W + 3*128 + USER_W;

  // ---- keys -------------------------------------------------------------------------------
  logic [255:0] kenc_q, kenc_d;   // slot s at 128*s +: 128
  logic [255:0] kmac_q, kmac_d;
  logic [255:0] k1_q, k1_d;
  logic [1:0]   kok_q, kok_d;
  logic [1:0]   kst_q, kst_d;
  logic         cmd_slot_q, cmd_slot_d;
  logic         cmd_clear_q, cmd_clear_d;
  logic [127:0] cmd_enc_q, cmd_enc_d;
  logic [127:0] cmd_mac_q, cmd_mac_d;
  logic [4:0]   inflight_q, inflight_d;   // tokens inside the pipeline (at most 11)

  // ---- pipeline ---------------------------------------------------------------------------
  logic         core_s_valid, core_s_ready, core_m_valid, core_m_ready;
  logic [127:0] core_s_key, core_s_block, core_m_block;
  side_t        core_s_side, core_m_side;

  aes128_pipe #(
    .USER_W (SIDE_W)
  ) u_aes (
    .clk     (clk),
    .rst     (rst),
    .s_valid (core_s_valid),
    .s_ready (core_s_ready),
    .s_key   (core_s_key),
    .s_block (core_s_block),
    .s_user  (core_s_side),
    .m_valid (core_m_valid),
    .m_ready (core_m_ready),
    .m_block (core_m_block),
    .m_user  (core_m_side)
  );

  // ---- replay windows and the verdict register -------------------------------------------
  logic [64*NUM_ENI-1:0]          top_q, top_d;   // ENI e (1..NUM_ENI) at 64*(e-1) +: 64
  logic [WIN*NUM_ENI-1:0]         bm_q, bm_d;     // bit d: top - d seen
  logic                           res_valid_q, res_valid_d;
  logic [2:0]                     res_reason_q, res_reason_d;
  logic [127:0]                   res_addr_q, res_addr_d;
  logic [15:0]                    res_eni_q, res_eni_d;
  logic [63:0]                    res_seq_q, res_seq_d;
  logic [USER_W-1:0]              res_user_q, res_user_d;
  logic [32*NUM_REASONS-1:0]      cnt_q, cnt_d;

  logic         recirc, out_tok, out_sub, res_take, admit;
  logic         tok_slot;
  logic [7:0]   n_ver;         // the entering token's header
  logic [6:0]   n_flags;       // byte 1 without the slot bit
  logic [15:0]  n_eni;
  logic [31:0]  n_rsvd;
  logic [15:0]  h_eni;         // the token leaving pass 2
  logic [63:0]  h_seq;
  logic         win_replay;    // the token's ENI's window refuses its sequence number
  logic [(1<<ENI_W)-1:0]  replay_v;  // per ENI (0 beyond NUM_ENI)
  logic [64*NUM_ENI-1:0]  top_upd;   // per ENI: its window after an ok token of its own
  logic [WIN*NUM_ENI-1:0] bm_upd;

  assign recirc   = core_m_valid &&
                    (core_m_side.pass == P_CMAC1 || core_m_side.pass == P_CMAC2);
  assign out_tok  = core_m_valid && core_m_side.pass == P_CTR;
  assign out_sub  = core_m_valid && core_m_side.pass == P_SUBKEY;
  assign res_take = !res_valid_q || m_res_ready;
  // A token's pass 2 leaves into the verdict register; passes 0, 1 and the subkey pass
  // always leave (back into the pipeline, or into K1).
  assign core_m_ready = out_tok ? res_take : 1'b1;
  assign admit        = kst_q == K_IDLE && !recirc;
  assign tok_slot     = s_tok_data[368];  // byte 1, bit 0
  assign n_ver        = s_tok_data[383:376];
  assign n_flags      = s_tok_data[375:369];
  assign n_eni        = s_tok_data[367:352];
  assign n_rsvd       = s_tok_data[351:320];

  // The pipeline's input: a token coming back, the subkey pass, or a new token.
  always_comb begin
    core_s_valid        = 1'b0;
    core_s_key          = kmac_q[128*tok_slot +: 128];
    core_s_block        = s_tok_data[383:256];
    core_s_side         = '0;
    core_s_side.pass    = P_CMAC1;
    core_s_side.slot    = tok_slot;
    core_s_side.bad_fmt = n_ver != 8'd1 || n_flags != '0 || n_rsvd != '0 || n_eni == '0 ||
                          32'(n_eni) > NUM_ENI;
    core_s_side.no_key  = !kok_q[tok_slot];
    core_s_side.eni_mis = n_eni != s_tok_eni;
    core_s_side.eni_ix  = ENI_W'(n_eni - 16'd1);
    core_s_side.hdr     = s_tok_data[383:256];
    core_s_side.ct      = s_tok_data[255:128];
    core_s_side.tag     = s_tok_data[127:0];
    core_s_side.user    = s_tok_user;
    if (recirc) begin
      core_s_valid = 1'b1;
      core_s_side  = core_m_side;
      if (core_m_side.pass == P_CMAC1) begin
        core_s_side.pass = P_CMAC2;
        core_s_key       = kmac_q[128*core_m_side.slot +: 128];
        core_s_block     = core_m_block ^ core_m_side.ct ^ k1_q[128*core_m_side.slot +: 128];
      end else begin
        core_s_side.pass   = P_CTR;
        core_s_side.tag_ok = core_m_block == core_m_side.tag;
        core_s_key         = kenc_q[128*core_m_side.slot +: 128];
        core_s_block       = core_m_side.hdr;
      end
    end else if (kst_q == K_SUB) begin
      core_s_valid     = 1'b1;
      core_s_side.pass = P_SUBKEY;
      core_s_side.slot = cmd_slot_q;
      core_s_key       = kmac_q[128*cmd_slot_q +: 128];
      core_s_block     = '0;
    end else if (admit) begin
      core_s_valid = s_tok_valid;
    end
  end

  assign s_tok_ready = admit && core_s_ready;

  // Key commands.
  always_comb begin
    kenc_d      = kenc_q;
    kmac_d      = kmac_q;
    k1_d        = k1_q;
    kok_d       = kok_q;
    kst_d       = kst_q;
    cmd_slot_d  = cmd_slot_q;
    cmd_clear_d = cmd_clear_q;
    cmd_enc_d   = cmd_enc_q;
    cmd_mac_d   = cmd_mac_q;
    inflight_d  = inflight_q + {4'd0, s_tok_valid && s_tok_ready}
                             - {4'd0, out_tok && res_take};
    case (kst_q)
      K_IDLE: begin
        if (s_key_valid) begin
          kst_d       = K_DRAIN;
          cmd_slot_d  = s_key_slot;
          cmd_clear_d = s_key_clear;
          cmd_enc_d   = s_key_enc;
          cmd_mac_d   = s_key_mac;
        end
      end
      K_DRAIN: begin
        if (inflight_q == '0) begin
          kok_d[cmd_slot_q]               = 1'b0;
          kenc_d[128*cmd_slot_q +: 128]   = cmd_clear_q ? '0 : cmd_enc_q;
          kmac_d[128*cmd_slot_q +: 128]   = cmd_clear_q ? '0 : cmd_mac_q;
          k1_d[128*cmd_slot_q +: 128]     = '0;
          kst_d                           = cmd_clear_q ? K_IDLE : K_SUB;
        end
      end
      K_SUB: begin
        if (core_s_ready) begin
          kst_d = K_WAIT;
        end
      end
      default: begin  // K_WAIT
        if (out_sub) begin
          // K1 = dbl(L): shift left by one, XOR 0x87 when the bit shifted out is 1.
          k1_d[128*cmd_slot_q +: 128] = {core_m_block[126:0], 1'b0} ^
                                        {120'd0, core_m_block[127] ? 8'h87 : 8'h00};
          kok_d[cmd_slot_q]           = 1'b1;
          kst_d                       = K_IDLE;
        end
      end
    endcase
    // The command's key copies are not kept once written.
    if (kst_q != K_IDLE && kst_d == K_IDLE) begin
      cmd_enc_d = '0;
      cmd_mac_d = '0;
    end
  end

  // The verdict of the token leaving pass 2, its window update, and the window clear.
  assign h_eni   = core_m_side.hdr[111:96];
  assign h_seq   = core_m_side.hdr[63:0];

  // Every ENI's window checks the sequence number at once, and computes what it becomes if
  // the token is ok and its own; the token's ENI index then selects one bit (replay) and
  // enables one update: no select of a window before the 64-bit compare, the bitmap's bit and
  // the shift (an ENI out of range is BAD_FORMAT before the window counts).
  for (genvar e = 0; e < NUM_ENI; e++) begin : g_win
    logic [63:0]    top;
    logic [WIN-1:0] bm;
    logic [63:0]    diff;      // top - seq
    logic           is_new;    // seq above top
    logic           far;       // is_new: 64 or more above the top
    logic [5:0]     up;        // is_new, not far: by how much it is above the top
    assign top    = top_q[64*e +: 64];
    assign bm     = bm_q[WIN*e +: WIN];
    assign diff   = top - h_seq;
    assign is_new = h_seq > top;
    assign replay_v[e] = !is_new && (diff[63:6] != '0 || bm[diff[5:0]]);
    // A new top's distance from the old, from the one subtract: diff = 2^64 - (seq - top),
    // so a distance below 64 has every bit of diff[63:6] set and diff[5:0] not zero.
    assign far  = diff[63:6] != '1 || diff[5:0] == '0;
    assign up   = 6'd0 - diff[5:0];
    assign top_upd[64*e +: 64] = is_new ? h_seq : top;
    assign bm_upd[WIN*e +: WIN] = is_new ? (far ? 64'd1 : (bm << up) | 64'd1)
                                         : bm | (64'd1 << diff[5:0]);
  end
  if ((1 << ENI_W) > NUM_ENI) begin : g_replay_pad
    assign replay_v[(1<<ENI_W)-1:NUM_ENI] = '0;
  end
  assign win_replay = replay_v[core_m_side.eni_ix];

  // The verdict one-hot (bit v: verdict v), for the counters' and the window's enables: not
  // the encoded verdict decoded again.
  logic                   pre_ok;      // every check but the window's passed
  logic [NUM_REASONS-1:0] verdict_oh;
  always_comb begin
    pre_ok     = !core_m_side.bad_fmt && !core_m_side.no_key && core_m_side.tag_ok &&
                 !core_m_side.eni_mis;
    verdict_oh = '0;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_BAD_FORMAT]   = core_m_side.bad_fmt;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_NO_KEY]       = !core_m_side.bad_fmt &&
                                                          core_m_side.no_key;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_BAD_TAG]      = !core_m_side.bad_fmt &&
                                                          !core_m_side.no_key &&
                                                          !core_m_side.tag_ok;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_ENI_MISMATCH] = !core_m_side.bad_fmt &&
                                                          !core_m_side.no_key &&
                                                          core_m_side.tag_ok &&
                                                          core_m_side.eni_mis;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_REPLAY]       = pre_ok && win_replay;
    verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_OK]           = pre_ok && !win_replay;
  end

  always_comb begin
    top_d        = top_q;
    bm_d         = bm_q;
    cnt_d        = cnt_q;
    res_valid_d  = res_valid_q;
    res_reason_d = res_reason_q;
    res_addr_d   = res_addr_q;
    res_eni_d    = res_eni_q;
    res_seq_d    = res_seq_q;
    res_user_d   = res_user_q;
    if (res_take) begin
      res_valid_d = out_tok;
      if (out_tok) begin
        if (core_m_side.bad_fmt) begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_BAD_FORMAT;
        end else if (core_m_side.no_key) begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_NO_KEY;
        end else if (!core_m_side.tag_ok) begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_BAD_TAG;
        end else if (core_m_side.eni_mis) begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_ENI_MISMATCH;
        end else if (win_replay) begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_REPLAY;
        end else begin
          res_reason_d = nic_fmt_pkg::TOKEN_VERDICT_OK;
        end
        res_addr_d = verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_OK] ? core_m_block ^ core_m_side.ct
                                                               : '0;
        res_eni_d  = h_eni;
        res_seq_d  = h_seq;
        res_user_d = core_m_side.user;
        // each counter its own increment, enabled by its verdict (no multiplexer of the
        // counters by the verdict before the adder)
        for (int v = 0; v < NUM_REASONS; v++) begin
          if (verdict_oh[v]) begin
            cnt_d[32*v +: 32] = cnt_q[32*v +: 32] + 32'd1;
          end
        end
        for (int e = 0; e < NUM_ENI; e++) begin
          if (verdict_oh[nic_fmt_pkg::TOKEN_VERDICT_OK] && 32'(core_m_side.eni_ix) == e) begin
            top_d[64*e +: 64]  = top_upd[64*e +: 64];
            bm_d[WIN*e +: WIN] = bm_upd[WIN*e +: WIN];
          end
        end
      end
    end
    for (int e = 0; e < NUM_ENI; e++) begin
      if (clr_valid && 32'(clr_eni) == e + 1) begin
        top_d[64*e +: 64]  = '0;
        bm_d[WIN*e +: WIN] = '0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      kok_q       <= '0;
      kst_q       <= K_IDLE;
      inflight_q  <= '0;
      top_q       <= '0;
      bm_q        <= '0;
      res_valid_q <= 1'b0;
      cnt_q       <= '0;
    end else begin
      kok_q       <= kok_d;
      kst_q       <= kst_d;
      inflight_q  <= inflight_d;
      top_q       <= top_d;
      bm_q        <= bm_d;
      res_valid_q <= res_valid_d;
      cnt_q       <= cnt_d;
    end
    kenc_q       <= kenc_d;
    kmac_q       <= kmac_d;
    k1_q         <= k1_d;
    cmd_slot_q   <= cmd_slot_d;
    cmd_clear_q  <= cmd_clear_d;
    cmd_enc_q    <= cmd_enc_d;
    cmd_mac_q    <= cmd_mac_d;
    res_reason_q <= res_reason_d;
    res_addr_q   <= res_addr_d;
    res_eni_q    <= res_eni_d;
    res_seq_q    <= res_seq_d;
    res_user_q   <= res_user_d;
  end

  assign s_key_ready  = kst_q == K_IDLE;
  assign key_busy     = kst_q != K_IDLE;
  assign key_valid    = kok_q;
  assign m_res_valid  = res_valid_q;
  assign m_res_reason = res_reason_q;
  assign m_res_addr   = res_addr_q;
  assign m_res_eni    = res_eni_q;
  assign m_res_seq    = res_seq_q;
  assign m_res_user   = res_user_q;
  assign m_cnt        = cnt_q;

endmodule

`default_nettype wire
