// What a child started by the rig inherits: stdin from /dev/null, stdout and stderr to its log,
// and nothing else. A descriptor the rig holds open without close-on-exec (Asio's sockets are
// opened that way) must not live on in the child: rigd's listening socket once did, inside the
// QEMU of a rigd killed mid-job, and accepted a client's connection it never answered.
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
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
    const std::string expected = "open 0\nopen 1\nopen 2\nclosed " + std::to_string(fds[0]) + "\nclosed " +
                                 std::to_string(fds[1]) + "\n";
    EXPECT_EQ(text, expected);
}

}  // namespace
