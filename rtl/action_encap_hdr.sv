// SPDX-License-Identifier: MIT
// action_encap_hdr: the outer headers that an encap from a template prepends (spec 5.5:
// VXLAN, NVGRE or Geneve by the template's tunnel field), built from the 64-byte template
// (nic_fmt_pkg::encap_t), the length of the frame it encapsulates and the flow hash h1.
// T = 16 bytes after the IP header (UDP + VXLAN or Geneve), 8 for NVGRE (GRE); P = 17 (UDP),
// 47 for NVGRE.
//
// One register stage: the inputs are taken when in_valid is high, with the lengths computed
// (UDP / IPv6 payload length, IPv4 total length); hdr and hdr_len are combinational from that
// register (the IPv4 header checksum as a tree and a carry-select fold) and describe the last
// input taken; out_valid is high the clock after in_valid. The caller writes them to its FIFO
// then (action_edit), so the length arithmetic and the checksum are two short paths.
//
//   Ethernet: template dmac, smac, [0x8100 + TCI when the template's TCI is not 0], EtherType
//   IPv4: 45 00 | 20+T+len | 0000 | 4000 (DF) | TTL P | checksum | sip | dip   (20 bytes)
//   IPv6: 60000000 | T+len | P TTL | sip | dip                                 (40 bytes)
//   VXLAN:  UDP 0xC000 | (h1 & 0x3FFF) | template dport | 16+len | 0000, then 08 000000 VNI 00
//   Geneve: the same UDP, then 00 00 6558 VNI 00 (version 0, no options)
//   NVGRE:  2000 (K) | 6558 | VSID (the template's vni) | h1 & 0xFF (FlowID)
//
// hdr_len is 50, 54 (has_tag), 70 (IPv6) or 74 (has_tag IPv6), 8 less for NVGRE. Header byte
// i is hdr[8*i +: 8]; bytes at and past hdr_len are 0. Lengths are modulo 2^16, as in the
// model. The tunnel value 3 never reaches here (ENCAP_CMD WRITE refuses it); it builds VXLAN.
`resetall
`timescale 1ns/1ps
`default_nettype none

module action_encap_hdr (
  input  wire                                clk,
  input  wire                                rst,
  input  wire                                in_valid,
  input  wire nic_fmt_pkg::encap_t           in_tpl,
  input  wire [15:0]                         in_inner_len,  // frame after decap and VLAN op
  input  wire [31:0]                         in_h1,
  output logic                               out_valid,
  output logic [nic_pkg::ENC_HDR_MAX*8-1:0]  hdr,
  output logic [6:0]                         hdr_len
);

  localparam int REST_BYTES = 58;  // EtherType + IPv6 + UDP + VXLAN

  logic             has_tag, v6, nvgre, geneve;
  logic [15:0]      tci, dport, udp_len, tot_len, sport;
  logic [7:0]       ttl, proto;
  logic [23:0]      vni;
  logic [31:0]      sip4, dip4;
  logic [19:0]      acc;
  logic [7*16-1:0]  csum_terms;
  logic [16:0]      f1;
  logic [15:0]      f1_inc;
  logic [15:0]      csum;
  // Stage register (valid reset, the rest not).
  logic             valid_q;
  nic_fmt_pkg::encap_t tpl_q;
  logic [31:0]      h1_q;
  logic [15:0]      udp_len_q, tot_len_q;
  logic             in_nvgre;
  logic [REST_BYTES*8-1:0] rest;
  logic [8*8-1:0]   udp, vxlan, tun;
  logic [16*8-1:0]  after_ip;  // the bytes after the IP header (8 of them for NVGRE)
  logic             unused_tmpl;

  // Stage: the lengths (modulo 2^16, as in the model) from the input's.
  assign in_nvgre = in_tpl.flags.tunnel == nic_fmt_pkg::ENCAP_TUNNEL_NVGRE;

  always_ff @(posedge clk) begin
    if (in_valid) begin
      tpl_q     <= in_tpl;
      h1_q      <= in_h1;
      udp_len_q <= in_inner_len + (in_nvgre ? 16'd8 : 16'd16);   // also IPv6 payload length
      tot_len_q <= in_inner_len + (in_nvgre ? 16'd28 : 16'd36);  // udp_len + 20
    end
    valid_q <= !rst && in_valid;
  end

  assign out_valid = valid_q;

  // The reserved bytes and bits of the template are zero.
  assign unused_tmpl = ^{tpl_q.flags.rsvd_3, tpl_q.rsvd_21, tpl_q.rsvd_56, h1_q[31:14]};

  always_comb begin
    tci     = tpl_q.vlan_tci;
    has_tag  = tci != 16'd0;
    v6      = tpl_q.flags.ipv6;
    nvgre   = tpl_q.flags.tunnel == nic_fmt_pkg::ENCAP_TUNNEL_NVGRE;
    geneve  = tpl_q.flags.tunnel == nic_fmt_pkg::ENCAP_TUNNEL_GENEVE;
    proto   = nvgre ? nic_pkg::IPPROTO_GRE : nic_pkg::IPPROTO_UDP;
    ttl     = tpl_q.ttl;
    dport   = tpl_q.udp_dport;
    vni     = tpl_q.vni;
    // An IPv4 address is the last 4 bytes of the 16-byte field (network order).
    for (int b = 0; b < 4; b++) begin
      sip4[31-8*b -: 8] = tpl_q.sip[8*(12+b) +: 8];
      dip4[31-8*b -: 8] = tpl_q.dip[8*(12+b) +: 8];
    end
    udp_len = udp_len_q;
    tot_len = tot_len_q;
    sport   = nic_pkg::VXLAN_SPORT_BASE | {2'b00, h1_q[13:0]};

    // IPv4 header checksum over the 20 bytes (checksum field 0): 4500 + 4000 (DF) as one
    // term, summed by a tree (acc, below).
    csum_terms = {16'h8500, tot_len, ttl, proto, sip4[31:16], sip4[15:0], dip4[31:16],
                  dip4[15:0]};
  end

  add_tree #(.N(7), .W(16), .OUT_W(20)) u_csum (.in(csum_terms), .sum(acc));

  // The checksum and the header (a block of its own: the tree is between the two).
  always_comb begin
    // End-around carry, carry-select: both sums at once, the carry out picks (+1 cannot
    // carry again: lo + hi <= 0xFFFF + 0xF).
    f1     = {1'b0, acc[15:0]} + {13'd0, acc[19:16]};
    f1_inc = acc[15:0] + {12'd0, acc[19:16]} + 16'd1;
    csum   = ~(f1[16] ? f1_inc[15:0] : f1[15:0]);

    udp   = {8'h00, 8'h00, udp_len[7:0], udp_len[15:8], dport[7:0], dport[15:8],
             sport[7:0], sport[15:8]};                 // byte 0 in the low bits
    vxlan = {8'h00, vni[7:0], vni[15:8], vni[23:16], 8'h00, 8'h00, 8'h00, 8'h08};
    if (nvgre) begin
      tun = {h1_q[7:0], vni[7:0], vni[15:8], vni[23:16], nic_pkg::ETHERTYPE_TEB[7:0],
             nic_pkg::ETHERTYPE_TEB[15:8], 8'h00, 8'h20};   // GRE, K set
    end else if (geneve) begin
      tun = {8'h00, vni[7:0], vni[15:8], vni[23:16], nic_pkg::ETHERTYPE_TEB[7:0],
             nic_pkg::ETHERTYPE_TEB[15:8], 8'h00, 8'h00};   // version 0, no options
    end else begin
      tun = vxlan;
    end
    after_ip = nvgre ? {64'd0, tun} : {tun, udp};

    rest = '0;
    if (!v6) begin
      rest[8*0 +: 16]  = {nic_pkg::ETHERTYPE_IPV4[7:0], nic_pkg::ETHERTYPE_IPV4[15:8]};
      rest[8*2 +: 8]   = 8'h45;
      rest[8*3 +: 8]   = 8'h00;
      rest[8*4 +: 16]  = {tot_len[7:0], tot_len[15:8]};
      rest[8*6 +: 16]  = 16'h0000;                                // ID
      rest[8*8 +: 16]  = {8'h00, 8'h40};                          // DF
      rest[8*10 +: 8]  = ttl;
      rest[8*11 +: 8]  = proto;
      rest[8*12 +: 16] = {csum[7:0], csum[15:8]};
      rest[8*14 +: 32] = tpl_q.sip[8*12 +: 32];
      rest[8*18 +: 32] = tpl_q.dip[8*12 +: 32];
      rest[8*22 +: 128] = after_ip;
    end else begin
      rest[8*0 +: 16]   = {nic_pkg::ETHERTYPE_IPV6[7:0], nic_pkg::ETHERTYPE_IPV6[15:8]};
      rest[8*2 +: 32]   = {8'h00, 8'h00, 8'h00, 8'h60};
      rest[8*6 +: 16]   = {udp_len[7:0], udp_len[15:8]};
      rest[8*8 +: 8]    = proto;
      rest[8*9 +: 8]    = ttl;
      rest[8*10 +: 128] = tpl_q.sip;
      rest[8*26 +: 128] = tpl_q.dip;
      rest[8*42 +: 128] = after_ip;
    end

    hdr = '0;
    hdr[0 +: 96] = {tpl_q.smac, tpl_q.dmac};  // dmac, smac
    if (has_tag) begin
      hdr[8*12 +: 32]          = {tci[7:0], tci[15:8], nic_pkg::TPID_8021Q[7:0],
                                  nic_pkg::TPID_8021Q[15:8]};
      hdr[8*16 +: 8*REST_BYTES] = rest;
    end else begin
      hdr[8*12 +: 8*REST_BYTES] = rest;
    end
    hdr_len = 7'd50 + (has_tag ? 7'd4 : 7'd0) + (v6 ? 7'd20 : 7'd0) - (nvgre ? 7'd8 : 7'd0);
  end

endmodule

`default_nettype wire
