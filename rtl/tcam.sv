// SPDX-License-Identifier: MIT
// tcam: ternary CAM with priorities (docs/spec.md section 4.3; docs/rtl-tcam.md).
//
// TCAM_ENTRIES rules of {valid, priority, value, mask, action, packet/byte counters}. A rule
// matches a key when (key & mask) == (value & mask); of the matching valid rules the lowest
// priority value wins, a tie goes to the lower index (model::Tcam::lookup).
//
// Lookup (s_lookup -> m_result): one lookup per clock sustained, fixed latency
// LATENCY = 4 + $clog2(TCAM_ENTRIES) clocks from the s_lookup handshake to m_result_valid
// (with an empty output FIFO):
//   S0    key and frame length registered
//   S1    match vector (one bit a rule) registered
//   T1..TL  priority reduction tree over (hit, priority, index), one tree level a stage
//   R     action and counters read from RAM at the winner; the winner's counters are written
//         back (+1 packet, +length bytes; a hit on the rule updated the clock before takes
//         the forwarded value); the result enters the output FIFO
// m_result_ready backpressure never stalls the pipeline: s_lookup_ready is a credit check
// (lookups accepted and not yet popped < FIFO depth), so the FIFO cannot overflow and no
// combinational path runs from m_result_ready to s_lookup_ready. A miss reports hit 0,
// index TCAM_NO_INDEX and an all-zero action.
//
// Management (s_cmd -> m_rsp): op as written to TCAM_CMD (1 WRITE, 2 CLEAR, 3 QUERY,
// 4 READ), index as written to TCAM_INDEX. Status as NicDevice::tcam_command: BAD_COMMAND
// for an op outside 1..4 or index >= TCAM_ENTRIES; NOT_FOUND for CLEAR, QUERY or READ of an
// invalid rule; else OK. WRITE stores the rule valid with zeroed counters; the action is
// stored as ActionRecord::encode(decode(bytes)) (flags bits 31:24 and bytes 62..63 zero).
// A command waits until every lookup already accepted has left the pipeline (s_lookup_ready
// is low meanwhile), then executes in the clock of its handshake: a lookup sees the rules
// before or after a command, never a mix. m_rsp_valid follows 2 clocks after the handshake
// (a WRITE's 64 clocks later: the fill below); one command at a time. m_rsp_pkts/bytes
// change only on an OK QUERY, m_rsp_priority/value/mask/action only on an OK READ (they hold
// the last values otherwise, as the registers of the model do).
//
// Storage (docs/rtl-tcam.md, Storage): the match in distributed RAM, a RAM-based TCAM. The
// key is cut into SLICES slices of 6 bits; slice s has a 64-word memory of one bit a rule,
// word a bit i set when rule i matches the value a in that slice. A lookup reads every
// slice's word at the key's 6 bits (one LUTRAM read) and ANDs the SLICES words with the
// valid bits: the match vector. A WRITE fills rule i's bit in every word of every slice,
// 64 clocks (all slices at once) after its handshake (CMD_FILL), lookups held off
// meanwhile. Valid bits and priorities in flip-flops; the rule as written (priority, raw
// value, mask, action) and the counters in RAMs read by the winner or by the command
// (inferred, one write and one read port each).
`resetall
`timescale 1ns/1ps
`default_nettype none

module tcam #(
  parameter int TCAM_ENTRIES = 16,  // 16..256
  parameter int LEN_W        = 16   // frame length width (bytes)
) (
  input  wire                                   clk,
  input  wire                                   rst,

  // Lookup request.
  input  wire                                   s_lookup_valid,
  output wire                                   s_lookup_ready,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]     s_lookup_key,
  input  wire [LEN_W-1:0]                       s_lookup_len,

  // Lookup result, in request order.
  output wire                                   m_result_valid,
  input  wire                                   m_result_ready,
  output wire                                   m_result_hit,
  output wire [nic_pkg::TCAM_INDEX_W-1:0]       m_result_index,
  output wire [nic_fmt_pkg::ACTION_W-1:0]       m_result_action,

  // Management command.
  input  wire                                   s_cmd_valid,
  output wire                                   s_cmd_ready,
  input  wire [nic_pkg::CSR_DATA_W-1:0]         s_cmd_op,
  input  wire [nic_pkg::CSR_DATA_W-1:0]         s_cmd_index,
  input  wire [nic_pkg::TCAM_PRIO_W-1:0]        s_cmd_priority,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]     s_cmd_value,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]     s_cmd_mask,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]       s_cmd_action,

  // Management response.
  output wire                                   m_rsp_valid,
  input  wire                                   m_rsp_ready,
  output wire [7:0]                             m_rsp_status,
  output wire [63:0]                            m_rsp_pkts,
  output wire [63:0]                            m_rsp_bytes,
  output wire [nic_pkg::TCAM_PRIO_W-1:0]        m_rsp_priority,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0]     m_rsp_value,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0]     m_rsp_mask,
  output wire [nic_fmt_pkg::ACTION_W-1:0]       m_rsp_action
);

  localparam int N       = TCAM_ENTRIES;
  localparam int KEY_W   = nic_fmt_pkg::TCAM_KEY_W;
  localparam int PRIO_W  = nic_pkg::TCAM_PRIO_W;
  localparam int ACT_W   = nic_fmt_pkg::ACTION_W;
  localparam int IDX_W   = $clog2(N);         // rule index
  localparam int LEVELS  = IDX_W;             // reduction tree stages
  localparam int NP      = 1 << LEVELS;       // leaves (rules padded to a power of two)
  localparam int LATENCY = 4 + LEVELS;
  localparam int FIFO_AW = $clog2(LATENCY + 4);
  localparam int FIFO_DEPTH = 1 << FIFO_AW;
  // The TCAM_CMD commands (nic_fmt_pkg::TCAM_CMD_*) at the width of s_cmd_op.
  localparam logic [nic_pkg::CSR_DATA_W-1:0] OP_WRITE = 32'(nic_fmt_pkg::TCAM_CMD_WRITE);
  localparam logic [nic_pkg::CSR_DATA_W-1:0] OP_CLEAR = 32'(nic_fmt_pkg::TCAM_CMD_CLEAR);
  localparam logic [nic_pkg::CSR_DATA_W-1:0] OP_QUERY = 32'(nic_fmt_pkg::TCAM_CMD_QUERY);
  localparam logic [nic_pkg::CSR_DATA_W-1:0] OP_READ  = 32'(nic_fmt_pkg::TCAM_CMD_READ);
  localparam int RULE_W  = PRIO_W + 2 * KEY_W + ACT_W;  // rule RAM word
  localparam int CNT_W   = 128;                         // {bytes[63:0], pkts[63:0]}
  localparam int FIFO_W  = 1 + IDX_W + ACT_W;           // {hit, index, action}
  localparam int SL_W    = 6;                           // key bits a slice (LUTRAM address)
  localparam int SLICES  = (KEY_W + SL_W - 1) / SL_W;   // 75 at KEY_W = 448
  localparam int KEY_PW  = SLICES * SL_W;               // the key padded (mask 0 there)

  // The action record as the model stores it: flags bits 31:24 (byte 3) and bytes 62..63
  // are reserved and read back as zero (ActionRecord::encode).
  localparam logic [ACT_W-1:0] ACTION_KEEP = nic_fmt_pkg::ACTION_DEFINED;

  initial begin
    if (TCAM_ENTRIES < 16 || TCAM_ENTRIES > 256) begin
      $error("tcam (%m): TCAM_ENTRIES (%0d) must be in 16..256", TCAM_ENTRIES);
    end
    if (LEN_W < 1 || LEN_W > 32) begin
      $error("tcam (%m): LEN_W (%0d) must be in 1..32", LEN_W);
    end
  end

  // Command FSM states.
  localparam logic [2:0] CMD_IDLE  = 3'd0;  // no command
  localparam logic [2:0] CMD_DRAIN = 3'd1;  // lookups held off, pipeline emptying
  localparam logic [2:0] CMD_EXEC  = 3'd2;  // s_cmd_ready: executes on the handshake
  localparam logic [2:0] CMD_LOAD  = 3'd3;  // RAM read data of QUERY/READ available
  localparam logic [2:0] CMD_RSP   = 3'd4;  // m_rsp_valid
  localparam logic [2:0] CMD_FILL  = 3'd5;  // WRITE: the rule's match bits, 64 clocks

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------
  // Rules in flip-flops. valid is control state (reset); the rest is data.
  logic [N-1:0]                    valid_q, valid_d;
  // Per-rule priorities packed into a vector, rule i at [i*W +: W] (Yosys 0.23 has no
  // packed multi-dimensional arrays).
  logic [N*PRIO_W-1:0]             prio_q;
  // The fill of a WRITE: the rule's value and mask (padded), the rule one-hot, the address.
  logic [KEY_PW-1:0]               fill_val_q;
  logic [KEY_PW-1:0]               fill_mask_q;
  logic [N-1:0]                    fill_en_q;
  logic [SL_W-1:0]                 fill_a_q, fill_a_d;
  logic                            fill_we_q, fill_we_d;  // key_s0_q holds a fill address

  // Lookup pipeline.
  logic                            lookup_ready_q, lookup_ready_d;
  logic [FIFO_AW:0]                occ_q, occ_d;   // accepted, not yet popped
  logic                            s0_valid_q, s0_valid_d;
  logic [KEY_PW-1:0]               key_s0_q, key_s0_d;  // padded
  logic [LEN_W-1:0]                len_s0_q, len_s0_d;
  logic                            s1_valid_q, s1_valid_d;
  logic [NP-1:0]                   match_s1_q, match_s1_d;
  logic [LEN_W-1:0]                len_s1_q, len_s1_d;
  // Tree nodes as a heap: node p has children 2p+1 and 2p+2; nodes 0..NP-2 are registers
  // (stage t holds nodes (NP>>t)-1 .. (NP>>(t-1))-2, the root 0 in stage LEVELS), nodes
  // NP-1..2NP-2 are the leaves (rule p-(NP-1), from the match vector).
  logic [NP-2:0]                   node_hit_q, node_hit_d;
  logic [(NP-1)*PRIO_W-1:0]        node_prio_q, node_prio_d;
  logic [(NP-1)*IDX_W-1:0]         node_idx_q, node_idx_d;
  logic [LEVELS-1:0]               tree_valid_q, tree_valid_d;
  logic [LEVELS*LEN_W-1:0]         tree_len_q, tree_len_d;  // stage t at [(t-1)*LEN_W +:]
  logic                            r_valid_q, r_valid_d;
  logic                            r_hit_q, r_hit_d;
  logic [IDX_W-1:0]                r_idx_q, r_idx_d;
  logic [LEN_W-1:0]                r_len_q, r_len_d;
  // The last counter write of a hit, forwarded to a hit on the same rule the next clock
  // (its RAM read was issued before the write).
  logic                            fwd_valid_q, fwd_valid_d;
  logic [IDX_W-1:0]                fwd_idx_q, fwd_idx_d;
  logic [CNT_W-1:0]                fwd_cnt_q, fwd_cnt_d;

  // RAMs (sync read: the read data registers are rule_rd_q and cnt_rd_q).
  logic [RULE_W-1:0]               rule_mem [N];
  logic [CNT_W-1:0]                cnt_mem [N];
  logic [RULE_W-1:0]               rule_rd_q, rule_rd_d;
  logic [CNT_W-1:0]                cnt_rd_q, cnt_rd_d;

  // Output FIFO (async read).
  logic [FIFO_W-1:0]               fifo_mem [FIFO_DEPTH];
  logic [FIFO_AW-1:0]              fifo_wr_ptr_q, fifo_wr_ptr_d;
  logic [FIFO_AW-1:0]              fifo_rd_ptr_q, fifo_rd_ptr_d;
  logic [FIFO_AW:0]                fifo_cnt_q, fifo_cnt_d;
  logic                            res_valid_q, res_valid_d;

  // Command.
  logic [2:0]                      cmd_state_q, cmd_state_d;
  logic                            cmd_ready_q, cmd_ready_d;
  logic [7:0]                      status_q, status_d;
  logic                            load_query_q, load_query_d;  // OK QUERY: take counters
  logic                            load_read_q, load_read_d;    // OK READ: take the rule
  logic                            rsp_valid_q, rsp_valid_d;
  logic [63:0]                     rsp_pkts_q, rsp_pkts_d;
  logic [63:0]                     rsp_bytes_q, rsp_bytes_d;
  logic [PRIO_W-1:0]               rsp_prio_q, rsp_prio_d;
  logic [KEY_W-1:0]                rsp_value_q, rsp_value_d;
  logic [KEY_W-1:0]                rsp_mask_q, rsp_mask_d;
  logic [ACT_W-1:0]                rsp_action_q, rsp_action_d;

  // ---------------------------------------------------------------------------------------
  // Management command
  // ---------------------------------------------------------------------------------------
  logic              cmd_fire;
  logic              cmd_op_ok;       // op in 1..4
  logic              cmd_index_ok;    // index < TCAM_ENTRIES
  logic              cmd_rule_valid;
  logic [IDX_W-1:0]  cmd_idx;
  logic              rule_we;         // WRITE executes
  logic              rule_clr;        // CLEAR of a valid rule executes
  logic              pipe_empty;

  always_comb begin
    cmd_fire       = s_cmd_valid && cmd_ready_q;
    cmd_idx        = s_cmd_index[IDX_W-1:0];
    cmd_op_ok      = s_cmd_op >= OP_WRITE && s_cmd_op <= OP_READ;
    cmd_index_ok   = s_cmd_index < nic_pkg::CSR_DATA_W'(N);
    cmd_rule_valid = cmd_index_ok && valid_q[cmd_idx];
    rule_we  = cmd_fire && cmd_index_ok && s_cmd_op == OP_WRITE;
    rule_clr = cmd_fire && cmd_rule_valid && s_cmd_op == OP_CLEAR;
    pipe_empty = !s0_valid_q && !s1_valid_q && tree_valid_q == '0 && !r_valid_q;

    cmd_state_d  = cmd_state_q;
    status_d     = status_q;
    load_query_d = 1'b0;
    load_read_d  = 1'b0;
    rsp_valid_d  = rsp_valid_q;
    case (cmd_state_q)
      CMD_IDLE: if (s_cmd_valid) cmd_state_d = CMD_DRAIN;
      CMD_DRAIN: if (pipe_empty) cmd_state_d = CMD_EXEC;
      CMD_EXEC: begin
        if (cmd_fire) begin
          cmd_state_d = rule_we ? CMD_FILL : CMD_LOAD;
          if (!cmd_op_ok || !cmd_index_ok) begin
            status_d = nic_fmt_pkg::FLOW_STATUS_BAD_COMMAND;
          end else if (s_cmd_op == OP_WRITE || cmd_rule_valid) begin
            status_d = nic_fmt_pkg::FLOW_STATUS_OK;
          end else begin
            status_d = nic_fmt_pkg::FLOW_STATUS_NOT_FOUND;
          end
          load_query_d = cmd_op_ok && cmd_rule_valid && s_cmd_op == OP_QUERY;
          load_read_d  = cmd_op_ok && cmd_rule_valid && s_cmd_op == OP_READ;
        end else begin
          cmd_state_d = CMD_IDLE;  // s_cmd_valid withdrawn
        end
      end
      CMD_FILL: if (fill_a_q == '1) cmd_state_d = CMD_LOAD;
      CMD_LOAD: begin
        cmd_state_d = CMD_RSP;
        rsp_valid_d = 1'b1;
      end
      CMD_RSP: begin
        if (m_rsp_ready) begin
          cmd_state_d = CMD_IDLE;
          rsp_valid_d = 1'b0;
        end
      end
      default: cmd_state_d = CMD_IDLE;
    endcase
    cmd_ready_d = cmd_state_d == CMD_EXEC;

    // Response data: the RAM read of the EXEC clock, taken in LOAD.
    rsp_pkts_d   = rsp_pkts_q;
    rsp_bytes_d  = rsp_bytes_q;
    rsp_prio_d   = rsp_prio_q;
    rsp_value_d  = rsp_value_q;
    rsp_mask_d   = rsp_mask_q;
    rsp_action_d = rsp_action_q;
    if (load_query_q) begin
      {rsp_bytes_d, rsp_pkts_d} = cnt_rd_q;
    end
    if (load_read_q) begin
      {rsp_prio_d, rsp_value_d, rsp_mask_d, rsp_action_d} = rule_rd_q;
    end
  end

  // Rule flip-flops. The rules' priority, value and mask are written in place in the clock
  // that writes a rule (no next-state twin of N rules copied every clock: the Verilated
  // model's cost, docs/perf-rtl.md).
  always_comb begin
    valid_d = valid_q;
    for (int i = 0; i < N; i++) begin
      if (cmd_idx == IDX_W'(i)) begin
        if (rule_we) begin
          valid_d[i] = 1'b1;
        end
        if (rule_clr) begin
          valid_d[i] = 1'b0;
        end
      end
    end
  end
  always_ff @(posedge clk) begin
    if (rule_we) begin
      for (int i = 0; i < N; i++) begin
        if (cmd_idx == IDX_W'(i)) begin
          prio_q[i*PRIO_W +: PRIO_W] <= s_cmd_priority;
        end
        fill_en_q[i] <= cmd_idx == IDX_W'(i);
      end
      fill_val_q  <= KEY_PW'(s_cmd_value);
      fill_mask_q <= KEY_PW'(s_cmd_mask);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Match RAM: SLICES memories of 64 words x N bits (distributed RAM, one address for the
  // read and the write: key_s0_q's slice, which holds the fill address during CMD_FILL)
  // ---------------------------------------------------------------------------------------
  logic [SLICES*N-1:0] slice_rd;      // slice s's word at [s*N +: N]

  always_comb begin
    // CMD_FILL: every slice's address is the fill counter (no lookup is accepted then).
    fill_we_d = cmd_state_q == CMD_FILL;
    fill_a_d  = fill_we_d ? fill_a_q + SL_W'(1) : '0;
  end

  for (genvar sl = 0; sl < SLICES; sl++) begin : g_slice
    logic [SL_W-1:0] addr;
    logic            bit_d;           // the filled rule matches the value `addr` here

    assign addr  = key_s0_q[sl*SL_W +: SL_W];
    assign bit_d = ((addr ^ fill_val_q[sl*SL_W +: SL_W]) & fill_mask_q[sl*SL_W +: SL_W]) == '0;

    // The fill writes rule i's bit (fill_en_q one-hot). Two spellings of the same memory:
    // for Verilator one array of N-bit words written as a word under the one-hot mask (one
    // store a clock); for synthesis one 64 x 1 memory a rule with its own write enable, which
    // Yosys maps to one LUTRAM each (as one array written bit by bit, Yosys 0.23 took more
    // than ten minutes over the N write ports; written as a word, it adds a LUT a bit to the
    // RAM's data). `NICSIM_TCAM_RULE_RAMS` gives Verilator the synthesis spelling (the
    // bench's Vtcam_e16_rule_rams, so both are checked against the model).
`ifdef VERILATOR
`ifndef NICSIM_TCAM_RULE_RAMS
`define NICSIM_TCAM_WORD_RAMS
`endif
`endif
`ifdef NICSIM_TCAM_WORD_RAMS
`undef NICSIM_TCAM_WORD_RAMS
    logic [N-1:0] mem [1 << SL_W];
    assign slice_rd[sl*N +: N] = mem[addr];
    always_ff @(posedge clk) begin
      if (fill_we_q) begin
        mem[addr] <= (mem[addr] & ~fill_en_q) | ({N{bit_d}} & fill_en_q);
      end
    end
