#pragma once
// `rig benchmarks` (and `rig run --list`): the benchmarks an image carries, read from its ELF
// catalogue (no board is started): full name, family, the board's unit and what each measures.
// `--filter` previews a selection exactly as `rig run --filter` would make it.

#include <CLI/CLI.hpp>

#include <string>

namespace rig::cli {

struct ListBenchmarksArgs {
    std::string board = "qemu_mps2_an386";
    std::string image;       // empty: the build's image for the board
    std::string boards_dir;  // empty: the search path
    std::string filter;
};

// Prints the table; exit_ok, or exit_bad_input (unknown board, unreadable image, no catalogue,
// bad regex, a filter that matches nothing).
int list_benchmarks(const ListBenchmarksArgs& args);

void add_benchmarks_command(CLI::App& app, int& exit_code);

}  // namespace rig::cli
