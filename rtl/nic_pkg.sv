// SPDX-License-Identifier: MIT
// nic_pkg: types and constants shared by the nicsim NIC RTL.
//
// Reference items as nic_pkg::NAME (Yosys 0.23 rejects `import nic_pkg::*` in a module
// header).
`resetall
`timescale 1ns/1ps
`default_nettype none

package nic_pkg;

  // ---------------------------------------------------------------------------------------
  // Control interface (AXI4-Lite slave of nic_top)
  // ---------------------------------------------------------------------------------------
  // Equal to nic_regs_pkg::ADDR_W / DATA_W (address_width, data_width of rtl/regs.yaml);
  // nic_csr checks it at elaboration (Yosys 0.23 cannot refer to one package from another).
  localparam int CSR_ADDR_W = 16;  // byte address; 64 KiB register space
  localparam int CSR_DATA_W = 32;
  localparam int CSR_STRB_W = CSR_DATA_W / 8;

  typedef logic [CSR_ADDR_W-1:0] csr_addr_t;
  typedef logic [CSR_DATA_W-1:0] csr_data_t;

  localparam logic [1:0] AXI_RESP_OKAY   = 2'b00;
  localparam logic [1:0] AXI_RESP_SLVERR = 2'b10;

  // The register map (offsets, tags, fields, resets) is the generated package
  // nic_regs_pkg (rtl/regs.yaml -> scripts/regs/gen_regs.py).

  // ---------------------------------------------------------------------------------------
  // Flow key (docs/spec.md section 3) and TCAM key (4.3): shared by parser, tables, actions
  // ---------------------------------------------------------------------------------------
  localparam int KEY_BYTES      = 42;
  localparam int KEY_W          = KEY_BYTES * 8;       // 336
  localparam int TCAM_KEY_BYTES = 56;
  localparam int TCAM_KEY_W     = TCAM_KEY_BYTES * 8;  // 448
  localparam int ACTION_BYTES   = 64;
  localparam int ACTION_W       = ACTION_BYTES * 8;    // 512
  localparam int PARSE_WINDOW   = 256;
  // Byte i of the flow key (network order, spec section 3) is bits [KEY_W-1-8*i -: 8]:
  // byte 0 (vport) is the most significant byte. The same convention holds for the TCAM key.
  // The action record (spec 5.1) is stored as bytes, byte i in bits [8*i +: 8] (its
  // multi-byte fields are little-endian, so a 32-bit field at byte k is bits [8*k +: 32]).
  typedef logic [KEY_W-1:0]      flow_key_t;
  typedef logic [TCAM_KEY_W-1:0] tcam_key_t;
  typedef logic [ACTION_W-1:0]   action_t;

  // ---- parser and key builder (rtl/parser*.sv) ----
  // ---- end parser ----

  // ---- exact-match table (rtl/em_*.sv, rtl/crc32*.sv) ----
  // ---- end exact-match table ----

  // ---- ternary CAM (rtl/tcam*.sv) ----
  // ---- end ternary CAM ----

  // ---- action engine (rtl/action_*.sv) ----
  // ---- end action engine ----

endpackage

`default_nettype wire
