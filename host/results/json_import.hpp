#pragma once
// Reads a result file the rig wrote (Google Benchmark JSON with the rig's context keys, see
// gbench_json.hpp) back into a RunReport, so old files can enter the history and be compared.
// Any input, however broken, gives a RunReport or an error saying what is wrong: never a crash.

#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <filesystem>
#include <string_view>

namespace rig::results {

// The core, for tests and fuzzing: text in, report or ErrorKind::malformed out.
Result<RunReport> parse_gbench_json(std::string_view text);

// Reads a file; errors start with the file's name.
Result<RunReport> read_gbench_json(const std::filesystem::path& file);

}  // namespace rig::results
