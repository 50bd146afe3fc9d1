// SPDX-License-Identifier: MIT
#include "nicsim/sim/scoreboard.hpp"

#include <algorithm>
#include <sstream>

#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::sim {

namespace {

namespace R = nicsim::regs;
constexpr std::uint64_t kNoFrame = ~std::uint64_t{0};

std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

std::string where_of(int queue) {
  return queue < 0 ? "exception ring" : "rxq " + std::to_string(queue);
}

/// "ipv4/tcp", "ipv4/udp vxlan ipv6/tcp", "arp", "eth 0x88cc", "parse error".
std::string parse_summary(const model::ParseResult& pr, std::uint32_t window) {
  if (model::parse_failed(pr, window)) return "parse error";
  std::string out;
  for (std::size_t i = 0; i < pr.depth && i < pr.levels.size(); ++i) {
    const model::Level& lv = pr.levels[i];
    if (!out.empty()) out += ' ';
    if (lv.has_ip) {
      out += lv.ip.version == 4 ? "ipv4" : "ipv6";
      if (lv.ip.frag) out += " frag";
      if (lv.has_l4) out += "/" + std::string(model::layer_name(lv.l4.kind));
    } else if (lv.has_arp) {
      out += "arp";
    } else if (lv.has_eth) {
      std::ostringstream o;
      o << "eth 0x" << std::hex << lv.eth.type;
      out += o.str();
    }
    if (lv.tunnel.type != model::TunnelType::kNone) {
      out += ' ';
      out += model::tunnel_name(lv.tunnel.type);
    }
  }
  return out;
}

/// The record's operations by name, from its accessors (rtl/formats.yaml).
std::string action_summary(const model::ActionRecord& a) {
  std::string out;
  auto add = [&](bool on, std::string_view name) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(a.decap(), "decap");
  add(a.encap(), "encap:" + std::to_string(a.encap_index));
  add(a.vlan_op() != fmt::VlanOp::kNone, std::string("vlan_") + fmt::to_string(a.vlan_op()));
  add(a.set_dmac(), "set_dmac");
  add(a.set_smac(), "set_smac");
  add(a.set_sip(), "set_sip");
  add(a.set_dip(), "set_dip");
  add(a.set_sport(), "set_sport");
  add(a.set_dport(), "set_dport");
  add(a.dec_ttl(), "dec_ttl");
  add(a.mark(), "mark:" + std::to_string(a.mark_value));
  add(a.meter != 0, "meter:" + std::to_string(a.meter));
  add(a.mirror(), "mirror");
  add(a.tcp_ctl_copy(), "tcp_ctl_copy");
  add(a.check_osrc(), "check_osrc");
  return out;
}

std::string dest_of(const model::Delivery& d, model::DropReason drop) {
  if (drop != model::DropReason::kNone) return std::string("drop ") + model::to_string(drop);
  switch (d.dest) {
    case model::DestType::kWire: return "wire";
    case model::DestType::kVnic:
      return "vnic " + std::to_string(d.port) + " q " + std::to_string(d.queue);
    case model::DestType::kException: return std::string("exception ") + fmt::to_string(d.reason);
    default: return "drop";
  }
}

}  // namespace

std::string FrameRecord::path() const {
  const char* src = vport == 0 ? "wire" : vport == model::kHostVport ? "host" : "vnic";
  const char* dst = dest_type == model::DestType::kWire        ? "wire"
                    : dest_type == model::DestType::kVnic      ? "vnic"
                    : dest_type == model::DestType::kException ? "exception"
                                                               : "drop";
  return std::string(src) + "->" + dst;
}

void Scoreboard::close_record(std::uint64_t index, std::optional<std::uint64_t> cycle,
                              std::string out) {
  const auto it = open_.find(index);
  if (it == open_.end()) return;
  FrameRecord& r = it->second;
  r.out_cycle = cycle;
  r.out = std::move(out);
  if (cycle && *cycle >= r.ingress_cycle) latencies_[r.path()].push_back(*cycle - r.ingress_cycle);
  if (log_) log_(r);
  open_.erase(it);
}

std::string Mismatch::to_string() const {
  std::ostringstream o;
  o << "cycle " << cycle << ": " << where;
  if (frame != kNoFrame) o << ", input frame " << frame;
  o << ": " << what << ": rtl " << rtl << ", model " << model;
  return o.str();
}

