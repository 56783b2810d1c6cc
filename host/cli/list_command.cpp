#include "host/cli/list_command.hpp"

#include "host/board/board.hpp"
#include "host/cli/board_folders.hpp"
#include "host/cli/paths.hpp"
#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace rig::cli {

void add_list_command(CLI::App& app, int& exit_code) {
    auto boards_dir = std::make_shared<std::string>();  // empty: the search path
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("list", "List the configured boards and the file each comes from");
    add_boards_dir_option(*cmd, *boards_dir);
    cmd->add_flag("--json", *json, "Print the boards as a JSON array");
    cmd->callback([boards_dir, json, &exit_code] {
        exit_code = exit_ok;
        const auto path = boards_search_path(*boards_dir);
        auto list = nlohmann::ordered_json::array();
        for (const auto& board : board::load_all_boards(path)) {
            if (!board) {
                fmt::print(stderr, "error: {}\n", board.error().message);
                exit_code = exit_bad_input;
                continue;
            }
            const auto files = board::board_files_named(board->name, path);
            if (*json) {
                nlohmann::ordered_json overrides = nlohmann::ordered_json::array();
                for (std::size_t i = 1; i < files.size(); ++i) overrides.push_back(files[i].string());
                list.push_back({{"name", board->name},
                                {"description", board->description},
                                {"chip", board->chip},
                                {"core", board->core},
                                {"cpu_hz", board->cpu_hz},
                                {"probe", board::to_string(board->probe.kind)},
                                {"unit", board::to_string(board->counter)},
                                {"file", board->file.string()},
                                {"overrides", overrides}});
                continue;
            }
            fmt::print("{:<20} {:<10} {:<13} {} MHz  {}\n", board->name, board::to_string(board->probe.kind),
                       board::to_string(board->counter), board->cpu_hz / 1'000'000, board->description);
            // Which file is used, and which ones of the same name it hides (a bench's own file
            // overriding the repository's).
            std::string hides;
            for (std::size_t i = 1; i < files.size(); ++i) hides += (hides.empty() ? "" : ", ") + files[i].string();
            fmt::print("{:<20} from {}{}\n", "", board->file.string(),
                       hides.empty() ? "" : " (overrides " + hides + ")");
        }
        if (*json) fmt::print("{}\n", list.dump(2));
    });
}

}  // namespace rig::cli
