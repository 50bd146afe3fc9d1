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
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0] s_ring_em_cmd_key,
  input  wire [nic_fmt_pkg::ACTION_W-1:0] s_ring_em_cmd_action,
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
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0] s_ring_tcam_cmd_value,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0] s_ring_tcam_cmd_mask,
  input  wire [nic_fmt_pkg::ACTION_W-1:0] s_ring_tcam_cmd_action,
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

  logic [63:0] now_q;
  always_ff @(posedge clk) begin
    if (rst) begin
      now_q <= 64'd0;
    end else begin
      now_q <= now_q + 64'd1;
    end
  end
  assign now = now_q;

  // nic_regfile <-> nic_mgmt: the flow, tcam and actions blocks; the other blocks' inputs 0
  // (one element of each array block, the register file's defaults).
  nic_regs_pkg::flow_reg2hw_t    flow_reg2hw;
  nic_regs_pkg::flow_hw2reg_t    flow_hw2reg;
  nic_regs_pkg::tcam_reg2hw_t    tcam_reg2hw;
  nic_regs_pkg::tcam_hw2reg_t    tcam_hw2reg;
  nic_regs_pkg::actions_reg2hw_t actions_reg2hw;
  nic_regs_pkg::actions_hw2reg_t actions_hw2reg;
  logic [31:0]                   em_entry_count;
  /* verilator lint_off UNUSEDSIGNAL */
  nic_regs_pkg::nic_reg2hw_t     unused_nic_reg2hw;
  nic_regs_pkg::fcmd_reg2hw_t    unused_fcmd_reg2hw;
  nic_regs_pkg::tokn_reg2hw_t    unused_tokn_reg2hw;
  logic                          unused_tok_key_ready, unused_tok_key_busy;
  logic [1:0]                    unused_tok_key_valid;
  logic [32*6-1:0]               unused_tok_verdicts;
  /* verilator lint_on UNUSEDSIGNAL */

  // The array blocks' ports (a port per register field, docs/rtl.md "Register blocks") are
  // not wired: their outputs stay open, their inputs 0.
  /* verilator lint_off PINMISSING */
  nic_regfile u_regs (
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
    .flow_reg2hw (flow_reg2hw), .flow_hw2reg (flow_hw2reg),
    .tcam_reg2hw (tcam_reg2hw), .tcam_hw2reg (tcam_hw2reg),
    .actions_reg2hw (actions_reg2hw), .actions_hw2reg (actions_hw2reg),
    .nic_reg2hw (unused_nic_reg2hw), .nic_hw2reg ('0), .counters_hw2reg ('0),
    .fcmd_reg2hw (unused_fcmd_reg2hw), .fcmd_hw2reg ('0),
    .tokn_reg2hw (unused_tokn_reg2hw), .tokn_hw2reg ('0),
    .excq_hw2reg_cons_d ('0), .excq_hw2reg_cq_prod_d ('0), .vnic_hw2reg_quota_inflight_d ('0),
    .rxq_hw2reg_cons_d ('0), .rxq_hw2reg_cq_prod_d ('0),
    .txq_hw2reg_cons_d ('0), .txq_hw2reg_cq_prod_d ('0)
  );
  /* verilator lint_on PINMISSING */

  // nic_mgmt <-> nic_datapath
  logic m_em_cmd_valid;
  logic m_em_cmd_ready;
  logic [2:0] m_em_cmd_op;
  logic [nic_fmt_pkg::FLOW_KEY_W-1:0] m_em_cmd_key;
  logic [nic_fmt_pkg::ACTION_W-1:0] m_em_cmd_action;
  logic [nic_pkg::EM_HANDLE_W-1:0] m_em_cmd_handle;
  logic m_em_rsp_valid;
  logic m_em_rsp_ready;
  logic [7:0] m_em_rsp_status;
  logic [nic_pkg::EM_HANDLE_W-1:0] m_em_rsp_handle;
  logic [nic_fmt_pkg::FLOW_KEY_W-1:0] m_em_rsp_key;
  logic [nic_fmt_pkg::ACTION_W-1:0] m_em_rsp_action;
  logic [nic_pkg::EM_PKTS_W-1:0] m_em_rsp_pkts;
  logic [nic_pkg::EM_BYTES_W-1:0] m_em_rsp_bytes;
  logic [nic_pkg::EM_SEEN_W-1:0] m_em_rsp_last_seen;
  logic m_tcam_cmd_valid;
  logic m_tcam_cmd_ready;
  logic [nic_pkg::CSR_DATA_W-1:0] m_tcam_cmd_op;
  logic [nic_pkg::CSR_DATA_W-1:0] m_tcam_cmd_index;
  logic [nic_pkg::TCAM_PRIO_W-1:0] m_tcam_cmd_priority;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] m_tcam_cmd_value;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] m_tcam_cmd_mask;
  logic [nic_fmt_pkg::ACTION_W-1:0] m_tcam_cmd_action;
  logic m_tcam_rsp_valid;
  logic m_tcam_rsp_ready;
  logic [7:0] m_tcam_rsp_status;
  logic [nic_pkg::TCAM_PRIO_W-1:0] m_tcam_rsp_priority;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] m_tcam_rsp_value;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] m_tcam_rsp_mask;
  logic [nic_fmt_pkg::ACTION_W-1:0] m_tcam_rsp_action;
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
  logic m_encap_ready;
  logic m_encap_wr_valid;
  logic [15:0] m_encap_wr_index;
  logic [nic_fmt_pkg::ENCAP_W-1:0] m_encap_wr_data;
  logic m_encap_rd_valid;
  logic [15:0] m_encap_rd_index;
  logic m_encap_rd_data_valid;
  logic [nic_fmt_pkg::ENCAP_W-1:0] m_encap_rd_data;

  nic_mgmt #(
    .NUM_METERS   (NUM_METERS),
    .NUM_ENCAP    (NUM_ENCAP),
    .TCAM_ENTRIES (TCAM_ENTRIES)
  ) u_mgmt (
    .clk                          (clk),
    .rst                          (rst),
    .flow_reg2hw                  (flow_reg2hw),
    .flow_hw2reg                  (flow_hw2reg),
    .tcam_reg2hw                  (tcam_reg2hw),
    .tcam_hw2reg                  (tcam_hw2reg),
    .actions_reg2hw               (actions_reg2hw),
    .actions_hw2reg               (actions_hw2reg),
    .em_entry_count               (em_entry_count),
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
    .m_encap_ready                (m_encap_ready),
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
    .cfg_token_enable    (1'b0),
    .cfg_token_exc       ('0),
    .tok_key_valid       (1'b0),
    .tok_key_ready       (unused_tok_key_ready),
    .tok_key_slot        (1'b0),
    .tok_key_clear       (1'b0),
    .tok_key_enc         ('0),
    .tok_key_mac         ('0),
    .tok_key_busy        (unused_tok_key_busy),
    .tok_key_valid_slots (unused_tok_key_valid),
    .tok_clr_valid       (1'b0),
    .tok_clr_eni         (16'd0),
    .tok_verdicts        (unused_tok_verdicts),
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
    .encap_ready          (m_encap_ready),
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
