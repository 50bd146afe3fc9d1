// SPDX-License-Identifier: MIT
#include "nicsim/sim/sim_device.hpp"

#include <sstream>

namespace nicsim::sim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

SimHost::SimHost(sc_core::sc_module_name name, model::HostMemory& mem, sc_time access_timeout)
    : sc_module(name), mmio("mmio"), mem_(mem), access_timeout_(access_timeout) {
  SC_THREAD(cpu_thread);
}

bool SimHost::in_process() { return sc_core::sc_get_current_process_handle().valid(); }

void SimHost::access(Request& r) {
  tlm::tlm_generic_payload gp;
  std::uint8_t bytes[4];
  if (r.op == Op::kWrite) {
    for (unsigned i = 0; i < 4; ++i) bytes[i] = static_cast<std::uint8_t>(r.value >> (8 * i));
  }
  gp.set_command(r.op == Op::kRead ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  gp.set_address(r.off);
  gp.set_data_ptr(bytes);
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = SC_ZERO_TIME;
  const sc_time start = sc_core::sc_time_stamp();
  mmio->b_transport(gp, delay);
  if (delay != SC_ZERO_TIME) sc_core::wait(delay);
  r.status = gp.get_response_status();
  if (r.op == Op::kRead) {
    r.value = 0;
    for (unsigned i = 0; i < 4; ++i) r.value |= std::uint32_t{bytes[i]} << (8 * i);
    read_time_ += sc_core::sc_time_stamp() - start;
  }
  r.done = true;
}

void SimHost::cpu_thread() {
  for (;;) {
    while (!posted_) sc_core::wait(post_);
    const std::shared_ptr<Request> r = std::move(posted_);
    posted_.reset();
    access(*r);
    sc_core::sc_pause();  // hand control back to the caller outside SystemC
  }
}

template <class Done>
bool SimHost::run_until(Done done, sc_time timeout) {
  const sc_time end = sc_core::sc_time_stamp() + timeout;
  outside_waiting_ = true;
  while (!done() && sc_core::sc_time_stamp() < end &&
         sc_core::sc_get_status() != sc_core::SC_STOPPED) {
    sc_core::sc_start(end - sc_core::sc_time_stamp());
  }
  outside_waiting_ = false;
  return done();
}

void SimHost::check(const Request& r) const {
  if (r.status == tlm::TLM_OK_RESPONSE) return;
  std::ostringstream o;
  o << name() << ": register " << (r.op == Op::kRead ? "read" : "write") << " at 0x" << std::hex
    << r.off << " failed (" << (r.done ? "error response" : "no answer within ")
    << (r.done ? std::string() : access_timeout_.to_string()) << ")";
  throw host::HalError(o.str());
}

void SimHost::perform(const std::shared_ptr<Request>& r) {
  if (in_process()) {
    access(*r);
  } else {
    posted_ = r;
    post_.notify(SC_ZERO_TIME);
    if (!run_until([&] { return r->done; }, access_timeout_)) posted_.reset();
  }
  check(*r);
}

std::uint32_t SimHost::read32(std::uint32_t off) {
  if ((off & 3u) != 0) throw host::HalError(std::string(name()) + ": unaligned register read");
  ++reads_;
  const auto r = std::make_shared<Request>(Request{Op::kRead, off});
  perform(r);
  return r->value;
}

void SimHost::write32(std::uint32_t off, std::uint32_t v) {
  if ((off & 3u) != 0) throw host::HalError(std::string(name()) + ": unaligned register write");
  ++writes_;
  perform(std::make_shared<Request>(Request{Op::kWrite, off, v}));
}

void SimHost::interrupt(unsigned vector) {
  if (vector >= pending_.size()) pending_.resize(vector + 1, false);
  pending_[vector] = true;
  ++irqs_;
  irq_.notify(SC_ZERO_TIME);
  if (outside_waiting_) sc_core::sc_pause();
}

bool SimHost::wait_interrupt(unsigned vector, sc_time timeout) {
  auto take = [&] {
    if (vector < pending_.size() && pending_[vector]) {
      pending_[vector] = false;
      return true;
    }
    return false;
  };
  if (take()) return true;
  if (in_process()) {
    const sc_time end = sc_core::sc_time_stamp() + timeout;
    while (sc_core::sc_time_stamp() < end) {
      sc_core::wait(end - sc_core::sc_time_stamp(), irq_);
      if (take()) return true;
    }
    return false;
  }
  run_until([&] { return vector < pending_.size() && pending_[vector]; }, timeout);
  return take();
}

void SimHost::idle(sc_time t) {
  if (in_process()) {
    sc_core::wait(t);
  } else {
    run_until([] { return false; }, t);
  }
}

host::DmaRegion SimDevice::alloc_dma(std::size_t bytes, std::size_t align) {
  try {
    const auto r = cpu_.memory().allocate(bytes, align);
    dma_live_ += r.host.size();
    return host::DmaRegion(this, r.host, r.dev_addr);
  } catch (const std::exception& e) {
    throw host::HalError(std::string("sim: alloc_dma(") + std::to_string(bytes) + "): " + e.what());
  }
}

void SimDevice::release_dma(std::span<std::uint8_t> host, std::uint64_t /*iova*/) {
  dma_live_ -= host.size();  // HostMemory is an arena: the accounting is what is released
}

bool SimDevice::wait_interrupt(unsigned vector, std::chrono::nanoseconds timeout) {
  return cpu_.wait_interrupt(
      vector, sc_time(static_cast<double>(timeout.count()), sc_core::SC_NS));
}

}  // namespace nicsim::sim
