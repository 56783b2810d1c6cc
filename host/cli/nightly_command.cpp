#include "host/cli/nightly_command.hpp"

#include "host/cli/board_folders.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/nightly/nightly.hpp"

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
};

int nightly_main(const NightlyArgs& args) {
    if (args.range.empty() == !args.since_last) {
        fmt::print(stderr, "rig nightly: give exactly one of --range A..B and --since-last\n");
        return exit_bad_input;
    }
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
    o.print = [](const std::string& line) {
        fmt::print("{}\n", line);
        std::fflush(stdout);
    };
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
    cmd->callback([args, &exit_code] { exit_code = nightly_main(*args); });
}

}  // namespace rig::cli
