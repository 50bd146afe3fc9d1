// SPDX-License-Identifier: MIT
// DpdkPort through the net_pcap PMD (and net_null as a stand-in live device). Every test
// case runs in its own process (gtest_discover_tests), so each starts its own EAL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "capture_files.hpp"
#include "nicsim/sim/dpdk_port.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::testing {
namespace {

using model::Frame;
using sim::DpdkEal;
using sim::DpdkPort;
using sim::PortError;
using sim::PortKind;
using ::testing::Contains;
using ::testing::HasSubstr;

// Receives until the port reports the end, transmitting each frame; returns what came in.
std::vector<Frame> pass_through(sim::WirePort& port) {
  std::vector<Frame> got;
  for (int idle = 0; !port.at_end(); ) {
    auto f = port.receive();
    if (!f) {
      // A file port must end right after its first empty receive.
      if (++idle > 1) ADD_FAILURE() << "empty receive without at_end()";
      if (idle > 1) break;
      continue;
    }
    port.transmit(*f);
    got.push_back(std::move(*f));
  }
  port.flush();
  return got;
}

void expect_same_bytes(const std::vector<Frame>& got, const std::vector<Frame>& expect) {
  ASSERT_EQ(got.size(), expect.size());
  for (std::size_t i = 0; i < expect.size(); ++i) {
    ASSERT_EQ(got[i].data, expect[i].data) << "frame " << i;
  }
}

TEST(DpdkEal, StartsWithoutHugepagesOrPciAndOnlyOnce) {
  DpdkEal& eal = DpdkEal::instance();
  EXPECT_TRUE(eal.owned());
  EXPECT_THAT(eal.args(), Contains("--no-huge"));
  EXPECT_THAT(eal.args(), Contains("--no-pci"));
  EXPECT_EQ(&DpdkEal::instance(), &eal);  // the second call reuses, no second rte_eal_init
}

// A failed start is a PortError naming the arguments, and it is final: DPDK cannot run
// rte_eal_init again. Run in a fresh process (threadsafe death-test style re-executes the
// bench) so that it holds even when all cases share one process.
TEST(DpdkEal, FailedStartIsAPortErrorEveryTime) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("NICSIM_DPDK_EAL_ARGS", "--no-such-eal-option", 1);
        int errors = 0;
        for (int i = 0; i < 2; ++i) {
          try {
            DpdkEal::instance();
          } catch (const PortError& e) {
            if (std::string(e.what()).find("--no-such-eal-option") != std::string::npos) ++errors;
          }
        }
        std::exit(errors == 2 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(DpdkPort, RoundTripOfEveryLengthFrom60To1518AndJumbo) {
  ScratchDir dir;
  const std::string in = dir / "in.pcap";
  const std::string out = dir / "out.pcap";
  std::vector<Frame> frames;
  std::uint64_t ts = 1'700'000'000'000'000'001ull;
  for (std::uint32_t len = 60; len <= 1518; ++len) frames.push_back(make_frame(len, len, ts++));
  frames.push_back(make_frame(9000, 1, ts++));
  frames.push_back(make_frame(64, 2, ts++, /*orig_len=*/1500));  // cut by the capture
  write_capture(in, frames);

  std::vector<Frame> got;
  {
    auto port = sim::open_wire_port(PortKind::kDpdk, in, out);
    EXPECT_EQ(port->describe(), "dpdk:net_pcap(" + in + " -> " + out + ")");
    got = pass_through(*port);
    EXPECT_TRUE(port->at_end());
    EXPECT_FALSE(port->receive());
    auto* dpdk = dynamic_cast<DpdkPort*>(port.get());
    ASSERT_NE(dpdk, nullptr);
    EXPECT_EQ(dpdk->stats().received, frames.size());
    EXPECT_EQ(dpdk->stats().transmitted, frames.size());
    EXPECT_EQ(dpdk->stats().tx_dropped, 0u);
  }
  // What came in: the file's frames, with its nanosecond timestamps and wire lengths.
  expect_same_bytes(got, frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(got[i].ts_ns, frames[i].ts_ns) << i;
    EXPECT_EQ(got[i].orig_len, frames[i].orig_len) << i;
  }
  // What went out through net_pcap: the same bytes in the same order.
  expect_same_bytes(read_capture(out), frames);
}

TEST(DpdkPort, FramesLargerThanOneMbufRoundTripAsChains) {
  ScratchDir dir;
  const std::string in = dir / "in.pcap";
  const std::string out = dir / "out.pcap";
  std::vector<Frame> frames;
  for (std::size_t len : {std::size_t{DpdkPort::kMbufData}, std::size_t{DpdkPort::kMbufData + 1},
                          std::size_t{12000}, DpdkPort::kNetPcapMaxFrame}) {
    frames.push_back(make_frame(len, static_cast<std::uint32_t>(len), len));
  }
  write_capture(in, frames);
  {
    auto port = DpdkPort::open_files(in, out);
    expect_same_bytes(pass_through(*port), frames);
  }
  expect_same_bytes(read_capture(out), frames);
}

TEST(DpdkPort, FrameTooLargeForNetPcapIsRefused) {
  ScratchDir dir;
  auto port = DpdkPort::open_files("", dir / "out.pcap");
  EXPECT_THROW(port->transmit(make_frame(DpdkPort::kNetPcapMaxFrame + 1, 1, 1)), PortError);
  port->transmit(make_frame(60, 1, 1));  // the port is still usable
  port->flush();
  EXPECT_EQ(read_capture(dir / "out.pcap").size(), 1u);
}

TEST(DpdkPort, RealCapturesPassThroughByteForByte) {
  ScratchDir dir;
  for (const char* name : {"zeek__vlan-pcp-dei.pcapng", "zeek__geneve-truncated.pcapng",
                           "tcpdump__udp-length-heapoverflow.pcap", "zeek__methods.pcap"}) {
    const std::string in = trace(name);
    const std::string out = dir / (std::string(name) + ".out.pcap");
    const std::vector<Frame> expect = read_capture(in);
    std::vector<Frame> got;
    {
      auto port = DpdkPort::open_files(in, out);
      got = pass_through(*port);
    }
    expect_same_bytes(got, expect);
    for (std::size_t i = 0; i < expect.size(); ++i) {
      EXPECT_EQ(got[i].orig_len, expect[i].orig_len) << name << " " << i;
      EXPECT_EQ(got[i].ts_ns, expect[i].ts_ns) << name << " " << i;
    }
    expect_same_bytes(read_capture(out), expect);
  }
}

TEST(DpdkPort, FlushWritesOutputWhileThePortIsOpen) {
  ScratchDir dir;
  const std::string out = dir / "out.pcap";
  auto port = DpdkPort::open_files("", out);
  EXPECT_TRUE(port->at_end());  // no input
  EXPECT_FALSE(port->receive());
  std::vector<Frame> frames;
  for (std::uint32_t i = 0; i < 40; ++i) frames.push_back(make_frame(60 + i, i, i));
  for (const auto& f : frames) port->transmit(f);
  port->flush();
  expect_same_bytes(read_capture(out), frames);
}

TEST(DpdkPort, EmptyInputEndsAtOnce) {
  ScratchDir dir;
  const std::string in = dir / "empty.pcap";
  const std::string out = dir / "out.pcap";
  write_file(in, pcap_header(kMagicUs));
  {
    auto port = sim::open_wire_port(PortKind::kDpdk, in, out);
    EXPECT_FALSE(port->at_end());
    EXPECT_FALSE(port->receive());
    EXPECT_TRUE(port->at_end());
    port->flush();
  }
  EXPECT_TRUE(read_capture(out).empty());  // a valid capture with no frames
}

TEST(DpdkPort, NoOutputDropsTransmittedFramesInThePmd) {
  ScratchDir dir;
  const std::string in = dir / "in.pcap";
  write_capture(in, {make_frame(60, 1, 1), make_frame(61, 2, 2)});
  auto port = DpdkPort::open_files(in, "");
  EXPECT_EQ(pass_through(*port).size(), 2u);
  EXPECT_EQ(port->stats().transmitted, 2u);
  EXPECT_EQ(port->stats().pmd_oerrors, 0u);
}

TEST(DpdkPort, MissingInputIsAPortErrorAndLeavesDpdkUsable) {
  ScratchDir dir;
  const std::string missing = dir / "missing.pcap";
  try {
    sim::open_wire_port(PortKind::kDpdk, missing, dir / "out.pcap");
    FAIL() << "opened a missing input";
  } catch (const PortError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(missing));
  }
  // The failure left nothing behind: a good port still works in this process.
  const std::string in = dir / "in.pcap";
  write_capture(in, {make_frame(60, 1, 1)});
  auto port = DpdkPort::open_files(in, dir / "out.pcap");
  EXPECT_EQ(pass_through(*port).size(), 1u);
}

TEST(DpdkPort, CorruptInputFailsAtTheSameFrameAsPcapPort) {
  ScratchDir dir;
  const std::string in = dir / "cut.pcap";
  Bytes b = pcap_header(kMagicUs);
  for (std::uint32_t i = 0; i < 4; ++i) pcap_record(b, i, 0, frame_bytes(80, i), 80);
  b.resize(b.size() - 10);
  write_file(in, b);

  auto port = DpdkPort::open_files(in, "");
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto f = port->receive();
    ASSERT_TRUE(f) << i;
    EXPECT_EQ(f->data, frame_bytes(80, i));
  }
  for (int attempt = 0; attempt < 2; ++attempt) {  // and again: the error is sticky
    try {
      port->receive();
      FAIL() << "no error at frame 3";
    } catch (const PortError& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr(in));
      EXPECT_THAT(std::string(e.what()), HasSubstr("frame 3:"));
    }
  }
  EXPECT_FALSE(port->at_end());
}

