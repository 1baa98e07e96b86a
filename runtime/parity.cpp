#include "runtime/parity.hpp"

#include <xxhash.h>

#include <algorithm>
#include <deque>
#include <span>

#include "runtime/parity_encoding.hpp"
#include "runtime/parity_rows.hpp"
#include "runtime/value_json.hpp"

namespace mig {
namespace {

using Rows = std::span<const KeyedRow>;

bool key_less(const KeyedRow& a, const KeyedRow& b) { return key_compare(a.key, b.key) < 0; }

// A segment's checksum: its rows' hashes chained in key order.
uint64_t segment_hash(Rows rows) {
  uint64_t h = 0;
  for (const KeyedRow& r : rows) h = XXH3_64bits_withSeed(&r.hash, sizeof r.hash, h);
  return h;
}

bool same(Rows s, Rows t) { return s.size() == t.size() && segment_hash(s) == segment_hash(t); }

// Compares segments, halving the ones whose checksums differ until few rows are left, then
// matching those row by row.
class Comparer {
 public:
  Comparer(const BoundTask& task, ParityResult& out, const ParityOptions& options)
      : t_(task), out_(out), options_(options) {}

  void segment(Rows s, Rows t) {
    ++out_.segments;
    if (same(s, t)) {
      out_.matched += int64_t(s.size());
      return;
    }
    ++out_.segments_differing;
    bisect(s, t);
  }

  void note(ParityDifference d) {
    if (out_.first.size() < options_.max_listed) out_.first.push_back(std::move(d));
  }

 private:
  static constexpr size_t kRowByRow = 16;

  void bisect(Rows s, Rows t) {
    if (same(s, t)) {
      out_.matched += int64_t(s.size());
      return;
    }
    if (s.size() + t.size() <= kRowByRow) return diff(s, t);
    Rows larger = s.size() >= t.size() ? s : t;
    const KeyedRow& pivot = larger[larger.size() / 2];
    size_t ns = size_t(std::upper_bound(s.begin(), s.end(), pivot, key_less) - s.begin());
    size_t nt = size_t(std::upper_bound(t.begin(), t.end(), pivot, key_less) - t.begin());
    if ((ns == s.size() && nt == t.size()) || (ns == 0 && nt == 0)) return diff(s, t);
    bisect(s.first(ns), t.first(nt));
    bisect(s.subspan(ns), t.subspan(nt));
  }

  // Both sides in key order: a merge.
  void diff(Rows s, Rows t) {
    size_t i = 0, j = 0;
    while (i < s.size() || j < t.size()) {
      if (j == t.size() || (i < s.size() && key_less(s[i], t[j]))) {
        ++out_.missing;
        note({ParityDifference::Kind::missing, encode_key(s[i++].key), {}});
      } else if (i == s.size() || key_less(t[j], s[i])) {
        ++out_.extra;
        note({ParityDifference::Kind::extra, encode_key(t[j++].key), {}});
      } else {
        if (s[i].hash == t[j].hash) {
          ++out_.matched;
        } else {
          ++out_.changed;
          note({ParityDifference::Kind::changed, encode_key(t[j].key), columns(s[i], t[j])});
        }
        ++i;
        ++j;
      }
    }
  }

  std::vector<std::string> columns(const KeyedRow& s, const KeyedRow& t) const {
    std::vector<std::string> out;
    for (size_t c = 0; c < s.values.size(); ++c) {
      std::string a, b;
      append_parity_value(s.values[c], a);
      append_parity_value(t.values[c], b);
      if (a != b)
        out.push_back(t_.outputs[c].name + ": source " + parity_show(s.values[c]) + ", target " +
                      parity_show(t.values[c]));
    }
    return out;
  }

