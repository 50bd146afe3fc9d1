// SPDX-License-Identifier: MIT
// JSON form of a parsed frame, one object per frame (one line each with dump()).
//
//   {"i":0,"len":98,"eth":{"src":"02:..","dst":"02:..","type":2048},"vlan":[100],
//    "ip":{"v":4,"src":"10.0.0.1","dst":"10.0.0.2","proto":17,"ttl":64,"frag":false},
//    "l4":{"sport":1024,"dport":4789},"tunnel":{"type":"vxlan","vni":42},
//    "inner":{"eth":{..},"ip":{..},"l4":{..},"error":null},"error":null}
//
// Keys in this order, a layer's key only when the layer is present: i, len, orig_len (only when
// the capture is shorter than the frame), eth, vlan, arp, ip, l4, tunnel, inner, error. "inner"
// has the same keys minus i/len/orig_len. "error" is always there: null or the error text.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include "nicsim/model/frame.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::cli {

/// Parses the frame (default parser configuration) and maps the result.
[[nodiscard]] nlohmann::ordered_json parse_to_json(const nicsim::model::Frame& f,
                                                   std::size_t index);

/// Maps an existing parse result of f (e.g. from a configured parser).
[[nodiscard]] nlohmann::ordered_json parse_result_to_json(const nicsim::model::Frame& f,
                                                          std::size_t index,
                                                          const nicsim::model::ParseResult& r);

}  // namespace nicsim::cli
