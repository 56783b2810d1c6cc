#include "host/results/step_detection.hpp"

#include "host/results/mann_whitney.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

namespace rig::results {
namespace {

double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percent_change(double before, double after) {
    if (before == 0 && after == 0) return 0;
    if (before == 0) return 100 * (after - before) / ((before + after) / 2);
    return 100 * (after - before) / std::abs(before);
}

bool past(const Thresholds& t, double before, double after) {
    return std::abs(after - before) > t.absolute && std::abs(percent_change(before, after)) > t.percent;
}

// Samples of series[first, last) as doubles, or the median when a point carries no samples.
std::vector<double> pooled(const std::vector<SeriesPoint>& s, std::size_t first, std::size_t last) {
    std::vector<double> out;
    for (std::size_t i = first; i < last; ++i) {
        if (s[i].samples.empty())
            out.push_back(s[i].median);
        else
            out.insert(out.end(), s[i].samples.begin(), s[i].samples.end());
    }
    return out;
}

Step make_step(const std::vector<SeriesPoint>& s, std::size_t i, double before, double after) {
    Step step;
    step.index = i;
    step.commit = s[i].commit;
    step.previous_commit = s[i - 1].commit;
    step.unit = s[i].unit;
    step.before = before;
    step.after = after;
    step.change = after - before;
    step.change_percent = percent_change(before, after);
    return step;
}

// Runs of points with one unit: [first, last).
std::vector<std::pair<std::size_t, std::size_t>> unit_runs(const std::vector<SeriesPoint>& s) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    std::size_t first = 0;
    for (std::size_t i = 1; i <= s.size(); ++i) {
        if (i == s.size() || s[i].unit != s[first].unit) {
            runs.emplace_back(first, i);
            first = i;
        }
    }
    return runs;
}

void exact_steps(const std::vector<SeriesPoint>& s, std::size_t first, std::size_t last, const StepOptions& o,
                 std::vector<Step>& out) {
    for (std::size_t i = first + 1; i < last; ++i) {
        if (s[i].median == s[i - 1].median) continue;
        Step step = make_step(s, i, s[i - 1].median, s[i].median);
        step.past_thresholds = past(o.thresholds, step.before, step.after);
        out.push_back(step);
    }
}

void statistical_steps(const std::vector<SeriesPoint>& s, std::size_t first, std::size_t last, const StepOptions& o,
                       std::vector<Step>& out) {
    const std::size_t w = std::max<std::size_t>(o.window, 1);
    std::vector<Step> candidates;
    for (std::size_t i = first + 1; i < last; ++i) {
        const std::size_t lo = i - std::min(w, i - first), hi = std::min(last, i + w);
        const auto before = pooled(s, lo, i), after = pooled(s, i, hi);
        if (before.size() < 2 || after.size() < 2) continue;
        const double mb = median_of(before), ma = median_of(after);
        if (!past(o.thresholds, mb, ma)) continue;
        const auto u = mann_whitney_u(before, after);
        if (u.p_value >= o.alpha) continue;
        Step step = make_step(s, i, mb, ma);
        step.p_value = u.p_value;
        step.past_thresholds = true;
        candidates.push_back(step);
    }
    std::sort(candidates.begin(), candidates.end(), [](const Step& a, const Step& b) {
        if (*a.p_value != *b.p_value) return *a.p_value < *b.p_value;
        return std::abs(a.change) > std::abs(b.change);
    });
    std::vector<Step> kept;
    for (const auto& c : candidates) {
        const bool near = std::any_of(kept.begin(), kept.end(), [&](const Step& k) {
            return (k.index > c.index ? k.index - c.index : c.index - k.index) < w;
        });
        if (!near) kept.push_back(c);
    }
    out.insert(out.end(), kept.begin(), kept.end());
}

}  // namespace

std::vector<Step> detect_steps(const std::vector<SeriesPoint>& series, const StepOptions& options) {
    std::vector<Step> steps;
    for (const auto& [first, last] : unit_runs(series)) {
        if (last - first < 2) continue;
        if (series[first].unit == board::CounterUnit::instructions)
            exact_steps(series, first, last, options, steps);
        else
            statistical_steps(series, first, last, options, steps);
    }
    std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.index < b.index; });
    return steps;
}

std::string describe_step(const std::string& benchmark, const Step& step) {
    std::string text =
        fmt::format("{} changed at {} ({:+g} {}, {:g} → {:g}, {:+.1f} %", benchmark, step.commit, step.change,
                    board::to_string(step.unit), step.before, step.after, step.change_percent);
    if (step.p_value) text += fmt::format(", p = {:.2g}", *step.p_value);
    if (!step.past_thresholds) text += ", within thresholds";
    return text + ")";
}

}  // namespace rig::results
