// SPDX-License-Identifier: MIT
#include "nicsim/host/vswitch/migration.hpp"

#include <string>
#include <utility>

namespace nicsim::host::vswitch {

Migration::Migration(std::vector<Switch*> hosts) : hosts_(std::move(hosts)) {
  for (const Switch* s : hosts_) {
    if (s == nullptr) throw MigrationError("a migration's host list holds a null switch");
  }
}

void Migration::stage_mapping(std::uint32_t migration, std::uint32_t vnet,
                              const model::IpAddr& ca, const CaPaMapping& m) {
  for (Switch* s : hosts_) s->policy().check_stage(migration, vnet, ca);
  for (Switch* s : hosts_) s->policy().stage_mapping(migration, vnet, ca, m);
}

void Migration::stage_valid_pa(std::uint32_t migration, std::uint32_t vnet,
                               const model::IpAddr& pa, bool valid) {
  for (Switch* s : hosts_) s->policy().check_migration(migration, vnet);
  for (Switch* s : hosts_) s->policy().stage_valid_pa(migration, vnet, pa, valid);
}

std::size_t Migration::activate(std::uint32_t migration) {
  for (Switch* s : hosts_) s->policy().check_activate(migration);
  std::size_t changed = 0;
  for (Switch* s : hosts_) changed += s->activate(migration);
  return changed;
}

bool Migration::abort(std::uint32_t migration) {
  for (Switch* s : hosts_) {
    if (s->policy().activated(migration)) {
      throw MigrationError("migration " + std::to_string(migration) +
                           " was activated: it cannot be aborted");
    }
  }
  bool any = false;
  for (Switch* s : hosts_) any = s->policy().abort(migration) || any;
  return any;
}

}  // namespace nicsim::host::vswitch
