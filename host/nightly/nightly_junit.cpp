#include "host/nightly/nightly_junit.hpp"

#include "host/results/summary_table.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

namespace rig::nightly {

std::vector<results::JunitSuite> junit_suites_of_nightly(const NightlyResult& night, const results::History& history) {
    // Boards in the order the night met them.
    std::vector<std::string> boards;
    for (const auto& r : night.results)
        if (std::find(boards.begin(), boards.end(), r.board) == boards.end()) boards.push_back(r.board);

    std::vector<results::JunitSuite> suites;
    for (const auto& board : boards) {
        results::JunitSuite suite{fmt::format("rig nightly {} ({} commits)", board, night.commits.size()), {}};
        // Regressions introduced in the range, by benchmark.
        std::map<std::string, std::vector<const FoundStep*>> steps;
        for (const auto& s : night.steps)
            if (s.board == board && s.in_range) steps[s.benchmark].push_back(&s);

        // The newest commit of the range with a complete run on this board names the benchmarks.
        std::optional<results::RunReport> newest;
        for (auto it = night.commits.rbegin(); it != night.commits.rend() && !newest; ++it) {
            auto run = history.latest_run(board, *it);
            if (!run || !*run) continue;
            if (auto loaded = history.load_run((*run)->id)) newest = std::move(*loaded);
        }
        std::set<std::string> named;
        if (newest) {
            const std::string unit = board::to_string(newest->info.unit);
            for (const auto& m : newest->measurements) {
                const auto name = m.full_name();
                named.insert(name);
                const auto s = results::statistics_of(m.samples);
                results::JunitCase c{board, name, std::nullopt, "",
                                     fmt::format("{}: median {} {} at {} ({} samples)", name, s.median, unit,
                                                 newest->info.firmware_commit, m.samples.size())};
                if (m.samples.empty()) {
                    c.failure = "no samples at " + newest->info.firmware_commit;
                    c.failure_type = "no samples";
                }
                suite.cases.push_back(std::move(c));
            }
        }
        // A benchmark with a step but no row in the newest run still gets its case.
        for (const auto& [name, found] : steps)
            if (!named.count(name)) suite.cases.push_back({board, name, std::nullopt, "", ""});
        for (auto& c : suite.cases) {
            const auto it = steps.find(c.name);
            if (it == steps.end()) continue;
            for (const auto* s : it->second) {
                const auto line = results::describe_step(s->benchmark, s->step);
                c.system_out += (c.system_out.empty() ? "" : "\n") + line;
                if (s->regression && !c.failure) {
                    c.failure = "regression: " + line;
                    c.failure_type = "regression";
                }
            }
        }
        for (const auto& r : night.results)
            if (r.board == board && r.outcome == Outcome::failed)
                suite.cases.push_back({board, "commit " + r.commit, r.message, "not measured", ""});
        suites.push_back(std::move(suite));
    }
    return suites;
}

}  // namespace rig::nightly
