#include "runtime/state_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

#include "compiler/redact_url.hpp"
#include "runtime/civil_time.hpp"
#include "runtime/process_lock.hpp"
#include "runtime/sqlite_handle.hpp"
#include "runtime/state_schema.hpp"
#include "runtime/written_keys.hpp"

namespace mig {
namespace {

constexpr const char* kTaskStateNames[] = {
#define MIG_X(id) #id,
    MIG_TASK_STATES(MIG_X)
#undef MIG_X
};
constexpr const char* kRunStatusNames[] = {
#define MIG_X(id) #id,
    MIG_RUN_STATUSES(MIG_X)
#undef MIG_X
};
constexpr const char* kWriteActionNames[] = {
#define MIG_X(id) #id,
    MIG_WRITE_ACTIONS(MIG_X)
#undef MIG_X
};
constexpr const char* kRollbackStatusNames[] = {
#define MIG_X(id) #id,
    MIG_ROLLBACK_STATUSES(MIG_X)
#undef MIG_X
};

// The enumerator whose stored name is `text`; nullopt for text this build never writes.
template <class E, size_t N>
std::optional<E> enum_from_name(const char* const (&names)[N], std::string_view text) {
  for (size_t i = 0; i < N; ++i)
    if (text == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

std::string now_text() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return format_timestamptz(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string fingerprint_hex(uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return buf;
}

std::optional<uint64_t> fingerprint_from_hex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

// `*` matches any run of characters (task names may contain anything else literally).
bool pattern_matches(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Keeps a file name part to [A-Za-z0-9_-]; every other byte becomes %XX.
std::string file_name_part(const std::string& name) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : name) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> null_if_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

const char* state_name(TaskState s) { return kTaskStateNames[static_cast<size_t>(s)]; }
const char* status_name(RunStatus s) { return kRunStatusNames[static_cast<size_t>(s)]; }
const char* action_name(WriteAction a) { return kWriteActionNames[static_cast<size_t>(a)]; }
const char* status_name(RollbackStatus s) { return kRollbackStatusNames[static_cast<size_t>(s)]; }

struct StateStore::Impl {
  // Members in this order: statements are finalised, then the file is closed, and only
  // then the lock is released.
  ProcessLock lock;
  SqliteDb db;
  std::map<const char*, SqliteStatement> statements;  // keyed by the SQL literal's address
  std::recursive_mutex mu;  // for_each callbacks may call back into the store
  std::string path;
  int version = 0;

  // A cached statement for one of this file's SQL literals, reset and ready to bind.
  Result<SqliteStatement*> statement(const char* sql) {
    auto it = statements.find(sql);
    if (it == statements.end()) {
      Result<SqliteStatement> st = db.prepare(sql);
      if (!st.ok()) return st.take_error();
      it = statements.emplace(sql, std::move(*st)).first;
    }
    it->second.reset();
    return &it->second;
  }

  Error corrupt(const std::string& what) const {
    return Error{"state store " + path + " holds " + what + " that this migrun does not know"};
  }

  Status create_or_check_schema(bool writable);
  Result<TaskRecord> read_task(SqliteStatement& st);
  Result<RunRecord> read_run(SqliteStatement& st);
  Status insert_batch_rows(const BatchProgress& b, const std::string& now);
  Status insert_rows(const char* head, const char* tail, size_t n, int width,
                     const std::function<void(SqliteStatement&, size_t, int)>& bind);
};

#define MIG_TRY(expr)                                  \
  do {                                                 \
    Status mig_status_ = (expr);                       \
    if (!mig_status_.ok()) return mig_status_.error(); \
  } while (0)

#define MIG_STATEMENT(var, sql)                             \
  Result<SqliteStatement*> var##_r = impl_->statement(sql); \
  if (!var##_r.ok()) return var##_r.take_error();           \
  SqliteStatement& var = **var##_r

Status StateStore::Impl::create_or_check_schema(bool writable) {
  Result<int64_t> v = db.pragma_int("user_version");
  if (!v.ok()) return Error{"cannot read state store " + path + ": " + v.error().message};
  if (*v > kStateSchemaVersion)
    return Error{"state store " + path + " has schema version " + std::to_string(*v) +
                 ", newer than this migrun understands (" + std::to_string(kStateSchemaVersion) +
                 "); use a newer migrun, or move the file away to start over"};
  if (writable) {
    // WAL: readers (`migrun status`) never block the run; FULL: a committed batch survives
    // power loss, not only a killed process.
    MIG_TRY(db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"));
  }
  MIG_TRY(db.exec("PRAGMA foreign_keys = ON"));
  if (*v == kStateSchemaVersion) {
    version = kStateSchemaVersion;
    return Status::success();
  }
  if (!writable) {
    if (*v == 0)
      return Error{"state store " + path + " is not initialised (schema version 0)"};
    // An older layout is read as it is: readers (status, reports) use only version-1
    // tables; the next run migrates the file.
    version = static_cast<int>(*v);
    return Status::success();
  }
  Result<SqliteTransaction> tx = SqliteTransaction::begin(db);
  if (!tx.ok()) return tx.error();
  int from = static_cast<int>(*v);
  if (from == 0) {  // a new, empty file: version 1, then the steps below
    Result<int64_t> objects = [&]() -> Result<int64_t> {
      Result<SqliteStatement> st = db.prepare("SELECT count(*) FROM sqlite_master");
      if (!st.ok()) return st.take_error();
      Result<bool> row = st->step();
      if (!row.ok()) return row.take_error();
      return st->column_int(0);
    }();
    if (!objects.ok()) return objects.error();
    if (*objects != 0)
      return Error{path + " is not a mig state store (it has tables but no schema version)"};
    MIG_TRY(db.exec(kStateSchemaSql));
    from = 1;
  }
  for (int step = from; step < kStateSchemaVersion; ++step) {
    Status s = db.exec(kStateMigrations[step - 1]);
    if (!s.ok())
      return Error{"cannot migrate state store " + path + " from version " +
                   std::to_string(step) + " to " + std::to_string(step + 1) + ": " +
                   s.error().message};
  }
  MIG_TRY(db.exec("PRAGMA user_version = " + std::to_string(kStateSchemaVersion)));
  MIG_TRY(tx->commit());
  version = kStateSchemaVersion;
  return Status::success();
}

std::string StateStore::db_path(const std::string& dir, const std::string& plan,
                                const std::string& env) {
  std::filesystem::path p(dir);
  p /= file_name_part(plan) + "." + file_name_part(env.empty() ? "default" : env) + ".db";
  return p.string();
}

StateStore::StateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StateStore::StateStore(StateStore&&) noexcept = default;
StateStore& StateStore::operator=(StateStore&&) noexcept = default;
StateStore::~StateStore() = default;

Result<StateStore> StateStore::open(const std::string& path, Access access) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  bool writable = access == Access::exclusive;
  if (writable) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Error{"cannot create directory " + parent.string() + ": " + ec.message()};
    Result<ProcessLock> lock = ProcessLock::acquire(path + ".lock");
    if (!lock.ok()) return lock.take_error();
    impl->lock = std::move(*lock);
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return Error{"no state yet for this plan and environment (" + path + " does not exist)"};
  }
  Result<SqliteDb> db =
      SqliteDb::open(path, writable ? SqliteDb::Mode::create : SqliteDb::Mode::read_only);
  if (!db.ok()) return db.take_error();
  impl->db = std::move(*db);
  Status s = impl->create_or_check_schema(writable);
  if (!s.ok()) return s.error();
  return StateStore(std::move(impl));
}

Result<StateStore> StateStore::open_in_memory() {
  auto impl = std::make_unique<Impl>();
  impl->path = ":memory:";
  Result<SqliteDb> db = SqliteDb::open(":memory:");
  if (!db.ok()) return db.take_error();
  impl->db = std::move(*db);
  Status s = impl->create_or_check_schema(true);
  if (!s.ok()) return s.error();
  return StateStore(std::move(impl));
}

const std::string& StateStore::path() const { return impl_->path; }

int StateStore::schema_version() const { return impl_->version; }

Result<int64_t> StateStore::begin_run(const std::string& plan, const std::string& env,
                                      const std::vector<std::string>& argv) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  std::string now = now_text();
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.take_error();
  {
    MIG_STATEMENT(st, "UPDATE runs SET status = 'aborted' WHERE status = 'running'");
    MIG_TRY(st.run());
  }
  {
    MIG_STATEMENT(
        st,
        "UPDATE tasks SET state = 'pending', reason = 'interrupted: run ' || "
        "coalesce(run_id, '?') || ' did not finish', updated_at = ?1 WHERE state = 'running'");
    MIG_TRY(st.bind(1, now).run());
  }
  MIG_STATEMENT(st,
                "INSERT INTO runs (plan, env, started_at, status, argv, pid, host) "
                "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6)");
  // Callers leave secrets out; URL passwords are masked here too, as a second line.
  nlohmann::json args = nlohmann::json::array();
  for (const std::string& a : argv) args.push_back(redact_url(a));
  std::string argv_json = args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  st.bind(1, plan).bind(2, env).bind(3, now).bind(4, argv_json);
  st.bind(5, static_cast<int64_t>(getpid())).bind(6, host_name());
  MIG_TRY(st.run());
  int64_t id = impl_->db.last_insert_rowid();
  MIG_TRY(tx->commit());
  return id;
}

Status StateStore::end_run(int64_t run_id, RunStatus status) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "UPDATE runs SET status = ?1, ended_at = ?2 WHERE id = ?3");
  MIG_TRY(st.bind(1, status_name(status)).bind(2, now_text()).bind(3, run_id).run());
  if (impl_->db.changes() == 0) return Error{"no run " + std::to_string(run_id) + " in " + path()};
  return Status::success();
}

Result<RunRecord> StateStore::Impl::read_run(SqliteStatement& st) {
  RunRecord r;
  r.id = st.column_int(0);
  r.plan = st.column_text(1);
  r.env = st.column_text(2);
  r.started_at = st.column_text(3);
  r.ended_at = st.column_optional_text(4);
  std::string status = st.column_text(5);
  std::optional<RunStatus> s = enum_from_name<RunStatus>(kRunStatusNames, status);
  if (!s) return corrupt("a run status `" + status + "`");
  r.status = *s;
  r.argv = st.column_text(6);
  r.pid = st.column_int(7);
  r.host = st.column_text(8);
  return r;
}

#define MIG_RUN_COLUMNS "id, plan, env, started_at, ended_at, status, argv, pid, host"

Result<std::optional<RunRecord>> StateStore::run(int64_t run_id) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_RUN_COLUMNS " FROM runs WHERE id = ?1");
  Result<bool> row = st.bind(1, run_id).step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<RunRecord>();
  Result<RunRecord> r = impl_->read_run(st);
  if (!r.ok()) return r.take_error();
  return std::optional<RunRecord>(std::move(*r));
}

