// SPDX-License-Identifier: MIT
// nic_csr: the nic_top register block, an AXI4-Lite slave.
//
// Layout (offsets in nic_pkg): block header (id, version, next block), a free-running 64-bit
// cycle counter, 64-bit wire frame/byte counters in and out, a scratch register.
// - 64-bit counters: reading _LO returns the low word and latches the high word; _HI
//   returns the latched word, so LO-then-HI gives one consistent 64-bit value.
// - Unmapped or read-only addresses: reads return 0, writes are ignored; the response is
//   always OKAY (as Corundum does: a driver probing for blocks never gets a bus error).
// - One transaction at a time per direction: a write takes AW and W together (the slave
//   waits for both valids), a read returns its data one clock after the AR handshake.
// - The scratch register honours wstrb; other registers ignore writes.
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_csr #(
  parameter int BYTES_W = 7  // width of the per-beat byte counts from axis_stat_tap
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
      $error("nic_csr: BYTES_W (%0d) must be in 1..32", BYTES_W);
    end
  end

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  logic                   awready_q, awready_d;  // also drives wready
  logic                   bvalid_q, bvalid_d;
  logic                   arready_q, arready_d;
  logic                   rvalid_q, rvalid_d;
  nic_pkg::csr_data_t     rdata_q, rdata_d;

  logic [63:0]            cycles_q, cycles_d;
  logic [63:0]            frames_in_q, frames_in_d;
  logic [63:0]            frames_out_q, frames_out_d;
  logic [63:0]            bytes_in_q, bytes_in_d;
  logic [63:0]            bytes_out_q, bytes_out_d;
  nic_pkg::csr_data_t     scratch_q, scratch_d;

  // High words latched by a read of the matching low word.
  nic_pkg::csr_data_t     cycles_hi_q, cycles_hi_d;
  nic_pkg::csr_data_t     frames_in_hi_q, frames_in_hi_d;
  nic_pkg::csr_data_t     frames_out_hi_q, frames_out_hi_d;
  nic_pkg::csr_data_t     bytes_in_hi_q, bytes_in_hi_d;
  nic_pkg::csr_data_t     bytes_out_hi_q, bytes_out_hi_d;

  logic                   wr_fire;
  logic                   rd_fire;
  nic_pkg::csr_addr_t     wr_word_addr;
  nic_pkg::csr_addr_t     rd_word_addr;

  // AxPROT carries no meaning for this block; registers are word aligned, so the byte
  // offset within a word is ignored.
  logic unused_axil_bits;
  assign unused_axil_bits = ^{s_axil_awprot, s_axil_arprot, s_axil_awaddr[1:0],
                              s_axil_araddr[1:0]};

  // ---------------------------------------------------------------------------------------
  // Counters
  // ---------------------------------------------------------------------------------------
  always_comb begin
    cycles_d     = cycles_q + 64'd1;
    frames_in_d  = frames_in_q + {63'd0, stat_in_beat && stat_in_last};
    frames_out_d = frames_out_q + {63'd0, stat_out_beat && stat_out_last};
    bytes_in_d   = bytes_in_q + {{(64-BYTES_W){1'b0}}, stat_in_bytes};
    bytes_out_d  = bytes_out_q + {{(64-BYTES_W){1'b0}}, stat_out_bytes};
  end

  // ---------------------------------------------------------------------------------------
  // Write channel
  // ---------------------------------------------------------------------------------------
  always_comb begin
    wr_fire      = awready_q && s_axil_awvalid && s_axil_wvalid;
    wr_word_addr = {s_axil_awaddr[nic_pkg::CSR_ADDR_W-1:2], 2'b00};
    // Accept a write when both AW and W are offered and no response is outstanding.
    awready_d    = !awready_q && s_axil_awvalid && s_axil_wvalid && !bvalid_q;
    bvalid_d     = bvalid_q ? !s_axil_bready : wr_fire;

    scratch_d = scratch_q;
    if (wr_fire && wr_word_addr == nic_pkg::REG_SCRATCH) begin
      for (int i = 0; i < nic_pkg::CSR_STRB_W; i++) begin
        if (s_axil_wstrb[i]) begin
          scratch_d[i*8 +: 8] = s_axil_wdata[i*8 +: 8];
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Read channel
  // ---------------------------------------------------------------------------------------
  always_comb begin
    rd_fire      = arready_q && s_axil_arvalid;
    rd_word_addr = {s_axil_araddr[nic_pkg::CSR_ADDR_W-1:2], 2'b00};
    arready_d    = !arready_q && s_axil_arvalid && !rvalid_q;
    rvalid_d     = rvalid_q ? !s_axil_rready : rd_fire;

    rdata_d         = rdata_q;
    cycles_hi_d     = cycles_hi_q;
    frames_in_hi_d  = frames_in_hi_q;
    frames_out_hi_d = frames_out_hi_q;
    bytes_in_hi_d   = bytes_in_hi_q;
    bytes_out_hi_d  = bytes_out_hi_q;

    if (rd_fire) begin
      rdata_d = '0;
      case (rd_word_addr)
        nic_pkg::REG_BLK_ID:             rdata_d = nic_pkg::BLK_NIC_TOP_ID;
        nic_pkg::REG_BLK_VERSION:        rdata_d = nic_pkg::BLK_NIC_TOP_VERSION;
        nic_pkg::REG_BLK_NEXT:           rdata_d = nic_pkg::BLK_NIC_TOP_NEXT;
        nic_pkg::REG_CYCLES_LO: begin
          rdata_d     = cycles_q[31:0];
          cycles_hi_d = cycles_q[63:32];
        end
        nic_pkg::REG_CYCLES_HI:          rdata_d = cycles_hi_q;
        nic_pkg::REG_WIRE_FRAMES_IN_LO: begin
          rdata_d        = frames_in_q[31:0];
          frames_in_hi_d = frames_in_q[63:32];
        end
        nic_pkg::REG_WIRE_FRAMES_IN_HI:  rdata_d = frames_in_hi_q;
        nic_pkg::REG_WIRE_FRAMES_OUT_LO: begin
          rdata_d         = frames_out_q[31:0];
          frames_out_hi_d = frames_out_q[63:32];
        end
        nic_pkg::REG_WIRE_FRAMES_OUT_HI: rdata_d = frames_out_hi_q;
        nic_pkg::REG_WIRE_BYTES_IN_LO: begin
          rdata_d       = bytes_in_q[31:0];
          bytes_in_hi_d = bytes_in_q[63:32];
        end
        nic_pkg::REG_WIRE_BYTES_IN_HI:   rdata_d = bytes_in_hi_q;
        nic_pkg::REG_WIRE_BYTES_OUT_LO: begin
          rdata_d        = bytes_out_q[31:0];
          bytes_out_hi_d = bytes_out_q[63:32];
        end
        nic_pkg::REG_WIRE_BYTES_OUT_HI:  rdata_d = bytes_out_hi_q;
        nic_pkg::REG_SCRATCH:            rdata_d = scratch_q;
        default:                         rdata_d = '0;
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    rdata_q         <= rdata_d;
    cycles_hi_q     <= cycles_hi_d;
    frames_in_hi_q  <= frames_in_hi_d;
    frames_out_hi_q <= frames_out_hi_d;
    bytes_in_hi_q   <= bytes_in_hi_d;
    bytes_out_hi_q  <= bytes_out_hi_d;
    if (rst) begin
      awready_q    <= 1'b0;
      bvalid_q     <= 1'b0;
      arready_q    <= 1'b0;
      rvalid_q     <= 1'b0;
      cycles_q     <= 64'd0;
      frames_in_q  <= 64'd0;
      frames_out_q <= 64'd0;
      bytes_in_q   <= 64'd0;
      bytes_out_q  <= 64'd0;
      scratch_q    <= '0;
    end else begin
      awready_q    <= awready_d;
      bvalid_q     <= bvalid_d;
      arready_q    <= arready_d;
      rvalid_q     <= rvalid_d;
      cycles_q     <= cycles_d;
      frames_in_q  <= frames_in_d;
      frames_out_q <= frames_out_d;
      bytes_in_q   <= bytes_in_d;
      bytes_out_q  <= bytes_out_d;
      scratch_q    <= scratch_d;
    end
  end

  assign s_axil_awready = awready_q;
  assign s_axil_wready  = awready_q;
  assign s_axil_bresp   = nic_pkg::AXI_RESP_OKAY;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_arready = arready_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = nic_pkg::AXI_RESP_OKAY;
  assign s_axil_rvalid  = rvalid_q;

endmodule

`default_nettype wire
