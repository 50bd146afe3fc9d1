// SPDX-License-Identifier: MIT
// Header transposition (spec sections 5.2, 5.3, 5.5): applies the packet-changing steps of an
// action record (decap, L3/L4 rewrite with incremental checksum updates, TTL, MAC rewrite,
// VLAN pop/push/rewrite, VXLAN encap) to a frame, into a buffer owned by the Transposer.
//
// Meter, mirror, mark and the destination are the pipeline's; the checks that make an action
// `bad_action` are too (action_problem in pipeline.hpp): apply() assumes they passed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/bytes.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::model {

class Transposer {
 public:
  /// Room in front of the frame for a VLAN push and the largest encap header.
  static constexpr std::size_t kHeadroom = 128;

  /// max_frame: the longest input frame expected (a longer one grows the buffer once).
  explicit Transposer(std::size_t max_frame = 16384) : buf_(kHeadroom + max_frame) {}

  /// Spec 5.3: dec_ttl set and the TTL / hop limit of the IP header the rewrite acts on (the
  /// inner one after decap) is 0 or 1.
  [[nodiscard]] static bool ttl_expired(const ParseResult& pr, const ActionRecord& a) noexcept;

  /// True when the action changes a byte of what a decap keeps (of the whole frame without a
  /// decap), or adds headers: apply() then writes its output into the Transposer's buffer.
  [[nodiscard]] static bool rewrites(const ActionRecord& a) noexcept;

  /// Applies decap, L3/L4 rewrite, dec_ttl (TTL must not be expired), MAC rewrite, VLAN op and
  /// encap. The result is output(): `frame` itself when the action modifies nothing, the inner
  /// frame within `frame` when it only decapsulates, else the Transposer's buffer (only the
  /// bytes that are kept copied). h1: the flow key's CRC-32C (VXLAN source port).
  void apply(ByteSpan frame, const ParseResult& pr, const ActionRecord& a, std::uint32_t h1,
             const EncapTable& encap) noexcept;

  [[nodiscard]] ByteSpan output() const noexcept { return out_; }
  /// The header layout changed (decap, encap, a tag pushed or popped): the parse of the input no
  /// longer describes the output.
  [[nodiscard]] bool layout_changed() const noexcept { return layout_changed_; }

 private:
  std::vector<std::uint8_t> buf_;
  ByteSpan out_{};
  bool layout_changed_ = false;
};

}  // namespace nicsim::model
