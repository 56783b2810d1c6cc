#pragma once
// On cycle-counting boards the host reads DWT CYCCNT over SWD twice, some wall-clock time
// apart, while the firmware idles in its command loop. The rate says whether the counter runs
// and whether it runs at the clock the board file claims: every real_time in the results is
// cycles / cpu_hz, so a wrong clock would silently scale them all.

#include <chrono>
#include <cstdint>
#include <string>

namespace rig::session {

// ARMv7-M ARM, C1.8 "Data Watchpoint and Trace unit": DWT_CYCCNT.
inline constexpr std::uint32_t dwt_cyccnt_address = 0xE000'1004;
// Clock error beyond which the check warns (crystals are within 0.01 %; RC oscillators a few %).
inline constexpr double counter_rate_tolerance = 0.05;

struct CounterCheck {
    bool ok = false;          // advancing, and within tolerance of the board file's clock
    double measured_hz = 0;   // cycles per wall-clock second
    std::string description;  // for the results' context and the progress line
};

// `first` and `second` are CYCCNT reads `elapsed` apart (one wrap of the 32-bit counter is
// allowed: 67 s at 64 MHz).
CounterCheck judge_cycle_counter(std::uint32_t first, std::uint32_t second, std::chrono::nanoseconds elapsed,
                                 std::uint64_t board_cpu_hz);

}  // namespace rig::session
