// The DWT CYCCNT rate check: running at the board file's clock, off by more than the
// tolerance, not running at all, and across one wrap of the 32-bit counter.
#include "host/session/counter_check.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using rig::session::judge_cycle_counter;

TEST(CounterCheck, ACounterAtTheBoardClockPasses) {
    // 64 MHz for 500 ms, plus 1 % of read latency.
    const auto check = judge_cycle_counter(1000, 1000 + 32'320'000, 500ms, 64'000'000);
    EXPECT_TRUE(check.ok) << check.description;
    EXPECT_DOUBLE_EQ(check.measured_hz, 64'640'000.0);
    EXPECT_NE(check.description.find("64.64 MHz, board file says 64.00 MHz (+1.0 %)"), std::string::npos)
        << check.description;
}

TEST(CounterCheck, AWrongClockIsAWarningThatSaysHowFarOff) {
    // A SAM4L left on its 12 MHz RC while the board file says 48 MHz.
    const auto check = judge_cycle_counter(0, 6'000'000, 500ms, 48'000'000);
    EXPECT_FALSE(check.ok);
    EXPECT_EQ(check.description.rfind("warning: ", 0), 0u) << check.description;
    EXPECT_NE(check.description.find("(-75.0 %)"), std::string::npos) << check.description;
}

TEST(CounterCheck, AStoppedCounterIsAWarning) {
    const auto check = judge_cycle_counter(0x1234, 0x1234, 500ms, 64'000'000);
    EXPECT_FALSE(check.ok);
    EXPECT_NE(check.description.find("did not advance in 500 ms (0x00001234 twice)"), std::string::npos)
        << check.description;
}

TEST(CounterCheck, OneWrapOfTheCounterIsCountedModulo32Bits) {
    const auto check = judge_cycle_counter(0xFFFF'0000, 0x01E7'8480, 500ms, 64'000'000);
    EXPECT_TRUE(check.ok) << check.description;
    EXPECT_DOUBLE_EQ(check.measured_hz, (0x01E7'8480 + 0x1'0000) / 0.5);
}

}  // namespace
