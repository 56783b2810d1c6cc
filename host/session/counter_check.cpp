#include "host/session/counter_check.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rig::session {

CounterCheck judge_cycle_counter(std::uint32_t first, std::uint32_t second, std::chrono::nanoseconds elapsed,
                                 std::uint64_t board_cpu_hz) {
    CounterCheck check;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const std::uint32_t delta = second - first;  // modulo 2^32: one wrap is fine
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    if (delta == 0 || seconds <= 0) {
        check.description = fmt::format(
            "warning: DWT CYCCNT did not advance in {} ms (0x{:08x} twice): the firmware has not enabled it, or the "
            "core sleeps between commands; cycle samples need a running counter",
            ms, first);
        return check;
    }
    check.measured_hz = delta / seconds;
    const double error = (check.measured_hz - static_cast<double>(board_cpu_hz)) / static_cast<double>(board_cpu_hz);
    check.ok = std::abs(error) <= counter_rate_tolerance;
    check.description = fmt::format(
        "{}DWT CYCCNT advanced {} cycles in {} ms over SWD: {:.2f} MHz, board file says {:.2f} MHz ({:+.1f} %)",
        check.ok ? "" : "warning: ", delta, ms, check.measured_hz / 1e6, static_cast<double>(board_cpu_hz) / 1e6,
        100 * error);
    if (!check.ok) check.description += "; real_time (cycles / cpu_hz) in these results is off by as much";
    return check;
}

}  // namespace rig::session
