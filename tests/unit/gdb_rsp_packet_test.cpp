// RSP packet layer: checksums, framing, escaping, run-length decoding and the stream reader.
#include <gtest/gtest.h>

#include "host/probes/gdb_rsp/packet.hpp"
#include "host/probes/gdb_rsp/registers.hpp"

namespace rig::probes::gdb_rsp {
namespace {

std::vector<Event> events_of(PacketReader& reader) {
    std::vector<Event> events;
    while (auto event = reader.next()) events.push_back(*event);
    return events;
}

TEST(GdbRspPacket, ChecksumIsTheSumOfPayloadBytesModulo256) {
    EXPECT_EQ(checksum(""), 0);
    EXPECT_EQ(checksum("OK"), 0x9A);
    EXPECT_EQ(checksum("qSupported"), 0x37);
}

TEST(GdbRspPacket, PacketIsFramedWithDollarHashAndTwoLowerCaseHexDigits) {
    EXPECT_EQ(frame_packet("g"), "$g#67");
    EXPECT_EQ(frame_packet("mE000ED00,4"), "$mE000ED00,4#8b");
}

TEST(GdbRspPacket, AllFourSpecialBytesAreEscapedAndRoundTrip) {
    const Bytes data = {'#', '$', '}', '*', 0x00, 0x7D ^ 0x20, 0xFF};
    const std::string escaped = escape_binary(data);
    EXPECT_EQ(escaped, std::string("}\x03}\x04}]}\x0a", 8) + std::string("\x00]\xff", 3));
    auto back = unescape_binary(escaped);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, data);
}

TEST(GdbRspPacket, EveryByteValueSurvivesEscaping) {
    Bytes data(256);
    for (int i = 0; i < 256; ++i) data[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
    const std::string escaped = escape_binary(data);
    EXPECT_EQ(escaped.size(), 256u + 4u);
    EXPECT_EQ(*unescape_binary(escaped), data);
}

TEST(GdbRspPacket, DanglingEscapeIsMalformed) { EXPECT_FALSE(unescape_binary("ab}").has_value()); }

TEST(GdbRspPacket, RunLengthMarkerRepeatsThePreviousCharacter) {
    // "0* " is '0' plus 3 more (' ' is 32, minus 29); "0*\"" adds 5.
    EXPECT_EQ(*expand_run_length("0* "), "0000");
    EXPECT_EQ(*expand_run_length("a0*\"b"), "a000000b");
    EXPECT_FALSE(expand_run_length("*a").has_value());
    EXPECT_FALSE(expand_run_length("a*").has_value());
}

TEST(GdbRspPacket, HexRoundTripsAndRejectsBadDigits) {
    const Bytes data = {0x00, 0x41, 0xC2, 0xFF};
    EXPECT_EQ(to_hex(data), "0041c2ff");
    EXPECT_EQ(*from_hex("0041C2ff"), data);
    EXPECT_EQ(to_hex(std::string_view("info")), "696e666f");
    EXPECT_FALSE(from_hex("abc").has_value());
    EXPECT_FALSE(from_hex("zz").has_value());
}

TEST(GdbRspPacket, ReaderSeparatesAcksPacketsNotificationsAndInterrupts) {
    PacketReader reader;
    reader.feed(std::string("+$OK#9a-%Stop:T05#") + "00\x03" + "garbage");
    const auto events = events_of(reader);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].kind, Event::Kind::ack);
    EXPECT_EQ(events[1], (Event{Event::Kind::packet, "OK"}));
    EXPECT_EQ(events[2].kind, Event::Kind::nak);
    EXPECT_EQ(events[3].kind, Event::Kind::bad_checksum);  // %Stop:T05 has another checksum
    EXPECT_EQ(events[4].kind, Event::Kind::interrupt);
    EXPECT_EQ(reader.ignored_bytes(), 7u);
}

TEST(GdbRspPacket, ReaderRecognisesAValidNotification) {
    PacketReader reader;
    reader.feed(frame_packet("Stop:T05").replace(0, 1, "%"));
    const auto event = reader.next();
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(*event, (Event{Event::Kind::notification, "Stop:T05"}));
}

TEST(GdbRspPacket, ReaderAssemblesPacketsAcrossChunkBoundaries) {
    const std::string wire = "+" + frame_packet("T05thread:p01.01;") + frame_packet("40c20f41");
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        PacketReader reader;
        reader.feed(std::string_view(wire).substr(0, split));
        reader.feed(std::string_view(wire).substr(split));
        const auto events = events_of(reader);
        ASSERT_EQ(events.size(), 3u) << "split at " << split;
        EXPECT_EQ(events[1].payload, "T05thread:p01.01;");
        EXPECT_EQ(events[2].payload, "40c20f41");
    }
}

TEST(GdbRspPacket, ReaderExpandsRunLengthAfterCheckingTheRawChecksum) {
    PacketReader reader;
    reader.feed(frame_packet("0*\"1"));
    EXPECT_EQ(reader.next()->payload, "0000001");
}

TEST(GdbRspPacket, ReaderTreatsInterruptByteInsideAPacketAsData) {
    PacketReader reader;
    reader.feed(frame_packet("a\x03z"));
    const auto events = events_of(reader);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload, "a\x03z");
}

TEST(GdbRspPacket, RegisterLayoutFollowsTargetXmlNumbering) {
    const std::string core = R"(<feature name="org.gnu.gdb.arm.m-profile"><reg name="r0" bitsize="32"/>)"
                             R"(<reg name="r1" bitsize="32"/><reg name="xpsr" bitsize="32" regnum="25"/></feature>)";
    const std::string vfp = R"(<feature><reg name="d0" bitsize="64" type="ieee_double"/></feature>)";
    const auto layout = RegisterLayout::from_target_xml({core, vfp});
    ASSERT_EQ(layout.registers().size(), 4u);
    EXPECT_EQ(layout.find("d0")->number, 26u);
    EXPECT_EQ(*layout.offset_of("xpsr"), 8u);

    RegisterFile registers(layout, Bytes{1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x01});
    EXPECT_EQ(*registers.get("r1"), 2u);
    EXPECT_EQ(*registers.get("xpsr"), 0x01000000u);
    EXPECT_FALSE(registers.get("d0").has_value());  // beyond a short `g` reply
    EXPECT_EQ(registers.available_count(), 3u);
    EXPECT_TRUE(registers.set("r0", 0xCAFE));
    EXPECT_EQ(registers.raw()[1], 0xCA);
}

TEST(GdbRspPacket, XmlIncludesAreListedInOrder) {
    const auto includes =
        xml_includes(R"(<target><xi:include href="arm-m-profile.xml"/><xi:include href="arm-vfp.xml"/></target>)");
    EXPECT_EQ(includes, (std::vector<std::string>{"arm-m-profile.xml", "arm-vfp.xml"}));
}

TEST(GdbRspPacket, LegacyArmLayoutPutsXpsrAfterTheFpaRegisters) {
    EXPECT_EQ(*RegisterLayout::arm_legacy().offset_of("xpsr"), 164u);
}

}  // namespace
}  // namespace rig::probes::gdb_rsp
