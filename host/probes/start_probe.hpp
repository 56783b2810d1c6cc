#pragma once
// The one place that turns a board file's [probe] kind into a running probe backend. Everything
// above host/probes/ (a run, rigd's health checks, `rig doctor`) sees only the Probe interface.

#include "host/board/board.hpp"
#include "host/probes/probe.hpp"
#include "host/util/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace rig::probes {

// Starts the board's probe program (qemu-system-arm, openocd, pyOCD's GDB server) with its
// output appended to `log_file`, attached and ready to flash.
Result<std::unique_ptr<Probe>> start_probe(const board::Board& board, const std::filesystem::path& log_file);

// What the board's probe program needs that this machine lacks ("openocd is not installed:
// apt-get install openocd"), or nothing: `rig doctor` asks before trying a board.
std::optional<std::string> missing_probe_program(const board::Board& board);

}  // namespace rig::probes
