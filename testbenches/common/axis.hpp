// SPDX-License-Identifier: MIT
// AXI4-Stream agents on a Harness, in the spirit of cocotbext-axi's AxiStreamSource/Sink/
// Monitor: frames (bytes) in, frames out, with valid/ready patterns, for a narrow (QData,
// CData...) or wide (VlWide) tdata and tkeep, or one port of a packed port array.
//
// Binding a model: NICSIM_AXIS_PORT(Name, prefix_) defines a struct Name for the signals
// prefix_tdata, prefix_tvalid, prefix_tready and, when the model has them, prefix_tkeep,
// prefix_tlast, prefix_tuser (a port without tkeep carries whole beats; without tlast, every
// beat is a frame). Side-band signals that travel with the beats (a vport, a record) are the
// bench's: AxisSource::side drives them, AxisMonitor::on_beat reads them.
//
//   NICSIM_AXIS_PORT(SAxis, s_axis_);
//   NICSIM_AXIS_PORT(MAxis, m_axis_);
//   AxisSource<V, SAxis> in(h, {.valid = every("1110")});
//   AxisSink<V, MAxis> out(h, {.ready = random(7, 60)});
//   in.send({.data = bytes});
//   h.run_until([&] { return out.frames().size() == 1; });
//
// A beat of frame f at byte offset o carries f.data[o + i] in byte lane i (tkeep bit i set);
// the lanes past the frame's end hold `fill` (0 unless configured) with their tkeep bits clear.
// A zero-length frame is one beat with tkeep 0 and tlast.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nicsim/sim/bits.hpp"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"

namespace nicsim::bench {

/// An optional AXI4-Stream signal the model does not have.
struct NoSignal {};

inline constexpr unsigned kMaxBeatBytes = 64;  // DATA_W up to 512

/// One beat as it crossed the port: every byte lane, tkeep, tlast, tuser.
struct AxisBeat {
  std::array<std::uint8_t, kMaxBeatBytes> data{};
  std::uint64_t keep = 0;
  bool last = false;
  std::uint64_t user = 0;
  bool operator==(const AxisBeat&) const = default;
};

struct AxisFrame {
  std::vector<std::uint8_t> data{};
  std::uint64_t user = 0;                // tuser: sent on every beat; received: of the first beat
  std::vector<std::uint64_t> beat_user{};  // sent: tuser beat by beat (when not empty)
  std::vector<AxisBeat> beats{};         // received with keep_beats: the beats as they came
  std::uint64_t id = 0;                  // the bench's own tag (not driven)
  std::uint64_t first_cycle = 0;         // received: clocks of the first and last handshakes
  std::uint64_t last_cycle = 0;
};

/// What a sink or monitor checks of tkeep (a failure names the port, the cycle and the beat).
enum class KeepRule {
  kAny,         // any lanes (the bytes of the set lanes are the frame's)
  kContiguous,  // every beat's set lanes start at lane 0 with no gap
  kPacked,      // kContiguous, and every beat before tlast full
};

struct AxisSourceConfig {
  Pattern valid = always();
  Offer offer = Offer::kHold;
  unsigned lane = 0;        // port of a packed port array ([lane * W +: W], tvalid[lane], ...)
  unsigned beat_bytes = 0;  // bytes per beat; 0: all of tdata
  unsigned user_bits = 0;   // tuser bits per port; 0: all of tuser
  std::function<std::uint8_t(unsigned lane)> fill{};  // bytes of unused lanes (default 0)
};

struct AxisSinkConfig {
  Pattern ready = always();  // (an AxisMonitor drives nothing)
  std::string name = "m_axis";
  unsigned lane = 0;
  unsigned beat_bytes = 0;
  unsigned user_bits = 0;
  KeepRule keep = KeepRule::kAny;
  bool keep_beats = false;  // record every beat in AxisFrame::beats
};

namespace detail {

template <class T>
inline constexpr bool kHas = !std::is_same_v<std::remove_pointer_t<T>, NoSignal>;

template <class Port, class V>
unsigned beat_bytes(V& m, unsigned configured) {
  return configured != 0 ? configured
                         : sig_bytes<std::remove_reference_t<decltype(Port::data(m))>>();
}
template <class Port, class V>
unsigned user_bits(V& m, unsigned configured) {
  if constexpr (kHas<decltype(Port::user(m))>) {
    return configured != 0 ? configured
                           : sig_bits<std::remove_pointer_t<decltype(Port::user(m))>>();
  } else {
    return 0;
  }
}

}  // namespace detail

template <class V, class Port>
class AxisSource : public Agent {
 public:
  AxisSource(Harness<V>& h, AxisSourceConfig cfg = {})
      : Agent(h), h_(h), lane_(cfg.lane), bytes_(detail::beat_bytes<Port>(h.dut(), cfg.beat_bytes)),
        user_bits_(detail::user_bits<Port>(h.dut(), cfg.user_bits)), fill_(std::move(cfg.fill)),
        policy_(std::move(cfg.valid), cfg.offer) {}

