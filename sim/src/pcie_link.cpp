// SPDX-License-Identifier: MIT
#include "nicsim/sim/pcie_link.hpp"

#include <cmath>
#include <string>
#include <utility>

namespace nicsim::sim {

namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

std::uint64_t to_ps(double ns) { return static_cast<std::uint64_t>(std::llround(ns * 1000.0)); }

}  // namespace

// ---- HostMemoryTarget ----------------------------------------------------------------------

HostMemoryTarget::HostMemoryTarget(sc_core::sc_module_name name, model::HostMemory& mem)
    : sc_module(name), socket("socket"), mem_(mem) {
  socket.register_b_transport(this, &HostMemoryTarget::b_transport);
}

void HostMemoryTarget::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& /*delay*/) {
  const std::uint64_t addr = gp.get_address();
  const unsigned len = gp.get_data_length();
  std::uint8_t* data = gp.get_data_ptr();
  if (gp.get_streaming_width() != 0 && gp.get_streaming_width() < len) {
    ++errors_;
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (gp.is_read()) {
    ++reads_;
    const bool ok = mem_.read(addr, std::span(data, len));
    if (!ok) ++errors_;
    gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else if (gp.is_write()) {
    ++writes_;
    const std::uint8_t* be = gp.get_byte_enable_ptr();
    const unsigned be_len = gp.get_byte_enable_length();
    bool ok = true;
    if (be == nullptr) {
      ok = mem_.write(addr, std::span<const std::uint8_t>(data, len));
    } else {  // byte by byte where enabled (runs of enabled bytes at once)
      unsigned i = 0;
      while (ok && i < len) {
        if (be[i % be_len] == TLM_BYTE_DISABLED) {
          ++i;
          continue;
        }
        unsigned j = i;
        while (j < len && be[j % be_len] != TLM_BYTE_DISABLED) ++j;
        ok = mem_.write(addr + i, std::span<const std::uint8_t>(data + i, j - i));
        i = j;
      }
    }
    if (!ok) ++errors_;
    gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else {
    ++errors_;
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  }
}

// ---- PcieLink ------------------------------------------------------------------------------

PcieLink::PcieLink(sc_core::sc_module_name name, const PcieConfig& cfg)
    : sc_module(name),
      dma_in("dma_in"),
      mem_out("mem_out"),
      mmio_in("mmio_in"),
      mmio_out("mmio_out"),
      timing_(cfg) {
  if (sc_core::sc_get_time_resolution() > sc_time(1, sc_core::SC_PS)) {
    SC_REPORT_ERROR("nicsim/pcie_link", "the time resolution must be 1 ps or finer");
  }
  dma_in.register_nb_transport_fw(this, &PcieLink::nb_transport_fw);
  mmio_in.register_b_transport(this, &PcieLink::mmio_b_transport);
  SC_METHOD(run_due);
  sensitive << wake_;
  dont_initialize();
  SC_THREAD(deliver_mmio);
}

double PcieLink::now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

void PcieLink::schedule(double at_ns, std::function<void()> fn) {
  const double now = now_ns();
  if (at_ns < now) at_ns = now;
  actions_.push(Action{at_ns, seq_++, std::move(fn)});
  // sc_event::notify keeps the earlier of two pending notifications.
  wake_.notify(sc_time(static_cast<double>(to_ps(at_ns) - to_ps(now)), sc_core::SC_PS));
}

void PcieLink::run_due() {
  const std::uint64_t now = to_ps(now_ns());
  while (!actions_.empty() && to_ps(actions_.top().at_ns) <= now) {
    // Copy out before running: an action may schedule more.
    std::function<void()> fn = actions_.top().run;
    actions_.pop();
    fn();
  }
  if (!actions_.empty()) {
    wake_.notify(sc_time(static_cast<double>(to_ps(actions_.top().at_ns) - now), sc_core::SC_PS));
  }
}

void PcieLink::respond(tlm::tlm_generic_payload& gp) {
  --dma_in_flight_;
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  sc_time delay = SC_ZERO_TIME;
  dma_in->nb_transport_bw(gp, phase, delay);  // TLM_COMPLETED or TLM_ACCEPTED: both end it
}

tlm::tlm_sync_enum PcieLink::nb_transport_fw(tlm::tlm_generic_payload& gp,
                                             tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
  if (phase != tlm::BEGIN_REQ) {
    SC_REPORT_ERROR("nicsim/pcie_link", "dma_in: unexpected phase");
    return tlm::TLM_COMPLETED;
  }
  const double t = now_ns() + delay.to_seconds() * 1e9;
  const std::uint64_t addr = gp.get_address();
  const std::uint64_t len = gp.get_data_length();
  ++dma_in_flight_;
  // Beyond the host's 48-bit address space the root complex refuses the request: an error
  // response, nothing performed (a posted write's error comes back when it has been sent).
  const bool in_range = addr < model::HostMemory::kAddrLimit &&
                        len <= model::HostMemory::kAddrLimit - addr;
  if (gp.is_write()) {
    ++dma_writes_;
    const PcieTiming::Write w = timing_.dma_write(t, addr, len);
    if (in_range) {
      // The payload goes back to the NIC at `sent`: perform the write on a copy.
      auto copy = std::make_shared<tlm::tlm_generic_payload>();
      auto bytes = std::make_shared<std::vector<std::uint8_t>>(gp.get_data_ptr(),
                                                               gp.get_data_ptr() + len);
      std::shared_ptr<std::vector<std::uint8_t>> be;
      copy->set_command(tlm::TLM_WRITE_COMMAND);
      copy->set_address(addr);
      copy->set_data_ptr(bytes->data());
      copy->set_data_length(static_cast<unsigned>(len));
      copy->set_streaming_width(static_cast<unsigned>(len));
      if (gp.get_byte_enable_ptr() != nullptr) {
        be = std::make_shared<std::vector<std::uint8_t>>(
            gp.get_byte_enable_ptr(), gp.get_byte_enable_ptr() + gp.get_byte_enable_length());
        copy->set_byte_enable_ptr(be->data());
        copy->set_byte_enable_length(static_cast<unsigned>(be->size()));
      }
      schedule(w.done, [this, copy, bytes, be] {
        sc_time zero = SC_ZERO_TIME;
        mem_out->b_transport(*copy, zero);
        copy->set_data_ptr(nullptr);
        copy->set_byte_enable_ptr(nullptr);
      });
    }
    schedule(w.sent, [this, &gp, in_range] {
      gp.set_response_status(in_range ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
      respond(gp);
    });
  } else if (gp.is_read()) {
    ++dma_reads_;
    const PcieTiming::Read r = timing_.dma_read(t, addr, len);
    if (in_range) {
      schedule(r.sampled, [this, &gp] {
        sc_time zero = SC_ZERO_TIME;
        mem_out->b_transport(gp, zero);
      });
    } else {
      gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }
    schedule(r.done, [this, &gp] { respond(gp); });
  } else {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    schedule(t, [this, &gp] { respond(gp); });
  }
  phase = tlm::END_REQ;
  return tlm::TLM_UPDATED;
}

void PcieLink::msix(unsigned vector) {
  ++msix_in_flight_;
  schedule(timing_.msix(now_ns()), [this, vector] {
    --msix_in_flight_;
    if (on_interrupt) on_interrupt(vector);
  });
}

void PcieLink::mmio_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const double t = now_ns() + delay.to_seconds() * 1e9;
  if (gp.is_write()) {
    ++mmio_writes_;
    Mmio m;
    m.arrive_ns = timing_.mmio_write(t);
    m.data.assign(gp.get_data_ptr(), gp.get_data_ptr() + gp.get_data_length());
    m.gp = std::make_unique<tlm::tlm_generic_payload>();
    m.gp->set_command(tlm::TLM_WRITE_COMMAND);
    m.gp->set_address(gp.get_address());
    m.gp->set_data_ptr(m.data.data());
    m.gp->set_data_length(static_cast<unsigned>(m.data.size()));
    m.gp->set_streaming_width(static_cast<unsigned>(m.data.size()));
    mmio_q_.push_back(std::move(m));
    mmio_posted_.notify(SC_ZERO_TIME);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);  // posted: the caller goes on
    return;
  }
  if (!gp.is_read()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  ++mmio_reads_;
  sc_core::sc_event answered;
  Mmio m;
  m.arrive_ns = timing_.mmio_read_request(t);
  m.read = &gp;
  m.answered = &answered;
  mmio_q_.push_back(std::move(m));
  mmio_posted_.notify(SC_ZERO_TIME);
  if (delay != SC_ZERO_TIME) {
    sc_core::wait(delay);
    delay = SC_ZERO_TIME;
  }
  sc_core::wait(answered);
}

void PcieLink::deliver_mmio() {
  for (;;) {
    while (mmio_q_.empty()) sc_core::wait(mmio_posted_);
    Mmio& m = mmio_q_.front();
    const double now = now_ns();
    if (m.arrive_ns > now) sc_core::wait(sc_time((m.arrive_ns - now), SC_NS));
    sc_time zero = SC_ZERO_TIME;
    if (m.read != nullptr) {
      mmio_out->b_transport(*m.read, zero);
      const double back = timing_.mmio_read_completion(now_ns());
      m.answered->notify(sc_time(back - now_ns(), SC_NS));
    } else {
      mmio_out->b_transport(*m.gp, zero);
    }
    mmio_q_.pop_front();
  }
}

}  // namespace nicsim::sim

// libsystemc.so calls sc_main from its own main(), so linking it leaves sc_main undefined in
// programs that have their own main() (the nicsim command, GoogleTest benches) and run the
// co-simulation through this library. This weak definition satisfies the linker; a program
// with a real sc_main overrides it.
__attribute__((weak)) int sc_main(int /*argc*/, char* /*argv*/[]) { return 1; }
