// SPDX-License-Identifier: MIT
// rx_engine: the receive-queue engine (spec 7.1-7.4, docs/rtl-rx.md).
//
// Takes frames bound for a VNIC (dest 2) or the exception ring (dest 3) on s_axis, each with
// a flat record (s_rec_*) valid with its first beat, and delivers them to host rings through
// axi_dma's client ports: descriptor read (16 bytes), frame write, completion write (32
// bytes, spec 7.1 format with the phase bit) once the frame's write is done. Checks of 7.2
// in order (7.4 for the exception ring), per-VNIC byte quota with releases, interrupts with
// moderation (7.3), drop counters (spec 9).
//
// One frame decided at a time: IDLE -> CHECK -> descriptor (cache, else a DMA read of up to
// DESC_CACHE descriptors of the ring) -> DECIDE -> frame write (tag 0) -> next frame. Each
// written frame waits as a pending entry (up to MAX_PENDING): after its frame's done the
// completion writer writes its completion (tag 1); that completion's done commits CONS,
// CQ_PROD, the quota bytes and the delivered counter. A dropped frame's beats are consumed.
// Ring NUM_RXQ internally is the exception ring. docs/rtl-rx.md.
`resetall
`timescale 1ns/1ps
`default_nettype none

module rx_engine #(
  parameter int DATA_W = 512,
  parameter int NUM_RXQ = 8,
  parameter int NUM_VNIC = 4,
  parameter int NUM_VECTORS = 8,
  parameter int DESC_CACHE = 8,     // descriptors fetched per read and cached (one ring)
  parameter int MAX_PENDING = 8,    // frames written whose completion is not done yet
  parameter int KEEP_W = DATA_W / 8
) (
  input  wire                clk,
  input  wire                rst,

  // ---- frames (AXI4-Stream) and their record, valid with the first beat
  input  wire [DATA_W-1:0]   s_axis_tdata,
  input  wire [KEEP_W-1:0]   s_axis_tkeep,
  input  wire                s_axis_tvalid,
  output wire                s_axis_tready,
  input  wire                s_axis_tlast,
  input  wire [1:0]          s_rec_dest,        // 2 VNIC, 3 exception ring
  input  wire [7:0]          s_rec_vport,       // destination vport (1..NUM_VNIC)
  input  wire [7:0]          s_rec_src_vport,
  input  wire [2:0]          s_rec_reason,      // exception reason
  input  wire                s_rec_parse_err,
  input  wire                s_rec_mark_valid,
  input  wire [31:0]         s_rec_mark,
  input  wire [15:0]         s_rec_tcam_index,
  input  wire [31:0]         s_rec_h1,
  input  wire [63:0]         s_rec_ts,
  input  wire [15:0]         s_rec_len,
  input  wire [31:0]         s_rec_rss_hash,
  input  wire                s_rec_rss_valid,
  input  wire [7:0]          s_rec_rss_queue,
  input  wire [7:0]          s_rec_status,
  input  wire [7:0]          s_rec_types,
  input  wire [15:0]         s_rec_vlan_tci,

  // ---- receive queue configuration (register file)
  input  wire [NUM_RXQ*64-1:0] rxq_ring_base,
  input  wire [NUM_RXQ*64-1:0] rxq_cq_base,
  input  wire [NUM_RXQ*5-1:0]  rxq_size_log2,
  input  wire [NUM_RXQ-1:0]       rxq_enable,
  input  wire [NUM_RXQ*16-1:0] rxq_prod,
  input  wire [NUM_RXQ*16-1:0] rxq_cq_cons,
  input  wire [NUM_RXQ-1:0]       rxq_cq_arm,      // strobe
  input  wire [NUM_RXQ-1:0]       rxq_irq_en,      // IRQ.ENABLE of the ring
  input  wire [NUM_RXQ*8-1:0]  rxq_irq_vec,
  input  wire [NUM_RXQ*16-1:0] rxq_mod_pkts,
  input  wire [NUM_RXQ*32-1:0] rxq_mod_cycles,
  output wire [NUM_RXQ*16-1:0] rxq_cons,
  output wire [NUM_RXQ*16-1:0] rxq_cq_prod,

  // ---- exception ring (same fields)
  input  wire [63:0]         exc_ring_base,
  input  wire [63:0]         exc_cq_base,
  input  wire [4:0]          exc_size_log2,
  input  wire                exc_enable,
  input  wire [15:0]         exc_prod,
  input  wire [15:0]         exc_cq_cons,
  input  wire                exc_cq_arm,
  input  wire                exc_irq_en,
  input  wire [7:0]          exc_irq_vec,
  input  wire [15:0]         exc_mod_pkts,
  input  wire [31:0]         exc_mod_cycles,
  output wire [15:0]         exc_cons,
  output wire [15:0]         exc_cq_prod,

  // ---- VNICs
  input  wire [NUM_VNIC-1:0]       vnic_enable,
  input  wire [NUM_VNIC*16-1:0] vnic_rxq_base,
  input  wire [NUM_VNIC*16-1:0] vnic_rxq_count,
  input  wire [NUM_VNIC*32-1:0] vnic_quota_bytes,   // 0 = unlimited
  input  wire [NUM_VNIC-1:0]       vnic_quota_policy,  // 0 drop, 1 wait (treated as drop)
  input  wire [NUM_VNIC-1:0]       vnic_quota_release, // strobe
  input  wire [NUM_VNIC*32-1:0] vnic_quota_release_bytes,
  output wire [NUM_VNIC*32-1:0] vnic_quota_inflight,

  input  wire                irq_enable,        // global
  output wire [NUM_VECTORS-1:0] irq,            // one-clock pulses

  // ---- counters
  output wire [63:0]         cnt_out_vnic,
  output wire [63:0]         cnt_loopback,      // VNIC deliveries whose source is a VNIC
  output wire [63:0]         cnt_out_exc,
  output wire [63:0]         cnt_rx_no_desc,
  output wire [63:0]         cnt_rx_too_long,
  output wire [63:0]         cnt_rx_cq_full,
  output wire [63:0]         cnt_quota,
  output wire [63:0]         cnt_exc_full,
  output wire [63:0]         cnt_mirror,        // mirror copies (reason 5) delivered
  output wire [63:0]         cnt_mirror_drop,   // mirror copies not delivered

  // ---- axi_dma client ports
  output wire                m_rd_req_valid,
  input  wire                m_rd_req_ready,
  output wire [63:0]         m_rd_req_addr,
  output wire [15:0]         m_rd_req_len,
  input  wire [DATA_W-1:0]   s_rd_tdata,
  input  wire [KEEP_W-1:0]   s_rd_tkeep,
  input  wire                s_rd_tvalid,
  output wire                s_rd_tready,
  input  wire                s_rd_tlast,
  input  wire                s_rd_err,
  output wire                m_wr_req_valid,
  input  wire                m_wr_req_ready,
  output wire [63:0]         m_wr_req_addr,
  output wire [15:0]         m_wr_req_len,
  output wire [7:0]          m_wr_req_tag,      // 0 frame, 1 completion
  output wire [DATA_W-1:0]   m_wr_tdata,
  output wire [KEEP_W-1:0]   m_wr_tkeep,
  output wire                m_wr_tvalid,
  input  wire                m_wr_tready,
  output wire                m_wr_tlast,
  input  wire                s_wr_done_valid,
  output wire                s_wr_done_ready,
  input  wire [7:0]          s_wr_done_tag,
  input  wire                s_wr_done_err
);

  localparam int NR = NUM_RXQ + 1;              // rings: queues, then the exception ring
  localparam int RI_W = $clog2(NR);
  localparam int VI_W = (NUM_VNIC > 1) ? $clog2(NUM_VNIC) : 1;
  localparam int B = KEEP_W;
  localparam int CPL_W = (DATA_W > 256) ? DATA_W : 256;
  localparam int CPL_BEATS = (32 + B - 1) / B;
  localparam int CB_W = 3;
  localparam int DC_W = DESC_CACHE * 128;           // cache bits
  localparam int DCI_W = $clog2(DESC_CACHE);        // cache entry index
  localparam int DCB_W = $clog2(DC_W / DATA_W) + 1; // beat counter of a fill
  localparam logic [RI_W-1:0] EXC_RING = RI_W'(NUM_RXQ);
  localparam int VEC_IW = (NUM_VECTORS > 1) ? $clog2(NUM_VECTORS) : 1;

  initial begin
    if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512)
      $error("rx_engine: DATA_W (%0d) must be 64, 128, 256 or 512", DATA_W);
    if (NUM_VNIC < 1 || NUM_VNIC > 254) $error("rx_engine: NUM_VNIC out of range");
    if (NUM_RXQ < 1 || NUM_RXQ > 4096) $error("rx_engine: NUM_RXQ out of range");
    if (DESC_CACHE < 2 || DESC_CACHE > 16 || (DESC_CACHE & (DESC_CACHE - 1)) != 0 ||
        DESC_CACHE * 128 < DATA_W)
      $error("rx_engine: DESC_CACHE must be a power of two in 2..16, at least DATA_W/128");
    if (MAX_PENDING < 2 || MAX_PENDING > 16 || (MAX_PENDING & (MAX_PENDING - 1)) != 0)
      $error("rx_engine: MAX_PENDING must be a power of two in 2..16");
  end

  // Unused inputs: tkeep (the record's length rules), the DMA error flags (axi_dma counts
  // device errors itself), the timestamp's high half (the completion has its low 32 bits).
  /* verilator lint_off UNUSEDSIGNAL */
  wire unused_ok = ^{s_axis_tkeep, s_wr_done_tag[7:1], s_rd_tkeep, desc_q[127:96], s_rd_err, s_wr_done_err, s_rec_ts[63:32],
                     vnic_quota_policy};
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------------------------------
  // Rings as arrays (the exception ring last)
  // ---------------------------------------------------------------------------------------
  logic [NR*64-1:0] r_base, r_cq_base;
  logic [NR*5-1:0]  r_size;
  logic [NR-1:0]       r_en, r_arm, r_irq_en;
  logic [NR*16-1:0] r_prod, r_cq_cons, r_mod_pkts;
  logic [NR*8-1:0]  r_vec;
  logic [NR*32-1:0] r_mod_cyc;
  always_comb begin
    for (int i = 0; i < NUM_RXQ; i++) begin
      r_base[(i)*64 +: 64] = rxq_ring_base[i*64 +: 64];
      r_cq_base[(i)*64 +: 64] = rxq_cq_base[i*64 +: 64];
      r_size[(i)*5 +: 5] = rxq_size_log2[i*5 +: 5];
      r_en[i] = rxq_enable[i];
      r_prod[(i)*16 +: 16] = rxq_prod[i*16 +: 16];
      r_cq_cons[(i)*16 +: 16] = rxq_cq_cons[i*16 +: 16];
      r_arm[i] = rxq_cq_arm[i];
      r_irq_en[i] = rxq_irq_en[i];
      r_vec[(i)*8 +: 8] = rxq_irq_vec[i*8 +: 8];
      r_mod_pkts[(i)*16 +: 16] = rxq_mod_pkts[i*16 +: 16];
      r_mod_cyc[(i)*32 +: 32] = rxq_mod_cycles[i*32 +: 32];
    end
    r_base[(NUM_RXQ)*64 +: 64] = exc_ring_base;
    r_cq_base[(NUM_RXQ)*64 +: 64] = exc_cq_base;
    r_size[(NUM_RXQ)*5 +: 5] = exc_size_log2;
    r_en[NUM_RXQ] = exc_enable;
    r_prod[(NUM_RXQ)*16 +: 16] = exc_prod;
    r_cq_cons[(NUM_RXQ)*16 +: 16] = exc_cq_cons;
    r_arm[NUM_RXQ] = exc_cq_arm;
    r_irq_en[NUM_RXQ] = exc_irq_en;
    r_vec[(NUM_RXQ)*8 +: 8] = exc_irq_vec;
    r_mod_pkts[(NUM_RXQ)*16 +: 16] = exc_mod_pkts;
    r_mod_cyc[(NUM_RXQ)*32 +: 32] = exc_mod_cycles;
  end

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  typedef enum logic [3:0] {
    S_IDLE, S_CHECK, S_DREQ, S_DRD, S_DECIDE, S_WREQ, S_DATA, S_DROP
  } state_t;

  state_t st_q, st_d;
  // the record
  logic        exc_q, exc_d;
  logic [7:0]  vport_q, vport_d, src_q, src_d, rssq_q, rssq_d, status_q, status_d;
  logic [7:0]  types_q, types_d;
  logic [2:0]  reason_q, reason_d;
  logic        perr_q, perr_d, mkv_q, mkv_d, rssv_q, rssv_d;
  logic [31:0] mark_q, mark_d, h1_q, h1_d, hash_q, hash_d, ts_q, ts_d;
  logic [15:0] tcam_q, tcam_d, len_q, len_d, tci_q, tci_d;
  // the decision
  logic [RI_W-1:0] ring_q, ring_d;
  logic [VI_W-1:0] vi_q, vi_d;
  logic [127:0]    desc_q, desc_d;
  logic [CPL_W-1:0] cpl_q, cpl_d;
  logic [CB_W-1:0]  cbeat_q, cbeat_d;
  // the completion written and not yet done (at most one): committed at its done
  // Frames written whose completion is not yet done, oldest first (PF entries): pushed after
  // the frame's last beat, its completion written after the frame's done (tag 0), popped
  // (committed) at the completion's done (tag 1). Dones come in request order.
  localparam int PF = MAX_PENDING;
  localparam int PFI_W = $clog2(PF);
  localparam int IC_W = PFI_W + 1;
  logic [PF*256-1:0]      pe_cpl_q, pe_cpl_d;
  logic [PF*64-1:0]       pe_addr_q, pe_addr_d;
  logic [PF*RI_W-1:0]     pe_ring_q, pe_ring_d;
  logic [PF*VI_W-1:0]     pe_vi_q, pe_vi_d;
  logic [PF-1:0]          pe_exc_q, pe_exc_d, pe_mir_q, pe_mir_d;
  logic [PF*16-1:0]       pe_len_q, pe_len_d;
  logic [PFI_W-1:0]       ph_q;                 // head
  logic [PFI_W:0]         pcnt_q, fdone_q, cis_q; // entries, frames done, completions issued
  logic [NR*IC_W-1:0]        icnt_q;               // per ring: consumed, not committed
  logic [NUM_VNIC*32-1:0] pbytes_q;             // per VNIC: their bytes
  logic                   push, fdone_ev, cis_ev;
  logic [PFI_W-1:0]       pidx_w, cidx;
  logic [RI_W-1:0]        ring_h;
  logic [VI_W-1:0]        vi_h;
  logic                   exc_h, mir_h, lb_h;
  logic [7:0]             src_h;
  logic [15:0]            len_h;
  // completion writer
  typedef enum logic [1:0] {C_IDLE, C_REQ, C_DATA} cst_t;
  cst_t                   c_st_q, c_st_d;
  // descriptor cache: DESC_CACHE descriptors of one ring from absolute index dc_idx
  logic             dc_v_q, dc_v_d;
  logic [RI_W-1:0]  dc_ring_q, dc_ring_d;
  logic [15:0]      dc_idx_q, dc_idx_d;
  logic [DCI_W:0]   dc_n_q, dc_n_d, fn_q, fn_d;
  logic [DC_W-1:0]  dc_buf_q, dc_buf_d;
  logic [DCB_W-1:0] dc_beat_q, dc_beat_d;
  // ring indices, interrupt state
  logic [NR*16-1:0] cons_q, cons_d, cqp_q, cqp_d;
  logic [NR-1:0]       en_prev_q;
  logic [NR-1:0]       armed_q, armed_d, tmr_q, tmr_d;
  logic [NR*32-1:0] tcnt_q, tcnt_d;
  logic [NUM_VECTORS-1:0] irq_q, irq_d;
  logic [NUM_VNIC*32-1:0] infl_q, infl_d;
  // counters
  logic [63:0] c_vnic_q, c_exc_q, c_nodesc_q, c_toolong_q, c_cqfull_q, c_quota_q, c_excfull_q;
  logic [63:0] c_mir_q, c_mirdrop_q, c_lb_q;
  logic        inc_lb;
  logic inc_vnic, inc_exc, inc_nodesc, inc_toolong, inc_cqfull, inc_quota, inc_excfull;
  logic inc_mir, inc_mirdrop;
  // a mirror copy on the exception ring (spec 7.4: its failures count as mirror_drop)
  wire  mirror = exc_q && reason_q == nic_pkg::EXC_MIRROR;

  // ---------------------------------------------------------------------------------------
  // CHECK: spec 7.2 checks 1-4 (7.4 for the exception ring) on the latched record
  // ---------------------------------------------------------------------------------------
  logic             vport_ok;
  logic [(1 << RI_W)-1:0] r_en_x;  // r_en padded to the index range
  assign r_en_x = {{((1 << RI_W) - NR){1'b0}}, r_en};
  logic [VI_W-1:0]  vi_c;
  logic [16:0]      qn17;
  logic [RI_W-1:0]  qn_c, ring_c;
  logic             fail1, fail_quota, fail_nodesc, fail_cqfull;
  logic [16:0]      pend17;
  logic [32:0]      need33;

  function automatic logic size_ok(input logic [4:0] s);
    size_ok = (s >= 5'd4) && (s <= 5'd15);
  endfunction
  function automatic logic [15:0] mask_of(input logic [4:0] s);
    mask_of = 16'hFFFF >> (5'd16 - s);
  endfunction

  always_comb begin
    vport_ok = (vport_q >= 8'd1) && ({24'd0, vport_q} <= NUM_VNIC);
    vi_c = vport_ok ? VI_W'(vport_q - 8'd1) : '0;
    qn17 = {1'b0, vnic_rxq_base[vi_c*16 +: 16]} + {9'd0, rssq_q};
    qn_c = (qn17 < 17'(NUM_RXQ)) ? RI_W'(qn17) : '0;
    ring_c = exc_q ? EXC_RING : qn_c;
    fail1 = exc_q ? !(exc_enable && size_ok(exc_size_log2))
                  : (!vport_ok || !vnic_enable[vi_c] || {8'd0, rssq_q} >= vnic_rxq_count[vi_c*16 +: 16] ||
                     qn17 >= 17'(NUM_RXQ) || !r_en_x[qn_c] || !size_ok(r_size[(qn_c)*5 +: 5]));
    need33 = {1'b0, infl_q[(vi_c)*32 +: 32]} + {17'd0, len_q} + {1'b0, pbytes_q[vi_c*32 +: 32]};
    fail_quota = !exc_q && vnic_quota_bytes[vi_c*32 +: 32] != 32'd0 &&
                 need33 > {1'b0, vnic_quota_bytes[vi_c*32 +: 32]};
    fail_nodesc = cons_q[(ring_c)*16 +: 16] + {{(16 - IC_W){1'b0}}, icnt_q[ring_c*IC_W +: IC_W]} ==
                  r_prod[(ring_c)*16 +: 16];
    pend17 = {1'b0, cqp_q[(ring_c)*16 +: 16] + {{(16 - IC_W){1'b0}}, icnt_q[ring_c*IC_W +: IC_W]} -
                    r_cq_cons[(ring_c)*16 +: 16]};
    fail_cqfull = pend17 >= (17'd1 << r_size[(ring_c)*5 +: 5]);
  end

  // The completion entry (spec 7.1), built from the record and the ring's indices.
  logic [255:0] cpl_c;
  logic [15:0]  cons_e, cqp_e, slot_c, cslot_c;
  logic         phase_c;
  logic [7:0]   st_c;
  always_comb begin
    // (the pending completion, if on this ring, has consumed a descriptor already)
    cons_e = cons_q[(ring_q)*16 +: 16] + {{(16 - IC_W){1'b0}}, icnt_q[ring_q*IC_W +: IC_W]};
    cqp_e = cqp_q[(ring_q)*16 +: 16] + {{(16 - IC_W){1'b0}}, icnt_q[ring_q*IC_W +: IC_W]};
    slot_c = cons_e & mask_of(r_size[(ring_q)*5 +: 5]);
    cslot_c = cqp_e & mask_of(r_size[(ring_q)*5 +: 5]);
    phase_c = ((cqp_e >> r_size[(ring_q)*5 +: 5]) & 16'd1) == 16'd0;
    st_c = (status_q | {2'b00, rssv_q, mkv_q, 3'b000, perr_q}) & 8'h7F;
    cpl_c = '0;
    cpl_c[15:0]    = len_q;
    cpl_c[31:16]   = slot_c;
    cpl_c[63:32]   = rssv_q ? hash_q : 32'd0;
    cpl_c[95:64]   = mkv_q ? mark_q : 32'd0;
    cpl_c[111:96]  = st_c[3] ? tci_q : 16'd0;
    cpl_c[119:112] = st_c;
    cpl_c[127:120] = types_q;
    cpl_c[135:128] = src_q;
    cpl_c[143:136] = exc_q ? {5'd0, reason_q} : 8'd0;
    cpl_c[159:144] = tcam_q;
    cpl_c[191:160] = h1_q;
    cpl_c[223:192] = ts_q;
    cpl_c[255]     = phase_c;
  end

  // ---------------------------------------------------------------------------------------
  // Main FSM
  // ---------------------------------------------------------------------------------------
  assign ring_h = pe_ring_q[ph_q*RI_W +: RI_W];
  assign vi_h = pe_vi_q[ph_q*VI_W +: VI_W];
  assign exc_h = pe_exc_q[ph_q];
  assign mir_h = pe_mir_q[ph_q];
  assign src_h = pe_cpl_q[ph_q*256 + 128 +: 8];  // completion byte 16: source vport
  assign lb_h = src_h >= 8'd1 && src_h <= 8'(NUM_VNIC);
  assign len_h = pe_len_q[ph_q*16 +: 16];

  logic rd_req_v, wr_req_v, rd_rdy, done_rdy, wr_v, wr_last, s_rdy;
  logic [63:0] rd_addr, wr_addr;
  logic [15:0] wr_len;
  logic [7:0]  wr_tag;
  logic [DATA_W-1:0] wr_data;
  logic [KEEP_W-1:0] wr_keep;
  logic complete;   // the completion is visible: indices and counters advance
  // Descriptor cache lookup and the size of a fill (no wrap past the ring's end).
  logic [15:0]      dc_off, avail;
  logic [16:0]      to_end;
  logic             dc_hit;
  logic [DCI_W:0]   fill_n;
  always_comb begin
    dc_off = cons_e - dc_idx_q;
    dc_hit = dc_v_q && dc_ring_q == ring_q && dc_off < {{(15 - DCI_W){1'b0}}, dc_n_q};
    avail = r_prod[(ring_q)*16 +: 16] - cons_e;
    to_end = (17'd1 << r_size[(ring_q)*5 +: 5]) - {1'b0, slot_c};
    fill_n = (DCI_W + 1)'(DESC_CACHE);
    if (avail < 16'(DESC_CACHE)) fill_n = avail[DCI_W:0];
    if (to_end < 17'({1'b0, fill_n})) fill_n = to_end[DCI_W:0];
  end

  always_comb begin
    st_d = st_q;
    exc_d = exc_q; vport_d = vport_q; src_d = src_q; rssq_d = rssq_q; status_d = status_q;
    types_d = types_q; reason_d = reason_q; perr_d = perr_q; mkv_d = mkv_q; rssv_d = rssv_q;
    mark_d = mark_q; h1_d = h1_q; hash_d = hash_q; ts_d = ts_q; tcam_d = tcam_q;
    len_d = len_q; tci_d = tci_q;
    ring_d = ring_q; vi_d = vi_q; desc_d = desc_q; cpl_d = cpl_q; cbeat_d = cbeat_q;
    pe_cpl_d = pe_cpl_q; pe_addr_d = pe_addr_q; pe_ring_d = pe_ring_q; pe_vi_d = pe_vi_q;
    pe_exc_d = pe_exc_q; pe_mir_d = pe_mir_q; pe_len_d = pe_len_q; c_st_d = c_st_q;
    push = 1'b0; fdone_ev = 1'b0; cis_ev = 1'b0;
    pidx_w = ph_q + pcnt_q[PFI_W-1:0];
    cidx = ph_q + cis_q[PFI_W-1:0];
    dc_v_d = dc_v_q; dc_ring_d = dc_ring_q; dc_idx_d = dc_idx_q; dc_n_d = dc_n_q;
    dc_buf_d = dc_buf_q; dc_beat_d = dc_beat_q; fn_d = fn_q;
    inc_vnic = 1'b0; inc_exc = 1'b0; inc_nodesc = 1'b0; inc_toolong = 1'b0;
    inc_cqfull = 1'b0; inc_quota = 1'b0; inc_excfull = 1'b0; inc_mir = 1'b0; inc_mirdrop = 1'b0;
    inc_lb = 1'b0;
    rd_req_v = 1'b0; wr_req_v = 1'b0; rd_rdy = 1'b0; wr_v = 1'b0;
    wr_last = 1'b0; s_rdy = 1'b0; complete = 1'b0; wr_tag = 8'd0;
    // Write completions, in request order: tag 1 (a completion) commits the head entry,
    // tag 0 (a frame) lets the next entry's completion be written. done_rdy is always 1.
    done_rdy = 1'b1;
    if (s_wr_done_valid && s_wr_done_tag[0]) begin
      complete = 1'b1;
      if (mir_h) inc_mir = 1'b1;
      else if (exc_h) inc_exc = 1'b1;
      else begin
        inc_vnic = 1'b1;
        inc_lb = lb_h;
      end
    end
    if (s_wr_done_valid && !s_wr_done_tag[0]) fdone_ev = 1'b1;
    rd_addr = r_base[(ring_q)*64 +: 64] + {44'd0, slot_c, 4'd0};
    wr_addr = desc_q[63:0];
    wr_len = len_q;
    wr_data = s_axis_tdata;
    wr_keep = s_axis_tkeep;
    unique case (st_q)
      S_IDLE: if (s_axis_tvalid) begin
        exc_d = s_rec_dest == 2'd3;
        vport_d = s_rec_vport; src_d = s_rec_src_vport; rssq_d = s_rec_rss_queue;
        status_d = s_rec_status; types_d = s_rec_types; reason_d = s_rec_reason;
        perr_d = s_rec_parse_err; mkv_d = s_rec_mark_valid; rssv_d = s_rec_rss_valid;
        mark_d = s_rec_mark; h1_d = s_rec_h1; hash_d = s_rec_rss_hash; ts_d = s_rec_ts[31:0];
        tcam_d = s_rec_tcam_index; len_d = s_rec_len; tci_d = s_rec_vlan_tci;
        st_d = S_CHECK;
      end
      S_CHECK: begin
        ring_d = ring_c;
        vi_d = vi_c;
        st_d = S_DROP;
        if (exc_q) begin
          if (fail1 || fail_nodesc || fail_cqfull) begin
            if (mirror) inc_mirdrop = 1'b1;
            else inc_excfull = 1'b1;
          end
          else st_d = S_DREQ;
        end else if (fail1) inc_nodesc = 1'b1;
        else if (fail_quota) inc_quota = 1'b1;
        else if (fail_nodesc) inc_nodesc = 1'b1;
        else if (fail_cqfull) inc_cqfull = 1'b1;
        else st_d = S_DREQ;
      end
      S_DREQ: begin
        // the descriptor at CONS from the cache, else fetch up to DESC_CACHE from CONS
        if (dc_hit) begin
          desc_d = dc_buf_q[dc_off[DCI_W-1:0]*128 +: 128];
          st_d = S_DECIDE;
        end else begin
          rd_req_v = 1'b1;
          fn_d = fill_n;
          dc_beat_d = '0;
          if (m_rd_req_ready) st_d = S_DRD;
        end
      end
      S_DRD: begin
        rd_rdy = 1'b1;
        if (s_rd_tvalid) begin
          dc_buf_d[dc_beat_q*DATA_W +: DATA_W] = s_rd_tdata;
          dc_beat_d = dc_beat_q + 1'b1;
          if (s_rd_tlast) begin
            dc_v_d = 1'b1;
            dc_ring_d = ring_q;
            dc_idx_d = cons_e;
            dc_n_d = fn_q;
            st_d = S_DREQ;
          end
        end
      end
      S_DECIDE: begin
        if (desc_q[95:64] < {16'd0, len_q}) begin
          if (mirror) inc_mirdrop = 1'b1;
          else if (exc_q) inc_excfull = 1'b1;
          else inc_toolong = 1'b1;
          st_d = S_DROP;
        end else st_d = S_WREQ;
      end
      S_WREQ: begin
        // the write channel is free (no completion being written) and an entry is free
        wr_req_v = c_st_q == C_IDLE && pcnt_q != (PFI_W + 1)'(PF);
        if (wr_req_v && m_wr_req_ready) st_d = S_DATA;
      end
      S_DATA: begin
        wr_v = s_axis_tvalid;
        wr_last = s_axis_tlast;
        s_rdy = m_wr_tready;
        if (s_axis_tvalid && m_wr_tready && s_axis_tlast) begin
          push = 1'b1;
          pe_cpl_d[pidx_w*256 +: 256] = cpl_c;
          pe_addr_d[pidx_w*64 +: 64] = r_cq_base[(ring_q)*64 +: 64] + {43'd0, cslot_c, 5'd0};
          pe_ring_d[pidx_w*RI_W +: RI_W] = ring_q;
          pe_vi_d[pidx_w*VI_W +: VI_W] = vi_q;
          pe_exc_d[pidx_w] = exc_q;
          pe_mir_d[pidx_w] = mirror;
          pe_len_d[pidx_w*16 +: 16] = len_q;
          st_d = S_IDLE;
        end
      end
      S_DROP: begin
        s_rdy = 1'b1;
        if (s_axis_tvalid && s_axis_tlast) st_d = S_IDLE;
      end
      default: st_d = S_IDLE;
    endcase
    // ---- completion writer: the oldest entry whose frame is done and whose completion is
    // not written yet; it takes the write channel only while the frame path does not hold it
    unique case (c_st_q)
      // (not while the frame path offers or streams its write: its request stays offered)
      C_IDLE: if (cis_q < fdone_q && !(st_q == S_WREQ && wr_req_v) && st_q != S_DATA)
        c_st_d = C_REQ;
      C_REQ: begin
        wr_req_v = 1'b1;
        wr_addr = pe_addr_q[cidx*64 +: 64];
        wr_len = 16'd32;
        wr_tag = 8'd1;
        cpl_d = CPL_W'(pe_cpl_q[cidx*256 +: 256]);
        cbeat_d = '0;
        if (m_wr_req_ready) begin
          cis_ev = 1'b1;
          c_st_d = C_DATA;
        end
      end
      C_DATA: begin
        wr_v = 1'b1;
        wr_data = cpl_q[DATA_W-1:0];
        wr_keep = '1;
        wr_last = cbeat_q == CB_W'(CPL_BEATS - 1);
        if (m_wr_tready) begin
          cpl_d = cpl_q >> DATA_W;
          cbeat_d = cbeat_q + 1'b1;
          if (wr_last) c_st_d = C_IDLE;
        end
      end
      default: c_st_d = C_IDLE;
    endcase
    // a ring enabled (indices back to 0) invalidates the cache
    if ((r_en & ~en_prev_q) != '0) dc_v_d = 1'b0;
  end

  // ---------------------------------------------------------------------------------------
  // Indices, quota, interrupts (spec 7.3)
  // ---------------------------------------------------------------------------------------
  logic [15:0] pend_i, mp_i;
  logic        a_now;
  logic [32:0] rel_sub;
  logic [NR*IC_W-1:0]        icnt_d;
  logic [NUM_VNIC*32-1:0] pbytes_d;
  always_comb begin
    icnt_d = icnt_q;
    pbytes_d = pbytes_q;
    if (push) begin
      icnt_d[ring_q*IC_W +: IC_W] = icnt_d[ring_q*IC_W +: IC_W] + 1'b1;
      if (!exc_q) pbytes_d[vi_q*32 +: 32] = pbytes_d[vi_q*32 +: 32] + {16'd0, len_q};
    end
    if (complete) begin
      icnt_d[ring_h*IC_W +: IC_W] = icnt_d[ring_h*IC_W +: IC_W] - 1'b1;
      if (!exc_h) pbytes_d[vi_h*32 +: 32] = pbytes_d[vi_h*32 +: 32] - {16'd0, len_h};
    end
  end
  always_comb begin
    cons_d = cons_q;
    cqp_d = cqp_q;
    armed_d = armed_q;
    tmr_d = tmr_q;
    tcnt_d = tcnt_q;
    irq_d = '0;
    infl_d = infl_q;
    pend_i = '0; mp_i = '0; a_now = 1'b0; rel_sub = '0;
    if (complete) begin
      cons_d[(ring_h)*16 +: 16] = cons_q[(ring_h)*16 +: 16] + 16'd1;
      cqp_d[(ring_h)*16 +: 16] = cqp_q[(ring_h)*16 +: 16] + 16'd1;
    end
    for (int v = 0; v < NUM_VNIC; v++) begin
      if (vnic_quota_release[v]) begin
        rel_sub = {1'b0, infl_q[(v)*32 +: 32]} - {1'b0, vnic_quota_release_bytes[v*32 +: 32]};
        infl_d[(v)*32 +: 32] = rel_sub[32] ? 32'd0 : rel_sub[31:0];
      end
      if (complete && !exc_h && vi_h == VI_W'(v))
        infl_d[(v)*32 +: 32] = infl_d[(v)*32 +: 32] + {16'd0, len_h};
    end
    for (int i = 0; i < NR; i++) begin
      // enabling (0 -> 1) starts the ring from index 0, armed
      if (r_en[i] && !en_prev_q[i]) begin
        cons_d[(i)*16 +: 16] = '0;
        cqp_d[(i)*16 +: 16] = '0;
      end
      a_now = armed_q[i] || r_arm[i] || (r_en[i] && !en_prev_q[i]);
      if (r_arm[i] || (r_en[i] && !en_prev_q[i])) tmr_d[i] = 1'b0;
      pend_i = cqp_q[(i)*16 +: 16] - r_cq_cons[(i)*16 +: 16];
      mp_i = (r_mod_pkts[(i)*16 +: 16] == 16'd0) ? 16'd1 : r_mod_pkts[(i)*16 +: 16];
      armed_d[i] = a_now;
      if (!a_now || !r_irq_en[i] || !irq_enable || !r_en[i] || pend_i == 16'd0) begin
        tmr_d[i] = 1'b0;
      end else if (pend_i >= mp_i) begin
        armed_d[i] = 1'b0;
        tmr_d[i] = 1'b0;
        if ({24'd0, r_vec[(i)*8 +: 8]} < NUM_VECTORS) irq_d[VEC_IW'(r_vec[(i)*8 +: 8])] = 1'b1;
      end else if (r_mod_cyc[(i)*32 +: 32] != 32'd0) begin
        if (!tmr_d[i]) begin
          tmr_d[i] = 1'b1;
          tcnt_d[(i)*32 +: 32] = 32'd1;
        end else begin
          tcnt_d[(i)*32 +: 32] = tcnt_q[(i)*32 +: 32] + 32'd1;
          if (tcnt_q[(i)*32 +: 32] >= r_mod_cyc[(i)*32 +: 32]) begin
            armed_d[i] = 1'b0;
            tmr_d[i] = 1'b0;
            if ({24'd0, r_vec[(i)*8 +: 8]} < NUM_VECTORS) irq_d[VEC_IW'(r_vec[(i)*8 +: 8])] = 1'b1;
          end
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      st_q <= S_IDLE;
      c_st_q <= C_IDLE;
      ph_q <= '0; pcnt_q <= '0; fdone_q <= '0; cis_q <= '0;
      icnt_q <= '0; pbytes_q <= '0;
      dc_v_q <= 1'b0;
      cons_q <= '0;
      cqp_q <= '0;
      en_prev_q <= '0;
      armed_q <= '1;
      tmr_q <= '0;
      tcnt_q <= '0;
      irq_q <= '0;
      infl_q <= '0;
      c_vnic_q <= '0; c_exc_q <= '0; c_nodesc_q <= '0; c_toolong_q <= '0;
      c_cqfull_q <= '0; c_quota_q <= '0; c_excfull_q <= '0; c_mir_q <= '0; c_mirdrop_q <= '0;
      c_lb_q <= '0;
    end else begin
      st_q <= st_d;
      c_st_q <= c_st_d;
      ph_q <= ph_q + PFI_W'(complete);
      pcnt_q <= pcnt_q + (PFI_W + 1)'(push) - (PFI_W + 1)'(complete);
      fdone_q <= fdone_q + (PFI_W + 1)'(fdone_ev) - (PFI_W + 1)'(complete);
      cis_q <= cis_q + (PFI_W + 1)'(cis_ev) - (PFI_W + 1)'(complete);
      icnt_q <= icnt_d;
      pbytes_q <= pbytes_d;
      dc_v_q <= dc_v_d;
      cons_q <= cons_d;
      cqp_q <= cqp_d;
      en_prev_q <= r_en;
      armed_q <= armed_d;
      tmr_q <= tmr_d;
      tcnt_q <= tcnt_d;
      irq_q <= irq_d;
      infl_q <= infl_d;
      c_vnic_q <= c_vnic_q + {63'd0, inc_vnic};
      c_exc_q <= c_exc_q + {63'd0, inc_exc};
      c_nodesc_q <= c_nodesc_q + {63'd0, inc_nodesc};
      c_toolong_q <= c_toolong_q + {63'd0, inc_toolong};
      c_cqfull_q <= c_cqfull_q + {63'd0, inc_cqfull};
      c_quota_q <= c_quota_q + {63'd0, inc_quota};
      c_excfull_q <= c_excfull_q + {63'd0, inc_excfull};
      c_mir_q <= c_mir_q + {63'd0, inc_mir};
      c_mirdrop_q <= c_mirdrop_q + {63'd0, inc_mirdrop};
      c_lb_q <= c_lb_q + {63'd0, inc_lb};
    end
  end

  always_ff @(posedge clk) begin
    exc_q <= exc_d; vport_q <= vport_d; src_q <= src_d; rssq_q <= rssq_d;
    status_q <= status_d; types_q <= types_d; reason_q <= reason_d; perr_q <= perr_d;
    mkv_q <= mkv_d; rssv_q <= rssv_d; mark_q <= mark_d; h1_q <= h1_d; hash_q <= hash_d;
    ts_q <= ts_d; tcam_q <= tcam_d; len_q <= len_d; tci_q <= tci_d;
    dc_ring_q <= dc_ring_d; dc_idx_q <= dc_idx_d; dc_n_q <= dc_n_d; dc_buf_q <= dc_buf_d;
    dc_beat_q <= dc_beat_d; fn_q <= fn_d;
    pe_cpl_q <= pe_cpl_d; pe_addr_q <= pe_addr_d; pe_ring_q <= pe_ring_d; pe_vi_q <= pe_vi_d;
    pe_exc_q <= pe_exc_d; pe_mir_q <= pe_mir_d; pe_len_q <= pe_len_d;
    ring_q <= ring_d; vi_q <= vi_d; desc_q <= desc_d; cpl_q <= cpl_d; cbeat_q <= cbeat_d;
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------
  assign s_axis_tready = s_rdy;
  assign m_rd_req_valid = rd_req_v;
  assign m_rd_req_addr = rd_addr;
  assign m_rd_req_len = {{(11 - DCI_W){1'b0}}, fill_n, 4'd0};
  assign s_rd_tready = rd_rdy;
  // The same valid as wr_req_v, from registered state only: no path from m_wr_req_ready
  // (which the always_comb above also reads) to m_wr_req_valid, so a DMA arbiter that looks
  // at the valids to make its ready forms no combinational loop.
  assign m_wr_req_valid = (st_q == S_WREQ && c_st_q == C_IDLE && pcnt_q != (PFI_W + 1)'(PF))
                          || c_st_q == C_REQ;
  assign m_wr_req_addr = wr_addr;
  assign m_wr_req_len = wr_len;
  assign m_wr_req_tag = wr_tag;
  assign m_wr_tdata = wr_data;
  assign m_wr_tkeep = wr_keep;
  assign m_wr_tvalid = wr_v;
  assign m_wr_tlast = wr_last;
  assign s_wr_done_ready = done_rdy;
  assign irq = irq_q;
  for (genvar i = 0; i < NUM_RXQ; i++) begin : g_q
    assign rxq_cons[i*16 +: 16] = cons_q[(i)*16 +: 16];
    assign rxq_cq_prod[i*16 +: 16] = cqp_q[(i)*16 +: 16];
  end
  assign exc_cons = cons_q[(NUM_RXQ)*16 +: 16];
  assign exc_cq_prod = cqp_q[(NUM_RXQ)*16 +: 16];
  for (genvar v = 0; v < NUM_VNIC; v++) begin : g_v
    assign vnic_quota_inflight[v*32 +: 32] = infl_q[v*32 +: 32];
  end
  assign cnt_out_vnic = c_vnic_q;
  assign cnt_out_exc = c_exc_q;
  assign cnt_rx_no_desc = c_nodesc_q;
  assign cnt_rx_too_long = c_toolong_q;
  assign cnt_rx_cq_full = c_cqfull_q;
  assign cnt_quota = c_quota_q;
  assign cnt_exc_full = c_excfull_q;
  assign cnt_mirror = c_mir_q;
  assign cnt_mirror_drop = c_mirdrop_q;
  assign cnt_loopback = c_lb_q;

endmodule

`default_nettype wire
