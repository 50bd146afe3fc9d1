// SPDX-License-Identifier: MIT
// dma_mux (rtl/dma_mux.sv) in front of axi_dma (bench wrapper dma_mux_tb_top.sv) against the
// AxiMem host-memory model, clock by clock, with the AxiChecker watching the AXI port in every
// test.
//
// Three clients, each with its own queue of reads and writes, driven like the single client
// of testbenches/rtl_dma (random request/data valid and tready/done-ready stalls): every
// client must get exactly the bytes, tkeep, tlast, tag and err of each of its reads, in its
// own request order, as axi_dma alone would give them (reads longer than the mux's chunk,
// RD_FIFO_DEPTH beats, are split inside the mux: the client must not see it); every write's
// bytes are in memory at its done, which must reach the right client with its tag and err.
//
// RtlDmaMux.StalledClientDoesNotBlockOthers: client 0 stops taking read data with many reads
// outstanding; clients 1 and 2 must finish theirs. The same scenario against a plain request
// mux (plain_dma_mux.sv) must hang: RtlDmaMux.StalledClientBlocksPlainMux.
//
// Figures (RtlDmaMuxFigures.*): beats per clock of one client streaming 1500-byte reads with
// a 100-clock memory, and of three clients at once; printed, not asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Vdma_mux_plain_w64.h"
#include "Vdma_mux_w512.h"
#include "Vdma_mux_w512_d256.h"
#include "Vdma_mux_w64.h"
#include "common/axi_checker.hpp"
#include "nicsim/sim/axi/axi_mem.hpp"
#include "nicsim/sim/axi/axi_port.hpp"
#include "common/axi_slave.hpp"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::axi {
namespace {

NICSIM_AXI_PORT(MuxAxi, m_axi_);

using Bytes = std::vector<std::uint8_t>;
using model::Prng;

constexpr unsigned kN = 3;         // clients (the wrapper's N)
constexpr unsigned kTagW = 8;      // client tag width
constexpr std::uint64_t kLimit = std::uint64_t{1} << 48;
constexpr std::uint64_t kErrLo = 0x10000000, kErrHi = 0x10004000;  // SLVERR, 4 KiB aligned
constexpr unsigned kMaxOutstanding = 16;  // axi_dma's MAX_OUTSTANDING_RD / _WR in the wrapper

// The client ports are packed arrays: client c's fields at [c*W +: W], its valid/ready at bit c.
NICSIM_VALID_READY_PORT(RdReqPort, s_rd_req_);
NICSIM_VALID_READY_PORT(WrReqPort, s_wr_req_);
NICSIM_AXIS_PORT(WrDataPort, s_wr_);
NICSIM_AXIS_PORT(RdDataPort, m_rd_);
NICSIM_VALID_READY_PORT(DonePort, m_wr_done_);
using bench::get_bit;
using bench::get_bits;
using bench::put_bits;

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
  bool err = false;  // expected err
  bool oor = false;
  Bytes data;        // write data; read: expected bytes
  Bytes before;      // write: memory at addr-1 and addr+len before the write
};

struct Profile {
  double p_req = 1.0;       // chance a client offers its next request on a clock
  double p_wdata = 1.0;     // s_wr_tvalid
  double p_rd_ready = 1.0;  // m_rd_tready
  double p_done_ready = 1.0;
};

template <class V>
class MuxBench {
 public:
  static constexpr unsigned kB = MuxAxi::data_bytes<V>();

  // One client: its agents on lane c of the packed ports, and what it expects.
  struct Client {
    Profile prof;
    bool hold_rd = false;  // m_rd_tready held low
    std::unique_ptr<bench::ChannelSource<V, RdReqPort, Req>> rd_req;
    std::unique_ptr<bench::ChannelSource<V, WrReqPort, Req>> wr_req;
    std::unique_ptr<bench::AxisSource<V, WrDataPort>> wdata;
    std::unique_ptr<bench::AxisSink<V, RdDataPort>> rd_data;
    std::unique_ptr<bench::ChannelSink<V, DonePort>> done;
    std::deque<Req> rd_exp, wr_exp;
    Bytes cur;                 // bytes of the read in progress
    bool cur_err = false;      // err seen on an earlier beat of it
    std::uint32_t next_tag = 1;
    std::uint64_t rd_done = 0, wr_done = 0, rd_bytes = 0, rd_beats = 0, errs = 0;
    std::uint64_t first_beat = 0, last_beat = 0;
    bool idle() const {
      return rd_req->idle() && rd_exp.empty() && wr_req->idle() && wr_exp.empty() &&
             wdata->idle();
    }
  };

