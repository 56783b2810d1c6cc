#pragma once
// What `rig console` shows of a UART's bytes: bytes that are not the rig's frames pass through
// as they came (another firmware's text, a bootloader's banner), and the rig's own frames are
// shown as text lines ("[rig HELLO] …", "[rig LOG] …", "[rig PANIC] …"), so that a plain terminal
// never shows the binary protocol as garbage.

#include "host/protocol/messages.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rig::cli {

// One decoded message as the console shows it, without the line end.
std::string console_line(const protocol::Message& message);

class ConsoleView {
public:
    // The bytes that arrived; returns what to print now. Bytes that may begin a frame are held
    // back until the frame is whole or proves false.
    std::string feed(std::span<const std::uint8_t> bytes);

    // What is held back, as raw bytes: the line has been quiet, so it was no frame after all.
    std::string flush();

private:
    void emit_raw(std::string& out, std::uint8_t byte);
    void emit_line(std::string& out, const std::string& line);

    std::vector<std::uint8_t> pending_;
    bool at_line_start_ = true;
};

}  // namespace rig::cli
