// FrameDecoder on an arbitrary UART byte stream in arbitrary chunks, then the message decoders
// on every frame it returns. Invariants: payload <= 512; every byte is accounted for (frame,
// dropped or pending); a decoded frame re-encodes to bytes that decode to the same frame; a
// decoded message or command re-encodes to the same frame.
#include <cstddef>
#include <cstdint>
#include <span>

#include "host/protocol/frame.hpp"
#include "host/protocol/messages.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace rig::protocol;

RIG_FUZZ_TARGET(frame) {
    if (size == 0) return 0;
    // The first byte picks the chunk size, so resynchronisation across feed() calls is covered.
    const std::size_t chunk = std::size_t{data[0]} % 64 + 1;
    const std::span<const std::uint8_t> stream(data + 1, size - 1);

    FrameDecoder decoder;
    std::size_t frame_bytes = 0;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
        decoder.feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
        while (auto frame = decoder.next()) {
            FUZZ_CHECK(frame->payload.size() <= max_payload);
            const Bytes encoded = encode_frame(*frame);
            frame_bytes += encoded.size();

            FrameDecoder again;
            again.feed(encoded);
            const auto round_trip = again.next();
            FUZZ_CHECK(round_trip && *round_trip == *frame);
            FUZZ_CHECK(again.stats().dropped_bytes == 0 && again.pending_bytes() == 0);

            if (auto message = decode_message(*frame)) FUZZ_CHECK(to_frame(*message) == *frame);
            if (auto command = decode_command(*frame)) FUZZ_CHECK(to_frame(*command) == *frame);
            (void)type_name(frame->type);
        }
    }
    const DecoderStats& stats = decoder.stats();
    FUZZ_CHECK(frame_bytes + stats.dropped_bytes + decoder.pending_bytes() == stream.size());
    (void)describe(stats);
    return 0;
}
