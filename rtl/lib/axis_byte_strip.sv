// SPDX-License-Identifier: MIT
// axis_byte_strip: removes the first s_axis_len bytes of every AXI4-Stream frame (a variable
// left shift of the stream across beats), e.g. the outer headers of a tunnel for a decap.
//
//   out[k] = in[k + len]        len = 0 .. 2^LEN_W-1, sampled with the first beat of a frame
//
// With len = q*KEEP_W + r: the first q input beats are dropped, then each output beat takes
// lanes r.. of the held beat `h` and lanes 0..r-1 of the next input beat (look-ahead on
// s_axis); an input last beat with at most r bytes is swallowed by the output beat it
// completes. A frame that is not longer than len gives one beat with tkeep 0 and tlast (so
// frames in and out stay one to one; it never happens for a decap the parser allows): its
// dropped last beat goes through `h` with tkeep 0.
//
// A side band s_axis_sb (SB_W bits) is sampled with the first beat and presented with every
// output beat of the frame (m_axis_sb). One register stage `h`. Throughput: one input beat per
// clock whatever len; an output beat per clock except for the dropped beats. m_axis is
// combinational from `h` and, when r != 0, from s_axis (place a register after it);
// m_axis_sb is a register (a long calculation may feed s_axis_sb and another use m_axis_sb);
// s_axis_tready depends on m_axis_tready and registers only (a dropped last beat goes to `h`
// like any other). Non-last beats must be full (tkeep all ones); tkeep of a last beat
// contiguous from lane 0.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_byte_strip #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 1,
  parameter int LEN_W  = 8,
  parameter int SB_W   = 1
) (
  input  wire               clk,
  input  wire               rst,

  input  wire [DATA_W-1:0]  s_axis_tdata,
  input  wire [KEEP_W-1:0]  s_axis_tkeep,
  input  wire               s_axis_tvalid,
  output logic              s_axis_tready,
  input  wire               s_axis_tlast,
  input  wire [USER_W-1:0]  s_axis_tuser,
  input  wire [LEN_W-1:0]   s_axis_len,   // with the first beat of a frame
  input  wire [SB_W-1:0]    s_axis_sb,    // with the first beat of a frame

  output logic [DATA_W-1:0] m_axis_tdata,
  output logic [KEEP_W-1:0] m_axis_tkeep,
  output logic              m_axis_tvalid,
  input  wire               m_axis_tready,
  output logic              m_axis_tlast,
  output logic [USER_W-1:0] m_axis_tuser,
  output logic [SB_W-1:0]   m_axis_sb
);

  localparam int SH_W = (KEEP_W > 1) ? $clog2(KEEP_W) : 1;  // lane index

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0) begin
      $error("axis_byte_strip (%m): DATA_W (%0d) must be a positive multiple of 8", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("axis_byte_strip (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (LEN_W < 1 || LEN_W > 15) begin
      $error("axis_byte_strip (%m): LEN_W (%0d) must be 1..15", LEN_W);
    end
  end

  // Control state (reset).
  logic              in_frame_q, in_frame_d;   // the next input beat is not a first beat
  logic              h_valid_q, h_valid_d;
  // Data path and per-frame values (not reset).
  logic [LEN_W-1:0]  skip_q, skip_d;           // input beats of the frame still to drop
  logic [SH_W-1:0]   rd_q, rd_d;               // len mod KEEP_W of the frame in h
  logic [DATA_W-1:0] h_data_q, h_data_d;
  logic [KEEP_W-1:0] h_keep_q, h_keep_d;
  logic              h_last_q, h_last_d;
  logic [USER_W-1:0] h_user_q, h_user_d;
  logic [SB_W-1:0]   sb_q, sb_d;

  logic [15:0]       len16, qd_in16, rd_in16;
  logic              first, drop_this, need_next, swallow, to_h, m_fire, s_fire;
  logic [SH_W:0]     lsh;                      // KEEP_W - rd
  logic [SH_W-1:0]   rd_in;
  logic              unused_rd;

  assign unused_rd = ^rd_in16[15:SH_W];  // < KEEP_W

  always_comb begin
    first     = !in_frame_q;
    len16     = 16'(s_axis_len);
    qd_in16   = len16 / 16'(KEEP_W);
    rd_in16   = len16 % 16'(KEEP_W);
    rd_in     = rd_in16[SH_W-1:0];
    drop_this = first ? (qd_in16 != 16'd0) : (skip_q != '0);
    need_next = h_valid_q && !h_last_q && (rd_q != '0);
    lsh       = (SH_W+1)'(KEEP_W) - {1'b0, rd_q};
    swallow   = need_next && s_axis_tlast && !s_axis_tkeep[rd_q];

    m_axis_tdata  = h_data_q >> {rd_q, 3'b000};
    m_axis_tkeep  = h_keep_q >> rd_q;
    m_axis_tlast  = h_last_q;
    m_axis_tuser  = h_user_q;
    m_axis_sb     = sb_q;
    m_axis_tvalid = 1'b0;
    s_axis_tready = 1'b0;
    if (h_valid_q && !need_next) begin
      // The held beat alone (the frame's last, or r == 0); the input may refill h.
      m_axis_tvalid = 1'b1;
      s_axis_tready = m_axis_tready;
    end else if (h_valid_q) begin
      // Held beat + the low r lanes of the next input beat of the same frame.
      m_axis_tdata  = m_axis_tdata | (s_axis_tdata << {lsh, 3'b000});
      m_axis_tkeep  = m_axis_tkeep | (s_axis_tkeep << lsh);
      m_axis_tlast  = swallow;
      m_axis_tuser  = swallow ? (h_user_q | s_axis_tuser) : h_user_q;
      m_axis_tvalid = s_axis_tvalid;
      s_axis_tready = m_axis_tready;
    end else begin
      // h empty: the input beat goes to h or is dropped.
      s_axis_tready = 1'b1;
    end
    m_fire = m_axis_tvalid && m_axis_tready;
    s_fire = s_axis_tvalid && s_axis_tready;
    // A dropped last beat ends a frame that had nothing left: it goes to h with tkeep 0 and
    // leaves as the frame's one (empty) beat.
    to_h   = !swallow && (!drop_this || s_axis_tlast);

    in_frame_d = in_frame_q;
    h_valid_d  = h_valid_q && !(m_fire && h_valid_q);
    skip_d     = skip_q;
    rd_d       = rd_q;
    sb_d       = sb_q;
    h_data_d   = h_data_q;
    h_keep_d   = h_keep_q;
    h_last_d   = h_last_q;
    h_user_d   = h_user_q;
    if (s_fire) begin
      in_frame_d = !s_axis_tlast;
      if (first) begin
        sb_d   = s_axis_sb;
        rd_d   = rd_in;
        skip_d = drop_this ? LEN_W'(qd_in16 - 16'd1) : '0;
      end else if (skip_q != '0) begin
        skip_d = skip_q - LEN_W'(1);
      end
      if (to_h) begin
        h_valid_d = 1'b1;
        h_data_d  = s_axis_tdata;
        h_keep_d  = drop_this ? '0 : s_axis_tkeep;
        h_last_d  = s_axis_tlast;
        h_user_d  = s_axis_tuser;
      end
    end
  end

  always_ff @(posedge clk) begin
    skip_q   <= skip_d;
    rd_q     <= rd_d;
    sb_q     <= sb_d;
    h_data_q <= h_data_d;
    h_keep_q <= h_keep_d;
    h_last_q <= h_last_d;
    h_user_q <= h_user_d;
    if (rst) begin
      in_frame_q <= 1'b0;
      h_valid_q  <= 1'b0;
    end else begin
      in_frame_q <= in_frame_d;
      h_valid_q  <= h_valid_d;
    end
  end

endmodule

`default_nettype wire
