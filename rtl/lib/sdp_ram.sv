// SPDX-License-Identifier: MIT
// sdp_ram: simple dual-port RAM (one write port, one read port, one clock) written in the
// form Yosys (synth_xilinx: block or ultra RAM) and Verilator both infer as a memory.
//
// Read: rd_data is registered; it takes mem[rd_addr] on a clock with rd_en and holds
// otherwise. A read of the address being written on the same clock returns the old data
// (read-first); callers forward around it. No reset and no initial contents: the owner
// clears what must be cleared (em_table sweeps the valid bits after reset).
`resetall
`timescale 1ns/1ps
`default_nettype none

module sdp_ram #(
  parameter int WIDTH = 160,
  parameter int DEPTH = 8192,
  parameter int ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
  input  wire              clk,

  input  wire              wr_en,
  input  wire [ADDR_W-1:0] wr_addr,
  input  wire [WIDTH-1:0]  wr_data,

  input  wire              rd_en,
  input  wire [ADDR_W-1:0] rd_addr,
  output wire [WIDTH-1:0]  rd_data
);

  initial begin
    if (WIDTH < 1) begin
      $error("sdp_ram (%m): WIDTH (%0d) must be at least 1", WIDTH);
    end
    if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("sdp_ram (%m): DEPTH (%0d) must be a power of two, at least 2", DEPTH);
    end
    if (ADDR_W != $clog2(DEPTH)) begin
      $error("sdp_ram (%m): ADDR_W (%0d) must be $clog2(DEPTH)", ADDR_W);
    end
  end

  logic [WIDTH-1:0] mem [DEPTH];
  logic [WIDTH-1:0] rd_data_q;

  // The memory array and its output register: the one place where always_ff does more than
  // `_q <= _d`, because that is the template the RAM inference of both tools recognises.
  always_ff @(posedge clk) begin
    if (wr_en) begin
      mem[wr_addr] <= wr_data;
    end
    if (rd_en) begin
      rd_data_q <= mem[rd_addr];
    end
  end

  assign rd_data = rd_data_q;

endmodule

`default_nettype wire
