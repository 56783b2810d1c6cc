// `rig doctor` as a user runs it: the QEMU board answers, the three real boards are configured
// but absent (no hardware on this machine), and the exit code says the rig can run.
#include "tests/integration/qemu_process.hpp"

#include <gtest/gtest.h>
#include <iterator>
#include <regex>

namespace {

using namespace std::chrono_literals;

TEST(Doctor, ListsTheQemuBoardAsAnsweringAndTheRealBoardsAsAbsent) {
    if (!rig::test_support::find_program("qemu-system-arm"))
        FAIL() << "qemu-system-arm is not installed: apt-get install qemu-system-arm";
    const auto out = rig::util::run_captured({RIG_BINARY_DIR "/bin/rig", "doctor"},
                                             rig::test_support::scratch_dir("rig_doctor_", "run") / "doctor.txt", 60s);
    EXPECT_TRUE(out.ok) << out.status << "\n" << out.output;
    const auto has = [&](const std::string& pattern) {
        return std::regex_search(out.output, std::regex(pattern, std::regex::multiline));
    };
    EXPECT_TRUE(has(R"(^  ok       qemu-system-arm +QEMU emulator version)")) << out.output;
    EXPECT_TRUE(has(R"(^  ok       openocd +Open On-Chip Debugger 0\.)")) << out.output;
    EXPECT_TRUE(has(R"(^  answers  qemu_mps2_an386 )")) << out.output;
    for (const char* board : {"nrf52840dk", "nrf52dk", "sam4l_xplained"}) {
        EXPECT_TRUE(has(std::string(R"(^  ok       )") + board + R"( +openocd )")) << board << "\n" << out.output;
        EXPECT_TRUE(has(std::string(R"(^  absent   )") + board + R"( .*serial port .* not present)")) << board << "\n"
                                                                                                      << out.output;
    }
    // What each real board lacks on this machine (no USB probes here).
    EXPECT_TRUE(has(R"(^What each real board needs:)")) << out.output;
    EXPECT_TRUE(has(R"(^  lacks    nrf52840dk +its probe, SEGGER J-Link \(USB 1366:\*\), is not attached)"))
        << out.output;
    EXPECT_TRUE(has(R"(^  lacks    sam4l_xplained +its probe, Atmel EDBG \(USB 03eb:2111\), is not attached)"))
        << out.output;
    EXPECT_TRUE(has(R"(^Missing:)")) << out.output;
    // Each board's gaps under one heading: what to connect, then its probe.
    EXPECT_TRUE(has(R"(^  - board nrf52840dk:\n      connect it \(.*\n      its probe, SEGGER J-Link)")) << out.output;
    const std::regex heading(R"(^  - board nrf52840dk:)", std::regex::multiline);
    EXPECT_EQ(std::distance(std::sregex_iterator(out.output.begin(), out.output.end(), heading), {}), 1) << out.output;
}

}  // namespace
