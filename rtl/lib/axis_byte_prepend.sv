// SPDX-License-Identifier: MIT
// axis_byte_prepend: puts a header of 0..HDR_BYTES bytes in front of every AXI4-Stream frame
// (a variable right shift of the stream across beats), e.g. the outer headers of an encap.
//
//   out = hdr[0 .. hdr_len) ++ frame
//
// The header comes on its own channel (s_hdr_*), one per frame, in frame order; it is taken
// (s_hdr_ready) as soon as the previous frame's last body beat leaves, so the header beats can
// go out before the frame's first beat arrives. Header beats (hdr_len >= KEEP_W) are emitted
// from the shift register `hb`; then, with r = hdr_len mod KEEP_W, each body beat is the r
// pending bytes (the header's tail, then the top r bytes of the previous input beat) followed
// by the first KEEP_W-r bytes of the input beat; one more beat at the end when the last input
// beat has more than KEEP_W-r bytes. hdr_len = 0 passes the frame through.
//
// Throughput: one beat per clock; a frame costs exactly its output beats (the next header is
// taken in the clock of the last body beat, or of the extra last beat). m_axis is combinational
// from the registers and s_axis (place a register slice after it); s_axis_tready depends on
// m_axis_tready. Header beats carry tuser 0. Non-last input beats must be full.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_byte_prepend #(
  parameter int DATA_W    = 512,
  parameter int KEEP_W    = DATA_W / 8,
  parameter int USER_W    = 1,
  parameter int HDR_BYTES = 74,
  parameter int HLEN_W    = $clog2(HDR_BYTES + 1)
) (
  input  wire                   clk,
  input  wire                   rst,

  input  wire [DATA_W-1:0]      s_axis_tdata,
  input  wire [KEEP_W-1:0]      s_axis_tkeep,
  input  wire                   s_axis_tvalid,
  output logic                  s_axis_tready,
  input  wire                   s_axis_tlast,
  input  wire [USER_W-1:0]      s_axis_tuser,

  input  wire                   s_hdr_valid,
  output logic                  s_hdr_ready,
  input  wire [8*HDR_BYTES-1:0] s_hdr_data,   // byte i in [8*i +: 8]
  input  wire [HLEN_W-1:0]      s_hdr_len,    // 0..HDR_BYTES

  output logic [DATA_W-1:0]     m_axis_tdata,
  output logic [KEEP_W-1:0]     m_axis_tkeep,
  output logic                  m_axis_tvalid,
  input  wire                   m_axis_tready,
  output logic                  m_axis_tlast,
  output logic [USER_W-1:0]     m_axis_tuser
);

  localparam int BUF_BYTES = (HDR_BYTES > KEEP_W) ? HDR_BYTES : KEEP_W;
  localparam int SH_W      = (KEEP_W > 1) ? $clog2(KEEP_W) : 1;
  localparam int REM_W     = (HLEN_W > SH_W + 1) ? HLEN_W : SH_W + 1;

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0) begin
      $error("axis_byte_prepend (%m): DATA_W (%0d) must be a positive multiple of 8", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("axis_byte_prepend (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (HDR_BYTES < 1 || (1 << HLEN_W) <= HDR_BYTES) begin
      $error("axis_byte_prepend (%m): HLEN_W (%0d) too narrow for HDR_BYTES (%0d)", HLEN_W,
             HDR_BYTES);
    end
  end

  // Control state (reset).
  logic                   hv_q, hv_d;          // the current frame's header is taken
  logic                   fl_q, fl_d;          // the extra last beat (in hb) is due
  // Data path (not reset).
  logic [REM_W-1:0]       rem_q, rem_d;        // header bytes not yet emitted (body: r)
  logic [8*BUF_BYTES-1:0] hb_q, hb_d;          // header, then the pending input bytes
  logic [KEEP_W-1:0]      fk_q, fk_d;          // tkeep of the extra last beat
  logic [USER_W-1:0]      fu_q, fu_d;

  logic                   hdr_beat, body, need_fl, body_end, m_fire, s_fire, h_take;
  logic [SH_W-1:0]        r;
  logic [SH_W:0]          rsh;                 // KEEP_W - r
  logic [KEEP_W-1:0]      rmask;
  logic [DATA_W-1:0]      rmask8;

  // Input ready only from the state and m_axis_tready (its own block: no false loop through
  // an upstream block that reads s_axis_tready).
  assign hdr_beat      = hv_q && !fl_q && (rem_q >= REM_W'(KEEP_W));
  assign body          = hv_q && !fl_q && !hdr_beat;
  assign s_axis_tready = body && m_axis_tready;

  always_comb begin
    r        = SH_W'(rem_q);                   // < KEEP_W in the body phase
    rsh      = (SH_W+1)'(KEEP_W) - {1'b0, r};
    rmask    = ~({KEEP_W{1'b1}} << r);
    for (int i = 0; i < KEEP_W; i++) begin
      rmask8[8*i +: 8] = {8{rmask[i]}};
    end
    need_fl  = (s_axis_tkeep >> rsh) != '0;    // the last beat does not fit after r bytes

    m_axis_tdata  = hb_q[0 +: DATA_W];
    m_axis_tkeep  = '1;
    m_axis_tlast  = 1'b0;
    m_axis_tuser  = '0;
    m_axis_tvalid = 1'b0;
    if (fl_q) begin
      m_axis_tkeep  = fk_q;
      m_axis_tlast  = 1'b1;
      m_axis_tuser  = fu_q;
      m_axis_tvalid = 1'b1;
    end else if (hdr_beat) begin
      m_axis_tvalid = 1'b1;
    end else if (body) begin
      m_axis_tdata  = (hb_q[0 +: DATA_W] & rmask8) | (s_axis_tdata << {r, 3'b000});
      m_axis_tkeep  = rmask | (s_axis_tkeep << r);
      m_axis_tlast  = s_axis_tlast && !need_fl;
      m_axis_tuser  = s_axis_tuser;
      m_axis_tvalid = s_axis_tvalid;
    end
    m_fire   = m_axis_tvalid && m_axis_tready;
    s_fire   = s_axis_tvalid && s_axis_tready;
    body_end = body && s_fire && s_axis_tlast;
    // The next header: when idle, after the extra beat has left, or with the last body beat.
    s_hdr_ready = (!hv_q && (!fl_q || m_fire)) || (body_end && !need_fl);
    h_take      = s_hdr_valid && s_hdr_ready;

    hv_d  = hv_q;
    fl_d  = fl_q && !m_fire;
    rem_d = rem_q;
    hb_d  = hb_q;
    fk_d  = fk_q;
    fu_d  = fu_q;
    if (hdr_beat && m_fire) begin
      hb_d  = hb_q >> DATA_W;
      rem_d = rem_q - REM_W'(KEEP_W);
    end
    if (s_fire) begin
      hb_d[0 +: DATA_W] = s_axis_tdata >> {rsh, 3'b000};
      fk_d = s_axis_tkeep >> rsh;
      fu_d = s_axis_tuser;
      if (s_axis_tlast) begin
        hv_d = 1'b0;
        fl_d = need_fl;
      end
    end
    if (h_take) begin
      hv_d = 1'b1;
      hb_d = '0;
      hb_d[0 +: 8*HDR_BYTES] = s_hdr_data;
      rem_d = REM_W'(s_hdr_len);
    end
  end

  always_ff @(posedge clk) begin
    rem_q <= rem_d;
    hb_q  <= hb_d;
    fk_q  <= fk_d;
    fu_q  <= fu_d;
    if (rst) begin
      hv_q <= 1'b0;
      fl_q <= 1'b0;
    end else begin
      hv_q <= hv_d;
      fl_q <= fl_d;
    end
  end

endmodule

`default_nettype wire
