#pragma once
// `rig console -b B`: the board's UART on stdout (or --out FILE), the rig's frames shown as text
// lines (console_view.hpp); Ctrl-C ends it (exit 130), --seconds N after N seconds (exit 0).
// --reset shows the boot output; --flash ELF (alias --image) writes an ELF first and runs it,
// which is how a virtual board's console exists at all: QEMU lives only while rig runs.

#include <CLI/CLI.hpp>

namespace rig::cli {

void add_console_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
