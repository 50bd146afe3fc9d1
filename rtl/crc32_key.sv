// SPDX-License-Identifier: MIT
// crc32_key: reflected CRC-32 of the 42-byte flow key (spec 4.1), purely combinational.
//
// Bytes in key order (byte 0 = the most significant byte of the key), each byte least
// significant bit first; init 0xFFFFFFFF, final XOR 0xFFFFFFFF. POLY_REFL selects the CRC:
//   nic_pkg::CRC32C_POLY_REFL (0x82F63B78): h1, CRC-32C (Castagnoli)
//   nic_pkg::CRC32_POLY_REFL  (0xEDB88320): h2, CRC-32 (IEEE 802.3)
// The bit-serial loop unrolls into an XOR network (each output bit is the parity of a fixed
// subset of the key bits and the init constant); the caller registers the result.
`resetall
`timescale 1ns/1ps
`default_nettype none

module crc32_key #(
  parameter logic [31:0] POLY_REFL = nic_pkg::CRC32C_POLY_REFL
) (
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0] key,
  output wire [31:0]               crc
);

  initial begin
    if (POLY_REFL[31] != 1'b1) begin
      $error("crc32_key (%m): POLY_REFL (%h) must be a reflected degree-32 polynomial", POLY_REFL);
    end
  end

  logic [31:0] crc_c;
  logic        fb;

  always_comb begin
    crc_c = 32'hFFFF_FFFF;
    for (int i = 0; i < nic_fmt_pkg::FLOW_KEY_BYTES; i++) begin
      for (int b = 0; b < 8; b++) begin
        fb    = crc_c[0] ^ key[nic_fmt_pkg::FLOW_KEY_W - 8 * (i + 1) + b];
        crc_c = (crc_c >> 1) ^ (POLY_REFL & {32{fb}});
      end
    end
  end

  assign crc = ~crc_c;

endmodule

`default_nettype wire
