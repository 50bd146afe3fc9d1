// SPDX-License-Identifier: MIT
// URAM288_BASE: a behavioural model of the UltraScale+ UltraRAM primitive (4096 x 72 bits,
// two ports on one clock), for Verilator only: the subset rtl/lib/sdp_ram.sv instantiates
// under `NICSIM_XILINX_URAM`. Vivado and Yosys use their own cell (Yosys 0.23:
// share/yosys/xilinx/cells_xtra.v, a black box); this file is read by no synthesis flow and
// is not in rtl/sources.f or fpga/sources.f.
//
// Modelled (UltraScale Architecture Memory Resources, UG573, "UltraRAM"):
// - ADDR_x[11:0] selects one of 4096 72-bit words; EN_x enables the port on a clock,
//   RDB_WR_x chooses write (1) or read (0).
// - A read puts the word on DOUT_x on the clock edge (no input or output register:
//   IREG_PRE_x and OREG_x "FALSE"); DOUT_x holds when the port does not read (a write on the
//   port does not change it); RST_x (synchronous) clears DOUT_x.
// - Port A's operation happens before port B's on the same clock: B reads what A wrote on
//   that clock, A reads the word from before B's write, and B's write wins if both write
//   one address.
// Not modelled, refused: pipeline registers, ECC, auto sleep, inverted pins (parameters,
// checked at elaboration); SLEEP, a write with some but not all byte enables, address bits
// above 11 (cascading is URAM288's, not URAM288_BASE's) (checked on every enabled clock, an
// $error). Initial contents are zero, as the device's after configuration.
`resetall
`timescale 1ns/1ps
`default_nettype none

module URAM288_BASE #(
  // Auto sleep timing: auto sleep is refused below, so these have no effect.
  /* verilator lint_off UNUSEDPARAM */
  parameter integer AUTO_SLEEP_LATENCY = 8,
  parameter integer AVG_CONS_INACTIVE_CYCLES = 10,
  /* verilator lint_on UNUSEDPARAM */
  parameter BWE_MODE_A = "PARITY_INTERLEAVED",
  parameter BWE_MODE_B = "PARITY_INTERLEAVED",
  parameter EN_AUTO_SLEEP_MODE = "FALSE",
  parameter EN_ECC_RD_A = "FALSE",
  parameter EN_ECC_RD_B = "FALSE",
  parameter EN_ECC_WR_A = "FALSE",
  parameter EN_ECC_WR_B = "FALSE",
  parameter IREG_PRE_A = "FALSE",
  parameter IREG_PRE_B = "FALSE",
  parameter [0:0] IS_CLK_INVERTED = 1'b0,
  parameter [0:0] IS_EN_A_INVERTED = 1'b0,
  parameter [0:0] IS_EN_B_INVERTED = 1'b0,
  parameter [0:0] IS_RDB_WR_A_INVERTED = 1'b0,
  parameter [0:0] IS_RDB_WR_B_INVERTED = 1'b0,
  parameter [0:0] IS_RST_A_INVERTED = 1'b0,
  parameter [0:0] IS_RST_B_INVERTED = 1'b0,
  parameter OREG_A = "FALSE",
  parameter OREG_B = "FALSE",
  parameter OREG_ECC_A = "FALSE",
  parameter OREG_ECC_B = "FALSE",
  parameter RST_MODE_A = "SYNC",
  parameter RST_MODE_B = "SYNC",
  parameter USE_EXT_CE_A = "FALSE",
  parameter USE_EXT_CE_B = "FALSE"
) (
  output wire        DBITERR_A,
  output wire        DBITERR_B,
  output wire [71:0] DOUT_A,
  output wire [71:0] DOUT_B,
  output wire        SBITERR_A,
  output wire        SBITERR_B,
  input  wire [22:0] ADDR_A,
  input  wire [22:0] ADDR_B,
  input  wire [8:0]  BWE_A,
  input  wire [8:0]  BWE_B,
  input  wire        CLK,
  input  wire [71:0] DIN_A,
  input  wire [71:0] DIN_B,
  input  wire        EN_A,
  input  wire        EN_B,
  // The ECC, external clock enable and output register inputs: only read by what is not
  // modelled (ECC off, no output registers, USE_EXT_CE "FALSE"; the parameters are checked).
  /* verilator lint_off UNUSEDSIGNAL */
  input  wire        INJECT_DBITERR_A,
  input  wire        INJECT_DBITERR_B,
  input  wire        INJECT_SBITERR_A,
  input  wire        INJECT_SBITERR_B,
  input  wire        OREG_CE_A,
  input  wire        OREG_CE_B,
  input  wire        OREG_ECC_CE_A,
  input  wire        OREG_ECC_CE_B,
  /* verilator lint_on UNUSEDSIGNAL */
  input  wire        RDB_WR_A,
  input  wire        RDB_WR_B,
  input  wire        RST_A,
  input  wire        RST_B,
  input  wire        SLEEP
);

  initial begin
    if (IREG_PRE_A != "FALSE" || IREG_PRE_B != "FALSE" || OREG_A != "FALSE" ||
        OREG_B != "FALSE" || OREG_ECC_A != "FALSE" || OREG_ECC_B != "FALSE") begin
      $error("URAM288_BASE model (%m): pipeline registers are not modelled");
    end
    if (EN_ECC_RD_A != "FALSE" || EN_ECC_RD_B != "FALSE" || EN_ECC_WR_A != "FALSE" ||
        EN_ECC_WR_B != "FALSE") begin
      $error("URAM288_BASE model (%m): ECC is not modelled");
    end
    if (EN_AUTO_SLEEP_MODE != "FALSE" || USE_EXT_CE_A != "FALSE" || USE_EXT_CE_B != "FALSE") begin
      $error("URAM288_BASE model (%m): auto sleep and external clock enables are not modelled");
    end
    if (IS_CLK_INVERTED || IS_EN_A_INVERTED || IS_EN_B_INVERTED || IS_RDB_WR_A_INVERTED ||
        IS_RDB_WR_B_INVERTED || IS_RST_A_INVERTED || IS_RST_B_INVERTED) begin
      $error("URAM288_BASE model (%m): inverted pins are not modelled");
    end
    if (RST_MODE_A != "SYNC" || RST_MODE_B != "SYNC") begin
      $error("URAM288_BASE model (%m): only synchronous output reset is modelled");
    end
    if ((BWE_MODE_A != "PARITY_INTERLEAVED" && BWE_MODE_A != "PARITY_INDEPENDENT") ||
        (BWE_MODE_B != "PARITY_INTERLEAVED" && BWE_MODE_B != "PARITY_INDEPENDENT")) begin
      $error("URAM288_BASE model (%m): BWE_MODE must be PARITY_INTERLEAVED or _INDEPENDENT");
    end
  end

  logic [71:0] mem [4096];
  logic [71:0] dout_a_q, dout_b_q;

  initial begin
    for (int i = 0; i < 4096; i++) begin
      mem[i] = '0;
    end
    dout_a_q = '0;
    dout_b_q = '0;
  end

  logic        wr_a, wr_b, rd_b_sees_a;
  logic [11:0] a, b;
  assign a = ADDR_A[11:0];
  assign b = ADDR_B[11:0];
  // A write with no byte enable writes nothing (partial writes are refused below).
  assign wr_a = EN_A && RDB_WR_A && BWE_A == '1;
  assign wr_b = EN_B && RDB_WR_B && BWE_B == '1;
  assign rd_b_sees_a = wr_a && a == b;

  always_ff @(posedge CLK) begin
    if (wr_a) begin
      mem[a] <= DIN_A;
    end
    if (EN_A && !RDB_WR_A) begin
      dout_a_q <= mem[a];
    end
    if (RST_A) begin
      dout_a_q <= '0;
    end
    // Port B after port A: its write is the later one, its read sees A's write.
    if (wr_b) begin
      mem[b] <= DIN_B;
    end
    if (EN_B && !RDB_WR_B) begin
      dout_b_q <= rd_b_sees_a ? DIN_A : mem[b];
    end
    if (RST_B) begin
      dout_b_q <= '0;
    end
  end

  // What the model does not cover fails the simulation rather than passing unnoticed.
  always_ff @(posedge CLK) begin
    if (SLEEP) begin
      $error("URAM288_BASE model (%m): SLEEP is not modelled");
    end
    if ((EN_A && ADDR_A[22:12] != '0) || (EN_B && ADDR_B[22:12] != '0)) begin
      $error("URAM288_BASE model (%m): address above 4095 (cascading is not modelled)");
    end
    if ((wr_a && BWE_A != '0 && BWE_A != '1) || (wr_b && BWE_B != '0 && BWE_B != '1)) begin
      $error("URAM288_BASE model (%m): a write of some bytes only is not modelled");
    end
  end

  assign DOUT_A = dout_a_q;
  assign DOUT_B = dout_b_q;
  assign DBITERR_A = 1'b0;
  assign DBITERR_B = 1'b0;
  assign SBITERR_A = 1'b0;
  assign SBITERR_B = 1'b0;

endmodule

`default_nettype wire
