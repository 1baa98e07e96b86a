#include "compiler/diagnostics.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

namespace mig {
namespace {

struct DiagInfo {
  const char* name;
  Severity severity;
  const char* format;
};

constexpr DiagInfo kDiagInfo[] = {
#define DIAG(id, severity, format) {#id, Severity::severity, format},
#include "compiler/diagnostics.def"
#undef DIAG
};

std::string format_message(const char* format, const std::vector<std::string>& args) {
  std::string out;
  for (const char* p = format; *p; ++p) {
    if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
      size_t i = size_t(p[1] - '0');
      if (i < args.size()) out += args[i];
      p += 2;
    } else {
      out += *p;
    }
  }
  return out;
}

const char* severity_name(Severity s) { return s == Severity::error ? "error" : "warning"; }

// Draws ` 12 | text` and `    |   ^~~~` for a span (clipped to its first line).
void draw_snippet(std::ostringstream& out, const SourceFile& file, Span span) {
  auto [line, col] = file.line_col(span.begin);
  std::string_view text = file.line(line);
  std::string number = std::to_string(line);
  std::string gutter(number.size(), ' ');
  out << ' ' << number << " | " << text << '\n';
  out << ' ' << gutter << " | ";
  // Keep tabs so the caret lines up under tab-indented code.
  uint32_t line_begin = file.line_starts[line - 1];
  for (uint32_t i = line_begin; i < span.begin && i - line_begin < text.size(); ++i) {
    unsigned char c = uint8_t(file.text[i]);
    if ((c & 0xC0) == 0x80) continue;
    out << (c == '\t' ? '\t' : ' ');
  }
  out << '^';
  uint32_t end = std::min<uint32_t>(span.end, line_begin + uint32_t(text.size()));
  bool first = true;
  for (uint32_t i = span.begin; i < end; ++i) {
    if ((uint8_t(file.text[i]) & 0xC0) == 0x80) continue;
    if (first) { first = false; continue; }
    out << '~';
  }
  (void)col;
  out << '\n';
}

std::string location(const SourceManager& sources, Span span) {
  const SourceFile& file = sources.file(span.file);
  auto [line, col] = file.line_col(span.begin);
  return file.name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = std::tolower(uint8_t(a[i - 1])) == std::tolower(uint8_t(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const char* diag_name(DiagId id) { return kDiagInfo[size_t(id)].name; }
Severity diag_severity(DiagId id) { return kDiagInfo[size_t(id)].severity; }

Diagnostic& Diagnostics::report(DiagId id, Span span, std::vector<std::string> args) {
  const DiagInfo& info = kDiagInfo[size_t(id)];
  return report(Diagnostic{id, info.severity, span, format_message(info.format, args), {}});
}

Diagnostic& Diagnostics::report(Diagnostic d) {
  diags_.push_back(std::move(d));
  return diags_.back();
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return size_t(std::count_if(diags_.begin(), diags_.end(),
                              [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

size_t Diagnostics::warning_count() const { return diags_.size() - error_count(); }

void Diagnostics::promote_warnings() {
  for (Diagnostic& d : diags_) d.severity = Severity::error;
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = diags_;
  auto key = [](const Diagnostic& d) {
    return std::make_tuple(d.span.file, d.span.begin, d.span.end, d.message);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end(),
                        [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
            out.end());
  return out;
}

void add_note(Diagnostic& d, std::string message, std::optional<Span> span) {
  d.notes.push_back(DiagNote{false, std::move(message), span});
}

void add_help(Diagnostic& d, std::string message) {
  d.notes.push_back(DiagNote{true, std::move(message), std::nullopt});
}

std::string render_text(const Diagnostics& diags, const SourceManager& sources) {
  std::ostringstream out;
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diags.sorted()) {
    (d.severity == Severity::error ? errors : warnings)++;
    out << location(sources, d.span) << ": " << severity_name(d.severity) << ": " << d.message
        << '\n';
    draw_snippet(out, sources.file(d.span.file), d.span);
    for (const DiagNote& n : d.notes) {
      if (n.span) {
        out << location(sources, *n.span) << ": note: " << n.message << '\n';
        draw_snippet(out, sources.file(n.span->file), *n.span);
      } else {
        out << (n.help ? "help: " : "note: ") << n.message << '\n';
      }
    }
  }
  if (errors + warnings > 0) {
    auto plural = [](size_t n, const char* word) {
      return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
    };
    if (errors) out << plural(errors, "error");
    if (errors && warnings) out << ", ";
    if (warnings) out << plural(warnings, "warning");
    out << '\n';
  }
  return out.str();
}

std::string render_json(const Diagnostics& diags, const SourceManager& sources) {
  auto place = [&](nlohmann::json& j, Span span) {
    const SourceFile& file = sources.file(span.file);
    auto [line, col] = file.line_col(span.begin);
    auto [end_line, end_col] = file.line_col(span.end);
    j["file"] = file.name;
    j["line"] = line;
    j["column"] = col;
    j["end_line"] = end_line;
    j["end_column"] = end_col;
  };
  nlohmann::json arr = nlohmann::json::array();
  for (const Diagnostic& d : diags.sorted()) {
    nlohmann::json j;
    place(j, d.span);
    j["severity"] = severity_name(d.severity);
    j["code"] = diag_name(d.id);
    j["message"] = d.message;
    j["notes"] = nlohmann::json::array();
    for (const DiagNote& n : d.notes) {
      nlohmann::json nj;
      nj["kind"] = n.help ? "help" : "note";
      nj["message"] = n.message;
      if (n.span) place(nj, *n.span);
      j["notes"].push_back(nj);
    }
    arr.push_back(j);
  }
  // Invalid UTF-8 from a plan must not make the JSON writer throw.
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  // Short names tolerate one edit, longer ones a third of their length (at least two,
  // so that a transposition like `emial` still finds `email`).
  std::string best;
  size_t best_distance = (name.size() <= 3 ? 1 : std::max<size_t>(2, name.size() / 3)) + 1;
  for (const std::string& c : candidates) {
    size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace mig
