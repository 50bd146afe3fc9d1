// SPDX-License-Identifier: MIT
// Cycle-level harness around a Verilated nic_datapath (rtl/nic_datapath.sv): drives the ingress
// streams with idle cycles, applies back-pressure to m_axis / m_desc, programs the tables
// through the management ports, and collects what leaves. The golden model (model::Pipeline)
// is fed the same frames in ingress order with the RTL's ingress timestamps; differential
// tests compare the two output sequences and the counters.
#pragma once

#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <type_traits>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::rtl_dp {

using Bytes = std::vector<std::uint8_t>;
using model::ActionRecord;
using model::Prng;

// ---- bit access to Verilator signals (integral types or VlWide) ----
template <class T>
void put_bits(T& w, std::size_t lo, std::size_t n, std::uint64_t v) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t b = lo + i;
    const std::uint64_t bit = (v >> i) & 1u;
    if constexpr (std::is_integral_v<T>) {
      if (bit != 0)
        w = static_cast<T>(w | (T{1} << b));
      else
        w = static_cast<T>(w & ~(T{1} << b));
    } else {
      if (bit != 0)
        w[b / 32] |= (1u << (b % 32));
      else
        w[b / 32] &= ~(1u << (b % 32));
    }
  }
}
template <class T>
std::uint64_t get_bits(const T& w, std::size_t lo, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t b = lo + i;
    std::uint64_t bit = 0;
    if constexpr (std::is_integral_v<T>)
      bit = (static_cast<std::uint64_t>(w) >> b) & 1u;
    else
      bit = (w[b / 32] >> (b % 32)) & 1u;
    v |= bit << i;
  }
  return v;
}
// Byte-wise (fast path for whole bytes at byte-aligned positions).
template <class T>
void put_byte(T& w, std::size_t bit_lo, std::uint8_t v) {
  if constexpr (std::is_integral_v<T>) {
    put_bits(w, bit_lo, 8, v);
  } else {
    std::uint32_t& word = w[bit_lo / 32];
    const unsigned sh = bit_lo % 32;
    word = (word & ~(0xFFu << sh)) | (std::uint32_t{v} << sh);
  }
}
template <class T>
std::uint8_t get_byte(const T& w, std::size_t bit_lo) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<std::uint8_t>(static_cast<std::uint64_t>(w) >> bit_lo);
  else
    return static_cast<std::uint8_t>(w[bit_lo / 32] >> (bit_lo % 32));
}
// Keys: byte 0 is the most significant byte of the field. Actions/templates: byte i at 8*i.
template <class T>
void put_key(T& w, const std::uint8_t* k, std::size_t nbytes) {
  for (std::size_t i = 0; i < nbytes; ++i) put_byte(w, 8 * (nbytes - 1 - i), k[i]);
}
template <class T>
void put_le_bytes(T& w, const std::uint8_t* a, std::size_t nbytes) {
  for (std::size_t i = 0; i < nbytes; ++i) put_byte(w, 8 * i, a[i]);
}

// ---- nic_pkg::dp_desc_t (packed, first field most significant) ----
struct Desc {
  unsigned dest = 0;
  unsigned port = 0;
  unsigned reason = 0;
  bool parse_err = false;
  bool mark_valid = false;
  std::uint32_t mark = 0;
  std::uint16_t tcam_index = 0;
  std::uint32_t h1 = 0;
  unsigned src_vport = 0;
  std::uint64_t ts = 0;
  std::uint16_t len = 0;
  bool operator==(const Desc&) const = default;
};
inline constexpr std::size_t kDescBits = 2 + 8 + 3 + 1 + 1 + 32 + 16 + 32 + 8 + 64 + 16;

template <class T>
Desc decode_desc(const T& w) {
  Desc d;
  d.len = static_cast<std::uint16_t>(get_bits(w, 0, 16));
  d.ts = get_bits(w, 16, 64);
  d.src_vport = static_cast<unsigned>(get_bits(w, 80, 8));
  d.h1 = static_cast<std::uint32_t>(get_bits(w, 88, 32));
  d.tcam_index = static_cast<std::uint16_t>(get_bits(w, 120, 16));
  d.mark = static_cast<std::uint32_t>(get_bits(w, 136, 32));
  d.mark_valid = get_bits(w, 168, 1) != 0;
  d.parse_err = get_bits(w, 169, 1) != 0;
  d.reason = static_cast<unsigned>(get_bits(w, 170, 3));
  d.port = static_cast<unsigned>(get_bits(w, 173, 8));
  d.dest = static_cast<unsigned>(get_bits(w, 181, 2));
  return d;
}

