// SPDX-License-Identifier: MIT
// Bench-only wrapper (testbenches/rtl_mgmt): nic_regfile + nic_mgmt + nic_datapath, the way
// nic_top joins them for the register commands. Exposed: the AXI4-Lite slave, the ring-side
// EM/TCAM command ports of nic_mgmt (the test plays fcmd_engine), wire input 0 of the
// datapath (input 1, transmit, is idle), m_axis and m_desc, and the cycle counter `now`
// (the datapath's timestamps). Not part of rtl/.
`resetall
`timescale 1ns/1ps
`default_nettype none

module mgmt_tb_top #(
  parameter int DATA_W       = 64,
  parameter int KEEP_W       = DATA_W / 8,
  parameter int EM_BUCKETS   = 8,
  parameter int TCAM_ENTRIES = 16,
  parameter int NUM_METERS   = 8,
  parameter int NUM_ENCAP    = 8
) (
  input  wire                              clk,
  input  wire                              rst,
  output wire [63:0]                       now,

  input  wire [nic_regs_pkg::ADDR_W-1:0]   s_axil_awaddr,
  input  wire [2:0]                        s_axil_awprot,
  input  wire                              s_axil_awvalid,
  output wire                              s_axil_awready,
  input  wire [nic_regs_pkg::DATA_W-1:0]   s_axil_wdata,
  input  wire [nic_regs_pkg::DATA_W/8-1:0] s_axil_wstrb,
  input  wire                              s_axil_wvalid,
  output wire                              s_axil_wready,
  output wire [1:0]                        s_axil_bresp,
  output wire                              s_axil_bvalid,
  input  wire                              s_axil_bready,
  input  wire [nic_regs_pkg::ADDR_W-1:0]   s_axil_araddr,
  input  wire [2:0]                        s_axil_arprot,
  input  wire                              s_axil_arvalid,
  output wire                              s_axil_arready,
  output wire [nic_regs_pkg::DATA_W-1:0]   s_axil_rdata,
  output wire [1:0]                        s_axil_rresp,
  output wire                              s_axil_rvalid,
  input  wire                              s_axil_rready,

  input  wire s_ring_em_cmd_valid,
  output wire s_ring_em_cmd_ready,
  input  wire [2:0] s_ring_em_cmd_op,
  input  wire [nic_pkg::KEY_W-1:0] s_ring_em_cmd_key,
  input  wire [nic_pkg::ACTION_W-1:0] s_ring_em_cmd_action,
  input  wire [nic_pkg::EM_HANDLE_W-1:0] s_ring_em_cmd_handle,
  output wire s_ring_em_rsp_valid,
  input  wire s_ring_em_rsp_ready,
  output wire [7:0] s_ring_em_rsp_status,
  output wire [nic_pkg::EM_HANDLE_W-1:0] s_ring_em_rsp_handle,
  input  wire s_ring_tcam_cmd_valid,
  output wire s_ring_tcam_cmd_ready,
  input  wire [nic_pkg::CSR_DATA_W-1:0] s_ring_tcam_cmd_op,
  input  wire [nic_pkg::CSR_DATA_W-1:0] s_ring_tcam_cmd_index,
  input  wire [nic_pkg::TCAM_PRIO_W-1:0] s_ring_tcam_cmd_priority,
  input  wire [nic_pkg::TCAM_KEY_W-1:0] s_ring_tcam_cmd_value,
  input  wire [nic_pkg::TCAM_KEY_W-1:0] s_ring_tcam_cmd_mask,
  input  wire [nic_pkg::ACTION_W-1:0] s_ring_tcam_cmd_action,
  output wire s_ring_tcam_rsp_valid,
  input  wire s_ring_tcam_rsp_ready,
  output wire [7:0] s_ring_tcam_rsp_status,

  input  wire [DATA_W-1:0]                 s_axis_tdata,
  input  wire [KEEP_W-1:0]                 s_axis_tkeep,
  input  wire                              s_axis_tvalid,
  output wire                              s_axis_tready,
  input  wire                              s_axis_tlast,
  output wire [DATA_W-1:0]                 m_axis_tdata,
  output wire [KEEP_W-1:0]                 m_axis_tkeep,
  output wire                              m_axis_tvalid,
  input  wire                              m_axis_tready,
  output wire                              m_axis_tlast,
  output wire                              m_desc_valid,
  input  wire                              m_desc_ready,
  output nic_pkg::dp_desc_t                m_desc
);

  // Element counts of nic_regfile's array blocks (its defaults).
  localparam int NUM_EXCQ = 1;
  localparam int NUM_VNIC = 1;
  localparam int NUM_RXQ  = 1;
  localparam int NUM_TXQ  = 1;

  logic [63:0] now_q;
  always_ff @(posedge clk) begin
    if (rst) begin
      now_q <= 64'd0;
    end else begin
      now_q <= now_q + 64'd1;
    end
  end
  assign now = now_q;

  // nic_regfile <-> nic_mgmt
  logic flow_ft_cmd_wr;
  logic [31:0] flow_ft_cmd_wdata;
  logic [31:0] flow_ft_status;
  logic [31:0] flow_ft_handle;
  logic [0:0] flow_ft_handle_hw_we;
  logic [31:0] flow_ft_handle_hw_wdata;
  logic [63:0] flow_ft_pkts;
  logic [63:0] flow_ft_bytes;
  logic [31:0] flow_ft_last_seen;
  logic [351:0] flow_ft_key;
  logic [10:0] flow_ft_key_hw_we;
  logic [351:0] flow_ft_key_hw_wdata;
  logic [511:0] flow_ft_action;
  logic [15:0] flow_ft_action_hw_we;
  logic [511:0] flow_ft_action_hw_wdata;
  logic tcam_tcam_cmd_wr;
  logic [31:0] tcam_tcam_cmd_wdata;
  logic [31:0] tcam_tcam_status;
  logic [31:0] tcam_tcam_index;
  logic [31:0] tcam_tcam_prio;
  logic [0:0] tcam_tcam_prio_hw_we;
  logic [31:0] tcam_tcam_prio_hw_wdata;
  logic [63:0] tcam_tcam_pkts;
  logic [63:0] tcam_tcam_bytes;
  logic [447:0] tcam_tcam_value;
  logic [13:0] tcam_tcam_value_hw_we;
  logic [447:0] tcam_tcam_value_hw_wdata;
  logic [447:0] tcam_tcam_mask;
  logic [13:0] tcam_tcam_mask_hw_we;
  logic [447:0] tcam_tcam_mask_hw_wdata;
  logic [511:0] tcam_tcam_action;
  logic [15:0] tcam_tcam_action_hw_we;
  logic [511:0] tcam_tcam_action_hw_wdata;
  logic actions_encap_cmd_wr;
  logic [31:0] actions_encap_cmd_wdata;
  logic [31:0] actions_encap_index;
  logic actions_meter_cmd_wr;
  logic [31:0] actions_meter_cmd_wdata;
  logic [31:0] actions_meter_index;
  logic [31:0] actions_meter_rate;
  logic [0:0] actions_meter_rate_hw_we;
  logic [31:0] actions_meter_rate_hw_wdata;
  logic [31:0] actions_meter_burst;
  logic [0:0] actions_meter_burst_hw_we;
  logic [31:0] actions_meter_burst_hw_wdata;
  logic [31:0] actions_meter_tokens;
  logic [31:0] actions_act_status;
  logic [511:0] actions_encap_data;
  logic [15:0] actions_encap_data_hw_we;
  logic [511:0] actions_encap_data_hw_wdata;
  logic [31:0] em_entry_count;

  // Ports of nic_regfile that nic_mgmt does not use: inputs 0, outputs to unused_rf_*.
  logic [31:0] unused_rf_nic_control;
  logic [31:0] unused_rf_nic_scratch;
  logic [31:0] unused_rf_nic_wire_max_frame;
  logic [31:0] unused_rf_nic_tx_max_frame;
  logic [31:0] unused_rf_nic_tunnel_ports;
  logic [63:0] unused_rf_fcmd_fcmd_base;
  logic [31:0] unused_rf_fcmd_fcmd_size_log2;
  logic [31:0] unused_rf_fcmd_fcmd_ctrl;
  logic unused_rf_fcmd_fcmd_ctrl_wr;
  logic [31:0] unused_rf_fcmd_fcmd_ctrl_wdata;
  logic [31:0] unused_rf_fcmd_fcmd_prod;
  logic unused_rf_fcmd_fcmd_prod_wr;
  logic [31:0] unused_rf_fcmd_fcmd_prod_wdata;
  logic [31:0] unused_rf_fcmd_fcmd_irq;
  logic [NUM_EXCQ*64-1:0] unused_rf_excq_ring_base;
  logic [NUM_EXCQ*64-1:0] unused_rf_excq_cq_base;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_size_log2;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_ctrl;
  logic unused_rf_excq_ctrl_wr;
  logic [31:0] unused_rf_excq_ctrl_wdata;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_prod;
  logic unused_rf_excq_prod_wr;
  logic [31:0] unused_rf_excq_prod_wdata;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_cq_cons;
  logic unused_rf_excq_cq_cons_wr;
  logic [31:0] unused_rf_excq_cq_cons_wdata;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_irq;
  logic [NUM_EXCQ*32-1:0] unused_rf_excq_mod_cycles;
  logic unused_rf_excq_cq_arm_wr;
  logic [31:0] unused_rf_excq_cq_arm_wdata;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_vnic_ctrl;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_rxq_base;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_rxq_count;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_mac_lo;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_mac_hi;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_ipv4;
  logic [NUM_VNIC*128-1:0] unused_rf_vnic_ipv6;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_quota_bytes;
  logic unused_rf_vnic_quota_release_wr;
  logic [31:0] unused_rf_vnic_quota_release_wdata;
  logic [4:0] unused_rf_vnic_quota_release_widx;
  logic [NUM_VNIC*32-1:0] unused_rf_vnic_quota_wait_cycles;
  logic [NUM_VNIC*320-1:0] unused_rf_vnic_rss_key;
  logic [NUM_VNIC*1024-1:0] unused_rf_vnic_rss_indir;
  logic [NUM_RXQ*64-1:0] unused_rf_rxq_ring_base;
  logic [NUM_RXQ*64-1:0] unused_rf_rxq_cq_base;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_size_log2;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_ctrl;
  logic unused_rf_rxq_ctrl_wr;
  logic [31:0] unused_rf_rxq_ctrl_wdata;
  logic [5:0] unused_rf_rxq_ctrl_widx;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_prod;
  logic unused_rf_rxq_prod_wr;
  logic [31:0] unused_rf_rxq_prod_wdata;
  logic [5:0] unused_rf_rxq_prod_widx;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_cq_cons;
  logic unused_rf_rxq_cq_cons_wr;
  logic [31:0] unused_rf_rxq_cq_cons_wdata;
  logic [5:0] unused_rf_rxq_cq_cons_widx;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_irq;
  logic [NUM_RXQ*32-1:0] unused_rf_rxq_mod_cycles;
  logic unused_rf_rxq_cq_arm_wr;
  logic [31:0] unused_rf_rxq_cq_arm_wdata;
  logic [5:0] unused_rf_rxq_cq_arm_widx;
  logic [NUM_TXQ*64-1:0] unused_rf_txq_ring_base;
  logic [NUM_TXQ*64-1:0] unused_rf_txq_cq_base;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_size_log2;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_ctrl;
  logic unused_rf_txq_ctrl_wr;
  logic [31:0] unused_rf_txq_ctrl_wdata;
  logic [5:0] unused_rf_txq_ctrl_widx;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_prod;
  logic unused_rf_txq_prod_wr;
  logic [31:0] unused_rf_txq_prod_wdata;
  logic [5:0] unused_rf_txq_prod_widx;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_cq_cons;
  logic unused_rf_txq_cq_cons_wr;
  logic [31:0] unused_rf_txq_cq_cons_wdata;
  logic [5:0] unused_rf_txq_cq_cons_widx;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_irq;
  logic [NUM_TXQ*32-1:0] unused_rf_txq_mod_cycles;
  logic unused_rf_txq_cq_arm_wr;
  logic [31:0] unused_rf_txq_cq_arm_wdata;
  logic [5:0] unused_rf_txq_cq_arm_widx;

  nic_regfile u_regs (
    .clk                          (clk),
    .rst                          (rst),
    .s_axil_awaddr                (s_axil_awaddr),
    .s_axil_awprot                (s_axil_awprot),
    .s_axil_awvalid               (s_axil_awvalid),
    .s_axil_awready               (s_axil_awready),
    .s_axil_wdata                 (s_axil_wdata),
    .s_axil_wstrb                 (s_axil_wstrb),
    .s_axil_wvalid                (s_axil_wvalid),
    .s_axil_wready                (s_axil_wready),
    .s_axil_bresp                 (s_axil_bresp),
    .s_axil_bvalid                (s_axil_bvalid),
    .s_axil_bready                (s_axil_bready),
    .s_axil_araddr                (s_axil_araddr),
    .s_axil_arprot                (s_axil_arprot),
    .s_axil_arvalid               (s_axil_arvalid),
    .s_axil_arready               (s_axil_arready),
    .s_axil_rdata                 (s_axil_rdata),
    .s_axil_rresp                 (s_axil_rresp),
    .s_axil_rvalid                (s_axil_rvalid),
    .s_axil_rready                (s_axil_rready),
    .nic_caps0                    ('0),
    .nic_caps1                    ('0),
    .nic_caps2                    ('0),
    .nic_control                  (unused_rf_nic_control),
    .nic_cycles                   ('0),
    .nic_scratch                  (unused_rf_nic_scratch),
    .nic_wire_max_frame           (unused_rf_nic_wire_max_frame),
    .nic_tx_max_frame             (unused_rf_nic_tx_max_frame),
    .nic_tunnel_ports             (unused_rf_nic_tunnel_ports),
    .counters_rx_wire_frames      ('0),
    .counters_rx_wire_bytes       ('0),
    .counters_tx_frames           ('0),
    .counters_tx_bytes            ('0),
    .counters_out_wire            ('0),
    .counters_out_vnic            ('0),
    .counters_out_exception       ('0),
    .counters_loopback            ('0),
    .counters_mirror              ('0),
    .counters_mirror_drop         ('0),
    .counters_em_hits             ('0),
    .counters_tcam_hits           ('0),
    .counters_misses              ('0),
    .counters_drop_parse_error    ('0),
    .counters_drop_flow           ('0),
    .counters_drop_meter          ('0),
    .counters_drop_bad_action     ('0),
    .counters_drop_mtu            ('0),
    .counters_drop_rx_no_desc     ('0),
    .counters_drop_rx_too_long    ('0),
    .counters_drop_rx_cq_full     ('0),
    .counters_drop_quota          ('0),
    .counters_drop_exc_full       ('0),
    .counters_drop_spoof          ('0),
    .counters_tx_bad_desc         ('0),
    .counters_out_wire_bytes      ('0),
    .flow_ft_cmd_wr               (flow_ft_cmd_wr),
    .flow_ft_cmd_wdata            (flow_ft_cmd_wdata),
    .flow_ft_status               (flow_ft_status),
    .flow_ft_handle               (flow_ft_handle),
    .flow_ft_handle_hw_we         (flow_ft_handle_hw_we),
    .flow_ft_handle_hw_wdata      (flow_ft_handle_hw_wdata),
    .flow_ft_count                (em_entry_count),
    .flow_ft_pkts                 (flow_ft_pkts),
    .flow_ft_bytes                (flow_ft_bytes),
    .flow_ft_last_seen            (flow_ft_last_seen),
    .flow_ft_key                  (flow_ft_key),
    .flow_ft_key_hw_we            (flow_ft_key_hw_we),
    .flow_ft_key_hw_wdata         (flow_ft_key_hw_wdata),
    .flow_ft_action               (flow_ft_action),
    .flow_ft_action_hw_we         (flow_ft_action_hw_we),
    .flow_ft_action_hw_wdata      (flow_ft_action_hw_wdata),
    .tcam_tcam_cmd_wr             (tcam_tcam_cmd_wr),
    .tcam_tcam_cmd_wdata          (tcam_tcam_cmd_wdata),
    .tcam_tcam_status             (tcam_tcam_status),
    .tcam_tcam_index              (tcam_tcam_index),
    .tcam_tcam_prio               (tcam_tcam_prio),
    .tcam_tcam_prio_hw_we         (tcam_tcam_prio_hw_we),
    .tcam_tcam_prio_hw_wdata      (tcam_tcam_prio_hw_wdata),
    .tcam_tcam_pkts               (tcam_tcam_pkts),
    .tcam_tcam_bytes              (tcam_tcam_bytes),
    .tcam_tcam_value              (tcam_tcam_value),
    .tcam_tcam_value_hw_we        (tcam_tcam_value_hw_we),
    .tcam_tcam_value_hw_wdata     (tcam_tcam_value_hw_wdata),
    .tcam_tcam_mask               (tcam_tcam_mask),
    .tcam_tcam_mask_hw_we         (tcam_tcam_mask_hw_we),
    .tcam_tcam_mask_hw_wdata      (tcam_tcam_mask_hw_wdata),
    .tcam_tcam_action             (tcam_tcam_action),
    .tcam_tcam_action_hw_we       (tcam_tcam_action_hw_we),
    .tcam_tcam_action_hw_wdata    (tcam_tcam_action_hw_wdata),
    .actions_encap_cmd_wr         (actions_encap_cmd_wr),
    .actions_encap_cmd_wdata      (actions_encap_cmd_wdata),
    .actions_encap_index          (actions_encap_index),
    .actions_meter_cmd_wr         (actions_meter_cmd_wr),
    .actions_meter_cmd_wdata      (actions_meter_cmd_wdata),
    .actions_meter_index          (actions_meter_index),
    .actions_meter_rate           (actions_meter_rate),
    .actions_meter_rate_hw_we     (actions_meter_rate_hw_we),
    .actions_meter_rate_hw_wdata  (actions_meter_rate_hw_wdata),
    .actions_meter_burst          (actions_meter_burst),
    .actions_meter_burst_hw_we    (actions_meter_burst_hw_we),
    .actions_meter_burst_hw_wdata (actions_meter_burst_hw_wdata),
    .actions_meter_tokens         (actions_meter_tokens),
    .actions_act_status           (actions_act_status),
    .actions_encap_data           (actions_encap_data),
    .actions_encap_data_hw_we     (actions_encap_data_hw_we),
    .actions_encap_data_hw_wdata  (actions_encap_data_hw_wdata),
    .fcmd_fcmd_base               (unused_rf_fcmd_fcmd_base),
    .fcmd_fcmd_size_log2          (unused_rf_fcmd_fcmd_size_log2),
    .fcmd_fcmd_ctrl               (unused_rf_fcmd_fcmd_ctrl),
    .fcmd_fcmd_ctrl_wr            (unused_rf_fcmd_fcmd_ctrl_wr),
    .fcmd_fcmd_ctrl_wdata         (unused_rf_fcmd_fcmd_ctrl_wdata),
    .fcmd_fcmd_prod               (unused_rf_fcmd_fcmd_prod),
    .fcmd_fcmd_prod_wr            (unused_rf_fcmd_fcmd_prod_wr),
    .fcmd_fcmd_prod_wdata         (unused_rf_fcmd_fcmd_prod_wdata),
    .fcmd_fcmd_cons               ('0),
    .fcmd_fcmd_irq                (unused_rf_fcmd_fcmd_irq),
    .excq_ring_base               (unused_rf_excq_ring_base),
    .excq_cq_base                 (unused_rf_excq_cq_base),
    .excq_size_log2               (unused_rf_excq_size_log2),
    .excq_ctrl                    (unused_rf_excq_ctrl),
    .excq_ctrl_wr                 (unused_rf_excq_ctrl_wr),
    .excq_ctrl_wdata              (unused_rf_excq_ctrl_wdata),
    .excq_prod                    (unused_rf_excq_prod),
    .excq_prod_wr                 (unused_rf_excq_prod_wr),
    .excq_prod_wdata              (unused_rf_excq_prod_wdata),
    .excq_cons                    ('0),
    .excq_cq_prod                 ('0),
    .excq_cq_cons                 (unused_rf_excq_cq_cons),
    .excq_cq_cons_wr              (unused_rf_excq_cq_cons_wr),
    .excq_cq_cons_wdata           (unused_rf_excq_cq_cons_wdata),
    .excq_irq                     (unused_rf_excq_irq),
    .excq_mod_cycles              (unused_rf_excq_mod_cycles),
    .excq_cq_arm_wr               (unused_rf_excq_cq_arm_wr),
    .excq_cq_arm_wdata            (unused_rf_excq_cq_arm_wdata),
    .vnic_vnic_ctrl               (unused_rf_vnic_vnic_ctrl),
    .vnic_rxq_base                (unused_rf_vnic_rxq_base),
    .vnic_rxq_count               (unused_rf_vnic_rxq_count),
    .vnic_mac_lo                  (unused_rf_vnic_mac_lo),
    .vnic_mac_hi                  (unused_rf_vnic_mac_hi),
    .vnic_ipv4                    (unused_rf_vnic_ipv4),
    .vnic_ipv6                    (unused_rf_vnic_ipv6),
    .vnic_quota_bytes             (unused_rf_vnic_quota_bytes),
    .vnic_quota_inflight          ('0),
    .vnic_quota_release_wr        (unused_rf_vnic_quota_release_wr),
    .vnic_quota_release_wdata     (unused_rf_vnic_quota_release_wdata),
    .vnic_quota_release_widx      (unused_rf_vnic_quota_release_widx),
    .vnic_quota_wait_cycles       (unused_rf_vnic_quota_wait_cycles),
    .vnic_rss_key                 (unused_rf_vnic_rss_key),
    .vnic_rss_indir               (unused_rf_vnic_rss_indir),
    .rxq_ring_base                (unused_rf_rxq_ring_base),
    .rxq_cq_base                  (unused_rf_rxq_cq_base),
    .rxq_size_log2                (unused_rf_rxq_size_log2),
    .rxq_ctrl                     (unused_rf_rxq_ctrl),
    .rxq_ctrl_wr                  (unused_rf_rxq_ctrl_wr),
    .rxq_ctrl_wdata               (unused_rf_rxq_ctrl_wdata),
    .rxq_ctrl_widx                (unused_rf_rxq_ctrl_widx),
    .rxq_prod                     (unused_rf_rxq_prod),
    .rxq_prod_wr                  (unused_rf_rxq_prod_wr),
    .rxq_prod_wdata               (unused_rf_rxq_prod_wdata),
    .rxq_prod_widx                (unused_rf_rxq_prod_widx),
    .rxq_cons                     ('0),
    .rxq_cq_prod                  ('0),
    .rxq_cq_cons                  (unused_rf_rxq_cq_cons),
    .rxq_cq_cons_wr               (unused_rf_rxq_cq_cons_wr),
    .rxq_cq_cons_wdata            (unused_rf_rxq_cq_cons_wdata),
    .rxq_cq_cons_widx             (unused_rf_rxq_cq_cons_widx),
    .rxq_irq                      (unused_rf_rxq_irq),
    .rxq_mod_cycles               (unused_rf_rxq_mod_cycles),
    .rxq_cq_arm_wr                (unused_rf_rxq_cq_arm_wr),
    .rxq_cq_arm_wdata             (unused_rf_rxq_cq_arm_wdata),
    .rxq_cq_arm_widx              (unused_rf_rxq_cq_arm_widx),
    .txq_ring_base                (unused_rf_txq_ring_base),
    .txq_cq_base                  (unused_rf_txq_cq_base),
    .txq_size_log2                (unused_rf_txq_size_log2),
    .txq_ctrl                     (unused_rf_txq_ctrl),
    .txq_ctrl_wr                  (unused_rf_txq_ctrl_wr),
    .txq_ctrl_wdata               (unused_rf_txq_ctrl_wdata),
    .txq_ctrl_widx                (unused_rf_txq_ctrl_widx),
    .txq_prod                     (unused_rf_txq_prod),
    .txq_prod_wr                  (unused_rf_txq_prod_wr),
    .txq_prod_wdata               (unused_rf_txq_prod_wdata),
    .txq_prod_widx                (unused_rf_txq_prod_widx),
    .txq_cons                     ('0),
    .txq_cq_prod                  ('0),
    .txq_cq_cons                  (unused_rf_txq_cq_cons),
    .txq_cq_cons_wr               (unused_rf_txq_cq_cons_wr),
    .txq_cq_cons_wdata            (unused_rf_txq_cq_cons_wdata),
    .txq_cq_cons_widx             (unused_rf_txq_cq_cons_widx),
    .txq_irq                      (unused_rf_txq_irq),
    .txq_mod_cycles               (unused_rf_txq_mod_cycles),
    .txq_cq_arm_wr                (unused_rf_txq_cq_arm_wr),
    .txq_cq_arm_wdata             (unused_rf_txq_cq_arm_wdata),
    .txq_cq_arm_widx              (unused_rf_txq_cq_arm_widx)
  );

  // nic_mgmt <-> nic_datapath
  logic m_em_cmd_valid;
  logic m_em_cmd_ready;
  logic [2:0] m_em_cmd_op;
  logic [nic_pkg::KEY_W-1:0] m_em_cmd_key;
  logic [nic_pkg::ACTION_W-1:0] m_em_cmd_action;
  logic [nic_pkg::EM_HANDLE_W-1:0] m_em_cmd_handle;
  logic m_em_rsp_valid;
  logic m_em_rsp_ready;
  logic [7:0] m_em_rsp_status;
  logic [nic_pkg::EM_HANDLE_W-1:0] m_em_rsp_handle;
  logic [nic_pkg::KEY_W-1:0] m_em_rsp_key;
  logic [nic_pkg::ACTION_W-1:0] m_em_rsp_action;
  logic [nic_pkg::EM_PKTS_W-1:0] m_em_rsp_pkts;
  logic [nic_pkg::EM_BYTES_W-1:0] m_em_rsp_bytes;
  logic [nic_pkg::EM_SEEN_W-1:0] m_em_rsp_last_seen;
  logic m_tcam_cmd_valid;
  logic m_tcam_cmd_ready;
  logic [nic_pkg::CSR_DATA_W-1:0] m_tcam_cmd_op;
  logic [nic_pkg::CSR_DATA_W-1:0] m_tcam_cmd_index;
  logic [nic_pkg::TCAM_PRIO_W-1:0] m_tcam_cmd_priority;
  logic [nic_pkg::TCAM_KEY_W-1:0] m_tcam_cmd_value;
  logic [nic_pkg::TCAM_KEY_W-1:0] m_tcam_cmd_mask;
  logic [nic_pkg::ACTION_W-1:0] m_tcam_cmd_action;
  logic m_tcam_rsp_valid;
  logic m_tcam_rsp_ready;
  logic [7:0] m_tcam_rsp_status;
  logic [nic_pkg::TCAM_PRIO_W-1:0] m_tcam_rsp_priority;
  logic [nic_pkg::TCAM_KEY_W-1:0] m_tcam_rsp_value;
  logic [nic_pkg::TCAM_KEY_W-1:0] m_tcam_rsp_mask;
  logic [nic_pkg::ACTION_W-1:0] m_tcam_rsp_action;
  logic [63:0] m_tcam_rsp_pkts;
  logic [63:0] m_tcam_rsp_bytes;
  logic m_meter_cmd_valid;
  logic m_meter_cmd_ready;
  logic [31:0] m_meter_cmd_op;
  logic [15:0] m_meter_cmd_index;
  logic [31:0] m_meter_cmd_rate;
  logic [31:0] m_meter_cmd_burst;
  logic m_meter_rsp_valid;
  logic m_meter_rsp_ready;
  logic [7:0] m_meter_rsp_status;
  logic [31:0] m_meter_rsp_rate;
  logic [31:0] m_meter_rsp_burst;
  logic [31:0] m_meter_rsp_tokens;
  logic m_encap_wr_valid;
  logic [15:0] m_encap_wr_index;
  logic [nic_pkg::ACTION_W-1:0] m_encap_wr_data;
  logic m_encap_rd_valid;
  logic [15:0] m_encap_rd_index;
  logic m_encap_rd_data_valid;
  logic [nic_pkg::ACTION_W-1:0] m_encap_rd_data;

  nic_mgmt #(
    .NUM_METERS   (NUM_METERS),
    .NUM_ENCAP    (NUM_ENCAP),
    .TCAM_ENTRIES (TCAM_ENTRIES)
  ) u_mgmt (
    .clk                          (clk),
    .rst                          (rst),
    .flow_ft_cmd_wr               (flow_ft_cmd_wr),
    .flow_ft_cmd_wdata            (flow_ft_cmd_wdata),
    .flow_ft_status               (flow_ft_status),
    .flow_ft_handle               (flow_ft_handle),
    .flow_ft_handle_hw_we         (flow_ft_handle_hw_we),
    .flow_ft_handle_hw_wdata      (flow_ft_handle_hw_wdata),
    .flow_ft_pkts                 (flow_ft_pkts),
    .flow_ft_bytes                (flow_ft_bytes),
    .flow_ft_last_seen            (flow_ft_last_seen),
    .flow_ft_key                  (flow_ft_key),
    .flow_ft_key_hw_we            (flow_ft_key_hw_we),
    .flow_ft_key_hw_wdata         (flow_ft_key_hw_wdata),
    .flow_ft_action               (flow_ft_action),
    .flow_ft_action_hw_we         (flow_ft_action_hw_we),
    .flow_ft_action_hw_wdata      (flow_ft_action_hw_wdata),
    .tcam_tcam_cmd_wr             (tcam_tcam_cmd_wr),
    .tcam_tcam_cmd_wdata          (tcam_tcam_cmd_wdata),
    .tcam_tcam_status             (tcam_tcam_status),
    .tcam_tcam_index              (tcam_tcam_index),
    .tcam_tcam_prio               (tcam_tcam_prio),
    .tcam_tcam_prio_hw_we         (tcam_tcam_prio_hw_we),
    .tcam_tcam_prio_hw_wdata      (tcam_tcam_prio_hw_wdata),
    .tcam_tcam_pkts               (tcam_tcam_pkts),
    .tcam_tcam_bytes              (tcam_tcam_bytes),
    .tcam_tcam_value              (tcam_tcam_value),
    .tcam_tcam_value_hw_we        (tcam_tcam_value_hw_we),
    .tcam_tcam_value_hw_wdata     (tcam_tcam_value_hw_wdata),
    .tcam_tcam_mask               (tcam_tcam_mask),
    .tcam_tcam_mask_hw_we         (tcam_tcam_mask_hw_we),
    .tcam_tcam_mask_hw_wdata      (tcam_tcam_mask_hw_wdata),
    .tcam_tcam_action             (tcam_tcam_action),
    .tcam_tcam_action_hw_we       (tcam_tcam_action_hw_we),
    .tcam_tcam_action_hw_wdata    (tcam_tcam_action_hw_wdata),
    .actions_encap_cmd_wr         (actions_encap_cmd_wr),
    .actions_encap_cmd_wdata      (actions_encap_cmd_wdata),
    .actions_encap_index          (actions_encap_index),
    .actions_meter_cmd_wr         (actions_meter_cmd_wr),
    .actions_meter_cmd_wdata      (actions_meter_cmd_wdata),
    .actions_meter_index          (actions_meter_index),
    .actions_meter_rate           (actions_meter_rate),
    .actions_meter_rate_hw_we     (actions_meter_rate_hw_we),
    .actions_meter_rate_hw_wdata  (actions_meter_rate_hw_wdata),
    .actions_meter_burst          (actions_meter_burst),
    .actions_meter_burst_hw_we    (actions_meter_burst_hw_we),
    .actions_meter_burst_hw_wdata (actions_meter_burst_hw_wdata),
    .actions_meter_tokens         (actions_meter_tokens),
    .actions_act_status           (actions_act_status),
    .actions_encap_data           (actions_encap_data),
    .actions_encap_data_hw_we     (actions_encap_data_hw_we),
    .actions_encap_data_hw_wdata  (actions_encap_data_hw_wdata),
    .s_ring_em_cmd_valid          (s_ring_em_cmd_valid),
    .s_ring_em_cmd_ready          (s_ring_em_cmd_ready),
    .s_ring_em_cmd_op             (s_ring_em_cmd_op),
    .s_ring_em_cmd_key            (s_ring_em_cmd_key),
    .s_ring_em_cmd_action         (s_ring_em_cmd_action),
    .s_ring_em_cmd_handle         (s_ring_em_cmd_handle),
    .s_ring_em_rsp_valid          (s_ring_em_rsp_valid),
    .s_ring_em_rsp_ready          (s_ring_em_rsp_ready),
    .s_ring_em_rsp_status         (s_ring_em_rsp_status),
    .s_ring_em_rsp_handle         (s_ring_em_rsp_handle),
    .s_ring_tcam_cmd_valid        (s_ring_tcam_cmd_valid),
    .s_ring_tcam_cmd_ready        (s_ring_tcam_cmd_ready),
    .s_ring_tcam_cmd_op           (s_ring_tcam_cmd_op),
    .s_ring_tcam_cmd_index        (s_ring_tcam_cmd_index),
    .s_ring_tcam_cmd_priority     (s_ring_tcam_cmd_priority),
    .s_ring_tcam_cmd_value        (s_ring_tcam_cmd_value),
    .s_ring_tcam_cmd_mask         (s_ring_tcam_cmd_mask),
    .s_ring_tcam_cmd_action       (s_ring_tcam_cmd_action),
    .s_ring_tcam_rsp_valid        (s_ring_tcam_rsp_valid),
    .s_ring_tcam_rsp_ready        (s_ring_tcam_rsp_ready),
    .s_ring_tcam_rsp_status       (s_ring_tcam_rsp_status),
    .m_em_cmd_valid               (m_em_cmd_valid),
    .m_em_cmd_ready               (m_em_cmd_ready),
    .m_em_cmd_op                  (m_em_cmd_op),
    .m_em_cmd_key                 (m_em_cmd_key),
    .m_em_cmd_action              (m_em_cmd_action),
    .m_em_cmd_handle              (m_em_cmd_handle),
    .m_em_rsp_valid               (m_em_rsp_valid),
    .m_em_rsp_ready               (m_em_rsp_ready),
    .m_em_rsp_status              (m_em_rsp_status),
    .m_em_rsp_handle              (m_em_rsp_handle),
    .m_em_rsp_key                 (m_em_rsp_key),
    .m_em_rsp_action              (m_em_rsp_action),
    .m_em_rsp_pkts                (m_em_rsp_pkts),
    .m_em_rsp_bytes               (m_em_rsp_bytes),
    .m_em_rsp_last_seen           (m_em_rsp_last_seen),
    .m_tcam_cmd_valid             (m_tcam_cmd_valid),
    .m_tcam_cmd_ready             (m_tcam_cmd_ready),
    .m_tcam_cmd_op                (m_tcam_cmd_op),
    .m_tcam_cmd_index             (m_tcam_cmd_index),
    .m_tcam_cmd_priority          (m_tcam_cmd_priority),
    .m_tcam_cmd_value             (m_tcam_cmd_value),
    .m_tcam_cmd_mask              (m_tcam_cmd_mask),
    .m_tcam_cmd_action            (m_tcam_cmd_action),
    .m_tcam_rsp_valid             (m_tcam_rsp_valid),
    .m_tcam_rsp_ready             (m_tcam_rsp_ready),
    .m_tcam_rsp_status            (m_tcam_rsp_status),
    .m_tcam_rsp_priority          (m_tcam_rsp_priority),
    .m_tcam_rsp_value             (m_tcam_rsp_value),
    .m_tcam_rsp_mask              (m_tcam_rsp_mask),
    .m_tcam_rsp_action            (m_tcam_rsp_action),
    .m_tcam_rsp_pkts              (m_tcam_rsp_pkts),
    .m_tcam_rsp_bytes             (m_tcam_rsp_bytes),
    .m_meter_cmd_valid            (m_meter_cmd_valid),
    .m_meter_cmd_ready            (m_meter_cmd_ready),
    .m_meter_cmd_op               (m_meter_cmd_op),
    .m_meter_cmd_index            (m_meter_cmd_index),
    .m_meter_cmd_rate             (m_meter_cmd_rate),
    .m_meter_cmd_burst            (m_meter_cmd_burst),
    .m_meter_rsp_valid            (m_meter_rsp_valid),
    .m_meter_rsp_ready            (m_meter_rsp_ready),
    .m_meter_rsp_status           (m_meter_rsp_status),
    .m_meter_rsp_rate             (m_meter_rsp_rate),
    .m_meter_rsp_burst            (m_meter_rsp_burst),
    .m_meter_rsp_tokens           (m_meter_rsp_tokens),
    .m_encap_wr_valid             (m_encap_wr_valid),
    .m_encap_wr_index             (m_encap_wr_index),
    .m_encap_wr_data              (m_encap_wr_data),
    .m_encap_rd_valid             (m_encap_rd_valid),
    .m_encap_rd_index             (m_encap_rd_index),
    .m_encap_rd_data_valid        (m_encap_rd_data_valid),
    .m_encap_rd_data              (m_encap_rd_data)
  );

  logic [1:0]            dp_s_tready;
  logic                  unused_tready1;
  nic_pkg::dp_counters_t unused_counters;
  assign s_axis_tready  = dp_s_tready[0];
  assign unused_tready1 = dp_s_tready[1];

  nic_datapath #(
    .DATA_W       (DATA_W),
    .N_IN         (2),
    .WIRE_INPUTS  (1),
    .EM_BUCKETS   (EM_BUCKETS),
    .TCAM_ENTRIES (TCAM_ENTRIES),
    .NUM_METERS   (NUM_METERS),
    .NUM_ENCAP    (NUM_ENCAP)
  ) u_dp (
    .clk                 (clk),
    .rst                 (rst),
    .now                 (now_q),
    .cfg_enable          (1'b1),
    .cfg_parse_err_exc   (1'b0),
    .cfg_wire_max_frame  (32'd9018),
    .cfg_vxlan_port      (16'd4789),
    .cfg_geneve_port     (16'd6081),
    .s_axis_tdata        ({{DATA_W{1'b0}}, s_axis_tdata}),
    .s_axis_tkeep        ({{KEEP_W{1'b0}}, s_axis_tkeep}),
    .s_axis_tvalid       ({1'b0, s_axis_tvalid}),
    .s_axis_tready       (dp_s_tready),
    .s_axis_tlast        ({1'b0, s_axis_tlast}),
    .s_axis_vport        (16'd0),
    .m_axis_tdata        (m_axis_tdata),
    .m_axis_tkeep        (m_axis_tkeep),
    .m_axis_tvalid       (m_axis_tvalid),
    .m_axis_tready       (m_axis_tready),
    .m_axis_tlast        (m_axis_tlast),
    .m_desc_valid        (m_desc_valid),
    .m_desc_ready        (m_desc_ready),
    .m_desc              (m_desc),
    .em_cmd_valid         (m_em_cmd_valid),
    .em_cmd_ready         (m_em_cmd_ready),
    .em_cmd_op            (m_em_cmd_op),
    .em_cmd_key           (m_em_cmd_key),
    .em_cmd_action        (m_em_cmd_action),
    .em_cmd_handle        (m_em_cmd_handle),
    .em_rsp_valid         (m_em_rsp_valid),
    .em_rsp_ready         (m_em_rsp_ready),
    .em_rsp_status        (m_em_rsp_status),
    .em_rsp_handle        (m_em_rsp_handle),
    .em_rsp_key           (m_em_rsp_key),
    .em_rsp_action        (m_em_rsp_action),
    .em_rsp_pkts          (m_em_rsp_pkts),
    .em_rsp_bytes         (m_em_rsp_bytes),
    .em_rsp_last_seen     (m_em_rsp_last_seen),
    .tcam_cmd_valid       (m_tcam_cmd_valid),
    .tcam_cmd_ready       (m_tcam_cmd_ready),
    .tcam_cmd_op          (m_tcam_cmd_op),
    .tcam_cmd_index       (m_tcam_cmd_index),
    .tcam_cmd_priority    (m_tcam_cmd_priority),
    .tcam_cmd_value       (m_tcam_cmd_value),
    .tcam_cmd_mask        (m_tcam_cmd_mask),
    .tcam_cmd_action      (m_tcam_cmd_action),
    .tcam_rsp_valid       (m_tcam_rsp_valid),
    .tcam_rsp_ready       (m_tcam_rsp_ready),
    .tcam_rsp_status      (m_tcam_rsp_status),
    .tcam_rsp_priority    (m_tcam_rsp_priority),
    .tcam_rsp_value       (m_tcam_rsp_value),
    .tcam_rsp_mask        (m_tcam_rsp_mask),
    .tcam_rsp_action      (m_tcam_rsp_action),
    .tcam_rsp_pkts        (m_tcam_rsp_pkts),
    .tcam_rsp_bytes       (m_tcam_rsp_bytes),
    .meter_cmd_valid      (m_meter_cmd_valid),
    .meter_cmd_ready      (m_meter_cmd_ready),
    .meter_cmd_op         (m_meter_cmd_op),
    .meter_cmd_index      (m_meter_cmd_index),
    .meter_cmd_rate       (m_meter_cmd_rate),
    .meter_cmd_burst      (m_meter_cmd_burst),
    .meter_rsp_valid      (m_meter_rsp_valid),
    .meter_rsp_ready      (m_meter_rsp_ready),
    .meter_rsp_status     (m_meter_rsp_status),
    .meter_rsp_rate       (m_meter_rsp_rate),
    .meter_rsp_burst      (m_meter_rsp_burst),
    .meter_rsp_tokens     (m_meter_rsp_tokens),
    .encap_wr_valid       (m_encap_wr_valid),
    .encap_wr_index       (m_encap_wr_index),
    .encap_wr_data        (m_encap_wr_data),
    .encap_rd_valid       (m_encap_rd_valid),
    .encap_rd_index       (m_encap_rd_index),
    .encap_rd_data_valid  (m_encap_rd_data_valid),
    .encap_rd_data        (m_encap_rd_data),
    .em_entry_count      (em_entry_count),
    .counters            (unused_counters)
  );

endmodule

`default_nettype wire
