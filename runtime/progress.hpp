// The live progress of one task: on a terminal a line redrawn in place (rows, rows/s, %
// of the counted total, ETA); elsewhere a log line every few seconds, so CI logs stay short.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace mig {

class Progress {
 public:
  // `total` < 0: unknown (no % or ETA). `quiet`: prints nothing. `json`: log lines are
  // JSON objects (`--log-format json`), never a redrawn line.
  Progress(std::string task, int64_t total, bool quiet, std::ostream& out, bool json = false);
  // The counted total, when it arrives after the start (counted beside the copy).
  void set_total(int64_t total) { total_ = total; }
  // Rows done so far.
  void update(int64_t rows);
  // Ends the line (terminal) or logs the final count.
  void done();

 private:
  std::string line(int64_t rows) const;
  std::string json_line(int64_t rows) const;

  std::string task_;
  std::atomic<int64_t> total_;
  bool quiet_;
  bool terminal_;
  bool json_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_, last_;
  int64_t rows_ = 0;
};

}  // namespace mig
