// SPDX-License-Identifier: MIT
// Helpers for the wire-port benches: a per-test scratch directory and capture files built
// byte by byte (so that the corrupt ones are exactly as corrupt as intended).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nicsim/model/frame.hpp"
#include "nicsim/model/pcap_io.hpp"

namespace nicsim::testing {

using Bytes = std::vector<std::uint8_t>;

#ifndef NICSIM_TRACES_DIR
#error "NICSIM_TRACES_DIR must name the repository's traces/ folder"
#endif
inline std::string trace(const std::string& name) {
  return std::string(NICSIM_TRACES_DIR) + "/" + name;
}

// A directory of its own for the running test (test cases may run in parallel processes).
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("nicsim-ports-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string operator/(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
inline void put32be(Bytes& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put16be(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

constexpr std::uint32_t kMagicUs = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNs = 0xa1b23c4d;

// Classic pcap global header, little-endian.
inline Bytes pcap_header(std::uint32_t magic, std::uint32_t snaplen = 65535,
                         std::uint32_t linktype = 1) {
  Bytes b;
  put32(b, magic);
  put16(b, 2);
  put16(b, 4);
  put32(b, 0);  // thiszone
  put32(b, 0);  // sigfigs
  put32(b, snaplen);
  put32(b, linktype);
  return b;
}

// A record: 16-byte header (caplen = data.size() unless given) and the data.
inline void pcap_record(Bytes& b, std::uint32_t sec, std::uint32_t frac, const Bytes& data,
                        std::uint32_t orig_len, std::int64_t caplen = -1) {
  put32(b, sec);
  put32(b, frac);
  put32(b, caplen < 0 ? static_cast<std::uint32_t>(data.size())
                      : static_cast<std::uint32_t>(caplen));
  put32(b, orig_len);
  b.insert(b.end(), data.begin(), data.end());
}

// Deterministic frame content: distinct per (length, seed) so reordering shows.
inline Bytes frame_bytes(std::size_t len, std::uint32_t seed) {
  Bytes d(len);
  std::uint32_t x = seed * 2654435761u + static_cast<std::uint32_t>(len) + 1;
  for (auto& byte : d) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    byte = static_cast<std::uint8_t>(x);
  }
  return d;
}

inline model::Frame make_frame(std::size_t len, std::uint32_t seed, std::uint64_t ts_ns,
                               std::uint32_t orig_len = 0) {
  model::Frame f;
  f.data = frame_bytes(len, seed);
  f.orig_len = orig_len != 0 ? orig_len : static_cast<std::uint32_t>(len);
  f.ts_ns = ts_ns;
  return f;
}

inline void write_file(const std::string& path, const Bytes& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_capture(const std::string& path, const std::vector<model::Frame>& frames) {
  model::PcapWriter w(path);
  for (const auto& f : frames) w.write(f);
  w.close();
}

inline std::vector<model::Frame> read_capture(const std::string& path) {
  model::PcapReader r(path);
  std::vector<model::Frame> out;
  while (auto f = r.next()) out.push_back(std::move(*f));
  return out;
}

}  // namespace nicsim::testing
