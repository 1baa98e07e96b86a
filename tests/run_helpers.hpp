// Helpers for the tests that drive `migrun` as a real process: run or spawn it in a
// folder, make SQLite fixtures with the sqlite3 C API, and read tables back as text so
// that two targets can be compared exactly.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mig::test {

namespace fs = std::filesystem;

// The state store's `written_keys` with each range of inserted integer keys (key..last_key,
// runtime/written_keys.hpp) expanded to one row per key: use as a table in FROM.
inline const char* const kWrittenKeys = R"sql((
  WITH RECURSIVE k(id, run_id, task, key, action, before_image, n, last) AS (
    SELECT id, run_id, task, key, action, before_image, json_extract(key, '$[0]'),
           json_extract(last_key, '$[0]') FROM written_keys
    UNION ALL
    SELECT id, run_id, task, json_array(n + 1), action, NULL, n + 1, last FROM k
     WHERE last IS NOT NULL AND n < last)
  SELECT id, run_id, task, key, action, before_image FROM k))sql";

// The whole content of a file ("" when it does not exist).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A fresh, empty folder under the temp dir, removed when the test ends.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("mig_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    if (!std::getenv("MIG_KEEP_TEMP")) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// A migrun started in the background; its stdout and stderr go to files in `dir`.
struct Spawned {
  pid_t pid = -1;
  fs::path out, err;
};

// Starts `migrun ARGS...` inside `dir`, stdout/stderr into `dir/NAME.out|.err`.
inline Spawned spawn_migrun(const fs::path& dir, const std::vector<std::string>& args,
                            const std::string& name = "migrun") {
  Spawned s{-1, dir / (name + ".out"), dir / (name + ".err")};
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) _exit(127);
    int out = ::open(s.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(s.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> all{MIGRUN_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(MIGRUN_PATH, argv.data());
    _exit(127);
  }
  s.pid = pid;
  return s;
}

// Waits for a spawned process; its exit status, or 128 + signal when a signal ended it.
inline int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Whether the process has already exited (reaping it then; `status` gets the exit code).
inline bool has_exited(pid_t pid, int& status) {
  int raw = 0;
  pid_t r = ::waitpid(pid, &raw, WNOHANG);
  if (r != pid) return false;
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  return true;
}

// What a finished migrun said.
struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Runs `migrun ARGS...` inside `dir` to the end.
inline Outcome run_migrun(const fs::path& dir, const std::vector<std::string>& args,
                          const std::string& name = "migrun") {
  Spawned s = spawn_migrun(dir, args, name);
  Outcome o;
  o.exit_code = wait_exit(s.pid);
  o.out = slurp(s.out);
  o.err = slurp(s.err);
  return o;
}

// An open SQLite database, closed at scope end; `exec` throws on any error so that a
// broken fixture fails the test loudly instead of proving nothing.
class Db {
 public:
  explicit Db(const fs::path& path) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path.string());
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : "?";
      sqlite3_free(msg);
      throw std::runtime_error("sql failed: " + m + "\n" + sql);
    }
  }

  // Every row of `sql`, columns joined by `|`, rows by `\n`; NULL prints as `NULL`
  // and text is quoted, so that 1 and '1' differ.
  std::string dump(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(db_) + "\n" + sql);
    std::string out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        if (i) out += '|';
        out += cell(st, i);
      }
      out += '\n';
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("step failed: ") + sqlite3_errmsg(db_));
    return out;
  }

  // The first column of the first row as an integer (0 when there is no row).
  long long scalar(const std::string& sql) {
    std::string text = dump(sql);
    return text.empty() ? 0 : std::stoll(text);
  }

 private:
  static std::string cell(sqlite3_stmt* st, int i) {
    switch (sqlite3_column_type(st, i)) {
      case SQLITE_NULL: return "NULL";
      case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(st, i));
      case SQLITE_FLOAT: {
        std::ostringstream ss;
        ss.precision(17);
        ss << sqlite3_column_double(st, i);
        return ss.str();
      }
      default: {
        const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        return "'" + std::string(t ? t : "", size_t(sqlite3_column_bytes(st, i))) + "'";
      }
    }
  }
  sqlite3* db_ = nullptr;
};

// A table's full content in key order: equal text means equal tables.
inline std::string table_content(const fs::path& db, const std::string& table,
                                 const std::string& order_by = "1") {
  Db d(db);
  return d.dump("SELECT * FROM \"" + table + "\" ORDER BY " + order_by);
}

// Applies a SQL script (a fixture file) to a database, creating it.
inline void apply_sql(const fs::path& db, const fs::path& script) {
  Db d(db);
  d.exec(slurp(script));
}

// The large fixture of the crash, lock and interrupt tests: `items` with `rows` rows; every
// 10th (id % 10 == 3) is dropped by items_plan's `where`, every 997th has a negative
// quantity that its `check` rejects.
inline void make_items_source(const fs::path& db, int rows) {
  Db d(db);
  d.exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL,"
      " price NUMERIC);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
      std::to_string(rows) +
      ") INSERT INTO items SELECT i, 'item ' || i, CASE WHEN i % 997 = 0 THEN -i ELSE i % 50 END,"
      " (i % 1000) / 100.0 FROM n;");
}

// The target `items` (plus `items2` for a second task), with rows already there when
// `preexisting` (for `skip` and `update`; some are among the dropped or rejected rows).
inline void make_items_target(const fs::path& db, bool preexisting) {
  Db d(db);
  const char* columns =
      " (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, price NUMERIC,"
      " doubled INTEGER);";
  d.exec(std::string("CREATE TABLE items") + columns + "CREATE TABLE items2" + columns);
  if (preexisting)
    d.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 7 FROM n WHERE i < 5000)"
        " INSERT INTO items SELECT i, 'OLD', -1, NULL, NULL FROM n;");
}

// A plan copying source.db's items into target.db's; `name_expr` is the mapped name.
inline std::string items_plan(const std::string& plan, const std::string& policy,
                              const std::string& name_expr = "upper(name)") {
  return "plan " + plan + "\n" +
         "source src = sqlite(\"source.db\")\n"
         "target dst = sqlite(\"target.db\")\n"
         "copy src.items -> dst.items {\n"
         "  where id % 10 != 3\n"
         "  map {\n"
         "    *\n"
         "    name = " + name_expr + "\n"
         "    doubled = qty * 2\n"
         "  }\n"
         "  check qty >= 0 else reject as \"negative qty\"\n"
         "  on conflict " + policy + "\n"
         "  batch 1000\n"
         "}\n";
}

// Polls `ready` every few milliseconds for at most `timeout`; whether it became true.
template <class F>
bool wait_until(F ready, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return ready();
}

}  // namespace mig::test
