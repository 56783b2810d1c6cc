#include "host/nightly/nightly.hpp"

#include "host/board/board.hpp"
#include "host/nightly/progress.hpp"
#include "host/results/history.hpp"
#include "host/results/run_identity.hpp"
#include "host/results/run_recorder.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace rig::nightly {
namespace fs = std::filesystem;

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::measured:
            return "measured";
        case Outcome::skipped:
            return "skipped";
        case Outcome::failed:
            return "failed";
        case Outcome::planned:
            return "planned";
    }
    return "?";
}

std::size_t NightlyResult::count(Outcome o) const {
    return std::count_if(results.begin(), results.end(), [&](const CommitResult& r) { return r.outcome == o; });
}

int exit_code_of(const NightlyResult& r) {
    if (r.count(Outcome::failed)) return exit_some_failed;
    for (const auto& s : r.steps)
        if (s.regression) return exit_step_regression;
    return 0;
}

namespace {

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

std::string short_of(const std::string& full) { return full.substr(0, 12); }

// git with its output read through a pipe (never a file: it must not mix with the build logs,
// and a predictable file in /tmp could be planted by another user).
Result<std::string> git_in(const NightlyOptions& o, const fs::path& dir, std::vector<std::string> args) {
    std::vector<std::string> argv{"git", "-C", dir.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto c = util::run_program(argv, std::chrono::seconds(120), o.cancel);
    if (c.status == "cancelled") return make_error(ErrorKind::cancelled, "nightly: cancelled");
    if (!c.ok) {
        std::string cmd;
        for (const auto& a : args) cmd += " " + a;
        return make_error(ErrorKind::io, fmt::format("git{} in {}: {}: {}", cmd, dir.string(), c.status,
                                                     trim(c.err.empty() ? c.out : c.err)));
    }
    return trim(c.out);
}

Result<std::string> git(const NightlyOptions& o, std::vector<std::string> args) { return git_in(o, o.repo, args); }

// An exclusive hold on a lock file for as long as it lives: two nights sharing one worktrees
// folder take turns in its build tree instead of checking out over each other's build.
class FileLock {
public:
    explicit FileLock(const fs::path& file) : fd_(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~FileLock() {
        if (fd_ >= 0) ::close(fd_);  // closing releases the lock
    }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!trim(line).empty()) out.push_back(trim(line));
    return out;
}

// The firmware images of the boards to measure, for the progress line.
std::string packages_of(const std::vector<const board::Board*>& boards) {
    std::set<std::string> packages;
    for (const auto* b : boards) packages.insert(b->image_name());
    std::string list;
    for (const auto& p : packages) list += (list.empty() ? "" : ", ") + p;
    return list;
}

// cargo, run in the worktree's firmware folder with the toolchain CMake uses (firmware/CMakeLists.txt).
std::vector<std::string> cargo_in(const NightlyOptions& o, const fs::path& wt, const fs::path& target_dir,
                                  const std::string& commit, std::vector<std::string> args) {
    std::vector<std::string> argv{"env",
                                  "-u",
                                  "RUSTUP_TOOLCHAIN",
                                  "-C",
                                  (wt / "firmware").string(),
                                  "RUSTC=" + o.rustc.string(),
                                  "RUSTC_BOOTSTRAP=1",
                                  "CARGO_TARGET_DIR=" + target_dir.string(),
                                  "RIG_COMMIT=" + commit,
                                  o.cargo.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

// Checks `full` out in the build tree, the one worktree every commit is built in
// (<worktrees>/build-tree), made on first use. git rewrites only the files that differ from the
// commit built before, so cargo — which judges a path package by its files' times — rebuilds only
// the crates whose sources changed; a fresh worktree per commit made every file new and rebuilt the
// whole workspace each time. The tree's paths also stay the same: cargo records a file outside its
// package (a board's `build = "../board_support/image_build.rs"`) by its absolute path, and with a
// worktree per commit the build script compiled in one commit's worktree was reused for the next.
Result<fs::path> check_out_build_tree(const NightlyOptions& o, const std::string& full) {
    const fs::path tree = fs::absolute(o.worktrees / "build-tree");
    std::error_code ec;
    if (fs::exists(tree / ".git", ec)) {
        auto checked = git_in(o, tree, {"checkout", "--quiet", "--detach", "--force", full});
        // Files a build or an older rig left in the tree would be read by the next build.
        if (checked) checked = git_in(o, tree, {"clean", "-ffdxq"});
        if (checked || checked.error().kind == ErrorKind::cancelled)
            return checked ? Result<fs::path>(tree) : checked.error();
        fs::remove_all(tree, ec);  // a tree git no longer knows: made again below
    }
    fs::remove_all(tree, ec);  // a folder git made before it was stopped
    // Forced twice, as for a commit's worktree: a killed `worktree add` leaves the path locked.
    auto added = git(o, {"worktree", "add", "--detach", "--force", "--force", tree.string(), full});
    if (!added) return added.error();
    return tree;
}

// Builds one commit's firmware for the boards asked for, and only those, with the same cargo line
// CMake runs (firmware/CMakeLists.txt), in the build tree. One cargo target folder serves every
// commit, so `core` and `compiler_builtins` are built from the toolchain's sources once, not once
// per commit, and a crate no commit since has touched is not built again. Each image is copied to
// the commit's own worktree (<wt>/images) before the next commit's build replaces it.
// What one commit's firmware build made: an image per built image name, and why each variant
// target that could not be built failed (the default target failing fails the whole build).
struct FirmwareBuild {
    std::map<std::string, fs::path> images;
    std::map<std::string, std::string> failed_targets;
};

Result<FirmwareBuild> build_firmware(const NightlyOptions& o, const fs::path& wt, const std::string& full,
                                     const std::vector<const board::Board*>& boards, const fs::path& log) {
    const std::string commit = short_of(full);
    // Not "cargo-target", which older rigs filled from a worktree per commit: a build script compiled
    // there names files of those worktrees (see check_out_build_tree) and must not be reused.
    const fs::path target_dir = fs::absolute(o.worktrees / "build-target");
    const FileLock lock(o.worktrees / "build-tree.lock");
    auto tree = check_out_build_tree(o, full);
    if (!tree) return tree.error();
    // One cargo run per target: the default one, and each firmware/targets/<name>.json a board
    // file names (the same packages built another way, e.g. without frame pointers).
    std::map<std::string, std::vector<const board::Board*>> by_target;
    for (const auto* b : boards)
        by_target[b->firmware_target.empty() ? std::string(board::default_firmware_target) : b->firmware_target]
            .push_back(b);
    FirmwareBuild build;
    auto& images = build.images;
    std::error_code ec;
    fs::create_directories(wt / "images", ec);
    for (const auto& [target, built] : by_target) {
        const bool builtin = target == board::default_firmware_target;
        // A commit older than a variant's target file cannot build it: that target's boards fail,
        // the others are still built and measured.
        if (!builtin && !fs::exists(*tree / "firmware" / "targets" / (target + ".json"), ec)) {
            build.failed_targets[target] =
                fmt::format("this commit has no firmware/targets/{}.json (it predates the variant)", target);
            continue;
        }
        std::vector<std::string> args{
            "build",           "--release", "--locked", "--target", builtin ? target : "targets/" + target + ".json",
            "-Zbuild-std=core"};
        if (!builtin) args.emplace_back("-Zjson-target-spec");
        auto argv = cargo_in(o, *tree, target_dir, commit, args);
        std::set<std::string> packages;
        for (const auto* b : built) packages.insert(b->firmware_package);
        for (const auto& p : packages) argv.insert(argv.end(), {"-p", p});
        const auto ran = util::run_captured(argv, log, std::chrono::seconds(1800), o.cancel);
        if (!ran.ok) {
            if (ran.status == "cancelled") return make_error(ErrorKind::cancelled, "nightly: cancelled");
            if (builtin)
                return make_error(ErrorKind::io,
                                  fmt::format("firmware build for {} {} (see {})", target, ran.status, log.string()));
            build.failed_targets[target] =
                fmt::format("firmware build for {} {} (see {})", target, ran.status, log.string());
            continue;
        }
        for (const auto* b : built) {
            const fs::path made = target_dir / target / "release" / b->firmware_package;
            const fs::path kept = wt / "images" / b->image_name();
            if (!fs::copy_file(made, kept, fs::copy_options::overwrite_existing, ec))
                return make_error(ErrorKind::io, fmt::format("this commit's build made no image {} ({}; see {})",
                                                             made.string(), ec.message(), log.string()));
            images[b->image_name()] = kept;
        }
    }
    return build;
}

Result<std::string> resolve_range(const NightlyOptions& o, const results::History& h,
                                  const std::vector<board::Board>& boards) {
    if (!o.range.empty()) return o.range;
    if (!o.since_last) return make_error(ErrorKind::invalid_argument, "give --range A..B or --since-last");
    // The newest stored commit (by commit date) of these boards that the repo knows.
    std::string best, best_date;
    for (const auto& b : boards) {
        auto runs = h.runs({b.name, ""});
        if (!runs) return runs.error();
        for (const auto& r : *runs) {
            // A baseline is a complete run of a commit git knows; a dirty tree's run is not one
            // (its sources are in no commit) unless the user says so.
            if (!r.complete || (results::is_dirty(r.commit) && !o.allow_dirty)) continue;
            const std::string base(results::without_dirty(r.commit));
            if (!git(o, {"cat-file", "-e", base + "^{commit}"})) continue;
            if (best.empty() || r.commit_date > best_date) best = base, best_date = r.commit_date;
        }
    }
    if (best.empty()) return std::string("HEAD");  // nothing measured yet: the branch tip alone
    return best + "..HEAD";
}

// A commit built and ready to be measured on one board.
struct Job {
    std::size_t index = 0;  // into the range
    std::string commit, commit_date, where;
    fs::path image;
};

// One board's queue of built commits, in commit order: the board's thread measures commit i while
// the main thread builds commit i + 1, and boards never wait for each other.
class BoardLane {
public:
    void push(Job job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
    }
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_one();
    }
    std::optional<Job> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return closed_ || !jobs_.empty(); });
        if (jobs_.empty()) return std::nullopt;
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        return job;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Job> jobs_;
    bool closed_ = false;
};

// What a build log says so far: how many crates cargo has started and the last one ("Compiling
// kernel v0.1.0 (…)" → "kernel"). Cargo prints no line when a crate ends: the last one started
// is not necessarily the one still compiling.
struct CargoSoFar {
    std::size_t started = 0;
    std::string last;
};
CargoSoFar cargo_so_far(const fs::path& log) {
    std::ifstream in(log, std::ios::binary);
    CargoSoFar so_far;
    for (std::string line; std::getline(in, line);) {
        const auto at = line.find("Compiling ");
        if (at == std::string::npos) continue;
        ++so_far.started;
        std::istringstream words(line.substr(at + 10));
        words >> so_far.last;
    }
    return so_far;
}

// The night's shared state: results from every board thread, whole progress lines with the time
// since the start, and (on a terminal) the status line a ticker thread redraws.
class Night {
public:
    explicit Night(const NightlyOptions& o) : o_(o), started_(std::chrono::steady_clock::now()) {}

