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
  // The register file: one element of each array block; its outputs drive nothing yet
  // ---------------------------------------------------------------------------------------
  nic_regs_pkg::nic_hw2reg_t      nic_hw2reg;
  nic_regs_pkg::counters_hw2reg_t counters_hw2reg;
  always_comb begin
    nic_hw2reg = '0;
    nic_hw2reg.caps0.d.data_w = 12'(DATA_W);
    nic_hw2reg.cycles.d       = cycles_q;
    counters_hw2reg = '0;
    counters_hw2reg.rx_wire_frames.d = frames_in_q;
    counters_hw2reg.rx_wire_bytes.d  = bytes_in_q;
    counters_hw2reg.out_wire.d       = frames_out_q;
    counters_hw2reg.out_wire_bytes.d = bytes_out_q;
  end
  /* verilator lint_off UNUSEDSIGNAL */
  nic_regs_pkg::nic_reg2hw_t     unused_nic_reg2hw;
  nic_regs_pkg::flow_reg2hw_t    unused_flow_reg2hw;
  nic_regs_pkg::tcam_reg2hw_t    unused_tcam_reg2hw;
  nic_regs_pkg::actions_reg2hw_t unused_actions_reg2hw;
  nic_regs_pkg::fcmd_reg2hw_t    unused_fcmd_reg2hw;
  nic_regs_pkg::excq_reg2hw_t    unused_excq_reg2hw;
  nic_regs_pkg::vnic_reg2hw_t    unused_vnic_reg2hw;
  nic_regs_pkg::rxq_reg2hw_t     unused_rxq_reg2hw;
  nic_regs_pkg::txq_reg2hw_t     unused_txq_reg2hw;
  /* verilator lint_on UNUSEDSIGNAL */

  nic_regfile #(
    .NUM_EXCQ (1),
    .NUM_VNIC (1),
    .NUM_RXQ  (1),
    .NUM_TXQ  (1)
  ) u_regfile (
    .clk (clk), .rst (rst),
    .s_axil_awaddr (s_axil_awaddr), .s_axil_awprot (s_axil_awprot),
    .s_axil_awvalid (s_axil_awvalid), .s_axil_awready (s_axil_awready),
    .s_axil_wdata (s_axil_wdata), .s_axil_wstrb (s_axil_wstrb),
    .s_axil_wvalid (s_axil_wvalid), .s_axil_wready (s_axil_wready),
    .s_axil_bresp (s_axil_bresp), .s_axil_bvalid (s_axil_bvalid), .s_axil_bready (s_axil_bready),
    .s_axil_araddr (s_axil_araddr), .s_axil_arprot (s_axil_arprot),
    .s_axil_arvalid (s_axil_arvalid), .s_axil_arready (s_axil_arready),
    .s_axil_rdata (s_axil_rdata), .s_axil_rresp (s_axil_rresp),
    .s_axil_rvalid (s_axil_rvalid), .s_axil_rready (s_axil_rready),
    .nic_reg2hw (unused_nic_reg2hw), .nic_hw2reg (nic_hw2reg),
    .counters_hw2reg (counters_hw2reg),
    .flow_reg2hw (unused_flow_reg2hw), .flow_hw2reg ('0),
    .tcam_reg2hw (unused_tcam_reg2hw), .tcam_hw2reg ('0),
    .actions_reg2hw (unused_actions_reg2hw), .actions_hw2reg ('0),
    .fcmd_reg2hw (unused_fcmd_reg2hw), .fcmd_hw2reg ('0),
    .excq_reg2hw (unused_excq_reg2hw), .excq_hw2reg ('0),
    .vnic_reg2hw (unused_vnic_reg2hw), .vnic_hw2reg ('0),
    .rxq_reg2hw (unused_rxq_reg2hw), .rxq_hw2reg ('0),
    .txq_reg2hw (unused_txq_reg2hw), .txq_hw2reg ('0)
  );

endmodule

`default_nettype wire
