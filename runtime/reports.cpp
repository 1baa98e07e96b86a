#include "runtime/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fs = std::filesystem;

namespace mig {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void RunReport::add_task(const BoundTask& task, const TaskRecord& record, const std::string& note) {
  for (Entry& e : tasks_)
    if (e.task == task.name) {
      e.record = record;
      e.note = note;
      return;
    }
  tasks_.push_back(Entry{task.name, task.source_conn + "." + task.source->qualified(),
                         task.target_conn + "." + task.target->qualified(), note, record});
}

void RunReport::sort(const std::vector<std::string>& task_order) {
  auto rank = [&](const Entry& e) {
    return std::find(task_order.begin(), task_order.end(), e.task) - task_order.begin();
  };
  std::stable_sort(tasks_.begin(), tasks_.end(),
                   [&](const Entry& a, const Entry& b) { return rank(a) < rank(b); });
  std::stable_sort(expects_.begin(), expects_.end(),
                   [](const ExpectResult& a, const ExpectResult& b) { return a.assertion < b.assertion; });
}

std::string RunReport::summary(const std::string& status) const {
  std::ostringstream out;
  size_t width = 4;
  for (const Entry& e : tasks_) width = std::max(width, e.task.size());
  char line[256];
  out << "\nplan " << plan_ << ", run " << run_id_ << ": " << status << "\n";
  std::snprintf(line, sizeof line, "  %-*s  %-10s %10s %10s %10s %10s\n", int(width), "task",
                "state", "read", "written", "rejected", "skipped");
  out << line;
  for (const Entry& e : tasks_) {
    const TaskCounters& c = e.record.counters;
    std::snprintf(line, sizeof line, "  %-*s  %-10s %10lld %10lld %10lld %10lld\n", int(width),
                  e.task.c_str(), state_name(e.record.state), (long long)c.read,
                  (long long)c.written, (long long)c.rejected, (long long)c.skipped);
    out << line;
    if (!e.note.empty()) out << "  " << std::string(width, ' ') << "  (" << e.note << ")\n";
  }
  if (rejects_ > 0) out << "rejected rows of this run: " << rejects_ << " (rejects.csv)\n";
  out << expects_summary(expects_);
  return out.str();
}

std::string expects_summary(const std::vector<ExpectResult>& expects) {
  std::ostringstream out;
  if (!expects.empty()) out << "expectations:\n";
  for (const ExpectResult& e : expects)
    out << "  " << (!e.evaluated ? "skip" : e.passed ? "ok  " : "FAIL") << "  " << e.name
        << (e.task.empty() ? "" : " [" + e.task + "]") << ": " << e.details << "\n";
  return out.str();
}

nlohmann::json validation_json(const std::vector<ExpectResult>& expects) {
  nlohmann::json validation = nlohmann::json::array();
  for (const ExpectResult& e : expects) {
    nlohmann::json entry{{"expect", e.name}, {"task", e.task}, {"evaluated", e.evaluated},
                         {"passed", e.passed}, {"details", e.details}};
    if (!e.data.is_null()) entry["numbers"] = e.data;  // parity's counts and first keys
    validation.push_back(std::move(entry));
  }
  return validation;
}

Result<std::string> RunReport::write(const std::string& dir, const std::string& plan,
                                     int64_t run_id, const std::string& status, StateStore& state) {
  plan_ = plan;
  run_id_ = run_id;
  fs::path folder = fs::path(dir) / plan / std::to_string(run_id);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Error{"cannot create `" + folder.string() + "`: " + ec.message()};

  std::ofstream rejects(folder / "rejects.csv", std::ios::binary);
  rejects << "task,key,reason,row\n";
  rejects_ = 0;
  auto st = state.for_each_reject(run_id, "", [&](const std::string& task, const RejectEntry& r) {
    ++rejects_;
    rejects << csv_field(task) << ',' << csv_field(r.key) << ',' << csv_field(r.label) << ','
            << csv_field(r.row) << '\n';
  });
  if (!st.ok()) return st.error();

  nlohmann::json j;
  j["plan"] = plan;
  j["run"] = run_id;
  j["status"] = status;
  j["rejects"] = rejects_;
  j["tasks"] = nlohmann::json::array();
  for (const Entry& e : tasks_) {
    const TaskCounters& c = e.record.counters;
    j["tasks"].push_back({{"task", e.task}, {"from", e.from}, {"to", e.to},
                          {"state", state_name(e.record.state)}, {"read", c.read},
                          {"written", c.written}, {"rejected", c.rejected},
                          {"skipped", c.skipped}, {"note", e.note}});
  }
  nlohmann::json validation = validation_json(expects_);
  j["validation"] = validation;
  std::ofstream(folder / "validation.json", std::ios::binary)
      << validation.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::ofstream(folder / "report.json", std::ios::binary)
      << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::ofstream(folder / "summary.txt", std::ios::binary) << summary(status);
  if (!rejects) return Error{"cannot write `" + (folder / "rejects.csv").string() + "`"};
  return folder.string();
}

}  // namespace mig
