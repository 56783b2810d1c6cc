#pragma once
// Two runs side by side, benchmark by benchmark: how the median moved, whether the move is real
// (exactly, for QEMU's deterministic instruction counts; by a Mann-Whitney U test on the
// repetitions, for cycles on real boards, as Google Benchmark's compare.py does) and whether it
// passes the family's thresholds. Printed as a table for people and as JSON for machines.

#include "host/results/run_report.hpp"
#include "host/results/thresholds.hpp"
#include "host/util/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rig::results {

// compare.py's limits: no U test below 2 repetitions a side, "results unreliable" below 9.
constexpr std::size_t u_test_min_repetitions = 2;
constexpr std::size_t u_test_optimal_repetitions = 9;

enum class Direction { faster, slower, same };
enum class Method { exact, u_test, too_few_repetitions };
enum class Verdict {
    regression,     // slower, real, and beyond both thresholds
    improvement,    // faster, real, and beyond both thresholds
    unchanged,      // no change, or a real change within a threshold
    insignificant,  // a change the U test cannot tell from noise (or too few repetitions to test)
    only_old,       // the benchmark is missing from the new run
    only_new,       // the benchmark is missing from the old run
};
const char* to_string(Direction d);
const char* to_string(Method m);
const char* to_string(Verdict v);

struct BenchmarkComparison {
    std::string name;  // full name, "cell/copy/64"
    std::size_t old_repetitions = 0, new_repetitions = 0;
    double old_median = 0, new_median = 0;
    double change = 0;          // new - old, in the unit
    double change_percent = 0;  // as compare.py's calculate_change, times 100
    Direction direction = Direction::same;
    Method method = Method::exact;
    std::optional<double> p_value;  // when the U test ran
    bool few_repetitions = false;   // tested, but below u_test_optimal_repetitions
    Thresholds thresholds;
    Verdict verdict = Verdict::unchanged;
};

struct Comparison {
    RunInfo old_run, new_run;
    board::CounterUnit unit = board::CounterUnit::cycles;
    double alpha = 0.05;
    std::vector<BenchmarkComparison> benchmarks;  // old run's order, then benchmarks only in the new run

    std::size_t count(Verdict v) const;
};

// Refuses (invalid_argument) runs counting different units: never mix units.
Result<Comparison> compare_runs(const RunReport& old_run, const RunReport& new_run, const ThresholdConfig& config);

std::string comparison_table(const Comparison& c);
std::string comparison_json(const Comparison& c);

}  // namespace rig::results
