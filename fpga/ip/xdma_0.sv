// SPDX-License-Identifier: MIT
// Black box of the Xilinx DMA/Bridge Subsystem for PCI Express (XDMA 4.1, PG195) as
// fpga/vivado/ip.tcl configures it: AXI Bridge mode (PG194's bridge personality), Gen3 x16,
// 512-bit AXI at 250 MHz (axi_aclk), 64-bit AXI addresses, 4-bit IDs, MSI-X with 16 user
// interrupts. For Yosys and Verilator only (scripts/fpga-elab.sh); Vivado builds the IP.
//
// The ports the board top connects, named and sized as the generated wrapper's (xdma_0.veo).
// The wrapper has more (cfg_*, status), which an instance may leave unconnected.
//   m_axib_*: PCIe BAR0 -> AXI4 master (host register reads and writes: nic_top's registers)
//   s_axib_*: AXI4 slave -> PCIe memory reads/writes of host memory (the NIC's DMA)
//   usr_irq_req[i]: held until usr_irq_ack[i]; sends the MSI-X vector i (PG195 "User
//   Interrupts")
`resetall
`timescale 1ns/1ps
`default_nettype none

(* blackbox *)
module xdma_0 (
  input  wire         sys_clk,
  input  wire         sys_clk_gt,
  input  wire         sys_rst_n,
  output wire         user_lnk_up,
  output wire [15:0]  pci_exp_txp,
  output wire [15:0]  pci_exp_txn,
  input  wire [15:0]  pci_exp_rxp,
  input  wire [15:0]  pci_exp_rxn,
  output wire         axi_aclk,
  output wire         axi_aresetn,

  input  wire [15:0]  usr_irq_req,
  output wire [15:0]  usr_irq_ack,
  output wire         msi_enable,
  output wire         msix_enable,

  output wire [3:0]   m_axib_awid,
  output wire [63:0]  m_axib_awaddr,
  output wire [7:0]   m_axib_awlen,
  output wire [2:0]   m_axib_awsize,
  output wire [1:0]   m_axib_awburst,
  output wire [2:0]   m_axib_awprot,
  output wire         m_axib_awvalid,
  input  wire         m_axib_awready,
  output wire         m_axib_awlock,
  output wire [3:0]   m_axib_awcache,
  output wire [511:0] m_axib_wdata,
  output wire [63:0]  m_axib_wstrb,
  output wire         m_axib_wlast,
  output wire         m_axib_wvalid,
  input  wire         m_axib_wready,
  input  wire [3:0]   m_axib_bid,
  input  wire [1:0]   m_axib_bresp,
  input  wire         m_axib_bvalid,
  output wire         m_axib_bready,
  output wire [3:0]   m_axib_arid,
  output wire [63:0]  m_axib_araddr,
  output wire [7:0]   m_axib_arlen,
  output wire [2:0]   m_axib_arsize,
  output wire [1:0]   m_axib_arburst,
  output wire [2:0]   m_axib_arprot,
  output wire         m_axib_arvalid,
  input  wire         m_axib_arready,
  output wire         m_axib_arlock,
  output wire [3:0]   m_axib_arcache,
  input  wire [3:0]   m_axib_rid,
  input  wire [511:0] m_axib_rdata,
  input  wire [1:0]   m_axib_rresp,
  input  wire         m_axib_rlast,
  input  wire         m_axib_rvalid,
  output wire         m_axib_rready,

  input  wire [3:0]   s_axib_awid,
  input  wire [63:0]  s_axib_awaddr,
  input  wire [3:0]   s_axib_awregion,
  input  wire [7:0]   s_axib_awlen,
  input  wire [2:0]   s_axib_awsize,
  input  wire [1:0]   s_axib_awburst,
  input  wire         s_axib_awvalid,
  output wire         s_axib_awready,
  input  wire [511:0] s_axib_wdata,
  input  wire [63:0]  s_axib_wstrb,
  input  wire         s_axib_wlast,
  input  wire         s_axib_wvalid,
  output wire         s_axib_wready,
  output wire [3:0]   s_axib_bid,
  output wire [1:0]   s_axib_bresp,
  output wire         s_axib_bvalid,
  input  wire         s_axib_bready,
  input  wire [3:0]   s_axib_arid,
  input  wire [63:0]  s_axib_araddr,
  input  wire [3:0]   s_axib_arregion,
  input  wire [7:0]   s_axib_arlen,
  input  wire [2:0]   s_axib_arsize,
  input  wire [1:0]   s_axib_arburst,
  input  wire         s_axib_arvalid,
  output wire         s_axib_arready,
  output wire [3:0]   s_axib_rid,
  output wire [511:0] s_axib_rdata,
  output wire [1:0]   s_axib_rresp,
  output wire         s_axib_rlast,
  output wire         s_axib_rvalid,
  input  wire         s_axib_rready
);
endmodule

`default_nettype wire
