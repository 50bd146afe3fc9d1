// SPDX-License-Identifier: MIT
// rtl/tcam.sv against the golden model::Tcam (spec 4.3), at TCAM_ENTRIES 16 and 64.
//
// The bench applies every handshake to the model in the order the RTL accepted it (a
// command executes at its s_cmd handshake, after every lookup accepted before it), and
// checks each m_result (hit, index, action) and m_rsp (status, counters, rule) against it.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "Vtcam_e16.h"
#include "Vtcam_e16_rule_rams.h"
#include "Vtcam_e256.h"
#include "Vtcam_e64.h"
#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "nicsim/model/action.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/tcam.hpp"

namespace {

using nicsim::model::ActionRecord;
using nicsim::model::kActionBytes;
using nicsim::model::kNoTcamIndex;
using nicsim::model::kTcamKeyBytes;
using nicsim::model::Prng;
using nicsim::model::Tcam;
using nicsim::model::TcamKey;
using Action = std::array<std::uint8_t, kActionBytes>;

constexpr std::uint8_t kOk = 1;
constexpr std::uint8_t kNotFound = 4;
constexpr std::uint8_t kBadCommand = 5;

// tcam_key_t: byte 0 is the most significant byte of the 448-bit vector.
template <class W>
TcamKey get_key(const W& w) {
  return nicsim::bench::get_bytes_msb<kTcamKeyBytes>(w, 0);
}
// action_t: byte i at bits [8i +: 8].
template <class W>
Action get_action(const W& w) {
  return nicsim::bench::get_bytes<kActionBytes>(w, 0);
}

struct Command {
  std::uint32_t op = 0;
  std::uint32_t index = 0;
  std::uint16_t priority = 0;
  TcamKey value{};
  TcamKey mask{};
  Action action{};
};

struct Expected {
  bool hit = false;
  std::uint16_t index = kNoTcamIndex;
  Action action{};
};

// Stimulus knobs of one run.
struct Traffic {
  double p_lookup = 0.8;               // a lookup is offered in a clock with none pending
  double p_cmd = 0.02;                 // a command is offered (when none is outstanding)
  std::vector<int> ready_pattern{1};   // m_result_ready, repeated; empty: random 3/4
  double p_rsp_ready = 0.7;
};

template <class V>
class Bench {
 public:
  Bench(std::uint32_t entries, std::uint64_t seed)
      : model_(entries), entries_(entries), rng_(seed), h_({.name = "tcam"}) {
    make_pool();
    h_.reset(4, 1);
  }

