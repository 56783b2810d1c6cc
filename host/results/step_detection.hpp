#pragma once
// Where a benchmark changed along the history: change points in a per-commit series, each named by
// the commit that introduced it with the values before and after. Exact for QEMU's instruction
// counts (any change of the median between consecutive commits), statistical for cycles.

#include "host/results/history.hpp"
#include "host/results/thresholds.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rig::results {

// Cycles: a step at commit i is tested by pooling the samples of up to `window` commits before i
// and `window` commits from i on, and comparing them with the two-sided Mann-Whitney U test. A
// candidate counts when p < alpha (alpha is small: every commit is a test, so 0.05 would flag
// noise about once in twenty commits) AND the medians differ past both thresholds. Neighbouring
// candidates (closer than `window`) are the same step seen from shifted windows: the one with the
// smallest p (then the largest change) is kept. Instructions: every change is a step.
struct StepOptions {
    double alpha = 0.001;
    std::size_t window = 3;
    Thresholds thresholds{1.0, 2.0};  // cycles: a step must pass both; instructions: sets past_thresholds
};

struct Step {
    std::size_t index = 0;        // into the series: the first point after the step
    std::string commit;           // the commit that introduced it
    std::string previous_commit;  // the last commit before it
    board::CounterUnit unit = board::CounterUnit::cycles;
    double before = 0,
           after = 0;   // medians: of the previous commit / this commit (instructions), of the windows (cycles)
    double change = 0;  // after - before, in the unit
    double change_percent = 0;
    std::optional<double> p_value;  // cycles only
    bool past_thresholds = false;   // beyond both thresholds (always true for a cycles step)

    bool slower() const { return change > 0; }
};

// The series as History::series returns it (oldest first). Points whose unit differs from their
// neighbour's are never compared with each other.
std::vector<Step> detect_steps(const std::vector<SeriesPoint>& series, const StepOptions& options = {});

// "cell/copy/64 changed at 1a2b3c4d5e6f (+12 instructions, 207 → 219, +5.8 %)".
std::string describe_step(const std::string& benchmark, const Step& step);

}  // namespace rig::results
