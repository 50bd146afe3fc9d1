// SPDX-License-Identifier: MIT
// action_hdr_calc: the in-place header edits of one frame (spec 5.2 steps 4-6 without decap),
// as byte overlays relative to three anchors, computed from the action record and the parse.
//
//   l2 overlay: bytes 0..15 of the frame      (set_dmac, set_smac, TCI of a VLAN rewrite)
//   l3 overlay: bytes l3_off + 0..39          (TTL / hop limit, IPv4 checksum, addresses)
//   l4 overlay: bytes l4_off + 0..17          (ports, TCP / UDP / ICMPv6 checksum)
//
// A mask bit set means "replace this byte". Checksums (spec 5.3, RFC 1624): the model updates
// field by field, HC' = ~(~HC + ~m + m'), in the order sip, dip, TTL, sport, dport. With an
// end-around-carry fold, fold(fold(a) + b) == fold(a + b) for a, b >= 0 (both are 0 only when
// a + b is, otherwise the unique value in 1..0xFFFF congruent mod 0xFFFF), so the chain equals
// one sum of ~HC and every (~m + m') term, folded once: bit-exact with the model, order
// included. Purely combinational, and only half the checksum work: this block adds the terms
// (balanced trees, rtl/lib/add_tree.sv) and sets the checksum bytes' mask bits, with the
// bytes themselves 0; action_csum_fold folds the sums and writes the bytes one register stage
// later (action_edit: after axis_byte_strip's side-band register), so neither half is a long
// path (docs/action-engine.md, Timing).
`resetall
`timescale 1ns/1ps
`default_nettype none

module action_hdr_calc (
  input  wire nic_fmt_pkg::action_t  action,
  input  wire nic_pkg::action_meta_t info,

  output logic                       modifies,   // the model's Transposer::modifies()
  output logic [1:0]                 shift_op,   // nic_fmt_pkg::VLAN_OP_NONE / _POP / _PUSH
  output logic [15:0]                vlan_tci,   // TCI of a pushed tag
  output logic [16*8-1:0]            l2_ovl,     // byte b at [8*b +: 8]
  output logic [15:0]                l2_msk,
  output logic [40*8-1:0]            l3_ovl,
  output logic [39:0]                l3_msk,
  output logic [18*8-1:0]            l4_ovl,
  output logic [17:0]                l4_msk,
  output nic_pkg::action_csum_t      csum        // for action_csum_fold
);

  logic        set_dmac, set_smac, set_sip, set_dip, set_sport, set_dport, dec_ttl;
  logic [1:0]  vlan_op;
  logic        has_tag, is_v4, is_v6, has_ip;
  logic        ports;      // the level has TCP or UDP: ports may be rewritten
  logic        l4c_en;     // the L4 checksum field the rewrite keeps (model L4Csum::field)
  logic        l4c_udp;    // UDP: a result of 0 is stored as 0xFFFF
  logic [4:0]  l4c_off;    // of the L4 checksum field in the L4 header
  logic [127:0] new_sip, new_dip;  // network order value (byte 0 in [127:120])
  logic [15:0] new_sport, new_dport;
  logic [7:0]  new_ttl;
  // Checksum terms, each masked by its condition (AND, not an `if` around an add), summed
  // by trees: IPv4 ~HC, sip (2 old, 2 new words), dip (the same), TTL (old, new); L4: the
  // pseudo-header source and destination addresses (8 words each, old and new: IPv4 uses the
  // last 2) in a tree each, ~HC and the ports in a third, added by action_csum_fold (one tree
  // of 37 terms was 56 LUT levels as a chain and still 11 as a tree at DATA_W=512).
  localparam int IP_N   = 11;
  localparam int ADDR_N = 16;
  localparam int REST_N = 5;
  logic [IP_N*16-1:0]   ip_terms;
  logic [ADDR_N*16-1:0] l4_sip_terms, l4_dip_terms;
  logic [REST_N*16-1:0] l4_rest_terms;
  logic [19:0]          ip_sum, l4_sum_sip, l4_sum_dip;
  logic [18:0]          l4_sum_rest;
  logic                 ip_place, l4_place;
  // Fields of other steps (offsets are applied by action_edit; the outer source check, meter,
  // the copies to the host, mark, destination and encap are not this block's).
  logic        unused_fields;

  assign unused_fields = ^{info.l3_off, info.l4_off, info.frag, action.rsvd_62,
                           action.encap_index, action.mark_value, action.meter,
                           action.flags.rsvd_26, action.flags.tcp_ctl_copy,
                           action.flags.check_osrc,
                           action.flags.dest_id, action.flags.dest_type,
                           action.flags.mirror, action.flags.mark};

  always_comb begin
    set_dmac  = action.flags.set_dmac;
    set_smac  = action.flags.set_smac;
    set_sip   = action.flags.set_sip;
    set_dip   = action.flags.set_dip;
    set_sport = action.flags.set_sport;
    set_dport = action.flags.set_dport;
    dec_ttl   = action.flags.dec_ttl;
    vlan_op   = action.flags.vlan_op;
    modifies  = action.flags.decap || action.flags.encap ||
                (vlan_op != nic_fmt_pkg::VLAN_OP_NONE) || set_dmac || set_smac || set_sip ||
                set_dip || set_sport || set_dport || dec_ttl;
    vlan_tci  = action.vlan_tci;

    // The record's addresses and ports are in network order (first byte in the low bits).
    for (int b = 0; b < 16; b++) begin
      new_sip[127-8*b -: 8] = action.sip[8*b +: 8];
      new_dip[127-8*b -: 8] = action.dip[8*b +: 8];
    end
    new_sport = {action.sport[7:0], action.sport[15:8]};
    new_dport = {action.dport[7:0], action.dport[15:8]};
    new_ttl   = info.ttl - 8'd1;

    is_v4  = info.l3_type == nic_fmt_pkg::L3_TYPE_IPV4;
    is_v6  = info.l3_type == nic_fmt_pkg::L3_TYPE_IPV6;
    has_ip = is_v4 || is_v6;
    ports  = has_ip && (info.l4_type == nic_pkg::L4_TCP || info.l4_type == nic_pkg::L4_UDP);
    l4c_en  = 1'b0;
    l4c_udp = 1'b0;
    l4c_off = 5'd0;
    if (has_ip) begin
      case (info.l4_type)
        nic_pkg::L4_TCP: begin
          l4c_en  = 1'b1;
          l4c_off = 5'd16;
        end
        nic_pkg::L4_UDP: begin
          l4c_en  = is_v6 || info.l4_csum != 16'd0;
          l4c_udp = l4c_en;
          l4c_off = 5'd6;
        end
        nic_pkg::L4_ICMPV6: begin
          l4c_en  = 1'b1;
          l4c_off = 5'd2;
        end
        default: ;  // ICMP (no pseudo-header), none
      endcase
    end

    // IPv4 header checksum: sip, dip, TTL word (TTL:proto; ~proto + proto cancels to 0xFF).
    ip_terms = {~info.ip_csum,
                ~info.src[31:16] & {16{set_sip}}, ~info.src[15:0] & {16{set_sip}},
                new_sip[31:16] & {16{set_sip}},   new_sip[15:0] & {16{set_sip}},
                ~info.dst[31:16] & {16{set_dip}}, ~info.dst[15:0] & {16{set_dip}},
                new_dip[31:16] & {16{set_dip}},   new_dip[15:0] & {16{set_dip}},
                {~info.ttl, 8'hFF} & {16{dec_ttl}}, {new_ttl, 8'h00} & {16{dec_ttl}}};
    ip_place = is_v4 && modifies;

    // L4 checksum: pseudo-header addresses (IPv4: 2 words each, IPv6: 8), then the ports.
    for (int w = 0; w < 8; w++) begin
      l4_sip_terms[16*(2*w) +: 16]   = ~info.src[127-16*w -: 16] &
                                       {16{set_sip && (is_v6 || w >= 6)}};
      l4_sip_terms[16*(2*w+1) +: 16] = new_sip[127-16*w -: 16] &
                                       {16{set_sip && (is_v6 || w >= 6)}};
      l4_dip_terms[16*(2*w) +: 16]   = ~info.dst[127-16*w -: 16] &
                                       {16{set_dip && (is_v6 || w >= 6)}};
      l4_dip_terms[16*(2*w+1) +: 16] = new_dip[127-16*w -: 16] &
                                       {16{set_dip && (is_v6 || w >= 6)}};
    end
    l4_rest_terms = {~info.l4_csum,
                     ~info.sport & {16{ports && set_sport}}, new_sport & {16{ports && set_sport}},
                     ~info.dport & {16{ports && set_dport}}, new_dport & {16{ports && set_dport}}};
    l4_place = l4c_en && modifies;

    // Step 6: rewrite of a has_tag frame is in place; of an untagged one, a push.
    has_tag   = info.vlan_cnt != 2'd0;
    shift_op = nic_fmt_pkg::VLAN_OP_NONE;
    case (vlan_op)
      nic_fmt_pkg::VLAN_OP_POP:
        shift_op = has_tag ? nic_fmt_pkg::VLAN_OP_POP : nic_fmt_pkg::VLAN_OP_NONE;
      nic_fmt_pkg::VLAN_OP_PUSH:
        shift_op = nic_fmt_pkg::VLAN_OP_PUSH;
      nic_fmt_pkg::VLAN_OP_REWRITE:
        shift_op = has_tag ? nic_fmt_pkg::VLAN_OP_NONE : nic_fmt_pkg::VLAN_OP_PUSH;
      default: ;
    endcase

    // Overlays.
    l2_ovl = '0;
    l2_msk = '0;
    l2_ovl[0 +: 96] = {action.smac, action.dmac};
    for (int b = 0; b < 6; b++) begin
      l2_msk[b]            = set_dmac;
      l2_msk[6+b]          = set_smac;
    end
    l2_ovl[8*14 +: 16] = {vlan_tci[7:0], vlan_tci[15:8]};
    l2_msk[15:14]      = {2{has_tag && vlan_op == nic_fmt_pkg::VLAN_OP_REWRITE}};

    l3_ovl = '0;
    l3_msk = '0;
    if (is_v4) begin
      l3_ovl[8*8 +: 8]   = new_ttl;
      l3_msk[8]          = dec_ttl;
      l3_msk[11:10]      = {2{modifies}};       // bytes: action_csum_fold
      for (int b = 0; b < 4; b++) begin
        l3_ovl[8*(12+b) +: 8] = new_sip[31-8*b -: 8];
        l3_ovl[8*(16+b) +: 8] = new_dip[31-8*b -: 8];
        l3_msk[12+b]          = set_sip;
        l3_msk[16+b]          = set_dip;
      end
    end else if (is_v6) begin
      l3_ovl[8*7 +: 8] = new_ttl;
      l3_msk[7]        = dec_ttl;
      for (int b = 0; b < 16; b++) begin
        l3_ovl[8*(8+b) +: 8]  = new_sip[127-8*b -: 8];
        l3_ovl[8*(24+b) +: 8] = new_dip[127-8*b -: 8];
        l3_msk[8+b]           = set_sip;
        l3_msk[24+b]          = set_dip;
      end
    end

    l4_ovl = '0;
    l4_msk = '0;
    l4_ovl[0 +: 16]  = {new_sport[7:0], new_sport[15:8]};
    l4_ovl[16 +: 16] = {new_dport[7:0], new_dport[15:8]};
    l4_msk[1:0]      = {2{ports && set_sport}};
    l4_msk[3:2]      = {2{ports && set_dport}};
    if (l4c_en && modifies) begin
      // The checksum bytes replace whatever the overlay has there: action_csum_fold.
      l4_msk[l4c_off]         = 1'b1;
      l4_msk[l4c_off + 5'd1]  = 1'b1;
    end
  end

  // The sums cannot overflow: 11 x 0xFFFF < 2^20, 16 x 0xFFFF < 2^20, 5 x 0xFFFF < 2^19.
  add_tree #(.N(IP_N), .W(16), .OUT_W(20)) u_ip_sum (.in(ip_terms), .sum(ip_sum));
  add_tree #(.N(ADDR_N), .W(16), .OUT_W(20)) u_l4_sip (.in(l4_sip_terms), .sum(l4_sum_sip));
  add_tree #(.N(ADDR_N), .W(16), .OUT_W(20)) u_l4_dip (.in(l4_dip_terms), .sum(l4_sum_dip));
  add_tree #(.N(REST_N), .W(16), .OUT_W(19)) u_l4_rest (.in(l4_rest_terms), .sum(l4_sum_rest));

  assign csum = {ip_sum, ip_place, l4_sum_sip, l4_sum_dip, l4_sum_rest, l4_place, l4c_udp,
                 l4c_off};

endmodule

`default_nettype wire
