// The state store's SQLite schema and its version (kept in `PRAGMA user_version`). The
// tables and columns are documented for users in docs/state.md; change both together,
// and bump the version with a migration step whenever a released layout changes.
#pragma once

namespace mig {

// The layout this build writes. A file with a higher version is refused; a lower one is
// migrated on open (no older layout exists yet).
constexpr int kStateSchemaVersion = 1;

// DDL creating every table and index of version kStateSchemaVersion in an empty file.
extern const char* const kStateSchemaSql;

}  // namespace mig
