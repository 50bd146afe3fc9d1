// SPDX-License-Identifier: MIT
// rr_arb: round-robin arbiter over N requesters, one-hot grant.
//
// grant: the first requester after the last granted one (`last`), cyclically, with `last`
// itself the lowest; 0 when no requester asks. It is combinational from req and the state
// (no path from anything else), so a requester may hold req while it waits, as AXI4-Stream
// and valid/ready requests do. grant_idx is the grant's index (0 when there is none).
// advance: the grant is taken this clock: `last` becomes the grant (held when req is 0), so
// the next search starts after it. A requester that asks waits for at most N-1 grants of
// others.
// last: the requester granted last (one-hot, a register), after reset RESET_LAST, so that
// requester RESET_LAST + 1 (mod N) goes first. A user that serves one requester for longer
// than a clock (a frame, a command) can take `last` as the one being served and advance at
// the end of the service.
//
// The grant is two levels of AND-OR per requester: every loop bound and index below is a
// constant (no index arithmetic on the state).
`resetall
`timescale 1ns/1ps
`default_nettype none

module rr_arb #(
  parameter int N          = 2,                       // requesters, at least 1
  parameter int RESET_LAST = N - 1,                   // `last` after reset, 0..N-1
  parameter int IDX_W      = (N > 1) ? $clog2(N) : 1  // width of grant_idx
) (
  input  wire              clk,
  input  wire              rst,

  input  wire [N-1:0]      req,
  input  wire              advance,
  output wire [N-1:0]      grant,
  output wire [IDX_W-1:0]  grant_idx,
  output wire [N-1:0]      last
);

  initial begin
    if (N < 1) begin
      $error("rr_arb (%m): N (%0d) must be at least 1", N);
    end
    if (RESET_LAST < 0 || RESET_LAST >= N) begin
      $error("rr_arb (%m): RESET_LAST (%0d) must be 0..N-1", RESET_LAST);
    end
    if (IDX_W != ((N > 1) ? $clog2(N) : 1)) begin
      $error("rr_arb (%m): IDX_W (%0d) must be $clog2(N) (1 for N = 1)", IDX_W);
    end
  end

  logic [N-1:0]     last_q, last_d;
  logic [N-1:0]     g;
  logic [IDX_W-1:0] gi;

  always_comb begin
    g = '0;
    for (int c = 0; c < N; c++) begin
      for (int l = 0; l < N; l++) begin
        // Requesters strictly between l and c (cyclically, after l) have priority over c.
        logic blk;
        int   d;
        d   = (c > l) ? c - l : c - l + N;     // 1..N: distance from l to c
        blk = 1'b0;
        for (int k = 1; k < N; k++) begin
          if (k < d) begin
            blk = blk | req[(l + k) % N];
          end
        end
        g[c] = g[c] | (last_q[l] & req[c] & !blk);
      end
    end
    gi = '0;
    for (int c = 0; c < N; c++) begin
      gi = gi | (IDX_W'(c) & {IDX_W{g[c]}});
    end
  end

  // Not in the block above: the grant does not depend on advance (which a user computes from
  // the grant), and Verilator sees that only if they are apart.
  assign last_d = (advance && req != '0) ? g : last_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      last_q <= N'(1) << RESET_LAST;
    end else begin
      last_q <= last_d;
    end
  end

  assign grant     = g;
  assign grant_idx = gi;
  assign last      = last_q;

endmodule

`default_nettype wire
