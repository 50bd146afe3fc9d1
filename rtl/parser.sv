// SPDX-License-Identifier: MIT
// parser: frame parser and flow/TCAM key builder (docs/spec.md sections 2, 3 and 4.3;
// docs/rtl-parser.md).
//
// The frame passes from s_axis to m_axis unchanged (a combinational pass-through, gated only
// while the header buffer is full). The first PARSE_WINDOW bytes of each frame, its length
// and s_axis_vport (sampled with the first beat) are captured into a header buffer
// (axis_head_capture); after tlast the buffer goes to one of ENGINES parser_engine instances
// (round robin), each of
// which walks the header chain one header per clock. Their results (the records of the
// levels, nic_pkg::parser_res_t) are taken round robin, so once per frame and in frame
// order, and parser_meta builds the metadata from the one whose turn it is (parse_err, flow
// key, TCAM key, both levels as the action engine needs them: nic_pkg::parse_meta_t) on
// m_meta_*. A frame's metadata may leave before or after its last beat.
//
// Throughput: with 64-byte IPv4/TCP frames an engine needs 4 clocks per frame (3 steps and
// the hand-over), so ENGINES = 4 sustains one frame per clock at DATA_W = 512.
`resetall
`timescale 1ns/1ps
`default_nettype none

module parser #(
  parameter int DATA_W = 512,
  parameter int KEEP_W = DATA_W / 8,
  parameter int USER_W = 1,
  parameter int ENGINES = DATA_W >= 512 ? 4 : 2   // parser engines, 1 to 8
) (
  input  wire                     clk,
  input  wire                     rst,

  // Quasi-static configuration (TUNNEL_PORTS): UDP destination ports of VXLAN and Geneve.
  // An engine samples them when it takes a frame, so a change applies to later frames.
  input  wire [15:0]              cfg_vxlan_port,
  input  wire [15:0]              cfg_geneve_port,

  input  wire [DATA_W-1:0]        s_axis_tdata,
  input  wire [KEEP_W-1:0]        s_axis_tkeep,
  input  wire                     s_axis_tvalid,
  output wire                     s_axis_tready,
  input  wire                     s_axis_tlast,
  input  wire [USER_W-1:0]        s_axis_tuser,
  input  wire [7:0]               s_axis_vport,  // source vport, sampled with the first beat

  output wire [DATA_W-1:0]        m_axis_tdata,
  output wire [KEEP_W-1:0]        m_axis_tkeep,
  output wire                     m_axis_tvalid,
  input  wire                     m_axis_tready,
  output wire                     m_axis_tlast,
  output wire [USER_W-1:0]        m_axis_tuser,

  output wire                     m_meta_valid,
  input  wire                     m_meta_ready,
  output nic_pkg::parse_meta_t    m_meta_data
);

  localparam int WIN_BYTES  = nic_pkg::PARSE_WINDOW;
  localparam int WIN_W      = WIN_BYTES * 8;
  localparam int BEAT_CNT_W = $clog2(WIN_W / DATA_W + 1);
  localparam int LEN_W      = nic_pkg::PARSER_LEN_W;     // frame length, saturating
  localparam int PTR_W      = ENGINES > 1 ? $clog2(ENGINES) : 1;

  initial begin
    if (DATA_W < 8 || DATA_W % 8 != 0 || DATA_W > WIN_W || WIN_W % DATA_W != 0) begin
      $error("parser (%m): DATA_W (%0d) must be a multiple of 8 that divides %0d", DATA_W, WIN_W);
    end
    if (KEEP_W != DATA_W / 8) begin
      $error("parser (%m): KEEP_W (%0d) must be DATA_W/8", KEEP_W);
    end
    if (USER_W < 1) begin
      $error("parser (%m): USER_W (%0d) must be at least 1", USER_W);
    end
    if (ENGINES < 1 || ENGINES > 8) begin
      $error("parser (%m): ENGINES (%0d) must be 1 to 8", ENGINES);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Capture: stream pass-through, header buffer, frame length.
  // ---------------------------------------------------------------------------------------
  logic [PTR_W-1:0]      in_ptr_q, in_ptr_d;       // engine that gets the next frame
  logic [PTR_W-1:0]      out_ptr_q, out_ptr_d;     // engine whose metadata leaves next
  logic                  cap_full;                  // a whole frame waits for the parser
  logic [WIN_W-1:0]      cap_buf;
  logic [LEN_W-1:0]      cap_len;
  logic [7:0]            cap_vport;
  logic [BEAT_CNT_W-1:0] unused_cap_beat;
  logic                  unused_cap_busy;
  logic                  load;  // the parser takes the captured frame this clock
  logic [ENGINES-1:0]    eng_ready;

  // The waiting frame leaves the buffer when its engine is idle (a register: no path from
  // m_meta_ready to s_axis_tready).
  axis_head_capture #(
    .DATA_W     (DATA_W),
    .KEEP_W     (KEEP_W),
    .USER_W     (USER_W),
    .HEAD_BYTES (WIN_BYTES),
    .LEN_W      (LEN_W),
    .INFO_W     (8)
  ) u_capture (
    .clk           (clk),
    .rst           (rst),
    .s_axis_tdata  (s_axis_tdata),
    .s_axis_tkeep  (s_axis_tkeep),
    .s_axis_tvalid (s_axis_tvalid),
    .s_axis_tready (s_axis_tready),
    .s_axis_tlast  (s_axis_tlast),
    .s_axis_tuser  (s_axis_tuser),
    .s_axis_info   (s_axis_vport),
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
    .m_head_info   (cap_vport),
    .head_beat     (unused_cap_beat),
    .in_frame      (unused_cap_busy)
  );

  always_comb begin
    load     = cap_full && eng_ready[in_ptr_q];
    in_ptr_d = in_ptr_q;
    if (load) begin
      in_ptr_d = in_ptr_q == PTR_W'(ENGINES - 1) ? '0 : in_ptr_q + 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      in_ptr_q <= '0;
    end else begin
      in_ptr_q <= in_ptr_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Engines and the in-order metadata output.
  // ---------------------------------------------------------------------------------------
  nic_pkg::parser_res_t      res;             // the result of the engine whose turn it is
  localparam int RES_W = $bits(res);
  logic [ENGINES-1:0]        eng_res_valid;
  logic [ENGINES-1:0]        eng_res_ready;
  logic [ENGINES*RES_W-1:0]  eng_res_data;
  logic                      meta_fire;

  for (genvar e = 0; e < ENGINES; e++) begin : g_engine
    parser_engine engine (
      .clk             (clk),
      .rst             (rst),
      .cfg_vxlan_port  (cfg_vxlan_port),
      .cfg_geneve_port (cfg_geneve_port),
      .s_frame_valid (load && in_ptr_q == PTR_W'(e)),
      .s_frame_ready (eng_ready[e]),
      .s_frame_buf   (cap_buf),
      .s_frame_len   (cap_len),
      .s_frame_vport (cap_vport),
      .m_res_valid   (eng_res_valid[e]),
      .m_res_ready   (eng_res_ready[e]),
      .m_res_data    (eng_res_data[e*RES_W +: RES_W])
    );
    assign eng_res_ready[e] = m_meta_ready && out_ptr_q == PTR_W'(e);
  end

  // In frame order: the engines' results through one multiplexer, then one metadata builder.
  assign m_meta_valid = eng_res_valid[out_ptr_q];
  word_mux #(.N(ENGINES), .W(RES_W), .SEL_W(PTR_W)) u_res_mux (
    .in  (eng_res_data),
    .sel (out_ptr_q),
    .out (res)
  );

  parser_meta u_meta (
    .s_res  (res),
    .m_meta (m_meta_data)
  );

  always_comb begin
    meta_fire = m_meta_valid && m_meta_ready;
    out_ptr_d = out_ptr_q;
    if (meta_fire) begin
      out_ptr_d = out_ptr_q == PTR_W'(ENGINES - 1) ? '0 : out_ptr_q + 1'b1;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      out_ptr_q <= '0;
    end else begin
      out_ptr_q <= out_ptr_d;
    end
  end

endmodule

`default_nettype wire
