// SPDX-License-Identifier: MIT
// Synthetic traces: a deterministic stream of frames from a seed, a number of flows, a frame
// size mix, the header kinds to use and a fraction of malformed frames.
//
// Determinism: all randomness comes from Prng (xoshiro256** with its own range reduction), so
// a TraceSpec gives byte-identical frames on every platform.
//
// How frames are made:
// - Flow f (0 <= f < flows) has a stable header stack and 5-tuple, derived from (seed, f) alone.
//   Its stack is built around one "focus" kind, kinds[f mod |kinds|] (kinds in HeaderKind
//   order), the other choices being random among the requested kinds that fit. So with
//   flows >= |kinds| and count >= |kinds| every requested kind appears.
// - Frame i < flows belongs to flow i, later frames to a uniformly random flow.
// - A frame contains only requested kinds plus what they need (see implied_kinds()).
// - Size: drawn from the mix; the frame (without FCS) is that long, or as long as its headers
//   if they are longer. Padding is payload inside the innermost packet (ARP: Ethernet trailer).
// - Malformed (probability `malformed` per frame): either cut inside one of its headers (chosen
//   uniformly; the frame then really is that short, orig_len == data.size()), or one header
//   gets a field no parser accepts (IPv4 IHL or version, IPv6 version, TCP data offset, UDP
//   length, VXLAN I flag, GRE/Geneve version, IPv6 hop-by-hop out of order, a third VLAN tag).
//   Every malformed frame parses with an error; every other frame parses without one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/frame.hpp"
#include "nicsim/model/parse_result.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::model {

/// Frame size distributions (sizes exclude the FCS).
enum class SizeMix : std::uint8_t {
  k64,     // all 64 bytes
  k128,    // all 128 bytes
  k256,    // all 256 bytes
  k512,    // all 512 bytes
  kImix,   // simple IMIX: 64, 576, 1500 bytes in proportion 7:4:1
  k1518,   // all 1518 bytes
  k9000,   // all 9000 bytes (jumbo)
  kMixed,  // uniform over 64..1518
};

/// Header kinds a trace can contain.
enum class HeaderKind : std::uint8_t {
  kEth,   // an untagged Ethernet frame (as a "kind" of a frame: any Ethernet header)
  kVlan,  // one 802.1Q tag
  kQinq,  // two tags (802.1ad S-tag + C-tag)
  kArp,
  kIpv4,
  kIpv6,
  kIpv6Ext,  // IPv6 with extension headers
  kTcp,
  kUdp,
  kIcmp,
  kIcmpv6,
  kVxlan,
  kNvgre,
  kGre,
  kGeneve,
};
inline constexpr std::size_t kHeaderKindCount = 15;

/// "eth", "vlan", "qinq", "arp", "ipv4", "ipv6", "ipv6ext", "tcp", "udp", "icmp", "icmpv6",
/// "vxlan", "nvgre", "gre", "geneve".
[[nodiscard]] std::string_view kind_name(HeaderKind kind) noexcept;

/// A set of header kinds.
class KindSet {
 public:
  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<HeaderKind> kinds) {
    for (auto k : kinds) add(k);
  }
  [[nodiscard]] static constexpr KindSet all() noexcept {
    KindSet s;
    s.bits_ = (1u << kHeaderKindCount) - 1;
    return s;
  }

  constexpr KindSet& add(HeaderKind k) noexcept {
    bits_ |= bit(k);
    return *this;
  }
  constexpr KindSet& add(KindSet other) noexcept {
    bits_ |= other.bits_;
    return *this;
  }
  [[nodiscard]] constexpr bool has(HeaderKind k) const noexcept { return (bits_ & bit(k)) != 0; }
  [[nodiscard]] constexpr bool contains(KindSet other) const noexcept {
    return (other.bits_ & ~bits_) == 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    std::size_t n = 0;
    for (std::uint32_t b = bits_; b != 0; b &= b - 1) ++n;
    return n;
  }
  [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
  /// The i-th kind in HeaderKind order (i < size()).
  [[nodiscard]] constexpr HeaderKind nth(std::size_t i) const noexcept {
    for (std::size_t k = 0; k < kHeaderKindCount; ++k)
      if (has(static_cast<HeaderKind>(k)) && i-- == 0) return static_cast<HeaderKind>(k);
    return HeaderKind::kEth;
  }
  /// "eth,vlan,..." in HeaderKind order.
  [[nodiscard]] std::string to_string() const;

  friend constexpr bool operator==(KindSet, KindSet) = default;

 private:
  static constexpr std::uint32_t bit(HeaderKind k) noexcept {
    return 1u << static_cast<unsigned>(k);
  }
  std::uint32_t bits_ = 0;
};

