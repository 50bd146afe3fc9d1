// SPDX-License-Identifier: MIT
#include "nicsim/sim/tap_port.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace nicsim::sim {

namespace {

constexpr std::size_t kMaxFrame = 65536;  // a TAP device's largest frame (its MTU is lower)
constexpr std::size_t kEthHeader = 14;

std::string err(const std::string& ifname, const std::string& what) {
  return "tap port " + ifname + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

TapPort::TapPort(const std::string& ifname) : ifname_(ifname), buf_(kMaxFrame) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    throw PortError("tap port '" + ifname + "': an interface name has 1 to " +
                    std::to_string(IFNAMSIZ - 1) + " characters");
  }
  fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw PortError(err(ifname, "cannot open /dev/net/tun"));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, ifname.data(), ifname.size());
  if (::ioctl(fd_, TUNSETIFF, &ifr) < 0) {
    const std::string msg = err(ifname, "TUNSETIFF (attach or create the interface)");
    ::close(fd_);
    fd_ = -1;
    throw PortError(msg);
  }
}

TapPort::~TapPort() { close(); }

void TapPort::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::optional<model::Frame> TapPort::receive() {
  if (fd_ < 0) return std::nullopt;
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data(), buf_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
      throw PortError(err(ifname_, "read"));
    }
    if (static_cast<std::size_t>(n) < kEthHeader) {  // nothing a NIC could carry
      ++runts_;
      continue;
    }
    model::Frame f;
    f.data.assign(buf_.begin(), buf_.begin() + n);
    f.orig_len = static_cast<std::uint32_t>(n);
    ++received_;
    return f;
  }
}

void TapPort::transmit(const model::Frame& frame) {
  if (fd_ < 0 || frame.data.empty()) {
    ++tx_dropped_;
    return;
  }
  for (;;) {
    const ssize_t n = ::write(fd_, frame.data.data(), frame.data.size());
    if (n >= 0) {
      ++transmitted_;
      return;
    }
    if (errno == EINTR) continue;
    // EIO: the interface is down (or moved and not up yet); EAGAIN: its queue is full.
    if (errno == EIO || errno == EAGAIN || errno == EWOULDBLOCK) {
      ++tx_dropped_;
      return;
    }
    throw PortError(err(ifname_, "write"));
  }
}

}  // namespace nicsim::sim
