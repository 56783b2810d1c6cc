#pragma once
// What `rig nightly` shows while it works. Lines — which commit i/N is checked out, built, measured,
// and the time since the night began — always go out whole, one at a time, even when several board
// threads report at once. On a terminal one status line under them is redrawn in place (the step
// under way, its elapsed time, the crates cargo has started); a log file or a CI console gets only
// the lines, so it stays quiet while a build runs.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace rig::nightly {

class ProgressPrinter {
public:
    ProgressPrinter(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

    // One whole line; on a terminal the status line is cleared first and redrawn after it.
    void line(const std::string& text);
    // Replaces the status line (a terminal only; otherwise nothing is written).
    void status(const std::string& text);
    // Removes the status line (a terminal only).
    void clear_status();

    bool terminal() const { return terminal_; }

private:
    void erase_locked();
    std::mutex mutex_;
    std::FILE* out_;
    bool terminal_;
    std::string status_;  // what the status line shows now; empty: none
};

// Whether `out` is a terminal (and not a file, a pipe or a CI log).
bool is_terminal(std::FILE* out);

// "1:05" (minutes:seconds), or "1:02:05" past an hour: the time since the night began.
std::string clock_of(std::chrono::steady_clock::duration elapsed);

}  // namespace rig::nightly