Result<std::optional<RunRecord>> StateStore::last_run() {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_RUN_COLUMNS " FROM runs ORDER BY id DESC LIMIT 1");
  Result<bool> row = st.step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<RunRecord>();
  Result<RunRecord> r = impl_->read_run(st);
  if (!r.ok()) return r.take_error();
  return std::optional<RunRecord>(std::move(*r));
}

Result<TaskRecord> StateStore::Impl::read_task(SqliteStatement& st) {
  TaskRecord t;
  t.task = st.column_text(0);
  std::string state = st.column_text(1);
  std::optional<TaskState> s = enum_from_name<TaskState>(kTaskStateNames, state);
  if (!s) return corrupt("a task state `" + state + "`");
  t.state = *s;
  t.reason = st.column_text(2);
  t.run_id = st.column_optional_int(3);
  t.counters = {st.column_int(4), st.column_int(5), st.column_int(6), st.column_int(7)};
  t.batches = st.column_int(8);
  t.checkpoint = st.column_optional_text(9);
  if (std::optional<std::string> fp = st.column_optional_text(10)) {
    t.fingerprint = fingerprint_from_hex(*fp);
    if (!t.fingerprint) return corrupt("a fingerprint `" + *fp + "`");
  }
  t.started_at = st.column_optional_text(11);
  t.ended_at = st.column_optional_text(12);
  return t;
}

