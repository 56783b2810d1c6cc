#pragma once
// Where the rig finds its boards, images and results when the command line does not say.

#include <filesystem>
#include <string>

namespace rig::cli {

// The checkout the rig was built from (boards/, results/ live there by default).
std::filesystem::path source_dir();

// The build tree this rig was built in (its programs are in <build>/bin).
std::filesystem::path build_dir();

// The image cargo built for a board's firmware package, next to this build of the rig.
std::filesystem::path default_image(const std::string& firmware_package);

}  // namespace rig::cli
