# SPDX-License-Identifier: MIT
# Constraints of nic_board_u250 (fpga/rtl/nic_board_u250.sv) on the Xilinx Alveo U250,
# part xcu250-figd2104-2L-e. fpga/README.md "Constraints" explains each group.
#
# Pin sources. The board's documentation is AMD/Xilinx UG1289, "Alveo U200 and U250 Data
# Center Accelerator Cards User Guide" (its "FPGA pin assignments"/XDC appendix) and the
# Vivado board file xilinx.com:au250:part0. The pins below were taken from the open-source
# Corundum NIC's U250 constraints, which cite the board's schematic nets per pin:
#   github.com/corundum/corundum fpga/mqnic/AU250/fpga_100g/fpga.xdc (commit 1248ca1a)
# and were not checked against UG1289 here (no copy of it was at hand): TODO before the first
# bitstream, compare every LOC with UG1289 (its latest revision) or the board file.

# --- Configuration (U250: 1.8 V bank 0, quad-SPI flash) --------------------------------------
set_property CFGBVS GND                             [current_design]
set_property CONFIG_VOLTAGE 1.8                     [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE        [current_design]
set_property BITSTREAM.CONFIG.CONFIGRATE 63.8       [current_design]
set_property BITSTREAM.CONFIG.SPI_BUSWIDTH 4        [current_design]
set_property BITSTREAM.CONFIG.SPI_32BIT_ADDR YES    [current_design]
set_property BITSTREAM.CONFIG.SPI_FALL_EDGE YES     [current_design]
set_property BITSTREAM.CONFIG.UNUSEDPIN PULLUP      [current_design]

# --- PCIe edge connector: Gen3 x16 on GTY quads 224..227 -------------------------------------
# Lane i's P pin; the N pin is implied by the GT. The XDMA IP places its own GTs from its
# configuration (fpga/vivado/ip.tcl); these LOCs pin the top's ports to them.
set pcie_rx_p {AF2 AG4 AH2 AJ4 AK2 AL4 AM2 AN4 AP2 AR4 AT2 AU4 AV2 AW4 BA2 BC2}
set pcie_tx_p {AF7 AG9 AH7 AJ9 AK7 AL9 AM7 AN9 AP7 AR9 AT7 AU9 AV7 BB5 BD5 BF5}
for {set i 0} {$i < 16} {incr i} {
  set_property PACKAGE_PIN [lindex $pcie_rx_p $i] [get_ports "pcie_rx_p[$i]"]
  set_property PACKAGE_PIN [lindex $pcie_tx_p $i] [get_ports "pcie_tx_p[$i]"]
}
# 100 MHz reference clock (MGTREFCLK0P_226) and PERST#
set_property PACKAGE_PIN AM11 [get_ports pcie_refclk_p]
create_clock -period 10.000 -name pcie_refclk [get_ports pcie_refclk_p]
set_property -dict {PACKAGE_PIN BD21 IOSTANDARD LVCMOS12 PULLUP TRUE} [get_ports pcie_reset_n]
set_false_path -from [get_ports pcie_reset_n]

# --- 300 MHz system clock (SYSCLK0_300, DDR4 C0 reference): the MMCM's input ----------------
set_property -dict {PACKAGE_PIN AY37 IOSTANDARD LVDS} [get_ports clk_300mhz_0_p]
set_property -dict {PACKAGE_PIN AY38 IOSTANDARD LVDS} [get_ports clk_300mhz_0_n]
create_clock -period 3.333 -name clk_300mhz_0 [get_ports clk_300mhz_0_p]

# --- QSFP28 cage 0: GTY quad 231 (GTYE4_CHANNEL_X1Y44..47, the CMAC's lanes 1..4) ------------
set qsfp0_rx_p {N4 M2 L4 K2}
set qsfp0_tx_p {N9 M7 L9 K7}
for {set i 0} {$i < 4} {incr i} {
  set_property PACKAGE_PIN [lindex $qsfp0_rx_p $i] [get_ports "qsfp0_rx_p[$i]"]
  set_property PACKAGE_PIN [lindex $qsfp0_tx_p $i] [get_ports "qsfp0_tx_p[$i]"]
}
# MGTREFCLK1P_231 from the SI5335: 161.1328125 MHz with qsfp0_fs = 2'b10
set_property PACKAGE_PIN K11 [get_ports qsfp0_mgt_refclk_1_p]
create_clock -period 6.206 -name qsfp0_mgt_refclk_1 [get_ports qsfp0_mgt_refclk_1_p]
set_property -dict {PACKAGE_PIN BE16 IOSTANDARD LVCMOS12} [get_ports qsfp0_modsell]
set_property -dict {PACKAGE_PIN BE17 IOSTANDARD LVCMOS12} [get_ports qsfp0_resetl]
set_property -dict {PACKAGE_PIN BE20 IOSTANDARD LVCMOS12} [get_ports qsfp0_modprsl]
set_property -dict {PACKAGE_PIN BE21 IOSTANDARD LVCMOS12} [get_ports qsfp0_intl]
set_property -dict {PACKAGE_PIN BD18 IOSTANDARD LVCMOS12} [get_ports qsfp0_lpmode]
set_property -dict {PACKAGE_PIN AT22 IOSTANDARD LVCMOS12} [get_ports qsfp0_refclk_reset]
set_property -dict {PACKAGE_PIN AT20 IOSTANDARD LVCMOS12} [get_ports {qsfp0_fs[0]}]
set_property -dict {PACKAGE_PIN AU22 IOSTANDARD LVCMOS12} [get_ports {qsfp0_fs[1]}]

# --- LEDs (status, no timing) ----------------------------------------------------------------
# TODO: polarity (active high assumed) per UG1289's LED table.
set_property -dict {PACKAGE_PIN BC21 IOSTANDARD LVCMOS12 SLEW SLOW DRIVE 8} [get_ports {led[0]}]
set_property -dict {PACKAGE_PIN BB21 IOSTANDARD LVCMOS12 SLEW SLOW DRIVE 8} [get_ports {led[1]}]
set_property -dict {PACKAGE_PIN BA20 IOSTANDARD LVCMOS12 SLEW SLOW DRIVE 8} [get_ports {led[2]}]

# Slow static I/O: no timing relation to any clock.
set_false_path -to [get_ports {led[*] qsfp0_modsell qsfp0_resetl qsfp0_lpmode}]
set_false_path -to [get_ports {qsfp0_refclk_reset qsfp0_fs[*]}]
set_false_path -from [get_ports {qsfp0_modprsl qsfp0_intl}]

# --- Clock-domain crossings (fpga/README.md "Clock-domain crossings") ------------------------
# The clocks: pcie_refclk -> the XDMA's axi_aclk (250 MHz), clk_300mhz_0 -> the MMCM's core
# clock and init_clk, qsfp0_mgt_refclk_1 -> the CMAC's gt_txusrclk2 (322.265625 MHz: the
# MAC's TX and RX user side). Vivado derives the generated clocks from the IP. No set_clock_groups: it
# would cut the gray-code paths below, which need a bound.
#
# The fastest clock a crossing touches is the CMAC's (3.103 ns); every bounded crossing gets
# that bound, so one value fits all of them.
set cdc_max 3.000

# axis_async_fifo (the wire FIFOs and the interrupt vector FIFO): a gray-code pointer from its
# register in one domain to the first synchronizer stage in the other, bounded so that the
# pointer's bits arrive within one period of each other (the gray property holds only then).
set fifos [get_cells -hierarchical \
  -filter {ORIG_REF_NAME == axis_async_fifo || REF_NAME == axis_async_fifo}]
foreach fifo $fifos {
  set_max_delay -datapath_only $cdc_max \
    -from [get_cells "$fifo/wr_gray_q_reg[*]"] -to [get_cells "$fifo/wr_gray_meta_q_reg[*]"]
  set_max_delay -datapath_only $cdc_max \
    -from [get_cells "$fifo/rd_gray_q_reg[*]"] -to [get_cells "$fifo/rd_gray_meta_q_reg[*]"]
  # Storage in distributed RAM (the small interrupt FIFO): its read into the output register.
  # Storage in block RAM (the wire FIFOs) holds the output register inside the RAM: a
  # two-clock RAM has no fabric path between its ports to bound.
  set mem [get_cells -quiet -hierarchical -filter "NAME =~ $fifo/mem_reg*"]
  set outq [get_cells -quiet "$fifo/out_q_reg[*]"]
  if {[llength $mem] > 0 && [llength $outq] > 0} {
    set_max_delay -datapath_only $cdc_max -from $mem -to $outq
  }
}

# sync_reset: the asynchronous assertion into the chain's preset pins (its release is
# synchronous to the chain's own clock).
set resets [get_cells -hierarchical \
  -filter {ORIG_REF_NAME == sync_reset || REF_NAME == sync_reset}]
foreach rs $resets {
  set_false_path -to [get_pins "$rs/chain_q_reg[*]/PRE"]
}

# sync_bit: a level into its first stage (stat_rx_aligned into the MAC's user clock).
set syncs [get_cells -hierarchical -filter {ORIG_REF_NAME == sync_bit || REF_NAME == sync_bit}]
foreach sb $syncs {
  set_false_path -to [get_pins "$sb/chain_q_reg[0]/D"]
}

# The AXI clock converters (axi_cc_dma, axi_cc_ctl) carry their own scoped constraints in
# the IP (PG164); the XDMA and the CMAC constrain their GTs and internal clocks themselves.
