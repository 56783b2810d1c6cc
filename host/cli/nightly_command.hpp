#pragma once
// `rig nightly`: measure a range of commits on every configured board, resumably, and name the
// commits where benchmarks changed (exit codes in host/nightly/nightly.hpp).

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_nightly_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
