// SPDX-License-Identifier: MIT
// Global counters (the counters block) and the ledger of docs/spec.md section 9.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nicsim::host {

struct Stats {
  std::uint64_t rx_wire_frames = 0, rx_wire_bytes = 0, tx_frames = 0, tx_bytes = 0;
  std::uint64_t out_wire = 0, out_wire_bytes = 0, out_vnic = 0, out_exception = 0;
  // mirror / mirror_drop: the copies to the exception ring (mirror and TCP control copies,
  // spec 5.2 step 2) delivered / not delivered; not in the ledger.
  std::uint64_t loopback = 0, mirror = 0, mirror_drop = 0;
  std::uint64_t em_hits = 0, tcam_hits = 0, misses = 0;
  std::uint64_t drop_parse_error = 0, drop_flow = 0, drop_meter = 0, drop_bad_action = 0;
  std::uint64_t drop_mtu = 0, drop_rx_no_desc = 0, drop_rx_too_long = 0, drop_rx_cq_full = 0;
  std::uint64_t drop_quota = 0, drop_exc_full = 0, drop_spoof = 0, drop_token = 0;
  std::uint64_t tx_bad_desc = 0;

  [[nodiscard]] std::uint64_t drops() const {
    return drop_parse_error + drop_flow + drop_meter + drop_bad_action + drop_mtu +
           drop_rx_no_desc + drop_rx_too_long + drop_rx_cq_full + drop_quota + drop_exc_full +
           drop_spoof + drop_token;
  }
  [[nodiscard]] std::uint64_t ledger_in() const { return rx_wire_frames + tx_frames; }
  [[nodiscard]] std::uint64_t ledger_out() const {
    return out_wire + out_vnic + out_exception + drops();
  }
  /// rx_wire_frames + tx_frames == out_wire + out_vnic + out_exception + all drops
  /// (holds whenever the pipeline is empty).
  [[nodiscard]] bool ledger_balanced() const { return ledger_in() == ledger_out(); }
  [[nodiscard]] std::string to_string() const;
  /// Every counter with its name as reports and scenario expectations spell it
  /// ("rx_wire_frames", "drop_flow", ...), in declaration order.
  [[nodiscard]] std::vector<std::pair<const char*, std::uint64_t>> named() const;
};

}  // namespace nicsim::host
