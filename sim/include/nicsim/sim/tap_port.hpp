// SPDX-License-Identifier: MIT
// TapPort: a port on a Linux TAP device (/dev/net/tun, IFF_TAP | IFF_NO_PI), so that the
// kernel's network stack sends and receives the frames: `nicsim run --wire-tap IFNAME` puts it
// on the NIC's wire, `--vnic-tap VPORT=IFNAME` behind a VNIC (the frames the interface sends
// are the VNIC's transmit traffic; the frames the driver receives for the VNIC are written to
// the interface). The interface may live in another network namespace (a stand-in for a VM):
// the descriptor stays valid when the link moves.
//
// Attaching to an existing interface (e.g. one made with `ip tuntap add dev X mode tap`) needs
// its owner's rights; a missing one is created (CAP_NET_ADMIN) and goes away with the port.
// A TAP port is live: at_end() is false until close(); receive() never blocks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nicsim/sim/wire_port.hpp"

namespace nicsim::sim {

class TapPort final : public WirePort {
 public:
  /// Throws PortError naming the interface (no /dev/net/tun, no rights, a name too long).
  explicit TapPort(const std::string& ifname);
  ~TapPort() override;
  TapPort(const TapPort&) = delete;
  TapPort& operator=(const TapPort&) = delete;

  /// The next frame the kernel sent, or nullopt when there is none now. Frames shorter than
  /// an Ethernet header are counted (runts()) and skipped.
  std::optional<model::Frame> receive() override;
  bool at_end() const override { return fd_ < 0; }
  bool live() const override { return true; }
  /// Writes the frame to the kernel. A frame the interface cannot take now (it is down, or its
  /// queue is full) is dropped and counted (tx_dropped()), as a real link would.
  void transmit(const model::Frame& frame) override;
  void flush() override {}
  std::string describe() const override { return "tap:" + ifname_; }
  /// Detaches from the interface; at_end() is true afterwards.
  void close();

  [[nodiscard]] const std::string& ifname() const { return ifname_; }
  [[nodiscard]] std::size_t received() const { return received_; }
  [[nodiscard]] std::size_t transmitted() const { return transmitted_; }
  [[nodiscard]] std::size_t tx_dropped() const { return tx_dropped_; }
  [[nodiscard]] std::size_t runts() const { return runts_; }

 private:
  std::string ifname_;
  int fd_ = -1;
  std::vector<std::uint8_t> buf_;  // one read's room, kept between calls
  std::size_t received_ = 0, transmitted_ = 0, tx_dropped_ = 0, runts_ = 0;
};

}  // namespace nicsim::sim