  Tcam& model() { return model_; }
  std::uint64_t cycles() const { return h_.cycle(); }
  std::uint64_t lookups() const { return lookups_; }
  std::uint64_t results() const { return results_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t commands() const { return commands_; }

  // ---- stimulus -------------------------------------------------------------------------
  TcamKey random_key() {
    TcamKey k = pool_[rng_.below(pool_.size())];
    if (rng_.chance(0.05)) {
      for (auto& b : k) b = static_cast<std::uint8_t>(rng_.next());
      return k;
    }
    const auto flips = rng_.below(4);
    for (std::uint64_t i = 0; i < flips; ++i)
      k[rng_.below(kTcamKeyBytes)] = static_cast<std::uint8_t>(rng_.next());
    return k;
  }
  Command random_write(std::uint32_t index) {
    Command c;
    c.op = 1;
    c.index = index;
    c.priority = static_cast<std::uint16_t>(rng_.chance(0.1) ? rng_.next() : rng_.below(6));
    c.value = random_key();
    // Share of cared-for bytes: 5..95 %, or a rare catch-all.
    const double p_care =
        rng_.chance(0.01) ? 0.0 : 0.05 + 0.3 * static_cast<double>(rng_.below(4));
    for (std::size_t i = 0; i < kTcamKeyBytes; ++i) {
      if (!rng_.chance(p_care)) continue;
      c.mask[i] = rng_.chance(0.75) ? 0xFF : static_cast<std::uint8_t>(rng_.next());
    }
    // Don't-care value bits are random: the RTL must mask them (and READ return them raw).
    for (std::size_t i = 0; i < kTcamKeyBytes; ++i)
      if (rng_.chance(0.2)) c.value[i] = static_cast<std::uint8_t>(rng_.next());
    for (auto& b : c.action) b = static_cast<std::uint8_t>(rng_.next());  // incl. reserved
    return c;
  }
  Command random_command() {
    const auto r = rng_.below(100);
    // Above 64 entries, every (entries/64)th index: at most 64 rules whatever the table's
    // size, so that keys still miss (RandomDifferential), over the whole index range.
    const std::uint32_t step = entries_ > 64 ? entries_ / 64 : 1;
    const auto index = static_cast<std::uint32_t>(
        rng_.chance(0.05) ? entries_ + rng_.below(3) : rng_.below(entries_ / step) * step);
    if (r < 45) return random_write(index);
    Command c;
    c.index = index;
    if (r < 65) c.op = 2;
    else if (r < 82) c.op = 3;
    else if (r < 97) c.op = 4;
    else c.op = std::array<std::uint32_t, 3>{0, 5, 0x101}[rng_.below(3)];
    if (rng_.chance(0.02)) c.index = 0x80000000u | c.index;
    return c;
  }

  void queue_command(const Command& c) { cmd_queue_.push_back(c); }
  void queue_lookup(const TcamKey& k, std::uint32_t len) { lookup_queue_.push_back({k, len}); }

  // ---- one clock ------------------------------------------------------------------------
  void step(const Traffic& t) {
    // Inputs of this clock (held while valid and not accepted).
    if (!lookup_pending_) {
      if (!lookup_queue_.empty()) {
        pending_key_ = lookup_queue_.front().first;
        pending_len_ = lookup_queue_.front().second;
        lookup_queue_.pop_front();
        lookup_pending_ = true;
      } else if (auto_lookups_ && rng_.chance(t.p_lookup)) {
        pending_key_ = random_key();
        pending_len_ = static_cast<std::uint32_t>(rng_.between(60, 9600));
        lookup_pending_ = true;
      }
      if (lookup_pending_) {
        nicsim::bench::put_bytes_msb(h_->s_lookup_key, 0, pending_key_);
        h_->s_lookup_len = static_cast<std::uint16_t>(pending_len_);
      }
    }
    h_->s_lookup_valid = lookup_pending_;
    if (!cmd_pending_ && !rsp_outstanding_) {
      std::optional<Command> c;
      if (!cmd_queue_.empty()) {
        c = cmd_queue_.front();
        cmd_queue_.pop_front();
      } else if (auto_commands_ && rng_.chance(t.p_cmd)) {
        c = random_command();
      }
      if (c) {
        pending_cmd_ = *c;
        cmd_pending_ = true;
        h_->s_cmd_op = c->op;
        h_->s_cmd_index = c->index;
        h_->s_cmd_priority = c->priority;
        nicsim::bench::put_bytes_msb(h_->s_cmd_value, 0, c->value);
        nicsim::bench::put_bytes_msb(h_->s_cmd_mask, 0, c->mask);
        nicsim::bench::put_bytes(h_->s_cmd_action, 0, c->action);
      }
    }
    h_->s_cmd_valid = cmd_pending_;
    if (t.ready_pattern.empty())
      h_->m_result_ready = rng_.chance(0.75);
    else
      h_->m_result_ready = t.ready_pattern[h_.cycle() % t.ready_pattern.size()] != 0;
    h_->m_rsp_ready = rng_.chance(t.p_rsp_ready);
    h_.settle();

    // Handshakes of this clock, in the RTL's order.
    const bool lookup_fire = h_->s_lookup_valid && h_->s_lookup_ready;
    const bool cmd_fire = h_->s_cmd_valid && h_->s_cmd_ready;
    const bool res_fire = h_->m_result_valid && h_->m_result_ready;
    const bool rsp_fire = h_->m_rsp_valid && h_->m_rsp_ready;
    ASSERT_FALSE(lookup_fire && cmd_fire) << "cycle " << h_.cycle();
    if (res_fire) check_result();
    if (rsp_fire) check_response();
    if (lookup_fire) apply_lookup();
    if (cmd_fire) apply_command();
    if (lookup_fire) {
      if (first_fire_ == 0) first_fire_ = h_.cycle();
      last_fire_ = h_.cycle();
    }
    h_.rise();
  }

  // Runs until every queued lookup and command has been answered.
  void drain(const Traffic& t, std::uint64_t limit = 100000) {
    const bool al = auto_lookups_, ac = auto_commands_;
    auto_lookups_ = auto_commands_ = false;
    for (std::uint64_t i = 0; i < limit; ++i) {
      if (!lookup_pending_ && !cmd_pending_ && !rsp_outstanding_ && lookup_queue_.empty() &&
          cmd_queue_.empty() && expected_.empty())
        break;
      step(t);
      if (::testing::Test::HasFatalFailure()) return;
    }
    ASSERT_TRUE(expected_.empty() && !rsp_outstanding_) << "no progress: pipeline hung";
    auto_lookups_ = al;
    auto_commands_ = ac;
  }
  void run(const Traffic& t, std::uint64_t n) {
    for (std::uint64_t i = 0; i < n && !::testing::Test::HasFatalFailure(); ++i) step(t);
  }
  void set_auto(bool lookups, bool commands) {
    auto_lookups_ = lookups;
    auto_commands_ = commands;
  }
  // Clocks between the first and the last accepted lookup of the run, inclusive.
  void reset_fire_window() { first_fire_ = last_fire_ = 0; }
  std::uint64_t fire_window() const { return last_fire_ - first_fire_ + 1; }
  std::uint8_t last_status() const { return last_status_; }

  // A command, run alone to its response; returns the status.
  std::uint8_t command(const Command& c, const Traffic& t = {}) {
    queue_command(c);
    drain(t);
    return last_status_;
  }

  // QUERY of every rule (compares each valid rule's counters with the model).
  void query_all(const Traffic& t = {}) {
    for (std::uint32_t i = 0; i < entries_; ++i) {
      Command c;
      c.op = 3;
      c.index = i;
      queue_command(c);
    }
    drain(t);
  }

  V& top() { return h_.dut(); }

 private:
  void make_pool() {
    for (auto& k : pool_)
      for (auto& b : k) b = static_cast<std::uint8_t>(rng_.below(4));  // small alphabet
  }

  void apply_lookup() {
    Expected e;
    const std::uint16_t i = model_.lookup(pending_key_);
    if (i != kNoTcamIndex) {
      model_.hit(i, pending_len_);
      e.hit = true;
      e.index = i;
      e.action = model_.rule(i).action.encode();
      ++hits_;
    }
    expected_.push_back(e);
    lookup_pending_ = false;
    ++lookups_;
  }

  // Mirrors NicDevice::tcam_command (model/src/device/nic_device_datapath.cpp).
  void apply_command() {
    const Command& c = pending_cmd_;
    std::uint8_t s = kOk;
    if (c.op < 1 || c.op > 4 || c.index >= model_.size()) {
      s = kBadCommand;
    } else if (c.op == 1) {
      model_.write(c.index, c.priority, c.value, c.mask,
                   ActionRecord::decode(std::span<const std::uint8_t, kActionBytes>(c.action)));
    } else if (!model_.rule(c.index).valid) {
      s = kNotFound;
    } else if (c.op == 2) {
      model_.clear(c.index);
    } else if (c.op == 3) {
      exp_pkts_ = model_.rule(c.index).pkts;
      exp_bytes_ = model_.rule(c.index).bytes;
    } else {
      const auto& r = model_.rule(c.index);
      exp_rule_ = {r.priority, r.value, r.mask, r.action.encode()};
    }
    exp_status_ = s;
    cmd_pending_ = false;
    rsp_outstanding_ = true;
    ++commands_;
  }

  void check_result() {
    ASSERT_FALSE(expected_.empty()) << "result without a lookup, cycle " << h_.cycle();
    const Expected e = expected_.front();
    expected_.pop_front();
    const auto n = results_++;
    ASSERT_EQ(h_->m_result_hit != 0, e.hit) << "result " << n << " cycle " << h_.cycle();
    ASSERT_EQ(h_->m_result_index, e.index) << "result " << n << " cycle " << h_.cycle();
    ASSERT_EQ(get_action(h_->m_result_action), e.action) << "result " << n;
  }

  void check_response() {
    ASSERT_TRUE(rsp_outstanding_) << "response without a command, cycle " << h_.cycle();
    rsp_outstanding_ = false;
    last_status_ = h_->m_rsp_status;
    const Command& c = pending_cmd_;
    ASSERT_EQ(h_->m_rsp_status, exp_status_) << "op " << c.op << " index " << c.index;
    if (exp_pkts_) {
      ASSERT_EQ(h_->m_rsp_pkts, *exp_pkts_) << "QUERY " << c.index;
      ASSERT_EQ(h_->m_rsp_bytes, *exp_bytes_) << "QUERY " << c.index;
    }
    if (exp_rule_) {
      ASSERT_EQ(h_->m_rsp_priority, exp_rule_->prio) << "READ " << c.index;
      ASSERT_EQ(get_key(h_->m_rsp_value), exp_rule_->value) << "READ " << c.index;
      ASSERT_EQ(get_key(h_->m_rsp_mask), exp_rule_->mask) << "READ " << c.index;
      ASSERT_EQ(get_action(h_->m_rsp_action), exp_rule_->action) << "READ " << c.index;
    }
  }

  struct RuleView {
    std::uint16_t prio;
    TcamKey value;
    TcamKey mask;
    Action action;
  };

  Tcam model_;
  std::uint32_t entries_;
  Prng rng_;
  nicsim::bench::Harness<V> h_;
  std::array<TcamKey, 6> pool_{};
  std::uint64_t lookups_ = 0;
  std::uint64_t results_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t commands_ = 0;
  std::uint64_t first_fire_ = 0;
  std::uint64_t last_fire_ = 0;
  bool auto_lookups_ = false;
  bool auto_commands_ = false;

  std::deque<std::pair<TcamKey, std::uint32_t>> lookup_queue_;
  std::deque<Command> cmd_queue_;
  bool lookup_pending_ = false;
  TcamKey pending_key_{};
  std::uint32_t pending_len_ = 0;
  bool cmd_pending_ = false;
  Command pending_cmd_;
  bool rsp_outstanding_ = false;
  std::deque<Expected> expected_;
  std::uint8_t exp_status_ = 0;
  std::uint8_t last_status_ = 0;
  // The response registers hold their last values: known once an OK QUERY / READ loaded them.
  std::optional<std::uint64_t> exp_pkts_;
  std::optional<std::uint64_t> exp_bytes_;
  std::optional<RuleView> exp_rule_;
};

template <class V, std::uint32_t E>
struct Size {
  using Top = V;
  static constexpr std::uint32_t kEntries = E;
  static constexpr std::uint32_t kLatency = 4 + std::bit_width(E - 1);  // 4 + log2(entries)
};

template <class S>
class TcamTest : public ::testing::Test {
 protected:
  using B = Bench<typename S::Top>;
  static B* make(std::uint64_t seed) { return new B(S::kEntries, seed); }
};

using Sizes = ::testing::Types<Size<Vtcam_e16, 16>, Size<Vtcam_e64, 64>, Size<Vtcam_e256, 256>,
                               Size<Vtcam_e16_rule_rams, 16>>;
TYPED_TEST_SUITE(TcamTest, Sizes);

Command write_cmd(std::uint32_t index, std::uint16_t prio, const TcamKey& value,
                  const TcamKey& mask, std::uint8_t tag) {
  Command c;
  c.op = 1;
  c.index = index;
  c.priority = prio;
  c.value = value;
  c.mask = mask;
  ActionRecord a;
  a.set_dest_type(nicsim::model::ActionDest::kWire).set_dest_id(tag);
  a.mark_value = tag;
  c.action = a.encode();
  return c;
}

TYPED_TEST(TcamTest, RandomDifferential) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    std::unique_ptr<typename TestFixture::B> b(TestFixture::make(seed));
    // At most 48 rules (3 of 4 indices up to 64; above, spread over the whole table): with
    // more, some random rule matches every key and the misses go untested.
    const std::uint32_t step = TypeParam::kEntries > 64 ? TypeParam::kEntries / 64 : 1;
    for (std::uint32_t i = 0; i < TypeParam::kEntries; i += step)
      if ((i / step) % 4 != 3) b->queue_command(b->random_write(i));
    b->drain({});
    ASSERT_FALSE(this->HasFatalFailure());
    Traffic t;
    t.ready_pattern.clear();  // random 3/4
    b->set_auto(true, true);
    b->run(t, 60000);
    ASSERT_FALSE(this->HasFatalFailure());
    b->drain(t);
    b->query_all(t);
    ASSERT_FALSE(this->HasFatalFailure());
    EXPECT_GT(b->hits(), b->lookups() / 4) << "keys should hit often";
    EXPECT_LT(b->hits(), b->lookups()) << "and miss sometimes";
    EXPECT_GT(b->commands(), 400u);
    EXPECT_EQ(b->results(), b->lookups());
  }
}

