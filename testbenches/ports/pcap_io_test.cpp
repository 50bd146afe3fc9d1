// SPDX-License-Identifier: MIT
// PcapReader / PcapWriter: every file kind, real captures, corrupt files, writer round trip.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "capture_files.hpp"
#include "nicsim/model/pcap_io.hpp"

namespace nicsim::testing {
namespace {

using model::CaptureFormat;
using model::Frame;
using model::PcapError;
using model::PcapReader;
using model::PcapWriter;
using ::testing::HasSubstr;

// Expects next() to throw PcapError naming the file and the frame index.
void expect_error_at(PcapReader& r, const std::string& path, std::size_t index,
                     const std::string& detail = "") {
  try {
    r.next();
    FAIL() << "no PcapError at frame " << index;
  } catch (const PcapError& e) {
    const std::string msg = e.what();
    EXPECT_THAT(msg, HasSubstr(path));
    EXPECT_THAT(msg, HasSubstr("frame " + std::to_string(index) + ":"));
    if (!detail.empty()) {
      EXPECT_THAT(msg, HasSubstr(detail));
    }
  }
  EXPECT_EQ(r.index(), index);
}

// --- file kinds -----------------------------------------------------------------------------

TEST(PcapReader, ReadsMicrosecondPcap) {
  ScratchDir dir;
  const std::string path = dir / "us.pcap";
  Bytes b = pcap_header(kMagicUs, 65535);
  pcap_record(b, 10, 123456, frame_bytes(60, 1), 60);
  pcap_record(b, 11, 999999, frame_bytes(1514, 2), 1514);
  pcap_record(b, 12, 0, frame_bytes(64, 3), 1000);  // cut by the capture
  write_file(path, b);

  PcapReader r(path);
  EXPECT_EQ(r.format(), CaptureFormat::kPcap);
  EXPECT_EQ(r.snaplen(), 65535u);
  EXPECT_EQ(r.index(), 0u);
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data, frame_bytes(60, 1));
  EXPECT_EQ(f->orig_len, 60u);
  EXPECT_EQ(f->ts_ns, 10'123'456'000ull);
  EXPECT_EQ(r.index(), 1u);
  f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data, frame_bytes(1514, 2));
  EXPECT_EQ(f->ts_ns, 11'999'999'000ull);
  f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data.size(), 64u);
  EXPECT_EQ(f->orig_len, 1000u);
  EXPECT_EQ(f->ts_ns, 12'000'000'000ull);
  EXPECT_FALSE(r.next());
  EXPECT_FALSE(r.next());  // end stays the end
  EXPECT_EQ(r.index(), 3u);
}

TEST(PcapReader, ReadsNanosecondPcap) {
  ScratchDir dir;
  const std::string path = dir / "ns.pcap";
  Bytes b = pcap_header(kMagicNs);
  pcap_record(b, 1700000000, 999999999, frame_bytes(100, 7), 100);
  pcap_record(b, 1700000001, 1, frame_bytes(61, 8), 61);
  write_file(path, b);

  PcapReader r(path);
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ts_ns, 1'700'000'000'999'999'999ull);
  EXPECT_EQ(f->data, frame_bytes(100, 7));
  f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ts_ns, 1'700'000'001'000'000'001ull);
  EXPECT_FALSE(r.next());
}

TEST(PcapReader, ReadsBigEndianPcap) {
  ScratchDir dir;
  const std::string path = dir / "be.pcap";
  Bytes b;
  put32be(b, kMagicUs);
  put16be(b, 2);
  put16be(b, 4);
  put32be(b, 0);
  put32be(b, 0);
  put32be(b, 65535);
  put32be(b, 1);
  put32be(b, 5);
  put32be(b, 7);
  put32be(b, 60);
  put32be(b, 70);
  const Bytes d = frame_bytes(60, 9);
  b.insert(b.end(), d.begin(), d.end());
  write_file(path, b);

  PcapReader r(path);
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data, d);
  EXPECT_EQ(f->orig_len, 70u);
  EXPECT_EQ(f->ts_ns, 5'000'007'000ull);
  EXPECT_FALSE(r.next());
}

