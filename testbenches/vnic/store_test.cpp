// SPDX-License-Identifier: MIT
// The VNIC manager's database on its own (host/vnic/store.hpp): schema version, what survives a
// reopen, the audit log's queries, and every kind of bad file giving a clear VnicError.
#include "nicsim/host/vnic/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace nicsim::host::vnic {
namespace {

namespace fs = std::filesystem;

std::string fresh_path(const std::string& name) {
  const fs::path p = fs::path(::testing::TempDir()) / ("vnic_store_" + name + ".db");
  fs::remove(p);
  fs::remove(p.string() + "-journal");
  return p.string();
}

/// Runs SQL on the file with the plain SQLite API (a second program: the sqlite3 shell).
void raw_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

int user_version(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  const int v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/// The VnicError a constructor throws, with its code checked.
std::string open_error(const std::string& path) {
  try {
    VnicStore s(path);
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kDatabase) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "opening '" << path << "' did not fail";
  return {};
}

VnicState sample_state() {
  VnicState s;
  s.vport = 2;
  s.tenant = "vm-17";
  s.mac = MacAddr::from_u64(0x020000000011);
  s.promiscuous = true;
  s.vids = {10, 20};
  s.groups = {MacAddr::from_u64(0x01005e000001), MacAddr::from_u64(0xffffffffffff)};
  s.rate = 125'000'000;
  s.queues = 4;
  s.mtu = 1400;
  return s;
}

TEST(VnicStore, SchemaIsVersionedAndCreatedOnce) {
  const std::string path = fresh_path("schema");
  { VnicStore s(path); }
  EXPECT_EQ(user_version(path), VnicStore::kSchemaVersion);
  { VnicStore s(path); }  // opening again changes nothing
  EXPECT_EQ(user_version(path), VnicStore::kSchemaVersion);
}

TEST(VnicStore, AVersionOneFileMigratesKeepingItsVnics) {
  const std::string path = fresh_path("migrate");
  VnicState st = sample_state();
  {
    VnicStore s(path);
    s.save_vnic(st);
  }
  // What a version-1 manager wrote: no MTU column, no settings.
  raw_sql(path, "ALTER TABLE vnic DROP COLUMN mtu; DROP TABLE setting; PRAGMA user_version = 1");
  ASSERT_EQ(user_version(path), 1);
  st.mtu = 0;  // follows the physical NIC's
  {
    VnicStore s(path);
    EXPECT_EQ(s.load_vnic(st.vport), st);
    EXPECT_FALSE(s.load_setting("nic_mtu").has_value());
    s.save_setting("nic_mtu", 1500);
    s.save_setting("nic_mtu", 1600);
  }
  EXPECT_EQ(user_version(path), VnicStore::kSchemaVersion);
  VnicStore s(path);
  EXPECT_EQ(s.load_setting("nic_mtu"), 1600);
  EXPECT_EQ(s.load_vnic(st.vport), st);
}

TEST(VnicStore, StatePermissionsAndAuditSurviveReopening) {
  const std::string path = fresh_path("reopen");
  const VnicState st = sample_state();
  Permissions p;
  p.macs = {MacAddr::from_u64(0x020000000011), MacAddr::from_u64(0x020000000012)};
  p.promiscuous = true;
  p.vids = {10, 20, 30};
  p.max_groups = 2;
  p.max_rate = 125'000'000;
  p.max_queues = 4;
  {
    VnicStore s(path);
    VnicStore::Transaction t(s);
    s.save_vnic(st);
    s.save_permissions(st.vport, p);
    s.audit("vm-17", 2, "set_mac", "02:00:00:00:00:11", Verdict::kAccepted, "applied");
    s.audit("vm-9", 2, "set_mac", "02:00:00:00:00:99", Verdict::kNotOwner, "another tenant");
    t.commit();
    // A transaction that is not committed leaves nothing.
    VnicStore::Transaction t2(s);
    s.delete_vnic(2);
  }
  VnicStore s(path);
  const auto all = s.load_vnics();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.at(2), st);
  EXPECT_EQ(s.load_permissions(2), p);
  EXPECT_FALSE(s.load_permissions(3).has_value());

  const auto rows = s.audit_rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tenant, "vm-17");
  EXPECT_EQ(rows[0].request, "set_mac");
  EXPECT_EQ(rows[0].value, "02:00:00:00:00:11");
  EXPECT_TRUE(rows[0].accepted());
  EXPECT_EQ(rows[1].verdict, Verdict::kNotOwner);
  EXPECT_EQ(rows[1].reason, "another tenant");
  // ISO 8601 UTC with milliseconds: 2026-12-05T13:01:02.345Z
  EXPECT_EQ(rows[0].time.size(), 24u) << rows[0].time;
  EXPECT_EQ(rows[0].time.back(), 'Z');
  EXPECT_EQ(s.audit_rows({.tenant = "vm-9"}).size(), 1u);
  EXPECT_EQ(s.audit_rows({.accepted = false}).size(), 1u);
  EXPECT_EQ(s.audit_rows({.vnic = 3}).size(), 0u);
  EXPECT_EQ(s.audit_rows({.after_id = rows[0].id}).size(), 1u);

