// SPDX-License-Identifier: MIT
// Capture file I/O through libpcap: PcapReader reads pcap (µs or ns) and pcapng,
// PcapWriter writes nanosecond pcap. Both speak Ethernet (LINKTYPE_ETHERNET, EN10MB) only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nicsim/model/frame.hpp"

// libpcap's handle types, forward declared so that users of this header need no <pcap.h>.
struct pcap;
struct pcap_dumper;

namespace nicsim::model {

// A capture file that cannot be opened, read or written, or that is corrupt. The message
// names the file and, for a read error, the 0-based index of the frame where it broke.
class PcapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CaptureFormat { kPcap, kPcapNg };

// Reads frames in file order. Timestamps come out in nanoseconds whatever the file's
// precision. A corrupt record (truncated header or data, caplen larger than the file's
// snaplen or than libpcap's sanity limit, caplen > orig_len) throws PcapError; every
// frame before it has been returned normally, and the error is sticky: each further
// next() throws it again.
class PcapReader {
 public:
  explicit PcapReader(const std::string& path);
  ~PcapReader();
  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) noexcept;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame, or nullopt at the end of the file.
  std::optional<Frame> next();
  // Frames returned so far, i.e. the 0-based index of the frame next() reads next.
  std::size_t index() const { return index_; }

  const std::string& path() const { return path_; }
  CaptureFormat format() const { return format_; }
  // Snapshot length from the file header (pcap) or first interface (pcapng).
  std::uint32_t snaplen() const { return snaplen_; }

 private:
  struct Closer {
    void operator()(::pcap* p) const noexcept;
  };
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  std::unique_ptr<::pcap, Closer> handle_;
  std::FILE* file_ = nullptr;  // owned by handle_; used to measure record sizes
  CaptureFormat format_ = CaptureFormat::kPcap;
  std::uint32_t snaplen_ = 0;
  std::size_t index_ = 0;
  std::optional<std::string> error_;  // sticky read error
};

/// Every frame of a capture, in order (tests and tools that want a whole capture in memory).
/// Throws what PcapReader throws for a file that cannot be read.
[[nodiscard]] std::vector<Frame> read_capture(const std::string& path);

// Writes a pcap with nanosecond timestamps (magic a1b23c4d), EN10MB, snaplen kSnapLen.
// Output is buffered by stdio: flush() (or destruction) pushes it to the file.
class PcapWriter {
 public:
  static constexpr std::uint32_t kSnapLen = 262144;

  explicit PcapWriter(const std::string& path);
  ~PcapWriter();  // flushes and closes; errors there are lost, so call close() to see them
  PcapWriter(PcapWriter&&) noexcept;
  PcapWriter& operator=(PcapWriter&&) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // caplen = data.size() (at most kSnapLen), orig_len = max(orig_len, data.size()).
  void write(const Frame& frame);
  void flush();
  // Flushes and closes the file; throws PcapError if the data could not be written.
  void close();

  std::size_t count() const { return count_; }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(::pcap_dumper* d) const noexcept;
  };
  void check_stream(const char* what);

  std::string path_;
  std::unique_ptr<::pcap_dumper, Closer> dumper_;
  std::size_t count_ = 0;
};

}  // namespace nicsim::model
