#include "host/cli/report_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/paper_command.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/report/html_report.hpp"
#include "host/util/atomic_file.hpp"

#include <fmt/format.h>
#include <memory>
#include <optional>
#include <set>

namespace rig::cli {
namespace {

struct ReportArgs {
    std::string history = config::history_file().string();
    std::string out = (config::results_dir() / "report.html").string();
    std::string worktrees = config::worktrees_dir().string();
    std::string thresholds = config::thresholds_file().string();
    std::string commit_url;
    std::string chart_js = "/usr/share/javascript/chart.js/chart.min.js";
};

// A signal stops the report between steps (scanning many worktrees takes a while); the old
// report file stays as it was.
bool interrupted() {
    if (!cancel_requested()) return false;
    fmt::print(stderr, "rig report: cancelled; the report was not written\n");
    return true;
}

int report_main(const ReportArgs& args) {
    // Opening creates a database: a mistyped name would become an empty history and a 0-run report.
    std::error_code ec;
    if (!std::filesystem::exists(args.history, ec)) {
        fmt::print(stderr, "rig report: no history at {} (`rig run` and `rig import` fill it)\n", args.history);
        return exit_bad_input;
    }
    auto h = results::History::open(args.history);
    if (!h) {
        fmt::print(stderr, "rig report: {}\n", h.error().message);
        return exit_bad_input;
    }
    auto runs = h->runs();
    if (!runs) {
        fmt::print(stderr, "rig report: {}\n", runs.error().message);
        return exit_bad_input;
    }
    if (interrupted()) return exit_cancelled;
    report::ReportInput input;
    input.history = &*h;

    // Unsafe over time: every commit with a nightly worktree, in commit-date order; else the checkout.
    std::vector<std::pair<std::string, std::string>> commits;  // (date, commit)
    std::set<std::string> seen;
    for (const auto& r : *runs)
        if (seen.insert(r.commit).second)
            commits.emplace_back(r.commit_date.empty() ? r.started_at : r.commit_date, r.commit);
    std::sort(commits.begin(), commits.end());
    for (const auto& [date, commit] : commits) {
        if (interrupted()) return exit_cancelled;
        auto inv = inventory_for(commit, args.worktrees, false);
        if (inv) input.inventories.push_back({inv->commit, date, std::move(*inv)});
    }
    if (input.inventories.empty()) {
        if (auto inv = inventory_for("", args.worktrees, true))
            input.inventories.push_back({inv->commit, "", std::move(*inv)});
    }

    // The paper table per board, from its latest complete run.
    std::set<std::string> boards;
    for (const auto& r : *runs) boards.insert(r.board);
    for (const auto& b : boards) {
        if (interrupted()) return exit_cancelled;
        auto mine = h->runs({b, ""});
        if (!mine) continue;
        std::erase_if(*mine, [](const results::RunSummary& r) { return !r.complete; });
        if (mine->empty()) continue;
        auto run = h->load_run(mine->back().id);
        if (!run) continue;
        const report::Inventory* inv = nullptr;
        for (const auto& ci : input.inventories)
            if (ci.commit == run->info.firmware_commit) inv = &ci.inventory;
        if (!inv && !input.inventories.empty()) inv = &input.inventories.back().inventory;
        // The same commit's image without frame pointers, when its board (<board>_nofp) ran it.
        std::optional<results::RunReport> nofp;
        if (auto twin = frame_pointer_twin_run(*h, board::frame_pointer_twin(b), mine->back().commit))
            nofp = std::move(*twin);
        input.paper.push_back(report::build_paper_table(*run, inv, nofp ? &*nofp : nullptr));
    }

    if (interrupted()) return exit_cancelled;
    report::ReportOptions options;
    options.commit_url = args.commit_url;
    options.chart_js = args.chart_js;
    // The summary calls a step a regression by the same per-family thresholds as `rig nightly`.
    auto thresholds = results::load_thresholds(args.thresholds);
    if (!thresholds) {
        fmt::print(stderr, "rig report: {}\n", thresholds.error().message);
        return exit_bad_input;
    }
    options.thresholds = *thresholds;
    auto html = report::render_html_report(input, options);
    if (!html) {
        fmt::print(stderr, "rig report: {}\n", html.error().message);
        return exit_bad_input;
    }
    if (interrupted()) return exit_cancelled;
    if (auto w = util::write_file_atomically(args.out, *html); !w) {
        fmt::print(stderr, "rig report: {}\n", w.error().message);
        return exit_write_failed;
    }
    fmt::print("report: {} ({} runs, {} charts, {} KiB)\n", args.out, runs->size(), report::count_charts(*html),
               html->size() / 1024);
    return exit_ok;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = app.add_subcommand("report", "Write the history as a static, self-contained HTML report");
    cmd->add_option("--history", args->history, "History database")->capture_default_str();
    cmd->add_option("-o,--out", args->out, "HTML file to write")->capture_default_str();
    cmd->add_option("--worktrees", args->worktrees, "Nightly worktrees (unsafe inventory per commit)")
        ->capture_default_str();
    cmd->add_option("--thresholds", args->thresholds, "Per-family thresholds a regression step must pass")
        ->capture_default_str();
    cmd->add_option("--commit-url", args->commit_url, "Link target for commits, {} = the hash (default: no links)");
    cmd->add_option("--chart-js", args->chart_js, "Chart.js to inline (Debian libjs-chart.js)")->capture_default_str();
    cmd->callback([args, &exit_code] { exit_code = report_main(*args); });
}

}  // namespace rig::cli
