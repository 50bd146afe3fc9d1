// SPDX-License-Identifier: MIT
// sdp_ram: simple dual-port RAM (one write port, one read port, one clock): the one memory
// wrapper of rtl/. The exact-match table, encap templates, meters, frame store and
// axis_fifo are sdp_rams (the small distributed-RAM arrays of tcam, sync_fifo and the rx
// engine are their own), so where a deep memory goes on a device is decided here.
//
// Read: rd_data is registered; it takes mem[rd_addr] on a clock with rd_en and holds
// otherwise. A read of the address being written on the same clock returns the old data
// (read-first); callers forward around it. No reset and no initial contents: the owner
// clears what must be cleared (em_table sweeps the valid bits after reset).
//
// Where the memory goes (docs/rtl.md, "Memories"):
// - A memory at least URAM_MIN_DEPTH deep (4096, one UltraRAM's depth; `NICSIM_URAM_MIN_DEPTH`
//   overrides it) is an ultra RAM memory, anything shallower is left to the tool (block RAM,
//   or distributed RAM when small).
// - With `NICSIM_XILINX_URAM` defined (UltraScale+: scripts/synth-block.sh, the Vivado build
//   of fpga/) an ultra RAM memory is a tile of URAM288_BASE primitives instantiated here:
//   ceil(WIDTH/72) columns of 72 bits by ceil(DEPTH/4096) rows of 4096 words, write on port
//   B, read on port A (a URAM processes port A before port B on a clock: read-first, as
//   above), no input or output pipeline registers (read latency 1, as above), the read row
//   chosen by a registered row index after the primitives' outputs. Verilator reads the
//   behavioural model fpga/sim/URAM288_BASE.sv for it (testbenches/rtl_ram).
// - Without it (Verilator by default, other devices), the inference template below, the
//   ultra RAM memories marked `ram_style = "ultra"` (Vivado's attribute; Yosys 0.23 maps
//   them to URAM288 too), the others `"auto"`.
`resetall
`timescale 1ns/1ps
`default_nettype none

module sdp_ram #(
  parameter int WIDTH = 160,
  parameter int DEPTH = 8192,
  parameter int ADDR_W = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
  input  wire              clk,

  input  wire              wr_en,
  input  wire [ADDR_W-1:0] wr_addr,
  input  wire [WIDTH-1:0]  wr_data,

  input  wire              rd_en,
  input  wire [ADDR_W-1:0] rd_addr,
  output wire [WIDTH-1:0]  rd_data
);

`ifdef NICSIM_URAM_MIN_DEPTH
  localparam int URAM_MIN_DEPTH = `NICSIM_URAM_MIN_DEPTH;
`else
  localparam int URAM_MIN_DEPTH = 4096;
`endif
  localparam bit ULTRA = DEPTH >= URAM_MIN_DEPTH;
  // The inferred memory's `ram_style` ("auto": the tool decides). Declared here, not in the
  // generate block: Yosys 0.23 takes an attribute's value from a module-level parameter
  // only. Verilator ignores attributes, so it sees STYLE unused.
  /* verilator lint_off UNUSEDPARAM */
  localparam STYLE = ULTRA ? "ultra" : "auto";
  /* verilator lint_on UNUSEDPARAM */

  initial begin
    if (WIDTH < 1) begin
      $error("sdp_ram (%m): WIDTH (%0d) must be at least 1", WIDTH);
    end
    if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("sdp_ram (%m): DEPTH (%0d) must be a power of two, at least 2", DEPTH);
    end
    if (ADDR_W != $clog2(DEPTH)) begin
      $error("sdp_ram (%m): ADDR_W (%0d) must be $clog2(DEPTH)", ADDR_W);
    end
  end

`ifdef NICSIM_XILINX_URAM
  localparam bit PRIMS = ULTRA;
`else
  localparam bit PRIMS = 1'b0;
`endif

  if (PRIMS) begin : g_uram
