// SPDX-License-Identifier: MIT
// Helpers shared by the datapath benches.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pipeline.hpp"

namespace nicsim::model::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes to_vec(ByteSpan s) { return {s.begin(), s.end()}; }

inline std::array<std::uint8_t, 16> v4_field(Ipv4Addr a) {
  std::array<std::uint8_t, 16> f{};
  store_be32(&f[12], a.value());
  return f;
}

/// A pipeline with one EM entry installed for `frame` from `vport`, then the frame processed.
struct Bench {
  PipelineConfig cfg{};
  Pipeline p{cfg};
  explicit Bench(PipelineConfig c = {}) : cfg(c), p(c) {}

  const Result& run(const Bytes& frame, const ActionRecord& a, std::uint8_t vport = 0,
                    std::uint64_t cycle = 1000) {
    const auto r = p.em().insert(flow_key_of(frame, vport), a);
    EXPECT_NE(r.status, FlowStatus::kTableFull);
    return p.process(frame, vport, cycle);
  }
};

}  // namespace nicsim::model::test
