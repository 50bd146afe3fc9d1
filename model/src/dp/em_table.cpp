// SPDX-License-Identifier: MIT
#include "nicsim/model/em_table.hpp"

#include <stdexcept>
#include <string>

namespace nicsim::model {

ExactMatchTable::ExactMatchTable(std::uint32_t buckets_per_bank) : buckets_(buckets_per_bank) {
  if (buckets_ == 0 || (buckets_ & (buckets_ - 1)) != 0)
    throw std::invalid_argument("EM_BUCKETS must be a power of two, got " +
                                std::to_string(buckets_per_bank));
  hdr_.resize(2 * std::size_t{buckets_});
  slots_.resize(capacity());
}

EmInsertResult ExactMatchTable::insert(const FlowKey& key, const ActionRecord& action) noexcept {
  const CrcPair h = crc32c_and_crc32(key);
  if (const std::uint32_t old = find(key, h.h1, h.h2); old != kNoHandle)
    return {FlowStatus::kExists, old};
  const std::array<std::uint32_t, 2> cand{h.h1 & (buckets_ - 1),
                                          buckets_ + (h.h2 & (buckets_ - 1))};
  for (const std::uint32_t b : cand) {
    Header& hd = hdr_[b];
    for (std::uint32_t w = 0; w < kEmWays; ++w) {
      if ((hd.valid >> w & 1u) != 0) continue;
      const std::uint32_t handle = b * kEmWays + w;
      hd.valid = static_cast<std::uint8_t>(hd.valid | (1u << w));
      hd.tag[w] = h.h1;
      Slot& s = slots_[handle];
      s = Slot{};
      s.key = key;
      s.valid = 1;
      s.action = action;
      ++count_;
      return {FlowStatus::kOk, handle};
    }
  }
  return {FlowStatus::kTableFull, kNoHandle};
}

FlowStatus ExactMatchTable::erase_handle(std::uint32_t handle) noexcept {
  if (!valid(handle)) return FlowStatus::kNotFound;
  Header& hd = hdr_[handle / kEmWays];
  hd.valid = static_cast<std::uint8_t>(hd.valid & ~(1u << (handle % kEmWays)));
  slots_[handle].valid = 0;
  --count_;
  return FlowStatus::kOk;
}

FlowStatus ExactMatchTable::erase(const FlowKey& key) noexcept {
  const std::uint32_t h = find(key);
  return h == kNoHandle ? FlowStatus::kNotFound : erase_handle(h);
}

void ExactMatchTable::clear() noexcept {
  for (std::size_t b = 0; b < hdr_.size(); ++b) {
    for (std::uint32_t w = 0; w < kEmWays; ++w)
      if ((hdr_[b].valid >> w & 1u) != 0) slots_[b * kEmWays + w].valid = 0;
    hdr_[b].valid = 0;
  }
  count_ = 0;
}

bool ExactMatchTable::read(std::uint32_t handle, EmEntry& out) const noexcept {
  if (!valid(handle)) return false;
  out.key = slots_[handle].key;
  out.action = slots_[handle].action;
  out.counters = counters(handle);
  return true;
}

}  // namespace nicsim::model
