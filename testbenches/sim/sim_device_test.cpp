// SPDX-License-Identifier: MIT
// The `sim` HAL backend (SimHost, SimDevice) with the unchanged driver, in a SystemC system
// whose NIC is the golden model's register file behind the PCIe link (a timed register
// target), from outside SystemC (a test body) and from inside a SystemC thread: simulated
// time passes as the accesses take it, a NIC that never answers is an error, interrupts wait
// in simulated time.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/pcie_link.hpp"
#include "nicsim/sim/sim_device.hpp"

namespace nicsim::sim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

/// The golden model's registers as the link's MMIO target: each access takes `access_ns`
/// (nic_top's AXI4-Lite slave: 3 cycles at 250 MHz); `hang` makes it never answer.
struct ModelRegs : sc_core::sc_module {
  tlm_utils::simple_target_socket<ModelRegs> socket{"socket"};
  model::NicDevice& nic;
  double access_ns = 12.0;
  bool hang = false;
  ModelRegs(sc_core::sc_module_name n, model::NicDevice& d) : sc_module(n), nic(d) {
    socket.register_b_transport(this, &ModelRegs::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& gp, sc_time&) {
    if (hang) sc_core::wait(sc_core::sc_event{});  // never notified
    sc_core::wait(sc_time(access_ns, SC_NS));
    auto* p = gp.get_data_ptr();
    const auto off = static_cast<std::uint32_t>(gp.get_address());
    if (gp.is_write()) {
      nic.write32(off, std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                           std::uint32_t{p[3]} << 24);
    } else {
      const std::uint32_t v = nic.read32(off);
      for (unsigned i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

/// The model does its DMA itself: nothing drives the link's DMA socket.
struct NoDma : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<NoDma> socket{"socket"};
  explicit NoDma(sc_core::sc_module_name n) : sc_module(n) {}
};

struct Bench {
  model::HostMemory mem;
  model::NicDevice nic{model::DeviceConfig{}, mem};
  HostMemoryTarget host{"host", mem};
  PcieLink link{"link", PcieConfig{}};
  ModelRegs regs{"regs", nic};
  SimHost cpu{"cpu", mem};
  SimDevice dev{cpu};
  NoDma no_dma{"no_dma"};
  void idle(sc_time t) { cpu.idle(t); }
  Bench() {
    link.mmio_out.bind(regs.socket);
    cpu.mmio.bind(link.mmio_in);
    link.on_interrupt = [this](unsigned v) { cpu.interrupt(v); };
    // The DMA side is the model's own (it writes HostMemory directly).
    link.mem_out.bind(host.socket);
    no_dma.socket.bind(link.dma_in);
  }
};

TEST(SimDevice, DriverProbesAndReceivesFromOutsideSystemC) {
  Bench b;
  host::Driver drv(b.dev);  // every register access runs the simulation for its round trip
  EXPECT_EQ(drv.features().num_vnic, 8u);
  const double probe_ns = now_ns();
  const std::uint64_t reads = b.cpu.mmio_reads();
  EXPECT_GT(reads, 10u);
  // Each read costs at least the modelled round trip (800 ns) plus the register access.
  EXPECT_GE(probe_ns, static_cast<double>(reads) * 812.0);
  EXPECT_LT(probe_ns, static_cast<double>(reads) * 900.0);
  EXPECT_NEAR(b.cpu.read_time().to_seconds() * 1e9, probe_ns, 1.0)
      << "probe is reads only: all its time is read time";

  drv.enable();
  auto exc = host::RxQueue::exception(drv, {.size_log2 = 4, .buf_size = 2048});
  const double before = now_ns();
  const std::uint64_t w0 = b.cpu.mmio_writes();
  exc.arm();  // a posted write: no simulated time for the CPU
  EXPECT_EQ(b.cpu.mmio_writes(), w0 + 1);
  EXPECT_EQ(now_ns(), before);
  // A wire frame misses the empty tables: the NIC writes it and its completion into the
  // DMA regions the driver allocated through SimDevice, and the driver polls them.
  const auto frame = model::PacketBuilder()
                         .eth({})
                         .ipv4({.src = model::Ipv4Addr(0x0a000001), .dst = model::Ipv4Addr(2)})
                         .udp({.sport = 1, .dport = 2})
                         .payload(18)
                         .bytes();
  // The queue's doorbells are posted writes still in flight: let them land first.
  b.idle(sc_time(1000, SC_NS));
  b.nic.wire_rx(frame);
  const auto got = exc.poll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, host::ExceptionReason::kMiss);
  EXPECT_EQ(got[0].bytes, frame);
  EXPECT_TRUE(drv.stats().ledger_balanced());
}

TEST(SimDevice, DriverRunsInsideASystemCThread) {
  Bench b;
  std::uint32_t caps0 = 0;
  double took = 0;
  bool done = false;
  sc_core::sc_spawn([&] {
    host::Driver drv(b.dev);
    const double t0 = now_ns();
    caps0 = b.dev.read32(regs::nic::CAPS0_ADDR);
    took = now_ns() - t0;
    drv.enable();
    EXPECT_TRUE(drv.enabled());
    done = true;
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  ASSERT_TRUE(done);
  EXPECT_NE(caps0, 0u);
  EXPECT_GT(took, 812.0);
  EXPECT_LT(took, 830.0);
}

TEST(SimDevice, ANicThatNeverAnswersIsAnErrorNotAHang) {
  Bench b;
  b.regs.hang = true;
  EXPECT_THROW((void)b.dev.read32(0), host::HalError);
  EXPECT_GE(now_ns(), 1e6) << "gave up after the access timeout (1 ms simulated)";
  EXPECT_THROW((void)b.dev.read32(3), host::HalError) << "unaligned";
}

TEST(SimDevice, InterruptWaitsInSimulatedTime) {
  Bench b;
  // Nothing raises vector 2: the wait times out after 5 us of simulated time.
  EXPECT_FALSE(b.dev.wait_interrupt(2, std::chrono::microseconds(5)));
  EXPECT_NEAR(now_ns(), 5000.0, 1.0);
  // An MSI-X raised 1 us from now arrives after its flight and wakes the waiter.
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(1000, SC_NS));
    b.link.msix(2);
  });
  EXPECT_TRUE(b.dev.wait_interrupt(2, std::chrono::microseconds(100)));
  EXPECT_GT(now_ns(), 6250.0);
  EXPECT_LT(now_ns(), 6300.0);
  EXPECT_FALSE(b.dev.wait_interrupt(2, std::chrono::nanoseconds(10))) << "pending bit taken";
  EXPECT_EQ(b.cpu.interrupts(), 1u);
}

TEST(SimDevice, DmaRegionsAreHostMemory) {
  Bench b;
  auto r = b.dev.alloc_dma(4096, 64);
  EXPECT_EQ(r.iova() % 64, 0u);
  r.data()[10] = 0x5A;
  EXPECT_EQ(b.mem.read8(r.iova() + 10), 0x5A);
  EXPECT_EQ(b.dev.dma_bytes_live(), 4096u);
  r.free();
  EXPECT_EQ(b.dev.dma_bytes_live(), 0u);
}

}  // namespace
}  // namespace nicsim::sim
