// Step detection over synthetic per-commit series: exact steps for instructions, U-test windows
// for cycles, and no false positive on noise at a fixed seed.
#include "host/results/step_detection.hpp"

#include <gtest/gtest.h>
#include <random>

using namespace rig::results;
using rig::board::CounterUnit;

namespace {

SeriesPoint point(int i, std::vector<std::uint32_t> samples, CounterUnit unit) {
    SeriesPoint p;
    p.commit = "c" + std::to_string(i);
    p.unit = unit;
    auto s = samples;
    std::sort(s.begin(), s.end());
    p.median = s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2.0;
    p.samples = std::move(samples);
    return p;
}

std::vector<SeriesPoint> exact(const std::vector<std::uint32_t>& medians) {
    std::vector<SeriesPoint> out;
    for (std::size_t i = 0; i < medians.size(); ++i)
        out.push_back(point(static_cast<int>(i), std::vector<std::uint32_t>(9, medians[i]), CounterUnit::instructions));
    return out;
}

std::vector<SeriesPoint> noisy(const std::vector<double>& means, double sd, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0, sd);
    std::vector<SeriesPoint> out;
    for (std::size_t i = 0; i < means.size(); ++i) {
        std::vector<std::uint32_t> s;
        s.reserve(9);
        for (int k = 0; k < 9; ++k) s.push_back(static_cast<std::uint32_t>(std::lround(means[i] + noise(rng))));
        out.push_back(point(static_cast<int>(i), s, CounterUnit::cycles));
    }
    return out;
}

}  // namespace

TEST(StepDetection, FlatInstructionSeriesHasNoStep) { EXPECT_TRUE(detect_steps(exact({207, 207, 207, 207})).empty()); }

TEST(StepDetection, OneInstructionStepNamesItsCommit) {
    const auto steps = detect_steps(exact({207, 207, 219, 219}));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].commit, "c2");
    EXPECT_EQ(steps[0].previous_commit, "c1");
    EXPECT_EQ(steps[0].before, 207);
    EXPECT_EQ(steps[0].after, 219);
    EXPECT_EQ(steps[0].change, 12);
    EXPECT_TRUE(steps[0].slower());
    EXPECT_TRUE(steps[0].past_thresholds);
    EXPECT_EQ(describe_step("cell/copy/64", steps[0]).rfind("cell/copy/64 changed at c2 (+12 instructions", 0), 0u);
}

TEST(StepDetection, TwoInstructionStepsAndASmallOneWithinThresholds) {
    const auto steps = detect_steps(exact({100, 100, 90, 90, 91, 91}));
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].commit, "c2");
    EXPECT_EQ(steps[0].change, -10);
    EXPECT_TRUE(steps[0].past_thresholds);
    EXPECT_EQ(steps[1].commit, "c4");
    EXPECT_FALSE(steps[1].past_thresholds);  // +1 instruction: real, but within 2 and 1 %
}

TEST(StepDetection, NoisyCyclesWithoutAStepGiveNoFalsePositive) {
    const auto s = noisy(std::vector<double>(30, 1000.0), 15.0, 42);
    EXPECT_TRUE(detect_steps(s).empty());
}

TEST(StepDetection, NoisyCyclesWithOneStepFindTheCommit) {
    std::vector<double> means(20, 1000.0);
    for (std::size_t i = 12; i < means.size(); ++i) means[i] = 1100.0;
    const auto steps = detect_steps(noisy(means, 15.0, 7));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].commit, "c12");
    ASSERT_TRUE(steps[0].p_value.has_value());
    EXPECT_LT(*steps[0].p_value, 0.001);
    EXPECT_NEAR(steps[0].change, 100, 20);
}

TEST(StepDetection, NoisyCyclesWithTwoSteps) {
    std::vector<double> means(24, 1000.0);
    for (std::size_t i = 8; i < 16; ++i) means[i] = 1150.0;
    for (std::size_t i = 16; i < 24; ++i) means[i] = 1050.0;
    const auto steps = detect_steps(noisy(means, 15.0, 11));
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].commit, "c8");
    EXPECT_EQ(steps[1].commit, "c16");
    EXPECT_LT(steps[1].change, 0);
}

TEST(StepDetection, UnitsAreNeverComparedAcrossAChange) {
    auto s = exact({100, 100});
    s.push_back(point(2, std::vector<std::uint32_t>(9, 500), CounterUnit::cycles));
    EXPECT_TRUE(detect_steps(s).empty());
}
