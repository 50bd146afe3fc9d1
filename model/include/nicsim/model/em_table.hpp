// SPDX-License-Identifier: MIT
// The exact-match flow table (spec section 4.2): two banks of EM_BUCKETS buckets of 4 ways; a
// key lives in bank 0 bucket h1 mod EM_BUCKETS or bank 1 bucket h2 mod EM_BUCKETS.
//
// Storage: per bucket a small header (valid bits and the h1 of each way's key as a tag, one
// 32-byte block), and per entry one 128-byte slot indexed by handle: the key, a copy of its
// valid bit and the counters in the first cache line, the action record in the second. A lookup
// reads way 0 of the bank-0 bucket (where most keys live) straight from its slot, and the other
// ways after comparing their tag; it always compares the whole key and the valid bit, so
// semantics are exactly the spec's. The slots (8 MiB by default) are on huge pages.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/huge_pages.hpp"

namespace nicsim::model {

/// Command statuses (values as in the flow command ring, spec section 10; rtl/formats.yaml).
using FlowStatus = fmt::FlowStatus;

inline constexpr std::uint32_t kNoHandle = 0xFFFFFFFFu;
inline constexpr std::uint32_t kEmWays = 4;

struct EmCounters {
  std::uint64_t pkts = 0;
  std::uint64_t bytes = 0;
  std::uint32_t last_seen = 0;  // ingress timestamp >> 16
};

struct EmInsertResult {
  FlowStatus status = FlowStatus::kOk;
  std::uint32_t handle = kNoHandle;  // kOk: the new entry; kExists: the existing one
};

/// One entry as read back by handle.
struct EmEntry {
  FlowKey key{};
  ActionRecord action{};
  EmCounters counters{};
};

class ExactMatchTable {
 public:
  /// buckets_per_bank: a power of two (>= 1). Throws std::invalid_argument otherwise.
  explicit ExactMatchTable(std::uint32_t buckets_per_bank);

  [[nodiscard]] std::uint32_t buckets() const noexcept { return buckets_; }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return 2 * buckets_ * kEmWays; }
  [[nodiscard]] std::uint32_t count() const noexcept { return count_; }

  /// Insert (spec 4.2): EXISTS if present, else the first free way of bank 0's bucket, then of
  /// bank 1's; else TABLE_FULL. New entries start with zero counters.
  EmInsertResult insert(const FlowKey& key, const ActionRecord& action) noexcept;
  FlowStatus erase(const FlowKey& key) noexcept;
  FlowStatus erase_handle(std::uint32_t handle) noexcept;
  void clear() noexcept;

  /// Handle of the entry holding key, or kNoHandle (no counter update).
  [[nodiscard]] std::uint32_t find(const FlowKey& key) const noexcept {
    const CrcPair h = crc32c_and_crc32(key);
    return find(key, h.h1, h.h2);
  }
  /// Requests the cache lines find_h1(key, h1) reads first (way 0 of the bank-0 bucket, its
  /// action, the bucket header): a hint, no effect on the table.
  void prefetch(std::uint32_t h1) const noexcept {
    const std::uint32_t b0 = h1 & (buckets_ - 1);
    const auto* line = reinterpret_cast<const char*>(&slots_[b0 * kEmWays]);
    __builtin_prefetch(line, 1);  // counters are written on a hit
    __builtin_prefetch(line + 64);
    __builtin_prefetch(&hdr_[b0]);
  }
  /// Lookup with h1 known; h2 is computed only when bank 0 does not hold the key.
  [[nodiscard]] std::uint32_t find_h1(const FlowKey& key, std::uint32_t h1) const noexcept {
    const std::uint32_t b0 = h1 & (buckets_ - 1);
    // Way 0 of the bank-0 bucket is where most keys live: its slot is checked directly (its
    // own valid copy and key), without waiting for the bucket header; the action line is
    // fetched meanwhile. The header is fetched too, for the other ways.
    const std::uint32_t way0 = b0 * kEmWays;
    const auto* line = reinterpret_cast<const char*>(&slots_[way0]);
    __builtin_prefetch(&hdr_[b0]);
    __builtin_prefetch(line + 64);
    if (slots_[way0].valid != 0 && same_key(slots_[way0].key, key)) return way0;
    const std::uint32_t r0 = probe(b0, key, h1, 1);
    if (r0 != kNoHandle) return r0;
    return probe(buckets_ + (crc32(key) & (buckets_ - 1)), key, h1);
  }
  [[nodiscard]] std::uint32_t find(const FlowKey& key, std::uint32_t h1,
                                   std::uint32_t h2) const noexcept {
    const std::uint32_t b0 = h1 & (buckets_ - 1);
    const std::uint32_t r0 = probe(b0, key, h1);
    if (r0 != kNoHandle) return r0;
    return probe(buckets_ + (h2 & (buckets_ - 1)), key, h1);
  }

