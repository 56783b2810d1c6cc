// GDB Remote Serial Protocol, packet layer: framing, checksums, escaping, run-length
// decoding, hex helpers, and a streaming reader that splits incoming bytes into events.
//
// Packets are `$payload#xx` where xx is the modulo-256 sum of the payload bytes in hex.
// Binary data escapes `#`, `$`, `}` and `*` as `}` followed by the byte XOR 0x20; a stub may
// compress replies as `c*n`, meaning c repeated (n - 29) more times.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/util/result.hpp"

namespace rig::probes::gdb_rsp {

using Bytes = std::vector<std::uint8_t>;

inline constexpr char ack = '+';
inline constexpr char nak = '-';
inline constexpr char interrupt_byte = 0x03;

std::uint8_t checksum(std::string_view payload);

// "$payload#xx"; the payload must already be escaped if it carries binary data.
std::string frame_packet(std::string_view payload);

std::string escape_binary(std::span<const std::uint8_t> data);
Result<Bytes> unescape_binary(std::string_view escaped);  // malformed on a dangling `}`
Result<std::string> expand_run_length(std::string_view payload);

std::string to_hex(std::span<const std::uint8_t> data);  // lower case, as GDB sends
std::string to_hex(std::string_view text);
Result<Bytes> from_hex(std::string_view hex);

// One thing that arrived on the wire.
struct Event {
    enum class Kind {
        packet,        // `$…#xx` with a good checksum; payload is run-length expanded
        notification,  // `%…#xx` (asynchronous notification, e.g. %Stop)
        bad_checksum,  // a packet whose checksum did not match: answer with a NAK
        ack,           // `+`
        nak,           // `-`
        interrupt,     // 0x03 outside a packet
    };
    Kind kind;
    std::string payload;  // packets and notifications only
    bool operator==(const Event&) const = default;
};

// Feed bytes as they arrive, in any chunking; take events out in order with next().
class PacketReader {
public:
    void feed(std::span<const std::uint8_t> bytes);
    void feed(std::string_view bytes);
    std::optional<Event> next();

    // Bytes seen outside any packet that mean nothing (line noise, stray characters).
    std::uint64_t ignored_bytes() const { return ignored_bytes_; }

private:
    enum class State { idle, body, checksum_high, checksum_low };
    void consume(char c);
    void finish_packet();

    State state_ = State::idle;
    bool notification_ = false;
    std::string body_;
    std::string received_checksum_;
    std::deque<Event> events_;
    std::uint64_t ignored_bytes_ = 0;
};

}  // namespace rig::probes::gdb_rsp
