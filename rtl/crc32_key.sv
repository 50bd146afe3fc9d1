// SPDX-License-Identifier: MIT
// crc32_key: reflected CRC-32 of the 42-byte flow key (spec 4.1), registered: `crc` is the
// CRC of the `key` presented on the last clock with `en` high (held otherwise).
//
// Bytes in key order (byte 0 = the most significant byte of the key), each byte least
// significant bit first; init 0xFFFFFFFF, final XOR 0xFFFFFFFF. POLY_REFL selects the CRC:
//   nic_pkg::CRC32C_POLY_REFL (0x82F63B78): h1, CRC-32C (Castagnoli)
//   nic_pkg::CRC32_POLY_REFL  (0xEDB88320): h2, CRC-32 (IEEE 802.3)
// Each output bit is the parity of a fixed subset of the key bits and a constant (see below):
// three LUT levels before the register. The parity tree sits inside the register's enable, so
// the Verilated model evaluates it only in the clocks that load a key (a combinational tree
// was 8% of the Verilated NIC's time at DATA_W=64, evaluated every clock: docs/perf-rtl.md).
`resetall
`timescale 1ns/1ps
`default_nettype none

module crc32_key #(
  parameter logic [31:0] POLY_REFL = nic_pkg::CRC32C_POLY_REFL
) (
  input  wire                               clk,
  input  wire                               en,
  input  wire [nic_fmt_pkg::FLOW_KEY_W-1:0] key,
  output wire [31:0]                        crc
);

  initial begin
    if (POLY_REFL[31] != 1'b1) begin
      $error("crc32_key (%m): POLY_REFL (%h) must be a reflected degree-32 polynomial", POLY_REFL);
    end
  end

  // The CRC is linear: crc_c = INIT_TERM ^ XOR over the key bits j that are set of COL[j],
  // where COL[j] is the register after the whole bit-serial CRC of a key with only bit j set
  // and a zero init, and INIT_TERM that of the init with a zero key. Both are constants of
  // POLY_REFL (the constant functions below run at elaboration), so the hardware is one
  // balanced XOR tree per output bit (about log6 of the key width LUT levels) instead of an
  // unrolled 336-step shift chain, and the Verilated model evaluates 336 word ANDs and XORs
  // instead of 336 dependent shift steps (docs/perf-rtl.md).
  localparam int KW = nic_fmt_pkg::FLOW_KEY_W;

  // The serial CRC register over the key's bits (bytes in key order, each LSB first).
  function automatic logic [31:0] serial(input logic [31:0] init, input logic [KW-1:0] k);
    logic [31:0] c;
    logic        f;
    c = init;
    for (int i = 0; i < KW / 8; i++) begin
      for (int b = 0; b < 8; b++) begin
        f = c[0] ^ k[KW - 8 * (i + 1) + b];
        c = (c >> 1) ^ (POLY_REFL & {32{f}});
      end
    end
    serial = c;
  endfunction

  // COL[j] without running the serial CRC once per key bit (KW^2 steps: 15 s of Yosys'
  // constant evaluation per polynomial): a 1 fed in at step t (bit b of byte i, t = 8i + b)
  // leaves POLY_REFL in the register, which the remaining KW-1-t steps (all fed 0) shift on;
  // so walking t down from the last step, each column is the previous one shifted once more.
  function automatic logic [32*KW-1:0] columns();
    logic [32*KW-1:0] m;
    logic [31:0]      c;
    c = POLY_REFL;
    for (int t = KW - 1; t >= 0; t--) begin
      m[32 * (KW - 8 * (t / 8 + 1) + t % 8) +: 32] = c;
      c = (c >> 1) ^ (POLY_REFL & {32{c[0]}});
    end
    columns = m;
  endfunction

  localparam logic [32*KW-1:0] COL       = columns();
  localparam logic [31:0]      INIT_TERM = serial(32'hFFFF_FFFF, '0);

  // Column j masked by key bit j at x[32*j +: 32]; then a balanced XOR tree (level s folds
  // node k + s into node k for every multiple k of 2s), as rtl/rss_toeplitz.sv.
  logic [31:0] crc_q;

  always_ff @(posedge clk) begin
    if (en) begin
      logic [32*KW-1:0] x;
      for (int j = 0; j < KW; j++) begin
        x[32*j +: 32] = COL[32*j +: 32] & {32{key[j]}};
      end
      for (int s = 1; s < KW; s = s * 2) begin
        for (int k = 0; k + s < KW; k = k + 2 * s) begin
          x[32*k +: 32] = x[32*k +: 32] ^ x[32*(k+s) +: 32];
        end
      end
      crc_q <= ~(INIT_TERM ^ x[31:0]);
    end
  end

  assign crc = crc_q;

endmodule

`default_nettype wire