// Minimal pcapng: section header, one Ethernet interface with nanosecond resolution
// (if_tsresol = 9), two enhanced packet blocks.
TEST(PcapReader, ReadsNanosecondPcapNg) {
  ScratchDir dir;
  const std::string path = dir / "ns.pcapng";
  Bytes b;
  put32(b, 0x0a0d0d0a);  // SHB
  put32(b, 28);
  put32(b, 0x1a2b3c4d);
  put16(b, 1);
  put16(b, 0);
  put32(b, 0xffffffff);
  put32(b, 0xffffffff);
  put32(b, 28);
  put32(b, 1);  // IDB
  put32(b, 32);
  put16(b, 1);  // LINKTYPE_ETHERNET
  put16(b, 0);
  put32(b, 0);  // snaplen: unlimited
  put16(b, 9);  // if_tsresol
  put16(b, 1);
  b.insert(b.end(), {9, 0, 0, 0});
  put32(b, 0);  // opt_endofopt
  put32(b, 32);
  const std::uint64_t ts[2] = {1'600'000'000'123'456'789ull, 1'600'000'000'123'456'790ull};
  const Bytes data[2] = {frame_bytes(61, 1), frame_bytes(64, 2)};
  for (int i = 0; i < 2; ++i) {
    const auto padded = static_cast<std::uint32_t>((data[i].size() + 3) / 4 * 4);
    put32(b, 6);  // EPB
    put32(b, 32 + padded);
    put32(b, 0);
    put32(b, static_cast<std::uint32_t>(ts[i] >> 32));
    put32(b, static_cast<std::uint32_t>(ts[i]));
    put32(b, static_cast<std::uint32_t>(data[i].size()));
    put32(b, 1500);
    b.insert(b.end(), data[i].begin(), data[i].end());
    b.resize(b.size() + (padded - data[i].size()), 0);
    put32(b, 32 + padded);
  }
  write_file(path, b);

  PcapReader r(path);
  EXPECT_EQ(r.format(), CaptureFormat::kPcapNg);
  for (int i = 0; i < 2; ++i) {
    auto f = r.next();
    ASSERT_TRUE(f) << i;
    EXPECT_EQ(f->data, data[i]);
    EXPECT_EQ(f->orig_len, 1500u);
    EXPECT_EQ(f->ts_ns, ts[i]);
  }
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.index(), 2u);
}

TEST(PcapReader, ReadsRealPcapNgWithVlanTags) {
  const std::string path = trace("zeek__vlan-pcp-dei.pcapng");
  PcapReader r(path);
  EXPECT_EQ(r.format(), CaptureFormat::kPcapNg);
  std::vector<Frame> frames;
  while (auto f = r.next()) frames.push_back(std::move(*f));
  ASSERT_EQ(frames.size(), 9u);
  const std::size_t sizes[3] = {62, 58, 54};
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].data.size(), sizes[i % 3]) << i;
    EXPECT_EQ(frames[i].orig_len, sizes[i % 3]) << i;
  }
  EXPECT_EQ(frames[0].ts_ns, 1'763'070'394'994'237'000ull);
  EXPECT_EQ(frames[8].ts_ns, 1'763'070'394'994'573'000ull);
  // 802.1Q TPID right after the MAC addresses of the first frame.
  EXPECT_EQ(frames[0].data[12], 0x81);
  EXPECT_EQ(frames[0].data[13], 0x00);
}

TEST(PcapReader, ReadsRealPcapNgCutByTheCapture) {
  PcapReader r(trace("zeek__geneve-truncated.pcapng"));
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data.size(), 58u);
  EXPECT_EQ(f->orig_len, 156u);
  EXPECT_EQ(f->ts_ns, 1'402'706'119'542'940'000ull);
  EXPECT_FALSE(r.next());
}

TEST(PcapReader, ReadsRealPcapWithHugeOrigLenAndShortCaplen) {
  PcapReader r(trace("tcpdump__udp-length-heapoverflow.pcap"));
  EXPECT_EQ(r.format(), CaptureFormat::kPcap);
  EXPECT_EQ(r.snaplen(), 38u);
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data.size(), 38u);
  EXPECT_EQ(f->orig_len, 262144u);
  EXPECT_FALSE(r.next());
}

TEST(PcapReader, HeaderOnlyFileHasNoFrames) {
  ScratchDir dir;
  const std::string path = dir / "empty.pcap";
  write_file(path, pcap_header(kMagicUs));
  PcapReader r(path);
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.index(), 0u);
}

// --- bad files --------------------------------------------------------------------------

TEST(PcapReader, MissingFileNamesThePath) {
  ScratchDir dir;
  const std::string path = dir / "no-such.pcap";
  try {
    PcapReader r(path);
    FAIL() << "opened a missing file";
  } catch (const PcapError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(path));
  }
}

TEST(PcapReader, BadMagicIsAnErrorAtFrameZero) {
  ScratchDir dir;
  const std::string path = dir / "magic.pcap";
  Bytes b = pcap_header(0xdeadbeef);
  pcap_record(b, 1, 0, frame_bytes(60, 1), 60);
  write_file(path, b);
  try {
    PcapReader r(path);
    FAIL() << "accepted a bad magic";
  } catch (const PcapError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(path));
    EXPECT_THAT(std::string(e.what()), HasSubstr("frame 0:"));
  }
}

