// SPDX-License-Identifier: MIT
// axi_dma (rtl/axi_dma.sv) against the AxiMem host-memory model, clock by clock, with the
// AxiChecker watching the AXI port in every test.
//
// Clients: read requests (random address alignment, lengths 1..9018, a few up to 16 KiB,
// addresses at and beyond the 48-bit limit, some touching an SLVERR range) whose data is
// compared with the memory byte for byte, in request order; write requests with random data
// on s_wr whose bytes are checked in memory when the completion arrives (the model makes a
// write visible only with its B response, so a completion before the last B would be
// caught), together with the untouched neighbour bytes. cnt_dev_err must count every request
// that reported err, and the memory must never see an access at or above 2^48.
//
// Figures (RtlDmaFigures.*): read/write bandwidth in bytes per clock for 64- and 1500-byte
// requests with a 100-clock memory latency and no stalls, and the idle latency of one read
// and one write.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "Vaxi_dma_w512.h"
#include "Vaxi_dma_w64.h"
#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/axi_slave.hpp"
#include "common/axis.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::axi {
namespace {

NICSIM_AXI_PORT(DmaAxi, m_axi_);
NICSIM_VALID_READY_PORT(RdReqPort, s_rd_req_);
NICSIM_VALID_READY_PORT(WrReqPort, s_wr_req_);
NICSIM_AXIS_PORT(WrDataPort, s_wr_);
NICSIM_AXIS_PORT(RdDataPort, m_rd_);
NICSIM_VALID_READY_PORT(DonePort, m_wr_done_);

using Bytes = std::vector<std::uint8_t>;
using model::Prng;

constexpr std::uint64_t kLimit = std::uint64_t{1} << 48;
constexpr std::uint64_t kErrLo = 0x10000000, kErrHi = 0x10004000;  // SLVERR, 4 KiB aligned
constexpr unsigned kMaxOutstanding = 16;  // the models' MAX_OUTSTANDING_RD / _WR

bool out_of_range(std::uint64_t addr, std::uint32_t len) {
  return len == 0 || addr >= kLimit || len > kLimit - addr;
}
bool touches_err(std::uint64_t addr, std::uint32_t len) {
  return !out_of_range(addr, len) && addr < kErrHi && addr + len > kErrLo;
}

struct Req {
  std::uint64_t addr = 0;
  std::uint32_t len = 0;
  std::uint32_t tag = 0;
  bool err = false;      // expected err
  bool oor = false;
  Bytes data;            // write data; read: expected bytes
  Bytes before;          // write: memory at addr-1 and addr+len before the write
  std::uint64_t issued = 0;  // cycle of the request handshake
};

struct Profile {
  double p_req = 1.0;       // chance a client offers its next request on a clock
  double p_wdata = 1.0;     // chance s_wr_tvalid is offered
  double p_rd_ready = 1.0;  // m_rd_tready
  double p_done_ready = 1.0;
};

template <class V>
class DmaBench {
 public:
  static constexpr unsigned kB = DmaAxi::data_bytes<V>();

  DmaBench(const AxiMemConfig& mcfg, Profile prof, std::uint64_t seed, bool collect = false)
      : h_({.name = "axi_dma w" + std::to_string(8 * kB)}), mem_(mcfg), prof_(prof), rng_(seed) {
    AxiCheckerConfig c;
    c.name = "axi_dma w" + std::to_string(8 * kB);
    c.data_bytes = kB;
    c.max_reads = kMaxOutstanding;
    c.max_writes = kMaxOutstanding;
    c.collect_only = collect;
    chk_ = std::make_unique<AxiChecker>(c);
    h_.reset(4, 1);
    attach();
  }

  AxiMem& mem() { return mem_; }
  AxiChecker& checker() { return *chk_; }
  V& dut() { return h_.dut(); }
  std::uint64_t cycle() const { return h_.cycle(); }
  std::function<void(AxiM2S&, AxiS2M&)> mutate;  // what the checker sees (checker tests)

