// SPDX-License-Identifier: MIT
// The clocked harness of a Verilated model with inputs clk and rst (every block of rtl/ and
// every bench wrapper): it owns the VerilatedContext and the model, and runs one clock as
//
//   tick():  agents drive their inputs  ->  settle()  ->  agents sample  ->  rise()
//   settle(): clk low, evaluate: the outputs settle on this clock's inputs; the handshakes
//             seen now are the ones the rising edge takes
//   rise():   clk high, evaluate: the registers take the edge; cycle() counts it
//
// An Agent (AxisSource, AxisSink, ChannelSource, Hook, AxiLiteDriver, ...) attaches itself to
// the harness when constructed and takes part in every tick() in the order of construction:
// drive() before the clock settles (the outputs are as the last edge left them), sample()
// after (the settled handshakes). A bench with nothing else to do per clock calls tick().
//
// Watchdog: with set_watchdog(n), n clocks in a row without progress() (agents report every
// handshake) throw Stuck, which fails the test with the harness name, the cycle and the
// bench's status text; run_until() turns it into a test failure and `false` instead.
//
// FST trace: HarnessConfig::trace names a file, or NICSIM_FST_DIR a directory (one file per
// harness, named after the test); the model must be verilated with nicsim_verilate_block's
// TRACE option.
#pragma once

#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

namespace nicsim::bench {

/// The watchdog fired: nothing made progress for the configured number of clocks.
class Stuck : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HarnessConfig {
  std::string name = "dut";  // in the watchdog's message and the trace file name
  std::string trace{};       // FST file to write ("": none, or NICSIM_FST_DIR)
};

class Agent;

/// What a Harness is without its model type: the clock count, the agents, the watchdog.
class HarnessBase {
 public:
  HarnessBase(const HarnessBase&) = delete;
  HarnessBase& operator=(const HarnessBase&) = delete;

  /// Rising edges since the harness was made.
  [[nodiscard]] std::uint64_t cycle() const { return cycle_; }
  [[nodiscard]] const std::string& name() const { return name_; }

  /// Something moved (a handshake): the watchdog starts counting again.
  void progress() { progressed_ = true; }
  /// Throw Stuck after `clocks` clocks in a row without progress (0: never); `status` adds the
  /// bench's state to the message.
  void set_watchdog(std::uint64_t clocks, std::function<std::string()> status = {}) {
    watchdog_ = clocks;
    idle_ = 0;
    progressed_ = false;
    if (status) status_ = std::move(status);
  }
  [[nodiscard]] std::uint64_t watchdog() const { return watchdog_; }
  /// Clocks in a row without progress, up to the last edge (0: something moved on it).
  [[nodiscard]] std::uint64_t quiet() const { return idle_; }

 protected:
  explicit HarnessBase(std::string name) : name_(std::move(name)) {}
  ~HarnessBase() = default;

  void drive_agents();
  void sample_agents();
  void count_edge() {
    ++cycle_;
    idle_ = progressed_ ? 0 : idle_ + 1;
    progressed_ = false;
    if (watchdog_ != 0 && idle_ > watchdog_) {
      std::string msg = name_ + ": watchdog: no progress for " + std::to_string(watchdog_) +
                        " clocks (cycle " + std::to_string(cycle_) + ")";
      if (status_) msg += ": " + status_();
      idle_ = 0;
      throw Stuck(msg);
    }
  }

 private:
  friend class Agent;
  std::string name_;
  std::vector<Agent*> agents_;
  std::uint64_t cycle_ = 0;
  std::uint64_t watchdog_ = 0, idle_ = 0;
  bool progressed_ = false;
  std::function<std::string()> status_;
};

/// Takes part in every tick() of the harness it is attached to (for its whole lifetime).
class Agent {
 public:
  explicit Agent(HarnessBase& h) : base_(h) { h.agents_.push_back(this); }
  virtual ~Agent() { std::erase(base_.agents_, this); }
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Before the clock settles: set the inputs this agent owns.
  virtual void drive() {}
  /// After the clock settled, before the rising edge: see the handshakes.
  virtual void sample() {}

