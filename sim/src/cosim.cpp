// SPDX-License-Identifier: MIT
#include "nicsim/sim/cosim.hpp"

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/model/builder.hpp"
#include "nicsim/model/pcap_io.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/regs/nic_regs.hpp"
#include "nicsim/sim/nic_system.hpp"
#include "nicsim/sim/scenario_host.hpp"

namespace nicsim::sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Source {
  unsigned vport = 0;
  std::uint32_t gap = 0;
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t next = 0;
};

/// A token source's frames (ScenarioTraffic::Tokens, docs/scenario.md "traffic"): minted with
/// the scenario's key of the slot, as the host's token service would hand them to the VM.
std::vector<std::vector<std::uint8_t>> token_frames(const Scenario& s,
                                                    const ScenarioTraffic::Source& src) {
  const ScenarioTraffic::Tokens& t = *src.tokens;
  const host::TokenKey& hk = *s.tokens->keys[t.slot];
  model::TokenKeys keys;
  keys.enc = hk.enc;
  keys.mac = hk.mac;
  const auto v = std::find_if(s.vnics.begin(), s.vnics.end(),
                              [&](const ScenarioVnic& x) { return x.cfg.vport == src.vport; });
  model::Prng rng(t.seed * 0x9E3779B97F4A7C15ull + src.vport);
  std::vector<model::Token> minted;
  std::vector<std::vector<std::uint8_t>> out;
  std::uint64_t seq = t.first_seq;
  for (std::uint64_t i = 0; i < t.count; ++i) {
    const auto draw = static_cast<unsigned>(rng.below(100));
    model::Token tok;
    if (draw < t.replayed_pct && !minted.empty()) {
      tok = minted[static_cast<std::size_t>(rng.below(minted.size()))];
    } else {
      model::TokenHeader h;
      h.slot = static_cast<std::uint8_t>(t.slot);
      h.eni = static_cast<std::uint16_t>(t.eni != 0 ? t.eni : src.vport);
      h.seq = seq++;
      tok = model::make_token(keys, h, t.to[i % t.to.size()]);
      if (draw >= t.replayed_pct && draw < t.replayed_pct + t.forged_pct) {
        tok[16 + rng.below(32)] ^= static_cast<std::uint8_t>(1u << rng.below(8));
      } else {
        minted.push_back(tok);
      }
    }
    out.push_back(
        model::PacketBuilder()
            .eth({.dst = model::MacAddr::from_u64(0x0200000000feull),
                  .src = model::MacAddr::from_bytes(v->cfg.mac.data())})
            .ipv4({.src = model::Ipv4Addr(v->cfg.ipv4), .dst = model::Ipv4Addr(192, 0, 2, 1)})
            .udp({.sport = static_cast<std::uint16_t>(49152 + (i & 1023)), .dport = 6081})
            .geneve({.vni = t.vni, .options = {model::token_option(tok)}})
            .eth()
            .ipv4({.src = model::Ipv4Addr(172, 16, 0, static_cast<std::uint8_t>(src.vport)),
                   .dst = model::Ipv4Addr(172, 16, 0, 99)})
            .udp({.sport = 5000, .dport = 5001})
            .payload(32)
            .bytes());
  }
  return out;
}

std::vector<Source> load_traffic(const Scenario& s) {
  std::vector<Source> out;
  for (const auto& src : s.traffic.sources) {
    Source x;
    x.vport = src.vport;
    x.gap = src.gap_cycles;
    std::vector<std::vector<std::uint8_t>> once;
    if (src.tokens) {
      once = token_frames(s, src);
    } else {
      model::PcapReader r(src.pcap);  // PcapError names the file and frame
      while (auto f = r.next()) {
        if (f->data.empty()) continue;
        once.push_back(std::move(f->data));
      }
    }
    for (unsigned i = 0; i < src.repeat; ++i) x.frames.insert(x.frames.end(), once.begin(), once.end());
    out.push_back(std::move(x));
  }
  return out;
}

