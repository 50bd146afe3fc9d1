// SPDX-License-Identifier: MIT
// The NIC's global counters (docs/spec.md section 9; the counters block of rtl/regs.yaml) and
// the packet ledger built from them.
#pragma once

#include <cstdint>

namespace nicsim::model {

/// One field per register of the counters block, same names in lower case.
struct DeviceCounters {
  std::uint64_t rx_wire_frames = 0;
  std::uint64_t rx_wire_bytes = 0;
  std::uint64_t tx_frames = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t out_wire = 0;
  std::uint64_t out_vnic = 0;
  std::uint64_t out_exception = 0;
  std::uint64_t loopback = 0;
  std::uint64_t mirror = 0;       // copies delivered (mirror and TCP control, spec 5.2 step 2)
  std::uint64_t mirror_drop = 0;  // such copies the exception ring could not take
  std::uint64_t em_hits = 0;
  std::uint64_t tcam_hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t drop_parse_error = 0;
  std::uint64_t drop_flow = 0;
  std::uint64_t drop_meter = 0;
  std::uint64_t drop_bad_action = 0;
  std::uint64_t drop_mtu = 0;
  std::uint64_t drop_rx_no_desc = 0;
  std::uint64_t drop_rx_too_long = 0;
  std::uint64_t drop_rx_cq_full = 0;
  std::uint64_t drop_quota = 0;
  std::uint64_t drop_exc_full = 0;
  std::uint64_t drop_spoof = 0;
  std::uint64_t tx_bad_desc = 0;
  std::uint64_t out_wire_bytes = 0;
  std::uint64_t drop_token = 0;  // refused destination tokens dropped (spec 11)

  [[nodiscard]] std::uint64_t drops() const noexcept {
    return drop_parse_error + drop_flow + drop_meter + drop_bad_action + drop_mtu +
           drop_rx_no_desc + drop_rx_too_long + drop_rx_cq_full + drop_quota + drop_exc_full +
           drop_spoof + drop_token;
  }
  friend bool operator==(const DeviceCounters&, const DeviceCounters&) = default;
};

/// rx_wire_frames + tx_frames == out_wire + out_vnic + out_exception + all drops.
struct Ledger {
  std::uint64_t in = 0;     // rx_wire_frames + tx_frames
  std::uint64_t out = 0;    // out_wire + out_vnic + out_exception
  std::uint64_t drops = 0;  // sum of the drop counters

  [[nodiscard]] bool balanced() const noexcept { return in == out + drops; }
  friend bool operator==(const Ledger&, const Ledger&) = default;

  [[nodiscard]] static Ledger from(const DeviceCounters& c) noexcept {
    return Ledger{c.rx_wire_frames + c.tx_frames, c.out_wire + c.out_vnic + c.out_exception,
                  c.drops()};
  }
};

}  // namespace nicsim::model
