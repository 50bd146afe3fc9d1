// SPDX-License-Identifier: MIT
// nic_datapath: the packet pipeline of docs/spec.md sections 1-5 (docs/rtl-datapath.md):
// ingress arbiter, parser and flow-key builder, exact-match table then ternary CAM, action
// engine (bad_action checks, meter, copy to the host (mirror or TCP control copy), TTL expiry,
// mark, destination, transposition). Every frame that enters leaves once on m_axis (to the
// wire, a VNIC or the exception ring, with its m_desc record, in ingress order) or is dropped
// and counted; a copy to the host leaves before the frame itself. RSS and the receive rings
// are the receive path's (nic_top).
//
//  s_axis[N_IN] -> ingress_arb -> parser ----------------> frame FIFO (FIFO_BYTES, BRAM)
//                  (vport, ts)      | m_meta    ts FIFO       |  beats per frame (bq)
//                                   v                         v
//         q1 ---------> em_table --> j1 -> q2 --> tcam --> j2 -> d1 (checks, meter request,
//         (context, TCAM key)      (EM first; TCAM on a miss)      encap template read) -> d2
//                                                                   -> dq --(meter result)->
//   decision (outcome, counters) -> rq -> reader (1 or 2 passes over the stored frame:
//   copy as received, then the frame itself, or a discard) -> ob -> action_edit -> m_axis
//                                                                  pm (action per pass) -^
//                                                                  desc FIFO -> m_desc
//
// The decision needs the whole parse, so a frame is stored until its outcome is known
// (parser latency + lookups, tens of clocks) and read once per pass. Frames longer than
// MAX_FRAME are cut by the arbiter and dropped parse_error (spec 2.2), so the FIFO never
// has to hold more than MAX_FRAME + one beat of one frame: no frame length can hang it.
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_datapath #(
  parameter int DATA_W       = 512,
  parameter int KEEP_W       = DATA_W / 8,
  parameter int N_IN         = 2,      // input streams: wire port(s) first, then transmit
  parameter int WIRE_INPUTS  = 1,
  parameter int EM_BUCKETS   = 8192,   // 64K entries
  parameter int TCAM_ENTRIES = 256,  // 16..256 (a LUTRAM TCAM, docs/rtl-tcam.md)
  parameter int NUM_METERS   = 64,
  parameter int NUM_ENCAP    = 4096,
  parameter int NUM_VNIC     = 8,
  parameter int FIFO_BYTES   = 32768   // frame store, a power of two > MAX_FRAME + DATA_W/8
) (
  input  wire                              clk,
  input  wire                              rst,
  input  wire [63:0]                       now,  // cycle counter: ingress timestamps

  // Configuration (registers CONTROL, WIRE_MAX_FRAME, TUNNEL_PORTS).
  input  wire                              cfg_enable,
  input  wire                              cfg_parse_err_exc,  // PARSE_ERR_POLICY 1
  input  wire [31:0]                       cfg_wire_max_frame,
  input  wire [15:0]                       cfg_vxlan_port,
  input  wire [15:0]                       cfg_geneve_port,
  // Destination tokens (spec 11): TOKN CONTROL.ENABLE; VNIC_CTRL.TOKEN_EXC of vport v at bit v-1.
  input  wire                              cfg_token_enable,
  input  wire [NUM_VNIC-1:0]               cfg_token_exc,

  // Token keys and windows (TOKN KEY_*, WIN_CLR, KEY_STATUS, VERDICTS; token_check's ports).
  input  wire                              tok_key_valid,
  output wire                              tok_key_ready,
  input  wire                              tok_key_slot,
  input  wire                              tok_key_clear,
  input  wire [127:0]                      tok_key_enc,
  input  wire [127:0]                      tok_key_mac,
  output wire                              tok_key_busy,
  output wire [1:0]                        tok_key_valid_slots,
  input  wire                              tok_clr_valid,
  input  wire [15:0]                       tok_clr_eni,
  output wire [32*6-1:0]                   tok_verdicts,

  // Ingress streams (wire ports, then transmit queues) with their source vport.
  input  wire [N_IN*DATA_W-1:0]            s_axis_tdata,
  input  wire [N_IN*KEEP_W-1:0]            s_axis_tkeep,
  input  wire [N_IN-1:0]                   s_axis_tvalid,
  output wire [N_IN-1:0]                   s_axis_tready,
  input  wire [N_IN-1:0]                   s_axis_tlast,
  input  wire [N_IN*8-1:0]                 s_axis_vport,

  // Frames out, and one record per frame in the same order.
  output wire [DATA_W-1:0]                 m_axis_tdata,
  output wire [KEEP_W-1:0]                 m_axis_tkeep,
  output wire                              m_axis_tvalid,
  input  wire                              m_axis_tready,
  output wire                              m_axis_tlast,
  output wire                              m_desc_valid,
  input  wire                              m_desc_ready,
  output nic_pkg::dp_desc_t                m_desc,

  // Exact-match table management (em_table s_cmd / m_rsp).
  input  wire                              em_cmd_valid,
  output wire                              em_cmd_ready,
  input  wire [2:0]                        em_cmd_op,
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0] em_cmd_key,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]  em_cmd_action,
  input  wire [nic_pkg::EM_HANDLE_W-1:0]   em_cmd_handle,
  output wire                              em_rsp_valid,
  input  wire                              em_rsp_ready,
  output wire [7:0]                        em_rsp_status,
  output wire [nic_pkg::EM_HANDLE_W-1:0]   em_rsp_handle,
  output wire [nic_fmt_pkg::FLOW_KEY_W-1:0] em_rsp_key,
  output wire [nic_fmt_pkg::ACTION_W-1:0]  em_rsp_action,
  output wire [nic_pkg::EM_PKTS_W-1:0]     em_rsp_pkts,
  output wire [nic_pkg::EM_BYTES_W-1:0]    em_rsp_bytes,
  output wire [nic_pkg::EM_SEEN_W-1:0]     em_rsp_last_seen,
  output wire [31:0]                       em_entry_count,

  // TCAM management (tcam s_cmd / m_rsp).
  input  wire                              tcam_cmd_valid,
  output wire                              tcam_cmd_ready,
  input  wire [nic_pkg::CSR_DATA_W-1:0]    tcam_cmd_op,
  input  wire [nic_pkg::CSR_DATA_W-1:0]    tcam_cmd_index,
  input  wire [nic_pkg::TCAM_PRIO_W-1:0]   tcam_cmd_priority,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_cmd_value,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_cmd_mask,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]  tcam_cmd_action,
  output wire                              tcam_rsp_valid,
  input  wire                              tcam_rsp_ready,
  output wire [7:0]                        tcam_rsp_status,
  output wire [nic_pkg::TCAM_PRIO_W-1:0]   tcam_rsp_priority,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_rsp_value,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_rsp_mask,
  output wire [nic_fmt_pkg::ACTION_W-1:0]  tcam_rsp_action,
  output wire [63:0]                       tcam_rsp_pkts,
  output wire [63:0]                       tcam_rsp_bytes,

  // Meter management (meter_bank s_cmd / m_rsp; METER_CMD).
  input  wire                              meter_cmd_valid,
  output wire                              meter_cmd_ready,
  input  wire [31:0]                       meter_cmd_op,
  input  wire [15:0]                       meter_cmd_index,
  input  wire [31:0]                       meter_cmd_rate,
  input  wire [31:0]                       meter_cmd_burst,
  output wire                              meter_rsp_valid,
  input  wire                              meter_rsp_ready,
  output wire [7:0]                        meter_rsp_status,
  output wire [31:0]                       meter_rsp_rate,
  output wire [31:0]                       meter_rsp_burst,
  output wire [31:0]                       meter_rsp_tokens,

  // Encap templates (encap_table): encap_ready is low during the table's sweep after reset
  // (NUM_ENCAP clocks); the caller neither writes nor reads until it is high.
  output wire                              encap_ready,
  // Encap template write (ENCAP_CMD; the caller checks 1 <= index < NUM_ENCAP). Takes
  // effect for frames decided after the write.
  input  wire                              encap_wr_valid,
  input  wire [15:0]                       encap_wr_index,
  input  wire [nic_fmt_pkg::ENCAP_W-1:0]   encap_wr_data,
  // Encap template read (ENCAP_CMD READ): encap_rd_data is the template encap_rd_index
  // holds (the default template if never written), valid for the one clock of
  // encap_rd_data_valid, two clocks after encap_rd_valid (one read at a time). It borrows
  // the frames' read port for one clock: the decision stage waits that clock. Index below
  // NUM_ENCAP (the caller checks).
  input  wire                              encap_rd_valid,
  input  wire [15:0]                       encap_rd_index,
  output wire                              encap_rd_data_valid,
  output wire [nic_fmt_pkg::ENCAP_W-1:0]   encap_rd_data,

  output nic_pkg::dp_counters_t            counters
);

  localparam int FB      = FIFO_BYTES / KEEP_W;      // frame FIFO depth in beats
  localparam int FAW     = $clog2(FB);
  localparam int BEAT_W  = DATA_W + KEEP_W;
  localparam int INFO_W  = nic_pkg::ACTION_META_W;
  localparam int ACT_W   = nic_fmt_pkg::ACTION_W;
  localparam int ENC_W   = nic_fmt_pkg::ENCAP_W;
  localparam int DQ_DEPTH = 16;

  initial begin
    if (DATA_W < 64 || DATA_W % 64 != 0) begin
      $error("nic_datapath (%m): DATA_W (%0d) must be a positive multiple of 64", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("nic_datapath (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if ((FIFO_BYTES & (FIFO_BYTES - 1)) != 0 || FIFO_BYTES <= nic_pkg::MAX_FRAME + KEEP_W) begin
      $error("nic_datapath (%m): FIFO_BYTES (%0d) must be a power of two above MAX_FRAME + KEEP_W",
             FIFO_BYTES);
    end
    if (NUM_VNIC < 1 || NUM_VNIC > 254) begin
      $error("nic_datapath (%m): NUM_VNIC (%0d) must be 1..254", NUM_VNIC);
    end
  end

  // Outputs of the FIFOs this module does not need (occupancy; s_ready of the FIFOs that a
  // credit keeps from filling).
  logic [6:0] unused_cnt1;
  logic [6:0] unused_cnt2;
  logic [4:0] unused_cnt3;
  logic [5:0] unused_cnt4;
  logic [4:0] unused_cnt5;
  logic [3:0] unused_cnt6;
  logic [3:0] unused_cnt7;
  logic [5:0] unused_cnt8;
  logic       unused_rdy1;
  logic       unused_rdy2;
  logic       unused_rdy3;

  // =======================================================================================
  // Ingress arbiter
  // =======================================================================================
  logic [DATA_W-1:0] a_tdata;
  logic [KEEP_W-1:0] a_tkeep;
  logic              a_tvalid, a_tready, a_tlast, a_tuser;
  logic [7:0]        a_vport;
  logic [63:0]       a_ts;
  logic [63:0]       cnt_rx_wire_frames, cnt_rx_wire_bytes, cnt_tx_frames, cnt_tx_bytes;
  logic [63:0]       cnt_wire_discard;

  ingress_arb #(
    .DATA_W      (DATA_W),
    .USER_W      (1),
    .N           (N_IN),
    .WIRE_INPUTS (WIRE_INPUTS),
    .MAX_FRAME   (nic_pkg::MAX_FRAME)
  ) u_arb (
    .clk                (clk),
    .rst                (rst),
    .now                (now),
    .cfg_enable         (cfg_enable),
    .s_axis_tdata       (s_axis_tdata),
    .s_axis_tkeep       (s_axis_tkeep),
    .s_axis_tvalid      (s_axis_tvalid),
    .s_axis_tready      (s_axis_tready),
    .s_axis_tlast       (s_axis_tlast),
    .s_axis_tuser       ({N_IN{1'b0}}),
    .s_axis_vport       (s_axis_vport),
    .m_axis_tdata       (a_tdata),
    .m_axis_tkeep       (a_tkeep),
    .m_axis_tvalid      (a_tvalid),
    .m_axis_tready      (a_tready),
    .m_axis_tlast       (a_tlast),
    .m_axis_tuser       (a_tuser),
    .m_axis_vport       (a_vport),
    .m_axis_ts          (a_ts),
    .cnt_rx_wire_frames (cnt_rx_wire_frames),
    .cnt_rx_wire_bytes  (cnt_rx_wire_bytes),
    .cnt_tx_frames      (cnt_tx_frames),
    .cnt_tx_bytes       (cnt_tx_bytes),
    .cnt_wire_discard   (cnt_wire_discard)
  );

  // Timestamps, one per frame in order, for the parser's metadata (which carries the vport
  // but not the time). A first beat waits while the FIFO is full.
  logic        p_first_q, p_first_d;
  logic        p_tvalid, p_tready, p_fire, p_gate;
  logic        tsq_s_ready, tsq_m_valid, tsq_m_ready;
  logic [63:0] tsq_m_data;

  assign p_gate    = p_first_q && !tsq_s_ready;
  assign p_tvalid  = a_tvalid && !p_gate;
  assign a_tready  = p_tready && !p_gate;
  assign p_fire    = a_tvalid && a_tready;
  assign p_first_d = p_fire ? a_tlast : p_first_q;

  sync_fifo #(.WIDTH(64), .DEPTH(64)) u_tsq (
    .clk (clk), .rst (rst),
    .s_valid (p_fire && p_first_q), .s_ready (tsq_s_ready), .s_data (a_ts),
    .m_valid (tsq_m_valid), .m_ready (tsq_m_ready), .m_data (tsq_m_data),
    .count (unused_cnt1)
  );

  // =======================================================================================
  // Parser (pass-through) into the frame FIFO
  // =======================================================================================
  logic [DATA_W-1:0]       pm_tdata;
  logic [KEEP_W-1:0]       pm_tkeep;
  logic                    pm_tvalid, pm_tready, pm_tlast, pm_tuser;
  logic                    pmeta_valid, pmeta_ready;
  nic_pkg::parse_meta_t    pmeta;
  logic                    meta_valid, meta_ready, meta_refused;
  nic_pkg::parse_meta_t    meta;

  parser #(
    .DATA_W (DATA_W),
    .USER_W (1)
  ) u_parser (
    .clk             (clk),
    .rst             (rst),
    .cfg_vxlan_port  (cfg_vxlan_port),
    .cfg_geneve_port (cfg_geneve_port),
    .s_axis_tdata    (a_tdata),
    .s_axis_tkeep    (a_tkeep),
    .s_axis_tvalid   (p_tvalid),
    .s_axis_tready   (p_tready),
    .s_axis_tlast    (a_tlast),
    .s_axis_tuser    (a_tuser),
    .s_axis_vport    (a_vport),
    .m_axis_tdata    (pm_tdata),
    .m_axis_tkeep    (pm_tkeep),
    .m_axis_tvalid   (pm_tvalid),
    .m_axis_tready   (pm_tready),
    .m_axis_tlast    (pm_tlast),
    .m_axis_tuser    (pm_tuser),
    .m_meta_valid    (pmeta_valid),
    .m_meta_ready    (pmeta_ready),
    .m_meta_data     (pmeta)
  );

  // Destination tokens (spec 11): checked between the parser and the lookups, in order.
  token_stage #(.NUM_VNIC(NUM_VNIC)) u_token (
    .clk          (clk),
    .rst          (rst),
    .cfg_enable   (cfg_token_enable),
    .s_key_valid  (tok_key_valid),
    .s_key_ready  (tok_key_ready),
    .s_key_slot   (tok_key_slot),
    .s_key_clear  (tok_key_clear),
    .s_key_enc    (tok_key_enc),
    .s_key_mac    (tok_key_mac),
    .key_busy     (tok_key_busy),
    .key_valid    (tok_key_valid_slots),
    .clr_valid    (tok_clr_valid),
    .clr_eni      (tok_clr_eni),
    .cnt_verdicts (tok_verdicts),
    .s_meta_valid (pmeta_valid),
    .s_meta_ready (pmeta_ready),
    .s_meta       (pmeta),
    .m_meta_valid (meta_valid),
    .m_meta_ready (meta_ready),
    .m_meta       (meta),
    .m_refused    (meta_refused)
  );

  // Frame FIFO: beats {tkeep, tdata} in a block RAM ring; bq holds each stored frame's beat
  // count (the reader needs no look-ahead for tlast). Space is released when the last pass
  // over a frame has been read.
  logic [FAW:0]  fw_ptr_q, fw_ptr_d;     // next beat written
  logic [FAW:0]  fr_base_q, fr_base_d;   // first beat of the oldest frame held
  logic [15:0]   fw_cnt_q, fw_cnt_d;     // beats of the frame being written
  logic          fw_fire;
  logic          bq_s_ready, bq_m_valid, bq_m_ready;
  logic [15:0]   bq_m_data;
  logic          ram_rd_en;
  logic [FAW-1:0] ram_rd_addr;
  logic [BEAT_W-1:0] ram_rd_data;

  assign pm_tready = ((fw_ptr_q - fr_base_q) < (FAW + 1)'(FB)) && bq_s_ready;

  always_comb begin
    fw_fire   = pm_tvalid && pm_tready;
    fw_ptr_d  = fw_ptr_q + (FAW + 1)'(fw_fire);
    fw_cnt_d  = fw_cnt_q;
    if (fw_fire) begin
      fw_cnt_d = pm_tlast ? 16'd0 : fw_cnt_q + 16'd1;
    end
  end

  sdp_ram #(.WIDTH(BEAT_W), .DEPTH(FB)) u_frame_ram (
    .clk     (clk),
    .wr_en   (fw_fire),
    .wr_addr (fw_ptr_q[FAW-1:0]),
    .wr_data ({pm_tkeep, pm_tdata}),
    .rd_en   (ram_rd_en),
    .rd_addr (ram_rd_addr),
    .rd_data (ram_rd_data)
  );

  sync_fifo #(.WIDTH(16), .DEPTH(64)) u_bq (
    .clk (clk), .rst (rst),
    .s_valid (fw_fire && pm_tlast), .s_ready (bq_s_ready), .s_data (fw_cnt_q + 16'd1),
    .m_valid (bq_m_valid), .m_ready (bq_m_ready), .m_data (bq_m_data),
    .count (unused_cnt2)
  );

  // =======================================================================================
  // Lookups: EM for every parsed frame, then the TCAM for the EM misses, in frame order
  // =======================================================================================
  // Per-frame context carried past the lookups.
  localparam int CTX_W = 1 + 1 + 1 + 16 + 8 + 64 + 1 + 8 + 1 + 2 * INFO_W;
  logic             need_em, meta_perr;
  logic             q1_s_ready, q1_m_valid, q1_m_ready;
  logic [CTX_W + nic_fmt_pkg::TCAM_KEY_W-1:0] q1_s_data, q1_m_data;
  logic             em_lk_ready, em_lk_valid;
  logic             em_res_valid, em_res_ready, em_res_hit;
  logic [nic_pkg::EM_HANDLE_W-1:0] em_res_handle;
  logic [ACT_W-1:0] em_res_action;
  logic [31:0]      em_res_h1;
  logic             em_res_user;
  logic             meta_fire;
  logic             meta_tcp_ctl;

  always_comb begin
    // Oversize frames (cut by the arbiter), parse errors and refused tokens skip the lookups.
    meta_perr   = meta.parse_err || meta.too_long;
    need_em     = !meta_perr && !meta_refused;
    em_lk_valid = meta_valid && tsq_m_valid && q1_s_ready && need_em;
    // A TCP control segment (spec 5.2 step 2): SYN, FIN or RST in the key level's TCP header.
    meta_tcp_ctl = (meta.key_tcp_flags & 8'h07) != 8'd0;
    q1_s_data   = {need_em, meta_perr, meta_refused, meta.frame_len, meta.vport, tsq_m_data,
                   meta.has_eth_1, meta.l2_off_1, meta_tcp_ctl, meta.lvl0, meta.lvl1,
                   meta.tcam_key};
  end

  assign meta_fire   = meta_valid && tsq_m_valid && q1_s_ready && (!need_em || em_lk_ready);
  assign meta_ready  = meta_fire;
  assign tsq_m_ready = meta_fire;

  sync_fifo #(.WIDTH(CTX_W + nic_fmt_pkg::TCAM_KEY_W), .DEPTH(16)) u_q1 (
    .clk (clk), .rst (rst),
    .s_valid (meta_fire), .s_ready (q1_s_ready), .s_data (q1_s_data),
    .m_valid (q1_m_valid), .m_ready (q1_m_ready), .m_data (q1_m_data),
    .count (unused_cnt3)
  );

  em_table #(.EM_BUCKETS(EM_BUCKETS), .USER_W(1)) u_em (
    .clk              (clk),
    .rst              (rst),
    .s_lookup_valid   (em_lk_valid),
    .s_lookup_ready   (em_lk_ready),
    .s_lookup_key     (meta.flow_key),
    .s_lookup_len     (meta.frame_len),
    .s_lookup_ts      (tsq_m_data),
    .s_lookup_user    (1'b0),
    .m_result_valid   (em_res_valid),
    .m_result_ready   (em_res_ready),
    .m_result_hit     (em_res_hit),
    .m_result_handle  (em_res_handle),
    .m_result_action  (em_res_action),
    .m_result_h1      (em_res_h1),
    .m_result_user    (em_res_user),
    .s_cmd_valid      (em_cmd_valid),
    .s_cmd_ready      (em_cmd_ready),
    .s_cmd_op         (em_cmd_op),
    .s_cmd_key        (em_cmd_key),
    .s_cmd_action     (em_cmd_action),
    .s_cmd_handle     (em_cmd_handle),
    .m_rsp_valid      (em_rsp_valid),
    .m_rsp_ready      (em_rsp_ready),
    .m_rsp_status     (em_rsp_status),
    .m_rsp_handle     (em_rsp_handle),
    .m_rsp_key        (em_rsp_key),
    .m_rsp_action     (em_rsp_action),
    .m_rsp_pkts       (em_rsp_pkts),
    .m_rsp_bytes      (em_rsp_bytes),
    .m_rsp_last_seen  (em_rsp_last_seen),
    .entry_count      (em_entry_count)
  );

  // j1: join the context with its EM result; an EM miss goes on to the TCAM.
  localparam int Q2_W = CTX_W + 1 + ACT_W + 32 + 1;
  logic                q1_need_em, j1_go, j1_need_tcam;
  logic [CTX_W-1:0]    q1_ctx;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] q1_tkey;
  logic                q2_s_ready, q2_m_valid, q2_m_ready;
  logic [Q2_W-1:0]     q2_s_data, q2_m_data;
  logic                tc_lk_ready;
  logic                tc_res_valid, tc_res_ready, tc_res_hit;
  logic [nic_pkg::TCAM_INDEX_W-1:0] tc_res_index;
  logic [ACT_W-1:0]    tc_res_action;

  always_comb begin
    {q1_ctx, q1_tkey} = q1_m_data;
    q1_need_em   = q1_ctx[CTX_W-1];
    j1_need_tcam = q1_need_em && !em_res_hit;
    j1_go        = q1_m_valid && (!q1_need_em || em_res_valid) && q2_s_ready &&
                   (!j1_need_tcam || tc_lk_ready);
    q1_m_ready   = j1_go;
    em_res_ready = j1_go && q1_need_em;
    q2_s_data    = {q1_ctx, q1_need_em && em_res_hit, em_res_action, em_res_h1 & {32{q1_need_em}},
                    j1_need_tcam};
  end

  sync_fifo #(.WIDTH(Q2_W), .DEPTH(32)) u_q2 (
    .clk (clk), .rst (rst),
    .s_valid (j1_go), .s_ready (q2_s_ready), .s_data (q2_s_data),
    .m_valid (q2_m_valid), .m_ready (q2_m_ready), .m_data (q2_m_data),
    .count (unused_cnt4)
  );

  tcam #(.TCAM_ENTRIES(TCAM_ENTRIES), .LEN_W(16)) u_tcam (
    .clk              (clk),
    .rst              (rst),
    .s_lookup_valid   (j1_go && j1_need_tcam),
    .s_lookup_ready   (tc_lk_ready),
    .s_lookup_key     (q1_tkey),
    .s_lookup_len     (q1_ctx[CTX_W-4 -: 16]),  // frame_len, after need_em, perr, tok
    .m_result_valid   (tc_res_valid),
    .m_result_ready   (tc_res_ready),
    .m_result_hit     (tc_res_hit),
    .m_result_index   (tc_res_index),
    .m_result_action  (tc_res_action),
    .s_cmd_valid      (tcam_cmd_valid),
    .s_cmd_ready      (tcam_cmd_ready),
    .s_cmd_op         (tcam_cmd_op),
    .s_cmd_index      (tcam_cmd_index),
    .s_cmd_priority   (tcam_cmd_priority),
    .s_cmd_value      (tcam_cmd_value),
    .s_cmd_mask       (tcam_cmd_mask),
    .s_cmd_action     (tcam_cmd_action),
    .m_rsp_valid      (tcam_rsp_valid),
    .m_rsp_ready      (tcam_rsp_ready),
    .m_rsp_status     (tcam_rsp_status),
    .m_rsp_priority   (tcam_rsp_priority),
    .m_rsp_value      (tcam_rsp_value),
    .m_rsp_mask       (tcam_rsp_mask),
    .m_rsp_action     (tcam_rsp_action),
    .m_rsp_pkts       (tcam_rsp_pkts),
    .m_rsp_bytes      (tcam_rsp_bytes)
  );

  // =======================================================================================
  // Decision: d1 (checks, meter request, template read) -> d2 -> dq -> outcome
  // =======================================================================================
  // A record of one frame after the lookups.
  logic                q2_need_tcam, q2_em_hit, j2_go;
  logic [CTX_W-1:0]    q2_ctx;
  logic [ACT_W-1:0]    q2_em_action;
  logic [31:0]         q2_h1;

  // Unpacked context fields (of the d1 record).
  logic                d1_valid_q, d1_valid_d;
  logic [CTX_W-1:0]    d1_ctx_q, d1_ctx_d;
  logic                d1_hit_q, d1_hit_d, d1_em_hit_q, d1_em_hit_d;
  logic [15:0]         d1_tidx_q, d1_tidx_d;
  nic_fmt_pkg::action_t d1_act_q, d1_act_d;
  logic [31:0]         d1_h1_q, d1_h1_d;

  logic                c_need_em, c_perr, c_tok, c_has_eth_1, c_tcp_ctl;
  logic [15:0]         c_len;
  logic [7:0]          c_vport, c_l2_off_1;
  logic [63:0]         c_ts;
  nic_pkg::action_meta_t c_lvl0, c_lvl1;

  logic [2:0]          a_dest_type;
  logic [7:0]          a_dest_id;
  logic [15:0]         a_meter, a_encap;
  logic                d1_bad, d1_osrc_bad, d1_meter_req, d1_ttl_exp, d1_adv;
  logic [7:0]          d1_decap_len;
  logic [1:0]          d1_vcnt;
  logic [16:0]         d1_base_len;
  logic                meter_req_ready, tmpl_rd_ready;
  logic [15:0]         in_flight;

  // d2 and the queue in front of the outcome.
  localparam int DREC_W = CTX_W + 1 + 1 + 16 + ACT_W + 32 + 1 + 1 + 1 + 1 + 17;
  logic                d2_valid_q;
  logic [DREC_W-1:0]   d2_rec_q, d1_rec;
  logic [ENC_W-1:0]    tmpl_rd_data;
  /* verilator lint_off UNUSEDSIGNAL */  // d2 reads the flags and the TCI of the template
  nic_fmt_pkg::encap_t d2_tmpl;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [6:0]          d2_enc_add;
  logic                dq_m_valid, dq_m_ready;
  logic [DREC_W + 7 + ENC_W-1:0] dq_m_data;
  logic [$clog2(DQ_DEPTH):0] dq_count;
  logic                mq_m_valid, mq_m_ready, mq_m_data;
  logic                meter_res_valid, meter_res_pass;

  always_comb begin
    {q2_ctx, q2_em_hit, q2_em_action, q2_h1, q2_need_tcam} = q2_m_data;

    {c_need_em, c_perr, c_tok, c_len, c_vport, c_ts, c_has_eth_1, c_l2_off_1, c_tcp_ctl, c_lvl0,
     c_lvl1} = d1_ctx_q;
    a_dest_type = d1_act_q.flags.dest_type;
    a_dest_id   = d1_act_q.flags.dest_id;
    a_meter     = d1_act_q.meter;
    a_encap     = d1_act_q.encap_index;

    // Spec 5.2: the checks that make an action bad_action.
    d1_bad = 1'b0;
    case (a_dest_type)
      nic_fmt_pkg::DEST_TYPE_DROP, nic_fmt_pkg::DEST_TYPE_EXCEPTION: d1_bad = 1'b0;
      nic_fmt_pkg::DEST_TYPE_WIRE: d1_bad = (a_dest_id != 8'd0);
      nic_fmt_pkg::DEST_TYPE_VNIC: d1_bad = (a_dest_id == 8'd0) || (a_dest_id > 8'(NUM_VNIC));
      default:    d1_bad = 1'b1;
    endcase
    if (a_meter != 16'd0 && 32'(a_meter) >= 32'(NUM_METERS)) begin
      d1_bad = 1'b1;
    end
    if (d1_act_q.flags.encap && (a_encap == 16'd0 || 32'(a_encap) >= 32'(NUM_ENCAP))) begin
      d1_bad = 1'b1;
    end
    if (d1_act_q.flags.decap && !c_has_eth_1) begin
      d1_bad = 1'b1;
    end
    if (d1_act_q.flags.check_osrc && d1_act_q.flags.set_sip) begin
      d1_bad = 1'b1;
    end
    // Spec 5.2, the outer source check: level 0's IP source (IPv4 in the low 32 bits, zeros
    // above, as the key holds it) against the record's sip (byte 0 in the low bits). Not IP:
    // no source, a mismatch.
    d1_osrc_bad = 1'b0;
    if (d1_act_q.flags.check_osrc) begin
      d1_osrc_bad = (c_lvl0.l3_type == nic_fmt_pkg::L3_TYPE_NONE);
      for (int b = 0; b < 16; b++) begin
        if (c_lvl0.src[127-8*b -: 8] != d1_act_q.sip[8*b +: 8]) begin
          d1_osrc_bad = 1'b1;
        end
      end
    end
    d1_meter_req = d1_valid_q && d1_hit_q && !d1_bad && !d1_osrc_bad && (a_meter != 16'd0);
    // Spec 5.3: TTL of the level the rewrite acts on, before any change.
    if (d1_act_q.flags.decap) begin
      d1_ttl_exp = d1_act_q.flags.dec_ttl && (c_lvl1.l3_type != nic_fmt_pkg::L3_TYPE_NONE) &&
                   (c_lvl1.ttl <= 8'd1);
    end else begin
      d1_ttl_exp = d1_act_q.flags.dec_ttl && (c_lvl0.l3_type != nic_fmt_pkg::L3_TYPE_NONE) &&
                   (c_lvl0.ttl <= 8'd1);
    end
    // Length of the frame as transposed (spec 5.2 steps 3, 6, 7) but for the encapsulation's
    // headers, which d2 gives from the template: computed here, one adder at the outcome.
    d1_decap_len = d1_act_q.flags.decap ? c_l2_off_1 : 8'd0;
    d1_vcnt      = d1_act_q.flags.decap ? c_lvl1.vlan_cnt : c_lvl0.vlan_cnt;
    d1_base_len  = {1'b0, c_len} - 17'(d1_decap_len);
    case (d1_act_q.flags.vlan_op)
      nic_fmt_pkg::VLAN_OP_POP:     if (d1_vcnt != 2'd0) d1_base_len = d1_base_len - 17'd4;
      nic_fmt_pkg::VLAN_OP_PUSH:    d1_base_len = d1_base_len + 17'd4;
      nic_fmt_pkg::VLAN_OP_REWRITE: if (d1_vcnt == 2'd0) d1_base_len = d1_base_len + 17'd4;
      default: ;
    endcase
    d1_rec = {d1_ctx_q, d1_hit_q, d1_em_hit_q, d1_tidx_q, d1_act_q, d1_h1_q, d1_bad,
              d1_osrc_bad, d1_meter_req, d1_ttl_exp, d1_base_len};
  end

  // d2: the bytes an encapsulation with this template adds (spec 5.5: Ethernet 14 (+4 with a
  // TCI), IPv4 20 / IPv6 40, then UDP + VXLAN or Geneve (16) or GRE (NVGRE, 8)); used at the
  // outcome only when the action encapsulates.
  always_comb begin
    d2_tmpl    = tmpl_rd_data;
    d2_enc_add = 7'd14 +
                 ((d2_tmpl.flags.tunnel == nic_fmt_pkg::ENCAP_TUNNEL_NVGRE) ? 7'd8 : 7'd16) +
                 (d2_tmpl.flags.ipv6 ? 7'd40 : 7'd20) + ((d2_tmpl.vlan_tci != 16'd0) ? 7'd4 : 7'd0);
  end

  // d1 advances when its template read is taken (the table's port is free) and its meter
  // request, if any, is.
  assign d1_adv = d1_valid_q && tmpl_rd_ready && (!d1_meter_req || meter_req_ready);

  always_comb begin

    // j2: join with the TCAM result; d1 takes it when it is free and the records in flight
    // (d1, d2, dq) leave room in dq (d2 always pushes).
    // Every record in d1, d2 or dq has a dq slot: d2 pushes unconditionally.
    in_flight  = 16'(dq_count) + 16'(d2_valid_q) + 16'(d1_valid_q);
    j2_go      = q2_m_valid && (!q2_need_tcam || tc_res_valid) && (!d1_valid_q || d1_adv) &&
                 (in_flight < 16'(DQ_DEPTH));
    q2_m_ready   = j2_go;
    tc_res_ready = j2_go && q2_need_tcam;

    d1_valid_d  = j2_go ? 1'b1 : (d1_adv ? 1'b0 : d1_valid_q);
    d1_ctx_d    = d1_ctx_q;
    d1_hit_d    = d1_hit_q;
    d1_em_hit_d = d1_em_hit_q;
    d1_tidx_d   = d1_tidx_q;
    d1_act_d    = d1_act_q;
    d1_h1_d     = d1_h1_q;
    if (j2_go) begin
      d1_ctx_d    = q2_ctx;
      d1_em_hit_d = q2_em_hit;
      d1_hit_d    = q2_em_hit || (q2_need_tcam && tc_res_hit);
      d1_tidx_d   = (q2_need_tcam && tc_res_hit) ? tc_res_index : nic_pkg::TCAM_NO_INDEX;
      d1_act_d    = q2_em_hit ? q2_em_action : (q2_need_tcam && tc_res_hit) ? tc_res_action
                                                                             : '0;
      d1_h1_d     = q2_h1;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      d1_valid_q <= 1'b0;
      d2_valid_q <= 1'b0;
    end else begin
      d1_valid_q <= d1_valid_d;
      d2_valid_q <= d1_adv;
    end
  end

  always_ff @(posedge clk) begin
    d1_ctx_q    <= d1_ctx_d;
    d1_hit_q    <= d1_hit_d;
    d1_em_hit_q <= d1_em_hit_d;
    d1_tidx_q   <= d1_tidx_d;
    d1_act_q    <= d1_act_d;
    d1_h1_q     <= d1_h1_d;
    if (d1_adv) begin
      d2_rec_q <= d1_rec;
    end
  end

  meter_bank #(.NUM_METERS(NUM_METERS)) u_meter (
    .clk          (clk),
    .rst          (rst),
    .s_req_valid  (d1_meter_req && tmpl_rd_ready),
    .s_req_ready  (meter_req_ready),
    .s_req_index  (a_meter),
    .s_req_len    (c_len),
    .s_req_ts     (c_ts),
    .m_res_valid  (meter_res_valid),
    .m_res_pass   (meter_res_pass),
    .s_cmd_valid  (meter_cmd_valid),
    .s_cmd_ready  (meter_cmd_ready),
    .s_cmd_op     (meter_cmd_op),
    .s_cmd_index  (meter_cmd_index),
    .s_cmd_rate   (meter_cmd_rate),
    .s_cmd_burst  (meter_cmd_burst),
    .s_cmd_now    (now),
    .m_rsp_valid  (meter_rsp_valid),
    .m_rsp_ready  (meter_rsp_ready),
    .m_rsp_status (meter_rsp_status),
    .m_rsp_rate   (meter_rsp_rate),
    .m_rsp_burst  (meter_rsp_burst),
    .m_rsp_tokens (meter_rsp_tokens)
  );

  // Meter results wait here for their record (no back-pressure on the meter: at most one
  // outstanding result per record in d1..dq, so DQ_DEPTH entries suffice).
  sync_fifo #(.WIDTH(1), .DEPTH(DQ_DEPTH)) u_mq (
    .clk (clk), .rst (rst),
    .s_valid (meter_res_valid), .s_ready (unused_rdy1), .s_data (meter_res_pass),
    .m_valid (mq_m_valid), .m_ready (mq_m_ready), .m_data (mq_m_data),
    .count (unused_cnt5)
  );

  // Encap templates: read with d1's index as it advances; the data is there with d2.
  encap_table #(.NUM_ENCAP(NUM_ENCAP)) u_tmpl (
    .clk              (clk),
    .rst              (rst),
    .ready            (encap_ready),
    .wr_valid         (encap_wr_valid && (32'(encap_wr_index) < 32'(NUM_ENCAP))),
    .wr_index         (encap_wr_index),
    .wr_data          (encap_wr_data),
    .s_rd_valid       (d1_adv),
    .s_rd_ready       (tmpl_rd_ready),
    .s_rd_index       (a_encap),
    .rd_tmpl          (tmpl_rd_data),
    .mg_rd_valid      (encap_rd_valid),
    .mg_rd_index      (encap_rd_index),
    .mg_rd_data_valid (encap_rd_data_valid),
    .mg_rd_data       (encap_rd_data)
  );

  sync_fifo #(.WIDTH(DREC_W + 7 + ENC_W), .DEPTH(DQ_DEPTH)) u_dq (
    .clk (clk), .rst (rst),
    .s_valid (d2_valid_q), .s_ready (unused_rdy2),
    .s_data ({d2_rec_q, d2_enc_add, tmpl_rd_data}),
    .m_valid (dq_m_valid), .m_ready (dq_m_ready), .m_data (dq_m_data),
    .count (dq_count)
  );

  // ---- outcome ----
  // rq: what the reader does with the frame. {copy pass, the copy is a TCP control copy,
  // primary emitted, primary edited, primary desc, edit inputs}.
  localparam int DESC_W = nic_pkg::DP_DESC_W;
  localparam int EDIT_W = ACT_W + INFO_W + 8 + 16 + 32 + ENC_W;
  localparam int RQ_W   = 4 + DESC_W + EDIT_W;
  logic [CTX_W-1:0]    o_ctx;
  logic                o_hit, o_em_hit, o_bad, o_osrc_bad, o_meter_req, o_ttl_exp;
  logic [15:0]         o_tidx;
  nic_fmt_pkg::action_t o_act;
  nic_fmt_pkg::encap_t o_tmpl;
  logic [31:0]         o_h1;
  logic                o_need_em, o_perr, o_tok, o_has_eth_1, o_tcp_ctl;
  logic [15:0]         o_len;
  logic [7:0]          o_vport, o_l2_off_1;
  logic [63:0]         o_ts;
  nic_pkg::action_meta_t o_lvl0, o_lvl1, o_info;
  logic                o_decap, o_encap;
  logic [7:0]          o_decap_len;
  logic [16:0]         o_base_len, o_out_len;
  logic [6:0]          o_enc_add;
  logic                o_go, o_mirror, o_copy_tcp, o_out, o_edit;
  nic_pkg::dp_desc_t   o_desc;
  logic                rq_s_ready, rq_m_valid, rq_m_ready;
  logic [RQ_W-1:0]     rq_s_data, rq_m_data;

  // Counter increments of the frame decided this clock.
  logic inc_em, inc_tcam, inc_miss, inc_wire, inc_vnic, inc_exc, inc_loop, inc_mirror;
  logic inc_perr, inc_flow, inc_meter, inc_bad, inc_mtu, inc_tok;
  logic o_tok_exc;

  always_comb begin
    {o_ctx, o_hit, o_em_hit, o_tidx, o_act, o_h1, o_bad, o_osrc_bad, o_meter_req, o_ttl_exp,
     o_base_len, o_enc_add, o_tmpl} = dq_m_data;
    {o_need_em, o_perr, o_tok, o_len, o_vport, o_ts, o_has_eth_1, o_l2_off_1, o_tcp_ctl, o_lvl0,
     o_lvl1} = o_ctx;
    o_decap   = o_act.flags.decap;
    o_encap   = o_act.flags.encap;

    // The level the edits act on, rebased to the frame after the decap.
    o_info      = o_decap ? o_lvl1 : o_lvl0;
    o_decap_len = o_decap ? o_l2_off_1 : 8'd0;
    if (o_decap) begin
      o_info.l3_off = o_lvl1.l3_off - o_l2_off_1;
      o_info.l4_off = o_lvl1.l4_off - o_l2_off_1;
    end

    // Length of the frame as transposed (spec 5.2 steps 3, 6, 7): d1's length after the
    // decap and the VLAN operation, and d2's encapsulation headers.
    o_out_len = o_base_len + (o_encap ? 17'(o_enc_add) : 17'd0);

    o_go       = dq_m_valid && (!o_meter_req || mq_m_valid) && rq_s_ready;
    dq_m_ready = o_go;
    mq_m_ready = o_go && o_meter_req;

    o_mirror   = 1'b0;
    o_copy_tcp = 1'b0;
    o_out      = 1'b0;
    o_edit   = 1'b0;
    o_desc            = '0;
    o_desc.tcam_index = o_tidx;
    o_desc.h1         = o_h1;
    o_desc.src_vport  = o_vport;
    o_desc.ts         = o_ts;
    o_desc.len        = o_len;
    o_desc.dest       = 2'(nic_fmt_pkg::DEST_TYPE_EXCEPTION);
    o_desc.port       = nic_pkg::HOST_VPORT;
    {inc_em, inc_tcam, inc_miss, inc_wire, inc_vnic, inc_exc, inc_loop, inc_mirror} = '0;
    {inc_perr, inc_flow, inc_meter, inc_bad, inc_mtu, inc_tok} = '0;
    o_tok_exc = 1'b0;  // VNIC_CTRL.TOKEN_EXC of the source vport (1..NUM_VNIC)
    for (int v = 0; v < NUM_VNIC; v++) begin
      if (o_vport == 8'(v + 1) && cfg_token_exc[v]) begin
        o_tok_exc = 1'b1;
      end
    end

    if (o_tok) begin
      // A refused token (spec 11): to the exception ring as received or dropped, per VNIC.
      if (o_tok_exc) begin
        o_out         = 1'b1;
        o_desc.reason = nic_fmt_pkg::EXC_REASON_TOKEN;
        inc_exc       = 1'b1;
      end else begin
        inc_tok = 1'b1;
      end
    end else if (!o_need_em) begin
      // Parse error (spec 2.2): policy 1 sends it to the exception ring, except a frame
      // longer than MAX_FRAME, which is always dropped.
      if (cfg_parse_err_exc && o_len <= 16'(nic_pkg::MAX_FRAME)) begin
        o_out            = 1'b1;
        o_desc.reason    = nic_fmt_pkg::EXC_REASON_PARSE_ERROR;
        o_desc.parse_err = 1'b1;
        inc_exc          = 1'b1;
      end else begin
        inc_perr = 1'b1;
      end
    end else if (!o_hit) begin
      inc_miss      = 1'b1;
      o_out         = 1'b1;
      o_desc.reason = nic_fmt_pkg::EXC_REASON_MISS;
      inc_exc       = 1'b1;
    end else begin
      inc_em   = o_em_hit;
      inc_tcam = !o_em_hit;
      if (o_bad) begin
        inc_bad = 1'b1;
      end else if (o_osrc_bad) begin  // spec 5.2: as received, nothing else happens
        o_out         = 1'b1;
        o_desc.reason = nic_fmt_pkg::EXC_REASON_OUTER_SRC;
        inc_exc       = 1'b1;
      end else if (o_meter_req && !mq_m_data) begin
        inc_meter = 1'b1;
      end else begin
        // Spec 5.2 step 2: one copy to the host, a TCP control copy before a mirror copy.
        o_copy_tcp = o_act.flags.tcp_ctl_copy && o_tcp_ctl;
        o_mirror   = o_act.flags.mirror || o_copy_tcp;
        inc_mirror = o_mirror;
        if (o_ttl_exp) begin
          o_out         = 1'b1;
          o_desc.reason = nic_fmt_pkg::EXC_REASON_TTL;
          inc_exc       = 1'b1;
        end else begin
          o_desc.mark_valid = o_act.flags.mark;
          o_desc.mark       = o_act.flags.mark ? o_act.mark_value : 32'd0;
          case (o_act.flags.dest_type)
            nic_fmt_pkg::DEST_TYPE_WIRE: begin
              if (32'(o_out_len) > cfg_wire_max_frame) begin
                inc_mtu = 1'b1;
              end else begin
                o_out       = 1'b1;
                o_edit      = 1'b1;
                o_desc.dest = 2'(nic_fmt_pkg::DEST_TYPE_WIRE);
                o_desc.port = o_act.flags.dest_id;
                o_desc.len  = o_out_len[15:0];
                inc_wire    = 1'b1;
              end
            end
            nic_fmt_pkg::DEST_TYPE_VNIC: begin
              o_out       = 1'b1;
              o_edit      = 1'b1;
              o_desc.dest = 2'(nic_fmt_pkg::DEST_TYPE_VNIC);
              o_desc.port = o_act.flags.dest_id;
              o_desc.len  = o_out_len[15:0];
              inc_vnic    = 1'b1;
              inc_loop    = (o_vport >= 8'd1) && (o_vport <= 8'(NUM_VNIC));
            end
            nic_fmt_pkg::DEST_TYPE_EXCEPTION: begin  // the frame as received, with the mark
              o_out         = 1'b1;
              o_desc.reason = nic_fmt_pkg::EXC_REASON_ACTION;
              inc_exc       = 1'b1;
            end
            default: begin  // DROP (reserved types were bad_action above)
              inc_flow = 1'b1;
            end
          endcase
        end
      end
    end
    if (!o_desc.mark_valid) begin
      o_desc.mark = 32'd0;
    end
    rq_s_data = {o_mirror, o_copy_tcp, o_out, o_edit, o_desc, o_act, o_info, o_decap_len, o_len,
                 o_h1, o_tmpl};
  end

  sync_fifo #(.WIDTH(RQ_W), .DEPTH(8)) u_rq (
    .clk (clk), .rst (rst),
    .s_valid (o_go), .s_ready (rq_s_ready), .s_data (rq_s_data),
    .m_valid (rq_m_valid), .m_ready (rq_m_ready), .m_data (rq_m_data),
    .count (unused_cnt6)
  );

  // Counters.
  logic [63:0] c_em_q, c_tcam_q, c_miss_q, c_wire_q, c_vnic_q, c_exc_q, c_loop_q, c_mirror_q;
  logic [63:0] c_perr_q, c_flow_q, c_meter_q, c_bad_q, c_mtu_q, c_tok_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      {c_em_q, c_tcam_q, c_miss_q, c_wire_q, c_vnic_q, c_exc_q, c_loop_q, c_mirror_q} <= '0;
      {c_perr_q, c_flow_q, c_meter_q, c_bad_q, c_mtu_q, c_tok_q} <= '0;
    end else if (o_go) begin
      c_em_q     <= c_em_q + 64'(inc_em);
      c_tcam_q   <= c_tcam_q + 64'(inc_tcam);
      c_miss_q   <= c_miss_q + 64'(inc_miss);
      c_wire_q   <= c_wire_q + 64'(inc_wire);
      c_vnic_q   <= c_vnic_q + 64'(inc_vnic);
      c_exc_q    <= c_exc_q + 64'(inc_exc);
      c_loop_q   <= c_loop_q + 64'(inc_loop);
      c_mirror_q <= c_mirror_q + 64'(inc_mirror);
      c_perr_q   <= c_perr_q + 64'(inc_perr);
      c_flow_q   <= c_flow_q + 64'(inc_flow);
      c_meter_q  <= c_meter_q + 64'(inc_meter);
      c_bad_q    <= c_bad_q + 64'(inc_bad);
      c_mtu_q    <= c_mtu_q + 64'(inc_mtu);
      c_tok_q    <= c_tok_q + 64'(inc_tok);
    end
  end

  always_comb begin
    counters.rx_wire_frames   = cnt_rx_wire_frames;
    counters.rx_wire_bytes    = cnt_rx_wire_bytes;
    counters.tx_frames        = cnt_tx_frames;
    counters.tx_bytes         = cnt_tx_bytes;
    counters.wire_discard     = cnt_wire_discard;
    counters.em_hit           = c_em_q;
    counters.tcam_hit         = c_tcam_q;
    counters.miss             = c_miss_q;
    counters.out_wire         = c_wire_q;
    counters.out_vnic         = c_vnic_q;
    counters.out_exception    = c_exc_q;
    counters.loopback         = c_loop_q;
    counters.mirror           = c_mirror_q;
    counters.drop_parse_error = c_perr_q;
    counters.drop_flow        = c_flow_q;
    counters.drop_meter       = c_meter_q;
    counters.drop_bad_action  = c_bad_q;
    counters.drop_mtu         = c_mtu_q;
    counters.drop_token       = c_tok_q;
  end

  // =======================================================================================
  // Reader: one, two (copy to the host, then the frame) or a discard pass over each stored frame
  // =======================================================================================
  logic                r_mirror, r_copy_tcp, r_out, r_edit;
  nic_pkg::dp_desc_t   r_desc, r_pass_desc;
  logic [EDIT_W-1:0]   r_editin;
  logic                r_pass_q, r_pass_d;       // 0: first pass of the frame, 1: second
  logic [15:0]         r_idx_q, r_idx_d;         // beat within the pass
  logic                r_is_mirror, r_discard, r_final, r_last, r_issue, r_credit;
  logic                pm_s_ready, pm_m_valid, pm_m_ready;
  logic [EDIT_W-1:0]   pm_s_data, pm_m_data;
  logic                dsc_s_ready, dsc_m_valid;
  logic [DESC_W-1:0]   dsc_m_data;
  logic                rv_q, rv_last_q, rv_disc_q;   // RAM read in flight (data next clock)
  logic                ob_s_valid, ob_m_valid, ob_m_ready;
  logic [BEAT_W + 1:0] ob_m_data;
  logic [2:0]          ob_count;
  logic [DATA_W-1:0]   ob_tdata;
  logic [KEEP_W-1:0]   ob_tkeep;
  logic                ob_tlast, ob_disc;
  logic                fr_release;

  always_comb begin
    {r_mirror, r_copy_tcp, r_out, r_edit, r_desc, r_editin} = rq_m_data;
    // Pass 0 is the copy to the host (mirror or TCP control) when there is one; then the frame
    // itself, or a discard when the frame is dropped (and was not copied).
    r_is_mirror = r_mirror && !r_pass_q;
    r_discard   = !r_is_mirror && !r_out;
    r_final     = !(r_mirror && r_out) || r_pass_q;
    r_last      = (r_idx_q + 16'd1 >= bq_m_data);
    r_credit    = (5'(ob_count) + 5'(rv_q)) < 5'd4;
    r_issue     = rq_m_valid && bq_m_valid && r_credit &&
                  (r_idx_q != 16'd0 || r_discard || (pm_s_ready && dsc_s_ready));

    r_pass_desc = r_desc;
    if (r_is_mirror) begin
      r_pass_desc.dest       = 2'(nic_fmt_pkg::DEST_TYPE_EXCEPTION);
      r_pass_desc.port       = nic_pkg::HOST_VPORT;
      r_pass_desc.reason     = r_copy_tcp ? nic_fmt_pkg::EXC_REASON_TCP_CTL
                                          : nic_fmt_pkg::EXC_REASON_MIRROR;
      r_pass_desc.parse_err  = 1'b0;
      r_pass_desc.mark_valid = 1'b0;
      r_pass_desc.mark       = 32'd0;
      r_pass_desc.len        = r_editin[32 + ENC_W +: 16];  // the frame length as received
    end
    // An edited pass gets the action; a pass as received (copy, exception) none.
    pm_s_data = r_editin;
    if (r_is_mirror || !r_edit) begin
      pm_s_data[EDIT_W-1 -: ACT_W] = '0;
      pm_s_data[ENC_W + 32 + 16 +: 8] = 8'd0;  // no decap
    end

    r_idx_d    = r_idx_q;
    r_pass_d   = r_pass_q;
    fr_release = 1'b0;
    if (r_issue) begin
      if (r_last) begin
        r_idx_d = 16'd0;
        if (r_final) begin
          r_pass_d   = 1'b0;
          fr_release = 1'b1;
        end else begin
          r_pass_d = 1'b1;
        end
      end else begin
        r_idx_d = r_idx_q + 16'd1;
      end
    end
    rq_m_ready  = fr_release;
    bq_m_ready  = fr_release;
    ram_rd_en   = r_issue;
    ram_rd_addr = fr_base_q[FAW-1:0] + r_idx_q[FAW-1:0];
    fr_base_d   = fr_base_q + (fr_release ? bq_m_data[FAW:0] : '0);

    ob_s_valid = rv_q;
    {ob_disc, ob_tlast, ob_tkeep, ob_tdata} = ob_m_data;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      p_first_q <= 1'b1;
      fw_ptr_q  <= '0;
      fr_base_q <= '0;
      fw_cnt_q  <= '0;
      r_idx_q   <= '0;
      r_pass_q  <= 1'b0;
      rv_q      <= 1'b0;
    end else begin
      p_first_q <= p_first_d;
      fw_ptr_q  <= fw_ptr_d;
      fr_base_q <= fr_base_d;
      fw_cnt_q  <= fw_cnt_d;
      r_idx_q   <= r_idx_d;
      r_pass_q  <= r_pass_d;
      rv_q      <= r_issue;
    end
  end

  always_ff @(posedge clk) begin
    rv_last_q <= r_last;
    rv_disc_q <= r_discard;
  end

  sync_fifo #(.WIDTH(EDIT_W), .DEPTH(8)) u_pm (
    .clk (clk), .rst (rst),
    .s_valid (r_issue && r_idx_q == 16'd0 && !r_discard), .s_ready (pm_s_ready),
    .s_data (pm_s_data),
    .m_valid (pm_m_valid), .m_ready (pm_m_ready), .m_data (pm_m_data),
    .count (unused_cnt7)
  );

  sync_fifo #(.WIDTH(DESC_W), .DEPTH(32)) u_desc (
    .clk (clk), .rst (rst),
    .s_valid (r_issue && r_idx_q == 16'd0 && !r_discard), .s_ready (dsc_s_ready),
    .s_data (r_pass_desc),
    .m_valid (dsc_m_valid), .m_ready (m_desc_ready), .m_data (dsc_m_data),
    .count (unused_cnt8)
  );

  assign m_desc_valid = dsc_m_valid;
  assign m_desc       = dsc_m_data;

  // Read beats with their tags; discarded beats are dropped at the head.
  sync_fifo #(.WIDTH(BEAT_W + 2), .DEPTH(4)) u_ob (
    .clk (clk), .rst (rst),
    .s_valid (ob_s_valid), .s_ready (unused_rdy3), .s_data ({rv_disc_q, rv_last_q, ram_rd_data}),
    .m_valid (ob_m_valid), .m_ready (ob_m_ready), .m_data (ob_m_data),
    .count (ob_count)
  );

  // =======================================================================================
  // Action engine: transposition of edited passes; other passes go through unchanged
  // =======================================================================================
  logic                  ae_tready, ae_tuser;
  nic_fmt_pkg::action_t  pm_act;
  nic_fmt_pkg::encap_t   pm_tmpl;
  nic_pkg::action_meta_t pm_info;
  logic [7:0]            pm_decap_len;
  logic [15:0]           pm_len;
  logic [31:0]           pm_h1;

  always_comb begin
    {pm_act, pm_info, pm_decap_len, pm_len, pm_h1, pm_tmpl} = pm_m_data;
    ob_m_ready = ob_m_valid && (ob_disc || ae_tready);
  end

  action_edit #(.DATA_W(DATA_W), .USER_W(1)) u_action (
    .clk               (clk),
    .rst               (rst),
    .s_axis_tdata      (ob_tdata),
    .s_axis_tkeep      (ob_tkeep),
    .s_axis_tvalid     (ob_m_valid && !ob_disc),
    .s_axis_tready     (ae_tready),
    .s_axis_tlast      (ob_tlast),
    .s_axis_tuser      (1'b0),
    .s_meta_valid      (pm_m_valid),
    .s_meta_ready      (pm_m_ready),
    .s_meta_action     (pm_act),
    .s_meta_info       (pm_info),
    .s_meta_decap_len  (pm_decap_len),
    .s_meta_frame_len  (pm_len),
    .s_meta_h1         (pm_h1),
    .s_meta_encap_tmpl (pm_tmpl),
    .m_axis_tdata      (m_axis_tdata),
    .m_axis_tkeep      (m_axis_tkeep),
    .m_axis_tvalid     (m_axis_tvalid),
    .m_axis_tready     (m_axis_tready),
    .m_axis_tlast      (m_axis_tlast),
    .m_axis_tuser      (ae_tuser)
  );

  initial begin
    if ($bits(pm_info) != nic_pkg::ACTION_META_W || $bits(m_desc) != nic_pkg::DP_DESC_W) begin
      $error("nic_datapath (%m): nic_pkg::ACTION_META_W / DP_DESC_W must be the type widths");
    end
  end

  // Side bands with nothing to carry here.
  logic unused;
  assign unused = ^{pm_tuser, ae_tuser, em_res_handle, em_res_user, meta.inner, meta.tun_type,
                    meta.tun_off, meta.tok, meta.token, c_need_em, c_perr, c_tok, c_vport, c_l2_off_1, c_tcp_ctl, c_lvl0, c_lvl1,
                    o_perr, o_has_eth_1, encap_rd_index};

endmodule

`default_nettype wire
