// CI outputs written from a run, a comparison and a nightly: JUnit XML (read back with Boost's
// XML parser, the failing cases checked one by one), Google Benchmark's CSV, the JSON context
// that leads with the target, and `rig run`'s progress line.
#include "host/cli/run_progress.hpp"
#include "host/nightly/nightly_junit.hpp"
#include "host/results/compare.hpp"
#include "host/results/gbench_json.hpp"
#include "host/results/history.hpp"
#include "host/results/json_import.hpp"
#include "host/results/junit_xml.hpp"
#include "host/results/summary_table.hpp"

#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace {

using namespace rig::results;
namespace pt = boost::property_tree;

RunReport report_of(const std::string& commit, std::vector<Measurement> measurements, unsigned repetitions = 3) {
    RunReport r;
    r.info.run_id = "20250101T000000Z-" + commit;
    r.info.board = "qemu_mps2_an386";
    r.info.chip = "Cortex-M4 (QEMU mps2-an386)";
    r.info.core = "Cortex-M4";
    r.info.unit = rig::board::CounterUnit::instructions;
    r.info.cpu_hz = 25'000'000;
    r.info.ns_per_count = 128;
    r.info.probe = "qemu-gdb";
    r.info.firmware_version = "0.1.0";
    r.info.firmware_commit = commit;
    r.info.toolchain = "rustc 1.96.0";
    r.info.image_sha256 = std::string(64, 'a');
    r.info.started_at = "2025-01-01T00:00:00Z";
    r.info.repetitions = repetitions;
    r.info.complete = true;
    r.measurements = std::move(measurements);
    return r;
}

struct ParsedCase {
    std::string classname, name, system_out;
    bool failed = false;
};

// Every <testcase> of a JUnit document, read by a real XML parser; the counts are checked too.
std::vector<ParsedCase> parse_junit(const std::string& xml) {
    std::istringstream in(xml);
    pt::ptree tree;
    pt::read_xml(in, tree);
    std::vector<ParsedCase> cases;
    std::size_t failures = 0;
    for (const auto& [tag, suite] : tree.get_child("testsuites")) {
        if (tag != "testsuite") continue;
        std::size_t suite_failures = 0, suite_tests = 0;
        for (const auto& [case_tag, tc] : suite) {
            if (case_tag != "testcase") continue;
            ParsedCase c{tc.get<std::string>("<xmlattr>.classname"), tc.get<std::string>("<xmlattr>.name"),
                         tc.get<std::string>("system-out", ""), tc.count("failure") > 0};
            suite_failures += c.failed;
            ++suite_tests;
            cases.push_back(c);
        }
        EXPECT_EQ(suite.get<std::size_t>("<xmlattr>.tests"), suite_tests);
        EXPECT_EQ(suite.get<std::size_t>("<xmlattr>.failures"), suite_failures);
        failures += suite_failures;
    }
    EXPECT_EQ(tree.get<std::size_t>("testsuites.<xmlattr>.tests"), cases.size());
    EXPECT_EQ(tree.get<std::size_t>("testsuites.<xmlattr>.failures"), failures);
    return cases;
}

std::set<std::string> failing(const std::vector<ParsedCase>& cases) {
    std::set<std::string> names;
    for (const auto& c : cases)
        if (c.failed) names.insert(c.name);
    return names;
}

TEST(JunitOutput, ARunFailsExactlyTheBenchmarksWithoutSamples) {
    const auto report = report_of("0123456789ab", {{"syscall/null", 0, 1, {72, 72, 72}},
                                                   {"cell/copy", 64, 1, {215, 215, 215}},
                                                   {"irq/host_to_bottom_half", 0, 1, {}}});
    const auto cases = parse_junit(junit_xml({junit_suite_of_run(report, {"ctx/upcall"})}));
    ASSERT_EQ(cases.size(), 4u);
    EXPECT_EQ(failing(cases), (std::set<std::string>{"irq/host_to_bottom_half", "ctx/upcall"}));
    EXPECT_EQ(cases[1].classname, "cell");
    EXPECT_EQ(cases[1].name, "cell/copy/64");
    EXPECT_NE(cases[1].system_out.find("median 215 instructions"), std::string::npos) << cases[1].system_out;
}

