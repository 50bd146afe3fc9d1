// SPDX-License-Identifier: MIT
// Black box of the Xilinx Clocking Wizard (clk_wiz 6.0, PG065) as fpga/vivado/ip.tcl
// configures it: one MMCM fed by the U250's 300 MHz differential clock (DDR4 C0 system clock,
// SYSCLK0_300), clk_out1 = the NIC core clock (CORE_MHZ in ip.tcl), clk_out2 = 100 MHz for the
// CMAC's init_clk and DRP clock. Port names as the generated wrapper's. Read by Yosys and
// by the lint only.
`resetall
`timescale 1ns/1ps
`default_nettype none

(* blackbox *)
module clk_wiz_0 (
  input  wire clk_in1_p,
  input  wire clk_in1_n,
  input  wire reset,
  output wire clk_out1,
  output wire clk_out2,
  output wire locked
);
endmodule

`default_nettype wire