Scoreboard::Scoreboard(const model::DeviceConfig& cfg)
    : dev_(std::make_unique<model::NicDevice>(cfg, mem_)) {}

void Scoreboard::mismatch(Mismatch m) {
  ++mismatch_count_;
  if (mismatches_.size() < 100) mismatches_.push_back(std::move(m));
}

// ---- inputs ---------------------------------------------------------------------------------

void Scoreboard::register_write(std::uint32_t addr, std::uint32_t data, std::uint64_t cycle) {
  (void)cycle;
  // Table commands take effect as the tables see them (em_command, tcam_command), and the
  // flow-command ring's commands reach the tables the same way.
  if (addr == R::flow::FT_CMD_ADDR || addr == R::tcam::TCAM_CMD_ADDR ||
      addr == R::fcmd::FCMD_PROD_ADDR) {
    return;
  }
  dev_->write32(addr, data);
}

void Scoreboard::ingress(std::span<const std::uint8_t> frame, unsigned vport, std::uint64_t ts,
                         std::uint64_t cycle) {
  Pending p;
  p.bytes.assign(frame.begin(), frame.end());
  p.vport = vport;
  p.ts = ts;
  p.cycle = cycle;
  p.index = frames_++;
  if (log_) {
    const std::uint32_t ports = dev_->read32(R::nic::TUNNEL_PORTS_ADDR);
    model::ParserConfig pc;
    pc.vxlan_port = static_cast<std::uint16_t>(R::nic::TUNNEL_PORTS_VXLAN.get(ports));
    pc.geneve_port = static_cast<std::uint16_t>(R::nic::TUNNEL_PORTS_GENEVE.get(ports));
    model::ParseResult pr;
    model::Parser(pc).parse(p.bytes, pr);
    p.parse = parse_summary(pr, R::nic::CAPS2_PARSE_WINDOW.get(dev_->read32(R::nic::CAPS2_ADDR)));
  }
  pending_.push_back(std::move(p));
  drain(false);
}

void Scoreboard::em_lookup(std::uint64_t cycle) {
  em_lookups_.push_back(cycle);
  drain(false);
}

void Scoreboard::tcam_lookup(std::uint64_t cycle) {
  tcam_lookups_.push_back(cycle);
  drain(false);
}

void Scoreboard::em_command(unsigned op, std::span<const std::uint8_t> key,
                            std::span<const std::uint8_t> action, std::uint32_t handle,
                            std::uint64_t cycle) {
  cmds_.push_back(TableCmd{cycle, true, op, handle, 0, {key.begin(), key.end()}, {},
                           {action.begin(), action.end()}});
}

void Scoreboard::tcam_command(std::uint32_t op, std::uint32_t index, std::uint16_t priority,
                              std::span<const std::uint8_t> value,
                              std::span<const std::uint8_t> mask,
                              std::span<const std::uint8_t> action, std::uint64_t cycle) {
  cmds_.push_back(TableCmd{cycle, false, op, index, priority, {value.begin(), value.end()},
                           {mask.begin(), mask.end()}, {action.begin(), action.end()}});
}

void Scoreboard::apply_tables(bool em, std::uint64_t before_cycle) {
  // Commands of the other table stay queued, in order.
  for (auto it = cmds_.begin(); it != cmds_.end();) {
    if (it->cycle >= before_cycle) break;
    if (it->em != em) {
      ++it;
      continue;
    }
    model::Pipeline& pl = dev_->pipeline();
    const auto action = model::ActionRecord::decode(it->action);
    if (it->em) {
      model::FlowKey k{};
      std::copy_n(it->key_or_value.begin(), k.size(), k.begin());
      switch (static_cast<fmt::FtCmd>(it->op)) {
        case fmt::FtCmd::kInsert: (void)pl.em().insert(k, action); break;
        case fmt::FtCmd::kDeleteKey: (void)pl.em().erase(k); break;
        case fmt::FtCmd::kDeleteHandle: (void)pl.em().erase_handle(it->index_or_handle); break;
        default: break;  // QUERY, READ: no change
      }
    } else if (it->index_or_handle < pl.tcam().size()) {
      model::TcamKey v{}, m{};
      std::copy_n(it->key_or_value.begin(), v.size(), v.begin());
      std::copy_n(it->mask.begin(), m.size(), m.begin());
      switch (static_cast<fmt::TcamCmd>(it->op)) {
        case fmt::TcamCmd::kWrite: pl.tcam().write(it->index_or_handle, it->priority, v, m, action); break;
        case fmt::TcamCmd::kClear:
          if (pl.tcam().rule(it->index_or_handle).valid) pl.tcam().clear(it->index_or_handle);
          break;
        default: break;
      }
    }
    it = cmds_.erase(it);
  }
}

