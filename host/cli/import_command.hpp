#pragma once
// `rig import FILE...`: result files written earlier (or on another machine) into the history.
// A file imported twice is stored once (its run id: results/run_identity.hpp).

#include "host/results/history.hpp"
#include "host/results/run_report.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace rig::cli {

void add_import_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
