// SPDX-License-Identifier: MIT
// axis_pipe_reg: AXI4-Stream register slice with a skid buffer.
//
// Full throughput (one beat per clock) under backpressure; every output is driven from a
// register, so there is no combinational path from m_axis_tready to s_axis_tready or from
// any input to any output. Latency: 1 clock.
//
// Two slots: `main` drives m_axis; `skid` catches the beat that was accepted while m_axis
// stalled (s_axis_tready is a register, so it drops one clock late). s_axis_tready is low
// in reset and the clock after it.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_pipe_reg #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 1
) (
  input  wire              clk,
  input  wire              rst,

  input  wire [DATA_W-1:0] s_axis_tdata,
  input  wire [KEEP_W-1:0] s_axis_tkeep,
  input  wire              s_axis_tvalid,
  output wire              s_axis_tready,
  input  wire              s_axis_tlast,
  input  wire [USER_W-1:0] s_axis_tuser,

  output wire [DATA_W-1:0] m_axis_tdata,
  output wire [KEEP_W-1:0] m_axis_tkeep,
  output wire              m_axis_tvalid,
  input  wire              m_axis_tready,
  output wire              m_axis_tlast,
  output wire [USER_W-1:0] m_axis_tuser
);

  localparam int BEAT_W = DATA_W + KEEP_W + 1 + USER_W;

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0) begin
      $error("axis_pipe_reg (%m): DATA_W (%0d) must be a positive multiple of 8", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("axis_pipe_reg (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("axis_pipe_reg (%m): USER_W (%0d) must be at least 1", USER_W);
    end
  end

  // Control state (reset).
  logic main_valid_q, main_valid_d;
  logic skid_valid_q, skid_valid_d;
  logic s_ready_q, s_ready_d;      // == !skid_valid_q, but low in reset
  // Data path (not reset).
  logic [BEAT_W-1:0] main_beat_q, main_beat_d;
  logic [BEAT_W-1:0] skid_beat_q, skid_beat_d;

  logic [BEAT_W-1:0] s_beat;
  logic s_fire;
  logic main_free;

  // tdata in the low bits keeps the wide field word aligned in the Verilated model.
  assign s_beat = {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};

  always_comb begin
    s_fire    = s_axis_tvalid && s_ready_q;
    // The main slot can take a beat this clock if it is empty or being drained.
    main_free = !main_valid_q || m_axis_tready;

    main_valid_d = main_valid_q;
    main_beat_d  = main_beat_q;
    skid_valid_d = skid_valid_q;
    skid_beat_d  = skid_beat_q;

    if (main_free) begin
      if (skid_valid_q) begin
        // s_axis_tready is low while the skid slot is full: refill main from skid.
        main_valid_d = 1'b1;
        main_beat_d  = skid_beat_q;
        skid_valid_d = 1'b0;
      end else begin
        main_valid_d = s_fire;
        main_beat_d  = s_beat;
      end
    end else if (s_fire) begin
      skid_valid_d = 1'b1;
      skid_beat_d  = s_beat;
    end
    s_ready_d = !skid_valid_d;
  end

  always_ff @(posedge clk) begin
    main_beat_q <= main_beat_d;
    skid_beat_q <= skid_beat_d;
    if (rst) begin
      main_valid_q <= 1'b0;
      skid_valid_q <= 1'b0;
      s_ready_q    <= 1'b0;
    end else begin
      main_valid_q <= main_valid_d;
      skid_valid_q <= skid_valid_d;
      s_ready_q    <= s_ready_d;
    end
  end

  assign s_axis_tready = s_ready_q;
  assign m_axis_tvalid = main_valid_q;
  assign {m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata} = main_beat_q;

endmodule

`default_nettype wire
