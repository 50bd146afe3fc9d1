// SPDX-License-Identifier: MIT
// axis_head_capture: an AXI4-Stream passes through; the first HEAD_BYTES bytes of each frame,
// its length (bytes by tkeep, saturating) and a side band sampled with its first beat are
// captured into a head buffer, which is handed over (m_head_*) once the frame's last beat has
// passed. A beat's bytes are counted by its top kept lane (the stream contract of docs/rtl.md:
// tkeep contiguous from bit 0), a thermometer-to-binary encode instead of a popcount (timing:
// the popcount and the length's add were 11 LUT levels at DATA_W=512); a beat that breaks the
// contract is counted from its lane edges, not its set bits. The parser and the receive
// classifier capture the frame heads their header walkers read with it.
//
// The stream: m_axis_* = s_axis_* (combinational), with tvalid and tready gated while the
// buffer holds a frame not yet handed over: the next frame's first beat waits for the buffer.
// A waiting frame leaves the buffer on the clock m_head_ready is high, and a new frame may
// start on that clock, so s_axis_tready follows m_head_ready combinationally: drive it from
// a register (the header walkers' ready is one).
//
// m_head_data: byte i of the frame at bits [8*i +: 8] (bytes past the frame's end are stale).
// It is the buffer itself, so it also shows the bytes of the frame being captured, as do
// head_beat (beats of that frame taken so far, saturating at HEAD_BYTES*8/DATA_W; 0 between
// frames) and in_frame (a beat of the frame was taken): a user that decodes the head while
// it streams in (rx_classify's early IP end) reads them.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_head_capture #(
  parameter int DATA_W     = 512,
  parameter int KEEP_W     = DATA_W / 8,
  parameter int USER_W     = 1,
  parameter int HEAD_BYTES = 256,   // a multiple of DATA_W/8
  parameter int LEN_W      = 16,    // frame length, saturating at 2^LEN_W - 1
  parameter int INFO_W     = 8,     // side band sampled with a frame's first beat
  parameter int BEAT_CNT_W = $clog2(HEAD_BYTES * 8 / DATA_W + 1)
) (
  input  wire                     clk,
  input  wire                     rst,

  input  wire [DATA_W-1:0]        s_axis_tdata,
  input  wire [KEEP_W-1:0]        s_axis_tkeep,
  input  wire                     s_axis_tvalid,
  output wire                     s_axis_tready,
  input  wire                     s_axis_tlast,
  input  wire [USER_W-1:0]        s_axis_tuser,
  input  wire [INFO_W-1:0]        s_axis_info,

  output wire [DATA_W-1:0]        m_axis_tdata,
  output wire [KEEP_W-1:0]        m_axis_tkeep,
  output wire                     m_axis_tvalid,
  input  wire                     m_axis_tready,
  output wire                     m_axis_tlast,
  output wire [USER_W-1:0]        m_axis_tuser,

  output wire                     m_head_valid,
  input  wire                     m_head_ready,
  output wire [HEAD_BYTES*8-1:0]  m_head_data,
  output wire [LEN_W-1:0]         m_head_len,
  output wire [INFO_W-1:0]        m_head_info,

  output wire [BEAT_CNT_W-1:0]    head_beat,
  output wire                     in_frame
);

  localparam int HW         = HEAD_BYTES * 8;
  localparam int HEAD_BEATS = HW / DATA_W;     // beats that fill the buffer

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0 || DATA_W > HW || HW % DATA_W != 0) begin
      $error("axis_head_capture (%m): DATA_W (%0d) must be a multiple of 8 that divides %0d",
             DATA_W, HW);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("axis_head_capture (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1 || INFO_W < 1) begin
      $error("axis_head_capture (%m): USER_W (%0d) and INFO_W (%0d) must be at least 1",
             USER_W, INFO_W);
    end
    if (LEN_W < $clog2(KEEP_W + 1)) begin
      $error("axis_head_capture (%m): LEN_W (%0d) must hold a beat's bytes", LEN_W);
    end
    if (BEAT_CNT_W != $clog2(HEAD_BEATS + 1)) begin
      $error("axis_head_capture (%m): BEAT_CNT_W (%0d) must be $clog2(HEAD_BYTES*8/DATA_W + 1)",
             BEAT_CNT_W);
    end
  end

  // Control state (reset).
  logic                  cap_full_q, cap_full_d;    // a whole frame waits for the hand-over
  logic [BEAT_CNT_W-1:0] cap_beat_q, cap_beat_d;    // beats of the frame so far, saturating
  logic                  cap_busy_q, cap_busy_d;    // inside a frame (a beat was taken)
  // Data path.
  logic [HW-1:0]         cap_buf_q;
  logic [LEN_W-1:0]      cap_len_q, cap_len_d;
  logic [INFO_W-1:0]     cap_info_q, cap_info_d;

  logic                  s_fire, cap_free;
  logic [LEN_W-1:0]      keep_cnt;
  logic [LEN_W:0]        len_sum;
  logic [KEEP_W:0]       keep_x;

  // The beat's bytes: lane i is the top kept lane when it is kept and lane i + 1 is not; the
  // count is i + 1, so each bit of the count is an OR of the lane edges whose i + 1 has it.
  always_comb begin
    keep_x   = {1'b0, s_axis_tkeep};
    keep_cnt = '0;
    for (int i = 0; i < KEEP_W; i++) begin
      if (keep_x[i] && !keep_x[i + 1]) begin
        keep_cnt = keep_cnt | LEN_W'(i + 1);
      end
    end
  end

  // The buffer is free unless a frame waits in it; a waiting frame leaves it this clock when
  // m_head_ready is high.
  assign cap_free      = !cap_full_q || m_head_ready;
  assign s_axis_tready = m_axis_tready && cap_free;
  assign m_axis_tvalid = s_axis_tvalid && cap_free;
  assign m_axis_tdata  = s_axis_tdata;
  assign m_axis_tkeep  = s_axis_tkeep;
  assign m_axis_tlast  = s_axis_tlast;
  assign m_axis_tuser  = s_axis_tuser;

  always_comb begin
    s_fire = s_axis_tvalid && s_axis_tready;

    cap_full_d = cap_full_q;
    cap_beat_d = cap_beat_q;
    cap_busy_d = cap_busy_q;
    cap_len_d  = cap_len_q;
    cap_info_d = cap_info_q;
    len_sum    = '0;

    if (cap_full_q && m_head_ready) begin
      cap_full_d = 1'b0;
    end
    if (s_fire) begin
      if (!cap_busy_q) begin
        cap_info_d = s_axis_info;
        len_sum    = {1'b0, keep_cnt};
      end else begin
        len_sum    = {1'b0, cap_len_q} + {1'b0, keep_cnt};
      end
      cap_len_d = len_sum[LEN_W] ? '1 : len_sum[LEN_W-1:0];
      if (cap_beat_q != BEAT_CNT_W'(HEAD_BEATS)) begin
        cap_beat_d = cap_beat_q + 1'b1;
      end
      cap_busy_d = 1'b1;
      if (s_axis_tlast) begin
        cap_full_d = 1'b1;
        cap_busy_d = 1'b0;
        cap_beat_d = '0;
      end
    end
  end

  // The buffer: a taken beat is written at its place, in place (no next-state twin of the
  // whole buffer copied every clock: the Verilated model's cost, docs/perf-rtl.md).
  always_ff @(posedge clk) begin
    if (s_fire) begin
      for (int k = 0; k < HEAD_BEATS; k++) begin
        if (cap_beat_q == BEAT_CNT_W'(k)) begin
          cap_buf_q[k*DATA_W +: DATA_W] <= s_axis_tdata;
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    cap_len_q  <= cap_len_d;
    cap_info_q <= cap_info_d;
    if (rst) begin
      cap_full_q <= 1'b0;
      cap_beat_q <= '0;
      cap_busy_q <= 1'b0;
    end else begin
      cap_full_q <= cap_full_d;
      cap_beat_q <= cap_beat_d;
      cap_busy_q <= cap_busy_d;
    end
  end

  assign m_head_valid = cap_full_q;
  assign m_head_data  = cap_buf_q;
  assign m_head_len   = cap_len_q;
  assign m_head_info  = cap_info_q;
  assign head_beat    = cap_beat_q;
  assign in_frame     = cap_busy_q;

endmodule

`default_nettype wire
