// SPDX-License-Identifier: MIT
// NicRtl: the Verilated NIC (sim/rtl/nic_cosim_top.sv: nic_top plus the scoreboard's monitors)
// as a SystemC module of the co-simulation.
//
//   clk ─► clocked process: every rising edge, one clock of the model, its ports bound as
//          plain values (no sc_signal per bit):
//     m_axi_*  (AXI4 master, DMA) ──► AxiMem's burst logic ──► TLM-2.0 `dma` socket
//                                      (base protocol, nb_transport: PcieLink::dma_in)
//     s_axil_* (AXI4-Lite slave)  ◄── AxilMasterPort ◄── TLM-2.0 `mmio` target socket
//                                      (b_transport from PcieLink::mmio_out: waits for the
//                                       access's response in simulated time)
//     s_axis_wire / m_axis_wire   ◄── wire_send() frames / on_wire_out(frame)
//     m_irq_* (MSI-X vector requests) ──► on_irq(vector) (PcieLink::msix)
//     mon_*  ──► Observer (the scoreboard): frames entering the pipeline, table commands and
//                lookups, register writes as the register file takes them
//   An AXI4 checker watches the DMA port and an AXI4-Lite checker the register port; a broken
//   rule, like a watchdog that sees no progress while work is pending, is an error: error()
//   says what, and the module stops the simulation (sc_stop).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nicsim/model/device/phy_link.hpp"

namespace nicsim::sim {

/// What the monitors of nic_cosim_top show (cycles are the NIC's clock count from reset).
struct NicObserver {
  virtual ~NicObserver() = default;
  /// A frame entered the pipeline (wire or transmit queue), its bytes as the pipeline saw them.
  virtual void ingress(std::span<const std::uint8_t> frame, unsigned vport, std::uint64_t ts,
                       std::uint64_t cycle) {
    (void)frame, (void)vport, (void)ts, (void)cycle;
  }
  /// A lookup entered the exact-match table / the TCAM.
  virtual void em_lookup(std::uint64_t cycle) { (void)cycle; }
  virtual void tcam_lookup(std::uint64_t cycle) { (void)cycle; }
  /// A management command entered the exact-match table (key and action as bytes, key in
  /// network order) / the TCAM.
  virtual void em_command(unsigned op, std::span<const std::uint8_t> key,
                          std::span<const std::uint8_t> action, std::uint32_t handle,
                          std::uint64_t cycle) {
    (void)op, (void)key, (void)action, (void)handle, (void)cycle;
  }
  virtual void tcam_command(std::uint32_t op, std::uint32_t index, std::uint16_t priority,
                            std::span<const std::uint8_t> value, std::span<const std::uint8_t> mask,
                            std::span<const std::uint8_t> action, std::uint64_t cycle) {
    (void)op, (void)index, (void)priority, (void)value, (void)mask, (void)action, (void)cycle;
  }
  /// The register file took a write (its B response).
  virtual void register_write(std::uint32_t addr, std::uint32_t data, std::uint64_t cycle) {
    (void)addr, (void)data, (void)cycle;
  }
  /// A frame left on the wire.
  virtual void wire_out(std::span<const std::uint8_t> frame, std::uint64_t cycle) {
    (void)frame, (void)cycle;
  }
};

class NicRtl;
struct NicRtlConfig;
/// nic_top's DMA reads as the bridge saw them (NicRtl::dma_reads).
struct DmaReadStats {
  std::uint64_t bursts = 0;          // AXI read bursts accepted
  std::uint64_t peak_in_flight = 0;  // most accepted and not finished at once
  std::uint64_t ar_wait_cycles = 0;  // clocks ARVALID waited for ARREADY (read_tags all out)
};
/// The clocked adapter of one Verilated build of nic_cosim_top (nic_rtl_model.hpp).
struct NicRtlImpl;
using NicRtlModel = std::function<std::unique_ptr<NicRtlImpl>(
    const NicRtlConfig&, tlm_utils::simple_initiator_socket<NicRtl>&)>;

struct NicRtlConfig {
  unsigned data_width = 512;            // 64 or 512: which Verilated model
  unsigned reset_cycles = 8;
  std::uint64_t watchdog_cycles = 1'000'000;  // no progress while work is pending: an error
  std::string fst_path;                 // FST waveform of the run ("" = none)
  /// The cycles the FST covers (first, last); default: all.
  std::pair<std::uint64_t, std::uint64_t> fst_cycles{0, ~std::uint64_t{0}};
  /// Verilator coverage data of the run, written when the model is destroyed ("" = none;
  /// set on a build without coverage: an error). docs/coverage.md.
  std::string coverage_path;
  // Per-cycle patterns, repeating (empty: always): may the wire source start a beat this
  // cycle (once offered, a beat stays until taken, as AXI4-Stream requires); the wire sink's
  // tready.
  std::vector<bool> valid_pattern, ready_pattern;
  /// Another Verilated build of nic_cosim_top (nic_rtl_model.hpp); empty: the project's own
  /// build of `data_width`.
  NicRtlModel model;
  /// What the simulated PHY reports from reset on (nic_top's phy_* inputs, docs/spec.md 12).
  model::PhyLink link{};
  /// AXI read bursts of nic_top's DMA master the bridge accepts before they finish: the PCIe
  /// endpoint's read tags (PcieConfig::read_tags); ARREADY is low while that many are out.
  unsigned max_dma_reads = 64;
};

class NicRtl : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  tlm_utils::simple_initiator_socket<NicRtl> dma;
  tlm_utils::simple_target_socket<NicRtl> mmio;

  /// MSI-X vector requests (bind to PcieLink::msix).
  std::function<void(unsigned vector)> on_irq;
  /// Every frame the NIC sends to the wire (the wire port's output), with its last cycle.
  std::function<void(std::span<const std::uint8_t> frame, std::uint64_t cycle)> on_wire_out;

  SC_HAS_PROCESS(NicRtl);
  NicRtl(sc_core::sc_module_name name, const NicRtlConfig& cfg);
  ~NicRtl() override;

  void set_observer(NicObserver* o) { obs_ = o; }
  /// Queues a frame for the wire input, sent `gap_cycles` after the previous one ends.
  void wire_send(std::vector<std::uint8_t> frame, std::uint32_t gap_cycles = 0);
  [[nodiscard]] std::size_t wire_pending() const;
  /// The simulated PHY reports `link` from the next clock on (docs/spec.md 12): the NIC shows
  /// it in LINK_STATUS a clock later and, with LINK_IRQ enabled, raises its vector.
  void set_link(const model::PhyLink& link);
  [[nodiscard]] const model::PhyLink& link() const;

  [[nodiscard]] std::uint64_t cycle() const;
  /// Nothing in flight on any port, and no frame waiting to go in.
  [[nodiscard]] bool quiet() const;
  /// Cycles since the last port activity (a handshake on any interface).
  [[nodiscard]] std::uint64_t quiet_cycles() const;
  [[nodiscard]] std::uint64_t frames_in() const;
  [[nodiscard]] std::uint64_t frames_out() const;
  [[nodiscard]] DmaReadStats dma_reads() const;
  /// The first error (checker, watchdog); empty while all is well.
  [[nodiscard]] const std::string& error() const;

 private:
  void on_clock();
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  std::unique_ptr<NicRtlImpl> impl_;
  NicObserver* obs_ = nullptr;
};

}  // namespace nicsim::sim
