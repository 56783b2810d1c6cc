// Faults a bench meets at night, each against the real programs: QEMU killed mid-run, a
// firmware that never answers, a firmware that faults, Ctrl-C, a results disk that is full or read-only. For each: a
// clear error naming the board, the step and the cause; the exit code a CI job can act on; no
// partial result file or history row; earlier results untouched.
#include "host/board/board.hpp"
#include "host/elf/elf_image.hpp"
#include "host/session/run_session.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"
#include "tests/integration/tiny_firmware.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";
const fs::path boards_dir = fs::path(RIG_SOURCE_DIR) / "boards";

using rig::test_support::write_chatty_firmware;
using rig::test_support::write_silent_firmware;

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_faults_", name); }

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A results folder that already holds a night's result, to check it survives the fault.
struct EarlierResults {
    explicit EarlierResults(const fs::path& results) : file(results / "qemu_mps2_an386" / "earlier.json") {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << R"({"context": {}, "benchmarks": []})";
        contents = read_file(file);
    }
    // Nothing but the earlier file (and the logs folder) in the board's results.
    void expect_intact_and_alone() const {
        EXPECT_EQ(read_file(file), contents) << "an earlier result was changed";
        for (const auto& entry : fs::directory_iterator(file.parent_path())) {
            if (entry.path() == file || entry.path().filename() == "logs") continue;
            ADD_FAILURE() << "unexpected file after a failed run: " << entry.path();
        }
    }
    fs::path file;
    std::string contents;
};

// `rig run` as a child process, its output in a file we can watch while it runs.
struct RigRun {
    RigRun(std::vector<std::string> args, const fs::path& dir) : output(dir / "rig-output.txt") {
        args.insert(args.begin(), rig_binary.string());
        process = std::make_unique<rig::util::ChildProcess>(args, output);
    }
    bool wait_for_output(const std::string& text, std::chrono::seconds timeout) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (read_file(output).find(text) != std::string::npos) return true;
            if (!process->running()) return false;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    int wait_exit() const {
        const auto deadline = std::chrono::steady_clock::now() + 120s;
        while (process->running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
        process->stop();
        std::smatch m;
        const auto how = process->exit_description().value_or("");
        return std::regex_search(how, m, std::regex("exited with status (\\d+)")) ? std::stoi(m[1]) : -1;
    }
    fs::path output;
    std::unique_ptr<rig::util::ChildProcess> process;
};

// The QEMU that rig started: the one qemu-system-arm whose parent is `parent`.
int qemu_child_of(int parent) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string pid, comm, state;
        int ppid = 0;
        if (stat >> pid >> comm >> state >> ppid && ppid == parent && comm.find("qemu-system-arm") != std::string::npos)
            return std::stoi(pid);
    }
    return -1;
}

std::vector<std::string> run_args(const fs::path& results, const std::string& repetitions) {
    return {"run", "--results-dir", results.string(), "--history", (results / "history.sqlite").string(),
            "-r",  repetitions};
}

TEST(Faults, QemuKilledMidRunFailsTheRunAndWritesNothing) {
    ASSERT_TRUE(rig::util::program_available("qemu-system-arm")) << "install qemu-system-arm";
    const auto dir = scratch("killed");
    const EarlierResults earlier(dir / "results");
    // 1000 repetitions keep the collect step busy for long enough to kill QEMU inside it.
    RigRun rig(run_args(dir / "results", "1000"), dir);
    ASSERT_TRUE(rig.wait_for_output("] collect", 60s)) << read_file(rig.output);
    const int qemu = qemu_child_of(rig.process->pid());
    ASSERT_GT(qemu, 0) << "no qemu-system-arm child of rig";
    ::kill(qemu, SIGKILL);
    EXPECT_EQ(rig.wait_exit(), 1);
    const auto out = read_file(rig.output);
    EXPECT_NE(out.find("board qemu_mps2_an386, step collect"), std::string::npos) << out;
    EXPECT_NE(out.find("killed by signal 9"), std::string::npos) << out;
    earlier.expect_intact_and_alone();
    EXPECT_FALSE(fs::exists(dir / "results" / "history.sqlite")) << "a failed run reached the history";
}