#define MIG_TASK_COLUMNS                                                                \
  "task, state, reason, run_id, rows_read, rows_written, rows_rejected, rows_skipped, " \
  "batches, checkpoint, fingerprint, started_at, ended_at"

Result<std::optional<TaskRecord>> StateStore::task(const std::string& name) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_TASK_COLUMNS " FROM tasks WHERE task = ?1");
  Result<bool> row = st.bind(1, name).step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<TaskRecord>();
  Result<TaskRecord> t = impl_->read_task(st);
  if (!t.ok()) return t.take_error();
  return std::optional<TaskRecord>(std::move(*t));
}

Result<std::vector<TaskRecord>> StateStore::tasks() {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_TASK_COLUMNS " FROM tasks ORDER BY task");
  std::vector<TaskRecord> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    Result<TaskRecord> t = impl_->read_task(st);
    if (!t.ok()) return t.take_error();
    out.push_back(std::move(*t));
  }
  return out;
}

Status StateStore::set_task_state(const std::string& task, TaskState state, int64_t run_id,
                                  const std::string& reason) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "INSERT INTO tasks (task, state, reason, run_id, started_at, ended_at, updated_at) "
                "VALUES (?1, ?2, ?3, ?4, CASE WHEN ?2 = 'running' THEN ?5 END, "
                "        CASE WHEN ?2 IN ('completed', 'failed', 'skipped') THEN ?5 END, ?5) "
                "ON CONFLICT (task) DO UPDATE SET state = excluded.state, "
                "  reason = excluded.reason, run_id = excluded.run_id, "
                "  started_at = coalesce(tasks.started_at, excluded.started_at), "
                "  ended_at = excluded.ended_at, updated_at = excluded.updated_at");
  st.bind(1, task).bind(2, state_name(state)).bind(3, null_if_empty(reason)).bind(4, run_id);
  return st.bind(5, now_text()).run();
}

