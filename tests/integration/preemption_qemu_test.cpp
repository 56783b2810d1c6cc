// Preemption on a real qemu-system-arm: at start-up the firmware runs a process that never yields
// (apps::spin_app) beside one that yields, with the CMSDK TIMER0 (line 8) as the time slice. The
// timer's interrupt must take the processor back from the spinner, the kernel must switch to the
// other process, and the spinner must resume where it was and be preempted again; the kernel LOGs
// the three rounds. Without preemption the spinner keeps the processor until it gives up (it
// exits after 2^24 iterations), and the LOG says so: "NOT as expected". Then `ctx/preempt` (timer
// interrupt → switch into the other process) is measured: one count, the same every repetition.
#include "host/board/board.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

struct Boot {
    std::vector<std::string> lines;  // the target's LOG frames, in order
    std::vector<rig::results::Measurement> measurements;

    std::string joined() const {
        std::string all;
        for (const auto& l : lines) all += l + "\n";
        return all;
    }
};

Boot boot_and_run(const std::string& filter, const std::string& name) {
    Boot boot;
    EXPECT_TRUE(rig::util::program_available("qemu-system-arm"))
        << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
    EXPECT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built (cmake --build build)";
    const auto board = rig::board::find_board("qemu_mps2_an386", fs::path(RIG_SOURCE_DIR) / "boards");
    EXPECT_TRUE(board) << board.error().message;
    if (!board) return boot;
    rig::session::RunOptions options;
    options.repetitions = 3;
    options.filter = filter;
    rig::session::Progress progress;
    progress.step = [&](rig::session::Step, const std::string& note) {
        if (note.starts_with("target: ")) boot.lines.push_back(note.substr(8));
    };
    const auto dir = rig::test_support::scratch_dir("rig_preemption_", name);
    const auto report = rig::session::run_on_board(*board, firmware_image, options, dir / "qemu.log", progress);
    EXPECT_TRUE(report) << report.error().message;
    if (report) boot.measurements = report->measurements;
    return boot;
}

}  // namespace

TEST(PreemptionOnQemu, TheTimerPreemptsAProcessThatNeverYieldsAndTheOtherRuns) {
    const auto boot = boot_and_run("ctx/preempt", "check");
    ASSERT_FALSE(boot.lines.empty());
    std::vector<std::string> found;
    for (const auto& l : boot.lines)
        if (l.starts_with("preemption")) found.push_back(l);
    ASSERT_EQ(found.size(), 1u) << boot.joined();
    EXPECT_EQ(found.front(),
              "preemption (timer line 8, 100 us slice): process 13 preempted, process 14 yielded, "
              "process 13 preempted; kernel continues")
        << boot.joined();
}

TEST(PreemptionOnQemu, CtxPreemptIsMeasuredWithOneExactCount) {
    const auto boot = boot_and_run("ctx/preempt", "measure");
    ASSERT_EQ(boot.measurements.size(), 1u) << boot.joined();
    const auto& m = boot.measurements.front();
    EXPECT_EQ(m.full_name(), "ctx/preempt");
    ASSERT_EQ(m.samples.size(), 3u);
    // Wherever in its loop the timer finds the spinner, the kernel's path is the same: the count
    // is a property of the code, not of the moment. Sanity, not a target: it holds an exception
    // return, a scheduler choice and a whole switch into the other process.
    for (auto s : m.samples) EXPECT_EQ(s, m.samples.front());
    EXPECT_GT(m.samples.front(), 50u);
}