/// The run's captures: wire.pcap, rxqN.pcap, exceptions.pcap (+ exceptions.jsonl).
class Outputs {
 public:
  // The directory's captures of an earlier run go first, so none is taken for this run's;
  // wire.pcap and exceptions.pcap/.jsonl are always written, empty when nothing went there.
  explicit Outputs(std::string dir) : dir_(std::move(dir)) {
    if (dir_.empty()) return;
    fs::create_directories(dir_);
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string n = e.path().filename().string();
      const bool rxq = n.starts_with("rxq") && n.ends_with(".pcap");
      if (rxq || n == "wire.pcap" || n == "exceptions.pcap" || n == "exceptions.jsonl" ||
          n == "tx-completions.jsonl")
        fs::remove(e.path());
    }
    for (const char* n : {"wire.pcap", "exceptions.pcap"})
      writers_[n] = std::make_unique<model::PcapWriter>(dir_ + "/" + n);
    jsonl_.emplace(dir_ + "/exceptions.jsonl");
    txcpl_.emplace(dir_ + "/tx-completions.jsonl");
  }
  void wire(std::span<const std::uint8_t> f, std::uint64_t ns) { put("wire.pcap", f, ns); }
  void received(int queue, const host::RxPacket& p, std::uint64_t ns) {
    if (queue < 0) {
      put("exceptions.pcap", p.bytes, ns);
      if (jsonl_) {
        *jsonl_ << "{\"i\":" << exc_++ << ",\"reason\":\"" << fmt::to_string(p.reason)
                << "\",\"src_vport\":" << unsigned{p.src_vport} << ",\"len\":" << p.length
                << ",\"h1\":" << p.flow_hash << "}\n";
      }
      return;
    }
    put("rxq" + std::to_string(queue) + ".pcap", p.bytes, ns);
  }
  void transmitted(unsigned queue, unsigned vport, const host::TxCompletion& c, std::uint64_t ns) {
    if (!txcpl_) return;
    *txcpl_ << "{\"i\":" << tx_++ << ",\"txq\":" << queue << ",\"vport\":" << vport
            << ",\"slot\":" << c.desc_index << ",\"status\":\"" << fmt::to_string(c.status)
            << "\",\"len\":" << c.frame.size();
    if (c.vport_override) *txcpl_ << ",\"override\":" << unsigned{*c.vport_override};
    *txcpl_ << ",\"ns\":" << ns << "}\n";
  }
  void close() {
    for (auto& [n, w] : writers_) w->close();
    if (jsonl_) jsonl_->close();
    if (txcpl_) txcpl_->close();
  }

 private:
  void put(const std::string& name, std::span<const std::uint8_t> f, std::uint64_t ns) {
    if (dir_.empty()) return;
    auto& w = writers_[name];
    if (!w) w = std::make_unique<model::PcapWriter>(dir_ + "/" + name);
    model::Frame fr;
    fr.data.assign(f.begin(), f.end());
    fr.orig_len = static_cast<std::uint32_t>(f.size());
    fr.ts_ns = ns;
    w->write(fr);
  }
  std::string dir_;
  std::map<std::string, std::unique_ptr<model::PcapWriter>> writers_;
  std::optional<std::ofstream> jsonl_, txcpl_;
  std::uint64_t exc_ = 0, tx_ = 0;
};

/// The VNICs' ports (CosimOptions::vnic_ports): what a port receives goes out of its VNIC's
/// transmit queue, held while the ring is full (a live port is read only while few frames wait,
/// so the kernel's own queue takes the back-pressure); what the driver receives on a queue of
/// the VNIC's set is written to the port.
class VnicPorts {
 public:
  VnicPorts(const Scenario& s, const CosimOptions& opt, CosimResult& r) : r_(r) {
    for (const auto& [vport, port] : opt.vnic_ports) {
      const auto v = std::find_if(s.vnics.begin(), s.vnics.end(),
                                  [&](const ScenarioVnic& x) { return x.cfg.vport == vport; });
      if (v == s.vnics.end() || !v->txq || port == nullptr) {
        throw ScenarioError((s.path.empty() ? s.name : s.path) + ": a port for VNIC " +
                            std::to_string(vport) + ", but the scenario has no VNIC " +
                            std::to_string(vport) + " with a transmit queue (tx_queue)");
      }
      for (unsigned q = 0; q < v->cfg.rxq_count; ++q) by_queue_[static_cast<int>(v->cfg.rxq_base + q)] = ports_.size();
      ports_.push_back(Entry{vport, port, {}});
      r.vnic_port_in[vport] = 0;
      r.vnic_port_out[vport] = 0;
    }
  }
  [[nodiscard]] bool live() const {
    return std::any_of(ports_.begin(), ports_.end(), [](const Entry& e) { return e.port->live(); });
  }
  void received(int queue, const host::RxPacket& p, std::uint64_t ns) {
    const auto it = by_queue_.find(queue);
    if (it == by_queue_.end()) return;
    Entry& e = ports_[it->second];
    model::Frame f;
    f.data.assign(p.bytes.begin(), p.bytes.end());
    f.orig_len = static_cast<std::uint32_t>(f.data.size());
    f.ts_ns = ns;
    e.port->transmit(f);
    ++r_.vnic_port_out[e.vport];
  }
  /// Moves frames from the ports into the transmit queues (`sent(bytes)` after each one the
  /// queue took). True while a frame waits or a live port may still send (not `stopping`).
  template <class SentFn>
  bool pump(ScenarioHost& h, bool stopping, SentFn&& sent) {
    constexpr std::size_t kHold = 64;
    bool busy = false;
    for (Entry& e : ports_) {
      while (!stopping && e.pending.size() < kHold && !e.port->at_end()) {
        auto f = e.port->receive();
        if (!f) break;
        if (f->data.empty()) continue;
        e.pending.push_back(std::move(f->data));
        ++r_.vnic_port_in[e.vport];
      }
      while (!e.pending.empty() && h.send(e.vport, e.pending.front())) {
        sent(e.pending.front().size());
        e.pending.pop_front();
        ++r_.vnic_frames_sent;
      }
      busy = busy || !e.pending.empty() || (!stopping && !e.port->at_end());
    }
    return busy;
  }
  void flush() {
    for (Entry& e : ports_) e.port->flush();
  }

