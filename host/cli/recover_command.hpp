#pragma once
// `rig recover -b B`: mass erase and unlock of a locked nRF52 (OpenOCD's nrf52_recover); a clear
// "not supported for this board (…)", exit 2, on every other board.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_recover_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
