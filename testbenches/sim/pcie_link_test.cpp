// SPDX-License-Identifier: MIT
// PcieLink and HostMemoryTarget in a small SystemC system: DMA writes reach host memory at
// their arrival (after the NIC was answered), DMA reads sample memory at their request's
// arrival and answer after the completions, MMIO writes are posted and delivered in order
// before a later read, MSI-X arrives after its flight. One elaboration per process: every
// test case runs in its own process (gtest_discover_tests).
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <map>
#include <vector>

#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/sim/pcie_link.hpp"

namespace nicsim::sim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

constexpr double kBpns = 8.0 * 16 * (128.0 / 130.0) / 8.0;

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

/// The NIC side of the DMA path: issues requests with nb_transport_fw, records when each
/// response came back.
struct DmaInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<DmaInitiator> socket{"socket"};
  std::map<tlm::tlm_generic_payload*, double> answered;
  explicit DmaInitiator(sc_core::sc_module_name n) : sc_module(n) {
    socket.register_nb_transport_bw(this, &DmaInitiator::bw);
  }
  void issue(tlm::tlm_generic_payload& gp) {
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_time d = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(socket->nb_transport_fw(gp, ph, d), tlm::TLM_UPDATED);
    EXPECT_EQ(ph, tlm::END_REQ);
  }
  tlm::tlm_sync_enum bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& ph, sc_time&) {
    EXPECT_EQ(ph, tlm::BEGIN_RESP);
    answered[&gp] = now_ns();
    return tlm::TLM_COMPLETED;
  }
};

/// The NIC side of the MMIO path: 32-bit registers answering after `answer_ns`.
struct RegTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<RegTarget> socket{"socket"};
  std::map<std::uint64_t, std::uint32_t> regs;
  std::vector<std::pair<std::uint64_t, double>> log;  // (address, arrival) in order
  double answer_ns = 12.0;
  explicit RegTarget(sc_core::sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &RegTarget::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
    log.emplace_back(gp.get_address(), now_ns());
    sc_core::wait(sc_time(answer_ns, SC_NS));
    auto* p = reinterpret_cast<std::uint32_t*>(gp.get_data_ptr());
    if (gp.is_write()) {
      regs[gp.get_address()] = *p;
    } else {
      *p = regs[gp.get_address()];
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

/// The host CPU's side of the MMIO path.
struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};
  explicit Cpu(sc_core::sc_module_name n) : sc_module(n) {}
};

struct Bench {
  model::HostMemory mem;
  HostMemoryTarget host{"host", mem};
  PcieLink link{"link", PcieConfig{}};
  DmaInitiator nic{"nic"};
  RegTarget regs{"regs"};
  Cpu cpu{"cpu"};
  Bench() {
    nic.socket.bind(link.dma_in);
    link.mem_out.bind(host.socket);
    link.mmio_out.bind(regs.socket);
    cpu.socket.bind(link.mmio_in);
  }
};

