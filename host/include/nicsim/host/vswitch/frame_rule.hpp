// SPDX-License-Identifier: MIT
// The exact-match flow rule of a received frame: what the switch installs for the flow a frame
// belongs to (and what the scenario host program's install_on_miss installs).
//
// The pattern describes the frame's header stack (docs/host.md): the levels that feed the flow
// key are matched exactly on every field the key holds (addresses, protocol, ports, the ICMP echo
// identifier, the tunnel's id, the outermost VID), the others by structure only, so the rule
// compiles to the NIC's flow key of the frame with a full mask (the exact-match table). A
// fragment's rule has no ports and compiles to the TCAM instead (no full key).
#pragma once

#include <optional>
#include <span>

#include "nicsim/host/driver/flow.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::host::vswitch {

/// The rule of `frame` received from `src_vport` (its ingress vport set, no actions), or nullopt
/// when the frame does not parse.
[[nodiscard]] std::optional<FlowRule> rule_of_frame(std::span<const std::uint8_t> frame,
                                                    unsigned src_vport);
/// The same from the frame's parse `pr` (model::Parser's default configuration, as above).
[[nodiscard]] std::optional<FlowRule> rule_of_frame(std::span<const std::uint8_t> frame,
                                                    unsigned src_vport,
                                                    const model::ParseResult& pr);

}  // namespace nicsim::host::vswitch
