// SPDX-License-Identifier: MIT
// The golden model's datapath (spec sections 1-6, 9): parse, flow key, EM then TCAM lookup,
// action (meter, copy to the host, transposition, mark, destination), RSS and the completion status of
// what it delivers. Untimed: one call per frame, in ingress order.
//
// Per packet it neither allocates nor throws (a frame longer than any before it grows a buffer
// once). Result::primary.bytes / mirror.bytes point into the Pipeline's own buffers: valid
// until the next process(), whatever happens to the input frame.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/em_table.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/meter.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/parse_result.hpp"
#include "nicsim/model/rss.hpp"
#include "nicsim/model/tcam.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/model/transpose.hpp"

namespace nicsim::model {

struct PipelineConfig {
  std::uint32_t em_buckets = 8192;
  std::uint32_t tcam_entries = 256;  // nic_top's default
  std::uint32_t num_meters = 64;
  std::uint32_t num_encap = 4096;  // NUM_ENCAP templates (spec 5.5), 2..65536
  std::uint8_t num_vnic = 8;
  std::uint32_t wire_max_frame = 9018;
  bool parse_err_to_exception = false;  // PARSE_ERR_POLICY: false 0 drop, true 1 exception
  std::uint16_t vxlan_port = 4789;
  std::uint16_t geneve_port = 6081;
  std::uint32_t parse_window = 256;
  std::uint32_t max_frame = 16384;  // MAX_FRAME (spec 2.2): longer frames drop parse_error
};

/// Where a delivery goes (the action record's destination types, rtl/formats.yaml).
using DestType = fmt::DestType;

enum class DropReason : std::uint8_t {
  kNone,
  kParseError,
  kFlowDrop,
  kMeter,
  kBadAction,
  kMtu,
  kRxNoDesc,
  kRxTooLong,
  kRxCqFull,
  kQuota,
  kExcFull,
  kSpoof,
  kToken,  // a refused destination token (spec 11) of a VNIC without VNIC_CTRL.TOKEN_EXC
};
inline constexpr std::size_t kDropReasonCount = 13;
/// The counter's name without "drop_" (spec 9): "parse_error", "flow", "meter", ...
[[nodiscard]] constexpr const char* to_string(DropReason r) noexcept {
  constexpr const char* kNames[kDropReasonCount] = {
      "none",        "parse_error", "flow",      "meter", "bad_action", "mtu",
      "rx_no_desc",  "rx_too_long", "rx_cq_full", "quota", "exc_full",   "spoof",
      "token"};
  return static_cast<std::size_t>(r) < kDropReasonCount ? kNames[static_cast<std::size_t>(r)]
                                                         : "?";
}

/// Exception reasons (completion byte 17, rtl/formats.yaml).
using ExcReason = fmt::ExcReason;
/// The receive completion (spec 7.1): Delivery::status is its byte 14 (status bits
/// RxCpl::kParseErr ... kCsumChecked), Delivery::types its byte 15.
using RxCpl = fmt::RxCpl;

inline constexpr std::uint8_t kHostVport = 255;

struct Delivery {
  DestType dest = DestType::kDrop;
  std::uint8_t port = 0;   // wire port, or destination vport (255 for the exception ring)
  std::uint8_t queue = 0;  // queue index within the VNIC's set (RSS)
  ExcReason reason = ExcReason::kNone;
  std::span<const std::uint8_t> bytes{};  // valid until the next process()
  std::uint32_t rss_hash = 0;
  bool rss_valid = false;
  std::uint32_t mark = 0;
  bool mark_valid = false;
  std::uint16_t tcam_index = 0xFFFF;  // 0xFFFF none
  std::uint32_t h1 = 0;
  std::uint8_t status = 0;  // completion byte 14 (VNIC and exception deliveries)
  std::uint8_t types = 0;   // completion byte 15
  std::uint16_t vlan_tci = 0;  // completion bytes 12..13 (when status has kVlan)
};

struct Result {
  Delivery primary;
  /// The copy of spec 5.2 step 2 (exception ring, frame as received, delivered before primary):
  /// a mirror copy (reason kMirror) or a TCP control copy (reason kTcpCtl).
  bool has_mirror = false;
  Delivery mirror;
  DropReason drop = DropReason::kNone;  // kNone when delivered
};

/// The pipeline's own counters (spec 9): what it received and what it decided. The device
/// layer adds its own drops (rx_no_desc, quota, exc_full, spoof, ...) on top.
struct PipelineCounters {
  std::uint64_t rx_wire_frames = 0;  // source vport 0
  std::uint64_t rx_wire_bytes = 0;
  std::uint64_t tx_frames = 0;  // any other source vport (VNICs, host)
  std::uint64_t tx_bytes = 0;
  std::uint64_t em_hits = 0;
  std::uint64_t tcam_hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t out_wire = 0;
  std::uint64_t out_vnic = 0;
  std::uint64_t out_exception = 0;  // miss, action, TTL, parse error (not mirror copies)
  std::uint64_t loopback = 0;       // subset of out_vnic: VNIC to VNIC
  std::uint64_t mirror = 0;         // copies produced (mirror and TCP control, spec 5.2 step 2)
  std::array<std::uint64_t, kDropReasonCount> drops{};