 private:
  struct Entry {
    unsigned vport;
    WirePort* port;
    std::deque<std::vector<std::uint8_t>> pending;
  };
  CosimResult& r_;
  std::vector<Entry> ports_;
  std::map<int, std::size_t> by_queue_;
};

void write_record(std::ostream& o, const FrameRecord& f) {
  nlohmann::ordered_json j;
  j["i"] = f.index;
  j["vport"] = f.vport;
  j["len"] = f.length;
  j["parse"] = f.parse;
  j["lookup"] = f.lookup;
  j["action"] = f.action;
  j["dest"] = f.dest;
  if (f.mirror) j["mirror"] = true;
  j["out"] = f.out;
  nlohmann::ordered_json c;
  c["ingress"] = f.ingress_cycle;
  if (f.em_cycle) c["em"] = *f.em_cycle;
  if (f.tcam_cycle) c["tcam"] = *f.tcam_cycle;
  if (f.out_cycle) c["out"] = *f.out_cycle;
  j["cycles"] = c;
  o << j.dump() << '\n';
}

LatencyFigures figures_of(std::vector<std::uint64_t> v) {
  LatencyFigures f;
  if (v.empty()) return f;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {  // nearest rank
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)];
  };
  f.count = v.size();
  f.p50 = rank(0.50);
  f.p99 = rank(0.99);
  f.max = v.back();
  return f;
}

void check_expectations(const Scenario& s, CosimResult& r) {
  std::map<std::string, std::uint64_t> counters;
  for (const auto& [name, v] : r.stats.named()) counters[name] = v;
  counters["flows_installed"] = r.flows_installed;
  counters["install_failed"] = r.install_failed;
  for (const auto& [name, v] : r.pools) counters["pools." + name] = v;
  for (const auto& [name, v] : r.zero_copy) counters["zero_copy." + name] = v;
  for (const auto& [name, v] : r.link) counters["link." + name] = v;
  for (const auto& [name, v] : r.tokens) counters["tokens." + name] = v;
  for (const auto& [name, want] : s.expect.counters) {
    const auto it = counters.find(name);
    if (it == counters.end()) {
      r.expectation_failures.push_back("expect.counters: unknown counter '" + name + "'");
    } else if (it->second != want) {
      r.expectation_failures.push_back("expect.counters." + name + ": " +
                                       std::to_string(it->second) + ", expected " +
                                       std::to_string(want));
    }
  }
  for (const std::string& a : r.audit_failures) {
    r.expectation_failures.push_back("run.audit_flows: " + a);
  }
  if (s.expect.mismatches && r.scoreboard && r.mismatches != *s.expect.mismatches) {
    r.expectation_failures.push_back("expect.mismatches: " + std::to_string(r.mismatches) +
                                     ", expected " + std::to_string(*s.expect.mismatches));
  }
  if (s.expect.ledger_balanced && !r.ledger_balanced) {
    r.expectation_failures.push_back("the ledger does not balance: " + r.stats.to_string());
  }
}

