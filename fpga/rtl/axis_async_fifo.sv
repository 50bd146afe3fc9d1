// SPDX-License-Identifier: MIT
// axis_async_fifo: AXI4-Stream FIFO between two unrelated clocks (fpga/README.md
// "Clock-domain crossings"), gray-code pointers through SYNC_STAGES flip-flops each way.
//
//  s_clk: s_axis ─► mem[wr] ─ wr_gray_q ──sync──► m_clk: empty?  mem[rd] ─► out reg ─► m_axis
//         full? ◄──sync── rd_gray_q ─────────────────────────────────┘
//
// Only registered gray-code pointers cross (one bit changes per increment, so a sample
// taken mid-change is the old or the new value, never a third); the storage array is written
// in s_clk and read in m_clk at an address the reader owns, behind the synchronized write
// pointer, so no word is read while it is written. The XDC gives the pointer paths a
// max delay of one period of the faster clock (fpga/constraints/u250.xdc).
//
// Modes (parameters):
//   FRAME = 0: a word FIFO. s_axis_tready = not full; every beat is visible to the reader
//              a few m_clk clocks after it is written.
//   FRAME = 1: store and forward. The reader sees a frame only once its last beat is written
//              (wr_ptr_q moves at tlast; wr_cur_q is the beat being written), so m_axis
//              never stalls inside a frame (the CMAC's TX requires it). A frame that
//              cannot be stored is dropped whole, with a pulse on s_status_overflow:
//                DROP_WHEN_FULL = 1: s_axis_tready is always 1 (a source without
//                  backpressure: the CMAC's RX); a beat that finds the FIFO full drops
//                  its frame (the beats of it already written are forgotten).
//                DROP_WHEN_FULL = 0: s_axis_tready = not full (backpressure); only a frame
//                  longer than the FIFO (full with no complete frame in it, which would
//                  wait forever) is dropped.
//              DROP_BAD_FRAME = 1: a frame whose last beat has tuser[0] set (the CMAC's
//              bad-FCS flag) is dropped, with a pulse on s_status_bad_frame.
//
// Resets: s_rst (sync to s_clk) and m_rst (sync to m_clk) must be asserted together, from one
// source through a sync_reset per domain, and held for SYNC_STAGES + 1 clocks of the slower
// clock (fpga/rtl/nic_board_u250.sv does): either side's pointers return to 0.
// s_status_full: the writer sees no room (registered in s_clk; for the bench and an LED).
// m_status_empty: the reader sees no word in the storage array (the output register may
// still hold one).
`resetall
`timescale 1ns/1ps
`default_nettype none

module axis_async_fifo #(
  parameter int DATA_W         = 512,
  parameter int KEEP_W         = DATA_W / 8,
  parameter int USER_W         = 1,
  parameter int DEPTH          = 512,  // beats; a power of two, at least 4
  parameter int FRAME          = 0,
  parameter int DROP_WHEN_FULL = 0,
  parameter int DROP_BAD_FRAME = 0,
  parameter int SYNC_STAGES    = 2
) (
  input  wire              s_clk,
  input  wire              s_rst,
  input  wire [DATA_W-1:0] s_axis_tdata,
  input  wire [KEEP_W-1:0] s_axis_tkeep,
  input  wire              s_axis_tvalid,
  output wire              s_axis_tready,
  input  wire              s_axis_tlast,
  input  wire [USER_W-1:0] s_axis_tuser,
  output wire              s_status_full,
  output wire              s_status_overflow,   // pulse: a frame dropped for lack of room
  output wire              s_status_bad_frame,  // pulse: a frame dropped for tuser[0]

  input  wire              m_clk,
  input  wire              m_rst,
  output wire [DATA_W-1:0] m_axis_tdata,
  output wire [KEEP_W-1:0] m_axis_tkeep,
  output wire              m_axis_tvalid,
  input  wire              m_axis_tready,
  output wire              m_axis_tlast,
  output wire [USER_W-1:0] m_axis_tuser,
  output wire              m_status_empty
);

  localparam int AW = $clog2(DEPTH);
  localparam int W  = DATA_W + KEEP_W + 1 + USER_W;
  localparam int SW = (SYNC_STAGES - 1) * (AW + 1);  // synchronizer stages after the first

  initial begin
    if (DEPTH < 4 || (DEPTH & (DEPTH - 1)) != 0) begin
      $error("axis_async_fifo (%m): DEPTH (%0d) must be a power of two, at least 4", DEPTH);
    end
    if (DATA_W < 1 || KEEP_W < 1 || USER_W < 1) begin
      $error("axis_async_fifo (%m): DATA_W, KEEP_W and USER_W must be at least 1");
    end
    if (SYNC_STAGES < 2) begin
      $error("axis_async_fifo (%m): SYNC_STAGES (%0d) must be at least 2", SYNC_STAGES);
    end
    if (FRAME == 0 && (DROP_WHEN_FULL != 0 || DROP_BAD_FRAME != 0)) begin
      $error("axis_async_fifo (%m): DROP_WHEN_FULL and DROP_BAD_FRAME need FRAME = 1");
    end
  end

  function automatic logic [AW:0] bin2gray(input logic [AW:0] b);
    bin2gray = b ^ (b >> 1);
  endfunction

  function automatic logic [AW:0] gray2bin(input logic [AW:0] g);
    logic [AW:0] b;
    b[AW] = g[AW];
    for (int i = AW - 1; i >= 0; i--) begin
      b[i] = b[i + 1] ^ g[i];
    end
    gray2bin = b;
  endfunction

  logic [W-1:0] mem [DEPTH];

  // ---------------------------------------------------------------------------------------
  // Write side (s_clk)
  // ---------------------------------------------------------------------------------------
  logic [AW:0] wr_ptr_q, wr_ptr_d;    // committed: what the reader may read up to
  logic [AW:0] wr_cur_q, wr_cur_d;    // next beat's slot (= wr_ptr_q between frames)
  logic [AW:0] wr_gray_q;             // crosses to m_clk
  logic        drop_q, drop_d;        // dropping the rest of a frame
  logic        full_q;
  logic        overflow_q, overflow_d, bad_q, bad_d;
  // The synchronizer: rd_gray_meta_q takes the other domain's pointer (the XDC bounds
  // that path), rd_gray_sync_q the SYNC_STAGES-1 stages after it, the last at the top.
  (* ASYNC_REG = "TRUE" *) logic [AW:0] rd_gray_meta_q;
  (* ASYNC_REG = "TRUE" *) logic [SW-1:0] rd_gray_sync_q;
  /* verilator lint_off UNUSEDSIGNAL */  // the last stage shifts out
  logic [SW+AW:0] rd_gray_shift;
  /* verilator lint_on UNUSEDSIGNAL */
  assign rd_gray_shift = {rd_gray_sync_q, rd_gray_meta_q};
  logic [AW:0] rd_ptr_s;              // the reader's pointer as the writer sees it
  logic        full, oversize, accept, write;

  assign rd_ptr_s = gray2bin(rd_gray_sync_q[SW-1 -: AW+1]);
  assign full     = (wr_cur_q - rd_ptr_s) == (AW + 1)'(DEPTH);
  // The FIFO holds nothing but the frame being written: waiting would never end.
  assign oversize = (FRAME != 0) && full && (wr_ptr_q == rd_ptr_s);

  assign s_axis_tready = (FRAME != 0 && DROP_WHEN_FULL != 0) || drop_q || !full || oversize;
  assign accept        = s_axis_tvalid && s_axis_tready;
  assign write         = accept && !drop_q && !full;

  always_comb begin
    wr_ptr_d   = wr_ptr_q;
    wr_cur_d   = wr_cur_q;
    drop_d     = drop_q;
    overflow_d = 1'b0;
    bad_d      = 1'b0;
    if (FRAME == 0) begin
      if (write) begin
        wr_cur_d = wr_cur_q + 1'b1;
        wr_ptr_d = wr_cur_d;
      end
    end else if (accept) begin
      if (drop_q || full) begin
        // Drop: forget the frame's written beats, skip to its last beat.
        overflow_d = !drop_q;
        wr_cur_d   = wr_ptr_q;
        drop_d     = !s_axis_tlast;
      end else if (s_axis_tlast && DROP_BAD_FRAME != 0 && s_axis_tuser[0]) begin
        bad_d    = 1'b1;
        wr_cur_d = wr_ptr_q;
      end else begin
        wr_cur_d = wr_cur_q + 1'b1;
        if (s_axis_tlast) wr_ptr_d = wr_cur_d;
      end
    end
  end

  always_ff @(posedge s_clk) begin
    if (write) begin
      mem[wr_cur_q[AW-1:0]] <= {s_axis_tuser, s_axis_tlast, s_axis_tkeep, s_axis_tdata};
    end
  end

  always_ff @(posedge s_clk) begin
    if (s_rst) begin
      wr_ptr_q   <= '0;
      wr_cur_q   <= '0;
      wr_gray_q  <= '0;
      drop_q     <= 1'b0;
      full_q     <= 1'b0;
      overflow_q <= 1'b0;
      bad_q      <= 1'b0;
      rd_gray_meta_q <= '0;
      rd_gray_sync_q <= '0;
    end else begin
      wr_ptr_q   <= wr_ptr_d;
      wr_cur_q   <= wr_cur_d;
      wr_gray_q  <= bin2gray(wr_ptr_d);
      drop_q     <= drop_d;
      full_q     <= full;
      overflow_q <= overflow_d;
      bad_q      <= bad_d;
      rd_gray_meta_q <= rd_gray_q;
      rd_gray_sync_q <= rd_gray_shift[SW-1:0];
    end
  end

  assign s_status_full      = full_q;
  assign s_status_overflow  = overflow_q;
  assign s_status_bad_frame = bad_q;

  // ---------------------------------------------------------------------------------------
  // Read side (m_clk): the storage array's word at rd_ptr_q into an output register
  // ---------------------------------------------------------------------------------------
  logic [AW:0]  rd_ptr_q, rd_ptr_d;
  logic [AW:0]  rd_gray_q;            // crosses to s_clk
  // The synchronizer: wr_gray_meta_q takes the other domain's pointer (the XDC bounds
  // that path), wr_gray_sync_q the SYNC_STAGES-1 stages after it, the last at the top.
  (* ASYNC_REG = "TRUE" *) logic [AW:0] wr_gray_meta_q;
  (* ASYNC_REG = "TRUE" *) logic [SW-1:0] wr_gray_sync_q;
  /* verilator lint_off UNUSEDSIGNAL */  // the last stage shifts out
  logic [SW+AW:0] wr_gray_shift;
  /* verilator lint_on UNUSEDSIGNAL */
  assign wr_gray_shift = {wr_gray_sync_q, wr_gray_meta_q};
  logic [AW:0]  wr_ptr_m;             // the writer's committed pointer as the reader sees it
  logic         out_valid_q, out_valid_d;
  logic [W-1:0] out_q, out_d;
  logic         empty, load;

  assign wr_ptr_m = gray2bin(wr_gray_sync_q[SW-1 -: AW+1]);
  assign empty    = rd_ptr_q == wr_ptr_m;
  assign load     = !empty && (!out_valid_q || m_axis_tready);

  always_comb begin
    rd_ptr_d    = rd_ptr_q;
    out_d       = out_q;
    out_valid_d = out_valid_q && !m_axis_tready;
    if (load) begin
      out_d       = mem[rd_ptr_q[AW-1:0]];
      out_valid_d = 1'b1;
      rd_ptr_d    = rd_ptr_q + 1'b1;
    end
  end

  always_ff @(posedge m_clk) begin
    out_q <= out_d;
  end

  always_ff @(posedge m_clk) begin
    if (m_rst) begin
      rd_ptr_q    <= '0;
      rd_gray_q   <= '0;
      out_valid_q <= 1'b0;
      wr_gray_meta_q <= '0;
      wr_gray_sync_q <= '0;
    end else begin
      rd_ptr_q    <= rd_ptr_d;
      rd_gray_q   <= bin2gray(rd_ptr_d);
      out_valid_q <= out_valid_d;
      wr_gray_meta_q <= wr_gray_q;
      wr_gray_sync_q <= wr_gray_shift[SW-1:0];
    end
  end

  assign m_axis_tvalid  = out_valid_q;
  assign {m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata} = out_q;
  assign m_status_empty = empty;

endmodule

`default_nettype wire
