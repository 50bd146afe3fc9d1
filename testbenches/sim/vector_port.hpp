// SPDX-License-Identifier: MIT
// VectorPort: an in-memory WirePort for the benches: frames in from a vector, frames out
// into a vector; optionally throws PortError on receive() of a given frame.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nicsim/model/frame.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::testbenches {

class VectorPort : public sim::WirePort {
 public:
  explicit VectorPort(std::vector<model::Frame> in) : in_(std::move(in)) {}

  // receive() of input frame `index` (0-based) throws PortError instead of returning it.
  void throw_at(std::size_t index) { throw_at_ = index; }
  // transmit() of output frame `index` (0-based) throws PortError instead of keeping it.
  void throw_on_transmit(std::size_t index) { throw_on_transmit_ = index; }

  std::optional<model::Frame> receive() override {
    if (next_ >= in_.size()) return std::nullopt;
    if (throw_at_ && *throw_at_ == next_) {
      throw sim::PortError("vector port: frame " + std::to_string(next_) + " is corrupt");
    }
    return in_[next_++];
  }
  bool at_end() const override { return next_ >= in_.size(); }
  void transmit(const model::Frame& frame) override {
    if (throw_on_transmit_ && *throw_on_transmit_ == out_.size()) {
      throw sim::PortError("vector port: cannot write frame " + std::to_string(out_.size()));
    }
    out_.push_back(frame);
  }
  void flush() override { ++flushes_; }
  std::string describe() const override { return "vector"; }

  const std::vector<model::Frame>& in() const { return in_; }
  const std::vector<model::Frame>& out() const { return out_; }
  int flushes() const { return flushes_; }

 private:
  std::vector<model::Frame> in_;
  std::size_t next_ = 0;
  std::optional<std::size_t> throw_at_;
  std::optional<std::size_t> throw_on_transmit_;
  std::vector<model::Frame> out_;
  int flushes_ = 0;
};

}  // namespace nicsim::testbenches
