// The HELLO checks: a firmware of another protocol version, built for another board, or
// counting in another unit than the board file says is refused with a message that says which.
#include "host/session/hello_check.hpp"

#include <gtest/gtest.h>

namespace {

using namespace rig;

board::Board qemu_board() {
    board::Board b;
    b.name = "qemu_mps2_an386";
    b.counter = board::CounterUnit::instructions;
    return b;
}

protocol::Hello hello_from(std::uint8_t version, std::string board, protocol::CounterUnit unit) {
    return {version, unit, 25'000'000, "0.1.0", std::move(board), "abc", "rustc"};
}

TEST(HelloCheck, TheRightFirmwarePasses) {
    EXPECT_TRUE(session::check_hello(
        hello_from(protocol::protocol_version, "qemu_mps2_an386", protocol::CounterUnit::instructions), qemu_board()));
}

TEST(HelloCheck, AFirmwareOfAnotherProtocolVersionIsRefused) {
    auto r = session::check_hello(hello_from(1, "qemu_mps2_an386", protocol::CounterUnit::instructions), qemu_board());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "the firmware speaks protocol version 1, this host version " +
                                     std::to_string(protocol::protocol_version) +
                                     ": build the firmware and the host from the same commit");
}

TEST(HelloCheck, AFirmwareForAnotherBoardIsRefused) {
    auto r = session::check_hello(
        hello_from(protocol::protocol_version, "nrf52dk", protocol::CounterUnit::instructions), qemu_board());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "the firmware says it was built for board 'nrf52dk'");
}

TEST(HelloCheck, AnotherCounterUnitIsRefused) {
    auto r = session::check_hello(
        hello_from(protocol::protocol_version, "qemu_mps2_an386", protocol::CounterUnit::cycles), qemu_board());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "the firmware counts cycles but the board file says instructions");
}

}  // namespace
