#include "host/cli/signals.hpp"

#include <pthread.h>

namespace rig::cli {
namespace {

std::atomic<bool> cancel{false};
constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_signal(int signo) {
    if (cancel.exchange(true)) {
        // The second one: the default action (the rig ends; PR_SET_PDEATHSIG stops its children).
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(signo, &dfl, nullptr);
        ::raise(signo);
    }
}

sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int signo : stop_signals) sigaddset(&set, signo);
    return set;
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a read, open or wait in progress returns EINTR at once
    for (int signo : stop_signals) ::sigaction(signo, &action, nullptr);
}

const std::atomic<bool>& cancel_requested() { return cancel; }

DeferSignals::DeferSignals() {
    const sigset_t set = stop_set();
    ::pthread_sigmask(SIG_BLOCK, &set, &previous_);
}

DeferSignals::~DeferSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

}  // namespace rig::cli
