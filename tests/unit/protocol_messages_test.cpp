// Typed messages: every message round-trips, and malformed payloads give errors, never reads
// past the end.
#include <gtest/gtest.h>

#include "host/protocol/messages.hpp"

namespace rig::protocol {
namespace {

Message round_trip(const Message& message) {
    FrameDecoder decoder;
    decoder.feed(encode_message(message));
    auto frame = decoder.next();
    EXPECT_TRUE(frame.has_value());
    auto decoded = decode_message(*frame);
    EXPECT_TRUE(decoded.has_value()) << decoded.error().message;
    return *decoded;
}

Frame frame_of(MessageType type, Bytes payload) { return Frame{static_cast<std::uint8_t>(type), std::move(payload)}; }

TEST(ProtocolMessages, EveryTargetMessageRoundTrips) {
    const std::vector<Message> messages = {
        Hello{1, CounterUnit::instructions, 25'000'000, "0.1.0", "qemu_mps2_an386", "abc123", "rustc 1.96"},
        Hello{3, CounterUnit::cycles, 64'000'000, "0.1.0", "nrf52dk", "abc123", "rustc 1.96", 0x2000'1000, 4000},
        BenchmarkResult{"syscall/yield", 64, 2, {13, 13, 14, 0xFFFFFFFF}},
        Done{3, 0},
        Panic{0x0800'1234, "index out of bounds"},
        Log{"booted"},
        Pong{},
        Trigger{TriggerSource::uart_rx, 0, 7},
        Trigger{TriggerSource::nvic_pending, 22, 0xFFFF},
    };
    for (const Message& message : messages) EXPECT_EQ(round_trip(message), message);
}

TEST(ProtocolMessages, TriggerWithAnUnknownSourceIsAnError) {
    const auto decoded = decode_message(frame_of(MessageType::trigger, {9, 0, 0, 0, 0}));
    ASSERT_FALSE(decoded.has_value());
    EXPECT_NE(decoded.error().message.find("unknown interrupt source 9"), std::string::npos) << decoded.error().message;
}

TEST(ProtocolMessages, TriggerFieldsAreSourceIrqThenSample) {
    const auto decoded = decode_message(frame_of(MessageType::trigger, {2, 22, 0, 3, 1}));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(std::get<Trigger>(*decoded), (Trigger{TriggerSource::nvic_pending, 22, 0x0103}));
    // Protocol 1's TRIGGER had no IRQ field: a short payload is an error, not a guess.
    const auto old = decode_message(frame_of(MessageType::trigger, {1, 0, 0}));
    ASSERT_FALSE(old.has_value());
    EXPECT_EQ(old.error().kind, ErrorKind::malformed);
}

// Protocol 3: the sample buffer's address and size follow the clock (docs/protocol.md), the bytes
// the firmware's own test (kernel protocol::messages) pins down.
TEST(ProtocolMessages, AVersion3HelloCarriesTheSampleBuffer) {
    const Bytes payload = {3,    2, 0x40, 0x78, 0x7D, 0x01, 0x00, 0x10, 0x00, 0x20, 0xA0, 0x0F, 0x00,
                           0x00, 5, '0',  '.',  '1',  '.',  '0',  1,    'b',  1,    'c',  1,    't'};
    auto message = decode_message(frame_of(MessageType::hello, payload));
    ASSERT_TRUE(message.has_value()) << message.error().message;
    const auto& hello = std::get<Hello>(*message);
    EXPECT_EQ(hello.sample_buffer_address, 0x2000'1000u);
    EXPECT_EQ(hello.sample_buffer_bytes, 4000u);
    EXPECT_EQ(hello.firmware_version, "0.1.0");
    EXPECT_EQ(hello.toolchain, "t");
}

TEST(ProtocolMessages, HelloFieldsAreReadInDocumentOrder) {
    const Bytes payload = {1, 2, 0x40, 0x78, 0x7D, 0x01, 1, 'v', 1, 'b', 1, 'c', 1, 't'};
    auto message = decode_message(frame_of(MessageType::hello, payload));
    ASSERT_TRUE(message.has_value()) << message.error().message;
    const auto& hello = std::get<Hello>(*message);
    EXPECT_EQ(hello.unit, CounterUnit::instructions);
    EXPECT_EQ(hello.cpu_clock_hz, 25'000'000u);
    EXPECT_EQ(hello.firmware_version, "v");
    EXPECT_EQ(hello.toolchain, "t");
}

TEST(ProtocolMessages, ResultWithMissingSamplesNamesTheSampleAndOffset) {
    Bytes payload = to_frame(BenchmarkResult{"a/b", 0, 0, {1, 2, 3}}).payload;
    payload.resize(payload.size() - 2);
    auto message = decode_message(frame_of(MessageType::result, payload));
    ASSERT_FALSE(message.has_value());
    EXPECT_EQ(message.error().kind, ErrorKind::malformed);
    EXPECT_EQ(message.error().message, "RESULT: payload ends inside sample 2 (offset 22, needs 4 bytes, has 2)");
}

TEST(ProtocolMessages, StringLongerThanThePayloadIsAnError) {
    const Bytes payload = {200, 'o', 'o', 'p', 's'};
    auto message = decode_message(frame_of(MessageType::log, payload));
    ASSERT_FALSE(message.has_value());
    EXPECT_NE(message.error().message.find("text"), std::string::npos);
}

TEST(ProtocolMessages, EveryTruncationOfEveryMessageIsRejected) {
    const std::vector<Message> messages = {
        Hello{1, CounterUnit::cycles, 64'000'000, "1", "nrf52840dk", "c", "t"},
        BenchmarkResult{"x/y", 1, 2, {3, 4}},
        Done{1, 0},
        Panic{4, "p"},
        Log{"l"},
    };
    for (const Message& message : messages) {
        const Frame full = to_frame(message);
        for (std::size_t size = 0; size < full.payload.size(); ++size) {
            Frame cut = full;
            cut.payload.resize(size);
            EXPECT_FALSE(decode_message(cut).has_value()) << type_name(full.type) << " cut to " << size;
        }
    }
}

TEST(ProtocolMessages, TrailingBytesAreAnError) {
    auto message = decode_message(frame_of(MessageType::pong, {0}));
    ASSERT_FALSE(message.has_value());
    EXPECT_EQ(message.error().message, "PONG: 1 unexpected trailing bytes at offset 0");
}

TEST(ProtocolMessages, UnknownCounterUnitIsAnError) {
    Frame frame = to_frame(Hello{1, CounterUnit::cycles, 1, "", "", "", ""});
    frame.payload[1] = 7;
    EXPECT_FALSE(decode_message(frame).has_value());
}

TEST(ProtocolMessages, UnknownTypeAndHostCommandsAreNotTargetMessages) {
    EXPECT_EQ(decode_message(Frame{0x42, {}}).error().message, "frame type 0x42 is not a target-to-host message");
    EXPECT_FALSE(decode_message(Frame{0x81, {}}).has_value());
}

TEST(ProtocolMessages, PingIsAnEmptyFrameOfType0x81) {
    const Bytes frame = encode_ping();
    ASSERT_EQ(frame.size(), 7u);
    EXPECT_EQ(frame[2], 0x81);
    EXPECT_EQ(frame[3], 0);
}

TEST(ProtocolMessages, RunCarriesRepetitionsAndSelection) {
    FrameDecoder decoder;
    // Rows 0, 9 and 10 of the image's table (protocol 4).
    decoder.feed(encode_run(100, {0x01, 0x06}));
    const auto frame = decoder.next();
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(frame->payload, (Bytes{100, 0, 2, 0x01, 0x06}));
    auto command = decode_command(*frame);
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(std::get<protocol::Run>(*command), (protocol::Run{100, {0x01, 0x06}}));
    // Empty: every benchmark.
    EXPECT_EQ(encode_run(1).size(), 5u + 3u + 2u);
}

TEST(ProtocolMessages, ASelectionLongerThanTheLimitIsRefusedBothWays) {
    EXPECT_THROW(encode_run(1, std::vector<std::uint8_t>(max_selection_bytes + 1, 0xFF)), std::invalid_argument);
    EXPECT_NO_THROW(encode_run(1, std::vector<std::uint8_t>(max_selection_bytes, 0xFF)));
    Bytes payload{1, 0, static_cast<std::uint8_t>(max_selection_bytes + 1)};
    payload.resize(payload.size() + max_selection_bytes + 1, 0xFF);
    EXPECT_FALSE(decode_command(Frame{0x82, payload}).has_value());
}

TEST(ProtocolMessages, RunRepetitionsOutsideTheAllowedRangeAreRejected) {
    EXPECT_THROW(encode_run(0), std::invalid_argument);
    EXPECT_THROW(encode_run(1001), std::invalid_argument);
    EXPECT_FALSE(decode_command(Frame{0x82, {0xE9, 0x03, 0}}).has_value());  // 1001
}

TEST(ProtocolMessages, StringsLongerThan255BytesCannotBeEncoded) {
    EXPECT_THROW(encode_message(Log{std::string(256, 'x')}), std::invalid_argument);
    EXPECT_NO_THROW(encode_message(Log{std::string(255, 'x')}));
}

}  // namespace
}  // namespace rig::protocol
