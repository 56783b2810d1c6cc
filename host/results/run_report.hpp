#pragma once
// One run's data contract (after Google Benchmark's reporter design): everything the board sent,
// with where and how it was measured. Every output format (JSON, the summary table, later the
// history database) is written from this and nothing else.

#include "host/board/board.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace rig::results {

// One RESULT frame: the samples of one benchmark at one parameter, in the run's unit, with the
// counter overhead already subtracted on the target.
struct Measurement {
    std::string name;            // "family/case", e.g. "cell/takecell_map"
    std::uint32_t param = 0;     // payload bytes; 0 when the benchmark has no parameter
    std::uint32_t overhead = 0;  // counter read overhead that was subtracted
    std::vector<std::uint32_t> samples;

    // "cell/copy/64", or "syscall/null" without a parameter: the name results are keyed by.
    std::string full_name() const;
};

struct RunInfo {
    std::string run_id;  // unique (results/run_identity.hpp); never shared by two runs
    std::string board;
    std::string chip;
    std::string core;  // the CPU core ("Cortex-M4"), from the board file; may be empty
    board::CounterUnit unit = board::CounterUnit::cycles;
    std::uint64_t cpu_hz = 0;
    double ns_per_count = 0;  // how real_time is derived from a count
    std::string probe;        // "qemu-gdb", "openocd", …
    std::string firmware_version;
    std::string firmware_commit;  // the commit measured, in one form (run_identity.hpp)
    std::string toolchain;        // rustc that built the image
    std::string image_sha256;
    std::string started_at;  // ISO 8601, UTC
    unsigned repetitions = 0;
    std::string filter;                    // what the run was asked to measure; empty = the whole suite
    bool complete = false;                 // the whole suite ran: only such a run speaks for its commit
    std::uint64_t uart_garbage_bytes = 0;  // bytes the frame decoder had to skip
    std::string ram_cross_check;           // the last benchmark's samples, read back from RAM by symbol
    std::string counter_check;             // DWT CYCCNT's rate over SWD against the board file's clock
};

struct RunReport {
    RunInfo info;
    std::vector<Measurement> measurements;
};

}  // namespace rig::results
