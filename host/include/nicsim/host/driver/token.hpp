// SPDX-License-Identifier: MIT
// Destination tokens as the host driver provisions them (docs/spec.md 11, docs/host.md
// "Destination tokens"): the two key slots of the NIC's TOKN block, written only (a read of
// the map never shows a key), the per-ENI replay windows and the verdict counters.
//
//   drv.load_token_key(0, {enc, mac});      // waits until the NIC has taken it
//   drv.enable_tokens();
//   cfg.token_exc = true;                   // VnicConfig: refusals to the exception ring
//   const TokenStatus s = drv.token_status();
#pragma once

#include <array>
#include <cstdint>

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::host {

/// One key slot: the AES-128-CTR key and the AES-128-CMAC key (never the same).
struct TokenKey {
  std::array<std::uint8_t, 16> enc{};
  std::array<std::uint8_t, 16> mac{};
};

/// The number of verdicts (enum token_verdict of rtl/formats.yaml, REPLAY the last).
inline constexpr unsigned kTokenVerdictCount = static_cast<unsigned>(fmt::TokenVerdict::kReplay) + 1;

struct TokenStatus {
  bool enabled = false;
  std::array<bool, 2> key_valid{};  // a key in slot 0, 1
  /// Tokens checked per verdict (32-bit counters of the NIC, wrapping), by fmt::TokenVerdict.
  std::array<std::uint32_t, kTokenVerdictCount> verdicts{};
  [[nodiscard]] std::uint32_t count(fmt::TokenVerdict v) const {
    return verdicts[static_cast<unsigned>(v)];
  }
};

}  // namespace nicsim::host
