#include "host/cli/paths.hpp"

#include <algorithm>
#include <cctype>

namespace rig::cli {

std::filesystem::path source_dir() { return RIG_SOURCE_DIR; }

std::filesystem::path default_image(const std::string& firmware_package) {
    // build/bin/rig -> build/firmware/<target>/release/<package>
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto build = ec ? source_dir() / "build" : exe.parent_path().parent_path();
    return build / "firmware" / "thumbv7em-none-eabi" / "release" / firmware_package;
}

std::filesystem::path result_file(const std::filesystem::path& results_dir, const std::string& board,
                                  const std::string& commit) {
    // The commit comes from the firmware over the UART: it must not choose where we write.
    std::string safe;
    for (char c : commit)
        safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    if (safe.empty()) safe = "unknown";
    return results_dir / board / (safe.substr(0, 64) + ".json");
}

}  // namespace rig::cli
