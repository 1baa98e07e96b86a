// The canonical layout `migc fmt` writes (one rule each, so the output is predictable):
// - one statement per line group; a blank line between top-level statements, except
//   between consecutive one-line statements of one group (`use`s, `param`s,
//   `source`/`target`s, `fn`s, plan-level `expect`s, `before`/`after` hooks), where one
//   empty line the author left is kept (several become one);
// - blocks open with ` {` on the statement's line and close with `}` on a line of its own,
//   two spaces of indentation per level inside; an empty block is written `{}`;
// - one clause, one binding, one map item per line; the separators `;` and `,` between
//   them are dropped (newlines separate), except a `;` after an assignment followed by a
//   `*` item (else `b` and `*` would read as a product); no blank lines inside blocks;
// - one space around `=`, `->`, `:` in `param`/`fn`, and binary operators; no column
//   alignment (aligning makes one rename re-indent its neighbours in every diff);
// - expressions on one line with the fewest parentheses the precedence allows
//   (or < and < not < comparison/in/is/matches < || < + - < * / % < unary); literals keep
//   their raw token; names are backquoted when they are not plain identifiers, or were
//   backquoted and are keywords;
// - comments are kept: an own-line comment stays on its own line before the statement,
//   clause, binding or map item that follows it (at that item's indentation), or at the
//   end of its block when nothing follows; a trailing comment stays at the end of the line
//   of the item it follows (after two spaces). When several trailing comments end up on
//   one printed line (an expression written over several lines), all but the last move to
//   their own lines above it.
#include "compiler/formatter.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace mig {
namespace {

// One printed item: a line, or a block (`head {`, children, `}`), with the comments that
// belong to it. Comments are attached by source position, then printed around the lines.
struct Unit {
  uint32_t begin = 0;  // source range of the whole item
  uint32_t end = 0;
  uint32_t body_begin = 0;  // block: just after its `{` (comments after it are inside)
  bool block = false;
  bool blank_before = false;  // top level: a blank line separates it from the previous one
  std::string head;           // the line, without ` {` for a block
  std::vector<Unit> children;
  std::vector<const Comment*> before;          // own-line, above the item
  std::vector<const Comment*> head_trailing;   // at the end of its (first) line
  std::vector<const Comment*> end_comments;    // block: own-line, before `}`
  std::vector<const Comment*> close_trailing;  // block: after `}`
};

// The raw text of a string token spanned by `span`, when the span holds exactly one.
std::optional<std::string> raw_token(const SourceFile* file, Span span) {
  if (!file || span.end <= span.begin || span.end > file->text.size()) return std::nullopt;
  std::string text = file->text.substr(span.begin, span.end - span.begin);
  if (text.size() < 2 || (text[0] != '"' && text[0] != '\'') || text.back() != text[0])
    return std::nullopt;
  return text;
}

// Where a block's body starts: just after the first `{` at or after `from` (comments
// skipped); `fallback` when the text has none.
uint32_t body_start(const std::string& text, uint32_t from, uint32_t limit, uint32_t fallback) {
  limit = std::min<uint32_t>(limit, uint32_t(text.size()));
  for (uint32_t i = from; i < limit; ++i) {
    if (text[i] == '#') {
      while (i < limit && text[i] != '\n') ++i;
      continue;
    }
    if (text[i] == '{') return i + 1;
  }
  return fallback;
}

class ModuleFormatter {
 public:
  ModuleFormatter(const SourceFile& file, const Module& module) : file_(file), module_(module) {
    opts_.source = &file;
  }

