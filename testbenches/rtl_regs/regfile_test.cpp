// SPDX-License-Identifier: MIT
// rtl_regs: the generated register file nic_regfile (NUM_RXQ=4, NUM_TXQ=4, NUM_VNIC=2) over
// AXI4-Lite with random stalls (valid delays, AW/W skew, bready/rready pauses) and the
// AxiLiteChecker on every clock. Every register of the map, and where it sits in the
// reg2hw/hw2reg port structs, comes from the generated table nic_regfile_ports.hpp, so a
// change to rtl/regs.yaml is covered without touching this file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "Vnic_regfile_small.h"
#include "common/axil_driver.hpp"
#include "common/harness.hpp"
#include "nic_regfile_ports.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace {

namespace rf = nicsim::regs::regfile;
using rf::Access;

constexpr rf::Counts kCounts{.excq = 1, .vnic = 2, .rxq = 4, .txq = 4};

struct Strobe {
  std::string name;    // block.REG
  std::uint64_t data;  // w1/wo: the word written (q); rw: the register's value (q)
  std::uint32_t idx;   // the element
};

std::uint32_t merge(std::uint32_t old, std::uint32_t data, unsigned strb) {
  std::uint32_t r = old;
  for (unsigned i = 0; i < 4; ++i)
    if ((strb >> i) & 1u) r = (r & ~(0xFFu << (8 * i))) | (data & (0xFFu << (8 * i)));
  return r;
}
std::uint32_t lanes(std::uint32_t data, unsigned strb) { return merge(0, data, strb); }

class Bench {
 public:
  explicit Bench(std::uint32_t seed)
      : h_({.name = "nic_regfile"}), regs_(rf::registers(h_.dut(), kCounts)), rng_(seed),
        drv_(h_, rng_) {
    h_.reset(4, 1);
    strobes_.clear();
  }

  Vnic_regfile_small& m() { return h_.dut(); }
  std::vector<rf::Register>& regs() { return regs_; }
  std::vector<Strobe>& strobes() { return strobes_; }
  std::mt19937& rng() { return rng_; }
  std::uint64_t cycle() const { return h_.cycle(); }
  void set_stalls(bool on) { drv_.set_stalls(on); }
  // Called before every clock's evaluation (inputs that change while traffic runs).
  std::function<void(std::uint64_t)> on_cycle;

  // One clock: settle, sample the strobes, check the AXI rules (the driver), rising edge.
  void step() { h_.tick(); }

  void write(std::uint32_t addr, std::uint32_t data, unsigned strb = 0xF) {
    drv_.write(addr, data, strb);
  }
  std::uint32_t read(std::uint32_t addr) { return drv_.read(addr); }

  unsigned rand(unsigned lo, unsigned hi) {
    return std::uniform_int_distribution<unsigned>(lo, hi)(rng_);
  }
  std::uint32_t rand32() { return static_cast<std::uint32_t>(rng_()); }

 private:
  void sample_strobes() {
    for (const auto& r : regs_) {
      if (!r.qe) continue;
      for (unsigned e = 0; e < r.map_elements; ++e) {
        if (r.qe.get(e) != 0) {
          strobes_.push_back({std::string(r.block) + "." + r.name,
                              r.wdata ? r.wdata.get(0) : r.value.get(e * r.words), e});
        }
      }
    }
  }

  nicsim::bench::Harness<Vnic_regfile_small> h_;
  std::vector<rf::Register> regs_;
  std::mt19937 rng_;
  std::vector<Strobe> strobes_;
  nicsim::bench::Hook hook_{h_, [this] { if (on_cycle) on_cycle(h_.cycle()); },
                            [this] { sample_strobes(); }};
  nicsim::axi::AxiLiteDriver<Vnic_regfile_small> drv_;
};

