#include "host/cli/run_progress.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>

namespace rig::cli {
namespace {

std::string seconds(double s) { return s < 10 ? fmt::format("{:.1f} s", s) : fmt::format("{:.0f} s", s); }

}  // namespace

RunProgress::RunProgress(std::FILE* out, bool terminal, std::string board, std::size_t expected)
    : out_(out), terminal_(terminal), board_(std::move(board)), expected_(expected) {}

void RunProgress::start(Clock::time_point now) {
    started_ = now;
    done_ = 0;
    last_tenth_ = 0;
}

std::string RunProgress::status(Clock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    // More came than the last run had: the suite grew, and the count is no longer known.
    if (expected_ == 0 || done_ > expected_) return fmt::format("{} benchmarks, {}", done_, seconds(elapsed));
    const double left = done_ == 0 ? 0 : elapsed / static_cast<double>(done_) * static_cast<double>(expected_ - done_);
    return fmt::format("{}/{} benchmarks ({} %), {}{}", done_, expected_, done_ * 100 / expected_, seconds(elapsed),
                       done_ == 0 ? "" : ", about " + seconds(left) + " left");
}

void RunProgress::draw(const std::string& text) {
    // \r and "erase to the end of the line": the status is rewritten in place.
    fmt::print(out_, "\r\033[K{}", text);
    std::fflush(out_);
    shown_ = true;
}

void RunProgress::benchmark_done(const std::string& name, Clock::time_point now) {
    ++done_;
    last_name_ = name;
    if (terminal_) {
        draw(fmt::format("[{}] {}: {}", board_, status(now), name));
        return;
    }
    // A line at each tenth of the suite (the last one included); every 10th benchmark when the
    // count is not known.
    const std::size_t tenth = expected_ ? (done_ * 10) / expected_ : done_ / 10;
    if (tenth > last_tenth_ || (expected_ && done_ == expected_)) {
        last_tenth_ = tenth;
        fmt::print(out_, "[{}] progress: {}\n", board_, status(now));
        std::fflush(out_);
    }
}

void RunProgress::line(const std::string& text) {
    if (shown_) fmt::print(out_, "\r\033[K");
    fmt::print(out_, "{}\n", text);
    if (shown_) draw(fmt::format("[{}] {}: {}", board_, status(Clock::now()), last_name_));
    std::fflush(out_);
}

void RunProgress::finish() {
    if (shown_) fmt::print(out_, "\r\033[K");
    shown_ = false;
    std::fflush(out_);
}

bool stderr_is_terminal() {
    const char* term = std::getenv("TERM");
    return ::isatty(STDERR_FILENO) == 1 && !(term && std::strcmp(term, "dumb") == 0);
}

}  // namespace rig::cli
