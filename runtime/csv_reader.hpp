// An RFC 4180 CSV parser that streams records from a file (memory bounded by one record):
// quoted cells with doubled quotes, delimiters and line breaks inside quotes, LF, CRLF or
// CR line ends, a UTF-8 byte-order mark. Malformed records are reported, not fatal.
#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

// One cell: its text (quotes removed) and whether it was quoted (a quoted cell is never
// the `null` text: `""` is an empty string, as PostgreSQL's COPY reads it).
struct CsvCell {
  std::string text;
  bool quoted = false;
};

// One record (a CSV row).
struct CsvRecord {
  std::vector<CsvCell> cells;
  int64_t line = 0;      // the line it starts on, from 1 (a quoted cell may span lines)
  std::string problem;   // empty, or why the record is malformed (text after a closing quote)
};

class CsvReader {
 public:
  // A record longer than this stops the reading: likely an unterminated quote.
  static constexpr size_t kMaxRecordBytes = size_t{64} << 20;

  // Reads `in` (opened in binary mode) with cells separated by `delimiter`.
  CsvReader(std::istream& in, char delimiter);

  // The next record into `record`; false at the end of the input. Lines that are wholly
  // empty are skipped (a trailing newline makes no record). An error only when reading
  // cannot go on: an I/O error or a record above kMaxRecordBytes.
  Result<bool> next(CsvRecord& record);

 private:
  static constexpr int kEnd = -1;
  int peek();
  int get();
  void refill();
  // Reads one cell at the current position into `cell`; false when the record is over
  // the size limit.
  bool read_cell(CsvCell& cell, CsvRecord& record, size_t& bytes);

  std::istream& in_;
  char delimiter_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the byte-order mark is looked for once
  int64_t line_ = 1;
};

}  // namespace mig
