#pragma once
// A board's health check (after LAVA's): the probe answers, the image is in flash (written only
// when it differs, to spare the flash), the board resets, its HELLO passes the checks every run
// makes (protocol, board, counter unit), it answers PING, and on cycle-counting boards DWT CYCCNT
// runs at the board file's clock. Less than a run (no benchmark); enough to say the probe, the
// flash path, the UART and the counter work. rigd runs it, and `rig doctor` for each board.

#include "host/board/board.hpp"
#include "host/util/result.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>

namespace rig::session {

// Errors say which step failed ("board qemu_a, health check step flash: …"); `note` gets one line
// per step begun and what the board logs. Every probe kind is driven (start_probe.hpp).
Result<void> check_board_health(const board::Board& board, const std::filesystem::path& image_file,
                                const std::filesystem::path& log_file, const std::atomic<bool>* cancel,
                                const std::function<void(const std::string&)>& note);

}  // namespace rig::session