  void read(std::uint64_t addr, std::uint32_t len) {
    Req r;
    r.addr = addr;
    r.len = len;
    r.tag = next_tag_++ & 0xFF;
    r.oor = out_of_range(addr, len);
    r.err = r.oor || touches_err(addr, len);
    if (r.oor)
      r.data.assign(len, 0);
    else
      r.data = mem_.read(addr, len);
    rd_req_->send(std::move(r));
  }
  void write(std::uint64_t addr, const Bytes& data) {
    Req r;
    r.addr = addr;
    r.len = static_cast<std::uint32_t>(data.size());
    r.tag = next_tag_++ & 0xFF;
    r.oor = out_of_range(addr, r.len);
    r.err = r.oor || touches_err(addr, r.len);
    r.data = data;
    if (!r.oor) r.before = {mem_.read_byte(addr - 1), mem_.read_byte(addr + r.len)};
    if (!data.empty()) wdata_->send(data);  // the data beats, from lane 0, tlast on the last
    wr_req_->send(std::move(r));
  }

  bool idle() const {
    return rd_req_->idle() && rd_exp_.empty() && wr_req_->idle() && wr_exp_.empty() &&
           wdata_->idle();
  }
  std::uint64_t reads_done() const { return rd_done_; }
  std::uint64_t writes_done() const { return wr_done_; }
  std::uint64_t errs_seen() const { return errs_; }
  std::uint64_t rd_bytes() const { return rd_bytes_; }
  std::uint64_t first_rd_beat() const { return first_rd_beat_; }
  std::uint64_t last_done() const { return last_done_; }

  // Run until every request finished (or the watchdog fires). Returns false on a hang.
  bool run(std::uint64_t max_idle = 200000) {
    h_.set_watchdog(max_idle, [this] {
      return "reads to go " + std::to_string(rd_req_->queued() + rd_exp_.size()) + ", writes " +
             std::to_string(wr_req_->queued() + wr_exp_.size());
    });
    const bool ok = h_.run_until([this] { return idle(); });
    h_.set_watchdog(0);
    if (!ok) return false;
    // Let the last responses drain so the checker sees an idle bus.
    h_.ticks(4);
    return true;
  }

 private:
  template <class Port>
  using ReqSource = bench::ChannelSource<V, Port, Req>;

  // The clients' agents, in the order they draw from rng_ on every clock: read and write
  // requests (held until taken), write data, then m_rd_tready and m_wr_done_ready; the AXI
  // slave (AxiMem) and the checker first.
  void attach() {
    axi_ = std::make_unique<AxiMemSlave<V, DmaAxi>>(h_, mem_, *chk_);
    axi_->mutate = [this](AxiM2S& m, AxiS2M& s) {
      if (mutate) mutate(m, s);
    };
    V& d = h_.dut();
    rd_req_ = requests<RdReqPort>(d.s_rd_req_addr, d.s_rd_req_len, d.s_rd_req_tag, rd_exp_);
    wr_req_ = requests<WrReqPort>(d.s_wr_req_addr, d.s_wr_req_len, d.s_wr_req_tag, wr_exp_);
    wdata_ = std::make_unique<bench::AxisSource<V, WrDataPort>>(
        h_, bench::AxisSourceConfig{.valid = bench::chance(rng_, prof_.p_wdata)});
    rd_data_ = std::make_unique<bench::AxisSink<V, RdDataPort>>(
        h_, bench::AxisSinkConfig{.ready = bench::chance(rng_, prof_.p_rd_ready),
                                  .name = "m_rd",
                                  .keep = bench::KeepRule::kPacked});
    rd_data_->on_beat = [this](V& m, const bench::AxisBeat& b) { on_rd_beat(m, b); };
    rd_data_->on_frame = [](bench::AxisFrame&&) {};
    done_ = std::make_unique<bench::ChannelSink<V, DonePort>>(
        h_, [this](V& m) { on_done(m); },
        bench::ChannelSinkConfig{.ready = bench::chance(rng_, prof_.p_done_ready)});
  }

  // Read or write requests: offered with p_req; accepted ones wait in `outstanding`.
  template <class Port, class A, class L, class T>
  std::unique_ptr<ReqSource<Port>> requests(A& addr, L& len, T& tag, std::deque<Req>& outstanding) {
    auto src = std::make_unique<ReqSource<Port>>(
        h_,
        [&addr, &len, &tag](V&, const Req& r) {
          addr = r.addr;
          len = static_cast<std::uint16_t>(r.len);
          tag = static_cast<std::uint8_t>(r.tag);
        },
        bench::ChannelSourceConfig{.valid = bench::chance(rng_, prof_.p_req)});
    src->on_accept = [this, &outstanding](Req&& r) {
      r.issued = h_.cycle();
      outstanding.push_back(std::move(r));
    };
    return src;
  }

