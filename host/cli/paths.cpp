#include "host/cli/paths.hpp"

namespace rig::cli {

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

}  // namespace rig::cli
