#include "compiler/dag.hpp"

#include <algorithm>
#include <queue>

namespace mig {

const DagNode* LogicalDag::find(std::string_view id) const {
  auto index = index_of(id);
  return index ? &nodes[*index] : nullptr;
}

std::optional<size_t> LogicalDag::index_of(std::string_view id) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].id == id) return i;
  return std::nullopt;
}

namespace {

std::vector<size_t> sorted_unique(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

std::vector<size_t> LogicalDag::dependencies(size_t node) const {
  std::vector<size_t> out;
  for (const DagEdge& e : edges)
    if (e.to == node) out.push_back(e.from);
  return sorted_unique(std::move(out));
}

std::vector<size_t> LogicalDag::dependents(size_t node) const {
  std::vector<size_t> out;
  for (const DagEdge& e : edges)
    if (e.from == node) out.push_back(e.to);
  return sorted_unique(std::move(out));
}

size_t LogicalDag::wave_of(size_t node) const {
  for (size_t w = 0; w < waves.size(); ++w)
    if (std::find(waves[w].begin(), waves[w].end(), node) != waves[w].end()) return w + 1;
  return 0;
}

void add_edge(LogicalDag& dag, DagEdge::Kind kind, size_t from, size_t to, std::string reason) {
  for (const DagEdge& e : dag.edges)
    if (e.from == from && e.to == to && e.reason == reason) return;
  dag.edges.push_back(DagEdge{kind, from, to, std::move(reason)});
}

void schedule(LogicalDag& dag) {
  size_t n = dag.nodes.size();
  // Distinct predecessors per node: two reasons for one edge still count once.
  std::vector<std::vector<size_t>> next(n);
  for (const DagEdge& e : dag.edges)
    if (e.from < n && e.to < n) next[e.from].push_back(e.to);
  std::vector<size_t> waiting(n, 0);
  for (auto& after : next) {
    after = sorted_unique(std::move(after));
    for (size_t node : after) ++waiting[node];
  }
  dag.order.clear();
  dag.waves.clear();
  dag.unordered.clear();

  // The order: always the earliest-declared ready node next.
  std::vector<size_t> left = waiting;
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < n; ++i)
    if (left[i] == 0) ready.push(i);
  while (!ready.empty()) {
    size_t node = ready.top();
    ready.pop();
    dag.order.push_back(node);
    for (size_t after : next[node])
      if (--left[after] == 0) ready.push(after);
  }

  // The waves: everything ready at once, level by level.
  left = waiting;
  std::vector<size_t> wave;
  for (size_t i = 0; i < n; ++i)
    if (left[i] == 0) wave.push_back(i);
  while (!wave.empty()) {
    std::vector<size_t> following;
    for (size_t node : wave)
      for (size_t after : next[node])
        if (--left[after] == 0) following.push_back(after);
    std::sort(following.begin(), following.end());
    dag.waves.push_back(std::move(wave));
    wave = std::move(following);
  }

  for (size_t i = 0; i < n; ++i)
    if (left[i] != 0) dag.unordered.push_back(i);
}

const char* node_kind_name(DagNode::Kind kind) {
  switch (kind) {
    case DagNode::Kind::prepare:
      return "prepare";
    case DagNode::Kind::task:
      return "task";
    case DagNode::Kind::expect:
      return "expect";
    case DagNode::Kind::finish:
      return "finish";
  }
  return "task";
}

const char* edge_kind_name(DagEdge::Kind kind) {
  switch (kind) {
    case DagEdge::Kind::lookup:
      return "lookup";
    case DagEdge::Kind::follow:
      return "follow";
    case DagEdge::Kind::prepare:
      return "prepare";
    case DagEdge::Kind::finish:
      return "finish";
    case DagEdge::Kind::expect:
      return "expect";
    case DagEdge::Kind::foreign_key:
      return "foreign key";
  }
  return "prepare";
}

}  // namespace mig
