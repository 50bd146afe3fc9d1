// SPDX-License-Identifier: MIT
// fcmd_engine: the flow-command ring of docs/spec.md section 10 (docs/rtl-fcmd.md).
//
// The host posts 128-byte commands in a ring in host memory and rings FCMD_PROD; the engine
// fetches them by DMA (through axi_dma's client ports), executes them in order on the
// exact-match table (insert, delete by key, delete by handle) and the TCAM (write: three
// slots, command + value + mask; clear), writes the status into byte 1 of the command slot
// (and the handle into bytes 4..7 after a successful EM insert), and advances FCMD_CONS once
// those writes are in memory. When it has run at least one command and CONS reaches PROD, it
// raises vector FCMD_IRQ[7:0] if FCMD_IRQ bit 31 is set. Bit-exact with NicDevice::fcmd_run.
// EM_ACTIVITY queries `entries` EM handles from `handle` one by one (FT_CMD_QUERY) and writes
// an em_activity record per handle into the command's buffer; it starts once the writes of
// the commands before it are done and writes its status once its records are in memory.
//
//   fetcher: slots CONS.. up to PROD, PREFETCH ahead ──► m_rd_req ─ axi_dma ─► s_rd (beats)
//   assembler: 128-byte records ──► slot FIFO ──► executor (EM / TCAM command, response)
//   ──► write-back (status, handle) ──► m_wr_req + m_wr ─ axi_dma ─► s_wr_done ──► CONS
//   EM_ACTIVITY: per handle, QUERY ──► record (32 bytes) ──► m_wr_req + m_wr at buf + 32 i
//
// Fetching runs ahead of execution (PREFETCH slots), and write-backs are posted: CONS of a
// command advances when its writes are done, in order, while the next commands execute. A
// TCAM write waits until its value and mask slots are posted (FCMD_PROD - CONS >= 3), since
// the fetcher never reads beyond PROD. FCMD_CTRL bit 0 set (0 -> 1) resets PROD (the register
// block's) and CONS; reads in flight from before are dropped (an epoch bit in the DMA tag), and
// a command whose execution was under way finishes without its write-back.
`resetall
`timescale 1ns/1ps
`default_nettype none

module fcmd_engine #(
  parameter int DATA_W      = 512,
  parameter int KEEP_W      = DATA_W / 8,
  parameter int TAG_W       = 8,
  parameter int NUM_VECTORS = 16,
  parameter int PREFETCH    = 4      // slots fetched ahead of execution (power of two, 2..16)
) (
  input  wire                               clk,
  input  wire                               rst,

  // Registers of the fcmd block.
  input  wire                               cfg_enable,     // FCMD_CTRL bit 0
  input  wire [63:0]                        cfg_base,       // FCMD_BASE
  input  wire [4:0]                         cfg_size_log2,  // FCMD_SIZE_LOG2 (1..15 usable)
  input  wire [15:0]                        cfg_prod,       // FCMD_PROD
  input  wire [31:0]                        cfg_irq,        // FCMD_IRQ: bit 31 enable, 7:0 vector
  output wire [15:0]                        cons,           // FCMD_CONS
  output wire                               busy,           // commands fetched or executing
  output wire [NUM_VECTORS-1:0]             irq,            // one-clock pulse per raise

  // DMA client (axi_dma s_rd_req / m_rd, s_wr_req / s_wr / m_wr_done).
  output wire                               m_rd_req_valid,
  input  wire                               m_rd_req_ready,
  output wire [63:0]                        m_rd_req_addr,
  output wire [15:0]                        m_rd_req_len,
  output wire [TAG_W-1:0]                   m_rd_req_tag,
  input  wire [DATA_W-1:0]                  s_rd_tdata,
  input  wire [KEEP_W-1:0]                  s_rd_tkeep,
  input  wire                               s_rd_tvalid,
  output wire                               s_rd_tready,
  input  wire                               s_rd_tlast,
  input  wire [TAG_W-1:0]                   s_rd_tag,
  input  wire                               s_rd_err,
  output wire                               m_wr_req_valid,
  input  wire                               m_wr_req_ready,
  output wire [63:0]                        m_wr_req_addr,
  output wire [15:0]                        m_wr_req_len,
  output wire [TAG_W-1:0]                   m_wr_req_tag,
  output wire [DATA_W-1:0]                  m_wr_tdata,
  output wire [KEEP_W-1:0]                  m_wr_tkeep,
  output wire                               m_wr_tvalid,
  input  wire                               m_wr_tready,
  output wire                               m_wr_tlast,
  input  wire                               s_wr_done_valid,
  output wire                               s_wr_done_ready,
  input  wire [TAG_W-1:0]                   s_wr_done_tag,
  input  wire                               s_wr_done_err,

  // Exact-match table commands (em_table s_cmd / m_rsp).
  output wire                               em_cmd_valid,
  input  wire                               em_cmd_ready,
  output wire [2:0]                         em_cmd_op,
  output wire [nic_fmt_pkg::FLOW_KEY_W-1:0] em_cmd_key,
  output wire [nic_fmt_pkg::ACTION_W-1:0]   em_cmd_action,
  output wire [nic_pkg::EM_HANDLE_W-1:0]    em_cmd_handle,
  input  wire                               em_rsp_valid,
  output wire                               em_rsp_ready,
  input  wire [7:0]                         em_rsp_status,
  input  wire [nic_pkg::EM_HANDLE_W-1:0]    em_rsp_handle,
  input  wire [nic_pkg::EM_PKTS_W-1:0]      em_rsp_pkts,       // QUERY (EM_ACTIVITY)
  input  wire [nic_pkg::EM_BYTES_W-1:0]     em_rsp_bytes,
  input  wire [nic_pkg::EM_SEEN_W-1:0]      em_rsp_last_seen,

  // TCAM commands (tcam s_cmd / m_rsp).
  output wire                               tcam_cmd_valid,
  input  wire                               tcam_cmd_ready,
  output wire [nic_pkg::CSR_DATA_W-1:0]     tcam_cmd_op,
  output wire [nic_pkg::CSR_DATA_W-1:0]     tcam_cmd_index,
  output wire [nic_pkg::TCAM_PRIO_W-1:0]    tcam_cmd_priority,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_cmd_value,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0] tcam_cmd_mask,
  output wire [nic_fmt_pkg::ACTION_W-1:0]   tcam_cmd_action,
  input  wire                               tcam_rsp_valid,
  output wire                               tcam_rsp_ready,
  input  wire [7:0]                         tcam_rsp_status
);

  localparam int SLOT_B  = nic_fmt_pkg::FCMD_BYTES;  // bytes per command slot
  localparam int SLOT_W  = SLOT_B * 8;
  localparam int BEATS   = (SLOT_B + KEEP_W - 1) / KEEP_W;
  localparam int BI_W    = (BEATS > 1) ? $clog2(BEATS) : 1;
  localparam int PF_W    = $clog2(PREFETCH) + 1;
  localparam int KEYB    = nic_fmt_pkg::FLOW_KEY_BYTES;
  localparam int TKEYB   = nic_fmt_pkg::TCAM_KEY_BYTES;
  // The write-back fields of a slot: status, and the handle after an EM insert.
  localparam int ST_OFF  = nic_fmt_pkg::FCMD_STATUS_OFF;
  localparam int ST_B    = nic_fmt_pkg::FCMD_STATUS_BYTES;
  localparam int HDL_OFF = nic_fmt_pkg::FCMD_HANDLE_OFF;
  localparam int HDL_B   = nic_fmt_pkg::FCMD_HANDLE_BYTES;
  // EM_ACTIVITY records: REC_B bytes each, written in REC_BEATS beats.
  localparam int REC_B     = nic_fmt_pkg::EM_ACTIVITY_BYTES;
  localparam int REC_BEATS = (REC_B + KEEP_W - 1) / KEEP_W;
  localparam int RB_W      = (REC_BEATS > 1) ? $clog2(REC_BEATS) : 1;

  initial begin
    if (DATA_W < 64 || DATA_W % 64 != 0 || DATA_W > SLOT_W) begin
      $error("fcmd_engine (%m): DATA_W (%0d) must be a multiple of 64, at most 1024", DATA_W);
    end
    if (PREFETCH < 2 || PREFETCH > 16 || (PREFETCH & (PREFETCH - 1)) != 0) begin
      $error("fcmd_engine (%m): PREFETCH (%0d) must be a power of two in 2..16", PREFETCH);
    end
    if (TAG_W < 1) begin
      $error("fcmd_engine (%m): TAG_W (%0d) must be at least 1", TAG_W);
    end
    if (nic_fmt_pkg::FCMD_TCAM_EXT_BYTES != SLOT_B) begin
      $error("fcmd_engine (%m): a TCAM extension slot must be as long as a command slot");
    end
  end

  // ---- ring state ----
  logic        usable;
  logic [15:0] mask;           // ring size - 1, registered from FCMD_SIZE_LOG2 (below)
  logic        en_q;
  logic        edge_on;        // FCMD_CTRL bit 0 went 0 -> 1 this clock
  logic        epoch_q;
  logic [15:0] fp_q, fp_d;     // next slot to fetch
  logic [15:0] xp_q, xp_d;     // slot of the next command to execute
  logic [15:0] cons_q, cons_d;
  logic [PF_W-1:0] credit_q, credit_d;  // slots fetched and not yet consumed or dropped
  logic        ran_q, ran_d;

  assign usable  = cfg_enable && cfg_size_log2 >= 5'd1 && cfg_size_log2 <= 5'd15;
  // The index mask from a register: the size's decode stays off the path through the slot
  // address into the DMA multiplexer's chunk adder (docs/synthesis.md). FCMD_SIZE_LOG2 is
  // written while the ring is off, at least one bus write (several clocks) before the enable,
  // and nothing is fetched in the clock of the enable edge.
  always_ff @(posedge clk) begin
    mask <= 16'((17'd1 << cfg_size_log2[3:0]) - 17'd1);
  end
  assign edge_on = cfg_enable && !en_q;

  function automatic logic [63:0] slot_addr(input logic [63:0] base, input logic [15:0] idx);
    slot_addr = base + {41'd0, idx, 7'd0};
  endfunction

  // ---- fetcher ----
  logic fetch;
  assign fetch          = usable && !edge_on && (fp_q != cfg_prod) && (credit_q < PF_W'(PREFETCH));
  assign m_rd_req_valid = fetch;
  assign m_rd_req_addr  = slot_addr(cfg_base, fp_q & mask);
  assign m_rd_req_len   = 16'(SLOT_B);
  assign m_rd_req_tag   = TAG_W'(epoch_q);

  // ---- assembler: beats of a slot into a record ----
  logic [SLOT_W-1:0] asm_q, asm_d;
  logic [BI_W-1:0]   asm_i_q, asm_i_d;
  logic              rd_fire, rec_done, rec_stale;
  logic              sf_s_ready, sf_m_valid, sf_m_ready;
  logic [SLOT_W-1:0] sf_m_data;
  logic [PF_W-1:0]   sf_count;

  assign s_rd_tready = 1'b1;  // the slot FIFO always has room: at most PREFETCH slots in flight
  assign rd_fire     = s_rd_tvalid;

  always_comb begin
    asm_d   = asm_q;
    asm_i_d = asm_i_q;
    if (rd_fire) begin
      asm_d[asm_i_q * DATA_W +: DATA_W] = s_rd_tdata;
      asm_i_d = s_rd_tlast ? '0 : asm_i_q + BI_W'(1);
    end
    rec_done  = rd_fire && s_rd_tlast;
    rec_stale = s_rd_tag[0] != epoch_q;
  end

  sync_fifo #(.WIDTH(SLOT_W), .DEPTH(PREFETCH)) u_slots (
    .clk (clk), .rst (rst || edge_on),
    .s_valid (rec_done && !rec_stale), .s_ready (sf_s_ready), .s_data (asm_d),
    .m_valid (sf_m_valid), .m_ready (sf_m_ready), .m_data (sf_m_data),
    .count (sf_count)
  );

  // ---- executor ----
  typedef enum logic [3:0] {
    X_IDLE, X_VAL, X_MSK, X_CMD, X_RSP, X_WB_ST, X_WB_HDL,
    X_SC_START,  // EM_ACTIVITY: check the command, wait for the writes before it
    X_SC_CMD,    // QUERY of handle + idx
    X_SC_RSP,    // its response -> the record
    X_SC_WR,     // the record's write request and beats
    X_SC_WAIT    // every record write done
  } xstate_t;
  xstate_t           xs_q, xs_d;
  nic_fmt_pkg::fcmd_t          cmd_q, cmd_d, sf_cmd;   // the command; the FIFO's head as one
  nic_fmt_pkg::fcmd_tcam_ext_t val_q, val_d, msk_q, msk_d;
  logic [7:0]        st_q, st_d;
  logic [31:0]       hdl_q, hdl_d;
  logic              xepoch_q, xepoch_d;
  logic [7:0]        op;
  logic              is_em, is_tcam;
  logic              st_req_done_q, st_req_done_d, st_dat_done_q, st_dat_done_d;
  logic              pq_s_valid, pq_s_ready, pq_m_valid, pq_m_ready;
  logic [4:0]        pq_s_data, pq_m_data;   // {epoch, writes (1..2), slots used (1 or 3)}
  logic [3:0]        unused_pq_count;
  // EM_ACTIVITY scan.
  logic [15:0]       sc_idx_q, sc_idx_d;     // record being made
  logic [16:0]       sc_out_q, sc_out_d;     // record writes issued, not completed
  logic [RB_W-1:0]   sc_beat_q, sc_beat_d;   // next beat of the record
  logic              sc_req_q, sc_req_d;     // the record's request has been accepted
  logic              sc_dat_q, sc_dat_d;     // the record's beats have all been accepted
  nic_fmt_pkg::em_activity_t sc_rec_q, sc_rec_d;
  logic              sc_active, sc_ok, sc_req_fire, sc_dat_fire, sc_last_beat, sc_stale;
  logic              sc_ok_q, sc_ok_d;
  logic [31:0]       sc_handle;
  logic [REC_BEATS*DATA_W-1:0] sc_rec_pad;

  function automatic logic op_is_em(input logic [7:0] o);
    op_is_em = o == nic_fmt_pkg::FCMD_OP_EM_INSERT || o == nic_fmt_pkg::FCMD_OP_EM_DELETE_KEY ||
               o == nic_fmt_pkg::FCMD_OP_EM_DELETE_HANDLE;
  endfunction
  function automatic logic op_is_tcam(input logic [7:0] o);
    op_is_tcam = o == nic_fmt_pkg::FCMD_OP_TCAM_WRITE || o == nic_fmt_pkg::FCMD_OP_TCAM_CLEAR;
  endfunction

  // The keys of a slot are bytes in slot order (first byte in the low bits); the tables take
  // them in network order (byte 0 most significant).
  logic [nic_fmt_pkg::FLOW_KEY_W-1:0] c_key;
  logic [nic_fmt_pkg::TCAM_KEY_W-1:0] c_value, c_mask;
  always_comb begin
    for (int i = 0; i < KEYB; i++) begin
      c_key[nic_fmt_pkg::FLOW_KEY_W - 1 - 8 * i -: 8] = cmd_q.key[8 * i +: 8];
    end
    for (int i = 0; i < TKEYB; i++) begin
      c_value[nic_fmt_pkg::TCAM_KEY_W - 1 - 8 * i -: 8] = val_q.data[8 * i +: 8];
      c_mask[nic_fmt_pkg::TCAM_KEY_W - 1 - 8 * i -: 8]  = msk_q.data[8 * i +: 8];
    end
  end

  assign sf_cmd  = sf_m_data;
  assign op      = cmd_q.op;
  assign is_em   = op_is_em(op);
  assign is_tcam = op_is_tcam(op);

  // EM_ACTIVITY: handles handle .. handle + entries - 1 (below 2^32), entries records of REC_B
  // bytes within buf_len; else BAD_COMMAND and nothing written. Checked on the FIFO's head as
  // the command is taken (sc_ok_q), so the adders and comparators end in a register instead of
  // feeding X_SC_START's next state (the synthesis suite's depth bound).
  assign sc_ok        = ({1'b0, sf_cmd.handle} + 33'(sf_cmd.entries) <= 33'h1_0000_0000) &&
                        (32'(sf_cmd.entries) * 32'(REC_B) <= sf_cmd.buf_len);
  assign sc_handle    = cmd_q.handle + 32'(sc_idx_q);
  assign sc_active    = xs_q == X_SC_CMD || xs_q == X_SC_RSP || xs_q == X_SC_WR ||
                        xs_q == X_SC_WAIT;
  assign sc_stale     = xepoch_q != epoch_q;
  assign sc_rec_pad   = (REC_BEATS * DATA_W)'(sc_rec_q);
  assign sc_last_beat = sc_beat_q == RB_W'(REC_BEATS - 1);

  assign em_cmd_valid      = ((xs_q == X_CMD) && is_em) || (xs_q == X_SC_CMD && !sc_stale);
  assign em_cmd_op         = (xs_q == X_SC_CMD) ? nic_fmt_pkg::FT_CMD_QUERY
                           : (op == nic_fmt_pkg::FCMD_OP_EM_INSERT) ? nic_fmt_pkg::FT_CMD_INSERT
                           : (op == nic_fmt_pkg::FCMD_OP_EM_DELETE_KEY)
                             ? nic_fmt_pkg::FT_CMD_DELETE_KEY : nic_fmt_pkg::FT_CMD_DELETE_HANDLE;
  assign em_cmd_key        = c_key;
  assign em_cmd_action     = cmd_q.action;
  assign em_cmd_handle     = (xs_q == X_SC_CMD) ? sc_handle : cmd_q.handle;
  assign em_rsp_ready      = ((xs_q == X_RSP) && is_em) || xs_q == X_SC_RSP;
  assign tcam_cmd_valid    = (xs_q == X_CMD) && is_tcam;
  assign tcam_cmd_op       = (op == nic_fmt_pkg::FCMD_OP_TCAM_WRITE)
                             ? 32'(nic_fmt_pkg::TCAM_CMD_WRITE) : 32'(nic_fmt_pkg::TCAM_CMD_CLEAR);
  assign tcam_cmd_index    = cmd_q.handle;
  assign tcam_cmd_priority = cmd_q.prio;
  assign tcam_cmd_value    = c_value;
  assign tcam_cmd_mask     = c_mask;
  assign tcam_cmd_action   = cmd_q.action;
  assign tcam_rsp_ready    = (xs_q == X_RSP) && is_tcam;

  // Write-back: the status byte, then (EM insert OK) the handle, each in lane 0 of one beat.
  logic        wb_active, wb_hdl, wb_stale;
  logic [63:0] wb_slot;
  assign wb_active      = (xs_q == X_WB_ST) || (xs_q == X_WB_HDL);
  assign wb_hdl         = (xs_q == X_WB_HDL);
  assign wb_stale       = xepoch_q != epoch_q;
  assign wb_slot        = slot_addr(cfg_base, xp_q & mask);
  // A record of EM_ACTIVITY: REC_B bytes at buf_addr + REC_B * idx, REC_BEATS beats (the
  // request and the beats are independent handshakes, as for the write-back). After a ring
  // restart (stale epoch) a record not yet started is not written.
  logic sc_wr, sc_started, sc_go;
  assign sc_wr          = xs_q == X_SC_WR;
  assign sc_started     = sc_req_q || sc_dat_q || sc_beat_q != '0;
  assign sc_go          = sc_started || !sc_stale;
  assign m_wr_req_valid = sc_wr ? !sc_req_q && sc_go
                                : wb_active && !wb_stale && !st_req_done_q && pq_s_ready;
  assign m_wr_req_addr  = sc_wr ? cmd_q.buf_addr + 64'({sc_idx_q, 5'd0})
                                : wb_slot + (wb_hdl ? 64'(HDL_OFF) : 64'(ST_OFF));
  assign m_wr_req_len   = sc_wr ? 16'(REC_B) : wb_hdl ? 16'(HDL_B) : 16'(ST_B);
  assign m_wr_req_tag   = TAG_W'(epoch_q);
  assign m_wr_tvalid    = sc_wr ? !sc_dat_q && sc_go
                                : wb_active && !wb_stale && !st_dat_done_q && pq_s_ready;
  logic [31:0] wb_word;
  assign wb_word        = wb_hdl ? hdl_q : {24'd0, st_q};
  logic [31:0] sc_keep_n;  // bytes of the record in this beat
  assign sc_keep_n      = (32'(REC_B) - 32'(sc_beat_q) * 32'(KEEP_W) >= 32'(KEEP_W))
                          ? 32'(KEEP_W) : 32'(REC_B) - 32'(sc_beat_q) * 32'(KEEP_W);
  assign m_wr_tdata     = sc_wr ? sc_rec_pad[sc_beat_q * DATA_W +: DATA_W] : DATA_W'(wb_word);
  assign m_wr_tkeep     = sc_wr ? KEEP_W'(({{KEEP_W{1'b0}}, {KEEP_W{1'b1}}} << sc_keep_n)
                                          >> KEEP_W)
                        : wb_hdl ? KEEP_W'((1 << HDL_B) - 1) : KEEP_W'((1 << ST_B) - 1);
  assign m_wr_tlast     = sc_wr ? sc_last_beat : 1'b1;
  assign sc_req_fire    = sc_wr && m_wr_req_valid && m_wr_req_ready;
  assign sc_dat_fire    = sc_wr && m_wr_tvalid && m_wr_tready;

  logic wr_req_fire, wr_dat_fire, wb_step_done, needs_hdl;
  assign wr_req_fire  = m_wr_req_valid && m_wr_req_ready;
  assign wr_dat_fire  = m_wr_tvalid && m_wr_tready;
  assign wb_step_done = wb_active && (wb_stale ||
                        ((st_req_done_q || wr_req_fire) && (st_dat_done_q || wr_dat_fire)));
  assign needs_hdl    = (op == nic_fmt_pkg::FCMD_OP_EM_INSERT) &&
                        (st_q == nic_fmt_pkg::FLOW_STATUS_OK);

  always_comb begin
    xs_d          = xs_q;
    cmd_d         = cmd_q;
    val_d         = val_q;
    msk_d         = msk_q;
    st_d          = st_q;
    hdl_d         = hdl_q;
    xepoch_d      = xepoch_q;
    xp_d          = xp_q;
    st_req_done_d = st_req_done_q;
    st_dat_done_d = st_dat_done_q;
    sf_m_ready    = 1'b0;
    pq_s_valid    = 1'b0;
    pq_s_data     = '0;
    sc_idx_d      = sc_idx_q;
    sc_beat_d     = sc_beat_q;
    sc_req_d      = sc_req_q;
    sc_dat_d      = sc_dat_q;
    sc_rec_d      = sc_rec_q;
    sc_ok_d       = sc_ok_q;

    case (xs_q)
      X_IDLE: begin
        if (sf_m_valid && usable && !edge_on) begin
          sf_m_ready = 1'b1;
          cmd_d      = sf_cmd;
          sc_ok_d    = sc_ok;
          xepoch_d   = epoch_q;
          xs_d       = (sf_cmd.op == nic_fmt_pkg::FCMD_OP_TCAM_WRITE) ? X_VAL :
                       (sf_cmd.op == nic_fmt_pkg::FCMD_OP_EM_ACTIVITY) ? X_SC_START :
                       ((op_is_em(sf_cmd.op) || op_is_tcam(sf_cmd.op)) ? X_CMD : X_WB_ST);
          st_d       = nic_fmt_pkg::FLOW_STATUS_BAD_COMMAND;
          hdl_d      = sf_cmd.handle;
        end
      end
      X_VAL: begin
        if (edge_on) begin
          xs_d = X_IDLE;
        end else if (sf_m_valid) begin
          sf_m_ready = 1'b1;
          val_d      = sf_m_data;
          xs_d       = X_MSK;
        end
      end
      X_MSK: begin
        if (edge_on) begin
          xs_d = X_IDLE;
        end else if (sf_m_valid) begin
          sf_m_ready = 1'b1;
          msk_d      = sf_m_data;
          xs_d       = X_CMD;
        end
      end
      X_CMD: begin
        if ((is_em && em_cmd_ready) || (is_tcam && tcam_cmd_ready)) begin
          xs_d = X_RSP;
        end
      end
      X_RSP: begin
        if (is_em && em_rsp_valid) begin
          st_d  = em_rsp_status;
          hdl_d = em_rsp_handle;
          xs_d  = X_WB_ST;
        end else if (is_tcam && tcam_rsp_valid) begin
          st_d = tcam_rsp_status;
          xs_d = X_WB_ST;
        end
      end
      X_SC_START: begin
        // The records go out while nothing else is being written, so the write completions
        // of the scan are its own (sc_out) and its status follows its records.
        sc_idx_d = '0;
        if (!sc_ok_q) begin
          xs_d = X_WB_ST;
        end else if (!pq_m_valid) begin
          st_d = nic_fmt_pkg::FLOW_STATUS_OK;
          xs_d = (cmd_q.entries == 16'd0) ? X_SC_WAIT : X_SC_CMD;
        end
      end
      X_SC_CMD: begin
        if (sc_stale) begin
          xs_d = X_SC_WAIT;  // the ring was restarted: no more records
        end else if (em_cmd_ready) begin
          xs_d = X_SC_RSP;
        end
      end
      X_SC_RSP: begin
        if (em_rsp_valid) begin
          sc_rec_d                = '0;
          sc_rec_d.handle         = sc_handle;
          if (em_rsp_status == nic_fmt_pkg::FLOW_STATUS_OK) begin
            sc_rec_d.flags.valid  = 1'b1;
            sc_rec_d.pkts         = em_rsp_pkts;
            sc_rec_d.bytes        = em_rsp_bytes;
            sc_rec_d.last_seen    = em_rsp_last_seen;
          end
          sc_beat_d = '0;
          sc_req_d  = 1'b0;
          sc_dat_d  = 1'b0;
          xs_d      = sc_stale ? X_SC_WAIT : X_SC_WR;
        end
      end
      X_SC_WR: begin
        // A record once started is written whole (the DMA engine expects its beats).
        sc_req_d = sc_req_q || sc_req_fire;
        if (!sc_go) begin
          xs_d = X_SC_WAIT;
        end
        if (sc_dat_fire) begin
          sc_beat_d = sc_beat_q + RB_W'(1);
          sc_dat_d  = sc_last_beat;
        end
        if ((sc_req_q || sc_req_fire) && (sc_dat_q || (sc_dat_fire && sc_last_beat))) begin
          sc_idx_d = sc_idx_q + 16'd1;
          xs_d     = (sc_idx_q + 16'd1 == cmd_q.entries || sc_stale) ? X_SC_WAIT : X_SC_CMD;
        end
      end
      X_SC_WAIT: begin
        if (sc_out_q == '0) begin
          xs_d = sc_stale ? X_IDLE : X_WB_ST;
        end
      end
      X_WB_ST, X_WB_HDL: begin
        st_req_done_d = st_req_done_q || wr_req_fire;
        st_dat_done_d = st_dat_done_q || wr_dat_fire;
        if (wb_step_done) begin
          st_req_done_d = 1'b0;
          st_dat_done_d = 1'b0;
          if (xs_q == X_WB_ST && needs_hdl && !wb_stale) begin
            xs_d = X_WB_HDL;
          end else begin
            // The command is done: its CONS advance waits for its writes.
            pq_s_valid = !wb_stale;
            pq_s_data  = {xepoch_q, (xs_q == X_WB_HDL) ? 2'd2 : 2'd1,
                          (op == nic_fmt_pkg::FCMD_OP_TCAM_WRITE) ? 2'd3 : 2'd1};
            xp_d       = xp_q + ((op == nic_fmt_pkg::FCMD_OP_TCAM_WRITE) ? 16'd3 : 16'd1);
            xs_d       = X_IDLE;
          end
        end
      end
      default: xs_d = X_IDLE;
    endcase
    if (edge_on) begin
      xp_d = '0;
    end
  end

  // Commands whose writes are under way, oldest first.
  sync_fifo #(.WIDTH(5), .DEPTH(8)) u_pend (
    .clk (clk), .rst (rst),
    .s_valid (pq_s_valid), .s_ready (pq_s_ready), .s_data (pq_s_data),
    .m_valid (pq_m_valid), .m_ready (pq_m_ready), .m_data (pq_m_data),
    .count (unused_pq_count)
  );

  // Write completions: attributed in order to the pending commands.
  logic [3:0] dones_q, dones_d;
  logic [3:0] avail;
  logic       commit;
  assign s_wr_done_ready = 1'b1;
  assign avail      = dones_q + 4'(s_wr_done_valid && !sc_active);
  assign commit     = pq_m_valid && (avail >= {2'd0, pq_m_data[3:2]});
  assign pq_m_ready = commit;

  always_comb begin
    dones_d  = avail - (commit ? {2'd0, pq_m_data[3:2]} : 4'd0);
    cons_d   = cons_q;
    ran_d    = ran_q;
    if (commit && pq_m_data[4] == epoch_q) begin
      cons_d = cons_q + {14'd0, pq_m_data[1:0]};
      ran_d  = 1'b1;
    end
    sc_out_d = sc_out_q + 17'(sc_req_fire) - 17'(s_wr_done_valid && sc_active);
    fp_d     = fp_q + 16'(fetch && m_rd_req_ready);
    credit_d = credit_q + PF_W'(fetch && m_rd_req_ready) - PF_W'(sf_m_ready)
               - PF_W'(rec_done && rec_stale);
    if (edge_on) begin
      fp_d     = '0;
      cons_d   = '0;
      ran_d    = 1'b0;
      // The slot FIFO is emptied (with a record arriving now); reads still in flight from
      // before the edge are dropped when they arrive (stale epoch).
      credit_d = credit_q - PF_W'(rec_done) - PF_W'(sf_count);
    end else if (ran_q && cons_q == cfg_prod) begin
      ran_d = 1'b0;
    end
  end

  // Interrupt: after running at least one command, CONS has reached PROD.
  logic [NUM_VECTORS-1:0] irq_q, irq_d;
  always_comb begin
    irq_d = '0;
    for (int v = 0; v < NUM_VECTORS; v++) begin
      irq_d[v] = !edge_on && ran_q && cons_q == cfg_prod && cfg_irq[31] &&
                 (32'(cfg_irq[7:0]) == v);
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      en_q          <= 1'b0;
      epoch_q       <= 1'b0;
      fp_q          <= '0;
      xp_q          <= '0;
      cons_q        <= '0;
      credit_q      <= '0;
      ran_q         <= 1'b0;
      asm_i_q       <= '0;
      xs_q          <= X_IDLE;
      st_req_done_q <= 1'b0;
      st_dat_done_q <= 1'b0;
      dones_q       <= '0;
      irq_q         <= '0;
      sc_out_q      <= '0;
    end else begin
      en_q          <= cfg_enable;
      epoch_q       <= edge_on ? !epoch_q : epoch_q;
      fp_q          <= fp_d;
      xp_q          <= xp_d;
      cons_q        <= cons_d;
      credit_q      <= credit_d;
      ran_q         <= ran_d;
      asm_i_q       <= asm_i_d;
      xs_q          <= xs_d;
      st_req_done_q <= st_req_done_d;
      st_dat_done_q <= st_dat_done_d;
      dones_q       <= dones_d;
      irq_q         <= irq_d;
      sc_out_q      <= sc_out_d;
    end
  end

  always_ff @(posedge clk) begin
    asm_q    <= asm_d;
    cmd_q    <= cmd_d;
    sc_ok_q  <= sc_ok_d;
    val_q    <= val_d;
    msk_q    <= msk_d;
    st_q     <= st_d;
    hdl_q    <= hdl_d;
    xepoch_q <= xepoch_d;
    sc_idx_q  <= sc_idx_d;
    sc_beat_q <= sc_beat_d;
    sc_req_q  <= sc_req_d;
    sc_dat_q  <= sc_dat_d;
    sc_rec_q  <= sc_rec_d;
  end

  assign cons = cons_q;
  // Not busy while a TCAM write waits for its value and mask slots to be posted.
  assign busy = (credit_q != '0) || pq_m_valid ||
                (xs_q != X_IDLE && xs_q != X_VAL && xs_q != X_MSK);
  assign irq  = irq_q;

  logic unused;
  assign unused = ^{s_rd_tkeep, s_rd_err, s_wr_done_tag, s_wr_done_err, sf_s_ready,
                    s_rd_tag, cmd_q, val_q, msk_q, cfg_irq[30:8]};

endmodule

`default_nettype wire
