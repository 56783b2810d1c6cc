// rig console's view of a UART: text passes through byte for byte, the rig's frames become text
// lines wherever they fall (between text, split across reads), and bytes that only look like a
// frame's start are text after all.
#include "host/cli/console_view.hpp"
#include "host/protocol/frame.hpp"
#include "host/protocol/messages.hpp"

#include <gtest/gtest.h>

namespace {

using rig::cli::ConsoleView;
using namespace rig::protocol;

Bytes bytes(const std::string& text) { return Bytes(text.begin(), text.end()); }

Bytes frame_of(const Message& message) { return encode_frame(to_frame(message)); }

TEST(ConsoleView, TextPassesThroughAsItCame) {
    ConsoleView view;
    const std::string banner = "*** Booting Zephyr OS ***\r\nuart:~$ \x01\xff";
    EXPECT_EQ(view.feed(bytes(banner)), banner);
    EXPECT_EQ(view.flush(), "");
}

TEST(ConsoleView, FramesBecomeLinesBetweenText) {
    ConsoleView view;
    Hello hello;
    hello.protocol_version = 3;
    hello.board = "qemu_mps2_an386";
    hello.firmware_version = "0.1.0";
    hello.commit = "abc123";
    hello.toolchain = "rustc 1.80";
    hello.unit = CounterUnit::instructions;
    hello.cpu_clock_hz = 25000000;
    Bytes stream = bytes("boot");
    for (const auto& part : {frame_of(hello), frame_of(Log{"heap ok"}), frame_of(Panic{0x1234, "oops"})})
        stream.insert(stream.end(), part.begin(), part.end());
    const auto tail = bytes("after\n");
    stream.insert(stream.end(), tail.begin(), tail.end());
    EXPECT_EQ(view.feed(stream),
              "boot\n"
              "[rig HELLO] board qemu_mps2_an386, firmware 0.1.0 (commit abc123, rustc 1.80), protocol 3, counter "
              "instructions, clock 25000000 Hz\n"
              "[rig LOG] heap ok\n"
              "[rig PANIC] at pc 0x00001234: oops\n"
              "after\n");
}

TEST(ConsoleView, AFrameSplitAcrossReadsIsShownWhenWhole) {
    ConsoleView view;
    const auto log = frame_of(Log{"split"});
    std::string out;
    for (const auto byte : log) out += view.feed(Bytes{byte});
    EXPECT_EQ(out, "[rig LOG] split\n");
}

TEST(ConsoleView, BytesThatOnlyLookLikeAFrameAreText) {
    ConsoleView view;
    // A sync pair with a length over the limit, then one with a bad CRC: both text.
    Bytes oversize = {0xA5, 0x5A, 0x05, 0xFF, 0xFF, 'x'};
    EXPECT_EQ(view.feed(oversize), std::string(oversize.begin(), oversize.end()));
    auto bad = frame_of(Log{"crc"});
    bad.back() ^= 0xFF;
    EXPECT_EQ(view.feed(bad), std::string(bad.begin(), bad.end()));
    // A frame's start at the end of a read is held back, and given out as text when the line goes quiet.
    EXPECT_EQ(view.feed(Bytes{'a', 0xA5}), "a");
    EXPECT_EQ(view.flush(), "\xA5");
}

}  // namespace
