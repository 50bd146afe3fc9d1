// SPDX-License-Identifier: MIT
// The `sim` HAL backend: the host CPU of the SystemC system, behind host::Device.
//
// SimHost is the CPU's side of the PCIe link: an MMIO initiator (32-bit register reads and
// writes as TLM transactions to PcieLink::mmio_in: a read costs the round trip, a write is
// posted), the interrupt controller (MSI-X messages from the link latch a pending bit per
// vector and wake waiters) and the host memory the DMA regions come from (the same
// model::HostMemory the link's HostMemoryTarget serves to the NIC).
//
// The driver runs unchanged on SimDevice, from either of two places:
//   - inside a SystemC thread (SC_THREAD, sc_spawn: the host program of a co-simulation):
//     an access waits in simulated time;
//   - outside any SystemC process (a test body, a tool's main): the access is handed to the
//     CPU's own thread and the simulation is run (sc_start) until it completes; an access
//     that does not complete within `access_timeout` of simulated time throws HalError, so a
//     NIC that never answers is an error, not a hang.
// Either way, simulated time passes exactly as the transactions take it. wait_interrupt's
// timeout is simulated time.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nicsim/host/hal/device.hpp"
#include "nicsim/model/device/host_memory.hpp"

namespace nicsim::sim {

class SimHost : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<SimHost> mmio;

  SC_HAS_PROCESS(SimHost);
  /// `access_timeout`: the longest an access (or an interrupt wait from outside SystemC
  /// without its own timeout) may take in simulated time.
  SimHost(sc_core::sc_module_name name, model::HostMemory& mem,
          sc_core::sc_time access_timeout = sc_core::sc_time(1, sc_core::SC_MS));

  std::uint32_t read32(std::uint32_t off);
  void write32(std::uint32_t off, std::uint32_t v);
  /// True if `vector` fired within `timeout` (its pending bit is cleared).
  bool wait_interrupt(unsigned vector, sc_core::sc_time timeout);
  /// An MSI-X message arrived (PcieLink::on_interrupt).
  void interrupt(unsigned vector);
  /// Runs the simulation for `t` from outside any process (the world moves on while the host
  /// does nothing); inside a process, waits.
  void idle(sc_core::sc_time t);

  [[nodiscard]] model::HostMemory& memory() { return mem_; }
  [[nodiscard]] std::uint64_t mmio_reads() const { return reads_; }
  [[nodiscard]] std::uint64_t mmio_writes() const { return writes_; }
  [[nodiscard]] std::uint64_t interrupts() const { return irqs_; }
  /// Simulated time spent in register reads (the CPU stalls on them).
  [[nodiscard]] sc_core::sc_time read_time() const { return read_time_; }

 private:
  enum class Op { kRead, kWrite };
  struct Request {
    Op op = Op::kRead;
    std::uint32_t off = 0;
    std::uint32_t value = 0;
    bool done = false;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  };

  static bool in_process();
  /// Performs an access now, in the calling SystemC thread.
  void access(Request& r);
  /// Performs an access from wherever the caller is.
  void perform(const std::shared_ptr<Request>& r);
  /// The CPU's thread: performs accesses posted from outside SystemC.
  void cpu_thread();
  /// From outside: runs the simulation until `done()` or the timeout; false on timeout.
  template <class Done>
  bool run_until(Done done, sc_core::sc_time timeout);
  void check(const Request& r) const;

  model::HostMemory& mem_;
  sc_core::sc_time access_timeout_;
  // The outside caller's access, for cpu_thread (shared: a caller that gave up on it must not
  // leave cpu_thread writing to its stack).
  std::shared_ptr<Request> posted_;
  sc_core::sc_event post_;
  bool outside_waiting_ = false;
  std::vector<bool> pending_;
  sc_core::sc_event irq_;
  std::uint64_t reads_ = 0, writes_ = 0, irqs_ = 0;
  sc_core::sc_time read_time_ = sc_core::SC_ZERO_TIME;
};

/// host::Device over SimHost.
class SimDevice final : public host::Device {
 public:
  explicit SimDevice(SimHost& cpu) : cpu_(cpu) {}

  std::uint32_t read32(std::uint32_t off) override { return cpu_.read32(off); }
  void write32(std::uint32_t off, std::uint32_t v) override { cpu_.write32(off, v); }
  host::DmaRegion alloc_dma(std::size_t bytes, std::size_t align) override;
  bool wait_interrupt(unsigned vector, std::chrono::nanoseconds timeout) override;
  [[nodiscard]] std::string name() const override { return "sim"; }

  [[nodiscard]] SimHost& cpu() { return cpu_; }
  /// Bytes handed out by alloc_dma and not yet freed.
  [[nodiscard]] std::uint64_t dma_bytes_live() const { return dma_live_; }

 protected:
  void release_dma(std::span<std::uint8_t> host, std::uint64_t iova) override;

 private:
  SimHost& cpu_;
  std::uint64_t dma_live_ = 0;
};

}  // namespace nicsim::sim
