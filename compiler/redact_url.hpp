// Hides passwords in connection URLs before anything is printed (spec: "every URL printed
// anywhere has its password replaced by `***`").
#pragma once
#include <string>
#include <string_view>

namespace mig {

// Replaces the password of every `scheme://user:password@host` in `text` with `***`, and
// the value of any `password=` query parameter too; the rest of the text is unchanged.
std::string redact_url(std::string_view text);

}  // namespace mig
