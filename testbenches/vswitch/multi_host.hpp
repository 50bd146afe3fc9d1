// SPDX-License-Identifier: MIT
// A world of several hosts for the switch's end-to-end benches (migration_test.cpp,
// relocation_test.cpp): each host a switch on its own NIC (the driver on the golden model) with
// one VM on VNIC 1, joined by a simulated underlay that moves wire frames by their outer IPv4
// destination (as a router does: the MACs rewritten), optionally through an address translator
// (NatBox) in front of the hosts of a private site.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "fixture.hpp"
#include "nicsim/host/vswitch/switch.hpp"
#include "nicsim/model/checksum.hpp"

namespace nicsim::host::vswitch::test_world {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint64_t kSec = 1'000'000'000ull;
inline constexpr std::uint64_t kRouterMac = 0x0a00000000fe;  // every host's underlay next hop

/// One host: its NIC (a world of its own), driver, switch with `policy`, and the VNIC of its
/// VM (vport 1, MAC `vm_mac`).
struct Host {
  Host(std::unique_ptr<Pipeline> p, std::uint64_t underlay_mac, std::uint64_t vm_mac,
       bool offload)
      : world(test::make_model_world()),
        drv(Driver::probe(world->device())),
        ft(drv),
        pipeline(std::move(p)),
        policy(*pipeline),
        mac(underlay_mac) {
    drv.enable();
    VnicConfig v;
    v.vport = 1;
    v.mac = test::mac(vm_mac);
    drv.configure_vnic(v);
    SwitchConfig c;
    c.underlay_mac = test::mac(underlay_mac);
    c.underlay_next_hop = test::mac(kRouterMac);
    c.exception_ring.size_log2 = 6;
    c.exception_ring.buf_size = 2048;
    c.offload = offload;
    sw = std::make_unique<Switch>(drv, ft, policy, c);
    sw->bring_up();
    vm_tx = std::make_unique<TxQueue>(drv, 1, TxQueueConfig{.size_log2 = 6, .vport = 1});
    vm_rx = std::make_unique<RxQueue>(drv, 0, RxQueueConfig{.size_log2 = 6});
  }

  /// Lets the switch serve its exception ring at `now` until it is empty.
  void serve(std::uint64_t now = kSec) {
    world->settle();
    while (sw->service(now) != 0) world->settle();
    world->settle();
    vm_tx->reap();
  }

  /// The end of a test: the switch's flows removed, the ledger balanced, the NIC's own view
  /// agreeing with what the driver read (HostTest's TearDown, per host).
  void check_end() {
    sw->flush();
    world->settle();
    const Stats s = drv.stats();
    EXPECT_TRUE(s.ledger_balanced()) << s.to_string();
    world->check_end(s);
  }

  std::unique_ptr<test::World> world;
  Driver drv;
  FlowTable ft;
  std::unique_ptr<Pipeline> pipeline;
  Pipeline& policy;
  std::uint64_t mac;
  std::unique_ptr<Switch> sw;
  std::unique_ptr<TxQueue> vm_tx;
  std::unique_ptr<RxQueue> vm_rx;
};

/// The outer IPv4 addresses and UDP ports of a wire frame (untagged Ethernet, IPv4, UDP).
struct Outer {
  std::uint32_t src = 0, dst = 0;
  std::optional<std::uint16_t> sport{}, dport{};  // UDP only
  std::size_t l4 = 0;                             // where UDP starts
};
inline Outer outer_of(const Bytes& b) {
  Outer o;
  o.src = std::uint32_t{b[26]} << 24 | b[27] << 16 | b[28] << 8 | b[29];
  o.dst = std::uint32_t{b[30]} << 24 | b[31] << 16 | b[32] << 8 | b[33];
  o.l4 = 14 + 4 * (b[14] & 0xFu);
  if (b[23] == 17 && b.size() >= o.l4 + 8) {
    o.sport = static_cast<std::uint16_t>(b[o.l4] << 8 | b[o.l4 + 1]);
    o.dport = static_cast<std::uint16_t>(b[o.l4 + 2] << 8 | b[o.l4 + 3]);
  }
  return o;
}

/// An address translator (NAPT, RFC 4787 terms) in front of a private site, written for the
/// test from the RFC, not from the switch: a UDP frame from the inside gets the NAT's public
/// address and a port of its own (one binding per inside address and port, endpoint-independent
/// mapping); a frame from the outside to a bound port is let in when the binding has sent to
/// that outside address before (address-dependent filtering) and the binding is not idle
/// beyond `timeout`, its destination translated back; anything else from the outside is
/// unsolicited: dropped and counted. Bindings idle for `timeout` expire; rebind() forgets them
/// all (a NAT that restarted): the next frame out gets a new port. IPv4 header checksum and a
/// non-zero UDP checksum are updated (RFC 1624).
class NatBox {
 public:
  NatBox(std::uint32_t public_ip, std::uint64_t timeout) : public_(public_ip), timeout_(timeout) {}

