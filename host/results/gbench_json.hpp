#pragma once
// Results as Google Benchmark JSON, written by Google Benchmark itself: each on-target benchmark
// is registered with the library (manual time, one iteration per repetition), so the file has
// exactly the schema, aggregates and names that Google Benchmark's tools/compare.py reads.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <filesystem>
#include <string>

namespace rig::results {

// The JSON text for a run. `real_time` and `cpu_time` are both the count converted to time at
// the board's rate (cycles / f_cpu, or QEMU's virtual time per instruction): the host's own CPU
// time means nothing for a measurement made on the target. The raw count is the user counter
// named after the unit ("instructions" or "cycles"), and `context` says board, unit and commit.
std::string to_gbench_json(const RunReport& report);

// Writes it atomically (see util/atomic_file.hpp).
Result<void> write_gbench_json(const RunReport& report, const std::filesystem::path& file);

}  // namespace rig::results
