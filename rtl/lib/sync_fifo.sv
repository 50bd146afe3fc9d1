// SPDX-License-Identifier: MIT
// sync_fifo: single-clock first-word-fall-through FIFO for the datapath's side bands
// (per-frame records between the pipeline stages of nic_datapath).
//
// s_ready = not full, m_valid = not empty, m_data = the oldest entry (read combinationally
// from the storage array: Yosys maps it to distributed RAM, so keep DEPTH small, <= 64).
// s_ready does not look at m_ready (no combinational path from m_ready to s_ready): a full
// FIFO takes no push, even in a clock that pops.
// count: entries held. Reset empties it (the storage itself is not reset).
`resetall
`timescale 1ns/1ps
`default_nettype none

module sync_fifo #(
  parameter int WIDTH = 32,
  parameter int DEPTH = 16,   // a power of two, at least 2
  parameter int CNT_W = $clog2(DEPTH) + 1
) (
  input  wire              clk,
  input  wire              rst,

  input  wire              s_valid,
  output wire              s_ready,
  input  wire [WIDTH-1:0]  s_data,

  output wire              m_valid,
  input  wire              m_ready,
  output wire [WIDTH-1:0]  m_data,

  output wire [CNT_W-1:0]  count
);

  localparam int AW = $clog2(DEPTH);

  initial begin
    if (WIDTH < 1) begin
      $error("sync_fifo (%m): WIDTH (%0d) must be at least 1", WIDTH);
    end
    if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("sync_fifo (%m): DEPTH (%0d) must be a power of two, at least 2", DEPTH);
    end
    if (CNT_W != AW + 1) begin
      $error("sync_fifo (%m): CNT_W (%0d) must be $clog2(DEPTH) + 1", CNT_W);
    end
  end

  logic [WIDTH-1:0] mem [DEPTH];
  logic [AW:0]      wr_q, wr_d;   // one extra bit: full when the pointers differ only in it
  logic [AW:0]      rd_q, rd_d;
  logic             push, pop, full, empty;

  // Separate assignments: full/empty come from the pointers only (no path from s_valid or
  // m_ready), which Verilator sees only if they are not in one block with push/pop.
  assign full  = (wr_q[AW] != rd_q[AW]) && (wr_q[AW-1:0] == rd_q[AW-1:0]);
  assign empty = (wr_q == rd_q);
  assign push  = s_valid && !full;
  assign pop   = m_ready && !empty;
  assign wr_d  = wr_q + {{AW{1'b0}}, push};
  assign rd_d  = rd_q + {{AW{1'b0}}, pop};

  // The storage array: written in the RAM template both tools infer.
  always_ff @(posedge clk) begin
    if (push) begin
      mem[wr_q[AW-1:0]] <= s_data;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      wr_q <= wr_d;
      rd_q <= rd_d;
    end
  end

  assign s_ready = !full;
  assign m_valid = !empty;
  assign m_data  = mem[rd_q[AW-1:0]];
  assign count   = wr_q - rd_q;

endmodule

`default_nettype wire
