#include "host/results/gbench_json.hpp"

#include "host/util/atomic_file.hpp"

#include <algorithm>
#include <cmath>
#include <benchmark/benchmark.h>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rig::results {
namespace {

// Google Benchmark's own JSON reporter, with three corrections made to each run before it is
// written: the name loses the "/iterations:1/repeats:N/manual_time" suffixes (the parameters of
// our replay, not of the benchmark); cpu_time is the target time, not the host's; and the
// coefficient of variation of an all-zero series (0/0, which the library writes as a bare NaN
// that strict JSON parsers refuse) is written as 0 — no spread.
class TargetJsonReporter : public benchmark::JSONReporter {
public:
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
        benchmark::JSONReporter::ReportRuns(fixed);
    }
};

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

}  // namespace

std::string to_gbench_json(const RunReport& report) {
    // The library's registry is process-wide: one run is replayed at a time.
    static std::mutex registry;
    std::lock_guard lock(registry);

    benchmark::ClearRegisteredBenchmarks();
    std::size_t registered = 0;
    for (const auto& m : report.measurements)
        if (!m.samples.empty()) {
            register_measurement(m, report.info);
            ++registered;
        }
    std::ostringstream out, err;
    TargetJsonReporter reporter;
    reporter.SetOutputStream(&out);
    reporter.SetErrorStream(&err);
    if (registered > 0) {
        benchmark::RunSpecifiedBenchmarks(&reporter, ".*");
    } else {
        // With nothing registered the library writes no JSON at all: write its context and an
        // empty benchmark list ourselves, so a run without measurements is still a valid file.
        reporter.ReportContext(benchmark::BenchmarkReporter::Context());
        reporter.Finalize();
    }
    benchmark::ClearRegisteredBenchmarks();

    // The library describes the host it ran on; add what describes the board and the image.
    auto json = nlohmann::json::parse(out.str());
    auto& context = json["context"];
    const auto& i = report.info;
    context["rig_run_id"] = i.run_id;
    context["rig_board"] = i.board;
    context["rig_chip"] = i.chip;
    context["rig_counter_unit"] = board::to_string(i.unit);
    context["rig_cpu_hz"] = i.cpu_hz;
    context["rig_ns_per_count"] = i.ns_per_count;
    context["rig_probe"] = i.probe;
    context["rig_firmware_version"] = i.firmware_version;
    context["rig_commit"] = i.firmware_commit;
    context["rig_toolchain"] = i.toolchain;
    context["rig_image_sha256"] = i.image_sha256;
    context["rig_started_at"] = i.started_at;
    context["rig_repetitions"] = i.repetitions;
    context["rig_filter"] = i.filter;
    context["rig_complete"] = i.complete;
    context["rig_uart_garbage_bytes"] = i.uart_garbage_bytes;
    context["rig_ram_cross_check"] = i.ram_cross_check;
    context["rig_counter_check"] = i.counter_check;
    context["rig_time_note"] = i.unit == board::CounterUnit::instructions
                                   ? "real_time/cpu_time = instructions x 2^icount_shift ns of QEMU virtual time"
                                   : "real_time/cpu_time = cycles / cpu_hz";
    return json.dump(2) + "\n";
}

Result<void> write_gbench_json(const RunReport& report, const std::filesystem::path& file) {
    return util::write_file_atomically(file, to_gbench_json(report));
}

}  // namespace rig::results
