// SPDX-License-Identifier: MIT
// open_wire_port: the factory behind `nicsim run --port pcap|dpdk`.
#include "nicsim/sim/wire_port.hpp"

#include "nicsim/sim/dpdk_port.hpp"
#include "nicsim/sim/pcap_port.hpp"

namespace nicsim::sim {

std::unique_ptr<WirePort> open_wire_port(PortKind kind, const std::string& in_path,
                                         const std::string& out_path) {
  switch (kind) {
    case PortKind::kPcap:
      return std::make_unique<PcapPort>(in_path, out_path);
    case PortKind::kDpdk:
      return DpdkPort::open_files(in_path, out_path);
  }
  throw PortError("unknown wire port kind");
}

}  // namespace nicsim::sim
