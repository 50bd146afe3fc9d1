// SPDX-License-Identifier: MIT
// DpdkPort: one ethdev (net_pcap over files, or any device string) behind WirePort.
#include "nicsim/sim/dpdk_port.hpp"

// rte_devargs_reset (frees what rte_devargs_parse allocated) is still marked experimental
// in DPDK 22.11; it is the only such call here.
#define ALLOW_EXPERIMENTAL_API 1
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>
#include <utility>

namespace nicsim::sim {
namespace {

constexpr std::uint16_t kBurst = 32;
constexpr std::uint16_t kRxDesc = 512;
constexpr std::uint16_t kTxDesc = 512;
// Spare mbufs beyond the descriptor rings: a tx burst of chained jumbo frames and slack.
constexpr unsigned kSpareMbufs = 512;
constexpr std::size_t kMaxLiveFrame = 65535;
constexpr auto kTxTimeout = std::chrono::seconds(2);

std::string rc_text(int rc) { return rte_strerror(rc < 0 ? -rc : rc); }

std::uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

std::unique_ptr<DpdkPort> DpdkPort::open_files(const std::string& in_path,
                                               const std::string& out_path) {
  for (const std::string* p : {&in_path, &out_path}) {
    if (p->find(',') != std::string::npos) {
      throw PortError("dpdk port: path '" + *p +
                      "' contains ',', which net_pcap device arguments cannot carry");
    }
  }
  // net_pcap only logs why it cannot open the output: check first for a clear error.
  if (!out_path.empty()) {
    std::FILE* f = std::fopen(out_path.c_str(), "wb");
    if (f == nullptr) {
      throw PortError("dpdk port: " + out_path + ": cannot create: " + std::strerror(errno));
    }
    std::fclose(f);
  }
  DpdkEal& eal = DpdkEal::instance();
  std::string devargs = "net_pcap_nicsim" + std::to_string(eal.next_id());
  if (!in_path.empty()) devargs += ",rx_pcap=" + in_path;
  if (!out_path.empty()) {
    devargs += ",tx_pcap=" + out_path;
  } else if (in_path.empty()) {
    devargs += ",tx_pcap=/dev/null";  // net_pcap needs at least one queue
  }  // input only: net_pcap gives a tx queue that drops and counts
  return std::unique_ptr<DpdkPort>(new DpdkPort(Mode::kFiles, devargs, in_path, out_path));
}

std::unique_ptr<DpdkPort> DpdkPort::open_device(const std::string& devargs) {
  if (devargs.empty()) throw PortError("dpdk port: empty device string");
  return std::unique_ptr<DpdkPort>(new DpdkPort(Mode::kLive, devargs, "", ""));
}

DpdkPort::DpdkPort(Mode mode, std::string devargs, std::string in_path, std::string out_path)
    : mode_(mode),
      devargs_(std::move(devargs)),
      in_path_(std::move(in_path)),
      out_path_(std::move(out_path)) {
  try {
    setup();
  } catch (...) {
    teardown();
    throw;
  }
}

DpdkPort::~DpdkPort() {
  try {
    send_pending();  // frames queued without a final flush() still go out
  } catch (const PortError&) {  // NOLINT(bugprone-empty-catch): counted in stats, nowhere to report
  }
  teardown();
}

void DpdkPort::fail(const std::string& what) const {
  throw PortError("dpdk port " + (dev_name_.empty() ? devargs_ : dev_name_) + ": " + what);
}

void DpdkPort::setup() {
  DpdkEal& eal = DpdkEal::instance();

  if (mode_ == Mode::kFiles) {
    if (in_path_.empty()) {
      at_end_ = true;
    } else {
      try {
        shadow_.emplace(in_path_);  // also rejects a missing, corrupt or non-Ethernet file
      } catch (const model::PcapError& e) {
        throw PortError(std::string("dpdk port: ") + e.what());
      }
    }
  }

  rte_devargs da{};
  if (rte_devargs_parse(&da, devargs_.c_str()) != 0) {
    fail("bad device string (no bus or driver takes it)");
  }
  dev_name_ = da.name;
  bus_name_ = da.bus != nullptr ? rte_bus_name(da.bus) : "";
  rte_devargs_reset(&da);

  int rc = rte_dev_probe(devargs_.c_str());
  if (rc < 0) {
    fail("cannot create the device from '" + devargs_ + "': " + rc_text(rc) +
         " (the driver logs its reason on stderr)");
  }
  probed_ = true;
  if (rte_eth_dev_get_port_by_name(dev_name_.c_str(), &port_id_) != 0) {
    fail("the device has no ethdev port");
  }
  have_port_ = true;

  rte_eth_dev_info info{};
  rc = rte_eth_dev_info_get(port_id_, &info);
  if (rc != 0) fail("rte_eth_dev_info_get: " + rc_text(rc));
  rte_eth_conf conf{};
  rc = rte_eth_dev_configure(port_id_, 1, 1, &conf);
  if (rc != 0) fail("rte_eth_dev_configure: " + rc_text(rc));
  std::uint16_t nb_rxd = kRxDesc;
  std::uint16_t nb_txd = kTxDesc;
  rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id_, &nb_rxd, &nb_txd);
  if (rc != 0) fail("rte_eth_dev_adjust_nb_rx_tx_desc: " + rc_text(rc));

