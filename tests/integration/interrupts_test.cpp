// The real `rig` against signals and hostile inputs: the first SIGINT, SIGTERM or SIGHUP (a
// dropped ssh session) ends every blocking step within a second with exit 130 and writes nothing;
// an image that is a FIFO, a directory or a device is refused at once (exit 2) instead of
// blocking, aborting or eating memory; and git's answers never pass through a file in /tmp.
#include "host/results/history.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path rig_binary = fs::path(RIG_BINARY_DIR) / "bin/rig";

fs::path scratch(const std::string& name) { return rig::test_support::scratch_dir("rig_interrupts_", name); }

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// `rig` as a child process (through env(1) when the environment changes: exec keeps the pid).
struct Rig {
    Rig(const std::vector<std::string>& args, const fs::path& dir, const std::vector<std::string>& env = {})
        : output(dir / "rig-output.txt") {
        std::vector<std::string> argv;
        if (!env.empty()) {
            argv.emplace_back("env");
            argv.insert(argv.end(), env.begin(), env.end());
        }
        argv.push_back(rig_binary.string());
        argv.insert(argv.end(), args.begin(), args.end());
        process = std::make_unique<rig::util::ChildProcess>(argv, output);
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
    // The exit status within `limit`, or nullopt (then it is killed: a rig that hangs fails).
    std::optional<int> exit_within(std::chrono::milliseconds limit) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (process->running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
        if (process->running()) {
            process->stop(100ms);
            return std::nullopt;
        }
        return process->exit_status();
    }
    fs::path output;
    std::unique_ptr<rig::util::ChildProcess> process;
};

std::vector<std::string> run_args(const fs::path& results, const std::string& repetitions) {
    return {"run", "--results-dir", results.string(), "--history", (results / "history.sqlite").string(),
            "-r",  repetitions};
}

// Only the logs folder (the board log of the attempt) may be there after a run that was stopped.
void expect_nothing_written(const fs::path& results) {
    EXPECT_FALSE(fs::exists(results / "history.sqlite")) << "an interrupted run reached the history";
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(results, ec))
        if (entry.path().extension() == ".json")
            ADD_FAILURE() << "result file after an interrupted run: " << entry.path();
}

TEST(Interrupts, AFifoImageIsRefusedAtOnce) {
    const auto dir = scratch("fifo");
    const auto fifo = dir / "image.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto args = run_args(dir / "results", "1");
    args.insert(args.end(), {"--image", fifo.string()});
    Rig rig(args, dir);
    const auto code = rig.exit_within(3s);
    ASSERT_TRUE(code) << "rig run --image <fifo> still blocked after 3 s: " << read_file(rig.output);
    EXPECT_EQ(*code, 2) << read_file(rig.output);
    EXPECT_NE(read_file(rig.output).find("not a regular file (a FIFO)"), std::string::npos) << read_file(rig.output);
    expect_nothing_written(dir / "results");
}

TEST(Interrupts, ADirectoryOrADeviceAsImageIsRefusedWithExit2) {
    const auto dir = scratch("dir_image");
    for (const auto& [image, what] :
         {std::pair<std::string, std::string>{dir.string(), "a directory"}, {"/dev/zero", "a character device"}}) {
        auto args = run_args(dir / "results", "1");
        args.insert(args.end(), {"--image", image});
        Rig rig(args, dir);
        const auto code = rig.exit_within(5s);
        ASSERT_TRUE(code) << image << ": still running after 5 s";
        EXPECT_EQ(*code, 2) << image << ": " << read_file(rig.output);
        EXPECT_NE(read_file(rig.output)
                      .find(fmt::format("step load image: firmware image: {}: not a regular file ({})", image, what)),
                  std::string::npos)
            << read_file(rig.output);
    }
}

class SignalDuringARun : public ::testing::TestWithParam<int> {};

TEST_P(SignalDuringARun, EndsWith130WithinASecondAndWritesNothing) {
    ASSERT_TRUE(rig::util::program_available("qemu-system-arm")) << "install qemu-system-arm";
    const int signo = GetParam();
    const auto dir = scratch("signal_" + std::to_string(signo));
    Rig rig(run_args(dir / "results", "1000"), dir);
    ASSERT_TRUE(rig.wait_for_output("] collect", 60s)) << read_file(rig.output);
    rig.process->signal(signo);
    // Within a second on an idle machine; the bound leaves room for the sanitizer pass's exit.
    const auto code = rig.exit_within(5s);
    ASSERT_TRUE(code) << "signal " << signo << ": rig still running 5 s later, or killed by it: "
                      << rig.process->exit_description().value_or("killed by the test") << "\n"
                      << read_file(rig.output);
    EXPECT_EQ(*code, 130) << read_file(rig.output);
    expect_nothing_written(dir / "results");
}