inline std::string describe(const Desc& d) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "dest %u port %u reason %u perr %d mark %d/%08x tcam %u h1 %08x src %u ts %llu "
                "len %u",
                d.dest, d.port, d.reason, d.parse_err ? 1 : 0, d.mark_valid ? 1 : 0, d.mark,
                d.tcam_index, d.h1, d.src_vport, static_cast<unsigned long long>(d.ts), d.len);
  return buf;
}

// ---- nic_pkg::dp_counters_t: 18 × 64 bits, first field most significant ----
enum Ctr : std::size_t {
  kRxWireFrames, kRxWireBytes, kTxFrames, kTxBytes, kWireDiscard, kEmHit, kTcamHit, kMiss,
  kOutWire, kOutVnic, kOutException, kLoopback, kMirror, kDropParse, kDropFlow, kDropMeter,
  kDropBadAction, kDropMtu, kCtrCount
};
inline constexpr const char* kCtrNames[kCtrCount] = {
    "rx_wire_frames", "rx_wire_bytes", "tx_frames", "tx_bytes", "wire_discard", "em_hit",
    "tcam_hit", "miss", "out_wire", "out_vnic", "out_exception", "loopback", "mirror",
    "drop_parse_error", "drop_flow", "drop_meter", "drop_bad_action", "drop_mtu"};

using Counters = std::array<std::uint64_t, kCtrCount>;

inline Counters model_counters(const model::PipelineCounters& c) {
  using model::DropReason;
  return {c.rx_wire_frames, c.rx_wire_bytes, c.tx_frames, c.tx_bytes, 0, c.em_hits,
          c.tcam_hits, c.misses, c.out_wire, c.out_vnic, c.out_exception, c.loopback, c.mirror,
          c.drop(DropReason::kParseError), c.drop(DropReason::kFlowDrop),
          c.drop(DropReason::kMeter), c.drop(DropReason::kBadAction), c.drop(DropReason::kMtu)};
}

/// One frame that left the datapath.
struct OutFrame {
  Desc desc;
  Bytes bytes;
};

/// What the model says leaves for a frame (mirror copy first).
inline void expected_outputs(const model::Result& r, std::uint8_t vport, std::uint64_t ts,
                             std::vector<OutFrame>& out) {
  auto add = [&](const model::Delivery& d) {
    OutFrame o;
    o.desc.dest = static_cast<unsigned>(d.dest);
    o.desc.port = d.port;
    o.desc.reason = static_cast<unsigned>(d.reason);
    o.desc.parse_err = (d.status & model::RxCpl::kParseErr) != 0;
    o.desc.mark_valid = d.mark_valid;
    o.desc.mark = d.mark_valid ? d.mark : 0;
    o.desc.tcam_index = d.tcam_index;
    o.desc.h1 = d.h1;
    o.desc.src_vport = vport;
    o.desc.ts = ts;
    o.desc.len = static_cast<std::uint16_t>(d.bytes.size());
    o.bytes.assign(d.bytes.begin(), d.bytes.end());
    out.push_back(std::move(o));
  };
  if (r.has_mirror) add(r.mirror);
  if (r.drop == model::DropReason::kNone) add(r.primary);
}

/// Traffic shaping of a run.
struct Shape {
  unsigned in_idle_pct = 10;     // chance a source idles in a clock
  unsigned out_stall_pct = 20;   // chance m_axis_tready is low in a clock
  unsigned desc_stall_pct = 20;  // chance m_desc_ready is low
};

struct Sent {
  Bytes bytes;
  std::uint8_t vport = 0;
  std::uint64_t ts = 0;  // cycle of the first beat's handshake
  std::size_t input = 0;
};

template <class V, std::size_t DATA_W, std::size_t N_IN>
class Harness {
 public:
  static constexpr std::size_t kKeep = DATA_W / 8;