    void say(const std::string& line) {
        if (!o_.print) return;
        std::lock_guard lock(print_mutex_);
        o_.print(clock_of(std::chrono::steady_clock::now() - started_) + " " + line);
    }
    void add(std::size_t index, std::size_t board, CommitResult r) {
        std::lock_guard lock(results_mutex_);
        results_.emplace_back(std::pair{index, board}, std::move(r));
    }
    // Ordered by commit, then board, whatever order the threads finished in.
    std::vector<CommitResult> results() {
        std::lock_guard lock(results_mutex_);
        std::stable_sort(results_.begin(), results_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<CommitResult> out;
        for (auto& [key, r] : results_) out.push_back(r);
        return out;
    }

    // What the status line shows: the build under way and each board's run.
    void building(const std::string& what, const fs::path& log) {
        std::lock_guard lock(live_mutex_);
        build_ = what;
        build_log_ = log;
        build_started_ = std::chrono::steady_clock::now();
    }
    void measuring(const std::string& board, const std::string& what) {
        std::lock_guard lock(live_mutex_);
        if (what.empty())
            boards_.erase(board);
        else
            boards_[board] = what;
    }
    std::string status() {
        std::lock_guard lock(live_mutex_);
        const auto now = std::chrono::steady_clock::now();
        std::string s = clock_of(now - started_);
        if (!build_.empty()) {
            s += fmt::format(" {} {:.0f} s", build_, std::chrono::duration<double>(now - build_started_).count());
            if (const auto cargo = cargo_so_far(build_log_); cargo.started)
                s += fmt::format(", cargo started {} crate(s), the last {}", cargo.started, cargo.last);
        }
        for (const auto& [board, what] : boards_) s += fmt::format(" | {}: {}", board, what);
        return s;
    }
    std::chrono::steady_clock::time_point started() const { return started_; }

private:
    const NightlyOptions& o_;
    const std::chrono::steady_clock::time_point started_;
    std::mutex print_mutex_, results_mutex_, live_mutex_;
    std::vector<std::pair<std::pair<std::size_t, std::size_t>, CommitResult>> results_;
    std::string build_;
    fs::path build_log_;
    std::chrono::steady_clock::time_point build_started_;
    std::map<std::string, std::string> boards_;
};

// One board's run of one built commit, recorded in the history (record_run: one writer at a time
// in this process, BEGIN IMMEDIATE and SQLite's busy wait against other processes).
// `board_lost`: the board could not be claimed (--via-rigd), so no later commit is measured on it
// either; `--since-last` then resumes at this commit rather than after it.
CommitResult measure(const NightlyOptions& o, Night& night, const board::Board& b, const Job& job, bool& board_lost) {
    const auto& commit = job.commit;
    const auto& where = job.where;
    std::error_code ec;
    if (!fs::exists(job.image, ec)) {
        night.say(fmt::format("{} {}: FAILED: no image {}", where, b.name, job.image.string()));
        return {commit, b.name, Outcome::failed, "this commit's build made no image " + job.image.string()};
    }
    const fs::path logs = o.results_dir / b.name / "logs";
    fs::create_directories(logs, ec);
    const fs::path log = logs / ("nightly-" + commit + ".log");
    fs::remove(log, ec);
    std::shared_ptr<void> claim;  // held until this board's run is stored
    if (o.claim_board) {
        auto claimed = o.claim_board(b);
        if (!claimed) {
            night.say(fmt::format("{} {}: FAILED: {}", where, b.name, claimed.error().message));
            board_lost = true;
            return {commit, b.name, Outcome::failed, claimed.error().message};
        }
        claim = std::move(*claimed);
    }
    session::RunOptions ro;
    ro.repetitions = o.repetitions;
    ro.cancel = o.cancel;
    std::size_t arrived = 0;
    session::Progress progress;
    progress.result = [&](const results::Measurement&) {
        night.measuring(b.name, fmt::format("{} {} results", commit, ++arrived));
    };
    night.say(fmt::format("{} {}: measuring ({} repetitions)", where, b.name, o.repetitions));
    night.measuring(b.name, commit + " starting");
    const auto started = std::chrono::steady_clock::now();
    auto report = session::run_on_board(b, job.image, ro, log, progress);
    night.measuring(b.name, "");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!report) {
        night.say(fmt::format("{} {}: FAILED after {:.1f} s: {} (log: {})", where, b.name, seconds,
                              report.error().message, log.string()));
        return {commit, b.name, Outcome::failed, report.error().message};
    }
    // Filed under the commit the host checked out, never under what the image says.
    std::string note;
    if (report->info.firmware_commit != commit)
        note = fmt::format(" (the image calls itself {}; filed under the checked-out {})", report->info.firmware_commit,
                           commit);
    report->info.firmware_commit = commit;
    results::RecordOptions record;
    record.results_dir = o.results_dir;
    record.history = o.history;
    record.log_file = log;
    record.source = "nightly";
    record.commit_date = job.commit_date;
    const auto recorded = results::record_run(*report, record);
    if (!recorded.ok()) {
        const auto& error = recorded.file_error ? *recorded.file_error : *recorded.history_error;
        night.say(fmt::format("{} {}: FAILED to store: {}", where, b.name, error.message));
        return {commit, b.name, Outcome::failed, "not stored: " + error.message};
    }
    night.say(fmt::format("{} {}: measured in {:.1f} s, {} benchmarks, run {} in the history{}", where, b.name, seconds,
                          report->measurements.size(), report->info.run_id, note));
    return {commit, b.name, Outcome::measured,
            fmt::format("run {} (history row {})", report->info.run_id, recorded.history_run) + note};
}

}  // namespace