  const BoundTask& t_;
  ParityResult& out_;
  const ParityOptions& options_;
};

// Up to `n` rows of a stream into `buffer`, checking they come in increasing key order:
// the merge compares typed values, and an engine that orders text by another collation
// would make it report differences that are not there.
template <typename Stream>
Status fill(Stream& stream, std::deque<KeyedRow>& buffer, size_t n, bool& end,
            std::optional<std::vector<Value>>& last, const std::string& side) {
  while (!end && buffer.size() < n) {
    auto row = stream.next();
    if (!row) return row.error();
    if (!*row) {
      end = true;
      break;
    }
    if (last && key_compare(*last, (*row)->key) >= 0)
      return Error{"the " + side + " returned key " + encode_key((*row)->key) + " after " +
                   encode_key(*last) +
                   ": parity compares keys as typed values (text bytewise), and this engine "
                   "orders them otherwise (a text key with a non-binary collation?); give the "
                   "key column a binary collation (`C`, `utf8mb4_bin`) to compare"};
    last = (*row)->key;
    buffer.push_back(std::move(**row));
  }
  return Status::success();
}

// Rows with key <= `hi` at the front of `buffer` (all of them without `hi`), moved out.
std::vector<KeyedRow> take_upto(std::deque<KeyedRow>& buffer, const std::vector<Value>* hi) {
  size_t n = buffer.size();
  if (hi) {
    n = 0;
    while (n < buffer.size() && key_compare(buffer[n].key, *hi) <= 0) ++n;
  }
  std::vector<KeyedRow> out(std::make_move_iterator(buffer.begin()),
                            std::make_move_iterator(buffer.begin() + std::ptrdiff_t(n)));
  buffer.erase(buffer.begin(), buffer.begin() + std::ptrdiff_t(n));
  return out;
}

// Source and target keys are the same: both streams in key order, segments cut at the
// smaller of the two sides' N-th keys, so each segment holds at most N rows a side.
Status merge_in_key_order(SourceRows& src, TargetRows& tgt, Comparer& cmp, ParityResult& out,
                          const ParityOptions& o) {
  std::deque<KeyedRow> s, t;
  bool s_end = false, t_end = false;
  std::optional<std::vector<Value>> s_last, t_last;
  size_t n = size_t(std::max<int64_t>(o.segment_rows, 1));
  while (true) {
    if (auto st = fill(src, s, n, s_end, s_last, "source"); !st.ok()) return st;
    if (auto st = fill(tgt, t, n, t_end, t_last, "target"); !st.ok()) return st;
    if (s.empty() && t.empty()) return Status::success();
    const std::vector<Value>* hi = nullptr;
    if (!s_end) hi = &s.back().key;
    if (!t_end && (!hi || key_compare(t.back().key, *hi) < 0)) hi = &t.back().key;
    std::vector<Value> bound = hi ? *hi : std::vector<Value>();
    std::vector<KeyedRow> segment_s = take_upto(s, hi ? &bound : nullptr);
    std::vector<KeyedRow> segment_t = take_upto(t, hi ? &bound : nullptr);
    out.source_rows += int64_t(segment_s.size());
    out.target_rows += int64_t(segment_t.size());
    cmp.segment(segment_s, segment_t);
  }
}

// A rekeying task: the source comes in source-key order, its target keys (through the
// crosswalk) in no useful order. Each source segment is sorted by target key and its rows
// looked up in the target by key; target rows no segment asked for are the extras, found
// by one pass over the target asking the crosswalk for each key's source.
Status compare_by_crosswalk(const BoundTask& task, SourceRows& src, TargetRows& tgt,
                            Connector& target, StateStore& state, Comparer& cmp,
                            ParityResult& out, const ParityOptions& o) {
  out.by_crosswalk = true;
  size_t n = size_t(std::max<int64_t>(o.segment_rows, 1));
  int64_t found = 0;
  bool end = false;
  while (!end) {
    std::vector<KeyedRow> segment;
    while (segment.size() < n) {
      auto row = src.next();
      if (!row) return row.error();
      if (!*row) {
        end = true;
        break;
      }
      segment.push_back(std::move(**row));
    }
    if (segment.empty()) break;
    std::sort(segment.begin(), segment.end(), key_less);
    std::vector<std::vector<Value>> keys;
    for (const KeyedRow& r : segment) keys.push_back(r.key);
    auto rows = tgt.find(keys);
    if (!rows) return rows.error();
    std::sort(rows->begin(), rows->end(), key_less);
    out.source_rows += int64_t(segment.size());
    found += int64_t(rows->size());
    cmp.segment(segment, *rows);
  }
  std::vector<std::string> columns;
  for (const OutputColumn& c : task.outputs) columns.push_back(c.name);
  auto total = target.count(
      ReadRequest{task.target->schema, task.target->name, columns, task.target_key, {}, {}, 0});
  if (!total) return Error{"counting " + task.target->qualified() + ": " + total.error().message};
  out.target_rows = *total;
  if (*total <= found) return Status::success();
  out.extra += *total - found;  // named below when the crosswalk does not know their key
  while (true) {
    auto row = tgt.next();
    if (!row) return row.error();
    if (!*row) break;
    auto source = state.lookup_crosswalk_source(task.name, encode_key((*row)->key));
    if (!source) return source.error();
    if (!*source) cmp.note({ParityDifference::Kind::extra, encode_key((*row)->key), {}});
  }
  return Status::success();
}

const char* kind_word(ParityDifference::Kind k) {
  switch (k) {
    case ParityDifference::Kind::missing: return "missing";
    case ParityDifference::Kind::extra: return "extra";
    case ParityDifference::Kind::changed: return "changed";
  }
  return "";
}

}  // namespace

Result<ParityResult> check_parity(const BoundTask& task, const CheckedPlan& plan,
                                  const std::map<std::string, Value>& params, Connector& source,
                                  Connector& target, StateStore& state,
                                  const ParityOptions& options) {
  ParityResult out;
  auto src = SourceRows::open(task, plan, params, source, state, options.page_rows);
  if (!src) return src.take_error();
  TargetRows tgt(task, target, options.page_rows);
  Comparer cmp(task, out, options);
  Status s = task.rekeys
                 ? compare_by_crosswalk(task, *src, tgt, target, state, cmp, out, options)
                 : merge_in_key_order(*src, tgt, cmp, out, options);
  if (!s.ok()) return s.error();
  out.excluded = src->excluded();
  return out;
}

std::string parity_details(const ParityResult& r) {
  std::string text = std::to_string(r.matched) + " of " + std::to_string(r.source_rows) +
                     " expected row(s) equal (" + std::to_string(r.excluded) + " rejected, " +
                     std::to_string(r.target_rows) + " in the target, " +
                     std::to_string(r.segments_differing) + " of " + std::to_string(r.segments) +
                     " segment(s) differ" + (r.by_crosswalk ? ", keys through the crosswalk" : "") +
                     "); " + std::to_string(r.missing) + " missing, " + std::to_string(r.extra) +
                     " extra, " + std::to_string(r.changed) + " changed";
  for (size_t i = 0; i < r.first.size(); ++i) {
    const ParityDifference& d = r.first[i];
    text += (i ? "; " : ": ") + std::string(kind_word(d.kind)) + " " + d.key;
    for (size_t c = 0; c < d.columns.size(); ++c) text += (c ? ", " : " (") + d.columns[c];
    if (!d.columns.empty()) text += ")";
  }
  if (int64_t(r.first.size()) < r.missing + r.extra + r.changed) text += "; ...";
  return text;
}

nlohmann::json parity_json(const ParityResult& r) {
  nlohmann::json j{{"source_rows", r.source_rows}, {"rejected", r.excluded},
                   {"target_rows", r.target_rows}, {"equal", r.matched},
                   {"missing", r.missing},         {"extra", r.extra},
                   {"changed", r.changed},         {"segments", r.segments},
                   {"segments_differing", r.segments_differing},
                   {"keys", r.by_crosswalk ? "crosswalk" : "target key order"}};
  j["first"] = nlohmann::json::array();
  for (const ParityDifference& d : r.first) {
    nlohmann::json e{{"kind", kind_word(d.kind)}, {"key", d.key}};
    if (!d.columns.empty()) e["columns"] = d.columns;
    j["first"].push_back(std::move(e));
  }
  return j;
}

}  // namespace mig
