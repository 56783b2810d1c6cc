#pragma once
// Ctrl-C, SIGTERM and SIGHUP (a dropped ssh session) ask the running command to stop: blocking
// system calls return at once (sigaction without SA_RESTART), every loop that waits polls the
// flag, the board and its programs are stopped, nothing partial is written, and the command
// exits 130. A second signal ends the rig at once (its child programs then die with it, see
// util/child_process.hpp).

#include <atomic>
#include <csignal>

namespace rig::cli {

void install_signal_handlers();
const std::atomic<bool>& cancel_requested();

// Holds SIGINT, SIGTERM and SIGHUP back while results are written, so that a JSON file and its
// history row are written both or neither; a signal that came meanwhile is acted on afterwards.
class DeferSignals {
public:
    DeferSignals();
    ~DeferSignals();
    DeferSignals(const DeferSignals&) = delete;
    DeferSignals& operator=(const DeferSignals&) = delete;

private:
    sigset_t previous_{};
};

}  // namespace rig::cli
