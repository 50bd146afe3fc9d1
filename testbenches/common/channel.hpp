// SPDX-License-Identifier: MIT
// Valid/ready channels that are not AXI4-Stream (requests, records, responses, commands):
// a ChannelSource offers queued items, a ChannelSink takes what the model offers, each with
// a pattern, on the harness's clock. The payload is the bench's: the source calls `put` to
// drive an offered item, the sink calls `on_fire` on every handshake.
//
// Binding a model: NICSIM_VALID_READY_PORT(Name, prefix_) defines a struct Name with
//   template <class V> static auto& valid(V&);   // prefix_valid
//   template <class V> static auto& ready(V&);   // prefix_ready
// e.g. NICSIM_VALID_READY_PORT(MetaPort, m_meta_); a port of a packed port array (valid and
// ready one bit per port) is chosen by `lane`.
//
//   ChannelSource<V, ReqPort, Req> req(h, [](V& m, const Req& r) { m.s_req_addr = r.addr; },
//                                      {.valid = chance(rng, 0.5)});
//   req.on_accept = [&](Req&& r) { outstanding.push_back(std::move(r)); };
//   ChannelSink<V, MetaPort> meta(h, [&](V& m) { metas.push_back(decode(m.m_meta_data)); },
//                                 {.ready = every("10")});
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>

#include "nicsim/sim/bits.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define NICSIM_VALID_READY_PORT(Name, P)      \
  struct Name {                               \
    template <class V>                        \
    static auto& valid(V& m) {                \
      return m.P##valid;                      \
    }                                         \
    template <class V>                        \
    static auto& ready(V& m) {                \
      return m.P##ready;                      \
    }                                         \
  }
// NOLINTEND(cppcoreguidelines-macro-usage)

namespace nicsim::bench {

/// When a source's valid is high.
enum class Offer {
  /// AXI4-Stream: while an item waits and valid is low, the pattern is drawn each clock; when
  /// it says yes valid rises and stays high until the handshake.
  kHold,
  /// As kHold, but the pattern is drawn on every clock, waiting or not (the draws of a shared
  /// generator do not depend on the traffic).
  kHoldDrawEveryClock,
  /// The pattern is drawn every clock and valid = (an item waits && pattern): an offer can be
  /// withdrawn before its handshake. Not AXI4-Stream; it checks that a sink does not need it.
  kEveryClock,
};

/// A source's valid, clock by clock, under a pattern and an Offer rule.
class ValidPolicy {
 public:
  explicit ValidPolicy(Pattern pattern = always(), Offer offer = Offer::kHold)
      : pattern_(std::move(pattern)), offer_(offer) {}

  /// Called once per clock (drive): whether valid is high on it.
  bool clock(bool waiting) {
    const std::uint64_t c = clock_++;
    switch (offer_) {
      case Offer::kHold:
        if (!valid_ && waiting && pattern_(c)) valid_ = true;
        break;
      case Offer::kHoldDrawEveryClock: {
        const bool go = pattern_(c);
        if (!valid_ && waiting && go) valid_ = true;
        break;
      }
      case Offer::kEveryClock: {
        const bool go = pattern_(c);
        valid_ = waiting && go;
        break;
      }
    }
    return valid_;
  }
  /// The offer was taken (handshake).
  void taken() { valid_ = false; }
  [[nodiscard]] bool valid() const { return valid_; }

 private:
  Pattern pattern_;
  Offer offer_;
  bool valid_ = false;
  std::uint64_t clock_ = 0;
};

struct ChannelSourceConfig {
  Pattern valid = always();
  Offer offer = Offer::kHold;
  unsigned lane = 0;  // port of a packed port array
};

template <class V, class Port, class Item>
class ChannelSource : public Agent {
 public:
  using Put = std::function<void(V&, const Item&)>;

  ChannelSource(Harness<V>& h, Put put, ChannelSourceConfig cfg = {})
      : Agent(h), h_(h), put_(std::move(put)), lane_(cfg.lane),
        policy_(std::move(cfg.valid), cfg.offer) {}

  void send(Item item) { items_.push_back(std::move(item)); }
  [[nodiscard]] bool idle() const { return items_.empty(); }
  [[nodiscard]] std::size_t queued() const { return items_.size(); }
  [[nodiscard]] bool offered() const { return policy_.valid(); }
  std::deque<Item>& items() { return items_; }

  /// At the handshake, with the item taken.
  std::function<void(Item&&)> on_accept;

  void drive() override {
    V& m = h_.dut();
    const bool v = policy_.clock(!items_.empty());
    put_bit(Port::valid(m), lane_, v);
    if (v) put_(m, items_.front());
  }
  void sample() override {
    if (!policy_.valid() || !get_bit(Port::ready(h_.dut()), lane_)) return;
    Item it = std::move(items_.front());
    items_.pop_front();
    policy_.taken();
    h_.progress();
    if (on_accept) on_accept(std::move(it));
  }

 private:
  Harness<V>& h_;
  Put put_;
  unsigned lane_;
  ValidPolicy policy_;
  std::deque<Item> items_;
};

struct ChannelSinkConfig {
  Pattern ready = always();
  unsigned lane = 0;  // port of a packed port array
};

template <class V, class Port>
class ChannelSink : public Agent {
 public:
  using Fire = std::function<void(V&)>;

  ChannelSink(Harness<V>& h, Fire on_fire, ChannelSinkConfig cfg = {})
      : Agent(h), h_(h), on_fire_(std::move(on_fire)), cfg_(std::move(cfg)) {}

  [[nodiscard]] std::uint64_t handshakes() const { return handshakes_; }

  void drive() override { put_bit(Port::ready(h_.dut()), cfg_.lane, cfg_.ready(clock_++)); }
  void sample() override {
    V& m = h_.dut();
    if (!get_bit(Port::valid(m), cfg_.lane) || !get_bit(Port::ready(m), cfg_.lane)) return;
    ++handshakes_;
    h_.progress();
    if (on_fire_) on_fire_(m);
  }

 private:
  Harness<V>& h_;
  Fire on_fire_;
  ChannelSinkConfig cfg_;
  std::uint64_t clock_ = 0, handshakes_ = 0;
};

}  // namespace nicsim::bench
