// SPDX-License-Identifier: MIT
// rx_classify_engine: level-0 header walker of the receive classifier (docs/rtl-rx-classify.md).
//
// Takes one delivered frame's first HEAD_BYTES bytes, its length and the ones-complement word
// sum of its bytes [0, ip_end) (computed by rx_classify on the stream), walks level 0 exactly
// as the golden model's parser does for pr.levels[0] (model/src/parse.cpp, also when a later
// header fails: what was found before the failure stays found), and delivers what the
// completion needs (model completion_status, spec 7.1 bytes 12-15) plus the RSS hash input
// (model rss_input, spec 6) on m_* (registered, valid in S_OUT).
//
// States: S_HDR (Ethernet, VLAN tags and the fixed IP header, one clock), S_EXT (one IPv6
// extension header per clock), S_L4 (TCP/UDP/ICMP/ICMPv6/GRE and VXLAN/Geneve behind UDP, and
// the word sum [0, l4_off)), S_OUT (the record is offered; a new frame is taken in the clock
// it leaves). IPv4/TCP: 3 clocks per frame.
//
// Headers are read from the captured head only: a level-0 extension header or L4 header that
// starts so far in that its bytes (4 resp. 16 from its start) pass HEAD_BYTES, in a frame
// longer than HEAD_BYTES, ends the walk there (the header counts as absent: see the "head
// limit" in the doc). Offsets at level 0 are always 2 mod 4 (14/18/22 + multiples of 4), so
// the cursor views are 4-byte aligned shifts.
`resetall
`timescale 1ns/1ps
`default_nettype none

module rx_classify_engine #(
  parameter int HEAD_BYTES = 256,     // bytes of the frame kept for the walk, multiple of 4
  parameter int REC_W      = 343      // width of m_data (checked)
) (
  input  wire                     clk,
  input  wire                     rst,

  input  wire [15:0]              cfg_vxlan_port,   // sampled when a frame is taken
  input  wire [15:0]              cfg_geneve_port,

  input  wire                     s_valid,
  output wire                     s_ready,
  input  wire [HEAD_BYTES*8-1:0]  s_buf,            // frame byte j at [8*j +: 8]
  input  wire [15:0]              s_len,            // frame bytes
  input  wire [31:0]              s_sum,            // sum of the 16-bit words of [0, ip_end)
  input  wire [7:0]               s_vport,          // destination vport
  input  wire                     s_rss,            // frame to a VNIC (RSS applies)
  input  wire                     s_perr,           // parse_err of the record

  output wire                     m_valid,
  input  wire                     m_ready,
  output wire [REC_W-1:0]         m_data
);

  localparam int HW  = HEAD_BYTES * 8;
  localparam int NW  = HEAD_BYTES / 2;     // 16-bit words in the head
  localparam int OW  = 18;                 // offsets and ends (ip_end < 2^17), one spare bit
  localparam int SW  = 17 + $clog2(NW);    // exact word sums over the head (24 at 128 words)

  initial begin
    if (HEAD_BYTES < 64 || HEAD_BYTES % 4 != 0 || HEAD_BYTES > 4096) begin
      $error("rx_classify_engine (%m): HEAD_BYTES (%0d) must be a multiple of 4, 64..4096",
             HEAD_BYTES);
    end
    if (REC_W != 343) begin
      $error("rx_classify_engine (%m): REC_W (%0d) must be 343", REC_W);
    end
  end

  localparam logic [1:0] S_IDLE = 2'd0;
  localparam logic [1:0] S_HDR  = 2'd1;
  localparam logic [1:0] S_EXT  = 2'd2;
  localparam logic [1:0] S_L4   = 2'd3;
  // S_OUT is S_IDLE with out_q set (see below).

  // L4 kinds (kind_q).
  localparam logic [2:0] K_NONE   = 3'd0;
  localparam logic [2:0] K_TCP    = 3'd1;
  localparam logic [2:0] K_UDP    = 3'd2;
  localparam logic [2:0] K_ICMP   = 3'd3;
  localparam logic [2:0] K_ICMPV6 = 3'd4;

  // Control.
  logic [1:0]    state_q, state_d;
  logic          out_q, out_d;           // the record is offered (S_OUT)
  // Frame.
  logic [HW+127:0] buf_q, buf_d;         // head plus 16 zero bytes for the cursor views
  logic [15:0]   len_q, len_d;
  logic [31:0]   sip_q, sip_d;
  logic [7:0]    vport_q, vport_d;
  logic          rss_q, rss_d, perr_q, perr_d;
  logic [15:0]   vxp_q, vxp_d, gnp_q, gnp_d;
  // Walk.
  logic          vlan_q, vlan_d;
  logic [15:0]   tci_q, tci_d;
  logic [1:0]    l3_q, l3_d;             // nic_fmt_pkg::L3_TYPE_*
  logic          frag_q, frag_d;
  logic [OW-1:0] ipend_q, ipend_d;       // declared end of the IP packet
  logic [OW-1:0] rend_q, rend_d;         // min(ipend, len): end of the L4 region
  logic [OW-1:0] cur_q, cur_d;           // next header
  logic [7:0]    proto_q, proto_d;
  logic [3:0]    next_q, next_d;         // extension headers walked
  logic [SW-1:0] hsum_q, hsum_d;         // IPv4 header word sum
  logic [SW-1:0] asum_q, asum_d;         // address word sum (pseudo header)
  logic [SW-1:0] pre_q, pre_d;           // word sum of [0, l4_off)
  logic [2:0]    kind_q, kind_d;
  logic [OW-1:0] l4off_q, l4off_d;
  logic [2:0]    tun_q, tun_d;
  logic          udp0_q, udp0_d;         // UDP checksum field is zero
  logic [31:0]   ports_q, ports_d;
  logic [255:0]  addr_q, addr_d;         // IPv4: 8 bytes, IPv6: 32 bytes, first byte at [255:248]

  function automatic logic [15:0] fold32(input logic [31:0] v);
    logic [16:0] f1;
    logic [15:0] f2;
    f1 = {1'b0, v[15:0]} + {1'b0, v[31:16]};
    f2 = f1[15:0] + {15'd0, f1[16]};  // no carry: f1[15:0] <= 0xFFFE when f1[16] is set
    fold32 = f2;
  endfunction

  // ---- combinational walk ------------------------------------------------------------------
  // Bytes are read as slices (buf_q[8*j +: 8]), not through a function of the whole head: a
  // Verilated function takes its input by value, so each call would copy the 2176-bit head
  // (docs/perf-rtl.md).
  logic [15:0]   t0, t1, t2, ltype;
  logic [OW-1:0] l3off, hl4, total, dend, plen, avail, uend, vend, ghl, xhl, ulen;
  logic          go_ip;
  logic [1:0]    vcnt;
  logic [319:0]  ipv;                    // 40 bytes at l3off, byte 0 at [7:0]
  logic [103:0]  l4v;                    // 13 bytes at the cursor (what L4 and tunnels read)
  logic [31:0]   xv;                     // 4 bytes at the cursor
  logic          unused_view;
  logic [SW-1:0] tree, sum4, sum16;
  logic [OW-1:0] tree_lo, tree_hi;
  logic [NW*16-1:0] tree_in;             // head words, zero outside [tree_lo, tree_hi)
  logic          deep4, deep16;
  logic [7:0]    nh;
  logic [15:0]   gflags;
  logic [4:0]    tdoff;

  always_comb begin
    // Views.
    t0 = {buf_q[8*12 +: 8], buf_q[8*13 +: 8]};
    t1 = {buf_q[8*16 +: 8], buf_q[8*17 +: 8]};
    t2 = {buf_q[8*20 +: 8], buf_q[8*21 +: 8]};
    l4v = 104'((buf_q >> {cur_q[OW-1:2], 5'd0}) >> 16);   // cursor = 4k + 2
    xv  = l4v[31:0];
    // TCP sequence/ack and the rest of the tunnel headers; fragment flags, id.
    unused_view = ^{l4v[99:72], xv[26:24]};
    deep4  = {2'b0, len_q} > OW'(HEAD_BYTES) && cur_q + OW'(4) > OW'(HEAD_BYTES);
    deep16 = {2'b0, len_q} > OW'(HEAD_BYTES) && cur_q + OW'(16) > OW'(HEAD_BYTES);

    // Ethernet and VLAN tags (model eth()).
    go_ip = 1'b0;
    vcnt  = 2'd0;
    ltype = t0;
    l3off = OW'(14);
    if (len_q >= 16'd14) begin
      if (nic_pkg::is_tpid(t0)) begin
        if (len_q >= 16'd18) begin
          vcnt = 2'd1;
          ltype = t1;
          l3off = OW'(18);
          if (nic_pkg::is_tpid(t1)) begin
            if (len_q >= 16'd22) begin
              vcnt = 2'd2;
              ltype = t2;
              l3off = OW'(22);
              go_ip = !nic_pkg::is_tpid(t2);
            end
          end else begin
            go_ip = 1'b1;
          end
        end
      end else begin
        go_ip = 1'b1;
      end
    end
    case (vcnt)
      2'd1:    ipv = buf_q[18*8 +: 320];
      2'd2:    ipv = buf_q[22*8 +: 320];
      default: ipv = buf_q[14*8 +: 320];
    endcase
    hl4   = OW'({ipv[3:0], 2'b00});
    total = OW'({ipv[8*2 +: 8], ipv[8*3 +: 8]});
    plen  = OW'({ipv[8*4 +: 8], ipv[8*5 +: 8]});
    dend  = (plen == '0 && ipv[8*6 +: 8] == nic_pkg::IPPROTO_HOPOPTS) ? OW'(len_q)   // jumbogram
                                                                    : l3off + OW'(40) + plen;

    // Masked word sum over the head (add_tree below): words in [tree_lo, tree_hi) (both
    // even), masked with AND so that the sum is one balanced tree.
    if (state_q == S_HDR) begin
      tree_lo = l3off;
      tree_hi = l3off + hl4;
    end else begin
      tree_lo = '0;
      tree_hi = cur_q;
    end
    // Only S_HDR and S_L4 take the sum: in the other states the operands are 0, and the
    // Verilated model skips the 128 masked words (docs/perf-rtl.md).
    tree_in = '0;
    if (state_q == S_HDR || state_q == S_L4) begin
      for (int k = 0; k < NW; k++) begin
        tree_in[16*k +: 16] = {buf_q[8*(2 * k) +: 8], buf_q[8*(2 * k + 1) +: 8]} &
                              {16{OW'(2 * k) >= tree_lo && OW'(2 * k) < tree_hi}};
      end
    end

    // Extension header at the cursor (model ipv6() loop).
    nh  = proto_q;
    if (nh == nic_pkg::IPPROTO_FRAGMENT) begin
      xhl = OW'(8);
    end else if (nh == nic_pkg::IPPROTO_AH) begin
      xhl = OW'({xv[15:8], 2'b00}) + OW'(8);
    end else begin
      xhl = OW'({xv[15:8], 3'b000}) + OW'(8);
    end

    // L4 at the cursor (model l4()).
    avail  = rend_q - cur_q;
    tdoff  = {1'b0, l4v[103:100]};
    ulen   = OW'({l4v[39:32], l4v[47:40]});
    uend   = (cur_q + ulen < rend_q) ? cur_q + ulen : rend_q;
    vend   = uend - (cur_q + OW'(8));
    gflags = {l4v[7:0], l4v[15:8]};
    ghl    = OW'(4) + (gflags[15] ? OW'(4) : OW'(0)) + (gflags[13] ? OW'(4) : OW'(0))
             + (gflags[12] ? OW'(4) : OW'(0));
  end

  // Word sums (balanced trees, rtl/add_tree.sv): the IPv4 addresses (4 words at ipv byte 12),
  // the IPv6 addresses (16 words at ipv byte 8), and the masked head.
  logic [63:0]  a4_in;
  logic [255:0] a16_in;
  always_comb begin
    for (int k = 0; k < 4; k++) begin
      a4_in[16*k +: 16] = {ipv[8*(12 + 2 * k) +: 8], ipv[8*(13 + 2 * k) +: 8]};
    end
    for (int k = 0; k < 16; k++) begin
      a16_in[16*k +: 16] = {ipv[8*(8 + 2 * k) +: 8], ipv[8*(9 + 2 * k) +: 8]};
    end
  end

  add_tree #(.N(4), .W(16), .OUT_W(SW)) u_sum4 (.in(a4_in), .sum(sum4));
  add_tree #(.N(16), .W(16), .OUT_W(SW)) u_sum16 (.in(a16_in), .sum(sum16));
  add_tree #(.N(NW), .W(16), .OUT_W(SW)) u_tree (.in(tree_in), .sum(tree));

  // ---- next state ----------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    out_d   = out_q;
    buf_d   = buf_q;
    len_d   = len_q;
    sip_d   = sip_q;
    vport_d = vport_q;
    rss_d   = rss_q;
    perr_d  = perr_q;
    vxp_d   = vxp_q;
    gnp_d   = gnp_q;
    vlan_d  = vlan_q;
    tci_d   = tci_q;
    l3_d    = l3_q;
    frag_d  = frag_q;
    ipend_d = ipend_q;
    rend_d  = rend_q;
    cur_d   = cur_q;
    proto_d = proto_q;
    next_d  = next_q;
    hsum_d  = hsum_q;
    asum_d  = asum_q;
    pre_d   = pre_q;
    kind_d  = kind_q;
    l4off_d = l4off_q;
    tun_d   = tun_q;
    udp0_d  = udp0_q;
    ports_d = ports_q;
    addr_d  = addr_q;

    if (out_q && m_ready) begin
      out_d = 1'b0;
    end

    case (state_q)
      S_HDR: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        vlan_d  = vcnt != 2'd0;
        tci_d   = vcnt != 2'd0 ? {buf_q[8*14 +: 8], buf_q[8*15 +: 8]} : 16'd0;
        hsum_d  = tree;
        if (go_ip && ltype == nic_pkg::ETHERTYPE_IPV4) begin
          // IPv4: 20 bytes, version 4, IHL >= 5, header within the frame, total >= header.
          if (OW'(len_q) - l3off >= OW'(20) && ipv[7:4] == 4'd4 && hl4 >= OW'(20) &&
              OW'(len_q) - l3off >= hl4 && total >= hl4) begin
            l3_d    = nic_fmt_pkg::L3_TYPE_IPV4;
            frag_d  = ipv[53] || {ipv[52:48], ipv[63:56]} != 13'd0;
            ipend_d = l3off + total;
            rend_d  = (l3off + total <= OW'(len_q)) ? l3off + total : OW'(len_q);
            cur_d   = l3off + hl4;
            proto_d = ipv[8*9 +: 8];
            asum_d  = sum4;
            addr_d  = {ipv[8*12 +: 8], ipv[8*13 +: 8], ipv[8*14 +: 8], ipv[8*15 +: 8],
                       ipv[8*16 +: 8], ipv[8*17 +: 8], ipv[8*18 +: 8], ipv[8*19 +: 8], 192'd0};
            if ({ipv[52:48], ipv[63:56]} == 13'd0) begin
              state_d = S_L4;
              out_d   = 1'b0;
            end
          end
        end else if (go_ip && ltype == nic_pkg::ETHERTYPE_IPV6) begin
          if (OW'(len_q) - l3off >= OW'(40) && ipv[7:4] == 4'd6) begin
            l3_d    = nic_fmt_pkg::L3_TYPE_IPV6;
            ipend_d = dend;
            rend_d  = (dend <= OW'(len_q)) ? dend : OW'(len_q);
            cur_d   = l3off + OW'(40);
            proto_d = ipv[8*6 +: 8];
            asum_d  = sum16;
            for (int k = 0; k < 32; k++) begin
              addr_d[255 - 8 * k -: 8] = ipv[8*(8 + k) +: 8];
            end
            state_d = nic_pkg::is_ext(ipv[8*6 +: 8]) ? S_EXT : S_L4;
            out_d   = 1'b0;
          end
        end
      end

      S_EXT: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        if ((nh == nic_pkg::IPPROTO_HOPOPTS && next_q != 4'd0) || next_q >= 4'd8 || deep4 ||
            rend_q - cur_q < OW'(2) || rend_q - cur_q < xhl) begin
          // bad order, too many, beyond the head, truncated: the walk ends (no L4)
        end else begin
          if (nh == nic_pkg::IPPROTO_FRAGMENT) begin
            frag_d = 1'b1;
          end
          cur_d   = cur_q + xhl;
          next_d  = next_q + 4'd1;
          proto_d = xv[7:0];
          if (!(nh == nic_pkg::IPPROTO_FRAGMENT && {xv[23:16], xv[31:27]} != 13'd0)) begin
            state_d = nic_pkg::is_ext(xv[7:0]) ? S_EXT : S_L4;
            out_d   = 1'b0;
          end
        end
      end

      S_L4: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        pre_d   = tree;
        l4off_d = cur_q;
        ports_d = {l4v[7:0], l4v[15:8], l4v[23:16], l4v[31:24]};
        udp0_d  = l4v[55:48] == 8'd0 && l4v[63:56] == 8'd0;
        if (!deep16) begin
          case (proto_q)
            nic_pkg::IPPROTO_TCP: begin
              if (avail >= OW'(20) && tdoff >= 5'd5 && avail >= OW'({tdoff, 2'b00})) begin
                kind_d = K_TCP;
              end
            end
            nic_pkg::IPPROTO_UDP: begin
              if (avail >= OW'(8) && ulen >= OW'(8) && cur_q + ulen <= ipend_q) begin
                kind_d = K_UDP;
                if ({l4v[23:16], l4v[31:24]} == vxp_q) begin
                  if (vend >= OW'(8) && l4v[67]) begin
                    tun_d = nic_fmt_pkg::TUN_TYPE_VXLAN;
                  end
                end else if ({l4v[23:16], l4v[31:24]} == gnp_q) begin
                  if (vend >= OW'(8) && l4v[71:70] == 2'b00 &&
                      vend >= OW'(8) + OW'({l4v[69:64], 2'b00})) begin
                    tun_d = nic_fmt_pkg::TUN_TYPE_GENEVE;
                  end
                end
              end
            end
            nic_pkg::IPPROTO_ICMP: begin
              if (avail >= OW'(8)) begin
                kind_d = K_ICMP;
              end
            end
            nic_pkg::IPPROTO_ICMPV6: begin
              if (avail >= OW'(4)) begin
                kind_d = K_ICMPV6;
              end
            end
            nic_pkg::IPPROTO_GRE: begin
              if (avail >= OW'(4) && gflags[2:0] == 3'd0 && (gflags & 16'h4ff8) == 16'd0 &&
                  avail >= ghl) begin
                tun_d = (gflags[13] && {l4v[23:16], l4v[31:24]} == nic_pkg::ETHERTYPE_TEB)
                        ? nic_fmt_pkg::TUN_TYPE_NVGRE : nic_fmt_pkg::TUN_TYPE_GRE;
              end
            end
            default: ;
          endcase
        end
      end

      default: ;  // S_IDLE
    endcase

    // Take a frame (the record of the previous one leaves in this clock, or has left).
    if (s_valid && s_ready) begin
      state_d = S_HDR;
      out_d   = 1'b0;
      buf_d   = {128'd0, s_buf};
      len_d   = s_len;
      sip_d   = s_sum;
      vport_d = s_vport;
      rss_d   = s_rss;
      perr_d  = s_perr;
      vxp_d   = cfg_vxlan_port;
      gnp_d   = cfg_geneve_port;
      vlan_d  = 1'b0;
      tci_d   = '0;
      l3_d    = nic_fmt_pkg::L3_TYPE_NONE;
      frag_d  = 1'b0;
      ipend_d = '0;
      rend_d  = '0;
      cur_d   = '0;
      proto_d = '0;
      next_d  = '0;
      hsum_d  = '0;
      asum_d  = '0;
      pre_d   = '0;
      kind_d  = K_NONE;
      l4off_d = '0;
      tun_d   = '0;
      udp0_d  = 1'b0;
      ports_d = '0;
      addr_d  = '0;
    end
  end

  assign s_ready = state_q == S_IDLE && (!out_q || m_ready);

  always_ff @(posedge clk) begin
    buf_q   <= buf_d;
    len_q   <= len_d;
    sip_q   <= sip_d;
    vport_q <= vport_d;
    rss_q   <= rss_d;
    perr_q  <= perr_d;
    vxp_q   <= vxp_d;
    gnp_q   <= gnp_d;
    vlan_q  <= vlan_d;
    tci_q   <= tci_d;
    l3_q    <= l3_d;
    frag_q  <= frag_d;
    ipend_q <= ipend_d;
    rend_q  <= rend_d;
    cur_q   <= cur_d;
    proto_q <= proto_d;
    next_q  <= next_d;
    hsum_q  <= hsum_d;
    asum_q  <= asum_d;
    pre_q   <= pre_d;
    kind_q  <= kind_d;
    l4off_q <= l4off_d;
    tun_q   <= tun_d;
    udp0_q  <= udp0_d;
    ports_q <= ports_d;
    addr_q  <= addr_d;
    if (rst) begin
      state_q <= S_IDLE;
      out_q   <= 1'b0;
    end else begin
      state_q <= state_d;
      out_q   <= out_d;
    end
  end

  // ---- the record (from the registers, in S_OUT) ---------------------------------------------
  logic          has_ip, checked, ip_ok, l4_ok, pseudo;
  logic [31:0]   seg, tsum;
  logic [OW-1:0] seglen;
  logic [2:0]    l4k;                    // nic_fmt_pkg::CPL_L4_*
  nic_fmt_pkg::rx_cpl_types_t types;     // receive completion byte 15
  logic [287:0]  rss_in;
  logic [31:0]   rss_ports;

  always_comb begin
    has_ip  = l3_q != nic_fmt_pkg::L3_TYPE_NONE;
    checked = has_ip && !frag_q && ipend_q <= OW'(len_q);
    ip_ok   = checked && (l3_q == nic_fmt_pkg::L3_TYPE_IPV6 || fold32(32'(hsum_q)) == 16'hFFFF);
    seg     = sip_q - 32'(pre_q);
    seglen  = ipend_q - l4off_q;
    pseudo  = kind_q != K_ICMP;
    tsum    = seg + (pseudo ? 32'(asum_q) + 32'(proto_q) + 32'(seglen[15:0]) + 32'(seglen[OW-1:16])
                            : 32'd0);
    l4_ok   = checked && kind_q != K_NONE &&
              ((kind_q == K_UDP && l3_q == nic_fmt_pkg::L3_TYPE_IPV4 && udp0_q) ||
               fold32(tsum) == 16'hFFFF);
    if (!has_ip) begin
      l4k = nic_fmt_pkg::CPL_L4_NONE;
    end else begin
      case (kind_q)
        K_TCP:            l4k = nic_fmt_pkg::CPL_L4_TCP;
        K_UDP:            l4k = nic_fmt_pkg::CPL_L4_UDP;
        K_ICMP, K_ICMPV6: l4k = nic_fmt_pkg::CPL_L4_ICMP;
        default:          l4k = nic_fmt_pkg::CPL_L4_OTHER;
      endcase
    end
    types     = '0;
    types.tun = tun_q;
    types.l4  = l4k;
    types.l3  = l3_q;
    rss_ports = (!frag_q && (kind_q == K_TCP || kind_q == K_UDP)) ? ports_q : 32'd0;
    if (l3_q == nic_fmt_pkg::L3_TYPE_IPV4) begin
      rss_in = {addr_q[255:192], rss_ports, 192'd0};
    end else begin
      rss_in = {addr_q, rss_ports};
    end
  end

  // Record: {perr, vlan, tci, types, checked, ip_ok, l4_ok, has_ip, rss_in, vport, rss, len}
  assign m_valid = out_q;
  assign m_data  = {perr_q, vlan_q, tci_q, types, checked, ip_ok, l4_ok, has_ip,
                    rss_in, vport_q, rss_q, len_q};

endmodule

`default_nettype wire
