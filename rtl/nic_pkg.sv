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
  localparam int CSR_ADDR_W = 16;  // byte address; 64 KiB register space
  localparam int CSR_DATA_W = 32;
  localparam int CSR_STRB_W = CSR_DATA_W / 8;

  typedef logic [CSR_ADDR_W-1:0] csr_addr_t;
  typedef logic [CSR_DATA_W-1:0] csr_data_t;

  localparam logic [1:0] AXI_RESP_OKAY   = 2'b00;
  localparam logic [1:0] AXI_RESP_SLVERR = 2'b10;

  // ---------------------------------------------------------------------------------------
  // Register map. BEGIN REGISTER MAP (to be produced by the register generator; the sim
  // build reads the `localparam csr_addr_t REG_*` / `localparam csr_data_t BLK_*` lines
  // below to make its C++ header, so keep one definition per line in this form.)
  // ---------------------------------------------------------------------------------------
  // Every register block starts with a header: id, version, byte offset of the next
  // block from address 0 (0 = last block).
  localparam csr_addr_t REG_BLK_ID            = 16'h0000;
  localparam csr_addr_t REG_BLK_VERSION       = 16'h0004;
  localparam csr_addr_t REG_BLK_NEXT          = 16'h0008;
  // Block "nic_top" at 0x0000: identity, free-running cycle counter, wire counters, scratch.
  // A 64-bit counter is read low word first: reading _LO latches the high word, which a
  // following read of _HI returns (one consistent 64-bit value).
  localparam csr_addr_t REG_CYCLES_LO         = 16'h0010;
  localparam csr_addr_t REG_CYCLES_HI         = 16'h0014;
  localparam csr_addr_t REG_WIRE_FRAMES_IN_LO = 16'h0018;
  localparam csr_addr_t REG_WIRE_FRAMES_IN_HI = 16'h001C;
  localparam csr_addr_t REG_WIRE_FRAMES_OUT_LO = 16'h0020;
  localparam csr_addr_t REG_WIRE_FRAMES_OUT_HI = 16'h0024;
  localparam csr_addr_t REG_WIRE_BYTES_IN_LO  = 16'h0028;
  localparam csr_addr_t REG_WIRE_BYTES_IN_HI  = 16'h002C;
  localparam csr_addr_t REG_WIRE_BYTES_OUT_LO = 16'h0030;
  localparam csr_addr_t REG_WIRE_BYTES_OUT_HI = 16'h0034;
  localparam csr_addr_t REG_SCRATCH           = 16'h0038;

  localparam csr_data_t BLK_NIC_TOP_ID        = 32'h4E49_4354;  // "NICT"
  localparam csr_data_t BLK_NIC_TOP_VERSION   = 32'h0001_0000;  // major 1, minor 0
  localparam csr_data_t BLK_NIC_TOP_NEXT      = 32'h0000_0000;  // last block
  // END REGISTER MAP

endpackage

`default_nettype wire
