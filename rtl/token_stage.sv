// SPDX-License-Identifier: MIT
// token_stage: the destination-token step of nic_datapath (docs/spec.md 11, docs/rtl-token.md),
// between the parser's metadata and the lookups.
//
// A frame's metadata is a token frame when checking is on (cfg_enable), the parser found a
// token (s_meta.tok), the frame has no parse error and is not longer than MAX_FRAME, and it
// comes from a VNIC (vport 1..NUM_VNIC). Its token goes to token_check (with the vport as the
// sending ENI) and its metadata into the order FIFO; when the verdict comes back (34 clocks
// later, in order), an ok token's address replaces the destination address of the flow key
// and of the TCAM key's flow key (an IPv4-mapped address ::ffff:a.b.c.d as the key holds IPv4:
// the last 4 bytes, zeros before), and any other verdict sets m_refused (the datapath skips
// the lookups and drops the frame `token` or sends it to the exception ring, per VNIC).
//
// Metadata leaves in the order it came. Any frame behind a token frame waits in the FIFO
// until the token frame leaves; with the FIFO empty a frame without a token passes straight
// through (no clock added: s_meta_ready is m_meta_ready then). m_meta.tok and m_meta.token
// are zero (the token does not travel further).
//
// The keys (s_key_*), the window clear (clr_*), key_busy / key_valid and the verdict counters
// (cnt_verdicts: verdict v at bits 32*v +: 32) are token_check's, for the TOKN registers.
`resetall
`timescale 1ns/1ps
`default_nettype none

module token_stage #(
  parameter int NUM_VNIC = 8,
  parameter int DEPTH    = 32    // metadata in flight behind and with the tokens, a power of two
) (
  input  wire                   clk,
  input  wire                   rst,

  input  wire                   cfg_enable,         // TOKN CONTROL.ENABLE

  // keys and windows (TOKN KEY_*, WIN_CLR)
  input  wire                   s_key_valid,
  output wire                   s_key_ready,
  input  wire                   s_key_slot,
  input  wire                   s_key_clear,
  input  wire [127:0]           s_key_enc,
  input  wire [127:0]           s_key_mac,
  output wire                   key_busy,
  output wire [1:0]             key_valid,
  input  wire                   clr_valid,
  input  wire [15:0]            clr_eni,
  output wire [32*6-1:0]        cnt_verdicts,

  // metadata from the parser, to the lookups
  input  wire                   s_meta_valid,
  output wire                   s_meta_ready,
  input  nic_pkg::parse_meta_t  s_meta,
  output logic                  m_meta_valid,
  input  wire                   m_meta_ready,
  output nic_pkg::parse_meta_t  m_meta,
  output logic                  m_refused           // with m_meta: a refused token
);

  // The metadata without tok and token (they are its most significant bits).
  localparam int MW = nic_pkg::PARSE_META_W - 385;

  initial begin
    if (NUM_VNIC < 1 || NUM_VNIC > 254) begin
      $error("token_stage (%m): NUM_VNIC (%0d) must be 1..254", NUM_VNIC);
    end
  end

  logic             is_tok;
  logic             f_empty, f_s_valid, f_s_ready, f_m_valid, f_m_ready, f_head_tok;
  logic [MW-1:0]    f_head;
  logic [$clog2(DEPTH):0] f_count;
  logic             t_s_valid, t_s_ready, t_m_valid, t_m_ready;
  logic [2:0]       t_reason;
  logic [127:0]     t_addr, k_dst;
  logic [15:0]      unused_eni;
  logic [63:0]      unused_seq;
  logic             unused_user;
  logic             bypass;
  nic_pkg::parse_meta_t   head;
  nic_fmt_pkg::flow_key_t fk;
  nic_fmt_pkg::tcam_key_t tk;

  // Separate assignments, not one block: the output side (bypass, t_m_ready) must not
  // appear to depend on token_check's s_tok_ready, which depends on its m_res_ready.
  assign is_tok = cfg_enable && s_meta.tok && !s_meta.parse_err &&
                  !s_meta.too_long &&
                  s_meta.vport >= 8'd1 && s_meta.vport <= 8'(NUM_VNIC);
  assign f_empty = f_count == '0;
  // With nothing queued a frame without a token goes straight out.
  assign bypass       = f_empty && !is_tok;
  assign s_meta_ready = bypass ? m_meta_ready : (f_s_ready && (!is_tok || t_s_ready));
  assign f_s_valid    = s_meta_valid && !bypass && f_s_ready && (!is_tok || t_s_ready);
  assign t_s_valid    = s_meta_valid && is_tok && f_s_ready;

  sync_fifo #(.WIDTH(1 + MW), .DEPTH(DEPTH)) u_order (
    .clk (clk), .rst (rst),
    .s_valid (f_s_valid), .s_ready (f_s_ready), .s_data ({is_tok, s_meta[MW-1:0]}),
    .m_valid (f_m_valid), .m_ready (f_m_ready), .m_data ({f_head_tok, f_head}),
    .count (f_count)
  );

  token_check #(.NUM_ENI(NUM_VNIC), .USER_W(1)) u_check (
    .clk          (clk),
    .rst          (rst),
    .s_key_valid  (s_key_valid),
    .s_key_ready  (s_key_ready),
    .s_key_slot   (s_key_slot),
    .s_key_clear  (s_key_clear),
    .s_key_enc    (s_key_enc),
    .s_key_mac    (s_key_mac),
    .key_busy     (key_busy),
    .key_valid    (key_valid),
    .clr_valid    (clr_valid),
    .clr_eni      (clr_eni),
    .s_tok_valid  (t_s_valid),
    .s_tok_ready  (t_s_ready),
    .s_tok_data   (s_meta.token),
    .s_tok_eni    ({8'd0, s_meta.vport}),
    .s_tok_user   (1'b0),
    .m_res_valid  (t_m_valid),
    .m_res_ready  (t_m_ready),
    .m_res_reason (t_reason),
    .m_res_addr   (t_addr),
    .m_res_eni    (unused_eni),
    .m_res_seq    (unused_seq),
    .m_res_user   (unused_user),
    .m_cnt        (cnt_verdicts)
  );

  always_comb begin
    head = '0;
    head[MW-1:0] = f_head;
    // The address as the key holds it (spec 3: IPv4 in the last 4 bytes, zeros before).
    k_dst = t_addr[127:32] == {80'd0, 16'hFFFF} ? {96'd0, t_addr[31:0]} : t_addr;
    fk = head.flow_key;
    tk = head.tcam_key;
    if (f_head_tok && t_reason == nic_fmt_pkg::TOKEN_VERDICT_OK) begin
      fk.dst       = k_dst;
      tk.flow_key  = fk;
      head.flow_key = fk;
      head.tcam_key = tk;
    end
    if (bypass) begin
      m_meta_valid = s_meta_valid;
      m_meta       = s_meta;
      m_meta.tok   = 1'b0;
      m_meta.token = '0;
      m_refused    = 1'b0;
    end else begin
      m_meta_valid = f_m_valid && (!f_head_tok || t_m_valid);
      m_meta       = head;
      m_refused    = f_head_tok && t_reason != nic_fmt_pkg::TOKEN_VERDICT_OK;
    end
    f_m_ready = !bypass && f_m_valid && (!f_head_tok || t_m_valid) && m_meta_ready;
    t_m_ready = f_m_ready && f_head_tok;
  end

endmodule

`default_nettype wire
