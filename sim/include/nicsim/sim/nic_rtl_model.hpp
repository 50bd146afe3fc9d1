// SPDX-License-Identifier: MIT
// The clocked adapter between NicRtl (nic_rtl.hpp) and one Verilated build of
// sim/rtl/nic_cosim_top.sv, as a template over the model's class. nicsim_cosim instantiates it
// for its two builds (Vnic_cosim_top_w64, _w512); another build of the same top (a variant of
// the RTL: other parameters, a change under test, a planted bug) runs in the same system with
//
//   #include <verilated.h>                      // first: the model is plain C++, not SystemC
//   #include "Vmy_variant.h"
//   #include "nicsim/sim/nic_rtl_model.hpp"
//   cfg.model = nicsim::sim::nic_rtl_model<Vmy_variant>();   // NicRtlConfig
//
// The class must have nic_cosim_top's ports; its data width is the wire's tdata width.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>
// NICSIM_VM_COVERAGE: 1 when the model is Verilated with coverage (cmake/rtl_bench.cmake).
#ifndef NICSIM_VM_COVERAGE
#define NICSIM_VM_COVERAGE 0
#endif
#if NICSIM_VM_COVERAGE
#include <verilated_cov.h>
#endif

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/sim/axi/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "nicsim/sim/axi/axil_master.hpp"
#include "nicsim/sim/bits.hpp"
#include "nicsim/sim/nic_rtl.hpp"

namespace nicsim::sim {


namespace detail {

NICSIM_AXI_PORT(DmaPort, m_axi_);

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

inline std::uint32_t axi_resp_of(tlm::tlm_response_status s) {
  switch (s) {
    case tlm::TLM_OK_RESPONSE: return axi::kRespOkay;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return axi::kRespDecerr;
    default: return axi::kRespSlverr;
  }
}

/// The host memory side of the NIC's AXI4 master: AxiMem's burst handling, every burst a TLM
/// transaction through the link (which decides when it is answered and performs it).
class TlmAxiMem : public axi::AxiMem {
 public:
  TlmAxiMem(const axi::AxiMemConfig& cfg, tlm_utils::simple_initiator_socket<NicRtl>& sock)
      : AxiMem(cfg), sock_(sock) {}

  /// The link answered `gp` (from nb_transport_bw).
  void answered(tlm::tlm_generic_payload& gp) {
    const auto it = txns_.find(&gp);
    if (it == txns_.end()) return;
    ready(it->second.read, it->second.seq, axi_resp_of(gp.get_response_status()));
    txns_.erase(it);
  }
  [[nodiscard]] std::size_t in_flight() const { return txns_.size(); }

 protected:
  void on_read(Burst& b) override {
    b.ready_at = kNotReady;
    std::uint64_t lo = 0, hi = 0;
    burst_range(b, lo, hi);
    b.data.assign(hi - lo, 0);
    Txn& t = start(true, b.seq, tlm::TLM_READ_COMMAND, lo, b.data.data(), b.data.size());
    (void)t;
  }
  std::uint8_t beat_byte(const Burst& b, std::uint64_t addr) const override {
    std::uint64_t lo = 0, hi = 0;
    burst_range(b, lo, hi);
    return addr >= lo && addr < hi ? b.data[addr - lo] : 0;
  }
  void on_write(Burst& b) override {
    b.ready_at = kNotReady;
    std::uint64_t lo = 0, hi = 0;
    burst_range(b, lo, hi);
    Txn& t = start(false, b.seq, tlm::TLM_WRITE_COMMAND, lo, nullptr, hi - lo);
    t.data.assign(hi - lo, 0);
    t.be.assign(hi - lo, TLM_BYTE_DISABLED);
    for (const auto& [a, v] : b.writes) {
      if (a < lo || a >= hi) continue;
      t.data[a - lo] = v;
      t.be[a - lo] = TLM_BYTE_ENABLED;
    }
    t.gp->set_data_ptr(t.data.data());
    t.gp->set_byte_enable_ptr(t.be.data());
    t.gp->set_byte_enable_length(static_cast<unsigned>(t.be.size()));
    send(t);
  }
  void commit_write(Burst& b) override { (void)b; }  // the link performed it

 private:
  struct Txn {
    bool read = false;
    std::uint64_t seq = 0;
    std::unique_ptr<tlm::tlm_generic_payload> gp;
    std::vector<std::uint8_t> data, be;
  };

