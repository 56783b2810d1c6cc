// Binary frames between host and target: encoder and a streaming, resynchronising decoder.
//
// Layout (docs/protocol.md): A5 5A, type, u16 length (LE, <= 512), payload, CRC-16 (LE) over
// type, length and payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rig::protocol {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t sync_first = 0xA5;
inline constexpr std::uint8_t sync_second = 0x5A;
inline constexpr std::size_t max_payload = 512;
inline constexpr std::size_t header_size = 5;   // sync, sync, type, length
inline constexpr std::size_t trailer_size = 2;  // CRC

struct Frame {
    std::uint8_t type = 0;
    Bytes payload;
    bool operator==(const Frame&) const = default;
};

// Throws std::invalid_argument when the payload exceeds max_payload: callers build payloads
// from bounded fields, so an oversize one is a bug, not a runtime condition.
Bytes encode_frame(std::uint8_t type, std::span<const std::uint8_t> payload);
Bytes encode_frame(const Frame& frame);

// What the decoder threw away, so the host can report a noisy line instead of hiding it.
struct DecoderStats {
    std::uint64_t frames = 0;         // good frames returned
    std::uint64_t dropped_bytes = 0;  // every byte that was not part of a good frame
    std::uint64_t bad_crc = 0;        // candidate frames whose CRC did not match
    std::uint64_t oversize = 0;       // candidate frames whose length was over max_payload
    std::uint64_t false_header = 0;   // incomplete candidates proved false by a whole frame inside them
};

// "skipped 17 garbage bytes, 1 bad CRC" (empty when nothing was dropped).
std::string describe(const DecoderStats& stats);

// Feed bytes in any chunking; take complete frames out with next(). On a bad length or CRC the
// decoder drops only the first sync byte and searches again, so a real frame hidden inside a
// false one is still found.
class FrameDecoder {
public:
    void feed(std::span<const std::uint8_t> bytes);
    std::optional<Frame> next();

    const DecoderStats& stats() const { return stats_; }
    std::size_t pending_bytes() const { return buffer_.size() - start_; }

    // The bytes fed since the last good frame (since the start before the first) that are not
    // part of one: how many, and the first few. A firmware that prints text instead of speaking
    // the protocol is told apart from a silent one by these.
    static constexpr std::size_t unframed_kept = 64;
    std::uint64_t unframed_count() const { return unframed_count_; }
    const Bytes& unframed_start() const { return unframed_start_; }

private:
    void drop(std::size_t count);
    void note_unframed(std::span<const std::uint8_t> bytes);

    Bytes buffer_;
    std::size_t start_ = 0;  // first unconsumed byte; the buffer is compacted lazily
    DecoderStats stats_;
    std::uint64_t unframed_count_ = 0;
    Bytes unframed_start_;
};

}  // namespace rig::protocol
