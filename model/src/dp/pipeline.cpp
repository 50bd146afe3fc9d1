// SPDX-License-Identifier: MIT
#include "nicsim/model/pipeline.hpp"

#include <algorithm>
#include <cstring>

#include "nicsim/model/checksum.hpp"
#include "nicsim/model/fast_parse.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/headers.hpp"

namespace nicsim::model {

const char* action_problem(const ActionRecord& a, const ParseResult& pr,
                           const PipelineConfig& cfg, const EncapTable& encap) noexcept {
  switch (a.dest_type()) {
    case ActionDest::kDrop:
    case ActionDest::kException: break;
    case ActionDest::kWire:
      if (a.dest_id() != 0) return "wire port out of range";
      break;
    case ActionDest::kVnic:
      if (a.dest_id() == 0 || a.dest_id() > cfg.num_vnic) return "vport out of range";
      break;
    default: return "reserved dest_type";
  }
  if (a.meter != 0 && a.meter >= cfg.num_meters) return "meter index out of range";
  if (a.encap() && !encap.valid_index(a.encap_index))
    return "encap template index out of range";
  if (a.decap() &&
      !(pr.depth >= 2 && pr.levels[0].has_tunnel && pr.levels[1].has_eth))
    return "decap of a packet without a tunnel carrying Ethernet";
  if (a.check_osrc() && a.set_sip()) return "check_osrc with set_sip (one sip field)";
  return nullptr;
}

bool outer_source_is(ByteSpan frame, const ParseResult& pr,
                     const std::array<std::uint8_t, 16>& sip) noexcept {
  const Level& l0 = pr.levels[0];
  if (!l0.has_ip) return false;
  std::array<std::uint8_t, 16> src{};  // as the flow key holds addresses (spec 3)
  if (l0.ip.version == 4)
    std::memcpy(&src[12], &frame[l0.ip.offset + 12], 4);
  else
    std::memcpy(src.data(), &frame[l0.ip.offset + 8], 16);
  return src == sip;
}

bool tcp_control_segment(const ParseResult& pr) noexcept {
  const Level& lv = pr.levels[key_level(pr)];
  return lv.has_l4 && lv.l4.kind == Layer::kTcp &&
         (lv.l4.tcp_flags & (tcpflag::kSyn | tcpflag::kFin | tcpflag::kRst)) != 0;
}

void completion_status(ByteSpan f, const Level& lv, bool parse_err, Delivery& d) noexcept {
  std::uint8_t st = parse_err ? RxCpl::kParseErr : 0;
  fmt::L3Type l3 = fmt::L3Type::kNone;
  fmt::CplL4 l4k = fmt::CplL4::kNone;
  if (lv.has_eth && lv.vlan_count > 0 && f.size() >= lv.eth.offset + 16u) {
    st |= RxCpl::kVlan;
    d.vlan_tci = load_be16(&f[lv.eth.offset + 14]);
  }
  if (lv.has_ip) {
    const IpInfo& ip = lv.ip;
    l3 = ip.version == 4 ? fmt::L3Type::kIpv4 : fmt::L3Type::kIpv6;
    l4k = fmt::CplL4::kOther;
    if (lv.has_l4) {
      switch (lv.l4.kind) {
        case Layer::kTcp: l4k = fmt::CplL4::kTcp; break;
        case Layer::kUdp: l4k = fmt::CplL4::kUdp; break;
        default: l4k = fmt::CplL4::kIcmp; break;
      }
    }
    const std::size_t ip_end = std::size_t{ip.offset} + ip.total_len;
    if (!ip.frag && ip_end <= f.size()) {
      st |= RxCpl::kCsumChecked;
      const std::uint8_t* iph = &f[ip.offset];
      // ipv4_header_checksum_ok, pseudo_header_sum and l4_checksum_ok in one pass each over
      // the frame's bytes (a folded partial sum added to another and folded again gives the
      // sum of the whole, RFC 1071).
      bool ip_ok = true;
      if (ip.version == 4) ip_ok = ones_sum_short(iph, ip.header_len) == 0xffff;
      if (ip_ok) st |= RxCpl::kIpCsumOk;
      if (lv.has_l4) {
        const std::size_t l4o = lv.l4.offset;
        const auto len = static_cast<std::uint32_t>(ip_end - l4o);
        bool ok = false;
        if (lv.l4.kind == Layer::kUdp && ip.version == 4 && load_be16(&f[l4o + 6]) == 0) {
          ok = true;
        } else {
          OnesSum sum;  // the pseudo-header (none for ICMP), then the segment
          std::size_t from = l4o;
          if (lv.l4.kind != Layer::kIcmp) {
            sum.add16(ip.proto).add32(len);
            // The addresses: summed with the segment when they end where it starts (no IPv4
            // options, no IPv6 extension headers), an even number of bytes before it.
            const std::size_t a = ip.offset + (ip.version == 4 ? 12u : 8u);
            const std::size_t a_end = ip.offset + (ip.version == 4 ? 20u : 40u);
            if (a_end == l4o)
              from = a;
            else
              sum.add16(ones_sum_short(&f[a], a_end - a));
          }
          ok = sum.add16(ones_sum(ByteSpan(&f[from], ip_end - from))).sum() == 0xffff;
        }
        if (ok) st |= RxCpl::kL4CsumOk;
      }
    }
  }
  const fmt::TunType tun = lv.has_tunnel ? spec_tun_type(lv.tunnel.type) : fmt::TunType::kNone;
  namespace C = fmt::rx_cpl;  // byte 15: l3, l4, tun
  d.status = static_cast<std::uint8_t>(d.status | st);
  d.types = static_cast<std::uint8_t>(
      C::TUN.with(C::L4.with(C::L3.with(0, static_cast<std::uint64_t>(l3)),
                             static_cast<std::uint64_t>(l4k)),
                  static_cast<std::uint64_t>(tun)));
}

std::size_t token_offset(ByteSpan frame, const ParseResult& pr) noexcept {
  const Level& l0 = pr.levels[0];
  if (!l0.has_tunnel || l0.tunnel.type != TunnelType::kGeneve) return 0;
  const std::size_t g = l0.tunnel.offset;
  // The Geneve header (8) and the option (4 + 48) within the header's options (the parse
  // checked that the header with its options lies within the frame and the window).
  if (l0.tunnel.header_len < 8 + 4 + kTokenBytes || g + 8 + 4 + kTokenBytes > frame.size()) return 0;
  const std::uint8_t* o = frame.data() + g + 8;
  if (o[0] != (kTokenOptionClass >> 8) || o[1] != (kTokenOptionClass & 0xff) ||
      o[2] != kTokenOptionType || (o[3] & 0x1f) != kTokenBytes / 4)
    return 0;
  return g + 12;
}

Pipeline::Pipeline(const PipelineConfig& cfg)
    : cfg_(cfg),
      parser_(ParserConfig{cfg.vxlan_port, cfg.geneve_port, 8}),
      em_(cfg.em_buckets),
      tcam_(cfg.tcam_entries),
      meters_(cfg.num_meters),
      encap_(cfg.num_encap),
      rss_(std::size_t{cfg.num_vnic} + 1),
      xpose_(std::max<std::size_t>(cfg.wire_max_frame, 16384)),
      rx_copy_(std::max<std::size_t>(cfg.wire_max_frame, 16384)),
      tokens_(cfg.num_vnic) {}

ByteSpan Pipeline::as_received(ByteSpan frame) noexcept {
  if (borrow_input_) return frame;  // process_burst: the input outlives the result
  if (!rx_copied_) {
    if (rx_copy_.size() < frame.size()) rx_copy_.resize(frame.size());
    std::memcpy(rx_copy_.data(), frame.data(), frame.size());
    rx_copied_ = true;
  }
  return {rx_copy_.data(), frame.size()};
}

ByteSpan Pipeline::transposed(ByteSpan frame) noexcept {
  const ByteSpan out = xpose_.output();
  if (borrow_input_) return out;  // as_received(frame) is the frame itself
  const auto off = reinterpret_cast<std::uintptr_t>(out.data()) -
                   reinterpret_cast<std::uintptr_t>(frame.data());
  if (off >= frame.size()) return out;  // the transposer's buffer
  // The frame itself, or its inner frame (a decap alone): as received, from the offset on.
  return as_received(frame).subspan(off);
}

Pipeline::TokenRoute Pipeline::token_route(ByteSpan frame, const ParseResult& pr,
                                           std::uint8_t src_vport, FlowKey& key,
                                           bool commit) noexcept {
  if (!token_enable_ || src_vport < 1 || src_vport > cfg_.num_vnic) return TokenRoute::kNone;
  const std::size_t off = token_offset(frame, pr);
  if (off == 0) return TokenRoute::kNone;
  const std::span<const std::uint8_t, kTokenBytes> tok(frame.data() + off, kTokenBytes);
  const TokenChecker::Result t = commit ? tokens_.check(tok, src_vport) : tokens_.peek(tok, src_vport);
  if (t.verdict != TokenVerdict::kOk) return TokenRoute::kRefused;
  // The key holds an IPv4 address (::ffff:a.b.c.d) in its last 4 bytes, zeros before.
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const bool v4 = std::memcmp(t.addr.data(), kMapped, 12) == 0;
  for (std::size_t i = 0; i < 16; ++i) key[kKeyBytes - 16 + i] = v4 && i < 12 ? 0 : t.addr[i];
  return TokenRoute::kOk;
}

Pipeline::LookupPlan Pipeline::lookup_plan(ByteSpan frame, std::uint8_t src_vport) {
  LookupPlan plan;
  Ahead a;
  prepare(frame, src_vport, a);
  if (a.state != Ahead::kOk) return plan;
  plan.key = a.key;
  plan.lookup = token_route(frame, a.pr, src_vport, plan.key, false) != TokenRoute::kRefused;
  return plan;
}

void Pipeline::drop(DropReason r) noexcept {
  res_.drop = r;
  res_.primary.dest = DestType::kDrop;
  ++counters_.drops[static_cast<std::size_t>(r)];
}

void Pipeline::to_exception(Delivery& d, ByteSpan frame, ExcReason reason,
                            bool parse_err) noexcept {
  d.dest = DestType::kException;
  d.port = kHostVport;
  d.reason = reason;
  d.bytes = as_received(frame);
  completion_status(d.bytes, ahead_[cur_].pr.levels[0], parse_err, d);
}

void Pipeline::prepare(ByteSpan frame, std::uint8_t src_vport, Ahead& a) noexcept {
  a.gen = parse_gen_;
  if (frame.size() > cfg_.max_frame) {  // spec 2.2: never stored whole, dropped whatever the policy
    a.pr = ParseResult{};
    a.state = Ahead::kTooLong;
    return;
  }
  // Most frames are read whole further on (copied, checksummed): request all their cache lines
  // now, so that they arrive while the headers are parsed and the tables looked up.
  for (std::size_t off = 64; off < frame.size(); off += 64) __builtin_prefetch(frame.data() + off);
  // The common frames take the fast parse (same result as the reference parser, and known
  // not to fail); the others, and every frame with an error, the reference parser.
  a.fast = fast_parse(frame, parser_.config(), cfg_.parse_window, a.pr);
  if (!a.fast && (parser_.parse(frame, a.pr), parse_failed(a.pr, cfg_.parse_window))) {
    a.state = Ahead::kParseFailed;
    return;
  }
  a.state = Ahead::kOk;
  build_flow_key(frame, a.pr, src_vport, a.key, cfg_.parse_window);
  static_assert(kKeyBytes == 42);
  a.h1 = crc32c_42(a.key.data());
  em_.prefetch(a.h1);
}

const Result& Pipeline::process(std::span<const std::uint8_t> frame, std::uint8_t src_vport,
                                std::uint64_t cycle) {
  Ahead& a = ahead_[kAhead];
  prepare(frame, src_vport, a);
  return finish(frame, src_vport, cycle, a);
}

const Result& Pipeline::process_in_place(std::span<const std::uint8_t> frame,
                                         std::uint8_t src_vport, std::uint64_t cycle) {
  borrow_input_ = true;  // process() throws nothing (prepare and finish are noexcept)
  const Result& r = process(frame, src_vport, cycle);
  borrow_input_ = false;
  return r;
}

const Result& Pipeline::finish(ByteSpan frame, std::uint8_t src_vport, std::uint64_t cycle,
                               Ahead& ahead) noexcept {
  // The parser's configuration changed since the frame was prepared (a burst's callback).
  if (ahead.gen != parse_gen_) prepare(frame, src_vport, ahead);
  cur_ = static_cast<std::size_t>(&ahead - ahead_.data());
  res_.primary = Delivery{};
  res_.has_mirror = false;
  res_.drop = DropReason::kNone;
  rx_copied_ = false;
  const auto len = static_cast<std::uint32_t>(frame.size());
  if (src_vport == 0) {
    ++counters_.rx_wire_frames;
    counters_.rx_wire_bytes += len;
  } else {
    ++counters_.tx_frames;
    counters_.tx_bytes += len;
  }
  if (ahead.state == Ahead::kTooLong) {
    drop(DropReason::kParseError);
    return res_;
  }
  if (ahead.state == Ahead::kParseFailed) {
    if (cfg_.parse_err_to_exception) {
      to_exception(res_.primary, frame, ExcReason::kParseError, true);
      ++counters_.out_exception;
    } else {
      drop(DropReason::kParseError);
    }
    return res_;
  }
  const FlowKey* keyp = &ahead.key;
  std::uint32_t h1 = ahead.h1;
  // Spec 11: a frame from a VNIC with a destination token is routed on the token's address,
  // or refused (dropped, or to the exception ring per VNIC) without a lookup.
  if (token_enable_) {
    tok_key_ = ahead.key;
    switch (token_route(frame, ahead.pr, src_vport, tok_key_, true)) {
      case TokenRoute::kNone: break;
      case TokenRoute::kOk:
        h1 = crc32c_42(tok_key_.data());
        keyp = &tok_key_;
        break;
      case TokenRoute::kRefused:
        if (token_exc_[src_vport]) {
          to_exception(res_.primary, frame, ExcReason::kToken, false);
          ++counters_.out_exception;
        } else {
          drop(DropReason::kToken);
        }
        return res_;
    }
  }
  const FlowKey& key = *keyp;
  res_.primary.h1 = h1;
  const std::uint32_t handle = em_.find_h1(key, h1);
  if (handle != kNoHandle) {
    em_.hit(handle, len, cycle);
    ++counters_.em_hits;
    execute(em_.action(handle), frame, src_vport, cycle);
    return res_;
  }
  build_tcam_key(key, ahead.pr, tkey_);
  const std::uint16_t ti = tcam_.lookup(tkey_);
  if (ti != kNoTcamIndex) {
    tcam_.hit(ti, len);
    ++counters_.tcam_hits;
    res_.primary.tcam_index = ti;
    execute(tcam_.rule(ti).action, frame, src_vport, cycle);
    return res_;
  }
  ++counters_.misses;
  to_exception(res_.primary, frame, ExcReason::kMiss, false);
  ++counters_.out_exception;
  return res_;
}

void Pipeline::execute(const ActionRecord& a, ByteSpan frame, std::uint8_t src_vport,
                       std::uint64_t cycle) noexcept {
  Delivery& d = res_.primary;
  const ParseResult& pr_ = ahead_[cur_].pr;
  if (action_problem(a, pr_, cfg_, encap_) != nullptr) return drop(DropReason::kBadAction);
  // 0. the outer source check: a frame from another underlay source goes to the host as it is
  if (a.check_osrc() && !outer_source_is(frame, pr_, a.sip)) {
    to_exception(d, frame, ExcReason::kOuterSrc, false);
    ++counters_.out_exception;
    return;
  }
  // 1. meter
  if (a.meter != 0 && !meters_.check(a.meter, static_cast<std::uint32_t>(frame.size()), cycle))
    return drop(DropReason::kMeter);
  // 2. the copy to the host, as received, no mark: one per packet, TCP_CTL before MIRROR
  const bool tcp_ctl = a.tcp_ctl_copy() && tcp_control_segment(pr_);
  if (a.mirror() || tcp_ctl) {
    res_.has_mirror = true;
    Delivery& m = res_.mirror;
    m = Delivery{};
    m.h1 = d.h1;
    m.tcam_index = d.tcam_index;
    to_exception(m, frame, tcp_ctl ? ExcReason::kTcpCtl : ExcReason::kMirror, false);
    ++counters_.mirror;
  }
  // 4. TTL (before anything is changed: the exception gets the frame as received)
  if (Transposer::ttl_expired(pr_, a)) {
    to_exception(d, frame, ExcReason::kTtl, false);
    ++counters_.out_exception;
    return;
  }
  // 8. mark
  if (a.mark()) {
    d.mark = a.mark_value;
    d.mark_valid = true;
    d.status = RxCpl::kMarkValid;
  }
  // 9. destination (3.-7. applied where the frame leaves transposed)
  switch (static_cast<ActionDest>(a.dest_type())) {
    case ActionDest::kDrop: return drop(DropReason::kFlowDrop);
    case ActionDest::kException:
      to_exception(d, frame, ExcReason::kAction, false);
      ++counters_.out_exception;
      return;
    case ActionDest::kWire: {
      xpose_.apply(frame, pr_, a, d.h1, encap_);
      const ByteSpan out = transposed(frame);
      if (out.size() > cfg_.wire_max_frame) return drop(DropReason::kMtu);
      d.dest = DestType::kWire;
      d.port = a.dest_id();
      d.bytes = out;
      ++counters_.out_wire;
      return;
    }
    case ActionDest::kVnic: {
      xpose_.apply(frame, pr_, a, d.h1, encap_);
      const ByteSpan out = transposed(frame);
      // The completion describes the frame as delivered: parse it again when the headers
      // moved, or when the UDP destination port was rewritten (it decides VXLAN / Geneve). A
      // decap alone of a frame the fast parse took: the inner level's parse, moved.
      const ParseResult* opr = &pr_;
      if (a.decap() && ahead_[cur_].fast && !Transposer::rewrites(a)) {
        fast_parse_decapsulated(pr_, out_pr_);
        opr = &out_pr_;
      } else if (xpose_.layout_changed() || (a.flags & ActionRecord::kSetDport) != 0) {
        if (!fast_parse(out, parser_.config(), 0xFFFFFFFFu, out_pr_)) parser_.parse(out, out_pr_);
        opr = &out_pr_;
      }
      const Level& lv = opr->levels[0];
      d.dest = DestType::kVnic;
      d.port = a.dest_id();
      d.bytes = out;
      const RssResult r = rss_[d.port].classify(out, lv);
      d.rss_hash = r.hash;
      d.rss_valid = r.valid;
      d.queue = r.queue;
      if (r.valid) d.status |= RxCpl::kRssValid;
      completion_status(out, lv, false, d);
      ++counters_.out_vnic;
      if (src_vport >= 1 && src_vport <= cfg_.num_vnic) ++counters_.loopback;
      return;
    }
  }
}

}  // namespace nicsim::model
