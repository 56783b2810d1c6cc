// Frame codec: CRC, encoding, and a decoder that survives chunking, garbage and corruption.
#include <gtest/gtest.h>

#include <string_view>

#include "host/protocol/crc16.hpp"
#include "host/protocol/frame.hpp"

namespace rig::protocol {
namespace {

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

std::vector<Frame> decode_all(FrameDecoder& decoder, const Bytes& stream, std::size_t chunk) {
    std::vector<Frame> frames;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
        decoder.feed(std::span(stream).subspan(i, std::min(chunk, stream.size() - i)));
        while (auto frame = decoder.next()) frames.push_back(*frame);
    }
    return frames;
}

TEST(ProtocolFrame, CrcOfTheStandardCheckStringIs0x29B1) {
    EXPECT_EQ(crc16_ccitt_false(bytes_of("123456789")), 0x29B1);
}

TEST(ProtocolFrame, CrcCanBeComputedInPieces) {
    const Bytes data = bytes_of("123456789");
    const auto first = crc16_ccitt_false(std::span(data).first(4));
    EXPECT_EQ(crc16_ccitt_false(std::span(data).subspan(4), first), 0x29B1);
}

TEST(ProtocolFrame, EncodedFrameHasSyncTypeLengthPayloadAndCrc) {
    const Bytes frame = encode_frame(0x05, bytes_of("hi"));
    ASSERT_EQ(frame.size(), 9u);
    EXPECT_EQ(frame[0], 0xA5);
    EXPECT_EQ(frame[1], 0x5A);
    EXPECT_EQ(frame[2], 0x05);
    EXPECT_EQ(frame[3], 2);
    EXPECT_EQ(frame[4], 0);
    const auto crc = crc16_ccitt_false(std::span(frame).subspan(2, 5));
    EXPECT_EQ(frame[7], crc & 0xFF);
    EXPECT_EQ(frame[8], crc >> 8);
}

TEST(ProtocolFrame, EncodingMoreThan512BytesIsRejected) {
    EXPECT_THROW(encode_frame(1, Bytes(513)), std::invalid_argument);
    EXPECT_NO_THROW(encode_frame(1, Bytes(512)));
}

TEST(ProtocolFrame, FrameRoundTripsThroughTheDecoder) {
    FrameDecoder decoder;
    const Frame original{0x02, bytes_of("payload")};
    const auto frames = decode_all(decoder, encode_frame(original), 1000);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], original);
    EXPECT_EQ(decoder.stats().dropped_bytes, 0u);
    EXPECT_EQ(decoder.pending_bytes(), 0u);
}

TEST(ProtocolFrame, EmptyAndMaximumPayloadsRoundTrip) {
    FrameDecoder decoder;
    Bytes big(512);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
    const auto frames = decode_all(decoder, concat({encode_frame(6, {}), encode_frame(2, big)}), 64);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_TRUE(frames[0].payload.empty());
    EXPECT_EQ(frames[1].payload, big);
}

TEST(ProtocolFrame, FramesFedOneByteAtATimeAreAllFound) {
    FrameDecoder decoder;
    const Bytes stream =
        concat({encode_frame(1, bytes_of("a")), encode_frame(2, bytes_of("bc")), encode_frame(3, bytes_of("def"))});
    const auto frames = decode_all(decoder, stream, 1);
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[2], (Frame{3, bytes_of("def")}));
}

TEST(ProtocolFrame, LeadingGarbageIsSkippedAndCounted) {
    FrameDecoder decoder;
    const Bytes garbage = {0x00, 0xFF, 0xA5, 0x13, 0x5A, 0x42, 0xA5};
    const auto frames = decode_all(decoder, concat({garbage, encode_frame(4, bytes_of("x"))}), 3);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(decoder.stats().dropped_bytes, garbage.size());
    EXPECT_EQ(describe(decoder.stats()), "skipped 7 garbage bytes");
}

TEST(ProtocolFrame, GarbageBetweenFramesIsSkipped) {
    FrameDecoder decoder;
    const Bytes stream =
        concat({encode_frame(1, bytes_of("one")), bytes_of("boot noise\r\n"), encode_frame(2, bytes_of("two"))});
    const auto frames = decode_all(decoder, stream, 5);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].payload, bytes_of("two"));
    EXPECT_EQ(decoder.stats().dropped_bytes, 12u);
}

