// Rows whose foreign key finds no parent row: one set-based query per foreign key
// (`expect no orphans in CONN`, and the check that follows a load with
// `fk_checks = deferred`).
#pragma once
#include <set>
#include <string>
#include <vector>

#include "runtime/catalog.hpp"
#include "runtime/connector.hpp"

namespace mig {

struct OrphanCount {
  std::string child;   // the referencing table, qualified
  std::string parent;  // the referenced table
  int64_t rows = 0;
};

// For each foreign key of the tables of `catalog` (only those named in `only`, by
// qualified name, when it is not empty) whose parent is in `catalog`: how many rows
// dangle. Null keys are not orphans.
Result<std::vector<OrphanCount>> count_orphans(const Catalog& catalog, Connector& conn,
                                               const std::set<std::string>& only = {});

// `T -> P: 3, U -> T: 1` for the counts that are not zero.
std::string describe_orphans(const std::vector<OrphanCount>& counts);

}  // namespace mig
