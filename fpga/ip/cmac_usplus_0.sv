// SPDX-License-Identifier: MIT
// Black box of the Xilinx UltraScale+ Integrated 100G Ethernet Subsystem (cmac_usplus 3.1,
// PG203) as fpga/vivado/ip.tcl configures it: CAUI-4 (4x25.78125G), RS-FEC, AXI4-Stream
// user interface (512-bit, tkeep), GT reference clock 161.1328125 MHz, the QSFP28 cage 0
// lanes of the Alveo U250 (GTY quad 231, CMACE4_X0Y8), init_clk 100 MHz.
// For Yosys and Verilator only (scripts/fpga-elab.sh); Vivado builds the IP.
//
// The ports the board top connects, named and sized as the generated wrapper's
// (cmac_usplus_0.veo); the wrapper has many more (stat_* counters, DRP, pause, OTN), which an
// instance may leave unconnected (their inputs default to the IP's tie-offs).
//   TX: tx_axis_* on gt_txusrclk2 (322.265625 MHz); once tvalid rises in a frame it must stay
//       high to tlast (a gap is an underrun: the frame goes out corrupted)
//   RX: rx_axis_* on rx_clk (the board ties gt_txusrclk2 to it); no tready: the user
//       takes every beat; rx_axis_tuser at tlast = bad frame (FCS error, runt, ...)
`resetall
`timescale 1ns/1ps
`default_nettype none

(* blackbox *)
module cmac_usplus_0 (
  input  wire [3:0]   gt_rxp_in,
  input  wire [3:0]   gt_rxn_in,
  output wire [3:0]   gt_txp_out,
  output wire [3:0]   gt_txn_out,
  input  wire         gt_ref_clk_p,
  input  wire         gt_ref_clk_n,
  input  wire         init_clk,
  input  wire         sys_reset,
  input  wire [11:0]  gt_loopback_in,
  input  wire         gtwiz_reset_tx_datapath,
  input  wire         gtwiz_reset_rx_datapath,
  input  wire         core_rx_reset,
  input  wire         core_tx_reset,
  input  wire         core_drp_reset,
  input  wire         drp_clk,
  output wire         gt_txusrclk2,
  output wire         gt_rxusrclk2,
  input  wire         rx_clk,
  output wire         usr_tx_reset,
  output wire         usr_rx_reset,

  input  wire         ctl_tx_enable,
  input  wire         ctl_tx_send_idle,
  input  wire         ctl_tx_send_rfi,
  input  wire         ctl_tx_send_lfi,
  input  wire         ctl_tx_test_pattern,
  input  wire         ctl_rx_enable,
  input  wire         ctl_rx_force_resync,
  input  wire         ctl_rx_test_pattern,
  input  wire         ctl_rsfec_ieee_error_indication_mode,
  input  wire         ctl_rx_rsfec_enable,
  input  wire         ctl_rx_rsfec_enable_correction,
  input  wire         ctl_rx_rsfec_enable_indication,
  input  wire         ctl_tx_rsfec_enable,
  output wire         stat_rx_aligned,
  output wire         stat_rx_status,

  output wire         tx_axis_tready,
  input  wire         tx_axis_tvalid,
  input  wire [511:0] tx_axis_tdata,
  input  wire         tx_axis_tlast,
  input  wire [63:0]  tx_axis_tkeep,
  input  wire         tx_axis_tuser,
  input  wire [55:0]  tx_preamblein,
  output wire         tx_ovfout,
  output wire         tx_unfout,

  output wire         rx_axis_tvalid,
  output wire [511:0] rx_axis_tdata,
  output wire         rx_axis_tlast,
  output wire [63:0]  rx_axis_tkeep,
  output wire         rx_axis_tuser,
  output wire [55:0]  rx_preambleout
);
endmodule

`default_nettype wire
