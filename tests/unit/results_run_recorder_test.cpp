// Recording runs while others record: rig nightly's board threads, rigd's board workers and a
// `rig run` in another process all call record_run on one history. Threads of one process and two
// processes at once must lose no run and leave a sound database (WAL, BEGIN IMMEDIATE, a busy wait).
#include "host/results/history.hpp"
#include "host/results/run_identity.hpp"
#include "host/results/run_recorder.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <set>
#include <thread>

using namespace rig;
using namespace rig::results;

namespace {

RunReport report_of(const std::string& board, int n) {
    RunReport r;
    auto& i = r.info;
    i.board = board;
    i.chip = "cortex-m4";
    i.unit = board::CounterUnit::instructions;
    i.cpu_hz = 25'000'000;
    i.ns_per_count = 128;
    i.probe = "qemu-gdb";
    i.firmware_commit = "c0ffee" + std::to_string(100000 + n);
    i.image_sha256 = "sha";
    i.started_at = "2026-02-01T00:00:00Z";
    i.run_id = new_run_id(i.started_at);
    i.complete = true;
    i.repetitions = 3;
    for (std::uint32_t k = 0; k < 40; ++k) r.measurements.push_back({"cell/copy", k + 1, 2, {k, k + 1, k + 2}});
    return r;
}

// `per_writer` runs each from `threads` threads of this process, all recorded into one history.
// Returns how many were not stored.
int record_many(const std::filesystem::path& dir, const std::string& who, int threads, int per_writer) {
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    writers.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            for (int n = 0; n < per_writer; ++n) {
                RecordOptions o;
                o.results_dir = dir / "results";
                o.history = dir / "history.sqlite";
                o.source = "nightly";
                const auto recorded = record_run(report_of(who + "_" + std::to_string(t), n), o);
                if (!recorded.ok()) ++failures;
            }
        });
    for (auto& w : writers) w.join();
    return failures;
}

TEST(RunRecorder, ThreadsAndProcessesRecordingAtOnceLoseNoRun) {
    const auto dir = std::filesystem::temp_directory_path() / ("rig-recorder-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    constexpr int threads = 3, per_writer = 15;

    // A second process records beside this one (as a `rig run` beside rigd or a nightly).
    const pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) ::_exit(record_many(dir, "child", threads, per_writer) == 0 ? 0 : 1);
    const int failures = record_many(dir, "parent", threads, per_writer);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child process could not store every run";
    EXPECT_EQ(failures, 0);

    auto h = History::open(dir / "history.sqlite");
    ASSERT_TRUE(h) << h.error().message;
    auto runs = h->runs();
    ASSERT_TRUE(runs) << runs.error().message;
    EXPECT_EQ(runs->size(), 2u * threads * per_writer);
    std::set<std::string> ids, boards;
    for (const auto& r : *runs) {
        ids.insert(r.run_uid);
        boards.insert(r.board);
        EXPECT_EQ(r.benchmarks, 40u) << r.board << " " << r.commit;
    }
    EXPECT_EQ(ids.size(), runs->size()) << "every run under its own id";
    EXPECT_EQ(boards.size(), 2u * threads);

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir / "history.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    std::filesystem::remove_all(dir);
}

}  // namespace
