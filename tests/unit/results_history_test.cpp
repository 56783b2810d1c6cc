// The SQLite history: runs go in whole, come back equal, are never stored twice nor merged, and a
// failure half-way through a run leaves nothing of it behind.
#include "host/results/history.hpp"

#include "host/results/run_identity.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>
#include <fstream>

using namespace rig;
using namespace rig::results;

namespace {

class HistoryTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("rig-history-test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        file_ = dir_ / "sub" / "history.sqlite";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // Counts rows with SQLite directly, beside the class under test.
    std::int64_t rows(const std::string& table) {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &stmt, nullptr), SQLITE_OK);
        EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
        const auto n = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return n;
    }

    std::filesystem::path dir_, file_;
};

RunReport report(const std::string& commit, const std::string& started_at, std::uint32_t base = 100) {
    RunReport r;
    auto& i = r.info;
    i.board = "qemu_mps2_an386";
    i.chip = "cortex-m4";
    i.unit = board::CounterUnit::instructions;
    i.cpu_hz = 25'000'000;
    i.ns_per_count = 128;
    i.probe = "qemu-gdb";
    i.firmware_version = "0.1.0";
    i.firmware_commit = commit;
    i.toolchain = "rustc";
    i.image_sha256 = "sha-" + commit;
    i.started_at = started_at;
    i.run_id = new_run_id(started_at);
    i.complete = true;
    i.repetitions = 3;
    i.uart_garbage_bytes = 1;
    i.ram_cross_check = "syscall/null: 3 samples read from RAM at 0x20003444 match the UART";
    i.counter_check = "not applicable: the counter is QEMU's instruction count";
    r.measurements = {{"syscall/null", 0, 4, {base, base, base}},
                      {"cell/copy", 64, 2, {base * 2, base * 2 + 1, base * 2}}};
    return r;
}

}  // namespace

TEST_F(HistoryTest, AddsAndReloadsARun) {
    auto h = History::open(file_);
    ASSERT_TRUE(h) << h.error().message;
    const auto original = report("aaaa1111", "2024-05-01T10:00:00Z");
    auto id = h->add_run(original, "the log\nline 2\n", {"run", "2024-04-30T09:00:00+02:00"});
    ASSERT_TRUE(id) << id.error().message;

    auto loaded = h->load_run(*id);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->info.board, original.info.board);
    EXPECT_EQ(loaded->info.firmware_commit, "aaaa1111");
    EXPECT_EQ(loaded->info.unit, board::CounterUnit::instructions);
    EXPECT_DOUBLE_EQ(loaded->info.ns_per_count, 128);
    EXPECT_EQ(loaded->info.image_sha256, original.info.image_sha256);
    EXPECT_EQ(loaded->info.uart_garbage_bytes, 1u);
    EXPECT_EQ(loaded->info.ram_cross_check, original.info.ram_cross_check);
    EXPECT_EQ(loaded->info.counter_check, original.info.counter_check);
    ASSERT_EQ(loaded->measurements.size(), 2u);
    EXPECT_EQ(loaded->measurements[1].full_name(), "cell/copy/64");
    EXPECT_EQ(loaded->measurements[1].overhead, 2u);
    EXPECT_EQ(loaded->measurements[1].samples, original.measurements[1].samples);
    EXPECT_EQ(*h->load_log(*id), "the log\nline 2\n");

    auto runs = h->runs({"qemu_mps2_an386", ""});
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ((*runs)[0].commit_date, "2024-04-30T09:00:00+02:00");
    EXPECT_EQ((*runs)[0].source, "run");
    EXPECT_EQ((*runs)[0].benchmarks, 2u);
    EXPECT_EQ((*runs)[0].run_uid, original.info.run_id);
    EXPECT_TRUE((*runs)[0].complete);
    EXPECT_EQ(loaded->info.run_id, original.info.run_id);
    EXPECT_TRUE(*h->has_complete_run("qemu_mps2_an386", "aaaa1111", 3));
    EXPECT_FALSE(*h->has_complete_run("qemu_mps2_an386", "aaaa1111", 4));
    EXPECT_FALSE(h->load_run(*id + 100));
}

TEST_F(HistoryTest, SurvivesReopening) {
    {
        auto h = History::open(file_);
        ASSERT_TRUE(h);
        ASSERT_TRUE(h->add_run(report("aaaa1111", "t1"), ""));
    }
    auto h = History::open(file_);
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->runs()->size(), 1u);
    EXPECT_EQ(rows("schema_version"), 1);  // one row: the version number
}

TEST_F(HistoryTest, TheSameRunIsNeverStoredTwice) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    const auto r = report("aaaa1111", "2024-05-01T10:00:00Z");
    auto first = h->add_run(r, "", {"import:a.json", ""});
    auto second = h->add_run(r, "", {"import:a.json", ""});
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(rows("runs"), 1);
    EXPECT_EQ(rows("samples"), 6);
    EXPECT_EQ(**h->find_run(r.info), *first);
}

