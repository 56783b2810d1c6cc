#include "host/cli/bench_board.hpp"

#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"
#include "host/cli/signals.hpp"
#include "host/daemon/api.hpp"

#include <fmt/format.h>
#include <fstream>

namespace rig::cli {

void add_bench_options(CLI::App* command, BenchArgs& args) {
    args.boards_dir = config::boards_dir().string();
    args.results_dir = config::results_dir().string();
    args.socket = daemon::default_client_socket().string();
    command->add_option("-b,--board", args.board, "Board name (a file in the boards folder)")->required();
    command->add_option("--boards-dir", args.boards_dir, "Folder of board files")->capture_default_str();
    command->add_option("--results-dir", args.results_dir, "The probe's log goes to <results>/<board>/logs/")
        ->capture_default_str();
    command->add_option("--socket", args.socket, "rigd's socket: a board rigd owns is held through it")
        ->capture_default_str();
}

int bench_exit_code(const Error& error) {
    switch (error.kind) {
        case ErrorKind::cancelled:
            return exit_cancelled;
        case ErrorKind::invalid_argument:
        case ErrorKind::malformed:
        case ErrorKind::unsupported:
            return exit_bad_input;
        default:
            return exit_run_failed;
    }
}

int bench_fail(const std::string& command, const Error& error) {
    fmt::print(stderr, "rig {}: {}\n", command, error.message);
    return bench_exit_code(error);
}

Result<board::Board> load_bench_board(const BenchArgs& args) {
    auto board = board::find_board(args.board, args.boards_dir);
    if (!board) return make_error(ErrorKind::invalid_argument, board.error().message);
    return board;
}

Result<elf::Image> load_image_for(const board::Board& board, const std::filesystem::path& file) {
    auto image = elf::load_image(file);
    if (!image) return make_error(ErrorKind::invalid_argument, image.error().message).context(file.string());
    if (auto fits = session::check_image_for_board(*image, board); !fits)
        return make_error(ErrorKind::invalid_argument, fits.error().message).context(file.string());
    return image;
}

Result<std::unique_ptr<BenchBoard>> BenchBoard::hold(const BenchArgs& args, const std::string& command) {
    auto board = load_bench_board(args);
    if (!board) return board.error();
    std::unique_ptr<BenchBoard> bench(new BenchBoard());
    bench->board_ = std::make_unique<board::Board>(std::move(*board));
    const auto note = [](const std::string& line) { fmt::print(stderr, "rig: {}\n", line); };
    auto held = BoardHold::acquire(bench->board_->name, args.socket, &cancel_requested(), note);
    if (!held) return held.error();
    bench->hold_.emplace(std::move(*held));

    // The probe program's log, next to the runs' logs; a folder that cannot be made is no reason
    // to refuse a bring-up, so the temporary folder takes it then.
    auto logs = std::filesystem::path(args.results_dir) / bench->board_->name / "logs";
    std::error_code ec;
    std::filesystem::create_directories(logs, ec);
    if (ec) logs = std::filesystem::temp_directory_path();
    bench->log_file_ = logs / (command + ".log");
    std::filesystem::remove(bench->log_file_, ec);
    bench->bring_up_ = std::make_unique<session::BringUp>(*bench->board_, &cancel_requested(), note);
    return bench;
}

Result<void> BenchBoard::start_probe() {
    if (auto started = bring_up_->start_probe(log_file_); !started)
        return started.error().context("board " + board_->name + ": starting its probe");
    return {};
}

}  // namespace rig::cli