  MuxBench(const AxiMemConfig& mcfg, std::uint64_t seed, bool real_mux = true)
      : h_({.name = "dma_mux w" + std::to_string(8 * kB)}), mem_(mcfg), rng_(seed),
        real_mux_(real_mux) {
    AxiCheckerConfig c;
    c.name = "dma_mux+axi_dma w" + std::to_string(8 * kB);
    c.data_bytes = kB;
    c.max_reads = kMaxOutstanding;
    c.max_writes = kMaxOutstanding;
    chk_ = std::make_unique<AxiChecker>(c);
    h_.reset(4, 1);
    attach();
  }

  AxiMem& mem() { return mem_; }
  AxiChecker& checker() { return *chk_; }
  Client& client(unsigned c) { return cl_[c]; }
  std::uint64_t cycle() const { return h_.cycle(); }
  const std::string& why() const { return why_; }

  void read(unsigned c, std::uint64_t addr, std::uint32_t len) {
    Req r;
    r.addr = addr;
    r.len = len;
    r.tag = cl_[c].next_tag++ & 0xFF;
    r.oor = out_of_range(addr, len);
    r.err = r.oor || touches_err(addr, len);
    if (r.oor)
      r.data.assign(len, 0);
    else
      r.data = mem_.read(addr, len);
    cl_[c].rd_req->send(std::move(r));
  }
  void write(unsigned c, std::uint64_t addr, const Bytes& data) {
    Req r;
    r.addr = addr;
    r.len = static_cast<std::uint32_t>(data.size());
    r.tag = cl_[c].next_tag++ & 0xFF;
    r.oor = out_of_range(addr, r.len);
    r.err = r.oor || touches_err(addr, r.len);
    r.data = data;
    if (!r.oor) r.before = {mem_.read_byte(addr - 1), mem_.read_byte(addr + r.len)};
    if (!data.empty()) cl_[c].wdata->send(data);
    cl_[c].wr_req->send(std::move(r));
  }

  // Run until the clients in `mask` are idle; false (reason in why()) when nothing moved for
  // max_idle clocks.
  bool run(unsigned mask = (1u << kN) - 1, std::uint64_t max_idle = 20000) {
    auto busy = [&] {
      for (unsigned c = 0; c < kN; ++c)
        if (((mask >> c) & 1u) && !cl_[c].idle()) return true;
      return false;
    };
    h_.set_watchdog(max_idle, [this] {
      std::string s;
      for (unsigned c = 0; c < kN; ++c)
        s += std::string(c ? "; " : "") + "client " + std::to_string(c) + ": reads to go " +
             std::to_string(cl_[c].rd_req->queued() + cl_[c].rd_exp.size()) + ", writes " +
             std::to_string(cl_[c].wr_req->queued() + cl_[c].wr_exp.size());
      return s;
    });
    try {
      while (busy()) h_.tick();
    } catch (const bench::Stuck& e) {
      why_ = e.what();
      h_.set_watchdog(0);
      return false;
    }
    h_.set_watchdog(0);
    return true;
  }
  void drain() { h_.ticks(8); }