// Inserts `n` rows of `width` bound values each, kRowsPerInsert to a statement: one
// statement per row cost half of a copy's CPU in the state store's VM and bind calls.
// The two statements (a full chunk, one row) are built once per SQL prefix and cached.
Status StateStore::Impl::insert_rows(const char* head, const char* tail, size_t n, int width,
                                     const std::function<void(SqliteStatement&, size_t, int)>& bind) {
  constexpr size_t kRowsPerInsert = 64;  // 64 * 5 values stays under SQLite's 999 limit
  struct Sql {
    std::string chunk, single;
  };
  static std::mutex sql_mu;
  static std::map<std::string, Sql> sqls;  // by head + tail; never erased: stable c_str()
  const Sql* sql = nullptr;
  {
    std::lock_guard<std::mutex> g(sql_mu);
    auto [it, fresh] = sqls.try_emplace(std::string(head) + tail);
    if (fresh) {
      auto values = [&](size_t rows) {
        std::string out = head;
        for (size_t r = 0; r < rows; ++r) {
          out += r ? ", (" : "(";
          for (int c = 0; c < width; ++c)
            out += (c ? ", ?" : "?") + std::to_string(r * width + c + 1);
          out += ')';
        }
        return out + tail;
      };
      it->second.chunk = values(kRowsPerInsert);
      it->second.single = values(1);
    }
    sql = &it->second;
  }
  size_t i = 0;
  while (i < n) {
    size_t rows = n - i >= kRowsPerInsert ? kRowsPerInsert : 1;
    Result<SqliteStatement*> st = statement((rows == 1 ? sql->single : sql->chunk).c_str());
    if (!st.ok()) return st.take_error();
    for (size_t r = 0; r < rows; ++r) bind(**st, i + r, static_cast<int>(r) * width + 1);
    MIG_TRY((*st)->run());
    i += rows;
  }
  return Status::success();
}

