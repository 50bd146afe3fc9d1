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
// against the byte range of its level (the frame, the IP payload, the UDP payload); the
// first failing check sets the flag and ends the parse one clock later (the model's deferred
// "truncated ipv4/ipv6" is an error of the level in every case, so it needs no other
// deferral). Deeper levels are not examined.
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
  logic                  stop_q, stop_d;       // the last step found an error: end the parse
  nic_pkg::parser_lvl_t  rec_q, rec_d;         // level being parsed
  nic_pkg::parser_lvl_t  lv0_q, lv0_d;         // level 0, once level 1 is being parsed
  logic                  tok_q, tok_d;         // the level-0 Geneve header has a token
  logic [8:0]            tokoff_q, tokoff_d;   // its first byte
  logic [383:0]          tbuf_q, tbuf_d;       // its bytes, byte 0 in bits 383:376
  logic                  tbuf_load;
  nic_pkg::parser_res_t  res_q;                // the result, valid with res_valid_q
  logic                  res_load;             // res_q takes the result this clock

  // Step signals.
  logic [VIEW_W-1:0]             vb;           // frame byte cur + i at [8*i +: 8]
  logic [LEN_W-1:0]              cur;
  logic                          step_err;
  logic                          lvl_done;     // this level has no more headers
  logic [1:0]                    next_start;   // a tunnel of this step: what it carries
  logic [8:0]                    next_off;     // > 256 only with an error
  logic [LEN_W-1:0]              next_end;
  logic                          res_free;     // res_q is free (or leaves) this clock
  logic                          finish;       // the parse ends this clock
  logic                          load;         // a frame is taken this clock

  // Field temporaries.
  logic [15:0]      t0, t1, t2, etype;
  logic [1:0]       nvlan;
  logic [8:0]       hend;                      // end of the header of this step (cursor bits)
  logic [LEN_W-1:0] wlen;                      // ARP: the bytes it counts towards the window
  logic [LEN_W-1:0] hl;
  logic [LEN_W-1:0] dend;
  logic [15:0]      fragoff;
  logic [15:0]      gre_fv;
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
  assign vb = cur_q[8] ? '0 : g_view[0].v;

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
    cur_d        = cur_q;
    lend_d       = lend_q;
    rend_d       = rend_q;
    dend_d       = dend_q;
    uend_d       = uend_q;
    nh_d         = nh_q;
    ext_cnt_d    = ext_cnt_q;
    err_d        = err_q;
    stop_d       = 1'b0;
    rec_d        = rec_q;
    lv0_d        = lv0_q;
    tok_d        = tok_q;
    tokoff_d     = tokoff_q;
    tbuf_d       = tbuf_q;
    tbuf_load    = 1'b0;

    step_err   = 1'b0;
    lvl_done   = 1'b0;
    next_start = NEXT_NONE;
    next_off   = '0;
    next_end   = '0;
    finish     = 1'b0;
    t0 = '0; t1 = '0; t2 = '0; etype = '0; nvlan = '0;
    hend = '0; wlen = '0; hl = '0; dend = '0; fragoff = '0; gre_fv = '0; gre_key = '0; tproto = '0;
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
        // The tags from the TPIDs alone, the length checks beside them (on an error the record
        // is not used: parser_meta zeroes it), so the checks do not wait for each other.
        nvlan = !nic_pkg::is_tpid(t0) ? 2'd0 : !nic_pkg::is_tpid(t1) ? 2'd1 : 2'd2;
        etype = nvlan == 2'd0 ? t0 : nvlan == 2'd1 ? t1 : t2;
        // a cut tag is "truncated vlan"; a third tag "bad vlan depth"
        if (past(14, lroom) || (nvlan != 2'd0 && past(18, lroom)) ||
            (nvlan == 2'd2 && (past(22, lroom) || nic_pkg::is_tpid(t2)))) begin
          step_err = 1'b1;
        end
        hend = 9'(cur + LEN_W'(14) + LEN_W'({nvlan, 2'b00}));
        if (nvlan == 2'd0 ? past(14, wroom) : nvlan == 2'd1 ? past(18, wroom) : past(22, wroom)) begin
          step_err = 1'b1;
        end
        rec_d.has_eth  = 1'b1;
        rec_d.vlan_cnt = nvlan;
        rec_d.vid      = {vb[8*14 +: 4], vb[8*15 +: 8]};
        for (int i = 0; i < 6; i++) begin
          rec_d.dmac[47-8*i -: 8] = vb[8*i +: 8];
          rec_d.smac[47-8*i -: 8] = vb[8*(6+i) +: 8];
        end
        rec_d.etype    = etype;
        cur_d = hend;
        case (etype)
          nic_pkg::ETHERTYPE_ARP:  state_d = S_ARP;
          nic_pkg::ETHERTYPE_IPV4: state_d = S_IPV4;
          nic_pkg::ETHERTYPE_IPV6: state_d = S_IPV6;
          default:                 lvl_done = 1'b1;
        endcase
      end

      S_ARP: begin
        // fixed part 8 bytes; the announced length 8 + 2 * (hlen + plen) must be present
        hl = 8 + LEN_W'({vb[8*4 +: 8], 1'b0}) + LEN_W'({vb[8*5 +: 8], 1'b0});
        if (past(8, lroom) || past(hl, lroom)) begin
          step_err = 1'b1;
        end
        // Ethernet/IPv4 ARP counts 28 bytes towards the window, any other the fixed 8
        if ({vb[8*0 +: 8], vb[8*1 +: 8]} == nic_pkg::ARP_HTYPE_ETH &&
            {vb[8*2 +: 8], vb[8*3 +: 8]} == nic_pkg::ETHERTYPE_IPV4 &&
            vb[8*4 +: 8] == 8'd6 &&
            vb[8*5 +: 8] == 8'd4) begin
          wlen = 28;
        end else begin
          wlen = 8;
        end
        if (past(wlen, wroom)) begin
          step_err = 1'b1;
        end
        lvl_done = 1'b1;
      end

      S_IPV4: begin
        hl = LEN_W'({vb[8*0 +: 4], 2'b00});
        dend = cur + LEN_W'({vb[8*2 +: 8], vb[8*3 +: 8]});
        fragoff = {3'b000, vb[8*6 +: 5], vb[8*7 +: 8]};
        if (past(20, lroom) || vb[8*0+4 +: 4] != 4'd4 || vb[8*0 +: 4] < 4'd5 ||
            past(hl, lroom) || {vb[8*2 +: 8], vb[8*3 +: 8]} < hl[15:0]) begin
          step_err = 1'b1;
        end
        if (past(hl, wroom) || past(LEN_W'({vb[8*2 +: 8], vb[8*3 +: 8]}), lroom)) begin
          // beyond the window; or IP length beyond the level ("truncated ipv4")
          step_err = 1'b1;
        end
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
        cur_d  = 9'(cur + hl);
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
        if (past(40, lroom) || vb[8*0+4 +: 4] != 4'd6 || past(40, wroom) ||
            (!jumbo && past(40 + LEN_W'({vb[8*4 +: 8], vb[8*5 +: 8]}), lroom))) begin
          step_err = 1'b1;
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
        cur_d     = 9'(cur + LEN_W'(40));
        state_d   = nic_pkg::is_ext(vb[8*6 +: 8]) ? S_EXT : S_L4;
      end

      S_EXT: begin
        if (nh_q == nic_pkg::IPPROTO_FRAGMENT) begin
          hl = 8;
        end else if (nh_q == nic_pkg::IPPROTO_AH) begin
          hl = LEN_W'({vb[8*1 +: 8], 2'b00}) + 8;
        end else begin
          hl = LEN_W'({vb[8*1 +: 8], 3'b000}) + 8;
        end
        hend = 9'(cur + hl);
        fragoff = {3'b000, vb[8*2 +: 8], vb[8*3+3 +: 5]};
        if ((nh_q == nic_pkg::IPPROTO_HOPOPTS && ext_cnt_q != 4'd0) || ext_cnt_q >= 4'd8 ||
            past(2, rroom) || past(hl, rroom) || past(hl, wroom)) begin
          step_err = 1'b1;
        end
        if (nh_q == nic_pkg::IPPROTO_FRAGMENT) begin
          rec_d.frag = 1'b1;
        end
        rec_d.proto = vb[8*0 +: 8];
        nh_d        = vb[8*0 +: 8];
        ext_cnt_d   = ext_cnt_q + 1'b1;
        cur_d       = hend;
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
            hl = LEN_W'({vb[8*12+4 +: 4], 2'b00});
            if (past(20, rroom) || vb[8*12+4 +: 4] < 4'd5 || past(hl, rroom) ||
                past(hl, wroom)) begin
              step_err = 1'b1;
            end
            rec_d.l4_type = nic_pkg::L4_TCP;
            rec_d.sport   = {vb[8*0 +: 8], vb[8*1 +: 8]};
            rec_d.dport   = {vb[8*2 +: 8], vb[8*3 +: 8]};
            rec_d.l4_csum = {vb[8*16 +: 8], vb[8*17 +: 8]};
            rec_d.tcp_flags = vb[8*13 +: 8];
          end
          nic_pkg::IPPROTO_UDP: begin
            hl = LEN_W'({vb[8*4 +: 8], vb[8*5 +: 8]});  // UDP length
            if (past(8, rroom) || hl < 8 || past(hl, droom) || past(8, wroom)) begin
              step_err = 1'b1;
            end
            uend = cur + hl < rend_q ? cur + hl : rend_q;
            rec_d.l4_type = nic_pkg::L4_UDP;
            rec_d.sport   = {vb[8*0 +: 8], vb[8*1 +: 8]};
            rec_d.dport   = {vb[8*2 +: 8], vb[8*3 +: 8]};
            rec_d.l4_csum = {vb[8*6 +: 8], vb[8*7 +: 8]};
            uend_d = uend;
            if (rec_d.dport == vxlan_q || rec_d.dport == geneve_q) begin
              lvl_done = 1'b0;
              state_d  = S_TUN;
              cur_d    = 9'(cur + LEN_W'(8));
            end
          end
          nic_pkg::IPPROTO_ICMP, nic_pkg::IPPROTO_ICMPV6: begin
            hl = nh_q == nic_pkg::IPPROTO_ICMP ? 8 : 4;
            if (past(hl, rroom) || past(hl, wroom)) begin
              step_err = 1'b1;
            end
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
            gre_fv = {vb[8*0 +: 8], vb[8*1 +: 8]};
            // 4 bytes and 4 per checksum, key and sequence number (a table, not three adders)
            case ({gre_fv[15], gre_fv[13], gre_fv[12]})
              3'b000:                 hl = 4;
              3'b001, 3'b010, 3'b100: hl = 8;
              3'b011, 3'b101, 3'b110: hl = 12;
              default:                hl = 16;
            endcase
            gre_key = gre_fv[15] ? {vb[8*8 +: 8], vb[8*9 +: 8], vb[8*10 +: 8], vb[8*11 +: 8]} :
                                   {vb[8*4 +: 8], vb[8*5 +: 8], vb[8*6 +: 8], vb[8*7 +: 8]};
            tproto = {vb[8*2 +: 8], vb[8*3 +: 8]};
            if (past(4, rroom) || gre_fv[2:0] != 3'd0 || (gre_fv & 16'h4ff8) != 16'd0 ||
                past(hl, rroom) || past(hl, wroom)) begin
              step_err = 1'b1;
            end
            rec_d.tun_off = cur_q[7:0];
            if (gre_fv[13] && tproto == nic_pkg::ETHERTYPE_TEB) begin
              rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_NVGRE;
              rec_d.tun_id   = gre_key[31:8];
            end else begin
              rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_GRE;
              rec_d.tun_id   = gre_fv[13] ? gre_key[23:0] : 24'd0;
            end
            next_start = start_for(tproto);
            next_off   = 9'(cur + hl);
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
          if (past(8, uroom) || !vb[8*0+3] || past(8, wroom)) begin
            step_err = 1'b1;
          end
          rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_VXLAN;
          next_start = NEXT_ETH;
          next_off   = 9'(cur + LEN_W'(8));
        end else begin
          hl = 8 + LEN_W'({vb[8*0 +: 6], 2'b00});
          if (past(8, uroom) || vb[8*0+6 +: 2] != 2'd0 || past(hl, uroom) ||
              past(hl, wroom)) begin
            step_err = 1'b1;
          end
          rec_d.tun_type = nic_fmt_pkg::TUN_TYPE_GENEVE;
          next_start = start_for({vb[8*2 +: 8], vb[8*3 +: 8]});
          next_off   = 9'(cur + hl);
          // spec 11: the token option, first in the options, wholly within them (52 bytes)
          if (!lvl_q && hl >= 60 && {vb[8*8 +: 8], vb[8*9 +: 8]} == 16'hFFF0 &&
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
        cur_d   = 9'(cur + LEN_W'(40));
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
    // the end of level 1 ends the parse (deeper levels do not count). An error a step finds
    // ends the parse one clock later (stop_q): the step's next state and cursor come from its
    // header's decode alone, not from its checks, which sit at the end of the longest paths
    // (docs/rtl-parser.md, Timing). What the erroneous step decoded meanwhile is not used
    // (the result's record is zero with the error flag).
    if (state_q != S_IDLE && state_q != S_FIN && state_q != S_TOK0 && state_q != S_TOK1) begin
      err_d  = err_q || step_err;
      stop_d = step_err;
      if (stop_q) begin
        finish = 1'b1;  // the last step's error
      end else if (lvl_done) begin
        if (!lvl_q && next_start != NEXT_NONE) begin
          lvl_d  = 1'b1;
          lv0_d  = rec_d;
          rec_d  = '0;
          rec_d.l2_off = next_off[7:0];
          cur_d  = next_off;
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
        if (tok_d && !stop_q) begin  // the token's bytes first (unused after an error)
          state_d = S_TOK0;
          cur_d   = tokoff_d;
        end
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
      res_q.tok       <= tok_q && !err_q;
      res_q.token     <= tbuf_q;
      res_q.err       <= err_q;
      res_q.inner     <= lvl_q;
      res_q.frame_len <= plen_q > LEN_W'(16'hffff) ? 16'hffff : plen_q[15:0];
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
    stop_q    <= stop_d;
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
