// Which DAG nodes may run now. Pure bookkeeping, no I/O and no clock: the executor asks
// `ready()`, reports `started`/`finished`, and the scheduler answers. Tests drive it alone.
#pragma once
#include <cstddef>
#include <vector>

#include "compiler/dag.hpp"

namespace mig {

class Scheduler {
 public:
  enum class State {
    pending,    // waiting for dependencies
    running,
    done,       // finished, or skipped by the user (dependents may go on)
    failed,     // finished badly; its dependents become blocked
    blocked,    // a dependency failed: it will not run
  };
  // How a node ended.
  enum class Outcome {
    ok,
    failed,       // blocks everything downstream (a task, a prepare step)
    failed_soft,  // reported, but dependents still run (a failed `expect`)
  };

  // `parallel`: at most this many nodes running at once (at least 1).
  Scheduler(const LogicalDag& dag, size_t parallel);

  // Nodes that may start now, in DAG order, without exceeding `parallel`.
  std::vector<size_t> ready() const;
  void started(size_t node);
  void finished(size_t node, Outcome outcome);
  // Marks a node as not run but satisfied (`--skip`, already completed).
  void skip(size_t node);
  // Everything is done, failed or blocked.
  bool idle() const;
  State state(size_t node) const { return states_[node]; }
  size_t running() const { return running_; }

 private:
  void block_dependents(size_t node);

  const LogicalDag& dag_;
  size_t parallel_;
  size_t running_ = 0;
  std::vector<State> states_;
  std::vector<std::vector<size_t>> deps_;  // per node, the nodes it waits for
};

}  // namespace mig