// One 32-bit word of the map: register, element, word (64-bit: 0 = _LO, 1 = _HI).
struct Word {
  rf::Register* reg;
  unsigned elem;
  unsigned word;
  std::uint32_t addr;
  bool built() const { return elem < reg->elements; }
  // The entry of the register in the port structs, and the word's place in it.
  unsigned entry() const { return elem * reg->words + (reg->width == 64 ? 0 : word); }
  unsigned shift() const { return reg->width == 64 ? 32 * word : 0; }
  // The word in the port struct (rw: reg2hw q; ro: hw2reg d).
  std::uint32_t port() const { return static_cast<std::uint32_t>(reg->value.get(entry()) >> shift()); }
  std::uint32_t keep() const {
    return static_cast<std::uint32_t>(reg->width == 64 ? (reg->keep >> (32 * word)) : reg->keep);
  }
  std::uint32_t reset() const {
    return static_cast<std::uint32_t>(reg->width == 64 ? (reg->reset >> (32 * word)) : reg->reset) &
           keep();
  }
  std::string name() const {
    std::string s = std::string(reg->block) + "." + reg->name;
    if (reg->map_elements > 1) s += "#" + std::to_string(elem);
    if (reg->width == 64) s += word ? "_HI" : "_LO";
    else if (reg->words > 1) s += "[" + std::to_string(word) + "]";
    return s;
  }
};

std::vector<Word> all_words(std::vector<rf::Register>& regs) {
  std::vector<Word> out;
  for (auto& r : regs) {
    const unsigned nw = r.width == 64 ? 2 : r.words;
    for (unsigned e = 0; e < r.map_elements; ++e)
      for (unsigned w = 0; w < nw; ++w) out.push_back({&r, e, w, r.addr + e * r.stride + 4 * w});
  }
  return out;
}

nicsim::model::DeviceConfig model_config() {
  nicsim::model::DeviceConfig c;
  c.num_rxq = kCounts.rxq;
  c.num_txq = kCounts.txq;
  c.pipeline.num_vnic = static_cast<std::uint8_t>(kCounts.vnic);
  return c;
}

// Give every ro input a distinct random value (every element of the map: those beyond the
// counts must be ignored).
void randomize_ro(Bench& b) {
  for (auto& r : b.regs())
    if (r.access == Access::kRo)
      for (unsigned k = 0; k < r.map_elements * r.words; ++k)
        r.value.set(k, (std::uint64_t{b.rand32()} << 32) | b.rand32());
}

TEST(RtlRegs, ChainOfBlocksFromTheMap) {
  Bench b(1);
  nicsim::model::HostMemory mem;
  nicsim::model::NicDevice dev(model_config(), mem);
  std::uint32_t addr = 0;
  std::size_t n = 0;
  do {
    ASSERT_LT(n, rf::kBlocks.size());
    const auto& blk = rf::kBlocks[n];
    EXPECT_EQ(addr, blk.base);
    EXPECT_EQ(b.read(addr + nicsim::regs::BLOCK_ID), blk.tag) << blk.name;
    EXPECT_EQ(b.read(addr + nicsim::regs::BLOCK_VERSION), blk.version) << blk.name;
    EXPECT_EQ(dev.read32(addr + nicsim::regs::BLOCK_ID), blk.tag) << blk.name;
    const std::uint32_t next = b.read(addr + nicsim::regs::BLOCK_NEXT);
    EXPECT_EQ(next, dev.read32(addr + nicsim::regs::BLOCK_NEXT)) << blk.name;
    addr = next;
    ++n;
  } while (addr != 0);
  EXPECT_EQ(n, rf::kBlocks.size());
  EXPECT_EQ(rf::kBlocks.size(), nicsim::regs::kBlocks.size());
}

TEST(RtlRegs, ResetValuesAndReadOnlyInputs) {
  Bench b(2);
  nicsim::model::HostMemory mem;
  nicsim::model::NicDevice dev(model_config(), mem);
  randomize_ro(b);
  for (Word& w : all_words(b.regs())) {
    const std::uint32_t got = b.read(w.addr);
    std::uint32_t want = 0;
    if (w.built() && w.reg->access == Access::kRw) want = w.reset();
    if (w.built() && w.reg->access == Access::kRo) want = w.port();
    EXPECT_EQ(got, want) << w.name();
    if (w.reg->access == Access::kRw) {
      EXPECT_EQ(got, dev.read32(w.addr)) << w.name() << " (model)";
      EXPECT_EQ(w.port(), want) << w.name() << " (reg2hw)";
    }
  }
  EXPECT_TRUE(b.strobes().empty());
}

