// SPDX-License-Identifier: MIT
// axi_dma: the NIC's AXI4 master DMA engine (docs/rtl-dma.md).
//
// Clients ask for byte ranges of host memory:
//   read:  s_rd_req (addr, len, tag) -> the bytes on m_rd (AXI4-Stream, from byte lane 0, in
//          request order, tlast on the request's last beat, m_rd_err valid on that beat);
//   write: s_wr_req (addr, len, tag) + the bytes on s_wr (from lane 0) -> m_wr_done (tag,
//          err) once every B response of the request is back, in request order.
// Any byte address, len 1..65535. Requests are split into INCR bursts of full-width beats
// (beat-aligned addresses, AxSIZE = log2(DATA_W/8)) of at most MAX_BURST beats that never
// cross a 4 KiB boundary; unaligned ranges are realigned (reads: shift down to lane 0; writes:
// shift up to the address's lane, wstrb marks the request's bytes only).
//
// One AXI ID per direction (AxID = 0), so the slave returns R and B in issue order; up to
// MAX_OUTSTANDING_RD read bursts and MAX_OUTSTANDING_WR write bursts are in flight. R is
// back-pressured through rready (the slave holds what the client does not take yet).
// A W beat is sent only after its burst's AW handshake.
//
// Spec 7.1: host addresses are 48 bits; a request with any byte at or above 2^48 (or len 0)
// is not performed: no AR/AW, a read returns zero beats (tkeep from len), a write's data beats
// are consumed and dropped; both report err (m_rd_err on the last beat, m_wr_done_err) and add
// one to cnt_dev_err. A request whose bursts got any SLVERR/DECERR reports err and counts
// once as well.
//
// Every AXI and client output comes from a register (AR/AW output registers, axis_pipe_reg
// skid buffers on R, W, B, s_wr and m_rd, sync_fifo request queues), so there is no
// combinational path from any ready input to any valid or ready output.
`resetall
`timescale 1ns/1ps
`default_nettype none

module axi_dma #(
  parameter int DATA_W = 512,
  parameter int ADDR_W = 64,
  parameter int ID_W = 4,
  parameter int TAG_W = 8,
  parameter int MAX_OUTSTANDING_RD = 16,   // read bursts in flight (AR issued, not all R back)
  parameter int MAX_OUTSTANDING_WR = 16,   // write bursts in flight (AW issued, B not back)
  parameter int MAX_BURST = 64,            // beats per burst, 1..256
  parameter int REQ_DEPTH = 4,             // request queue entries per direction (power of 2)
  parameter int KEEP_W = DATA_W / 8
) (
  input  wire                clk,
  input  wire                rst,

  // ---- read requests and data
  input  wire                s_rd_req_valid,
  output wire                s_rd_req_ready,
  input  wire [ADDR_W-1:0]   s_rd_req_addr,
  input  wire [15:0]         s_rd_req_len,
  input  wire [TAG_W-1:0]    s_rd_req_tag,

  output wire [DATA_W-1:0]   m_rd_tdata,
  output wire [KEEP_W-1:0]   m_rd_tkeep,
  output wire                m_rd_tvalid,
  input  wire                m_rd_tready,
  output wire                m_rd_tlast,
  output wire [TAG_W-1:0]    m_rd_tag,
  output wire                m_rd_err,

  // ---- write requests, data and completions
  input  wire                s_wr_req_valid,
  output wire                s_wr_req_ready,
  input  wire [ADDR_W-1:0]   s_wr_req_addr,
  input  wire [15:0]         s_wr_req_len,
  input  wire [TAG_W-1:0]    s_wr_req_tag,

  input  wire [DATA_W-1:0]   s_wr_tdata,
  input  wire [KEEP_W-1:0]   s_wr_tkeep,
  input  wire                s_wr_tvalid,
  output wire                s_wr_tready,
  input  wire                s_wr_tlast,

  output wire                m_wr_done_valid,
  input  wire                m_wr_done_ready,
  output wire [TAG_W-1:0]    m_wr_done_tag,
  output wire                m_wr_done_err,

  // ---- device errors (requests not performed or answered SLVERR/DECERR)
  output wire [63:0]         cnt_dev_err,

  // ---- AXI4 master
  output wire [ID_W-1:0]     m_axi_awid,
  output wire [ADDR_W-1:0]   m_axi_awaddr,
  output wire [7:0]          m_axi_awlen,
  output wire [2:0]          m_axi_awsize,
  output wire [1:0]          m_axi_awburst,
  output wire [3:0]          m_axi_awcache,
  output wire [2:0]          m_axi_awprot,
  output wire                m_axi_awvalid,
  input  wire                m_axi_awready,
  output wire [DATA_W-1:0]   m_axi_wdata,
  output wire [KEEP_W-1:0]   m_axi_wstrb,
  output wire                m_axi_wlast,
  output wire                m_axi_wvalid,
  input  wire                m_axi_wready,
  input  wire [ID_W-1:0]     m_axi_bid,
  input  wire [1:0]          m_axi_bresp,
  input  wire                m_axi_bvalid,
  output wire                m_axi_bready,
  output wire [ID_W-1:0]     m_axi_arid,
  output wire [ADDR_W-1:0]   m_axi_araddr,
  output wire [7:0]          m_axi_arlen,
  output wire [2:0]          m_axi_arsize,
  output wire [1:0]          m_axi_arburst,
  output wire [3:0]          m_axi_arcache,
  output wire [2:0]          m_axi_arprot,
  output wire                m_axi_arvalid,
  input  wire                m_axi_arready,
  input  wire [ID_W-1:0]     m_axi_rid,
  input  wire [DATA_W-1:0]   m_axi_rdata,
  input  wire [1:0]          m_axi_rresp,
  input  wire                m_axi_rlast,
  input  wire                m_axi_rvalid,
  output wire                m_axi_rready
);

  localparam int B      = KEEP_W;            // bytes per beat
  localparam int OFF_W  = $clog2(B);         // byte lane within a beat
  localparam int BC_W   = 17 - OFF_W;        // beats of one request: (63 + 65535 + 63) / B
  localparam int REQ_W  = ADDR_W + 16 + TAG_W;
  localparam int AW1    = ADDR_W + 1;
  localparam int OFF1   = OFF_W + 1;
  localparam int RO_W   = $clog2(MAX_OUTSTANDING_RD + 1);
  localparam int WO_W   = $clog2(MAX_OUTSTANDING_WR + 1);
  localparam int RO_P2  = 1 << $clog2(MAX_OUTSTANDING_RD);
  localparam int WO_P2  = 1 << $clog2(MAX_OUTSTANDING_WR);
  localparam int RINFO_DEPTH = (2 * RO_P2 < 4) ? 4 : 2 * RO_P2;
  localparam int WINFO_DEPTH = (2 * WO_P2 < 4) ? 4 : 2 * WO_P2;
  localparam int WTRK_DEPTH  = (WO_P2 < 2) ? 2 : WO_P2;
  // The burst limit as a BC_W-bit value.
  localparam logic [BC_W-1:0] MAXB = BC_W'(MAX_BURST);
  // AxCACHE 0010: normal non-cacheable, non-bufferable, so a B response comes from the final
  // destination (a done means the data is visible). AxPROT 000: unprivileged, secure, data.
  localparam logic [3:0] AX_CACHE = 4'b0010;
  localparam logic [2:0] AX_PROT  = 3'b000;

  initial begin
    if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin
      $error("axi_dma (%m): DATA_W (%0d) must be 64, 128, 256 or 512", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("axi_dma (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (ADDR_W != 64) begin
      $error("axi_dma (%m): ADDR_W (%0d) must be 64", ADDR_W);
    end
    if (ID_W < 1) begin
      $error("axi_dma (%m): ID_W (%0d) must be at least 1", ID_W);
    end
    if (TAG_W < 1) begin
      $error("axi_dma (%m): TAG_W (%0d) must be at least 1", TAG_W);
    end
    if (MAX_BURST < 1 || MAX_BURST > 256) begin
      $error("axi_dma (%m): MAX_BURST (%0d) must be 1..256", MAX_BURST);
    end
    if (MAX_OUTSTANDING_RD < 1 || MAX_OUTSTANDING_RD > 64 ||
        MAX_OUTSTANDING_WR < 1 || MAX_OUTSTANDING_WR > 64) begin
      $error("axi_dma (%m): MAX_OUTSTANDING_RD/WR (%0d/%0d) must be 1..64",
             MAX_OUTSTANDING_RD, MAX_OUTSTANDING_WR);
    end
  end

  // Mask of the byte lanes below n (n = 0..B).
  function automatic logic [KEEP_W-1:0] keep_lo(input logic [OFF_W:0] n);
    keep_lo = ~({KEEP_W{1'b1}} << n);
  endfunction

  // Low DATA_W bits of {hi, lo} shifted down by n bytes (n = 0..B): a log shifter, one 2:1
  // stage per bit of n (about 3 LUT levels), instead of a (B+1):1 mux per output bit.
  function automatic logic [DATA_W-1:0] shr_bytes(input logic [2*DATA_W-1:0] cat,
                                                   input logic [OFF_W:0] n);
    logic [2*DATA_W-1:0] v;
    v = cat;
    for (int k = 0; k <= OFF_W; k++) begin
      if (n[k]) begin
        v = v >> (8 << k);
      end
    end
    shr_bytes = v[DATA_W-1:0];
  endfunction

  // A request at the head of a request queue, decoded: out of range (spec 7.1: a byte at or
  // above 2^48) or len 0; byte offset in the first beat; beats on the AXI side (nr) and on the
  // stream side (ns, at least 1); the byte count of the last AXI beat (1..B).
  function automatic logic req_oor(input logic [ADDR_W-1:0] addr, input logic [15:0] len);
    req_oor = (len == 16'd0) ||
              (((AW1'(addr) + AW1'(len) - AW1'(1)) >> 48) != AW1'(0));
  endfunction
  function automatic logic [BC_W-1:0] req_nr(input logic [OFF_W-1:0] off, input logic [15:0] len);
    req_nr = BC_W'((17'(off) + 17'(len) + 17'(B - 1)) >> OFF_W);
  endfunction
  function automatic logic [BC_W-1:0] req_ns(input logic [15:0] len);
    req_ns = (len == 16'd0) ? BC_W'(1) : BC_W'((17'(len) + 17'(B - 1)) >> OFF_W);
  endfunction
  function automatic logic [OFF_W:0] req_end(input logic [OFF_W-1:0] off, input logic [15:0] len);
    req_end = OFF1'(OFF_W'(16'(off) + len - 16'd1)) + OFF1'(1);
  endfunction
  // Beats of the next burst from a beat-aligned address with `left` beats to go: limited by
  // MAX_BURST and by the 4 KiB boundary.
  function automatic logic [BC_W-1:0] burst_beats(input logic [11:0] page_off,
                                                  input logic [BC_W-1:0] left);
    logic [BC_W-1:0] to_page;
    logic [BC_W-1:0] n;
    to_page = BC_W'((13'd4096 - {1'b0, page_off}) >> OFF_W);
    n = left;
    if (MAXB < n) begin
      n = MAXB;
    end
    if (to_page < n) begin
      n = to_page;
    end
    burst_beats = n;
  endfunction
  // The next burst is the request's last (burst_beats == left): left within MAX_BURST and
  // within the page, two compares side by side, not the minimum and then an equality in a
  // row (this decides the request queue's pop: docs/synthesis.md).
  function automatic logic burst_last(input logic [11:0] page_off,
                                      input logic [BC_W-1:0] left);
    burst_last = (left <= MAXB) && (left <= BC_W'((13'd4096 - {1'b0, page_off}) >> OFF_W));
  endfunction

  // ===================================================================== read path
  // Request queue; the request is decoded on its way in (out of range, AXI beats), which
  // keeps the adders off the path from the queue's head to the AR generator.
  logic              rq_valid, rq_pop;
  logic [REQ_W+BC_W:0] rq_data;
  logic [ADDR_W-1:0] rq_addr;
  logic [15:0]       rq_len;
  logic [TAG_W-1:0]  rq_tag;
  logic              rq_oor;
  logic [BC_W-1:0]   rq_nr;
  logic [$clog2(REQ_DEPTH):0] unused_rq_cnt;

  sync_fifo #(.WIDTH(REQ_W + BC_W + 1), .DEPTH(REQ_DEPTH)) u_rq (
    .clk(clk), .rst(rst),
    .s_valid(s_rd_req_valid), .s_ready(s_rd_req_ready),
    .s_data({req_oor(s_rd_req_addr, s_rd_req_len),
             req_nr(s_rd_req_addr[OFF_W-1:0], s_rd_req_len),
             s_rd_req_tag, s_rd_req_len, s_rd_req_addr}),
    .m_valid(rq_valid), .m_ready(rq_pop), .m_data(rq_data), .count(unused_rq_cnt)
  );
  assign {rq_oor, rq_nr, rq_tag, rq_len, rq_addr} = rq_data;

  // Per-request record for the realigner, in request order.
  localparam int RI_W = 1 + OFF_W + 16 + TAG_W + BC_W + BC_W;
  logic             ri_s_ready, ri_valid, ri_pop;
  logic [RI_W-1:0]  ri_s_data, ri_data;
  logic             ri_oor;
  logic [OFF_W-1:0] ri_off;
  logic [15:0]      ri_len;
  logic [TAG_W-1:0] ri_tag;
  logic [BC_W-1:0]  ri_nr, ri_ns;
  logic [$clog2(RINFO_DEPTH):0] unused_ri_cnt;

  assign ri_s_data = {rq_oor, rq_addr[OFF_W-1:0], rq_len, rq_tag, rq_nr, req_ns(rq_len)};

  sync_fifo #(.WIDTH(RI_W), .DEPTH(RINFO_DEPTH)) u_ri (
    .clk(clk), .rst(rst),
    .s_valid(rq_pop), .s_ready(ri_s_ready), .s_data(ri_s_data),
    .m_valid(ri_valid), .m_ready(ri_pop), .m_data(ri_data), .count(unused_ri_cnt)
  );
  assign {ri_oor, ri_off, ri_len, ri_tag, ri_nr, ri_ns} = ri_data;

  // AR generator: the current request (beat-aligned address, beats left) and the AR register.
  logic              rc_valid_q, rc_valid_d;
  logic [ADDR_W-1:0] rc_addr_q, rc_addr_d;
  logic [BC_W-1:0]   rc_left_q, rc_left_d;
  logic              ar_valid_q, ar_valid_d;
  logic [ADDR_W-1:0] ar_addr_q, ar_addr_d;
  logic [7:0]        ar_len_q, ar_len_d;
  logic [RO_W-1:0]   rd_out_q, rd_out_d;
  logic [BC_W-1:0]   rc_beats;
  logic              rc_last, ar_load, rc_free, r_burst_done;

  always_comb begin
    rc_beats = burst_beats(rc_addr_q[11:0], rc_left_q);
    rc_last  = burst_last(rc_addr_q[11:0], rc_left_q);
    ar_load  = rc_valid_q && (!ar_valid_q || m_axi_arready) &&
               (rd_out_q < RO_W'(MAX_OUTSTANDING_RD));
    rc_free  = !rc_valid_q || (ar_load && rc_last);
    // An out-of-range request goes straight to the realigner (no AR); others become current.
    rq_pop   = rq_valid && ri_s_ready && (rc_free || rq_oor);

    rc_valid_d = rc_valid_q;
    rc_addr_d  = rc_addr_q;
    rc_left_d  = rc_left_q;
    ar_valid_d = ar_valid_q && !m_axi_arready;
    ar_addr_d  = ar_addr_q;
    ar_len_d   = ar_len_q;
    if (ar_load) begin
      ar_valid_d = 1'b1;
      ar_addr_d  = rc_addr_q;
      ar_len_d   = 8'(rc_beats - BC_W'(1));
      rc_addr_d  = rc_addr_q + (ADDR_W'(rc_beats) << OFF_W);
      rc_left_d  = rc_left_q - rc_beats;
      if (rc_last) begin
        rc_valid_d = 1'b0;
      end
    end
    if (rq_pop && !rq_oor) begin
      rc_valid_d = 1'b1;
      rc_addr_d  = {rq_addr[ADDR_W-1:OFF_W], {OFF_W{1'b0}}};
      rc_left_d  = rq_nr;
    end
    r_burst_done = m_axi_rvalid && m_axi_rready && m_axi_rlast;
    rd_out_d = rd_out_q + RO_W'(ar_load) - RO_W'(r_burst_done);
  end

  // R skid buffer (rready from a register); rresp rides in tuser.
  logic              rs_valid, rs_ready, rs_last;
  logic [DATA_W-1:0] rs_data;
  logic [1:0]        rs_resp;
  logic [KEEP_W-1:0] rs_keep;

  axis_pipe_reg #(.DATA_W(DATA_W), .USER_W(2)) u_rskid (
    .clk(clk), .rst(rst),
    .s_axis_tdata(m_axi_rdata), .s_axis_tkeep({KEEP_W{1'b1}}), .s_axis_tvalid(m_axi_rvalid),
    .s_axis_tready(m_axi_rready), .s_axis_tlast(m_axi_rlast), .s_axis_tuser(m_axi_rresp),
    .m_axis_tdata(rs_data), .m_axis_tkeep(rs_keep), .m_axis_tvalid(rs_valid),
    .m_axis_tready(rs_ready), .m_axis_tlast(rs_last), .m_axis_tuser(rs_resp)
  );

  // Realigner: output beat k = request bytes [kB, kB+B) = the top of {R beat k+1, R beat k}
  // shifted down by the offset (off 0: R beat k itself). With an offset, beat 0 of R emits
  // nothing and, when the request has as many stream beats as R beats, a last "flush" beat is
  // built from the held beat alone.
  logic [BC_W-1:0]     ra_rcnt_q, ra_rcnt_d;   // R beats taken for the head request
  logic [BC_W-1:0]     ra_ocnt_q, ra_ocnt_d;   // stream beats emitted
  logic [DATA_W-1:0]   ra_prev_q, ra_prev_d;
  logic                ra_err_q, ra_err_d;
  logic                ra_emit, ra_want, ra_last, ra_err_out, ro_ready, rd_err_evt;
  logic [DATA_W-1:0]   ra_data;
  logic [KEEP_W-1:0]   ra_keep;
  logic [2*DATA_W-1:0] ra_cat;
  logic [OFF_W:0]      ra_sel;
  logic [16:0]         ra_rem;
  logic                ra_need_r;

  always_comb begin
    ra_need_r = !ri_oor && (ra_rcnt_q != ri_nr);
    ra_cat    = {(ra_need_r ? rs_data : {DATA_W{1'b0}}), ra_prev_q};
    ra_sel    = (ri_off == '0) ? OFF1'(B) : {1'b0, ri_off};
    ra_data   = ri_oor ? {DATA_W{1'b0}} : shr_bytes(ra_cat, ra_sel);
    ra_rem    = 17'(ri_len) - (17'(ra_ocnt_q) << OFF_W);
    ra_keep   = (ra_rem >= 17'(B)) ? {KEEP_W{1'b1}} : keep_lo(ra_rem[OFF_W:0]);
    ra_last   = (ra_ocnt_q == ri_ns - BC_W'(1));

    ra_want  = 1'b0;
    rs_ready = 1'b0;
    if (ri_valid) begin
      if (ra_need_r) begin
        ra_want  = rs_valid && (ri_off == '0 || ra_rcnt_q != '0);
        rs_ready = ra_want ? ro_ready : 1'b1;
      end else begin
        ra_want = 1'b1;   // zeros of an out-of-range request, or the flush beat
      end
    end
    ra_emit    = ra_want && ro_ready;
    ra_err_out = ra_err_q || ri_oor || (ra_need_r && rs_resp[1]);
    ri_pop     = ra_emit && ra_last;
    rd_err_evt = ri_pop && ra_err_out;

    ra_rcnt_d = ra_rcnt_q;
    ra_ocnt_d = ra_ocnt_q;
    ra_prev_d = ra_prev_q;
    ra_err_d  = ra_err_q;
    if (rs_ready && rs_valid) begin
      ra_rcnt_d = ra_rcnt_q + BC_W'(1);
      ra_prev_d = rs_data;
      ra_err_d  = ra_err_q || rs_resp[1];
    end
    if (ra_emit) begin
      ra_ocnt_d = ra_ocnt_q + BC_W'(1);
    end
    if (ri_pop) begin
      ra_rcnt_d = '0;
      ra_ocnt_d = '0;
      ra_err_d  = 1'b0;
    end
  end

  axis_pipe_reg #(.DATA_W(DATA_W), .USER_W(TAG_W + 1)) u_rout (
    .clk(clk), .rst(rst),
    .s_axis_tdata(ra_data), .s_axis_tkeep(ra_keep), .s_axis_tvalid(ra_emit),
    .s_axis_tready(ro_ready), .s_axis_tlast(ra_last), .s_axis_tuser({ra_err_out, ri_tag}),
    .m_axis_tdata(m_rd_tdata), .m_axis_tkeep(m_rd_tkeep), .m_axis_tvalid(m_rd_tvalid),
    .m_axis_tready(m_rd_tready), .m_axis_tlast(m_rd_tlast), .m_axis_tuser({m_rd_err, m_rd_tag})
  );

  // ===================================================================== write path
  logic              wq_valid, wq_pop;
  logic [REQ_W+BC_W:0] wq_data;
  logic [ADDR_W-1:0] wq_addr;
  logic [15:0]       wq_len;
  logic [TAG_W-1:0]  wq_tag;
  logic              wq_oor;
  logic [BC_W-1:0]   wq_nr;
  logic [$clog2(REQ_DEPTH):0] unused_wq_cnt;

  sync_fifo #(.WIDTH(REQ_W + BC_W + 1), .DEPTH(REQ_DEPTH)) u_wq (
    .clk(clk), .rst(rst),
    .s_valid(s_wr_req_valid), .s_ready(s_wr_req_ready),
    .s_data({req_oor(s_wr_req_addr, s_wr_req_len),
             req_nr(s_wr_req_addr[OFF_W-1:0], s_wr_req_len),
             s_wr_req_tag, s_wr_req_len, s_wr_req_addr}),
    .m_valid(wq_valid), .m_ready(wq_pop), .m_data(wq_data), .count(unused_wq_cnt)
  );
  assign {wq_oor, wq_nr, wq_tag, wq_len, wq_addr} = wq_data;

  // Per-request record for the W realigner: out of range, offset, stream beats (ns, 0 for len
  // 0), AXI beats (nr), bytes in the last AXI beat.
  localparam int WI_W = 1 + OFF_W + BC_W + BC_W + OFF_W + 1;
  logic             wi_s_ready, wi_valid, wi_pop;
  logic [WI_W-1:0]  wi_s_data, wi_data;
  logic             wi_oor;
  logic [OFF_W-1:0] wi_off;
  logic [BC_W-1:0]  wi_ns, wi_nr;
  logic [OFF_W:0]   wi_end;
  logic [$clog2(WINFO_DEPTH):0] unused_wi_cnt;

  assign wi_s_data = {wq_oor, wq_addr[OFF_W-1:0],
                      (wq_len == 16'd0) ? BC_W'(0) : req_ns(wq_len),
                      wq_nr, req_end(wq_addr[OFF_W-1:0], wq_len)};

  sync_fifo #(.WIDTH(WI_W), .DEPTH(WINFO_DEPTH)) u_wi (
    .clk(clk), .rst(rst),
    .s_valid(wq_pop), .s_ready(wi_s_ready), .s_data(wi_s_data),
    .m_valid(wi_valid), .m_ready(wi_pop), .m_data(wi_data), .count(unused_wi_cnt)
  );
  assign {wi_oor, wi_off, wi_ns, wi_nr, wi_end} = wi_data;

  // AW generator. Every request, also one out of range, passes through the current-request
  // register and the AW register, so the B tracker sees requests in order; an out-of-range
  // request is one "no-AW" entry there (it completes without a B).
  logic              wc_valid_q, wc_valid_d;
  logic              wc_oor_q, wc_oor_d;
  logic [TAG_W-1:0]  wc_tag_q, wc_tag_d;
  logic [ADDR_W-1:0] wc_addr_q, wc_addr_d;
  logic [BC_W-1:0]   wc_left_q, wc_left_d;
  logic              aw_valid_q, aw_valid_d;
  logic              aw_noaw_q, aw_noaw_d;
  logic              aw_lastreq_q, aw_lastreq_d;
  logic [TAG_W-1:0]  aw_tag_q, aw_tag_d;
  logic [ADDR_W-1:0] aw_addr_q, aw_addr_d;
  logic [7:0]        aw_len_q, aw_len_d;
  logic [WO_W-1:0]   wr_out_q, wr_out_d;
  logic [BC_W-1:0]   wc_beats;
  logic              aw_load, aw_done, wc_free, wc_fin, bt_pop;

  always_comb begin
    wc_beats = burst_beats(wc_addr_q[11:0], wc_left_q);
    aw_done  = aw_valid_q && (aw_noaw_q || m_axi_awready);
    aw_load  = wc_valid_q && (!aw_valid_q || aw_done) &&
               (wr_out_q < WO_W'(MAX_OUTSTANDING_WR));
    wc_fin   = wc_oor_q || burst_last(wc_addr_q[11:0], wc_left_q);
    wc_free  = !wc_valid_q || (aw_load && wc_fin);
    wq_pop   = wq_valid && wi_s_ready && wc_free;

    wc_valid_d   = wc_valid_q;
    wc_oor_d     = wc_oor_q;
    wc_tag_d     = wc_tag_q;
    wc_addr_d    = wc_addr_q;
    wc_left_d    = wc_left_q;
    aw_valid_d   = aw_valid_q && !aw_done;
    aw_noaw_d    = aw_noaw_q;
    aw_lastreq_d = aw_lastreq_q;
    aw_tag_d     = aw_tag_q;
    aw_addr_d    = aw_addr_q;
    aw_len_d     = aw_len_q;
    if (aw_load) begin
      aw_valid_d   = 1'b1;
      aw_noaw_d    = wc_oor_q;
      aw_lastreq_d = wc_fin;
      aw_tag_d     = wc_tag_q;
      aw_addr_d    = wc_addr_q;
      aw_len_d     = 8'(wc_beats - BC_W'(1));
      wc_addr_d    = wc_addr_q + (ADDR_W'(wc_beats) << OFF_W);
      wc_left_d    = wc_left_q - wc_beats;
      if (wc_fin) begin
        wc_valid_d = 1'b0;
      end
    end
    if (wq_pop) begin
      wc_valid_d = 1'b1;
      wc_oor_d   = wq_oor;
      wc_tag_d   = wq_tag;
      wc_addr_d  = {wq_addr[ADDR_W-1:OFF_W], {OFF_W{1'b0}}};
      wc_left_d  = wq_nr;
    end
    wr_out_d = wr_out_q + WO_W'(aw_load) - WO_W'(bt_pop);
  end

  // Bursts whose AW was accepted: their lengths for wlast (W never runs ahead of AW), and
  // the B tracker's entries. At most MAX_OUTSTANDING_WR entries exist (wr_out counts them
  // from aw_load to bt_pop), so neither FIFO is ever full when pushed.
  logic       wb_valid, wb_pop, unused_wb_ready, bt_valid, unused_bt_ready;
  logic [7:0] wb_len;
  logic       bt_noaw, bt_last;
  logic [TAG_W-1:0] bt_tag;
  logic [$clog2(WTRK_DEPTH):0] unused_wb_cnt, unused_bt_cnt;

  sync_fifo #(.WIDTH(8), .DEPTH(WTRK_DEPTH)) u_wb (
    .clk(clk), .rst(rst),
    .s_valid(aw_done && !aw_noaw_q), .s_ready(unused_wb_ready), .s_data(aw_len_q),
    .m_valid(wb_valid), .m_ready(wb_pop), .m_data(wb_len), .count(unused_wb_cnt)
  );
  sync_fifo #(.WIDTH(TAG_W + 2), .DEPTH(WTRK_DEPTH)) u_bt (
    .clk(clk), .rst(rst),
    .s_valid(aw_done), .s_ready(unused_bt_ready), .s_data({aw_noaw_q, aw_lastreq_q, aw_tag_q}),
    .m_valid(bt_valid), .m_ready(bt_pop), .m_data({bt_noaw, bt_last, bt_tag}),
    .count(unused_bt_cnt)
  );

  // Write data: input skid, realigner, W skid.
  logic              ws_valid, ws_ready, unused_ws_last, unused_ws_user;
  logic [DATA_W-1:0] ws_data;
  logic [KEEP_W-1:0] unused_ws_keep;

  axis_pipe_reg #(.DATA_W(DATA_W), .USER_W(1)) u_wskid (
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_wr_tdata), .s_axis_tkeep(s_wr_tkeep), .s_axis_tvalid(s_wr_tvalid),
    .s_axis_tready(s_wr_tready), .s_axis_tlast(s_wr_tlast), .s_axis_tuser(1'b0),
    .m_axis_tdata(ws_data), .m_axis_tkeep(unused_ws_keep), .m_axis_tvalid(ws_valid),
    .m_axis_tready(ws_ready), .m_axis_tlast(unused_ws_last), .m_axis_tuser(unused_ws_user)
  );

  // W beat j = request bytes placed at lane off: the top of {stream beat j, stream beat j-1}
  // shifted up by off (beat j >= ns: the held beat alone). Out of range: the stream beats are
  // taken and dropped.
  logic [BC_W-1:0]     wa_cnt_q, wa_cnt_d;    // stream beats (oor) or W beats (else) done
  logic [7:0]          wa_bc_q, wa_bc_d;      // beat within the current burst
  logic [DATA_W-1:0]   wa_prev_q, wa_prev_d;
  logic                wa_emit, wa_need_in, wa_wlast, wa_rlast, wo_ready;
  logic [2*DATA_W-1:0] wa_cat;
  logic [OFF_W:0]      wa_sel;
  logic [DATA_W-1:0]   wa_data;
  logic [KEEP_W-1:0]   wa_strb;

  always_comb begin
    wa_need_in = (wa_cnt_q < wi_ns);
    wa_cat     = {(wa_need_in ? ws_data : {DATA_W{1'b0}}), wa_prev_q};
    wa_sel     = OFF1'(B) - OFF1'(wi_off);
    wa_data    = shr_bytes(wa_cat, wa_sel);
    wa_rlast   = (wa_cnt_q == wi_nr - BC_W'(1));
    wa_strb    = ((wa_rlast) ? keep_lo(wi_end) : {KEEP_W{1'b1}}) &
                 ((wa_cnt_q == '0) ? ~keep_lo({1'b0, wi_off}) : {KEEP_W{1'b1}});
    wa_wlast   = (wa_bc_q == wb_len);

    wa_emit  = 1'b0;
    ws_ready = 1'b0;
    wi_pop   = 1'b0;
    wb_pop   = 1'b0;
    wa_cnt_d  = wa_cnt_q;
    wa_bc_d   = wa_bc_q;
    wa_prev_d = wa_prev_q;
    if (wi_valid) begin
      if (wi_oor) begin
        ws_ready = wa_need_in;
        if (!wa_need_in) begin
          wi_pop = 1'b1;                         // len 0: nothing to take
        end else if (ws_valid) begin
          wa_cnt_d = wa_cnt_q + BC_W'(1);
          wi_pop   = (wa_cnt_q == wi_ns - BC_W'(1));
        end
      end else if (wb_valid && wo_ready && (!wa_need_in || ws_valid)) begin
        wa_emit  = 1'b1;
        ws_ready = wa_need_in;
        wa_cnt_d = wa_cnt_q + BC_W'(1);
        wi_pop   = wa_rlast;
        wb_pop   = wa_wlast;
        wa_bc_d  = wa_wlast ? 8'd0 : wa_bc_q + 8'd1;
      end
    end
    if (ws_ready && ws_valid) begin
      wa_prev_d = ws_data;
    end
    if (wi_pop) begin
      wa_cnt_d = '0;
    end
  end

  logic unused_wo_user;

  axis_pipe_reg #(.DATA_W(DATA_W), .USER_W(1)) u_wout (
    .clk(clk), .rst(rst),
    .s_axis_tdata(wa_data), .s_axis_tkeep(wa_strb), .s_axis_tvalid(wa_emit),
    .s_axis_tready(wo_ready), .s_axis_tlast(wa_wlast), .s_axis_tuser(1'b0),
    .m_axis_tdata(m_axi_wdata), .m_axis_tkeep(m_axi_wstrb), .m_axis_tvalid(m_axi_wvalid),
    .m_axis_tready(m_axi_wready), .m_axis_tlast(m_axi_wlast), .m_axis_tuser(unused_wo_user)
  );

  // B: skid (bready from a register), then one tracker entry per B (or per no-AW entry); the
  // request's last entry loads the done register.
  logic       bs_valid, bs_ready, unused_bs_last;
  logic [1:0] bs_resp;
  logic [7:0] unused_bs_data;
  logic       unused_bs_keep;

  axis_pipe_reg #(.DATA_W(8), .USER_W(2)) u_bskid (
    .clk(clk), .rst(rst),
    .s_axis_tdata(8'd0), .s_axis_tkeep(1'b1), .s_axis_tvalid(m_axi_bvalid),
    .s_axis_tready(m_axi_bready), .s_axis_tlast(1'b1), .s_axis_tuser(m_axi_bresp),
    .m_axis_tdata(unused_bs_data), .m_axis_tkeep(unused_bs_keep), .m_axis_tvalid(bs_valid),
    .m_axis_tready(bs_ready), .m_axis_tlast(unused_bs_last), .m_axis_tuser(bs_resp)
  );

  logic             bd_err_q, bd_err_d;   // errors of the request's earlier bursts
  logic             dn_valid_q, dn_valid_d;
  logic [TAG_W-1:0] dn_tag_q, dn_tag_d;
  logic             dn_err_q, dn_err_d;
  logic             bt_err, wr_err_evt;

  always_comb begin
    bt_err   = bt_noaw || bs_resp[1];
    bt_pop   = bt_valid && (bt_noaw || bs_valid) && (!bt_last || !dn_valid_q || m_wr_done_ready);
    bs_ready = bt_pop && !bt_noaw;

    bd_err_d   = bd_err_q;
    dn_valid_d = dn_valid_q && !m_wr_done_ready;
    dn_tag_d   = dn_tag_q;
    dn_err_d   = dn_err_q;
    wr_err_evt = 1'b0;
    if (bt_pop) begin
      if (bt_last) begin
        dn_valid_d = 1'b1;
        dn_tag_d   = bt_tag;
        dn_err_d   = bd_err_q || bt_err;
        bd_err_d   = 1'b0;
        wr_err_evt = bd_err_q || bt_err;
      end else begin
        bd_err_d = bd_err_q || bt_err;
      end
    end
  end

  // ===================================================================== registers
  logic [63:0] dev_err_q, dev_err_d;
  assign dev_err_d = dev_err_q + 64'(rd_err_evt) + 64'(wr_err_evt);

  always_ff @(posedge clk) begin
    rc_addr_q    <= rc_addr_d;
    rc_left_q    <= rc_left_d;
    ar_addr_q    <= ar_addr_d;
    ar_len_q     <= ar_len_d;
    ra_prev_q    <= ra_prev_d;
    wc_oor_q     <= wc_oor_d;
    wc_tag_q     <= wc_tag_d;
    wc_addr_q    <= wc_addr_d;
    wc_left_q    <= wc_left_d;
    aw_noaw_q    <= aw_noaw_d;
    aw_lastreq_q <= aw_lastreq_d;
    aw_tag_q     <= aw_tag_d;
    aw_addr_q    <= aw_addr_d;
    aw_len_q     <= aw_len_d;
    wa_prev_q    <= wa_prev_d;
    dn_tag_q     <= dn_tag_d;
    dn_err_q     <= dn_err_d;
    if (rst) begin
      rc_valid_q <= 1'b0;
      ar_valid_q <= 1'b0;
      rd_out_q   <= '0;
      ra_rcnt_q  <= '0;
      ra_ocnt_q  <= '0;
      ra_err_q   <= 1'b0;
      wc_valid_q <= 1'b0;
      aw_valid_q <= 1'b0;
      wr_out_q   <= '0;
      wa_cnt_q   <= '0;
      wa_bc_q    <= '0;
      bd_err_q   <= 1'b0;
      dn_valid_q <= 1'b0;
      dev_err_q  <= '0;
    end else begin
      rc_valid_q <= rc_valid_d;
      ar_valid_q <= ar_valid_d;
      rd_out_q   <= rd_out_d;
      ra_rcnt_q  <= ra_rcnt_d;
      ra_ocnt_q  <= ra_ocnt_d;
      ra_err_q   <= ra_err_d;
      wc_valid_q <= wc_valid_d;
      aw_valid_q <= aw_valid_d;
      wr_out_q   <= wr_out_d;
      wa_cnt_q   <= wa_cnt_d;
      wa_bc_q    <= wa_bc_d;
      bd_err_q   <= bd_err_d;
      dn_valid_q <= dn_valid_d;
      dev_err_q  <= dev_err_d;
    end
  end

  // ===================================================================== outputs
  logic [ID_W-1:0] unused_ids;
  logic            unused_misc;
  assign unused_ids  = m_axi_bid ^ m_axi_rid;
  assign unused_misc = ^{rs_keep, rs_last, rs_resp[0], bs_resp[0]};

  assign m_axi_arid    = '0;
  assign m_axi_araddr  = ar_addr_q;
  assign m_axi_arlen   = ar_len_q;
  assign m_axi_arsize  = 3'(OFF_W);
  assign m_axi_arburst = 2'b01;
  assign m_axi_arcache = AX_CACHE;
  assign m_axi_arprot  = AX_PROT;
  assign m_axi_arvalid = ar_valid_q;

  assign m_axi_awid    = '0;
  assign m_axi_awaddr  = aw_addr_q;
  assign m_axi_awlen   = aw_len_q;
  assign m_axi_awsize  = 3'(OFF_W);
  assign m_axi_awburst = 2'b01;
  assign m_axi_awcache = AX_CACHE;
  assign m_axi_awprot  = AX_PROT;
  assign m_axi_awvalid = aw_valid_q && !aw_noaw_q;

  assign m_wr_done_valid = dn_valid_q;
  assign m_wr_done_tag   = dn_tag_q;
  assign m_wr_done_err   = dn_err_q;
  assign cnt_dev_err     = dev_err_q;

endmodule

`default_nettype wire
