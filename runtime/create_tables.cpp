#include "runtime/create_tables.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/table_ddl.hpp"

namespace mig {
namespace {

CommitMarker marker_for(const std::string& plan, const std::string& env, const TableInfo& t) {
  return CommitMarker{plan, env, "create_tables:" + t.qualified(), 0};
}

}  // namespace

Status create_missing_tables(const BoundPlan& plan, const std::string& conn, Connector& target,
                             const std::string& plan_name, const std::string& env) {
  const std::string& dialect = plan.catalogs.at(conn).dialect;
  for (const CreatedTable& c : plan.created) {
    if (c.conn != conn) continue;
    // The marker first: MariaDB commits DDL on its own, so a crash right after the CREATE
    // must still find the foreign keys to add.
    CommitMarker marker = marker_for(plan_name, env, c.table);
    Result<std::optional<std::string>> seen = target.committed(marker);
    if (!seen.ok()) return seen.error();
    if (!*seen) {
      nlohmann::json fks = foreign_key_sql(dialect, c.table);
      if (Status s = target.begin(); !s.ok()) return s;
      if (Status s = target.commit(marker, fks.dump()); !s.ok()) return s;
    }
    if (Status s = target.execute(create_table_sql(dialect, c.table)); !s.ok())
      return Error{"creating table " + quote_input(c.table.qualified()) + ": " + s.error().message};
  }
  return Status::success();
}

namespace {

// A statement and the table it is about.
struct TableStatement {
  std::string table;
  std::string sql;
};

// Runs each statement on a connection of its own, `parallel` at a time; the first error.
// A failed statement does not stop the others: every key that holds is validated.
Status run_at_once(const std::vector<TableStatement>& statements, const ConnectAgain& again,
                   size_t parallel) {
  std::mutex mu;
  size_t next = 0;
  Status first;
  auto worker = [&] {
    Result<std::unique_ptr<Connector>> conn = again();
    for (;;) {
      std::unique_lock<std::mutex> lock(mu);
      if (next == statements.size()) return;
      if (!conn.ok()) {
        if (first.ok()) first = conn.error();
        return;  // the other workers take the rest
      }
      const TableStatement& st = statements[next++];
      lock.unlock();
      Status s = (*conn)->execute(st.sql);
      lock.lock();
      if (!s.ok() && first.ok()) first = Error{"validating a foreign key of " + quote_input(st.table) +
                                               ": " + s.error().message};
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < std::min(parallel, statements.size()); ++i) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return first;
}

}  // namespace

Status add_pending_foreign_keys(const BoundPlan& plan, const std::string& conn, Connector& target,
                                const std::string& plan_name, const std::string& env,
                                const ConnectAgain& again, size_t parallel) {
  if (!plan.plan->settings.create_tables) return Status::success();
  std::set<std::string> seen;
  std::vector<CommitMarker> markers;
  std::vector<TableStatement> validations;
  for (const BoundTask& t : plan.tasks) {
    if (t.target_conn != conn) continue;
    // A table created without a schema (in the default one) is found with it when a run
    // resumes: its marker has the bare name.
    for (const TableInfo& table : {*t.target, TableInfo{"", t.target->name, {}, {}, {}}}) {
      if (!seen.insert(table.qualified()).second) continue;
      CommitMarker marker = marker_for(plan_name, env, table);
      Result<std::optional<std::string>> pending = target.committed(marker);
      if (!pending.ok()) return pending.error();
      if (!*pending) continue;
      for (const auto& j : nlohmann::json::parse(**pending)) {
        std::string sql = j.get<std::string>();
        if (validates_constraint(sql)) {
          validations.push_back({table.qualified(), sql});
          continue;
        }
        if (Status s = target.execute(sql); !s.ok())
          return Error{"adding a foreign key to " + quote_input(table.qualified()) + ": " +
                       s.error().message + " (fix the rows, then run again to add it)"};
      }
      markers.push_back(marker);
    }
  }
  if (Status s = run_at_once(validations, again, std::max<size_t>(1, parallel)); !s.ok())
    return Error{s.error().message + " (fix the rows, then run again to validate it)"};
  for (const CommitMarker& m : markers)
    if (Status s = target.forget_markers(plan_name, env, m.task); !s.ok()) return s;
  return Status::success();
}

}  // namespace mig