  std::string run() {
    Unit root;
    root.block = true;
    root.begin = 0;
    root.end = uint32_t(file_.text.size()) + 1;
    for (const Stmt& s : module_.stmts) root.children.push_back(statement(s));
    separate_top_level(root, module_.stmts);
    std::vector<const Comment*> comments;
    for (const Comment& c : module_.comments) comments.push_back(&c);
    std::sort(comments.begin(), comments.end(),
              [](const Comment* a, const Comment* b) { return a->span.begin < b->span.begin; });
    for (const Comment* c : comments) attach(root, *c, own_line(*c));
    std::string out;
    for (const Unit& child : root.children) {
      if (child.blank_before && !out.empty()) out += '\n';
      emit(child, 0, out);
    }
    std::vector<const Comment*> tail = root.end_comments;
    tail.insert(tail.end(), root.before.begin(), root.before.end());
    tail.insert(tail.end(), root.head_trailing.begin(), root.head_trailing.end());
    tail.insert(tail.end(), root.close_trailing.begin(), root.close_trailing.end());
    sort_by_place(tail);
    if (!tail.empty() && !out.empty()) out += '\n';
    emit_comments(out, "", tail, 0);
    return out;
  }

 private:
  // --- building units ---

  Unit line(Span span, std::string head) {
    Unit u;
    u.begin = span.begin;
    u.end = span.end;
    u.head = std::move(head);
    return u;
  }

  Unit block(Span span, std::string head, uint32_t header_end) {
    Unit u = line(span, std::move(head));
    u.block = true;
    u.body_begin = body_start(file_.text, header_end, span.end, header_end);
    return u;
  }

  Unit binding(const Binding& b) {
    return line(b.span, format_name(b.name) + " = " + expr(b.value));
  }

  std::string expr(const ExprPtr& e) { return e ? format_expr(*e, opts_) : std::string(); }

  Unit clause(const Clause& c) {
    if (c.kind != Clause::Kind::map && c.kind != Clause::Kind::set)
      return line(c.span, format_clause(c, opts_));
    Unit u = block(c.span, c.kind == Clause::Kind::map ? "map" : "set", c.span.begin);
    for (size_t i = 0; i < c.items.size(); ++i) {
      std::string text = format_map_item(c.items[i], opts_);
      // `a = b` then `*` on the next line reads as `b * ...`: a `;` ends the expression.
      bool star_next = i + 1 < c.items.size() && c.items[i + 1].kind == MapItem::Kind::star;
      if (c.items[i].kind == MapItem::Kind::assign && star_next) text += ";";
      u.children.push_back(line(c.items[i].span, text));
    }
    return u;
  }

  Unit statement(const Stmt& s) {
    switch (s.kind) {
      case Stmt::Kind::plan:
        return line(s.span, "plan " + format_name(s.name));
      case Stmt::Kind::use:
        return line(s.span, use_line(s));
      case Stmt::Kind::param: {
        std::string head = "param " + format_name(s.name);
        if (s.type) head += " : " + format_type(*s.type);
        if (s.value) head += " = " + expr(s.value);
        return line(s.span, head);
      }
      case Stmt::Kind::source:
      case Stmt::Kind::target:
        return line(s.span, std::string(s.kind == Stmt::Kind::source ? "source " : "target ") +
                                format_name(s.name) + " = " + expr(s.value));
      case Stmt::Kind::environment: {
        Unit u = block(s.span, "environment " + format_name(s.name), s.name.span.end);
        for (const Binding& b : s.bindings) u.children.push_back(binding(b));
        return u;
      }
      case Stmt::Kind::settings: {
        Unit u = block(s.span, "settings", s.span.begin);
        for (const Binding& b : s.bindings) u.children.push_back(binding(b));
        return u;
      }
      case Stmt::Kind::fn:
        return line(s.span, fn_line(s));
      case Stmt::Kind::copy:
      case Stmt::Kind::update:
        return task(s);
      case Stmt::Kind::expect:
        return line(s.span, "expect " + format_expectation(s.expectation, opts_));
      case Stmt::Kind::hook: {
        auto sql = raw_token(&file_, s.sql_span);
        return line(s.span, std::string(s.after ? "after " : "before ") + format_name(s.conn) +
                                " sql " + (sql ? *sql : quote_string(s.sql)));
      }
    }
    return line(s.span, "");
  }

