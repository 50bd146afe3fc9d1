// SPDX-License-Identifier: MIT
// The ternary CAM (spec section 4.3): prioritised value/mask rules over the 56-byte TCAM key.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/flow_key.hpp"

namespace nicsim::model {

inline constexpr std::uint16_t kNoTcamIndex = 0xFFFF;

struct TcamRule {
  bool valid = false;
  std::uint16_t priority = 0;  // lower wins; equal: lower index wins
  TcamKey value{};
  TcamKey mask{};
  ActionRecord action{};
  std::uint64_t pkts = 0;
  std::uint64_t bytes = 0;
};

class Tcam {
 public:
  /// entries: TCAM_ENTRIES (the spec allows 16..256; any value < 0xFFFF works here).
  explicit Tcam(std::uint32_t entries);

  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(rules_.size());
  }
  /// Writes rule `index` (valid, counters zeroed). False when index >= size().
  bool write(std::uint32_t index, std::uint16_t priority, const TcamKey& value,
             const TcamKey& mask, const ActionRecord& action) noexcept;
  /// Invalidates rule `index`. False when index >= size().
  bool clear(std::uint32_t index) noexcept;
  void clear_all() noexcept;
  [[nodiscard]] const TcamRule& rule(std::uint32_t index) const noexcept { return rules_[index]; }

  /// The index of the winning rule for key, or kNoTcamIndex (no counter update).
  [[nodiscard]] std::uint16_t lookup(const TcamKey& key) const noexcept;
  void hit(std::uint16_t index, std::uint32_t frame_len) noexcept {
    ++rules_[index].pkts;
    rules_[index].bytes += frame_len;
  }

 private:
  static constexpr std::size_t kWords = kTcamKeyBytes / 8;  // 7
  struct Packed {
    std::array<std::uint64_t, kWords> value{};  // value & mask
    std::array<std::uint64_t, kWords> mask{};
  };
  std::vector<TcamRule> rules_;
  std::vector<Packed> packed_;
  std::vector<std::uint16_t> active_;  // valid indices in (priority, index) order
  void rebuild_order();
};

}  // namespace nicsim::model
