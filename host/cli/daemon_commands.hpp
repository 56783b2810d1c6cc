#pragma once
// `rig submit`, `rig jobs`, `rig follow`, `rig cancel`, `rig boards`, `rig health`: rig as rigd's
// client over its unix socket (README "The daemon"). `rig run` stays the way to run without it.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_daemon_commands(CLI::App& app, int& exit_code);

}  // namespace rig::cli
