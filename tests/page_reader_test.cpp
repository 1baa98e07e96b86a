// mig::PageReader: pages read ahead on a second thread are the pages a plain read gives,
// and a page read ahead but asked for differently is dropped and read again.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>

#include "runtime/page_reader.hpp"
#include "runtime/sqlite_connector.hpp"
#include "runtime/value_json.hpp"

namespace {

struct ReaderDir {
  std::string path;
  ReaderDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mig_reader_XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ReaderDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::unique_ptr<mig::SqliteConnector> numbers(const ReaderDir& dir, int n) {
  std::string path = dir.path + "/n.sqlite";
  {
    auto db = mig::SqliteDb::open(path, mig::SqliteDb::Mode::create);
    REQUIRE(db.ok());
    REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
    for (int i = 1; i <= n; ++i)
      REQUIRE(db->exec("INSERT INTO t VALUES (" + std::to_string(i) + ", 'v" + std::to_string(i) + "')").ok());
  }
  auto c = mig::SqliteConnector::open(path);
  REQUIRE(c.ok());
  return std::move(*c);
}

mig::ReadRequest page_after(const std::optional<std::string>& after, int64_t limit) {
  mig::ReadRequest r{"", "t", {"id", "v"}, {"id"}, std::nullopt, {}, limit};
  if (after) {
    auto key = mig::decode_key(*after);
    REQUIRE(key.ok());
    r.after = std::move(*key);
  }
  return r;
}

std::vector<std::string> ids(const mig::Batch& b) {
  std::vector<std::string> out;
  for (const mig::Row& row : b.rows) out.push_back(mig::encode_key(row));
  return out;
}

}  // namespace

TEST_CASE("page reader: pages read ahead are the plain reads", "[page_reader]") {
  ReaderDir dir;
  auto conn = numbers(dir, 25);
  mig::PageReader reader(*conn);
  std::optional<std::string> after;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    mig::ReadRequest req = page_after(after, 10);
    auto page = reader.read(req, after);
    REQUIRE(page.ok());
    if (page->rows.empty()) break;
    for (const std::string& k : ids(*page)) seen.push_back(k);
    after = mig::encode_key(std::vector<mig::Value>{page->rows.back()[0]});
    if (page->rows.size() == 10) reader.prefetch(page_after(after, 10), *after);
  }
  REQUIRE(seen.size() == 25);
  CHECK(seen.front() == "[1,\"v1\"]");
  CHECK(seen.back() == "[25,\"v25\"]");
}

TEST_CASE("page reader: a page asked for differently is read again", "[page_reader]") {
  ReaderDir dir;
  auto conn = numbers(dir, 25);
  mig::PageReader reader(*conn);
  reader.prefetch(page_after(std::string("[10]"), 10), "[10]");
  auto other = reader.read(page_after(std::string("[20]"), 10), std::string("[20]"));
  REQUIRE(other.ok());
  REQUIRE(other->rows.size() == 5);
  CHECK(mig::encode_key(other->rows.front()) == "[21,\"v21\"]");
  reader.prefetch(page_after(std::string("[10]"), 10), "[10]");
  auto smaller = reader.read(page_after(std::string("[10]"), 3), std::string("[10]"));
  REQUIRE(smaller.ok());
  CHECK(smaller->rows.size() == 3);
  reader.prefetch(page_after(std::string("[10]"), 10), "[10]");  // dropped by the destructor
}
