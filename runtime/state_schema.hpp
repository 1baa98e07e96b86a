// The state store's SQLite schema and its version (kept in `PRAGMA user_version`). The
// tables and columns are documented for users in docs/state.md; change both together,
// and bump the version with a migration step whenever a released layout changes.
#pragma once

namespace mig {

// The layout this build writes. A file with a higher version is refused; a lower one is
// migrated on open, one version at a time (kStateMigrations).
constexpr int kStateSchemaVersion = 3;

// DDL creating every table and index of version 1 in an empty file; a new file then takes
// every migration step too.
extern const char* const kStateSchemaSql;

// kStateMigrations[i] turns a version i + 1 file into version i + 2 (each step runs in the
// transaction that also sets the new `user_version`). Version 2 adds `rollbacks` and
// `rollback_tasks` (the progress of `migrun rollback`); version 3 adds `written_keys.last_key`
// (ranges of inserted integer keys).
extern const char* const kStateMigrations[kStateSchemaVersion - 1];

}  // namespace mig