// Scenario run.register_walk: every register word of the map (rtl/regs.yaml's kRegisters) in
// every block the driver found and every element the NIC has (its VNICs and queues as CAPS0
// counts them), read by the driver in map order; the plain rw words (what only the host
// writes) are compared with the scoreboard's model. The others (counters, status, command
// results, doorbells) are read for the register file's read path and not compared: the
// model's values of those follow its own timing. Returns (read, compared).
std::pair<std::uint64_t, std::uint64_t> register_walk(
    host::Driver& drv, Scoreboard& sb, const std::function<std::uint64_t()>& cycle) {
  namespace R = regs;
  std::uint64_t read = 0, compared = 0;
  for (unsigned b = 0; b < static_cast<unsigned>(host::Block::kCount); ++b) {
    const auto blk = static_cast<host::Block>(b);
    const std::string name = host::to_string(blk);
    const auto bi = std::find_if(R::kBlocks.begin(), R::kBlocks.end(),
                                 [&](const R::BlockInfo& x) { return name == x.name; });
    if (bi == R::kBlocks.end() || !drv.has(blk)) continue;
    const unsigned index = static_cast<unsigned>(bi - R::kBlocks.begin());
    const unsigned elements = bi->count == 0 ? 1 : drv.elements(blk);
    for (unsigned e = 0; e < elements; ++e) {
      const std::uint32_t base =
          bi->count == 0 ? drv.base(blk, "register walk") : drv.element(blk, e, "register walk");
      for (const R::RegisterInfo& ri : R::kRegisters) {
        if (ri.block != index) continue;
        const std::uint32_t v = drv.rd(base + ri.offset);
        ++read;
        if (!ri.plain) continue;
        ++compared;
        const std::string elem = bi->count == 0 ? "" : "[" + std::to_string(e) + "]";
        sb.register_read(base + ri.offset, name + elem + "." + ri.name, v, cycle());
      }
    }
  }
  return {read, compared};
}

// Scenario run.audit_flows: the driver reads back the NIC's entries of the oldest flows (the
// tables' READ commands) and compares them with what it wrote (FlowTable::audit).
void audit_flows(ScenarioHost& h, const Scenario& s, CosimResult& r) {
  if (s.run.audit_flows == 0) return;
  r.flows_audited = std::min<std::uint64_t>(s.run.audit_flows, h.flows().size());
  r.audit_failures = h.flows().audit(static_cast<std::size_t>(s.run.audit_flows));
}

// Destination tokens (scenario `tokens`): the NIC's key slots and verdict counters at the end.
void read_tokens(host::Driver& drv, const Scenario& s, CosimResult& r) {
  if (!s.tokens) return;
  const host::TokenStatus t = drv.token_status();
  r.tokens["enabled"] = t.enabled ? 1 : 0;
  r.tokens["key0"] = t.key_valid[0] ? 1 : 0;
  r.tokens["key1"] = t.key_valid[1] ? 1 : 0;
  for (unsigned v = 0; v < host::kTokenVerdictCount; ++v)
    r.tokens[fmt::to_string(static_cast<fmt::TokenVerdict>(v))] = t.verdicts[v];
}

void record_host(const ScenarioHost& h, CosimResult& r) {
  r.flows_installed = h.stats().installed;
  r.install_failed = h.stats().install_failed;
  r.reinjected = h.stats().reinjected;
  r.not_forwarded = h.stats().not_forwarded;
  for (const auto& [reason, n] : h.stats().by_reason) r.exceptions_by_reason[fmt::to_string(reason)] = n;
  r.vswitch = h.vswitch_stats();
  if (!r.vswitch.empty()) {
    r.flows_installed = r.vswitch["installed"];
    r.reinjected = r.vswitch["reinjected"];
  }
  r.pools = h.pool_stats();
  r.zero_copy = h.zero_copy_stats();
  r.link = h.link_stats();
  r.bridge = h.bridge_stats();
  if (!r.bridge.empty()) {
    r.flows_installed = r.bridge["installed"];
    r.reinjected = r.bridge["reinjected"];
  }
}

// ---- the model engine ------------------------------------------------------------------------

