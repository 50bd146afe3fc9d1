// SPDX-License-Identifier: MIT
// usr_irq_bridge: nic_top's interrupt vector requests (s_clk, the core clock) to the XDMA's
// user interrupts (m_clk, axi_aclk): usr_irq_req[v] asks for MSI-X vector v and stays high
// until usr_irq_ack[v] (PG195 "User Interrupts"; fpga/README.md).
//
//  s_irq_{valid,vector} ─► axis_async_fifo (word mode) ═► pending bit per vector ─► usr_irq_req
//                                                              ▲ cleared by usr_irq_ack
//
// Every raise is an event, so the vectors cross in a FIFO (a synchronized level could miss a
// raise that falls between two samples). On the PCIe side a raise sets its vector's pending
// bit, which drives usr_irq_req[v] until usr_irq_ack[v]. A raise of a vector whose request
// the XDMA cannot have seen yet merges into it (as nic_top's own pending bits merge raises not
// yet taken: the driver reads its rings to find the work). A raise while the request is up
// may come after the XDMA sent the message (it acks only once sent), so it is remembered
// (again_q) and asks once more after the ack: a raise is never covered by a message that
// may have left before it. After an ack the request is low for at least one clock, so the
// next request is a new rising edge.
`resetall
`timescale 1ns/1ps
`default_nettype none

module usr_irq_bridge #(
  parameter int NUM_VECTORS = 16,
  parameter int VEC_W       = $clog2(NUM_VECTORS),
  parameter int FIFO_DEPTH  = 16
) (
  input  wire                   s_clk,
  input  wire                   s_rst,
  input  wire                   s_irq_valid,
  output wire                   s_irq_ready,
  input  wire [VEC_W-1:0]       s_irq_vector,   // < NUM_VECTORS

  input  wire                   m_clk,
  input  wire                   m_rst,
  output wire [NUM_VECTORS-1:0] usr_irq_req,
  input  wire [NUM_VECTORS-1:0] usr_irq_ack
);

  initial begin
    if (NUM_VECTORS < 2 || VEC_W != $clog2(NUM_VECTORS)) begin
      $error("usr_irq_bridge (%m): NUM_VECTORS (%0d) at least 2, VEC_W = $clog2(NUM_VECTORS)",
             NUM_VECTORS);
    end
  end

  logic [VEC_W-1:0]       x_vector;
  logic                   x_valid;
  logic [NUM_VECTORS-1:0] pend_q, pend_d, again_q, again_d, acked_q, raise, req;
  /* verilator lint_off UNUSEDSIGNAL */  // one-beat words into a FIFO that never drops
  logic x_full, x_ovf, x_bad, x_keep, x_last, x_user, x_empty;
  /* verilator lint_on UNUSEDSIGNAL */

  axis_async_fifo #(
    .DATA_W (VEC_W), .KEEP_W (1), .USER_W (1), .DEPTH (FIFO_DEPTH), .FRAME (0)
  ) u_fifo (
    .s_clk (s_clk), .s_rst (s_rst),
    .s_axis_tdata (s_irq_vector), .s_axis_tkeep (1'b1), .s_axis_tvalid (s_irq_valid),
    .s_axis_tready (s_irq_ready), .s_axis_tlast (1'b1), .s_axis_tuser (1'b0),
    .s_status_full (x_full), .s_status_overflow (x_ovf), .s_status_bad_frame (x_bad),
    .m_clk (m_clk), .m_rst (m_rst),
    .m_axis_tdata (x_vector), .m_axis_tkeep (x_keep), .m_axis_tvalid (x_valid),
    .m_axis_tready (1'b1), .m_axis_tlast (x_last), .m_axis_tuser (x_user),
    .m_status_empty (x_empty)
  );

  // pend_q: a request is asked (usr_irq_req up to its ack, and the clock low after it);
  // again_q: raised while the request was visible: ask again after the ack.
  assign req = pend_q & ~acked_q;

  always_comb begin
    raise = '0;
    if (x_valid) raise[x_vector] = 1'b1;
    pend_d  = (pend_q & ~usr_irq_ack) | (again_q & usr_irq_ack) | raise;
    again_d = (again_q | (raise & req)) & ~usr_irq_ack;
  end

  always_ff @(posedge m_clk) begin
    if (m_rst) begin
      pend_q  <= '0;
      again_q <= '0;
      acked_q <= '0;
    end else begin
      pend_q  <= pend_d;
      again_q <= again_d;
      acked_q <= usr_irq_ack;
    end
  end

  assign usr_irq_req = req;

endmodule

`default_nettype wire
