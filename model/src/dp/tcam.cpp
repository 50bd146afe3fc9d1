// SPDX-License-Identifier: MIT
#include "nicsim/model/tcam.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace nicsim::model {

Tcam::Tcam(std::uint32_t entries) : rules_(entries), packed_(entries) {
  if (entries >= kNoTcamIndex) throw std::invalid_argument("TCAM_ENTRIES too large");
  active_.reserve(entries);
}

bool Tcam::write(std::uint32_t index, std::uint16_t priority, const TcamKey& value,
                 const TcamKey& mask, const ActionRecord& action) noexcept {
  if (index >= rules_.size()) return false;
  TcamRule& r = rules_[index];
  r = TcamRule{true, priority, value, mask, action, 0, 0};
  Packed& p = packed_[index];
  for (std::size_t w = 0; w < kWords; ++w) {
    std::uint64_t v = 0;
    std::uint64_t m = 0;
    std::memcpy(&v, &value[w * 8], 8);
    std::memcpy(&m, &mask[w * 8], 8);
    p.value[w] = v & m;
    p.mask[w] = m;
  }
  rebuild_order();
  return true;
}

bool Tcam::clear(std::uint32_t index) noexcept {
  if (index >= rules_.size()) return false;
  rules_[index].valid = false;
  rebuild_order();
  return true;
}

void Tcam::clear_all() noexcept {
  for (TcamRule& r : rules_) r.valid = false;
  active_.clear();
}

void Tcam::rebuild_order() {
  active_.clear();
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (rules_[i].valid) active_.push_back(static_cast<std::uint16_t>(i));
  std::stable_sort(active_.begin(), active_.end(), [this](std::uint16_t a, std::uint16_t b) {
    return rules_[a].priority < rules_[b].priority;
  });
}

std::uint16_t Tcam::lookup(const TcamKey& key) const noexcept {
  std::array<std::uint64_t, kWords> k{};
  std::memcpy(k.data(), key.data(), kTcamKeyBytes);
  for (const std::uint16_t i : active_) {
    const Packed& p = packed_[i];
    std::uint64_t diff = 0;
    for (std::size_t w = 0; w < kWords; ++w) diff |= (k[w] & p.mask[w]) ^ p.value[w];
    if (diff == 0) return i;
  }
  return kNoTcamIndex;
}

}  // namespace nicsim::model