  /// A packet hit the entry: counters and last-seen.
  void hit(std::uint32_t handle, std::uint32_t frame_len, std::uint64_t ingress_cycle) noexcept {
    Slot& s = slots_[handle];
    ++s.pkts;
    s.bytes += frame_len;
    s.last_seen = static_cast<std::uint32_t>(ingress_cycle >> 16);
  }

  [[nodiscard]] bool valid(std::uint32_t handle) const noexcept {
    return handle < capacity() && (hdr_[handle / kEmWays].valid >> (handle % kEmWays) & 1u) != 0;
  }
  /// The entry at handle; std::nullopt-like: returns false when the handle holds no entry.
  bool read(std::uint32_t handle, EmEntry& out) const noexcept;
  [[nodiscard]] const ActionRecord& action(std::uint32_t handle) const noexcept {
    return slots_[handle].action;
  }
  [[nodiscard]] EmCounters counters(std::uint32_t handle) const noexcept {
    const Slot& s = slots_[handle];
    return {s.pkts, s.bytes, s.last_seen};
  }
  [[nodiscard]] const FlowKey& key(std::uint32_t handle) const noexcept {
    return slots_[handle].key;
  }

 private:
  // One bucket header: 4 tags (h1 of the way's key) and the valid bits; 32 bytes.
  struct alignas(32) Header {
    std::array<std::uint32_t, kEmWays> tag{};
    std::uint8_t valid = 0;
  };

  /// bucket: global bucket index (bank * buckets_ + bucket).
  /// Ways first_way .. kEmWays-1.
  [[nodiscard]] std::uint32_t probe(std::uint32_t bucket, const FlowKey& key, std::uint32_t h1,
                                    std::uint32_t first_way = 0) const noexcept {
    const Header& h = hdr_[bucket];
    for (std::uint32_t w = first_way; w < kEmWays; ++w) {
      if ((h.valid >> w & 1u) != 0 && h.tag[w] == h1) {
        const std::uint32_t handle = bucket * kEmWays + w;
        if (same_key(slots_[handle].key, key)) return handle;
      }
    }
    return kNoHandle;
  }

  // One entry, two cache lines: key, valid (the header's bit, copied) and counters in the first,
  // the action record in the second.
  struct alignas(128) Slot {
    FlowKey key{};                 // bytes 0..41
    std::uint8_t valid = 0;        // 42
    std::uint32_t last_seen = 0;   // 44..47
    std::uint64_t pkts = 0;        // 48..55
    std::uint64_t bytes = 0;       // 56..63
    ActionRecord action{};         // 64..127
  };
  static_assert(sizeof(ActionRecord) == 64 && sizeof(Slot) == 128);

  static bool same_key(const FlowKey& a, const FlowKey& b) noexcept {
    std::uint64_t d = 0;
    for (std::size_t i = 0; i < 40; i += 8) {
      std::uint64_t x = 0;
      std::uint64_t y = 0;
      std::memcpy(&x, &a[i], 8);
      std::memcpy(&y, &b[i], 8);
      d |= x ^ y;
    }
    return d == 0 && a[40] == b[40] && a[41] == b[41];
  }

  std::uint32_t buckets_;
  std::uint32_t count_ = 0;
  std::vector<Header> hdr_;  // 2 * buckets_
  std::vector<Slot, HugePageAllocator<Slot>> slots_;  // capacity()
};

}  // namespace nicsim::model