// Ready/valid patterns on both sides: output 1,1,1,0 / 0,1 / 1,0,0,0 and sparse input.
TYPED_TEST(TcamTest, BackpressureAndIdle) {
  const std::vector<std::vector<int>> patterns{{1, 1, 1, 0}, {0, 1}, {1, 0, 0, 0}, {0}, {1}};
  std::uint64_t seed = 10;
  for (const auto& pat : patterns) {
    for (double p_in : {1.0, 0.3}) {
      std::unique_ptr<typename TestFixture::B> b(TestFixture::make(seed++));
      for (std::uint32_t i = 0; i < TypeParam::kEntries; i += 2)
        b->queue_command(b->random_write(i));
      b->drain({});
      Traffic t;
      t.ready_pattern = pat;
      t.p_lookup = p_in;
      t.p_cmd = 0.01;
      b->set_auto(true, true);
      b->run(t, 3000);
      ASSERT_FALSE(this->HasFatalFailure());
      if (pat == std::vector<int>{0}) {  // never ready: the credits stop the input
        EXPECT_EQ(b->results(), 0u);
        EXPECT_LE(b->lookups(), 16u);
        EXPECT_GE(b->lookups(), TypeParam::kLatency);
      }
      t.ready_pattern = {1};
      b->drain(t);
      b->query_all(t);
      ASSERT_FALSE(this->HasFatalFailure());
      EXPECT_EQ(b->results(), b->lookups());
    }
  }
}

