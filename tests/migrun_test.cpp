// `migrun` as a process: the lock against a second run, edited plans refused after a
// partial run, exit statuses (including Ctrl+C), and the golden folders of tests/migrun/
// (the quickstart end to end: summary, status, rejects.csv, the exact target content).
#include <catch2/catch.hpp>

#include <regex>

#include "tests/run_helpers.hpp"

using namespace mig::test;

namespace {

// A folder holding the 100k-row items fixture and its plan (run it as `items.mig`).
void make_items_case(const fs::path& dir, const std::string& policy = "fail", int rows = 100000) {
  make_items_source(dir / "source.db", rows);
  make_items_target(dir / "target.db", false);
  write_file(dir / "items.mig", items_plan("items", policy));
}

const fs::path kState = ".mig/state/items.default.db";

// One column of the task's row in the state store ("" when there is none).
std::string task_field(const fs::path& dir, const std::string& task, const std::string& column) {
  if (!fs::exists(dir / kState)) return "";
  std::string v;
  try {
    Db state(dir / kState);
    v = state.dump("SELECT " + column + " FROM tasks WHERE task = '" + task + "'");
  } catch (const std::exception&) {
    return "";  // the running migrun has not yet made its tables
  }
  if (!v.empty() && v.back() == '\n') v.pop_back();
  return v;
}

long long rows_read(const fs::path& dir, const std::string& task = "items") {
  std::string v = task_field(dir, task, "rows_read");
  return v.empty() ? 0 : std::stoll(v);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("migrun: a second run on the same plan and environment is refused", "[migrun]") {
  TempDir dir("lock");
  make_items_case(dir.path());
  Spawned first = spawn_migrun(dir.path(), {"items.mig", "--quiet"}, "first");
  // Wait until the first run holds the lock and is copying.
  REQUIRE(wait_until([&] { return rows_read(dir.path()) > 0; }));
  Outcome second = run_migrun(dir.path(), {"items.mig", "--quiet"}, "second");
  int status = 0;
  bool first_done = has_exited(first.pid, status);
  INFO("second run said: " << second.err);
  CHECK_FALSE(first_done);  // else the refusal below was not tested against a live holder
  CHECK(second.exit_code != 0);
  CHECK(contains(second.err, "another migrun"));
  CHECK(contains(second.err, "pid " + std::to_string(first.pid)));
  CHECK(contains(second.err, "on host "));
  if (!first_done) status = wait_exit(first.pid);
  INFO("first run said: " << slurp(first.err));
  CHECK(status == 0);
  CHECK(task_field(dir.path(), "items", "state") == "'completed'");
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 89910);
}

TEST_CASE("migrun: exit statuses", "[migrun]") {
  TempDir dir("exit");
  make_items_case(dir.path(), "fail", 3000);
  write_file(dir / "param.mig",
             "plan param\nsource src = sqlite(\"source.db\")\ntarget dst = sqlite(\"target.db\")\n"
             "param ids : list<int> = [1]\n"
             "copy src.items -> dst.items { where id in $ids  map { * doubled = qty * 2 } }\n");

  SECTION("2: a parameter that does not parse as its type") {
    Outcome o = run_migrun(dir.path(), {"param.mig", "--param", "ids=abc"});
    INFO(o.err);
    CHECK(o.exit_code == 2);
    CHECK(contains(o.err, "ids"));
    CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 0);
  }
  SECTION("2: an unknown parameter") {
    Outcome o = run_migrun(dir.path(), {"param.mig", "--param", "nope=1"});
    INFO(o.err);
    CHECK(o.exit_code == 2);
    CHECK(contains(o.err, "nope"));
  }
  SECTION("2: an unknown environment") {
    Outcome o = run_migrun(dir.path(), {"param.mig", "--env", "prod"});
    INFO(o.err);
    CHECK(o.exit_code == 2);
    CHECK(contains(o.err, "prod"));
  }
  SECTION("2: a command-line usage error") {
    Outcome o = run_migrun(dir.path(), {"param.mig", "--batch-size", "zero"});
    CHECK(o.exit_code == 2);
  }
  SECTION("1: a check that says `else fail`") {
    write_file(dir / "fail.mig",
               "plan fail\nsource src = sqlite(\"source.db\")\ntarget dst = sqlite(\"target.db\")\n"
               "copy src.items -> dst.items {\n  map { * doubled = qty * 2 }\n"
               "  check qty >= 0 else fail as \"negative qty\"\n  batch 100\n}\n");
    Outcome o = run_migrun(dir.path(), {"fail.mig"});
    INFO(o.err);
    CHECK(o.exit_code == 1);
    CHECK(contains(o.err, "task items"));
    CHECK(contains(o.err, "negative qty"));
    CHECK(contains(o.err, "997"));  // the key of the first failing row
    // Batches before the failing one are kept; the failing batch is not half-written.
    CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 900);
  }
  SECTION("0: success") {
    Outcome o = run_migrun(dir.path(), {"param.mig", "--param", "ids=1,2,3"});
    INFO(o.err);
    CHECK(o.exit_code == 0);
    CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 3);
  }
}