Status StateStore::Impl::insert_batch_rows(const BatchProgress& b, const std::string& now) {
  Result<SqliteStatement*> task_st = statement(
      "INSERT INTO tasks (task, state, run_id, rows_read, rows_written, rows_rejected, "
      "  rows_skipped, batches, checkpoint, started_at, updated_at) "
      "VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?8) "
      "ON CONFLICT (task) DO UPDATE SET run_id = excluded.run_id, "
      "  rows_read = rows_read + excluded.rows_read, "
      "  rows_written = rows_written + excluded.rows_written, "
      "  rows_rejected = rows_rejected + excluded.rows_rejected, "
      "  rows_skipped = rows_skipped + excluded.rows_skipped, batches = batches + 1, "
      "  checkpoint = coalesce(excluded.checkpoint, tasks.checkpoint), "
      "  updated_at = excluded.updated_at");
  if (!task_st.ok()) return task_st.take_error();
  SqliteStatement& t = **task_st;
  t.bind(1, b.task).bind(2, b.run_id).bind(3, b.delta.read).bind(4, b.delta.written);
  t.bind(5, b.delta.rejected).bind(6, b.delta.skipped).bind(7, b.checkpoint).bind(8, now);
  MIG_TRY(t.run());

  if (!b.rejects.empty()) {
    Result<SqliteStatement*> st = statement(
        "INSERT INTO rejects (run_id, task, key, label, row) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st.ok()) return st.take_error();
    for (const RejectEntry& r : b.rejects) {
      (*st)->bind(1, b.run_id).bind(2, b.task).bind(3, r.key).bind(4, r.label).bind(5, r.row);
      MIG_TRY((*st)->run());
    }
  }
  // A key written twice in one run keeps its first record: its before-image is the
  // original row, the one rollback must restore (DO NOTHING applies row by row, in order,
  // also within one multi-row statement).
  MIG_TRY(insert_rows(
      "INSERT INTO written_keys (run_id, task, key, action, before_image, last_key) VALUES ",
      " ON CONFLICT (run_id, task, key) DO NOTHING", b.written.size(), 6,
      [&](SqliteStatement& st, size_t i, int p) {
        const WrittenKey& w = b.written[i];
        st.bind(p, b.run_id).bind_static(p + 1, b.task).bind_static(p + 2, w.key);
        st.bind_static(p + 3, action_name(w.action)).bind(p + 4, w.before_image);
        st.bind(p + 5, w.last);
      }));
  return insert_rows(
      "INSERT INTO crosswalks (task, source_key, target_key, run_id) VALUES ",
      " ON CONFLICT (task, source_key) DO NOTHING", b.crosswalk.size(), 4,
      [&](SqliteStatement& st, size_t i, int p) {
        const CrosswalkEntry& c = b.crosswalk[i];
        st.bind_static(p, b.task).bind_static(p + 1, c.source_key);
        st.bind_static(p + 2, c.target_key);
        st.bind(p + 3, b.run_id);
      });
}

Status StateStore::save_batch(const BatchProgress& batch) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.error();
  Status s = impl_->insert_batch_rows(batch, now_text());
  if (!s.ok())
    return Error{"cannot save progress of task `" + batch.task + "`: " + s.error().message};
  return tx->commit();  // not committed: the destructor rolls everything back
}

Status StateStore::put_crosswalk(const std::string& task, int64_t run_id,
                                 std::span<const CrosswalkEntry> entries) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.error();
  Result<SqliteStatement*> st = impl_->statement(
      "INSERT INTO crosswalks (task, source_key, target_key, run_id) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (task, source_key) DO NOTHING");
  if (!st.ok()) return st.take_error();
  for (const CrosswalkEntry& c : entries) {
    (*st)->bind(1, task).bind(2, c.source_key).bind(3, c.target_key).bind(4, run_id);
    MIG_TRY((*st)->run());
  }
  return tx->commit();
}

Result<std::optional<std::string>> StateStore::lookup_crosswalk(const std::string& task,
                                                                const std::string& source_key) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT target_key FROM crosswalks WHERE task = ?1 AND source_key = ?2");
  Result<bool> row = st.bind(1, task).bind(2, source_key).step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st.column_text(0));
}

Result<std::optional<std::string>> StateStore::lookup_crosswalk_source(
    const std::string& task, const std::string& target_key) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "SELECT source_key FROM crosswalks WHERE task = ?1 AND target_key = ?2 "
                "ORDER BY source_key LIMIT 1");
  Result<bool> row = st.bind(1, task).bind(2, target_key).step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st.column_text(0));
}

Status StateStore::for_each_crosswalk(const std::string& task,
                                      const std::function<void(const CrosswalkEntry&)>& fn) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  // Not cached: the callback may use the store while this statement is open.
  Result<SqliteStatement> st = impl_->db.prepare(
      "SELECT source_key, target_key FROM crosswalks WHERE task = ?1 ORDER BY source_key");
  if (!st.ok()) return st.take_error();
  st->bind(1, task);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) return Status::success();
    fn(CrosswalkEntry{st->column_text(0), st->column_text(1)});
  }
}

Result<std::optional<uint64_t>> StateStore::fingerprint(const std::string& task) {
  Result<std::optional<TaskRecord>> t = this->task(task);
  if (!t.ok()) return t.take_error();
  if (!*t) return std::optional<uint64_t>();
  return (*t)->fingerprint;
}

Status StateStore::set_fingerprint(const std::string& task, uint64_t fingerprint) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "INSERT INTO tasks (task, fingerprint, updated_at) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (task) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "  updated_at = excluded.updated_at");
  return st.bind(1, task).bind(2, fingerprint_hex(fingerprint)).bind(3, now_text()).run();
}

