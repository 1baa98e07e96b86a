// Text -> AST. Never throws on bad input: syntax errors become diagnostics and the
// module holds what was parsed before the first one.
#pragma once
#include "compiler/ast.hpp"
#include "compiler/diagnostics.hpp"

namespace mig {

Module parse(const SourceManager& sources, uint32_t file, Diagnostics& diags);

}  // namespace mig
