// SPDX-License-Identifier: MIT
// A wire port: where frames enter the NIC from the wire and where they leave it.
// Backends: pcap files through libpcap (PcapPort), Linux TAP devices (TapPort) and any DPDK
// ethdev (DpdkPort).
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "nicsim/model/frame.hpp"

namespace nicsim::sim {

// Raised by a port for a bad input or output (unreadable or corrupt capture, DPDK
// port that cannot be set up). The message names the file and the frame index.
class PortError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WirePort {
 public:
  virtual ~WirePort() = default;
  // Next frame from the wire, or nullopt when none is available now (see at_end()).
  // Throws PortError on a corrupt input; frames returned before it stay valid.
  virtual std::optional<model::Frame> receive() = 0;
  // True once the input is exhausted (end of file); a live port never ends.
  virtual bool at_end() const = 0;
  // A live port (a TAP device) has frames when something outside sends them: a run with one
  // goes on until it is told to stop (CosimOptions::stop), receive() returning nullopt meaning
  // "nothing now". A file's port is read to its end.
  virtual bool live() const { return false; }
  // A frame leaving the NIC onto the wire. Throws PortError if it cannot be written.
  virtual void transmit(const model::Frame& frame) = 0;
  // Push buffered output to its destination (called at the end of a run).
  virtual void flush() = 0;
  // "pcap:IN.pcap -> OUT.pcap" style description for logs and reports.
  virtual std::string describe() const = 0;
};

enum class PortKind { kPcap, kDpdk };

// Opens a wire port reading `in_path` and writing `out_path` (either may be empty:
// no input / discard output).
std::unique_ptr<WirePort> open_wire_port(PortKind kind, const std::string& in_path,
                                         const std::string& out_path);

}  // namespace nicsim::sim
