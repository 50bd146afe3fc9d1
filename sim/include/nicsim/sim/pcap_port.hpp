// SPDX-License-Identifier: MIT
// PcapPort: a wire port over capture files through libpcap (the embedded default).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "nicsim/model/pcap_io.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

// Reads frames from a pcap/pcapng file and writes transmitted frames to a nanosecond pcap.
// Either path may be empty: no input (at_end() from the start) / output discarded (counted).
// Timestamps and original lengths pass through unchanged in both directions.
class PcapPort final : public WirePort {
 public:
  // Throws PortError if the input cannot be opened (missing, bad header, not Ethernet) or
  // the output cannot be created.
  PcapPort(const std::string& in_path, const std::string& out_path);
  ~PcapPort() override;

  std::optional<model::Frame> receive() override;
  // True once receive() has returned nullopt at the end of the input (or there is none).
  bool at_end() const override { return at_end_; }
  void transmit(const model::Frame& frame) override;
  void flush() override;
  std::string describe() const override;

  std::size_t received() const { return received_; }
  std::size_t transmitted() const { return transmitted_; }
  // Frames given to transmit() with no output file.
  std::size_t discarded() const { return discarded_; }

 private:
  std::string in_path_;
  std::string out_path_;
  std::optional<model::PcapReader> reader_;
  std::optional<model::PcapWriter> writer_;
  bool at_end_ = false;
  std::size_t received_ = 0;
  std::size_t transmitted_ = 0;
  std::size_t discarded_ = 0;
};

}  // namespace nicsim::sim
