// SPDX-License-Identifier: MIT
// Verilator's headers before SystemC's (nic_rtl_model.hpp includes verilated.h first): the
// model is plain C++, and verilated.h would take SystemC's presence for a SystemC model.
#include "nicsim/sim/nic_rtl_model.hpp"

#include "Vnic_cosim_top_w512.h"
#include "Vnic_cosim_top_w64.h"

namespace nicsim::sim {

using sc_core::SC_ZERO_TIME;

NicRtl::NicRtl(sc_core::sc_module_name name, const NicRtlConfig& cfg)
    : sc_module(name), clk("clk"), dma("dma"), mmio("mmio") {
  if (cfg.model) {
    impl_ = cfg.model(cfg, dma);
  } else if (cfg.data_width == 64) {
    impl_ = nic_rtl_model<Vnic_cosim_top_w64>()(cfg, dma);
  } else if (cfg.data_width == 512) {
    impl_ = nic_rtl_model<Vnic_cosim_top_w512>()(cfg, dma);
  } else {
    SC_REPORT_ERROR("nicsim/nic_rtl", "data_width must be 64 or 512");
  }
  impl_->on_irq = &on_irq;
  impl_->on_wire_out = &on_wire_out;
  impl_->phy = cfg.link;
  dma.register_nb_transport_bw(this, &NicRtl::nb_transport_bw);
  mmio.register_b_transport(this, &NicRtl::b_transport);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

NicRtl::~NicRtl() = default;

void NicRtl::on_clock() { impl_->clock(obs_); }

tlm::tlm_sync_enum NicRtl::nb_transport_bw(tlm::tlm_generic_payload& gp, tlm::tlm_phase& phase,
                                           sc_core::sc_time& /*delay*/) {
  if (phase == tlm::BEGIN_RESP) impl_->answered(gp);
  return tlm::TLM_COMPLETED;
}

void NicRtl::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (delay != SC_ZERO_TIME) {
    sc_core::wait(delay);
    delay = SC_ZERO_TIME;
  }
  if (gp.get_data_length() != 4 || (gp.get_address() & 3u) != 0) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  sc_core::sc_event done;
  axi::AxilMasterPort::Access a;
  a.write = gp.is_write();
  a.addr = static_cast<std::uint32_t>(gp.get_address());
  std::uint8_t* p = gp.get_data_ptr();
  if (a.write) a.data = static_cast<std::uint32_t>(fmt::load_le(p, 4));
  a.done = [&](const axi::AxilMasterPort::Access& r) {
    if (!r.write) fmt::store_le(p, r.data, 4);
    gp.set_response_status(r.resp == axi::kRespOkay ? tlm::TLM_OK_RESPONSE
                                                    : tlm::TLM_GENERIC_ERROR_RESPONSE);
    done.notify(SC_ZERO_TIME);
  };
  impl_->axil.push(std::move(a));
  sc_core::wait(done);
}

void NicRtl::wire_send(std::vector<std::uint8_t> frame, std::uint32_t gap_cycles) {
  if (frame.empty()) return;  // AXI4-Stream has no empty frame
  impl_->wire_q.push_back({std::move(frame), gap_cycles});
}
std::size_t NicRtl::wire_pending() const { return impl_->wire_q.size(); }
void NicRtl::set_link(const model::PhyLink& link) { impl_->phy = link; }
const model::PhyLink& NicRtl::link() const { return impl_->phy; }
std::uint64_t NicRtl::cycle() const { return impl_->cycle; }
bool NicRtl::quiet() const {
  return impl_->wire_q.empty() && impl_->axil.idle() && impl_->cycle > impl_->last_activity;
}
std::uint64_t NicRtl::quiet_cycles() const { return impl_->cycle - impl_->last_activity; }
std::uint64_t NicRtl::frames_in() const { return impl_->frames_in; }
std::uint64_t NicRtl::frames_out() const { return impl_->frames_out; }
DmaReadStats NicRtl::dma_reads() const { return impl_->dma_reads(); }
const std::string& NicRtl::error() const { return impl_->error; }

}  // namespace nicsim::sim
