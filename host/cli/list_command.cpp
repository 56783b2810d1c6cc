#include "host/cli/list_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <memory>

namespace rig::cli {

void add_list_command(CLI::App& app, int& exit_code) {
    auto boards_dir = std::make_shared<std::string>();  // empty: the search path
    auto* cmd = app.add_subcommand("list", "List the configured boards and the file each comes from");
    add_boards_dir_option(*cmd, *boards_dir);
    cmd->callback([boards_dir, &exit_code] {
        exit_code = exit_ok;
        const auto path = boards_search_path(*boards_dir);
        for (const auto& board : board::load_all_boards(path)) {
            if (!board) {
                fmt::print(stderr, "error: {}\n", board.error().message);
                exit_code = exit_bad_input;
                continue;
            }
            fmt::print("{:<20} {:<10} {:<13} {} MHz  {}\n", board->name, board::to_string(board->probe.kind),
                       board::to_string(board->counter), board->cpu_hz / 1'000'000, board->description);
            // Which file is used, and which ones of the same name it hides (a bench's own file
            // overriding the repository's).
            const auto files = board::board_files_named(board->name, path);
            std::string hides;
            for (std::size_t i = 1; i < files.size(); ++i) hides += (hides.empty() ? "" : ", ") + files[i].string();
            fmt::print("{:<20} from {}{}\n", "", board->file.string(), hides.empty() ? "" : " (overrides " + hides + ")");
        }
    });
}

}  // namespace rig::cli