  /// A frame from the inside at `now`: translated (true), or dropped (not UDP).
  bool out(Bytes& b, std::uint64_t now) {
    const Outer o = outer_of(b);
    if (!o.sport) {
      ++dropped_out;
      return false;
    }
    const std::uint64_t inside = std::uint64_t{o.src} << 16 | *o.sport;
    auto it = by_inside_.find(inside);
    if (it != by_inside_.end() && now - bindings_.at(it->second).last >= timeout_) {
      bindings_.erase(it->second);
      by_inside_.erase(it);
      it = by_inside_.end();
    }
    if (it == by_inside_.end()) {
      it = by_inside_.emplace(inside, next_port_++).first;
      bindings_[it->second] = Binding{o.src, *o.sport, {}, now};
      ++bindings_made;
    }
    Binding& bd = bindings_.at(it->second);
    bd.peers.insert(o.dst);
    bd.last = now;
    rewrite(b, o, true, public_, it->second);
    ++translated_out;
    return true;
  }

  /// A frame from the outside to the public address at `now`: translated to the inside host
  /// (its address returned), or unsolicited (nullopt, counted).
  std::optional<std::uint32_t> in(Bytes& b, std::uint64_t now) {
    const Outer o = outer_of(b);
    const auto it = o.dport ? bindings_.find(*o.dport) : bindings_.end();
    if (it == bindings_.end() || now - it->second.last >= timeout_ ||
        !it->second.peers.contains(o.src)) {
      ++unsolicited;
      return std::nullopt;
    }
    rewrite(b, o, false, it->second.ip, it->second.port);
    ++translated_in;
    return it->second.ip;
  }

  /// The NAT forgets every binding (a restart), and takes public address `ip` when given (a
  /// new lease): the next frame out is bound to a new port.
  void rebind(std::optional<std::uint32_t> ip = std::nullopt) {
    bindings_.clear();
    by_inside_.clear();
    if (ip) public_ = *ip;
  }
  /// The public port of inside `ip`:`port`, if bound.
  [[nodiscard]] std::optional<std::uint16_t> port_of(std::uint32_t ip, std::uint16_t port) const {
    const auto it = by_inside_.find(std::uint64_t{ip} << 16 | port);
    if (it == by_inside_.end()) return std::nullopt;
    return it->second;
  }
  [[nodiscard]] std::uint32_t public_ip() const { return public_; }

  std::uint64_t translated_out = 0, translated_in = 0, unsolicited = 0, dropped_out = 0;
  std::uint64_t bindings_made = 0;

 private:
  struct Binding {
    std::uint32_t ip = 0;
    std::uint16_t port = 0;
    std::set<std::uint32_t> peers;  // outside addresses it sent to
    std::uint64_t last = 0;         // its last frame out
  };
  /// Source (`src`) or destination address and port of `b` become `ip`:`port`.
  static void rewrite(Bytes& b, const Outer& o, bool src, std::uint32_t ip, std::uint16_t port) {
    const std::size_t a = src ? 26 : 30;
    const std::uint32_t old_ip = src ? o.src : o.dst;
    const std::uint16_t old_port = src ? *o.sport : *o.dport;
    const auto put = [&](std::size_t at, std::uint64_t v, unsigned n) {
      for (unsigned i = 0; i < n; ++i) {
        b[at + i] = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
      }
    };
    const auto get16 = [&](std::size_t at) {
      return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
    };
    put(a, ip, 4);
    put(24, model::checksum_update32(get16(24), old_ip, ip), 2);
    put(o.l4 + (src ? 0 : 2), port, 2);
    const std::uint16_t ck = get16(o.l4 + 6);
    if (ck != 0) {  // the pseudo-header's address and the port
      std::uint16_t c = model::checksum_update32(ck, old_ip, ip);
      c = model::checksum_update16(c, old_port, port);
      put(o.l4 + 6, c, 2);
    }
  }

