// The logical DAG: what runs, and after what, with the reason for each node and edge.
// `lower` builds it from a checked plan, `migc explain` prints it and the runtime's
// scheduler walks the same value (in `order`, or wave by wave).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig {

struct DagNode {
  enum class Kind {
    prepare,  // per target connection: before-hooks, FK checks off when deferred
    task,     // one copy/update task
    expect,   // one `expect` (task-level or plan-level)
    finish,   // per target connection: FK checks back on and verified, after-hooks (after
              // the last task touching it; validations do not hold it up)
  };
  Kind kind = Kind::task;
  std::string id;     // unique and stable: `task:orders`, `prepare:stage`, `expect:orders:1`
  std::string label;  // what a reviewer reads: `copy orders`, `expect unique(email)`
  std::string why;    // why the node exists, as a sentence
  std::optional<size_t> task;       // task node (and task-level expect): CheckedPlan::tasks index
  std::optional<size_t> assertion;  // expect node: CheckedPlan::assertions index
  std::string connection;           // prepare/finish: the target connection
  std::vector<size_t> hooks;        // prepare/finish: CheckedPlan::hooks indexes, in order
  bool toggles_fk_checks = false;   // prepare: turns them off; finish: on again and verified
};

struct DagEdge {
  enum class Kind {
    lookup,   // the consumer translates keys through the producer's crosswalk
    follow,   // the child keeps only rows whose key the parent selected
    prepare,  // a connection is prepared before a task touches it
    finish,   // a connection is finished after the last task touching it
    expect,   // a validation runs after what it reads
    foreign_key,  // the child's target table references the parent's (added at bind time)
  };
  Kind kind = Kind::prepare;
  size_t from = 0;     // runs first (index into LogicalDag::nodes)
  size_t to = 0;       // runs after
  std::string reason;  // a sentence: `orders follows customer_id -> customers`
};

struct LogicalDag {
  std::string plan;                        // the plan's name
  std::vector<DagNode> nodes;              // in declaration order (prepare, tasks + their expects,
                                           // plan-level expects, finish), which also breaks ties
  std::vector<DagEdge> edges;              // in the order they were found
  std::vector<size_t> order;               // a topological order, ties broken by declaration order
  std::vector<std::vector<size_t>> waves;  // nodes whose dependencies are all in earlier waves
  std::vector<size_t> unordered;           // nodes on (or behind) a cycle; empty for a checked plan

  // The node with this id, or nullptr.
  const DagNode* find(std::string_view id) const;
  // Index of the node with this id, or nullopt.
  std::optional<size_t> index_of(std::string_view id) const;
  // Nodes that must finish before `node` (edge sources), without repeats, ascending.
  std::vector<size_t> dependencies(size_t node) const;
  // Nodes waiting on `node` (edge targets), without repeats, ascending.
  std::vector<size_t> dependents(size_t node) const;
  // The 1-based wave of `node`, or 0 when it is unordered.
  size_t wave_of(size_t node) const;
};

// Adds an edge unless the same (from, to, reason) is there already.
void add_edge(LogicalDag& dag, DagEdge::Kind kind, size_t from, size_t to, std::string reason);

// Fills `order`, `waves` and `unordered` from `nodes` and `edges` (Kahn's algorithm; a
// cycle leaves its nodes unordered instead of looping).
void schedule(LogicalDag& dag);

// `prepare`, `task`, `expect`, `finish`.
const char* node_kind_name(DagNode::Kind kind);
// `lookup`, `follow`, `prepare`, `finish`, `expect`, `foreign key`.
const char* edge_kind_name(DagEdge::Kind kind);

}  // namespace mig
