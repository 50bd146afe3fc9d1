// SPDX-License-Identifier: MIT
// run_passthrough: the SystemC system around the Verilated sim_wire_top (wire pass-through).
//
//   WirePort --> AxisSource --s_axis_wire--> sim_wire_top --m_axis_wire--> AxisSink --> WirePort
//                                              ^ s_axil
//                 control thread -> AxilMaster-+
#include "nicsim/sim/passthrough.hpp"

#include <systemc>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include <verilated.h>
#include <verilated_fst_sc.h>

#include "Vsim_wire_top_w512.h"
#include "Vsim_wire_top_w64.h"
#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/axil_master.hpp"
#include "nicsim/sim/axis_beat.hpp"
#include "nicsim/sim/axis_sink.hpp"
#include "nicsim/sim/axis_source.hpp"
#include "nicsim/sim/traffic_ledger.hpp"

namespace nicsim::sim {

namespace {

constexpr int kResetCycles = 8;

template <int W>
struct VerilatedNic;
template <>
struct VerilatedNic<64> {
  using type = Vsim_wire_top_w64;
};
template <>
struct VerilatedNic<512> {
  using type = Vsim_wire_top_w512;
};

template <int W>
class PassthroughSystem : public sc_core::sc_module {
 public:
  using Beat = AxisBeat<W>;
  using Nic = typename VerilatedNic<W>::type;

  PassthroughSystem(sc_core::sc_module_name name, WirePort& port, const RunOptions& opt,
                    RunStats& stats)
      : sc_module(name),
        clk("clk", sc_core::sc_time(1000.0 / opt.clock_mhz, sc_core::SC_NS)),
        nic("sim_wire_top"),
        source("source", port, ledger, opt.valid_pattern, opt.gap_cycles),
        sink("sink", port, ledger,
             typename AxisSink<W>::Options{opt.ready_pattern, 1000.0 / opt.clock_mhz,
                                           opt.watchdog_cycles, opt.progress}),
        axil("axil"),
        port_(port),
        opt_(opt),
        stats_(stats) {
    nic.clk(clk);
    nic.rst(rst);
    nic.s_axis_wire_tdata(s_tdata);
    nic.s_axis_wire_tkeep(s_tkeep);
    nic.s_axis_wire_tvalid(s_tvalid);
    nic.s_axis_wire_tready(s_tready);
    nic.s_axis_wire_tlast(s_tlast);
    nic.s_axis_wire_tuser(s_tuser);
    nic.m_axis_wire_tdata(m_tdata);
    nic.m_axis_wire_tkeep(m_tkeep);
    nic.m_axis_wire_tvalid(m_tvalid);
    nic.m_axis_wire_tready(m_tready);
    nic.m_axis_wire_tlast(m_tlast);
    nic.m_axis_wire_tuser(m_tuser);
    nic.s_axil_awaddr(awaddr);
    nic.s_axil_awprot(awprot);
    nic.s_axil_awvalid(awvalid);
    nic.s_axil_awready(awready);
    nic.s_axil_wdata(wdata);
    nic.s_axil_wstrb(wstrb);
    nic.s_axil_wvalid(wvalid);
    nic.s_axil_wready(wready);
    nic.s_axil_bresp(bresp);
    nic.s_axil_bvalid(bvalid);
    nic.s_axil_bready(bready);
    nic.s_axil_araddr(araddr);
    nic.s_axil_arprot(arprot);
    nic.s_axil_arvalid(arvalid);
    nic.s_axil_arready(arready);
    nic.s_axil_rdata(rdata);
    nic.s_axil_rresp(rresp);
    nic.s_axil_rvalid(rvalid);
    nic.s_axil_rready(rready);

    source.clk(clk);
    source.rst(rst);
    source.m_axis_tdata(s_tdata);
    source.m_axis_tkeep(s_tkeep);
    source.m_axis_tvalid(s_tvalid);
    source.m_axis_tready(s_tready);
    source.m_axis_tlast(s_tlast);
    source.m_axis_tuser(s_tuser);

    sink.clk(clk);
    sink.rst(rst);
    sink.s_axis_tdata(m_tdata);
    sink.s_axis_tkeep(m_tkeep);
    sink.s_axis_tvalid(m_tvalid);
    sink.s_axis_tready(m_tready);
    sink.s_axis_tlast(m_tlast);
    sink.s_axis_tuser(m_tuser);

    axil.clk(clk);
    axil.m_axil_awaddr(awaddr);
    axil.m_axil_awprot(awprot);
    axil.m_axil_awvalid(awvalid);
    axil.m_axil_awready(awready);
    axil.m_axil_wdata(wdata);
    axil.m_axil_wstrb(wstrb);
    axil.m_axil_wvalid(wvalid);
    axil.m_axil_wready(wready);
    axil.m_axil_bresp(bresp);
    axil.m_axil_bvalid(bvalid);
    axil.m_axil_bready(bready);
    axil.m_axil_araddr(araddr);
    axil.m_axil_arprot(arprot);
    axil.m_axil_arvalid(arvalid);
    axil.m_axil_arready(arready);
    axil.m_axil_rdata(rdata);
    axil.m_axil_rresp(rresp);
    axil.m_axil_rvalid(rvalid);
    axil.m_axil_rready(rready);

    SC_THREAD(control);
  }

