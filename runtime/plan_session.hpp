// A plan compiled and bound to its environment's databases, with one open connection per
// connection name: the start that `migrun rollback` and `migrun validate` share (the same
// steps as the run pipeline in run.cpp: compile, connect and introspect, bind).
#pragma once
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/compile.hpp"
#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"

namespace mig {

struct SessionOptions {
  std::string plan_path;
  std::string env;                  // `--env`; empty: connectors as declared
  std::vector<std::string> params;  // NAME=VALUE
};

// Lives at a fixed address: `bound` points into `compilation`.
struct PlanSession {
  Compilation compilation;
  std::map<std::string, std::unique_ptr<Connector>> connections;
  BoundPlan bound;

  const CheckedPlan& plan() const { return *compilation.plan; }
  // `plan NAME (env ENV)`, for messages.
  std::string where(const std::string& env) const;
};

// Compiles, connects and binds; diagnostics and errors go to `err` (prefixed `migrun:`).
// Sets `exit_code` (2: plan or usage error, 1: a database cannot be reached) and returns
// null on failure.
std::unique_ptr<PlanSession> open_session(const SessionOptions& options, std::ostream& err,
                                          int& exit_code);

}  // namespace mig