Result<NightlyResult> run_nightly(const NightlyOptions& o) {
    // Boards.
    std::vector<board::Board> boards;
    if (o.boards.empty()) {
        for (auto& b : board::load_all_boards(o.boards_dir)) {
            if (!b) return b.error();
            boards.push_back(std::move(*b));
        }
    } else {
        for (const auto& name : o.boards) {
            auto b = board::find_board(name, o.boards_dir);
            if (!b) return b.error();
            boards.push_back(std::move(*b));
        }
    }
    if (boards.empty()) return make_error(ErrorKind::invalid_argument, "no boards in " + o.boards_dir.describe());

    auto history = results::History::open(o.history);
    if (!history) return history.error();

    auto range = resolve_range(o, *history, boards);
    if (!range) return range.error();
    std::vector<std::string> rev_args{"rev-list", "--reverse", "--topo-order"};
    if (range->find("..") == std::string::npos) rev_args.emplace_back("--max-count=1");
    rev_args.push_back(*range);
    auto listed = git(o, rev_args);
    if (!listed)
        return listed.error().kind == ErrorKind::cancelled
                   ? listed.error()
                   : make_error(ErrorKind::invalid_argument, listed.error().message);
    const auto commits = lines_of(*listed);

    NightlyResult result;
    for (const auto& c : commits) result.commits.push_back(short_of(c));
    Night night(o);
    std::string names;
    for (const auto& b : boards) names += (names.empty() ? "" : ", ") + b.name;
    night.say(
        fmt::format("nightly: {} commit(s) in {} on {} board(s): {}", commits.size(), *range, boards.size(), names));

    // One thread per board measures what the main thread builds; a terminal also gets a ticker.
    std::vector<BoardLane> lanes(boards.size());
    std::vector<std::thread> workers;
    if (!o.dry_run)
        for (std::size_t k = 0; k < boards.size(); ++k)
            workers.emplace_back([&, k] {
                bool board_lost = false;
                while (auto job = lanes[k].pop()) {
                    if (o.cancel && o.cancel->load()) continue;  // drained: nothing more is measured
                    if (board_lost) {
                        night.add(job->index, k,
                                  {job->commit, boards[k].name, Outcome::failed,
                                   "not measured: the board could not be claimed for an earlier commit"});
                        continue;
                    }
                    night.add(job->index, k, measure(o, night, boards[k], *job, board_lost));
                }
            });
    std::atomic<bool> night_over{false};
    std::thread ticker;
    if (o.status && !o.dry_run)
        ticker = std::thread([&] {
            while (!night_over.load()) {
                o.status(night.status());
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
        });
    const auto finish = [&] {
        for (auto& lane : lanes) lane.close();
        for (auto& w : workers) w.join();
        night_over = true;
        if (ticker.joinable()) ticker.join();
        result.results = night.results();
    };

    std::error_code ec;
    std::size_t built = 0;
    double build_seconds = 0;
    for (std::size_t i = 0; i < commits.size(); ++i) {
        if (o.cancel && o.cancel->load()) break;
        const auto& full = commits[i];
        const auto commit = short_of(full);
        const auto where = fmt::format("[{}/{}] {}", i + 1, commits.size(), commit);

        // Skipped only when a complete run with at least the asked repetitions is stored: a
        // filtered or shorter run does not stand for the commit.
        std::vector<std::size_t> todo;
        for (std::size_t k = 0; k < boards.size(); ++k) {
            const auto& b = boards[k];
            auto stored = history->resolve_commit(b.name, commit);
            auto complete =
                stored && *stored ? history->has_complete_run(b.name, **stored, o.repetitions) : Result<bool>(false);
            if (complete && *complete) {
                night.add(i, k, {commit, b.name, Outcome::skipped, "already in the history"});
                night.say(fmt::format("{} {}: skipped (a complete run with >= {} repetitions is in the history)", where,
                                      b.name, o.repetitions));
            } else {
                todo.push_back(k);
            }
        }
        if (todo.empty()) continue;
        if (o.dry_run) {
            for (auto k : todo) {
                night.add(i, k, {commit, boards[k].name, Outcome::planned, "dry run"});
                night.say(fmt::format("{} {}: would be built and measured", where, boards[k].name));
            }
            continue;
        }
        auto fail_all = [&](const std::string& why) {
            for (auto k : todo) {
                night.add(i, k, {commit, boards[k].name, Outcome::failed, why});
                night.say(fmt::format("{} {}: FAILED: {}", where, boards[k].name, why));
            }
        };

        // Worktree and firmware build, once per commit.
        const fs::path wt = o.worktrees / commit;
        fs::create_directories(o.worktrees, ec);
        const fs::path build_log = o.worktrees / (commit + ".build.log");
        const auto commit_started = std::chrono::steady_clock::now();
        // A worktree left by an earlier night is reused, but made whole first: a nightly killed
        // during `git worktree add` (a bench that went down) leaves its .git file and a partial
        // checkout, whose build then failed for ever. `reset --hard` restores what is missing and
        // leaves intact files alone; a worktree it cannot repair (a lock file left by the killed
        // git) is removed and added again.
        if (fs::exists(wt / ".git", ec) &&
            !git(o, {"-C", fs::absolute(wt).string(), "reset", "--quiet", "--hard", full})) {
            night.say(fmt::format("{}: the worktree {} is broken (an interrupted night?): making it again", where,
                                  wt.string()));
            fs::remove_all(wt, ec);
        }
        if (!fs::exists(wt / ".git", ec)) {
            fs::remove_all(wt, ec);  // a folder git made before it was stopped
            night.say(fmt::format("{}: checking out (git worktree add {})", where, wt.string()));
            night.building(where + " checking out", {});
            // Forced twice: a `worktree add` killed half-way leaves its path registered and locked
            // ("missing but locked worktree"), which one --force does not override.
            auto added = git(o, {"worktree", "add", "--detach", "--force", "--force", fs::absolute(wt).string(), full});
            if (!added) {
                night.building("", {});
                fail_all(added.error().message);
                continue;
            }
        }
        std::vector<const board::Board*> todo_boards;
        todo_boards.reserve(todo.size());
        for (auto k : todo) todo_boards.push_back(&boards[k]);
        night.say(fmt::format("{}: building its firmware for {} (log: {})", where, packages_of(todo_boards),
                              build_log.string()));
        night.building(where + " building", build_log);
        auto images = build_firmware(o, wt, full, todo_boards, build_log);
        night.building("", {});
        if (!images) {
            if (images.error().kind == ErrorKind::cancelled) break;
            fail_all(images.error().message);
            continue;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_started).count();
        build_seconds += seconds;
        ++built;
        // What is left, at the mean cost of the commits built so far (the skipped ones cost nothing).
        const auto left = commits.size() - i - 1;
        night.say(
            fmt::format("{}: firmware built in {:.1f} s{}", where, seconds,
                        left ? fmt::format(" (at most {} commit(s) left, about {} at this pace)", left,
                                           clock_of(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                               std::chrono::duration<double>(build_seconds / built * left))))
                             : std::string()));
        auto date = git(o, {"show", "-s", "--format=%cI", full});
        for (auto k : todo) {
            const auto& b = boards[k];
            if (const auto image = images->images.find(b.image_name()); image != images->images.end()) {
                lanes[k].push({i, commit, date ? *date : "", where, image->second});
                continue;
            }
            const auto failed = images->failed_targets.find(b.firmware_target);
            const auto why =
                failed != images->failed_targets.end() ? failed->second : "the build made no image " + b.image_name();
            night.add(i, k, {commit, b.name, Outcome::failed, why});
            night.say(fmt::format("{} {}: FAILED: {}", where, b.name, why));
        }
    }
    finish();
    if (o.status) o.status("");
    if (o.cancel && o.cancel->load()) return make_error(ErrorKind::cancelled, "nightly: cancelled");
    night.say(fmt::format("nightly: {} commit(s) done", commits.size()));

    // Step detection over every benchmark's whole series, per board.
    const std::set<std::string> in_range(result.commits.begin(), result.commits.end());
    for (const auto& b : boards) {
        auto runs = history->runs({b.name, ""});
        if (!runs || runs->empty()) continue;
        std::set<std::string> names;
        for (const auto& r : *runs) {
            auto run = history->load_run(r.id);
            if (!run) continue;
            for (const auto& m : run->measurements) names.insert(m.full_name());
        }
        for (const auto& name : names) {
            auto series = history->series(b.name, name);
            if (!series) continue;
            results::StepOptions so;
            so.alpha = o.step_alpha;
            so.thresholds = o.thresholds.for_benchmark(name);
            if (!o.allow_dirty)
                std::erase_if(*series, [](const results::SeriesPoint& p) { return results::is_dirty(p.commit); });
            for (const auto& s : results::detect_steps(*series, so)) {
                FoundStep f{b.name, name, s, in_range.count(s.commit) > 0, false};
                f.regression = f.in_range && s.slower() && s.past_thresholds;
                result.steps.push_back(f);
            }
        }
    }
    return result;
}

}  // namespace rig::nightly
