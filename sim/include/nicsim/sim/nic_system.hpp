// SPDX-License-Identifier: MIT
// NicSystem: the whole simulated machine of the co-simulation, elaborated in SystemC.
//
//   NicRtl (Verilated nic_cosim_top) ── AXI4 DMA ─► TLM ─► PcieLink ─► HostMemoryTarget ─► mem
//        ▲ AXI4-Lite ◄── TLM ◄── PcieLink ◄── SimHost (the CPU) ◄── SimDevice (HAL "sim")
//        └ MSI-X ───────────────► PcieLink ─► SimHost's interrupt lines
//
// `dev` is the host::Device the driver runs on. run_scenario (cosim.hpp) builds one; a test can
// build one too and drive it from outside any SystemC process (the host suite's `sim` world):
// register accesses then run the simulation until they complete, and run_cycles/settle let
// the rest of the world move. One NicSystem per process (SystemC elaborates once).
#pragma once

#include <systemc>

#include <cstdint>
#include <string>
#include <vector>

#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/sim/nic_rtl.hpp"
#include "nicsim/sim/pcie_link.hpp"
#include "nicsim/sim/sim_device.hpp"

namespace nicsim::sim {

struct NicSystemConfig {
  unsigned data_width = 512;  // 64 or 512
  double clock_mhz = 250.0;
  PcieConfig pcie;
  std::uint64_t watchdog_cycles = 1'000'000;
  std::string fst_path;  // FST of the run ("" = none)
  std::pair<std::uint64_t, std::uint64_t> fst_cycles{0, ~std::uint64_t{0}};  // its cycles
  std::string coverage_path;  // Verilator coverage data of the run (NicRtlConfig)
  std::vector<bool> valid_pattern, ready_pattern;  // wire source / sink (NicRtlConfig)
  NicRtlModel model;  // another Verilated build of nic_cosim_top (NicRtlConfig::model)
  model::PhyLink link{};  // what the simulated PHY reports from reset on (NicRtlConfig::link)
};

/// The golden model's configuration equal to the Verilated NIC's parameters (sim/CMakeLists.txt
/// NICSIM_NIC_RTL_PARAMS: queues, VNICs, table sizes) at `data_width`: what the scoreboard and
/// the model engine run, so that both engines have the same tables and queues.
[[nodiscard]] model::DeviceConfig rtl_device_config(unsigned data_width);

class NicSystem : public sc_core::sc_module {
 public:
  model::HostMemory mem;
  sc_core::sc_clock clk;
  NicRtl nic;
  PcieLink link;
  HostMemoryTarget hostmem;
  SimHost cpu;
  SimDevice dev{cpu};

  NicSystem(sc_core::sc_module_name name, const NicSystemConfig& cfg);

  [[nodiscard]] const NicSystemConfig& config() const { return cfg_; }
  [[nodiscard]] sc_core::sc_time period() const { return clk.period(); }

  // ---- from outside any SystemC process (a test's body, a tool stepping the simulation)
  /// Lets `n` NIC clocks pass.
  void run_cycles(std::uint64_t n);
  /// Runs until nothing waits at the wire input, nothing is in flight on the link and the NIC
  /// has been quiet (no handshake on any port) for `quiet` clocks: everything the NIC was given
  /// is done and written to host memory. False when `limit` clocks pass first or the NIC
  /// reports an error (NicRtl::error()).
  bool settle(std::uint64_t quiet = 200, std::uint64_t limit = 2'000'000);

 private:
  NicSystemConfig cfg_;
};

}  // namespace nicsim::sim
