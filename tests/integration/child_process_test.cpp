// What a child started by the rig inherits: stdin from /dev/null, stdout and stderr to its log,
// and nothing else. A descriptor the rig holds open without close-on-exec (Asio's sockets are
// opened that way) must not live on in the child: rigd's listening socket once did, inside the
// QEMU of a rigd killed mid-job, and accepted a client's connection it never answered.
// Stopping a child stops its whole process group (a cancelled nightly once left ninja, cargo
// and rustc building), and run_program reads a program's output through pipes, not files.
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

using namespace std::chrono_literals;

TEST(ChildProcess, InheritsOnlyStdinStdoutAndStderr) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);  // deliberately without O_CLOEXEC
    const auto log = rig::test_support::scratch_dir("rig_child_", "fds") / "child.log";
    {
        rig::util::ChildProcess child(
            {"/bin/sh", "-c",
             "for fd in 0 1 2 " + std::to_string(fds[0]) + " " + std::to_string(fds[1]) +
                 "; do if [ -e /proc/self/fd/$fd ]; then echo open $fd; else echo closed $fd; fi; done"},
            log);
        while (child.running()) std::this_thread::sleep_for(10ms);
        EXPECT_EQ(child.exit_description().value_or(""), "exited with status 0");
    }
    ::close(fds[0]);
    ::close(fds[1]);
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string expected =
        "open 0\nopen 1\nopen 2\nclosed " + std::to_string(fds[0]) + "\nclosed " + std::to_string(fds[1]) + "\n";
    EXPECT_EQ(text, expected);
}

// Alive, and not a zombie waiting for its reaper (init in a container may be slow to reap).
bool alive(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close_paren = text.rfind(')');
    if (text.empty() || close_paren == std::string::npos || close_paren + 2 >= text.size()) return false;
    return text[close_paren + 2] != 'Z' && text[close_paren + 2] != 'X';
}

TEST(ChildProcess, StopEndsTheWholeProcessGroup) {
    const auto log = rig::test_support::scratch_dir("rig_child_", "group") / "child.log";
    std::vector<int> grandchildren;
    {
        // Like a build: the child starts workers of its own and waits for them.
        rig::util::ChildProcess child({"/bin/sh", "-c", "sleep 100 & echo $!; sleep 100 & echo $!; wait"}, log);
        for (int i = 0; i < 500 && grandchildren.size() < 2; ++i) {
            std::this_thread::sleep_for(10ms);
            std::ifstream in(log);
            grandchildren.clear();
            for (int pid; in >> pid;) grandchildren.push_back(pid);
        }
        ASSERT_EQ(grandchildren.size(), 2u) << "the shell did not start its two sleeps";
        for (int pid : grandchildren) ASSERT_TRUE(alive(pid));
        child.stop(500ms);
    }
    // Give init a moment to reap the orphans; a live one would still be sleeping its 100 s.
    for (int i = 0; i < 100 && (alive(grandchildren[0]) || alive(grandchildren[1])); ++i)
        std::this_thread::sleep_for(10ms);
    for (int pid : grandchildren) {
        EXPECT_FALSE(alive(pid)) << "grandchild " << pid << " outlived its stopped parent";
        if (alive(pid)) ::kill(pid, SIGKILL);
    }
}

TEST(ChildProcess, RunProgramReadsStdoutAndStderrThroughPipes) {
    const auto ran = rig::util::run_program({"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3"}, 10s);
    EXPECT_FALSE(ran.ok);
    EXPECT_EQ(ran.exit_status, 3);
    EXPECT_EQ(ran.out, "to-out\n");
    EXPECT_EQ(ran.err, "to-err\n");
    EXPECT_EQ(ran.status, "exited with status 3");

    const auto ok =
        rig::util::run_program({"/bin/sh", "-c", "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2"}, 10s);
    EXPECT_TRUE(ok.ok) << ok.status;
    EXPECT_EQ(ok.out.size(), 300000u);  // more than a pipe holds: both pipes are drained as it runs
    EXPECT_EQ(ok.err.size(), 200000u);

    const auto missing = rig::util::run_program({"no-such-program-rig-test"}, 10s);
    EXPECT_EQ(missing.exit_status, 127);
}

TEST(ChildProcess, RunProgramStopsAtItsTimeoutOrWhenCancelled) {
    const auto started = std::chrono::steady_clock::now();
    const auto slow = rig::util::run_program({"sleep", "100"}, 300ms);
    EXPECT_FALSE(slow.ok);
    EXPECT_EQ(slow.status.rfind("timed out", 0), 0u) << slow.status;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);  // not the 100 s of the program

    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancel = true;
    });
    const auto cancelled_at = std::chrono::steady_clock::now();
    const auto cancelled = rig::util::run_program({"sleep", "100"}, 60s, &cancel);
    canceller.join();
    EXPECT_EQ(cancelled.status, "cancelled");
    EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 5s);
}

}  // namespace
