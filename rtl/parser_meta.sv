// SPDX-License-Identifier: MIT
// parser_meta: the parser's metadata record from an engine's result (docs/rtl-parser.md).
//
// Combinational. From the records of the levels as parser_engine walked them
// (nic_pkg::parser_res_t) it builds nic_pkg::parse_meta_t: the flow key and the TCAM key of the
// key level (spec 3, 4.3), the level-0 tunnel, and the action engine's view of both levels
// (nic_pkg::action_meta_t: a field of an absent header is zero, the ports are TCP/UDP ports
// only). With the error flag the record is zero apart from parse_err, frame_len and vport.
// The parser instantiates it once, after the in-order multiplexer of its engines.
`resetall
`timescale 1ns/1ps
`default_nettype none

module parser_meta (
  input  nic_pkg::parser_res_t  s_res,
  output nic_pkg::parse_meta_t  m_meta
);

  initial begin
    if ($bits(m_meta) != nic_pkg::PARSE_META_W) begin
      $error("parser_meta (%m): nic_pkg::PARSE_META_W must be the width of parse_meta_t");
    end
  end

  nic_pkg::parser_lvl_t   rec, lv0;
  logic [2:0]             k_tun;
  logic [23:0]            k_tun_id;
  logic [7:0]             k_proto;
  logic [15:0]            k_sport, k_dport;
  nic_fmt_pkg::flow_key_t fkey;
  nic_fmt_pkg::tcam_key_t tkey;
  nic_pkg::action_meta_t  a_rec;               // of rec, the level parsed last
  nic_pkg::action_meta_t  a_lv0;               // of lv0, level 0 when level 1 was parsed
  logic                   unused_fields;

  assign rec = s_res.rec;
  assign lv0 = s_res.lv0;
  // Not in the metadata: the keys are of the level parsed last, so level 0's Ethernet header,
  // protocol and TCP flags are not (its tunnel and action view are); a tunnel identifier is in
  // the key only with level 1 parsed, and then it is level 0's (lv0), never the last level's.
  assign unused_fields = ^{rec.tun_id, lv0.has_eth, lv0.vid, lv0.dmac, lv0.smac, lv0.etype,
                           lv0.l2_off, lv0.proto, lv0.tcp_flags};

  always_comb begin
    // The keys of the level parsed last.
    k_tun    = '0;
    k_tun_id = '0;
    if (s_res.inner) begin
      k_tun    = lv0.tun_type;
      k_tun_id = lv0.tun_id;
    end else if (rec.has_eth && rec.vlan_cnt != 2'd0) begin
      k_tun    = nic_fmt_pkg::TUN_TYPE_VLAN;
      k_tun_id = {12'd0, rec.vid};
    end
    k_proto = '0;
    k_sport = '0;
    k_dport = '0;
    if (rec.l3_type != nic_fmt_pkg::L3_TYPE_NONE) begin
      k_proto = rec.proto;
      if (!rec.frag && rec.l4_type != nic_pkg::L4_NONE) begin
        k_sport = rec.sport;
        k_dport = rec.dport;
      end
    end else if (rec.has_eth) begin
      k_dport = rec.etype;
    end
    fkey           = '0;
    fkey.vport     = s_res.vport;
    fkey.types.l3  = rec.l3_type;
    fkey.types.tun = k_tun;
    fkey.tun_id    = k_tun_id;
    fkey.proto     = k_proto;
    fkey.sport     = k_sport;
    fkey.dport     = k_dport;
    fkey.src       = rec.src;
    fkey.dst       = rec.dst;
    // The TCAM key: the flow key, then the Ethernet header of the level (zero without one).
    tkey          = '0;
    tkey.flow_key = fkey;
    if (rec.has_eth) begin
      tkey.dmac  = rec.dmac;
      tkey.smac  = rec.smac;
      tkey.etype = rec.etype;
    end

    // The action engine's view of both levels: a field of a header that is absent is zero; the
    // ports are TCP/UDP ports only (the records hold the flow-key values, ICMP type/code and
    // echo identifier included).
    a_rec = '0;
    a_rec.vlan_cnt = rec.vlan_cnt;
    if (rec.l3_type != nic_fmt_pkg::L3_TYPE_NONE) begin
      a_rec.l3_type = rec.l3_type;
      a_rec.l3_off  = rec.l3_off;
      a_rec.frag    = rec.frag;
      a_rec.ttl     = rec.ttl;
      a_rec.ip_csum = rec.ip_csum;
      a_rec.src     = rec.src;
      a_rec.dst     = rec.dst;
    end
    if (rec.l4_type != nic_pkg::L4_NONE) begin
      a_rec.l4_type = rec.l4_type;
      a_rec.l4_off  = rec.l4_off;
      a_rec.l4_csum = rec.l4_csum;
      if (rec.l4_type == nic_pkg::L4_TCP || rec.l4_type == nic_pkg::L4_UDP) begin
        a_rec.sport = rec.sport;
        a_rec.dport = rec.dport;
      end
    end

    a_lv0 = '0;
    a_lv0.vlan_cnt = lv0.vlan_cnt;
    if (lv0.l3_type != nic_fmt_pkg::L3_TYPE_NONE) begin
      a_lv0.l3_type = lv0.l3_type;
      a_lv0.l3_off  = lv0.l3_off;
      a_lv0.frag    = lv0.frag;
      a_lv0.ttl     = lv0.ttl;
      a_lv0.ip_csum = lv0.ip_csum;
      a_lv0.src     = lv0.src;
      a_lv0.dst     = lv0.dst;
    end
    if (lv0.l4_type != nic_pkg::L4_NONE) begin
      a_lv0.l4_type = lv0.l4_type;
      a_lv0.l4_off  = lv0.l4_off;
      a_lv0.l4_csum = lv0.l4_csum;
      if (lv0.l4_type == nic_pkg::L4_TCP || lv0.l4_type == nic_pkg::L4_UDP) begin
        a_lv0.sport = lv0.sport;
        a_lv0.dport = lv0.dport;
      end
    end

    m_meta           = '0;
    m_meta.parse_err = s_res.err;
    m_meta.frame_len = s_res.frame_len;
    m_meta.too_long  = s_res.too_long;
    m_meta.vport     = s_res.vport;
    if (!s_res.err) begin
      m_meta.inner     = s_res.inner;
      m_meta.flow_key  = fkey;
      m_meta.tcam_key  = tkey;
      m_meta.tun_type  = s_res.inner ? lv0.tun_type : rec.tun_type;
      m_meta.tun_off   = s_res.inner ? lv0.tun_off : rec.tun_off;
      m_meta.has_eth_1 = s_res.inner && rec.has_eth;
      m_meta.l2_off_1  = s_res.inner ? rec.l2_off : 8'd0;
      // the key level is the level parsed last (spec 5.2 step 2: TCP control segments)
      m_meta.key_tcp_flags = rec.l4_type == nic_pkg::L4_TCP ? rec.tcp_flags : 8'd0;
      m_meta.lvl0      = s_res.inner ? a_lv0 : a_rec;
      m_meta.lvl1      = s_res.inner ? a_rec : '0;
      m_meta.tok       = s_res.tok;
      m_meta.token     = s_res.tok ? s_res.token : '0;
    end
  end

endmodule

`default_nettype wire