Result<std::vector<std::string>> StateStore::reset(std::span<const std::string> patterns) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.take_error();
  std::vector<std::string> names;
  {
    MIG_STATEMENT(st, "SELECT task FROM tasks UNION SELECT DISTINCT task FROM crosswalks");
    for (;;) {
      Result<bool> row = st.step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      std::string name = st.column_text(0);
      bool match = patterns.empty() ||
                   std::any_of(patterns.begin(), patterns.end(),
                               [&](const std::string& p) { return pattern_matches(p, name); });
      if (match) names.push_back(std::move(name));
    }
  }
  MIG_STATEMENT(del_task, "DELETE FROM tasks WHERE task = ?1");
  for (const std::string& name : names) MIG_TRY(del_task.bind(1, name).run());
  MIG_STATEMENT(del_cw, "DELETE FROM crosswalks WHERE task = ?1");
  for (const std::string& name : names) MIG_TRY(del_cw.bind(1, name).run());
  MIG_TRY(tx->commit());
  std::sort(names.begin(), names.end());
  return names;
}

Status StateStore::for_each_reject(
    int64_t run_id, const std::string& task,
    const std::function<void(const std::string& task, const RejectEntry&)>& fn) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteStatement> st = impl_->db.prepare(
      "SELECT task, key, label, row FROM rejects WHERE run_id = ?1 AND (?2 = '' OR task = ?2) "
      "ORDER BY id");
  if (!st.ok()) return st.take_error();
  st->bind(1, run_id).bind(2, task);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) return Status::success();
    fn(st->column_text(0), RejectEntry{st->column_text(1), st->column_text(2), st->column_text(3)});
  }
}

Status StateStore::for_each_written_key(int64_t run_id, const std::string& task,
                                        const std::function<void(const WrittenKey&)>& fn) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteStatement> st = impl_->db.prepare(
      "SELECT key, action, before_image, last_key FROM written_keys "
      "WHERE run_id = ?1 AND task = ?2 ORDER BY id DESC");
  if (!st.ok()) return st.take_error();
  st->bind(1, run_id).bind(2, task);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) return Status::success();
    std::string action = st->column_text(1);
    std::optional<WriteAction> a = enum_from_name<WriteAction>(kWriteActionNames, action);
    if (!a) return impl_->corrupt("a write action `" + action + "`");
    WrittenKey w{st->column_text(0), *a, st->column_optional_text(2), st->column_optional_text(3)};
    if (!w.last) {
      fn(w);
      continue;
    }
    std::vector<std::string> keys;  // a range, newest (last) first as the rows are
    MIG_TRY(for_each_key(w, [&](std::string k) {
      keys.push_back(std::move(k));
      return Status::success();
    }));
    for (auto k = keys.rbegin(); k != keys.rend(); ++k)
      fn(WrittenKey{std::move(*k), WriteAction::inserted, std::nullopt, std::nullopt});
  }
}

Result<std::vector<std::string>> StateStore::tasks_written(int64_t run_id) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT DISTINCT task FROM written_keys WHERE run_id = ?1 ORDER BY task");
  st.bind(1, run_id);
  std::vector<std::string> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(st.column_text(0));
  }
}

Status StateStore::add_validation(const ValidationRecord& v) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "INSERT INTO validations (run_id, name, task, passed, details, checked_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind(1, v.run_id).bind(2, v.name).bind(3, v.task).bind(4, v.passed ? 1 : 0);
  return st.bind(5, v.details).bind(6, now_text()).run();
}

Result<std::vector<ValidationRecord>> StateStore::validations(int64_t run_id) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "SELECT run_id, name, task, passed, details, checked_at FROM validations "
                "WHERE run_id = ?1 ORDER BY id");
  st.bind(1, run_id);
  std::vector<ValidationRecord> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(ValidationRecord{st.column_int(0), st.column_text(1), st.column_optional_text(2),
                                   st.column_int(3) != 0, st.column_text(4), st.column_text(5)});
  }
}

// ---- rollback ----------------------------------------------------------------------

Result<std::optional<int64_t>> StateStore::last_run_with_writes() {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT max(run_id) FROM written_keys");
  Result<bool> row = st.step();
  if (!row.ok()) return row.take_error();
  return st.column_optional_int(0);
}

Result<WrittenCounts> StateStore::count_written(int64_t run_id, const std::string& task) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  // A range key..last_key of integer keys stands for last - first + 1 keys.
  MIG_STATEMENT(st,
                "SELECT coalesce(sum(CASE WHEN action <> 'inserted' THEN 0 "
                "                         WHEN last_key IS NULL THEN 1 ELSE "
                "                         json_extract(last_key, '$[0]') - json_extract(key, '$[0]') + 1 "
                "                    END), 0), "
                "       count(*) FILTER (WHERE action = 'updated') "
                "FROM written_keys WHERE run_id = ?1 AND task = ?2");
  Result<bool> row = st.bind(1, run_id).bind(2, task).step();
  if (!row.ok()) return row.take_error();
  return WrittenCounts{st.column_int(0), st.column_int(1)};
}