  explicit Harness(std::uint64_t seed = 1) : rng_(seed) {
    ctx_.debug(0);
    m_ = std::make_unique<V>(&ctx_);
    m_->clk = 0;
    m_->rst = 1;
    m_->encap_rd_valid = 0;  // the management read port (ENCAP_CMD READ) is not used here
    m_->encap_rd_index = 0;
    m_->cfg_enable = 1;
    m_->cfg_parse_err_exc = 0;
    m_->cfg_wire_max_frame = 9018;
    m_->cfg_vxlan_port = 4789;
    m_->cfg_geneve_port = 6081;
    for (int i = 0; i < 4; ++i) tick();
    m_->rst = 0;
    // The tables sweep their memories after reset.
    for (int i = 0; i < 2000 && !(m_->em_cmd_ready && m_->tcam_cmd_ready && m_->meter_cmd_ready);
         ++i)
      tick();
  }

  V& m() { return *m_; }
  std::uint64_t cycle() const { return cycle_; }
  Shape shape;

  // ---- management ----
  /// EM insert; returns (status, handle).
  std::pair<unsigned, std::uint32_t> em_insert(const model::FlowKey& key, const ActionRecord& a) {
    m_->em_cmd_op = 1;
    put_key(m_->em_cmd_key, key.data(), key.size());
    const auto ab = a.encode();
    put_le_bytes(m_->em_cmd_action, ab.data(), ab.size());
    cmd(m_->em_cmd_valid, m_->em_cmd_ready, m_->em_rsp_valid, m_->em_rsp_ready);
    return {m_->em_rsp_status, m_->em_rsp_handle};
  }
  /// EM query: (status, pkts, bytes, last_seen).
  std::array<std::uint64_t, 4> em_query(std::uint32_t handle) {
    m_->em_cmd_op = 4;
    m_->em_cmd_handle = handle;
    cmd(m_->em_cmd_valid, m_->em_cmd_ready, m_->em_rsp_valid, m_->em_rsp_ready);
    return {m_->em_rsp_status, m_->em_rsp_pkts, m_->em_rsp_bytes, m_->em_rsp_last_seen};
  }
  unsigned tcam_write(unsigned index, std::uint16_t prio, const model::TcamKey& value,
                      const model::TcamKey& mask, const ActionRecord& a) {
    m_->tcam_cmd_op = 1;
    m_->tcam_cmd_index = index;
    m_->tcam_cmd_priority = prio;
    put_key(m_->tcam_cmd_value, value.data(), value.size());
    put_key(m_->tcam_cmd_mask, mask.data(), mask.size());
    const auto ab = a.encode();
    put_le_bytes(m_->tcam_cmd_action, ab.data(), ab.size());
    cmd(m_->tcam_cmd_valid, m_->tcam_cmd_ready, m_->tcam_rsp_valid, m_->tcam_rsp_ready);
    return m_->tcam_rsp_status;
  }
  /// TCAM query: (status, pkts, bytes).
  std::array<std::uint64_t, 3> tcam_query(unsigned index) {
    m_->tcam_cmd_op = 3;
    m_->tcam_cmd_index = index;
    cmd(m_->tcam_cmd_valid, m_->tcam_cmd_ready, m_->tcam_rsp_valid, m_->tcam_rsp_ready);
    return {m_->tcam_rsp_status, m_->tcam_rsp_pkts, m_->tcam_rsp_bytes};
  }
  /// Meter configuration; returns (status, the cycle the command took effect).
  std::pair<unsigned, std::uint64_t> meter_config(unsigned index, std::uint32_t rate,
                                                  std::uint32_t burst) {
    m_->meter_cmd_op = 1;
    m_->meter_cmd_index = static_cast<std::uint16_t>(index);
    m_->meter_cmd_rate = rate;
    m_->meter_cmd_burst = burst;
    const std::uint64_t at = cmd(m_->meter_cmd_valid, m_->meter_cmd_ready, m_->meter_rsp_valid,
                                 m_->meter_rsp_ready);
    return {m_->meter_rsp_status, at};
  }
  void encap_write(unsigned index, const model::EncapTemplate& t) {
    const auto b = t.encode();
    m_->encap_wr_index = static_cast<std::uint16_t>(index);
    put_le_bytes(m_->encap_wr_data, b.data(), b.size());
    m_->encap_wr_valid = 1;
    tick();
    m_->encap_wr_valid = 0;
  }

