#include "host/results/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace rig::results {
namespace {

// Average ranks (1-based) of the pooled values, and the tie term sum(t^3 - t) over tie groups.
struct Ranks {
    std::vector<double> rank;
    double tie_term = 0;
    bool any_tie = false;
};

Ranks rank_pooled(const std::vector<double>& pooled) {
    std::vector<std::size_t> order(pooled.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pooled[a] < pooled[b]; });
    Ranks r;
    r.rank.resize(pooled.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && pooled[order[j + 1]] == pooled[order[i]]) ++j;
        const auto t = static_cast<double>(j - i + 1);
        const double average = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2;
        for (std::size_t k = i; k <= j; ++k) r.rank[order[k]] = average;
        if (t > 1) {
            r.any_tie = true;
            r.tie_term += t * t * t - t;
        }
        i = j + 1;
    }
    return r;
}

// P(U >= u) under the null hypothesis, from the exact distribution: the number of ways to reach
// each U is the coefficient of the Gaussian binomial [n1 + n2 choose n1]_q, built as the product
// of (1 - q^(n2 + i)) / (1 - q^i) for i = 1..n1. Counts stay whole numbers well inside a long
// double's 64-bit mantissa for the sample sizes that reach here (one side at most 8).
double exact_sf(std::size_t n1, std::size_t n2, double u) {
    const std::size_t m = std::min(n1, n2), n = std::max(n1, n2);
    std::vector<long double> c(m * n + m + 1, 0.0L);
    c[0] = 1;
    for (std::size_t i = 1; i <= m; ++i) {
        for (std::size_t k = c.size() - 1; k >= n + i; --k) c[k] -= c[k - (n + i)];
        for (std::size_t k = i; k < c.size(); ++k) c[k] += c[k - i];
    }
    // Symmetric distribution: P(U >= u) = P(U <= mn - u), summed from the left as scipy does.
    const auto limit = static_cast<long long>(static_cast<double>(m * n) - u);
    long double tail = 0, total = 0;
    for (std::size_t k = 0; k <= m * n; ++k) {
        total += c[k];
        if (static_cast<long long>(k) <= limit) tail += c[k];
    }
    return static_cast<double>(tail / total);
}

}  // namespace

MannWhitneyResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.empty() || y.empty()) throw std::invalid_argument("mann_whitney_u: both samples need values");
    const std::size_t n1 = x.size(), n2 = y.size();
    std::vector<double> pooled = x;
    pooled.insert(pooled.end(), y.begin(), y.end());
    const Ranks ranks = rank_pooled(pooled);

    const double r1 = std::accumulate(ranks.rank.begin(), ranks.rank.begin() + static_cast<std::ptrdiff_t>(n1), 0.0);
    MannWhitneyResult result;
    result.u1 = r1 - static_cast<double>(n1) * static_cast<double>(n1 + 1) / 2;
    const double nn = static_cast<double>(n1) * static_cast<double>(n2);
    const double u = std::max(result.u1, nn - result.u1);

    double p = 0;
    result.exact = !(n1 > 8 && n2 > 8) && !ranks.any_tie;
    if (result.exact) {
        p = 2 * exact_sf(n1, n2, u);
    } else {
        const auto n = static_cast<double>(n1 + n2);
        const double sigma = std::sqrt(nn / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1))));
        const double z = (u - nn / 2 - 0.5) / sigma;  // all values tied: -0.5 / 0 = -inf, p = 1
        p = 2 * (0.5 * std::erfc(z / std::sqrt(2.0)));
    }
    result.p_value = std::clamp(p, 0.0, 1.0);
    return result;
}

}  // namespace rig::results
