// SPDX-License-Identifier: MIT
// The source list of the board top (fpga/README.md), read after rtl/sources.f by
// scripts/fpga-elab.sh (Verilator lint, Yosys synthesis) and, for the rtl/ lines, by
// fpga/vivado/build.tcl. One path per line relative to fpga/.
//
// ip/: black boxes of the vendor IP (ports only, `(* blackbox *)`), for Yosys and Verilator;
// Vivado builds the real IP from fpga/vivado/ip.tcl and never reads them.
// ip/IBUFDS_GTE4.sv stands in for the UNISIM primitive where the tool has no library of it
// (Verilator, Yosys's generic flow).
// Not listed, and not read by any synthesis flow: sim/, behavioural models of vendor
// primitives for Verilator (sim/URAM288_BASE.sv, for rtl/lib/sdp_ram.sv under
// NICSIM_XILINX_URAM); every other .sv under fpga/ must be listed (scripts/fpga-elab.sh).

ip/IBUFDS_GTE4.sv          // unisim
ip/axi_cc_ctl.sv           // vendor
ip/axi_cc_dma.sv           // vendor
ip/axi_dwc_ctl.sv          // vendor
ip/axi_pc_ctl.sv           // vendor
ip/clk_wiz_0.sv            // vendor
ip/cmac_usplus_0.sv        // vendor
ip/xdma_0.sv               // vendor

rtl/axis_async_fifo.sv
rtl/led_stretch.sv
rtl/nic_board_u250.sv
rtl/sync_bit.sv
rtl/sync_reset.sv
rtl/usr_irq_bridge.sv
