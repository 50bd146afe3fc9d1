// SPDX-License-Identifier: MIT
// The host side of the co-simulation in SystemC TLM-2.0: host memory behind a PCIe link.
//
//   NIC (AXI4 master, bridged) --dma_in--> PcieLink --mem_out--> HostMemoryTarget (model's
//                                             |                   HostMemory: the same bytes the
//   host CPU thread --mmio_in--> PcieLink --mmio_out--> NIC        driver's DMA regions hold)
//   NIC (MSI-X vector) --msix()--> PcieLink --on_interrupt(vector)--> host
//
// Timing comes from PcieTiming (pcie_timing.hpp): serialization per direction, TLP overheads,
// latencies. Functional effects happen when the timing says: a DMA write reaches host memory
// when its last TLP has arrived (the NIC is answered earlier, when it has sent it: posted); a
// DMA read samples memory when its request arrives and is answered when its last completion
// has arrived. Both directions are FIFOs, so the host never sees a completion before the
// frame data the NIC wrote before it.
//
// dma_in speaks the TLM-2.0 base protocol, approximately timed: the NIC-side bridge calls
// nb_transport_fw(BEGIN_REQ) from its clocked process (the link answers END_REQ at once) and
// gets nb_transport_bw(BEGIN_RESP) back at the response time (it answers TLM_COMPLETED). The
// payload's data buffer must stay valid until then; write data is copied at BEGIN_REQ.
//
// mmio_in takes b_transport from a host SC_THREAD: a write is posted (the thread goes on at
// once; the write is delivered in order after its flight), a read blocks the thread for the
// round trip plus the NIC's own answer. mmio_out calls the NIC's register port with
// b_transport from the link's delivery thread (the NIC's target may wait for its clock).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/sim/pcie_timing.hpp"

namespace nicsim::sim {

/// Host memory as a TLM-2.0 target (b_transport, no DMI): reads and writes of the model's
/// HostMemory, byte enables honoured. Accesses beyond the 48-bit address space answer
/// TLM_ADDRESS_ERROR_RESPONSE; burst/streaming widths other than the data length and
/// non-read/write commands TLM_COMMAND_ERROR_RESPONSE / TLM_BURST_ERROR_RESPONSE.
class HostMemoryTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostMemoryTarget> socket;

  HostMemoryTarget(sc_core::sc_module_name name, model::HostMemory& mem);

  [[nodiscard]] std::uint64_t reads() const { return reads_; }
  [[nodiscard]] std::uint64_t writes() const { return writes_; }
  [[nodiscard]] std::uint64_t errors() const { return errors_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  model::HostMemory& mem_;
  std::uint64_t reads_ = 0, writes_ = 0, errors_ = 0;
};

class PcieLink : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<PcieLink> dma_in;
  tlm_utils::simple_initiator_socket<PcieLink> mem_out;
  tlm_utils::simple_target_socket<PcieLink> mmio_in;
  tlm_utils::simple_initiator_socket<PcieLink> mmio_out;

  /// Called at the arrival of an MSI-X message (from the link's process).
  std::function<void(unsigned vector)> on_interrupt;

  SC_HAS_PROCESS(PcieLink);
  PcieLink(sc_core::sc_module_name name, const PcieConfig& cfg);

  /// The NIC raises MSI-X `vector` now (from its clocked process).
  void msix(unsigned vector);

  [[nodiscard]] const PcieTiming& timing() const { return timing_; }
  /// DMA transactions, MMIO accesses and MSI-X messages on their way; 0 when the link is quiet.
  [[nodiscard]] std::size_t in_flight() const {
    return dma_in_flight_ + mmio_q_.size() + msix_in_flight_;
  }
  [[nodiscard]] std::uint64_t dma_reads() const { return dma_reads_; }
  [[nodiscard]] std::uint64_t dma_writes() const { return dma_writes_; }
  [[nodiscard]] std::uint64_t mmio_reads() const { return mmio_reads_; }
  [[nodiscard]] std::uint64_t mmio_writes() const { return mmio_writes_; }

 private:
  struct Action {
    double at_ns;
    std::uint64_t seq;
    std::function<void()> run;
  };
  struct Later {
    bool operator()(const Action& a, const Action& b) const {
      return a.at_ns > b.at_ns || (a.at_ns == b.at_ns && a.seq > b.seq);
    }
  };
  struct Mmio {
    double arrive_ns;
    std::unique_ptr<tlm::tlm_generic_payload> gp;  // posted writes: the link's own copy
    std::vector<std::uint8_t> data;
    tlm::tlm_generic_payload* read = nullptr;      // reads: the caller's payload
    sc_core::sc_event* answered = nullptr;
  };

  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void mmio_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void schedule(double at_ns, std::function<void()> fn);
  void run_due();       // SC_METHOD: actions whose time has come
  void deliver_mmio();  // SC_THREAD: MMIO to the NIC, in order
  void respond(tlm::tlm_generic_payload& gp);
  [[nodiscard]] static double now_ns();

  PcieTiming timing_;
  std::priority_queue<Action, std::vector<Action>, Later> actions_;
  std::uint64_t seq_ = 0;
  sc_core::sc_event wake_;
  std::deque<Mmio> mmio_q_;
  sc_core::sc_event mmio_posted_;
  std::size_t dma_in_flight_ = 0;
  std::size_t msix_in_flight_ = 0;
  std::uint64_t dma_reads_ = 0, dma_writes_ = 0, mmio_reads_ = 0, mmio_writes_ = 0;
};

}  // namespace nicsim::sim