TEST_CASE("migrun: SIGINT finishes the batch and exits 130 and a rerun completes", "[migrun]") {
  TempDir dir("sigint"), ref("sigint_ref");
  make_items_case(dir.path());
  make_items_case(ref.path());
  REQUIRE(run_migrun(ref.path(), {"items.mig", "--quiet"}).exit_code == 0);

  Spawned s = spawn_migrun(dir.path(), {"items.mig", "--quiet"});
  REQUIRE(wait_until([&] { return rows_read(dir.path()) > 0; }));
  ::kill(s.pid, SIGINT);
  int status = wait_exit(s.pid);
  INFO("interrupted run said: " << slurp(s.err));
  CHECK(status == 130);
  CHECK(contains(slurp(s.err), "interrupted"));
  long long saved = rows_read(dir.path());
  CHECK(saved > 0);
  CHECK(saved < 89910 + 90);  // it stopped before the end
  CHECK(task_field(dir.path(), "items", "state") == "'pending'");
  // Every batch the target holds is one the state store counted: nothing half-saved.
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") ==
        std::stoll(task_field(dir.path(), "items", "rows_written")));

  Outcome rerun = run_migrun(dir.path(), {"items.mig", "--quiet"});
  INFO(rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(table_content(dir / "target.db", "items") == table_content(ref / "target.db", "items"));
  CHECK(task_field(dir.path(), "items", "rows_read || '|' || rows_written || '|' || rows_rejected") ==
        task_field(ref.path(), "items", "rows_read || '|' || rows_written || '|' || rows_rejected"));
}

TEST_CASE("migrun: a task edited after a partial run is refused and --force redoes it", "[migrun]") {
  TempDir dir("edited");
  make_items_source(dir / "source.db", 20000);
  make_items_target(dir / "target.db", false);
  const std::string second =
      "copy src.items -> dst.items2 as second { map { * doubled = qty * 2 } batch 1000 }\n";
  write_file(dir / "items.mig", items_plan("items", "update", "upper(name)") + second);

  Outcome trial = run_migrun(dir.path(), {"items.mig", "--limit", "1500"});
  INFO(trial.err);
  REQUIRE(trial.exit_code == 0);
  CHECK(task_field(dir.path(), "items", "state") == "'pending'");  // partial, not completed
  CHECK(rows_read(dir.path(), "second") == 1500);
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items2") == 1500);

  write_file(dir / "items.mig", items_plan("items", "update", "lower(name)") + second);
  Outcome refused = run_migrun(dir.path(), {"items.mig"});
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.err, "task `items`"));
  CHECK(contains(refused.err, "--force items"));
  CHECK_FALSE(contains(refused.err, "task `second`"));
  CHECK(rows_read(dir.path(), "second") == 1500);  // the refusal ran nothing
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items2") == 1500);

  Outcome forced = run_migrun(dir.path(), {"items.mig", "--force", "items"});
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  Db target(dir / "target.db");
  // `items` was redone from the start with the new map: every row has the new name.
  CHECK(target.scalar("SELECT count(*) FROM items") == 17982);
  CHECK(target.scalar("SELECT count(*) FROM items WHERE name = 'item ' || id") == 17982);
  CHECK(rows_read(dir.path(), "items") == 18000);
  // `second` resumed where the trial stopped: every row once, counted once.
  CHECK(target.scalar("SELECT count(*) FROM items2") == 20000);
  CHECK(rows_read(dir.path(), "second") == 20000);
  CHECK(task_field(dir.path(), "second", "state") == "'completed'");
  Db state(dir / kState);
  CHECK(state.scalar(std::string("SELECT count(*) FROM ") + kWrittenKeys + " WHERE task = 'second'") == 20000);
}

TEST_CASE("migrun: a batch the target committed but the state never saw is recovered",
          "[migrun][crash]") {
  TempDir dir("window");
  make_items_source(dir / "source.db", 5000);
  make_items_target(dir / "target.db", false);
  write_file(dir / "items.mig",
             "plan items\nsource src = sqlite(\"source.db\")\ntarget dst = sqlite(\"target.db\")\n"
             "copy src.items -> dst.items { map { * doubled = qty * 2 } batch 1000 }\n");
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--limit", "1000"}).exit_code == 0);
  REQUIRE(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 1000);

  SECTION("a crash between the target's commit and the state's: the marker is used") {
    // Put the state back to before batch 1 was saved; the target keeps it and its marker.
    Db(dir / kState).exec(
        "UPDATE tasks SET checkpoint = NULL, batches = 0, rows_read = 0, rows_written = 0;"
        "DELETE FROM written_keys;");
    Outcome o = run_migrun(dir.path(), {"items.mig"});
    INFO(o.err);
    CHECK(o.exit_code == 0);  // redoing batch 1 would hit its own rows (`on conflict fail`)
  }
  SECTION("a reset task with a cleared target: its old markers are not reused") {
    REQUIRE(run_migrun(dir.path(), {"reset", "items.mig"}).exit_code == 0);
    Db(dir / "target.db").exec("DELETE FROM items");
    Outcome o = run_migrun(dir.path(), {"items.mig"});
    INFO(o.err);
    CHECK(o.exit_code == 0);
  }
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM items") == 5000);
  CHECK(rows_read(dir.path()) == 5000);
  CHECK(task_field(dir.path(), "items", "rows_written") == "5000");
  CHECK(Db(dir / kState).scalar(std::string("SELECT count(DISTINCT key) FROM ") + kWrittenKeys) == 5000);
}

