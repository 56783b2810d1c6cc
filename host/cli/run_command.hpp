#pragma once
// `rig run`: one run on one board, results written to results/<board>/<commit>.json.

#include "host/util/exit_code.hpp"

#include <CLI/CLI.hpp>

namespace rig::cli {

// The exit codes (host/util/exit_code.hpp), by their short names in every command.
using util::ExitCode;
using util::exit_ok;
using util::exit_run_failed;
using util::exit_bad_input;
using util::exit_write_failed;
using util::exit_cancelled;

void add_run_command(CLI::App& app, int& exit_code);

// `-f` of `rig run` and `rig submit`: the filter travels to the firmware as one protocol string.
CLI::Validator filter_length_check();

}  // namespace rig::cli
