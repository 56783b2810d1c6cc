#pragma once
// `rig probes`: the debug probes and serial ports plugged into this machine, each matched to the
// board file that names it, or "unassigned" (probes/attached.hpp).

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_probes_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
