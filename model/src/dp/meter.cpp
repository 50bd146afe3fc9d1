// SPDX-License-Identifier: MIT
#include "nicsim/model/meter.hpp"

namespace nicsim::model {

bool MeterBank::configure(std::uint32_t index, std::uint32_t rate, std::uint32_t burst,
                          std::uint64_t now_cycle) noexcept {
  if (index == 0 || index >= m_.size()) return false;
  MeterState& s = m_[index];
  s.rate = rate;
  s.burst = burst;
  s.tokens = burst;
  s.last_tick = tick_of(now_cycle);
  return true;
}

}  // namespace nicsim::model
