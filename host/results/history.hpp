#pragma once
// Every run the rig makes or imports, kept in one SQLite file (results/history.sqlite): what
// `rig compare`, trend plots and step detection read. A run enters in one transaction, whole or
// not at all; each run has its own id (run_identity.hpp): the same run (a file imported twice) is
// stored once, and two runs are never merged.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace rig::results {

// Where a run came from, beside what its report says.
struct RunOrigin {
    std::string source = "run";  // "run", or "import:<file>"
    std::string commit_date;     // ISO 8601 committer date of the commit; empty when unknown
};

// One row of `runs`, without its measurements.
struct RunSummary {
    std::int64_t id = 0;
    std::string board;
    std::string commit;
    std::string commit_date;
    std::string started_at;
    board::CounterUnit unit = board::CounterUnit::cycles;
    std::string image_sha256;
    std::string source;
    unsigned repetitions = 0;
    std::size_t benchmarks = 0;
    std::string run_uid;  // the run's id (RunInfo::run_id)
    std::string filter;
    bool complete = false;
};

// Empty fields match anything; `commit` matches exactly.
struct RunFilter {
    std::string board;
    std::string commit;
};

// One benchmark at one commit: the samples of the latest complete run of that commit.
struct SeriesPoint {
    std::int64_t run_id = 0;
    std::string commit;
    std::string commit_date;
    std::string started_at;
    board::CounterUnit unit = board::CounterUnit::cycles;
    std::vector<std::uint32_t> samples;
    double median = 0;
};

class History {
public:
    // Opens (creating it and its folder if needed) and migrates the schema to this rig's version.
    static Result<History> open(const std::filesystem::path& file);

    History(const History&) = delete;
    History& operator=(const History&) = delete;
    History(History&&) noexcept;
    History& operator=(History&&) noexcept;
    ~History();

    // Stores a run and its log in one transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any
    // error). A run already stored (the same run id) is not stored again: its existing row id is
    // returned.
    Result<std::int64_t> add_run(const RunReport& report, std::string_view log_text, const RunOrigin& origin = {});

    // The row id of the stored run with the same run id, if any.
    Result<std::optional<std::int64_t>> find_run(const RunInfo& info) const;

    // A run by its id, a prefix of it that names one run, or its row number.
    Result<std::optional<RunSummary>> find_run_by_id(const std::string& run_id) const;

    // Runs, oldest start first.
    Result<std::vector<RunSummary>> runs(const RunFilter& filter = {}) const;

    // The stored name of `commit` on `board`: the exact name, else the one stored commit that it
    // abbreviates or that abbreviates it (results::same_commit); ambiguity is an error.
    Result<std::optional<std::string>> resolve_commit(const std::string& board, const std::string& commit) const;

    // The newest run of `commit` on `board` (resolve_commit), by default only a complete one.
    Result<std::optional<RunSummary>> latest_run(const std::string& board, const std::string& commit,
                                                 bool complete_only = true) const;

    Result<RunReport> load_run(std::int64_t id) const;
    Result<std::string> load_log(std::int64_t id) const;

    // One point per commit (its latest complete run on `board`) for a benchmark's full name ("cell/copy/64"),
    // ordered by commit date (start time when the date is unknown).
    Result<std::vector<SeriesPoint>> series(const std::string& board, const std::string& benchmark) const;

    // Whether `commit` (exactly as stored) has a complete run on `board` with at least this many
    // repetitions: what `rig nightly` needs before it skips the commit.
    Result<bool> has_complete_run(const std::string& board, const std::string& commit, unsigned min_repetitions) const;

    const std::filesystem::path& file() const { return file_; }

    // The schema this rig writes; older files are migrated on open, newer ones refused.
    static int current_schema_version();

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    History(std::unique_ptr<sqlite3, Closer> db, std::filesystem::path file);
    Result<std::int64_t> insert_run(const RunReport& report, std::string_view log_text, const RunOrigin& origin);

    std::unique_ptr<sqlite3, Closer> db_;
    std::filesystem::path file_;
};

}  // namespace rig::results
