// SPDX-License-Identifier: MIT
// nic_board_u250: nic_top on a Xilinx Alveo U250 (xcu250-figd2104-2L-e): PCIe Gen3 x16
// through the XDMA IP in AXI Bridge mode, the 100G wire through the CMAC on QSFP28 cage 0.
// fpga/README.md describes the clocks, the crossings, the address map and the build.
//
//  PCIe ─ xdma_0 ─ m_axib (BAR0) ─ axi_dwc_ctl ─ axi_pc_ctl ─ axi_cc_ctl ═╗ s_axil
//           │                      (512 -> 32)   (AXI4 -> Lite)  (async)     ║
//           └─ s_axib (host memory) ◄══ axi_cc_dma (async) ◄═══════════════ nic_top ─ m_axi
//           └─ usr_irq_req ◄─ usr_irq_bridge (pending bits, vector FIFO) ◄═══ m_irq
//  QSFP0 ─ cmac_usplus_0 ─ rx_axis ─ axis_async_fifo (frames, drop) ════► s_axis_wire
//                        ◄ tx_axis ◄ axis_async_fifo (frames, backpressure) ◄ m_axis_wire
//
// Clock domains: axi_aclk (250 MHz, the XDMA's), core_clk (clk_wiz_0 clk_out1: nic_top),
// tx_clk (gt_txusrclk2, 322.265625 MHz), rx_clk (= tx_clk: the CMAC's rx_clk input takes
// gt_txusrclk2, its RX FIFO crosses from the recovered clock inside, as Corundum's U250 design
// does), init_clk (clk_out2, 100 MHz: the CMAC's init and DRP clock). ═ marks a crossing.
//
// Resets (all synchronous, active high inside; sync_reset per domain from one source):
//   board: the XDMA's axi_aresetn low (PERST#, link down) or the MMCM not locked: nic_top,
//          the AXI crossings and the interrupt crossing are reset together;
//   wire:  board, or the CMAC's usr_tx_reset / usr_rx_reset: both sides of both wire FIFOs
//          (a FIFO's two sides are always reset together).
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_board_u250 #(
  // nic_top's size (scripts/fpga-elab.sh shrinks the tables so synthesis stays quick)
  parameter int NUM_VNIC      = 8,
  parameter int NUM_RXQ       = 16,
  parameter int NUM_TXQ       = 16,
  parameter int EM_BUCKETS    = 8192,
  parameter int TCAM_ENTRIES  = 64,
  parameter int NUM_METERS    = 64,
  parameter int NUM_ENCAP     = 64,
  parameter int RD_FIFO_DEPTH = 256,
  // Wire FIFOs in 64-byte beats: a largest frame (nic_pkg::MAX_FRAME) is 256 beats; RX holds
  // two so a reader that keeps up never drops (fpga/README.md), TX one (store and forward).
  parameter int RX_FIFO_DEPTH = 512,
  parameter int TX_FIFO_DEPTH = 512,
  parameter int LED_CNT_W     = 26
) (
  // PCIe edge connector (UG1289; pins in fpga/constraints/u250.xdc)
  input  wire        pcie_refclk_p,
  input  wire        pcie_refclk_n,
  input  wire        pcie_reset_n,
  input  wire [15:0] pcie_rx_p,
  input  wire [15:0] pcie_rx_n,
  output wire [15:0] pcie_tx_p,
  output wire [15:0] pcie_tx_n,

  // 300 MHz system clock (SYSCLK0_300, the DDR4 C0 reference)
  input  wire        clk_300mhz_0_p,
  input  wire        clk_300mhz_0_n,

  // QSFP28 cage 0
  input  wire [3:0]  qsfp0_rx_p,
  input  wire [3:0]  qsfp0_rx_n,
  output wire [3:0]  qsfp0_tx_p,
  output wire [3:0]  qsfp0_tx_n,
  input  wire        qsfp0_mgt_refclk_1_p,
  input  wire        qsfp0_mgt_refclk_1_n,
  output wire        qsfp0_modsell,
  output wire        qsfp0_resetl,
  input  wire        qsfp0_modprsl,
  input  wire        qsfp0_intl,
  output wire        qsfp0_lpmode,
  output wire        qsfp0_refclk_reset,
  output wire [1:0]  qsfp0_fs,

  // led[0] PCIe link up, led[1] 100G RX aligned, led[2] wire trouble (a frame dropped)
  output wire [2:0]  led
);

  localparam int DATA_W      = 512;   // the CMAC's AXI4-Stream width
  localparam int KEEP_W      = DATA_W / 8;
  localparam int NUM_VECTORS = 16;    // the XDMA's user interrupts (usr_irq_req)
  localparam int VEC_W       = $clog2(NUM_VECTORS);
  localparam int AXI_ID_W    = 4;

  // ---------------------------------------------------------------------------------------
  // Clocks and resets
  // ---------------------------------------------------------------------------------------
  logic pcie_refclk_gt, pcie_refclk_div2;
  logic axi_aclk, axi_aresetn, user_lnk_up;
  logic core_clk, init_clk, mmcm_locked;
  logic tx_clk, rx_clk, usr_tx_reset, usr_rx_reset;
  logic board_rst_async, wire_rst_async;
  logic core_rst, pcie_rst, init_rst, wire_core_rst, tx_rst, rx_rst;

  // O to the GTs, ODIV2 (= O at REFCLK_HROW_CK_SEL 00) to the fabric, as PG195's example.
  IBUFDS_GTE4 #(
    .REFCLK_EN_TX_PATH  (1'b0),
    .REFCLK_HROW_CK_SEL (2'b00),
    .REFCLK_ICNTL_RX    (2'b00)
  ) u_pcie_refclk (
    .I (pcie_refclk_p), .IB (pcie_refclk_n), .CEB (1'b0),
    .O (pcie_refclk_gt), .ODIV2 (pcie_refclk_div2)
  );

  clk_wiz_0 u_clk (
    .clk_in1_p (clk_300mhz_0_p), .clk_in1_n (clk_300mhz_0_n), .reset (1'b0),
    .clk_out1 (core_clk), .clk_out2 (init_clk), .locked (mmcm_locked)
  );

  assign board_rst_async = !axi_aresetn || !mmcm_locked;
  assign wire_rst_async  = board_rst_async || usr_tx_reset || usr_rx_reset;

  sync_reset u_core_rst      (.clk (core_clk), .rst_in (board_rst_async), .rst_out (core_rst));
  sync_reset u_pcie_rst      (.clk (axi_aclk), .rst_in (board_rst_async), .rst_out (pcie_rst));
  sync_reset u_init_rst      (.clk (init_clk), .rst_in (!mmcm_locked), .rst_out (init_rst));
  sync_reset u_wire_core_rst (.clk (core_clk), .rst_in (wire_rst_async), .rst_out (wire_core_rst));
  sync_reset u_tx_rst        (.clk (tx_clk), .rst_in (wire_rst_async), .rst_out (tx_rst));
  sync_reset u_rx_rst        (.clk (rx_clk), .rst_in (wire_rst_async), .rst_out (rx_rst));

  // ---------------------------------------------------------------------------------------
  // nic_top (core_clk)
  // ---------------------------------------------------------------------------------------
  // Host memory master
  logic [AXI_ID_W-1:0] dma_awid, dma_bid, dma_arid, dma_rid;
  logic [63:0]         dma_awaddr, dma_araddr;
  logic [7:0]          dma_awlen, dma_arlen;
  logic [2:0]          dma_awsize, dma_arsize, dma_awprot, dma_arprot;
  logic [1:0]          dma_awburst, dma_arburst, dma_bresp, dma_rresp;
  logic [3:0]          dma_awcache, dma_arcache;
  logic                dma_awvalid, dma_awready, dma_wlast, dma_wvalid, dma_wready;
  logic                dma_bvalid, dma_bready, dma_arvalid, dma_arready;
  logic                dma_rlast, dma_rvalid, dma_rready;
  logic [DATA_W-1:0]   dma_wdata, dma_rdata;
  logic [KEEP_W-1:0]   dma_wstrb;
  // Register slave
  logic [nic_pkg::CSR_ADDR_W-1:0] ctl_awaddr, ctl_araddr;
  logic [2:0]                     ctl_awprot, ctl_arprot;
  logic [nic_pkg::CSR_DATA_W-1:0] ctl_wdata, ctl_rdata;
  logic [nic_pkg::CSR_STRB_W-1:0] ctl_wstrb;
  logic [1:0]                     ctl_bresp, ctl_rresp;
  logic ctl_awvalid, ctl_awready, ctl_wvalid, ctl_wready, ctl_bvalid, ctl_bready;
  logic ctl_arvalid, ctl_arready, ctl_rvalid, ctl_rready;
  // Wire streams
  logic [DATA_W-1:0] rxw_tdata, txw_tdata;
  logic [KEEP_W-1:0] rxw_tkeep, txw_tkeep;
  logic              rxw_tvalid, rxw_tready, rxw_tlast, rxw_tuser;
  logic              txw_tvalid, txw_tready, txw_tlast, txw_tuser;
  // Interrupts
  logic       irq_valid, irq_ready;
  /* verilator lint_off UNUSEDSIGNAL */  // vectors are < NUM_VECTORS: bits 7:VEC_W are 0
  logic [7:0] irq_vector;
  /* verilator lint_on UNUSEDSIGNAL */

  // PHY status for nic_top (docs/spec.md 12): the CMAC's stat_rx_aligned (rx_clk) synchronized
  // into core_clk below; the speed is the CMAC's (100G), the media the QSFP28 cage's module,
  // reported as FIBER (the board has no module-type readout wired).
  logic rx_aligned_core;

  nic_top #(
    .DATA_W        (DATA_W),
    .USER_W        (1),
    .NUM_VNIC      (NUM_VNIC),
    .NUM_RXQ       (NUM_RXQ),
    .NUM_TXQ       (NUM_TXQ),
    .NUM_VECTORS   (NUM_VECTORS),
    .EM_BUCKETS    (EM_BUCKETS),
    .TCAM_ENTRIES  (TCAM_ENTRIES),
    .NUM_METERS    (NUM_METERS),
    .NUM_ENCAP     (NUM_ENCAP),
    .AXI_ID_W      (AXI_ID_W),
    .RD_FIFO_DEPTH (RD_FIFO_DEPTH)
  ) u_nic (
    .clk (core_clk), .rst (core_rst),
    .s_axis_wire_tdata (rxw_tdata), .s_axis_wire_tkeep (rxw_tkeep),
    .s_axis_wire_tvalid (rxw_tvalid), .s_axis_wire_tready (rxw_tready),
    .s_axis_wire_tlast (rxw_tlast), .s_axis_wire_tuser (rxw_tuser),
    .m_axis_wire_tdata (txw_tdata), .m_axis_wire_tkeep (txw_tkeep),
    .m_axis_wire_tvalid (txw_tvalid), .m_axis_wire_tready (txw_tready),
    .m_axis_wire_tlast (txw_tlast), .m_axis_wire_tuser (txw_tuser),
    .m_axi_awid (dma_awid), .m_axi_awaddr (dma_awaddr), .m_axi_awlen (dma_awlen),
    .m_axi_awsize (dma_awsize), .m_axi_awburst (dma_awburst), .m_axi_awcache (dma_awcache),
    .m_axi_awprot (dma_awprot), .m_axi_awvalid (dma_awvalid), .m_axi_awready (dma_awready),
    .m_axi_wdata (dma_wdata), .m_axi_wstrb (dma_wstrb), .m_axi_wlast (dma_wlast),
    .m_axi_wvalid (dma_wvalid), .m_axi_wready (dma_wready),
    .m_axi_bid (dma_bid), .m_axi_bresp (dma_bresp), .m_axi_bvalid (dma_bvalid),
    .m_axi_bready (dma_bready),
    .m_axi_arid (dma_arid), .m_axi_araddr (dma_araddr), .m_axi_arlen (dma_arlen),
    .m_axi_arsize (dma_arsize), .m_axi_arburst (dma_arburst), .m_axi_arcache (dma_arcache),
    .m_axi_arprot (dma_arprot), .m_axi_arvalid (dma_arvalid), .m_axi_arready (dma_arready),
    .m_axi_rid (dma_rid), .m_axi_rdata (dma_rdata), .m_axi_rresp (dma_rresp),
    .m_axi_rlast (dma_rlast), .m_axi_rvalid (dma_rvalid), .m_axi_rready (dma_rready),
    .s_axil_awaddr (ctl_awaddr), .s_axil_awprot (ctl_awprot), .s_axil_awvalid (ctl_awvalid),
    .s_axil_awready (ctl_awready), .s_axil_wdata (ctl_wdata), .s_axil_wstrb (ctl_wstrb),
    .s_axil_wvalid (ctl_wvalid), .s_axil_wready (ctl_wready), .s_axil_bresp (ctl_bresp),
    .s_axil_bvalid (ctl_bvalid), .s_axil_bready (ctl_bready),
    .s_axil_araddr (ctl_araddr), .s_axil_arprot (ctl_arprot), .s_axil_arvalid (ctl_arvalid),
    .s_axil_arready (ctl_arready), .s_axil_rdata (ctl_rdata), .s_axil_rresp (ctl_rresp),
    .s_axil_rvalid (ctl_rvalid), .s_axil_rready (ctl_rready),
    .m_irq_valid (irq_valid), .m_irq_ready (irq_ready), .m_irq_vector (irq_vector),
    .phy_link_up (rx_aligned_core), .phy_speed (nic_fmt_pkg::LINK_SPEED_G100),
    .phy_media (nic_fmt_pkg::LINK_MEDIA_FIBER)
  );

  // ---------------------------------------------------------------------------------------
  // PCIe: XDMA in AXI Bridge mode (axi_aclk)
  // ---------------------------------------------------------------------------------------
  // Slave bridge side (host memory), after axi_cc_dma
  logic [AXI_ID_W-1:0] hm_awid, hm_bid, hm_arid, hm_rid;
  logic [63:0]         hm_awaddr, hm_araddr;
  logic [7:0]          hm_awlen, hm_arlen;
  logic [2:0]          hm_awsize, hm_arsize;
  logic [1:0]          hm_awburst, hm_arburst, hm_bresp, hm_rresp;
  logic [3:0]          hm_awregion, hm_arregion;
  logic                hm_awvalid, hm_awready, hm_wlast, hm_wvalid, hm_wready;
  logic                hm_bvalid, hm_bready, hm_arvalid, hm_arready;
  logic                hm_rlast, hm_rvalid, hm_rready;
  logic [DATA_W-1:0]   hm_wdata, hm_rdata;
  logic [KEEP_W-1:0]   hm_wstrb;
  /* verilator lint_off UNUSEDSIGNAL */  // AXI4 fields the XDMA slave bridge has no port for
  logic [0:0]          hm_awlock, hm_arlock;
  logic [3:0]          hm_awcache, hm_arcache, hm_awqos, hm_arqos;
  logic [2:0]          hm_awprot, hm_arprot;
  /* verilator lint_on UNUSEDSIGNAL */
  // BAR0 master side (register accesses), before axi_dwc_ctl
  logic [AXI_ID_W-1:0] bar_awid, bar_bid, bar_arid, bar_rid;
  logic [63:0]         bar_awaddr, bar_araddr;
  logic [7:0]          bar_awlen, bar_arlen;
  logic [2:0]          bar_awsize, bar_arsize, bar_awprot, bar_arprot;
  logic [1:0]          bar_awburst, bar_arburst, bar_bresp, bar_rresp;
  logic [3:0]          bar_awcache, bar_arcache;
  logic                bar_awlock, bar_arlock;
  logic                bar_awvalid, bar_awready, bar_wlast, bar_wvalid, bar_wready;
  logic                bar_bvalid, bar_bready, bar_arvalid, bar_arready;
  logic                bar_rlast, bar_rvalid, bar_rready;
  logic [DATA_W-1:0]   bar_wdata, bar_rdata;
  logic [KEEP_W-1:0]   bar_wstrb;
  logic [NUM_VECTORS-1:0] usr_irq_req, usr_irq_ack;
  /* verilator lint_off UNUSEDSIGNAL */  // status for a debug core (ILA), not used by logic
  logic msi_enable, msix_enable;
  /* verilator lint_on UNUSEDSIGNAL */

  xdma_0 u_pcie (
    .sys_clk (pcie_refclk_div2), .sys_clk_gt (pcie_refclk_gt), .sys_rst_n (pcie_reset_n),
    .user_lnk_up (user_lnk_up),
    .pci_exp_txp (pcie_tx_p), .pci_exp_txn (pcie_tx_n),
    .pci_exp_rxp (pcie_rx_p), .pci_exp_rxn (pcie_rx_n),
    .axi_aclk (axi_aclk), .axi_aresetn (axi_aresetn),
    .usr_irq_req (usr_irq_req), .usr_irq_ack (usr_irq_ack),
    .msi_enable (msi_enable), .msix_enable (msix_enable),
    .m_axib_awid (bar_awid), .m_axib_awaddr (bar_awaddr), .m_axib_awlen (bar_awlen),
    .m_axib_awsize (bar_awsize), .m_axib_awburst (bar_awburst), .m_axib_awprot (bar_awprot),
    .m_axib_awvalid (bar_awvalid), .m_axib_awready (bar_awready),
    .m_axib_awlock (bar_awlock), .m_axib_awcache (bar_awcache),
    .m_axib_wdata (bar_wdata), .m_axib_wstrb (bar_wstrb), .m_axib_wlast (bar_wlast),
    .m_axib_wvalid (bar_wvalid), .m_axib_wready (bar_wready),
    .m_axib_bid (bar_bid), .m_axib_bresp (bar_bresp), .m_axib_bvalid (bar_bvalid),
    .m_axib_bready (bar_bready),
    .m_axib_arid (bar_arid), .m_axib_araddr (bar_araddr), .m_axib_arlen (bar_arlen),
    .m_axib_arsize (bar_arsize), .m_axib_arburst (bar_arburst), .m_axib_arprot (bar_arprot),
    .m_axib_arvalid (bar_arvalid), .m_axib_arready (bar_arready),
    .m_axib_arlock (bar_arlock), .m_axib_arcache (bar_arcache),
    .m_axib_rid (bar_rid), .m_axib_rdata (bar_rdata), .m_axib_rresp (bar_rresp),
    .m_axib_rlast (bar_rlast), .m_axib_rvalid (bar_rvalid), .m_axib_rready (bar_rready),
    .s_axib_awid (hm_awid), .s_axib_awaddr (hm_awaddr), .s_axib_awregion (hm_awregion),
    .s_axib_awlen (hm_awlen), .s_axib_awsize (hm_awsize), .s_axib_awburst (hm_awburst),
    .s_axib_awvalid (hm_awvalid), .s_axib_awready (hm_awready),
    .s_axib_wdata (hm_wdata), .s_axib_wstrb (hm_wstrb), .s_axib_wlast (hm_wlast),
    .s_axib_wvalid (hm_wvalid), .s_axib_wready (hm_wready),
    .s_axib_bid (hm_bid), .s_axib_bresp (hm_bresp), .s_axib_bvalid (hm_bvalid),
    .s_axib_bready (hm_bready),
    .s_axib_arid (hm_arid), .s_axib_araddr (hm_araddr), .s_axib_arregion (hm_arregion),
    .s_axib_arlen (hm_arlen), .s_axib_arsize (hm_arsize), .s_axib_arburst (hm_arburst),
    .s_axib_arvalid (hm_arvalid), .s_axib_arready (hm_arready),
    .s_axib_rid (hm_rid), .s_axib_rdata (hm_rdata), .s_axib_rresp (hm_rresp),
    .s_axib_rlast (hm_rlast), .s_axib_rvalid (hm_rvalid), .s_axib_rready (hm_rready)
  );

  // DMA master: core_clk -> axi_aclk
  axi_cc_dma u_cc_dma (
    .s_axi_aclk (core_clk), .s_axi_aresetn (!core_rst),
    .s_axi_awid (dma_awid), .s_axi_awaddr (dma_awaddr), .s_axi_awlen (dma_awlen),
    .s_axi_awsize (dma_awsize), .s_axi_awburst (dma_awburst), .s_axi_awlock (1'b0),
    .s_axi_awcache (dma_awcache), .s_axi_awprot (dma_awprot), .s_axi_awregion (4'd0),
    .s_axi_awqos (4'd0), .s_axi_awvalid (dma_awvalid), .s_axi_awready (dma_awready),
    .s_axi_wdata (dma_wdata), .s_axi_wstrb (dma_wstrb), .s_axi_wlast (dma_wlast),
    .s_axi_wvalid (dma_wvalid), .s_axi_wready (dma_wready),
    .s_axi_bid (dma_bid), .s_axi_bresp (dma_bresp), .s_axi_bvalid (dma_bvalid),
    .s_axi_bready (dma_bready),
    .s_axi_arid (dma_arid), .s_axi_araddr (dma_araddr), .s_axi_arlen (dma_arlen),
    .s_axi_arsize (dma_arsize), .s_axi_arburst (dma_arburst), .s_axi_arlock (1'b0),
    .s_axi_arcache (dma_arcache), .s_axi_arprot (dma_arprot), .s_axi_arregion (4'd0),
    .s_axi_arqos (4'd0), .s_axi_arvalid (dma_arvalid), .s_axi_arready (dma_arready),
    .s_axi_rid (dma_rid), .s_axi_rdata (dma_rdata), .s_axi_rresp (dma_rresp),
    .s_axi_rlast (dma_rlast), .s_axi_rvalid (dma_rvalid), .s_axi_rready (dma_rready),
    .m_axi_aclk (axi_aclk), .m_axi_aresetn (!pcie_rst),
    .m_axi_awid (hm_awid), .m_axi_awaddr (hm_awaddr), .m_axi_awlen (hm_awlen),
    .m_axi_awsize (hm_awsize), .m_axi_awburst (hm_awburst), .m_axi_awlock (hm_awlock),
    .m_axi_awcache (hm_awcache), .m_axi_awprot (hm_awprot), .m_axi_awregion (hm_awregion),
    .m_axi_awqos (hm_awqos), .m_axi_awvalid (hm_awvalid), .m_axi_awready (hm_awready),
    .m_axi_wdata (hm_wdata), .m_axi_wstrb (hm_wstrb), .m_axi_wlast (hm_wlast),
    .m_axi_wvalid (hm_wvalid), .m_axi_wready (hm_wready),
    .m_axi_bid (hm_bid), .m_axi_bresp (hm_bresp), .m_axi_bvalid (hm_bvalid),
    .m_axi_bready (hm_bready),
    .m_axi_arid (hm_arid), .m_axi_araddr (hm_araddr), .m_axi_arlen (hm_arlen),
    .m_axi_arsize (hm_arsize), .m_axi_arburst (hm_arburst), .m_axi_arlock (hm_arlock),
    .m_axi_arcache (hm_arcache), .m_axi_arprot (hm_arprot), .m_axi_arregion (hm_arregion),
    .m_axi_arqos (hm_arqos), .m_axi_arvalid (hm_arvalid), .m_axi_arready (hm_arready),
    .m_axi_rid (hm_rid), .m_axi_rdata (hm_rdata), .m_axi_rresp (hm_rresp),
    .m_axi_rlast (hm_rlast), .m_axi_rvalid (hm_rvalid), .m_axi_rready (hm_rready)
  );

  // Register path: BAR0 AXI4 (512-bit) -> 32-bit -> AXI4-Lite -> core_clk
  logic [63:0] n32_awaddr, n32_araddr;
  logic [7:0]  n32_awlen, n32_arlen;
  logic [2:0]  n32_awsize, n32_arsize, n32_awprot, n32_arprot;
  logic [1:0]  n32_awburst, n32_arburst, n32_bresp, n32_rresp;
  logic [0:0]  n32_awlock, n32_arlock;
  logic [3:0]  n32_awcache, n32_arcache, n32_awregion, n32_arregion, n32_awqos, n32_arqos;
  logic        n32_awvalid, n32_awready, n32_wlast, n32_wvalid, n32_wready;
  logic        n32_bvalid, n32_bready, n32_arvalid, n32_arready;
  logic        n32_rlast, n32_rvalid, n32_rready;
  logic [31:0] n32_wdata, n32_rdata;
  logic [3:0]  n32_wstrb;
  /* verilator lint_off UNUSEDSIGNAL */  // BAR0 is 64 KiB: the bridge sends offsets < 2^16
  logic [63:0] lite_awaddr, lite_araddr;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [2:0]  lite_awprot, lite_arprot;
  logic [1:0]  lite_bresp, lite_rresp;
  logic        lite_awvalid, lite_awready, lite_wvalid, lite_wready, lite_bvalid, lite_bready;
  logic        lite_arvalid, lite_arready, lite_rvalid, lite_rready;
  logic [31:0] lite_wdata, lite_rdata;
  logic [3:0]  lite_wstrb;

  axi_dwc_ctl u_dwc_ctl (
    .s_axi_aclk (axi_aclk), .s_axi_aresetn (!pcie_rst),
    .s_axi_awid (bar_awid), .s_axi_awaddr (bar_awaddr), .s_axi_awlen (bar_awlen),
    .s_axi_awsize (bar_awsize), .s_axi_awburst (bar_awburst), .s_axi_awlock (bar_awlock),
    .s_axi_awcache (bar_awcache), .s_axi_awprot (bar_awprot), .s_axi_awregion (4'd0),
    .s_axi_awqos (4'd0), .s_axi_awvalid (bar_awvalid), .s_axi_awready (bar_awready),
    .s_axi_wdata (bar_wdata), .s_axi_wstrb (bar_wstrb), .s_axi_wlast (bar_wlast),
    .s_axi_wvalid (bar_wvalid), .s_axi_wready (bar_wready),
    .s_axi_bid (bar_bid), .s_axi_bresp (bar_bresp), .s_axi_bvalid (bar_bvalid),
    .s_axi_bready (bar_bready),
    .s_axi_arid (bar_arid), .s_axi_araddr (bar_araddr), .s_axi_arlen (bar_arlen),
    .s_axi_arsize (bar_arsize), .s_axi_arburst (bar_arburst), .s_axi_arlock (bar_arlock),
    .s_axi_arcache (bar_arcache), .s_axi_arprot (bar_arprot), .s_axi_arregion (4'd0),
    .s_axi_arqos (4'd0), .s_axi_arvalid (bar_arvalid), .s_axi_arready (bar_arready),
    .s_axi_rid (bar_rid), .s_axi_rdata (bar_rdata), .s_axi_rresp (bar_rresp),
    .s_axi_rlast (bar_rlast), .s_axi_rvalid (bar_rvalid), .s_axi_rready (bar_rready),
    .m_axi_awaddr (n32_awaddr), .m_axi_awlen (n32_awlen), .m_axi_awsize (n32_awsize),
    .m_axi_awburst (n32_awburst), .m_axi_awlock (n32_awlock), .m_axi_awcache (n32_awcache),
    .m_axi_awprot (n32_awprot), .m_axi_awregion (n32_awregion), .m_axi_awqos (n32_awqos),
    .m_axi_awvalid (n32_awvalid), .m_axi_awready (n32_awready),
    .m_axi_wdata (n32_wdata), .m_axi_wstrb (n32_wstrb), .m_axi_wlast (n32_wlast),
    .m_axi_wvalid (n32_wvalid), .m_axi_wready (n32_wready),
    .m_axi_bresp (n32_bresp), .m_axi_bvalid (n32_bvalid), .m_axi_bready (n32_bready),
    .m_axi_araddr (n32_araddr), .m_axi_arlen (n32_arlen), .m_axi_arsize (n32_arsize),
    .m_axi_arburst (n32_arburst), .m_axi_arlock (n32_arlock), .m_axi_arcache (n32_arcache),
    .m_axi_arprot (n32_arprot), .m_axi_arregion (n32_arregion), .m_axi_arqos (n32_arqos),
    .m_axi_arvalid (n32_arvalid), .m_axi_arready (n32_arready),
    .m_axi_rdata (n32_rdata), .m_axi_rresp (n32_rresp), .m_axi_rlast (n32_rlast),
    .m_axi_rvalid (n32_rvalid), .m_axi_rready (n32_rready)
  );

  axi_pc_ctl u_pc_ctl (
    .aclk (axi_aclk), .aresetn (!pcie_rst),
    .s_axi_awaddr (n32_awaddr), .s_axi_awlen (n32_awlen), .s_axi_awsize (n32_awsize),
    .s_axi_awburst (n32_awburst), .s_axi_awlock (n32_awlock), .s_axi_awcache (n32_awcache),
    .s_axi_awprot (n32_awprot), .s_axi_awregion (n32_awregion), .s_axi_awqos (n32_awqos),
    .s_axi_awvalid (n32_awvalid), .s_axi_awready (n32_awready),
    .s_axi_wdata (n32_wdata), .s_axi_wstrb (n32_wstrb), .s_axi_wlast (n32_wlast),
    .s_axi_wvalid (n32_wvalid), .s_axi_wready (n32_wready),
    .s_axi_bresp (n32_bresp), .s_axi_bvalid (n32_bvalid), .s_axi_bready (n32_bready),
    .s_axi_araddr (n32_araddr), .s_axi_arlen (n32_arlen), .s_axi_arsize (n32_arsize),
    .s_axi_arburst (n32_arburst), .s_axi_arlock (n32_arlock), .s_axi_arcache (n32_arcache),
    .s_axi_arprot (n32_arprot), .s_axi_arregion (n32_arregion), .s_axi_arqos (n32_arqos),
    .s_axi_arvalid (n32_arvalid), .s_axi_arready (n32_arready),
    .s_axi_rdata (n32_rdata), .s_axi_rresp (n32_rresp), .s_axi_rlast (n32_rlast),
    .s_axi_rvalid (n32_rvalid), .s_axi_rready (n32_rready),
    .m_axi_awaddr (lite_awaddr), .m_axi_awprot (lite_awprot), .m_axi_awvalid (lite_awvalid),
    .m_axi_awready (lite_awready), .m_axi_wdata (lite_wdata), .m_axi_wstrb (lite_wstrb),
    .m_axi_wvalid (lite_wvalid), .m_axi_wready (lite_wready), .m_axi_bresp (lite_bresp),
    .m_axi_bvalid (lite_bvalid), .m_axi_bready (lite_bready),
    .m_axi_araddr (lite_araddr), .m_axi_arprot (lite_arprot), .m_axi_arvalid (lite_arvalid),
    .m_axi_arready (lite_arready), .m_axi_rdata (lite_rdata), .m_axi_rresp (lite_rresp),
    .m_axi_rvalid (lite_rvalid), .m_axi_rready (lite_rready)
  );

  axi_cc_ctl u_cc_ctl (
    .s_axi_aclk (axi_aclk), .s_axi_aresetn (!pcie_rst),
    .s_axi_awaddr (lite_awaddr[nic_pkg::CSR_ADDR_W-1:0]), .s_axi_awprot (lite_awprot),
    .s_axi_awvalid (lite_awvalid), .s_axi_awready (lite_awready),
    .s_axi_wdata (lite_wdata), .s_axi_wstrb (lite_wstrb), .s_axi_wvalid (lite_wvalid),
    .s_axi_wready (lite_wready), .s_axi_bresp (lite_bresp), .s_axi_bvalid (lite_bvalid),
    .s_axi_bready (lite_bready),
    .s_axi_araddr (lite_araddr[nic_pkg::CSR_ADDR_W-1:0]), .s_axi_arprot (lite_arprot),
    .s_axi_arvalid (lite_arvalid), .s_axi_arready (lite_arready),
    .s_axi_rdata (lite_rdata), .s_axi_rresp (lite_rresp), .s_axi_rvalid (lite_rvalid),
    .s_axi_rready (lite_rready),
    .m_axi_aclk (core_clk), .m_axi_aresetn (!core_rst),
    .m_axi_awaddr (ctl_awaddr), .m_axi_awprot (ctl_awprot), .m_axi_awvalid (ctl_awvalid),
    .m_axi_awready (ctl_awready), .m_axi_wdata (ctl_wdata), .m_axi_wstrb (ctl_wstrb),
    .m_axi_wvalid (ctl_wvalid), .m_axi_wready (ctl_wready), .m_axi_bresp (ctl_bresp),
    .m_axi_bvalid (ctl_bvalid), .m_axi_bready (ctl_bready),
    .m_axi_araddr (ctl_araddr), .m_axi_arprot (ctl_arprot), .m_axi_arvalid (ctl_arvalid),
    .m_axi_arready (ctl_arready), .m_axi_rdata (ctl_rdata), .m_axi_rresp (ctl_rresp),
    .m_axi_rvalid (ctl_rvalid), .m_axi_rready (ctl_rready)
  );

  // ---------------------------------------------------------------------------------------
  // Interrupts: nic_top's vector requests (core_clk) -> usr_irq_req (axi_aclk)
  // ---------------------------------------------------------------------------------------
  usr_irq_bridge #(.NUM_VECTORS (NUM_VECTORS)) u_irq (
    .s_clk (core_clk), .s_rst (core_rst),
    .s_irq_valid (irq_valid), .s_irq_ready (irq_ready), .s_irq_vector (irq_vector[VEC_W-1:0]),
    .m_clk (axi_aclk), .m_rst (pcie_rst),
    .usr_irq_req (usr_irq_req), .usr_irq_ack (usr_irq_ack)
  );

  // ---------------------------------------------------------------------------------------
  // 100G: CMAC (tx_clk, rx_clk) and the wire FIFOs
  // ---------------------------------------------------------------------------------------
  logic [DATA_W-1:0] mac_tx_tdata, mac_rx_tdata;
  logic [KEEP_W-1:0] mac_tx_tkeep, mac_rx_tkeep;
  logic mac_tx_tvalid, mac_tx_tready, mac_tx_tlast, mac_tx_tuser;
  logic mac_rx_tvalid, mac_rx_tlast, mac_rx_tuser;
  logic rx_aligned, rx_aligned_tx;
  /* verilator lint_off UNUSEDSIGNAL */  // the recovered clock: the CMAC's RX FIFO uses it
  logic gt_rxusrclk2;
  /* verilator lint_on UNUSEDSIGNAL */

  assign rx_clk = tx_clk;
  logic rx_overflow, rx_bad_frame, tx_overflow, tx_ovf, tx_unf;
  logic rx_trouble_led, txf_trouble_led, mac_trouble_led;
  /* verilator lint_off UNUSEDSIGNAL */  // status for a debug core (ILA), not used by logic
  logic rx_status;
  logic [55:0] rx_preamble;
  logic rxf_full, rxf_empty, txf_full, txf_empty, txf_bad;
  logic rxf_ready;  // always 1 (DROP_WHEN_FULL): the CMAC has no tready
  /* verilator lint_on UNUSEDSIGNAL */

  cmac_usplus_0 u_mac (
    .gt_rxp_in (qsfp0_rx_p), .gt_rxn_in (qsfp0_rx_n),
    .gt_txp_out (qsfp0_tx_p), .gt_txn_out (qsfp0_tx_n),
    .gt_ref_clk_p (qsfp0_mgt_refclk_1_p), .gt_ref_clk_n (qsfp0_mgt_refclk_1_n),
    .init_clk (init_clk), .sys_reset (init_rst), .gt_loopback_in (12'd0),
    .gtwiz_reset_tx_datapath (1'b0), .gtwiz_reset_rx_datapath (1'b0),
    .core_rx_reset (1'b0), .core_tx_reset (1'b0), .core_drp_reset (1'b0),
    .drp_clk (init_clk),
    .gt_txusrclk2 (tx_clk), .gt_rxusrclk2 (gt_rxusrclk2), .rx_clk (rx_clk),
    .usr_tx_reset (usr_tx_reset), .usr_rx_reset (usr_rx_reset),
    // PG203 bring-up: receive on; send remote/local fault indications until the receiver is
    // aligned, then transmit.
    .ctl_tx_enable (rx_aligned_tx), .ctl_tx_send_idle (1'b0),
    .ctl_tx_send_rfi (!rx_aligned_tx), .ctl_tx_send_lfi (!rx_aligned_tx),
    .ctl_tx_test_pattern (1'b0),
    .ctl_rx_enable (1'b1), .ctl_rx_force_resync (1'b0), .ctl_rx_test_pattern (1'b0),
    .ctl_rsfec_ieee_error_indication_mode (1'b0), .ctl_rx_rsfec_enable (1'b1),
    .ctl_rx_rsfec_enable_correction (1'b1), .ctl_rx_rsfec_enable_indication (1'b1),
    .ctl_tx_rsfec_enable (1'b1),
    .stat_rx_aligned (rx_aligned), .stat_rx_status (rx_status),
    .tx_axis_tready (mac_tx_tready), .tx_axis_tvalid (mac_tx_tvalid),
    .tx_axis_tdata (mac_tx_tdata), .tx_axis_tlast (mac_tx_tlast),
    .tx_axis_tkeep (mac_tx_tkeep), .tx_axis_tuser (mac_tx_tuser),
    .tx_preamblein (56'd0), .tx_ovfout (tx_ovf), .tx_unfout (tx_unf),
    .rx_axis_tvalid (mac_rx_tvalid), .rx_axis_tdata (mac_rx_tdata),
    .rx_axis_tlast (mac_rx_tlast), .rx_axis_tkeep (mac_rx_tkeep),
    .rx_axis_tuser (mac_rx_tuser), .rx_preambleout (rx_preamble)
  );

  sync_bit u_rx_aligned_tx (.clk (tx_clk), .d (rx_aligned), .q (rx_aligned_tx));
  sync_bit u_rx_aligned_core (.clk (core_clk), .d (rx_aligned), .q (rx_aligned_core));

  // RX: the CMAC gives every beat (no tready): store whole frames, drop a frame that does
  // not fit or has a bad FCS (tuser at tlast).
  axis_async_fifo #(
    .DATA_W (DATA_W), .KEEP_W (KEEP_W), .USER_W (1), .DEPTH (RX_FIFO_DEPTH),
    .FRAME (1), .DROP_WHEN_FULL (1), .DROP_BAD_FRAME (1)
  ) u_rx_fifo (
    .s_clk (rx_clk), .s_rst (rx_rst),
    .s_axis_tdata (mac_rx_tdata), .s_axis_tkeep (mac_rx_tkeep),
    .s_axis_tvalid (mac_rx_tvalid), .s_axis_tready (rxf_ready), .s_axis_tlast (mac_rx_tlast),
    .s_axis_tuser (mac_rx_tuser),
    .s_status_full (rxf_full), .s_status_overflow (rx_overflow),
    .s_status_bad_frame (rx_bad_frame),
    .m_clk (core_clk), .m_rst (wire_core_rst),
    .m_axis_tdata (rxw_tdata), .m_axis_tkeep (rxw_tkeep), .m_axis_tvalid (rxw_tvalid),
    .m_axis_tready (rxw_tready), .m_axis_tlast (rxw_tlast), .m_axis_tuser (rxw_tuser),
    .m_status_empty (rxf_empty)
  );

  // TX: store and forward, so the CMAC sees no gap inside a frame.
  axis_async_fifo #(
    .DATA_W (DATA_W), .KEEP_W (KEEP_W), .USER_W (1), .DEPTH (TX_FIFO_DEPTH),
    .FRAME (1), .DROP_WHEN_FULL (0), .DROP_BAD_FRAME (0)
  ) u_tx_fifo (
    .s_clk (core_clk), .s_rst (wire_core_rst),
    .s_axis_tdata (txw_tdata), .s_axis_tkeep (txw_tkeep), .s_axis_tvalid (txw_tvalid),
    .s_axis_tready (txw_tready), .s_axis_tlast (txw_tlast), .s_axis_tuser (txw_tuser),
    .s_status_full (txf_full), .s_status_overflow (tx_overflow), .s_status_bad_frame (txf_bad),
    .m_clk (tx_clk), .m_rst (tx_rst),
    .m_axis_tdata (mac_tx_tdata), .m_axis_tkeep (mac_tx_tkeep), .m_axis_tvalid (mac_tx_tvalid),
    .m_axis_tready (mac_tx_tready), .m_axis_tlast (mac_tx_tlast), .m_axis_tuser (mac_tx_tuser),
    .m_status_empty (txf_empty)
  );

  // ---------------------------------------------------------------------------------------
  // QSFP28 cage 0 control and LEDs
  // ---------------------------------------------------------------------------------------
  // The SI5335 makes 161.1328125 MHz on the cage's MGTREFCLK1 with FS = 2'b10; the module is
  // selected, out of reset and in high-power mode. ModPrsL and IntL are not used yet (an
  // I2C/CMIS manager is future work, fpga/README.md).
  assign qsfp0_fs           = 2'b10;
  assign qsfp0_refclk_reset = 1'b0;
  assign qsfp0_modsell      = 1'b0;
  assign qsfp0_resetl       = 1'b1;
  assign qsfp0_lpmode       = 1'b0;
  /* verilator lint_off UNUSEDSIGNAL */
  logic qsfp0_unused;
  /* verilator lint_on UNUSEDSIGNAL */
  assign qsfp0_unused = qsfp0_modprsl ^ qsfp0_intl;

  // tx_ovf / tx_unf: the CMAC saw a beat it could not take or a gap inside a frame (neither
  // may happen behind the store-and-forward FIFO: on the LED if it does).
  led_stretch #(.CNT_W (LED_CNT_W)) u_rx_led (
    .clk (rx_clk), .rst (rx_rst), .event_in (rx_overflow || rx_bad_frame), .led (rx_trouble_led)
  );
  led_stretch #(.CNT_W (LED_CNT_W)) u_txf_led (
    .clk (core_clk), .rst (wire_core_rst), .event_in (tx_overflow), .led (txf_trouble_led)
  );
  led_stretch #(.CNT_W (LED_CNT_W)) u_mac_led (
    .clk (tx_clk), .rst (tx_rst), .event_in (tx_ovf || tx_unf), .led (mac_trouble_led)
  );

  assign led = {rx_trouble_led || txf_trouble_led || mac_trouble_led, rx_aligned, user_lnk_up};

endmodule

`default_nettype wire