  Txn& start(bool read, std::uint64_t seq, tlm::tlm_command cmd, std::uint64_t addr,
             std::uint8_t* data, std::uint64_t len) {
    auto gp = std::make_unique<tlm::tlm_generic_payload>();
    gp->set_command(cmd);
    gp->set_address(addr);
    gp->set_data_ptr(data);
    gp->set_data_length(static_cast<unsigned>(len));
    gp->set_streaming_width(static_cast<unsigned>(len));
    gp->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tlm::tlm_generic_payload* key = gp.get();
    Txn& t = txns_[key];
    t.read = read;
    t.seq = seq;
    t.gp = std::move(gp);
    if (read) send(t);
    return t;
  }
  void send(Txn& t) {
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_time d = SC_ZERO_TIME;
    sock_->nb_transport_fw(*t.gp, ph, d);
  }

  tlm_utils::simple_initiator_socket<NicRtl>& sock_;
  std::unordered_map<tlm::tlm_generic_payload*, Txn> txns_;
};

}  // namespace detail

struct NicRtlImpl {
  virtual ~NicRtlImpl() = default;
  virtual void clock(NicObserver* obs) = 0;
  virtual void answered(tlm::tlm_generic_payload& gp) = 0;
  virtual DmaReadStats dma_reads() const = 0;

  NicRtlConfig cfg;
  std::string error;
  std::uint64_t cycle = 0, last_activity = 0;
  std::uint64_t frames_in = 0, frames_out = 0;
  axi::AxilMasterPort axil;
  struct WireFrame {
    std::vector<std::uint8_t> bytes;
    std::uint32_t gap = 0;
  };
  std::deque<WireFrame> wire_q;
  std::size_t wire_off = 0;     // bytes of wire_q.front() sent
  std::uint32_t wire_gap = 0;   // idle clocks left before the next frame
  std::function<void(unsigned)>* on_irq = nullptr;
  std::function<void(std::span<const std::uint8_t>, std::uint64_t)>* on_wire_out = nullptr;
  model::PhyLink phy{};  // what the simulated PHY drives on nic_top's phy_* inputs (spec 12)

  void fail(const std::string& what) {
    if (!error.empty()) return;
    std::ostringstream o;
    o << "nic_top cycle " << cycle << ": " << what;
    error = o.str();
    sc_core::sc_stop();
  }
};

namespace detail {

template <class V>
struct ImplT final : NicRtlImpl {
  static constexpr unsigned kBytes = bench::sig_bytes<decltype(V::s_axis_wire_tdata)>();

  ImplT(const NicRtlConfig& c, tlm_utils::simple_initiator_socket<NicRtl>& dma)
      : mem(mem_cfg(c), dma),
        dchk(axi::AxiCheckerConfig{.name = "nic_top m_axi", .data_bytes = kBytes}),
        lchk("nic_top s_axil") {
    cfg = c;
    ctx = std::make_unique<VerilatedContext>();
    if (!cfg.fst_path.empty()) ctx->traceEverOn(true);
    m = std::make_unique<V>(ctx.get());
    if (!cfg.fst_path.empty()) {
      if constexpr (requires(V& v, VerilatedFstC* f) { v.trace(f, 99); }) {
        fst = std::make_unique<VerilatedFstC>();
        m->trace(fst.get(), 99);
        fst->open(cfg.fst_path.c_str());
      } else {
        error = "this build of nic_cosim_top has no tracing (Verilate it with --trace-fst)";
      }
    }
    if (!cfg.coverage_path.empty()) {
      // Verilator ends the process when it cannot write the file at the end: try it now.
      if (!NICSIM_VM_COVERAGE) {
        error = "this build of nic_cosim_top has no coverage (configure a build with "
                "-DNICSIM_VERILATOR_ARGS=--coverage-line: scripts/coverage.sh)";
      } else if (!std::ofstream(cfg.coverage_path)) {
        error = "cannot write the coverage data " + cfg.coverage_path;
      }
    }
    m->rst = 1;
    m->clk = 0;
    m->eval();
  }
  ~ImplT() override {
    if (fst) fst->close();
    m->final();
#if NICSIM_VM_COVERAGE
    if (!cfg.coverage_path.empty() && std::ofstream(cfg.coverage_path, std::ios::app)) {
      ctx->coveragep()->write(cfg.coverage_path.c_str());
    }
#endif
  }

  static axi::AxiMemConfig mem_cfg(const NicRtlConfig& nc) {
    axi::AxiMemConfig c;
    c.data_bytes = kBytes;
    c.max_reads = nc.max_dma_reads;
    c.max_writes = 64;
    return c;
  }