TEST(JunitOutput, AComparisonFailsExactlyTheRegressionsAndWhatStoppedRunning) {
    const auto old_run = report_of("0123456789ab", {{"syscall/null", 0, 1, {72, 72, 72}},
                                                    {"cell/copy", 64, 1, {215, 215, 215}},
                                                    {"ctx/upcall", 0, 1, {120, 120, 120}},
                                                    {"mmio/raw_modify", 0, 1, {7, 7, 7}}});
    // syscall/null: +10 % (a regression); cell/copy/64: +1 (within the thresholds); ctx/upcall:
    // faster; mmio/raw_modify: gone.
    const auto new_run = report_of("ba9876543210", {{"syscall/null", 0, 1, {80, 80, 80}},
                                                    {"cell/copy", 64, 1, {216, 216, 216}},
                                                    {"ctx/upcall", 0, 1, {100, 100, 100}}});
    auto comparison = compare_runs(old_run, new_run, ThresholdConfig{});
    ASSERT_TRUE(comparison) << comparison.error().message;
    const auto cases = parse_junit(junit_xml({junit_suite_of_comparison(*comparison)}));
    ASSERT_EQ(cases.size(), 4u);
    EXPECT_EQ(failing(cases), (std::set<std::string>{"syscall/null", "mmio/raw_modify"}));
    for (const auto& c : cases)
        if (c.name == "syscall/null") {
            EXPECT_EQ(c.classname, "syscall");
            EXPECT_NE(c.system_out.find("72 -> 80 instructions"), std::string::npos) << c.system_out;
        }
}

TEST(JunitOutput, NamesWithXmlSpecialsAndControlCharactersParseBack) {
    JunitSuite suite{"a <suite> & \"more\"", {{"c'l", "x<y>&z\"", std::string("bad\x01 one"), "t", "out & <in>"}}};
    const auto cases = parse_junit(junit_xml({suite}));
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_EQ(cases[0].classname, "c'l");
    EXPECT_EQ(cases[0].name, "x<y>&z\"");
    EXPECT_EQ(cases[0].system_out, "out & <in>");
    EXPECT_TRUE(cases[0].failed);
}

TEST(JunitOutput, ANightlyFailsExactlyTheBenchmarksWithARegressionStepAndTheFailedCommits) {
    const auto dir = std::filesystem::temp_directory_path() / ("rig_junit_nightly_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        auto history = History::open(dir / "history.sqlite");
        ASSERT_TRUE(history) << history.error().message;
        ASSERT_TRUE(history->add_run(
            report_of("0123456789ab", {{"syscall/null", 0, 1, {72, 72, 72}}, {"cell/copy", 64, 1, {215, 215, 215}}}),
            ""));
        ASSERT_TRUE(history->add_run(
            report_of("ba9876543210", {{"syscall/null", 0, 1, {80, 80, 80}}, {"cell/copy", 64, 1, {200, 200, 200}}}),
            ""));
        rig::nightly::NightlyResult night;
        night.commits = {"0123456789ab", "ba9876543210", "cccccccccccc"};
        night.results = {{"0123456789ab", "qemu_mps2_an386", rig::nightly::Outcome::measured, ""},
                         {"ba9876543210", "qemu_mps2_an386", rig::nightly::Outcome::measured, ""},
                         {"cccccccccccc", "qemu_mps2_an386", rig::nightly::Outcome::failed, "build failed"}};
        Step slower;
        slower.commit = "ba9876543210";
        slower.previous_commit = "0123456789ab";
        slower.unit = rig::board::CounterUnit::instructions;
        slower.before = 72;
        slower.after = 80;
        slower.change = 8;
        slower.past_thresholds = true;
        Step faster = slower;
        faster.before = 215;
        faster.after = 200;
        faster.change = -15;
        night.steps = {{"qemu_mps2_an386", "syscall/null", slower, true, true},
                       {"qemu_mps2_an386", "cell/copy/64", faster, true, false}};
        const auto cases = parse_junit(junit_xml(rig::nightly::junit_suites_of_nightly(night, *history)));
        ASSERT_EQ(cases.size(), 3u);
        EXPECT_EQ(failing(cases), (std::set<std::string>{"syscall/null", "commit cccccccccccc"}));
        for (const auto& c : cases) EXPECT_EQ(c.classname, "qemu_mps2_an386");
    }
    std::filesystem::remove_all(dir);
}

TEST(GbenchCsv, IsGoogleBenchmarksCsvWithTheCountAsAColumn) {
    const auto csv = to_gbench_csv(report_of("0123456789ab", {{"syscall/null", 0, 1, {72, 72, 73}}}));
    std::istringstream in(csv);
    std::string header;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,label,"
                           "error_occurred,error_message",
                           0),
              0u)
        << header;
    EXPECT_NE(header.find("\"instructions\""), std::string::npos) << header;
    std::vector<std::string> rows;
    for (std::string line; std::getline(in, line);) rows.push_back(line);
    // 3 repetitions, then mean, median, stddev, cv, min, max.
    ASSERT_EQ(rows.size(), 9u) << csv;
    EXPECT_EQ(rows[0].rfind("\"syscall/null\",1,9216,9216,ns,", 0), 0u) << rows[0];  // 72 x 128 ns
    EXPECT_EQ(rows[3].rfind("\"syscall/null_mean\"", 0), 0u) << rows[3];
}