TEST(RtlRegs, WriteReadBackKeptBitsAndStrobes) {
  Bench b(3);
  nicsim::model::HostMemory mem;
  nicsim::model::NicDevice dev(model_config(), mem);
  randomize_ro(b);
  std::map<std::uint32_t, std::uint32_t> shadow;  // rw words
  auto words = all_words(b.regs());
  for (auto& w : words)
    if (w.reg->access == Access::kRw) shadow[w.addr] = w.built() ? w.reset() : 0;
  for (int pass = 0; pass < 2; ++pass) {
    std::shuffle(words.begin(), words.end(), b.rng());
    for (Word& w : words) {
      const std::uint32_t data = b.rand32();
      const unsigned strb = b.rand(0, 3) == 0 ? b.rand(0, 15) : 0xF;
      b.strobes().clear();
      b.write(w.addr, data, strb);
      const bool rw = w.reg->access == Access::kRw;
      const bool cmd = w.reg->access == Access::kW1 || w.reg->access == Access::kWo;
      std::uint32_t stored = 0;
      const std::uint32_t old = rw ? shadow[w.addr] : 0;
      if (rw && w.built()) {
        stored = merge(shadow[w.addr], data, strb) & w.keep();
        // clear_on: registers cleared by a 0 -> 1 of a field of this one
        for (auto& w2 : words) {
          if (w2.reg->clear_reg && w2.elem == w.elem && w2.reg->block == w.reg->block &&
              std::string(w2.reg->clear_reg) == w.reg->name && w2.built() &&
              (shadow[w.addr] & w2.reg->clear_mask) == 0 && (stored & w2.reg->clear_mask) != 0)
            shadow[w2.addr] = w2.reset();
        }
        shadow[w.addr] = stored;
      }
      // The model: rw writes (same value; commands are not sent, their engines are elsewhere).
      if (rw) dev.write32(w.addr, w.built() ? merge(old, data, strb) : data);
      // Strobes: one, of this register, for built elements only.
      const bool want_strobe = w.built() && (cmd || (rw && w.reg->strobe));
      if (want_strobe) {
        ASSERT_EQ(b.strobes().size(), 1u) << w.name();
        const Strobe& s = b.strobes()[0];
        EXPECT_EQ(s.name, std::string(w.reg->block) + "." + w.reg->name) << w.name();
        EXPECT_EQ(static_cast<std::uint32_t>(s.data >> w.shift()),
                  cmd ? lanes(data, strb) : stored) << w.name();
        EXPECT_EQ(s.idx, w.elem) << w.name();
      } else {
        EXPECT_TRUE(b.strobes().empty()) << w.name() << ": " << b.strobes().size() << " strobe(s)";
      }
      // Move the 64-bit latch elsewhere (a _HI word reads live after another _LO read).
      (void)b.read(nicsim::regs::nic::CYCLES_LO_ADDR);
      (void)dev.read32(nicsim::regs::nic::CYCLES_LO_ADDR);
      const std::uint32_t got = b.read(w.addr);
      if (rw) {
        EXPECT_EQ(got, shadow[w.addr]) << w.name();
        EXPECT_EQ(got, dev.read32(w.addr)) << w.name() << " (model)";
        EXPECT_EQ(w.port(), got) << w.name() << " (reg2hw)";  // 0 beyond the counts
      } else if (w.reg->access == Access::kRo) {
        EXPECT_EQ(got, w.built() ? w.port() : 0u) << w.name() << " (ro)";
      } else {
        EXPECT_EQ(got, 0u) << w.name() << " (w1 reads 0)";
      }
    }
  }
  // Every rw word once more, against the shadow (nothing written elsewhere by mistake).
  for (auto& w : words)
    if (w.reg->access == Access::kRw) {
      EXPECT_EQ(b.read(w.addr), shadow[w.addr]) << w.name();
    }
}

