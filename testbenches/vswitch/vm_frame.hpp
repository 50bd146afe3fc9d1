// SPDX-License-Identifier: MIT
// A VM's frame, built with the packet library (not the code under test): what the switch's
// end-to-end benches (switch_test.cpp, migration_test.cpp) send from a VM's transmit queue.
#pragma once

#include <cstdint>
#include <vector>

#include "nicsim/model/builder.hpp"

namespace nicsim::host::vswitch {

/// A VM's TCP or UDP frame (customer addresses); `payload` when given, else 40 bytes 0..39.
inline std::vector<std::uint8_t> vm_frame(std::uint64_t smac, std::uint64_t dmac, const char* sip,
                                          const char* dip, std::uint16_t sport,
                                          std::uint16_t dport, bool udp = false,
                                          std::uint8_t flags = model::tcpflag::kSyn,
                                          model::ByteSpan payload = {}) {
  model::PacketBuilder b;
  b.eth({.dst = model::MacAddr::from_u64(dmac), .src = model::MacAddr::from_u64(smac)});
  b.ipv4({.src = *model::Ipv4Addr::parse(sip), .dst = *model::Ipv4Addr::parse(dip)});
  if (udp) {
    b.udp({.sport = sport, .dport = dport});
  } else {
    b.tcp({.sport = sport, .dport = dport, .flags = flags});
  }
  return (payload.empty() ? b.payload(40) : b.payload(payload)).bytes();
}

}  // namespace nicsim::host::vswitch
