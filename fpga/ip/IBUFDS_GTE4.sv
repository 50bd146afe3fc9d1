// SPDX-License-Identifier: MIT
// Black box of the UltraScale+ GT reference clock input buffer (UNISIM primitive IBUFDS_GTE4,
// UG974): O to the GTs (the XDMA's sys_clk_gt), ODIV2 (REFCLK_HROW_CK_SEL = 2'b00: O / 1) to
// the fabric (the XDMA's sys_clk). For Verilator and Yosys's generic flow only: Vivado and
// Yosys's synth_xilinx know the primitive (scripts/fpga-elab.sh reads this file only where
// the tool does not).
`resetall
`timescale 1ns/1ps
`default_nettype none

(* blackbox *)
module IBUFDS_GTE4 #(
  parameter logic       REFCLK_EN_TX_PATH  = 1'b0,
  parameter logic [1:0] REFCLK_HROW_CK_SEL = 2'b00,
  parameter logic [1:0] REFCLK_ICNTL_RX    = 2'b00
) (
  input  wire I,
  input  wire IB,
  input  wire CEB,
  output wire O,
  output wire ODIV2
);
endmodule

`default_nettype wire
