// SPDX-License-Identifier: MIT
// nic_pkg: types and constants shared by the nicsim NIC RTL.
//
// Reference items as nic_pkg::NAME (Yosys 0.23 rejects `import nic_pkg::*` in a module
// header).
`resetall
`timescale 1ns/1ps
`default_nettype none

// A library of constants and types: a given top level uses only some of them, which is not
// a defect in the package (waiver inline so that rtl/ lints clean on its own).
/* verilator lint_off UNUSEDPARAM */
package nic_pkg;

  // ---------------------------------------------------------------------------------------
  // Control interface (AXI4-Lite slave of nic_top)
  // ---------------------------------------------------------------------------------------
  // Equal to nic_regs_pkg::ADDR_W / DATA_W (address_width, data_width of rtl/regs.yaml);
  // lint checks it where nic_top connects nic_regfile (Yosys 0.23 cannot refer to one package
  // from another).
  localparam int CSR_ADDR_W = 16;  // byte address; 64 KiB register space
  localparam int CSR_DATA_W = 32;
  localparam int CSR_STRB_W = CSR_DATA_W / 8;

  typedef logic [CSR_ADDR_W-1:0] csr_addr_t;
  typedef logic [CSR_DATA_W-1:0] csr_data_t;

  localparam logic [1:0] AXI_RESP_OKAY   = 2'b00;
  localparam logic [1:0] AXI_RESP_SLVERR = 2'b10;

  // The register map (offsets, tags, fields, resets) is the generated package
  // nic_regs_pkg (rtl/regs.yaml -> scripts/regs/gen_regs.py); the formats (descriptors,
  // completions, flow-command slots, action record, encap template, flow and TCAM keys) and
  // their enums (L3 and tunnel types, destinations, exception reasons, commands, statuses)
  // are the generated package nic_fmt_pkg (rtl/formats.yaml -> scripts/regs/gen_formats.py).

  // ---------------------------------------------------------------------------------------
  // Packet constants: what the header walkers (parser_engine, rx_classify, rx_classify_engine,
  // tx_engine's anti-spoof check) recognise and the header editors (action_*) write. Values
  // in network byte order (as the bytes of a frame read, first byte most significant).
  // ---------------------------------------------------------------------------------------
  localparam logic [15:0] ETHERTYPE_IPV4 = 16'h0800;
  localparam logic [15:0] ETHERTYPE_ARP  = 16'h0806;
  localparam logic [15:0] ETHERTYPE_IPV6 = 16'h86DD;
  localparam logic [15:0] ETHERTYPE_TEB  = 16'h6558;  // Ethernet in GRE (NVGRE)
  // VLAN tag protocol identifiers: 802.1Q, 802.1ad, and the pre-standard QinQ 0x9100.
  localparam logic [15:0] TPID_8021Q     = 16'h8100;
  localparam logic [15:0] TPID_8021AD    = 16'h88A8;
  localparam logic [15:0] TPID_QINQ      = 16'h9100;
  localparam logic [15:0] ARP_HTYPE_ETH  = 16'd1;     // ARP hardware type Ethernet
  // IP protocol numbers (IPv4 protocol, IPv6 next header).
  localparam logic [7:0] IPPROTO_HOPOPTS  = 8'd0;     // IPv6 hop-by-hop options
  localparam logic [7:0] IPPROTO_ICMP     = 8'd1;
  localparam logic [7:0] IPPROTO_TCP      = 8'd6;
  localparam logic [7:0] IPPROTO_UDP      = 8'd17;
  localparam logic [7:0] IPPROTO_ROUTING  = 8'd43;    // IPv6 routing header
  localparam logic [7:0] IPPROTO_FRAGMENT = 8'd44;    // IPv6 fragment header
  localparam logic [7:0] IPPROTO_GRE      = 8'd47;
  localparam logic [7:0] IPPROTO_AH       = 8'd51;    // authentication header
  localparam logic [7:0] IPPROTO_ICMPV6   = 8'd58;
  localparam logic [7:0] IPPROTO_DSTOPTS  = 8'd60;    // IPv6 destination options
  // Well-known UDP ports (the defaults of TUNNEL_PORTS; the walkers use the register's).
  localparam logic [15:0] UDP_PORT_VXLAN  = 16'd4789;
  localparam logic [15:0] UDP_PORT_GENEVE = 16'd6081;

  // A VLAN tag's TPID (any of the three).
  function automatic logic is_tpid(input logic [15:0] t);
    is_tpid = t == TPID_8021Q || t == TPID_8021AD || t == TPID_QINQ;
  endfunction

  // An IPv6 extension header that the walkers step over to reach the upper-layer header.
  function automatic logic is_ext(input logic [7:0] nh);
    is_ext = nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT ||
             nh == IPPROTO_DSTOPTS || nh == IPPROTO_AH;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Parser (rtl/parser*.sv): the flow and TCAM keys it builds are nic_fmt_pkg::flow_key_t and
  // nic_fmt_pkg::tcam_key_t (docs/spec.md sections 3 and 4.3).
  // ---------------------------------------------------------------------------------------
  localparam int PARSE_WINDOW = 256;  // bytes the parser looks at (spec 2.2)
  localparam int PARSER_LEN_W = 20;   // frame length counter of the parser (saturating)
  localparam int PARSE_META_W = 1928;  // width of parse_meta_t (checked by parser_engine)
  // One parse level (the frame, or what the outer tunnel carries) as the parser records it.
  // Offsets are bytes from the start of the frame; fields are meaningful only when the
  // header is present and the frame parsed without error.
  typedef struct packed {
    logic         has_eth;
    logic [1:0]   vlan_cnt;
    logic [11:0]  vid;       // VID of the outermost tag
    logic [47:0]  dmac;
    logic [47:0]  smac;
    logic [15:0]  etype;     // EtherType after the VLAN tags
    logic [7:0]   l2_off;    // first byte of the level
    logic [1:0]   l3_type;   // nic_fmt_pkg::L3_TYPE_*
    logic [7:0]   proto;     // IPv6: upper-layer protocol
    logic [7:0]   ttl;       // IPv6: hop limit
    logic         frag;
    logic [127:0] src;       // IPv4 in bits [31:0]
    logic [127:0] dst;
    logic [7:0]   l3_off;
    logic [2:0]   l4_type;   // 0 none, 1 TCP, 2 UDP, 3 ICMP, 4 ICMPv6
    logic [15:0]  sport;     // flow-key value: port, or ICMP type * 256 + code
    logic [15:0]  dport;     // flow-key value: port, or ICMP echo identifier (or 0)
    logic [7:0]   l4_off;
    logic [15:0]  ip_csum;   // IPv4 header checksum as received
    logic [15:0]  l4_csum;   // TCP, UDP or ICMPv6 checksum as received (ICMP: 0)
    logic [7:0]   tcp_flags; // TCP flags byte (CWR..FIN)
    logic [2:0]   tun_type;  // nic_fmt_pkg::TUN_TYPE_* (not VLAN)
    logic [23:0]  tun_id;
    logic [7:0]   tun_off;
  } parser_lvl_t;

  // One parser engine's result (parser_engine m_res_data): the records of the levels as
  // walked. parser_meta builds parse_meta_t from it once, after the engines' in-order
  // multiplexer (the keys and the action view are not built per engine).
  typedef struct packed {
    logic         tok;        // a destination token (spec 11) in the level-0 Geneve header
                              // (with err: any value, not used)
    logic [383:0] token;      // its 48 bytes, byte 0 in bits 383:376 (valid with tok)
    logic         err;        // parse_err
    logic         inner;      // level 1 was parsed: rec is level 1 and lv0 level 0
    logic [15:0]  frame_len;  // bytes, saturated at 0xFFFF
    logic         too_long;   // frame_len > MAX_FRAME (spec 2.2), from the engine's registers
    logic [7:0]   vport;
    parser_lvl_t  rec;        // the level parsed last
    parser_lvl_t  lv0;        // level 0 when inner (else zero)
  } parser_res_t;

  // The parser's transport types (not the receive completion's nic_fmt_pkg::CPL_L4_*).
  localparam logic [2:0] L4_NONE   = 3'd0;
  localparam logic [2:0] L4_TCP    = 3'd1;
  localparam logic [2:0] L4_UDP    = 3'd2;
  localparam logic [2:0] L4_ICMP   = 3'd3;
  localparam logic [2:0] L4_ICMPV6 = 3'd4;

  // One parse level as the action engine needs it (and as parse_meta_t carries both levels):
  // offsets, types, TTL and the fields the incremental checksum updates (spec 5.3) take as old
  // values. The header checksum of IPv4 precedes the addresses in the stream, so the old values
  // come from the parser instead of a header store-and-forward. In parse_meta_t offsets are
  // bytes from the start of the frame; at action_edit's s_meta_info they are bytes from the
  // start of the frame after the decap (the datapath rebases level 1 by the decap length).
  typedef struct packed {
    logic [1:0]   vlan_cnt;  // VLAN tags after the source MAC (0..2)
    logic [1:0]   l3_type;   // nic_fmt_pkg::L3_TYPE_* (the whole fixed header is present)
    logic [7:0]   l3_off;
    logic [2:0]   l4_type;   // L4_* of an upper-layer header present in full; L4_NONE for a
                             // non-first fragment
    logic [7:0]   l4_off;
    logic         frag;      // IPv4: MF or offset != 0; IPv6: fragment header (informational)
    logic [7:0]   ttl;       // IPv4 TTL, IPv6 hop limit
    logic [15:0]  ip_csum;   // IPv4 header checksum as received
    logic [15:0]  l4_csum;   // TCP, UDP or ICMPv6 checksum as received (0: UDP without one)
    logic [127:0] src;       // IP source address as received, IPv4 in bits [31:0]
    logic [127:0] dst;
    logic [15:0]  sport;     // TCP/UDP ports as received
    logic [15:0]  dport;
  } action_meta_t;

  // The checksum half of action_hdr_calc's output, which action_csum_fold finishes a register
  // stage later (docs/action-engine.md, Checksums): ones'-complement terms summed but not
  // folded, and where the results go. Width ACTION_CSUM_W (action_edit checks it).
  typedef struct packed {
    logic [19:0]  ip_sum;    // IPv4 header checksum terms
    logic         ip_place;  // write it at l3 overlay bytes 10..11 (IPv4)
    logic [19:0]  l4_sip;    // L4 checksum terms: the source address words (old and new),
    logic [19:0]  l4_dip;    // the destination address words,
    logic [18:0]  l4_rest;   // ~HC and the ports
    logic         l4_place;  // write it at l4 overlay bytes l4_off..l4_off+1
    logic         l4_udp;    // UDP: a result of 0 is stored as 0xFFFF
    logic [4:0]   l4_off;    // 2 (ICMPv6), 6 (UDP) or 16 (TCP)
  } action_csum_t;
  localparam int ACTION_CSUM_W = 87;

  // Metadata of one frame (parser m_meta_data). Level 0 is the frame, level 1 what the
  // level-0 tunnel carries (zero without one). The fields below parse_err, frame_len and
  // vport are zero when parse_err is 1. In lvl0/lvl1 a field of an absent header is zero
  // (l3_* and the IP fields need l3_type != L3_TYPE_NONE, l4_* and the checksum need l4_type !=
  // L4_NONE; sport/dport are TCP/UDP ports only). The keys are the least significant fields:
  // tcam_key is bits [447:0]. Their widths are nic_fmt_pkg::FLOW_KEY_W and TCAM_KEY_W (this
  // package cannot name nic_fmt_pkg's types; parser_engine assigns them, lint checks the width).
  typedef struct packed {
    logic         tok;         // spec 11: the first option of the level-0 Geneve header is a
    logic [383:0] token;       // destination token (class 0xFFF0, type 0x81, 12 words): its bytes
    logic         parse_err;   // parse_failed(pr, PARSE_WINDOW) of the model
    logic [15:0]  frame_len;   // bytes (sum of tkeep), saturated at 0xFFFF
    logic         too_long;    // frame_len > MAX_FRAME (spec 2.2: dropped parse_error; the
                               // lookups and the token check skip it), set with parse_err too
    logic [7:0]   vport;       // s_axis_vport of the first beat
    logic         inner;       // the keys come from level 1 (key_level == 1)
    logic [2:0]   tun_type;    // level-0 tunnel, spec numbering (no VLAN value here)
    logic [7:0]   tun_off;     // level-0 tunnel header
    logic         has_eth_1;   // level 1 exists and starts with Ethernet
    logic [7:0]   l2_off_1;    // first byte of level 1
    logic [7:0]   key_tcp_flags;  // TCP flags of the key level (zero unless it has a TCP header)
    action_meta_t lvl0;        // level 0, offsets from the frame start
    action_meta_t lvl1;        // level 1, offsets from the frame start (zero without level 1)
    logic [335:0] flow_key;    // nic_fmt_pkg::flow_key_t
    logic [447:0] tcam_key;    // nic_fmt_pkg::tcam_key_t
  } parse_meta_t;

  // ---- exact-match table (rtl/em_*.sv, rtl/crc32*.sv) ----
  // Spec 4.1 / 4.2 and the FT_CMD register (rtl/regs.yaml). Handles are 32 bits wide at the
  // ports; EM_NO_HANDLE (kNoHandle of the model) when there is no entry.
  localparam int EM_WAYS      = 4;
  localparam int EM_HANDLE_W  = 32;
  localparam int EM_PKTS_W    = 64;
  localparam int EM_BYTES_W   = 64;
  localparam int EM_SEEN_W    = 32;  // last seen: ingress timestamp >> 16
  localparam int EM_CNT_W     = EM_PKTS_W + EM_BYTES_W + EM_SEEN_W;  // 160
  localparam logic [31:0] EM_NO_HANDLE = 32'hFFFF_FFFF;
  localparam logic [31:0] CRC32C_POLY_REFL = 32'h82F6_3B78;  // h1: CRC-32C (0x1EDC6F41)
  localparam logic [31:0] CRC32_POLY_REFL  = 32'hEDB8_8320;  // h2: CRC-32 (0x04C11DB7)
  // Management commands and statuses: nic_fmt_pkg::FT_CMD_*, FLOW_STATUS_* (any other
  // command is BAD_COMMAND).
  // ---- end exact-match table ----

  // ---- ternary CAM (rtl/tcam*.sv) ----
  // Management commands and status codes: nic_fmt_pkg::TCAM_CMD_* and FLOW_STATUS_* (spec
  // 4.3; TCAM_CMD / TCAM_STATUS.CODE of the register map).
  localparam int TCAM_PRIO_W  = 16;  // priority: lower value wins, tie -> lower index
  localparam int TCAM_INDEX_W = 16;  // lookup result index; a miss reports TCAM_NO_INDEX
  localparam logic [TCAM_INDEX_W-1:0] TCAM_NO_INDEX = 16'hFFFF;
  // ---- end ternary CAM ----

  // ---- action engine (rtl/action_*.sv) ----
  // action_meta_t (the parse of one level as the action engine needs it): parser section.
  // The action record and the encap template (spec 5.1, 5.5) are nic_fmt_pkg::action_t and
  // nic_fmt_pkg::encap_t.
  // The longest header an encap prepends: Ethernet + tag + IPv6 + UDP + VXLAN (action_encap_hdr).
  localparam int ENC_HDR_MAX = 74;
  localparam logic [15:0] VXLAN_SPORT_BASE = 16'hC000;  // UDP source port 0xC000 | (h1 & 0x3FFF)
  // ---- end action engine ----

  // ---- datapath (rtl/nic_datapath.sv) ----
  localparam int MAX_FRAME = 16384;  // spec 2.2: a longer frame is dropped parse_error
  localparam logic [7:0] HOST_VPORT = 8'd255;  // the port of the exception ring

  // What nic_datapath says about each frame it emits on m_axis (m_desc, in frame order).
  typedef struct packed {
    logic [1:0]  dest;        // nic_fmt_pkg::DEST_TYPE_WIRE, _VNIC or _EXCEPTION (low 2 bits)
    logic [7:0]  port;        // wire port, destination vport, HOST_VPORT for the exception ring
    logic [3:0]  reason;      // nic_fmt_pkg::EXC_REASON_* (NONE unless the exception ring)
    logic        parse_err;   // exception PARSE_ERROR (completion status bit 0)
    logic        mark_valid;
    logic [31:0] mark;
    logic [15:0] tcam_index;  // the TCAM rule that matched, 0xFFFF none
    logic [31:0] h1;          // CRC-32C of the flow key (0 for a parse error)
    logic [7:0]  src_vport;
    logic [63:0] ts;          // ingress timestamp (cycle of the first beat at the arbiter)
    logic [15:0] len;         // bytes of the frame on m_axis
  } dp_desc_t;

  // The pipeline's counters (spec 9; the receive path adds its own drops).
  typedef struct packed {
    logic [63:0] rx_wire_frames;
    logic [63:0] rx_wire_bytes;
    logic [63:0] tx_frames;
    logic [63:0] tx_bytes;
    logic [63:0] wire_discard;  // wire frames discarded while CONTROL.ENABLE is clear
    logic [63:0] em_hit;
    logic [63:0] tcam_hit;
    logic [63:0] miss;
    logic [63:0] out_wire;
    logic [63:0] out_vnic;
    logic [63:0] out_exception;
    logic [63:0] loopback;
    logic [63:0] mirror;
    logic [63:0] drop_parse_error;
    logic [63:0] drop_flow;
    logic [63:0] drop_meter;
    logic [63:0] drop_bad_action;
    logic [63:0] drop_mtu;
    logic [63:0] drop_token;
  } dp_counters_t;
  localparam int DP_COUNTERS = 19;
  // Widths for nic_datapath's FIFOs (Yosys 0.23 has no $bits of a package type; the module
  // checks them against $bits of its signals at elaboration).
  localparam int ACTION_META_W = 352;  // action_meta_t
  localparam int DP_DESC_W     = 184;  // dp_desc_t
  // ---- end datapath ----

endpackage
/* verilator lint_on UNUSEDPARAM */

`default_nettype wire
