// SPDX-License-Identifier: MIT
// NicDevice <-> Pipeline: the only code of the device that calls the datapath. Register
// values become pipeline configuration; flow-table commands become table operations; a
// processed frame's outputs are handed to the rings.
#include <algorithm>
#include <bit>

#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::model {

namespace R = nicsim::regs;

namespace {
constexpr FlowStatus kOk = FlowStatus::kOk;
constexpr FlowStatus kNotFound = FlowStatus::kNotFound;
constexpr FlowStatus kBadCommand = FlowStatus::kBadCommand;

template <std::size_t N>
std::array<std::uint8_t, N> to_array(std::span<const std::uint8_t> b) {
  std::array<std::uint8_t, N> a{};
  std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
  return a;
}
template <std::size_t N, std::size_t M>
void store_words(std::span<const std::uint8_t> b, std::array<std::uint32_t, M>& w) {
  w.fill(0);
  for (std::size_t i = 0; i < N && i < b.size() && i < 4 * M; ++i)
    w[i / 4] |= static_cast<std::uint32_t>(b[i]) << (8 * (i % 4));
}
}  // namespace

std::uint32_t NicDevice::num_vnic() const { return cfg_.pipeline.num_vnic; }
std::uint32_t NicDevice::parse_window() const { return cfg_.pipeline.parse_window; }

std::uint32_t NicDevice::caps1() const {
  using namespace R::nic;
  const auto& p = cfg_.pipeline;
  std::uint32_t r = 0;
  r = CAPS1_EM_BUCKETS_LOG2.put(r, static_cast<std::uint32_t>(std::countr_zero(p.em_buckets)));
  r = CAPS1_EM_WAYS.put(r, kEmWays);
  r = CAPS1_TCAM_ENTRIES.put(r, p.tcam_entries);
  r = CAPS1_NUM_METERS.put(r, p.num_meters == 0 ? 0 : p.num_meters - 1);
  return r;
}

ParserConfig NicDevice::parser_config() const {
  ParserConfig pc;
  pc.vxlan_port = static_cast<std::uint16_t>(R::nic::TUNNEL_PORTS_VXLAN.get(tunnel_ports_));
  pc.geneve_port = static_cast<std::uint16_t>(R::nic::TUNNEL_PORTS_GENEVE.get(tunnel_ports_));
  return pc;
}

std::uint32_t NicDevice::em_count() const {
  return const_cast<Pipeline&>(pipeline_).em().count();
}

void NicDevice::dp_apply_globals() {
  pipeline_.set_parse_err_to_exception(R::nic::CONTROL_PARSE_ERR_POLICY.get(control_) != 0);
  pipeline_.set_wire_max_frame(wire_max_frame_);
  const ParserConfig pc = parser_config();
  pipeline_.set_tunnel_ports(pc.vxlan_port, pc.geneve_port);
}

std::uint32_t NicDevice::dp_token_read(std::uint32_t off) {
  using namespace R::tokn;
  TokenChecker& t = pipeline_.tokens();
  if (off >= VERDICTS && off < VERDICTS + 4 * VERDICTS_COUNT)
    return static_cast<std::uint32_t>(t.count(static_cast<TokenVerdict>((off - VERDICTS) / 4)));
  switch (off) {
    case CONTROL: return token_control_;
    case KEY_STATUS:  // a key command takes effect at once here: never BUSY
      return KEY_STATUS_VALID.put(0, (t.has_key(0) ? 1u : 0u) | (t.has_key(1) ? 2u : 0u));
    default: return 0;  // the key words are write-only
  }
}

void NicDevice::dp_token_write(std::uint32_t off, std::uint32_t v) {
  using namespace R::tokn;
  TokenChecker& t = pipeline_.tokens();
  if (off >= KEY_ENC0 && off <= KEY_ENC3) {
    token_key_enc_[(off - KEY_ENC0) / 4] = v;
  } else if (off >= KEY_MAC0 && off <= KEY_MAC3) {
    token_key_mac_[(off - KEY_MAC0) / 4] = v;
  } else if (off == CONTROL) {
    token_control_ = v & CONTROL_ENABLE.mask();
    pipeline_.set_token_enable(CONTROL_ENABLE.get(token_control_) != 0);
  } else if (off == KEY_CMD) {
    const unsigned slot = KEY_CMD_SLOT.get(v);
    if (KEY_CMD_CLEAR.get(v) != 0) {  // CLEAR wins over LOAD
      t.clear_key(slot);
    } else if (KEY_CMD_LOAD.get(v) != 0) {
      TokenKeys k;
      for (std::size_t i = 0; i < 16; ++i) {  // byte 0 in bits 31:24 of word 0
        k.enc[i] = static_cast<std::uint8_t>(token_key_enc_[i / 4] >> (24 - 8 * (i % 4)));
        k.mac[i] = static_cast<std::uint8_t>(token_key_mac_[i / 4] >> (24 - 8 * (i % 4)));
      }
      t.load_key(slot, k);
    }
  } else if (off == WIN_CLR) {
    t.clear_window(static_cast<std::uint16_t>(WIN_CLR_ENI.get(v)));
  }
}

