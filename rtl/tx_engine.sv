// SPDX-License-Identifier: MIT
// tx_engine: the transmit-queue engine (spec 8, interrupts 7.3). docs/rtl-tx.md.
//
// Stages (all decoupled by sync_fifo queues):
//   A  fetch:   round robin over the queues with a posted descriptor (fidx != PROD) and a
//               free completion slot (fidx - CQ_CONS < 2^size_log2: every descriptor fetched
//               owns the completion slot it will write, so a full CQ stops the queue before
//               its next descriptor is fetched); a 16-byte DMA read, up to DESC_DEPTH in flight.
//   B  decode:  the descriptor's status 2 / 3, else a DMA read of the frame (the frame's
//               source vport and spoof-check parameters go to the snoop's info FIFO).
//   S  snoop:   the frame's DMA beats enter the hold FIFO; the first HDR_BYTES (64) bytes are
//               captured, and once they (or the whole frame) are in, the anti-spoof verdict is
//               taken (cut-through: no whole-frame buffer; the hold FIFO holds the beats
//               until the verdict, HOLD_DEPTH >= the header's beats + slack).
//   O  output:  the frame's beats leave on m_axis (verdict ok) or are discarded (spoofed).
//   C  completion: in descriptor order, after the frame left (or was dropped), the 16-byte
//               completion is written by DMA; CONS and CQ_PROD advance when the write is done.
// One DMA read channel carries both descriptor and frame reads (tag bit 0: 1 = frame); its
// data comes back in request order.
`resetall
`timescale 1ns/1ps
`default_nettype none

module tx_engine #(
  parameter int DATA_W      = 512,
  parameter int KEEP_W      = DATA_W / 8,
  parameter int NUM_TXQ     = 4,
  parameter int NUM_VNIC    = 4,
  parameter int NUM_VECTORS = 8,
  parameter int TAG_W       = 8,
  parameter int DESC_DEPTH  = 16,   // descriptors fetched and not yet decoded (power of two)
  parameter int DESC_BATCH  = 4,    // descriptors per DMA read, at most (1..DESC_DEPTH)
  parameter int FRAME_DEPTH = 16,   // descriptors between decode and completion (power of two)
  parameter int HOLD_DEPTH  = 16    // hold FIFO beats (power of two, > 64 bytes in beats + 2)
) (
  input  wire                     clk,
  input  wire                     rst,

  // ---- configuration (per transmit queue, flat: queue i in [i*W +: W])
  input  wire [NUM_TXQ*64-1:0]    cfg_txq_ring_base,
  input  wire [NUM_TXQ*64-1:0]    cfg_txq_cq_base,
  input  wire [NUM_TXQ*5-1:0]     cfg_txq_size_log2,
  input  wire [NUM_TXQ-1:0]       cfg_txq_enable,     // rising edge resets the indices
  input  wire [NUM_TXQ*16-1:0]    cfg_txq_prod,       // TXQ_PROD doorbell value
  input  wire [NUM_TXQ*16-1:0]    cfg_txq_cq_cons,
  input  wire [NUM_TXQ-1:0]       cfg_txq_cq_arm,     // strobe: CQ_ARM written
  input  wire [NUM_TXQ*8-1:0]     cfg_txq_vport,      // owner: 1..NUM_VNIC or 255
  input  wire [NUM_TXQ*8-1:0]     cfg_txq_irq_vector,
  input  wire [NUM_TXQ-1:0]       cfg_txq_irq_enable, // IRQ.ENABLE of the queue
  input  wire [NUM_TXQ*16-1:0]    cfg_txq_mod_pkts,   // 0 means 1
  input  wire [NUM_TXQ*32-1:0]    cfg_txq_mod_cycles, // 0 = off
  // ---- per VNIC (index v-1 for vport v)
  input  wire [NUM_VNIC-1:0]      cfg_vnic_spoof_check,
  input  wire [NUM_VNIC-1:0]      cfg_vnic_ipv4_check,
  input  wire [NUM_VNIC-1:0]      cfg_vnic_ipv6_check,
  input  wire [NUM_VNIC*48-1:0]   cfg_vnic_mac,       // byte 0 in bits 47:40
  input  wire [NUM_VNIC*32-1:0]   cfg_vnic_ipv4,      // first byte in bits 31:24
  input  wire [NUM_VNIC*128-1:0]  cfg_vnic_ipv6,      // first byte in bits 127:120
  // ---- global
  input  wire                     cfg_enable,         // CONTROL.ENABLE
  input  wire [15:0]              cfg_tx_max_frame,

  // ---- status
  output wire [NUM_TXQ*16-1:0]    txq_cons,
  output wire [NUM_TXQ*16-1:0]    txq_cq_prod,
  output wire [NUM_TXQ-1:0]       irq_queue,          // pulse: queue i raised its vector
  output wire [NUM_VECTORS-1:0]   irq_vector,         // pulse per vector
  output wire [63:0]              cnt_tx_frames,
  output wire [63:0]              cnt_tx_bytes,
  output wire [63:0]              cnt_tx_bad_desc,
  output wire [63:0]              cnt_spoof,

  // ---- DMA client ports (axi_dma s_rd_req / m_rd / s_wr_req / s_wr / m_wr_done)
  output wire                     m_rd_req_valid,
  input  wire                     m_rd_req_ready,
  output wire [63:0]              m_rd_req_addr,
  output wire [15:0]              m_rd_req_len,
  output wire [TAG_W-1:0]         m_rd_req_tag,
  input  wire [DATA_W-1:0]        s_rd_tdata,
  input  wire [KEEP_W-1:0]        s_rd_tkeep,
  input  wire                     s_rd_tvalid,
  output wire                     s_rd_tready,
  input  wire                     s_rd_tlast,
  input  wire [TAG_W-1:0]         s_rd_tag,
  input  wire                     s_rd_err,
  output wire                     m_wr_req_valid,
  input  wire                     m_wr_req_ready,
  output wire [63:0]              m_wr_req_addr,
  output wire [15:0]              m_wr_req_len,
  output wire [TAG_W-1:0]         m_wr_req_tag,
  output wire [DATA_W-1:0]        m_wr_tdata,
  output wire [KEEP_W-1:0]        m_wr_tkeep,
  output wire                     m_wr_tvalid,
  input  wire                     m_wr_tready,
  output wire                     m_wr_tlast,
  input  wire                     s_wr_done_valid,
  output wire                     s_wr_done_ready,
  input  wire [TAG_W-1:0]         s_wr_done_tag,
  input  wire                     s_wr_done_err,

  // ---- frames into the datapath's ingress arbiter
  output wire [DATA_W-1:0]        m_axis_tdata,
  output wire [KEEP_W-1:0]        m_axis_tkeep,
  output wire                     m_axis_tvalid,
  input  wire                     m_axis_tready,
  output wire                     m_axis_tlast,
  output wire [7:0]               m_axis_vport        // constant over a frame
);

  localparam int QW         = (NUM_TXQ > 1) ? $clog2(NUM_TXQ) : 1;
  localparam int VW         = (NUM_VNIC > 1) ? $clog2(NUM_VNIC) : 1;
  localparam int HDR_BYTES  = 64;
  localparam int HDR_W      = HDR_BYTES * 8;
  localparam int HDR_BEATS  = (HDR_BYTES + KEEP_W - 1) / KEEP_W;
  localparam int FB_W       = $clog2(HDR_BEATS + 1) + 1;
  localparam int DESC_B     = nic_fmt_pkg::TX_DESC_BYTES;  // 16, as the completion
  localparam int DESC_W     = nic_fmt_pkg::TX_DESC_W;
  localparam int D16_BEATS  = (DESC_B + KEEP_W - 1) / KEEP_W;  // beats of a descriptor/completion
  localparam int DC_W       = $clog2(DESC_DEPTH) + 1;  // also the width of a batch count

  initial begin
    if (DATA_W != 64 && DATA_W != 512) $error("tx_engine (%m): DATA_W must be 64 or 512");
    if (NUM_TXQ < 1 || NUM_TXQ > 128) $error("tx_engine (%m): NUM_TXQ must be 1..128");
    if (NUM_VNIC < 1 || NUM_VNIC > 254) $error("tx_engine (%m): NUM_VNIC must be 1..254");
    if (HOLD_DEPTH < HDR_BEATS + 4) $error("tx_engine (%m): HOLD_DEPTH too small");
    if (TAG_W < 1) $error("tx_engine (%m): TAG_W must be at least 1");
    // Ring offsets below are slot * 16 (a 4-bit shift), a read batch 16 bytes a descriptor.
    if (DESC_B != 16 || nic_fmt_pkg::TX_CPL_BYTES != 16) begin
      $error("tx_engine (%m): transmit descriptors and completions must be 16 bytes");
    end
    if (DESC_BATCH < 1 || DESC_BATCH > DESC_DEPTH) begin
      $error("tx_engine (%m): DESC_BATCH must be 1..DESC_DEPTH");
    end
  end

  // =========================================================================================
  // Per-queue state
  // =========================================================================================
  logic [NUM_TXQ*16-1:0] fidx_q, fidx_d;   // descriptors fetched (= completion index)
  logic [NUM_TXQ*16-1:0] done_q, done_d;   // completions written (= CONS = CQ_PROD)
  logic [NUM_TXQ-1:0]    en_prev_q;
  logic [NUM_TXQ-1:0]    armed_q, armed_d, timer_q, timer_d, fire_q, fire_d;
  logic [NUM_TXQ*32-1:0] tcnt_q, tcnt_d;

  // =========================================================================================
  // FIFOs
  // =========================================================================================
  // fetch records: {queue, first index, count} per descriptor read in flight
  localparam int FR_W = QW + 16 + DC_W;
  logic            fr_push, fr_ready, fr_valid, fr_pop;
  logic [FR_W-1:0] fr_in, fr_out;
  logic [DC_W-1:0] unused_fr_cnt;
  sync_fifo #(.WIDTH(FR_W), .DEPTH(DESC_DEPTH)) u_fetch_rec (
    .clk(clk), .rst(rst), .s_valid(fr_push), .s_ready(fr_ready), .s_data(fr_in),
    .m_valid(fr_valid), .m_ready(fr_pop), .m_data(fr_out), .count(unused_fr_cnt));

  // descriptors: {queue, index, descriptor}
  localparam int DS_W = QW + 16 + DESC_W;
  logic            ds_push, ds_ready, ds_valid, ds_pop;
  logic [DS_W-1:0] ds_in, ds_out;
  logic [DC_W-1:0] unused_ds_cnt;
  sync_fifo #(.WIDTH(DS_W), .DEPTH(DESC_DEPTH)) u_desc (
    .clk(clk), .rst(rst), .s_valid(ds_push), .s_ready(ds_ready), .s_data(ds_in),
    .m_valid(ds_valid), .m_ready(ds_pop), .m_data(ds_out), .count(unused_ds_cnt));

  // completion order: {queue, index, is_frame, status[1:0]}
  localparam int OR_W = QW + 16 + 3;
  localparam int FC_W = $clog2(FRAME_DEPTH) + 1;
  logic            or_push, or_ready, or_valid, or_pop;
  logic [OR_W-1:0] or_in, or_out;
  logic [FC_W-1:0] unused_or_cnt;
  sync_fifo #(.WIDTH(OR_W), .DEPTH(FRAME_DEPTH)) u_order (
    .clk(clk), .rst(rst), .s_valid(or_push), .s_ready(or_ready), .s_data(or_in),
    .m_valid(or_valid), .m_ready(or_pop), .m_data(or_out), .count(unused_or_cnt));

  // frame info for the snoop: {len, check, vnic index, vport}
  localparam int FI_W = 16 + 1 + VW + 8;
  logic            fi_push, fi_ready, fi_valid, fi_pop;
  logic [FI_W-1:0] fi_in, fi_out;
  logic [FC_W-1:0] unused_fi_cnt;
  sync_fifo #(.WIDTH(FI_W), .DEPTH(FRAME_DEPTH)) u_finfo (
    .clk(clk), .rst(rst), .s_valid(fi_push), .s_ready(fi_ready), .s_data(fi_in),
    .m_valid(fi_valid), .m_ready(fi_pop), .m_data(fi_out), .count(unused_fi_cnt));

  // verdicts: {spoofed, vport}
  logic            vd_push, vd_ready, vd_valid, vd_pop;
  logic [8:0]      vd_in, vd_out;
  logic [FC_W-1:0] unused_vd_cnt;
  sync_fifo #(.WIDTH(9), .DEPTH(FRAME_DEPTH)) u_verdict (
    .clk(clk), .rst(rst), .s_valid(vd_push), .s_ready(vd_ready), .s_data(vd_in),
    .m_valid(vd_valid), .m_ready(vd_pop), .m_data(vd_out), .count(unused_vd_cnt));

  // frames handed over / dropped: {spoofed}
  logic            fd_push, fd_ready, fd_valid, fd_pop;
  logic [0:0]      fd_in, fd_out;
  logic [FC_W-1:0] unused_fd_cnt;
  sync_fifo #(.WIDTH(1), .DEPTH(FRAME_DEPTH)) u_fdone (
    .clk(clk), .rst(rst), .s_valid(fd_push), .s_ready(fd_ready), .s_data(fd_in),
    .m_valid(fd_valid), .m_ready(fd_pop), .m_data(fd_out), .count(unused_fd_cnt));

  // completion writes in flight: {queue}
  logic            wt_push, wt_ready, wt_valid, wt_pop;
  logic [QW-1:0]   wt_in, wt_out;
  logic [FC_W-1:0] unused_wt_cnt;
  sync_fifo #(.WIDTH(QW), .DEPTH(FRAME_DEPTH)) u_wtrack (
    .clk(clk), .rst(rst), .s_valid(wt_push), .s_ready(wt_ready), .s_data(wt_in),
    .m_valid(wt_valid), .m_ready(wt_pop), .m_data(wt_out), .count(unused_wt_cnt));

  // hold FIFO: frame beats {last, keep, data}
  localparam int HB_W = 1 + KEEP_W + DATA_W;
  localparam int HC_W = $clog2(HOLD_DEPTH) + 1;
  logic            hb_push, hb_ready, hb_valid, hb_pop;
  logic [HB_W-1:0] hb_in, hb_out;
  logic [HC_W-1:0] unused_hb_cnt;
  sync_fifo #(.WIDTH(HB_W), .DEPTH(HOLD_DEPTH)) u_hold (
    .clk(clk), .rst(rst), .s_valid(hb_push), .s_ready(hb_ready), .s_data(hb_in),
    .m_valid(hb_valid), .m_ready(hb_pop), .m_data(hb_out), .count(unused_hb_cnt));

  // =========================================================================================
  // DMA read request register (stage B has priority over stage A)
  // =========================================================================================
  logic             rq_valid_q, rq_valid_d;
  logic [63:0]      rq_addr_q, rq_addr_d;
  logic [15:0]      rq_len_q, rq_len_d;
  logic             rq_frame_q, rq_frame_d;
  logic             rq_free;
  logic [DC_W-1:0]  dcnt_q, dcnt_d;     // descriptor reads issued, not yet decoded

  assign rq_free        = !rq_valid_q || m_rd_req_ready;
  assign m_rd_req_valid = rq_valid_q;
  assign m_rd_req_addr  = rq_addr_q;
  assign m_rd_req_len   = rq_len_q;
  assign m_rd_req_tag   = {{(TAG_W-1){1'b0}}, rq_frame_q};

  // ---- stage B: decode the head descriptor
  logic [QW-1:0]  b_q;
  logic [15:0]    b_idx;
  nic_fmt_pkg::tx_desc_t b_desc;
  logic [15:0]    b_len;
  logic           b_ovr;
  logic [7:0]     b_ovr_vport, b_owner;
  logic           b_owner_ok, b_ovr_ok, b_bad_len, b_bad_ovr, b_go, b_check;
  logic [7:0]     b_vport;
  logic [7:0]     b_vidx8;

  assign {b_q, b_idx, b_desc} = ds_out;
  assign b_len       = b_desc.len;
  assign b_ovr       = b_desc.flags.vport_override;
  assign b_ovr_vport = b_desc.override_vport;
  assign b_owner     = cfg_txq_vport[32'(b_q)*8 +: 8];
  assign b_owner_ok  = (b_owner == 8'd255) || (b_owner >= 8'd1 && 32'(b_owner) <= NUM_VNIC);
  assign b_ovr_ok    = 32'(b_ovr_vport) <= NUM_VNIC;
  assign b_bad_len   = (b_len == 16'd0) || (b_len > cfg_tx_max_frame);
  assign b_bad_ovr   = !b_owner_ok || (b_ovr && (b_owner != 8'd255 || !b_ovr_ok));
  assign b_check     = !b_ovr && b_owner != 8'd255;
  assign b_vport     = b_ovr ? b_ovr_vport : b_owner;
  assign b_vidx8     = b_owner - 8'd1;
  // Stage B takes the head when the request register, the order and frame-info FIFOs have room;
  // when stage A also wants the request register, the two take turns (so descriptor
  // prefetch goes on while frames are being requested).
  logic a_want, b_want, turn_a_q;
  assign b_want      = ds_valid && rq_free && or_ready && fi_ready;
  assign b_go        = b_want && !(a_want && turn_a_q);
  assign ds_pop      = b_go;
  assign or_push     = b_go;
  assign or_in       = {b_q, b_idx, !(b_bad_len || b_bad_ovr),
                        b_bad_len ? 2'(nic_fmt_pkg::TX_STATUS_BAD_LENGTH)
                        : (b_bad_ovr ? 2'(nic_fmt_pkg::TX_STATUS_BAD_OVERRIDE)
                                     : 2'(nic_fmt_pkg::TX_STATUS_OK))};
  assign fi_push     = b_go && !b_bad_len && !b_bad_ovr;
  assign fi_in       = {b_len, b_check, b_vidx8[VW-1:0], b_vport};

  // ---- stage A: descriptor fetch, four registered steps a batch (so the queue's choice,
  // its configuration by index, the batch size and the request are not one chain of logic):
  //   A0 pick:   round robin over the queues that were eligible a clock before (a register)
  //              and are not in A1..A3 now; the pick is registered (A1) when A1 is empty. A
  //              queue that has just stopped being eligible may still be picked: A1 and A2
  //              compute from the current state and drop it.
  //   A1 select: the picked queue's configuration and index, and from them the three limits
  //              of a batch (posted descriptors, free completion slots, slots to the ring's
  //              end); into A2 when A2 is empty.
  //   A2 size:   the batch size, min(DESC_BATCH, the limits), each limit saturated at
  //              DESC_BATCH first so the minimum is over a few bits; into A3 when A3 is
  //              empty. A batch of 0 (the queue is no longer eligible) is dropped.
  //   A3 issue:  waits for the request register and for credits for the whole batch (one DMA
  //              read slot per batch) rather than splitting it.
  // A queue is in at most one of A1..A3 and only A3's request advances its fidx, so the index
  // A1 reads is the one A3 uses. A queue whose enable falls or rises while it is in A1..A3
  // (the rising edge restarts its indices) is dropped from the stage it is in.
  logic [NUM_TXQ-1:0] elig, elig_q, a_grant, a_busy, unused_a_last;
  logic               a_go;
  logic [QW-1:0]      a_pick;

  logic [4:0]  e_sl;
  logic [15:0] e_used;
  logic [16:0] e_entries;
  always_comb begin
    e_sl      = '0;
    e_used    = '0;
    e_entries = '0;
    for (int i = 0; i < NUM_TXQ; i++) begin
      e_sl      = cfg_txq_size_log2[i*5 +: 5];
      e_used    = fidx_q[i*16 +: 16] - cfg_txq_cq_cons[i*16 +: 16];
      e_entries = 17'd1 << e_sl;
      elig[i]   = cfg_enable && cfg_txq_enable[i] && en_prev_q[i] && e_sl >= 5'd4 &&
                  e_sl <= 5'd15 && fidx_q[i*16 +: 16] != cfg_txq_prod[i*16 +: 16] &&
                  {1'b0, e_used} < e_entries;
    end
  end

  // The stage registers (queue number and one-hot, and what the stage carries).
  logic               p1_valid_q, p2_valid_q, p3_valid_q;
  logic [QW-1:0]      p1_q_q, p2_q_q, p3_q_q;
  logic [NUM_TXQ-1:0] p1_oh_q, p2_oh_q, p3_oh_q;
  logic               p2_ok_q;
  logic [15:0]        p2_idx_q, p2_slot_q, p3_idx_q;
  logic [16:0]        p2_avail_q, p2_cqfree_q, p2_toend_q;
  logic [63:0]        p2_base_q, p3_addr_q;
  logic [DC_W-1:0]    p3_n_q;
  logic               p1_live, p2_live, p3_live;
  assign a_busy  = (p1_valid_q ? p1_oh_q : '0) | (p2_valid_q ? p2_oh_q : '0) |
                   (p3_valid_q ? p3_oh_q : '0);
  assign p1_live = cfg_enable && |(p1_oh_q & cfg_txq_enable & en_prev_q);
  assign p2_live = cfg_enable && |(p2_oh_q & cfg_txq_enable & en_prev_q);
  assign p3_live = cfg_enable && |(p3_oh_q & cfg_txq_enable & en_prev_q);

  // A0: after reset as if queue 0 had been served last.
  rr_arb #(.N(NUM_TXQ), .RESET_LAST(0)) u_fetch_arb (
    .clk       (clk),
    .rst       (rst),
    .req       (elig_q & ~a_busy),
    .advance   (!p1_valid_q),
    .grant     (a_grant),
    .grant_idx (a_pick),
    .last      (unused_a_last)
  );

  // A1: the picked queue's values (an AND-OR by its one-hot) and the three limits
  logic [4:0]  s1_sl;
  logic [15:0] s1_idx, s1_cons, s1_prod, s1_mask, s1_used;
  logic [16:0] s1_ent;
  logic [63:0] s1_base;
  always_comb begin
    s1_sl   = '0;
    s1_idx  = '0;
    s1_cons = '0;
    s1_prod = '0;
    s1_base = '0;
    for (int i = 0; i < NUM_TXQ; i++) begin
      s1_sl   = s1_sl   | (p1_oh_q[i] ? cfg_txq_size_log2[i*5 +: 5] : 5'd0);
      s1_idx  = s1_idx  | (p1_oh_q[i] ? fidx_q[i*16 +: 16] : 16'd0);
      s1_cons = s1_cons | (p1_oh_q[i] ? cfg_txq_cq_cons[i*16 +: 16] : 16'd0);
      s1_prod = s1_prod | (p1_oh_q[i] ? cfg_txq_prod[i*16 +: 16] : 16'd0);
      s1_base = s1_base | (p1_oh_q[i] ? cfg_txq_ring_base[i*64 +: 64] : 64'd0);
    end
    s1_ent  = 17'd1 << s1_sl;
    for (int k = 0; k < 16; k++) s1_mask[k] = 5'(k) < s1_sl;
    s1_used = s1_idx - s1_cons;
  end

  // A2: v saturated at DESC_BATCH, in DC_W bits
  function automatic logic [DC_W-1:0] sat_batch(input logic [16:0] v);
    sat_batch = (v >= 17'(DESC_BATCH)) ? DC_W'(DESC_BATCH) : DC_W'(v);
  endfunction
  logic [DC_W-1:0] s2_avail, s2_cqfree, s2_toend, s2_n;
  logic [63:0]     s2_addr;
  always_comb begin
    s2_avail  = sat_batch(p2_avail_q);
    s2_cqfree = sat_batch(p2_cqfree_q);
    s2_toend  = sat_batch(p2_toend_q);
    // the minimum of three: the pairwise compares side by side, then one select
    if (s2_avail <= s2_cqfree && s2_avail <= s2_toend) s2_n = s2_avail;
    else if (s2_cqfree <= s2_toend)                    s2_n = s2_cqfree;
    else                                               s2_n = s2_toend;
    s2_addr   = p2_base_q + {44'd0, p2_slot_q, 4'd0};
  end

  // A3
  logic [DC_W:0] a_cred;
  logic          a_credit_ok;
  assign a_cred      = (DC_W+1)'(DESC_DEPTH) - (DC_W+1)'(dcnt_q);
  assign a_credit_ok = a_cred >= (DC_W+1)'(p3_n_q);
  assign a_want      = p3_valid_q && p3_live && rq_free && fr_ready && a_credit_ok;
  assign a_go        = a_want && !b_go;
  assign fr_push     = a_go;
  assign fr_in       = {p3_q_q, p3_idx_q, p3_n_q};

  always_ff @(posedge clk) begin
    if (rst) begin
      elig_q     <= '0;
      p1_valid_q <= 1'b0;
      p2_valid_q <= 1'b0;
      p3_valid_q <= 1'b0;
    end else begin
      elig_q <= elig;
      if (!p1_valid_q) p1_valid_q <= a_grant != '0;
      else if (!p2_valid_q) p1_valid_q <= 1'b0;
      if (!p2_valid_q) p2_valid_q <= p1_valid_q && p1_live;
      else if (!p3_valid_q || !p2_live) p2_valid_q <= 1'b0;
      if (!p3_valid_q) p3_valid_q <= p2_valid_q && p2_live && p2_ok_q && s2_n != '0;
      else if (a_go || !p3_live) p3_valid_q <= 1'b0;
    end
    if (!p1_valid_q) begin
      p1_q_q  <= a_pick;
      p1_oh_q <= a_grant;
    end
    if (!p2_valid_q) begin
      p2_q_q     <= p1_q_q;
      p2_oh_q    <= p1_oh_q;
      p2_ok_q     <= s1_sl >= 5'd4 && s1_sl <= 5'd15 && {1'b0, s1_used} < s1_ent;
      p2_idx_q    <= s1_idx;
      p2_slot_q   <= s1_idx & s1_mask;
      p2_avail_q  <= {1'b0, s1_prod - s1_idx};
      p2_cqfree_q <= s1_ent - {1'b0, s1_used};
      p2_toend_q  <= s1_ent - {1'b0, s1_idx & s1_mask};
      p2_base_q   <= s1_base;
    end
    if (!p3_valid_q) begin
      p3_q_q    <= p2_q_q;
      p3_oh_q   <= p2_oh_q;
      p3_idx_q  <= p2_idx_q;
      p3_n_q    <= s2_n;
      p3_addr_q <= s2_addr;
    end
  end

  always_comb begin
    rq_valid_d = rq_valid_q && !m_rd_req_ready;
    rq_addr_d  = rq_addr_q;
    rq_len_d   = rq_len_q;
    rq_frame_d = rq_frame_q;
    if (fi_push) begin
      rq_valid_d = 1'b1;
      rq_addr_d  = b_desc.buf_addr;
      rq_len_d   = b_len;
      rq_frame_d = 1'b1;
    end else if (a_go) begin
      rq_valid_d = 1'b1;
      rq_addr_d  = p3_addr_q;
      rq_len_d   = 16'({p3_n_q, 4'd0});
      rq_frame_d = 1'b0;
    end
    dcnt_d = dcnt_q + (a_go ? p3_n_q : DC_W'(0)) - DC_W'(b_go);
  end

  // =========================================================================================
  // DMA read data: descriptors (tag 0) and frames (tag 1)
  // =========================================================================================
  logic        rd_is_frame, rd_desc_hs, rd_frame_hs, frame_ready;
  logic [DESC_W-1:0] desc_word;
  assign rd_is_frame = s_rd_tag[0];
  logic         desc_tready;   // s_rd_tready for a descriptor beat
  assign s_rd_tready = rd_is_frame ? frame_ready : desc_tready;
  assign rd_desc_hs  = s_rd_tvalid && s_rd_tready && !rd_is_frame;
  assign rd_frame_hs = s_rd_tvalid && s_rd_tready && rd_is_frame;

  // The read of a batch is split into descriptors, one per clock into the descriptor FIFO.
  logic [QW-1:0]   r_q;
  logic [15:0]     r_idx;
  logic [DC_W-1:0] r_n, dk_q, dk_d;   // descriptors of the batch already pushed
  logic            d_last;            // this push is the batch's last descriptor
  assign {r_q, r_idx, r_n} = fr_out;
  assign d_last = (dk_q + DC_W'(1)) == r_n;
  assign dk_d   = ds_push ? (d_last ? DC_W'(0) : dk_q + DC_W'(1)) : dk_q;

  generate
    if (DATA_W >= DESC_W) begin : g_desc_wide
      // DPB descriptors per beat; the beat is taken with its last descriptor.
      localparam int DPB  = DATA_W / DESC_W;
      localparam int SB_W = (DPB > 1) ? $clog2(DPB) : 1;
      logic [SB_W-1:0] dsub_q;
      logic            beat_done;
      assign beat_done   = d_last || 32'(dsub_q) == DPB - 1;
      assign desc_word   = s_rd_tdata[32'(dsub_q)*DESC_W +: DESC_W];
      assign ds_push     = s_rd_tvalid && !rd_is_frame && ds_ready && fr_valid;
      assign desc_tready = ds_ready && fr_valid && beat_done;
      always_ff @(posedge clk) begin
        if (rst) dsub_q <= '0;
        else if (ds_push) dsub_q <= beat_done ? '0 : dsub_q + SB_W'(1);
      end
    end else begin : g_desc_narrow
      // DATA_W 64: two beats per descriptor; the first is held.
      logic [63:0] dlo_q;
      logic        half_q;
      assign desc_word   = {s_rd_tdata[63:0], dlo_q};
      assign ds_push     = rd_desc_hs && half_q;
      assign desc_tready = ds_ready && fr_valid;
      always_ff @(posedge clk) begin
        if (rd_desc_hs && !half_q) dlo_q <= s_rd_tdata[63:0];
        if (rst) half_q <= 1'b0;
        else if (rd_desc_hs) half_q <= !half_q;
      end
    end
  endgenerate

  assign ds_in  = {r_q, r_idx + 16'(dk_q), desc_word};
  assign fr_pop = ds_push && d_last;

  // ---- snoop: header capture and the anti-spoof verdict
  logic [HDR_W-1:0] hdr_q, hdr_d;
  logic [FB_W-1:0]  fb_q, fb_d;
  logic             trig_done_q, trig_done_d, dec_q, dec_d, trig;

  assign frame_ready = hb_ready && (!dec_q || vd_ready);
  assign hb_push     = rd_frame_hs;
  assign hb_in       = {s_rd_tlast, s_rd_tkeep, s_rd_tdata};
  assign trig        = rd_frame_hs && !trig_done_q &&
                       (s_rd_tlast || fb_q == FB_W'(HDR_BEATS - 1));

  // hdr_q with the current beat written at its place in the header
  logic [HDR_W-1:0] hdr_cap;
  generate
    if (DATA_W >= HDR_W) begin : g_hdr_wide
      assign hdr_cap = s_rd_tdata[HDR_W-1:0];
    end else begin : g_hdr_narrow
      always_comb begin
        hdr_cap = hdr_q;
        hdr_cap[32'(fb_q)*DATA_W +: DATA_W] = s_rd_tdata;
      end
    end
  endgenerate

  always_comb begin
    hdr_d       = hdr_q;
    fb_d        = fb_q;
    trig_done_d = trig_done_q;
    if (rd_frame_hs) begin
      if (fb_q < FB_W'(HDR_BEATS)) begin
        hdr_d = hdr_cap;
        fb_d  = fb_q + FB_W'(1);
      end
      if (trig) trig_done_d = 1'b1;
      if (s_rd_tlast) begin
        fb_d        = '0;
        trig_done_d = 1'b0;
      end
    end
    dec_d = (dec_q && !vd_ready) || trig;
  end

  // The verdict on hdr_q for the frame at the head of the frame-info FIFO. The L3 header
  // starts at byte 14, 18 or 22 (0, 1 or 2 VLAN tags): the checks are made for each of the
  // three places side by side and the place's result chosen at the end (rather than choosing
  // the 320-bit header first and checking after, a chain of the tag tests, the choice, the
  // length arithmetic and the compares).
  logic [15:0]  s_len;
  logic         s_check;
  logic [VW-1:0] s_vidx;
  logic [7:0]   s_vport;
  logic         spoofed;
  assign {s_len, s_check, s_vidx, s_vport} = fi_out;

  logic [2:0]   l3_at, bad_at;        // per place k: the L3 header is at 14 + 4k; its verdict
  logic [2:0]   vl;
  logic         bad_mac, arp_ok, v4_ok, v6_ok, ll;
  logic [15:0]  et, rem;
  logic [319:0] l3b;
  logic [47:0]  fmac;
  logic [31:0]  spa, src4;
  logic [127:0] src6;
  logic [5:0]   ihl4;
  logic         sc, c4, c6;
  logic [47:0]  vmac;
  logic [31:0]  vip4;
  logic [127:0] vip6;
  logic [31:0]  vi;
  always_comb begin
    vi   = (32'(s_vidx) < 32'(NUM_VNIC)) ? 32'(s_vidx) : 32'd0;
    sc   = cfg_vnic_spoof_check[vi];
    c4   = cfg_vnic_ipv4_check[vi];
    c6   = cfg_vnic_ipv6_check[vi];
    vmac = cfg_vnic_mac[vi*48 +: 48];
    vip4 = cfg_vnic_ipv4[vi*32 +: 32];
    vip6 = cfg_vnic_ipv6[vi*128 +: 128];

    // tag k at bytes 12 + 4k; a third tag or a truncated one: no L3 header (as the parser)
    for (int k = 0; k < 3; k++) vl[k] = nic_pkg::is_tpid({hdr_q[8*(12 + 4*k) +: 8],
                                                          hdr_q[8*(13 + 4*k) +: 8]});
    l3_at[0] = s_len >= 16'd14 && !vl[0];
    l3_at[1] = s_len >= 16'd18 && vl[0] && !vl[1];
    l3_at[2] = s_len >= 16'd22 && vl[0] && vl[1] && !vl[2];

    et = '0; rem = '0; l3b = '0; spa = '0; src4 = '0; src6 = '0; ihl4 = '0;
    arp_ok = 1'b0; v4_ok = 1'b0; v6_ok = 1'b0; ll = 1'b0;
    for (int k = 0; k < 3; k++) begin
      et   = {hdr_q[8*(12 + 4*k) +: 8], hdr_q[8*(13 + 4*k) +: 8]};
      l3b  = hdr_q[8*(14 + 4*k) +: 320];           // l3b: byte i at [8*i +: 8]
      rem  = s_len - 16'(14 + 4*k);
      for (int i = 0; i < 4; i++) spa[31 - 8*i -: 8] = l3b[(14 + i)*8 +: 8];
      for (int i = 0; i < 4; i++) src4[31 - 8*i -: 8] = l3b[(12 + i)*8 +: 8];
      for (int i = 0; i < 16; i++) src6[127 - 8*i -: 8] = l3b[(8 + i)*8 +: 8];
      ihl4   = {l3b[3:0], 2'b00};
      arp_ok = et == nic_pkg::ETHERTYPE_ARP && rem >= 16'd28 &&
               {l3b[7:0], l3b[15:8]} == nic_pkg::ARP_HTYPE_ETH &&
               {l3b[23:16], l3b[31:24]} == nic_pkg::ETHERTYPE_IPV4 && l3b[39:32] == 8'd6 &&
               l3b[47:40] == 8'd4;
      v4_ok  = et == nic_pkg::ETHERTYPE_IPV4 && rem >= 16'd20 && l3b[7:4] == 4'd4 &&
               ihl4 >= 6'd20 && rem >= {10'd0, ihl4} &&
               {l3b[23:16], l3b[31:24]} >= {10'd0, ihl4};
      v6_ok  = et == nic_pkg::ETHERTYPE_IPV6 && rem >= 16'd40 && l3b[7:4] == 4'd6;
      ll     = src6[127:120] == 8'hfe && src6[119:118] == 2'b10;
      bad_at[k] = (c4 && ((arp_ok && spa != vip4) || (v4_ok && src4 != vip4))) ||
                  (c6 && v6_ok && src6 != vip6 && !ll);
    end
    for (int i = 0; i < 6; i++) fmac[47 - 8*i -: 8] = hdr_q[8*(6 + i) +: 8];
    bad_mac = sc && (s_len < 16'd14 || fmac != vmac);
    spoofed = s_check && (bad_mac || |(l3_at & bad_at));
  end

  assign vd_push = dec_q && vd_ready;
  assign vd_in   = {spoofed, s_vport};
  assign fi_pop  = vd_push;

  // =========================================================================================
  // Output: the hold FIFO's beats leave (verdict ok) or are discarded (spoofed)
  // =========================================================================================
  logic        o_spoof, o_last;
  logic [7:0]  o_vport;
  assign {o_spoof, o_vport} = vd_out;
  assign o_last        = hb_out[HB_W-1];
  assign m_axis_tdata  = hb_out[DATA_W-1:0];
  assign m_axis_tkeep  = hb_out[DATA_W +: KEEP_W];
  assign m_axis_tlast  = o_last;
  assign m_axis_vport  = o_vport;
  assign m_axis_tvalid = hb_valid && vd_valid && !o_spoof && fd_ready;
  assign hb_pop        = hb_valid && vd_valid && fd_ready && (o_spoof || m_axis_tready);
  assign vd_pop        = hb_pop && o_last;
  assign fd_push       = vd_pop;
  assign fd_in         = o_spoof;

  // =========================================================================================
  // Stage C: completions in descriptor order
  // =========================================================================================
  logic             c_busy_q, c_busy_d, c_req_q, c_req_d, c_fin, c_load;
  logic [1:0]       c_beats_q, c_beats_d;   // data beats still to send
  logic [QW-1:0]    c_qn_q, c_qn_d;
  logic [63:0]      c_addr_q, c_addr_d;
  logic [nic_fmt_pkg::TX_CPL_W-1:0] c_data_q, c_data_d;
  logic [QW-1:0]    h_q;
  logic [15:0]      h_idx;
  logic             h_frame;
  logic [1:0]       h_status;
  logic             req_hs, beat_hs;

  assign {h_q, h_idx, h_frame, h_status} = or_out;
  assign req_hs  = c_req_q && m_wr_req_ready;
  assign beat_hs = (c_beats_q != 2'd0) && m_wr_tready;
  assign c_fin   = (!c_req_q || req_hs) && (c_beats_q == 2'd0 || (c_beats_q == 2'd1 && beat_hs));
  assign c_load  = (!c_busy_q || c_fin) && or_valid && (!h_frame || fd_valid) && wt_ready;
  assign or_pop  = c_load;
  assign fd_pop  = c_load && h_frame;
  assign wt_push = c_load;
  assign wt_in   = h_q;

  logic [4:0]  sl;
  logic [15:0] mask, slot;
  logic [7:0]  st;
  nic_fmt_pkg::tx_cpl_t cpl;
  always_comb begin
    c_busy_d  = c_busy_q && !c_fin;
    c_req_d   = c_req_q && !req_hs;
    c_beats_d = c_beats_q - 2'(beat_hs);
    c_qn_d    = c_qn_q;
    c_addr_d  = c_addr_q;
    c_data_d  = c_data_q;
    if (beat_hs && DATA_W < 128) c_data_d = {64'd0, c_data_q[127:64]};
    sl   = cfg_txq_size_log2[32'(h_q)*5 +: 5];
    mask = (16'd1 << sl) - 16'd1;
    slot = h_idx & mask;
    // A frame's status: spoof or OK (fd_out); a descriptor's: its check (h_status).
    st   = h_frame ? (fd_out[0] ? nic_fmt_pkg::TX_STATUS_SPOOF : nic_fmt_pkg::TX_STATUS_OK)
                   : 8'(h_status);
    cpl             = '0;
    cpl.slot        = slot;
    cpl.status      = st;
    cpl.flags.phase = ((h_idx >> sl) & 16'd1) == 16'd0;
    if (c_load) begin
      c_busy_d  = 1'b1;
      c_req_d   = 1'b1;
      c_beats_d = 2'(D16_BEATS);
      c_qn_d    = h_q;
      c_addr_d  = cfg_txq_cq_base[32'(h_q)*64 +: 64] + {44'd0, slot, 4'd0};
      c_data_d  = cpl;
    end
  end

  assign m_wr_req_valid = c_req_q;
  assign m_wr_req_addr  = c_addr_q;
  assign m_wr_req_len   = 16'(nic_fmt_pkg::TX_CPL_BYTES);
  assign m_wr_req_tag   = TAG_W'(c_qn_q);
  assign m_wr_tvalid    = c_beats_q != 2'd0;
  assign m_wr_tlast     = c_beats_q == 2'd1;
  generate
    if (DATA_W >= 128) begin : g_wd_wide
      assign m_wr_tdata = {{(DATA_W-128){1'b0}}, c_data_q};
      assign m_wr_tkeep = {{(KEEP_W-16){1'b0}}, 16'hffff};
    end else begin : g_wd_narrow
      assign m_wr_tdata = c_data_q[DATA_W-1:0];
      assign m_wr_tkeep = '1;
    end
  endgenerate

  assign s_wr_done_ready = 1'b1;
  assign wt_pop          = s_wr_done_valid;

  // =========================================================================================
  // Indices, interrupts, counters
  // =========================================================================================
  logic [63:0] c_frames_q, c_frames_d, c_bytes_q, c_bytes_d, c_bad_q, c_bad_d, c_spoof_q,
               c_spoof_d;

  logic [15:0] pending, mp;
  logic [31:0] mc;
  always_comb begin
    fidx_d  = fidx_q;
    done_d  = done_q;
    armed_d = armed_q;
    timer_d = timer_q;
    tcnt_d  = tcnt_q;
    fire_d  = '0;
    for (int i = 0; i < NUM_TXQ; i++) begin
      if (a_go && p3_oh_q[i]) fidx_d[i*16 +: 16] = p3_idx_q + 16'(p3_n_q);
    end
    if (wt_pop && wt_valid) done_d[32'(wt_out)*16 +: 16] = done_q[32'(wt_out)*16 +: 16] + 16'd1;
    pending = '0;
    mp      = '0;
    mc      = '0;
    for (int i = 0; i < NUM_TXQ; i++) begin
      pending = done_q[i*16 +: 16] - cfg_txq_cq_cons[i*16 +: 16];
      mp      = (cfg_txq_mod_pkts[i*16 +: 16] == 16'd0) ? 16'd1 : cfg_txq_mod_pkts[i*16 +: 16];
      mc      = cfg_txq_mod_cycles[i*32 +: 32];
      if (timer_q[i]) tcnt_d[i*32 +: 32] = tcnt_q[i*32 +: 32] + 32'd1;
      if (cfg_txq_enable[i] && !en_prev_q[i]) begin
        fidx_d[i*16 +: 16] = '0;
        done_d[i*16 +: 16] = '0;
        armed_d[i] = 1'b1;
        timer_d[i] = 1'b0;
      end else if (cfg_txq_cq_arm[i]) begin
        armed_d[i] = 1'b1;
        timer_d[i] = 1'b0;
      end else if (!armed_q[i] || !cfg_txq_irq_enable[i] || !cfg_txq_enable[i] ||
                   pending == 16'd0) begin
        timer_d[i] = 1'b0;
      end else if (pending >= mp) begin
        fire_d[i]  = 1'b1;
        armed_d[i] = 1'b0;
        timer_d[i] = 1'b0;
      end else if (mc != 32'd0) begin
        if (!timer_q[i]) begin
          timer_d[i] = 1'b1;
          tcnt_d[i*32 +: 32] = 32'd1;
        end else if (tcnt_q[i*32 +: 32] >= mc) begin
          fire_d[i]  = 1'b1;
          armed_d[i] = 1'b0;
          timer_d[i] = 1'b0;
        end
      end
    end
    c_frames_d = c_frames_q + 64'(vd_push);
    c_bytes_d  = c_bytes_q + (vd_push ? {48'd0, s_len} : 64'd0);
    c_spoof_d  = c_spoof_q + 64'(vd_push && spoofed);
    c_bad_d    = c_bad_q + 64'(b_go && (b_bad_len || b_bad_ovr));
  end

  logic [NUM_VECTORS-1:0] vec_q;
  always_comb begin
    for (int v = 0; v < NUM_VECTORS; v++) begin
      vec_q[v] = 1'b0;
      for (int i = 0; i < NUM_TXQ; i++) begin
        if (fire_q[i] && 32'(cfg_txq_irq_vector[i*8 +: 8]) == v) vec_q[v] = 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      fidx_q      <= '0;
      done_q      <= '0;
      en_prev_q   <= '0;
      armed_q     <= '1;
      timer_q     <= '0;
      tcnt_q      <= '0;
      fire_q      <= '0;
      rq_valid_q  <= 1'b0;
      dcnt_q      <= '0;
      dk_q        <= '0;
      turn_a_q    <= 1'b0;
      fb_q        <= '0;
      trig_done_q <= 1'b0;
      dec_q       <= 1'b0;
      c_busy_q    <= 1'b0;
      c_req_q     <= 1'b0;
      c_beats_q   <= '0;
      c_frames_q  <= '0;
      c_bytes_q   <= '0;
      c_bad_q     <= '0;
      c_spoof_q   <= '0;
    end else begin
      fidx_q      <= fidx_d;
      done_q      <= done_d;
      en_prev_q   <= cfg_txq_enable;
      armed_q     <= armed_d;
      timer_q     <= timer_d;
      tcnt_q      <= tcnt_d;
      fire_q      <= fire_d;
      rq_valid_q  <= rq_valid_d;
      dcnt_q      <= dcnt_d;
      dk_q        <= dk_d;
      if (a_want && b_want) turn_a_q <= !turn_a_q;
      fb_q        <= fb_d;
      trig_done_q <= trig_done_d;
      dec_q       <= dec_d;
      c_busy_q    <= c_busy_d;
      c_req_q     <= c_req_d;
      c_beats_q   <= c_beats_d;
      c_frames_q  <= c_frames_d;
      c_bytes_q   <= c_bytes_d;
      c_bad_q     <= c_bad_d;
      c_spoof_q   <= c_spoof_d;
    end
  end

  always_ff @(posedge clk) begin
    rq_addr_q  <= rq_addr_d;
    rq_len_q   <= rq_len_d;
    rq_frame_q <= rq_frame_d;
    hdr_q      <= hdr_d;
    c_qn_q     <= c_qn_d;
    c_addr_q   <= c_addr_d;
    c_data_q   <= c_data_d;
  end

  assign txq_cons        = done_q;
  assign txq_cq_prod     = done_q;
  assign irq_queue       = fire_q;
  assign irq_vector      = vec_q;
  assign cnt_tx_frames   = c_frames_q;
  assign cnt_tx_bytes    = c_bytes_q;
  assign cnt_tx_bad_desc = c_bad_q;
  assign cnt_spoof       = c_spoof_q;

  logic unused_ok;
  assign unused_ok = ^{fi_valid, rd_desc_hs, s_rd_err, s_wr_done_tag, s_wr_done_err, s_rd_tag,
                       b_desc.rsvd_13, b_desc.flags.rsvd_1, b_vidx8};

endmodule

`default_nettype wire
