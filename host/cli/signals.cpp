#include "host/cli/signals.hpp"

#include <csignal>

namespace rig::cli {
namespace {

std::atomic<bool> cancel{false};

extern "C" void on_signal(int signo) {
    if (cancel.exchange(true)) {
        std::signal(signo, SIG_DFL);
        std::raise(signo);
    }
}

}  // namespace

void install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

const std::atomic<bool>& cancel_requested() { return cancel; }

}  // namespace rig::cli