  void trace(VerilatedFstC* fst) { nic.trace(fst, 99); }

 private:
  SC_HAS_PROCESS(PassthroughSystem);

  void control() {
    rst.write(true);
    for (int i = 0; i < kResetCycles; ++i) wait(clk.posedge_event());
    rst.write(false);

    if (opt_.before_traffic) {
      try {
        opt_.before_traffic(axil);
      } catch (const std::exception& e) {
        ledger.fail(std::string("before_traffic: ") + e.what(), true);
      }
    }
    source.start();
    if (!sink.is_done()) wait(sink.done());
    stats_.cycles = sink.done_cycle();

    try {
      namespace cnt = regs::counters;
      stats_.rtl_cycles = axil.read64(regs::nic::CYCLES_LO_ADDR);
      stats_.rtl_frames_in = axil.read64(cnt::RX_WIRE_FRAMES_LO_ADDR);
      stats_.rtl_frames_out = axil.read64(cnt::OUT_WIRE_LO_ADDR);
      stats_.rtl_bytes_in = axil.read64(cnt::RX_WIRE_BYTES_LO_ADDR);
      stats_.rtl_bytes_out = axil.read64(cnt::OUT_WIRE_BYTES_LO_ADDR);
    } catch (const BusError& e) {
      ledger.fail(std::string("reading the sim_wire_top counters: ") + e.what(), true);
    }
    try {
      port_.flush();
    } catch (const PortError& e) {
      ledger.fail(e.what(), true);
    }

    stats_.frames_in = ledger.frames_in;
    stats_.frames_out = ledger.frames_out;
    stats_.bytes_in = ledger.bytes_in;
    stats_.bytes_out = ledger.bytes_out;
    stats_.error = ledger.error;
    sc_core::sc_stop();
  }

