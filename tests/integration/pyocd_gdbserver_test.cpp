// The pyOCD probe against the real pyOCD (Debian's python3-pyocd, `pyocd-gdbserver` 0.13) on a
// machine with no debug probe: the command line it is given is accepted, and instead of waiting
// for ever, as pyOCD does, the probe fails with an error naming the missing probe. What pyOCD
// does with a board attached is the transcripts' part (pyocd_transcript_test.cpp).
#include "host/board/board.hpp"
#include "host/probes/pyocd/pyocd_probe.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;
using namespace rig;

// The nRF52840 DK's board file, switched to pyOCD with a probe serial no machine has, and a slow
// SWD clock (so the real pyOCD is shown to accept `-f <Hz>`).
board::Board pyocd_board() {
    auto board = board::find_board("nrf52840dk", fs::path(RIG_SOURCE_DIR) / "boards");
    if (!board) throw std::runtime_error(board.error().message);
    board->probe.kind = board::ProbeKind::pyocd;
    board->probe.target = "nrf52840";
    board->probe.adapter_serial = "rigtest00000000";
    board->probe.speed_khz = 50;
    return *board;
}

class PyOcdGdbServer : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(util::program_available("pyocd-gdbserver") || util::program_available("pyocd"))
            << "pyOCD is missing: apt-get install python3-pyocd (scripts/bootstrap.sh installs it)";
    }
};

TEST_F(PyOcdGdbServer, NoProbeConnectedIsAClearNotFoundError) {
    const auto log = test_support::scratch_dir("rig_pyocd_", "no_probe") / "pyocd.log";
    auto probe = probes::pyocd::PyOcdProbe::start(pyocd_board(), log);
    ASSERT_FALSE(probe);
    EXPECT_EQ(probe.error().kind, ErrorKind::not_found) << probe.error().message;
    EXPECT_NE(probe.error().message.find("pyOCD finds no debug probe with serial rigtest00000000"), std::string::npos)
        << probe.error().message;
    // pyOCD understood its command line (target and probe selection) and got as far as waiting.
    const auto said = util::tail_of_file(log);
    EXPECT_NE(said.find("Waiting for a debug probe"), std::string::npos) << said;
    EXPECT_EQ(said.find("error: unrecognized arguments"), std::string::npos) << said;
}

// pyOCD 0.13 has no SAM4L target and answered `-t atsam4lc8c` with its usage text and "invalid
// target option" (the run failed with pyOCD's usage as the reason): the probe asks it for its
// target list first and refuses at once, naming what to use instead.
TEST_F(PyOcdGdbServer, Pyocd013RefusesTheSam4lAtOnceAndSaysUseOpenocd) {
    if (util::program_available("pyocd")) GTEST_SKIP() << "a current pyOCD is on PATH; the check is for pyOCD 0.13";
    auto board = board::find_board("sam4l_xplained", fs::path(RIG_SOURCE_DIR) / "boards");
    ASSERT_TRUE(board) << board.error().message;
    board->probe.kind = board::ProbeKind::pyocd;
    board->probe.target = "atsam4lc8c";
    const auto targets = probes::pyocd::pyocd013_targets();
    ASSERT_TRUE(targets) << "pyocd-gdbserver --list-targets --json gave nothing readable";
    std::string listed;
    for (const auto& t : *targets) listed += t + " ";
    EXPECT_NE(std::find(targets->begin(), targets->end(), "nrf52840"), targets->end()) << listed;
    const auto log = test_support::scratch_dir("rig_pyocd_", "sam4l") / "pyocd.log";
    auto probe = probes::pyocd::PyOcdProbe::start(*board, log);
    ASSERT_FALSE(probe);
    EXPECT_EQ(probe.error().kind, ErrorKind::unsupported);
    EXPECT_NE(probe.error().message.find("pyOCD 0.13 has no SAM4L target: use OpenOCD"), std::string::npos)
        << probe.error().message;
    // Refused before the gdbserver was started (which would wait for a probe): its log was never made.
    EXPECT_FALSE(fs::exists(log)) << "pyocd-gdbserver was started";
}

TEST_F(PyOcdGdbServer, ARunOnABoardWithoutItsProbeFailsAtStartProbe) {
    const auto dir = test_support::scratch_dir("rig_pyocd_", "run");
    const auto image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/nrf52840dk";
    ASSERT_TRUE(fs::exists(image)) << image << " was not built";
    auto report = session::run_on_board(pyocd_board(), image, {}, dir / "pyocd.log");
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("board nrf52840dk, step start probe: pyOCD finds no debug probe"),
              std::string::npos)
        << report.error().message;
}

}  // namespace
