// SPDX-License-Identifier: MIT
#include "nicsim/host/vnic/store.hpp"

#include <sqlite3.h>

#include <utility>

namespace nicsim::host::vnic {

namespace {

/// Schema version 1 (docs/vnic.md). MACs as text ("02:00:00:00:00:11") so that the file reads
/// well in the sqlite3 shell; rates in bytes/s.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE vnic (
  vport       INTEGER PRIMARY KEY CHECK (vport BETWEEN 1 AND 254),
  tenant      TEXT    NOT NULL CHECK (tenant <> ''),
  mac         TEXT,
  promiscuous INTEGER NOT NULL DEFAULT 0 CHECK (promiscuous IN (0, 1)),
  rate        INTEGER NOT NULL DEFAULT 0 CHECK (rate >= 0),
  queues      INTEGER NOT NULL DEFAULT 1 CHECK (queues >= 1)
);
CREATE TABLE vnic_vlan (
  vport INTEGER NOT NULL REFERENCES vnic (vport) ON DELETE CASCADE,
  vid   INTEGER NOT NULL CHECK (vid BETWEEN 1 AND 4094),
  PRIMARY KEY (vport, vid)
);
CREATE TABLE vnic_group (
  vport INTEGER NOT NULL REFERENCES vnic (vport) ON DELETE CASCADE,
  mac   TEXT    NOT NULL,
  PRIMARY KEY (vport, mac)
);
CREATE TABLE permission (
  vport       INTEGER PRIMARY KEY REFERENCES vnic (vport) ON DELETE CASCADE,
  any_mac     INTEGER NOT NULL CHECK (any_mac IN (0, 1)),
  promiscuous INTEGER NOT NULL CHECK (promiscuous IN (0, 1)),
  max_groups  INTEGER NOT NULL CHECK (max_groups >= 0),
  max_rate    INTEGER NOT NULL CHECK (max_rate >= 0),
  max_queues  INTEGER NOT NULL CHECK (max_queues >= 1)
);
CREATE TABLE permission_mac (
  vport INTEGER NOT NULL REFERENCES permission (vport) ON DELETE CASCADE,
  mac   TEXT    NOT NULL,
  PRIMARY KEY (vport, mac)
);
CREATE TABLE permission_vlan (
  vport INTEGER NOT NULL REFERENCES permission (vport) ON DELETE CASCADE,
  vid   INTEGER NOT NULL CHECK (vid BETWEEN 1 AND 4094),
  PRIMARY KEY (vport, vid)
);
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  time     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  tenant   TEXT    NOT NULL,
  vnic     INTEGER NOT NULL,
  request  TEXT    NOT NULL,
  value    TEXT    NOT NULL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  verdict  TEXT    NOT NULL,
  reason   TEXT    NOT NULL
);
CREATE INDEX audit_by_tenant ON audit (tenant, id);
CREATE INDEX audit_by_vnic ON audit (vnic, id);
PRAGMA user_version = 1;
)sql";

// Version 2: the VNIC's own MTU (0: the physical NIC's) and the manager's NIC-wide settings
// (the physical MTU the administrator set: "nic_mtu").
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE vnic ADD COLUMN mtu INTEGER NOT NULL DEFAULT 0 CHECK (mtu >= 0);
CREATE TABLE setting (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
PRAGMA user_version = 2;
)sql";

/// A prepared statement; errors through the store's fail().
class Stmt {
 public:
  Stmt(const VnicStore& s, const char* sql, const char* doing) : s_(s), doing_(doing) {
    if (sqlite3_prepare_v2(s.handle(), sql, -1, &st_, nullptr) != SQLITE_OK) s_.fail(doing_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(st_); }

  Stmt& bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) s_.fail(doing_);
    return *this;
  }
  Stmt& bind(int i, const std::string& v) {
    if (sqlite3_bind_text(st_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
      s_.fail(doing_);
    }
    return *this;
  }
  Stmt& bind_null(int i) {
    if (sqlite3_bind_null(st_, i) != SQLITE_OK) s_.fail(doing_);
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    s_.fail(doing_);
  }
  void run() {
    while (step()) {
    }
  }
  [[nodiscard]] std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
  [[nodiscard]] bool is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  [[nodiscard]] std::string text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  }

 private:
  const VnicStore& s_;
  const char* doing_;
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace

