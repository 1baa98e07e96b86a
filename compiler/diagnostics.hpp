// Diagnostics: collected while compiling, sorted by place, rendered for people
// (`file:line:col: error: ...`, the line, a caret) or as JSON for CI annotations.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/source.hpp"

namespace mig {

// The kinds, from diagnostics.def (one list, so ids, severities and wording cannot drift).
enum class DiagId {
#define DIAG(id, severity, format) id,
#include "compiler/diagnostics.def"
#undef DIAG
};

enum class Severity { error, warning };

// A `note:` (more context, maybe at another place) or a `help:` (what to do).
struct DiagNote {
  bool help = false;
  std::string message;
  std::optional<Span> span;  // when the note points at code, it is drawn too
};

struct Diagnostic {
  DiagId id;
  Severity severity;
  Span span;
  std::string message;
  std::vector<DiagNote> notes;
};

// Name ("unknown_task") and default severity of a kind.
const char* diag_name(DiagId id);
Severity diag_severity(DiagId id);

// Collects diagnostics; passes report into it and never stop at the first one.
class Diagnostics {
 public:
  // Formats the kind's message with `args` and records it; returns it for adding notes.
  Diagnostic& report(DiagId id, Span span, std::vector<std::string> args = {});
  Diagnostic& report(Diagnostic d);
  bool has_errors() const;
  size_t error_count() const;
  size_t warning_count() const;
  // -Werror: every warning becomes an error.
  void promote_warnings();
  // Sorted by file and position, exact duplicates removed.
  std::vector<Diagnostic> sorted() const;
  const std::vector<Diagnostic>& all() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
};

// Adds a note / help line to a diagnostic.
void add_note(Diagnostic& d, std::string message, std::optional<Span> span = std::nullopt);
void add_help(Diagnostic& d, std::string message);

// Clang-style text: location, message, source line, caret under the span, notes;
// ends with a count line ("2 errors, 1 warning") when anything was reported.
std::string render_text(const Diagnostics& diags, const SourceManager& sources);
// The same as a JSON array of objects (file, line, column, end_line, end_column,
// severity, code, message, notes).
std::string render_json(const Diagnostics& diags, const SourceManager& sources);

// The closest of `candidates` to `name` (edit distance small for its length), for
// "did you mean" help; empty when nothing is close.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace mig