Result<std::vector<WrittenKeyRow>> StateStore::written_keys_page(int64_t run_id,
                                                                 const std::string& task,
                                                                 std::optional<int64_t> before_id,
                                                                 int64_t limit) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  // Walks the index written_keys_by_run (run_id, task, id) backwards from `before_id`.
  MIG_STATEMENT(st,
                "SELECT id, key, action, before_image, last_key FROM written_keys "
                "WHERE run_id = ?1 AND task = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4");
  st.bind(1, run_id).bind(2, task).bind(3, before_id.value_or(INT64_MAX)).bind(4, limit);
  std::vector<WrittenKeyRow> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    std::string action = st.column_text(2);
    std::optional<WriteAction> a = enum_from_name<WriteAction>(kWriteActionNames, action);
    if (!a) return impl_->corrupt("a write action `" + action + "`");
    out.push_back(WrittenKeyRow{st.column_int(0),
                                WrittenKey{st.column_text(1), *a, st.column_optional_text(3),
                                           st.column_optional_text(4)}});
  }
}

Result<std::vector<int64_t>> StateStore::other_writers(int64_t run_id, const std::string& task) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "SELECT DISTINCT w.run_id FROM written_keys w "
                "WHERE w.task = ?2 AND w.run_id <> ?1 AND NOT EXISTS ("
                "  SELECT 1 FROM rollbacks r WHERE r.run_id = w.run_id AND r.status = 'completed') "
                "ORDER BY w.run_id");
  st.bind(1, run_id).bind(2, task);
  std::vector<int64_t> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    out.push_back(st.column_int(0));
  }
}

namespace {

#define MIG_ROLLBACK_COLUMNS "run_id, status, reason, started_at, ended_at"

Result<std::optional<RollbackRecord>> read_rollback(SqliteStatement& st, const std::string& path) {
  Result<bool> row = st.step();
  if (!row.ok()) return row.take_error();
  if (!*row) return std::optional<RollbackRecord>();
  RollbackRecord r;
  r.run_id = st.column_int(0);
  std::string status = st.column_text(1);
  std::optional<RollbackStatus> s = enum_from_name<RollbackStatus>(kRollbackStatusNames, status);
  if (!s)
    return Error{"state store " + path + " holds a rollback status `" + status +
                 "` that this migrun does not know"};
  r.status = *s;
  r.reason = st.column_text(2);
  r.started_at = st.column_text(3);
  r.ended_at = st.column_optional_text(4);
  return std::optional<RollbackRecord>(std::move(r));
}

}  // namespace

Result<std::optional<RollbackRecord>> StateStore::rollback_record(int64_t run_id) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_ROLLBACK_COLUMNS " FROM rollbacks WHERE run_id = ?1");
  st.bind(1, run_id);
  return read_rollback(st, impl_->path);
}

Result<std::optional<RollbackRecord>> StateStore::unfinished_rollback() {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st, "SELECT " MIG_ROLLBACK_COLUMNS
                    " FROM rollbacks WHERE status <> 'completed' ORDER BY run_id DESC LIMIT 1");
  return read_rollback(st, impl_->path);
}

