// SPDX-License-Identifier: MIT
// rtl_mgmt: nic_mgmt (rtl/nic_mgmt.sv) with nic_regfile and nic_datapath (bench wrapper
// mgmt_tb_top.sv: 8 EM buckets = 64 entries, 16 TCAM rules, 8 meters, 256 encap templates,
// DATA_W 64), driven over AXI4-Lite with random stalls and the AxiLiteChecker on.
//   RegisterCommandsDifferential: random register programs (FT, TCAM, METER, ENCAP commands
//     with duplicates, a full table, bad handles and indices, unknown codes, commands written
//     while others run) applied to the RTL and to model::NicDevice; the result registers of
//     the block are compared after every program.
//   RingAndRegistersShareTables: the test plays fcmd_engine on the ring-side ports (random
//     delays and response back-pressure) while register commands run; every response must
//     reach its issuer with the status the issuer's own sequence implies, and the tables
//     must end holding both sets.
//   FrameHitsInsertedFlow: a flow inserted through FT_CMD and a TCAM rule are hit by frames
//     from the wire; FT_CMD QUERY / TCAM_CMD QUERY then read the counters the model reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "Vmgmt_tb_top.h"
#include "common/axil_driver.hpp"
#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "nicsim/model/action.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace {

namespace model = nicsim::model;
namespace R = nicsim::regs;

constexpr std::uint32_t kEmBuckets = 8;
constexpr std::uint32_t kTcamEntries = 16;
constexpr std::uint32_t kNumMeters = 8;
constexpr std::uint32_t kNumEncap = 256;
constexpr std::uint32_t kBusy = 1u << 31;

using Bytes = std::vector<std::uint8_t>;

NICSIM_AXIS_PORT(WireIn, s_axis_);
NICSIM_AXIS_PORT(WireOut, m_axis_);
NICSIM_VALID_READY_PORT(DescPort, m_desc_);

model::DeviceConfig device_config() {
  model::DeviceConfig c;
  c.pipeline.em_buckets = kEmBuckets;
  c.pipeline.tcam_entries = kTcamEntries;
  c.pipeline.num_meters = kNumMeters;
  c.pipeline.num_encap = kNumEncap;
  return c;
}

class Bench {
 public:
  explicit Bench(std::uint32_t seed)
      : h_({.name = "nic_mgmt"}), rng_(seed), dev_(device_config(), mem_), drv_(h_, rng_) {
    h_->m_axis_tready = 1;
    h_->m_desc_ready = 1;
    // The EM table, the meters and the encap templates sweep their RAMs after reset.
    h_.reset(4, kNumEncap + 16);
    dev_.write32(R::nic::CONTROL_ADDR, 1);  // ENABLE (the RTL wrapper ties it on)
  }

  nicsim::bench::Harness<Vmgmt_tb_top>& harness() { return h_; }
  Vmgmt_tb_top& m() { return h_.dut(); }
  model::NicDevice& dev() { return dev_; }
  std::mt19937& rng() { return rng_; }
  std::uint64_t cycle() const { return h_.cycle(); }
  unsigned rand(unsigned lo, unsigned hi) {
    return std::uniform_int_distribution<unsigned>(lo, hi)(rng_);
  }
  std::uint32_t rand32() { return static_cast<std::uint32_t>(rng_()); }

  // Every clock: on_drive sets inputs (after the outputs settled on this clock's other
  // inputs), on_sample sees the settled handshakes of the clock, before the edge.
  std::function<void()> on_drive;
  std::function<void()> on_sample;

  void step() { h_.tick(); }

  void axil_stalls(bool on) { drv_.set_stalls(on); }

  // Register access on the RTL only, or on both.
  void rtl_write(std::uint32_t a, std::uint32_t v) { drv_.write(a, v); }
  std::uint32_t rtl_read(std::uint32_t a) { return drv_.read(a); }
  void write(std::uint32_t a, std::uint32_t v) {
    drv_.write(a, v);
    dev_.write32(a, v);
  }

  // Waits until no register command runs or waits.
  void wait_idle() {
    for (int i = 0; i < 200; ++i) {
      if ((rtl_read(R::flow::FT_STATUS_ADDR) & kBusy) == 0 &&
          (rtl_read(R::tcam::TCAM_STATUS_ADDR) & kBusy) == 0 &&
          (rtl_read(R::actions::ACT_STATUS_ADDR) & kBusy) == 0)
        return;
    }
    ADD_FAILURE() << "register commands still busy at cycle " << h_.cycle();
  }

