// SPDX-License-Identifier: MIT
// Cycle-level harness around a Verilated nic_datapath (rtl/nic_datapath.sv), on the bench kit
// (testbenches/common): drives the ingress streams with idle cycles, applies back-pressure to
// m_axis / m_desc, programs the tables through the management ports, and collects what
// leaves. The golden model (model::Pipeline) is fed the same frames in ingress order with the
// RTL's ingress timestamps; differential tests compare the two output sequences and the
// counters.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/axis.hpp"
#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "nicsim/model/action.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pipeline.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::rtl_dp {

using Bytes = std::vector<std::uint8_t>;
using model::ActionRecord;
using model::Prng;

using bench::get_bits;

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
  d.reason = static_cast<unsigned>(get_bits(w, 170, 4));
  d.port = static_cast<unsigned>(get_bits(w, 174, 8));
  d.dest = static_cast<unsigned>(get_bits(w, 182, 2));
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

// ---- nic_pkg::dp_counters_t: 19 × 64 bits, first field most significant ----
enum Ctr : std::size_t {
  kRxWireFrames, kRxWireBytes, kTxFrames, kTxBytes, kWireDiscard, kEmHit, kTcamHit, kMiss,
  kOutWire, kOutVnic, kOutException, kLoopback, kMirror, kDropParse, kDropFlow, kDropMeter,
  kDropBadAction, kDropMtu, kDropToken, kCtrCount
};
inline constexpr const char* kCtrNames[kCtrCount] = {
    "rx_wire_frames", "rx_wire_bytes", "tx_frames", "tx_bytes", "wire_discard", "em_hit",
    "tcam_hit", "miss", "out_wire", "out_vnic", "out_exception", "loopback", "mirror",
    "drop_parse_error", "drop_flow", "drop_meter", "drop_bad_action", "drop_mtu", "drop_token"};

using Counters = std::array<std::uint64_t, kCtrCount>;