// net_pcap (libpcap) cuts a record whose caplen exceeds the file's snaplen; the pcap port
// reads it whole, so the DPDK port must say so rather than deliver a different frame.
TEST(DpdkPort, CaplenAboveSnaplenIsCaughtThoughNetPcapWouldCutIt) {
  ScratchDir dir;
  const std::string in = dir / "snap.pcap";
  Bytes b = pcap_header(kMagicUs, /*snaplen=*/100);
  pcap_record(b, 1, 0, frame_bytes(60, 1), 60);
  pcap_record(b, 2, 0, frame_bytes(150, 2), 150);
  write_file(in, b);
  auto port = DpdkPort::open_files(in, "");
  ASSERT_TRUE(port->receive());
  try {
    port->receive();
    FAIL() << "no error at frame 1";
  } catch (const PortError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("frame 1:"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("snaplen 100"));
  }
}

TEST(DpdkPort, UncreatableOutputIsAPortError) {
  ScratchDir dir;
  const std::string out = dir / "missing-dir/out.pcap";
  try {
    DpdkPort::open_files("", out);
    FAIL() << "created an output in a missing directory";
  } catch (const PortError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(out));
  }
}

TEST(DpdkPort, CommaInPathIsRefused) {
  EXPECT_THROW(DpdkPort::open_files("/tmp/a,b.pcap", ""), PortError);
}

