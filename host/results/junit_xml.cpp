#include "host/results/junit_xml.hpp"

#include "host/results/summary_table.hpp"
#include "host/util/markup_escape.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <set>

namespace rig::results {
namespace {

// "cell/copy/64" → "cell": the family a benchmark belongs to.
std::string family_of(const std::string& name) { return name.substr(0, name.find('/')); }

}  // namespace

std::string junit_xml(const std::vector<JunitSuite>& suites) {
    std::size_t tests = 0, failures = 0;
    for (const auto& s : suites)
        for (const auto& c : s.cases) {
            ++tests;
            failures += c.failure.has_value();
        }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"kernel-rig\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n", tests, failures);
    for (const auto& s : suites) {
        const auto failed =
            std::count_if(s.cases.begin(), s.cases.end(), [](const auto& c) { return c.failure.has_value(); });
        out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                           util::escape_markup(s.name), s.cases.size(), failed);
        for (const auto& c : s.cases) {
            out += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", util::escape_markup(c.classname),
                               util::escape_markup(c.name));
            if (c.failure)
                out += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                                   util::escape_markup(c.failure_type), util::escape_markup(*c.failure),
                                   util::escape_markup(*c.failure));
            if (!c.system_out.empty())
                out += fmt::format("      <system-out>{}</system-out>\n", util::escape_markup(c.system_out));
            out += "    </testcase>\n";
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

JunitSuite junit_suite_of_run(const RunReport& report, const std::vector<std::string>& expected) {
    const auto& info = report.info;
    const std::string unit = board::to_string(info.unit);
    JunitSuite suite{fmt::format("rig run {} at {} (run {})", info.board, info.firmware_commit, info.run_id), {}};
    std::set<std::string> seen;
    for (const auto& m : report.measurements) {
        const auto name = m.full_name();
        seen.insert(name);
        JunitCase c{family_of(name), name, std::nullopt, "", ""};
        if (m.samples.empty()) {
            c.failure = "no samples: the benchmark did not run";
            c.failure_type = "no samples";
        } else {
            const auto s = statistics_of(m.samples);
            c.system_out = fmt::format("{}: median {} {}, min {}, max {}, {} samples on {}", name, s.median, unit,
                                       s.min, s.max, m.samples.size(), info.board);
            if (m.samples.size() < info.repetitions)
                c.system_out += fmt::format(" (only {} of {} repetitions)", m.samples.size(), info.repetitions);
        }
        suite.cases.push_back(std::move(c));
    }
    for (const auto& name : expected)
        if (!seen.count(name))
            suite.cases.push_back({family_of(name), name, "no samples: the benchmark did not run", "no samples", ""});
    return suite;
}

JunitSuite junit_suite_of_comparison(const Comparison& comparison) {
    const std::string unit = board::to_string(comparison.unit);
    const auto& o = comparison.old_run;
    const auto& n = comparison.new_run;
    JunitSuite suite{
        fmt::format("rig compare {} at {} -> {} at {}", o.board, o.firmware_commit, n.board, n.firmware_commit), {}};
    // One board on both sides: the family groups the cases; two boards: the new side's board.
    const bool one_board = o.board == n.board;
    for (const auto& b : comparison.benchmarks) {
        JunitCase c{one_board ? family_of(b.name) : n.board, b.name, std::nullopt, "", ""};
        c.system_out =
            fmt::format("{}: median {} -> {} {} ({:+} {}, {:+.2f} %), {}, {}", b.name, b.old_median, b.new_median, unit,
                        b.change, unit, b.change_percent, to_string(b.method), to_string(b.verdict));
        if (b.p_value) c.system_out += fmt::format(", p = {:.4g}", *b.p_value);
        if (b.verdict == Verdict::regression) {
            c.failure = fmt::format(
                "regression: median {} -> {} {} ({:+.2f} %), beyond the thresholds of {:.2f} % "
                "and {} {}",
                b.old_median, b.new_median, unit, b.change_percent, b.thresholds.percent, b.thresholds.absolute, unit);
            c.failure_type = "regression";
        } else if (b.verdict == Verdict::only_old) {
            c.failure = "not measured by the new run";
            c.failure_type = "missing";
        }
        suite.cases.push_back(std::move(c));
    }
    return suite;
}

}  // namespace rig::results