  [[nodiscard]] std::uint64_t drop(DropReason r) const noexcept {
    return drops[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] std::uint64_t total_drops() const noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = 1; i < kDropReasonCount; ++i) s += drops[i];
    return s;
  }
  /// rx_wire_frames + tx_frames == out_wire + out_vnic + out_exception + drops.
  [[nodiscard]] bool ledger_balanced() const noexcept {
    return rx_wire_frames + tx_frames == out_wire + out_vnic + out_exception + total_drops();
  }
};

/// Why an action record is `bad_action` for a packet (spec 5.2), or nullptr when it is fine.
[[nodiscard]] const char* action_problem(const ActionRecord& a, const ParseResult& pr,
                                         const PipelineConfig& cfg,
                                         const EncapTable& encap) noexcept;

/// The packet is a TCP control segment (spec 5.2 step 2): the key level has a TCP header (not a
/// non-first fragment) with SYN, FIN or RST set.
[[nodiscard]] bool tcp_control_segment(const ParseResult& pr) noexcept;

/// The outer source check of spec 5.2 (action bit check_osrc): the level-0 IP source of `frame`
/// equals `sip` as the flow key holds addresses (IPv4 in the last 4 bytes); false without IP.
[[nodiscard]] bool outer_source_is(ByteSpan frame, const ParseResult& pr,
                                   const std::array<std::uint8_t, 16>& sip) noexcept;

/// Spec 11: the offset in `frame` of the destination token (the 48 bytes after the header of
/// the Geneve option of class 0xFFF0, type 0x81, 12 words, the first option of a level-0
/// Geneve header), or 0 when the frame carries none. `pr` is the frame's parse (not failed).
[[nodiscard]] std::size_t token_offset(ByteSpan frame, const ParseResult& pr) noexcept;

/// Completion status and types (spec 7.1 bytes 14, 15; mark and RSS bits excluded) of a
/// delivered frame whose outer level is lv.
void completion_status(ByteSpan frame, const Level& lv, bool parse_err, Delivery& d) noexcept;

class Pipeline {
 public:
  explicit Pipeline(const PipelineConfig& cfg);

  /// One frame. The Result (and the bytes it points to) is valid until the next call; a frame
  /// delivered as received is copied, so `frame` may change or go away after the call.
  const Result& process(std::span<const std::uint8_t> frame, std::uint8_t src_vport,
                        std::uint64_t ingress_cycle);
  /// The same, for a caller whose frame stays alive and unchanged for as long as it uses the
  /// Result (NicDevice, the co-simulation's scoreboard): a frame delivered as received is not
  /// copied, its Delivery::bytes point into `frame`.
  const Result& process_in_place(std::span<const std::uint8_t> frame, std::uint8_t src_vport,
                                 std::uint64_t ingress_cycle);

  /// Frames ahead that process_burst() parses, hashes and looks up (prefetch) before finishing
  /// the current one.
  static constexpr std::size_t kAhead = 4;

  /// The same as process(frames[i], src_vport, cycles[i]) for i = 0, 1, ... in order, calling
  /// on_result(i, result) after each (the Result, and the bytes it points to, valid until
  /// on_result returns). Same results, counters and table updates as the calls one by one; the
  /// parse, flow key and h1 of the next kAhead frames are computed early and their EM entries
  /// prefetched, which hides the table's memory latency. The frames' bytes must not change during
  /// the call (on_result must not write them): a frame delivered as received is not copied, its
  /// Delivery::bytes point into frames[i] itself. on_result must not call process() or
  /// process_burst() (it may change tables and registers: a change of the tunnel ports makes the
  /// frames ahead parse again).
  template <class OnResult>
  void process_burst(std::span<const std::span<const std::uint8_t>> frames,
                     std::span<const std::uint64_t> cycles, std::uint8_t src_vport,
                     OnResult&& on_result) {
    const std::size_t n = frames.size();
    for (std::size_t i = 0; i < n && i < kAhead; ++i) prepare(frames[i], src_vport, ahead_[i]);
    struct Borrow {  // no copy of frames delivered as received, until the burst returns or throws
      bool& b;
      explicit Borrow(bool& flag) : b(flag) { b = true; }
      ~Borrow() { b = false; }
      Borrow(const Borrow&) = delete;
      Borrow& operator=(const Borrow&) = delete;
    } borrow(borrow_input_);
    for (std::size_t i = 0; i < n; ++i) {
      Ahead& a = ahead_[i % kAhead];
      on_result(i, finish(frames[i], src_vport, cycles[i], a));
      if (i + kAhead < n) prepare(frames[i + kAhead], src_vport, a);
    }
  }

