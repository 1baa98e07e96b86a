#include <catch2/catch.hpp>

#include "runtime/value_json.hpp"
#include "runtime/written_keys.hpp"

using namespace mig;

namespace {

std::string key(const std::vector<Value>& values) { return encode_key(values); }

// Adds inserted keys of one integer column to `list`.
void insert(WrittenKeyList& list, std::initializer_list<int64_t> ids) {
  for (int64_t id : ids) {
    std::vector<Value> k{Value::integer(id)};
    list.inserted(k, [&] { return key(k); });
  }
}

std::vector<std::string> expand(const std::vector<WrittenKey>& written) {
  std::vector<std::string> out;
  for (const WrittenKey& w : written)
    REQUIRE(for_each_key(w, [&](std::string k) {
              out.push_back(std::move(k));
              return Status::success();
            }).ok());
  return out;
}

}  // namespace

TEST_CASE("written keys: consecutive inserted integers are one range, gaps and updates end it",
          "[written_keys]") {
  std::vector<WrittenKey> written;
  WrittenKeyList list(written);
  insert(list, {1, 2, 3, 5, 6});
  list.add(WrittenKey{"[7]", WriteAction::updated, R"({"id":7})", std::nullopt});
  insert(list, {8, 10});
  list.close();
  REQUIRE(written.size() == 5);
  CHECK(written[0].key == "[1]");
  CHECK(written[0].last == "[3]");
  CHECK(written[1].key == "[5]");
  CHECK(written[1].last == "[6]");
  CHECK(written[2].action == WriteAction::updated);
  CHECK_FALSE(written[3].last);  // a single key stays a single key
  CHECK_FALSE(written[4].last);
  CHECK(*key_count(written[0]) == 3);
  CHECK(*key_count(written[3]) == 1);
  CHECK(expand(written) ==
        std::vector<std::string>{"[1]", "[2]", "[3]", "[5]", "[6]", "[7]", "[8]", "[10]"});
}

TEST_CASE("written keys: other keys are kept one by one", "[written_keys]") {
  std::vector<WrittenKey> written;
  WrittenKeyList list(written);
  for (const char* t : {"a", "b"}) {
    std::vector<Value> k{Value::text(t)};
    list.inserted(k, [&] { return key(k); });
  }
  std::vector<Value> pair{Value::integer(1), Value::integer(2)};
  list.inserted(pair, [&] { return key(pair); });
  std::vector<Value> next{Value::integer(1), Value::integer(3)};
  list.inserted(next, [&] { return key(next); });
  insert(list, {INT64_MAX});
  list.close();
  REQUIRE(written.size() == 5);
  for (const WrittenKey& w : written) CHECK_FALSE(w.last);
}

TEST_CASE("written keys: a range that is not one of integers is refused", "[written_keys]") {
  WrittenKey bad{"[5]", WriteAction::inserted, std::nullopt, std::string("[3]")};
  CHECK_FALSE(key_count(bad).ok());
  WrittenKey text{R"(["a"])", WriteAction::inserted, std::nullopt, std::string(R"(["b"])")};
  CHECK_FALSE(for_each_key(text, [](std::string) { return Status::success(); }).ok());
}
