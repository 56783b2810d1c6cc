#include "host/session/target_link.hpp"

#include <array>
#include <stdexcept>

namespace rig::session {
namespace {

// Bytes as they would read in a C string literal: printable ASCII as is, the rest escaped.
std::string printable(std::span<const std::uint8_t> bytes) {
    constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (const std::uint8_t b : bytes) {
        switch (b) {
            case '\r':
                text += "\\r";
                break;
            case '\n':
                text += "\\n";
                break;
            case '\t':
                text += "\\t";
                break;
            case '"':
                text += "\\\"";
                break;
            case '\\':
                text += "\\\\";
                break;
            default:
                if (b >= 0x20 && b < 0x7f) {
                    text += static_cast<char>(b);
                } else {
                    text += "\\x";
                    text += digits[b >> 4];
                    text += digits[b & 0xF];
                }
        }
    }
    return text;
}

}  // namespace

std::string TargetLink::describe_unframed() const {
    const auto count = decoder_.unframed_count();
    if (count == 0) return {};
    const auto& start = decoder_.unframed_start();
    return std::to_string(count) + (count == 1 ? " byte arrived that is" : " bytes arrived that are") +
           " not rig frames, starting \"" + printable(start) + (count > start.size() ? "…\"" : "\"");
}

Result<protocol::Message> TargetLink::next_message(transport::Timeout timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<std::uint8_t, 1024> buffer{};
    while (true) {
        if (auto frame = decoder_.next()) {
            auto message = protocol::decode_message(*frame);
            if (!message) return message.error().context("frame from the target");
            return message;
        }
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= transport::Timeout::zero())
            return make_error(ErrorKind::timeout, "nothing from the target on " + uart_->describe());
        auto n = uart_->read_some(buffer, left);
        if (!n) {
            if (n.error().kind == ErrorKind::timeout) continue;  // deadline check above words it
            return n.error().context("UART " + uart_->describe());
        }
        decoder_.feed(std::span(buffer.data(), *n));
    }
}

Result<void> TargetLink::send(const protocol::Command& command, transport::Timeout timeout) {
    // The encoder throws for values the protocol cannot carry (a filter over 255 bytes): an
    // error for the caller, never an exception out of a session or a rigd board worker.
    protocol::Bytes bytes;
    try {
        bytes = protocol::encode_command(command);
    } catch (const std::invalid_argument& e) {
        return make_error(ErrorKind::invalid_argument, std::string("cannot send to the target: ") + e.what());
    }
    return uart_->write_all(bytes, timeout);
}

}  // namespace rig::session
