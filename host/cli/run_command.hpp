#pragma once
// `rig run`: one run on one board, results written to results/<board>/<commit>.json.

#include "host/util/exit_code.hpp"

#include <CLI/CLI.hpp>

namespace rig::cli {

// The exit codes (host/util/exit_code.hpp), by their short names in every command.
using util::exit_bad_input;
using util::exit_cancelled;
using util::exit_ok;
using util::exit_run_failed;
using util::exit_write_failed;
using util::ExitCode;

void add_run_command(CLI::App& app, int& exit_code);

// `-f` of `rig run`, `rig benchmarks` and `rig submit`: a regular expression over full names
// (results/benchmark_filter.hpp), at most 255 bytes, checked before anything runs.
CLI::Validator filter_check();
inline constexpr const char* filter_help =
    "Only benchmarks whose full name (cell/copy/64) matches this regular expression, as Google Benchmark's "
    "--benchmark_filter: searched anywhere, '^'/'$' anchor, a leading '-' selects the others";

}  // namespace rig::cli
