#pragma once
// Ctrl-C and SIGTERM ask the current run to stop: the session notices within a quarter second,
// stops the board and its programs, and writes nothing. A second Ctrl-C ends the rig at once
// (its child programs then die with it, see util/child_process.hpp).

#include <atomic>

namespace rig::cli {

void install_signal_handlers();
const std::atomic<bool>& cancel_requested();

}  // namespace rig::cli
