// SPDX-License-Identifier: MIT
// axis_stat_tap: watches an AXI4-Stream handshake and reports each transferred beat one
// clock later as (beat, last, byte count), for statistics counters (no block of rtl/
// instantiates it at present; the register file is the generated nic_regfile).
//
// Passive: it only listens to tvalid/tready/tlast/tkeep. The byte count is the number of
// set tkeep bits (any tkeep pattern is counted correctly, not only contiguous ones).
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_stat_tap #(
  parameter int KEEP_W = 64,
  localparam int BYTES_W = $clog2(KEEP_W + 1)
) (
  input  wire               clk,
  input  wire               rst,

  input  wire [KEEP_W-1:0]  axis_tkeep,
  input  wire               axis_tvalid,
  input  wire               axis_tready,
  input  wire               axis_tlast,

  output wire               stat_beat,   // a beat was transferred (one clock ago)
  output wire               stat_last,   // ... and it was the last beat of a frame
  output wire [BYTES_W-1:0] stat_bytes   // ... carrying this many bytes (0 when no beat)
);

  initial begin
    if (KEEP_W < 1) begin
      $error("axis_stat_tap (%m): KEEP_W (%0d) must be at least 1", KEEP_W);
    end
  end

  logic               beat_q, beat_d;
  logic               last_q, last_d;
  logic [BYTES_W-1:0] bytes_q, bytes_d;
  logic [BYTES_W-1:0] keep_cnt;

  popcount #(.N(KEEP_W)) u_keep_cnt (.in(axis_tkeep), .count(keep_cnt));

  always_comb begin
    beat_d  = axis_tvalid && axis_tready;
    last_d  = beat_d && axis_tlast;
    bytes_d = beat_d ? keep_cnt : '0;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      beat_q  <= 1'b0;
      last_q  <= 1'b0;
      bytes_q <= '0;
    end else begin
      beat_q  <= beat_d;
      last_q  <= last_d;
      bytes_q <= bytes_d;
    end
  end

  assign stat_beat  = beat_q;
  assign stat_last  = last_q;
  assign stat_bytes = bytes_q;

endmodule

`default_nettype wire