// One lookup per clock sustained (every clock accepted) with back-to-back hits on one rule,
// whose counters must still add up (the counter write is forwarded).
TYPED_TEST(TcamTest, OneLookupPerClock) {
  std::unique_ptr<typename TestFixture::B> b(TestFixture::make(77));
  const TcamKey zero{};
  TcamKey key{};
  key[0] = 3;
  TcamKey mask{};
  mask[0] = 0xFF;
  b->command(write_cmd(5, 2, zero, zero, 1));   // catch-all
  b->command(write_cmd(9, 1, key, mask, 2));    // key[0] == 3, wins
  b->command(write_cmd(12, 1, key, mask, 3));   // same priority, higher index: never wins
  ASSERT_FALSE(this->HasFatalFailure());
  constexpr std::uint32_t kN = 4000;
  Prng r(5);
  for (std::uint32_t i = 0; i < kN; ++i) {
    TcamKey k{};
    k[0] = static_cast<std::uint8_t>(r.chance(0.7) ? 3 : r.below(8));
    k[30] = static_cast<std::uint8_t>(r.next());
    b->queue_lookup(k, 64 + static_cast<std::uint32_t>(r.below(1500)));
  }
  b->reset_fire_window();
  const std::uint64_t c0 = b->cycles();
  b->drain({});
  ASSERT_FALSE(this->HasFatalFailure());
  const double rate = static_cast<double>(kN) / static_cast<double>(b->fire_window());
  std::printf("rtl_tcam_lookups_per_clock %.4f (TCAM_ENTRIES=%u, %u lookups in %llu clocks, "
              "%llu clocks to drain)\n", rate, TypeParam::kEntries, kN,
              static_cast<unsigned long long>(b->fire_window()),
              static_cast<unsigned long long>(b->cycles() - c0));
  EXPECT_EQ(b->fire_window(), kN) << "one lookup per clock";
  EXPECT_EQ(b->cycles() - c0, kN + TypeParam::kLatency);
  b->query_all();
  ASSERT_FALSE(this->HasFatalFailure());
  EXPECT_GT(b->model().rule(9).pkts, kN / 2);
  EXPECT_EQ(b->model().rule(12).pkts, 0u);
}

