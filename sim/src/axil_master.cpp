// SPDX-License-Identifier: MIT
#include "nicsim/sim/axil_master.hpp"

#include <cstdio>
#include <string>

namespace nicsim::sim {

namespace {

std::string bus_message(const char* what, std::uint32_t addr, const char* detail) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "AXI4-Lite %s at 0x%04x: %s", what, addr, detail);
  return buf;
}

}  // namespace

AxilMaster::AxilMaster(sc_core::sc_module_name name, std::uint32_t timeout_cycles)
    : sc_module(name),
      clk("clk"),
      m_axil_awaddr("m_axil_awaddr"),
      m_axil_awprot("m_axil_awprot"),
      m_axil_awvalid("m_axil_awvalid"),
      m_axil_awready("m_axil_awready"),
      m_axil_wdata("m_axil_wdata"),
      m_axil_wstrb("m_axil_wstrb"),
      m_axil_wvalid("m_axil_wvalid"),
      m_axil_wready("m_axil_wready"),
      m_axil_bresp("m_axil_bresp"),
      m_axil_bvalid("m_axil_bvalid"),
      m_axil_bready("m_axil_bready"),
      m_axil_araddr("m_axil_araddr"),
      m_axil_arprot("m_axil_arprot"),
      m_axil_arvalid("m_axil_arvalid"),
      m_axil_arready("m_axil_arready"),
      m_axil_rdata("m_axil_rdata"),
      m_axil_rresp("m_axil_rresp"),
      m_axil_rvalid("m_axil_rvalid"),
      m_axil_rready("m_axil_rready"),
      timeout_cycles_(timeout_cycles) {}

void AxilMaster::wait_handshake(const sc_core::sc_in<bool>& ready, const char* what,
                                std::uint32_t addr) {
  // Signals read right after a rising edge hold the values sim_wire_top sampled at that edge.
  for (std::uint32_t n = 0;; ++n) {
    sc_core::wait(clk.posedge_event());
    if (ready.read()) return;
    if (n >= timeout_cycles_) {
      char detail[64];
      std::snprintf(detail, sizeof detail, "no %s within %u cycles", ready.basename(),
                    timeout_cycles_);
      throw BusError(bus_message(what, addr, detail));
    }
  }
}

std::uint32_t AxilMaster::read32(std::uint32_t addr) {
  if (addr % 4 != 0) throw BusError(bus_message("read", addr, "address not 4-byte aligned"));
  m_axil_araddr.write(addr);
  m_axil_arvalid.write(true);
  m_axil_rready.write(true);
  wait_handshake(m_axil_arready, "read", addr);
  m_axil_arvalid.write(false);
  wait_handshake(m_axil_rvalid, "read", addr);
  m_axil_rready.write(false);
  ++reads_;
  const std::uint32_t data = m_axil_rdata.read();
  if (const std::uint32_t resp = m_axil_rresp.read(); resp != 0) {
    throw BusError(bus_message("read", addr, resp == 2 ? "SLVERR" : "DECERR"));
  }
  return data;
}

void AxilMaster::write32(std::uint32_t addr, std::uint32_t data) {
  if (addr % 4 != 0) throw BusError(bus_message("write", addr, "address not 4-byte aligned"));
  m_axil_awaddr.write(addr);
  m_axil_awvalid.write(true);
  m_axil_wdata.write(data);
  m_axil_wstrb.write(0xF);
  m_axil_wvalid.write(true);
  m_axil_bready.write(true);
  // sim_wire_top's slave takes AW and W in the same cycle; a general slave may not, so wait for both.
  bool aw_done = false;
  bool w_done = false;
  for (std::uint32_t n = 0; !(aw_done && w_done); ++n) {
    sc_core::wait(clk.posedge_event());
    if (!aw_done && m_axil_awready.read()) {
      aw_done = true;
      m_axil_awvalid.write(false);
    }
    if (!w_done && m_axil_wready.read()) {
      w_done = true;
      m_axil_wvalid.write(false);
    }
    if (!(aw_done && w_done) && n >= timeout_cycles_) {
      throw BusError(bus_message("write", addr, "no awready/wready in time"));
    }
  }
  wait_handshake(m_axil_bvalid, "write", addr);
  m_axil_bready.write(false);
  ++writes_;
  if (const std::uint32_t resp = m_axil_bresp.read(); resp != 0) {
    throw BusError(bus_message("write", addr, resp == 2 ? "SLVERR" : "DECERR"));
  }
}

}  // namespace nicsim::sim