  void send(AxisFrame f) { frames_.push_back(std::move(f)); }
  void send(std::vector<std::uint8_t> data, std::uint64_t user = 0) {
    AxisFrame f;
    f.data = std::move(data);
    f.user = user;
    send(std::move(f));
  }

  [[nodiscard]] bool idle() const { return frames_.empty(); }
  [[nodiscard]] std::size_t queued() const { return frames_.size(); }
  [[nodiscard]] unsigned beat_bytes() const { return bytes_; }
  /// tvalid is high on this clock (after drive).
  [[nodiscard]] bool offered() const { return policy_.valid(); }
  /// The beat to go next, counted within the head frame (0: its first).
  [[nodiscard]] std::size_t beat() const { return off_ / bytes_; }
  const AxisFrame* head() const { return frames_.empty() ? nullptr : &frames_.front(); }
  [[nodiscard]] std::uint64_t beats_sent() const { return beats_; }
  [[nodiscard]] std::uint64_t frames_sent() const { return sent_; }

  using Side = std::function<void(V&, const AxisFrame* frame, std::size_t beat, bool valid)>;
  /// Every clock, after the beat is driven: side-band signals of the beat waiting (frame
  /// nullptr when none waits) and whether tvalid is high.
  Side side;
  /// Every handshake: the frame, the beat's index in it and whether it was the last.
  std::function<void(const AxisFrame&, std::size_t beat, bool last)> on_accept;

  void drive() override {
    V& m = h_.dut();
    const bool v = policy_.clock(!frames_.empty());
    put_bit(Port::valid(m), lane_, v);
    const AxisFrame* f = v ? &frames_.front() : nullptr;
    const std::size_t size = f ? f->data.size() : 0;
    std::array<std::uint8_t, kMaxBeatBytes> lanes{};
    std::uint64_t keep = 0;
    for (unsigned b = 0; b < bytes_; ++b) {
      if (f && off_ + b < size) {
        lanes[b] = f->data[off_ + b];
        keep |= std::uint64_t{1} << b;
      } else if (f && fill_) {
        lanes[b] = fill_(b);
      }
    }
    put_bytes(Port::data(m), 8 * lane_ * bytes_,
              std::span<const std::uint8_t>(lanes.data(), bytes_));
    if constexpr (detail::kHas<decltype(Port::keep(m))>)
      put_bits(*Port::keep(m), lane_ * bytes_, bytes_, keep);
    if constexpr (detail::kHas<decltype(Port::last(m))>)
      put_bit(*Port::last(m), lane_, f && off_ + bytes_ >= size);
    if constexpr (detail::kHas<decltype(Port::user(m))>) {
      std::uint64_t u = 0;
      if (f) u = f->beat_user.empty() ? f->user : f->beat_user[beat()];
      put_bits(*Port::user(m), lane_ * user_bits_, user_bits_, u);
    }
    if (side) side(m, frames_.empty() ? nullptr : &frames_.front(), beat(), v);
  }

  void sample() override {
    if (!policy_.valid() || !get_bit(Port::ready(h_.dut()), lane_)) return;
    policy_.taken();
    h_.progress();
    ++beats_;
    const std::size_t b = beat();
    off_ += bytes_;
    const bool last = off_ >= frames_.front().data.size();
    if (on_accept) on_accept(frames_.front(), b, last);
    if (last) {
      frames_.pop_front();
      off_ = 0;
      ++sent_;
    }
  }

 private:
  Harness<V>& h_;
  unsigned lane_, bytes_, user_bits_;
  std::function<std::uint8_t(unsigned)> fill_;
  ValidPolicy policy_;
  std::deque<AxisFrame> frames_;
  std::size_t off_ = 0;  // bytes of the head frame sent
  std::uint64_t beats_ = 0, sent_ = 0;
};

/// Watches a port (drives nothing): frames and beats as they cross it.
template <class V, class Port>
class AxisMonitor : public Agent {
 public:
  AxisMonitor(Harness<V>& h, AxisSinkConfig cfg = {})
      : Agent(h), h_(h), cfg_(std::move(cfg)),
        bytes_(detail::beat_bytes<Port>(h.dut(), cfg_.beat_bytes)),
        user_bits_(detail::user_bits<Port>(h.dut(), cfg_.user_bits)) {}

  /// Every handshake (read side-band signals from the model here).
  std::function<void(V&, const AxisBeat&)> on_beat;
  /// Every complete frame; without it, frames are kept in frames().
  std::function<void(AxisFrame&&)> on_frame;

