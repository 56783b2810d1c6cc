#pragma once
// `rig compare A B`: two result files, two commits from the history, or one commit on two boards,
// benchmark by benchmark; exit code 4 when anything regressed past its threshold, for CI.

#include <CLI/CLI.hpp>

namespace rig::cli {

// Beside run_command.hpp's codes: a benchmark regressed past its threshold.
constexpr int exit_regression = 4;

void add_compare_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
