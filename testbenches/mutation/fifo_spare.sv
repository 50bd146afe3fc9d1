// SPDX-License-Identifier: MIT
// fifo_spare: sync_fifo's ports around a sync_fifo four bits wider than it needs, the spare bits
// written (a copy of the low four) and never read: mutants of the read side's spare bits
// cannot change any output. mutation_test.py checks that scripts/mutation-netlist.py lists such
// mutants as unobservable, and that the FIFO bench kills none of the mutants it lists.
`resetall
`timescale 1ns/1ps
`default_nettype none

module fifo_spare #(
  parameter int WIDTH = 8,    // at least 4
  parameter int DEPTH = 4,
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

  logic [WIDTH+3:0] wide;

  sync_fifo #(.WIDTH(WIDTH + 4), .DEPTH(DEPTH)) u_fifo (
    .clk, .rst,
    .s_valid, .s_ready, .s_data({s_data[3:0], s_data}),
    .m_valid, .m_ready, .m_data(wide),
    .count
  );

  assign m_data = wide[WIDTH-1:0];

endmodule

`resetall
