#include "host/session/target_link.hpp"

#include <array>

namespace rig::session {

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
    const auto bytes = protocol::encode_command(command);
    return uart_->write_all(bytes, timeout);
}

}  // namespace rig::session