 private:
  // The AXI slave (AxiMem) and the checker first; then each client's agents, in the order
  // they draw from rng_ on every clock: read and write requests, write data (held until
  // taken), m_rd_tready (not drawn while held low), m_wr_done_ready.
  void attach() {
    axi_ = std::make_unique<AxiMemSlave<V, MuxAxi>>(h_, mem_, *chk_);
    tready_check_ = std::make_unique<bench::Hook>(h_, nullptr, [this] {
      if (real_mux_ && h_->dma_rd_tready == 0 && !rd_tready_low_) {
        rd_tready_low_ = true;
        ADD_FAILURE() << "cycle " << h_.cycle() << ": dma_mux dropped s_rd_tready";
      }
    });
    V& d = h_.dut();
    for (unsigned c = 0; c < kN; ++c) {
      Client& k = cl_[c];
      k.rd_req = requests<RdReqPort>(k, c, d.s_rd_req_addr, d.s_rd_req_len, d.s_rd_req_tag,
                                     k.rd_exp);
      k.wr_req = requests<WrReqPort>(k, c, d.s_wr_req_addr, d.s_wr_req_len, d.s_wr_req_tag,
                                     k.wr_exp);
      k.wdata = std::make_unique<bench::AxisSource<V, WrDataPort>>(
          h_, bench::AxisSourceConfig{
                  .valid = [this, &k](std::uint64_t) { return rng_.chance(k.prof.p_wdata); },
                  .lane = c,
                  .beat_bytes = kB});
      k.rd_data = std::make_unique<bench::AxisSink<V, RdDataPort>>(
          h_, bench::AxisSinkConfig{.ready =
                                        [this, &k](std::uint64_t) {
                                          return !k.hold_rd && rng_.chance(k.prof.p_rd_ready);
                                        },
                                    .name = "m_rd client " + std::to_string(c),
                                    .lane = c,
                                    .beat_bytes = kB,
                                    .keep = bench::KeepRule::kPacked});
      k.rd_data->on_beat = [this, c](V& m, const bench::AxisBeat& b) { on_rd_beat(m, c, b); };
      k.rd_data->on_frame = [](bench::AxisFrame&&) {};
      k.done = std::make_unique<bench::ChannelSink<V, DonePort>>(
          h_, [this, c](V& m) { on_done(m, c); },
          bench::ChannelSinkConfig{
              .ready = [this, &k](std::uint64_t) { return rng_.chance(k.prof.p_done_ready); },
              .lane = c});
    }
  }

  // Client c's read or write requests: its fields of the packed request ports, offered with
  // the client's p_req; accepted requests wait in `outstanding`.
  template <class Port, class A, class L, class T>
  std::unique_ptr<bench::ChannelSource<V, Port, Req>> requests(Client& k, unsigned c, A& addr,
                                                               L& len, T& tag,
                                                               std::deque<Req>& outstanding) {
    auto src = std::make_unique<bench::ChannelSource<V, Port, Req>>(
        h_,
        [c, &addr, &len, &tag](V&, const Req& r) {
          put_bits(addr, 64 * c, 64, r.addr);
          put_bits(len, 16 * c, 16, r.len);
          put_bits(tag, kTagW * c, kTagW, r.tag);
        },
        bench::ChannelSourceConfig{
            .valid = [this, &k](std::uint64_t) { return rng_.chance(k.prof.p_req); },
            .lane = c});
    src->on_accept = [&outstanding](Req&& r) { outstanding.push_back(std::move(r)); };
    return src;
  }

  void on_rd_beat(V& d, unsigned c, const bench::AxisBeat& b) {
    Client& k = cl_[c];
    ++k.rd_beats;
    if (k.first_beat == 0) k.first_beat = h_.cycle();
    k.last_beat = h_.cycle();
    const std::string at = "client " + std::to_string(c) + " cycle " + std::to_string(h_.cycle());
    if (k.rd_exp.empty()) {
      ADD_FAILURE() << at << ": read beat with no read outstanding";
      return;
    }
    const Req& r = k.rd_exp.front();
    const bool err = get_bit(d.m_rd_err, c);
    const auto tag = static_cast<std::uint32_t>(get_bits(d.m_rd_tag, kTagW * c, kTagW));
    if (tag != r.tag) ADD_FAILURE() << at << ": m_rd_tag " << tag << ", expected " << r.tag;
    // axi_dma's err: accumulated over the request's beats (every beat when out of range).
    if (r.oor && !err) ADD_FAILURE() << at << ": out-of-range read beat without err";
    if (k.cur_err && !err) ADD_FAILURE() << at << ": err dropped within a read";
    if (!r.err && err) ADD_FAILURE() << at << ": err on a read that should not fail";
    k.cur_err = k.cur_err || err;
    for (unsigned i = 0; i < kB; ++i)
      if ((b.keep >> i) & 1u) k.cur.push_back(b.data[i]);
    if (!b.last) {
      if (k.cur.size() >= r.len && r.len > 0) {
        ADD_FAILURE() << at << ": read tag " << r.tag << " has " << r.len
                      << " bytes and no tlast";
        k.cur.clear();
        k.cur_err = false;
        k.rd_exp.pop_front();
      }
      return;
    }
    EXPECT_EQ(err, r.err) << at << ": read addr 0x" << std::hex << r.addr << std::dec
                          << " len " << r.len << " err on the last beat";
    EXPECT_EQ(k.cur.size(), r.len) << at << ": read addr 0x" << std::hex << r.addr;
    if (!touches_err(r.addr, r.len) && k.cur.size() == r.len && k.cur != r.data) {
      std::size_t i = 0;
      while (k.cur[i] == r.data[i]) ++i;
      ADD_FAILURE() << at << ": read addr 0x" << std::hex << r.addr << std::dec << " len "
                    << r.len << ": byte " << i << " is " << unsigned{k.cur[i]}
                    << ", expected " << unsigned{r.data[i]};
    }
    k.errs += err ? 1 : 0;
    k.rd_bytes += r.len;
    ++k.rd_done;
    k.cur.clear();
    k.cur_err = false;
    k.rd_exp.pop_front();
  }

