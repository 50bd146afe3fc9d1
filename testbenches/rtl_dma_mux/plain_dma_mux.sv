// SPDX-License-Identifier: MIT
// Bench-only (testbenches/rtl_dma_mux): a plain request mux in front of axi_dma, dma_mux's
// ports without its per-client read FIFOs and reservation. Used only to show that the test
// RtlDmaMux.StalledClientDoesNotBlockOthers deadlocks without the reservation. Not part of rtl/.
`resetall
`timescale 1ns/1ps
`default_nettype none

module plain_dma_mux #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int N = 3,                 // clients, 2..4
  parameter int TAG_W = 8,             // client tag width
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

  // Reads: round-robin request mux, no reservation, no chunking; read data goes straight to
  // the client named by the tag, and axi_dma's stream waits for that client (the deadlock).
  logic [N-1:0]     take;
  logic [IDX_W-1:0] rr_q, g;
  logic             load, rq_valid_q;
  logic [63:0]      rq_addr_q;
  logic [15:0]      rq_len_q;
  logic [DMA_TAG_W-1:0] rq_tag_q;

  always_comb begin
    g = '0;
    for (int k = N; k >= 1; k--) begin
      if (s_rd_req_valid[(32'(rr_q) + k) % N]) begin
        g = IDX_W'((32'(rr_q) + k) % N);
      end
    end
  end
  assign load = (s_rd_req_valid != '0) && (!rq_valid_q || m_rd_req_ready);
  for (genvar c = 0; c < N; c++) begin : g_c
    assign take[c] = load && (g == IDX_W'(c));
    assign m_rd_tdata[c*DATA_W +: DATA_W] = s_rd_tdata;
    assign m_rd_tkeep[c*KEEP_W +: KEEP_W] = s_rd_tkeep;
    assign m_rd_tvalid[c] = s_rd_tvalid && (s_rd_tag[TAG_W +: IDX_W] == IDX_W'(c));
    assign m_rd_tlast[c] = s_rd_tlast;
    assign m_rd_tag[c*TAG_W +: TAG_W] = s_rd_tag[TAG_W-1:0];
    assign m_rd_err[c] = s_rd_err;
  end
  assign s_rd_req_ready = take;
  assign s_rd_tready = m_rd_tready[s_rd_tag[TAG_W +: IDX_W]];
  assign m_rd_req_valid = rq_valid_q;
  assign m_rd_req_addr = rq_addr_q;
  assign m_rd_req_len = rq_len_q;
  assign m_rd_req_tag = rq_tag_q;

  always_ff @(posedge clk) begin
    if (load) begin
      rq_addr_q <= s_rd_req_addr[32'(g)*64 +: 64];
      rq_len_q  <= s_rd_req_len[32'(g)*16 +: 16];
      rq_tag_q  <= {1'b1, g, s_rd_req_tag[32'(g)*TAG_W +: TAG_W]};
    end
    if (rst) begin
      rq_valid_q <= 1'b0;
      rr_q       <= IDX_W'(N - 1);
    end else begin
      rq_valid_q <= load || (rq_valid_q && !m_rd_req_ready);
      if (load) begin
        rr_q <= g;
      end
    end
  end

  // Writes: not used by the bench's plain-mux test; tied off.
  assign s_wr_req_ready = '0;
  assign s_wr_tready = '0;
  assign m_wr_done_valid = '0;
  assign m_wr_done_tag = '0;
  assign m_wr_done_err = '0;
  assign m_wr_req_valid = 1'b0;
  assign m_wr_req_addr = '0;
  assign m_wr_req_len = '0;
  assign m_wr_req_tag = '0;
  assign m_wr_tdata = '0;
  assign m_wr_tkeep = '0;
  assign m_wr_tvalid = 1'b0;
  assign m_wr_tlast = 1'b0;
  assign s_wr_done_ready = 1'b1;

  logic unused_ok;
  assign unused_ok = ^{s_wr_req_valid, s_wr_req_addr, s_wr_req_len, s_wr_req_tag, s_wr_tdata,
                       s_wr_tkeep, s_wr_tvalid, s_wr_tlast, m_wr_done_ready, m_wr_req_ready,
                       m_wr_tready, s_wr_done_valid, s_wr_done_tag, s_wr_done_err,
                       s_rd_tag[DMA_TAG_W-1]};

endmodule

`default_nettype wire
