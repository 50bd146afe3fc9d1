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
// States: S_HDR (the fixed IP header, one clock; the Ethernet/VLAN decode and the IPv4 header's
// bounds are registered as the frame is taken, so the head sum's masks come from registers),
// S_XV and S_EXT (one IPv6
// extension header per two clocks: S_XV registers the 4 bytes at the cursor, S_EXT acts on
// them, so the cursor's next value does not wait for the view's shift), S_L4 (TCP/UDP/ICMP/ICMPv6/GRE and VXLAN/Geneve behind UDP, and
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
  input  wire [31:0]              s_sum,            // sum of the 16-bit words of [0, ip_end),
                                                    // read two clocks after the frame is taken
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

  localparam logic [2:0] S_IDLE = 3'd0;
  localparam logic [2:0] S_HDR  = 3'd1;
  localparam logic [2:0] S_EXT  = 3'd2;
  localparam logic [2:0] S_L4   = 3'd3;
  localparam logic [2:0] S_PRE  = 3'd4;   // after the last extension header: the sum's mask
  localparam logic [2:0] S_XV   = 3'd5;   // before S_EXT: the bytes at the cursor into xv
  // S_OUT is S_IDLE with out_q set (see below).

  // L4 kinds (kind, from the S_L4 findings l4f_q in S_OUT).
  localparam logic [2:0] K_NONE   = 3'd0;
  localparam logic [2:0] K_TCP    = 3'd1;
  localparam logic [2:0] K_UDP    = 3'd2;
  localparam logic [2:0] K_ICMP   = 3'd3;
  localparam logic [2:0] K_ICMPV6 = 3'd4;

  // Control.
  logic [2:0]    state_q, state_d;
  logic          out_q, out_d;           // the record is offered (S_OUT)
  // Frame.
  logic [HW+127:0] buf_q;                // head plus 16 zero bytes for the cursor views
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
  // What S_L4 found, one flag each (at most one of TCP/UDP/ICMP/ICMPv6, at most one tunnel):
  // the kind and tunnel type are formed from them in S_OUT, so that S_L4's compares after the
  // cursor view end in a register.
  localparam int F_TCP = 0, F_UDP = 1, F_ICMP = 2, F_ICMPV6 = 3;
  localparam int F_VXLAN = 4, F_GENEVE = 5, F_GRE = 6, F_NVGRE = 7;
  logic [7:0]    l4f_q, l4f_d;
  logic          udp_ok, gre_ok, tun_port_vx, tun_port_gn;
  logic          udp0_q, udp0_d;         // UDP checksum field is zero
  logic [31:0]   ports_q, ports_d;
  logic [255:0]  addr_q, addr_d;         // IPv4: 8 bytes, IPv6: 32 bytes, first byte at [255:248]
  // Taken with the frame (Ethernet/VLAN decode of s_buf, s_len), read in S_HDR.
  logic [1:0]    vcnt_q, vcnt_d;         // VLAN tags before the L3 header
  logic          v4_q, v4_d, v6_q, v6_d; // an IPv4 / IPv6 EtherType after them
  logic [OW-1:0] l3off_q, l3off_d;       // 14/18/22
  logic [5:0]    hl4_q, hl4_d;           // IPv4 header length field x 4 (byte l3off, low nibble)
  // The head words the masked sum takes (word k: bytes 2k, 2k+1), a register: [l3off,
  // l3off + hl4) in S_HDR (set as the frame is taken), [0, cur) in S_L4 (set by S_HDR, or by
  // S_PRE after extension headers).
  logic [NW-1:0] mask_q, mask_d;
  // The cursor view: l4v, 13 bytes at byte 4 * vidx_q + 2, a register index. S_EXT reads it at
  // the cursor; S_L4 reads l4r_q, the view registered in the clock before (S_HDR: at the
  // L4 header's place behind the fixed IP header, known as the frame is taken; S_PRE: at
  // the cursor after the extension headers).
  logic [6:0]    vidx_q, vidx_d;
  logic [103:0]  l4r_q, l4r_d;
  logic [6:0]    l4vidx_e;               // IPv4: l3off + hl4; IPv6: l3off + 40; in words (take)
  logic          sum_en_q;               // state is S_HDR or S_L4: the head sum is taken
  logic          sip_ld_q;               // the clock after S_HDR: s_sum is the frame's
  logic [SW+7:0] psd_q, psd_d;           // pseudo header word sum (0 for ICMPv4), set in S_L4

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
  logic [OW-1:0] l3off, hl4, total, dend, plen, avail, ipav, ghl, xhl, ulen, gmin, a8;
  logic          xfit;
  logic          go_ip;
  logic [1:0]    vcnt;
  logic [5:0]    hl4_e;
  logic [319:0]  ipv;                    // 40 bytes at l3off, byte 0 at [7:0]
  logic [103:0]  l4v;                    // 13 bytes at vidx_q (what L4 and tunnels read)
  logic [31:0]   xv;                     // 4 bytes at the cursor, registered (S_XV) for S_EXT
  logic [31:0]   xv_q;
  logic          unused_view;
  logic [SW-1:0] tree, sum4, sum16;
  logic [NW*16-1:0] tree_in;             // head words, zero outside [tree_lo, tree_hi)
  logic          deep4, deep16;
  logic [7:0]    nh;
  logic [15:0]   gflags;
  logic [4:0]    tdoff;

  always_comb begin
    // Ethernet and VLAN tags (model eth()) of the frame being taken (s_buf, s_len): registered
    // with it (vcnt_q, v4_q, v6_q, l3off_q, hl4_q and the S_HDR sum bounds).
    t0 = {s_buf[8*12 +: 8], s_buf[8*13 +: 8]};
    t1 = {s_buf[8*16 +: 8], s_buf[8*17 +: 8]};
    t2 = {s_buf[8*20 +: 8], s_buf[8*21 +: 8]};
    go_ip = 1'b0;
    vcnt  = 2'd0;
    ltype = t0;
    l3off = OW'(14);
    if (s_len >= 16'd14) begin
      if (nic_pkg::is_tpid(t0)) begin
        if (s_len >= 16'd18) begin
          vcnt = 2'd1;
          ltype = t1;
          l3off = OW'(18);
          if (nic_pkg::is_tpid(t1)) begin
            if (s_len >= 16'd22) begin
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
      2'd1:    hl4_e = {s_buf[18*8 +: 4], 2'b00};
      2'd2:    hl4_e = {s_buf[22*8 +: 4], 2'b00};
      default: hl4_e = {s_buf[14*8 +: 4], 2'b00};
    endcase

    // (l3off is 4m + 2 and hl4, 40 multiples of 4: the sum in words.)
    l4vidx_e = l3off[8:2] + ((go_ip && ltype == nic_pkg::ETHERTYPE_IPV4) ? 7'(hl4_e[5:2]) : 7'd10);

    // Views of the frame taken.
    // Cursor = 4k + 2. Only cur[8:2] select (vidx): a cursor past the head (256 bytes, so bit
    // 9 and up set) is only in a frame longer than the head, where deep4/deep16 (below) drop
    // what the view shows.
    l4v = 104'((buf_q >> {vidx_q, 5'd0}) >> 16);
    xv  = xv_q;
    // TCP sequence/ack and the rest of the tunnel headers; fragment flags, id.
    unused_view = ^{l4r_q[99:72], xv[26:24]};
    deep4  = {2'b0, len_q} > OW'(HEAD_BYTES) && cur_q + OW'(4) > OW'(HEAD_BYTES);
    deep16 = {2'b0, len_q} > OW'(HEAD_BYTES) && cur_q + OW'(16) > OW'(HEAD_BYTES);

    // The L3 header (the place found as the frame was taken).
    case (vcnt_q)
      2'd1:    ipv = buf_q[18*8 +: 320];
      2'd2:    ipv = buf_q[22*8 +: 320];
      default: ipv = buf_q[14*8 +: 320];
    endcase
    hl4   = OW'(hl4_q);
    total = OW'({ipv[8*2 +: 8], ipv[8*3 +: 8]});
    plen  = OW'({ipv[8*4 +: 8], ipv[8*5 +: 8]});
    dend  = (plen == '0 && ipv[8*6 +: 8] == nic_pkg::IPPROTO_HOPOPTS) ? OW'(len_q)   // jumbogram
                                                                    : l3off_q + OW'(40) + plen;

    // Masked word sum over the head (add_tree below): the words of mask_q (a register),
    // masked with AND so that the sum is one balanced tree.
    // Only S_HDR and S_L4 take the sum: in the other states the operands are 0, and the
    // Verilated model skips the 128 masked words (docs/perf-rtl.md).
    tree_in = '0;
    if (sum_en_q) begin
      for (int k = 0; k < NW; k++) begin
        tree_in[16*k +: 16] = {buf_q[8*(2 * k) +: 8], buf_q[8*(2 * k + 1) +: 8]} &
                              {16{mask_q[k]}};
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

    // L4 at the cursor (model l4()). The tunnel header behind UDP ends at the UDP end,
    // min(cur + ulen, rend), and needs (8 + options) bytes after the 8 of UDP: with ulen and
    // avail both at least 8, that is ulen >= 16 + options and avail >= 16 + options, two
    // compares side by side instead of a minimum, a difference and a compare in a row.
    avail  = rend_q - cur_q;
    // The extension header fits when avail >= xhl: with the 8 taken off the registers' side
    // (a8 = avail - 8, from registers only), the compare follows the view without an adder.
    a8   = avail - OW'(8);
    xfit = avail >= OW'(8) &&
           (nh == nic_pkg::IPPROTO_FRAGMENT ||
            (nh == nic_pkg::IPPROTO_AH ? a8 >= OW'({xv[15:8], 2'b00})
                                       : a8 >= OW'({xv[15:8], 3'b000})));
    ipav   = ipend_q - cur_q;                // cur <= rend <= ipend
    tdoff  = {1'b0, l4r_q[103:100]};
    ulen   = OW'({l4r_q[39:32], l4r_q[47:40]});
    gmin   = OW'(16) + OW'({l4r_q[69:64], 2'b00});
    gflags = {l4r_q[7:0], l4r_q[15:8]};
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
    psd_d   = psd_q;
    mask_d  = mask_q;
    l4r_d   = l4r_q;
    pre_d   = pre_q;
    l4f_d   = l4f_q;
    tun_port_vx = {l4r_q[23:16], l4r_q[31:24]} == vxp_q;
    tun_port_gn = {l4r_q[23:16], l4r_q[31:24]} == gnp_q;
    udp_ok  = proto_q == nic_pkg::IPPROTO_UDP && avail >= OW'(8) && ulen >= OW'(8) &&
              ulen <= ipav;
    gre_ok  = proto_q == nic_pkg::IPPROTO_GRE && avail >= OW'(4) && gflags[2:0] == 3'd0 &&
              (gflags & 16'h4ff8) == 16'd0 && avail >= ghl;
    udp0_d  = udp0_q;
    ports_d = ports_q;
    addr_d  = addr_q;
    vcnt_d  = vcnt_q;
    v4_d    = v4_q;
    v6_d    = v6_q;
    l3off_d = l3off_q;
    hl4_d   = hl4_q;

    if (out_q && m_ready) begin
      out_d = 1'b0;
    end
    // The stream's sum is complete two clocks after the take (rx_classify); the record uses
    // it only after S_L4, which is that clock at the earliest.
    if (sip_ld_q) begin
      sip_d = s_sum;
    end

    case (state_q)
      S_HDR: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        vlan_d  = vcnt_q != 2'd0;
        tci_d   = vcnt_q != 2'd0 ? {buf_q[8*14 +: 8], buf_q[8*15 +: 8]} : 16'd0;
        hsum_d  = tree;
        l4r_d   = l4v;                    // at l4cur (vidx_q as taken)
        // The mask of S_L4, [0, cur): cur = l3off + hl4 (IPv4) or l3off + 40 (IPv6), from
        // registers only (if no S_L4 follows, the mask is not used).
        for (int k = 0; k < NW; k++) begin
          mask_d[k] = OW'(2 * k) < l3off_q + (v4_q ? hl4 : OW'(40));
        end
        if (v4_q) begin
          // IPv4: 20 bytes, version 4, IHL >= 5, header within the frame, total >= header.
          if (OW'(len_q) - l3off_q >= OW'(20) && ipv[7:4] == 4'd4 && hl4 >= OW'(20) &&
              OW'(len_q) - l3off_q >= hl4 && total >= hl4) begin
            l3_d    = nic_fmt_pkg::L3_TYPE_IPV4;
            frag_d  = ipv[53] || {ipv[52:48], ipv[63:56]} != 13'd0;
            ipend_d = l3off_q + total;
            rend_d  = (l3off_q + total <= OW'(len_q)) ? l3off_q + total : OW'(len_q);
            cur_d   = l3off_q + hl4;
            proto_d = ipv[8*9 +: 8];
            asum_d  = sum4;
            addr_d  = {ipv[8*12 +: 8], ipv[8*13 +: 8], ipv[8*14 +: 8], ipv[8*15 +: 8],
                       ipv[8*16 +: 8], ipv[8*17 +: 8], ipv[8*18 +: 8], ipv[8*19 +: 8], 192'd0};
            if ({ipv[52:48], ipv[63:56]} == 13'd0) begin
              state_d = S_L4;
              out_d   = 1'b0;
            end
          end
        end else if (v6_q) begin
          if (OW'(len_q) - l3off_q >= OW'(40) && ipv[7:4] == 4'd6) begin
            l3_d    = nic_fmt_pkg::L3_TYPE_IPV6;
            ipend_d = dend;
            rend_d  = (dend <= OW'(len_q)) ? dend : OW'(len_q);
            cur_d   = l3off_q + OW'(40);
            proto_d = ipv[8*6 +: 8];
            asum_d  = sum16;
            for (int k = 0; k < 32; k++) begin
              addr_d[255 - 8 * k -: 8] = ipv[8*(8 + k) +: 8];
            end
            state_d = nic_pkg::is_ext(ipv[8*6 +: 8]) ? S_XV : S_L4;
            out_d   = 1'b0;
          end
        end
      end

      S_XV: begin
        state_d = S_EXT;  // vidx_q is the cursor: xv_q takes the view's first 4 bytes
      end

      S_EXT: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        if ((nh == nic_pkg::IPPROTO_HOPOPTS && next_q != 4'd0) || next_q >= 4'd8 || deep4 ||
            !xfit) begin
          // bad order, too many, beyond the head, truncated: the walk ends (no L4)
        end else begin
          if (nh == nic_pkg::IPPROTO_FRAGMENT) begin
            frag_d = 1'b1;
          end
          cur_d   = cur_q + xhl;
          next_d  = next_q + 4'd1;
          proto_d = xv[7:0];
          if (!(nh == nic_pkg::IPPROTO_FRAGMENT && {xv[23:16], xv[31:27]} != 13'd0)) begin
            state_d = nic_pkg::is_ext(xv[7:0]) ? S_XV : S_PRE;
            out_d   = 1'b0;
          end
        end
      end

      S_PRE: begin
        state_d = S_L4;
        l4r_d   = l4v;                    // at the cursor
        for (int k = 0; k < NW; k++) begin
          mask_d[k] = OW'(2 * k) < cur_q;
        end
      end

      S_L4: begin
        state_d = S_IDLE;
        out_d   = 1'b1;
        pre_d   = tree;
        // The pseudo header's sum (addresses, protocol, ip_end - l4_off), not for ICMPv4
        // (proto ICMP is the only way to K_ICMP; with another kind it is not used).
        psd_d   = (proto_q == nic_pkg::IPPROTO_ICMP) ? '0
                  : (SW+8)'(asum_q) + (SW+8)'(proto_q) + (SW+8)'(ipav[15:0]) +
                    (SW+8)'(ipav[OW-1:16]);
        ports_d = {l4r_q[7:0], l4r_q[15:8], l4r_q[23:16], l4r_q[31:24]};
        udp0_d  = l4r_q[55:48] == 8'd0 && l4r_q[63:56] == 8'd0;
        l4f_d = '0;
        if (!deep16) begin
          l4f_d[F_TCP]    = proto_q == nic_pkg::IPPROTO_TCP && avail >= OW'(20) &&
                            tdoff >= 5'd5 && avail >= OW'({tdoff, 2'b00});
          l4f_d[F_UDP]    = udp_ok;
          l4f_d[F_ICMP]   = proto_q == nic_pkg::IPPROTO_ICMP && avail >= OW'(8);
          l4f_d[F_ICMPV6] = proto_q == nic_pkg::IPPROTO_ICMPV6 && avail >= OW'(4);
          // VXLAN on its port with the I flag; Geneve (on its port unless that is VXLAN's)
          // version 0 with its options within the UDP payload.
          l4f_d[F_VXLAN]  = udp_ok && tun_port_vx && ulen >= OW'(16) && avail >= OW'(16) &&
                            l4r_q[67];
          l4f_d[F_GENEVE] = udp_ok && !tun_port_vx && tun_port_gn && l4r_q[71:70] == 2'b00 &&
                            ulen >= gmin && avail >= gmin;
          // NVGRE: K set and protocol 0x6558.
          l4f_d[F_NVGRE]  = gre_ok && gflags[13] &&
                            {l4r_q[23:16], l4r_q[31:24]} == nic_pkg::ETHERTYPE_TEB;
          l4f_d[F_GRE]    = gre_ok && !l4f_d[F_NVGRE];
        end
      end

      default: ;  // S_IDLE
    endcase

    // Take a frame (the record of the previous one leaves in this clock, or has left).
    if (s_valid && s_ready) begin
      state_d = S_HDR;
      out_d   = 1'b0;
      len_d   = s_len;
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
      psd_d   = '0;
      pre_d   = '0;
      l4f_d   = '0;
      udp0_d  = 1'b0;
      ports_d = '0;
      addr_d  = '0;
      vcnt_d  = vcnt;
      v4_d    = go_ip && ltype == nic_pkg::ETHERTYPE_IPV4;
      v6_d    = go_ip && ltype == nic_pkg::ETHERTYPE_IPV6;
      l3off_d = l3off;
      hl4_d   = hl4_e;
      // S_HDR's mask, the IPv4 header's words [l3off, l3off + hl4): for each place of L3 a
      // function of that place's IHL nibble alone, chosen by vcnt (a bit is a function of 6
      // bits). In this branch, so the Verilated model computes it only as a frame is taken.
      for (int k = 0; k < NW; k++) begin
        case (vcnt)
          2'd1:    mask_d[k] = k >= 9 && k < 9 + 2 * 32'(s_buf[18*8 +: 4]);
          2'd2:    mask_d[k] = k >= 11 && k < 11 + 2 * 32'(s_buf[22*8 +: 4]);
          default: mask_d[k] = k >= 7 && k < 7 + 2 * 32'(s_buf[14*8 +: 4]);
        endcase
      end
    end
  end

  // The view's index: the L4 header's place behind the fixed IP header as a frame is taken
  // (S_HDR registers that view for S_L4), then the cursor.
  always_comb begin
    vidx_d = cur_d[8:2];
    if (s_valid && s_ready) begin
      vidx_d = l4vidx_e;
    end
  end

  assign s_ready = state_q == S_IDLE && (!out_q || m_ready);

  // The head is loaded at the take and only read after: written in place, not copied to a
  // next-state twin every clock (the Verilated model's cost, docs/perf-rtl.md).
  always_ff @(posedge clk) begin
    if (s_valid && s_ready) begin
      buf_q <= {128'd0, s_buf};
    end
  end

  always_ff @(posedge clk) begin
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
    l4f_q   <= l4f_d;
    udp0_q  <= udp0_d;
    ports_q <= ports_d;
    addr_q  <= addr_d;
    vcnt_q  <= vcnt_d;
    v4_q    <= v4_d;
    v6_q    <= v6_d;
    l3off_q <= l3off_d;
    hl4_q   <= hl4_d;
    mask_q  <= mask_d;
    vidx_q  <= vidx_d;
    xv_q    <= l4v[31:0];
    l4r_q   <= l4r_d;
    psd_q   <= psd_d;
    if (rst) begin
      state_q  <= S_IDLE;
      out_q    <= 1'b0;
      sum_en_q <= 1'b0;
      sip_ld_q <= 1'b0;
    end else begin
      sip_ld_q <= state_q == S_HDR;
      state_q  <= state_d;
      out_q    <= out_d;
      sum_en_q <= state_d == S_HDR || state_d == S_L4;
    end
  end

  // ---- the record (from the registers, in S_OUT) ---------------------------------------------
  logic          has_ip, checked, ip_ok, l4_ok;
  logic [31:0]   seg, tsum;
  logic [2:0]    l4k;                    // nic_fmt_pkg::CPL_L4_*
  logic [2:0]    kind, tun;
  nic_fmt_pkg::rx_cpl_types_t types;     // receive completion byte 15
  logic [287:0]  rss_in;
  logic [31:0]   rss_ports;

  always_comb begin
    kind = K_NONE;
    if (l4f_q[F_TCP]) kind = K_TCP;
    if (l4f_q[F_UDP]) kind = K_UDP;
    if (l4f_q[F_ICMP]) kind = K_ICMP;
    if (l4f_q[F_ICMPV6]) kind = K_ICMPV6;
    tun = '0;
    if (l4f_q[F_VXLAN]) tun = nic_fmt_pkg::TUN_TYPE_VXLAN;
    if (l4f_q[F_GENEVE]) tun = nic_fmt_pkg::TUN_TYPE_GENEVE;
    if (l4f_q[F_GRE]) tun = nic_fmt_pkg::TUN_TYPE_GRE;
    if (l4f_q[F_NVGRE]) tun = nic_fmt_pkg::TUN_TYPE_NVGRE;
    has_ip  = l3_q != nic_fmt_pkg::L3_TYPE_NONE;
    checked = has_ip && !frag_q && ipend_q <= OW'(len_q);
    ip_ok   = checked && (l3_q == nic_fmt_pkg::L3_TYPE_IPV6 || fold32(32'(hsum_q)) == 16'hFFFF);
    seg     = sip_q - 32'(pre_q);
    tsum    = seg + 32'(psd_q);
    l4_ok   = checked && kind != K_NONE &&
              ((kind == K_UDP && l3_q == nic_fmt_pkg::L3_TYPE_IPV4 && udp0_q) ||
               fold32(tsum) == 16'hFFFF);
    if (!has_ip) begin
      l4k = nic_fmt_pkg::CPL_L4_NONE;
    end else begin
      case (kind)
        K_TCP:            l4k = nic_fmt_pkg::CPL_L4_TCP;
        K_UDP:            l4k = nic_fmt_pkg::CPL_L4_UDP;
        K_ICMP, K_ICMPV6: l4k = nic_fmt_pkg::CPL_L4_ICMP;
        default:          l4k = nic_fmt_pkg::CPL_L4_OTHER;
      endcase
    end
    types     = '0;
    types.tun = tun;
    types.l4  = l4k;
    types.l3  = l3_q;
    rss_ports = (!frag_q && (kind == K_TCP || kind == K_UDP)) ? ports_q : 32'd0;
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
