#pragma once
// `rig report`'s page: one static HTML file, readable offline (Chart.js is inlined). It opens with
// what a reader wants first — each board's latest complete run and the steps found in the history,
// regressions first, each named by the commit that caused it — then a table of contents; then per
// board and benchmark family a grid of small trend charts (steps marked, points linked to their
// commit), the cell curves over payload size, Rust-vs-C bars, the unsafe inventory over time, the
// paper table, and every run (id, repetitions, filter, unit).

#include "host/report/paper.hpp"
#include "host/report/unsafe_inventory.hpp"
#include "host/results/history.hpp"
#include "host/results/step_detection.hpp"
#include "host/results/thresholds.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rig::report {

struct ReportOptions {
    std::string commit_url;  // "https://host/repo/commit/{}": points link there; empty: hashes shown, no links
    std::filesystem::path chart_js = "/usr/share/javascript/chart.js/chart.min.js";  // Debian's libjs-chart.js
    results::StepOptions steps;                          // thresholds: replaced per family when `thresholds` is given
    std::optional<results::ThresholdConfig> thresholds;  // config/compare_thresholds.toml, as `rig nightly`
    std::string title = "kernel-rig nightly report";
};

// The unsafe inventory of one commit, for the "over time" chart.
struct CommitInventory {
    std::string commit;
    std::string commit_date;
    Inventory inventory;
};

struct ReportInput {
    const results::History* history = nullptr;
    std::vector<CommitInventory> inventories;  // oldest first; may be one (the current tree) or none
    std::vector<PaperTable> paper;             // one per board, usually the latest run's
};

// The whole page. Fails when Chart.js cannot be read (named in the error with its package).
Result<std::string> render_html_report(const ReportInput& input, const ReportOptions& options);

// How many charts the page draws (the page sets <body data-charts-rendered="N"> when all are drawn).
std::size_t count_charts(const std::string& html);

}  // namespace rig::report
