#pragma once
// `rig run`'s progress: N of M benchmarks with an estimate of the time left. On a terminal one
// line on stderr that rewrites itself; otherwise (a CI log, a pipe) a plain line at every tenth
// of the suite, so a log shows progress in ten lines, not one per benchmark. `-q` shows none.
// M is how many benchmarks of the image's catalogue the filter selects (the session says so
// before the run starts); an image without a catalogue gives none, and then only N and the time
// so far are shown.

#include <chrono>
#include <cstdio>
#include <string>

namespace rig::cli {

class RunProgress {
public:
    using Clock = std::chrono::steady_clock;
    RunProgress(std::FILE* out, bool terminal, std::string board, std::size_t expected = 0);

    void expect(std::size_t expected) { expected_ = expected; }  // M, once known

    void start(Clock::time_point now = Clock::now());  // the benchmarks begin
    void benchmark_done(const std::string& name, Clock::time_point now = Clock::now());
    // Prints a line of its own (a step, a warning), keeping the status line below it.
    void line(const std::string& text);
    void finish();  // removes the status line

    // "12/62 benchmarks (19 %), 3.1 s, about 13 s left" (no M: "12 benchmarks, 3.1 s").
    std::string status(Clock::time_point now) const;

private:
    void draw(const std::string& text);
    std::FILE* out_;
    bool terminal_;
    std::string board_;
    std::size_t expected_;
    std::size_t done_ = 0;
    std::size_t last_tenth_ = 0;
    bool shown_ = false;  // a status line is on the terminal
    Clock::time_point started_{};
    std::string last_name_;
};

// Whether stderr is a terminal the status line can rewrite (not TERM=dumb).
bool stderr_is_terminal();

}  // namespace rig::cli
