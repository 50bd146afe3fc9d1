// SPDX-License-Identifier: MIT
// nic_mgmt: the register-side command engines of nic_top (docs/rtl-mgmt.md). It executes the
// FT_CMD, TCAM_CMD, ENCAP_CMD and METER_CMD register commands of rtl/regs.yaml against
// nic_datapath's management ports, with the results NicDevice shows (docs/spec.md 10), and
// shares the datapath's EM and TCAM command ports between these commands and the flow-command
// ring (fcmd_engine), routing each response back to its issuer.
//
//   FT_CMD strobe ──► queue ──► FT engine ──┐   ┌── ring (fcmd_engine) EM commands
//                                           ▼   ▼
//                                    EM arbiter (round robin, one command in flight)
//                                           │ m_em_cmd / m_em_rsp (response to its issuer)
//   TCAM_CMD ──► queue ──► TCAM engine ──► TCAM arbiter ◄── ring TCAM commands
//   ENCAP_CMD, METER_CMD ──► one queue (in order: they share ACT_STATUS) ──► actions engine
//                            ──► m_meter_cmd / m_meter_rsp, m_encap_wr, m_encap_rd
//
// A command starts on the clock of its register strobe if its engine is idle (the register
// outputs show every earlier bus write by then); its operands (key, action, handle, index,
// priority, value, mask, rate, burst, template) are taken from the registers as it starts. A
// command written while its engine is busy waits in a QDEPTH-deep queue and starts when the
// engine is free, with the operand registers as they are then (so INSERT then DELETE_HANDLE
// deletes the entry just inserted, as in the model); a command written while the queue is
// full is not executed and sets the status register's OVERRUN bit (30) until the next
// command is accepted (a driver that waits for BUSY to clear never sees it; docs/spec.md
// section 10). FT_STATUS.BUSY and TCAM_STATUS.BUSY (bit 31) read 1 while a command runs or
// waits; ACT_STATUS bit 31 likewise (the model, which completes a command during the write,
// always reads these bits 0). Results:
//   FT_CMD: op outside 1..5 BAD_COMMAND here; else the EM table's status. INSERT OK writes
//     FT_HANDLE; QUERY OK sets FT_PKTS/FT_BYTES/FT_LAST_SEEN; READ OK writes FT_KEY (bytes
//     42, 43 zero) and FT_ACTION.
//   TCAM_CMD: the TCAM's status (it checks op and index). QUERY OK sets TCAM_PKTS/TCAM_BYTES;
//     READ OK writes TCAM_PRIO, TCAM_VALUE, TCAM_MASK, TCAM_ACTION.
//   METER_CMD / ENCAP_CMD: op outside 1..2 or index outside 1..NUM_METERS-1 / 1..NUM_ENCAP-1
//     (all 32 bits compared), or ENCAP_CMD WRITE of a template whose tunnel type is the
//     reserved 3, is BAD_COMMAND here. Meter READ OK writes METER_RATE, METER_BURST
//     and sets METER_TOKENS; encap WRITE writes the template, READ writes ENCAP_DATA (a
//     template never written reads as the model's default template: encap_table keeps a
//     written bit in each RAM word). The actions engine takes no command while the template
//     table sweeps its RAM after reset (m_encap_ready low, NUM_ENCAP clocks): commands
//     written meanwhile wait in the queue and ACT_STATUS.BUSY reads 1.
// Byte orders: register words are little-endian (byte 4i+j is bits 8j+7:8j of word i); the
// flow and TCAM keys at the datapath ports have byte 0 in their most significant byte
// (nic_pkg), the action record and encap template byte i in bits [8i +: 8]. Action records
// go to the EM table as ActionRecord::encode(decode(bytes)) (flags bits 31:24 and bytes
// 62..63 zero; the TCAM does this itself), templates as EncapTemplate::encode(decode(bytes))
// (byte 14 bits 7:1, bytes 21..23 and 56..63 zero), so READ shows what the model shows.
`resetall
`timescale 1ns/1ps
`default_nettype none

module nic_mgmt #(
  parameter int NUM_METERS   = 64,
  parameter int NUM_ENCAP    = 4096,
  parameter int TCAM_ENTRIES = 256
) (
  input  wire                                 clk,
  input  wire                                 rst,

  // Register file side: nic_regfile's flow, tcam and actions blocks (nic_regs_pkg), and the
  // EM table's entry count for FT_COUNT.
  input  nic_regs_pkg::flow_reg2hw_t          flow_reg2hw,
  output nic_regs_pkg::flow_hw2reg_t          flow_hw2reg,
  input  nic_regs_pkg::tcam_reg2hw_t          tcam_reg2hw,
  output nic_regs_pkg::tcam_hw2reg_t          tcam_hw2reg,
  input  nic_regs_pkg::actions_reg2hw_t       actions_reg2hw,
  output nic_regs_pkg::actions_hw2reg_t       actions_hw2reg,
  input  wire [31:0]                          em_entry_count,

  // Flow-command ring side: fcmd_engine is the master.
  input  wire                                 s_ring_em_cmd_valid,
  output wire                                 s_ring_em_cmd_ready,
  input  wire [2:0]                           s_ring_em_cmd_op,
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0]   s_ring_em_cmd_key,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]     s_ring_em_cmd_action,
  input  wire [nic_pkg::EM_HANDLE_W-1:0]      s_ring_em_cmd_handle,
  output wire                                 s_ring_em_rsp_valid,
  input  wire                                 s_ring_em_rsp_ready,
  output wire [7:0]                           s_ring_em_rsp_status,
  output wire [nic_pkg::EM_HANDLE_W-1:0]      s_ring_em_rsp_handle,
  input  wire                                 s_ring_tcam_cmd_valid,
  output wire                                 s_ring_tcam_cmd_ready,
  input  wire [nic_pkg::CSR_DATA_W-1:0]       s_ring_tcam_cmd_op,
  input  wire [nic_pkg::CSR_DATA_W-1:0]       s_ring_tcam_cmd_index,
  input  wire [nic_pkg::TCAM_PRIO_W-1:0]      s_ring_tcam_cmd_priority,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   s_ring_tcam_cmd_value,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   s_ring_tcam_cmd_mask,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]     s_ring_tcam_cmd_action,
  output wire                                 s_ring_tcam_rsp_valid,
  input  wire                                 s_ring_tcam_rsp_ready,
  output wire [7:0]                           s_ring_tcam_rsp_status,

  // Datapath side (nic_datapath's management ports; nic_mgmt drives the commands).
  output wire                                 m_em_cmd_valid,
  input  wire                                 m_em_cmd_ready,
  output wire [2:0]                           m_em_cmd_op,
  output wire [nic_fmt_pkg::FLOW_KEY_W-1:0]   m_em_cmd_key,
  output wire [nic_fmt_pkg::ACTION_W-1:0]     m_em_cmd_action,
  output wire [nic_pkg::EM_HANDLE_W-1:0]      m_em_cmd_handle,
  input  wire                                 m_em_rsp_valid,
  output wire                                 m_em_rsp_ready,
  input  wire [7:0]                           m_em_rsp_status,
  input  wire [nic_pkg::EM_HANDLE_W-1:0]      m_em_rsp_handle,
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0]   m_em_rsp_key,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]     m_em_rsp_action,
  input  wire [nic_pkg::EM_PKTS_W-1:0]        m_em_rsp_pkts,
  input  wire [nic_pkg::EM_BYTES_W-1:0]       m_em_rsp_bytes,
  input  wire [nic_pkg::EM_SEEN_W-1:0]        m_em_rsp_last_seen,
  output wire                                 m_tcam_cmd_valid,
  input  wire                                 m_tcam_cmd_ready,
  output wire [nic_pkg::CSR_DATA_W-1:0]       m_tcam_cmd_op,
  output wire [nic_pkg::CSR_DATA_W-1:0]       m_tcam_cmd_index,
  output wire [nic_pkg::TCAM_PRIO_W-1:0]      m_tcam_cmd_priority,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   m_tcam_cmd_value,
  output wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   m_tcam_cmd_mask,
  output wire [nic_fmt_pkg::ACTION_W-1:0]     m_tcam_cmd_action,
  input  wire                                 m_tcam_rsp_valid,
  output wire                                 m_tcam_rsp_ready,
  input  wire [7:0]                           m_tcam_rsp_status,
  input  wire [nic_pkg::TCAM_PRIO_W-1:0]      m_tcam_rsp_priority,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   m_tcam_rsp_value,
  input  wire [nic_fmt_pkg::TCAM_KEY_W-1:0]   m_tcam_rsp_mask,
  input  wire [nic_fmt_pkg::ACTION_W-1:0]     m_tcam_rsp_action,
  input  wire [63:0]                          m_tcam_rsp_pkts,
  input  wire [63:0]                          m_tcam_rsp_bytes,
  output wire                                 m_meter_cmd_valid,
  input  wire                                 m_meter_cmd_ready,
  output wire [31:0]                          m_meter_cmd_op,
  output wire [15:0]                          m_meter_cmd_index,
  output wire [31:0]                          m_meter_cmd_rate,
  output wire [31:0]                          m_meter_cmd_burst,
  input  wire                                 m_meter_rsp_valid,
  output wire                                 m_meter_rsp_ready,
  input  wire [7:0]                           m_meter_rsp_status,
  input  wire [31:0]                          m_meter_rsp_rate,
  input  wire [31:0]                          m_meter_rsp_burst,
  input  wire [31:0]                          m_meter_rsp_tokens,
  input  wire                                 m_encap_ready,
  output wire                                 m_encap_wr_valid,
  output wire [15:0]                          m_encap_wr_index,
  output wire [nic_fmt_pkg::ENCAP_W-1:0]      m_encap_wr_data,
  output wire                                 m_encap_rd_valid,
  output wire [15:0]                          m_encap_rd_index,
  input  wire                                 m_encap_rd_data_valid,
  input  wire [nic_fmt_pkg::ENCAP_W-1:0]      m_encap_rd_data
);

  // The registers by the names the engines below use (<block>_<register>; <reg>_wr a
  // command's strobe, <reg>_wdata its word, <reg>_hw_we / _hw_wdata a result written back).
  logic         flow_ft_cmd_wr, tcam_tcam_cmd_wr, actions_encap_cmd_wr, actions_meter_cmd_wr;
  logic [31:0]  flow_ft_cmd_wdata, flow_ft_handle, tcam_tcam_cmd_wdata, tcam_tcam_index,
                tcam_tcam_prio, actions_encap_cmd_wdata, actions_encap_index,
                actions_meter_cmd_wdata, actions_meter_index, actions_meter_rate,
                actions_meter_burst;
  logic [351:0] flow_ft_key;
  logic [447:0] tcam_tcam_value, tcam_tcam_mask;
  logic [511:0] flow_ft_action, tcam_tcam_action, actions_encap_data;
  assign flow_ft_cmd_wr          = flow_reg2hw.ft_cmd.qe;
  assign flow_ft_cmd_wdata       = flow_reg2hw.ft_cmd.q;
  assign flow_ft_handle          = flow_reg2hw.ft_handle.q;
  assign flow_ft_key             = flow_reg2hw.ft_key.q;
  assign flow_ft_action          = flow_reg2hw.ft_action.q;
  assign tcam_tcam_cmd_wr        = tcam_reg2hw.tcam_cmd.qe;
  assign tcam_tcam_cmd_wdata     = tcam_reg2hw.tcam_cmd.q;
  assign tcam_tcam_index         = tcam_reg2hw.tcam_index.q;
  assign tcam_tcam_prio          = {16'd0, tcam_reg2hw.tcam_prio.q};
  assign tcam_tcam_value         = tcam_reg2hw.tcam_value.q;
  assign tcam_tcam_mask          = tcam_reg2hw.tcam_mask.q;
  assign tcam_tcam_action        = tcam_reg2hw.tcam_action.q;
  assign actions_encap_cmd_wr    = actions_reg2hw.encap_cmd.qe;
  assign actions_encap_cmd_wdata = actions_reg2hw.encap_cmd.q;
  assign actions_encap_index     = actions_reg2hw.encap_index.q;
  assign actions_meter_cmd_wr    = actions_reg2hw.meter_cmd.qe;
  assign actions_meter_cmd_wdata = actions_reg2hw.meter_cmd.q;
  assign actions_meter_index     = actions_reg2hw.meter_index.q;
  assign actions_meter_rate      = actions_reg2hw.meter_rate.q;
  assign actions_meter_burst     = actions_reg2hw.meter_burst.q;
  assign actions_encap_data      = actions_reg2hw.encap_data.q;

  logic [31:0]  flow_ft_status, flow_ft_handle_hw_wdata, flow_ft_last_seen, tcam_tcam_status,
                tcam_tcam_prio_hw_wdata, actions_meter_rate_hw_wdata,
                actions_meter_burst_hw_wdata, actions_meter_tokens, actions_act_status;
  logic [0:0]   flow_ft_handle_hw_we, tcam_tcam_prio_hw_we, actions_meter_rate_hw_we,
                actions_meter_burst_hw_we;
  logic [63:0]  flow_ft_pkts, flow_ft_bytes, tcam_tcam_pkts, tcam_tcam_bytes;
  logic [10:0]  flow_ft_key_hw_we;
  logic [351:0] flow_ft_key_hw_wdata;
  logic [13:0]  tcam_tcam_value_hw_we, tcam_tcam_mask_hw_we;
  logic [447:0] tcam_tcam_value_hw_wdata, tcam_tcam_mask_hw_wdata;
  logic [15:0]  flow_ft_action_hw_we, tcam_tcam_action_hw_we, actions_encap_data_hw_we;
  logic [511:0] flow_ft_action_hw_wdata, tcam_tcam_action_hw_wdata, actions_encap_data_hw_wdata;
  assign flow_hw2reg.ft_status.d.busy      = flow_ft_status[31];
  assign flow_hw2reg.ft_status.d.overrun   = flow_ft_status[30];
  assign flow_hw2reg.ft_status.d.code      = flow_ft_status[7:0];
  assign flow_hw2reg.ft_handle.d           = flow_ft_handle_hw_wdata;
  assign flow_hw2reg.ft_handle.de          = flow_ft_handle_hw_we;
  assign flow_hw2reg.ft_count.d            = em_entry_count;
  assign flow_hw2reg.ft_pkts.d             = flow_ft_pkts;
  assign flow_hw2reg.ft_bytes.d            = flow_ft_bytes;
  assign flow_hw2reg.ft_last_seen.d        = flow_ft_last_seen;
  assign flow_hw2reg.ft_key.d              = flow_ft_key_hw_wdata;
  assign flow_hw2reg.ft_key.de             = flow_ft_key_hw_we;
  assign flow_hw2reg.ft_action.d           = flow_ft_action_hw_wdata;
  assign flow_hw2reg.ft_action.de          = flow_ft_action_hw_we;
  assign tcam_hw2reg.tcam_status.d.busy    = tcam_tcam_status[31];
  assign tcam_hw2reg.tcam_status.d.overrun = tcam_tcam_status[30];
  assign tcam_hw2reg.tcam_status.d.code    = tcam_tcam_status[7:0];
  assign tcam_hw2reg.tcam_prio.d           = tcam_tcam_prio_hw_wdata[15:0];
  assign tcam_hw2reg.tcam_prio.de          = tcam_tcam_prio_hw_we;
  assign tcam_hw2reg.tcam_pkts.d           = tcam_tcam_pkts;
  assign tcam_hw2reg.tcam_bytes.d          = tcam_tcam_bytes;
  assign tcam_hw2reg.tcam_value.d          = tcam_tcam_value_hw_wdata;
  assign tcam_hw2reg.tcam_value.de         = tcam_tcam_value_hw_we;
  assign tcam_hw2reg.tcam_mask.d           = tcam_tcam_mask_hw_wdata;
  assign tcam_hw2reg.tcam_mask.de          = tcam_tcam_mask_hw_we;
  assign tcam_hw2reg.tcam_action.d         = tcam_tcam_action_hw_wdata;
  assign tcam_hw2reg.tcam_action.de        = tcam_tcam_action_hw_we;
  assign actions_hw2reg.meter_rate.d       = actions_meter_rate_hw_wdata;
  assign actions_hw2reg.meter_rate.de      = actions_meter_rate_hw_we;
  assign actions_hw2reg.meter_burst.d      = actions_meter_burst_hw_wdata;
  assign actions_hw2reg.meter_burst.de     = actions_meter_burst_hw_we;
  assign actions_hw2reg.meter_tokens.d     = actions_meter_tokens;
  assign actions_hw2reg.act_status.d.busy    = actions_act_status[31];
  assign actions_hw2reg.act_status.d.overrun = actions_act_status[30];
  assign actions_hw2reg.act_status.d.code    = actions_act_status[7:0];
  assign actions_hw2reg.encap_data.d       = actions_encap_data_hw_wdata;
  assign actions_hw2reg.encap_data.de      = actions_encap_data_hw_we;
  // Status bits 29:8 and TCAM_PRIO bits 31:16 are 0 (not fields).
  logic unused_reg_bits;
  assign unused_reg_bits = ^{flow_ft_status[29:8], tcam_tcam_status[29:8],
                             actions_act_status[29:8], tcam_tcam_prio_hw_wdata[31:16]};

  localparam int KW     = nic_fmt_pkg::FLOW_KEY_W;
  localparam int KB     = nic_fmt_pkg::FLOW_KEY_BYTES;
  localparam int TKW    = nic_fmt_pkg::TCAM_KEY_W;
  localparam int TKB    = nic_fmt_pkg::TCAM_KEY_BYTES;
  localparam int AW     = nic_fmt_pkg::ACTION_W;
  localparam int EW     = nic_fmt_pkg::ENCAP_W;
  localparam int QDEPTH = 4;  // commands that may wait per queue
  localparam int QC_W   = $clog2(QDEPTH) + 1;

  localparam logic [7:0] ST_OK  = nic_fmt_pkg::FLOW_STATUS_OK;
  localparam logic [7:0] ST_BAD = nic_fmt_pkg::FLOW_STATUS_BAD_COMMAND;

  // ActionRecord::encode(decode(x)) and EncapTemplate::encode(decode(x)) keep the defined
  // bits (reserved ones are zero).
  localparam logic [AW-1:0] ACT_KEEP    = nic_fmt_pkg::ACTION_DEFINED;
  localparam logic [EW-1:0] ENC_KEEP    = nic_fmt_pkg::ENCAP_DEFINED;
  // The commands of FT_CMD (first and last) and of ENCAP_CMD / METER_CMD at the register width.
  localparam logic [31:0] FT_FIRST = 32'(nic_fmt_pkg::FT_CMD_INSERT);
  localparam logic [31:0] FT_LAST  = 32'(nic_fmt_pkg::FT_CMD_READ);
  localparam logic [31:0] AC_WRITE = 32'(nic_fmt_pkg::ACT_CMD_WRITE);
  localparam logic [31:0] AC_READ  = 32'(nic_fmt_pkg::ACT_CMD_READ);

  initial begin
    if (NUM_METERS < 2 || NUM_METERS > 65536) begin
      $error("nic_mgmt (%m): NUM_METERS (%0d) must be 2..65536", NUM_METERS);
    end
    if (NUM_ENCAP < 2 || NUM_ENCAP > 65536 || (NUM_ENCAP & (NUM_ENCAP - 1)) != 0) begin
      $error("nic_mgmt (%m): NUM_ENCAP (%0d) must be a power of two, 2..65536", NUM_ENCAP);
    end
    if (TCAM_ENTRIES < 1) begin
      $error("nic_mgmt (%m): TCAM_ENTRIES (%0d) must be at least 1", TCAM_ENTRIES);
    end
  end

  // ---- byte order: register words (little-endian) <-> keys (byte 0 most significant) ----
  function automatic logic [KW-1:0] key_of_regs(input logic [351:0] r);
    for (int i = 0; i < KB; i++) begin
      key_of_regs[KW - 1 - 8 * i -: 8] = r[8 * i +: 8];
    end
  endfunction
  function automatic logic [351:0] regs_of_key(input logic [KW-1:0] k);
    regs_of_key = '0;
    for (int i = 0; i < KB; i++) begin
      regs_of_key[8 * i +: 8] = k[KW - 1 - 8 * i -: 8];
    end
  endfunction
  function automatic logic [TKW-1:0] tkey_swap(input logic [TKW-1:0] r);
    for (int i = 0; i < TKB; i++) begin
      tkey_swap[TKW - 1 - 8 * i -: 8] = r[8 * i +: 8];
    end
  endfunction

  // =======================================================================================
  // Command queues: a strobe starts its engine at once when the engine is idle and nothing
  // waits; otherwise it is queued; with the queue full it is not executed and OVERRUN is set.
  // =======================================================================================
  logic        ft_idle, tc_idle, ac_idle;
  logic        ftq_valid, ftq_ready, ftq_push, ftq_pop;
  logic [31:0] ftq_data;
  logic        tcq_valid, tcq_ready, tcq_push, tcq_pop;
  logic [31:0] tcq_data;
  logic        acq_valid, acq_ready, acq_push, acq_pop;
  logic [32:0] acq_data;  // {meter (1) / encap (0), command}
  logic [QC_W-1:0] unused_ftq_cnt, unused_tcq_cnt, unused_acq_cnt;

  assign ftq_push = flow_ft_cmd_wr && !(ft_idle && !ftq_valid);
  assign ftq_pop  = ft_idle && ftq_valid;
  assign tcq_push = tcam_tcam_cmd_wr && !(tc_idle && !tcq_valid);
  assign tcq_pop  = tc_idle && tcq_valid;
  assign acq_push = (actions_encap_cmd_wr || actions_meter_cmd_wr) && !(ac_idle && !acq_valid);
  assign acq_pop  = ac_idle && acq_valid;
  // OVERRUN (status bit 30): a command strobe the queue could not take; cleared by the next
  // command that is accepted.
  logic ft_ovr_q, tc_ovr_q, ac_ovr_q;
  logic ac_wr;
  assign ac_wr = actions_encap_cmd_wr || actions_meter_cmd_wr;
  always_ff @(posedge clk) begin
    if (rst) begin
      ft_ovr_q <= 1'b0;
      tc_ovr_q <= 1'b0;
      ac_ovr_q <= 1'b0;
    end else begin
      if (flow_ft_cmd_wr) ft_ovr_q <= ftq_push && !ftq_ready;
      if (tcam_tcam_cmd_wr) tc_ovr_q <= tcq_push && !tcq_ready;
      if (ac_wr) ac_ovr_q <= acq_push && !acq_ready;
    end
  end

  sync_fifo #(.WIDTH(32), .DEPTH(QDEPTH)) u_ftq (
    .clk (clk), .rst (rst),
    .s_valid (ftq_push), .s_ready (ftq_ready), .s_data (flow_ft_cmd_wdata),
    .m_valid (ftq_valid), .m_ready (ftq_pop), .m_data (ftq_data),
    .count (unused_ftq_cnt)
  );
  sync_fifo #(.WIDTH(32), .DEPTH(QDEPTH)) u_tcq (
    .clk (clk), .rst (rst),
    .s_valid (tcq_push), .s_ready (tcq_ready), .s_data (tcam_tcam_cmd_wdata),
    .m_valid (tcq_valid), .m_ready (tcq_pop), .m_data (tcq_data),
    .count (unused_tcq_cnt)
  );
  sync_fifo #(.WIDTH(33), .DEPTH(QDEPTH)) u_acq (
    .clk (clk), .rst (rst),
    .s_valid (acq_push), .s_ready (acq_ready),
    .s_data  (actions_meter_cmd_wr ? {1'b1, actions_meter_cmd_wdata}
                                   : {1'b0, actions_encap_cmd_wdata}),
    .m_valid (acq_valid), .m_ready (acq_pop), .m_data (acq_data),
    .count (unused_acq_cnt)
  );

  // =======================================================================================
  // FT engine (FT_CMD)
  // =======================================================================================
  typedef enum logic [1:0] { E_IDLE = 2'd0, E_REQ = 2'd1, E_RSP = 2'd2 } eng_t;

  eng_t              ft_st_q, ft_st_d;
  logic [2:0]        ft_op_q, ft_op_d;
  logic [KW-1:0]     ft_key_q, ft_key_d;
  logic [AW-1:0]     ft_act_q, ft_act_d;
  logic [31:0]       ft_hdl_q, ft_hdl_d;
  logic [7:0]        ft_code_q, ft_code_d;
  logic [63:0]       ft_pkts_q, ft_pkts_d, ft_bytes_q, ft_bytes_d;
  logic [31:0]       ft_seen_q, ft_seen_d;
  logic              ft_start;
  logic [31:0]       ft_cmd;
  logic              reg_em_valid, reg_em_ready, reg_em_rsp;  // to / from the EM arbiter
  logic              ft_ok;

  assign ft_idle  = ft_st_q == E_IDLE;
  assign ft_start = ft_idle && (ftq_valid || flow_ft_cmd_wr);
  assign ft_cmd   = ftq_valid ? ftq_data : flow_ft_cmd_wdata;
  assign reg_em_valid = ft_st_q == E_REQ;
  assign ft_ok    = reg_em_rsp && m_em_rsp_status == ST_OK;

  always_comb begin
    ft_st_d    = ft_st_q;
    ft_op_d    = ft_op_q;
    ft_key_d   = ft_key_q;
    ft_act_d   = ft_act_q;
    ft_hdl_d   = ft_hdl_q;
    ft_code_d  = ft_code_q;
    ft_pkts_d  = ft_pkts_q;
    ft_bytes_d = ft_bytes_q;
    ft_seen_d  = ft_seen_q;
    case (ft_st_q)
      E_IDLE: begin
        if (ft_start) begin
          if (ft_cmd >= FT_FIRST && ft_cmd <= FT_LAST) begin
            ft_st_d  = E_REQ;
            ft_op_d  = ft_cmd[2:0];
            ft_key_d = key_of_regs(flow_ft_key);
            ft_act_d = flow_ft_action & ACT_KEEP;
            ft_hdl_d = flow_ft_handle;
          end else begin
            ft_code_d = ST_BAD;
          end
        end
      end
      E_REQ: begin
        if (reg_em_ready) begin
          ft_st_d = E_RSP;
        end
      end
      default: begin  // E_RSP
        if (reg_em_rsp) begin
          ft_st_d   = E_IDLE;
          ft_code_d = m_em_rsp_status;
          if (ft_ok && ft_op_q == nic_fmt_pkg::FT_CMD_QUERY) begin
            ft_pkts_d  = m_em_rsp_pkts;
            ft_bytes_d = m_em_rsp_bytes;
            ft_seen_d  = m_em_rsp_last_seen;
          end
        end
      end
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      ft_st_q    <= E_IDLE;
      ft_code_q  <= 8'd0;
      ft_pkts_q  <= 64'd0;
      ft_bytes_q <= 64'd0;
      ft_seen_q  <= 32'd0;
    end else begin
      ft_st_q    <= ft_st_d;
      ft_code_q  <= ft_code_d;
      ft_pkts_q  <= ft_pkts_d;
      ft_bytes_q <= ft_bytes_d;
      ft_seen_q  <= ft_seen_d;
    end
  end
  always_ff @(posedge clk) begin
    ft_op_q  <= ft_op_d;
    ft_key_q <= ft_key_d;
    ft_act_q <= ft_act_d;
    ft_hdl_q <= ft_hdl_d;
  end

  // Results written into the register file on the clock of the response (the register file
  // takes them on the same edge as FT_STATUS changes and BUSY clears).
  assign flow_ft_status          = {(!ft_idle || ftq_valid), ft_ovr_q, 22'd0, ft_code_q};
  assign flow_ft_handle_hw_we    = ft_ok && ft_op_q == nic_fmt_pkg::FT_CMD_INSERT;
  assign flow_ft_handle_hw_wdata = m_em_rsp_handle;
  assign flow_ft_key_hw_we       = {11{ft_ok && ft_op_q == nic_fmt_pkg::FT_CMD_READ}};
  assign flow_ft_key_hw_wdata    = regs_of_key(m_em_rsp_key);
  assign flow_ft_action_hw_we    = {16{ft_ok && ft_op_q == nic_fmt_pkg::FT_CMD_READ}};
  assign flow_ft_action_hw_wdata = m_em_rsp_action;
  assign flow_ft_pkts            = ft_pkts_q;
  assign flow_ft_bytes           = ft_bytes_q;
  assign flow_ft_last_seen       = ft_seen_q;

  // =======================================================================================
  // EM arbiter: the FT engine and the ring, round robin, one command in flight; the
  // response goes to the issuer of the command.
  // =======================================================================================
  logic       em_busy_q, em_busy_d;      // a command was accepted, its response not yet taken
  logic       em_own_ring_q, em_own_ring_d;
  logic       em_sel_ring, unused_em_sel_reg;
  logic       em_cmd_fire, em_rsp_fire;
  logic [1:0] unused_em_last;            // the arbiter: {ring, registers}, the registers first
  logic       unused_em_grant_idx;       // after reset

  rr_arb #(.N(2)) u_em_arb (
    .clk       (clk),
    .rst       (rst),
    .req       ({s_ring_em_cmd_valid, reg_em_valid}),
    .advance   (em_cmd_fire),
    .grant     ({em_sel_ring, unused_em_sel_reg}),
    .grant_idx (unused_em_grant_idx),
    .last      (unused_em_last)
  );

  assign em_cmd_fire = m_em_cmd_valid && m_em_cmd_ready;
  assign em_rsp_fire = m_em_rsp_valid && m_em_rsp_ready;

  assign m_em_cmd_valid      = !em_busy_q && (s_ring_em_cmd_valid || reg_em_valid);
  assign s_ring_em_cmd_ready = !em_busy_q && em_sel_ring && m_em_cmd_ready;
  assign reg_em_ready        = !em_busy_q && !em_sel_ring && m_em_cmd_ready;
  assign m_em_cmd_op     = em_sel_ring ? s_ring_em_cmd_op : ft_op_q;
  assign m_em_cmd_key    = em_sel_ring ? s_ring_em_cmd_key : ft_key_q;
  assign m_em_cmd_action = (em_sel_ring ? s_ring_em_cmd_action : ft_act_q) & ACT_KEEP;
  assign m_em_cmd_handle = em_sel_ring ? s_ring_em_cmd_handle : ft_hdl_q;

  assign m_em_rsp_ready       = em_busy_q && (!em_own_ring_q || s_ring_em_rsp_ready);
  assign s_ring_em_rsp_valid  = em_busy_q && em_own_ring_q && m_em_rsp_valid;
  assign s_ring_em_rsp_status = m_em_rsp_status;
  assign s_ring_em_rsp_handle = m_em_rsp_handle;
  assign reg_em_rsp           = em_busy_q && !em_own_ring_q && m_em_rsp_valid;

  always_comb begin
    em_busy_d     = em_busy_q;
    em_own_ring_d = em_own_ring_q;
    if (em_cmd_fire) begin
      em_busy_d     = 1'b1;
      em_own_ring_d = em_sel_ring;
    end else if (em_rsp_fire) begin
      em_busy_d = 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      em_busy_q     <= 1'b0;
      em_own_ring_q <= 1'b0;
    end else begin
      em_busy_q     <= em_busy_d;
      em_own_ring_q <= em_own_ring_d;
    end
  end

  // =======================================================================================
  // TCAM engine (TCAM_CMD): op and index go to the TCAM as written; it checks them.
  // =======================================================================================
  eng_t              tc_st_q, tc_st_d;
  logic [31:0]       tc_op_q, tc_op_d;
  logic [31:0]       tc_idx_q, tc_idx_d;
  logic [15:0]       tc_prio_q, tc_prio_d;
  logic [TKW-1:0]    tc_val_q, tc_val_d, tc_mask_q, tc_mask_d;
  logic [AW-1:0]     tc_act_q, tc_act_d;
  logic [7:0]        tc_code_q, tc_code_d;
  logic [63:0]       tc_pkts_q, tc_pkts_d, tc_bytes_q, tc_bytes_d;
  logic              tc_start;
  logic              reg_tc_valid, reg_tc_ready, reg_tc_rsp;
  logic              tc_ok;

  assign tc_idle  = tc_st_q == E_IDLE;
  assign tc_start = tc_idle && (tcq_valid || tcam_tcam_cmd_wr);
  assign reg_tc_valid = tc_st_q == E_REQ;
  assign tc_ok    = reg_tc_rsp && m_tcam_rsp_status == ST_OK;

  always_comb begin
    tc_st_d    = tc_st_q;
    tc_op_d    = tc_op_q;
    tc_idx_d   = tc_idx_q;
    tc_prio_d  = tc_prio_q;
    tc_val_d   = tc_val_q;
    tc_mask_d  = tc_mask_q;
    tc_act_d   = tc_act_q;
    tc_code_d  = tc_code_q;
    tc_pkts_d  = tc_pkts_q;
    tc_bytes_d = tc_bytes_q;
    case (tc_st_q)
      E_IDLE: begin
        if (tc_start) begin
          tc_st_d   = E_REQ;
          tc_op_d   = tcq_valid ? tcq_data : tcam_tcam_cmd_wdata;
          tc_idx_d  = tcam_tcam_index;
          tc_prio_d = tcam_tcam_prio[15:0];
          tc_val_d  = tkey_swap(tcam_tcam_value);
          tc_mask_d = tkey_swap(tcam_tcam_mask);
          tc_act_d  = tcam_tcam_action;
        end
      end
      E_REQ: begin
        if (reg_tc_ready) begin
          tc_st_d = E_RSP;
        end
      end
      default: begin
        if (reg_tc_rsp) begin
          tc_st_d   = E_IDLE;
          tc_code_d = m_tcam_rsp_status;
          if (tc_ok && tc_op_q == 32'(nic_fmt_pkg::TCAM_CMD_QUERY)) begin
            tc_pkts_d  = m_tcam_rsp_pkts;
            tc_bytes_d = m_tcam_rsp_bytes;
          end
        end
      end
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      tc_st_q    <= E_IDLE;
      tc_code_q  <= 8'd0;
      tc_pkts_q  <= 64'd0;
      tc_bytes_q <= 64'd0;
    end else begin
      tc_st_q    <= tc_st_d;
      tc_code_q  <= tc_code_d;
      tc_pkts_q  <= tc_pkts_d;
      tc_bytes_q <= tc_bytes_d;
    end
  end
  always_ff @(posedge clk) begin
    tc_op_q   <= tc_op_d;
    tc_idx_q  <= tc_idx_d;
    tc_prio_q <= tc_prio_d;
    tc_val_q  <= tc_val_d;
    tc_mask_q <= tc_mask_d;
    tc_act_q  <= tc_act_d;
  end

  logic tc_read_ok;
  assign tc_read_ok = tc_ok && tc_op_q == 32'(nic_fmt_pkg::TCAM_CMD_READ);
  assign tcam_tcam_status          = {(!tc_idle || tcq_valid), tc_ovr_q, 22'd0, tc_code_q};
  assign tcam_tcam_prio_hw_we      = tc_read_ok;
  assign tcam_tcam_prio_hw_wdata   = {16'd0, m_tcam_rsp_priority};
  assign tcam_tcam_value_hw_we     = {14{tc_read_ok}};
  assign tcam_tcam_value_hw_wdata  = tkey_swap(m_tcam_rsp_value);
  assign tcam_tcam_mask_hw_we      = {14{tc_read_ok}};
  assign tcam_tcam_mask_hw_wdata   = tkey_swap(m_tcam_rsp_mask);
  assign tcam_tcam_action_hw_we    = {16{tc_read_ok}};
  assign tcam_tcam_action_hw_wdata = m_tcam_rsp_action;
  assign tcam_tcam_pkts            = tc_pkts_q;
  assign tcam_tcam_bytes           = tc_bytes_q;

  // =======================================================================================
  // TCAM arbiter (as the EM arbiter)
  // =======================================================================================
  logic       tc_busy_q, tc_busy_d;
  logic       tc_own_ring_q, tc_own_ring_d;
  logic       tc_sel_ring, unused_tc_sel_reg;
  logic       tc_cmd_fire, tc_rsp_fire;
  logic [1:0] unused_tc_last;
  logic       unused_tc_grant_idx;

  rr_arb #(.N(2)) u_tc_arb (
    .clk       (clk),
    .rst       (rst),
    .req       ({s_ring_tcam_cmd_valid, reg_tc_valid}),
    .advance   (tc_cmd_fire),
    .grant     ({tc_sel_ring, unused_tc_sel_reg}),
    .grant_idx (unused_tc_grant_idx),
    .last      (unused_tc_last)
  );

  assign tc_cmd_fire = m_tcam_cmd_valid && m_tcam_cmd_ready;
  assign tc_rsp_fire = m_tcam_rsp_valid && m_tcam_rsp_ready;

  assign m_tcam_cmd_valid      = !tc_busy_q && (s_ring_tcam_cmd_valid || reg_tc_valid);
  assign s_ring_tcam_cmd_ready = !tc_busy_q && tc_sel_ring && m_tcam_cmd_ready;
  assign reg_tc_ready          = !tc_busy_q && !tc_sel_ring && m_tcam_cmd_ready;
  assign m_tcam_cmd_op       = tc_sel_ring ? s_ring_tcam_cmd_op : tc_op_q;
  assign m_tcam_cmd_index    = tc_sel_ring ? s_ring_tcam_cmd_index : tc_idx_q;
  assign m_tcam_cmd_priority = tc_sel_ring ? s_ring_tcam_cmd_priority : tc_prio_q;
  assign m_tcam_cmd_value    = tc_sel_ring ? s_ring_tcam_cmd_value : tc_val_q;
  assign m_tcam_cmd_mask     = tc_sel_ring ? s_ring_tcam_cmd_mask : tc_mask_q;
  assign m_tcam_cmd_action   = tc_sel_ring ? s_ring_tcam_cmd_action : tc_act_q;

  assign m_tcam_rsp_ready       = tc_busy_q && (!tc_own_ring_q || s_ring_tcam_rsp_ready);
  assign s_ring_tcam_rsp_valid  = tc_busy_q && tc_own_ring_q && m_tcam_rsp_valid;
  assign s_ring_tcam_rsp_status = m_tcam_rsp_status;
  assign reg_tc_rsp             = tc_busy_q && !tc_own_ring_q && m_tcam_rsp_valid;

  always_comb begin
    tc_busy_d     = tc_busy_q;
    tc_own_ring_d = tc_own_ring_q;
    if (tc_cmd_fire) begin
      tc_busy_d     = 1'b1;
      tc_own_ring_d = tc_sel_ring;
    end else if (tc_rsp_fire) begin
      tc_busy_d = 1'b0;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      tc_busy_q     <= 1'b0;
      tc_own_ring_q <= 1'b0;
    end else begin
      tc_busy_q     <= tc_busy_d;
      tc_own_ring_q <= tc_own_ring_d;
    end
  end

  // =======================================================================================
  // Actions engine (METER_CMD, ENCAP_CMD: one queue, in order, since they share ACT_STATUS)
  // =======================================================================================
  typedef enum logic [1:0] {
    A_IDLE = 2'd0, A_MREQ = 2'd1, A_MRSP = 2'd2, A_ERD = 2'd3
  } act_t;

  act_t            ac_st_q, ac_st_d;
  logic [31:0]     ac_op_q, ac_op_d;
  logic [15:0]     ac_idx_q, ac_idx_d;
  logic [31:0]     ac_rate_q, ac_rate_d, ac_burst_q, ac_burst_d;
  logic [7:0]      ac_code_q, ac_code_d;
  logic [31:0]     ac_tokens_q, ac_tokens_d;
  logic            ac_start, ac_meter;
  logic [31:0]     ac_cmd;
  logic            ac_m_ok, ac_e_ok;
  logic            ac_enc_wr, ac_enc_rd;
  logic            ac_m_rsp;

  assign ac_idle  = ac_st_q == A_IDLE && m_encap_ready;
  assign ac_start = ac_idle && (acq_valid || actions_encap_cmd_wr || actions_meter_cmd_wr);
  assign ac_meter = acq_valid ? acq_data[32] : actions_meter_cmd_wr;
  assign ac_cmd   = acq_valid ? acq_data[31:0]
                  : (actions_meter_cmd_wr ? actions_meter_cmd_wdata : actions_encap_cmd_wdata);
  assign ac_m_ok  = (ac_cmd == AC_WRITE || ac_cmd == AC_READ) && actions_meter_index != 32'd0
                    && actions_meter_index < 32'(NUM_METERS);
  // A template with the reserved tunnel type is not written (spec 5.5): BAD_COMMAND.
  logic [nic_fmt_pkg::ENCAP_TUNNEL_W-1:0] ac_tunnel;
  logic                                   ac_tmpl_ok;
  assign ac_tunnel  =
      actions_encap_data[nic_fmt_pkg::ENCAP_TUNNEL_LSB +: nic_fmt_pkg::ENCAP_TUNNEL_W];
  assign ac_tmpl_ok = ac_tunnel == nic_fmt_pkg::ENCAP_TUNNEL_VXLAN ||
                      ac_tunnel == nic_fmt_pkg::ENCAP_TUNNEL_NVGRE ||
                      ac_tunnel == nic_fmt_pkg::ENCAP_TUNNEL_GENEVE;
  assign ac_e_ok  = (ac_cmd == AC_READ || (ac_cmd == AC_WRITE && ac_tmpl_ok)) &&
                    actions_encap_index != 32'd0 && actions_encap_index < 32'(NUM_ENCAP);
  assign ac_enc_wr = ac_start && !ac_meter && ac_e_ok && ac_cmd == AC_WRITE;
  assign ac_enc_rd = ac_start && !ac_meter && ac_e_ok && ac_cmd == AC_READ;
  assign ac_m_rsp  = ac_st_q == A_MRSP && m_meter_rsp_valid;

  always_comb begin
    ac_st_d         = ac_st_q;
    ac_op_d         = ac_op_q;
    ac_idx_d        = ac_idx_q;
    ac_rate_d       = ac_rate_q;
    ac_burst_d      = ac_burst_q;
    ac_code_d       = ac_code_q;
    ac_tokens_d     = ac_tokens_q;
    case (ac_st_q)
      A_IDLE: begin
        if (ac_start) begin
          if (ac_meter && ac_m_ok) begin
            ac_st_d    = A_MREQ;
            ac_op_d    = ac_cmd;
            ac_idx_d   = actions_meter_index[15:0];
            ac_rate_d  = actions_meter_rate;
            ac_burst_d = actions_meter_burst;
          end else if (ac_enc_wr) begin
            ac_code_d = ST_OK;
          end else if (ac_enc_rd) begin
            ac_st_d = A_ERD;
          end else begin
            ac_code_d = ST_BAD;
          end
        end
      end
      A_MREQ: begin
        if (m_meter_cmd_ready) begin
          ac_st_d = A_MRSP;
        end
      end
      A_MRSP: begin
        if (m_meter_rsp_valid) begin
          ac_st_d   = A_IDLE;
          ac_code_d = m_meter_rsp_status;
          if (ac_op_q == AC_READ && m_meter_rsp_status == ST_OK) begin
            ac_tokens_d = m_meter_rsp_tokens;
          end
        end
      end
      default: begin  // A_ERD: the template read (two clocks)
        if (m_encap_rd_data_valid) begin
          ac_st_d   = A_IDLE;
          ac_code_d = ST_OK;
        end
      end
    endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      ac_st_q       <= A_IDLE;
      ac_code_q     <= 8'd0;
      ac_tokens_q   <= 32'd0;
    end else begin
      ac_st_q       <= ac_st_d;
      ac_code_q     <= ac_code_d;
      ac_tokens_q   <= ac_tokens_d;
    end
  end
  always_ff @(posedge clk) begin
    ac_op_q         <= ac_op_d;
    ac_idx_q        <= ac_idx_d;
    ac_rate_q       <= ac_rate_d;
    ac_burst_q      <= ac_burst_d;
  end

  logic ac_m_read_ok, ac_e_read_done;
  assign ac_m_read_ok   = ac_m_rsp && ac_op_q == AC_READ && m_meter_rsp_status == ST_OK;
  assign ac_e_read_done = ac_st_q == A_ERD && m_encap_rd_data_valid;

  assign m_meter_cmd_valid = ac_st_q == A_MREQ;
  assign m_meter_cmd_op    = ac_op_q;
  assign m_meter_cmd_index = ac_idx_q;
  assign m_meter_cmd_rate  = ac_rate_q;
  assign m_meter_cmd_burst = ac_burst_q;
  assign m_meter_rsp_ready = ac_st_q == A_MRSP;

  assign m_encap_wr_valid = ac_enc_wr;
  assign m_encap_wr_index = actions_encap_index[15:0];
  assign m_encap_wr_data  = actions_encap_data & ENC_KEEP;
  assign m_encap_rd_valid = ac_enc_rd;
  assign m_encap_rd_index = actions_encap_index[15:0];

  assign actions_meter_rate_hw_we     = ac_m_read_ok;
  assign actions_meter_rate_hw_wdata  = m_meter_rsp_rate;
  assign actions_meter_burst_hw_we    = ac_m_read_ok;
  assign actions_meter_burst_hw_wdata = m_meter_rsp_burst;
  assign actions_meter_tokens         = ac_tokens_q;
  assign actions_act_status           = {(!ac_idle || acq_valid), ac_ovr_q, 22'd0, ac_code_q};
  assign actions_encap_data_hw_we     = {16{ac_e_read_done}};
  assign actions_encap_data_hw_wdata  = m_encap_rd_data;

  logic unused;
  assign unused = ^{flow_ft_key[351:8 * KB], tcam_tcam_prio[31:16],
                    unused_ftq_cnt, unused_tcq_cnt, unused_acq_cnt};

endmodule

`default_nettype wire
