#include "runtime/csv_reader.hpp"

namespace mig {

CsvReader::CsvReader(std::istream& in, char delimiter)
    : in_(in), delimiter_(delimiter), buffer_(size_t{1} << 16) {}

void CsvReader::refill() {
  if (eof_) return;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<size_t>(in_.gcount());
  pos_ = 0;
  if (end_ == 0) eof_ = true;
}

int CsvReader::peek() {
  if (pos_ == end_) refill();
  if (pos_ == end_) return kEnd;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get() {
  int c = peek();
  if (c != kEnd) ++pos_;
  return c;
}

bool CsvReader::read_cell(CsvCell& cell, CsvRecord& record, size_t& bytes) {
  auto is_end = [&](int c) { return c == static_cast<unsigned char>(delimiter_) || c == '\n' || c == '\r' || c == kEnd; };
  if (peek() == '"') {
    get();
    cell.quoted = true;
    int64_t opened = line_;
    for (;;) {
      int c = get();
      if (c == kEnd) {
        if (record.problem.empty())
          record.problem = "the quoted cell opened on line " + std::to_string(opened) +
                           " is never closed";
        return true;
      }
      if (c == '"') {
        if (peek() != '"') break;
        get();
      } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
        ++line_;
      }
      cell.text += static_cast<char>(c);
      if (++bytes > kMaxRecordBytes) return false;
    }
    // RFC 4180 allows nothing between a closing quote and the delimiter: kept, but flagged.
    while (!is_end(peek())) {
      if (record.problem.empty())
        record.problem = "text after the closing quote of cell " +
                         std::to_string(record.cells.size());  // this cell is already in
      cell.text += static_cast<char>(get());
      if (++bytes > kMaxRecordBytes) return false;
    }
    return true;
  }
  while (!is_end(peek())) {
    cell.text += static_cast<char>(get());  // a quote inside an unquoted cell is kept as is
    if (++bytes > kMaxRecordBytes) return false;
  }
  return true;
}

Result<bool> CsvReader::next(CsvRecord& record) {
  if (!started_) {
    started_ = true;
    if (peek() == 0xEF && end_ - pos_ >= 3 && static_cast<unsigned char>(buffer_[pos_ + 1]) == 0xBB &&
        static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF)
      pos_ += 3;
  }
  for (;;) {  // skip empty lines
    int c = peek();
    if (c == '\n') {
      get();
      ++line_;
    } else if (c == '\r') {
      get();
      if (peek() == '\n') get();
      ++line_;
    } else {
      break;
    }
  }
  if (in_.bad()) return Error{"cannot read line " + std::to_string(line_)};
  if (peek() == kEnd) return false;
  record.cells.clear();
  record.problem.clear();
  record.line = line_;
  size_t bytes = 0;
  for (;;) {
    record.cells.emplace_back();
    if (!read_cell(record.cells.back(), record, bytes))
      return Error{"line " + std::to_string(record.line) + ": a record longer than " +
                   std::to_string(kMaxRecordBytes >> 20) + " MiB (an unterminated quote?)"};
    int c = get();
    if (c == static_cast<unsigned char>(delimiter_)) continue;
    if (c == '\r' && peek() == '\n') get();
    if (c == '\n' || c == '\r') ++line_;
    if (in_.bad()) return Error{"cannot read line " + std::to_string(line_)};
    return true;
  }
}

}  // namespace mig
