// SPDX-License-Identifier: MIT
// PcieTiming: when the TLPs of a transaction cross a PCIe link, as a function of the link's
// width, speed, encoding, TLP overheads and the latencies of the two ends.
//
// Two directions, each a FIFO wire: a TLP starts when it is ready and the direction is free,
// and occupies it for (its bytes on the wire) / (the direction's bandwidth). Upstream carries
// what the NIC sends (DMA writes with data, DMA read requests, MSI-X writes, MMIO read
// completions); downstream what the host sends (MMIO writes and read requests, DMA read
// completions with data). Because each direction is one FIFO with one latency, a posted write
// never overtakes an earlier one, and a read request never overtakes an earlier write in the
// same direction: PCIe's ordering rules for the traffic the NIC produces.
//
// Free of SystemC: times are nanoseconds (double) from the start of the simulation. The TLM
// link (pcie_link.hpp) uses it; tests check it against hand-computed figures.
#pragma once

#include <cstdint>
#include <string>

namespace nicsim::sim {

struct PcieConfig {
  // The link: PCIe Gen3 x16 by default (8 GT/s per lane, 128b/130b encoding): 15.75 GB/s per
  // direction before TLP overheads.
  double gt_per_s = 8.0;
  unsigned lanes = 16;
  double encoding = 128.0 / 130.0;
  // TLPs: a memory write carries at most max_payload bytes and a read request asks for at most
  // max_read_request (MPS 256, MRRS 512: the values a server's root complex typically sets);
  // completions are split at max_payload bytes, and no TLP crosses a 4 KiB boundary.
  unsigned max_payload = 256;
  unsigned max_read_request = 512;
  // DMA reads in flight that the NIC's endpoint may have: its read tags (32 without PCIe's
  // Extended Tag field, 256 with, 768 with 10-bit tags; 64 by default, what the co-simulation's
  // AXI bridge has always accepted). The bridge counts an AXI read burst as one read (a burst
  // at most max_read_request long is one request TLP); nic_top's AR waits while read_tags
  // bursts are outstanding.
  unsigned read_tags = 64;
  // Bytes a TLP costs beyond its payload: its header (4 DW for 64-bit memory requests, 3 DW
  // for completions) plus the data-link and physical framing of Gen3 (a 4-byte STP token
  // with the sequence number, and the 4-byte LCRC).
  unsigned mem_header = 16;
  unsigned cpl_header = 12;
  unsigned framing = 8;
  // Latencies beyond serialization (defaults from measurements of x86 servers with a PCIe
  // Gen3 device, e.g. pcie-bench, Neugebauer et al., SIGCOMM 2018: DMA reads of host memory
  // take 400-600 ns, a CPU's register read of a device about 0.8-1 us):
  //   dma_read_ns:   from a DMA read request leaving the NIC to its completion data starting
  //                  back (the two flights, the root complex and the memory access);
  //   posted_ns:     flight of a posted write (DMA write, MSI-X, MMIO write) to its target;
  //   mmio_read_ns:  a CPU register read's round trip outside the NIC (core, uncore, root
  //                  complex, both flights); the NIC's own response time adds to it.
  double dma_read_ns = 500.0;
  double posted_ns = 250.0;
  double mmio_read_ns = 800.0;

  /// Bytes per nanosecond in one direction (15.75 for Gen3 x16).
  [[nodiscard]] double bytes_per_ns() const { return gt_per_s * lanes * encoding / 8.0; }
  /// Throws std::invalid_argument naming the first unusable parameter.
  void validate() const;
  [[nodiscard]] std::string to_string() const;
};

class PcieTiming {
 public:
  enum class Dir { kUp, kDown };

  struct Stats {
    std::uint64_t tlps[2] = {0, 0};           // by Dir
    std::uint64_t wire_bytes[2] = {0, 0};     // payload + headers + framing
    std::uint64_t payload_bytes[2] = {0, 0};  // data only
    double busy_ns[2] = {0.0, 0.0};           // time the direction was transmitting
  };

  explicit PcieTiming(const PcieConfig& cfg);

  /// A DMA write of `len` bytes at `addr`, its first TLP ready at `now`: the time its last TLP
  /// has left the NIC (`sent`: an AXI bridge answers the write then; PCIe writes are posted)
  /// and the time it is in host memory (`done`).
  struct Write {
    double sent;
    double done;
  };
  Write dma_write(double now, std::uint64_t addr, std::uint64_t len);

  /// A DMA read of `len` bytes at `addr` requested at `now`: when the host memory is read
  /// (`sampled`: the first request's arrival; later writes are not seen) and when the last
  /// completion byte has arrived at the NIC (`done`).
  struct Read {
    double sampled;
    double done;
  };
  Read dma_read(double now, std::uint64_t addr, std::uint64_t len);

  /// An MSI-X message (a 4-byte posted write upstream) sent at `now`: its arrival.
  double msix(double now);

  /// The host's 32-bit register write issued at `now`: its arrival at the NIC.
  double mmio_write(double now);
  /// The host's register read: the request's arrival at the NIC, and (given when the NIC
  /// answered) the completion's arrival back at the host.
  double mmio_read_request(double now);
  double mmio_read_completion(double answered);

  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] const PcieConfig& config() const { return cfg_; }

 private:
  /// Puts a TLP of `wire` bytes (`payload` of them data) on direction d, ready at `ready`:
  /// returns the time its last byte has left.
  double send(Dir d, double ready, std::uint64_t wire, std::uint64_t payload);

  PcieConfig cfg_;
  double bpns_;
  double free_[2] = {0.0, 0.0};
  Stats stats_;
};

}  // namespace nicsim::sim
