#pragma once
// `rig lab master DIR --lab LAB.toml` and `rig lab worker DIR --master HOST:PORT --name BENCH`:
// set up the Buildbot master and the bench workers of a lab of many benches (README "A lab of
// many benches", packaging/buildbot/). Buildbot's own programs do the work; these commands put
// the rig's configuration and the lab file in place and check them.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_lab_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
