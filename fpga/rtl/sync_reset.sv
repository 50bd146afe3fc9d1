// SPDX-License-Identifier: MIT
// sync_reset: a reset for one clock domain from an asynchronous source (fpga/README.md
// "Resets"). rst_in asserts rst_out at once (asynchronously, so a domain whose clock is not
// yet running is held in reset too); its release leaves through STAGES flip-flops of clk, so
// rst_out falls on a clock edge of clk and every flip-flop of the domain leaves reset in
// the same clock. rst_out is the synchronous, active-high `rst` of the domain's logic.
// The XDC cuts the timing of the asynchronous input (set_false_path -to the chain's CLR
// pins, fpga/constraints/u250.xdc); the chain is marked ASYNC_REG so Vivado places it
// together.
`resetall
`timescale 1ns/1ps
`default_nettype none

module sync_reset #(
  parameter int STAGES = 4
) (
  input  wire clk,
  input  wire rst_in,   // asynchronous, active high
  output wire rst_out   // synchronous to clk, active high
);

  initial begin
    if (STAGES < 2) begin
      $error("sync_reset (%m): STAGES (%0d) must be at least 2", STAGES);
    end
  end

  (* ASYNC_REG = "TRUE" *) logic [STAGES-1:0] chain_q;

  always_ff @(posedge clk or posedge rst_in) begin
    if (rst_in) chain_q <= '1;
    else        chain_q <= {chain_q[STAGES-2:0], 1'b0};
  end

  assign rst_out = chain_q[STAGES-1];

endmodule

`default_nettype wire
