#include "host/config/paths.hpp"

namespace rig::config {

std::filesystem::path source_dir() { return RIG_SOURCE_DIR; }

std::filesystem::path build_dir() {
    // build/bin/rig -> build
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? source_dir() / "build" : exe.parent_path().parent_path();
}

std::filesystem::path default_image(const std::string& firmware_package) {
    return build_dir() / "firmware" / "thumbv7em-none-eabi" / "release" / firmware_package;
}

board::SearchPath boards_search_path(const std::string& option) {
    if (!option.empty()) return board::exact_folder(option);
    return board::default_search_path(source_dir() / "boards");
}

std::string boards_dir_help() {
    return "Folder of board files, searched alone (default: $RIG_BOARDS_PATH, else ~/.config/kernel-rig/boards, then " +
           (source_dir() / "boards").string() + "; a board file found first wins)";
}

}  // namespace rig::config
