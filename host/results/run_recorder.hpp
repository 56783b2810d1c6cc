#pragma once
// Recording a finished run, the one way `rig run`, rigd and `rig nightly` all do it: the Google
// Benchmark JSON file (atomically) and the history row (one transaction). A complete run is
// results/<board>/<commit>.json; a partial (filtered) run never replaces it and goes to
// results/<board>/partial/<commit>.<run id>.json.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace rig::results {

// Where a run's JSON file goes. Names are built from the run's checked board name, its commit
// (reduced to file-name-safe characters) and its run id: nothing the target sent can choose a path.
std::filesystem::path result_file_for(const std::filesystem::path& results_dir, const RunInfo& info);

struct RecordOptions {
    std::filesystem::path results_dir;
    std::filesystem::path history;   // empty: no history
    std::filesystem::path log_file;  // the run's board log, stored with the run; may be missing
    std::string source = "run";      // "run", "rigd", "nightly"
    std::string commit_date;         // ISO 8601 committer date, or empty when unknown
};

// What was recorded. Nothing is stored when the file cannot be written; when only the history
// fails, the file stays: it holds the whole run, and `rig import` adds it later.
struct Recorded {
    std::filesystem::path result_file;
    std::optional<Error> file_error;     // set: nothing was recorded
    std::int64_t history_run = 0;        // the history's row id; 0 without a history
    std::optional<Error> history_error;  // set: the file is written, the history row is not
    bool ok() const { return !file_error && !history_error; }
};

Recorded record_run(const RunReport& report, const RecordOptions& options);

}  // namespace rig::results