// ---- golden folders: tests/migrun/CASE/ ---------------------------------------------------
// The case folder is copied into a fresh work folder, then `copy_from`: a folder (relative
// to the source tree) copied over it; earlier state, reports and the setup's DBs are removed.
// `setup`: lines `DB SCRIPT` (paths in the work folder) applied with the sqlite3 C API;
// `steps`: lines `NAME ARGS...` run as `migrun ARGS...` in the work folder, compared with
// NAME.out, NAME.err and NAME.exit (default 0); `files`: work-folder files compared with
// `file.PATH` (`/` spelled `_`); `tables`: lines `DB TABLE` whose content is compared
// with `tables.txt`. Timestamps with a zone (the clock's) print as <time>, the work folder as <work>.
// MIG_UPDATE_GOLDEN=1 rewrites the expected files.
namespace {

std::vector<std::vector<std::string>> lines_of(const fs::path& file) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(slurp(file));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (!w.empty() && w[0][0] != '#') out.push_back(w);
  }
  return out;
}

std::string mask(std::string text, const fs::path& work) {
  static const std::regex time(
      R"(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z))");
  text = std::regex_replace(text, time, "<time>");
  for (size_t at; (at = text.find(work.string())) != std::string::npos;)
    text.replace(at, work.string().size(), "<work>");
  return text;
}

// Compares `got` with the expected file (or rewrites it when updating).
void expect_file(const fs::path& expected, const std::string& got, bool update) {
  if (update) {
    if (got.empty()) fs::remove(expected);
    else write_file(expected, got);
    return;
  }
  INFO("expected " << expected.string());
  CHECK(got == slurp(expected));
}

void run_golden_case(const fs::path& dir, bool update) {
  TempDir work("golden");
  const auto opts = fs::copy_options::recursive | fs::copy_options::overwrite_existing;
  fs::copy(dir, work.path(), opts);
  if (fs::exists(dir / "copy_from"))
    fs::copy(fs::path(MIG_SOURCE_DIR) / lines_of(dir / "copy_from").at(0).at(0), work.path(), opts);
  fs::remove_all(work / ".mig");  // a copied example may hold an earlier run's state
  fs::remove_all(work / "reports");
  for (const auto& l : lines_of(dir / "setup")) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(work / (l.at(0) + suffix));
    apply_sql(work / l.at(0), work / l.at(1));
  }
  for (const auto& l : lines_of(dir / "steps")) {
    std::vector<std::string> args(l.begin() + 1, l.end());
    Outcome o = run_migrun(work.path(), args, "step");
    std::string name = l.at(0);
    INFO("step " << name << ": " << o.err);
    int want_exit = fs::exists(dir / (name + ".exit")) ? std::stoi(slurp(dir / (name + ".exit"))) : 0;
    if (update && o.exit_code != 0) write_file(dir / (name + ".exit"), std::to_string(o.exit_code) + "\n");
    else CHECK(o.exit_code == want_exit);
    expect_file(dir / (name + ".out"), mask(o.out, work.path()), update);
    expect_file(dir / (name + ".err"), mask(o.err, work.path()), update);
  }
  for (const auto& l : lines_of(dir / "files")) {
    std::string flat = l.at(0);
    std::replace(flat.begin(), flat.end(), '/', '_');
    expect_file(dir / ("file." + flat), mask(slurp(work / l.at(0)), work.path()), update);
  }
  std::string tables;
  for (const auto& l : lines_of(dir / "tables"))
    tables += "== " + l.at(0) + " " + l.at(1) + "\n" + table_content(work / l.at(0), l.at(1));
  if (!tables.empty()) expect_file(dir / "tables.txt", tables, update);
}

}  // namespace

TEST_CASE("golden: migrun outputs and targets", "[migrun][golden]") {
  fs::path root = fs::path(MIG_SOURCE_DIR) / "tests" / "migrun";
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  CHECK(cases.size() >= 2);
  bool update = std::getenv("MIG_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& dir : cases) {
    INFO("case " << dir.filename().string());
    CHECK(fs::exists(dir / "steps"));
    run_golden_case(dir, update);
  }
}

TEST_CASE("migrun: without --quiet the progress gets its total from a count beside the copy",
          "[migrun]") {
  TempDir dir("progress_total");
  make_items_case(dir.path(), "fail", 2000);
  Outcome run = run_migrun(dir.path(), {"items.mig", "--log-format", "json", "--yes"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // The last progress line carries the total the count found (none without a count).
  CHECK(std::regex_search(run.err, std::regex(R"("event":"progress"[^\n]*"total":2000)")));
}