  Unit task(const Stmt& s) {
    std::string head;
    uint32_t header_end = s.from.span.end;
    if (s.kind == Stmt::Kind::update) {
      head = "update " + format_table_ref(s.from);
    } else {
      head = "copy " + format_table_ref(s.from) + " -> " + format_table_ref(s.to);
      header_end = std::max(header_end, s.to.span.end);
      if (!s.name.text.empty()) {
        head += " as " + format_name(s.name);
        header_end = std::max(header_end, s.name.span.end);
      }
    }
    Unit u = block(s.span, head, header_end);
    for (const Clause& c : s.clauses) u.children.push_back(clause(c));
    return u;
  }

  std::string use_line(const Stmt& s) {
    std::vector<std::pair<uint32_t, std::string>> items;
    for (const Ident& m : s.modules) items.emplace_back(m.span.begin, format_name(m));
    for (const Ident& p : s.module_paths) {
      auto raw = raw_token(&file_, p.span);
      items.emplace_back(p.span.begin, raw ? *raw : quote_string(p.text));
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "use ";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i].second;
    return out;
  }

  std::string fn_line(const Stmt& s) {
    std::string out = "fn " + format_name(s.name) + "(";
    for (size_t i = 0; i < s.fn_params.size(); ++i)
      out += (i ? ", " : "") + format_name(s.fn_params[i].name) + " : " +
             format_type(s.fn_params[i].type);
    out += ")";
    if (s.type) out += " -> " + format_type(*s.type);
    return out + " = " + expr(s.value);
  }

  // Which top-level statements run together without a blank line between them.
  static int line_group(const Stmt& s) {
    switch (s.kind) {
      case Stmt::Kind::use:
        return 1;
      case Stmt::Kind::param:
        return 2;
      case Stmt::Kind::source:
      case Stmt::Kind::target:
        return 3;
      case Stmt::Kind::fn:
        return 4;
      case Stmt::Kind::expect:
        return 5;
      case Stmt::Kind::hook:
        return 6;
      default:
        return 0;  // `plan` and blocks stand apart
    }
  }

  void separate_top_level(Unit& root, const std::vector<Stmt>& stmts) const {
    for (size_t i = 1; i < stmts.size(); ++i) {
      int group = line_group(stmts[i]);
      root.children[i].blank_before = group == 0 || group != line_group(stmts[i - 1]) ||
                                      empty_line_after(stmts[i - 1].span.end, stmts[i].span.begin);
    }
  }

  // Whether the author left an empty line after the statement ending at `end` (before its
  // successor at `next`, or before the own-line comments above that successor).
  bool empty_line_after(uint32_t end, uint32_t next) const {
    for (const Comment& c : module_.comments)
      if (c.span.begin >= end && c.span.begin < next && own_line(c)) next = c.span.begin;
    bool line_empty = false;  // only blanks since the last newline
    for (uint32_t i = end; i < next && i < file_.text.size(); ++i) {
      char ch = file_.text[i];
      if (ch == '\n') {
        if (line_empty) return true;
        line_empty = true;
      } else if (!std::isspace(static_cast<unsigned char>(ch))) {
        line_empty = false;
      }
    }
    return false;
  }

  // --- placing comments ---

  // Whether only blanks precede the comment on its line.
  bool own_line(const Comment& c) const {
    for (uint32_t i = c.span.begin; i > 0; --i) {
      char ch = file_.text[i - 1];
      if (ch == '\n') return true;
      if (ch != ' ' && ch != '\t' && ch != '\r') return false;
    }
    return true;
  }

  static void attach(Unit& block, const Comment& c, bool own) {
    uint32_t at = c.span.begin;
    for (Unit& child : block.children) {
      if (at < child.begin || at >= child.end) continue;
      if (child.block && at >= child.body_begin) return attach(child, c, own);
      (own ? child.before : child.head_trailing).push_back(&c);
      return;
    }
    if (own) {
      for (Unit& child : block.children)
        if (child.begin > at) return child.before.push_back(&c);
      block.end_comments.push_back(&c);
      return;
    }
    Unit* prev = nullptr;
    for (Unit& child : block.children)
      if (child.end <= at) prev = &child;
    if (!prev) return block.head_trailing.push_back(&c);
    (prev->block ? prev->close_trailing : prev->head_trailing).push_back(&c);
  }

