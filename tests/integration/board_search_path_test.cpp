// The real `rig list` with a bench's own board folder: a file of the same name there wins and
// `rig list` says which file each board comes from; an explicit --boards-dir is searched alone.
#include "host/util/child_process.hpp"
#include "tests/integration/rig_command.hpp"
#include "tests/integration/scratch_dir.hpp"

#include <gtest/gtest.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path repo_boards = fs::path(RIG_SOURCE_DIR) / "boards";

// Sets (or unsets, with nullopt) an environment variable for the rig started inside a test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

using rig::test_support::Ran;
const auto rig = rig::test_support::run_rig;

// The repository's nrf52840dk.toml with this bench's serial port.
void write_bench_file(const fs::path& folder) {
    std::ifstream in(repo_boards / "nrf52840dk.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const std::string placeholder = "usb-SEGGER_J-Link_001050000000-if00";
    s.replace(s.find(placeholder), placeholder.size(), "usb-SEGGER_J-Link_001050123456-if00");
    fs::create_directories(folder);
    std::ofstream(folder / "nrf52840dk.toml") << s;
}

bool has(const Ran& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

TEST(BoardSearchPathCli, RigListShowsTheBenchFileThatOverridesTheRepositorys) {
    const auto dir = rig::test_support::scratch_dir("rig_search_path_", "list");
    const auto bench = dir / "bench";
    write_bench_file(bench);
    ScopedEnv path("RIG_BOARDS_PATH", bench.string());
    const auto r = rig({"list"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r, "from " + (bench / "nrf52840dk.toml").string() + " (overrides " +
                           (repo_boards / "nrf52840dk.toml").string() + ")"))
        << r.output;
    EXPECT_TRUE(has(r, "from " + (repo_boards / "sam4l_xplained.toml").string() + "\n")) << r.output;
    EXPECT_TRUE(has(r, "from " + (repo_boards / "qemu_mps2_an386.toml").string() + "\n")) << r.output;
}

TEST(BoardSearchPathCli, TheXdgConfigFolderIsTheDefaultBenchFolder) {
    const auto dir = rig::test_support::scratch_dir("rig_search_path_", "xdg");
    write_bench_file(dir / "config/kernel-rig/boards");
    ScopedEnv path("RIG_BOARDS_PATH", std::nullopt);
    ScopedEnv xdg("XDG_CONFIG_HOME", (dir / "config").string());
    const auto r = rig({"list"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r, "from " + (dir / "config/kernel-rig/boards/nrf52840dk.toml").string() + " (overrides"))
        << r.output;
}

TEST(BoardSearchPathCli, AnExplicitBoardsDirIsSearchedAlone) {
    const auto dir = rig::test_support::scratch_dir("rig_search_path_", "exact");
    const auto bench = dir / "bench";
    write_bench_file(bench);
    ScopedEnv path("RIG_BOARDS_PATH", bench.string());
    const auto r = rig({"list", "--boards-dir", repo_boards.string()}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r, "from " + (repo_boards / "nrf52840dk.toml").string() + "\n")) << r.output;
    EXPECT_FALSE(has(r, bench.string())) << r.output;
    const auto only = rig({"list", "--boards-dir", bench.string()}, dir);
    EXPECT_EQ(only.exit_code, 0) << only.output;
    EXPECT_FALSE(has(only, "sam4l_xplained")) << only.output;
}

TEST(BoardSearchPathCli, AMissingFolderInRigBoardsPathIsBadInput) {
    const auto dir = rig::test_support::scratch_dir("rig_search_path_", "missing");
    ScopedEnv path("RIG_BOARDS_PATH", (dir / "nothing").string());
    const auto r = rig({"list"}, dir);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "the boards folder " + (dir / "nothing").string() + " does not exist (RIG_BOARDS_PATH)"))
        << r.output;
}

}  // namespace
