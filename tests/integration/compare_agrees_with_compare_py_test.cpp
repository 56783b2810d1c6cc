// `rig compare` and Google Benchmark's own tools/compare.py must reach the same verdict on the
// same two files: the direction of each change and, where compare.py runs its U test, the
// p-value and which side of alpha it falls. compare.py runs for real (Debian's python3, scipy).
#include "host/results/compare.hpp"
#include "host/results/gbench_json.hpp"
#include "host/util/child_process.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace rig;
using namespace rig::results;

namespace {

const std::string python = "/usr/bin/python3";
const std::string compare_py = "/usr/share/benchmark/compare.py";

RunReport run_of(board::CounterUnit unit, const std::string& commit, std::vector<Measurement> measurements) {
    RunReport r;
    auto& i = r.info;
    i.board = unit == board::CounterUnit::instructions ? "qemu_mps2_an386" : "nrf52840dk";
    i.chip = "cortex-m4";
    i.unit = unit;
    i.cpu_hz = 64'000'000;
    i.ns_per_count = unit == board::CounterUnit::instructions ? 128.0 : 15.625;
    i.probe = unit == board::CounterUnit::instructions ? "qemu-gdb" : "openocd";
    i.firmware_commit = commit;
    i.started_at = "2024-05-01T10:00:00Z";
    i.repetitions = static_cast<unsigned>(measurements.front().samples.size());
    r.measurements = std::move(measurements);
    return r;
}

struct Pair {
    const char* what;
    RunReport old_run, new_run;
};

std::vector<Pair> pairs() {
    const std::vector<std::uint32_t> noisy = {1210, 1212, 1209, 1215, 1211, 1210, 1213, 1214, 1210, 1212, 1209, 1216};
    const std::vector<std::uint32_t> slower = {1230, 1228, 1232, 1229, 1231, 1233, 1230, 1227, 1234, 1229, 1231, 1230};
    const std::vector<std::uint32_t> overlapping = {1211, 1209, 1214, 1210, 1212, 1215,
                                                    1208, 1213, 1211, 1210, 1216, 1212};
    std::vector<Pair> out;
    out.push_back(
        {"identical cycles",
         run_of(board::CounterUnit::cycles, "aaaa", {{"syscall/null", 0, 3, noisy}, {"cell/copy", 64, 3, slower}}),
         run_of(board::CounterUnit::cycles, "aaaa", {{"syscall/null", 0, 3, noisy}, {"cell/copy", 64, 3, slower}})});
    out.push_back(
        {"cycles regression",
         run_of(board::CounterUnit::cycles, "aaaa", {{"cell/copy", 64, 3, noisy}, {"syscall/null", 0, 3, noisy}}),
         run_of(board::CounterUnit::cycles, "bbbb",
                {{"cell/copy", 64, 3, slower}, {"syscall/null", 0, 3, overlapping}})});
    out.push_back({"instructions differing by 3",
                   run_of(board::CounterUnit::instructions, "aaaa",
                          {{"syscall/null", 0, 4, std::vector<std::uint32_t>(9, 100)},
                           {"cell/takecell_map", 0, 4, std::vector<std::uint32_t>(9, 57)}}),
                   run_of(board::CounterUnit::instructions, "bbbb",
                          {{"syscall/null", 0, 4, std::vector<std::uint32_t>(9, 103)},
                           {"cell/takecell_map", 0, 4, std::vector<std::uint32_t>(9, 57)}})});
    return out;
}

// Runs compare.py on the two files and returns the report it dumps with -d.
nlohmann::json run_compare_py(const std::filesystem::path& dir, const std::filesystem::path& a,
                              const std::filesystem::path& b) {
    const auto dump = dir / "compare_py.json", log = dir / "compare_py.log";
    util::ChildProcess child(
        {python, compare_py, "--no-color", "-d", dump.string(), "benchmarks", a.string(), b.string()}, log);
    // A safety limit for a hung interpreter, not a timing assertion.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (child.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (child.running()) child.stop();
    EXPECT_EQ(child.exit_description(), "exited with status 0") << "compare.py said:\n"
                                                                << util::tail_of_file(log, 4000);
    std::ifstream in(dump);
    EXPECT_TRUE(in) << "compare.py wrote no " << dump << "; it said:\n" << util::tail_of_file(log, 4000);
    return in ? nlohmann::json::parse(in) : nlohmann::json::array();
}

const nlohmann::json* entry(const nlohmann::json& report, const std::string& name) {
    for (const auto& e : report)
        if (e.value("name", "") == name) return &e;
    return nullptr;
}

}  // namespace

TEST(CompareAgreesWithComparePy, SameDirectionAndSameUTestVerdict) {
    ASSERT_TRUE(std::filesystem::exists(python)) << python << " is missing: apt-get install python3";
    ASSERT_TRUE(std::filesystem::exists(compare_py))
        << compare_py << " is missing: apt-get install libbenchmark-tools (and python3-scipy)";
    const auto dir = std::filesystem::temp_directory_path() / ("rig-compare-py-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    const ThresholdConfig thresholds;  // alpha 0.05, 1 % and 2 counts: what compare.py's alpha defaults to
    std::size_t regressions = 0;
    for (const auto& pair : pairs()) {
        SCOPED_TRACE(pair.what);
        const auto a = dir / "a.json", b = dir / "b.json";
        ASSERT_TRUE(write_gbench_json(pair.old_run, a));
        ASSERT_TRUE(write_gbench_json(pair.new_run, b));
        auto rig = compare_runs(pair.old_run, pair.new_run, thresholds);
        ASSERT_TRUE(rig) << rig.error().message;
        const auto theirs = run_compare_py(dir, a, b);

        for (const auto& ours : rig->benchmarks) {
            SCOPED_TRACE(ours.name);
            regressions += ours.verdict == Verdict::regression;
            // Direction: compare.py's change of the median aggregate (real_time = count x ns per count).
            const auto* median = entry(theirs, ours.name + "_median");
            ASSERT_NE(median, nullptr) << "compare.py has no " << ours.name << "_median";
            const double change = median->at("measurements").at(0).at("time").get<double>();
            const Direction direction = change < 0   ? Direction::faster
                                        : change > 0 ? Direction::slower
                                                     : Direction::same;
            EXPECT_EQ(to_string(direction), std::string(to_string(ours.direction)));
            EXPECT_NEAR(change * 100, ours.change_percent, 1e-6);

            // Significance: compare.py's U test on the repetitions' real_time.
            const auto* runs = entry(theirs, ours.name);
            ASSERT_NE(runs, nullptr);
            const auto& utest = runs->at("utest");
            ASSERT_FALSE(utest.empty()) << "compare.py ran no U test";
            const double p = utest.at("time_pvalue").get<double>();
            const bool their_significant = p < 0.05;
            if (ours.method == Method::u_test) {
                EXPECT_NEAR(*ours.p_value, p, 1e-12 + 1e-9 * p);
                EXPECT_EQ(*ours.p_value < rig->alpha, their_significant);
            } else {
                // Exact instruction counts: a difference is real exactly when compare.py's test
                // (on constant samples) finds one.
                ASSERT_EQ(ours.method, Method::exact);
                EXPECT_EQ(ours.direction != Direction::same, their_significant) << "p = " << p;
            }
        }
    }
    // The cycles regression (+1.6 %, p = 2e-5) and the 3 instructions (+3 %) pass the thresholds.
    EXPECT_EQ(regressions, 2u);
    std::filesystem::remove_all(dir);
}