inline Counters model_counters(const model::PipelineCounters& c) {
  using model::DropReason;
  return {c.rx_wire_frames, c.rx_wire_bytes, c.tx_frames, c.tx_bytes, 0, c.em_hits,
          c.tcam_hits, c.misses, c.out_wire, c.out_vnic, c.out_exception, c.loopback, c.mirror,
          c.drop(DropReason::kParseError), c.drop(DropReason::kFlowDrop),
          c.drop(DropReason::kMeter), c.drop(DropReason::kBadAction), c.drop(DropReason::kMtu),
          c.drop(DropReason::kToken)};
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

NICSIM_AXIS_PORT(InPort, s_axis_);
NICSIM_AXIS_PORT(OutPort, m_axis_);
NICSIM_VALID_READY_PORT(DescPort, m_desc_);

template <class V, std::size_t DATA_W, std::size_t N_IN>
class Harness {
 public:
  static constexpr std::size_t kKeep = DATA_W / 8;

  explicit Harness(std::uint64_t seed = 1)
      : h_({.name = "nic_datapath w" + std::to_string(DATA_W)}), rng_(seed) {
    V& m = h_.dut();
    m.encap_rd_valid = 0;  // the management read port (ENCAP_CMD READ) is not used here
    m.encap_rd_index = 0;
    m.cfg_enable = 1;
    m.cfg_parse_err_exc = 0;
    m.cfg_wire_max_frame = 9018;
    m.cfg_vxlan_port = 4789;
    m.cfg_geneve_port = 6081;
    h_.reset(4);
    // The tables sweep their memories after reset.
    for (int i = 0; i < 2000 && !(m.em_cmd_ready && m.tcam_cmd_ready && m.meter_cmd_ready &&
                                  m.encap_ready);
         ++i)
      h_.tick();
  }

  V& m() { return h_.dut(); }
  std::uint64_t cycle() const { return h_.cycle(); }
  Shape shape;

  // ---- management ----
  /// EM insert; returns (status, handle).
  std::pair<unsigned, std::uint32_t> em_insert(const model::FlowKey& key, const ActionRecord& a) {
    V& m = h_.dut();
    m.em_cmd_op = 1;
    bench::put_bytes_msb(m.em_cmd_key, 0, key);
    bench::put_bytes(m.em_cmd_action, 0, a.encode());
    cmd(m.em_cmd_valid, m.em_cmd_ready, m.em_rsp_valid, m.em_rsp_ready);
    return {m.em_rsp_status, m.em_rsp_handle};
  }
  /// EM query: (status, pkts, bytes, last_seen).
  std::array<std::uint64_t, 4> em_query(std::uint32_t handle) {
    V& m = h_.dut();
    m.em_cmd_op = 4;
    m.em_cmd_handle = handle;
    cmd(m.em_cmd_valid, m.em_cmd_ready, m.em_rsp_valid, m.em_rsp_ready);
    return {m.em_rsp_status, m.em_rsp_pkts, m.em_rsp_bytes, m.em_rsp_last_seen};
  }
  unsigned tcam_write(unsigned index, std::uint16_t prio, const model::TcamKey& value,
                      const model::TcamKey& mask, const ActionRecord& a) {
    V& m = h_.dut();
    m.tcam_cmd_op = 1;
    m.tcam_cmd_index = index;
    m.tcam_cmd_priority = prio;
    bench::put_bytes_msb(m.tcam_cmd_value, 0, value);
    bench::put_bytes_msb(m.tcam_cmd_mask, 0, mask);
    bench::put_bytes(m.tcam_cmd_action, 0, a.encode());
    cmd(m.tcam_cmd_valid, m.tcam_cmd_ready, m.tcam_rsp_valid, m.tcam_rsp_ready);
    return m.tcam_rsp_status;
  }
  /// TCAM query: (status, pkts, bytes).
  std::array<std::uint64_t, 3> tcam_query(unsigned index) {
    V& m = h_.dut();
    m.tcam_cmd_op = 3;
    m.tcam_cmd_index = index;
    cmd(m.tcam_cmd_valid, m.tcam_cmd_ready, m.tcam_rsp_valid, m.tcam_rsp_ready);
    return {m.tcam_rsp_status, m.tcam_rsp_pkts, m.tcam_rsp_bytes};
  }
  /// Meter configuration; returns (status, the cycle the command took effect).
  std::pair<unsigned, std::uint64_t> meter_config(unsigned index, std::uint32_t rate,
                                                  std::uint32_t burst) {
    V& m = h_.dut();
    m.meter_cmd_op = 1;
    m.meter_cmd_index = static_cast<std::uint16_t>(index);
    m.meter_cmd_rate = rate;
    m.meter_cmd_burst = burst;
    const std::uint64_t at =
        cmd(m.meter_cmd_valid, m.meter_cmd_ready, m.meter_rsp_valid, m.meter_rsp_ready);
    return {m.meter_rsp_status, at};
  }
  void encap_write(unsigned index, const model::EncapTemplate& t) {
    V& m = h_.dut();
    EXPECT_TRUE(m.encap_ready) << "template write during the table's sweep";
    m.encap_wr_index = static_cast<std::uint16_t>(index);
    bench::put_bytes(m.encap_wr_data, 0, t.encode());
    m.encap_wr_valid = 1;
    h_.tick();
    m.encap_wr_valid = 0;
  }

  /// Spec 11: a key command to token_check (load `keys`, or clear, the slot), waiting until
  /// it has been taken and the checker is no longer busy.
  void token_key(unsigned slot, const model::TokenKeys* keys) {
    V& m = h_.dut();
    m.tok_key_slot = slot & 1;
    m.tok_key_clear = keys == nullptr ? 1 : 0;
    if (keys != nullptr) {
      bench::put_bytes_msb(m.tok_key_enc, 0, keys->enc);
      bench::put_bytes_msb(m.tok_key_mac, 0, keys->mac);
    }
    m.tok_key_valid = 1;
    h_.settle();
    for (int i = 0; i < 1000 && !m.tok_key_ready; ++i) h_.tick();
    EXPECT_TRUE(m.tok_key_ready) << "token key command not taken";
    h_.tick();
    m.tok_key_valid = 0;
    h_.settle();
    for (int i = 0; i < 1000 && m.tok_key_busy; ++i) h_.tick();
    EXPECT_FALSE(m.tok_key_busy) << "token key command did not finish";
  }
  /// Clears ENI `eni`'s replay window.
  void token_window_clear(unsigned eni) {
    V& m = h_.dut();
    m.tok_clr_eni = static_cast<std::uint16_t>(eni);
    m.tok_clr_valid = 1;
    h_.tick();
    m.tok_clr_valid = 0;
    h_.settle();
  }
  /// token_check's verdict counters (verdict v at bits 32*v +: 32).
  std::array<std::uint32_t, model::kTokenVerdicts> token_verdicts() {
    std::array<std::uint32_t, model::kTokenVerdicts> v{};
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] = static_cast<std::uint32_t>(get_bits(h_->tok_verdicts, static_cast<unsigned>(32 * i), 32));
    return v;
  }

  Counters counters() {
    Counters c{};
    for (std::size_t k = 0; k < kCtrCount; ++k)
      c[k] = get_bits(h_->counters, static_cast<unsigned>(64 * (kCtrCount - 1 - k)), 64);
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
    Traffic t(*this);
    h_.set_watchdog(stall_limit, [this] {
      return "frames waiting to enter: " + std::to_string(outstanding_);
    });
    try {
      do {
        h_.tick();
      } while (!(outstanding_ == 0 && h_.quiet() > 400 && ledger_balanced()));
    } catch (const bench::Stuck& e) {
      ADD_FAILURE() << e.what();
    }
    h_.set_watchdog(0);
  }

  bool ledger_balanced() {
    const Counters c = counters();
    const std::uint64_t in = c[kRxWireFrames] + c[kTxFrames];
    std::uint64_t out = c[kOutWire] + c[kOutVnic] + c[kOutException];
    for (std::size_t k = kDropParse; k <= kDropToken; ++k) out += c[k];
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

  void tick() { h_.tick(); }

 private:
  struct Pending {
    Bytes bytes;
    std::uint8_t vport = 0;
  };
  using Source = bench::AxisSource<V, InPort>;

  // The agents of a run(), in the order they draw from rng_ on every clock: each input's
  // valid (idle on in_idle_pct % of clocks, a beat may be withdrawn), m_axis_tready,
  // m_desc_ready. Only run() clocks them: table commands clock the model alone.
  struct Traffic {
    std::array<std::unique_ptr<Source>, N_IN> in;
    bench::AxisSink<V, OutPort> out;
    bench::ChannelSink<V, DescPort> desc;

    explicit Traffic(Harness& t)
        : in(make_inputs(t)),
          out(t.h_, {.ready = t.not_below(&Shape::out_stall_pct)}),
          desc(t.h_, [&t](V& m) { t.out_descs_.push_back(decode_desc(m.m_desc)); },
               {.ready = t.not_below(&Shape::desc_stall_pct)}) {
      out.on_beat = [&t](V&, const bench::AxisBeat&) {
        if (t.out_beats_ == 0) t.first_out_ = t.h_.cycle();
        t.last_out_ = t.h_.cycle();
        ++t.out_beats_;
      };
      out.on_frame = [&t](bench::AxisFrame&& f) { t.out_frames_.push_back(std::move(f.data)); };
    }

    static std::array<std::unique_ptr<Source>, N_IN> make_inputs(Harness& t) {
      std::array<std::unique_ptr<Source>, N_IN> in;
      for (unsigned i = 0; i < N_IN; ++i) {
        in[i] = std::make_unique<Source>(
            t.h_, bench::AxisSourceConfig{.valid = t.not_below(&Shape::in_idle_pct),
                                          .offer = bench::Offer::kEveryClock,
                                          .lane = i,
                                          .beat_bytes = kKeep});
        in[i]->side = [i](V& m, const bench::AxisFrame* f, std::size_t, bool valid) {
          if (valid) bench::put_bits(m.s_axis_vport, 8 * i, 8, f->id);
        };
        in[i]->on_accept = [&t, i](const bench::AxisFrame& f, std::size_t beat, bool last) {
          if (beat == 0)
            t.sent_.push_back(Sent{f.data, static_cast<std::uint8_t>(f.id), t.h_.cycle(), i});
          if (last) --t.outstanding_;
        };
        for (Pending& p : t.queues_[i]) in[i]->send({.data = std::move(p.bytes), .id = p.vport});
        t.queues_[i].clear();
      }
      return in;
    }
  };

  /// A pattern: true unless rng_.below(100) < shape.*pct (the idle / stall share).
  bench::Pattern not_below(unsigned Shape::*pct) {
    return [this, pct](std::uint64_t) { return rng_.below(100) >= shape.*pct; };
  }

  /// Holds valid until ready (the command is taken at that clock edge), then waits for the
  /// response and takes it. Returns the cycle at which the command was taken.
  template <class A, class B, class C, class D>
  std::uint64_t cmd(A& valid, B& ready, C& rsp_valid, D& rsp_ready) {
    valid = 1;
    rsp_ready = 0;
    h_.settle();
    std::uint64_t at = 0;
    for (int i = 0; i < 100000; ++i) {
      const bool take = ready != 0;
      at = h_.cycle();
      h_.tick();
      if (take) break;
    }
    valid = 0;
    h_.settle();
    for (int i = 0; i < 100000 && !rsp_valid; ++i) h_.tick();
    EXPECT_TRUE(rsp_valid) << "no response to a management command";
    rsp_ready = 1;
    h_.tick();
    rsp_ready = 0;
    h_.settle();
    return at;
  }

  bench::Harness<V> h_;
  bench::Hook now_{h_, [this] { h_->now = h_.cycle(); }};  // the ingress timestamp clock
  Prng rng_;
  std::array<std::deque<Pending>, N_IN> queues_;
  std::size_t outstanding_ = 0;
  std::vector<Sent> sent_;
  std::vector<Bytes> out_frames_;
  std::vector<Desc> out_descs_;
  std::uint64_t out_beats_ = 0;
  std::uint64_t first_out_ = 0;
  std::uint64_t last_out_ = 0;
};

}  // namespace nicsim::rtl_dp
