// SPDX-License-Identifier: MIT
// action_vlan_shift: VLAN push / pop on an AXI4-Stream frame: inserts a 4-byte 0x8100 tag at
// byte 12 (after the source MAC), or removes bytes 12..15 (the outermost tag), shifting the rest
// of the frame by 4 bytes across beat boundaries. The operation travels with every beat
// (s_axis_vlan_op, s_axis_vlan_tci, constant over a frame).
//
//   push: out[k] = in[k] (k < 12), tag (12 <= k < 16), in[k-4]; one more beat at the end when
//         the last input beat has more than KEEP_W-4 bytes (carry register c).
//   pop:  out[k] = in[k] (k < 12), in[k+4]; an output beat takes the first 4 bytes of the next
//         input beat (look-ahead on s_axis), and swallows it when that is the whole of it.
//
// One register stage `h` (the beat being emitted). Full throughput: a beat leaves and the next
// enters in the same clock; a push only costs the extra beat it adds. m_axis is combinational
// from the registers and, for a pop, from s_axis (place a register slice after it); s_axis_tready
// depends on m_axis_tready and, for a pop, on s_axis_tvalid. Frames must be at least 12 bytes
// (a pop: tagged, at least 16); shorter ones pass without hanging.
`resetall
`timescale 1ns/1ps
`default_nettype none

module action_vlan_shift #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 1
) (
  input  wire              clk,
  input  wire              rst,

  input  wire [DATA_W-1:0] s_axis_tdata,
  input  wire [KEEP_W-1:0] s_axis_tkeep,
  input  wire              s_axis_tvalid,
  output logic             s_axis_tready,
  input  wire              s_axis_tlast,
  input  wire [USER_W-1:0] s_axis_tuser,
  input  wire [1:0]        s_axis_vlan_op,   // nic_fmt_pkg::VLAN_OP_NONE / _POP / _PUSH
  input  wire [15:0]       s_axis_vlan_tci,

  output logic [DATA_W-1:0] m_axis_tdata,
  output logic [KEEP_W-1:0] m_axis_tkeep,
  output logic              m_axis_tvalid,
  input  wire               m_axis_tready,
  output logic              m_axis_tlast,
  output logic [USER_W-1:0] m_axis_tuser
);

  initial begin
    if (DATA_W < 64 || DATA_W % 64 != 0) begin
      $error("action_vlan_shift (%m): DATA_W (%0d) must be a positive multiple of 64", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("action_vlan_shift (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("action_vlan_shift (%m): USER_W (%0d) must be at least 1", USER_W);
    end
  end

  // Control state (reset).
  logic              h_valid_q, h_valid_d;
  logic              fl_valid_q, fl_valid_d;   // push: the extra last beat (from c) is due
  logic [1:0]        in_idx_q, in_idx_d;       // index of the next input beat, saturating at 2
  // Data path (not reset).
  logic [DATA_W-1:0] h_data_q, h_data_d;
  logic [KEEP_W-1:0] h_keep_q, h_keep_d;
  logic              h_last_q, h_last_d;
  logic [USER_W-1:0] h_user_q, h_user_d;
  logic [1:0]        h_op_q, h_op_d;
  logic [15:0]       h_tci_q, h_tci_d;
  logic [1:0]        h_idx_q, h_idx_d;         // beat index in the frame, saturating at 2
  logic [31:0]       c_data_q, c_data_d;       // push: last 4 bytes of the previous beat
  logic [3:0]        c_keep_q, c_keep_d;
  logic [USER_W-1:0] c_user_q, c_user_d;

  logic              need_x;    // pop: this output beat takes bytes of the next input beat
  logic              swallow_x; // pop: ... and they are all of it (its last beat)
  logic              h_emit;    // the output beat, when it leaves, consumes h
  logic              m_fire, s_fire, h_free;
  logic [31:0]       tag;
  int                k;

  always_comb begin
    tag    = {h_tci_q[7:0], h_tci_q[15:8], nic_pkg::TPID_8021Q[7:0], nic_pkg::TPID_8021Q[15:8]};
    k      = 0;
    need_x = 1'b0;
    swallow_x = 1'b0;
    h_emit = 1'b0;
    m_axis_tdata  = h_data_q;
    m_axis_tkeep  = h_keep_q;
    m_axis_tlast  = h_last_q;
    m_axis_tuser  = h_user_q;
    m_axis_tvalid = 1'b0;

    if (fl_valid_q) begin
      m_axis_tdata  = '0;
      m_axis_tkeep  = '0;
      m_axis_tdata[31:0] = c_data_q;
      m_axis_tkeep[3:0]  = c_keep_q;
      m_axis_tlast  = 1'b1;
      m_axis_tuser  = c_user_q;
      m_axis_tvalid = 1'b1;
    end else if (h_valid_q) begin
      h_emit = 1'b1;
      m_axis_tvalid = 1'b1;
      case (h_op_q)
        nic_fmt_pkg::VLAN_OP_PUSH: begin
          for (int i = 0; i < KEEP_W; i++) begin
            k = {30'd0, h_idx_q} * KEEP_W + i;
            if (k < 12) begin
              m_axis_tdata[8*i +: 8] = h_data_q[8*i +: 8];
              m_axis_tkeep[i]        = h_keep_q[i];
            end else if (k < 16) begin
              m_axis_tdata[8*i +: 8] = tag[8*(k-12) +: 8];
              m_axis_tkeep[i]        = 1'b1;
            end else if (i >= 4) begin
              m_axis_tdata[8*i +: 8] = h_data_q[8*(i-4) +: 8];
              m_axis_tkeep[i]        = h_keep_q[i-4];
            end else begin
              m_axis_tdata[8*i +: 8] = c_data_q[8*i +: 8];
              m_axis_tkeep[i]        = c_keep_q[i];
            end
          end
          m_axis_tlast = h_last_q && !h_keep_q[KEEP_W-4];
        end
        nic_fmt_pkg::VLAN_OP_POP: begin
          // The beat's last 4 lanes are frame bytes >= 12: they come from the next beat.
          need_x    = !h_last_q && ({30'd0, h_idx_q} * KEEP_W + KEEP_W - 4 >= 12);
          swallow_x = need_x && s_axis_tlast && !s_axis_tkeep[4];
          m_axis_tvalid = !need_x || s_axis_tvalid;
          for (int i = 0; i < KEEP_W; i++) begin
            k = {30'd0, h_idx_q} * KEEP_W + i;
            if (k < 12) begin
              m_axis_tdata[8*i +: 8] = h_data_q[8*i +: 8];
              m_axis_tkeep[i]        = h_keep_q[i];
            end else if (i < KEEP_W - 4) begin
              m_axis_tdata[8*i +: 8] = h_data_q[8*(i+4) +: 8];
              m_axis_tkeep[i]        = h_keep_q[i+4];
            end else begin
              m_axis_tdata[8*i +: 8] = s_axis_tdata[8*(i-KEEP_W+4) +: 8];
              m_axis_tkeep[i]        = need_x && s_axis_tkeep[i-KEEP_W+4];
            end
          end
          m_axis_tlast = h_last_q || swallow_x;
          if (swallow_x) begin
            m_axis_tuser = h_user_q | s_axis_tuser;
          end
        end
        default: ;  // pass
      endcase
    end

    m_fire = m_axis_tvalid && m_axis_tready;
    h_free = !h_valid_q || (h_emit && m_fire);
    s_axis_tready = h_free;
    s_fire = s_axis_tvalid && s_axis_tready;

    h_valid_d  = h_valid_q;
    h_data_d   = h_data_q;
    h_keep_d   = h_keep_q;
    h_last_d   = h_last_q;
    h_user_d   = h_user_q;
    h_op_d     = h_op_q;
    h_tci_d    = h_tci_q;
    h_idx_d    = h_idx_q;
    c_data_d   = c_data_q;
    c_keep_d   = c_keep_q;
    c_user_d   = c_user_q;
    fl_valid_d = fl_valid_q;
    in_idx_d   = in_idx_q;

    if (m_fire && fl_valid_q) begin
      fl_valid_d = 1'b0;
    end
    if (m_fire && h_emit) begin
      h_valid_d = 1'b0;
      if (h_op_q == nic_fmt_pkg::VLAN_OP_PUSH) begin
        c_data_d   = h_data_q[DATA_W-32 +: 32];
        c_keep_d   = h_keep_q[KEEP_W-4 +: 4];
        c_user_d   = h_user_q;
        fl_valid_d = h_last_q && h_keep_q[KEEP_W-4];
      end
    end
    if (s_fire) begin
      in_idx_d = s_axis_tlast ? 2'd0 : (in_idx_q == 2'd2 ? 2'd2 : in_idx_q + 2'd1);
      if (!swallow_x) begin
        h_valid_d = 1'b1;
        h_data_d  = s_axis_tdata;
        h_keep_d  = s_axis_tkeep;
        h_last_d  = s_axis_tlast;
        h_user_d  = s_axis_tuser;
        h_op_d    = s_axis_vlan_op;
        h_tci_d   = s_axis_vlan_tci;
        h_idx_d   = in_idx_q;
      end
    end
  end

  always_ff @(posedge clk) begin
    h_data_q <= h_data_d;
    h_keep_q <= h_keep_d;
    h_last_q <= h_last_d;
    h_user_q <= h_user_d;
    h_op_q   <= h_op_d;
    h_tci_q  <= h_tci_d;
    h_idx_q  <= h_idx_d;
    c_data_q <= c_data_d;
    c_keep_q <= c_keep_d;
    c_user_q <= c_user_d;
    if (rst) begin
      h_valid_q  <= 1'b0;
      fl_valid_q <= 1'b0;
      in_idx_q   <= 2'd0;
    end else begin
      h_valid_q  <= h_valid_d;
      fl_valid_q <= fl_valid_d;
      in_idx_q   <= in_idx_d;
    end
  end

endmodule

`default_nettype wire