void Scoreboard::drain(bool all) {
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    if (!p.planned) {
      // The RTL looks up every frame that parsed (spec 2.2), is not longer than MAX_FRAME and
      // carries no refused destination token (spec 11; its verdict depends on the frames
      // before it, all processed now), with the token's address as the key's destination.
      const model::Pipeline::LookupPlan plan =
          dev_->pipeline().lookup_plan(p.bytes, static_cast<std::uint8_t>(p.vport));
      p.needs_em = plan.lookup;
      p.key = plan.key;
      p.planned = true;
    }
    if (p.needs_em) {
      if (!p.em_at) {
        if (em_lookups_.empty()) {
          if (!all) return;
        } else {
          p.em_at = em_lookups_.front();
          em_lookups_.pop_front();
        }
      }
      apply_tables(true, p.em_at.value_or(~std::uint64_t{0}));
      // A frame the exact-match table misses goes on to the TCAM: its commands up to that
      // lookup count.
      const bool em_hit = dev_->pipeline().em().find(p.key) != model::kNoHandle;
      if (!em_hit && !p.tcam_at) {
        if (tcam_lookups_.empty()) {
          if (!all) return;
        } else {
          p.tcam_at = tcam_lookups_.front();
          tcam_lookups_.pop_front();
        }
      }
      if (!em_hit) apply_tables(false, p.tcam_at.value_or(~std::uint64_t{0}));
    }
    process(p);
    pending_.pop_front();
  }
  if (all) {
    apply_tables(true, ~std::uint64_t{0});
    apply_tables(false, ~std::uint64_t{0});
  }
}

void Scoreboard::process(Pending& p) {
  model::Pipeline& pl = dev_->pipeline();
  std::uint32_t em_handle = model::kNoHandle;
  if (log_ && p.needs_em) {
    em_handle = pl.em().find(p.key);
  }
  // p.bytes outlive the result (copied into the expected outputs below).
  const model::Result& r =
      pl.process_in_place(p.bytes, static_cast<std::uint8_t>(p.vport), p.ts);
  {  // its record, for the latencies and the frame log
    FrameRecord rec;
    rec.index = p.index;
    rec.vport = p.vport;
    rec.length = p.bytes.size();
    rec.parse = std::move(p.parse);
    rec.ingress_cycle = p.cycle;
    rec.em_cycle = p.em_at;
    rec.tcam_cycle = p.tcam_at;
    rec.mirror = r.has_mirror;
    if (log_) rec.dest = dest_of(r.primary, r.drop);
    rec.dest_type = r.drop != model::DropReason::kNone ? model::DestType::kDrop : r.primary.dest;
    const std::uint16_t ti = r.primary.tcam_index;
    if (log_ && em_handle != model::kNoHandle) {
      rec.lookup = "em " + std::to_string(em_handle);
      rec.action = action_summary(pl.em().action(em_handle));
    } else if (log_ && ti != 0xFFFF && ti < pl.tcam().size()) {
      rec.lookup = "tcam " + std::to_string(ti);
      rec.action = action_summary(pl.tcam().rule(ti).action);
    } else if (log_) {
      rec.lookup = p.needs_em ? "miss" : "none";
    }
    open_.emplace(p.index, std::move(rec));
    if (r.drop != model::DropReason::kNone ||
        (r.primary.dest != model::DestType::kWire && !receive_checked_)) {
      close_record(p.index, std::nullopt, r.drop != model::DropReason::kNone ? "dropped" : "not checked");
    }
  }
  if (r.has_mirror) {
    ++mirror_expected_;
    expect_delivery(r.mirror, p);
  }
  if (r.drop == model::DropReason::kNone) expect_delivery(r.primary, p);
}

