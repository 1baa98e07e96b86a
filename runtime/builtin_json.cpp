// JSON built-ins:
// - `parse_json(t)`: the text, checked to be JSON (kept as written); invalid JSON is a row
//   error.
// - `json_get(j, path)`: the JSON value at `path`, or null when the path leads nowhere or
//   to a JSON `null`. Paths: `a.b[0]`, `[2].name`, `items.0` (a number after a dot indexes
//   an array), `a["x.y"]` for keys with dots or brackets, `[-1]` for the last item; a
//   leading `$` or `$.` is allowed. A string comes back as JSON (`"x"`, with its quotes).
// - `to_json(v)`: numbers as JSON numbers (decimals exactly as written: 12.30), text as
//   strings, bool as true/false, dates, timestamps, uuids and bytes as their canonical
//   text, lists as arrays, json unchanged; a NaN or infinite float becomes `null`.
#include <cmath>
#include <nlohmann/json.hpp>
#include <variant>

#include "runtime/builtin_impl.hpp"
#include "runtime/value_text.hpp"

namespace mig::eval {
namespace {

using Json = nlohmann::json;
// One step of a path: an object key or an array index.
using Step = std::variant<std::string, int64_t>;
using Path = std::vector<Step>;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<Path> compile_path(std::string_view text) {
  Error bad{"invalid json path " + quote_input(text) + " (expected a form such as `a.b[0]`)"};
  Path path;
  size_t i = 0;
  if (i < text.size() && text[i] == '$') ++i;
  bool need_key = false;  // after a `.`
  if (i < text.size() && text[i] == '.') ++i;
  while (i < text.size()) {
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return bad;
      std::string_view inner = text.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
        Json key = Json::parse(inner, nullptr, false);
        if (!key.is_string()) return bad;
        path.emplace_back(key.get<std::string>());
      } else {
        bool negative = !inner.empty() && inner.front() == '-';
        std::string_view digits = negative ? inner.substr(1) : inner;
        if (!all_digits(digits) || digits.size() > 12) return bad;
        int64_t n = std::stoll(std::string(digits));
        path.emplace_back(negative ? -n : n);
      }
      i = close + 1;
      need_key = false;
    } else if (text[i] == '.') {
      if (need_key) return bad;
      ++i;
      need_key = true;
      continue;
    } else {
      if (!path.empty() && !need_key) return bad;  // `a[0]b`
      size_t end = text.find_first_of(".[", i);
      if (end == std::string_view::npos) end = text.size();
      path.emplace_back(std::string(text.substr(i, end - i)));
      i = end;
      need_key = false;
      continue;
    }
  }
  if (need_key) return bad;
  return path;
}

// The element at `path`, or nullptr.
const Json* walk(const Json& root, const Path& path) {
  const Json* at = &root;
  for (const Step& step : path) {
    if (const int64_t* index = std::get_if<int64_t>(&step)) {
      if (!at->is_array()) return nullptr;
      int64_t n = static_cast<int64_t>(at->size());
      int64_t k = *index < 0 ? n + *index : *index;
      if (k < 0 || k >= n) return nullptr;
      at = &(*at)[static_cast<size_t>(k)];
      continue;
    }
    const std::string& key = std::get<std::string>(step);
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array() && all_digits(key) && key.size() <= 12) {
      size_t k = static_cast<size_t>(std::stoll(key));
      if (k >= at->size()) return nullptr;
      at = &(*at)[k];
    } else {
      return nullptr;
    }
  }
  return at;
}

Result<Value> parse_json(const Args& a) { return parse_value(a[0].as_text(), ValueKind::json); }

Result<PreparedPtr> prepare_path(Constants c) {
  if (!c[1] || c[1]->is_null()) return PreparedPtr();
  Result<Path> path = compile_path(c[1]->as_text());
  if (!path.ok()) return path.take_error();
  return PreparedPtr(std::make_shared<PreparedValue<Path>>(std::move(*path)));
}

Result<Value> json_get(const Args& a) {
  Path per_row;
  const Path* path = prepared_as<Path>(a.prepared);
  if (!path) {
    Result<Path> compiled = compile_path(a[1].as_text());
    if (!compiled.ok()) return compiled.take_error();
    per_row = std::move(*compiled);
    path = &per_row;
  }
  Json root = Json::parse(a[0].as_json(), nullptr, false);
  if (root.is_discarded()) return Error{"invalid json " + quote_input(a[0].as_json())};
  const Json* found = walk(root, *path);
  if (!found || found->is_null()) return Value::null();
  return Value::json(dump(*found));
}

void append_json(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::null: out += "null"; break;
    case ValueKind::int_: case ValueKind::decimal: append_text(v, out); break;
    case ValueKind::float_:
      if (std::isfinite(v.as_float())) append_text(v, out);
      else out += "null";
      break;
    case ValueKind::bool_: out += v.as_bool() ? "true" : "false"; break;
    case ValueKind::json: out += v.as_json(); break;
    case ValueKind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ',';
        first = false;
        append_json(item, out);
      }
      out += ']';
      break;
    }
    default: out += dump(Json(to_text(v))); break;  // text, dates, uuid, bytes
  }
}

Result<Value> to_json(const Args& a) {
  std::string out;
  append_json(a[0], out);
  return Value::json(std::move(out));
}

const BuiltinImpl kParseJson{parse_json, nullptr, nullptr, true, true};
const BuiltinImpl kJsonGet{json_get, nullptr, prepare_path, true, true};
const BuiltinImpl kToJson{to_json, nullptr, nullptr, true, true};

}  // namespace

const BuiltinImpl* json_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::parse_json: return &kParseJson;
    case BuiltinId::json_get: return &kJsonGet;
    case BuiltinId::to_json: return &kToJson;
    default: return nullptr;
  }
}

}  // namespace mig::eval
