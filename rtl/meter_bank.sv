// SPDX-License-Identifier: MIT
// meter_bank: NUM_METERS token buckets (spec 5.4), bit-exact with model::MeterBank.
//
// Meter m (1..NUM_METERS-1; 0 = none) has rate (bytes per tick), burst (bytes), tokens and
// last_tick (32 bits each); a tick is 256 cycles. A check of L bytes at timestamp ts:
//   tick = ts >> 8 (32 bits); elapsed = (tick - last_tick) mod 2^32;
//   tokens = min(burst, tokens + elapsed * rate) (64-bit arithmetic); last_tick = tick;
//   pass = tokens >= L; if pass: tokens -= L.
//
// LATENCY = 4: a request accepted (s_req_valid && s_req_ready) on clock t has its result on
// m_res_valid / m_res_pass on clock t + 4, for exactly one clock (no backpressure), in
// request order. One request per clock sustained. LATENCY is a constant (it does not depend
// on the parameters); a caller mirrors it to align the result with its own pipeline.
//
// Storage: two sdp_ram (DEPTH = NUM_METERS rounded up to a power of two): cfg {burst,
// rate} (written by commands only) and st {last_tick, tokens} (written back by every request
// and by commands). Both are read with the request's index on the clock it is accepted.
// Request pipeline:
//   s1: RAM data; last_tick forwarded from the newest older request to the same meter that the
//       RAM read could not see (in s2, s3, wb or h1); elapsed = tick - last_tick
//   s2: elapsed * rate (32 x 32 -> 64); tokens forwarded from wb, h1 or h2, and whether the
//       request now in s3 is to the same meter (then s3's result is taken from wb next clock)
//   s3: tokens + min(product, 2^32) (33 bits), min(burst, ...), compare with L, subtract
//   wb: result registers: m_res_*, and the st RAM write of {tick, tokens}; h1, h2 keep the two
//       previous wb contents (a RAM write is visible to reads from the clock after it, so a
//       request may have read its state up to 4 clocks before an older write landed)
// Back-to-back requests to one meter: s3 -> wb -> s3 is the only single-clock loop (a 2:1 mux
// in front of the 33-bit add, the burst compare, the length compare and subtract).
//
// Management (METER_CMD of rtl/regs.yaml): op 1 WRITE (rate, burst; tokens = burst, last_tick
// = s_cmd_now >> 8), op 2 READ (m_rsp_rate, _burst, _tokens; zero for other commands). Index
// outside 1..NUM_METERS-1 or another op: status 5 (BAD_COMMAND), nothing changes; else 1
// (OK). One command at a time: accepted in IDLE; from the clock after the handshake
// s_req_ready is low until the pipeline is empty (at most 4 clocks), then the command
// executes (WRITE: 1 clock, READ: 2 clocks) and requests flow again while the response waits
// on m_rsp_ready. Requests accepted up to and including the clock of the command handshake
// see the meters before the command, later ones after it.
//
// Reset: synchronous, active high. After reset every RAM word is written to zero (DEPTH
// clocks, s_req_ready and s_cmd_ready low meanwhile): all meters have rate = burst = tokens
// = last_tick = 0.
`resetall
`timescale 1ns/1ps
`default_nettype none

module meter_bank #(
  parameter int NUM_METERS = 64       // meters 1..NUM_METERS-1 usable, 0 = none
) (
  input  wire        clk,
  input  wire        rst,

  // Checks: one per clock at most, in packet order.
  input  wire        s_req_valid,
  output wire        s_req_ready,      // low during the reset sweep and while a command runs
  input  wire [15:0] s_req_index,      // 1..NUM_METERS-1 (range checked by the caller)
  input  wire [15:0] s_req_len,        // frame length as received
  input  wire [63:0] s_req_ts,         // ingress timestamp (cycles); tick = ts >> 8

  // Results: LATENCY clocks after the request, in order, no backpressure.
  output wire        m_res_valid,
  output wire        m_res_pass,

  // Management.
  input  wire        s_cmd_valid,
  output wire        s_cmd_ready,
  input  wire [31:0] s_cmd_op,         // 1 WRITE, 2 READ
  input  wire [15:0] s_cmd_index,
  input  wire [31:0] s_cmd_rate,
  input  wire [31:0] s_cmd_burst,
  input  wire [63:0] s_cmd_now,        // WRITE: last_tick = now >> 8

  output wire        m_rsp_valid,
  input  wire        m_rsp_ready,
  output wire [7:0]  m_rsp_status,     // 1 OK, 5 BAD_COMMAND
  output wire [31:0] m_rsp_rate,       // READ: the meter's configuration and tokens
  output wire [31:0] m_rsp_burst,
  output wire [31:0] m_rsp_tokens
);

  localparam int LATENCY = 4;  // clocks from the request handshake to m_res_valid

  localparam int DEPTH = (NUM_METERS <= 2) ? 2 : (1 << $clog2(NUM_METERS));
  localparam int AW = $clog2(DEPTH);

  // METER_CMD commands and ACT_STATUS codes (rtl/formats.yaml).
  localparam logic [31:0] OP_WRITE       = 32'(nic_fmt_pkg::ACT_CMD_WRITE);
  localparam logic [31:0] OP_READ        = 32'(nic_fmt_pkg::ACT_CMD_READ);
  localparam logic [7:0]  ST_OK          = nic_fmt_pkg::FLOW_STATUS_OK;
  localparam logic [7:0]  ST_BAD_COMMAND = nic_fmt_pkg::FLOW_STATUS_BAD_COMMAND;

  initial begin
    if (NUM_METERS < 2 || NUM_METERS > 32768) begin
      $error("meter_bank (%m): NUM_METERS (%0d) must be 2..32768", NUM_METERS);
    end
    if (LATENCY != 4) begin
      $error("meter_bank (%m): LATENCY must match the pipeline (s1, s2, s3, wb)");
    end
  end

  typedef enum logic [2:0] {
    ST_INIT,   // zeroing the RAMs after reset
    ST_IDLE,   // requests flow, commands accepted
    ST_DRAIN,  // requests held until the pipeline is empty, then the command executes
    ST_RDATA,  // READ: RAM data available
    ST_RSP     // response offered; requests flow
  } state_e;

  state_e state_q, state_d;
  logic [AW-1:0] init_addr_q, init_addr_d;

  // Command (registered at the handshake).
  logic [31:0] cmd_op_q, cmd_op_d;
  logic [AW-1:0] cmd_idx_q, cmd_idx_d;
  logic        cmd_bad_q, cmd_bad_d;
  logic [31:0] cmd_rate_q, cmd_rate_d, cmd_burst_q, cmd_burst_d, cmd_tick_q, cmd_tick_d;
  // Response.
  logic [7:0]  rsp_status_q, rsp_status_d;
  logic [31:0] rsp_rate_q, rsp_rate_d, rsp_burst_q, rsp_burst_d, rsp_tokens_q, rsp_tokens_d;

  // Request pipeline: valids (reset), payload (not reset).
  logic        s1_v_q, s2_v_q, s3_v_q, wb_v_q, h1_v_q, h2_v_q;
  logic        s1_v_d, s2_v_d, s3_v_d, wb_v_d, h1_v_d, h2_v_d;
  logic [AW-1:0] s1_idx_q, s2_idx_q, s3_idx_q, wb_idx_q, h1_idx_q, h2_idx_q;
  logic [15:0] s1_len_q, s2_len_q, s3_len_q;
  logic [31:0] s1_tick_q, s2_tick_q, s3_tick_q, wb_tick_q, h1_tick_q;
  logic [31:0] wb_tok_q, h1_tok_q, h2_tok_q;
  logic [31:0] s2_elapsed_q, s2_rate_q, s2_burst_q, s2_tok_q;
  logic [63:0] s3_prod_q;
  logic [31:0] s3_burst_q, s3_tok_q;
  logic        s3_fwd_q;
  logic        wb_pass_q;

  logic [AW-1:0] s1_idx_d, s2_idx_d, s3_idx_d, wb_idx_d, h1_idx_d, h2_idx_d;
  logic [15:0] s1_len_d, s2_len_d, s3_len_d;
  logic [31:0] s1_tick_d, s2_tick_d, s3_tick_d, wb_tick_d, h1_tick_d;
  logic [31:0] wb_tok_d, h1_tok_d, h2_tok_d;
  logic [31:0] s2_elapsed_d, s2_rate_d, s2_burst_d, s2_tok_d;
  logic [63:0] s3_prod_d;
  logic [31:0] s3_burst_d, s3_tok_d;
  logic        s3_fwd_d;
  logic        wb_pass_d;

  // RAMs.
  logic          rd_en;
  logic [AW-1:0] rd_addr;
  logic          cfg_wr_en, st_wr_en;
  logic [AW-1:0] cfg_wr_addr, st_wr_addr;
  logic [63:0]   cfg_wr_data, st_wr_data, cfg_rd_data, st_rd_data;
  logic [31:0]   rd_rate, rd_burst, rd_tokens, rd_last_tick;

  logic req_ready, req_fire, cmd_ready, cmd_fire, pipe_empty;
  logic [31:0] s1_last_tick;
  logic [32:0] s3_prod_sat, s3_sum;
  logic [31:0] s3_tok_in, s3_fill;
  logic        s3_pass;

  sdp_ram #(.WIDTH(64), .DEPTH(DEPTH)) u_cfg_ram (
    .clk     (clk),
    .wr_en   (cfg_wr_en),
    .wr_addr (cfg_wr_addr),
    .wr_data (cfg_wr_data),
    .rd_en   (rd_en),
    .rd_addr (rd_addr),
    .rd_data (cfg_rd_data)
  );

  sdp_ram #(.WIDTH(64), .DEPTH(DEPTH)) u_st_ram (
    .clk     (clk),
    .wr_en   (st_wr_en),
    .wr_addr (st_wr_addr),
    .wr_data (st_wr_data),
    .rd_en   (rd_en),
    .rd_addr (rd_addr),
    .rd_data (st_rd_data)
  );

  assign {rd_burst, rd_rate}       = cfg_rd_data;
  assign {rd_last_tick, rd_tokens} = st_rd_data;

  always_comb begin
    req_ready  = (state_q == ST_IDLE) || (state_q == ST_RSP);
    cmd_ready  = state_q == ST_IDLE;
    req_fire   = s_req_valid && req_ready;
    cmd_fire   = s_cmd_valid && cmd_ready;
    pipe_empty = !s1_v_q && !s2_v_q && !s3_v_q && !wb_v_q;

    // ---- s0: accept, read both RAMs ----
    s1_v_d    = req_fire;
    s1_idx_d  = s_req_index[AW-1:0];
    s1_len_d  = s_req_len;
    s1_tick_d = s_req_ts[39:8];

    // ---- s1: last_tick forwarding, elapsed ----
    if (s2_v_q && s2_idx_q == s1_idx_q) begin
      s1_last_tick = s2_tick_q;
    end else if (s3_v_q && s3_idx_q == s1_idx_q) begin
      s1_last_tick = s3_tick_q;
    end else if (wb_v_q && wb_idx_q == s1_idx_q) begin
      s1_last_tick = wb_tick_q;
    end else if (h1_v_q && h1_idx_q == s1_idx_q) begin
      s1_last_tick = h1_tick_q;
    end else begin
      s1_last_tick = rd_last_tick;
    end
    s2_v_d       = s1_v_q;
    s2_idx_d     = s1_idx_q;
    s2_len_d     = s1_len_q;
    s2_tick_d    = s1_tick_q;
    s2_elapsed_d = s1_tick_q - s1_last_tick;
    s2_rate_d    = rd_rate;
    s2_burst_d   = rd_burst;
    s2_tok_d     = rd_tokens;

    // ---- s2: multiply, tokens forwarding ----
    s3_v_d     = s2_v_q;
    s3_idx_d   = s2_idx_q;
    s3_len_d   = s2_len_q;
    s3_tick_d  = s2_tick_q;
    s3_burst_d = s2_burst_q;
    s3_prod_d  = {32'd0, s2_elapsed_q} * {32'd0, s2_rate_q};
    s3_fwd_d   = s3_v_q && s3_idx_q == s2_idx_q;
    if (wb_v_q && wb_idx_q == s2_idx_q) begin
      s3_tok_d = wb_tok_q;
    end else if (h1_v_q && h1_idx_q == s2_idx_q) begin
      s3_tok_d = h1_tok_q;
    end else if (h2_v_q && h2_idx_q == s2_idx_q) begin
      s3_tok_d = h2_tok_q;
    end else begin
      s3_tok_d = s2_tok_q;
    end

    // ---- s3: refill, clamp, compare, subtract ----
    // A product of 2^32 or more fills any bucket (burst < 2^32): clamp it to 33 bits.
    s3_prod_sat = (|s3_prod_q[63:32]) ? {1'b1, 32'd0} : {1'b0, s3_prod_q[31:0]};
    s3_tok_in   = s3_fwd_q ? wb_tok_q : s3_tok_q;
    s3_sum      = {1'b0, s3_tok_in} + s3_prod_sat;
    s3_fill     = (s3_sum > {1'b0, s3_burst_q}) ? s3_burst_q : s3_sum[31:0];
    s3_pass     = s3_fill >= {16'd0, s3_len_q};
    wb_v_d      = s3_v_q;
    wb_idx_d    = s3_idx_q;
    wb_tick_d   = s3_tick_q;
    wb_pass_d   = s3_pass;
    wb_tok_d    = s3_pass ? (s3_fill - {16'd0, s3_len_q}) : s3_fill;

    // ---- history of written-back states ----
    h1_v_d   = wb_v_q;
    h1_idx_d = wb_idx_q;
    h1_tick_d = wb_tick_q;
    h1_tok_d = wb_tok_q;
    h2_v_d   = h1_v_q;
    h2_idx_d = h1_idx_q;
    h2_tok_d = h1_tok_q;

    // ---- RAM ports ----
    rd_en       = req_fire;
    rd_addr     = s_req_index[AW-1:0];
    cfg_wr_en   = 1'b0;
    cfg_wr_addr = cmd_idx_q;
    cfg_wr_data = {cmd_burst_q, cmd_rate_q};
    st_wr_en    = wb_v_q;
    st_wr_addr  = wb_idx_q;
    st_wr_data  = {wb_tick_q, wb_tok_q};

    // ---- command FSM ----
    state_d      = state_q;
    init_addr_d  = init_addr_q;
    cmd_op_d     = cmd_op_q;
    cmd_idx_d    = cmd_idx_q;
    cmd_bad_d    = cmd_bad_q;
    cmd_rate_d   = cmd_rate_q;
    cmd_burst_d  = cmd_burst_q;
    cmd_tick_d   = cmd_tick_q;
    rsp_status_d = rsp_status_q;
    rsp_rate_d   = rsp_rate_q;
    rsp_burst_d  = rsp_burst_q;
    rsp_tokens_d = rsp_tokens_q;
    case (state_q)
      ST_INIT: begin
        cfg_wr_en   = 1'b1;
        cfg_wr_addr = init_addr_q;
        cfg_wr_data = '0;
        st_wr_en    = 1'b1;
        st_wr_addr  = init_addr_q;
        st_wr_data  = '0;
        init_addr_d = init_addr_q + AW'(1);
        if (init_addr_q == AW'(DEPTH - 1)) begin
          state_d = ST_IDLE;
        end
      end
      ST_IDLE: begin
        if (cmd_fire) begin
          cmd_op_d    = s_cmd_op;
          cmd_idx_d   = s_cmd_index[AW-1:0];
          cmd_bad_d   = (s_cmd_op != OP_WRITE && s_cmd_op != OP_READ) || s_cmd_index == 16'd0
                        || {16'd0, s_cmd_index} >= NUM_METERS;
          cmd_rate_d  = s_cmd_rate;
          cmd_burst_d = s_cmd_burst;
          cmd_tick_d  = s_cmd_now[39:8];
          state_d     = ST_DRAIN;
        end
      end
      ST_DRAIN: begin
        if (pipe_empty) begin
          rsp_status_d = cmd_bad_q ? ST_BAD_COMMAND : ST_OK;
          rsp_rate_d   = '0;
          rsp_burst_d  = '0;
          rsp_tokens_d = '0;
          state_d      = ST_RSP;
          if (!cmd_bad_q && cmd_op_q == OP_WRITE) begin
            cfg_wr_en   = 1'b1;
            st_wr_en    = 1'b1;
            st_wr_addr  = cmd_idx_q;
            st_wr_data  = {cmd_tick_q, cmd_burst_q};
            // The history may hold an older state of this meter.
            h1_v_d      = 1'b0;
            h2_v_d      = 1'b0;
          end else if (!cmd_bad_q) begin
            rd_en   = 1'b1;
            rd_addr = cmd_idx_q;
            state_d = ST_RDATA;
          end
        end
      end
      ST_RDATA: begin
        rsp_rate_d   = rd_rate;
        rsp_burst_d  = rd_burst;
        rsp_tokens_d = rd_tokens;
        state_d      = ST_RSP;
      end
      ST_RSP: begin
        if (m_rsp_ready) begin
          state_d = ST_IDLE;
        end
      end
      default: begin
        state_d = ST_IDLE;
      end
    endcase
  end

  always_ff @(posedge clk) begin
    cmd_op_q     <= cmd_op_d;
    cmd_idx_q    <= cmd_idx_d;
    cmd_bad_q    <= cmd_bad_d;
    cmd_rate_q   <= cmd_rate_d;
    cmd_burst_q  <= cmd_burst_d;
    cmd_tick_q   <= cmd_tick_d;
    rsp_status_q <= rsp_status_d;
    rsp_rate_q   <= rsp_rate_d;
    rsp_burst_q  <= rsp_burst_d;
    rsp_tokens_q <= rsp_tokens_d;
    s1_idx_q     <= s1_idx_d;
    s1_len_q     <= s1_len_d;
    s1_tick_q    <= s1_tick_d;
    s2_idx_q     <= s2_idx_d;
    s2_len_q     <= s2_len_d;
    s2_tick_q    <= s2_tick_d;
    s2_elapsed_q <= s2_elapsed_d;
    s2_rate_q    <= s2_rate_d;
    s2_burst_q   <= s2_burst_d;
    s2_tok_q     <= s2_tok_d;
    s3_idx_q     <= s3_idx_d;
    s3_len_q     <= s3_len_d;
    s3_tick_q    <= s3_tick_d;
    s3_prod_q    <= s3_prod_d;
    s3_burst_q   <= s3_burst_d;
    s3_tok_q     <= s3_tok_d;
    s3_fwd_q     <= s3_fwd_d;
    wb_idx_q     <= wb_idx_d;
    wb_tick_q    <= wb_tick_d;
    wb_tok_q     <= wb_tok_d;
    wb_pass_q    <= wb_pass_d;
    h1_idx_q     <= h1_idx_d;
    h1_tick_q    <= h1_tick_d;
    h1_tok_q     <= h1_tok_d;
    h2_idx_q     <= h2_idx_d;
    h2_tok_q     <= h2_tok_d;
    if (rst) begin
      state_q     <= ST_INIT;
      init_addr_q <= '0;
      s1_v_q      <= 1'b0;
      s2_v_q      <= 1'b0;
      s3_v_q      <= 1'b0;
      wb_v_q      <= 1'b0;
      h1_v_q      <= 1'b0;
      h2_v_q      <= 1'b0;
    end else begin
      state_q     <= state_d;
      init_addr_q <= init_addr_d;
      s1_v_q      <= s1_v_d;
      s2_v_q      <= s2_v_d;
      s3_v_q      <= s3_v_d;
      wb_v_q      <= wb_v_d;
      h1_v_q      <= h1_v_d;
      h2_v_q      <= h2_v_d;
    end
  end

  // Bits the meters do not use: the index above the RAM address, the timestamp outside the
  // 32-bit tick (ts >> 8), the command's time below the tick and above it.
  logic unused_bits;
  assign unused_bits = ^{s_req_index[15:AW], s_req_ts[63:40], s_req_ts[7:0],
                         s_cmd_now[63:40], s_cmd_now[7:0]};

  assign s_req_ready  = req_ready;
  assign s_cmd_ready  = cmd_ready;
  assign m_res_valid  = wb_v_q;
  assign m_res_pass   = wb_pass_q;
  assign m_rsp_valid  = state_q == ST_RSP;
  assign m_rsp_status = rsp_status_q;
  assign m_rsp_rate   = rsp_rate_q;
  assign m_rsp_burst  = rsp_burst_q;
  assign m_rsp_tokens = rsp_tokens_q;

endmodule

`default_nettype wire
