#pragma once
// The --boards-dir option every command shares. Given, it is exact: that folder only. Not given,
// the search path: the bench's own folder ($RIG_BOARDS_PATH, else ~/.config/kernel-rig/boards),
// then the repository's boards/, so a bench's wiring lives outside git and wins by name.

#include <CLI/CLI.hpp>
#include <string>

#include "host/board/board.hpp"

namespace rig::cli {

// Adds `--boards-dir` to `cmd`, writing into `option` (empty when not given).
CLI::Option* add_boards_dir_option(CLI::App& cmd, std::string& option);

// The folders to search for the option's value.
board::SearchPath boards_search_path(const std::string& option);

}  // namespace rig::cli
