// SPDX-License-Identifier: MIT
// AXI4 signal bundles as plain values, and the adapter between them and a Verilated model.
//
// AxiM2S holds what a master drives (AW, W, AR payloads and valids, bready, rready), AxiS2M
// what a slave drives. Data buses up to 512 bits are byte arrays (byte i = bits 8i+7..8i), so
// the same code serves a model whose data port is a QData (64 bits) or a VlWide (512 bits).
//
// Binding a model: NICSIM_AXI_PORT(Name, prefix_) defines a struct Name with
//   template <class V> static void sample(const V&, AxiM2S&);   // read the master's outputs
//   template <class V> static void drive(V&, const AxiS2M&);    // write the slave's outputs
// for the signals prefix_awid ... prefix_rready of any model V (DUT as AXI master), e.g.
//   NICSIM_AXI_PORT(DmaAxi, m_axi_);
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "nicsim/sim/bits.hpp"

namespace nicsim::axi {

inline constexpr unsigned kMaxDataBytes = 64;
using DataBytes = std::array<std::uint8_t, kMaxDataBytes>;

struct AxiM2S {
  // AW
  bool awvalid = false;
  std::uint32_t awid = 0;
  std::uint64_t awaddr = 0;
  std::uint32_t awlen = 0, awsize = 0, awburst = 0, awcache = 0, awprot = 0;
  // W
  bool wvalid = false;
  DataBytes wdata{};
  std::uint64_t wstrb = 0;
  bool wlast = false;
  // B
  bool bready = false;
  // AR
  bool arvalid = false;
  std::uint32_t arid = 0;
  std::uint64_t araddr = 0;
  std::uint32_t arlen = 0, arsize = 0, arburst = 0, arcache = 0, arprot = 0;
  // R
  bool rready = false;
};

struct AxiS2M {
  bool awready = false;
  bool wready = false;
  bool bvalid = false;
  std::uint32_t bid = 0, bresp = 0;
  bool arready = false;
  bool rvalid = false;
  std::uint32_t rid = 0, rresp = 0;
  DataBytes rdata{};
  bool rlast = false;
};

inline constexpr std::uint32_t kRespOkay = 0, kRespExokay = 1, kRespSlverr = 2,
                               kRespDecerr = 3;
inline constexpr std::uint32_t kBurstFixed = 0, kBurstIncr = 1, kBurstWrap = 2;

// A data signal (at most kMaxDataBytes) to / from a byte array, byte i in bits [8i +: 8].
template <class T>
void get_data(const T& sig, DataBytes& out) {
  bench::get_bytes(sig, 0, std::span<std::uint8_t>(out.data(), bench::sig_bytes<T>()));
}
template <class T>
void put_data(T& sig, const DataBytes& in) {
  bench::put_bytes(sig, 0, std::span<const std::uint8_t>(in.data(), bench::sig_bytes<T>()));
}

}  // namespace nicsim::axi

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define NICSIM_AXI_PORT(Name, P)                                                              \
  struct Name {                                                                               \
    template <class V>                                                                        \
    static void sample(const V& m, ::nicsim::axi::AxiM2S& o) {                                \
      o.awvalid = m.P##awvalid != 0;                                                          \
      o.awid = static_cast<std::uint32_t>(m.P##awid);                                         \
      o.awaddr = static_cast<std::uint64_t>(m.P##awaddr);                                     \
      o.awlen = static_cast<std::uint32_t>(m.P##awlen);                                       \
      o.awsize = static_cast<std::uint32_t>(m.P##awsize);                                     \
      o.awburst = static_cast<std::uint32_t>(m.P##awburst);                                   \
      o.awcache = static_cast<std::uint32_t>(m.P##awcache);                                   \
      o.awprot = static_cast<std::uint32_t>(m.P##awprot);                                     \
      o.wvalid = m.P##wvalid != 0;                                                            \
      ::nicsim::axi::get_data(m.P##wdata, o.wdata);                                           \
      o.wstrb = static_cast<std::uint64_t>(m.P##wstrb);                                       \
      o.wlast = m.P##wlast != 0;                                                              \
      o.bready = m.P##bready != 0;                                                            \
      o.arvalid = m.P##arvalid != 0;                                                          \
      o.arid = static_cast<std::uint32_t>(m.P##arid);                                         \
      o.araddr = static_cast<std::uint64_t>(m.P##araddr);                                     \
      o.arlen = static_cast<std::uint32_t>(m.P##arlen);                                       \
      o.arsize = static_cast<std::uint32_t>(m.P##arsize);                                     \
      o.arburst = static_cast<std::uint32_t>(m.P##arburst);                                   \
      o.arcache = static_cast<std::uint32_t>(m.P##arcache);                                   \
      o.arprot = static_cast<std::uint32_t>(m.P##arprot);                                     \
      o.rready = m.P##rready != 0;                                                            \
    }                                                                                         \
    template <class V>                                                                        \
    static void drive(V& m, const ::nicsim::axi::AxiS2M& s) {                                 \
      m.P##awready = s.awready;                                                               \
      m.P##wready = s.wready;                                                                 \
      m.P##bvalid = s.bvalid;                                                                 \
      m.P##bid = static_cast<std::remove_reference_t<decltype(m.P##bid)>>(s.bid);             \
      m.P##bresp = static_cast<std::remove_reference_t<decltype(m.P##bresp)>>(s.bresp);       \
      m.P##arready = s.arready;                                                               \
      m.P##rvalid = s.rvalid;                                                                 \
      m.P##rid = static_cast<std::remove_reference_t<decltype(m.P##rid)>>(s.rid);             \
      m.P##rresp = static_cast<std::remove_reference_t<decltype(m.P##rresp)>>(s.rresp);       \
      ::nicsim::axi::put_data(m.P##rdata, s.rdata);                                           \
      m.P##rlast = s.rlast;                                                                   \
    }                                                                                         \
    template <class V>                                                                        \
    static constexpr unsigned data_bytes() {                                                  \
      return ::nicsim::bench::sig_bytes<                                                      \
          std::remove_reference_t<decltype(std::declval<V&>().P##wdata)>>();                  \
    }                                                                                         \
  }
// NOLINTEND(cppcoreguidelines-macro-usage)
