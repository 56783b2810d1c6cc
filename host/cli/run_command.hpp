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

// `-f` of `rig run` and `rig submit`: the filter travels to the firmware as one protocol string.
CLI::Validator filter_length_check();

}  // namespace rig::cli