void Scoreboard::expect_delivery(const model::Delivery& d, const Pending& p) {
  Expect e;
  e.index = p.index;
  e.bytes.assign(d.bytes.begin(), d.bytes.end());
  if (inject_ && *inject_ == p.index && !e.bytes.empty()) e.bytes.back() ^= 0xFF;
  if (d.dest == model::DestType::kWire) {
    wire_bytes_ += e.bytes.size();
    wire_.push_back(std::move(e));
    return;
  }
  if (!receive_checked_) return;
  host::RxPacket& c = e.cpl;
  c.length = static_cast<std::uint16_t>(e.bytes.size());
  c.rss_hash = d.rss_valid ? d.rss_hash : 0;
  c.mark = d.mark_valid ? d.mark : 0;
  c.vlan_tci = (d.status & fmt::RxCpl::kVlan) != 0 ? d.vlan_tci : 0;
  c.status = d.status;
  c.l3 = static_cast<std::uint8_t>(fmt::rx_cpl::L3.of(d.types));
  c.l4 = static_cast<std::uint8_t>(fmt::rx_cpl::L4.of(d.types));
  c.tun_type = static_cast<std::uint8_t>(fmt::rx_cpl::TUN.of(d.types));
  c.src_vport = static_cast<std::uint8_t>(p.vport);
  c.reason = d.dest == model::DestType::kException ? d.reason : fmt::ExcReason::kNone;
  c.tcam_index = d.tcam_index;
  c.flow_hash = d.h1;
  c.timestamp = static_cast<std::uint32_t>(p.ts);
  if (d.dest == model::DestType::kException) {
    queues_[-1].push_back(std::move(e));
    return;
  }
  if (d.dest != model::DestType::kVnic) return;
  // The receive path's own checks that do not depend on the host (spec 7.2 step 1).
  const std::uint32_t v = R::vnic::element(d.port - 1u);
  const std::uint32_t ctrl = dev_->read32(v + R::vnic::VNIC_CTRL);
  const std::uint32_t base = dev_->read32(v + R::vnic::RXQ_BASE);
  const std::uint32_t count = dev_->read32(v + R::vnic::RXQ_COUNT);
  if (R::vnic::VNIC_CTRL_ENABLE.get(ctrl) == 0 || d.queue >= count) {
    ++ring_drops_[-2];  // dropped rx_no_desc whatever the host does
    return;
  }
  queues_[static_cast<int>(base + d.queue)].push_back(std::move(e));
}

// ---- outputs --------------------------------------------------------------------------------

void Scoreboard::wire_out(std::span<const std::uint8_t> frame, std::uint64_t cycle) {
  drain(false);
  if (wire_.empty()) {
    mismatch({kNoFrame, "wire", "a frame the model did not send", std::to_string(frame.size()) +
              " bytes", "nothing", cycle});
    return;
  }
  const Expect e = std::move(wire_.front());
  wire_.pop_front();
  ++compared_;
  close_record(e.index, cycle, "wire");
  if (!std::equal(frame.begin(), frame.end(), e.bytes.begin(), e.bytes.end())) {
    std::size_t i = 0;
    while (i < frame.size() && i < e.bytes.size() && frame[i] == e.bytes[i]) ++i;
    const std::string what = "byte " + std::to_string(i) + " (lengths " +
                             std::to_string(frame.size()) + " / " +
                             std::to_string(e.bytes.size()) + ")";
    mismatch({e.index, "wire", what, i < frame.size() ? hex(frame[i]) : "end",
              i < e.bytes.size() ? hex(e.bytes[i]) : "end", cycle});
  }
}

