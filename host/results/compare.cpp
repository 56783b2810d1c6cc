#include "host/results/compare.hpp"

#include "host/results/mann_whitney.hpp"
#include "host/results/summary_table.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

namespace rig::results {
namespace {

// compare.py's calculate_change: relative to the old value, or to the mean of both when old is 0.
double relative_change(double old_value, double new_value) {
    if (old_value == 0 && new_value == 0) return 0;
    if (old_value == 0) return (new_value - old_value) / ((old_value + new_value) / 2);
    return (new_value - old_value) / std::abs(old_value);
}

std::vector<double> as_doubles(const std::vector<std::uint32_t>& v) { return {v.begin(), v.end()}; }

BenchmarkComparison compare_one(const Measurement& old_m, const Measurement& new_m, board::CounterUnit unit,
                                const ThresholdConfig& config) {
    BenchmarkComparison b;
    b.name = old_m.full_name();
    b.old_repetitions = old_m.samples.size();
    b.new_repetitions = new_m.samples.size();
    b.old_median = statistics_of(old_m.samples).median;
    b.new_median = statistics_of(new_m.samples).median;
    b.change = b.new_median - b.old_median;
    b.change_percent = 100 * relative_change(b.old_median, b.new_median);
    b.direction = b.change < 0 ? Direction::faster : b.change > 0 ? Direction::slower : Direction::same;
    b.thresholds = config.for_benchmark(b.name);

    // Is the change real?
    bool real = true;
    if (unit == board::CounterUnit::instructions) {
        b.method = Method::exact;  // QEMU -icount: the same code runs the same instructions, every time
    } else if (std::min(b.old_repetitions, b.new_repetitions) < u_test_min_repetitions) {
        b.method = Method::too_few_repetitions;
        real = false;
    } else {
        b.method = Method::u_test;
        b.p_value = mann_whitney_u(as_doubles(old_m.samples), as_doubles(new_m.samples)).p_value;
        b.few_repetitions = std::min(b.old_repetitions, b.new_repetitions) < u_test_optimal_repetitions;
        real = *b.p_value < config.alpha;
    }

    const bool beyond = std::abs(b.change_percent) > b.thresholds.percent && std::abs(b.change) > b.thresholds.absolute;
    if (b.direction == Direction::same || (real && !beyond)) {
        b.verdict = Verdict::unchanged;  // no change, or a real one within both thresholds
    } else if (!real) {
        b.verdict = Verdict::insignificant;
    } else {
        b.verdict = b.direction == Direction::slower ? Verdict::regression : Verdict::improvement;
    }
    return b;
}

BenchmarkComparison one_side(const Measurement& m, Verdict verdict, const ThresholdConfig& config) {
    BenchmarkComparison b;
    b.name = m.full_name();
    const double median = statistics_of(m.samples).median;
    if (verdict == Verdict::only_old) {
        b.old_repetitions = m.samples.size();
        b.old_median = median;
    } else {
        b.new_repetitions = m.samples.size();
        b.new_median = median;
    }
    b.method = Method::too_few_repetitions;
    b.thresholds = config.for_benchmark(b.name);
    b.verdict = verdict;
    return b;
}

std::string describe(const RunInfo& i) {
    return fmt::format("{} @ {} ({}, {} repetitions, started {})", i.board, i.firmware_commit, board::to_string(i.unit),
                       i.repetitions, i.started_at.empty() ? "?" : i.started_at);
}

nlohmann::json run_json(const RunInfo& i) {
    return {{"board", i.board},           {"commit", i.firmware_commit},    {"unit", board::to_string(i.unit)},
            {"started_at", i.started_at}, {"image_sha256", i.image_sha256}, {"repetitions", i.repetitions},
            {"probe", i.probe},           {"toolchain", i.toolchain}};
}

}  // namespace

const char* to_string(Direction d) {
    switch (d) {
        case Direction::faster:
            return "faster";
        case Direction::slower:
            return "slower";
        case Direction::same:
            return "same";
    }
    return "?";
}

const char* to_string(Method m) {
    switch (m) {
        case Method::exact:
            return "exact";
        case Method::u_test:
            return "u_test";
        case Method::too_few_repetitions:
            return "too_few_repetitions";
    }
    return "?";
}

const char* to_string(Verdict v) {
    switch (v) {
        case Verdict::regression:
            return "regression";
        case Verdict::improvement:
            return "improvement";
        case Verdict::unchanged:
            return "unchanged";
        case Verdict::insignificant:
            return "insignificant";
        case Verdict::only_old:
            return "only_old";
        case Verdict::only_new:
            return "only_new";
    }
    return "?";
}

std::size_t Comparison::count(Verdict v) const {
    return static_cast<std::size_t>(
        std::count_if(benchmarks.begin(), benchmarks.end(), [v](const auto& b) { return b.verdict == v; }));
}

Result<Comparison> compare_runs(const RunReport& old_run, const RunReport& new_run, const ThresholdConfig& config) {
    if (old_run.info.unit != new_run.info.unit)
        return make_error(ErrorKind::invalid_argument,
                          fmt::format("never mix units: {} counts {} but {} counts {}", describe(old_run.info),
                                      board::to_string(old_run.info.unit), describe(new_run.info),
                                      board::to_string(new_run.info.unit)));
    Comparison c;
    c.old_run = old_run.info;
    c.new_run = new_run.info;
    c.unit = old_run.info.unit;
    c.alpha = config.alpha;

    std::map<std::string, const Measurement*> in_new;
    for (const auto& m : new_run.measurements) in_new.emplace(m.full_name(), &m);
    std::map<std::string, bool> seen;
    for (const auto& m : old_run.measurements) {
        const auto name = m.full_name();
        if (seen[name]) continue;
        seen[name] = true;
        const auto it = in_new.find(name);
        c.benchmarks.push_back(it == in_new.end() || m.samples.empty() || it->second->samples.empty()
                                   ? one_side(m, Verdict::only_old, config)
                                   : compare_one(m, *it->second, c.unit, config));
    }
    for (const auto& m : new_run.measurements)
        if (!seen[m.full_name()]) {
            seen[m.full_name()] = true;
            c.benchmarks.push_back(one_side(m, Verdict::only_new, config));
        }
    return c;
}

std::string comparison_table(const Comparison& c) {
    std::size_t width = 9;
    for (const auto& b : c.benchmarks) width = std::max(width, b.name.size());
    std::string out = fmt::format("old: {}\nnew: {}\nunit: {} (medians; change = new - old)\n", describe(c.old_run),
                                  describe(c.new_run), board::to_string(c.unit));
    out += fmt::format("{:<{}}  {:>12}  {:>12}  {:>10}  {:>8}  {:>9}  {}\n", "benchmark", width, "old", "new", "change",
                       "%", "p", "verdict");
    out += std::string(width + 75, '-') + "\n";
    for (const auto& b : c.benchmarks) {
        if (b.verdict == Verdict::only_old || b.verdict == Verdict::only_new) {
            const bool old_side = b.verdict == Verdict::only_old;
            out += fmt::format("{:<{}}  {:>12}  {:>12}  {:>10}  {:>8}  {:>9}  {}\n", b.name, width,
                               old_side ? fmt::format("{:.1f}", b.old_median) : "-",
                               old_side ? "-" : fmt::format("{:.1f}", b.new_median), "", "", "", to_string(b.verdict));
            continue;
        }
        std::string p = b.method == Method::exact ? "exact" : b.p_value ? fmt::format("{:.4f}", *b.p_value) : "n/a";
        std::string verdict = to_string(b.verdict);
        if (b.method == Method::too_few_repetitions) verdict += " (too few repetitions for a U test)";
        if (b.few_repetitions)
            verdict += fmt::format(" (U test unreliable below {} repetitions)", u_test_optimal_repetitions);
        if (b.verdict == Verdict::regression || b.verdict == Verdict::improvement)
            verdict += fmt::format(" (thresholds {}% and {})", b.thresholds.percent, b.thresholds.absolute);
        out += fmt::format("{:<{}}  {:>12.1f}  {:>12.1f}  {:>+10.1f}  {:>+7.2f}%  {:>9}  {}\n", b.name, width,
                           b.old_median, b.new_median, b.change, b.change_percent, p, verdict);
    }
    out += fmt::format(
        "{} regressions, {} improvements, {} unchanged, {} insignificant, {} only in old, {} only in new"
        " (alpha {})\n",
        c.count(Verdict::regression), c.count(Verdict::improvement), c.count(Verdict::unchanged),
        c.count(Verdict::insignificant), c.count(Verdict::only_old), c.count(Verdict::only_new), c.alpha);
    return out;
}

std::string comparison_json(const Comparison& c) {
    nlohmann::json benchmarks = nlohmann::json::array();
    for (const auto& b : c.benchmarks) {
        nlohmann::json j = {{"name", b.name},
                            {"old_repetitions", b.old_repetitions},
                            {"new_repetitions", b.new_repetitions},
                            {"old_median", b.old_median},
                            {"new_median", b.new_median},
                            {"change", b.change},
                            {"change_percent", b.change_percent},
                            {"direction", to_string(b.direction)},
                            {"method", to_string(b.method)},
                            {"p_value", b.p_value ? nlohmann::json(*b.p_value) : nlohmann::json(nullptr)},
                            {"few_repetitions", b.few_repetitions},
                            {"threshold_percent", b.thresholds.percent},
                            {"threshold_absolute", b.thresholds.absolute},
                            {"verdict", to_string(b.verdict)}};
        benchmarks.push_back(std::move(j));
    }
    nlohmann::json out = {{"old", run_json(c.old_run)},
                          {"new", run_json(c.new_run)},
                          {"unit", board::to_string(c.unit)},
                          {"alpha", c.alpha},
                          {"benchmarks", std::move(benchmarks)},
                          {"regressions", c.count(Verdict::regression)},
                          {"improvements", c.count(Verdict::improvement)}};
    return out.dump(2) + "\n";
}

}  // namespace rig::results
