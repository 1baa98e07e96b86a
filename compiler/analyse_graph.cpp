// The task graph: `lookup` and `follow` make one task run after another, so they must not
// form a cycle. The cycle search is shared with the function call graph.
#include "compiler/analyse_context.hpp"

namespace mig {

std::vector<std::vector<std::pair<size_t, const Edge*>>> find_cycles(
    const std::vector<std::vector<Edge>>& graph) {
  enum Color { white, grey, black };
  std::vector<Color> color(graph.size(), white);
  std::vector<std::vector<std::pair<size_t, const Edge*>>> cycles;
  // Iterative depth-first search: a deep chain of tasks must not overflow the stack.
  for (size_t start = 0; start < graph.size(); ++start) {
    if (color[start] != white) continue;
    std::vector<std::pair<size_t, const Edge*>> path{{start, nullptr}};
    std::vector<size_t> next{0};
    color[start] = grey;
    while (!path.empty()) {
      size_t u = path.back().first;
      if (next.back() == graph[u].size()) {
        color[u] = black;
        path.pop_back();
        next.pop_back();
        continue;
      }
      const Edge& e = graph[u][next.back()++];
      path.back().second = &e;
      if (color[e.to] == grey) {
        size_t from = 0;
        while (path[from].first != e.to) ++from;
        cycles.emplace_back(path.begin() + long(from), path.end());
      } else if (color[e.to] == white) {
        color[e.to] = grey;
        path.push_back({e.to, nullptr});
        next.push_back(0);
      }
    }
  }
  return cycles;
}

void Analyser::check_task_graph() {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.tasks.size(); ++i) index.emplace(plan.tasks[i].name, i);
  std::vector<std::vector<Edge>> graph(plan.tasks.size());
  for (size_t i = 0; i < plan.tasks.size(); ++i)
    for (const Dependency& dep : plan.tasks[i].deps) {
      auto it = index.find(dep.task);
      if (it == index.end()) continue;
      bool lookup = dep.kind == Dependency::Kind::lookup;
      graph[i].push_back(Edge{it->second, dep.span, lookup ? "looks up" : "follows"});
    }
  for (const auto& cycle : find_cycles(graph)) {
    std::string chain;
    for (const auto& [node, edge] : cycle) chain += plan.tasks[node].name + " -> ";
    chain += plan.tasks[cycle.front().first].name;
    Diagnostic& d = diags.report(DiagId::task_cycle, cycle.front().second->span, {chain});
    if (cycle.size() == 1) {
      add_help(d, "a task cannot look up its own crosswalk: it is written by the task itself");
      continue;
    }
    for (size_t i = 1; i < cycle.size(); ++i) {
      const auto& [node, edge] = cycle[i];
      add_note(d,
               "`" + plan.tasks[node].name + "` " + edge->label + " `" +
                   plan.tasks[edge->to].name + "` here",
               edge->span);
    }
  }
}

}  // namespace mig