  // Deleting a VNIC removes its VLANs, groups and permissions, not the audit log.
  s.delete_vnic(2);
  EXPECT_TRUE(s.load_vnics().empty());
  EXPECT_FALSE(s.load_permissions(2).has_value());
  EXPECT_EQ(s.audit_rows().size(), 2u);
}

TEST(VnicStore, AFileThatIsNotADatabaseIsAClearError) {
  const std::string path = fresh_path("garbage");
  {
    std::ofstream f(path, std::ios::binary);
    for (int i = 0; i < 256; ++i) f << "this is not an SQLite database, it is a text file\n";
  }
  const std::string e = open_error(path);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("not a database"), std::string::npos) << e;
}

TEST(VnicStore, ACorruptPageIsAClearError) {
  const std::string path = fresh_path("corrupt");
  {
    VnicStore s(path);
    VnicStore::Transaction t(s);
    for (unsigned i = 0; i < 200; ++i) {
      s.audit("vm-" + std::to_string(i), 1, "set_rate", std::to_string(i), Verdict::kAccepted,
              std::string(100, 'x'));
    }
    t.commit();
  }
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 8192u);
  {
    // Page 1 (the header and the schema) intact, the pages after it overwritten.
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(4096);
    for (std::uintmax_t i = 4096; i < size; ++i) f.put(static_cast<char>(0xA5 ^ (i * 7)));
  }
  const std::string e = open_error(path);
  EXPECT_TRUE(e.find("corrupt") != std::string::npos || e.find("malformed") != std::string::npos)
      << e;
}

TEST(VnicStore, AnUnwritableLocationIsAClearError) {
  const std::string path =
      (fs::path(::testing::TempDir()) / "vnic_no_such_dir" / "sub" / "vnic.db").string();
  const std::string e = open_error(path);
  EXPECT_NE(e.find("unable to open"), std::string::npos) << e;
  // A directory where the file should be.
  const fs::path dir = fs::path(::testing::TempDir()) / "vnic_store_is_a_dir.db";
  fs::create_directories(dir);
  const std::string e2 = open_error(dir.string());
  EXPECT_NE(e2.find("unable to open"), std::string::npos) << e2;
}

TEST(VnicStore, ASchemaFromANewerManagerIsRefused) {
  const std::string path = fresh_path("newer");
  { VnicStore s(path); }
  raw_sql(path, "PRAGMA user_version = 7");
  const std::string e = open_error(path);
  EXPECT_NE(e.find("schema version 7"), std::string::npos) << e;
  EXPECT_NE(e.find("newer"), std::string::npos) << e;
}

TEST(VnicStore, AnotherProgramsDatabaseIsRefused) {
  const std::string path = fresh_path("foreign");
  raw_sql(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)");
  const std::string e = open_error(path);
  EXPECT_NE(e.find("not a VNIC manager database"), std::string::npos) << e;
  EXPECT_EQ(user_version(path), 0);  // left alone
}

TEST(VnicStore, ASecondManagerOnTheSameFileIsRefused) {
  const std::string path = fresh_path("locked");
  VnicStore first(path);
  first.audit("admin", 1, "create_vnic", "vm-1", Verdict::kAccepted, "created");
  const std::string e = open_error(path);
  EXPECT_NE(e.find("database is locked"), std::string::npos) << e;
  EXPECT_NE(e.find("another VNIC manager"), std::string::npos) << e;
  // The first one goes on working.
  first.audit("admin", 1, "destroy_vnic", "vm-1", Verdict::kAccepted, "destroyed");
  EXPECT_EQ(first.audit_rows().size(), 2u);
}

TEST(VnicStore, ABadValueInTheFileIsAClearError) {
  const std::string path = fresh_path("badvalue");
  { VnicStore s(path); }
  raw_sql(path, "INSERT INTO vnic (vport, tenant, mac) VALUES (1, 'vm-1', 'not-a-mac')");
  VnicStore s(path);
  try {
    (void)s.load_vnics();
    FAIL() << "a MAC that does not parse was accepted";
  } catch (const VnicError& e) {
    EXPECT_EQ(e.code(), VnicErrc::kDatabase);
    EXPECT_NE(std::string(e.what()).find("not-a-mac"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nicsim::host::vnic
