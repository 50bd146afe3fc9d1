// SPDX-License-Identifier: MIT
// One frame as it crosses a wire port: captured bytes, length on the wire, timestamp.
#pragma once

#include <cstdint>
#include <vector>

namespace nicsim::model {

struct Frame {
  std::vector<std::uint8_t> data;  // captured bytes (what the NIC sees)
  std::uint32_t orig_len = 0;      // length on the wire; > data.size() when the capture cut it
  std::uint64_t ts_ns = 0;         // timestamp, nanoseconds since the Unix epoch
};

}  // namespace nicsim::model
