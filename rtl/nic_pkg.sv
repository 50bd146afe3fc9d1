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

endpackage

`default_nettype wire