  void answered(tlm::tlm_generic_payload& gp) override { mem.answered(gp); }
  DmaReadStats dma_reads() const override {
    return {.bursts = mem.read_bursts(), .peak_in_flight = mem.peak_reads(),
            .ar_wait_cycles = mem.ar_wait_cycles()};
  }

  static bool pattern(const std::vector<bool>& p, std::uint64_t c) {
    return p.empty() || p[c % p.size()];
  }

  void drive_wire() {
    V& d = *m;
    d.s_axis_wire_tvalid = 0;
    d.s_axis_wire_tlast = 0;
    if (wire_q.empty() || wire_gap > 0 || cycle < cfg.reset_cycles) return;
    if (!offered && !pattern(cfg.valid_pattern, cycle)) return;
    offered = true;
    const auto& f = wire_q.front().bytes;
    const std::size_t n = std::min<std::size_t>(kBytes, f.size() - wire_off);
    std::array<std::uint8_t, 64> beat{};
    std::copy_n(f.begin() + static_cast<std::ptrdiff_t>(wire_off), n, beat.begin());
    bench::put_bytes(d.s_axis_wire_tdata, 0, std::span<const std::uint8_t>(beat.data(), kBytes));
    const std::uint64_t keep = n >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << n) - 1);
    bench::put_bits(d.s_axis_wire_tkeep, 0, kBytes, keep);
    d.s_axis_wire_tvalid = 1;
    d.s_axis_wire_tlast = wire_off + n >= f.size();
    d.s_axis_wire_tuser = 0;
  }

  /// The PHY status inputs (docs/spec.md 12), in the core clock domain like every input here.
  void drive_phy() {
    V& d = *m;
    d.phy_link_up = phy.up ? 1 : 0;
    d.phy_speed = static_cast<std::uint8_t>(phy.speed) & 0xFu;
    d.phy_media = static_cast<std::uint8_t>(phy.media) & 0xFu;
  }

  void monitors(NicObserver* obs) {
    V& d = *m;
    if (d.mon_in_fire) {
      std::array<std::uint8_t, 64> beat{};
      bench::get_bytes(d.mon_in_tdata, 0, std::span<std::uint8_t>(beat.data(), kBytes));
      const std::uint64_t keep = bench::get_bits(d.mon_in_tkeep, 0, kBytes);
      if (d.mon_in_first) {
        in_frame.clear();
        in_vport = d.mon_vport;
        in_ts = d.mon_ts;
      }
      for (unsigned i = 0; i < kBytes; ++i)
        if ((keep >> i) & 1u) in_frame.push_back(beat[i]);
      if (d.mon_in_last && obs != nullptr) obs->ingress(in_frame, in_vport, in_ts, cycle);
    }
    if (obs == nullptr) return;
    if (d.mon_em_lookup) obs->em_lookup(cycle);
    if (d.mon_tcam_lookup) obs->tcam_lookup(cycle);
    if (d.mon_em_cmd) {
      const auto key = bench::get_bytes_msb<fmt::flow_key::kBytes>(d.mon_em_cmd_key, 0);
      const auto act = bench::get_bytes<fmt::ActionRecord::kBytes>(d.mon_em_cmd_action, 0);
      obs->em_command(d.mon_em_cmd_op, key, act, d.mon_em_cmd_handle, cycle);
    }
    if (d.mon_tcam_cmd) {
      const auto v = bench::get_bytes_msb<fmt::tcam_key::kBytes>(d.mon_tcam_cmd_value, 0);
      const auto k = bench::get_bytes_msb<fmt::tcam_key::kBytes>(d.mon_tcam_cmd_mask, 0);
      const auto act = bench::get_bytes<fmt::ActionRecord::kBytes>(d.mon_tcam_cmd_action, 0);
      obs->tcam_command(d.mon_tcam_cmd_op, d.mon_tcam_cmd_index,
                        static_cast<std::uint16_t>(d.mon_tcam_cmd_priority), v, k, act, cycle);
    }
  }