`else
    for (genvar i = 0; i < N; i++) begin : g_rule
      logic mem [1 << SL_W];
      assign slice_rd[sl*N + i] = mem[addr];
      always_ff @(posedge clk) begin
        if (fill_we_q && fill_en_q[i]) begin
          mem[addr] <= bit_d;
        end
      end
    end
`endif
  end

  // ---------------------------------------------------------------------------------------
  // Lookup pipeline
  // ---------------------------------------------------------------------------------------
  logic              lookup_fire;
  logic              res_pop;
  logic [2*NP-2:0]              all_hit;    // nodes, then leaves
  logic [(2*NP-1)*PRIO_W-1:0]   all_prio;
  logic [(2*NP-1)*IDX_W-1:0]    all_idx;
  logic              take_left;

  always_comb begin
    lookup_fire = s_lookup_valid && lookup_ready_q;
    res_pop     = res_valid_q && m_result_ready;

    // S0: the request (in CMD_FILL, the fill address in every slice).
    s0_valid_d = lookup_fire;
    key_s0_d   = fill_we_d ? {SLICES{fill_a_q}} : KEY_PW'(s_lookup_key);
    len_s0_d   = s_lookup_len;

    // S1: the match vector: the valid rules whose bit is set in every slice's word.
    s1_valid_d = s0_valid_q;
    len_s1_d   = len_s0_q;
    match_s1_d = '0;
    match_s1_d[N-1:0] = valid_q;
    for (int sl = 0; sl < SLICES; sl++) begin
      match_s1_d[N-1:0] = match_s1_d[N-1:0] & slice_rd[sl*N +: N];
    end

    // T1..TL: each node takes the left child (lower indices) unless only the right one hits
    // or it hits with a strictly lower priority value.
    all_hit  = {match_s1_q, node_hit_q};
    all_prio = '0;
    all_idx  = '0;
    all_prio[(NP-1)*PRIO_W-1:0] = node_prio_q;
    all_idx[(NP-1)*IDX_W-1:0]   = node_idx_q;
    all_prio[(NP-1)*PRIO_W +: N*PRIO_W] = prio_q;
    for (int i = 0; i < N; i++) begin
      all_idx[(NP-1+i)*IDX_W +: IDX_W] = IDX_W'(i);
    end
    take_left = 1'b0;
    for (int p = 0; p < NP - 1; p++) begin
      take_left = all_hit[2*p + 1] && (!all_hit[2*p + 2]
          || all_prio[(2*p + 1)*PRIO_W +: PRIO_W] <= all_prio[(2*p + 2)*PRIO_W +: PRIO_W]);
      node_hit_d[p] = all_hit[2*p + 1] || all_hit[2*p + 2];
      node_prio_d[p*PRIO_W +: PRIO_W] = take_left ? all_prio[(2*p + 1)*PRIO_W +: PRIO_W]
                                                  : all_prio[(2*p + 2)*PRIO_W +: PRIO_W];
      node_idx_d[p*IDX_W +: IDX_W] = take_left ? all_idx[(2*p + 1)*IDX_W +: IDX_W]
                                               : all_idx[(2*p + 2)*IDX_W +: IDX_W];
    end
    tree_valid_d = {tree_valid_q[LEVELS-2:0], s1_valid_q};
    tree_len_d   = {tree_len_q[(LEVELS-1)*LEN_W-1:0], len_s1_q};

    // R: the winner; its RAM read is issued now (the command's in EXEC, when the pipeline
    // is empty).
    r_valid_d = tree_valid_q[LEVELS-1];
    r_hit_d   = node_hit_q[0];
    r_idx_d   = node_idx_q[IDX_W-1:0];
    r_len_d   = tree_len_q[(LEVELS-1)*LEN_W +: LEN_W];
  end

  // ---------------------------------------------------------------------------------------
  // RAMs: rule (priority, value, mask, action) and counters
  // ---------------------------------------------------------------------------------------
  logic [IDX_W-1:0]  rd_addr;
  logic              cnt_we;
  logic [IDX_W-1:0]  cnt_waddr;
  logic [CNT_W-1:0]  cnt_wdata;
  logic [CNT_W-1:0]  cnt_base;
  logic [63:0]       cnt_pkts;
  logic [63:0]       cnt_bytes;
  logic [RULE_W-1:0] rule_wdata;

  always_comb begin
    rd_addr   = cmd_state_q == CMD_EXEC ? cmd_idx : node_idx_q[IDX_W-1:0];
    rule_rd_d = rule_mem[rd_addr];
    cnt_rd_d  = cnt_mem[rd_addr];
    rule_wdata = {s_cmd_priority, s_cmd_value, s_cmd_mask, s_cmd_action & ACTION_KEEP};

    // Counter update of a hit in R, forwarding the write of the clock before.
    cnt_base  = fwd_valid_q && fwd_idx_q == r_idx_q ? fwd_cnt_q : cnt_rd_q;
    cnt_pkts  = cnt_base[63:0] + 64'd1;
    cnt_bytes = cnt_base[127:64] + 64'(r_len_q);
    fwd_valid_d = r_valid_q && r_hit_q;
    fwd_idx_d   = r_idx_q;
    fwd_cnt_d   = {cnt_bytes, cnt_pkts};
    // A WRITE zeroes the counters (the pipeline is empty then: no hit writes).
    cnt_we    = fwd_valid_d || rule_we;
    cnt_waddr = rule_we ? cmd_idx : r_idx_q;
    cnt_wdata = rule_we ? '0 : fwd_cnt_d;
  end

  // RAM write ports (inference template: one write port, the read registered below).
  always_ff @(posedge clk) begin
    if (rule_we) begin
      rule_mem[cmd_idx] <= rule_wdata;
    end
    if (cnt_we) begin
      cnt_mem[cnt_waddr] <= cnt_wdata;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Output FIFO
  // ---------------------------------------------------------------------------------------
  logic              fifo_we;
  logic [FIFO_W-1:0] fifo_wdata;
  logic [FIFO_W-1:0] fifo_rdata;

  always_comb begin
    fifo_we    = r_valid_q;
    fifo_wdata = {r_hit_q, r_idx_q, r_hit_q ? rule_rd_q[ACT_W-1:0] : {ACT_W{1'b0}}};
    fifo_wr_ptr_d = fifo_wr_ptr_q + FIFO_AW'(fifo_we);
    fifo_rd_ptr_d = fifo_rd_ptr_q + FIFO_AW'(res_pop);
    fifo_cnt_d    = fifo_cnt_q + (FIFO_AW + 1)'(fifo_we) - (FIFO_AW + 1)'(res_pop);
    res_valid_d   = fifo_cnt_d != '0;
    fifo_rdata    = fifo_mem[fifo_rd_ptr_q];

    // Credits: at most FIFO_DEPTH lookups between the s_lookup and m_result handshakes.
    occ_d = occ_q + (FIFO_AW + 1)'(lookup_fire) - (FIFO_AW + 1)'(res_pop);
    lookup_ready_d = occ_d < (FIFO_AW + 1)'(FIFO_DEPTH)
        && cmd_state_d != CMD_DRAIN && cmd_state_d != CMD_EXEC && cmd_state_d != CMD_FILL;
  end

  always_ff @(posedge clk) begin
    if (fifo_we) begin
      fifo_mem[fifo_wr_ptr_q] <= fifo_wdata;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    key_s0_q     <= key_s0_d;
    len_s0_q     <= len_s0_d;
    match_s1_q   <= match_s1_d;
    len_s1_q     <= len_s1_d;
    node_hit_q   <= node_hit_d;
    node_prio_q  <= node_prio_d;
    node_idx_q   <= node_idx_d;
    tree_len_q   <= tree_len_d;
    r_hit_q      <= r_hit_d;
    r_idx_q      <= r_idx_d;
    r_len_q      <= r_len_d;
    fwd_idx_q    <= fwd_idx_d;
    fwd_cnt_q    <= fwd_cnt_d;
    rule_rd_q    <= rule_rd_d;
    cnt_rd_q     <= cnt_rd_d;
    status_q     <= status_d;
    rsp_pkts_q   <= rsp_pkts_d;
    rsp_bytes_q  <= rsp_bytes_d;
    rsp_prio_q   <= rsp_prio_d;
    rsp_value_q  <= rsp_value_d;
    rsp_mask_q   <= rsp_mask_d;
    rsp_action_q <= rsp_action_d;
    if (rst) begin
      valid_q        <= '0;
      lookup_ready_q <= 1'b0;
      occ_q          <= '0;
      s0_valid_q     <= 1'b0;
      s1_valid_q     <= 1'b0;
      tree_valid_q   <= '0;
      r_valid_q      <= 1'b0;
      fwd_valid_q    <= 1'b0;
      fifo_wr_ptr_q  <= '0;
      fifo_rd_ptr_q  <= '0;
      fifo_cnt_q     <= '0;
      res_valid_q    <= 1'b0;
      cmd_state_q    <= CMD_IDLE;
      cmd_ready_q    <= 1'b0;
      load_query_q   <= 1'b0;
      load_read_q    <= 1'b0;
      rsp_valid_q    <= 1'b0;
      fill_we_q      <= 1'b0;
      fill_a_q       <= '0;
    end else begin
      valid_q        <= valid_d;
      lookup_ready_q <= lookup_ready_d;
      occ_q          <= occ_d;
      s0_valid_q     <= s0_valid_d;
      s1_valid_q     <= s1_valid_d;
      tree_valid_q   <= tree_valid_d;
      r_valid_q      <= r_valid_d;
      fwd_valid_q    <= fwd_valid_d;
      fifo_wr_ptr_q  <= fifo_wr_ptr_d;
      fifo_rd_ptr_q  <= fifo_rd_ptr_d;
      fifo_cnt_q     <= fifo_cnt_d;
      res_valid_q    <= res_valid_d;
      cmd_state_q    <= cmd_state_d;
      cmd_ready_q    <= cmd_ready_d;
      load_query_q   <= load_query_d;
      load_read_q    <= load_read_d;
      rsp_valid_q    <= rsp_valid_d;
      fill_we_q      <= fill_we_d;
      fill_a_q       <= fill_a_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------
  assign s_lookup_ready  = lookup_ready_q;
  assign m_result_valid  = res_valid_q;
  assign m_result_hit    = fifo_rdata[FIFO_W-1];
  assign m_result_index  = fifo_rdata[FIFO_W-1]
      ? nic_pkg::TCAM_INDEX_W'(fifo_rdata[ACT_W +: IDX_W]) : nic_pkg::TCAM_NO_INDEX;
  assign m_result_action = fifo_rdata[ACT_W-1:0];

  assign s_cmd_ready    = cmd_ready_q;
  assign m_rsp_valid    = rsp_valid_q;
  assign m_rsp_status   = status_q;
  assign m_rsp_pkts     = rsp_pkts_q;
  assign m_rsp_bytes    = rsp_bytes_q;
  assign m_rsp_priority = rsp_prio_q;
  assign m_rsp_value    = rsp_value_q;
  assign m_rsp_mask     = rsp_mask_q;
  assign m_rsp_action   = rsp_action_q;

endmodule

`default_nettype wire
