// SPDX-License-Identifier: MIT
// sim_wire_csr: the register blocks of sim_wire_top (sim/rtl): the generated register file
// (nic_regfile, the whole map of rtl/regs.yaml behind the AXI4-Lite slave) and the live values
// of the wire loop.
//
// - nic: CAPS0 reports DATA_W (every other capability field and CAPS1/CAPS2 read 0: no tables,
//   queues, VNICs, interrupts or parser in this wire loop); CONTROL, SCRATCH, WIRE_MAX_FRAME,
//   TX_MAX_FRAME and TUNNEL_PORTS are stored with the map's resets and drive nothing yet (the
//   pass-through always runs); CYCLES counts clocks since reset.
// - counters: RX_WIRE_FRAMES, RX_WIRE_BYTES, OUT_WIRE, OUT_WIRE_BYTES count the wire streams
//   (axis_stat_tap events); every other counter reads 0.
// - flow, tcam, actions, fcmd, excq, vnic, rxq, txq: registers stored and readable as the map
//   says (one element of each array block), read-only ones read 0, commands and doorbells go
//   nowhere yet: they drive nothing here.
// Bus behaviour, latch and timing: nic_regfile (docs/rtl.md "Register blocks").
`resetall
`timescale 1ns/1ps
`default_nettype none

module sim_wire_csr #(
  parameter int DATA_W  = 512,  // wire stream width, reported in CAPS0.DATA_W
  parameter int BYTES_W = 7     // width of the per-beat byte counts from axis_stat_tap
) (
  input  wire                            clk,
  input  wire                            rst,

  input  wire [nic_pkg::CSR_ADDR_W-1:0]  s_axil_awaddr,
  input  wire [2:0]                      s_axil_awprot,
  input  wire                            s_axil_awvalid,
  output wire                            s_axil_awready,
  input  wire [nic_pkg::CSR_DATA_W-1:0]  s_axil_wdata,
  input  wire [nic_pkg::CSR_STRB_W-1:0]  s_axil_wstrb,
  input  wire                            s_axil_wvalid,
  output wire                            s_axil_wready,
  output wire [1:0]                      s_axil_bresp,
  output wire                            s_axil_bvalid,
  input  wire                            s_axil_bready,
  input  wire [nic_pkg::CSR_ADDR_W-1:0]  s_axil_araddr,
  input  wire [2:0]                      s_axil_arprot,
  input  wire                            s_axil_arvalid,
  output wire                            s_axil_arready,
  output wire [nic_pkg::CSR_DATA_W-1:0]  s_axil_rdata,
  output wire [1:0]                      s_axil_rresp,
  output wire                            s_axil_rvalid,
  input  wire                            s_axil_rready,

  // Wire statistics events (from axis_stat_tap on the wire input and output).
  input  wire                            stat_in_beat,
  input  wire                            stat_in_last,
  input  wire [BYTES_W-1:0]              stat_in_bytes,
  input  wire                            stat_out_beat,
  input  wire                            stat_out_last,
  input  wire [BYTES_W-1:0]              stat_out_bytes
);

  initial begin
    if (BYTES_W < 1 || BYTES_W > 32) begin
      $error("sim_wire_csr: BYTES_W (%0d) must be in 1..32", BYTES_W);
    end
    if (nic_pkg::CSR_ADDR_W != nic_regs_pkg::ADDR_W
        || nic_pkg::CSR_DATA_W != nic_regs_pkg::DATA_W) begin
      $error("sim_wire_csr: nic_pkg CSR_ADDR_W/CSR_DATA_W (%0d/%0d) differ from rtl/regs.yaml (%0d/%0d)",
             nic_pkg::CSR_ADDR_W, nic_pkg::CSR_DATA_W, nic_regs_pkg::ADDR_W,
             nic_regs_pkg::DATA_W);
    end
    if (DATA_W < 1 || DATA_W >= (1 << nic_regs_pkg::NIC_CAPS0_DATA_W_W)) begin
      $error("sim_wire_csr: DATA_W (%0d) does not fit CAPS0.DATA_W", DATA_W);
    end
  end

  localparam logic [31:0] CAPS0_DATA_W = DATA_W;
  localparam logic [31:0] CAPS0 = CAPS0_DATA_W << nic_regs_pkg::NIC_CAPS0_DATA_W_LSB;

  // ---------------------------------------------------------------------------------------
  // Live values: the cycle counter and the wire counters
  // ---------------------------------------------------------------------------------------
  logic [63:0] cycles_q, cycles_d;
  logic [63:0] frames_in_q, frames_in_d;
  logic [63:0] frames_out_q, frames_out_d;
  logic [63:0] bytes_in_q, bytes_in_d;
  logic [63:0] bytes_out_q, bytes_out_d;

  always_comb begin
    cycles_d     = cycles_q + 64'd1;
    frames_in_d  = frames_in_q + {63'd0, stat_in_beat && stat_in_last};
    frames_out_d = frames_out_q + {63'd0, stat_out_beat && stat_out_last};
    bytes_in_d   = bytes_in_q + {{(64-BYTES_W){1'b0}}, stat_in_bytes};
    bytes_out_d  = bytes_out_q + {{(64-BYTES_W){1'b0}}, stat_out_bytes};
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      cycles_q     <= 64'd0;
      frames_in_q  <= 64'd0;
      frames_out_q <= 64'd0;
      bytes_in_q   <= 64'd0;
      bytes_out_q  <= 64'd0;
    end else begin
      cycles_q     <= cycles_d;
      frames_in_q  <= frames_in_d;
      frames_out_q <= frames_out_d;
      bytes_in_q   <= bytes_in_d;
      bytes_out_q  <= bytes_out_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // The register file: one element of each array block; outputs not used yet
  // ---------------------------------------------------------------------------------------
  logic [31:0] unused_nic_control;
  logic [31:0] unused_nic_scratch;
  logic [31:0] unused_nic_wire_max_frame;
  logic [31:0] unused_nic_tx_max_frame;
  logic [31:0] unused_nic_tunnel_ports;
  logic unused_flow_ft_cmd_wr;
  logic [31:0] unused_flow_ft_cmd_wdata;
  logic [31:0] unused_flow_ft_handle;
  logic [351:0] unused_flow_ft_key;
  logic [511:0] unused_flow_ft_action;
  logic unused_tcam_tcam_cmd_wr;
  logic [31:0] unused_tcam_tcam_cmd_wdata;
  logic [31:0] unused_tcam_tcam_index;
  logic [31:0] unused_tcam_tcam_prio;
  logic [447:0] unused_tcam_tcam_value;
  logic [447:0] unused_tcam_tcam_mask;
  logic [511:0] unused_tcam_tcam_action;
  logic unused_actions_encap_cmd_wr;
  logic [31:0] unused_actions_encap_cmd_wdata;
  logic [31:0] unused_actions_encap_index;
  logic unused_actions_meter_cmd_wr;
  logic [31:0] unused_actions_meter_cmd_wdata;
  logic [31:0] unused_actions_meter_index;
  logic [31:0] unused_actions_meter_rate;
  logic [31:0] unused_actions_meter_burst;
  logic [511:0] unused_actions_encap_data;
  logic [63:0] unused_fcmd_fcmd_base;
  logic [31:0] unused_fcmd_fcmd_size_log2;
  logic [31:0] unused_fcmd_fcmd_ctrl;
  logic unused_fcmd_fcmd_ctrl_wr;
  logic [31:0] unused_fcmd_fcmd_ctrl_wdata;
  logic [31:0] unused_fcmd_fcmd_prod;
  logic unused_fcmd_fcmd_prod_wr;
  logic [31:0] unused_fcmd_fcmd_prod_wdata;
  logic [31:0] unused_fcmd_fcmd_irq;
  logic [63:0] unused_excq_ring_base;
  logic [63:0] unused_excq_cq_base;
  logic [31:0] unused_excq_size_log2;
  logic [31:0] unused_excq_ctrl;
  logic unused_excq_ctrl_wr;
  logic [31:0] unused_excq_ctrl_wdata;
  logic [31:0] unused_excq_prod;
  logic unused_excq_prod_wr;
  logic [31:0] unused_excq_prod_wdata;
  logic [31:0] unused_excq_cq_cons;
  logic unused_excq_cq_cons_wr;
  logic [31:0] unused_excq_cq_cons_wdata;
  logic [31:0] unused_excq_irq;
  logic [31:0] unused_excq_mod_cycles;
  logic unused_excq_cq_arm_wr;
  logic [31:0] unused_excq_cq_arm_wdata;
  logic [31:0] unused_vnic_vnic_ctrl;
  logic [31:0] unused_vnic_rxq_base;
  logic [31:0] unused_vnic_rxq_count;
  logic [31:0] unused_vnic_mac_lo;
  logic [31:0] unused_vnic_mac_hi;
  logic [31:0] unused_vnic_ipv4;
  logic [127:0] unused_vnic_ipv6;
  logic [31:0] unused_vnic_quota_bytes;
  logic unused_vnic_quota_release_wr;
  logic [31:0] unused_vnic_quota_release_wdata;
  logic [4:0] unused_vnic_quota_release_widx;
  logic [31:0] unused_vnic_quota_wait_cycles;
  logic [319:0] unused_vnic_rss_key;
  logic [1023:0] unused_vnic_rss_indir;
  logic [63:0] unused_rxq_ring_base;
  logic [63:0] unused_rxq_cq_base;
  logic [31:0] unused_rxq_size_log2;
  logic [31:0] unused_rxq_ctrl;
  logic unused_rxq_ctrl_wr;
  logic [31:0] unused_rxq_ctrl_wdata;
  logic [5:0] unused_rxq_ctrl_widx;
  logic [31:0] unused_rxq_prod;
  logic unused_rxq_prod_wr;
  logic [31:0] unused_rxq_prod_wdata;
  logic [5:0] unused_rxq_prod_widx;
  logic [31:0] unused_rxq_cq_cons;
  logic unused_rxq_cq_cons_wr;
  logic [31:0] unused_rxq_cq_cons_wdata;
  logic [5:0] unused_rxq_cq_cons_widx;
  logic [31:0] unused_rxq_irq;
  logic [31:0] unused_rxq_mod_cycles;
  logic unused_rxq_cq_arm_wr;
  logic [31:0] unused_rxq_cq_arm_wdata;
  logic [5:0] unused_rxq_cq_arm_widx;
  logic [63:0] unused_txq_ring_base;
  logic [63:0] unused_txq_cq_base;
  logic [31:0] unused_txq_size_log2;
  logic [31:0] unused_txq_ctrl;
  logic unused_txq_ctrl_wr;
  logic [31:0] unused_txq_ctrl_wdata;
  logic [5:0] unused_txq_ctrl_widx;
  logic [31:0] unused_txq_prod;
  logic unused_txq_prod_wr;
  logic [31:0] unused_txq_prod_wdata;
  logic [5:0] unused_txq_prod_widx;
  logic [31:0] unused_txq_cq_cons;
  logic unused_txq_cq_cons_wr;
  logic [31:0] unused_txq_cq_cons_wdata;
  logic [5:0] unused_txq_cq_cons_widx;
  logic [31:0] unused_txq_irq;
  logic [31:0] unused_txq_mod_cycles;
  logic unused_txq_cq_arm_wr;
  logic [31:0] unused_txq_cq_arm_wdata;
  logic [5:0] unused_txq_cq_arm_widx;

  nic_regfile #(
    .NUM_EXCQ (1),
    .NUM_VNIC (1),
    .NUM_RXQ  (1),
    .NUM_TXQ  (1)
  ) u_regfile (
    .clk            (clk),
    .rst            (rst),
    .s_axil_awaddr  (s_axil_awaddr),
    .s_axil_awprot  (s_axil_awprot),
    .s_axil_awvalid (s_axil_awvalid),
    .s_axil_awready (s_axil_awready),
    .s_axil_wdata   (s_axil_wdata),
    .s_axil_wstrb   (s_axil_wstrb),
    .s_axil_wvalid  (s_axil_wvalid),
    .s_axil_wready  (s_axil_wready),
    .s_axil_bresp   (s_axil_bresp),
    .s_axil_bvalid  (s_axil_bvalid),
    .s_axil_bready  (s_axil_bready),
    .s_axil_araddr  (s_axil_araddr),
    .s_axil_arprot  (s_axil_arprot),
    .s_axil_arvalid (s_axil_arvalid),
    .s_axil_arready (s_axil_arready),
    .s_axil_rdata   (s_axil_rdata),
    .s_axil_rresp   (s_axil_rresp),
    .s_axil_rvalid  (s_axil_rvalid),
    .s_axil_rready  (s_axil_rready),
    .nic_caps0                    (CAPS0),
    .nic_caps1                    ('0),
    .nic_caps2                    ('0),
    .nic_control                  (unused_nic_control),
    .nic_cycles                   (cycles_q),
    .nic_scratch                  (unused_nic_scratch),
    .nic_wire_max_frame           (unused_nic_wire_max_frame),
    .nic_tx_max_frame             (unused_nic_tx_max_frame),
    .nic_tunnel_ports             (unused_nic_tunnel_ports),
    .counters_rx_wire_frames      (frames_in_q),
    .counters_rx_wire_bytes       (bytes_in_q),
    .counters_tx_frames           ('0),
    .counters_tx_bytes            ('0),
    .counters_out_wire            (frames_out_q),
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
    .counters_out_wire_bytes      (bytes_out_q),
    .flow_ft_cmd_wr               (unused_flow_ft_cmd_wr),
    .flow_ft_cmd_wdata            (unused_flow_ft_cmd_wdata),
    .flow_ft_status               ('0),
    .flow_ft_handle               (unused_flow_ft_handle),
    .flow_ft_handle_hw_we         ('0),
    .flow_ft_handle_hw_wdata      ('0),
    .flow_ft_count                ('0),
    .flow_ft_pkts                 ('0),
    .flow_ft_bytes                ('0),
    .flow_ft_last_seen            ('0),
    .flow_ft_key                  (unused_flow_ft_key),
    .flow_ft_key_hw_we            ('0),
    .flow_ft_key_hw_wdata         ('0),
    .flow_ft_action               (unused_flow_ft_action),
    .flow_ft_action_hw_we         ('0),
    .flow_ft_action_hw_wdata      ('0),
    .tcam_tcam_cmd_wr             (unused_tcam_tcam_cmd_wr),
    .tcam_tcam_cmd_wdata          (unused_tcam_tcam_cmd_wdata),
    .tcam_tcam_status             ('0),
    .tcam_tcam_index              (unused_tcam_tcam_index),
    .tcam_tcam_prio               (unused_tcam_tcam_prio),
    .tcam_tcam_prio_hw_we         ('0),
    .tcam_tcam_prio_hw_wdata      ('0),
    .tcam_tcam_pkts               ('0),
    .tcam_tcam_bytes              ('0),
    .tcam_tcam_value              (unused_tcam_tcam_value),
    .tcam_tcam_value_hw_we        ('0),
    .tcam_tcam_value_hw_wdata     ('0),
    .tcam_tcam_mask               (unused_tcam_tcam_mask),
    .tcam_tcam_mask_hw_we         ('0),
    .tcam_tcam_mask_hw_wdata      ('0),
    .tcam_tcam_action             (unused_tcam_tcam_action),
    .tcam_tcam_action_hw_we       ('0),
    .tcam_tcam_action_hw_wdata    ('0),
    .actions_encap_cmd_wr         (unused_actions_encap_cmd_wr),
    .actions_encap_cmd_wdata      (unused_actions_encap_cmd_wdata),
    .actions_encap_index          (unused_actions_encap_index),
    .actions_meter_cmd_wr         (unused_actions_meter_cmd_wr),
    .actions_meter_cmd_wdata      (unused_actions_meter_cmd_wdata),
    .actions_meter_index          (unused_actions_meter_index),
    .actions_meter_rate           (unused_actions_meter_rate),
    .actions_meter_rate_hw_we     ('0),
    .actions_meter_rate_hw_wdata  ('0),
    .actions_meter_burst          (unused_actions_meter_burst),
    .actions_meter_burst_hw_we    ('0),
    .actions_meter_burst_hw_wdata ('0),
    .actions_meter_tokens         ('0),
    .actions_act_status           ('0),
    .actions_encap_data           (unused_actions_encap_data),
    .actions_encap_data_hw_we     ('0),
    .actions_encap_data_hw_wdata  ('0),
    .fcmd_fcmd_base               (unused_fcmd_fcmd_base),
    .fcmd_fcmd_size_log2          (unused_fcmd_fcmd_size_log2),
    .fcmd_fcmd_ctrl               (unused_fcmd_fcmd_ctrl),
    .fcmd_fcmd_ctrl_wr            (unused_fcmd_fcmd_ctrl_wr),
    .fcmd_fcmd_ctrl_wdata         (unused_fcmd_fcmd_ctrl_wdata),
    .fcmd_fcmd_prod               (unused_fcmd_fcmd_prod),
    .fcmd_fcmd_prod_wr            (unused_fcmd_fcmd_prod_wr),
    .fcmd_fcmd_prod_wdata         (unused_fcmd_fcmd_prod_wdata),
    .fcmd_fcmd_cons               ('0),
    .fcmd_fcmd_irq                (unused_fcmd_fcmd_irq),
    .excq_ring_base               (unused_excq_ring_base),
    .excq_cq_base                 (unused_excq_cq_base),
    .excq_size_log2               (unused_excq_size_log2),
    .excq_ctrl                    (unused_excq_ctrl),
    .excq_ctrl_wr                 (unused_excq_ctrl_wr),
    .excq_ctrl_wdata              (unused_excq_ctrl_wdata),
    .excq_prod                    (unused_excq_prod),
    .excq_prod_wr                 (unused_excq_prod_wr),
    .excq_prod_wdata              (unused_excq_prod_wdata),
    .excq_cons                    ('0),
    .excq_cq_prod                 ('0),
    .excq_cq_cons                 (unused_excq_cq_cons),
    .excq_cq_cons_wr              (unused_excq_cq_cons_wr),
    .excq_cq_cons_wdata           (unused_excq_cq_cons_wdata),
    .excq_irq                     (unused_excq_irq),
    .excq_mod_cycles              (unused_excq_mod_cycles),
    .excq_cq_arm_wr               (unused_excq_cq_arm_wr),
    .excq_cq_arm_wdata            (unused_excq_cq_arm_wdata),
    .vnic_vnic_ctrl               (unused_vnic_vnic_ctrl),
    .vnic_rxq_base                (unused_vnic_rxq_base),
    .vnic_rxq_count               (unused_vnic_rxq_count),
    .vnic_mac_lo                  (unused_vnic_mac_lo),
    .vnic_mac_hi                  (unused_vnic_mac_hi),
    .vnic_ipv4                    (unused_vnic_ipv4),
    .vnic_ipv6                    (unused_vnic_ipv6),
    .vnic_quota_bytes             (unused_vnic_quota_bytes),
    .vnic_quota_inflight          ('0),
    .vnic_quota_release_wr        (unused_vnic_quota_release_wr),
    .vnic_quota_release_wdata     (unused_vnic_quota_release_wdata),
    .vnic_quota_release_widx      (unused_vnic_quota_release_widx),
    .vnic_quota_wait_cycles       (unused_vnic_quota_wait_cycles),
    .vnic_rss_key                 (unused_vnic_rss_key),
    .vnic_rss_indir               (unused_vnic_rss_indir),
    .rxq_ring_base                (unused_rxq_ring_base),
    .rxq_cq_base                  (unused_rxq_cq_base),
    .rxq_size_log2                (unused_rxq_size_log2),
    .rxq_ctrl                     (unused_rxq_ctrl),
    .rxq_ctrl_wr                  (unused_rxq_ctrl_wr),
    .rxq_ctrl_wdata               (unused_rxq_ctrl_wdata),
    .rxq_ctrl_widx                (unused_rxq_ctrl_widx),
    .rxq_prod                     (unused_rxq_prod),
    .rxq_prod_wr                  (unused_rxq_prod_wr),
    .rxq_prod_wdata               (unused_rxq_prod_wdata),
    .rxq_prod_widx                (unused_rxq_prod_widx),
    .rxq_cons                     ('0),
    .rxq_cq_prod                  ('0),
    .rxq_cq_cons                  (unused_rxq_cq_cons),
    .rxq_cq_cons_wr               (unused_rxq_cq_cons_wr),
    .rxq_cq_cons_wdata            (unused_rxq_cq_cons_wdata),
    .rxq_cq_cons_widx             (unused_rxq_cq_cons_widx),
    .rxq_irq                      (unused_rxq_irq),
    .rxq_mod_cycles               (unused_rxq_mod_cycles),
    .rxq_cq_arm_wr                (unused_rxq_cq_arm_wr),
    .rxq_cq_arm_wdata             (unused_rxq_cq_arm_wdata),
    .rxq_cq_arm_widx              (unused_rxq_cq_arm_widx),
    .txq_ring_base                (unused_txq_ring_base),
    .txq_cq_base                  (unused_txq_cq_base),
    .txq_size_log2                (unused_txq_size_log2),
    .txq_ctrl                     (unused_txq_ctrl),
    .txq_ctrl_wr                  (unused_txq_ctrl_wr),
    .txq_ctrl_wdata               (unused_txq_ctrl_wdata),
    .txq_ctrl_widx                (unused_txq_ctrl_widx),
    .txq_prod                     (unused_txq_prod),
    .txq_prod_wr                  (unused_txq_prod_wr),
    .txq_prod_wdata               (unused_txq_prod_wdata),
    .txq_prod_widx                (unused_txq_prod_widx),
    .txq_cons                     ('0),
    .txq_cq_prod                  ('0),
    .txq_cq_cons                  (unused_txq_cq_cons),
    .txq_cq_cons_wr               (unused_txq_cq_cons_wr),
    .txq_cq_cons_wdata            (unused_txq_cq_cons_wdata),
    .txq_cq_cons_widx             (unused_txq_cq_cons_widx),
    .txq_irq                      (unused_txq_irq),
    .txq_mod_cycles               (unused_txq_mod_cycles),
    .txq_cq_arm_wr                (unused_txq_cq_arm_wr),
    .txq_cq_arm_wdata             (unused_txq_cq_arm_wdata),
    .txq_cq_arm_widx              (unused_txq_cq_arm_widx)
  );

endmodule

`default_nettype wire