`ifdef NICSIM_XILINX_URAM
    localparam int U_W = 72;          // a URAM288's word
    localparam int U_AW = 12;         // and its depth, 4096 words
    localparam int COLS = (WIDTH + U_W - 1) / U_W;
    localparam int ROW_W = (ADDR_W > U_AW) ? ADDR_W - U_AW : 1;
    localparam int ROWS = (ADDR_W > U_AW) ? (1 << (ADDR_W - U_AW)) : 1;

    logic [COLS*U_W-1:0]   wr_word;
    logic [ROW_W+U_AW-1:0] wr_full, rd_full;   // the addresses, zero-extended
    logic [ROW_W-1:0]      rd_row_q;
    // Flat vectors, not arrays: Yosys 0.23 makes an unpacked array a memory and loses what a
    // cell's output port drives into it.
    logic [ROWS*COLS*U_W-1:0] dout;            // row r, column c at (r*COLS + c)*72
    logic [ROWS*COLS*U_W-1:0] unused_dout_b;
    logic [ROWS*COLS*4-1:0]   unused_ecc;

    always_comb begin
      wr_word = '0;
      wr_word[WIDTH-1:0] = wr_data;
    end
    assign wr_full = (ROW_W + U_AW)'(wr_addr);
    assign rd_full = (ROW_W + U_AW)'(rd_addr);

    // The row the last read came from: the other rows' outputs hold older words.
    always_ff @(posedge clk) begin
      if (rd_en) begin
        rd_row_q <= rd_full[U_AW +: ROW_W];
      end
    end

    for (genvar r = 0; r < ROWS; r++) begin : g_row
      for (genvar c = 0; c < COLS; c++) begin : g_col
        // Port A reads, port B writes all 72 bits (BWE all ones: the byte layout of
        // BWE_MODE does not matter when every byte is written and read back in place).
        URAM288_BASE #(
          .IREG_PRE_A("FALSE"),
          .IREG_PRE_B("FALSE"),
          .OREG_A("FALSE"),
          .OREG_B("FALSE"),
          .EN_ECC_RD_A("FALSE"),
          .EN_ECC_RD_B("FALSE"),
          .EN_ECC_WR_A("FALSE"),
          .EN_ECC_WR_B("FALSE"),
          .EN_AUTO_SLEEP_MODE("FALSE"),
          .RST_MODE_A("SYNC"),
          .RST_MODE_B("SYNC")
        ) u_uram (
          .CLK(clk),
          .SLEEP(1'b0),
          .ADDR_A({11'b0, rd_full[U_AW-1:0]}),
          .EN_A(rd_en && rd_full[U_AW +: ROW_W] == ROW_W'(r)),
          .RDB_WR_A(1'b0),
          .BWE_A(9'h000),
          .DIN_A(72'b0),
          .DOUT_A(dout[(r*COLS + c)*U_W +: U_W]),
          .RST_A(1'b0),
          .ADDR_B({11'b0, wr_full[U_AW-1:0]}),
          .EN_B(wr_en && wr_full[U_AW +: ROW_W] == ROW_W'(r)),
          .RDB_WR_B(1'b1),
          .BWE_B(9'h1ff),
          .DIN_B(wr_word[c*U_W +: U_W]),
          .DOUT_B(unused_dout_b[(r*COLS + c)*U_W +: U_W]),
          .RST_B(1'b0),
          .INJECT_DBITERR_A(1'b0),
          .INJECT_DBITERR_B(1'b0),
          .INJECT_SBITERR_A(1'b0),
          .INJECT_SBITERR_B(1'b0),
          .OREG_CE_A(1'b1),
          .OREG_CE_B(1'b1),
          .OREG_ECC_CE_A(1'b1),
          .OREG_ECC_CE_B(1'b1),
          .DBITERR_A(unused_ecc[(r*COLS + c)*4 + 0]),
          .DBITERR_B(unused_ecc[(r*COLS + c)*4 + 1]),
          .SBITERR_A(unused_ecc[(r*COLS + c)*4 + 2]),
          .SBITERR_B(unused_ecc[(r*COLS + c)*4 + 3])
        );
      end
    end

    // The read row's word: a mux of ROWS inputs per bit (an indexed part-select would be
    // a shifter over every row's bits).
    logic [WIDTH-1:0] rd_word;
    always_comb begin
      rd_word = dout[WIDTH-1:0];
      for (int r = 1; r < ROWS; r++) begin
        if (rd_row_q == ROW_W'(r)) begin
          rd_word = dout[r*COLS*U_W +: WIDTH];
        end
      end
    end
    assign rd_data = rd_word;
`endif
  end else begin : g_infer
    // Vivado's attribute, which Yosys 0.23 reads too.
    (* ram_style = STYLE *) logic [WIDTH-1:0] mem [DEPTH];
    logic [WIDTH-1:0] rd_data_q;

    // The memory array and its output register: the one place where always_ff does more than
    // `_q <= _d`, because that is the template the RAM inference of both tools recognises.
    always_ff @(posedge clk) begin
      if (wr_en) begin
        mem[wr_addr] <= wr_data;
      end
      if (rd_en) begin
        rd_data_q <= mem[rd_addr];
      end
    end

    assign rd_data = rd_data_q;
  end

endmodule

`default_nettype wire
