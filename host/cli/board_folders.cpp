#include "host/cli/board_folders.hpp"

#include "host/config/paths.hpp"

namespace rig::cli {

CLI::Option* add_boards_dir_option(CLI::App& cmd, std::string& option) {
    return cmd.add_option("--boards-dir", option, config::boards_dir_help());
}

board::SearchPath boards_search_path(const std::string& option) { return config::boards_search_path(option); }

}  // namespace rig::cli