  void on_rd_beat(V& d, const bench::AxisBeat& b) {
    const std::uint64_t cycle = h_.cycle();
    if (first_rd_beat_ == 0) first_rd_beat_ = cycle;
    if (rd_exp_.empty()) {
      ADD_FAILURE() << "cycle " << cycle << ": m_rd beat with no read request outstanding";
      return;
    }
    const Req& r = rd_exp_.front();
    if (d.m_rd_tag != r.tag)
      ADD_FAILURE() << "cycle " << cycle << ": m_rd_tag " << unsigned{d.m_rd_tag}
                    << ", expected " << r.tag;
    for (unsigned i = 0; i < kB; ++i)
      if ((b.keep >> i) & 1u) cur_.push_back(b.data[i]);
    if (!b.last) {
      if (cur_.size() > r.len) {
        ADD_FAILURE() << "cycle " << cycle << ": read tag " << r.tag << " has more than "
                      << r.len << " bytes and no tlast";
        cur_.clear();
        rd_exp_.pop_front();
      }
      return;
    }
    const bool err = d.m_rd_err != 0;
    EXPECT_EQ(err, r.err) << "read addr 0x" << std::hex << r.addr << std::dec << " len "
                          << r.len << " err";
    EXPECT_EQ(cur_.size(), r.len) << "read addr 0x" << std::hex << r.addr << std::dec;
    if (!touches_err(r.addr, r.len) && cur_.size() == r.len && cur_ != r.data) {
      std::size_t i = 0;
      while (cur_[i] == r.data[i]) ++i;
      ADD_FAILURE() << "read addr 0x" << std::hex << r.addr << std::dec << " len " << r.len
                    << ": byte " << i << " is " << unsigned{cur_[i]} << ", expected "
                    << unsigned{r.data[i]};
    }
    errs_ += err ? 1 : 0;
    rd_bytes_ += r.len;
    ++rd_done_;
    last_done_ = cycle;
    cur_.clear();
    rd_exp_.pop_front();
  }

  void on_done(V& d) {
    const std::uint64_t cycle = h_.cycle();
    if (wr_exp_.empty()) {
      ADD_FAILURE() << "cycle " << cycle << ": write done with no write outstanding";
      return;
    }
    const Req& r = wr_exp_.front();
    EXPECT_EQ(unsigned{d.m_wr_done_tag}, r.tag) << "cycle " << cycle << ": done tag";
    const bool err = d.m_wr_done_err != 0;
    EXPECT_EQ(err, r.err) << "write addr 0x" << std::hex << r.addr << std::dec << " len "
                          << r.len << " err";
    if (!r.err) {
      const Bytes got = mem_.read(r.addr, r.len);
      if (got != r.data) {
        std::size_t i = 0;
        while (got[i] == r.data[i]) ++i;
        ADD_FAILURE() << "write addr 0x" << std::hex << r.addr << std::dec << " len " << r.len
                      << ": at done, byte " << i << " in memory is " << unsigned{got[i]}
                      << ", expected " << unsigned{r.data[i]};
      }
      EXPECT_EQ(mem_.read_byte(r.addr - 1), r.before[0]) << "byte before the write changed";
      EXPECT_EQ(mem_.read_byte(r.addr + r.len), r.before[1]) << "byte after the write changed";
    }
    errs_ += err ? 1 : 0;
    ++wr_done_;
    last_done_ = cycle;
    wr_exp_.pop_front();
  }

