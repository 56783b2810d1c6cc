#include "host/cli/nightly_command.hpp"

#include "host/cli/board_folders.hpp"
#include "host/cli/board_hold.hpp"
#include "host/cli/out_file.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/daemon/api.hpp"
#include "host/nightly/nightly.hpp"
#include "host/nightly/nightly_junit.hpp"
#include "host/nightly/progress.hpp"
#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <memory>
#include <sstream>

namespace rig::cli {
namespace {

struct NightlyArgs {
    std::string range;
    bool since_last = false;
    std::string boards = "all";
    std::string repo = ".";
    std::string worktrees = config::worktrees_dir().string();
    std::string boards_dir;  // empty: the search path
    std::string history = config::history_file().string();
    std::string results_dir = config::results_dir().string();
    std::string thresholds = config::thresholds_file().string();
    unsigned repetitions = 9;
    double alpha = 0.001;
    bool dry_run = false;
    bool allow_dirty = false;
    OutArgs out;
    bool via_rigd = false;
    std::string socket = daemon::default_client_socket().string();
};

// --out: the night as JUnit XML, from the result and the history it filled.
int write_junit(const NightlyArgs& args, const nightly::NightlyResult& night) {
    std::error_code ec;
    std::optional<results::History> history;
    if (std::filesystem::exists(args.history, ec)) {
        auto opened = results::History::open(args.history);
        if (!opened) {
            fmt::print(stderr, "rig nightly: --out {} not written: {}\n", args.out.file, opened.error().message);
            return exit_write_failed;
        }
        history.emplace(std::move(*opened));
    }
    std::vector<results::JunitSuite> suites;
    if (history) suites = nightly::junit_suites_of_nightly(night, *history);
    if (auto written = util::write_file_atomically(args.out.file, results::junit_xml(suites)); !written) {
        fmt::print(stderr, "rig nightly: --out {} not written: {}\n", args.out.file, written.error().message);
        return exit_write_failed;
    }
    return exit_ok;
}

int nightly_main(const NightlyArgs& args) {
    if (args.range.empty() == !args.since_last) {
        fmt::print(stderr, "rig nightly: give exactly one of --range A..B and --since-last\n");
        return exit_bad_input;
    }
    if (auto out = checked_out(args.out, {OutFormat::junit}); !out) return out_refused("nightly", out.error());
    nightly::NightlyOptions o;
    o.repo = args.repo;
    o.range = args.range;
    o.since_last = args.since_last;
    if (args.boards != "all") {
        std::istringstream in(args.boards);
        for (std::string b; std::getline(in, b, ',');)
            if (!b.empty()) o.boards.push_back(b);
    }
    o.boards_dir = boards_search_path(args.boards_dir);
    o.worktrees = args.worktrees;
    o.history = args.history;
    o.results_dir = args.results_dir;
    o.repetitions = args.repetitions;
    o.dry_run = args.dry_run;
    o.allow_dirty = args.allow_dirty;
    o.step_alpha = args.alpha;
    o.cancel = &cancel_requested();
    // Lines always; on a terminal also a status line redrawn in place (nightly/progress.hpp).
    auto progress = std::make_shared<nightly::ProgressPrinter>(stdout, nightly::is_terminal(stdout));
    o.print = [progress](const std::string& line) { progress->line(line); };
    if (progress->terminal()) o.status = [progress](const std::string& text) { progress->status(text); };
    if (args.via_rigd) {
        // Each board's run waits its turn in the bench's rigd (a `hold`, queued like a job) and
        // keeps the board until it is stored. A bench without a rigd owning the board is an
        // error here, not a silent direct use: the shared queue is the point of the option.
        const std::filesystem::path socket = args.socket;
        o.claim_board = [socket, progress](const board::Board& b) -> Result<std::shared_ptr<void>> {
            const auto note = [progress](const std::string& line) { progress->line(line); };
            auto held = BoardHold::acquire(b.name, socket, &cancel_requested(), note);
            if (!held) return held.error();
            if (!held->through_rigd())
                return make_error(ErrorKind::io,
                                  fmt::format("--via-rigd: no rigd at {} owns board {} (start it: rigd --boards {})",
                                              socket.string(), b.name, b.name));
            return std::shared_ptr<void>(std::make_shared<BoardHold>(std::move(*held)));
        };
    }
    auto thresholds = results::load_thresholds(args.thresholds);
    if (!thresholds) {
        fmt::print(stderr, "rig nightly: {}\n", thresholds.error().message);
        return exit_bad_input;
    }
    o.thresholds = *thresholds;

    auto r = nightly::run_nightly(o);
    if (!r) {
        fmt::print(stderr, "rig nightly: {}\n", r.error().message);
        if (r.error().kind == ErrorKind::cancelled) return exit_cancelled;
        return r.error().kind == ErrorKind::invalid_argument || r.error().kind == ErrorKind::not_found
                   ? exit_bad_input
                   : exit_run_failed;
    }
    fmt::print("\nsummary: {} commit(s); {} measured, {} skipped (already stored), {} failed{}\n", r->commits.size(),
               r->count(nightly::Outcome::measured), r->count(nightly::Outcome::skipped),
               r->count(nightly::Outcome::failed),
               args.dry_run ? fmt::format(", {} planned (dry run)", r->count(nightly::Outcome::planned)) : "");
    for (const auto& c : r->results)
        if (c.outcome == nightly::Outcome::failed) fmt::print("  failed: {} on {}: {}\n", c.commit, c.board, c.message);
    std::size_t shown = 0;
    for (const auto& s : r->steps) {
        if (!s.in_range) continue;
        ++shown;
        fmt::print("{}{}: {}\n", s.regression ? "REGRESSION " : "", s.board,
                   results::describe_step(s.benchmark, s.step));
    }
    const auto older = r->steps.size() - shown;
    if (shown == 0) fmt::print("no step in this range\n");
    if (older) fmt::print("({} earlier step(s) in the history, before this range: see `rig report`)\n", older);
    if (!args.out.file.empty() && !args.dry_run) {
        if (const int written = write_junit(args, *r); written != exit_ok) return written;
    }
    return nightly::exit_code_of(*r);
}

}  // namespace

void add_nightly_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<NightlyArgs>();
    auto* cmd = app.add_subcommand(
        "nightly",
        "Measure each commit of a range on every board (resumable), then name the commits that changed "
        "a benchmark; exit 0 ok, 1 some commit failed, 4 a regression step, 2 bad input");
    cmd->add_option("--range", args->range, "Commits A..B (git rev-list syntax), measured oldest first");
    cmd->add_flag("--since-last", args->since_last, "From the newest commit the history has to HEAD");
    cmd->add_option("--boards", args->boards, "all, or names separated by commas")->capture_default_str();
    cmd->add_option("--repo", args->repo, "The git checkout whose commits are measured")->capture_default_str();
    cmd->add_option("--worktrees", args->worktrees, "Folder of per-commit worktrees")->capture_default_str();
    add_boards_dir_option(*cmd, args->boards_dir);
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("--results-dir", args->results_dir, "Folder result files are written to")->capture_default_str();
    cmd->add_option("--thresholds", args->thresholds, "Per-family thresholds a step must pass")->capture_default_str();
    cmd->add_option("-r,--repetitions", args->repetitions, "Samples per benchmark")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    cmd->add_option("--alpha", args->alpha, "Significance of a cycles step (U test)")->capture_default_str();
    cmd->add_flag("--dry-run", args->dry_run, "Only list what would be built and measured");
    cmd->add_flag("--allow-dirty", args->allow_dirty,
                  "Let runs of a dirty tree (commit '<hash>-dirty') be the baseline and points of the step series");
    add_out_options(*cmd, args->out, "junit: JUnit XML, a case per benchmark and board, failed on a regression step");
    cmd->add_flag("--via-rigd", args->via_rigd,
                  "Run each board through the bench's rigd: hold it there (queued behind its jobs) while it runs");
    cmd->add_option("--socket", args->socket, "rigd's socket (with --via-rigd)")->capture_default_str();
    cmd->callback([args, &exit_code] { exit_code = nightly_main(*args); });
}

}  // namespace rig::cli
