#include "host/cli/compare_command.hpp"

#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/results/compare.hpp"
#include "host/results/history.hpp"
#include "host/results/json_import.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {
namespace {

struct CompareArgs {
    std::vector<std::string> refs;
    std::string board = "qemu_mps2_an386";
    std::string board_a, board_b;
    std::string history = (source_dir() / "results" / "history.sqlite").string();
    std::string thresholds = (source_dir() / "config" / "compare_thresholds.toml").string();
    bool json = false;
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

Result<results::RunReport> load(const std::string& ref, const std::string& board, LazyHistory& lazy) {
    if (looks_like_file(ref)) return results::read_gbench_json(ref);
    auto history = lazy.get();
    if (!history) return history.error();
    auto run = (*history)->latest_run(board, ref);
    if (!run) return run.error();
    if (!*run) {
        std::string known;
        if (auto runs = (*history)->runs({board, ""})) {
            for (auto it = runs->rbegin(); it != runs->rend() && it - runs->rbegin() < 5; ++it)
                known += (known.empty() ? "" : ", ") + it->commit;
        }
        return make_error(
            ErrorKind::not_found,
            fmt::format("'{}' is neither a result file nor a commit with a run on {} in {} (latest there: {})", ref,
                        board, (*history)->file().string(), known.empty() ? "none" : known));
    }
    return (*history)->load_run((*run)->id);
}

int compare(const CompareArgs& args) {
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
    } else if (args.refs.size() != 2) {
        fmt::print(stderr, "rig compare: give two result files or commits (A B), or --board-a/--board-b COMMIT\n");
        return exit_bad_input;
    } else {
        ref_a = args.refs[0];
        ref_b = args.refs[1];
    }

    auto thresholds = results::load_thresholds(args.thresholds);
    if (!thresholds) {
        fmt::print(stderr, "rig compare: {}\n", thresholds.error().message);
        return exit_bad_input;
    }
    LazyHistory history(args.history);
    auto old_run = load(ref_a, board_a, history);
    if (!old_run) {
        fmt::print(stderr, "rig compare: {}\n", old_run.error().message);
        return exit_bad_input;
    }
    auto new_run = load(ref_b, board_b, history);
    if (!new_run) {
        fmt::print(stderr, "rig compare: {}\n", new_run.error().message);
        return exit_bad_input;
    }
    auto comparison = results::compare_runs(*old_run, *new_run, *thresholds);
    if (!comparison) {
        fmt::print(stderr, "rig compare: {}\n", comparison.error().message);
        return exit_bad_input;
    }
    fmt::print("{}", args.json ? results::comparison_json(*comparison) : results::comparison_table(*comparison));
    return comparison->count(results::Verdict::regression) ? exit_regression : exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArgs>();
    auto* cmd = app.add_subcommand(
        "compare", "Compare two runs (result files, or commits from the history); exit code 4 on a regression");
    cmd->add_option("refs", args->refs,
                    "A B: result files (.json) or commits; with --board-a/--board-b: COMMIT [COMMIT_B]")
        ->required();
    cmd->add_option("-b,--board", args->board, "Board whose history commits are looked up in")->capture_default_str();
    cmd->add_option("--board-a", args->board_a, "Compare two boards: the old side's board");
    cmd->add_option("--board-b", args->board_b, "Compare two boards: the new side's board");
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("--thresholds", args->thresholds, "Thresholds per benchmark family (TOML)")->capture_default_str();
    cmd->add_flag("--json", args->json, "Print JSON instead of a table");
    cmd->callback([args, &exit_code] { exit_code = compare(*args); });
}

}  // namespace rig::cli
