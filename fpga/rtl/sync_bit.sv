// SPDX-License-Identifier: MIT
// sync_bit: a level (a status bit that changes rarely and is sampled as a level, not counted
// as pulses) into the clock domain of clk, through STAGES flip-flops marked ASYNC_REG. The
// XDC cuts the timing into the first stage (set_false_path -to, fpga/constraints/u250.xdc).
// Not for buses (use axis_async_fifo) or pulses (they may be missed).
`resetall
`timescale 1ns/1ps
`default_nettype none

module sync_bit #(
  parameter int STAGES = 3
) (
  input  wire clk,
  input  wire d,     // from another clock domain (or none)
  output wire q
);

  initial begin
    if (STAGES < 2) begin
      $error("sync_bit (%m): STAGES (%0d) must be at least 2", STAGES);
    end
  end

  (* ASYNC_REG = "TRUE" *) logic [STAGES-1:0] chain_q;

  always_ff @(posedge clk) begin
    chain_q <= {chain_q[STAGES-2:0], d};
  end

  assign q = chain_q[STAGES-1];

endmodule

`default_nettype wire