CosimResult run_model(const Scenario& s, const CosimOptions& opt) {
  CosimResult r;
  r.engine = "model";
  const auto t0 = Clock::now();
  model::DeviceConfig dev_cfg = rtl_device_config(s.nic.data_width);
  dev_cfg.link = s.nic.link;
  host::ModelDevice dev(dev_cfg);
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  VnicPorts vports(s, opt, r);
  Outputs out(opt.out_dir);
  const double ns_per_cycle = 1000.0 / s.nic.clock_mhz;
  auto now_ns = [&] { return static_cast<std::uint64_t>(static_cast<double>(dev.now()) * ns_per_cycle); };
  h.set_clock(now_ns);
  std::uint64_t traffic_start = 0, last_rx = 0;
  h.on_receive([&](int q, const host::RxPacket& p) {
    ++r.received[q];
    if (q >= 0) {
      r.rx_bytes += p.bytes.size();
      last_rx = dev.now();
    }
    out.received(q, p, now_ns());
    vports.received(q, p, now_ns());
  });
  h.on_tx_complete([&](unsigned q, unsigned vp, const host::TxCompletion& c) {
    ++r.tx_completions[fmt::to_string(c.status)];
    out.transmitted(q, vp, c, now_ns());
  });
  h.bring_up();
  auto drain_wire = [&] {
    while (auto f = dev.wire_tx()) {
      ++r.wire_frames_out;
      out.wire(f->data, now_ns());
      if (opt.wire != nullptr) opt.wire->transmit(*f);
    }
  };
  const unsigned beat = s.nic.data_width / 8;
  std::vector<Source> traffic = load_traffic(s);
  const bool live_wire = opt.wire != nullptr && opt.wire->live();
  if (opt.wire != nullptr) {  // the port replaces the scenario's wire sources
    std::erase_if(traffic, [](const Source& x) { return x.vport == 0; });
  }
  if (opt.wire != nullptr && !live_wire) {  // a file: read it all now
    Source w;
    try {
      while (!opt.wire->at_end()) {
        if (auto f = opt.wire->receive(); f && !f->data.empty()) w.frames.push_back(std::move(f->data));
      }
    } catch (const PortError& e) {
      r.error = e.what();  // the frames before it still run
    }
    traffic.insert(traffic.begin(), std::move(w));
  }
  std::uint64_t total_frames = 0;
  for (const Source& src : traffic) total_frames += src.frames.size();
  if (live_wire || !opt.vnic_ports.empty()) total_frames = 0;  // not known
  traffic_start = dev.now();
  // The PHY's link events, their cycles counted from here (the host is up): each reported once
  // the device's clock reaches it (between frames; after the traffic, time advances to the
  // remaining ones).
  std::size_t next_link = 0;
  auto link_events = [&] {
    while (next_link < s.link_events.size() &&
           traffic_start + s.link_events[next_link].at_cycle <= dev.now()) {
      dev.nic().set_link(s.link_events[next_link++].link);
    }
  };
  for (Source& src : traffic) {
    for (const auto& f : src.frames) {
      dev.advance((f.size() + beat - 1) / beat + src.gap);  // the frame's time on the wire
      link_events();
      if (src.vport == 0) {
        dev.wire_rx(f);
        ++r.wire_frames_sent;
      } else {
        while (!h.send(src.vport, f)) (void)h.service();
        ++r.vnic_frames_sent;
      }
      while (h.service() != 0) {
      }
      drain_wire();
      if (opt.progress && (r.wire_frames_sent + r.vnic_frames_sent) % 4096 == 0) {
        opt.progress({dev.now(), static_cast<double>(dev.now()) * ns_per_cycle * 1e-9,
                      r.wire_frames_sent + r.vnic_frames_sent, total_frames});
      }
    }
  }
  while (next_link < s.link_events.size()) {
    const std::uint64_t at = traffic_start + s.link_events[next_link].at_cycle;
    dev.advance(at - std::min(dev.now(), at));
    link_events();
    while (h.service() != 0) {
    }
  }
  // The ports: what they have now goes in, each frame after its time on the wire; with a live
  // port, the device idles (time advancing as the host's poll period) until told to stop.
  const bool live = live_wire || vports.live();
  const auto poll_cycles = static_cast<std::uint64_t>(opt.poll_ns / ns_per_cycle) + 1;
  for (;;) {
    const bool stopping = opt.stop && opt.stop();
    std::uint64_t moved = 0;
    if (live_wire && !stopping) {
      try {
        while (auto f = opt.wire->receive()) {
          if (f->data.empty()) continue;
          dev.advance((f->data.size() + beat - 1) / beat);
          dev.wire_rx(f->data);
          ++r.wire_frames_sent;
          ++moved;
        }
      } catch (const PortError& e) {
        r.error = e.what();
        break;
      }
    }
    const bool busy = vports.pump(h, stopping, [&](std::size_t len) {
      dev.advance((len + beat - 1) / beat);
      ++moved;
    });
    while (h.service() != 0) {
    }
    drain_wire();
    if (!busy && (stopping || !live)) break;
    if (moved == 0) {
      dev.advance(poll_cycles);
      if (live) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  if (opt.wire != nullptr) opt.wire->flush();
  vports.flush();
  audit_flows(h, s, r);
  read_tokens(drv, s, r);
  record_host(h, r);
  r.stats = drv.stats();
  r.ledger_balanced = r.stats.ledger_balanced();
  r.cycles = dev.now();
  r.sim_seconds = static_cast<double>(r.cycles) * ns_per_cycle * 1e-9;
  r.mmio_reads = dev.mmio_reads();
  r.mmio_writes = dev.mmio_writes();
  if (last_rx > traffic_start) {
    r.rx_gbps = static_cast<double>(r.rx_bytes) * 8.0 * s.nic.clock_mhz * 1e-3 /
                static_cast<double>(last_rx - traffic_start);
  }
  out.close();
  r.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (r.error.empty()) check_expectations(s, r);
  return r;
}

// ---- the rtl engine --------------------------------------------------------------------------

CosimResult run_rtl(const Scenario& s, const CosimOptions& opt) {
  CosimResult r;
  r.engine = "rtl";
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    r.error = "the rtl engine runs once per process (SystemC elaborates once)";
    return r;
  }
  const auto t0 = Clock::now();
  std::vector<Source> traffic = load_traffic(s);  // a bad capture is an error before anything
  if (opt.wire != nullptr) {  // the port replaces the scenario's wire sources
    std::erase_if(traffic, [](const Source& x) { return x.vport == 0; });
  }
  NicSystem top("top", NicSystemConfig{.data_width = s.nic.data_width,
                                       .clock_mhz = s.nic.clock_mhz,
                                       .pcie = s.pcie,
                                       .watchdog_cycles = s.run.watchdog_cycles,
                                       .fst_path = opt.fst_path,
                                       .fst_cycles = opt.fst_cycles,
                                       .coverage_path = opt.coverage_path,
                                       .valid_pattern = opt.valid_pattern,
                                       .ready_pattern = opt.ready_pattern,
                                       .model = opt.rtl_model,
                                       .link = s.nic.link});
  std::unique_ptr<Scoreboard> sb;
  double traffic_start_s = 0, last_rx_s = 0;
  std::optional<std::ofstream> log;
  if (opt.inject_mismatch && !opt.scoreboard)
    throw std::invalid_argument("a mismatch is injected into the scoreboard: it needs it on");
  if (!opt.log_path.empty()) {
    if (!opt.scoreboard) throw std::invalid_argument("the frame log comes from the scoreboard: --log needs it on");
    log.emplace(opt.log_path);
    if (!*log) throw std::runtime_error("cannot write the frame log " + opt.log_path);
  }
  VnicPorts vports(s, opt, r);
  Outputs out(opt.out_dir);
  bool finished = false;
  std::size_t next_link = 0;  // the scenario's link events reported so far
  auto now_ns = [] { return static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9); };

  sc_core::sc_spawn([&] {
    try {
      host::Driver drv(top.dev);
      if (opt.scoreboard) {
        sb = std::make_unique<Scoreboard>(rtl_device_config(s.nic.data_width));
        if (log) sb->set_frame_log([&](const FrameRecord& f) { write_record(*log, f); });
        if (opt.inject_mismatch) sb->inject_mismatch(*opt.inject_mismatch);
        top.nic.set_observer(sb.get());
        r.scoreboard = true;
      }
      ScenarioHost h(drv, s);
      h.set_clock(now_ns);
      h.on_receive([&](int q, const host::RxPacket& p) {
        ++r.received[q];
        if (q >= 0) {
          r.rx_bytes += p.bytes.size();
          last_rx_s = sc_core::sc_time_stamp().to_seconds();
        }
        out.received(q, p, now_ns());
        vports.received(q, p, now_ns());
        if (sb) sb->received(q, p, top.nic.cycle());
      });
      h.on_tx_complete([&](unsigned q, unsigned vp, const host::TxCompletion& c) {
        ++r.tx_completions[fmt::to_string(c.status)];
        out.transmitted(q, vp, c, now_ns());
        if (sb) sb->tx_completion(q, vp, c, top.nic.cycle());
      });
      h.bring_up();
      top.nic.on_wire_out = [&](std::span<const std::uint8_t> f, std::uint64_t cycle) {
        out.wire(f, now_ns());
        if (opt.wire != nullptr) {
          model::Frame fr;
          fr.data.assign(f.begin(), f.end());
          fr.orig_len = static_cast<std::uint32_t>(f.size());
          fr.ts_ns = now_ns();
          opt.wire->transmit(fr);
        }
        (void)cycle;
      };
      for (Source& src : traffic) {
        if (src.vport != 0) continue;
        for (auto& f : src.frames) {
          top.nic.wire_send(f, src.gap);
          ++r.wire_frames_sent;
        }
      }
      // The PHY's link events, their cycles counted from here (the host is up), each in a
      // thread of its own (next_link lives with the run: sc_stop ends it wherever it waits).
      if (!s.link_events.empty()) {
        sc_core::sc_spawn([&, base = top.nic.cycle()] {
          const sc_core::sc_time period(1000.0 / s.nic.clock_mhz, sc_core::SC_NS);
          for (; next_link < s.link_events.size(); ++next_link) {
            const ScenarioLinkEvent& ev = s.link_events[next_link];
            while (top.nic.cycle() < base + ev.at_cycle && top.nic.error().empty()) {
              sc_core::wait(period * static_cast<double>(base + ev.at_cycle - top.nic.cycle()));
            }
            top.nic.set_link(ev.link);
          }
        });
      }
      traffic_start_s = sc_core::sc_time_stamp().to_seconds();
      std::uint64_t total_frames = 0;  // known when every input is a capture
      for (const Source& src : traffic) total_frames += src.frames.size();
      if (opt.wire != nullptr || !opt.vnic_ports.empty()) total_frames = 0;
      const sc_core::sc_time poll(opt.poll_ns, sc_core::SC_NS);
      std::uint64_t polls = 0;
      bool wire_failed = false;
      for (;;) {
        (void)h.service();
        const bool stopping = opt.stop && opt.stop();
        bool sending = false;
        if (opt.wire != nullptr && !wire_failed && !stopping) {  // what the wire port has now
          try {
            while (auto f = opt.wire->receive()) {
              if (f->data.empty()) continue;
              top.nic.wire_send(std::move(f->data));
              ++r.wire_frames_sent;
            }
            sending = !opt.wire->at_end();
          } catch (const PortError& e) {
            // A corrupt input: no new frames; what is in flight is finished and reported.
            r.error = e.what();
            wire_failed = true;
          }
        }
        for (Source& src : traffic) {
          if (src.vport == 0) continue;
          while (src.next < src.frames.size() && h.send(src.vport, src.frames[src.next])) {
            ++src.next;
            ++r.vnic_frames_sent;
          }
          sending = sending || src.next < src.frames.size();
        }
        sending = vports.pump(h, stopping, [](std::size_t) {}) || sending;
        sending = sending || next_link < s.link_events.size();
        const bool traffic_in = top.nic.wire_pending() == 0 && !sending && h.in_flight_tx() == 0;
        if (traffic_in && top.nic.quiet_cycles() >= s.run.drain_cycles && top.link.in_flight() == 0) {
          (void)h.service();
          break;
        }
        if (!top.nic.error().empty()) break;
        if (top.nic.cycle() > s.run.max_cycles) {
          if (r.error.empty()) {
            r.error = "the run passed run.max_cycles (" + std::to_string(s.run.max_cycles) +
                      ") before its traffic was done";
          }
          break;
        }
        if (opt.progress && ++polls % 256 == 0) {
          opt.progress({top.nic.cycle(), sc_core::sc_time_stamp().to_seconds(),
                        top.nic.frames_in(), total_frames});
        }
        sc_core::wait(poll);
      }
      // Per-entry counters of the oldest flows, read from the NIC for the scoreboard.
      if (sb && top.nic.error().empty() && top.nic.cycle() <= s.run.max_cycles) {
        std::uint64_t n = 0;
        for (const host::Flow f : h.flows().flows()) {
          if (n++ >= s.run.entry_counters) break;
          const auto kind = h.flows().table_of(f);
          const auto hw = h.flows().hw_handle(f);
          auto c = h.flows().query(f);
          if (!c || !kind || !hw) {
            if (r.error.empty()) r.error = "reading a flow's counters: " + (c ? std::string("no handle") : c.error().to_string());
            break;
          }
          sb->entry_counters(*kind == host::FlowTableKind::kExact, *hw, *c);
        }
      }
      if (sb && s.run.register_walk && top.nic.error().empty() &&
          top.nic.cycle() <= s.run.max_cycles) {
        std::tie(r.registers_walked, r.registers_compared) =
            register_walk(drv, *sb, [&] { return top.nic.cycle(); });
      }
      if (top.nic.error().empty() && top.nic.cycle() <= s.run.max_cycles) {
        audit_flows(h, s, r);
        read_tokens(drv, s, r);
      }
      record_host(h, r);
      if (opt.wire != nullptr) opt.wire->flush();
      vports.flush();
      if (top.nic.error().empty() && top.nic.cycle() <= s.run.max_cycles) {
        r.stats = drv.stats();
        r.ledger_balanced = r.stats.ledger_balanced();
        if (sb) sb->finish(r.stats, top.nic.cycle());
        finished = true;
      }
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    sc_core::sc_stop();
  });
  try {
    sc_core::sc_start();
  } catch (const std::exception& e) {
    if (r.error.empty()) r.error = std::string("SystemC: ") + e.what();
  }
  if (!top.nic.error().empty()) r.error = top.nic.error();
  if (r.error.empty() && !finished) r.error = "the simulation stopped before the run finished";
  r.cycles = top.nic.cycle();
  r.sim_seconds = sc_core::sc_time_stamp().to_seconds();
  r.wire_frames_out = top.nic.frames_out();
  r.dma_reads = top.nic.dma_reads();
  r.mmio_reads = top.cpu.mmio_reads();
  r.mmio_writes = top.cpu.mmio_writes();
  r.interrupts = top.cpu.interrupts();
  if (r.mmio_reads != 0) {
    r.mmio_read_ns = top.cpu.read_time().to_seconds() * 1e9 / static_cast<double>(r.mmio_reads);
  }
  if (last_rx_s > traffic_start_s) {
    r.rx_gbps = static_cast<double>(r.rx_bytes) * 8e-9 / (last_rx_s - traffic_start_s);
  }
  if (sb) {
    for (const auto& [path, v] : sb->latencies()) r.latency[path] = figures_of(v);
    r.mismatches = sb->mismatch_count();
    r.compared = sb->compared();
    r.first_mismatches = sb->mismatches();
  }
  out.close();
  r.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (r.error.empty()) check_expectations(s, r);
  return r;
}

}  // namespace