INSTANTIATE_TEST_SUITE_P(Rig, SignalDuringARun, ::testing::Values(SIGTERM, SIGHUP),
                         [](const auto& info) { return info.param == SIGTERM ? "Sigterm" : "Sighup"; });

// True while `pid` waits in open() for a FIFO's other end, as the kernel's wait channel shows it
// (a kernel that hides it makes the caller wait for its bound instead: slower, still right).
bool blocked_opening_a_fifo(int pid) {
    return read_file(fs::path("/proc") / std::to_string(pid) / "wchan") == "wait_for_partner";
}

// `rig report` stuck in a blocking open (Chart.js named as a FIFO nobody writes): SIGTERM ends it.
TEST(Interrupts, SigtermEndsABlockedReportWith130AndWritesNoReport) {
    const auto dir = scratch("report");
    const auto fifo = dir / "chart.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    ASSERT_TRUE(rig::results::History::open(dir / "history.sqlite"));  // an empty history: report refuses none
    Rig rig({"report", "--history", (dir / "history.sqlite").string(), "--out", (dir / "report.html").string(),
             "--worktrees", (dir / "worktrees").string(), "--chart-js", fifo.string()},
            dir);
    // The signal must find it blocked in open() on the FIFO: earlier, it would test start-up instead.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (rig.process->running() && !blocked_opening_a_fifo(rig.process->pid()) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(rig.process->running()) << read_file(rig.output);
    rig.process->signal(SIGTERM);
    const auto code = rig.exit_within(5s);
    ASSERT_TRUE(code) << "rig report still running 5 s after SIGTERM, or killed by it: "
                      << rig.process->exit_description().value_or("killed by the test");
    EXPECT_EQ(*code, 130) << read_file(rig.output);
    EXPECT_FALSE(fs::exists(dir / "report.html"));
}

// Every file created in a folder while `watch` is alive.
class CreatedFiles {
public:
    explicit CreatedFiles(const fs::path& dir) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
        EXPECT_GE(fd_, 0);
        EXPECT_GE(::inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MOVED_TO), 0);
    }
    CreatedFiles(const CreatedFiles&) = delete;
    CreatedFiles& operator=(const CreatedFiles&) = delete;
    ~CreatedFiles() { ::close(fd_); }
    std::vector<std::string> names() const {
        std::vector<std::string> found;
        alignas(inotify_event) char buffer[16384];
        for (ssize_t n; (n = ::read(fd_, buffer, sizeof buffer)) > 0;) {
            for (char* p = buffer; p < buffer + n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(p);
                if (event->len) found.emplace_back(event->name);
                p += sizeof(inotify_event) + event->len;
            }
        }
        return found;
    }

private:
    int fd_;
};

// git's answers (the commit date stored with a run, the range of a nightly, the checkout's
// commit) once went through rig-git-date-<pid>.txt and friends in /tmp, where another user
// could plant them. Now nothing of rig's appears in $TMPDIR, not even for a moment.
TEST(TempFiles, ImportNightlyAndReportCreateNothingInTmp) {
    ASSERT_TRUE(rig::util::program_available("git")) << "install git";
    const auto dir = scratch("tmpdir");
    const auto tmp = dir / "tmp";
    fs::create_directories(tmp);
    CreatedFiles created(tmp);
    const std::vector<std::string> env{"TMPDIR=" + tmp.string()};
    const auto history = (dir / "history.sqlite").string();

    Rig import({"import", "--history", history, fs::path(RIG_FIXTURES_DIR) / "results/valid_instructions.json"}, dir,
               env);
    EXPECT_EQ(import.exit_within(30s), 0) << read_file(import.output);
    Rig nightly({"nightly", "--dry-run", "--range", "HEAD~1..HEAD", "--repo", RIG_SOURCE_DIR, "--boards",
                 "qemu_mps2_an386", "--history", history, "--worktrees", (dir / "worktrees").string(), "--results-dir",
                 (dir / "results").string()},
                dir, env);
    EXPECT_EQ(nightly.exit_within(30s), 0) << read_file(nightly.output);
    Rig report({"report", "--history", history, "--out", (dir / "report.html").string(), "--worktrees",
                (dir / "worktrees").string()},
               dir, env);
    EXPECT_EQ(report.exit_within(60s), 0) << read_file(report.output);

    const auto names = created.names();
    EXPECT_TRUE(names.empty()) << "created in $TMPDIR: " << ::testing::PrintToString(names);
}

}  // namespace
