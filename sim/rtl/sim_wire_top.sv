// SPDX-License-Identifier: MIT
// sim_wire_top: the design under the SystemC wire harness of sim/ (nicsim run, the
// passthrough benches of testbenches/sim) until the co-simulation issue puts nic_top and the
// host model there: the NIC's register map (nic_regfile through sim_wire_csr) and a wire
// loop. It is not part of the NIC (rtl/) and is not synthesized.
//
// The wire input stream passes through one skid-buffered register slice
// (axis_pipe_reg, latency 1 clock, one beat per clock under backpressure) to the wire
// output; both sides are counted (axis_stat_tap) into the register block (sim_wire_csr) behind
// the AXI4-Lite slave.
`resetall
`timescale 1ns/1ps
`default_nettype none

module sim_wire_top #(
  parameter int DATA_W = 512,  // wire stream width: 64 or 512
  parameter int USER_W = 1,    // tuser width (passed through unchanged)
  localparam int KEEP_W = DATA_W / 8
) (
  input  wire                           clk,
  input  wire                           rst,   // synchronous, active high

  // Wire in (from the MAC).
  input  wire [DATA_W-1:0]              s_axis_wire_tdata,
  input  wire [KEEP_W-1:0]              s_axis_wire_tkeep,
  input  wire                           s_axis_wire_tvalid,
  output wire                           s_axis_wire_tready,
  input  wire                           s_axis_wire_tlast,
  input  wire [USER_W-1:0]              s_axis_wire_tuser,

  // Wire out (to the MAC).
  output wire [DATA_W-1:0]              m_axis_wire_tdata,
  output wire [KEEP_W-1:0]              m_axis_wire_tkeep,
  output wire                           m_axis_wire_tvalid,
  input  wire                           m_axis_wire_tready,
  output wire                           m_axis_wire_tlast,
  output wire [USER_W-1:0]              m_axis_wire_tuser,

  // Control: AXI4-Lite slave (registers).
  input  wire [nic_pkg::CSR_ADDR_W-1:0] s_axil_awaddr,
  input  wire [2:0]                     s_axil_awprot,
  input  wire                           s_axil_awvalid,
  output wire                           s_axil_awready,
  input  wire [nic_pkg::CSR_DATA_W-1:0] s_axil_wdata,
  input  wire [nic_pkg::CSR_STRB_W-1:0] s_axil_wstrb,
  input  wire                           s_axil_wvalid,
  output wire                           s_axil_wready,
  output wire [1:0]                     s_axil_bresp,
  output wire                           s_axil_bvalid,
  input  wire                           s_axil_bready,
  input  wire [nic_pkg::CSR_ADDR_W-1:0] s_axil_araddr,
  input  wire [2:0]                     s_axil_arprot,
  input  wire                           s_axil_arvalid,
  output wire                           s_axil_arready,
  output wire [nic_pkg::CSR_DATA_W-1:0] s_axil_rdata,
  output wire [1:0]                     s_axil_rresp,
  output wire                           s_axil_rvalid,
  input  wire                           s_axil_rready
);

  localparam int BYTES_W = $clog2(KEEP_W + 1);

  initial begin
    if (DATA_W != 64 && DATA_W != 512) begin
      $error("sim_wire_top: DATA_W (%0d) must be 64 or 512", DATA_W);
    end
    if (USER_W < 1) begin
      $error("sim_wire_top: USER_W (%0d) must be at least 1", USER_W);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Datapath: wire in -> register slice -> wire out
  // ---------------------------------------------------------------------------------------
  axis_pipe_reg #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W)
  ) u_wire_pipe (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (s_axis_wire_tdata),
    .s_axis_tkeep  (s_axis_wire_tkeep),
    .s_axis_tvalid (s_axis_wire_tvalid),
    .s_axis_tready (s_axis_wire_tready),
    .s_axis_tlast  (s_axis_wire_tlast),
    .s_axis_tuser  (s_axis_wire_tuser),
    .m_axis_tdata  (m_axis_wire_tdata),
    .m_axis_tkeep  (m_axis_wire_tkeep),
    .m_axis_tvalid (m_axis_wire_tvalid),
    .m_axis_tready (m_axis_wire_tready),
    .m_axis_tlast  (m_axis_wire_tlast),
    .m_axis_tuser  (m_axis_wire_tuser)
  );

  // ---------------------------------------------------------------------------------------
  // Statistics taps on both wire streams
  // ---------------------------------------------------------------------------------------
  logic               stat_in_beat;
  logic               stat_in_last;
  logic [BYTES_W-1:0] stat_in_bytes;
  logic               stat_out_beat;
  logic               stat_out_last;
  logic [BYTES_W-1:0] stat_out_bytes;

  axis_stat_tap #(
    .KEEP_W (KEEP_W)
  ) u_stat_in (
    .clk         (clk),
    .rst         (rst),
    .axis_tkeep  (s_axis_wire_tkeep),
    .axis_tvalid (s_axis_wire_tvalid),
    .axis_tready (s_axis_wire_tready),
    .axis_tlast  (s_axis_wire_tlast),
    .stat_beat   (stat_in_beat),
    .stat_last   (stat_in_last),
    .stat_bytes  (stat_in_bytes)
  );

  axis_stat_tap #(
    .KEEP_W (KEEP_W)
  ) u_stat_out (
    .clk         (clk),
    .rst         (rst),
    .axis_tkeep  (m_axis_wire_tkeep),
    .axis_tvalid (m_axis_wire_tvalid),
    .axis_tready (m_axis_wire_tready),
    .axis_tlast  (m_axis_wire_tlast),
    .stat_beat   (stat_out_beat),
    .stat_last   (stat_out_last),
    .stat_bytes  (stat_out_bytes)
  );

  // ---------------------------------------------------------------------------------------
  // Register block
  // ---------------------------------------------------------------------------------------
  sim_wire_csr #(
    .DATA_W  (DATA_W),
    .BYTES_W (BYTES_W)
  ) u_csr (
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
    .stat_in_beat   (stat_in_beat),
    .stat_in_last   (stat_in_last),
    .stat_in_bytes  (stat_in_bytes),
    .stat_out_beat  (stat_out_beat),
    .stat_out_last  (stat_out_last),
    .stat_out_bytes (stat_out_bytes)
  );

endmodule

`default_nettype wire
