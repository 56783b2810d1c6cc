#include "host/cli/board_folders.hpp"

#include "host/cli/paths.hpp"

namespace rig::cli {

CLI::Option* add_boards_dir_option(CLI::App& cmd, std::string& option) {
    return cmd.add_option("--boards-dir", option,
                          "Folder of board files, searched alone (default: $RIG_BOARDS_PATH, else "
                          "~/.config/kernel-rig/boards, then " +
                              (source_dir() / "boards").string() + "; a board file found first wins)");
}

board::SearchPath boards_search_path(const std::string& option) {
    if (!option.empty()) return board::exact_folder(option);
    return board::default_search_path(source_dir() / "boards");
}

}  // namespace rig::cli
