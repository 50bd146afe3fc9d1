// SPDX-License-Identifier: MIT
// The VNIC manager's database: one SQLite file (Debian's libsqlite3) holding the VNICs' current
// configuration, their permissions and the audit log (schema in docs/vnic.md, versioned by
// PRAGMA user_version). The manager is its only writer: the file is opened in exclusive locking
// mode, so a second manager on the same file gets a clear error instead of a diverging copy.
//
// Every SQLite failure is a VnicError(kDatabase) naming the file, what was being done and
// SQLite's message (a file that is not a database, a corrupt page, a read-only or missing
// directory, a schema written by a newer manager); nothing is retried silently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nicsim/host/vnic/request.hpp"

struct sqlite3;

namespace nicsim::host::vnic {

/// A VNIC's configuration as the tenant's accepted requests made it.
struct VnicState {
  unsigned vport = 0;  // the VNIC's id: its vport on the NIC (1..NUM_VNIC)
  std::string tenant;  // the VM or container that owns it
  std::optional<MacAddr> mac;
  bool promiscuous = false;
  std::set<std::uint16_t> vids;
  std::set<MacAddr> groups;
  std::uint64_t rate = 0;  // transmit bytes/s, 0 = unlimited
  unsigned queues = 1;
  std::uint32_t mtu = 0;  // the tenant's MTU; 0 = the physical NIC's (docs/vnic.md "Traits")

  friend bool operator==(const VnicState&, const VnicState&) = default;
};

class VnicStore {
 public:
  static constexpr int kSchemaVersion = 2;

  /// Opens (creating it when absent) the database at `path` and brings its schema to
  /// kSchemaVersion; checks the file's integrity (PRAGMA quick_check). VnicError(kDatabase)
  /// when it cannot.
  explicit VnicStore(const std::string& path);
  VnicStore(const VnicStore&) = delete;
  VnicStore& operator=(const VnicStore&) = delete;
  ~VnicStore();

  [[nodiscard]] const std::string& path() const { return path_; }

  [[nodiscard]] std::map<unsigned, VnicState> load_vnics();
  [[nodiscard]] std::optional<VnicState> load_vnic(unsigned vport);
  [[nodiscard]] std::optional<Permissions> load_permissions(unsigned vport);
  /// Inserts or replaces the VNIC's row, VLANs and groups.
  void save_vnic(const VnicState& s);
  void save_permissions(unsigned vport, const Permissions& p);
  /// The VNIC with its VLANs, groups and permissions (the audit log keeps its rows).
  void delete_vnic(unsigned vport);

  /// A NIC-wide setting of the manager ("nic_mtu"); nullopt when never saved.
  [[nodiscard]] std::optional<std::int64_t> load_setting(const std::string& name);
  void save_setting(const std::string& name, std::int64_t value);

  /// Appends an audit row; returns its id.
  std::int64_t audit(const std::string& tenant, unsigned vnic, const std::string& request,
                     const std::string& value, Verdict verdict, const std::string& reason);
  [[nodiscard]] std::vector<AuditRow> audit_rows(const AuditFilter& f = {});

  /// BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed without commit().
  class Transaction {
   public:
    explicit Transaction(VnicStore& s);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();
    void rollback();

   private:
    VnicStore* s_;
    bool open_ = true;
  };

  // Used by the implementation's statement helper.
  [[noreturn]] void fail(const std::string& doing) const;
  [[nodiscard]] sqlite3* handle() const { return db_; }
  void exec(const char* sql, const char* doing);

 private:
  void migrate();

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace nicsim::host::vnic
