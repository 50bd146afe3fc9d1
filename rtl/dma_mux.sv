// SPDX-License-Identifier: MIT
// dma_mux: N DMA clients sharing one axi_dma, deadlock-free (docs/rtl-dma.md, "dma_mux").
//
// Reads: round-robin grant among the clients whose request is pending AND whose read FIFO has
// room reserved for every beat of the request (or chunk) to be issued. axi_dma returns reads in
// request order on one stream; each beat goes by the tag's client bits into that client's FIFO,
// which always has room (s_rd_tready is 1), so a client that stops taking its read data stops
// nobody else. The reservation is released as the client takes beats. A request longer than
// RD_FIFO_DEPTH*KEEP_W bytes is issued as chunks of that size (a multiple of KEEP_W, so the
// chunk streams concatenate to the request's stream); tlast only on the final chunk (DMA tag
// MSB), err accumulated over the chunks as axi_dma accumulates it over the beats of a request.
// A request out of the 48-bit range (spec 7.1) that needs chunks is issued as chunks at an
// address above 2^48, so every chunk returns zeros with err, as the whole request would.
//
// Writes: round-robin grant; the granted client (and its beat count) goes to an order FIFO;
// W data is taken from the client at its head for exactly ceil(len/KEEP_W) beats (axi_dma
// takes data by count). Done responses go back by the tag's client bits (axi_dma answers in
// request order; rx/tx/fcmd_engine keep s_wr_done_ready at 1, so no done FIFO).
//
// DMA tag = {last chunk, client index (IDX_W), client tag (TAG_W)}.
`resetall
`timescale 1ns/1ps
`default_nettype none

module dma_mux #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int N = 3,                 // clients, 2..4
  parameter int TAG_W = 8,             // client tag width
  parameter int RD_FIFO_DEPTH = 256,   // read data beats buffered per client (power of two, >= 2)
  parameter int WR_ORDER_DEPTH = 16,   // write requests granted whose data has not all passed
  localparam int IDX_W = (N > 1) ? $clog2(N) : 1,
  localparam int DMA_TAG_W = TAG_W + IDX_W + 1
) (
  input  wire                   clk,
  input  wire                   rst,

  // ---- clients (packed, client c at [c*W +: W])
  input  wire [N-1:0]           s_rd_req_valid,
  output wire [N-1:0]           s_rd_req_ready,
  input  wire [N*64-1:0]        s_rd_req_addr,
  input  wire [N*16-1:0]        s_rd_req_len,
  input  wire [N*TAG_W-1:0]     s_rd_req_tag,
  output wire [N*DATA_W-1:0]    m_rd_tdata,
  output wire [N*KEEP_W-1:0]    m_rd_tkeep,
  output wire [N-1:0]           m_rd_tvalid,
  input  wire [N-1:0]           m_rd_tready,
  output wire [N-1:0]           m_rd_tlast,
  output wire [N*TAG_W-1:0]     m_rd_tag,
  output wire [N-1:0]           m_rd_err,

  input  wire [N-1:0]           s_wr_req_valid,
  output wire [N-1:0]           s_wr_req_ready,
  input  wire [N*64-1:0]        s_wr_req_addr,
  input  wire [N*16-1:0]        s_wr_req_len,
  input  wire [N*TAG_W-1:0]     s_wr_req_tag,
  input  wire [N*DATA_W-1:0]    s_wr_tdata,
  input  wire [N*KEEP_W-1:0]    s_wr_tkeep,
  input  wire [N-1:0]           s_wr_tvalid,
  output wire [N-1:0]           s_wr_tready,
  input  wire [N-1:0]           s_wr_tlast,
  output wire [N-1:0]           m_wr_done_valid,
  input  wire [N-1:0]           m_wr_done_ready,
  output wire [N*TAG_W-1:0]     m_wr_done_tag,
  output wire [N-1:0]           m_wr_done_err,

  // ---- to axi_dma's client ports (axi_dma instantiated with TAG_W = DMA_TAG_W)
  output wire                   m_rd_req_valid,
  input  wire                   m_rd_req_ready,
  output wire [63:0]            m_rd_req_addr,
  output wire [15:0]            m_rd_req_len,
  output wire [DMA_TAG_W-1:0]   m_rd_req_tag,
  input  wire [DATA_W-1:0]      s_rd_tdata,
  input  wire [KEEP_W-1:0]      s_rd_tkeep,
  input  wire                   s_rd_tvalid,
  output wire                   s_rd_tready,
  input  wire                   s_rd_tlast,
  input  wire [DMA_TAG_W-1:0]   s_rd_tag,
  input  wire                   s_rd_err,

  output wire                   m_wr_req_valid,
  input  wire                   m_wr_req_ready,
  output wire [63:0]            m_wr_req_addr,
  output wire [15:0]            m_wr_req_len,
  output wire [DMA_TAG_W-1:0]   m_wr_req_tag,
  output wire [DATA_W-1:0]      m_wr_tdata,
  output wire [KEEP_W-1:0]      m_wr_tkeep,
  output wire                   m_wr_tvalid,
  input  wire                   m_wr_tready,
  output wire                   m_wr_tlast,

  input  wire                   s_wr_done_valid,
  output wire                   s_wr_done_ready,
  input  wire [DMA_TAG_W-1:0]   s_wr_done_tag,
  input  wire                   s_wr_done_err
);

  localparam int B      = KEEP_W;
  localparam int OFF_W  = $clog2(B);
  localparam int BC_W   = 17 - OFF_W;                 // beats of one request (len <= 65535)
  localparam int FA_W   = $clog2(RD_FIFO_DEPTH);      // read FIFO address
  localparam int RC_W   = FA_W + 1;                   // 0..RD_FIFO_DEPTH
  // Chunk size in bytes; at 65536 or more no request is ever split.
  localparam int CHUNK_I = (RD_FIFO_DEPTH * B >= 65536) ? 65536 : RD_FIFO_DEPTH * B;
  localparam logic [16:0] CHUNK = 17'(CHUNK_I);
  localparam logic [RC_W-1:0] DEPTH_C = RC_W'(RD_FIFO_DEPTH);
  // Read FIFO entry: {err, last, tag, keep, data}.
  localparam int FW     = 2 + TAG_W + KEEP_W + DATA_W;
  localparam int WO_W   = N + BC_W;                   // write order entry: {client one-hot, last beat}

  initial begin
    if (DATA_W != 64 && DATA_W != 128 && DATA_W != 256 && DATA_W != 512) begin
      $error("dma_mux (%m): DATA_W (%0d) must be 64, 128, 256 or 512", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("dma_mux (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (N < 2 || N > 4) begin
      $error("dma_mux (%m): N (%0d) must be 2..4", N);
    end
    if (TAG_W < 1) begin
      $error("dma_mux (%m): TAG_W (%0d) must be at least 1", TAG_W);
    end
    if (RD_FIFO_DEPTH < 2 || (RD_FIFO_DEPTH & (RD_FIFO_DEPTH - 1)) != 0) begin
      $error("dma_mux (%m): RD_FIFO_DEPTH (%0d) must be a power of two, at least 2", RD_FIFO_DEPTH);
    end
    if (WR_ORDER_DEPTH < 2 || (WR_ORDER_DEPTH & (WR_ORDER_DEPTH - 1)) != 0) begin
      $error("dma_mux (%m): WR_ORDER_DEPTH (%0d) must be a power of two, at least 2",
             WR_ORDER_DEPTH);
    end
  end

  // Stream beats of len bytes (at least 1: a len-0 read returns one beat with tkeep 0).
  function automatic logic [BC_W-1:0] beats_of(input logic [16:0] len);
    beats_of = (len == 17'd0) ? BC_W'(1) : BC_W'((len + 17'(B - 1)) >> OFF_W);
  endfunction

  // ===================================================================== read requests
  // A request is accepted from the client with its first chunk (so no data comes before the
  // request handshake, as with axi_dma alone); the rest of a split request waits in the
  // client's chunk register (cr_*) and competes for the grant chunk by chunk. The chunk
  // register holds what the next chunk needs, precomputed when the previous one is taken:
  // its address (cr_addr) and the bytes still to go (cr_rem), so no adder sits between a
  // request and its grant. Each client's free FIFO room (rf_free = RD_FIFO_DEPTH - beats
  // reserved) is a register, compared with the chunk in bytes (free * B), not in beats.
  // Per client, packed (client c at [c*W +: W]).
  localparam int FB_W = (RC_W + OFF_W > 17) ? RC_W + OFF_W : 17;  // free room in bytes
  logic [N-1:0]       cr_valid_q;                 // a split request has chunks to go
  logic [N*64-1:0]    cr_addr_q;                  // address of its next chunk
  logic [N*16-1:0]    cr_rem_q;                   // its bytes not yet issued
  logic [N*TAG_W-1:0] cr_tag_q;
  logic [N*RC_W-1:0]  rf_free_q;                  // FIFO beats not reserved
  logic [N-1:0]       rd_elig, rd_gnt, rd_take, rd_chunk_last, rd_pop;
  logic [N*64-1:0]    rd_chunk_addr, rd_next_addr;
  logic [N*16-1:0]    rd_rem, rd_chunk_len;
  logic [N*TAG_W-1:0] rd_tag;
  logic [N*RC_W-1:0]  rd_chunk_beats;
  logic               rd_load;
  logic               rq_valid_q, rq_valid_d;
  logic [63:0]        rq_addr_q, rq_addr_d;
  logic [15:0]        rq_len_q, rq_len_d;
  logic [DMA_TAG_W-1:0] rq_tag_q, rq_tag_d;

  always_comb begin
    for (int c = 0; c < N; c++) begin
      logic [15:0]     rem, len;
      logic [63:0]     addr;
      logic [RC_W-1:0] free;
      logic [16:0]     lo_sum;
      logic            cv, last, fits, oor;
      cv     = cr_valid_q[c];
      len    = s_rd_req_len[c*16 +: 16];
      addr   = s_rd_req_addr[c*64 +: 64];
      free   = rf_free_q[c*RC_W +: RC_W];
      rem    = cv ? cr_rem_q[c*16 +: 16] : len;
      rd_rem[c*16 +: 16]       = rem;
      rd_tag[c*TAG_W +: TAG_W] = cv ? cr_tag_q[c*TAG_W +: TAG_W]
                                    : s_rd_req_tag[c*TAG_W +: TAG_W];
      last   = (17'(rem) <= CHUNK);
      rd_chunk_last[c] = last;
      // The chunk fits: ceil(rem/B) beats (1 for 0) <= free, i.e. rem <= free*B and
      // free != 0; a full chunk (not the last) needs the whole FIFO.
      fits   = last ? ((free != '0) && (FB_W'(rem) <= FB_W'({free, {OFF_W{1'b0}}})))
                    : (free == DEPTH_C);
      rd_elig[c] = (cv || s_rd_req_valid[c]) && fits;
      rd_chunk_len[c*16 +: 16] = last ? rem : CHUNK[15:0];
      rd_chunk_beats[c*RC_W +: RC_W] = last ? RC_W'(beats_of(17'(rem))) : DEPTH_C;
      // Out of range as a whole (axi_dma's rule, len 0 aside: addr + len - 1 >= 2^48), only
      // needed when the request is split (len >= 1): len - 1 < 2^16, so the sum crosses 2^48
      // only if addr[47:16] is all ones and addr[15:0] + len > 2^16.
      lo_sum = 17'(addr[15:0]) + 17'(len);
      oor    = (addr[63:48] != 16'd0) ||
               ((&addr[47:16]) && lo_sum[16] && (lo_sum[15:0] != 16'd0));
      // The chunk's address, and the next chunk's (this one + CHUNK; the adders start at
      // a port or a register, the range check selects after them).
      if (cv) begin
        rd_chunk_addr[c*64 +: 64] = cr_addr_q[c*64 +: 64];     // next chunk, precomputed
        rd_next_addr[c*64 +: 64]  = cr_addr_q[c*64 +: 64] + 64'(CHUNK);
      end else if (!last && oor) begin
        rd_chunk_addr[c*64 +: 64] = {16'hFFFF, 48'd0};         // above 2^48, cannot wrap
        rd_next_addr[c*64 +: 64]  = {16'hFFFF, 48'(CHUNK)};
      end else begin
        rd_chunk_addr[c*64 +: 64] = addr;                      // first chunk, or not split
        rd_next_addr[c*64 +: 64]  = addr + 64'(CHUNK);
      end
    end
  end

  // Round-robin grant among the eligible clients (client 0 first after reset).
  logic [IDX_W-1:0] unused_rd_gnt_idx;
  logic [N-1:0]     unused_rd_last;

  rr_arb #(.N(N)) u_rd_arb (
    .clk       (clk),
    .rst       (rst),
    .req       (rd_elig),
    .advance   (rd_load),
    .grant     (rd_gnt),
    .grant_idx (unused_rd_gnt_idx),
    .last      (unused_rd_last)
  );

  assign rd_load = (rd_elig != '0) && (!rq_valid_q || m_rd_req_ready);
  assign rd_take = rd_gnt & {N{rd_load}};

  // The request register takes the granted client's chunk: AND-OR over the one-hot grant.
  always_comb begin
    logic [63:0]          addr;
    logic [15:0]          len;
    logic [DMA_TAG_W-1:0] tag;
    addr = '0;
    len  = '0;
    tag  = '0;
    for (int c = 0; c < N; c++) begin
      addr = addr | (rd_chunk_addr[c*64 +: 64] & {64{rd_gnt[c]}});
      len  = len  | (rd_chunk_len[c*16 +: 16] & {16{rd_gnt[c]}});
      tag  = tag  | ({rd_chunk_last[c], IDX_W'(c), rd_tag[c*TAG_W +: TAG_W]} &
                     {DMA_TAG_W{rd_gnt[c]}});
    end
    rq_valid_d = rd_load ? 1'b1 : (rq_valid_q && !m_rd_req_ready);
    rq_addr_d  = rd_load ? addr : rq_addr_q;
    rq_len_d   = rd_load ? len  : rq_len_q;
    rq_tag_d   = rd_load ? tag  : rq_tag_q;
  end

  // Per client: the chunk register (loaded when a chunk is taken) and the free room (less
  // the chunk's beats when taken, plus one per beat the client takes).
  logic [N-1:0]       cr_valid_d;
  logic [N*64-1:0]    cr_addr_d;
  logic [N*16-1:0]    cr_rem_d;
  logic [N*TAG_W-1:0] cr_tag_d;
  logic [N*RC_W-1:0]  rf_free_d;

  always_comb begin
    for (int c = 0; c < N; c++) begin
      cr_valid_d[c] = rd_take[c] ? !rd_chunk_last[c] : cr_valid_q[c];
      cr_addr_d[c*64 +: 64] = rd_take[c] ? rd_next_addr[c*64 +: 64] : cr_addr_q[c*64 +: 64];
      cr_rem_d[c*16 +: 16]  = rd_take[c] ? rd_rem[c*16 +: 16] - CHUNK[15:0]
                                         : cr_rem_q[c*16 +: 16];
      cr_tag_d[c*TAG_W +: TAG_W] = rd_take[c] ? rd_tag[c*TAG_W +: TAG_W]
                                              : cr_tag_q[c*TAG_W +: TAG_W];
      // Both sums are formed before the grant is known; the grant only selects.
      rf_free_d[c*RC_W +: RC_W] = rd_take[c]
          ? rf_free_q[c*RC_W +: RC_W] + RC_W'(rd_pop[c]) - rd_chunk_beats[c*RC_W +: RC_W]
          : rf_free_q[c*RC_W +: RC_W] + RC_W'(rd_pop[c]);
    end
  end

  assign s_rd_req_ready = rd_take & ~cr_valid_q;
  assign m_rd_req_valid = rq_valid_q;
  assign m_rd_req_addr  = rq_addr_q;
  assign m_rd_req_len   = rq_len_q;
  assign m_rd_req_tag   = rq_tag_q;

  // ===================================================================== read data
  // Every beat on s_rd has room reserved in its client's FIFO.
  assign s_rd_tready = 1'b1;

  logic [IDX_W-1:0] rs_idx;
  logic             rs_last_chunk;
  logic [TAG_W-1:0] rs_tag;
  assign {rs_last_chunk, rs_idx, rs_tag} = s_rd_tag;

  logic [N-1:0] acc_err_q, acc_err_d;   // err of the earlier chunks of the request
  logic [N-1:0] rf_push, rf_err;

  always_comb begin
    for (int c = 0; c < N; c++) begin
      rf_push[c]   = s_rd_tvalid && (rs_idx == IDX_W'(c));
      rf_err[c]    = s_rd_err || acc_err_q[c];
      acc_err_d[c] = acc_err_q[c];
      if (rf_push[c] && s_rd_tlast) begin
        acc_err_d[c] = rs_last_chunk ? 1'b0 : rf_err[c];
      end
    end
  end

  // Per client: a RAM (written on push, read into a register: block-RAM template) and a
  // two-entry output buffer, refilled one beat a clock, so the client sees a registered
  // FWFT stream at full rate.
  for (genvar c = 0; c < N; c++) begin : g_rf
    logic [FW-1:0]   mem [RD_FIFO_DEPTH];
    logic [FA_W:0]   wp_q, wp_d, rp_q, rp_d;
    logic [FW-1:0]   rdata_q;
    logic            rv_q, rv_d, re, pop;
    logic [1:0]      ob_cnt_q, ob_cnt_d;
    logic [FW-1:0]   ob0_q, ob0_d, ob1_q, ob1_d;
    logic [FW-1:0]   wdata;

    assign wdata = {rf_err[c], s_rd_tlast && rs_last_chunk, rs_tag, s_rd_tkeep, s_rd_tdata};
    assign wp_d  = wp_q + {{FA_W{1'b0}}, rf_push[c]};
    assign pop   = (ob_cnt_q != 2'd0) && m_rd_tready[c];
    // Read the RAM when its beat will have a place in the output buffer next clock.
    assign re    = (rp_q != wp_q) && ((3'(ob_cnt_q) + 3'(rv_q) - 3'(pop)) < 3'd2);
    assign rp_d  = rp_q + {{FA_W{1'b0}}, re};
    assign rv_d  = re;

    always_ff @(posedge clk) begin
      if (rf_push[c]) begin
        mem[wp_q[FA_W-1:0]] <= wdata;
      end
    end
    always_ff @(posedge clk) begin
      if (re) begin
        rdata_q <= mem[rp_q[FA_W-1:0]];
      end
    end

    always_comb begin
      ob0_d    = ob0_q;
      ob1_d    = ob1_q;
      ob_cnt_d = ob_cnt_q - 2'(pop) + 2'(rv_q);
      if (pop) begin
        ob0_d = ob1_q;
      end
      if (rv_q) begin
        if (ob_cnt_q - 2'(pop) == 2'd0) begin
          ob0_d = rdata_q;
        end else begin
          ob1_d = rdata_q;
        end
      end
    end

    always_ff @(posedge clk) begin
      ob0_q <= ob0_d;
      ob1_q <= ob1_d;
      if (rst) begin
        wp_q     <= '0;
        rp_q     <= '0;
        rv_q     <= 1'b0;
        ob_cnt_q <= '0;
      end else begin
        wp_q     <= wp_d;
        rp_q     <= rp_d;
        rv_q     <= rv_d;
        ob_cnt_q <= ob_cnt_d;
      end
    end

    assign rd_pop[c] = pop;
    assign m_rd_tvalid[c] = (ob_cnt_q != 2'd0);
    assign {m_rd_err[c], m_rd_tlast[c], m_rd_tag[c*TAG_W +: TAG_W], m_rd_tkeep[c*KEEP_W +: KEEP_W],
            m_rd_tdata[c*DATA_W +: DATA_W]} = ob0_q;
  end

  // ===================================================================== write requests
  logic [N-1:0]     wr_gnt, wr_take;
  logic             wr_load, wo_s_ready, wo_push;
  logic             wq_valid_q, wq_valid_d;
  logic [63:0]      wq_addr_q, wq_addr_d;
  logic [15:0]      wq_len_q, wq_len_d;
  logic [DMA_TAG_W-1:0] wq_tag_q, wq_tag_d;
  logic [15:0]      wr_g_len;
  logic [BC_W-1:0]  wr_g_lastbeat;

  logic [IDX_W-1:0] unused_wr_gnt_idx;
  logic [N-1:0]     unused_wr_last;

  rr_arb #(.N(N)) u_wr_arb (
    .clk       (clk),
    .rst       (rst),
    .req       (s_wr_req_valid),
    .advance   (wr_load),
    .grant     (wr_gnt),
    .grant_idx (unused_wr_gnt_idx),
    .last      (unused_wr_last)
  );

  assign wr_load  = (s_wr_req_valid != '0) && wo_s_ready && (!wq_valid_q || m_wr_req_ready);
  assign wr_take  = wr_gnt & {N{wr_load}};

  always_comb begin
    logic [63:0]          addr;
    logic [15:0]          len;
    logic [BC_W-1:0]      lastbeat;
    logic [DMA_TAG_W-1:0] tag;
    addr     = '0;
    len      = '0;
    lastbeat = '0;
    tag      = '0;
    for (int c = 0; c < N; c++) begin
      addr     = addr | (s_wr_req_addr[c*64 +: 64] & {64{wr_gnt[c]}});
      len      = len  | (s_wr_req_len[c*16 +: 16] & {16{wr_gnt[c]}});
      // Index of the last data beat, ceil(len/B) - 1 (len >= 1; len 0 is not ordered).
      lastbeat = lastbeat | (BC_W'((s_wr_req_len[c*16 +: 16] - 16'd1) >> OFF_W) &
                             {BC_W{wr_gnt[c]}});
      tag      = tag  | ({1'b1, IDX_W'(c), s_wr_req_tag[c*TAG_W +: TAG_W]} &
                         {DMA_TAG_W{wr_gnt[c]}});
    end
    wr_g_len      = len;
    wr_g_lastbeat = lastbeat;
    wq_valid_d = wr_load ? 1'b1 : (wq_valid_q && !m_wr_req_ready);
    wq_addr_d  = wr_load ? addr : wq_addr_q;
    wq_len_d   = wr_load ? len  : wq_len_q;
    wq_tag_d   = wr_load ? tag  : wq_tag_q;
  end

  // A len-0 write has no data beats (axi_dma takes none): nothing to order.
  assign wo_push  = wr_load && (wr_g_len != 16'd0);

  assign s_wr_req_ready = wr_take;
  assign m_wr_req_valid = wq_valid_q;
  assign m_wr_req_addr  = wq_addr_q;
  assign m_wr_req_len   = wq_len_q;
  assign m_wr_req_tag   = wq_tag_q;

  // ===================================================================== write data
  // The order FIFO holds the client one-hot and the index of its last beat, so the W mux is
  // an AND-OR and the last beat an equality.
  logic                 wo_valid, wo_pop;
  logic [WO_W-1:0]      wo_data;
  logic [N-1:0]         wo_sel;
  logic [BC_W-1:0]      wo_lastbeat;
  logic [BC_W-1:0]      wcnt_q, wcnt_d;
  logic [$clog2(WR_ORDER_DEPTH):0] unused_wo_cnt;
  logic                 w_hs, w_last;
  logic [DATA_W-1:0]    w_data;
  logic [KEEP_W-1:0]    w_keep;

  sync_fifo #(.WIDTH(WO_W), .DEPTH(WR_ORDER_DEPTH)) u_wr_order (
    .clk(clk), .rst(rst),
    .s_valid(wo_push), .s_ready(wo_s_ready), .s_data({wr_gnt, wr_g_lastbeat}),
    .m_valid(wo_valid), .m_ready(wo_pop), .m_data(wo_data), .count(unused_wo_cnt)
  );
  assign {wo_sel, wo_lastbeat} = wo_data;

  always_comb begin
    w_data = '0;
    w_keep = '0;
    for (int c = 0; c < N; c++) begin
      w_data = w_data | (s_wr_tdata[c*DATA_W +: DATA_W] & {DATA_W{wo_sel[c]}});
      w_keep = w_keep | (s_wr_tkeep[c*KEEP_W +: KEEP_W] & {KEEP_W{wo_sel[c]}});
    end
  end

  assign m_wr_tvalid = wo_valid && ((s_wr_tvalid & wo_sel) != '0);
  assign m_wr_tdata  = w_data;
  assign m_wr_tkeep  = w_keep;
  assign w_last      = (wcnt_q == wo_lastbeat);
  assign m_wr_tlast  = w_last;
  assign w_hs        = m_wr_tvalid && m_wr_tready;
  assign wo_pop      = w_hs && w_last;
  assign wcnt_d      = wo_pop ? '0 : (w_hs ? wcnt_q + BC_W'(1) : wcnt_q);
  assign s_wr_tready = wo_sel & {N{wo_valid && m_wr_tready}};

  // ===================================================================== write done
  logic [IDX_W-1:0] dn_idx;
  logic             unused_dn_last;
  logic [TAG_W-1:0] dn_tag;
  logic [N-1:0]     dn_sel;
  assign {unused_dn_last, dn_idx, dn_tag} = s_wr_done_tag;

  for (genvar c = 0; c < N; c++) begin : g_done
    assign dn_sel[c]                       = (dn_idx == IDX_W'(c));
    assign m_wr_done_valid[c]              = s_wr_done_valid && dn_sel[c];
    assign m_wr_done_tag[c*TAG_W +: TAG_W] = dn_tag;
    assign m_wr_done_err[c]                = s_wr_done_err;
  end
  assign s_wr_done_ready = ((m_wr_done_ready & dn_sel) != '0);

  // ===================================================================== registers
  always_ff @(posedge clk) begin
    rq_addr_q <= rq_addr_d;
    rq_len_q  <= rq_len_d;
    rq_tag_q  <= rq_tag_d;
    wq_addr_q <= wq_addr_d;
    wq_len_q  <= wq_len_d;
    wq_tag_q  <= wq_tag_d;
    cr_addr_q <= cr_addr_d;
    cr_rem_q  <= cr_rem_d;
    cr_tag_q  <= cr_tag_d;
    if (rst) begin
      rq_valid_q <= 1'b0;
      wq_valid_q <= 1'b0;
      acc_err_q  <= '0;
      wcnt_q     <= '0;
      cr_valid_q <= '0;
      rf_free_q  <= {N{DEPTH_C}};
    end else begin
      rq_valid_q <= rq_valid_d;
      wq_valid_q <= wq_valid_d;
      acc_err_q  <= acc_err_d;
      wcnt_q     <= wcnt_d;
      cr_valid_q <= cr_valid_d;
      rf_free_q  <= rf_free_d;
    end
  end

  // Unused inputs: the client tkeep/tlast of writes (axi_dma takes data by count and ignores
  // them; m_wr_tlast is recomputed), the read stream's tkeep is stored as is.
  logic unused_ok;
  assign unused_ok = ^{s_wr_tlast, unused_wo_cnt, unused_dn_last};

endmodule

`default_nettype wire