TEST(DpdkPort, BadDeviceStringsArePortErrors) {
  for (const char* devargs :
       {"net_nosuchdriver0,x=1", "", "net_pcap_h3bad0,rx_pcap=/nonexistent/in.pcap",
        "net_pcap_h3bad1,no_such_key=1"}) {
    try {
      DpdkPort::open_device(devargs);
      ADD_FAILURE() << "accepted '" << devargs << "'";
    } catch (const PortError& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr("dpdk port")) << devargs;
    }
  }
}

// net_null stands in for a live interface (net_tap / net_af_packet need a network
// namespace the benches cannot count on): it never ends and takes every frame.
TEST(DpdkPort, LiveDeviceNeverEnds) {
  auto port = DpdkPort::open_device("net_null0");
  EXPECT_EQ(port->describe(), "dpdk:net_null0");
  EXPECT_EQ(port->device_name(), "net_null0");
  for (int i = 0; i < 3; ++i) {
    auto f = port->receive();
    ASSERT_TRUE(f);  // net_null makes up frames
    EXPECT_GT(f->ts_ns, 0u);
    EXPECT_FALSE(port->at_end());
  }
  for (std::uint32_t i = 0; i < 100; ++i) port->transmit(make_frame(60 + i, i, i));
  port->flush();
  EXPECT_EQ(port->stats().transmitted, 100u);
}

}  // namespace
}  // namespace nicsim::testing