/// Kinds a frame may contain besides the requested ones: eth always; udp with vxlan/geneve;
/// ipv6 with ipv6ext or icmpv6; ipv4 with icmp; ipv4 when something needs IP and neither ipv4
/// nor ipv6 is requested.
[[nodiscard]] KindSet implied_kinds(KindSet requested) noexcept;

/// The kinds present in a parse result, over all levels: eth for any Ethernet header, vlan for
/// one tag, qinq for two, ipv6ext for IPv6 with at least one extension header, tunnels by type.
[[nodiscard]] KindSet kinds_in(const ParseResult& r) noexcept;

/// "10.0.0.0/24", "2001:db8::/64" or an address alone: the generator's endpoint ranges
/// (IpPrefix::parse). Throws TraceSpecError for anything else (host bits set, a bad length).
[[nodiscard]] IpPrefix parse_addr_range(std::string_view text);

/// Fixed endpoints for every flow (the headers that feed a NIC's flow key: the inner ones of a
/// tunnelled flow), e.g. the traffic of one VM: its MAC and address as the source, its gateway's
/// MAC and a customer subnet as the destination. Unset fields keep the generator's choice.
/// An address range applies to the flows of its family (an IPv4 range to IPv4 flows); a
/// source address is the range's base plus the flow's number + 1 within the host bits, a
/// destination one the base plus a random host part. Setting one changes nothing else in the
/// trace (the same seed gives the same frames otherwise).
struct Endpoints {
  std::optional<MacAddr> src_mac, dst_mac;
  std::optional<IpPrefix> src_ip, dst_ip;
};

struct TraceSpec {
  std::uint64_t seed = 1;
  std::uint64_t count = 1000;
  std::uint32_t flows = 16;
  SizeMix sizes = SizeMix::kImix;
  KindSet kinds = KindSet::all();
  double malformed = 0.0;  // fraction 0..1
  std::uint64_t start_ns = 0;
  std::uint64_t gap_ns = 1000;
  Endpoints endpoints{};
};

/// A spec value that makes no sense, with a message for the user.
class TraceSpecError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// "64", "128", "256", "512", "imix", "1518", "9000", "mixed". Throws TraceSpecError.
[[nodiscard]] SizeMix parse_size_mix(std::string_view text);
[[nodiscard]] std::string_view size_mix_name(SizeMix mix) noexcept;
/// Comma-separated kind names, or "all". Throws TraceSpecError on an unknown or empty list.
[[nodiscard]] KindSet parse_kinds(std::string_view text);
/// The kind names parse_kinds() accepts, comma-separated in HeaderKind order.
[[nodiscard]] std::string trace_kind_names();
/// A TraceSpec with default values and the size mix and kinds given as text (as on the command
/// line, e.g. "imix" and "vxlan,ipv6"). Throws TraceSpecError with a message for the user.
[[nodiscard]] TraceSpec make_trace_spec(std::string_view sizes, std::string_view kinds);
/// Throws TraceSpecError when flows == 0, kinds is empty or malformed is outside [0, 1].
void validate(const TraceSpec& spec);

/// What the generator made, for the last frame it returned.
struct GeneratedInfo {
  std::uint64_t index = 0;
  std::uint32_t flow = 0;
  KindSet kinds;               // kinds the frame contains when well-formed
  std::size_t target_len = 0;  // size drawn from the mix
  bool malformed = false;
};

class TraceGenerator {
 public:
  /// Validates the spec (throws TraceSpecError).
  explicit TraceGenerator(const TraceSpec& spec);

  /// The next frame, or std::nullopt after spec.count frames.
  [[nodiscard]] std::optional<Frame> next();

  [[nodiscard]] const TraceSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const GeneratedInfo& last() const noexcept { return last_; }
  [[nodiscard]] std::uint64_t produced() const noexcept { return produced_; }

 private:
  [[nodiscard]] std::size_t draw_size();

  TraceSpec spec_;
  Prng rng_;
  std::uint64_t produced_ = 0;
  GeneratedInfo last_;
};

}  // namespace nicsim::model
