// SPDX-License-Identifier: MIT
#include "nicsim/sim/nic_system.hpp"

namespace nicsim::sim {

model::DeviceConfig rtl_device_config(unsigned data_width) {
  model::DeviceConfig c;
  c.pipeline.num_vnic = NICSIM_NIC_RTL_NUM_VNIC;
  c.pipeline.em_buckets = NICSIM_NIC_RTL_EM_BUCKETS;
  c.pipeline.tcam_entries = NICSIM_NIC_RTL_TCAM_ENTRIES;
  c.pipeline.num_meters = NICSIM_NIC_RTL_NUM_METERS;
  c.pipeline.num_encap = NICSIM_NIC_RTL_NUM_ENCAP;
  c.num_rxq = NICSIM_NIC_RTL_NUM_RXQ;
  c.num_txq = NICSIM_NIC_RTL_NUM_TXQ;
  c.num_vectors = NICSIM_NIC_RTL_NUM_VECTORS;
  c.data_w = data_width;
  return c;
}

NicSystem::NicSystem(sc_core::sc_module_name name, const NicSystemConfig& cfg)
    : sc_module(name),
      clk("clk", sc_core::sc_time(1000.0 / cfg.clock_mhz, sc_core::SC_NS)),
      nic("nic", NicRtlConfig{.data_width = cfg.data_width,
                              .watchdog_cycles = cfg.watchdog_cycles,
                              .fst_path = cfg.fst_path,
                              .fst_cycles = cfg.fst_cycles,
                              .coverage_path = cfg.coverage_path,
                              .valid_pattern = cfg.valid_pattern,
                              .ready_pattern = cfg.ready_pattern,
                              .model = cfg.model,
                              .link = cfg.link,
                              .max_dma_reads = cfg.pcie.read_tags}),
      link("link", cfg.pcie),
      hostmem("hostmem", mem),
      cpu("cpu", mem),
      cfg_(cfg) {
  nic.clk(clk);
  nic.dma.bind(link.dma_in);
  link.mem_out.bind(hostmem.socket);
  link.mmio_out.bind(nic.mmio);
  cpu.mmio.bind(link.mmio_in);
  nic.on_irq = [this](unsigned v) { link.msix(v); };
  link.on_interrupt = [this](unsigned v) { cpu.interrupt(v); };
}

void NicSystem::run_cycles(std::uint64_t n) {
  if (n != 0) sc_core::sc_start(period() * static_cast<double>(n));
}

bool NicSystem::settle(std::uint64_t quiet, std::uint64_t limit) {
  const std::uint64_t start = nic.cycle();
  constexpr std::uint64_t kStep = 32;
  for (;;) {
    if (!nic.error().empty()) return false;
    if (nic.wire_pending() == 0 && link.in_flight() == 0 && nic.quiet_cycles() >= quiet)
      return true;
    if (nic.cycle() - start >= limit) return false;
    run_cycles(kStep);
  }
}

}  // namespace nicsim::sim
