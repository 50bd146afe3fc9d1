// SPDX-License-Identifier: MIT
// The world a host test runs in: the HAL device the driver is given, and what a test needs
// besides it, the wire and time. The driver only ever sees device().
//
// Two backends run the same tests (testbenches/host/CMakeLists.txt):
//   model  ModelDevice, the golden model untimed: a frame is handled when wire_rx returns.
//   sim    NicSystem, the Verilated NIC in SystemC behind the PCIe link, with the scoreboard
//          (the golden model beside it) checking every wire frame and the counters at the end;
//          register accesses and interrupt waits run the simulation, wire_rx runs it until the
//          NIC is done with the frame.
// Both are configured like the Verilated NIC (sim/CMakeLists.txt NICSIM_NIC_RTL_PARAMS), at
// DATA_W=64.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "nicsim/host/driver/stats.hpp"
#include "nicsim/host/hal/device.hpp"
#include "nicsim/model/device/nic_device.hpp"
#include "nicsim/model/frame.hpp"

namespace nicsim::host::test {

class World {
 public:
  virtual ~World() = default;
  World() = default;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  [[nodiscard]] virtual Device& device() = 0;
  [[nodiscard]] virtual const char* backend() const = 0;
  /// A frame arrives from the wire; returns when the NIC has handled it (delivered to host
  /// memory, sent, or dropped).
  virtual void wire_rx(std::span<const std::uint8_t> frame) = 0;
  /// The next frame the NIC sent to the wire, after the NIC has finished what it was given.
  virtual std::optional<model::Frame> wire_tx() = 0;
  /// `cycles` NIC clocks pass.
  virtual void advance(std::uint64_t cycles) = 0;
  /// The PHY side reports `link` (docs/spec.md 12); returns when the NIC shows it in
  /// LINK_STATUS and has raised the link vector if enabled.
  virtual void set_link(const model::PhyLink& link) = 0;
  /// Returns when the NIC has finished what it was given (doorbells rung, frames sent): the
  /// host may look at its rings. Nothing to wait for in the untimed model.
  virtual void settle() = 0;
  /// The NIC's clock (ingress timestamps and last-seen times count it).
  [[nodiscard]] virtual std::uint64_t now() = 0;
  /// Wire frames discarded while the NIC was disabled, where the backend can see them (the
  /// register map has no counter for it).
  [[nodiscard]] virtual std::optional<std::uint64_t> wire_discards() = 0;
  /// The end of a test, after the NIC settled: what the driver read (`s`) agrees with the NIC's
  /// own view (model: its counters; sim: the scoreboard, no mismatch).
  virtual void check_end(const Stats& s) = 0;
};

/// The configuration of both backends: the Verilated NIC's parameters at DATA_W=64.
[[nodiscard]] model::DeviceConfig host_test_config();

/// The backend this test executable was built for.
[[nodiscard]] std::unique_ptr<World> make_world();
/// The golden model, whatever the backend: the reference a test compares a backend with.
[[nodiscard]] std::unique_ptr<World> make_model_world();

}  // namespace nicsim::host::test