bool Scoreboard::same(const Expect& e, const host::RxPacket& p, std::string& field,
                      std::string& rtl, std::string& mdl) const {
  auto check = [&](const char* name, std::uint64_t a, std::uint64_t b) {
    if (a == b || !field.empty()) return;
    field = name;
    rtl = hex(a);
    mdl = hex(b);
  };
  const host::RxPacket& c = e.cpl;
  check("length", p.length, c.length);
  if (field.empty() && p.bytes != e.bytes) {
    std::size_t i = 0;
    while (i < p.bytes.size() && i < e.bytes.size() && p.bytes[i] == e.bytes[i]) ++i;
    field = "frame byte " + std::to_string(i);
    rtl = i < p.bytes.size() ? hex(p.bytes[i]) : "end";
    mdl = i < e.bytes.size() ? hex(e.bytes[i]) : "end";
  }
  check("status", p.status, c.status);
  check("l3", p.l3, c.l3);
  check("l4", p.l4, c.l4);
  check("tun_type", p.tun_type, c.tun_type);
  check("rss_hash", p.rss_hash, c.rss_hash);
  check("mark", p.mark, c.mark);
  check("vlan_tci", p.vlan_tci, c.vlan_tci);
  check("src_vport", p.src_vport, c.src_vport);
  check("reason", static_cast<unsigned>(p.reason), static_cast<unsigned>(c.reason));
  check("tcam_index", p.tcam_index, c.tcam_index);
  check("h1", p.flow_hash, c.flow_hash);
  check("timestamp", p.timestamp, c.timestamp);
  return field.empty();
}

void Scoreboard::received(int queue, const host::RxPacket& p, std::uint64_t cycle) {
  drain(false);
  auto& q = queues_[queue];
  // The first expected frame that matches; those before it did not reach the ring.
  std::string field, rtl, mdl;
  for (std::size_t k = 0; k < q.size(); ++k) {
    std::string f, a, b;
    if (same(q[k], p, f, a, b)) {
      ring_drops_[queue] += k;
      for (std::size_t j = 0; j < k; ++j) close_record(q[j].index, std::nullopt, "ring drop");
      close_record(q[k].index, cycle, where_of(queue));
      q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(k) + 1);
      ++compared_;
      return;
    }
    if (k == 0) {
      field = f;
      rtl = a;
      mdl = b;
    }
  }
  if (q.empty()) {
    mismatch({kNoFrame, where_of(queue), "a frame the model did not deliver",
              std::to_string(p.length) + " bytes", "nothing", cycle});
    return;
  }
  mismatch({q.front().index, where_of(queue), field, rtl, mdl, cycle});
  q.pop_front();  // keep going with the next ones
}

void Scoreboard::tx_completion(unsigned queue, unsigned vport, const host::TxCompletion& c,
                               std::uint64_t cycle) {
  fmt::TxDesc d;
  d.len = static_cast<std::uint16_t>(c.frame.size());
  d.set_vport_override(c.vport_override.has_value());
  d.override_vport = c.vport_override.value_or(0);
  const fmt::TxStatus want = dev_->tx_status(vport, d, c.frame);
  ++compared_;
  if (c.status != want) {
    mismatch({kNoFrame, "txq " + std::to_string(queue) + " completion, slot " +
                            std::to_string(c.desc_index),
              "status", fmt::to_string(c.status), fmt::to_string(want), cycle});
  }
}

void Scoreboard::entry_counters(bool em, std::uint32_t hw, const host::FlowCounters& c) {
  entries_.emplace_back(em, hw, c);
}

void Scoreboard::register_read(std::uint32_t addr, const std::string& name, std::uint32_t rtl,
                               std::uint64_t cycle) {
  const std::uint32_t model = dev_->read32(addr);
  if (rtl != model) mismatch({kNoFrame, "register " + name, "value", hex(rtl), hex(model), cycle});
}

const model::PipelineCounters& Scoreboard::model_counters() {
  return dev_->pipeline().counters();
}