  bench::Harness<V> h_;
  AxiMem mem_;
  std::unique_ptr<AxiChecker> chk_;
  Profile prof_;
  Prng rng_;
  std::unique_ptr<AxiMemSlave<V, DmaAxi>> axi_;
  std::unique_ptr<ReqSource<RdReqPort>> rd_req_;
  std::unique_ptr<ReqSource<WrReqPort>> wr_req_;
  std::unique_ptr<bench::AxisSource<V, WrDataPort>> wdata_;
  std::unique_ptr<bench::AxisSink<V, RdDataPort>> rd_data_;
  std::unique_ptr<bench::ChannelSink<V, DonePort>> done_;
  std::uint32_t next_tag_ = 1;
  std::deque<Req> rd_exp_, wr_exp_;
  Bytes cur_;
  std::uint64_t rd_done_ = 0, wr_done_ = 0, errs_ = 0, rd_bytes_ = 0;
  std::uint64_t first_rd_beat_ = 0, last_done_ = 0;
};

Bytes random_bytes(Prng& rng, std::uint32_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
  return b;
}

std::uint32_t random_len(Prng& rng) {
  const auto k = rng.below(100);
  if (k < 30) return static_cast<std::uint32_t>(rng.between(1, 128));
  if (k < 95) return static_cast<std::uint32_t>(rng.between(1, 9018));
  return static_cast<std::uint32_t>(rng.between(9019, 16384));
}

// Random mixed traffic: reads anywhere below 2^48 (and some beyond), writes into separate
// 32 KiB slots (so in-flight writes never overlap and neighbours can be checked).
template <class V>
void random_traffic(std::uint64_t seed, int n_reads, int n_writes, const AxiMemConfig& mcfg,
                    const Profile& prof) {
  DmaBench<V> b(mcfg, prof, seed);
  Prng rng(seed * 7 + 3);
  std::uint64_t slot = 0;
  int r = 0, w = 0;
  while (r < n_reads || w < n_writes) {
    const bool do_read = w >= n_writes || (r < n_reads && rng.chance(0.5));
    std::uint32_t len = random_len(rng);
    std::uint64_t addr = 0;
    const auto kind = rng.below(100);
    if (kind < 3) {
      // Reads: last byte at 2^48 - 1 (ok) or at 2^48 (oor). Writes: only the oor case, so
      // they cannot race the reads there (test LimitEdges writes up to 2^48 - 1).
      addr = kLimit - len + (do_read ? rng.below(2) : 1);
    } else if (kind < 5) {
      addr = kLimit + rng.below(1u << 20);  // beyond the 48-bit space
    } else if (kind < 6) {
      addr = ~std::uint64_t{0} - rng.below(4096);  // wraps around 2^64
    } else if (kind < 9) {
      // Near / in the SLVERR range: reads start below or in its first half and end inside it;
      // writes start in its last 2 KiB and run past its end (bursts beyond it are performed),
      // so no read races a write.
      if (do_read) {
        len = std::min<std::uint32_t>(len, 4096);
        addr = kErrLo - 2048 + rng.below(2048 + 0x2000);
      } else {
        addr = kErrHi - 2048 + rng.below(2048);
      }
    } else if (kind < 10) {
      len = 0;
      addr = rng.below(1u << 30);
    } else if (do_read) {
      addr = rng.below(kLimit - 16384);
    } else {
      addr = 0x200000000ULL + (slot++) * 0x8000 + rng.below(8192);
    }
    if (do_read) {
      b.read(addr, len);
      ++r;
    } else {
      b.write(addr, random_bytes(rng, len));
      ++w;
    }
  }
  ASSERT_TRUE(b.run());
  EXPECT_EQ(b.reads_done(), static_cast<std::uint64_t>(n_reads));
  EXPECT_EQ(b.writes_done(), static_cast<std::uint64_t>(n_writes));
  EXPECT_EQ(static_cast<std::uint64_t>(b.dut().cnt_dev_err), b.errs_seen()) << "cnt_dev_err";
  EXPECT_EQ(b.mem().oob_accesses(), 0u) << "memory saw an access at or above 2^48";
  b.checker().expect_idle();
  std::printf("random traffic w%u seed %llu: %d reads, %d writes, %llu errors, %llu clocks\n",
              8 * DmaBench<V>::kB, static_cast<unsigned long long>(seed), n_reads, n_writes,
              static_cast<unsigned long long>(b.errs_seen()),
              static_cast<unsigned long long>(b.cycle()));
}

AxiMemConfig stall_cfg(unsigned db, std::uint64_t seed) {
  AxiMemConfig c;
  c.data_bytes = db;
  c.read_latency = 40;
  c.write_latency = 25;
  c.p_awready = 0.6;
  c.p_wready = 0.7;
  c.p_arready = 0.5;
  c.p_rvalid = 0.7;
  c.p_bvalid = 0.6;
  c.seed = seed;
  c.err_lo = kErrLo;
  c.err_hi = kErrHi;
  return c;
}
const Profile kStallProfile{0.5, 0.7, 0.7, 0.6};

TEST(RtlDma, RandomStallsW64) {
  random_traffic<Vaxi_dma_w64>(11, 500, 500, stall_cfg(8, 11), kStallProfile);
}
TEST(RtlDma, RandomStallsW512) {
  random_traffic<Vaxi_dma_w512>(12, 2000, 2000, stall_cfg(64, 12), kStallProfile);
}
TEST(RtlDma, RandomNoStallsW512) {
  AxiMemConfig c = stall_cfg(64, 13);
  c.p_awready = c.p_wready = c.p_arready = c.p_rvalid = c.p_bvalid = 1.0;
  c.read_latency = 3;
  c.write_latency = 1;
  random_traffic<Vaxi_dma_w512>(13, 2000, 2000, c, Profile{});
}
TEST(RtlDma, RandomNoStallsW64) {
  AxiMemConfig c = stall_cfg(8, 14);
  c.p_awready = c.p_wready = c.p_arready = c.p_rvalid = c.p_bvalid = 1.0;
  c.read_latency = 100;
  c.write_latency = 100;
  random_traffic<Vaxi_dma_w64>(14, 500, 500, c, Profile{});
}

// Every alignment of start and length around beat and 4 KiB boundaries, both widths.
template <class V>
void alignment_sweep() {
  DmaBench<V> b(stall_cfg(DmaBench<V>::kB, 5), kStallProfile, 5);
  Prng rng(99);
  const std::uint64_t base = 0x300000000ULL;
  std::uint64_t slot = 0;
  for (std::uint32_t off = 0; off < 2 * DmaBench<V>::kB; ++off) {
    for (std::uint32_t len : {1u, 2u, 7u, 8u, 9u, 63u, 64u, 65u, 127u, 128u, 129u}) {
      b.read(base + 4096 - 64 + off, len);
      b.write(base + 0x100000 + (slot++) * 0x2000 + 4096 - 64 + off, random_bytes(rng, len));
    }
  }
  ASSERT_TRUE(b.run());
  EXPECT_EQ(b.errs_seen(), 0u);
  b.checker().expect_idle();
}
TEST(RtlDma, AlignmentSweepW64) { alignment_sweep<Vaxi_dma_w64>(); }
TEST(RtlDma, AlignmentSweepW512) { alignment_sweep<Vaxi_dma_w512>(); }

// Requests that end exactly at 2^48 - 1 are performed, one byte further is not.
template <class V>
void limit_edges() {
  DmaBench<V> b(stall_cfg(DmaBench<V>::kB, 6), kStallProfile, 6);
  Prng rng(6);
  for (std::uint32_t len : {1u, 100u, 5000u}) {
    const Bytes d = random_bytes(rng, len);
    b.write(kLimit - len, d);  // ok
    b.write(kLimit - len + 1, d);  // oor: dropped, err
    ASSERT_TRUE(b.run());
    b.read(kLimit - len, len);  // reads back what was written
    b.read(kLimit - len + 1, len);  // oor: zeros, err
    b.read(kLimit + 5, len);
    ASSERT_TRUE(b.run());
    EXPECT_EQ(b.mem().read(kLimit - len, len), d);
  }
  EXPECT_EQ(b.errs_seen(), 9u);
  EXPECT_EQ(static_cast<std::uint64_t>(b.dut().cnt_dev_err), 9u);
  EXPECT_EQ(b.mem().oob_accesses(), 0u);
  b.checker().expect_idle();
}
TEST(RtlDma, LimitEdgesW64) { limit_edges<Vaxi_dma_w64>(); }
TEST(RtlDma, LimitEdgesW512) { limit_edges<Vaxi_dma_w512>(); }

// ---- figures
template <class V>
double read_bandwidth(std::uint32_t len, int n, std::uint64_t align, std::uint64_t* lat) {
  AxiMemConfig c;
  c.data_bytes = DmaBench<V>::kB;
  c.read_latency = 100;
  c.write_latency = 100;
  DmaBench<V> b(c, Profile{}, 1);
  for (int i = 0; i < n; ++i) b.read(0x40000000ULL + static_cast<std::uint64_t>(i) * 2048 *
                                                         ((len + 2047) / 2048) + align,
                                     len);
  const std::uint64_t t0 = b.cycle();
  EXPECT_TRUE(b.run());
  if (lat != nullptr) *lat = b.first_rd_beat() - t0;
  return static_cast<double>(b.rd_bytes()) / static_cast<double>(b.last_done() - t0);
}
template <class V>
double write_bandwidth(std::uint32_t len, int n, std::uint64_t* lat) {
  AxiMemConfig c;
  c.data_bytes = DmaBench<V>::kB;
  c.read_latency = 100;
  c.write_latency = 100;
  DmaBench<V> b(c, Profile{}, 1);
  Prng rng(3);
  for (int i = 0; i < n; ++i)
    b.write(0x50000000ULL + static_cast<std::uint64_t>(i) * 2048 * ((len + 2047) / 2048),
            random_bytes(rng, len));
  const std::uint64_t t0 = b.cycle();
  EXPECT_TRUE(b.run());
  if (lat != nullptr) *lat = b.last_done() - t0;
  return static_cast<double>(len) * n / static_cast<double>(b.last_done() - t0);
}

template <class V>
void figures(const char* name) {
  constexpr unsigned kB = DmaBench<V>::kB;
  std::uint64_t rd_lat = 0, wr_lat = 0;
  read_bandwidth<V>(64, 1, 0, &rd_lat);
  write_bandwidth<V>(64, 1, &wr_lat);
  std::printf("dma_%s_read_latency_64B %llu clocks (memory latency 100)\n", name,
              static_cast<unsigned long long>(rd_lat));
  std::printf("dma_%s_write_latency_64B %llu clocks (request to done, B latency 100)\n", name,
              static_cast<unsigned long long>(wr_lat));
  for (std::uint32_t len : {64u, 1500u}) {
    const double r = read_bandwidth<V>(len, 400, 0, nullptr);
    const double ru = read_bandwidth<V>(len, 400, 13, nullptr);
    const double w = write_bandwidth<V>(len, 400, nullptr);
    std::printf("dma_%s_read_bw_%uB %.2f bytes/clock (%.1f%% of %u), unaligned +13: %.2f\n",
                name, len, r, 100.0 * r / kB, kB, ru);
    std::printf("dma_%s_write_bw_%uB %.2f bytes/clock (%.1f%% of %u)\n", name, len, w,
                100.0 * w / kB, kB);
    if (len == 1500 && kB == 64) {
      EXPECT_GE(r, 0.9 * kB) << "1500-byte reads below 90% of the bus";
      EXPECT_GE(ru, 0.9 * kB) << "unaligned 1500-byte reads below 90% of the bus";
    }
  }
}
TEST(RtlDmaFigures, W64) { figures<Vaxi_dma_w64>("w64"); }
TEST(RtlDmaFigures, W512) { figures<Vaxi_dma_w512>("w512"); }

// ---- the checker can fail
bool has_error(const AxiChecker& c, const std::string& what) {
  for (const auto& e : c.errors())
    if (e.find(what) != std::string::npos) return true;
  return false;
}

// Hand-made stimulus, one broken rule at a time.
TEST(AxiChecker, FiresOnBrokenRules) {
  AxiCheckerConfig cfg;
  cfg.collect_only = true;
  cfg.data_bytes = 64;
  cfg.max_reads = 2;
  {  // AR dropped before ready, then payload change during a stall
    AxiChecker c(cfg);
    AxiM2S m;
    AxiS2M s;
    m.arvalid = true;
    m.araddr = 0x1000;
    m.arlen = 3;
    m.arsize = 6;
    m.arburst = kBurstIncr;
    c.observe(m, s);
    m.arvalid = false;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "ARVALID dropped before ARREADY"));
    m.arvalid = true;
    c.observe(m, s);
    m.araddr = 0x2000;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "AR payload changed"));
  }
  {  // 4 KiB crossing, reserved burst, too wide, too many outstanding
    AxiChecker c(cfg);
    AxiM2S m;
    AxiS2M s;
    s.arready = true;
    m.arvalid = true;
    m.arsize = 6;
    m.arburst = kBurstIncr;
    m.araddr = 0x1FC0;
    m.arlen = 1;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "crosses a 4 KiB boundary"));
    m.araddr = 0;
    m.arburst = 3;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "reserved burst type"));
    m.arburst = kBurstIncr;
    m.arsize = 7;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "AxSIZE wider"));
    EXPECT_TRUE(has_error(c, "read bursts outstanding"));
  }
  {  // R with an unknown ID, RLAST early; W burst length; B before data; B unknown ID
    AxiChecker c(cfg);
    AxiM2S m;
    AxiS2M s;
    s.rvalid = true;
    s.rid = 5;
    m.rready = true;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "R with ID 5 and no read outstanding"));
    s = {};
    m = {};
    m.arvalid = true;
    m.arlen = 2;
    m.arsize = 6;
    m.arburst = kBurstIncr;
    s.arready = true;
    c.observe(m, s);
    m = {};
    s = {};
    m.rready = true;
    s.rvalid = true;
    s.rlast = true;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "RLAST on beat 1 of ARLEN 2"));
    m = {};
    s = {};
    m.awvalid = true;
    m.awlen = 1;
    m.awsize = 6;
    m.awburst = kBurstIncr;
    s.awready = true;
    c.observe(m, s);
    m = {};
    s = {};
    s.bvalid = true;
    m.bready = true;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "before its last W beat"));
    s.bid = 3;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "B with ID 3"));
    m = {};
    s = {};
    m.wvalid = true;
    m.wstrb = 1;
    m.wlast = true;
    s.wready = true;
    m.awvalid = true;
    m.awlen = 1;
    m.awsize = 6;
    m.awburst = kBurstIncr;
    s.awready = true;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "WLAST on beat 1 of a burst of 2"));
  }
  {  // narrow write strobes outside the lanes
    AxiChecker c(cfg);
    AxiM2S m;
    AxiS2M s;
    m.awvalid = true;
    m.awaddr = 0x10;
    m.awsize = 2;
    m.awburst = kBurstIncr;
    s.awready = true;
    m.wvalid = true;
    m.wstrb = 0xFF0000;
    m.wlast = true;
    s.wready = true;
    c.observe(m, s);
    EXPECT_TRUE(has_error(c, "outside the beat's lanes"));
  }
  {  // AXI4-Lite
    AxiLiteChecker c("axil", true);
    AxiLiteM2S m;
    AxiLiteS2M s;
    s.rvalid = true;
    m.rready = true;
    c.observe(m, s);
    EXPECT_FALSE(c.errors().empty());
  }
}

