// SPDX-License-Identifier: MIT
// Live migration across hosts (docs/vswitch-migration.md): the orchestrator of a VM's move. The
// new CA-to-PA mapping (and the valid PAs that go with it) is pushed to every host's switch as
// an inactive shadow policy while the VM's memory is copied (stage), then made the policy on
// every host in one step when the move completes (activate): each host's generation flips once
// and its offloaded flows toward the old PA are replaced in one batch.
//
//   Migration m({&sw_a, &sw_b, &sw_c});
//   m.stage_mapping(7, vnet, vm_ca, {pa_c, vm_mac});   // every host; no decision changes
//   m.stage_valid_pa(7, vnet, pa_c, true);
//   ... the VM's VNIC moves from B to C ...
//   m.activate(7);                                     // every host flips, nothing in between
//
// Atomicity is the caller's clock's: activate() flips the hosts one after another without
// returning, so no packet is processed by any switch between the first flip and the last.
// Every host is checked before any is changed: a refused stage or activation changes nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "nicsim/host/vswitch/switch.hpp"

namespace nicsim::host::vswitch {

class Migration {
 public:
  /// The hosts' switches (every host of the VNETs the migrations touch; not owned).
  explicit Migration(std::vector<Switch*> hosts);

  /// Pipeline::stage_mapping() on every host; MigrationError (nothing staged) when any refuses.
  void stage_mapping(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& ca,
                     const CaPaMapping& m);
  /// Pipeline::stage_valid_pa() on every host, likewise.
  void stage_valid_pa(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& pa,
                      bool valid);
  /// Switch::activate() on every host, all checked first; returns the offloaded flows replaced
  /// or removed on all hosts together.
  std::size_t activate(std::uint32_t migration);
  /// Drops the migration's shadow on every host; false when no host had anything staged.
  bool abort(std::uint32_t migration);

 private:
  std::vector<Switch*> hosts_;
};

}  // namespace nicsim::host::vswitch
