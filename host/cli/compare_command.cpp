#include "host/cli/compare_command.hpp"

#include "host/cli/out_file.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/results/compare.hpp"
#include "host/results/history.hpp"
#include "host/results/json_import.hpp"
#include "host/results/junit_xml.hpp"
#include "host/results/run_identity.hpp"
#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {
namespace {

struct CompareArgs {
    std::vector<std::string> refs;
    std::vector<std::string> runs;  // --run: run ids, after the positional refs
    std::string board = "qemu_mps2_an386";
    std::string board_a, board_b;
    std::string history = config::history_file().string();
    std::string thresholds = config::thresholds_file().string();
    bool json = false;
    bool allow_dirty = false;
    OutArgs out;
};

bool looks_like_file(const std::string& ref) {
    std::error_code ec;
    return (ref.size() > 5 && ref.compare(ref.size() - 5, 5, ".json") == 0) ||
           std::filesystem::is_regular_file(ref, ec);
}

// The history, opened once and only when a commit has to be looked up.
class LazyHistory {
public:
    explicit LazyHistory(std::filesystem::path file) : file_(std::move(file)) {}
    Result<results::History*> get() {
        if (history_) return &*history_;
        std::error_code ec;
        if (!std::filesystem::exists(file_, ec))
            return make_error(ErrorKind::not_found,
                              "no history at " + file_.string() + " (`rig run` and `rig import` fill it)");
        auto h = results::History::open(file_);
        if (!h) return h.error();
        history_.emplace(std::move(*h));
        return &*history_;
    }

private:
    std::filesystem::path file_;
    std::optional<results::History> history_;
};

Result<results::RunReport> load_run_id(const std::string& id, LazyHistory& lazy) {
    auto history = lazy.get();
    if (!history) return history.error();
    auto run = (*history)->find_run_by_id(id);
    if (!run) return run.error();
    if (!*run)
        return make_error(ErrorKind::not_found, fmt::format("no run '{}' in {}", id, (*history)->file().string()));
    return (*history)->load_run((*run)->id);
}

// A side of the comparison: a result file, a commit (its latest complete run on `board`), or a
// run id (`rig run` prints it).
Result<results::RunReport> load(const std::string& ref, const std::string& board, LazyHistory& lazy) {
    if (looks_like_file(ref)) return results::read_gbench_json(ref);
    auto history = lazy.get();
    if (!history) return history.error();
    auto run = (*history)->latest_run(board, ref);
    if (!run) return run.error();
    if (*run) return (*history)->load_run((*run)->id);
    if (auto by_id = (*history)->find_run_by_id(ref); by_id && *by_id) return (*history)->load_run((*by_id)->id);
    std::string known;
    if (auto runs = (*history)->runs({board, ""})) {
        for (auto it = runs->rbegin(); it != runs->rend() && it - runs->rbegin() < 5; ++it)
            if (it->complete) known += (known.empty() ? "" : ", ") + it->commit;
    }
    auto partial = (*history)->latest_run(board, ref, false);
    if (partial && *partial)
        return make_error(ErrorKind::not_found,
                          fmt::format("commit '{}' has only partial runs on {} (filter '{}'): compare a run of the "
                                      "whole suite, or name the partial run with --run {}",
                                      ref, board, (*partial)->filter, (*partial)->run_uid));
    return make_error(ErrorKind::not_found,
                      fmt::format("'{}' is neither a result file, a commit with a complete run on {}, nor a run id in "
                                  "{} (latest commits there: {})",
                                  ref, board, (*history)->file().string(), known.empty() ? "none" : known));
}

// Like with like: both sides must measure the same benchmarks, or the comparison passes on what
// one side did not measure. Two complete runs may differ when the suite itself changed between
// their commits; that is reported, not refused.
std::optional<std::string> mismatch(const results::Comparison& c) {
    std::vector<std::string> only_old, only_new;
    for (const auto& b : c.benchmarks) {
        if (b.verdict == results::Verdict::only_old) only_old.push_back(b.name);
        if (b.verdict == results::Verdict::only_new) only_new.push_back(b.name);
    }
    if (only_old.empty() && only_new.empty()) return std::nullopt;
    auto list = [](const std::vector<std::string>& names) {
        std::string out;
        for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
        if (names.size() > 5) out += fmt::format(" and {} more", names.size() - 5);
        return out.empty() ? std::string("none") : out;
    };
    return fmt::format(
        "the two runs do not measure the same benchmarks: {} only in the old run ({}), {} only in "
        "the new run ({})",
        only_old.size(), list(only_old), only_new.size(), list(only_new));
}

std::string describe(const results::RunInfo& i) {
    return fmt::format("{} at {} (run {}, {}{})", i.board, i.firmware_commit, i.run_id.empty() ? "?" : i.run_id,
                       i.complete ? "complete" : "partial", i.filter.empty() ? "" : ", filter '" + i.filter + "'");
}

int compare(const CompareArgs& args) {
    const auto out = checked_out(args.out, {OutFormat::json, OutFormat::junit});
    if (!out) return out_refused("compare", out.error());
    const std::optional<OutFormat> out_format_ = *out;
    std::string ref_a, ref_b, board_a = args.board, board_b = args.board;
    if (!args.board_a.empty() || !args.board_b.empty()) {
        if (args.board_a.empty() || args.board_b.empty() || args.refs.empty() || args.refs.size() > 2) {
            fmt::print(stderr, "rig compare: comparing boards takes --board-a X --board-b Y COMMIT [COMMIT_B]\n");
            return exit_bad_input;
        }
        board_a = args.board_a;
        board_b = args.board_b;
        ref_a = args.refs[0];
        ref_b = args.refs.size() == 2 ? args.refs[1] : args.refs[0];
    } else if (args.refs.size() + args.runs.size() != 2) {
        fmt::print(stderr,
                   "rig compare: give two sides (A B): result files, commits or run ids (--run ID), or "
                   "--board-a/--board-b COMMIT\n");
        return exit_bad_input;
    }

    auto thresholds = results::load_thresholds(args.thresholds);
    if (!thresholds) {
        fmt::print(stderr, "rig compare: {}\n", thresholds.error().message);
        return exit_bad_input;
    }
    LazyHistory history(args.history);
    // The sides in order: positional refs, then --run ids.
    auto side = [&](std::size_t n, const std::string& board) {
        if (!args.board_a.empty()) return load(n == 0 ? ref_a : ref_b, board, history);
        return n < args.refs.size() ? load(args.refs[n], board, history)
                                    : load_run_id(args.runs[n - args.refs.size()], history);
    };
    auto old_run = side(0, board_a);
    if (!old_run) {
        fmt::print(stderr, "rig compare: {}\n", old_run.error().message);
        return exit_bad_input;
    }
    auto new_run = side(1, board_b);
    if (!new_run) {
        fmt::print(stderr, "rig compare: {}\n", new_run.error().message);
        return exit_bad_input;
    }
    if (results::is_dirty(old_run->info.firmware_commit) && !args.allow_dirty) {
        fmt::print(stderr,
                   "rig compare: the old side, {}, was built from a dirty tree: its sources are in no commit, so it "
                   "is no baseline (--allow-dirty to compare anyway)\n",
                   describe(old_run->info));
        return exit_bad_input;
    }
    auto comparison = results::compare_runs(*old_run, *new_run, *thresholds);
    if (!comparison) {
        fmt::print(stderr, "rig compare: {}\n", comparison.error().message);
        return exit_bad_input;
    }
    fmt::print("{}", args.json ? results::comparison_json(*comparison) : results::comparison_table(*comparison));
    if (out_format_) {
        const auto text = *out_format_ == OutFormat::json
                              ? results::comparison_json(*comparison)
                              : results::junit_xml({results::junit_suite_of_comparison(*comparison)});
        if (auto written = util::write_file_atomically(args.out.file, text); !written) {
            fmt::print(stderr, "rig compare: --out {} not written: {}\n", args.out.file, written.error().message);
            return exit_write_failed;
        }
    }
    if (const auto differ = mismatch(*comparison)) {
        if (!old_run->info.complete || !new_run->info.complete) {
            fmt::print(stderr, "rig compare: {}; old: {}; new: {}\n", *differ, describe(old_run->info),
                       describe(new_run->info));
            return exit_bad_input;
        }
        fmt::print(stderr, "rig compare: note: the suite changed between the two commits: {}\n", *differ);
    }
    return comparison->count(results::Verdict::regression) ? exit_regression : exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand(
        "compare", "Compare two runs (result files, or commits from the history); exit code 4 on a regression");
    cmd->add_option("refs", args->refs,
                    "A B: result files (.json), commits (their latest complete run) or run ids; with "
                    "--board-a/--board-b: COMMIT [COMMIT_B]");
    cmd->add_option("--run", args->runs, "A run id (as `rig run` prints it) for a side, after the positional ones");
    cmd->add_flag("--allow-dirty", args->allow_dirty, "Accept an old side built from a dirty tree");
    cmd->add_option("-b,--board", args->board, "Board whose history commits are looked up in")->capture_default_str();
    cmd->add_option("--board-a", args->board_a, "Compare two boards: the old side's board");
    cmd->add_option("--board-b", args->board_b, "Compare two boards: the new side's board");
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("--thresholds", args->thresholds, "Thresholds per benchmark family (TOML)")->capture_default_str();
    cmd->add_flag("--json", args->json, "Print JSON instead of a table");
    add_out_options(*cmd, args->out,
                    "json: the comparison as --json prints it, junit: JUnit XML, a failing case per regression");
    cmd->callback([args, &exit_code] { exit_code = compare(*args); });
}

}  // namespace rig::cli