// The real DMA, with what the checker sees mutated: the checker must notice.
TEST(AxiChecker, FiresOnMutatedDmaTraffic) {
  for (int variant = 0; variant < 4; ++variant) {
    AxiMemConfig c = stall_cfg(64, 21);
    c.err_lo = c.err_hi = 0;
    DmaBench<Vaxi_dma_w512> b(c, kStallProfile, 21, /*collect=*/true);
    int w_beats = 0;
    bool done = false;
    bool aw_stalled = false;
    b.mutate = [&](AxiM2S& m, AxiS2M& s) {
      if (done) return;
      switch (variant) {
        case 0:  // wlast flipped on the 3rd W beat
          if (m.wvalid && s.wready && ++w_beats == 3) {
            m.wlast = !m.wlast;
            done = true;
          }
          break;
        case 1:  // araddr changes while the slave stalls
          if (m.arvalid && !s.arready) {
            m.araddr ^= 0x40;
            done = true;
          }
          break;
        case 2:  // an R beat with an ID never issued
          if (s.rvalid && m.rready) {
            s.rid = 9;
            done = true;
          }
          break;
        default:  // awvalid seen low on the second clock of a stall
          if (m.awvalid && aw_stalled) {
            m.awvalid = false;
            done = true;
          }
          aw_stalled = m.awvalid && !s.awready;
          break;
      }
    };
    Prng rng(4);
    for (int i = 0; i < 20; ++i) {
      b.read(0x1000 + static_cast<std::uint64_t>(i) * 3000, 1500);
      b.write(0x900000 + static_cast<std::uint64_t>(i) * 8192, random_bytes(rng, 1500));
    }
    b.run();
    EXPECT_TRUE(done) << "variant " << variant << ": mutation never applied";
    EXPECT_FALSE(b.checker().errors().empty()) << "variant " << variant << ": checker silent";
    if (!b.checker().errors().empty())
      std::printf("variant %d: %s\n", variant, b.checker().errors().front().c_str());
  }
}

}  // namespace
}  // namespace nicsim::axi
