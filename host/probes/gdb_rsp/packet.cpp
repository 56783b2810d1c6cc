#include "host/probes/gdb_rsp/packet.hpp"

namespace rig::probes::gdb_rsp {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool needs_escape(std::uint8_t byte) { return byte == '#' || byte == '$' || byte == '}' || byte == '*'; }

}  // namespace

std::uint8_t checksum(std::string_view payload) {
    std::uint8_t sum = 0;
    for (char c : payload) sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(c));
    return sum;
}

std::string frame_packet(std::string_view payload) {
    const std::uint8_t sum = checksum(payload);
    std::string packet;
    packet.reserve(payload.size() + 4);
    packet += '$';
    packet += payload;
    packet += '#';
    packet += hex_digits[sum >> 4];
    packet += hex_digits[sum & 0xF];
    return packet;
}

std::string escape_binary(std::span<const std::uint8_t> data) {
    std::string out;
    out.reserve(data.size());
    for (std::uint8_t byte : data) {
        if (needs_escape(byte)) {
            out += '}';
            out += static_cast<char>(byte ^ 0x20);
        } else {
            out += static_cast<char>(byte);
        }
    }
    return out;
}

Result<Bytes> unescape_binary(std::string_view escaped) {
    Bytes out;
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] != '}') {
            out.push_back(static_cast<std::uint8_t>(escaped[i]));
        } else if (i + 1 < escaped.size()) {
            out.push_back(static_cast<std::uint8_t>(escaped[++i] ^ 0x20));
        } else {
            return Error{ErrorKind::malformed, "binary data ends with an escape character"};
        }
    }
    return out;
}

Result<std::string> expand_run_length(std::string_view payload) {
    std::string out;
    out.reserve(payload.size());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        if (payload[i] != '*') {
            out += payload[i];
            continue;
        }
        if (out.empty() || i + 1 >= payload.size()) {
            return Error{ErrorKind::malformed, "run-length marker without a character or count"};
        }
        // The count character encodes (repeats + 29); GDB keeps it printable, so 32..126.
        const int count = static_cast<unsigned char>(payload[++i]) - 29;
        if (count < 3) return Error{ErrorKind::malformed, "run-length count below 3"};
        out.append(static_cast<std::size_t>(count), out.back());
    }
    return out;
}

std::string to_hex(std::span<const std::uint8_t> data) {
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t byte : data) {
        out += hex_digits[byte >> 4];
        out += hex_digits[byte & 0xF];
    }
    return out;
}

std::string to_hex(std::string_view text) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Result<Bytes> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return Error{ErrorKind::malformed, "odd number of hex digits"};
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]);
        const int low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0) {
            return Error{ErrorKind::malformed, "not a hex digit in \"" + std::string(hex.substr(i, 2)) + "\""};
        }
        out.push_back(static_cast<std::uint8_t>(high << 4 | low));
    }
    return out;
}

void PacketReader::feed(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t byte : bytes) consume(static_cast<char>(byte));
}

void PacketReader::feed(std::string_view bytes) {
    for (char c : bytes) consume(c);
}

std::optional<Event> PacketReader::next() {
    if (events_.empty()) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
}

void PacketReader::consume(char c) {
    switch (state_) {
        case State::idle:
            if (c == '$' || c == '%') {
                notification_ = c == '%';
                body_.clear();
                state_ = State::body;
            } else if (c == ack) {
                events_.push_back({Event::Kind::ack, {}});
            } else if (c == nak) {
                events_.push_back({Event::Kind::nak, {}});
            } else if (c == interrupt_byte) {
                events_.push_back({Event::Kind::interrupt, {}});
            } else {
                ++ignored_bytes_;
            }
            return;
        case State::body:
            // Binary payloads escape `#` and `$`, so a raw `#` always ends the body.
            if (c == '#') {
                state_ = State::checksum_high;
            } else {
                body_ += c;
            }
            return;
        case State::checksum_high:
            received_checksum_.assign(1, c);
            state_ = State::checksum_low;
            return;
        case State::checksum_low:
            received_checksum_ += c;
            state_ = State::idle;
            finish_packet();
            return;
    }
}

void PacketReader::finish_packet() {
    const auto sum = from_hex(received_checksum_);
    if (!sum || sum->front() != checksum(body_)) {
        events_.push_back({Event::Kind::bad_checksum, std::move(body_)});
        return;
    }
    auto expanded = expand_run_length(body_);
    if (!expanded) {
        // A packet that passed its checksum but cannot be expanded is as useless as a corrupt one.
        events_.push_back({Event::Kind::bad_checksum, std::move(body_)});
        return;
    }
    const auto kind = notification_ ? Event::Kind::notification : Event::Kind::packet;
    events_.push_back({kind, std::move(*expanded)});
}

}  // namespace rig::probes::gdb_rsp
