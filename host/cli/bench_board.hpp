#pragma once
// What the bring-up commands (rig flash, reset, console, gdb, recover) share: the board options,
// the board held (through rigd when rigd owns it, board_hold.hpp), its probe started through the
// one bring-up strategy (session/bring_up.hpp), and one mapping from errors to exit codes.

#include "host/board/board.hpp"
#include "host/cli/board_hold.hpp"
#include "host/elf/elf_image.hpp"
#include "host/session/bring_up.hpp"
#include "host/util/result.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace rig::cli {

struct BenchArgs {
    std::string board;
    std::string boards_dir;
    std::string results_dir;  // probe logs go to <results>/<board>/logs/<command>.log
    std::string socket;       // rigd's; a board rigd owns is held through it
};

// -b/--board (required), --boards-dir, --results-dir, --socket.
void add_bench_options(CLI::App* command, BenchArgs& args);

// Exit codes: cancelled 130; a bad board, image or request 2; the board or probe failing 1.
int bench_exit_code(const Error& error);

// Prints "rig <command>: <message>" and returns bench_exit_code.
int bench_fail(const std::string& command, const Error& error);

// An ELF for this board: read, its memory map checked, and refused when its identity block names
// another board. Any ELF will do otherwise (no identity block needed).
Result<elf::Image> load_image_for(const board::Board& board, const std::filesystem::path& file);

class BenchBoard {
public:
    // Reads the board file and holds the board (waiting behind rigd's work when rigd owns it).
    // The probe is not started yet.
    static Result<std::unique_ptr<BenchBoard>> hold(const BenchArgs& args, const std::string& command);

    const board::Board& board() const { return *board_; }
    // Starts the board's probe program (its output in log_file()).
    Result<void> start_probe();
    session::BringUp& bring_up() { return *bring_up_; }
    probes::Probe& probe() { return bring_up_->probe(); }
    const std::filesystem::path& log_file() const { return log_file_; }
    bool through_rigd() const { return hold_ && hold_->through_rigd(); }

private:
    BenchBoard() = default;
    std::unique_ptr<board::Board> board_;  // BringUp keeps a reference: a stable address
    std::optional<BoardHold> hold_;
    std::unique_ptr<session::BringUp> bring_up_;
    std::filesystem::path log_file_;
};

// Loads the board file only (the command checks its inputs before holding the board).
Result<board::Board> load_bench_board(const BenchArgs& args);

}  // namespace rig::cli
