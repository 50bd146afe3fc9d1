// SPDX-License-Identifier: MIT
// Scoreboard: the golden model beside the Verilated NIC, checking every output.
//
// The model is a NicDevice on private memory. It follows the RTL exactly where the RTL decides:
//   - register writes are applied when the RTL's register file takes them (NicObserver::
//     register_write), except the table commands (FT_CMD, TCAM_CMD, the flow-command ring's
//     FCMD_PROD), whose effect is taken from the tables themselves;
//   - exact-match and TCAM commands are applied at the position where they entered the RTL's
//     tables relative to its lookups (em_command / tcam_command against em_lookup /
//     tcam_lookup), so a frame sees the same table in both, even while flows are installed
//     during traffic;
//   - every frame is processed by the model's pipeline in the order, with the bytes, the
//     source vport and the ingress timestamp with which it entered the RTL's pipeline.
// What the model's pipeline decides for a frame is the expected output: a wire frame, a
// delivery to a receive queue (the frame and every completion field), an exception (the frame
// as received and its reason), a mirror copy, or a drop by reason. The RTL's outputs are then
// compared with it:
//   - the wire, in order, byte for byte;
//   - each receive queue and the exception ring, in order, as the driver received them: the
//     frame and every completion field but the ring slot. Whether a frame reached its ring at
//     all depends on when the host posted buffers, which the model does not know: an expected
//     frame the RTL did not deliver counts as a ring drop, and at the end the ring drops must
//     equal the RTL's counted ones (rx_no_desc, rx_too_long, rx_cq_full, quota; exc_full,
//     mirror_drop);
//   - every transmit completion the driver reaped: its status against the model's for the same
//     descriptor, owner and frame under the same registers (NicDevice::tx_status);
//   - at the end, the pipeline's counters (frames in, lookups, deliveries to the wire in
//     frames and bytes, drops by reason of the pipeline).
// The first mismatch is reported with the input frame's index (ingress order), the port or
// queue, the field or byte offset, both values and the cycle.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "nicsim/host/driver/flow.hpp"
#include "nicsim/host/driver/queue.hpp"
#include "nicsim/host/driver/stats.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/sim/nic_rtl.hpp"

namespace nicsim::sim {

struct Mismatch {
  std::uint64_t frame = 0;  // input frame index (ingress order), or ~0 for a counter
  std::string where;        // "wire", "rxq 3", "exception ring", "counter em_hits"
  std::string what;         // the field or byte offset
  std::string rtl, model;   // the two values
  std::uint64_t cycle = 0;  // the NIC's cycle at which it was seen
  [[nodiscard]] std::string to_string() const;
};

/// One input frame's way through the NIC (`nicsim run --log`): what the golden model decided
/// for it, with the RTL's cycles at each step it was seen.
struct FrameRecord {
  std::uint64_t index = 0;        // input frame (ingress order)
  unsigned vport = 0;             // source: 0 wire, 1..N VNIC, 255 the host
  std::size_t length = 0;         // bytes as it entered the pipeline
  std::string parse;              // e.g. "ipv4/tcp", "ipv4/udp vxlan ipv6/tcp", "arp", "parse error"
  std::string lookup;             // "em H" (exact-match handle), "tcam I", "miss", "none"
  std::string action;             // the record's operations ("decap dec_ttl mark ..."), "" if none
  std::string dest;               // "wire", "vnic V q Q", "exception REASON", "drop REASON"
  model::DestType dest_type = model::DestType::kDrop;  // the decision's kind (kDrop: dropped)
  bool mirror = false;            // a copy also went to the exception ring
  std::uint64_t ingress_cycle = 0;
  std::optional<std::uint64_t> em_cycle, tcam_cycle;  // its lookups entered the tables
  std::optional<std::uint64_t> out_cycle;  // the wire's last beat, or the driver's poll
  std::string out;                // "wire", "rxq N", "exception ring", "ring drop", "dropped",
                                  // "not seen" (expected, never came out)
  /// "wire->wire", "wire->vnic", "vnic->vnic", "vnic->wire", "host->...", "...->exception".
  [[nodiscard]] std::string path() const;
};

class Scoreboard final : public NicObserver {
 public:
  /// `cfg` has the RTL's parameters (table sizes, queue and VNIC counts).
  explicit Scoreboard(const model::DeviceConfig& cfg);

  // ---- the RTL's monitors (NicObserver)
  void ingress(std::span<const std::uint8_t> frame, unsigned vport, std::uint64_t ts,
               std::uint64_t cycle) override;
  void em_lookup(std::uint64_t cycle) override;
  void tcam_lookup(std::uint64_t cycle) override;
  void em_command(unsigned op, std::span<const std::uint8_t> key,
                  std::span<const std::uint8_t> action, std::uint32_t handle,
                  std::uint64_t cycle) override;
  void tcam_command(std::uint32_t op, std::uint32_t index, std::uint16_t priority,
                    std::span<const std::uint8_t> value, std::span<const std::uint8_t> mask,
                    std::span<const std::uint8_t> action, std::uint64_t cycle) override;
  void register_write(std::uint32_t addr, std::uint32_t data, std::uint64_t cycle) override;
  void wire_out(std::span<const std::uint8_t> frame, std::uint64_t cycle) override;

