// SPDX-License-Identifier: MIT
// meter_bank (rtl/meter_bank.sv) against model::MeterBank, clock by clock.
//
// Every request and command the RTL accepts is applied to the model in acceptance order (a
// request accepted on the clock a command is accepted comes first: the command executes
// after the requests ahead of it). Each request's expected result is queued with the clock it
// must appear on (acceptance + LATENCY); m_res_valid must be high exactly on those clocks.
// Each command's expected response (status; rate, burst, tokens for READ) is queued and
// compared when m_rsp is taken.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>

#include "Vmeter_bank_m12.h"
#include "Vmeter_bank_m16.h"
#include "common/harness.hpp"
#include "nicsim/model/meter.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::model {
namespace {

constexpr std::uint64_t kLatency = 4;  // meter_bank LATENCY
constexpr std::uint32_t kOpWrite = 1;
constexpr std::uint32_t kOpRead = 2;
constexpr std::uint8_t kStOk = 1;
constexpr std::uint8_t kStBad = 5;

struct Req {
  std::uint16_t index = 0;
  std::uint16_t len = 0;
  std::uint64_t ts = 0;
};

struct Cmd {
  std::uint32_t op = 0;
  std::uint16_t index = 0;
  std::uint32_t rate = 0;
  std::uint32_t burst = 0;
  std::uint64_t now = 0;
};

struct ExpRes {
  std::uint64_t cycle = 0;
  bool pass = false;
};

struct ExpRsp {
  std::uint8_t status = 0;
  std::uint32_t rate = 0, burst = 0, tokens = 0;
};

template <class V>
class Bench {
 public:
  explicit Bench(std::uint32_t num_meters)
      : h_({.name = "meter_bank"}), ref_(num_meters), num_(num_meters) {
    h_->s_req_valid = 0;
    h_->s_cmd_valid = 0;
    h_->m_rsp_ready = 1;
    h_.reset(3);
    // The zeroing sweep: both readies low, no results.
    std::uint32_t depth = 2;
    while (depth < num_meters) depth *= 2;
    std::uint32_t n = 0;
    h_.settle();
    while (!h_->s_cmd_ready) {
      EXPECT_EQ(h_->s_req_ready, 0);
      step();
      ++n;
    }
    EXPECT_LE(n, depth + 1);
    EXPECT_EQ(h_->s_req_ready, 1);
  }

  MeterBank& ref() { return ref_; }
  std::uint64_t cycle() const { return h_.cycle(); }
  bool req_free() const { return !req_valid_; }
  bool cmd_free() const { return !cmd_valid_; }
  void offer_req(const Req& r) {
    req_ = r;
    req_valid_ = true;
  }
  void offer_cmd(const Cmd& c) {
    cmd_ = c;
    cmd_valid_ = true;
  }
  void set_rsp_ready(bool r) { rsp_ready_ = r; }
  bool idle() const { return !req_valid_ && !cmd_valid_ && exp_res_.empty() && exp_rsp_.empty(); }

  void step() {
    h_->s_req_valid = req_valid_;
    h_->s_req_index = req_.index;
    h_->s_req_len = req_.len;
    h_->s_req_ts = req_.ts;
    h_->s_cmd_valid = cmd_valid_;
    h_->s_cmd_op = cmd_.op;
    h_->s_cmd_index = cmd_.index;
    h_->s_cmd_rate = cmd_.rate;
    h_->s_cmd_burst = cmd_.burst;
    h_->s_cmd_now = cmd_.now;
    h_->m_rsp_ready = rsp_ready_;
    h_.settle();
    sample();
    h_.rise();
  }

  void drain() {
    for (int i = 0; i < 1000 && !idle(); ++i) step();
    ASSERT_TRUE(idle()) << "stuck at cycle " << h_.cycle();
  }

  // READ of one meter through the command port, compared with the model.
  void read_and_check(std::uint16_t index) {
    offer_cmd({.op = kOpRead, .index = index});
    drain();
  }

