#include "runtime/create_tables.hpp"

#include <set>

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

Status add_pending_foreign_keys(const BoundPlan& plan, const std::string& conn, Connector& target,
                                const std::string& plan_name, const std::string& env) {
  if (!plan.plan->settings.create_tables) return Status::success();
  std::set<std::string> done;
  for (const BoundTask& t : plan.tasks) {
    if (t.target_conn != conn || !done.insert(t.target->qualified()).second) continue;
    CommitMarker marker = marker_for(plan_name, env, *t.target);
    Result<std::optional<std::string>> pending = target.committed(marker);
    if (!pending.ok()) return pending.error();
    if (!*pending) continue;
    for (const auto& sql : nlohmann::json::parse(**pending))
      if (Status s = target.execute(sql.get<std::string>()); !s.ok())
        return Error{"adding a foreign key to " + quote_input(t.target->qualified()) + ": " +
                     s.error().message + " (fix the rows, then run again to add it)"};
    if (Status s = target.forget_markers(plan_name, env, marker.task); !s.ok()) return s;
  }
  return Status::success();
}

}  // namespace mig