TEST(RtlRegs, ClearOnEnableEdge) {
  Bench b(4);
  nicsim::model::HostMemory mem;
  nicsim::model::NicDevice dev(model_config(), mem);
  auto words = all_words(b.regs());
  unsigned checked = 0;
  for (auto& w : words) {
    if (!w.reg->clear_reg || !w.built()) continue;
    const Word* ctrl = nullptr;
    for (auto& c : words)
      if (c.reg->block == w.reg->block && std::string(c.reg->name) == w.reg->clear_reg &&
          c.elem == w.elem)
        ctrl = &c;
    ASSERT_NE(ctrl, nullptr) << w.name();
    for (auto* bus : {static_cast<void*>(&b), static_cast<void*>(&dev)}) {
      auto wr = [&](std::uint32_t a, std::uint32_t v) {
        if (bus == &b) b.write(a, v); else dev.write32(a, v);
      };
      auto rd = [&](std::uint32_t a) { return bus == &b ? b.read(a) : dev.read32(a); };
      const std::string who = w.name() + (bus == &b ? " (rtl)" : " (model)");
      wr(ctrl->addr, 0);
      wr(w.addr, 0x1234);
      wr(ctrl->addr, w.reg->clear_mask);  // 0 -> 1: cleared
      EXPECT_EQ(rd(w.addr), w.reset()) << who;
      wr(w.addr, 0x4321);
      wr(ctrl->addr, w.reg->clear_mask);  // 1 -> 1: kept
      EXPECT_EQ(rd(w.addr), 0x4321u & w.keep()) << who;
      wr(ctrl->addr, 0);                  // 1 -> 0: kept
      EXPECT_EQ(rd(w.addr), 0x4321u & w.keep()) << who;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

TEST(RtlRegs, HardwareWrites) {
  Bench b(5);
  unsigned checked = 0;
  for (Word& w : all_words(b.regs())) {
    if (!w.reg->hw_write || !w.built()) continue;
    const unsigned k = w.entry();
    const std::uint32_t v = b.rand32();
    // A one-clock hardware write (of this word; a 64-bit register keeps its other half).
    const std::uint64_t half = std::uint64_t{0xFFFF'FFFFu} << w.shift();
    w.reg->hw_wdata.set(k, (w.reg->value.get(k) & ~half) | (std::uint64_t{v} << w.shift()));
    w.reg->hw_we.set(k, 1);
    b.step();
    w.reg->hw_we.set(k, 0);
    EXPECT_EQ(b.read(w.addr), v & w.keep()) << w.name();
    EXPECT_EQ(w.port(), v & w.keep()) << w.name();
    // Held during a bus write: the hardware write wins.
    w.reg->hw_we.set(k, 1);
    b.write(w.addr, ~v);
    w.reg->hw_we.set(k, 0);
    EXPECT_EQ(b.read(w.addr), v & w.keep()) << w.name() << " (hw wins)";
    b.write(w.addr, ~v);
    EXPECT_EQ(b.read(w.addr), ~v & w.keep()) << w.name() << " (bus)";
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

TEST(RtlRegs, Latch64) {
  Bench b(6);
  nicsim::model::HostMemory mem;
  nicsim::model::NicDevice dev(model_config(), mem);
  std::vector<Word> lo;
  for (Word& w : all_words(b.regs()))
    if (w.reg->width == 64 && w.word == 0 && w.built()) lo.push_back(w);
  ASSERT_GE(lo.size(), 2u);
  for (int it = 0; it < 60; ++it) {
    Word a = lo[b.rand(0, static_cast<unsigned>(lo.size() - 1))];
    Word c = lo[b.rand(0, static_cast<unsigned>(lo.size() - 1))];
    if (a.addr == c.addr) continue;
    const std::string who = a.name() + "/" + c.name();
    // Live value of a 64-bit register (ro: input; rw: written over the bus, both halves).
    auto set = [&](Word& w, std::uint64_t v) {
      if (w.reg->access == Access::kRo) {
        w.reg->value.set(w.elem, v);
      } else {
        b.write(w.addr, static_cast<std::uint32_t>(v));
        b.write(w.addr + 4, static_cast<std::uint32_t>(v >> 32));
        dev.write32(w.addr, static_cast<std::uint32_t>(v));
        dev.write32(w.addr + 4, static_cast<std::uint32_t>(v >> 32));
      }
    };
    const std::uint64_t x = (std::uint64_t{b.rand32()} << 32) | b.rand32();
    const std::uint64_t y = (std::uint64_t{b.rand32()} << 32) | b.rand32();
    const std::uint64_t z = (std::uint64_t{b.rand32()} << 32) | b.rand32();
    set(a, x);
    set(c, z);
    EXPECT_EQ(b.read(a.addr), static_cast<std::uint32_t>(x)) << who;
    set(a, y);  // changes after the _LO read
    EXPECT_EQ(b.read(a.addr + 4), static_cast<std::uint32_t>(x >> 32)) << who << " latched";
    EXPECT_EQ(b.read(c.addr + 4), static_cast<std::uint32_t>(z >> 32)) << who << " other _HI live";
    EXPECT_EQ(b.read(a.addr + 4), static_cast<std::uint32_t>(x >> 32)) << who << " still latched";
    EXPECT_EQ(b.read(c.addr), static_cast<std::uint32_t>(z)) << who;  // a new _LO read
    EXPECT_EQ(b.read(a.addr + 4), static_cast<std::uint32_t>(y >> 32)) << who << " live again";
    if (a.reg->access == Access::kRw && c.reg->access == Access::kRw) {
      // The model agrees on the same sequence (rw registers only: ro values are its own).
      set(a, x);
      EXPECT_EQ(dev.read32(a.addr), static_cast<std::uint32_t>(x));
      set(a, y);
      EXPECT_EQ(dev.read32(a.addr + 4), static_cast<std::uint32_t>(x >> 32)) << who << " (model)";
      EXPECT_EQ(dev.read32(c.addr), static_cast<std::uint32_t>(z));
      EXPECT_EQ(dev.read32(a.addr + 4), static_cast<std::uint32_t>(y >> 32)) << who << " (model)";
    }
  }
}

TEST(RtlRegs, CountersReadableWhileTheyRun) {
  // NIC CYCLES and a counter change every clock (across a 32-bit carry): a _LO then _HI read
  // pair with random stalls is one consistent value taken during the _LO read.
  Bench b(7);
  rf::Register* cyc = nullptr;
  rf::Register* frames = nullptr;
  for (auto& r : b.regs()) {
    if (std::string(r.block) == "nic" && std::string(r.name) == "CYCLES") cyc = &r;
    if (std::string(r.block) == "counters" && std::string(r.name) == "RX_WIRE_FRAMES") frames = &r;
  }
  ASSERT_NE(cyc, nullptr);
  ASSERT_NE(frames, nullptr);
  const std::uint64_t base = 0xFFFF'FF00ull;
  b.on_cycle = [&](std::uint64_t c) {
    cyc->value.set(0, base + c);
    frames->value.set(0, (base + c) * 3);
  };
  for (int i = 0; i < 200; ++i) {
    rf::Register* r = (i % 2) ? cyc : frames;
    const std::uint64_t c0 = b.cycle();
    const std::uint32_t lo = b.read(r->addr);
    const std::uint32_t hi = b.read(r->addr + 4);
    const std::uint64_t c1 = b.cycle();
    const std::uint64_t v = (std::uint64_t{hi} << 32) | lo;
    const std::uint64_t k = (r == cyc) ? 1 : 3;
    EXPECT_EQ(v % k, base * k % k);
    EXPECT_GE(v, (base + c0) * k) << r->name;
    EXPECT_LE(v, (base + c1) * k) << r->name;
  }
}

TEST(RtlRegs, UnmappedAndBeyondTheCounts) {
  Bench b(8);
  randomize_ro(b);
  std::set<std::uint32_t> mapped;
  for (const auto& blk : rf::kBlocks)
    for (std::uint32_t o : {0u, 4u, 8u}) mapped.insert(blk.base + o);
  auto words = all_words(b.regs());
  for (auto& w : words)
    if (w.built()) mapped.insert(w.addr);
  // Snapshot of every rw output (every element of the map).
  auto outputs = [&] {
    std::vector<std::uint64_t> v;
    for (auto& r : b.regs())
      if (r.access == Access::kRw)
        for (unsigned k = 0; k < r.map_elements * r.words; ++k) v.push_back(r.value.get(k));
    return v;
  };
  const auto before = outputs();
  unsigned n = 0;
  for (std::uint32_t addr = 0; addr < (1u << nicsim::regs::kAddressWidth); addr += 4) {
    if (mapped.count(addr)) continue;
    // Every word of the elements beyond the counts, and a sample of the rest.
    bool beyond = false;
    for (auto& w : words)
      if (w.addr == addr && !w.built()) beyond = true;
    if (!beyond && b.rand(0, 15) != 0) continue;
    b.write(addr | b.rand(0, 3), b.rand32(), 0xF);
    EXPECT_EQ(b.read(addr), 0u) << std::hex << "0x" << addr;
    ++n;
  }
  EXPECT_TRUE(b.strobes().empty());
  EXPECT_EQ(outputs(), before);
  EXPECT_GT(n, 1000u);
}

TEST(RtlRegs, ByteOffsetIgnored) {
  Bench b(9);
  for (auto& r : b.regs()) {
    if (std::string(r.block) != "nic" || std::string(r.name) != "SCRATCH") continue;
    b.write(r.addr + 3, 0xCAFE'F00D);
    EXPECT_EQ(b.read(r.addr + 2), 0xCAFE'F00Du);
    return;
  }
  FAIL() << "no nic.SCRATCH";
}

}  // namespace
