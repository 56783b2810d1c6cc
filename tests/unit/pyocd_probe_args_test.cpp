// What the pyOCD probe would start for a board: both command-line dialects (a current `pyocd
// gdbserver` and Debian's pyOCD 0.13 `pyocd-gdbserver`), with every field the board file gives.
#include "host/board/board.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"

#include <gtest/gtest.h>

namespace {

using Argv = std::vector<std::string>;

rig::board::Board sam4l_on_pyocd() {
    auto b = rig::board::find_board("sam4l_xplained", std::filesystem::path(RIG_SOURCE_DIR) / "boards");
    if (!b) throw std::runtime_error(b.error().message);
    b->probe.kind = rig::board::ProbeKind::pyocd;
    b->probe.target = "atsam4lc8c";
    b->probe.adapter_serial = "ATML2130021800001234";
    return *b;
}

// speed_khz used to be dropped: the SAM4L, slow at reset, got pyOCD's default SWD clock.
TEST(PyOcdArgv, TheSwdSpeedIsPassedInHzToACurrentPyocd) {
    EXPECT_EQ(rig::probes::pyocd::pyocd_argv_for("pyocd", sam4l_on_pyocd(), 3333),
              (Argv{"pyocd", "gdbserver", "-t", "atsam4lc8c", "--port", "3333", "--persist", "-u",
                    "ATML2130021800001234", "-f", "50000"}));
}

TEST(PyOcdArgv, TheSwdSpeedIsPassedInHzToPyocd013) {
    EXPECT_EQ(rig::probes::pyocd::pyocd_argv_for("pyocd-gdbserver", sam4l_on_pyocd(), 3333),
              (Argv{"pyocd-gdbserver", "-t", "atsam4lc8c", "-p", "3333", "--persist", "-b", "ATML2130021800001234",
                    "-f", "50000"}));
}

TEST(PyOcdArgv, NoSpeedLeavesPyocdsDefault) {
    auto b = sam4l_on_pyocd();
    b.probe.speed_khz = 0;
    b.probe.adapter_serial.clear();
    EXPECT_EQ(rig::probes::pyocd::pyocd_argv_for("pyocd-gdbserver", b, 3333),
              (Argv{"pyocd-gdbserver", "-t", "atsam4lc8c", "-p", "3333", "--persist"}));
}

// pyOCD 0.13's built-in targets as its `--list-targets` printed them on Debian 12 (python3-pyocd 0.13.1).
const std::vector<std::string> debian_targets{"cortex_m", "k64f", "nrf51", "nrf52", "nrf52840", "stm32f103rc"};

TEST(PyOcd013Targets, TheSam4lIsRefusedWithWhatToUseInstead) {
    EXPECT_EQ(rig::probes::pyocd::pyocd013_target_problem(sam4l_on_pyocd(), debian_targets),
              "pyOCD 0.13 has no SAM4L target: use OpenOCD (probe.kind = \"openocd\", config = "
              "\"board/atmel_sam4l8_xplained_pro.cfg\"), or a current pyOCD with the SAM4L's CMSIS pack");
}

TEST(PyOcd013Targets, TheNrf52832IsCalledNrf52There) {
    auto b = sam4l_on_pyocd();
    b.chip = "nRF52832";
    b.probe.target = "nrf52832";
    const auto problem = rig::probes::pyocd::pyocd013_target_problem(b, debian_targets);
    EXPECT_NE(problem.find("pyOCD 0.13 has no target \"nrf52832\" (its nRF52832 target is called \"nrf52\")"),
              std::string::npos)
        << problem;
    b.probe.target = "nrf52";
    EXPECT_EQ(rig::probes::pyocd::pyocd013_target_problem(b, debian_targets), "");
}

}  // namespace