// Fixed latency LATENCY = 4 + log2(TCAM_ENTRIES) from the s_lookup handshake to m_result_valid.
TYPED_TEST(TcamTest, FixedLatency) {
  std::unique_ptr<typename TestFixture::B> b(TestFixture::make(3));
  auto& top = b->top();
  const TcamKey zero{};
  b->command(write_cmd(0, 0, zero, zero, 7));
  for (int n = 0; n < 3; ++n) {
    b->queue_lookup(zero, 100);
    Traffic t;
    t.p_lookup = 0;
    std::uint64_t fire = 0, valid = 0;
    for (int i = 0; i < 40; ++i) {
      const std::uint64_t before = b->lookups();
      b->step(t);
      if (b->lookups() != before) fire = b->cycles() - 1;
      if (top.m_result_valid && valid == 0 && fire != 0) valid = b->cycles();
    }
    ASSERT_NE(fire, 0u);
    EXPECT_EQ(valid - fire, TypeParam::kLatency);
  }
}

TYPED_TEST(TcamTest, StatusCodesAndReadBack) {
  std::unique_ptr<typename TestFixture::B> b(TestFixture::make(4));
  const std::uint32_t n = TypeParam::kEntries;
  Command c;
  for (std::uint32_t op : {3u, 4u, 2u}) {  // unwritten rule
    c.op = op;
    c.index = 1;
    EXPECT_EQ(b->command(c), kNotFound) << op;
  }
  for (std::uint32_t op : {0u, 5u, 6u, 0x101u, 0xFFFFFFFFu}) {
    c.op = op;
    c.index = 1;
    EXPECT_EQ(b->command(c), kBadCommand) << op;
  }
  for (std::uint32_t op : {1u, 2u, 3u, 4u}) {
    c.op = op;
    c.index = n;
    EXPECT_EQ(b->command(c), kBadCommand) << op;
    c.index = 0xFFFFFFFFu;
    EXPECT_EQ(b->command(c), kBadCommand) << op;
  }
  Command w = b->random_write(n - 1);
  for (auto& x : w.action) x = 0xFF;  // reserved bytes read back as zero
  EXPECT_EQ(b->command(w), kOk);
  c.op = 4;
  c.index = n - 1;
  EXPECT_EQ(b->command(c), kOk);  // READ compared in the bench
  // flags 31:26 reserved, 25 check_osrc, 24 tcp_ctl_copy
  EXPECT_EQ(get_action(b->top().m_rsp_action)[3], 0x03);
  EXPECT_EQ(get_action(b->top().m_rsp_action)[62], 0);
  EXPECT_EQ(get_action(b->top().m_rsp_action)[61], 0xFF);
  c.op = 2;
  EXPECT_EQ(b->command(c), kOk);
  EXPECT_EQ(b->command(c), kNotFound);
  c.op = 3;
  EXPECT_EQ(b->command(c), kNotFound);
}