void NicDevice::dp_apply_vnic(unsigned vport) {
  if (vport < 1 || vport > vnic_.size()) return;
  const Vnic& n = vnic_[vport - 1];
  pipeline_.set_token_exc(static_cast<std::uint8_t>(vport),
                          R::vnic::VNIC_CTRL_TOKEN_EXC.get(n.ctrl) != 0);
  RssConfig& rss = pipeline_.rss(static_cast<std::uint8_t>(vport));
  rss.enable = R::vnic::VNIC_CTRL_RSS_ENABLE.get(n.ctrl) != 0;
  for (std::size_t i = 0; i < rss.key.size(); ++i)  // first byte in bits 31:24 of word 0
    rss.key[i] = static_cast<std::uint8_t>(n.rss_key[i / 4] >> (24 - 8 * (i % 4)));
  for (std::size_t i = 0; i < rss.indir.size(); ++i)  // entry 4i+j in bits 8j+7:8j of word i
    rss.indir[i] = static_cast<std::uint8_t>(n.rss_indir[i / 4] >> (8 * (i % 4)));
}

void NicDevice::dp_process(std::span<const std::uint8_t> frame, std::uint8_t src_vport) {
  // The frame (the caller's wire frame, or tx_run's copy from host memory) outlives the result:
  // frames delivered as received are not copied again.
  const Result& r = pipeline_.process_in_place(frame, src_vport, now_);
  auto meta_of = [&](const Delivery& d) {
    RxMeta m;
    m.src_vport = src_vport;
    m.exc_reason = d.dest == DestType::kException ? d.reason : ExcReason::kNone;
    m.rss_hash = d.rss_hash;
    m.rss_valid = d.rss_valid;
    m.mark = d.mark;
    m.mark_valid = d.mark_valid;
    m.tcam_index = d.tcam_index;
    m.h1 = d.h1;
    m.vlan_tci = d.vlan_tci;
    m.status = d.status;
    m.types = d.types;
    m.ingress = now_;
    return m;
  };
  // Mirror copy first (action step 2 precedes the destination).
  if (r.has_mirror) {
    if (deliver_exception(r.mirror.bytes, meta_of(r.mirror)))
      ++cnt_.mirror;
    else
      ++cnt_.mirror_drop;
  }
  switch (r.drop) {
    case DropReason::kNone: break;
    case DropReason::kParseError: ++cnt_.drop_parse_error; return;
    case DropReason::kFlowDrop: ++cnt_.drop_flow; return;
    case DropReason::kMeter: ++cnt_.drop_meter; return;
    case DropReason::kBadAction: ++cnt_.drop_bad_action; return;
    case DropReason::kMtu: ++cnt_.drop_mtu; return;
    // The device's own reasons never come out of the pipeline; count them where they are.
    case DropReason::kRxNoDesc: ++cnt_.drop_rx_no_desc; return;
    case DropReason::kRxTooLong: ++cnt_.drop_rx_too_long; return;
    case DropReason::kRxCqFull: ++cnt_.drop_rx_cq_full; return;
    case DropReason::kQuota: ++cnt_.drop_quota; return;
    case DropReason::kExcFull: ++cnt_.drop_exc_full; return;
    case DropReason::kSpoof: ++cnt_.drop_spoof; return;
    case DropReason::kToken: ++cnt_.drop_token; return;
  }
  const Delivery& d = r.primary;
  switch (d.dest) {
    case DestType::kDrop: ++cnt_.drop_flow; return;  // not produced without a drop reason
    case DestType::kWire: {
      // WIRE_MAX_FRAME is checked by the pipeline (drop mtu).
      Frame f;
      f.data.assign(d.bytes.begin(), d.bytes.end());
      f.orig_len = static_cast<std::uint32_t>(f.data.size());
      ++cnt_.out_wire;
      cnt_.out_wire_bytes += f.data.size();
      wire_out_.push_back(std::move(f));
      return;
    }
    case DestType::kVnic: deliver_vnic(d.bytes, d.port, d.queue, meta_of(d)); return;
    case DestType::kException:
      if (deliver_exception(d.bytes, meta_of(d)))
        ++cnt_.out_exception;
      else
        ++cnt_.drop_exc_full;
      return;
  }
}

DeviceCounters NicDevice::counters() const {
  DeviceCounters c = cnt_;
  const PipelineCounters& p = const_cast<Pipeline&>(pipeline_).counters();
  c.em_hits = p.em_hits;
  c.tcam_hits = p.tcam_hits;
  c.misses = p.misses;
  return c;
}