  // ---- transmit completions, as the driver reaped them
  /// The completion of a descriptor of a queue owned by `vport` (255: the host) that carried
  /// `c.frame`: its status must be the model's for the same descriptor and registers.
  void tx_completion(unsigned queue, unsigned vport, const host::TxCompletion& c,
                     std::uint64_t cycle);

  // ---- what the driver received (queue -1: the exception ring)
  void received(int queue, const host::RxPacket& p, std::uint64_t cycle);
  /// Off: the host's receive queues are not compared (a host program that polls them itself,
  /// e.g. the host suite's tests): deliveries to them are only counted, and finish() checks
  /// their sum (out_vnic + out_exception + receive-path drops) instead of the ring drops.
  /// On by default; set before the first frame.
  void set_receive_checked(bool on) { receive_checked_ = on; }

  /// A self-test of the checker (`nicsim run --inject-mismatch`): the expected output of input
  /// frame `index` (ingress order) is changed (its last byte inverted) before it is compared,
  /// so that frame's output is reported as a mismatch wherever it goes (nothing happens if the
  /// frame has no output). Set before the first frame.
  void inject_mismatch(std::uint64_t index) { inject_ = index; }

  /// The per-entry counters of an installed flow as the driver read them from the NIC at the
  /// end (exact-match handle or TCAM index): compared with the model's in finish().
  void entry_counters(bool em, std::uint32_t hw, const host::FlowCounters& c);
  /// A register word the host read from the NIC at the end of the run (scenario
  /// `run.register_walk`): `rtl` against the model's register file at the same address; a
  /// mismatch names the register (`name`, e.g. "rxq[3].CQ_BASE_LO").
  void register_read(std::uint32_t addr, const std::string& name, std::uint32_t rtl,
                     std::uint64_t cycle);

  /// At the end of a run (the NIC quiet, everything polled): processes what is left, checks
  /// the ring drops and the counters against the RTL's (read by the driver).
  void finish(const host::Stats& rtl, std::uint64_t cycle);

  [[nodiscard]] const std::vector<Mismatch>& mismatches() const { return mismatches_; }
  [[nodiscard]] std::uint64_t mismatch_count() const { return mismatch_count_; }
  [[nodiscard]] std::uint64_t frames() const { return frames_; }
  [[nodiscard]] std::uint64_t compared() const { return compared_; }
  [[nodiscard]] const model::PipelineCounters& model_counters();

  /// Called once per input frame when its way is known (its output seen, its drop decided, or
  /// at finish()); set before the first frame.
  void set_frame_log(std::function<void(const FrameRecord&)> fn) { log_ = std::move(fn); }
  /// Ingress-to-output cycles of every frame whose output was seen, per FrameRecord::path().
  [[nodiscard]] const std::map<std::string, std::vector<std::uint64_t>>& latencies() const {
    return latencies_;
  }

 private:
  struct Pending {
    std::vector<std::uint8_t> bytes;
    unsigned vport = 0;
    std::uint64_t ts = 0, index = 0, cycle = 0;
    // Its lookup as the model will make it (Pipeline::lookup_plan), known once the frames
    // before it have been processed: whether there is one, and its key.
    bool planned = false;
    bool needs_em = false;
    model::FlowKey key{};
    std::optional<std::uint64_t> em_at, tcam_at;
    std::string parse;
  };
  struct Expect {
    std::uint64_t index = 0;
    std::vector<std::uint8_t> bytes;
    host::RxPacket cpl;  // expected completion fields (bytes unused)
  };
  struct TableCmd {
    std::uint64_t cycle;
    bool em;
    std::uint32_t op, index_or_handle;
    std::uint16_t priority;
    std::vector<std::uint8_t> key_or_value, mask, action;
  };

  /// Processes the pending frames whose lookups are known, in order.
  void drain(bool all);
  void apply_tables(bool em, std::uint64_t before_cycle);
  void process(Pending& p);
  void expect_delivery(const model::Delivery& d, const Pending& p);
  void mismatch(Mismatch m);
  /// The frame `index`'s output was seen (`cycle`; `out` says where) or never will be.
  void close_record(std::uint64_t index, std::optional<std::uint64_t> cycle, std::string out);
  bool same(const Expect& e, const host::RxPacket& p, std::string& field, std::string& rtl,
            std::string& mdl) const;

  model::HostMemory mem_;
  std::unique_ptr<model::NicDevice> dev_;
  bool receive_checked_ = true;
  std::optional<std::uint64_t> inject_;  // inject_mismatch()
  std::deque<Pending> pending_;
  std::deque<std::uint64_t> em_lookups_, tcam_lookups_;
  std::deque<TableCmd> cmds_;
  std::deque<Expect> wire_;
  std::map<int, std::deque<Expect>> queues_;  // receive queue (-1: exception ring)
  std::map<int, std::uint64_t> ring_drops_;
  std::uint64_t mirror_expected_ = 0;
  std::vector<Mismatch> mismatches_;
  std::uint64_t mismatch_count_ = 0, frames_ = 0, compared_ = 0;
  std::uint64_t wire_bytes_ = 0;  // bytes of the frames the model sent to the wire
  std::function<void(const FrameRecord&)> log_;
  std::vector<std::tuple<bool, std::uint32_t, host::FlowCounters>> entries_;
  std::map<std::uint64_t, FrameRecord> open_;  // frames whose output is still to come
  std::map<std::string, std::vector<std::uint64_t>> latencies_;
};

}  // namespace nicsim::sim
