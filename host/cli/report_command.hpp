#pragma once
// `rig report`: the history as one static, self-contained HTML page (results/report.html).

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_report_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