  void on_done(V& d, unsigned c) {
    Client& k = cl_[c];
    const std::string at = "client " + std::to_string(c) + " cycle " + std::to_string(h_.cycle());
    if (k.wr_exp.empty()) {
      ADD_FAILURE() << at << ": write done with no write outstanding";
      return;
    }
    const Req& r = k.wr_exp.front();
    EXPECT_EQ(get_bits(d.m_wr_done_tag, kTagW * c, kTagW), r.tag) << at << ": done tag";
    const bool err = get_bit(d.m_wr_done_err, c);
    EXPECT_EQ(err, r.err) << at << ": write addr 0x" << std::hex << r.addr << std::dec
                          << " len " << r.len << " err";
    if (!r.err) {
      const Bytes got = mem_.read(r.addr, r.len);
      if (got != r.data) {
        std::size_t i = 0;
        while (got[i] == r.data[i]) ++i;
        ADD_FAILURE() << at << ": write addr 0x" << std::hex << r.addr << std::dec << " len "
                      << r.len << ": at done, byte " << i << " in memory is "
                      << unsigned{got[i]} << ", expected " << unsigned{r.data[i]};
      }
      EXPECT_EQ(mem_.read_byte(r.addr - 1), r.before[0]) << at << ": byte before the write";
      EXPECT_EQ(mem_.read_byte(r.addr + r.len), r.before[1]) << at << ": byte after the write";
    }
    k.errs += err ? 1 : 0;
    ++k.wr_done;
    k.wr_exp.pop_front();
  }

  bench::Harness<V> h_;
  AxiMem mem_;
  std::unique_ptr<AxiChecker> chk_;
  Prng rng_;
  bool real_mux_;
  bool rd_tready_low_ = false;
  std::unique_ptr<AxiMemSlave<V, MuxAxi>> axi_;
  std::unique_ptr<bench::Hook> tready_check_;
  std::array<Client, kN> cl_{};
  std::string why_;
};

Bytes random_bytes(Prng& rng, std::uint32_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng.next());
  return b;
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

// One random read or write for client c. chunk = the mux's chunk in bytes (RD_FIFO_DEPTH
// beats): lengths mostly 1..5 chunks, a few up to 9000 bytes, and the special cases of
// axi_dma (out of range, straddling 2^48, wrapping 2^64, len 0, the SLVERR range), also
// longer than a chunk. Writes go to the client's own 32 KiB slots.
template <class V>
void random_op(MuxBench<V>& b, Prng& rng, unsigned c, std::uint32_t chunk, bool do_read,
               std::uint64_t& slot) {
  const auto k = rng.below(100);
  auto len = static_cast<std::uint32_t>(
      k < 40 ? rng.between(1, chunk + MuxBench<V>::kB)
             : (k < 85 ? rng.between(1, 5 * chunk) : rng.between(1, 9000)));
  std::uint64_t addr = 0;
  const auto kind = rng.below(100);
  if (kind < 2) {
    addr = kLimit - len + (do_read ? rng.below(2) : 1);  // ends at 2^48 - 1 or 2^48
  } else if (kind < 4) {
    addr = kLimit - rng.below(len + 1);                   // straddles 2^48 (or at it)
  } else if (kind < 5) {
    addr = kLimit + rng.below(1u << 20);
  } else if (kind < 6) {
    addr = ~std::uint64_t{0} - rng.below(4096);           // wraps around 2^64
  } else if (kind < 9) {
    if (do_read) {
      // Into the range, or out of it (only earlier chunks fail: err carried to the last).
      len = std::min<std::uint32_t>(len, 4096);
      addr = rng.chance(0.5) ? kErrLo - 2048 + rng.below(2048 + 0x2000) : kErrHi - rng.below(2048);
    } else {
      addr = kErrHi - 2048 + rng.below(2048);
    }
  } else if (kind < 10) {
    len = 0;
    addr = rng.below(1u << 30);
  } else if (do_read) {
    addr = 0x100000000ULL + rng.below(1ULL << 40);
  } else {
    addr = 0x200000000000ULL + c * 0x10000000ULL + (slot++) * 0x8000 + rng.below(8192);
  }
  if (do_read)
    b.read(c, addr, len);
  else if (kind < 9 && kind >= 2 && kind < 6 && !out_of_range(addr, len))
    b.read(c, addr, len);  // an in-range write near 2^48 would race other clients' reads
  else
    b.write(c, addr, random_bytes(rng, len));
}

