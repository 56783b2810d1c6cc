// The board search path: a bench's own folder ahead of the repository's boards/, a file of the
// same name winning, an explicit folder searched alone. Temp folders, real board files.
#include "host/board/board.hpp"

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using rig::board::search_path_from;

const fs::path repo_boards = fs::path(RIG_SOURCE_DIR) / "boards";

fs::path fresh_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("rig_search_path_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// The repository's file for `name` with its description replaced: the bench's own copy.
void write_bench_copy(const fs::path& folder, const std::string& name, const std::string& description) {
    std::ifstream in(repo_boards / (name + ".toml"));
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find("description = \"");
    const auto end = s.find('"', at + 15);
    s.replace(at + 15, end - at - 15, description);
    fs::create_directories(folder);
    std::ofstream(folder / (name + ".toml")) << s;
}

TEST(BoardSearchPath, RigBoardsPathComesFirstThenTheRepository) {
    const auto path = search_path_from("/a::/b", "/xdg", "/home/u", repo_boards);
    ASSERT_EQ(path.folders.size(), 3u);
    EXPECT_EQ(path.folders[0].path, "/a");
    EXPECT_EQ(path.folders[1].path, "/b");
    EXPECT_TRUE(path.folders[0].must_exist);
    EXPECT_EQ(path.folders[2].path, repo_boards);
    EXPECT_EQ(path.describe(), "/a:/b:" + repo_boards.string());
}

TEST(BoardSearchPath, WithoutItTheXdgConfigFolderThenHomeConfig) {
    auto path = search_path_from(nullptr, "/xdg", "/home/u", repo_boards);
    ASSERT_EQ(path.folders.size(), 2u);
    EXPECT_EQ(path.folders[0].path, "/xdg/kernel-rig/boards");
    EXPECT_FALSE(path.folders[0].must_exist);
    path = search_path_from("", "", "/home/u", repo_boards);
    EXPECT_EQ(path.folders[0].path, "/home/u/.config/kernel-rig/boards");
    path = search_path_from(nullptr, nullptr, nullptr, repo_boards);
    ASSERT_EQ(path.folders.size(), 1u);
    EXPECT_EQ(path.folders[0].path, repo_boards);
}

TEST(BoardSearchPath, ALocalFileWinsByNameAndTheOthersComeFromTheRepository) {
    const auto local = fresh_dir("wins") / "bench";
    write_bench_copy(local, "nrf52840dk", "bench copy");
    const auto path = search_path_from(local.c_str(), nullptr, nullptr, repo_boards);

    const auto board = rig::board::find_board("nrf52840dk", path);
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->description, "bench copy");
    EXPECT_EQ(board->file, local / "nrf52840dk.toml");
    const auto repo = rig::board::find_board("sam4l_xplained", path);
    ASSERT_TRUE(repo) << repo.error().message;
    EXPECT_EQ(repo->file, repo_boards / "sam4l_xplained.toml");

    const auto all = rig::board::load_all_boards(path);
    std::vector<std::string> names;
    for (const auto& b : all) {
        ASSERT_TRUE(b) << b.error().message;
        names.push_back(b->name);
        if (b->name == "nrf52840dk") {
            EXPECT_EQ(b->file, local / "nrf52840dk.toml");
        }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"nrf52840dk", "nrf52dk", "qemu_mps2_an386", "qemu_mps2_an386_nofp",
                                               "sam4l_xplained"}));
    EXPECT_EQ(rig::board::board_files_named("nrf52840dk", path),
              (std::vector<fs::path>{local / "nrf52840dk.toml", repo_boards / "nrf52840dk.toml"}));
}

TEST(BoardSearchPath, AnAbsentDefaultLocalFolderIsSkipped) {
    const auto dir = fresh_dir("absent");
    const auto path = search_path_from(nullptr, (dir / "config").c_str(), nullptr, repo_boards);
    const auto board = rig::board::find_board("nrf52dk", path);
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_EQ(board->file, repo_boards / "nrf52dk.toml");
    for (const auto& b : rig::board::load_all_boards(path)) EXPECT_TRUE(b) << b.error().message;
}

TEST(BoardSearchPath, AFolderNamedInRigBoardsPathMustExist) {
    const auto path = search_path_from("/nonexistent/bench", nullptr, nullptr, repo_boards);
    const auto board = rig::board::find_board("nrf52dk", path);
    ASSERT_FALSE(board);
    EXPECT_NE(board.error().message.find("the boards folder /nonexistent/bench does not exist (RIG_BOARDS_PATH)"),
              std::string::npos)
        << board.error().message;
    const auto all = rig::board::load_all_boards(path);
    ASSERT_FALSE(all.empty());
    EXPECT_FALSE(all.front());
}

// A broken bench file must not quietly fall back to the repository's wiring.
TEST(BoardSearchPath, ABadLocalFileIsAnErrorNotAFallBackToTheRepository) {
    const auto local = fresh_dir("bad") / "bench";
    fs::create_directories(local);
    std::ofstream(local / "nrf52dk.toml") << "[board]\nname = \"nrf52dk\"\n";
    const auto path = search_path_from(local.c_str(), nullptr, nullptr, repo_boards);
    const auto board = rig::board::find_board("nrf52dk", path);
    ASSERT_FALSE(board);
    EXPECT_NE(board.error().message.find((local / "nrf52dk.toml").string()), std::string::npos)
        << board.error().message;
    int bad = 0;
    for (const auto& b : rig::board::load_all_boards(path)) bad += b ? 0 : 1;
    EXPECT_EQ(bad, 1);
}

TEST(BoardSearchPath, AnExplicitFolderIsSearchedAlone) {
    const auto local = fresh_dir("exact") / "bench";
    write_bench_copy(local, "nrf52dk", "bench copy");
    const auto exact = rig::board::exact_folder(local);
    ASSERT_EQ(exact.folders.size(), 1u);
    EXPECT_FALSE(rig::board::find_board("nrf52840dk", exact));
    EXPECT_EQ(rig::board::load_all_boards(exact).size(), 1u);
}

TEST(BoardSearchPath, AnUnknownBoardNamesEveryFolderSearched) {
    const auto local = fresh_dir("unknown") / "bench";
    write_bench_copy(local, "nrf52dk", "bench copy");
    const auto board = rig::board::find_board("nrf99", search_path_from(local.c_str(), nullptr, nullptr, repo_boards));
    ASSERT_FALSE(board);
    EXPECT_NE(board.error().message.find("no board 'nrf99' in " + local.string() + ":" + repo_boards.string()),
              std::string::npos)
        << board.error().message;
}

}  // namespace
