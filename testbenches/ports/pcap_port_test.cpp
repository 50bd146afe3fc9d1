// SPDX-License-Identifier: MIT
// PcapPort through open_wire_port(kPcap): pass-through, missing sides, bad inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "capture_files.hpp"
#include "nicsim/sim/pcap_port.hpp"
#include "nicsim/sim/wire_port.hpp"

namespace nicsim::testing {
namespace {

using model::Frame;
using sim::PortError;
using sim::PortKind;
using ::testing::HasSubstr;

// Receives everything, transmitting each frame as it comes; returns what was received.
std::vector<Frame> pass_through(sim::WirePort& port) {
  std::vector<Frame> got;
  while (!port.at_end()) {
    auto f = port.receive();
    if (!f) continue;
    port.transmit(*f);
    got.push_back(std::move(*f));
  }
  port.flush();
  return got;
}

TEST(PcapPort, PassesFramesThroughUnchanged) {
  ScratchDir dir;
  const std::string in = trace("zeek__wikipedia.pcap");
  const std::string out = dir / "out.pcap";
  const std::vector<Frame> expect = read_capture(in);
  {
    auto port = sim::open_wire_port(PortKind::kPcap, in, out);
    EXPECT_EQ(port->describe(), "pcap:" + in + " -> " + out);
    EXPECT_FALSE(port->at_end());
    const std::vector<Frame> got = pass_through(*port);
    ASSERT_EQ(got.size(), expect.size());
    EXPECT_FALSE(port->receive());
    EXPECT_TRUE(port->at_end());
  }
  const std::vector<Frame> written = read_capture(out);
  ASSERT_EQ(written.size(), expect.size());
  for (std::size_t i = 0; i < expect.size(); ++i) {
    EXPECT_EQ(written[i].data, expect[i].data) << i;
    EXPECT_EQ(written[i].ts_ns, expect[i].ts_ns) << i;
    EXPECT_EQ(written[i].orig_len, expect[i].orig_len) << i;
  }
}

TEST(PcapPort, FlushMakesOutputVisibleBeforeClose) {
  ScratchDir dir;
  const std::string out = dir / "out.pcap";
  sim::PcapPort port("", out);
  for (std::uint32_t i = 0; i < 5; ++i) port.transmit(make_frame(60 + i, i, i));
  port.flush();
  const std::vector<Frame> written = read_capture(out);
  ASSERT_EQ(written.size(), 5u);
  EXPECT_EQ(written[4].data, frame_bytes(64, 4));
  EXPECT_EQ(port.transmitted(), 5u);
}

TEST(PcapPort, NoInputEndsAtOnceAndNoOutputDiscards) {
  sim::PcapPort port("", "");
  EXPECT_TRUE(port.at_end());
  EXPECT_FALSE(port.receive());
  port.transmit(make_frame(60, 1, 1));
  port.flush();
  EXPECT_EQ(port.discarded(), 1u);
  EXPECT_EQ(port.describe(), "pcap:(none) -> (discard)");
}

TEST(PcapPort, MissingInputIsAPortError) {
  ScratchDir dir;
  const std::string in = dir / "missing.pcap";
  try {
    sim::open_wire_port(PortKind::kPcap, in, "");
    FAIL() << "opened a missing input";
  } catch (const PortError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(in));
  }
}

TEST(PcapPort, CorruptInputFailsAfterTheGoodFrames) {
  ScratchDir dir;
  const std::string in = dir / "cut.pcap";
  Bytes b = pcap_header(kMagicUs);
  for (std::uint32_t i = 0; i < 4; ++i) pcap_record(b, i, 0, frame_bytes(80, i), 80);
  b.resize(b.size() - 10);
  write_file(in, b);

  sim::PcapPort port(in, "");
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto f = port.receive();
    ASSERT_TRUE(f) << i;
    EXPECT_EQ(f->data, frame_bytes(80, i));
  }
  try {
    port.receive();
    FAIL() << "no error at frame 3";
  } catch (const PortError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(in));
    EXPECT_THAT(std::string(e.what()), HasSubstr("frame 3:"));
  }
  EXPECT_FALSE(port.at_end());
}

TEST(PcapPort, UnwritableOutputIsAPortError) {
  ScratchDir dir;
  EXPECT_THROW(sim::PcapPort("", dir / "missing-dir/out.pcap"), PortError);
}

}  // namespace
}  // namespace nicsim::testing
