#pragma once
// `rig flash -b B ELF`: any ELF that fits the board, written and verified, then reset and run.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_flash_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
