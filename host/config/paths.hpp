#pragma once
// Where the rig finds its boards, images and results when the command line does not say.

#include "host/board/board.hpp"

#include <filesystem>
#include <string>

namespace rig::config {

// The checkout the rig was built from (boards/, results/ live there by default).
std::filesystem::path source_dir();

// The build tree this rig was built in (its programs are in <build>/bin).
std::filesystem::path build_dir();

// The image cargo built for a board's firmware package, next to this build of the rig.
std::filesystem::path default_image(const std::string& firmware_package);

// The folders to search for board files: `option` alone when given (--boards-dir), else the
// default search path (board::default_search_path).
board::SearchPath boards_search_path(const std::string& option);

// The help text of --boards-dir, naming the default.
std::string boards_dir_help();

}  // namespace rig::config
