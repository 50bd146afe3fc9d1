// SPDX-License-Identifier: MIT
// em_table: the exact-match flow table (spec 4.2), one lookup per clock, in block RAM.
//
// Two banks of EM_BUCKETS buckets of EM_WAYS = 4 entries. A key lives in bank 0 bucket
// h1 mod EM_BUCKETS or bank 1 bucket h2 mod EM_BUCKETS (h1 = CRC-32C, h2 = CRC-32 of the key,
// spec 4.1). Handle = bank * EM_BUCKETS * 4 + bucket * 4 + way.
//
// Storage: one sdp_ram per (bank, way), addressed by bucket, for the entry (valid, action,
// key: ENT_W bits) and one for its counters (last seen, bytes, packets: 160 bits). A lookup
// reads all 8 candidates of both banks on one clock.
//
// Lookup pipeline (all stages advance together on `adv`, i.e. when the result register is
// empty or being taken; s_lookup_ready and the RAM read enable depend combinationally on
// m_result_ready):
//   s1: key, frame length, last seen, user registered, and the key's h1/h2 (crc32_key, a
//       registered hash: its tree sits before the s1 register) -> RAM read address
//   s2: RAM data; key compare over 8 ways; hit way; counters + 1 / + len / last seen written
//       back as s2 advances
//   out: m_result_* (hit, handle, action, h1, user)
// Latency: a key accepted on clock t is on m_result_* from clock t + 3; one lookup per clock
// sustained. Counter read-modify-write hazard: the only update a lookup in s2 cannot see in
// its RAM data is the one written by the lookup just ahead of it (written on the clock the
// RAM was read, read-first); that update is kept in the wb_* registers and forwarded when
// the handles are equal.
//
// Management port: one command at a time (s_cmd_* in, m_rsp_* out). A command stops new
// lookups (s_lookup_ready low), waits until s1 and s2 are empty (the result register may still
// hold a result), reads both candidate buckets (or the handle's bucket), evaluates on the next
// clock and writes on the one after (the write's enables from registers: no RAM's write waits
// for the key compare), then releases lookups while the response waits on m_rsp_ready. So
// every lookup sees the table entirely before or entirely after a command. A deleted entry
// is zeroed.
//   INSERT (key, action): EXISTS + the entry's handle; else the first free way of the bank-0
//     bucket, then of the bank-1 bucket: OK + handle (counters zeroed); else TABLE_FULL.
//   DELETE_KEY (key), DELETE_HDL (handle): OK + handle of the entry removed, or NOT_FOUND.
//   QUERY (handle): OK + counters; READ (handle): OK + key, action, counters; NOT_FOUND when
//     the handle holds no valid entry (or is >= 8 * EM_BUCKETS).
//   other op: BAD_COMMAND. m_rsp_handle is EM_NO_HANDLE unless the status names an entry.
// After reset the table sweeps every bucket to clear the valid bits (EM_BUCKETS clocks);
// both ready outputs are low until it is done.
`resetall
`timescale 1ns/1ps
`default_nettype none

module em_table #(
  parameter int EM_BUCKETS = 8192,  // buckets per bank, a power of two
  parameter int USER_W     = 1      // side band carried from s_lookup_user to m_result_user
) (
  input  wire                                clk,
  input  wire                                rst,

  // Lookup in.
  input  wire                                s_lookup_valid,
  output wire                                s_lookup_ready,
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0]  s_lookup_key,
  input  wire [15:0]                         s_lookup_len,   // frame length as received
  input  wire [63:0]                         s_lookup_ts,    // ingress timestamp (cycles)
  input  wire [USER_W-1:0]                   s_lookup_user,

  // Lookup result out.
  output wire                                m_result_valid,
  input  wire                                m_result_ready,
  output wire                                m_result_hit,
  output wire [nic_pkg::EM_HANDLE_W-1:0]     m_result_handle,  // EM_NO_HANDLE on a miss
  output wire [nic_fmt_pkg::ACTION_W-1:0]    m_result_action,  // zero on a miss
  output wire [31:0]                         m_result_h1,      // CRC-32C of the key
  output wire [USER_W-1:0]                   m_result_user,

  // Management command in.
  input  wire                                s_cmd_valid,
  output wire                                s_cmd_ready,
  input  wire [2:0]                          s_cmd_op,        // nic_fmt_pkg::FT_CMD_*
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0]  s_cmd_key,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]    s_cmd_action,
  input  wire [nic_pkg::EM_HANDLE_W-1:0]     s_cmd_handle,

  // Management response out.
  output wire                                m_rsp_valid,
  input  wire                                m_rsp_ready,
  output wire [7:0]                          m_rsp_status,    // nic_fmt_pkg::FLOW_STATUS_*
  output wire [nic_pkg::EM_HANDLE_W-1:0]     m_rsp_handle,
  output wire [nic_fmt_pkg::FLOW_KEY_W-1:0]  m_rsp_key,       // READ
  output wire [nic_fmt_pkg::ACTION_W-1:0]    m_rsp_action,    // READ
  output wire [nic_pkg::EM_PKTS_W-1:0]       m_rsp_pkts,      // QUERY, READ
  output wire [nic_pkg::EM_BYTES_W-1:0]      m_rsp_bytes,     // QUERY, READ
  output wire [nic_pkg::EM_SEEN_W-1:0]       m_rsp_last_seen, // QUERY, READ

  output wire [31:0]                         entry_count      // valid entries
);

  localparam int KEY_W    = nic_fmt_pkg::FLOW_KEY_W;
  localparam int ACTION_W = nic_fmt_pkg::ACTION_W;
  localparam int CNT_W    = nic_pkg::EM_CNT_W;
  localparam int HDL_OW   = nic_pkg::EM_HANDLE_W;
  localparam int IDX_W    = $clog2(EM_BUCKETS);
  localparam int HDL_W    = IDX_W + 3;              // bank, bucket, way
  localparam int NRAM     = 2 * nic_pkg::EM_WAYS;   // RAM r = bank * 4 + way
  localparam int ENT_W    = 1 + ACTION_W + KEY_W;   // {valid, action, key}
  localparam int ENT_V    = ENT_W - 1;              // valid bit
  localparam int PKTS_LO  = 0;
  localparam int BYTES_LO = nic_pkg::EM_PKTS_W;
  localparam int SEEN_LO  = nic_pkg::EM_PKTS_W + nic_pkg::EM_BYTES_W;

  initial begin
    if (EM_BUCKETS < 2 || EM_BUCKETS > (1 << 24) || (EM_BUCKETS & (EM_BUCKETS - 1)) != 0) begin
      $error("em_table (%m): EM_BUCKETS (%0d) must be a power of two in 2..2^24", EM_BUCKETS);
    end
    if (USER_W < 1) begin
      $error("em_table (%m): USER_W (%0d) must be at least 1", USER_W);
    end
    if (nic_pkg::EM_WAYS != 4) begin
      $error("em_table (%m): nic_pkg::EM_WAYS (%0d) must be 4", nic_pkg::EM_WAYS);
    end
  end

  typedef enum logic [2:0] {
    ST_INIT,   // clearing the valid bits after reset
    ST_IDLE,   // lookups flow; a command may be accepted
    ST_DRAIN,  // command held: wait for s1 and s2 to empty
    ST_RD,     // read the command's buckets
    ST_EVAL,   // decide, load the response and the write
    ST_WR,     // write (the enables from registers, not from the key compare)
    ST_RSP     // response offered; lookups flow again
  } state_t;

  // ---------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------
  // Control state (reset).
  state_t            state_q, state_d;
  logic [IDX_W-1:0]  init_addr_q, init_addr_d;
  logic              v_s1_q, v_s1_d;
  logic              v_s2_q, v_s2_d;
  logic              out_valid_q, out_valid_d;
  logic              wb_valid_q, wb_valid_d;
  logic              rsp_valid_q, rsp_valid_d;
  logic [31:0]       count_q, count_d;
  // Data path (not reset).
  logic [KEY_W-1:0]  key_s1_q;                    // written in place (h_en)
  logic [15:0]       len_s1_q, len_s1_d;
  logic [31:0]       seen_s1_q, seen_s1_d;
  logic [USER_W-1:0] user_s1_q, user_s1_d;
  logic [KEY_W-1:0]  key_s2_q;                    // written in place (rd_en)
  logic [15:0]       len_s2_q, len_s2_d;
  logic [31:0]       seen_s2_q, seen_s2_d;
  logic [USER_W-1:0] user_s2_q, user_s2_d;
  logic [31:0]       h1_s2_q, h1_s2_d;
  logic [IDX_W-1:0]  idx0_s2_q, idx0_s2_d;          // bucket read in bank 0
  logic [IDX_W-1:0]  idx1_s2_q, idx1_s2_d;          // bucket read in bank 1
  logic [HDL_W-1:0]  wb_handle_q, wb_handle_d;
  logic [CNT_W-1:0]  wb_cnt_q, wb_cnt_d;
  logic              out_hit_q, out_hit_d;
  logic [HDL_OW-1:0] out_handle_q, out_handle_d;
  logic [ACTION_W-1:0] out_action_q, out_action_d;
  logic [31:0]       out_h1_q, out_h1_d;
  logic [USER_W-1:0] out_user_q, out_user_d;
  logic [2:0]        cmd_op_q, cmd_op_d;
  logic [KEY_W-1:0]  cmd_key_q;                   // written in place (cmd_fire)
  logic [ACTION_W-1:0] cmd_action_q, cmd_action_d;
  logic [HDL_OW-1:0] cmd_handle_q, cmd_handle_d;
  logic [7:0]        rsp_status_q, rsp_status_d;
  logic [HDL_OW-1:0] rsp_handle_q, rsp_handle_d;
  logic [KEY_W-1:0]  rsp_key_q, rsp_key_d;
  logic [ACTION_W-1:0] rsp_action_q, rsp_action_d;
  logic [CNT_W-1:0]  rsp_cnt_q, rsp_cnt_d;
  // The command's write, decided in ST_EVAL, made in ST_WR: the entry RAM it writes, each
  // bank's bucket, and whether it is an INSERT ({valid, action, key}, and that way's counters
  // zeroed) or a delete (the entry zeroed: a deleted entry's contents are never read).
  logic [NRAM-1:0]   cw_ent_en_q, cw_ent_en_d;
  logic [IDX_W-1:0]  cw_addr0_q, cw_addr0_d;
  logic [IDX_W-1:0]  cw_addr1_q, cw_addr1_d;
  logic              cw_ins_q, cw_ins_d;

  // ---------------------------------------------------------------------------------------
  // Hashes and RAMs
  // ---------------------------------------------------------------------------------------
  // s1's key and its hashes load together: a lookup's key as it enters s1, or in ST_DRAIN the
  // command's (once s1 is empty or emptying), so ST_RD reads the command's buckets.
  logic                   h_drain;
  logic                   h_en;
  logic [KEY_W-1:0]       h_key;
  logic [31:0]            h1_c;         // CRC-32C of key_s1_q
  logic [31:0]            h2_c;         // CRC-32 of key_s1_q
  logic                   rd_en;
  logic [IDX_W-1:0]       rd_addr0;
  logic [IDX_W-1:0]       rd_addr1;
  logic [NRAM-1:0]        ent_wr_en;
  logic [NRAM-1:0]        cnt_wr_en;
  logic [IDX_W-1:0]       wr_addr0;     // bank 0's RAMs' write address
  logic [IDX_W-1:0]       wr_addr1;     // bank 1's
  logic [ENT_W-1:0]       ent_wr_data;
  logic [CNT_W-1:0]       cnt_wr_data;

  crc32_key #(
    .POLY_REFL(nic_pkg::CRC32C_POLY_REFL)
  ) u_crc_h1 (
    .clk(clk),
    .en(h_en),
    .key(h_key),
    .crc(h1_c)
  );

  crc32_key #(
    .POLY_REFL(nic_pkg::CRC32_POLY_REFL)
  ) u_crc_h2 (
    .clk(clk),
    .en(h_en),
    .key(h_key),
    .crc(h2_c)
  );

  logic                adv;           // the lookup pipeline moves this clock
  logic                lookup_ready;
  logic                s_fire;
  logic                cmd_fire;
  logic                rd_cmd;        // ST_RD: the RAM read is the command's
  logic                cmd_is_hdl;    // the command addresses an entry by handle
  logic                hdl_in_range;
  logic                hdl_bank;
  logic [IDX_W-1:0]    hdl_bucket;
  logic [2:0]          hdl_r;         // RAM of the handle's entry
  // s2 (lookup and command evaluation share it).
  logic [NRAM-1:0]     ent_valid;
  logic [NRAM-1:0]     match;
  logic                hit;
  logic [2:0]          hit_r;
  logic                free_any;
  logic [2:0]          free_r;
  logic [HDL_W-1:0]    hit_handle;
  logic [HDL_W-1:0]    free_handle;
  logic [NRAM-1:0]     fwd;           // candidate r is the entry the lookup ahead updated
  logic [ENT_W-1:0]    hit_ent;
  logic [CNT_W-1:0]    cnt_old;
  logic [CNT_W-1:0]    cnt_new;
  logic [ENT_W-1:0]    hdl_ent;
  logic [CNT_W-1:0]    hdl_cnt;
  logic                hdl_valid;

  // Per RAM (candidate) r: its entry and counters as a signal of its own (a wide vector of all
  // eight, filled from the RAM outputs, cost the Verilated model a chain of concatenations every
  // clock), the candidate's checks, and the AND-OR selections as chains through the candidates
  // (g_way[r-1]): the hit's entry and counters by `match` (one-hot: a key is in the table once;
  // not a select by the encoded hit_r), the forwarding of the update of the lookup just ahead
  // (its write and this RAM read were on the same clock) compared per candidate beside the key
  // compare, not against the hit's handle after it (the counter update does not wait for the
  // priority encoder: 14 -> 9 LUT levels, docs/rtl-em.md), and the command's entry by hdl_r.
  for (genvar r = 0; r < NRAM; r++) begin : g_way
    localparam bit BANK1 = r >= NRAM / 2;

    logic [ENT_W-1:0] rd_ent;
    logic [CNT_W-1:0] rd_cnt;
    logic             hdl_sel;
    logic [ENT_W-1:0] hit_ent_part;
    logic [CNT_W-1:0] cnt_old_part;
    logic [ENT_W-1:0] hdl_ent_part;
    logic [CNT_W-1:0] hdl_cnt_part;
    logic [ENT_W-1:0] hit_ent_acc;
    logic [CNT_W-1:0] cnt_old_acc;
    logic [ENT_W-1:0] hdl_ent_acc;
    logic [CNT_W-1:0] hdl_cnt_acc;

    sdp_ram #(
      .WIDTH(ENT_W),
      .DEPTH(EM_BUCKETS)
    ) u_ent_ram (
      .clk(clk),
      .wr_en(ent_wr_en[r]),
      .wr_addr(BANK1 ? wr_addr1 : wr_addr0),
      .wr_data(ent_wr_data),
      .rd_en(rd_en),
      .rd_addr(BANK1 ? rd_addr1 : rd_addr0),
      .rd_data(rd_ent)
    );

    sdp_ram #(
      .WIDTH(CNT_W),
      .DEPTH(EM_BUCKETS)
    ) u_cnt_ram (
      .clk(clk),
      .wr_en(cnt_wr_en[r]),
      .wr_addr(BANK1 ? wr_addr1 : wr_addr0),
      .wr_data(cnt_wr_data),
      .rd_en(rd_en),
      .rd_addr(BANK1 ? rd_addr1 : rd_addr0),
      .rd_data(rd_cnt)
    );

    assign ent_valid[r]  = rd_ent[ENT_V];
    assign match[r]      = rd_ent[ENT_V] && rd_ent[KEY_W-1:0] == key_s2_q;
    assign fwd[r]        = wb_valid_q && wb_handle_q == {BANK1, BANK1 ? idx1_s2_q : idx0_s2_q,
                                                         2'(r % nic_pkg::EM_WAYS)};
    assign hdl_sel       = hdl_r == 3'(r);
    assign hit_ent_part  = rd_ent & {ENT_W{match[r]}};
    assign cnt_old_part  = (fwd[r] ? wb_cnt_q : rd_cnt) & {CNT_W{match[r]}};
    assign hdl_ent_part  = rd_ent & {ENT_W{hdl_sel}};
    assign hdl_cnt_part  = rd_cnt & {CNT_W{hdl_sel}};
    if (r == 0) begin : g_first
      assign hit_ent_acc = hit_ent_part;
      assign cnt_old_acc = cnt_old_part;
      assign hdl_ent_acc = hdl_ent_part;
      assign hdl_cnt_acc = hdl_cnt_part;
    end else begin : g_next
      assign hit_ent_acc = g_way[r-1].hit_ent_acc | hit_ent_part;
      assign cnt_old_acc = g_way[r-1].cnt_old_acc | cnt_old_part;
      assign hdl_ent_acc = g_way[r-1].hdl_ent_acc | hdl_ent_part;
      assign hdl_cnt_acc = g_way[r-1].hdl_cnt_acc | hdl_cnt_part;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Combinational logic
  // ---------------------------------------------------------------------------------------
  // Bits that are not used by design: the timestamp outside [47:16] (last seen is ts >> 16,
  // 32 bits), h2 above the bucket index, the old last seen, valid bits of selected entries,
  // the hit's key (a lookup returns its action).
  logic                unused_bits;
  assign unused_bits = ^{s_lookup_ts[63:48], s_lookup_ts[15:0], h2_c[31:IDX_W],
                         cnt_old[SEEN_LO +: nic_pkg::EM_SEEN_W], hit_ent[ENT_V],
                         hit_ent[KEY_W-1:0], hdl_ent[ENT_V]};

  // Control and the s1 load: a block of its own, apart from the one that uses the hashes.
  always_comb begin
    adv          = !out_valid_q || m_result_ready;
    lookup_ready = adv && (state_q == ST_IDLE || state_q == ST_RSP);
    s_fire       = s_lookup_valid && lookup_ready;
    cmd_fire     = s_cmd_valid && state_q == ST_IDLE;
    rd_cmd       = state_q == ST_RD;
    cmd_is_hdl   = cmd_op_q == nic_fmt_pkg::FT_CMD_DELETE_HANDLE ||
                   cmd_op_q == nic_fmt_pkg::FT_CMD_QUERY || cmd_op_q == nic_fmt_pkg::FT_CMD_READ;
    hdl_in_range = cmd_handle_q < HDL_OW'(NRAM * EM_BUCKETS);
    hdl_bank     = cmd_handle_q[HDL_W-1];
    hdl_bucket   = cmd_handle_q[2 +: IDX_W];
    hdl_r        = {hdl_bank, cmd_handle_q[1:0]};

    // s1: what its key and hash registers load, and the read.
    h_drain  = state_q == ST_DRAIN;
    h_en     = h_drain ? (!v_s1_q || adv) : s_fire;
    h_key    = h_drain ? cmd_key_q : s_lookup_key;
    rd_en    = adv || rd_cmd;
  end

  always_comb begin
    rd_addr0 = (rd_cmd && cmd_is_hdl) ? hdl_bucket : h1_c[IDX_W-1:0];
    rd_addr1 = (rd_cmd && cmd_is_hdl) ? hdl_bucket : h2_c[IDX_W-1:0];

    // s2: compare the 8 candidates; bank 0 first, then the lowest way (at most one matches).
    hit    = 1'b0;
    hit_r  = 3'd0;
    free_any = 1'b0;
    free_r = 3'd0;
    for (int r = NRAM - 1; r >= 0; r--) begin
      if (match[r]) begin
        hit   = 1'b1;
        hit_r = 3'(r);
      end
      if (!ent_valid[r]) begin
        free_any = 1'b1;
        free_r   = 3'(r);
      end
    end
    hit_handle  = {hit_r[2], hit_r[2] ? idx1_s2_q : idx0_s2_q, hit_r[1:0]};
    free_handle = {free_r[2], free_r[2] ? idx1_s2_q : idx0_s2_q, free_r[1:0]};
    hdl_ent     = g_way[NRAM-1].hdl_ent_acc;
    hdl_cnt     = g_way[NRAM-1].hdl_cnt_acc;
    hdl_valid   = hdl_in_range && ent_valid[hdl_r];
    hit_ent = g_way[NRAM-1].hit_ent_acc;
    cnt_old = g_way[NRAM-1].cnt_old_acc;
    cnt_new[PKTS_LO +: nic_pkg::EM_PKTS_W]   = cnt_old[PKTS_LO +: nic_pkg::EM_PKTS_W] + 64'd1;
    cnt_new[BYTES_LO +: nic_pkg::EM_BYTES_W] = cnt_old[BYTES_LO +: nic_pkg::EM_BYTES_W]
                                               + 64'(len_s2_q);
    cnt_new[SEEN_LO +: nic_pkg::EM_SEEN_W]   = seen_s2_q;

    // Pipeline registers.
    v_s1_d    = v_s1_q;
    len_s1_d  = len_s1_q;
    seen_s1_d = seen_s1_q;
    user_s1_d = user_s1_q;
    v_s2_d    = v_s2_q;
    len_s2_d  = len_s2_q;
    seen_s2_d = seen_s2_q;
    user_s2_d = user_s2_q;
    h1_s2_d   = h1_s2_q;
    idx0_s2_d = idx0_s2_q;
    idx1_s2_d = idx1_s2_q;
    wb_valid_d  = wb_valid_q;
    wb_handle_d = wb_handle_q;
    wb_cnt_d    = wb_cnt_q;
    out_valid_d  = out_valid_q;
    out_hit_d    = out_hit_q;
    out_handle_d = out_handle_q;
    out_action_d = out_action_q;
    out_h1_d     = out_h1_q;
    out_user_d   = out_user_q;
    if (adv) begin
      v_s1_d    = s_fire;
      len_s1_d  = s_lookup_len;
      seen_s1_d = s_lookup_ts[47:16];
      user_s1_d = s_lookup_user;

      v_s2_d    = v_s1_q;
      len_s2_d  = len_s1_q;
      seen_s2_d = seen_s1_q;
      user_s2_d = user_s1_q;

      wb_valid_d  = v_s2_q && hit;
      wb_handle_d = hit_handle;
      wb_cnt_d    = cnt_new;

      out_valid_d  = v_s2_q;
      out_hit_d    = hit;
      out_handle_d = hit ? HDL_OW'(hit_handle) : nic_pkg::EM_NO_HANDLE;
      out_action_d = hit ? hit_ent[KEY_W +: ACTION_W] : '0;
      out_h1_d     = h1_s2_q;
      out_user_d   = user_s2_q;
    end
    // The s2 key and addresses follow the RAM read (a lookup's or the command's).
    if (rd_en) begin
      h1_s2_d   = h1_c;
      idx0_s2_d = rd_addr0;
      idx1_s2_d = rd_addr1;
    end

    // RAM writes: the hit's counters as s2 advances, the command's write in ST_WR, the
    // valid-bit sweep in ST_INIT (never two on one clock: commands run with s1, s2 empty).
    // Each bank's RAMs have a write address of their own: a candidate's bucket in its bank,
    // whichever way matched (the address waits for no hit test), and the counters' enables
    // are the match itself (a match is a hit).
    ent_wr_en   = '0;
    cnt_wr_en   = '0;
    wr_addr0    = idx0_s2_q;
    wr_addr1    = idx1_s2_q;
    ent_wr_data = '0;
    cnt_wr_data = cnt_new;
    if (adv && v_s2_q) begin
      cnt_wr_en = match;
    end

    // Command state machine.
    state_d      = state_q;
    init_addr_d  = init_addr_q;
    rsp_valid_d  = rsp_valid_q;
    count_d      = count_q;
    cmd_op_d     = cmd_op_q;
    cmd_action_d = cmd_action_q;
    cmd_handle_d = cmd_handle_q;
    rsp_status_d = rsp_status_q;
    rsp_handle_d = rsp_handle_q;
    rsp_key_d    = rsp_key_q;
    rsp_action_d = rsp_action_q;
    rsp_cnt_d    = rsp_cnt_q;
    cw_ent_en_d  = cw_ent_en_q;
    cw_addr0_d   = cw_addr0_q;
    cw_addr1_d   = cw_addr1_q;
    cw_ins_d     = cw_ins_q;
    case (state_q)
      ST_INIT: begin
        ent_wr_en   = '1;
        wr_addr0    = init_addr_q;
        wr_addr1    = init_addr_q;
        init_addr_d = init_addr_q + IDX_W'(1);
        if (init_addr_q == IDX_W'(EM_BUCKETS - 1)) begin
          state_d = ST_IDLE;
        end
      end
      ST_IDLE: begin
        if (cmd_fire) begin
          cmd_op_d     = s_cmd_op;
          cmd_action_d = s_cmd_action;
          cmd_handle_d = s_cmd_handle;
          state_d      = ST_DRAIN;
        end
      end
      ST_DRAIN: begin
        if (!v_s1_q && !v_s2_q) begin
          state_d = ST_RD;
        end
      end
      ST_RD: begin
        state_d = ST_EVAL;
      end
      ST_EVAL: begin
        rsp_status_d = nic_fmt_pkg::FLOW_STATUS_NOT_FOUND;
        rsp_handle_d = nic_pkg::EM_NO_HANDLE;
        rsp_key_d    = '0;
        rsp_action_d = '0;
        rsp_cnt_d    = '0;
        cw_ent_en_d  = '0;
        cw_addr0_d   = idx0_s2_q;
        cw_addr1_d   = idx1_s2_q;
        cw_ins_d     = 1'b0;
        case (cmd_op_q)
          nic_fmt_pkg::FT_CMD_INSERT: begin
            if (hit) begin
              rsp_status_d = nic_fmt_pkg::FLOW_STATUS_EXISTS;
              rsp_handle_d = HDL_OW'(hit_handle);
            end else if (free_any) begin
              rsp_status_d         = nic_fmt_pkg::FLOW_STATUS_OK;
              rsp_handle_d         = HDL_OW'(free_handle);
              cw_ent_en_d[free_r]  = 1'b1;
              cw_ins_d             = 1'b1;
              count_d              = count_q + 32'd1;
            end else begin
              rsp_status_d = nic_fmt_pkg::FLOW_STATUS_TABLE_FULL;
            end
          end
          nic_fmt_pkg::FT_CMD_DELETE_KEY: begin
            if (hit) begin
              rsp_status_d      = nic_fmt_pkg::FLOW_STATUS_OK;
              rsp_handle_d      = HDL_OW'(hit_handle);
              cw_ent_en_d       = match;
              count_d           = count_q - 32'd1;
            end
          end
          nic_fmt_pkg::FT_CMD_DELETE_HANDLE: begin
            if (hdl_valid) begin
              rsp_status_d      = nic_fmt_pkg::FLOW_STATUS_OK;
              rsp_handle_d      = cmd_handle_q;
              cw_ent_en_d[hdl_r] = 1'b1;
              cw_addr0_d         = hdl_bucket;
              cw_addr1_d         = hdl_bucket;
              count_d            = count_q - 32'd1;
            end
          end
          nic_fmt_pkg::FT_CMD_QUERY, nic_fmt_pkg::FT_CMD_READ: begin
            if (hdl_valid) begin
              rsp_status_d = nic_fmt_pkg::FLOW_STATUS_OK;
              rsp_handle_d = cmd_handle_q;
              rsp_cnt_d    = hdl_cnt;
              if (cmd_op_q == nic_fmt_pkg::FT_CMD_READ) begin
                rsp_key_d    = hdl_ent[0 +: KEY_W];
                rsp_action_d = hdl_ent[KEY_W +: ACTION_W];
              end
            end
          end
          default: begin
            rsp_status_d = nic_fmt_pkg::FLOW_STATUS_BAD_COMMAND;
          end
        endcase
        // No lookup is in s2, so nothing to forward; the next lookup reads the new table.
        wb_valid_d  = 1'b0;
        state_d     = ST_WR;
      end
      ST_WR: begin
        ent_wr_en   = cw_ent_en_q;
        cnt_wr_en   = cw_ent_en_q & {NRAM{cw_ins_q}};
        wr_addr0    = cw_addr0_q;
        wr_addr1    = cw_addr1_q;
        ent_wr_data = cw_ins_q ? {1'b1, cmd_action_q, cmd_key_q} : '0;
        cnt_wr_data = '0;
        rsp_valid_d = 1'b1;
        state_d     = ST_RSP;
      end
      ST_RSP: begin
        if (m_rsp_ready) begin
          rsp_valid_d = 1'b0;
          state_d     = ST_IDLE;
        end
      end
      default: begin
        state_d = ST_IDLE;
      end
    endcase
  end

  // The keys, written in place (336 bits each: no per-clock copy through a next-state twin).
  always_ff @(posedge clk) begin
    if (h_en) begin
      key_s1_q <= h_key;
    end
    if (rd_en) begin
      key_s2_q <= key_s1_q;
    end
    if (cmd_fire) begin
      cmd_key_q <= s_cmd_key;
    end
  end

  always_ff @(posedge clk) begin
    len_s1_q     <= len_s1_d;
    seen_s1_q    <= seen_s1_d;
    user_s1_q    <= user_s1_d;
    len_s2_q     <= len_s2_d;
    seen_s2_q    <= seen_s2_d;
    user_s2_q    <= user_s2_d;
    h1_s2_q      <= h1_s2_d;
    idx0_s2_q    <= idx0_s2_d;
    idx1_s2_q    <= idx1_s2_d;
    wb_handle_q  <= wb_handle_d;
    wb_cnt_q     <= wb_cnt_d;
    out_hit_q    <= out_hit_d;
    out_handle_q <= out_handle_d;
    out_action_q <= out_action_d;
    out_h1_q     <= out_h1_d;
    out_user_q   <= out_user_d;
    cmd_op_q     <= cmd_op_d;
    cmd_action_q <= cmd_action_d;
    cmd_handle_q <= cmd_handle_d;
    rsp_status_q <= rsp_status_d;
    rsp_handle_q <= rsp_handle_d;
    rsp_key_q    <= rsp_key_d;
    rsp_action_q <= rsp_action_d;
    rsp_cnt_q    <= rsp_cnt_d;
    cw_ent_en_q  <= cw_ent_en_d;
    cw_addr0_q   <= cw_addr0_d;
    cw_addr1_q   <= cw_addr1_d;
    cw_ins_q     <= cw_ins_d;
    if (rst) begin
      state_q     <= ST_INIT;
      init_addr_q <= '0;
      v_s1_q      <= 1'b0;
      v_s2_q      <= 1'b0;
      out_valid_q <= 1'b0;
      wb_valid_q  <= 1'b0;
      rsp_valid_q <= 1'b0;
      count_q     <= '0;
    end else begin
      state_q     <= state_d;
      init_addr_q <= init_addr_d;
      v_s1_q      <= v_s1_d;
      v_s2_q      <= v_s2_d;
      out_valid_q <= out_valid_d;
      wb_valid_q  <= wb_valid_d;
      rsp_valid_q <= rsp_valid_d;
      count_q     <= count_d;
    end
  end

  assign s_lookup_ready  = lookup_ready;
  assign m_result_valid  = out_valid_q;
  assign m_result_hit    = out_hit_q;
  assign m_result_handle = out_handle_q;
  assign m_result_action = out_action_q;
  assign m_result_h1     = out_h1_q;
  assign m_result_user   = out_user_q;

  assign s_cmd_ready     = state_q == ST_IDLE;
  assign m_rsp_valid     = rsp_valid_q;
  assign m_rsp_status    = rsp_status_q;
  assign m_rsp_handle    = rsp_handle_q;
  assign m_rsp_key       = rsp_key_q;
  assign m_rsp_action    = rsp_action_q;
  assign m_rsp_pkts      = rsp_cnt_q[PKTS_LO +: nic_pkg::EM_PKTS_W];
  assign m_rsp_bytes     = rsp_cnt_q[BYTES_LO +: nic_pkg::EM_BYTES_W];
  assign m_rsp_last_seen = rsp_cnt_q[SEEN_LO +: nic_pkg::EM_SEEN_W];
  assign entry_count     = count_q;

endmodule

`default_nettype wire
