#include "runtime/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace mig {

Progress::Progress(std::string task, int64_t total, bool quiet, std::ostream& out, bool json)
    : task_(std::move(task)), total_(total), quiet_(quiet),
      terminal_(!json && isatty(STDERR_FILENO)), json_(json), out_(out), start_(std::chrono::steady_clock::now()), last_(start_) {}

std::string Progress::line(int64_t rows) const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? double(rows) / secs : 0;
  char buf[160];
  int n = std::snprintf(buf, sizeof buf, "%-24s %12lld rows  %10.0f rows/s", task_.c_str(),
                        (long long)rows, rate);
  std::string s(buf, size_t(n));
  if (int64_t total = total_; total > 0) {
    double pct = 100.0 * double(rows) / double(total);
    long eta = rate > 0 ? long(double(total - rows) / rate) : 0;
    std::snprintf(buf, sizeof buf, "  %5.1f%%  ETA %ld:%02ld", pct > 100 ? 100.0 : pct,
                  eta / 60, eta % 60);
    s += buf;
  }
  return s;
}

std::string Progress::json_line(int64_t rows) const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  nlohmann::json j{{"event", "progress"}, {"task", task_}, {"rows", rows},
                   {"seconds", std::round(secs * 1000) / 1000}};
  if (int64_t total = total_; total >= 0) j["total"] = total;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Progress::update(int64_t rows) {
  rows_ = rows;
  if (quiet_) return;
  auto now = std::chrono::steady_clock::now();
  auto every = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_ < every) return;
  last_ = now;
  if (terminal_) out_ << "\r\033[K" << line(rows) << std::flush;
  else if (json_) out_ << json_line(rows) << "\n";
  else out_ << "progress: " << line(rows) << "\n";
}

void Progress::done() {
  if (quiet_) return;
  if (terminal_) out_ << "\r\033[K" << std::flush;
  else if (json_) out_ << json_line(rows_) << "\n";
}

}  // namespace mig
