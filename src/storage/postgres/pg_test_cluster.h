// A throw-away PostgreSQL cluster for tests: initdb + pg_ctl in a temporary
// directory, socket-only (no TCP port to collide on), stopped and deleted at
// exit. As root the server binaries run as the `postgres` user (initdb refuses
// root). Header-only; used by test binaries only.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace clearline::storage {

class PgTestCluster {
 public:
  // The process-wide cluster, started on first use. Aborts the test run with a
  // clear message if PostgreSQL cannot start (scripts/setup.sh installs it).
  static PgTestCluster& instance() {
    static PgTestCluster c;
    return c;
  }

  // A conninfo for a fresh, empty database.
  std::string newDatabase() {
    std::string name = "t" + std::to_string(next_db_++);
    run(psql("postgres") + " -q -c 'CREATE DATABASE " + name + "'");
    return conninfo(name);
  }

  std::string conninfo(const std::string& db) const {
    return "host=" + dir_ + " port=" + std::to_string(port_) + " user=postgres dbname=" + db;
  }

  ~PgTestCluster() {
    std::system((as_pg_ + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate stop >/dev/null 2>&1").c_str());
    std::filesystem::remove_all(dir_);
  }

 private:
  PgTestCluster() {
    bin_ = findBin();
    char tmpl[] = "/tmp/clearline-pg.XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = 40000 + static_cast<int>(getpid() % 20000);
    if (geteuid() == 0) {
      as_pg_ = "runuser -u postgres -- ";
      run("chown postgres:postgres " + dir_);
    }
    run(as_pg_ + bin_ + "/initdb -D " + dir_ + "/data -U postgres -A trust -E UTF8 --no-sync >" + dir_ +
        "/initdb.log 2>&1");
    run(as_pg_ + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -o \"-k " + dir_ +
        " -c listen_addresses='' -p " + std::to_string(port_) + " -c fsync=off\" start >/dev/null");
  }

  static std::string findBin() {
    for (const char* v : {"17", "16", "15", "14", "13"}) {
      std::string b = std::string("/usr/lib/postgresql/") + v + "/bin";
      if (std::filesystem::exists(b + "/initdb")) return b;
    }
    fail("PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/setup.sh)");
    return {};
  }

  std::string psql(const std::string& db) const { return "psql \"" + conninfo(db) + "\""; }

  static void run(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) fail("command failed: " + cmd);
  }
  [[noreturn]] static void fail(const std::string& why) {
    std::fprintf(stderr, "PgTestCluster: %s\n", why.c_str());
    std::abort();
  }

  std::string bin_, dir_, as_pg_;
  int port_ = 0;
  int next_db_ = 0;
};

}  // namespace clearline::storage