  // --- printing ---

  static void sort_by_place(std::vector<const Comment*>& comments) {
    std::stable_sort(comments.begin(), comments.end(), [](const Comment* a, const Comment* b) {
      return a->span.begin < b->span.begin;
    });
  }

  static std::string comment_text(const Comment& c) {
    std::string text = c.text;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }

  // Whether the source has an empty line between `from` and `to`, and only blanks.
  bool blank_line_between(uint32_t from, uint32_t to) const {
    if (to <= from || to > file_.text.size()) return false;
    int newlines = 0;
    for (uint32_t i = from; i < to; ++i) {
      char ch = file_.text[i];
      if (ch == '\n')
        ++newlines;
      else if (!std::isspace(static_cast<unsigned char>(ch)))
        return false;
    }
    return newlines >= 2;
  }

  // Own-line comments, in order; an empty line the source has after one (before the next
  // comment, or before `next`, the item that follows them) is kept.
  void emit_comments(std::string& out, const std::string& indent,
                     const std::vector<const Comment*>& comments, uint32_t next) const {
    for (size_t i = 0; i < comments.size(); ++i) {
      out += indent + comment_text(*comments[i]) + "\n";
      uint32_t following = i + 1 < comments.size() ? comments[i + 1]->span.begin : next;
      if (blank_line_between(comments[i]->span.end, following)) out += "\n";
    }
  }

  // Prints `line` (its item starts at `begin`) with the last of `trailing` after it; the
  // others go on their own lines above it (with `above`), in source order.
  void emit_line(std::string& out, const std::string& indent, const std::string& text,
                 uint32_t begin, std::vector<const Comment*> above,
                 std::vector<const Comment*> trailing) const {
    sort_by_place(trailing);
    const Comment* last = nullptr;
    if (!trailing.empty()) {
      last = trailing.back();
      trailing.pop_back();
    }
    above.insert(above.end(), trailing.begin(), trailing.end());
    sort_by_place(above);
    emit_comments(out, indent, above, begin);
    out += indent + text;
    if (last) out += "  " + comment_text(*last);
    out += "\n";
  }

  void emit(const Unit& u, int depth, std::string& out) const {
    std::string indent(size_t(depth) * 2, ' ');
    if (!u.block) return emit_line(out, indent, u.head, u.begin, u.before, u.head_trailing);
    if (u.children.empty() && u.end_comments.empty()) {
      std::vector<const Comment*> trailing = u.head_trailing;
      trailing.insert(trailing.end(), u.close_trailing.begin(), u.close_trailing.end());
      return emit_line(out, indent, u.head + " {}", u.begin, u.before, trailing);
    }
    emit_line(out, indent, u.head + " {", u.begin, u.before, u.head_trailing);
    for (const Unit& child : u.children) emit(child, depth + 1, out);
    std::vector<const Comment*> inner = u.end_comments;
    std::vector<const Comment*> close = u.close_trailing;
    sort_by_place(close);
    if (close.size() > 1) {  // only one fits after `}`; the rest stay at the block's end
      inner.insert(inner.end(), close.begin(), close.end() - 1);
      close.erase(close.begin(), close.end() - 1);
    }
    sort_by_place(inner);
    std::string inner_indent = indent + "  ";
    emit_comments(out, inner_indent, inner, 0);
    emit_line(out, indent, "}", 0, {}, close);
  }

  const SourceFile& file_;
  const Module& module_;
  PrintOptions opts_;
};

}  // namespace

std::string format_module(const SourceFile& file, const Module& module) {
  return ModuleFormatter(file, module).run();
}

}  // namespace mig
