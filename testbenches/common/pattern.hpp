// SPDX-License-Identifier: MIT
// Valid/ready patterns: whether a source may raise valid, or a sink raises ready, on a clock.
// A pattern is called with the clock number of the agent that uses it (0 on its first clock)
// and may draw from a generator, so its sequence is reproducible from the seed:
//
//   always()                 every clock
//   every("1110")            three clocks of four, repeating
//   random(7, 60)            60 % of clocks, from its own generator seeded with 7
//   chance(rng, 0.6)         60 % of clocks, from a generator the bench shares (draw order matters)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "nicsim/model/prng.hpp"

namespace nicsim::bench {

using Pattern = std::function<bool(std::uint64_t clock)>;

inline Pattern always() {
  return [](std::uint64_t) { return true; };
}
inline Pattern never() {
  return [](std::uint64_t) { return false; };
}
/// bits[clock % size] == '1' ("1110": three clocks of four).
inline Pattern every(std::string_view bits) {
  return [b = std::string(bits)](std::uint64_t c) { return b[c % b.size()] == '1'; };
}
/// True on `percent` % of clocks: Prng(seed).below(100) < percent, one draw a clock.
inline Pattern random(std::uint64_t seed, unsigned percent) {
  auto rng = std::make_shared<model::Prng>(seed);
  return [rng, percent](std::uint64_t) { return rng->below(100) < percent; };
}
/// rng.chance(p), one draw a clock from a generator the bench owns (and may use elsewhere).
inline Pattern chance(model::Prng& rng, double p) {
  return [&rng, p](std::uint64_t) { return rng.chance(p); };
}

}  // namespace nicsim::bench
