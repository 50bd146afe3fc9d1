// SPDX-License-Identifier: MIT
// rx_classify: what the receive completion needs about a delivered frame (docs/rtl-rx-classify.md):
// RSS (spec 6: per-VNIC Toeplitz key, 128-entry indirection table, enable) and the completion's
// status and types bytes with the VLAN TCI (spec 7.1 bytes 12-15), for the frame as delivered.
// Reference: model completion_status() (model/src/dp/pipeline.cpp) and RssConfig::classify
// (model/src/dp/rss.cpp) over the model parser's level 0.
//
//  s_axis --(pass-through, gated while a captured frame waits)------------------------> m_axis
//     | capture (axis_head_capture): first HEAD_BYTES bytes, length, record (vport, to-VNIC,
//     | parse_err) of the first beat; word sum of [0, ip_end) over the stream (ip_end from
//     | the first 32 bytes; each beat masked a clock after it passes, summed the clock after)
//     v  load (round robin)
//   rx_classify_engine x ENGINES (level-0 walk, checksums, RSS input) -> in-order mux
//     -> p1 (Toeplitz with the VNIC's key) -> p2 (indirection entry) -> info FIFO -> m_info
//
// The RSS state (enables, keys, indirection tables) is not stored here: it is the register
// file's (nic_regfile vnic block), read through the cfg_rss_* vectors.
//
// The L4 checksum over [l4_off, ip_end) is the stream's sum of [0, ip_end) minus the head's
// sum of [0, l4_off) (exact binary sums, so the folded result equals the model's).
`resetall
`timescale 1ns/1ps
`default_nettype none

module rx_classify #(
  parameter int DATA_W     = 512,
  parameter int KEEP_W     = DATA_W / 8,
  parameter int USER_W     = 1,
  parameter int NUM_VNIC   = 8,                        // vports 1..NUM_VNIC
  parameter int ENGINES    = DATA_W >= 512 ? 4 : 2,    // header walkers, 1 to 8
  parameter int HEAD_BYTES = 256                       // bytes of each frame the walk sees
) (
  input  wire                 clk,
  input  wire                 rst,

  // Tunnel ports (TUNNEL_PORTS), as the parser's; sampled per frame by the engine.
  input  wire [15:0]          cfg_vxlan_port,
  input  wire [15:0]          cfg_geneve_port,

  // RSS configuration, straight from the register file (nic_regfile vnic block; element v is
  // vport v + 1): VNIC_CTRL.RSS_ENABLE at bit v; RSS_KEY words (element v at [v*320 +: 320],
  // word i at [32*i +: 32], key byte 0 in bits 31:24 of word 0); RSS_INDIR words (element v
  // at [v*1024 +: 1024], word i at [32*i +: 32], entry 4i+j in bits 8j+7:8j of word i).
  input  wire [NUM_VNIC-1:0]      cfg_rss_enable,
  input  wire [NUM_VNIC*320-1:0]  cfg_rss_key,
  input  wire [NUM_VNIC*1024-1:0] cfg_rss_indir,

  // Delivered frames; s_axis_vport / s_axis_to_vnic / s_axis_parse_err are sampled with the
  // first beat of a frame (destination vport, frame goes to a VNIC, record's parse_err).
  input  wire [DATA_W-1:0]    s_axis_tdata,
  input  wire [KEEP_W-1:0]    s_axis_tkeep,
  input  wire                 s_axis_tvalid,
  output wire                 s_axis_tready,
  input  wire                 s_axis_tlast,
  input  wire [USER_W-1:0]    s_axis_tuser,
  input  wire [7:0]           s_axis_vport,
  input  wire                 s_axis_to_vnic,
  input  wire                 s_axis_parse_err,

  output wire [DATA_W-1:0]    m_axis_tdata,
  output wire [KEEP_W-1:0]    m_axis_tkeep,
  output wire                 m_axis_tvalid,
  input  wire                 m_axis_tready,
  output wire                 m_axis_tlast,
  output wire [USER_W-1:0]    m_axis_tuser,

  // One record per frame, in frame order.
  output wire                 m_info_valid,
  input  wire                 m_info_ready,
  output wire [31:0]          m_info_rss_hash,    // 0 unless rss_valid
  output wire                 m_info_rss_valid,
  output wire [7:0]           m_info_rss_queue,   // index within the VNIC's queue set
  output wire [7:0]           m_info_status,      // completion byte 14 (mark_valid bit 4 is 0)
  output wire [7:0]           m_info_types,       // completion byte 15
  output wire [15:0]          m_info_vlan_tci,    // completion bytes 12-13
  output wire [15:0]          m_info_len          // frame bytes (saturated)
);

  localparam int HW        = HEAD_BYTES * 8;
  localparam int BEAT_CNT_W = $clog2(HW / DATA_W + 1);
  localparam int PTR_W     = ENGINES > 1 ? $clog2(ENGINES) : 1;
  localparam int REC_W     = 343;
  localparam int VW        = NUM_VNIC > 1 ? $clog2(NUM_VNIC) : 1;
  localparam int KEY_W     = 320;
  localparam int IND_IW    = $clog2(NUM_VNIC * 1024);  // bit index into cfg_rss_indir
  localparam int PW        = 18;                 // stream byte positions, ip_end
  localparam int INFO_W    = 32 + 1 + 8 + 8 + 8 + 16 + 16;
  localparam int FIFO_D    = 4;

  initial begin
    if (DATA_W < 16 || DATA_W % 16 != 0 || HW % DATA_W != 0) begin
      $error("rx_classify (%m): DATA_W (%0d) must be a multiple of 16 that divides %0d",
             DATA_W, HW);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("rx_classify (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("rx_classify (%m): USER_W (%0d) must be at least 1", USER_W);
    end
    if (ENGINES < 1 || ENGINES > 8) begin
      $error("rx_classify (%m): ENGINES (%0d) must be 1 to 8", ENGINES);
    end
    if (NUM_VNIC < 1 || NUM_VNIC > 254) begin
      $error("rx_classify (%m): NUM_VNIC (%0d) must be 1 to 254", NUM_VNIC);
    end
    if (HEAD_BYTES < 64 || HEAD_BYTES % 4 != 0) begin
      $error("rx_classify (%m): HEAD_BYTES (%0d) must be a multiple of 4, at least 64", HEAD_BYTES);
    end
  end

  // ---- capture and stream sum ----------------------------------------------------------------
  logic [PTR_W-1:0]      in_ptr_q, in_ptr_d;
  logic [PTR_W-1:0]      out_ptr_q, out_ptr_d;
  // The capture (axis_head_capture): the head, length and first-beat record of a frame.
  logic                  cap_full;
  logic [BEAT_CNT_W-1:0] cap_beat;
  logic                  cap_busy;
  logic [HW-1:0]         cap_buf;
  logic [15:0]           cap_len;
  logic [7:0]            cap_vport;
  logic                  cap_rss;
  logic                  cap_perr;
  logic [PW-1:0]         cap_pos_q, cap_pos_d;      // byte offset of the next beat
  logic [31:0]           cap_sum_q, cap_sum_d;      // word sum of [0, ip_end) so far

  logic                  s_fire, load;
  logic [ENGINES-1:0]    eng_ready;
  logic [255:0]          head32;                    // bytes 0..31 of the captured head
  logic                  unused_head;               // bytes the decode below does not read,
                                                    // and the capture's beat count
  logic [PW-1:0]         pos_now;
  logic [15:0]           te0, te1;
  logic [2:0]            place;                     // one-hot: 0, 1, 2 VLAN tags
  logic [7*PW-1:0]       cand_end;                  // ip_end candidates (below), c at [PW*c +: PW]
  logic [6:0]            cand_sel;                  // one-hot: the candidate that applies
  logic [31:0]           beat_sum;
  logic [KEEP_W-1:0]     lane_in;
  logic [DATA_W-1:0]     beat_words;                // s1's bytes in [0, ip_end), else 0
  // The stream sum's two stages: s1 holds the beat taken in the clock before, whose bytes
  // are in the captured head now (ip_end is decoded from the head, registers) and masks it;
  // s2 holds the masked words and sums them into cap_sum.
  logic                  s1_valid_q, s1_first_q;
  logic [DATA_W-1:0]     s1_data_q;
  logic [KEEP_W-1:0]     s1_keep_q;
  logic [PW-1:0]         s1_pos_q;                  // byte offset of the beat in the frame
  logic                  s2_valid_q, s2_first_q;
  logic [DATA_W-1:0]     s2_words_q;
  // A beat's position is a multiple of KEEP_W: lane i of the beat at m * KEEP_W is below
  // ip_end = e_hi * KEEP_W + e_lo iff e_hi > m, or e_hi == m and e_lo > i (two compares of
  // the high parts shared by the lanes, and a compare of LB bits with a constant per lane,
  // where the lanes' `pos + i < ip_end` were 64 carry compares that ABC chains).
  localparam int LB = $clog2(KEEP_W);
  logic                  end_gt, end_eq;            // e_hi > m, e_hi == m
  logic [LB-1:0]         end_lo;                    // e_lo

  // A waiting frame leaves the buffer when its engine is idle (a register).
  axis_head_capture #(
    .DATA_W     (DATA_W),
    .KEEP_W     (KEEP_W),
    .USER_W     (USER_W),
    .HEAD_BYTES (HEAD_BYTES),
    .LEN_W      (16),
    .INFO_W     (10)
  ) u_capture (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (s_axis_tdata),
    .s_axis_tkeep  (s_axis_tkeep),
    .s_axis_tvalid (s_axis_tvalid),
    .s_axis_tready (s_axis_tready),
    .s_axis_tlast  (s_axis_tlast),
    .s_axis_tuser  (s_axis_tuser),
    .s_axis_info   ({s_axis_vport, s_axis_to_vnic, s_axis_parse_err}),
    .m_axis_tdata  (m_axis_tdata),
    .m_axis_tkeep  (m_axis_tkeep),
    .m_axis_tvalid (m_axis_tvalid),
    .m_axis_tready (m_axis_tready),
    .m_axis_tlast  (m_axis_tlast),
    .m_axis_tuser  (m_axis_tuser),
    .m_head_valid  (cap_full),
    .m_head_ready  (eng_ready[in_ptr_q]),
    .m_head_data   (cap_buf),
    .m_head_len    (cap_len),
    .m_head_info   ({cap_vport, cap_rss, cap_perr}),
    .head_beat     (cap_beat),
    .in_frame      (cap_busy)
  );

  always_comb begin
    pos_now = cap_busy ? cap_pos_q : '0;

    // The first 32 bytes of the captured head, which holds s1's beat and the frame's beats
    // before it (the next beat, of this frame or the next, is written a clock later).
    head32 = cap_buf[255:0];

    // Early decode of ip_end (the same Ethernet/VLAN/IP rules as the engine; its value only
    // matters when the engine finds the IP header, and then it is the model's ip.offset +
    // ip.total_len). All its bytes (at most byte 28) precede any byte at or past a valid
    // ip_end (at least 34), and bytes before 34 are always summed: when s1's beat has a byte
    // the value may exclude, the head holds every byte the decode reads; when it has none,
    // bytes the head does not hold yet (stale ones of the frame before) do not matter.
    // Six candidates, side by side (IPv4 / IPv6 at L3 offset 14, 18, 22: l3 + total length,
    // l3 + 40 + payload length), each compared with the beat's position, and the all-ones
    // value (no IP, or an IPv6 jumbogram: every byte); the tags' decode selects one, so the
    // adds and compares do not wait for it.
    te0 = {head32[8*12 +: 8], head32[8*13 +: 8]};
    te1 = {head32[8*16 +: 8], head32[8*17 +: 8]};
    place[0] = !nic_pkg::is_tpid(te0);
    place[1] = nic_pkg::is_tpid(te0) && !nic_pkg::is_tpid(te1);
    place[2] = nic_pkg::is_tpid(te0) && nic_pkg::is_tpid(te1);
    for (int p = 0; p < 3; p++) begin
      // te_p, the EtherType after p tags, at byte 12 + 4p; the IP header at 14 + 4p.
      cand_sel[p]     = place[p] && {head32[8*(12 + 4 * p) +: 8], head32[8*(13 + 4 * p) +: 8]} ==
                        nic_pkg::ETHERTYPE_IPV4;
      cand_end[PW*p +: PW] = PW'(14 + 4 * p) +
                             PW'({head32[8*(16 + 4 * p) +: 8], head32[8*(17 + 4 * p) +: 8]});
      cand_sel[3 + p] = place[p] && {head32[8*(12 + 4 * p) +: 8], head32[8*(13 + 4 * p) +: 8]} ==
                        nic_pkg::ETHERTYPE_IPV6 &&
                        {head32[8*(18 + 4 * p) +: 8], head32[8*(19 + 4 * p) +: 8],
                         head32[8*(20 + 4 * p) +: 8]} != 24'd0;
      cand_end[PW*(3 + p) +: PW] = PW'(54 + 4 * p) +
                                   PW'({head32[8*(18 + 4 * p) +: 8], head32[8*(19 + 4 * p) +: 8]});
    end
    cand_end[PW*6 +: PW] = '1;
    cand_sel[6] = !(|cand_sel[5:0]);

    // s1's words in [0, ip_end) (the word of lanes 2k, 2k+1 is {lane 2k, lane 2k+1}), into s2.
    end_gt = 1'b0;
    end_eq = 1'b0;
    end_lo = '0;
    for (int c = 0; c < 7; c++) begin
      end_gt = end_gt | (cand_sel[c] && cand_end[PW*c + LB +: PW - LB] > s1_pos_q[PW-1:LB]);
      end_eq = end_eq | (cand_sel[c] && cand_end[PW*c + LB +: PW - LB] == s1_pos_q[PW-1:LB]);
      end_lo = end_lo | (cand_end[PW*c +: LB] & {LB{cand_sel[c]}});
    end
    for (int i = 0; i < KEEP_W; i++) begin
      lane_in[i] = s1_keep_q[i] && ((PW+1)'(s1_pos_q) + (PW+1)'(i) < (PW+1)'(34) || end_gt ||
                                    (end_eq && end_lo > LB'(i)));
    end
    for (int k = 0; k < KEEP_W / 2; k++) begin
      beat_words[16*k +: 16] = {s1_data_q[16*k +: 8] & {8{lane_in[2*k]}},
                                s1_data_q[16*k+8 +: 8] & {8{lane_in[2*k+1]}}};
    end
  end

  // Balanced tree (rtl/lib/add_tree.sv): s2's masked words.
  add_tree #(.N(KEEP_W / 2), .W(16), .OUT_W(32)) u_beat_sum (.in(s2_words_q), .sum(beat_sum));

  always_comb begin
    s_fire = s_axis_tvalid && s_axis_tready;

    cap_pos_d = cap_pos_q;
    cap_sum_d = cap_sum_q;
    in_ptr_d  = in_ptr_q;

    load = cap_full && eng_ready[in_ptr_q];
    if (load) begin
      in_ptr_d = in_ptr_q == PTR_W'(ENGINES - 1) ? '0 : in_ptr_q + 1'b1;
    end
    if (s_fire) begin
      cap_pos_d = pos_now + PW'(KEEP_W);
    end
    // s2 adds: a frame's sum is complete three clocks after its last beat passes; an engine
    // takes the frame a clock after that beat at the earliest and reads the sum two clocks
    // after it takes it. The next frame's first beat passes in the clock of that take at the
    // earliest, so it reaches the sum a clock after the engine has read it.
    if (s2_valid_q) begin
      cap_sum_d = s2_first_q ? beat_sum : cap_sum_q + beat_sum;
    end
  end

  always_ff @(posedge clk) begin
    cap_pos_q  <= cap_pos_d;
    cap_sum_q  <= cap_sum_d;
    s1_first_q <= !cap_busy;
    s1_data_q  <= s_axis_tdata;
    s1_keep_q  <= s_axis_tkeep;
    s1_pos_q   <= pos_now;
    s2_first_q <= s1_first_q;
    s2_words_q <= beat_words;
    if (rst) begin
      in_ptr_q   <= '0;
      s1_valid_q <= 1'b0;
      s2_valid_q <= 1'b0;
    end else begin
      in_ptr_q   <= in_ptr_d;
      s1_valid_q <= s_fire;
      s2_valid_q <= s1_valid_q;
    end
  end

  // ---- engines -----------------------------------------------------------------------------
  logic [ENGINES-1:0]       eng_valid;
  logic [ENGINES-1:0]       eng_oready;
  logic [ENGINES*REC_W-1:0] eng_data;
  logic                     e_valid, e_ready;
  logic [REC_W-1:0]         e_data;

  for (genvar e = 0; e < ENGINES; e++) begin : g_engine
    rx_classify_engine #(
      .HEAD_BYTES (HEAD_BYTES),
      .REC_W      (REC_W)
    ) engine (
      .clk             (clk),
      .rst             (rst),
      .cfg_vxlan_port  (cfg_vxlan_port),
      .cfg_geneve_port (cfg_geneve_port),
      .s_valid         (load && in_ptr_q == PTR_W'(e)),
      .s_ready         (eng_ready[e]),
      .s_buf           (cap_buf),
      .s_len           (cap_len),
      .s_sum           (cap_sum_q),
      .s_vport         (cap_vport),
      .s_rss           (cap_rss),
      .s_perr          (cap_perr),
      .m_valid         (eng_valid[e]),
      .m_ready         (eng_oready[e]),
      .m_data          (eng_data[e*REC_W +: REC_W])
    );
    assign eng_oready[e] = e_ready && out_ptr_q == PTR_W'(e);
  end

  assign e_valid = eng_valid[out_ptr_q];
  word_mux #(.N(ENGINES), .W(REC_W), .SEL_W(PTR_W)) u_rec_mux (
    .in  (eng_data),
    .sel (out_ptr_q),
    .out (e_data)
  );

  always_comb begin
    out_ptr_d = out_ptr_q;
    if (e_valid && e_ready) begin
      out_ptr_d = out_ptr_q == PTR_W'(ENGINES - 1) ? '0 : out_ptr_q + 1'b1;
    end
  end

  // ---- RSS pipeline: p1 (key, hash) -> p2 (indirection entry) -> info FIFO ----------------------
  logic             p1_valid_q, p1_valid_d;
  logic [REC_W-1:0] p1_q, p1_d;
  logic             p2_valid_q, p2_valid_d;
  logic [31:0]      p2_hash_q, p2_hash_d;
  logic [VW-1:0]    p2_vidx_q, p2_vidx_d;
  logic             p2_rss_q, p2_rss_d;
  logic [7:0]       p2_status_q, p2_status_d;
  logic [7:0]       p2_types_q, p2_types_d;
  logic [15:0]      p2_tci_q, p2_tci_d;
  logic [15:0]      p2_len_q, p2_len_d;
  logic             adv1;
  logic [$clog2(FIFO_D):0] fifo_cnt;
  logic             fifo_s_ready;

  // p1 record fields (rx_classify_engine m_data).
  logic             r_perr, r_vlan, r_checked, r_ipok, r_l4ok, r_hasip, r_rss;
  logic [15:0]      r_tci, r_len;
  logic [7:0]       r_types, r_vport;
  logic [287:0]     r_rss_in;
  logic [VW-1:0]    r_vidx;
  logic [VW-1:0]    r_sel;                      // VNIC whose key and table are read
  logic             r_rss_ok;
  logic [KEY_W-1:0] r_key_rf;                   // the VNIC's RSS_KEY words as stored (word 0 low)
  logic [KEY_W-1:0] r_key;                      // key byte 0 at the top (rss_toeplitz)
  logic [31:0]      r_hash;
  logic [7:0]       p2_entry;
  nic_fmt_pkg::rx_cpl_status_t r_status;        // completion byte 14 (mark_valid is rx_engine's)

  assign {r_perr, r_vlan, r_tci, r_types, r_checked, r_ipok, r_l4ok, r_hasip, r_rss_in, r_vport,
          r_rss, r_len} = p1_q;

  always_comb begin
    r_vidx   = VW'(r_vport - 8'd1);
    // Out of range (no rss_valid) reads VNIC 0, to stay inside cfg_rss_indir (no logic when
    // NUM_VNIC is a power of two).
    r_sel    = (1 << VW) == NUM_VNIC || r_vidx < VW'(NUM_VNIC) ? r_vidx : '0;
    // Key select as AND-OR with a compare per element: Yosys 0.23 maps the part-select
    // cfg_rss_key[r_vidx*KEY_W +: KEY_W] (stride 320) as a shifter, 3x the LUTs, and an
    // `if (r_vidx == v)` per element as a chain of NUM_VNIC muxes.
    r_key_rf = '0;
    for (int v = 0; v < NUM_VNIC; v++) begin
      r_key_rf = r_key_rf | (cfg_rss_key[v*KEY_W +: KEY_W] & {KEY_W{r_vidx == VW'(v)}});
    end
    for (int w = 0; w < KEY_W / 32; w++) begin
      r_key[KEY_W - 32 - 32*w +: 32] = r_key_rf[32*w +: 32];
    end
    r_rss_ok = r_rss && r_hasip && r_vport >= 8'd1 && r_vport <= 8'(NUM_VNIC) &&
               (cfg_rss_enable & (NUM_VNIC'(1) << r_vidx)) != '0;
    r_status              = '0;
    r_status.csum_checked = r_checked;
    r_status.rss_valid    = r_rss_ok;
    r_status.vlan         = r_vlan;
    r_status.l4_csum_ok   = r_l4ok;
    r_status.ip_csum_ok   = r_ipok;
    r_status.parse_err    = r_perr;
  end

  rss_toeplitz #(.IN_BYTES(36)) u_toeplitz (
    .in_data (r_rss_in),
    .key     (r_key),
    .en      (p1_valid_q && r_rss_ok),   // 0 without a hash to take
    .hash    (r_hash)
  );

  // The indirection entry {vnic, hash[6:0]}, selected from p2's registers (the p1 path ends at
  // the hash) and registered in the info FIFO.
  assign p2_entry = cfg_rss_indir[IND_IW'({p2_vidx_q, p2_hash_q[6:0], 3'b000}) +: 8];

  always_comb begin
    // p2 always moves into the FIFO; p1 moves only if the FIFO will have room for it.
    adv1    = p1_valid_q && (32'(fifo_cnt) + 32'(p2_valid_q) < FIFO_D);
    e_ready = !p1_valid_q || adv1;

    p1_valid_d = p1_valid_q;
    p1_d       = p1_q;
    if (adv1) begin
      p1_valid_d = 1'b0;
    end
    if (e_valid && e_ready) begin
      p1_valid_d = 1'b1;
      p1_d       = e_data;
    end

    p2_valid_d  = adv1;
    p2_hash_d   = p2_hash_q;
    p2_vidx_d   = p2_vidx_q;
    p2_rss_d    = p2_rss_q;
    p2_status_d = p2_status_q;
    p2_types_d  = p2_types_q;
    p2_tci_d    = p2_tci_q;
    p2_len_d    = p2_len_q;
    if (adv1) begin
      p2_hash_d   = r_hash;   // 0 unless r_rss_ok (the hash's en)
      p2_vidx_d   = r_sel;
      p2_rss_d    = r_rss_ok;
      p2_status_d = r_status;
      p2_types_d  = r_types;
      p2_tci_d    = r_tci;
      p2_len_d    = r_len;
    end
  end

  always_ff @(posedge clk) begin
    p1_q        <= p1_d;
    p2_hash_q   <= p2_hash_d;
    p2_vidx_q   <= p2_vidx_d;
    p2_rss_q    <= p2_rss_d;
    p2_status_q <= p2_status_d;
    p2_types_q  <= p2_types_d;
    p2_tci_q    <= p2_tci_d;
    p2_len_q    <= p2_len_d;
    if (rst) begin
      out_ptr_q  <= '0;
      p1_valid_q <= 1'b0;
      p2_valid_q <= 1'b0;
    end else begin
      out_ptr_q  <= out_ptr_d;
      p1_valid_q <= p1_valid_d;
      p2_valid_q <= p2_valid_d;
    end
  end

  logic [INFO_W-1:0] info_in, info_out;
  logic              unused_fifo;

  // The FIFO always has room for p2 (adv1 counts it), so its s_ready is not needed.
  assign unused_fifo = fifo_s_ready;
  assign unused_head = ^{head32[255:232], head32[127:112], head32[95:0], cap_beat};

  assign info_in = {p2_hash_q, p2_rss_q, p2_rss_q ? p2_entry : 8'd0, p2_status_q, p2_types_q,
                    p2_tci_q, p2_len_q};

  sync_fifo #(.WIDTH(INFO_W), .DEPTH(FIFO_D)) u_info (
    .clk     (clk),
    .rst     (rst),
    .s_valid (p2_valid_q),
    .s_ready (fifo_s_ready),
    .s_data  (info_in),
    .m_valid (m_info_valid),
    .m_ready (m_info_ready),
    .m_data  (info_out),
    .count   (fifo_cnt)
  );

  assign {m_info_rss_hash, m_info_rss_valid, m_info_rss_queue, m_info_status, m_info_types,
          m_info_vlan_tci, m_info_len} = info_out;

endmodule

`default_nettype wire