  int socket = rte_eth_dev_socket_id(port_id_);
  if (socket < 0) socket = static_cast<int>(rte_socket_id());
  const std::string pool_name = "nicsim_mp" + std::to_string(eal.next_id());
  pool_ = rte_pktmbuf_pool_create(pool_name.c_str(), nb_rxd + nb_txd + kSpareMbufs,
                                  /*cache_size=*/0, /*priv_size=*/0,
                                  static_cast<std::uint16_t>(RTE_PKTMBUF_HEADROOM + kMbufData),
                                  socket);
  if (pool_ == nullptr) fail("cannot create the mbuf pool: " + rc_text(rte_errno));

  rc = rte_eth_rx_queue_setup(port_id_, 0, nb_rxd, static_cast<unsigned>(socket), nullptr,
                              pool_);
  if (rc != 0) fail("rte_eth_rx_queue_setup: " + rc_text(rc));
  rc = rte_eth_tx_queue_setup(port_id_, 0, nb_txd, static_cast<unsigned>(socket), nullptr);
  if (rc != 0) fail("rte_eth_tx_queue_setup: " + rc_text(rc));
  if (mode_ == Mode::kLive) {
    (void)rte_eth_promiscuous_enable(port_id_);  // a wire sees every frame; best effort
  }
  rc = rte_eth_dev_start(port_id_);
  if (rc != 0) fail("rte_eth_dev_start: " + rc_text(rc));
  started_ = true;

