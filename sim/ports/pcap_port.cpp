// SPDX-License-Identifier: MIT
#include "nicsim/sim/pcap_port.hpp"

namespace nicsim::sim {

PcapPort::PcapPort(const std::string& in_path, const std::string& out_path)
    : in_path_(in_path), out_path_(out_path) {
  try {
    if (!in_path.empty()) reader_.emplace(in_path);
    if (!out_path.empty()) writer_.emplace(out_path);
  } catch (const model::PcapError& e) {
    throw PortError(std::string("pcap port: ") + e.what());
  }
  at_end_ = !reader_.has_value();
}

PcapPort::~PcapPort() = default;  // the writer flushes and closes itself

std::optional<model::Frame> PcapPort::receive() {
  if (at_end_) return std::nullopt;
  try {
    std::optional<model::Frame> f = reader_->next();
    if (f) {
      ++received_;
    } else {
      at_end_ = true;
    }
    return f;
  } catch (const model::PcapError& e) {
    throw PortError(std::string("pcap port: ") + e.what());
  }
}

void PcapPort::transmit(const model::Frame& frame) {
  if (!writer_) {
    ++discarded_;
    return;
  }
  try {
    writer_->write(frame);
    ++transmitted_;
  } catch (const model::PcapError& e) {
    throw PortError(std::string("pcap port: ") + e.what());
  }
}

void PcapPort::flush() {
  if (!writer_) return;
  try {
    writer_->flush();
  } catch (const model::PcapError& e) {
    throw PortError(std::string("pcap port: ") + e.what());
  }
}

std::string PcapPort::describe() const {
  return "pcap:" + (in_path_.empty() ? std::string("(none)") : in_path_) + " -> " +
         (out_path_.empty() ? std::string("(discard)") : out_path_);
}

}  // namespace nicsim::sim
