// Replays the fuzz targets (tests/fuzz/fuzz_*.cpp, compiled here with g++ and RIG_FUZZ_REPLAY)
// on their seed corpora and on every input that ever crashed one (fixtures/fuzz_regressions/),
// so the invariants and past crashes are checked in every unit run, not only under clang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "tests/fuzz/fuzz_target.hpp"

namespace rig::fuzz {

std::map<std::string, OneInput>& targets() {
    static std::map<std::string, OneInput> registered;
    return registered;
}

namespace {

namespace fs = std::filesystem;

// Runs `one_input` on every file in `dir` (none if it does not exist); returns how many ran.
int replay_directory(const std::string& target, OneInput one_input, const fs::path& dir) {
    if (!fs::is_directory(dir)) return 0;
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            one_input(bytes.data(), bytes.size());
        } catch (const std::exception& e) {
            ADD_FAILURE() << target << " on " << entry.path() << ": " << e.what();
        }
        ++count;
    }
    return count;
}

const fs::path fixtures = RIG_FIXTURES_DIR;

TEST(FuzzRegressions, EveryParserHasAFuzzTargetWithSeeds) {
    for (const char* name : {"frame", "messages", "rsp_packet", "rsp_client", "target_xml", "board", "elf",
                             "json_import", "tcl_rpc", "daemon_api"}) {
        EXPECT_TRUE(targets().contains(name)) << name;
    }
    for (const auto& [name, one_input] : targets()) {
        EXPECT_TRUE(fs::is_directory(fixtures / "fuzz" / name)) << "no seed corpus fixtures/fuzz/" << name;
    }
}

TEST(FuzzRegressions, SeedCorporaKeepTheInvariants) {
    for (const auto& [name, one_input] : targets()) {
        EXPECT_GT(replay_directory(name, one_input, fixtures / "fuzz" / name), 0) << name;
    }
}

TEST(FuzzRegressions, EveryInputThatOnceCrashedIsHandled) {
    int replayed = 0;
    for (const auto& [name, one_input] : targets()) {
        replayed += replay_directory(name, one_input, fixtures / "fuzz_regressions" / name);
    }
    EXPECT_GT(replayed, 0);
    for (const auto& entry : fs::directory_iterator(fixtures / "fuzz_regressions")) {
        if (entry.is_directory()) {
            EXPECT_TRUE(targets().contains(entry.path().filename().string()))
                << entry.path() << " names no fuzz target";
        }
    }
}

}  // namespace
}  // namespace rig::fuzz
