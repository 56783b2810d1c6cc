#pragma once
// The exit codes of `rig` and `rigd` (README "Using it"), one list for both programs.

namespace rig::util {

// Exit codes a CI job can act on.
enum ExitCode : int {
    exit_ok = 0,
    exit_run_failed = 1,    // the board, the probe or the firmware failed
    exit_bad_input = 2,     // bad command line, board file or image
    exit_write_failed = 3,  // results could not be written
    exit_cancelled = 130,   // Ctrl-C / SIGTERM
};

}  // namespace rig::util
