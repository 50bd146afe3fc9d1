// SPDX-License-Identifier: MIT
// Token-bucket meters (spec section 5.4). A tick is 256 cycles: tick = ingress_cycle >> 8.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nicsim::model {

struct MeterState {
  std::uint32_t rate = 0;   // bytes per tick
  std::uint32_t burst = 0;  // bytes
  std::uint32_t tokens = 0;
  std::uint32_t last_tick = 0;
  std::uint64_t passed = 0;   // packets that passed (model statistics)
  std::uint64_t dropped = 0;  // packets dropped
};

class MeterBank {
 public:
  /// num_meters: NUM_METERS; meter 0 means "no meter", usable indices 1..num_meters-1.
  explicit MeterBank(std::uint32_t num_meters) : m_(num_meters) {}

  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(m_.size()); }
  [[nodiscard]] static constexpr std::uint32_t tick_of(std::uint64_t cycle) noexcept {
    return static_cast<std::uint32_t>(cycle >> 8);
  }

  /// Writes a meter's configuration: tokens = burst, last_tick = tick of now_cycle.
  /// False when index is 0 or out of range.
  bool configure(std::uint32_t index, std::uint32_t rate, std::uint32_t burst,
                 std::uint64_t now_cycle) noexcept;

  /// A packet of len bytes at ingress_cycle: true = pass. index must be 1..size()-1.
  bool check(std::uint32_t index, std::uint32_t len, std::uint64_t ingress_cycle) noexcept {
    MeterState& s = m_[index];
    const std::uint32_t tick = tick_of(ingress_cycle);
    const std::uint64_t elapsed = static_cast<std::uint32_t>(tick - s.last_tick);
    const std::uint64_t t = std::uint64_t{s.tokens} + elapsed * s.rate;
    s.tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(s.burst, t));
    s.last_tick = tick;
    if (s.tokens >= len) {
      s.tokens -= len;
      ++s.passed;
      return true;
    }
    ++s.dropped;
    return false;
  }

  [[nodiscard]] const MeterState& state(std::uint32_t index) const noexcept { return m_[index]; }

 private:
  std::vector<MeterState> m_;
};

}  // namespace nicsim::model
