// SPDX-License-Identifier: MIT
// nic_cosim_top: nic_top for simulation (the SystemC co-simulation in sim/ and the bench
// testbenches/rtl_top), with passive monitors the scoreboard needs. Not part of rtl/: the
// monitors reach into nic_top's hierarchy and change nothing in it.
//
// Monitors (outputs valid in the clock they are sampled, before the rising edge):
//   mon_ingress, mon_vport, mon_ts       a frame's first beat passes the ingress arbiter
//                                        (its source vport and ingress timestamp)
//   mon_in_*                             every beat the pipeline takes from the arbiter:
//                                        the frames exactly as the datapath sees them
//   mon_em_lookup, mon_tcam_lookup       a lookup enters the exact-match table / the TCAM
//   mon_em_cmd_*, mon_tcam_cmd_*         a management command enters the table (its fields):
//                                        a lookup before it sees the table before the
//                                        command, a lookup after it the table after
//   (em_table and tcam serialize commands and lookups at these handshakes, spec 4.2.)
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_cosim_top #(
  parameter int DATA_W       = 512,   // wire stream and AXI data width: 64 or 512
  parameter int USER_W       = 1,     // tuser width
  parameter int NUM_VNIC     = 8,     // vports 1..NUM_VNIC
  parameter int NUM_RXQ      = 16,
  parameter int NUM_TXQ      = 16,
  parameter int NUM_VECTORS  = 32,    // interrupt vectors
  parameter int EM_BUCKETS   = 8192,  // exact-match buckets per bank (64K entries)
  parameter int TCAM_ENTRIES = 64,
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

  // PHY status (docs/spec.md 12), driven by the simulated PHY (sim/, the benches).
  input  wire                           phy_link_up,
  input  wire [nic_fmt_pkg::LINK_SPEED_WIDTH-1:0] phy_speed,
  input  wire [nic_fmt_pkg::LINK_MEDIA_WIDTH-1:0] phy_media,

  // Bench monitor (hierarchical references): a frame's first beat leaving the ingress
  // arbiter, with its vport and ingress timestamp: the order and time in which the golden
  // model must see the frames.
  output wire                           mon_ingress,
  output wire [7:0]                     mon_vport,
  output wire [63:0]                    mon_ts,
  output wire                           mon_in_fire,
  output wire                           mon_in_first,
  output wire                           mon_in_last,
  output wire [DATA_W-1:0]              mon_in_tdata,
  output wire [KEEP_W-1:0]              mon_in_tkeep,
  output wire                           mon_em_lookup,
  output wire                           mon_em_cmd,
  output wire [2:0]                     mon_em_cmd_op,
  output wire [nic_fmt_pkg::FLOW_KEY_W-1:0] mon_em_cmd_key,
  output wire [nic_fmt_pkg::ACTION_W-1:0] mon_em_cmd_action,
  output wire [31:0]                    mon_em_cmd_handle,
  output wire                           mon_tcam_lookup,
  output wire                           mon_tcam_cmd,
  output wire [31:0]                    mon_tcam_cmd_op,
  output wire [31:0]                    mon_tcam_cmd_index,
  output wire [15:0]                    mon_tcam_cmd_priority,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] mon_tcam_cmd_value,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] mon_tcam_cmd_mask,
  output wire [nic_fmt_pkg::ACTION_W-1:0] mon_tcam_cmd_action
);

  nic_top #(
    .DATA_W (DATA_W), .USER_W (USER_W), .NUM_VNIC (NUM_VNIC), .NUM_RXQ (NUM_RXQ),
    .NUM_TXQ (NUM_TXQ), .NUM_VECTORS (NUM_VECTORS), .EM_BUCKETS (EM_BUCKETS),
    .TCAM_ENTRIES (TCAM_ENTRIES), .NUM_METERS (NUM_METERS), .NUM_ENCAP (NUM_ENCAP),
    .AXI_ID_W (AXI_ID_W), .RD_FIFO_DEPTH (RD_FIFO_DEPTH)
  ) u_top (.*);

  assign mon_ingress = u_top.u_dp.p_fire && u_top.u_dp.p_first_q;
  assign mon_vport   = u_top.u_dp.a_vport;
  assign mon_ts      = u_top.u_dp.a_ts;

  assign mon_in_fire  = u_top.u_dp.p_fire;
  assign mon_in_first = u_top.u_dp.p_first_q;
  assign mon_in_last  = u_top.u_dp.a_tlast;
  assign mon_in_tdata = u_top.u_dp.a_tdata;
  assign mon_in_tkeep = u_top.u_dp.a_tkeep;

  assign mon_em_lookup     = u_top.u_dp.u_em.s_lookup_valid && u_top.u_dp.u_em.s_lookup_ready;
  assign mon_em_cmd        = u_top.u_dp.u_em.s_cmd_valid && u_top.u_dp.u_em.s_cmd_ready;
  assign mon_em_cmd_op     = u_top.u_dp.u_em.s_cmd_op;
  assign mon_em_cmd_key    = u_top.u_dp.u_em.s_cmd_key;
  assign mon_em_cmd_action = u_top.u_dp.u_em.s_cmd_action;
  assign mon_em_cmd_handle = u_top.u_dp.u_em.s_cmd_handle;

  assign mon_tcam_lookup       = u_top.u_dp.u_tcam.s_lookup_valid &&
                                 u_top.u_dp.u_tcam.s_lookup_ready;
  assign mon_tcam_cmd          = u_top.u_dp.u_tcam.s_cmd_valid && u_top.u_dp.u_tcam.s_cmd_ready;
  assign mon_tcam_cmd_op       = u_top.u_dp.u_tcam.s_cmd_op;
  assign mon_tcam_cmd_index    = u_top.u_dp.u_tcam.s_cmd_index;
  assign mon_tcam_cmd_priority = u_top.u_dp.u_tcam.s_cmd_priority;
  assign mon_tcam_cmd_value    = u_top.u_dp.u_tcam.s_cmd_value;
  assign mon_tcam_cmd_mask     = u_top.u_dp.u_tcam.s_cmd_mask;
  assign mon_tcam_cmd_action   = u_top.u_dp.u_tcam.s_cmd_action;

endmodule

`default_nettype wire