[[noreturn]] void VnicStore::fail(const std::string& doing) const {
  const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
  const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
  const std::string str = sqlite3_errstr(code);
  std::string what = "database '" + path_ + "': " + doing + ": " + msg;
  if (str != msg) what += " (" + str + ")";
  what += " [SQLite code " + std::to_string(code) + "]";
  if ((code & 0xff) == SQLITE_BUSY) what += "; is another VNIC manager using this file?";
  throw VnicError(VnicErrc::kDatabase, what);
}

void VnicStore::exec(const char* sql, const char* doing) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);  // sqlite3_errmsg says the same
    fail(doing);
  }
}

VnicStore::VnicStore(const std::string& path) : path_(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  try {
    if (rc != SQLITE_OK) fail("opening");
    sqlite3_extended_result_codes(db_, 1);
    // One manager per file; a second one waits this long for the lock, then fails clearly.
    sqlite3_busy_timeout(db_, 200);
    exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
         "setting up the connection");
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

VnicStore::~VnicStore() { sqlite3_close(db_); }

void VnicStore::migrate() {
  // The first read finds out whether this is a database at all (SQLITE_NOTADB otherwise).
  int version = 0;
  {
    Stmt st(*this, "PRAGMA user_version", "reading the schema version");
    if (st.step()) version = static_cast<int>(st.i64(0));
  }
  if (version > kSchemaVersion) {
    throw VnicError(VnicErrc::kDatabase,
                    "database '" + path_ + "': schema version " + std::to_string(version) +
                        " was written by a newer VNIC manager (this one knows up to " +
                        std::to_string(kSchemaVersion) + ")");
  }
  {
    Stmt st(*this, "PRAGMA quick_check", "checking the file's integrity");
    std::string problems;
    while (st.step()) {
      const std::string line = st.text(0);
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!problems.empty()) {
      throw VnicError(VnicErrc::kDatabase,
                      "database '" + path_ + "': corrupt (PRAGMA quick_check: " + problems + ")");
    }
  }
  if (version == 0) {
    Stmt st(*this, "SELECT count(*) FROM sqlite_master", "reading the schema");
    st.step();
    if (st.i64(0) != 0) {
      throw VnicError(VnicErrc::kDatabase,
                      "database '" + path_ +
                          "': holds tables but no schema version: not a VNIC manager database");
    }
    Transaction t(*this);
    exec(kSchemaV1, "creating the schema (version 1)");
    t.commit();
    version = 1;
  }
  // One step at a time, each in its own transaction.
  if (version == 1) {
    Transaction t(*this);
    exec(kSchemaV2, "migrating the schema from version 1 to 2");
    t.commit();
  }
}

VnicStore::Transaction::Transaction(VnicStore& s) : s_(&s) {
  s_->exec("BEGIN IMMEDIATE", "starting a transaction");
}

VnicStore::Transaction::~Transaction() {
  if (open_) sqlite3_exec(s_->db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void VnicStore::Transaction::commit() {
  s_->exec("COMMIT", "committing");
  open_ = false;
}

void VnicStore::Transaction::rollback() {
  if (!open_) return;
  open_ = false;
  s_->exec("ROLLBACK", "rolling back");
}

namespace {

MacAddr mac_of(const VnicStore& s, const std::string& text, const char* where) {
  const auto m = MacAddr::parse(text);
  if (!m) {
    throw VnicError(VnicErrc::kDatabase, "database '" + s.path() + "': " + where + " holds '" +
                                             text + "', not a MAC address");
  }
  return *m;
}

}  // namespace

std::map<unsigned, VnicState> VnicStore::load_vnics() {
  std::map<unsigned, VnicState> out;
  {
    Stmt st(*this,
            "SELECT vport, tenant, mac, promiscuous, rate, queues, mtu FROM vnic ORDER BY vport",
            "reading the VNICs");
    while (st.step()) {
      VnicState v;
      v.vport = static_cast<unsigned>(st.i64(0));
      v.tenant = st.text(1);
      if (!st.is_null(2)) v.mac = mac_of(*this, st.text(2), "vnic.mac");
      v.promiscuous = st.i64(3) != 0;
      v.rate = static_cast<std::uint64_t>(st.i64(4));
      v.queues = static_cast<unsigned>(st.i64(5));
      v.mtu = static_cast<std::uint32_t>(st.i64(6));
      out.emplace(v.vport, std::move(v));
    }
  }
  {
    Stmt st(*this, "SELECT vport, vid FROM vnic_vlan", "reading the VNICs' VLANs");
    while (st.step()) {
      out.at(static_cast<unsigned>(st.i64(0))).vids.insert(static_cast<std::uint16_t>(st.i64(1)));
    }
  }
  {
    Stmt st(*this, "SELECT vport, mac FROM vnic_group", "reading the VNICs' groups");
    while (st.step()) {
      out.at(static_cast<unsigned>(st.i64(0)))
          .groups.insert(mac_of(*this, st.text(1), "vnic_group.mac"));
    }
  }
  return out;
}

std::optional<std::int64_t> VnicStore::load_setting(const std::string& name) {
  Stmt st(*this, "SELECT value FROM setting WHERE name = ?", "reading a setting");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.i64(0);
}

void VnicStore::save_setting(const std::string& name, std::int64_t value) {
  Stmt(*this,
       "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET "
       "value = excluded.value",
       "writing a setting")
      .bind(1, name)
      .bind(2, value)
      .run();
}

std::optional<VnicState> VnicStore::load_vnic(unsigned vport) {
  auto all = load_vnics();
  const auto it = all.find(vport);
  if (it == all.end()) return std::nullopt;
  return it->second;
}

std::optional<Permissions> VnicStore::load_permissions(unsigned vport) {
  Permissions p;
  {
    Stmt st(*this,
            "SELECT any_mac, promiscuous, max_groups, max_rate, max_queues FROM permission "
            "WHERE vport = ?",
            "reading permissions");
    st.bind(1, vport);
    if (!st.step()) return std::nullopt;
    p.any_mac = st.i64(0) != 0;
    p.promiscuous = st.i64(1) != 0;
    p.max_groups = static_cast<unsigned>(st.i64(2));
    p.max_rate = static_cast<std::uint64_t>(st.i64(3));
    p.max_queues = static_cast<unsigned>(st.i64(4));
  }
  {
    Stmt st(*this, "SELECT mac FROM permission_mac WHERE vport = ? ORDER BY mac",
            "reading permitted MACs");
    st.bind(1, vport);
    while (st.step()) p.macs.push_back(mac_of(*this, st.text(0), "permission_mac.mac"));
  }
  {
    Stmt st(*this, "SELECT vid FROM permission_vlan WHERE vport = ? ORDER BY vid",
            "reading permitted VLANs");
    st.bind(1, vport);
    while (st.step()) p.vids.push_back(static_cast<std::uint16_t>(st.i64(0)));
  }
  return p;
}

void VnicStore::save_vnic(const VnicState& s) {
  {
    Stmt st(*this,
            "INSERT INTO vnic (vport, tenant, mac, promiscuous, rate, queues, mtu) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vport) DO UPDATE SET "
            "tenant = excluded.tenant, mac = excluded.mac, promiscuous = excluded.promiscuous, "
            "rate = excluded.rate, queues = excluded.queues, mtu = excluded.mtu",
            "writing a VNIC");
    st.bind(1, s.vport).bind(2, s.tenant);
    if (s.mac) {
      st.bind(3, s.mac->to_string());
    } else {
      st.bind_null(3);
    }
    st.bind(4, s.promiscuous ? 1 : 0)
        .bind(5, static_cast<std::int64_t>(s.rate))
        .bind(6, s.queues)
        .bind(7, s.mtu)
        .run();
  }
  Stmt(*this, "DELETE FROM vnic_vlan WHERE vport = ?", "writing a VNIC's VLANs")
      .bind(1, s.vport)
      .run();
  for (const auto vid : s.vids) {
    Stmt(*this, "INSERT INTO vnic_vlan (vport, vid) VALUES (?, ?)", "writing a VNIC's VLANs")
        .bind(1, s.vport)
        .bind(2, vid)
        .run();
  }
  Stmt(*this, "DELETE FROM vnic_group WHERE vport = ?", "writing a VNIC's groups")
      .bind(1, s.vport)
      .run();
  for (const auto& g : s.groups) {
    Stmt(*this, "INSERT INTO vnic_group (vport, mac) VALUES (?, ?)", "writing a VNIC's groups")
        .bind(1, s.vport)
        .bind(2, g.to_string())
        .run();
  }
}

void VnicStore::save_permissions(unsigned vport, const Permissions& p) {
  Stmt(*this,
       "INSERT INTO permission (vport, any_mac, promiscuous, max_groups, max_rate, max_queues) "
       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (vport) DO UPDATE SET any_mac = excluded.any_mac, "
       "promiscuous = excluded.promiscuous, max_groups = excluded.max_groups, "
       "max_rate = excluded.max_rate, max_queues = excluded.max_queues",
       "writing permissions")
      .bind(1, vport)
      .bind(2, p.any_mac ? 1 : 0)
      .bind(3, p.promiscuous ? 1 : 0)
      .bind(4, p.max_groups)
      .bind(5, static_cast<std::int64_t>(p.max_rate))
      .bind(6, p.max_queues)
      .run();
  Stmt(*this, "DELETE FROM permission_mac WHERE vport = ?", "writing permitted MACs")
      .bind(1, vport)
      .run();
  for (const auto& m : p.macs) {
    Stmt(*this, "INSERT OR IGNORE INTO permission_mac (vport, mac) VALUES (?, ?)",
         "writing permitted MACs")
        .bind(1, vport)
        .bind(2, m.to_string())
        .run();
  }
  Stmt(*this, "DELETE FROM permission_vlan WHERE vport = ?", "writing permitted VLANs")
      .bind(1, vport)
      .run();
  for (const auto vid : p.vids) {
    Stmt(*this, "INSERT OR IGNORE INTO permission_vlan (vport, vid) VALUES (?, ?)",
         "writing permitted VLANs")
        .bind(1, vport)
        .bind(2, vid)
        .run();
  }
}

void VnicStore::delete_vnic(unsigned vport) {
  Stmt(*this, "DELETE FROM vnic WHERE vport = ?", "deleting a VNIC").bind(1, vport).run();
}

std::int64_t VnicStore::audit(const std::string& tenant, unsigned vnic, const std::string& request,
                              const std::string& value, Verdict verdict,
                              const std::string& reason) {
  Stmt(*this,
       "INSERT INTO audit (tenant, vnic, request, value, accepted, verdict, reason) "
       "VALUES (?, ?, ?, ?, ?, ?, ?)",
       "writing the audit log")
      .bind(1, tenant)
      .bind(2, vnic)
      .bind(3, request)
      .bind(4, value)
      .bind(5, verdict == Verdict::kAccepted ? 1 : 0)
      .bind(6, to_string(verdict))
      .bind(7, reason)
      .run();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<AuditRow> VnicStore::audit_rows(const AuditFilter& f) {
  Stmt st(*this,
          "SELECT id, time, tenant, vnic, request, value, verdict, reason FROM audit "
          "WHERE id > ?1 AND (?2 IS NULL OR tenant = ?2) AND (?3 IS NULL OR vnic = ?3) "
          "AND (?4 IS NULL OR accepted = ?4) ORDER BY id",
          "reading the audit log");
  st.bind(1, f.after_id);
  if (f.tenant) st.bind(2, *f.tenant);
  if (f.vnic) st.bind(3, *f.vnic);
  if (f.accepted) st.bind(4, *f.accepted ? 1 : 0);
  std::vector<AuditRow> out;
  while (st.step()) {
    AuditRow r;
    r.id = st.i64(0);
    r.time = st.text(1);
    r.tenant = st.text(2);
    r.vnic = static_cast<unsigned>(st.i64(3));
    r.request = st.text(4);
    r.value = st.text(5);
    const std::string v = st.text(6);
    r.verdict = Verdict::kNicRefused;
    bool known = false;
    for (auto c :
         {Verdict::kAccepted, Verdict::kNoSuchVnic, Verdict::kNotOwner, Verdict::kNotPermitted,
          Verdict::kOverLimit, Verdict::kInvalid, Verdict::kConflict, Verdict::kNicRefused}) {
      if (v == to_string(c)) {
        r.verdict = c;
        known = true;
      }
    }
    if (!known) {
      throw VnicError(VnicErrc::kDatabase, "database '" + path_ + "': audit row " +
                                               std::to_string(r.id) + " has verdict '" + v +
                                               "', which this manager does not know");
    }
    r.reason = st.text(7);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace nicsim::host::vnic
