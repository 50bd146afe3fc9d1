# SPDX-License-Identifier: MIT
# Builds the nicsim NIC's bitstream for the Alveo U250 (fpga/README.md "Building the
# bitstream"): non-project batch flow, from the repository's sources only.
#
# usage (from the repository root):
#   vivado -mode batch -source fpga/vivado/build.tcl [-tclargs CORE_MHZ [OUT_DIR]]
#     CORE_MHZ  the NIC core clock in MHz (default 250; line rate at 512 bits needs about 200)
#     OUT_DIR   where the IP, checkpoints, reports and the bitstream go
#               (default build/fpga-u250)
set root [file normalize [file join [file dirname [info script]] .. ..]]
set part xcu250-figd2104-2L-e
set core_mhz [expr {$argc > 0 ? [lindex $argv 0] : 250}]
set out [file normalize [expr {$argc > 1 ? [lindex $argv 1] : "$root/build/fpga-u250"}]]
set ip_dir $out/ip
file mkdir $out $ip_dir

create_project -in_memory -part $part
set_property target_language Verilog [current_project]

# A source list: one path per line relative to its directory, `//` comments. rtl/sources.f
# names the generated files by their committed copies in rtl/, which Vivado reads as they are.
proc read_list {dir list skip} {
  set f [open $list r]
  foreach line [split [read $f] "\n"] {
    regsub {//.*$} $line {} line
    set path [string trim $line]
    if {$path eq "" || [string match $skip $path]} { continue }
    read_verilog -sv [file join $dir $path]
  }
  close $f
}
read_list $root/rtl $root/rtl/sources.f ""
# fpga/ip/ holds black boxes for Yosys and Verilator: Vivado uses the IP built below.
read_list $root/fpga $root/fpga/sources.f "ip/*"

source [file join $root fpga vivado ip.tcl]
generate_target all [get_ips]
synth_ip [get_ips]

read_xdc $root/fpga/constraints/u250.xdc

# NICSIM_XILINX_URAM: rtl/lib/sdp_ram.sv instantiates UltraRAM (URAM288_BASE) for its deep
# memories (the 64K-entry EM table), as scripts/synth-block.sh does for Yosys.
synth_design -top nic_board_u250 -part $part -verilog_define NICSIM_XILINX_URAM
write_checkpoint -force $out/post_synth.dcp
report_utilization -file $out/utilization_synth.rpt
opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force $out/post_route.dcp
report_timing_summary -max_paths 20 -file $out/timing_summary.rpt
report_utilization -file $out/utilization.rpt
report_cdc -details -file $out/cdc.rpt
report_clock_interaction -file $out/clock_interaction.rpt
write_bitstream -force $out/nic_board_u250.bit
puts "nic_board_u250: $out/nic_board_u250.bit (core clock $core_mhz MHz)"