Status StateStore::begin_rollback(int64_t run_id, const std::vector<std::string>& tasks,
                                  const std::vector<std::string>& argv) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  std::string now = now_text();
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.error();
  {
    // This process holds the lock: a run still marked running died.
    MIG_STATEMENT(st, "UPDATE runs SET status = 'aborted' WHERE status = 'running'");
    MIG_TRY(st.run());
  }
  {
    MIG_STATEMENT(
        st,
        "UPDATE tasks SET state = 'pending', reason = 'interrupted: run ' || "
        "coalesce(run_id, '?') || ' did not finish', updated_at = ?1 WHERE state = 'running'");
    MIG_TRY(st.bind(1, now).run());
  }
  {
    nlohmann::json args = nlohmann::json::array();
    for (const std::string& a : argv) args.push_back(redact_url(a));
    MIG_STATEMENT(st,
                  "INSERT INTO rollbacks (run_id, status, started_at, argv, pid, host) "
                  "VALUES (?1, 'running', ?2, ?3, ?4, ?5) "
                  "ON CONFLICT (run_id) DO UPDATE SET status = 'running', reason = NULL, "
                  "  ended_at = NULL, argv = excluded.argv, pid = excluded.pid, "
                  "  host = excluded.host");
    st.bind(1, run_id).bind(2, now);
    st.bind(3, args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    MIG_TRY(st.bind(4, static_cast<int64_t>(getpid())).bind(5, host_name()).run());
  }
  MIG_STATEMENT(st,
                "INSERT INTO rollback_tasks (run_id, task, position, updated_at) "
                "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_id, task) DO NOTHING");
  for (size_t i = 0; i < tasks.size(); ++i) {
    st.bind(1, run_id).bind(2, tasks[i]).bind(3, static_cast<int64_t>(i)).bind(4, now);
    MIG_TRY(st.run());
  }
  return tx->commit();
}

Result<std::vector<RollbackTaskRecord>> StateStore::rollback_tasks(int64_t run_id) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "SELECT task, position, state, next_id, batches, deleted, absent, restored, "
                "reinserted FROM rollback_tasks WHERE run_id = ?1 ORDER BY position, task");
  st.bind(1, run_id);
  std::vector<RollbackTaskRecord> out;
  for (;;) {
    Result<bool> row = st.step();
    if (!row.ok()) return row.take_error();
    if (!*row) return out;
    RollbackTaskRecord r;
    r.task = st.column_text(0);
    r.position = st.column_int(1);
    r.completed = st.column_text(2) == "completed";
    r.next_id = st.column_optional_int(3);
    r.batches = st.column_int(4);
    r.counters = {st.column_int(5), st.column_int(6), st.column_int(7), st.column_int(8)};
    out.push_back(std::move(r));
  }
}

Status StateStore::save_rollback_batch(int64_t run_id, const std::string& task, int64_t next_id,
                                       const UndoCounters& d) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "UPDATE rollback_tasks SET state = 'running', next_id = ?3, "
                "  batches = batches + 1, deleted = deleted + ?4, absent = absent + ?5, "
                "  restored = restored + ?6, reinserted = reinserted + ?7, updated_at = ?8 "
                "WHERE run_id = ?1 AND task = ?2");
  st.bind(1, run_id).bind(2, task).bind(3, next_id).bind(4, d.deleted).bind(5, d.absent);
  MIG_TRY(st.bind(6, d.restored).bind(7, d.reinserted).bind(8, now_text()).run());
  if (impl_->db.changes() == 0)
    return Error{"no rollback of task `" + task + "` of run " + std::to_string(run_id) + " in " +
                 path()};
  return Status::success();
}

Status StateStore::complete_rollback_task(int64_t run_id, const std::string& task) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  MIG_STATEMENT(st,
                "UPDATE rollback_tasks SET state = 'completed', updated_at = ?3 "
                "WHERE run_id = ?1 AND task = ?2");
  return st.bind(1, run_id).bind(2, task).bind(3, now_text()).run();
}

Status StateStore::end_rollback(int64_t run_id, RollbackStatus status, const std::string& reason) {
  std::lock_guard<std::recursive_mutex> guard(impl_->mu);
  Result<SqliteTransaction> tx = SqliteTransaction::begin(impl_->db);
  if (!tx.ok()) return tx.error();
  if (status == RollbackStatus::completed) {
    MIG_STATEMENT(del_task,
                  "DELETE FROM tasks WHERE task IN "
                  "(SELECT task FROM rollback_tasks WHERE run_id = ?1)");
    MIG_TRY(del_task.bind(1, run_id).run());
    MIG_STATEMENT(del_cw,
                  "DELETE FROM crosswalks WHERE task IN "
                  "(SELECT task FROM rollback_tasks WHERE run_id = ?1)");
    MIG_TRY(del_cw.bind(1, run_id).run());
  }
  MIG_STATEMENT(st,
                "UPDATE rollbacks SET status = ?2, reason = ?3, ended_at = ?4 WHERE run_id = ?1");
  st.bind(1, run_id).bind(2, status_name(status)).bind(3, null_if_empty(reason));
  MIG_TRY(st.bind(4, now_text()).run());
  if (impl_->db.changes() == 0)
    return Error{"no rollback of run " + std::to_string(run_id) + " in " + path()};
  return tx->commit();
}

}  // namespace mig
