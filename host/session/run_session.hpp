#pragma once
// One run on one board, the rig's "strategy": check the image against the board, start the probe,
// flash, reset, greet the firmware, ask it to run, collect every result, stop the board. Every
// failure names the board, the step and the cause; nothing is written here (see results/).

#include "host/board/board.hpp"
#include "host/results/run_report.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace rig::session {

struct RunOptions {
    unsigned repetitions = 15;
    std::string filter;  // regular expression over full names, '-' negates (results/benchmark_filter.hpp); empty = all
    std::chrono::milliseconds hello_timeout = std::chrono::seconds(10);
    std::chrono::milliseconds silence_timeout = std::chrono::seconds(60);  // between two results
    const std::atomic<bool>* cancel = nullptr;                             // set by Ctrl-C or the daemon
    // Tries of a run that fails in the board's own steps (start probe … hello) with a timeout,
    // a closed connection or an I/O error: a probe that drops or a board that boots slowly once
    // is worth one more try; a benchmark failure or a bad image is not.
    unsigned attempts = 2;
};

// The steps, in order; errors and progress name them.
enum class Step { load_image, check_image, start_probe, connect_uart, flash, reset, hello, run, collect };
const char* to_string(Step step);

struct Progress {
    std::function<void(Step, const std::string&)> step;       // a step begins / a note on it
    std::function<void(std::size_t, std::size_t)> flash;      // bytes done, bytes total
    std::function<void(const results::Measurement&)> result;  // one benchmark's samples arrived
    std::function<void(std::size_t)> selected;                // how many benchmarks will run (catalogue ∩ filter)
};

Result<results::RunReport> run_on_board(const board::Board& board, const std::filesystem::path& image_file,
                                        const RunOptions& options, const std::filesystem::path& log_file,
                                        const Progress& progress = {});

}  // namespace rig::session
