// libFuzzer target: any bytes through mig::parse and both diagnostic renderers. Besides
// the sanitizers, it checks that every span the parser produced lies inside the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/parser.hpp"

namespace {

void check_span(const mig::Span& s, size_t size) {
  if (s.begin > s.end || s.end > size) __builtin_trap();
}

void check_expr(const mig::Expr* e, size_t size) {
  if (!e) return;
  check_span(e->span, size);
  for (const auto& a : e->args) check_expr(a.get(), size);
  for (const auto& n : e->named) check_expr(n.value.get(), size);
  for (const auto& m : e->entries) {
    check_expr(m.key.get(), size);
    check_expr(m.value.get(), size);
  }
  for (const auto& w : e->whens) {
    check_expr(w.condition.get(), size);
    check_expr(w.value.get(), size);
  }
  check_expr(e->else_value.get(), size);
}

void check_module(const mig::Module& m, size_t size) {
  for (const auto& s : m.stmts) {
    check_span(s.span, size);
    check_expr(s.value.get(), size);
    check_expr(s.expectation.expr.get(), size);
    for (const auto& b : s.bindings) check_expr(b.value.get(), size);
    for (const auto& c : s.clauses) {
      check_span(c.span, size);
      check_expr(c.expr.get(), size);
      check_expr(c.expectation.expr.get(), size);
      for (const auto& item : c.items) check_expr(item.value.get(), size);
    }
  }
  for (const auto& c : m.comments) check_span(c.span, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mig::SourceManager sources;
  const uint32_t file = sources.add("fuzz.mig", std::string(reinterpret_cast<const char*>(data), size));
  mig::Diagnostics diags;
  const mig::Module module = mig::parse(sources, file, diags);
  check_module(module, size);
  for (const auto& d : diags.all()) check_span(d.span, size);
  (void)mig::render_text(diags, sources);
  (void)mig::render_json(diags, sources);
  return 0;
}