// Two runs that start in the same second, of the same image, were once merged into one (the old
// key was board, commit, image and start time): each run is stored, with its own benchmarks.
TEST_F(HistoryTest, TwoRunsInTheSameSecondAreTwoRuns) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    auto a = report("aaaa1111", "2024-05-01T10:00:00Z");
    auto b = report("aaaa1111", "2024-05-01T10:00:00Z");
    b.info.filter = "cell/";
    b.info.complete = false;
    b.measurements.erase(b.measurements.begin());
    ASSERT_NE(a.info.run_id, b.info.run_id);
    auto first = h->add_run(a, "");
    auto second = h->add_run(b, "");
    ASSERT_TRUE(first && second);
    EXPECT_NE(*first, *second);
    EXPECT_EQ(rows("runs"), 2);
    EXPECT_EQ(h->load_run(*second)->measurements.size(), 1u);
    EXPECT_EQ(h->load_run(*second)->info.filter, "cell/");
    // The partial run is not what the commit's latest run means, nor a point of a series.
    EXPECT_EQ((*h->latest_run("qemu_mps2_an386", "aaaa1111"))->id, *first);
    EXPECT_EQ((*h->latest_run("qemu_mps2_an386", "aaaa1111", false))->id, *second);
    EXPECT_EQ(h->series("qemu_mps2_an386", "cell/copy/64")->front().run_id, *first);
    auto by_id = h->find_run_by_id(b.info.run_id);
    ASSERT_TRUE(by_id && *by_id);
    EXPECT_EQ((*by_id)->id, *second);
}

// Run ids are random: should two runs ever draw the same one, the second is refused, not merged.
TEST_F(HistoryTest, AnotherRunUnderAnExistingIdIsRefused) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    auto a = report("aaaa1111", "2024-05-01T10:00:00Z");
    auto b = report("bbbb2222", "2024-05-01T10:00:01Z");
    b.info.run_id = a.info.run_id;
    ASSERT_TRUE(h->add_run(a, ""));
    auto second = h->add_run(b, "");
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("already names another run"), std::string::npos) << second.error().message;
    EXPECT_EQ(rows("runs"), 1);
}

// One commit, two spellings: the 7-digit form `git rev-parse --short` prints and the 12-digit
// form builds record, in either direction; a dirty run is another commit.
TEST_F(HistoryTest, ACommitIsFoundByEitherAbbreviation) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    auto id = h->add_run(report("dc6f575a71c6", "t1"), "");
    auto old_style = h->add_run(report("0123456", "t2"), "");
    ASSERT_TRUE(id && old_style);
    EXPECT_EQ((*h->latest_run("qemu_mps2_an386", "dc6f575"))->id, *id);
    EXPECT_EQ((*h->latest_run("qemu_mps2_an386", "dc6f575a71c6aaaa"))->id, *id);
    EXPECT_EQ((*h->latest_run("qemu_mps2_an386", "0123456789ab"))->id, *old_style);
    EXPECT_FALSE(h->latest_run("qemu_mps2_an386", "dc6f575a71c6-dirty")->has_value());
}

TEST_F(HistoryTest, AFailureHalfWayLeavesNothingBehind) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    ASSERT_TRUE(h->add_run(report("aaaa1111", "t1"), ""));
    // The run row and the first benchmark go in; the second benchmark violates CHECK (name <> '').
    auto bad = report("bbbb2222", "t2");
    bad.measurements.push_back({"", 0, 0, {1, 2, 3}});
    auto id = h->add_run(bad, "log");
    ASSERT_FALSE(id);
    EXPECT_NE(id.error().message.find("CHECK constraint failed"), std::string::npos) << id.error().message;
    // The same benchmark twice in one run violates UNIQUE, after its first copy's samples went in.
    auto twice = report("cccc3333", "t3");
    twice.measurements.push_back(twice.measurements[0]);
    ASSERT_FALSE(h->add_run(twice, "log"));

    EXPECT_EQ(rows("runs"), 1);
    EXPECT_EQ(rows("measurements"), 2);
    EXPECT_EQ(rows("samples"), 6);
    EXPECT_FALSE(*h->has_complete_run("qemu_mps2_an386", "bbbb2222", 1));
    // The connection is still usable after the rollback.
    EXPECT_TRUE(h->add_run(report("dddd4444", "t4"), ""));
    EXPECT_EQ(rows("runs"), 2);
}