TEST(GbenchJson, TheContextLeadsWithTheTargetAndNamesTheHostsFieldsAsTheHosts) {
    const auto report = report_of("0123456789ab", {{"syscall/null", 0, 1, {72, 72, 72}}});
    const auto text = to_gbench_json(report);
    const auto json = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (const auto& [key, value] : json["context"].items()) keys.push_back(key);
    const std::vector<std::string> target{"board",           "chip",      "core",        "cpu_hz", "unit", "counter",
                                          "firmware_commit", "toolchain", "image_sha256"};
    ASSERT_GE(keys.size(), target.size());
    EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + target.size()), target);
    const auto& context = json["context"];
    EXPECT_EQ(context["core"], "Cortex-M4");
    EXPECT_EQ(context["counter"], "SysTick under QEMU -icount");
    for (const char* host :
         {"host_name", "host_num_cpus", "host_mhz_per_cpu", "host_caches", "host_library_build_type"})
        EXPECT_TRUE(context.contains(host)) << host;
    for (const char* gone : {"num_cpus", "caches", "library_build_type", "rig_board"})
        EXPECT_FALSE(context.contains(gone)) << gone;
    // The rig reads it back whole.
    const auto back = parse_gbench_json(text);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->info.board, report.info.board);
    EXPECT_EQ(back->info.core, "Cortex-M4");
    EXPECT_EQ(back->info.firmware_commit, report.info.firmware_commit);
    EXPECT_EQ(back->info.run_id, report.info.run_id);
    EXPECT_EQ(back->info.toolchain, report.info.toolchain);
    EXPECT_EQ(back->info.repetitions, 3u);
    EXPECT_TRUE(back->info.complete);
    ASSERT_EQ(back->measurements.size(), 1u);
    EXPECT_EQ(back->measurements[0].samples, (std::vector<std::uint32_t>{72, 72, 72}));
}

TEST(SummaryJson, HasOneObjectPerBenchmarkWithItsStatistics) {
    const auto j = summary_json(report_of("0123456789ab", {{"cell/copy", 64, 1, {215, 217, 216}}}));
    EXPECT_EQ(j["unit"], "instructions");
    ASSERT_EQ(j["benchmarks"].size(), 1u);
    EXPECT_EQ(j["benchmarks"][0]["name"], "cell/copy/64");
    EXPECT_EQ(j["benchmarks"][0]["family"], "cell");
    EXPECT_EQ(j["benchmarks"][0]["median"], 216.0);
    EXPECT_EQ(j["benchmarks"][0]["samples"], 3u);
}

// What a stream that is not a terminal gets: a line at every tenth of the suite, no \r.
TEST(RunProgress, WritesALineAtEveryTenthWhenNotATerminal) {
    std::FILE* out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    rig::cli::RunProgress progress(out, false, "qemu_mps2_an386", 62);
    const auto t0 = rig::cli::RunProgress::Clock::time_point{};
    progress.start(t0);
    for (int i = 1; i <= 62; ++i) progress.benchmark_done("b" + std::to_string(i), t0 + std::chrono::seconds(i));
    progress.finish();
    std::rewind(out);
    std::string text;
    for (int c; (c = std::fgetc(out)) != EOF;) text += static_cast<char>(c);
    std::fclose(out);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 10u) << text;
    EXPECT_EQ(lines[0], "[qemu_mps2_an386] progress: 7/62 benchmarks (11 %), 7.0 s, about 55 s left");
    EXPECT_EQ(lines[9], "[qemu_mps2_an386] progress: 62/62 benchmarks (100 %), 62 s, about 0.0 s left");
    EXPECT_EQ(text.find('\r'), std::string::npos);
}

// On a real pseudo-terminal: one line rewritten in place, cleared at the end.
TEST(RunProgress, RewritesOneLineOnATerminal) {
    int master = -1, slave = -1;
    ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
    std::FILE* out = ::fdopen(slave, "w");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(::isatty(slave), 1);
    {
        rig::cli::RunProgress progress(out, true, "qemu_mps2_an386", 4);
        const auto t0 = rig::cli::RunProgress::Clock::time_point{};
        progress.start(t0);
        progress.benchmark_done("syscall/null", t0 + std::chrono::seconds(1));
        progress.line("[qemu_mps2_an386] collect: a note");
        progress.benchmark_done("cell/copy/64", t0 + std::chrono::seconds(2));
        progress.finish();
    }
    std::fclose(out);
    std::string text;
    char buffer[4096];
    // The slave is closed: the master reads what was written, then EIO.
    for (ssize_t n; (n = ::read(master, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(master);
    EXPECT_NE(text.find("\r\033[K[qemu_mps2_an386] 1/4 benchmarks (25 %), 1.0 s, about 3.0 s left: syscall/null"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\r\033[K[qemu_mps2_an386] collect: a note\r\n"), std::string::npos) << text;
    EXPECT_NE(text.find("2/4 benchmarks (50 %), 2.0 s, about 2.0 s left: cell/copy/64"), std::string::npos) << text;
    EXPECT_TRUE(text.ends_with("\r\033[K")) << text;
}

}  // namespace
