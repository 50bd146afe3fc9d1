// SPDX-License-Identifier: MIT
// action_csum_fold: the second half of the checksum updates of action_hdr_calc (spec 5.3):
// folds the ones'-complement sums with their end-around carries, complements them and writes
// the checksum bytes into the overlays, whose mask bits action_hdr_calc has already set.
// action_edit puts it one register stage after action_hdr_calc (after axis_byte_strip's
// side-band register), so the sum trees and the folds are separate paths. Purely
// combinational.
//
//   IPv4 header checksum: l3 overlay bytes 10..11 (network order) when ip_place.
//   L4 checksum: l4 overlay bytes l4_off..l4_off+1 when l4_place; a UDP result of 0 is stored
//   as 0xFFFF (RFC 768: 0 means "no checksum").
`resetall
`timescale 1ns/1ps
`default_nettype none

module action_csum_fold (
  input  wire nic_pkg::action_csum_t csum,      // action_hdr_calc's, a register stage later
  input  wire [40*8-1:0]    l3_ovl_in,
  input  wire [18*8-1:0]    l4_ovl_in,
  output logic [40*8-1:0]   l3_ovl,
  output logic [18*8-1:0]   l4_ovl
);

  logic [21:0] l4_sum;        // < 37 x 0xFFFF < 2^22
  logic [16:0] ip_f1, l4_f1;
  logic [15:0] ip_f1_inc, l4_f1_inc;
  logic [15:0] ip_csum, l4_csum;

  always_comb begin
    // End-around carry, carry-select: lo + hi and lo + hi + 1 at once, the carry out of the
    // first picks (the +1 cannot carry again: lo + hi <= 0xFFFF + 0xFF).
    ip_f1     = {1'b0, csum.ip_sum[15:0]} + {13'd0, csum.ip_sum[19:16]};
    ip_f1_inc = csum.ip_sum[15:0] + {12'd0, csum.ip_sum[19:16]} + 16'd1;
    ip_csum   = ~(ip_f1[16] ? ip_f1_inc : ip_f1[15:0]);
    l4_sum    = {2'd0, csum.l4_sip} + {2'd0, csum.l4_dip} + {3'd0, csum.l4_rest};
    l4_f1     = {1'b0, l4_sum[15:0]} + {11'd0, l4_sum[21:16]};
    l4_f1_inc = l4_sum[15:0] + {10'd0, l4_sum[21:16]} + 16'd1;
    l4_csum   = ~(l4_f1[16] ? l4_f1_inc : l4_f1[15:0]);
    if (csum.l4_udp && l4_csum == 16'd0) begin
      l4_csum = 16'hFFFF;
    end

    l3_ovl = l3_ovl_in;
    if (csum.ip_place) begin
      l3_ovl[8*10 +: 16] = {ip_csum[7:0], ip_csum[15:8]};
    end
    // Three places only: a case, not a 5-bit shifter.
    l4_ovl = l4_ovl_in;
    if (csum.l4_place) begin
      case (csum.l4_off)
        5'd2:    l4_ovl[8*2 +: 16]  = {l4_csum[7:0], l4_csum[15:8]};
        5'd6:    l4_ovl[8*6 +: 16]  = {l4_csum[7:0], l4_csum[15:8]};
        default: l4_ovl[8*16 +: 16] = {l4_csum[7:0], l4_csum[15:8]};
      endcase
    end
  end

endmodule

`default_nettype wire