FlowStatus NicDevice::em_command(fmt::FtCmd cmd, std::span<const std::uint8_t> key,
                                 std::span<const std::uint8_t> action, std::uint32_t& handle,
                                 bool from_ring) {
  using fmt::FtCmd;
  ExactMatchTable& em = pipeline_.em();
  const FlowKey k = to_array<kKeyBytes>(key);
  switch (cmd) {
    case FtCmd::kInsert: {
      const EmInsertResult r = em.insert(k, ActionRecord::decode(action));
      if (r.status == FlowStatus::kOk) handle = r.handle;
      return r.status;
    }
    case FtCmd::kDeleteKey: return em.erase(k);
    case FtCmd::kDeleteHandle: return em.erase_handle(handle);
    case FtCmd::kQuery:
    case FtCmd::kRead: {
      if (from_ring || !em.valid(handle)) return from_ring ? kBadCommand : kNotFound;
      EmEntry e;
      if (!em.read(handle, e)) return kNotFound;
      if (cmd == FtCmd::kQuery) {
        ft_pkts_ = e.counters.pkts;
        ft_bytes_ = e.counters.bytes;
        ft_last_seen_ = e.counters.last_seen;
      } else {
        store_words<kKeyBytes>(e.key, ft_key_);
        const auto a = e.action.encode();
        store_words<kActionBytes>(a, ft_action_);
      }
      return kOk;
    }
    default: return kBadCommand;
  }
}

FlowStatus NicDevice::tcam_command(fmt::TcamCmd cmd, std::uint32_t index, std::uint16_t prio,
                                   std::span<const std::uint8_t> value,
                                   std::span<const std::uint8_t> mask,
                                   std::span<const std::uint8_t> action, bool from_ring) {
  using fmt::TcamCmd;
  Tcam& t = pipeline_.tcam();
  const bool known = cmd == TcamCmd::kWrite || cmd == TcamCmd::kClear ||
                     (!from_ring && (cmd == TcamCmd::kQuery || cmd == TcamCmd::kRead));
  if (!known || index >= t.size()) return kBadCommand;
  switch (cmd) {
    case TcamCmd::kWrite:
      t.write(index, prio, to_array<kTcamKeyBytes>(value), to_array<kTcamKeyBytes>(mask),
              ActionRecord::decode(action));
      return kOk;
    case TcamCmd::kClear: return t.rule(index).valid ? (t.clear(index), kOk) : kNotFound;
    case TcamCmd::kQuery:
    case TcamCmd::kRead: {
      const TcamRule& rule = t.rule(index);
      if (!rule.valid) return kNotFound;
      if (cmd == TcamCmd::kQuery) {
        tcam_pkts_ = rule.pkts;
        tcam_bytes_ = rule.bytes;
      } else {
        tcam_prio_ = rule.priority;
        store_words<kTcamKeyBytes>(rule.value, tcam_value_);
        store_words<kTcamKeyBytes>(rule.mask, tcam_mask_);
        const auto a = rule.action.encode();
        store_words<kActionBytes>(a, tcam_action_);
      }
      return kOk;
    }
    default: return kBadCommand;
  }
}

void NicDevice::encap_command(std::uint32_t value) {
  using fmt::ActCmd;
  EncapTable& e = pipeline_.encap();
  const auto cmd = command_of<ActCmd>(value);
  if ((cmd != ActCmd::kWrite && cmd != ActCmd::kRead) || !e.valid_index(encap_index_)) {
    act_status_ = static_cast<std::uint32_t>(kBadCommand);
    return;
  }
  if (cmd == ActCmd::kWrite) {
    std::array<std::uint8_t, kEncapBytes> b{};
    for (std::size_t i = 0; i < b.size(); ++i)
      b[i] = static_cast<std::uint8_t>(encap_data_[i / 4] >> (8 * (i % 4)));
    // A reserved tunnel type is refused; the entry stays as it was (spec 5.5).
    if (!e.set(encap_index_, EncapTemplate::decode(b))) {
      act_status_ = static_cast<std::uint32_t>(kBadCommand);
      return;
    }
  } else {
    const auto b = e.get(encap_index_).encode();
    store_words<kEncapBytes>(b, encap_data_);
  }
  act_status_ = static_cast<std::uint32_t>(kOk);
}

void NicDevice::meter_command(std::uint32_t value) {
  using fmt::ActCmd;
  MeterBank& m = pipeline_.meters();
  const auto cmd = command_of<ActCmd>(value);
  if ((cmd != ActCmd::kWrite && cmd != ActCmd::kRead) || meter_index_ == 0 ||
      meter_index_ >= m.size()) {
    act_status_ = static_cast<std::uint32_t>(kBadCommand);
    return;
  }
  if (cmd == ActCmd::kWrite) {
    m.configure(meter_index_, meter_rate_, meter_burst_, now_);
  } else {
    const MeterState& s = m.state(meter_index_);
    meter_rate_ = s.rate;
    meter_burst_ = s.burst;
    meter_tokens_ = s.tokens;
  }
  act_status_ = static_cast<std::uint32_t>(kOk);
}

}  // namespace nicsim::model