  std::uint64_t passes = 0, drops = 0, accepts = 0, oks = 0, bads = 0, reads = 0;
  std::uint64_t first_accept = 0, last_accept = 0;

 private:
  void sample() {
    // Results due on this clock.
    if (!exp_res_.empty() && exp_res_.front().cycle == h_.cycle()) {
      EXPECT_EQ(h_->m_res_valid, 1) << "no result on cycle " << h_.cycle();
      EXPECT_EQ(h_->m_res_pass != 0, exp_res_.front().pass) << "result on cycle " << h_.cycle();
      exp_res_.pop_front();
    } else {
      EXPECT_EQ(h_->m_res_valid, 0) << "unexpected result on cycle " << h_.cycle();
    }
    if (h_->m_rsp_valid && h_->m_rsp_ready) {
      if (exp_rsp_.empty()) {
        ADD_FAILURE() << "unexpected response on cycle " << h_.cycle();
      } else {
        const ExpRsp e = exp_rsp_.front();
        exp_rsp_.pop_front();
        EXPECT_EQ(h_->m_rsp_status, e.status) << "cycle " << h_.cycle();
        EXPECT_EQ(h_->m_rsp_rate, e.rate) << "cycle " << h_.cycle();
        EXPECT_EQ(h_->m_rsp_burst, e.burst) << "cycle " << h_.cycle();
        EXPECT_EQ(h_->m_rsp_tokens, e.tokens) << "cycle " << h_.cycle();
      }
    }
    // Accepts: the request first, then the command.
    if (req_valid_ && h_->s_req_ready) {
      const bool pass = ref_.check(req_.index, req_.len, req_.ts);
      exp_res_.push_back({h_.cycle() + kLatency, pass});
      (pass ? passes : drops)++;
      if (accepts == 0) first_accept = h_.cycle();
      last_accept = h_.cycle();
      ++accepts;
      req_valid_ = false;
    }
    if (cmd_valid_ && h_->s_cmd_ready) {
      ExpRsp e;
      const bool in_range = cmd_.index >= 1 && cmd_.index < num_;
      if (cmd_.op == kOpWrite && in_range) {
        EXPECT_TRUE(ref_.configure(cmd_.index, cmd_.rate, cmd_.burst, cmd_.now));
        e.status = kStOk;
        ++oks;
      } else if (cmd_.op == kOpRead && in_range) {
        const MeterState& s = ref_.state(cmd_.index);
        e = {kStOk, s.rate, s.burst, s.tokens};
        ++oks;
        ++reads;
      } else {
        e.status = kStBad;
        ++bads;
      }
      exp_rsp_.push_back(e);
      cmd_valid_ = false;
    }
  }