  Counters counters() {
    Counters c{};
    for (std::size_t k = 0; k < kCtrCount; ++k)
      c[k] = get_bits(m_->counters, 64 * (kCtrCount - 1 - k), 64);
    return c;
  }

  // ---- traffic ----
  void send(std::size_t input, Bytes bytes, std::uint8_t vport) {
    queues_[input].push_back(Pending{std::move(bytes), vport});
    ++outstanding_;
  }

  /// Runs until every queued frame has entered and the datapath is empty (ledger balanced,
  /// no output for a while). Fails the test when nothing moves for `stall_limit` clocks.
  void run(std::uint64_t stall_limit = 200000) {
    std::uint64_t quiet = 0;
    while (true) {
      const bool moved = step();
      quiet = moved ? 0 : quiet + 1;
      if (outstanding_ == 0 && pending_empty() && quiet > 400 && ledger_balanced()) break;
      if (quiet > stall_limit) {
        ADD_FAILURE() << "datapath stuck at cycle " << cycle_ << " (frames waiting to enter: "
                      << outstanding_ << ")";
        break;
      }
    }
  }

  bool ledger_balanced() {
    const Counters c = counters();
    const std::uint64_t in = c[kRxWireFrames] + c[kTxFrames];
    std::uint64_t out = c[kOutWire] + c[kOutVnic] + c[kOutException];
    for (std::size_t k = kDropParse; k <= kDropMtu; ++k) out += c[k];
    return in == out;
  }

  std::vector<Sent>& sent() { return sent_; }
  /// Output frames paired with their records (call after run()).
  std::vector<OutFrame> paired() {
    std::vector<OutFrame> r;
    EXPECT_EQ(out_frames_.size(), out_descs_.size()) << "frames and records differ in number";
    for (std::size_t i = 0; i < std::min(out_frames_.size(), out_descs_.size()); ++i)
      r.push_back(OutFrame{out_descs_[i], out_frames_[i]});
    return r;
  }
  std::uint64_t out_beats() const { return out_beats_; }
  /// Records with this exception reason seen on m_desc.
  std::size_t reasons_seen(unsigned reason) const {
    return static_cast<std::size_t>(std::count_if(
        out_descs_.begin(), out_descs_.end(), [&](const Desc& d) { return d.reason == reason; }));
  }
  /// Clocks of the first and the last output beat.
  std::uint64_t first_out_cycle() const { return first_out_; }
  std::uint64_t last_out_cycle() const { return last_out_; }

  /// The frames in the order they entered the pipeline (by ingress timestamp).
  std::vector<Sent> ingress_order() const {
    std::vector<Sent> s = sent_;
    std::stable_sort(s.begin(), s.end(),
                     [](const Sent& a, const Sent& b) { return a.ts < b.ts; });
    for (std::size_t i = 1; i < s.size(); ++i)
      EXPECT_NE(s[i].ts, s[i - 1].ts) << "two frames entered in one clock";
    return s;
  }

  void tick() {
    m_->now = cycle_;
    m_->clk = 1;
    m_->eval();
    m_->clk = 0;
    m_->eval();
    ++cycle_;
  }

 private:
  struct Pending {
    Bytes bytes;
    std::uint8_t vport = 0;
  };
  struct Src {
    std::size_t pos = 0;  // bytes of the head frame sent
    bool active = false;
  };

  bool pending_empty() const {
    for (const auto& q : queues_)
      if (!q.empty()) return false;
    return true;
  }

  /// Holds valid until ready (the command is taken at that clock edge), then waits for the
  /// response and takes it. Returns the cycle at which the command was taken.
  template <class A, class B, class C, class D>
  std::uint64_t cmd(A& valid, B& ready, C& rsp_valid, D& rsp_ready) {
    valid = 1;
    rsp_ready = 0;
    m_->eval();
    std::uint64_t at = 0;
    for (int i = 0; i < 100000; ++i) {
      const bool take = ready != 0;
      at = cycle_;
      tick();
      if (take) break;
    }
    valid = 0;
    m_->eval();
    for (int i = 0; i < 100000 && !rsp_valid; ++i) tick();
    EXPECT_TRUE(rsp_valid) << "no response to a management command";
    rsp_ready = 1;
    tick();
    rsp_ready = 0;
    m_->eval();
    return at;
  }

