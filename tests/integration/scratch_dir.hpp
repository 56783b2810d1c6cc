// Scratch folders for integration tests: fresh per test process, and removed when the process
// ends so a nightly CI machine does not fill /tmp. Set RIG_KEEP_TEST_FILES=1 to keep them for
// a post-mortem.
#pragma once

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace rig::test_support {

class ScratchDirs {
public:
    ScratchDirs() = default;
    ScratchDirs(const ScratchDirs&) = delete;
    ScratchDirs& operator=(const ScratchDirs&) = delete;
    ~ScratchDirs() {
        if (std::getenv("RIG_KEEP_TEST_FILES")) return;
        std::error_code ignored;
        for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
    }
    std::filesystem::path make(const std::string& prefix, const std::string& name) {
        auto dir = std::filesystem::temp_directory_path() / (prefix + name + "_" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        dirs_.push_back(dir);
        return dir;
    }

private:
    std::vector<std::filesystem::path> dirs_;
};

// <tmp>/<prefix><name>_<pid>, empty, removed at exit.
inline std::filesystem::path scratch_dir(const std::string& prefix, const std::string& name) {
    static ScratchDirs dirs;
    return dirs.make(prefix, name);
}

}  // namespace rig::test_support
