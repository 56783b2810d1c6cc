#pragma once
// `rig gdb -b B`: starts the board's probe, hands its GDB server to a debugger (the rig's own
// connection steps aside), prints the gdb-multiarch command that attaches, or runs it (--run),
// and keeps the server up until Ctrl-C (or until gdb exits, with --run).

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace rig::cli {

void add_gdb_command(CLI::App& app, int& exit_code);

// gdb-multiarch -ex 'target extended-remote <address>' [<elf>]
std::vector<std::string> gdb_command_line(const std::string& address, const std::string& elf);

}  // namespace rig::cli