TEST(Faults, CtrlCStopsTheRunWithExit130AndWritesNothing) {
    const auto dir = scratch("sigint");
    const EarlierResults earlier(dir / "results");
    RigRun rig(run_args(dir / "results", "1000"), dir);
    ASSERT_TRUE(rig.wait_for_output("] collect", 60s)) << read_file(rig.output);
    const int qemu = qemu_child_of(rig.process->pid());
    rig.process->signal(SIGINT);
    EXPECT_EQ(rig.wait_exit(), 130);
    EXPECT_NE(read_file(rig.output).find("cancelled"), std::string::npos) << read_file(rig.output);
    earlier.expect_intact_and_alone();
    // The board's QEMU went with it.
    EXPECT_TRUE(qemu <= 0 || ::kill(qemu, 0) != 0) << "QEMU " << qemu << " outlived a cancelled run";
}

TEST(Faults, AFirmwareThatNeverAnswersTimesOutAtHello) {
    const auto dir = scratch("silent");
    const auto board = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    rig::session::RunOptions options;
    options.hello_timeout = 1500ms;
    const auto report = rig::session::run_on_board(*board, write_silent_firmware(dir), options, dir / "qemu.log");
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, rig::ErrorKind::timeout);
    EXPECT_NE(report.error().message.find("board qemu_mps2_an386, step hello"), std::string::npos)
        << report.error().message;
    EXPECT_NE(report.error().message.find("sent nothing"), std::string::npos) << report.error().message;
    // A board-side timeout is retried, a bounded number of times, and the message says so.
    EXPECT_NE(report.error().message.find("(attempt 2 of 2)"), std::string::npos) << report.error().message;
}

// A firmware that prints text but does not speak the protocol is not "silent": the error says
// how many bytes came and shows the first of them.
TEST(Faults, AFirmwareThatPrintsTextInsteadOfFramesIsShownAtHello) {
    const auto dir = scratch("chatty");
    const auto board = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    const std::string banner = "Hello from Zephyr\r\n*** Booting \x01 ***\r\n";
    rig::session::RunOptions options;
    options.hello_timeout = 1500ms;
    options.attempts = 1;
    const auto report =
        rig::session::run_on_board(*board, write_chatty_firmware(dir, banner), options, dir / "qemu.log");
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, rig::ErrorKind::timeout);
    EXPECT_EQ(
        report.error().message,
        "board qemu_mps2_an386, step hello: no HELLO within 1500 ms: " + std::to_string(banner.size()) +
            R"( bytes arrived that are not rig frames, starting "Hello from Zephyr\r\n*** Booting \x01 ***\r\n")");
}