void Scoreboard::finish(const host::Stats& rtl, std::uint64_t cycle) {
  drain(true);
  for (auto& [queue, q] : queues_) {
    ring_drops_[queue] += q.size();
    for (const Expect& e : q) close_record(e.index, std::nullopt, "ring drop");
    q.clear();
  }
  while (!open_.empty()) close_record(open_.begin()->first, std::nullopt, "not seen");
  for (const Expect& e : wire_) {
    mismatch({e.index, "wire", "a frame the RTL did not send",
              "nothing", std::to_string(e.bytes.size()) + " bytes", cycle});
  }
  wire_.clear();
  std::uint64_t vnic_drops = 0;
  for (const auto& [queue, n] : ring_drops_) {
    if (queue != -1) vnic_drops += n;
  }
  const std::uint64_t exc_drops = ring_drops_.count(-1) != 0 ? ring_drops_.at(-1) : 0;
  auto counter = [&](const char* name, std::uint64_t r, std::uint64_t m) {
    if (r != m) mismatch({kNoFrame, std::string("counter ") + name, "value", std::to_string(r),
                          std::to_string(m), cycle});
  };
  if (receive_checked_) {
    counter("receive-ring drops (rx_no_desc + rx_too_long + rx_cq_full + quota)",
            rtl.drop_rx_no_desc + rtl.drop_rx_too_long + rtl.drop_rx_cq_full + rtl.drop_quota,
            vnic_drops);
    counter("exception-ring drops (exc_full + mirror_drop)", rtl.drop_exc_full + rtl.mirror_drop,
            exc_drops);
  }
  model::Pipeline& pl = dev_->pipeline();
  for (const auto& [em, hw, c] : entries_) {
    const std::string where = (em ? "exact-match entry " : "TCAM entry ") + std::to_string(hw);
    std::uint64_t pkts = 0, bytes = 0;
    std::optional<std::uint32_t> last;
    if (em && pl.em().valid(hw)) {
      const model::EmCounters& m = pl.em().counters(hw);
      pkts = m.pkts;
      bytes = m.bytes;
      last = m.last_seen;
    } else if (!em && hw < pl.tcam().size() && pl.tcam().rule(hw).valid) {
      pkts = pl.tcam().rule(hw).pkts;
      bytes = pl.tcam().rule(hw).bytes;
    } else {
      mismatch({kNoFrame, where, "exists", "yes", "no", cycle});
      continue;
    }
    ++compared_;
    if (c.packets != pkts) mismatch({kNoFrame, where, "packets", std::to_string(c.packets), std::to_string(pkts), cycle});
    if (c.bytes != bytes) mismatch({kNoFrame, where, "bytes", std::to_string(c.bytes), std::to_string(bytes), cycle});
    if (em && c.last_seen && last && *c.last_seen != *last) {
      mismatch({kNoFrame, where, "last_seen", std::to_string(*c.last_seen), std::to_string(*last), cycle});
    }
  }
  const model::PipelineCounters& m = pl.counters();
  // The model's pipeline counts its input by source vport; the NIC by where a frame came from
  // (a frame the host re-injects as vport 0 is transmitted, not received). Both count every
  // frame that entered the pipeline once: transmitted frames that failed the anti-spoof check
  // did not enter it.
  counter("frames into the pipeline (rx_wire_frames + tx_frames - drop_spoof)",
          rtl.rx_wire_frames + rtl.tx_frames - rtl.drop_spoof, m.rx_wire_frames + m.tx_frames);
  counter("em_hits", rtl.em_hits, m.em_hits);
  counter("tcam_hits", rtl.tcam_hits, m.tcam_hits);
  counter("misses", rtl.misses, m.misses);
  counter("out_wire", rtl.out_wire, m.out_wire);
  // The NIC's byte counter of the wire (OUT_WIRE_BYTES: the beats' tkeep counted) against the
  // frames the model sent there, which are compared byte for byte as they come out.
  counter("out_wire_bytes", rtl.out_wire_bytes, wire_bytes_);
  counter("drop_parse_error", rtl.drop_parse_error, m.drop(model::DropReason::kParseError));
  counter("drop_flow", rtl.drop_flow, m.drop(model::DropReason::kFlowDrop));
  counter("drop_meter", rtl.drop_meter, m.drop(model::DropReason::kMeter));
  counter("drop_bad_action", rtl.drop_bad_action, m.drop(model::DropReason::kBadAction));
  counter("drop_mtu", rtl.drop_mtu, m.drop(model::DropReason::kMtu));
  counter("drop_token", rtl.drop_token, m.drop(model::DropReason::kToken));
  counter("out_vnic + out_exception + receive-path drops",
          rtl.out_vnic + rtl.out_exception + rtl.drop_rx_no_desc + rtl.drop_rx_too_long +
              rtl.drop_rx_cq_full + rtl.drop_quota + rtl.drop_exc_full,
          m.out_vnic + m.out_exception);
}

}  // namespace nicsim::sim