TEST(PcapReader, TruncatedGlobalHeaderIsAnError) {
  ScratchDir dir;
  const std::string path = dir / "short.pcap";
  Bytes b = pcap_header(kMagicUs);
  b.resize(10);
  write_file(path, b);
  EXPECT_THROW(PcapReader r(path), PcapError);
  write_file(path, {});  // zero bytes: no header at all
  EXPECT_THROW(PcapReader r(path), PcapError);
}

TEST(PcapReader, TruncatedRecordHeaderAfterTwoFrames) {
  ScratchDir dir;
  const std::string path = dir / "rechdr.pcap";
  Bytes b = pcap_header(kMagicUs);
  pcap_record(b, 1, 0, frame_bytes(60, 1), 60);
  pcap_record(b, 2, 0, frame_bytes(70, 2), 70);
  b.insert(b.end(), {1, 0, 0, 0, 0, 0, 0, 0, 60});  // 9 of 16 header bytes
  write_file(path, b);

  PcapReader r(path);
  ASSERT_TRUE(r.next());
  ASSERT_TRUE(r.next());
  expect_error_at(r, path, 2, "header");
  expect_error_at(r, path, 2);  // sticky
}

TEST(PcapReader, TruncatedRecordDataAfterThreeFrames) {
  ScratchDir dir;
  const std::string path = dir / "recdata.pcap";
  Bytes b = pcap_header(kMagicNs);
  for (std::uint32_t i = 0; i < 3; ++i) pcap_record(b, i, 0, frame_bytes(100, i), 100);
  pcap_record(b, 3, 0, frame_bytes(100, 3), 100);
  b.resize(b.size() - 40);  // the fourth frame stops mid-way
  write_file(path, b);

  PcapReader r(path);
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto f = r.next();
    ASSERT_TRUE(f) << i;
    EXPECT_EQ(f->data, frame_bytes(100, i));
  }
  expect_error_at(r, path, 3, "truncated");
}

// The bytes are in the file: the record is read whole, as Wireshark does (libpcap alone
// would cut it to the snaplen).
TEST(PcapReader, CaplenAboveSnaplenIsReadWhole) {
  ScratchDir dir;
  const std::string path = dir / "snap.pcap";
  Bytes b = pcap_header(kMagicUs, /*snaplen=*/100);
  pcap_record(b, 1, 0, frame_bytes(60, 1), 60);
  pcap_record(b, 2, 0, frame_bytes(150, 2), 150);  // caplen 150 > snaplen 100
  pcap_record(b, 3, 0, frame_bytes(60, 3), 60);
  write_file(path, b);

  PcapReader r(path);
  auto f0 = r.next();
  auto f1 = r.next();
  auto f2 = r.next();
  ASSERT_TRUE(f0 && f1 && f2);
  EXPECT_EQ(f0->data, frame_bytes(60, 1));
  EXPECT_EQ(f1->data, frame_bytes(150, 2));
  EXPECT_EQ(f1->orig_len, 150u);
  EXPECT_EQ(f2->data, frame_bytes(60, 3));
  EXPECT_FALSE(r.next());
}

TEST(PcapReader, ZeekTruncHdrReadsAllEightBytes) {
  PcapReader r(std::string(NICSIM_TRACES_DIR) + "/zeek__trunc-hdr.pcap");
  auto f = r.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->data.size(), 8u);
  EXPECT_EQ(f->orig_len, 78u);
  EXPECT_FALSE(r.next());
}

TEST(PcapReader, AbsurdCaplenIsAnError) {
  ScratchDir dir;
  const std::string path = dir / "absurd.pcap";
  Bytes b = pcap_header(kMagicUs, 65535);
  pcap_record(b, 1, 0, frame_bytes(60, 1), 60);
  pcap_record(b, 2, 0, frame_bytes(100, 2), 0x7fffffff, /*caplen=*/0x7fffffff);
  write_file(path, b);

  PcapReader r(path);
  ASSERT_TRUE(r.next());
  expect_error_at(r, path, 1);
}

TEST(PcapReader, CaplenAboveWireLengthIsAnError) {
  ScratchDir dir;
  const std::string path = dir / "orig.pcap";
  Bytes b = pcap_header(kMagicUs);
  pcap_record(b, 1, 0, frame_bytes(60, 1), /*orig_len=*/59);
  write_file(path, b);

  PcapReader r(path);
  expect_error_at(r, path, 0, "wire length");
}

