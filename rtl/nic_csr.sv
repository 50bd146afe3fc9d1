// SPDX-License-Identifier: MIT
// nic_csr: the register blocks of nic_top behind an AXI4-Lite slave.
//
// Every address comes from the generated package nic_regs_pkg (rtl/regs.yaml). Implemented:
// - block `nic` (base NIC_BASE): header (BLOCK_ID/VERSION/NEXT -> the counters block),
//   CAPS0..2 (CAPS0.DATA_W from the parameter; the tables, queues and VNICs are not in the
//   RTL yet, so every other capability reads 0), CONTROL (the ENABLE and PARSE_ERR_POLICY
//   bits are stored and read back but drive nothing yet: the pass-through always runs),
//   CYCLES, SCRATCH, WIRE_MAX_FRAME, TX_MAX_FRAME, TUNNEL_PORTS (stored; not used yet);
// - block `counters` (base COUNTERS_BASE): header with BLOCK_NEXT = 0 (the last block the
//   RTL has, although the map continues with `flow`), RX_WIRE_FRAMES, RX_WIRE_BYTES,
//   OUT_WIRE, OUT_WIRE_BYTES counting; the other counters read 0.
// Behaviour:
// - Resets of the rw registers are the package's <BLK>_<REG>_RESET values. CONTROL keeps only
//   its defined field bits; the other rw registers keep all 32 bits; all honour wstrb.
// - 64-bit registers: reading _LO returns the low word and latches the high word; _HI
//   returns the latched word, so LO-then-HI gives one consistent 64-bit value.
// - Unmapped or read-only addresses: reads return 0, writes are ignored; the response is
//   always OKAY (as Corundum does: a driver probing for blocks never gets a bus error).
// - One transaction at a time per direction: a write takes AW and W together (the slave
//   waits for both valids), a read returns its data one clock after the AR handshake.
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_csr #(
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
      $error("nic_csr: BYTES_W (%0d) must be in 1..32", BYTES_W);
    end
    if (nic_pkg::CSR_ADDR_W != nic_regs_pkg::ADDR_W
        || nic_pkg::CSR_DATA_W != nic_regs_pkg::DATA_W) begin
      $error("nic_csr: nic_pkg CSR_ADDR_W/CSR_DATA_W (%0d/%0d) differ from rtl/regs.yaml (%0d/%0d)",
             nic_pkg::CSR_ADDR_W, nic_pkg::CSR_DATA_W, nic_regs_pkg::ADDR_W,
             nic_regs_pkg::DATA_W);
    end
    if (DATA_W < 1 || DATA_W >= (1 << nic_regs_pkg::NIC_CAPS0_DATA_W_W)) begin
      $error("nic_csr: DATA_W (%0d) does not fit CAPS0.DATA_W", DATA_W);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Addresses and constants (all from nic_regs_pkg)
  // ---------------------------------------------------------------------------------------
  localparam nic_pkg::csr_addr_t NIC_ID_ADDR = nic_regs_pkg::NIC_BASE + nic_regs_pkg::BLOCK_ID;
  localparam nic_pkg::csr_addr_t NIC_VERSION_ADDR =
      nic_regs_pkg::NIC_BASE + nic_regs_pkg::BLOCK_VERSION;
  localparam nic_pkg::csr_addr_t NIC_NEXT_ADDR =
      nic_regs_pkg::NIC_BASE + nic_regs_pkg::BLOCK_NEXT;
  localparam nic_pkg::csr_addr_t CNT_ID_ADDR =
      nic_regs_pkg::COUNTERS_BASE + nic_regs_pkg::BLOCK_ID;
  localparam nic_pkg::csr_addr_t CNT_VERSION_ADDR =
      nic_regs_pkg::COUNTERS_BASE + nic_regs_pkg::BLOCK_VERSION;
  localparam nic_pkg::csr_addr_t CNT_NEXT_ADDR =
      nic_regs_pkg::COUNTERS_BASE + nic_regs_pkg::BLOCK_NEXT;

  // BLOCK_NEXT values as read (32-bit): nic -> counters; counters is the last block built.
  localparam nic_pkg::csr_data_t NIC_NEXT =
      {{(nic_pkg::CSR_DATA_W - nic_pkg::CSR_ADDR_W){1'b0}}, nic_regs_pkg::NIC_NEXT};
  localparam nic_pkg::csr_data_t CNT_NEXT = '0;

  localparam nic_pkg::csr_data_t CAPS0_DATA_W = DATA_W;
  localparam nic_pkg::csr_data_t CAPS0 = CAPS0_DATA_W << nic_regs_pkg::NIC_CAPS0_DATA_W_LSB;
  localparam nic_pkg::csr_data_t CAPS1 = '0;  // no flow tables, meters, encap templates yet
  localparam nic_pkg::csr_data_t CAPS2 = '0;  // no interrupts, no parser yet

  // CONTROL stores its defined fields only.
  localparam nic_pkg::csr_data_t CONTROL_MASK =
      (((32'd1 << nic_regs_pkg::NIC_CONTROL_ENABLE_W) - 32'd1)
          << nic_regs_pkg::NIC_CONTROL_ENABLE_LSB)
      | (((32'd1 << nic_regs_pkg::NIC_CONTROL_PARSE_ERR_POLICY_W) - 32'd1)
          << nic_regs_pkg::NIC_CONTROL_PARSE_ERR_POLICY_LSB);

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

  nic_pkg::csr_data_t     control_q, control_d;
  nic_pkg::csr_data_t     scratch_q, scratch_d;
  nic_pkg::csr_data_t     wire_max_frame_q, wire_max_frame_d;
  nic_pkg::csr_data_t     tx_max_frame_q, tx_max_frame_d;
  nic_pkg::csr_data_t     tunnel_ports_q, tunnel_ports_d;

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
  // The byte lanes of `old` replaced by those of `data` that `strb` enables.
  function automatic nic_pkg::csr_data_t merge_wstrb(input nic_pkg::csr_data_t old,
                                                     input nic_pkg::csr_data_t data,
                                                     input logic [nic_pkg::CSR_STRB_W-1:0] strb);
    merge_wstrb = old;
    for (int i = 0; i < nic_pkg::CSR_STRB_W; i++) begin
      if (strb[i]) begin
        merge_wstrb[i*8 +: 8] = data[i*8 +: 8];
      end
    end
  endfunction

  always_comb begin
    wr_fire      = awready_q && s_axil_awvalid && s_axil_wvalid;
    wr_word_addr = {s_axil_awaddr[nic_pkg::CSR_ADDR_W-1:2], 2'b00};
    // Accept a write when both AW and W are offered and no response is outstanding.
    awready_d    = !awready_q && s_axil_awvalid && s_axil_wvalid && !bvalid_q;
    bvalid_d     = bvalid_q ? !s_axil_bready : wr_fire;

    control_d        = control_q;
    scratch_d        = scratch_q;
    wire_max_frame_d = wire_max_frame_q;
    tx_max_frame_d   = tx_max_frame_q;
    tunnel_ports_d   = tunnel_ports_q;
    if (wr_fire) begin
      case (wr_word_addr)
        nic_regs_pkg::NIC_CONTROL_ADDR:
          control_d = merge_wstrb(control_q, s_axil_wdata, s_axil_wstrb) & CONTROL_MASK;
        nic_regs_pkg::NIC_SCRATCH_ADDR:
          scratch_d = merge_wstrb(scratch_q, s_axil_wdata, s_axil_wstrb);
        nic_regs_pkg::NIC_WIRE_MAX_FRAME_ADDR:
          wire_max_frame_d = merge_wstrb(wire_max_frame_q, s_axil_wdata, s_axil_wstrb);
        nic_regs_pkg::NIC_TX_MAX_FRAME_ADDR:
          tx_max_frame_d = merge_wstrb(tx_max_frame_q, s_axil_wdata, s_axil_wstrb);
        nic_regs_pkg::NIC_TUNNEL_PORTS_ADDR:
          tunnel_ports_d = merge_wstrb(tunnel_ports_q, s_axil_wdata, s_axil_wstrb);
        default: ;  // read-only or unmapped: ignored
      endcase
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
      case (rd_word_addr)
        // Block nic
        NIC_ID_ADDR:                           rdata_d = nic_regs_pkg::NIC_TAG;
        NIC_VERSION_ADDR:                      rdata_d = nic_regs_pkg::NIC_VERSION;
        NIC_NEXT_ADDR:                         rdata_d = NIC_NEXT;
        nic_regs_pkg::NIC_CAPS0_ADDR:          rdata_d = CAPS0;
        nic_regs_pkg::NIC_CAPS1_ADDR:          rdata_d = CAPS1;
        nic_regs_pkg::NIC_CAPS2_ADDR:          rdata_d = CAPS2;
        nic_regs_pkg::NIC_CONTROL_ADDR:        rdata_d = control_q;
        nic_regs_pkg::NIC_CYCLES_LO_ADDR: begin
          rdata_d     = cycles_q[31:0];
          cycles_hi_d = cycles_q[63:32];
        end
        nic_regs_pkg::NIC_CYCLES_HI_ADDR:      rdata_d = cycles_hi_q;
        nic_regs_pkg::NIC_SCRATCH_ADDR:        rdata_d = scratch_q;
        nic_regs_pkg::NIC_WIRE_MAX_FRAME_ADDR: rdata_d = wire_max_frame_q;
        nic_regs_pkg::NIC_TX_MAX_FRAME_ADDR:   rdata_d = tx_max_frame_q;
        nic_regs_pkg::NIC_TUNNEL_PORTS_ADDR:   rdata_d = tunnel_ports_q;
        // Block counters
        CNT_ID_ADDR:                           rdata_d = nic_regs_pkg::COUNTERS_TAG;
        CNT_VERSION_ADDR:                      rdata_d = nic_regs_pkg::COUNTERS_VERSION;
        CNT_NEXT_ADDR:                         rdata_d = CNT_NEXT;
        nic_regs_pkg::COUNTERS_RX_WIRE_FRAMES_LO_ADDR: begin
          rdata_d        = frames_in_q[31:0];
          frames_in_hi_d = frames_in_q[63:32];
        end
        nic_regs_pkg::COUNTERS_RX_WIRE_FRAMES_HI_ADDR: rdata_d = frames_in_hi_q;
        nic_regs_pkg::COUNTERS_RX_WIRE_BYTES_LO_ADDR: begin
          rdata_d       = bytes_in_q[31:0];
          bytes_in_hi_d = bytes_in_q[63:32];
        end
        nic_regs_pkg::COUNTERS_RX_WIRE_BYTES_HI_ADDR:  rdata_d = bytes_in_hi_q;
        nic_regs_pkg::COUNTERS_OUT_WIRE_LO_ADDR: begin
          rdata_d         = frames_out_q[31:0];
          frames_out_hi_d = frames_out_q[63:32];
        end
        nic_regs_pkg::COUNTERS_OUT_WIRE_HI_ADDR:       rdata_d = frames_out_hi_q;
        nic_regs_pkg::COUNTERS_OUT_WIRE_BYTES_LO_ADDR: begin
          rdata_d        = bytes_out_q[31:0];
          bytes_out_hi_d = bytes_out_q[63:32];
        end
        nic_regs_pkg::COUNTERS_OUT_WIRE_BYTES_HI_ADDR: rdata_d = bytes_out_hi_q;
        default:                               rdata_d = '0;  // other counters, unmapped
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
      awready_q        <= 1'b0;
      bvalid_q         <= 1'b0;
      arready_q        <= 1'b0;
      rvalid_q         <= 1'b0;
      cycles_q         <= 64'd0;
      frames_in_q      <= 64'd0;
      frames_out_q     <= 64'd0;
      bytes_in_q       <= 64'd0;
      bytes_out_q      <= 64'd0;
      control_q        <= nic_regs_pkg::NIC_CONTROL_RESET & CONTROL_MASK;
      scratch_q        <= nic_regs_pkg::NIC_SCRATCH_RESET;
      wire_max_frame_q <= nic_regs_pkg::NIC_WIRE_MAX_FRAME_RESET;
      tx_max_frame_q   <= nic_regs_pkg::NIC_TX_MAX_FRAME_RESET;
      tunnel_ports_q   <= nic_regs_pkg::NIC_TUNNEL_PORTS_RESET;
    end else begin
      awready_q        <= awready_d;
      bvalid_q         <= bvalid_d;
      arready_q        <= arready_d;
      rvalid_q         <= rvalid_d;
      cycles_q         <= cycles_d;
      frames_in_q      <= frames_in_d;
      frames_out_q     <= frames_out_d;
      bytes_in_q       <= bytes_in_d;
      bytes_out_q      <= bytes_out_d;
      control_q        <= control_d;
      scratch_q        <= scratch_d;
      wire_max_frame_q <= wire_max_frame_d;
      tx_max_frame_q   <= tx_max_frame_d;
      tunnel_ports_q   <= tunnel_ports_d;
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