  void clock(NicObserver* obs) override {
    V& d = *m;
    const bool in_reset = cycle < cfg.reset_cycles;
    d.rst = in_reset ? 1 : 0;
    // 1. What the environment drives this clock.
    const axi::AxiS2M& ds = mem.outputs();
    DmaPort::drive(d, ds);
    const axi::AxiLiteM2S lo = in_reset ? axi::AxiLiteM2S{} : axil.outputs();
    axi::AxilSlavePort::drive(d, lo);
    drive_wire();
    drive_phy();
    d.m_axis_wire_tready = pattern(cfg.ready_pattern, cycle) ? 1 : 0;
    d.m_irq_ready = 1;
    // 2. Settle and sample.
    d.clk = 0;
    d.eval();
    const bool dump = fst && cycle >= cfg.fst_cycles.first && cycle <= cfg.fst_cycles.second;
    if (dump) fst->dump(static_cast<std::uint64_t>(2 * cycle));
    axi::AxiM2S dm;
    DmaPort::sample(d, dm);
    const axi::AxiLiteS2M ls = axi::AxilSlavePort::s2m(d);
    bool active = false;
    if (!in_reset) {
      dchk.observe(dm, ds);
      lchk.observe(lo, ls);
      if (!dchk.errors().empty()) fail(dchk.errors().front());
      if (!lchk.errors().empty()) fail(lchk.errors().front());
      monitors(obs);
      // Register writes as the register file takes them (the B handshake).
      if (lo.bready && ls.bvalid && obs != nullptr) {
        obs->register_write(static_cast<std::uint32_t>(lo.awaddr),
                            static_cast<std::uint32_t>(lo.wdata), cycle);
      }
      // Wire in.
      if (d.s_axis_wire_tvalid && d.s_axis_wire_tready) {
        active = true;
        offered = false;
        wire_off += kBytes;
        if (d.s_axis_wire_tlast) {
          wire_gap = wire_q.front().gap;
          wire_q.pop_front();
          wire_off = 0;
          ++frames_in;
        }
      } else if (wire_gap > 0) {
        --wire_gap;
      }
      // Wire out.
      if (d.m_axis_wire_tvalid && d.m_axis_wire_tready) {
        active = true;
        std::array<std::uint8_t, 64> beat{};
        bench::get_bytes(d.m_axis_wire_tdata, 0, std::span<std::uint8_t>(beat.data(), kBytes));
        const std::uint64_t keep = bench::get_bits(d.m_axis_wire_tkeep, 0, kBytes);
        for (unsigned i = 0; i < kBytes; ++i)
          if ((keep >> i) & 1u) out_frame.push_back(beat[i]);
        if (d.m_axis_wire_tlast) {
          ++frames_out;
          if (obs != nullptr) obs->wire_out(out_frame, cycle);
          if (on_wire_out != nullptr && *on_wire_out) (*on_wire_out)(out_frame, cycle);
          out_frame.clear();
        }
      }
      if (d.m_irq_valid && d.m_irq_ready && on_irq != nullptr && *on_irq) {
        active = true;
        (*on_irq)(d.m_irq_vector);
      }
      if (dm.arvalid || dm.awvalid || dm.wvalid || ds.rvalid || ds.bvalid || lo.awvalid ||
          lo.arvalid || d.mon_in_fire) {
        active = true;
      }
    }
    mem.clock(dm);
    if (!in_reset) axil.clock(ls);
    // 3. The rising edge.
    d.clk = 1;
    d.eval();
    if (dump) fst->dump(static_cast<std::uint64_t>(2 * cycle + 1));
    ++cycle;
    if (active) last_activity = cycle;
    const bool pending = !wire_q.empty() || !axil.idle() || mem.in_flight() != 0;
    if (pending && cycle - last_activity > cfg.watchdog_cycles) {
      fail("no progress for " + std::to_string(cfg.watchdog_cycles) +
           " cycles with work pending (wire frames " + std::to_string(wire_q.size()) +
           ", register accesses " + std::to_string(axil.queued()) + ", DMA " +
           std::to_string(mem.in_flight()) + ")");
    }
  }

  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<V> m;
  std::unique_ptr<VerilatedFstC> fst;
  TlmAxiMem mem;
  axi::AxiCheckerCore dchk;
  axi::AxiLiteCheckerCore lchk;
  std::vector<std::uint8_t> in_frame, out_frame;
  bool offered = false;  // a wire beat is offered and not yet taken
  unsigned in_vport = 0;
  std::uint64_t in_ts = 0;
};

}  // namespace detail


/// A factory of NicRtl's adapter for the Verilated class V (NicRtlConfig::model).
template <class V>
NicRtlModel nic_rtl_model() {
  return [](const NicRtlConfig& cfg, tlm_utils::simple_initiator_socket<NicRtl>& dma) {
    return std::unique_ptr<NicRtlImpl>(std::make_unique<detail::ImplT<V>>(cfg, dma));
  };
}

}  // namespace nicsim::sim