TEST(PcapReader, NonEthernetLinkTypeIsRejected) {
  ScratchDir dir;
  const std::string path = dir / "raw.pcap";
  Bytes b = pcap_header(kMagicUs, 65535, /*LINKTYPE_RAW=*/101);
  pcap_record(b, 1, 0, frame_bytes(40, 1), 40);
  write_file(path, b);
  try {
    PcapReader r(path);
    FAIL() << "accepted LINKTYPE_RAW";
  } catch (const PcapError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(path));
    EXPECT_THAT(std::string(e.what()), HasSubstr("link type RAW"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("EN10MB"));
  }
}

// --- writer -------------------------------------------------------------------------------

TEST(PcapWriter, RoundTripKeepsBytesNanosecondsAndLengths) {
  ScratchDir dir;
  const std::string path = dir / "out.pcap";
  std::vector<Frame> in = {
      make_frame(60, 1, 1'700'000'000'000'000'001ull),
      make_frame(1518, 2, 1'700'000'000'999'999'999ull),
      make_frame(64, 3, 5, /*orig_len=*/9000),  // cut capture keeps its wire length
      make_frame(9000, 4, 1'700'000'123'456'789'012ull),
      make_frame(PcapWriter::kSnapLen, 5, 42),
      make_frame(0, 6, 43),
  };
  Frame short_orig = make_frame(100, 7, 44);
  short_orig.orig_len = 10;  // below the captured size: written as the captured size
  in.push_back(short_orig);

  {
    PcapWriter w(path);
    for (const auto& f : in) w.write(f);
    EXPECT_EQ(w.count(), in.size());
    w.flush();
  }
  const Bytes raw = read_file(path);
  ASSERT_GE(raw.size(), 24u);
  EXPECT_EQ(Bytes(raw.begin(), raw.begin() + 4), (Bytes{0x4d, 0x3c, 0xb2, 0xa1}));  // a1b23c4d
  EXPECT_EQ(Bytes(raw.begin() + 16, raw.begin() + 24),
            (Bytes{0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00}));  // 262144, EN10MB

  const std::vector<Frame> out = read_capture(path);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].data, in[i].data) << i;
    EXPECT_EQ(out[i].ts_ns, in[i].ts_ns) << i;
    const auto expect_orig = std::max<std::uint32_t>(
        in[i].orig_len, static_cast<std::uint32_t>(in[i].data.size()));
    EXPECT_EQ(out[i].orig_len, expect_orig) << i;
  }
}

TEST(PcapWriter, RewritesRealCapturesUnchanged) {
  ScratchDir dir;
  for (const char* name : {"zeek__wikipedia.pcap", "zeek__vlan-pcp-dei.pcapng",
                           "tcpdump__udp-length-heapoverflow.pcap"}) {
    const std::vector<Frame> in = read_capture(trace(name));
    ASSERT_FALSE(in.empty()) << name;
    const std::string out_path = dir / (std::string(name) + ".out.pcap");
    write_capture(out_path, in);
    const std::vector<Frame> out = read_capture(out_path);
    ASSERT_EQ(out.size(), in.size()) << name;
    for (std::size_t i = 0; i < in.size(); ++i) {
      EXPECT_EQ(out[i].data, in[i].data) << name << " " << i;
      EXPECT_EQ(out[i].ts_ns, in[i].ts_ns) << name << " " << i;
      EXPECT_EQ(out[i].orig_len, in[i].orig_len) << name << " " << i;
    }
  }
}

TEST(PcapWriter, FrameAboveSnaplenIsRejected) {
  ScratchDir dir;
  const std::string path = dir / "big.pcap";
  PcapWriter w(path);
  w.write(make_frame(60, 1, 1));
  try {
    w.write(make_frame(PcapWriter::kSnapLen + 1, 2, 2));
    FAIL() << "wrote a frame above the snaplen";
  } catch (const PcapError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(path));
    EXPECT_THAT(std::string(e.what()), HasSubstr("frame 1"));
  }
  w.close();
  EXPECT_EQ(read_capture(path).size(), 1u);
}

TEST(PcapWriter, UncreatableFileNamesThePath) {
  ScratchDir dir;
  const std::string path = dir / "no-such-dir/out.pcap";
  try {
    PcapWriter w(path);
    FAIL() << "created a file in a missing directory";
  } catch (const PcapError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(path));
  }
}

TEST(PcapWriter, WriteErrorIsReported) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  PcapWriter w("/dev/full");
  EXPECT_THROW(
      {
        for (int i = 0; i < 1000; ++i) w.write(make_frame(1500, 1, 1));  // > stdio buffer
        w.flush();
      },
      PcapError);
}

}  // namespace
}  // namespace nicsim::testing
