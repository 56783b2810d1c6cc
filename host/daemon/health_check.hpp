#pragma once
// A board's health check: start its probe, flash the image, see HELLO, get a PONG for a PING.
// Less than a run (no benchmark), enough to say the probe, the flash path and the UART all work.

#include "host/board/board.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

namespace rig::daemon {

// Errors say which step failed ("board qemu_a, health check step flash: …"); `note` gets one line
// per step begun. Like a run, only qemu-gdb boards are driven for now.
Result<void> check_board_health(const board::Board& board, const std::filesystem::path& image_file,
                                const std::filesystem::path& log_file, const std::atomic<bool>* cancel,
                                const std::function<void(const std::string&)>& note);

}  // namespace rig::daemon
