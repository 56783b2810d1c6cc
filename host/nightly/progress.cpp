#include "host/nightly/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace rig::nightly {

void ProgressPrinter::erase_locked() {
    if (!terminal_ || status_.empty()) return;
    std::fputs("\r\033[K", out_);  // carriage return, erase to the end of the line
}

void ProgressPrinter::line(const std::string& text) {
    std::lock_guard lock(mutex_);
    erase_locked();
    std::fputs(text.c_str(), out_);
    std::fputc('\n', out_);
    if (terminal_ && !status_.empty()) std::fputs(status_.c_str(), out_);
    std::fflush(out_);
}

void ProgressPrinter::status(const std::string& text) {
    if (!terminal_) return;
    std::lock_guard lock(mutex_);
    erase_locked();
    // One screen line: a wrapped status line could not be erased with one carriage return.
    status_ = text.size() > 100 ? text.substr(0, 97) + "..." : text;
    std::fputs(status_.c_str(), out_);
    std::fflush(out_);
}

void ProgressPrinter::clear_status() {
    if (!terminal_) return;
    std::lock_guard lock(mutex_);
    erase_locked();
    status_.clear();
    std::fflush(out_);
}

bool is_terminal(std::FILE* out) { return ::isatty(::fileno(out)) == 1; }

std::string clock_of(std::chrono::steady_clock::duration elapsed) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace rig::nightly
