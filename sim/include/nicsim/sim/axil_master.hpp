// SPDX-License-Identifier: MIT
// AxilMaster: an AXI4-Lite master for nic_top's register block. read32()/write32() are
// blocking calls for a SystemC thread (SC_THREAD) and cost simulated clock cycles: with
// nic_top's slave a read or a write takes 3 cycles.
#pragma once

#include <systemc>

#include <cstdint>

#include "nicsim/sim/register_bus.hpp"

namespace nicsim::sim {

class AxilMaster : public sc_core::sc_module, public RegisterBus {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_out<std::uint32_t> m_axil_awaddr;
  sc_core::sc_out<std::uint32_t> m_axil_awprot;
  sc_core::sc_out<bool> m_axil_awvalid;
  sc_core::sc_in<bool> m_axil_awready;
  sc_core::sc_out<std::uint32_t> m_axil_wdata;
  sc_core::sc_out<std::uint32_t> m_axil_wstrb;
  sc_core::sc_out<bool> m_axil_wvalid;
  sc_core::sc_in<bool> m_axil_wready;
  sc_core::sc_in<std::uint32_t> m_axil_bresp;
  sc_core::sc_in<bool> m_axil_bvalid;
  sc_core::sc_out<bool> m_axil_bready;
  sc_core::sc_out<std::uint32_t> m_axil_araddr;
  sc_core::sc_out<std::uint32_t> m_axil_arprot;
  sc_core::sc_out<bool> m_axil_arvalid;
  sc_core::sc_in<bool> m_axil_arready;
  sc_core::sc_in<std::uint32_t> m_axil_rdata;
  sc_core::sc_in<std::uint32_t> m_axil_rresp;
  sc_core::sc_in<bool> m_axil_rvalid;
  sc_core::sc_out<bool> m_axil_rready;

  // `timeout_cycles`: an access with no handshake for this long throws BusError.
  explicit AxilMaster(sc_core::sc_module_name name, std::uint32_t timeout_cycles = 1000);

  // From an SC_THREAD only. Throw BusError on a non-OKAY response or a timeout.
  std::uint32_t read32(std::uint32_t addr) override;
  void write32(std::uint32_t addr, std::uint32_t data) override;

  std::uint64_t reads() const { return reads_; }
  std::uint64_t writes() const { return writes_; }

 private:
  // Waits for rising edges until `ready` was high at one; throws BusError after the timeout.
  void wait_handshake(const sc_core::sc_in<bool>& ready, const char* what, std::uint32_t addr);

  std::uint32_t timeout_cycles_;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
};

}  // namespace nicsim::sim
