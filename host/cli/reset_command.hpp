#pragma once
// `rig reset -b B`: reset the board's core and let it run.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_reset_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
