// SPDX-License-Identifier: MIT
#include "nicsim/sim/pcie_timing.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace nicsim::sim {

namespace {

constexpr std::uint64_t kPage = 4096;

/// Bytes from addr to the next multiple of `align` (a power of two), at most `len`.
std::uint64_t to_boundary(std::uint64_t addr, std::uint64_t align, std::uint64_t len) {
  return std::min(len, align - (addr & (align - 1)));
}

bool pow2(unsigned v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

void PcieConfig::validate() const {
  auto bad = [](const std::string& what) { throw std::invalid_argument("PCIe link: " + what); };
  if (!(gt_per_s > 0.0)) bad("gt_per_s must be positive");
  if (lanes == 0 || lanes > 32) bad("lanes must be 1..32");
  if (!(encoding > 0.0 && encoding <= 1.0)) bad("encoding must be in (0, 1]");
  if (!pow2(max_payload) || max_payload < 128 || max_payload > 4096)
    bad("max_payload must be a power of two in 128..4096");
  if (!pow2(max_read_request) || max_read_request < 128 || max_read_request > 4096)
    bad("max_read_request must be a power of two in 128..4096");
  if (read_tags == 0 || read_tags > 1024) bad("read_tags must be 1..1024");
  if (!(dma_read_ns >= 0.0 && posted_ns >= 0.0 && mmio_read_ns >= 0.0))
    bad("latencies must not be negative");
  if (dma_read_ns < posted_ns)
    bad("dma_read_ns must cover the request's flight (posted_ns)");
}

std::string PcieConfig::to_string() const {
  std::ostringstream o;
  o << "PCIe " << gt_per_s << " GT/s x" << lanes << " (" << bytes_per_ns()
    << " B/ns per direction), MPS " << max_payload << ", MRRS " << max_read_request
    << ", " << read_tags << " read tags"
    << ", DMA read " << dma_read_ns << " ns, posted " << posted_ns << " ns, MMIO read "
    << mmio_read_ns << " ns";
  return o.str();
}

PcieTiming::PcieTiming(const PcieConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  bpns_ = cfg_.bytes_per_ns();
}

double PcieTiming::send(Dir d, double ready, std::uint64_t wire, std::uint64_t payload) {
  const auto i = static_cast<unsigned>(d);
  const double start = std::max(ready, free_[i]);
  const double dur = static_cast<double>(wire) / bpns_;
  free_[i] = start + dur;
  ++stats_.tlps[i];
  stats_.wire_bytes[i] += wire;
  stats_.payload_bytes[i] += payload;
  stats_.busy_ns[i] += dur;
  return free_[i];
}

PcieTiming::Write PcieTiming::dma_write(double now, std::uint64_t addr, std::uint64_t len) {
  double sent = now;
  std::uint64_t a = addr;
  std::uint64_t left = len;
  do {  // a zero-length write still costs one TLP
    const std::uint64_t n =
        to_boundary(a, kPage, std::min<std::uint64_t>(left, to_boundary(a, cfg_.max_payload,
                                                                        left)));
    sent = send(Dir::kUp, now, cfg_.mem_header + cfg_.framing + n, n);
    a += n;
    left -= n;
  } while (left > 0);
  return {sent, sent + cfg_.posted_ns};
}

PcieTiming::Read PcieTiming::dma_read(double now, std::uint64_t addr, std::uint64_t len) {
  double first_arrival = -1.0;
  double done = now;
  std::uint64_t a = addr;
  std::uint64_t left = len;
  do {
    const std::uint64_t req = to_boundary(a, kPage, std::min<std::uint64_t>(
                                                        left, to_boundary(a, cfg_.max_read_request,
                                                                          left)));
    const double req_sent = send(Dir::kUp, now, cfg_.mem_header + cfg_.framing, 0);
    if (first_arrival < 0.0) first_arrival = req_sent + cfg_.posted_ns;
    // The completer answers dma_read_ns after the request left, in completions of at most
    // max_payload bytes that end on max_payload-aligned addresses.
    const double ready = req_sent + cfg_.dma_read_ns;
    std::uint64_t ca = a;
    std::uint64_t cleft = req;
    do {
      const std::uint64_t n = to_boundary(ca, cfg_.max_payload, cleft);
      done = send(Dir::kDown, ready, cfg_.cpl_header + cfg_.framing + n, n);
      ca += n;
      cleft -= n;
    } while (cleft > 0);
    a += req;
    left -= req;
  } while (left > 0);
  return {first_arrival, done};
}

double PcieTiming::msix(double now) {
  return send(Dir::kUp, now, cfg_.mem_header + cfg_.framing + 4, 4) + cfg_.posted_ns;
}

double PcieTiming::mmio_write(double now) {
  // 32-bit register space: a 3-DW header.
  return send(Dir::kDown, now, cfg_.cpl_header + cfg_.framing + 4, 4) + cfg_.posted_ns;
}

double PcieTiming::mmio_read_request(double now) {
  return send(Dir::kDown, now, cfg_.cpl_header + cfg_.framing, 0) + cfg_.mmio_read_ns / 2.0;
}

double PcieTiming::mmio_read_completion(double answered) {
  return send(Dir::kUp, answered, cfg_.cpl_header + cfg_.framing + 4, 4) +
         cfg_.mmio_read_ns / 2.0;
}

}  // namespace nicsim::sim
