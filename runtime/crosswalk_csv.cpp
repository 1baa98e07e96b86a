#include "runtime/crosswalk_csv.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "runtime/reports.hpp"
#include "runtime/value_json.hpp"
#include "runtime/value_text.hpp"

namespace fs = std::filesystem;

namespace mig {

namespace {

bool plain_name_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Appends one decoded key's fields (`,`-separated, after a first field when `comma`).
Status append_key(std::ostream& out, const std::string& encoded, size_t columns, bool comma) {
  Result<std::vector<Value>> key = decode_key(encoded);
  if (!key.ok()) return key.take_error();
  if (key->size() != columns)
    return Error{"crosswalk key `" + encoded + "` has " + std::to_string(key->size()) +
                 " values for " + std::to_string(columns) + " key columns"};
  for (size_t i = 0; i < key->size(); ++i) {
    if (comma || i > 0) out << ',';
    const Value& v = (*key)[i];
    if (!v.is_null()) out << csv_field(to_text(v));
  }
  return Status::success();
}

}  // namespace

std::string crosswalk_csv_name(const std::string& task) {
  static const char* kHex = "0123456789ABCDEF";
  std::string name = "crosswalk_";
  for (unsigned char c : task) {
    if (plain_name_byte(c)) {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += kHex[c >> 4];
      name += kHex[c & 15];
    }
  }
  return name + ".csv";
}

Status write_crosswalk_csv(std::ostream& out, const BoundTask& task, StateStore& state) {
  for (size_t i = 0; i < task.key.size(); ++i)
    out << (i > 0 ? "," : "") << csv_field("old_" + task.key[i]);
  for (const std::string& column : task.target_key) out << ',' << csv_field("new_" + column);
  out << '\n';
  // The callback cannot stop the walk: the first error is kept and the rest skipped.
  Status failed = Status::success();
  Status walked = state.for_each_crosswalk(task.name, [&](const CrosswalkEntry& e) {
    if (!failed.ok()) return;
    if (Status st = append_key(out, e.source_key, task.key.size(), false); !st.ok()) {
      failed = st;
      return;
    }
    if (Status st = append_key(out, e.target_key, task.target_key.size(), true); !st.ok()) {
      failed = st;
      return;
    }
    out << '\n';
  });
  if (!walked.ok()) return walked;
  if (!failed.ok())
    return Error{"crosswalk of task `" + task.name + "`: " + failed.error().message};
  return Status::success();
}

Status write_crosswalk_csvs(const std::string& folder, const BoundPlan& plan, StateStore& state) {
  for (const BoundTask& task : plan.tasks) {
    if (!task.rekeys) continue;
    fs::path path = fs::path(folder) / crosswalk_csv_name(task.name);
    fs::path temporary = path;
    temporary += ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary);
      Status st = write_crosswalk_csv(out, task, state);
      out.close();
      if (st.ok() && !out) st = Error{"cannot write `" + temporary.string() + "`"};
      if (!st.ok()) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        return st;
      }
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) return Error{"cannot rename `" + temporary.string() + "`: " + ec.message()};
  }
  return Status::success();
}

}  // namespace mig
