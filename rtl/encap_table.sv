// SPDX-License-Identifier: MIT
// encap_table: the NUM_ENCAP encap templates (docs/spec.md 5.5) in one block RAM, read by the
// frames (nic_datapath's d1 stage) and by ENCAP_CMD READ (nic_mgmt), written by ENCAP_CMD
// WRITE. docs/rtl.md "Encap templates" says why it is built this way.
//
// One RAM word per template: {written, template}. The written bit replaces a NUM_ENCAP-bit
// register of the templates ever written; a template whose bit is clear reads as the
// model's new template (EncapTemplate{}: TTL 64, UDP port 4789, the rest zero) on both read
// ports, so a frame whose action names a template never written gets the headers the model
// gives it. After reset the table writes every word to zero (NUM_ENCAP clocks); `ready` is
// low until then and the caller neither writes nor reads meanwhile.
//
// One read port, shared: a management read (mg_rd_valid, one clock) is taken on the next
// clock, on which s_rd_ready is low (the frame read waits one clock); its data is on
// mg_rd_data with mg_rd_data_valid the clock after (two clocks after the request). A frame
// read (s_rd_valid && s_rd_ready) has its template on rd_tmpl the clock after. Each port's
// data is valid for that one clock only (the next read of either port replaces it). A write
// and a read of the same index on one clock read the old word.
`resetall
`timescale 1ns/1ps
`default_nettype none

module encap_table #(
  parameter int NUM_ENCAP = 4096  // templates 1..NUM_ENCAP-1 usable, a power of two
) (
  input  wire                              clk,
  input  wire                              rst,
  output wire                              ready,          // the reset sweep is done

  // Write (ENCAP_CMD WRITE): index below NUM_ENCAP (the caller checks), only when ready.
  input  wire                              wr_valid,
  input  wire [15:0]                       wr_index,
  input  wire [nic_fmt_pkg::ENCAP_W-1:0]   wr_data,

  // Frame read.
  input  wire                              s_rd_valid,
  output wire                              s_rd_ready,
  input  wire [15:0]                       s_rd_index,
  output wire [nic_fmt_pkg::ENCAP_W-1:0]   rd_tmpl,

  // Management read (ENCAP_CMD READ): index below NUM_ENCAP, only when ready and when no
  // earlier management read is still waiting for its data.
  input  wire                              mg_rd_valid,
  input  wire [15:0]                       mg_rd_index,
  output wire                              mg_rd_data_valid,
  output wire [nic_fmt_pkg::ENCAP_W-1:0]   mg_rd_data
);

  localparam int EW = nic_fmt_pkg::ENCAP_W;
  localparam int AW = (NUM_ENCAP > 1) ? $clog2(NUM_ENCAP) : 1;
  localparam logic [EW-1:0] ENC_DEFAULT = nic_fmt_pkg::ENCAP_DEFAULT;

  initial begin
    if (NUM_ENCAP < 2 || NUM_ENCAP > 65536 || (NUM_ENCAP & (NUM_ENCAP - 1)) != 0) begin
      $error("encap_table (%m): NUM_ENCAP (%0d) must be a power of two, 2..65536", NUM_ENCAP);
    end
  end

  logic          init_q, init_d;           // sweeping after reset
  logic [AW-1:0] init_addr_q, init_addr_d;
  logic          mg_pend_q, mg_pend_d;     // a management read waits for the port
  logic [AW-1:0] mg_idx_q, mg_idx_d;
  logic          mg_out_q, mg_out_d;       // the RAM output holds the management read

  logic          ram_wr_en, ram_rd_en;
  logic [AW-1:0] ram_wr_addr, ram_rd_addr;
  logic [EW:0]   ram_wr_data, ram_rd_data;
  logic [EW-1:0] tmpl;

  always_comb begin
    init_d      = init_q;
    init_addr_d = init_addr_q;
    mg_pend_d   = mg_pend_q;
    mg_idx_d    = mg_idx_q;
    ram_wr_en   = 1'b0;
    ram_wr_addr = wr_index[AW-1:0];
    ram_wr_data = {1'b1, wr_data};
    if (init_q) begin
      ram_wr_en   = 1'b1;
      ram_wr_addr = init_addr_q;
      ram_wr_data = '0;
      init_addr_d = init_addr_q + AW'(1);
      if (init_addr_q == AW'(NUM_ENCAP - 1)) begin
        init_d = 1'b0;
      end
    end else if (wr_valid) begin
      ram_wr_en = 1'b1;
    end
    // The management read takes the port the clock after its request; frames wait then.
    ram_rd_en   = mg_pend_q || (s_rd_valid && s_rd_ready);
    ram_rd_addr = mg_pend_q ? mg_idx_q : s_rd_index[AW-1:0];
    mg_out_d    = mg_pend_q;
    if (mg_rd_valid) begin
      mg_pend_d = 1'b1;
      mg_idx_d  = mg_rd_index[AW-1:0];
    end else if (mg_pend_q) begin
      mg_pend_d = 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      init_q      <= 1'b1;
      init_addr_q <= '0;
      mg_pend_q   <= 1'b0;
      mg_out_q    <= 1'b0;
    end else begin
      init_q      <= init_d;
      init_addr_q <= init_addr_d;
      mg_pend_q   <= mg_pend_d;
      mg_out_q    <= mg_out_d;
    end
  end
  always_ff @(posedge clk) begin
    mg_idx_q <= mg_idx_d;
  end

  sdp_ram #(.WIDTH(EW + 1), .DEPTH(NUM_ENCAP)) u_ram (
    .clk     (clk),
    .wr_en   (ram_wr_en),
    .wr_addr (ram_wr_addr),
    .wr_data (ram_wr_data),
    .rd_en   (ram_rd_en),
    .rd_addr (ram_rd_addr),
    .rd_data (ram_rd_data)
  );

  assign tmpl             = ram_rd_data[EW] ? ram_rd_data[EW-1:0] : ENC_DEFAULT;
  assign ready            = !init_q;
  assign s_rd_ready       = !init_q && !mg_pend_q;
  assign rd_tmpl          = tmpl;
  assign mg_rd_data_valid = mg_out_q;
  assign mg_rd_data       = tmpl;

  if (AW < 16) begin : g_unused
    logic unused;
    assign unused = ^{wr_index[15:AW], s_rd_index[15:AW], mg_rd_index[15:AW]};
  end

endmodule

`default_nettype wire
