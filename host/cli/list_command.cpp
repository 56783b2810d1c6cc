#include "host/cli/list_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {

void add_list_command(CLI::App& app, int& exit_code) {
    auto boards_dir = std::make_shared<std::string>((source_dir() / "boards").string());
    auto* cmd = app.add_subcommand("list", "List the configured boards");
    cmd->add_option("--boards-dir", *boards_dir, "Folder of board files")->capture_default_str();
    cmd->callback([boards_dir, &exit_code] {
        exit_code = exit_ok;
        for (const auto& board : board::load_all_boards(*boards_dir)) {
            if (!board) {
                fmt::print(stderr, "error: {}\n", board.error().message);
                exit_code = exit_bad_input;
                continue;
            }
            fmt::print("{:<20} {:<10} {:<13} {} MHz  {}\n", board->name, board::to_string(board->probe.kind),
                       board::to_string(board->counter), board->cpu_hz / 1'000'000, board->description);
        }
    });
}

}  // namespace rig::cli
