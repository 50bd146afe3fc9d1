// SPDX-License-Identifier: MIT
// DPDK wire ports: DpdkEal owns the process's DPDK environment (EAL), DpdkPort drives one
// ethdev: the net_pcap PMD over capture files, or any device string for a live port
// (net_tap, net_af_packet, ...). No DPDK header leaks out of this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/model/pcap_io.hpp"
#include "nicsim/sim/wire_port.hpp"

struct rte_mempool;
struct rte_mbuf;

namespace nicsim::sim {

// The EAL of this process. rte_eal_init can run once per process and its state is
// process-global, so the owner is one function-local static, started on first use:
//   nicsim --no-huge --no-pci --no-shconf --no-telemetry -l 0 -m 256 --log-level=LEVEL
// LEVEL is "error" unless NICSIM_DPDK_LOG gives one (e.g. "debug", "pmd.net.pcap:debug");
// NICSIM_DPDK_EAL_ARGS appends whitespace-separated arguments (e.g. "-d /path/pmd.so").
// PMDs load from the distribution's plugin directory. rte_eal_init pins the calling thread
// to lcore 0; the thread's previous CPU affinity is restored afterwards. The EAL is cleaned
// up at process exit; ports must be destroyed before that (i.e. not be static themselves).
class DpdkEal {
 public:
  // The started EAL. Throws PortError if it cannot start; a failed start is final and every
  // later call throws the same error (DPDK cannot retry). If something else in the process
  // already initialised the EAL, it is reused as is (and not cleaned up by us).
  static DpdkEal& instance();

  DpdkEal(const DpdkEal&) = delete;
  DpdkEal& operator=(const DpdkEal&) = delete;
  ~DpdkEal();

  // The arguments rte_eal_init was given (empty when the EAL was adopted).
  const std::vector<std::string>& args() const { return args_; }
  bool owned() const { return owned_; }
  // A fresh number for unique device and mempool names in this process.
  unsigned next_id() { return next_id_++; }

 private:
  DpdkEal();

  std::vector<std::string> args_;          // as given, for reports
  std::vector<std::string> argv_storage_;  // the strings rte_eal_init saw, kept alive
  std::string error_;  // non-empty when the start failed
  bool owned_ = false;
  unsigned next_id_ = 0;
};

struct DpdkPortStats {
  std::uint64_t received = 0;     // frames returned by receive()
  std::uint64_t transmitted = 0;  // frames accepted by rte_eth_tx_burst
  std::uint64_t tx_retries = 0;   // tx bursts that accepted nothing and were retried
  std::uint64_t tx_dropped = 0;   // frames given up after the retry timeout (also thrown)
  std::uint64_t pmd_ierrors = 0;  // rte_eth_stats since the port started
  std::uint64_t pmd_oerrors = 0;
  std::uint64_t pmd_rx_nombuf = 0;
};

// One ethdev with one rx and one tx queue and its own mempool (mbufs of 9728 data bytes:
// standard and 9000-byte jumbo frames fit in one mbuf; larger frames are chained on tx and
// read back from chains on rx).
class DpdkPort final : public WirePort {
 public:
  // Data bytes in one mbuf (after the headroom).
  static constexpr std::uint16_t kMbufData = 9728;
  // Largest frame net_pcap writes whole (its copy buffer for chained mbufs).
  static constexpr std::size_t kNetPcapMaxFrame = 16128;

  // Capture files through the net_pcap PMD: a vdev "net_pcap_nicsimN,rx_pcap=IN,tx_pcap=OUT".
  // Either path may be empty (no input; output dropped by the PMD and counted). Paths must
  // not contain ',' (the devargs separator). End of input: net_pcap reads the file
  // synchronously inside rte_eth_rx_burst, so an empty burst means the file is exhausted.
  // A shadow PcapReader walks the same file in step: it supplies what net_pcap drops
  // (nanosecond timestamps, original length), checks that the PMD delivered the file's
  // frames byte for byte, and reports a corrupt file with the same message and frame index
  // as PcapPort. Throws PortError if the EAL, the file or the device cannot be set up.
  static std::unique_ptr<DpdkPort> open_files(const std::string& in_path,
                                              const std::string& out_path);
  // Any DPDK device string, e.g. "net_tap0,iface=nicsim0" or "net_af_packet0,iface=eth0".
  // A live port never reaches at_end(); receive() returns nullopt when nothing is waiting.
  // Frame timestamps are the host's real-time clock at receive; orig_len = captured length.
  static std::unique_ptr<DpdkPort> open_device(const std::string& devargs);

  ~DpdkPort() override;
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  std::optional<model::Frame> receive() override;
  bool at_end() const override { return at_end_; }
  // Queues the frame for a tx burst (sent when 32 are queued or on flush()). A burst that
  // the PMD does not take is retried until it is sent; after 2 s without progress the
  // frames are counted as tx_dropped and PortError is thrown.
  void transmit(const model::Frame& frame) override;
  // Sends queued frames; throws PortError if the PMD counted tx errors (frames it dropped).
  void flush() override;
  std::string describe() const override;

  DpdkPortStats stats() const;
  std::uint16_t port_id() const { return port_id_; }
  const std::string& device_name() const { return dev_name_; }

 private:
  enum class Mode { kFiles, kLive };
  DpdkPort(Mode mode, std::string devargs, std::string in_path, std::string out_path);
  void setup();
  void teardown() noexcept;
  std::size_t fetch_burst();
  void end_of_input();
  model::Frame to_frame(rte_mbuf* m);
  rte_mbuf* to_mbuf(const model::Frame& frame);
  void send_pending();
  [[noreturn]] void fail(const std::string& what) const;

  Mode mode_;
  std::string devargs_;
  std::string in_path_;
  std::string out_path_;
  std::string dev_name_;  // device name from the devargs
  std::string bus_name_;

  std::optional<model::PcapReader> shadow_;  // kFiles with an input
  std::deque<model::Frame> rx_ready_;
  std::vector<rte_mbuf*> tx_pending_;

  rte_mempool* pool_ = nullptr;
  std::uint16_t port_id_ = 0;
  bool probed_ = false;
  bool have_port_ = false;
  bool started_ = false;
  bool at_end_ = false;
  std::size_t max_tx_frame_ = 0;

  DpdkPortStats stats_;
  std::uint64_t base_ierrors_ = 0;
  std::uint64_t base_oerrors_ = 0;
  std::uint64_t base_nombuf_ = 0;
  std::uint64_t reported_oerrors_ = 0;
};

}  // namespace nicsim::sim
