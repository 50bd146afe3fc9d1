// SPDX-License-Identifier: MIT
// ingress_arb: the ingress arbiter of spec section 1. Merges N AXI4-Stream sources (wire
// ports 0..WIRE_INPUTS-1, then transmit queues) into one stream, frame by frame, and tags
// every frame with its source vport and its ingress timestamp.
//
// Arbitration: frame-level round robin (rr_arb). `grant` (one-hot, rr_arb's `last`) names the
// input being served, input 0 after reset; a frame, once its first beat is accepted, runs to
// its tlast. On the clock a frame's last beat is accepted the grant moves to the next input
// (in round-robin order after the current one) whose tvalid is high, else it stays; an idle
// grant (no frame in progress, tvalid low) moves the same way.
// Inputs hold tvalid until accepted (AXI4-Stream), so the choice made from this clock's tvalid
// is served from the next clock: single-beat frames from one input or from alternating
// inputs are accepted one per clock. An input with tvalid high waits for at most N-1 frames of
// other inputs.
//
// Per frame, at the first beat's handshake:
//   - vport = s_axis_vport of that input, ts = `now` (the CYCLES counter) on that clock; both
//     are held on m_axis_vport / m_axis_ts for every beat of the frame;
//   - a wire input (index < WIRE_INPUTS) while cfg_enable is low: the whole frame is consumed
//     and discarded (cnt_wire_discard), whatever cfg_enable does during the frame; a frame
//     already started when cfg_enable falls continues. Other inputs are not gated here.
// Oversize: beats are passed until the first beat at which the frame's byte count (set tkeep
// bits) exceeds MAX_FRAME; that beat leaves with tlast forced, the rest of the input frame is
// consumed and discarded (the output frame is longer than MAX_FRAME: the parser's error).
//
// Counters (64-bit, spec 9), updated for a frame 2 clocks after its last input beat is
// accepted, with the frame's full input length: a wire input -> cnt_rx_wire_*, any other input
// -> cnt_tx_* (by the input, not the vport: a frame the host's queue injects as vport 0 came
// from a transmit queue); discarded wire frames -> cnt_wire_discard only. A frame's byte
// count is kept in 32 bits (frames of 4 GiB or more wrap in the byte counters).
//
// Output: an axis_pipe_reg slice (registered outputs, skid buffer), latency 1 clock from input
// handshake to m_axis_tvalid. s_axis_tready is a function of registers only (the grant, the
// slice's registered ready, the discard state): no combinational path from m_axis_tready or
// any other input. One beat per clock sustained.
`resetall
`timescale 1ns/1ps
`default_nettype none

module ingress_arb #(
  parameter int DATA_W      = 512,
  parameter int KEEP_W      = DATA_W / 8,
  parameter int USER_W      = 1,
  parameter int N           = 2,      // inputs
  parameter int WIRE_INPUTS = 1,      // inputs 0..WIRE_INPUTS-1 are wire ports
  parameter int MAX_FRAME   = 16384   // bytes
) (
  input  wire                  clk,
  input  wire                  rst,

  input  wire [63:0]           now,          // CYCLES: ts of a frame = now at its first beat
  input  wire                  cfg_enable,   // CONTROL.ENABLE: gates the wire inputs

  input  wire [N*DATA_W-1:0]   s_axis_tdata,
  input  wire [N*KEEP_W-1:0]   s_axis_tkeep,
  input  wire [N-1:0]          s_axis_tvalid,
  output wire [N-1:0]          s_axis_tready,
  input  wire [N-1:0]          s_axis_tlast,
  input  wire [N*USER_W-1:0]   s_axis_tuser,
  input  wire [N*8-1:0]        s_axis_vport, // source vport of input i (first beat)

  output wire [DATA_W-1:0]     m_axis_tdata,
  output wire [KEEP_W-1:0]     m_axis_tkeep,
  output wire                  m_axis_tvalid,
  input  wire                  m_axis_tready,
  output wire                  m_axis_tlast,
  output wire [USER_W-1:0]     m_axis_tuser,
  output wire [7:0]            m_axis_vport,
  output wire [63:0]           m_axis_ts,

  output wire [63:0]           cnt_rx_wire_frames,
  output wire [63:0]           cnt_rx_wire_bytes,
  output wire [63:0]           cnt_tx_frames,
  output wire [63:0]           cnt_tx_bytes,
  output wire [63:0]           cnt_wire_discard
);

  localparam int GW = (N > 1) ? $clog2(N) : 1;       // grant index width
  localparam int PC_W = $clog2(KEEP_W + 1);          // bytes in one beat
  localparam int FB_W = 32;                          // bytes of one frame
  localparam logic [FB_W-1:0] MAX_BYTES = FB_W'(MAX_FRAME);
  localparam int PIPE_USER_W = 64 + 8 + USER_W;      // {ts, vport, tuser} through the slice

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0) begin
      $error("ingress_arb (%m): DATA_W (%0d) must be a positive multiple of 8", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("ingress_arb (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("ingress_arb (%m): USER_W (%0d) must be at least 1", USER_W);
    end
    if (N < 1) begin
      $error("ingress_arb (%m): N (%0d) must be at least 1", N);
    end
    if (WIRE_INPUTS < 0 || WIRE_INPUTS > N) begin
      $error("ingress_arb (%m): WIRE_INPUTS (%0d) must be 0..N", WIRE_INPUTS);
    end
    if (MAX_FRAME < 1 || MAX_FRAME >= 32'h7FFF_FFFF) begin
      $error("ingress_arb (%m): MAX_FRAME (%0d) must be 1..2^31-2", MAX_FRAME);
    end
  end

  // Counter event kinds.
  localparam logic [1:0] EV_RX_WIRE = 2'd0;
  localparam logic [1:0] EV_TX      = 2'd1;
  localparam logic [1:0] EV_DISCARD = 2'd2;

  // Arbiter and frame state (reset).
  logic [N-1:0]    grant;                    // the input being served, one-hot (rr_arb)
  logic            grant_move;               // it moves to the next input with tvalid high
  logic            in_frame_q, in_frame_d;   // first beat of the granted input's frame taken
  logic            drop_q, drop_d;           // the rest of the current frame is discarded
  logic            disc_q, disc_d;           // the current frame is a discarded wire frame
  // Frame tags (not reset: written at every first beat).
  logic [FB_W-1:0] bytes_q, bytes_d;         // input bytes of the current frame so far
  logic [FB_W-1:0] room_q, room_d;           // MAX_BYTES - bytes_q while the frame passes
  logic [7:0]      vport_q, vport_d;
  logic [63:0]     ts_q, ts_d;
  // Counter event (one clock after the last beat), then the counters.
  logic            ev_valid_q, ev_valid_d;
  logic [1:0]      ev_kind_q, ev_kind_d;
  logic [FB_W-1:0] ev_bytes_q, ev_bytes_d;
  logic [63:0]     rx_frames_q, rx_frames_d, rx_bytes_q, rx_bytes_d;
  logic [63:0]     tx_frames_q, tx_frames_d, tx_bytes_q, tx_bytes_d;
  logic [63:0]     discard_q, discard_d;

  // The granted input's beat.
  logic [DATA_W-1:0] sel_tdata;
  logic [KEEP_W-1:0] sel_tkeep;
  logic              sel_tvalid, sel_tlast;
  logic [USER_W-1:0] sel_tuser;
  logic [7:0]        sel_vport;
  logic              sel_wire;

  logic              pipe_s_valid, pipe_s_ready;
  logic              pipe_s_last;
  logic [PIPE_USER_W-1:0] pipe_s_user, pipe_m_user;

  logic              take;          // the granted input may hand over a beat this clock
  logic              fire, first, beat_drop, over;
  logic              b_disc;
  logic [7:0]        b_vport;
  logic [63:0]       b_ts;
  logic [FB_W-1:0]   b_bytes, b_room;
  logic [N-1:0]      s_ready;
  logic [PC_W-1:0]   sel_bytes;     // bytes of the granted input's beat

  // wire_mask[i]: input i is a wire port.
  logic [N-1:0] wire_mask;
  for (genvar i = 0; i < N; i++) begin : g_wire
    assign wire_mask[i] = i < WIRE_INPUTS;
  end

  // The served input starts at input 0; on grant_move it becomes the first input after it
  // (cyclically) with tvalid high, or stays when there is none but itself.
  logic [N-1:0]  unused_rr_grant;
  logic [GW-1:0] unused_rr_grant_idx;

  rr_arb #(.N(N), .RESET_LAST(0)) u_rr (
    .clk       (clk),
    .rst       (rst),
    .req       (s_axis_tvalid),
    .advance   (grant_move),
    .grant     (unused_rr_grant),
    .grant_idx (unused_rr_grant_idx),
    .last      (grant)
  );

  popcount #(.N(KEEP_W)) u_sel_bytes (.in(sel_tkeep), .count(sel_bytes));

  // The granted input's beat: AND-OR over the one-hot grant.
  always_comb begin
    sel_tdata  = '0;
    sel_tkeep  = '0;
    sel_tuser  = '0;
    sel_vport  = '0;
    for (int i = 0; i < N; i++) begin
      sel_tdata = sel_tdata | (s_axis_tdata[i*DATA_W +: DATA_W] & {DATA_W{grant[i]}});
      sel_tkeep = sel_tkeep | (s_axis_tkeep[i*KEEP_W +: KEEP_W] & {KEEP_W{grant[i]}});
      sel_tuser = sel_tuser | (s_axis_tuser[i*USER_W +: USER_W] & {USER_W{grant[i]}});
      sel_vport = sel_vport | (s_axis_vport[i*8 +: 8] & {8{grant[i]}});
    end
    sel_tvalid = (s_axis_tvalid & grant) != '0;
    sel_tlast  = (s_axis_tlast & grant) != '0;
    sel_wire   = (wire_mask & grant) != '0;
  end

  always_comb begin
    // Registers only: the slice's ready (a flip-flop) or the discard state.
    take  = pipe_s_ready || drop_q;
    fire  = sel_tvalid && take;
    first = !in_frame_q;

    b_disc    = first ? (sel_wire && !cfg_enable) : disc_q;
    beat_drop = first ? b_disc : drop_q;
    b_vport   = first ? sel_vport : vport_q;
    b_ts      = first ? now : ts_q;
    b_bytes   = (first ? '0 : bytes_q) + {{(FB_W - PC_W){1'b0}}, sel_bytes};
    // Over MAX_FRAME: the beat's bytes against the room left (a register), not the sum
    // against the maximum, so the compare does not wait for the add (it matters only while
    // the frame passes, when room_q = MAX_BYTES - bytes_q >= 0).
    b_room    = first ? MAX_BYTES : room_q;
    over      = {{(FB_W - PC_W){1'b0}}, sel_bytes} > b_room;

    // Beat to the output slice. When it is not dropped, take == pipe_s_ready (drop_q is 0 at
    // a first beat and while a frame is passed).
    pipe_s_valid = fire && !beat_drop;
    pipe_s_last  = sel_tlast || over;
    pipe_s_user  = {b_ts, b_vport, sel_tuser};

    in_frame_d = in_frame_q;
    drop_d     = drop_q;
    disc_d     = disc_q;
    bytes_d    = bytes_q;
    room_d     = room_q;
    vport_d    = vport_q;
    ts_d       = ts_q;
    if (fire) begin
      in_frame_d = !sel_tlast;
      drop_d     = !sel_tlast && (beat_drop || over);
      disc_d     = b_disc;
      bytes_d    = b_bytes;
      room_d     = b_room - {{(FB_W - PC_W){1'b0}}, sel_bytes};  // wraps only when over
      vport_d    = b_vport;
      ts_d       = b_ts;
    end
    // The grant moves at a frame's last beat, or when it points at an idle input.
    grant_move = (fire && sel_tlast) || (!in_frame_q && !sel_tvalid);

    ev_valid_d = fire && sel_tlast;
    ev_kind_d  = b_disc ? EV_DISCARD : (sel_wire ? EV_RX_WIRE : EV_TX);
    ev_bytes_d = b_bytes;

    rx_frames_d = rx_frames_q;
    rx_bytes_d  = rx_bytes_q;
    tx_frames_d = tx_frames_q;
    tx_bytes_d  = tx_bytes_q;
    discard_d   = discard_q;
    if (ev_valid_q) begin
      case (ev_kind_q)
        EV_RX_WIRE: begin
          rx_frames_d = rx_frames_q + 64'd1;
          rx_bytes_d  = rx_bytes_q + {{(64 - FB_W){1'b0}}, ev_bytes_q};
        end
        EV_TX: begin
          tx_frames_d = tx_frames_q + 64'd1;
          tx_bytes_d  = tx_bytes_q + {{(64 - FB_W){1'b0}}, ev_bytes_q};
        end
        default: begin
          discard_d = discard_q + 64'd1;
        end
      endcase
    end

    s_ready = grant & {N{take}};
  end

  always_ff @(posedge clk) begin
    bytes_q    <= bytes_d;
    room_q     <= room_d;
    vport_q    <= vport_d;
    ts_q       <= ts_d;
    ev_kind_q  <= ev_kind_d;
    ev_bytes_q <= ev_bytes_d;
    if (rst) begin
      in_frame_q  <= 1'b0;
      drop_q      <= 1'b0;
      disc_q      <= 1'b0;
      ev_valid_q  <= 1'b0;
      rx_frames_q <= '0;
      rx_bytes_q  <= '0;
      tx_frames_q <= '0;
      tx_bytes_q  <= '0;
      discard_q   <= '0;
    end else begin
      in_frame_q  <= in_frame_d;
      drop_q      <= drop_d;
      disc_q      <= disc_d;
      ev_valid_q  <= ev_valid_d;
      rx_frames_q <= rx_frames_d;
      rx_bytes_q  <= rx_bytes_d;
      tx_frames_q <= tx_frames_d;
      tx_bytes_q  <= tx_bytes_d;
      discard_q   <= discard_d;
    end
  end

  axis_pipe_reg #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (PIPE_USER_W)
  ) u_out (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (sel_tdata),
    .s_axis_tkeep  (sel_tkeep),
    .s_axis_tvalid (pipe_s_valid),
    .s_axis_tready (pipe_s_ready),
    .s_axis_tlast  (pipe_s_last),
    .s_axis_tuser  (pipe_s_user),
    .m_axis_tdata  (m_axis_tdata),
    .m_axis_tkeep  (m_axis_tkeep),
    .m_axis_tvalid (m_axis_tvalid),
    .m_axis_tready (m_axis_tready),
    .m_axis_tlast  (m_axis_tlast),
    .m_axis_tuser  (pipe_m_user)
  );

  assign {m_axis_ts, m_axis_vport, m_axis_tuser} = pipe_m_user;
  assign s_axis_tready      = s_ready;
  assign cnt_rx_wire_frames = rx_frames_q;
  assign cnt_rx_wire_bytes  = rx_bytes_q;
  assign cnt_tx_frames      = tx_frames_q;
  assign cnt_tx_bytes       = tx_bytes_q;
  assign cnt_wire_discard   = discard_q;

endmodule

`default_nettype wire
