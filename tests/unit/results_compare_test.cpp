// rig compare's statistics and verdicts: the Mann-Whitney U test against scipy's own numbers,
// exact comparison of instruction counts, thresholds per family, and the thresholds file.
#include "host/results/compare.hpp"
#include "host/results/mann_whitney.hpp"
#include "host/results/thresholds.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace rig;
using namespace rig::results;

namespace {

// Reference values computed with Debian's scipy 1.10.1, the one compare.py imports:
//   /usr/bin/python3 -c 'from scipy.stats import mannwhitneyu as mw; r = mw(x, y, alternative="two-sided");
//                        print(repr(float(r.statistic)), repr(float(r.pvalue)))'
struct Reference {
    const char* name;
    std::vector<double> x, y;
    double u1, p;
    bool exact;  // which method scipy's 'auto' picked
};

const std::vector<Reference> references = {
    {"exact_separated", {1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 0.0, 0.007936507936507936, true},
    {"exact_unequal_sizes",
     {3.5, 1.25, 9, 4},
     {2, 8, 7.5, 10, 11, 12, 13, 5, 6, 14, 15, 0.5},
     11.0,
     0.13296703296703297,
     true},
    {"exact_overlap",
     {100, 104, 98, 110, 101, 97, 105},
     {103, 99, 107, 112, 108, 111, 102, 109},
     14.0,
     0.1205905205905206,
     true},
    {"asymptotic_ties",
     {1000, 1002, 1002, 1003, 1001, 1000, 1004, 1002, 1002, 1005},
     {1004, 1006, 1005, 1005, 1007, 1003, 1008, 1006, 1005, 1009, 1004, 1006},
     7.0,
     0.000480414275993704,
     false},
    {"small_with_ties", {5, 5, 6, 7}, {6, 7, 7, 8, 9}, 2.5, 0.07854585095119067, false},
    {"all_equal", std::vector<double>(9, 42), std::vector<double>(9, 42), 40.5, 1.0, false},
    {"cycles_15",
     {1210, 1212, 1209, 1215, 1211, 1210, 1213, 1214, 1210, 1212, 1209, 1216, 1211, 1210, 1212},
     {1230, 1228, 1232, 1229, 1231, 1233, 1230, 1227, 1234, 1229, 1231, 1230, 1232, 1228, 1235},
     0.0,
     3.1930338678457847e-06,
     false},
};

RunReport run_of(board::CounterUnit unit, std::vector<Measurement> measurements, const std::string& board = "b") {
    RunReport r;
    r.info.board = board;
    r.info.unit = unit;
    r.info.firmware_commit = "c0ffee";
    r.info.ns_per_count = 1;
    r.measurements = std::move(measurements);
    return r;
}

Measurement m(std::string name, std::vector<std::uint32_t> samples, std::uint32_t param = 0) {
    Measurement x;
    x.name = std::move(name);
    x.param = param;
    x.samples = std::move(samples);
    return x;
}

std::vector<std::uint32_t> to_counts(const std::vector<double>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST(MannWhitney, AgreesWithScipyOnEveryReferenceCase) {
    for (const auto& ref : references) {
        SCOPED_TRACE(ref.name);
        const auto r = mann_whitney_u(ref.x, ref.y);
        EXPECT_DOUBLE_EQ(r.u1, ref.u1);
        EXPECT_NEAR(r.p_value, ref.p, 1e-12 + 1e-9 * ref.p);
        EXPECT_EQ(r.exact, ref.exact);
    }
}

TEST(MannWhitney, IsSymmetricInItsSamples) {
    const auto& ref = references[2];
    EXPECT_NEAR(mann_whitney_u(ref.x, ref.y).p_value, mann_whitney_u(ref.y, ref.x).p_value, 1e-15);
}

TEST(Compare, InstructionCountsAreComparedExactly) {
    const auto old_run =
        run_of(board::CounterUnit::instructions,
               {m("syscall/null", {100, 100, 100}), m("cell/copy", {180, 180}, 64), m("cell/raw_mut", {50, 50})});
    const auto new_run =
        run_of(board::CounterUnit::instructions,
               {m("syscall/null", {103, 103, 103}), m("cell/copy", {180, 180}, 64), m("cell/raw_mut", {49, 49})});
    ThresholdConfig config;  // 1 % and 2 counts
    auto c = compare_runs(old_run, new_run, config);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->benchmarks.size(), 3u);
    const auto& syscall = c->benchmarks[0];
    EXPECT_EQ(syscall.method, Method::exact);
    EXPECT_FALSE(syscall.p_value);
    EXPECT_EQ(syscall.direction, Direction::slower);
    EXPECT_DOUBLE_EQ(syscall.change, 3);
    EXPECT_DOUBLE_EQ(syscall.change_percent, 3);
    EXPECT_EQ(syscall.verdict, Verdict::regression);
    EXPECT_EQ(c->benchmarks[1].name, "cell/copy/64");
    EXPECT_EQ(c->benchmarks[1].verdict, Verdict::unchanged);
    // One instruction fewer is real, but within the absolute threshold of 2.
    EXPECT_EQ(c->benchmarks[2].direction, Direction::faster);
    EXPECT_EQ(c->benchmarks[2].verdict, Verdict::unchanged);
    EXPECT_EQ(c->count(Verdict::regression), 1u);
}

TEST(Compare, CyclesNeedASignificantUTest) {
    const auto& noisy = references[2];  // p = 0.12: medians differ, but not significantly
    const auto& clear = references[6];  // p = 3.2e-6, +1.6 %
    const auto old_run =
        run_of(board::CounterUnit::cycles, {m("cell/a", to_counts(noisy.x)), m("cell/b", to_counts(clear.x))});
    const auto new_run =
        run_of(board::CounterUnit::cycles, {m("cell/a", to_counts(noisy.y)), m("cell/b", to_counts(clear.y))});
    auto c = compare_runs(old_run, new_run, ThresholdConfig{});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->benchmarks[0].method, Method::u_test);
    EXPECT_NEAR(*c->benchmarks[0].p_value, noisy.p, 1e-12);
    EXPECT_TRUE(c->benchmarks[0].few_repetitions);
    EXPECT_EQ(c->benchmarks[0].verdict, Verdict::insignificant);
    EXPECT_NEAR(*c->benchmarks[1].p_value, clear.p, 1e-15);
    EXPECT_FALSE(c->benchmarks[1].few_repetitions);
    EXPECT_EQ(c->benchmarks[1].verdict, Verdict::regression);
    // The same data the other way round is an improvement.
    auto back = compare_runs(new_run, old_run, ThresholdConfig{});
    ASSERT_TRUE(back);
    EXPECT_EQ(back->benchmarks[1].verdict, Verdict::improvement);
}

TEST(Compare, OneRepetitionIsTooFewForAUTest) {
    auto c = compare_runs(run_of(board::CounterUnit::cycles, {m("syscall/null", {100})}),
                          run_of(board::CounterUnit::cycles, {m("syscall/null", {200, 210})}), ThresholdConfig{});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->benchmarks[0].method, Method::too_few_repetitions);
    EXPECT_EQ(c->benchmarks[0].verdict, Verdict::insignificant);
    EXPECT_NE(comparison_table(*c).find("too few repetitions"), std::string::npos);
}

