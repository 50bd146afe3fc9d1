// SPDX-License-Identifier: MIT
// action_edit: the header transposition of the action engine (spec 5.2 steps 3-7, 5.3, 5.5):
// decap, IPv4/IPv6 address and TCP/UDP port rewrite, TTL / hop limit decrement with the
// incremental IPv4 header and L4 checksum updates, MAC rewrite, VLAN pop / push / rewrite, and
// VXLAN encap from a template. Bit-exact with the model's Transposer::apply; the TTL expiry
// test is the caller's.
//
//   s_meta (action record + parse of the level the edits act on, decap length, frame length,
//   h1, encap template; one per frame)
//      |--> action_hdr_calc --overlays, checksum sums--+
//      |--> action_encap_hdr --header--> [hdr FIFO] ---|-----------------------------------+
//                                                      v                                   v
//   s_axis --> axis_byte_strip --> action_csum_fold --> [s1: beat, overlays] --> patch lanes
//   (decap: drop decap_len bytes)    --> [s2] --> action_vlan_shift --> axis_byte_prepend -->
//                                                                     (encap header)
//                                                 axis_pipe_reg --> m_axis
//
// s_meta is taken with the first beat of its frame (s_meta_ready is high in that clock only).
// s_meta_info describes the level the edits act on (level 1 after a decap, else level 0), with
// offsets relative to the frame after the decap. Latency: 5 clocks from a beat in to its beat
// out with m_axis_tready high. Throughput: one beat per clock; a frame costs its output beats
// (or its input beats, when a decap makes it shorter). m_axis is driven from registers and
// s_axis_tready has no combinational path from m_axis_tready (the output register slice's
// ready is a flip-flop).
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
  input  wire nic_fmt_pkg::action_t  s_meta_action,
  input  wire nic_pkg::action_meta_t s_meta_info,
  input  wire [7:0]                  s_meta_decap_len,   // with decap: bytes removed
  input  wire [15:0]                 s_meta_frame_len,   // frame length as received
  input  wire [31:0]                 s_meta_h1,          // CRC-32C of the flow key
  input  wire nic_fmt_pkg::encap_t   s_meta_encap_tmpl,  // with encap: the template

  output wire [DATA_W-1:0]           m_axis_tdata,
  output wire [KEEP_W-1:0]           m_axis_tkeep,
  output wire                        m_axis_tvalid,
  input  wire                        m_axis_tready,
  output wire                        m_axis_tlast,
  output wire [USER_W-1:0]           m_axis_tuser
);

  initial begin
    if (DATA_W < 64 || DATA_W % 64 != 0) begin
      $error("action_edit (%m): DATA_W (%0d) must be a positive multiple of 64", DATA_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("action_edit (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("action_edit (%m): USER_W (%0d) must be at least 1", USER_W);
    end
  end

  localparam int OVL_W   = 16*8 + 16 + 40*8 + 40 + 18*8 + 18 + 8 + 8 + 2 + 16;
  localparam int CS_W    = nic_pkg::ACTION_CSUM_W;    // action_hdr_calc's checksum half
  localparam int SB_W    = CS_W + OVL_W;              // the strip's side band
  localparam int HDR_B   = nic_pkg::ENC_HDR_MAX;
  localparam int HLEN_W  = 7;
  localparam int FIFO_W  = HLEN_W + 8*HDR_B;
  // Encap headers between s_meta and axis_byte_prepend: one per frame in flight there (strip,
  // s1, s2, the VLAN shifter's beat and extra beat, the frame being accepted); 8 never stalls.
  localparam int FIFO_AW = 3;

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
  nic_pkg::action_csum_t    calc_csum;
  logic [SB_W-1:0]          calc_sb;

  // The package's width of action_csum_t (Yosys 0.23 has no $bits of a type).
  initial begin
    if ($bits(calc_csum) != nic_pkg::ACTION_CSUM_W) begin
      $error("action_edit (%m): nic_pkg::ACTION_CSUM_W (%0d) is not $bits(action_csum_t) (%0d)",
             nic_pkg::ACTION_CSUM_W, $bits(calc_csum));
    end
  end

  // Encap header of the frame at s_meta.
  logic                     meta_decap, meta_encap;
  logic [15:0]              inner_len, vlan_adj;
  logic [8*HDR_B-1:0]       enc_hdr;
  logic [6:0]               enc_len;
  // The encap header is built in action_encap_hdr's register stage and written to the FIFO a
  // clock after s_meta (eh_valid), so the length arithmetic and the IPv4 checksum are not one
  // path with the parse fields of s_meta.
  logic                     eh_valid;
  logic                     eh_encap_q;

  // Header FIFO (reset: pointers).
  logic [FIFO_W-1:0]        fifo_mem [1 << FIFO_AW];
  logic [FIFO_AW:0]         fifo_wp_q, fifo_rp_q;
  logic                     fifo_full, fifo_empty, fifo_push, fifo_pop;
  logic [FIFO_AW:0]         fifo_used;              // entries + the staged header
  logic [FIFO_W-1:0]        fifo_head;

  // Control state (reset).
  logic                     in_frame_q, in_frame_d;  // s_meta of the current frame taken
  logic [15:0]              off_q, off_d;            // byte offset of the next s1 beat
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

  // Decap (axis_byte_strip) output.
  logic                     st_s_valid, st_s_ready;
  logic [7:0]               st_s_len;
  logic [DATA_W-1:0]        st_tdata;
  logic [KEEP_W-1:0]        st_tkeep;
  logic                     st_tvalid;
  logic                     st_tlast;
  logic [USER_W-1:0]        st_tuser;
  logic [SB_W-1:0]          st_sb;
  // The strip's side band, unpacked, and the overlays with the checksums (action_csum_fold).
  nic_pkg::action_csum_t    st_csum;
  logic [OVL_W-1:0]         st_ovl_raw, st_ovl;
  logic [16*8-1:0]          st_l2_ovl;
  logic [15:0]              st_l2_msk;
  logic [40*8-1:0]          st_l3_ovl, st_l3_fold;
  logic [39:0]              st_l3_msk;
  logic [18*8-1:0]          st_l4_ovl, st_l4_fold;
  logic [17:0]              st_l4_msk;
  logic [7:0]               st_l3_off, st_l4_off;
  logic [1:0]               st_op;
  logic [15:0]              st_tci;

  logic                     sh_tready;
  logic [DATA_W-1:0]        sh_tdata;
  logic [KEEP_W-1:0]        sh_tkeep;
  logic                     sh_tvalid;
  logic                     sh_tlast;
  logic [USER_W-1:0]        sh_tuser;
  logic [DATA_W-1:0]        pp_tdata;
  logic [KEEP_W-1:0]        pp_tkeep;
  logic                     pp_tvalid;
  logic                     pp_tlast;
  logic [USER_W-1:0]        pp_tuser;
  logic                     pr_tready;
  logic                     sh_m_ready, pp_hdr_valid, pp_hdr_ready;

  logic                     s1_ready, s2_ready, s_fire, st_fire, s1_move, s2_move, meta_ok;
  logic [15:0]              lane_off, rel3, rel4;
  logic                     unused_modifies;

  action_hdr_calc u_calc (
    .action      (s_meta_action),
    .info        (s_meta_info),
    .modifies    (calc_modifies),
    .shift_op    (calc_shift_op),
    .vlan_tci    (calc_vlan_tci),
    .l2_ovl      (calc_l2_ovl),
    .l2_msk      (calc_l2_msk),
    .l3_ovl      (calc_l3_ovl),
    .l3_msk      (calc_l3_msk),
    .l4_ovl      (calc_l4_ovl),
    .l4_msk      (calc_l4_msk),
    .csum        (calc_csum)
  );

  // A frame that modifies nothing has all masks clear and shift_op none.
  assign unused_modifies = calc_modifies;
  assign calc_sb = {calc_csum,
                    calc_l2_ovl, calc_l2_msk, calc_l3_ovl, calc_l3_msk, calc_l4_ovl,
                    calc_l4_msk, s_meta_info.l3_off, s_meta_info.l4_off, calc_shift_op,
                    calc_vlan_tci};

  // The checksums, folded from the strip's side-band register (the second half of the
  // calculation, so neither half is one long path).
  assign {st_csum, st_ovl_raw} = st_sb;
  assign {st_l2_ovl, st_l2_msk, st_l3_ovl, st_l3_msk, st_l4_ovl, st_l4_msk, st_l3_off,
          st_l4_off, st_op, st_tci} = st_ovl_raw;

  action_csum_fold u_fold (
    .csum        (st_csum),
    .l3_ovl_in   (st_l3_ovl),
    .l4_ovl_in   (st_l4_ovl),
    .l3_ovl      (st_l3_fold),
    .l4_ovl      (st_l4_fold)
  );

  assign st_ovl = {st_l2_ovl, st_l2_msk, st_l3_fold, st_l3_msk, st_l4_fold, st_l4_msk,
                   st_l3_off, st_l4_off, st_op, st_tci};

  // Spec 5.5: the lengths count the frame after the decap and the VLAN op.
  always_comb begin
    meta_decap = s_meta_action.flags.decap;
    meta_encap = s_meta_action.flags.encap;
    case (calc_shift_op)
      nic_fmt_pkg::VLAN_OP_PUSH: vlan_adj = 16'd4;
      nic_fmt_pkg::VLAN_OP_POP:  vlan_adj = 16'hFFFC;  // -4 modulo 2^16
      default:                   vlan_adj = 16'd0;
    endcase
    // One expression (a three-operand sum for synthesis), not two adds one after the other.
    inner_len  = s_meta_frame_len - (meta_decap ? {8'd0, s_meta_decap_len} : 16'd0) + vlan_adj;
  end

  always_ff @(posedge clk) begin
    if (fifo_push) begin
      eh_encap_q <= meta_encap;
    end
  end

  action_encap_hdr u_encap_hdr (
    .clk          (clk),
    .rst          (rst),
    .in_valid     (fifo_push),
    .in_tpl       (s_meta_encap_tmpl),
    .in_inner_len (inner_len),
    .in_h1        (s_meta_h1),
    .out_valid    (eh_valid),
    .hdr          (enc_hdr),
    .hdr_len      (enc_len)
  );

  // Header FIFO: written a clock after s_meta, from the stage (hdr_len 0 without encap), read
  // by axis_byte_prepend, which reaches the frame's first beat 3 or more clocks after s_meta.
  // Full counts the staged header: the stage never holds one the FIFO has no room for.
  always_comb begin
    fifo_used  = (fifo_wp_q - fifo_rp_q) + (FIFO_AW+1)'(eh_valid);
    fifo_full  = fifo_used[FIFO_AW];
    fifo_empty = fifo_wp_q == fifo_rp_q;
    fifo_head  = fifo_mem[fifo_rp_q[FIFO_AW-1:0]];
  end

  always_ff @(posedge clk) begin
    if (eh_valid) begin
      fifo_mem[fifo_wp_q[FIFO_AW-1:0]] <= {eh_encap_q ? enc_len : 7'd0, enc_hdr};
    end
    if (rst) begin
      fifo_wp_q <= '0;
      fifo_rp_q <= '0;
    end else begin
      fifo_wp_q <= fifo_wp_q + (FIFO_AW+1)'(eh_valid);
      fifo_rp_q <= fifo_rp_q + (FIFO_AW+1)'(fifo_pop);
    end
  end

  // Input: s_meta with the first beat; the decap length goes to the strip with it.
  // (Separate assigns: one always block per handshake would look like a loop to Verilator.)
  assign meta_ok       = s_meta_valid && !fifo_full;
  assign st_s_valid    = s_axis_tvalid && (in_frame_q || meta_ok);
  assign st_s_len      = meta_decap ? s_meta_decap_len : 8'd0;
  assign s_axis_tready = st_s_ready && (in_frame_q || meta_ok);
  assign s_meta_ready  = st_s_ready && !in_frame_q && s_axis_tvalid && !fifo_full;
  assign s_fire        = s_axis_tvalid && s_axis_tready;
  assign fifo_push     = s_fire && !in_frame_q;
  assign in_frame_d    = s_fire ? !s_axis_tlast : in_frame_q;

  axis_byte_strip #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W),
    .LEN_W  (8),
    .SB_W   (SB_W)
  ) u_decap (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (s_axis_tdata),
    .s_axis_tkeep  (s_axis_tkeep),
    .s_axis_tvalid (st_s_valid),
    .s_axis_tready (st_s_ready),
    .s_axis_tlast  (s_axis_tlast),
    .s_axis_tuser  (s_axis_tuser),
    .s_axis_len    (st_s_len),
    .s_axis_sb     (calc_sb),
    .m_axis_tdata  (st_tdata),
    .m_axis_tkeep  (st_tkeep),
    .m_axis_tvalid (st_tvalid),
    .m_axis_tready (s1_ready),
    .m_axis_tlast  (st_tlast),
    .m_axis_tuser  (st_tuser),
    .m_axis_sb     (st_sb)
  );

  // Handshakes: s2 -> shifter, s1 -> s2, strip -> s1.
  assign s2_ready = !s2_valid_q || sh_tready;
  assign s2_move  = s2_valid_q && sh_tready;
  assign s1_ready = !s1_valid_q || s2_ready;
  assign s1_move  = s1_valid_q && s2_ready;
  assign st_fire  = st_tvalid && s1_ready;

  always_comb begin
    {s1_l2_ovl, s1_l2_msk, s1_l3_ovl, s1_l3_msk, s1_l4_ovl, s1_l4_msk, s1_l3_off, s1_l4_off,
     s1_op, s1_tci} = s1_ovl_q;

    off_d      = off_q;
    s1_valid_d = s1_valid_q && !s1_move;
    s1_data_d  = s1_data_q;
    s1_keep_d  = s1_keep_q;
    s1_last_d  = s1_last_q;
    s1_user_d  = s1_user_q;
    s1_off_d   = s1_off_q;
    s1_ovl_d   = s1_ovl_q;
    if (st_fire) begin
      // Saturates: bytes past 64 KiB are never edited.
      off_d      = st_tlast ? 16'd0 :
                   (off_q > 16'hFFFF - 16'(KEEP_W) ? off_q : off_q + 16'(KEEP_W));
      s1_valid_d = 1'b1;
      s1_data_d  = st_tdata;
      s1_keep_d  = st_tkeep;
      s1_last_d  = st_tlast;
      s1_user_d  = st_tuser;
      s1_off_d   = off_q;
      s1_ovl_d   = st_ovl;  // constant over the frame
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
    .m_axis_tready   (sh_m_ready),
    .m_axis_tlast    (sh_tlast),
    .m_axis_tuser    (sh_tuser)
  );

  // Encap: the header from the FIFO in front of the frame (hdr_len 0: pass).
  assign fifo_pop = pp_hdr_valid && pp_hdr_ready;
  assign pp_hdr_valid = !fifo_empty;

  axis_byte_prepend #(
    .DATA_W    (DATA_W),
    .KEEP_W    (KEEP_W),
    .USER_W    (USER_W),
    .HDR_BYTES (HDR_B),
    .HLEN_W    (HLEN_W)
  ) u_encap (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (sh_tdata),
    .s_axis_tkeep  (sh_tkeep),
    .s_axis_tvalid (sh_tvalid),
    .s_axis_tready (sh_m_ready),
    .s_axis_tlast  (sh_tlast),
    .s_axis_tuser  (sh_tuser),
    .s_hdr_valid   (pp_hdr_valid),
    .s_hdr_ready   (pp_hdr_ready),
    .s_hdr_data    (fifo_head[8*HDR_B-1:0]),
    .s_hdr_len     (fifo_head[FIFO_W-1 -: HLEN_W]),
    .m_axis_tdata  (pp_tdata),
    .m_axis_tkeep  (pp_tkeep),
    .m_axis_tvalid (pp_tvalid),
    .m_axis_tready (pr_tready),
    .m_axis_tlast  (pp_tlast),
    .m_axis_tuser  (pp_tuser)
  );

  axis_pipe_reg #(
    .DATA_W (DATA_W),
    .KEEP_W (KEEP_W),
    .USER_W (USER_W)
  ) u_out_reg (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (pp_tdata),
    .s_axis_tkeep  (pp_tkeep),
    .s_axis_tvalid (pp_tvalid),
    .s_axis_tready (pr_tready),
    .s_axis_tlast  (pp_tlast),
    .s_axis_tuser  (pp_tuser),
    .m_axis_tdata  (m_axis_tdata),
    .m_axis_tkeep  (m_axis_tkeep),
    .m_axis_tvalid (m_axis_tvalid),
    .m_axis_tready (m_axis_tready),
    .m_axis_tlast  (m_axis_tlast),
    .m_axis_tuser  (m_axis_tuser)
  );

endmodule

`default_nettype wire
