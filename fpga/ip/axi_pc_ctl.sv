// SPDX-License-Identifier: MIT
// Black box of the Xilinx AXI Protocol Converter (axi_protocol_converter 2.1, PG055) as
// fpga/vivado/ip.tcl configures it: AXI4 (no IDs, 32-bit data, 64-bit addresses) to AXI4-Lite,
// one clock (axi_aclk). axi_dwc_ctl -> axi_cc_ctl. Port names as the generated wrapper's.
// For Yosys and Verilator only.
`resetall
`timescale 1ns/1ps
`default_nettype none

(* blackbox *)
module axi_pc_ctl (
  input  wire           aclk,
  input  wire           aresetn,
  input  wire [63:0]    s_axi_awaddr,
  input  wire [7:0]     s_axi_awlen,
  input  wire [2:0]     s_axi_awsize,
  input  wire [1:0]     s_axi_awburst,
  input  wire [0:0]     s_axi_awlock,
  input  wire [3:0]     s_axi_awcache,
  input  wire [2:0]     s_axi_awprot,
  input  wire [3:0]     s_axi_awregion,
  input  wire [3:0]     s_axi_awqos,
  input  wire           s_axi_awvalid,
  output wire           s_axi_awready,
  input  wire [31:0]    s_axi_wdata,
  input  wire [3:0]     s_axi_wstrb,
  input  wire           s_axi_wlast,
  input  wire           s_axi_wvalid,
  output wire           s_axi_wready,
  output wire [1:0]     s_axi_bresp,
  output wire           s_axi_bvalid,
  input  wire           s_axi_bready,
  input  wire [63:0]    s_axi_araddr,
  input  wire [7:0]     s_axi_arlen,
  input  wire [2:0]     s_axi_arsize,
  input  wire [1:0]     s_axi_arburst,
  input  wire [0:0]     s_axi_arlock,
  input  wire [3:0]     s_axi_arcache,
  input  wire [2:0]     s_axi_arprot,
  input  wire [3:0]     s_axi_arregion,
  input  wire [3:0]     s_axi_arqos,
  input  wire           s_axi_arvalid,
  output wire           s_axi_arready,
  output wire [31:0]    s_axi_rdata,
  output wire [1:0]     s_axi_rresp,
  output wire           s_axi_rlast,
  output wire           s_axi_rvalid,
  input  wire           s_axi_rready,
  output wire [63:0]    m_axi_awaddr,
  output wire [2:0]     m_axi_awprot,
  output wire           m_axi_awvalid,
  input  wire           m_axi_awready,
  output wire [31:0]    m_axi_wdata,
  output wire [3:0]     m_axi_wstrb,
  output wire           m_axi_wvalid,
  input  wire           m_axi_wready,
  input  wire [1:0]     m_axi_bresp,
  input  wire           m_axi_bvalid,
  output wire           m_axi_bready,
  output wire [63:0]    m_axi_araddr,
  output wire [2:0]     m_axi_arprot,
  output wire           m_axi_arvalid,
  input  wire           m_axi_arready,
  input  wire [31:0]    m_axi_rdata,
  input  wire [1:0]     m_axi_rresp,
  input  wire           m_axi_rvalid,
  output wire           m_axi_rready
);
endmodule

`default_nettype wire