template <class V>
void random_mix(std::uint64_t seed, int ops_per_client, std::uint32_t depth,
                const AxiMemConfig& mcfg, const Profile& prof) {
  MuxBench<V> b(mcfg, seed);
  Prng rng(seed * 7 + 3);
  const std::uint32_t chunk = depth * MuxBench<V>::kB;
  std::uint64_t slot = 0;
  int reads = 0, writes = 0;
  for (unsigned c = 0; c < kN; ++c) {
    b.client(c).prof = prof;
    for (int i = 0; i < ops_per_client; ++i) random_op(b, rng, c, chunk, rng.chance(0.6), slot);
    reads += static_cast<int>(b.client(c).rd_req->queued());
    writes += static_cast<int>(b.client(c).wr_req->queued());
  }
  ASSERT_TRUE(b.run()) << b.why();
  b.drain();
  std::uint64_t errs = 0;
  for (unsigned c = 0; c < kN; ++c) errs += b.client(c).errs;
  EXPECT_EQ(b.mem().oob_accesses(), 0u) << "memory saw an access at or above 2^48";
  b.checker().expect_idle();
  std::printf("random mix w%u depth %u seed %llu: %d reads, %d writes, %llu errors, %llu "
              "clocks\n",
              8 * MuxBench<V>::kB, depth, static_cast<unsigned long long>(seed), reads, writes,
              static_cast<unsigned long long>(errs),
              static_cast<unsigned long long>(b.cycle()));
}

const Profile kStallProfile{0.5, 0.7, 0.7, 0.6};

TEST(RtlDmaMux, RandomStallsW64) {
  random_mix<Vdma_mux_w64>(21, 200, 8, stall_cfg(8, 21), kStallProfile);
}
TEST(RtlDmaMux, RandomStallsW512) {
  random_mix<Vdma_mux_w512>(22, 400, 16, stall_cfg(64, 22), kStallProfile);
}
TEST(RtlDmaMux, RandomNoStallsW64) {
  AxiMemConfig c = stall_cfg(8, 23);
  c.p_awready = c.p_wready = c.p_arready = c.p_rvalid = c.p_bvalid = 1.0;
  c.read_latency = 60;
  c.write_latency = 30;
  random_mix<Vdma_mux_w64>(23, 200, 8, c, Profile{});
}
TEST(RtlDmaMux, RandomNoStallsW512) {
  AxiMemConfig c = stall_cfg(64, 24);
  c.p_awready = c.p_wready = c.p_arready = c.p_rvalid = c.p_bvalid = 1.0;
  c.read_latency = 3;
  c.write_latency = 1;
  random_mix<Vdma_mux_w512>(24, 400, 16, c, Profile{});
}

// Client 0 asks for much more read data than its FIFO and axi_dma hold together and never
// takes any; clients 1 and 2 read (and write) meanwhile and must finish. Then client 0 takes
// its data, which must be complete and correct.
template <class V>
bool stalled_client(bool real_mux, std::uint32_t depth, std::string* why) {
  MuxBench<V> b(stall_cfg(MuxBench<V>::kB, 31), 31, real_mux);
  Prng rng(31);
  const std::uint32_t chunk = depth * MuxBench<V>::kB;
  b.client(0).hold_rd = true;
  for (int i = 0; i < 12; ++i)
    b.read(0, 0x100000000ULL + static_cast<std::uint64_t>(i) * 0x10000 + rng.below(64),
           3 * chunk + 5);
  std::uint64_t slot = 0;
  for (unsigned c = 1; c < kN; ++c) {
    b.client(c).prof = kStallProfile;
    for (int i = 0; i < 60; ++i) {
      if (!real_mux || rng.chance(0.7)) {
        b.read(c, 0x200000000ULL + rng.below(1ULL << 32), static_cast<std::uint32_t>(
                                                             rng.between(1, 3 * chunk)));
      } else {
        b.write(c, 0x300000000000ULL + c * 0x10000000ULL + (slot++) * 0x8000,
                random_bytes(rng, static_cast<std::uint32_t>(rng.between(1, 3 * chunk))));
      }
    }
  }
  const bool others = b.run(0b110, 5000);
  if (!others) {
    *why = b.why();
    return false;
  }
  EXPECT_EQ(b.client(0).rd_beats, 0u) << "client 0 took data while holding tready low";
  EXPECT_FALSE(b.client(0).rd_req->idle() && b.client(0).rd_exp.empty());
  b.client(0).hold_rd = false;
  EXPECT_TRUE(b.run()) << b.why();
  EXPECT_EQ(b.client(0).rd_done, 12u);
  b.drain();
  b.checker().expect_idle();
  return true;
}

