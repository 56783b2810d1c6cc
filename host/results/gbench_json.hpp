#pragma once
// Results as Google Benchmark JSON (and CSV), written by Google Benchmark itself: each on-target
// benchmark is registered with the library (manual time, one iteration per repetition), so the
// file has exactly the schema, aggregates and names that Google Benchmark's tools/compare.py reads.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <filesystem>
#include <string>

namespace rig::results {

// The JSON text for a run. `real_time` and `cpu_time` are both the count converted to time at
// the board's rate (cycles / f_cpu, or QEMU's virtual time per instruction): the host's own CPU
// time means nothing for a measurement made on the target. The raw count is the user counter
// named after the unit ("instructions" or "cycles"). `context` leads with the target (board,
// chip, core, clock, unit, counter, firmware commit, toolchain, image SHA-256), then the run
// (run id, repetitions, filter, checks), then what Google Benchmark says of the host it ran on,
// each of those keys prefixed `host_` (`host_num_cpus`, `host_caches`, …).
std::string to_gbench_json(const RunReport& report);

// The same runs through Google Benchmark's CSV reporter: its columns (name, iterations,
// real_time, cpu_time, time_unit, bytes_per_second, items_per_second, label, error_occurred,
// error_message, then one quoted column per user counter), one row per repetition and aggregate.
std::string to_gbench_csv(const RunReport& report);

// What the counter is, in words: "SysTick under QEMU -icount" or "DWT CYCCNT".
std::string counter_description(board::CounterUnit unit);

// Writes it atomically (see util/atomic_file.hpp).
Result<void> write_gbench_json(const RunReport& report, const std::filesystem::path& file);

}  // namespace rig::results