std::string CosimResult::summary() const {
  std::ostringstream o;
  o << "engine " << engine << ": " << cycles << " cycles (" << sim_seconds * 1e6
    << " us simulated) in " << wall_seconds << " s";
  if (wall_seconds > 0) o << " (" << static_cast<double>(cycles) / wall_seconds << " cycles/s)";
  o << "\n  in: wire " << wire_frames_sent << ", vnic " << vnic_frames_sent
    << "; out: wire " << wire_frames_out;
  for (const auto& [q, n] : received) {
    o << (q < 0 ? ", exception ring " : ", rxq" + std::to_string(q) + " ") << n;
  }
  o << "\n  " << stats.to_string();
  if (flows_installed != 0 || install_failed != 0) {
    o << "\n  host: flows installed " << flows_installed << ", failed " << install_failed
      << ", re-injected " << reinjected;
    if (not_forwarded != 0) o << ", not forwarded " << not_forwarded;
  }
  for (const auto& [vp, n] : vnic_port_in) {
    o << "\n  VNIC " << vp << " port: " << n << " frames in, " << (vnic_port_out.count(vp) != 0 ? vnic_port_out.at(vp) : 0) << " out";
  }
  if (scoreboard) {
    o << "\n  scoreboard: " << compared << " outputs compared, " << mismatches << " mismatches";
    if (registers_walked != 0) {
      o << "\n  registers: " << registers_walked << " read at the end, " << registers_compared
        << " compared";
    }
    for (std::size_t i = 0; i < first_mismatches.size() && i < 5; ++i)
      o << "\n    " << first_mismatches[i].to_string();
  }
  for (const auto& [path, l] : latency) {
    o << "\n  latency " << path << ": " << l.count << " frames, p50 " << l.p50 << ", p99 "
      << l.p99 << ", max " << l.max << " cycles";
  }
  for (const auto& f : expectation_failures) o << "\n  EXPECTATION: " << f;
  if (!error.empty()) o << "\n  ERROR: " << error;
  return o.str();
}

CosimResult run_scenario(const Scenario& s, const CosimOptions& opt) {
  try {
    return opt.engine == CosimOptions::Engine::kModel ? run_model(s, opt) : run_rtl(s, opt);
  } catch (const std::exception& e) {
    CosimResult r;
    r.engine = opt.engine == CosimOptions::Engine::kModel ? "model" : "rtl";
    r.error = e.what();
    return r;
  }
}

}  // namespace nicsim::sim
