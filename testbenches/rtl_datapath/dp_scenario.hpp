// SPDX-License-Identifier: MIT
// Random tables for the differential benches of the datapath (rtl_datapath) and of nic_top
// (rtl_top): action records of every kind (including invalid destinations, meters and
// templates), encap templates, the EM / TCAM keys of a frame as the model builds them, and
// random TCP flags for generated frames (TCP control segments for tcp_ctl_copy), outer source
// checks (check_osrc) that pass and fail.
#pragma once

#include <cstdint>
#include <iterator>
#include <vector>

#include "nicsim/model/action.hpp"
#include "nicsim/model/bytes.hpp"
#include "nicsim/model/checksum.hpp"
#include "nicsim/model/encap.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/headers.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/prng.hpp"

namespace nicsim::rtl_dp {

using model::ActionRecord;
using model::Prng;
using Bytes = std::vector<std::uint8_t>;

/// The table sizes of the Verilated configuration.
struct Limits {
  std::uint32_t num_vnic = 4;
  std::uint32_t num_meters = 16;
  std::uint32_t num_encap = 8;
};

inline ActionRecord random_action(Prng& r, const Limits& lim) {
  ActionRecord a;
  std::uint32_t dest_type = 0;
  std::uint32_t dest_id = 0;
  const auto d = r.below(100);
  if (d < 30) {
    dest_type = 1;
  } else if (d < 65) {
    dest_type = 2;
    dest_id = 1 + static_cast<std::uint32_t>(r.below(lim.num_vnic));
  } else if (d < 80) {
    dest_type = 3;
  } else if (d < 90) {
    dest_type = 0;
  } else if (d < 94) {
    dest_type = 4 + static_cast<std::uint32_t>(r.below(4));  // reserved: bad_action
  } else if (d < 97) {
    dest_type = 1;
    dest_id = 1 + static_cast<std::uint32_t>(r.below(3));  // wire port out of range
  } else {
    dest_type = 2;
    dest_id = r.below(2) != 0 ? 0 : lim.num_vnic + 1 + static_cast<std::uint32_t>(r.below(10));
  }
  a.flags = (dest_type << ActionRecord::kDestTypeShift) | (dest_id << ActionRecord::kDestIdShift);
  auto flag = [&](std::uint32_t bit, unsigned pct) {
    if (r.below(100) < pct) a.flags |= bit;
  };
  flag(ActionRecord::kDecap, 8);
  flag(ActionRecord::kEncap, 20);
  if (r.below(2) != 0) a.flags |= static_cast<std::uint32_t>(r.below(4)) << ActionRecord::kVlanOpShift;
  flag(ActionRecord::kSetDmac, 20);
  flag(ActionRecord::kSetSmac, 20);
  flag(ActionRecord::kSetSip, 20);
  flag(ActionRecord::kSetDip, 20);
  flag(ActionRecord::kSetSport, 20);
  flag(ActionRecord::kSetDport, 20);
  flag(ActionRecord::kDecTtl, 25);
  flag(ActionRecord::kMark, 30);
  // The copies to the host from one draw (mirror 15%, tcp_ctl_copy 35%, both 10%), so that
  // the rest of the sequence, and the outcomes it reaches, stay as they were without the bit.
  const auto copy = r.below(100);
  if (copy < 15) a.flags |= ActionRecord::kMirror;
  if (copy >= 5 && copy < 40) a.flags |= ActionRecord::kTcpCtlCopy;
  a.vlan_tci = static_cast<std::uint16_t>(r.next());
  const auto m = r.below(100);
  if (m < 30)
    a.meter = static_cast<std::uint16_t>(1 + r.below(lim.num_meters - 1));
  else if (m < 32)
    a.meter = static_cast<std::uint16_t>(lim.num_meters + r.below(100));  // bad_action
  for (auto& b : a.dmac) b = static_cast<std::uint8_t>(r.next());
  for (auto& b : a.smac) b = static_cast<std::uint8_t>(r.next());
  a.mark_value = static_cast<std::uint32_t>(r.next());
  a.sport = static_cast<std::uint16_t>(r.next());
  a.dport = static_cast<std::uint16_t>(r.next());
  for (auto& b : a.sip) b = static_cast<std::uint8_t>(r.next());
  for (auto& b : a.dip) b = static_cast<std::uint8_t>(r.next());
  const auto e = r.below(100);
  a.encap_index = static_cast<std::uint16_t>(e < 96 ? 1 + r.below(lim.num_encap - 1)
                                              : (e < 98 ? 0 : lim.num_encap + r.below(5)));
  // What the tables hand back: the canonical encoding.
  return ActionRecord::decode(a.encode());
}

/// The outer source check (spec 5.2, check_osrc) for the flow of `frame`, from a stream of its
/// own (the tables' draws stay as they were): 10% with the frame's level-0 source in sip (the
/// check passes), 8% with another (it fails: EXC_OUTER_SRC), 2% keeping a set_sip the action
/// may have (bad_action when it has); otherwise the action is left as it is.
inline void random_osrc_check(ActionRecord& a, const Bytes& frame, Prng& r) {
  const auto d = r.below(100);
  if (d >= 20) return;
  if (d >= 2) a.flags &= ~ActionRecord::kSetSip;
  a.set_check_osrc(true);
  model::Parser parser;
  model::ParseResult pr;
  parser.parse(frame, pr);
  a.sip = {};
  const model::Level& l0 = pr.levels[0];
  if (pr.depth > 0 && l0.has_ip) {
    if (l0.ip.version == 4)
      std::copy_n(frame.begin() + l0.ip.offset + 12, 4, a.sip.begin() + 12);
    else
      std::copy_n(frame.begin() + l0.ip.offset + 8, 16, a.sip.begin());
  }
  if (d >= 12) a.sip[15 - r.below(4)] ^= static_cast<std::uint8_t>(1 + r.below(255));
}

inline model::EncapTemplate random_template(Prng& r) {
  model::EncapTemplate t;
  for (auto& b : t.dmac) b = static_cast<std::uint8_t>(r.next());
  for (auto& b : t.smac) b = static_cast<std::uint8_t>(r.next());
  t.vlan_tci = r.below(2) != 0 ? static_cast<std::uint16_t>(1 + r.below(0xFFFE)) : 0;
  t.set_ipv6(r.below(2) != 0);
  t.ttl = static_cast<std::uint8_t>(r.next());
  t.udp_dport = r.below(4) != 0 ? 4789 : static_cast<std::uint16_t>(r.next());
  t.vni = static_cast<std::uint32_t>(r.below(1u << 24));
  for (auto& b : t.sip) b = static_cast<std::uint8_t>(r.next());
  for (auto& b : t.dip) b = static_cast<std::uint8_t>(r.next());
  t.set_tunnel(static_cast<model::EncapTunnel>(r.below(3)));  // VXLAN, NVGRE, Geneve
  return t;
}

struct Keys {
  model::FlowKey key{};
  model::TcamKey tkey{};
  bool ok = false;
};

inline Keys keys_of(const Bytes& f, std::uint8_t vport) {
  Keys k;
  model::Parser parser;
  model::ParseResult pr;
  parser.parse(f, pr);
  if (model::parse_failed(pr, 256)) return k;
  model::build_flow_key(f, pr, vport, k.key, 256);
  model::build_tcam_key(k.key, pr, k.tkey);
  k.ok = true;
  return k;
}

/// Gives a frame whose key level has a TCP header random TCP flags, SYN, FIN and RST among them
/// (spec 5.2 step 2: a TCP control segment; the trace generator sends only ACK|PSH), with its
/// TCP checksum updated. Other frames (no TCP header at the key level, parse errors) stay as
/// they are. The flags are not in the flow key: the frame keeps its flow.
inline void random_tcp_flags(Bytes& f, Prng& r) {
  model::Parser parser;
  model::ParseResult pr;
  parser.parse(f, pr);
  if (model::parse_failed(pr, 256)) return;
  const model::Level& lv = pr.levels[model::key_level(pr)];
  if (!lv.has_l4 || lv.l4.kind != model::Layer::kTcp) return;
  namespace T = model::tcpflag;
  static constexpr std::uint8_t kFlags[] = {
      T::kSyn, T::kSyn | T::kAck, T::kFin | T::kAck, T::kFin,          T::kRst,
      T::kRst | T::kAck, T::kAck,   T::kAck | T::kPsh, T::kFin | T::kPsh | T::kAck,
      T::kUrg | T::kAck | T::kEce | T::kCwr};
  const std::size_t word = lv.l4.offset + 12;  // data offset and flags
  const std::size_t csum = lv.l4.offset + 16;
  const std::uint16_t old_word = model::load_be16(&f[word]);
  f[word + 1] = kFlags[r.below(std::size(kFlags))];
  model::store_be16(&f[csum], model::checksum_update16(model::load_be16(&f[csum]), old_word,
                                                       model::load_be16(&f[word])));
}

}  // namespace nicsim::rtl_dp
