#pragma once
// `rig list`: the boards configured in the boards folder, and any that fail to load.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_list_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
