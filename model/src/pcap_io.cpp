// SPDX-License-Identifier: MIT
#include "nicsim/model/pcap_io.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace nicsim::model {
namespace {

constexpr std::uint32_t kMagicPcapUs = 0xa1b2c3d4;
constexpr std::uint32_t kMagicPcapNs = 0xa1b23c4d;
constexpr std::uint32_t kMagicPcapNg = 0x0a0d0d0a;  // Section Header Block type, same both ways
constexpr long kRecordHeaderLen = 16;              // ts_sec, ts_frac, caplen, len

std::uint32_t byteswap32(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

// ---------------------------------------------------------------------------------------
// PcapReader

void PcapReader::Closer::operator()(::pcap* p) const noexcept { pcap_close(p); }

PcapReader::PcapReader(const std::string& path) : path_(path) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) {
    throw PcapError(path + ": cannot open: " + errno_text());
  }
  // Peek at the magic: libpcap hides which format it found, and the per-record size check
  // in next() only applies to classic pcap with its 16-byte record header.
  std::uint32_t magic = 0;
  const std::size_t got = std::fread(&magic, 1, sizeof magic, fp);
  std::rewind(fp);
  bool record_check = false;
  if (got == sizeof magic) {
    if (magic == kMagicPcapNg) {
      format_ = CaptureFormat::kPcapNg;
    } else {
      const std::uint32_t m = magic == kMagicPcapUs || magic == kMagicPcapNs ? magic
                                                                               : byteswap32(magic);
      record_check = m == kMagicPcapUs || m == kMagicPcapNs;
    }
  }

  char errbuf[PCAP_ERRBUF_SIZE] = {};
  ::pcap* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) {
    std::fclose(fp);  // libpcap leaves the stream to the caller when it fails
    throw PcapError(path + ": frame 0: bad capture file header: " + errbuf);
  }
  handle_.reset(p);
  file_ = record_check ? pcap_file(p) : nullptr;

  const int link = pcap_datalink(p);
  if (link != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(link);
    throw PcapError(path + ": link type " + (name != nullptr ? name : "unknown") + " (DLT " +
                    std::to_string(link) + ") is not Ethernet; only EN10MB captures are supported");
  }
  snaplen_ = static_cast<std::uint32_t>(std::max(pcap_snapshot(p), 0));
}

PcapReader::~PcapReader() = default;
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;

void PcapReader::fail(const std::string& what) {
  error_ = path_ + ": frame " + std::to_string(index_) + ": " + what;
  throw PcapError(*error_);
}

std::optional<Frame> PcapReader::next() {
  if (error_) throw PcapError(*error_);
  if (!handle_) return std::nullopt;

  const long before = file_ != nullptr ? std::ftell(file_) : -1;
  pcap_pkthdr* hdr = nullptr;
  const u_char* bytes = nullptr;
  const int rc = pcap_next_ex(handle_.get(), &hdr, &bytes);
  if (rc == PCAP_ERROR_BREAK) return std::nullopt;  // -2: end of file
  if (rc != 1) fail(pcap_geterr(handle_.get()));

  // libpcap quietly cuts a record whose caplen exceeds the file's snaplen (but not its own
  // sanity limit) down to the snaplen and skips the rest. The bytes are in the file, so read
  // the record whole, as Wireshark does (zeek's trunc-hdr.pcap: snaplen 1, caplen 8).
  std::uint32_t caplen = hdr->caplen;
  std::vector<std::uint8_t> whole;
  if (before >= 0) {
    const long after = std::ftell(file_);
    const long stored = after - before - kRecordHeaderLen;
    if (after >= 0 && stored != static_cast<long>(hdr->caplen)) {
      whole.resize(static_cast<std::size_t>(stored));
      if (std::fseek(file_, before + kRecordHeaderLen, SEEK_SET) != 0 ||
          std::fread(whole.data(), 1, whole.size(), file_) != whole.size() ||
          std::fseek(file_, after, SEEK_SET) != 0) {
        fail("cannot re-read a record of " + std::to_string(stored) +
             " bytes larger than the file's snaplen " + std::to_string(snaplen_));
      }
      caplen = static_cast<std::uint32_t>(stored);
    }
  }
  if (caplen > hdr->len) {
    fail("caplen " + std::to_string(caplen) + " is larger than the wire length " +
         std::to_string(hdr->len));
  }

  Frame f;
  if (whole.empty()) {
    f.data.assign(bytes, bytes + caplen);
  } else {
    f.data = std::move(whole);
  }
  f.orig_len = hdr->len;
  // Opened with nanosecond precision: tv_usec holds nanoseconds.
  f.ts_ns = static_cast<std::uint64_t>(hdr->ts.tv_sec) * 1'000'000'000ull +
            static_cast<std::uint64_t>(hdr->ts.tv_usec);
  ++index_;
  return f;
}

// ---------------------------------------------------------------------------------------
// PcapWriter

void PcapWriter::Closer::operator()(::pcap_dumper* d) const noexcept { pcap_dump_close(d); }

PcapWriter::PcapWriter(const std::string& path) : path_(path) {
  ::pcap* dead =
      pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(kSnapLen),
                                           PCAP_TSTAMP_PRECISION_NANO);
  if (dead == nullptr) throw PcapError(path + ": cannot create a libpcap handle");
  ::pcap_dumper* d = pcap_dump_open(dead, path.c_str());
  if (d == nullptr) {
    std::string msg = path + ": cannot open for writing: " + pcap_geterr(dead);
    pcap_close(dead);
    throw PcapError(msg);
  }
  pcap_close(dead);  // the dumper keeps only its FILE*
  dumper_.reset(d);
}

PcapWriter::~PcapWriter() = default;
PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&&) noexcept = default;

void PcapWriter::check_stream(const char* what) {
  if (std::ferror(pcap_dump_file(dumper_.get())) != 0) {
    throw PcapError(path_ + ": " + what + " failed after " + std::to_string(count_) +
                    " frames: " + errno_text());
  }
}

void PcapWriter::write(const Frame& frame) {
  if (!dumper_) throw PcapError(path_ + ": write after close");
  if (frame.data.size() > kSnapLen) {
    throw PcapError(path_ + ": frame " + std::to_string(count_) + ": " +
                    std::to_string(frame.data.size()) + " bytes exceed the snaplen " +
                    std::to_string(kSnapLen));
  }
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(frame.ts_ns / 1'000'000'000ull);
  hdr.ts.tv_usec = static_cast<suseconds_t>(frame.ts_ns % 1'000'000'000ull);  // ns dumper
  hdr.caplen = static_cast<bpf_u_int32>(frame.data.size());
  hdr.len = std::max(frame.orig_len, hdr.caplen);
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &hdr, frame.data.data());
  check_stream("write");
  ++count_;
}

void PcapWriter::flush() {
  if (!dumper_) return;
  if (pcap_dump_flush(dumper_.get()) != 0) {
    throw PcapError(path_ + ": flush failed after " + std::to_string(count_) +
                    " frames: " + errno_text());
  }
}

void PcapWriter::close() {
  if (!dumper_) return;
  flush();
  dumper_.reset();
}

std::vector<Frame> read_capture(const std::string& path) {
  PcapReader r(path);
  std::vector<Frame> out;
  while (auto f = r.next()) out.push_back(std::move(*f));
  return out;
}

}  // namespace nicsim::model
