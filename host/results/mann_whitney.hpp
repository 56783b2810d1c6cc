#pragma once
// The two-sided Mann-Whitney U test, computed exactly as scipy.stats.mannwhitneyu(x, y,
// alternative='two-sided') does (scipy 1.10, method 'auto'): Google Benchmark's compare.py uses
// it on repetitions, and the rig must reach the same verdict on the same numbers.

#include <cstddef>
#include <vector>

namespace rig::results {

struct MannWhitneyResult {
    double u1 = 0;       // U statistic of the first sample: R1 - n1 (n1 + 1) / 2, R1 its rank sum
    double p_value = 1;  // two-sided
    bool exact = false;  // true: exact null distribution; false: normal approximation
};

// How scipy chooses (its method 'auto'): the exact distribution of U when one sample has at
// most 8 values and no value occurs twice in the pooled data; otherwise the normal approximation
// with tie correction, sigma = sqrt(n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1)))), and
// continuity correction, z = (max(U1, U2) - n1 n2 / 2 - 0.5) / sigma, p = 2 * sf(z). In both
// cases p is clipped to [0, 1]. Both samples must be non-empty.
MannWhitneyResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace rig::results
