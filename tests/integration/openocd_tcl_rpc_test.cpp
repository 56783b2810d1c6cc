// The OpenOCD Tcl RPC client against a real `openocd` that runs with no hardware at all:
// `adapter driver dummy`, `transport select jtag`, `noinit` (ports picked per test).
#include "host/board/board.hpp"
#include "host/probes/openocd/openocd_probe.hpp"
#include "host/probes/openocd/tcl_rpc.hpp"
#include "host/util/child_process.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <csignal>
#include <filesystem>
#include <fstream>

namespace {

using namespace std::chrono_literals;
using rig::probes::openocd::OpenOcdServer;

const std::vector<std::string> dummy_adapter{"-c",    "adapter driver dummy", "-c", "transport select jtag", "-c",
                                             "noinit"};

// A fresh folder per test and process: runs of the suite side by side (or another user's) share nothing.
std::filesystem::path log_file(const std::string& test) {
    return rig::test_support::scratch_dir("rig_openocd_", test) / "openocd.log";
}

std::unique_ptr<OpenOcdServer> start_dummy(const std::string& test) {
    if (!rig::util::program_available("openocd")) {
        ADD_FAILURE() << "openocd is not installed: apt-get install openocd (scripts/bootstrap.sh installs it)";
        return nullptr;
    }
    auto server = OpenOcdServer::start(dummy_adapter, log_file(test));
    if (!server) {
        ADD_FAILURE() << server.error().message;
        return nullptr;
    }
    return std::move(*server);
}

TEST(OpenOcdTclRpc, AnswersVersionAndArithmetic) {
    auto server = start_dummy("version");
    ASSERT_TRUE(server);
    auto version = server->tcl().run("version");
    ASSERT_TRUE(version) << version.error().message;
    EXPECT_TRUE(version->starts_with("Open On-Chip Debugger 0.")) << *version;
    auto sum = server->tcl().run("expr {6 * 7}");
    ASSERT_TRUE(sum) << sum.error().message;
    EXPECT_EQ(*sum, "42");
    auto transport = server->tcl().run("transport select");
    ASSERT_TRUE(transport) << transport.error().message;
    EXPECT_EQ(*transport, "jtag");
}

TEST(OpenOcdTclRpc, CapturesWhatACommandPrints) {
    auto server = start_dummy("capture");
    ASSERT_TRUE(server);
    auto text = server->tcl().run("echo {hello from openocd}");
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, "hello from openocd");
    // The raw protocol, unwrapped: the 0x1a-terminated answer of `capture` itself.
    auto raw = server->tcl().send_raw("capture {echo raw}", 5s);
    ASSERT_TRUE(raw) << raw.error().message;
    EXPECT_EQ(*raw, "raw\n");
}

TEST(OpenOcdTclRpc, AFailingCommandIsARemoteErrorNamingIt) {
    auto server = start_dummy("error");
    ASSERT_TRUE(server);
    auto reply = server->tcl().run("no_such_command 1 2");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, rig::ErrorKind::remote);
    EXPECT_NE(reply.error().message.find("'no_such_command 1 2'"), std::string::npos) << reply.error().message;
    EXPECT_NE(reply.error().message.find("invalid command name"), std::string::npos) << reply.error().message;
    // The session goes on after an error.
    auto sum = server->tcl().run("expr {1 + 1}");
    ASSERT_TRUE(sum) << sum.error().message;
    EXPECT_EQ(*sum, "2");
}

TEST(OpenOcdTclRpc, MemoryAccessWithoutATargetIsAClearError) {
    auto server = start_dummy("memory");
    ASSERT_TRUE(server);
    auto words = server->read_words(0x2000'0000, 2);
    ASSERT_FALSE(words);
    EXPECT_EQ(words.error().kind, rig::ErrorKind::remote);
    EXPECT_NE(words.error().message.find("read 2 words at 0x20000000"), std::string::npos) << words.error().message;
    auto written = server->write_word(0xE000'E200, 1);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find("0xe000e200"), std::string::npos) << written.error().message;
}

TEST(OpenOcdTclRpc, ACommandThatTakesTooLongTimesOutAndTheNextOneStillPairsUp) {
    auto server = start_dummy("timeout");
    ASSERT_TRUE(server);
    auto slow = server->tcl().run("sleep 1500", 100ms);
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error().kind, rig::ErrorKind::timeout);
    EXPECT_NE(slow.error().message.find("'sleep 1500'"), std::string::npos) << slow.error().message;
    // The late reply to `sleep` is dropped, not taken for this command's answer.
    auto sum = server->tcl().run("expr {20 + 22}", 10s);
    ASSERT_TRUE(sum) << sum.error().message;
    EXPECT_EQ(*sum, "42");
}

TEST(OpenOcdTclRpc, OpenocdExitingMidSessionIsAClearError) {
    auto server = start_dummy("exit");
    ASSERT_TRUE(server);
    ASSERT_TRUE(server->tcl().run("version"));
    server->process().signal(SIGKILL);
    auto reply = server->tcl().run("version");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, rig::ErrorKind::closed) << reply.error().message;
    EXPECT_NE(reply.error().message.find("closed its Tcl connection"), std::string::npos) << reply.error().message;
    for (int i = 0; i < 100 && server->running(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(server->running());
    EXPECT_NE(server->exit_reason().find("killed by signal 9"), std::string::npos) << server->exit_reason();
}

TEST(OpenOcdTclRpc, ABadConfigEndsOpenocdWithItsOwnMessage) {
    if (!rig::util::program_available("openocd")) FAIL() << "openocd is not installed: apt-get install openocd";
    auto server = OpenOcdServer::start({"-f", "board/no_such_board.cfg"}, log_file("badcfg"));
    ASSERT_FALSE(server);
    EXPECT_NE(server.error().message.find("no_such_board.cfg"), std::string::npos) << server.error().message;
}

// The bench's own board file on a machine without its J-Link: the error is OpenOCD's own
// "Error:" line, not its banner, and says where the whole log is.
TEST(OpenOcdTclRpc, ABoardWithoutItsAdapterFailsWithOpenocdsErrorLine) {
    if (!rig::util::program_available("openocd")) FAIL() << "openocd is not installed: apt-get install openocd";
    auto board = rig::board::find_board("nrf52840dk", std::filesystem::path(RIG_SOURCE_DIR) / "boards");
    ASSERT_TRUE(board) << board.error().message;
    const auto log = log_file("no_adapter");
    std::ofstream(log) << "Error: an earlier openocd's line, not this one's\n";
    auto probe = rig::probes::openocd::OpenOcdProbe::start(*board, log);
    ASSERT_FALSE(probe);
    const auto& message = probe.error().message;
    EXPECT_NE(message.find("openocd exited with status 1: Error: No J-Link device found"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("earlier openocd"), std::string::npos) << message;
    EXPECT_EQ(message.find("Open On-Chip Debugger"), std::string::npos) << message;  // no banner
    EXPECT_NE(message.find("(log: " + log.string() + ")"), std::string::npos) << message;
}

}  // namespace
