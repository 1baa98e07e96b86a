// Spelling MariaDB SQL: identifiers always in backquotes (a hostile name stays a name),
// values always as `?` placeholders, and the key predicates of keyset pages and of
// batch look-ups in the forms MariaDB's optimizer turns into index ranges.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mig {

// `name` in backquotes, an embedded backquote doubled.
std::string mariadb_quote(std::string_view name);
// `a`, `b`, `c`.
std::string mariadb_quote_list(const std::vector<std::string>& names);

// Rows whose `key` comes after a given key, in key order. MariaDB does not use an index
// for a row comparison `(k1, k2) > (?, ?)` (it scans the whole index: 50,015 rows read
// to return 10 on a 100,000-row table), so the comparison is spelled out with `k1 >= ?`
// in front for the range optimizer: `k1 >= ? AND (k1 > ? OR (k1 = ? AND k2 > ?))`.
// `binds` gets, for each placeholder in order, the position in the key of its value.
std::string mariadb_after_predicate(const std::vector<std::string>& key,
                                    std::vector<size_t>& binds);

// `k` IN (?, ...) or (`k1`, `k2`) IN ((?, ?), ...) for `count` keys: a range look-up
// (MariaDB optimizes a row IN list, unlike a row comparison).
std::string mariadb_key_in_list(const std::vector<std::string>& key, size_t count);

// `k1` = ? AND `k2` = ?
std::string mariadb_key_equals(const std::vector<std::string>& key);

}  // namespace mig
