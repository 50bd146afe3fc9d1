// SPDX-License-Identifier: MIT
// nic_top: the nicsim NIC (docs/spec.md; docs/rtl.md "nic_top").
//
//  wire in ─► nic_datapath input 0 ┐                     ┌─ dest WIRE ─► wire out
//  tx_engine ─► input 1 (vport) ───┴► arbiter ... edit ─►┤ (route by m_desc.dest)
//                                                         └─ VNIC / exception ─► rx_classify
//        ─► frame store (axis_fifo, store and forward) ┐
//           record FIFO (dp_desc_t) + rx_classify info ┴─► rx_engine (rings, completions)
//
//  rx_engine, tx_engine, fcmd_engine ─► dma_mux ─► axi_dma ─► AXI4 master (host memory)
//  AXI4-Lite ─► nic_regfile ─► engine configuration; nic_mgmt: FT/TCAM/METER/ENCAP commands
//             and the flow-command ring's EM/TCAM commands ─► the datapath's tables
//  interrupt pulses of the engines ─► pending bit per vector ─► m_irq_{valid,vector,ready}
//  phy_{link_up,speed,media} ─► LINK_STATUS, LINK_CHANGES, LINK_IRQ's vector on a change
//
// Wire tuser: s_axis_wire_tuser is accepted and ignored (the spec has no MAC error flag);
// m_axis_wire_tuser is 0.
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_top #(
  parameter int DATA_W       = 512,   // wire stream and AXI data width: 64 or 512
  parameter int USER_W       = 1,     // tuser width
  parameter int NUM_VNIC     = 8,     // vports 1..NUM_VNIC
  parameter int NUM_RXQ      = 16,
  parameter int NUM_TXQ      = 16,
  parameter int NUM_VECTORS  = 32,    // interrupt vectors
  parameter int EM_BUCKETS   = 8192,  // exact-match buckets per bank (64K entries)
  parameter int TCAM_ENTRIES = 256,  // 16..256 (a LUTRAM TCAM, docs/rtl-tcam.md)
  parameter int NUM_METERS   = 64,
  parameter int NUM_ENCAP    = 4096,
  parameter int AXI_ID_W     = 4,
  parameter int RD_FIFO_DEPTH = 256,  // read data beats buffered per DMA client
  localparam int KEEP_W = DATA_W / 8
) (
  input  wire                           clk,
  input  wire                           rst,   // synchronous, active high

  // Wire in (from the MAC).
  input  wire [DATA_W-1:0]              s_axis_wire_tdata,
  input  wire [KEEP_W-1:0]              s_axis_wire_tkeep,
  input  wire                           s_axis_wire_tvalid,
  output wire                           s_axis_wire_tready,
  input  wire                           s_axis_wire_tlast,
  input  wire [USER_W-1:0]              s_axis_wire_tuser,

  // Wire out (to the MAC).
  output wire [DATA_W-1:0]              m_axis_wire_tdata,
  output wire [KEEP_W-1:0]              m_axis_wire_tkeep,
  output wire                           m_axis_wire_tvalid,
  input  wire                           m_axis_wire_tready,
  output wire                           m_axis_wire_tlast,
  output wire [USER_W-1:0]              m_axis_wire_tuser,

  // Host memory: AXI4 master.
  output wire [AXI_ID_W-1:0]            m_axi_awid,
  output wire [63:0]                    m_axi_awaddr,
  output wire [7:0]                     m_axi_awlen,
  output wire [2:0]                     m_axi_awsize,
  output wire [1:0]                     m_axi_awburst,
  output wire [3:0]                     m_axi_awcache,
  output wire [2:0]                     m_axi_awprot,
  output wire                           m_axi_awvalid,
  input  wire                           m_axi_awready,
  output wire [DATA_W-1:0]              m_axi_wdata,
  output wire [KEEP_W-1:0]              m_axi_wstrb,
  output wire                           m_axi_wlast,
  output wire                           m_axi_wvalid,
  input  wire                           m_axi_wready,
  input  wire [AXI_ID_W-1:0]            m_axi_bid,
  input  wire [1:0]                     m_axi_bresp,
  input  wire                           m_axi_bvalid,
  output wire                           m_axi_bready,
  output wire [AXI_ID_W-1:0]            m_axi_arid,
  output wire [63:0]                    m_axi_araddr,
  output wire [7:0]                     m_axi_arlen,
  output wire [2:0]                     m_axi_arsize,
  output wire [1:0]                     m_axi_arburst,
  output wire [3:0]                     m_axi_arcache,
  output wire [2:0]                     m_axi_arprot,
  output wire                           m_axi_arvalid,
  input  wire                           m_axi_arready,
  input  wire [AXI_ID_W-1:0]            m_axi_rid,
  input  wire [DATA_W-1:0]              m_axi_rdata,
  input  wire [1:0]                     m_axi_rresp,
  input  wire                           m_axi_rlast,
  input  wire                           m_axi_rvalid,
  output wire                           m_axi_rready,

  // Control: AXI4-Lite slave (registers).
  input  wire [nic_pkg::CSR_ADDR_W-1:0] s_axil_awaddr,
  input  wire [2:0]                     s_axil_awprot,
  input  wire                           s_axil_awvalid,
  output wire                           s_axil_awready,
  input  wire [nic_pkg::CSR_DATA_W-1:0] s_axil_wdata,
  input  wire [nic_pkg::CSR_STRB_W-1:0] s_axil_wstrb,
  input  wire                           s_axil_wvalid,
  output wire                           s_axil_wready,
  output wire [1:0]                     s_axil_bresp,
  output wire                           s_axil_bvalid,
  input  wire                           s_axil_bready,
  input  wire [nic_pkg::CSR_ADDR_W-1:0] s_axil_araddr,
  input  wire [2:0]                     s_axil_arprot,
  input  wire                           s_axil_arvalid,
  output wire                           s_axil_arready,
  output wire [nic_pkg::CSR_DATA_W-1:0] s_axil_rdata,
  output wire [1:0]                     s_axil_rresp,
  output wire                           s_axil_rvalid,
  input  wire                           s_axil_rready,

  // Interrupts: MSI-X style vector requests, one per raise (pending bits merge raises of a
  // vector not yet taken).
  output wire                           m_irq_valid,
  input  wire                           m_irq_ready,
  output wire [7:0]                     m_irq_vector,

  // PHY status (docs/spec.md 12), in the clk domain (a board synchronizes its MAC's status
  // first): link up, speed (enum link_speed), media type (enum link_media).
  input  wire                           phy_link_up,
  input  wire [nic_fmt_pkg::LINK_SPEED_WIDTH-1:0] phy_speed,
  input  wire [nic_fmt_pkg::LINK_MEDIA_WIDTH-1:0] phy_media
);

  localparam int N_DMA     = 3;               // 0 rx_engine, 1 tx_engine, 2 fcmd_engine
  localparam int DMA_TAG_W = 8 + 2 + 1;       // dma_mux: client tag, client index, last chunk
  localparam int EM_LOG2   = $clog2(EM_BUCKETS);
  localparam int RXJ_DEPTH = 2 * nic_pkg::MAX_FRAME / KEEP_W;  // frame store beats
  localparam int BEAT_W    = DATA_W + KEEP_W + 1;

  initial begin
    if (DATA_W != 64 && DATA_W != 512) begin
      $error("nic_top (%m): DATA_W (%0d) must be 64 or 512", DATA_W);
    end
    if (USER_W < 1) begin
      $error("nic_top (%m): USER_W (%0d) must be at least 1", USER_W);
    end
    if (NUM_VNIC < 1 || NUM_VNIC > 32 || NUM_RXQ < 1 || NUM_RXQ > 64 || NUM_TXQ < 1
        || NUM_TXQ > 64 || NUM_VECTORS < 1 || NUM_VECTORS > 255) begin
      $error("nic_top (%m): NUM_VNIC 1..32, NUM_RXQ and NUM_TXQ 1..64, NUM_VECTORS 1..255");
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic [USER_W-1:0] unused_wire_tuser;
  logic              unused_fields;
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_wire_tuser = s_axis_wire_tuser;
  assign m_axis_wire_tuser = '0;

  // ---------------------------------------------------------------------------------------
  // Cycle counter: CYCLES and the ingress timestamps
  // ---------------------------------------------------------------------------------------
  logic [63:0] now_q;
  always_ff @(posedge clk) begin
    if (rst) now_q <= '0;
    else     now_q <= now_q + 64'd1;
  end

  // ---------------------------------------------------------------------------------------
  // Register file: a reg2hw / hw2reg struct pair per block (nic_regs_pkg, docs/rtl.md
  // "Register blocks"); the engines take their fields. The array blocks (excq, vnic, rxq,
  // txq) have a port per struct leaf instead, holding the NUM_* elements built (element e of
  // a leaf of E bits at [e*E +: E]).
  // ---------------------------------------------------------------------------------------
  /* verilator lint_off UNUSEDSIGNAL */  // registers and strobes no engine reads
  nic_regs_pkg::nic_reg2hw_t     nic_reg2hw;
  nic_regs_pkg::flow_reg2hw_t    flow_reg2hw;
  nic_regs_pkg::tcam_reg2hw_t    tcam_reg2hw;
  nic_regs_pkg::actions_reg2hw_t actions_reg2hw;
  nic_regs_pkg::fcmd_reg2hw_t    fcmd_reg2hw;
  nic_regs_pkg::tokn_reg2hw_t    tokn_reg2hw;
  logic                          unused_fc_busy;
  logic [nic_regs_pkg::EXCQ_REG2HW_RING_BASE_Q_W-1:0] excq_reg2hw_ring_base_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CQ_BASE_Q_W-1:0] excq_reg2hw_cq_base_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_SIZE_LOG2_Q_W-1:0] excq_reg2hw_size_log2_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CTRL_Q_W-1:0] excq_reg2hw_ctrl_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CTRL_QE_W-1:0] excq_reg2hw_ctrl_qe;
  logic [nic_regs_pkg::EXCQ_REG2HW_PROD_Q_W-1:0] excq_reg2hw_prod_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_PROD_QE_W-1:0] excq_reg2hw_prod_qe;
  logic [nic_regs_pkg::EXCQ_REG2HW_CQ_CONS_Q_W-1:0] excq_reg2hw_cq_cons_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CQ_CONS_QE_W-1:0] excq_reg2hw_cq_cons_qe;
  logic [nic_regs_pkg::EXCQ_REG2HW_IRQ_Q_ENABLE_W-1:0] excq_reg2hw_irq_q_enable;
  logic [nic_regs_pkg::EXCQ_REG2HW_IRQ_Q_MOD_PKTS_W-1:0] excq_reg2hw_irq_q_mod_pkts;
  logic [nic_regs_pkg::EXCQ_REG2HW_IRQ_Q_VECTOR_W-1:0] excq_reg2hw_irq_q_vector;
  logic [nic_regs_pkg::EXCQ_REG2HW_MOD_CYCLES_Q_W-1:0] excq_reg2hw_mod_cycles_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CQ_ARM_Q_W-1:0] excq_reg2hw_cq_arm_q;
  logic [nic_regs_pkg::EXCQ_REG2HW_CQ_ARM_QE_W-1:0] excq_reg2hw_cq_arm_qe;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_TOKEN_EXC_W-1:0] vnic_reg2hw_vnic_ctrl_q_token_exc;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_QUOTA_WAIT_W-1:0] vnic_reg2hw_vnic_ctrl_q_quota_wait;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_IPV6_CHECK_W-1:0] vnic_reg2hw_vnic_ctrl_q_ipv6_check;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_IPV4_CHECK_W-1:0] vnic_reg2hw_vnic_ctrl_q_ipv4_check;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_SPOOF_CHECK_W-1:0] vnic_reg2hw_vnic_ctrl_q_spoof_check;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_RSS_ENABLE_W-1:0] vnic_reg2hw_vnic_ctrl_q_rss_enable;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_VNIC_CTRL_Q_ENABLE_W-1:0] vnic_reg2hw_vnic_ctrl_q_enable;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_RXQ_BASE_Q_W-1:0] vnic_reg2hw_rxq_base_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_RXQ_COUNT_Q_W-1:0] vnic_reg2hw_rxq_count_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_MAC_LO_Q_W-1:0] vnic_reg2hw_mac_lo_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_MAC_HI_Q_W-1:0] vnic_reg2hw_mac_hi_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_IPV4_Q_W-1:0] vnic_reg2hw_ipv4_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_IPV6_Q_W-1:0] vnic_reg2hw_ipv6_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_QUOTA_BYTES_Q_W-1:0] vnic_reg2hw_quota_bytes_q;
  logic [nic_regs_pkg::VNIC_REG2HW_QUOTA_RELEASE_Q_W-1:0] vnic_reg2hw_quota_release_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_QUOTA_RELEASE_QE_W-1:0] vnic_reg2hw_quota_release_qe;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_QUOTA_WAIT_CYCLES_Q_W-1:0] vnic_reg2hw_quota_wait_cycles_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_RSS_KEY_Q_W-1:0] vnic_reg2hw_rss_key_q;
  logic [NUM_VNIC*nic_regs_pkg::VNIC_REG2HW_RSS_INDIR_Q_W-1:0] vnic_reg2hw_rss_indir_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_RING_BASE_Q_W-1:0] rxq_reg2hw_ring_base_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CQ_BASE_Q_W-1:0] rxq_reg2hw_cq_base_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_SIZE_LOG2_Q_W-1:0] rxq_reg2hw_size_log2_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CTRL_Q_W-1:0] rxq_reg2hw_ctrl_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CTRL_QE_W-1:0] rxq_reg2hw_ctrl_qe;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_PROD_Q_W-1:0] rxq_reg2hw_prod_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_PROD_QE_W-1:0] rxq_reg2hw_prod_qe;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CQ_CONS_Q_W-1:0] rxq_reg2hw_cq_cons_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CQ_CONS_QE_W-1:0] rxq_reg2hw_cq_cons_qe;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_IRQ_Q_ENABLE_W-1:0] rxq_reg2hw_irq_q_enable;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_IRQ_Q_MOD_PKTS_W-1:0] rxq_reg2hw_irq_q_mod_pkts;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_IRQ_Q_VECTOR_W-1:0] rxq_reg2hw_irq_q_vector;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_MOD_CYCLES_Q_W-1:0] rxq_reg2hw_mod_cycles_q;
  logic [nic_regs_pkg::RXQ_REG2HW_CQ_ARM_Q_W-1:0] rxq_reg2hw_cq_arm_q;
  logic [NUM_RXQ*nic_regs_pkg::RXQ_REG2HW_CQ_ARM_QE_W-1:0] rxq_reg2hw_cq_arm_qe;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_RING_BASE_Q_W-1:0] txq_reg2hw_ring_base_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CQ_BASE_Q_W-1:0] txq_reg2hw_cq_base_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_SIZE_LOG2_Q_W-1:0] txq_reg2hw_size_log2_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CTRL_Q_VPORT_W-1:0] txq_reg2hw_ctrl_q_vport;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CTRL_Q_ENABLE_W-1:0] txq_reg2hw_ctrl_q_enable;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CTRL_QE_W-1:0] txq_reg2hw_ctrl_qe;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_PROD_Q_W-1:0] txq_reg2hw_prod_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_PROD_QE_W-1:0] txq_reg2hw_prod_qe;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CQ_CONS_Q_W-1:0] txq_reg2hw_cq_cons_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CQ_CONS_QE_W-1:0] txq_reg2hw_cq_cons_qe;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_IRQ_Q_ENABLE_W-1:0] txq_reg2hw_irq_q_enable;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_IRQ_Q_MOD_PKTS_W-1:0] txq_reg2hw_irq_q_mod_pkts;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_IRQ_Q_VECTOR_W-1:0] txq_reg2hw_irq_q_vector;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_MOD_CYCLES_Q_W-1:0] txq_reg2hw_mod_cycles_q;
  logic [nic_regs_pkg::TXQ_REG2HW_CQ_ARM_Q_W-1:0] txq_reg2hw_cq_arm_q;
  logic [NUM_TXQ*nic_regs_pkg::TXQ_REG2HW_CQ_ARM_QE_W-1:0] txq_reg2hw_cq_arm_qe;
  /* verilator lint_on UNUSEDSIGNAL */
  nic_regs_pkg::nic_hw2reg_t      nic_hw2reg;
  nic_regs_pkg::counters_hw2reg_t counters_hw2reg;
  nic_regs_pkg::flow_hw2reg_t     flow_hw2reg;
  nic_regs_pkg::tcam_hw2reg_t     tcam_hw2reg;
  nic_regs_pkg::actions_hw2reg_t  actions_hw2reg;
  nic_regs_pkg::fcmd_hw2reg_t     fcmd_hw2reg;
  nic_regs_pkg::tokn_hw2reg_t     tokn_hw2reg;
  logic [nic_regs_pkg::EXCQ_HW2REG_CONS_D_W-1:0] excq_hw2reg_cons_d;
  logic [nic_regs_pkg::EXCQ_HW2REG_CQ_PROD_D_W-1:0] excq_hw2reg_cq_prod_d;
  // The read-only values of the queue and VNIC blocks: the engines' outputs.
  logic [NUM_RXQ*16-1:0]  rxq_cons, rxq_cq_prod;
  logic [NUM_TXQ*16-1:0]  txq_cons, txq_cq_prod;
  logic [NUM_VNIC*32-1:0] vnic_quota_inflight;

  nic_regfile #(
    .NUM_EXCQ (1),
    .NUM_VNIC (NUM_VNIC),
    .NUM_RXQ  (NUM_RXQ),
    .NUM_TXQ  (NUM_TXQ)
  ) u_regs (
    .clk (clk), .rst (rst),
    .s_axil_awaddr (s_axil_awaddr), .s_axil_awprot (s_axil_awprot),
    .s_axil_awvalid (s_axil_awvalid), .s_axil_awready (s_axil_awready),
    .s_axil_wdata (s_axil_wdata), .s_axil_wstrb (s_axil_wstrb),
    .s_axil_wvalid (s_axil_wvalid), .s_axil_wready (s_axil_wready),
    .s_axil_bresp (s_axil_bresp), .s_axil_bvalid (s_axil_bvalid), .s_axil_bready (s_axil_bready),
    .s_axil_araddr (s_axil_araddr), .s_axil_arprot (s_axil_arprot),
    .s_axil_arvalid (s_axil_arvalid), .s_axil_arready (s_axil_arready),
    .s_axil_rdata (s_axil_rdata), .s_axil_rresp (s_axil_rresp),
    .s_axil_rvalid (s_axil_rvalid), .s_axil_rready (s_axil_rready),
    .nic_reg2hw (nic_reg2hw), .nic_hw2reg (nic_hw2reg), .counters_hw2reg (counters_hw2reg),
    .flow_reg2hw (flow_reg2hw), .flow_hw2reg (flow_hw2reg),
    .tcam_reg2hw (tcam_reg2hw), .tcam_hw2reg (tcam_hw2reg),
    .actions_reg2hw (actions_reg2hw), .actions_hw2reg (actions_hw2reg),
    .fcmd_reg2hw (fcmd_reg2hw), .fcmd_hw2reg (fcmd_hw2reg),
    .tokn_reg2hw (tokn_reg2hw), .tokn_hw2reg (tokn_hw2reg),
    .excq_reg2hw_ring_base_q (excq_reg2hw_ring_base_q),
    .excq_reg2hw_cq_base_q (excq_reg2hw_cq_base_q),
    .excq_reg2hw_size_log2_q (excq_reg2hw_size_log2_q), .excq_reg2hw_ctrl_q (excq_reg2hw_ctrl_q),
    .excq_reg2hw_ctrl_qe (excq_reg2hw_ctrl_qe), .excq_reg2hw_prod_q (excq_reg2hw_prod_q),
    .excq_reg2hw_prod_qe (excq_reg2hw_prod_qe), .excq_reg2hw_cq_cons_q (excq_reg2hw_cq_cons_q),
    .excq_reg2hw_cq_cons_qe (excq_reg2hw_cq_cons_qe),
    .excq_reg2hw_irq_q_enable (excq_reg2hw_irq_q_enable),
    .excq_reg2hw_irq_q_mod_pkts (excq_reg2hw_irq_q_mod_pkts),
    .excq_reg2hw_irq_q_vector (excq_reg2hw_irq_q_vector),
    .excq_reg2hw_mod_cycles_q (excq_reg2hw_mod_cycles_q),
    .excq_reg2hw_cq_arm_q (excq_reg2hw_cq_arm_q), .excq_reg2hw_cq_arm_qe (excq_reg2hw_cq_arm_qe),
    .excq_hw2reg_cons_d (excq_hw2reg_cons_d), .excq_hw2reg_cq_prod_d (excq_hw2reg_cq_prod_d),
    .vnic_reg2hw_vnic_ctrl_q_token_exc (vnic_reg2hw_vnic_ctrl_q_token_exc),
    .vnic_reg2hw_vnic_ctrl_q_quota_wait (vnic_reg2hw_vnic_ctrl_q_quota_wait),
    .vnic_reg2hw_vnic_ctrl_q_ipv6_check (vnic_reg2hw_vnic_ctrl_q_ipv6_check),
    .vnic_reg2hw_vnic_ctrl_q_ipv4_check (vnic_reg2hw_vnic_ctrl_q_ipv4_check),
    .vnic_reg2hw_vnic_ctrl_q_spoof_check (vnic_reg2hw_vnic_ctrl_q_spoof_check),
    .vnic_reg2hw_vnic_ctrl_q_rss_enable (vnic_reg2hw_vnic_ctrl_q_rss_enable),
    .vnic_reg2hw_vnic_ctrl_q_enable (vnic_reg2hw_vnic_ctrl_q_enable),
    .vnic_reg2hw_rxq_base_q (vnic_reg2hw_rxq_base_q),
    .vnic_reg2hw_rxq_count_q (vnic_reg2hw_rxq_count_q),
    .vnic_reg2hw_mac_lo_q (vnic_reg2hw_mac_lo_q), .vnic_reg2hw_mac_hi_q (vnic_reg2hw_mac_hi_q),
    .vnic_reg2hw_ipv4_q (vnic_reg2hw_ipv4_q), .vnic_reg2hw_ipv6_q (vnic_reg2hw_ipv6_q),
    .vnic_reg2hw_quota_bytes_q (vnic_reg2hw_quota_bytes_q),
    .vnic_reg2hw_quota_release_q (vnic_reg2hw_quota_release_q),
    .vnic_reg2hw_quota_release_qe (vnic_reg2hw_quota_release_qe),
    .vnic_reg2hw_quota_wait_cycles_q (vnic_reg2hw_quota_wait_cycles_q),
    .vnic_reg2hw_rss_key_q (vnic_reg2hw_rss_key_q),
    .vnic_reg2hw_rss_indir_q (vnic_reg2hw_rss_indir_q),
    .vnic_hw2reg_quota_inflight_d (vnic_quota_inflight),
    .rxq_reg2hw_ring_base_q (rxq_reg2hw_ring_base_q), .rxq_reg2hw_cq_base_q (rxq_reg2hw_cq_base_q),
    .rxq_reg2hw_size_log2_q (rxq_reg2hw_size_log2_q), .rxq_reg2hw_ctrl_q (rxq_reg2hw_ctrl_q),
    .rxq_reg2hw_ctrl_qe (rxq_reg2hw_ctrl_qe), .rxq_reg2hw_prod_q (rxq_reg2hw_prod_q),
    .rxq_reg2hw_prod_qe (rxq_reg2hw_prod_qe), .rxq_reg2hw_cq_cons_q (rxq_reg2hw_cq_cons_q),
    .rxq_reg2hw_cq_cons_qe (rxq_reg2hw_cq_cons_qe),
    .rxq_reg2hw_irq_q_enable (rxq_reg2hw_irq_q_enable),
    .rxq_reg2hw_irq_q_mod_pkts (rxq_reg2hw_irq_q_mod_pkts),
    .rxq_reg2hw_irq_q_vector (rxq_reg2hw_irq_q_vector),
    .rxq_reg2hw_mod_cycles_q (rxq_reg2hw_mod_cycles_q), .rxq_reg2hw_cq_arm_q (rxq_reg2hw_cq_arm_q),
    .rxq_reg2hw_cq_arm_qe (rxq_reg2hw_cq_arm_qe), .rxq_hw2reg_cons_d (rxq_cons),
    .rxq_hw2reg_cq_prod_d (rxq_cq_prod), .txq_reg2hw_ring_base_q (txq_reg2hw_ring_base_q),
    .txq_reg2hw_cq_base_q (txq_reg2hw_cq_base_q), .txq_reg2hw_size_log2_q (txq_reg2hw_size_log2_q),
    .txq_reg2hw_ctrl_q_vport (txq_reg2hw_ctrl_q_vport),
    .txq_reg2hw_ctrl_q_enable (txq_reg2hw_ctrl_q_enable), .txq_reg2hw_ctrl_qe (txq_reg2hw_ctrl_qe),
    .txq_reg2hw_prod_q (txq_reg2hw_prod_q), .txq_reg2hw_prod_qe (txq_reg2hw_prod_qe),
    .txq_reg2hw_cq_cons_q (txq_reg2hw_cq_cons_q), .txq_reg2hw_cq_cons_qe (txq_reg2hw_cq_cons_qe),
    .txq_reg2hw_irq_q_enable (txq_reg2hw_irq_q_enable),
    .txq_reg2hw_irq_q_mod_pkts (txq_reg2hw_irq_q_mod_pkts),
    .txq_reg2hw_irq_q_vector (txq_reg2hw_irq_q_vector),
    .txq_reg2hw_mod_cycles_q (txq_reg2hw_mod_cycles_q), .txq_reg2hw_cq_arm_q (txq_reg2hw_cq_arm_q),
    .txq_reg2hw_cq_arm_qe (txq_reg2hw_cq_arm_qe), .txq_hw2reg_cons_d (txq_cons),
    .txq_hw2reg_cq_prod_d (txq_cq_prod)
  );

  // nic: capabilities and the cycle counter
  assign nic_hw2reg.caps0.d.data_w          = 12'(DATA_W);
  assign nic_hw2reg.caps0.d.num_vnic        = 8'(NUM_VNIC);
  assign nic_hw2reg.caps0.d.num_rxq         = 6'(NUM_RXQ - 1);
  assign nic_hw2reg.caps0.d.num_txq         = 6'(NUM_TXQ - 1);
  assign nic_hw2reg.caps1.d.em_buckets_log2 = 5'(EM_LOG2);
  assign nic_hw2reg.caps1.d.em_ways         = 3'(nic_pkg::EM_WAYS);
  assign nic_hw2reg.caps1.d.tcam_entries    = 9'(TCAM_ENTRIES);
  assign nic_hw2reg.caps1.d.num_meters      = 8'(NUM_METERS - 1);
  assign nic_hw2reg.caps2.d.num_vectors     = 8'(NUM_VECTORS);
  assign nic_hw2reg.caps2.d.parse_window    = 12'(nic_pkg::PARSE_WINDOW);
  assign nic_hw2reg.caps3.d                 = 16'(NUM_ENCAP - 1);  // NUM_ENCAP, the only field
  assign nic_hw2reg.cycles.d                = now_q;

  // PHY status (docs/spec.md 12): LINK_STATUS is the inputs one cycle late; a difference is a
  // change (counted; LINK_IRQ's vector raised when enabled), except at the first sample after
  // reset. The status registers are sampled every cycle and need no reset.
  logic        link_seen_q;
  logic        link_up_q;
  logic [nic_fmt_pkg::LINK_SPEED_WIDTH-1:0] link_speed_q;
  logic [nic_fmt_pkg::LINK_MEDIA_WIDTH-1:0] link_media_q;
  logic [31:0] link_changes_q, link_changes_d;
  logic        link_change;
  logic [NUM_VECTORS-1:0] link_irq;
  always_comb begin
    link_change    = link_seen_q &&
                     {phy_link_up, phy_speed, phy_media} != {link_up_q, link_speed_q, link_media_q};
    link_changes_d = link_changes_q + 32'(link_change);
    for (int v = 0; v < NUM_VECTORS; v++) begin
      link_irq[v] = link_change && nic_reg2hw.link_irq.q.enable &&
                    nic_reg2hw.link_irq.q.vector == 8'(v);
    end
  end
  always_ff @(posedge clk) begin
    if (rst) begin
      link_seen_q    <= 1'b0;
      link_changes_q <= '0;
    end else begin
      link_seen_q    <= 1'b1;
      link_changes_q <= link_changes_d;
    end
    link_up_q    <= phy_link_up;
    link_speed_q <= phy_speed;
    link_media_q <= phy_media;
  end
  assign nic_hw2reg.link_status.d.up    = link_up_q;
  assign nic_hw2reg.link_status.d.speed = link_speed_q;
  assign nic_hw2reg.link_status.d.media = link_media_q;
  assign nic_hw2reg.link_changes.d      = link_changes_q;

  // VNIC registers in the form the engines take them: the queue set's base and count (16
  // bits), the MAC (byte 0 in bits 47:40), the IPv6 address (first byte in bits 127:120).
  logic [NUM_VNIC*16-1:0]  vn_rxq_base16, vn_rxq_count16;
  logic [NUM_VNIC*48-1:0]  vn_mac;
  logic [NUM_VNIC*128-1:0] vn_ipv6_be;
  always_comb begin
    for (int v = 0; v < NUM_VNIC; v++) begin
      vn_rxq_base16[v*16 +: 16]  = vnic_reg2hw_rxq_base_q[v*32 +: 16];
      vn_rxq_count16[v*16 +: 16] = vnic_reg2hw_rxq_count_q[v*32 +: 16];
      vn_mac[v*48 +: 48] = {vnic_reg2hw_mac_hi_q[v*16 +: 16], vnic_reg2hw_mac_lo_q[v*32 +: 32]};
      for (int w = 0; w < 4; w++) begin  // word 0 = bytes 0..3 -> the top of the vector
        vn_ipv6_be[v*128 + 96 - 32*w +: 32] = vnic_reg2hw_ipv6_q[v*128 + 32*w +: 32];
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Datapath
  // ---------------------------------------------------------------------------------------
  logic [DATA_W-1:0] tx_tdata;
  logic [KEEP_W-1:0] tx_tkeep;
  logic              tx_tvalid, tx_tready, tx_tlast;
  logic [7:0]        tx_vport;
  logic [1:0]        dp_in_tready;

  logic [DATA_W-1:0]   dp_tdata;
  logic [KEEP_W-1:0]   dp_tkeep;
  logic                dp_tvalid, dp_tready, dp_tlast;
  logic                dp_desc_valid, dp_desc_ready;
  nic_pkg::dp_desc_t   dp_desc;

  // datapath table commands (driven by nic_mgmt)
  logic                            em_cmd_valid, em_cmd_ready, em_rsp_valid, em_rsp_ready;
  logic [2:0]                      em_cmd_op;
  logic [nic_fmt_pkg::FLOW_KEY_W-1:0] em_cmd_key, em_rsp_key;
  logic [nic_fmt_pkg::ACTION_W-1:0] em_cmd_action, em_rsp_action;
  logic [nic_pkg::EM_HANDLE_W-1:0] em_cmd_handle, em_rsp_handle;
  logic [7:0]                      em_rsp_status;
  logic [nic_pkg::EM_PKTS_W-1:0]   em_rsp_pkts;
  logic [nic_pkg::EM_BYTES_W-1:0]  em_rsp_bytes;
  logic [nic_pkg::EM_SEEN_W-1:0]   em_rsp_last_seen;
  logic                            tc_cmd_valid, tc_cmd_ready, tc_rsp_valid, tc_rsp_ready;
  logic [nic_pkg::CSR_DATA_W-1:0]  tc_cmd_op, tc_cmd_index;
  logic [nic_pkg::TCAM_PRIO_W-1:0] tc_cmd_priority, tc_rsp_priority;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] tc_cmd_value, tc_cmd_mask, tc_rsp_value, tc_rsp_mask;
  logic [nic_fmt_pkg::ACTION_W-1:0] tc_cmd_action, tc_rsp_action;
  logic [7:0]                      tc_rsp_status;
  logic [63:0]                     tc_rsp_pkts, tc_rsp_bytes;
  logic                            mt_cmd_valid, mt_cmd_ready, mt_rsp_valid, mt_rsp_ready;
  logic [31:0]                     mt_cmd_op, mt_cmd_rate, mt_cmd_burst, mt_rsp_rate,
                                   mt_rsp_burst, mt_rsp_tokens;
  logic [15:0]                     mt_cmd_index;
  logic [7:0]                      mt_rsp_status;
  logic                            en_ready, en_wr_valid, en_rd_valid, en_rd_data_valid;
  logic [15:0]                     en_wr_index, en_rd_index;
  logic [nic_fmt_pkg::ENCAP_W-1:0] en_wr_data, en_rd_data;
  logic [31:0]                     em_entry_count;
  nic_pkg::dp_counters_t           dp_cnt;

  assign s_axis_wire_tready = dp_in_tready[0];
  assign tx_tready          = dp_in_tready[1];

  // Destination tokens (spec 11): the key words are write-only registers whose value the
  // register file shows only with their write strobe, so they are kept here until KEY_CMD. A
  // key command waits here until token_check takes it (KEY_STATUS.BUSY meanwhile); one
  // written while another waits is lost (the driver waits for BUSY to clear).
  logic [127:0] tk_enc_q, tk_mac_q;
  logic         tk_cmd_q, tk_slot_q, tk_clear_q;
  logic         tk_key_ready, tk_key_busy;
  logic [1:0]   tk_key_valid;
  logic         tk_cmd_w;

  assign tk_cmd_w = tokn_reg2hw.key_cmd.qe && !tk_cmd_q &&
                    (tokn_reg2hw.key_cmd.q[0] || tokn_reg2hw.key_cmd.q[1]);

  always_ff @(posedge clk) begin
    if (tokn_reg2hw.key_enc0.qe) tk_enc_q[127:96] <= tokn_reg2hw.key_enc0.q;
    if (tokn_reg2hw.key_enc1.qe) tk_enc_q[95:64]  <= tokn_reg2hw.key_enc1.q;
    if (tokn_reg2hw.key_enc2.qe) tk_enc_q[63:32]  <= tokn_reg2hw.key_enc2.q;
    if (tokn_reg2hw.key_enc3.qe) tk_enc_q[31:0]   <= tokn_reg2hw.key_enc3.q;
    if (tokn_reg2hw.key_mac0.qe) tk_mac_q[127:96] <= tokn_reg2hw.key_mac0.q;
    if (tokn_reg2hw.key_mac1.qe) tk_mac_q[95:64]  <= tokn_reg2hw.key_mac1.q;
    if (tokn_reg2hw.key_mac2.qe) tk_mac_q[63:32]  <= tokn_reg2hw.key_mac2.q;
    if (tokn_reg2hw.key_mac3.qe) tk_mac_q[31:0]   <= tokn_reg2hw.key_mac3.q;
    if (tk_cmd_w) begin
      tk_slot_q  <= tokn_reg2hw.key_cmd.q[8];
      tk_clear_q <= tokn_reg2hw.key_cmd.q[1];  // CLEAR wins over LOAD
    end
    if (rst) begin
      tk_cmd_q <= 1'b0;
    end else if (tk_cmd_w) begin
      tk_cmd_q <= 1'b1;
    end else if (tk_key_ready) begin
      tk_cmd_q <= 1'b0;
    end
  end
  assign tokn_hw2reg.key_status.d.valid = tk_key_valid;
  assign tokn_hw2reg.key_status.d.busy  = tokn_reg2hw.key_cmd.qe || tk_cmd_q || tk_key_busy;

  nic_datapath #(
    .DATA_W       (DATA_W),
    .N_IN         (2),
    .WIRE_INPUTS  (1),
    .EM_BUCKETS   (EM_BUCKETS),
    .TCAM_ENTRIES (TCAM_ENTRIES),
    .NUM_METERS   (NUM_METERS),
    .NUM_ENCAP    (NUM_ENCAP),
    .NUM_VNIC     (NUM_VNIC)
  ) u_dp (
    .clk (clk), .rst (rst), .now (now_q),
    .cfg_enable         (nic_reg2hw.control.q.enable),
    .cfg_parse_err_exc  (nic_reg2hw.control.q.parse_err_policy),
    .cfg_wire_max_frame (nic_reg2hw.wire_max_frame.q),
    .cfg_vxlan_port     (nic_reg2hw.tunnel_ports.q.vxlan),
    .cfg_geneve_port    (nic_reg2hw.tunnel_ports.q.geneve),
    .cfg_token_enable   (tokn_reg2hw.control.q),
    .cfg_token_exc      (vnic_reg2hw_vnic_ctrl_q_token_exc),
    .tok_key_valid      (tk_cmd_q),
    .tok_key_ready      (tk_key_ready),
    .tok_key_slot       (tk_slot_q),
    .tok_key_clear      (tk_clear_q),
    .tok_key_enc        (tk_enc_q),
    .tok_key_mac        (tk_mac_q),
    .tok_key_busy       (tk_key_busy),
    .tok_key_valid_slots (tk_key_valid),
    .tok_clr_valid      (tokn_reg2hw.win_clr.qe),
    .tok_clr_eni        (tokn_reg2hw.win_clr.q[15:0]),
    .tok_verdicts       (tokn_hw2reg.verdicts.d),
    .s_axis_tdata  ({tx_tdata, s_axis_wire_tdata}),
    .s_axis_tkeep  ({tx_tkeep, s_axis_wire_tkeep}),
    .s_axis_tvalid ({tx_tvalid, s_axis_wire_tvalid}),
    .s_axis_tready (dp_in_tready),
    .s_axis_tlast  ({tx_tlast, s_axis_wire_tlast}),
    .s_axis_vport  ({tx_vport, 8'd0}),
    .m_axis_tdata (dp_tdata), .m_axis_tkeep (dp_tkeep), .m_axis_tvalid (dp_tvalid),
    .m_axis_tready (dp_tready), .m_axis_tlast (dp_tlast),
    .m_desc_valid (dp_desc_valid), .m_desc_ready (dp_desc_ready), .m_desc (dp_desc),
    .em_cmd_valid (em_cmd_valid), .em_cmd_ready (em_cmd_ready), .em_cmd_op (em_cmd_op),
    .em_cmd_key (em_cmd_key), .em_cmd_action (em_cmd_action), .em_cmd_handle (em_cmd_handle),
    .em_rsp_valid (em_rsp_valid), .em_rsp_ready (em_rsp_ready),
    .em_rsp_status (em_rsp_status), .em_rsp_handle (em_rsp_handle), .em_rsp_key (em_rsp_key),
    .em_rsp_action (em_rsp_action), .em_rsp_pkts (em_rsp_pkts), .em_rsp_bytes (em_rsp_bytes),
    .em_rsp_last_seen (em_rsp_last_seen), .em_entry_count (em_entry_count),
    .tcam_cmd_valid (tc_cmd_valid), .tcam_cmd_ready (tc_cmd_ready), .tcam_cmd_op (tc_cmd_op),
    .tcam_cmd_index (tc_cmd_index), .tcam_cmd_priority (tc_cmd_priority),
    .tcam_cmd_value (tc_cmd_value), .tcam_cmd_mask (tc_cmd_mask),
    .tcam_cmd_action (tc_cmd_action),
    .tcam_rsp_valid (tc_rsp_valid), .tcam_rsp_ready (tc_rsp_ready),
    .tcam_rsp_status (tc_rsp_status), .tcam_rsp_priority (tc_rsp_priority),
    .tcam_rsp_value (tc_rsp_value), .tcam_rsp_mask (tc_rsp_mask),
    .tcam_rsp_action (tc_rsp_action), .tcam_rsp_pkts (tc_rsp_pkts),
    .tcam_rsp_bytes (tc_rsp_bytes),
    .meter_cmd_valid (mt_cmd_valid), .meter_cmd_ready (mt_cmd_ready),
    .meter_cmd_op (mt_cmd_op), .meter_cmd_index (mt_cmd_index),
    .meter_cmd_rate (mt_cmd_rate), .meter_cmd_burst (mt_cmd_burst),
    .meter_rsp_valid (mt_rsp_valid), .meter_rsp_ready (mt_rsp_ready),
    .meter_rsp_status (mt_rsp_status), .meter_rsp_rate (mt_rsp_rate),
    .meter_rsp_burst (mt_rsp_burst), .meter_rsp_tokens (mt_rsp_tokens),
    .encap_ready (en_ready),
    .encap_wr_valid (en_wr_valid), .encap_wr_index (en_wr_index), .encap_wr_data (en_wr_data),
    .encap_rd_valid (en_rd_valid), .encap_rd_index (en_rd_index),
    .encap_rd_data_valid (en_rd_data_valid), .encap_rd_data (en_rd_data),
    .counters (dp_cnt)
  );
  assign counters_hw2reg.rx_wire_frames.d   = dp_cnt.rx_wire_frames;
  assign counters_hw2reg.rx_wire_bytes.d    = dp_cnt.rx_wire_bytes;
  assign counters_hw2reg.out_wire.d         = dp_cnt.out_wire;
  assign counters_hw2reg.em_hits.d          = dp_cnt.em_hit;
  assign counters_hw2reg.tcam_hits.d        = dp_cnt.tcam_hit;
  assign counters_hw2reg.misses.d           = dp_cnt.miss;
  assign counters_hw2reg.drop_parse_error.d = dp_cnt.drop_parse_error;
  assign counters_hw2reg.drop_flow.d        = dp_cnt.drop_flow;
  assign counters_hw2reg.drop_meter.d       = dp_cnt.drop_meter;
  assign counters_hw2reg.drop_bad_action.d  = dp_cnt.drop_bad_action;
  assign counters_hw2reg.drop_mtu.d         = dp_cnt.drop_mtu;
  assign counters_hw2reg.drop_token.d       = dp_cnt.drop_token;

  // ---------------------------------------------------------------------------------------
  // Table commands: registers and the flow-command ring
  // ---------------------------------------------------------------------------------------
  logic                            rg_em_cmd_valid, rg_em_cmd_ready, rg_em_rsp_valid,
                                   rg_em_rsp_ready;
  logic [2:0]                      rg_em_cmd_op;
  logic [nic_fmt_pkg::FLOW_KEY_W-1:0] rg_em_cmd_key;
  logic [nic_fmt_pkg::ACTION_W-1:0] rg_em_cmd_action;
  logic [nic_pkg::EM_HANDLE_W-1:0] rg_em_cmd_handle, rg_em_rsp_handle;
  logic [7:0]                      rg_em_rsp_status;
  logic                            rg_tc_cmd_valid, rg_tc_cmd_ready, rg_tc_rsp_valid,
                                   rg_tc_rsp_ready;
  logic [nic_pkg::CSR_DATA_W-1:0]  rg_tc_cmd_op, rg_tc_cmd_index;
  logic [nic_pkg::TCAM_PRIO_W-1:0] rg_tc_cmd_priority;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] rg_tc_cmd_value, rg_tc_cmd_mask;
  logic [nic_fmt_pkg::ACTION_W-1:0] rg_tc_cmd_action;
  logic [7:0]                      rg_tc_rsp_status;

  nic_mgmt #(
    .NUM_METERS   (NUM_METERS),
    .NUM_ENCAP    (NUM_ENCAP),
    .TCAM_ENTRIES (TCAM_ENTRIES)
  ) u_mgmt (
    .clk (clk), .rst (rst),
    .flow_reg2hw (flow_reg2hw), .flow_hw2reg (flow_hw2reg),
    .tcam_reg2hw (tcam_reg2hw), .tcam_hw2reg (tcam_hw2reg),
    .actions_reg2hw (actions_reg2hw), .actions_hw2reg (actions_hw2reg),
    .em_entry_count (em_entry_count),

    .s_ring_em_cmd_valid (rg_em_cmd_valid), .s_ring_em_cmd_ready (rg_em_cmd_ready),
    .s_ring_em_cmd_op (rg_em_cmd_op), .s_ring_em_cmd_key (rg_em_cmd_key),
    .s_ring_em_cmd_action (rg_em_cmd_action), .s_ring_em_cmd_handle (rg_em_cmd_handle),
    .s_ring_em_rsp_valid (rg_em_rsp_valid), .s_ring_em_rsp_ready (rg_em_rsp_ready),
    .s_ring_em_rsp_status (rg_em_rsp_status), .s_ring_em_rsp_handle (rg_em_rsp_handle),
    .s_ring_tcam_cmd_valid (rg_tc_cmd_valid), .s_ring_tcam_cmd_ready (rg_tc_cmd_ready),
    .s_ring_tcam_cmd_op (rg_tc_cmd_op), .s_ring_tcam_cmd_index (rg_tc_cmd_index),
    .s_ring_tcam_cmd_priority (rg_tc_cmd_priority), .s_ring_tcam_cmd_value (rg_tc_cmd_value),
    .s_ring_tcam_cmd_mask (rg_tc_cmd_mask), .s_ring_tcam_cmd_action (rg_tc_cmd_action),
    .s_ring_tcam_rsp_valid (rg_tc_rsp_valid), .s_ring_tcam_rsp_ready (rg_tc_rsp_ready),
    .s_ring_tcam_rsp_status (rg_tc_rsp_status),

    .m_em_cmd_valid (em_cmd_valid), .m_em_cmd_ready (em_cmd_ready), .m_em_cmd_op (em_cmd_op),
    .m_em_cmd_key (em_cmd_key), .m_em_cmd_action (em_cmd_action),
    .m_em_cmd_handle (em_cmd_handle),
    .m_em_rsp_valid (em_rsp_valid), .m_em_rsp_ready (em_rsp_ready),
    .m_em_rsp_status (em_rsp_status), .m_em_rsp_handle (em_rsp_handle),
    .m_em_rsp_key (em_rsp_key), .m_em_rsp_action (em_rsp_action),
    .m_em_rsp_pkts (em_rsp_pkts), .m_em_rsp_bytes (em_rsp_bytes),
    .m_em_rsp_last_seen (em_rsp_last_seen),
    .m_tcam_cmd_valid (tc_cmd_valid), .m_tcam_cmd_ready (tc_cmd_ready),
    .m_tcam_cmd_op (tc_cmd_op), .m_tcam_cmd_index (tc_cmd_index),
    .m_tcam_cmd_priority (tc_cmd_priority), .m_tcam_cmd_value (tc_cmd_value),
    .m_tcam_cmd_mask (tc_cmd_mask), .m_tcam_cmd_action (tc_cmd_action),
    .m_tcam_rsp_valid (tc_rsp_valid), .m_tcam_rsp_ready (tc_rsp_ready),
    .m_tcam_rsp_status (tc_rsp_status), .m_tcam_rsp_priority (tc_rsp_priority),
    .m_tcam_rsp_value (tc_rsp_value), .m_tcam_rsp_mask (tc_rsp_mask),
    .m_tcam_rsp_action (tc_rsp_action), .m_tcam_rsp_pkts (tc_rsp_pkts),
    .m_tcam_rsp_bytes (tc_rsp_bytes),
    .m_meter_cmd_valid (mt_cmd_valid), .m_meter_cmd_ready (mt_cmd_ready),
    .m_meter_cmd_op (mt_cmd_op), .m_meter_cmd_index (mt_cmd_index),
    .m_meter_cmd_rate (mt_cmd_rate), .m_meter_cmd_burst (mt_cmd_burst),
    .m_meter_rsp_valid (mt_rsp_valid), .m_meter_rsp_ready (mt_rsp_ready),
    .m_meter_rsp_status (mt_rsp_status), .m_meter_rsp_rate (mt_rsp_rate),
    .m_meter_rsp_burst (mt_rsp_burst), .m_meter_rsp_tokens (mt_rsp_tokens),
    .m_encap_ready (en_ready),
    .m_encap_wr_valid (en_wr_valid), .m_encap_wr_index (en_wr_index),
    .m_encap_wr_data (en_wr_data),
    .m_encap_rd_valid (en_rd_valid), .m_encap_rd_index (en_rd_index),
    .m_encap_rd_data_valid (en_rd_data_valid), .m_encap_rd_data (en_rd_data)
  );

  // ---------------------------------------------------------------------------------------
  // Datapath output: route each frame by its record (first beat), no bubble between frames
  // ---------------------------------------------------------------------------------------
  logic in_frame_q, to_wire_q;
  logic first_ok, route_wire, rx_s_tvalid, rx_s_tready, rec_push, rec_ready;

  assign route_wire = in_frame_q ? to_wire_q : (dp_desc.dest == 2'(nic_fmt_pkg::DEST_TYPE_WIRE));
  // The first beat waits for its record, and (to the receive side) for room in the record
  // FIFO.
  assign first_ok = in_frame_q || (dp_desc_valid && (route_wire || rec_ready));

  assign m_axis_wire_tdata  = dp_tdata;
  assign m_axis_wire_tkeep  = dp_tkeep;
  assign m_axis_wire_tlast  = dp_tlast;
  assign m_axis_wire_tvalid = dp_tvalid && first_ok && route_wire;
  assign rx_s_tvalid        = dp_tvalid && first_ok && !route_wire;
  assign dp_tready          = first_ok && (route_wire ? m_axis_wire_tready : rx_s_tready);
  assign dp_desc_ready      = !in_frame_q && dp_tvalid && dp_tready;
  assign rec_push           = dp_desc_ready && !route_wire;

  always_ff @(posedge clk) begin
    if (rst) begin
      in_frame_q <= 1'b0;
      to_wire_q  <= 1'b0;
    end else if (dp_tvalid && dp_tready) begin
      in_frame_q <= !dp_tlast;
      if (!in_frame_q) to_wire_q <= route_wire;
    end
  end

  // OUT_WIRE_BYTES: bytes of the frames sent to the wire.
  logic [63:0] out_wire_bytes_q;
  logic [$clog2(KEEP_W+1)-1:0] wire_beat_bytes;
  popcount #(.N(KEEP_W)) u_wire_beat_bytes (.in(dp_tkeep), .count(wire_beat_bytes));
  always_ff @(posedge clk) begin
    if (rst) out_wire_bytes_q <= '0;
    else if (m_axis_wire_tvalid && m_axis_wire_tready)
      out_wire_bytes_q <= out_wire_bytes_q + 64'(wire_beat_bytes);
  end
  assign counters_hw2reg.out_wire_bytes.d = out_wire_bytes_q;

  // ---------------------------------------------------------------------------------------
  // Receive side: classify, store each frame until its record is complete, rx_engine
  // ---------------------------------------------------------------------------------------
  logic [DATA_W-1:0] rc_tdata;
  logic [KEEP_W-1:0] rc_tkeep;
  logic              rc_tvalid, rc_tready, rc_tlast;
  logic [0:0]        unused_rc_tuser;
  logic              info_valid, info_ready, info_rss_valid;
  logic [31:0]       info_rss_hash;
  logic [7:0]        info_rss_queue, info_status, info_types;
  logic [15:0]       info_vlan_tci;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [15:0]       unused_info_len;
  /* verilator lint_on UNUSEDSIGNAL */

  rx_classify #(
    .DATA_W   (DATA_W),
    .NUM_VNIC (NUM_VNIC)
  ) u_rxc (
    .clk (clk), .rst (rst),
    .cfg_vxlan_port  (nic_reg2hw.tunnel_ports.q.vxlan),
    .cfg_geneve_port (nic_reg2hw.tunnel_ports.q.geneve),
    .cfg_rss_enable  (vnic_reg2hw_vnic_ctrl_q_rss_enable),
    .cfg_rss_key     (vnic_reg2hw_rss_key_q),
    .cfg_rss_indir   (vnic_reg2hw_rss_indir_q),
    .s_axis_tdata (dp_tdata), .s_axis_tkeep (dp_tkeep), .s_axis_tvalid (rx_s_tvalid),
    .s_axis_tready (rx_s_tready), .s_axis_tlast (dp_tlast), .s_axis_tuser (1'b0),
    .s_axis_vport (dp_desc.port), .s_axis_to_vnic (dp_desc.dest == 2'(nic_fmt_pkg::DEST_TYPE_VNIC)),
    .s_axis_parse_err (dp_desc.parse_err),
    .m_axis_tdata (rc_tdata), .m_axis_tkeep (rc_tkeep), .m_axis_tvalid (rc_tvalid),
    .m_axis_tready (rc_tready), .m_axis_tlast (rc_tlast), .m_axis_tuser (unused_rc_tuser),
    .m_info_valid (info_valid), .m_info_ready (info_ready),
    .m_info_rss_hash (info_rss_hash), .m_info_rss_valid (info_rss_valid),
    .m_info_rss_queue (info_rss_queue), .m_info_status (info_status),
    .m_info_types (info_types), .m_info_vlan_tci (info_vlan_tci), .m_info_len (unused_info_len)
  );

  // Records of the frames on their way to rx_engine, in frame order.
  logic              rec_valid, rec_pop;
  logic [nic_pkg::DP_DESC_W-1:0] rec_data;
  nic_pkg::dp_desc_t rec;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [6:0]        unused_rec_count;
  /* verilator lint_on UNUSEDSIGNAL */
  sync_fifo #(.WIDTH(nic_pkg::DP_DESC_W), .DEPTH(64)) u_rec (
    .clk (clk), .rst (rst),
    .s_valid (rec_push), .s_ready (rec_ready), .s_data (dp_desc),
    .m_valid (rec_valid), .m_ready (rec_pop), .m_data (rec_data),
    .count (unused_rec_count)
  );
  assign rec = rec_data;  // packed struct of DP_DESC_W bits (Yosys 0.23 has no cast to a package type)

  // Frame store: rx_engine needs the record (RSS queue, status) with the first beat, and
  // rx_classify gives it after the last, so frames wait here (room for two MAX_FRAME
  // frames; the head frame always fits, so its record always completes).
  logic              fs_valid, fs_ready;
  logic [BEAT_W-1:0] fs_data;
  logic              rx_tvalid, rx_tready, rx_tlast, head_ok;
  axis_fifo #(.WIDTH(BEAT_W), .DEPTH(RXJ_DEPTH)) u_fstore (
    .clk (clk), .rst (rst),
    .s_valid (rc_tvalid), .s_ready (rc_tready), .s_data ({rc_tlast, rc_tkeep, rc_tdata}),
    .m_valid (fs_valid), .m_ready (fs_ready), .m_data (fs_data)
  );
  assign rx_tlast  = fs_data[BEAT_W-1];
  assign head_ok   = rec_valid && info_valid;
  assign rx_tvalid = fs_valid && head_ok;
  assign fs_ready  = rx_tready && head_ok;
  assign rec_pop   = rx_tvalid && rx_tready && rx_tlast;
  assign info_ready = rec_pop;

  // DMA client signals
  logic [N_DMA-1:0]          d_rd_req_valid, d_rd_req_ready, d_rd_tvalid, d_rd_tready,
                             d_rd_tlast, d_rd_err;
  logic [N_DMA*64-1:0]       d_rd_req_addr, d_wr_req_addr;
  logic [N_DMA*16-1:0]       d_rd_req_len, d_wr_req_len;
  logic [N_DMA*8-1:0]        d_rd_req_tag, d_rd_tag, d_wr_req_tag, d_wr_done_tag;
  logic [N_DMA*DATA_W-1:0]   d_rd_tdata, d_wr_tdata;
  logic [N_DMA*KEEP_W-1:0]   d_rd_tkeep, d_wr_tkeep;
  logic [N_DMA-1:0]          d_wr_req_valid, d_wr_req_ready, d_wr_tvalid, d_wr_tready,
                             d_wr_tlast, d_wr_done_valid, d_wr_done_ready, d_wr_done_err;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [7:0]                unused_rx_rd_tag;
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_rx_rd_tag = d_rd_tag[7:0];
  assign d_rd_req_tag[7:0] = 8'd0;

  logic [NUM_VECTORS-1:0] rx_irq, tx_irq, fc_irq_p;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [NUM_TXQ-1:0]     unused_tx_irq_queue;
  /* verilator lint_on UNUSEDSIGNAL */

  rx_engine #(
    .DATA_W      (DATA_W),
    .NUM_RXQ     (NUM_RXQ),
    .NUM_VNIC    (NUM_VNIC),
    .NUM_VECTORS (NUM_VECTORS)
  ) u_rx (
    .clk (clk), .rst (rst),
    .s_axis_tdata (fs_data[DATA_W-1:0]), .s_axis_tkeep (fs_data[DATA_W +: KEEP_W]),
    .s_axis_tvalid (rx_tvalid), .s_axis_tready (rx_tready), .s_axis_tlast (rx_tlast),
    .s_rec_dest (rec.dest), .s_rec_vport (rec.port), .s_rec_src_vport (rec.src_vport),
    .s_rec_reason (rec.reason), .s_rec_parse_err (rec.parse_err),
    .s_rec_mark_valid (rec.mark_valid), .s_rec_mark (rec.mark),
    .s_rec_tcam_index (rec.tcam_index), .s_rec_h1 (rec.h1), .s_rec_ts (rec.ts),
    .s_rec_len (rec.len),
    .s_rec_rss_hash (info_rss_hash), .s_rec_rss_valid (info_rss_valid),
    .s_rec_rss_queue (info_rss_queue), .s_rec_status (info_status),
    .s_rec_types (info_types), .s_rec_vlan_tci (info_vlan_tci),
    .rxq_ring_base (rxq_reg2hw_ring_base_q),
    .rxq_cq_base (rxq_reg2hw_cq_base_q),
    .rxq_size_log2 (rxq_reg2hw_size_log2_q),
    .rxq_enable (rxq_reg2hw_ctrl_q), .rxq_prod (rxq_reg2hw_prod_q),
    .rxq_cq_cons (rxq_reg2hw_cq_cons_q),
    .rxq_cq_arm (rxq_reg2hw_cq_arm_qe),
    .rxq_irq_en (rxq_reg2hw_irq_q_enable),
    .rxq_irq_vec (rxq_reg2hw_irq_q_vector),
    .rxq_mod_pkts (rxq_reg2hw_irq_q_mod_pkts),
    .rxq_mod_cycles (rxq_reg2hw_mod_cycles_q),
    .rxq_cons (rxq_cons), .rxq_cq_prod (rxq_cq_prod),
    .exc_ring_base (excq_reg2hw_ring_base_q), .exc_cq_base (excq_reg2hw_cq_base_q),
    .exc_size_log2 (excq_reg2hw_size_log2_q), .exc_enable (excq_reg2hw_ctrl_q),
    .exc_prod (excq_reg2hw_prod_q), .exc_cq_cons (excq_reg2hw_cq_cons_q),
    .exc_cq_arm (excq_reg2hw_cq_arm_qe), .exc_irq_en (excq_reg2hw_irq_q_enable),
    .exc_irq_vec (excq_reg2hw_irq_q_vector), .exc_mod_pkts (excq_reg2hw_irq_q_mod_pkts),
    .exc_mod_cycles (excq_reg2hw_mod_cycles_q),
    .exc_cons (excq_hw2reg_cons_d), .exc_cq_prod (excq_hw2reg_cq_prod_d),
    .vnic_enable (vnic_reg2hw_vnic_ctrl_q_enable),
    .vnic_rxq_base (vn_rxq_base16), .vnic_rxq_count (vn_rxq_count16),
    .vnic_quota_bytes (vnic_reg2hw_quota_bytes_q),
    .vnic_quota_policy (vnic_reg2hw_vnic_ctrl_q_quota_wait),
    .vnic_quota_release (vnic_reg2hw_quota_release_qe),
    .vnic_quota_release_bytes ({NUM_VNIC{vnic_reg2hw_quota_release_q}}),
    .vnic_quota_inflight (vnic_quota_inflight),
    .irq_enable (1'b1), .irq (rx_irq),
    .cnt_out_vnic (counters_hw2reg.out_vnic.d), .cnt_out_exc (counters_hw2reg.out_exception.d),
    .cnt_loopback (counters_hw2reg.loopback.d),
    .cnt_rx_no_desc (counters_hw2reg.drop_rx_no_desc.d),
    .cnt_rx_too_long (counters_hw2reg.drop_rx_too_long.d),
    .cnt_rx_cq_full (counters_hw2reg.drop_rx_cq_full.d),
    .cnt_quota (counters_hw2reg.drop_quota.d), .cnt_exc_full (counters_hw2reg.drop_exc_full.d),
    .cnt_mirror (counters_hw2reg.mirror.d), .cnt_mirror_drop (counters_hw2reg.mirror_drop.d),
    .m_rd_req_valid (d_rd_req_valid[0]), .m_rd_req_ready (d_rd_req_ready[0]),
    .m_rd_req_addr (d_rd_req_addr[0 +: 64]), .m_rd_req_len (d_rd_req_len[0 +: 16]),
    .s_rd_tdata (d_rd_tdata[0 +: DATA_W]), .s_rd_tkeep (d_rd_tkeep[0 +: KEEP_W]),
    .s_rd_tvalid (d_rd_tvalid[0]), .s_rd_tready (d_rd_tready[0]), .s_rd_tlast (d_rd_tlast[0]),
    .s_rd_err (d_rd_err[0]),
    .m_wr_req_valid (d_wr_req_valid[0]), .m_wr_req_ready (d_wr_req_ready[0]),
    .m_wr_req_addr (d_wr_req_addr[0 +: 64]), .m_wr_req_len (d_wr_req_len[0 +: 16]),
    .m_wr_req_tag (d_wr_req_tag[0 +: 8]),
    .m_wr_tdata (d_wr_tdata[0 +: DATA_W]), .m_wr_tkeep (d_wr_tkeep[0 +: KEEP_W]),
    .m_wr_tvalid (d_wr_tvalid[0]), .m_wr_tready (d_wr_tready[0]), .m_wr_tlast (d_wr_tlast[0]),
    .s_wr_done_valid (d_wr_done_valid[0]), .s_wr_done_ready (d_wr_done_ready[0]),
    .s_wr_done_tag (d_wr_done_tag[0 +: 8]), .s_wr_done_err (d_wr_done_err[0])
  );

  // ---------------------------------------------------------------------------------------
  // Transmit
  // ---------------------------------------------------------------------------------------
  tx_engine #(
    .DATA_W      (DATA_W),
    .NUM_TXQ     (NUM_TXQ),
    .NUM_VNIC    (NUM_VNIC),
    .NUM_VECTORS (NUM_VECTORS)
  ) u_tx (
    .clk (clk), .rst (rst),
    .cfg_txq_ring_base (txq_reg2hw_ring_base_q),
    .cfg_txq_cq_base (txq_reg2hw_cq_base_q),
    .cfg_txq_size_log2 (txq_reg2hw_size_log2_q),
    .cfg_txq_enable (txq_reg2hw_ctrl_q_enable),
    .cfg_txq_prod (txq_reg2hw_prod_q),
    .cfg_txq_cq_cons (txq_reg2hw_cq_cons_q),
    .cfg_txq_cq_arm (txq_reg2hw_cq_arm_qe),
    .cfg_txq_vport (txq_reg2hw_ctrl_q_vport),
    .cfg_txq_irq_vector (txq_reg2hw_irq_q_vector),
    .cfg_txq_irq_enable (txq_reg2hw_irq_q_enable),
    .cfg_txq_mod_pkts (txq_reg2hw_irq_q_mod_pkts),
    .cfg_txq_mod_cycles (txq_reg2hw_mod_cycles_q),
    .cfg_vnic_spoof_check (vnic_reg2hw_vnic_ctrl_q_spoof_check),
    .cfg_vnic_ipv4_check (vnic_reg2hw_vnic_ctrl_q_ipv4_check),
    .cfg_vnic_ipv6_check (vnic_reg2hw_vnic_ctrl_q_ipv6_check),
    .cfg_vnic_mac (vn_mac), .cfg_vnic_ipv4 (vnic_reg2hw_ipv4_q),
    .cfg_vnic_ipv6 (vn_ipv6_be), .cfg_enable (nic_reg2hw.control.q.enable),
    .cfg_tx_max_frame (nic_reg2hw.tx_max_frame.q[31:16] != 16'd0 ? 16'hFFFF
                       : nic_reg2hw.tx_max_frame.q[15:0]),
    .txq_cons (txq_cons), .txq_cq_prod (txq_cq_prod),
    .irq_queue (unused_tx_irq_queue), .irq_vector (tx_irq),
    .cnt_tx_frames (counters_hw2reg.tx_frames.d), .cnt_tx_bytes (counters_hw2reg.tx_bytes.d),
    .cnt_tx_bad_desc (counters_hw2reg.tx_bad_desc.d), .cnt_spoof (counters_hw2reg.drop_spoof.d),
    .m_rd_req_valid (d_rd_req_valid[1]), .m_rd_req_ready (d_rd_req_ready[1]),
    .m_rd_req_addr (d_rd_req_addr[64 +: 64]), .m_rd_req_len (d_rd_req_len[16 +: 16]),
    .m_rd_req_tag (d_rd_req_tag[8 +: 8]),
    .s_rd_tdata (d_rd_tdata[DATA_W +: DATA_W]), .s_rd_tkeep (d_rd_tkeep[KEEP_W +: KEEP_W]),
    .s_rd_tvalid (d_rd_tvalid[1]), .s_rd_tready (d_rd_tready[1]), .s_rd_tlast (d_rd_tlast[1]),
    .s_rd_tag (d_rd_tag[8 +: 8]), .s_rd_err (d_rd_err[1]),
    .m_wr_req_valid (d_wr_req_valid[1]), .m_wr_req_ready (d_wr_req_ready[1]),
    .m_wr_req_addr (d_wr_req_addr[64 +: 64]), .m_wr_req_len (d_wr_req_len[16 +: 16]),
    .m_wr_req_tag (d_wr_req_tag[8 +: 8]),
    .m_wr_tdata (d_wr_tdata[DATA_W +: DATA_W]), .m_wr_tkeep (d_wr_tkeep[KEEP_W +: KEEP_W]),
    .m_wr_tvalid (d_wr_tvalid[1]), .m_wr_tready (d_wr_tready[1]), .m_wr_tlast (d_wr_tlast[1]),
    .s_wr_done_valid (d_wr_done_valid[1]), .s_wr_done_ready (d_wr_done_ready[1]),
    .s_wr_done_tag (d_wr_done_tag[8 +: 8]), .s_wr_done_err (d_wr_done_err[1]),
    .m_axis_tdata (tx_tdata), .m_axis_tkeep (tx_tkeep), .m_axis_tvalid (tx_tvalid),
    .m_axis_tready (tx_tready), .m_axis_tlast (tx_tlast), .m_axis_vport (tx_vport)
  );

  // ---------------------------------------------------------------------------------------
  // Flow-command ring
  // ---------------------------------------------------------------------------------------
  fcmd_engine #(
    .DATA_W      (DATA_W),
    .NUM_VECTORS (NUM_VECTORS)
  ) u_fcmd (
    .clk (clk), .rst (rst),
    .cfg_enable (fcmd_reg2hw.fcmd_ctrl.q), .cfg_base (fcmd_reg2hw.fcmd_base.q),
    .cfg_size_log2 (fcmd_reg2hw.fcmd_size_log2.q), .cfg_prod (fcmd_reg2hw.fcmd_prod.q),
    .cfg_irq ({fcmd_reg2hw.fcmd_irq.q.enable, 23'd0, fcmd_reg2hw.fcmd_irq.q.vector}),
    .cons (fcmd_hw2reg.fcmd_cons.d), .busy (unused_fc_busy),
    .irq (fc_irq_p),
    .m_rd_req_valid (d_rd_req_valid[2]), .m_rd_req_ready (d_rd_req_ready[2]),
    .m_rd_req_addr (d_rd_req_addr[128 +: 64]), .m_rd_req_len (d_rd_req_len[32 +: 16]),
    .m_rd_req_tag (d_rd_req_tag[16 +: 8]),
    .s_rd_tdata (d_rd_tdata[2*DATA_W +: DATA_W]),
    .s_rd_tkeep (d_rd_tkeep[2*KEEP_W +: KEEP_W]),
    .s_rd_tvalid (d_rd_tvalid[2]), .s_rd_tready (d_rd_tready[2]), .s_rd_tlast (d_rd_tlast[2]),
    .s_rd_tag (d_rd_tag[16 +: 8]), .s_rd_err (d_rd_err[2]),
    .m_wr_req_valid (d_wr_req_valid[2]), .m_wr_req_ready (d_wr_req_ready[2]),
    .m_wr_req_addr (d_wr_req_addr[128 +: 64]), .m_wr_req_len (d_wr_req_len[32 +: 16]),
    .m_wr_req_tag (d_wr_req_tag[16 +: 8]),
    .m_wr_tdata (d_wr_tdata[2*DATA_W +: DATA_W]),
    .m_wr_tkeep (d_wr_tkeep[2*KEEP_W +: KEEP_W]),
    .m_wr_tvalid (d_wr_tvalid[2]), .m_wr_tready (d_wr_tready[2]), .m_wr_tlast (d_wr_tlast[2]),
    .s_wr_done_valid (d_wr_done_valid[2]), .s_wr_done_ready (d_wr_done_ready[2]),
    .s_wr_done_tag (d_wr_done_tag[16 +: 8]), .s_wr_done_err (d_wr_done_err[2]),
    .em_cmd_valid (rg_em_cmd_valid), .em_cmd_ready (rg_em_cmd_ready),
    .em_cmd_op (rg_em_cmd_op), .em_cmd_key (rg_em_cmd_key),
    .em_cmd_action (rg_em_cmd_action), .em_cmd_handle (rg_em_cmd_handle),
    .em_rsp_valid (rg_em_rsp_valid), .em_rsp_ready (rg_em_rsp_ready),
    .em_rsp_status (rg_em_rsp_status), .em_rsp_handle (rg_em_rsp_handle),
    // EM_ACTIVITY's counters: the table's response itself (nic_mgmt passes its valid).
    .em_rsp_pkts (em_rsp_pkts), .em_rsp_bytes (em_rsp_bytes),
    .em_rsp_last_seen (em_rsp_last_seen),
    .tcam_cmd_valid (rg_tc_cmd_valid), .tcam_cmd_ready (rg_tc_cmd_ready),
    .tcam_cmd_op (rg_tc_cmd_op), .tcam_cmd_index (rg_tc_cmd_index),
    .tcam_cmd_priority (rg_tc_cmd_priority), .tcam_cmd_value (rg_tc_cmd_value),
    .tcam_cmd_mask (rg_tc_cmd_mask), .tcam_cmd_action (rg_tc_cmd_action),
    .tcam_rsp_valid (rg_tc_rsp_valid), .tcam_rsp_ready (rg_tc_rsp_ready),
    .tcam_rsp_status (rg_tc_rsp_status)
  );

  // ---------------------------------------------------------------------------------------
  // DMA: the three clients share one AXI4 master
  // ---------------------------------------------------------------------------------------
  logic                 q_rd_req_valid, q_rd_req_ready, q_rd_tvalid, q_rd_tready, q_rd_tlast,
                        q_rd_err;
  logic [63:0]          q_rd_req_addr, q_wr_req_addr;
  logic [15:0]          q_rd_req_len, q_wr_req_len;
  logic [DMA_TAG_W-1:0] q_rd_req_tag, q_rd_tag, q_wr_req_tag, q_wr_done_tag;
  logic [DATA_W-1:0]    q_rd_tdata, q_wr_tdata;
  logic [KEEP_W-1:0]    q_rd_tkeep, q_wr_tkeep;
  logic                 q_wr_req_valid, q_wr_req_ready, q_wr_tvalid, q_wr_tready, q_wr_tlast,
                        q_wr_done_valid, q_wr_done_ready, q_wr_done_err;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [63:0]          unused_dev_err;
  /* verilator lint_on UNUSEDSIGNAL */

  dma_mux #(
    .DATA_W        (DATA_W),
    .N             (N_DMA),
    .TAG_W         (8),
    .RD_FIFO_DEPTH (RD_FIFO_DEPTH)
  ) u_dmux (
    .clk (clk), .rst (rst),
    .s_rd_req_valid (d_rd_req_valid), .s_rd_req_ready (d_rd_req_ready),
    .s_rd_req_addr (d_rd_req_addr), .s_rd_req_len (d_rd_req_len),
    .s_rd_req_tag (d_rd_req_tag),
    .m_rd_tdata (d_rd_tdata), .m_rd_tkeep (d_rd_tkeep), .m_rd_tvalid (d_rd_tvalid),
    .m_rd_tready (d_rd_tready), .m_rd_tlast (d_rd_tlast), .m_rd_tag (d_rd_tag),
    .m_rd_err (d_rd_err),
    .s_wr_req_valid (d_wr_req_valid), .s_wr_req_ready (d_wr_req_ready),
    .s_wr_req_addr (d_wr_req_addr), .s_wr_req_len (d_wr_req_len),
    .s_wr_req_tag (d_wr_req_tag),
    .s_wr_tdata (d_wr_tdata), .s_wr_tkeep (d_wr_tkeep), .s_wr_tvalid (d_wr_tvalid),
    .s_wr_tready (d_wr_tready), .s_wr_tlast (d_wr_tlast),
    .m_wr_done_valid (d_wr_done_valid), .m_wr_done_ready (d_wr_done_ready),
    .m_wr_done_tag (d_wr_done_tag), .m_wr_done_err (d_wr_done_err),
    .m_rd_req_valid (q_rd_req_valid), .m_rd_req_ready (q_rd_req_ready),
    .m_rd_req_addr (q_rd_req_addr), .m_rd_req_len (q_rd_req_len), .m_rd_req_tag (q_rd_req_tag),
    .s_rd_tdata (q_rd_tdata), .s_rd_tkeep (q_rd_tkeep), .s_rd_tvalid (q_rd_tvalid),
    .s_rd_tready (q_rd_tready), .s_rd_tlast (q_rd_tlast), .s_rd_tag (q_rd_tag),
    .s_rd_err (q_rd_err),
    .m_wr_req_valid (q_wr_req_valid), .m_wr_req_ready (q_wr_req_ready),
    .m_wr_req_addr (q_wr_req_addr), .m_wr_req_len (q_wr_req_len), .m_wr_req_tag (q_wr_req_tag),
    .m_wr_tdata (q_wr_tdata), .m_wr_tkeep (q_wr_tkeep), .m_wr_tvalid (q_wr_tvalid),
    .m_wr_tready (q_wr_tready), .m_wr_tlast (q_wr_tlast),
    .s_wr_done_valid (q_wr_done_valid), .s_wr_done_ready (q_wr_done_ready),
    .s_wr_done_tag (q_wr_done_tag), .s_wr_done_err (q_wr_done_err)
  );

  axi_dma #(
    .DATA_W (DATA_W),
    .ID_W   (AXI_ID_W),
    .TAG_W  (DMA_TAG_W)
  ) u_dma (
    .clk (clk), .rst (rst),
    .s_rd_req_valid (q_rd_req_valid), .s_rd_req_ready (q_rd_req_ready),
    .s_rd_req_addr (q_rd_req_addr), .s_rd_req_len (q_rd_req_len), .s_rd_req_tag (q_rd_req_tag),
    .m_rd_tdata (q_rd_tdata), .m_rd_tkeep (q_rd_tkeep), .m_rd_tvalid (q_rd_tvalid),
    .m_rd_tready (q_rd_tready), .m_rd_tlast (q_rd_tlast), .m_rd_tag (q_rd_tag),
    .m_rd_err (q_rd_err),
    .s_wr_req_valid (q_wr_req_valid), .s_wr_req_ready (q_wr_req_ready),
    .s_wr_req_addr (q_wr_req_addr), .s_wr_req_len (q_wr_req_len), .s_wr_req_tag (q_wr_req_tag),
    .s_wr_tdata (q_wr_tdata), .s_wr_tkeep (q_wr_tkeep), .s_wr_tvalid (q_wr_tvalid),
    .s_wr_tready (q_wr_tready), .s_wr_tlast (q_wr_tlast),
    .m_wr_done_valid (q_wr_done_valid), .m_wr_done_ready (q_wr_done_ready),
    .m_wr_done_tag (q_wr_done_tag), .m_wr_done_err (q_wr_done_err),
    .cnt_dev_err (unused_dev_err),
    .m_axi_awid (m_axi_awid), .m_axi_awaddr (m_axi_awaddr), .m_axi_awlen (m_axi_awlen),
    .m_axi_awsize (m_axi_awsize), .m_axi_awburst (m_axi_awburst),
    .m_axi_awcache (m_axi_awcache), .m_axi_awprot (m_axi_awprot),
    .m_axi_awvalid (m_axi_awvalid), .m_axi_awready (m_axi_awready),
    .m_axi_wdata (m_axi_wdata), .m_axi_wstrb (m_axi_wstrb), .m_axi_wlast (m_axi_wlast),
    .m_axi_wvalid (m_axi_wvalid), .m_axi_wready (m_axi_wready),
    .m_axi_bid (m_axi_bid), .m_axi_bresp (m_axi_bresp), .m_axi_bvalid (m_axi_bvalid),
    .m_axi_bready (m_axi_bready),
    .m_axi_arid (m_axi_arid), .m_axi_araddr (m_axi_araddr), .m_axi_arlen (m_axi_arlen),
    .m_axi_arsize (m_axi_arsize), .m_axi_arburst (m_axi_arburst),
    .m_axi_arcache (m_axi_arcache), .m_axi_arprot (m_axi_arprot),
    .m_axi_arvalid (m_axi_arvalid), .m_axi_arready (m_axi_arready),
    .m_axi_rid (m_axi_rid), .m_axi_rdata (m_axi_rdata), .m_axi_rresp (m_axi_rresp),
    .m_axi_rlast (m_axi_rlast), .m_axi_rvalid (m_axi_rvalid), .m_axi_rready (m_axi_rready)
  );

  // ---------------------------------------------------------------------------------------
  // Interrupts: a pending bit per vector; requests lowest pending vector first
  // ---------------------------------------------------------------------------------------
  logic [NUM_VECTORS-1:0] irq_pend_q, irq_raise, irq_take;
  logic [7:0]             irq_sel;
  logic                   irq_any;
  assign irq_raise = rx_irq | tx_irq | fc_irq_p | link_irq;
  always_comb begin
    irq_sel = 8'd0;
    irq_any = 1'b0;
    for (int v = NUM_VECTORS - 1; v >= 0; v--) begin
      if (irq_pend_q[v]) begin
        irq_sel = 8'(v);
        irq_any = 1'b1;
      end
    end
    for (int v = 0; v < NUM_VECTORS; v++) begin
      irq_take[v] = irq_any && m_irq_ready && irq_sel == 8'(v);
    end
  end
  always_ff @(posedge clk) begin
    if (rst) irq_pend_q <= '0;
    else     irq_pend_q <= (irq_pend_q & ~irq_take) | irq_raise;
  end
  assign m_irq_valid  = irq_any;

  // Datapath counts the device takes from the engines instead (tx_frames/tx_bytes from
  // tx_engine, which also counts spoofed frames; out_vnic, out_exception, loopback, mirror
  // from rx_engine, after the ring checks).
  assign unused_fields = ^{dp_cnt.tx_frames, dp_cnt.tx_bytes, dp_cnt.wire_discard,
                           dp_cnt.out_vnic, dp_cnt.out_exception, dp_cnt.loopback,
                           dp_cnt.mirror};
  assign m_irq_vector = irq_sel;

endmodule

`default_nettype wire
