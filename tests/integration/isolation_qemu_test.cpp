// MPU isolation on a real qemu-system-arm (mps2-an386 models the Cortex-M4's PMSAv7 MPU): at
// start-up the firmware's probe process reads its own memory, then tries each access it must not
// make — another process's memory, the kernel's, executing its own stack, its own grant area —
// and the kernel LOGs how the MPU stopped each (MemManage, MMFAR, the kind of access) and goes on.
// Without the MPU set-up each probe would succeed and say "was NOT stopped".
#include "host/board/board.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path firmware_image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";

struct BootLog {
    std::vector<std::string> lines;  // the target's LOG frames, in order
    std::vector<std::string> benchmarks;

    // The one LOG line that contains `needle`, or "" (and a failure) when there is not exactly one.
    std::string line_with(const std::string& needle) const {
        std::vector<std::string> found;
        for (const auto& l : lines)
            if (l.find(needle) != std::string::npos) found.push_back(l);
        EXPECT_EQ(found.size(), 1u) << "LOG lines containing '" << needle << "':\n" << joined();
        return found.size() == 1 ? found.front() : "";
    }
    std::string joined() const {
        std::string all;
        for (const auto& l : lines) all += l + "\n";
        return all;
    }
};

// Boots the QEMU image and runs the two null-syscall rows (MPU off and on) to the end.
BootLog boot_and_run(const std::string& name) {
    BootLog log;
    EXPECT_TRUE(rig::util::program_available("qemu-system-arm"))
        << "qemu-system-arm is missing: run scripts/bootstrap.sh --deps (package qemu-system-arm)";
    EXPECT_TRUE(fs::exists(firmware_image)) << firmware_image << " was not built (cmake --build build)";
    const auto board = rig::board::find_board("qemu_mps2_an386", fs::path(RIG_SOURCE_DIR) / "boards");
    EXPECT_TRUE(board) << board.error().message;
    if (!board) return log;
    rig::session::RunOptions options;
    options.repetitions = 3;
    options.filter = "syscall/null";
    rig::session::Progress progress;
    progress.step = [&](rig::session::Step, const std::string& note) {
        if (note.starts_with("target: ")) log.lines.push_back(note.substr(8));
    };
    const auto dir = rig::test_support::scratch_dir("rig_isolation_", name);
    const auto report = rig::session::run_on_board(*board, firmware_image, options, dir / "qemu.log", progress);
    EXPECT_TRUE(report) << report.error().message;
    if (report)
        for (const auto& m : report->measurements) log.benchmarks.push_back(m.full_name());
    return log;
}

// "... (0x20000800) stopped by the MPU: MemManage, read at 0x20000800 (MMFAR), pc 0x...": the
// target address, the access and the address the core reported.
struct Stopped {
    std::string target, access, address, source;
};

std::optional<Stopped> parse_stopped(const std::string& line) {
    static const std::regex pattern(
        R"(\((0x[0-9a-f]{8})\) stopped by the MPU: MemManage, (read|write|execute) at (0x[0-9a-f]{8}) )"
        R"(\((MMFAR|the fetch's PC)\), pc 0x[0-9a-f]{8}; stopped, kernel continues$)");
    std::smatch m;
    if (!std::regex_search(line, m, pattern)) return std::nullopt;
    return Stopped{m[1], m[2], m[3], m[4]};
}

}  // namespace

TEST(IsolationOnQemu, EachForbiddenAccessIsStoppedByTheMpuAndTheKernelGoesOn) {
    const auto log = boot_and_run("forbidden");
    ASSERT_FALSE(log.lines.empty());
    EXPECT_EQ(log.joined().find("refused at start-up"), std::string::npos) << log.joined();
    EXPECT_EQ(log.joined().find("NOT stopped"), std::string::npos) << log.joined();
    // Its own memory it may read.
    EXPECT_TRUE(std::regex_search(log.line_with("read its own memory"),
                                  std::regex(R"(process 6 read its own memory at 0x[0-9a-f]{8}: allowed$)")))
        << log.joined();

    struct Expectation {
        const char* what;
        const char* access;
        const char* source;
    };
    for (const auto& e : {Expectation{"read of another process's memory", "read", "MMFAR"},
                          Expectation{"write to kernel memory", "write", "MMFAR"},
                          Expectation{"execute from its own stack/data", "execute", "the fetch's PC"},
                          Expectation{"read of its own grant area", "read", "MMFAR"}}) {
        const auto line = log.line_with(std::string("process 6 ") + e.what + " (");
        const auto stopped = parse_stopped(line);
        ASSERT_TRUE(stopped) << e.what << ": " << line;
        EXPECT_EQ(stopped->access, e.access) << line;
        EXPECT_EQ(stopped->source, e.source) << line;
        // The fault address the core reported is the address the probe was given.
        EXPECT_EQ(stopped->address, stopped->target) << line;
    }
    // And the kernel went on: both rows measured after the probes.
    EXPECT_EQ(log.benchmarks, (std::vector<std::string>{"syscall/null", "syscall/null_mpu"}));
}

// Re-entering the process the MPU already holds must not write it: a count that is a property of
// the design (the kernel tracks the last process it configured), not a performance limit.
TEST(IsolationOnQemu, ReenteringTheSameProcessNeverWritesTheMpu) {
    const auto log = boot_and_run("reentry");
    EXPECT_NE(log.line_with("re-entries into process 7").find("100 re-entries into process 7 wrote the MPU 0 times"),
              std::string::npos)
        << log.joined();
}
