#pragma once
// JUnit XML for CI (Jenkins, GitLab, GitHub test reporters): one <testcase> per benchmark, with
// classname = the board (or the family, when the suite is one board) and name = the benchmark.
// A testcase fails when the benchmark regressed beyond its thresholds (compare, nightly) or did
// not run (run: no samples); its <system-out> carries the figure and the unit.

#include "host/results/compare.hpp"
#include "host/results/run_report.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rig::results {

struct JunitCase {
    std::string classname;
    std::string name;
    std::optional<std::string> failure;  // the failure message; none = passed
    std::string failure_type;            // "regression", "no samples", …
    std::string system_out;              // the figure and the unit
};

struct JunitSuite {
    std::string name;
    std::vector<JunitCase> cases;
};

// A <testsuites> document with one <testsuite> per suite (tests and failures counted).
std::string junit_xml(const std::vector<JunitSuite>& suites);

// `rig run`: every benchmark that reported samples passes; one with none fails. `expected`
// names benchmarks the run should have measured (e.g. the last run's), so one that never came
// is a failing case too; empty = only what came.
JunitSuite junit_suite_of_run(const RunReport& report, const std::vector<std::string>& expected = {});

// `rig compare`: a case per benchmark of either side; a regression fails, and so does a
// benchmark only the old side measured (it stopped running).
JunitSuite junit_suite_of_comparison(const Comparison& comparison);

}  // namespace rig::results