  std::deque<AxisFrame>& frames() { return frames_; }
  /// The oldest frame received and not yet taken, if any.
  std::optional<AxisFrame> pop() {
    if (frames_.empty()) return std::nullopt;
    AxisFrame f = std::move(frames_.front());
    frames_.pop_front();
    return f;
  }
  [[nodiscard]] std::uint64_t beats() const { return beats_; }
  [[nodiscard]] std::uint64_t first_beat_cycle() const { return first_beat_; }
  [[nodiscard]] std::uint64_t last_beat_cycle() const { return last_beat_; }
  /// Beats of a frame seen, its tlast not yet.
  [[nodiscard]] bool mid_frame() const { return open_; }
  [[nodiscard]] unsigned beat_bytes() const { return bytes_; }

  void sample() override {
    V& m = h_.dut();
    if (!get_bit(Port::valid(m), cfg_.lane) || !get_bit(Port::ready(m), cfg_.lane)) return;
    h_.progress();
    const std::uint64_t now = h_.cycle();
    AxisBeat b;
    get_bytes(Port::data(m), 8 * cfg_.lane * bytes_,
              std::span<std::uint8_t>(b.data.data(), bytes_));
    if constexpr (detail::kHas<decltype(Port::keep(m))>)
      b.keep = get_bits(*Port::keep(m), cfg_.lane * bytes_, bytes_);
    else
      b.keep = low_mask(bytes_);
    if constexpr (detail::kHas<decltype(Port::last(m))>)
      b.last = get_bit(*Port::last(m), cfg_.lane);
    else
      b.last = true;
    if constexpr (detail::kHas<decltype(Port::user(m))>)
      b.user = get_bits(*Port::user(m), cfg_.lane * user_bits_, user_bits_);
    check_keep(b, now);
    if (beats_ == 0) first_beat_ = now;
    last_beat_ = now;
    ++beats_;
    if (!open_) {
      open_ = true;
      cur_.user = b.user;
      cur_.first_cycle = now;
    }
    for (unsigned i = 0; i < bytes_; ++i)
      if ((b.keep >> i) & 1u) cur_.data.push_back(b.data[i]);
    if (cfg_.keep_beats) cur_.beats.push_back(b);
    if (on_beat) on_beat(m, b);
    if (!b.last) return;
    cur_.last_cycle = now;
    open_ = false;
    AxisFrame done = std::move(cur_);
    cur_ = AxisFrame{};
    if (on_frame)
      on_frame(std::move(done));
    else
      frames_.push_back(std::move(done));
  }

 protected:
  Harness<V>& h_;
  AxisSinkConfig cfg_;

 private:
  void check_keep(const AxisBeat& b, std::uint64_t now) const {
    if (cfg_.keep == KeepRule::kAny) return;
    const std::uint64_t all = low_mask(bytes_);
    if ((b.keep & (b.keep + 1)) != 0)
      ADD_FAILURE() << h_.name() << " " << cfg_.name << " cycle " << now << ": tkeep 0x"
                    << std::hex << b.keep << " not contiguous from lane 0";
    else if (cfg_.keep == KeepRule::kPacked && !b.last && b.keep != all)
      ADD_FAILURE() << h_.name() << " " << cfg_.name << " cycle " << now << ": tkeep 0x"
                    << std::hex << b.keep << " not full before tlast";
  }

  unsigned bytes_, user_bits_;
  std::deque<AxisFrame> frames_;
  AxisFrame cur_;
  bool open_ = false;
  std::uint64_t beats_ = 0, first_beat_ = 0, last_beat_ = 0;
};

/// A monitor that also drives tready by its pattern.
template <class V, class Port>
class AxisSink : public AxisMonitor<V, Port> {
 public:
  AxisSink(Harness<V>& h, AxisSinkConfig cfg = {}) : AxisMonitor<V, Port>(h, std::move(cfg)) {}

  void drive() override {
    put_bit(Port::ready(this->h_.dut()), this->cfg_.lane, this->cfg_.ready(clock_++));
  }

 private:
  std::uint64_t clock_ = 0;
};

}  // namespace nicsim::bench

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define NICSIM_AXIS_OPTIONAL_SIGNAL(fn, sig)                            \
  template <class V>                                                    \
  static auto* fn(V& m) {                                               \
    if constexpr (requires { m.sig; })                                  \
      return &m.sig;                                                    \
    else                                                                \
      return static_cast<::nicsim::bench::NoSignal*>(nullptr);          \
  }

#define NICSIM_AXIS_PORT(Name, P)                   \
  struct Name {                                     \
    template <class V>                              \
    static auto& valid(V& m) {                      \
      return m.P##tvalid;                           \
    }                                               \
    template <class V>                              \
    static auto& ready(V& m) {                      \
      return m.P##tready;                           \
    }                                               \
    template <class V>                              \
    static auto& data(V& m) {                       \
      return m.P##tdata;                            \
    }                                               \
    NICSIM_AXIS_OPTIONAL_SIGNAL(keep, P##tkeep)     \
    NICSIM_AXIS_OPTIONAL_SIGNAL(last, P##tlast)     \
    NICSIM_AXIS_OPTIONAL_SIGNAL(user, P##tuser)     \
  }
// NOLINTEND(cppcoreguidelines-macro-usage)
