#include "host/nightly/nightly.hpp"

#include "host/board/board.hpp"
#include "host/results/history.hpp"
#include "host/results/run_identity.hpp"
#include "host/results/run_recorder.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <fstream>
#include <map>
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
Result<std::string> git(const NightlyOptions& o, std::vector<std::string> args) {
    std::vector<std::string> argv{"git", "-C", o.repo.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto c = util::run_program(argv, std::chrono::seconds(120), o.cancel);
    if (c.status == "cancelled") return make_error(ErrorKind::cancelled, "nightly: cancelled");
    if (!c.ok) {
        std::string cmd;
        for (const auto& a : args) cmd += " " + a;
        return make_error(ErrorKind::io, fmt::format("git{} in {}: {}: {}", cmd, o.repo.string(), c.status,
                                                     trim(c.err.empty() ? c.out : c.err)));
    }
    return trim(c.out);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!trim(line).empty()) out.push_back(trim(line));
    return out;
}

void say(const NightlyOptions& o, const std::string& line) {
    if (o.print) o.print(line);
}

// The firmware packages of the boards to measure, for cargo's -p and the progress line.
std::string packages_of(const std::vector<const board::Board*>& boards) {
    std::set<std::string> packages;
    for (const auto* b : boards) packages.insert(b->firmware_package);
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

// Builds one commit's firmware for the boards asked for, and only those, with the same cargo line
// CMake runs (firmware/CMakeLists.txt). One cargo target folder serves every commit, so `core` and
// `compiler_builtins` are built from the toolchain's sources once, not once per commit. The
// workspace's own packages are cleaned from it first: cargo hashes a path package relative to its
// workspace, so a build script compiled in another commit's worktree would otherwise be reused
// (seen: one commit's image_build.rs named the next commit's image). Each image is copied out
// beside the worktree before the next commit's build replaces it.
Result<std::map<std::string, fs::path>> build_firmware(const NightlyOptions& o, const fs::path& wt,
                                                        const std::string& commit,
                                                        const std::vector<const board::Board*>& boards,
                                                        const fs::path& log) {
    const fs::path target_dir = fs::absolute(o.worktrees / "cargo-target");
    const auto failed = [&](const util::Captured& c, const std::string& what) -> Error {
        if (c.status == "cancelled") return make_error(ErrorKind::cancelled, "nightly: cancelled");
        return make_error(ErrorKind::io, fmt::format("{} {} (see {})", what, c.status, log.string()));
    };
    const auto metadata = util::run_program(
        cargo_in(o, wt, target_dir, commit, {"metadata", "--no-deps", "--format-version", "1", "--offline"}),
        std::chrono::seconds(120), o.cancel);
    std::vector<std::string> clean{"clean", "--release", "--target", std::string(firmware_target)};
    try {
        // Named: a range-for over parse(...).at(...) would walk a temporary freed before the body
        // (ASan's heap-use-after-free in the sanitizer pass).
        const auto workspace = nlohmann::json::parse(metadata.out);
        for (const auto& package : workspace.at("packages"))
            clean.insert(clean.end(), {"-p", package.at("name").get<std::string>()});
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorKind::io, fmt::format("cargo metadata in {}: {}: {}{}", (wt / "firmware").string(),
                                                     metadata.status, e.what(), metadata.err.substr(0, 400)));
    }
    if (const auto cleaned = util::run_captured(cargo_in(o, wt, target_dir, commit, clean), log,
                                                std::chrono::seconds(120), o.cancel);
        !cleaned.ok)
        return failed(cleaned, "cargo clean of the previous commit's packages");
    auto argv = cargo_in(o, wt, target_dir, commit,
                         {"build", "--release", "--locked", "--target", std::string(firmware_target), "-Zbuild-std=core"});
    std::set<std::string> packages;
    for (const auto* b : boards) packages.insert(b->firmware_package);
    for (const auto& p : packages) argv.insert(argv.end(), {"-p", p});
    const auto built = util::run_captured(argv, log, std::chrono::seconds(1800), o.cancel);
    if (!built.ok) return failed(built, "firmware build");
    std::map<std::string, fs::path> images;
    std::error_code ec;
    fs::create_directories(wt / "images", ec);
    for (const auto& p : packages) {
        const fs::path made = target_dir / firmware_target / "release" / p;
        const fs::path kept = wt / "images" / p;
        if (!fs::copy_file(made, kept, fs::copy_options::overwrite_existing, ec))
            return make_error(ErrorKind::io, fmt::format("this commit's build made no image {} ({}; see {})",
                                                         made.string(), ec.message(), log.string()));
        images[p] = kept;
    }
    return images;
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
        return listed.error().kind == ErrorKind::cancelled ? listed.error()
                                                           : make_error(ErrorKind::invalid_argument, listed.error().message);
    const auto commits = lines_of(*listed);

    NightlyResult result;
    for (const auto& c : commits) result.commits.push_back(short_of(c));
    say(o, fmt::format("nightly: {} commit(s) in {} on {} board(s)", commits.size(), *range, boards.size()));

    std::error_code ec;
    for (std::size_t i = 0; i < commits.size(); ++i) {
        if (o.cancel && o.cancel->load()) return make_error(ErrorKind::cancelled, "nightly: cancelled");
        const auto& full = commits[i];
        const auto commit = short_of(full);
        const auto where = fmt::format("[{}/{}] {}", i + 1, commits.size(), commit);

        // Skipped only when a complete run with at least the asked repetitions is stored: a
        // filtered or shorter run does not stand for the commit.
        std::vector<const board::Board*> todo;
        for (const auto& b : boards) {
            auto stored = history->resolve_commit(b.name, commit);
            auto complete = stored && *stored ? history->has_complete_run(b.name, **stored, o.repetitions)
                                              : Result<bool>(false);
            if (complete && *complete) {
                result.results.push_back({commit, b.name, Outcome::skipped, "already in the history"});
                say(o, fmt::format("{} {}: skipped (a complete run with >= {} repetitions is in the history)", where,
                                   b.name, o.repetitions));
            } else {
                todo.push_back(&b);
            }
        }
        if (todo.empty()) continue;
        if (o.dry_run) {
            for (const auto* b : todo) {
                result.results.push_back({commit, b->name, Outcome::planned, "dry run"});
                say(o, fmt::format("{} {}: would be built and measured", where, b->name));
            }
            continue;
        }
        auto fail_all = [&](const std::string& why) {
            for (const auto* b : todo) {
                result.results.push_back({commit, b->name, Outcome::failed, why});
                say(o, fmt::format("{} {}: FAILED: {}", where, b->name, why));
            }
        };

        // Worktree and firmware build, once per commit.
        const fs::path wt = o.worktrees / commit;
        fs::create_directories(o.worktrees, ec);
        const fs::path build_log = o.worktrees / (commit + ".build.log");
        if (!fs::exists(wt / ".git", ec)) {
            say(o, fmt::format("{}: git worktree add {}", where, wt.string()));
            auto added = git(o, {"worktree", "add", "--detach", "--force", fs::absolute(wt).string(), full});
            if (!added) {
                fail_all(added.error().message);
                continue;
            }
        }
        say(o, fmt::format("{}: building its firmware for {} (log: {})", where, packages_of(todo),
                           build_log.string()));
        const auto build_started = std::chrono::steady_clock::now();
        auto images = build_firmware(o, wt, commit, todo, build_log);
        if (!images) {
            fail_all(images.error().message);
            continue;
        }
        say(o, fmt::format("{}: firmware built in {:.1f} s", where,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - build_started).count()));
        auto date = git(o, {"show", "-s", "--format=%cI", full});
        const std::string commit_date = date ? *date : "";

        for (const auto* b : todo) {
            const fs::path image = images->at(b->firmware_package);
            if (!fs::exists(image, ec)) {
                result.results.push_back(
                    {commit, b->name, Outcome::failed, "this commit's build made no image " + image.string()});
                say(o, fmt::format("{} {}: FAILED: no image {}", where, b->name, image.string()));
                continue;
            }
            const fs::path logs = o.results_dir / b->name / "logs";
            fs::create_directories(logs, ec);
            const fs::path log = logs / ("nightly-" + commit + ".log");
            fs::remove(log, ec);
            session::RunOptions ro;
            ro.repetitions = o.repetitions;
            ro.cancel = o.cancel;
            say(o, fmt::format("{} {}: running ({} repetitions)", where, b->name, o.repetitions));
            auto report = session::run_on_board(*b, image, ro, log);
            if (!report) {
                result.results.push_back({commit, b->name, Outcome::failed, report.error().message});
                say(o,
                    fmt::format("{} {}: FAILED: {} (log: {})", where, b->name, report.error().message, log.string()));
                if (report.error().kind == ErrorKind::cancelled) return report.error();
                continue;
            }
            // Filed under the commit the host checked out, never under what the image says.
            std::string note;
            if (report->info.firmware_commit != commit)
                note = fmt::format(" (the image calls itself {}; filed under the checked-out {})",
                                   report->info.firmware_commit, commit);
            report->info.firmware_commit = commit;
            results::RecordOptions record;
            record.results_dir = o.results_dir;
            record.history = o.history;
            record.log_file = log;
            record.source = "nightly";
            record.commit_date = commit_date;
            const auto recorded = results::record_run(*report, record);
            if (!recorded.ok()) {
                const auto& error = recorded.file_error ? *recorded.file_error : *recorded.history_error;
                result.results.push_back({commit, b->name, Outcome::failed, "not stored: " + error.message});
                say(o, fmt::format("{} {}: FAILED to store: {}", where, b->name, error.message));
                continue;
            }
            result.results.push_back(
                {commit, b->name, Outcome::measured,
                 fmt::format("run {} (history row {})", report->info.run_id, recorded.history_run) + note});
            say(o, fmt::format("{} {}: measured, {} benchmarks, run {} in the history{}", where, b->name,
                               report->measurements.size(), report->info.run_id, note));
        }
    }

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
