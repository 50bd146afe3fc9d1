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
// included. Purely combinational.
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
  output logic [17:0]                l4_msk
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
  logic [19:0] ip_acc;
  logic [16:0] ip_f1;
  logic [15:0] ip_f2;
  logic [15:0] ip_csum_new;
  logic [23:0] l4_acc;
  logic [16:0] l4_f1;
  logic [15:0] l4_f2;
  logic [15:0] l4_csum_new;
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
    ip_acc = {4'd0, ~info.ip_csum};
    if (set_sip) begin
      ip_acc = ip_acc + {4'd0, ~info.src[31:16]} + {4'd0, ~info.src[15:0]} +
               {4'd0, new_sip[31:16]} + {4'd0, new_sip[15:0]};
    end
    if (set_dip) begin
      ip_acc = ip_acc + {4'd0, ~info.dst[31:16]} + {4'd0, ~info.dst[15:0]} +
               {4'd0, new_dip[31:16]} + {4'd0, new_dip[15:0]};
    end
    if (dec_ttl) begin
      ip_acc = ip_acc + {4'd0, ~info.ttl, 8'hFF} + {4'd0, new_ttl, 8'h00};
    end
    ip_f1       = {1'b0, ip_acc[15:0]} + {13'd0, ip_acc[19:16]};
    ip_f2       = ip_f1[15:0] + {15'd0, ip_f1[16]};  // cannot carry again
    ip_csum_new = ~ip_f2[15:0];

    // L4 checksum: pseudo-header addresses (IPv4: 2 words each, IPv6: 8), then the ports.
    l4_acc = {8'd0, ~info.l4_csum};
    for (int w = 0; w < 8; w++) begin
      if (set_sip && (is_v6 || w >= 6)) begin
        l4_acc = l4_acc + {8'd0, ~info.src[127-16*w -: 16]} + {8'd0, new_sip[127-16*w -: 16]};
      end
      if (set_dip && (is_v6 || w >= 6)) begin
        l4_acc = l4_acc + {8'd0, ~info.dst[127-16*w -: 16]} + {8'd0, new_dip[127-16*w -: 16]};
      end
    end
    if (ports && set_sport) begin
      l4_acc = l4_acc + {8'd0, ~info.sport} + {8'd0, new_sport};
    end
    if (ports && set_dport) begin
      l4_acc = l4_acc + {8'd0, ~info.dport} + {8'd0, new_dport};
    end
    l4_f1       = {1'b0, l4_acc[15:0]} + {9'd0, l4_acc[23:16]};
    l4_f2       = l4_f1[15:0] + {15'd0, l4_f1[16]};
    l4_csum_new = ~l4_f2[15:0];
    if (l4c_udp && l4_csum_new == 16'd0) begin
      l4_csum_new = 16'hFFFF;
    end

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
      l3_ovl[8*10 +: 16] = {ip_csum_new[7:0], ip_csum_new[15:8]};
      l3_msk[11:10]      = {2{modifies}};
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
      l4_ovl[8*l4c_off +: 16] = {l4_csum_new[7:0], l4_csum_new[15:8]};
      l4_msk[l4c_off]         = 1'b1;
      l4_msk[l4c_off + 5'd1]  = 1'b1;
    end
  end

endmodule

`default_nettype wire
