#pragma once
// What the paper's rows read from a run (paper.cpp, paper_baselines.cpp): medians and their
// spread by full benchmark name, the sizes a sized benchmark was run at, and when two counts are
// the same for the run's unit. Internal to the report layer.

#include "host/report/paper.hpp"
#include "host/results/summary_table.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rig::report {

struct Figures {
    const results::RunReport& run;
    std::string unit;

    const results::Measurement* find(const std::string& full_name) const {
        for (const auto& m : run.measurements)
            if (m.full_name() == full_name) return &m;
        return nullptr;
    }
    std::optional<double> median(const std::string& name) const {
        const auto* m = find(name);
        if (!m || m->samples.empty()) return std::nullopt;
        return results::statistics_of(m->samples).median;
    }
    // "49", or "49 (47–53)" when the samples spread.
    std::string value(const std::string& name) const {
        const auto* m = find(name);
        if (!m || m->samples.empty()) return "—";
        const auto s = results::statistics_of(m->samples);
        if (s.min == s.max) return fmt::format("{:g}", s.median);
        return fmt::format("{:g} ({:g}–{:g})", s.median, s.min, s.max);
    }
    // Sizes n with a measurement "<prefix>/n", ascending.
    std::vector<std::uint32_t> sizes(const std::string& prefix) const {
        std::vector<std::uint32_t> out;
        for (const auto& m : run.measurements)
            if (m.name == prefix && m.param != 0 && !m.samples.empty()) out.push_back(m.param);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    bool exact() const { return run.info.unit == board::CounterUnit::instructions; }
    // Equal for exact counts; within 2 counts or 1 % for cycles.
    bool same(double a, double b) const {
        if (exact()) return a == b;
        return std::abs(a - b) <= std::max(2.0, 0.01 * std::max(std::abs(a), std::abs(b)));
    }
};

inline std::string signed_count(double v) { return fmt::format("{:+g}", v); }

// A row whose benchmarks the run does not have.
inline ClaimRow missing(ClaimRow row, const std::vector<std::string>& names) {
    row.verdict = ClaimVerdict::not_measured;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    row.measured = "—";
    row.why = "this run has no " + list + " (older firmware, or a filtered run)";
    return row;
}

}  // namespace rig::report
