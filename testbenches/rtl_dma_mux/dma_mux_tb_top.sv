// SPDX-License-Identifier: MIT
// Bench-only wrapper (testbenches/rtl_dma_mux): dma_mux (or, with PLAIN = 1, the bench-only
// plain request mux plain_dma_mux, to show what the reservation is for) in front of axi_dma,
// the AXI4 master port exposed for the AxiMem host-memory model. Not part of rtl/.
`resetall
`timescale 1ns/1ps
`default_nettype none

module dma_mux_tb_top #(
  parameter int DATA_W = 512,
  parameter int N = 3,
  parameter int TAG_W = 8,
  parameter int RD_FIFO_DEPTH = 16,
  parameter int WR_ORDER_DEPTH = 16,
  parameter int MAX_BURST = 64,
  parameter int PLAIN = 0,
  parameter int KEEP_W = DATA_W / 8
) (
  input  wire                   clk,
  input  wire                   rst,
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

  output wire [63:0]            cnt_dev_err,
  output wire                   dma_rd_tready,   // axi_dma's m_rd_tready (1 with dma_mux)

  output wire [3:0]             m_axi_awid,
  output wire [63:0]            m_axi_awaddr,
  output wire [7:0]             m_axi_awlen,
  output wire [2:0]             m_axi_awsize,
  output wire [1:0]             m_axi_awburst,
  output wire [3:0]             m_axi_awcache,
  output wire [2:0]             m_axi_awprot,
  output wire                   m_axi_awvalid,
  input  wire                   m_axi_awready,
  output wire [DATA_W-1:0]      m_axi_wdata,
  output wire [KEEP_W-1:0]      m_axi_wstrb,
  output wire                   m_axi_wlast,
  output wire                   m_axi_wvalid,
  input  wire                   m_axi_wready,
  input  wire [3:0]             m_axi_bid,
  input  wire [1:0]             m_axi_bresp,
  input  wire                   m_axi_bvalid,
  output wire                   m_axi_bready,
  output wire [3:0]             m_axi_arid,
  output wire [63:0]            m_axi_araddr,
  output wire [7:0]             m_axi_arlen,
  output wire [2:0]             m_axi_arsize,
  output wire [1:0]             m_axi_arburst,
  output wire [3:0]             m_axi_arcache,
  output wire [2:0]             m_axi_arprot,
  output wire                   m_axi_arvalid,
  input  wire                   m_axi_arready,
  input  wire [3:0]             m_axi_rid,
  input  wire [DATA_W-1:0]      m_axi_rdata,
  input  wire [1:0]             m_axi_rresp,
  input  wire                   m_axi_rlast,
  input  wire                   m_axi_rvalid,
  output wire                   m_axi_rready
);

  localparam int IDX_W = (N > 1) ? $clog2(N) : 1;
  localparam int DMA_TAG_W = TAG_W + IDX_W + 1;

  wire                 d_m_rd_req_valid, d_m_rd_req_ready;
  wire [63:0]          d_m_rd_req_addr;
  wire [15:0]          d_m_rd_req_len;
  wire [DMA_TAG_W-1:0] d_m_rd_req_tag;
  wire [DATA_W-1:0]    d_s_rd_tdata;
  wire [KEEP_W-1:0]    d_s_rd_tkeep;
  wire                 d_s_rd_tvalid, d_s_rd_tready, d_s_rd_tlast, d_s_rd_err;
  wire [DMA_TAG_W-1:0] d_s_rd_tag;
  wire                 d_m_wr_req_valid, d_m_wr_req_ready;
  wire [63:0]          d_m_wr_req_addr;
  wire [15:0]          d_m_wr_req_len;
  wire [DMA_TAG_W-1:0] d_m_wr_req_tag;
  wire [DATA_W-1:0]    d_m_wr_tdata;
  wire [KEEP_W-1:0]    d_m_wr_tkeep;
  wire                 d_m_wr_tvalid, d_m_wr_tready, d_m_wr_tlast;
  wire                 d_s_wr_done_valid, d_s_wr_done_ready, d_s_wr_done_err;
  wire [DMA_TAG_W-1:0] d_s_wr_done_tag;

  if (PLAIN != 0) begin : g_plain
    plain_dma_mux #(.DATA_W(DATA_W), .N(N), .TAG_W(TAG_W)) u_mux (
    .clk(clk), .rst(rst),
    .s_rd_req_valid(s_rd_req_valid),
      .s_rd_req_ready(s_rd_req_ready),
      .s_rd_req_addr(s_rd_req_addr),
      .s_rd_req_len(s_rd_req_len),
      .s_rd_req_tag(s_rd_req_tag),
      .m_rd_tdata(m_rd_tdata),
      .m_rd_tkeep(m_rd_tkeep),
      .m_rd_tvalid(m_rd_tvalid),
      .m_rd_tready(m_rd_tready),
      .m_rd_tlast(m_rd_tlast),
      .m_rd_tag(m_rd_tag),
      .m_rd_err(m_rd_err),
      .s_wr_req_valid(s_wr_req_valid),
      .s_wr_req_ready(s_wr_req_ready),
      .s_wr_req_addr(s_wr_req_addr),
      .s_wr_req_len(s_wr_req_len),
      .s_wr_req_tag(s_wr_req_tag),
      .s_wr_tdata(s_wr_tdata),
      .s_wr_tkeep(s_wr_tkeep),
      .s_wr_tvalid(s_wr_tvalid),
      .s_wr_tready(s_wr_tready),
      .s_wr_tlast(s_wr_tlast),
      .m_wr_done_valid(m_wr_done_valid),
      .m_wr_done_ready(m_wr_done_ready),
      .m_wr_done_tag(m_wr_done_tag),
      .m_wr_done_err(m_wr_done_err),
      .m_rd_req_valid(d_m_rd_req_valid),
      .m_rd_req_ready(d_m_rd_req_ready),
      .m_rd_req_addr(d_m_rd_req_addr),
      .m_rd_req_len(d_m_rd_req_len),
      .m_rd_req_tag(d_m_rd_req_tag),
      .s_rd_tdata(d_s_rd_tdata),
      .s_rd_tkeep(d_s_rd_tkeep),
      .s_rd_tvalid(d_s_rd_tvalid),
      .s_rd_tready(d_s_rd_tready),
      .s_rd_tlast(d_s_rd_tlast),
      .s_rd_tag(d_s_rd_tag),
      .s_rd_err(d_s_rd_err),
      .m_wr_req_valid(d_m_wr_req_valid),
      .m_wr_req_ready(d_m_wr_req_ready),
      .m_wr_req_addr(d_m_wr_req_addr),
      .m_wr_req_len(d_m_wr_req_len),
      .m_wr_req_tag(d_m_wr_req_tag),
      .m_wr_tdata(d_m_wr_tdata),
      .m_wr_tkeep(d_m_wr_tkeep),
      .m_wr_tvalid(d_m_wr_tvalid),
      .m_wr_tready(d_m_wr_tready),
      .m_wr_tlast(d_m_wr_tlast),
      .s_wr_done_valid(d_s_wr_done_valid),
      .s_wr_done_ready(d_s_wr_done_ready),
      .s_wr_done_tag(d_s_wr_done_tag),
      .s_wr_done_err(d_s_wr_done_err)
    );
  end else begin : g_mux
    dma_mux #(.DATA_W(DATA_W), .N(N), .TAG_W(TAG_W), .RD_FIFO_DEPTH(RD_FIFO_DEPTH),
              .WR_ORDER_DEPTH(WR_ORDER_DEPTH)) u_mux (
    .clk(clk), .rst(rst),
    .s_rd_req_valid(s_rd_req_valid),
      .s_rd_req_ready(s_rd_req_ready),
      .s_rd_req_addr(s_rd_req_addr),
      .s_rd_req_len(s_rd_req_len),
      .s_rd_req_tag(s_rd_req_tag),
      .m_rd_tdata(m_rd_tdata),
      .m_rd_tkeep(m_rd_tkeep),
      .m_rd_tvalid(m_rd_tvalid),
      .m_rd_tready(m_rd_tready),
      .m_rd_tlast(m_rd_tlast),
      .m_rd_tag(m_rd_tag),
      .m_rd_err(m_rd_err),
      .s_wr_req_valid(s_wr_req_valid),
      .s_wr_req_ready(s_wr_req_ready),
      .s_wr_req_addr(s_wr_req_addr),
      .s_wr_req_len(s_wr_req_len),
      .s_wr_req_tag(s_wr_req_tag),
      .s_wr_tdata(s_wr_tdata),
      .s_wr_tkeep(s_wr_tkeep),
      .s_wr_tvalid(s_wr_tvalid),
      .s_wr_tready(s_wr_tready),
      .s_wr_tlast(s_wr_tlast),
      .m_wr_done_valid(m_wr_done_valid),
      .m_wr_done_ready(m_wr_done_ready),
      .m_wr_done_tag(m_wr_done_tag),
      .m_wr_done_err(m_wr_done_err),
      .m_rd_req_valid(d_m_rd_req_valid),
      .m_rd_req_ready(d_m_rd_req_ready),
      .m_rd_req_addr(d_m_rd_req_addr),
      .m_rd_req_len(d_m_rd_req_len),
      .m_rd_req_tag(d_m_rd_req_tag),
      .s_rd_tdata(d_s_rd_tdata),
      .s_rd_tkeep(d_s_rd_tkeep),
      .s_rd_tvalid(d_s_rd_tvalid),
      .s_rd_tready(d_s_rd_tready),
      .s_rd_tlast(d_s_rd_tlast),
      .s_rd_tag(d_s_rd_tag),
      .s_rd_err(d_s_rd_err),
      .m_wr_req_valid(d_m_wr_req_valid),
      .m_wr_req_ready(d_m_wr_req_ready),
      .m_wr_req_addr(d_m_wr_req_addr),
      .m_wr_req_len(d_m_wr_req_len),
      .m_wr_req_tag(d_m_wr_req_tag),
      .m_wr_tdata(d_m_wr_tdata),
      .m_wr_tkeep(d_m_wr_tkeep),
      .m_wr_tvalid(d_m_wr_tvalid),
      .m_wr_tready(d_m_wr_tready),
      .m_wr_tlast(d_m_wr_tlast),
      .s_wr_done_valid(d_s_wr_done_valid),
      .s_wr_done_ready(d_s_wr_done_ready),
      .s_wr_done_tag(d_s_wr_done_tag),
      .s_wr_done_err(d_s_wr_done_err)
    );
  end
  assign dma_rd_tready = d_s_rd_tready;

  axi_dma #(.DATA_W(DATA_W), .ADDR_W(64), .ID_W(4), .TAG_W(DMA_TAG_W), .MAX_OUTSTANDING_RD(16),
            .MAX_OUTSTANDING_WR(16), .MAX_BURST(MAX_BURST), .REQ_DEPTH(4)) u_dma (
    .clk(clk), .rst(rst),
    .s_rd_req_valid(d_m_rd_req_valid), .s_rd_req_ready(d_m_rd_req_ready),
    .s_rd_req_addr(d_m_rd_req_addr), .s_rd_req_len(d_m_rd_req_len),
    .s_rd_req_tag(d_m_rd_req_tag),
    .m_rd_tdata(d_s_rd_tdata), .m_rd_tkeep(d_s_rd_tkeep), .m_rd_tvalid(d_s_rd_tvalid),
    .m_rd_tready(d_s_rd_tready), .m_rd_tlast(d_s_rd_tlast), .m_rd_tag(d_s_rd_tag),
    .m_rd_err(d_s_rd_err),
    .s_wr_req_valid(d_m_wr_req_valid), .s_wr_req_ready(d_m_wr_req_ready),
    .s_wr_req_addr(d_m_wr_req_addr), .s_wr_req_len(d_m_wr_req_len),
    .s_wr_req_tag(d_m_wr_req_tag),
    .s_wr_tdata(d_m_wr_tdata), .s_wr_tkeep(d_m_wr_tkeep), .s_wr_tvalid(d_m_wr_tvalid),
    .s_wr_tready(d_m_wr_tready), .s_wr_tlast(d_m_wr_tlast),
    .m_wr_done_valid(d_s_wr_done_valid), .m_wr_done_ready(d_s_wr_done_ready),
    .m_wr_done_tag(d_s_wr_done_tag), .m_wr_done_err(d_s_wr_done_err),
    .cnt_dev_err(cnt_dev_err),
    .m_axi_awid(m_axi_awid),
    .m_axi_awaddr(m_axi_awaddr),
    .m_axi_awlen(m_axi_awlen),
    .m_axi_awsize(m_axi_awsize),
    .m_axi_awburst(m_axi_awburst),
    .m_axi_awcache(m_axi_awcache),
    .m_axi_awprot(m_axi_awprot),
    .m_axi_awvalid(m_axi_awvalid),
    .m_axi_awready(m_axi_awready),
    .m_axi_wdata(m_axi_wdata),
    .m_axi_wstrb(m_axi_wstrb),
    .m_axi_wlast(m_axi_wlast),
    .m_axi_wvalid(m_axi_wvalid),
    .m_axi_wready(m_axi_wready),
    .m_axi_bid(m_axi_bid),
    .m_axi_bresp(m_axi_bresp),
    .m_axi_bvalid(m_axi_bvalid),
    .m_axi_bready(m_axi_bready),
    .m_axi_arid(m_axi_arid),
    .m_axi_araddr(m_axi_araddr),
    .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize),
    .m_axi_arburst(m_axi_arburst),
    .m_axi_arcache(m_axi_arcache),
    .m_axi_arprot(m_axi_arprot),
    .m_axi_arvalid(m_axi_arvalid),
    .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid),
    .m_axi_rdata(m_axi_rdata),
    .m_axi_rresp(m_axi_rresp),
    .m_axi_rlast(m_axi_rlast),
    .m_axi_rvalid(m_axi_rvalid),
    .m_axi_rready(m_axi_rready)
  );

endmodule

`default_nettype wire