  [[nodiscard]] const PipelineConfig& config() const noexcept { return cfg_; }
  /// Registers that may change at run time.
  void set_parse_err_to_exception(bool v) noexcept { cfg_.parse_err_to_exception = v; }
  void set_wire_max_frame(std::uint32_t v) noexcept { cfg_.wire_max_frame = v; }
  /// UDP destination ports recognised as VXLAN and Geneve (the TUNNEL_PORTS register).
  void set_tunnel_ports(std::uint16_t vxlan, std::uint16_t geneve) noexcept {
    cfg_.vxlan_port = vxlan;
    cfg_.geneve_port = geneve;
    parser_ = Parser(ParserConfig{vxlan, geneve, parser_.config().max_ipv6_ext});
    ++parse_gen_;
  }

  /// Spec 11: TOKN CONTROL.ENABLE, and per VNIC VNIC_CTRL.TOKEN_EXC (refused tokens to the
  /// exception ring instead of dropped).
  void set_token_enable(bool on) noexcept { token_enable_ = on; }
  void set_token_exc(std::uint8_t vport, bool exc) noexcept { token_exc_[vport] = exc; }
  /// The token checker: key slots, a replay window per VNIC, verdict counters.
  TokenChecker& tokens() noexcept { return tokens_; }

  /// What the lookup of `frame` from `src_vport` is if it is the next frame processed: whether
  /// there is one (the frame parses, is not over MAX_FRAME and carries no refused token) and
  /// its flow key (an ok token's address as the destination, spec 11). Changes nothing (a
  /// co-simulation's scoreboard pairs the NIC's lookups with its frames by it).
  struct LookupPlan {
    bool lookup = false;
    FlowKey key{};
  };
  [[nodiscard]] LookupPlan lookup_plan(ByteSpan frame, std::uint8_t src_vport);

  ExactMatchTable& em() noexcept { return em_; }
  Tcam& tcam() noexcept { return tcam_; }
  MeterBank& meters() noexcept { return meters_; }
  EncapTable& encap() noexcept { return encap_; }
  /// vport 1..num_vnic (index 0 exists but is never used).
  RssConfig& rss(std::uint8_t vport) noexcept { return rss_[vport]; }
  PipelineCounters& counters() noexcept { return counters_; }
  /// The parse of the last frame processed.
  [[nodiscard]] const ParseResult& last_parse() const noexcept { return ahead_[cur_].pr; }

 private:
  /// What is known of a frame before its table lookup: its parse, flow key and h1 (the EM entry
  /// is prefetched).
  struct Ahead {
    enum State : std::uint8_t { kTooLong, kParseFailed, kOk };
    ParseResult pr;
    FlowKey key{};
    std::uint32_t h1 = 0;
    State state = kTooLong;
    bool fast = false;      // pr is fast_parse()'s
    std::uint64_t gen = 0;  // parse_gen_ when prepared
  };
  void prepare(ByteSpan frame, std::uint8_t src_vport, Ahead& a) noexcept;
  const Result& finish(ByteSpan frame, std::uint8_t src_vport, std::uint64_t cycle,
                       Ahead& a) noexcept;
  void drop(DropReason r) noexcept;
  enum class TokenRoute : std::uint8_t { kNone, kOk, kRefused };
  /// Spec 11 for a parsed frame: no token to check, an ok one (`key` with the token's address
  /// as destination), or a refused one. `commit`: count the verdict and update the window.
  TokenRoute token_route(ByteSpan frame, const ParseResult& pr, std::uint8_t src_vport,
                         FlowKey& key, bool commit) noexcept;
  /// The frame as received, in the pipeline's own buffer (copied once per packet).
  ByteSpan as_received(ByteSpan frame) noexcept;
  /// The transposer's output, or when that lies within `frame` (unchanged, or the inner frame
  /// of a decap alone) the same bytes of as_received(frame).
  ByteSpan transposed(ByteSpan frame) noexcept;
  void to_exception(Delivery& d, ByteSpan frame, ExcReason reason, bool parse_err) noexcept;
  void execute(const ActionRecord& a, ByteSpan frame, std::uint8_t src_vport,
               std::uint64_t cycle) noexcept;

  PipelineConfig cfg_;
  Parser parser_;
  ExactMatchTable em_;
  Tcam tcam_;
  MeterBank meters_;
  EncapTable encap_;
  std::vector<RssConfig> rss_;
  PipelineCounters counters_;
  Transposer xpose_;
  std::vector<std::uint8_t> rx_copy_;
  bool rx_copied_ = false;
  /// In process_burst and process_in_place: as_received() is the input frame itself.
  bool borrow_input_ = false;
  // ahead_[0 .. kAhead): process_burst's frames ahead; ahead_[kAhead]: process()'s frame.
  std::array<Ahead, kAhead + 1> ahead_{};
  std::size_t cur_ = kAhead;            // ahead_ index of the frame being finished (last_parse())
  std::uint64_t parse_gen_ = 0;         // changes with the parser's configuration
  ParseResult out_pr_;
  TcamKey tkey_{};
  Result res_;
  TokenChecker tokens_;
  bool token_enable_ = false;
  std::array<bool, 256> token_exc_{};
  FlowKey tok_key_{};  // the flow key of a frame routed on its token's address
};

}  // namespace nicsim::model
