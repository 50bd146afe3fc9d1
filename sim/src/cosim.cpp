// SPDX-License-Identifier: MIT
#include "nicsim/sim/cosim.hpp"

#include <systemc>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/model/pcap_io.hpp"
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

std::vector<Source> load_traffic(const Scenario& s) {
  std::vector<Source> out;
  for (const auto& src : s.traffic.sources) {
    Source x;
    x.vport = src.vport;
    x.gap = src.gap_cycles;
    model::PcapReader r(src.pcap);  // PcapError names the file and frame
    std::vector<std::vector<std::uint8_t>> once;
    while (auto f = r.next()) {
      if (f->data.empty()) continue;
      once.push_back(std::move(f->data));
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
      if (rxq || n == "wire.pcap" || n == "exceptions.pcap" || n == "exceptions.jsonl")
        fs::remove(e.path());
    }
    for (const char* n : {"wire.pcap", "exceptions.pcap"})
      writers_[n] = std::make_unique<model::PcapWriter>(dir_ + "/" + n);
    jsonl_.emplace(dir_ + "/exceptions.jsonl");
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
  void close() {
    for (auto& [n, w] : writers_) w->close();
    if (jsonl_) jsonl_->close();
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
  std::optional<std::ofstream> jsonl_;
  std::uint64_t exc_ = 0;
};

void check_expectations(const Scenario& s, CosimResult& r) {
  const host::Stats& t = r.stats;
  const std::map<std::string, std::uint64_t> counters{
      {"rx_wire_frames", t.rx_wire_frames}, {"rx_wire_bytes", t.rx_wire_bytes},
      {"tx_frames", t.tx_frames}, {"out_wire", t.out_wire}, {"out_vnic", t.out_vnic},
      {"out_exception", t.out_exception}, {"loopback", t.loopback}, {"mirror", t.mirror},
      {"mirror_drop", t.mirror_drop}, {"em_hits", t.em_hits}, {"tcam_hits", t.tcam_hits},
      {"misses", t.misses}, {"drop_parse_error", t.drop_parse_error},
      {"drop_flow", t.drop_flow}, {"drop_meter", t.drop_meter},
      {"drop_bad_action", t.drop_bad_action}, {"drop_mtu", t.drop_mtu},
      {"drop_rx_no_desc", t.drop_rx_no_desc}, {"drop_rx_too_long", t.drop_rx_too_long},
      {"drop_rx_cq_full", t.drop_rx_cq_full}, {"drop_quota", t.drop_quota},
      {"drop_exc_full", t.drop_exc_full}, {"drop_spoof", t.drop_spoof},
      {"tx_bad_desc", t.tx_bad_desc}, {"flows_installed", r.flows_installed},
      {"install_failed", r.install_failed}};
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
  if (s.expect.mismatches && r.scoreboard && r.mismatches != *s.expect.mismatches) {
    r.expectation_failures.push_back("expect.mismatches: " + std::to_string(r.mismatches) +
                                     ", expected " + std::to_string(*s.expect.mismatches));
  }
  if (s.expect.ledger_balanced && !r.ledger_balanced) {
    r.expectation_failures.push_back("the ledger does not balance: " + t.to_string());
  }
}

void record_host(const ScenarioHost& h, CosimResult& r) {
  r.flows_installed = h.stats().installed;
  r.install_failed = h.stats().install_failed;
  r.reinjected = h.stats().reinjected;
  for (const auto& [reason, n] : h.stats().by_reason) r.exceptions_by_reason[fmt::to_string(reason)] = n;
}

// ---- the model engine ------------------------------------------------------------------------

CosimResult run_model(const Scenario& s, const CosimOptions& opt) {
  CosimResult r;
  r.engine = "model";
  const auto t0 = Clock::now();
  host::ModelDevice dev(rtl_device_config(s.nic.data_width));
  host::Driver drv(dev);
  ScenarioHost h(drv, s);
  Outputs out(opt.out_dir);
  const double ns_per_cycle = 1000.0 / s.nic.clock_mhz;
  auto now_ns = [&] { return static_cast<std::uint64_t>(static_cast<double>(dev.now()) * ns_per_cycle); };
  h.on_receive([&](int q, const host::RxPacket& p) {
    ++r.received[q];
    out.received(q, p, now_ns());
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
  if (opt.wire != nullptr) {  // the port replaces the scenario's wire sources
    std::erase_if(traffic, [](const Source& x) { return x.vport == 0; });
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
  for (Source& src : traffic) {
    for (const auto& f : src.frames) {
      dev.advance((f.size() + beat - 1) / beat + src.gap);  // the frame's time on the wire
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
      if (opt.progress && (r.wire_frames_sent + r.vnic_frames_sent) % 4096 == 0)
        opt.progress(dev.now(), r.wire_frames_sent + r.vnic_frames_sent);
    }
  }
  while (h.service() != 0) {
  }
  drain_wire();
  if (opt.wire != nullptr) opt.wire->flush();
  record_host(h, r);
  r.stats = drv.stats();
  r.ledger_balanced = r.stats.ledger_balanced();
  r.cycles = dev.now();
  r.sim_seconds = static_cast<double>(r.cycles) * ns_per_cycle * 1e-9;
  r.mmio_reads = dev.mmio_reads();
  r.mmio_writes = dev.mmio_writes();
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
                                       .valid_pattern = opt.valid_pattern,
                                       .ready_pattern = opt.ready_pattern,
                                       .model = opt.rtl_model});
  std::unique_ptr<Scoreboard> sb;
  Outputs out(opt.out_dir);
  bool finished = false;
  auto now_ns = [] { return static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9); };

  sc_core::sc_spawn([&] {
    try {
      host::Driver drv(top.dev);
      if (opt.scoreboard) {
        sb = std::make_unique<Scoreboard>(rtl_device_config(s.nic.data_width));
        top.nic.set_observer(sb.get());
        r.scoreboard = true;
      }
      ScenarioHost h(drv, s);
      h.on_receive([&](int q, const host::RxPacket& p) {
        ++r.received[q];
        out.received(q, p, now_ns());
        if (sb) sb->received(q, p, top.nic.cycle());
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
      const sc_core::sc_time poll(opt.poll_ns, sc_core::SC_NS);
      std::uint64_t polls = 0;
      bool wire_failed = false;
      for (;;) {
        (void)h.service();
        bool sending = false;
        if (opt.wire != nullptr && !wire_failed) {  // what the wire port has now
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
        if (opt.progress && ++polls % 256 == 0)
          opt.progress(top.nic.cycle(), top.nic.frames_in() + r.vnic_frames_sent);
        sc_core::wait(poll);
      }
      record_host(h, r);
      if (opt.wire != nullptr) opt.wire->flush();
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
  r.mmio_reads = top.cpu.mmio_reads();
  r.mmio_writes = top.cpu.mmio_writes();
  r.interrupts = top.cpu.interrupts();
  if (sb) {
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
  }
  if (scoreboard) {
    o << "\n  scoreboard: " << compared << " outputs compared, " << mismatches << " mismatches";
    for (std::size_t i = 0; i < first_mismatches.size() && i < 5; ++i)
      o << "\n    " << first_mismatches[i].to_string();
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
