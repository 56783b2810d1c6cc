#include "host/cli/paper_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/report/paper.hpp"
#include "host/results/history.hpp"
#include "host/results/json_import.hpp"
#include "host/util/atomic_file.hpp"
#include "host/util/child_process.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <memory>
#include <optional>

namespace rig::cli {
namespace {

struct PaperArgs {
    std::string board = "qemu_mps2_an386";
    std::string commit;
    std::string results_file;
    std::string without_frame_pointer;  // board of the same image built without frame pointers; "" = <board>_nofp
    std::string results_without_frame_pointer;
    std::string history = config::history_file().string();
    std::string worktrees = config::worktrees_dir().string();
    std::string format = "md";
    std::string out;
};

std::string strip_dirty(std::string c) {
    if (const auto d = c.rfind("-dirty"); d != std::string::npos && d + 6 == c.size()) c.resize(d);
    return c;
}

// The run of the image without frame pointers at `commit` (board <board>_nofp, or the one named),
// if there is one; one that cannot be loaded is said and left out.
std::optional<results::RunReport> without_frame_pointer(const PaperArgs& args, const results::History& h,
                                                        const std::string& commit) {
    const std::string board =
        args.without_frame_pointer.empty() ? board::frame_pointer_twin(args.board) : args.without_frame_pointer;
    auto run = frame_pointer_twin_run(h, board, commit);
    if (!run) {
        fmt::print(stderr, "rig paper: {}\n", run.error().message);
        return std::nullopt;
    }
    return std::move(*run);
}

int paper(const PaperArgs& args) {
    results::RunReport run;
    std::optional<results::RunReport> nofp;
    if (!args.results_without_frame_pointer.empty()) {
        auto r = results::read_gbench_json(args.results_without_frame_pointer);
        if (!r) {
            fmt::print(stderr, "rig paper: {}\n", r.error().message);
            return exit_bad_input;
        }
        nofp = std::move(*r);
    }
    if (!args.results_file.empty()) {
        auto r = results::read_gbench_json(args.results_file);
        if (!r) {
            fmt::print(stderr, "rig paper: {}\n", r.error().message);
            return exit_bad_input;
        }
        run = std::move(*r);
    } else {
        // Opening creates a database: a mistyped name must not leave an empty history behind.
        std::error_code ec;
        if (!std::filesystem::exists(args.history, ec)) {
            fmt::print(stderr, "rig paper: no history at {} (`rig run` and `rig import` fill it)\n", args.history);
            return exit_bad_input;
        }
        auto h = results::History::open(args.history);
        if (!h) {
            fmt::print(stderr, "rig paper: {}\n", h.error().message);
            return exit_bad_input;
        }
        std::optional<results::RunSummary> chosen;
        if (!args.commit.empty()) {
            auto r = h->latest_run(args.board, args.commit);
            if (r && *r) chosen = **r;
        } else if (auto runs = h->runs({args.board, ""}); runs) {
            // The paper's figures come from a complete run: a filtered one leaves rows unmeasured.
            for (auto it = runs->rbegin(); it != runs->rend() && !chosen; ++it)
                if (it->complete) chosen = *it;
        }
        if (!chosen) {
            fmt::print(stderr, "rig paper: no complete run of {} on {} in {} (`rig run` or `rig nightly` first)\n",
                       args.commit.empty() ? "any commit" : args.commit, args.board, args.history);
            return exit_bad_input;
        }
        auto r = h->load_run(chosen->id);
        if (!r) {
            fmt::print(stderr, "rig paper: {}\n", r.error().message);
            return exit_bad_input;
        }
        run = std::move(*r);
        if (!nofp) nofp = without_frame_pointer(args, *h, chosen->commit);
    }

    auto inventory = inventory_for(run.info.firmware_commit, args.worktrees, true);
    if (!inventory)
        fmt::print(stderr, "rig paper: no unsafe inventory: {}\n", inventory.error().message);
    else if (strip_dirty(inventory->commit) != strip_dirty(run.info.firmware_commit))
        fmt::print(stderr,
                   "rig paper: note: the run is of {}, but unsafe is counted from the checkout at {} (no "
                   "worktree of {} under {})\n",
                   run.info.firmware_commit, inventory->commit, run.info.firmware_commit, args.worktrees);
    const auto table = report::build_paper_table(run, inventory ? &*inventory : nullptr, nofp ? &*nofp : nullptr);
    const std::string text = args.format == "html" ? report::paper_html_document(table) : report::paper_markdown(table);
    if (args.out.empty()) {
        fmt::print("{}", text);
        return exit_ok;
    }
    if (auto w = util::write_file_atomically(args.out, text); !w) {
        fmt::print(stderr, "rig paper: {}\n", w.error().message);
        return exit_write_failed;
    }
    fmt::print("paper table: {}\n", args.out);
    return exit_ok;
}

}  // namespace

std::string checkout_commit(const std::filesystem::path& repo) {
    // git's answers come through pipes (a file in /tmp could be planted by another user).
    auto head = util::run_program({"git", "-C", repo.string(), "rev-parse", "--short=12", "HEAD"},
                                  std::chrono::seconds(30), &cancel_requested());
    if (!head.ok) return {};
    std::string commit = head.out;
    while (!commit.empty() && std::isspace(static_cast<unsigned char>(commit.back()))) commit.pop_back();
    auto status = util::run_program({"git", "-C", repo.string(), "status", "--porcelain", "--untracked-files=no"},
                                    std::chrono::seconds(30), &cancel_requested());
    if (status.ok && !status.out.empty()) commit += "-dirty";
    return commit;
}

Result<report::Inventory> inventory_for(const std::string& commit, const std::filesystem::path& worktrees,
                                        bool fallback_to_checkout) {
    std::error_code ec;
    const auto base = strip_dirty(commit);
    if (!base.empty() && commit == base && std::filesystem::is_directory(worktrees / base / "firmware", ec)) {
        auto inv = report::scan_tree(worktrees / base);
        if (inv) inv->commit = base;
        return inv;
    }
    // An installed rig has no checkout to scan: only a nightly worktree can give the inventory.
    if (source_dir().empty())
        return make_error(ErrorKind::not_found, "no worktree of " + commit + " under " + worktrees.string() +
                                                    ", and no checkout to scan (this rig is installed)");
    const auto here = checkout_commit(source_dir());
    if (!fallback_to_checkout && strip_dirty(here) != base)
        return make_error(ErrorKind::not_found, "no worktree of " + commit + " under " + worktrees.string());
    auto inv = report::scan_tree(source_dir());
    if (inv) inv->commit = here.empty() ? "checkout (commit unknown)" : here;
    return inv;
}

Result<std::optional<results::RunReport>> frame_pointer_twin_run(const results::History& h, const std::string& board,
                                                                 const std::string& commit) {
    if (board.empty()) return std::optional<results::RunReport>{};  // the board is itself the twin
    auto found = h.latest_run(board, commit);
    if (!found || !*found) return std::optional<results::RunReport>{};
    auto run = h.load_run((*found)->id);
    if (!run) return run.error();
    return std::optional<results::RunReport>{std::move(*run)};
}

void add_paper_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<PaperArgs>();
    auto* cmd = app.add_subcommand("paper", "The paper's claims against a run: claim, measured figures, verdict");
    cmd->add_option("-b,--board", args->board, "Board whose run is used")->capture_default_str();
    auto* commit =
        cmd->add_option("--commit", args->commit, "Commit whose latest run is used (default: the latest run)");
    auto* results =
        cmd->add_option("--results", args->results_file, "A result file instead of the history")->excludes(commit);
    // A board names a run in the history: with a result file there is none to look it up in, and
    // silently leaving the frame-pointer rows unmeasured would look like an answer.
    cmd->add_option("--without-frame-pointer", args->without_frame_pointer,
                    "Board whose run of the same commit is the image without frame pointers (default: <board>_nofp; "
                    "with --results, give --results-without-frame-pointer instead)")
        ->excludes(results);
    cmd->add_option("--results-without-frame-pointer", args->results_without_frame_pointer,
                    "A result file of the image without frame pointers (instead of the history's run)")
        ->excludes("--without-frame-pointer");
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("--worktrees", args->worktrees, "Nightly worktrees (the commit's source for the unsafe count)")
        ->capture_default_str();
    cmd->add_option("--format", args->format, "md or html")
        ->check(CLI::IsMember({"md", "html"}))
        ->capture_default_str();
    cmd->add_option("-o,--out", args->out, "Write here instead of standard output");
    cmd->callback([args, &exit_code] { exit_code = paper(*args); });
}

}  // namespace rig::cli
