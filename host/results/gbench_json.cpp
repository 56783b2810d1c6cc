#include "host/results/gbench_json.hpp"

#include "host/util/atomic_file.hpp"

#include <benchmark/benchmark.h>
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rig::results {
namespace {

// Google Benchmark's own reporters, with three corrections made to each run before it is
// written: the name loses the "/iterations:1/repeats:N/manual_time" suffixes (the parameters of
// our replay, not of the benchmark); cpu_time is the target time, not the host's; and the
// coefficient of variation of an all-zero series (0/0, which the library writes as a bare NaN
// that strict JSON parsers refuse) is written as 0 — no spread.
template <typename Library>
class TargetReporter : public Library {
public:
    using Run = benchmark::BenchmarkReporter::Run;
    void ReportRuns(const std::vector<Run>& runs) override {
        std::vector<Run> fixed = runs;
        for (auto& run : fixed) {
            run.run_name.iterations.clear();
            run.run_name.repetitions.clear();
            run.run_name.time_type.clear();
            run.cpu_accumulated_time = run.real_accumulated_time;
            if (std::isnan(run.real_accumulated_time)) run.real_accumulated_time = run.cpu_accumulated_time = 0;
            for (auto& [name, counter] : run.counters)
                if (std::isnan(counter.value)) counter.value = 0;
        }
        Library::ReportRuns(fixed);
    }
};
using TargetJsonReporter = TargetReporter<benchmark::JSONReporter>;

double minimum(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
double maximum(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

void register_measurement(const Measurement& m, const RunInfo& info) {
    const std::string counter = board::to_string(info.unit);
    const double seconds_per_count = info.ns_per_count * 1e-9;
    auto next = std::make_shared<std::size_t>(0);
    auto* bench = benchmark::RegisterBenchmark(
        m.full_name().c_str(), [m, counter, seconds_per_count, next](benchmark::State& state) {
            const double count = m.samples.at(std::min(*next, m.samples.size() - 1));
            ++*next;
            for (auto _ : state) {
            }
            state.SetIterationTime(count * seconds_per_count);
            state.counters[counter] = count;
            state.counters["overhead_subtracted"] = m.overhead;
            state.counters["payload_bytes"] = m.param;
        });
    bench->UseManualTime()
        ->Iterations(1)
        ->Repetitions(static_cast<int>(m.samples.size()))
        ->Unit(benchmark::kNanosecond)
        ->ComputeStatistics("min", minimum)
        ->ComputeStatistics("max", maximum);
}

// Registers every measurement with the library and lets `reporter` write them. The library's
// registry is process-wide: one run is replayed at a time.
void replay(const RunReport& report, benchmark::BenchmarkReporter& reporter) {
    static std::mutex registry;
    std::lock_guard lock(registry);

    benchmark::ClearRegisteredBenchmarks();
    std::size_t registered = 0;
    for (const auto& m : report.measurements)
        if (!m.samples.empty()) {
            register_measurement(m, report.info);
            ++registered;
        }
    if (registered > 0) {
        benchmark::RunSpecifiedBenchmarks(&reporter, ".*");
    } else {
        // With nothing registered the library writes nothing at all: write its context and an
        // empty benchmark list ourselves, so a run without measurements is still a valid file.
        reporter.ReportContext(benchmark::BenchmarkReporter::Context());
        reporter.Finalize();
    }
    benchmark::ClearRegisteredBenchmarks();
}

// Google Benchmark's context keys describe the machine the library ran on: here the host, not
// the target. They keep their values under a `host_` prefix ("host_name" already has one);
// `date` (when the file was written) and `json_schema_version` are not the host's and stay.
std::string host_key(const std::string& key) {
    if (key == "date" || key == "json_schema_version" || key.starts_with("host_")) return key;
    return "host_" + key;
}

}  // namespace

std::string counter_description(board::CounterUnit unit) {
    return unit == board::CounterUnit::instructions ? "SysTick under QEMU -icount" : "DWT CYCCNT";
}

std::string to_gbench_json(const RunReport& report) {
    std::ostringstream out, err;
    TargetJsonReporter reporter;
    reporter.SetOutputStream(&out);
    reporter.SetErrorStream(&err);
    replay(report, reporter);

    // Ordered, so the target comes first when a person opens the file; compare.py reads only
    // `benchmarks`, and the rig's own reader finds keys by name.
    auto library = nlohmann::ordered_json::parse(out.str());
    nlohmann::ordered_json context;
    const auto& i = report.info;
    context["board"] = i.board;
    context["chip"] = i.chip;
    context["core"] = i.core.empty() ? "unknown" : i.core;
    context["cpu_hz"] = i.cpu_hz;
    context["unit"] = board::to_string(i.unit);
    context["counter"] = counter_description(i.unit);
    context["firmware_commit"] = i.firmware_commit;
    context["toolchain"] = i.toolchain;
    context["image_sha256"] = i.image_sha256;
    context["firmware_version"] = i.firmware_version;
    context["probe"] = i.probe;
    context["ns_per_count"] = i.ns_per_count;
    context["time_note"] = i.unit == board::CounterUnit::instructions
                               ? "real_time/cpu_time = instructions x 2^icount_shift ns of QEMU virtual time"
                               : "real_time/cpu_time = cycles / cpu_hz";
    context["run_id"] = i.run_id;
    context["started_at"] = i.started_at;
    context["repetitions"] = i.repetitions;
    context["filter"] = i.filter;
    context["complete"] = i.complete;
    context["uart_garbage_bytes"] = i.uart_garbage_bytes;
    context["ram_cross_check"] = i.ram_cross_check;
    context["counter_check"] = i.counter_check;
    for (const auto& [key, value] : library["context"].items()) context[host_key(key)] = value;

    nlohmann::ordered_json json;
    json["context"] = std::move(context);
    json["benchmarks"] = std::move(library["benchmarks"]);
    return json.dump(2) + "\n";
}

std::string to_gbench_csv(const RunReport& report) {
    std::ostringstream out, err;
    // The library marks its CSV reporter deprecated ("will be removed in a future release"); it is
    // the one that defines the format, so it is used while it exists.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    TargetReporter<benchmark::CSVReporter> reporter;
#pragma GCC diagnostic pop
    reporter.SetOutputStream(&out);
    reporter.SetErrorStream(&err);  // the CSV reporter prints its context here, not in the file
    replay(report, reporter);
    return out.str();
}

Result<void> write_gbench_json(const RunReport& report, const std::filesystem::path& file) {
    return util::write_file_atomically(file, to_gbench_json(report));
}

}  // namespace rig::results