// The real firmware with one benchmark body replaced by `udf #0`: the core faults inside the
// suite, the firmware's fault handler sends PANIC with the faulting PC, and the run fails there.
TEST(Faults, AFirmwareThatFaultsIsReportedWithItsPcAndNothingIsWritten) {
    const auto dir = scratch("panic");
    const fs::path image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";
    auto elf = rig::elf::load_image(image);
    ASSERT_TRUE(elf) << elf.error().message;
    std::optional<rig::elf::Symbol> body;
    for (const auto& symbol : elf->symbols)
        if (symbol.name.find("raw_body") != std::string::npos && symbol.size > 0) body = symbol;
    ASSERT_TRUE(body) << "no raw_body function in " << image;
    const std::uint32_t address = body->address & ~1u;

    // Patch the file at the function's first instruction, found through the program headers.
    std::string bytes = read_file(image);
    const auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        std::memcpy(&v, bytes.data() + at, 4);
        return v;
    };
    const std::uint32_t phoff = u32(28);
    const std::uint16_t phnum = static_cast<std::uint8_t>(bytes[44]) | static_cast<std::uint8_t>(bytes[45]) << 8;
    std::size_t offset = 0;
    for (std::uint16_t i = 0; i < phnum; ++i) {
        const std::size_t ph = phoff + 32u * i;
        const std::uint32_t file_offset = u32(ph + 4), paddr = u32(ph + 12), filesz = u32(ph + 16);
        if (u32(ph) == 1 && address >= paddr && address + 2 <= paddr + filesz) offset = file_offset + (address - paddr);
    }
    ASSERT_NE(offset, 0u) << "raw_body is not in a loadable segment";
    bytes[offset] = '\x00';  // udf #0 = 0xDE00, little-endian
    bytes[offset + 1] = '\xDE';
    const auto faulty = dir / "faulty.elf";
    std::ofstream(faulty, std::ios::binary) << bytes;

    const EarlierResults earlier(dir / "results");
    auto args = run_args(dir / "results", "9");
    args.insert(args.end(), {"--image", faulty.string()});
    RigRun rig(args, dir);
    EXPECT_EQ(rig.wait_exit(), 1);
    const auto out = read_file(rig.output);
    char pc[16];
    std::snprintf(pc, sizeof pc, "0x%08x", address);
    EXPECT_NE(out.find("step collect: firmware panicked at pc " + std::string(pc)), std::string::npos)
        << "expected the PANIC at " << pc << ":\n"
        << out;
    EXPECT_EQ(out.find("attempt 2"), std::string::npos) << "a firmware fault must not be retried";
    earlier.expect_intact_and_alone();
}

// The UART goes silent mid-run: QEMU is frozen (SIGSTOP) after the first result arrives. The
// session gives up after its silence timeout, names the step, and still stops QEMU.
TEST(Faults, AUartThatGoesSilentMidRunTimesOut) {
    const auto dir = scratch("silence");
    const auto board = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    rig::session::RunOptions options;
    options.repetitions = 9;
    options.silence_timeout = 1500ms;
    int frozen = -1;
    rig::session::Progress progress;
    progress.result = [&](const rig::results::Measurement&) {
        if (frozen > 0) return;
        frozen = qemu_child_of(::getpid());
        if (frozen > 0) ::kill(frozen, SIGSTOP);
    };
    const fs::path image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";
    const auto report = rig::session::run_on_board(*board, image, options, dir / "qemu.log", progress);
    ASSERT_GT(frozen, 0) << "could not find QEMU to freeze";
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, rig::ErrorKind::timeout);
    EXPECT_NE(report.error().message.find("step collect: the firmware sent nothing for 1500 ms"), std::string::npos)
        << report.error().message;
    EXPECT_NE(::kill(frozen, 0), 0) << "the frozen QEMU was left behind";
}

// The probe stops answering after the last result arrived (QEMU frozen once DONE is in): the
// results came over the UART with good CRCs and are kept; the RAM cross-check says it was not
// done, and why, instead of failing the run.
TEST(Faults, AProbeLostAfterTheLastResultKeepsTheResults) {
    const auto dir = scratch("probe_lost");
    const auto board = rig::board::find_board("qemu_mps2_an386", boards_dir);
    ASSERT_TRUE(board) << board.error().message;
    rig::session::RunOptions options;
    options.repetitions = 5;
    options.filter = "syscall/null_mpu";  // one benchmark ("syscall/null" is also a prefix of it)
    int frozen = -1;
    std::vector<std::string> warnings;
    rig::session::Progress progress;
    progress.result = [&](const rig::results::Measurement& m) {
        // The last benchmark's callback comes when DONE has arrived.
        if (m.name != "syscall/null_mpu" || frozen > 0) return;
        frozen = qemu_child_of(::getpid());
        if (frozen > 0) ::kill(frozen, SIGSTOP);
    };
    progress.step = [&](rig::session::Step, const std::string& note) {
        if (note.starts_with("warning: ")) warnings.push_back(note);
    };
    const fs::path image = fs::path(RIG_BINARY_DIR) / "firmware/thumbv7em-none-eabi/release/qemu_mps2_an386";
    const auto report = rig::session::run_on_board(*board, image, options, dir / "qemu.log", progress);
    ASSERT_GT(frozen, 0) << "could not find QEMU to freeze";
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_FALSE(report->measurements.empty());
    EXPECT_EQ(report->measurements.back().name, "syscall/null_mpu");
    EXPECT_EQ(report->measurements.back().samples.size(), 5u);
    EXPECT_TRUE(report->info.ram_cross_check.starts_with("not done: ")) << report->info.ram_cross_check;
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_TRUE(warnings[0].starts_with("warning: RAM cross-check not done: ")) << warnings[0];
    EXPECT_NE(::kill(frozen, 0), 0) << "the frozen QEMU was left behind";
}

