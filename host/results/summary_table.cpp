#include "host/results/summary_table.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace rig::results {

Statistics statistics_of(const std::vector<std::uint32_t>& samples) {
    Statistics s;
    if (samples.empty()) return s;
    std::vector<double> v(samples.begin(), samples.end());
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    s.min = v.front();
    s.max = v.back();
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
    double squares = 0;
    for (double x : v) squares += (x - s.mean) * (x - s.mean);
    // Sample standard deviation, as Google Benchmark's _stddev aggregate computes it.
    s.stddev = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0;
    return s;
}

std::string summary_table(const RunReport& report) {
    const auto& info = report.info;
    std::size_t width = 9;
    for (const auto& m : report.measurements) width = std::max(width, m.full_name().size());

    std::string out = fmt::format("{} — {} — commit {} — {} per sample, {} repetitions\n", info.board, info.chip,
                                  info.firmware_commit, board::to_string(info.unit), info.repetitions);
    out += fmt::format("{:<{}}  {:>4}  {:>10}  {:>10}  {:>10}  {:>8}  {:>8}\n", "benchmark", width, "n", "min",
                       "median", "mean", "stddev", "overhead");
    out += std::string(width + 62, '-') + "\n";
    for (const auto& m : report.measurements) {
        const auto s = statistics_of(m.samples);
        out += fmt::format("{:<{}}  {:>4}  {:>10.0f}  {:>10.1f}  {:>10.2f}  {:>8.2f}  {:>8}\n", m.full_name(), width,
                           m.samples.size(), s.min, s.median, s.mean, s.stddev, m.overhead);
    }
    if (info.uart_garbage_bytes)
        out += fmt::format("note: the UART carried {} bytes that were not part of a good frame\n",
                           info.uart_garbage_bytes);
    return out;
}

nlohmann::ordered_json summary_json(const RunReport& report) {
    const auto& info = report.info;
    nlohmann::ordered_json j;
    j["board"] = info.board;
    j["chip"] = info.chip;
    j["core"] = info.core.empty() ? "unknown" : info.core;
    j["unit"] = board::to_string(info.unit);
    j["firmware_commit"] = info.firmware_commit;
    j["toolchain"] = info.toolchain;
    j["image_sha256"] = info.image_sha256;
    j["run_id"] = info.run_id;
    j["complete"] = info.complete;
    j["filter"] = info.filter;
    j["repetitions"] = info.repetitions;
    j["uart_garbage_bytes"] = info.uart_garbage_bytes;
    auto& list = j["benchmarks"] = nlohmann::ordered_json::array();
    for (const auto& m : report.measurements) {
        const auto s = statistics_of(m.samples);
        const auto name = m.full_name();
        list.push_back({{"name", name},
                        {"family", name.substr(0, name.find('/'))},
                        {"param", m.param},
                        {"samples", m.samples.size()},
                        {"min", s.min},
                        {"median", s.median},
                        {"mean", s.mean},
                        {"stddev", s.stddev},
                        {"max", s.max},
                        {"overhead", m.overhead}});
    }
    return j;
}

}  // namespace rig::results