  void drive_inputs() {
    for (std::size_t i = 0; i < N_IN; ++i) {
      auto& q = queues_[i];
      auto& s = src_[i];
      const bool idle = rng_.below(100) < shape.in_idle_pct;
      if (q.empty() || idle) {
        put_bits(m_->s_axis_tvalid, i, 1, 0);
        continue;
      }
      const Bytes& f = q.front().bytes;
      const std::size_t n = std::min(kKeep, f.size() - s.pos);
      for (std::size_t b = 0; b < kKeep; ++b)
        put_byte(m_->s_axis_tdata, (i * DATA_W) + 8 * b, b < n ? f[s.pos + b] : 0);
      for (std::size_t b = 0; b < kKeep; ++b)
        put_bits(m_->s_axis_tkeep, i * kKeep + b, 1, b < n ? 1 : 0);
      put_bits(m_->s_axis_tlast, i, 1, s.pos + n >= f.size() ? 1 : 0);
      put_bits(m_->s_axis_vport, 8 * i, 8, q.front().vport);
      put_bits(m_->s_axis_tvalid, i, 1, 1);
    }
  }

  /// One clock. True when a beat moved anywhere at the edges.
  bool step() {
    drive_inputs();
    m_->m_axis_tready = rng_.below(100) >= shape.out_stall_pct ? 1 : 0;
    m_->m_desc_ready = rng_.below(100) >= shape.desc_stall_pct ? 1 : 0;
    m_->now = cycle_;
    m_->eval();
    bool moved = false;
    // Sample handshakes before the edge.
    std::array<bool, N_IN> in_fire{};
    for (std::size_t i = 0; i < N_IN; ++i)
      in_fire[i] = get_bits(m_->s_axis_tvalid, i, 1) && get_bits(m_->s_axis_tready, i, 1);
    const bool out_fire = m_->m_axis_tvalid && m_->m_axis_tready;
    const bool desc_fire = m_->m_desc_valid && m_->m_desc_ready;
    if (out_fire) {
      for (std::size_t b = 0; b < kKeep; ++b)
        if (get_bits(m_->m_axis_tkeep, b, 1)) cur_out_.push_back(get_byte(m_->m_axis_tdata, 8 * b));
      if (out_beats_ == 0) first_out_ = cycle_;
      last_out_ = cycle_;
      ++out_beats_;
      if (m_->m_axis_tlast) {
        out_frames_.push_back(std::move(cur_out_));
        cur_out_.clear();
      }
      moved = true;
    }
    if (desc_fire) {
      out_descs_.push_back(decode_desc(m_->m_desc));
      moved = true;
    }
    for (std::size_t i = 0; i < N_IN; ++i) {
      if (!in_fire[i]) continue;
      moved = true;
      auto& q = queues_[i];
      auto& s = src_[i];
      if (s.pos == 0) sent_.push_back(Sent{q.front().bytes, q.front().vport, cycle_, i});
      s.pos += std::min(kKeep, q.front().bytes.size() - s.pos);
      if (s.pos >= q.front().bytes.size()) {
        q.pop_front();
        s.pos = 0;
        --outstanding_;
      }
    }
    tick();
    return moved;
  }

  VerilatedContext ctx_;
  std::unique_ptr<V> m_;
  Prng rng_;
  std::uint64_t cycle_ = 0;
  std::array<std::deque<Pending>, N_IN> queues_;
  std::array<Src, N_IN> src_{};
  std::size_t outstanding_ = 0;
  std::vector<Sent> sent_;
  Bytes cur_out_;
  std::vector<Bytes> out_frames_;
  std::vector<Desc> out_descs_;
  std::uint64_t out_beats_ = 0;
  std::uint64_t first_out_ = 0;
  std::uint64_t last_out_ = 0;
};

}  // namespace nicsim::rtl_dp