TEST_F(HistoryTest, LatestRunAcceptsAUniquePrefix) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    ASSERT_TRUE(h->add_run(report("abcd123", "2024-05-01T10:00:00Z"), ""));
    auto newer = report("abcd123", "2024-05-02T10:00:00Z");
    newer.info.image_sha256 = "other";
    auto newer_id = h->add_run(newer, "");
    ASSERT_TRUE(h->add_run(report("abcd999", "2024-05-03T10:00:00Z"), ""));

    auto latest = h->latest_run("qemu_mps2_an386", "abcd1");
    ASSERT_TRUE(latest) << latest.error().message;
    ASSERT_TRUE(*latest);
    EXPECT_EQ((*latest)->id, *newer_id);
    auto ambiguous = h->latest_run("qemu_mps2_an386", "abcd");
    ASSERT_FALSE(ambiguous);
    EXPECT_NE(ambiguous.error().message.find("ambiguous"), std::string::npos);
    EXPECT_FALSE(h->latest_run("qemu_mps2_an386", "ffff").value().has_value());
    EXPECT_FALSE(h->latest_run("other_board", "abcd123").value().has_value());
}

TEST_F(HistoryTest, SeriesIsOrderedByCommitDateWithOnePointPerCommit) {
    auto h = History::open(file_);
    ASSERT_TRUE(h);
    // Started in one order, committed in another.
    ASSERT_TRUE(h->add_run(report("second", "2024-05-01T10:00:00Z", 110), "", {"run", "2024-04-02T00:00:00Z"}));
    ASSERT_TRUE(h->add_run(report("first", "2024-05-02T10:00:00Z", 100), "", {"run", "2024-04-01T00:00:00Z"}));
    auto rerun = report("second", "2024-05-03T10:00:00Z", 111);
    ASSERT_TRUE(h->add_run(rerun, "", {"run", "2024-04-02T00:00:00Z"}));

    auto s = h->series("qemu_mps2_an386", "syscall/null");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->size(), 2u);
    EXPECT_EQ((*s)[0].commit, "first");
    EXPECT_DOUBLE_EQ((*s)[0].median, 100);
    EXPECT_EQ((*s)[1].commit, "second");
    EXPECT_DOUBLE_EQ((*s)[1].median, 111);  // the latest run of that commit
    EXPECT_EQ((*s)[1].samples.size(), 3u);

    auto copy = h->series("qemu_mps2_an386", "cell/copy/64");
    ASSERT_TRUE(copy);
    ASSERT_EQ(copy->size(), 2u);
    EXPECT_EQ((*copy)[0].samples, (std::vector<std::uint32_t>{200, 201, 200}));
    EXPECT_TRUE(h->series("qemu_mps2_an386", "cell/copy")->empty());
}

TEST_F(HistoryTest, RefusesAFileThatIsNotADatabase) {
    std::filesystem::create_directories(file_.parent_path());
    { std::ofstream(file_) << "this is not SQLite, it is a text file that happens to be long enough\n"; }
    auto h = History::open(file_);
    ASSERT_FALSE(h);
    EXPECT_NE(h.error().message.find(file_.string()), std::string::npos) << h.error().message;
}

// A bench's history of schema version 1 (before the after-checks and run ids were stored), written
// with the schema that shipped (fixtures/history/schema_v1.sql), opens, is migrated in place, and
// keeps every run and sample: the rebuild of `runs` must not cascade into measurements. Old runs get derived ids; the
// one with fewer benchmarks than the board's largest run counts as partial.
TEST_F(HistoryTest, AVersion1FileIsMigratedAndKeepsItsRuns) {
    std::filesystem::create_directories(file_.parent_path());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
    std::ifstream in(std::filesystem::path(RIG_FIXTURES_DIR) / "history/schema_v1.sql");
    const std::string v1((std::istreambuf_iterator<char>(in)), {});
    ASSERT_FALSE(v1.empty());
    ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);

    auto h = History::open(file_);
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(rows("measurements"), 3);
    EXPECT_EQ(rows("samples"), 3);
    auto runs = h->runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 2u);
    EXPECT_EQ((*runs)[0].run_uid, legacy_run_id("qemu_mps2_an386", "aaaa1111", "t1", "sha-aaaa1111aaaa"));
    EXPECT_TRUE((*runs)[0].complete);
    EXPECT_FALSE((*runs)[1].complete);
    auto old_run = h->load_run((*runs)[0].id);
    ASSERT_TRUE(old_run) << old_run.error().message;
    EXPECT_EQ(old_run->info.ram_cross_check, "");
    EXPECT_EQ(old_run->measurements.size(), 2u);
    // Importing the old run's file again finds it under its derived id.
    RunInfo again = old_run->info;
    again.run_id.clear();
    EXPECT_EQ(**h->find_run(again), (*runs)[0].id);
    auto added = h->add_run(report("bbbb2222", "t2"), "log");
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(h->load_run(*added)->info.counter_check, "not applicable: the counter is QEMU's instruction count");
}

TEST_F(HistoryTest, RefusesANewerSchema) {
    {
        auto h = History::open(file_);
        ASSERT_TRUE(h);
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto h = History::open(file_);
    ASSERT_FALSE(h);
    EXPECT_NE(h.error().message.find("schema version 99 is newer"), std::string::npos) << h.error().message;
}