  TrafficLedger ledger;  // before the modules that refer to it
  sc_core::sc_clock clk;
  sc_core::sc_signal<bool> rst{"rst", true};
  sc_core::sc_signal<typename Beat::data_t> s_tdata{"s_axis_wire_tdata"};
  sc_core::sc_signal<typename Beat::keep_t> s_tkeep{"s_axis_wire_tkeep"};
  sc_core::sc_signal<bool> s_tvalid{"s_axis_wire_tvalid"};
  sc_core::sc_signal<bool> s_tready{"s_axis_wire_tready"};
  sc_core::sc_signal<bool> s_tlast{"s_axis_wire_tlast"};
  sc_core::sc_signal<bool> s_tuser{"s_axis_wire_tuser"};
  sc_core::sc_signal<typename Beat::data_t> m_tdata{"m_axis_wire_tdata"};
  sc_core::sc_signal<typename Beat::keep_t> m_tkeep{"m_axis_wire_tkeep"};
  sc_core::sc_signal<bool> m_tvalid{"m_axis_wire_tvalid"};
  sc_core::sc_signal<bool> m_tready{"m_axis_wire_tready"};
  sc_core::sc_signal<bool> m_tlast{"m_axis_wire_tlast"};
  sc_core::sc_signal<bool> m_tuser{"m_axis_wire_tuser"};
  sc_core::sc_signal<std::uint32_t> awaddr{"s_axil_awaddr"};
  sc_core::sc_signal<std::uint32_t> awprot{"s_axil_awprot"};
  sc_core::sc_signal<bool> awvalid{"s_axil_awvalid"};
  sc_core::sc_signal<bool> awready{"s_axil_awready"};
  sc_core::sc_signal<std::uint32_t> wdata{"s_axil_wdata"};
  sc_core::sc_signal<std::uint32_t> wstrb{"s_axil_wstrb"};
  sc_core::sc_signal<bool> wvalid{"s_axil_wvalid"};
  sc_core::sc_signal<bool> wready{"s_axil_wready"};
  sc_core::sc_signal<std::uint32_t> bresp{"s_axil_bresp"};
  sc_core::sc_signal<bool> bvalid{"s_axil_bvalid"};
  sc_core::sc_signal<bool> bready{"s_axil_bready"};
  sc_core::sc_signal<std::uint32_t> araddr{"s_axil_araddr"};
  sc_core::sc_signal<std::uint32_t> arprot{"s_axil_arprot"};
  sc_core::sc_signal<bool> arvalid{"s_axil_arvalid"};
  sc_core::sc_signal<bool> arready{"s_axil_arready"};
  sc_core::sc_signal<std::uint32_t> rdata{"s_axil_rdata"};
  sc_core::sc_signal<std::uint32_t> rresp{"s_axil_rresp"};
  sc_core::sc_signal<bool> rvalid{"s_axil_rvalid"};
  sc_core::sc_signal<bool> rready{"s_axil_rready"};

  Nic nic;
  AxisSource<W> source;
  AxisSink<W> sink;
  AxilMaster axil;

  WirePort& port_;
  const RunOptions& opt_;
  RunStats& stats_;
};

template <int W>
RunStats run(WirePort& port, const RunOptions& opt) {
  RunStats stats;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const bool fst = !opt.fst_path.empty();
    if (fst) Verilated::traceEverOn(true);
    auto system = std::make_unique<PassthroughSystem<W>>("nicsim", port, opt, stats);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration before tracing starts
    std::unique_ptr<VerilatedFstSc> fst_file;
    if (fst) {
      fst_file = std::make_unique<VerilatedFstSc>();
      system->trace(fst_file.get());
      fst_file->open(opt.fst_path.c_str());
    }
    sc_core::sc_start();
    if (fst_file) fst_file->close();
    if (sc_core::sc_get_status() != sc_core::SC_STOPPED && stats.error.empty()) {
      stats.error = "simulation ended before the run finished (no more events)";
    }
  } catch (const std::exception& e) {
    stats.error = std::string("simulation failed: ") + e.what();
  }
  stats.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats;
}

}  // namespace

RunStats run_passthrough(WirePort& port, const RunOptions& opt) {
  static std::atomic<bool> used{false};
  RunStats stats;
  if (opt.data_width != 64 && opt.data_width != 512) {
    stats.error = "run_passthrough: data_width " + std::to_string(opt.data_width) +
                  " is not built (64 or 512)";
    return stats;
  }
  if (!(opt.clock_mhz > 0.0) || !std::isfinite(opt.clock_mhz)) {
    stats.error = "run_passthrough: clock_mhz must be a positive number";
    return stats;
  }
  if (used.exchange(true)) {
    stats.error = "run_passthrough: SystemC elaborates once per process; already called";
    return stats;
  }
  // Quiet SystemC: no banner, no "simulation stopped" note.
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return opt.data_width == 64 ? run<64>(port, opt) : run<512>(port, opt);
}

}  // namespace nicsim::sim

// libsystemc.so calls sc_main from its own main(), so linking it leaves sc_main undefined in
// programs that have their own main() and start SystemC through run_passthrough. This weak
// definition satisfies the linker; a program with a real sc_main overrides it.
__attribute__((weak)) int sc_main(int /*argc*/, char* /*argv*/[]) { return 1; }
