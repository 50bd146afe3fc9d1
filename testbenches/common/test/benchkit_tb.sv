// SPDX-License-Identifier: MIT
// Bench-only DUT of the bench kit's self-test (testbenches/common/test): the AXI4-Stream
// register slice axis_pipe_reg, with a `freeze` input that stalls it whole (both handshakes
// held off, as a hung block would), so the watchdog has something to catch. Not part of rtl/.
`resetall
`timescale 1ns/1ps
`default_nettype none

module benchkit_tb #(
  parameter int DATA_W = 64,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 4
) (
  input  wire              clk,
  input  wire              rst,
  input  wire              freeze,

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

  logic slice_s_tready;
  logic slice_m_tvalid;

  axis_pipe_reg #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W)
  ) u_slice (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (s_axis_tdata),
    .s_axis_tkeep  (s_axis_tkeep),
    .s_axis_tvalid (s_axis_tvalid && !freeze),
    .s_axis_tready (slice_s_tready),
    .s_axis_tlast  (s_axis_tlast),
    .s_axis_tuser  (s_axis_tuser),
    .m_axis_tdata  (m_axis_tdata),
    .m_axis_tkeep  (m_axis_tkeep),
    .m_axis_tvalid (slice_m_tvalid),
    .m_axis_tready (m_axis_tready && !freeze),
    .m_axis_tlast  (m_axis_tlast),
    .m_axis_tuser  (m_axis_tuser)
  );

  assign s_axis_tready = slice_s_tready && !freeze;
  assign m_axis_tvalid = slice_m_tvalid && !freeze;

endmodule

`default_nettype wire