  bench::Harness<V> h_;
  MeterBank ref_;
  std::uint32_t num_;
  bool req_valid_ = false, cmd_valid_ = false, rsp_ready_ = true;
  Req req_;
  Cmd cmd_;
  std::deque<ExpRes> exp_res_;
  std::deque<ExpRsp> exp_rsp_;
};

struct Profile {
  double p_req = 1.0;    // chance of a request on a clock (when the previous one was taken)
  double p_cmd = 0.01;   // chance of a command
  double p_rsp_ready = 0.5;
  int hot = 3;           // meters 1..hot get 80 % of the requests
};

std::uint32_t random_rate(Prng& rng) {
  const auto r = rng.below(100);
  if (r < 5) return 0;
  if (r < 80) return static_cast<std::uint32_t>(rng.between(1, 3000));
  if (r < 95) return static_cast<std::uint32_t>(rng.between(1, 1u << 20));
  return static_cast<std::uint32_t>(rng.next());  // up to 2^32 - 1: 64-bit products
}
std::uint32_t random_burst(Prng& rng) {
  const auto r = rng.below(100);
  if (r < 5) return 0;
  if (r < 80) return static_cast<std::uint32_t>(rng.between(1, 20000));
  if (r < 95) return static_cast<std::uint32_t>(rng.between(1, 1u << 24));
  return rng.chance(0.5) ? 0xFFFFFFFFu : static_cast<std::uint32_t>(rng.next());
}
// Timestamp step: mostly within a tick or a few, sometimes far (the 32-bit tick wraps every
// 2^40 cycles; a step of 2^40 or more wraps elapsed itself, as in the model).
std::uint64_t random_step(Prng& rng) {
  const auto r = rng.below(1000);
  if (r < 600) return rng.below(64);
  if (r < 900) return rng.between(64, 4000);
  if (r < 980) return rng.between(4000, 1u << 24);
  if (r < 995) return rng.between(1u << 24, std::uint64_t{1} << 38);
  return rng.between(std::uint64_t{1} << 38, std::uint64_t{3} << 40);
}

template <class V>
void random_run(std::uint32_t num_meters, std::uint64_t seed, int clocks, const Profile& p) {
  Prng rng(seed);
  Bench<V> b(num_meters);
  // Start the clock 5000 ticks before the 32-bit tick wraps.
  std::uint64_t ts = ((std::uint64_t{1} << 32) - 5000) << 8;
  // Configure every meter once.
  for (std::uint16_t m = 1; m < num_meters; ++m) {
    b.offer_cmd({.op = kOpWrite, .index = m, .rate = random_rate(rng), .burst = random_burst(rng),
                 .now = ts});
    b.drain();
  }
  for (int c = 0; c < clocks; ++c) {
    if (b.req_free() && rng.chance(p.p_req)) {
      ts += random_step(rng);
      const auto hot = static_cast<std::uint32_t>(std::min<int>(p.hot, static_cast<int>(num_meters) - 1));
      const std::uint32_t idx = rng.chance(0.8) ? static_cast<std::uint32_t>(rng.between(1, hot))
                                                : static_cast<std::uint32_t>(rng.between(1, num_meters - 1));
      const auto len = static_cast<std::uint16_t>(rng.chance(0.95) ? rng.between(14, 1600) : rng.next());
      b.offer_req({static_cast<std::uint16_t>(idx), len, ts});
    }
    if (b.cmd_free() && rng.chance(p.p_cmd)) {
      Cmd cmd;
      cmd.now = ts;
      const auto r = rng.below(100);
      cmd.index = static_cast<std::uint16_t>(rng.between(1, num_meters - 1));
      cmd.rate = random_rate(rng);
      cmd.burst = random_burst(rng);
      if (r < 45) {
        cmd.op = kOpWrite;
      } else if (r < 85) {
        cmd.op = kOpRead;
      } else if (r < 93) {
        cmd.op = rng.chance(0.5) ? kOpWrite : kOpRead;
        const auto k = rng.below(3);
        cmd.index = static_cast<std::uint16_t>(k == 0 ? 0 : (k == 1 ? num_meters : rng.between(num_meters, 0xFFFF)));
      } else {
        const auto k = rng.below(3);
        cmd.op = k == 0 ? 0u : (k == 1 ? 3u : static_cast<std::uint32_t>(rng.next()) | 4u);
      }
      b.offer_cmd(cmd);
    }
    b.set_rsp_ready(rng.chance(p.p_rsp_ready));
    b.step();
  }
  b.set_rsp_ready(true);
  b.drain();
  // Final read of every meter.
  for (std::uint16_t m = 1; m < num_meters; ++m) b.read_and_check(m);
  EXPECT_GT(b.passes, 100u);
  EXPECT_GT(b.drops, 100u);
  EXPECT_GT(b.bads, 0u);
  EXPECT_GT(b.reads, 0u);
}

TEST(MeterBank, ZeroAfterReset) {
  Bench<Vmeter_bank_m16> b(16);
  for (std::uint16_t m = 1; m < 16; ++m) b.read_and_check(m);
  // An unconfigured meter drops everything but zero-length frames.
  b.offer_req({5, 1, 1000});
  b.drain();
  b.offer_req({5, 0, 5000});
  b.drain();
  EXPECT_EQ(b.drops, 1u);
  EXPECT_EQ(b.passes, 1u);
}

TEST(MeterBank, BadCommands) {
  Bench<Vmeter_bank_m12> b(12);
  for (const std::uint16_t idx : {std::uint16_t{0}, std::uint16_t{12}, std::uint16_t{15},
                                  std::uint16_t{16}, std::uint16_t{0xFFFF}}) {
    b.offer_cmd({.op = kOpWrite, .index = idx, .rate = 5, .burst = 6, .now = 0});
    b.drain();
    b.offer_cmd({.op = kOpRead, .index = idx});
    b.drain();
  }
  for (const std::uint32_t op : {0u, 3u, 4u, 0x80000001u, 0xFFFFFFFFu}) {
    b.offer_cmd({.op = op, .index = 3, .rate = 5, .burst = 6, .now = 0});
    b.drain();
  }
  EXPECT_EQ(b.bads, 15u);
  // Nothing changed: meter 3 and meter 11 (the last usable one) still zero; 11 is writable.
  b.read_and_check(3);
  b.offer_cmd({.op = kOpWrite, .index = 11, .rate = 7, .burst = 9, .now = 1u << 20});
  b.drain();
  b.read_and_check(11);
  EXPECT_EQ(b.oks, 3u);
}

// 1000 back-to-back requests, most to one meter: one accepted per clock, each result exactly
// LATENCY clocks later (the bench checks every clock).
TEST(MeterBank, OneRequestPerClock) {
  Prng rng(7);
  Bench<Vmeter_bank_m16> b(16);
  std::uint64_t ts = 1000;
  b.offer_cmd({.op = kOpWrite, .index = 1, .rate = 300, .burst = 3000, .now = ts});
  b.drain();
  b.offer_cmd({.op = kOpWrite, .index = 2, .rate = 50, .burst = 1000, .now = ts});
  b.drain();
  for (int n = 0; n < 1000; ++n) {
    ts += rng.below(200);
    b.offer_req({static_cast<std::uint16_t>(rng.chance(0.7) ? 1 : 2),
                 static_cast<std::uint16_t>(rng.between(60, 400)), ts});
    b.step();
  }
  b.drain();
  EXPECT_EQ(b.accepts, 1000u);
  EXPECT_EQ(b.last_accept - b.first_accept, 999u);
  EXPECT_GT(b.passes, 50u);
  EXPECT_GT(b.drops, 50u);
  b.read_and_check(1);
  b.read_and_check(2);
}

TEST(MeterBank, RandomBackToBack16) {
  random_run<Vmeter_bank_m16>(16, 1, 200000, {.p_req = 1.0, .p_cmd = 0.01, .p_rsp_ready = 0.5, .hot = 2});
}
TEST(MeterBank, RandomBackToBackOneHot) {
  random_run<Vmeter_bank_m16>(16, 2, 200000, {.p_req = 1.0, .p_cmd = 0.005, .p_rsp_ready = 0.7, .hot = 1});
}
TEST(MeterBank, RandomGaps16) {
  random_run<Vmeter_bank_m16>(16, 3, 200000, {.p_req = 0.5, .p_cmd = 0.01, .p_rsp_ready = 0.5, .hot = 3});
}
TEST(MeterBank, RandomSparse12) {
  random_run<Vmeter_bank_m12>(12, 4, 200000, {.p_req = 0.3, .p_cmd = 0.02, .p_rsp_ready = 0.3, .hot = 4});
}
TEST(MeterBank, RandomManyCommands12) {
  random_run<Vmeter_bank_m12>(12, 5, 100000, {.p_req = 0.9, .p_cmd = 0.1, .p_rsp_ready = 0.8, .hot = 2});
}

}  // namespace
}  // namespace nicsim::model