// A small tmpfs as the results folder (the tests run as root, as CI does).
class SmallResultsDisk : public ::testing::Test {
protected:
    void mount_results(const std::string& options) {
        dir_ = scratch("disk");
        results_ = dir_ / "results";
        fs::create_directories(results_);
        ASSERT_EQ(::mount("tmpfs", results_.c_str(), "tmpfs", 0, options.c_str()), 0)
            << "mount tmpfs (" << options << ") failed: " << std::strerror(errno) << " — these tests need root";
        mounted_ = true;
    }
    void TearDown() override {
        if (mounted_) ::umount2(results_.c_str(), MNT_DETACH);
    }
    fs::path dir_, results_;
    bool mounted_ = false;
};

TEST_F(SmallResultsDisk, AFullDiskIsAWriteErrorAndKeepsEarlierResults) {
    mount_results("size=48k");
    const EarlierResults earlier(results_);
    // Fill what is left, so even the log of the run barely fits.
    {
        std::ofstream filler(results_ / "filler", std::ios::binary);
        filler << std::string(36 * 1024, 'x');
    }
    RigRun rig(run_args(results_, "9"), dir_);
    EXPECT_EQ(rig.wait_exit(), 3) << read_file(rig.output);
    EXPECT_NE(read_file(rig.output).find("results not written"), std::string::npos) << read_file(rig.output);
    earlier.expect_intact_and_alone();
}

TEST_F(SmallResultsDisk, AReadOnlyDiskIsAWriteErrorAndKeepsEarlierResults) {
    mount_results("size=1m");
    const EarlierResults earlier(results_);
    fs::create_directories(results_ / "qemu_mps2_an386" / "logs");
    ASSERT_EQ(::mount("tmpfs", results_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m"), 0)
        << std::strerror(errno);
    RigRun rig(run_args(results_, "9"), dir_);
    EXPECT_EQ(rig.wait_exit(), 3) << read_file(rig.output);
    const auto out = read_file(rig.output);
    EXPECT_NE(out.find("Read-only file system"), std::string::npos) << out;
    EXPECT_EQ(out.find("start probe"), std::string::npos) << "the board was used although nothing could be stored";
    earlier.expect_intact_and_alone();
}

// A read-only results folder without the board's folder in it: creating that folder fails, and
// that cause (not the "No such file or directory" of the log file opened next) is reported.
TEST_F(SmallResultsDisk, AReadOnlyDiskWithoutTheBoardsFolderNamesTheRealCause) {
    mount_results("size=1m");
    ASSERT_EQ(::mount("tmpfs", results_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m"), 0)
        << std::strerror(errno);
    RigRun rig(run_args(results_, "9"), dir_);
    EXPECT_EQ(rig.wait_exit(), 3) << read_file(rig.output);
    const auto out = read_file(rig.output);
    EXPECT_NE(out.find("results folder " + results_.string() + " is not writable"), std::string::npos) << out;
    EXPECT_NE(out.find("Read-only file system"), std::string::npos) << out;
    EXPECT_EQ(out.find("No such file or directory"), std::string::npos) << out;
    EXPECT_EQ(out.find("start probe"), std::string::npos) << "the board was used although nothing could be stored";
}

}  // namespace
