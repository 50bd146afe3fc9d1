# SPDX-License-Identifier: MIT
# The vendor IP of nic_board_u250 (fpga/README.md), created in the current Vivado project:
# sourced by build.tcl with ip_dir (where the IP goes) and core_mhz (the NIC core clock) set.
# Module names and ports match the black boxes of fpga/ip/ (which Yosys and Verilator read).
#
# CONFIG names are those of Vivado 2022.2's IP catalog (xdma 4.1, cmac_usplus 3.1,
# axi_clock_converter 2.1, axi_dwidth_converter 2.1, axi_protocol_converter 2.1, clk_wiz 6.0).
# Another Vivado may rename one: `report_property [get_ips NAME]` lists them.

# PCIe: XDMA in AXI Bridge mode (PG195 / PG194): Gen3 x16, 512-bit AXI at 250 MHz.
#   BAR0 (64-bit, 64 KiB) -> m_axib at AXI address 0: nic_top's registers (docs/registers.md).
#   s_axib: one AXI BAR covering every 64-bit address, translated to PCIe address 0 + addr:
#     the NIC's AXI address is the bus address the host gave it (an IOVA under the IOMMU).
#   MSI-X, 16 vectors, table and PBA in the IP (internal): usr_irq_req[i] sends vector i.
create_ip -name xdma -vendor xilinx.com -library ip -module_name xdma_0 -dir $ip_dir
set_property -dict [list \
  CONFIG.functional_mode            {AXI_Bridge} \
  CONFIG.mode_selection             {Advanced} \
  CONFIG.device_port_type           {PCI_Express_Endpoint_device} \
  CONFIG.pl_link_cap_max_link_width {X16} \
  CONFIG.pl_link_cap_max_link_speed {8.0_GT/s} \
  CONFIG.ref_clk_freq               {100_MHz} \
  CONFIG.axi_data_width             {512_bit} \
  CONFIG.axisten_freq               {250} \
  CONFIG.axi_addr_width             {64} \
  CONFIG.pf0_device_id              {903F} \
  CONFIG.pf0_class_code_base        {02} \
  CONFIG.pf0_class_code_sub         {00} \
  CONFIG.pf0_class_code_interface   {00} \
  CONFIG.pf0_bar0_enabled           {true} \
  CONFIG.pf0_bar0_64bit             {true} \
  CONFIG.pf0_bar0_prefetchable      {false} \
  CONFIG.pf0_bar0_scale             {Kilobytes} \
  CONFIG.pf0_bar0_size              {64} \
  CONFIG.pciebar2axibar_0           {0x0000000000000000} \
  CONFIG.en_axi_slave_if            {true} \
  CONFIG.axibar_num                 {1} \
  CONFIG.axibar_0                   {0x0000000000000000} \
  CONFIG.axibar_highaddr_0          {0xFFFFFFFFFFFFFFFF} \
  CONFIG.axibar2pciebar_0           {0x0000000000000000} \
  CONFIG.pf0_interrupt_pin          {NONE} \
  CONFIG.pf0_msi_enabled            {false} \
  CONFIG.pf0_msix_enabled           {true} \
  CONFIG.pf0_msix_cap_table_size    {00F} \
  CONFIG.xdma_num_usr_irq           {16} \
  CONFIG.xdma_axilite_slave         {false} \
] [get_ips xdma_0]

# 100G: the CMAC on QSFP28 cage 0 (GTY quad 231), CAUI-4 with RS-FEC, AXI4-Stream.
create_ip -name cmac_usplus -vendor xilinx.com -library ip -module_name cmac_usplus_0 -dir $ip_dir
set_property -dict [list \
  CONFIG.CMAC_CAUI4_MODE     {1} \
  CONFIG.NUM_LANES           {4x25} \
  CONFIG.GT_REF_CLK_FREQ     {161.1328125} \
  CONFIG.USER_INTERFACE      {AXIS} \
  CONFIG.GT_DRP_CLK          {100} \
  CONFIG.TX_FLOW_CONTROL     {0} \
  CONFIG.RX_FLOW_CONTROL     {0} \
  CONFIG.INCLUDE_RS_FEC      {1} \
  CONFIG.CMAC_CORE_SELECT    {CMACE4_X0Y8} \
  CONFIG.GT_GROUP_SELECT     {X1Y44~X1Y47} \
  CONFIG.LANE1_GT_LOC        {X1Y44} \
  CONFIG.LANE2_GT_LOC        {X1Y45} \
  CONFIG.LANE3_GT_LOC        {X1Y46} \
  CONFIG.LANE4_GT_LOC        {X1Y47} \
  CONFIG.ENABLE_PIPELINE_REG {1} \
] [get_ips cmac_usplus_0]

# Core clock and the CMAC's init/DRP clock from the 300 MHz system clock.
create_ip -name clk_wiz -vendor xilinx.com -library ip -module_name clk_wiz_0 -dir $ip_dir
set_property -dict [list \
  CONFIG.PRIM_SOURCE                {Differential_clock_capable_pin} \
  CONFIG.PRIM_IN_FREQ               {300.000} \
  CONFIG.CLKOUT1_REQUESTED_OUT_FREQ $core_mhz \
  CONFIG.CLKOUT2_USED               {true} \
  CONFIG.CLKOUT2_REQUESTED_OUT_FREQ {100.000} \
  CONFIG.USE_RESET                  {true} \
  CONFIG.RESET_TYPE                 {ACTIVE_HIGH} \
  CONFIG.USE_LOCKED                 {true} \
] [get_ips clk_wiz_0]

# DMA master crossing: nic_top (core clock) -> XDMA slave bridge (axi_aclk).
create_ip -name axi_clock_converter -vendor xilinx.com -library ip -module_name axi_cc_dma \
  -dir $ip_dir
set_property -dict [list \
  CONFIG.PROTOCOL   {AXI4} \
  CONFIG.ADDR_WIDTH {64} \
  CONFIG.DATA_WIDTH {512} \
  CONFIG.ID_WIDTH   {4} \
  CONFIG.ACLK_ASYNC {1} \
] [get_ips axi_cc_dma]

# Register path: BAR0's 512-bit AXI4 -> 32-bit AXI4 -> AXI4-Lite -> core clock.
create_ip -name axi_dwidth_converter -vendor xilinx.com -library ip -module_name axi_dwc_ctl \
  -dir $ip_dir
set_property -dict [list \
  CONFIG.PROTOCOL      {AXI4} \
  CONFIG.ADDR_WIDTH    {64} \
  CONFIG.SI_DATA_WIDTH {512} \
  CONFIG.MI_DATA_WIDTH {32} \
  CONFIG.SI_ID_WIDTH   {4} \
] [get_ips axi_dwc_ctl]

create_ip -name axi_protocol_converter -vendor xilinx.com -library ip -module_name axi_pc_ctl \
  -dir $ip_dir
set_property -dict [list \
  CONFIG.SI_PROTOCOL {AXI4} \
  CONFIG.MI_PROTOCOL {AXI4LITE} \
  CONFIG.ADDR_WIDTH  {64} \
  CONFIG.DATA_WIDTH  {32} \
  CONFIG.ID_WIDTH    {0} \
] [get_ips axi_pc_ctl]

create_ip -name axi_clock_converter -vendor xilinx.com -library ip -module_name axi_cc_ctl \
  -dir $ip_dir
set_property -dict [list \
  CONFIG.PROTOCOL   {AXI4LITE} \
  CONFIG.ADDR_WIDTH {16} \
  CONFIG.DATA_WIDTH {32} \
  CONFIG.ACLK_ASYNC {1} \
] [get_ips axi_cc_ctl]