void payload(tlm::tlm_generic_payload& gp, tlm::tlm_command cmd, std::uint64_t addr,
             std::vector<std::uint8_t>& buf) {
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(buf.data());
  gp.set_data_length(static_cast<unsigned>(buf.size()));
  gp.set_streaming_width(static_cast<unsigned>(buf.size()));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

TEST(PcieLink, DmaWriteLandsAtArrivalAndReadSeesIt) {
  Bench b;
  const auto region = b.mem.allocate(4096);
  const std::uint64_t a = region.dev_addr;
  std::vector<std::uint8_t> wdata(64, 0xAB), rdata(64, 0);
  tlm::tlm_generic_payload w, r;
  payload(w, tlm::TLM_WRITE_COMMAND, a, wdata);
  payload(r, tlm::TLM_READ_COMMAND, a, rdata);
  b.nic.issue(w);
  b.nic.issue(r);
  const double sent = 88 / kBpns, done = sent + 250.0;
  sc_core::sc_start(sc_time(sent + 1.0, SC_NS));
  EXPECT_NEAR(b.nic.answered.at(&w), sent, 0.01) << "posted: answered once sent";
  EXPECT_EQ(w.get_response_status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(region.host[0], 0) << "not yet in host memory";
  sc_core::sc_start(sc_time(done - sent, SC_NS));
  EXPECT_EQ(region.host[0], 0xAB) << "in host memory at its arrival";
  sc_core::sc_start(sc_time(2000, SC_NS));
  // The read request left after the write (88 + 24 bytes upstream), the completion of 84 bytes.
  EXPECT_NEAR(b.nic.answered.at(&r), (88 + 24) / kBpns + 500.0 + 84 / kBpns, 0.01);
  EXPECT_EQ(r.get_response_status(), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(rdata, wdata) << "the read sampled memory after the write arrived";
  EXPECT_EQ(b.link.in_flight(), 0u);
}

TEST(PcieLink, ByteEnablesAndOutOfRangeAccesses) {
  Bench b;
  const auto region = b.mem.allocate(64);
  std::vector<std::uint8_t> wdata{1, 2, 3, 4}, be{0xFF, 0x00, 0xFF, 0x00};
  tlm::tlm_generic_payload w, bad, badr;
  payload(w, tlm::TLM_WRITE_COMMAND, region.dev_addr, wdata);
  w.set_byte_enable_ptr(be.data());
  w.set_byte_enable_length(4);
  std::vector<std::uint8_t> far(8, 0x55);
  payload(bad, tlm::TLM_WRITE_COMMAND, model::HostMemory::kAddrLimit - 4, far);
  std::vector<std::uint8_t> rfar(8, 0x55);
  payload(badr, tlm::TLM_READ_COMMAND, model::HostMemory::kAddrLimit, rfar);
  b.nic.issue(w);
  b.nic.issue(bad);
  b.nic.issue(badr);
  sc_core::sc_start(sc_time(5000, SC_NS));
  EXPECT_EQ(region.host[0], 1);
  EXPECT_EQ(region.host[1], 0) << "byte disabled";
  EXPECT_EQ(region.host[2], 3);
  EXPECT_EQ(bad.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(badr.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_TRUE(b.nic.answered.count(&bad) && b.nic.answered.count(&badr)) << "answered anyway";
  EXPECT_EQ(b.mem.errors(), 0u) << "never performed";
}

TEST(PcieLink, MmioWritesArePostedAndAReadFollowsThem) {
  Bench b;
  std::vector<double> done;
  std::uint32_t got = 0;
  sc_core::sc_spawn([&] {
    auto access = [&](tlm::tlm_command cmd, std::uint64_t addr, std::uint32_t& v) {
      tlm::tlm_generic_payload gp;
      gp.set_command(cmd);
      gp.set_address(addr);
      gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
      gp.set_data_length(4);
      gp.set_streaming_width(4);
      sc_time d = sc_core::SC_ZERO_TIME;
      b.cpu.socket->b_transport(gp, d);
      done.push_back(now_ns());
    };
    std::uint32_t v1 = 7, v2 = 9;
    access(tlm::TLM_WRITE_COMMAND, 0x10, v1);
    access(tlm::TLM_WRITE_COMMAND, 0x14, v2);
    access(tlm::TLM_READ_COMMAND, 0x10, got);
  });
  sc_core::sc_start(sc_time(5000, SC_NS));
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0], 0.0) << "a posted write costs the CPU no simulated time";
  EXPECT_EQ(done[1], 0.0);
  EXPECT_EQ(got, 7u);
  ASSERT_EQ(b.regs.log.size(), 3u);
  EXPECT_EQ(b.regs.log[0].first, 0x10u);
  EXPECT_EQ(b.regs.log[1].first, 0x14u);
  EXPECT_EQ(b.regs.log[2].first, 0x10u);
  // Each write reaches the NIC after its flight; the read, queued behind them, after the NIC
  // took both (12 ns each) and its own round trip.
  EXPECT_NEAR(b.regs.log[0].second, 24 / kBpns + 250.0, 0.01);
  EXPECT_GE(b.regs.log[2].second, b.regs.log[1].second + 12.0);
  EXPECT_NEAR(done[2], b.regs.log[2].second + 12.0 + 24 / kBpns + 400.0, 0.01);
  EXPECT_EQ(b.link.mmio_writes(), 2u);
  EXPECT_EQ(b.link.mmio_reads(), 1u);
}

TEST(PcieLink, MsixArrivesAfterItsFlight) {
  Bench b;
  std::vector<std::pair<unsigned, double>> irqs;
  b.link.on_interrupt = [&](unsigned v) { irqs.emplace_back(v, now_ns()); };
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(100, SC_NS));
    b.link.msix(5);
  });
  sc_core::sc_start(sc_time(1000, SC_NS));
  ASSERT_EQ(irqs.size(), 1u);
  EXPECT_EQ(irqs[0].first, 5u);
  EXPECT_NEAR(irqs[0].second, 100.0 + 28 / kBpns + 250.0, 0.01);
}

}  // namespace
}  // namespace nicsim::sim