  // Compares the words [lo, hi) of the map, RTL against the model, in address order (so the
  // 64-bit _LO/_HI latch behaves alike).
  void compare(std::uint32_t lo, std::uint32_t hi, const char* what) {
    for (std::uint32_t a = lo; a < hi; a += 4) {
      const std::uint32_t exp = dev_.read32(a);
      const std::uint32_t got = rtl_read(a);
      EXPECT_EQ(got, exp) << what << ": register 0x" << std::hex << a << " at cycle " << std::dec
                          << h_.cycle();
      if (got != exp) ++mismatches_;
    }
  }
  unsigned mismatches() const { return mismatches_; }

 private:
  nicsim::bench::Harness<Vmgmt_tb_top> h_;
  std::mt19937 rng_;
  model::HostMemory mem_;
  model::NicDevice dev_;
  nicsim::bench::Hook hooks_{h_,
                             [this] {
                               if (!on_drive) return;
                               h_.settle();
                               on_drive();
                             },
                             [this] {
                               if (on_sample) on_sample();
                             }};
  nicsim::axi::AxiLiteDriver<Vmgmt_tb_top> drv_;
  unsigned mismatches_ = 0;
};

// Result registers of each block (from the command register to the end of the data arrays).
constexpr std::uint32_t kFlowLo = R::flow::FT_CMD_ADDR;
constexpr std::uint32_t kFlowHi = R::flow::FT_ACTION_ADDR + 4 * 16;
constexpr std::uint32_t kTcamLo = R::tcam::TCAM_CMD_ADDR;
constexpr std::uint32_t kTcamHi = R::tcam::TCAM_ACTION_ADDR + 4 * 16;
constexpr std::uint32_t kActLo = R::actions::ENCAP_CMD_ADDR;
constexpr std::uint32_t kActHi = R::actions::ENCAP_DATA_ADDR + 4 * 16;

std::uint32_t unknown_cmd(Bench& b, std::uint32_t max_valid) {
  switch (b.rand(0, 3)) {
    case 0: return 0;
    case 1: return max_valid + 1 + b.rand(0, 3);
    case 2: return 0x100u + b.rand(1, max_valid);  // low bits valid, upper bits not
    default: return b.rand32() | 0x10000u;
  }
}