  rte_eth_stats st{};
  if (rte_eth_stats_get(port_id_, &st) == 0) {
    base_ierrors_ = st.ierrors;
    base_oerrors_ = st.oerrors;
    base_nombuf_ = st.rx_nombuf;
  }
  max_tx_frame_ = mode_ == Mode::kFiles ? kNetPcapMaxFrame : kMaxLiveFrame;
}

void DpdkPort::teardown() noexcept {
  for (rte_mbuf* m : tx_pending_) rte_pktmbuf_free(m);
  tx_pending_.clear();
  if (started_) {
    (void)rte_eth_dev_stop(port_id_);  // net_pcap closes its files here
    started_ = false;
  }
  if (have_port_) {
    (void)rte_eth_dev_close(port_id_);
    have_port_ = false;
  }
  if (probed_) {
    (void)rte_eal_hotplug_remove(bus_name_.c_str(), dev_name_.c_str());
    probed_ = false;
  }
  if (pool_ != nullptr) {
    rte_mempool_free(pool_);
    pool_ = nullptr;
  }
}

// --- receive -----------------------------------------------------------------------------

model::Frame DpdkPort::to_frame(rte_mbuf* m) {
  model::Frame f;
  f.data.reserve(m->pkt_len);
  for (const rte_mbuf* seg = m; seg != nullptr; seg = seg->next) {
    const auto* p = rte_pktmbuf_mtod(seg, const std::uint8_t*);
    f.data.insert(f.data.end(), p, p + seg->data_len);
  }
  f.orig_len = m->pkt_len;
  f.ts_ns = realtime_ns();
  rte_pktmbuf_free(m);
  return f;
}

std::size_t DpdkPort::fetch_burst() {
  rte_mbuf* bufs[kBurst];
  const std::uint16_t n = rte_eth_rx_burst(port_id_, 0, bufs, kBurst);
  for (std::uint16_t i = 0; i < n; ++i) rx_ready_.push_back(to_frame(bufs[i]));
  return n;
}

void DpdkPort::end_of_input() {
  if (shadow_) {
    std::optional<model::Frame> ref;
    try {
      ref = shadow_->next();
    } catch (const model::PcapError& e) {
      throw PortError(std::string("dpdk port: ") + e.what());
    }
    if (ref) {
      const DpdkPortStats s = stats();
      fail("net_pcap stopped at frame " + std::to_string(shadow_->index() - 1) + " of " +
           in_path_ + ", which holds more (PMD rx errors " + std::to_string(s.pmd_ierrors) +
           ", no-mbuf " + std::to_string(s.pmd_rx_nombuf) + ")");
    }
  }
  at_end_ = true;
}

std::optional<model::Frame> DpdkPort::receive() {
  if (rx_ready_.empty()) {
    if (at_end_) return std::nullopt;
    if (fetch_burst() == 0) {
      // net_pcap reads the file inside rte_eth_rx_burst: nothing means end of file.
      if (mode_ == Mode::kFiles) end_of_input();
      return std::nullopt;
    }
  }
  model::Frame f = std::move(rx_ready_.front());
  rx_ready_.pop_front();
  if (shadow_) {
    std::optional<model::Frame> ref;
    try {
      ref = shadow_->next();  // throws (again) at a corrupt record: same index as PcapPort
    } catch (const model::PcapError& e) {
      throw PortError(std::string("dpdk port: ") + e.what());
    }
    if (!ref) {
      fail("net_pcap delivered more frames than " + in_path_ + " holds (" +
           std::to_string(shadow_->index()) + ")");
    }
    if (ref->data != f.data) {
      const std::string frame = "frame " + std::to_string(shadow_->index() - 1) + ": ";
      if (f.data.size() == shadow_->snaplen() && ref->data.size() > f.data.size() &&
          std::equal(f.data.begin(), f.data.end(), ref->data.begin())) {
        fail(frame + "net_pcap (libpcap) cut the record to the file's snaplen " +
             std::to_string(shadow_->snaplen()) + " of its " +
             std::to_string(ref->data.size()) + " captured bytes; the pcap port reads it whole");
      }
      fail(frame + "net_pcap delivered " + std::to_string(f.data.size()) +
           " bytes that differ from the file's " + std::to_string(ref->data.size()));
    }
    f.orig_len = ref->orig_len;  // net_pcap keeps only the captured length
    f.ts_ns = ref->ts_ns;        // and microseconds
  }
  ++stats_.received;
  return f;
}

// --- transmit ----------------------------------------------------------------------------

rte_mbuf* DpdkPort::to_mbuf(const model::Frame& frame) {
  const std::size_t len = frame.data.size();
  rte_mbuf* head = nullptr;
  std::size_t off = 0;
  do {
    rte_mbuf* seg = rte_pktmbuf_alloc(pool_);
    if (seg == nullptr) {
      if (head != nullptr) rte_pktmbuf_free(head);
      return nullptr;
    }
    const auto chunk =
        static_cast<std::uint16_t>(std::min<std::size_t>(rte_pktmbuf_tailroom(seg), len - off));
    if (chunk != 0) std::memcpy(rte_pktmbuf_mtod(seg, void*), frame.data.data() + off, chunk);
    seg->data_len = chunk;
    seg->pkt_len = chunk;
    off += chunk;
    if (head == nullptr) {
      head = seg;
    } else if (rte_pktmbuf_chain(head, seg) != 0) {
      rte_pktmbuf_free(seg);
      rte_pktmbuf_free(head);
      return nullptr;
    }
  } while (off < len);
  return head;
}

void DpdkPort::transmit(const model::Frame& frame) {
  if (frame.data.size() > max_tx_frame_) {
    fail("frame " + std::to_string(stats_.transmitted + tx_pending_.size()) + " of " +
         std::to_string(frame.data.size()) + " bytes is larger than this port sends whole (" +
         std::to_string(max_tx_frame_) + ")");
  }
  rte_mbuf* m = to_mbuf(frame);
  if (m == nullptr) {
    send_pending();  // return queued mbufs to the pool and try once more
    m = to_mbuf(frame);
    if (m == nullptr) fail("mbuf pool exhausted");
  }
  tx_pending_.push_back(m);
  if (tx_pending_.size() >= kBurst) send_pending();
}

void DpdkPort::send_pending() {
  if (!started_) return;
  std::size_t sent = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (sent < tx_pending_.size()) {
    const auto want = static_cast<std::uint16_t>(tx_pending_.size() - sent);
    const std::uint16_t n = rte_eth_tx_burst(port_id_, 0, tx_pending_.data() + sent, want);
    if (n != 0) {
      sent += n;
      stats_.transmitted += n;
      last_progress = std::chrono::steady_clock::now();
      continue;
    }
    ++stats_.tx_retries;
    if (std::chrono::steady_clock::now() - last_progress > kTxTimeout) {
      const std::size_t dropped = tx_pending_.size() - sent;
      for (std::size_t i = sent; i < tx_pending_.size(); ++i) rte_pktmbuf_free(tx_pending_[i]);
      tx_pending_.clear();
      stats_.tx_dropped += dropped;
      fail("tx queue accepted nothing for 2 s: " + std::to_string(dropped) +
           " frames dropped");
    }
    std::this_thread::yield();
  }
  tx_pending_.clear();
}

void DpdkPort::flush() {
  send_pending();
  const DpdkPortStats s = stats();
  if (s.pmd_oerrors > reported_oerrors_) {
    const std::uint64_t n = s.pmd_oerrors - reported_oerrors_;
    reported_oerrors_ = s.pmd_oerrors;
    fail("the PMD dropped " + std::to_string(n) + " frames on tx (oerrors)");
  }
}

DpdkPortStats DpdkPort::stats() const {
  DpdkPortStats s = stats_;
  rte_eth_stats st{};
  if (have_port_ && rte_eth_stats_get(port_id_, &st) == 0) {
    s.pmd_ierrors = st.ierrors - base_ierrors_;
    s.pmd_oerrors = st.oerrors - base_oerrors_;
    s.pmd_rx_nombuf = st.rx_nombuf - base_nombuf_;
  }
  return s;
}

std::string DpdkPort::describe() const {
  if (mode_ == Mode::kFiles) {
    return "dpdk:net_pcap(" + (in_path_.empty() ? std::string("(none)") : in_path_) + " -> " +
           (out_path_.empty() ? std::string("(discard)") : out_path_) + ")";
  }
  return "dpdk:" + devargs_;
}

}  // namespace nicsim::sim
