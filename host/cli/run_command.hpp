#pragma once
// `rig run`: one run on one board, results written to results/<board>/<commit>.json.

#include <CLI/CLI.hpp>

namespace rig::cli {

// Exit codes a CI job can act on.
enum ExitCode : int {
    exit_ok = 0,
    exit_run_failed = 1,      // the board, the probe or the firmware failed
    exit_bad_input = 2,       // bad command line, board file or image
    exit_write_failed = 3,    // results could not be written
    exit_cancelled = 130,     // Ctrl-C / SIGTERM
};

void add_run_command(CLI::App& app, int& exit_code);

// `-f` of `rig run`, `rig benchmarks` and `rig submit`: a regular expression over full names
// (results/benchmark_filter.hpp), at most 255 bytes, checked before anything runs.
CLI::Validator filter_check();
inline constexpr const char* filter_help =
    "Only benchmarks whose full name (cell/copy/64) matches this regular expression, as Google Benchmark's "
    "--benchmark_filter: searched anywhere, '^'/'$' anchor, a leading '-' selects the others";

}  // namespace rig::cli
