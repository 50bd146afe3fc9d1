// SPDX-License-Identifier: MIT
// led_stretch: a one-clock event made visible on an LED: the output stays high for 2^CNT_W
// clocks of clk after the last event (at 322 MHz and CNT_W 26, about 0.2 s).
`resetall
`timescale 1ns/1ps
`default_nettype none

module led_stretch #(
  parameter int CNT_W = 26
) (
  input  wire clk,
  input  wire rst,
  input  wire event_in,
  output wire led
);

  logic [CNT_W-1:0] cnt_q, cnt_d;

  always_comb begin
    cnt_d = cnt_q;
    if (event_in)        cnt_d = '1;
    else if (cnt_q != 0) cnt_d = cnt_q - 1'b1;
  end

  always_ff @(posedge clk) begin
    if (rst) cnt_q <= '0;
    else     cnt_q <= cnt_d;
  end

  assign led = cnt_q != 0;

endmodule

`default_nettype wire