TEST(RtlMgmt, RegisterCommandsDifferential) {
  Bench b(7);
  // Key pool: 80 keys for 64 entries (duplicates, a full table, deletes).
  std::vector<std::array<std::uint32_t, 11>> keys(80);
  for (auto& k : keys)
    for (auto& w : k) w = b.rand32();
  std::vector<std::uint32_t> handles{0xFFFFFFFFu, 63, 64, 1000};

  std::set<std::uint32_t> ft_seen, tcam_seen, act_seen;
  constexpr int kPrograms = 700;
  for (int p = 0; p < kPrograms; ++p) {
    const unsigned kind = b.rand(0, 99);
    const unsigned n_cmds = b.rand(0, 4) == 0 ? b.rand(2, 3) : 1;  // some commands back to back
    if (kind < 45) {
      // FT: operands, then one or more commands without waiting.
      const auto& k = keys[b.rand(0, static_cast<unsigned>(keys.size()) - 1)];
      for (unsigned i = 0; i < 11; ++i)
        if (b.rand(0, 3) != 0) b.write(R::flow::FT_KEY_ADDR + 4 * i, k[i]);
      if (b.rand(0, 2) == 0)
        for (unsigned i = 0; i < 16; ++i) b.write(R::flow::FT_ACTION_ADDR + 4 * i, b.rand32());
      if (b.rand(0, 2) == 0) {
        const std::uint32_t h = b.rand(0, 3) == 0 ? b.rand(0, 70)
                                                  : handles[b.rand(0, static_cast<unsigned>(handles.size()) - 1)];
        b.write(R::flow::FT_HANDLE_ADDR, h);
      }
      for (unsigned c = 0; c < n_cmds; ++c) {
        const unsigned r = b.rand(0, 99);
        std::uint32_t cmd = r < 40 ? 1 : r < 52 ? 2 : r < 64 ? 3 : r < 78 ? 4 : r < 92 ? 5
                                                                            : unknown_cmd(b, 5);
        b.write(R::flow::FT_CMD_ADDR, cmd);
      }
      b.wait_idle();
      handles.push_back(b.dev().read32(R::flow::FT_HANDLE_ADDR));
      ft_seen.insert(b.dev().read32(R::flow::FT_STATUS_ADDR));
      b.compare(kFlowLo, kFlowHi, "flow");
    } else if (kind < 75) {
      // TCAM.
      const std::uint32_t idx = b.rand(0, 9) == 0 ? (b.rand(0, 1) ? 0xFFFFFFFFu : 0x10001u)
                                                  : b.rand(0, kTcamEntries + 3);
      b.write(R::tcam::TCAM_INDEX_ADDR, idx);
      if (b.rand(0, 1) == 0) {
        b.write(R::tcam::TCAM_PRIO_ADDR, b.rand32());
        for (unsigned i = 0; i < 14; ++i) b.write(R::tcam::TCAM_VALUE_ADDR + 4 * i, b.rand32());
        for (unsigned i = 0; i < 14; ++i) b.write(R::tcam::TCAM_MASK_ADDR + 4 * i, b.rand32());
        for (unsigned i = 0; i < 16; ++i) b.write(R::tcam::TCAM_ACTION_ADDR + 4 * i, b.rand32());
      }
      for (unsigned c = 0; c < n_cmds; ++c) {
        const unsigned r = b.rand(0, 99);
        std::uint32_t cmd = r < 40 ? 1 : r < 55 ? 2 : r < 70 ? 3 : r < 90 ? 4 : unknown_cmd(b, 4);
        b.write(R::tcam::TCAM_CMD_ADDR, cmd);
      }
      b.wait_idle();
      tcam_seen.insert(b.dev().read32(R::tcam::TCAM_STATUS_ADDR));
      b.compare(kTcamLo, kTcamHi, "tcam");
    } else {
      // Meters and encap templates (one queue: ACT_STATUS is shared).
      for (unsigned c = 0; c < n_cmds; ++c) {
        const bool meter = b.rand(0, 1) == 0;
        const std::uint32_t n = meter ? kNumMeters : kNumEncap;
        const std::uint32_t idx = b.rand(0, 9) == 0 ? (b.rand(0, 1) ? 0xFFFFFFFFu : 0x10001u)
                                                    : b.rand(0, n + 1);
        const unsigned r = b.rand(0, 99);
        const std::uint32_t cmd = r < 45 ? 1 : r < 90 ? 2 : unknown_cmd(b, 2);
        if (meter) {
          b.write(R::actions::METER_INDEX_ADDR, idx);
          if (b.rand(0, 1)) b.write(R::actions::METER_RATE_ADDR, b.rand32());
          if (b.rand(0, 1)) b.write(R::actions::METER_BURST_ADDR, b.rand32());
          b.write(R::actions::METER_CMD_ADDR, cmd);
        } else {
          b.write(R::actions::ENCAP_INDEX_ADDR, idx);
          if (b.rand(0, 1))
            for (unsigned i = 0; i < 16; ++i)
              b.write(R::actions::ENCAP_DATA_ADDR + 4 * i, b.rand32());
          b.write(R::actions::ENCAP_CMD_ADDR, cmd);
        }
      }
      b.wait_idle();
      act_seen.insert(b.dev().read32(R::actions::ACT_STATUS_ADDR));
      b.compare(kActLo, kActHi, "actions");
    }
    if (b.mismatches() > 20) break;
  }
  // Every outcome occurred.
  EXPECT_EQ(ft_seen, (std::set<std::uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(tcam_seen, (std::set<std::uint32_t>{1, 4, 5}));
  EXPECT_EQ(act_seen, (std::set<std::uint32_t>{1, 5}));
  b.compare(kFlowLo, kActHi, "final");
}

// ---- ring master (plays fcmd_engine on nic_mgmt's s_ring_* ports) ----
struct RingCmd {
  bool tcam = false;
  unsigned op = 0;            // EM: 1 insert, 2 delete key, 3 delete handle; TCAM: 1 write, 2 clear
  std::array<std::uint8_t, 42> key{};
  Bytes action;               // 64 bytes
  std::uint32_t handle = 0;   // EM handle or TCAM index
  std::uint16_t prio = 0;
  Bytes value, mask;          // 56 bytes each
};

class RingMaster {
 public:
  explicit RingMaster(Bench& b) : b_(b) {}
  void push(RingCmd c) { q_.push_back(std::move(c)); }
  bool done() const { return q_.empty() && !busy_; }
  const std::vector<std::pair<unsigned, std::uint32_t>>& results() const { return res_; }
  unsigned stalled() const { return stalled_; }

  // Inputs of this clock.
  void drive() {
    auto& m = b_.m();
    if (!busy_ && !q_.empty() && b_.rand(0, 3) == 0) {
      cur_ = std::move(q_.front());
      q_.pop_front();
      busy_ = true;
      load(cur_);
    }
    m.s_ring_em_cmd_valid = busy_ && !accepted_ && !cur_.tcam;
    m.s_ring_tcam_cmd_valid = busy_ && !accepted_ && cur_.tcam;
    m.s_ring_em_rsp_ready = b_.rand(0, 2) == 0;
    m.s_ring_tcam_rsp_ready = b_.rand(0, 2) == 0;
  }
  // Handshakes of this clock (settled, before the edge).
  void sample() {
    auto& m = b_.m();
    if (!busy_) return;
    if (!accepted_) {
      const bool v = cur_.tcam ? m.s_ring_tcam_cmd_valid : m.s_ring_em_cmd_valid;
      const bool r = cur_.tcam ? m.s_ring_tcam_cmd_ready : m.s_ring_em_cmd_ready;
      if (v && r) accepted_ = true;
      if (v && !r) ++stalled_;
      return;
    }
    const bool v = cur_.tcam ? m.s_ring_tcam_rsp_valid : m.s_ring_em_rsp_valid;
    const bool r = cur_.tcam ? m.s_ring_tcam_rsp_ready : m.s_ring_em_rsp_ready;
    if (v && r) {
      res_.emplace_back(cur_.tcam ? m.s_ring_tcam_rsp_status : m.s_ring_em_rsp_status,
                        cur_.tcam ? 0u : m.s_ring_em_rsp_handle);
      busy_ = false;
      accepted_ = false;
    }
  }

 private:
  void load(const RingCmd& c) {
    auto& m = b_.m();
    if (!c.tcam) {
      m.s_ring_em_cmd_op = static_cast<CData>(c.op);
      nicsim::bench::put_bytes_msb(m.s_ring_em_cmd_key, 0, c.key);
      nicsim::bench::put_bytes(m.s_ring_em_cmd_action, 0, c.action);
      m.s_ring_em_cmd_handle = c.handle;
    } else {
      m.s_ring_tcam_cmd_op = c.op;
      m.s_ring_tcam_cmd_index = c.handle;
      m.s_ring_tcam_cmd_priority = c.prio;
      nicsim::bench::put_bytes_msb(m.s_ring_tcam_cmd_value, 0, c.value);
      nicsim::bench::put_bytes_msb(m.s_ring_tcam_cmd_mask, 0, c.mask);
      nicsim::bench::put_bytes(m.s_ring_tcam_cmd_action, 0, c.action);
    }
  }

  Bench& b_;
  std::deque<RingCmd> q_;
  RingCmd cur_;
  bool busy_ = false;
  bool accepted_ = false;
  unsigned stalled_ = 0;
  std::vector<std::pair<unsigned, std::uint32_t>> res_;
};

Bytes rand_bytes(Bench& b, std::size_t n) {
  Bytes v(n);
  for (auto& x : v) x = static_cast<std::uint8_t>(b.rand(0, 255));
  return v;
}

TEST(RtlMgmt, RingAndRegistersShareTables) {
  Bench b(11);
  RingMaster ring(b);
  b.on_drive = [&] { ring.drive(); };
  b.on_sample = [&] { ring.sample(); };

  // Ring: 10 keys inserted (one twice), 3 deleted by key, 1 deleted by a bad handle; TCAM
  // rules 8..15 written, 8..9 cleared, 10 cleared twice.
  std::vector<std::array<std::uint8_t, 42>> rkeys(10);
  for (auto& k : rkeys)
    for (auto& x : k) x = static_cast<std::uint8_t>(b.rand(0, 255));
  std::vector<unsigned> expect_ring;
  std::map<std::array<std::uint8_t, 42>, Bytes> ring_entries;
  for (unsigned i = 0; i < rkeys.size(); ++i) {
    RingCmd c;
    c.op = 1;
    c.key = rkeys[i];
    c.action = rand_bytes(b, 64);
    ring_entries[c.key] = c.action;
    ring.push(c);
    expect_ring.push_back(1);
  }
  {
    RingCmd c;
    c.op = 1;
    c.key = rkeys[0];
    c.action = rand_bytes(b, 64);
    ring.push(c);
    expect_ring.push_back(2);  // EXISTS
  }
  for (unsigned i = 0; i < 3; ++i) {
    RingCmd c;
    c.op = 2;
    c.key = rkeys[i];
    c.action = Bytes(64);
    ring_entries.erase(c.key);
    ring.push(c);
    expect_ring.push_back(1);
  }
  {
    RingCmd c;
    c.op = 3;
    c.handle = 5000;
    c.action = Bytes(64);
    ring.push(c);
    expect_ring.push_back(4);  // NOT_FOUND
  }
  std::map<unsigned, RingCmd> ring_rules;
  for (unsigned i = 8; i < 16; ++i) {
    RingCmd c;
    c.tcam = true;
    c.op = 1;
    c.handle = i;
    c.prio = static_cast<std::uint16_t>(b.rand(0, 0xFFFF));
    c.value = rand_bytes(b, 56);
    c.mask = rand_bytes(b, 56);
    c.action = rand_bytes(b, 64);
    ring_rules[i] = c;
    ring.push(c);
    expect_ring.push_back(1);
  }
  for (unsigned i : {8u, 9u, 10u, 10u}) {
    RingCmd c;
    c.tcam = true;
    c.op = 2;
    c.handle = i;
    c.action = Bytes(64);
    c.value = Bytes(56);
    c.mask = Bytes(56);
    expect_ring.push_back(ring_rules.erase(i) ? 1 : 4);
    ring.push(c);
  }

  // Registers, meanwhile: 10 other keys inserted, one re-inserted, two deleted by handle;
  // TCAM rules 0..7 written, rule 1 cleared. Applied to the model too (the ring's entries go
  // to the model afterwards, through the registers' view: FT_COUNT and READ by handle).
  std::vector<std::uint32_t> reg_handles;
  for (unsigned i = 0; i < 10; ++i) {
    for (unsigned w = 0; w < 11; ++w) b.write(R::flow::FT_KEY_ADDR + 4 * w, b.rand32());
    for (unsigned w = 0; w < 16; ++w) b.write(R::flow::FT_ACTION_ADDR + 4 * w, b.rand32());
    b.rtl_write(R::flow::FT_CMD_ADDR, 1);
    b.wait_idle();
    EXPECT_EQ(b.rtl_read(R::flow::FT_STATUS_ADDR), 1u) << "register insert " << i;
    reg_handles.push_back(b.rtl_read(R::flow::FT_HANDLE_ADDR));
    b.rtl_write(R::flow::FT_CMD_ADDR, 1);  // the same key again
    b.wait_idle();
    EXPECT_EQ(b.rtl_read(R::flow::FT_STATUS_ADDR), 2u) << "register re-insert " << i;
  }
  for (unsigned i : {2u, 7u}) {
    b.rtl_write(R::flow::FT_HANDLE_ADDR, reg_handles[i]);
    b.rtl_write(R::flow::FT_CMD_ADDR, 3);
    b.wait_idle();
    EXPECT_EQ(b.rtl_read(R::flow::FT_STATUS_ADDR), 1u) << "register delete " << i;
  }
  for (unsigned i = 0; i < 8; ++i) {
    b.rtl_write(R::tcam::TCAM_INDEX_ADDR, i);
    b.rtl_write(R::tcam::TCAM_VALUE_ADDR, b.rand32());
    b.rtl_write(R::tcam::TCAM_CMD_ADDR, 1);
    b.wait_idle();
    EXPECT_EQ(b.rtl_read(R::tcam::TCAM_STATUS_ADDR), 1u) << "register TCAM write " << i;
  }
  b.rtl_write(R::tcam::TCAM_INDEX_ADDR, 1);
  b.rtl_write(R::tcam::TCAM_CMD_ADDR, 2);
  b.wait_idle();
  EXPECT_EQ(b.rtl_read(R::tcam::TCAM_STATUS_ADDR), 1u);

  for (int i = 0; i < 20000 && !ring.done(); ++i) b.step();
  ASSERT_TRUE(ring.done()) << "ring commands left";
  b.on_drive = nullptr;
  b.on_sample = nullptr;
  ASSERT_EQ(ring.results().size(), expect_ring.size());
  for (std::size_t i = 0; i < expect_ring.size(); ++i)
    EXPECT_EQ(ring.results()[i].first, expect_ring[i]) << "ring command " << i;
  EXPECT_GT(ring.stalled(), 0u) << "the ring never waited for the arbiter";

  // Contents: every handle read through the registers; the ring's entries with their keys
  // and (normalised) actions, the registers' eight.
  b.wait_idle();
  EXPECT_EQ(b.rtl_read(R::flow::FT_COUNT_ADDR), ring_entries.size() + 8);
  unsigned ring_found = 0;
  for (std::uint32_t h = 0; h < 8 * kEmBuckets; ++h) {
    b.rtl_write(R::flow::FT_HANDLE_ADDR, h);
    b.rtl_write(R::flow::FT_CMD_ADDR, 5);
    b.wait_idle();
    if (b.rtl_read(R::flow::FT_STATUS_ADDR) != 1) continue;
    std::array<std::uint8_t, 42> k{};
    for (unsigned w = 0; w < 11; ++w) {
      const std::uint32_t v = b.rtl_read(R::flow::FT_KEY_ADDR + 4 * w);
      for (unsigned j = 0; j < 4; ++j)
        if (4 * w + j < 42) k[4 * w + j] = static_cast<std::uint8_t>(v >> (8 * j));
    }
    const auto it = ring_entries.find(k);
    if (it == ring_entries.end()) continue;
    ++ring_found;
    Bytes a = it->second;
    a[3] &= 0x03;  // ActionRecord::encode(decode()): flags bits 31:26 (25 is check_osrc, 24
                   // tcp_ctl_copy),
    a[62] = a[63] = 0;  // bytes 62..63
    for (unsigned w = 0; w < 16; ++w) {
      const std::uint32_t exp = a[4 * w] | (a[4 * w + 1] << 8) | (a[4 * w + 2] << 16) |
                                (std::uint32_t{a[4 * w + 3]} << 24);
      EXPECT_EQ(b.rtl_read(R::flow::FT_ACTION_ADDR + 4 * w), exp) << "handle " << h;
    }
  }
  EXPECT_EQ(ring_found, ring_entries.size());
  // TCAM: rules 0, 2..7 (registers) and 11..15 (ring) valid, 1, 8..10 not.
  for (std::uint32_t i = 0; i < kTcamEntries; ++i) {
    b.rtl_write(R::tcam::TCAM_INDEX_ADDR, i);
    b.rtl_write(R::tcam::TCAM_CMD_ADDR, 4);
    b.wait_idle();
    const bool valid = (i < 8 && i != 1) || i >= 11;
    ASSERT_EQ(b.rtl_read(R::tcam::TCAM_STATUS_ADDR), valid ? 1u : 4u) << "rule " << i;
    if (i < 11) continue;
    const RingCmd& c = ring_rules[i];
    EXPECT_EQ(b.rtl_read(R::tcam::TCAM_PRIO_ADDR), c.prio) << "rule " << i;
    for (unsigned w = 0; w < 14; ++w) {
      std::uint32_t v = 0, mk = 0;
      for (unsigned j = 0; j < 4; ++j) {
        v |= std::uint32_t{c.value[4 * w + j]} << (8 * j);
        mk |= std::uint32_t{c.mask[4 * w + j]} << (8 * j);
      }
      EXPECT_EQ(b.rtl_read(R::tcam::TCAM_VALUE_ADDR + 4 * w), v) << "rule " << i;
      EXPECT_EQ(b.rtl_read(R::tcam::TCAM_MASK_ADDR + 4 * w), mk) << "rule " << i;
    }
  }
}

// Commands written faster than they run wait in a 4-deep queue; one written with the queue
// full is not executed and sets OVERRUN (bit 30) until the next accepted command, so a lost
// command is never silent (FT_CMD here; TCAM_CMD and the ENCAP/METER queue use the same
// logic). A driver that waits for BUSY never sees it (the other tests).
TEST(RtlMgmt, CommandOverrunIsReported) {
  Bench b(77);
  constexpr std::uint32_t kOverrun = 1u << 30;
  b.axil_stalls(false);  // a write every 3 clocks
  b.rtl_write(R::flow::FT_HANDLE_ADDR, 0xFFFF'FFFFu);
  // The ring keeps the EM port busy (deletes of an absent key), so register commands get
  // every other EM slot and run slower than they are written.
  b.on_drive = [&b] {
    b.m().s_ring_em_cmd_valid = 1;
    b.m().s_ring_em_cmd_op = 2;
    b.m().s_ring_em_rsp_ready = 1;
  };
  for (int i = 0; i < 40; ++i) b.rtl_write(R::flow::FT_CMD_ADDR, 4);  // QUERY, not found
  const std::uint32_t st = b.rtl_read(R::flow::FT_STATUS_ADDR);
  EXPECT_NE(st & kOverrun, 0u) << std::hex << st;
  b.on_drive = [&b] { b.m().s_ring_em_cmd_valid = 0; };
  b.wait_idle();
  EXPECT_NE(b.rtl_read(R::flow::FT_STATUS_ADDR) & kOverrun, 0u);  // sticky until a command
  b.rtl_write(R::flow::FT_CMD_ADDR, 4);
  b.wait_idle();
  EXPECT_EQ(b.rtl_read(R::flow::FT_STATUS_ADDR), 4u);  // NOT_FOUND, not busy, no overrun
}

// A TCP/IPv4 frame of `len` bytes from source port `sport`.
Bytes tcp_frame(std::uint16_t sport, std::size_t len) {
  model::PacketBuilder pb;
  model::TcpSpec tcp;
  tcp.sport = sport;
  pb.eth().ipv4().tcp(tcp).payload_to(len);
  return pb.bytes();
}

// An EM flow for `key` with action `em` (FT_CMD INSERT) and TCAM rule 3 matching every key
// with action `tcam` (TCAM_CMD WRITE, value and mask 0), through the registers of both sides.
void install_flow_and_catch_all(Bench& b, const model::FlowKey& key,
                                const model::ActionRecord& em, const model::ActionRecord& tcam) {
  for (unsigned w = 0; w < 11; ++w) {
    std::uint32_t v = 0;
    for (unsigned j = 0; j < 4; ++j)
      if (4 * w + j < key.size()) v |= std::uint32_t{key[4 * w + j]} << (8 * j);
    b.write(R::flow::FT_KEY_ADDR + 4 * w, v);
  }
  const auto eb = em.encode();
  const auto tb = tcam.encode();
  auto word = [](const auto& bytes, unsigned w) {
    return bytes[4 * w] | (bytes[4 * w + 1] << 8) | (bytes[4 * w + 2] << 16) |
           (std::uint32_t{bytes[4 * w + 3]} << 24);
  };
  for (unsigned w = 0; w < 16; ++w) {
    b.write(R::flow::FT_ACTION_ADDR + 4 * w, word(eb, w));
    b.write(R::tcam::TCAM_ACTION_ADDR + 4 * w, word(tb, w));
  }
  b.write(R::flow::FT_CMD_ADDR, 1);
  b.write(R::tcam::TCAM_INDEX_ADDR, 3);
  b.write(R::tcam::TCAM_CMD_ADDR, 1);
  b.wait_idle();
  b.compare(kFlowLo, kFlowHi, "insert");
  b.compare(kTcamLo, kTcamHi, "tcam write");
}

// Wire input 0 and the outputs: the model gets each frame at the RTL's timestamp of its
// first beat.
struct WirePorts {
  explicit WirePorts(Bench& b) : in(b.harness()), out(b.harness()), desc(b.harness(), nullptr) {
    in.on_accept = [&b](const nicsim::bench::AxisFrame& f, std::size_t beat, bool) {
      if (beat != 0) return;
      b.dev().advance(b.m().now - b.dev().now());
      b.dev().wire_rx(f.data);
    };
  }
  // Every frame out as the model's wire output, in order.
  void expect_model_output(Bench& b, std::size_t frames) {
    ASSERT_EQ(out.frames().size(), frames);
    EXPECT_EQ(desc.handshakes(), frames);
    for (const nicsim::bench::AxisFrame& o : out.frames()) {
      const auto exp = b.dev().wire_tx();
      ASSERT_TRUE(exp.has_value());
      EXPECT_EQ(o.data, exp->data);
    }
  }
  nicsim::bench::AxisSource<Vmgmt_tb_top, WireIn> in;
  nicsim::bench::AxisMonitor<Vmgmt_tb_top, WireOut> out;
  nicsim::bench::ChannelSink<Vmgmt_tb_top, DescPort> desc;
};

TEST(RtlMgmt, FrameHitsInsertedFlow) {
  Bench b(3);
  // Run the clock past 2^16 so the last-seen timestamp (ts >> 16) is not zero.
  while (b.cycle() < 70000) b.step();
  b.dev().advance(b.m().now - b.dev().now());

  const Bytes f1 = tcp_frame(1111, 90);  // EM hit
  const Bytes f2 = tcp_frame(2222, 90);  // EM miss, TCAM hit (rule 3 matches everything)
  model::ActionRecord act;
  act.set_dest_type(model::ActionDest::kWire).set_dest_id(0);
  act.mark_value = 0x1234;
  act.flags |= model::ActionRecord::kMark;
  install_flow_and_catch_all(b, model::flow_key_of(f1, 0), act, act);

  // Send f1 twice and f2 once from the wire (back to back).
  WirePorts w(b);
  for (const Bytes* f : {&f1, &f2, &f1}) w.in.send(*f);
  while (!w.in.idle()) b.step();
  for (int i = 0; i < 400; ++i) b.step();
  w.expect_model_output(b, 3);

  // Counters through the registers: the EM entry (handle from the insert) and TCAM rule 3.
  b.write(R::flow::FT_CMD_ADDR, 4);
  b.write(R::tcam::TCAM_CMD_ADDR, 3);
  b.wait_idle();
  b.compare(kFlowLo, kFlowHi, "query");
  b.compare(kTcamLo, kTcamHi, "tcam query");
  EXPECT_EQ(b.rtl_read(R::flow::FT_PKTS_LO_ADDR), 2u);
  EXPECT_EQ(b.rtl_read(R::flow::FT_BYTES_LO_ADDR), 2 * f1.size());
  EXPECT_NE(b.rtl_read(R::flow::FT_LAST_SEEN_ADDR), 0u);
  EXPECT_EQ(b.rtl_read(R::tcam::TCAM_PKTS_LO_ADDR), 1u);
  EXPECT_EQ(b.rtl_read(R::tcam::TCAM_BYTES_LO_ADDR), f2.size());
}

// Templates past the old limits (63 templates; CAPS1's 7-bit field showed at most 128): WRITE
// and READ of indices 100, 200 and 255 through ENCAP_CMD, and frames encapsulated with
// templates 200 (EM hit) and 100 (TCAM hit) while ENCAP_CMD READs borrow the table's read
// port between them; outputs and registers as the model's.
TEST(RtlMgmt, TemplatesPastOldLimits) {
  Bench b(12);
  EXPECT_EQ(b.dev().read32(R::nic::CAPS3_ADDR), kNumEncap - 1);  // (the wrapper has no CAPS)

  auto put_template = [&b](unsigned index, const model::EncapTemplate& t) {
    const auto bytes = t.encode();
    for (unsigned w = 0; w < 16; ++w)
      b.write(R::actions::ENCAP_DATA_ADDR + 4 * w,
              bytes[4 * w] | (bytes[4 * w + 1] << 8) | (bytes[4 * w + 2] << 16) |
                  (std::uint32_t{bytes[4 * w + 3]} << 24));
    b.write(R::actions::ENCAP_INDEX_ADDR, index);
    b.write(R::actions::ENCAP_CMD_ADDR, 1);
    b.wait_idle();
    b.compare(kActLo, kActHi, "encap write");
  };
  auto read_template = [&b](unsigned index, const char* what) {
    b.write(R::actions::ENCAP_INDEX_ADDR, index);
    b.write(R::actions::ENCAP_CMD_ADDR, 2);
    b.wait_idle();
    EXPECT_EQ(b.rtl_read(R::actions::ACT_STATUS_ADDR), 1u) << what;
    b.compare(kActLo, kActHi, what);
  };
  model::EncapTemplate t4, t6;
  t4.dmac = {0x02, 0, 0, 0, 0, 0xA4};
  t4.smac = {0x02, 0, 0, 0, 0, 0xB4};
  t4.vni = 0x00C8C8;
  t4.ttl = 33;
  t4.sip[15] = 10;
  t4.dip[15] = 200;
  t6 = t4;
  t6.set_ipv6(true);
  t6.vlan_tci = 0x0123;
  t6.vni = 0x000064;
  for (std::size_t i = 0; i < 16; ++i) t6.dip[i] = static_cast<std::uint8_t>(0x20 + i);
  put_template(200, t4);
  put_template(100, t6);
  model::EncapTemplate t255 = t4;  // differs from both: a frame that got it would show
  t255.vni = 0xFFFF;
  t255.ttl = 5;
  put_template(255, t255);
  read_template(200, "read 200");
  read_template(100, "read 100");
  read_template(255, "read 255");
  read_template(254, "read 254 (never written: the default template)");

  const Bytes f1 = tcp_frame(1111, 60);  // EM hit: template 200
  const Bytes f2 = tcp_frame(2222, 60);  // TCAM hit: template 100
  model::ActionRecord em, tcam;
  em.set_dest_type(model::ActionDest::kWire).set_dest_id(0);
  em.flags |= model::ActionRecord::kEncap;
  tcam = em;
  em.encap_index = 200;
  tcam.encap_index = 100;
  install_flow_and_catch_all(b, model::flow_key_of(f1, 0), em, tcam);

  WirePorts w(b);
  constexpr unsigned kFrames = 60;
  for (unsigned i = 0; i < kFrames; ++i) w.in.send(i % 3 == 2 ? f2 : f1);
  // READs of a template no frame uses (255) while the frames flow, one every few clocks (the
  // RTL only; the model's READ is instant): each takes the read port for one clock, and a
  // frame whose read it displaced would carry the wrong headers.
  b.write(R::actions::ENCAP_INDEX_ADDR, 255);
  unsigned reads = 0;
  for (; !w.in.idle(); ++reads) b.rtl_write(R::actions::ENCAP_CMD_ADDR, 2);
  EXPECT_GT(reads, kFrames);
  read_template(255, "read after traffic");
  for (int i = 0; i < 600; ++i) b.step();
  w.expect_model_output(b, kFrames);
  for (const nicsim::bench::AxisFrame& o : w.out.frames()) {
    // Encapsulated: 50 bytes of outer IPv4 headers (template 200), 74 of IPv6 with a tag (100).
    EXPECT_TRUE(o.data.size() == f1.size() + 50 || o.data.size() == f1.size() + 74)
        << o.data.size();
  }
  b.compare(kActLo, kActHi, "after traffic");
}

}  // namespace
