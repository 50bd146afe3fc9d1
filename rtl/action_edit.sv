// SPDX-License-Identifier: MIT
// action_edit: the header edits of the action engine that keep or shift the frame by a fixed
// amount (spec 5.2 steps 4-6, 5.3): IPv4/IPv6 address and TCP/UDP port rewrite, TTL / hop
// limit decrement with the incremental IPv4 header and L4 checksum updates, MAC rewrite, VLAN
// pop / push / rewrite. Bit-exact with the model's Transposer::apply for actions without
// decap and encap (those flags are ignored here); the TTL expiry test is the caller's.
//
//   s_meta (action record + parse of the frame, one per frame) --> action_hdr_calc
//                                                                        | overlays
//   s_axis --> [s1: beat + overlays] --> patch lanes --> [s2] --> action_vlan_shift -->
//              axis_pipe_reg --> m_axis
//
// s_meta is taken with the first beat of its frame (s_meta_ready is high in that clock only).
// Latency: 4 clocks from a beat in to its beat out with m_axis_tready high. Throughput: one
// beat per clock; a VLAN push adds one beat to a frame whose last beat has more than
// KEEP_W-4 bytes. m_axis is driven from registers.
`resetall
`timescale 1ns/1ps
`default_nettype none

module action_edit #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 1
) (
  input  wire                        clk,
  input  wire                        rst,

  input  wire [DATA_W-1:0]           s_axis_tdata,
  input  wire [KEEP_W-1:0]           s_axis_tkeep,
  input  wire                        s_axis_tvalid,
  output logic                       s_axis_tready,
  input  wire                        s_axis_tlast,
  input  wire [USER_W-1:0]           s_axis_tuser,

  input  wire                        s_meta_valid,
  output logic                       s_meta_ready,
  input  wire nic_pkg::action_t      s_meta_action,
  input  wire nic_pkg::action_meta_t s_meta_info,

  output wire [DATA_W-1:0]           m_axis_tdata,
  output wire [KEEP_W-1:0]           m_axis_tkeep,
  output wire                        m_axis_tvalid,
  input  wire                        m_axis_tready,
  output wire                        m_axis_tlast,
  output wire [USER_W-1:0]           m_axis_tuser
);

  initial begin
    if (DATA_W < 64 || DATA_W % 64 != 0) begin
      $error("action_edit: DATA_W (%0d) must be a positive multiple of 64", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("action_edit: KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("action_edit: USER_W (%0d) must be at least 1", USER_W);
    end
  end

  localparam int OVL_W = 16*8 + 16 + 40*8 + 40 + 18*8 + 18 + 8 + 8 + 2 + 16;

  // Overlays of the frame at s_meta (action_hdr_calc outputs).
  logic                     calc_modifies;
  logic [1:0]               calc_shift_op;
  logic [15:0]              calc_vlan_tci;
  logic [16*8-1:0]          calc_l2_ovl;
  logic [15:0]              calc_l2_msk;
  logic [40*8-1:0]          calc_l3_ovl;
  logic [39:0]              calc_l3_msk;
  logic [18*8-1:0]          calc_l4_ovl;
  logic [17:0]              calc_l4_msk;

  // Control state (reset).
  logic                     in_frame_q, in_frame_d;  // s_meta of the current frame taken
  logic [15:0]              off_q, off_d;            // byte offset of the next input beat
  logic                     s1_valid_q, s1_valid_d;
  logic                     s2_valid_q, s2_valid_d;
  // Data path (not reset).
  logic [DATA_W-1:0]        s1_data_q, s1_data_d;
  logic [KEEP_W-1:0]        s1_keep_q, s1_keep_d;
  logic                     s1_last_q, s1_last_d;
  logic [USER_W-1:0]        s1_user_q, s1_user_d;
  logic [15:0]              s1_off_q, s1_off_d;
  logic [OVL_W-1:0]         s1_ovl_q, s1_ovl_d;      // overlays of the frame in s1
  logic [DATA_W-1:0]        s2_data_q, s2_data_d;
  logic [KEEP_W-1:0]        s2_keep_q, s2_keep_d;
  logic                     s2_last_q, s2_last_d;
  logic [USER_W-1:0]        s2_user_q, s2_user_d;
  logic [1:0]               s2_op_q, s2_op_d;
  logic [15:0]              s2_tci_q, s2_tci_d;

  // s1 overlays, unpacked.
  logic [16*8-1:0]          s1_l2_ovl;
  logic [15:0]              s1_l2_msk;
  logic [40*8-1:0]          s1_l3_ovl;
  logic [39:0]              s1_l3_msk;
  logic [18*8-1:0]          s1_l4_ovl;
  logic [17:0]              s1_l4_msk;
  logic [7:0]               s1_l3_off;
  logic [7:0]               s1_l4_off;
  logic [1:0]               s1_op;
  logic [15:0]              s1_tci;

  logic                     sh_tready;
  logic [DATA_W-1:0]        sh_tdata;
  logic [KEEP_W-1:0]        sh_tkeep;
  logic                     sh_tvalid;
  logic                     sh_tlast;
  logic [USER_W-1:0]        sh_tuser;
  logic                     pr_tready;

  logic                     s1_ready, s2_ready, s_fire, s1_move, s2_move;
  logic [15:0]              lane_off, rel3, rel4;
  logic                     unused_modifies;

  action_hdr_calc u_calc (
    .action   (s_meta_action),
    .info     (s_meta_info),
    .modifies (calc_modifies),
    .shift_op (calc_shift_op),
    .vlan_tci (calc_vlan_tci),
    .l2_ovl   (calc_l2_ovl),
    .l2_msk   (calc_l2_msk),
    .l3_ovl   (calc_l3_ovl),
    .l3_msk   (calc_l3_msk),
    .l4_ovl   (calc_l4_ovl),
    .l4_msk   (calc_l4_msk)
  );

  // A frame that modifies nothing has all masks clear and shift_op none.
  assign unused_modifies = calc_modifies;

  always_comb begin
    {s1_l2_ovl, s1_l2_msk, s1_l3_ovl, s1_l3_msk, s1_l4_ovl, s1_l4_msk, s1_l3_off, s1_l4_off,
     s1_op, s1_tci} = s1_ovl_q;

    // Handshakes: s2 -> shifter, s1 -> s2, s_axis (+ s_meta on a first beat) -> s1.
    s2_ready      = !s2_valid_q || sh_tready;
    s2_move       = s2_valid_q && sh_tready;
    s1_ready      = !s1_valid_q || s2_ready;
    s1_move       = s1_valid_q && s2_ready;
    s_axis_tready = s1_ready && (in_frame_q || s_meta_valid);
    s_meta_ready  = s1_ready && !in_frame_q && s_axis_tvalid;
    s_fire        = s_axis_tvalid && s_axis_tready;

    in_frame_d = in_frame_q;
    off_d      = off_q;
    s1_valid_d = s1_valid_q && !s1_move;
    s1_data_d  = s1_data_q;
    s1_keep_d  = s1_keep_q;
    s1_last_d  = s1_last_q;
    s1_user_d  = s1_user_q;
    s1_off_d   = s1_off_q;
    s1_ovl_d   = s1_ovl_q;
    if (s_fire) begin
      in_frame_d = !s_axis_tlast;
      // Saturates: bytes past 64 KiB are never edited.
      off_d      = s_axis_tlast ? 16'd0 :
                   (off_q > 16'hFFFF - 16'(KEEP_W) ? off_q : off_q + 16'(KEEP_W));
      s1_valid_d = 1'b1;
      s1_data_d  = s_axis_tdata;
      s1_keep_d  = s_axis_tkeep;
      s1_last_d  = s_axis_tlast;
      s1_user_d  = s_axis_tuser;
      s1_off_d   = off_q;
      if (!in_frame_q) begin
        s1_ovl_d = {calc_l2_ovl, calc_l2_msk, calc_l3_ovl, calc_l3_msk, calc_l4_ovl,
                    calc_l4_msk, s_meta_info.l3_off, s_meta_info.l4_off, calc_shift_op,
                    calc_vlan_tci};
      end
    end

    // s1 -> s2: replace the bytes the overlays cover.
    s2_valid_d = (s2_valid_q && !s2_move) || s1_move;
    s2_data_d  = s2_data_q;
    s2_keep_d  = s2_keep_q;
    s2_last_d  = s2_last_q;
    s2_user_d  = s2_user_q;
    s2_op_d    = s2_op_q;
    s2_tci_d   = s2_tci_q;
    lane_off   = '0;
    rel3       = '0;
    rel4       = '0;
    if (s1_move) begin
      s2_keep_d = s1_keep_q;
      s2_last_d = s1_last_q;
      s2_user_d = s1_user_q;
      s2_op_d   = s1_op;
      s2_tci_d  = s1_tci;
      for (int i = 0; i < KEEP_W; i++) begin
        lane_off = s1_off_q + 16'(i);
        rel3     = lane_off - {8'd0, s1_l3_off};
        rel4     = lane_off - {8'd0, s1_l4_off};
        s2_data_d[8*i +: 8] = s1_data_q[8*i +: 8];
        if (lane_off < 16'd16 && s1_l2_msk[lane_off[3:0]]) begin
          s2_data_d[8*i +: 8] = s1_l2_ovl[8*lane_off[3:0] +: 8];
        end
        if (rel3 < 16'd40 && s1_l3_msk[rel3[5:0]]) begin
          s2_data_d[8*i +: 8] = s1_l3_ovl[8*rel3[5:0] +: 8];
        end
        if (rel4 < 16'd18 && s1_l4_msk[rel4[4:0]]) begin
          s2_data_d[8*i +: 8] = s1_l4_ovl[8*rel4[4:0] +: 8];
        end
      end
    end
  end

  always_ff @(posedge clk) begin
    s1_data_q <= s1_data_d;
    s1_keep_q <= s1_keep_d;
    s1_last_q <= s1_last_d;
    s1_user_q <= s1_user_d;
    s1_off_q  <= s1_off_d;
    s1_ovl_q  <= s1_ovl_d;
    s2_data_q <= s2_data_d;
    s2_keep_q <= s2_keep_d;
    s2_last_q <= s2_last_d;
    s2_user_q <= s2_user_d;
    s2_op_q   <= s2_op_d;
    s2_tci_q  <= s2_tci_d;
    if (rst) begin
      in_frame_q <= 1'b0;
      off_q      <= 16'd0;
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      in_frame_q <= in_frame_d;
      off_q      <= off_d;
      s1_valid_q <= s1_valid_d;
      s2_valid_q <= s2_valid_d;
    end
  end

  action_vlan_shift #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W)
  ) u_shift (
    .clk             (clk),
    .rst             (rst),
    .s_axis_tdata    (s2_data_q),
    .s_axis_tkeep    (s2_keep_q),
    .s_axis_tvalid   (s2_valid_q),
    .s_axis_tready   (sh_tready),
    .s_axis_tlast    (s2_last_q),
    .s_axis_tuser    (s2_user_q),
    .s_axis_vlan_op  (s2_op_q),
    .s_axis_vlan_tci (s2_tci_q),
    .m_axis_tdata    (sh_tdata),
    .m_axis_tkeep    (sh_tkeep),
    .m_axis_tvalid   (sh_tvalid),
    .m_axis_tready   (pr_tready),
    .m_axis_tlast    (sh_tlast),
    .m_axis_tuser    (sh_tuser)
  );

  axis_pipe_reg #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W)
  ) u_out_reg (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (sh_tdata),
    .s_axis_tkeep  (sh_tkeep),
    .s_axis_tvalid (sh_tvalid),
    .s_axis_tready (pr_tready),
    .s_axis_tlast  (sh_tlast),
    .s_axis_tuser  (sh_tuser),
    .m_axis_tdata  (m_axis_tdata),
    .m_axis_tkeep  (m_axis_tkeep),
    .m_axis_tvalid (m_axis_tvalid),
    .m_axis_tready (m_axis_tready),
    .m_axis_tlast  (m_axis_tlast),
    .m_axis_tuser  (m_axis_tuser)
  );

endmodule

`default_nettype wire
