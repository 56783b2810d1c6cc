#pragma once
// `rig doctor`: what this machine has for running the rig (probe programs and their versions,
// boards configured, serial ports present, which boards answer) and exactly what is missing.

#include <CLI/CLI.hpp>

namespace rig::cli {

// Exit code 0 when the QEMU board answers (the rig can run here), 1 otherwise.
void add_doctor_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
