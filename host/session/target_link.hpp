#pragma once
// The firmware's end of the UART as the session sees it: typed messages in, commands out, with
// the frame decoder's resynchronisation in between (see docs/protocol.md).

#include "host/protocol/frame.hpp"
#include "host/protocol/messages.hpp"
#include "host/transport/byte_stream.hpp"

#include <memory>
#include <string>

namespace rig::session {

class TargetLink {
public:
    explicit TargetLink(std::unique_ptr<transport::ByteStream> uart) : uart_(std::move(uart)) {}

    // The next well-formed message, waiting at most `timeout` (ErrorKind::timeout) for it.
    // Garbage between frames is skipped and counted; a frame with a good CRC whose payload does
    // not parse is an error (firmware and host disagree about the protocol).
    Result<protocol::Message> next_message(transport::Timeout timeout);

    Result<void> send(const protocol::Command& command, transport::Timeout timeout = std::chrono::seconds(2));

    // The UART itself, for bytes outside any frame (a host-triggered RX interrupt is one).
    transport::ByteStream& stream() { return *uart_; }

    const protocol::DecoderStats& stats() const { return decoder_.stats(); }

    // What arrived since the last good frame that is not a frame, for an error message:
    // `37 bytes arrived that are not rig frames, starting "Hello from Zephyr\r\n"` (non-printable
    // bytes escaped, at most the first 64 shown), or "" when nothing did.
    std::string describe_unframed() const;
    std::string describe() const { return uart_->describe(); }

private:
    std::unique_ptr<transport::ByteStream> uart_;
    protocol::FrameDecoder decoder_;
};

}  // namespace rig::session