 protected:
  HarnessBase& base_;
};

inline void HarnessBase::drive_agents() {
  for (Agent* a : agents_) a->drive();
}
inline void HarnessBase::sample_agents() {
  for (Agent* a : agents_) a->sample();
}

template <class V>
class Harness : public HarnessBase {
 public:
  explicit Harness(HarnessConfig cfg = {}) : HarnessBase(cfg.name) {
    const std::string trace = trace_path(cfg);
    if (!trace.empty()) ctx_->traceEverOn(true);
    dut_ = std::make_unique<V>(ctx_.get());
    dut_->clk = 0;
    dut_->rst = 0;
    if (!trace.empty()) open_trace(trace, !cfg.trace.empty());
  }
  ~Harness() {
    dut_->final();
#if VM_TRACE_FST
    if (fst_) fst_->close();
#endif
  }

  V& dut() { return *dut_; }
  const V& dut() const { return *dut_; }
  V* operator->() { return dut_.get(); }
  const V* operator->() const { return dut_.get(); }
  VerilatedContext& context() { return *ctx_; }

  /// rst high for `cycles` clocks, then low for `after` clocks.
  void reset(unsigned cycles, unsigned after = 0) {
    dut_->rst = 1;
    for (unsigned i = 0; i < cycles; ++i) tick();
    dut_->rst = 0;
    for (unsigned i = 0; i < after; ++i) tick();
  }

  /// clk low, evaluate.
  void settle() {
    dut_->clk = 0;
    dut_->eval();
    dump(2 * cycle());
  }
  /// clk high, evaluate, count the edge (the watchdog may throw Stuck here).
  void rise() {
    dut_->clk = 1;
    dut_->eval();
    dump(2 * cycle() + 1);
    count_edge();
  }
  /// One clock with every attached agent.
  void tick() {
    drive_agents();
    settle();
    sample_agents();
    rise();
  }
  void ticks(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) tick();
  }

  /// Ticks until done() (checked before each clock); false, with a test failure carrying its
  /// message, when the watchdog fires first.
  template <class F>
  bool run_until(F&& done) {
    try {
      while (!done()) tick();
      return true;
    } catch (const Stuck& e) {
      ADD_FAILURE() << e.what();
      return false;
    }
  }

 private:
  static std::string trace_path(const HarnessConfig& cfg) {
    if (!cfg.trace.empty()) return cfg.trace;
    const char* dir = std::getenv("NICSIM_FST_DIR");
    if (dir == nullptr || *dir == '\0') return {};
    std::string test = "bench";
    if (const auto* t = ::testing::UnitTest::GetInstance()->current_test_info())
      test = std::string(t->test_suite_name()) + "." + t->name();
    static unsigned serial = 0;
    return std::string(dir) + "/" + test + "." + cfg.name + "." + std::to_string(serial++) + ".fst";
  }

  void open_trace(const std::string& path, [[maybe_unused]] bool required) {
#if VM_TRACE_FST
    if constexpr (requires(V& v, VerilatedFstC* t) { v.trace(t, 99); }) {
      fst_ = std::make_unique<VerilatedFstC>();
      dut_->trace(fst_.get(), 99);
      fst_->open(path.c_str());
      return;
    }
#endif
    const std::string msg = name() + ": no FST trace (" + path +
                            "): the model is not verilated with TRACE (nicsim_verilate_block)";
    if (required) throw std::logic_error(msg);
    std::fprintf(stderr, "%s\n", msg.c_str());
  }

  void dump([[maybe_unused]] std::uint64_t t) {
#if VM_TRACE_FST
    if (fst_) fst_->dump(t);
#endif
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<V> dut_;
#if VM_TRACE_FST
  std::unique_ptr<VerilatedFstC> fst_;
#endif
};

/// An agent made of two functions (either may be empty): per-clock bench logic that must run
/// in the agents' order (a shared generator's draws) or between settle and rise.
class Hook : public Agent {
 public:
  Hook(HarnessBase& h, std::function<void()> drive, std::function<void()> sample = {})
      : Agent(h), drive_(std::move(drive)), sample_(std::move(sample)) {}
  void drive() override {
    if (drive_) drive_();
  }
  void sample() override {
    if (sample_) sample_();
  }

 private:
  std::function<void()> drive_, sample_;
};

}  // namespace nicsim::bench
