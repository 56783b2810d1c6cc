// What the OpenOCD probe would start for each real board file, the Tcl reply parser and the
// Intel HEX image it programs; no hardware, no openocd.
#include "host/board/board.hpp"
#include "host/probes/openocd/openocd_probe.hpp"
#include "host/probes/openocd/tcl_rpc.hpp"

#include <gtest/gtest.h>

namespace {

namespace ocd = rig::probes::openocd;
using Argv = std::vector<std::string>;

const std::filesystem::path boards_dir = std::filesystem::path(RIG_SOURCE_DIR) / "boards";

rig::board::Board board(const std::string& name) {
    auto b = rig::board::find_board(name, boards_dir);
    if (!b) throw std::runtime_error(b.error().message);
    return *b;
}

const Argv ports{"openocd",       "-c", "bindto 127.0.0.1",    "-c", "tcl_port 6001", "-c",
                 "gdb_port 6002", "-c", "telnet_port disabled"};

Argv with_ports(const Argv& rest) {
    Argv argv = ports;
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
}

TEST(OpenOcdArgv, Nrf52840Dk) {
    EXPECT_EQ(ocd::openocd_argv(ocd::board_args(board("nrf52840dk")), 6001, 6002),
              with_ports({"-f", "board/nordic_nrf52_dk.cfg", "-c", "adapter speed 1000"}));
}

TEST(OpenOcdArgv, Nrf52Dk) {
    EXPECT_EQ(ocd::openocd_argv(ocd::board_args(board("nrf52dk")), 6001, 6002),
              with_ports({"-f", "board/nordic_nrf52_dk.cfg", "-c", "adapter speed 1000"}));
}

TEST(OpenOcdArgv, Sam4lXplainedStartsSlow) {
    EXPECT_EQ(ocd::openocd_argv(ocd::board_args(board("sam4l_xplained")), 6001, 6002),
              with_ports({"-f", "board/atmel_sam4l8_xplained_pro.cfg", "-c", "adapter speed 50"}));
}

TEST(OpenOcdArgv, AnAdapterSerialSelectsTheProbe) {
    auto b = board("nrf52dk");
    b.probe.adapter_serial = "000682123456";
    EXPECT_EQ(ocd::board_args(b), (Argv{"-f", "board/nordic_nrf52_dk.cfg", "-c", "adapter serial 000682123456", "-c",
                                        "adapter speed 1000"}));
}

TEST(TclReply, ParsesReturnCodeAndText) {
    auto ok = ocd::parse_tcl_reply("0 hello\nworld\n");
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->ok());
    EXPECT_EQ(ok->text, "hello\nworld\n");
    auto failed = ocd::parse_tcl_reply("-4 BUG: unknown adapter clock mode");
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->code, -4);
    EXPECT_FALSE(failed->ok());
    auto empty = ocd::parse_tcl_reply("0 ");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->text, "");
}

TEST(TclReply, RefusesRepliesWithoutAReturnCode) {
    for (const char* bad : {"", "0", "x 1", "12abc text", "Open On-Chip Debugger", " 0 text", "99999999999 x"}) {
        auto reply = ocd::parse_tcl_reply(bad);
        EXPECT_FALSE(reply) << bad;
        if (!reply) {
            EXPECT_EQ(reply.error().kind, rig::ErrorKind::malformed);
        }
    }
}

TEST(TclReply, WrapsCommandsAndRefusesOnesThatCannotBeBraced) {
    auto wrapped = ocd::wrap_command("program {/tmp/a b.hex} verify");
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(*wrapped, "format \"%d %s\" [catch {capture {program {/tmp/a b.hex} verify}} rig_out] $rig_out");
    EXPECT_FALSE(ocd::wrap_command("echo }{"));
    EXPECT_FALSE(ocd::wrap_command("echo {"));
    EXPECT_FALSE(ocd::wrap_command("echo \x1a"));
    EXPECT_TRUE(ocd::wrap_command("echo \\}"));
    EXPECT_FALSE(ocd::tcl_word("/tmp/{x}.hex"));
    EXPECT_EQ(*ocd::tcl_word("/tmp/x y.hex"), "{/tmp/x y.hex}");
}

TEST(IntelHex, SegmentsBecomeRecordsWithExtendedAddresses) {
    rig::elf::Image image;
    image.segments.push_back({0x0000'FFFE, {0x01, 0x02, 0x03}});  // crosses a 64 KiB boundary
    image.segments.push_back({0x2000'0000, {0xAA}});
    EXPECT_EQ(ocd::to_intel_hex(image),
              ":020000040000FA\n"
              ":02FFFE000102FE\n"
              ":020000040001F9\n"
              ":0100000003FC\n"
              ":020000042000DA\n"
              ":01000000AA55\n"
              ":00000001FF\n");
}

}  // namespace
