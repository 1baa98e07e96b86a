#include "runtime/scheduler.hpp"

#include <algorithm>

namespace mig {

Scheduler::Scheduler(const LogicalDag& dag, size_t parallel)
    : dag_(dag), parallel_(std::max<size_t>(1, parallel)),
      states_(dag.nodes.size(), State::pending), deps_(dag.nodes.size()) {
  for (size_t n = 0; n < dag.nodes.size(); ++n) deps_[n] = dag.dependencies(n);
}

std::vector<size_t> Scheduler::ready() const {
  std::vector<size_t> out;
  size_t slots = parallel_ > running_ ? parallel_ - running_ : 0;
  for (size_t n : dag_.order) {
    if (out.size() >= slots) break;
    if (states_[n] != State::pending) continue;
    bool deps_done = std::all_of(deps_[n].begin(), deps_[n].end(), [&](size_t d) {
      return states_[d] == State::done;
    });
    if (deps_done) out.push_back(n);
  }
  return out;
}

void Scheduler::started(size_t node) {
  states_[node] = State::running;
  ++running_;
}

void Scheduler::finished(size_t node, Outcome outcome) {
  if (states_[node] == State::running) --running_;
  if (outcome == Outcome::failed) {
    states_[node] = State::failed;
    block_dependents(node);
  } else {
    states_[node] = State::done;  // a soft failure is recorded by the caller, not here
  }
}

void Scheduler::skip(size_t node) {
  if (states_[node] == State::pending) states_[node] = State::done;
}

bool Scheduler::idle() const {
  return running_ == 0 && ready().empty();
}

void Scheduler::block_dependents(size_t node) {
  std::vector<size_t> stack = dag_.dependents(node);
  while (!stack.empty()) {
    size_t n = stack.back();
    stack.pop_back();
    if (states_[n] != State::pending) continue;
    states_[n] = State::blocked;
    for (size_t d : dag_.dependents(n)) stack.push_back(d);
  }
}

}  // namespace mig
