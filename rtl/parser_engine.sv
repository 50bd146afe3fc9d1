// SPDX-License-Identifier: MIT
// parser_engine: iterative header walker of the parser (docs/rtl-parser.md).
//
// Takes one frame's first PARSE_WINDOW bytes, its length and source vport (s_frame_*), walks
// its header chain one header per clock (Ethernet with its VLAN tags, ARP, IPv4, IPv6, each
// IPv6 extension header, TCP/UDP/ICMP/ICMPv6 or GRE, VXLAN/Geneve) over level 0 and, behind a
// tunnel, level 1, and delivers the result on m_res_* (registered, nic_pkg::parser_res_t):
// the error flag and the records of the levels as walked. parser_meta builds the keys and the
// action-engine view from it (once, after the parser's multiplexer of the engines). The UDP
// ports of VXLAN and Geneve come from cfg_vxlan_port / cfg_geneve_port, sampled when the
// engine takes a frame.
// s_frame_ready is high in the idle state, and in S_FIN when the result register is empty
// (registers only), so nothing combinational runs from m_res_ready to s_frame_ready.
//
// Clocks from s_frame handshake to m_res_valid: one per header step (Ethernet, IP, each
// extension header, L4, tunnel; then the same for level 1) and one (S_FIN) in which the
// result is registered from the step registers; IPv4/TCP: 4. The engine takes its next frame
// in that clock when its result register is empty, else once the result has left.
//
// The error flag equals the golden model's parse_failed(pr, PARSE_WINDOW): any error at level
// 0 or 1, or a header of those levels that ends beyond the window. Every header check compares
// against the byte range of its level (the frame, the IP payload, the UDP payload); a step's
// checks are made in the next clock from registers, where a failing one sets the flag and
// ends the parse (the model's deferred "truncated ipv4/ipv6" is an error of the level in
// every case, so it needs no other deferral). Deeper levels are not examined.
//
// Destination tokens (spec 11): when the first option of a level-0 Geneve header is of class
// 0xFFF0, type 0x81, 12 words (and the header's options hold it), a parse without error
// takes two more clocks at its end (S_TOK0, S_TOK1: the cursor at the option's data, 40 then
// 8 bytes of the view) and the result carries the 48 bytes with tok set.
`resetall
`timescale 1ns/1ps
`default_nettype none

module parser_engine (
  input  wire                                clk,
  input  wire                                rst,

  // UDP destination ports of VXLAN and Geneve (TUNNEL_PORTS); sampled when a frame is taken
  input  wire [15:0]                         cfg_vxlan_port,
  input  wire [15:0]                         cfg_geneve_port,

  input  wire                                s_frame_valid,
  output wire                                s_frame_ready,
  input  wire [nic_pkg::PARSE_WINDOW*8-1:0]  s_frame_buf,    // frame byte j at [8*j +: 8]
  input  wire [nic_pkg::PARSER_LEN_W-1:0]    s_frame_len,    // bytes, saturating
  input  wire [7:0]                          s_frame_vport,

  output wire                                m_res_valid,
  input  wire                                m_res_ready,
  output nic_pkg::parser_res_t               m_res_data
);

  localparam int WIN_BYTES  = nic_pkg::PARSE_WINDOW;
  localparam int WIN_W      = WIN_BYTES * 8;
  localparam int LEN_W      = nic_pkg::PARSER_LEN_W;
  localparam int VIEW_BYTES = 40;                        // bytes visible at the cursor (IPv6: 40)
  localparam int VIEW_W     = VIEW_BYTES * 8;

  initial begin
    if (WIN_BYTES != 256) begin
      $error("parser_engine (%m): the cursor view's stages are for a 256-byte window, not %0d",
             WIN_BYTES);
    end
  end

  // Parser states: one header (or header group) per clock.
  localparam logic [3:0] S_IDLE = 4'd0;  // no frame
  localparam logic [3:0] S_ETH  = 4'd1;  // Ethernet + up to two VLAN tags
  localparam logic [3:0] S_ARP  = 4'd2;
  localparam logic [3:0] S_IPV4 = 4'd3;
  localparam logic [3:0] S_IPV6 = 4'd4;
  localparam logic [3:0] S_EXT  = 4'd5;  // one IPv6 extension header
  localparam logic [3:0] S_L4   = 4'd6;  // TCP, UDP, ICMP, ICMPv6 or GRE
  localparam logic [3:0] S_TUN  = 4'd7;  // VXLAN or Geneve behind UDP
  localparam logic [3:0] S_FIN  = 4'd8;  // done: the result registered (when its register is free)
  localparam logic [3:0] S_TOK0 = 4'd9;  // token bytes 0..39 (the parse is done)
  localparam logic [3:0] S_TOK1 = 4'd10; // token bytes 40..47

  // What a tunnel carries (where the next level starts).
  localparam logic [1:0] NEXT_NONE = 2'd0;
  localparam logic [1:0] NEXT_ETH  = 2'd1;
  localparam logic [1:0] NEXT_IPV4 = 2'd2;
  localparam logic [1:0] NEXT_IPV6 = 2'd3;

  localparam logic [LEN_W-1:0] WIN_END = LEN_W'(WIN_BYTES);

  // Control state (reset).
  logic [3:0]            state_q, state_d;
  logic                  res_valid_q, res_valid_d;     // res_q holds a result
  // Data path.
  logic [WIN_W-1:0]      pbuf_q;               // window bytes, frame byte j at [8*j +: 8]
  logic [LEN_W-1:0]      plen_q, plen_d;       // frame length
  logic [7:0]            pvport_q, pvport_d;
  logic [15:0]           vxlan_q, vxlan_d;     // tunnel ports of this frame
  logic [15:0]           geneve_q, geneve_d;
  logic                  lvl_q, lvl_d;         // level being parsed
  logic [8:0]            cur_q, cur_d;         // offset of the header of this step
  logic [LEN_W-1:0]      lend_q, lend_d;       // end of the level's bytes
  logic [LEN_W-1:0]      rend_q, rend_d;       // end of the IP payload present
  logic [LEN_W-1:0]      dend_q, dend_d;       // end of the IP packet per its header
  logic [LEN_W-1:0]      uend_q, uend_d;       // end of the UDP payload present (S_TUN)
  logic [7:0]            nh_q, nh_d;           // protocol of the next header
  logic [3:0]            ext_cnt_q, ext_cnt_d; // IPv6 extension headers walked
  logic                  err_q, err_d;
  nic_pkg::parser_lvl_t  rec_q, rec_d;         // level being parsed
  nic_pkg::parser_lvl_t  lv0_q, lv0_d;         // level 0, once level 1 is being parsed
  logic                  tok_q, tok_d;         // the level-0 Geneve header has a token
  logic [8:0]            tokoff_q, tokoff_d;   // its first byte
  logic [383:0]          tbuf_q, tbuf_d;       // its bytes, byte 0 in bits 383:376
  logic                  tbuf_load;
  nic_pkg::parser_res_t  res_q;                // the result, valid with res_valid_q
  logic                  res_load;             // res_q takes the result this clock

  // The checks of a step, made in the next clock from these registers (below).
  // Which header the step read (one-hot; all zero: no step to check).
  localparam int K_ETH = 0, K_ARP = 1, K_IPV4 = 2, K_IPV6 = 3, K_EXT = 4, K_EXT_FRAG = 5,
                 K_EXT_AH = 6, K_EXT_OTHER = 7, K_TCP = 8, K_UDP = 9, K_ICMP = 10, K_ICMPV6 = 11,
                 K_GRE = 12, K_VXLAN = 13, K_GENEVE = 14, K_N = 15;
  logic [K_N-1:0]          ck_kind_q, ck_kind_d;
  logic                    ck_ext_bad_q;       // S_EXT: hop-by-hop not first, or a ninth header
  logic [55:0]             ck_b_q;             // the view's bytes 0..6, byte i at [8*i +: 8]
  logic [15:0]             ck_t0_q, ck_t1_q, ck_t2_q;  // bytes 12-13, 16-17, 20-21 (S_ETH's
                                                       // TPIDs; the TCP data offset)
  logic [19:0]             ck_lroom_q, ck_rroom_q, ck_droom_q, ck_uroom_q, ck_wroom_q;  // ckroom()
  logic                    ck_err;             // the last clock's step has an error

  // Step signals.
  logic [VIEW_W-1:0]             vb;           // frame byte cur + i at [8*i +: 8]
  logic [LEN_W-1:0]              cur;
  logic                          lvl_done;     // this level has no more headers
  logic [1:0]                    next_start;   // a tunnel of this step: what it carries
  logic [8:0]                    advk;         // bytes the cursor moves: the part known from
  logic [8:0]                    adv;          // the registers, and the part read from the
                                               // header (mod 512: beyond the window is an error)
  logic [8:0]                    curk;         // cur_q + advk: settles while the view does
  logic [8:0]                    cur_next;     // curk + adv: the next header (or level)
  logic [LEN_W-1:0]              next_end;
  logic                          res_free;     // res_q is free (or leaves) this clock
  logic                          finish;       // the parse ends this clock
  logic                          load;         // a frame is taken this clock

  // Field temporaries.
  logic [15:0]      t0, t1, t2, etype;
  logic [1:0]       nvlan;
  logic [3:0]       next_st;
  logic [LEN_W-1:0] hl;
  logic [LEN_W-1:0] dend;
  logic [15:0]      fragoff;
  logic [2:0]       gre_cks;                   // GRE: the C, K and S flags
  logic [31:0]      gre_key;
  logic [15:0]      tproto;
  logic             echo;
  logic             jumbo;
  logic [LEN_W-1:0] uend;

  assign cur = LEN_W'(cur_q);

  // Bytes from the cursor to each end of this step (LEN_W+1 bits, the top bit set when the end
  // lies before the cursor): from registers only, so they settle while the cursor view does.
  // A header of n bytes at the cursor passes an end (cur + n > end) when past(n, room): a
  // compare of a header field with a register, not an adder and a compare after the view.
  logic [LEN_W:0] lroom, rroom, droom, uroom, wroom;
  assign lroom = {1'b0, lend_q} - {1'b0, cur};   // the level's bytes
  assign rroom = {1'b0, rend_q} - {1'b0, cur};   // the IP payload present
  assign droom = {1'b0, dend_q} - {1'b0, cur};   // the IP packet per its header
  assign uroom = {1'b0, uend_q} - {1'b0, cur};   // the UDP payload present
  assign wroom = {1'b0, WIN_END} - {1'b0, cur};  // the window

  function automatic logic past(input logic [LEN_W-1:0] n, input logic [LEN_W:0] room);
    past = room[LEN_W] || n > room[LEN_W-1:0];
  endfunction

  // A room as the checks (below) register it: {negative, at least 2^17, below 2^6, its low 17
  // bits}. The lengths a check compares with it are below 2^17 (the largest: 40 + IPv6 payload
  // length), so a compare of 17 bits decides, and one of 6 bits for a length below 64 (most
  // headers and every constant); which part of the room is zero is known with the cursor,
  // before the view settles.
  function automatic logic [19:0] ckroom(input logic [LEN_W:0] room);
    ckroom = {room[LEN_W], room[LEN_W-1:17] != '0, room[16:6] == '0, room[16:0]};
  endfunction
  // Each compare reads the parts of the room it needs (lint: the others unused).
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic over(input logic [16:0] n, input logic [19:0] r);  // n > room
    over = r[19] || (!r[18] && n > r[16:0]);
  endfunction
  function automatic logic over6(input logic [5:0] n, input logic [19:0] r);  // n < 64 > room
    over6 = r[19] || (!r[18] && r[17] && n > r[5:0]);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // The cursor view: the window shifted right by cur_q bytes (bytes beyond it read zero). A
  // shift of the whole 2048-bit window cost 8.8K of the engine's 13.3K LUTs (Yosys maps it at
  // full width in every stage). Here it is four stages of 4:1 multiplexers (two cursor bits
  // each, largest steps first), each keeping only the bytes the later stages can still reach
  // (VIEW_BYTES + 2^k - 1 after the stage whose low bit is k): 3.5K LUTs, a LUT level a stage.
  // (Three stages of 8:1 mapped to two LUT levels each: docs/rtl-parser.md, Timing.)
  localparam int PAD_BYTES = WIN_BYTES + VIEW_BYTES - 1;  // the window and the zeros beyond it
  logic [PAD_BYTES*8-1:0] pwin;
  assign pwin = {{(VIEW_BYTES - 1) * 8{1'b0}}, pbuf_q};
  for (genvar k = 6; k >= 0; k -= 2) begin : g_view
    localparam int NB = VIEW_BYTES + (1 << k) - 1;  // bytes out of this stage
    localparam int ST = 8 * (1 << k);               // bits per step of this stage
    logic [NB*8-1:0] v;
    if (k == 6) begin : g_first
      always_comb begin
        case (cur_q[k +: 2])
          2'd0:    v = pwin[0      +: 8*NB];
          2'd1:    v = pwin[ST     +: 8*NB];
          2'd2:    v = pwin[2 * ST +: 8*NB];
          default: v = pwin[3 * ST +: 8*NB];
        endcase
      end
    end else begin : g_next
      always_comb begin
        case (cur_q[k +: 2])
          2'd0:    v = g_view[k+2].v[0      +: 8*NB];
          2'd1:    v = g_view[k+2].v[ST     +: 8*NB];
          2'd2:    v = g_view[k+2].v[2 * ST +: 8*NB];
          default: v = g_view[k+2].v[3 * ST +: 8*NB];
        endcase
      end
    end
  end
  // A step whose cursor is past the window (cur_q[8]) reads the bytes at cur_q[7:0]: every
  // step checks its header against the window's room, which is then negative, so the parse
  // ends with an error and what the step decoded is not used.
  assign vb = g_view[0].v;

  // The part of a step's cursor move that the registers tell (the state, the next header's
  // protocol, VXLAN or Geneve), added to the cursor while the view settles; the header's
  // lengths add the rest (adv) after it.
  always_comb begin
    case (state_q)
      S_ETH:  advk = 9'd14;                                     // + 4 per tag
      S_IPV6: advk = 9'd40;
      S_EXT:  advk = 9'd8;                                      // + the header's length
      S_L4:   advk = nh_q == nic_pkg::IPPROTO_UDP ? 9'd8 : 9'd0;  // GRE: + its length
      S_TUN:  advk = 9'd8;                                      // Geneve: + the options
      S_TOK0: advk = 9'd40;
      default: advk = 9'd0;                                     // S_IPV4: + IHL * 4
    endcase
  end
  assign curk = cur_q + advk;

  function automatic logic is_step(input logic [3:0] st);  // a header step
    is_step = st != S_IDLE && st != S_FIN && st != S_TOK0 && st != S_TOK1;
  endfunction

  function automatic logic [3:0] st_for(input logic [15:0] ty);  // S_IDLE: none
    st_for = ty == nic_pkg::ETHERTYPE_ARP  ? S_ARP :
             ty == nic_pkg::ETHERTYPE_IPV4 ? S_IPV4 :
             ty == nic_pkg::ETHERTYPE_IPV6 ? S_IPV6 : S_IDLE;
  endfunction

  function automatic logic [1:0] start_for(input logic [15:0] proto);
    start_for = proto == nic_pkg::ETHERTYPE_TEB  ? NEXT_ETH :
                proto == nic_pkg::ETHERTYPE_IPV4 ? NEXT_IPV4 :
                proto == nic_pkg::ETHERTYPE_IPV6 ? NEXT_IPV6 : NEXT_NONE;
  endfunction

  always_comb begin
    state_d      = state_q;
    res_valid_d = res_valid_q;
    plen_d       = plen_q;
    pvport_d     = pvport_q;
    vxlan_d      = vxlan_q;
    geneve_d     = geneve_q;
    lvl_d        = lvl_q;
    lend_d       = lend_q;
    rend_d       = rend_q;
    dend_d       = dend_q;
    uend_d       = uend_q;
    nh_d         = nh_q;
    ext_cnt_d    = ext_cnt_q;
    err_d        = err_q;
    rec_d        = rec_q;
    lv0_d        = lv0_q;
    tok_d        = tok_q;
    tokoff_d     = tokoff_q;
    tbuf_d       = tbuf_q;
    tbuf_load    = 1'b0;

    lvl_done   = 1'b0;
    next_start = NEXT_NONE;
    adv        = '0;
    next_end   = '0;
    finish     = 1'b0;
    t0 = '0; t1 = '0; t2 = '0; etype = '0; nvlan = '0; next_st = '0;
    hl = '0; dend = '0; fragoff = '0; gre_cks = '0; gre_key = '0; tproto = '0;
    echo = 1'b0; jumbo = 1'b0; uend = '0;

    if (m_res_ready) begin
      res_valid_d = 1'b0;
    end
    res_free = !res_valid_q || m_res_ready;

    case (state_q)
      S_ETH: begin
        t0 = {vb[8*12 +: 8], vb[8*13 +: 8]};
        t1 = {vb[8*16 +: 8], vb[8*17 +: 8]};
        t2 = {vb[8*20 +: 8], vb[8*21 +: 8]};
        nvlan = !nic_pkg::is_tpid(t0) ? 2'd0 : !nic_pkg::is_tpid(t1) ? 2'd1 : 2'd2;
        etype = nvlan == 2'd0 ? t0 : nvlan == 2'd1 ? t1 : t2;
        rec_d.has_eth  = 1'b1;
        adv = 9'({nvlan, 2'b00});  // + 14
        rec_d.vlan_cnt = nvlan;
        rec_d.vid      = {vb[8*14 +: 4], vb[8*15 +: 8]};
        for (int i = 0; i < 6; i++) begin
          rec_d.dmac[47-8*i -: 8] = vb[8*i +: 8];
          rec_d.smac[47-8*i -: 8] = vb[8*(6+i) +: 8];
        end
        rec_d.etype    = etype;
        // the next state from the three candidate types compared side by side, then chosen
        // by the tags (not the chosen type compared: one compare after the TPIDs' less)
        next_st = nvlan == 2'd0 ? st_for(t0) : nvlan == 2'd1 ? st_for(t1) : st_for(t2);
        if (next_st == S_IDLE) begin
          lvl_done = 1'b1;
        end else begin
          state_d = next_st;
        end
      end

      S_ARP: begin
        lvl_done = 1'b1;  // the last header of its level; its checks only (below)
      end

      S_IPV4: begin
        dend = cur + LEN_W'({vb[8*2 +: 8], vb[8*3 +: 8]});
        fragoff = {3'b000, vb[8*6 +: 5], vb[8*7 +: 8]};
        rec_d.l3_type = nic_fmt_pkg::L3_TYPE_IPV4;
        rec_d.l3_off  = cur_q[7:0];
        rec_d.proto   = vb[8*9 +: 8];
        rec_d.ttl     = vb[8*8 +: 8];
        rec_d.ip_csum = {vb[8*10 +: 8], vb[8*11 +: 8]};
        rec_d.frag    = vb[8*6+5] || fragoff != 16'd0;
        rec_d.src     = {96'd0, vb[8*12 +: 8], vb[8*13 +: 8], vb[8*14 +: 8], vb[8*15 +: 8]};
        rec_d.dst     = {96'd0, vb[8*16 +: 8], vb[8*17 +: 8], vb[8*18 +: 8], vb[8*19 +: 8]};
        dend_d = dend;
        rend_d = dend;
        nh_d   = vb[8*9 +: 8];
        adv    = 9'({vb[8*0 +: 4], 2'b00});
        if (fragoff != 16'd0) begin
          lvl_done = 1'b1;  // not the first fragment: no upper-layer header here
        end else begin
          state_d = S_L4;
        end
      end

      S_IPV6: begin
        dend = cur + 40 + LEN_W'({vb[8*4 +: 8], vb[8*5 +: 8]});
        jumbo = {vb[8*4 +: 8], vb[8*5 +: 8]} == 16'd0 && vb[8*6 +: 8] == nic_pkg::IPPROTO_HOPOPTS;
        if (jumbo) begin
          dend = lend_q;  // jumbogram: its length is in the hop-by-hop option
        end
        rec_d.l3_type = nic_fmt_pkg::L3_TYPE_IPV6;
        rec_d.l3_off  = cur_q[7:0];
        rec_d.proto   = vb[8*6 +: 8];
        rec_d.ttl     = vb[8*7 +: 8];
        rec_d.frag    = 1'b0;
        for (int i = 0; i < 16; i++) begin
          rec_d.src[127-8*i -: 8] = vb[8*(8+i) +: 8];
          rec_d.dst[127-8*i -: 8] = vb[8*(24+i) +: 8];
        end
        dend_d    = dend;
        rend_d    = dend;
        nh_d      = vb[8*6 +: 8];
        ext_cnt_d = '0;
        state_d   = nic_pkg::is_ext(vb[8*6 +: 8]) ? S_EXT : S_L4;
      end

      S_EXT: begin
        // 8 bytes (fragment), 4 * (len + 2) (AH), 8 * (len + 1) (the others)
        adv = nh_q == nic_pkg::IPPROTO_FRAGMENT ? 9'd0 :  // + 8
              nh_q == nic_pkg::IPPROTO_AH ? 9'({vb[8*1 +: 8], 2'b00}) : 9'({vb[8*1 +: 8], 3'b000});
        fragoff = {3'b000, vb[8*2 +: 8], vb[8*3+3 +: 5]};
        if (nh_q == nic_pkg::IPPROTO_FRAGMENT) begin
          rec_d.frag = 1'b1;
        end
        rec_d.proto = vb[8*0 +: 8];
        nh_d        = vb[8*0 +: 8];
        ext_cnt_d   = ext_cnt_q + 1'b1;
        if (nh_q == nic_pkg::IPPROTO_FRAGMENT && fragoff != 16'd0) begin
          lvl_done = 1'b1;  // not the first fragment
        end else begin
          state_d = nic_pkg::is_ext(vb[8*0 +: 8]) ? S_EXT : S_L4;
        end
      end

      S_L4: begin
        rec_d.l4_off = cur_q[7:0];
        lvl_done = 1'b1;
        case (nh_q)
          nic_pkg::IPPROTO_TCP: begin
            rec_d.l4_type = nic_pkg::L4_TCP;
            rec_d.sport   = {vb[8*0 +: 8], vb[8*1 +: 8]};
            rec_d.dport   = {vb[8*2 +: 8], vb[8*3 +: 8]};
            rec_d.l4_csum = {vb[8*16 +: 8], vb[8*17 +: 8]};
            rec_d.tcp_flags = vb[8*13 +: 8];
          end
          nic_pkg::IPPROTO_UDP: begin
            hl = LEN_W'({vb[8*4 +: 8], vb[8*5 +: 8]});  // UDP length
            uend = cur + hl < rend_q ? cur + hl : rend_q;
            rec_d.l4_type = nic_pkg::L4_UDP;
            rec_d.sport   = {vb[8*0 +: 8], vb[8*1 +: 8]};
            rec_d.dport   = {vb[8*2 +: 8], vb[8*3 +: 8]};
            rec_d.l4_csum = {vb[8*6 +: 8], vb[8*7 +: 8]};
            uend_d = uend;
            if (rec_d.dport == vxlan_q || rec_d.dport == geneve_q) begin
              lvl_done = 1'b0;
              state_d  = S_TUN;
            end
          end
          nic_pkg::IPPROTO_ICMP, nic_pkg::IPPROTO_ICMPV6: begin
            echo = nh_q == nic_pkg::IPPROTO_ICMP
                     ? (vb[8*0 +: 8] == 8'd8 || vb[8*0 +: 8] == 8'd0)        // echo request, reply
                     : (vb[8*0 +: 8] == 8'd128 || vb[8*0 +: 8] == 8'd129);   // ICMPv6 echo
            rec_d.l4_type = nh_q == nic_pkg::IPPROTO_ICMP ? nic_pkg::L4_ICMP : nic_pkg::L4_ICMPV6;
            rec_d.sport   = {vb[8*0 +: 8], vb[8*1 +: 8]};
            rec_d.l4_csum = nh_q == nic_pkg::IPPROTO_ICMP ? 16'd0 : {vb[8*2 +: 8], vb[8*3 +: 8]};
            // echo identifier, when within the IP packet and the window
            rec_d.dport   = echo && !past(6, droom) && !past(6, wroom) ?
                            {vb[8*4 +: 8], vb[8*5 +: 8]} : 16'd0;
          end
          nic_pkg::IPPROTO_GRE: begin
            gre_cks = {vb[7], vb[5], vb[4]};
            // 4 bytes and 4 per checksum, key and sequence number (a table, not three adders)
            case (gre_cks)
              3'b000:                 hl = 4;
              3'b001, 3'b010, 3'b100: hl = 8;
              3'b011, 3'b101, 3'b110: hl = 12;
              default:                hl = 16;
            endcase
            gre_key = gre_cks[2] ? {vb[8*8 +: 8], vb[8*9 +: 8], vb[8*10 +: 8], vb[8*11 +: 8]} :
                                   {vb[8*4 +: 8], vb[8*5 +: 8], vb[8*6 +: 8], vb[8*7 +: 8]};
            tproto = {vb[8*2 +: 8], vb[8*3 +: 8]};
            rec_d.tun_off = cur_q[7:0];
            if (gre_cks[1] && tproto == nic_pkg::ETHERTYPE_TEB) begin
              rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_NVGRE;
              rec_d.tun_id   = gre_key[31:8];
            end else begin
              rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_GRE;
              rec_d.tun_id   = gre_cks[1] ? gre_key[23:0] : 24'd0;
            end
            next_start = start_for(tproto);
            adv        = 9'(hl);  // + 0
            next_end   = rend_q;
          end
          default: begin
          end
        endcase
      end

      S_TUN: begin
        lvl_done = 1'b1;
        rec_d.tun_off = cur_q[7:0];
        rec_d.tun_id  = {vb[8*4 +: 8], vb[8*5 +: 8], vb[8*6 +: 8]};
        if (rec_q.dport == vxlan_q) begin
          rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_VXLAN;
          next_start = NEXT_ETH;
        end else begin
          rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_GENEVE;
          next_start = start_for({vb[8*2 +: 8], vb[8*3 +: 8]});
          adv        = 9'({vb[8*0 +: 6], 2'b00});  // + 8
          // spec 11: the token option, first in the options, wholly within them (52 bytes:
          // 13 words of options or more)
          if (!lvl_q && vb[8*0 +: 6] >= 6'd13 && {vb[8*8 +: 8], vb[8*9 +: 8]} == 16'hFFF0 &&
              vb[8*10 +: 8] == 8'h81 && vb[8*11 +: 5] == 5'd12) begin
            tok_d    = 1'b1;
            tokoff_d = 9'(cur + LEN_W'(12));
          end
        end
        next_end = uend_q;
      end

      S_TOK0: begin
        tbuf_load = 1'b1;
        for (int i = 0; i < 40; i++) begin
          tbuf_d[383-8*i -: 8] = vb[8*i +: 8];
        end
        state_d = S_TOK1;
      end

      S_TOK1: begin
        tbuf_load = 1'b1;
        for (int i = 40; i < 48; i++) begin
          tbuf_d[383-8*i -: 8] = vb[8*(i-40) +: 8];
        end
        state_d = S_FIN;
      end

      S_FIN: begin
      end

      default: begin  // S_IDLE
      end
    endcase

    // End of a step: the end of level 0 with a tunnel that carries a packet starts level 1;
    // the end of level 1 ends the parse (deeper levels do not count). A step's next state and
    // cursor come from its header's decode alone; its checks are made in the next clock from
    // registers (ck_err, below), where an error ends the parse, whatever step that clock
    // began (docs/rtl-parser.md, Timing). The error decides only the next state, a LUT level
    // after it: what that clock's step decoded (records, level, cursor, ends) goes to the
    // registers either way and is not used (parser_meta zeroes the record, `inner` and `tok`
    // included, with the error flag).
    err_d    = err_q || ck_err;
    cur_next = curk + adv;
    cur_d    = cur_next;
    if (is_step(state_q)) begin
      if (lvl_done) begin
        if (!lvl_q && next_start != NEXT_NONE) begin
          lvl_d  = 1'b1;
          lv0_d  = rec_d;
          rec_d  = '0;
          rec_d.l2_off = cur_next[7:0];  // after the tunnel header
          lend_d = next_end;
          case (next_start)
            NEXT_ETH:  state_d = S_ETH;
            NEXT_IPV4: state_d = S_IPV4;
            default:   state_d = S_IPV6;
          endcase
        end else begin
          finish = 1'b1;
        end
      end
      if (finish) begin
        state_d = S_FIN;
        if (tok_d) begin  // the token's bytes first
          state_d = S_TOK0;
          cur_d   = tokoff_d;
        end
      end
      if (ck_err) begin  // the last step's error ends the parse
        state_d = S_FIN;
      end
    end

    // The result: the final records, registered in S_FIN, the clock after the parse ends, from
    // the step registers (not from this clock's step logic: the result register's enable and
    // data would otherwise sit at the end of the deepest path, docs/rtl-parser.md). parser_meta
    // builds the keys and the action view from it after the engines' multiplexer.
    res_load = state_q == S_FIN && res_free;
    if (res_load) begin
      res_valid_d = 1'b1;
      state_d     = S_IDLE;
    end

    // Take the next frame in the idle state, or in S_FIN when the result register is empty
    // (the result is registered in the same clock: S_FIN costs the engine no clock).
    load = s_frame_valid && s_frame_ready;
    if (load) begin
      plen_d    = s_frame_len;
      pvport_d  = s_frame_vport;
      vxlan_d   = cfg_vxlan_port;
      geneve_d  = cfg_geneve_port;
      lvl_d     = 1'b0;
      cur_d     = '0;
      lend_d    = s_frame_len;
      err_d     = 1'b0;
      rec_d     = '0;
      lv0_d     = '0;
      tok_d     = 1'b0;
      state_d   = S_ETH;
    end
  end

  // The checks of a step, one clock after it, from registers: which header the step read
  // (one-hot), the view's bytes a check reads, the rooms. The error they find ends the parse
  // in that clock (above). Each check is a term of one OR, so that no compare waits for a
  // multiplexer of lengths (docs/rtl-parser.md, Timing). Before 2026-12-07 the checks were
  // made in the step itself, at the end of the longest paths (the view, a field, a compare,
  // an OR of the step's terms).
  always_comb begin
    ck_kind_d = '0;
    case (state_q)
      S_ETH:  ck_kind_d[K_ETH]  = 1'b1;
      S_ARP:  ck_kind_d[K_ARP]  = 1'b1;
      S_IPV4: ck_kind_d[K_IPV4] = 1'b1;
      S_IPV6: ck_kind_d[K_IPV6] = 1'b1;
      S_EXT: begin
        ck_kind_d[K_EXT] = 1'b1;
        if (nh_q == nic_pkg::IPPROTO_FRAGMENT) begin
          ck_kind_d[K_EXT_FRAG] = 1'b1;
        end else if (nh_q == nic_pkg::IPPROTO_AH) begin
          ck_kind_d[K_EXT_AH] = 1'b1;
        end else begin
          ck_kind_d[K_EXT_OTHER] = 1'b1;
        end
      end
      S_L4: begin
        case (nh_q)
          nic_pkg::IPPROTO_TCP:    ck_kind_d[K_TCP]    = 1'b1;
          nic_pkg::IPPROTO_UDP:    ck_kind_d[K_UDP]    = 1'b1;
          nic_pkg::IPPROTO_ICMP:   ck_kind_d[K_ICMP]   = 1'b1;
          nic_pkg::IPPROTO_ICMPV6: ck_kind_d[K_ICMPV6] = 1'b1;
          nic_pkg::IPPROTO_GRE:    ck_kind_d[K_GRE]    = 1'b1;
          default: begin
          end
        endcase
      end
      S_TUN: begin
        if (rec_q.dport == vxlan_q) begin
          ck_kind_d[K_VXLAN] = 1'b1;
        end else begin
          ck_kind_d[K_GENEVE] = 1'b1;
        end
      end
      default: begin
      end
    endcase
  end

  always_ff @(posedge clk) begin
    ck_b_q       <= vb[0 +: 56];
    ck_t0_q      <= {vb[8*12 +: 8], vb[8*13 +: 8]};
    ck_t1_q      <= {vb[8*16 +: 8], vb[8*17 +: 8]};
    ck_t2_q      <= {vb[8*20 +: 8], vb[8*21 +: 8]};
    ck_ext_bad_q <= (nh_q == nic_pkg::IPPROTO_HOPOPTS && ext_cnt_q != 4'd0) || ext_cnt_q >= 4'd8;
    ck_lroom_q   <= ckroom(lroom);
    ck_rroom_q   <= ckroom(rroom);
    ck_droom_q   <= ckroom(droom);
    ck_uroom_q   <= ckroom(uroom);
    ck_wroom_q   <= ckroom(wroom);
    if (rst) begin
      ck_kind_q <= '0;
    end else begin
      ck_kind_q <= ck_kind_d;
    end
  end

  logic [7:0]       cb0, cb1, cb2, cb3, cb4, cb5, cb6;  // ck_b_q's bytes
  logic [15:0]      c_iplen, c_gre;
  logic             c_tag1, c_tag2;            // S_ETH: one tag or more, two tags
  logic [16:0]      c_arp_hl, c_ah_hl, c_ext_hl, c_udp_hl, c_gen_hl;
  logic [5:0]       c_ipv4_hl, c_tcp_hl, c_gre_hl;  // below 64
  logic             c_arp_eth;
  assign {cb6, cb5, cb4, cb3, cb2, cb1, cb0} = ck_b_q;

  always_comb begin
    c_iplen = {cb2, cb3};
    c_gre   = {cb0, cb1};
    c_tag1  = nic_pkg::is_tpid(ck_t0_q);
    c_tag2  = c_tag1 && nic_pkg::is_tpid(ck_t1_q);
    // ARP: fixed part 8 bytes, the announced length 8 + 2 * (hlen + plen); Ethernet/IPv4 ARP
    // counts 28 bytes towards the window, any other the fixed 8
    c_arp_hl  = 8 + 17'({cb4, 1'b0}) + 17'({cb5, 1'b0});
    c_arp_eth = c_gre == nic_pkg::ARP_HTYPE_ETH && c_iplen == nic_pkg::ETHERTYPE_IPV4 &&
                cb4 == 8'd6 && cb5 == 8'd4;
    c_ipv4_hl = {cb0[3:0], 2'b00};
    c_ah_hl   = 17'({cb1, 2'b00}) + 8;
    c_ext_hl  = 17'({cb1, 3'b000}) + 8;
    c_tcp_hl  = {ck_t0_q[15:12], 2'b00};
    c_udp_hl  = 17'({cb4, cb5});  // UDP length
    // GRE: 4 bytes and 4 per checksum, key and sequence number
    case ({c_gre[15], c_gre[13], c_gre[12]})
      3'b000:                 c_gre_hl = 4;
      3'b001, 3'b010, 3'b100: c_gre_hl = 8;
      3'b011, 3'b101, 3'b110: c_gre_hl = 12;
      default:                c_gre_hl = 16;
    endcase
    c_gen_hl = 8 + 17'({cb0[5:0], 2'b00});

    ck_err =
      // Ethernet: a cut tag is "truncated vlan", a third tag "bad vlan depth"; the window
      (ck_kind_q[K_ETH] && (over6(14, ck_lroom_q) || (c_tag1 && over6(18, ck_lroom_q)) ||
                            (c_tag2 && (over6(22, ck_lroom_q) || nic_pkg::is_tpid(ck_t2_q))) ||
                            (!c_tag1 && over6(14, ck_wroom_q)) ||
                            (c_tag1 && !c_tag2 && over6(18, ck_wroom_q)) ||
                            (c_tag2 && over6(22, ck_wroom_q)))) ||
      (ck_kind_q[K_ARP] && (over6(8, ck_lroom_q) || over(c_arp_hl, ck_lroom_q) ||
                            (c_arp_eth ? over6(28, ck_wroom_q) : over6(8, ck_wroom_q)))) ||
      // IPv4: beyond the window; or the IP length beyond the level ("truncated ipv4")
      (ck_kind_q[K_IPV4] && (over6(20, ck_lroom_q) || cb0[7:4] != 4'd4 || cb0[3:0] < 4'd5 ||
                             over6(c_ipv4_hl, ck_lroom_q) || c_iplen < 16'(c_ipv4_hl) ||
                             over6(c_ipv4_hl, ck_wroom_q) || over(17'(c_iplen), ck_lroom_q))) ||
      // IPv6 (a jumbogram's length is in the hop-by-hop option)
      (ck_kind_q[K_IPV6] && (over6(40, ck_lroom_q) || cb0[7:4] != 4'd6 || over6(40, ck_wroom_q) ||
                             (!({cb4, cb5} == 16'd0 && cb6 == nic_pkg::IPPROTO_HOPOPTS) &&
                              over(17'd40 + 17'({cb4, cb5}), ck_lroom_q)))) ||
      (ck_kind_q[K_EXT] && (ck_ext_bad_q || over6(2, ck_rroom_q))) ||
      (ck_kind_q[K_EXT_FRAG] && (over6(8, ck_rroom_q) || over6(8, ck_wroom_q))) ||
      (ck_kind_q[K_EXT_AH] && (over(c_ah_hl, ck_rroom_q) || over(c_ah_hl, ck_wroom_q))) ||
      (ck_kind_q[K_EXT_OTHER] && (over(c_ext_hl, ck_rroom_q) || over(c_ext_hl, ck_wroom_q))) ||
      (ck_kind_q[K_TCP] && (over6(20, ck_rroom_q) || ck_t0_q[15:12] < 4'd5 ||
                            over6(c_tcp_hl, ck_rroom_q) || over6(c_tcp_hl, ck_wroom_q))) ||
      (ck_kind_q[K_UDP] && (over6(8, ck_rroom_q) || c_udp_hl < 8 || over(c_udp_hl, ck_droom_q) ||
                            over6(8, ck_wroom_q))) ||
      (ck_kind_q[K_ICMP] && (over6(8, ck_rroom_q) || over6(8, ck_wroom_q))) ||
      (ck_kind_q[K_ICMPV6] && (over6(4, ck_rroom_q) || over6(4, ck_wroom_q))) ||
      (ck_kind_q[K_GRE] && (over6(4, ck_rroom_q) || c_gre[2:0] != 3'd0 ||
                            (c_gre & 16'h4ff8) != 16'd0 || over6(c_gre_hl, ck_rroom_q) ||
                            over6(c_gre_hl, ck_wroom_q))) ||
      // VXLAN: the I flag; Geneve: version 0, the options present
      (ck_kind_q[K_VXLAN] && (over6(8, ck_uroom_q) || !cb0[3] || over6(8, ck_wroom_q))) ||
      (ck_kind_q[K_GENEVE] && (over6(8, ck_uroom_q) || cb0[7:6] != 2'd0 ||
                               over(c_gen_hl, ck_uroom_q) || over(c_gen_hl, ck_wroom_q)));
  end

  // The window is loaded with the frame and only read after, the result written when the parse
  // ends: written in place, not copied to a next-state twin every clock (the Verilated model's
  // cost, docs/perf-rtl.md).
  always_ff @(posedge clk) begin
    if (load) begin
      pbuf_q <= s_frame_buf;
    end
    if (tbuf_load) begin
      tbuf_q <= tbuf_d;
    end
    if (res_load) begin
      res_q.tok       <= tok_q;  // not used with err (parser_meta)
      res_q.token     <= tbuf_q;
      res_q.err       <= err_q || ck_err;
      res_q.inner     <= lvl_q;
      res_q.frame_len <= plen_q > LEN_W'(16'hffff) ? 16'hffff : plen_q[15:0];
      res_q.too_long  <= plen_q > LEN_W'(nic_pkg::MAX_FRAME);  // a compare off the consumers' path
      res_q.vport     <= pvport_q;
      res_q.rec       <= rec_q;
      res_q.lv0       <= lv0_q;
    end
  end

  always_ff @(posedge clk) begin
    plen_q    <= plen_d;
    pvport_q  <= pvport_d;
    vxlan_q   <= vxlan_d;
    geneve_q  <= geneve_d;
    lvl_q     <= lvl_d;
    cur_q     <= cur_d;
    lend_q    <= lend_d;
    rend_q    <= rend_d;
    dend_q    <= dend_d;
    uend_q    <= uend_d;
    nh_q      <= nh_d;
    ext_cnt_q <= ext_cnt_d;
    err_q     <= err_d;
    rec_q     <= rec_d;
    lv0_q     <= lv0_d;
    tok_q     <= tok_d;
    tokoff_q  <= tokoff_d;
    if (rst) begin
      state_q      <= S_IDLE;
      res_valid_q <= 1'b0;
    end else begin
      state_q      <= state_d;
      res_valid_q <= res_valid_d;
    end
  end

  assign s_frame_ready = state_q == S_IDLE || (state_q == S_FIN && !res_valid_q);
  assign m_res_valid   = res_valid_q;
  assign m_res_data    = res_q;

endmodule

`default_nettype wire