  std::uint32_t public_;
  std::uint64_t timeout_;
  std::uint16_t next_port_ = 40000;
  std::map<std::uint16_t, Binding> bindings_;            // by public port
  std::map<std::uint64_t, std::uint16_t> by_inside_;     // inside ip << 16 | port -> public port
};

/// The underlay between the hosts: a frame a host sends to the wire goes to the host whose PA
/// is its outer IPv4 destination, MACs rewritten as a router does. Hosts of the private site
/// (behind `nat`) reach the others only through it, and are reached only through its public
/// address. Frames are held until deliver(): what is there is in flight.
class Underlay {
 public:
  /// Adds host `h` (not owned) with underlay address `pa`; `private_site`: behind the NAT.
  unsigned add(Host& h, const char* pa, bool private_site = false) {
    hosts_.push_back({&h, model::Ipv4Addr::parse(pa)->value(), private_site});
    return static_cast<unsigned>(hosts_.size() - 1);
  }
  void set_nat(NatBox* nat) { nat_ = nat; }
  /// Called with the index of the host each routed frame goes to.
  void on_route(std::function<void(unsigned)> fn) { on_route_ = std::move(fn); }
  /// The clock the NAT sees.
  void set_now(std::uint64_t now) { now_ = now; }

  /// Frames the hosts sent to the wire go into the underlay (through the NAT from the private
  /// site; the NAT's public address is routed through it to the private site).
  void collect() {
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      while (auto f = hosts_[h].host->world->wire_tx()) {
        Bytes b = f->data;
        ASSERT_GE(b.size(), 34u);
        ASSERT_EQ(b[12] << 8 | b[13], 0x0800) << "the underlay is IPv4";
        if (hosts_[h].private_site) {
          ASSERT_NE(nat_, nullptr);
          if (!nat_->out(b, now_)) continue;
        }
        const std::uint32_t dst = outer_of(b).dst;
        std::optional<unsigned> to;
        if (nat_ != nullptr && dst == nat_->public_ip()) {
          const auto inside = nat_->in(b, now_);
          if (!inside) continue;  // unsolicited: the NAT counted it
          to = find(*inside, true);
        } else {
          to = find(dst, false);
        }
        if (!to) {
          ++unroutable;
          continue;
        }
        for (unsigned i = 0; i < 6; ++i) {
          b[i] = static_cast<std::uint8_t>(hosts_[*to].host->mac >> (8 * (5 - i)));
          b[6 + i] = static_cast<std::uint8_t>(kRouterMac >> (8 * (5 - i)));
        }
        if (on_route_) on_route_(*to);
        frames_.push_back({*to, std::move(b)});
      }
    }
  }
  /// Delivers everything held, the hosts serve what it brings (at `now`), until nothing moves.
  void deliver(std::uint64_t now = kSec) {
    now_ = now;
    collect();
    while (!frames_.empty()) {
      hand_over();
      for (auto& h : hosts_) h.host->serve(now);
      collect();
    }
  }
  /// Every frame held reaches its host's wire port (nothing is served).
  void hand_over() {
    while (!frames_.empty()) {
      auto [to, b] = std::move(frames_.front());
      frames_.pop_front();
      hosts_[to].host->world->wire_rx(b);
    }
  }
  /// Frames held (in flight).
  [[nodiscard]] std::size_t in_flight() const { return frames_.size(); }
  /// The frames in flight to host `to` (a test looks at them on the way).
  [[nodiscard]] std::vector<Bytes> held_for(unsigned to) const {
    std::vector<Bytes> v;
    for (const auto& [t, b] : frames_) {
      if (t == to) v.push_back(b);
    }
    return v;
  }

  std::uint64_t unroutable = 0;  // frames to an address no host (and no NAT) has

 private:
  struct Entry {
    Host* host;
    std::uint32_t pa;
    bool private_site;
  };
  std::optional<unsigned> find(std::uint32_t pa, bool private_site) const {
    for (std::size_t i = 0; i < hosts_.size(); ++i) {
      if (hosts_[i].pa == pa && hosts_[i].private_site == private_site) {
        return static_cast<unsigned>(i);
      }
    }
    return std::nullopt;
  }

  std::vector<Entry> hosts_;
  NatBox* nat_ = nullptr;
  std::function<void(unsigned)> on_route_;
  std::uint64_t now_ = kSec;
  std::deque<std::pair<unsigned, Bytes>> frames_;
};

}  // namespace nicsim::host::vswitch::test_world
