#pragma once
// What rigd knows about one job and one board: plain data, shared by the queue (which persists
// it), the server (which sends it) and `rig` (which prints it), with its JSON form.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rig::daemon {

enum class JobState { queued, running, done, failed, cancelled };
const char* to_string(JobState state);
std::optional<JobState> job_state_from(const std::string& text);
inline bool is_final(JobState s) { return s == JobState::done || s == JobState::failed || s == JobState::cancelled; }

// At most this many progress lines are kept per job; later ones are counted, not stored.
constexpr std::size_t max_progress_lines = 1000;

struct Job {
    std::uint64_t id = 0;
    std::string board;
    // A hold, not a run: a trusted client has the board to itself (rig flash, console, gdb …)
    // while it runs, until the client releases it or its connection closes.
    bool hold = false;
    unsigned repetitions = 15;
    std::string filter;
    std::uint32_t submitted_by = 0;  // uid of the client that submitted it
    JobState state = JobState::queued;
    std::string reason;       // failed/cancelled: why; queued: a note ("board unhealthy: …")
    std::string failed_step;  // failed: the session step that failed ("flash", "hello", …)
    std::string failure;      // failed: "flash error", "no answer on the UART", "benchmark failure", …
    std::vector<std::string> progress;
    std::size_t progress_total = 0;  // lines produced, including those past max_progress_lines
    std::string result_file;         // done: the Google Benchmark JSON written
    std::string run_id;              // done: the run's id (a later complete run at the same commit replaces the file)
    std::int64_t history_run = 0;    // done: the run's id in the history database (0 = not stored)
    std::string submitted_at, started_at, finished_at;  // UTC, ISO 8601 with milliseconds
    // Positions in the daemon's one sequence of state changes: the order in which jobs started and
    // ended, independent of clocks (tests check overlap and serialisation with these).
    std::uint64_t started_seq = 0, finished_seq = 0;
};

struct BoardStatus {
    std::string name;
    bool healthy = true;
    unsigned consecutive_failures = 0;  // in the steps that say "the board is broken"
    std::string health_note;            // why it is unhealthy, or the last health check's outcome
    std::string last_health_check;      // UTC, empty = never
    std::uint64_t running_job = 0;      // 0 = none
    bool checking_health = false;
    std::size_t queued = 0;
};

nlohmann::json to_json(const Job& job);
Job job_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception on a bad document
nlohmann::json to_json(const BoardStatus& board);
BoardStatus board_from_json(const nlohmann::json& j);

// "2026-11-25T13:24:00.123Z"
std::string utc_now_ms();

}  // namespace rig::daemon