TEST(RtlDmaMux, StalledClientDoesNotBlockOthersW64) {
  std::string why;
  EXPECT_TRUE(stalled_client<Vdma_mux_w64>(true, 8, &why)) << why;
}
TEST(RtlDmaMux, StalledClientDoesNotBlockOthersW512) {
  std::string why;
  EXPECT_TRUE(stalled_client<Vdma_mux_w512>(true, 16, &why)) << why;
}
// The same scenario with a plain request mux in front of axi_dma: client 0's data at the head
// of axi_dma's read stream stops everyone (the test above is meaningful).
TEST(RtlDmaMux, StalledClientBlocksPlainMux) {
  std::string why;
  EXPECT_FALSE(stalled_client<Vdma_mux_plain_w64>(false, 8, &why))
      << "the plain mux did not hang: the stalled-client test shows nothing";
  std::printf("plain request mux: %s\n", why.c_str());
}

// ---- figures: beats per clock (and bytes per clock) with a 100-clock memory, no stalls.
template <class V>
void stream_figure(const char* name, std::uint32_t depth, unsigned clients, bool writes) {
  AxiMemConfig c;
  c.data_bytes = MuxBench<V>::kB;
  c.read_latency = 100;
  c.write_latency = 100;
  MuxBench<V> b(c, 1);
  Prng rng(5);
  const int n = 200;
  for (unsigned k = 0; k < clients; ++k)
    for (int i = 0; i < n; ++i) {
      const std::uint64_t a = 0x40000000ULL + k * 0x10000000ULL +
                              static_cast<std::uint64_t>(i) * 2048;
      if (writes)
        b.write(k, a, random_bytes(rng, 1500));
      else
        b.read(k, a, 1500);
    }
  const std::uint64_t t0 = b.cycle();
  ASSERT_TRUE(b.run()) << b.why();
  std::uint64_t beats = 0, bytes = 0, t1 = 0;
  for (unsigned k = 0; k < clients; ++k) {
    beats += writes ? n * ((1500 + MuxBench<V>::kB - 1) / MuxBench<V>::kB) : b.client(k).rd_beats;
    bytes += static_cast<std::uint64_t>(n) * 1500;
    t1 = std::max(t1, b.client(k).last_beat);
  }
  if (writes) t1 = b.cycle();
  const double clocks = static_cast<double>(t1 - t0);
  std::printf("figure %-6s w%-3u depth %-3u %u client(s) 1500 B %s: %.3f beats/clock, "
              "%.2f bytes/clock (%.1f %% of %u)\n",
              name, 8 * MuxBench<V>::kB, depth, clients, writes ? "writes" : "reads ",
              static_cast<double>(beats) / clocks, static_cast<double>(bytes) / clocks,
              100.0 * static_cast<double>(bytes) / clocks / MuxBench<V>::kB, MuxBench<V>::kB);
  b.drain();
  b.checker().expect_idle();
}

TEST(RtlDmaMuxFigures, W64) {
  stream_figure<Vdma_mux_w64>("w64", 8, 1, false);
  stream_figure<Vdma_mux_w64>("w64", 8, 1, true);
}
TEST(RtlDmaMuxFigures, W512) {
  stream_figure<Vdma_mux_w512>("w512", 16, 1, false);
  stream_figure<Vdma_mux_w512_d256>("w512", 256, 1, false);
  stream_figure<Vdma_mux_w512_d256>("w512", 256, 3, false);
  stream_figure<Vdma_mux_w512_d256>("w512", 256, 1, true);
}

}  // namespace
}  // namespace nicsim::axi
