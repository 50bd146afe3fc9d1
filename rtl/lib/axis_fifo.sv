// SPDX-License-Identifier: MIT
// axis_fifo: single-clock first-word-fall-through FIFO in block RAM, for wide and deep
// buffers (frames). The payload is any vector (an AXI4-Stream beat packed by the caller).
//
// Storage: sdp_ram (registered read). A read is issued whenever the RAM holds a word and
// the 4-entry output buffer (sync_fifo, distributed RAM) has room for it and for the read
// already in flight, so a consumer that takes a word every clock gets one every clock.
// Latency from a push to m_valid: 3 clocks. s_ready = RAM not full (no path from m_ready).
// Capacity: DEPTH words in the RAM plus up to 4 in the output buffer.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_fifo #(
  parameter int WIDTH = 64,
  parameter int DEPTH = 512   // a power of two, at least 4
) (
  input  wire              clk,
  input  wire              rst,

  input  wire              s_valid,
  output wire              s_ready,
  input  wire [WIDTH-1:0]  s_data,

  output wire              m_valid,
  input  wire              m_ready,
  output wire [WIDTH-1:0]  m_data
);

  localparam int AW = $clog2(DEPTH);
  localparam int OB = 4;

  initial begin
    if (DEPTH < 4 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("axis_fifo (%m): DEPTH (%0d) must be a power of two, at least 4", DEPTH);
    end
  end

  logic [AW:0] wptr_q, rptr_q;
  logic        rd_pend_q;
  logic        push, issue;
  logic [WIDTH-1:0] rd_data;
  logic [$clog2(OB):0] ob_count;
  /* verilator lint_off UNUSEDSIGNAL */
  logic        unused_ob_ready;
  /* verilator lint_on UNUSEDSIGNAL */

  assign s_ready = (wptr_q - rptr_q) != (AW+1)'(DEPTH);
  assign push    = s_valid && s_ready;
  assign issue   = (wptr_q != rptr_q) && ({1'b0, ob_count} + {{$clog2(OB){1'b0}}, rd_pend_q}
                                           < ($clog2(OB)+2)'(OB));

  sdp_ram #(.WIDTH(WIDTH), .DEPTH(DEPTH)) u_ram (
    .clk     (clk),
    .wr_en   (push),
    .wr_addr (wptr_q[AW-1:0]),
    .wr_data (s_data),
    .rd_en   (issue),
    .rd_addr (rptr_q[AW-1:0]),
    .rd_data (rd_data)
  );

  // The read issued last clock is in rd_data now; the issue rule left room for it.
  sync_fifo #(.WIDTH(WIDTH), .DEPTH(OB)) u_out (
    .clk     (clk),
    .rst     (rst),
    .s_valid (rd_pend_q),
    .s_ready (unused_ob_ready),
    .s_data  (rd_data),
    .m_valid (m_valid),
    .m_ready (m_ready),
    .m_data  (m_data),
    .count   (ob_count)
  );

  always_ff @(posedge clk) begin
    if (rst) begin
      wptr_q    <= '0;
      rptr_q    <= '0;
      rd_pend_q <= 1'b0;
    end else begin
      wptr_q    <= wptr_q + (AW+1)'(push);
      rptr_q    <= rptr_q + (AW+1)'(issue);
      rd_pend_q <= issue;
    end
  end

endmodule

`default_nettype wire