// Priority: lower value wins; equal priority: lower index; rewrites and clears take effect
// for the next lookup; a rewrite zeroes the counters.
TYPED_TEST(TcamTest, PriorityTiesRewriteClear) {
  std::unique_ptr<typename TestFixture::B> b(TestFixture::make(6));
  auto& top = b->top();
  const TcamKey zero{};
  TcamKey key{};
  key[10] = 0x5A;
  TcamKey m{};
  m[10] = 0xFF;
  const std::uint32_t hi = TypeParam::kEntries - 1;
  b->command(write_cmd(hi, 3, zero, zero, 1));
  b->command(write_cmd(7, 3, key, m, 2));
  b->command(write_cmd(4, 3, key, m, 3));  // tie with 7: index 4 wins
  std::uint16_t last = 0;
  auto look = [&](const TcamKey& k) {
    b->queue_lookup(k, 100);
    for (int i = 0; i < 40; ++i) {
      if (top.m_result_valid) last = top.m_result_index;
      b->step({});
    }
    return last;
  };
  EXPECT_EQ(look(key), 4);
  EXPECT_EQ(look(zero), hi);
  b->command(write_cmd(hi, 2, zero, zero, 1));  // lower priority value: catch-all wins
  EXPECT_EQ(look(key), hi);
  Command c;
  c.op = 2;
  c.index = hi;
  b->command(c);
  EXPECT_EQ(look(key), 4);
  c.index = 4;
  b->command(c);
  EXPECT_EQ(look(key), 7);
  c.index = 7;
  b->command(c);
  EXPECT_EQ(look(key), kNoTcamIndex);
  b->command(write_cmd(7, 0, key, m, 2));  // rewritten: counters zeroed
  EXPECT_EQ(look(key), 7);
  b->query_all();
  EXPECT_EQ(b->model().rule(7).pkts, 1u);
  ASSERT_FALSE(this->HasFatalFailure());
}

}  // namespace