TEST(ProtocolFrame, BadCrcFrameIsDroppedAndTheNextGoodFrameIsFound) {
    FrameDecoder decoder;
    Bytes corrupt = encode_frame(1, bytes_of("bad"));
    corrupt[6] ^= 0x01;
    const auto frames = decode_all(decoder, concat({corrupt, encode_frame(2, bytes_of("good"))}), 4);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, bytes_of("good"));
    EXPECT_EQ(decoder.stats().bad_crc, 1u);
    EXPECT_EQ(decoder.stats().dropped_bytes, corrupt.size());
    EXPECT_EQ(describe(decoder.stats()), "skipped 10 garbage bytes, 1 bad CRC");
}

TEST(ProtocolFrame, OversizeLengthIsRejectedWithoutWaitingForItsPayload) {
    FrameDecoder decoder;
    const Bytes fake = {0xA5, 0x5A, 0x01, 0x01, 0x02};  // length 513
    const auto frames = decode_all(decoder, concat({fake, encode_frame(5, bytes_of("ok"))}), 100);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(decoder.stats().oversize, 1u);
    EXPECT_EQ(decoder.stats().dropped_bytes, fake.size());
}

TEST(ProtocolFrame, TruncatedFrameStaysPendingAndYieldsNothing) {
    FrameDecoder decoder;
    const Bytes frame = encode_frame(2, bytes_of("truncated"));
    const auto frames = decode_all(decoder, Bytes(frame.begin(), frame.end() - 1), 1);
    EXPECT_TRUE(frames.empty());
    EXPECT_EQ(decoder.pending_bytes(), frame.size() - 1);
    EXPECT_EQ(decoder.stats().dropped_bytes, 0u);
    decoder.feed(std::span(frame).last(1));
    EXPECT_TRUE(decoder.next().has_value());
}

TEST(ProtocolFrame, HalfSentFrameBeforeAResetDoesNotHideTheNextFrame) {
    FrameDecoder decoder;
    const Bytes half = encode_frame(2, bytes_of("cut off by a reset"));
    const Bytes stream = concat({Bytes(half.begin(), half.begin() + 8), encode_frame(1, bytes_of("hello")),
                                 encode_frame(6, {}), bytes_of("padding to fill the false length")});
    const auto frames = decode_all(decoder, stream, 7);
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0], (Frame{1, bytes_of("hello")}));
    EXPECT_EQ(frames[1], (Frame{6, {}}));
}

TEST(ProtocolFrame, SyncBytesInsideAPayloadDoNotBreakTheFrame) {
    FrameDecoder decoder;
    const Bytes tricky = {0xA5, 0x5A, 0x01, 0x00, 0x00, 0xA5, 0x5A};
    const auto frames = decode_all(decoder, concat({encode_frame(5, tricky), encode_frame(6, {})}), 1);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].payload, tricky);
    EXPECT_EQ(decoder.stats().dropped_bytes, 0u);
}

TEST(ProtocolFrame, AFalseHeaderWhoseLengthIsNeverReachedDoesNotHideTheLastFrame) {
    // Noise that reads as a header with a plausible length, then the target's last frame, then
    // silence: the candidate never completes, but the whole frame inside it proves it false.
    FrameDecoder decoder;
    const Bytes last = encode_frame(3, Bytes{1, 0, 0, 0, 0, 0});
    const Bytes stream = concat({Bytes{0xA5, 0x5A, 0xFF, 0xFF, 0x00}, last});
    const auto frames = decode_all(decoder, stream, 3);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], (Frame{3, {1, 0, 0, 0, 0, 0}}));
    EXPECT_EQ(decoder.stats().false_header, 1u);
    EXPECT_EQ(decoder.stats().dropped_bytes, 5u);
}

TEST(ProtocolFrame, FrameHiddenInsideAFalseFrameIsStillFound) {
    // A false header whose length swallows a real frame: dropping one byte on the CRC failure
    // lets the decoder find the real frame inside.
    FrameDecoder decoder;
    const Bytes real = encode_frame(6, {});
    Bytes stream = {0xA5, 0x5A, 0x01, static_cast<std::uint8_t>(real.size()), 0x00};
    stream.insert(stream.end(), real.begin(), real.end());
    stream.insert(stream.end(), {0x00, 0x00});
    const auto frames = decode_all(decoder, stream, 100);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].type, 6);
    EXPECT_EQ(decoder.stats().bad_crc, 1u);
}

}  // namespace
}  // namespace rig::protocol
