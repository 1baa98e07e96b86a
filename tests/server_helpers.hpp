// Helpers for the tests that need the private PostgreSQL and MariaDB servers started by
// tests/servers.sh: their URLs, a fresh database per test, and SQL run through the
// servers' own command-line clients (psql, mariadb), so that fixtures and checks never
// depend on the connectors under test. A test that needs a server fails, never skips,
// when the variables are not set.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "tests/run_helpers.hpp"

namespace mig::test {

// The environment variable `name`; throws (failing the test) when unset.
inline std::string server_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(std::string(name) +
                             " is not set: run the tests through tests/servers.sh (the "
                             "README's test command does)");
  return v;
}

inline std::string pg_url(const std::string& db) {
  return "postgresql://mig:" + server_env("MIG_TEST_PASSWORD") + "@127.0.0.1:" +
         server_env("MIG_TEST_PG_PORT") + "/" + db;
}
inline std::string mariadb_url(const std::string& db) {
  return "mariadb://mig:" + server_env("MIG_TEST_PASSWORD") + "@127.0.0.1:" +
         server_env("MIG_TEST_MARIADB_PORT") + "/" + db;
}

// Runs `command` with `input` on its standard input; returns its standard output, throws
// with the output when it fails.
inline std::string pipe_through(const std::string& command, const std::string& input) {
  TempDir tmp("pipe");
  write_file(tmp / "in", input);
  std::string full = command + " < '" + (tmp / "in").string() + "' > '" + (tmp / "out").string() +
                     "' 2>&1";
  int rc = std::system(full.c_str());
  std::string out = slurp(tmp / "out");
  if (rc != 0) throw std::runtime_error("command failed: " + command + "\n" + out);
  return out;
}

// `sql` run by psql on database `db` (errors stop it); rows as `a|b` lines, unaligned.
inline std::string pg_sql(const std::string& db, const std::string& sql) {
  server_env("MIG_TEST_PASSWORD");  // the shell reads it: the command never shows it
  return pipe_through("PGPASSWORD=\"$MIG_TEST_PASSWORD\" psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                          server_env("MIG_TEST_PG_PORT") + " -U mig -d '" + db + "'",
                      sql);
}
// `sql` run by the mariadb client on database `db` ("" for none); rows as tab-separated lines.
inline std::string mariadb_sql(const std::string& db, const std::string& sql) {
  server_env("MIG_TEST_PASSWORD");
  return pipe_through("MYSQL_PWD=\"$MIG_TEST_PASSWORD\" mariadb --no-defaults "
                      "--default-character-set=utf8mb4 -N -B -h 127.0.0.1 -P " +
                          server_env("MIG_TEST_MARIADB_PORT") + " -u mig " +
                          (db.empty() ? "" : "-D '" + db + "'"),
                      sql);
}

// An empty database named `name` (dropped first if a previous run left it); its URL.
inline std::string fresh_pg_database(const std::string& name) {
  pg_sql("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE);\nCREATE DATABASE \"" +
                         name + "\";\n");
  return pg_url(name);
}
inline std::string fresh_mariadb_database(const std::string& name) {
  mariadb_sql("", "DROP DATABASE IF EXISTS `" + name + "`; CREATE DATABASE `" + name +
                      "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;");
  return mariadb_url(name);
}

}  // namespace mig::test