TEST(Compare, ReportsBenchmarksMissingOnEitherSide) {
    auto c = compare_runs(run_of(board::CounterUnit::instructions, {m("cell/old", {1}), m("cell/both", {5})}),
                          run_of(board::CounterUnit::instructions, {m("cell/both", {5}), m("cell/new", {2})}),
                          ThresholdConfig{});
    ASSERT_TRUE(c);
    ASSERT_EQ(c->benchmarks.size(), 3u);
    EXPECT_EQ(c->benchmarks[0].verdict, Verdict::only_old);
    EXPECT_EQ(c->benchmarks[1].verdict, Verdict::unchanged);
    EXPECT_EQ(c->benchmarks[2].name, "cell/new");
    EXPECT_EQ(c->benchmarks[2].verdict, Verdict::only_new);
}

TEST(Compare, NeverMixesUnits) {
    auto c = compare_runs(run_of(board::CounterUnit::instructions, {m("cell/a", {1})}, "qemu_mps2_an386"),
                          run_of(board::CounterUnit::cycles, {m("cell/a", {1})}, "nrf52840dk"), ThresholdConfig{});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::invalid_argument);
    EXPECT_NE(c.error().message.find("never mix units"), std::string::npos);
    EXPECT_NE(c.error().message.find("nrf52840dk"), std::string::npos);
}

TEST(Compare, JsonCarriesEveryVerdict) {
    auto c = compare_runs(run_of(board::CounterUnit::instructions, {m("syscall/null", {100})}),
                          run_of(board::CounterUnit::instructions, {m("syscall/null", {90})}), ThresholdConfig{});
    ASSERT_TRUE(c);
    const auto j = nlohmann::json::parse(comparison_json(*c));
    EXPECT_EQ(j["unit"], "instructions");
    EXPECT_EQ(j["benchmarks"][0]["verdict"], "improvement");
    EXPECT_EQ(j["benchmarks"][0]["direction"], "faster");
    EXPECT_EQ(j["benchmarks"][0]["method"], "exact");
    EXPECT_TRUE(j["benchmarks"][0]["p_value"].is_null());
    EXPECT_DOUBLE_EQ(j["benchmarks"][0]["change_percent"].get<double>(), -10);
    EXPECT_EQ(j["regressions"], 0);
}

TEST(Thresholds, FamiliesInheritFromTheDefault) {
    auto config = parse_thresholds(R"(
[u_test]
alpha = 0.01
[default]
percent = 1.5
absolute = 3
[family.syscall]
absolute = 10
)",
                                   "t.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_DOUBLE_EQ(config->alpha, 0.01);
    EXPECT_DOUBLE_EQ(config->for_benchmark("syscall/null").percent, 1.5);
    EXPECT_DOUBLE_EQ(config->for_benchmark("syscall/null").absolute, 10);
    EXPECT_DOUBLE_EQ(config->for_benchmark("cell/copy/64").absolute, 3);
}

TEST(Thresholds, ErrorsNameTheFileAndTheKey) {
    auto bad_type = parse_thresholds("[family.cell]\npercent = \"five\"\n", "cfg.toml");
    ASSERT_FALSE(bad_type);
    EXPECT_EQ(bad_type.error().message, "cfg.toml: key 'family.cell.percent': expected a number");
    auto typo = parse_thresholds("[default]\npercnt = 2\n", "cfg.toml");
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("key 'default.percnt'"), std::string::npos);
    auto negative = parse_thresholds("[default]\nabsolute = -1\n", "cfg.toml");
    ASSERT_FALSE(negative);
    EXPECT_NE(negative.error().message.find("default.absolute"), std::string::npos);
    auto broken = parse_thresholds("[default\n", "cfg.toml");
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("cfg.toml:1:"), std::string::npos);
}

TEST(Thresholds, TheShippedFileLoads) {
    auto config =
        load_thresholds(std::filesystem::path(RIG_FIXTURES_DIR).parent_path() / "config" / "compare_thresholds.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_DOUBLE_EQ(config->alpha, 0.05);
    EXPECT_DOUBLE_EQ(config->fallback.percent, 1.0);
    EXPECT_DOUBLE_EQ(config->fallback.absolute, 2);
    EXPECT_TRUE(config->families.count("syscall"));
}
