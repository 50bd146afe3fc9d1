// SPDX-License-Identifier: MIT
// TapPort against the kernel: a TAP interface made by the port, a packet socket bound to it on
// the kernel's side. Frames the socket sends are the port's input; frames the port transmits
// reach the socket. Needs CAP_NET_ADMIN (root in CI); skipped without it. Every interface has
// this process's id in its name and goes away with its port.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "nicsim/sim/tap_port.hpp"

namespace nicsim::sim {
namespace {

std::string tap_name(const char* tag) { return "nstp" + std::to_string(getpid() % 100000) + tag; }

bool can_admin_net() { return geteuid() == 0; }

// The interface up (a TAP interface passes frames only when up).
void set_up(const std::string& ifname) {
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(s, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  ASSERT_EQ(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  ASSERT_EQ(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
  close(s);
}

// A packet socket bound to the interface: the kernel's side of the TAP.
class KernelSide {
 public:
  explicit KernelSide(const std::string& ifname) {
    fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_protocol = htons(ETH_P_ALL);
    a.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    ifindex_ = a.sll_ifindex;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  }
  ~KernelSide() { close(fd_); }
  void send(const std::vector<std::uint8_t>& f) {
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_ifindex = ifindex_;
    a.sll_halen = 6;
    std::memcpy(a.sll_addr, f.data(), 6);
    ASSERT_EQ(sendto(fd_, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
              static_cast<ssize_t>(f.size()))
        << std::strerror(errno);
  }
  // The next frame of our test EtherType, waiting up to 2 s.
  std::vector<std::uint8_t> receive() {
    std::vector<std::uint8_t> buf(65536);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < until) {
      const ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n >= 14 && buf[12] == 0x88 && buf[13] == 0xb5) {
        buf.resize(static_cast<std::size_t>(n));
        return buf;
      }
      if (n < 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {};
  }

 private:
  int fd_ = -1;
  int ifindex_ = 0;
};

// A frame of the local experimental EtherType 0x88b5 (IEEE 802), nothing the kernel answers.
std::vector<std::uint8_t> test_frame(std::size_t len, std::uint8_t seed) {
  std::vector<std::uint8_t> f(len);
  const std::uint8_t hdr[14] = {0x02, 0, 0, 0, 0x77, 0x01, 0x02, 0, 0, 0, 0x77, 0x02, 0x88, 0xb5};
  std::memcpy(f.data(), hdr, sizeof hdr);
  for (std::size_t i = 14; i < len; ++i) f[i] = static_cast<std::uint8_t>(seed + i);
  return f;
}

TEST(TapPort, BadNamesAreRefusedWithTheName) {
  EXPECT_THROW(TapPort(""), PortError);
  try {
    TapPort p("a-name-longer-than-fifteen");
    FAIL() << "a 26-character name was accepted";
  } catch (const PortError& e) {
    EXPECT_NE(std::string(e.what()).find("a-name-longer-than-fifteen"), std::string::npos);
  }
}

TEST(TapPort, FramesBothWaysThroughTheKernel) {
  if (!can_admin_net()) GTEST_SKIP() << "needs CAP_NET_ADMIN (root) to create a TAP interface";
  const std::string name = tap_name("x");
  TapPort port(name);
  EXPECT_TRUE(port.live());
  EXPECT_FALSE(port.at_end());
  EXPECT_EQ(port.describe(), "tap:" + name);
  EXPECT_FALSE(port.receive().has_value()) << "nothing yet: receive() does not block";
  set_up(name);
  KernelSide k(name);

  // Kernel -> port: every length from the minimum to a full MTU frame.
  for (std::size_t len : {60u, 64u, 333u, 1514u}) {
    const auto f = test_frame(len, static_cast<std::uint8_t>(len));
    k.send(f);
    std::optional<model::Frame> got;
    for (int i = 0; i < 400 && !got; ++i) {
      got = port.receive();
      // skip what the kernel itself sends on a new interface (e.g. IPv6 router solicitations)
      if (got && !(got->data.size() >= 14 && got->data[12] == 0x88 && got->data[13] == 0xb5)) {
        got.reset();
        continue;
      }
      if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(got.has_value()) << "length " << len;
    EXPECT_EQ(got->data, f);
    EXPECT_EQ(got->orig_len, len);
  }

  // Port -> kernel.
  const auto out = test_frame(1000, 7);
  model::Frame fr;
  fr.data = out;
  port.transmit(fr);
  EXPECT_EQ(k.receive(), out);
  EXPECT_EQ(port.transmitted(), 1u);
  EXPECT_EQ(port.tx_dropped(), 0u);

  // Closed: at the end, and a transmit is a counted drop, not an error.
  port.close();
  EXPECT_TRUE(port.at_end());
  port.transmit(fr);
  EXPECT_EQ(port.tx_dropped(), 1u);
}

TEST(TapPort, AFrameToAnInterfaceThatIsDownIsACountedDrop) {
  if (!can_admin_net()) GTEST_SKIP() << "needs CAP_NET_ADMIN (root) to create a TAP interface";
  TapPort port(tap_name("d"));  // never brought up
  model::Frame fr;
  fr.data = test_frame(100, 1);
  EXPECT_NO_THROW(port.transmit(fr));
  EXPECT_EQ(port.tx_dropped(), 1u);
  EXPECT_EQ(port.transmitted(), 0u);
}

}  // namespace
}  // namespace nicsim::sim
