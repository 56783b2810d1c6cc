#pragma once
// `rig nightly`'s loop: every commit of a range, oldest first, on every chosen board — checked out
// in its own git worktree, its firmware built for the chosen boards, run, stored in the history —
// then step detection over each benchmark's series, naming the commit that changed it. The main
// thread builds the commits in order; one thread per board measures each built commit, so boards
// run in parallel with each other and with the next commit's build. Resumable: commits that
// already have a complete run with the asked repetitions are skipped, so a rerun continues where
// one stopped. Runs are filed under the commit checked out (results/run_recorder).

#include "host/board/board.hpp"
#include "host/results/step_detection.hpp"
#include "host/results/thresholds.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rig::nightly {

struct NightlyOptions {
    std::filesystem::path repo = ".";  // the git checkout whose commits are measured
    std::string range;                 // "A..B" (git rev-list syntax); empty with since_last: see below
    bool since_last = false;           // from the newest commit the history has for these boards to HEAD
    std::vector<std::string> boards;   // names; empty = every board file in boards_dir
    board::SearchPath boards_dir;      // where board files are found (cli::boards_search_path)
    std::filesystem::path worktrees;   // one worktree per commit, kept for reuse (and for the inventory)
    std::filesystem::path history;
    std::filesystem::path results_dir;  // <board>/<commit>.json are written here too
    unsigned repetitions = 9;
    std::filesystem::path rustc = "/usr/bin/rustc";  // Debian's rustc-web, as CMake's RIG_RUSTC
    std::filesystem::path cargo = "/usr/bin/cargo";
    bool dry_run = false;                 // list what would be measured, build and run nothing
    bool allow_dirty = false;             // a dirty tree's run may be a baseline and a point of a series
    results::ThresholdConfig thresholds;  // per family; a step past them in the slower direction is a regression
    double step_alpha = 0.001;
    const std::atomic<bool>* cancel = nullptr;
    // Progress lines ("0:42 [3/10] 1a2b3c4d5e6f: firmware built in 11.8 s"), whole, one call each,
    // never two at once (the board threads' calls are serialised).
    std::function<void(const std::string&)> print;
    // A status line redrawn in place about twice a second while work runs (the build under way and
    // its elapsed time, each board's run); "" at the end. Empty: none (output that is not a terminal).
    std::function<void(const std::string&)> status;
    // Called just before each board's run; the run starts when it returns and the token it gives is
    // dropped once the run is stored. `rig nightly --via-rigd` holds the board through the bench's
    // rigd here, so that people at the bench and the nightly (or a lab's Buildbot build) share one
    // queue and one lock per board. Empty: the board is used directly.
    std::function<Result<std::shared_ptr<void>>(const board::Board&)> claim_board;
};

enum class Outcome { measured, skipped, failed, planned };
const char* to_string(Outcome o);

struct CommitResult {
    std::string commit;  // short, as the firmware reports it (12 hex digits)
    std::string board;
    Outcome outcome = Outcome::failed;
    std::string message;
};

struct FoundStep {
    std::string board, benchmark;
    results::Step step;
    bool in_range = false;    // introduced by a commit of this range
    bool regression = false;  // slower, past the family's thresholds, in range
};

struct NightlyResult {
    std::vector<std::string> commits;  // the range, oldest first (short hashes)
    std::vector<CommitResult> results;
    std::vector<FoundStep> steps;
    std::size_t count(Outcome o) const;
};

// Exit codes: 0 every commit measured (or already stored), 1 some commit failed on some board
// (the rest were still measured; rerun to retry), 4 none failed but a step in the slower direction
// past its family's thresholds was introduced in the range, 2 bad input (range, boards, repo).
constexpr int exit_some_failed = 1;
constexpr int exit_step_regression = 4;
int exit_code_of(const NightlyResult& r);

Result<NightlyResult> run_nightly(const NightlyOptions& options);

}  // namespace rig::nightly
